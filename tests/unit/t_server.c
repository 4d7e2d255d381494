/*
 * t_server.c -- the server's request handling, without sockets: requests
 * are built in memory and given to srv_handle, as the HTTP layer does.
 * What a person does through the dashboard, and what an attacker tries,
 * each with the status and the store state that must follow.
 */
#include "aq_test.h"
#include "srv.h"
#include "ws_int.h" /* aq__ws_sha256_hex: a token's public id */

#include <jansson.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>

/* A tiny territory: the country, two regions, two districts under each. */
static const char *units_csv =
    "code,parent,level,name_kk,name_ru,name_en\n"
    "000000000,,country,Қазақстан,Казахстан,Kazakhstan\n"
    "100000000,000000000,region,Абай облысы,область Абай,Abay Region\n"
    "750000000,000000000,region,Алматы,Алматы,Almaty\n"
    "100200000,100000000,district,Аягөз ауданы,Аягозский район,Ayagoz District\n"
    "100400000,100000000,district,Бесқарағай ауданы,Бескарагайский район,Beskaragay District\n"
    "751000000,750000000,district,Алмалы ауданы,Алмалинский район,Almaly District\n"
    "752000000,750000000,district,Әуезов ауданы,Ауэзовский район,Auezov District\n";

static const char *grp_csv =
    "code,period,grp_pc,population\n"
    "100000000,2022,4000,610189\n"
    "750000000,2022,9000,2228675\n"
    "100200000,2022,3000,75000\n"
    "100400000,2022,3500,20000\n"
    "751000000,2022,9500,200000\n"
    "752000000,2022,8000,300000\n";

static char dir[512];

static const char *write_file(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

typedef struct client {
    char session[80];
    char csrf[65];
    const char *bearer;
} client;

/* Sends METHOD PATH (query after '?', '&'-separated, no escaping) with an
 * optional JSON BODY as client C; returns the status, *json the parsed
 * body (caller json_decref's it; NULL when not JSON), *text (when TEXT is
 * not NULL) the body as it came (caller frees). */
static int call_text(srv_worker *w, client *c, const char *method, const char *target, const char *body, json_t **json,
                     const char *upload, char **text)
{
    char path[512], qbuf[512];
    srv_request rq = {.method = method, .client = "127.0.0.1"};
    snprintf(path, sizeof path, "%s", target);
    char *q = strchr(path, '?');
    if (q) {
        *q++ = '\0';
        snprintf(qbuf, sizeof qbuf, "%s", q);
        char *save = NULL;
        for (char *kv = strtok_r(qbuf, "&", &save); kv && rq.nquery < SRV_MAX_QUERY_ARGS; kv = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(kv, '=');
            if (eq)
                *eq++ = '\0';
            rq.query[rq.nquery++] = (srv_kv){kv, eq ? eq : ""};
        }
    }
    rq.path = path;
    if (c) {
        rq.session = c->session[0] ? c->session : NULL;
        rq.csrf = c->csrf[0] ? c->csrf : NULL;
        rq.bearer = c->bearer;
    }
    rq.body = body;
    rq.body_len = body ? strlen(body) : 0;
    rq.upload_path = upload;
    srv_response rs = {0};
    srv_handle(w, &rq, &rs);
    if (json)
        *json = rs.body.data ? json_loads(rs.body.data, 0, NULL) : NULL;
    if (text)
        *text = strdup(rs.body.data ? rs.body.data : "");
    if (c && !strncmp(rs.set_cookie, "aq_session=", 11)) {
        size_t n = strcspn(rs.set_cookie + 11, ";");
        snprintf(c->session, sizeof c->session, "%.*s", (int)n, rs.set_cookie + 11);
    }
    aq__buf_free(&rs.body);
    return rs.status;
}

static int call(srv_worker *w, client *c, const char *method, const char *target, const char *body, json_t **json,
                const char *upload)
{
    return call_text(w, c, method, target, body, json, upload, NULL);
}

/* The string member KEY of O, "" when there is none. */
static const char *jstr(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));
    return v ? v : "";
}

/* The public id of an API token: the first 12 hex digits of its SHA-256. */
static void token_id(const char *token, char id[13])
{
    char sha[65];
    aq__ws_sha256_hex(token, strlen(token), sha);
    memcpy(id, sha, 12);
    id[12] = '\0';
}

/* The number of items of a listing whose "id" is ID, -1 when the reply is
 * not a listing. */
static int items_with_id(json_t *j, const char *id)
{
    json_t *items = json_object_get(j, "items");
    if (!json_is_array(items))
        return -1;
    int n = 0;
    for (size_t i = 0; i < json_array_size(items); i++)
        n += !strcmp(jstr(json_array_get(items, i), "id"), id);
    return n;
}

static void login(srv_worker *w, client *c, const char *name, const char *password)
{
    char body[256];
    json_t *j = NULL;
    memset(c, 0, sizeof *c);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"password\":\"%s\"}", name, password);
    AQ_EQ_INT(call(w, c, "POST", "/api/login", body, &j, NULL), 200);
    const char *csrf = json_string_value(json_object_get(j, "csrf"));
    snprintf(c->csrf, sizeof c->csrf, "%s", csrf ? csrf : "");
    AQ_CHECK(c->session[0] && strlen(c->csrf) == 64);
    json_decref(j);
}

/* The newest live value of CODE's grp_pc in 2022, through the API. */
static double grp(srv_worker *w, client *c, const char *code)
{
    char target[256];
    json_t *j = NULL;
    snprintf(target, sizeof target, "/api/observations?indicator=grp_pc&period=2022&code=%s", code);
    call(w, c, "GET", target, NULL, &j, NULL);
    double v = json_number_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "value"));
    json_decref(j);
    return v;
}

static long long count_audit(aq_store *s, const char *action)
{
    aq_table *t = NULL;
    long long n = 0;
    if (aq_ws_audit_list(s, 0, 10000, &t) == AQ_OK) {
        long col = aq_table_find(t, "action");
        for (size_t i = 0; i < aq_table_nrows(t); i++)
            n += !strcmp(aq_table_text(t, (size_t)col, i), action);
    }
    aq_table_free(t);
    return n;
}

/* The number of results ACCOUNT recorded that the store keeps. */
static long long count_results(aq_store *s, const char *account)
{
    aq_table *t = NULL;
    long long n = 0;
    if (aq_ws_results(s, &t) == AQ_OK) {
        long col = aq_table_find(t, "created_by");
        for (size_t i = 0; i < aq_table_nrows(t); i++)
            n += !strcmp(aq_table_text(t, (size_t)col, i), account);
    }
    aq_table_free(t);
    return n;
}

int main(void)
{
    AQ_TEST_BEGIN();
    setenv("AQ_PWHASH_FAST", "1", 1);
    snprintf(dir, sizeof dir, "%s/t_server", getenv("AQ_TMP") ? getenv("AQ_TMP") : "/tmp");
    mkdir(dir, 0700);
    char db[1024];
    aq_test_store(db, sizeof db, "t_server/ws.db"); /* in dir, or a PostgreSQL database */

    aq_ctx *ctx = aq_ctx_new();
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, db, AQ_STORE_CREATE, &s), AQ_OK);
    aq_import_opts io;
    aq_import_opts_init(&io);
    aq_import_result ir = {0};
    AQ_EQ_INT(aq_store_import(s, write_file("units.csv", units_csv), &io, &ir), AQ_OK);
    aq_import_result_clear(&ir);
    AQ_EQ_INT(aq_store_import(s, write_file("grp.csv", grp_csv), &io, &ir), AQ_OK);
    aq_import_result_clear(&ir);
    aq_account sys, a;
    aq_account_system(&sys);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "admin", "admin-password-1", AQ_ROLE_ADMIN, NULL, &a), AQ_OK);
    aq_account admin = a;
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "analyst", "analyst-password-1", AQ_ROLE_CENTRAL, NULL, &a), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "abay", "abay-password-1", AQ_ROLE_REGIONAL, "100000000", &a), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "reader", "reader-password-1", AQ_ROLE_VIEWER, NULL, &a), AQ_OK);

    srv server = {.cfg = {.db = db}};
    pthread_mutex_init(&server.lock, NULL);
    srv_worker w = {.server = &server, .ctx = ctx, .store = s};
    json_t *j = NULL;

    /* Public and private routes. */
    AQ_EQ_INT(call(&w, NULL, "GET", "/api/health", NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, NULL, "GET", "/api/units", NULL, NULL, NULL), 401);
    AQ_EQ_INT(call(&w, NULL, "GET", "/api/nothing", NULL, NULL, NULL), 404);
    AQ_EQ_INT(call(&w, NULL, "DELETE", "/api/units", NULL, NULL, NULL), 405);
    AQ_EQ_INT(call(&w, NULL, "GET", "/", NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, NULL, "GET", "/../../etc/passwd", NULL, NULL, NULL), 404);
    AQ_EQ_INT(call(&w, NULL, "GET", "/app.js", NULL, NULL, NULL), 200);

    /* Logging in: a wrong password is 401 and audited. */
    client ed, an, vw;
    memset(&ed, 0, sizeof ed);
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/login", "{\"name\":\"abay\",\"password\":\"wrong-password\"}", NULL, NULL), 401);
    AQ_CHECK(count_audit(s, "login-failed") >= 1);
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/login", "{\"name\":\"abay\"", NULL, NULL), 400); /* broken JSON */
    login(&w, &ed, "abay", "abay-password-1");
    login(&w, &an, "analyst", "analyst-password-1");
    login(&w, &vw, "reader", "reader-password-1");

    /* Reading: paging and filters. */
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?level=region", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 2);
    json_decref(j);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?under=750000000&limit=1&offset=1", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 3);
    AQ_EQ_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "code")), "751000000");
    json_decref(j);
    AQ_NEAR(grp(&w, &vw, "100200000"), 3000, 0);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?limit=99999", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?limit=-1", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?colour=red", NULL, NULL, NULL), 400);
    /* A repeated parameter is refused naming it, not read as its first value. */
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?level=region&limit=1&level=district", NULL, &j, NULL), 400);
    AQ_EQ_STR(jstr(j, "error"), "query parameter 'level' is given more than once: give it once");
    json_decref(j);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?limit=1&limit=1", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, NULL, "GET", "/app.js?v=1&v=2", NULL, NULL, NULL), 400);
    /* SQL metacharacters are values like any other: no match, no harm. */
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?code=1'%20OR%20'1'='1", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 0);
    json_decref(j);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?q=');DROP TABLE units;--", NULL, &j, NULL), 200);
    json_decref(j);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/units?level=region", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 2);
    json_decref(j);

    /* CSRF: a state change by cookie without the token is refused and logged. */
    const char *edit = "{\"unit\":\"100200000\",\"indicator\":\"grp_pc\",\"period\":\"2022\",\"value\":3100}";
    client nocsrf = ed;
    nocsrf.csrf[0] = '\0';
    long long denied0 = count_audit(s, "denied");
    AQ_EQ_INT(call(&w, &nocsrf, "POST", "/api/edits", edit, NULL, NULL), 403);
    AQ_EQ_INT(count_audit(s, "denied"), denied0 + 1);

    /* A regional editor's edit in its own region waits for approval. */
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/edits", edit, &j, NULL), 201);
    AQ_EQ_STR(json_string_value(json_object_get(j, "status")), "pending");
    long long sub = json_integer_value(json_object_get(j, "submission"));
    json_decref(j);
    AQ_NEAR(grp(&w, &vw, "100200000"), 3000, 0); /* not live yet */

    /* ... and another region's data is refused (403) and logged. */
    const char *foreign = "{\"unit\":\"751000000\",\"indicator\":\"grp_pc\",\"period\":\"2022\",\"value\":1}";
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/edits", foreign, NULL, NULL), 403);
    AQ_EQ_INT(count_audit(s, "denied"), denied0 + 2);
    {   /* the library's own refusal record carries the caller's address */
        aq_table *al = NULL;
        AQ_EQ_INT(aq_ws_audit_list(s, 0, 10000, &al), AQ_OK);
        size_t last = aq_table_nrows(al) - 1;
        AQ_EQ_STR(aq_table_text(al, (size_t)aq_table_find(al, "action"), last), "denied");
        AQ_EQ_STR(aq_table_text(al, (size_t)aq_table_find(al, "client"), last), "127.0.0.1");
        aq_table_free(al);
    }
    AQ_NEAR(grp(&w, &vw, "751000000"), 9500, 0);
    /* A viewer changes nothing. */
    AQ_EQ_INT(call(&w, &vw, "POST", "/api/edits", edit, NULL, NULL), 403);
    /* The editor cannot approve its own submission. */
    char target[128];
    snprintf(target, sizeof target, "/api/submissions/%lld/approve", sub);
    AQ_EQ_INT(call(&w, &ed, "POST", target, "{}", NULL, NULL), 403);

    /* A result recorded before the approval ... */
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/disparity",
                   "{\"indicator\":\"grp_pc\",\"period\":\"2022\",\"level\":\"district\",\"weight\":\"population\"}", &j,
                   NULL), 201);
    long long result = json_integer_value(json_object_get(j, "result"));
    double theil_before = json_number_value(json_object_get(json_object_get(json_object_get(j, "output"), "measures"), "theil_t"));
    AQ_CHECK(theil_before > 0);
    json_decref(j);

    /* The central analyst approves: the value is live, with old and new in the audit. */
    AQ_EQ_INT(call(&w, &an, "POST", target, "{\"comment\":\"checked against the akimat's letter\"}", NULL, NULL), 200);
    AQ_NEAR(grp(&w, &vw, "100200000"), 3100, 0);
    AQ_EQ_INT(call(&w, &an, "POST", target, "{}", NULL, NULL), 400); /* decided already */

    /* ... still reproduces exactly: its horizon hides the approved edit. */
    snprintf(target, sizeof target, "/api/results/%lld/reproduce", result);
    AQ_EQ_INT(call(&w, &an, "POST", target, NULL, &j, NULL), 200);
    AQ_CHECK(json_is_true(json_object_get(j, "identical")));
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/disparity",
                   "{\"indicator\":\"grp_pc\",\"period\":\"2022\",\"level\":\"district\",\"weight\":\"population\"}", &j,
                   NULL), 201);
    double theil_after = json_number_value(json_object_get(json_object_get(json_object_get(j, "output"), "measures"), "theil_t"));
    AQ_CHECK(theil_after != theil_before);
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/disparity", "{\"indicator\":\"grp_pc\",\"extra\":\"x\"}", NULL, NULL), 400);

    /* An upload by the editor: pending, then rejected with a comment. */
    const char *up = write_file("abay.csv", "code,period,grp_pc\n100400000,2022,3600\n");
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/uploads?name=abay.csv", NULL, &j, up), 201);
    sub = json_integer_value(json_object_get(j, "submission"));
    long long job = json_integer_value(json_object_get(j, "import"));
    json_decref(j);
    /* Its job: done, with the submission; the editor's own and the
     * central analyst's to see, nobody else's. */
    snprintf(target, sizeof target, "/api/imports/%lld", job);
    AQ_EQ_INT(call(&w, &ed, "GET", target, NULL, &j, NULL), 200);
    AQ_EQ_STR(jstr(j, "state"), "done");
    AQ_EQ_STR(jstr(j, "submission_status"), "pending");
    AQ_EQ_INT(json_integer_value(json_object_get(j, "submission")), sub);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "percent")), 100);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "rows_read")), 1);
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "GET", target, NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &vw, "GET", target, NULL, NULL, NULL), 404);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/imports/999999", NULL, NULL, NULL), 404);
    snprintf(target, sizeof target, "/api/submissions/%lld/reject", sub);
    AQ_EQ_INT(call(&w, &an, "POST", target, "{}", NULL, NULL), 400); /* a rejection needs a reason */
    AQ_EQ_INT(call(&w, &an, "POST", target, "{\"comment\":\"wrong year\"}", NULL, NULL), 200);
    AQ_NEAR(grp(&w, &vw, "100400000"), 3500, 0);
    /* An upload touching another region is refused whole. */
    up = write_file("both.csv", "code,period,grp_pc\n100400000,2022,3600\n752000000,2022,1\n");
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/uploads?name=both.csv", NULL, NULL, up), 403);
    AQ_NEAR(grp(&w, &vw, "752000000"), 8000, 0);

    /* The audit log is for central bodies; it lists the approval. */
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/audit", NULL, NULL, NULL), 403);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/audit", NULL, NULL, NULL), 200);
    AQ_CHECK(count_audit(s, "approve") >= 1);

    /* API tokens for scripts: no cookie, no CSRF needed. */
    char an_tok[65] = "", ed_tok[65] = "", an_id[13], ed_id[13];
    AQ_EQ_INT(call(&w, &an, "POST", "/api/tokens", "{\"label\":\"nightly\"}", &j, NULL), 201);
    snprintf(an_tok, sizeof an_tok, "%s", jstr(j, "token"));
    json_decref(j);
    client script = {.bearer = an_tok};
    AQ_EQ_INT(call(&w, &script, "GET", "/api/datasets", NULL, NULL, NULL), 200);
    client forged = {.bearer = "0000000000000000000000000000000000000000000000000000000000000000"};
    AQ_EQ_INT(call(&w, &forged, "GET", "/api/datasets", NULL, NULL, NULL), 401);

    /* Listing tokens: ids only (the first 12 hex digits of the SHA-256);
     * one's own, or every account's for an administrator. */
    client ad;
    login(&w, &ad, "admin", "admin-password-1");
    AQ_EQ_INT(call(&w, &ed, "POST", "/api/tokens", "{\"label\":\"abay upload\"}", &j, NULL), 201);
    snprintf(ed_tok, sizeof ed_tok, "%s", jstr(j, "token"));
    json_decref(j);
    client ed_script = {.bearer = ed_tok};
    token_id(an_tok, an_id);
    token_id(ed_tok, ed_id);
    char *text = NULL;
    AQ_EQ_INT(call_text(&w, &an, "GET", "/api/tokens", NULL, &j, NULL, &text), 200);
    AQ_EQ_INT(json_array_size(json_object_get(j, "items")), 1);
    AQ_EQ_INT(items_with_id(j, an_id), 1);
    json_t *item = json_array_get(json_object_get(j, "items"), 0);
    AQ_EQ_STR(json_string_value(json_object_get(item, "account")), "analyst");
    AQ_EQ_STR(json_string_value(json_object_get(item, "label")), "nightly");
    AQ_EQ_INT(json_string_length(json_object_get(item, "created_at")), 20);
    AQ_EQ_INT(json_object_size(item), 4); /* id, account, label, created_at: no secret, no hash */
    AQ_CHECK(text && !strstr(text, an_tok));
    free(text);
    json_decref(j);
    AQ_EQ_INT(call(&w, &ed_script, "GET", "/api/tokens", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_array_size(json_object_get(j, "items")), 1);
    AQ_EQ_INT(items_with_id(j, ed_id), 1);
    json_decref(j);
    AQ_EQ_INT(call(&w, &ad, "GET", "/api/tokens", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_array_size(json_object_get(j, "items")), 2);
    AQ_EQ_INT(items_with_id(j, an_id) + items_with_id(j, ed_id), 2);
    json_decref(j);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/me", NULL, &j, NULL), 200);
    long long abay_id = json_integer_value(json_object_get(json_object_get(j, "account"), "id"));
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/me", NULL, &j, NULL), 200);
    long long analyst_id = json_integer_value(json_object_get(json_object_get(j, "account"), "id"));
    json_decref(j);
    snprintf(target, sizeof target, "/api/tokens?account_id=%lld", abay_id);
    AQ_EQ_INT(call(&w, &ad, "GET", target, NULL, &j, NULL), 200);
    AQ_EQ_INT(json_array_size(json_object_get(j, "items")), 1);
    AQ_EQ_INT(items_with_id(j, ed_id), 1);
    json_decref(j);
    /* ... another's tokens are not a regional editor's to see: 403, logged. */
    long long denied1 = count_audit(s, "denied");
    snprintf(target, sizeof target, "/api/tokens?account_id=%lld", analyst_id);
    AQ_EQ_INT(call(&w, &ed, "GET", target, NULL, NULL, NULL), 403);
    AQ_EQ_INT(count_audit(s, "denied"), denied1 + 1);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/tokens?colour=red", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/tokens?account_id=x", NULL, NULL, NULL), 400);

    /* Revoking: another's token is 403 for a non-admin (logged by the
     * library) and keeps working; a cookie needs the CSRF token. */
    snprintf(target, sizeof target, "/api/tokens/%s", an_id);
    AQ_EQ_INT(call(&w, &ed, "DELETE", target, NULL, &j, NULL), 403);
    AQ_CHECK(strstr(jstr(j, "error"), "only an administrator may revoke") != NULL);
    json_decref(j);
    AQ_EQ_INT(count_audit(s, "denied"), denied1 + 2);
    AQ_EQ_INT(call(&w, &script, "GET", "/api/datasets", NULL, NULL, NULL), 200);
    snprintf(target, sizeof target, "/api/tokens/%s", ed_id);
    AQ_EQ_INT(call(&w, &nocsrf, "DELETE", target, NULL, NULL, NULL), 403);
    AQ_EQ_INT(count_audit(s, "denied"), denied1 + 3);
    AQ_EQ_INT(call(&w, &ed_script, "GET", "/api/datasets", NULL, NULL, NULL), 200);
    /* The editor revokes its own: the token is refused (401) at once, the
     * session goes on; again is 404. */
    AQ_EQ_INT(call(&w, &ed, "DELETE", target, NULL, &j, NULL), 200);
    AQ_CHECK(json_is_true(json_object_get(j, "revoked")));
    json_decref(j);
    AQ_EQ_INT(call(&w, &ed_script, "GET", "/api/datasets", NULL, NULL, NULL), 401);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/me", NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &ed, "DELETE", target, NULL, &j, NULL), 404);
    AQ_CHECK(strstr(jstr(j, "error"), "no API token with id") != NULL);
    json_decref(j);
    AQ_EQ_INT(call(&w, &ad, "DELETE", "/api/tokens/12345", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &ad, "DELETE", "/api/tokens/xyz", NULL, NULL, NULL), 404);
    AQ_EQ_INT(call(&w, &ad, "GET", "/api/tokens/abc", NULL, NULL, NULL), 405);
    AQ_EQ_INT(call(&w, NULL, "DELETE", "/api/tokens/abc", NULL, NULL, NULL), 401);
    /* An administrator revokes the analyst's script token. */
    snprintf(target, sizeof target, "/api/tokens/%s", an_id);
    AQ_EQ_INT(call(&w, &ad, "DELETE", target, NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &script, "GET", "/api/datasets", NULL, NULL, NULL), 401);
    AQ_EQ_INT(count_audit(s, "token-revoke"), 2);
    AQ_EQ_INT(call(&w, &ad, "GET", "/api/tokens", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_array_size(json_object_get(j, "items")), 0);
    json_decref(j);

    /* An administrator disables the editor: its session ends at once, it
     * cannot log in; only an administrator may do it. */
    AQ_EQ_INT(call(&w, &an, "POST", "/api/accounts/disable", "{\"name\":\"abay\",\"disabled\":true}", NULL, NULL), 403);
    AQ_EQ_INT(call(&w, &ad, "POST", "/api/accounts/disable", "{\"name\":\"abay\",\"disabled\":1}", NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/me", NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &ad, "POST", "/api/accounts/disable", "{\"name\":\"abay\",\"disabled\":true}", NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &ed, "GET", "/api/me", NULL, NULL, NULL), 401);
    client again;
    memset(&again, 0, sizeof again);
    AQ_EQ_INT(call(&w, &again, "POST", "/api/login", "{\"name\":\"abay\",\"password\":\"abay-password-1\"}", NULL, NULL), 401);
    AQ_EQ_INT(call(&w, &ad, "POST", "/api/accounts/disable", "{\"name\":\"admin\",\"disabled\":true}", NULL, NULL), 400);

    /* Logging out ends the session. */
    AQ_EQ_INT(call(&w, &vw, "POST", "/api/logout", "{}", NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &vw, "GET", "/api/me", NULL, NULL, NULL), 401);

    /* Potential on the store with a stored methodology. It declares an
     * indicator the store lacks: refused with the list, or computed on what
     * is there with allow_missing (values checked by hand: min-max of
     * 3100, 3500, 9500, 8000 -> 0, 6.25, 100, 76.5625). */
    const char *yaml = "name: Test potential\nid: code\npopulation: population\nindicators:\n"
                       "  - {code: grp_pc, direction: 1, weight: 1, pillar: economy}\n"
                       "  - {code: schools, direction: 1, weight: 1, pillar: services}\n"
                       "pillars:\n  - {code: economy, weight: 1}\n  - {code: services, weight: 1}\n"
                       "normalise: {method: minmax, range: [0, 100]}\naggregate: {method: arithmetic}\n"
                       "classes:\n  - {name: high, min_score: 50}\n  - {name: low}\n";
    json_t *mbody = json_pack("{s:s, s:s}", "name", "test-potential", "text", yaml);
    char *mtext = json_dumps(mbody, JSON_COMPACT);
    AQ_EQ_INT(call(&w, &vw, "POST", "/api/methodologies", mtext, NULL, NULL), 401); /* logged out above */
    AQ_EQ_INT(call(&w, &an, "POST", "/api/methodologies", mtext, &j, NULL), 201);
    AQ_EQ_INT(strlen(json_string_value(json_object_get(j, "sha256"))), 64);
    json_decref(j);
    free(mtext);
    json_decref(mbody);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/potential",
                   "{\"method\":\"test-potential\",\"level\":\"district\",\"period\":\"2022\"}", &j, NULL), 404);
    AQ_CHECK(strstr(json_string_value(json_object_get(j, "error")), "schools") != NULL);
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/potential",
                   "{\"method\":\"test-potential\",\"level\":\"district\",\"period\":\"2022\","
                   "\"allow_missing\":\"true\"}", &j, NULL), 201);
    json_t *out = json_object_get(j, "output");
    AQ_EQ_STR(json_string_value(json_array_get(json_object_get(out, "missing_indicators"), 0)), "schools");
    json_t *units = json_object_get(out, "units");
    AQ_EQ_INT(json_array_size(units), 4);
    for (size_t i = 0; i < json_array_size(units); i++) {
        json_t *u = json_array_get(units, i);
        const char *id = json_string_value(json_object_get(u, "id"));
        double sc = json_number_value(json_object_get(u, "score"));
        const char *cl = json_string_value(json_object_get(u, "class"));
        if (!strcmp(id, "100200000")) { AQ_NEAR(sc, 0, 1e-9); AQ_EQ_STR(cl, "low"); }
        if (!strcmp(id, "100400000")) { AQ_NEAR(sc, 6.25, 1e-9); AQ_EQ_STR(cl, "low"); }
        if (!strcmp(id, "751000000")) { AQ_NEAR(sc, 100, 1e-9); AQ_EQ_STR(cl, "high"); }
        if (!strcmp(id, "752000000")) { AQ_NEAR(sc, 76.5625, 1e-9); AQ_EQ_STR(cl, "high"); }
    }
    json_t *hi = json_array_get(json_object_get(out, "classes"), 0);
    AQ_EQ_STR(json_string_value(json_object_get(hi, "class")), "high");
    AQ_NEAR(json_number_value(json_object_get(hi, "population")), 500000, 0);
    AQ_EQ_INT(json_string_length(json_object_get(out, "method_sha256")), 64);
    json_decref(j);

    /* Charts: the report's sections, one at a time. */
    AQ_EQ_INT(call(&w, &an, "GET", "/api/chart?section=series&indicator=grp_pc&level=district&lang=en", NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/chart?section=bars&indicator=grp_pc&level=district", NULL, NULL, NULL), 200);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/chart?section=shell&indicator=grp_pc", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/chart?indicator=grp_pc", NULL, NULL, NULL), 400);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/map?section=bars", NULL, NULL, NULL), 400);

    /* The map is drawn (no boundaries here: the section says so). */
    AQ_EQ_INT(call(&w, &an, "GET", "/api/map?indicator=grp_pc&level=region&lang=en", NULL, NULL, NULL), 200);

    /* A population indicator the store does not have is 404 naming it, not
     * a map silently drawn unweighted; the map and charts alike. */
    AQ_EQ_INT(call(&w, &an, "GET", "/api/map?indicator=grp_pc&level=region&population=popul", NULL, &j, NULL), 404);
    AQ_CHECK(strstr(jstr(j, "error"), "no population indicator 'popul'") != NULL);
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/chart?section=lorenz&indicator=grp_pc&level=region&population=popul", NULL,
                   NULL, NULL), 404);
    /* A known one with values weights the Lorenz curve ... */
    text = NULL;
    AQ_EQ_INT(call_text(&w, &an, "GET", "/api/chart?section=lorenz&indicator=grp_pc&level=region&population=population"
                        "&lang=en", NULL, NULL, NULL, &text), 200);
    AQ_CHECK(text && strstr(text, "Regions weighted by population") != NULL);
    free(text);
    /* ... and a known one without values for these units is drawn as
     * before, with the report's note (pop_d has district values only). */
    AQ_EQ_INT(aq_store_import(s, write_file("pop_d.csv", "code,period,pop_d\n100200000,2022,75000\n"), &io, &ir), AQ_OK);
    aq_import_result_clear(&ir);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/map?indicator=grp_pc&level=region&population=pop_d", NULL, NULL, NULL), 200);
    text = NULL;
    AQ_EQ_INT(call_text(&w, &an, "GET", "/api/chart?section=population&indicator=grp_pc&level=region&population=pop_d"
                        "&lang=en", NULL, NULL, NULL, &text), 200);
    AQ_CHECK(text && strstr(text, "No population figures for these units.") != NULL);
    free(text);

    /* ==== issue 13: listings, parameters, pending values, results cap ==== */
    {
        /* Every route refuses a parameter it does not declare, naming it:
         * one table (server/params.c), checked before any handler. */
        static const char *const every[][2] = {
            {"GET", "/api/health"}, {"POST", "/api/login"}, {"POST", "/api/logout"}, {"GET", "/api/me"},
            {"POST", "/api/tokens"}, {"GET", "/api/tokens"}, {"DELETE", "/api/tokens/abc"}, {"GET", "/api/accounts"},
            {"POST", "/api/accounts"}, {"POST", "/api/accounts/disable"}, {"GET", "/api/units"},
            {"GET", "/api/indicators"}, {"GET", "/api/observations"}, {"GET", "/api/datasets"}, {"GET", "/api/map"},
            {"GET", "/api/chart"}, {"POST", "/api/uploads"}, {"POST", "/api/edits"}, {"GET", "/api/submissions"},
            {"POST", "/api/submissions/1/approve"}, {"POST", "/api/submissions/1/reject"}, {"GET", "/api/audit"},
            {"GET", "/api/methodologies"}, {"POST", "/api/methodologies"}, {"POST", "/api/analysis/disparity"},
            {"POST", "/api/analysis/potential"}, {"GET", "/api/results"}, {"GET", "/api/results/1"},
            {"POST", "/api/results/1/reproduce"}};
        for (size_t i = 0; i < sizeof every / sizeof every[0]; i++) {
            char t2[128];
            snprintf(t2, sizeof t2, "%s?limt=10", every[i][1]);
            AQ_EQ_INT(call(&w, &ad, every[i][0], t2, "{}", &j, NULL), 400);
            if (!strstr(jstr(j, "error"), "unknown query parameter 'limt'"))
                AQ_CHECK(!"every route names the unknown parameter");
            json_decref(j);
        }
        /* Every list is a page: total, offset, limit (default 100, at most
         * 10,000) and next (the next page's offset, null on the last). */
        static const char *const lists[] = {"/api/units", "/api/indicators", "/api/observations", "/api/datasets",
                                            "/api/tokens", "/api/accounts", "/api/submissions", "/api/audit",
                                            "/api/methodologies", "/api/results"};
        for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
            char t2[128];
            AQ_EQ_INT(call(&w, &ad, "GET", lists[i], NULL, &j, NULL), 200);
            AQ_CHECK(json_is_integer(json_object_get(j, "total")));
            AQ_EQ_INT(json_integer_value(json_object_get(j, "limit")), 100);
            json_decref(j);
            snprintf(t2, sizeof t2, "%s?limit=1&offset=0", lists[i]);
            AQ_EQ_INT(call(&w, &ad, "GET", t2, NULL, &j, NULL), 200);
            long long total = json_integer_value(json_object_get(j, "total"));
            AQ_EQ_INT(json_array_size(json_object_get(j, "items")), total > 0 ? 1 : 0);
            if (total > 1)
                AQ_EQ_INT(json_integer_value(json_object_get(j, "next")), 1);
            else
                AQ_CHECK(json_is_null(json_object_get(j, "next")));
            json_decref(j);
            snprintf(t2, sizeof t2, "%s?limit=10001", lists[i]);
            AQ_EQ_INT(call(&w, &ad, "GET", t2, NULL, NULL, NULL), 400);
            snprintf(t2, sizeof t2, "%s?limit=0", lists[i]); /* not "every row" */
            AQ_EQ_INT(call(&w, &ad, "GET", t2, NULL, NULL, NULL), 400);
        }
        /* The audit log pages after an id too: offsets count from there. */
        AQ_EQ_INT(call(&w, &ad, "GET", "/api/audit?after=3&limit=2&offset=1", NULL, &j, NULL), 200);
        AQ_EQ_INT(json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id")), 5);
        AQ_EQ_INT(json_integer_value(json_object_get(j, "next")), 3);
        aq_table *after3 = NULL;
        AQ_EQ_INT(aq_ws_audit_list(s, 3, 10000, &after3), AQ_OK);
        AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), (long long)aq_table_nrows(after3));
        aq_table_free(after3);
        json_decref(j);

        /* A viewer sees no pending value through the submissions; the
         * submitter and the approvers do. */
        client rd, bay;
        login(&w, &rd, "reader", "reader-password-1");
        AQ_EQ_INT(call(&w, &ad, "POST", "/api/accounts/disable", "{\"name\":\"abay\",\"disabled\":false}", NULL, NULL),
                  200);
        login(&w, &bay, "abay", "abay-password-1");
        const char *pend = "{\"unit\":\"100400000\",\"indicator\":\"grp_pc\",\"period\":\"2022\",\"value\":777}";
        AQ_EQ_INT(call(&w, &bay, "POST", "/api/edits", pend, &j, NULL), 201);
        AQ_EQ_STR(jstr(j, "status"), "pending");
        json_decref(j);
        char *body = NULL;
        AQ_EQ_INT(call_text(&w, &rd, "GET", "/api/submissions", NULL, &j, NULL, &body), 200);
        AQ_CHECK(body && !strstr(body, "777") && !strstr(body, "pending") && !strstr(body, "rejected"));
        AQ_CHECK(json_integer_value(json_object_get(j, "total")) >= 1); /* the approved edit */
        free(body);
        json_decref(j);
        AQ_EQ_INT(call(&w, &rd, "GET", "/api/submissions?status=pending", NULL, &j, NULL), 200);
        AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 0);
        json_decref(j);
        AQ_EQ_INT(call(&w, &bay, "GET", "/api/submissions?status=pending", NULL, &j, NULL), 200);
        AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 1);
        json_decref(j);
        AQ_EQ_INT(call(&w, &an, "GET", "/api/submissions?status=pending", NULL, &j, NULL), 200);
        AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 1);
        json_decref(j);

        /* The results cap (--max-results): the reader's third result
         * expires its first; the analyst's stay. */
        server.cfg.max_results = 2;
        long long before = count_results(s, "analyst"), first = 0;
        for (int i = 0; i < 3; i++) {
            AQ_EQ_INT(call(&w, &rd, "POST", "/api/analysis/disparity", "{\"indicator\":\"grp_pc\",\"period\":\"2022\"}",
                           &j, NULL), 201);
            if (i == 0)
                first = json_integer_value(json_object_get(j, "result"));
            json_decref(j);
        }
        AQ_EQ_INT(count_results(s, "reader"), 2);
        AQ_EQ_INT(count_results(s, "analyst"), before);
        snprintf(target, sizeof target, "/api/results/%lld", first);
        AQ_EQ_INT(call(&w, &rd, "GET", target, NULL, NULL, NULL), 404);
        server.cfg.max_results = 0;
    }

    /* Units have a history (issue 13). Results recorded over the districts
     * under Abay region; then a units upload moves Almaly district into
     * Abay region and renames Beskaragay district. Reproducing still gives
     * the same output (the horizon sees the units as they were), while a
     * fresh run sees three districts; listings at the old horizon show the
     * old name and hierarchy. Values: grp_pc 3100 (edited), 3500, 9500;
     * min-max scores 0 and 100 before, 0, 6.25, 100 after. */
    const char *abay_disp = "{\"indicator\":\"grp_pc\",\"period\":\"2022\",\"level\":\"district\",\"under\":\"100000000\","
                            "\"weight\":\"population\"}";
    const char *abay_pot = "{\"method\":\"test-potential\",\"level\":\"district\",\"period\":\"2022\",\"under\":\"100000000\","
                           "\"allow_missing\":\"true\"}";
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/disparity", abay_disp, &j, NULL), 201);
    long long r_disp = json_integer_value(json_object_get(j, "result"));
    long long h_old = json_integer_value(json_object_get(j, "horizon"));
    AQ_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "output"), "units")), 2);
    double theil_abay = json_number_value(json_object_get(json_object_get(json_object_get(j, "output"), "measures"), "theil_t"));
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/potential", abay_pot, &j, NULL), 201);
    long long r_pot = json_integer_value(json_object_get(j, "result"));
    AQ_EQ_INT(json_array_size(json_object_get(json_object_get(j, "output"), "units")), 2);
    json_decref(j);
    up = write_file("moves.csv", "code,parent,level,name_en\n"
                                 "751000000,100000000,district,Almaly District\n"
                                 "100400000,100000000,district,Beskaragay (renamed)\n");
    AQ_EQ_INT(call(&w, &an, "POST", "/api/uploads?name=moves.csv", NULL, &j, up), 201);
    json_decref(j);
    AQ_CHECK(aq_ws_dataset_horizon(s) > h_old);
    snprintf(target, sizeof target, "/api/results/%lld/reproduce", r_disp);
    AQ_EQ_INT(call(&w, &an, "POST", target, NULL, &j, NULL), 200);
    AQ_CHECK(json_is_true(json_object_get(j, "identical")));
    AQ_EQ_STR(jstr(j, "output_sha256"), jstr(j, "recomputed_sha256"));
    json_decref(j);
    snprintf(target, sizeof target, "/api/results/%lld/reproduce", r_pot);
    AQ_EQ_INT(call(&w, &an, "POST", target, NULL, &j, NULL), 200);
    AQ_CHECK(json_is_true(json_object_get(j, "identical")));
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/disparity", abay_disp, &j, NULL), 201);
    AQ_EQ_INT(json_integer_value(json_object_get(json_object_get(j, "output"), "units")), 3);
    AQ_CHECK(json_number_value(json_object_get(json_object_get(json_object_get(j, "output"), "measures"), "theil_t")) !=
             theil_abay);
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "POST", "/api/analysis/potential", abay_pot, &j, NULL), 201);
    units = json_object_get(json_object_get(j, "output"), "units");
    AQ_EQ_INT(json_array_size(units), 3);
    for (size_t i = 0; i < json_array_size(units); i++) {
        json_t *u = json_array_get(units, i);
        const char *id = json_string_value(json_object_get(u, "id"));
        double sc = json_number_value(json_object_get(u, "score"));
        if (!strcmp(id, "100200000")) AQ_NEAR(sc, 0, 1e-9);
        if (!strcmp(id, "100400000")) AQ_NEAR(sc, 6.25, 1e-9);
        if (!strcmp(id, "751000000")) AQ_NEAR(sc, 100, 1e-9);
    }
    json_decref(j);
    /* The selection at the old horizon: the old parent and name. */
    {
        const char *inds[] = {"grp_pc", NULL};
        aq_selection sel = {.indicators = inds, .level = "district", .period = "2022", .max_dataset = h_old};
        aq_table *t = NULL;
        AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
        AQ_EQ_INT(aq_table_nrows(t), 4);
        for (size_t i = 0; t && i < aq_table_nrows(t); i++) {
            const char *code = aq_table_text(t, 0, i), *parent = aq_table_text(t, (size_t)aq_table_find(t, "parent"), i);
            const char *name = aq_table_text(t, (size_t)aq_table_find(t, "name_en"), i);
            if (!strcmp(code, "751000000")) AQ_EQ_STR(parent, "750000000");
            if (!strcmp(code, "100400000")) AQ_EQ_STR(name, "Beskaragay District");
        }
        aq_table_free(t);
        sel.max_dataset = 0;
        AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
        for (size_t i = 0; t && i < aq_table_nrows(t); i++) {
            const char *code = aq_table_text(t, 0, i), *parent = aq_table_text(t, (size_t)aq_table_find(t, "parent"), i);
            const char *name = aq_table_text(t, (size_t)aq_table_find(t, "name_en"), i);
            if (!strcmp(code, "751000000")) AQ_EQ_STR(parent, "100000000");
            if (!strcmp(code, "100400000")) AQ_EQ_STR(name, "Beskaragay (renamed)");
        }
        aq_table_free(t);
    }
    /* ... and the read API at that horizon (now: 4 under Abay, the region
     * and three districts; then: 3). */
    snprintf(target, sizeof target, "/api/observations?indicator=grp_pc&period=2022&code=100400000&horizon=%lld", h_old);
    AQ_EQ_INT(call(&w, &an, "GET", target, NULL, &j, NULL), 200);
    AQ_EQ_STR(jstr(json_array_get(json_object_get(j, "items"), 0), "name_en"), "Beskaragay District");
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/observations?indicator=grp_pc&period=2022&code=100400000", NULL, &j, NULL), 200);
    AQ_EQ_STR(jstr(json_array_get(json_object_get(j, "items"), 0), "name_en"), "Beskaragay (renamed)");
    json_decref(j);
    snprintf(target, sizeof target, "/api/observations?indicator=grp_pc&period=2022&under=100000000&horizon=%lld", h_old);
    AQ_EQ_INT(call(&w, &an, "GET", target, NULL, &j, NULL), 200);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 3);
    json_decref(j);
    AQ_EQ_INT(call(&w, &an, "GET", "/api/observations?indicator=grp_pc&period=2022&under=100000000", NULL, &j, NULL), 200);
    AQ_EQ_INT(json_integer_value(json_object_get(j, "total")), 4);
    json_decref(j);
    /* The store keeps one history row for each change: the two units. */
    {
        aq_table *t = NULL;
        AQ_EQ_INT(aq__store_query_table(s, "SELECT count(*) AS n FROM unit_history", NULL, &t), AQ_OK);
        AQ_NEAR(t ? aq_table_numbers(t, 0)[0] : -1, 2, 0);
        aq_table_free(t);
    }

    srv_map_cache_free(&server);
    pthread_mutex_destroy(&server.lock);
    aq_store_close(s);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
