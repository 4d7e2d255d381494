/*
 * t_regress.c -- regression against published values:
 *  - OLS and its diagnostics on Columbus CRIME ~ INC + HOVAL (PySAL spreg
 *    tests/test_diagnostics.py);
 *  - Moran's I of the residuals and the LM tests on Columbus HOVAL ~ INC +
 *    CRIME with columbus.gal (spreg tests/test_diagnostics_sp.py);
 *  - ML lag on Baltimore PRICE ~ NROOM + AGE + SQFT with baltim_q.gal (spreg
 *    tests/test_ml_lag.py, method FULL);
 *  - ML error on Columbus CRIME ~ INC + HOVAL with queen contiguity (R
 *    spatialreg errorsarlm, method "eigen", as printed in its Columbus
 *    example; spreg's own ML_Error oracle uses the South data, which Debian's
 *    libpysal does not ship);
 *  - spatial 2SLS on Columbus HOVAL ~ INC + CRIME with rook contiguity
 *    (spreg tests/test_twosls_sp.py, GM_Lag w_lags = 2);
 *  - the sparse (CHOLMOD) log-determinant against the same oracles;
 *  - lag impacts against their definition, and bad input.
 */
#include "aimaq_regress.h"
#include "aq_test.h"

/* Columns NAMES of T, column-major, into a malloc'd array. */
static double *columns(const aq_table *t, const char *const *names, size_t p)
{
    size_t n = aq_table_nrows(t);
    double *x = malloc(n * p * sizeof *x);
    for (size_t j = 0; j < p; j++) {
        long c = aq_table_find(t, names[j]);
        if (c < 0) {
            fprintf(stderr, "no column %s\n", names[j]);
            exit(1);
        }
        memcpy(x + j * n, aq_table_numbers(t, (size_t)c), n * sizeof *x);
    }
    return x;
}

static aq_table *load(aq_ctx *ctx, const char *path)
{
    aq_table *t = NULL;
    if (aq_table_read(ctx, path, NULL, &t) != AQ_OK) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        exit(1);
    }
    return t;
}

static aq_weights *contiguity(aq_ctx *ctx, const aq_table *t, int rook)
{
    size_t n = aq_table_nrows(t);
    const unsigned char **g = malloc(n * sizeof *g);
    size_t *len = malloc(n * sizeof *len);
    for (size_t i = 0; i < n; i++)
        g[i] = aq_table_geometry(t, i, &len[i]);
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, n, rook, 0, &w), AQ_OK);
    free(g);
    free(len);
    return w;
}

static void test_ols(aq_ctx *ctx)
{
    aq_table *t = load(ctx, "tests/data/pysal/columbus/columbus.shp");
    const char *xn[] = {"INC", "HOVAL"}, *yn[] = {"CRIME"};
    double *x = columns(t, xn, 2), *y = columns(t, yn, 1);
    aq_reg_result *r = NULL;
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_OLS, AQ_REG_ML, y, x, 49, 2, NULL, NULL, &r), AQ_OK);
    /* spreg tests/test_diagnostics.py (RTOL 1e-7 there) */
    AQ_NEAR(r->f.statistic, 28.385629224695, 1e-9);
    AQ_NEAR(r->f.p, 0.000000009340747, 1e-12);
    AQ_NEAR(r->stat[0], 14.490373143689094, 1e-9);
    AQ_NEAR(r->p[0], 9.2108899889173982e-19, 1e-7 * 1e-18);
    AQ_NEAR(r->stat[1], -4.7804961912965762, 1e-9);
    AQ_NEAR(r->p[1], 1.8289595070843232e-05, 1e-12);
    AQ_NEAR(r->stat[2], -2.6544086427176916, 1e-9);
    AQ_NEAR(r->p[2], 0.010874504909754612, 1e-10);
    AQ_NEAR(r->r2, 0.55240404083742334, 1e-10);
    AQ_NEAR(r->adj_r2, 0.5329433469607896, 1e-10);
    AQ_NEAR(r->se[0], 4.73548613, 1e-8);
    AQ_NEAR(r->se[1], 0.33413076, 1e-8);
    AQ_NEAR(r->se[2], 0.10319868, 1e-8);
    AQ_NEAR(r->log_likelihood, -187.3772388121491, 1e-10);
    AQ_NEAR(r->aic, 380.7544776242982, 1e-10);
    AQ_NEAR(r->schwarz, 386.42993851863008, 1e-10);
    AQ_NEAR(r->condition_number, 6.541827751444, 1e-9);
    AQ_NEAR(r->jarque_bera.statistic, 1.835752520076, 1e-9);
    AQ_NEAR(r->jarque_bera.p, 0.399366291249, 1e-9);
    AQ_NEAR(r->breusch_pagan.statistic, 7.900441675960, 1e-9);
    AQ_NEAR(r->breusch_pagan.p, 0.019250450075, 1e-9);
    AQ_NEAR(r->koenker.statistic, 5.694087931707, 1e-9);
    AQ_NEAR(r->koenker.p, 0.058015563638, 1e-9);
    AQ_CHECK(isnan(r->lm_error.statistic)); /* no weights, no spatial tests */
    AQ_EQ_STR(aq_regress_reading(r, 0.05), "");
    aq_reg_result_free(r);
    free(x);
    free(y);
    aq_table_free(t);
}

static void test_lm(aq_ctx *ctx)
{
    aq_table *t = load(ctx, "tests/data/pysal/columbus/columbus.shp");
    const char *xn[] = {"INC", "CRIME"}, *yn[] = {"HOVAL"};
    double *x = columns(t, xn, 2), *y = columns(t, yn, 1);
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_read(ctx, "tests/data/pysal/columbus/columbus.gal", &w), AQ_OK);
    aq_reg_result *r = NULL;
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_OLS, AQ_REG_ML, y, x, 49, 2, w, NULL, &r), AQ_OK);
    /* spreg tests/test_diagnostics_sp.py (values printed to 6 digits) */
    AQ_NEAR(r->lm_error.statistic, 3.097094, 1e-6);
    AQ_NEAR(r->lm_error.p, 0.078432, 1e-6);
    AQ_NEAR(r->lm_lag.statistic, 0.981552, 1e-6);
    AQ_NEAR(r->lm_lag.p, 0.321816, 1e-6);
    AQ_NEAR(r->rlm_error.statistic, 3.209187, 1e-6);
    AQ_NEAR(r->rlm_error.p, 0.073226, 1e-6);
    AQ_NEAR(r->rlm_lag.statistic, 1.093645, 1e-6);
    AQ_NEAR(r->rlm_lag.p, 0.295665, 1e-6);
    AQ_NEAR(r->lm_sarma.statistic, 4.190739, 1e-6);
    AQ_NEAR(r->lm_sarma.p, 0.123025, 1e-6);
    AQ_NEAR(r->moran_I, 0.17131, 1e-5);
    AQ_NEAR(r->moran_VI, 0.00813049, 1e-6);
    AQ_NEAR(r->moran_EI, -0.034523, 1e-6);
    AQ_NEAR(r->moran.statistic, 2.282739, 1e-6);
    AQ_CHECK(strstr(aq_regress_reading(r, 0.05), "Neither LM test") != NULL);
    AQ_CHECK(strstr(aq_regress_reading(r, 0.10), "Only LM-error") != NULL);
    aq_reg_result_free(r);
    aq_weights_free(w);
    free(x);
    free(y);
    aq_table_free(t);
}

static void test_ml_lag(aq_ctx *ctx)
{
    aq_table *t = load(ctx, "tests/data/pysal/baltim/baltim.dbf");
    const char *xn[] = {"NROOM", "AGE", "SQFT"}, *yn[] = {"PRICE"};
    size_t n = aq_table_nrows(t);
    AQ_EQ_INT(n, 211);
    double *x = columns(t, xn, 3), *y = columns(t, yn, 1);
    aq_weights *w0 = NULL, *w = NULL;
    AQ_EQ_INT(aq_weights_read(ctx, "tests/data/pysal/baltim/baltim_q.gal", &w0), AQ_OK);
    /* the GAL ids are STATION numbers */
    long c = aq_table_find(t, "STATION");
    char **ids = malloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        ids[i] = strdup(aq_table_cell(t, (size_t)c, i, buf, sizeof buf));
    }
    AQ_EQ_INT(aq_weights_align(ctx, w0, (const char *const *)ids, n, &w), AQ_OK);
    AQ_EQ_INT(aq_weights_set_style(ctx, w, AQ_WSTYLE_W), AQ_OK);
    aq_reg_result *r = NULL;
    aq_reg_opts eo = {AQ_LOGDET_EIGEN};
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_LAG, AQ_REG_ML, y, x, n, 3, w, &eo, &r), AQ_OK);
    /* spreg tests/test_ml_lag.py, method FULL (RTOL 1e-7) */
    const double betas[] = {-6.04040164, 3.48995114, -0.20103955, 0.65462382};
    const double se[] = {5.34536131, 1.19307022, 0.05367198, 0.17194162};
    /* spreg stops its bounded search at xatol = epsilon = 1e-7 in rho; ours
     * goes to 1e-12 (rho = 0.623511453, logL equal to 1e-15). The intercept
     * moves by b1[0] d rho (b1 = OLS of Wy on X), about 40 x 2.3e-8, so it
     * is compared to 1e-6, the slopes and rho to spreg's 1e-7. */
    for (int i = 0; i < 4; i++) {
        AQ_NEAR(r->coef[i], betas[i], i == 0 ? 1e-6 : 1e-7);
        AQ_NEAR(r->se[i], se[i], 1e-7);
    }
    AQ_NEAR(r->rho, 0.62351143, 1e-7);
    AQ_NEAR(r->rho_se, 0.05763147, 1e-7);
    AQ_NEAR(r->resid[0], 47.51218398, 1e-7);
    AQ_EQ_INT(r->k, 5);
    AQ_NEAR(r->sigma2, 216.27525647243797, 1e-7);
    AQ_NEAR(r->r2, 0.6133020721559487, 1e-8);
    AQ_NEAR(r->log_likelihood, -875.92771143484833, 1e-9);
    AQ_NEAR(r->aic, 1761.8554228696967, 1e-9);
    AQ_NEAR(r->schwarz, 1778.614713537077, 1e-9);
    /* impacts (LeSage and Pace 2009): with row-standardised W the total is
     * b / (1 - rho); the direct effect lies between b and the total */
    for (int i = 1; i < 4; i++) {
        AQ_NEAR(r->total[i], r->coef[i] / (1 - r->rho), 1e-10);
        AQ_NEAR(r->indirect[i], r->total[i] - r->direct[i], 1e-12);
        AQ_CHECK(fabs(r->direct[i]) > fabs(r->coef[i]) && fabs(r->direct[i]) < fabs(r->total[i]));
    }
    AQ_CHECK(r->lr.statistic > 0 && r->lr.p < 1e-10);
    AQ_EQ_INT(r->logdet, AQ_LOGDET_EIGEN);
    /* the sparse (CHOLMOD) log-determinant: the same optimum to the
     * flatness of the likelihood (rho 1e-8), the same analytical standard
     * errors from exact traces, the same impacts */
    aq_reg_result *sr = NULL;
    aq_reg_opts so = {AQ_LOGDET_SPARSE};
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_LAG, AQ_REG_ML, y, x, n, 3, w, &so, &sr), AQ_OK);
    AQ_EQ_INT(sr->logdet, AQ_LOGDET_SPARSE);
    AQ_EQ_INT(sr->logdet_se, 0);
    AQ_NEAR(sr->rho, 0.62351143, 1e-7);
    AQ_NEAR(sr->rho_se, 0.05763147, 1e-7);
    AQ_NEAR(sr->log_likelihood, -875.92771143484833, 1e-9);
    for (int i = 0; i < 4; i++) {
        AQ_NEAR(sr->coef[i], betas[i], i == 0 ? 1e-6 : 1e-7);
        AQ_NEAR(sr->se[i], se[i], 1e-7);
    }
    for (int i = 1; i < 4; i++) {
        AQ_NEAR(sr->direct[i], r->direct[i], 1e-7);
        AQ_NEAR(sr->total[i], r->total[i], 1e-7);
    }
    aq_reg_result_free(sr);
    aq_reg_result_free(r);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    aq_weights_free(w0);
    aq_weights_free(w);
    free(x);
    free(y);
    aq_table_free(t);
}

static void test_ml_error(aq_ctx *ctx)
{
    aq_table *t = load(ctx, "tests/data/pysal/columbus/columbus.shp");
    const char *xn[] = {"INC", "HOVAL"}, *yn[] = {"CRIME"};
    double *x = columns(t, xn, 2), *y = columns(t, yn, 1);
    aq_weights *w = contiguity(ctx, t, 0);
    aq_reg_result *r = NULL;
    aq_reg_opts eo = {AQ_LOGDET_EIGEN};
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_ERROR, AQ_REG_ML, y, x, 49, 2, w, &eo, &r), AQ_OK);
    /* R spatialreg errorsarlm(CRIME ~ INC + HOVAL, listw = nb2listw(queen),
     * method = "eigen") as printed: lambda 0.54675 (se 0.13805), intercept
     * 60.279469 (5.365594), INC -0.957305 (0.334231), HOVAL -0.304559
     * (0.092047), LR 7.2556 */
    AQ_NEAR(r->lambda, 0.54675, 1e-5);
    AQ_NEAR(r->lambda_se, 0.13805, 1e-5);
    AQ_NEAR(r->coef[0], 60.279469, 1e-6);
    AQ_NEAR(r->se[0], 5.365594, 1e-6);
    AQ_NEAR(r->coef[1], -0.957305, 1e-6);
    AQ_NEAR(r->se[1], 0.334231, 1e-6);
    AQ_NEAR(r->coef[2], -0.304559, 1e-6);
    AQ_NEAR(r->se[2], 0.092047, 1e-6);
    AQ_NEAR(r->lr.statistic, 7.2556, 1e-4);
    AQ_CHECK(r->direct == NULL);
    aq_reg_result *sr = NULL;
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_ERROR, AQ_REG_ML, y, x, 49, 2, w, NULL, &sr), AQ_OK);
    AQ_EQ_INT(sr->logdet, AQ_LOGDET_SPARSE); /* the default when the weights allow */
    AQ_NEAR(sr->lambda, r->lambda, 1e-7);
    AQ_NEAR(sr->lambda_se, r->lambda_se, 1e-8);
    for (int i = 0; i < 3; i++) {
        AQ_NEAR(sr->coef[i], r->coef[i], 1e-7);
        AQ_NEAR(sr->se[i], r->se[i], 1e-7);
    }
    aq_reg_result_free(sr);
    aq_reg_result_free(r);
    aq_weights_free(w);
    free(x);
    free(y);
    aq_table_free(t);
}

static void test_gm_lag(aq_ctx *ctx)
{
    aq_table *t = load(ctx, "tests/data/pysal/columbus/columbus.shp");
    const char *xn[] = {"INC", "CRIME"}, *yn[] = {"HOVAL"};
    double *x = columns(t, xn, 2), *y = columns(t, yn, 1);
    aq_weights *w = contiguity(ctx, t, 1);
    aq_reg_result *r = NULL;
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_LAG, AQ_REG_GM, y, x, 49, 2, w, NULL, &r), AQ_OK);
    /* spreg tests/test_twosls_sp.py TestGMLag (RTOL 1e-7) */
    AQ_NEAR(r->coef[0], 4.53017056e+01, 1e-7);
    AQ_NEAR(r->coef[1], 6.20888617e-01, 1e-7);
    AQ_NEAR(r->coef[2], -4.80723451e-01, 1e-7);
    AQ_NEAR(r->rho, 2.83622122e-02, 1e-7);
    AQ_NEAR(r->se[0] * r->se[0], 3.20867996e+02, 1e-7);
    AQ_NEAR(r->se[1] * r->se[1], 2.75478880e-01, 1e-7);
    AQ_NEAR(r->se[2] * r->se[2], 3.32265449e-02, 1e-7);
    AQ_NEAR(r->rho_se * r->rho_se, 1.00743323e-01, 1e-7);
    AQ_NEAR(r->sigma2, 215.39625394627919, 1e-7);
    AQ_NEAR(r->r2, 0.3551928222612527, 1e-7);
    AQ_NEAR(r->resid[0], 29.59288768, 1e-7);
    AQ_NEAR(r->total[1], r->coef[1] / (1 - r->rho), 1e-10);
    aq_reg_result_free(r);
    aq_weights_free(w);
    free(x);
    free(y);
    aq_table_free(t);
}

static void test_bad(aq_ctx *ctx)
{
    double y[6] = {1, 2, 3, 4, 5, 7}, x[12] = {1, 2, 3, 4, 5, 6, 2, 4, 6, 8, 10, 12};
    aq_reg_result *r = NULL;
    /* the second column is twice the first */
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_OLS, AQ_REG_ML, y, x, 6, 2, NULL, NULL, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "collinear") != NULL);
    AQ_CHECK(r == NULL);
    x[3] = NAN;
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_OLS, AQ_REG_ML, y, x, 6, 1, NULL, NULL, &r), AQ_EINPUT);
    AQ_EQ_STR(aq_errmsg(ctx), "explanatory variable 1 of unit 4 is missing or infinite");
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_LAG, AQ_REG_ML, y, x, 6, 1, NULL, NULL, &r), AQ_EUSAGE);
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_OLS, AQ_REG_ML, y, x, 2, 1, NULL, NULL, &r), AQ_EINPUT);
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_ERROR, AQ_REG_GM, y, x, 6, 1, NULL, NULL, &r), AQ_EUSAGE);
    AQ_CHECK(r == NULL);
    /* kNN weights are asymmetric: no sparse Cholesky */
    double px[6] = {0, 1, 2, 3, 4, 6}, py[6] = {0, 0, 1, 0, 2, 0}, xs[6] = {3, 1, 4, 1, 5, 9};
    aq_weights *k = NULL;
    AQ_EQ_INT(aq_weights_knn(ctx, px, py, 6, AQ_METRIC_PLANAR, 2, &k), AQ_OK);
    aq_reg_opts so = {AQ_LOGDET_SPARSE};
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_LAG, AQ_REG_ML, y, xs, 6, 1, k, &so, &r), AQ_EUSAGE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "kNN weights are asymmetric") != NULL);
    /* the eigen path takes them (complex eigenvalues) */
    AQ_EQ_INT(aq_regress(ctx, AQ_REG_LAG, AQ_REG_ML, y, xs, 6, 1, k, NULL, &r), AQ_OK);
    AQ_CHECK(r && isfinite(r->rho) && fabs(r->rho) < 1 && isfinite(r->rho_se));
    aq_reg_result_free(r);
    aq_weights_free(k);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_ols(ctx);
    test_lm(ctx);
    test_ml_lag(ctx);
    test_ml_error(ctx);
    test_gm_lag(ctx);
    test_bad(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
