/*
 * progress.c -- a progress bar on stderr for work longer than about a
 * second, shown only when stderr is a terminal so logs and pipes stay clean.
 */
#include "cli.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

struct cli_progress {
    const char *what;
    size_t total;
    struct timespec start;
    int shown;
};

static double elapsed(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

cli_progress *cli_progress_start(const char *what, size_t total)
{
    if (!isatty(STDERR_FILENO))
        return NULL;
    cli_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->what = what;
    p->total = total;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return p;
}

void cli_progress_update(cli_progress *p, size_t done)
{
    if (!p || elapsed(&p->start) < 1.0)
        return;
    int width = 30, fill = p->total ? (int)((double)done / (double)p->total * width) : (int)(done / 65536 % 31);
    if (fill > width)
        fill = width;
    fprintf(stderr, "\r%s [", p->what);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    if (p->total)
        fprintf(stderr, "] %zu/%zu", done, p->total);
    else
        fprintf(stderr, "] %zu rows", done);
    p->shown = 1;
}

void cli_progress_fn(void *user, const char *what, size_t done, size_t total)
{
    cli_progress *p = user;
    (void)what;
    if (p && total)
        p->total = total;
    cli_progress_update(p, done);
}

void cli_progress_end(cli_progress *p)
{
    if (!p)
        return;
    if (p->shown)
        fputs("\n", stderr);
    free(p);
}
