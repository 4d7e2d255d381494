/*
 * db.h -- the SQL engines under the store, behind one small interface.
 *
 * The store (store*.c, ws_*.c, import_units.c, match.c, check_store.c)
 * speaks SQL through this interface only. Two drivers implement it:
 * db_sqlite.c (a file; the embedded default) and db_pg.c (a PostgreSQL
 * server through libpq, for a shared deployment). A target that starts
 * with postgresql:// or postgres:// is a PostgreSQL connection URI;
 * anything else is a file path.
 *
 * The model is SQLite's, because that is what the store was written
 * against: prepare, bind, step row by row, read columns, reset. SQL text
 * uses SQLite's parameter markers ?N (or ?); the PostgreSQL driver turns
 * them into $N. SQL that must differ between the engines is asked of the
 * driver (aq__db_begin_write) or chosen with aq__db_backend(); everything
 * else is written once, in the dialect both accept (docs/postgresql.md).
 *
 * Errors: functions that can fail return AQ_DB_ERROR (steps) or non-zero,
 * and the handle keeps the engine's message and a class (aq_db_errclass)
 * until the next call; the store turns them into aq_ctx errors
 * (aq__store_fail). Nothing here prints or touches an aq_ctx.
 *
 * Threads: a handle and its statements belong to one thread at a time.
 */
#ifndef AQ_DB_H
#define AQ_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct aq_db aq_db;
typedef struct aq_db_stmt aq_db_stmt;

typedef enum { AQ_DB_SQLITE, AQ_DB_POSTGRESQL } aq_db_backend;

/* What aq__db_step returns. */
enum { AQ_DB_ERROR = 1, AQ_DB_ROW = 100, AQ_DB_DONE = 101 };

/* The type of a column's value in the current row (or, from
 * aq__db_column_decl, the declared type; AQ_DB_NULL = not known). */
typedef enum { AQ_DB_NULL, AQ_DB_INTEGER, AQ_DB_FLOAT, AQ_DB_TEXT, AQ_DB_BLOB } aq_db_type;

/* What kind of failure the last error was, engine-independent. */
typedef enum {
    AQ_DBE_NONE,
    AQ_DBE_OTHER,
    AQ_DBE_CONSTRAINT, /* unique, primary or foreign key, CHECK, a RAISE/RAISE EXCEPTION trigger */
    AQ_DBE_BUSY,       /* another writer held the lock past the timeout; a deadlock */
    AQ_DBE_FULL,       /* the disk is full */
    AQ_DBE_READONLY,   /* the file, database or transaction is read-only */
    AQ_DBE_IO,         /* an I/O error */
    AQ_DBE_NOTADB,     /* the file is not a database of this engine */
    AQ_DBE_CONNECTION, /* the server cannot be reached or closed the connection */
    AQ_DBE_CORRUPT,    /* the database file is damaged (SQLite: malformed) */
} aq_db_errclass;

/* True when TARGET names a PostgreSQL database (postgresql:// or
 * postgres://) rather than a file. */
bool aq__db_is_url(const char *target);

/* Opens TARGET (see above). READONLY opens for reading only (SQLite: the
 * file read-only; PostgreSQL: read-only transactions). CREATE makes a
 * missing SQLite file (ignored for PostgreSQL). An SQLite file opened
 * READONLY in a directory this process may not write, with no write-ahead
 * log beside it, is opened immutable: SQLite would otherwise need to make
 * the -shm file there, and a store on read-only media could not even be
 * read. Always sets *OUT, except
 * when out of memory (then *OUT is NULL), so that a failure's message can
 * be read with aq__db_errmsg; the caller closes it either way. Returns 0 or
 * AQ_DB_ERROR. */
int aq__db_open(const char *target, bool readonly, bool create, aq_db **out);
/* Closes the connection; statements must be finalized first. NULL is ok. */
void aq__db_close(aq_db *db);
aq_db_backend aq__db_backend(const aq_db *db);

/* Runs SQL that binds nothing and returns no rows; it may hold several
 * statements separated by semicolons. Returns 0 or AQ_DB_ERROR. */
int aq__db_exec(aq_db *db, const char *sql);
/* Starts the one write transaction at a time: SQLite's BEGIN IMMEDIATE;
 * on PostgreSQL, BEGIN and a transaction-scoped advisory lock that every
 * aimaq writer takes, so read-then-write paths stay serial as on SQLite.
 * Waits up to 10 s for another writer (then AQ_DBE_BUSY). End it with
 * aq__db_exec(db, "COMMIT") or "ROLLBACK". */
int aq__db_begin_write(aq_db *db);
/* True inside a transaction (BEGIN without its COMMIT or ROLLBACK yet). */
bool aq__db_in_transaction(aq_db *db);
/* Rows inserted, changed or deleted by the last statement run. */
int64_t aq__db_changes(aq_db *db);

/* The last error's message (never NULL; "" when none) and class; and, for
 * SQLite, the operating system's errno behind an I/O failure (0 when none
 * or on PostgreSQL). */
const char *aq__db_errmsg(aq_db *db);
aq_db_errclass aq__db_errclass(aq_db *db);
int aq__db_sys_errno(aq_db *db);

/* Compiles one SQL statement. PERSISTENT hints that it will be run many
 * times over the handle's life (SQLite: SQLITE_PREPARE_PERSISTENT;
 * PostgreSQL: a server-side prepared statement, planned once). Returns 0
 * (with *OUT set) or AQ_DB_ERROR (with *OUT NULL). */
int aq__db_prepare(aq_db *db, const char *sql, bool persistent, aq_db_stmt **out);
/* Frees a statement. NULL is ok. */
void aq__db_finalize(aq_db_stmt *st);
/* Makes the next step run the statement again from the start, with the
 * same bindings. */
void aq__db_reset(aq_db_stmt *st);
/* aq__db_reset, and every parameter back to NULL. */
void aq__db_clear(aq_db_stmt *st);
/* Goes back to before the first row of what the last run returned, so the
 * rows can be read again: a re-run on SQLite (same snapshot inside a
 * transaction), the held result on PostgreSQL (no second query). */
void aq__db_rewind(aq_db_stmt *st);

/* Binds parameter I (1-based; ?I in the SQL). Binding past the
 * statement's parameter count is ignored. aq__db_bind_text does not copy:
 * TEXT must stay valid until the statement is reset, rebound or finalized;
 * aq__db_bind_text_copy copies. NULL TEXT binds NULL. A NaN double binds
 * NULL (as SQLite stores it). Return 0 or AQ_DB_ERROR (out of memory). */
int aq__db_bind_text(aq_db_stmt *st, int i, const char *text);
int aq__db_bind_text_copy(aq_db_stmt *st, int i, const char *text);
int aq__db_bind_int64(aq_db_stmt *st, int i, int64_t v);
int aq__db_bind_double(aq_db_stmt *st, int i, double v);
int aq__db_bind_blob(aq_db_stmt *st, int i, const void *data, size_t n); /* not copied, as bind_text */
int aq__db_bind_null(aq_db_stmt *st, int i);
/* The number of parameters (the highest ?N) the statement takes. */
int aq__db_param_count(aq_db_stmt *st);

/* Runs the statement on the first call after prepare or reset, then
 * moves to the next row: AQ_DB_ROW while there is one, then AQ_DB_DONE;
 * AQ_DB_ERROR on failure (message on the handle). */
int aq__db_step(aq_db_stmt *st);

/* Runs ST once for each of N sets of parameters: BIND(ST, K, ARG) binds set
 * K before its run; CHANGES[K] gets the rows that run changed, and FIRST[K]
 * (when FIRST is not NULL) the first column of the first row it returned
 * as an integer (an INSERT ... RETURNING id's id), 0 when none. On
 * PostgreSQL the runs are pipelined:
 * sent together and answered together, one round trip instead of N. On
 * SQLite they simply run in turn. Returns 0, AQ_DB_ERROR with the first
 * failure's message (later runs may not have happened; roll back), or
 * BIND's non-zero return. */
int aq__db_run_each(aq_db_stmt *st, size_t n, int (*bind)(aq_db_stmt *st, size_t k, void *arg), void *arg,
                    int64_t *changes, int64_t *first);

/* The current row's columns (0-based). Text and blob pointers stay valid
 * until the next step, reset or finalize. column_text of NULL is NULL;
 * numbers come as text in their usual form (12, 3.5). */
int aq__db_column_count(aq_db_stmt *st);
const char *aq__db_column_name(aq_db_stmt *st, int j);
aq_db_type aq__db_column_type(aq_db_stmt *st, int j);
/* The column's declared type when the engine knows it (a table column on
 * SQLite; every column on PostgreSQL), else AQ_DB_NULL. */
aq_db_type aq__db_column_decl(aq_db_stmt *st, int j);
const char *aq__db_column_text(aq_db_stmt *st, int j);
int64_t aq__db_column_int64(aq_db_stmt *st, int j);
double aq__db_column_double(aq_db_stmt *st, int j);
const void *aq__db_column_blob(aq_db_stmt *st, int j);
size_t aq__db_column_bytes(aq_db_stmt *st, int j);

#endif
