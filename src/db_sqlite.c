/*
 * db_sqlite.c -- the SQLite driver under db.h: a thin layer over the
 * sqlite3 API, which db.h's model follows call for call.
 */
#include "aq_int.h"
#include "db_driver.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

typedef struct {
    aq_db base;
    sqlite3 *db;
    struct timespec busy_since; /* when the current wait for the lock began */
} sqlite_db;

typedef struct {
    aq_db_stmt base;
    sqlite3_stmt *st;
} sqlite_stmt;

static sqlite3 *handle(aq_db *db) { return ((sqlite_db *)db)->db; }
static sqlite3_stmt *stmt(aq_db_stmt *st) { return ((sqlite_stmt *)st)->st; }

static void db_close(aq_db *db)
{
    sqlite3_close(handle(db));
    aq__free(db);
}

static int db_exec(aq_db *db, const char *sql)
{
    return sqlite3_exec(handle(db), sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : AQ_DB_ERROR;
}

static int db_begin_write(aq_db *db) { return db_exec(db, "BEGIN IMMEDIATE"); }
static bool db_in_transaction(aq_db *db) { return !sqlite3_get_autocommit(handle(db)); }
static int64_t db_changes(aq_db *db) { return sqlite3_changes64(handle(db)); }

static const char *db_errmsg(aq_db *db)
{
    return sqlite3_errcode(handle(db)) == SQLITE_OK ? "" : sqlite3_errmsg(handle(db));
}

static aq_db_errclass db_errclass(aq_db *db)
{
    switch (sqlite3_extended_errcode(handle(db)) & 0xff) {
    case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE: return AQ_DBE_NONE;
    case SQLITE_CONSTRAINT: return AQ_DBE_CONSTRAINT;
    case SQLITE_BUSY: case SQLITE_LOCKED: return AQ_DBE_BUSY;
    case SQLITE_FULL: return AQ_DBE_FULL;
    case SQLITE_READONLY: return AQ_DBE_READONLY;
    case SQLITE_IOERR: case SQLITE_CANTOPEN: return AQ_DBE_IO;
    case SQLITE_NOTADB: return AQ_DBE_NOTADB;
    case SQLITE_CORRUPT: return AQ_DBE_CORRUPT;
    default: return AQ_DBE_OTHER;
    }
}

static int db_sys_errno(aq_db *db) { return sqlite3_system_errno(handle(db)); }

static int db_prepare(aq_db *db, const char *sql, bool persistent, aq_db_stmt **out)
{
    *out = NULL;
    sqlite_stmt *st = aq__calloc(1, sizeof *st);
    if (!st)
        return AQ_DB_ERROR;
    if (sqlite3_prepare_v3(handle(db), sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st->st, NULL) !=
        SQLITE_OK) {
        aq__free(st);
        return AQ_DB_ERROR;
    }
    st->base.db = db;
    *out = &st->base;
    return 0;
}

static void db_finalize(aq_db_stmt *st)
{
    sqlite3_finalize(stmt(st));
    aq__free(st);
}

static void db_reset(aq_db_stmt *st, bool clear)
{
    sqlite3_reset(stmt(st));
    if (clear)
        sqlite3_clear_bindings(stmt(st));
}

static void db_rewind(aq_db_stmt *st) { sqlite3_reset(stmt(st)); }

/* A bind past the statement's parameters (SQLITE_RANGE) is ignored, as
 * db.h promises; only running out of memory is an error. */
static int bound(int rc) { return rc == SQLITE_NOMEM ? AQ_DB_ERROR : 0; }

static int db_bind_text(aq_db_stmt *st, int i, const char *text, bool copy)
{
    return bound(sqlite3_bind_text(stmt(st), i, text, -1, copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
}

static int db_bind_int64(aq_db_stmt *st, int i, int64_t v) { return bound(sqlite3_bind_int64(stmt(st), i, v)); }
static int db_bind_double(aq_db_stmt *st, int i, double v) { return bound(sqlite3_bind_double(stmt(st), i, v)); }

static int db_bind_blob(aq_db_stmt *st, int i, const void *data, size_t n)
{
    return bound(sqlite3_bind_blob64(stmt(st), i, data, n, SQLITE_STATIC));
}

static int db_bind_null(aq_db_stmt *st, int i) { return bound(sqlite3_bind_null(stmt(st), i)); }
static int db_param_count(aq_db_stmt *st) { return sqlite3_bind_parameter_count(stmt(st)); }

static int db_step(aq_db_stmt *st)
{
    int rc = sqlite3_step(stmt(st));
    return rc == SQLITE_ROW ? AQ_DB_ROW : rc == SQLITE_DONE ? AQ_DB_DONE : AQ_DB_ERROR;
}

/* SQLite makes a statement's every change at its first step, RETURNING
 * included, so one step per run is enough. */
static int db_run_each(aq_db_stmt *st, size_t n, int (*bind)(aq_db_stmt *st, size_t k, void *arg), void *arg,
                       int64_t *changes, int64_t *first)
{
    for (size_t k = 0; k < n; k++) {
        int rc = bind(st, k, arg);
        if (rc)
            return rc;
        int step = sqlite3_step(stmt(st));
        if (first)
            first[k] = step == SQLITE_ROW ? sqlite3_column_int64(stmt(st), 0) : 0;
        sqlite3_reset(stmt(st));
        if (step != SQLITE_DONE && step != SQLITE_ROW)
            return AQ_DB_ERROR;
        changes[k] = sqlite3_changes64(sqlite3_db_handle(stmt(st)));
    }
    return 0;
}

static int db_column_count(aq_db_stmt *st) { return sqlite3_column_count(stmt(st)); }
static const char *db_column_name(aq_db_stmt *st, int j) { return sqlite3_column_name(stmt(st), j); }

static aq_db_type db_column_type(aq_db_stmt *st, int j)
{
    switch (sqlite3_column_type(stmt(st), j)) {
    case SQLITE_INTEGER: return AQ_DB_INTEGER;
    case SQLITE_FLOAT: return AQ_DB_FLOAT;
    case SQLITE_TEXT: return AQ_DB_TEXT;
    case SQLITE_BLOB: return AQ_DB_BLOB;
    default: return AQ_DB_NULL;
    }
}

/* Only the declared types the store's schema uses are told apart. */
static aq_db_type db_column_decl(aq_db_stmt *st, int j)
{
    const char *decl = sqlite3_column_decltype(stmt(st), j);
    if (!decl)
        return AQ_DB_NULL;
    if (strcasecmp(decl, "INTEGER") == 0)
        return AQ_DB_INTEGER;
    if (strcasecmp(decl, "REAL") == 0)
        return AQ_DB_FLOAT;
    if (strcasecmp(decl, "BLOB") == 0)
        return AQ_DB_BLOB;
    return AQ_DB_TEXT;
}

static const char *db_column_text(aq_db_stmt *st, int j) { return (const char *)sqlite3_column_text(stmt(st), j); }
static int64_t db_column_int64(aq_db_stmt *st, int j) { return sqlite3_column_int64(stmt(st), j); }
static double db_column_double(aq_db_stmt *st, int j) { return sqlite3_column_double(stmt(st), j); }
static const void *db_column_blob(aq_db_stmt *st, int j) { return sqlite3_column_blob(stmt(st), j); }
static size_t db_column_bytes(aq_db_stmt *st, int j) { return (size_t)sqlite3_column_bytes(stmt(st), j); }

static const aq_db_driver sqlite_driver = {
    .backend = AQ_DB_SQLITE,
    .close = db_close,
    .exec = db_exec,
    .begin_write = db_begin_write,
    .in_transaction = db_in_transaction,
    .changes = db_changes,
    .errmsg = db_errmsg,
    .errclass = db_errclass,
    .sys_errno = db_sys_errno,
    .prepare = db_prepare,
    .finalize = db_finalize,
    .reset = db_reset,
    .rewind = db_rewind,
    .bind_text = db_bind_text,
    .bind_int64 = db_bind_int64,
    .bind_double = db_bind_double,
    .bind_blob = db_bind_blob,
    .bind_null = db_bind_null,
    .param_count = db_param_count,
    .step = db_step,
    .run_each = db_run_each,
    .column_count = db_column_count,
    .column_name = db_column_name,
    .column_type = db_column_type,
    .column_decl = db_column_decl,
    .column_text = db_column_text,
    .column_int64 = db_column_int64,
    .column_double = db_column_double,
    .column_blob = db_column_blob,
    .column_bytes = db_column_bytes,
};

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; aimaq never reads those counts, and threads that each hold a store
 * handle (the server's workers) would queue on it. Must precede SQLite's
 * initialisation, hence once, before the first open. */
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

/* Should PATH, opened read-only, be opened immutable? When its directory
 * is not writable SQLite cannot make the -shm file a WAL database needs
 * (a read-only archive, a CD, a read-only mount), and without a -wal
 * file, or an empty one, the file alone holds everything. With a -wal
 * that has content, immutable would ignore it: SQLite is left to say why
 * it cannot read. */
static bool immutable(const char *path)
{
    char dir[4096], wal[4200];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
    if (access(dir, W_OK) == 0)
        return false;
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat sb;
    return stat(wal, &sb) != 0 || sb.st_size == 0;
}

/* PATH as an SQLite URI with immutable=1 (aq__free), '%', '?' and '#'
 * escaped. */
static char *immutable_uri(const char *path)
{
    aq_buf b = {0};
    aq__buf_puts(&b, "file:");
    for (const char *p = path; *p; p++)
        if (*p == '%' || *p == '?' || *p == '#')
            aq__buf_printf(&b, "%%%02X", (unsigned char)*p);
        else
            aq__buf_append(&b, p, 1);
    aq__buf_puts(&b, "?mode=ro&immutable=1");
    return aq__buf_take(&b);
}

/* A writer waiting for the lock looks again every 2 ms for up to 10 s.
 * SQLite's own busy timeout sleeps ever longer, up to 100 ms between
 * looks, so a writer that commits often and at once begins again (a
 * server's background import, committing in short transactions) would
 * hold the lock at nearly every look: a login could wait the whole 10 s.
 * Looking often finds the pause the importer leaves after each commit. */
static int busy_wait(void *arg, int count)
{
    struct timespec *since = arg, now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (count == 0)
        *since = now;
    else if ((now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000 >= 10000)
        return 0;
    nanosleep(&(struct timespec){0, 2000000}, NULL);
    return 1;
}

int aq__db_sqlite_open(const char *path, bool readonly, bool create, aq_db **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    sqlite_db *d = aq__calloc(1, sizeof *d);
    *out = d ? &d->base : NULL;
    if (!d)
        return AQ_DB_ERROR;
    d->base.drv = &sqlite_driver;
    int flags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    char *uri = readonly && immutable(path) ? immutable_uri(path) : NULL;
    int rc = sqlite3_open_v2(uri ? uri : path, &d->db, flags | SQLITE_OPEN_NOMUTEX | (uri ? SQLITE_OPEN_URI : 0), NULL);
    aq__free(uri);
    if (!d->db) { /* SQLite could not even allocate its handle */
        aq__free(d);
        *out = NULL;
        return AQ_DB_ERROR;
    }
    sqlite3_extended_result_codes(d->db, 1);
    sqlite3_busy_handler(d->db, busy_wait, &d->busy_since);
    return rc == SQLITE_OK ? 0 : AQ_DB_ERROR;
}
