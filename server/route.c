/*
 * route.c -- who is asking, may they ask it, and which handler answers.
 *
 * Every /api/ route except login and health needs a caller: a session
 * cookie (then every state-changing request must also carry the session's
 * CSRF token in X-CSRF-Token) or an API token (Authorization: Bearer).
 * Rights beyond "logged in" (roles, territorial scope) are the workspace
 * library's to decide: the handlers pass the caller's account along and
 * turn AQ_EDENIED into 403. Every refusal is written to the audit log:
 * by the library for the refusals it decides, here for the others.
 */
#include "srv.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum access { PUBLIC, CALLER };

typedef struct route {
    const char *method;
    const char *pattern;  /* '*' matches one path segment of digits, '%' one of
                             hex digits (a token id): the arg */
    enum access access;
    srv_handler *handler;
} route;

static void health(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)w, (void)rq, (void)who, (void)arg;
    srv_reply_json(rs, 200, "{\"status\":\"ok\",\"version\":\"" AQ_VERSION "\"}");
}

static const route routes[] = {
    {"GET", "/api/health", PUBLIC, health},
    {"POST", "/api/login", PUBLIC, srv_api_login},
    {"POST", "/api/logout", CALLER, srv_api_logout},
    {"GET", "/api/me", CALLER, srv_api_me},
    {"POST", "/api/tokens", CALLER, srv_api_token},
    {"GET", "/api/tokens", CALLER, srv_api_tokens},
    {"DELETE", "/api/tokens/%", CALLER, srv_api_token_revoke},
    {"GET", "/api/accounts", CALLER, srv_api_accounts},
    {"POST", "/api/accounts", CALLER, srv_api_account_add},
    {"POST", "/api/accounts/disable", CALLER, srv_api_account_disable},
    {"GET", "/api/units", CALLER, srv_api_units},
    {"GET", "/api/indicators", CALLER, srv_api_indicators},
    {"GET", "/api/observations", CALLER, srv_api_observations},
    {"GET", "/api/datasets", CALLER, srv_api_datasets},
    {"GET", "/api/map", CALLER, srv_api_map},
    {"GET", "/api/chart", CALLER, srv_api_chart},
    {"POST", "/api/uploads", CALLER, srv_api_upload},
    {"GET", "/api/imports/*", CALLER, srv_api_import},
    {"POST", "/api/edits", CALLER, srv_api_edit},
    {"GET", "/api/submissions", CALLER, srv_api_submissions},
    {"POST", "/api/submissions/*/approve", CALLER, srv_api_approve},
    {"POST", "/api/submissions/*/reject", CALLER, srv_api_reject},
    {"GET", "/api/audit", CALLER, srv_api_audit},
    {"GET", "/api/methodologies", CALLER, srv_api_methods},
    {"POST", "/api/methodologies", CALLER, srv_api_method_put},
    {"POST", "/api/analysis/disparity", CALLER, srv_api_disparity},
    {"POST", "/api/analysis/potential", CALLER, srv_api_potential},
    {"GET", "/api/results", CALLER, srv_api_results},
    {"GET", "/api/results/*", CALLER, srv_api_result},
    {"POST", "/api/results/*/reproduce", CALLER, srv_api_reproduce},
};

static bool is_digit(char c, bool hex)
{
    return (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

/* Matches PATH against PATTERN; ARG receives the digits '*' or '%' matched. */
static bool match(const char *pattern, const char *path, char arg[24])
{
    arg[0] = '\0';
    while (*pattern && *path) {
        if (*pattern == '*' || *pattern == '%') {
            size_t n = 0;
            while (is_digit(path[n], *pattern == '%'))
                n++;
            if (n == 0 || n >= 24)
                return false;
            memcpy(arg, path, n);
            arg[n] = '\0';
            path += n;
            pattern++;
        } else if (*pattern++ != *path++) {
            return false;
        }
    }
    return !*pattern && !*path;
}

static bool state_changing(const char *method) { return strcmp(method, "GET") && strcmp(method, "HEAD"); }

void srv_audit_denied(srv_worker *w, const srv_request *rq, const srv_caller *who, const char *why)
{
    char object[300];
    snprintf(object, sizeof object, "%s %.255s", rq->method, rq->path);
    if (aq_ws_audit(w->store, who && who->known ? &who->account : NULL, "denied", object, NULL, why, rq->client))
        aq_clear_error(w->ctx); /* the refusal stands even if the log is busy */
}

/* Finds the caller from a bearer token or the session cookie. */
static void identify(srv_worker *w, const srv_request *rq, srv_caller *who)
{
    memset(who, 0, sizeof *who);
    if (rq->bearer) {
        who->known = aq_ws_token_account(w->store, rq->bearer, &who->account) == AQ_OK;
    } else if (rq->session) {
        who->known = aq_ws_session(w->store, rq->session, &who->account, who->csrf) == AQ_OK;
        who->by_cookie = who->known;
    }
    aq_clear_error(w->ctx);
}

static bool csrf_ok(const srv_request *rq, const srv_caller *who)
{
    size_t n = strlen(who->csrf);
    return rq->csrf && strlen(rq->csrf) == n && n > 0 && sodium_memcmp(rq->csrf, who->csrf, n) == 0;
}

void srv_handle(srv_worker *w, const srv_request *rq, srv_response *rs)
{
    rs->status = 0;
    aq_clear_error(w->ctx);
    aq_ws_set_client(w->store, rq->client); /* every audit record names the caller's address */
    /* A repeated parameter is refused rather than one of its values taken
     * in silence: ?limit=10&limit=99999 is a mistake or a probe. */
    for (size_t i = 1; i < rq->nquery; i++)
        for (size_t k = 0; k < i; k++)
            if (!strcmp(rq->query[i].key, rq->query[k].key)) {
                srv_reply_error(rs, 400, "query parameter '%.64s' is given more than once: give it once",
                                rq->query[i].key);
                return;
            }
    if (strncmp(rq->path, "/api/", 5) != 0) {
        if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD"))
            srv_reply_error(rs, 405, "method %s is not allowed on %.200s", rq->method, rq->path);
        else
            srv_static(w, rq, NULL, rs, NULL);
        return;
    }
    bool path_known = false;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        char arg[24];
        if (!match(routes[i].pattern, rq->path, arg))
            continue;
        path_known = true;
        if (strcmp(routes[i].method, rq->method))
            continue;
        srv_caller who;
        identify(w, rq, &who);
        if (routes[i].access == CALLER && !who.known) {
            srv_reply_error(rs, 401, "log in first (POST /api/login) or send an API token (Authorization: Bearer)");
            return;
        }
        if (routes[i].access == CALLER && who.by_cookie && state_changing(rq->method) && !csrf_ok(rq, &who)) {
            srv_audit_denied(w, rq, &who, "missing or wrong X-CSRF-Token");
            srv_reply_error(rs, 403, "this request needs the session's CSRF token in the X-CSRF-Token header");
            return;
        }
        if (!srv_query_declared(rq, rs, routes[i].method, routes[i].pattern))
            return;
        /* The workspace library audits the refusals it decides (role,
         * scope); handlers audit the ones they decide themselves. */
        routes[i].handler(w, rq, &who, rs, arg);
        return;
    }
    if (path_known)
        srv_reply_error(rs, 405, "method %s is not allowed on %.200s", rq->method, rq->path);
    else
        srv_reply_error(rs, 404, "no API endpoint %.200s (see docs/server.md)", rq->path);
}
