/*
 * t_structure.c -- location quotients, specialisation indices and the
 * table-level structure measures.
 *
 * Published values: REAT (Wieland, "Regional Economic Analysis Toolbox",
 * R package, CRAN) as quoted in issue 6 -- locq(1714, 79006, 879213,
 * 15593224) = 0.384762342301328; krugman.spec(c(20,10,70,0,0),
 * c(0,0,0,60,40)) = 2 (the manual's example after Farhauer/Kroell 2013).
 * Hand-computed values say how they were computed.
 */
#include "aq_test.h"
#include "aimaq_structure.h"

#include <math.h>

static void test_kernels(void)
{
    /* REAT locq() example. */
    AQ_NEAR(aq_locq(1714, 79006, 879213, 15593224), 0.384762342301328, 1e-14);
    AQ_CHECK(isnan(aq_locq(1, 0, 1, 1)));

    /* REAT krugman.spec() example: no sector in common gives the maximum 2. */
    double ej[] = {20, 10, 70, 0, 0}, el[] = {0, 0, 0, 60, 40};
    AQ_NEAR(aq_krugman(ej, el, 5), 2.0, 1e-15);
    AQ_NEAR(aq_hoover(ej, el, 5), 1.0, 1e-15);
    AQ_NEAR(aq_krugman(ej, ej, 5), 0.0, 1e-15);

    /* x shares (.1, .2, .7) against an even nation (1/3 each):
     * Hoover = 0.5 (7/30 + 4/30 + 11/30) = 11/30; HHI = .01 + .04 + .49 = .54,
     * normalised (.54 - 1/3) / (2/3) = 0.31; LQ = (.3, .6, 2.1), mean 1,
     * REAT gini.spec: 2/(3^2 * 1) * (1(-.7) + 2(-.4) + 3(1.1)) = 0.4. */
    double x[] = {10, 20, 70}, ref[] = {100, 100, 100}, work[3], norm, lq[3];
    AQ_NEAR(aq_hoover(x, ref, 3), 11.0 / 30.0, 1e-15);
    AQ_NEAR(aq_hhi(x, 3, &norm), 0.54, 1e-15);
    AQ_NEAR(norm, 0.31, 1e-15);
    AQ_NEAR(aq_gini_spec(x, ref, 3, work), 0.4, 1e-15);
    aq_locq_vector(x, ref, 3, lq);
    AQ_NEAR(lq[0], 0.3, 1e-15);
    AQ_NEAR(lq[2], 2.1, 1e-15);
    /* Same structure as the nation: no specialisation. */
    AQ_NEAR(aq_gini_spec(ref, ref, 3, work), 0.0, 1e-15);
    /* A mono-town: HHI 1. */
    double mono[] = {0, 500, 0};
    AQ_NEAR(aq_hhi(mono, 3, &norm), 1.0, 1e-15);
    AQ_NEAR(norm, 1.0, 1e-15);
}

/* Wide table: territories A (the REAT shift-share region) and B (the rest
 * of the REAT nation), periods 2010 and 2011, sectors s1..s4. */
static aq_table *reat_table(aq_ctx *ctx, int with_nation, double nation_fudge)
{
    static const char *ter[] = {"A", "B", "A", "B", "KZ", "KZ"};
    static const char *per[] = {"2010", "2010", "2011", "2011", "2010", "2011"};
    static const double v[6][4] = {{90, 20, 10, 60},   {310, 130, 140, 340}, {100, 40, 10, 55},
                                   {340, 170, 125, 425}, {400, 150, 150, 400}, {440, 210, 135, 480}};
    size_t n = with_nation ? 6 : 4;
    aq_table *t = NULL;
    if (aq_table_new(ctx, n, &t))
        return NULL;
    aq_table_add_column(ctx, t, "code", AQ_COL_TEXT, NULL);
    aq_table_add_column(ctx, t, "period", AQ_COL_TEXT, NULL);
    const char *sec[] = {"s1", "s2", "s3", "s4"};
    for (int i = 0; i < 4; i++)
        aq_table_add_column(ctx, t, sec[i], AQ_COL_NUMBER, NULL);
    for (size_t r = 0; r < n; r++) {
        aq_table_set_text(ctx, t, 0, r, ter[r]);
        aq_table_set_text(ctx, t, 1, r, per[r]);
        for (int i = 0; i < 4; i++)
            aq_table_set_number(ctx, t, 2 + i, r, v[r][i] + (r == 5 && i == 0 ? nation_fudge : 0));
    }
    return t;
}

static double num(const aq_table *t, const char *col, size_t row)
{
    long c = aq_table_find(t, col);
    return c < 0 ? NAN : aq_table_numbers(t, (size_t)c)[row];
}

static void test_table(void)
{
    aq_ctx *ctx = aq_ctx_new();
    aq_table *t = reat_table(ctx, 0, 0), *res = NULL;
    aq_structure_opts o;
    aq_structure_opts_init(&o);

    /* Shift-share of A against A + B = the REAT nation. */
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SHIFT, &res), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(res), 2);
    AQ_EQ_STR(aq_table_text(res, 0, 0), "A");
    AQ_NEAR(num(res, "growth", 0), 25, 1e-12);
    AQ_NEAR(num(res, "national_share", 0), 27, 1e-12);
    AQ_NEAR(num(res, "industrial_mix", 0), 1, 1e-12);
    AQ_NEAR(num(res, "regional_shift", 0), -3, 1e-12);
    AQ_NEAR(num(res, "em_homothetic", 0), -0.636363636363636, 1e-12);
    AQ_NEAR(num(res, "em_allocation", 0), -2.363636363636363, 1e-12);
    aq_table_free(res);

    /* Per sector: A's regional shifts are 100 - 99, 40 - 28, 10 - 9, 55 - 72. */
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SHIFT_SECTORS, &res), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(res), 8);
    AQ_NEAR(num(res, "regional_shift", 1), 12, 1e-12);
    AQ_NEAR(num(res, "regional_shift", 3), -17, 1e-12);
    aq_table_free(res);

    /* Advantages of A in 2011: LQ > 1 and a positive regional shift. A's
     * shares (100,40,10,55)/205 against the nation (440,210,135,480)/1265:
     * LQ s1 = 1.4103, s2 = 1.1754 (regional +1, +12): both qualify;
     * s3 LQ 0.457, s4 LQ 0.707 do not. */
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_ADVANTAGES, &res), AQ_OK);
    AQ_EQ_STR(aq_table_text(res, 0, 0), "A");
    AQ_EQ_STR(aq_table_text(res, 1, 0), "s1");
    AQ_NEAR(num(res, "lq", 0), (100.0 / 205) / (440.0 / 1265), 1e-12);
    AQ_EQ_STR(aq_table_text(res, 1, 1), "s2");
    size_t nadv = aq_table_nrows(res);
    AQ_CHECK(nadv >= 2);
    aq_table_free(res);

    /* Summary of the last period: A's HHI from its 2011 shares. */
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SUMMARY, &res), AQ_OK);
    double h = (100.0 * 100 + 40 * 40 + 10 * 10 + 55 * 55) / (205.0 * 205);
    AQ_NEAR(num(res, "hhi", 0), h, 1e-12);
    AQ_NEAR(num(res, "total", 0), 205, 1e-12);
    AQ_EQ_STR(aq_table_text(res, 3, 0), "s1");
    aq_table_free(res);

    /* Dynamic over two periods is the classic decomposition. */
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_DYNAMIC, &res), AQ_OK);
    AQ_NEAR(num(res, "regional_shift", 0), -3, 1e-12);
    aq_table_free(res);

    /* LQ matrix at the base period. */
    o.at = "2010";
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_LQ, &res), AQ_OK);
    AQ_NEAR(num(res, "s1", 0), aq_locq(90, 180, 400, 1100), 1e-14);
    aq_table_free(res);
    o.at = "1999";
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_LQ, &res), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "1999") != NULL);
    o.at = NULL;
    aq_table_free(t);

    /* A nation row that agrees is used and dropped from the territories. */
    t = reat_table(ctx, 1, 0);
    o.nation = "KZ";
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SHIFT, &res), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(res), 2);
    AQ_NEAR(num(res, "em_homothetic", 0), -0.636363636363636, 1e-12);
    aq_table_free(res);
    aq_table_free(t);

    /* One that does not add up is refused with both numbers. */
    t = reat_table(ctx, 1, 50);
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SHIFT, &res), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "s1") && strstr(aq_errmsg(ctx), "490") &&
             strstr(aq_errmsg(ctx), "440"));
    o.tolerance = 0.2; /* 50 of 490 is within 20 % */
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SHIFT, &res), AQ_OK);
    aq_table_free(res);
    aq_table_free(t);

    /* Negative employment is refused, naming the cell. */
    t = reat_table(ctx, 0, 0);
    aq_table_set_number(ctx, t, 3, 1, -5);
    o.nation = NULL;
    AQ_EQ_INT(aq_structure(ctx, t, &o, AQ_STRUCT_SUMMARY, &res), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'B'") && strstr(aq_errmsg(ctx), "s2"));
    aq_table_free(t);

    /* Allocation failures are reported, never crash. */
    t = reat_table(ctx, 0, 0);
    for (long k = 1; k < 40; k++) {
        aq_debug_fail_alloc_after(k);
        res = NULL;
        int rc = aq_structure(ctx, t, &o, AQ_STRUCT_ADVANTAGES, &res);
        aq_debug_fail_alloc_after(0);
        AQ_CHECK(rc == AQ_OK || rc == AQ_ENOMEM);
        AQ_CHECK(rc == AQ_OK || res == NULL);
        aq_table_free(res);
    }
    aq_table_free(t);
    aq_ctx_free(ctx);
}

int main(void)
{
    AQ_TEST_BEGIN();
    test_kernels();
    test_table();
    AQ_TEST_END();
}
