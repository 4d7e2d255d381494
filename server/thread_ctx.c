/*
 * thread_ctx.c -- what every thread of the server that opens a store sets
 * on its context: the request workers (http.c) and the import thread
 * (jobs.c). A file of its own so that the request-handling code builds
 * without libmicrohttpd (tests/fuzz/fuzz_http.c includes it).
 */
#include "srv.h"

/* A context of the server (a worker's, the import thread's): one thread
 * each, since requests and the import already run side by side, and the
 * server's bounds on spreadsheets, which apply to every upload whichever
 * thread imports it. */
void srv_ctx_setup(const srv *server, aq_ctx *ctx)
{
    aq_ctx_set_threads(ctx, 1);
    aq_ctx_set_sheet_limits(ctx, server->cfg.sheet_max_bytes ? server->cfg.sheet_max_bytes : SRV_SHEET_MAX_BYTES,
                            server->cfg.sheet_max_cells ? server->cfg.sheet_max_cells : SRV_SHEET_MAX_CELLS);
}
