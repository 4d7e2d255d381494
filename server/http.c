/*
 * http.c -- libmicrohttpd under srv_handle: the daemon, a worker (context
 * and store handle) per pool thread, request bodies in memory or streamed
 * to the spool, limits, response headers, the access log, and shutdown on
 * SIGINT/SIGTERM.
 *
 * An upload is written to a file in the spool directory as it arrives and
 * handed to the import only when complete, so a server killed mid-upload
 * leaves a stray spool file (removed at the next start) and an untouched
 * store.
 *
 * The front door: one address may hold --connections-per-address
 * connections at once (MHD refuses the rest), and a request's headers
 * must all arrive within --header-timeout seconds of its start, however
 * slowly they trickle (MHD's own timeout restarts with every byte): the
 * main thread closes the laggards once a second. The client of a request
 * is the peer's address, or, when the peer is a --trusted-proxy, the
 * right-most address of X-Forwarded-For that is not a trusted proxy.
 */
#include "srv.h"
#include "cli.h" /* exit codes: the server is a command of the tool */

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* One open connection, for the header deadline. */
typedef struct srv_conn {
    struct srv_conn *prev, *next;
    int fd;
    struct timespec since;  /* when its current request started            */
    bool reading;           /* the current request's headers are not all in */
    char peer[64];
} srv_conn;

/* What one connection's request has gathered so far. */
typedef struct conn {
    srv_request rq;
    aq_buf body;            /* a JSON body                                 */
    FILE *upload;           /* an upload being written to the spool        */
    char spool_path[4096];
    size_t received;
    int refuse;             /* an HTTP status decided before the end (413, 400) */
    bool answered;          /* the refusal went out before the body        */
    char refuse_msg[256];
    char client[64];
    struct timespec start;
} conn;

static srv_worker *worker(srv *server)
{
    srv_worker *w = pthread_getspecific(server->worker_key);
    if (w)
        return w;
    w = calloc(1, sizeof *w);
    if (!w || !(w->ctx = aq_ctx_new())) {
        free(w);
        return NULL;
    }
    w->server = server;
    srv_ctx_setup(server, w->ctx);
    if (aq_store_open(w->ctx, server->cfg.db, 0, &w->store)) {
        fprintf(stderr, "aimaq serve: %s\n", aq_errmsg(w->ctx));
        aq_ctx_free(w->ctx);
        free(w);
        return NULL;
    }
    pthread_mutex_lock(&server->lock);
    if (server->nworkers == server->capworkers) {
        size_t cap = server->capworkers ? 2 * server->capworkers : 8;
        srv_worker **p = realloc(server->workers, cap * sizeof *p);
        if (p) {
            server->workers = p;
            server->capworkers = cap;
        }
    }
    if (server->nworkers < server->capworkers)
        server->workers[server->nworkers++] = w;
    pthread_mutex_unlock(&server->lock);
    pthread_setspecific(server->worker_key, w);
    return w;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    conn *c = cls;
    if (c->rq.nquery == SRV_MAX_QUERY_ARGS) {
        c->refuse = 400;
        snprintf(c->refuse_msg, sizeof c->refuse_msg, "more than %d query parameters", SRV_MAX_QUERY_ARGS);
        return MHD_NO;
    }
    c->rq.query[c->rq.nquery++] = (srv_kv){key, value ? value : ""};
    return MHD_YES;
}

static const char *header(struct MHD_Connection *mc, const char *name)
{
    return MHD_lookup_connection_value(mc, MHD_HEADER_KIND, name);
}

static bool trusted(const srv *server, const struct in_addr *a)
{
    for (size_t i = 0; i < server->ntrusted; i++)
        if (server->trusted[i].s_addr == a->s_addr)
            return true;
    return false;
}

/* Appends every X-Forwarded-For header, comma-separated, in their order:
 * several such headers mean the same as one joined list (RFC 9110 5.3). */
static enum MHD_Result collect_forwarded(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    aq_buf *b = cls;
    if (key && value && !strcasecmp(key, "X-Forwarded-For")) {
        if (b->len)
            aq__buf_append(b, ",", 1);
        aq__buf_append(b, value, strlen(value));
    }
    return MHD_YES;
}

/* The client of a request from a trusted proxy: the right-most address of
 * X-Forwarded-For that is not a trusted proxy (the ones left of it were
 * written by whoever sent the request, so prove nothing), normalised into
 * CLIENT. CLIENT stays the proxy's when there is none, or when that entry
 * is not an address. */
static void forwarded_client(const srv *server, struct MHD_Connection *mc, char client[64])
{
    aq_buf b = {0};
    MHD_get_connection_values(mc, MHD_HEADER_KIND, collect_forwarded, &b);
    char *list = b.data;
    for (size_t n = list && !b.failed ? b.len : 0; n > 0;) {
        size_t start = n;
        while (start > 0 && list[start - 1] != ',')
            start--;
        char entry[64];
        size_t a = start, z = n;
        while (a < z && (list[a] == ' ' || list[a] == '\t'))
            a++;
        while (z > a && (list[z - 1] == ' ' || list[z - 1] == '\t'))
            z--;
        n = start > 0 ? start - 1 : 0;
        if (z - a >= sizeof entry)
            break;
        memcpy(entry, list + a, z - a);
        entry[z - a] = '\0';
        struct in_addr v4;
        struct in6_addr v6;
        if (inet_pton(AF_INET, entry, &v4) == 1) {
            if (trusted(server, &v4))
                continue;
            inet_ntop(AF_INET, &v4, client, 64);
        } else if (inet_pton(AF_INET6, entry, &v6) == 1) {
            inet_ntop(AF_INET6, &v6, client, 64);
        }
        break;
    }
    aq__buf_free(&b);
}

/* Opens the spool file of an upload named NAME, keeping its extension so
 * the importer reads it in the right format. */
static void open_upload(srv *server, conn *c, const char *name)
{
    const char *ext = srv_upload_extension(name);
    if (!ext) {
        c->refuse = 400;
        snprintf(c->refuse_msg, sizeof c->refuse_msg, "the upload needs ?name= a plain file name (no path) ending in "
                 ".csv, .tsv, .txt, .xlsx, .ods, .geojson, .json or .gpkg");
        return;
    }
    snprintf(c->spool_path, sizeof c->spool_path, "%s/upload-XXXXXX%s", server->cfg.spool, ext);
    int fd = mkstemps(c->spool_path, (int)strlen(ext));
    if (fd < 0 || !(c->upload = fdopen(fd, "wb"))) {
        if (fd >= 0)
            close(fd);
        c->spool_path[0] = '\0';
        c->refuse = 503;
        snprintf(c->refuse_msg, sizeof c->refuse_msg, "cannot spool the upload: %s", strerror(errno));
    }
}

/* The first call for a request: headers, query, limits. */
static conn *start(srv *server, struct MHD_Connection *mc, const char *url, const char *method)
{
    conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, &c->start);
    c->rq.method = method;
    c->rq.path = url;
    MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, collect_arg, c);
    c->rq.session = MHD_lookup_connection_value(mc, MHD_COOKIE_KIND, "aq_session");
    /* The scheme is case-insensitive (RFC 9110 11.1): "bearer" too. */
    const char *auth = header(mc, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth && !strncasecmp(auth, "Bearer", 6) && (auth[6] == ' ' || auth[6] == '\t')) {
        const char *t = auth + 7;
        while (*t == ' ' || *t == '\t')
            t++;
        c->rq.bearer = t;
    }
    c->rq.csrf = header(mc, "X-CSRF-Token");
    c->rq.content_type = header(mc, MHD_HTTP_HEADER_CONTENT_TYPE);
    c->rq.accept_language = header(mc, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
        const struct in_addr *peer = &((const struct sockaddr_in *)ci->client_addr)->sin_addr;
        inet_ntop(AF_INET, peer, c->client, sizeof c->client);
        if (trusted(server, peer))
            forwarded_client(server, mc, c->client);
    } else {
        snprintf(c->client, sizeof c->client, "unknown");
    }
    c->rq.client = c->client;
    const char *len = header(mc, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long declared = len ? strtoull(len, NULL, 10) : 0;
    bool upload = !strcmp(method, "POST") && !strcmp(url, "/api/uploads");
    if (!c->refuse && declared > (upload ? (unsigned long long)SRV_MAX_UPLOAD : SRV_MAX_JSON_BODY)) {
        c->refuse = 413;
        snprintf(c->refuse_msg, sizeof c->refuse_msg, "the body of %llu bytes is over the limit of %d bytes", declared,
                 upload ? SRV_MAX_UPLOAD : SRV_MAX_JSON_BODY);
    }
    if (!c->refuse && upload)
        open_upload(server, c, MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "name"));
    return c;
}

/* Takes one piece of the body. */
static void receive(conn *c, const char *data, size_t size)
{
    size_t limit = c->upload ? SRV_MAX_UPLOAD : SRV_MAX_JSON_BODY;
    if (c->refuse)
        return; /* discard the rest: the answer is decided */
    c->received += size;
    if (c->received > limit) {
        c->refuse = 413;
        snprintf(c->refuse_msg, sizeof c->refuse_msg, "the body is over the limit of %zu bytes", limit);
    } else if (c->upload) {
        if (fwrite(data, 1, size, c->upload) != size) {
            c->refuse = 507;
            snprintf(c->refuse_msg, sizeof c->refuse_msg, "cannot spool the upload: %s", strerror(errno));
        }
    } else {
        aq__buf_append(&c->body, data, size);
    }
}

/* Writes S as one field of the access log: every byte but printable
 * ASCII, and the space, backslash and quote, as \xHH, so that a decoded
 * %0A or %20 in a path can neither start a forged line nor shift the
 * fields. An empty field is "-". */
static void log_field(FILE *f, const char *s)
{
    if (!s || !*s)
        fputc('-', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || *p == '\\' || *p == '"')
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc(' ', f);
}

/* One line of the access log: time, client, method, path, status, bytes
 * and milliseconds since START. */
static void log_line(srv *server, const char *client, const char *method, const char *path, int status, size_t bytes,
                     const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - start->tv_sec) * 1e3 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    flockfile(server->log); /* one line at a time from the pool's threads */
    fprintf(server->log, "%s ", when);
    log_field(server->log, client);
    log_field(server->log, method);
    log_field(server->log, path);
    fprintf(server->log, "%d %zu %.2fms\n", status, bytes, ms);
    funlockfile(server->log);
}

static void log_request(srv *server, const conn *c, int status, size_t bytes)
{
    log_line(server, c->client, c->rq.method, c->rq.path, status, bytes, &c->start);
}

/* The tracked connection of MC (NULL when MHD has none for it). */
static srv_conn *tracked(struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

/* Marks whether MC is reading a request's headers (from now on). */
static void set_reading(srv *server, struct MHD_Connection *mc, bool reading)
{
    srv_conn *t = tracked(mc);
    if (!t)
        return;
    pthread_mutex_lock(&server->conns_lock);
    t->reading = reading;
    if (reading)
        clock_gettime(CLOCK_MONOTONIC, &t->since);
    pthread_mutex_unlock(&server->conns_lock);
}

/* Keeps the list of open connections the header deadline looks at. MHD
 * closes a socket only after telling CLOSED, so a socket on the list,
 * looked at under the lock, is still this connection's. */
static void notify_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
    srv *server = cls;
    srv_conn *t = *socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (!fd || !(t = calloc(1, sizeof *t)))
            return; /* untracked: MHD's idle timeout still applies */
        t->fd = fd->connect_fd;
        t->reading = true;
        clock_gettime(CLOCK_MONOTONIC, &t->since);
        if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, t->peer, sizeof t->peer);
        pthread_mutex_lock(&server->conns_lock);
        t->next = server->conns;
        if (server->conns)
            server->conns->prev = t;
        server->conns = t;
        pthread_mutex_unlock(&server->conns_lock);
        *socket_context = t;
    } else if (t) {
        pthread_mutex_lock(&server->conns_lock);
        if (t->prev)
            t->prev->next = t->next;
        else
            server->conns = t->next;
        if (t->next)
            t->next->prev = t->prev;
        pthread_mutex_unlock(&server->conns_lock);
        free(t);
        *socket_context = NULL;
    }
}

/* Closes every connection whose request's headers took longer than the
 * deadline: shutdown() makes MHD read the end and close it itself. */
static void close_laggards(srv *server)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    pthread_mutex_lock(&server->conns_lock);
    for (srv_conn *t = server->conns; t; t = t->next)
        if (t->reading && (double)(now.tv_sec - t->since.tv_sec) + (double)(now.tv_nsec - t->since.tv_nsec) / 1e9 >=
                              server->cfg.header_timeout) {
            shutdown(t->fd, SHUT_RDWR);
            t->reading = false;
            log_line(server, t->peer, NULL, NULL, 408, 0, &t->since);
        }
    pthread_mutex_unlock(&server->conns_lock);
}

static enum MHD_Result respond(srv *server, struct MHD_Connection *mc, conn *c, srv_response *rs)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(rs->body.len, rs->body.data ? rs->body.data : "",
                                                             MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rs->content_type ? rs->content_type : "application/json; charset=utf-8");
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rs->cache[0] ? rs->cache : "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                            "frame-ancestors 'none'; form-action 'self'");
    if (rs->set_cookie[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rs->set_cookie);
    enum MHD_Result ok = MHD_queue_response(mc, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    log_request(server, c, rs->status, rs->body.len);
    return ok;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
    (void)version;
    srv *server = cls;
    conn *c = *state;
    if (!c) {
        set_reading(server, mc, false); /* the headers are all in */
        *state = c = start(server, mc, url, method);
        if (!c || !c->refuse)
            return c ? MHD_YES : MHD_NO;
        /* Refused on its headers alone (a declared size over the limit, a
         * bad upload name): answer now, without reading a body that may be
         * hundreds of megabytes; MHD closes the connection after it. */
        srv_response rs = {0};
        srv_reply_error(&rs, c->refuse, "%s", c->refuse_msg);
        enum MHD_Result ok = respond(server, mc, c, &rs);
        aq__buf_free(&rs.body);
        c->answered = true;
        return ok;
    }
    if (c->answered) { /* whatever of the body MHD still hands over */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        receive(c, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    srv_response rs = {0};
    srv_worker *w = worker(server);
    if (c->refuse) {
        srv_reply_error(&rs, c->refuse, "%s", c->refuse_msg);
    } else if (!w) {
        srv_reply_error(&rs, 503, "the server cannot open its store");
    } else {
        if (c->upload) {
            if (fclose(c->upload) != 0)
                c->refuse = 507;
            c->upload = NULL;
            c->rq.upload_path = c->spool_path;
            c->rq.upload_len = c->received;
        } else if (c->body.len) {
            c->rq.body = c->body.data;
            c->rq.body_len = c->body.len;
        }
        if (c->refuse)
            srv_reply_error(&rs, c->refuse, "cannot finish spooling the upload");
        else
            srv_handle(w, &c->rq, &rs);
        if (rs.status == 0)
            srv_reply_error(&rs, 500, "no handler answered %s %s", method, url);
    }
    enum MHD_Result ok = respond(server, mc, c, &rs);
    aq__buf_free(&rs.body);
    return ok;
}

/* The request is over (answered, or the client went away): drop its state
 * and its spool file. */
static void completed(void *cls, struct MHD_Connection *mc, void **state, enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    set_reading(cls, mc, true); /* a kept-alive connection's next request: the deadline starts again */
    conn *c = *state;
    if (!c)
        return;
    if (c->upload)
        fclose(c->upload);
    if (c->spool_path[0])
        unlink(c->spool_path);
    aq__buf_free(&c->body);
    free(c);
    *state = NULL;
}


/* Removes the spool files a killed server left behind, creating the
 * directory when it is absent. */
static int prepare_spool(const char *dir)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "aimaq serve: cannot create the upload directory '%s': %s\n", dir, strerror(errno));
        return AQ_EXIT_INPUT;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "aimaq serve: cannot open the upload directory '%s': %s\n", dir, strerror(errno));
        return AQ_EXIT_INPUT;
    }
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "upload-", 7)) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    return 0;
}

/* Decodes %XX in the path and the query. MHD would decode %00 into a NUL
 * that cuts the value short ("x.csv%00.sh" read as "x.csv", "/app.js%00.x"
 * as "/app.js"): a value holding %00 is kept as it came, so it matches no
 * route, file name or code. */
static size_t unescape(void *cls, struct MHD_Connection *mc, char *s)
{
    (void)cls, (void)mc;
    for (const char *p = s; (p = strchr(p, '%')); p++)
        if (p[1] == '0' && p[2] == '0')
            return strlen(s);
    return MHD_http_unescape(s);
}

/* "HOST:PORT" (HOST an IPv4 address or "localhost") into ADDR. */
static bool parse_listen(const char *listen, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host)
        return false;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 1 || port > 65535)
        return false;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, strcmp(host, "localhost") ? host : "127.0.0.1", &addr->sin_addr) == 1;
}

/* "ADDR[,ADDR]" (IPv4 addresses) into ADDRS; false naming the bad one. */
static bool parse_trusted(const char *list, struct in_addr *addrs, size_t max, size_t *n)
{
    *n = 0;
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        char one[64];
        snprintf(one, sizeof one, "%.*s", (int)(len < sizeof one ? len : sizeof one - 1), p);
        if (*n == max || len >= sizeof one || inet_pton(AF_INET, one, &addrs[*n]) != 1) {
            fprintf(stderr, "aimaq serve: --trusted-proxy must be IPv4 addresses separated by commas (at most %zu), "
                    "e.g. 127.0.0.1,10.0.0.2, not '%.*s'\n", max, (int)len, p);
            return false;
        }
        ++*n;
        p += len + (p[len] == ',');
    }
    return true;
}

int srv_run(const srv_config *cfg)
{
    srv server = {.cfg = *cfg};
    struct sockaddr_in addr;
    if (!parse_listen(cfg->listen, &addr)) {
        fprintf(stderr, "aimaq serve: --listen must be HOST:PORT with an IPv4 address, e.g. 127.0.0.1:8080, not '%s'\n",
                cfg->listen);
        return AQ_EXIT_USAGE;
    }
    struct in_addr trusted_addrs[16];
    if (!parse_trusted(cfg->trusted_proxy, trusted_addrs, 16, &server.ntrusted))
        return AQ_EXIT_USAGE;
    server.trusted = trusted_addrs;
    if (server.cfg.header_timeout <= 0)
        server.cfg.header_timeout = 20;
    /* Open (and migrate) the store once before serving, so a bad store is
     * a clear error at start and not a 503 on every request. */
    aq_ctx *ctx = aq_ctx_new();
    aq_store *s = NULL;
    if (!ctx || aq_store_open(ctx, cfg->db, AQ_STORE_CREATE, &s)) {
        fprintf(stderr, "aimaq serve: %s\n", ctx ? aq_errmsg(ctx) : "out of memory");
        aq_ctx_free(ctx);
        return AQ_EXIT_INPUT;
    }
    aq_store_close(s);
    aq_ctx_free(ctx);
    int rc = prepare_spool(cfg->spool);
    if (rc)
        return rc;
    server.log = cfg->log_path ? fopen(cfg->log_path, "a") : stderr;
    if (!server.log) {
        fprintf(stderr, "aimaq serve: cannot open the log '%s': %s\n", cfg->log_path, strerror(errno));
        return AQ_EXIT_INPUT;
    }
    setvbuf(server.log, NULL, _IOLBF, 0); /* whole lines, as they happen */
    pthread_key_create(&server.worker_key, NULL);
    pthread_mutex_init(&server.lock, NULL);
    pthread_mutex_init(&server.conns_lock, NULL);
    /* Signals are taken by sigwait below, not by the pool threads. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* The import thread (with the signals blocked, as the pool's), after
     * the spool is emptied: the uploads a killed server left queued or
     * running are failed (their files are gone) and their unfinished
     * datasets removed before anything is served. */
    if (srv_queue_start(&server)) {
        if (server.log != stderr)
            fclose(server.log);
        pthread_key_delete(server.worker_key);
        pthread_mutex_destroy(&server.lock);
        return AQ_EXIT_INPUT;
    }
    /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: its SO_REUSEPORT would let a
     * second server (a mistake, or another store) share the port and half
     * the requests in silence. MHD's default SO_REUSEADDR is enough for a
     * quick restart. */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, answer, &server,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
        MHD_OPTION_NOTIFY_COMPLETED, completed, &server, MHD_OPTION_NOTIFY_CONNECTION, notify_connection, &server,
        MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_LIMIT, 4096u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)(cfg->per_address > 0 ? cfg->per_address : 0), MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "aimaq serve: cannot listen on %s: %s\n", cfg->listen, strerror(errno));
        rc = AQ_EXIT_INPUT;
    } else {
        const char *fast = getenv("AQ_PWHASH_FAST");
        if (fast && !strcmp(fast, "1"))
            fprintf(stderr, "aimaq serve: AQ_PWHASH_FAST=1: the test mode: password hashes of libsodium's minimum "
                            "cost are made and accepted as they are; never in production\n");
        fprintf(stderr, "aimaq serve: listening on http://%s/ (store %s); stop with Ctrl-C\n", cfg->listen, cfg->db);
        /* Once a second: the header deadline; else wait for the signal. */
        const struct timespec tick = {1, 0};
        int sig;
        while ((sig = sigtimedwait(&stop, NULL, &tick)) != SIGINT && sig != SIGTERM)
            close_laggards(&server);
        fprintf(stderr, "aimaq serve: stopping\n");
        MHD_stop_daemon(d);
    }
    srv_queue_stop(&server);
    for (size_t i = 0; i < server.nworkers; i++) {
        aq_store_close(server.workers[i]->store);
        aq_ctx_free(server.workers[i]->ctx);
        free(server.workers[i]);
    }
    free(server.workers);
    srv_map_cache_free(&server);
    pthread_key_delete(server.worker_key);
    pthread_mutex_destroy(&server.lock);
    pthread_mutex_destroy(&server.conns_lock);
    if (server.log != stderr)
        fclose(server.log);
    return rc;
}
