/*
 * spmarkov.c -- spatial Markov chains (Rey 2001) and LISA Markov chains, as
 * PySAL giddy computes them (Spatial_Markov, LISA_Markov).
 *
 * Spatial Markov: each unit's value is put in one of k quantile classes and
 * its spatial lag in one of m quantile classes; a transition of unit i from
 * period t to t+1 is counted in the chain of the lag class i had at t. The
 * classification, and the steady states and first mean passage times of
 * each chain, come from the classic Markov chain of aimaq_ineq.h (markov.c),
 * so both follow giddy's conventions in one place.
 * Homogeneity of the m chains: Q and LR of Bickenbach and Bode (2003), with
 * giddy's degrees of freedom sum_i (b_i - 1)(A_i - 1).
 */
#include "spatial_int.h"

#include "aimaq_ineq.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

void aq_spmarkov_free(aq_spmarkov_result *r)
{
    if (!r)
        return;
    aq__free(r->cutoffs);
    aq__free(r->lag_cutoffs);
    aq__free(r->T);
    aq__free(r->P);
    aq__free(r->S);
    aq__free(r->F);
    aq__free(r->T_pooled);
    aq__free(r->P_pooled);
    aq__free(r->S_pooled);
    aq__free(r);
}

static aq_spmarkov_result *result_new(size_t k, size_t m)
{
    aq_spmarkov_result *r = aq__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->k = k;
    r->m = m;
    r->T = aq__calloc(m * k * k, sizeof *r->T);
    r->P = aq__calloc(m * k * k, sizeof *r->P);
    r->S = aq__calloc(m * k, sizeof *r->S);
    r->F = aq__calloc(m * k * k, sizeof *r->F);
    r->T_pooled = aq__calloc(k * k, sizeof *r->T_pooled);
    r->P_pooled = aq__calloc(k * k, sizeof *r->P_pooled);
    r->S_pooled = aq__calloc(k, sizeof *r->S_pooled);
    if (!r->T || !r->P || !r->S || !r->F || !r->T_pooled || !r->P_pooled || !r->S_pooled) {
        aq_spmarkov_free(r);
        return NULL;
    }
    r->Q = r->Q_p = r->LR = r->LR_p = NAN;
    return r;
}

/* Copies a fitted chain into P, S, F (k x k, k, k x k). */
static void copy_chain(const aq_markov_result *c, size_t k, double *P, double *S, double *F)
{
    memcpy(P, c->p, k * k * sizeof *P);
    memcpy(S, c->steady, k * sizeof *S);
    if (F)
        memcpy(F, c->mfpt, k * k * sizeof *F);
}

/* Fits the chain of the transitions (from[a] -> to[a]), a < count. */
static int fit_pairs(aq_ctx *ctx, const int *pairs, size_t count, size_t k, double *P, double *S,
                     double *F)
{
    aq_markov_result *c = NULL;
    int rc = aq_markov_estimate(ctx, pairs, count, 2, k, &c);
    if (rc == AQ_OK)
        copy_chain(c, k, P, S, F);
    aq_markov_free(c);
    return rc;
}

static void nan_fill(double *v, size_t len)
{
    for (size_t i = 0; i < len; i++)
        v[i] = NAN;
}

/* Q and LR of Bickenbach and Bode (2003) over the m conditional count
 * matrices, as giddy's Homogeneity_Results. */
static void homogeneity(aq_spmarkov_result *r)
{
    size_t k = r->k, m = r->m;
    const double *T = r->T_pooled;
    double Q = 0, LR = 0;
    int dof = 0;
    for (size_t i = 0; i < k; i++) {
        double ni = 0;
        int A = 0, b = 0;
        for (size_t j = 0; j < k; j++) {
            ni += T[i * k + j];
            A += T[i * k + j] > 0;
        }
        for (size_t l = 0; l < m; l++) {
            const double *M = r->T + l * k * k;
            double nim = 0;
            for (size_t j = 0; j < k; j++)
                nim += M[i * k + j];
            b += nim > 0;
            for (size_t j = 0; j < k; j++) {
                double pij = ni > 0 ? T[i * k + j] / ni : 0;
                double pijm = nim > 0 ? M[i * k + j] / nim : 0;
                double den = pij == 0 ? 1 : pij;
                Q += nim * (pijm - pij) * (pijm - pij) / den;
                if (M[i * k + j] > 0 && pij > 0)
                    LR += M[i * k + j] * log(pijm / pij);
            }
        }
        dof += (b - 1) * (A - 1);
    }
    r->Q = Q;
    r->LR = 2 * LR;
    r->dof = dof;
    r->Q_p = dof > 0 ? gsl_cdf_chisq_Q(Q, dof) : NAN;
    r->LR_p = dof > 0 ? gsl_cdf_chisq_Q(r->LR, dof) : NAN;
}

static int check_shape(aq_ctx *ctx, const aq_weights *w, size_t n, size_t t)
{
    if (n != w->n)
        return aq__err(ctx, AQ_EUSAGE, "spatial Markov: %zu units but %zu in the weights", n,
                       w->n);
    if (t < 2)
        return aq__err(ctx, AQ_EINPUT, "spatial Markov needs at least 2 periods, got %zu", t);
    return AQ_OK;
}

static int check_values(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, size_t t)
{
    char name[160];
    for (size_t j = 0; j < t; j++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(y[j * n + i]))
                return aq__err(ctx, AQ_EINPUT,
                               "spatial Markov: the value of the %s in period %zu is missing",
                               aq__weights_unit_name(w, i, name, sizeof name), j + 1);
    return AQ_OK;
}

int aq_spmarkov(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, size_t t, size_t k,
                size_t m, int fixed, aq_spmarkov_result **out)
{
    int rc = check_shape(ctx, w, n, t);
    if (rc == AQ_OK)
        rc = check_values(ctx, w, y, n, t);
    if (rc)
        return rc;
    if (k < 2 || m < 2)
        return aq__err(ctx, AQ_EUSAGE,
                       "spatial Markov needs at least 2 classes of values and of lags (k = %zu, "
                       "m = %zu)",
                       k, m);
    if (aq_weights_island(w, 0) != (size_t)-1) {
        char name[160];
        aq__warn(ctx, "spatial Markov: the %s and maybe others have no neighbours; their lag is "
                      "0, which puts them in the lowest lag class",
                 aq__weights_unit_name(w, aq_weights_island(w, 0), name, sizeof name));
    }
    size_t nt = n * t, npairs = n * (t - 1);
    aq_spmarkov_result *r = result_new(k, m);
    double *ly = aq__malloc(nt * sizeof *ly);
    int *cls = aq__malloc(nt * sizeof *cls), *lcls = aq__malloc(nt * sizeof *lcls);
    double *bins = aq__malloc(k * t * sizeof *bins), *lbins = aq__malloc(m * t * sizeof *lbins);
    int *pairs = aq__malloc(2 * npairs * sizeof *pairs);
    if (!r || !ly || !cls || !lcls || !bins || !lbins || !pairs) {
        rc = aq__oom(ctx);
        goto done;
    }
    for (size_t j = 0; j < t; j++)
        aq_weights_lag(w, y + j * n, ly + j * n);
    int flags = fixed ? AQ_MARKOV_POOLED : 0;
    if ((rc = aq_markov_classify(ctx, y, n, t, k, flags, cls, bins)) ||
        (rc = aq_markov_classify(ctx, ly, n, t, m, flags, lcls, lbins))) {
        aq__err_prefix(ctx, "spatial Markov: ");
        goto done;
    }
    if (fixed) {
        r->cutoffs = aq__malloc(k * sizeof *r->cutoffs);
        r->lag_cutoffs = aq__malloc(m * sizeof *r->lag_cutoffs);
        if (!r->cutoffs || !r->lag_cutoffs) {
            rc = aq__oom(ctx);
            goto done;
        }
        memcpy(r->cutoffs, bins, k * sizeof *bins);
        memcpy(r->lag_cutoffs, lbins, m * sizeof *lbins);
    }
    /* One chain per lag class: its transitions as two-period sequences
     * (period-major: the origins, then the destinations). */
    for (size_t l = 0; l < m; l++) {
        size_t c = 0;
        for (size_t j = 0; j + 1 < t; j++)
            for (size_t i = 0; i < n; i++)
                if ((size_t)lcls[j * n + i] == l)
                    c++;
        size_t a = 0;
        for (size_t j = 0; j + 1 < t; j++)
            for (size_t i = 0; i < n; i++)
                if ((size_t)lcls[j * n + i] == l) {
                    int from = cls[j * n + i], to = cls[(j + 1) * n + i];
                    pairs[a] = from;
                    pairs[c + a] = to;
                    r->T[l * k * k + (size_t)from * k + (size_t)to] += 1;
                    a++;
                }
        double *P = r->P + l * k * k, *S = r->S + l * k, *F = r->F + l * k * k;
        if (c == 0) {
            aq__warn(ctx, "spatial Markov: no transition starts in lag class %zu", l + 1);
            nan_fill(P, k * k);
            nan_fill(S, k);
            nan_fill(F, k * k);
            continue;
        }
        if ((rc = fit_pairs(ctx, pairs, c, k, P, S, F))) {
            aq__err_prefix(ctx, "spatial Markov, lag class %zu: ", l + 1);
            goto done;
        }
    }
    for (size_t l = 0; l < m; l++)
        for (size_t e = 0; e < k * k; e++)
            r->T_pooled[e] += r->T[l * k * k + e];
    {
        aq_markov_result *c = NULL;
        if ((rc = aq_markov_estimate(ctx, cls, n, t, k, &c)))
            goto done;
        copy_chain(c, k, r->P_pooled, r->S_pooled, NULL);
        aq_markov_free(c);
    }
    homogeneity(r);
    *out = r;
    r = NULL;
done:
    aq_spmarkov_free(r);
    aq__free(ly);
    aq__free(cls);
    aq__free(lcls);
    aq__free(bins);
    aq__free(lbins);
    aq__free(pairs);
    return rc;
}

int aq_lisa_markov(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, size_t t,
                   aq_spmarkov_result **out)
{
    int rc = check_shape(ctx, w, n, t);
    if (rc == AQ_OK)
        rc = check_values(ctx, w, y, n, t);
    if (rc)
        return rc;
    size_t nt = n * t;
    aq_spmarkov_result *r = result_new(4, 1);
    int *q = aq__malloc(nt * sizeof *q);
    double *z = aq__malloc(n * sizeof *z), *lz = aq__malloc(n * sizeof *lz);
    if (!r || !q || !z || !lz) {
        rc = aq__oom(ctx);
        goto done;
    }
    /* Quadrants of the Moran scatterplot per period: 1 HH, 2 LH, 3 LL,
     * 4 HL (as classes 0..3). */
    for (size_t j = 0; j < t; j++) {
        double mean = 0;
        for (size_t i = 0; i < n; i++)
            mean += y[j * n + i];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++)
            z[i] = y[j * n + i] - mean;
        aq_weights_lag(w, z, lz);
        for (size_t i = 0; i < n; i++) {
            int zp = z[i] > 0, lp = lz[i] > 0;
            q[j * n + i] = (zp ? (lp ? 1 : 4) : (lp ? 2 : 3)) - 1;
        }
    }
    aq_markov_result *c = NULL;
    if ((rc = aq_markov_estimate(ctx, q, n, t, 4, &c))) {
        aq__err_prefix(ctx, "LISA Markov: ");
        goto done;
    }
    memcpy(r->T, c->counts, 16 * sizeof *r->T);
    memcpy(r->T_pooled, c->counts, 16 * sizeof *r->T);
    copy_chain(c, 4, r->P, r->S, r->F);
    copy_chain(c, 4, r->P_pooled, r->S_pooled, NULL);
    aq_markov_free(c);
    *out = r;
    r = NULL;
done:
    aq_spmarkov_free(r);
    aq__free(q);
    aq__free(z);
    aq__free(lz);
    return rc;
}
