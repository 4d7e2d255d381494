/*
 * t_index.c -- the minimal methodology of issue 4 computes exactly its
 * stated semantics. Expected values are computed by hand below.
 *
 * Data (tests/data/methods/minimal.csv):
 *   code pop i01 i16 i02
 *   A    100  10   5   1
 *   B      0  20   3   3
 *   C     50  30   1   2
 *   D    200   0   4   4
 *   E     80  40   2   5
 * Min-max to [0, 100]; i16 reversed, (max - x)/(max - min):
 *   i01: A 25, B 50, C 75, D 0,  E 100
 *   i16: A 0,  B 50, C 100, D 25, E 75
 *   i02: A 0,  B 50, C 25, D 75, E 100
 * economy = (2 i01 + 1 i16)/3: A 50/3, B 50, C 250/3, D 25/3, E 275/3
 * services = i02
 * index = (economy + services)/2: A 25/3, B 50, C 325/6, D 125/3, E 575/6
 * ranks: E 1, C 2, B 3, D 4, A 5
 * classes: B uninhabited (pop == 0), E high, C and D medium, A low.
 */
#include "aq_test.h"
#include "aimaq_index.h"

static aq_table *minimal_table(aq_ctx *ctx)
{
    static const char *codes[] = {"A", "B", "C", "D", "E"};
    static const double v[5][4] = {
        {100, 10, 5, 1}, {0, 20, 3, 3}, {50, 30, 1, 2}, {200, 0, 4, 4}, {80, 40, 2, 5}};
    static const char *names[] = {"pop", "i01", "i16", "i02"};
    aq_table *t = NULL;
    aq_table_new(ctx, 5, &t);
    size_t c;
    aq_table_add_column(ctx, t, "code", AQ_COL_TEXT, &c);
    for (size_t i = 0; i < 5; i++)
        aq_table_set_text(ctx, t, c, i, codes[i]);
    for (size_t k = 0; k < 4; k++) {
        aq_table_add_column(ctx, t, names[k], AQ_COL_NUMBER, &c);
        for (size_t i = 0; i < 5; i++)
            aq_table_set_number(ctx, t, c, i, v[i][k]);
    }
    return t;
}

static void test_minimal(aq_ctx *ctx)
{
    aq_method *m = NULL;
    AQ_EQ_INT(aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m), AQ_OK);
    if (!m) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        return;
    }
    AQ_EQ_STR(aq_method_name(m), "Example potential");
    AQ_EQ_INT(aq_method_nindicators(m), 3);
    AQ_EQ_INT(strlen(aq_method_hash(m)), 64);
    aq_table *t = minimal_table(ctx);
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    if (!r) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        return;
    }
    const double *s = aq_index_scores(r);
    AQ_NEAR(s[0], 25.0 / 3, 1e-12);
    AQ_NEAR(s[1], 50.0, 1e-12);
    AQ_NEAR(s[2], 325.0 / 6, 1e-12);
    AQ_NEAR(s[3], 125.0 / 3, 1e-12);
    AQ_NEAR(s[4], 575.0 / 6, 1e-12);
    const double *eco = aq_index_pillar(r, 0), *srv = aq_index_pillar(r, 1);
    AQ_NEAR(eco[0], 50.0 / 3, 1e-12);
    AQ_NEAR(eco[2], 250.0 / 3, 1e-12);
    AQ_NEAR(eco[4], 275.0 / 3, 1e-12);
    AQ_NEAR(srv[3], 75.0, 1e-12);
    const double *n16 = aq_index_normalised(r, 1);
    AQ_NEAR(n16[0], 0.0, 1e-12);
    AQ_NEAR(n16[3], 25.0, 1e-12);
    AQ_NEAR(n16[2], 100.0, 1e-12);
    const unsigned *rk = aq_index_ranks(r);
    AQ_EQ_INT(rk[4], 1);
    AQ_EQ_INT(rk[2], 2);
    AQ_EQ_INT(rk[1], 3);
    AQ_EQ_INT(rk[3], 4);
    AQ_EQ_INT(rk[0], 5);
    AQ_EQ_STR(aq_index_class(r, 0), "low");
    AQ_EQ_STR(aq_index_class(r, 1), "uninhabited");
    AQ_EQ_STR(aq_index_class(r, 2), "medium");
    AQ_EQ_STR(aq_index_class(r, 3), "medium");
    AQ_EQ_STR(aq_index_class(r, 4), "high");
    /* B: the condition and the value it tested, with the rule's line */
    AQ_CHECK(strstr(aq_index_reason(r, 1), "rule 'uninhabited' (line 14): pop == 0 (pop = 0)") != NULL);
    /* E: contributions relative to the mean unit (mean score 50): i02
     * (100 - 50) x 1/2 = +25, i01 (100 - 50) x 1/3 = +16.7 */
    const char *re = aq_index_reason(r, 4);
    AQ_CHECK(strstr(re, "score 95.83 >= 66.7") != NULL);
    AQ_CHECK(strstr(re, "up i02 +25, i01 +16.7") != NULL);
    /* A: down i02 -25 (0 - 50)/2, i01 -8.33 (25 - 50)/3 */
    AQ_CHECK(strstr(aq_index_reason(r, 0), "down i02 -25, i01 -8.33") != NULL);
    if (!strstr(re, "up i02 +25"))
        fprintf(stderr, "reason: %s\n", re);

    aq_table *cl = NULL;
    AQ_EQ_INT(aq_index_classes_table(ctx, r, &cl), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(cl), 4);
    AQ_EQ_STR(aq_table_text(cl, 0, 0), "uninhabited");
    AQ_EQ_STR(aq_table_text(cl, 0, 2), "medium");
    AQ_NEAR(aq_table_numbers(cl, 1)[2], 2, 0);
    AQ_NEAR(aq_table_numbers(cl, 2)[2], 250, 0);     /* C 50 + D 200 */
    AQ_NEAR(aq_table_numbers(cl, 3)[1], 80.0 / 430, 1e-12);
    aq_table *ut = NULL;
    AQ_EQ_INT(aq_index_units_table(ctx, r, &ut), AQ_OK);
    AQ_EQ_INT(aq_table_ncols(ut), 7); /* id score rank class economy services reason */
    AQ_EQ_STR(aq_table_colname(ut, 4), "economy");
    aq_table_free(ut);
    aq_table_free(cl);
    aq_index_free(r);
    aq_table_free(t);
    aq_method_free(m);
}

/* A unit with a missing indicator is excluded (max_share 0 by default),
 * listed with its reason, and the others are normalised without it. */
static void test_missing(aq_ctx *ctx)
{
    aq_method *m = NULL;
    aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m);
    aq_table *t = minimal_table(ctx);
    aq_table_set_number(ctx, t, 2, 0, NAN); /* A: i01 missing */
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    AQ_EQ_STR(aq_index_class(r, 0), "excluded");
    AQ_CHECK(strstr(aq_index_reason(r, 0), "1 of 3 indicators missing (i01)") != NULL);
    AQ_CHECK(isnan(aq_index_scores(r)[0]));
    AQ_EQ_INT(aq_index_ranks(r)[0], 0);
    /* i01 now ranges 0..40 over B..E: unchanged; i16 over B..E: 1..4 */
    AQ_NEAR(aq_index_normalised(r, 1)[3], 0.0, 1e-12); /* D has i16 = 4 = max */
    aq_index_free(r);
    aq_table_free(t);
    aq_method_free(m);
}

/* A constant indicator stops min-max with the methodology's line. */
static void test_constant(aq_ctx *ctx)
{
    aq_method *m = NULL;
    aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m);
    aq_table *t = minimal_table(ctx);
    for (size_t i = 0; i < 5; i++)
        aq_table_set_number(ctx, t, 4, i, 7); /* i02 */
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "minimal.yaml:7: indicator 'i02' is constant (7 in every unit)") != NULL);
    AQ_CHECK(r == NULL);
    aq_table_free(t);
    aq_method_free(m);
}

static void test_missing_column(aq_ctx *ctx)
{
    aq_method *m = NULL;
    aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m);
    aq_table *t = NULL;
    aq_table_new(ctx, 2, &t);
    aq_table_add_column(ctx, t, "code", AQ_COL_TEXT, NULL);
    aq_table_add_column(ctx, t, "pop", AQ_COL_NUMBER, NULL);
    aq_table_add_column(ctx, t, "i01", AQ_COL_NUMBER, NULL);
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "minimal.yaml:6: indicator 'i16' is not a column") != NULL);
    aq_table_free(t);
    aq_method_free(m);
}

/* Other normalisations and means, by hand on the same data. */
static void test_variants(aq_ctx *ctx)
{
    static const char *yaml =
        "name: variants\nid: code\n"
        "indicators:\n"
        "  - {code: i01, weight: 1}\n"
        "  - {code: i02, weight: 1}\n"
        "normalise: {method: minmax, range: [1, 101]}\n"
        "aggregate: {method: geometric}\n";
    aq_method *m = NULL;
    AQ_EQ_INT(aq_method_parse(ctx, yaml, strlen(yaml), "v.yaml", &m), AQ_OK);
    aq_table *t = minimal_table(ctx);
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    /* C: i01 -> 1 + 75 = 76, i02 -> 1 + 25 = 26: sqrt(76 x 26) */
    AQ_NEAR(aq_index_scores(r)[2], sqrt(76.0 * 26.0), 1e-12);
    aq_index_free(r);
    aq_method_free(m);

    static const char *yaml2 =
        "name: goalposts\nid: code\n"
        "indicators:\n"
        "  - {code: i01, goalposts: [0, 20]}\n"
        "  - {code: i16, direction: -1, goalposts: [0, 10]}\n"
        "normalise: {method: goalposts, range: [0, 1]}\n";
    AQ_EQ_INT(aq_method_parse(ctx, yaml2, strlen(yaml2), "g.yaml", &m), AQ_OK);
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    /* A: i01 10/20 = 0.5; i16 1 - 5/10 = 0.5 -> 0.5; C: min(30/20,1) = 1,
     * 1 - 1/10 = 0.9 -> 0.95 */
    AQ_NEAR(aq_index_scores(r)[0], 0.5, 1e-12);
    AQ_NEAR(aq_index_scores(r)[2], 0.95, 1e-12);
    aq_index_free(r);
    aq_method_free(m);

    static const char *yaml3 =
        "name: scoring\nid: code\n"
        "indicators:\n"
        "  - {code: pop, scoring: [{max: 1, points: 0}, {min: 1, max: 100, points: 1}, "
        "{min: 100, points: 3}]}\n"
        "normalise: {method: minmax}\n"
        "classes:\n"
        "  - {name: top, min_quantile: 0.8}\n"
        "  - {name: rest}\n";
    AQ_EQ_INT(aq_method_parse(ctx, yaml3, strlen(yaml3), "s.yaml", &m), AQ_OK);
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    /* points: A 3, B 0, C 1, D 3, E 1; q80 of (0,1,1,3,3) = 3 */
    AQ_NEAR(aq_index_scores(r)[0], 3, 0);
    AQ_NEAR(aq_index_scores(r)[1], 0, 0);
    AQ_EQ_STR(aq_index_class(r, 3), "top");
    AQ_EQ_STR(aq_index_class(r, 4), "rest");
    AQ_EQ_INT(aq_index_ranks(r)[0], 1); /* tie A = D = 3: row order */
    AQ_EQ_INT(aq_index_ranks(r)[3], 2);
    aq_index_free(r);
    aq_method_free(m);
    aq_table_free(t);
}

/* Audit of the minimal example, by hand: i01 = 10, 20, 30, 0, 40 has
 * skewness 0 and excess kurtosis 68000/200^2 - 3 = -1.3. Normalised i01
 * (25, 50, 75, 0, 100) and i16 (0, 50, 100, 25, 75) have variances 1562.5
 * each, their sum variance 5625, so Cronbach's alpha = 2 (1 - 3125/5625)
 * = 0.8889; their correlation 5000/6250 = 0.8, so the first principal
 * component explains (1 + 0.8)/2 = 0.9 of the variance. */
static void test_audit(aq_ctx *ctx)
{
    aq_method *m = NULL;
    aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m);
    aq_table *t = minimal_table(ctx), *ti = NULL, *tp = NULL;
    AQ_EQ_INT(aq_index_audit(ctx, m, t, &ti, &tp), AQ_OK);
    if (ti && tp) {
        AQ_NEAR(aq_table_numbers(ti, 3)[0], 0, 1e-12);
        AQ_NEAR(aq_table_numbers(ti, 4)[0], -1.3, 1e-12);
        AQ_NEAR(aq_table_numbers(ti, 7)[1], 1.0 / 6, 1e-12);
        AQ_NEAR(aq_table_numbers(ti, 5)[2], 1, 1e-12); /* i02 is its pillar */
        AQ_NEAR(aq_table_numbers(tp, 2)[0], 2 * (1 - 3125.0 / 5625), 1e-12);
        AQ_NEAR(aq_table_numbers(tp, 3)[0], 0.9, 1e-12);
        AQ_NEAR(aq_table_numbers(tp, 4)[0], 0.8, 1e-12);
        AQ_CHECK(isnan(aq_table_numbers(tp, 2)[1])); /* one indicator: no alpha */
    }
    aq_table_free(ti);
    aq_table_free(tp);
    aq_table_free(t);
    aq_method_free(m);
}

/* Out of memory at every allocation of a computation: AQ_ENOMEM, no
 * result, no leak (the ASan build checks leaks). */
static void test_oom(aq_ctx *ctx)
{
    aq_method *m = NULL;
    aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m);
    aq_table *t = minimal_table(ctx);
    int done = 0;
    for (long k = 1; k < 400 && !done; k++) {
        aq_index *r = NULL;
        aq_table *ut = NULL;
        aq_debug_fail_alloc_after(k);
        int rc = aq_index_compute(ctx, m, t, &r);
        if (!rc)
            rc = aq_index_units_table(ctx, r, &ut);
        aq_debug_fail_alloc_after(0);
        if (rc == AQ_OK)
            done = 1;
        else if (rc != AQ_ENOMEM) {
            AQ_EQ_INT(rc, AQ_ENOMEM);
            break;
        }
        aq_table_free(ut);
        aq_index_free(r);
    }
    AQ_CHECK(done);
    aq_table_free(t);
    aq_method_free(m);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_minimal(ctx);
    test_missing(ctx);
    test_constant(ctx);
    test_missing_column(ctx);
    test_variants(ctx);
    test_audit(ctx);
    test_oom(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
