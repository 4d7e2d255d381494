/*
 * complexity.c -- the kernels of aimaq_complexity.h: RCA, presence,
 * proximity, density, ECI/PCI (eigenvector, reflections, fitness), COI and
 * COG. Formulas and conventions: docs/complexity.md.
 *
 * Presence matrices are sparse in practice (a region has a few hundred of
 * thousands of activities), so the products M^T M, M M^T and M phi run
 * over the nonzero cells only (compressed rows and columns); the dense
 * eigenproblem is solved on the smaller side, where it is cheap.
 */
#include "aq_int.h"
#include "complexity_int.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <string.h>

int aq__cx_threads(aq_ctx *ctx)
{
    int t = aq_ctx_threads(ctx);
    return t > 0 ? t : omp_get_max_threads();
}

void aq_cx_opts_init(aq_cx_opts *o)
{
    memset(o, 0, sizeof *o);
    o->rca_threshold = 1;
    o->presence = AQ_CX_BINARY;
    o->proximity = AQ_CX_SYMMETRIC;
    o->method = AQ_CX_EIGEN;
}

void aq_cx_rca(const double *x, size_t nu, size_t na, double *rca)
{
    double total = 0;
    double *col = aq__calloc(na ? na : 1, sizeof *col);
    for (size_t c = 0; c < nu; c++)
        for (size_t p = 0; p < na; p++) {
            double v = x[c * na + p];
            if (v == v) {
                if (col)
                    col[p] += v;
                total += v;
            }
        }
    for (size_t c = 0; c < nu; c++) {
        double row = 0;
        for (size_t p = 0; p < na; p++)
            row += x[c * na + p] == x[c * na + p] ? x[c * na + p] : 0;
        for (size_t p = 0; p < na; p++) {
            double v = x[c * na + p] == x[c * na + p] ? x[c * na + p] : 0;
            rca[c * na + p] = (!col || row <= 0 || col[p] <= 0 || total <= 0)
                                  ? NAN
                                  : (v / row) / (col[p] / total);
        }
    }
    aq__free(col);
}

void aq_cx_degrees(const double *M, size_t nu, size_t na, double *diversity, double *ubiquity)
{
    if (ubiquity)
        for (size_t p = 0; p < na; p++)
            ubiquity[p] = 0;
    for (size_t c = 0; c < nu; c++) {
        double d = 0;
        for (size_t p = 0; p < na; p++) {
            double m = M[c * na + p];
            if (m == m) {
                d += m;
                if (ubiquity)
                    ubiquity[p] += m;
            }
        }
        if (diversity)
            diversity[c] = d;
    }
}

/* ---- compressed rows and columns of a matrix's nonzero cells ---- */

void aq__cx_sparse_free(aq__cx_sparse *s)
{
    aq__free(s->rp);
    aq__free(s->ri);
    aq__free(s->rv);
    aq__free(s->cp);
    aq__free(s->ci);
    aq__free(s->cv);
    memset(s, 0, sizeof *s);
}

int aq__cx_sparse_make(aq_ctx *ctx, const double *A, size_t nr, size_t nc, aq__cx_sparse *s)
{
    memset(s, 0, sizeof *s);
    s->nr = nr;
    s->nc = nc;
    size_t nnz = 0;
    for (size_t i = 0; i < nr * nc; i++)
        nnz += A[i] != 0 && A[i] == A[i];
    s->nnz = nnz;
    s->rp = aq__xcalloc(ctx, nr + 1, sizeof *s->rp);
    s->cp = aq__xcalloc(ctx, nc + 1, sizeof *s->cp);
    s->ri = aq__xmalloc(ctx, (nnz ? nnz : 1) * sizeof *s->ri);
    s->rv = aq__xmalloc(ctx, (nnz ? nnz : 1) * sizeof *s->rv);
    s->ci = aq__xmalloc(ctx, (nnz ? nnz : 1) * sizeof *s->ci);
    s->cv = aq__xmalloc(ctx, (nnz ? nnz : 1) * sizeof *s->cv);
    if (!s->rp || !s->cp || !s->ri || !s->rv || !s->ci || !s->cv) {
        aq__cx_sparse_free(s);
        return AQ_ENOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < nr; i++) {
        for (size_t j = 0; j < nc; j++) {
            double v = A[i * nc + j];
            if (v != 0 && v == v) {
                s->ri[k] = (uint32_t)j;
                s->rv[k++] = v;
                s->cp[j + 1]++;
            }
        }
        s->rp[i + 1] = k;
    }
    for (size_t j = 0; j < nc; j++)
        s->cp[j + 1] += s->cp[j];
    size_t *fill = aq__xmalloc(ctx, (nc ? nc : 1) * sizeof *fill);
    if (!fill) {
        aq__cx_sparse_free(s);
        return AQ_ENOMEM;
    }
    memcpy(fill, s->cp, nc * sizeof *fill);
    for (size_t i = 0; i < nr; i++)
        for (size_t q = s->rp[i]; q < s->rp[i + 1]; q++) {
            size_t j = s->ri[q], at = fill[j]++;
            s->ci[at] = (uint32_t)i;
            s->cv[at] = s->rv[q];
        }
    aq__free(fill);
    return AQ_OK;
}

/* G (n x n) = sum_k a_ki a_kj over the "outer" lists (for each i, the k
 * with a_ki != 0: optr/oidx/oval) and the "inner" lists (for each k, the j:
 * iptr/iidx/ival, sorted by j). With the column lists as outer and the row
 * lists as inner, G = A^T A; the other way round, G = A A^T. Each thread
 * fills whole rows i (j >= i), so no two write the same cell; the lower
 * half is mirrored after. */
static void gram(const size_t *optr, const uint32_t *oidx, const double *oval, const size_t *iptr,
                 const uint32_t *iidx, const double *ival, size_t n, double *G, int nt)
{
    memset(G, 0, n * n * sizeof *G);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 4) if (nt > 1 && n > 64)
    for (size_t i = 0; i < n; i++) {
        double *gi = G + i * n;
        for (size_t a = optr[i]; a < optr[i + 1]; a++) {
            size_t k = oidx[a];
            double w = oval[a];
            /* first j >= i in k's sorted list */
            size_t lo = iptr[k], hi = iptr[k + 1];
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (iidx[mid] < i)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t b = lo; b < iptr[k + 1]; b++)
                gi[iidx[b]] += w * ival[b];
        }
    }
    /* mirror in tiles, so that the column-wise reads stay in cache */
    for (size_t bi = 0; bi < n; bi += 64)
        for (size_t bj = 0; bj <= bi; bj += 64)
            for (size_t i = bi; i < bi + 64 && i < n; i++)
                for (size_t j = bj; j < bj + 64 && j < i; j++)
                    G[i * n + j] = G[j * n + i];
}

int aq_cx_proximity_matrix(aq_ctx *ctx, const double *M, size_t nu, size_t na,
                           enum aq_cx_proximity kind, double *phi)
{
    int nt = aq__cx_threads(ctx);
    if (kind == AQ_CX_CONTINUOUS) {
        /* Pearson correlation of the activities' RCA columns: centre and
         * scale each column, then phi = (1 + Z^T Z / nu) / 2. */
        double *z = aq__xmalloc(ctx, aq__cx_n1(nu * na) * sizeof *z);
        if (!z)
            return AQ_ENOMEM;
        for (size_t p = 0; p < na; p++) {
            double s = 0, ss = 0;
            for (size_t c = 0; c < nu; c++)
                s += M[c * na + p];
            double mean = nu ? s / (double)nu : 0;
            for (size_t c = 0; c < nu; c++)
                ss += (M[c * na + p] - mean) * (M[c * na + p] - mean);
            double sd = nu ? sqrt(ss / (double)nu) : 0;
            for (size_t c = 0; c < nu; c++)
                z[c * na + p] = sd > 0 ? (M[c * na + p] - mean) / sd : 0;
        }
        aq__cx_sparse s;
        int rc = aq__cx_sparse_make(ctx, z, nu, na, &s);
        aq__free(z);
        if (rc)
            return rc;
        gram(s.cp, s.ci, s.cv, s.rp, s.ri, s.rv, na, phi, nt);
        aq__cx_sparse_free(&s);
        for (size_t i = 0; i < na * na; i++)
            phi[i] = (1 + phi[i] / (double)(nu ? nu : 1)) / 2;
        for (size_t p = 0; p < na; p++)
            phi[p * na + p] = 0;
        return AQ_OK;
    }
    if (kind != AQ_CX_SYMMETRIC && kind != AQ_CX_ASYMMETRIC)
        return aq__err(ctx, AQ_EUSAGE, "complexity: unknown proximity kind %d", (int)kind);
    aq__cx_sparse s;
    int rc = aq__cx_sparse_make(ctx, M, nu, na, &s);
    if (rc)
        return rc;
    gram(s.cp, s.ci, s.cv, s.rp, s.ri, s.rv, na, phi, nt);
    aq__cx_sparse_free(&s);
    double *u = aq__xmalloc(ctx, (na ? na : 1) * sizeof *u);
    if (!u)
        return AQ_ENOMEM;
    aq_cx_degrees(M, nu, na, NULL, u);
    for (size_t p = 0; p < na; p++)
        for (size_t q = 0; q < na; q++) {
            double den = kind == AQ_CX_SYMMETRIC ? fmax(u[p], u[q]) : u[p];
            double *v = &phi[p * na + q];
            *v = p == q || den <= 0 ? 0 : *v / den;
        }
    aq__free(u);
    return AQ_OK;
}

/* out[c][p] = sum_q W_cq R[q][p] over the nonzero W_cq, with R row-major
 * na x na. R is far larger than the caches (200 MB at 5,000 activities),
 * so the work goes by blocks of 64 columns, and within a block by rows q
 * of R: each block row is read once from memory and added to the output
 * of every unit that has q (W's column lists), while the block of the
 * output (nu x 64) stays in cache. */
enum { CX_BW = 64 };

static void sparse_times(const aq__cx_sparse *w, const double *R, size_t na, double *out, int nt)
{
    size_t nb = (na + CX_BW - 1) / CX_BW;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1 && nb > 1)
    for (size_t b = 0; b < nb; b++) {
        size_t p0 = b * CX_BW, p1 = p0 + CX_BW < na ? p0 + CX_BW : na;
        if (w->nr > w->nc) {
            /* more units than activities: the block of R is the smaller,
             * keep it in cache and go unit by unit */
            for (size_t c = 0; c < w->nr; c++) {
                double *o = out + c * na;
                for (size_t p = p0; p < p1; p++)
                    o[p] = 0;
                for (size_t k = w->rp[c]; k < w->rp[c + 1]; k++) {
                    const double *r = R + (size_t)w->ri[k] * na;
                    double v = w->rv[k];
#pragma omp simd
                    for (size_t p = p0; p < p1; p++)
                        o[p] += v * r[p];
                }
            }
            continue;
        }
        for (size_t c = 0; c < w->nr; c++)
            for (size_t p = p0; p < p1; p++)
                out[c * na + p] = 0;
        for (size_t q = 0; q < w->nc; q++) {
            const double *r = R + q * na;
            for (size_t k = w->cp[q]; k < w->cp[q + 1]; k++) {
                double *o = out + (size_t)w->ci[k] * na, v = w->cv[k];
#pragma omp simd
                for (size_t p = p0; p < p1; p++)
                    o[p] += v * r[p];
            }
        }
    }
}

/* Two products in one pass over R: out1 = W1 R and out2 = W2 R, with W1
 * and W2 of one sparsity pattern (w1, and the values of W2 in w1's column
 * order, v2, and row order, v2r): R's rows are read once for both. */
static void sparse_times2(const aq__cx_sparse *w1, const double *v2, const double *v2r,
                          const double *R, size_t na, double *out1, double *out2, int nt)
{
    size_t nb = (na + CX_BW - 1) / CX_BW;
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1 && nb > 1)
    for (size_t b = 0; b < nb; b++) {
        size_t p0 = b * CX_BW, p1 = p0 + CX_BW < na ? p0 + CX_BW : na;
        if (w1->nr > w1->nc) { /* as in sparse_times */
            for (size_t c = 0; c < w1->nr; c++) {
                double *o1 = out1 + c * na, *o2 = out2 + c * na;
                for (size_t p = p0; p < p1; p++)
                    o1[p] = o2[p] = 0;
                for (size_t k = w1->rp[c]; k < w1->rp[c + 1]; k++) {
                    const double *r = R + (size_t)w1->ri[k] * na;
                    double v = w1->rv[k], g = v2r[k];
#pragma omp simd
                    for (size_t p = p0; p < p1; p++) {
                        o1[p] += v * r[p];
                        o2[p] += g * r[p];
                    }
                }
            }
            continue;
        }
        for (size_t c = 0; c < w1->nr; c++)
            for (size_t p = p0; p < p1; p++)
                out1[c * na + p] = out2[c * na + p] = 0;
        for (size_t q = 0; q < w1->nc; q++) {
            const double *r = R + q * na;
            for (size_t k = w1->cp[q]; k < w1->cp[q + 1]; k++) {
                size_t c = w1->ci[k];
                double *o1 = out1 + c * na, *o2 = out2 + c * na, v = w1->cv[k], g = v2[k];
#pragma omp simd
                for (size_t p = p0; p < p1; p++) {
                    o1[p] += v * r[p];
                    o2[p] += g * r[p];
                }
            }
        }
    }
}

int aq__cx_density_outlook(aq_ctx *ctx, const double *M, size_t nu, size_t na, const double *phi,
                           const double *kp, double *density, double *coi, double *cog)
{
    /* phi symmetric: density_cp = sum_q M_cq phi_qp / colsum_p and the COG
     * sum sum_q M_cq w_q phi_qp (w_q = kp_q / rowsum_q) both add rows of
     * phi, once each per present cell. */
    int nt = aq__cx_threads(ctx);
    double *sum = aq__xcalloc(ctx, aq__cx_n1(na), sizeof *sum);
    double *w = aq__xmalloc(ctx, aq__cx_n1(na) * sizeof *w);
    double *tot = aq__xcalloc(ctx, aq__cx_n1(na), sizeof *tot);
    double *v2 = NULL, *v2r = NULL;
    aq__cx_sparse s = {0};
    int rc = sum && w && tot ? aq__cx_sparse_make(ctx, M, nu, na, &s) : AQ_ENOMEM;
    if (!rc && (!(v2 = aq__xmalloc(ctx, aq__cx_n1(s.nnz) * sizeof *v2)) ||
                !(v2r = aq__xmalloc(ctx, aq__cx_n1(s.nnz) * sizeof *v2r))))
        rc = AQ_ENOMEM;
    if (rc)
        goto out;
    for (size_t q = 0; q < na; q++) {
        const double *row = phi + q * na;
        double rs = 0;
        for (size_t p = 0; p < na; p++)
            rs += row[p];
        sum[q] = rs; /* row sum = column sum */
        w[q] = rs > 0 && kp[q] == kp[q] ? kp[q] / rs : 0;
        for (size_t p = 0; p < na; p++)
            tot[p] += w[q] * row[p];
    }
    for (size_t q = 0; q < na; q++)
        for (size_t k = s.cp[q]; k < s.cp[q + 1]; k++)
            v2[k] = s.cv[k] * w[q];
    for (size_t k = 0; k < s.nnz; k++)
        v2r[k] = s.rv[k] * w[s.ri[k]];
    sparse_times2(&s, v2, v2r, phi, na, density, cog, nt);
    for (size_t c = 0; c < nu; c++) {
        double acc = 0;
        for (size_t p = 0; p < na; p++) {
            size_t i = c * na + p;
            double m = M[i];
            density[i] = sum[p] > 0 ? density[i] / sum[p] : NAN;
            cog[i] = kp[p] == kp[p] ? (1 - m) * (tot[p] - cog[i]) : NAN;
            double t = (1 - m) * density[i] * kp[p];
            if (t == t)
                acc += t;
        }
        coi[c] = acc;
    }
out:
    aq__cx_sparse_free(&s);
    aq__free(sum);
    aq__free(w);
    aq__free(tot);
    aq__free(v2);
    aq__free(v2r);
    return rc;
}

bool aq__cx_is_symmetric(const double *phi, size_t na)
{
    for (size_t bp = 0; bp < na; bp += 64) /* in tiles, as gram's mirror */
        for (size_t bq = bp; bq < na; bq += 64)
            for (size_t p = bp; p < bp + 64 && p < na; p++)
                for (size_t q = bq > p + 1 ? bq : p + 1; q < bq + 64 && q < na; q++)
                    if (phi[p * na + q] != phi[q * na + p])
                        return false;
    return true;
}

int aq_cx_density(aq_ctx *ctx, const double *M, size_t nu, size_t na, const double *phi,
                  double *density)
{
    int nt = aq__cx_threads(ctx);
    /* density_cp = sum_q M_cq phi[p][q] / colsum[p]: with R = phi^T,
     * the numerator is sum_q M_cq R[q][p], a row of R per present cell. */
    const double *R = phi;
    double *tr = NULL;
    if (!aq__cx_is_symmetric(phi, na)) {
        tr = aq__xmalloc(ctx, aq__cx_n1(na * na) * sizeof *tr);
        if (!tr)
            return AQ_ENOMEM;
        for (size_t bp = 0; bp < na; bp += 64)
            for (size_t bq = 0; bq < na; bq += 64)
                for (size_t p = bp; p < bp + 64 && p < na; p++)
                    for (size_t q = bq; q < bq + 64 && q < na; q++)
                        tr[q * na + p] = phi[p * na + q];
        R = tr;
    }
    double *colsum = aq__xcalloc(ctx, na ? na : 1, sizeof *colsum);
    aq__cx_sparse s;
    int rc = colsum ? aq__cx_sparse_make(ctx, M, nu, na, &s) : AQ_ENOMEM;
    if (rc) {
        aq__free(colsum);
        aq__free(tr);
        return rc;
    }
    for (size_t r = 0; r < na; r++)
        for (size_t p = 0; p < na; p++)
            colsum[p] += phi[r * na + p];
    sparse_times(&s, R, na, density, nt);
    for (size_t c = 0; c < nu; c++)
        for (size_t p = 0; p < na; p++)
            density[c * na + p] = colsum[p] > 0 ? density[c * na + p] / colsum[p] : NAN;
    aq__cx_sparse_free(&s);
    aq__free(colsum);
    aq__free(tr);
    return AQ_OK;
}

int aq_cx_outlook(aq_ctx *ctx, const double *M, size_t nu, size_t na, const double *phi,
                  const double *density, const double *kp, double *coi, double *cog)
{
    int nt = aq__cx_threads(ctx);
    for (size_t c = 0; c < nu; c++) {
        double s = 0;
        for (size_t p = 0; p < na; p++) {
            double t = (1 - M[c * na + p]) * density[c * na + p] * kp[p];
            if (t == t)
                s += t;
        }
        coi[c] = s;
    }
    if (!cog)
        return AQ_OK;
    /* sum_q (1 - M_cq) phi_qp w_q with w_q = kp_q / sum_r phi_qr
     *   = sum_q phi_qp w_q - sum_q (M_cq w_q) phi_qp:
     * a column total less a sparse product with the rows of phi. */
    double *w = aq__xmalloc(ctx, aq__cx_n1(na) * sizeof *w);
    double *tot = aq__xcalloc(ctx, aq__cx_n1(na), sizeof *tot);
    if (!w || !tot) {
        aq__free(w);
        aq__free(tot);
        return AQ_ENOMEM;
    }
    for (size_t q = 0; q < na; q++) {
        double rs = 0;
        for (size_t r = 0; r < na; r++)
            rs += phi[q * na + r];
        w[q] = rs > 0 && kp[q] == kp[q] ? kp[q] / rs : 0;
        for (size_t p = 0; p < na; p++)
            tot[p] += phi[q * na + p] * w[q];
    }
    aq__cx_sparse s;
    int rc = aq__cx_sparse_make(ctx, M, nu, na, &s);
    if (rc == AQ_OK) {
        for (size_t q = 0; q < na; q++)
            for (size_t k = s.cp[q]; k < s.cp[q + 1]; k++)
                s.cv[k] *= w[q];
        for (size_t k = 0; k < s.nnz; k++)
            s.rv[k] *= w[s.ri[k]];
        sparse_times(&s, phi, na, cog, nt);
        for (size_t c = 0; c < nu; c++)
            for (size_t p = 0; p < na; p++) {
                double m = M[c * na + p];
                cog[c * na + p] = kp[p] == kp[p] ? (1 - m) * (tot[p] - cog[c * na + p]) : NAN;
            }
        aq__cx_sparse_free(&s);
    }
    aq__free(w);
    aq__free(tot);
    return rc;
}

/* ---- ECI and PCI ---- */

static void zscore_by(double *v, size_t n, double mean, double sd)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (v[i] - mean) / sd;
}

static void mean_sd(const double *v, size_t n, double *mean, double *sd)
{
    double s = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    *mean = s / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - *mean) * (v[i] - *mean);
    *sd = sqrt(ss / (double)n);
}

static double corr(const double *a, const double *b, size_t n)
{
    double ma, sa, mb, sb, s = 0;
    mean_sd(a, n, &ma, &sa);
    mean_sd(b, n, &mb, &sb);
    for (size_t i = 0; i < n; i++)
        s += (a[i] - ma) * (b[i] - mb);
    return sa > 0 && sb > 0 ? s / ((double)n * sa * sb) : 0;
}

/* The second eigenvector of the symmetric S (n x n, destroyed), by GSL's
 * symmetric solver for n up to a few thousand, else by power iteration
 * with the known top eigenvector (top, unit length) deflated. */
static int second_eigvec(aq_ctx *ctx, double *S, size_t n, const double *top, double *w,
                         double *lambda)
{
    /* the largest side solved densely (-DCX_EIG_MAX=2 runs the toy of
     * t_complexity.c through the power iteration, which it passes) */
#ifndef CX_EIG_MAX
#define CX_EIG_MAX 3000
#endif
    if (n <= CX_EIG_MAX) {
        gsl_matrix_view A = gsl_matrix_view_array(S, n, n);
        gsl_vector *eval = gsl_vector_alloc(n);
        gsl_matrix *evec = gsl_matrix_alloc(n, n);
        gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(n);
        if (!eval || !evec || !ws) {
            gsl_vector_free(eval);
            gsl_matrix_free(evec);
            gsl_eigen_symmv_free(ws);
            return aq__oom(ctx);
        }
        gsl_eigen_symmv(&A.matrix, eval, evec, ws);
        gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
        for (size_t i = 0; i < n; i++)
            w[i] = gsl_matrix_get(evec, i, 1);
        double l0 = gsl_vector_get(eval, 0), l1 = gsl_vector_get(eval, 1);
        double l2 = n > 2 ? gsl_vector_get(eval, 2) : -1;
        *lambda = l1;
        if (l0 - l1 < 1e-9)
            aq__warn(ctx, "complexity: the unit-activity network falls apart into separate "
                          "pieces (eigenvalue 1 repeated); ECI then tells the pieces apart, "
                          "not complexity (docs/complexity.md)");
        else if (l1 - l2 < 1e-9 * (l1 > 0 ? l1 : 1))
            aq__warn(ctx, "complexity: the second and third eigenvalues coincide (%.12g); the "
                          "ECI eigenvector is not unique", l1);
        gsl_vector_free(eval);
        gsl_matrix_free(evec);
        gsl_eigen_symmv_free(ws);
        return AQ_OK;
    }
    /* Power iteration: every eigenvalue of S lies in [0, 1] (S = B B^T with
     * B the degree-scaled presence), so with the top one deflated it
     * converges to the second. */
    double *v = aq__xmalloc(ctx, n * sizeof *v);
    if (!v)
        return AQ_ENOMEM;
    for (size_t i = 0; i < n; i++)
        w[i] = 1.0 + (double)(i % 7) / 7.0;
    double lam = 0;
    int it;
    for (it = 0; it < 100000; it++) {
        double dot = 0, nrm = 0;
        for (size_t i = 0; i < n; i++)
            dot += w[i] * top[i];
        for (size_t i = 0; i < n; i++)
            w[i] -= dot * top[i];
        for (size_t i = 0; i < n; i++)
            nrm += w[i] * w[i];
        nrm = sqrt(nrm);
        for (size_t i = 0; i < n; i++)
            w[i] /= nrm;
        for (size_t i = 0; i < n; i++) {
            double s = 0;
            for (size_t j = 0; j < n; j++)
                s += S[i * n + j] * w[j];
            v[i] = s;
        }
        double nl = 0, diff = 0;
        for (size_t i = 0; i < n; i++)
            nl += v[i] * w[i];
        for (size_t i = 0; i < n; i++)
            diff += fabs(v[i] - nl * w[i]);
        memcpy(w, v, n * sizeof *w);
        lam = nl;
        if (diff < 1e-13 * (double)n)
            break;
    }
    aq__free(v);
    if (it == 100000)
        aq__warn(ctx, "complexity: the power iteration for ECI did not converge");
    *lambda = lam;
    return AQ_OK;
}

static int eigen_method(aq_ctx *ctx, const aq__cx_sparse *s, const double *d, const double *u,
                        double *kc, double *kp, double *norm)
{
    size_t nu = s->nr, na = s->nc;
    bool units_side = nu <= na;
    size_t n = units_side ? nu : na;
    /* B_cp = M_cp / sqrt(d_c u_p): S = B B^T (units) or B^T B (activities)
     * is symmetric with the spectrum of M~, its top eigenvector sqrt(d)
     * or sqrt(u) with eigenvalue 1. */
    aq__cx_sparse b = *s;
    double *rv = aq__xmalloc(ctx, (s->nnz ? s->nnz : 1) * sizeof *rv);
    double *cv = aq__xmalloc(ctx, (s->nnz ? s->nnz : 1) * sizeof *cv);
    double *S = aq__xmalloc(ctx, n * n * sizeof *S);
    double *w = aq__xmalloc(ctx, n * sizeof *w), *top = aq__xmalloc(ctx, n * sizeof *top);
    int rc = AQ_ENOMEM;
    if (!rv || !cv || !S || !w || !top)
        goto out;
    for (size_t c = 0; c < nu; c++)
        for (size_t k = s->rp[c]; k < s->rp[c + 1]; k++)
            rv[k] = s->rv[k] / sqrt(d[c] * u[s->ri[k]]);
    for (size_t p = 0; p < na; p++)
        for (size_t k = s->cp[p]; k < s->cp[p + 1]; k++)
            cv[k] = s->cv[k] / sqrt(d[s->ci[k]] * u[p]);
    b.rv = rv;
    b.cv = cv;
    int nt = aq__cx_threads(ctx);
    double tn = 0;
    if (units_side) {
        gram(b.rp, b.ri, b.rv, b.cp, b.ci, b.cv, n, S, nt);
        for (size_t i = 0; i < n; i++)
            tn += d[i];
        for (size_t i = 0; i < n; i++)
            top[i] = sqrt(d[i] / tn);
    } else {
        gram(b.cp, b.ci, b.cv, b.rp, b.ri, b.rv, n, S, nt);
        for (size_t i = 0; i < n; i++)
            tn += u[i];
        for (size_t i = 0; i < n; i++)
            top[i] = sqrt(u[i] / tn);
    }
    double lambda = 1;
    rc = second_eigvec(ctx, S, n, top, w, &lambda);
    if (rc)
        goto out;
    if (units_side) {
        for (size_t c = 0; c < nu; c++)
            kc[c] = w[c] / sqrt(d[c]);
        /* k_p = sum_c M_cp k_c / u_p / lambda keeps k_c = sum_p M_cp k_p / d_c */
        for (size_t p = 0; p < na; p++) {
            double acc = 0;
            for (size_t k = s->cp[p]; k < s->cp[p + 1]; k++)
                acc += s->cv[k] * kc[s->ci[k]];
            kp[p] = acc / u[p] / lambda;
        }
    } else {
        for (size_t p = 0; p < na; p++)
            kp[p] = w[p] / sqrt(u[p]);
        for (size_t c = 0; c < nu; c++) {
            double acc = 0;
            for (size_t k = s->rp[c]; k < s->rp[c + 1]; k++)
                acc += s->rv[k] * kp[s->ri[k]];
            kc[c] = acc / d[c];
        }
    }
    /* k_p of unit length (as an eigensolver returns it; the Stata package
     * computes COI and COG from this raw k_p), the sign from diversity. */
    double sg = corr(d, kc, nu) < 0 ? -1 : 1, mean, sd, len = 0;
    for (size_t p = 0; p < na; p++)
        len += kp[p] * kp[p];
    sg /= sqrt(len);
    for (size_t c = 0; c < nu; c++)
        kc[c] *= sg;
    for (size_t p = 0; p < na; p++)
        kp[p] *= sg;
    mean_sd(kc, nu, &mean, &sd);
    /* The Stata package z-scores over the unit x activity rows of its data
     * set (each unit na times) with the sample sd, divisor nu na - 1. */
    sd *= sqrt((double)(nu * na) / ((double)(nu * na) - 1));
    norm[0] = mean;
    norm[1] = sd;
    if (!(sd > 0)) {
        rc = aq__err(ctx, AQ_EINPUT, "complexity: every unit has the same ECI; the "
                                     "presence matrix has no structure to rank");
        goto out;
    }
    zscore_by(kp, na, mean, sd);
    zscore_by(kc, nu, mean, sd);
    rc = AQ_OK;
out:
    aq__free(rv);
    aq__free(cv);
    aq__free(S);
    aq__free(w);
    aq__free(top);
    return rc;
}

static void reflections(const aq__cx_sparse *s, const double *d, const double *u, int iterations,
                        double *kc, double *kp, double *tc, double *tp)
{
    size_t nu = s->nr, na = s->nc;
    memcpy(kc, d, nu * sizeof *kc);
    memcpy(kp, u, na * sizeof *kp);
    for (int n = 0; n < iterations; n++) {
        for (size_t c = 0; c < nu; c++) {
            double acc = 0;
            for (size_t k = s->rp[c]; k < s->rp[c + 1]; k++)
                acc += s->rv[k] * kp[s->ri[k]];
            tc[c] = acc / d[c];
        }
        for (size_t p = 0; p < na; p++) {
            double acc = 0;
            for (size_t k = s->cp[p]; k < s->cp[p + 1]; k++)
                acc += s->cv[k] * kc[s->ci[k]];
            tp[p] = acc / u[p];
        }
        memcpy(kc, tc, nu * sizeof *kc);
        memcpy(kp, tp, na * sizeof *kp);
    }
}

static void fitness(const aq__cx_sparse *s, int iterations, double *F, double *Q, double *tf,
                    double *tq)
{
    size_t nu = s->nr, na = s->nc;
    for (size_t c = 0; c < nu; c++)
        F[c] = 1;
    for (size_t p = 0; p < na; p++)
        Q[p] = 1;
    for (int n = 0; n < iterations; n++) {
        double sf = 0, sq = 0, change = 0;
        for (size_t c = 0; c < nu; c++) {
            double acc = 0;
            for (size_t k = s->rp[c]; k < s->rp[c + 1]; k++)
                acc += s->rv[k] * Q[s->ri[k]];
            tf[c] = acc;
            sf += acc;
        }
        for (size_t p = 0; p < na; p++) {
            double acc = 0;
            for (size_t k = s->cp[p]; k < s->cp[p + 1]; k++)
                acc += s->cv[k] / F[s->ci[k]];
            tq[p] = 1 / acc;
            sq += tq[p];
        }
        for (size_t c = 0; c < nu; c++) {
            double v = tf[c] / (sf / (double)nu);
            change = fmax(change, fabs(v - F[c]) / (fabs(v) + 1e-300));
            F[c] = v;
        }
        for (size_t p = 0; p < na; p++) {
            double v = tq[p] / (sq / (double)na);
            change = fmax(change, fabs(v - Q[p]) / (fabs(v) + 1e-300));
            Q[p] = v;
        }
        if (change < 1e-12)
            break;
    }
}

int aq_cx_complexity(aq_ctx *ctx, const double *M, size_t nu, size_t na,
                     enum aq_cx_method method, int iterations, double *eci, double *pci,
                     double *norm)
{
    double nbuf[2];
    if (!norm)
        norm = nbuf;
    norm[0] = 0;
    norm[1] = 1;
    double *d = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *d);
    double *u = aq__xmalloc(ctx, (na ? na : 1) * sizeof *u);
    size_t *uc = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *uc);
    size_t *ap = aq__xmalloc(ctx, (na ? na : 1) * sizeof *ap);
    double *Mk = NULL, *kc = NULL, *kp = NULL, *t1 = NULL, *t2 = NULL;
    aq__cx_sparse s = {0};
    int rc = AQ_ENOMEM;
    if (!d || !u || !uc || !ap)
        goto out;
    aq_cx_degrees(M, nu, na, d, u);
    size_t nuk = 0, nak = 0;
    for (size_t c = 0; c < nu; c++)
        if (d[c] > 0)
            uc[nuk++] = c;
    for (size_t p = 0; p < na; p++)
        if (u[p] > 0)
            ap[nak++] = p;
    for (size_t c = 0; c < nu; c++)
        eci[c] = NAN;
    for (size_t p = 0; p < na; p++)
        pci[p] = NAN;
    if (nuk < 2 || nak < 2) {
        rc = aq__err(ctx, AQ_EINPUT, "complexity: %zu units and %zu activities have a presence; "
                                     "ECI needs at least 2 of each", nuk, nak);
        goto out;
    }
    /* The units and activities with a presence, compacted. */
    Mk = aq__xmalloc(ctx, nuk * nak * sizeof *Mk);
    kc = aq__xmalloc(ctx, nuk * sizeof *kc);
    kp = aq__xmalloc(ctx, nak * sizeof *kp);
    t1 = aq__xmalloc(ctx, nuk * sizeof *t1);
    t2 = aq__xmalloc(ctx, nak * sizeof *t2);
    if (!Mk || !kc || !kp || !t1 || !t2)
        goto out;
    for (size_t i = 0; i < nuk; i++)
        for (size_t j = 0; j < nak; j++) {
            double m = M[uc[i] * na + ap[j]];
            Mk[i * nak + j] = m == m ? m : 0;
        }
    for (size_t i = 0; i < nuk; i++)
        t1[i] = d[uc[i]];
    for (size_t j = 0; j < nak; j++)
        t2[j] = u[ap[j]];
    memcpy(d, t1, nuk * sizeof *d);
    memcpy(u, t2, nak * sizeof *u);
    if ((rc = aq__cx_sparse_make(ctx, Mk, nuk, nak, &s)))
        goto out;
    if (method == AQ_CX_EIGEN) {
        rc = eigen_method(ctx, &s, d, u, kc, kp, norm);
        if (rc)
            goto out;
    } else if (method == AQ_CX_REFLECTIONS) {
        int n = iterations > 0 ? iterations : 18;
        reflections(&s, d, u, n, kc, kp, t1, t2);
        double mean, sd;
        mean_sd(kc, nuk, &mean, &sd);
        double sg = corr(d, kc, nuk) < 0 ? -1 : 1;
        if (!(sd > 0)) {
            rc = aq__err(ctx, AQ_EINPUT, "complexity: the reflections made every unit equal "
                                         "after %d steps; take fewer (--iterations)", n);
            goto out;
        }
        for (size_t i = 0; i < nuk; i++)
            kc[i] = sg * (kc[i] - mean) / sd;
        /* k_p,N is z-scored on its own; its sign makes PCI fall with ubiquity */
        mean_sd(kp, nak, &mean, &sd);
        double sp = corr(u, kp, nak) > 0 ? -1 : 1;
        for (size_t j = 0; j < nak; j++)
            kp[j] = sd > 0 ? sp * (kp[j] - mean) / sd : 0;
    } else if (method == AQ_CX_FITNESS) {
        fitness(&s, iterations > 0 ? iterations : 200, kc, kp, t1, t2);
    } else {
        rc = aq__err(ctx, AQ_EUSAGE, "complexity: unknown method %d", (int)method);
        goto out;
    }
    for (size_t i = 0; i < nuk; i++)
        eci[uc[i]] = kc[i];
    for (size_t j = 0; j < nak; j++)
        pci[ap[j]] = kp[j];
    rc = AQ_OK;
out:
    aq__cx_sparse_free(&s);
    aq__free(d);
    aq__free(u);
    aq__free(uc);
    aq__free(ap);
    aq__free(Mk);
    aq__free(kc);
    aq__free(kp);
    aq__free(t1);
    aq__free(t2);
    return rc;
}
