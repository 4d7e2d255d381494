/*
 * db_pg.c -- the PostgreSQL driver under db.h, over libpq.
 *
 * db.h's model is SQLite's (prepare, bind, step through rows); this maps
 * it onto libpq's (send a statement with all its parameters, get every row
 * back in one result):
 *   - ?N and ? in the SQL become $N once, at prepare; parameters are held
 *     in the statement until the first step runs it;
 *   - a persistent statement is prepared on the server (PQprepare) at its
 *     first run and then run by name; others go in one round trip
 *     (PQexecParams);
 *   - values travel as text, except blobs (binary bytea); integers and
 *     doubles are sent typed (int8, float8) and text untyped, so that the
 *     server infers each from where it is used, as SQLite's affinity would;
 *     a parameter number that the SQL never uses is typed text, since the
 *     server cannot infer it and refuses the statement otherwise;
 *   - a step moves through the held result; rewind re-reads it.
 * The connection's notices go nowhere: the library never prints.
 */
#include "aq_int.h"
#include "db_driver.h"

#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs (pg_type.h is server-side; these are fixed since 7.x). */
enum {
    OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_TEXT = 25, OID_OID = 26,
    OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700
};

/* Every aimaq writer takes this transaction-scoped advisory lock first
 * (aq__db_begin_write): the key is "aimaq" in ASCII. */
#define WRITER_LOCK "SELECT pg_advisory_xact_lock(482184294769)"

typedef struct {
    aq_db base;
    PGconn *conn;
    char *err;             /* the last error's message, or NULL */
    aq_db_errclass cls;
    int64_t changes;
    unsigned next_name;    /* server-side statement names: aq1, aq2, ... */
} pg_db;

typedef struct {
    aq_db_stmt base;
    char *sql;             /* with $N markers */
    int nparams;
    bool persistent, prepared;
    char name[24];
    /* Parameters, 0-based; values[i] NULL = SQL NULL. owned[i]: values[i]
     * was allocated here (a copy, or a number's text). */
    const char **values;
    int *lengths, *formats;
    Oid *types;
    bool *owned, *used;
    PGresult *res;         /* the last run's rows; NULL before a run */
    int row;               /* the current row; -1 before the first */
    unsigned char *blob;   /* column_blob's decoded bytea of (blob_row, blob_col) */
    size_t blob_len;
    int blob_row, blob_col;
} pg_stmt;

static pg_db *pdb(aq_db *db) { return (pg_db *)db; }
static pg_stmt *pst(aq_db_stmt *st) { return (pg_stmt *)st; }

static void ignore_notice(void *arg, const char *message) { (void)arg, (void)message; }

/* ---- errors ---- */

static void set_error(pg_db *d, aq_db_errclass cls, const char *msg)
{
    aq__free(d->err);
    d->err = aq__strdup(msg ? msg : "");
    /* libpq's connection messages run over lines ("...refused\n\tIs the
     * server running...\n"): one line reads better inside aimaq's */
    size_t n = 0;
    for (const char *p = d->err; p && *p; p++) {
        bool space = *p == '\n' || *p == '\t' || *p == ' ';
        if (!space || (n && d->err[n - 1] != ' '))
            d->err[n++] = space ? ' ' : *p;
    }
    while (n && d->err[n - 1] == ' ')
        n--;
    if (d->err)
        d->err[n] = '\0';
    d->cls = cls;
}

static aq_db_errclass class_of(const char *sqlstate)
{
    if (!sqlstate)
        return AQ_DBE_OTHER;
    if (strncmp(sqlstate, "23", 2) == 0)
        return AQ_DBE_CONSTRAINT;
    if (!strcmp(sqlstate, "55P03") || !strcmp(sqlstate, "40001") || !strcmp(sqlstate, "40P01"))
        return AQ_DBE_BUSY;
    if (!strcmp(sqlstate, "53100"))
        return AQ_DBE_FULL;
    if (!strcmp(sqlstate, "25006"))
        return AQ_DBE_READONLY;
    if (strncmp(sqlstate, "58", 2) == 0)
        return AQ_DBE_IO;
    if (strncmp(sqlstate, "08", 2) == 0 || !strcmp(sqlstate, "57P01"))
        return AQ_DBE_CONNECTION;
    return AQ_DBE_OTHER;
}

/* Records RES's failure (or the connection's, when RES has none); returns
 * AQ_DB_ERROR. The message is PostgreSQL's primary one, with its detail
 * when there is one (a unique violation names the key there). */
static int fail_result(pg_db *d, const PGresult *res)
{
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!primary || PQstatus(d->conn) == CONNECTION_BAD) {
        set_error(d, PQstatus(d->conn) == CONNECTION_BAD ? AQ_DBE_CONNECTION : AQ_DBE_OTHER, PQerrorMessage(d->conn));
        return AQ_DB_ERROR;
    }
    const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
    aq_buf b = {0};
    aq__buf_printf(&b, "%s%s%s", primary, detail ? ": " : "", detail ? detail : "");
    set_error(d, class_of(PQresultErrorField(res, PG_DIAG_SQLSTATE)), b.data);
    aq__buf_free(&b);
    return AQ_DB_ERROR;
}

/* Checks a result of a command; takes ownership of RES. */
/* Records what RES says on the connection: the rows a command changed, or
 * its failure. Returns 0 or AQ_DB_ERROR; RES stays the caller's. */
static int answered(pg_db *d, PGresult *res)
{
    ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return fail_result(d, res);
    d->cls = AQ_DBE_NONE;
    d->changes = strtoll(PQcmdTuples(res), NULL, 10);
    return 0;
}

static int command_done(pg_db *d, PGresult *res)
{
    int rc = answered(d, res);
    PQclear(res);
    return rc;
}

/* ---- the connection ---- */

static void db_close(aq_db *db)
{
    pg_db *d = pdb(db);
    PQfinish(d->conn);
    aq__free(d->err);
    aq__free(d);
}

static int db_exec(aq_db *db, const char *sql) { return command_done(pdb(db), PQexec(pdb(db)->conn, sql)); }

static int db_begin_write(aq_db *db)
{
    if (db_exec(db, "BEGIN"))
        return AQ_DB_ERROR;
    if (db_exec(db, WRITER_LOCK)) {
        /* keep the lock's error, not ROLLBACK's success */
        PQclear(PQexec(pdb(db)->conn, "ROLLBACK"));
        return AQ_DB_ERROR;
    }
    return 0;
}

static bool db_in_transaction(aq_db *db) { return PQtransactionStatus(pdb(db)->conn) != PQTRANS_IDLE; }
static int64_t db_changes(aq_db *db) { return pdb(db)->changes; }
static const char *db_errmsg(aq_db *db) { return pdb(db)->err ? pdb(db)->err : ""; }
static aq_db_errclass db_errclass(aq_db *db) { return pdb(db)->cls; }
static int db_sys_errno(aq_db *db) { return 0; }

/* ---- statements ---- */

/* Copies SQL with SQLite's ?N and ? as $N, outside quotes and comments;
 * *NPARAMS gets the highest number and USED[N-1] marks those that occur
 * (USED sized by the caller at strlen(sql) + 1, more than can occur). */
static char *dollar_sql(const char *sql, int *nparams, bool *used)
{
    aq_buf b = {0};
    int highest = 0;
    for (const char *p = sql; *p;) {
        if (*p == '\'' || *p == '"') { /* a literal or quoted name; '' and "" stay inside */
            const char *q = p + 1;
            while (*q && !(*q == *p && q[1] != *p))
                q += *q == *p ? 2 : 1;
            q += *q != '\0';
            aq__buf_append(&b, p, (size_t)(q - p));
            p = q;
        } else if (p[0] == '-' && p[1] == '-') {
            size_t n = strcspn(p, "\n");
            aq__buf_append(&b, p, n);
            p += n;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            size_t n = end ? (size_t)(end + 2 - p) : strlen(p);
            aq__buf_append(&b, p, n);
            p += n;
        } else if (*p == '?') {
            char *end;
            long n = strtol(p + 1, &end, 10);
            if (end == p + 1 || n < 1 || n > 32766) /* bare ?: the next number, as in SQLite */
                n = highest + 1;
            if (n > highest)
                highest = (int)n;
            used[n - 1] = true;
            aq__buf_printf(&b, "$%ld", n);
            p = end;
        } else {
            aq__buf_append(&b, p, 1);
            p++;
        }
    }
    *nparams = highest;
    return aq__buf_take(&b);
}

static void stmt_free(pg_stmt *s)
{
    for (int i = 0; s->owned && i < s->nparams; i++) /* owned is NULL when prepare ran out of memory */
        if (s->owned[i])
            aq__free((void *)s->values[i]);
    PQclear(s->res);
    PQfreemem(s->blob);
    aq__free(s->values);
    aq__free(s->lengths);
    aq__free(s->formats);
    aq__free(s->types);
    aq__free(s->owned);
    aq__free(s->used);
    aq__free(s->sql);
    aq__free(s);
}

static int db_prepare(aq_db *db, const char *sql, bool persistent, aq_db_stmt **out)
{
    *out = NULL;
    pg_stmt *s = aq__calloc(1, sizeof *s);
    bool *used = aq__calloc(strlen(sql) + 1, sizeof *used);
    if (!s || !used || !(s->sql = dollar_sql(sql, &s->nparams, used))) {
        aq__free(used);
        if (s)
            aq__free(s);
        set_error(pdb(db), AQ_DBE_OTHER, "out of memory");
        return AQ_DB_ERROR;
    }
    size_t n = (size_t)s->nparams + 1; /* never 0 */
    s->values = aq__calloc(n, sizeof *s->values);
    s->lengths = aq__calloc(n, sizeof *s->lengths);
    s->formats = aq__calloc(n, sizeof *s->formats);
    s->types = aq__calloc(n, sizeof *s->types);
    s->owned = aq__calloc(n, sizeof *s->owned);
    s->used = used;
    s->base.db = db;
    s->persistent = persistent;
    s->row = -1;
    s->blob_row = -1;
    if (!s->values || !s->lengths || !s->formats || !s->types || !s->owned) {
        stmt_free(s);
        set_error(pdb(db), AQ_DBE_OTHER, "out of memory");
        return AQ_DB_ERROR;
    }
    if (persistent)
        snprintf(s->name, sizeof s->name, "aq%u", ++pdb(db)->next_name);
    *out = &s->base;
    return 0;
}

static void db_finalize(aq_db_stmt *st)
{
    pg_stmt *s = pst(st);
    if (s->prepared && PQtransactionStatus(pdb(st->db)->conn) != PQTRANS_INERROR) {
        char sql[48];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        PQclear(PQexec(pdb(st->db)->conn, sql));
    }
    stmt_free(s);
}

static void drop_blob(pg_stmt *s)
{
    PQfreemem(s->blob);
    s->blob = NULL;
    s->blob_row = -1;
}

static void db_reset(aq_db_stmt *st, bool clear)
{
    pg_stmt *s = pst(st);
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    drop_blob(s);
    for (int i = 0; clear && i < s->nparams; i++) {
        if (s->owned[i])
            aq__free((void *)s->values[i]);
        s->values[i] = NULL;
        s->owned[i] = false;
        s->types[i] = 0;
        s->formats[i] = 0;
        s->lengths[i] = 0;
    }
}

static void db_rewind(aq_db_stmt *st)
{
    pst(st)->row = -1;
    drop_blob(pst(st));
}

/* Sets parameter I (1-based) to VALUE, owned when OWN. */
static int set_param(pg_stmt *s, int i, const char *value, bool own, Oid type, int format, int length)
{
    if (i < 1 || i > s->nparams) {
        if (own)
            aq__free((void *)value);
        return 0;
    }
    i--;
    if (s->owned[i])
        aq__free((void *)s->values[i]);
    s->values[i] = value;
    s->owned[i] = own;
    s->types[i] = type;
    s->formats[i] = format;
    s->lengths[i] = length;
    return 0;
}

static int db_bind_text(aq_db_stmt *st, int i, const char *text, bool copy)
{
    if (copy && text) {
        char *dup = aq__strdup(text);
        if (!dup)
            return AQ_DB_ERROR;
        return set_param(pst(st), i, dup, true, 0, 0, 0);
    }
    return set_param(pst(st), i, text, false, 0, 0, 0);
}

static int bind_printed(aq_db_stmt *st, int i, Oid type, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int bind_printed(aq_db_stmt *st, int i, Oid type, const char *fmt, ...)
{
    char *v = aq__malloc(32);
    if (!v)
        return AQ_DB_ERROR;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, 32, fmt, ap);
    va_end(ap);
    return set_param(pst(st), i, v, true, type, 0, 0);
}

static int db_bind_int64(aq_db_stmt *st, int i, int64_t v) { return bind_printed(st, i, OID_INT8, "%lld", (long long)v); }

static int db_bind_double(aq_db_stmt *st, int i, double v)
{
    if (isnan(v)) /* SQLite stores a NaN as NULL; so does this driver */
        return set_param(pst(st), i, NULL, false, OID_FLOAT8, 0, 0);
    if (isinf(v))
        return bind_printed(st, i, OID_FLOAT8, "%s", v > 0 ? "Infinity" : "-Infinity");
    return bind_printed(st, i, OID_FLOAT8, "%.17g", v);
}

static int db_bind_blob(aq_db_stmt *st, int i, const void *data, size_t n)
{
    return set_param(pst(st), i, data, false, OID_BYTEA, 1, (int)n);
}

static int db_bind_null(aq_db_stmt *st, int i) { return set_param(pst(st), i, NULL, false, 0, 0, 0); }
static int db_param_count(aq_db_stmt *st) { return pst(st)->nparams; }

/* Sends the statement with its parameters; keeps the rows. */
static int run(pg_stmt *s)
{
    pg_db *d = pdb(s->base.db);
    for (int i = 0; i < s->nparams; i++)
        if (!s->used[i])
            s->types[i] = OID_TEXT;
    PGresult *res;
    if (s->persistent && !s->prepared) {
        if (command_done(d, PQprepare(d->conn, s->name, s->sql, s->nparams, s->types)))
            return AQ_DB_ERROR;
        s->prepared = true;
    }
    if (s->persistent)
        res = PQexecPrepared(d->conn, s->name, s->nparams, s->values, s->lengths, s->formats, 0);
    else
        res = PQexecParams(d->conn, s->sql, s->nparams, s->types, s->values, s->lengths, s->formats, 0);
    if (answered(d, res)) {
        PQclear(res);
        return AQ_DB_ERROR;
    }
    s->res = res;
    s->row = -1;
    return 0;
}

static int db_step(aq_db_stmt *st)
{
    pg_stmt *s = pst(st);
    if (!s->res && run(s))
        return AQ_DB_ERROR;
    drop_blob(s);
    if (s->row < PQntuples(s->res))
        s->row++;
    return s->row < PQntuples(s->res) ? AQ_DB_ROW : AQ_DB_DONE;
}

/* Pipeline mode (libpq >= 14): every run is sent before any answer is
 * read, then one sync; the answers come back in order. The queries and
 * their answers (a command tag each) are small, so N in the thousands fits
 * the socket buffers without the non-blocking dance libpq's manual
 * describes for unbounded pipelines. */
/* The first column of RES's first row as an integer, 0 when none. */
static int64_t first_of(const PGresult *res)
{
    return PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0)
               ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
}

static int db_run_each(aq_db_stmt *st, size_t n, int (*bind)(aq_db_stmt *st, size_t k, void *arg), void *arg,
                       int64_t *changes, int64_t *first)
{
    pg_stmt *s = pst(st);
    pg_db *d = pdb(st->db);
    if (n == 0)
        return 0;
    /* Prepared (or typed) by an ordinary run of the first set, outside the
     * pipeline: its answer also tells whether the statement is sound. */
    int rc = bind(st, 0, arg);
    if (rc)
        return rc;
    if (run(s))
        return AQ_DB_ERROR;
    changes[0] = d->changes;
    if (first)
        first[0] = first_of(s->res);
    PQclear(s->res);
    s->res = NULL;
    if (n == 1)
        return 0;
    if (!PQenterPipelineMode(d->conn)) {
        set_error(d, AQ_DBE_OTHER, PQerrorMessage(d->conn));
        return AQ_DB_ERROR;
    }
    size_t sent = 0;
    for (size_t k = 1; k < n && rc == 0; k++) {
        if ((rc = bind(st, k, arg)) != 0)
            break;
        int ok = s->persistent
                     ? PQsendQueryPrepared(d->conn, s->name, s->nparams, s->values, s->lengths, s->formats, 0)
                     : PQsendQueryParams(d->conn, s->sql, s->nparams, s->types, s->values, s->lengths, s->formats, 0);
        if (!ok) {
            set_error(d, AQ_DBE_CONNECTION, PQerrorMessage(d->conn));
            rc = AQ_DB_ERROR;
            break;
        }
        sent++;
    }
    if (!PQpipelineSync(d->conn) && rc == 0) {
        set_error(d, AQ_DBE_CONNECTION, PQerrorMessage(d->conn));
        rc = AQ_DB_ERROR;
    }
    /* Read every answer, up to the sync's, whatever happened: the
     * connection must leave pipeline mode clean. */
    bool failed = false;
    for (size_t k = 1; k <= sent; k++) {
        PGresult *res = PQgetResult(d->conn);
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            changes[k] = strtoll(PQcmdTuples(res), NULL, 10);
            if (first)
                first[k] = first_of(res);
        } else if (!failed && status != PGRES_PIPELINE_ABORTED) {
            fail_result(d, res);
            failed = true;
        }
        PQclear(res);
        while ((res = PQgetResult(d->conn))) /* the NULL that ends each query's answer */
            PQclear(res);
    }
    for (PGresult *res; (res = PQgetResult(d->conn));) {
        bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
        if (sync)
            break;
    }
    PQexitPipelineMode(d->conn);
    if (failed && rc == 0)
        rc = AQ_DB_ERROR;
    if (rc == 0)
        d->cls = AQ_DBE_NONE;
    return rc;
}

/* ---- columns ---- */

static bool has_row(pg_stmt *s, int j)
{
    return s->res && s->row >= 0 && s->row < PQntuples(s->res) && j >= 0 && j < PQnfields(s->res);
}

static int db_column_count(aq_db_stmt *st) { return pst(st)->res ? PQnfields(pst(st)->res) : 0; }

static const char *db_column_name(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    return s->res && j >= 0 && j < PQnfields(s->res) ? PQfname(s->res, j) : "";
}

static aq_db_type type_of_oid(Oid oid)
{
    switch (oid) {
    case OID_BOOL: case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID: return AQ_DB_INTEGER;
    case OID_FLOAT4: case OID_FLOAT8: case OID_NUMERIC: return AQ_DB_FLOAT;
    case OID_BYTEA: return AQ_DB_BLOB;
    default: return AQ_DB_TEXT;
    }
}

static aq_db_type db_column_decl(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    return s->res && j >= 0 && j < PQnfields(s->res) ? type_of_oid(PQftype(s->res, j)) : AQ_DB_NULL;
}

static aq_db_type db_column_type(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    if (!has_row(s, j) || PQgetisnull(s->res, s->row, j))
        return AQ_DB_NULL;
    return type_of_oid(PQftype(s->res, j));
}

static const char *db_column_text(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    if (!has_row(s, j) || PQgetisnull(s->res, s->row, j))
        return NULL;
    return PQgetvalue(s->res, s->row, j);
}

/* Booleans come as t and f; SQLite's are 1 and 0. */
static double number_of(pg_stmt *s, int j)
{
    const char *v = db_column_text(&s->base, j);
    if (!v)
        return 0;
    if (PQftype(s->res, j) == OID_BOOL)
        return v[0] == 't';
    return strtod(v, NULL);
}

static int64_t db_column_int64(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    const char *v = db_column_text(st, j);
    if (!v)
        return 0;
    if (type_of_oid(PQftype(s->res, j)) == AQ_DB_INTEGER && PQftype(s->res, j) != OID_BOOL)
        return strtoll(v, NULL, 10);
    return (int64_t)number_of(s, j);
}

static double db_column_double(aq_db_stmt *st, int j) { return number_of(pst(st), j); }

static const void *db_column_blob(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    const char *v = db_column_text(st, j);
    if (!v || PQftype(s->res, j) != OID_BYTEA)
        return v;
    if (s->blob_row != s->row || s->blob_col != j) {
        drop_blob(s);
        s->blob = PQunescapeBytea((const unsigned char *)v, &s->blob_len);
        if (!s->blob)
            return NULL;
        s->blob_row = s->row;
        s->blob_col = j;
    }
    return s->blob;
}

static size_t db_column_bytes(aq_db_stmt *st, int j)
{
    pg_stmt *s = pst(st);
    if (!has_row(s, j) || PQgetisnull(s->res, s->row, j))
        return 0;
    if (PQftype(s->res, j) == OID_BYTEA)
        return db_column_blob(st, j) ? s->blob_len : 0;
    return (size_t)PQgetlength(s->res, s->row, j);
}

static const aq_db_driver pg_driver = {
    .backend = AQ_DB_POSTGRESQL,
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

int aq__db_pg_open(const char *url, bool readonly, aq_db **out)
{
    pg_db *d = aq__calloc(1, sizeof *d);
    *out = d ? &d->base : NULL;
    if (!d)
        return AQ_DB_ERROR;
    d->base.drv = &pg_driver;
    d->conn = PQconnectdb(url);
    if (!d->conn) {
        set_error(d, AQ_DBE_CONNECTION, "out of memory");
        return AQ_DB_ERROR;
    }
    if (PQstatus(d->conn) != CONNECTION_OK) {
        set_error(d, AQ_DBE_CONNECTION, PQerrorMessage(d->conn));
        return AQ_DB_ERROR;
    }
    PQsetNoticeProcessor(d->conn, ignore_notice, NULL);
    /* Text in and out is UTF-8 whatever the server's locale; a writer
     * waits for another up to 10 s, as SQLite's busy timeout. */
    if (db_exec(&d->base, "SET client_encoding = 'UTF8'; SET lock_timeout = '10s';"
                          " SET standard_conforming_strings = on; SET extra_float_digits = 3"))
        return AQ_DB_ERROR;
    if (readonly && db_exec(&d->base, "SET default_transaction_read_only = on"))
        return AQ_DB_ERROR;
    return 0;
}
