/*
 * regions_int.h -- what the regionalisation files share: the symmetric
 * contiguity graph, the unit dissimilarity, the spanning-tree cutter
 * (SKATER's second half, also REDCAP's) and the constrained agglomeration
 * (SCHC, and REDCAP's tree).
 */
#ifndef AQ_REGIONS_INT_H
#define AQ_REGIONS_INT_H

#include "aimaq_regions.h"
#include "aq_int.h"

/* Undirected contiguity: CSR, each row sorted, no self, no duplicates. */
typedef struct aq__rgraph {
    size_t n;
    size_t *off; /* n + 1 */
    uint32_t *adj;
} aq__rgraph;

int aq__rgraph_build(aq_ctx *ctx, const aq_weights *w, aq__rgraph *g);
void aq__rgraph_free(aq__rgraph *g);

/* Squared Euclidean distance over p divided by p (libgeoda's 'e'). */
static inline double aq__rdist(const double *x, size_t p, size_t i, size_t j)
{
    const double *a = x + i * p, *b = x + j * p;
    double s = 0;
    for (size_t v = 0; v < p; v++)
        s += (a[v] - b[v]) * (a[v] - b[v]);
    return s / (double)p;
}

/* The minimum spanning forest of the contiguity graph weighted by
 * aq__rdist (Kruskal; ties broken by the lower (i, j) pair, as libgeoda's
 * edge order does). EU/EV get the NE <= n - 1 edges (allocated). */
int aq__regions_mst(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                    uint32_t **eu, uint32_t **ev, size_t *ne);

/* Cuts the forest of NE edges into K trees, each time taking, over all
 * trees, the edge whose removal lowers the within sum of squares most and
 * leaves both sides at or above FMIN of FLOOR (NULL: no floor). LABEL gets
 * a tree number per unit, *NK the trees formed, *LIMITED 1 if the floor
 * stopped the cuts before K. */
int aq__regions_cut(aq_ctx *ctx, const double *x, size_t n, size_t p, const uint32_t *eu,
                    const uint32_t *ev, size_t ne, const double *floor, double fmin, size_t k,
                    uint32_t *label, size_t *nk, int *limited);

/* Agglomerates contiguous clusters under LINKAGE until K remain (or no two
 * contiguous clusters are left). LABEL (n, may be NULL) gets a cluster
 * number per unit; EU/EV (n - 1 each, may be NULL) get, in merge order, the
 * shortest contiguity edge joining each merged pair (REDCAP's tree), *NE
 * their count. */
int aq__regions_agglomerate(aq_ctx *ctx, const double *x, size_t n, size_t p,
                            const aq__rgraph *g, int linkage, size_t k, uint32_t *label,
                            uint32_t *eu, uint32_t *ev, size_t *ne);

/* Max-p: the best of ITERATIONS seeded constructions meeting the floor,
 * improved by the AZP local search (regions_local.c). */
int aq__regions_maxp(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                     const double *floor, double fmin, size_t iterations, uint64_t seed,
                     uint32_t *label, size_t *nk);
/* Greedy AZP with K regions from seeded random seeds, one in each of the
 * NCOMP connected parts (COMP: part per unit) first. */
int aq__regions_azp(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                    const uint32_t *comp, size_t ncomp, size_t k, uint64_t seed, uint32_t *label,
                    size_t *nk);

#endif
