/*
 * weights_contig.c -- queen and rook contiguity from polygons.
 *
 * Every vertex of every ring becomes a record (x, y, polygon). Vertices are
 * first merged into points: exactly equal coordinates (snap = 0, PySAL's and
 * GeoDa's rule), or, with a snap tolerance, vertices closer than it (found
 * in a grid of cells of the tolerance's size and joined with union-find), so
 * that tiny digitising gaps do not break a border. Then:
 *  - queen: polygons sharing a merged point are neighbours;
 *  - rook: polygons sharing an edge between two merged points are neighbours.
 * Everything is sorting, so 100,000 polygons take well under a second.
 */
#include "spatial_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct vrec {
    double x, y;
    uint32_t poly;
    uint32_t next; /* the next vertex of the same ring (for edges)  */
} vrec;

typedef struct vkey {
    int64_t cx, cy; /* grid cell (snap > 0) or unused            */
    double x, y;
    uint32_t rec;
} vkey;

static int cmp_exact(const void *a, const void *b)
{
    const vkey *p = a, *q = b;
    if (p->x != q->x)
        return p->x < q->x ? -1 : 1;
    if (p->y != q->y)
        return p->y < q->y ? -1 : 1;
    return 0;
}

static int cmp_cell(const void *a, const void *b)
{
    const vkey *p = a, *q = b;
    if (p->cx != q->cx)
        return p->cx < q->cx ? -1 : 1;
    if (p->cy != q->cy)
        return p->cy < q->cy ? -1 : 1;
    return 0;
}

typedef struct u3 {
    uint32_t a, b, poly;
} u3;

static int cmp_u3(const void *x, const void *y)
{
    const u3 *p = x, *q = y;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    if (p->b != q->b)
        return p->b < q->b ? -1 : 1;
    return p->poly < q->poly ? -1 : p->poly > q->poly;
}

typedef struct pairbuf {
    uint32_t *v;
    size_t len, cap; /* in pairs */
    int failed;
} pairbuf;

static void pair_push(pairbuf *b, uint32_t i, uint32_t j)
{
    if (b->len == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        uint32_t *v = aq__realloc(b->v, 2 * cap * sizeof *v);
        if (!v) {
            b->failed = 1;
            return;
        }
        b->v = v;
        b->cap = cap;
    }
    b->v[2 * b->len] = i;
    b->v[2 * b->len + 1] = j;
    b->len++;
}

/* Reads every polygon's vertices (dropping each ring's closing vertex). */
static int collect_vertices(aq_ctx *ctx, const unsigned char *const *wkb, const size_t *len,
                            size_t n, vrec **out, size_t *nout)
{
    aq__rings r = {0};
    vrec *v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        const char *why = "";
        int rc = aq__wkb_rings(wkb[i], len[i], &r, &why);
        if (rc == AQ_OK && r.points) {
            why = "a point, not a polygon";
            rc = AQ_EINPUT;
        }
        if (rc) {
            aq__rings_free(&r);
            aq__free(v);
            return rc == AQ_ENOMEM ? aq__oom(ctx)
                                   : aq__err(ctx, AQ_EINPUT,
                                             "contiguity: the geometry of row %zu is %s", i + 1,
                                             why);
        }
        for (size_t k = 0; k < r.nrings; k++) {
            size_t a = r.start[k], b = r.start[k + 1];
            if (b - a >= 2 && r.xy[2 * a] == r.xy[2 * (b - 1)] &&
                r.xy[2 * a + 1] == r.xy[2 * (b - 1) + 1])
                b--;
            if (nv + (b - a) > cap) {
                size_t nc = cap ? 2 * cap : 4096;
                while (nc < nv + (b - a))
                    nc *= 2;
                vrec *nvp = aq__realloc(v, nc * sizeof *nvp);
                if (!nvp) {
                    aq__rings_free(&r);
                    aq__free(v);
                    return aq__oom(ctx);
                }
                v = nvp;
                cap = nc;
            }
            size_t first = nv;
            for (size_t p = a; p < b; p++, nv++)
                v[nv] = (vrec){r.xy[2 * p], r.xy[2 * p + 1], (uint32_t)i, (uint32_t)(nv + 1)};
            if (nv > first)
                v[nv - 1].next = (uint32_t)first; /* the ring closes */
        }
    }
    aq__rings_free(&r);
    if (nv >= UINT32_MAX) {
        aq__free(v);
        return aq__err(ctx, AQ_EUSAGE, "contiguity: %zu vertices are too many", nv);
    }
    *out = v;
    *nout = nv;
    return AQ_OK;
}

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Merged-point id of every vertex record into cl[]. */
static int cluster_vertices(aq_ctx *ctx, const vrec *v, size_t nv, double snap, uint32_t *cl)
{
    vkey *k = aq__malloc((nv ? nv : 1) * sizeof *k);
    if (!k)
        return aq__oom(ctx);
    for (size_t i = 0; i < nv; i++) {
        k[i] = (vkey){0, 0, v[i].x, v[i].y, (uint32_t)i};
        if (snap > 0) {
            /* A cell index must fit in 64 bits: coordinates that far out
             * (or not finite) are bad input, not a reason for undefined
             * behaviour. */
            double fx = floor(v[i].x / snap), fy = floor(v[i].y / snap);
            if (!(fabs(fx) < 9e18 && fabs(fy) < 9e18)) {
                aq__free(k);
                return aq__err(ctx, AQ_EINPUT, "contiguity: vertex (%g, %g) of polygon %u is too far out for snap %g",
                               v[i].x, v[i].y, (unsigned)v[i].poly + 1, snap);
            }
            k[i].cx = (int64_t)fx;
            k[i].cy = (int64_t)fy;
        }
    }
    if (snap <= 0) {
        qsort(k, nv, sizeof *k, cmp_exact);
        uint32_t id = 0;
        for (size_t i = 0; i < nv; i++) {
            if (i && cmp_exact(&k[i], &k[i - 1]) != 0)
                id++;
            cl[k[i].rec] = id;
        }
        aq__free(k);
        return AQ_OK;
    }
    qsort(k, nv, sizeof *k, cmp_cell);
    for (size_t i = 0; i < nv; i++)
        cl[i] = (uint32_t)i;
    double s2 = snap * snap;
    /* For each cell, compare its vertices with those of the same cell and
     * of the four cells "after" it, so each pair of cells is seen once. */
    static const int dx[] = {0, 1, 1, 1, 0}, dy[] = {0, -1, 0, 1, 1};
    for (size_t a = 0, b; a < nv; a = b) {
        for (b = a + 1; b < nv && cmp_cell(&k[b], &k[a]) == 0; b++)
            ;
        for (int c = 0; c < 5; c++) {
            vkey probe = k[a];
            probe.cx += dx[c];
            probe.cy += dy[c];
            size_t lo = 0, hi = nv;
            while (lo < hi) { /* first record of the cell, if any */
                size_t mid = lo + (hi - lo) / 2;
                if (cmp_cell(&k[mid], &probe) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t p = a; p < b; p++)
                for (size_t q = c == 0 ? p + 1 : lo; q < nv && cmp_cell(&k[q], &probe) == 0; q++) {
                    double ex = k[p].x - k[q].x, ey = k[p].y - k[q].y;
                    if (ex * ex + ey * ey <= s2) {
                        uint32_t ra = uf_find(cl, k[p].rec), rb = uf_find(cl, k[q].rec);
                        if (ra != rb)
                            cl[ra] = rb;
                    }
                }
        }
    }
    aq__free(k);
    for (size_t i = 0; i < nv; i++)
        cl[i] = uf_find(cl, (uint32_t)i);
    return AQ_OK;
}

/* Emits every pair of distinct polygons within each run of equal (a, b). */
static void emit_groups(const u3 *e, size_t ne, pairbuf *pb)
{
    for (size_t s = 0, t; s < ne; s = t) {
        for (t = s + 1; t < ne && e[t].a == e[s].a && e[t].b == e[s].b; t++)
            ;
        for (size_t p = s; p < t; p++)
            for (size_t q = p + 1; q < t; q++)
                if (e[q].poly != e[p].poly)
                    pair_push(pb, e[p].poly, e[q].poly);
    }
}

int aq_weights_contiguity(aq_ctx *ctx, const unsigned char *const *wkb, const size_t *len,
                          size_t n, int rook, double snap, aq_weights **out)
{
    if (!(snap >= 0))
        return aq__err(ctx, AQ_EUSAGE, "contiguity: the snap tolerance must be 0 or more, not %g",
                       snap);
    vrec *v = NULL;
    size_t nv = 0;
    int rc = collect_vertices(ctx, wkb, len, n, &v, &nv);
    if (rc)
        return rc;
    uint32_t *cl = aq__malloc((nv ? nv : 1) * sizeof *cl);
    u3 *e = aq__malloc((nv ? nv : 1) * sizeof *e);
    pairbuf pb = {0};
    if (!cl || !e) {
        rc = aq__oom(ctx);
        goto done;
    }
    if ((rc = cluster_vertices(ctx, v, nv, snap, cl)))
        goto done;
    size_t ne = 0;
    for (size_t i = 0; i < nv; i++) {
        if (rook) {
            uint32_t a = cl[i], b = cl[v[i].next];
            if (a == b)
                continue; /* a repeated vertex is no edge */
            e[ne++] = (u3){a < b ? a : b, a < b ? b : a, v[i].poly};
        } else {
            e[ne++] = (u3){cl[i], 0, v[i].poly};
        }
    }
    qsort(e, ne, sizeof *e, cmp_u3);
    /* Drop repeats of the same (a, b, poly), so a polygon meets itself once. */
    size_t m = 0;
    for (size_t i = 0; i < ne; i++)
        if (!m || cmp_u3(&e[m - 1], &e[i]) != 0)
            e[m++] = e[i];
    emit_groups(e, m, &pb);
    if (pb.failed) {
        rc = aq__oom(ctx);
        goto done;
    }
    rc = aq__weights_from_pairs(ctx, n, pb.v, pb.len, out);
done:
    aq__free(v);
    aq__free(cl);
    aq__free(e);
    aq__free(pb.v);
    return rc;
}
