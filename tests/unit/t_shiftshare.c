/*
 * t_shiftshare.c -- classic, Esteban-Marquillas and dynamic shift-share.
 *
 * Published values: REAT (Wieland, R package "Regional Economic Analysis
 * Toolbox", shift() with shift.method "Dunn" and "Esteban"), as quoted in
 * issue 6: region A_t = (90,20,10,60), A_t1 = (100,40,10,55), nation
 * N_t = (400,150,150,400), N_t1 = (440,210,135,480) give growth 25,
 * national share 27, industrial mix 1, regional share -3, homothetic
 * -0.636363636363636 and allocation -2.363636363636363.
 */
#include "aq_test.h"
#include "aimaq_structure.h"

static void test_reat(void)
{
    aq_ctx *ctx = aq_ctx_new();
    double a0[] = {90, 20, 10, 60}, a1[] = {100, 40, 10, 55};
    double n0[] = {400, 150, 150, 400}, n1[] = {440, 210, 135, 480};
    double reg[4], mix[4];
    aq_shift s;
    AQ_EQ_INT(aq_shift_share(ctx, a0, a1, n0, n1, 4, &s, reg, mix), AQ_OK);
    AQ_NEAR(s.base, 180, 1e-15);
    AQ_NEAR(s.final, 205, 1e-15);
    AQ_NEAR(s.growth, 25, 1e-13);
    AQ_NEAR(s.national, 27, 1e-13);
    AQ_NEAR(s.mix, 1, 1e-13);
    AQ_NEAR(s.regional, -3, 1e-13);
    AQ_NEAR(s.homothetic, -0.636363636363636, 1e-13);
    AQ_NEAR(s.allocation, -2.363636363636363, 1e-13);
    /* Per sector the parts add up to the totals. */
    double sr = 0, sm = 0;
    for (int i = 0; i < 4; i++)
        sr += reg[i], sm += mix[i];
    AQ_NEAR(sr, -3, 1e-13);
    AQ_NEAR(sm, 1, 1e-13);
    AQ_NEAR(reg[0], 100 - 90 * 1.1, 1e-13);

    /* Dynamic: 2010 -> 2011 -> 2012 summed; with a middle year equal to the
     * REAT final year, the total is the REAT result plus the second step. */
    double r[] = {90, 20, 10, 60, 100, 40, 10, 55, 110, 40, 12, 50};
    double n[] = {400, 150, 150, 400, 440, 210, 135, 480, 450, 220, 140, 470};
    aq_shift d, step2;
    AQ_EQ_INT(aq_shift_share_dynamic(ctx, r, n, 4, 3, &d), AQ_OK);
    AQ_EQ_INT(aq_shift_share(ctx, r + 4, r + 8, n + 4, n + 8, 4, &step2, NULL, NULL), AQ_OK);
    AQ_NEAR(d.growth, 212 - 180, 1e-12);
    AQ_NEAR(d.national, 27 + step2.national, 1e-12);
    AQ_NEAR(d.regional, -3 + step2.regional, 1e-12);
    AQ_NEAR(d.homothetic + d.allocation, d.regional, 1e-12);
    AQ_NEAR(d.base, 180, 0);
    AQ_NEAR(d.final, 212, 0);
    AQ_EQ_INT(aq_shift_share_dynamic(ctx, r, n, 4, 1, &d), AQ_EINPUT);

    /* A sector new to the region: its whole regional shift is allocation. */
    double b0[] = {90, 0}, b1[] = {99, 7}, m0[] = {100, 100}, m1[] = {110, 120};
    AQ_EQ_INT(aq_shift_share(ctx, b0, b1, m0, m1, 2, &s, NULL, NULL), AQ_OK);
    AQ_NEAR(s.regional, 7 + (99 - 99), 1e-12);
    AQ_NEAR(s.homothetic + s.allocation, s.regional, 1e-12);

    /* A sector with no national base is refused, naming it. */
    double z0[] = {0, 10}, z1[] = {5, 10};
    AQ_EQ_INT(aq_shift_share(ctx, b0, b1, z0, z1, 2, &s, NULL, NULL), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "sector 1") != NULL);
    aq_ctx_free(ctx);
}

int main(void)
{
    AQ_TEST_BEGIN();
    test_reat();
    AQ_TEST_END();
}
