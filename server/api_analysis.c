/*
 * api_analysis.c -- analyses run on a selection of the store, each
 * recorded as a result with the dataset horizon and methodology hash it
 * used, and reproducible from them.
 *
 * An analysis is a function of (parameters, horizon): the selection it
 * reads is made with max_dataset = horizon, so values imported or approved
 * later, and later changes to the units (a district moved, a renaming), do
 * not change it, and its output holds no time stamps. Reproducing
 * a result runs it again from the record and compares SHA-256 hashes.
 */
#include "srv.h"
#include "aimaq_index.h"
#include "aimaq_ineq.h"

#include <jansson.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs an analysis of PARAMS at HORIZON; *output gets JSON text (aq_free),
 * *method_sha the methodology hash it used ("" if none). */
typedef int analysis_fn(srv_worker *w, json_t *params, long long horizon, char **output, char method_sha[65]);

static const char *param(json_t *params, const char *key)
{
    return json_string_value(json_object_get(params, key));
}

/* Selects INDICATORS (NULL-terminated) at the level and period PARAMS name. */
static int select_rows(srv_worker *w, json_t *params, const char *const *indicators, long long horizon, aq_table **out)
{
    aq_selection sel = {.indicators = indicators, .level = param(params, "level"), .period = param(params, "period"),
                        .under = param(params, "under"), .max_dataset = horizon};
    return aq_store_select(w->store, &sel, out);
}

static int dump(srv_worker *w, json_t *o, char **output)
{
    char *text = o ? aq_json_text(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    *output = text ? strdup(text) : NULL; /* aq_free is free(): same allocator */
    free(text);
    if (!*output)
        return aq_errcode(w->ctx) ? aq_errcode(w->ctx) : AQ_ENOMEM;
    return AQ_OK;
}

static int run_disparity(srv_worker *w, json_t *params, long long horizon, char **output, char method_sha[65])
{
    const char *value = param(params, "indicator"), *weight = param(params, "weight");
    const char *inds[3] = {value, weight, NULL};
    aq_table *t = NULL;
    method_sha[0] = '\0';
    int rc = select_rows(w, params, inds, horizon, &t);
    if (rc)
        return rc;
    size_t n = aq_table_nrows(t), m = 0;
    const double *x = NULL, *wt = NULL;
    rc = aq_table_number_column(w->ctx, t, value, &x);
    if (rc == AQ_OK && weight)
        rc = aq_table_number_column(w->ctx, t, weight, &wt);
    double *xs = calloc(n ? n : 1, sizeof *xs), *ws = calloc(n ? n : 1, sizeof *ws);
    json_t *skipped = json_array();
    if (rc == AQ_OK && (!xs || !ws || !skipped))
        rc = AQ_ENOMEM;
    long code = aq_table_find(t, "code");
    /* Missing or non-positive values cannot enter log measures: the
     * output lists the units left out, so nobody is dropped unseen. */
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        if (isfinite(x[i]) && x[i] > 0 && (!wt || (isfinite(wt[i]) && wt[i] >= 0))) {
            xs[m] = x[i];
            ws[m++] = wt ? wt[i] : 1;
        } else {
            json_array_append_new(skipped, json_string(aq_table_text(t, (size_t)code, i)));
        }
    }
    /* Say which values are missing (a weight of another year, say), not
     * only that too few units are left. */
    if (rc == AQ_OK && m < 2)
        rc = aq__err(w->ctx, AQ_EINPUT,
                     "disparity needs at least 2 units with a positive value of '%s'%s%s%s: %zu of the %zu selected "
                     "(level %s, period %s) have %s",
                     value, wt ? " and a value of '" : "", wt ? weight : "", wt ? "' as weight" : "", m, n,
                     param(params, "level") ? param(params, "level") : "any",
                     param(params, "period") ? param(params, "period") : "any", wt ? "both" : "one");
    aq_ineq_result *r = NULL;
    if (rc == AQ_OK)
        rc = aq_ineq_compute(w->ctx, xs, wt ? ws : NULL, m, NULL, 0, NULL, &r);
    json_t *o = NULL;
    if (rc == AQ_OK) {
        json_t *measures = json_object();
        for (int k = 0; k < AQ_M_COUNT; k++) {
            double v = aq_ineq_measure_value(r, k);
            if (isfinite(v))
                json_object_set_new(measures, aq_ineq_measure_key(k), json_real(v));
        }
        o = json_pack("{s:s, s:o, s:I, s:o}", "kind", "disparity", "measures", measures, "units", (json_int_t)m,
                      "skipped", json_incref(skipped));
        rc = dump(w, o, output);
    }
    aq_ineq_result_free(r);
    json_decref(skipped);
    free(xs);
    free(ws);
    aq_table_free(t);
    return rc;
}

/* Appends the table's rows as JSON objects to O under KEY. */
static int put_table(srv_worker *w, json_t *o, const char *key, const aq_table *t)
{
    char *text = NULL;
    int rc = aq_table_json(w->ctx, t, &text);
    if (rc)
        return rc;
    json_t *v = json_loads(text, 0, NULL);
    aq_free(text);
    return v && !json_object_set_new(o, key, v) ? AQ_OK : AQ_ENOMEM;
}

/* Keeps in INDS (NULL-terminated, in place) the codes the store has as
 * indicators: what it lacks is then reported by aq_method_restrict, all at
 * once, instead of the selection stopping at the first. */
static int held_only(srv_worker *w, const char **inds)
{
    aq_page_query q = {.what = "indicators", .limit = 10000};
    aq_table *t = NULL;
    long long total = 0;
    int rc = aq_store_page(w->store, &q, &t, &total);
    size_t k = 0;
    for (size_t i = 0; rc == AQ_OK && inds[i]; i++) {
        bool held = false;
        for (size_t r = 0; r < aq_table_nrows(t) && !held; r++)
            held = !strcmp(aq_table_text(t, 0, r), inds[i]);
        if (held)
            inds[k++] = inds[i];
    }
    if (rc == AQ_OK)
        inds[k] = NULL;
    aq_table_free(t);
    return rc;
}

static int run_potential(srv_worker *w, json_t *params, long long horizon, char **output, char method_sha[65])
{
    char *text = NULL, cols[2048];
    aq_method *m = NULL;
    aq_index *ix = NULL;
    aq_table *t = NULL, *units = NULL, *classes = NULL;
    const char *key = param(params, "method"), *allow = param(params, "allow_missing");
    int rc = aq_ws_method_get(w->store, key ? key : "", &text, method_sha);
    if (rc == AQ_OK)
        rc = aq_method_parse(w->ctx, text, strlen(text), key, &m);
    if (rc == AQ_OK && aq_method_data_columns(m, cols, sizeof cols) >= sizeof cols)
        rc = AQ_EINPUT;
    /* Split the column list into the selection's indicator codes. */
    const char *inds[64];
    size_t ni = 0;
    char *save = NULL;
    for (char *tok = rc ? NULL : strtok_r(cols, ",", &save); tok && ni < 63; tok = strtok_r(NULL, ",", &save))
        inds[ni++] = tok;
    inds[ni] = NULL;
    if (rc == AQ_OK)
        rc = held_only(w, inds);
    if (rc == AQ_OK)
        rc = select_rows(w, params, inds, horizon, &t);
    if (rc == AQ_OK)
        rc = aq_method_restrict(w->ctx, m, t, allow && !strcmp(allow, "true"));
    if (rc == AQ_OK)
        rc = aq_index_compute(w->ctx, m, t, &ix);
    if (rc == AQ_OK)
        rc = aq_index_units_table(w->ctx, ix, &units);
    if (rc == AQ_OK)
        rc = aq_index_classes_table(w->ctx, ix, &classes);
    json_t *o = rc ? NULL : json_pack("{s:s, s:s, s:s, s:[]}", "kind", "potential", "method", aq_method_name(m),
                                      "method_sha256", method_sha, "missing_indicators");
    for (size_t i = 0; o && i < aq_method_nmissing(m); i++)
        json_array_append_new(json_object_get(o, "missing_indicators"), json_string(aq_method_missing(m, i)));
    if (rc == AQ_OK && (rc = put_table(w, o, "units", units)) == AQ_OK &&
        (rc = put_table(w, o, "classes", classes)) == AQ_OK)
        rc = dump(w, json_incref(o), output);
    json_decref(o);
    aq_table_free(classes);
    aq_table_free(units);
    aq_index_free(ix);
    aq_table_free(t);
    aq_method_free(m);
    aq_free(text);
    return rc;
}

static const struct {
    const char *kind;
    analysis_fn *run;
    const char *const required[3];
} analyses[] = {
    {"disparity", run_disparity, {"indicator", NULL}},
    {"potential", run_potential, {"method", NULL}},
};

/* Checks PARAMS: known keys with short printable string values, the
 * required ones present; replies 400 otherwise. */
static bool params_ok(srv_response *rs, json_t *params, size_t a)
{
    static const char *const known[] = {"kind", "indicator", "weight", "level", "period", "under", "method",
                                        "allow_missing", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(params, k, v) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = !strcmp(k, known[i]);
        if (!ok) {
            srv_reply_error(rs, 400, "unknown parameter \"%.64s\" for a %s analysis", k, analyses[a].kind);
            return false;
        }
        if (!json_is_string(v)) {
            srv_reply_error(rs, 400, "\"%s\" must be a string", k);
            return false;
        }
        if (!srv_check_value(rs, k, json_string_value(v)))
            return false;
    }
    for (size_t i = 0; analyses[a].required[i]; i++)
        if (!json_object_get(params, analyses[a].required[i])) {
            srv_reply_error(rs, 400, "a %s analysis needs \"%s\"", analyses[a].kind, analyses[a].required[i]);
            return false;
        }
    return true;
}

static void sha256_hex(const char *s, char hex[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(hex, 65, h, sizeof h);
}

/* Runs analysis A on the request body, records the result, replies with it. */
static void run_and_record(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, size_t a)
{
    json_t *params = srv_body_object(rq, rs);
    if (!params)
        return;
    json_object_set_new(params, "kind", json_string(analyses[a].kind));
    if (!params_ok(rs, params, a)) {
        json_decref(params);
        return;
    }
    long long horizon = aq_ws_dataset_horizon(w->store), id = 0;
    if (w->server->cfg.max_results) /* --max-results; 0 leaves the library's default */
        aq_ws_set_results_cap(w->store, w->server->cfg.max_results < 0 ? 0 : (size_t)w->server->cfg.max_results);
    char *output = NULL, *ptext = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS), sha[65] = "";
    int rc = ptext ? analyses[a].run(w, params, horizon, &output, sha) : AQ_ENOMEM;
    if (rc == AQ_OK)
        rc = aq_ws_result_record(w->store, &who->account, analyses[a].kind, ptext, sha[0] ? sha : NULL, horizon,
                                 output, &id);
    if (rc) {
        srv_reply_rc(w, rs, rc);
    } else {
        char head[128];
        snprintf(head, sizeof head, "{\"result\":%lld,\"horizon\":%lld,\"output\":", id, horizon);
        rs->status = 201;
        rs->content_type = "application/json; charset=utf-8";
        aq__buf_puts(&rs->body, head);
        aq__buf_puts(&rs->body, output);
        aq__buf_puts(&rs->body, "}");
    }
    free(ptext);
    aq_free(output);
    json_decref(params);
}

void srv_api_disparity(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    run_and_record(w, rq, who, rs, 0);
}

void srv_api_potential(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    run_and_record(w, rq, who, rs, 1);
}

void srv_api_results(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    aq_ws_page page;
    aq_table *t = NULL;
    if (!srv_query_page(rq, rs, &page))
        return;
    int rc = aq_ws_results_page(w->store, &page, &t);
    srv_reply_ws_page(w, rs, rc, t, &page);
}

void srv_api_result(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)rq, (void)who;
    char *params = NULL, *sha = NULL, *output = NULL;
    long long horizon = 0;
    int rc = aq_ws_result_get(w->store, strtoll(arg, NULL, 10), &params, &sha, &horizon, &output);
    if (rc) {
        srv_reply_rc(w, rs, rc);
    } else {
        rs->status = 200;
        rs->content_type = "application/json; charset=utf-8";
        aq__buf_printf(&rs->body, "{\"result\":%s,\"horizon\":%lld,\"method_sha256\":", arg, horizon);
        aq__buf_puts(&rs->body, sha && *sha ? "\"" : "null");
        if (sha && *sha) {
            aq__buf_puts(&rs->body, sha); /* 64 hex digits: nothing to escape */
            aq__buf_puts(&rs->body, "\"");
        }
        aq__buf_printf(&rs->body, ",\"params\":%s,\"output\":%s}", params, output);
    }
    aq_free(params);
    aq_free(sha);
    aq_free(output);
}

void srv_api_reproduce(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)rq, (void)who;
    char *ptext = NULL, *sha = NULL, *old = NULL, *again = NULL, sha_now[65] = "";
    long long horizon = 0;
    int rc = aq_ws_result_get(w->store, strtoll(arg, NULL, 10), &ptext, &sha, &horizon, &old);
    json_t *params = rc ? NULL : json_loads(ptext, 0, NULL);
    const char *kind = params ? param(params, "kind") : NULL;
    size_t a = 0;
    while (kind && a < sizeof analyses / sizeof analyses[0] && strcmp(analyses[a].kind, kind))
        a++;
    if (rc) {
        srv_reply_rc(w, rs, rc);
    } else if (!kind || a == sizeof analyses / sizeof analyses[0]) {
        srv_reply_error(rs, 500, "result %s records no analysis this server knows", arg);
    } else if ((rc = analyses[a].run(w, params, horizon, &again, sha_now))) {
        srv_reply_rc(w, rs, rc);
    } else {
        char h1[65], h2[65], json[400];
        sha256_hex(old, h1);
        sha256_hex(again, h2);
        bool same = !strcmp(h1, h2) && !strcmp(sha ? sha : "", sha_now);
        snprintf(json, sizeof json, "{\"result\":%s,\"horizon\":%lld,\"identical\":%s,\"output_sha256\":\"%s\","
                 "\"recomputed_sha256\":\"%s\"}", arg, horizon, same ? "true" : "false", h1, h2);
        srv_reply_json(rs, 200, json);
    }
    json_decref(params);
    aq_free(ptext);
    aq_free(sha);
    aq_free(old);
    aq_free(again);
}
