/*
 * srv.h -- the inside of `aimaq serve`.
 *
 * The server is two layers:
 *  - http.c speaks HTTP through libmicrohttpd: it assembles a request
 *    (headers, query, a JSON body in memory or an upload streamed to a
 *    spool file), enforces size limits, and sends the response with the
 *    security headers every response carries.
 *  - route.c and api_*.c turn one srv_request into one srv_response. They
 *    know nothing of sockets, so tests and the fuzzer call srv_handle()
 *    directly with a request built in memory.
 * Every worker thread has its own srv_worker (context and store handle);
 * SQLite in WAL mode lets them read at once while one writes.
 */
#ifndef AQ_SRV_H
#define AQ_SRV_H

#include "aimaq.h"
#include "aimaq_workspace.h"
#include "serve.h"
#include "aq_int.h" /* the string builder: the server is part of the binary */

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
    SRV_MAX_JSON_BODY = 1 << 20,          /* 1 MiB for a JSON request body   */
    SRV_MAX_UPLOAD = 256 << 20,           /* 256 MiB for an uploaded file    */
    /* An uploaded spreadsheet may unpack to no more than an upload may
     * weigh, and span one cell per 64 bytes of it (GDAL holds a sheet in
     * memory at some 80 bytes a cell): 4,194,304 cells. serve's
     * --sheet-max-mb and --sheet-max-cells change them. */
    SRV_SHEET_MAX_BYTES = SRV_MAX_UPLOAD,
    SRV_SHEET_MAX_CELLS = SRV_MAX_UPLOAD / 64,
    SRV_MAX_QUERY_ARGS = 32,
    SRV_PAGE_DEFAULT = 100,               /* rows of a listing page ...     */
    SRV_PAGE_MAX = 10000,                 /* ... and the most one may ask   */
    SRV_UPLOAD_SMALL = 1 << 20,           /* an upload this small is answered with its result */
    SRV_UPLOAD_WAIT_MS = 2000             /* ... when its import ends within this time         */
};


typedef struct srv_kv {
    const char *key, *value;
} srv_kv;

/* One request, as the HTTP layer hands it to the handlers. Strings are
 * borrowed for the duration of srv_handle. */
typedef struct srv_request {
    const char *method;        /* "GET", "POST", ...                          */
    const char *path;          /* "/api/units" (no query string)              */
    srv_kv query[SRV_MAX_QUERY_ARGS];
    size_t nquery;
    const char *session;       /* the aq_session cookie, or NULL              */
    const char *bearer;        /* "Authorization: Bearer TOKEN", or NULL      */
    const char *csrf;          /* X-CSRF-Token header, or NULL                */
    const char *client;        /* the peer's address                          */
    const char *content_type;
    const char *accept_language;
    const char *body;          /* JSON body (NUL-terminated), or NULL         */
    size_t body_len;
    const char *upload_path;   /* an uploaded file in the spool, or NULL      */
    size_t upload_len;
} srv_request;

/* One response. Handlers fill it through the srv_reply_* helpers. */
typedef struct srv_response {
    int status;
    const char *content_type;  /* static string                              */
    aq_buf body;
    char set_cookie[512];      /* a Set-Cookie header, or ""                  */
    char cache[64];            /* a Cache-Control value, or "" (= no-store)   */
} srv_response;

/* The state shared by all workers. */
typedef struct srv srv;
struct srv {
    srv_config cfg;
    pthread_key_t worker_key;  /* each thread's srv_worker                   */
    pthread_mutex_t lock;      /* guards the workers list and the map cache  */
    struct srv_worker **workers;
    size_t nworkers, capworkers;
    struct srv_map_cache *maps;
    struct srv_queue *queue;   /* the import thread (jobs.c), NULL in tests  */
    FILE *log;                 /* the access log                              */
    struct in_addr *trusted;   /* --trusted-proxy addresses                   */
    size_t ntrusted;
    pthread_mutex_t conns_lock; /* guards the connections list             */
    struct srv_conn *conns;    /* open connections, for the header deadline  */
};

/* One worker thread's handles. */
typedef struct srv_worker {
    srv *server;
    aq_ctx *ctx;
    aq_store *store;
} srv_worker;

/* The caller of a request, once authenticated. */
typedef struct srv_caller {
    bool known;                /* logged in (session) or a valid API token   */
    bool by_cookie;            /* the session cookie: CSRF applies           */
    aq_account account;
    char csrf[65];
} srv_caller;

/* --- route.c ---------------------------------------------------------- */
/* Handles one request. Never fails: every error becomes a JSON response
 * {"error": message} with a 4xx or 5xx status, and is logged. */
void srv_handle(srv_worker *w, const srv_request *rq, srv_response *rs);

/* --- reply helpers (reply.c) ------------------------------------------ */
void srv_reply_json(srv_response *rs, int status, const char *json);
void srv_reply_text(srv_response *rs, int status, const char *content_type, const char *text, size_t len);
/* {"error": MESSAGE} with STATUS. */
void srv_reply_error(srv_response *rs, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Maps a library return code to an HTTP status and replies with the
 * context's message. */
void srv_reply_rc(srv_worker *w, srv_response *rs, int rc);
/* {"total": N, "offset": O, "limit": L, "next": OFFSET|null, "items": [...]}
 * from a table: NEXT is the offset of the next page, null on the last. */
void srv_reply_page(srv_worker *w, srv_response *rs, const aq_table *t, long long total, size_t offset, size_t limit);
/* Replies with the page T a listing call made (PAGE as it was asked, its
 * total filled), or (RC not AQ_OK) with its error; frees T either way. */
void srv_reply_ws_page(srv_worker *w, srv_response *rs, int rc, aq_table *t, const aq_ws_page *page);
/* The table as {"items": [...]}. */
void srv_reply_table(srv_worker *w, srv_response *rs, const aq_table *t);
/* Replies with the table T a listing call made, or (RC not AQ_OK) with its
 * error; frees T either way. */
void srv_reply_listing(srv_worker *w, srv_response *rs, int rc, aq_table *t);

/* --- request helpers (request.c) -------------------------------------- */
/* The value of query parameter KEY, or NULL. */
const char *srv_query(const srv_request *rq, const char *key);
/* Parses an unsigned query parameter; false (and an error reply) when it is
 * present but not a number in [0, MAX]. *out keeps DEF when absent. */
bool srv_query_size(const srv_request *rq, srv_response *rs, const char *key, size_t max, size_t def, size_t *out);
/* Checks that every query parameter is one of ALLOWED (NULL-terminated);
 * replies 400 naming the first unknown one otherwise. */
bool srv_query_only(const srv_request *rq, srv_response *rs, const char *const *allowed);
/* The page every listing takes: ?offset= (default 0) and ?limit= (1 to
 * SRV_PAGE_MAX, default SRV_PAGE_DEFAULT). False after a 400. */
bool srv_query_page(const srv_request *rq, srv_response *rs, aq_ws_page *page);

/* --- params.c --------------------------------------------------------- */
/* Checks the query against the parameters the route METHOD PATTERN
 * declares: 400 naming the first unknown one, 500 for a route that
 * declares none. srv_handle calls it for every routed request. */
bool srv_query_declared(const srv_request *rq, srv_response *rs, const char *method, const char *pattern);
/* Is S a safe identifier value (code, period, level): 1-64 bytes, no
 * control characters? Replies 400 naming FIELD otherwise. NULL is fine. */
bool srv_check_value(srv_response *rs, const char *field, const char *s);
/* The request's JSON object body (the caller json_decref's it), or NULL
 * after a 400 reply saying what is wrong with it. */
typedef struct json_t json_t;
json_t *srv_body_object(const srv_request *rq, srv_response *rs);
/* Reads the string member KEY of O into *out (borrowed from O; NULL when
 * absent). False after a 400 reply when it is missing and REQUIRED, or not
 * a string. */
bool srv_body_string(json_t *o, srv_response *rs, const char *key, bool required, const char **out);
/* The extension (".csv", ".xlsx", ...) an upload named NAME is read as,
 * or NULL when the name is unsafe (a path, "..", control characters) or
 * the format is not one aimaq imports. */
const char *srv_upload_extension(const char *name);
/* The language: ?lang=, else Accept-Language, else "kk". */
const char *srv_lang(const srv_request *rq);

/* --- handlers (api_*.c), routed by route.c ---------------------------- */
typedef void srv_handler(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs,
                         const char *arg);

srv_handler srv_api_login, srv_api_logout, srv_api_me, srv_api_token, srv_api_tokens, srv_api_token_revoke;
srv_handler srv_api_units, srv_api_indicators, srv_api_observations, srv_api_datasets;
srv_handler srv_api_upload, srv_api_edit, srv_api_submissions, srv_api_approve, srv_api_reject, srv_api_audit;
srv_handler srv_api_disparity, srv_api_potential, srv_api_results, srv_api_result, srv_api_reproduce;
srv_handler srv_api_methods, srv_api_method_put, srv_api_map, srv_api_accounts, srv_api_account_add;
srv_handler srv_api_account_disable, srv_api_chart, srv_api_import;
srv_handler srv_static;

/* Writes an audit record of a refused or failed request (best effort). */
void srv_audit_denied(srv_worker *w, const srv_request *rq, const srv_caller *who, const char *why);

/* Sets up a server thread's context: one thread, the server's bounds on
 * spreadsheets (thread_ctx.c). */
void srv_ctx_setup(const srv *server, aq_ctx *ctx);

/* --- the import queue (jobs.c) ---------------------------------------- */
/* Opens the queue's store handle, marks what a killed server left failed
 * (aq_ws_jobs_recover) and starts the import thread; -1 after printing why. */
int srv_queue_start(srv *server);
/* Stops the thread (a running import ends at its next commit, failed). */
void srv_queue_stop(srv *server);
/* Hands the upload of RQ, recorded as job JOB, to the queue and, for a
 * small file (SRV_UPLOAD_SMALL), waits up to SRV_UPLOAD_WAIT_MS for it
 * (the request runs it itself when the server has no queue). The job's
 * row in the store tells how it went. */
int srv_queue_upload(srv_worker *w, const srv_request *rq, const aq_account *actor, long long job, const char *name,
                     const aq_import_opts *opts);

/* The HTTP status of a library return code (reply.c). */
int srv_status_of(int rc);

/* --- map cache (api_map.c) -------------------------------------------- */
void srv_map_cache_free(srv *server);

/* --- static assets (assets.c, generated from server/assets/) ---------- */
typedef struct srv_asset {
    const char *path;          /* "/index.html"                               */
    const char *content_type;
    const unsigned char *data;
    size_t len;
} srv_asset;
const srv_asset *srv_asset_find(const char *path);

#endif
