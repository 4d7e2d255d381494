/*
 * network_straight.c -- a network without roads, for places where no road
 * data is at hand: the travel time between any two points is their
 * great-circle (or planar) distance times a circuity (detour) factor,
 * divided by a speed. Every pair is connected, so the "graph" has nodes
 * with coordinates and no arcs; the searches of dijkstra.c hand it to the
 * two functions here, which compute the times directly.
 *
 * Comparisons need no trigonometry: on the sphere the great-circle distance
 * falls as the dot product of the points' unit vectors rises, on the plane
 * as the squared distance falls; only the pairs kept get the exact
 * haversine (so the times agree with aq__graph_dist to the last bit).
 *
 * The times are estimates, not road times: the CLI and the scenario say so
 * in every output (docs/access.md gives the circuity values measured on
 * real road networks).
 */
#include "network_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (3.14159265358979323846 / 180.0)
#define EARTH_KM 6371.0088 /* as aq__graph_dist */

int aq_graph_straight_new(aq_ctx *ctx, const double *x, const double *y, size_t n, int geographic,
                          double circuity, double kmh, aq_graph **out)
{
    if (!(circuity >= 1) || !isfinite(circuity))
        return aq__err(ctx, AQ_EUSAGE, "straight-line times: the circuity factor must be a number "
                       ">= 1 (road distance / straight-line distance), not %g", circuity);
    if (!(kmh > 0) || !isfinite(kmh))
        return aq__err(ctx, AQ_EUSAGE, "straight-line times: the speed must be above 0 km/h, not %g",
                       kmh);
    if (n >= UINT32_MAX)
        return aq__err(ctx, AQ_EUSAGE, "straight-line times: %zu points, at most %u", n,
                       UINT32_MAX - 1);
    aq_graph *g = aq__graph_alloc(ctx);
    if (!g)
        return AQ_ENOMEM;
    g->n = n;
    g->off = aq__calloc(n + 1, sizeof *g->off);
    g->x = aq__malloc(sizeof *g->x * (n ? n : 1));
    g->y = aq__malloc(sizeof *g->y * (n ? n : 1));
    if (!g->off || !g->x || !g->y) {
        aq_graph_free(g);
        return aq__oom(ctx);
    }
    if (n) {
        memcpy(g->x, x, sizeof *g->x * n);
        memcpy(g->y, y, sizeof *g->y * n);
    }
    g->geographic = geographic != 0;
    g->unit_km = 1;
    if (g->geographic && !(g->unit = aq__malloc(sizeof *g->unit * 3 * (n ? n : 1)))) {
        aq_graph_free(g);
        return aq__oom(ctx);
    }
    for (size_t v = 0; g->unit && v < n; v++) {
        double lon = x[v] * DEG, lat = y[v] * DEG;
        g->unit[3 * v] = cos(lat) * cos(lon);
        g->unit[3 * v + 1] = cos(lat) * sin(lon);
        g->unit[3 * v + 2] = sin(lat);
    }
    g->circuity = circuity;
    g->kmh = kmh;
    g->straight_mpk = circuity / kmh * 60;
    *out = g;
    return AQ_OK;
}

int aq_graph_straight(const aq_graph *g, double *circuity, double *kmh)
{
    if (!g || !(g->straight_mpk > 0))
        return 0;
    if (circuity)
        *circuity = g->circuity;
    if (kmh)
        *kmh = g->kmh;
    return 1;
}

static long first_of(const aq_table *t, const char *want, const char *const *names)
{
    if (want)
        return aq_table_find(t, want);
    for (size_t k = 0; names[k]; k++) {
        long c = aq_table_find(t, names[k]);
        if (c >= 0)
            return c;
    }
    return -1;
}

int aq_graph_straight_from_tables(aq_ctx *ctx, const aq_table *const *tables, size_t ntables,
                                  const aq_access_opts *opts, double circuity, double kmh,
                                  aq_graph **out)
{
    static const char *const xs[] = {"x", "lon", "lng", "longitude", NULL};
    static const char *const ys[] = {"y", "lat", "latitude", NULL};
    aq_access_opts dflt;
    if (!opts) {
        aq_access_opts_init(&dflt);
        opts = &dflt;
    }
    size_t n = 0;
    const aq_table *first = NULL;
    const char *firstx = NULL;
    for (size_t k = 0; k < ntables; k++) {
        const aq_table *t = tables[k];
        if (!t)
            continue;
        const char *src = aq_table_source(t) ? aq_table_source(t) : "table";
        long cx = first_of(t, opts->x, xs), cy = first_of(t, opts->y, ys);
        if (cx < 0 || cy < 0)
            return aq__err(ctx, AQ_ENOTFOUND, "%s: straight-line times need coordinates: columns "
                           "%s and %s", src, opts->x ? opts->x : "x (or lon)",
                           opts->y ? opts->y : "y (or lat)");
        if (aq_table_coltype(t, (size_t)cx) != AQ_COL_NUMBER ||
            aq_table_coltype(t, (size_t)cy) != AQ_COL_NUMBER)
            return aq__err(ctx, AQ_EINPUT, "%s: coordinates '%s', '%s' must be numbers", src,
                           aq_table_colname(t, (size_t)cx), aq_table_colname(t, (size_t)cy));
        if (!first) {
            first = t;
            firstx = aq_table_colname(t, (size_t)cx);
        }
        n += aq_table_nrows(t);
    }
    if (!first)
        return aq__err(ctx, AQ_EUSAGE, "straight-line times: no table of points");
    double *x = aq__xmalloc(ctx, sizeof *x * (n ? n : 1));
    double *y = aq__xmalloc(ctx, sizeof *y * (n ? n : 1));
    int rc = x && y ? AQ_OK : AQ_ENOMEM;
    size_t at = 0;
    for (size_t k = 0; k < ntables && !rc; k++) {
        const aq_table *t = tables[k];
        if (!t)
            continue;
        size_t m = aq_table_nrows(t);
        const double *tx = aq_table_numbers(t, (size_t)first_of(t, opts->x, xs));
        const double *ty = aq_table_numbers(t, (size_t)first_of(t, opts->y, ys));
        if (m) {
            memcpy(x + at, tx, sizeof *x * m);
            memcpy(y + at, ty, sizeof *y * m);
        }
        at += m;
    }
    int geo = 0;
    double unit_km = 1;
    aq__coord_kind(first, firstx, -1, &geo, &unit_km);
    aq_graph *g = NULL;
    if (!rc)
        rc = aq_graph_straight_new(ctx, x, y, n, geo, circuity, kmh, &g);
    if (!rc)
        g->unit_km = unit_km;
    aq__free(x);
    aq__free(y);
    if (!rc)
        *out = g;
    return rc;
}

static inline double minutes_between(const aq_graph *g, size_t a, size_t b)
{
    return aq__graph_dist(g, g->x[a], g->y[a], g->x[b], g->y[b]) * g->straight_mpk;
}

/* How close A and B are, larger = closer: the dot product of unit vectors
 * on the sphere, minus the squared distance on the plane. NaN without
 * coordinates. */
static inline double closeness(const aq_graph *g, size_t a, size_t b)
{
    if (g->unit) {
        const double *p = g->unit + 3 * a, *q = g->unit + 3 * b;
        return p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
    }
    double dx = g->x[a] - g->x[b], dy = g->y[a] - g->y[b];
    return -(dx * dx + dy * dy);
}

/* The smallest closeness of a pair within LIMIT minutes, with a margin for
 * rounding (the exact time decides); -INFINITY when any pair qualifies. */
static double closeness_floor(const aq_graph *g, double limit)
{
    double km = limit / g->straight_mpk;
    if (isinf(km))
        return -INFINITY;
    if (g->unit)
        return km / EARTH_KM >= 3.14159265358979323846 ? -INFINITY
                                                       : cos(km / EARTH_KM) - 1e-12;
    double u = km / g->unit_km;
    return -(u * u) * (1 + 1e-12);
}

void aq__straight_nearest(const aq_graph *g, const size_t *sources, size_t nsrc, double limit,
                          double *minutes, long *source_of)
{
    size_t n = g->n;
#pragma omp parallel for schedule(static) if (n * nsrc > 1000000)
    for (size_t v = 0; v < n; v++) {
        double best = -INFINITY;
        long which = -1;
        if (!isnan(g->x[v]) && !isnan(g->y[v]))
            for (size_t k = 0; k < nsrc; k++) {
                double c = closeness(g, sources[k], v);
                if (c > best) /* strict: the first source keeps a tie; NaN never wins */
                    best = c, which = (long)k;
            }
        double t = which < 0 ? INFINITY
                   : sources[which] == v ? 0 : minutes_between(g, sources[which], v);
        if (!(t <= limit))
            t = INFINITY, which = -1;
        minutes[v] = t;
        if (source_of)
            source_of[v] = which;
    }
}

typedef struct tv {
    double t;
    uint32_t v;
} tv;

static int cmp_tv(const void *a, const void *b)
{
    const tv *p = a, *q = b;
    if (p->t != q->t)
        return (p->t > q->t) - (p->t < q->t);
    return (p->v > q->v) - (p->v < q->v);
}

size_t aq__straight_search(const aq_graph *g, size_t source, double limit, double *dist,
                           uint32_t *settled)
{
    if (isnan(g->x[source]) || isnan(g->y[source]))
        return 0;
    tv *buf = aq__malloc(sizeof *buf * (g->n ? g->n : 1));
    if (!buf)
        return SIZE_MAX;
    double floor = closeness_floor(g, limit);
    size_t m = 0;
    for (size_t v = 0; v < g->n; v++) {
        if (!(closeness(g, source, v) >= floor)) /* far, or no coordinates */
            continue;
        double t = v == source ? 0 : minutes_between(g, source, v);
        if (t <= limit)
            buf[m++] = (tv){t, (uint32_t)v};
    }
    qsort(buf, m, sizeof *buf, cmp_tv);
    for (size_t k = 0; k < m; k++) {
        dist[buf[k].v] = buf[k].t;
        settled[k] = buf[k].v;
    }
    aq__free(buf);
    return m;
}
