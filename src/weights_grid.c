/*
 * weights_grid.c -- k nearest neighbours of planar points with a uniform
 * grid, the fast path of aq_weights_knn.
 *
 * Points are bucketed (a counting sort) into square cells holding about
 * two points each on average; a query scans the cells ring by ring around
 * its own, keeping the k best (distance, then lower index, as the kd-tree
 * does), and stops once the k-th distance is below the distance to the
 * edge of the rings scanned, beyond which no point can be nearer. Queries
 * run in cell order, so consecutive queries read the same cells (cache),
 * in parallel. The answer is exactly the kd-tree's: both find the k
 * smallest (squared distance, index) pairs, computed the same way.
 *
 * A grid suits points spread over their bounding box (grid cells, the
 * benchmark's points, settlements of a region); when a few cells hold most
 * points it would scan them again and again, so it declines (returns
 * AQ__GRID_DECLINED) and the caller uses the kd-tree.
 */
#include "spatial_int.h"

#include <math.h>
#include <string.h>

typedef struct grid {
    double x0, y0, h, inv;
    size_t gx, gy;
    size_t *start;    /* gx * gy + 1 cell offsets into the sorted points */
    double *px, *py;  /* coordinates in cell order                      */
    uint32_t *id;     /* original index in cell order                   */
} grid;

static void grid_free(grid *g)
{
    aq__free(g->start);
    aq__free(g->px);
    aq__free(g->py);
    aq__free(g->id);
}

static inline size_t cell_of(const grid *g, double v, double v0, size_t m)
{
    double c = (v - v0) * g->inv;
    size_t i = c > 0 ? (size_t)c : 0;
    return i < m ? i : m - 1;
}

/* Inserts (d, j) into the k best so far, ascending by (d, j). */
static inline void keep_best(double d, uint32_t j, size_t k, size_t *have, double *bd,
                             uint32_t *bi)
{
    if (*have == k && (d > bd[k - 1] || (d == bd[k - 1] && j > bi[k - 1])))
        return;
    size_t pos = *have < k ? (*have)++ : k - 1;
    while (pos > 0 && (bd[pos - 1] > d || (bd[pos - 1] == d && bi[pos - 1] > j))) {
        bd[pos] = bd[pos - 1];
        bi[pos] = bi[pos - 1];
        pos--;
    }
    bd[pos] = d;
    bi[pos] = j;
}

/* Scans cell (cx, cy) for the query at sorted position S. */
static inline void scan_cell(const grid *g, size_t cx, size_t cy, size_t s, size_t k,
                             size_t *have, double *bd, uint32_t *bi)
{
    size_t c = cy * g->gx + cx;
    double qx = g->px[s], qy = g->py[s];
    if (*have == k) { /* skip a cell that cannot hold a nearer point */
        double lx = g->x0 + (double)cx * g->h, ly = g->y0 + (double)cy * g->h;
        double ex = qx < lx ? lx - qx : (qx > lx + g->h ? qx - lx - g->h : 0);
        double ey = qy < ly ? ly - qy : (qy > ly + g->h ? qy - ly - g->h : 0);
        ex = ex > g->h * 1e-9 ? ex - g->h * 1e-9 : 0; /* the same slack as the rings */
        ey = ey > g->h * 1e-9 ? ey - g->h * 1e-9 : 0;
        if (ex * ex + ey * ey > bd[k - 1])
            return;
    }
    for (size_t p = g->start[c]; p < g->start[c + 1]; p++) {
        if (p == s)
            continue;
        double ex = qx - g->px[p], ey = qy - g->py[p];
        double d = 0;
        d += ex * ex; /* as the kd-tree sums it, so that ties tie the same way */
        d += ey * ey;
        keep_best(d, g->id[p], k, have, bd, bi);
    }
}

static void query(const grid *g, size_t s, size_t k, double *bd, uint32_t *bi)
{
    double qx = g->px[s], qy = g->py[s];
    size_t cx = cell_of(g, qx, g->x0, g->gx), cy = cell_of(g, qy, g->y0, g->gy), have = 0;
    /* a hair of slack on the ring edges: a point within rounding of a cell
     * boundary may have been put in the cell on the other side */
    double slack = g->h * 1e-9;
    for (size_t r = 0;; r++) {
        size_t xl = cx >= r ? cx - r : 0, xh = cx + r < g->gx ? cx + r : g->gx - 1;
        size_t yl = cy >= r ? cy - r : 0, yh = cy + r < g->gy ? cy + r : g->gy - 1;
        for (size_t y = yl; y <= yh; y++) {
            int edge_row = y + r == cy || y == cy + r;
            if (edge_row) {
                for (size_t x = xl; x <= xh; x++)
                    scan_cell(g, x, y, s, k, &have, bd, bi);
            } else {
                if (cx >= r)
                    scan_cell(g, cx - r, y, s, k, &have, bd, bi);
                if (r > 0 && cx + r < g->gx)
                    scan_cell(g, cx + r, y, s, k, &have, bd, bi);
            }
        }
        int all = cx < r + 1 && cy < r + 1 && cx + r + 1 >= g->gx && cy + r + 1 >= g->gy;
        if (all)
            return;
        if (have < k)
            continue;
        /* distance from the query to the nearest cell outside the rings */
        double m = INFINITY;
        if (cx >= r + 1)
            m = fmin(m, qx - (g->x0 + (double)(cx - r) * g->h));
        if (cx + r + 1 < g->gx)
            m = fmin(m, g->x0 + (double)(cx + r + 1) * g->h - qx);
        if (cy >= r + 1)
            m = fmin(m, qy - (g->y0 + (double)(cy - r) * g->h));
        if (cy + r + 1 < g->gy)
            m = fmin(m, g->y0 + (double)(cy + r + 1) * g->h - qy);
        m -= slack;
        if (m > 0 && bd[k - 1] < m * m)
            return;
    }
}

typedef struct {
    const grid *g;
    size_t k;
    uint32_t *nbr;
} grid_job;

/* The K nearest of the point in grid slot S, written to its unit's row. */
static void grid_one(void *arg, size_t s, uint32_t *bi, double *bd)
{
    const grid_job *j = arg;
    query(j->g, s, j->k, bd, bi);
    memcpy(j->nbr + (size_t)j->g->id[s] * j->k, bi, j->k * sizeof *bi);
}

int aq__knn_grid(aq_ctx *ctx, const double *x, const double *y, size_t n, size_t k,
                 uint32_t *nbr)
{
    double x0 = x[0], x1 = x[0], y0 = y[0], y1 = y[0];
    for (size_t i = 1; i < n; i++) {
        x0 = fmin(x0, x[i]);
        x1 = fmax(x1, x[i]);
        y0 = fmin(y0, y[i]);
        y1 = fmax(y1, y[i]);
    }
    double W = x1 - x0, H = y1 - y0;
    if (!(W > 0 && H > 0) || n < 64)
        return AQ__GRID_DECLINED;
    grid g;
    memset(&g, 0, sizeof g);
    g.x0 = x0;
    g.y0 = y0;
    g.h = sqrt(W * H * 2 / (double)n);
    /* a box too thin or too extreme for a grid (the area under- or
     * overflowing, or a sliver that would need more cells than points) */
    if (!(g.h > 0) || !isfinite(g.h) || !(W / g.h < (double)n) || !(H / g.h < (double)n))
        return AQ__GRID_DECLINED;
    g.gx = (size_t)(W / g.h) + 1;
    g.gy = (size_t)(H / g.h) + 1;
    if (g.gx * g.gy > 4 * n)
        return AQ__GRID_DECLINED;
    g.inv = 1 / g.h;
    size_t nc = g.gx * g.gy;
    uint32_t *cell = aq__malloc(n * sizeof *cell);
    g.start = aq__calloc(nc + 1, sizeof *g.start);
    g.px = aq__malloc(n * sizeof *g.px);
    g.py = aq__malloc(n * sizeof *g.py);
    g.id = aq__malloc(n * sizeof *g.id);
    if (!cell || !g.start || !g.px || !g.py || !g.id) {
        aq__free(cell);
        grid_free(&g);
        return aq__oom(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        cell[i] = (uint32_t)(cell_of(&g, y[i], y0, g.gy) * g.gx + cell_of(&g, x[i], x0, g.gx));
        g.start[cell[i] + 1]++;
    }
    /* clustered points: the mean occupancy of a point's cell */
    double crowd = 0;
    for (size_t c = 1; c <= nc; c++)
        crowd += (double)g.start[c] * (double)g.start[c];
    if (crowd / (double)n > 16) {
        aq__free(cell);
        grid_free(&g);
        return AQ__GRID_DECLINED;
    }
    for (size_t c = 0; c < nc; c++)
        g.start[c + 1] += g.start[c];
    for (size_t i = 0; i < n; i++) { /* stable: within a cell, by index */
        size_t p = g.start[cell[i]]++;
        g.px[p] = x[i];
        g.py[p] = y[i];
        g.id[p] = (uint32_t)i;
    }
    for (size_t c = nc; c > 0; c--)
        g.start[c] = g.start[c - 1];
    g.start[0] = 0;
    aq__free(cell);
    grid_job job = {&g, k, nbr};
    int rc = aq__knn_each(ctx, n, k, grid_one, &job);
    grid_free(&g);
    return rc;
}
