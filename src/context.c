/*
 * context.c -- the context object: error state, warning sink, threads.
 *
 * Everything that would otherwise be global lives here, so two threads with
 * two contexts never share mutable state (PROJ's PJ_CONTEXT).
 */
#include "aq_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AQ_ERRMSG_MAX 4096

struct aq_ctx {
    int errcode;
    char errmsg[AQ_ERRMSG_MAX];
    aq_warning_fn warn_fn;
    void *warn_user;
    int nthreads;
    aq_progress_fn progress_fn;
    void *progress_user;
    uint64_t sheet_max_bytes, sheet_max_cells; /* 0 = the defaults */
};

aq_ctx *aq_ctx_new(void)
{
    aq_ctx *ctx = calloc(1, sizeof *ctx); /* not aq__calloc: the context must
                                             exist to report failures */
    return ctx;
}

void aq_ctx_free(aq_ctx *ctx) { free(ctx); }

const char *aq_errmsg(const aq_ctx *ctx) { return ctx ? ctx->errmsg : "no context"; }

int aq_errcode(const aq_ctx *ctx) { return ctx ? ctx->errcode : AQ_EUSAGE; }

void aq_clear_error(aq_ctx *ctx)
{
    ctx->errcode = AQ_OK;
    ctx->errmsg[0] = '\0';
}

void aq_ctx_set_warning_fn(aq_ctx *ctx, aq_warning_fn fn, void *user)
{
    ctx->warn_fn = fn;
    ctx->warn_user = user;
}

void aq_ctx_set_progress_fn(aq_ctx *ctx, aq_progress_fn fn, void *user)
{
    ctx->progress_fn = fn;
    ctx->progress_user = user;
}

void aq__progress(aq_ctx *ctx, const char *what, size_t done, size_t total)
{
    if (ctx->progress_fn)
        ctx->progress_fn(ctx->progress_user, what, done, total);
}

void aq_ctx_set_threads(aq_ctx *ctx, int nthreads) { ctx->nthreads = nthreads < 0 ? 0 : nthreads; }

int aq_ctx_threads(const aq_ctx *ctx) { return ctx->nthreads; }

void aq_ctx_set_sheet_limits(aq_ctx *ctx, uint64_t max_bytes, uint64_t max_cells)
{
    ctx->sheet_max_bytes = max_bytes;
    ctx->sheet_max_cells = max_cells;
}

uint64_t aq__sheet_max_bytes(const aq_ctx *ctx) { return ctx->sheet_max_bytes ? ctx->sheet_max_bytes : AQ_SHEET_MAX_BYTES; }

uint64_t aq__sheet_max_cells(const aq_ctx *ctx) { return ctx->sheet_max_cells ? ctx->sheet_max_cells : AQ_SHEET_MAX_CELLS; }

int aq__err(aq_ctx *ctx, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->errcode = code;
    return code;
}

int aq__err_prefix(aq_ctx *ctx, const char *fmt, ...)
{
    char prefix[1024];
    char old[AQ_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, ctx->errmsg, sizeof old);
    size_t n = strlen(prefix);
    if (n + 2 < sizeof ctx->errmsg) {
        memcpy(ctx->errmsg, prefix, n);
        memcpy(ctx->errmsg + n, ": ", 2);
        size_t rest = sizeof ctx->errmsg - n - 3;
        size_t m = strlen(old) < rest ? strlen(old) : rest;
        memcpy(ctx->errmsg + n + 2, old, m);
        ctx->errmsg[n + 2 + m] = '\0';
    }
    return ctx->errcode;
}

int aq__oom(aq_ctx *ctx) { return aq__err(ctx, AQ_ENOMEM, "out of memory"); }

void aq__warn(aq_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->warn_fn)
        return;
    char msg[AQ_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ctx->warn_fn(ctx->warn_user, msg);
}
