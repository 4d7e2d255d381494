/*
 * api_data.c -- the read API: territories, indicators, observations and
 * datasets, one page at a time, with filters.
 */
#include "srv.h"

#include <string.h>

/* Reads the filters common to all listings into Q; false after a 400. */
static bool page_query(const srv_request *rq, srv_response *rs, const char *const *allowed, aq_page_query *q)
{
    size_t horizon = 0;
    if (!srv_query_only(rq, rs, allowed) || !srv_query_size(rq, rs, "offset", (size_t)1 << 40, 0, &q->offset) ||
        !srv_query_size(rq, rs, "limit", SRV_PAGE_MAX, 100, &q->limit) ||
        !srv_query_size(rq, rs, "horizon", (size_t)1 << 50, 0, &horizon))
        return false;
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

static void list(srv_worker *w, const srv_request *rq, srv_response *rs, const char *what,
                 const char *const *allowed)
{
    aq_page_query q = {.what = what};
    if (!page_query(rq, rs, allowed, &q))
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
    static const char *const allowed[] = {"level", "under", "code", "q", "offset", "limit", "lang", NULL};
    list(w, rq, rs, "units", allowed);
}

void srv_api_indicators(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    static const char *const allowed[] = {"indicator", "offset", "limit", "lang", NULL};
    list(w, rq, rs, "indicators", allowed);
}

void srv_api_observations(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    static const char *const allowed[] = {"indicator", "period", "level", "under", "code", "horizon",
                                          "offset", "limit", "lang", NULL};
    list(w, rq, rs, "observations", allowed);
}

void srv_api_datasets(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    static const char *const allowed[] = {"offset", "limit", NULL};
    list(w, rq, rs, "datasets", allowed);
}
