/*
 * ineq_linalg.c -- the small dense linear algebra the convergence
 * regressions and Markov chains need (matrices of a few dozen rows at
 * most). Written here rather than taken from GSL because GSL's default
 * error handler aborts the process on a singular matrix, and the library
 * must report that as an error instead.
 */
#include "ineq_int.h"

#include <math.h>
#include <string.h>

int aq__mat_inverse(aq_ctx *ctx, const double *a, size_t k, double *inv)
{
    double *m = aq__xmalloc(ctx, k * k * sizeof *m);
    if (!m)
        return AQ_ENOMEM;
    memcpy(m, a, k * k * sizeof *m);
    double scale = 0;
    for (size_t i = 0; i < k * k; i++)
        scale = fmax(scale, fabs(a[i]));
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++)
            inv[i * k + j] = i == j;
    /* Gauss-Jordan with partial pivoting */
    for (size_t c = 0; c < k; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < k; r++)
            if (fabs(m[r * k + c]) > fabs(m[piv * k + c]))
                piv = r;
        if (!(fabs(m[piv * k + c]) > 1e-13 * scale)) {
            aq__free(m);
            return aq__err(ctx, AQ_EINPUT, "the matrix is singular (column %zu depends on the others)",
                           c + 1);
        }
        if (piv != c)
            for (size_t j = 0; j < k; j++) {
                double t = m[c * k + j];
                m[c * k + j] = m[piv * k + j];
                m[piv * k + j] = t;
                t = inv[c * k + j];
                inv[c * k + j] = inv[piv * k + j];
                inv[piv * k + j] = t;
            }
        double d = m[c * k + c];
        for (size_t j = 0; j < k; j++) {
            m[c * k + j] /= d;
            inv[c * k + j] /= d;
        }
        for (size_t r = 0; r < k; r++) {
            if (r == c)
                continue;
            double f = m[r * k + c];
            if (f == 0)
                continue;
            for (size_t j = 0; j < k; j++) {
                m[r * k + j] -= f * m[c * k + j];
                inv[r * k + j] -= f * inv[c * k + j];
            }
        }
    }
    aq__free(m);
    return AQ_OK;
}
