/*
 * import_obs.c -- the observations of one import, written row by row of
 * the file with every duplicate found and reported by its line.
 *
 * A file row gives one value (long shape) or several (wide). The values of
 * a row are all stored or, when one of them repeats a unit, indicator and
 * period seen earlier in the file, none: the row is rejected and what it
 * had stored is taken back. The primary key finds the repeat (INSERT ... ON
 * CONFLICT DO NOTHING changes no row), so no table of every key seen grows
 * with the file.
 *
 * SQLite answers each insert in microseconds, so rows are written as they
 * end. A PostgreSQL server answers each in a round trip, so rows are kept
 * until a batch of values is full and then sent in one pipeline inside a
 * savepoint. Repeats are rare (each one rejects the import unless the user
 * skips bad rows): when the batch changed one row per value, it stands;
 * otherwise it is rolled back to the savepoint and written row by row as
 * on SQLite, so that what is stored and rejected is exactly the same on
 * both engines.
 *
 * Foreign keys: the import resolved every unit, indicator and dataset id
 * itself, in this transaction, so checking them again for each value is
 * waste: SQLite's are off during an import (store_import.c), and on
 * PostgreSQL, where they are triggers that took 70 % of an import's time
 * (bench/results/postgresql-2026-11-27.md), a batch runs with
 * session_replication_role = replica when the role may set it (a
 * superuser, or granted SET on it since PostgreSQL 15), set back to origin
 * before the savepoint is released. A batch written in turn keeps them.
 */
#include "import.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OBS_BATCH = 2000 }; /* values per pipeline; answers stay well inside socket buffers */

typedef struct {
    int64_t unit, ind;
    char period[16];
    double value;
    char *flags;        /* owned; NULL for none */
    size_t row;         /* of the table being imported */
    const char *column; /* the table's column name (wide), or NULL (long) */
} obs_value;

struct aq__obs {
    aq__import *im;
    const char *table;
    aq_db_stmt *ins;
    obs_value *v;
    size_t n, cap;
    size_t reject_mark; /* rejects before the batch's first value */
    size_t last_row;    /* of the newest value */
    bool batched;       /* PostgreSQL: rows wait for a full batch */
    bool skip_fk;       /* PostgreSQL: batches may run without foreign-key triggers */
    int64_t *changes;
};

/* May this PostgreSQL role set session_replication_role? Asked rather than
 * tried, so that a refusal leaves no error in the server's log. */
static bool may_skip_fk(aq_store *s)
{
    int64_t yes = 0;
    if (aq__store_int(s, &yes, "store", "SELECT current_setting('is_superuser') = 'on'", "") == AQ_OK && yes)
        return true;
    /* has_parameter_privilege is PostgreSQL 15's: asked only where it
     * exists (a failed statement would abort the import's transaction) */
    if (aq__store_int(s, &yes, "store", "SELECT count(*) FROM pg_proc WHERE proname = 'has_parameter_privilege'", "") ||
        !yes)
        return false;
    return aq__store_int(s, &yes, "store", "SELECT has_parameter_privilege('session_replication_role', 'SET')", "") ==
               AQ_OK && yes;
}

int aq__obs_open(aq__import *im, const char *table, aq__obs **out)
{
    aq__obs *b = aq__xcalloc(im->ctx, 1, sizeof *b);
    if (!b)
        return AQ_ENOMEM;
    b->im = im;
    b->table = table;
    b->batched = aq__db_backend(im->s->db) == AQ_DB_POSTGRESQL;
    char sql[160];
    snprintf(sql, sizeof sql, "INSERT INTO %s(unit_id, indicator_id, period, dataset_id, value, flags)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING", table);
    int rc = aq__store_prepare_persistent(im->s, sql, &b->ins);
    if (rc == AQ_OK && aq__db_bind_int64(b->ins, 4, im->dataset_id))
        rc = aq__oom(im->ctx);
    if (rc == AQ_OK && b->batched && !(b->changes = aq__xcalloc(im->ctx, OBS_BATCH + 64, sizeof *b->changes)))
        rc = AQ_ENOMEM;
    b->skip_fk = rc == AQ_OK && b->batched && may_skip_fk(im->s);
    if (rc) {
        aq__obs_close(b);
        return rc;
    }
    *out = b;
    return AQ_OK;
}

static void drop_values(aq__obs *b)
{
    for (size_t k = 0; k < b->n; k++)
        aq__free(b->v[k].flags);
    b->n = 0;
}

void aq__obs_close(aq__obs *b)
{
    if (!b)
        return;
    drop_values(b);
    aq__db_finalize(b->ins);
    aq__free(b->v);
    aq__free(b->changes);
    aq__free(b);
}

static int bind_value(aq_db_stmt *st, size_t k, void *arg)
{
    const aq__obs *b = arg;
    const obs_value *v = &b->v[k];
    if (aq__db_bind_int64(st, 1, v->unit) || aq__db_bind_int64(st, 2, v->ind) ||
        aq__db_bind_text(st, 3, v->period) || aq__db_bind_double(st, 5, v->value) ||
        aq__db_bind_text(st, 6, v->flags)) /* ?4, the dataset, is bound once at open */
        return AQ_DB_ERROR;
    return 0;
}

/* Takes back the values FROM..TO-1 of a rejected row, which were stored. */
static int take_back(aq__obs *b, size_t from, size_t to)
{
    if (from == to)
        return AQ_OK;
    aq__import *im = b->im;
    char sql[160];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE indicator_id = ?1 AND period = ?2 AND unit_id = ?3 AND dataset_id = ?4",
             b->table);
    aq_db_stmt *del;
    int rc = aq__store_prepare(im->s, sql, &del);
    for (size_t k = from; k < to && rc == AQ_OK; k++) {
        aq__db_bind_int64(del, 1, b->v[k].ind);
        aq__db_bind_text(del, 2, b->v[k].period);
        aq__db_bind_int64(del, 3, b->v[k].unit);
        aq__db_bind_int64(del, 4, im->dataset_id);
        if (aq__db_step(del) != AQ_DB_DONE)
            rc = aq__store_fail(im->s, "cannot undo a rejected row");
        aq__db_reset(del);
        im->res->observations--;
    }
    aq__db_finalize(del);
    return rc;
}

static int reject_repeat(aq__obs *b, const obs_value *v)
{
    aq__import *im = b->im;
    char cbuf[64];
    const char *ucode = aq__role_text(im, AQ_ROLE_CODE, v->row, cbuf, sizeof cbuf);
    return aq__reject_row(im, v->row, v->column,
                          "duplicate: unit, indicator and period %s appear earlier in the file (unit '%s'; "
                          "expected one row per unit, indicator and period)",
                          v->period, ucode ? ucode : "?");
}

/* Stores value K by itself; *STORED is false when its key was there. */
static int insert_one(aq__obs *b, size_t k, bool *stored)
{
    aq__import *im = b->im;
    if (bind_value(b->ins, k, b))
        return aq__oom(im->ctx);
    int step = aq__db_step(b->ins);
    aq__db_reset(b->ins);
    if (step != AQ_DB_DONE)
        return aq__store_fail(im->s, "cannot store an observation");
    *stored = aq__db_changes(im->s->db) > 0;
    return AQ_OK;
}

/* Writes the held values one at a time, row by row: a repeat rejects its
 * row and takes back the row's values stored before it. */
static int write_in_turn(aq__obs *b)
{
    aq__import *im = b->im;
    int rc = AQ_OK;
    size_t first = 0;
    bool skip = false;
    for (size_t k = 0; k < b->n && rc == AQ_OK; k++) {
        if (k == 0 || b->v[k].row != b->v[k - 1].row) {
            first = k;
            skip = false;
        }
        bool stored = false;
        if (skip || (rc = insert_one(b, k, &stored)) != AQ_OK)
            continue;
        if (stored) {
            im->res->observations++;
            continue;
        }
        if ((rc = reject_repeat(b, &b->v[k])) == AQ_OK)
            rc = take_back(b, first, k);
        skip = true;
    }
    return rc;
}

/* The rejects from MARK on are two runs in row order: those found while
 * the rows were read (MARK..MID) and the repeats found when they were
 * written (MID..). Merged, they read in file order, as on SQLite, where
 * each row is written as it ends. */
static int merge_rejects(aq__import *im, size_t mark, size_t mid)
{
    size_t n = im->nrejects - mark;
    if (mid == mark || mid == im->nrejects)
        return AQ_OK;
    aq__reject *tmp = aq__xcalloc(im->ctx, n, sizeof *tmp);
    if (!tmp)
        return AQ_ENOMEM;
    size_t a = mark, c = mid, k = 0;
    while (a < mid || c < im->nrejects)
        tmp[k++] = c == im->nrejects || (a < mid && im->rejects[a].row <= im->rejects[c].row) ? im->rejects[a++]
                                                                                           : im->rejects[c++];
    memcpy(im->rejects + mark, tmp, n * sizeof *tmp);
    aq__free(tmp);
    return AQ_OK;
}

/* Writes the held values: on PostgreSQL in one pipeline when the batch
 * holds no repeat, else (and on SQLite) in turn. */
static int flush(aq__obs *b)
{
    aq__import *im = b->im;
    if (b->n == 0)
        return AQ_OK;
    int rc = AQ_OK;
    if (!b->batched) {
        rc = write_in_turn(b);
        drop_values(b);
        return rc;
    }
    if ((rc = aq__store_exec(im->s, b->skip_fk ? "SAVEPOINT aq_obs; SET LOCAL session_replication_role = replica"
                                               : "SAVEPOINT aq_obs")) != AQ_OK)
        return rc;
    bool whole = aq__db_run_each(b->ins, b->n, bind_value, b, b->changes, NULL) == 0;
    for (size_t k = 0; whole && k < b->n; k++)
        whole = b->changes[k] == 1;
    if (whole) {
        im->res->observations += b->n;
        rc = aq__store_exec(im->s, b->skip_fk ? "SET LOCAL session_replication_role = origin; RELEASE aq_obs"
                                              : "RELEASE aq_obs");
    } else if ((rc = aq__store_exec(im->s, "ROLLBACK TO aq_obs; RELEASE aq_obs")) == AQ_OK) {
        /* a repeat, or a failure that the writing in turn will name */
        size_t mid = im->nrejects;
        if ((rc = write_in_turn(b)) == AQ_OK)
            rc = merge_rejects(im, b->reject_mark, mid);
    }
    drop_values(b);
    return rc;
}

int aq__obs_add(aq__obs *b, size_t row, const char *column, int64_t unit, int64_t ind, const char *period,
                double value, const char *flags)
{
    aq__import *im = b->im;
    if (aq__grow(im->ctx, (void **)&b->v, &b->cap, b->n + 1, sizeof *b->v))
        return AQ_ENOMEM;
    if (b->n == 0)
        b->reject_mark = im->nrejects;
    obs_value *v = &b->v[b->n];
    *v = (obs_value){.unit = unit, .ind = ind, .value = value, .row = row, .column = column};
    b->last_row = row;
    size_t plen = strnlen(period, sizeof v->period - 1); /* periods are normalised: at most 10 bytes */
    memcpy(v->period, period, plen);
    v->period[plen] = '\0';
    if (flags && !(v->flags = aq__strdup(flags)))
        return aq__oom(im->ctx);
    b->n++;
    return AQ_OK;
}

int aq__obs_row_end(aq__obs *b)
{
    int rc = !b->batched || b->n >= OBS_BATCH ? flush(b) : AQ_OK;
    /* Everything held is written: a staged import may commit here. */
    return rc == AQ_OK && b->n == 0 ? aq__import_checkpoint(b->im, b->last_row) : rc;
}

int aq__obs_finish(aq__obs *b) { return flush(b); }
