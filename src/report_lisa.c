/*
 * report_lisa.c -- the numbers behind the report's cluster map: queen
 * contiguity of the units' polygons, global Moran's I and local Moran
 * (LISA, Anselin 1995) clusters with a permutation test, through the
 * spatial library (include/aimaq_spatial.h). Kept apart from report.c so
 * the report's assembly does not know about weights.
 */
#include "report_int.h"

#include "aimaq_spatial.h"

#include <math.h>
#include <string.h>

int aq__report_lisa(aq_ctx *ctx, const unsigned char *const *wkb, const size_t *len,
                    const double *y, size_t n, long permutations, uint64_t seed,
                    double alpha, int *cluster, double *moran_i, double *moran_p)
{
    aq_weights *w = NULL;
    aq_local *loc = NULL;
    aq_local_opts lo;
    aq_local_opts_init(&lo);
    lo.permutations = permutations;
    lo.seed = seed;
    lo.alpha = alpha;
    /* Region boundaries cut from one source share their vertices; a snap of
     * 1e-6 degrees (about 10 cm) bridges rounding in the stored WKB. */
    int rc = aq_weights_contiguity(ctx, wkb, len, n, 0, 1e-6, &w);
    aq_moran_result g;
    if (rc == AQ_OK)
        rc = aq_moran_global(ctx, w, y, n, permutations, seed, &g);
    if (rc == AQ_OK)
        rc = aq_local_moran(ctx, w, y, n, &lo, &loc);
    if (rc == AQ_OK) {
        *moran_i = g.I;
        *moran_p = g.p_sim;
        for (size_t i = 0; i < n; i++)
            cluster[i] = loc->quadrant[i] == 0 ? -1 : loc->significant[i] ? loc->quadrant[i] : 0;
    }
    aq_local_free(loc);
    aq_weights_free(w);
    return rc;
}
