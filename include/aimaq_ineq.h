/*
 * aimaq_ineq.h -- regional disparities and convergence: inequality
 * measures (weighted and unweighted), their exact between/within
 * decomposition, bootstrap confidence intervals, sigma and beta
 * convergence, classic Markov chains over quantile classes and Kendall's
 * rank correlation.
 *
 * The conventions of aimaq.h hold: everything that can fail takes an
 * aq_ctx and returns AQ_OK or an AQ_E* code with the reason on the context;
 * a failed call leaves its out-parameters unchanged; results the library
 * allocates are released with the matching _free, which accepts NULL.
 *
 * Kernels take plain arrays: X the values of N units, W their weights
 * (population; NULL = every unit counts once), G their group codes
 * 0..NGROUPS-1 (NULL = no grouping). A weighted unit stands for W[i] people
 * who all have the value X[i]. Formulas and the names other tools use for
 * each measure: docs/disparity.md.
 */
#ifndef AIMAQ_INEQ_H
#define AIMAQ_INEQ_H

#include "aimaq.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Disparity measures
 * ------------------------------------------------------------------- */

/* The generalised entropy parameters reported, in this order. */
enum { AQ_GE_M1 = 0, AQ_GE_0 = 1, AQ_GE_1 = 2, AQ_GE_2 = 3, AQ_GE_N = 4 };
/* The Atkinson inequality-aversion parameters reported, in this order. */
enum { AQ_ATK_05 = 0, AQ_ATK_1 = 1, AQ_ATK_2 = 2, AQ_ATK_N = 3 };

/* The parameter a of GE slot I (-1, 0, 1, 2) and e of Atkinson slot I
 * (0.5, 1, 2). */
double aq_ineq_ge_alpha(int i);
double aq_ineq_atkinson_e(int i);

typedef struct aq_ineq_opts {
    size_t lorenz_max; /* Lorenz points kept besides (0,0): every unit when
                          0 or when n <= lorenz_max, else lorenz_max points
                          at equal population steps (exact interpolation) */
    int threads;       /* threads for the O(n) passes and the sort: 0 = all
                          cores, 1 = serial. Results do not depend on it.  */
} aq_ineq_opts;

/* Defaults: lorenz_max = 1000, threads = 0. */
void aq_ineq_opts_init(aq_ineq_opts *opts);

/* One group of a decomposition. */
typedef struct aq_ineq_group {
    size_t n;            /* units in the group                           */
    double weight;       /* its population (unit count when unweighted)  */
    double mean;         /* its (weighted) mean value                    */
    double pop_share;    /* weight / total weight                        */
    double income_share; /* its share of the total of value x weight     */
    double ge[AQ_GE_N];  /* the group's own GE(a): ge[AQ_GE_1] = Theil T,
                            ge[AQ_GE_0] = Theil L                        */
} aq_ineq_group;

/* Every measure of one value column. Owned by the caller once returned;
 * release with aq_ineq_result_free. Fields that do not apply are NaN
 * (williamson when unweighted; between/within without groups). */
typedef struct aq_ineq_result {
    size_t n;            /* units used                                   */
    int weighted;        /* 1 when weights were given                    */
    double total_weight; /* sum of weights (n when unweighted)           */
    double mean, median, min, max, range, p10, p90;
    double ratio_max_min, ratio_p90_p10, ratio_top_bottom_quintile;
    double cv;           /* population sd / mean (weighted when weighted) */
    double cv_sample;    /* with the n-1 denominator                     */
    double williamson;   /* population-weighted CV; NaN when unweighted  */
    double gini;
    double theil_t, theil_l; /* = ge[AQ_GE_1], ge[AQ_GE_0]               */
    double ge[AQ_GE_N];
    double atkinson[AQ_ATK_N];
    double hoover;       /* half the sum of |income share - pop share|   */
    double palma;        /* income share of the top 10 % / bottom 40 %   */
    size_t nlorenz;      /* points in lorenz_pop/lorenz_income, (0,0) first */
    double *lorenz_pop, *lorenz_income;
    size_t ngroups;      /* 0 without grouping                           */
    aq_ineq_group *groups;
    double between[AQ_GE_N], within[AQ_GE_N]; /* decomposition of GE(a)  */
} aq_ineq_result;

/* Computes every measure of X (N values) with optional weights W and
 * groups G (codes < NGROUPS; every group must have units with positive
 * weight). Values must be finite and > 0 (logarithms are needed), weights
 * finite and >= 0 with a positive sum; callers drop missing values first.
 * O(n log n): one radix sort (stable, so the result is the same for any
 * thread count) and two passes. opts may be NULL for defaults.
 * Returns AQ_OK; AQ_EINPUT naming the measure and the unit index (0-based)
 * of a bad value, fewer than 2 units, or an empty group; AQ_EUSAGE for a
 * group code >= ngroups; AQ_ENOMEM. */
int aq_ineq_compute(aq_ctx *ctx, const double *x, const double *w, size_t n,
                    const uint32_t *g, size_t ngroups, const aq_ineq_opts *opts,
                    aq_ineq_result **out);
void aq_ineq_result_free(aq_ineq_result *r);

/* The scalar measures in a fixed order, for tables and intervals. */
enum aq_ineq_measure {
    AQ_M_MEAN, AQ_M_MEDIAN, AQ_M_MIN, AQ_M_MAX, AQ_M_RANGE,
    AQ_M_RATIO_MAX_MIN, AQ_M_RATIO_P90_P10, AQ_M_RATIO_TOP_BOTTOM_QUINTILE,
    AQ_M_CV, AQ_M_CV_SAMPLE, AQ_M_WILLIAMSON, AQ_M_GINI, AQ_M_THEIL_T, AQ_M_THEIL_L,
    AQ_M_GE_M1, AQ_M_GE_0, AQ_M_GE_1, AQ_M_GE_2,
    AQ_M_ATKINSON_05, AQ_M_ATKINSON_1, AQ_M_ATKINSON_2, AQ_M_HOOVER, AQ_M_PALMA,
    AQ_M_THEIL_T_BETWEEN, AQ_M_THEIL_T_WITHIN, AQ_M_THEIL_L_BETWEEN, AQ_M_THEIL_L_WITHIN,
    AQ_M_COUNT
};
/* The JSON key path of measure M: "gini", "ge.-1", "atkinson.0.5",
 * "decomposition.theil_t.between", ...; NULL when out of range. */
const char *aq_ineq_measure_key(int m);
/* The value of measure M in R (NaN when it does not apply). */
double aq_ineq_measure_value(const aq_ineq_result *r, int m);

/* Percentile bootstrap confidence intervals of every scalar measure. */
typedef struct aq_ineq_ci {
    size_t replicates;       /* replicates drawn                          */
    size_t failed;           /* replicates that could not be computed
                                (e.g. every drawn weight zero)           */
    double level;            /* e.g. 0.95                                 */
    uint64_t seed;
    double lo[AQ_M_COUNT], hi[AQ_M_COUNT]; /* NaN when not applicable     */
} aq_ineq_ci;

/* Draws REPLICATES resamples of the N units with replacement (each unit
 * keeps its weight and group), computes every measure on each and takes the
 * (1-level)/2 and (1+level)/2 quantiles (linear interpolation) of the
 * replicate values. Replicate k uses random stream k of SEED (rng.h:
 * xoshiro256** seeded with splitmix64), so the result depends only on the
 * data, REPLICATES and SEED, not on the thread count.
 * Returns AQ_OK, AQ_EUSAGE (replicates < 2, level not in (0,1)), AQ_EINPUT
 * (as aq_ineq_compute), AQ_ENOMEM. The result is written to *out. */
int aq_ineq_bootstrap(aq_ctx *ctx, const double *x, const double *w, size_t n,
                      const uint32_t *g, size_t ngroups, size_t replicates,
                      uint64_t seed, double level, const aq_ineq_opts *opts,
                      aq_ineq_ci *out);

/* Quantile Q (0..1) of the N sorted values XS with weights WS (NULL =
 * unweighted). Unweighted: linear interpolation between order statistics
 * (Hyndman-Fan type 7, R's and numpy's default). Weighted: the inverse of
 * the population distribution function, the mean of the two neighbouring
 * values where the cumulative share equals Q exactly (type 2, Stata's
 * rule for weighted percentiles). N must be >= 1. */
double aq_quantile_sorted(const double *xs, const double *ws, size_t n, double q);

/* ---------------------------------------------------------------------
 * Rank mobility
 * ------------------------------------------------------------------- */

/* Kendall's tau-b between X and Y (N pairs), O(n log n) (Knight 1966), and
 * two two-sided p-values from the normal approximation: P with the classic
 * variance of tau, 2(2n+5) / (9n(n-1)) (Kendall 1938; scipy.stats.kendalltau
 * before version 1.2), and P_TIES (may be NULL) with the tie-corrected
 * variance of S = concordant - discordant pairs (Kendall 1970; R's cor.test
 * and scipy's 'asymptotic' method today). Without ties and for large n the
 * two agree. Returns AQ_OK, AQ_EINPUT (n < 2, a non-finite value, or a
 * constant series), AQ_ENOMEM. */
int aq_kendall_tau(aq_ctx *ctx, const double *x, const double *y, size_t n,
                   double *tau, double *p, double *p_ties);

/* ---------------------------------------------------------------------
 * Convergence
 * ------------------------------------------------------------------- */

/* Sigma convergence of one period. */
typedef struct aq_sigma {
    double time;
    double mean;   /* (weighted) mean of the levels                     */
    double sd_log; /* sd of ln(level), n-1 denominator (weighted: the
                      weighted variance times n/(n-1))                   */
    double cv;     /* population sd / mean of the levels (weighted)     */
} aq_sigma;

/* The result of aq_convergence. Owned by the caller; aq_convergence_free. */
typedef struct aq_convergence_result {
    size_t n;          /* units                                         */
    size_t nperiods;
    aq_sigma *sigma;   /* nperiods entries                              */
    double F, df1, df2, F_p; /* var(ln y) first / last period, two-sided p */
    /* beta convergence: OLS (WLS when weighted) of the annualised growth
     * ln(y_last / y_first) / T on ln(y_first) and the controls */
    double T;          /* years between first and last period          */
    double alpha, beta, se_alpha, se_beta, t, p, r2;
    double speed;      /* -ln(1 + T beta) / T; NaN when 1 + T beta <= 0 */
    double half_life;  /* ln 2 / speed; NaN unless speed > 0           */
    size_t ncontrols;
    double *control_coef, *control_se, *control_t, *control_p;
    double tau, tau_p, tau_p_ties; /* Kendall's tau-b, first vs last period */
} aq_convergence_result;

/* Computes sigma and beta convergence and rank mobility for N units over
 * NPERIODS periods: Y[t*n + i] is the level of unit i in period t (> 0,
 * finite), TIMES[t] the period's time in years (strictly increasing),
 * W the weights (NULL = unweighted), C[k*n + i] control k of unit i
 * (NULL when ncontrols = 0). Needs n >= 3 + ncontrols and nperiods >= 2.
 * Returns AQ_OK, AQ_EINPUT (naming the period and unit of a bad value, a
 * singular design), AQ_EUSAGE, AQ_ENOMEM. */
int aq_convergence(aq_ctx *ctx, const double *y, const double *w, size_t n,
                   size_t nperiods, const double *times, const double *c,
                   size_t ncontrols, aq_convergence_result **out);
void aq_convergence_free(aq_convergence_result *r);

/* ---------------------------------------------------------------------
 * Classic Markov chains over quantile classes
 * ------------------------------------------------------------------- */

enum {
    AQ_MARKOV_RELATIVE = 1, /* divide each period by its (unweighted) mean  */
    AQ_MARKOV_POOLED = 2    /* one set of class bounds from all periods     */
};

/* Assigns each Y[t*n + i] (finite) to one of K quantile classes: the
 * bounds are the linear-interpolated (type 7) percentiles 100j/K, j=1..K,
 * of the period (or of all periods with AQ_MARKOV_POOLED), and a value's
 * class is the first whose upper bound is >= the value (as mapclassify's
 * Quantiles). CLS gets n*nperiods classes 0..K-1 and BINS the upper bounds:
 * K per period, or K in total when pooled. Both are caller-allocated. */
int aq_markov_classify(aq_ctx *ctx, const double *y, size_t n, size_t nperiods,
                       size_t k, int flags, int *cls, double *bins);

/* A fitted chain. Matrices are k*k, row-major. Owned by the caller;
 * release with aq_markov_free. */
typedef struct aq_markov_result {
    size_t k;
    double *counts;   /* transitions from class i to class j            */
    double *p;        /* row-normalised counts (a row without any
                         transition is all NaN and reported on the ctx
                         as a warning)                                  */
    int ergodic;      /* 1 when the chain is irreducible, so the steady
                         state and first passage times are unique      */
    double *steady;   /* k; NaN when not ergodic                       */
    double *mfpt;     /* mean first passage times i -> j; the diagonal
                         holds the mean recurrence times 1/steady_j    */
    double *sojourn;  /* 1 / (1 - p_ii); infinite when p_ii = 1        */
    double *prais;    /* 1 - p_ii                                      */
    double shorrocks; /* (k - trace P) / (k - 1)                       */
} aq_markov_result;

/* Counts transitions between consecutive periods of CLS (n*nperiods
 * classes 0..k-1, as from aq_markov_classify; a negative class marks a
 * missing observation and its transitions are skipped) and derives the
 * chain. Returns AQ_OK, AQ_EINPUT (no transitions, a class >= k),
 * AQ_EUSAGE (k < 2), AQ_ENOMEM. */
int aq_markov_estimate(aq_ctx *ctx, const int *cls, size_t n, size_t nperiods,
                       size_t k, aq_markov_result **out);
void aq_markov_free(aq_markov_result *r);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_INEQ_H */
