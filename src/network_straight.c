/*
 * network_straight.c -- a network without roads, for places where no road
 * data is at hand: the travel time between any two points is their
 * great-circle (or planar) distance times a circuity (detour) factor,
 * divided by a speed. Every pair is connected, so the "graph" has nodes
 * with coordinates and no arcs; the searches of dijkstra.c hand it to the
 * two functions here, which compute the times directly.
 *
 * Comparisons need no trigonometry: each point is also kept in 3-D (on the
 * unit sphere for degrees, where the chord orders pairs as the great-circle
 * distance does; (x, y, 0) on the plane), so nearer in 3-D is nearer. The
 * nearest centre comes from a k-d tree over the centres (network_kd.c);
 * only the pairs kept get the exact haversine (so times agree with
 * aq__graph_dist to the last bit).
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
    if (!(g->pt3 = aq__malloc(sizeof *g->pt3 * 3 * (n ? n : 1)))) {
        aq_graph_free(g);
        return aq__oom(ctx);
    }
    for (size_t v = 0; v < n; v++) {
        double *p = g->pt3 + 3 * v;
        if (g->geographic) {
            double lon = x[v] * DEG, lat = y[v] * DEG;
            p[0] = cos(lat) * cos(lon);
            p[1] = cos(lat) * sin(lon);
            p[2] = sin(lat);
        } else {
            p[0] = x[v];
            p[1] = y[v];
            p[2] = isnan(x[v]) || isnan(y[v]) ? NAN : 0;
        }
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

/* Squared 3-D distance between nodes A and B (NaN without coordinates). */
static inline double d2_between(const aq_graph *g, size_t a, size_t b)
{
    const double *p = g->pt3 + 3 * a, *q = g->pt3 + 3 * b;
    double dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2];
    return dx * dx + dy * dy + dz * dz;
}

/* The largest squared 3-D distance of a pair within LIMIT minutes, with a
 * margin for rounding (the exact time decides); INFINITY for no limit. */
static double d2_ceiling(const aq_graph *g, double limit)
{
    double km = limit / g->straight_mpk;
    if (isinf(km))
        return INFINITY;
    /* sphere: the chord of an arc of km; plane: km in coordinate units */
    double d = g->geographic ? (km / EARTH_KM >= 3.14159265358979323846 ? 2 : 2 * sin(km / EARTH_KM / 2))
                             : km / g->unit_km;
    return d * d * (1 + 1e-9) + 1e-18;
}

int aq__straight_nearest(aq_ctx *ctx, const aq_graph *g, const size_t *sources, size_t nsrc,
                         double limit, double *minutes, long *source_of)
{
    size_t n = g->n, m = 0;
    /* The tree holds the sources with coordinates, in their order, so that
     * its lowest-index tie rule keeps the first source. */
    double *pts = aq__xmalloc(ctx, sizeof *pts * 3 * (nsrc ? nsrc : 1));
    long *kof = aq__xmalloc(ctx, sizeof *kof * (nsrc ? nsrc : 1));
    aq__kd kd;
    memset(&kd, 0, sizeof kd);
    int rc = pts && kof ? AQ_OK : AQ_ENOMEM;
    for (size_t k = 0; k < nsrc && !rc; k++) {
        const double *p = g->pt3 + 3 * sources[k];
        if (isnan(p[0]) || isnan(p[1]) || isnan(p[2]))
            continue;
        memcpy(pts + 3 * m, p, sizeof *pts * 3);
        kof[m++] = (long)k;
    }
    if (!rc)
        rc = aq__kd_build(ctx, pts, m, &kd);
#pragma omp parallel for schedule(static) if (!rc && n > 10000)
    for (size_t v = 0; v < n; v++) {
        if (rc)
            continue;
        const double *q = g->pt3 + 3 * v;
        size_t best = SIZE_MAX;
        double d2;
        if (!isnan(q[0]) && !isnan(q[1]) && !isnan(q[2]))
            aq__kd_nearest(&kd, q, &best, &d2);
        long which = best == SIZE_MAX ? -1 : kof[best];
        double t = which < 0 ? INFINITY
                   : sources[which] == v ? 0 : minutes_between(g, sources[which], v);
        if (!(t <= limit))
            t = INFINITY, which = -1;
        minutes[v] = t;
        if (source_of)
            source_of[v] = which;
    }
    aq__kd_free(&kd);
    aq__free(pts);
    aq__free(kof);
    return rc;
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
    double ceiling = d2_ceiling(g, limit);
    size_t m = 0;
    for (size_t v = 0; v < g->n; v++) {
        if (!(d2_between(g, source, v) <= ceiling)) /* far, or no coordinates */
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
