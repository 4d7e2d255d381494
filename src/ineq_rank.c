/*
 * ineq_rank.c -- rank mobility: Kendall's tau-b between two periods in
 * O(n log n) (Knight 1966: sort by one series, count the inversions of the
 * other with a merge sort) and two normal-approximation p-values: the
 * classic one of tau (Kendall 1938; the published reference value, from
 * scipy.stats.kendalltau before 1.2) and the one with the tie-corrected
 * variance of S (Kendall 1970; R's cor.test and today's scipy with ties).
 */
#include "ineq_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pair {
    double x, y;
} pair;

static int cmp_xy(const void *a, const void *b)
{
    const pair *p = a, *q = b;
    if (p->x != q->x)
        return (p->x > q->x) - (p->x < q->x);
    return (p->y > q->y) - (p->y < q->y);
}

/* Sorts V[0..n) ascending, returning the number of strict inversions. */
static double merge_count(double *v, double *tmp, size_t n)
{
    if (n < 2)
        return 0;
    size_t h = n / 2;
    double inv = merge_count(v, tmp, h) + merge_count(v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (v[j] < v[i]) {
            inv += (double)(h - i); /* v[j] is below every left value left */
            tmp[k++] = v[j++];
        } else {
            tmp[k++] = v[i++];
        }
    }
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
    return inv;
}

/* Tie statistics of sorted V: sum t(t-1)/2, sum t(t-1)(t-2), sum t(t-1)(2t+5)
 * over runs of t equal values. */
static void ties(const double *v, size_t n, double *pairs, double *s0, double *s1)
{
    *pairs = *s0 = *s1 = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        double t = (double)(j - i);
        if (t > 1) {
            *pairs += t * (t - 1) / 2;
            *s0 += t * (t - 1) * (t - 2);
            *s1 += t * (t - 1) * (2 * t + 5);
        }
        i = j;
    }
}

int aq_kendall_tau(aq_ctx *ctx, const double *x, const double *y, size_t n, double *tau,
                   double *p, double *p_ties)
{
    if (n < 2)
        return aq__err(ctx, AQ_EINPUT, "Kendall's tau needs at least 2 pairs, got %zu", n);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]))
            return aq__err(ctx, AQ_EINPUT, "Kendall's tau: pair %zu is not finite (%g, %g)", i,
                           x[i], y[i]);
    pair *pr = aq__xmalloc(ctx, n * sizeof *pr);
    double *v = aq__xmalloc(ctx, n * sizeof *v);
    double *tmp = aq__xmalloc(ctx, n * sizeof *tmp);
    int rc = AQ_ENOMEM;
    if (!pr || !v || !tmp)
        goto done;
    for (size_t i = 0; i < n; i++)
        pr[i] = (pair){x[i], y[i]};
    qsort(pr, n, sizeof *pr, cmp_xy);

    /* joint ties: runs equal in both */
    double ntie = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && pr[j].x == pr[i].x && pr[j].y == pr[i].y)
            j++;
        double t = (double)(j - i);
        ntie += t * (t - 1) / 2;
        i = j;
    }
    double xtie, x0, x1, ytie, y0, y1;
    for (size_t i = 0; i < n; i++)
        v[i] = pr[i].x;
    ties(v, n, &xtie, &x0, &x1);
    for (size_t i = 0; i < n; i++)
        v[i] = pr[i].y;
    double dis = merge_count(v, tmp, n); /* leaves v sorted by y */
    ties(v, n, &ytie, &y0, &y1);

    double dn = (double)n, tot = dn * (dn - 1) / 2;
    if (xtie == tot || ytie == tot) {
        rc = aq__err(ctx, AQ_EINPUT, "Kendall's tau is undefined: %s series is constant",
                     xtie == tot ? "the first" : "the second");
        goto done;
    }
    double s = tot - xtie - ytie + ntie - 2 * dis; /* concordant - discordant */
    double t = s / sqrt(tot - xtie) / sqrt(tot - ytie);
    t = t > 1 ? 1 : (t < -1 ? -1 : t);
    /* classic: tau ~ N(0, 2(2n+5) / (9n(n-1))) (Kendall 1938) */
    double pv = erfc(fabs(t) / sqrt((4 * dn + 10) / (9 * dn * (dn - 1))) / sqrt(2.0));
    /* tie-corrected variance of S = concordant - discordant (Kendall 1970) */
    double m = dn * (dn - 1);
    double var = (m * (2 * dn + 5) - x1 - y1) / 18 + (2 * xtie * ytie) / m +
                 (n > 2 ? x0 * y0 / (9 * m * (dn - 2)) : 0);
    double pt = erfc(fabs(s) / sqrt(var) / sqrt(2.0));
    rc = AQ_OK;
    *tau = t;
    *p = pv;
    if (p_ties)
        *p_ties = pt;
done:
    aq__free(pr);
    aq__free(v);
    aq__free(tmp);
    return rc;
}
