/*
 * regress_sparse.c -- ln|I - r W| by sparse Cholesky (SuiteSparse CHOLMOD),
 * for the ML models at sizes where the eigenvalues of a dense W are out of
 * reach. This is what R spatialreg's method = "Matrix" does (through the
 * Matrix package, itself CHOLMOD): factorise the symmetric I - rS once per
 * trial r, reusing one symbolic analysis, and read the determinant off the
 * diagonal of the factor.
 *
 * CHOLMOD allocates through its own configured malloc; its workspace lives
 * in the aq__ldet object and is released by aq__ldet_free.
 */
#include "aq_int.h"
#include "regress_int.h"
#include "spatial_int.h"

#include <math.h>
#include <string.h>
#include <suitesparse/cholmod.h>

struct aq__ldet {
    cholmod_common c;
    cholmod_sparse *a;   /* upper triangle of I - rS, column-compressed */
    cholmod_factor *l;
    double *s;           /* the values of S in a->x's order (1 on the diagonal slot = 0) */
    size_t nnz;
    const aq_weights *w; /* borrowed, for products with S */
    double *d;           /* row sums of the original weights (S = D^1/2 W D^-1/2), or NULL
                            when W is itself symmetric */
};

void aq__ldet_free(aq__ldet *l)
{
    if (!l)
        return;
    cholmod_free_factor(&l->l, &l->c);
    cholmod_free_sparse(&l->a, &l->c);
    cholmod_finish(&l->c);
    aq__free(l->s);
    aq__free(l->d);
    aq__free(l);
}

static int find(const aq_weights *w, size_t i, size_t j, double *wt, double *w0)
{
    size_t lo = w->off[i], hi = w->off[i + 1];
    while (lo < hi) {
        size_t m = lo + (hi - lo) / 2;
        if (w->nbr[m] < j)
            lo = m + 1;
        else
            hi = m;
    }
    if (lo < w->off[i + 1] && w->nbr[lo] == j) {
        *wt = w->w[lo];
        *w0 = w->w0[lo];
        return 1;
    }
    return 0;
}

int aq__ldet_new(aq_ctx *ctx, const aq_weights *w, aq__ldet **out)
{
    size_t n = w->n;
    /* which symmetric form: W itself, or D^-1/2 C D^-1/2 */
    int sym = 1, sym0 = 1;
    for (size_t i = 0; i < n && (sym || sym0); i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            double wt, w0;
            if (!find(w, w->nbr[e], i, &wt, &w0)) {
                sym = sym0 = 0;
                break;
            }
            if (wt != w->w[e])
                sym = 0;
            if (w0 != w->w0[e])
                sym0 = 0;
        }
    /* row-standardised: the eigenvalues lie in [-1, 1], so every r in
     * (-1, 1) gives a positive definite I - rS and the search needs no
     * eigenvalue bounds */
    if (w->style != AQ_WSTYLE_W || (!sym && !sym0))
        return aq__err(ctx, AQ_EUSAGE,
                       "the sparse log-determinant needs row-standardised weights (style W) "
                       "made from symmetric ones (contiguity, distance bands); kNN weights are "
                       "asymmetric: use --logdet eigen (at most %d units) or --method gm",
                       6000);
    aq__ldet *l = aq__calloc(1, sizeof *l);
    double *d = sym ? NULL : aq__calloc(n, sizeof *d);
    if (!l || (!sym && !d)) {
        aq__free(l);
        aq__free(d);
        return aq__oom(ctx);
    }
    if (!sym)
        for (size_t i = 0; i < n; i++)
            for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
                d[i] += w->w0[e];
    cholmod_start(&l->c);
    l->c.print = 0;
    l->c.error_handler = NULL;
    /* column i of the upper triangle: rows j < i among i's neighbours, then i */
    size_t nnz = n;
    for (size_t i = 0; i < n; i++)
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++)
            nnz += w->nbr[e] < i;
    l->a = cholmod_allocate_sparse(n, n, nnz, 1, 1, 1, CHOLMOD_REAL, &l->c);
    l->s = aq__malloc(nnz * sizeof *l->s);
    l->nnz = nnz;
    if (!l->a || !l->s) {
        l->d = d;
        aq__ldet_free(l);
        return aq__oom(ctx);
    }
    int *cp = l->a->p, *ri = l->a->i;
    size_t q = 0;
    for (size_t i = 0; i < n; i++) {
        cp[i] = (int)q;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            size_t j = w->nbr[e];
            if (j >= i)
                continue;
            ri[q] = (int)j;
            l->s[q++] = sym ? w->w[e] : w->w0[e] / sqrt(d[i] * d[j]);
        }
        ri[q] = (int)i;
        l->s[q++] = 0;
    }
    cp[n] = (int)q;
    l->w = w;
    l->d = d;
    double *x = l->a->x;
    for (size_t k = 0; k < nnz; k++)
        x[k] = -0.5 * l->s[k];
    /* the pattern is all the analysis needs (values are set per r); these
     * are those of r = 0.5, a positive definite matrix */
    for (size_t i = 0; i < n; i++)
        x[cp[i + 1] - 1] = 1;
    l->l = cholmod_analyze(l->a, &l->c);
    if (!l->l) {
        int status = l->c.status;
        aq__ldet_free(l);
        return aq__err(ctx, AQ_ENOMEM, "CHOLMOD could not analyse the weights (status %d)",
                       status);
    }
    *out = l;
    return AQ_OK;
}

double aq__ldet_eval(aq__ldet *l, double r)
{
    cholmod_sparse *a = l->a;
    double *x = a->x;
    int *cp = a->p;
    size_t n = a->ncol;
    for (size_t k = 0; k < l->nnz; k++)
        x[k] = -r * l->s[k];
    for (size_t i = 0; i < n; i++)
        x[cp[i + 1] - 1] = 1;
    if (!cholmod_factorize(a, l->l, &l->c) || l->c.status == CHOLMOD_NOT_POSDEF)
        return NAN;
    cholmod_factor *f = l->l;
    double s = 0, *fx = f->x;
    if (f->is_super) {
        /* supernode k holds columns super[k] .. super[k+1]-1 as a dense
         * nsrow x ncols block at px[k]; its diagonal is the columns' pivots */
        int *super = f->super, *pi = f->pi, *px = f->px;
        for (size_t k = 0; k < f->nsuper; k++) {
            int c0 = super[k], c1 = super[k + 1], nsrow = pi[k + 1] - pi[k];
            for (int j = 0; j < c1 - c0; j++)
                s += 2 * log(fx[px[k] + j + (size_t)j * nsrow]);
        }
    } else {
        int *fp = f->p;
        for (size_t j = 0; j < n; j++)
            s += (f->is_ll ? 2 : 1) * log(fx[fp[j]]);
    }
    return s;
}

/* out = S v, with S_ij = w_ij sqrt(d_i / d_j) */
static void s_mult(const aq__ldet *l, const double *v, double *out)
{
    const aq_weights *w = l->w;
    for (size_t i = 0; i < w->n; i++) {
        double t = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            size_t j = w->nbr[e];
            t += w->w[e] * (l->d ? sqrt(l->d[i] / l->d[j]) : 1) * v[j];
        }
        out[i] = t;
    }
}

/* A = W (I - rW)^-1 = D^-1/2 B D^1/2 with B = S (I - rS)^-1 symmetric, so
 * tr A = sum B_jj, tr A^2 = sum B_ij^2, tr A'A = sum B_ij^2 d_j / d_i,
 * exactly, from the columns of B: n solves with the factor, done in blocks
 * of 64 right-hand sides. And AV = A v when V is not NULL. */
int aq__ldet_traces(aq_ctx *ctx, aq__ldet *l, double r, const double *v, double *av,
                    double *tr1, double *tr2, double *tr3)
{
    size_t n = l->w->n, bs = n < 64 ? n : 64;
    if (isnan(aq__ldet_eval(l, r)))
        return aq__err(ctx, AQ_EINPUT, "I - %g W is not positive definite", r);
    cholmod_dense *e = cholmod_zeros(n, bs, CHOLMOD_REAL, &l->c);
    double *y = aq__malloc(n * sizeof *y);
    if (!e || !y) {
        cholmod_free_dense(&e, &l->c);
        aq__free(y);
        return aq__oom(ctx);
    }
    double *ex = e->x, t1 = 0, t2 = 0, t3 = 0;
    int rc = AQ_OK;
    for (size_t j0 = 0; j0 < n && rc == AQ_OK; j0 += bs) {
        size_t m = n - j0 < bs ? n - j0 : bs;
        e->ncol = m;
        memset(ex, 0, n * bs * sizeof *ex);
        for (size_t q = 0; q < m; q++)
            ex[q * n + j0 + q] = 1;
        cholmod_dense *x = cholmod_solve(CHOLMOD_A, l->l, e, &l->c);
        if (!x) {
            rc = aq__oom(ctx);
            break;
        }
        const double *xx = x->x;
        for (size_t q = 0; q < m; q++) {
            size_t j = j0 + q;
            s_mult(l, xx + q * n, y);
            t1 += y[j];
            for (size_t i = 0; i < n; i++) {
                double b2 = y[i] * y[i];
                t2 += b2;
                t3 += l->d ? b2 * l->d[j] / l->d[i] : b2;
            }
        }
        cholmod_free_dense(&x, &l->c);
    }
    e->ncol = bs;
    if (rc == AQ_OK && v) {
        /* A v = D^-1/2 S (I - rS)^-1 D^1/2 v */
        e->ncol = 1;
        for (size_t i = 0; i < n; i++)
            ex[i] = v[i] * (l->d ? sqrt(l->d[i]) : 1);
        cholmod_dense *x = cholmod_solve(CHOLMOD_A, l->l, e, &l->c);
        e->ncol = bs;
        if (!x) {
            rc = aq__oom(ctx);
        } else {
            s_mult(l, x->x, y);
            for (size_t i = 0; i < n; i++)
                av[i] = y[i] / (l->d ? sqrt(l->d[i]) : 1);
            cholmod_free_dense(&x, &l->c);
        }
    }
    cholmod_free_dense(&e, &l->c);
    aq__free(y);
    *tr1 = t1;
    *tr2 = t2;
    *tr3 = t3;
    return rc;
}
