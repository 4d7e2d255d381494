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

/* A cell of the job's one row: its text ("" for NULL), or its number
 * (NaN for NULL). */
static const char *job_text(const aq_table *t, const char *col, char *buf, size_t size)
{
    long j = aq_table_find(t, col);
    return j < 0 ? "" : aq_table_cell(t, (size_t)j, 0, buf, size);
}

static double job_number(const aq_table *t, const char *col)
{
    char buf[64];
    const char *s = job_text(t, col, buf, sizeof buf);
    return *s ? strtod(s, NULL) : NAN;
}

/* Job JOB's answer: for the upload's own request, 201 with the submission
 * when it is done (as before there was a queue) or its error when it
 * failed; otherwise (still queued or running, or GET /api/imports/ID)
 * the job: {"import", "state", "file", "account", "created_at",
 * "updated_at", "rows_read", "rows_total", "percent", "submission",
 * "submission_status", "error", "error_status"}, 202 or 200. */
static void reply_job(srv_worker *w, srv_response *rs, const aq_account *who, long long job, bool upload)
{
    aq_table *t = NULL;
    int rc = aq_ws_job_get(w->store, who, job, &t);
    if (rc) {
        srv_reply_rc(w, rs, rc);
        return;
    }
    char state[16], buf[1024];
    snprintf(state, sizeof state, "%s", job_text(t, "state", buf, sizeof buf));
    double sub = job_number(t, "submission"), code = job_number(t, "code");
    if (upload && !strcmp(state, "done")) {
        snprintf(buf, sizeof buf, "{\"submission\":%.0f,\"status\":\"%s\",\"import\":%lld}", sub,
                 who->role == AQ_ROLE_REGIONAL ? "pending" : "approved", job);
        srv_reply_json(rs, 201, buf);
    } else if (upload && !strcmp(state, "failed")) {
        srv_reply_error(rs, srv_status_of(isnan(code) ? AQ_EINTERNAL : (int)code), "%s", job_text(t, "error", buf, sizeof buf));
    } else {
        json_t *o = json_object();
        json_object_set_new(o, "import", json_integer(job));
        json_object_set_new(o, "state", json_string(state));
        static const char *const texts[] = {"file", "account", "created_at", "updated_at"};
        for (size_t k = 0; k < sizeof texts / sizeof *texts; k++) {
            const char *v = job_text(t, texts[k], buf, sizeof buf);
            json_object_set_new(o, texts[k], *v ? json_string(v) : json_null());
        }
        static const char *const nums[] = {"rows_read", "rows_total", "percent", "submission"};
        for (size_t k = 0; k < sizeof nums / sizeof *nums; k++) {
            double v = job_number(t, nums[k]);
            json_object_set_new(o, nums[k], isnan(v) ? json_null() : json_integer((json_int_t)v));
        }
        const char *st = job_text(t, "status", buf, sizeof buf);
        json_object_set_new(o, "submission_status", *st ? json_string(st) : json_null());
        const char *err = job_text(t, "error", buf, sizeof buf);
        json_object_set_new(o, "error", *err ? json_string(err) : json_null());
        json_object_set_new(o, "error_status", isnan(code) ? json_null() : json_integer(srv_status_of((int)code)));
        char *text = json_dumps(o, JSON_COMPACT);
        srv_reply_json(rs, upload ? 202 : 200, text ? text : "{}");
        free(text);
        json_decref(o);
    }
    aq_table_free(t);
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
    if (!srv_check_value(rs, "period", opts.period) || !srv_check_value(rs, "indicator", opts.indicator) ||
        !indicator_code_ok(rs, opts.indicator))
        return;
    /* Queued, imported by the import thread in short transactions; the
     * answer is its result when it comes within a second, else its job. */
    long long job = 0;
    int rc = aq_ws_job_new(w->store, &who->account, name, &job);
    if (rc == AQ_OK)
        srv_queue_upload(w, rq, &who->account, job, name, &opts);
    if (rc)
        srv_reply_rc(w, rs, rc);
    else
        reply_job(w, rs, &who->account, job, true);
}

void srv_api_import(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    static const char *const allowed[] = {NULL};
    if (srv_query_only(rq, rs, allowed))
        reply_job(w, rs, &who->account, strtoll(arg, NULL, 10), false);
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
