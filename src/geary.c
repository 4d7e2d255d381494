/*
 * geary.c -- Geary's C, as esda.geary.Geary computes it (Cliff and Ord
 * 1981):
 *   C = (n - 1) sum_ij w_ij (y_i - y_j)^2 / (2 S0 sum_i (y_i - mean)^2),
 *   E[C] = 1,
 *   V_norm = ((2 S1 + S2)(n - 1) - 4 S0^2) / (2 (n + 1) S0^2),
 *   V_rand = (A - B + C') / (n (n-2)(n-3) S0^2) with b2 the kurtosis,
 *     A = (n-1) S1 (n^2 - 3n + 3 - (n-1) b2),
 *     B = 1/4 (n-1) S2 (n^2 + 3n - 6 - (n^2 - n + 2) b2),
 *     C' = S0^2 (n^2 - 3 - (n-1)^2 b2).
 * z = (C - 1) / sd: negative for positive autocorrelation (esda's sign;
 * spdep's geary.test reports (1 - C) / sd). p values here are two-sided
 * (esda's are one-sided: half of ours).
 */
#include "spatial_int.h"

#include <math.h>

typedef struct geary_arg {
    double scale; /* (n - 1) / (2 S0 sum z^2) */
} geary_arg;

static double geary_stat(const aq_weights *w, const double *y, const void *arg)
{
    double num = 0;
    for (size_t i = 0; i < w->n; i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            double d = y[i] - y[w->nbr[e]];
            num += w->w[e] * d * d;
        }
    return ((const geary_arg *)arg)->scale * num;
}

int aq_geary(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, long permutations,
             uint64_t seed, aq_geary_result *out)
{
    int rc = aq__spatial_check_values(ctx, w, y, n, "Geary's C: the variable");
    if (rc)
        return rc;
    if (permutations < 0)
        return aq__err(ctx, AQ_EUSAGE, "the number of permutations must be 0 or more, not %ld",
                       permutations);
    double s0, s1, s2;
    if ((rc = aq__weights_moments(ctx, w, &s0, &s1, &s2)))
        return rc;
    if (s0 == 0)
        return aq__err(ctx, AQ_EINPUT, "Geary's C: no unit has a neighbour (the weights sum to 0)");
    double *sims = aq__malloc((permutations ? (size_t)permutations : 1) * sizeof *sims);
    if (!sims)
        return aq__oom(ctx);
    double mean = 0, m2 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = y[i] - mean;
        m2 += d * d;
        m4 += d * d * d * d;
    }
    double nn = (double)n, n2 = nn * nn, s02 = s0 * s0;
    double k = (m4 / nn) / ((m2 / nn) * (m2 / nn));
    aq_geary_result r;
    r.n = n;
    r.permutations = permutations;
    geary_arg arg = {(nn - 1) / (2 * s0 * m2)};
    r.C = geary_stat(w, y, &arg);
    r.EC = 1;
    double A = (nn - 1) * s1 * (n2 - 3 * nn + 3 - (nn - 1) * k);
    double B = 0.25 * ((nn - 1) * s2 * (n2 + 3 * nn - 6 - (n2 - nn + 2) * k));
    double C = s02 * (n2 - 3 - (nn - 1) * (nn - 1) * k);
    r.VC_rand = (A - B + C) / (nn * (nn - 2) * (nn - 3) * s02);
    r.VC_norm = (1 / (2 * (nn + 1) * s02)) * ((2 * s1 + s2) * (nn - 1) - 4 * s02);
    r.seC_rand = sqrt(r.VC_rand);
    r.seC_norm = sqrt(r.VC_norm);
    r.z_norm = (r.C - 1) / r.seC_norm;
    r.z_rand = (r.C - 1) / r.seC_rand;
    r.p_norm = 2 * aq__norm_sf(fabs(r.z_norm));
    r.p_rand = 2 * aq__norm_sf(fabs(r.z_rand));
    rc = aq__global_permute(ctx, w, y, permutations, seed, geary_stat, &arg, sims, 1);
    if (rc == AQ_OK) {
        aq__sim_summary(sims, permutations, r.C, &r.EC_sim, &r.seC_sim, &r.z_sim, &r.p_sim);
        *out = r;
    }
    aq__free(sims);
    return rc;
}
