/*
 * db.c -- picks the driver for a target and forwards every call to it
 * (db.h has the contract, db_sqlite.c and db_pg.c the engines).
 */
#include "db_driver.h"

#include <string.h>

bool aq__db_is_url(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

int aq__db_open(const char *target, bool readonly, bool create, aq_db **out)
{
    if (aq__db_is_url(target))
        return aq__db_pg_open(target, readonly, out);
    return aq__db_sqlite_open(target, readonly, create, out);
}

void aq__db_close(aq_db *db)
{
    if (db)
        db->drv->close(db);
}

aq_db_backend aq__db_backend(const aq_db *db) { return db->drv->backend; }
int aq__db_exec(aq_db *db, const char *sql) { return db->drv->exec(db, sql); }
int aq__db_begin_write(aq_db *db) { return db->drv->begin_write(db); }
bool aq__db_in_transaction(aq_db *db) { return db->drv->in_transaction(db); }
int64_t aq__db_changes(aq_db *db) { return db->drv->changes(db); }
const char *aq__db_errmsg(aq_db *db) { return db->drv->errmsg(db); }
aq_db_errclass aq__db_errclass(aq_db *db) { return db->drv->errclass(db); }
int aq__db_sys_errno(aq_db *db) { return db->drv->sys_errno(db); }

int aq__db_prepare(aq_db *db, const char *sql, bool persistent, aq_db_stmt **out)
{
    return db->drv->prepare(db, sql, persistent, out);
}

void aq__db_finalize(aq_db_stmt *st)
{
    if (st)
        st->db->drv->finalize(st);
}

void aq__db_reset(aq_db_stmt *st) { st->db->drv->reset(st, false); }
void aq__db_clear(aq_db_stmt *st) { st->db->drv->reset(st, true); }
void aq__db_rewind(aq_db_stmt *st) { st->db->drv->rewind(st); }
int aq__db_bind_text(aq_db_stmt *st, int i, const char *text) { return st->db->drv->bind_text(st, i, text, false); }
int aq__db_bind_text_copy(aq_db_stmt *st, int i, const char *text) { return st->db->drv->bind_text(st, i, text, true); }
int aq__db_bind_int64(aq_db_stmt *st, int i, int64_t v) { return st->db->drv->bind_int64(st, i, v); }
int aq__db_bind_double(aq_db_stmt *st, int i, double v) { return st->db->drv->bind_double(st, i, v); }
int aq__db_bind_blob(aq_db_stmt *st, int i, const void *data, size_t n) { return st->db->drv->bind_blob(st, i, data, n); }
int aq__db_bind_null(aq_db_stmt *st, int i) { return st->db->drv->bind_null(st, i); }
int aq__db_param_count(aq_db_stmt *st) { return st->db->drv->param_count(st); }
int aq__db_step(aq_db_stmt *st) { return st->db->drv->step(st); }
int aq__db_run_each(aq_db_stmt *st, size_t n, int (*bind)(aq_db_stmt *st, size_t k, void *arg), void *arg,
                    int64_t *changes, int64_t *first)
{
    return st->db->drv->run_each(st, n, bind, arg, changes, first);
}
int aq__db_column_count(aq_db_stmt *st) { return st->db->drv->column_count(st); }
const char *aq__db_column_name(aq_db_stmt *st, int j) { return st->db->drv->column_name(st, j); }
aq_db_type aq__db_column_type(aq_db_stmt *st, int j) { return st->db->drv->column_type(st, j); }
aq_db_type aq__db_column_decl(aq_db_stmt *st, int j) { return st->db->drv->column_decl(st, j); }
const char *aq__db_column_text(aq_db_stmt *st, int j) { return st->db->drv->column_text(st, j); }
int64_t aq__db_column_int64(aq_db_stmt *st, int j) { return st->db->drv->column_int64(st, j); }
double aq__db_column_double(aq_db_stmt *st, int j) { return st->db->drv->column_double(st, j); }
const void *aq__db_column_blob(aq_db_stmt *st, int j) { return st->db->drv->column_blob(st, j); }
size_t aq__db_column_bytes(aq_db_stmt *st, int j) { return st->db->drv->column_bytes(st, j); }
