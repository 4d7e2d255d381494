/*
 * aimaq_regions.h -- regionalisation: grouping units into contiguous,
 * homogeneous regions (SKATER, spatially constrained hierarchical
 * clustering, REDCAP).
 *
 * The conventions of aimaq.h hold here. Units are numbered 0 .. n-1 in the
 * order of the caller's arrays. The attributes are a plain row-major array
 * X of n x p numbers (unit i's variable v at X[i * p + v]), usually
 * standardised with aq_regions_standardize. Contiguity comes from spatial
 * weights (aimaq_spatial.h): units i and j are neighbours when either lists
 * the other (so kNN weights are symmetrised); the weights' values are not
 * used.
 *
 * Dissimilarity between units is the squared Euclidean distance divided by
 * p, as libgeoda (GeoDa, rgeoda, pygeoda) computes it; every objective is
 * the within-region sum of squared deviations from the region means.
 * SKATER, SCHC and REDCAP are deterministic: the same input gives the same
 * partition on every run and for any number of threads; max-p and AZP are
 * heuristics driven by a seed, and a seed gives one partition whatever the
 * number of threads. Formulas, tie rules and the
 * settings of rgeoda and spdep that reproduce these numbers: docs/regions.md.
 */
#ifndef AIMAQ_REGIONS_H
#define AIMAQ_REGIONS_H

#include "aimaq.h"
#include "aimaq_spatial.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum aq_regions_method {
    AQ_REGIONS_SKATER = 1, /* Assuncao et al. (2006): minimum spanning tree of
                              the contiguity graph, then repeated best cuts */
    AQ_REGIONS_SCHC,       /* spatially constrained hierarchical clustering:
                              agglomeration of contiguous clusters only,
                              stopped at K clusters                        */
    AQ_REGIONS_REDCAP,     /* Guo (2008): the spanning tree of the full-order
                              constrained agglomeration, cut as SKATER does */
    AQ_REGIONS_MAXP,       /* max-p (Duque, Anselin and Rey 2012): as many
                              regions as the floor allows, then the AZP local
                              search; needs a floor, ignores k; seeded      */
    AQ_REGIONS_AZP         /* AZP (Openshaw 1977), greedy: K regions grown from
                              random seeds, then units move between
                              neighbouring regions while the within SS falls;
                              seeded, no floor                             */
};

/* Linkage of SCHC and REDCAP between clusters A and B, over all pairs of
 * their members (full order), whether or not those members touch:
 * single = min d(i,j), complete = max, average = mean, ward = the increase
 * of the within sum of squares when A and B merge. */
enum aq_linkage {
    AQ_LINKAGE_SINGLE = 1,
    AQ_LINKAGE_COMPLETE,
    AQ_LINKAGE_AVERAGE,
    AQ_LINKAGE_WARD
};

typedef struct aq_regions_opts {
    int method;         /* enum aq_regions_method                          */
    int linkage;        /* enum aq_linkage, for SCHC and REDCAP only     */
    size_t k;           /* regions wanted, >= 1                             */
    const double *floor;/* n values (e.g. population) or NULL: every region's
                           total must reach floor_min (SKATER, REDCAP: a cut
                           is taken only if both sides reach it)           */
    double floor_min;
    uint64_t seed;      /* max-p, AZP: the random streams' seed            */
    size_t iterations;  /* max-p: constructions tried (0 = 99, rgeoda's)    */
} aq_regions_opts;

/* What aq_regions hands back; one aq_regions_free releases it all. */
typedef struct aq_regions_result {
    size_t n, p;
    size_t k_requested, k;  /* regions asked for (0 for max-p) and formed */
    uint32_t *region;       /* n labels 0 .. k-1: region 0 is the largest
                               (ties: the one holding the lowest unit)    */
    size_t *size;           /* k unit counts                               */
    double *within;         /* k within sums of squares                    */
    double *floor_total;    /* k totals of the floor variable, or NULL     */
    double *join_ratio;     /* k: links inside the region / links of its
                               members (rgeoda's join count ratio; 1 for a
                               region of islands only, NaN if no links)    */
    size_t *diameter;       /* k: the longest shortest path, in steps, inside
                               the region (rgeoda's diameter "steps"); above
                               1,024 units the double-sweep estimate, exact
                               on trees and a lower bound otherwise        */
    double total_ss;        /* sum over variables of squared deviations
                               from the overall mean                      */
    double within_ss;       /* sum of within                               */
    double between_ss;      /* total_ss - within_ss                        */
    double ratio;           /* between_ss / total_ss, as rgeoda reports it  */
    size_t components;      /* connected components of the contiguity graph */
    size_t islands;         /* units without neighbours; each is a region of
                               its own (listed in island, in unit order)   */
    size_t *island;
    int floor_limited;      /* 1 if fewer than k regions were formed because
                               no further cut kept both sides above the floor */
} aq_regions_result;

/* Standardises each of the p columns of X (n x p, row-major) in place to
 * z = (x - mean) / sd with the n - 1 sample standard deviation (GeoDa's and
 * R scale()'s). A constant column is AQ_EINPUT naming its number (from 1);
 * a NaN or infinite value is AQ_EINPUT naming unit and column. */
int aq_regions_standardize(aq_ctx *ctx, double *x, size_t n, size_t p);

/* Partitions the n units into opts->k contiguous regions.
 * Returns AQ_OK, AQ_EUSAGE (k < 1 or k > n except for max-p, p < 1, weights
 * of another n, an unknown method or linkage, a floor with SCHC or AZP, none
 * with max-p), AQ_EINPUT (a missing value in X or the floor;
 * k smaller than the number of connected components, which no contiguous
 * partition can reach: the message gives the count and the islands; a
 * floor that the whole of a component does not reach), AQ_ENOMEM.
 * When the floor stops the cuts early the result has k < k_requested and
 * floor_limited = 1 (never silently). *out is the caller's to free. */
int aq_regions(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq_weights *w,
               const aq_regions_opts *opts, aq_regions_result **out);

/* The sums of squares, sizes and compactness of a given partition (labels
 * 0 .. k-1 in REGION, n values), as aq_regions reports them; for comparing
 * partitions made elsewhere (spdep, rgeoda) on their objective values. */
int aq_regions_evaluate(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq_weights *w,
                        const uint32_t *region, const double *floor, aq_regions_result **out);

void aq_regions_free(aq_regions_result *r);

/* "skater", "schc", "redcap", "maxp", "azp" and "single", "complete", "average", "ward"
 * to their enum values; 0 when unknown. */
int aq_regions_method_parse(const char *s);
int aq_linkage_parse(const char *s);

#ifdef __cplusplus
}
#endif

#endif
