/*
 * network_kd.c -- the nearest of a fixed set of points in 3-D (squared
 * Euclidean distance), for straight-line graphs: points on the unit sphere
 * for degrees (the chord orders pairs as the great-circle distance does),
 * (x, y, 0) on the plane. A static k-d tree kept implicitly: the node of a
 * range is its middle element after a median split, the axis cycles with
 * the depth, so the tree is one permutation array and nothing else.
 */
#include "network_int.h"

#include <math.h>
#include <string.h>

typedef struct kd_ctx {
    const double *p;
    uint32_t *idx;
} kd_ctx;

static inline double coord(const kd_ctx *k, size_t at, int axis)
{
    return k->p[3 * (size_t)k->idx[at] + axis];
}

static inline void swap_idx(uint32_t *a, size_t i, size_t j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Moves the element of rank NTH in [lo, hi) by AXIS to position NTH, the
 * smaller ones before it and the larger after (Hoare's selection). */
static void select_nth(kd_ctx *k, size_t lo, size_t hi, size_t nth, int axis)
{
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        swap_idx(k->idx, mid, hi - 1);
        double pivot = coord(k, hi - 1, axis);
        size_t store = lo;
        for (size_t i = lo; i < hi - 1; i++)
            if (coord(k, i, axis) < pivot)
                swap_idx(k->idx, i, store++);
        swap_idx(k->idx, store, hi - 1);
        if (store == nth)
            return;
        if (nth < store)
            hi = store;
        else
            lo = store + 1;
    }
}

static void build(kd_ctx *k, size_t lo, size_t hi, int depth)
{
    if (hi - lo <= 1)
        return;
    size_t mid = lo + (hi - lo) / 2;
    select_nth(k, lo, hi, mid, depth % 3);
    build(k, lo, mid, depth + 1);
    build(k, mid + 1, hi, depth + 1);
}

int aq__kd_build(aq_ctx *ctx, const double *pts, size_t m, aq__kd *kd)
{
    memset(kd, 0, sizeof *kd);
    kd->idx = aq__xmalloc(ctx, sizeof *kd->idx * (m ? m : 1));
    if (!kd->idx)
        return AQ_ENOMEM;
    for (size_t i = 0; i < m; i++)
        kd->idx[i] = (uint32_t)i;
    kd->p = pts;
    kd->n = m;
    kd_ctx k = {pts, kd->idx};
    build(&k, 0, m, 0);
    return AQ_OK;
}

void aq__kd_free(aq__kd *kd)
{
    aq__free(kd->idx);
    memset(kd, 0, sizeof *kd);
}

static void search(const aq__kd *kd, size_t lo, size_t hi, int depth, const double *q,
                   size_t *best, double *bd)
{
    if (lo >= hi)
        return;
    size_t mid = lo + (hi - lo) / 2;
    uint32_t i = kd->idx[mid];
    const double *pt = kd->p + 3 * (size_t)i;
    double dx = q[0] - pt[0], dy = q[1] - pt[1], dz = q[2] - pt[2];
    double d2 = dx * dx + dy * dy + dz * dz;
    if (d2 < *bd || (d2 == *bd && i < *best)) /* ties: the lowest index */
        *bd = d2, *best = i;
    double diff = q[depth % 3] - pt[depth % 3];
    if (diff < 0)
        search(kd, lo, mid, depth + 1, q, best, bd);
    else
        search(kd, mid + 1, hi, depth + 1, q, best, bd);
    /* The other side can hold an equal or closer point only within diff. */
    if (diff * diff <= *bd) {
        if (diff < 0)
            search(kd, mid + 1, hi, depth + 1, q, best, bd);
        else
            search(kd, lo, mid, depth + 1, q, best, bd);
    }
}

void aq__kd_nearest(const aq__kd *kd, const double *q, size_t *best, double *best_d2)
{
    *best = SIZE_MAX;
    *best_d2 = INFINITY;
    search(kd, 0, kd->n, 0, q, best, best_d2);
}
