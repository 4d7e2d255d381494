/*
 * t_ineq.c -- the disparity kernels (src/ineq*.c, src/rng.c) against
 * published values, independent computations and their own identities.
 * Sources of the expected numbers are cited at each check.
 */
#include "aimaq_ineq.h"
#include "aq_test.h"
#include "rng.h"
#include "t_ineq_data.h"

#include <stdint.h>

static const char *MEXICO = "tests/data/pysal/mexico/mexico.csv";

/* ---- published values ---- */

static void test_mexico(aq_ctx *ctx)
{
    td_table t;
    AQ_CHECK(td_read(MEXICO, &t) == 0);
    AQ_EQ_INT(t.nrows, 32);
    static const char *cols[7] = {"pcgdp1940", "pcgdp1950", "pcgdp1960", "pcgdp1970",
                                  "pcgdp1980", "pcgdp1990", "pcgdp2000"};
    /* pysal/inequality tests (test_theil.py), also listed in
     * ../shared/data/pysal-examples/SOURCE.md */
    static const double theil[7] = {0.20894344, 0.15222451, 0.10472941, 0.10194725,
                                    0.09560113, 0.10511256, 0.10660832};
    static const double between[7] = {0.0345889,  0.02816853, 0.05260921, 0.05931219,
                                      0.03205257, 0.02963731, 0.03635872};
    static const double within[7] = {0.17435454, 0.12405598, 0.0521202, 0.04263506,
                                     0.06354856, 0.07547525, 0.0702496};
    double x[64], gcol[64];
    uint32_t g[64];
    AQ_CHECK(td_col(&t, "hanson98", gcol) == 0);
    uint32_t maxg = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        g[i] = (uint32_t)gcol[i] - 1; /* hanson98 codes 1..5 */
        maxg = g[i] > maxg ? g[i] : maxg;
    }
    for (int y = 0; y < 7; y++) {
        AQ_CHECK(td_col(&t, cols[y], x) == 0);
        aq_ineq_result *r = NULL;
        AQ_EQ_INT(aq_ineq_compute(ctx, x, NULL, t.nrows, g, maxg + 1, NULL, &r), AQ_OK);
        if (!r)
            continue;
        AQ_NEAR(r->theil_t, theil[y], 6e-9);
        AQ_NEAR(r->between[AQ_GE_1], between[y], 6e-9);
        AQ_NEAR(r->within[AQ_GE_1], within[y], 6e-9);
        /* exact decomposition of every GE(a): both parts from their own sums */
        for (int a = 0; a < AQ_GE_N; a++)
            AQ_NEAR(r->between[a] + r->within[a], r->ge[a], 1e-13);
        if (y == 0)
            /* pysal/inequality test_gini.py: Gini of pcgdp1940 */
            AQ_NEAR(r->gini, 0.35372371173452849, 1e-14);
        aq_ineq_result_free(r);
    }
}

static void test_small_published(aq_ctx *ctx)
{
    /* R ineq / pysal inequality docs: Atkinson of 10..50 */
    double x[5] = {10, 20, 30, 40, 50};
    aq_ineq_result *r = NULL;
    AQ_EQ_INT(aq_ineq_compute(ctx, x, NULL, 5, NULL, 0, NULL, &r), AQ_OK);
    if (!r)
        return;
    AQ_NEAR(r->atkinson[AQ_ATK_05], 0.06315339222708616, 1e-14);
    AQ_NEAR(r->atkinson[AQ_ATK_1], 0.13160963843421658, 1e-14);
    /* textbook formulas, computed independently with numpy (population sd,
     * n-1 sd, GE(a) = (mean r^a - 1)/(a(a-1)), Hoover = half sum |share
     * differences|, Lorenz interpolated linearly within units) */
    AQ_NEAR(r->mean, 30, 1e-15);
    AQ_NEAR(r->cv, 0.4714045207910317, 1e-14);
    AQ_NEAR(r->cv_sample, 0.5270462766947299, 1e-14);
    AQ_CHECK(isnan(r->williamson));
    AQ_NEAR(r->ge[AQ_GE_M1], 0.185, 1e-14);
    AQ_NEAR(r->ge[AQ_GE_0], 0.14111394011170053, 1e-14);
    AQ_NEAR(r->ge[AQ_GE_1], 0.11968759358350925, 1e-14);
    AQ_NEAR(r->ge[AQ_GE_2], 0.1111111111111111, 1e-14);
    AQ_NEAR(r->theil_l, r->ge[AQ_GE_0], 0);
    AQ_NEAR(r->atkinson[AQ_ATK_2], 0.2700729927007298, 1e-14);
    AQ_NEAR(r->hoover, 0.2, 1e-14);
    AQ_NEAR(r->gini, 0.26666666666666666, 1e-14);
    AQ_NEAR(r->palma, 0.8333333333333337, 1e-13);
    AQ_NEAR(r->ratio_top_bottom_quintile, 5.0, 1e-13);
    /* numpy.percentile / R quantile type 7 */
    AQ_NEAR(r->median, 30, 1e-15);
    AQ_NEAR(r->p10, 14, 1e-14);
    AQ_NEAR(r->p90, 46, 1e-14);
    AQ_NEAR(r->ratio_p90_p10, 46.0 / 14.0, 1e-14);
    AQ_NEAR(r->ratio_max_min, 5, 0);
    AQ_NEAR(r->range, 40, 0);
    AQ_EQ_INT(r->nlorenz, 6);
    AQ_NEAR(r->lorenz_pop[2], 0.4, 1e-15);
    AQ_NEAR(r->lorenz_income[2], 30.0 / 150.0, 1e-15);
    AQ_NEAR(r->lorenz_income[5], 1.0, 1e-15);
    aq_ineq_result_free(r);

    /* REAT gini() with weighting: 0.527826086956522 */
    double v[6] = {500, 1500, 2500, 4000, 7500, 15000};
    double w[6] = {1000, 1200, 1600, 400, 200, 600};
    AQ_EQ_INT(aq_ineq_compute(ctx, v, w, 6, NULL, 0, NULL, &r), AQ_OK);
    if (!r)
        return;
    AQ_NEAR(r->gini, 0.527826086956522, 1e-14);
    AQ_CHECK(r->weighted);
    AQ_NEAR(r->williamson, r->cv, 0);
    /* weighted median: 2,200 of 5,000 people are below 2500, 3,800 up to it */
    AQ_NEAR(r->median, 2500, 0);
    aq_ineq_result_free(r);
}

static void test_kendall(aq_ctx *ctx)
{
    /* scipy.stats.kendalltau documentation example (scipy < 1.2, whose
     * p-value used the classic variance of tau; it divided by sqrt(2)
     * rounded to 1.4142136, hence the tolerance of 2e-8 on p) */
    double x[5] = {12, 2, 1, 12, 2}, y[5] = {1, 4, 7, 1, 0};
    double tau = 0, p = 0, pt = 0;
    AQ_EQ_INT(aq_kendall_tau(ctx, x, y, 5, &tau, &p, &pt), AQ_OK);
    AQ_NEAR(tau, -0.47140452079103173, 1e-15);
    AQ_NEAR(p, 0.24821309157521476, 2e-8);
    /* the same example in today's scipy documentation (tie-corrected) */
    AQ_NEAR(pt, 0.2827454599327748, 1e-14);
    /* no ties: tau = 1 - 2 * 1 discordant / 10 pairs */
    double a[5] = {1, 2, 3, 4, 5}, b[5] = {1, 2, 3, 5, 4};
    AQ_EQ_INT(aq_kendall_tau(ctx, a, b, 5, &tau, &p, NULL), AQ_OK);
    AQ_NEAR(tau, 0.8, 1e-15);
    double c[3] = {1, 1, 1};
    AQ_EQ_INT(aq_kendall_tau(ctx, a, c, 3, &tau, &p, NULL), AQ_EINPUT);
}

/* ---- identities on random data ---- */

static double brute_gini(const double *x, const double *w, size_t n)
{
    double W = 0, X = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        W += w[i];
        X += w[i] * x[i];
        for (size_t j = 0; j < n; j++)
            s += w[i] * w[j] * fabs(x[i] - x[j]);
    }
    return s / (2 * W * X);
}

static void test_identities(aq_ctx *ctx)
{
    enum { N = 300, G = 7 };
    double x[N], w[N];
    uint32_t g[N];
    aq__rng rng;
    aq__rng_seed(&rng, 7);
    for (size_t i = 0; i < N; i++) {
        x[i] = exp(2 * aq__rng_uniform(&rng)) * 100;
        if (i % 10 == 0)
            x[i] = x[i / 2]; /* ties */
        w[i] = (double)(1 + aq__rng_below(&rng, 50));
        g[i] = (uint32_t)aq__rng_below(&rng, G);
    }
    aq_ineq_result *rg = NULL, *r0 = NULL;
    AQ_EQ_INT(aq_ineq_compute(ctx, x, w, N, g, G, NULL, &rg), AQ_OK);
    AQ_EQ_INT(aq_ineq_compute(ctx, x, w, N, NULL, 0, NULL, &r0), AQ_OK);
    if (!rg || !r0)
        return;
    AQ_NEAR(rg->gini, brute_gini(x, w, N), 1e-13);
    for (int a = 0; a < AQ_GE_N; a++) {
        AQ_NEAR(rg->ge[a], r0->ge[a], 1e-13); /* grouping does not change the total */
        AQ_NEAR(rg->between[a] + rg->within[a], rg->ge[a], 1e-13);
        AQ_CHECK(rg->within[a] >= 0 && rg->between[a] >= 0);
    }
    double sw = 0, ss = 0;
    for (size_t j = 0; j < G; j++) {
        sw += rg->groups[j].pop_share;
        ss += rg->groups[j].income_share;
    }
    AQ_NEAR(sw, 1, 1e-14);
    AQ_NEAR(ss, 1, 1e-14);

    /* integer weights == the units replicated that many times */
    size_t m = 0;
    for (size_t i = 0; i < N; i++)
        m += (size_t)w[i];
    double *rep = malloc(m * sizeof *rep);
    uint32_t *rg2 = malloc(m * sizeof *rg2);
    size_t k = 0;
    for (size_t i = 0; i < N; i++)
        for (int c = 0; c < (int)w[i]; c++) {
            rg2[k] = g[i];
            rep[k++] = x[i];
        }
    aq_ineq_result *rr = NULL;
    AQ_EQ_INT(aq_ineq_compute(ctx, rep, NULL, m, rg2, G, NULL, &rr), AQ_OK);
    if (rr) {
        AQ_NEAR(rr->gini, rg->gini, 1e-12);
        AQ_NEAR(rr->theil_t, rg->theil_t, 1e-12);
        AQ_NEAR(rr->theil_l, rg->theil_l, 1e-12);
        AQ_NEAR(rr->within[AQ_GE_1], rg->within[AQ_GE_1], 1e-12);
        AQ_NEAR(rr->between[AQ_GE_0], rg->between[AQ_GE_0], 1e-12);
        AQ_NEAR(rr->atkinson[AQ_ATK_05], rg->atkinson[AQ_ATK_05], 1e-12);
        AQ_NEAR(rr->hoover, rg->hoover, 1e-12);
        AQ_NEAR(rr->palma, rg->palma, 1e-12);
        AQ_NEAR(rr->cv, rg->cv, 1e-12);
        AQ_NEAR(rr->median, rg->median, 1e-12);
    }
    aq_ineq_result_free(rr);
    free(rep);
    free(rg2);
    aq_ineq_result_free(rg);
    aq_ineq_result_free(r0);
}

/* The same data on 1 and 2 threads give bit-identical results (large n
 * so the parallel sort and blocks are used). */
static void test_threads(aq_ctx *ctx)
{
    size_t n = 300000, G = 50;
    double *x = malloc(n * sizeof *x), *w = malloc(n * sizeof *w);
    uint32_t *g = malloc(n * sizeof *g);
    aq__rng rng;
    aq__rng_seed(&rng, 11);
    for (size_t i = 0; i < n; i++) {
        x[i] = round(exp(10 + aq__rng_uniform(&rng)) * 100) / 100;
        w[i] = (double)(1 + aq__rng_below(&rng, 1000));
        g[i] = (uint32_t)aq__rng_below(&rng, G);
    }
    aq_ineq_opts o1, o2;
    aq_ineq_opts_init(&o1);
    aq_ineq_opts_init(&o2);
    o1.threads = 1;
    o2.threads = 2;
    aq_ineq_result *a = NULL, *b = NULL;
    AQ_EQ_INT(aq_ineq_compute(ctx, x, w, n, g, G, &o1, &a), AQ_OK);
    AQ_EQ_INT(aq_ineq_compute(ctx, x, w, n, g, G, &o2, &b), AQ_OK);
    if (a && b) {
        int same = 1;
        for (int m = 0; m < AQ_M_COUNT; m++) {
            double va = aq_ineq_measure_value(a, m), vb = aq_ineq_measure_value(b, m);
            same &= memcmp(&va, &vb, sizeof va) == 0;
        }
        AQ_CHECK(same);
        AQ_EQ_INT(a->nlorenz, 1001);
        AQ_NEAR(a->lorenz_income[1000], 1.0, 1e-12);
        for (int j = 0; j < AQ_GE_N; j++)
            AQ_NEAR(a->between[j] + a->within[j], a->ge[j], 1e-12);
    }
    aq_ineq_result_free(a);
    aq_ineq_result_free(b);
    free(x);
    free(w);
    free(g);
}

static void test_errors(aq_ctx *ctx)
{
    double x[4] = {1, 2, 0, 4}, w[4] = {1, 1, 1, -1};
    uint32_t g[4] = {0, 0, 2, 2};
    aq_ineq_result *r = NULL;
    AQ_EQ_INT(aq_ineq_compute(ctx, x, NULL, 1, NULL, 0, NULL, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "at least 2 units") != NULL);
    AQ_EQ_INT(aq_ineq_compute(ctx, x, NULL, 4, NULL, 0, NULL, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unit 2") && strstr(aq_errmsg(ctx), "theil_l"));
    x[2] = 3;
    AQ_EQ_INT(aq_ineq_compute(ctx, x, w, 4, NULL, 0, NULL, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unit 3") && strstr(aq_errmsg(ctx), "weight"));
    AQ_EQ_INT(aq_ineq_compute(ctx, x, NULL, 4, g, 3, NULL, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "group 1 has no units") != NULL);
    AQ_EQ_INT(aq_ineq_compute(ctx, x, NULL, 4, g, 2, NULL, &r), AQ_EUSAGE);
    AQ_CHECK(r == NULL);
}

static void test_bootstrap(aq_ctx *ctx)
{
    td_table t;
    double x[64], gcol[64];
    uint32_t g[64];
    AQ_CHECK(td_read(MEXICO, &t) == 0);
    td_col(&t, "pcgdp1940", x);
    td_col(&t, "hanson98", gcol);
    for (size_t i = 0; i < t.nrows; i++)
        g[i] = (uint32_t)gcol[i] - 1;
    aq_ineq_opts o1, o2;
    aq_ineq_opts_init(&o1);
    aq_ineq_opts_init(&o2);
    o1.threads = 1;
    o2.threads = 2;
    aq_ineq_ci a, b;
    AQ_EQ_INT(aq_ineq_bootstrap(ctx, x, NULL, t.nrows, g, 5, 200, 42, 0.95, &o1, &a), AQ_OK);
    AQ_EQ_INT(aq_ineq_bootstrap(ctx, x, NULL, t.nrows, g, 5, 200, 42, 0.95, &o2, &b), AQ_OK);
    AQ_CHECK(memcmp(a.lo, b.lo, sizeof a.lo) == 0 && memcmp(a.hi, b.hi, sizeof a.hi) == 0);
    AQ_EQ_INT(a.failed, 0);
    /* the interval brackets the estimate 0.3537 */
    AQ_CHECK(a.lo[AQ_M_GINI] < 0.3537 && a.hi[AQ_M_GINI] > 0.3537);
    AQ_CHECK(a.lo[AQ_M_THEIL_T_WITHIN] < a.hi[AQ_M_THEIL_T_WITHIN]);
    AQ_CHECK(isnan(a.lo[AQ_M_WILLIAMSON]));
    aq_ineq_ci c;
    AQ_EQ_INT(aq_ineq_bootstrap(ctx, x, NULL, t.nrows, g, 5, 200, 43, 0.95, &o1, &c), AQ_OK);
    AQ_CHECK(c.lo[AQ_M_GINI] != a.lo[AQ_M_GINI]); /* another seed, another draw */
    AQ_EQ_INT(aq_ineq_bootstrap(ctx, x, NULL, t.nrows, g, 5, 1, 42, 0.95, &o1, &c), AQ_EUSAGE);
}

static void test_rng(void)
{
    /* splitmix64 reference output for state 0 (Vigna, splitmix64.c):
     * 0xe220a8397b1dcdaf */
    uint64_t st = 0;
    AQ_CHECK(aq__splitmix64(&st) == 0xe220a8397b1dcdafULL);
    aq__rng a, b;
    aq__rng_seed(&a, 42);
    aq__rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= aq__rng_next(&a) == aq__rng_next(&b);
    AQ_CHECK(same);
    int inrange = 1;
    for (int i = 0; i < 1000; i++) {
        double u = aq__rng_uniform(&a);
        inrange &= u >= 0 && u < 1 && aq__rng_below(&a, 7) < 7;
    }
    AQ_CHECK(inrange);
    aq__rng_seed_stream(&a, 42, 0);
    aq__rng_seed_stream(&b, 42, 1);
    AQ_CHECK(aq__rng_next(&a) != aq__rng_next(&b));
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_rng();
    test_mexico(ctx);
    test_small_published(ctx);
    test_kendall(ctx);
    test_identities(ctx);
    test_threads(ctx);
    test_errors(ctx);
    test_bootstrap(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
