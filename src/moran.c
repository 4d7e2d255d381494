/*
 * moran.c -- global Moran's I (univariate, bivariate, empirical Bayes rates)
 * and the permutation engine the global statistics share.
 *
 * Formulas are esda's (esda.moran.Moran, Moran_BV, Moran_Rate), which follow
 * Cliff and Ord (1981): with z = y - mean(y),
 *   I = n / S0 * z'Wz / z'z,  E[I] = -1 / (n - 1),
 *   V_norm = (n^2 S1 - n S2 + 3 S0^2) / ((n^2 - 1) S0^2) - E[I]^2,
 *   V_rand = (A - B) / ((n-1)(n-2)(n-3) S0^2) - E[I]^2 with
 *   A = n((n^2 - 3n + 3) S1 - n S2 + 3 S0^2), B = b2((n^2 - n) S1 - 2n S2
 *   + 6 S0^2) and b2 the kurtosis m4 / m2^2.
 * p values are two-sided (esda's default two_tailed=True).
 */
#include "spatial_int.h"

#include <math.h>
#include <omp.h>
#include <string.h>

/* ---- permutation engine ---- */

/* Relabels the units in breadth-first order of the weights graph, so that a
 * unit's neighbours get nearby indices: the permuted values a statistic
 * gathers through the neighbour lists then sit in the same cache lines
 * (kNN weights on points in random order otherwise miss the cache on every
 * neighbour of a million units). The null distribution of a statistic that
 * depends only on (W, values) is unchanged by relabelling. */
static int bfs_relabel(aq_ctx *ctx, const aq_weights *w, const double *v, aq_weights *rw,
                       double **rv)
{
    size_t n = w->n, nnz = w->off[n];
    uint32_t *order = aq__malloc(n * sizeof *order), *inv = aq__malloc(n * sizeof *inv);
    memset(rw, 0, sizeof *rw);
    rw->n = n;
    rw->off = aq__malloc((n + 1) * sizeof *rw->off);
    rw->nbr = aq__malloc((nnz ? nnz : 1) * sizeof *rw->nbr);
    rw->w = aq__malloc((nnz ? nnz : 1) * sizeof *rw->w);
    *rv = aq__malloc(n * sizeof **rv);
    if (!order || !inv || !rw->off || !rw->nbr || !rw->w || !*rv) {
        aq__free(order);
        aq__free(inv);
        aq__free(rw->off);
        aq__free(rw->nbr);
        aq__free(rw->w);
        aq__free(*rv);
        return aq__oom(ctx);
    }
    for (size_t i = 0; i < n; i++)
        inv[i] = UINT32_MAX;
    size_t tail = 0;
    for (size_t s = 0; s < n; s++) {
        if (inv[s] != UINT32_MAX)
            continue;
        size_t head = tail;
        inv[s] = (uint32_t)tail;
        order[tail++] = (uint32_t)s;
        while (head < tail) {
            uint32_t u = order[head++];
            for (size_t e = w->off[u]; e < w->off[u + 1]; e++) {
                uint32_t j = w->nbr[e];
                if (inv[j] == UINT32_MAX) {
                    inv[j] = (uint32_t)tail;
                    order[tail++] = j;
                }
            }
        }
    }
    rw->off[0] = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u = order[i];
        size_t o = rw->off[i];
        for (size_t e = w->off[u]; e < w->off[u + 1]; e++, o++) {
            rw->nbr[o] = inv[w->nbr[e]];
            rw->w[o] = w->w[e];
        }
        rw->off[i + 1] = o;
        (*rv)[i] = v[u];
    }
    aq__free(order);
    aq__free(inv);
    return AQ_OK;
}

int aq__global_permute(aq_ctx *ctx, const aq_weights *w, const double *v, long perms,
                       uint64_t seed, aq__global_fn fn, const void *arg, double *sims,
                       int relabel)
{
    aq_weights rw;
    double *rv = NULL;
    if (relabel && perms > 0 && w->n > 20000) {
        int rc = bfs_relabel(ctx, w, v, &rw, &rv);
        if (rc)
            return rc;
        rc = aq__global_permute(ctx, &rw, rv, perms, seed, fn, arg, sims, 0);
        aq__free(rw.off);
        aq__free(rw.nbr);
        aq__free(rw.w);
        aq__free(rv);
        return rc;
    }
    size_t n = w->n;
    int nt = aq__spatial_threads(ctx), failed = 0;
    if (nt > perms)
        nt = perms > 0 ? (int)perms : 1;
#pragma omp parallel num_threads(nt)
    {
        double *buf = aq__malloc(n * sizeof *buf);
        if (!buf) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (long k = 0; k < perms; k++) {
            if (!buf)
                continue;
            aq__draw32 d;
            aq__draw32_seed(&d, seed, (uint64_t)k);
            memcpy(buf, v, n * sizeof *buf);
            for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
                uint32_t j = aq__draw32_below(&d, (uint32_t)(i + 1));
                double t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
            sims[k] = fn(w, buf, arg);
        }
        aq__free(buf);
    }
    return failed ? aq__oom(ctx) : AQ_OK;
}

/* Moran's permutation null, on the weights relabelled breadth-first for
 * large inputs (the neighbours' permuted values then share cache lines). */
static int moran_null(aq_ctx *ctx, const aq_weights *w, const double *z, double scale,
                      long perms, uint64_t seed, double *sims)
{
    if (perms <= 0 || w->n <= 20000)
        return aq__moran_permute(ctx, w, z, scale, perms, seed, sims);
    aq_weights rw;
    double *rz = NULL;
    int rc = bfs_relabel(ctx, w, z, &rw, &rz);
    if (rc)
        return rc;
    rc = aq__moran_permute(ctx, &rw, rz, scale, perms, seed, sims);
    aq__free(rw.off);
    aq__free(rw.nbr);
    aq__free(rw.w);
    aq__free(rz);
    return rc;
}

void aq__sim_summary(const double *sims, long perms, double obs, double *mean, double *sd,
                     double *z, double *p)
{
    if (perms <= 0) {
        *mean = *sd = *z = *p = NAN;
        return;
    }
    long larger = 0;
    double s = 0, ss = 0;
    for (long k = 0; k < perms; k++) {
        larger += sims[k] >= obs;
        s += sims[k];
    }
    double m = s / (double)perms;
    for (long k = 0; k < perms; k++)
        ss += (sims[k] - m) * (sims[k] - m);
    *mean = m;
    *sd = sqrt(ss / (double)perms);
    *z = (obs - m) / *sd;
    *p = aq__pseudo_p(larger, perms);
}

/* ---- Moran's I ---- */

/* sum_i a_i sum_j w_ij b_j */
static double cross_lag(const aq_weights *w, const double *a, const double *b)
{
    const size_t *off = w->off;
    const uint32_t *nbr = w->nbr;
    const double *wt = w->w;
    double num = 0;
    for (size_t i = 0; i < w->n; i++) {
        double s = 0;
        for (size_t e = off[i]; e < off[i + 1]; e++)
            s += wt[e] * b[nbr[e]];
        num += a[i] * s;
    }
    return num;
}

typedef struct moran_arg {
    double scale; /* n / (S0 z'z) */
} moran_arg;

static double moran_stat(const aq_weights *w, const double *z, const void *arg)
{
    return ((const moran_arg *)arg)->scale * cross_lag(w, z, z);
}

static void warn_islands(aq_ctx *ctx, const aq_weights *w, const char *what)
{
    size_t first = aq_weights_island(w, 0);
    if (first == (size_t)-1)
        return;
    size_t count = 0;
    for (size_t i = 0; i < w->n; i++)
        count += w->off[i + 1] == w->off[i];
    char name[160];
    aq__warn(ctx,
             "%s: %zu unit%s without neighbours (islands, the first is the %s) kept with a "
             "spatial lag of 0, as esda does",
             what, count, count == 1 ? "" : "s", aq__weights_unit_name(w, first, name, sizeof name));
}

int aq_moran_global(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                    long permutations, uint64_t seed, aq_moran_result *out)
{
    int rc = aq__spatial_check_values(ctx, w, y, n, "Moran's I: the variable");
    if (rc)
        return rc;
    if (permutations < 0)
        return aq__err(ctx, AQ_EUSAGE, "the number of permutations must be 0 or more, not %ld",
                       permutations);
    double s0, s1, s2;
    if ((rc = aq__weights_moments(ctx, w, &s0, &s1, &s2)))
        return rc;
    if (s0 == 0)
        return aq__err(ctx, AQ_EINPUT, "Moran's I: no unit has a neighbour (the weights sum to 0)");
    warn_islands(ctx, w, "Moran's I");
    double *z = aq__malloc(n * sizeof *z);
    double *sims = aq__malloc((permutations ? (size_t)permutations : 1) * sizeof *sims);
    if (!z || !sims) {
        aq__free(z);
        aq__free(sims);
        return aq__oom(ctx);
    }
    double mean = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        z[i] = y[i] - mean;
        m2 += z[i] * z[i];
        m4 += z[i] * z[i] * z[i] * z[i];
    }
    double nn = (double)n, n2 = nn * nn, s02 = s0 * s0;
    aq_moran_result r;
    r.n = n;
    r.permutations = permutations;
    moran_arg arg = {nn / (s0 * m2)};
    r.I = moran_stat(w, z, &arg);
    r.EI = -1.0 / (nn - 1);
    r.VI_norm = (n2 * s1 - nn * s2 + 3 * s02) / ((nn - 1) * (nn + 1) * s02) - r.EI * r.EI;
    double k = (m4 / nn) / ((m2 / nn) * (m2 / nn));
    double A = nn * ((n2 - 3 * nn + 3) * s1 - nn * s2 + 3 * s02);
    double B = k * ((n2 - nn) * s1 - 2 * nn * s2 + 6 * s02);
    r.VI_rand = (A - B) / ((nn - 1) * (nn - 2) * (nn - 3) * s02) - r.EI * r.EI;
    r.seI_norm = sqrt(r.VI_norm);
    r.seI_rand = sqrt(r.VI_rand);
    r.z_norm = (r.I - r.EI) / r.seI_norm;
    r.z_rand = (r.I - r.EI) / r.seI_rand;
    r.p_norm = 2 * aq__norm_sf(fabs(r.z_norm));
    r.p_rand = 2 * aq__norm_sf(fabs(r.z_rand));
    rc = moran_null(ctx, w, z, arg.scale, permutations, seed, sims);
    if (rc == AQ_OK) {
        aq__sim_summary(sims, permutations, r.I, &r.EI_sim, &r.seI_sim, &r.z_sim, &r.p_sim);
        *out = r;
    }
    aq__free(z);
    aq__free(sims);
    return rc;
}

/* ---- bivariate ---- */

typedef struct bv_arg {
    const double *zx;
    double den;
} bv_arg;

static double bv_stat(const aq_weights *w, const double *zy, const void *arg)
{
    const bv_arg *a = arg;
    return cross_lag(w, a->zx, zy) / a->den;
}

/* z = (v - mean) / sd with the n-1 standard deviation (esda Moran_BV). */
static void standardise(const double *v, size_t n, double *z)
{
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - m) * (v[i] - m);
    double sd = sqrt(ss / (double)(n - 1));
    for (size_t i = 0; i < n; i++)
        z[i] = (v[i] - m) / sd;
}

int aq_moran_bv(aq_ctx *ctx, const aq_weights *w, const double *x, const double *y, size_t n,
                long permutations, uint64_t seed, aq_moran_result *out)
{
    int rc = aq__spatial_check_values(ctx, w, x, n, "bivariate Moran: the first variable");
    if (rc == AQ_OK)
        rc = aq__spatial_check_values(ctx, w, y, n, "bivariate Moran: the second variable");
    if (rc)
        return rc;
    if (permutations < 0)
        return aq__err(ctx, AQ_EUSAGE, "the number of permutations must be 0 or more, not %ld",
                       permutations);
    warn_islands(ctx, w, "bivariate Moran");
    double *zx = aq__malloc(n * sizeof *zx), *zy = aq__malloc(n * sizeof *zy);
    double *sims = aq__malloc((permutations ? (size_t)permutations : 1) * sizeof *sims);
    if (!zx || !zy || !sims) {
        aq__free(zx);
        aq__free(zy);
        aq__free(sims);
        return aq__oom(ctx);
    }
    standardise(x, n, zx);
    standardise(y, n, zy);
    aq_moran_result r;
    r.n = n;
    r.permutations = permutations;
    bv_arg arg = {zx, (double)n - 1};
    r.I = bv_stat(w, zy, &arg);
    r.EI = r.VI_norm = r.seI_norm = r.z_norm = r.p_norm = NAN;
    r.VI_rand = r.seI_rand = r.z_rand = r.p_rand = NAN;
    rc = aq__global_permute(ctx, w, zy, permutations, seed, bv_stat, &arg, sims, 0);
    if (rc == AQ_OK) {
        aq__sim_summary(sims, permutations, r.I, &r.EI_sim, &r.seI_sim, &r.z_sim, &r.p_sim);
        *out = r;
    }
    aq__free(zx);
    aq__free(zy);
    aq__free(sims);
    return rc;
}

/* ---- rates ---- */

int aq_eb_rates(aq_ctx *ctx, const double *e, const double *b, size_t n, double *out)
{
    double se = 0, sb = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(e[i]) || !isfinite(b[i]))
            return aq__err(ctx, AQ_EINPUT, "empirical Bayes rates: row %zu has a missing event "
                                           "count or population",
                           i + 1);
        if (!(b[i] > 0))
            return aq__err(ctx, AQ_EINPUT,
                           "empirical Bayes rates: the population of row %zu is %g; it must be "
                           "positive",
                           i + 1, b[i]);
        se += e[i];
        sb += b[i];
    }
    /* Assuncao and Reis (1999), as esda.smoothing.assuncao_rate */
    double beta = se / sb, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double r = e[i] / b[i] - beta;
        s2 += b[i] * r * r;
    }
    s2 /= sb;
    double alpha = s2 - beta / (sb / (double)n);
    for (size_t i = 0; i < n; i++) {
        double v = alpha + beta / b[i];
        if (v < 0)
            v = beta / b[i];
        out[i] = (e[i] / b[i] - beta) / sqrt(v);
    }
    return AQ_OK;
}

int aq_moran_rate(aq_ctx *ctx, const aq_weights *w, const double *e, const double *b, size_t n,
                  long permutations, uint64_t seed, aq_moran_result *out)
{
    if (n != w->n)
        return aq__err(ctx, AQ_EUSAGE, "Moran for rates: %zu values but %zu units in the weights",
                       n, w->n);
    double *z = aq__malloc((n ? n : 1) * sizeof *z);
    if (!z)
        return aq__oom(ctx);
    int rc = aq_eb_rates(ctx, e, b, n, z);
    if (rc == AQ_OK)
        rc = aq_moran_global(ctx, w, z, n, permutations, seed, out);
    aq__free(z);
    return rc;
}
