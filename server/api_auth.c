/*
 * api_auth.c -- logging in and out, who am I, API tokens (issued, listed,
 * revoked), accounts.
 *
 * The session token travels only in an HttpOnly, SameSite=Strict cookie,
 * so page scripts cannot read it and other sites cannot send it; the CSRF
 * token is given to the page in the login reply (and by /api/me) and must
 * come back in X-CSRF-Token on every state-changing request.
 */
#include "srv.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

enum { SESSION_SECONDS = 12 * 3600 };

static json_t *account_json(const aq_account *a)
{
    return json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)a->id, "name", a->name, "role",
                     aq_role_name(a->role) ? aq_role_name(a->role) : "?", "scope", a->scope);
}

static void reply_object(srv_response *rs, int status, json_t *o)
{
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    if (text)
        srv_reply_json(rs, status, text);
    else
        srv_reply_error(rs, 500, "out of memory");
    free(text);
    json_decref(o);
}

static void set_session_cookie(srv_worker *w, srv_response *rs, const char *token, int max_age)
{
    snprintf(rs->set_cookie, sizeof rs->set_cookie, "aq_session=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
             token, max_age, w->server->cfg.secure_cookies ? "; Secure" : "");
}

void srv_api_login(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *name, *password;
    if (!body)
        return;
    if (srv_body_string(body, rs, "name", true, &name) && srv_body_string(body, rs, "password", true, &password)) {
        char session[65], csrf[65];
        aq_account a;
        int rc = aq_ws_login(w->store, name, password, rq->client, session, csrf, &a);
        if (rc == AQ_EDENIED) {
            /* 401, not 403: the caller is not known; the library audited it. */
            srv_reply_error(rs, 401, "%s", aq_errmsg(w->ctx));
        } else if (rc) {
            srv_reply_rc(w, rs, rc);
        } else {
            set_session_cookie(w, rs, session, SESSION_SECONDS);
            reply_object(rs, 200, json_pack("{s:o, s:s}", "account", account_json(&a), "csrf", csrf));
            sodium_memzero(session, sizeof session);
        }
    }
    json_decref(body);
}

void srv_api_logout(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    if (rq->session)
        aq_ws_logout(w->store, rq->session);
    set_session_cookie(w, rs, "", 0);
    srv_reply_json(rs, 200, "{\"logged_out\":true}");
}

void srv_api_me(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)w, (void)rq, (void)arg;
    reply_object(rs, 200, json_pack("{s:o, s:s}", "account", account_json(&who->account), "csrf", who->csrf));
}

void srv_api_token(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *label;
    if (!body)
        return;
    json_int_t account = json_integer_value(json_object_get(body, "account_id"));
    if (srv_body_string(body, rs, "label", true, &label)) {
        char token[65];
        int rc = aq_ws_token_new(w->store, &who->account, (long long)account, label, token);
        if (rc)
            srv_reply_rc(w, rs, rc);
        else
            reply_object(rs, 201, json_pack("{s:s, s:s}", "token", token, "label", label));
    }
    json_decref(body);
}

/* GET /api/tokens[?account_id=N]: the caller's tokens, or (an
 * administrator) everyone's or one account's. Never a secret: ids only. */
void srv_api_tokens(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    size_t account = 0;
    aq_ws_page page;
    if (!srv_query_page(rq, rs, &page) || !srv_query_size(rq, rs, "account_id", (size_t)1 << 53, 0, &account))
        return;
    aq_table *t = NULL;
    int rc = aq_ws_tokens_page(w->store, &who->account, (long long)account, &page, &t);
    if (rc == AQ_EDENIED) { /* a look-up: the library leaves the audit to us */
        char why[512];
        snprintf(why, sizeof why, "%s", aq_errmsg(w->ctx));
        srv_audit_denied(w, rq, who, why);
        srv_reply_error(rs, 403, "%s", why);
        return;
    }
    srv_reply_ws_page(w, rs, rc, t, &page);
}

/* DELETE /api/tokens/ID: revokes one token (the library decides who may
 * and audits both the revocation and a refusal). */
void srv_api_token_revoke(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs,
                          const char *arg)
{
    (void)rq;
    int rc = aq_ws_token_revoke(w->store, &who->account, arg);
    if (rc)
        srv_reply_rc(w, rs, rc);
    else
        reply_object(rs, 200, json_pack("{s:s, s:b}", "id", arg, "revoked", 1));
}

void srv_api_accounts(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    aq_ws_page page;
    if (!srv_query_page(rq, rs, &page))
        return;
    if (who->account.role != AQ_ROLE_ADMIN) {
        srv_audit_denied(w, rq, who, "only an administrator may list the accounts");
        srv_reply_error(rs, 403, "only an administrator may list the accounts");
        return;
    }
    aq_table *t = NULL;
    int rc = aq_ws_accounts_page(w->store, &page, &t);
    srv_reply_ws_page(w, rs, rc, t, &page);
}

void srv_api_account_add(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *name, *password, *role, *scope;
    if (!body)
        return;
    if (srv_body_string(body, rs, "name", true, &name) && srv_body_string(body, rs, "password", true, &password) &&
        srv_body_string(body, rs, "role", true, &role) && srv_body_string(body, rs, "scope", false, &scope)) {
        aq_account a;
        int r = aq_role_parse(role);
        int rc = r ? aq_ws_account_add(w->store, &who->account, name, password, r, scope, &a) : AQ_EUSAGE;
        if (!r)
            srv_reply_error(rs, 400, "\"role\" must be admin, central, regional or viewer, not '%.32s'", role);
        else if (rc)
            srv_reply_rc(w, rs, rc);
        else
            reply_object(rs, 201, account_json(&a));
    }
    json_decref(body);
}

void srv_api_account_disable(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs,
                             const char *arg)
{
    (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *name;
    if (!body)
        return;
    json_t *d = json_object_get(body, "disabled");
    if (srv_body_string(body, rs, "name", true, &name)) {
        if (!json_is_boolean(d)) {
            srv_reply_error(rs, 400, "\"disabled\" must be true or false");
        } else {
            int rc = aq_ws_account_disable(w->store, &who->account, name, json_is_true(d));
            if (rc)
                srv_reply_rc(w, rs, rc);
            else
                reply_object(rs, 200, json_pack("{s:s, s:b}", "name", name, "disabled", json_is_true(d)));
        }
    }
    json_decref(body);
}
