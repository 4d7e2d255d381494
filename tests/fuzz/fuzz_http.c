/* fuzz_http.c -- libFuzzer harness for the server's request handling
 * (srv_handle): the input bytes become one request -- method, caller, path,
 * query pairs, Accept-Language, X-CSRF-Token and a JSON body (or an
 * uploaded file) -- handled on a worker over a small store, as the HTTP
 * layer does after libmicrohttpd has parsed a request.
 *
 * Input layout (every part optional):
 *   byte 0      method: GET, POST, HEAD, PUT, DELETE, or the first line
 *   byte 1      caller: nobody, the central analyst's API token, the
 *               regional editor's session with its CSRF token, the same
 *               session without it or with a wrong one, a forged token
 *   then lines  path, query ("k=v&k=v", no decoding: MHD has done it),
 *               Accept-Language, then the rest is the body (the uploaded
 *               file when the path is /api/uploads).
 * An empty path line picks one of the routes by byte 0, so that short
 * inputs reach the handlers.
 *
 * The server's sources are compiled into this harness (a unity build of
 * the server's .c files but http.c, which only speaks to sockets), so build.sh needs
 * no list of them; the embedded dashboard is replaced by a one-file table.
 * The store is rebuilt from a pristine copy every RESET_EVERY inputs, so
 * what the fuzzer's edits and uploads add does not slow it down.
 *
 * Build with tests/fuzz/build.sh; run as
 *   build-fuzz/fuzz_http tests/fuzz/corpus/http
 */
#include "../../server/api_analysis.c"
#include "../../server/api_auth.c"
#include "../../server/api_data.c"
#include "../../server/api_map.c"
#include "../../server/api_submit.c"
#include "../../server/jobs.c"
#include "../../server/params.c"
#include "../../server/reply.c"
#include "../../server/request.c"
#include "../../server/route.c"
#include "../../server/static.c"
#include "../../server/thread_ctx.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { RESET_EVERY = 500 };

/* The dashboard, as far as the handlers need it. */
static const unsigned char index_html[] = "<!doctype html><title>aimaq</title>";
static const srv_asset assets[] = {{"/index.html", "text/html; charset=utf-8", index_html, sizeof index_html - 1}};

const srv_asset *srv_asset_find(const char *path)
{
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        if (!strcmp(assets[i].path, path))
            return &assets[i];
    return NULL;
}

/* The harness's state: built once, the store reset now and then. */
static struct {
    char dir[512], db[600], pristine[600], upload[600];
    srv server;
    srv_worker w;
    char token[65];        /* the central analyst's API token      */
    char session[65];      /* the regional editor's session        */
    char csrf[65];         /* ... and its CSRF token               */
    unsigned long runs;
} H;

static void die(const char *what)
{
    fprintf(stderr, "fuzz_http: %s: %s\n", what, H.w.ctx ? aq_errmsg(H.w.ctx) : "");
    abort();
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len)
        die(path);
    fclose(f);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    if (!in || !out)
        die("copying the store");
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static void open_store(void)
{
    char wal[640], shm[640];
    snprintf(wal, sizeof wal, "%s-wal", H.db);
    snprintf(shm, sizeof shm, "%s-shm", H.db);
    unlink(wal);
    unlink(shm);
    copy_file(H.pristine, H.db);
    if (aq_store_open(H.w.ctx, H.db, 0, &H.w.store))
        die("opening the store");
}

/* A tiny territory (as in tests/unit/t_server.c), four accounts, a token
 * and a session, saved as the pristine store. */
static void build_store(void)
{
    static const char *units =
        "code,parent,level,name_kk,name_ru,name_en\n"
        "000000000,,country,Қазақстан,Казахстан,Kazakhstan\n"
        "100000000,000000000,region,Абай облысы,область Абай,Abay Region\n"
        "750000000,000000000,region,Алматы,Алматы,Almaty\n"
        "100200000,100000000,district,Аягөз ауданы,Аягозский район,Ayagoz District\n"
        "751000000,750000000,district,Алмалы ауданы,Алмалинский район,Almaly District\n";
    static const char *grp = "code,period,grp_pc,population\n"
                             "100000000,2022,4000,610189\n750000000,2022,9000,2228675\n"
                             "100200000,2022,3000,75000\n751000000,2022,9500,200000\n";
    char path[700];
    aq_store *s = NULL;
    unlink(H.pristine);
    if (aq_store_open(H.w.ctx, H.pristine, AQ_STORE_CREATE, &s))
        die("creating the store");
    aq_import_opts io;
    aq_import_opts_init(&io);
    aq_import_result ir = {0};
    snprintf(path, sizeof path, "%s/units.csv", H.dir);
    write_file(path, units, strlen(units));
    if (aq_store_import(s, path, &io, &ir))
        die("importing units");
    aq_import_result_clear(&ir);
    snprintf(path, sizeof path, "%s/grp.csv", H.dir);
    write_file(path, grp, strlen(grp));
    if (aq_store_import(s, path, &io, &ir))
        die("importing values");
    aq_import_result_clear(&ir);
    aq_account sys, admin, analyst, editor, reader, me;
    aq_account_system(&sys);
    if (aq_ws_account_add(s, &sys, "admin", "admin-password-1", AQ_ROLE_ADMIN, NULL, &admin) ||
        aq_ws_account_add(s, &admin, "analyst", "analyst-password-1", AQ_ROLE_CENTRAL, NULL, &analyst) ||
        aq_ws_account_add(s, &admin, "abay", "abay-password-1", AQ_ROLE_REGIONAL, "100000000", &editor) ||
        aq_ws_account_add(s, &admin, "reader", "reader-password-1", AQ_ROLE_VIEWER, NULL, &reader) ||
        aq_ws_token_new(s, &analyst, 0, "fuzz", H.token) ||
        aq_ws_login(s, "abay", "abay-password-1", "127.0.0.1", H.session, H.csrf, &me))
        die("creating the accounts");
    aq_store_close(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    setenv("AQ_PWHASH_FAST", "1", 1);
    const char *tmp = getenv("AQ_TMP") ? getenv("AQ_TMP") : "/tmp";
    snprintf(H.dir, sizeof H.dir, "%s/fuzz_http.%d", tmp, (int)getpid());
    mkdir(H.dir, 0700);
    snprintf(H.pristine, sizeof H.pristine, "%s/pristine.db", H.dir);
    snprintf(H.db, sizeof H.db, "%s/ws.db", H.dir);
    snprintf(H.upload, sizeof H.upload, "%s/upload.csv", H.dir);
    if (!(H.w.ctx = aq_ctx_new()))
        die("no context");
    aq_ctx_set_threads(H.w.ctx, 1);
    build_store();
    H.server.cfg.db = H.db;
    H.server.cfg.spool = H.dir;
    pthread_mutex_init(&H.server.lock, NULL);
    H.w.server = &H.server;
    open_store();
    return 0;
}

/* The next line of [*p, end) as a heap string of exactly its length + 1
 * (so ASan sees overreads); *p moves past the newline. */
static char *line(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = (size_t)((nl ? nl : end) - *p);
    char *s = malloc(n + 1);
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nl ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "HEAD", "PUT", "DELETE"};
    static const char *const paths[] = {
        "/api/health", "/api/login", "/api/logout", "/api/me", "/api/tokens", "/api/accounts", "/api/units",
        "/api/indicators", "/api/observations", "/api/datasets", "/api/map", "/api/uploads", "/api/edits",
        "/api/submissions", "/api/submissions/1/approve", "/api/submissions/1/reject", "/api/audit",
        "/api/methodologies", "/api/analysis/disparity", "/api/analysis/potential", "/api/results",
        "/api/results/1", "/api/results/1/reproduce", "/", "/index.html"};
    if (++H.runs % RESET_EVERY == 0) {
        aq_store_close(H.w.store);
        srv_map_cache_free(&H.server);
        open_store();
    }
    const uint8_t *p = data, *end = data + size;
    unsigned m = size > 0 ? p[0] : 0, who = size > 1 ? p[1] : 0;
    p += size < 2 ? size : 2;
    char *path = line(&p, end), *query = line(&p, end), *lang = line(&p, end);
    size_t body_len = (size_t)(end - p);
    char *body = malloc(body_len + 1);
    memcpy(body, p, body_len);
    body[body_len] = '\0';

    srv_request rq = {.client = "127.0.0.1", .content_type = "application/json"};
    char *method = NULL;
    if (m % 8 < 5) {
        rq.method = methods[m % 8];
    } else { /* an odd method: the path line's first word */
        method = malloc(8);
        snprintf(method, 8, "%.7s", path);
        rq.method = method;
    }
    rq.path = path[0] == '/' ? path : paths[m % (sizeof paths / sizeof paths[0])];
    for (char *kv = query, *amp; kv && *kv && rq.nquery < SRV_MAX_QUERY_ARGS; kv = amp) {
        amp = strchr(kv, '&');
        if (amp)
            *amp++ = '\0';
        char *eq = strchr(kv, '=');
        if (eq)
            *eq++ = '\0';
        rq.query[rq.nquery++] = (srv_kv){kv, eq ? eq : ""};
    }
    rq.accept_language = lang[0] ? lang : NULL;
    switch (who % 6) {
    case 1: rq.bearer = H.token; break;
    case 2: rq.session = H.session; rq.csrf = H.csrf; break;
    case 3: rq.session = H.session; break;
    case 4: rq.session = H.session; rq.csrf = lang; break;
    case 5: rq.bearer = lang; break;
    default: break;
    }
    if (!strcmp(rq.path, "/api/uploads")) {
        write_file(H.upload, body, body_len);
        rq.upload_path = H.upload;
        rq.upload_len = body_len;
    } else if (body_len) {
        rq.body = body;
        rq.body_len = body_len;
    }

    srv_response rs = {0};
    srv_handle(&H.w, &rq, &rs);
    if (rs.status < 200 || rs.status > 599)
        die("a response without a status");
    aq__buf_free(&rs.body);
    free(method);
    free(body);
    free(lang);
    free(query);
    free(path);
    return 0;
}
