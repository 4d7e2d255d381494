/*
 * request.c -- reading and validating what a request asks for. Every value
 * is checked before it reaches the library: the library binds values as
 * SQL parameters anyway, but a clear 400 naming the field is better than a
 * 404 for a code that could never exist.
 */
#include "srv.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *srv_query(const srv_request *rq, const char *key)
{
    for (size_t i = 0; i < rq->nquery; i++)
        if (!strcmp(rq->query[i].key, key))
            return rq->query[i].value;
    return NULL;
}

bool srv_query_only(const srv_request *rq, srv_response *rs, const char *const *allowed)
{
    for (size_t i = 0; i < rq->nquery; i++) {
        bool ok = false;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = !strcmp(rq->query[i].key, allowed[k]);
        if (!ok) {
            srv_reply_error(rs, 400, "unknown query parameter '%.64s' for %s", rq->query[i].key, rq->path);
            return false;
        }
    }
    return true;
}

bool srv_query_size(const srv_request *rq, srv_response *rs, const char *key, size_t max, size_t def, size_t *out)
{
    const char *v = srv_query(rq, key);
    *out = def;
    if (!v)
        return true;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || errno || v[0] == '-' || n > max) {
        srv_reply_error(rs, 400, "query parameter '%s' must be a whole number from 0 to %zu, not '%.64s'", key, max, v);
        return false;
    }
    *out = (size_t)n;
    return true;
}

bool srv_query_page(const srv_request *rq, srv_response *rs, aq_ws_page *page)
{
    *page = (aq_ws_page){0};
    if (!srv_query_size(rq, rs, "offset", (size_t)1 << 40, 0, &page->offset) ||
        !srv_query_size(rq, rs, "limit", SRV_PAGE_MAX, SRV_PAGE_DEFAULT, &page->limit))
        return false;
    /* 0 is "every row" to the library: never a client's to ask. */
    if (page->limit == 0) {
        srv_reply_error(rs, 400, "query parameter 'limit' must be a whole number from 1 to %d, not '0'", SRV_PAGE_MAX);
        return false;
    }
    return true;
}

bool srv_check_value(srv_response *rs, const char *field, const char *s)
{
    if (!s)
        return true;
    size_t n = strlen(s);
    bool ok = n >= 1 && n <= 64;
    for (size_t i = 0; ok && i < n; i++)
        ok = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
    if (!ok)
        srv_reply_error(rs, 400, "'%s' must be 1 to 64 printable characters", field);
    return ok;
}

const char *srv_lang(const srv_request *rq)
{
    static const char *const langs[] = {"kk", "ru", "en"};
    const char *q = srv_query(rq, "lang");
    for (size_t k = 0; q && k < 3; k++)
        if (!strcmp(q, langs[k]))
            return langs[k];
    const char *al = rq->accept_language;
    for (size_t k = 0; al && k < 3; k++)
        if (!strncmp(al, langs[k], 2))
            return langs[k];
    return "kk";
}

json_t *srv_body_object(const srv_request *rq, srv_response *rs)
{
    if (!rq->body || !rq->body_len) {
        srv_reply_error(rs, 400, "%s needs a JSON object as its body", rq->path);
        return NULL;
    }
    json_error_t err;
    json_t *o = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!o) {
        srv_reply_error(rs, 400, "the body is not valid JSON: %s at line %d, column %d", err.text, err.line, err.column);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        srv_reply_error(rs, 400, "the body must be a JSON object");
        return NULL;
    }
    return o;
}

bool srv_body_string(json_t *o, srv_response *rs, const char *key, bool required, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required)
            srv_reply_error(rs, 400, "the body needs \"%s\" (a string)", key);
        return !required;
    }
    if (!json_is_string(v)) {
        srv_reply_error(rs, 400, "\"%s\" must be a string", key);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

const char *srv_upload_extension(const char *name)
{
    static const char *const allowed[] = {".csv", ".tsv", ".txt", ".xlsx", ".ods", ".geojson", ".json", ".gpkg", NULL};
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 200 || name[0] == '.' || strstr(name, ".."))
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == '/' || name[i] == '\\' || name[i] == 0x7f)
            return NULL;
    const char *dot = strrchr(name, '.');
    for (size_t k = 0; dot && allowed[k]; k++)
        if (!strcasecmp(dot, allowed[k]))
            return allowed[k];
    return NULL;
}
