/*
 * weights.c -- the spatial weights structure: construction from neighbour
 * arrays, styles (PySAL transforms), ids, alignment to a table, moments
 * S0/S1/S2, the summary (links, islands, components) and the spatial lag.
 * Builders live in weights_knn.c (points), weights_contig.c (polygons),
 * weights_graph.c (block, higher order) and weights_io.c (GAL/GWT).
 */
#include "spatial_int.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int aq__spatial_threads(aq_ctx *ctx)
{
    int t = aq_ctx_threads(ctx);
    return t > 0 ? t : omp_get_max_threads();
}

int aq__knn_each(aq_ctx *ctx, size_t n, size_t k, void (*query)(void *arg, size_t p, uint32_t *bi, double *bd),
                 void *arg)
{
    int nt = aq__spatial_threads(ctx), failed = 0;
#pragma omp parallel num_threads(nt)
    {
        uint32_t *bi = aq__malloc(k * sizeof *bi);
        double *bd = aq__malloc(k * sizeof *bd);
        if (!bi || !bd) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1024)
        for (long p = 0; p < (long)n; p++)
            if (bi && bd)
                query(arg, (size_t)p, bi, bd);
        aq__free(bi);
        aq__free(bd);
    }
    return failed ? aq__oom(ctx) : AQ_OK;
}

double aq__norm_sf(double z) { return 0.5 * erfc(z / sqrt(2.0)); }

const char *aq__weights_unit_name(const aq_weights *w, size_t i, char *buf, size_t size)
{
    if (w && w->ids && i < w->n)
        snprintf(buf, size, "unit '%s'", w->ids[i]);
    else
        snprintf(buf, size, "unit in row %zu", i + 1);
    return buf;
}

int aq__spatial_check_values(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                             const char *what)
{
    char name[160];
    if (n != w->n)
        return aq__err(ctx, AQ_EUSAGE, "%s has %zu values but the weights have %zu units", what,
                       n, w->n);
    if (n < 4)
        return aq__err(ctx, AQ_EINPUT, "%s: %zu units are too few (at least 4 are needed)", what,
                       n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(y[i]))
            return aq__err(ctx, AQ_EINPUT, "%s is missing or not finite for the %s", what,
                           aq__weights_unit_name(w, i, name, sizeof name));
    for (size_t i = 1; i < n; i++)
        if (y[i] != y[0])
            return AQ_OK;
    return aq__err(ctx, AQ_EINPUT, "%s is constant (%g for all %zu units): its variance is zero",
                   what, y[0], n);
}

/* ---- construction ---- */

typedef struct nbw {
    uint32_t j;
    double w;
} nbw;

static int cmp_nbw(const void *a, const void *b)
{
    uint32_t x = ((const nbw *)a)->j, y = ((const nbw *)b)->j;
    return x < y ? -1 : x > y;
}

/* Sorts row [a, b) by neighbour index, carrying the weights along. */
static int sort_row(uint32_t *nbr, double *w, size_t len, nbw *tmp)
{
    if (len <= 24) {
        for (size_t i = 1; i < len; i++) {
            uint32_t j = nbr[i];
            double x = w[i];
            size_t k = i;
            for (; k > 0 && nbr[k - 1] > j; k--) {
                nbr[k] = nbr[k - 1];
                w[k] = w[k - 1];
            }
            nbr[k] = j;
            w[k] = x;
        }
        return 0;
    }
    for (size_t i = 0; i < len; i++)
        tmp[i] = (nbw){nbr[i], w[i]};
    qsort(tmp, len, sizeof *tmp, cmp_nbw);
    for (size_t i = 0; i < len; i++) {
        nbr[i] = tmp[i].j;
        w[i] = tmp[i].w;
    }
    return 0;
}

int aq__weights_take(aq_ctx *ctx, size_t n, size_t *off, uint32_t *nbr, double *w0,
                     aq_weights **out)
{
    aq_weights *w = NULL;
    nbw *tmp = NULL;
    size_t nnz = off[n], maxrow = 0;
    if (!w0) {
        w0 = aq__malloc(nnz * sizeof *w0);
        if (!w0)
            goto oom;
        for (size_t e = 0; e < nnz; e++)
            w0[e] = 1.0;
    }
    for (size_t i = 0; i < n; i++)
        if (off[i + 1] - off[i] > maxrow)
            maxrow = off[i + 1] - off[i];
    if (maxrow > 24 && !(tmp = aq__malloc(maxrow * sizeof *tmp)))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        size_t a = off[i], len = off[i + 1] - a;
        sort_row(nbr + a, w0 + a, len, tmp);
        for (size_t e = a; e < a + len; e++) {
            if (nbr[e] >= n) {
                aq__err(ctx, AQ_EINTERNAL, "neighbour index %u of unit %zu is out of range",
                        nbr[e], i);
                goto fail;
            }
            if (e > a && nbr[e] == nbr[e - 1]) {
                aq__err(ctx, AQ_EINPUT, "unit in row %zu lists neighbour in row %u twice", i + 1,
                        nbr[e] + 1);
                goto fail;
            }
        }
    }
    aq__free(tmp);
    tmp = NULL;
    w = aq__calloc(1, sizeof *w);
    if (!w || !(w->w = aq__malloc((nnz ? nnz : 1) * sizeof *w->w)))
        goto oom;
    w->n = n;
    w->off = off;
    w->nbr = nbr;
    w->w0 = w0;
    w->style = AQ_WSTYLE_O;
    memcpy(w->w, w0, nnz * sizeof *w0);
    *out = w;
    return AQ_OK;
oom:
    aq__oom(ctx);
fail:
    if (w)
        aq__free(w->w);
    aq__free(w);
    aq__free(tmp);
    aq__free(off);
    aq__free(nbr);
    aq__free(w0);
    return aq_errcode(ctx) ? aq_errcode(ctx) : AQ_ENOMEM;
}

static int cmp_pair(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

int aq__weights_from_pairs(aq_ctx *ctx, size_t n, uint32_t *pairs, size_t npairs,
                           aq_weights **out)
{
    /* Normalise each pair to (min, max), sort, drop duplicates, then write
     * both directions. */
    for (size_t p = 0; p < npairs; p++) {
        uint32_t a = pairs[2 * p], b = pairs[2 * p + 1];
        if (a > b) {
            pairs[2 * p] = b;
            pairs[2 * p + 1] = a;
        }
    }
    if (npairs)
        qsort(pairs, npairs, 2 * sizeof *pairs, cmp_pair);
    size_t m = 0;
    for (size_t p = 0; p < npairs; p++) {
        if (pairs[2 * p] == pairs[2 * p + 1])
            continue;
        if (m && pairs[2 * m - 2] == pairs[2 * p] && pairs[2 * m - 1] == pairs[2 * p + 1])
            continue;
        pairs[2 * m] = pairs[2 * p];
        pairs[2 * m + 1] = pairs[2 * p + 1];
        m++;
    }
    size_t *off = aq__calloc(n + 1, sizeof *off);
    uint32_t *nbr = aq__malloc((m ? 2 * m : 1) * sizeof *nbr);
    size_t *pos = aq__malloc((n ? n : 1) * sizeof *pos);
    if (!off || !nbr || !pos) {
        aq__free(off);
        aq__free(nbr);
        aq__free(pos);
        return aq__oom(ctx);
    }
    for (size_t p = 0; p < m; p++) {
        off[pairs[2 * p] + 1]++;
        off[pairs[2 * p + 1] + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    memcpy(pos, off, n * sizeof *pos);
    for (size_t p = 0; p < m; p++) {
        uint32_t a = pairs[2 * p], b = pairs[2 * p + 1];
        nbr[pos[a]++] = b;
        nbr[pos[b]++] = a;
    }
    aq__free(pos);
    int rc = aq__weights_take(ctx, n, off, nbr, NULL, out);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, *out, AQ_WSTYLE_W);
    return rc;
}

void aq_weights_free(aq_weights *w)
{
    if (!w)
        return;
    if (w->ids)
        for (size_t i = 0; i < w->n; i++)
            aq__free(w->ids[i]);
    aq__free(w->ids);
    aq__free(w->off);
    aq__free(w->nbr);
    aq__free(w->w0);
    aq__free(w->w);
    aq__free(w);
}

/* ---- styles ---- */

int aq_weights_set_style(aq_ctx *ctx, aq_weights *w, int style)
{
    size_t n = w->n, nnz = w->off[n];
    const double *w0 = w->w0;
    double *x = w->w;
    switch (style) {
    case AQ_WSTYLE_O:
        memcpy(x, w0, nnz * sizeof *x);
        break;
    case AQ_WSTYLE_B:
        for (size_t e = 0; e < nnz; e++)
            x[e] = 1.0;
        break;
    case AQ_WSTYLE_W:
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                s += w0[e];
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                x[e] = s != 0 ? w0[e] / s : 0;
        }
        break;
    case AQ_WSTYLE_C: {
        double s0 = 0;
        for (size_t e = 0; e < nnz; e++)
            s0 += w0[e];
        for (size_t e = 0; e < nnz; e++)
            x[e] = s0 != 0 ? w0[e] * (double)n / s0 : 0;
        break;
    }
    case AQ_WSTYLE_V: {
        double total = 0;
        for (size_t i = 0; i < n; i++) {
            double q = 0;
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                q += w0[e] * w0[e];
            q = sqrt(q);
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
                x[e] = q > 0 ? w0[e] / q : 0;
                total += x[e];
            }
        }
        for (size_t e = 0; e < nnz; e++)
            x[e] = total != 0 ? x[e] * (double)n / total : 0;
        break;
    }
    default:
        return aq__err(ctx, AQ_EUSAGE, "unknown weights style '%c': expected O, B, W, C or V",
                       style > 31 && style < 127 ? style : '?');
    }
    w->style = style;
    return AQ_OK;
}

int aq_weights_style(const aq_weights *w) { return w->style; }
size_t aq_weights_n(const aq_weights *w) { return w->n; }

size_t aq_weights_neighbors(const aq_weights *w, size_t i, const uint32_t **nbr,
                            const double **wt)
{
    size_t a = w->off[i];
    if (nbr)
        *nbr = w->nbr + a;
    if (wt)
        *wt = w->w + a;
    return w->off[i + 1] - a;
}

void aq_weights_lag(const aq_weights *w, const double *x, double *out)
{
    const size_t *off = w->off;
    const uint32_t *nbr = w->nbr;
    const double *wt = w->w;
    long n = (long)w->n;
#pragma omp parallel for schedule(static) if (n > 100000)
    for (long i = 0; i < n; i++) {
        double s = 0;
        for (size_t e = off[i]; e < off[i + 1]; e++)
            s += wt[e] * x[nbr[e]];
        out[i] = s;
    }
}

/* ---- ids ---- */

typedef struct idrow {
    const char *id;
    size_t row;
} idrow;

static int cmp_idrow(const void *a, const void *b)
{
    const idrow *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row < y->row ? -1 : x->row > y->row);
}

/* Sorted (id, row) pairs of IDS, or NULL; a duplicate is an error. */
static idrow *sorted_ids(aq_ctx *ctx, const char *const *ids, size_t n, const char *where)
{
    idrow *v = aq__malloc((n ? n : 1) * sizeof *v);
    if (!v) {
        aq__oom(ctx);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (!ids[i]) {
            aq__err(ctx, AQ_EINPUT, "%s: the id of row %zu is missing", where, i + 1);
            aq__free(v);
            return NULL;
        }
        v[i] = (idrow){ids[i], i};
    }
    qsort(v, n, sizeof *v, cmp_idrow);
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i].id, v[i - 1].id) == 0) {
            aq__err(ctx, AQ_EINPUT, "%s: id '%s' appears twice (rows %zu and %zu)", where, v[i].id,
                    v[i - 1].row + 1, v[i].row + 1);
            aq__free(v);
            return NULL;
        }
    return v;
}

static long find_id(const idrow *v, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].id, id);
        if (c == 0)
            return (long)v[mid].row;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

int aq_weights_set_ids(aq_ctx *ctx, aq_weights *w, const char *const *ids)
{
    idrow *chk = sorted_ids(ctx, ids, w->n, "unit ids");
    if (!chk)
        return aq_errcode(ctx);
    aq__free(chk);
    char **v = aq__calloc(w->n ? w->n : 1, sizeof *v);
    if (!v)
        return aq__oom(ctx);
    for (size_t i = 0; i < w->n; i++)
        if (!(v[i] = aq__strdup(ids[i]))) {
            for (size_t k = 0; k < i; k++)
                aq__free(v[k]);
            aq__free(v);
            return aq__oom(ctx);
        }
    if (w->ids)
        for (size_t i = 0; i < w->n; i++)
            aq__free(w->ids[i]);
    aq__free(w->ids);
    w->ids = v;
    return AQ_OK;
}

const char *aq_weights_id(const aq_weights *w, size_t i)
{
    return w->ids && i < w->n ? w->ids[i] : NULL;
}

int aq_weights_align(aq_ctx *ctx, const aq_weights *w, const char *const *ids, size_t n,
                     aq_weights **out)
{
    if (!w->ids)
        return aq__err(ctx, AQ_EUSAGE, "the weights carry no ids to match the data with");
    idrow *data = sorted_ids(ctx, ids, n, "data ids");
    if (!data)
        return aq_errcode(ctx);
    int rc = AQ_OK;
    size_t *map = aq__malloc((w->n ? w->n : 1) * sizeof *map); /* weights unit -> data row */
    size_t *off = aq__calloc(n + 1, sizeof *off);
    uint32_t *nbr = aq__malloc((w->off[w->n] ? w->off[w->n] : 1) * sizeof *nbr);
    double *w0 = aq__malloc((w->off[w->n] ? w->off[w->n] : 1) * sizeof *w0);
    size_t *inv = aq__malloc((n ? n : 1) * sizeof *inv);
    if (!map || !off || !nbr || !w0 || !inv) {
        rc = aq__oom(ctx);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        inv[i] = (size_t)-1;
    for (size_t u = 0; u < w->n; u++) {
        long r = find_id(data, n, w->ids[u]);
        if (r < 0) {
            rc = aq__err(ctx, AQ_EINPUT,
                         "the weights list unit '%s', which is not among the %zu ids of the data",
                         w->ids[u], n);
            goto done;
        }
        map[u] = (size_t)r;
        inv[r] = u;
    }
    for (size_t i = 0; i < n; i++)
        if (inv[i] == (size_t)-1) {
            rc = aq__err(ctx, AQ_EINPUT, "unit '%s' (data row %zu) is missing from the weights",
                         ids[i], i + 1);
            goto done;
        }
    for (size_t i = 0; i < n; i++)
        off[i + 1] = off[i] + (w->off[inv[i] + 1] - w->off[inv[i]]);
    for (size_t i = 0; i < n; i++) {
        size_t u = inv[i], o = off[i];
        for (size_t e = w->off[u]; e < w->off[u + 1]; e++, o++) {
            nbr[o] = (uint32_t)map[w->nbr[e]];
            w0[o] = w->w0[e];
        }
    }
    aq_weights *res = NULL;
    rc = aq__weights_take(ctx, n, off, nbr, w0, &res);
    off = NULL;
    nbr = NULL;
    w0 = NULL;
    if (rc == AQ_OK)
        rc = aq_weights_set_ids(ctx, res, ids);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, res, w->style);
    if (rc == AQ_OK)
        *out = res;
    else
        aq_weights_free(res);
done:
    aq__free(data);
    aq__free(map);
    aq__free(off);
    aq__free(nbr);
    aq__free(w0);
    aq__free(inv);
    return rc;
}

/* ---- moments and summary ---- */

/* Weight of (j, i) in row j, or 0: binary search in the sorted row. */
static double find_weight(const aq_weights *w, const double *wt, uint32_t j, uint32_t i)
{
    size_t lo = w->off[j], hi = w->off[j + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->nbr[mid] == i)
            return wt[mid];
        if (w->nbr[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int aq__weights_moments(aq_ctx *ctx, const aq_weights *w, double *s0, double *s1, double *s2)
{
    size_t n = w->n;
    double *col = aq__calloc(n ? n : 1, sizeof *col);
    if (!col)
        return aq__oom(ctx);
    double a = 0, b = 0, c = 0;
    /* S1 = 1/2 sum (w_ij + w_ji)^2 = sum w_ij^2 + sum w_ij w_ji. Looking up
     * w_ji reads row j at random, so the terms of a chunk of links are found
     * in parallel (into col, used as scratch before the column sums) and
     * then added one by one in link order: the same sum, to the last bit,
     * as a serial loop, for any number of threads. */
    size_t nnz = w->off[n], chunk = n ? n : 1;
    for (size_t e0 = 0; e0 < nnz; e0 += chunk) {
        size_t e1 = e0 + chunk < nnz ? e0 + chunk : nnz;
        size_t r0 = 0, lo = 0, hi = n; /* the row of link e0 */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (w->off[mid + 1] <= e0)
                lo = mid + 1;
            else
                hi = mid;
        }
        r0 = lo;
        long ne = (long)(e1 - e0);
#pragma omp parallel num_threads(aq__spatial_threads(ctx))
        {
            size_t row = r0;
#pragma omp for schedule(static)
            for (long t = 0; t < ne; t++) {
                size_t e = e0 + (size_t)t;
                while (w->off[row + 1] <= e) /* rows only move forward in a thread */
                    row++;
                double x = w->w[e];
                col[t] = x * x + x * find_weight(w, w->w, w->nbr[e], (uint32_t)row);
            }
        }
        for (size_t t = 0; t < e1 - e0; t++)
            b += col[t];
    }
    memset(col, 0, n * sizeof *col);
    for (size_t i = 0; i < n; i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            a += w->w[e];
            col[w->nbr[e]] += w->w[e];
        }
    for (size_t i = 0; i < n; i++) {
        double r = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
            r += w->w[e];
        c += (r + col[i]) * (r + col[i]);
    }
    aq__free(col);
    *s0 = a;
    *s1 = b;
    *s2 = c;
    return AQ_OK;
}

size_t aq_weights_island(const aq_weights *w, size_t k)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->off[i + 1] == w->off[i] && k-- == 0)
            return i;
    return (size_t)-1;
}

static size_t find_root(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

int aq_weights_summary(aq_ctx *ctx, const aq_weights *w, aq_weights_info *out)
{
    aq_weights_info s = {0};
    size_t n = w->n;
    size_t *parent = aq__malloc((n ? n : 1) * sizeof *parent);
    if (!parent)
        return aq__oom(ctx);
    s.n = n;
    s.min_neighbors = n ? (size_t)-1 : 0;
    s.symmetric = 1;
    for (size_t i = 0; i < n; i++)
        parent[i] = i;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            uint32_t j = w->nbr[e];
            if (j == i)
                continue;
            k++;
            if (s.symmetric && find_weight(w, w->w0, j, (uint32_t)i) != w->w0[e])
                s.symmetric = 0;
            size_t ri = find_root(parent, i), rj = find_root(parent, j);
            if (ri != rj)
                parent[ri] = rj;
        }
        s.links += k;
        s.islands += k == 0;
        if (k < s.min_neighbors)
            s.min_neighbors = k;
        if (k > s.max_neighbors)
            s.max_neighbors = k;
    }
    for (size_t i = 0; i < n; i++)
        s.components += find_root(parent, i) == i;
    aq__free(parent);
    s.mean_neighbors = n ? (double)s.links / (double)n : 0;
    s.pct_nonzero = n ? 100.0 * (double)w->off[n] / ((double)n * (double)n) : 0;
    int rc = aq__weights_moments(ctx, w, &s.s0, &s.s1, &s.s2);
    if (rc == AQ_OK)
        *out = s;
    return rc;
}

int aq_weights_add_self(aq_ctx *ctx, const aq_weights *w, aq_weights **out)
{
    size_t n = w->n, nnz = w->off[n];
    size_t *off = aq__malloc((n + 1) * sizeof *off);
    uint32_t *nbr = aq__malloc((nnz + n + 1) * sizeof *nbr);
    double *w0 = aq__malloc((nnz + n + 1) * sizeof *w0);
    if (!off || !nbr || !w0) {
        aq__free(off);
        aq__free(nbr);
        aq__free(w0);
        return aq__oom(ctx);
    }
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        off[i] = o;
        double mx = 0;
        int has_self = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            nbr[o] = w->nbr[e];
            w0[o++] = w->w0[e];
            if (w->w0[e] > mx)
                mx = w->w0[e];
            has_self |= w->nbr[e] == i;
        }
        if (!has_self) {
            nbr[o] = (uint32_t)i;
            w0[o++] = mx > 0 ? mx : 1.0;
        }
    }
    off[n] = o;
    aq_weights *res = NULL;
    int rc = aq__weights_take(ctx, n, off, nbr, w0, &res);
    if (rc == AQ_OK && w->ids)
        rc = aq_weights_set_ids(ctx, res, (const char *const *)w->ids);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, res, w->style);
    if (rc) {
        aq_weights_free(res);
        return rc;
    }
    *out = res;
    return AQ_OK;
}
