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
/* The HTTP status of a failed import's code. The spool file is there, so
 * an I/O error reading it is its content's (a file GDAL cannot read): a
 * 400, not a 500. */
static int upload_status(double code)
{
    int rc = isnan(code) ? AQ_EINTERNAL : (int)code;
    return rc == AQ_EIO ? 400 : srv_status_of(rc);
}

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
        srv_reply_error(rs, upload_status(code), "%s", job_text(t, "error", buf, sizeof buf));
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
        json_object_set_new(o, "error_status", isnan(code) ? json_null() : json_integer(upload_status(code)));
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

/* The new value of an edit, as the request gives it: a JSON number, or the
 * text a person typed ("2 917,9", "1 234 567"), read by aimaq's number
 * parser with "decimal" (the page's convention) deciding only text that
 * reads two ways. Removing a value must be asked for by name
 * ("remove": true): a null or unreadable value once went through as a
 * removal and deleted a figure the editor meant to change. Sets *x (NaN for
 * a removal) or replies 400 and returns false. */
static bool edit_value(json_t *body, srv_response *rs, double *x)
{
    json_t *v = json_object_get(body, "value"), *remove = json_object_get(body, "remove"),
           *mark = json_object_get(body, "decimal");
    if (remove && !json_is_boolean(remove)) {
        srv_reply_error(rs, 400, "\"remove\" must be true or false");
        return false;
    }
    if (remove && json_is_true(remove)) {
        if (v) {
            srv_reply_error(rs, 400, "give either \"value\" or \"remove\": true, not both");
            return false;
        }
        *x = NAN;
        return true;
    }
    if (!v || json_is_null(v)) {
        srv_reply_error(rs, 400, "\"value\" is missing: give the new value, or \"remove\": true to remove the value");
        return false;
    }
    if (json_is_number(v)) {
        *x = json_number_value(v);
        return true;
    }
    if (!json_is_string(v)) {
        srv_reply_error(rs, 400, "\"value\" must be a number or the number as text, such as \"2 917,9\"");
        return false;
    }
    const char *m = mark && json_is_string(mark) ? json_string_value(mark) : NULL;
    if (mark && (!m || (strcmp(m, ",") && strcmp(m, ".")))) {
        srv_reply_error(rs, 400, "\"decimal\" must be \",\" or \".\"");
        return false;
    }
    const char *text = json_string_value(v);
    size_t len = json_string_length(v);
    int got = memchr(text, '\0', len) ? 0 : aq_parse_number_typed(text, len, m ? m[0] : 0, x);
    if (got == 1)
        return true;
    /* The caller's own text, cut short: it names what was not understood. */
    if (got < 0)
        srv_reply_error(rs, 400, "\"value\" '%.40s' reads two ways (a decimal mark or a thousands separator):"
                        " give \"decimal\", or write it without doubt, such as 1 234 or 1,2340", text);
    else
        srv_reply_error(rs, 400, "\"value\" '%.40s' is not a number (write it as 2 917,9, 2917.9 or 1 234 567)", text);
    return false;
}

void srv_api_edit(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *unit, *indicator, *period, *comment;
    double x = NAN;
    if (!body)
        return;
    if (srv_body_string(body, rs, "unit", true, &unit) && srv_body_string(body, rs, "indicator", true, &indicator) &&
        srv_body_string(body, rs, "period", true, &period) && srv_body_string(body, rs, "comment", false, &comment) &&
        srv_check_value(rs, "unit", unit) && srv_check_value(rs, "indicator", indicator) &&
        srv_check_value(rs, "period", period) && edit_value(body, rs, &x)) {
        long long id = 0;
        int rc = aq_ws_submit_edit(w->store, &who->account, unit, indicator, period, x, comment, &id);
        if (rc)
            srv_reply_rc(w, rs, rc);
        else
            reply_submission(rs, id, status_after(&who->account));
    }
    json_decref(body);
}

void srv_api_submissions(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    const char *status = srv_query(rq, "status");
    aq_ws_page page;
    if (!srv_query_page(rq, rs, &page))
        return;
    if (status && strcmp(status, "pending") && strcmp(status, "approved") && strcmp(status, "rejected")) {
        srv_reply_error(rs, 400, "\"status\" must be pending, approved or rejected");
        return;
    }
    aq_table *t = NULL;
    int rc = aq_ws_submissions_page(w->store, &who->account, status, &page, &t);
    srv_reply_ws_page(w, rs, rc, t, &page);
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
    size_t after = 0;
    aq_ws_page page;
    if (!srv_query_page(rq, rs, &page) || !srv_query_size(rq, rs, "after", (size_t)1 << 50, 0, &after))
        return;
    if (who->account.role != AQ_ROLE_ADMIN && who->account.role != AQ_ROLE_CENTRAL) {
        srv_audit_denied(w, rq, who, "the audit log is for administrators and central analysts");
        srv_reply_error(rs, 403, "the audit log is for administrators and central analysts");
        return;
    }
    aq_table *t = NULL;
    int rc = aq_ws_audit_page(w->store, (long long)after, &page, &t);
    srv_reply_ws_page(w, rs, rc, t, &page);
}
