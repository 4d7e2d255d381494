/*
 * aimaq_spatial.h -- spatial weights, global and local spatial
 * autocorrelation, and spatial Markov chains.
 *
 * The conventions of aimaq.h hold here: fallible calls take an aq_ctx and
 * return AQ_OK or an AQ_E* code with the message on the context; _new and
 * constructor functions hand back objects the caller frees with the matching
 * _free (which accepts NULL); a failed call leaves its out-parameters alone.
 *
 * Units are numbered 0 .. n-1 in the order of the caller's arrays (the rows
 * of a table). Weights may carry unit ids (strings) so that they can be
 * written to and read from GAL/GWT files and matched to another table.
 *
 * Definitions follow PySAL (libpysal, esda, giddy); where R spdep differs the
 * difference is noted here and in docs/spatial.md.
 */
#ifndef AIMAQ_SPATIAL_H
#define AIMAQ_SPATIAL_H

#include "aimaq.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Spatial weights
 * ------------------------------------------------------------------- */
typedef struct aq_weights aq_weights;

/* Styles (PySAL's transform, spdep's style). */
enum aq_wstyle {
    AQ_WSTYLE_O = 'O', /* original weights as built or read            */
    AQ_WSTYLE_B = 'B', /* binary: 1 for every listed neighbour         */
    AQ_WSTYLE_W = 'W', /* row-standardised: each row sums to 1 (PySAL 'R') */
    AQ_WSTYLE_C = 'C', /* globally standardised: w * n / S0            */
    AQ_WSTYLE_V = 'V'  /* variance-stabilising (Tiefelsdorf et al. 1999;
                          spdep 'S'): rows scaled by 1/sqrt(sum w^2), then
                          all by n / sum                                */
};

/* How point coordinates are measured. */
enum aq_metric {
    AQ_METRIC_PLANAR = 0, /* x, y in the units of a projected CRS; Euclidean */
    AQ_METRIC_SPHERE = 1  /* x = longitude, y = latitude in degrees;
                             great-circle distance in km on a sphere of
                             radius AQ_EARTH_RADIUS_KM                    */
};
#define AQ_EARTH_RADIUS_KM 6371.0

/* Kernel functions of aq_weights_kernel (libpysal.weights.Kernel), with
 * z = d / bandwidth: triangular 1 - z, uniform 1/2, quadratic (Epanechnikov)
 * 3/4 (1 - z^2), quartic 15/16 (1 - z^2)^2, gaussian exp(-z^2/2)/sqrt(2 pi). */
enum aq_kernel {
    AQ_KERNEL_TRIANGULAR = 1,
    AQ_KERNEL_UNIFORM,
    AQ_KERNEL_QUADRATIC,
    AQ_KERNEL_QUARTIC,
    AQ_KERNEL_GAUSSIAN
};

/* k nearest neighbours of each point (self excluded), by Euclidean or
 * great-circle distance, found with a kd-tree in parallel. Ties at the k-th
 * distance go to the lower index. Binary weights, style W.
 * Returns AQ_OK, AQ_EUSAGE (k < 1 or k >= n), AQ_EINPUT (a missing or
 * infinite coordinate: the message names the row), AQ_ENOMEM. */
int aq_weights_knn(aq_ctx *ctx, const double *x, const double *y, size_t n,
                   enum aq_metric metric, size_t k, aq_weights **out);

/* Distance band: every pair at distance <= THRESHOLD (km for the sphere).
 * ALPHA = 0 gives binary weights; ALPHA < 0 gives inverse-distance weights
 * d^ALPHA (ALPHA = -1: 1/d, -2: 1/d^2), as libpysal.DistanceBand(binary=False,
 * alpha). Points at distance 0 from each other are an error (AQ_EINPUT)
 * for inverse distance. Style W. */
int aq_weights_band(aq_ctx *ctx, const double *x, const double *y, size_t n,
                    enum aq_metric metric, double threshold, double alpha,
                    aq_weights **out);

/* Kernel weights (libpysal.weights.Kernel): a fixed BANDWIDTH (> 0), or, when
 * BANDWIDTH <= 0, an adaptive one per unit: the distance to its K-th nearest
 * neighbour. Each unit's neighbours are the points within its bandwidth and
 * the unit itself (the diagonal carries K(0)), with weight K(d / bw).
 * Style O (kernel values are used as they are). */
int aq_weights_kernel(aq_ctx *ctx, const double *x, const double *y, size_t n,
                      enum aq_metric metric, enum aq_kernel fn, double bandwidth,
                      size_t k, aq_weights **out);

/* Queen (ROOK = 0: polygons sharing at least one vertex) or rook (ROOK = 1:
 * sharing an edge, i.e. two consecutive vertices) contiguity from polygons
 * given as WKB (ISO or EWKB, Polygon or MultiPolygon, 2D/Z/M). Vertices
 * closer than SNAP (in CRS units; 0 = exact equality, as PySAL and GeoDa do)
 * are treated as one, which bridges tiny digitising gaps. Units with no
 * neighbours are islands (see aq_weights_summary). A missing, empty or
 * non-polygon geometry is AQ_EINPUT naming the row. Style W. */
int aq_weights_contiguity(aq_ctx *ctx, const unsigned char *const *wkb,
                          const size_t *len, size_t n, int rook, double snap,
                          aq_weights **out);

/* Block weights: units with the same GROUP value are neighbours of each other
 * (libpysal.weights.block_weights). A NULL group is AQ_EINPUT. Style W. */
int aq_weights_block(aq_ctx *ctx, const char *const *group, size_t n,
                     aq_weights **out);

/* Neighbours of order K (reachable in exactly K steps by the shortest path,
 * as libpysal.higher_order), or with INCLUSIVE = 1 every unit within K steps.
 * Binary, style W, ids copied. K >= 1. */
int aq_weights_higher_order(aq_ctx *ctx, const aq_weights *w, int k, int inclusive,
                            aq_weights **out);

/* Adds each unit as its own neighbour (for Getis-Ord Gi*), with original
 * weight equal to the row's largest weight (1 for binary rows), as esda's
 * G_Local(star=True) does. Style kept. */
int aq_weights_add_self(aq_ctx *ctx, const aq_weights *w, aq_weights **out);

/* Point coordinates of each geometry: the point itself, or the area-weighted
 * centroid of a polygon or multipolygon (holes subtracted), as libpysal
 * uses for distance weights on polygons. x and y must hold n values. */
int aq_geometry_centroids(aq_ctx *ctx, const unsigned char *const *wkb,
                          const size_t *len, size_t n, double *x, double *y);

/* 1 if CRS (as aq_table_crs gives it: "EPSG:4326" or WKT) is geographic
 * (longitude/latitude, so distances must be great-circle), 0 if projected,
 * -1 if it cannot be understood. */
int aq_crs_is_geographic(const char *crs);

/* Sets the style (enum aq_wstyle). Islands keep zero rows. */
int aq_weights_set_style(aq_ctx *ctx, aq_weights *w, int style);
int aq_weights_style(const aq_weights *w);

/* Number of units. */
size_t aq_weights_n(const aq_weights *w);
/* The neighbours of unit I (indices sorted) and their styled weights;
 * returns their count. Borrowed. */
size_t aq_weights_neighbors(const aq_weights *w, size_t i, const uint32_t **nbr,
                            const double **wt);

/* Attaches unit ids (copied; n strings, none NULL, all distinct: a duplicate
 * is AQ_EINPUT naming both rows). */
int aq_weights_set_ids(aq_ctx *ctx, aq_weights *w, const char *const *ids);
/* Id of unit I, or NULL when the weights carry none. Borrowed. */
const char *aq_weights_id(const aq_weights *w, size_t i);

/* Reorders weights that carry ids (read from a GAL or GWT file) to the order
 * of IDS (n values, e.g. a table's id column): unit i of *out is IDS[i].
 * An id of IDS absent from the weights, or a weights id absent from IDS, is
 * AQ_EINPUT with the id named. Style kept. */
int aq_weights_align(aq_ctx *ctx, const aq_weights *w, const char *const *ids,
                     size_t n, aq_weights **out);

/* Reads a GAL (neighbour lists) or GWT (weighted pairs) file as GeoDa and
 * PySAL write them; the format is chosen by extension (.gal, .gwt). The ids
 * of the file are kept (align them with aq_weights_align). GAL gives binary
 * weights, GWT its weights; style W. AQ_EIO, AQ_EINPUT naming the line. */
int aq_weights_read(aq_ctx *ctx, const char *path, aq_weights **out);

/* Writes weights as GAL or GWT (by extension). IDVAR names the id variable
 * in the header line ("0 n shapefile idvar", GeoDa's form; NULL = "id").
 * Units without ids are written as 1..n. GAL writes the neighbour lists,
 * GWT the original (style O) weights. */
int aq_weights_write(aq_ctx *ctx, const aq_weights *w, const char *path,
                     const char *idvar);

/* What aq_weights_summary reports. */
typedef struct aq_weights_info {
    size_t n;            /* units                                         */
    size_t links;        /* nonzero pairs (i, j), i != j counted once each way */
    size_t islands;      /* units without neighbours                      */
    size_t min_neighbors, max_neighbors;
    double mean_neighbors;
    double pct_nonzero;  /* 100 * links / n^2                             */
    size_t components;   /* connected components (islands count as one each) */
    int symmetric;       /* 1 if w0_ij == w0_ji for every pair            */
    double s0, s1, s2;   /* of the styled weights                         */
} aq_weights_info;

int aq_weights_summary(aq_ctx *ctx, const aq_weights *w, aq_weights_info *out);

/* Index of the K-th island (unit without neighbours), or (size_t)-1. */
size_t aq_weights_island(const aq_weights *w, size_t k);

/* The spatial lag: out[i] = sum_j w_ij x[j] (styled weights). */
void aq_weights_lag(const aq_weights *w, const double *x, double *out);

void aq_weights_free(aq_weights *w);

/* ---------------------------------------------------------------------
 * Global statistics. Each uses the weights in their current style (callers
 * usually choose W; General G uses B). Y holds n values, none missing (a
 * missing value is AQ_EINPUT naming the unit), not constant. PERMUTATIONS
 * may be 0 (no simulation: the *_sim fields are NaN). Permutation k uses its
 * own random stream derived from SEED and k, so results are the same for any
 * number of threads.
 * Every p value here is two-sided: p_norm = 2 P(Z > |z|). The pseudo p value
 * p_sim is esda's folded one: (min(#{sim >= obs}, perms - #{sim >= obs}) + 1)
 * / (perms + 1).
 * ------------------------------------------------------------------- */

typedef struct aq_moran_result {
    double I, EI;
    double VI_norm, seI_norm, z_norm, p_norm;
    double VI_rand, seI_rand, z_rand, p_rand;
    double EI_sim, seI_sim, z_sim, p_sim;
    long permutations;
    size_t n;
} aq_moran_result;

/* Global Moran's I = n / S0 * z'Wz / z'z with z = y - mean, its moments under
 * normality and randomisation (Cliff and Ord 1981) and a permutation test. */
int aq_moran_global(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                    long permutations, uint64_t seed, aq_moran_result *out);

/* Bivariate Moran (esda Moran_BV): I = zx' W zy / (n - 1), zx and zy
 * standardised with the n-1 standard deviation; inference by permuting y.
 * Only I and the *_sim fields are set (the analytical ones are NaN). */
int aq_moran_bv(aq_ctx *ctx, const aq_weights *w, const double *x, const double *y,
                size_t n, long permutations, uint64_t seed, aq_moran_result *out);

/* Moran's I of rates E/B after the empirical Bayes standardisation of
 * Assuncao and Reis (1999) (esda Moran_Rate, adjusted=True). B > 0. */
int aq_moran_rate(aq_ctx *ctx, const aq_weights *w, const double *e, const double *b,
                  size_t n, long permutations, uint64_t seed, aq_moran_result *out);

/* The Assuncao-Reis empirical Bayes standardised rates (esda assuncao_rate)
 * into out (n values). */
int aq_eb_rates(aq_ctx *ctx, const double *e, const double *b, size_t n, double *out);

typedef struct aq_geary_result {
    double C, EC;
    double VC_norm, seC_norm, z_norm, p_norm;
    double VC_rand, seC_rand, z_rand, p_rand;
    double EC_sim, seC_sim, z_sim, p_sim;
    long permutations;
    size_t n;
} aq_geary_result;

/* Geary's C = (n-1) sum w_ij (y_i - y_j)^2 / (2 S0 sum z^2), E[C] = 1, with
 * z = (C - 1) / sd as esda reports it (so z < 0 means positive
 * autocorrelation; spdep reports (1 - C) / sd, the opposite sign). */
int aq_geary(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
             long permutations, uint64_t seed, aq_geary_result *out);

typedef struct aq_getis_result {
    double G, EG, VG, z_norm, p_norm;
    double EG_sim, seG_sim, z_sim, p_sim;
    long permutations;
    size_t n;
} aq_getis_result;

/* Getis-Ord General G = sum_ij w_ij y_i y_j / sum_{i != j} y_i y_j with the
 * moments of Getis and Ord (1992). Use binary weights (style B), as esda and
 * spdep do. Y must be non-negative. */
int aq_getis_g(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
               long permutations, uint64_t seed, aq_getis_result *out);

/* ---------------------------------------------------------------------
 * Local statistics with conditional permutation inference: for unit i the
 * values of the other n-1 units are drawn at random without replacement
 * into its k_i neighbour slots, PERMUTATIONS times, with a random stream of
 * its own derived from SEED and i (independent per unit, unlike esda's
 * shared draws; identical results for any thread count). Only counts and
 * sums are kept, so memory does not grow with the number of permutations.
 * ------------------------------------------------------------------- */

enum aq_local_kind {
    AQ_LOCAL_MORAN = 1, /* Ii = (n-1) z_i sum_j w_ij z_j / sum z^2 (esda)   */
    AQ_LOCAL_G,         /* Gi = sum_{j!=i} w_ij y_j / sum_{j!=i} y_j         */
    AQ_LOCAL_GSTAR,     /* Gi* = sum_j w_ij y_j / sum_j y_j, self included  */
    AQ_LOCAL_GEARY      /* ci = sum_j w_ij (z_i - z_j)^2, z standardised    */
};

enum aq_adjust {
    AQ_ADJUST_NONE = 0,
    AQ_ADJUST_BONFERRONI, /* significant when p_sim <= alpha / n          */
    AQ_ADJUST_FDR         /* Benjamini-Hochberg cut-off (esda fdr)        */
};

typedef struct aq_local_opts {
    long permutations;   /* default 999; 0 = no simulation                */
    uint64_t seed;       /* default 12345                                 */
    double alpha;        /* default 0.05                                  */
    enum aq_adjust adjust;
} aq_local_opts;

void aq_local_opts_init(aq_local_opts *o);

/* One result per unit; every array has n values and belongs to the result. */
typedef struct aq_local {
    size_t n;
    enum aq_local_kind kind;
    double *value;  /* the input                                             */
    double *lag;    /* spatial lag of the input                              */
    double *stat;   /* Ii, Gi, Gi* or ci                                     */
    double *expect; /* E under the analytical null (Moran: esda EIc, G: EGs) */
    double *var;    /* its variance (Moran: esda VIc; G: VGs; Geary: NaN)    */
    double *z;      /* (stat - expect) / sqrt(var); G: esda Zs               */
    double *z_sim;  /* (stat - mean of sims) / sd of sims                    */
    double *p_sim;  /* folded pseudo p (NaN for islands and without perms)   */
    int *quadrant;  /* Moran: 1 HH, 2 LH, 3 LL, 4 HL (PySAL numbering);
                       G: 1 hot (above E), 3 cold; Geary: 1 z_i>0, 3 z_i<0;
                       0 island                                           */
    unsigned char *significant; /* 1 if p_sim <= threshold                  */
    double threshold; /* the p cut-off used (alpha, alpha/n or FDR)          */
    long permutations;
    size_t islands;
} aq_local;

/* Local Moran (Anselin 1995) as esda Moran_Local with conditional
 * randomisation. Islands get Ii = 0, p_sim NaN, quadrant 0 and a warning. */
int aq_local_moran(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                   const aq_local_opts *opts, aq_local **out);
/* Local Getis-Ord Gi (STAR = 0) or Gi* (STAR = 1; self added as in
 * aq_weights_add_self), with the analytical z of Ord and Getis (1995) as
 * esda G_Local computes it. Use binary weights (style B). */
int aq_local_g(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, int star,
               const aq_local_opts *opts, aq_local **out);
/* Local Geary (Anselin 2019) as esda Geary_Local. */
int aq_local_geary(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                   const aq_local_opts *opts, aq_local **out);

/* The cluster label of unit I: Moran "High-High", "Low-High", "Low-Low",
 * "High-Low"; G "hot", "cold"; Geary "positive", "negative"; "ns" when not
 * significant, "island" for a unit without neighbours. Static string. */
const char *aq_local_cluster(const aq_local *r, size_t i);

void aq_local_free(aq_local *r);

/* ---------------------------------------------------------------------
 * Spatial Markov chains (Rey 2001; giddy Spatial_Markov, LISA_Markov).
 * Y holds t periods of n units, period-major as aimaq_ineq.h's Markov
 * functions take it: unit i in period j is y[j * n + i].
 * ------------------------------------------------------------------- */

typedef struct aq_spmarkov_result {
    size_t k;            /* classes of the variable                          */
    size_t m;            /* classes of the spatial lag (conditioning)        */
    double *cutoffs;     /* k upper bounds of the classes (fixed), or NULL   */
    double *lag_cutoffs; /* m upper bounds of the lag classes (fixed), or NULL */
    double *T;           /* m x k x k transition counts, conditioned on the
                            lag class at the start of each transition        */
    double *P;           /* m x k x k transition probabilities (0 rows stay 0) */
    double *S;           /* m x k steady states (NaN if a chain has none)    */
    double *F;           /* m x k x k first mean passage times               */
    double *T_pooled;    /* k x k counts ignoring the lag (the classic chain) */
    double *P_pooled;
    double *S_pooled;
    /* Homogeneity of the m conditional chains (Bickenbach and Bode 2003). */
    double Q, Q_p, LR, LR_p;
    int dof;
} aq_spmarkov_result;

/* Spatial Markov: each value classed into K quantile classes (FIXED = 1:
 * cut-offs from all periods pooled; 0: per period), its spatial lag (W
 * styled as given, usually W) into M quantile classes the same way;
 * transitions t -> t+1 counted per lag class at time t. Quantiles are
 * linear (numpy/type 7) and classes right-closed, as mapclassify does. */
int aq_spmarkov(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, size_t t,
                size_t k, size_t m, int fixed, aq_spmarkov_result **out);

/* LISA Markov: transitions between Moran scatterplot quadrants (1 HH, 2 LH,
 * 3 LL, 4 HL) of each unit from one period to the next. The result has
 * k = 4, m = 1; cutoffs are NULL and the homogeneity fields NaN. */
int aq_lisa_markov(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                   size_t t, aq_spmarkov_result **out);

void aq_spmarkov_free(aq_spmarkov_result *r);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_SPATIAL_H */
