/*
 * classify_breaks.c -- map classes of one variable with the definitions of
 * PySAL mapclassify: Fisher-Jenks, quantiles, equal intervals, standard
 * deviations around the mean, box plot, head/tail breaks, k-means.
 *
 * Fisher-Jenks is the exact optimum of the within-class sum of squared
 * deviations. mapclassify fills an O(k n^2) table; here the same dynamic
 * programme uses the monotonicity of the optimal split (the cost satisfies
 * the quadrangle inequality), so each of the k layers is solved by divide
 * and conquer in O(n log n): 100,000 values and k = 7 take milliseconds.
 */
#include "index_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct jenks {
    const double *s1, *s2; /* prefix sums of (x - x0) and its square, n + 1 */
    const double *prev;    /* cost of the first i + 1 values in c - 1 classes */
    double *cur;
    size_t *split;         /* first index of the last class, per end index */
} jenks;

/* Sum of squared deviations of x[a..b] (inclusive). */
static double ssd(const jenks *J, size_t a, size_t b)
{
    double cnt = (double)(b - a + 1);
    double s = J->s1[b + 1] - J->s1[a];
    double v = J->s2[b + 1] - J->s2[a] - s * s / cnt;
    return v > 0 ? v : 0;
}

/* Fills cur[i] for i in [lo, hi] knowing the best split lies in
 * [optlo, opthi]. */
static void solve(jenks *J, size_t lo, size_t hi, size_t optlo, size_t opthi)
{
    while (lo <= hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t best = optlo;
        double bestv = INFINITY;
        size_t top = opthi < mid ? opthi : mid;
        for (size_t j = optlo; j <= top; j++) {
            double v = J->prev[j - 1] + ssd(J, j, mid);
            if (v < bestv) {
                bestv = v;
                best = j;
            }
        }
        J->cur[mid] = bestv;
        J->split[mid] = best;
        if (mid > lo)
            solve(J, lo, mid - 1, optlo, best);
        lo = mid + 1;
        optlo = best;
    }
}

int aq__jenks_sorted(aq_ctx *ctx, const double *x, size_t n, int k, double *bounds)
{
    if (k < 1 || (size_t)k > n)
        return aq__err(ctx, AQ_EUSAGE, "Fisher-Jenks: %d classes for %zu values", k, n);
    size_t K = (size_t)k;
    double *s1 = aq__xmalloc(ctx, (n + 1) * sizeof *s1);
    double *s2 = aq__xmalloc(ctx, (n + 1) * sizeof *s2);
    double *a = aq__xmalloc(ctx, n * sizeof *a);
    double *bb = aq__xmalloc(ctx, n * sizeof *bb);
    size_t *split = aq__xmalloc(ctx, K * n * sizeof *split);
    int rc = s1 && s2 && a && bb && split ? AQ_OK : AQ_ENOMEM;
    if (!rc) {
        double x0 = x[n / 2]; /* shifting by the median keeps the sums well conditioned */
        s1[0] = s2[0] = 0;
        for (size_t i = 0; i < n; i++) {
            double d = x[i] - x0;
            s1[i + 1] = s1[i] + d;
            s2[i + 1] = s2[i] + d * d;
        }
        jenks J = {s1, s2, NULL, a, split};
        for (size_t i = 0; i < n; i++) {
            a[i] = ssd(&J, 0, i);
            split[i] = 0;
        }
        for (size_t c = 1; c < K; c++) {
            J.prev = c % 2 ? a : bb;
            J.cur = c % 2 ? bb : a;
            J.split = split + c * n;
            solve(&J, c, n - 1, c, n - 1);
        }
        size_t end = n - 1;
        for (size_t c = K; c-- > 0;) {
            bounds[c] = x[end];
            size_t start = split[c * n + end];
            if (c)
                end = start - 1;
        }
    }
    aq__free(s1);
    aq__free(s2);
    aq__free(a);
    aq__free(bb);
    aq__free(split);
    return rc;
}

int aq_breaks_parse(const char *name, enum aq_breaks_method *out)
{
    static const struct { const char *name; enum aq_breaks_method m; } names[] = {
        {"fisher-jenks", AQ_BREAKS_FISHER_JENKS}, {"jenks", AQ_BREAKS_FISHER_JENKS},
        {"quantile", AQ_BREAKS_QUANTILE},         {"quantiles", AQ_BREAKS_QUANTILE},
        {"equal", AQ_BREAKS_EQUAL},               {"equal-interval", AQ_BREAKS_EQUAL},
        {"std-mean", AQ_BREAKS_STD_MEAN},         {"box", AQ_BREAKS_BOX},
        {"head-tail", AQ_BREAKS_HEAD_TAIL},       {"kmeans", AQ_BREAKS_KMEANS}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0) {
            *out = names[i].m;
            return AQ_OK;
        }
    return AQ_EUSAGE;
}

/* Lloyd's k-means on sorted values, started at the class medians of k
 * equal-count groups; clusters of sorted 1-D data are contiguous runs. */
static void kmeans_sorted(const double *x, size_t n, size_t k, double *bounds)
{
    double c[64];
    size_t ends[64];
    for (size_t q = 0; q < k; q++)
        c[q] = x[(size_t)(((double)q + 0.5) * (double)n / (double)k)];
    for (int it = 0; it < 300; it++) {
        size_t start = 0;
        int moved = 0;
        for (size_t q = 0; q < k; q++) {
            size_t e = start;
            if (q + 1 < k) {
                double cut = (c[q] + c[q + 1]) / 2;
                while (e < n && x[e] <= cut)
                    e++;
            } else
                e = n;
            ends[q] = e;
            double s = 0;
            for (size_t i = start; i < e; i++)
                s += x[i];
            double nc = e > start ? s / (double)(e - start) : c[q];
            moved |= nc != c[q];
            c[q] = nc;
            start = e;
        }
        if (!moved)
            break;
    }
    size_t start = 0;
    for (size_t q = 0; q < k; q++) {
        bounds[q] = ends[q] > start ? x[ends[q] - 1] : (q ? bounds[q - 1] : x[0]);
        start = ends[q];
    }
}

int aq_breaks(aq_ctx *ctx, const double *x, size_t n, enum aq_breaks_method method, int k,
              double **breaks_out, size_t **counts_out, size_t *nclasses)
{
    if (k < 1 || k > 64)
        return aq__err(ctx, AQ_EUSAGE, "the number of classes must be between 1 and 64, not %d", k);
    double *v = aq__xmalloc(ctx, (n ? n : 1) * sizeof *v);
    if (!v)
        return AQ_ENOMEM;
    size_t m = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i])) {
            v[m++] = x[i];
            sum += x[i];
        }
    if (!m) {
        aq__free(v);
        return aq__err(ctx, AQ_EINPUT, "no values to classify (all missing)");
    }
    qsort(v, m, sizeof *v, aq__cmp_double);
    double b[80];
    size_t nb = 0;
    int rc = AQ_OK;
    double mean = sum / (double)m;
    switch (method) {
    case AQ_BREAKS_FISHER_JENKS: {
        size_t kk = (size_t)k < m ? (size_t)k : m;
        rc = aq__jenks_sorted(ctx, v, m, (int)kk, b);
        nb = kk;
        break;
    }
    case AQ_BREAKS_QUANTILE:
        for (int q = 1; q <= k; q++) {
            double val = aq__quantile7(v, m, q == k ? 1.0 : (double)q / k);
            if (!nb || val != b[nb - 1]) /* np.unique */
                b[nb++] = val;
        }
        break;
    case AQ_BREAKS_EQUAL: {
        double w = (v[m - 1] - v[0]) / k;
        for (int q = 1; q < k; q++)
            b[nb++] = v[0] + w * q;
        b[nb++] = v[m - 1];
        break;
    }
    case AQ_BREAKS_STD_MEAN: {
        double ss = 0;
        for (size_t i = 0; i < m; i++)
            ss += (v[i] - mean) * (v[i] - mean);
        double sd = m > 1 ? sqrt(ss / (double)(m - 1)) : 0;
        for (int q = -2; q <= 2; q++)
            if (q)
                b[nb++] = mean + q * sd;
        if (b[nb - 1] < v[m - 1])
            b[nb++] = v[m - 1];
        break;
    }
    case AQ_BREAKS_BOX: {
        double q1 = aq__quantile7(v, m, 0.25), q2 = aq__quantile7(v, m, 0.5);
        double q3 = aq__quantile7(v, m, 0.75), iqr = q3 - q1;
        b[nb++] = q1 - 1.5 * iqr;
        b[nb++] = q1;
        b[nb++] = q2;
        b[nb++] = q3;
        if (q3 + 1.5 * iqr < v[m - 1]) {
            b[nb++] = q3 + 1.5 * iqr;
            b[nb++] = v[m - 1];
        } else
            b[nb++] = q3 + 1.5 * iqr;
        break;
    }
    case AQ_BREAKS_HEAD_TAIL: {
        size_t lo = 0; /* the head is v[lo..m) */
        while (nb < 64) {
            double s = 0;
            for (size_t i = lo; i < m; i++)
                s += v[i];
            double mu = s / (double)(m - lo);
            b[nb++] = mu;
            if (v[lo] == v[m - 1])
                break;
            while (lo < m && v[lo] <= mu)
                lo++;
        }
        break;
    }
    case AQ_BREAKS_KMEANS: {
        size_t kk = (size_t)k < m ? (size_t)k : m;
        kmeans_sorted(v, m, kk, b);
        nb = kk;
        break;
    }
    default:
        rc = aq__err(ctx, AQ_EUSAGE, "unknown classification method");
    }
    double *bo = rc ? NULL : aq__xmalloc(ctx, nb * sizeof *bo);
    size_t *co = rc ? NULL : aq__xcalloc(ctx, nb, sizeof *co);
    if (!rc && (!bo || !co))
        rc = AQ_ENOMEM;
    if (!rc) {
        memcpy(bo, b, nb * sizeof *bo);
        /* mapclassify's bin1d: class q holds bins[q-1] < x <= bins[q] */
        size_t q = 0;
        for (size_t i = 0; i < m; i++) {
            while (q + 1 < nb && v[i] > bo[q])
                q++;
            co[q]++;
        }
        *breaks_out = bo;
        *counts_out = co;
        *nclasses = nb;
    } else {
        aq__free(bo);
        aq__free(co);
    }
    aq__free(v);
    return rc;
}
