/*
 * aimaq_index.h -- composite indices, classes and their robustness:
 * development potential of settlements, depressed towns, map classes.
 *
 * A methodology is a YAML file (schema: docs/methodology.md) that declares
 * the indicators, their direction, weights and pillars, the normalisation,
 * the aggregation, ordered class rules, and the alternatives a Monte Carlo
 * analysis may draw. The conventions of aimaq.h hold: every fallible call
 * takes an aq_ctx and returns AQ_OK or an AQ_E* code with the message on
 * the context; _new/_load objects are released with the matching _free,
 * which accepts NULL; `const` results are borrowed from their object.
 */
#ifndef AIMAQ_INDEX_H
#define AIMAQ_INDEX_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Methodologies
 * ------------------------------------------------------------------- */
typedef struct aq_method aq_method;

/* Reads and validates the methodology file PATH. Every error names the
 * file and the line ("m.yaml:12: indicator 'i01': weight must be > 0, not
 * -1"). Returns AQ_OK, AQ_EIO (cannot read), AQ_EINPUT (invalid YAML or an
 * invalid methodology), AQ_ENOMEM. */
int aq_method_load(aq_ctx *ctx, const char *path, aq_method **out);

/* The same for a methodology held in memory; NAME is used in messages in
 * place of the file name. */
int aq_method_parse(aq_ctx *ctx, const char *text, size_t len, const char *name,
                    aq_method **out);

void aq_method_free(aq_method *m);

/* Name as declared ("name:"), borrowed. */
const char *aq_method_name(const aq_method *m);
/* SHA-256 of the file's bytes, 64 hex digits, borrowed: results record it
 * so a class can be traced to the exact methodology that produced it. */
const char *aq_method_hash(const aq_method *m);
/* The unit id column ("id:") and the population column ("population:",
 * NULL when not declared). Borrowed. */
const char *aq_method_id_column(const aq_method *m);
const char *aq_method_population_column(const aq_method *m);
/* The legal act the methodology follows ("act:"), or NULL. Borrowed. */
const char *aq_method_act(const aq_method *m);
/* "potential" (an index with classes) or "depressed" (criteria and flags). */
const char *aq_method_kind(const aq_method *m);
size_t aq_method_nindicators(const aq_method *m);
/* Code of indicator I, or NULL when out of range. Borrowed. */
const char *aq_method_indicator(const aq_method *m, size_t i);

/* Writes into BUF (SIZE bytes, NUL-terminated, truncated if short) the
 * comma-separated columns the methodology reads from the data: indicators,
 * population, group and the names its conditions and derived columns use,
 * without the id column and without computed names (score, rank, class,
 * pillar.*, norm.*, derived codes, criteria). This is the store selection
 * a command needs. Returns the length of the full list (as snprintf). */
size_t aq_method_data_columns(const aq_method *m, char *buf, size_t size);

/* Checks that table T has every column the methodology names (id,
 * population, indicators, columns in rules) with the right type. The
 * message names the methodology line and the column. Returns AQ_OK,
 * AQ_ENOTFOUND, AQ_EINPUT. */
int aq_method_check_table(aq_ctx *ctx, const aq_method *m, const aq_table *t);

/* Fits M to the data T before computing: finds the declared indicators
 * that T does not provide (not a column, and not derived; or a column with
 * no value in any row). Without ALLOW_MISSING any such indicator is an
 * error (AQ_ENOTFOUND) that lists ALL of them with the methodology line
 * declaring each. With ALLOW_MISSING they are left out of M: the weights
 * of each pillar are renormalised over the indicators left, a pillar with
 * no indicator left is dropped and the pillar weights renormalised over
 * the rest (its weight goes to the others in proportion to theirs), and a
 * warning lists what was left out. Every declared indicator and pillar is
 * recorded with its status and its effective weight before and after
 * (aq_method_weights_table). Call once per loaded methodology, before
 * aq_index_compute, aq_index_uncertainty or aq_index_audit; M then
 * describes what is computed (aq_method_nindicators counts what is left).
 * A class rule that names norm.<code> or pillar.<code> of something left
 * out is an error. No-op for depressed methodologies.
 * Returns AQ_OK, AQ_ENOTFOUND (missing indicators without ALLOW_MISSING,
 * or none at all present), AQ_EUSAGE (restricted twice), AQ_ENOMEM. */
int aq_method_restrict(aq_ctx *ctx, aq_method *m, const aq_table *t, int allow_missing);

/* After aq_method_restrict: number of declared indicators left out. */
size_t aq_method_nmissing(const aq_method *m);
/* Code of the I-th indicator left out (declaration order), or NULL.
 * Borrowed. */
const char *aq_method_missing(const aq_method *m, size_t i);
/* Number of pillars dropped for having no indicator left, and the code
 * of the I-th (or NULL). Borrowed. */
size_t aq_method_ndropped_pillars(const aq_method *m);
const char *aq_method_dropped_pillar(const aq_method *m, size_t i);
/* Indicators the file declares (before any restriction). */
size_t aq_method_ndeclared(const aq_method *m);

/* After aq_method_restrict: one row per declared indicator, then per
 * declared pillar: level ("indicator"/"pillar"), code, pillar, line (in
 * the methodology), status ("used", "missing: not a column of the data",
 * "missing: no value in any unit", "dropped: no indicator left"),
 * declared_weight (effective weight in the whole methodology, the pillar's
 * share for pillars) and effective_weight (in what is computed; 0 when
 * left out). Under `weights: equal` both use equal weights; under `pca`
 * the declared weights (the data-driven ones are in --audit). The caller
 * frees the table. Returns AQ_OK, AQ_EUSAGE (not restricted), AQ_ENOMEM. */
int aq_method_weights_table(aq_ctx *ctx, const aq_method *m, aq_table **out);

/* ---------------------------------------------------------------------
 * The index: scores, pillar scores, ranks, classes and reasons
 * ------------------------------------------------------------------- */
typedef struct aq_index aq_index;

/* Computes the methodology on the units (rows) of T: impute, treat
 * outliers, normalise each indicator over the units, weight and aggregate
 * within pillars and between pillars, rank (1 = highest score, ties by row
 * order) and class by the ordered rules (the first that matches wins).
 * Units with more missing indicators than the methodology allows are
 * excluded (score NaN, class "excluded", the reason names the indicators
 * and the threshold) and reported with a warning. Returns AQ_OK,
 * AQ_ENOTFOUND (a column the methodology names is absent), AQ_EINPUT
 * (constant indicator, no unit left, non-positive values under a geometric
 * mean, ...), AQ_ENOMEM. */
int aq_index_compute(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq_index **out);
void aq_index_free(aq_index *r);

size_t aq_index_nunits(const aq_index *r);
/* Scores per unit (row of the input), NaN for excluded units. Borrowed. */
const double *aq_index_scores(const aq_index *r);
/* Score of pillar P per unit, or NULL if P is out of range. Borrowed. */
const double *aq_index_pillar(const aq_index *r, size_t p);
/* Normalised value of indicator J per unit, or NULL. Borrowed. */
const double *aq_index_normalised(const aq_index *r, size_t j);
/* Rank per unit (1 = best; 0 for excluded units). Borrowed. */
const unsigned *aq_index_ranks(const aq_index *r);
/* Class name of unit ROW ("excluded", "" when no rule matched). Borrowed. */
const char *aq_index_class(const aq_index *r, size_t row);
/* Why unit ROW got its class: the rule and line that matched, the values
 * it tested, and the indicators that pulled the score up and down most
 * relative to the mean unit. Borrowed. */
const char *aq_index_reason(const aq_index *r, size_t row);

/* Per-unit table: id, score, rank, class, one column per pillar, reason.
 * The caller frees it. */
int aq_index_units_table(aq_ctx *ctx, const aq_index *r, aq_table **out);
/* Class summary in the form of the founding text: class, count,
 * population, population_share (of all classed units), in rule order. */
int aq_index_classes_table(aq_ctx *ctx, const aq_index *r, aq_table **out);

/* Statistical audit of a methodology on T (the JRC's checks):
 * *indicators gets per indicator: indicator, pillar, missing_share,
 * skewness, kurtosis (excess, of the raw values), corr_pillar and
 * corr_index (Pearson correlation of the normalised indicator with its
 * pillar score and with the index: the effective weight an indicator ends
 * up with), weight (declared effective weight), note (warnings).
 * *pillars gets per pillar: pillar, indicators, cronbach_alpha,
 * pc1_share (variance explained by the first principal component of the
 * pillar's correlation matrix), mean_corr_within, min_corr_within, and
 * corr_<pillar> for every pillar (correlations between pillar scores).
 * Negatively correlated indicators within one pillar are also reported
 * as warnings. Both tables are the caller's. Returns the codes of
 * aq_index_compute. */
int aq_index_audit(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq_table **indicators,
                   aq_table **pillars);

/* Support (опорные) and satellite (спутниковые) settlements, as the
 * programme "Ауыл - Ел бесігі" uses them: the units satisfying the
 * methodology's `support: when` condition (which may name `class`, the
 * class R gave the unit, besides any column) are support settlements;
 * every other unit is attached to the nearest support settlement within
 * `max_km` (straight line: great circle for degrees, Euclidean for km) or
 * left unattached (travel times instead: aq_index_support_ex). R must
 * come from the same methodology and table. Without `max_km` (a
 * methodology with only `max_minutes`) it is AQ_EUSAGE: times are needed.
 * *units: id, class, role ("support", "satellite", "unattached"),
 * support_id, distance_km. *summary: role, count, population.
 * Returns AQ_OK, AQ_EUSAGE (no `support` section), AQ_ENOTFOUND (no
 * coordinate columns or point geometries), AQ_EINPUT, AQ_ENOMEM. */
int aq_index_support(aq_ctx *ctx, const aq_method *m, const aq_table *t, const aq_index *r,
                     aq_table **units, aq_table **summary);

/* Travel times for support and satellite settlements, in place of
 * straight lines: PAIRS has one row per timed pair of units (the output of
 * `aimaq access --od`, or any table of the kind), with the unit ids (the
 * methodology's id column) in columns ORIGIN and DESTINATION and the time
 * in column MINUTES (NULL names: "origin", "destination", "minutes"). A
 * pair counts in both directions (roads are two-way: a satellite may be
 * the origin or the destination); a pair not listed means "not reachable".
 * MAX_MINUTES is the limit (NaN: the methodology's support max_minutes). */
typedef struct aq_support_times {
    const aq_table *pairs;
    const char *origin, *destination, *minutes;
    double max_minutes;
} aq_support_times;

/* aq_index_support with TIMES (or straight lines when TIMES is NULL):
 * every non-support unit goes to the support settlement it reaches in the
 * fewest minutes within the limit (ties: the first listed pair). *units
 * then has columns id, class, role, support_id, minutes. Pairs naming ids
 * not in T are counted in a warning; a missing or negative time is an
 * error naming its line. Returns the codes of aq_index_support, and
 * AQ_EUSAGE when no time limit is given, AQ_ENOTFOUND for absent columns,
 * AQ_EINPUT for bad times. */
int aq_index_support_ex(aq_ctx *ctx, const aq_method *m, const aq_table *t, const aq_index *r,
                        const aq_support_times *times, aq_table **units, aq_table **summary);

/* ---------------------------------------------------------------------
 * Robustness: Monte Carlo over the declared alternatives
 * ------------------------------------------------------------------- */
typedef struct aq_uncertainty_opts {
    size_t runs;          /* Monte Carlo runs (>= 10)                        */
    unsigned long long seed;
    int sobol;            /* 1: also first-order and total Sobol indices of
                             each uncertain choice (Saltelli sampling, Jansen
                             estimators; costs runs x (factors + 2) runs)   */
    const double *weight_draws; /* optional: ndraws x nindicators weights
                             used as given instead of random weights (each
                             row replaces the effective weights); runs is
                             then ndraws                                    */
    size_t ndraws;
} aq_uncertainty_opts;

void aq_uncertainty_opts_init(aq_uncertainty_opts *o);

typedef struct aq_uncertainty aq_uncertainty;

/* Runs the methodology OPTS->runs times, each time drawing the choices the
 * methodology's `uncertainty:` section declares (weights, normalisation,
 * aggregation, imputation, class thresholds, one indicator left out).
 * Returns AQ_OK, AQ_EUSAGE (no uncertainty declared and no weight draws,
 * or runs < 10), and the codes of aq_index_compute. */
int aq_index_uncertainty(aq_ctx *ctx, const aq_method *m, const aq_table *t,
                         const aq_uncertainty_opts *opts, aq_uncertainty **out);
void aq_uncertainty_free(aq_uncertainty *u);

/* Per unit: id, rank (nominal), rank_median, rank_q05, rank_q95 (type-7
 * quantiles of the ranks over runs), class (nominal), class_stability
 * (share of runs giving the nominal class), p_<class> per class. */
int aq_uncertainty_units_table(aq_ctx *ctx, const aq_uncertainty *u, aq_table **out);
/* Summary rows (measure, factor, value): runs, unstable_share (units whose
 * class differs from the nominal one in more than 10 % of runs),
 * mean_abs_rank_shift, and with Sobol: S1 and ST of each factor for the
 * mean absolute rank shift. */
int aq_uncertainty_summary_table(aq_ctx *ctx, const aq_uncertainty *u, aq_table **out);
/* Share of units whose class changes in more than 10 % of runs. */
double aq_uncertainty_unstable_share(const aq_uncertainty *u);

/* The fast kernel behind weight-draw uncertainty: X holds n units x m
 * normalised indicators (row-major), W holds ndraws x m weights (row-major,
 * used as given). For each draw the score s_i = sum_j X[i,j] W[d,j]
 * (summed in j order, as BLAS does) is ranked (1 = highest, ties by row
 * order); q05, q50, q95 get per unit the type-7 quantiles of its ndraws
 * ranks. Arrays of n are the caller's. Uses the context's threads.
 * Memory: n x ndraws x 4 bytes. Returns AQ_OK, AQ_EUSAGE, AQ_ENOMEM. */
int aq_index_mc_ranks(aq_ctx *ctx, const double *x, size_t n, size_t m, const double *w,
                      size_t ndraws, double *q05, double *q50, double *q95);

/* ---------------------------------------------------------------------
 * Depressed territories: criteria and flags
 * ------------------------------------------------------------------- */

/* Evaluates a methodology of kind "depressed" on T: each criterion is a
 * condition over columns (and columns the methodology derives, such as a
 * ten-year change); a unit is flagged when the flag rule holds (by default
 * when at least `flag: {min_criteria: K}` criteria hold). The result has
 * columns id, flagged ("yes"/"no"), criteria_met (count), criteria (codes
 * that held, with the values they tested), reason. Returns AQ_OK,
 * AQ_ENOTFOUND, AQ_EINPUT, AQ_EUSAGE (a potential methodology). */
int aq_depressed_run(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq_table **out);

/* ---------------------------------------------------------------------
 * Map classes of one variable (PySAL mapclassify definitions)
 * ------------------------------------------------------------------- */
enum aq_breaks_method {
    AQ_BREAKS_FISHER_JENKS = 1, /* exact optimum of the within-class sum of
                                   squared deviations                     */
    AQ_BREAKS_QUANTILE,         /* quantiles by linear interpolation       */
    AQ_BREAKS_EQUAL,            /* equal intervals                         */
    AQ_BREAKS_STD_MEAN,         /* mean +- 1 and 2 standard deviations     */
    AQ_BREAKS_BOX,              /* box plot, hinge 1.5                     */
    AQ_BREAKS_HEAD_TAIL,        /* head/tail breaks at the mean            */
    AQ_BREAKS_KMEANS            /* k-means on the values                   */
};

/* Parses "fisher-jenks", "quantile", "equal", "std-mean", "box",
 * "head-tail", "kmeans". Returns AQ_OK or AQ_EUSAGE. */
int aq_breaks_parse(const char *name, enum aq_breaks_method *out);

/* Classes the N values X (NaN ignored) with METHOD and K classes (ignored
 * by std-mean, box and head-tail, which decide their own number). *breaks
 * gets the upper bound of each class (the last is the maximum), *counts
 * the number of values in each (value <= bound, above the previous bound);
 * both arrays are allocated (free with aq_free), *nclasses their length.
 * Returns AQ_OK, AQ_EUSAGE (k < 1, unknown method), AQ_EINPUT (no value),
 * AQ_ENOMEM. */
int aq_breaks(aq_ctx *ctx, const double *x, size_t n, enum aq_breaks_method method, int k,
              double **breaks, size_t **counts, size_t *nclasses);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_INDEX_H */
