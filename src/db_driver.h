/*
 * db_driver.h -- what a driver under db.h provides: a table of functions
 * that db.c dispatches to. Each driver embeds struct aq_db / aq_db_stmt
 * at the start of its own handle types.
 */
#ifndef AQ_DB_DRIVER_H
#define AQ_DB_DRIVER_H

#include "db.h"

typedef struct aq_db_driver {
    aq_db_backend backend;
    void (*close)(aq_db *db);
    int (*exec)(aq_db *db, const char *sql);
    int (*begin_write)(aq_db *db);
    bool (*in_transaction)(aq_db *db);
    int64_t (*changes)(aq_db *db);
    const char *(*errmsg)(aq_db *db);
    aq_db_errclass (*errclass)(aq_db *db);
    int (*sys_errno)(aq_db *db);
    int (*prepare)(aq_db *db, const char *sql, bool persistent, aq_db_stmt **out);
    void (*finalize)(aq_db_stmt *st);
    void (*reset)(aq_db_stmt *st, bool clear);
    void (*rewind)(aq_db_stmt *st);
    int (*bind_text)(aq_db_stmt *st, int i, const char *text, bool copy);
    int (*bind_int64)(aq_db_stmt *st, int i, int64_t v);
    int (*bind_double)(aq_db_stmt *st, int i, double v);
    int (*bind_blob)(aq_db_stmt *st, int i, const void *data, size_t n);
    int (*bind_null)(aq_db_stmt *st, int i);
    int (*param_count)(aq_db_stmt *st);
    int (*step)(aq_db_stmt *st);
    int (*run_each)(aq_db_stmt *st, size_t n, int (*bind)(aq_db_stmt *st, size_t k, void *arg), void *arg,
                    int64_t *changes, int64_t *first);
    int (*column_count)(aq_db_stmt *st);
    const char *(*column_name)(aq_db_stmt *st, int j);
    aq_db_type (*column_type)(aq_db_stmt *st, int j);
    aq_db_type (*column_decl)(aq_db_stmt *st, int j);
    const char *(*column_text)(aq_db_stmt *st, int j);
    int64_t (*column_int64)(aq_db_stmt *st, int j);
    double (*column_double)(aq_db_stmt *st, int j);
    const void *(*column_blob)(aq_db_stmt *st, int j);
    size_t (*column_bytes)(aq_db_stmt *st, int j);
} aq_db_driver;

struct aq_db {
    const aq_db_driver *drv;
};

struct aq_db_stmt {
    aq_db *db;
};

/* Each driver's open; db.c picks one by the target's form. */
int aq__db_sqlite_open(const char *path, bool readonly, bool create, aq_db **out);
int aq__db_pg_open(const char *url, bool readonly, aq_db **out);

#endif
