/*
 * t_moran.c -- global statistics: Moran's I on stl (esda test_moran.py),
 * General G on esda's docstring points, Geary's C against its definition
 * computed densely, bivariate Moran of a variable with itself, permutation
 * reproducibility across thread counts, and bad input.
 */
#include "aimaq_spatial.h"
#include "aq_test.h"

static void quiet(void *user, const char *msg)
{
    (void)user;
    (void)msg;
}

/* stl_hom.csv HR8893 and stl.gal (positional: GAL ids 1..78 in row order) */
static int load_stl(aq_ctx *ctx, aq_table **t, aq_weights **w)
{
    int rc = aq_table_read(ctx, "tests/data/pysal/stl/stl_hom.csv", NULL, t);
    if (rc == AQ_OK)
        rc = aq_weights_read(ctx, "tests/data/pysal/stl/stl.gal", w);
    if (rc)
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
    return rc;
}

static void test_stl(aq_ctx *ctx)
{
    aq_table *t = NULL;
    aq_weights *w = NULL;
    if (load_stl(ctx, &t, &w) != AQ_OK) {
        AQ_CHECK(0);
        return;
    }
    long c = aq_table_find(t, "HR8893");
    AQ_CHECK(c >= 0);
    const double *y = aq_table_numbers(t, (size_t)c);
    size_t n = aq_table_nrows(t);
    AQ_EQ_INT(n, 78);
    aq_moran_result m, m1;
    /* esda test_moran.py: I = 0.24365582621771659, EI = -1/77, one-tailed
     * p_norm = 0.00013573931385468807 (ours is two-sided: twice that) */
    AQ_EQ_INT(aq_moran_global(ctx, w, y, n, 999, 12345, &m), AQ_OK);
    AQ_NEAR(m.I, 0.24365582621771659, 1e-13);
    AQ_NEAR(m.EI, -0.012987012987012988, 1e-15);
    AQ_NEAR(m.p_norm, 2 * 0.00013573931385468807, 1e-12);
    AQ_CHECK(m.p_sim <= 0.01); /* numpy, 20000 permutations: P(sim >= I) = 0.0014 */
    AQ_NEAR(m.EI_sim, m.EI, 0.01);
    /* same seed, one thread: identical permutation results */
    aq_ctx_set_threads(ctx, 1);
    AQ_EQ_INT(aq_moran_global(ctx, w, y, n, 999, 12345, &m1), AQ_OK);
    aq_ctx_set_threads(ctx, 0);
    AQ_CHECK(m1.p_sim == m.p_sim && m1.EI_sim == m.EI_sim && m1.seI_sim == m.seI_sim);

    /* bivariate Moran of a variable with itself is Moran's I (row-standardised) */
    aq_moran_result bv;
    AQ_EQ_INT(aq_moran_bv(ctx, w, y, y, n, 99, 1, &bv), AQ_OK);
    AQ_NEAR(bv.I, m.I, 1e-13);

    /* Geary's C against its definition, computed densely */
    aq_geary_result g;
    AQ_EQ_INT(aq_geary(ctx, w, y, n, 99, 3, &g), AQ_OK);
    double mean = 0, ss = 0, num = 0, s0 = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    for (size_t i = 0; i < n; i++) {
        const uint32_t *nb;
        const double *wt;
        size_t k = aq_weights_neighbors(w, i, &nb, &wt);
        for (size_t a = 0; a < k; a++) {
            num += wt[a] * (y[i] - y[nb[a]]) * (y[i] - y[nb[a]]);
            s0 += wt[a];
        }
    }
    AQ_NEAR(g.C, (double)(n - 1) * num / (2 * s0 * ss), 1e-13);
    AQ_NEAR(g.EC, 1, 0);
    AQ_CHECK(g.C < 1 && g.z_norm < 0 && g.z_rand < 0); /* positive autocorrelation */

    /* EB rates: with equal populations the standardised rates are a linear
     * function of the counts, so Moran's I is unchanged */
    double *b = malloc(n * sizeof *b);
    for (size_t i = 0; i < n; i++)
        b[i] = 1000;
    aq_moran_result mr;
    AQ_EQ_INT(aq_moran_rate(ctx, w, y, b, n, 0, 1, &mr), AQ_OK);
    AQ_NEAR(mr.I, m.I, 1e-12);
    b[5] = 0;
    AQ_EQ_INT(aq_moran_rate(ctx, w, y, b, n, 0, 1, &mr), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "row 6") != NULL);
    free(b);

    /* bad input: a missing value named by unit id, a constant variable */
    double *bad = malloc(n * sizeof *bad);
    memcpy(bad, y, n * sizeof *bad);
    bad[10] = NAN;
    AQ_EQ_INT(aq_moran_global(ctx, w, bad, n, 0, 1, &m), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unit '11'") != NULL);
    for (size_t i = 0; i < n; i++)
        bad[i] = 3;
    AQ_EQ_INT(aq_moran_global(ctx, w, bad, n, 0, 1, &m), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "constant") != NULL);
    free(bad);
    aq_weights_free(w);
    aq_table_free(t);
}

static void test_general_g(aq_ctx *ctx)
{
    /* esda getisord.py docstring: DistanceBand(points, threshold=15),
     * binary; G = 0.557 (rounded), one-sided p_norm = 0.173 (rounded). */
    double x[6] = {10, 20, 40, 15, 30, 30}, y[6] = {10, 10, 10, 20, 20, 30};
    double v[6] = {2, 3, 3.2, 5, 8, 7};
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_band(ctx, x, y, 6, AQ_METRIC_PLANAR, 15, 0, &w), AQ_OK);
    aq_weights_set_style(ctx, w, AQ_WSTYLE_B);
    aq_getis_result g;
    AQ_EQ_INT(aq_getis_g(ctx, w, v, 6, 99, 10, &g), AQ_OK);
    AQ_NEAR(g.G, 0.557, 5e-4);
    AQ_NEAR(g.p_norm / 2, 0.173, 5e-4);
    AQ_NEAR(g.EG, 14.0 / 30, 1e-15); /* S0 / (n (n-1)) */
    v[2] = -1;
    AQ_EQ_INT(aq_getis_g(ctx, w, v, 6, 0, 10, &g), AQ_EINPUT);
    aq_weights_free(w);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    aq_ctx_set_warning_fn(ctx, quiet, NULL);
    test_stl(ctx);
    test_general_g(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
