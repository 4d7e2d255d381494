/*
 * reply.c -- filling a response: JSON bodies, errors with the status a
 * library return code deserves, pages of tables.
 */
#include "srv.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

void srv_reply_text(srv_response *rs, int status, const char *content_type, const char *text, size_t len)
{
    rs->status = status;
    rs->content_type = content_type;
    rs->body.len = 0;
    aq__buf_append(&rs->body, text, len);
}

void srv_reply_json(srv_response *rs, int status, const char *json)
{
    srv_reply_text(rs, status, "application/json; charset=utf-8", json, strlen(json));
}

void srv_reply_error(srv_response *rs, int status, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* jansson escapes the message: it may quote user input. */
    json_t *o = json_pack("{s:s, s:i}", "error", msg, "status", status);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    srv_reply_json(rs, status, text ? text : "{\"error\":\"out of memory\"}");
    free(text);
    json_decref(o);
}

int srv_status_of(int rc)
{
    switch (rc) {
    case AQ_EINPUT:
    case AQ_EUSAGE:
        return 400;
    case AQ_EDENIED:
        return 403;
    case AQ_ENOTFOUND:
        return 404;
    case AQ_ESTORE:
        return 503; /* busy or locked: the client may retry */
    case AQ_ELIMIT:
        return 413; /* a spreadsheet past the server's bounds */
    default:
        return 500;
    }
}

void srv_reply_rc(srv_worker *w, srv_response *rs, int rc)
{
    srv_reply_error(rs, srv_status_of(rc), "%s", aq_errmsg(w->ctx));
}

/* Replies with PREFIX + the table's JSON + "}". */
static void reply_wrapped(srv_worker *w, srv_response *rs, const char *prefix, const aq_table *t)
{
    char *items = NULL;
    int rc = aq_table_json(w->ctx, t, &items);
    if (rc) {
        srv_reply_rc(w, rs, rc);
        return;
    }
    rs->status = 200;
    rs->content_type = "application/json; charset=utf-8";
    rs->body.len = 0;
    aq__buf_puts(&rs->body, prefix);
    aq__buf_puts(&rs->body, items);
    aq__buf_puts(&rs->body, "}");
    aq_free(items);
}

void srv_reply_page(srv_worker *w, srv_response *rs, const aq_table *t, long long total, size_t offset, size_t limit)
{
    char prefix[160], next[32] = "null";
    size_t end = offset + aq_table_nrows(t);
    if (aq_table_nrows(t) > 0 && total > 0 && (long long)end < total)
        snprintf(next, sizeof next, "%zu", end);
    snprintf(prefix, sizeof prefix, "{\"total\":%lld,\"offset\":%zu,\"limit\":%zu,\"next\":%s,\"items\":", total,
             offset, limit, next);
    reply_wrapped(w, rs, prefix, t);
}

void srv_reply_ws_page(srv_worker *w, srv_response *rs, int rc, aq_table *t, const aq_ws_page *page)
{
    if (rc)
        srv_reply_rc(w, rs, rc);
    else
        srv_reply_page(w, rs, t, page->total, page->offset, page->limit);
    aq_table_free(t);
}

void srv_reply_table(srv_worker *w, srv_response *rs, const aq_table *t)
{
    reply_wrapped(w, rs, "{\"items\":", t);
}

void srv_reply_listing(srv_worker *w, srv_response *rs, int rc, aq_table *t)
{
    if (rc)
        srv_reply_rc(w, rs, rc);
    else
        srv_reply_table(w, rs, t);
    aq_table_free(t);
}
