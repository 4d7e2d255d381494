/*
 * regress.c -- OLS with spatial diagnostics, ML lag and error models with
 * the exact eigenvalue log-determinant, lag impacts, and spatial 2SLS.
 *
 * Formulas follow PySAL spreg (ols.py, diagnostics.py, diagnostics_sp.py,
 * ml_lag.py, ml_error.py, twosls_sp.py) so that its test values are
 * reproduced; docs/regression.md writes them out. The small k x k systems
 * are solved by our own Cholesky (so that a collinear design is an error
 * message, not GSL's abort); GSL gives the eigenvalues and the dense LU.
 */
#include "aimaq_regress.h"
#include "aq_int.h"
#include "regress_int.h"
#include "spatial_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <string.h>

/* ---- small dense helpers ------------------------------------------- */

/* Inverts the symmetric positive definite K x K matrix A (row-major) in
 * place; returns -1 when it is not positive definite (collinear columns). */
static int spd_inverse(double *a, size_t k)
{
    double *l = aq__calloc(k * k, sizeof *l), *inv = aq__calloc(k * k, sizeof *inv);
    if (!l || !inv) {
        aq__free(l);
        aq__free(inv);
        return -2;
    }
    double maxd = 0;
    for (size_t i = 0; i < k; i++)
        maxd = fmax(maxd, fabs(a[i * k + i]));
    int rc = 0;
    for (size_t j = 0; j < k && !rc; j++) {
        double s = a[j * k + j];
        for (size_t q = 0; q < j; q++)
            s -= l[j * k + q] * l[j * k + q];
        /* a pivot lost to rounding relative to the diagonal means the
         * columns are (numerically) linearly dependent */
        if (!(s > 1e-12 * a[j * k + j]) || !(s > 1e-300 * maxd)) {
            rc = -1;
            break;
        }
        l[j * k + j] = sqrt(s);
        for (size_t i = j + 1; i < k; i++) {
            double t = a[i * k + j];
            for (size_t q = 0; q < j; q++)
                t -= l[i * k + q] * l[j * k + q];
            l[i * k + j] = t / l[j * k + j];
        }
    }
    if (!rc) {
        /* inverse of L column by column, then (L^-1)' L^-1 */
        for (size_t c = 0; c < k; c++) {
            for (size_t i = c; i < k; i++) {
                double s = i == c ? 1 : 0;
                for (size_t q = c; q < i; q++)
                    s -= l[i * k + q] * inv[q * k + c];
                inv[i * k + c] = s / l[i * k + i];
            }
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j <= i; j++) {
                double s = 0;
                for (size_t q = i; q < k; q++)
                    s += inv[q * k + i] * inv[q * k + j];
                a[i * k + j] = a[j * k + i] = s;
            }
    }
    aq__free(l);
    aq__free(inv);
    return rc;
}

/* Inverts a general K x K matrix (row-major) in place by Gauss-Jordan with
 * partial pivoting; -1 if singular. Only for the small information
 * matrices, which are symmetric but whose scaling varies widely. */
static int gen_inverse(double *a, size_t k)
{
    double *b = aq__calloc(k * k, sizeof *b);
    if (!b)
        return -2;
    for (size_t i = 0; i < k; i++)
        b[i * k + i] = 1;
    for (size_t c = 0; c < k; c++) {
        size_t piv = c;
        for (size_t i = c + 1; i < k; i++)
            if (fabs(a[i * k + c]) > fabs(a[piv * k + c]))
                piv = i;
        if (a[piv * k + c] == 0) {
            aq__free(b);
            return -1;
        }
        if (piv != c)
            for (size_t j = 0; j < k; j++) {
                double t = a[c * k + j];
                a[c * k + j] = a[piv * k + j];
                a[piv * k + j] = t;
                t = b[c * k + j];
                b[c * k + j] = b[piv * k + j];
                b[piv * k + j] = t;
            }
        double d = a[c * k + c];
        for (size_t j = 0; j < k; j++) {
            a[c * k + j] /= d;
            b[c * k + j] /= d;
        }
        for (size_t i = 0; i < k; i++) {
            if (i == c || a[i * k + c] == 0)
                continue;
            double f = a[i * k + c];
            for (size_t j = 0; j < k; j++) {
                a[i * k + j] -= f * a[c * k + j];
                b[i * k + j] -= f * b[c * k + j];
            }
        }
    }
    memcpy(a, b, k * k * sizeof *a);
    aq__free(b);
    return 0;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

/* X'X (K x K, row-major) of the column-major N x K matrix X. */
static void crossprod(const double *x, size_t n, size_t k, double *out)
{
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b <= a; b++)
            out[a * k + b] = out[b * k + a] = dot(x + a * n, x + b * n, n);
}

/* out (K) = X' v */
static void xt_vec(const double *x, size_t n, size_t k, const double *v, double *out)
{
    for (size_t a = 0; a < k; a++)
        out[a] = dot(x + a * n, v, n);
}

/* out (K) = M v for the K x K row-major M */
static void mat_vec(const double *m, size_t k, const double *v, double *out)
{
    for (size_t a = 0; a < k; a++)
        out[a] = dot(m + a * k, v, k);
}

/* out (N) = X b */
static void x_vec(const double *x, size_t n, size_t k, const double *b, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = 0;
    for (size_t a = 0; a < k; a++)
        for (size_t i = 0; i < n; i++)
            out[i] += x[a * n + i] * b[a];
}

static double p_norm2(double z) { return 2 * gsl_cdf_ugaussian_Q(fabs(z)); }

/* The lag model's impacts of each of the K - 1 regressors (not the
 * constant): direct = b * tr(S)/n, total = b * sum(S)/n with S = (I - rho
 * W)^-1 (LeSage and Pace 2009); DIRECT and TOTAL are those two means. */
static void lag_impacts(aq_reg_result *r, size_t k, double direct, double total)
{
    for (size_t c = 1; c < k; c++) {
        r->direct[c] = r->coef[c] * direct;
        r->total[c] = r->coef[c] * total;
        r->indirect[c] = r->total[c] - r->direct[c];
    }
    r->direct[0] = r->total[0] = r->indirect[0] = NAN;
}

/* The lag model's standard errors, z and p of the K coefficients and of
 * RHO, from the inverted information matrix INFO (M x M, row-major, the
 * coefficients first, then rho). */
static void lag_errors(aq_reg_result *r, const double *info, size_t k, size_t m, double rho)
{
    for (size_t i = 0; i < k; i++) {
        r->se[i] = sqrt(info[i * m + i]);
        r->stat[i] = r->coef[i] / r->se[i];
        r->p[i] = p_norm2(r->stat[i]);
    }
    r->rho_se = sqrt(info[k * m + k]);
    r->rho_z = rho / r->rho_se;
    r->rho_p = p_norm2(r->rho_z);
}
static aq_reg_stat chi2_stat(double s, double df)
{
    return (aq_reg_stat){s, gsl_cdf_chisq_Q(s, df), df};
}

/* ---- the result ---------------------------------------------------- */

void aq_reg_result_free(aq_reg_result *r)
{
    if (!r)
        return;
    aq__free(r->coef);
    aq__free(r->se);
    aq__free(r->stat);
    aq__free(r->p);
    aq__free(r->direct);
    aq__free(r->indirect);
    aq__free(r->total);
    aq__free(r->resid);
    aq__free(r);
}

static aq_reg_result *result_new(size_t n, size_t ncoef, int with_impacts)
{
    aq_reg_result *r = aq__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->coef = aq__calloc(ncoef, sizeof(double));
    r->se = aq__calloc(ncoef, sizeof(double));
    r->stat = aq__calloc(ncoef, sizeof(double));
    r->p = aq__calloc(ncoef, sizeof(double));
    r->resid = aq__calloc(n, sizeof(double));
    int ok = r->coef && r->se && r->stat && r->p && r->resid;
    if (with_impacts) {
        r->direct = aq__calloc(ncoef, sizeof(double));
        r->indirect = aq__calloc(ncoef, sizeof(double));
        r->total = aq__calloc(ncoef, sizeof(double));
        ok = ok && r->direct && r->indirect && r->total;
    }
    if (!ok) {
        aq_reg_result_free(r);
        return NULL;
    }
    double nan = NAN;
    r->rho = r->rho_se = r->rho_z = r->rho_p = nan;
    r->lambda = r->lambda_se = r->lambda_z = r->lambda_p = nan;
    r->log_likelihood = r->aic = r->schwarz = r->r2 = r->adj_r2 = nan;
    r->f = r->lr = (aq_reg_stat){nan, nan, nan};
    r->condition_number = nan;
    r->jarque_bera = r->breusch_pagan = r->koenker = r->f;
    r->moran_I = r->moran_EI = r->moran_VI = nan;
    r->moran = r->lm_error = r->lm_lag = r->rlm_error = r->rlm_lag = r->lm_sarma = r->f;
    r->logdet_min = r->logdet_max = nan;
    r->n = n;
    r->ncoef = ncoef;
    return r;
}

/* ---- least squares ----------------------------------------------------- */

/* b = (X'X)^-1 X'y with XTXI the inverse (K x K), both out. */
static int ls_fit(aq_ctx *ctx, const double *x, size_t n, size_t k, const double *y,
                  double *xtxi, double *b)
{
    crossprod(x, n, k, xtxi);
    int rc = spd_inverse(xtxi, k);
    if (rc == -2)
        return aq__oom(ctx);
    if (rc)
        return aq__err(ctx, AQ_EINPUT,
                       "the explanatory variables are perfectly collinear (or one is "
                       "constant): X'X is singular");
    double *xty = aq__xmalloc(ctx, k * sizeof *xty);
    if (!xty)
        return AQ_ENOMEM;
    xt_vec(x, n, k, y, xty);
    mat_vec(xtxi, k, xty, b);
    aq__free(xty);
    return AQ_OK;
}

/* Condition index of spreg (diagnostics.condition_index): the square root
 * of the ratio of the largest to the smallest eigenvalue of X'X scaled to
 * unit diagonal. */
static double condition_index(const double *xtx, size_t k)
{
    gsl_matrix *m = gsl_matrix_alloc(k, k);
    gsl_vector *ev = gsl_vector_alloc(k);
    gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(k);
    double ci = NAN;
    if (m && ev && ws) {
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                gsl_matrix_set(m, i, j,
                               xtx[i * k + j] / sqrt(xtx[i * k + i] * xtx[j * k + j]));
        gsl_eigen_symm(m, ev, ws);
        double mn = INFINITY, mx = -INFINITY;
        for (size_t i = 0; i < k; i++) {
            mn = fmin(mn, gsl_vector_get(ev, i));
            mx = fmax(mx, gsl_vector_get(ev, i));
        }
        ci = sqrt(mx / mn);
    }
    gsl_eigen_symm_free(ws);
    gsl_vector_free(ev);
    gsl_matrix_free(m);
    return ci;
}

/* g' X (X'X)^-1 X' g: the explained sum of squares of g regressed on X. */
static double explained(const double *x, size_t n, size_t k, const double *xtxi,
                        const double *g, double *tmp)
{
    double *t2 = tmp + k;
    xt_vec(x, n, k, g, tmp);
    mat_vec(xtxi, k, tmp, t2);
    return dot(tmp, t2, k);
}

/* ---- spatial pieces ----------------------------------------------------- */

/* Eigenvalues of W: real parts into RE, imaginary into IM (n each). When W
 * is symmetric, or row-standardised from symmetric original weights (then
 * W = D^-1 C is similar to D^-1/2 C D^-1/2), the symmetric solver gives
 * real eigenvalues accurately; otherwise the general one. */
static int w_eigen(aq_ctx *ctx, const aq_weights *w, double *re, double *im)
{
    size_t n = w->n;
    int sym_styled = 1, sym0 = 1;
    for (size_t i = 0; i < n && (sym_styled || sym0); i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            size_t j = w->nbr[e];
            size_t f = w->off[j], l = w->off[j + 1];
            while (f < l && w->nbr[f] != i)
                f++;
            if (f == l) {
                sym_styled = sym0 = 0;
                break;
            }
            if (w->w[f] != w->w[e])
                sym_styled = 0;
            if (w->w0[f] != w->w0[e])
                sym0 = 0;
        }
    int symmetric = sym_styled || (sym0 && w->style == AQ_WSTYLE_W);
    gsl_matrix *m = gsl_matrix_calloc(n, n);
    if (!m)
        return aq__oom(ctx);
    if (sym_styled || !symmetric) {
        for (size_t i = 0; i < n; i++)
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                gsl_matrix_set(m, i, w->nbr[e], w->w[e]);
    } else {
        double *d = aq__xcalloc(ctx, n, sizeof *d);
        if (!d) {
            gsl_matrix_free(m);
            return AQ_ENOMEM;
        }
        for (size_t i = 0; i < n; i++)
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                d[i] += w->w0[e];
        for (size_t i = 0; i < n; i++)
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                gsl_matrix_set(m, i, w->nbr[e], w->w0[e] / sqrt(d[i] * d[w->nbr[e]]));
        aq__free(d);
    }
    int rc = AQ_OK;
    if (symmetric) {
        gsl_vector *ev = gsl_vector_alloc(n);
        gsl_eigen_symm_workspace *ws = gsl_eigen_symm_alloc(n);
        if (ev && ws) {
            gsl_eigen_symm(m, ev, ws);
            for (size_t i = 0; i < n; i++) {
                re[i] = gsl_vector_get(ev, i);
                im[i] = 0;
            }
        } else {
            rc = aq__oom(ctx);
        }
        gsl_eigen_symm_free(ws);
        gsl_vector_free(ev);
    } else {
        gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
        gsl_eigen_nonsymm_workspace *ws = gsl_eigen_nonsymm_alloc(n);
        if (ev && ws) {
            if (gsl_eigen_nonsymm(m, ev, ws) != 0) {
                rc = aq__err(ctx, AQ_EINTERNAL, "the eigenvalues of W did not converge");
            } else {
                for (size_t i = 0; i < n; i++) {
                    re[i] = GSL_REAL(gsl_vector_complex_get(ev, i));
                    im[i] = GSL_IMAG(gsl_vector_complex_get(ev, i));
                }
            }
        } else {
            rc = aq__oom(ctx);
        }
        gsl_eigen_nonsymm_free(ws);
        gsl_vector_complex_free(ev);
    }
    gsl_matrix_free(m);
    return rc;
}

/* ln|I - r W| = sum ln|1 - r ev| */
static double logdet(const double *re, const double *im, size_t n, double r)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double a = 1 - r * re[i], b = r * im[i];
        s += im[i] == 0 ? log(fabs(a)) : 0.5 * log(a * a + b * b);
    }
    return s;
}

/* The search interval of rho/lambda: (1/ev_min, 1/ev_max) for real
 * eigenvalues (spatialreg's interval), (-1, 1) otherwise, pulled in a
 * little so that the log-determinant stays finite. */
static void search_interval(const double *re, const double *im, size_t n, double *lo,
                            double *hi)
{
    double mn = INFINITY, mx = -INFINITY;
    int complex = 0;
    for (size_t i = 0; i < n; i++) {
        mn = fmin(mn, re[i]);
        mx = fmax(mx, re[i]);
        if (im[i] != 0)
            complex = 1;
    }
    if (complex || !(mn < 0) || !(mx > 0)) {
        *lo = -1;
        *hi = 1;
    } else {
        *lo = 1 / mn;
        *hi = 1 / mx;
    }
    double eps = 1e-9 * (*hi - *lo);
    *lo += eps;
    *hi -= eps;
}

/* Brent's minimisation of F on [A, B] (Brent 1973, "Algorithms for
 * Minimization without Derivatives", ch. 5), to tolerance TOL. */
typedef double (*min_fn)(double x, void *user);
static double brent_min(min_fn f, void *user, double a, double b, double tol)
{
    const double c = 0.3819660112501051; /* (3 - sqrt 5) / 2 */
    double x = a + c * (b - a), w = x, v = x;
    double fx = f(x, user), fw = fx, fv = fx;
    double d = 0, e = 0;
    for (int it = 0; it < 500; it++) {
        double m = 0.5 * (a + b);
        double tol1 = tol * fabs(x) + 1e-12, tol2 = 2 * tol1;
        if (fabs(x - m) <= tol2 - 0.5 * (b - a))
            break;
        int golden = 1;
        if (fabs(e) > tol1) {
            double r = (x - w) * (fx - fv), q = (x - v) * (fx - fw);
            double p = (x - v) * q - (x - w) * r;
            q = 2 * (q - r);
            if (q > 0)
                p = -p;
            else
                q = -q;
            double etemp = e;
            e = d;
            if (fabs(p) < fabs(0.5 * q * etemp) && p > q * (a - x) && p < q * (b - x)) {
                d = p / q;
                double u = x + d;
                if (u - a < tol2 || b - u < tol2)
                    d = x < m ? tol1 : -tol1;
                golden = 0;
            }
        }
        if (golden) {
            e = (x < m ? b : a) - x;
            d = c * e;
        }
        double u = fabs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
        double fu = f(u, user);
        if (fu <= fx) {
            if (u < x)
                b = x;
            else
                a = x;
            v = w;
            fv = fw;
            w = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || w == x) {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == w) {
                v = u;
                fv = fu;
            }
        }
    }
    return x;
}

/* (I - r W)^-1, dense row-major, into INV (n x n). */
static int dense_inverse(aq_ctx *ctx, const aq_weights *w, double r, double *inv)
{
    size_t n = w->n;
    gsl_matrix *a = gsl_matrix_calloc(n, n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    if (!a || !perm) {
        gsl_matrix_free(a);
        gsl_permutation_free(perm);
        return aq__oom(ctx);
    }
    for (size_t i = 0; i < n; i++) {
        gsl_matrix_set(a, i, i, 1);
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
            gsl_matrix_set(a, i, w->nbr[e], gsl_matrix_get(a, i, w->nbr[e]) - r * w->w[e]);
    }
    int sgn;
    gsl_linalg_LU_decomp(a, perm, &sgn);
    gsl_matrix_view iv = gsl_matrix_view_array(inv, n, n);
    /* singular only at r = 1/ev, which the search interval excludes */
    gsl_linalg_LU_invert(a, perm, &iv.matrix);
    gsl_matrix_free(a);
    gsl_permutation_free(perm);
    return AQ_OK;
}

/* A = W S (S = (I - r W)^-1), and tr A, tr A^2, tr A'A. A is written over
 * WORK (n x n). */
static void a_traces(const aq_weights *w, const double *s, double *a, double *tr1,
                     double *tr2, double *tr3)
{
    size_t n = w->n;
    memset(a, 0, n * n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            const double *row = s + (size_t)w->nbr[e] * n;
            double wt = w->w[e];
            double *dst = a + i * n;
            for (size_t j = 0; j < n; j++)
                dst[j] += wt * row[j];
        }
    double t1 = 0, t2 = 0, t3 = 0;
    for (size_t i = 0; i < n; i++) {
        t1 += a[i * n + i];
        for (size_t j = 0; j < n; j++) {
            t2 += a[i * n + j] * a[j * n + i];
            t3 += a[i * n + j] * a[i * n + j];
        }
    }
    *tr1 = t1;
    *tr2 = t2;
    *tr3 = t3;
}

/* ---- the models --------------------------------------------------------- */

typedef struct fit {
    size_t n, k;  /* units, columns of X (with the constant) */
    const double *y;
    double *x;    /* n x k column-major, constant first */
    const aq_weights *w;
    double *re, *im; /* eigenvalues of W (eigen path)     */
    aq__ldet *sp;    /* sparse log-determinant, or NULL  */
    /* lag: e0 = y - X b0, e1 = Wy - X b1; error: work arrays */
    double *e0, *e1, *wy, *wx, *ys, *xs, *xtxi, *b, *b2, *tmp;
} fit;

static double fit_logdet(fit *f, double r)
{
    return f->sp ? aq__ldet_eval(f->sp, r) : logdet(f->re, f->im, f->n, r);
}

/* The first and second derivatives of ln|I - rW| (-tr A and -tr A^2, A =
 * W (I - rW)^-1) by five-point central differences of the sparse
 * log-determinant: truncation O(h^4), rounding about 1e-16 |ln| / h^2. */
static void ld_derivs(fit *f, double r, double *d1, double *d2)
{
    double h = fmin(1e-3, (1 - fabs(r)) / 4);
    double fm2 = fit_logdet(f, r - 2 * h), fm1 = fit_logdet(f, r - h), f0 = fit_logdet(f, r);
    double fp1 = fit_logdet(f, r + h), fp2 = fit_logdet(f, r + 2 * h);
    *d1 = (fm2 - 8 * fm1 + 8 * fp1 - fp2) / (12 * h);
    *d2 = (-fm2 + 16 * fm1 - 30 * f0 + 16 * fp1 - fp2) / (12 * h * h);
}

/* The search interval and, for the eigen path, the eigenvalues. */
static int prepare_logdet(aq_ctx *ctx, fit *f, aq_reg_result *r, double *lo, double *hi)
{
    if (f->sp) {
        /* row-standardised: eigenvalues in [-1, 1] (aq__ldet_new checks) */
        *lo = -1 + 1e-9;
        *hi = 1 - 1e-9;
        r->logdet = AQ_LOGDET_SPARSE;
    } else {
        int rc = w_eigen(ctx, f->w, f->re, f->im);
        if (rc)
            return rc;
        search_interval(f->re, f->im, f->n, lo, hi);
        r->logdet = AQ_LOGDET_EIGEN;
    }
    r->logdet_min = *lo;
    r->logdet_max = *hi;
    return AQ_OK;
}

/* 1'(I - rW)^-1 1 by the Neumann series sum_j (rW)^j 1, which converges for
 * |r| < 1 and row sums of |W| at most 1 (row-standardised). */
static double neumann_total(fit *f, double rho)
{
    size_t n = f->n;
    double *v = f->ys, *t = f->wy, sum = (double)n, term = (double)n;
    for (size_t i = 0; i < n; i++)
        v[i] = 1;
    for (int it = 0; it < 100000 && fabs(term) > 1e-15 * fabs(sum); it++) {
        aq_weights_lag(f->w, v, t);
        term = 0;
        for (size_t i = 0; i < n; i++) {
            v[i] = rho * t[i];
            term += v[i];
        }
        sum += term;
    }
    return sum;
}

static double lag_negll(double r, void *user)
{
    fit *f = user;
    double s = 0;
    for (size_t i = 0; i < f->n; i++) {
        double e = f->e0[i] - r * f->e1[i];
        s += e * e;
    }
    double ld = fit_logdet(f, r);
    return isnan(ld) ? INFINITY : 0.5 * (double)f->n * log(s / (double)f->n) - ld;
}

/* The error model's filtered regression at lambda: b, residuals of the
 * filtered model into f->e0, and returns e'e. */
static double error_fit_at(fit *f, double l)
{
    size_t n = f->n, k = f->k;
    for (size_t i = 0; i < n; i++)
        f->ys[i] = f->y[i] - l * f->wy[i];
    for (size_t i = 0; i < n * k; i++)
        f->xs[i] = f->x[i] - l * f->wx[i];
    crossprod(f->xs, n, k, f->xtxi);
    if (spd_inverse(f->xtxi, k))
        return NAN;
    xt_vec(f->xs, n, k, f->ys, f->tmp);
    mat_vec(f->xtxi, k, f->tmp, f->b);
    x_vec(f->xs, n, k, f->b, f->e0);
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        f->e0[i] = f->ys[i] - f->e0[i];
        s += f->e0[i] * f->e0[i];
    }
    return s;
}

static double error_negll(double l, void *user)
{
    fit *f = user;
    double s = error_fit_at(f, l);
    if (!isfinite(s))
        return INFINITY;
    double ld = fit_logdet(f, l);
    return isnan(ld) ? INFINITY : 0.5 * (double)f->n * log(s / (double)f->n) - ld;
}

static double sq_corr(const double *a, const double *b, size_t n)
{
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab * sab / (saa * sbb);
}

static double ols_loglik(double ssr, size_t n)
{
    double dn = (double)n;
    return -0.5 * dn * (log(2 * M_PI) + log(ssr / dn) + 1);
}

/* OLS and its diagnostics into R. */
static int run_ols(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n, k = f->k;
    double dn = (double)n, dk = (double)k;
    int rc = ls_fit(ctx, f->x, n, k, f->y, f->xtxi, r->coef);
    if (rc)
        return rc;
    double *u = r->resid, *pred = f->tmp + 2 * k;
    x_vec(f->x, n, k, r->coef, pred);
    double ym = 0, tss = 0, ssr = 0;
    for (size_t i = 0; i < n; i++)
        ym += f->y[i];
    ym /= dn;
    for (size_t i = 0; i < n; i++) {
        u[i] = f->y[i] - pred[i];
        ssr += u[i] * u[i];
        tss += (f->y[i] - ym) * (f->y[i] - ym);
    }
    r->k = k;
    r->sigma2 = ssr / (dn - dk);
    for (size_t a = 0; a < k; a++) {
        r->se[a] = sqrt(r->sigma2 * f->xtxi[a * k + a]);
        r->stat[a] = r->coef[a] / r->se[a];
        r->p[a] = 2 * gsl_cdf_tdist_Q(fabs(r->stat[a]), dn - dk);
    }
    r->r2 = 1 - ssr / tss;
    r->adj_r2 = 1 - (1 - r->r2) * (dn - 1) / (dn - dk);
    double fs = (r->r2 / (dk - 1)) / ((1 - r->r2) / (dn - dk));
    r->f = (aq_reg_stat){fs, gsl_cdf_fdist_Q(fs, dk - 1, dn - dk), dk - 1};
    r->log_likelihood = ols_loglik(ssr, n);
    r->aic = -2 * r->log_likelihood + 2 * dk;
    r->schwarz = -2 * r->log_likelihood + dk * log(dn);
    /* condition index on X'X */
    double *xtx = aq__xmalloc(ctx, k * k * sizeof *xtx);
    if (!xtx)
        return AQ_ENOMEM;
    crossprod(f->x, n, k, xtx);
    r->condition_number = condition_index(xtx, k);
    aq__free(xtx);
    /* Jarque-Bera */
    double m2 = 0, m3 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++) {
        double e2 = u[i] * u[i];
        m2 += e2;
        m3 += e2 * u[i];
        m4 += e2 * e2;
    }
    m2 /= dn;
    m3 /= dn;
    m4 /= dn;
    double skew = m3 / pow(m2, 1.5), kurt = m4 / (m2 * m2);
    r->jarque_bera = chi2_stat(dn * (skew * skew / 6 + (kurt - 3) * (kurt - 3) / 24), 2);
    /* Breusch-Pagan on g = e^2/sigma2_n - 1 and Koenker-Bassett on
     * e^2 - mean(e^2) scaled by its variance, both against Z = the squared
     * columns of X (spreg's default: squares keep the variables positive) */
    double *g = f->e1, *zsq = f->xs, *ztzi = f->b2;
    double s2n = ssr / dn, v = 0;
    for (size_t i = 0; i < n * k; i++)
        zsq[i] = f->x[i] * f->x[i];
    crossprod(zsq, n, k, ztzi);
    int zr = spd_inverse(ztzi, k);
    if (zr == -2)
        return aq__oom(ctx);
    for (size_t i = 0; i < n; i++)
        g[i] = u[i] * u[i] / s2n - 1;
    double bp = zr ? NAN : 0.5 * explained(zsq, n, k, ztzi, g, f->tmp);
    r->breusch_pagan = chi2_stat(bp, dk - 1);
    for (size_t i = 0; i < n; i++) {
        g[i] = u[i] * u[i] - s2n;
        v += g[i] * g[i];
    }
    v /= dn;
    double kb = zr ? NAN : explained(zsq, n, k, ztzi, g, f->tmp) / v;
    r->koenker = chi2_stat(kb, dk - 1);
    if (!f->w)
        return AQ_OK;

    /* spatial diagnostics (spreg diagnostics_sp.py) */
    const aq_weights *w = f->w;
    aq_weights_info info;
    if ((rc = aq_weights_summary(ctx, w, &info)))
        return rc;
    double *wu = f->e0, *wy = f->wy;
    aq_weights_lag(w, u, wu);
    double *wx = f->wx; /* W X and U X = (W + W')/2 X */
    for (size_t a = 0; a < k; a++)
        aq_weights_lag(w, f->x + a * n, wx + a * n);
    double *ux = f->xs;
    memset(ux, 0, n * k * sizeof *ux);
    for (size_t i = 0; i < n; i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            size_t j = w->nbr[e];
            double wt = 0.5 * w->w[e];
            for (size_t a = 0; a < k; a++) {
                ux[a * n + i] += wt * f->x[a * n + j];
                ux[a * n + j] += wt * f->x[a * n + i];
            }
        }
    double *c1 = aq__xcalloc(ctx, 4 * k * k, sizeof *c1);
    if (!c1)
        return AQ_ENOMEM;
    double *c2 = c1 + k * k, *ma = c2 + k * k, *mb = ma + k * k;
    /* trA = tr((X'X)^-1 X'WX); A = (X'X)^-1 X'UX; B = (X'X)^-1 (UX)'(UX) */
    double tra = 0, tra2 = 0, trb = 0;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) {
            c1[a * k + b] = dot(f->x + a * n, ux + b * n, n);
            c2[a * k + b] = dot(ux + a * n, ux + b * n, n);
        }
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) {
            double sa = 0, sb = 0;
            for (size_t q = 0; q < k; q++) {
                sa += f->xtxi[a * k + q] * c1[q * k + b];
                sb += f->xtxi[a * k + q] * c2[q * k + b];
            }
            ma[a * k + b] = sa;
            mb[a * k + b] = sb;
        }
    for (size_t a = 0; a < k; a++) {
        double s = 0;
        for (size_t q = 0; q < k; q++)
            s += f->xtxi[a * k + q] * dot(f->x + q * n, wx + a * n, n);
        tra += s;
        trb += mb[a * k + a];
        for (size_t q = 0; q < k; q++)
            tra2 += ma[a * k + q] * ma[q * k + a];
    }
    aq__free(c1);
    double utwu = dot(u, wu, n);
    r->moran_I = dn / info.s0 * utwu / ssr;
    r->moran_EI = -dn * tra / (info.s0 * (dn - dk));
    r->moran_VI = dn * dn / (info.s0 * info.s0 * (dn - dk) * (dn - dk + 2)) *
                  (info.s1 + 2 * tra2 - 4 * trb - 2 * tra * tra / (dn - dk));
    double mz = (r->moran_I - r->moran_EI) / sqrt(r->moran_VI);
    r->moran = (aq_reg_stat){mz, p_norm2(mz), 0};
    /* T = tr(W'W + WW) */
    double t = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            size_t j = w->nbr[e];
            t += w->w[e] * w->w[e]; /* W'W diagonal sums all squares */
            for (size_t q = w->off[j]; q < w->off[j + 1]; q++)
                if (w->nbr[q] == i)
                    t += w->w[e] * w->w[q];
        }
    /* J = ((WXb)' M (WXb) + T s2n) / (n s2n), M = I - X(X'X)^-1X' */
    double *wxb = f->e1;
    aq_weights_lag(w, pred, wxb);
    double num1 = dot(wxb, wxb, n) - explained(f->x, n, k, f->xtxi, wxb, f->tmp);
    double j = (num1 + t * s2n) / (dn * s2n);
    aq_weights_lag(w, f->y, wy);
    double utwyds = dot(u, wy, n) / s2n, utwuds = utwu / s2n, nj = dn * j;
    r->lm_error = chi2_stat(utwuds * utwuds / t, 1);
    r->lm_lag = chi2_stat(utwyds * utwyds / nj, 1);
    double q = utwuds - t * utwyds / nj;
    r->rlm_error = chi2_stat(q * q / (t * (1 - t / nj)), 1);
    double dl = utwyds - utwuds;
    r->rlm_lag = chi2_stat(dl * dl / (nj - t), 1);
    r->lm_sarma = chi2_stat(dl * dl / (nj - t) + utwuds * utwuds / t, 2);
    return AQ_OK;
}

/* Sparse path, lag: the inverse of the observed information -H in (b, rho,
 * sigma2), with d2 ln|I - rW| by finite differences (what spatialreg's
 * fdHess does for method "Matrix"); impacts with tr S = n - rho ld'. */
static int lag_sparse_se(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n, k = f->k, m = k + 2;
    double dn = (double)n, rho = r->rho, s2 = r->sigma2, s4 = s2 * s2;
    double d1, d2;
    ld_derivs(f, rho, &d1, &d2);
    double *info = aq__xcalloc(ctx, m * m, sizeof *info);
    if (!info)
        return AQ_ENOMEM;
    if (n <= AQ_REG_TRACE_MAX) {
        /* the analytical information, as on the eigen path, with exact
         * traces from the factor */
        double tr1, tr2, tr3;
        double *xb = f->xs, *axb = f->xs + n;
        x_vec(f->x, n, k, r->coef, xb);
        int rc = aq__ldet_traces(ctx, f->sp, rho, xb, axb, &tr1, &tr2, &tr3);
        if (rc) {
            aq__free(info);
            return rc;
        }
        double *xtax = f->tmp;
        xt_vec(f->x, n, k, axb, xtax);
        double *xtx = f->xtxi;
        crossprod(f->x, n, k, xtx);
        for (size_t i = 0; i < k; i++) {
            for (size_t j = 0; j < k; j++)
                info[i * m + j] = xtx[i * k + j] / s2;
            info[i * m + k] = info[k * m + i] = xtax[i] / s2;
        }
        info[k * m + k] = tr2 + tr3 + dot(axb, axb, n) / s2;
        info[k * m + k + 1] = info[(k + 1) * m + k] = tr1 / s2;
        info[(k + 1) * m + k + 1] = dn / (2 * s4);
        r->logdet_se = 0;
        d1 = -tr1;
        goto invert;
    }
    r->logdet_se = 1;
    double *e = r->resid, *wy = f->wy; /* Wy from run_lag_ml */
    aq_weights_lag(f->w, f->y, wy);
    double *xtx = f->xtxi;
    crossprod(f->x, n, k, xtx);
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++)
            info[i * m + j] = xtx[i * k + j] / s2;
        info[i * m + k] = info[k * m + i] = dot(f->x + i * n, wy, n) / s2;
        info[i * m + k + 1] = info[(k + 1) * m + i] = dot(f->x + i * n, e, n) / s4;
    }
    info[k * m + k] = -d2 + dot(wy, wy, n) / s2;
    info[k * m + k + 1] = info[(k + 1) * m + k] = dot(wy, e, n) / s4;
    info[(k + 1) * m + k + 1] = dn / (2 * s4);
invert:
    if (gen_inverse(info, m)) {
        aq__free(info);
        return aq__err(ctx, AQ_EINPUT, "the information matrix of the lag model is singular");
    }
    lag_errors(r, info, k, m, rho);
    aq__free(info);
    double trs = dn - rho * d1, sum = neumann_total(f, rho);
    lag_impacts(r, k, trs / dn, sum / dn);
    return AQ_OK;
}

/* Sparse path, error: lambda's variance from the (lambda, sigma2) block of
 * the observed information; b keeps sigma2 ((X - lWX)'(X - lWX))^-1. */
static int error_sparse_se(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n;
    double dn = (double)n, lam = r->lambda, s2 = r->sigma2, s4 = s2 * s2;
    double v[4];
    if (n <= AQ_REG_TRACE_MAX) {
        double tr1, tr2, tr3;
        int rc = aq__ldet_traces(ctx, f->sp, lam, NULL, NULL, &tr1, &tr2, &tr3);
        if (rc)
            return rc;
        v[0] = tr2 + tr3;
        v[1] = v[2] = tr1 / s2;
        v[3] = dn / (2 * s4);
        r->logdet_se = 0;
    } else {
        double d1, d2;
        ld_derivs(f, lam, &d1, &d2);
        double *wu = f->ys, *e = f->e0; /* e: filtered residuals at lambda */
        aq_weights_lag(f->w, r->resid, wu);
        v[0] = -d2 + dot(wu, wu, n) / s2;
        v[1] = v[2] = dot(e, wu, n) / s4;
        v[3] = dn / (2 * s4);
        r->logdet_se = 1;
    }
    if (gen_inverse(v, 2))
        return aq__err(ctx, AQ_EINPUT, "the information matrix of the error model is singular");
    r->lambda_se = sqrt(v[0]);
    r->lambda_z = lam / r->lambda_se;
    r->lambda_p = p_norm2(r->lambda_z);
    return AQ_OK;
}

static int run_lag_ml(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n, k = f->k;
    double dn = (double)n;
    double *b0 = f->tmp + 2 * k, *b1 = b0 + k;
    int rc = ls_fit(ctx, f->x, n, k, f->y, f->xtxi, b0);
    if (rc)
        return rc;
    aq_weights_lag(f->w, f->y, f->wy);
    if ((rc = ls_fit(ctx, f->x, n, k, f->wy, f->xtxi, b1)))
        return rc;
    x_vec(f->x, n, k, b0, f->e0);
    x_vec(f->x, n, k, b1, f->e1);
    for (size_t i = 0; i < n; i++) {
        f->e0[i] = f->y[i] - f->e0[i];
        f->e1[i] = f->wy[i] - f->e1[i];
    }
    double ssr_ols = dot(f->e0, f->e0, n);
    double lo, hi;
    if ((rc = prepare_logdet(ctx, f, r, &lo, &hi)))
        return rc;
    double rho = brent_min(lag_negll, f, lo, hi, 1e-12);
    double nll = lag_negll(rho, f);
    r->rho = rho;
    for (size_t a = 0; a < k; a++)
        r->coef[a] = b0[a] - rho * b1[a];
    double s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double e = f->e0[i] - rho * f->e1[i];
        r->resid[i] = e;
        s2 += e * e;
    }
    s2 /= dn;
    r->sigma2 = s2;
    r->k = k + 1;
    r->log_likelihood = -nll - 0.5 * dn * (log(2 * M_PI) + 1);
    r->aic = -2 * r->log_likelihood + 2 * (double)r->k;
    r->schwarz = -2 * r->log_likelihood + (double)r->k * log(dn);
    double llo = ols_loglik(ssr_ols, n);
    r->lr = chi2_stat(2 * (r->log_likelihood - llo), 1);
    double *pred = f->ys;
    for (size_t i = 0; i < n; i++)
        pred[i] = f->y[i] - r->resid[i];
    r->r2 = sq_corr(f->y, pred, n);
    if (f->sp)
        return lag_sparse_se(ctx, f, r);

    /* asymptotic variance: inverse of the information matrix in (b, rho,
     * sigma2) (Anselin 1988, ch. 6; spreg ML_Lag method FULL) */
    double *s = aq__xmalloc(ctx, 2 * n * n * sizeof *s);
    if (!s)
        return AQ_ENOMEM;
    double *a = s + n * n;
    if ((rc = dense_inverse(ctx, f->w, rho, s))) {
        aq__free(s);
        return rc;
    }
    double tr1, tr2, tr3;
    a_traces(f->w, s, a, &tr1, &tr2, &tr3);
    double *xb = f->xs, *axb = f->xs + n;
    x_vec(f->x, n, k, r->coef, xb);
    for (size_t i = 0; i < n; i++)
        axb[i] = dot(a + i * n, xb, n);
    /* impacts */
    double trs = 0, sum = 0;
    for (size_t i = 0; i < n; i++) {
        trs += s[i * n + i];
        for (size_t j = 0; j < n; j++)
            sum += s[i * n + j];
    }
    lag_impacts(r, k, trs / dn, sum / dn);
    aq__free(s);
    size_t m = k + 2;
    double *info = aq__xcalloc(ctx, m * m, sizeof *info);
    if (!info)
        return AQ_ENOMEM;
    double *xtax = f->tmp; /* X' A X b */
    xt_vec(f->x, n, k, axb, xtax);
    double *xtx = f->xtxi;
    crossprod(f->x, n, k, xtx);
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++)
            info[i * m + j] = xtx[i * k + j] / s2;
        info[i * m + k] = info[k * m + i] = xtax[i] / s2;
    }
    info[k * m + k] = tr2 + tr3 + dot(axb, axb, n) / s2;
    info[k * m + k + 1] = info[(k + 1) * m + k] = tr1 / s2;
    info[(k + 1) * m + k + 1] = dn / (2 * s2 * s2);
    if (gen_inverse(info, m)) {
        aq__free(info);
        return aq__err(ctx, AQ_EINPUT, "the information matrix of the lag model is singular");
    }
    lag_errors(r, info, k, m, rho);
    aq__free(info);
    return AQ_OK;
}

static int run_error_ml(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n, k = f->k;
    double dn = (double)n;
    double *b0 = f->tmp + 2 * k;
    int rc = ls_fit(ctx, f->x, n, k, f->y, f->xtxi, b0);
    if (rc)
        return rc;
    x_vec(f->x, n, k, b0, f->e1);
    double ssr_ols = 0;
    for (size_t i = 0; i < n; i++)
        ssr_ols += (f->y[i] - f->e1[i]) * (f->y[i] - f->e1[i]);
    aq_weights_lag(f->w, f->y, f->wy);
    for (size_t a = 0; a < k; a++)
        aq_weights_lag(f->w, f->x + a * n, f->wx + a * n);
    double lo, hi;
    if ((rc = prepare_logdet(ctx, f, r, &lo, &hi)))
        return rc;
    double lam = brent_min(error_negll, f, lo, hi, 1e-12);
    double nll = error_negll(lam, f);
    double ssr = error_fit_at(f, lam);
    if (!isfinite(ssr))
        return aq__err(ctx, AQ_EINPUT, "the filtered explanatory variables are collinear");
    r->lambda = lam;
    double s2 = ssr / dn;
    r->sigma2 = s2;
    r->k = k;
    for (size_t a = 0; a < k; a++) {
        r->coef[a] = f->b[a];
        r->se[a] = sqrt(s2 * f->xtxi[a * k + a]);
        r->stat[a] = r->coef[a] / r->se[a];
        r->p[a] = p_norm2(r->stat[a]);
    }
    /* residuals of the unfiltered model: u = y - X b */
    double *xb = f->e1;
    x_vec(f->x, n, k, r->coef, xb);
    for (size_t i = 0; i < n; i++)
        r->resid[i] = f->y[i] - xb[i];
    r->r2 = sq_corr(f->y, xb, n);
    r->log_likelihood = -nll - 0.5 * dn * (log(2 * M_PI) + 1);
    r->aic = -2 * r->log_likelihood + 2 * (double)k;
    r->schwarz = -2 * r->log_likelihood + (double)k * log(dn);
    r->lr = chi2_stat(2 * (r->log_likelihood - ols_loglik(ssr_ols, n)), 1);
    if (f->sp)
        return error_sparse_se(ctx, f, r);
    /* variance of lambda: inverse of the (lambda, sigma2) information
     * block (spreg ML_Error method FULL) */
    double *s = aq__xmalloc(ctx, 2 * n * n * sizeof *s);
    if (!s)
        return AQ_ENOMEM;
    if ((rc = dense_inverse(ctx, f->w, lam, s))) {
        aq__free(s);
        return rc;
    }
    double tr1, tr2, tr3;
    a_traces(f->w, s, s + n * n, &tr1, &tr2, &tr3);
    aq__free(s);
    double v[4] = {tr2 + tr3, tr1 / s2, tr1 / s2, dn / (2 * s2 * s2)};
    if (gen_inverse(v, 2))
        return aq__err(ctx, AQ_EINPUT, "the information matrix of the error model is singular");
    r->lambda_se = sqrt(v[0]);
    r->lambda_z = lam / r->lambda_se;
    r->lambda_p = p_norm2(r->lambda_z);
    return AQ_OK;
}

/* Impacts of a lag model fitted by GM: tr (I - rho W)^-1 from the
 * eigenvalues of W up to AQ_REG_EIGEN_AUTO units, above from the sparse
 * log-determinant's derivative when the weights allow it, else from the
 * eigenvalues up to AQ_REG_DENSE_MAX units (beyond, the impacts are left
 * out), and 1'S1 by the Neumann series S1 = sum (rho W)^j 1,
 * which converges for |rho| < 1 and row sums of |W| at most 1. */
static int gm_impacts(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n, k = f->k;
    double dn = (double)n, rho = r->rho;
    if (fabs(rho) < 1 && n > AQ_REG_EIGEN_AUTO && !f->sp &&
        aq__ldet_new(ctx, f->w, &f->sp) == AQ_ENOMEM)
        return AQ_ENOMEM;
    if (f->sp && fabs(rho) < 1) {
        /* tr S = n + rho tr A, tr A = -d ln|I - rW| / dr */
        double d1, d2, trs;
        ld_derivs(f, rho, &d1, &d2);
        trs = dn - rho * d1;
        double sum = neumann_total(f, rho);
        lag_impacts(r, k, trs / dn, sum / dn);
        return AQ_OK;
    }
    if (n > AQ_REG_DENSE_MAX || !(fabs(rho) < 1)) {
        aq__free(r->direct);
        aq__free(r->indirect);
        aq__free(r->total);
        r->direct = r->indirect = r->total = NULL;
        return AQ_OK;
    }
    int rc = w_eigen(ctx, f->w, f->re, f->im);
    if (rc)
        return rc;
    double trs = 0;
    for (size_t i = 0; i < n; i++) {
        double a = 1 - rho * f->re[i], b = rho * f->im[i];
        trs += a / (a * a + b * b); /* Re 1 / (1 - rho ev) */
    }
    double sum = neumann_total(f, rho);
    lag_impacts(r, k, trs / dn, sum / dn);
    return AQ_OK;
}

/* Spatial 2SLS (spreg GM_Lag, w_lags = 2, sig2n): instruments H = [X, WX,
 * W^2 X] without the lags of the constant, endogenous Wy. */
static int run_lag_gm(aq_ctx *ctx, fit *f, aq_reg_result *r)
{
    size_t n = f->n, k = f->k, p = k - 1, kh = k + 2 * p, kz = k + 1;
    double dn = (double)n;
    double *h = aq__xmalloc(ctx, n * kh * sizeof *h);
    double *z = aq__xmalloc(ctx, n * kz * sizeof *z);
    double *hthi = aq__xmalloc(ctx, kh * kh * sizeof *hthi);
    double *hz = aq__xmalloc(ctx, kh * kz * sizeof *hz);
    double *m = aq__xmalloc(ctx, kz * kz * sizeof *m);
    double *tmp = aq__xmalloc(ctx, (kh * kz + 2 * kz) * sizeof *tmp);
    int rc = AQ_OK;
    if (!h || !z || !hthi || !hz || !m || !tmp) {
        rc = AQ_ENOMEM;
        goto out;
    }
    memcpy(h, f->x, n * k * sizeof *h);
    for (size_t a = 0; a < p; a++) {
        aq_weights_lag(f->w, f->x + (a + 1) * n, h + (k + a) * n);
        aq_weights_lag(f->w, h + (k + a) * n, h + (k + p + a) * n);
    }
    memcpy(z, f->x, n * k * sizeof *z);
    aq_weights_lag(f->w, f->y, z + k * n);
    crossprod(h, n, kh, hthi);
    int ir = spd_inverse(hthi, kh);
    if (ir) {
        rc = ir == -2 ? aq__oom(ctx)
                      : aq__err(ctx, AQ_EINPUT,
                                "the instruments X, WX, W^2X are collinear (a variable whose "
                                "spatial lag is itself, or too few units)");
        goto out;
    }
    for (size_t a = 0; a < kh; a++) /* H'Z, kh x kz */
        for (size_t b = 0; b < kz; b++)
            hz[a * kz + b] = dot(h + a * n, z + b * n, n);
    /* P = (H'H)^-1 H'Z, then M = Z'H P = (Z'H (H'H)^-1 H'Z) */
    double *pm = tmp;
    for (size_t a = 0; a < kh; a++)
        for (size_t b = 0; b < kz; b++) {
            double s = 0;
            for (size_t q = 0; q < kh; q++)
                s += hthi[a * kh + q] * hz[q * kz + b];
            pm[a * kz + b] = s;
        }
    for (size_t a = 0; a < kz; a++)
        for (size_t b = 0; b < kz; b++) {
            double s = 0;
            for (size_t q = 0; q < kh; q++)
                s += hz[q * kz + a] * pm[q * kz + b];
            m[a * kz + b] = s;
        }
    /* b = M^-1 P' H'y */
    double *hty = f->tmp, *rhs = tmp + kh * kz, *bb = rhs + kz;
    double *hy = aq__xmalloc(ctx, kh * sizeof *hy);
    if (!hy) {
        rc = AQ_ENOMEM;
        goto out;
    }
    (void)hty;
    xt_vec(h, n, kh, f->y, hy);
    for (size_t b = 0; b < kz; b++) {
        double s = 0;
        for (size_t q = 0; q < kh; q++)
            s += pm[q * kz + b] * hy[q];
        rhs[b] = s;
    }
    aq__free(hy);
    if ((ir = spd_inverse(m, kz))) {
        rc = ir == -2 ? aq__oom(ctx)
                      : aq__err(ctx, AQ_EINPUT,
                                "the instruments do not identify rho (Z'H(H'H)^-1H'Z singular)");
        goto out;
    }
    mat_vec(m, kz, rhs, bb);
    x_vec(z, n, kz, bb, f->e0);
    double ssr = 0;
    for (size_t i = 0; i < n; i++) {
        r->resid[i] = f->y[i] - f->e0[i];
        ssr += r->resid[i] * r->resid[i];
    }
    r->sigma2 = ssr / dn;
    r->k = kz;
    for (size_t a = 0; a < k; a++) {
        r->coef[a] = bb[a];
        r->se[a] = sqrt(r->sigma2 * m[a * kz + a]);
        r->stat[a] = r->coef[a] / r->se[a];
        r->p[a] = p_norm2(r->stat[a]);
    }
    r->rho = bb[k];
    r->rho_se = sqrt(r->sigma2 * m[k * kz + k]);
    r->rho_z = r->rho / r->rho_se;
    r->rho_p = p_norm2(r->rho_z);
    r->r2 = sq_corr(f->y, f->e0, n);
    rc = gm_impacts(ctx, f, r);
out:
    aq__free(h);
    aq__free(z);
    aq__free(hthi);
    aq__free(hz);
    aq__free(m);
    aq__free(tmp);
    return rc;
}

int aq_regress(aq_ctx *ctx, int model, int method, const double *y, const double *x,
               size_t n, size_t p, const aq_weights *w, const aq_reg_opts *opts,
               aq_reg_result **out)
{
    if (!y || (p && !x) || !out)
        return aq__err(ctx, AQ_EUSAGE, "aq_regress: y, x and out are required");
    if (model != AQ_REG_OLS && model != AQ_REG_LAG && model != AQ_REG_ERROR)
        return aq__err(ctx, AQ_EUSAGE, "aq_regress: unknown model %d", model);
    if (method != AQ_REG_ML && method != AQ_REG_GM)
        return aq__err(ctx, AQ_EUSAGE, "aq_regress: unknown method %d", method);
    if (method == AQ_REG_GM && model != AQ_REG_LAG)
        return aq__err(ctx, AQ_EUSAGE,
                       "the GM method is implemented for the lag model only (spatial 2SLS)");
    if (model != AQ_REG_OLS && !w)
        return aq__err(ctx, AQ_EUSAGE, "the spatial models need weights");
    if (w && aq_weights_n(w) != n)
        return aq__err(ctx, AQ_EUSAGE, "the weights have %zu units, the data %zu",
                       aq_weights_n(w), n);
    size_t k = p + 1;
    if (model == AQ_REG_LAG && method == AQ_REG_GM && p == 0)
        return aq__err(ctx, AQ_EINPUT, "spatial 2SLS needs at least one explanatory variable");
    if (n <= k + (model == AQ_REG_LAG))
        return aq__err(ctx, AQ_EINPUT, "%zu units are too few for %zu coefficients", n,
                       k + (model == AQ_REG_LAG));
    for (size_t j = 0; j <= p; j++)
        for (size_t i = 0; i < n; i++) {
            double v = j == 0 ? y[i] : x[(j - 1) * n + i];
            if (!isfinite(v) && j == 0)
                return aq__err(ctx, AQ_EINPUT, "y of unit %zu is missing or infinite", i + 1);
            if (!isfinite(v))
                return aq__err(ctx, AQ_EINPUT,
                               "explanatory variable %zu of unit %zu is missing or infinite", j,
                               i + 1);
        }
    if (w)
        for (size_t i = 0; i < n; i++)
            if (w->off[i] == w->off[i + 1] && model != AQ_REG_OLS)
                return aq__err(ctx, AQ_EINPUT,
                               "unit %zu has no neighbours: the spatial models need every "
                               "unit connected (drop islands or choose other weights)",
                               i + 1);

    fit f = {.n = n, .k = k, .y = y, .w = w};
    int ldm = opts ? opts->logdet : AQ_LOGDET_AUTO;
    if (ldm != AQ_LOGDET_AUTO && ldm != AQ_LOGDET_EIGEN && ldm != AQ_LOGDET_SPARSE)
        return aq__err(ctx, AQ_EUSAGE, "aq_regress: unknown log-determinant method %d", ldm);
    if (model != AQ_REG_OLS && method == AQ_REG_ML) {
        if (ldm == AQ_LOGDET_SPARSE || ldm == AQ_LOGDET_AUTO) {
            int lr = aq__ldet_new(ctx, w, &f.sp);
            if (lr == AQ_ENOMEM || (lr && (ldm == AQ_LOGDET_SPARSE || n > AQ_REG_DENSE_MAX)))
                return lr;
        }
        if (!f.sp && n > AQ_REG_DENSE_MAX)
            return aq__err(ctx, AQ_EUSAGE,
                           "%zu units: the eigenvalue log-determinant takes at most %d (n x n "
                           "matrices); use the sparse one or --method gm",
                           n, AQ_REG_DENSE_MAX);
    }
    aq_reg_result *r = result_new(n, k, model == AQ_REG_LAG);
    f.x = aq__malloc(n * k * sizeof(double));
    f.re = aq__malloc(n * sizeof(double));
    f.im = aq__malloc(n * sizeof(double));
    f.e0 = aq__malloc(n * sizeof(double));
    f.e1 = aq__malloc(n * sizeof(double));
    f.wy = aq__malloc(n * sizeof(double));
    f.ys = aq__malloc(n * sizeof(double));
    f.wx = aq__malloc(n * k * sizeof(double));
    f.xs = aq__malloc(n * (k > 2 ? k : 2) * sizeof(double));
    f.xtxi = aq__malloc(k * k * sizeof(double));
    f.b = aq__malloc(k * sizeof(double));
    f.b2 = aq__malloc(k * k * sizeof(double));
    f.tmp = aq__malloc((4 * k + n) * sizeof(double));
    int rc;
    if (!r || !f.x || !f.re || !f.im || !f.e0 || !f.e1 || !f.wy || !f.ys || !f.wx || !f.xs ||
        !f.xtxi || !f.b || !f.b2 || !f.tmp) {
        rc = aq__oom(ctx);
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        f.x[i] = 1;
    if (p)
        memcpy(f.x + n, x, n * p * sizeof(double));
    r->model = model;
    r->method = method;
    if (model == AQ_REG_OLS)
        rc = run_ols(ctx, &f, r);
    else if (model == AQ_REG_LAG)
        rc = method == AQ_REG_GM ? run_lag_gm(ctx, &f, r) : run_lag_ml(ctx, &f, r);
    else
        rc = run_error_ml(ctx, &f, r);
done:
    aq__ldet_free(f.sp);
    aq__free(f.x);
    aq__free(f.re);
    aq__free(f.im);
    aq__free(f.e0);
    aq__free(f.e1);
    aq__free(f.wy);
    aq__free(f.ys);
    aq__free(f.wx);
    aq__free(f.xs);
    aq__free(f.xtxi);
    aq__free(f.b);
    aq__free(f.b2);
    aq__free(f.tmp);
    if (rc) {
        aq_reg_result_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

const char *aq_regress_reading(const aq_reg_result *r, double level)
{
    if (!r || r->model != AQ_REG_OLS || isnan(r->lm_error.p))
        return "";
    int le = r->lm_error.p < level, ll = r->lm_lag.p < level;
    int re = r->rlm_error.p < level, rl = r->rlm_lag.p < level;
    if (!le && !ll)
        return "Neither LM test is significant: the OLS model shows no spatial "
               "dependence to model; keep OLS.";
    if (le && !ll)
        return "Only LM-error is significant: the dependence is in the errors; fit the "
               "spatial error model (--model error).";
    if (ll && !le)
        return "Only LM-lag is significant: neighbours' outcomes matter; fit the spatial "
               "lag model (--model lag).";
    if (rl && !re)
        return "Both LM tests are significant and only robust LM-lag is: fit the spatial "
               "lag model (--model lag).";
    if (re && !rl)
        return "Both LM tests are significant and only robust LM-error is: fit the "
               "spatial error model (--model error).";
    if (re && rl)
        return "Both robust tests are significant: the dependence is of both kinds; a "
               "SARAR model fits it, or the lag model when robust LM-lag is much larger.";
    return "Both LM tests are significant but neither robust one is: the evidence does "
           "not separate lag from error; compare the ML fits (log-likelihood, AIC).";
}
