/*
 * markov.c -- the classic (discrete, first-order, time-homogeneous) Markov
 * chain of regions moving between quantile classes: classification,
 * transition counts and probabilities, steady state, mean first passage
 * times, sojourn times and the Prais and Shorrocks mobility indices, with
 * the conventions of PySAL giddy (Rey et al.) so the numbers agree.
 */
#include "ineq_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Upper bounds of K quantile classes of V (N values, sorted in place). */
static void quantile_bounds(double *v, size_t n, size_t k, double *bins)
{
    qsort(v, n, sizeof *v, cmp_double);
    for (size_t j = 1; j <= k; j++)
        bins[j - 1] = aq_quantile_sorted(v, NULL, n, (double)j / (double)k);
}

/* The first class whose upper bound is >= V (the last class otherwise). */
static int class_of(const double *bins, size_t k, double v)
{
    size_t lo = 0, hi = k - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bins[mid] >= v)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (int)lo;
}

int aq_markov_classify(aq_ctx *ctx, const double *y, size_t n, size_t nperiods, size_t k,
                       int flags, int *cls, double *bins)
{
    if (k < 2)
        return aq__err(ctx, AQ_EUSAGE, "a Markov chain needs at least 2 classes, got %zu", k);
    if (n < k)
        return aq__err(ctx, AQ_EINPUT, "%zu classes need at least %zu units, got %zu", k, k, n);
    if (nperiods < 2)
        return aq__err(ctx, AQ_EINPUT, "a Markov chain needs at least 2 periods, got %zu",
                       nperiods);
    for (size_t t = 0; t < nperiods; t++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(y[t * n + i]))
                return aq__err(ctx, AQ_EINPUT, "period %zu, unit %zu: %g is not a finite number",
                               t + 1, i, y[t * n + i]);
    double *v = aq__xmalloc(ctx, n * nperiods * sizeof *v);
    double *scale = aq__xmalloc(ctx, nperiods * sizeof *scale);
    if (!v || !scale) {
        aq__free(v);
        aq__free(scale);
        return AQ_ENOMEM;
    }
    for (size_t t = 0; t < nperiods; t++) {
        double m = 1;
        if (flags & AQ_MARKOV_RELATIVE) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += y[t * n + i];
            m = s / (double)n;
            if (!(m != 0)) {
                aq__free(v);
                aq__free(scale);
                return aq__err(ctx, AQ_EINPUT,
                               "period %zu has mean 0; values relative to the mean are undefined",
                               t + 1);
            }
        }
        scale[t] = m;
        for (size_t i = 0; i < n; i++)
            v[t * n + i] = y[t * n + i] / m;
    }
    if (flags & AQ_MARKOV_POOLED) {
        double *all = aq__xmalloc(ctx, n * nperiods * sizeof *all);
        if (!all) {
            aq__free(v);
            aq__free(scale);
            return AQ_ENOMEM;
        }
        memcpy(all, v, n * nperiods * sizeof *all);
        quantile_bounds(all, n * nperiods, k, bins);
        aq__free(all);
        for (size_t i = 0; i < n * nperiods; i++)
            cls[i] = class_of(bins, k, v[i]);
    } else {
        double *tmp = aq__xmalloc(ctx, n * sizeof *tmp);
        if (!tmp) {
            aq__free(v);
            aq__free(scale);
            return AQ_ENOMEM;
        }
        for (size_t t = 0; t < nperiods; t++) {
            memcpy(tmp, v + t * n, n * sizeof *tmp);
            quantile_bounds(tmp, n, k, bins + t * k);
            for (size_t i = 0; i < n; i++)
                cls[t * n + i] = class_of(bins + t * k, k, v[t * n + i]);
        }
        aq__free(tmp);
    }
    aq__free(v);
    aq__free(scale);
    return AQ_OK;
}

void aq_markov_free(aq_markov_result *r)
{
    if (!r)
        return;
    aq__free(r->counts);
    aq__free(r->p);
    aq__free(r->steady);
    aq__free(r->mfpt);
    aq__free(r->sojourn);
    aq__free(r->prais);
    aq__free(r);
}

/* Is every class reachable from every other through P > 0? */
static int irreducible(const double *p, size_t k, unsigned char *reach)
{
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            reach[i * k + j] = i == j || p[i * k + j] > 0;
    for (size_t m = 0; m < k; m++) /* Warshall's transitive closure */
        for (size_t i = 0; i < k; i++)
            if (reach[i * k + m])
                for (size_t j = 0; j < k; j++)
                    reach[i * k + j] |= reach[m * k + j];
    for (size_t i = 0; i < k * k; i++)
        if (!reach[i])
            return 0;
    return 1;
}

/* Steady state pi = pi P, sum pi = 1, and the mean first passage times of
 * an ergodic chain from the fundamental matrix Z = (I - P + A)^-1, A with
 * every row pi (Kemeny and Snell 1976; giddy's fmpt):
 * M_ij = (delta_ij - Z_ij + Z_jj) / pi_j, so M_jj = 1/pi_j. */
static int steady_and_mfpt(aq_ctx *ctx, const double *p, size_t k, double *pi, double *mfpt)
{
    double *a = aq__xmalloc(ctx, k * k * sizeof *a);
    double *z = aq__xmalloc(ctx, k * k * sizeof *z);
    int rc = AQ_ENOMEM;
    if (!a || !z)
        goto done;
    /* (P^T - I) pi = 0 with the last equation replaced by sum pi = 1:
     * pi = (B^-1) e_last, B the modified matrix */
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            a[i * k + j] = i == k - 1 ? 1.0 : p[j * k + i] - (i == j);
    if ((rc = aq__mat_inverse(ctx, a, k, z)))
        goto done;
    for (size_t i = 0; i < k; i++)
        pi[i] = z[i * k + (k - 1)];
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            a[i * k + j] = (i == j) - p[i * k + j] + pi[j];
    if ((rc = aq__mat_inverse(ctx, a, k, z)))
        goto done;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            mfpt[i * k + j] = ((i == j) - z[i * k + j] + z[j * k + j]) / pi[j];
    rc = AQ_OK;
done:
    aq__free(a);
    aq__free(z);
    return rc;
}

int aq_markov_estimate(aq_ctx *ctx, const int *cls, size_t n, size_t nperiods, size_t k,
                       aq_markov_result **out)
{
    if (k < 2)
        return aq__err(ctx, AQ_EUSAGE, "a Markov chain needs at least 2 classes, got %zu", k);
    aq_markov_result *r = aq__xcalloc(ctx, 1, sizeof *r);
    unsigned char *reach = aq__xmalloc(ctx, k * k);
    int rc = AQ_ENOMEM;
    if (!r || !reach)
        goto fail;
    r->k = k;
    r->counts = aq__xcalloc(ctx, k * k, sizeof(double));
    r->p = aq__xcalloc(ctx, k * k, sizeof(double));
    r->steady = aq__xcalloc(ctx, k, sizeof(double));
    r->mfpt = aq__xcalloc(ctx, k * k, sizeof(double));
    r->sojourn = aq__xcalloc(ctx, k, sizeof(double));
    r->prais = aq__xcalloc(ctx, k, sizeof(double));
    if (!r->counts || !r->p || !r->steady || !r->mfpt || !r->sojourn || !r->prais)
        goto fail;
    double total = 0;
    for (size_t t = 0; t + 1 < nperiods; t++)
        for (size_t i = 0; i < n; i++) {
            int a = cls[t * n + i], b = cls[(t + 1) * n + i];
            if (a >= (int)k || b >= (int)k) {
                rc = aq__err(ctx, AQ_EINPUT, "period %zu, unit %zu: class %d is not below %zu",
                             a >= (int)k ? t + 1 : t + 2, i, a >= (int)k ? a : b, k);
                goto fail;
            }
            if (a < 0 || b < 0)
                continue;
            r->counts[(size_t)a * k + (size_t)b] += 1;
            total += 1;
        }
    if (total == 0) {
        rc = aq__err(ctx, AQ_EINPUT, "no transitions: every unit misses one of each pair of "
                                     "consecutive periods");
        goto fail;
    }
    double trace = 0;
    for (size_t i = 0; i < k; i++) {
        double row = 0;
        for (size_t j = 0; j < k; j++)
            row += r->counts[i * k + j];
        if (row == 0)
            aq__warn(ctx, "class %zu is never left (no transitions start in it); its row of "
                          "probabilities is undefined", i + 1);
        for (size_t j = 0; j < k; j++)
            r->p[i * k + j] = row > 0 ? r->counts[i * k + j] / row : NAN;
        double pii = r->p[i * k + i];
        trace += pii;
        r->prais[i] = 1 - pii;
        r->sojourn[i] = pii < 1 ? 1 / (1 - pii) : (pii == 1 ? INFINITY : NAN);
    }
    r->shorrocks = ((double)k - trace) / (double)(k - 1);
    r->ergodic = !isnan(trace) && irreducible(r->p, k, reach);
    if (r->ergodic) {
        if ((rc = steady_and_mfpt(ctx, r->p, k, r->steady, r->mfpt)))
            goto fail;
    } else {
        aq__warn(ctx, "the chain is not irreducible (some class cannot be reached from "
                      "another), so its steady state and first passage times are not unique");
        for (size_t i = 0; i < k; i++)
            r->steady[i] = NAN;
        for (size_t i = 0; i < k * k; i++)
            r->mfpt[i] = NAN;
    }
    aq__free(reach);
    *out = r;
    return AQ_OK;
fail:
    aq__free(reach);
    aq_markov_free(r);
    return rc;
}
