/*
 * t_convergence.c -- sigma and beta convergence (src/convergence.c) on
 * PySAL's mexico data (1940 -> 2000), against scipy.stats.linregress and
 * numpy (values computed independently with Debian's python3-numpy 1.24
 * and python3-scipy 1.10 from the same CSV).
 */
#include "aimaq_ineq.h"
#include "aq_test.h"
#include "t_ineq_data.h"

static void test_mexico(aq_ctx *ctx)
{
    td_table t;
    AQ_CHECK(td_read("tests/data/pysal/mexico/mexico.csv", &t) == 0);
    enum { N = 32 };
    double y[2 * N], c[N], w[N], times[2] = {1940, 2000};
    td_col(&t, "pcgdp1940", y);
    td_col(&t, "pcgdp2000", y + N);
    td_col(&t, "hanson98", c);
    aq_convergence_result *r = NULL;
    AQ_EQ_INT(aq_convergence(ctx, y, NULL, N, 2, times, NULL, 0, &r), AQ_OK);
    if (!r)
        return;
    /* scipy.stats.linregress(log(y1940), log(y2000/y1940)/60) */
    AQ_NEAR(r->alpha, 0.08228927473596928, 1e-13);
    AQ_NEAR(r->beta, -0.007254802677838517, 1e-13);
    AQ_NEAR(r->se_beta, 0.0013963930068126697, 1e-13);
    AQ_NEAR(r->se_alpha, 0.012155924366011263, 1e-13);
    AQ_NEAR(r->r2, 0.4736107983434906, 1e-12);
    AQ_NEAR(r->p, 1.3416379751848108e-05, 1e-12);
    AQ_NEAR(r->T, 60, 0);
    /* speed = -ln(1 + T beta) / T, half-life = ln 2 / speed */
    AQ_NEAR(r->speed, 0.00952399494708455, 1e-12);
    AQ_NEAR(r->half_life, 72.77903699141807, 1e-9);
    /* numpy: std(log y, ddof=1), std(y)/mean(y); F = var ratio, two-sided
     * p = 2 min(F cdf, F sf) with scipy.stats.f(31, 31) */
    AQ_NEAR(r->sigma[0].sd_log, 0.6300039877338818, 1e-13);
    AQ_NEAR(r->sigma[0].cv, 0.7085205527820183, 1e-13);
    AQ_NEAR(r->sigma[1].sd_log, 0.4584291503093572, 1e-13);
    AQ_NEAR(r->sigma[1].cv, 0.48480744450624896, 1e-13);
    AQ_NEAR(r->F, 1.8886093953342176, 1e-12);
    AQ_NEAR(r->F_p, 0.08158782375553084, 1e-9);
    AQ_NEAR(r->tau, 0.5846774193548389, 1e-14); /* scipy.stats.kendalltau */
    aq_convergence_free(r);

    /* conditional on a control (numpy.linalg.lstsq, s^2 (X'X)^-1) */
    AQ_EQ_INT(aq_convergence(ctx, y, NULL, N, 2, times, c, 1, &r), AQ_OK);
    if (r) {
        AQ_NEAR(r->beta, -0.00715846397261986, 1e-13);
        AQ_NEAR(r->se_beta, 0.0015452790205526502, 1e-13);
        AQ_NEAR(r->control_coef[0], 0.00010980609646807794, 1e-13);
        AQ_NEAR(r->control_se[0], 0.0006956161279836764, 1e-13);
    }
    aq_convergence_free(r);

    /* weighted (WLS, weights 1..32 scaled to mean 1, s^2 (X'WX)^-1) */
    for (int i = 0; i < N; i++)
        w[i] = i + 1;
    AQ_EQ_INT(aq_convergence(ctx, y, w, N, 2, times, NULL, 0, &r), AQ_OK);
    if (r) {
        AQ_NEAR(r->beta, -0.006981783106181135, 1e-13);
        AQ_NEAR(r->se_beta, 0.0012662051641575249, 1e-13);
    }
    aq_convergence_free(r);
}

static void test_errors(aq_ctx *ctx)
{
    double y[8] = {1, 2, 3, 4, 1, 2, 0, 4}, times[2] = {2000, 2010}, back[2] = {2010, 2000};
    aq_convergence_result *r = NULL;
    AQ_EQ_INT(aq_convergence(ctx, y, NULL, 4, 2, times, NULL, 0, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "period 2") && strstr(aq_errmsg(ctx), "unit 2"));
    y[6] = 3;
    AQ_EQ_INT(aq_convergence(ctx, y, NULL, 4, 2, back, NULL, 0, &r), AQ_EUSAGE);
    AQ_EQ_INT(aq_convergence(ctx, y, NULL, 2, 2, times, NULL, 0, &r), AQ_EINPUT);
    double c[4] = {1, 2, 3, 4}; /* collinear with nothing, but 4 units < 3 + 1 + ... */
    AQ_EQ_INT(aq_convergence(ctx, y, NULL, 4, 2, times, c, 2, &r), AQ_EINPUT);
    AQ_CHECK(r == NULL);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_mexico(ctx);
    test_errors(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
