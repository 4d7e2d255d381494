/*
 * getis.c -- Getis-Ord General G (Getis and Ord 1992), as esda.getisord.G:
 *   G = sum_ij w_ij y_i y_j / sum_{i != j} y_i y_j,  E[G] = S0 / (n (n - 1)),
 *   Var[G] = E[G^2] - E[G]^2 with E[G^2] from the moments b0..b4 of
 *   Getis and Ord (1992, eq. 8; corrected in Getis and Ord 1993).
 * The statistic is meant for binary weights (esda and spdep switch to them).
 * p_norm is two-sided here; esda's is one-sided (half of ours).
 */
#include "spatial_int.h"

#include <math.h>

typedef struct g_arg {
    double den; /* sum_{i != j} y_i y_j */
} g_arg;

static double g_stat(const aq_weights *w, const double *y, const void *arg)
{
    double num = 0;
    for (size_t i = 0; i < w->n; i++) {
        double s = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
            s += w->w[e] * y[w->nbr[e]];
        num += y[i] * s;
    }
    return num / ((const g_arg *)arg)->den;
}

int aq_getis_g(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, long permutations,
               uint64_t seed, aq_getis_result *out)
{
    int rc = aq__spatial_check_values(ctx, w, y, n, "General G: the variable");
    if (rc)
        return rc;
    if (permutations < 0)
        return aq__err(ctx, AQ_EUSAGE, "the number of permutations must be 0 or more, not %ld",
                       permutations);
    char name[160];
    for (size_t i = 0; i < n; i++)
        if (y[i] < 0)
            return aq__err(ctx, AQ_EINPUT,
                           "General G needs non-negative values, but the %s has %g",
                           aq__weights_unit_name(w, i, name, sizeof name), y[i]);
    double s0, s1, s2;
    if ((rc = aq__weights_moments(ctx, w, &s0, &s1, &s2)))
        return rc;
    double sy = 0, sy2 = 0, sy3 = 0, sy4 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = y[i];
        sy += v;
        sy2 += v * v;
        sy3 += v * v * v;
        sy4 += v * v * v * v;
    }
    double nn = (double)n, n2 = nn * nn, s02 = s0 * s0;
    g_arg arg = {sy * sy - sy2};
    if (!(arg.den > 0))
        return aq__err(ctx, AQ_EINPUT, "General G: the products of distinct values sum to 0");
    double *sims = aq__malloc((permutations ? (size_t)permutations : 1) * sizeof *sims);
    if (!sims)
        return aq__oom(ctx);
    aq_getis_result r;
    r.n = n;
    r.permutations = permutations;
    r.G = g_stat(w, y, &arg);
    r.EG = s0 / (nn * (nn - 1));
    double b0 = (n2 - 3 * nn + 3) * s1 - nn * s2 + 3 * s02;
    double b1 = -((n2 - nn) * s1 - 2 * nn * s2 + 6 * s02);
    double b2 = -(2 * nn * s1 - (nn + 3) * s2 + 6 * s02);
    double b3 = 4 * (nn - 1) * s1 - 2 * (nn + 1) * s2 + 8 * s02;
    double b4 = s1 - s2 + s02;
    double EG2 = b0 * sy2 * sy2 + b1 * sy4 + b2 * sy * sy * sy2 + b3 * sy * sy3 +
                 b4 * sy * sy * sy * sy;
    EG2 /= arg.den * arg.den * nn * (nn - 1) * (nn - 2) * (nn - 3);
    r.VG = EG2 - r.EG * r.EG;
    r.z_norm = (r.G - r.EG) / sqrt(r.VG);
    r.p_norm = 2 * aq__norm_sf(fabs(r.z_norm));
    rc = aq__global_permute(ctx, w, y, permutations, seed, g_stat, &arg, sims, 1);
    if (rc == AQ_OK) {
        aq__sim_summary(sims, permutations, r.G, &r.EG_sim, &r.seG_sim, &r.z_sim, &r.p_sim);
        *out = r;
    }
    aq__free(sims);
    return rc;
}
