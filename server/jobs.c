/*
 * jobs.c -- the import queue: uploads are imported one at a time by a
 * thread of their own, with its own context and store handle, so that a
 * request never waits for a long import and two imports never compete for
 * the writers' lock. The store keeps each job's state (aq_ws_job_*); this
 * file keeps what only the running server needs: the files waiting in the
 * spool and the order.
 *
 * The handler of a small upload (SRV_UPLOAD_SMALL) waits a moment for its
 * job (SRV_UPLOAD_WAIT_MS), so that it is answered as before, with its
 * submission or its error; a larger one (or one behind a long import) is
 * answered 202 with the job at once, which GET /api/imports/ID follows.
 */
#include "srv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct srv_job {
    struct srv_job *next;
    long long id;
    aq_account actor;
    char path[4096], name[256];
    char *dataset, *period, *indicator;
    bool *done;         /* the waiting request's flag, or NULL */
} srv_job;

struct srv_queue {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    srv_job *head, *tail;
    volatile int stop;
    aq_ctx *ctx;
    aq_store *store;
};

static void job_free(srv_job *j)
{
    if (!j)
        return;
    free(j->dataset);
    free(j->period);
    free(j->indicator);
    free(j);
}

static void run(struct srv_queue *q, srv_job *j)
{
    aq_import_opts opts;
    aq_import_opts_init(&opts);
    opts.dataset = j->dataset;
    opts.period = j->period;
    opts.indicator = j->indicator;
    aq_ws_job_run(q->store, &j->actor, j->id, j->path, j->name, &opts, &q->stop, NULL);
    unlink(j->path);
}

static void *worker(void *arg)
{
    struct srv_queue *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->head && !q->stop)
            pthread_cond_wait(&q->wake, &q->lock);
        if (q->stop)
            break;
        srv_job *j = q->head;
        q->head = j->next;
        if (!q->head)
            q->tail = NULL;
        pthread_mutex_unlock(&q->lock);
        run(q, j);
        pthread_mutex_lock(&q->lock);
        if (j->done)
            *j->done = true;
        pthread_cond_broadcast(&q->done);
        job_free(j);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

int srv_queue_start(srv *server)
{
    struct srv_queue *q = calloc(1, sizeof *q);
    if (!q || !(q->ctx = aq_ctx_new())) {
        free(q);
        fprintf(stderr, "aimaq serve: out of memory\n");
        return -1;
    }
    int failed = 0;
    srv_ctx_setup(server, q->ctx);
    if (aq_store_open(q->ctx, server->cfg.db, 0, &q->store) || aq_ws_jobs_recover(q->store, &failed)) {
        fprintf(stderr, "aimaq serve: %s\n", aq_errmsg(q->ctx));
        aq_store_close(q->store);
        aq_ctx_free(q->ctx);
        free(q);
        return -1;
    }
    if (failed)
        fprintf(stderr, "aimaq serve: %d upload%s the last run left unfinished marked failed\n", failed,
                failed == 1 ? "" : "s");
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    pthread_cond_init(&q->done, NULL);
    if (pthread_create(&q->thread, NULL, worker, q) != 0) {
        fprintf(stderr, "aimaq serve: cannot start the import thread: %s\n", strerror(errno));
        aq_store_close(q->store);
        aq_ctx_free(q->ctx);
        free(q);
        return -1;
    }
    server->queue = q;
    return 0;
}

void srv_queue_stop(srv *server)
{
    struct srv_queue *q = server->queue;
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stop = 1; /* a running import ends at its next commit; its job is failed */
    pthread_cond_broadcast(&q->wake);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    /* Jobs still queued stay "queued" in the store: the next start marks
     * them failed (their files go now). */
    for (srv_job *j = q->head, *next; j; j = next) {
        next = j->next;
        unlink(j->path);
        job_free(j);
    }
    aq_store_close(q->store);
    aq_ctx_free(q->ctx);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->wake);
    pthread_cond_destroy(&q->done);
    free(q);
    server->queue = NULL;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int srv_queue_upload(srv_worker *w, const srv_request *rq, const aq_account *actor, long long job, const char *name,
                     const aq_import_opts *opts)
{
    struct srv_queue *q = w->server->queue;
    if (!q) /* no import thread (tests, the fuzzer): the request runs it */
        return aq_ws_job_run(w->store, actor, job, rq->upload_path, name, opts, NULL, NULL);
    srv_job *j = calloc(1, sizeof *j);
    if (!j || (opts->dataset && !(j->dataset = strdup(opts->dataset))) ||
        (opts->period && !(j->period = dup_or_null(opts->period))) ||
        (opts->indicator && !(j->indicator = dup_or_null(opts->indicator)))) {
        job_free(j);
        return aq_ws_job_fail(w->store, job, AQ_ENOMEM, "out of memory");
    }
    j->id = job;
    j->actor = *actor;
    snprintf(j->name, sizeof j->name, "%s", name ? name : "upload");
    /* The spool file becomes the job's: the request's end removes its
     * own name only, and a restart removes every upload-* file. */
    const char *ext = strrchr(rq->upload_path, '.');
    snprintf(j->path, sizeof j->path, "%s/upload-job-%lld%s", w->server->cfg.spool, job, ext ? ext : "");
    if (rename(rq->upload_path, j->path) != 0) {
        char why[320];
        snprintf(why, sizeof why, "cannot queue the upload: %s", strerror(errno));
        job_free(j);
        return aq_ws_job_fail(w->store, job, AQ_EIO, why);
    }
    bool done = false;
    j->done = &done;
    pthread_mutex_lock(&q->lock);
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    pthread_cond_signal(&q->wake);
    /* A moment for the job: a small file is answered with its result. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += SRV_UPLOAD_WAIT_MS * 1000000L;
    until.tv_sec += until.tv_nsec / 1000000000L;
    until.tv_nsec %= 1000000000L;
    if (rq->upload_len > SRV_UPLOAD_SMALL)
        until = (struct timespec){0};
    while (!done && !q->stop)
        if (pthread_cond_timedwait(&q->done, &q->lock, &until) == ETIMEDOUT)
            break;
    if (!done)
        j->done = NULL; /* still queued or running: j lives on, this flag does not */
    pthread_mutex_unlock(&q->lock);
    return AQ_OK;
}
