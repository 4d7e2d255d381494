/*
 * t_spmarkov.c -- spatial Markov on us_income (usjoin.csv, 1929-2009, incomes
 * relative to each year's mean, states48.gal row-standardised, k = m = 5
 * pooled quintiles), against giddy: Spatial_Markov(rpci, w, fixed=True,
 * k=5, m=5) gives S[0] = 0.43509425, 0.2635327, 0.20363044, 0.06841983,
 * 0.02932278 and F[0][0] = 2.29835259, 28.95614035, 46.14285714,
 * 80.80952381, 279.42857143 (giddy's test suite, quoted in issue 5); and
 * with per-year classes, the pooled counts are giddy's classic Markov
 * counts of ../shared/data/pysal-examples/SOURCE.md. Also LISA Markov.
 */
#include "aimaq_spatial.h"
#include "aq_test.h"

static void quiet(void *user, const char *msg)
{
    (void)user;
    (void)msg;
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    aq_ctx_set_warning_fn(ctx, quiet, NULL);
    aq_table *t = NULL;
    aq_weights *w = NULL;
    if (aq_table_read(ctx, "tests/data/pysal/us_income/usjoin.csv", NULL, &t) ||
        aq_weights_read(ctx, "tests/data/pysal/us_income/states48.gal", &w)) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        AQ_CHECK(0);
        AQ_TEST_END();
    }
    size_t n = aq_table_nrows(t), T = 81;
    AQ_EQ_INT(n, 48);
    double *y = malloc(n * T * sizeof *y);
    for (size_t j = 0; j < T; j++) {
        char name[8];
        snprintf(name, sizeof name, "%zu", 1929 + j);
        long c = aq_table_find(t, name);
        AQ_CHECK(c >= 0);
        const double *v = aq_table_numbers(t, (size_t)c);
        double m = 0;
        for (size_t i = 0; i < n; i++)
            m += v[i];
        m /= (double)n;
        for (size_t i = 0; i < n; i++)
            y[j * n + i] = v[i] / m;
    }
    aq_weights_set_style(ctx, w, AQ_WSTYLE_W);
    aq_spmarkov_result *r = NULL;
    AQ_EQ_INT(aq_spmarkov(ctx, w, y, n, T, 5, 5, 1, &r), AQ_OK);
    if (r) {
        static const double S0[5] = {0.43509425, 0.2635327, 0.20363044, 0.06841983, 0.02932278};
        static const double F0[5] = {2.29835259, 28.95614035, 46.14285714, 80.80952381,
                                     279.42857143};
        for (int j = 0; j < 5; j++) {
            AQ_NEAR(r->S[j], S0[j], 1e-7);
            AQ_NEAR(r->F[j], F0[j], 1e-7);
        }
        double total = 0;
        for (size_t e = 0; e < 125; e++)
            total += r->T[e];
        AQ_NEAR(total, 48 * 80, 0);
        AQ_CHECK(r->Q > 0 && r->dof > 0 && r->Q_p >= 0 && r->Q_p <= 1);
        AQ_CHECK(r->cutoffs != NULL && r->lag_cutoffs != NULL);
    }
    aq_spmarkov_free(r);
    r = NULL;
    /* per-year quintiles: the pooled chain is giddy's classic Markov */
    AQ_EQ_INT(aq_spmarkov(ctx, w, y, n, T, 5, 5, 0, &r), AQ_OK);
    if (r) {
        static const double C[25] = {729, 71, 1, 0, 0, 72, 567, 80, 3, 0, 0, 81, 631, 86, 2,
                                     0, 3, 86, 573, 56, 0, 0, 1, 57, 741};
        int same = 1;
        for (int e = 0; e < 25; e++)
            same &= r->T_pooled[e] == C[e];
        AQ_CHECK(same);
        AQ_NEAR(r->S_pooled[0], 0.20774716, 1e-7);
        AQ_CHECK(r->cutoffs == NULL);
    }
    aq_spmarkov_free(r);
    r = NULL;
    /* LISA Markov: 4 quadrant classes, every transition counted */
    AQ_EQ_INT(aq_lisa_markov(ctx, w, y, n, T, &r), AQ_OK);
    if (r) {
        double total = 0, rowsum = 0;
        for (int e = 0; e < 16; e++)
            total += r->T[e];
        for (int j = 0; j < 4; j++)
            rowsum += r->P[j];
        AQ_NEAR(total, 48 * 80, 0);
        AQ_NEAR(rowsum, 1, 1e-12);
        /* quadrants are sticky: staying is the most likely move */
        for (int i = 0; i < 4; i++)
            AQ_CHECK(r->P[i * 4 + i] > 0.5);
    }
    aq_spmarkov_free(r);
    /* a missing value is named */
    y[3 * n + 7] = NAN;
    AQ_EQ_INT(aq_spmarkov(ctx, w, y, n, T, 5, 5, 1, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "period 4") != NULL);
    free(y);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
