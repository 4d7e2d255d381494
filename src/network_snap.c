/*
 * network_snap.c -- node coordinates and snapping of settlements to the
 * nearest node through a uniform grid.
 *
 * A grid rather than a k-d tree: nodes of a road network are spread
 * fairly evenly, the grid is built in two passes over the nodes, and a
 * query looks at rings of cells around the point until the ring is farther
 * than the best node found.
 */
#include "network_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_KM 6371.0088
#define DEG (3.14159265358979323846 / 180.0)

double aq__graph_dist(const aq_graph *g, double x1, double y1, double x2, double y2)
{
    if (g->geographic) {
        double dlat = (y2 - y1) * DEG, dlon = (x2 - x1) * DEG;
        double a = sin(dlat / 2) * sin(dlat / 2) +
                   cos(y1 * DEG) * cos(y2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
        return 2 * EARTH_KM * asin(fmin(1, sqrt(a)));
    }
    return hypot(x2 - x1, y2 - y1) * g->unit_km;
}

void aq__coord_kind(const aq_table *t, const char *xname, int geographic, int *geo_out,
                    double *unit_km)
{
    *unit_km = 1;
    const char *crs = aq_table_crs(t);
    if (geographic >= 0) {
        *geo_out = geographic;
        return;
    }
    if (crs) {
        /* GDAL gives "EPSG:4326" or WKT: GEOGCS/GEOGCRS is geographic,
         * anything else projected, in metres for every CRS used in
         * Kazakhstan (UTM, Kazakhstan-specific TM). */
        *geo_out = strstr(crs, "4326") || strncmp(crs, "GEOGCS", 6) == 0 ||
                   strncmp(crs, "GEOGCRS", 7) == 0;
        if (!*geo_out)
            *unit_km = 0.001;
        return;
    }
    *geo_out = xname && (aq__ieq(xname, "lon") || aq__ieq(xname, "lng") ||
                         aq__ieq(xname, "longitude"));
}

int aq_graph_set_coords(aq_ctx *ctx, aq_graph *g, const aq_table *t, const char *id,
                        const char *x, const char *y, int geographic)
{
    const char *src = aq_table_source(t) ? aq_table_source(t) : "nodes";
    long ci = aq_table_find(t, id ? id : "node");
    long cx = aq_table_find(t, x ? x : "x"), cy = aq_table_find(t, y ? y : "y");
    if (!x && cx < 0)
        cx = aq_table_find(t, "lon");
    if (!y && cy < 0)
        cy = aq_table_find(t, "lat");
    if (ci < 0 || cx < 0 || cy < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: the node table needs columns %s, %s and %s",
                       src, id ? id : "node", x ? x : "x (or lon)", y ? y : "y (or lat)");
    if (aq_table_coltype(t, (size_t)cx) != AQ_COL_NUMBER ||
        aq_table_coltype(t, (size_t)cy) != AQ_COL_NUMBER)
        return aq__err(ctx, AQ_EINPUT, "%s: node coordinates must be numbers", src);
    double *gx = aq__xmalloc(ctx, sizeof *gx * (g->n ? g->n : 1));
    double *gy = aq__xmalloc(ctx, sizeof *gy * (g->n ? g->n : 1));
    if (!gx || !gy) {
        aq__free(gx);
        aq__free(gy);
        return AQ_ENOMEM;
    }
    for (size_t v = 0; v < g->n; v++)
        gx[v] = gy[v] = NAN;
    const double *xs = aq_table_numbers(t, (size_t)cx), *ys = aq_table_numbers(t, (size_t)cy);
    const double *ids = aq_table_coltype(t, (size_t)ci) == AQ_COL_NUMBER
                            ? aq_table_numbers(t, (size_t)ci) : NULL;
    size_t offnet = 0, placed = 0;
    char buf[64];
    for (size_t r = 0; r < aq_table_nrows(t); r++) {
        size_t v;
        int found = ids ? aq_graph_find_num(g, ids[r], &v)
                        : aq_graph_find(g, aq_table_cell(t, (size_t)ci, r, buf, sizeof buf), &v);
        if (!found) {
            offnet++;
            continue;
        }
        gx[v] = xs[r];
        gy[v] = ys[r];
        placed++;
    }
    if (offnet)
        aq__warn(ctx, "%s: %zu node(s) have no edge in the network; nothing is snapped to them",
                 src, offnet);
    if (placed < g->n)
        aq__warn(ctx, "%s: %zu node(s) of the network have no coordinates; nothing is snapped to "
                 "them", src, g->n - placed);
    aq__free(g->x);
    aq__free(g->y);
    g->x = gx;
    g->y = gy;
    aq__coord_kind(t, aq_table_colname(t, (size_t)cx), geographic, &g->geographic, &g->unit_km);
    return AQ_OK;
}

/* A uniform grid over the nodes, in local km (degrees are scaled by the
 * cosine of the mean latitude, which is close enough to find candidates;
 * the distance reported is the exact one). */
typedef struct grid {
    double x0, y0, cell, kx, ky; /* kx, ky: km per coordinate unit */
    size_t nx, ny;
    uint32_t *start, *item;
} grid;

static int grid_build(aq_ctx *ctx, const aq_graph *g, grid *gr)
{
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, lat = 0;
    size_t n = 0;
    for (size_t v = 0; v < g->n; v++)
        if (!isnan(g->x[v])) {
            minx = fmin(minx, g->x[v]);
            maxx = fmax(maxx, g->x[v]);
            miny = fmin(miny, g->y[v]);
            maxy = fmax(maxy, g->y[v]);
            lat += g->y[v];
            n++;
        }
    if (n == 0)
        return aq__err(ctx, AQ_EUSAGE, "no node of the network has coordinates to snap to");
    gr->kx = gr->ky = g->geographic ? 111.195 : g->unit_km;
    if (g->geographic)
        gr->kx *= cos(lat / (double)n * DEG);
    double w = (maxx - minx) * gr->kx, h = (maxy - miny) * gr->ky;
    gr->cell = sqrt(fmax(w * h, 1e-12) / (double)n * 2); /* about two nodes per cell */
    if (!(gr->cell > 0))
        gr->cell = 1;
    gr->x0 = minx;
    gr->y0 = miny;
    gr->nx = (size_t)(w / gr->cell) + 1;
    gr->ny = (size_t)(h / gr->cell) + 1;
    if (gr->nx * gr->ny > 4 * n + 16) { /* a degenerate extent (a line of nodes) */
        gr->cell = fmax(w, h) / (double)(2 * n) + 1e-9;
        gr->nx = (size_t)(w / gr->cell) + 1;
        gr->ny = (size_t)(h / gr->cell) + 1;
    }
    size_t nc = gr->nx * gr->ny;
    gr->start = aq__xcalloc(ctx, nc + 2, sizeof *gr->start);
    gr->item = aq__xmalloc(ctx, sizeof *gr->item * n);
    if (!gr->start || !gr->item) {
        aq__free(gr->start);
        aq__free(gr->item);
        return AQ_ENOMEM;
    }
    for (size_t v = 0; v < g->n; v++)
        if (!isnan(g->x[v])) {
            size_t cx = (size_t)((g->x[v] - minx) * gr->kx / gr->cell);
            size_t cy = (size_t)((g->y[v] - miny) * gr->ky / gr->cell);
            gr->start[(cy < gr->ny ? cy : gr->ny - 1) * gr->nx + (cx < gr->nx ? cx : gr->nx - 1) + 2]++;
        }
    for (size_t c = 2; c < nc + 2; c++)
        gr->start[c] += gr->start[c - 1];
    for (size_t v = 0; v < g->n; v++)
        if (!isnan(g->x[v])) {
            size_t cx = (size_t)((g->x[v] - minx) * gr->kx / gr->cell);
            size_t cy = (size_t)((g->y[v] - miny) * gr->ky / gr->cell);
            size_t c = (cy < gr->ny ? cy : gr->ny - 1) * gr->nx + (cx < gr->nx ? cx : gr->nx - 1);
            gr->item[gr->start[c + 1]++] = (uint32_t)v;
        }
    return AQ_OK;
}

static void grid_query(const aq_graph *g, const grid *gr, double x, double y, size_t *best_v,
                       double *best_d)
{
    double px = (x - gr->x0) * gr->kx / gr->cell, py = (y - gr->y0) * gr->ky / gr->cell;
    long cx = (long)floor(px), cy = (long)floor(py);
    double best = INFINITY; /* in grid km */
    size_t bv = SIZE_MAX;
    long maxr = (long)(gr->nx > gr->ny ? gr->nx : gr->ny) + labs(cx) + labs(cy) + 1;
    for (long r = 0; r <= maxr; r++) {
        /* Every node in ring r is at least (r - 1) cells away. */
        if (bv != SIZE_MAX && (double)(r - 1) * gr->cell > best)
            break;
        for (long j = cy - r; j <= cy + r; j++) {
            if (j < 0 || j >= (long)gr->ny)
                continue;
            long step = (j == cy - r || j == cy + r) ? 1 : 2 * r;
            for (long i = cx - r; i <= cx + r; i += step ? step : 1) {
                if (i < 0 || i >= (long)gr->nx)
                    continue;
                size_t c = (size_t)j * gr->nx + (size_t)i;
                for (uint32_t k = gr->start[c]; k < gr->start[c + 1]; k++) {
                    uint32_t v = gr->item[k];
                    double d = hypot((g->x[v] - x) * gr->kx, (g->y[v] - y) * gr->ky);
                    if (d < best || (d == best && v < bv))
                        best = d, bv = v;
                }
            }
        }
    }
    *best_v = bv;
    *best_d = bv == SIZE_MAX ? INFINITY : aq__graph_dist(g, x, y, g->x[bv], g->y[bv]);
}

int aq_graph_snap(aq_ctx *ctx, const aq_graph *g, const double *x, const double *y, size_t n,
                  size_t *node, double *dist)
{
    if (!g->x)
        return aq__err(ctx, AQ_EUSAGE, "the network has no node coordinates to snap to; give a "
                       "node table with x and y (or build the network from lines)");
    grid gr;
    memset(&gr, 0, sizeof gr);
    int rc = grid_build(ctx, g, &gr);
    if (rc)
        return rc;
    for (size_t k = 0; k < n; k++) {
        if (isnan(x[k]) || isnan(y[k])) {
            node[k] = SIZE_MAX;
            dist[k] = NAN;
            continue;
        }
        grid_query(g, &gr, x[k], y[k], &node[k], &dist[k]);
    }
    aq__free(gr.start);
    aq__free(gr.item);
    return AQ_OK;
}
