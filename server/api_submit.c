/*
 * api_submit.c -- coordination: uploads and edits become submissions, a
 * central analyst approves or rejects them, and the audit log shows who
 * changed what. The rights (role, territorial scope) are checked by the
 * workspace library; this file only translates.
 */
#include "srv.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reply_submission(srv_response *rs, long long id, const char *status)
{
    char json[128];
    snprintf(json, sizeof json, "{\"submission\":%lld,\"status\":\"%s\"}", id, status);
    srv_reply_json(rs, 201, json);
}

static const char *status_after(const aq_account *a)
{
    return a->role == AQ_ROLE_REGIONAL ? "pending" : "approved";
}

/* An indicator code named in a query parameter: letters (any script),
 * digits, '_', '-' and '.'; a code with quotes or spaces would otherwise
 * become a new indicator of that name. */
static bool indicator_code_ok(srv_response *rs, const char *code)
{
    for (const char *p = code; p && *p; p++)
        if ((unsigned char)*p < 0x80 && !(*p >= '0' && *p <= '9') && !(*p >= 'a' && *p <= 'z') &&
            !(*p >= 'A' && *p <= 'Z') && *p != '_' && *p != '-' && *p != '.') {
            srv_reply_error(rs, 400, "\"indicator\" must be letters, digits, '_', '-' or '.', not '%.64s'", code);
            return false;
        }
    return true;
}

/* The importer names the file it read, which is the spool file: the
 * client should see the name it sent (and not the server's directories). */
static void hide_spool_path(aq_ctx *ctx, int rc, const char *spool, const char *name)
{
    const char *msg = aq_errmsg(ctx);
    size_t n = strlen(spool);
    if (!n || !strstr(msg, spool))
        return;
    aq_buf b = {0};
    for (const char *at; (at = strstr(msg, spool)); msg = at + n) {
        aq__buf_append(&b, msg, (size_t)(at - msg));
        aq__buf_puts(&b, name);
    }
    aq__buf_puts(&b, msg);
    if (!b.failed)
        aq__err(ctx, rc, "%s", b.data);
    aq__buf_free(&b);
}

void srv_api_upload(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    static const char *const allowed[] = {"name", "dataset", "period", "indicator", NULL};
    if (!srv_query_only(rq, rs, allowed))
        return;
    const char *name = srv_query(rq, "name");
    if (!rq->upload_path) {
        srv_reply_error(rs, 400, "POST the file itself as the body, with ?name=FILE.csv|.xlsx|.geojson|...");
        return;
    }
    aq_import_opts opts;
    aq_import_opts_init(&opts);
    opts.dataset = srv_query(rq, "dataset") ? srv_query(rq, "dataset") : name;
    opts.period = srv_query(rq, "period");
    opts.indicator = srv_query(rq, "indicator");
    opts.user = who->account.name;
    if (!srv_check_value(rs, "period", opts.period) || !srv_check_value(rs, "indicator", opts.indicator) ||
        !indicator_code_ok(rs, opts.indicator))
        return;
    long long id = 0;
    int rc = aq_ws_submit_file(w->store, &who->account, rq->upload_path, name, &opts, &id);
    if (rc)
        hide_spool_path(w->ctx, rc, rq->upload_path, name ? name : "the upload");
    if (rc == AQ_EIO) /* the spool file is there: what cannot be read is its content */
        srv_reply_error(rs, 400, "%s", aq_errmsg(w->ctx));
    else if (rc)
        srv_reply_rc(w, rs, rc);
    else
        reply_submission(rs, id, status_after(&who->account));
}

void srv_api_edit(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *unit, *indicator, *period, *comment;
    if (!body)
        return;
    json_t *v = json_object_get(body, "value");
    if (srv_body_string(body, rs, "unit", true, &unit) && srv_body_string(body, rs, "indicator", true, &indicator) &&
        srv_body_string(body, rs, "period", true, &period) && srv_body_string(body, rs, "comment", false, &comment) &&
        srv_check_value(rs, "unit", unit) && srv_check_value(rs, "indicator", indicator) &&
        srv_check_value(rs, "period", period)) {
        if (!v || !(json_is_number(v) || json_is_null(v))) {
            srv_reply_error(rs, 400, "\"value\" must be a number, or null to remove the value");
        } else {
            double x = json_is_null(v) ? NAN : json_number_value(v);
            long long id = 0;
            int rc = aq_ws_submit_edit(w->store, &who->account, unit, indicator, period, x, comment, &id);
            if (rc)
                srv_reply_rc(w, rs, rc);
            else
                reply_submission(rs, id, status_after(&who->account));
        }
    }
    json_decref(body);
}

void srv_api_submissions(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    static const char *const allowed[] = {"status", NULL};
    const char *status = srv_query(rq, "status");
    if (!srv_query_only(rq, rs, allowed))
        return;
    if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected")) {
        srv_reply_error(rs, 400, "\"status\" must be pending, approved or rejected");
        return;
    }
    aq_table *t = NULL;
    int rc = aq_ws_submissions(w->store, &who->account, status, &t);
    srv_reply_listing(w, rs, rc, t);
}

static void decide(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg,
                   int approve)
{
    json_t *body = rq->body_len ? srv_body_object(rq, rs) : json_object();
    const char *comment = NULL;
    if (!body)
        return;
    if (srv_body_string(body, rs, "comment", false, &comment)) {
        long long id = strtoll(arg, NULL, 10);
        int rc = aq_ws_decide(w->store, &who->account, id, approve, comment);
        if (rc) {
            srv_reply_rc(w, rs, rc);
        } else {
            char json[128];
            snprintf(json, sizeof json, "{\"submission\":%lld,\"status\":\"%s\"}", id, approve ? "approved" : "rejected");
            srv_reply_json(rs, 200, json);
        }
    }
    json_decref(body);
}

void srv_api_approve(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    decide(w, rq, who, rs, arg, 1);
}

void srv_api_reject(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    decide(w, rq, who, rs, arg, 0);
}

void srv_api_audit(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    static const char *const allowed[] = {"after", "limit", NULL};
    size_t after = 0, limit = 0;
    if (!srv_query_only(rq, rs, allowed) || !srv_query_size(rq, rs, "after", (size_t)1 << 50, 0, &after) ||
        !srv_query_size(rq, rs, "limit", SRV_PAGE_MAX, 1000, &limit))
        return;
    if (who->account.role != AQ_ROLE_ADMIN && who->account.role != AQ_ROLE_CENTRAL) {
        srv_audit_denied(w, rq, who, "the audit log is for administrators and central analysts");
        srv_reply_error(rs, 403, "the audit log is for administrators and central analysts");
        return;
    }
    aq_table *t = NULL;
    int rc = aq_ws_audit_list(w->store, (long long)after, limit, &t);
    srv_reply_listing(w, rs, rc, t);
}
