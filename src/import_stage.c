/*
 * import_stage.c -- a staged import's short transactions: the commit
 * between two parts of the file, and the work on a dataset that no reader
 * sees yet (taking it away, giving it a newer id), done by groups of one
 * indicator and period, a few thousand values each.
 *
 * Why staged: a whole import in one transaction holds the writers' lock
 * for as long as it runs (20 s for 250 MB), and every login, logout and
 * edit of the server waits for it. A staged dataset is 'pending' without
 * a submission until its last transaction: readers count the values of
 * live datasets only (AQ__LIVE_VALUES), so they never see half of it, and
 * a server killed mid-import leaves a dataset that its next start removes
 * (aq_ws_jobs_recover).
 */
#include "import.h"

#include <stdio.h>
#include <string.h>

static long long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Commits the open transaction and begins the next after a pause in
 * which writers waiting for the lock take it (SQLite's waiters look every
 * 2 ms; PostgreSQL queues them on the lock and serves them first). */
static int next_transaction(aq_store *s)
{
    int rc = aq__store_exec(s, "COMMIT");
    if (rc)
        return rc;
    nanosleep(&(struct timespec){0, AQ_STAGE_PAUSE_MS * 1000000L}, NULL);
    return aq__db_begin_write(s->db) ? aq__store_fail(s, "cannot continue the import") : AQ_OK;
}

int aq__import_checkpoint(aq__import *im, size_t row)
{
    if (!im->staged || im->res->observations - im->obs_at_commit < AQ_STAGE_VALUES ||
        ms_since(&im->tx_start) < AQ_STAGE_MS)
        return AQ_OK;
    int rc = AQ_OK;
    if (im->stage && im->stage->progress)
        rc = im->stage->progress(im->s, im->stage->arg, im->dataset_id, im->res->rows_read + row + 1, im->rows_total);
    if (rc == AQ_OK)
        rc = next_transaction(im->s);
    if (rc == AQ_OK) {
        im->committed = true;
        im->obs_at_commit = im->res->observations;
        clock_gettime(CLOCK_MONOTONIC, &im->tx_start);
    }
    return rc;
}

typedef struct {
    int64_t ind;
    char period[16];
    int64_t n;
} group;

/* The (indicator, period) groups of DATASET's values in TABLE. */
static int groups_of(aq_store *s, const char *table, int64_t dataset, group **out, size_t *n)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT indicator_id, period, count(*) FROM %s WHERE dataset_id = ?1 GROUP BY indicator_id, period"
             " ORDER BY indicator_id, period",
             table);
    aq_db_stmt *st;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = aq__store_prepare(s, sql, &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, dataset);
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        if (aq__grow(s->ctx, (void **)out, &cap, *n + 1, sizeof **out)) {
            rc = AQ_ENOMEM;
            break;
        }
        group *g = &(*out)[(*n)++];
        g->ind = aq__db_column_int64(st, 0);
        snprintf(g->period, sizeof g->period, "%s", aq__db_column_text(st, 1) ? aq__db_column_text(st, 1) : "");
        g->n = aq__db_column_int64(st, 2);
    }
    aq__db_finalize(st);
    return rc;
}

/* Runs SQL over DATASET's values in TABLE in parts of about
 * AQ_STAGE_VALUES values: runs of (indicator, period) groups of one
 * indicator, bound as ?1 indicator, ?2 and ?3 the first and last period,
 * ?4 dataset, and ?5 = ARG when TYPES is "ittii". Each part is a
 * transaction of its own when CHUNKS, else in the caller's. (A group
 * alone would be one statement per period: thousands of round trips for a
 * long series of a few units.) */
static int each_group(aq_store *s, const char *table, int64_t dataset, const char *sql, const char *types,
                      int64_t arg, bool chunks)
{
    group *g;
    size_t n;
    int rc = groups_of(s, table, dataset, &g, &n);
    for (size_t k = 0; k < n && rc == AQ_OK;) {
        size_t last = k;
        int64_t values = g[k].n;
        while (last + 1 < n && g[last + 1].ind == g[k].ind && values + g[last + 1].n <= AQ_STAGE_VALUES)
            values += g[++last].n;
        if (chunks && aq__db_begin_write(s->db)) {
            rc = aq__store_fail(s, "cannot begin a part of the import");
            break;
        }
        rc = aq__store_run(s, "cannot move the staged values", sql, types, (long long)g[k].ind, g[k].period,
                           g[last].period, (long long)dataset, (long long)arg);
        if (chunks && rc == AQ_OK)
            rc = aq__store_exec(s, "COMMIT");
        else if (chunks)
            aq__db_exec(s->db, "ROLLBACK");
        if (chunks && rc == AQ_OK)
            nanosleep(&(struct timespec){0, AQ_STAGE_PAUSE_MS * 1000000L}, NULL);
        k = last + 1;
    }
    aq__free(g);
    return rc;
}

/* Its foreign key is checked by a scan of every
 * observation (there is no index on their dataset: imports are faster
 * without one), seconds on a big store: SQLite is told to skip the check
 * (this connection, for this statement), and on PostgreSQL the
 * transaction does not take the writers' lock, so the scan holds up
 * nobody (row locks are all a delete of an unseen row needs). */
int aq__stage_delete_dataset(aq_store *s, int64_t dataset)
{
    bool sqlite = aq__db_backend(s->db) == AQ_DB_SQLITE;
    int64_t fk = 0;
    int rc = sqlite ? aq__store_int(s, &fk, "cannot remove a dataset", "PRAGMA foreign_keys", "") : AQ_OK;
    if (rc == AQ_OK && sqlite && fk)
        rc = aq__store_exec(s, "PRAGMA foreign_keys=OFF");
    if (rc == AQ_OK && (rc = aq__store_exec(s, sqlite ? "BEGIN IMMEDIATE" : "BEGIN")) == AQ_OK) {
        rc = aq__store_run(s, "cannot remove a dataset", "DELETE FROM datasets WHERE id = ?1", "i", (long long)dataset);
        if (rc == AQ_OK)
            rc = aq__store_exec(s, "COMMIT");
        else
            aq__db_exec(s->db, "ROLLBACK");
    }
    if (sqlite && fk)
        aq__db_exec(s->db, "PRAGMA foreign_keys=ON");
    return rc;
}

int aq__stage_drop(aq_store *s, int64_t dataset)
{
    int rc = each_group(s, "observations", dataset,
                        "DELETE FROM observations WHERE indicator_id = ?1 AND period BETWEEN ?2 AND ?3 AND dataset_id = ?4",
                        "itti", 0,
                        true);
    if (rc == AQ_OK)
        rc = each_group(s, "pending_observations", dataset,
                        "DELETE FROM pending_observations WHERE indicator_id = ?1 AND period BETWEEN ?2 AND ?3"
                        " AND dataset_id = ?4", "itti", 0, true);
    if (rc == AQ_OK && aq__db_begin_write(s->db))
        return aq__store_fail(s, "cannot remove an unfinished import");
    if (rc)
        return rc;
    rc = aq__store_run(s, "cannot remove an unfinished import",
                       "DELETE FROM indicators WHERE staged_by = ?1"
                       " AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = indicators.id)"
                       " AND NOT EXISTS (SELECT 1 FROM pending_observations p WHERE p.indicator_id = indicators.id)",
                       "i", (long long)dataset);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot remove an unfinished import", "UPDATE indicators SET staged_by = NULL WHERE staged_by = ?1",
                           "i", (long long)dataset);
    if (rc == AQ_OK && (rc = aq__store_exec(s, "COMMIT")) == AQ_OK)
        return aq__stage_delete_dataset(s, dataset);
    aq__db_exec(s->db, "ROLLBACK");
    return rc;
}

int aq__stage_renumber(aq_store *s, int64_t *dataset, bool chunks)
{
    int64_t old = *dataset, id = 0;
    if (chunks && aq__db_begin_write(s->db))
        return aq__store_fail(s, "cannot renumber the import");
    int rc = aq__store_int(s, &id, "cannot renumber the import",
                           "INSERT INTO datasets(name, source, checksum, imported_at, imported_by, shape, rows_read,"
                           " rows_accepted, rows_rejected, status) SELECT name, source, checksum, imported_at, imported_by,"
                           " shape, rows_read, rows_accepted, rows_rejected, 'pending' FROM datasets WHERE id = ?1 RETURNING id",
                           "i", (long long)old);
    if (chunks) {
        if (rc == AQ_OK)
            rc = aq__store_exec(s, "COMMIT");
        else
            aq__db_exec(s->db, "ROLLBACK");
    }
    if (rc == AQ_OK)
        rc = each_group(s, "observations", old,
                        "UPDATE observations SET dataset_id = ?5 WHERE indicator_id = ?1 AND period BETWEEN ?2 AND ?3"
                        " AND dataset_id = ?4", "ittii", id, chunks);
    if (rc == AQ_OK && chunks && aq__db_begin_write(s->db))
        rc = aq__store_fail(s, "cannot renumber the import");
    else if (rc == AQ_OK) {
        rc = aq__store_run(s, "cannot renumber the import", "UPDATE indicators SET staged_by = ?2 WHERE staged_by = ?1",
                           "ii", (long long)old, (long long)id);
        if (rc == AQ_OK && !chunks) /* the caller's transaction holds the lock anyway */
            rc = aq__store_run(s, "cannot renumber the import", "DELETE FROM datasets WHERE id = ?1", "i", (long long)old);
        if (chunks && rc == AQ_OK && (rc = aq__store_exec(s, "COMMIT")) == AQ_OK)
            rc = aq__stage_delete_dataset(s, old);
        else if (chunks && rc)
            aq__db_exec(s->db, "ROLLBACK");
    }
    if (rc == AQ_OK)
        *dataset = id;
    return rc;
}

int aq__stage_reorder(aq_store *s, int64_t *dataset, bool *committed)
{
    for (int round = 0;; round++) {
        int64_t newer = 0;
        int rc = aq__store_int(s, &newer, "cannot finish the import", "SELECT count(*) FROM datasets WHERE id > ?1", "i",
                               (long long)*dataset);
        if (rc || !newer)
            return rc;
        if (round == 3) /* writers keep making datasets: the last renumbering holds the lock */
            return aq__stage_renumber(s, dataset, false);
        if ((rc = aq__store_exec(s, "COMMIT")) != AQ_OK)
            return rc;
        *committed = true;
        if ((rc = aq__stage_renumber(s, dataset, true)) != AQ_OK)
            return rc;
        if (aq__db_begin_write(s->db))
            return aq__store_fail(s, "cannot finish the import");
    }
}

int aq__stage_copy(aq_store *s, int64_t from, int64_t to)
{
    return each_group(s, "pending_observations", from,
                      "INSERT INTO observations(unit_id, indicator_id, period, dataset_id, value, flags)"
                      " SELECT unit_id, indicator_id, period, ?5, value, flags FROM pending_observations"
                      " WHERE indicator_id = ?1 AND period BETWEEN ?2 AND ?3 AND dataset_id = ?4",
                      "ittii", to, true);
}

int aq__stage_discard_pending(aq_store *s, int64_t dataset)
{
    return each_group(s, "pending_observations", dataset,
                      "DELETE FROM pending_observations WHERE indicator_id = ?1 AND period BETWEEN ?2 AND ?3 AND dataset_id = ?4",
                      "itti", 0, true);
}
