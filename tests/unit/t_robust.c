/*
 * t_robust.c -- Monte Carlo robustness: the rank kernel against hand
 * computation, the bucket ranking against a comparison sort, class
 * probabilities under a threshold range against their exact values, and
 * the Sobol estimators in the cases where they are known exactly.
 */
#include "aq_test.h"
#include "index_int.h"

static aq_table *minimal_table(aq_ctx *ctx)
{
    aq_table *t = NULL;
    AQ_EQ_INT(aq_table_read(ctx, "tests/data/methods/minimal.csv", NULL, &t), AQ_OK);
    return t;
}

static aq_method *with_uncertainty(aq_ctx *ctx, const char *extra)
{
    static const char *base =
        "name: t\nid: code\npopulation: pop\n"
        "indicators:\n"
        "  - {code: i01, direction: 1, weight: 2, pillar: economy}\n"
        "  - {code: i16, direction: -1, weight: 1, pillar: economy}\n"
        "  - {code: i02, direction: 1, weight: 1, pillar: services}\n"
        "pillars:\n  - {code: economy}\n  - {code: services}\n";
    char buf[2048];
    snprintf(buf, sizeof buf, "%s%s", base, extra);
    aq_method *m = NULL;
    AQ_EQ_INT(aq_method_parse(ctx, buf, strlen(buf), "u.yaml", &m), AQ_OK);
    if (!m)
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
    return m;
}

static int cmp_pair(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] > y[0] ? -1 : 1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();

    /* ranks under draws (1,0), (0,1), (.5,.5): unit 0 {1,3,1}, unit 1
     * {3,1,2}, unit 2 {2,2,3} (the tie in draw 3 ranks by row). Type 7:
     * q05 = x(1) + 0.1 (x(2) - x(1)), q95 = x(2) + 0.9 (x(3) - x(2)). */
    const double x[6] = {1, 0, 0, 1, 0.5, 0.5}, w[6] = {1, 0, 0, 1, 0.5, 0.5};
    double q05[3], q50[3], q95[3];
    AQ_EQ_INT(aq_index_mc_ranks(ctx, x, 3, 2, w, 3, q05, q50, q95), AQ_OK);
    AQ_NEAR(q05[0], 1, 1e-12); AQ_NEAR(q50[0], 1, 1e-12); AQ_NEAR(q95[0], 2.8, 1e-12);
    AQ_NEAR(q05[1], 1.1, 1e-12); AQ_NEAR(q50[1], 2, 1e-12); AQ_NEAR(q95[1], 2.9, 1e-12);
    AQ_NEAR(q05[2], 2, 1e-12); AQ_NEAR(q50[2], 2, 1e-12); AQ_NEAR(q95[2], 2.9, 1e-12);
    AQ_EQ_INT(aq_index_mc_ranks(ctx, x, 0, 2, w, 3, q05, q50, q95), AQ_EUSAGE);

    /* the large-n path (bucket ranking with the range taken while scoring)
     * against ranks computed draw by draw: 5000 units, 2 indicators, 3
     * draws; with 3 ranks r1 <= r2 <= r3 the median is r2 */
    {
        size_t nn = 5000;
        double *xx = malloc(2 * nn * sizeof *xx), *sc = malloc(nn * sizeof *sc);
        double *a = malloc(nn * sizeof *a), *bq = malloc(nn * sizeof *bq), *c = malloc(nn * sizeof *c);
        uint32_t *r3 = malloc(3 * nn * sizeof *r3), *ix = malloc(2 * nn * sizeof *ix);
        uint64_t *kk = malloc(2 * nn * sizeof *kk);
        const double ww[6] = {0.3, 0.7, 0.9, 0.1, 0.5, 0.5};
        unsigned long z = 99;
        for (size_t i = 0; i < 2 * nn; i++) {
            z = z * 6364136223846793005UL + 1442695040888963407UL;
            xx[i] = (double)(z >> 44) / 1048576.0;
        }
        for (int d = 0; d < 3; d++) {
            for (size_t i = 0; i < nn; i++)
                sc[i] = 0 + xx[2 * i] * ww[2 * d] + xx[2 * i + 1] * ww[2 * d + 1];
            aq__rank_desc(sc, nn, r3 + d * nn, kk, ix);
        }
        AQ_EQ_INT(aq_index_mc_ranks(ctx, xx, nn, 2, ww, 3, a, bq, c), AQ_OK);
        size_t wrong = 0;
        for (size_t i = 0; i < nn; i++) {
            uint32_t v[3] = {r3[i], r3[nn + i], r3[2 * nn + i]};
            for (int p = 0; p < 2; p++)
                for (int q = 0; q < 2 - p; q++)
                    if (v[q] > v[q + 1]) {
                        uint32_t t = v[q];
                        v[q] = v[q + 1];
                        v[q + 1] = t;
                    }
            wrong += bq[i] != v[1] || fabs(a[i] - (v[0] + 0.1 * (v[1] - v[0]))) > 1e-9 ||
                     fabs(c[i] - (v[1] + 0.9 * (v[2] - v[1]))) > 1e-9;
        }
        AQ_EQ_INT(wrong, 0);
        free(xx); free(sc); free(a); free(bq); free(c); free(r3); free(ix); free(kk);
    }

    /* bucket ranking (n >= 4096) = stable comparison sort, with ties and NaN */
    size_t n = 20000;
    double *s = malloc(n * sizeof *s), *pairs = malloc(2 * n * sizeof *pairs);
    uint32_t *rk = malloc(n * sizeof *rk), *idx = malloc(2 * n * sizeof *idx);
    uint64_t *keys = malloc(2 * n * sizeof *keys);
    unsigned long st = 7;
    for (size_t i = 0; i < n; i++) {
        st = st * 6364136223846793005UL + 1442695040888963407UL;
        s[i] = (double)(st >> 40) / 1e4 - 500; /* negatives, many ties */
        if (i % 997 == 0)
            s[i] = NAN;
    }
    aq__rank_desc(s, n, rk, keys, idx);
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = isnan(s[i]) ? -INFINITY : s[i];
        pairs[2 * i + 1] = (double)i;
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_pair); /* NaN last: -inf, by row */
    size_t bad = 0;
    for (size_t r = 0; r < n; r++)
        bad += rk[(size_t)pairs[2 * r + 1]] != r + 1;
    AQ_EQ_INT(bad, 0);
    /* one far outlier crowds the rest into one value bucket: the nested
     * sub-bucket path must still give the exact order */
    s[5] = 1e12;
    for (size_t i = 6; i < n; i += 3)
        s[i] = 1 + (double)(i % 5000) * 1e-9;
    aq__rank_desc(s, n, rk, keys, idx);
    for (size_t i = 0; i < n; i++) {
        pairs[2 * i] = isnan(s[i]) ? -INFINITY : s[i];
        pairs[2 * i + 1] = (double)i;
    }
    qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
    bad = 0;
    for (size_t r = 0; r < n; r++)
        bad += rk[(size_t)pairs[2 * r + 1]] != r + 1;
    AQ_EQ_INT(bad, 0);
    free(s); free(pairs); free(rk); free(idx); free(keys);

    aq_table *t = minimal_table(ctx);
    if (!t)
        AQ_TEST_END();
    /* class probabilities under a threshold range, exactly known:
     * high needs score >= U(50, 99): E (95.833) stays high with
     * P = (95.833 - 50)/49 = 0.9354; C (54.167) becomes high with
     * P = (54.167 - 50)/49 = 0.0850, else medium. Ranks do not move. */
    aq_method *m = with_uncertainty(ctx,
        "classes:\n  - {name: uninhabited, when: \"pop == 0\"}\n"
        "  - {name: high, min_score: 66.7, min_score_range: [50, 99]}\n"
        "  - {name: medium, min_score: 33.3}\n  - {name: low}\n");
    aq_uncertainty_opts o;
    aq_uncertainty_opts_init(&o);
    o.runs = 4000;
    o.seed = 1;
    aq_uncertainty *u = NULL;
    AQ_EQ_INT(aq_index_uncertainty(ctx, m, t, &o, &u), AQ_OK);
    aq_table *ut = NULL, *sum = NULL;
    AQ_EQ_INT(aq_uncertainty_units_table(ctx, u, &ut), AQ_OK);
    AQ_EQ_INT(aq_uncertainty_summary_table(ctx, u, &sum), AQ_OK);
    /* columns: id rank rank_median rank_q05 rank_q95 class class_stability
     * p_uninhabited p_high p_medium p_low */
    AQ_EQ_STR(aq_table_colname(ut, 8), "p_high");
    AQ_NEAR(aq_table_numbers(ut, 8)[4], (575.0 / 6 - 50) / 49, 0.015);
    AQ_NEAR(aq_table_numbers(ut, 8)[2], (325.0 / 6 - 50) / 49, 0.015);
    AQ_NEAR(aq_table_numbers(ut, 9)[2], 1 - (325.0 / 6 - 50) / 49, 0.015);
    AQ_NEAR(aq_table_numbers(ut, 6)[1], 1, 0);       /* B: uninhabited always */
    AQ_NEAR(aq_table_numbers(ut, 2)[4], 1, 0);       /* E: median rank 1 */
    AQ_NEAR(aq_table_numbers(ut, 4)[0], 5, 0);
    AQ_NEAR(aq_uncertainty_unstable_share(u), 0, 0); /* every unit >= 0.9 stable */
    AQ_NEAR(aq_table_numbers(sum, 2)[2], 0, 0);      /* mean |rank shift| = 0 */
    aq_table_free(ut); aq_table_free(sum);
    aq_uncertainty_free(u);
    aq_method_free(m);

    /* one factor: AB = B, so Jansen's S1 is exactly 1; ST estimates 1 */
    m = with_uncertainty(ctx, "uncertainty: {weights: {range: 0.9}}\n");
    o.runs = 500;
    o.sobol = 1;
    AQ_EQ_INT(aq_index_uncertainty(ctx, m, t, &o, &u), AQ_OK);
    AQ_EQ_INT(aq_uncertainty_summary_table(ctx, u, &sum), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(sum), 5);
    AQ_EQ_STR(aq_table_text(sum, 1, 3), "weights");
    AQ_NEAR(aq_table_numbers(sum, 2)[3], 1, 1e-12);
    AQ_NEAR(aq_table_numbers(sum, 2)[4], 1, 0.25);
    AQ_CHECK(aq_table_numbers(sum, 2)[2] > 0); /* ranks move */
    aq_table_free(sum);
    aq_uncertainty_free(u);
    aq_method_free(m);

    /* weight draws equal to the effective weights (1/3, 1/6, 1/2) keep the
     * nominal ranks in every run */
    m = with_uncertainty(ctx, "");
    double draws[3 * 4];
    for (int d = 0; d < 4; d++) {
        draws[3 * d] = 1.0 / 3;
        draws[3 * d + 1] = 1.0 / 6;
        draws[3 * d + 2] = 0.5;
    }
    aq_uncertainty_opts_init(&o);
    o.weight_draws = draws;
    o.ndraws = 4;
    AQ_EQ_INT(aq_index_uncertainty(ctx, m, t, &o, &u), AQ_OK);
    AQ_EQ_INT(aq_uncertainty_units_table(ctx, u, &ut), AQ_OK);
    for (size_t i = 0; i < 5; i++)
        AQ_NEAR(aq_table_numbers(ut, 2)[i], aq_table_numbers(ut, 1)[i], 0);
    aq_table_free(ut);
    aq_uncertainty_free(u);
    /* nothing declared to vary */
    aq_uncertainty_opts_init(&o);
    AQ_EQ_INT(aq_index_uncertainty(ctx, m, t, &o, &u), AQ_EUSAGE);
    aq_method_free(m);
    aq_table_free(t);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
