/*
 * structure.c -- specialisation and concentration kernels on plain arrays:
 * location quotients, Krugman, Hoover, Herfindahl-Hirschman, Gini of
 * specialisation. Each follows the formula of REAT (Wieland, the R package
 * "Regional Economic Analysis Toolbox") so that results can be checked
 * against it; docs/structure.md gives the formulas and sources.
 */
#include "aq_int.h"
#include "aimaq_structure.h"

#include <math.h>
#include <stdlib.h>

static double sum(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

double aq_locq(double e_ij, double e_j, double e_i, double e)
{
    if (e_j == 0 || e_i == 0 || e == 0)
        return NAN;
    return (e_ij / e_j) / (e_i / e);
}

void aq_locq_vector(const double *x, const double *ref, size_t n, double *lq)
{
    double sx = sum(x, n), sr = sum(ref, n);
    for (size_t i = 0; i < n; i++)
        lq[i] = aq_locq(x[i], sx, ref[i], sr);
}

double aq_krugman(const double *x, const double *ref, size_t n)
{
    double sx = sum(x, n), sr = sum(ref, n);
    if (sx == 0 || sr == 0)
        return NAN;
    double k = 0;
    for (size_t i = 0; i < n; i++)
        k += fabs(x[i] / sx - ref[i] / sr);
    return k;
}

double aq_hoover(const double *x, const double *ref, size_t n)
{
    return 0.5 * aq_krugman(x, ref, n);
}

double aq_hhi(const double *x, size_t n, double *norm)
{
    double sx = sum(x, n), h = NAN;
    if (sx != 0) {
        h = 0;
        for (size_t i = 0; i < n; i++)
            h += (x[i] / sx) * (x[i] / sx);
    }
    if (norm)
        *norm = n >= 2 ? (h - 1.0 / (double)n) / (1.0 - 1.0 / (double)n) : NAN;
    return h;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double aq_gini_spec(const double *x, const double *ref, size_t n, double *work)
{
    double sx = sum(x, n), sr = sum(ref, n);
    if (sx == 0 || sr == 0)
        return NAN;
    size_t m = 0;
    double mean = 0;
    for (size_t i = 0; i < n; i++) {
        if (ref[i] == 0)
            continue; /* no national reference: LQ undefined, REAT would give NaN */
        work[m] = (x[i] / sx) / (ref[i] / sr);
        mean += work[m++];
    }
    if (m == 0)
        return NAN;
    mean /= (double)m;
    qsort(work, m, sizeof *work, cmp_double);
    double s = 0;
    for (size_t k = 0; k < m; k++)
        s += (double)(k + 1) * (work[k] - mean);
    return 2.0 / ((double)m * (double)m * mean) * s;
}
