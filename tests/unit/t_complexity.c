/*
 * t_complexity.c -- the kernels of aimaq_complexity.h on a nested toy in
 * the manner of Hidalgo & Hausmann (2009), whose every value is worked out
 * by hand below; the Stata ground truth is asserted by tests/cli/complexity.sh.
 *
 * The toy: three units and four activities, nested.
 *        p1 p2 p3 p4   diversity
 *   C1    1  1  1  1   4
 *   C2    1  1  0  0   2
 *   C3    1  0  0  0   1
 *   ubiquity 3 2 1 1
 */
#include "aq_test.h"
#include "aimaq_complexity.h"

#include <math.h>
#include <stdlib.h>

static const double M[12] = {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0};

static void test_rca(void)
{
    /* x = [[1, 2], [3, 4]]: total 10; RCA_11 = (1/3) / (4/10) = 5/6,
     * RCA_22 = (4/7) / (6/10) = 20/21. A zero row is NaN. */
    double x[6] = {1, 2, 3, 4, 0, 0}, r[6];
    aq_cx_rca(x, 3, 2, r);
    AQ_NEAR(r[0], 5.0 / 6, 1e-15);
    AQ_NEAR(r[3], 20.0 / 21, 1e-15);
    AQ_CHECK(isnan(r[4]) && isnan(r[5]));
}

static void test_proximity_density(aq_ctx *ctx)
{
    /* Co-occurrences C_12 = 2, every other pair 1. Symmetric proximity
     * C / max(u): phi_12 = 2/3, phi_13 = phi_14 = 1/3, phi_23 = phi_24 =
     * 1/2, phi_34 = 1; the diagonal is 0. */
    double phi[16], den[12];
    AQ_EQ_INT(aq_cx_proximity_matrix(ctx, M, 3, 4, AQ_CX_SYMMETRIC, phi), AQ_OK);
    AQ_NEAR(phi[0 * 4 + 1], 2.0 / 3, 1e-15);
    AQ_NEAR(phi[1 * 4 + 0], 2.0 / 3, 1e-15);
    AQ_NEAR(phi[0 * 4 + 2], 1.0 / 3, 1e-15);
    AQ_NEAR(phi[1 * 4 + 3], 0.5, 1e-15);
    AQ_NEAR(phi[2 * 4 + 3], 1.0, 1e-15);
    AQ_NEAR(phi[0], 0, 0);
    /* Density of C3 (has p1) to p2: phi_21 / (phi_21 + phi_23 + phi_24) =
     * (2/3) / (5/3) = 2/5; of C2 (p1, p2) to p3: (1/3 + 1/2) / (1/3 + 1/2
     * + 1) = 5/11; of C1 to p1, which it has with everything, 1. */
    AQ_EQ_INT(aq_cx_density(ctx, M, 3, 4, phi, den), AQ_OK);
    AQ_NEAR(den[2 * 4 + 1], 0.4, 1e-15);
    AQ_NEAR(den[1 * 4 + 2], 5.0 / 11, 1e-15);
    AQ_NEAR(den[0 * 4 + 0], 1.0, 1e-15);
    /* Asymmetric: phi_pq = P(q | p) = C_pq / u_p: phi_31 = 1, phi_13 = 1/3. */
    AQ_EQ_INT(aq_cx_proximity_matrix(ctx, M, 3, 4, AQ_CX_ASYMMETRIC, phi), AQ_OK);
    AQ_NEAR(phi[2 * 4 + 0], 1.0, 1e-15);
    AQ_NEAR(phi[0 * 4 + 2], 1.0 / 3, 1e-15);
}

static void test_eigen(aq_ctx *ctx)
{
    /* M~_cc' = sum_p M_cp M_c'p / (d_c u_p):
     *   C1: 17/24 5/24 2/24;  C2: 5/12 5/12 2/12;  C3: 1/3 1/3 1/3.
     * Eigenvalues 1, 1/3, 1/8 (trace 35/24, principal 2x2 minors adding to
     * 1/2); for 1/3 the eigenvector is k_c = (1, -1, -2) (row C3 gives
     * k_1 + k_2 = 0, row C1 k_3 = -2), and k_p = sum_c M_cp k_c / u_p / (1/3)
     * = (-2, 0, 3, 3). Mean of k_c -2/3, deviations (5/3, -1/3, -4/3), sum
     * of squares 14/3; the Stata sd over the 12 unit-activity rows is
     * s^2 = 4 (14/3) / 11 = 56/33. ECI_C1 = (5/3) / s, PCI_p3 = (3 + 2/3) / s. */
    double eci[3], pci[4], norm[2];
    AQ_EQ_INT(aq_cx_complexity(ctx, M, 3, 4, AQ_CX_EIGEN, 0, eci, pci, norm), AQ_OK);
    double s = sqrt(56.0 / 33);
    AQ_NEAR(eci[0], (5.0 / 3) / s, 1e-12);
    AQ_NEAR(eci[1], (-1.0 / 3) / s, 1e-12);
    AQ_NEAR(eci[2], (-4.0 / 3) / s, 1e-12);
    AQ_NEAR(pci[0], (-2 + 2.0 / 3) / s, 1e-12);
    AQ_NEAR(pci[1], (2.0 / 3) / s, 1e-12);
    AQ_NEAR(pci[2], (3 + 2.0 / 3) / s, 1e-12);
    AQ_NEAR(pci[3], pci[2], 1e-12);
    /* k_p has unit length: (-2, 0, 3, 3) / sqrt(22), so m = (-2/3)/sqrt(22). */
    AQ_NEAR(norm[0], (-2.0 / 3) / sqrt(22), 1e-12);
    AQ_NEAR(norm[1], s / sqrt(22), 1e-12);

    /* Reflections, one step: k_c,1 = mean ubiquity of the unit's activities
     * = (7/4, 5/2, 3), which falls with diversity, so the sign flips; mean
     * 29/12, z-scored with the population sd sqrt(114/432). */
    AQ_EQ_INT(aq_cx_complexity(ctx, M, 3, 4, AQ_CX_REFLECTIONS, 1, eci, pci, NULL), AQ_OK);
    AQ_NEAR(eci[0], (8.0 / 12) / sqrt(114.0 / 432), 1e-12);
    AQ_NEAR(eci[2], (-7.0 / 12) / sqrt(114.0 / 432), 1e-12);
    /* Many steps converge on the eigenvector's ranking. */
    AQ_EQ_INT(aq_cx_complexity(ctx, M, 3, 4, AQ_CX_REFLECTIONS, 40, eci, pci, NULL), AQ_OK);
    AQ_CHECK(eci[0] > eci[1] && eci[1] > eci[2]);

    /* Fitness (Tacchella et al. 2012): the most diverse unit is the fittest,
     * fitness has mean 1, the rarest activities are the most complex. */
    AQ_EQ_INT(aq_cx_complexity(ctx, M, 3, 4, AQ_CX_FITNESS, 0, eci, pci, NULL), AQ_OK);
    AQ_CHECK(eci[0] > eci[1] && eci[1] > eci[2]);
    AQ_NEAR((eci[0] + eci[1] + eci[2]) / 3, 1.0, 1e-12);
    AQ_CHECK(pci[2] > pci[1] && pci[1] > pci[0]);

    /* Too little to rank: one unit. */
    AQ_EQ_INT(aq_cx_complexity(ctx, M, 1, 4, AQ_CX_EIGEN, 0, eci, pci, NULL), AQ_EINPUT);
}

static void test_outlook(aq_ctx *ctx)
{
    /* COI_C3 = sum over its absent p of density x kp; with kp = (0, 1, 0, 0)
     * only p2 counts: 2/5. COG_C3,p3 = (1 - M) sum_q (1 - M_q) phi_q3 kp_q /
     * sum_r phi_qr = phi_23 / (phi_21 + phi_23 + phi_24) = (1/2) / (5/3). */
    double phi[16], den[12], coi[3], cog[12], kp[4] = {0, 1, 0, 0};
    AQ_EQ_INT(aq_cx_proximity_matrix(ctx, M, 3, 4, AQ_CX_SYMMETRIC, phi), AQ_OK);
    AQ_EQ_INT(aq_cx_density(ctx, M, 3, 4, phi, den), AQ_OK);
    AQ_EQ_INT(aq_cx_outlook(ctx, M, 3, 4, phi, den, kp, coi, cog), AQ_OK);
    AQ_NEAR(coi[2], 0.4, 1e-15);
    AQ_NEAR(coi[0], 0, 1e-15);
    AQ_NEAR(cog[2 * 4 + 2], 0.3, 1e-15);
    AQ_NEAR(cog[0 * 4 + 2], 0, 1e-15); /* present: no gain */
}

static void test_next(aq_ctx *ctx)
{
    /* C3 (has p1) lacks p2, p3, p4 with densities 2/5, 2/11, 2/11 (phi_31
     * / (phi_31 + phi_32 + phi_34) = (1/3) / (11/6)): z-scored over the
     * three, sqrt(2), -1/sqrt(2), -1/sqrt(2). PCI is linear in k_p = (-2, 0,
     * 3, 3): z-scored (deviations -3, -1, 2, 2; sd sqrt(4.5)). Scores: p2
     * sqrt(2) - 1/sqrt(4.5), p3 and p4 -1/sqrt(2) + 2/sqrt(4.5): p2 first,
     * then p3 (the tie goes to the earlier activity). */
    double phi[16], den[12], eci[3], pci[4];
    AQ_EQ_INT(aq_cx_proximity_matrix(ctx, M, 3, 4, AQ_CX_SYMMETRIC, phi), AQ_OK);
    AQ_EQ_INT(aq_cx_density(ctx, M, 3, 4, phi, den), AQ_OK);
    AQ_EQ_INT(aq_cx_complexity(ctx, M, 3, 4, AQ_CX_EIGEN, 0, eci, pci, NULL), AQ_OK);
    aq_cx_result r = {0};
    r.nu = 3;
    r.na = 4;
    r.M = (double *)M;
    r.density = den;
    r.pci = pci;
    long order[6];
    double score[6];
    AQ_EQ_INT(aq_cx_next(ctx, &r, 2, order, score), AQ_OK);
    AQ_EQ_INT(order[2 * 2 + 0], 1);
    AQ_EQ_INT(order[2 * 2 + 1], 2);
    AQ_NEAR(score[2 * 2 + 0], sqrt(2) - 1 / sqrt(4.5), 1e-12);
    AQ_NEAR(score[2 * 2 + 1], -1 / sqrt(2) + 2 / sqrt(4.5), 1e-12);
    /* C1 has everything: no candidates. */
    AQ_EQ_INT(order[0], -1);
}

static void test_compute(aq_ctx *ctx)
{
    /* Row totals 12, 12, 12, 20, column 0 total 16, total 56: RCA_11 =
     * (9/12) / (16/56) = 2.625. The last unit, even across activities,
     * has RCA >= 1 only in p4 (column total 8: (5/20) / (8/56) = 1.75):
     * every unit holds one activity of its own, the network falls apart
     * (a warning says so) but every value is still defined. */
    double x[16] = {9, 1, 1, 1, 1, 9, 1, 1, 1, 1, 9, 1, 5, 5, 5, 5};
    aq_cx_opts o;
    aq_cx_opts_init(&o);
    aq_cx_result r;
    aq_ctx_set_warning_fn(ctx, NULL, NULL);
    int rc = aq_cx_compute(ctx, x, 4, 4, &o, 1, &r);
    AQ_EQ_INT(rc, AQ_OK);
    if (rc == AQ_OK) {
        AQ_NEAR(r.rca[0], (9.0 / 12) / (16.0 / 56), 1e-15);
        AQ_NEAR(r.M[0], 1, 0);
        AQ_NEAR(r.diversity[0], 1, 0);
        AQ_NEAR(r.rca[15], 1.75, 1e-15);
        AQ_NEAR(r.diversity[3], 1, 0);
        AQ_NEAR(r.ubiquity[3], 1, 0);
        AQ_CHECK(r.proximity != NULL);
        aq_cx_result_free(&r);
    }
    /* A negative value is refused. */
    x[3] = -1;
    AQ_EQ_INT(aq_cx_compute(ctx, x, 4, 4, &o, 0, &r), AQ_EINPUT);
}

/* density and COG of aq_cx_compute against the formulas written out, on a
 * matrix with more units than activities and on its transpose-shaped
 * sibling (the products take a different loop order in each case). */
static void check_naive(aq_ctx *ctx, const double *x, size_t nu, size_t na)
{
    aq_cx_opts o;
    aq_cx_opts_init(&o);
    aq_cx_result r;
    AQ_EQ_INT(aq_cx_compute(ctx, x, nu, na, &o, 1, &r), AQ_OK);
    double worst = 0, norm[2], *eci = malloc(nu * sizeof *eci), *pci = malloc(na * sizeof *pci);
    AQ_EQ_INT(aq_cx_complexity(ctx, r.M, nu, na, AQ_CX_EIGEN, 0, eci, pci, norm), AQ_OK);
    const double *phi = r.proximity, *Mr = r.M;
    for (size_t c = 0; c < nu; c++)
        for (size_t p = 0; p < na; p++) {
            double num = 0, den = 0, g = 0;
            for (size_t q = 0; q < na; q++) {
                num += Mr[c * na + q] * phi[p * na + q];
                den += phi[q * na + p];
                double rs = 0;
                for (size_t t = 0; t < na; t++)
                    rs += phi[q * na + t];
                g += (1 - Mr[c * na + q]) * phi[q * na + p] * (norm[1] * pci[q] + norm[0]) / rs;
            }
            g *= (1 - Mr[c * na + p]) / norm[1];
            worst = fmax(worst, fabs(r.density[c * na + p] - num / den));
            worst = fmax(worst, fabs(r.cog[c * na + p] - g));
        }
    AQ_CHECK(worst < 1e-12);
    if (!(worst < 1e-12))
        fprintf(stderr, "  %zu x %zu: largest difference %g\n", nu, na, worst);
    free(eci);
    free(pci);
    aq_cx_result_free(&r);
}

static void test_loop_orders(aq_ctx *ctx)
{
    enum { NU = 40, NA = 9 };
    double a[NU * NA], b[NA * NU];
    unsigned s = 12345;
    for (size_t i = 0; i < NU * NA; i++) {
        s = s * 1103515245u + 12345u;
        a[i] = (s >> 16) % 7 == 0 ? 0 : (double)((s >> 8) % 1000);
        b[i] = a[i] * 0.5 + (double)(i % 13);
    }
    aq_ctx_set_warning_fn(ctx, NULL, NULL);
    check_naive(ctx, a, NU, NA);
    check_naive(ctx, b, NA, NU);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_rca();
    test_proximity_density(ctx);
    test_eigen(ctx);
    test_outlook(ctx);
    test_next(ctx);
    test_compute(ctx);
    test_loop_orders(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
