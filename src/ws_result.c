/*
 * ws_result.c -- stored methodologies and recorded analysis results.
 *
 * A result records what it was computed from: the request, the hash of the
 * methodology, and the dataset horizon (the newest live dataset id then)
 * with the list of those datasets and their checksums. A selection at the
 * same horizon (aq_selection.max_dataset) sees the same values, and the
 * units as they were (store_history.c), whatever was imported, approved or
 * changed since, so the result can be recomputed and its output's SHA-256
 * compared.
 */
#include "aimaq_index.h"
#include "ws_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

int aq_ws_method_put(aq_store *s, const aq_account *actor, const char *name, const char *text, char sha[65])
{
    char object[160];
    snprintf(object, sizeof object, "methodology %.128s", name ? name : "");
    if (!actor || !aq_role_name(actor->role) || actor->role == AQ_ROLE_VIEWER) {
        aq__err(s->ctx, AQ_EDENIED, "'%s' is a viewer: it may not store methodologies", actor ? actor->name : "nobody");
        return actor ? aq__ws_denied(s, actor, object) : AQ_EDENIED;
    }
    if (!text)
        return aq__err(s->ctx, AQ_EUSAGE, "no methodology text");
    aq_method *m = NULL;
    int rc = aq_method_parse(s->ctx, text, strlen(text), name && *name ? name : "methodology", &m);
    if (rc)
        return rc == AQ_EINPUT || rc == AQ_ENOMEM ? rc : aq__err_prefix(s->ctx, "invalid methodology");
    char hash[65], stored_name[256];
    aq__ws_sha256_hex(text, strlen(text), hash);
    snprintf(stored_name, sizeof stored_name, "%s", name && *name ? name : aq_method_name(m));
    aq_method_free(m);
    snprintf(object, sizeof object, "methodology %.128s", stored_name);
    aq_db_stmt *st = NULL;
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    rc = aq__store_prepare(s, "INSERT INTO methodologies(sha256, name, text, stored_by) VALUES (?1, ?2, ?3, ?4)"
                              " ON CONFLICT(sha256) DO NOTHING", &st);
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, hash);
        aq__db_bind_text(st, 2, stored_name);
        aq__db_bind_text(st, 3, text);
        aq__db_bind_text(st, 4, actor->name);
        if (aq__db_step(st) != AQ_DB_DONE)
            rc = aq__store_fail(s, "cannot store the methodology");
    }
    aq__db_finalize(st);
    if (rc == AQ_OK && aq__db_changes(s->db) > 0) /* the same text again changes nothing */
        rc = aq__ws_audit(s, actor, "method-put", object, NULL, hash, NULL);
    rc = aq__ws_end(s, rc);
    if (rc == AQ_OK && sha)
        memcpy(sha, hash, 65);
    return rc;
}

int aq_ws_method_get(aq_store *s, const char *key, char **text, char sha[65])
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT text, sha256 FROM methodologies WHERE sha256 = lower(?1) OR name = ?1"
                                  " ORDER BY sha256 = lower(?1) DESC, stored_at DESC, sha256 DESC LIMIT 1", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, key);
    int step = aq__db_step(st);
    if (step == AQ_DB_ROW) {
        if (text && !(*text = aq__strdup(aq__db_column_text(st, 0))))
            rc = aq__oom(s->ctx);
        if (sha)
            snprintf(sha, 65, "%s", aq__db_column_text(st, 1));
    } else if (step == AQ_DB_DONE) {
        rc = aq__err(s->ctx, AQ_ENOTFOUND, "no methodology '%s' in the store '%s' (give its name or SHA-256)",
                     key ? key : "", s->path);
    } else {
        rc = aq__store_fail(s, "cannot read the methodologies");
    }
    aq__db_finalize(st);
    return rc;
}

int aq_ws_methods_page(aq_store *s, aq_ws_page *page, aq_table **out)
{
    return aq__ws_list(s, "SELECT name, sha256, stored_at, stored_by FROM methodologies ORDER BY name, stored_at, sha256",
                       NULL, page, out);
}

int aq_ws_methods(aq_store *s, aq_table **out) { return aq_ws_methods_page(s, NULL, out); }

long long aq_ws_dataset_horizon(aq_store *s)
{
    /* Backwards along the rowid, stopping at the first live dataset: the
     * server asks on every map request, and edits make datasets many. */
    aq_db_stmt *st;
    long long h = 0;
    if (aq__store_cached(s, "SELECT id FROM datasets WHERE status = 'live' ORDER BY id DESC LIMIT 1", &st) != AQ_OK)
        return 0;
    if (aq__db_step(st) == AQ_DB_ROW)
        h = aq__db_column_int64(st, 0);
    aq__store_release(st);
    return h;
}

/* The live datasets up to HORIZON as a JSON array of {id, name, checksum}. */
static int datasets_json(aq_store *s, long long horizon, char **out)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT id, name, checksum FROM datasets WHERE status = 'live' AND id <= ?1 ORDER BY id", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, horizon);
    json_t *arr = json_array();
    int step;
    while (arr && (step = aq__db_step(st)) == AQ_DB_ROW) {
        const char *name = aq__db_column_text(st, 1), *sum = aq__db_column_text(st, 2);
        json_array_append_new(arr, json_pack("{s:I, s:s?, s:s?}", "id", (json_int_t)aq__db_column_int64(st, 0),
                                             "name", name, "checksum", sum));
    }
    aq__db_finalize(st);
    *out = arr ? json_dumps(arr, JSON_COMPACT) : NULL;
    json_decref(arr);
    return *out ? AQ_OK : aq__oom(s->ctx);
}

int aq_ws_result_record(aq_store *s, const aq_account *actor, const char *kind, const char *params,
                        const char *method_sha, long long horizon, const char *output, long long *id)
{
    if (!kind || !*kind)
        return aq__err(s->ctx, AQ_EUSAGE, "a result needs a kind (disparity, potential, ...)");
    if (horizon < 0)
        return aq__err(s->ctx, AQ_EUSAGE, "dataset horizon %lld is negative", horizon);
    char sum[65], *datasets = NULL;
    aq__ws_sha256_hex(output ? output : "", output ? strlen(output) : 0, sum);
    int rc = aq__ws_begin(s);
    if (rc)
        return rc;
    rc = datasets_json(s, horizon, &datasets);
    aq_db_stmt *st = NULL;
    long long rid = 0;
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, "INSERT INTO results(kind, created_by, params, method_sha256, horizon, datasets, output,"
                                  " output_sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id", &st);
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, kind);
        aq__db_bind_text(st, 2, actor ? actor->name : "system");
        aq__db_bind_text(st, 3, params);
        aq__db_bind_text(st, 4, method_sha);
        aq__db_bind_int64(st, 5, horizon);
        aq__db_bind_text(st, 6, datasets);
        aq__db_bind_text(st, 7, output);
        aq__db_bind_text(st, 8, sum);
        if (aq__db_step(st) == AQ_DB_ROW)
            rid = aq__db_column_int64(st, 0);
        else
            rc = aq__store_fail(s, "cannot record the result");
    }
    aq__db_finalize(st);
    free(datasets); /* jansson's allocation */
    /* The cap: this account's oldest results beyond it expire, so one
     * account recording in a loop fills neither the disk nor listings,
     * and never pushes out anyone else's. */
    long long cap = s->results_cap ? s->results_cap : AQ_WS_RESULTS_CAP, expired = 0;
    if (rc == AQ_OK && cap > 0) {
        rc = aq__store_run(s, "cannot expire the oldest results",
                           "DELETE FROM results WHERE created_by = ?1 AND id <= (SELECT id FROM results"
                           " WHERE created_by = ?1 ORDER BY id DESC LIMIT 1 OFFSET CAST(?2 AS BIGINT))", "ti",
                           actor ? actor->name : "system", cap);
        if (rc == AQ_OK)
            expired = aq__db_changes(s->db);
    }
    char object[64], desc[256];
    snprintf(object, sizeof object, "result %lld", rid);
    int len = snprintf(desc, sizeof desc, "%s at dataset horizon %lld, output sha256 %s", kind, horizon, sum);
    if (expired > 0 && len > 0 && (size_t)len < sizeof desc)
        snprintf(desc + len, sizeof desc - (size_t)len, "; %lld older result%s of this account expired (cap %lld)",
                 expired, expired == 1 ? "" : "s", cap);
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, "result", object, NULL, desc, NULL);
    rc = aq__ws_end(s, rc);
    if (rc == AQ_OK && id)
        *id = rid;
    return rc;
}

int aq_ws_results_page(aq_store *s, aq_ws_page *page, aq_table **out)
{
    return aq__ws_list(s,
        "SELECT id, kind, created_at, created_by, params, method_sha256, horizon, datasets, output_sha256"
        " FROM results ORDER BY id DESC", NULL, page, out);
}

int aq_ws_results(aq_store *s, aq_table **out) { return aq_ws_results_page(s, NULL, out); }

void aq_ws_set_results_cap(aq_store *s, size_t cap)
{
    s->results_cap = cap == 0 ? -1 : cap > (size_t)INT64_MAX ? INT64_MAX : (long long)cap;
}

static int dup_col(aq_store *s, aq_db_stmt *st, int col, char **out)
{
    if (!out)
        return AQ_OK;
    const char *v = aq__db_column_text(st, col);
    *out = NULL;
    if (v && !(*out = aq__strdup(v)))
        return aq__oom(s->ctx);
    return AQ_OK;
}

int aq_ws_result_get(aq_store *s, long long id, char **params, char **method_sha, long long *horizon, char **output)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT params, method_sha256, horizon, output FROM results WHERE id = ?1", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, id);
    int step = aq__db_step(st);
    char *p = NULL, *m = NULL, *o = NULL;
    if (step == AQ_DB_ROW) {
        if ((rc = dup_col(s, st, 0, &p)) == AQ_OK && (rc = dup_col(s, st, 1, &m)) == AQ_OK)
            rc = dup_col(s, st, 3, &o);
        if (horizon)
            *horizon = aq__db_column_int64(st, 2);
    } else if (step == AQ_DB_DONE) {
        rc = aq__err(s->ctx, AQ_ENOTFOUND, "no result %lld in the store '%s'", id, s->path);
    } else {
        rc = aq__store_fail(s, "cannot read the results");
    }
    aq__db_finalize(st);
    if (rc) {
        aq__free(p), aq__free(m), aq__free(o);
        return rc;
    }
    if (params)
        *params = p;
    else
        aq__free(p);
    if (method_sha)
        *method_sha = m;
    else
        aq__free(m);
    if (output)
        *output = o;
    else
        aq__free(o);
    return AQ_OK;
}
