/*
 * api_data.c -- the read API: territories, indicators, observations and
 * datasets, one page at a time, with filters.
 */
#include "srv.h"

#include <string.h>

/* Reads the page and the filters common to all listings into Q (the route
 * declares which it takes: params.c); false after a 400. */
static bool page_query(const srv_request *rq, srv_response *rs, aq_page_query *q)
{
    size_t horizon = 0;
    aq_ws_page page;
    if (!srv_query_page(rq, rs, &page) || !srv_query_size(rq, rs, "horizon", (size_t)1 << 50, 0, &horizon))
        return false;
    q->offset = page.offset;
    q->limit = page.limit;
    q->max_dataset = (long long)horizon;
    q->level = srv_query(rq, "level");
    q->under = srv_query(rq, "under");
    q->code = srv_query(rq, "code");
    q->indicator = srv_query(rq, "indicator");
    q->period = srv_query(rq, "period");
    q->search = srv_query(rq, "q");
    return srv_check_value(rs, "level", q->level) && srv_check_value(rs, "under", q->under) &&
           srv_check_value(rs, "code", q->code) && srv_check_value(rs, "indicator", q->indicator) &&
           srv_check_value(rs, "period", q->period) && srv_check_value(rs, "q", q->search);
}

static void list(srv_worker *w, const srv_request *rq, srv_response *rs, const char *what)
{
    aq_page_query q = {.what = what};
    if (!page_query(rq, rs, &q))
        return;
    aq_table *t = NULL;
    long long total = 0;
    int rc = aq_store_page(w->store, &q, &t, &total);
    if (rc)
        srv_reply_rc(w, rs, rc);
    else
        srv_reply_page(w, rs, t, total, q.offset, q.limit);
    aq_table_free(t);
}

void srv_api_units(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    list(w, rq, rs, "units");
}

void srv_api_indicators(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    list(w, rq, rs, "indicators");
}

void srv_api_observations(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    list(w, rq, rs, "observations");
}

void srv_api_datasets(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    list(w, rq, rs, "datasets");
}
