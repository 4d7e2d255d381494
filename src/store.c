/*
 * store.c -- opening the store, bringing its schema up to date, and the
 * helpers every store file uses to run SQL through the driver (db.h).
 *
 * A store is an SQLite file in WAL mode with foreign keys on, or a
 * PostgreSQL database (a postgresql:// URI). Its schema version is PRAGMA
 * user_version or the table aimaq_schema; store_schema.c has the
 * migrations.
 */
#include "store.h"
#include "table.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


int aq__store_fail(aq_store *s, const char *what)
{
    int sys = aq__db_sys_errno(s->db);
    const char *msg = aq__db_errmsg(s->db);
    switch (aq__db_errclass(s->db)) {
    case AQ_DBE_FULL:
        return aq__err(s->ctx, AQ_EIO, "%s: the disk holding '%s' is full (%s); the store is unchanged", what,
                       s->path, sys ? strerror(sys) : msg);
    case AQ_DBE_IO:
        return aq__err(s->ctx, AQ_EIO, "%s: cannot write '%s': %s%s (is the disk full?); the store is unchanged", what,
                       s->path, msg, sys ? strerror(sys) : "");
    case AQ_DBE_READONLY:
        return aq__err(s->ctx, AQ_EIO, "%s: '%s' is read-only", what, s->path);
    case AQ_DBE_BUSY:
        return aq__err(s->ctx, AQ_ESTORE, "%s: '%s' is busy (another process is writing); try again", what, s->path);
    case AQ_DBE_CONNECTION:
        return aq__err(s->ctx, AQ_EIO, "%s: lost the connection to '%s': %s", what, s->path, msg);
    case AQ_DBE_CORRUPT:
        return aq__err(s->ctx, AQ_ESTORE, "%s: the store '%s' is damaged (%s): restore it from a backup", what,
                       s->path, msg);
    default:
        if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
            return aq__err(s->ctx, AQ_EIO, "%s: the disk holding '%s' is full (%s); the store is unchanged", what,
                           s->path, strerror(sys));
        return aq__err(s->ctx, AQ_ESTORE, "%s: %s (store '%s')", what, msg, s->path);
    }
}

/* Prepares SQL and binds AP by TYPES (aq__store_run). */
static int prepare_bound(aq_store *s, const char *sql, const char *types, va_list ap, aq_db_stmt **out)
{
    aq_db_stmt *st = NULL;
    int rc = aq__store_prepare(s, sql, &st);
    for (int i = 0; rc == AQ_OK && types[i]; i++) {
        int bad = types[i] == 't'   ? aq__db_bind_text(st, i + 1, va_arg(ap, const char *))
                  : types[i] == 'i' ? aq__db_bind_int64(st, i + 1, va_arg(ap, long long))
                                    : -1;
        if (bad)
            rc = bad < 0 ? aq__err(s->ctx, AQ_EINTERNAL, "store: parameter type '%c'", types[i]) : aq__oom(s->ctx);
    }
    if (rc) {
        aq__db_finalize(st);
        st = NULL;
    }
    *out = st;
    return rc;
}

int aq__store_run(aq_store *s, const char *what, const char *sql, const char *types, ...)
{
    aq_db_stmt *st;
    va_list ap;
    va_start(ap, types);
    int rc = prepare_bound(s, sql, types, ap, &st);
    va_end(ap);
    if (rc == AQ_OK && aq__db_step(st) != AQ_DB_DONE)
        rc = aq__store_fail(s, what);
    aq__db_finalize(st);
    return rc;
}

int aq__store_int(aq_store *s, int64_t *out, const char *what, const char *sql, const char *types, ...)
{
    aq_db_stmt *st;
    va_list ap;
    va_start(ap, types);
    int rc = prepare_bound(s, sql, types, ap, &st);
    va_end(ap);
    int step = rc == AQ_OK ? aq__db_step(st) : AQ_DB_ERROR;
    if (step == AQ_DB_ROW)
        *out = aq__db_column_int64(st, 0);
    else if (rc == AQ_OK)
        rc = step == AQ_DB_DONE ? aq__err(s->ctx, AQ_EINTERNAL, "%s: no row from the store", what)
                                : aq__store_fail(s, what);
    aq__db_finalize(st);
    return rc;
}

bool aq__store_row(aq_store *s, aq_db_stmt *st, int *rc)
{
    int step = aq__db_step(st);
    if (step == AQ_DB_ERROR)
        *rc = aq__store_fail(s, "store query");
    return step == AQ_DB_ROW;
}

int aq__store_exec(aq_store *s, const char *sql)
{
    return aq__db_exec(s->db, sql) ? aq__store_fail(s, "store") : AQ_OK;
}

int aq__store_prepare(aq_store *s, const char *sql, aq_db_stmt **st)
{
    return aq__db_prepare(s->db, sql, false, st) ? aq__store_fail(s, "store query") : AQ_OK;
}

int aq__store_prepare_persistent(aq_store *s, const char *sql, aq_db_stmt **st)
{
    return aq__db_prepare(s->db, sql, true, st) ? aq__store_fail(s, "store query") : AQ_OK;
}

int aq__store_cached(aq_store *s, const char *sql, aq_db_stmt **st)
{
    for (unsigned i = 0; i < AQ_STMT_CACHE; i++)
        if (s->cache[i].sql && strcmp(s->cache[i].sql, sql) == 0) {
            *st = s->cache[i].st;
            return AQ_OK;
        }
    char *copy = aq__strdup(sql);
    if (!copy)
        return aq__oom(s->ctx);
    if (aq__db_prepare(s->db, sql, true, st)) {
        aq__free(copy);
        return aq__store_fail(s, "store query");
    }
    unsigned i = s->cache_next++ % AQ_STMT_CACHE; /* round robin: the hot few stay */
    aq__db_finalize(s->cache[i].st);
    aq__free(s->cache[i].sql);
    s->cache[i].sql = copy;
    s->cache[i].st = *st;
    return AQ_OK;
}

void aq__store_release(aq_db_stmt *st) { aq__db_clear(st); }

static void cache_clear(aq_store *s)
{
    for (unsigned i = 0; i < AQ_STMT_CACHE; i++) {
        aq__db_finalize(s->cache[i].st);
        aq__free(s->cache[i].sql);
        s->cache[i].st = NULL;
        s->cache[i].sql = NULL;
    }
}

/* Reads the schema version: SQLite keeps it in PRAGMA user_version, a
 * PostgreSQL store in the one-row table aimaq_schema (0 when absent). */
static int read_version(aq_store *s)
{
    bool pg = aq__db_backend(s->db) == AQ_DB_POSTGRESQL;
    const char *sql = pg ? "SELECT CAST(count(*) AS BIGINT) FROM information_schema.tables"
                           " WHERE table_schema = current_schema() AND table_name = 'aimaq_schema'"
                         : "PRAGMA user_version";
    for (int pass = 0; pass < 2; pass++) {
        aq_db_stmt *st;
        if (aq__db_prepare(s->db, sql, false, &st))
            return AQ_ESTORE;
        int step = aq__db_step(st);
        int64_t v = step == AQ_DB_ROW ? aq__db_column_int64(st, 0) : 0;
        aq__db_finalize(st);
        if (step != AQ_DB_ROW)
            return AQ_ESTORE;
        /* Out of int's range is as unknown as any other value past the
         * migrations: clamped, it is refused as such (aq_store_open). */
        s->version = v < INT_MIN ? INT_MIN : v > INT_MAX ? INT_MAX : (int)v;
        if (!pg || v == 0 || pass == 1)
            break;
        sql = "SELECT version FROM aimaq_schema";
    }
    return AQ_OK;
}

static int write_version(aq_store *s, int v)
{
    char sql[64];
    if (aq__db_backend(s->db) == AQ_DB_POSTGRESQL)
        snprintf(sql, sizeof sql, "UPDATE aimaq_schema SET version = %d", v);
    else
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
    return aq__store_exec(s, sql);
}

static int migrate(aq_store *s)
{
    size_t n;
    const char *const *steps = aq__store_migrations(aq__db_backend(s->db), &n);
    while (s->version >= 0 && (size_t)s->version < n) {
        if (aq__db_begin_write(s->db))
            return aq__store_fail(s, "cannot upgrade the store");
        /* Another process may have migrated while this one waited. */
        int rc = read_version(s) ? aq__store_fail(s, "cannot read the store's schema version") : AQ_OK;
        int v = s->version;
        if (rc == AQ_OK && v < 0)
            rc = aq__err(s->ctx, AQ_ESTORE, "the store '%s' has schema version %d, which no aimaq writes", s->path, v);
        if (rc == AQ_OK && (size_t)v < n && ((rc = aq__store_exec(s, steps[v])) != AQ_OK ||
                                             (rc = write_version(s, v + 1)) != AQ_OK))
            aq__err_prefix(s->ctx, "cannot upgrade the store '%s' to schema %d", s->path, v + 1);
        if (rc) {
            aq__db_exec(s->db, "ROLLBACK");
            return rc;
        }
        if ((rc = aq__store_exec(s, "COMMIT")) != AQ_OK)
            return rc;
        s->version = v < (int)n ? v + 1 : v;
    }
    return AQ_OK;
}

/* A database that has tables but no aimaq schema version is somebody
 * else's. */
static bool foreign_database(aq_store *s)
{
    if (s->version != 0)
        return false;
    const char *sql = aq__db_backend(s->db) == AQ_DB_POSTGRESQL
                          ? "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
                          : "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'";
    aq_db_stmt *st;
    bool foreign = false;
    if (aq__db_prepare(s->db, sql, false, &st) == 0) {
        if (aq__db_step(st) == AQ_DB_ROW)
            foreign = aq__db_column_int64(st, 0) > 0;
        aq__db_finalize(st);
    }
    return foreign;
}

/* Copies a PostgreSQL URI for messages with its password replaced by ***
 * (user:SECRET@host and password=SECRET both). */
static char *masked_target(const char *target)
{
    aq_buf b = {0};
    const char *p = target;
    if (aq__db_is_url(target)) {
        const char *auth = strstr(target, "://") + 3, *at = strchr(auth, '@'), *colon = strchr(auth, ':');
        if (at && colon && colon < at && !memchr(auth, '/', (size_t)(at - auth))) {
            aq__buf_printf(&b, "%.*s***", (int)(colon + 1 - target), target);
            p = at;
        }
    }
    const char *pw = strstr(p, "password=");
    if (pw) {
        const char *end = pw + strcspn(pw, "&");
        aq__buf_printf(&b, "%.*spassword=***%s", (int)(pw - p), p, end);
    } else {
        aq__buf_printf(&b, "%s", p);
    }
    return aq__buf_take(&b);
}

/* The checks and messages that only make sense for a file: it must exist
 * unless created, be a file, be writable when written, and a new one
 * needs a writable directory (SQLite does not say which of these failed). */
static int check_file(aq_ctx *ctx, const char *path, int flags)
{
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && !(flags & AQ_STORE_CREATE))
        return aq__err(ctx, AQ_EIO, "no store at '%s' (import data first, or give --db FILE)", path);
    if (exists && S_ISDIR(sb.st_mode))
        return aq__err(ctx, AQ_EIO, "cannot open the store '%s': it is a directory", path);
    if (exists && !(flags & AQ_STORE_READONLY) && access(path, W_OK) != 0)
        return aq__err(ctx, AQ_EIO, "cannot write the store '%s': %s", path, strerror(errno));
    if (!exists) {
        char dir[4096];
        const char *slash = strrchr(path, '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
        if (access(dir, W_OK) != 0)
            return aq__err(ctx, AQ_EIO, "cannot create the store '%s': directory '%s': %s", path, dir, strerror(errno));
    }
    return AQ_OK;
}

/* Why the first read of the schema failed, said for the engine. The
 * read-only directory is named only when the failure is about permissions
 * or a read-only file system and the directory is indeed not writable: a
 * damaged file is not a permissions problem. */
static int unreadable(aq_store *s)
{
    aq_db_errclass cls = aq__db_errclass(s->db);
    const char *msg = aq__db_errmsg(s->db);
    if (cls == AQ_DBE_NOTADB)
        return aq__err(s->ctx, AQ_ESTORE, "'%s' is not an aimaq store (not an SQLite database)", s->path);
    if (cls == AQ_DBE_CORRUPT)
        return aq__err(s->ctx, AQ_ESTORE, "the store '%s' is damaged (%s): restore it from a backup", s->path, msg);
    if (aq__db_backend(s->db) == AQ_DB_POSTGRESQL)
        return aq__err(s->ctx, AQ_EIO, "cannot read the store '%s': %s", s->path, msg);
    int sys = aq__db_sys_errno(s->db);
    bool permissions = cls == AQ_DBE_READONLY || sys == EACCES || sys == EPERM || sys == EROFS || cls == AQ_DBE_IO;
    char dir[4096];
    const char *slash = strrchr(s->path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - s->path) + (slash == s->path) : 1, slash ? s->path : ".");
    if (permissions && access(dir, W_OK) != 0)
        return aq__err(s->ctx, AQ_EIO, "cannot read the store '%s': %s (its directory '%s' is not writable, and "
                       "SQLite must write the store's -shm file there to read the changes its -wal file holds: open "
                       "it once where it is writable, or copy it)", s->path, msg, dir);
    return aq__err(s->ctx, AQ_EIO, "cannot read the store '%s': %s%s%s", s->path, msg, sys ? ": " : "",
                   sys ? strerror(sys) : "");
}

int aq_store_open(aq_ctx *ctx, const char *path, int flags, aq_store **out)
{
    bool url = aq__db_is_url(path);
    int rc = url ? AQ_OK : check_file(ctx, path, flags);
    if (rc)
        return rc;
    aq_store *s = aq__xcalloc(ctx, 1, sizeof *s);
    if (!s)
        return AQ_ENOMEM;
    s->ctx = ctx;
    s->readonly = flags & AQ_STORE_READONLY;
    if (!(s->path = masked_target(path))) {
        aq__free(s);
        return aq__oom(ctx);
    }
    if (aq__db_open(path, s->readonly, true, &s->db)) {
        int sys = s->db ? aq__db_sys_errno(s->db) : 0;
        rc = aq__err(ctx, AQ_EIO, "cannot open the store '%s': %s%s%s", s->path,
                     s->db ? aq__db_errmsg(s->db) : "out of memory", sys ? ": " : "", sys ? strerror(sys) : "");
        goto fail;
    }
    if ((rc = read_version(s)) != AQ_OK) {
        rc = unreadable(s);
        goto fail;
    }
    if (foreign_database(s)) {
        rc = aq__err(ctx, AQ_ESTORE, url ? "'%s' holds tables but is not an aimaq store (give an empty database)"
                                         : "'%s' is an SQLite database but not an aimaq store", s->path);
        goto fail;
    }
    size_t schema;
    aq__store_migrations(aq__db_backend(s->db), &schema);
    /* Only the versions the migrations made are aimaq's: a negative one
     * (no aimaq writes it) is not taken for an old store and written to. */
    if (s->version < 0) {
        rc = aq__err(ctx, AQ_ESTORE, "'%s' is not an aimaq store: its schema version is %d, which no aimaq writes",
                     s->path, s->version);
        goto fail;
    }
    if (s->version > (int)schema) {
        rc = aq__err(ctx, AQ_ESTORE, "the store '%s' has schema %d, newer than this aimaq knows (%d): upgrade aimaq",
                     s->path, s->version, (int)schema);
        goto fail;
    }
    if (!s->readonly) {
        /* WAL: readers never block the writer; NORMAL sync keeps every
         * transaction atomic (a power cut may lose the last one, never
         * half of one). */
        if (!url && (rc = aq__store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")) != AQ_OK)
            goto fail;
        if ((rc = migrate(s)) != AQ_OK)
            goto fail;
    } else if (s->version < (int)schema) {
        rc = aq__err(ctx, AQ_ESTORE, "the store '%s' has schema %d and needs upgrading to %d: open it once for writing (e.g. aimaq import)",
                     s->path, s->version, (int)schema);
        goto fail;
    }
    /* recursive_triggers: a REPLACE's implicit delete then fires the DELETE
     * triggers, so the audit log's refuse it even without the schema's
     * own refusal of a replacing insert. */
    if (!url && (rc = aq__store_exec(s, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144;"
                                         " PRAGMA recursive_triggers=ON")) != AQ_OK)
        goto fail;
    *out = s;
    return AQ_OK;
fail:
    cache_clear(s);
    aq__db_close(s->db);
    aq__free(s->path);
    aq__free(s);
    return rc;
}

void aq_store_close(aq_store *s)
{
    if (!s)
        return;
    cache_clear(s);
    aq__db_close(s->db);
    aq__free(s->path);
    aq__free(s);
}

int aq_store_schema_version(const aq_store *s) { return s->version; }

void aq__store_now(char *buf, size_t size, int offset, bool millis)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    time_t t = ts.tv_sec + offset;
    struct tm tm;
    gmtime_r(&t, &tm);
    char base[24];
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    if (millis)
        snprintf(buf, size, "%s.%03ldZ", base, ts.tv_nsec / 1000000);
    else
        snprintf(buf, size, "%sZ", base);
}

bool aq__store_snapshot_begin(aq_store *s)
{
    if (aq__db_backend(s->db) != AQ_DB_SQLITE || aq__db_in_transaction(s->db))
        return false;
    /* A failed BEGIN leaves each pass on its own snapshot, as before; the
     * fill pass never writes past the rows it counted. */
    return aq__db_exec(s->db, "BEGIN") == 0;
}

void aq__store_snapshot_end(aq_store *s, bool began)
{
    if (began && aq__db_in_transaction(s->db) && aq__db_exec(s->db, "COMMIT") != 0)
        aq__db_exec(s->db, "ROLLBACK"); /* it only read: nothing is lost */
}

static int query_table(aq_store *s, const char *sql, const char *const *args, aq_table **out);

int aq__store_query_table(aq_store *s, const char *sql, const char *const *args, aq_table **out)
{
    bool snapshot = aq__store_snapshot_begin(s);
    int rc = query_table(s, sql, args, out);
    aq__store_snapshot_end(s, snapshot);
    return rc;
}

static int query_table(aq_store *s, const char *sql, const char *const *args, aq_table **out)
{
    aq_db_stmt *st;
    int rc = aq__store_cached(s, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; args && args[i]; i++)
        aq__db_bind_text(st, i + 1, args[i]);
    /* Count rows first: tables are sized once. */
    size_t n = 0;
    int step;
    while ((step = aq__db_step(st)) == AQ_DB_ROW)
        n++;
    if (step != AQ_DB_DONE) {
        rc = aq__store_fail(s, "store query");
        aq__store_release(st);
        return rc;
    }
    aq__db_rewind(st);
    int nc = aq__db_column_count(st);
    aq_table *t;
    if ((rc = aq_table_new(s->ctx, n, &t)) != AQ_OK) {
        aq__store_release(st);
        return rc;
    }
    /* A BLOB column named geom is the row's geometry, in the CRS that a
     * column named crs gives. */
    int geom_col = -1, crs_col = -1;
    for (int j = 0; j < nc; j++)
        if (strcmp(aq__db_column_name(st, j), "crs") == 0)
            crs_col = j;
    for (int j = 0; j < nc && rc == AQ_OK; j++) {
        const char *name = aq__db_column_name(st, j);
        aq_db_type decl = aq__db_column_decl(st, j);
        if (strcmp(name, "geom") == 0) {
            geom_col = j;
            continue;
        }
        if (decl == AQ_DB_NULL) { /* an expression: numbers when it yields numbers */
            while (aq__db_step(st) == AQ_DB_ROW && (decl = aq__db_column_type(st, j)) == AQ_DB_NULL)
                ;
            aq__db_rewind(st);
        }
        bool number = decl == AQ_DB_INTEGER || decl == AQ_DB_FLOAT;
        rc = aq__table_add(s->ctx, t, name, number ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    }
    size_t i = 0;
    while (rc == AQ_OK && i < n && aq__store_row(s, st, &rc)) {
        size_t k = 0;
        for (int j = 0; j < nc && rc == AQ_OK; j++) {
            if (j == geom_col) {
                const void *blob = aq__db_column_blob(st, j);
                if (blob)
                    rc = aq_table_set_geometry(s->ctx, t, i, blob, aq__db_column_bytes(st, j),
                                               crs_col >= 0 ? aq__db_column_text(st, crs_col) : NULL);
                continue;
            }
            aq__column *c = &t->cols[k++];
            if (aq__db_column_type(st, j) == AQ_DB_NULL)
                continue;
            if (c->type == AQ_COL_NUMBER)
                c->num[i] = aq__db_column_double(st, j);
            else
                rc = aq_table_set_text(s->ctx, t, k - 1, i, aq__db_column_text(st, j));
        }
        i++;
    }
    aq__store_release(st);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq__store_query_page(aq_store *s, const char *sql, const char *const *args, size_t offset, size_t limit,
                         aq_table **out, long long *total)
{
    size_t n = 0;
    while (args && args[n])
        n++;
    if (n > 14)
        return aq__err(s->ctx, AQ_EINTERNAL, "store: a page query binds at most 14 parameters");
    const char *all[17];
    for (size_t i = 0; i < n; i++)
        all[i] = args[i];
    char lim[32], off[32];
    /* No limit is every row: a count no listing reaches, as neither engine
     * takes the same "no limit" word. */
    snprintf(lim, sizeof lim, "%zu", limit ? limit : (size_t)INT64_MAX);
    snprintf(off, sizeof off, "%zu", offset);
    all[n] = lim;
    all[n + 1] = off;
    all[n + 2] = NULL;
    aq_buf q = {0}, c = {0};
    aq__buf_printf(&q, "%s LIMIT CAST(?%zu AS BIGINT) OFFSET CAST(?%zu AS BIGINT)", sql, n + 1, n + 2);
    aq__buf_printf(&c, "SELECT CAST(count(*) AS BIGINT) AS n FROM (%s) AS listing", sql);
    int rc = q.failed || c.failed ? aq__oom(s->ctx) : AQ_OK;
    aq_table *t = NULL;
    if (rc == AQ_OK && total) {
        rc = aq__store_query_table(s, c.data, n ? args : NULL, &t);
        if (rc == AQ_OK)
            *total = aq_table_nrows(t) ? (long long)aq_table_numbers(t, 0)[0] : 0;
        aq_table_free(t);
        t = NULL;
    }
    if (rc == AQ_OK)
        rc = aq__store_query_table(s, q.data, all, out);
    aq__buf_free(&q);
    aq__buf_free(&c);
    return rc;
}
