/*
 * static.c -- the dashboard's files, embedded in the binary (embed.cmake).
 * Paths are looked up in that table only: no request ever reaches the file
 * system, so "/../../etc/passwd" is simply not found.
 */
#include "srv.h"
#include "aimaq_report.h"

#include <stdio.h>
#include <string.h>

void srv_static(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)w, (void)who, (void)arg;
    if (!strcmp(rq->path, "/report.css")) { /* the figures' style, from the library that draws them */
        const char *css = aq_report_figure_css();
        srv_reply_text(rs, 200, "text/css; charset=utf-8", css, strlen(css));
        snprintf(rs->cache, sizeof rs->cache, "no-cache");
        return;
    }
    const srv_asset *a = srv_asset_find(strcmp(rq->path, "/") ? rq->path : "/index.html");
    if (!a) {
        srv_reply_error(rs, 404, "no page %.200s", rq->path);
        return;
    }
    srv_reply_text(rs, 200, a->content_type, (const char *)a->data, a->len);
    snprintf(rs->cache, sizeof rs->cache, "no-cache");
}
