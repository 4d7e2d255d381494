/*
 * index_audit.c -- the statistical audit of a composite index, after the
 * JRC's practice (OECD/JRC Handbook on Constructing Composite Indicators,
 * 2008; COINr's get_stats / get_corr / get_cronbach / get_PCA): missing
 * data, skewness and kurtosis, correlations within and between pillars,
 * Cronbach's alpha, the first principal component, and the correlation of
 * each indicator with the index (what it really weighs).
 */
#include "index_int.h"

#include <gsl/gsl_eigen.h>
#include <math.h>
#include <string.h>

/* Indicators of one pillar correlated below this, after directions are
 * applied, pull against each other: reported (aimaq's choice of level; a
 * weak negative correlation between sub-themes is common and harmless). */
#define NEG_CORR (-0.3)

/* Pearson correlation over the units where both values exist. */
static double corr(const double *x, const double *y, size_t n)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        sx += x[i];
        sy += y[i];
        k++;
    }
    if (k < 3)
        return NAN;
    double mx = sx / (double)k, my = sy / (double)k;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

/* Cronbach's alpha and the first-PC variance share of columns cols[k]. */
static void pillar_stats(double *const *norm, const size_t *cols, size_t k, size_t n,
                         double *alpha, double *pc1)
{
    *alpha = *pc1 = NAN;
    if (k < 2)
        return;
    double var_items = 0, var_tot, st = 0, st2 = 0;
    size_t cnt = 0;
    double mean[64] = {0}, m2[64] = {0};
    for (size_t i = 0; i < n; i++) {
        int ok = 1;
        for (size_t q = 0; q < k && ok; q++)
            ok = !isnan(norm[cols[q]][i]);
        if (!ok)
            continue;
        double s = 0;
        cnt++;
        for (size_t q = 0; q < k; q++) {
            double v = norm[cols[q]][i], d = v - mean[q];
            mean[q] += d / (double)cnt; /* Welford */
            m2[q] += d * (v - mean[q]);
            s += v;
        }
        st += s;
        st2 += s * s;
    }
    if (cnt < 3)
        return;
    for (size_t q = 0; q < k; q++)
        var_items += m2[q] / (double)(cnt - 1);
    var_tot = (st2 - st * st / (double)cnt) / (double)(cnt - 1);
    if (var_tot > 0)
        *alpha = (double)k / (double)(k - 1) * (1 - var_items / var_tot);
    gsl_matrix *c = gsl_matrix_alloc(k, k);
    gsl_vector *ev = gsl_vector_alloc(k);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(k);
    if (c && ev && ws) {
        for (size_t q = 0; q < k; q++)
            for (size_t r = 0; r < k; r++) {
                double v = q == r ? 1 : corr(norm[cols[q]], norm[cols[r]], n);
                gsl_matrix_set(c, q, r, isnan(v) ? 0 : v);
            }
        gsl_eigen_symm(c, ev, ws);
        double mx = -INFINITY;
        for (size_t q = 0; q < k; q++)
            mx = gsl_vector_get(ev, q) > mx ? gsl_vector_get(ev, q) : mx;
        *pc1 = mx / (double)k;
    }
    gsl_matrix_free(c);
    gsl_vector_free(ev);
    gsl_eigen_symm_free(ws);
}

static int indicator_table(aq_ctx *ctx, const aq_method *m, const aq__bound *b,
                           double *const *norm, double *const *pillar, const double *score,
                           aq_table **out)
{
    size_t n = b->n, k;
    aq_table *t = NULL;
    double *eff = aq__xmalloc(ctx, (m->nind + 1) * sizeof *eff);
    double *v = aq__xmalloc(ctx, n * sizeof *v);
    int rc = eff && v ? aq_table_new(ctx, m->nind, &t) : AQ_ENOMEM;
    static const char *const cols[] = {"indicator", "pillar", "missing_share", "skewness",
                                       "kurtosis", "corr_pillar", "corr_index", "weight", "note"};
    for (size_t c = 0; !rc && c < 9; c++)
        rc = aq_table_add_column(ctx, t, cols[c], c < 2 || c == 8 ? AQ_COL_TEXT : AQ_COL_NUMBER, NULL);
    aq__choice ch;
    aq__choice_nominal(m, &ch);
    if (!rc)
        aq__effective_weights(m, &ch, eff);
    for (size_t j = 0; !rc && j < m->nind; j++) {
        const aq__mind *ind = &m->ind[j];
        size_t miss = 0;
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (isnan(b->raw[j][i]))
                miss++;
            else
                v[k++] = b->raw[j][i];
        }
        double sk = NAN, ku = NAN;
        if (k >= 3)
            aq__moments(v, k, &sk, &ku);
        aq_buf note = {0};
        if (fabs(sk) > m->skew_max && ku > m->kurt_max)
            aq__buf_printf(&note, "skewed (|skewness| > %g, kurtosis > %g)", m->skew_max, m->kurt_max);
        for (size_t q = 0; q < m->nind; q++) {
            if (q == j || (m->npil && m->ind[q].pillar_idx != ind->pillar_idx))
                continue;
            double r = corr(norm[j], norm[q], n);
            if (r < NEG_CORR) {
                aq__buf_printf(&note, "%snegatively correlated with %s (r = %.2f)",
                               note.len ? "; " : "", m->ind[q].code, r);
                if (q > j)
                    aq__warn(ctx, "%s:%zu: indicators '%s' and '%s' of %s%s are negatively "
                             "correlated (r = %.2f) after applying directions", m->path,
                             ind->line, ind->code, m->ind[q].code, m->npil ? "pillar " : "the index",
                             m->npil ? m->pil[ind->pillar_idx].code : "", r);
            }
        }
        rc = aq_table_set_text(ctx, t, 0, j, ind->code);
        if (!rc) rc = aq_table_set_text(ctx, t, 1, j, m->npil ? m->pil[ind->pillar_idx].code : "");
        if (!rc) rc = aq_table_set_number(ctx, t, 2, j, (double)miss / (double)n);
        if (!rc) rc = aq_table_set_number(ctx, t, 3, j, sk);
        if (!rc) rc = aq_table_set_number(ctx, t, 4, j, ku);
        if (!rc) rc = aq_table_set_number(ctx, t, 5, j, m->npil ? corr(norm[j], pillar[ind->pillar_idx], n) : NAN);
        if (!rc) rc = aq_table_set_number(ctx, t, 6, j, corr(norm[j], score, n));
        if (!rc) rc = aq_table_set_number(ctx, t, 7, j, eff[j]);
        if (!rc) rc = aq_table_set_text(ctx, t, 8, j, note.data ? note.data : "");
        if (!rc && note.failed)
            rc = aq__oom(ctx);
        aq__buf_free(&note);
    }
    aq__free(eff);
    aq__free(v);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

static int pillar_table(aq_ctx *ctx, const aq_method *m, const aq__bound *b, double *const *norm,
                        double *const *pillar, aq_table **out)
{
    size_t npil = m->npil ? m->npil : 1, n = b->n;
    aq_table *t = NULL;
    int rc = aq_table_new(ctx, npil, &t);
    static const char *const cols[] = {"pillar", "indicators", "cronbach_alpha", "pc1_share",
                                       "mean_corr_within", "min_corr_within"};
    for (size_t c = 0; !rc && c < 6; c++)
        rc = aq_table_add_column(ctx, t, cols[c], c == 0 ? AQ_COL_TEXT : AQ_COL_NUMBER, NULL);
    for (size_t p = 0; !rc && p < m->npil; p++) {
        char name[160];
        snprintf(name, sizeof name, "corr_%s", m->pil[p].code);
        rc = aq_table_add_column(ctx, t, name, AQ_COL_NUMBER, NULL);
    }
    for (size_t p = 0; !rc && p < npil; p++) {
        size_t cols_[64], k = 0;
        for (size_t j = 0; j < m->nind && k < 64; j++)
            if (!m->npil || m->ind[j].pillar_idx == p)
                cols_[k++] = j;
        double alpha, pc1, sum = 0, mn = NAN;
        size_t pairs = 0;
        pillar_stats(norm, cols_, k, n, &alpha, &pc1);
        for (size_t q = 0; q < k; q++)
            for (size_t r = q + 1; r < k; r++) {
                double c = corr(norm[cols_[q]], norm[cols_[r]], n);
                if (isnan(c))
                    continue;
                sum += c;
                pairs++;
                mn = isnan(mn) || c < mn ? c : mn;
            }
        rc = aq_table_set_text(ctx, t, 0, p, m->npil ? m->pil[p].code : "(index)");
        if (!rc) rc = aq_table_set_number(ctx, t, 1, p, (double)k);
        if (!rc) rc = aq_table_set_number(ctx, t, 2, p, alpha);
        if (!rc) rc = aq_table_set_number(ctx, t, 3, p, pc1);
        if (!rc) rc = aq_table_set_number(ctx, t, 4, p, pairs ? sum / (double)pairs : NAN);
        if (!rc) rc = aq_table_set_number(ctx, t, 5, p, mn);
        for (size_t q = 0; !rc && q < m->npil; q++)
            rc = aq_table_set_number(ctx, t, 6 + q, p, corr(pillar[p], pillar[q], n));
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq_index_audit(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq_table **indicators,
                   aq_table **pillars)
{
    if (m->kind != AQ_METHOD_POTENTIAL)
        return aq__err(ctx, AQ_EUSAGE, "%s is not a potential methodology", m->path);
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc)
        return rc;
    size_t n = b.n;
    double **norm = aq__xcalloc(ctx, m->nind + 1, sizeof *norm);
    double **pil = aq__xcalloc(ctx, m->npil + 1, sizeof *pil);
    double *score = aq__xmalloc(ctx, n * sizeof *score);
    rc = norm && pil && score ? AQ_OK : AQ_ENOMEM;
    for (size_t j = 0; !rc && j < m->nind; j++)
        rc = (norm[j] = aq__xmalloc(ctx, n * sizeof(double))) ? AQ_OK : AQ_ENOMEM;
    for (size_t p = 0; !rc && p < m->npil; p++)
        rc = (pil[p] = aq__xmalloc(ctx, n * sizeof(double))) ? AQ_OK : AQ_ENOMEM;
    if (!rc) {
        aq__choice c;
        aq__choice_nominal(m, &c);
        rc = aq__index_run(ctx, m, &b, &c, norm, pil, score);
    }
    aq_table *ti = NULL, *tp = NULL;
    if (!rc) rc = indicator_table(ctx, m, &b, norm, pil, score, &ti);
    if (!rc) rc = pillar_table(ctx, m, &b, norm, m->npil ? pil : &score, &tp);
    for (size_t j = 0; norm && j < m->nind; j++)
        aq__free(norm[j]);
    for (size_t p = 0; pil && p < m->npil; p++)
        aq__free(pil[p]);
    aq__free(norm);
    aq__free(pil);
    aq__free(score);
    aq__bound_clear(&b);
    if (rc) {
        aq_table_free(ti);
        aq_table_free(tp);
        return rc;
    }
    *indicators = ti;
    *pillars = tp;
    return AQ_OK;
}
