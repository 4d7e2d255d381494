/*
 * store.c -- opening the SQLite store, its schema and migrations.
 *
 * The store is one SQLite file in WAL mode with foreign keys on. Its schema
 * version is PRAGMA user_version; each migration is one transaction that
 * takes the schema from version N-1 to N, so a store is never half-migrated
 * and an older aimaq refuses a newer store instead of damaging it.
 */
#include "store.h"
#include "table.h"

#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <strings.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Migration N takes the schema from version N-1 to N. Only ever appended. */
static const char *const migrations[] = {
    /* 1: the territorial model, indicators, observations, datasets */
    "CREATE TABLE levels(\n"
    "  name TEXT PRIMARY KEY,\n"
    "  rank INTEGER NOT NULL,\n"
    "  description TEXT);\n"
    "INSERT INTO levels VALUES ('country',0,'the country'),('region',1,'oblast or city of republican significance'),\n"
    "  ('district',2,'district or city of regional significance'),('rural_district',3,'rural or settlement okrug'),\n"
    "  ('settlement',4,'settlement');\n"
    "CREATE TABLE datasets(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  source TEXT,\n"
    "  checksum TEXT,\n"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  imported_by TEXT,\n"
    "  shape TEXT,\n"
    "  rows_read INTEGER NOT NULL DEFAULT 0,\n"
    "  rows_accepted INTEGER NOT NULL DEFAULT 0,\n"
    "  rows_rejected INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE units(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  parent TEXT REFERENCES units(code) DEFERRABLE INITIALLY DEFERRED,\n"
    "  level TEXT REFERENCES levels(name),\n"
    "  kind TEXT,\n"
    "  name_kk TEXT, name_ru TEXT, name_en TEXT,\n"
    "  valid_from TEXT, valid_to TEXT,\n"
    "  classifier TEXT,\n"
    "  crs TEXT, geom BLOB,\n"
    "  dataset_id INTEGER REFERENCES datasets(id));\n"
    "CREATE INDEX units_parent ON units(parent);\n"
    "CREATE TABLE unit_links(\n"
    "  from_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  to_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  date TEXT NOT NULL,\n"
    "  share REAL NOT NULL CHECK (share >= 0 AND share <= 1),\n"
    "  dataset_id INTEGER REFERENCES datasets(id),\n"
    "  PRIMARY KEY (from_id, to_id, date));\n"
    "CREATE TABLE indicators(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  code TEXT NOT NULL UNIQUE,\n"
    "  name_kk TEXT, name_ru TEXT, name_en TEXT,\n"
    "  measure TEXT,\n"
    "  direction INTEGER CHECK (direction IN (-1, 0, 1)),\n"
    "  description TEXT, source TEXT);\n"
    /* Keyed indicator first: selections ask for an indicator (and a
     * period), and imports write one indicator's values in unit order, so
     * inserts append to a few B-tree pages instead of scattering. */
    "CREATE TABLE observations(\n"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT NOT NULL,\n"
    "  dataset_id INTEGER NOT NULL REFERENCES datasets(id),\n"
    "  value REAL,\n"
    "  flags TEXT,\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id)) WITHOUT ROWID;\n",
    /* 2: the shared workspace (aimaq_workspace.h): accounts, sessions and
     * tokens (hashes only), submissions awaiting approval, the append-only
     * audit log, stored methodologies and recorded results. A pending
     * dataset's values wait in pending_observations, which no selection
     * reads, until approval moves them into observations. */
    "ALTER TABLE datasets ADD COLUMN status TEXT NOT NULL DEFAULT 'live'\n"
    "  CHECK (status IN ('live', 'pending', 'rejected'));\n"
    "CREATE TABLE pending_observations(\n"
    "  unit_id INTEGER NOT NULL REFERENCES units(id),\n"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id),\n"
    "  period TEXT NOT NULL,\n"
    "  dataset_id INTEGER NOT NULL,\n"
    "  value REAL,\n"
    "  flags TEXT,\n"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id)) WITHOUT ROWID;\n"
    "CREATE INDEX pending_observations_dataset ON pending_observations(dataset_id);\n"
    "CREATE TABLE accounts(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  role TEXT NOT NULL CHECK (role IN ('admin', 'central', 'regional', 'viewer')),\n"
    "  scope TEXT NOT NULL DEFAULT '',\n"
    "  pw_hash TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  disabled INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE sessions(\n"
    "  token_sha TEXT PRIMARY KEY,\n"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),\n"
    "  csrf TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  expires_at INTEGER NOT NULL);\n"
    "CREATE TABLE api_tokens(\n"
    "  token_sha TEXT PRIMARY KEY,\n"
    "  account_id INTEGER NOT NULL REFERENCES accounts(id),\n"
    "  label TEXT,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));\n"
    "CREATE TABLE login_failures(name TEXT, client TEXT, at INTEGER NOT NULL);\n"
    "CREATE INDEX login_failures_name ON login_failures(name, at);\n"
    "CREATE INDEX login_failures_client ON login_failures(client, at);\n"
    "CREATE TABLE submissions(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('file', 'edit')),\n"
    "  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),\n"
    "  account_id INTEGER NOT NULL,\n"
    "  submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  file TEXT,\n"
    "  dataset_id INTEGER,\n"
    "  unit_id INTEGER, indicator_id INTEGER, period TEXT,\n"
    "  value REAL, old_value REAL,\n"
    "  rows INTEGER,\n"
    "  decided_by INTEGER, decided_at TEXT,\n"
    "  comment TEXT);\n"
    "CREATE INDEX submissions_status ON submissions(status);\n"
    "CREATE TABLE audit(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),\n"
    "  account TEXT,\n"
    "  action TEXT NOT NULL,\n"
    "  object TEXT, old_value TEXT, new_value TEXT, client TEXT);\n"
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
    "  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
    "CREATE TABLE methodologies(\n"
    "  sha256 TEXT PRIMARY KEY,\n"
    "  name TEXT NOT NULL,\n"
    "  text TEXT NOT NULL,\n"
    "  stored_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),\n"
    "  stored_by TEXT);\n"
    "CREATE TABLE results(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  kind TEXT NOT NULL,\n"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),\n"
    "  created_by TEXT,\n"
    "  params TEXT,\n"
    "  method_sha256 TEXT,\n"
    "  horizon INTEGER NOT NULL,\n"
    "  datasets TEXT,\n"
    "  output TEXT,\n"
    "  output_sha256 TEXT);\n",
    /* 3: pages of one level in code order (the server's listings, and
     * selections by level) read the index instead of every unit. */
    "CREATE INDEX units_level_code ON units(level, code);\n",
};

#define AQ_SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int aq__store_fail(aq_store *s, const char *what)
{
    int ext = sqlite3_extended_errcode(s->db), sys = sqlite3_system_errno(s->db);
    if (ext == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT)
        return aq__err(s->ctx, AQ_EIO, "%s: the disk holding '%s' is full (%s); the store is unchanged", what,
                       s->path, strerror(sys ? sys : ENOSPC));
    if ((ext & 0xff) == SQLITE_IOERR)
        return aq__err(s->ctx, AQ_EIO, "%s: cannot write '%s': %s%s (is the disk full?); the store is unchanged", what,
                       s->path, sqlite3_errmsg(s->db), sys ? strerror(sys) : "");
    if (ext == SQLITE_READONLY || (ext & 0xff) == SQLITE_READONLY)
        return aq__err(s->ctx, AQ_EIO, "%s: '%s' is read-only", what, s->path);
    if ((ext & 0xff) == SQLITE_BUSY)
        return aq__err(s->ctx, AQ_ESTORE, "%s: '%s' is busy (another process is writing); try again", what, s->path);
    return aq__err(s->ctx, AQ_ESTORE, "%s: %s (store '%s')", what, sqlite3_errmsg(s->db), s->path);
}

int aq__store_exec(aq_store *s, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sqlite3_free(msg);
        return aq__store_fail(s, "store");
    }
    return AQ_OK;
}

int aq__store_prepare(aq_store *s, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return aq__store_fail(s, "store query");
    return AQ_OK;
}

int aq__store_cached(aq_store *s, const char *sql, sqlite3_stmt **st)
{
    for (unsigned i = 0; i < AQ_STMT_CACHE; i++)
        if (s->cache[i].sql && strcmp(s->cache[i].sql, sql) == 0) {
            *st = s->cache[i].st;
            return AQ_OK;
        }
    char *copy = aq__strdup(sql);
    if (!copy)
        return aq__oom(s->ctx);
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        aq__free(copy);
        return aq__store_fail(s, "store query");
    }
    unsigned i = s->cache_next++ % AQ_STMT_CACHE; /* round robin: the hot few stay */
    sqlite3_finalize(s->cache[i].st);
    aq__free(s->cache[i].sql);
    s->cache[i].sql = copy;
    s->cache[i].st = *st;
    return AQ_OK;
}

void aq__store_release(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void cache_clear(aq_store *s)
{
    for (unsigned i = 0; i < AQ_STMT_CACHE; i++) {
        sqlite3_finalize(s->cache[i].st);
        aq__free(s->cache[i].sql);
        s->cache[i].st = NULL;
        s->cache[i].sql = NULL;
    }
}

static int migrate(aq_store *s)
{
    for (int v = s->version; v < AQ_SCHEMA_VERSION; v++) {
        char sql[64];
        int rc = aq__store_exec(s, "BEGIN IMMEDIATE");
        if (rc)
            return rc;
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        if ((rc = aq__store_exec(s, migrations[v])) != AQ_OK || (rc = aq__store_exec(s, sql)) != AQ_OK) {
            aq__err_prefix(s->ctx, "cannot upgrade the store '%s' to schema %d", s->path, v + 1);
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
        if ((rc = aq__store_exec(s, "COMMIT")) != AQ_OK)
            return rc;
        s->version = v + 1;
    }
    return AQ_OK;
}

static int read_version(aq_store *s)
{
    sqlite3_stmt *st;
    int rc = aq__store_prepare(s, "PRAGMA user_version", &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        s->version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return step == SQLITE_ROW ? AQ_OK : AQ_ESTORE;
}

/* A file that has tables but no aimaq schema version is somebody else's. */
static bool foreign_database(aq_store *s)
{
    sqlite3_stmt *st;
    bool foreign = false;
    if (s->version == 0 &&
        sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            foreign = sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    return foreign;
}

/* SQLite counts every allocation under one process-wide mutex unless told
 * not to; aimaq never reads those counts, and threads that each hold a store
 * handle (the server's workers) would queue on it. Must precede SQLite's
 * initialisation, hence once, before the first open. */
static void sqlite_setup(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

int aq_store_open(aq_ctx *ctx, const char *path, int flags, aq_store **out)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_setup);
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && !(flags & AQ_STORE_CREATE))
        return aq__err(ctx, AQ_EIO, "no store at '%s' (import data first, or give --db FILE)", path);
    if (exists && S_ISDIR(sb.st_mode))
        return aq__err(ctx, AQ_EIO, "cannot open the store '%s': it is a directory", path);
    if (exists && !(flags & AQ_STORE_READONLY) && access(path, W_OK) != 0)
        return aq__err(ctx, AQ_EIO, "cannot write the store '%s': %s", path, strerror(errno));
    if (!exists) { /* say why a new store cannot be made, which SQLite does not */
        char dir[4096];
        const char *slash = strrchr(path, '/');
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
        if (access(dir, W_OK) != 0)
            return aq__err(ctx, AQ_EIO, "cannot create the store '%s': directory '%s': %s", path, dir, strerror(errno));
    }
    aq_store *s = aq__xcalloc(ctx, 1, sizeof *s);
    if (!s)
        return AQ_ENOMEM;
    s->ctx = ctx;
    s->readonly = flags & AQ_STORE_READONLY;
    if (!(s->path = aq__strdup(path))) {
        aq__free(s);
        return aq__oom(ctx);
    }
    int oflags = s->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = AQ_OK;
    if (sqlite3_open_v2(path, &s->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        int sys = s->db ? sqlite3_system_errno(s->db) : 0;
        rc = aq__err(ctx, AQ_EIO, "cannot open the store '%s': %s%s%s", path,
                     s->db ? sqlite3_errmsg(s->db) : "out of memory", sys ? ": " : "", sys ? strerror(sys) : "");
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    if ((rc = read_version(s)) != AQ_OK) {
        if ((sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_NOTADB)
            rc = aq__err(ctx, AQ_ESTORE, "'%s' is not an aimaq store (not an SQLite database)", path);
        else
            rc = aq__err(ctx, AQ_EIO, "cannot read the store '%s': %s (a store's directory must be writable for "
                                      "its -wal and -shm files; this one is read-only)", path, sqlite3_errmsg(s->db));
        goto fail;
    }
    if (foreign_database(s)) {
        rc = aq__err(ctx, AQ_ESTORE, "'%s' is an SQLite database but not an aimaq store", path);
        goto fail;
    }
    if (s->version > AQ_SCHEMA_VERSION) {
        rc = aq__err(ctx, AQ_ESTORE, "the store '%s' has schema %d, newer than this aimaq knows (%d): upgrade aimaq",
                     path, s->version, AQ_SCHEMA_VERSION);
        goto fail;
    }
    if (!s->readonly) {
        /* WAL: readers never block the writer; NORMAL sync keeps every
         * transaction atomic (a power cut may lose the last one, never
         * half of one). */
        if ((rc = aq__store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL")) != AQ_OK)
            goto fail;
        if ((rc = migrate(s)) != AQ_OK)
            goto fail;
    } else if (s->version < AQ_SCHEMA_VERSION) {
        rc = aq__err(ctx, AQ_ESTORE, "the store '%s' has schema %d and needs upgrading to %d: open it once for writing (e.g. aimaq import)",
                     path, s->version, AQ_SCHEMA_VERSION);
        goto fail;
    }
    if ((rc = aq__store_exec(s, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144")) != AQ_OK)
        goto fail;
    *out = s;
    return AQ_OK;
fail:
    cache_clear(s);
    sqlite3_close(s->db);
    aq__free(s->path);
    aq__free(s);
    return rc;
}

void aq_store_close(aq_store *s)
{
    if (!s)
        return;
    cache_clear(s);
    sqlite3_close(s->db);
    aq__free(s->path);
    aq__free(s);
}

int aq_store_schema_version(const aq_store *s) { return s->version; }

int aq__store_query_table(aq_store *s, const char *sql, const char *const *args, aq_table **out)
{
    sqlite3_stmt *st;
    int rc = aq__store_cached(s, sql, &st);
    if (rc)
        return rc;
    for (int i = 0; args && args[i]; i++)
        sqlite3_bind_text(st, i + 1, args[i], -1, SQLITE_STATIC);
    /* Count rows first: tables are sized once. */
    size_t n = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        n++;
    if (step != SQLITE_DONE) {
        aq__store_release(st);
        return aq__store_fail(s, "store query");
    }
    sqlite3_reset(st);
    int nc = sqlite3_column_count(st);
    aq_table *t;
    if ((rc = aq_table_new(s->ctx, n, &t)) != AQ_OK) {
        aq__store_release(st);
        return rc;
    }
    /* A BLOB column named geom is the row's geometry, in the CRS that a
     * column named crs gives. */
    int geom_col = -1, crs_col = -1;
    for (int j = 0; j < nc; j++)
        if (strcmp(sqlite3_column_name(st, j), "crs") == 0)
            crs_col = j;
    for (int j = 0; j < nc && rc == AQ_OK; j++) {
        const char *name = sqlite3_column_name(st, j);
        const char *decl = sqlite3_column_decltype(st, j);
        if (strcmp(name, "geom") == 0) {
            geom_col = j;
            continue;
        }
        bool number = decl && (strcasecmp(decl, "REAL") == 0 || strcasecmp(decl, "INTEGER") == 0);
        if (!decl) { /* an expression: numbers when it yields numbers */
            number = false;
            while (sqlite3_step(st) == SQLITE_ROW) {
                int ty = sqlite3_column_type(st, j);
                if (ty == SQLITE_NULL)
                    continue;
                number = ty == SQLITE_INTEGER || ty == SQLITE_FLOAT;
                break;
            }
            sqlite3_reset(st);
        }
        rc = aq__table_add(s->ctx, t, name, number ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    }
    size_t i = 0;
    while (rc == AQ_OK && sqlite3_step(st) == SQLITE_ROW && i < n) {
        size_t k = 0;
        for (int j = 0; j < nc && rc == AQ_OK; j++) {
            if (j == geom_col) {
                const void *blob = sqlite3_column_blob(st, j);
                if (blob)
                    rc = aq_table_set_geometry(s->ctx, t, i, blob, (size_t)sqlite3_column_bytes(st, j),
                                               crs_col >= 0 ? (const char *)sqlite3_column_text(st, crs_col) : NULL);
                continue;
            }
            aq__column *c = &t->cols[k++];
            if (sqlite3_column_type(st, j) == SQLITE_NULL)
                continue;
            if (c->type == AQ_COL_NUMBER)
                c->num[i] = sqlite3_column_double(st, j);
            else
                rc = aq_table_set_text(s->ctx, t, k - 1, i, (const char *)sqlite3_column_text(st, j));
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
