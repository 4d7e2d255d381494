/*
 * aimaq_regress.h -- regression with spatial diagnostics and spatial
 * regression models: OLS with the LM tests, maximum-likelihood spatial lag
 * (SAR) and spatial error (SEM) models with the exact log-determinant, the
 * impacts of the lag model, and spatial two-stage least squares (GM lag).
 *
 * The conventions of aimaq.h hold: fallible calls take an aq_ctx and return
 * AQ_OK or an AQ_E* code with the message on the context; a failed call
 * leaves its out-parameters alone.
 *
 * Data are plain arrays. Y holds n values; X holds the P explanatory
 * variables COLUMN-MAJOR: x[j * n + i] is variable j of unit i. The constant
 * is added by the library as the first coefficient ("intercept"), so X must
 * not contain one. Weights come from aimaq_spatial.h and are used in their
 * current style (callers usually set row-standardised, AQ_WSTYLE_W, as PySAL
 * spreg and R spatialreg do).
 *
 * Definitions follow PySAL spreg (Anselin 1988; Anselin et al. 1996;
 * Kelejian and Prucha 1998; LeSage and Pace 2009); docs/regression.md gives
 * the formulas and the settings of spreg and spatialreg that reproduce them.
 */
#ifndef AIMAQ_REGRESS_H
#define AIMAQ_REGRESS_H

#include "aimaq.h"
#include "aimaq_spatial.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum aq_reg_model {
    AQ_REG_OLS = 0,  /* y = X b + e                                      */
    AQ_REG_LAG = 1,  /* y = rho W y + X b + e          (SAR, spreg ML_Lag) */
    AQ_REG_ERROR = 2 /* y = X b + u, u = lambda W u + e (SEM, spreg ML_Error) */
};

enum aq_reg_method {
    AQ_REG_ML = 0, /* maximum likelihood (OLS: least squares)              */
    AQ_REG_GM = 1  /* lag: spatial 2SLS with instruments X, WX, W^2X
                      (spreg GM_Lag, w_lags = 2)                          */
};

/* A test statistic with its p value and degrees of freedom (0 for normal
 * z tests). */
typedef struct aq_reg_stat {
    double statistic, p, df;
} aq_reg_stat;

typedef struct aq_reg_result {
    int model, method;      /* enum aq_reg_model, enum aq_reg_method      */
    size_t n;               /* units                                      */
    size_t k;               /* parameters counted as spreg counts them:
                               the coefficients plus rho for the lag model
                               (lambda is not counted for the error model) */
    size_t ncoef;           /* 1 + P: intercept, then the X columns       */
    double *coef, *se;      /* ncoef each                                 */
    double *stat, *p;       /* t (OLS, df n - k) or z (the others), two-sided p */
    double rho, rho_se, rho_z, rho_p;             /* lag; NaN otherwise    */
    double lambda, lambda_se, lambda_z, lambda_p; /* error; NaN otherwise  */
    double sigma2;          /* OLS: e'e / (n - k); ML and GM: e'e / n    */
    double log_likelihood;  /* NaN for GM                                 */
    double aic, schwarz;    /* -2 logL + 2 k, -2 logL + k ln n (NaN for GM) */
    double r2, adj_r2;      /* OLS R^2 and adjusted R^2; for the spatial
                               models r2 is spreg's pseudo R^2, the squared
                               correlation of y and the prediction, and
                               adj_r2 is NaN                               */
    aq_reg_stat f;          /* OLS F test of all slopes                    */
    aq_reg_stat lr;         /* ML: likelihood ratio against OLS, df 1      */
    /* OLS diagnostics (NaN for the other models; the spatial ones need W) */
    double condition_number;            /* spreg condition_index          */
    aq_reg_stat jarque_bera;            /* df 2                            */
    aq_reg_stat breusch_pagan, koenker; /* df P (against the X columns)    */
    double moran_I, moran_EI, moran_VI; /* Moran's I of the residuals      */
    aq_reg_stat moran;                  /* z = (I - EI) / sqrt(VI), normal  */
    aq_reg_stat lm_error, lm_lag, rlm_error, rlm_lag; /* df 1              */
    aq_reg_stat lm_sarma;                             /* df 2              */
    /* Lag model impacts (LeSage and Pace 2009), P values each (no
     * intercept), NULL for the other models: direct = b (1/n) tr S,
     * total = b (1/n) 1'S1, indirect = total - direct, S = (I - rho W)^-1. */
    double *direct, *indirect, *total;
    double *resid;          /* n residuals: y minus the prediction (lag:
                               X b + rho W y; error: X b + lambda W u)     */
    double logdet_min, logdet_max; /* the range of rho/lambda searched     */
    int logdet;             /* ML: AQ_LOGDET_EIGEN or AQ_LOGDET_SPARSE used */
    int logdet_se;          /* ML: 0 = standard errors from the analytical
                               information matrix, 1 = from the observed
                               information (sparse path above
                               AQ_REG_TRACE_MAX units)                     */
} aq_reg_result;

/* How the ML models compute ln|I - rho W|. */
enum aq_reg_logdet {
    AQ_LOGDET_AUTO = 0,   /* sparse when the weights allow it (it is faster
                             at any size and gives the same numbers), else
                             eigen                                         */
    AQ_LOGDET_EIGEN = 1,  /* exact, from the eigenvalues of W (dense)      */
    AQ_LOGDET_SPARSE = 2  /* exact, sparse Cholesky of I - rho S (CHOLMOD)  */
};
/* GM impacts: eigenvalues up to this many units, the sparse path above. */
#define AQ_REG_EIGEN_AUTO 1000
/* Up to this many units the sparse path computes the traces of the
 * information matrix exactly (n solves); above, the observed information. */
#define AQ_REG_TRACE_MAX 5000

typedef struct aq_reg_opts {
    int logdet; /* enum aq_reg_logdet */
} aq_reg_opts;

/* Fits MODEL by METHOD. W may be NULL for OLS (then the spatial diagnostics
 * are NaN); the other models need it, with n units, and no unit without
 * neighbours. A missing or infinite value is AQ_EINPUT naming the variable
 * (1-based column, or y) and unit; perfectly collinear columns or n <= k are
 * AQ_EINPUT. OPTS may be NULL (defaults).
 *
 * The ML models maximise the concentrated log-likelihood with an exact
 * log-determinant:
 *  - eigen: ln|I - rho W| = sum ln(1 - rho ev) over the eigenvalues of W (of
 *    the symmetric matrix similar to W when W is row-standardised from
 *    symmetric weights, else the general eigenvalues), rho searched on
 *    (1/ev_min, 1/ev_max); standard errors from the analytical information
 *    matrix with dense n x n matrices (spreg ML_Lag/ML_Error method FULL,
 *    spatialreg method "eigen"). At most AQ_REG_DENSE_MAX units.
 *  - sparse: CHOLMOD's Cholesky factor of I - rho S (S symmetric, similar to
 *    W; the weights must be row-standardised and made from symmetric ones),
 *    rho searched on (-1, 1); standard errors from the same analytical
 *    information matrix, its traces computed exactly with the factor, up to
 *    AQ_REG_TRACE_MAX units; above, from the observed information (the
 *    Hessian of the log-likelihood, its log-determinant part by finite
 *    differences). Any n. */
#define AQ_REG_DENSE_MAX 6000
int aq_regress(aq_ctx *ctx, int model, int method, const double *y, const double *x,
               size_t n, size_t p, const aq_weights *w, const aq_reg_opts *opts,
               aq_reg_result **out);

/* A plain-language reading of an OLS result's diagnostics: which model the
 * LM tests point to (Anselin's decision rule, at LEVEL, e.g. 0.05). Static
 * text. */
const char *aq_regress_reading(const aq_reg_result *r, double level);

void aq_reg_result_free(aq_reg_result *r);

#ifdef __cplusplus
}
#endif

#endif
