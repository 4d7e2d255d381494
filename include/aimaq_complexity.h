/*
 * aimaq_complexity.h -- relatedness and economic complexity: revealed
 * comparative advantage, the presence matrix, proximity between activities,
 * relatedness density, the economic complexity of units (ECI) and of
 * activities (PCI), complexity outlook (COI) and outlook gain (COG), and
 * the "next activities" a unit could move into.
 *
 * Conventions are those of aimaq.h (context, return codes, ownership).
 * Formulas, sources, the sign and scale conventions and what they answer
 * (density above 1, the eigenvector's sign, values differing from the
 * Atlas, subnational proximities) are in docs/complexity.md.
 *
 * Notation: a unit c is a country, region or town; an activity p an
 * industry, occupation or export product; x_cp the value (employment,
 * output, exports). Matrices are plain row-major arrays: a unit x activity
 * matrix has nu rows and na columns (x[c * na + p]); an activity x activity
 * matrix na x na. The conventions follow the Stata `ecomplexity` package of
 * the Growth Lab (and py-ecomplexity), whose published output the tests
 * assert (tests/data/complexity/SOURCE.md).
 */
#ifndef AIMAQ_COMPLEXITY_H
#define AIMAQ_COMPLEXITY_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How ECI and PCI are computed. */
enum aq_cx_method {
    AQ_CX_EIGEN = 0,   /* eigenvector of the second-largest eigenvalue
                          (Hausmann, Hidalgo et al. 2011), z-scored       */
    AQ_CX_REFLECTIONS, /* method of reflections (Hidalgo & Hausmann 2009),
                          k_c,N and k_p,N z-scored                       */
    AQ_CX_FITNESS      /* fitness-complexity (Tacchella et al. 2012):
                          fitness and complexity, each of mean 1         */
};

/* Proximity between activities. */
enum aq_cx_proximity {
    AQ_CX_SYMMETRIC = 0, /* phi_pq = min(P(p|q), P(q|p)) = C_pq / max(u_p, u_q) */
    AQ_CX_ASYMMETRIC,    /* phi_pq = P(q|p) = C_pq / u_p                       */
    AQ_CX_CONTINUOUS     /* phi_pq = (1 + corr(RCA_.p, RCA_.q)) / 2, density
                            from RCA (Stata's `cont`)                      */
};

/* Presence: M_cp = 1 where RCA >= threshold (binary), or the bounded
 * continuous form M_cp = RCA / (1 + RCA). */
enum aq_cx_presence { AQ_CX_BINARY = 0, AQ_CX_BOUNDED };

typedef struct aq_cx_opts {
    double rca_threshold;     /* default 1                                 */
    enum aq_cx_presence presence;
    enum aq_cx_proximity proximity;
    enum aq_cx_method method;
    int iterations;           /* reflections: N (default 18); fitness: the
                                 most iterations (default 200); 0 = default */
} aq_cx_opts;

void aq_cx_opts_init(aq_cx_opts *o);

/* ---------------------------------------------------------------------
 * Kernels on plain arrays. They do not allocate unless they say so.
 * ------------------------------------------------------------------- */

/* Balassa's revealed comparative advantage
 *   RCA_cp = (x_cp / x_c.) / (x_.p / x..)
 * for a nu x na matrix x (values >= 0). Units or activities whose total is
 * 0 get NaN. */
void aq_cx_rca(const double *x, size_t nu, size_t na, double *rca);

/* Diversity d_c = sum_p M_cp and ubiquity u_p = sum_c M_cp. NaN cells of
 * M are skipped. Either output may be NULL. */
void aq_cx_degrees(const double *M, size_t nu, size_t na, double *diversity, double *ubiquity);

/* Proximity phi (na x na, diagonal 0) from the presence matrix M, with
 * C_pq = sum_c M_cp M_cq and u the ubiquities (see enum aq_cx_proximity;
 * AQ_CX_CONTINUOUS takes RCA in place of M). A pair with a zero
 * denominator has proximity 0. Allocates work; threads from the context.
 * Returns AQ_OK, AQ_EUSAGE or AQ_ENOMEM. */
int aq_cx_proximity_matrix(aq_ctx *ctx, const double *M, size_t nu, size_t na,
                           enum aq_cx_proximity kind, double *phi);

/* Relatedness density of each unit to each activity,
 *   density_cp = sum_q M_cq phi_pq / sum_q phi_qp,
 * in [0, 1] for binary M (the denominator is the column sum, as Stata and
 * py-ecomplexity divide; for a symmetric phi it is the row sum). For
 * continuous proximity M is the RCA matrix and the result is not bounded
 * by 1. Activities whose proximities are all 0 get NaN. */
int aq_cx_density(aq_ctx *ctx, const double *M, size_t nu, size_t na, const double *phi,
                  double *density);

/* ECI (eci, nu values) and PCI (pci, na values) of the presence matrix M
 * by METHOD. Units with diversity 0 and activities with ubiquity 0 get NaN
 * and take no part. Eigenvector method, as the Growth Lab's Stata package
 * `ecomplexity` computes it: k_p is the unit-length eigenvector of the
 * second-largest eigenvalue of M~_pp' = sum_c M_cp M_cp' / (u_p d_c), k_c =
 * sum_p M_cp k_p / d_c; the sign is chosen so that k_c correlates
 * positively with diversity; ECI = (k_c - m) / s and PCI = (k_p - m) / s
 * with m the mean of k_c and s its sample sd over the nu x na unit-activity
 * rows (s^2 = na sum_c (k_c - m)^2 / (nu na - 1)). norm (may be NULL)
 * receives {m, s}, so k_p = s PCI + m ({0, 1} for the other methods). The
 * eigenproblem is solved on the smaller side (units or activities) in its
 * symmetric form. Warns (on the context) when the second eigenvalue is not
 * separated from the third or the unit-activity network falls apart into
 * pieces. Reflections: k_c,N and k_p,N after N = iterations steps (default
 * 18), each z-scored, signed to rise with diversity and fall with
 * ubiquity. Fitness: F_c and Q_p (Tacchella et al. 2012), each of mean 1,
 * iterated to a relative change below 1e-12 or at most iterations
 * (default 200) times. Returns AQ_OK, AQ_EINPUT (fewer than 2 units or
 * activities with presence), AQ_ENOMEM. */
int aq_cx_complexity(aq_ctx *ctx, const double *M, size_t nu, size_t na,
                     enum aq_cx_method method, int iterations, double *eci, double *pci,
                     double *norm);

/* Complexity outlook of each unit and outlook gain of each unit and
 * activity from a complexity vector kp (raw: the Stata package passes its
 * unit-length k_p, not PCI):
 *   COI_c  = sum_p (1 - M_cp) density_cp kp_p
 *   COG_cp = (1 - M_cp) sum_q (1 - M_cq) phi_qp kp_q / sum_r phi_qr
 * coi: nu values, cog: nu x na (may be NULL). aq_cx_compute then z-scores
 * COI and divides COG by s (see aq_cx_complexity). Allocates work. */
int aq_cx_outlook(aq_ctx *ctx, const double *M, size_t nu, size_t na, const double *phi,
                  const double *density, const double *kp, double *coi, double *cog);

/* ---------------------------------------------------------------------
 * The whole computation for one period.
 * ------------------------------------------------------------------- */

/* All measures of one nu x na value matrix. Arrays are owned by the result
 * (aq_cx_result_free). Units and activities whose total is 0 are left out
 * of every computation and get NaN (py-ecomplexity drops them too). */
typedef struct aq_cx_result {
    size_t nu, na;
    double *rca, *M, *density, *cog;     /* nu x na */
    double *eci, *diversity, *coi;       /* nu      */
    double *pci, *ubiquity;              /* na      */
    double *proximity;                   /* na x na, when asked for */
} aq_cx_result;

/* Computes everything for the value matrix x (NaN = 0; negative values are
 * AQ_EINPUT). With keep_proximity the result keeps the proximity matrix
 * (8 na^2 bytes). Warns when the matrix is too sparse for stable
 * proximities (few units, many activities present in at most one unit, a
 * presence matrix almost empty). */
int aq_cx_compute(aq_ctx *ctx, const double *x, size_t nu, size_t na, const aq_cx_opts *o,
                  int keep_proximity, aq_cx_result *r);
void aq_cx_result_free(aq_cx_result *r);

/* The N activities each unit could move into next: among those it does
 * not have (M_cp = 0 with binary presence, M_cp < 1/2 bounded), ranked by
 * score_cp = z_c(density_cp) + z(PCI_p), the density standardised over the
 * unit's absent activities plus the PCI standardised over all activities:
 * feasible and complex count equally. order receives nu x n activity
 * indices (row c: the best first; -1 where fewer exist), score the scores.
 * Returns AQ_OK or AQ_ENOMEM. */
int aq_cx_next(aq_ctx *ctx, const aq_cx_result *r, size_t n, long *order, double *score);

/* ---------------------------------------------------------------------
 * On a table.
 * ------------------------------------------------------------------- */

typedef struct aq_complexity_opts {
    const char *unit;       /* unit column (default "unit", "code" or the
                               first text column)                         */
    const char *activity;   /* long shape: activity column; NULL = wide
                               shape, every number column an activity    */
    const char *value;      /* long shape: value column (default "value")  */
    const char *const *activities; /* wide shape: these columns (NULL = all
                               number columns but the period)             */
    const char *period;     /* period column; NULL = "period" or "year" if
                               present, else one period                   */
    aq_cx_opts cx;
    size_t next;            /* > 0: also the next-activities table        */
} aq_complexity_opts;

void aq_complexity_opts_init(aq_complexity_opts *o);

/* Computes per period. *rows: one row per unit, activity and period with
 * the columns unit, activity, period, value, rca, M, density, eci, pci,
 * diversity, ubiquity, coi, cog; *units: unit, period, diversity, eci,
 * coi; *activities: activity, period, ubiquity, pci; *next (when o->next
 * > 0, else NULL; the pointer may be NULL): unit, period, rank, activity,
 * density, pci, cog, rca, score. A unit and activity repeated within a
 * period is AQ_EINPUT naming both lines; missing values are read as 0 with
 * a warning. Any output pointer but rows may be NULL. */
int aq_complexity(aq_ctx *ctx, const aq_table *t, const aq_complexity_opts *o, aq_table **rows,
                  aq_table **units, aq_table **activities, aq_table **next);

#ifdef __cplusplus
}
#endif

#endif
