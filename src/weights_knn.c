/*
 * weights_knn.c -- distance-based weights from points: k nearest
 * neighbours, distance bands (binary or inverse distance) and kernels.
 *
 * One kd-tree serves all three. Points on the sphere (longitude/latitude)
 * become unit vectors in 3D: the chord between two of them grows with the
 * great-circle distance, so nearest neighbours by chord are nearest by
 * great circle, and a band of d km is a chord of 2 sin(d / 2R).
 *
 * The tree is a balanced, implicitly indexed one (children of node v are
 * 2v+1 and 2v+2, split at the median of the widest side), with each node's
 * bounding box for pruning and the points copied in tree order so that a
 * leaf scan reads contiguous memory. Queries run in tree order too, so
 * neighbouring queries touch the same leaves (cache locality), in parallel.
 */
#include "spatial_int.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define LEAF 8
#define MAXD 3

typedef struct kdtree {
    int D, levels;
    size_t n, nnodes;
    double *pt;     /* n * D coordinates in tree order   */
    uint32_t *idx;  /* tree position -> original index   */
    size_t *lo, *hi;
    double *bmin, *bmax; /* nnodes * D                 */
} kdtree;

static void kd_free(kdtree *t)
{
    aq__free(t->pt);
    aq__free(t->idx);
    aq__free(t->lo);
    aq__free(t->hi);
    aq__free(t->bmin);
    aq__free(t->bmax);
}

/* Moves the element of rank k (by coordinate dim) of idx[lo..hi) to k, with
 * smaller ones before it and larger ones after: quickselect with a
 * three-way partition (median-of-three pivot), so runs of equal
 * coordinates cannot stall it. */
static void select_k(uint32_t *idx, const double *p, int D, int dim, size_t lo, size_t hi, size_t k)
{
#define KEY(q) p[(size_t)idx[q] * D + dim]
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        double a = KEY(lo), b = KEY(mid), c = KEY(hi - 1);
        double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double v = KEY(i);
            uint32_t t;
            if (v < pivot) {
                t = idx[lt], idx[lt] = idx[i], idx[i] = t;
                lt++, i++;
            } else if (v > pivot) {
                gt--;
                t = idx[gt], idx[gt] = idx[i], idx[i] = t;
            } else {
                i++;
            }
        }
        if (k < lt)
            hi = lt;
        else if (k >= gt)
            lo = gt;
        else
            return;
    }
#undef KEY
}

static void build_node(kdtree *t, const double *p, size_t v, size_t lo, size_t hi, int level)
{
    int D = t->D;
    double *mn = t->bmin + v * D, *mx = t->bmax + v * D;
    for (int d = 0; d < D; d++) {
        mn[d] = INFINITY;
        mx[d] = -INFINITY;
    }
    for (size_t i = lo; i < hi; i++)
        for (int d = 0; d < D; d++) {
            double c = p[(size_t)t->idx[i] * D + d];
            if (c < mn[d])
                mn[d] = c;
            if (c > mx[d])
                mx[d] = c;
        }
    t->lo[v] = lo;
    t->hi[v] = hi;
    if (level == t->levels)
        return;
    int dim = 0;
    for (int d = 1; d < D; d++)
        if (mx[d] - mn[d] > mx[dim] - mn[dim])
            dim = d;
    size_t mid = lo + (hi - lo) / 2;
    if (hi > lo)
        select_k(t->idx, p, D, dim, lo, hi, mid);
    if (level < 5) {
#pragma omp task
        build_node(t, p, 2 * v + 1, lo, mid, level + 1);
#pragma omp task
        build_node(t, p, 2 * v + 2, mid, hi, level + 1);
#pragma omp taskwait
    } else {
        build_node(t, p, 2 * v + 1, lo, mid, level + 1);
        build_node(t, p, 2 * v + 2, mid, hi, level + 1);
    }
}

/* P holds n * D coordinates (original order). */
static int kd_build(aq_ctx *ctx, kdtree *t, const double *p, size_t n, int D)
{
    memset(t, 0, sizeof *t);
    t->D = D;
    t->n = n;
    while (((size_t)1 << t->levels) * LEAF < n)
        t->levels++;
    t->nnodes = ((size_t)2 << t->levels) - 1;
    t->pt = aq__malloc(n * D * sizeof *t->pt);
    t->idx = aq__malloc(n * sizeof *t->idx);
    t->lo = aq__malloc(t->nnodes * sizeof *t->lo);
    t->hi = aq__malloc(t->nnodes * sizeof *t->hi);
    t->bmin = aq__malloc(t->nnodes * D * sizeof *t->bmin);
    t->bmax = aq__malloc(t->nnodes * D * sizeof *t->bmax);
    if (!t->pt || !t->idx || !t->lo || !t->hi || !t->bmin || !t->bmax) {
        kd_free(t);
        return aq__oom(ctx);
    }
    for (size_t i = 0; i < n; i++)
        t->idx[i] = (uint32_t)i;
    int nt = aq__spatial_threads(ctx);
#pragma omp parallel num_threads(nt)
#pragma omp single
    build_node(t, p, 0, 0, n, 0);
    for (size_t i = 0; i < n; i++)
        memcpy(t->pt + i * D, p + (size_t)t->idx[i] * D, D * sizeof *p);
    return AQ_OK;
}

static inline double box_dist2(const kdtree *t, size_t v, const double *q)
{
    const double *mn = t->bmin + v * t->D, *mx = t->bmax + v * t->D;
    double s = 0;
    for (int d = 0; d < t->D; d++) {
        double e = q[d] < mn[d] ? mn[d] - q[d] : (q[d] > mx[d] ? q[d] - mx[d] : 0);
        s += e * e;
    }
    return s;
}

static inline double dist2(const double *a, const double *b, int D)
{
    double s = 0;
    for (int d = 0; d < D; d++) {
        double e = a[d] - b[d];
        s += e * e;
    }
    return s;
}

typedef struct stackent {
    size_t v;
    double d2;
} stackent;

/* The K nearest points to the point at tree position QP (itself excluded),
 * ascending by distance, ties to the lower original index. */
static void kd_knn(const kdtree *t, size_t qp, size_t k, uint32_t *bi, double *bd)
{
    const double *q = t->pt + qp * t->D;
    uint32_t self = t->idx[qp];
    size_t have = 0;
    stackent stack[128];
    int sp = 0;
    stack[sp++] = (stackent){0, 0};
    while (sp) {
        stackent s = stack[--sp];
        if (have == k && s.d2 > bd[k - 1])
            continue;
        size_t v = s.v;
        if (2 * v + 1 >= t->nnodes) {
            for (size_t p = t->lo[v]; p < t->hi[v]; p++) {
                uint32_t j = t->idx[p];
                if (j == self)
                    continue;
                double d = dist2(q, t->pt + p * t->D, t->D);
                if (have == k && (d > bd[k - 1] || (d == bd[k - 1] && j > bi[k - 1])))
                    continue;
                size_t pos = have < k ? have++ : k - 1;
                while (pos > 0 && (bd[pos - 1] > d || (bd[pos - 1] == d && bi[pos - 1] > j))) {
                    bd[pos] = bd[pos - 1];
                    bi[pos] = bi[pos - 1];
                    pos--;
                }
                bd[pos] = d;
                bi[pos] = j;
            }
            continue;
        }
        size_t a = 2 * v + 1, b = 2 * v + 2;
        double da = box_dist2(t, a, q), db = box_dist2(t, b, q);
        if (da > db) {
            size_t tv = a;
            a = b;
            b = tv;
            double td = da;
            da = db;
            db = td;
        }
        stack[sp++] = (stackent){b, db};
        stack[sp++] = (stackent){a, da};
    }
}

/* Appends every point within squared distance R2 of tree position QP
 * (itself included when SELF is 1) to the growable (j, d2) lists. */
typedef struct hitlist {
    uint32_t *j;
    double *d2;
    size_t len, cap;
    int failed;
} hitlist;

static void hit_push(hitlist *h, uint32_t j, double d2)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 64;
        uint32_t *nj = aq__realloc(h->j, cap * sizeof *nj);
        if (nj)
            h->j = nj;
        double *nd = nj ? aq__realloc(h->d2, cap * sizeof *nd) : NULL;
        if (!nj || !nd) {
            h->failed = 1;
            return;
        }
        h->d2 = nd;
        h->cap = cap;
    }
    h->j[h->len] = j;
    h->d2[h->len++] = d2;
}

static void kd_radius(const kdtree *t, size_t qp, double r2, int self, hitlist *h)
{
    const double *q = t->pt + qp * t->D;
    uint32_t me = t->idx[qp];
    size_t stack[128];
    int sp = 0;
    stack[sp++] = 0;
    while (sp && !h->failed) {
        size_t v = stack[--sp];
        if (box_dist2(t, v, q) > r2)
            continue;
        if (2 * v + 1 >= t->nnodes) {
            for (size_t p = t->lo[v]; p < t->hi[v]; p++) {
                uint32_t j = t->idx[p];
                if (j == me && !self)
                    continue;
                double d = dist2(q, t->pt + p * t->D, t->D);
                if (d <= r2)
                    hit_push(h, j, d);
            }
            continue;
        }
        stack[sp++] = 2 * v + 2;
        stack[sp++] = 2 * v + 1;
    }
}

/* ---- coordinates and distances ---- */

/* Coordinates for the tree: (x, y) or unit vectors for the sphere. */
static int make_points(aq_ctx *ctx, const double *x, const double *y, size_t n,
                       enum aq_metric metric, double **out, int *D)
{
    if (n >= UINT32_MAX)
        return aq__err(ctx, AQ_EUSAGE, "%zu points are more than aimaq's weights can index", n);
    *D = metric == AQ_METRIC_SPHERE ? 3 : 2;
    double *p = aq__malloc((n ? n : 1) * *D * sizeof *p);
    if (!p)
        return aq__oom(ctx);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) {
            aq__free(p);
            return aq__err(ctx, AQ_EINPUT, "the coordinates of row %zu are missing or not finite",
                           i + 1);
        }
        if (metric == AQ_METRIC_SPHERE) {
            if (fabs(y[i]) > 90 || fabs(x[i]) > 360) {
                aq__free(p);
                return aq__err(ctx, AQ_EINPUT,
                               "row %zu: longitude %g, latitude %g are not degrees (is the data "
                               "projected? then its distances are planar)",
                               i + 1, x[i], y[i]);
            }
            double lon = x[i] * M_PI / 180, lat = y[i] * M_PI / 180;
            p[3 * i] = cos(lat) * cos(lon);
            p[3 * i + 1] = cos(lat) * sin(lon);
            p[3 * i + 2] = sin(lat);
        } else {
            p[2 * i] = x[i];
            p[2 * i + 1] = y[i];
        }
    }
    *out = p;
    return AQ_OK;
}

/* Distance in the caller's units from a squared tree distance. */
static inline double true_dist(double d2, enum aq_metric metric)
{
    double c = sqrt(d2);
    if (metric == AQ_METRIC_SPHERE) {
        double h = c / 2 > 1 ? 1 : c / 2;
        return 2 * AQ_EARTH_RADIUS_KM * asin(h);
    }
    return c;
}

/* Squared tree distance of a distance D in the caller's units. */
static double tree_d2(double d, enum aq_metric metric)
{
    if (metric == AQ_METRIC_SPHERE) {
        double a = d / (2 * AQ_EARTH_RADIUS_KM);
        double c = a >= M_PI / 2 ? 2 : 2 * sin(a);
        /* a hair more, so that a pair exactly at the band is kept despite
         * rounding in the chord */
        return c * c * (1 + 1e-12);
    }
    return d * d;
}

/* ---- k nearest neighbours ---- */

/* The K nearest neighbours of every point: nbr[i*k ..] and, if dist is
 * non-NULL, their distances in the caller's units. */
typedef struct {
    const kdtree *t;
    size_t k;
    enum aq_metric metric;
    uint32_t *nbr;
    double *dist;
} knn_job;

static void knn_one(void *arg, size_t p, uint32_t *bi, double *bd)
{
    const knn_job *j = arg;
    kd_knn(j->t, p, j->k, bi, bd);
    size_t i = j->t->idx[p], k = j->k;
    memcpy(j->nbr + i * k, bi, k * sizeof *bi);
    if (j->dist)
        for (size_t a = 0; a < k; a++)
            j->dist[i * k + a] = true_dist(bd[a], j->metric);
}

static int knn_lists(aq_ctx *ctx, const kdtree *t, size_t k, enum aq_metric metric,
                     uint32_t *nbr, double *dist)
{
    knn_job job = {t, k, metric, nbr, dist};
    return aq__knn_each(ctx, t->n, k, knn_one, &job);
}

int aq_weights_knn(aq_ctx *ctx, const double *x, const double *y, size_t n,
                   enum aq_metric metric, size_t k, aq_weights **out)
{
    if (k < 1 || k >= n)
        return aq__err(ctx, AQ_EUSAGE, "k nearest neighbours: k = %zu, but it must be between 1 "
                                       "and the number of points less one (%zu)",
                       k, n ? n - 1 : 0);
    double *p = NULL;
    int D, rc = make_points(ctx, x, y, n, metric, &p, &D);
    if (rc)
        return rc;
    size_t *off = aq__malloc((n + 1) * sizeof *off);
    uint32_t *nbr = aq__malloc(n * k * sizeof *nbr);
    if (!off || !nbr) {
        aq__free(p);
        aq__free(off);
        aq__free(nbr);
        return aq__oom(ctx);
    }
    /* planar points spread over their box: the grid (same answer, about
     * twice as fast); otherwise, or on the sphere, the kd-tree */
    rc = metric == AQ_METRIC_PLANAR ? aq__knn_grid(ctx, x, y, n, k, nbr) : AQ__GRID_DECLINED;
    if (rc == AQ__GRID_DECLINED) {
        kdtree t;
        rc = kd_build(ctx, &t, p, n, D);
        if (rc == AQ_OK) {
            rc = knn_lists(ctx, &t, k, metric, nbr, NULL);
            kd_free(&t);
        }
    }
    aq__free(p);
    if (rc) {
        aq__free(off);
        aq__free(nbr);
        return rc;
    }
    for (size_t i = 0; i <= n; i++)
        off[i] = i * k;
    rc = aq__weights_take(ctx, n, off, nbr, NULL, out);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, *out, AQ_WSTYLE_W);
    return rc;
}

/* ---- radius queries: bands and fixed kernels ---- */

/* What to do with each pair (i, j, d) found within the radius. */
typedef struct pairfn {
    enum aq_metric metric;
    double alpha;        /* band: 0 binary, < 0 inverse distance        */
    enum aq_kernel fn;   /* kernel, or 0 for a band                     */
    const double *bw;    /* per unit bandwidth (kernel) or NULL          */
} pairfn;

static double kernel_value(enum aq_kernel fn, double z)
{
    switch (fn) {
    case AQ_KERNEL_TRIANGULAR:
        return 1 - z;
    case AQ_KERNEL_UNIFORM:
        return 0.5;
    case AQ_KERNEL_QUADRATIC:
        return 0.75 * (1 - z * z);
    case AQ_KERNEL_QUARTIC:
        return 15.0 / 16 * (1 - z * z) * (1 - z * z);
    case AQ_KERNEL_GAUSSIAN:
        return exp(-z * z / 2) / sqrt(2 * M_PI);
    }
    return 0;
}

/* Collects, per unit, the points within its radius into CSR arrays. Unit i
 * uses radius r2[i] (squared tree distance) or the single r2all. */
static int radius_lists(aq_ctx *ctx, const kdtree *t, double r2all, const double *r2,
                        int self, size_t **off_out, uint32_t **nbr_out, double **d_out)
{
    size_t n = t->n;
    int nt = aq__spatial_threads(ctx), failed = 0;
    size_t *off = aq__calloc(n + 1, sizeof *off);
    hitlist *lists = aq__calloc((size_t)nt, sizeof *lists);
    size_t *first = aq__malloc((n ? n : 1) * sizeof *first); /* row -> position in its list */
    int *owner = aq__malloc((n ? n : 1) * sizeof *owner);
    if (!off || !lists || !first || !owner) {
        aq__free(off);
        aq__free(lists);
        aq__free(first);
        aq__free(owner);
        return aq__oom(ctx);
    }
#pragma omp parallel num_threads(nt)
    {
        int me = omp_get_thread_num();
        hitlist *h = &lists[me];
#pragma omp for schedule(dynamic, 1024)
        for (long p = 0; p < (long)n; p++) {
            size_t i = t->idx[p], before = h->len;
            kd_radius(t, (size_t)p, r2 ? r2[i] : r2all, self, h);
            first[i] = before;
            owner[i] = me;
            off[i + 1] = h->len - before;
        }
        if (h->failed) {
#pragma omp atomic write
            failed = 1;
        }
    }
    uint32_t *nbr = NULL;
    double *d = NULL;
    if (!failed) {
        for (size_t i = 0; i < n; i++)
            off[i + 1] += off[i];
        nbr = aq__malloc((off[n] ? off[n] : 1) * sizeof *nbr);
        d = aq__malloc((off[n] ? off[n] : 1) * sizeof *d);
        failed = !nbr || !d;
    }
    if (!failed)
        for (size_t i = 0; i < n; i++) {
            const hitlist *h = &lists[owner[i]];
            size_t len = off[i + 1] - off[i];
            memcpy(nbr + off[i], h->j + first[i], len * sizeof *nbr);
            memcpy(d + off[i], h->d2 + first[i], len * sizeof *d);
        }
    for (int k = 0; k < nt; k++) {
        aq__free(lists[k].j);
        aq__free(lists[k].d2);
    }
    aq__free(lists);
    aq__free(first);
    aq__free(owner);
    if (failed) {
        aq__free(off);
        aq__free(nbr);
        aq__free(d);
        return aq__oom(ctx);
    }
    *off_out = off;
    *nbr_out = nbr;
    *d_out = d;
    return AQ_OK;
}

/* Turns the squared tree distances of CSR rows into weights, in place. */
static int pair_weights(aq_ctx *ctx, size_t n, const size_t *off, const uint32_t *nbr,
                        double *d, const pairfn *f)
{
    for (size_t i = 0; i < n; i++)
        for (size_t e = off[i]; e < off[i + 1]; e++) {
            double dist = true_dist(d[e], f->metric);
            if (f->fn) {
                double z = nbr[e] == i ? 0 : dist / f->bw[i];
                d[e] = kernel_value(f->fn, z > 1 ? 1 : z);
            } else if (f->alpha < 0) {
                if (dist == 0)
                    return aq__err(ctx, AQ_EINPUT,
                                   "inverse distance weights: the points in rows %zu and %u "
                                   "coincide (distance 0)",
                                   i + 1, nbr[e] + 1);
                d[e] = pow(dist, f->alpha);
            } else {
                d[e] = 1.0;
            }
        }
    return AQ_OK;
}

int aq_weights_band(aq_ctx *ctx, const double *x, const double *y, size_t n,
                    enum aq_metric metric, double threshold, double alpha, aq_weights **out)
{
    if (!(threshold > 0))
        return aq__err(ctx, AQ_EUSAGE, "distance band: the threshold must be positive, not %g",
                       threshold);
    if (alpha > 0)
        return aq__err(ctx, AQ_EUSAGE,
                       "distance band: the power alpha must be 0 (binary) or negative, not %g",
                       alpha);
    double *p = NULL;
    int D, rc = make_points(ctx, x, y, n, metric, &p, &D);
    if (rc)
        return rc;
    kdtree t;
    rc = kd_build(ctx, &t, p, n, D);
    aq__free(p);
    if (rc)
        return rc;
    size_t *off = NULL;
    uint32_t *nbr = NULL;
    double *d = NULL;
    rc = radius_lists(ctx, &t, tree_d2(threshold, metric), NULL, 0, &off, &nbr, &d);
    kd_free(&t);
    if (rc)
        return rc;
    pairfn f = {metric, alpha, 0, NULL};
    rc = pair_weights(ctx, n, off, nbr, d, &f);
    if (rc) {
        aq__free(off);
        aq__free(nbr);
        aq__free(d);
        return rc;
    }
    rc = aq__weights_take(ctx, n, off, nbr, d, out);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, *out, AQ_WSTYLE_W);
    return rc;
}

int aq_weights_kernel(aq_ctx *ctx, const double *x, const double *y, size_t n,
                      enum aq_metric metric, enum aq_kernel fn, double bandwidth, size_t k,
                      aq_weights **out)
{
    if (fn < AQ_KERNEL_TRIANGULAR || fn > AQ_KERNEL_GAUSSIAN)
        return aq__err(ctx, AQ_EUSAGE, "unknown kernel function %d", (int)fn);
    if (bandwidth <= 0 && (k < 1 || k >= n))
        return aq__err(ctx, AQ_EUSAGE,
                       "adaptive kernel: k = %zu, but it must be between 1 and %zu", k,
                       n ? n - 1 : 0);
    double *p = NULL;
    int D, rc = make_points(ctx, x, y, n, metric, &p, &D);
    if (rc)
        return rc;
    kdtree t;
    rc = kd_build(ctx, &t, p, n, D);
    aq__free(p);
    if (rc)
        return rc;
    double *bw = aq__malloc((n ? n : 1) * sizeof *bw);
    size_t *off = NULL;
    uint32_t *nbr = NULL;
    double *d = NULL;
    if (!bw) {
        kd_free(&t);
        return aq__oom(ctx);
    }
    if (bandwidth > 0) {
        for (size_t i = 0; i < n; i++)
            bw[i] = bandwidth;
        rc = radius_lists(ctx, &t, tree_d2(bandwidth, metric), NULL, 1, &off, &nbr, &d);
    } else {
        /* Adaptive: the unit and its k nearest neighbours, bandwidth the k-th
         * distance widened by 1e-7 as libpysal does (so the k-th neighbour
         * keeps a small positive weight). */
        uint32_t *kn = aq__malloc(n * k * sizeof *kn);
        double *kd = aq__malloc(n * k * sizeof *kd);
        off = aq__malloc((n + 1) * sizeof *off);
        nbr = aq__malloc(n * (k + 1) * sizeof *nbr);
        d = aq__malloc(n * (k + 1) * sizeof *d);
        if (!kn || !kd || !off || !nbr || !d)
            rc = aq__oom(ctx);
        if (rc == AQ_OK)
            rc = knn_lists(ctx, &t, k, metric, kn, kd);
        for (size_t i = 0; rc == AQ_OK && i < n; i++) {
            off[i] = i * (k + 1);
            bw[i] = kd[i * k + k - 1] * 1.0000001;
            if (!(bw[i] > 0))
                rc = aq__err(ctx, AQ_EINPUT,
                             "adaptive kernel: the %zu nearest points of row %zu coincide with "
                             "it (bandwidth 0)",
                             k, i + 1);
            nbr[i * (k + 1)] = (uint32_t)i;
            d[i * (k + 1)] = 0;
            for (size_t a = 0; a < k; a++) {
                nbr[i * (k + 1) + 1 + a] = kn[i * k + a];
                double c = tree_d2(kd[i * k + a], metric);
                d[i * (k + 1) + 1 + a] = metric == AQ_METRIC_SPHERE ? c / (1 + 1e-12) : c;
            }
        }
        if (off)
            off[n] = n * (k + 1);
        aq__free(kn);
        aq__free(kd);
    }
    kd_free(&t);
    if (rc == AQ_OK) {
        pairfn f = {metric, 0, fn, bw};
        rc = pair_weights(ctx, n, off, nbr, d, &f);
    }
    aq__free(bw);
    if (rc) {
        aq__free(off);
        aq__free(nbr);
        aq__free(d);
        return rc;
    }
    rc = aq__weights_take(ctx, n, off, nbr, d, out);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, *out, AQ_WSTYLE_O);
    return rc;
}
