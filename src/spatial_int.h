/*
 * spatial_int.h -- internals shared by the spatial modules (weights*.c,
 * moran.c, geary.c, getis.c, lisa.c, spmarkov.c).
 *
 * Spatial weights are stored as compressed sparse rows: the neighbours of
 * unit i are nbr[off[i] .. off[i+1]), sorted by index, with their weights in
 * the same positions. Two weight arrays are kept: w0, the weights as built
 * or read (binary contiguity, inverse distance, kernel values, a GWT file's
 * numbers), and w, the weights after the current style was applied, so that
 * changing the style never loses the original values (PySAL keeps the same
 * pair for its 'O' transform).
 */
#ifndef AQ_SPATIAL_INT_H
#define AQ_SPATIAL_INT_H

#include "aimaq_spatial.h"
#include "aq_int.h"
#include "rng.h"

#include <stdint.h>

struct aq_weights {
    size_t n;
    size_t *off;      /* n + 1 row offsets                          */
    uint32_t *nbr;    /* off[n] neighbour indices, sorted per row   */
    double *w0;       /* original weights                           */
    double *w;        /* weights in the current style               */
    char **ids;       /* n unit ids (owned), or NULL                */
    int style;        /* enum aq_wstyle                             */
};

/* Creates weights from CSR arrays it takes over (off, nbr, w0 allocated with
 * aq__malloc; w0 NULL = all ones). Rows are sorted by neighbour and checked
 * for self-duplicates. On failure the arrays are freed. */
int aq__weights_take(aq_ctx *ctx, size_t n, size_t *off, uint32_t *nbr, double *w0,
                     aq_weights **out);

/* Builds symmetric binary weights from PAIRS (2 * npairs indices, a != b),
 * duplicates allowed. */
int aq__weights_from_pairs(aq_ctx *ctx, size_t n, uint32_t *pairs, size_t npairs,
                           aq_weights **out);

/* k nearest neighbours of planar points on a uniform grid (weights_grid.c):
 * nbr[i*k ..] gets the k nearest of point i, ascending by distance, ties to
 * the lower index (exactly the kd-tree's answer). Returns AQ_OK, AQ_ENOMEM,
 * or AQ__GRID_DECLINED (no message) when the points are too clustered or
 * degenerate for a grid: then use the kd-tree. */
#define AQ__GRID_DECLINED (-1)
int aq__knn_grid(aq_ctx *ctx, const double *x, const double *y, size_t n, size_t k,
                 uint32_t *nbr);

/* S0, S1, S2 of the styled weights (Cliff and Ord 1981):
 * S0 = sum w_ij, S1 = 1/2 sum (w_ij + w_ji)^2, S2 = sum_i (w_i. + w_.i)^2. */
int aq__weights_moments(aq_ctx *ctx, const aq_weights *w, double *s0, double *s1,
                        double *s2);

/* The number of threads a kernel should use (context setting, 0 = all). */
int aq__spatial_threads(aq_ctx *ctx);

/* Runs QUERY(ARG, p, bi, bd) for every point p < N on the context's
 * threads; each thread owns scratch for K neighbour indices (BI) and K
 * squared distances (BD), which QUERY fills and copies out. The k-d tree
 * (weights_knn.c) and the grid (weights_grid.c) share it. Returns AQ_OK or
 * AQ_ENOMEM. */
int aq__knn_each(aq_ctx *ctx, size_t n, size_t k, void (*query)(void *arg, size_t p, uint32_t *bi, double *bd),
                 void *arg);

/* Checks that Y (n values) has no missing value and is not constant; WHAT
 * names the variable in messages. Unit names come from the weights' ids. */
int aq__spatial_check_values(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                             const char *what);

/* Name of unit i for messages: its id, or "row N" (1-based). */
const char *aq__weights_unit_name(const aq_weights *w, size_t i, char *buf, size_t size);

/* Folded pseudo p-value as esda computes it: (min(larger, perms - larger)
 * + 1) / (perms + 1), where larger counts simulated values >= observed. */
static inline double aq__pseudo_p(long larger, long perms)
{
    if (perms - larger < larger)
        larger = perms - larger;
    return (double)(larger + 1) / (double)(perms + 1);
}

/* Two uniform integers in [0, n), n < 2^32, from one 64-bit draw (Lemire's
 * nearly divisionless method on each 32-bit half). The permutation tests
 * draw billions of these, so the generator here is wyrand (Wang Yi's
 * wyhash PRNG, public domain; passes BigCrush and PractRand): one add and
 * one 128-bit multiply, inlined, about twice as fast as a call to the
 * library's xoshiro256**. Each stream's 64-bit state is seeded from
 * aq__rng_seed_stream(seed, k), so streams stay independent of the thread
 * that runs them. */
typedef struct aq__draw32 {
    uint64_t state;
    uint64_t bits;
    int have;
} aq__draw32;

static inline uint64_t aq__wyrand(uint64_t *state)
{
    *state += 0xa0761d6478bd642full;
    unsigned __int128 m = (unsigned __int128)*state * (*state ^ 0xe7037ed1a0b428dbull);
    return (uint64_t)(m >> 64) ^ (uint64_t)m;
}

static inline uint32_t aq__draw32_raw(aq__draw32 *d)
{
    if (!d->have) {
        d->bits = aq__wyrand(&d->state);
        d->have = 1;
        return (uint32_t)(d->bits >> 32);
    }
    d->have = 0;
    return (uint32_t)d->bits;
}

static inline uint32_t aq__draw32_below(aq__draw32 *d, uint32_t n)
{
    uint64_t m = (uint64_t)aq__draw32_raw(d) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)aq__draw32_raw(d) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

/* A uniform integer in [0, m) from the 32 random bits R, m >= 1 (Lemire's
 * multiply-shift: no division unless the low product falls in the biased
 * sliver, probability m / 2^32; then the draw is redone with fresh bits from
 * *STATE, exactly as his nearly divisionless method). */
static inline uint32_t aq__bounded32(uint64_t *state, uint32_t r, uint32_t m)
{
    uint64_t p = (uint64_t)r * m;
    if ((uint32_t)p < m) {
        uint32_t t = (uint32_t)(-m) % m;
        while ((uint32_t)p < t)
            p = (uint64_t)(uint32_t)(aq__wyrand(state) >> 32) * m;
    }
    return (uint32_t)(p >> 32);
}

static inline void aq__draw32_seed(aq__draw32 *d, uint64_t seed, uint64_t stream)
{
    aq__rng r;
    aq__rng_seed_stream(&r, seed, stream);
    d->state = aq__rng_next(&r);
    d->have = 0;
    d->bits = 0;
}

/* ---- WKB geometry (weights_wkb.c) ---- */

/* The rings of a (multi)polygon, or the points of a (multi)point, as read
 * from WKB: ring r has points start[r] .. start[r+1] (x, y pairs in xy);
 * hole[r] is 1 for an interior ring. */
typedef struct aq__rings {
    double *xy;
    size_t npts, ptcap;
    size_t *start;
    unsigned char *hole;
    size_t nrings, rcap;
    int points; /* 1 when the geometry was a point or multipoint */
} aq__rings;

/* Parses WKB (ISO or EWKB; Point, Polygon, MultiPoint, MultiPolygon,
 * GeometryCollection of these; Z and M dropped) into R, which is emptied
 * first and reused across calls. Returns AQ_OK, AQ_EINPUT (malformed or
 * another geometry type: *why says which) or AQ_ENOMEM. */
int aq__wkb_rings(const unsigned char *wkb, size_t len, aq__rings *r, const char **why);
void aq__rings_free(aq__rings *r);

/* ---- permutation engine of the global statistics (moran.c) ---- */

/* A global statistic of values V (n, permuted) under weights W. */
typedef double (*aq__global_fn)(const aq_weights *w, const double *v, const void *arg);

/* Computes FN on PERMS random permutations of V into sims[perms], in
 * parallel; permutation k shuffles a fresh copy of V with the random stream
 * (SEED, k), so the result is the same for any number of threads. RELABEL
 * (for FN that uses nothing indexed by unit but W and V) lets large inputs
 * be renumbered in breadth-first order for cache locality. */
int aq__global_permute(aq_ctx *ctx, const aq_weights *w, const double *v, long perms,
                       uint64_t seed, aq__global_fn fn, const void *arg, double *sims,
                       int relabel);

/* The permutation null of global Moran's I (moran_perm.c): sims[k] =
 * SCALE * sum_i zp_i (W zp)_i for PERMS random permutations zp of Z, eight
 * at a time in single precision; permutation k uses the stream (SEED, k),
 * so the result is the same for any number of threads. */
int aq__moran_permute(aq_ctx *ctx, const aq_weights *w, const double *z, double scale,
                      long perms, uint64_t seed, double *sims);

/* esda's summary of simulated values: mean, sd (population), z of OBS and
 * the folded pseudo p. */
void aq__sim_summary(const double *sims, long perms, double obs, double *mean, double *sd,
                     double *z, double *p);

/* Standard normal upper tail, P(Z > z). */
double aq__norm_sf(double z);

#endif
