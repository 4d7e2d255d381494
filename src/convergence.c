/*
 * convergence.c -- do regions converge? Sigma convergence (the spread of
 * log levels per period, with an F test of first vs last period), beta
 * convergence (OLS, or WLS with population weights, of the annualised log
 * growth on the log initial level, optionally conditional on controls) and
 * rank mobility (Kendall's tau of first vs last period).
 * Formulas and conventions: docs/disparity.md.
 */
#include "ineq_int.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

void aq_convergence_free(aq_convergence_result *r)
{
    if (!r)
        return;
    aq__free(r->sigma);
    aq__free(r->control_coef);
    aq__free(r->control_se);
    aq__free(r->control_t);
    aq__free(r->control_p);
    aq__free(r);
}

/* Weighted mean, population variance and (n-1)-corrected variance of V. */
static void moments(const double *v, const double *w, size_t n, double *mean, double *var_pop,
                    double *var_s)
{
    double W = 0, S = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        W += wi;
        S += wi * v[i];
    }
    double m = S / W, ss = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        ss += wi * (v[i] - m) * (v[i] - m);
    }
    *mean = m;
    *var_pop = ss / W;
    *var_s = ss / W * (double)n / (double)(n - 1);
}

static int sigma(aq_ctx *ctx, const double *y, const double *w, size_t n, size_t T,
                 const double *times, double *logs, aq_convergence_result *r)
{
    for (size_t t = 0; t < T; t++) {
        const double *yt = y + t * n;
        double *lt = logs + t * n;
        for (size_t i = 0; i < n; i++) {
            if (!(yt[i] > 0) || !isfinite(yt[i]))
                return aq__err(ctx, AQ_EINPUT,
                               "convergence needs positive levels (logarithms): period %zu "
                               "(time %g), unit %zu has %g",
                               t + 1, times[t], i, yt[i]);
            lt[i] = log(yt[i]);
        }
        double m, vp, vs, lm, lvp, lvs;
        moments(yt, w, n, &m, &vp, &vs);
        moments(lt, w, n, &lm, &lvp, &lvs);
        r->sigma[t] = (aq_sigma){times[t], m, sqrt(lvs), sqrt(vp) / m};
    }
    double v1 = r->sigma[0].sd_log, v2 = r->sigma[T - 1].sd_log;
    r->df1 = r->df2 = (double)(n - 1);
    if (v2 > 0) {
        r->F = (v1 * v1) / (v2 * v2);
        double lo = gsl_cdf_fdist_P(r->F, r->df1, r->df2), hi = gsl_cdf_fdist_Q(r->F, r->df1, r->df2);
        r->F_p = fmin(1.0, 2 * fmin(lo, hi));
    } else {
        r->F = r->F_p = NAN;
        aq__warn(ctx, "sigma test: every unit has the same level in the last period; no F test");
    }
    return AQ_OK;
}

/* Weighted least squares of G on [1, ln y0, controls]: coefficients,
 * standard errors from s^2 (X'WX)^-1 with weights scaled to mean 1 (so that
 * equal weights give OLS exactly), R^2 around the weighted mean. */
static int beta(aq_ctx *ctx, const double *l0, const double *gr, const double *w, size_t n,
                const double *c, size_t nc, aq_convergence_result *r)
{
    size_t p = 2 + nc;
    int rc = AQ_ENOMEM;
    double *xtx = aq__xcalloc(ctx, p * p, sizeof *xtx);
    double *inv = aq__xcalloc(ctx, p * p, sizeof *inv);
    double *xty = aq__xcalloc(ctx, p, sizeof *xty);
    double *row = aq__xcalloc(ctx, p, sizeof *row);
    double *coef = aq__xcalloc(ctx, p, sizeof *coef);
    if (!xtx || !inv || !xty || !row || !coef)
        goto done;
    double W = 0;
    for (size_t i = 0; i < n; i++)
        W += w ? w[i] : 1.0;
    for (size_t i = 0; i < n; i++) {
        double wi = (w ? w[i] : 1.0) * (double)n / W;
        row[0] = 1;
        row[1] = l0[i];
        for (size_t k = 0; k < nc; k++)
            row[2 + k] = c[k * n + i];
        for (size_t a = 0; a < p; a++) {
            xty[a] += wi * row[a] * gr[i];
            for (size_t b = 0; b < p; b++)
                xtx[a * p + b] += wi * row[a] * row[b];
        }
    }
    if ((rc = aq__mat_inverse(ctx, xtx, p, inv))) {
        if (rc == AQ_EINPUT)
            aq__err_prefix(ctx, "beta convergence: the regressors are collinear: ");
        goto done;
    }
    for (size_t a = 0; a < p; a++)
        for (size_t b = 0; b < p; b++)
            coef[a] += inv[a * p + b] * xty[b];
    double ssr = 0, gm = 0, sst = 0;
    for (size_t i = 0; i < n; i++)
        gm += (w ? w[i] : 1.0) * (double)n / W * gr[i];
    gm /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double wi = (w ? w[i] : 1.0) * (double)n / W;
        double fit = coef[0] + coef[1] * l0[i];
        for (size_t k = 0; k < nc; k++)
            fit += coef[2 + k] * c[k * n + i];
        ssr += wi * (gr[i] - fit) * (gr[i] - fit);
        sst += wi * (gr[i] - gm) * (gr[i] - gm);
    }
    double df = (double)(n - p), s2 = ssr / df;
    for (size_t a = 0; a < p; a++) {
        double tval, pval;
        double sa = sqrt(s2 * inv[a * p + a]);
        tval = coef[a] / sa;
        pval = sa > 0 ? 2 * gsl_cdf_tdist_Q(fabs(tval), df) : NAN;
        if (a == 0) {
            r->alpha = coef[0];
            r->se_alpha = sa;
        } else if (a == 1) {
            r->beta = coef[1];
            r->se_beta = sa;
            r->t = tval;
            r->p = pval;
        } else {
            r->control_coef[a - 2] = coef[a];
            r->control_se[a - 2] = sa;
            r->control_t[a - 2] = tval;
            r->control_p[a - 2] = pval;
        }
    }
    r->r2 = sst > 0 ? 1 - ssr / sst : NAN;
    double base = 1 + r->T * r->beta;
    r->speed = base > 0 ? -log(base) / r->T : NAN;
    r->half_life = r->speed > 0 ? log(2.0) / r->speed : NAN;
    if (!(base > 0))
        aq__warn(ctx, "beta convergence: 1 + T*beta = %g is not positive, so the speed of "
                      "convergence and the half-life are undefined", base);
    else if (!(r->speed > 0))
        aq__warn(ctx, "beta convergence: beta = %g >= 0 means divergence; no half-life", r->beta);
    rc = AQ_OK;
done:
    aq__free(xtx);
    aq__free(inv);
    aq__free(xty);
    aq__free(row);
    aq__free(coef);
    return rc;
}

int aq_convergence(aq_ctx *ctx, const double *y, const double *w, size_t n, size_t nperiods,
                   const double *times, const double *c, size_t ncontrols,
                   aq_convergence_result **out)
{
    if (nperiods < 2)
        return aq__err(ctx, AQ_EUSAGE, "convergence needs at least 2 periods, got %zu", nperiods);
    if (ncontrols > 60)
        return aq__err(ctx, AQ_EUSAGE, "at most 60 controls, got %zu", ncontrols);
    if (n < 3 + ncontrols)
        return aq__err(ctx, AQ_EINPUT,
                       "convergence needs at least %zu units for %zu control(s), got %zu",
                       3 + ncontrols, ncontrols, n);
    for (size_t t = 1; t < nperiods; t++)
        if (!(times[t] > times[t - 1]))
            return aq__err(ctx, AQ_EUSAGE,
                           "period times must increase: period %zu has %g after %g", t + 1,
                           times[t], times[t - 1]);
    if (w)
        for (size_t i = 0; i < n; i++)
            if (!(w[i] >= 0) || !isfinite(w[i]))
                return aq__err(ctx, AQ_EINPUT, "unit %zu: weight %g is not a finite number >= 0",
                               i, w[i]);
    for (size_t k = 0; k < ncontrols; k++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(c[k * n + i]))
                return aq__err(ctx, AQ_EINPUT, "control %zu, unit %zu: %g is not a finite number",
                               k + 1, i, c[k * n + i]);

    int rc = AQ_ENOMEM;
    aq_convergence_result *r = aq__xcalloc(ctx, 1, sizeof *r);
    double *logs = aq__xmalloc(ctx, n * nperiods * sizeof *logs);
    double *gr = aq__xmalloc(ctx, n * sizeof *gr);
    if (!r || !logs || !gr)
        goto fail;
    r->n = n;
    r->nperiods = nperiods;
    r->ncontrols = ncontrols;
    r->sigma = aq__xcalloc(ctx, nperiods, sizeof *r->sigma);
    if (!r->sigma)
        goto fail;
    if (ncontrols) {
        r->control_coef = aq__xcalloc(ctx, ncontrols, sizeof(double));
        r->control_se = aq__xcalloc(ctx, ncontrols, sizeof(double));
        r->control_t = aq__xcalloc(ctx, ncontrols, sizeof(double));
        r->control_p = aq__xcalloc(ctx, ncontrols, sizeof(double));
        if (!r->control_coef || !r->control_se || !r->control_t || !r->control_p)
            goto fail;
    }
    if ((rc = sigma(ctx, y, w, n, nperiods, times, logs, r)))
        goto fail;
    r->T = times[nperiods - 1] - times[0];
    const double *l0 = logs, *l1 = logs + (nperiods - 1) * n;
    for (size_t i = 0; i < n; i++)
        gr[i] = (l1[i] - l0[i]) / r->T;
    if ((rc = beta(ctx, l0, gr, w, n, c, ncontrols, r)))
        goto fail;
    if ((rc = aq_kendall_tau(ctx, y, y + (nperiods - 1) * n, n, &r->tau, &r->tau_p,
                             &r->tau_p_ties))) {
        if (rc != AQ_EINPUT)
            goto fail;
        /* a constant period: no rank correlation, but the rest stands */
        aq__warn(ctx, "%s", aq_errmsg(ctx));
        aq_clear_error(ctx);
        r->tau = r->tau_p = r->tau_p_ties = NAN;
    }
    aq__free(logs);
    aq__free(gr);
    *out = r;
    return AQ_OK;
fail:
    aq__free(logs);
    aq__free(gr);
    aq_convergence_free(r);
    return rc;
}
