/*
 * params.c -- the query parameters each route takes. srv_handle checks
 * every request against its route's list before the handler runs, so an
 * unknown or misspelt parameter (?limt=10, ?colour=red) is a 400 naming it
 * on every endpoint alike, and is never silently ignored. A route missing
 * from this table answers 500 to any request: a new route must declare
 * its parameters (even none) to be reachable at all.
 */
#include "srv.h"

#include <string.h>

#define PAGE "offset", "limit"

static const struct {
    const char *method, *pattern;
    const char *const *params; /* NULL-terminated */
} declared[] = {
    {"GET", "/api/health", (const char *const[]){NULL}},
    {"POST", "/api/login", (const char *const[]){NULL}},
    {"POST", "/api/logout", (const char *const[]){NULL}},
    {"GET", "/api/me", (const char *const[]){NULL}},
    {"POST", "/api/tokens", (const char *const[]){NULL}},
    {"GET", "/api/tokens", (const char *const[]){"account_id", PAGE, NULL}},
    {"DELETE", "/api/tokens/%", (const char *const[]){NULL}},
    {"GET", "/api/accounts", (const char *const[]){PAGE, NULL}},
    {"POST", "/api/accounts", (const char *const[]){NULL}},
    {"POST", "/api/accounts/disable", (const char *const[]){NULL}},
    {"GET", "/api/units", (const char *const[]){"level", "under", "code", "q", "lang", PAGE, NULL}},
    {"GET", "/api/indicators", (const char *const[]){"indicator", "lang", PAGE, NULL}},
    {"GET", "/api/observations",
     (const char *const[]){"indicator", "period", "level", "under", "code", "horizon", "lang", PAGE, NULL}},
    {"GET", "/api/datasets", (const char *const[]){PAGE, NULL}},
    {"GET", "/api/map", (const char *const[]){"indicator", "level", "lang", "classes", "population", "section", NULL}},
    {"GET", "/api/chart", (const char *const[]){"indicator", "level", "lang", "classes", "population", "section", NULL}},
    {"POST", "/api/uploads", (const char *const[]){"name", "dataset", "period", "indicator", NULL}},
    {"GET", "/api/imports/*", (const char *const[]){NULL}},
    {"POST", "/api/edits", (const char *const[]){NULL}},
    {"GET", "/api/submissions", (const char *const[]){"status", PAGE, NULL}},
    {"POST", "/api/submissions/*/approve", (const char *const[]){NULL}},
    {"POST", "/api/submissions/*/reject", (const char *const[]){NULL}},
    {"GET", "/api/audit", (const char *const[]){"after", PAGE, NULL}},
    {"GET", "/api/methodologies", (const char *const[]){PAGE, NULL}},
    {"POST", "/api/methodologies", (const char *const[]){NULL}},
    {"POST", "/api/analysis/disparity", (const char *const[]){NULL}},
    {"POST", "/api/analysis/potential", (const char *const[]){NULL}},
    {"GET", "/api/results", (const char *const[]){PAGE, NULL}},
    {"GET", "/api/results/*", (const char *const[]){NULL}},
    {"POST", "/api/results/*/reproduce", (const char *const[]){NULL}},
};

bool srv_query_declared(const srv_request *rq, srv_response *rs, const char *method, const char *pattern)
{
    for (size_t i = 0; i < sizeof declared / sizeof declared[0]; i++)
        if (!strcmp(declared[i].method, method) && !strcmp(declared[i].pattern, pattern))
            return srv_query_only(rq, rs, declared[i].params);
    srv_reply_error(rs, 500, "%s %s declares no query parameters (server/params.c)", method, pattern);
    return false;
}
