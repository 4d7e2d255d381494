/* store.h -- internals of the SQLite store shared by store*.c. */
#ifndef AQ_STORE_H
#define AQ_STORE_H

#include "aq_int.h"

#include <sqlite3.h>

enum { AQ_STMT_CACHE = 16 };

struct aq_store {
    aq_ctx *ctx;
    sqlite3 *db;
    char *path;
    int version;
    bool readonly;
    /* Statements of the hot read paths, prepared once per handle (the
     * server asks the same few queries thousands of times a second). */
    struct {
        char *sql;
        sqlite3_stmt *st;
    } cache[AQ_STMT_CACHE];
    unsigned cache_next;
    char client[64];  /* who is acting through this handle (the server's
                         caller's address), for audit records; "" = none */
};

/* Runs SQL that returns no rows; on failure sets an AQ_ESTORE error that
 * quotes SQLite's message. */
int aq__store_exec(aq_store *s, const char *sql);
/* Prepares SQL, reporting failures on the context. */
int aq__store_prepare(aq_store *s, const char *sql, sqlite3_stmt **st);
/* Like aq__store_prepare, but the statement is prepared once per store
 * handle and handed back again on later calls with the same SQL text.
 * The caller does not finalize it: it calls aq__store_release when done.
 * Not for statements used while another use of the same SQL is open. */
int aq__store_cached(aq_store *s, const char *sql, sqlite3_stmt **st);
/* Resets a cached statement and clears its bindings. */
void aq__store_release(sqlite3_stmt *st);
/* Sets the context error from SQLite's last message, prefixed by WHAT. */
int aq__store_fail(aq_store *s, const char *what);
/* Runs a query and returns its rows as a table (columns typed from the
 * first non-NULL value of each: numbers or text; BLOBs become geometries
 * when the column is named geom). Bind text parameters from ARGS (NULL-
 * terminated; a NULL entry in the middle binds NULL is not supported). */
int aq__store_query_table(aq_store *s, const char *sql, const char *const *args, aq_table **out);

#endif
