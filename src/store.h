/* store.h -- internals of the store shared by store*.c, ws_*.c and the
 * other files that read or write it through the SQL driver (db.h). */
#ifndef AQ_STORE_H
#define AQ_STORE_H

#include "aq_int.h"

#include "db.h"

enum { AQ_STMT_CACHE = 16 };

struct aq_store {
    aq_ctx *ctx;
    aq_db *db;
    char *path;  /* the file, or the PostgreSQL URI with any password masked */
    int version;
    bool readonly;
    /* Statements of the hot read paths, prepared once per handle (the
     * server asks the same few queries thousands of times a second). */
    struct {
        char *sql;
        aq_db_stmt *st;
    } cache[AQ_STMT_CACHE];
    unsigned cache_next;
    char client[64];  /* who is acting through this handle (the server's
                         caller's address), for audit records; "" = none */
    long long results_cap; /* results kept per account: 0 = the default
                              (AQ_WS_RESULTS_CAP), -1 = no cap */
};

/* SQL that keeps the values of live datasets only, for observations under
 * ALIAS: a staged import writes its values before its dataset is whole
 * (import_stage.c), and no reader may see them until it is. */
#define AQ__LIVE_VALUES(alias) " AND " alias ".dataset_id NOT IN (SELECT id FROM datasets WHERE status <> 'live')"
/* (Indicators such an import creates are marked staged_by until then, and
 * listings and selections leave them out.) */

/* The schema's migrations for BACKEND (store_schema.c): element N takes a
 * store from version N to N+1; *N is the current version. */
const char *const *aq__store_migrations(aq_db_backend backend, size_t *n);
/* Runs SQL that returns no rows; on failure sets an AQ_ESTORE error that
 * quotes the engine's message. */
int aq__store_exec(aq_store *s, const char *sql);
/* Prepares SQL, reporting failures on the context. */
int aq__store_prepare(aq_store *s, const char *sql, aq_db_stmt **st);
/* Like aq__store_prepare, for a statement run many times before it is
 * finalized (an import's inserts): on PostgreSQL it is planned once. */
int aq__store_prepare_persistent(aq_store *s, const char *sql, aq_db_stmt **st);
/* Like aq__store_prepare, but the statement is prepared once per store
 * handle and handed back again on later calls with the same SQL text.
 * The caller does not finalize it: it calls aq__store_release when done.
 * Not for statements used while another use of the same SQL is open. */
int aq__store_cached(aq_store *s, const char *sql, aq_db_stmt **st);
/* Resets a cached statement and clears its bindings. */
void aq__store_release(aq_db_stmt *st);
/* Runs SQL that returns no rows, its parameters ?1, ?2, ... bound from the
 * arguments after TYPES, one letter each: 't' text (const char *; NULL
 * binds NULL), 'i' integer (long long). A failure's message starts with
 * WHAT. Returns AQ_OK or the error; aq__db_changes tells the rows changed. */
int aq__store_run(aq_store *s, const char *what, const char *sql, const char *types, ...);
/* Like aq__store_run for SQL that returns a row: *OUT gets its first
 * column as an integer (true is 1). No row is an error too. */
int aq__store_int(aq_store *s, int64_t *out, const char *what, const char *sql, const char *types, ...);
/* Steps ST: true while it gives a row; false when done, or on a failure,
 * which also sets *RC (and the context's error) from the engine's message:
 * a loop over rows ends the same way for both, and the caller tells them
 * apart by *RC. Written for `while (rc == AQ_OK && aq__store_row(s, st, &rc))`. */
bool aq__store_row(aq_store *s, aq_db_stmt *st, int *rc);
/* Sets the context error from the engine's last message, prefixed by WHAT. */
int aq__store_fail(aq_store *s, const char *what);
/* Writes the UTC time OFFSET seconds from now as the store writes times:
 * 2026-11-27T12:00:00Z, or with milliseconds (12:00:00.123Z) when MILLIS.
 * Times are made here rather than by SQL, whose clock functions differ
 * between the engines. */
void aq__store_now(char *buf, size_t size, int offset, bool millis);
/* Runs a query and returns its rows as a table (columns typed from the
 * first non-NULL value of each: numbers or text; BLOBs become geometries
 * when the column is named geom). Bind text parameters from ARGS (NULL-
 * terminated; a NULL entry in the middle binds NULL is not supported). */
int aq__store_query_table(aq_store *s, const char *sql, const char *const *args, aq_table **out);
/* One page of the query SQL (which orders its rows; its parameters are
 * ?1..?N, N at most 14): the rows after the first OFFSET, at most LIMIT
 * (0 = all of them), and in *TOTAL (when not NULL) the number of rows of
 * the whole query (a second statement: outside a transaction, a change
 * between the two may make them disagree by its rows). */
int aq__store_query_page(aq_store *s, const char *sql, const char *const *args, size_t offset, size_t limit,
                         aq_table **out, long long *total);

/* A query read twice (count the rows, then fill a table sized by the
 * count) must see one snapshot. On SQLite every run of a statement outside
 * a transaction reads the newest commit, so a writer committing between the
 * two passes (an approval while the server draws a map) once made the
 * second pass longer than the table the first one sized. Outside a
 * transaction this opens a deferred one on SQLite, which holds one read
 * snapshot until aq__store_snapshot_end; PostgreSQL rewinds its held result
 * and needs none. Returns whether it opened one, for aq__store_snapshot_end. */
bool aq__store_snapshot_begin(aq_store *s);
void aq__store_snapshot_end(aq_store *s, bool began);

/* Units at a dataset horizon (store_history.c). *CHANGED is whether any
 * unit was added or changed by a dataset above HORIZON: if not, units as
 * they are now are the units at HORIZON, and readers use the table. */
int aq__units_changed_after(aq_store *s, long long horizon, bool *changed);
/* Appends to SQL a parenthesised subquery with the columns of units (id,
 * code, parent, level, kind, name_kk, name_ru, name_en, valid_from,
 * valid_to, classifier, crs, geom) as they were at the horizon H, the SQL
 * text of an integer ("?4", or "CAST(? AS BIGINT)", which then takes
 * AQ_UNITS_AT_ARGS arguments): one row per unit that existed then. */
enum { AQ_UNITS_AT_ARGS = 2 };
void aq__units_at(aq_buf *sql, const char *h);
/* The same units' (code, parent) only, for a recursive walk of the
 * hierarchy at H: the body of a MATERIALIZED CTE, which the engines index
 * by parent (AQ_UNIT_TREE_AT_ARGS uses of H). */
enum { AQ_UNIT_TREE_AT_ARGS = 4 };
void aq__unit_tree_at(aq_buf *sql, const char *h);

#endif
