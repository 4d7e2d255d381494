/*
 * index_int.h -- internals of the composite-index engine: the parsed
 * methodology (method.c), condition expressions (expr.c), the index
 * pipeline (index.c), class rules (classify.c) and the Monte Carlo
 * robustness analysis (robust.c). Public manual: include/aimaq_index.h.
 */
#ifndef AQ_INDEX_INT_H
#define AQ_INDEX_INT_H

#include "aimaq_index.h"
#include "aq_int.h"

#include <stdint.h>

/* ---- condition expressions (expr.c) ----
 * "pop == 0 and (wage < 0.8 * mean(wage) or not missing(x))": parsed once
 * into an array of nodes, bound to columns once, evaluated per unit. No
 * code is ever executed from the text. Values are numbers; booleans are
 * 1/0; NaN means "unknown" (a missing value was involved), and a condition
 * that is unknown does not match. */
typedef struct aq__expr aq__expr;

/* What a name in an expression refers to. Exactly one of num/txt is set,
 * or neither for a constant. */
typedef struct aq__xvar {
    const double *num;       /* n values per unit (NaN = missing)   */
    const char *const *txt;  /* n strings per unit (NULL = missing) */
    const aq_table *table;   /* alternatively: text column of a table */
    size_t col;
    double constant;
} aq__xvar;

/* Resolves NAME; returns 1 and fills *out when known, 0 when unknown. */
typedef int (*aq__xresolve)(void *user, const char *name, aq__xvar *out);

/* Parses TEXT. Errors (AQ_EINPUT) say the character position and what was
 * expected. */
int aq__expr_parse(aq_ctx *ctx, const char *text, aq__expr **out);
void aq__expr_free(aq__expr *e);
/* Resolves every name through RESOLVE and precomputes the whole-column
 * functions (mean, median, sum, min/max of one argument) over N units.
 * Unknown names and type mismatches (text compared with a number) are
 * AQ_ENOTFOUND / AQ_EINPUT naming the column. */
int aq__expr_bind(aq_ctx *ctx, aq__expr *e, aq__xresolve resolve, void *user, size_t n);
/* Evaluates a bound expression for unit ROW. */
double aq__expr_eval(const aq__expr *e, size_t row);
/* Does the condition hold (evaluates to a non-zero, non-NaN number)? */
int aq__expr_true(const aq__expr *e, size_t row);
/* Appends "name = value, ..." for every variable the expression uses. */
void aq__expr_explain(const aq__expr *e, size_t row, aq_buf *b);
/* The expression's text as written. */
const char *aq__expr_text(const aq__expr *e);
/* The distinct names the expression uses (borrowed). */
size_t aq__expr_nvars(const aq__expr *e);
const char *aq__expr_var(const aq__expr *e, size_t i);

/* ---- the methodology (method.c) ---- */
enum aq__norm {
    AQ_NORM_MINMAX = 1, AQ_NORM_ZSCORE, AQ_NORM_RANK, AQ_NORM_PCTRANK,
    AQ_NORM_GOALPOSTS, AQ_NORM_TARGET, AQ_NORM_REFERENCE, AQ_NORM_SCORING,
    AQ_NORM_NONE
};
enum aq__agg { AQ_AGG_ARITH = 1, AQ_AGG_GEOM, AQ_AGG_HARM, AQ_AGG_GENMEAN };
enum aq__impute {
    AQ_IMP_NONE = 1, AQ_IMP_MEAN, AQ_IMP_MEDIAN, AQ_IMP_GROUP_MEAN, AQ_IMP_GROUP_MEDIAN
};
enum aq__outlier { AQ_OUT_NONE = 1, AQ_OUT_WINSOR, AQ_OUT_LOG, AQ_OUT_BOXCOX, AQ_OUT_JRC };
enum aq__wmode { AQ_W_EXPLICIT = 1, AQ_W_EQUAL, AQ_W_PCA };

/* One band of a scoring table: values in [lo, hi) (or equal to the
 * category text) earn POINTS. */
typedef struct aq__band {
    double lo, hi;    /* -inf / +inf when open */
    char *category;   /* text category instead of a numeric band, or NULL */
    double points;
} aq__band;

typedef struct aq__mind {
    char *code;
    int direction;         /* +1 or -1 */
    double weight;         /* as declared (before normalisation) */
    double wlo, whi;       /* uncertainty range of the weight, NaN = none */
    char *pillar;          /* NULL when the method has no pillars */
    size_t pillar_idx;
    size_t line;
    double goal_lo, goal_hi; /* goalposts (NaN = not given) */
    double target;           /* distance-to-target (NaN = not given) */
    aq__band *bands;         /* scoring table, or NULL */
    size_t nbands;
    int assumption;          /* 1: weight/threshold is an assumption */
} aq__mind;

typedef struct aq__mpillar {
    char *code;
    double weight;
    double wlo, whi;
    size_t line;
} aq__mpillar;

typedef struct aq__mrule {
    char *name;
    size_t line;
    aq__expr *when;          /* or NULL */
    double min_score, max_score;        /* NaN = none */
    double min_lo, min_hi;              /* uncertainty range of min_score */
    double min_quantile, max_quantile;  /* of the score over units, NaN = none */
    int jenks_k, jenks_class;           /* natural-breaks class (1 = lowest), 0 = none */
} aq__mrule;

typedef struct aq__mderive {
    char *code;
    aq__expr *expr;
    size_t line;
} aq__mderive;

typedef struct aq__mcrit {
    char *code, *label;
    aq__expr *when;
    size_t line;
} aq__mcrit;

enum { AQ_METHOD_POTENTIAL = 1, AQ_METHOD_DEPRESSED = 2 };

/* One declared indicator or pillar as aq_method_restrict found it in the
 * data (method_restrict.c): what the file declared, what is used, and the
 * effective weights before and after leaving out what the data lacks. */
typedef struct aq__mweight {
    int is_pillar;
    char *code, *pillar;     /* pillar: the indicator's pillar, or NULL */
    size_t line;
    const char *status;      /* "used", "missing: not a column of the data",
                                "missing: no value in any unit",
                                "dropped: no indicator left" (static text) */
    double declared;         /* effective weight in the whole methodology */
    double effective;        /* effective weight in what is computed (0 when
                                left out) */
} aq__mweight;

/* Alternatives the Monte Carlo draws from (robust.c). */
typedef struct aq__munc {
    double weight_share;     /* weights within +-share of declared, NaN = off */
    double dirichlet;        /* concentration of a Dirichlet around the
                                declared weights, NaN = off */
    enum aq__norm norms[8];
    size_t nnorms;
    enum aq__agg aggs[4];
    size_t naggs;
    enum aq__impute imputes[5];
    size_t nimputes;
    int leave_one_out;
    size_t line;
} aq__munc;

struct aq_method {
    int kind;
    char *name, *version, *act, *path, *group_col;
    char *id_col, *pop_col;
    char hash[65];
    aq__mind *ind;
    size_t nind;
    aq__mpillar *pil;
    size_t npil;
    enum aq__norm norm;
    double range_lo, range_hi;
    char *reference;          /* reference unit id for AQ_NORM_REFERENCE */
    enum aq__agg agg_within, agg_between;
    double p_within, p_between; /* exponents of the generalised mean */
    enum aq__impute impute;
    double max_missing;       /* share of indicators a unit may miss */
    enum aq__outlier outliers;
    double skew_max, kurt_max; /* JRC rule: |skew| > 2 and kurtosis > 3.5 */
    int winsor_max;           /* most points winsorised per indicator (5) */
    enum aq__wmode wmode;
    aq__mrule *rules;
    size_t nrules;
    aq__mderive *derive;
    size_t nderive;
    aq__mcrit *crit;
    size_t ncrit;
    aq__expr *flag_when;      /* depressed: flag rule, or NULL */
    long flag_min;            /* depressed: at least this many criteria */
    size_t flag_line;
    aq__munc unc;
    /* support (опорные) and satellite settlements: which units support
     * (a condition, may use `class`), the distance limit, coordinates */
    aq__expr *support_when;
    double support_max_km;    /* straight-line limit, NaN = none */
    double support_max_min;   /* travel-time limit, NaN = none */
    char *support_x, *support_y;
    int support_planar;       /* 1: x/y in km on a plane; 0: degrees */
    size_t support_line;
    /* set by aq_method_restrict: declared indicators and pillars with
     * their status and weights (NULL when never restricted) */
    aq__mweight *wrep;
    size_t nwrep, nmissing, ndropped_pil, nind_declared;
};

/* AQ_OK when every indicator of M is a column of T (or derived); else
 * AQ_ENOTFOUND listing all that are not, each with its line. */
int aq__method_columns_present(aq_ctx *ctx, const aq_method *m, const aq_table *t);
/* Frees what aq_method_restrict recorded (method_restrict.c). */
void aq__method_wrep_free(aq_method *m);

/* ---- the pipeline (index.c) ---- */

/* The choices of one computation: the declared ones, or one Monte Carlo
 * draw. */
typedef struct aq__choice {
    enum aq__norm norm;
    enum aq__agg agg_within, agg_between;
    enum aq__impute impute;
    const double *indw;     /* nind weights (declared if NULL) */
    const double *pilw;     /* npil weights (declared if NULL) */
    long drop;              /* indicator left out, -1 = none */
    const double *min_score; /* nrules thresholds (declared if NULL) */
} aq__choice;

void aq__choice_nominal(const aq_method *m, aq__choice *c);

/* Data bound to a method: indicator columns copied (imputation and
 * outlier treatment change them), derived columns computed. */
typedef struct aq__bound {
    size_t n, m;              /* units, indicators */
    const aq_table *t;
    long id_col, pop_col;
    double **raw;             /* m columns of n values (points for scoring) */
    double **derived;         /* nderived columns of n values */
    size_t nderived;
    size_t *group;            /* group number per unit, or NULL */
    size_t ngroups;
    size_t ref_row;           /* row of the reference unit, or SIZE_MAX */
    unsigned char *excluded;  /* per unit: too much missing data */
    size_t nexcluded;
    double **prep[AQ_IMP_GROUP_MEDIAN + 1]; /* per imputation: imputed and
                                             treated columns, or NULL */
} aq__bound;

int aq__bind(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq__bound *b);
void aq__bound_clear(aq__bound *b);
/* Imputes and treats outliers once for imputation HOW, so repeated runs
 * (the Monte Carlo) reuse the columns instead of recomputing them. */
int aq__bound_prepare(aq_ctx *ctx, const aq_method *m, aq__bound *b, enum aq__impute how);

/* Runs the pipeline under choice C: norm gets m columns of n normalised
 * values (NaN for excluded units and missing values), pillar gets npil
 * columns, score n values. Buffers are the caller's. */
int aq__index_run(aq_ctx *ctx, const aq_method *m, const aq__bound *b, const aq__choice *c,
                  double **norm, double **pillar, double *score);

/* Effective weight of each indicator in the index (pillar weight x weight
 * within the pillar, both normalised), for choice C. */
void aq__effective_weights(const aq_method *m, const aq__choice *c, double *eff);

/* Ranks SCORE (NaN last, 1 = highest, ties by row order) into rank[n]. */
void aq__rank_desc(const double *score, size_t n, uint32_t *rank, uint64_t *tmp_keys,
                   uint32_t *tmp_idx);

/* Type-7 quantiles 5, 50 and 95 % of the D ranks v (reordered) into q[3]
 * (robust_rank.c). */
void aq__rank_quantiles(uint32_t *v, size_t d, double *q);

/* ---- classes (classify.c) ---- */
/* What rule conditions can name: table columns, derived columns, and the
 * computed score, rank, pillar.<code> and norm.<code>. */
typedef struct aq__scope {
    const aq_method *m;
    const aq__bound *b;
    const double *score, *rank;
    double *const *pillar;
    double *const *norm;
} aq__scope;
int aq__scope_resolve(void *user, const char *name, aq__xvar *out);

/* Class rules prepared for one computation: conditions parsed and bound
 * to SCOPE, quantile and natural-break thresholds computed from SCORE. */
typedef struct aq__rules aq__rules;
int aq__rules_prepare(aq_ctx *ctx, const aq_method *m, const aq__scope *scope,
                      const aq__choice *c, aq__rules **out);
/* Index of the first rule unit ROW satisfies, or -1. */
long aq__rules_match(const aq__rules *r, size_t row);
/* Appends why unit ROW matched rule K (the tests and the values). */
void aq__rules_explain(const aq__rules *r, size_t k, size_t row, aq_buf *b);
void aq__rules_free(aq__rules *r);

/* Fisher-Jenks upper bounds of K classes of the sorted values X[n] into
 * bounds[k] (classify_breaks.c). */
int aq__jenks_sorted(aq_ctx *ctx, const double *x, size_t n, int k, double *bounds);

/* ---- numeric helpers (index.c) ---- */
double aq__quantile7(double *sorted, size_t n, double p);
/* Moment skewness m3/m2^1.5 and excess kurtosis m4/m2^2 - 3 of v[k]. */
void aq__moments(const double *v, size_t k, double *skew, double *kurt);
int aq__cmp_double(const void *a, const void *b);

#endif
