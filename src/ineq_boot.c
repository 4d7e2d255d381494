/*
 * ineq_boot.c -- percentile bootstrap confidence intervals for every
 * scalar disparity measure. Units are resampled with replacement, keeping
 * their weight and group. Replicate k draws from random stream k of the
 * seed, and each replicate is computed serially into its own row, so the
 * intervals depend on the data, the replicate count and the seed only,
 * never on how many threads ran them.
 */
#include "ineq_int.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile of N sorted values. */
static double q7(const double *v, size_t n, double q)
{
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return v[n - 1];
    return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

/* Draws replicate K into the buffers and computes its measures into ROW
 * (NaN everywhere when the replicate cannot be computed). */
static void replicate(const double *x, const double *w, size_t n, const uint32_t *g,
                      size_t ngroups, uint64_t seed, size_t k, double *bx, double *bw,
                      uint32_t *bg, double *row)
{
    aq__rng rng;
    aq__rng_seed_stream(&rng, seed, k);
    for (size_t i = 0; i < n; i++) {
        size_t j = (size_t)aq__rng_below(&rng, n);
        bx[i] = x[j];
        if (w)
            bw[i] = w[j];
        if (g)
            bg[i] = g[j];
    }
    aq_ineq_opts o;
    aq_ineq_opts_init(&o);
    o.threads = 1;
    o.lorenz_max = 1;
    aq_ctx *c = aq_ctx_new();
    aq_ineq_result *r = NULL;
    if (c && aq__ineq_compute(c, bx, w ? bw : NULL, n, g ? bg : NULL, ngroups, &o, 1, &r) ==
                 AQ_OK) {
        for (int m = 0; m < AQ_M_COUNT; m++)
            row[m] = aq_ineq_measure_value(r, m);
    } else {
        row[0] = NAN; /* marks the failed replicate */
        for (int m = 1; m < AQ_M_COUNT; m++)
            row[m] = NAN;
    }
    aq_ineq_result_free(r);
    aq_ctx_free(c);
}

int aq_ineq_bootstrap(aq_ctx *ctx, const double *x, const double *w, size_t n,
                      const uint32_t *g, size_t ngroups, size_t replicates,
                      uint64_t seed, double level, const aq_ineq_opts *opts,
                      aq_ineq_ci *out)
{
    if (replicates < 2)
        return aq__err(ctx, AQ_EUSAGE, "the bootstrap needs at least 2 replicates, got %zu",
                       replicates);
    if (!(level > 0 && level < 1))
        return aq__err(ctx, AQ_EUSAGE, "the confidence level must be between 0 and 1, got %g",
                       level);
    /* Validate the data once, with the caller's messages. */
    aq_ineq_opts o;
    aq_ineq_opts_init(&o);
    if (opts)
        o = *opts;
    o.lorenz_max = 1;
    aq_ineq_result *check = NULL;
    int rc = aq_ineq_compute(ctx, x, w, n, g, ngroups, &o, &check);
    if (rc)
        return rc;
    aq_ineq_result_free(check);

    int threads = aq__ineq_threads(ctx, opts ? opts->threads : 0);
    double *vals = aq__xmalloc(ctx, replicates * AQ_M_COUNT * sizeof *vals);
    double *col = aq__xmalloc(ctx, replicates * sizeof *col);
    if (!vals || !col) {
        aq__free(vals);
        aq__free(col);
        return AQ_ENOMEM;
    }
    int oom = 0;
#pragma omp parallel num_threads(threads)
    {
        double *bx = aq__malloc(n * sizeof *bx);
        double *bw = w ? aq__malloc(n * sizeof *bw) : NULL;
        uint32_t *bg = g ? aq__malloc(n * sizeof *bg) : NULL;
        int ok = bx && (!w || bw) && (!g || bg);
        if (!ok) {
#pragma omp atomic write
            oom = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (size_t k = 0; k < replicates; k++) {
            if (ok)
                replicate(x, w, n, g, ngroups, seed, k, bx, bw, bg, vals + k * AQ_M_COUNT);
        }
        aq__free(bx);
        aq__free(bw);
        aq__free(bg);
    }
    if (oom) {
        aq__free(vals);
        aq__free(col);
        return aq__oom(ctx);
    }

    aq_ineq_ci ci;
    memset(&ci, 0, sizeof ci);
    ci.replicates = replicates;
    ci.level = level;
    ci.seed = seed;
    for (size_t k = 0; k < replicates; k++)
        if (isnan(vals[k * AQ_M_COUNT + AQ_M_MEAN]))
            ci.failed++;
    for (int m = 0; m < AQ_M_COUNT; m++) {
        size_t c = 0;
        for (size_t k = 0; k < replicates; k++) {
            double v = vals[k * AQ_M_COUNT + m];
            if (!isnan(v))
                col[c++] = v;
        }
        if (c < 2) {
            ci.lo[m] = ci.hi[m] = NAN;
            continue;
        }
        qsort(col, c, sizeof *col, cmp_double);
        ci.lo[m] = q7(col, c, (1 - level) / 2);
        ci.hi[m] = q7(col, c, (1 + level) / 2);
    }
    aq__free(vals);
    aq__free(col);
    *out = ci;
    return AQ_OK;
}
