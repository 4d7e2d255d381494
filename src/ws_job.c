/*
 * ws_job.c -- the server's import queue as the store keeps it: one row per
 * upload (queued, running with its progress, done with its submission, or
 * failed with the error), and the run of one, a staged import
 * (import_stage.c) whose progress and submission are written in its own
 * transactions: the row never says more than the store holds.
 */
#include "import.h"
#include "ws_int.h"

#include <stdio.h>
#include <string.h>

int aq_ws_job_new(aq_store *s, const aq_account *actor, const char *original_name, long long *job)
{
    const char *shown = original_name && *original_name ? original_name : "upload";
    int rc = aq__ws_may_upload(s, actor, shown);
    if (rc)
        return rc;
    int64_t id = 0;
    rc = aq__store_int(s, &id, "cannot queue the upload",
                       "INSERT INTO jobs(kind, state, account_id, file) VALUES ('upload', 'queued', ?1, ?2) RETURNING id", "it",
                       actor->id, shown);
    if (rc == AQ_OK)
        *job = id;
    return rc;
}

typedef struct {
    const aq_account *actor;
    long long job;
    const char *shown;
    const volatile int *stop;
} upload_job;

static int job_progress(aq_store *s, void *arg, int64_t dataset, size_t rows, size_t total)
{
    const upload_job *j = arg;
    if (j->stop && *j->stop)
        return aq__err(s->ctx, AQ_ESTORE, "the server stopped before the import of '%s' finished: nothing of it was "
                       "kept; upload it again", j->shown);
    char now[32];
    aq__store_now(now, sizeof now, 0, false);
    return aq__store_run(s, "cannot record the import's progress",
                         "UPDATE jobs SET state = 'running', rows_read = ?2, rows_total = nullif(?3, 0), dataset_id = ?4,"
                         " updated_at = ?5 WHERE id = ?1", "iiiit", j->job, (long long)rows, (long long)total,
                         (long long)dataset, now);
}

static int job_finish(aq_store *s, void *arg, const aq_import_result *r)
{
    const upload_job *j = arg;
    long long id = 0;
    int rc = aq__ws_record_upload(s, j->actor, j->shown, r, &id);
    char now[32];
    aq__store_now(now, sizeof now, 0, false);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot record the import's end",
                           "UPDATE jobs SET state = 'done', submission_id = ?2, updated_at = ?3 WHERE id = ?1", "iit", j->job,
                           id, now);
    return rc;
}

/* Marks the job failed with the context's message (kept: the update's
 * own failure is not the one to report). */
static void job_failed(aq_store *s, long long job, int code)
{
    char now[32];
    aq__store_now(now, sizeof now, 0, false);
    char *why = aq__strdup(aq_errmsg(s->ctx));
    aq__store_run(s, "cannot record the import's failure",
                  "UPDATE jobs SET state = 'failed', code = ?2, error = ?3, updated_at = ?4 WHERE id = ?1", "iitt", job,
                  (long long)code, why ? why : "out of memory", now);
    aq__err(s->ctx, code, "%s", why ? why : "out of memory");
    aq__free(why);
}

int aq_ws_job_fail(aq_store *s, long long job, int code, const char *message)
{
    aq__err(s->ctx, code, "%s", message ? message : "the import failed");
    job_failed(s, job, code);
    return code;
}

int aq_ws_job_run(aq_store *s, const aq_account *actor, long long job, const char *path, const char *original_name,
                  const aq_import_opts *opts, const volatile int *stop, long long *submission_id)
{
    const char *shown = original_name && *original_name ? original_name : aq__basename(path);
    char now[32], object[320];
    aq__store_now(now, sizeof now, 0, false);
    int rc = aq__store_run(s, "cannot start the import", "UPDATE jobs SET state = 'running', updated_at = ?2 WHERE id = ?1",
                           "it", job, now);
    if (rc == AQ_OK)
        rc = aq__ws_may_upload(s, actor, shown);
    if (rc) {
        job_failed(s, job, rc);
        return rc;
    }
    aq_import_opts o;
    aq__ws_upload_opts(actor, shown, opts, &o);
    upload_job j = {.actor = actor, .job = job, .shown = shown, .stop = stop};
    aq__stage stage = {.progress = job_progress, .finish = job_finish, .arg = &j};
    aq_import_result r = {0};
    rc = aq__store_import_staged(s, path, &o, &stage, &r);
    if (rc)
        aq__ws_name_the_file(s->ctx, rc, path, shown);
    snprintf(object, sizeof object, "file %s", shown);
    if (rc == AQ_EDENIED)
        aq__ws_denied(s, actor, object);
    if (rc)
        job_failed(s, job, rc);
    int64_t id = 0;
    if (rc == AQ_OK && submission_id &&
        (rc = aq__store_int(s, &id, "cannot read the job", "SELECT submission_id FROM jobs WHERE id = ?1", "i", job)) == AQ_OK)
        *submission_id = id;
    aq_import_result_clear(&r);
    return rc;
}

int aq_ws_job_get(aq_store *s, const aq_account *actor, long long job, aq_table **out)
{
    char id[32], who[32] = "";
    snprintf(id, sizeof id, "%lld", job);
    if (!actor)
        return aq__err(s->ctx, AQ_EDENIED, "looking at an import needs an account");
    if (actor->role != AQ_ROLE_ADMIN && actor->role != AQ_ROLE_CENTRAL)
        snprintf(who, sizeof who, "%lld", actor->id);
    const char *args[] = {id, who, NULL};
    aq_table *t = NULL;
    int rc = aq__store_query_table(s,
        "SELECT j.id, j.kind, j.state, j.file, coalesce(a.name, CASE WHEN j.account_id = 0 THEN 'system' END) AS account,"
        " j.created_at, j.updated_at, j.rows_read, j.rows_total,"
        " CASE WHEN j.state = 'done' THEN 100 WHEN j.rows_total > 0 THEN j.rows_read * 100 / j.rows_total ELSE 0 END"
        " AS percent, j.submission_id AS submission, s.status, j.code, j.error"
        " FROM jobs j LEFT JOIN accounts a ON a.id = j.account_id LEFT JOIN submissions s ON s.id = j.submission_id"
        " WHERE j.id = CAST(?1 AS BIGINT) AND (?2 = '' OR j.account_id = CAST(?2 AS BIGINT))", args, &t);
    if (rc == AQ_OK && aq_table_nrows(t) == 0) {
        aq_table_free(t);
        return aq__err(s->ctx, AQ_ENOTFOUND, "no import %lld%s", job, *who ? " of yours" : "");
    }
    if (rc == AQ_OK)
        *out = t;
    return rc;
}

int aq_ws_jobs_recover(aq_store *s, int *failed)
{
    char now[32];
    aq__store_now(now, sizeof now, 0, false);
    int rc = aq__store_run(s, "cannot recover the import queue",
                           "UPDATE jobs SET state = 'failed', code = ?1, error = 'the server stopped before the import"
                           " finished: nothing of it was kept; upload the file again', updated_at = ?2"
                           " WHERE state IN ('queued', 'running')", "it", (long long)AQ_ESTORE, now);
    if (rc)
        return rc;
    if (failed)
        *failed = (int)aq__db_changes(s->db);
    /* A staged import's dataset is pending and has no submission until its
     * last transaction, which makes both at once. */
    aq_db_stmt *st;
    int64_t ids[64];
    size_t n;
    do {
        n = 0;
        if ((rc = aq__store_prepare(s, "SELECT id FROM datasets d WHERE status = 'pending' AND NOT EXISTS"
                                       " (SELECT 1 FROM submissions s WHERE s.dataset_id = d.id) ORDER BY id LIMIT 64",
                                    &st)) != AQ_OK)
            return rc;
        while (n < 64 && aq__store_row(s, st, &rc))
            ids[n++] = aq__db_column_int64(st, 0);
        aq__db_finalize(st);
        for (size_t k = 0; k < n && rc == AQ_OK; k++)
            rc = aq__stage_drop(s, ids[k]);
    } while (rc == AQ_OK && n == 64);
    /* A big rejected file's values go after its decision, in parts. */
    while (rc == AQ_OK) {
        int64_t left = 0;
        rc = aq__store_int(s, &left, "cannot recover the import queue", "SELECT coalesce(min(p.dataset_id), 0) FROM"
                           " pending_observations p JOIN datasets d ON d.id = p.dataset_id WHERE d.status = 'rejected'", "");
        if (rc || !left)
            break;
        rc = aq__stage_discard_pending(s, left);
    }
    return rc;
}
