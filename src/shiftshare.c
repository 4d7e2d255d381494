/*
 * shiftshare.c -- shift-share decomposition of a territory's change:
 * classic (Dunn 1960, split as REAT's shift() does), Esteban-Marquillas
 * (1972) homothetic and allocation effects, and dynamic shift-share
 * (Barff & Knight 1988: the classic components of each pair of
 * consecutive periods, summed).
 */
#include "aq_int.h"
#include "aimaq_structure.h"

#include <math.h>
#include <string.h>

int aq_shift_share(aq_ctx *ctx, const double *r0, const double *r1, const double *n0,
                   const double *n1, size_t nsec, aq_shift *out, double *sector_regional,
                   double *sector_mix)
{
    double ej0 = 0, ej1 = 0, e0 = 0, e1 = 0;
    for (size_t i = 0; i < nsec; i++) {
        if (n0[i] == 0 && (r0[i] != 0 || r1[i] != 0 || n1[i] != 0))
            return aq__err(ctx, AQ_EINPUT,
                           "sector %zu has a national base-period total of 0, so its national "
                           "growth rate is undefined; drop the sector or merge it into another",
                           i + 1);
        ej0 += r0[i];
        ej1 += r1[i];
        e0 += n0[i];
        e1 += n1[i];
    }
    if (e0 == 0)
        return aq__err(ctx, AQ_EINPUT, "the national base-period total is 0");
    aq_shift s;
    memset(&s, 0, sizeof s);
    s.base = ej0;
    s.final = ej1;
    s.growth = ej1 - ej0;
    s.national = ej0 * (e1 - e0) / e0; /* not e1/e0 - 1: keeps 27 exact in REAT's example */
    double expected = 0; /* the territory's final total had each sector grown as nationally */
    for (size_t i = 0; i < nsec; i++) {
        if (n0[i] == 0) {
            if (sector_regional)
                sector_regional[i] = 0;
            if (sector_mix)
                sector_mix[i] = 0;
            continue;
        }
        double gi = n1[i] / n0[i]; /* 1 + r_i */
        expected += r0[i] * gi;
        double reg_i = r1[i] - r0[i] * gi; /* = e_ij0 (r_ij - r_i) */
        if (sector_regional)
            sector_regional[i] = reg_i;
        if (sector_mix)
            sector_mix[i] = r0[i] * (gi - e1 / e0);
        /* Esteban-Marquillas: homothetic employment is what the territory
         * would have in sector i with the national structure. */
        double hom = ej0 * n0[i] / e0;
        if (r0[i] > 0) {
            double dr = reg_i / r0[i]; /* r_ij - r_i */
            s.homothetic += hom * dr;
            s.allocation += (r0[i] - hom) * dr;
        } else {
            s.allocation += reg_i; /* a new sector: no growth rate of its own */
        }
    }
    s.mix = expected - ej0 * e1 / e0;
    s.regional = s.growth - s.national - s.mix;
    *out = s;
    return AQ_OK;
}

int aq_shift_share_dynamic(aq_ctx *ctx, const double *r, const double *n, size_t nsec,
                           size_t nper, aq_shift *out)
{
    if (nper < 2)
        return aq__err(ctx, AQ_EINPUT, "dynamic shift-share needs at least two periods, got %zu",
                       nper);
    aq_shift total;
    memset(&total, 0, sizeof total);
    for (size_t p = 0; p + 1 < nper; p++) {
        aq_shift s;
        int rc = aq_shift_share(ctx, r + p * nsec, r + (p + 1) * nsec, n + p * nsec,
                                n + (p + 1) * nsec, nsec, &s, NULL, NULL);
        if (rc)
            return aq__err_prefix(ctx, "periods %zu-%zu", p + 1, p + 2);
        if (p == 0)
            total.base = s.base;
        total.final = s.final;
        total.growth += s.growth;
        total.national += s.national;
        total.mix += s.mix;
        total.regional += s.regional;
        total.homothetic += s.homothetic;
        total.allocation += s.allocation;
    }
    *out = total;
    return AQ_OK;
}
