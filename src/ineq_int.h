/*
 * ineq_int.h -- internals shared by the disparity sources (ineq.c,
 * ineq_sort.c, ineq_boot.c). Not part of the public API (aimaq_ineq.h).
 */
#ifndef AQ_INEQ_INT_H
#define AQ_INEQ_INT_H

#include "aimaq_ineq.h"
#include "aq_int.h"

/* A unit after sorting: its value and weight (1 when unweighted). */
typedef struct aq__xw {
    double x, w;
} aq__xw;

/* Sorts X ascending, stably, carrying W (NULL = all 1) alongside, into a
 * newly allocated array *OUT of N pairs (free with aq__free). An LSD radix
 * sort on the IEEE bits, parallel over THREADS (>= 1); stability makes the
 * output independent of the thread count. Scratch: 2 x 16 bytes per unit.
 * Returns AQ_OK or AQ_ENOMEM. */
int aq__ineq_sort(aq_ctx *ctx, const double *x, const double *w, size_t n, int threads,
                  aq__xw **out);

/* The number of threads to use: OPTS_THREADS if > 0, else the context's
 * setting, else every core. */
int aq__ineq_threads(const aq_ctx *ctx, int opts_threads);

/* aq_ineq_compute with one more switch: SKIP_EMPTY_GROUPS treats a group
 * without units as absent instead of an error (bootstrap replicates). */
int aq__ineq_compute(aq_ctx *ctx, const double *x, const double *w, size_t n,
                     const uint32_t *g, size_t ngroups, const aq_ineq_opts *opts,
                     int skip_empty_groups, aq_ineq_result **out);

/* Inverts the K x K row-major matrix A into INV (caller-allocated).
 * Returns AQ_OK, AQ_EINPUT when A is singular (relative pivot below
 * 1e-13), AQ_ENOMEM. */
int aq__mat_inverse(aq_ctx *ctx, const double *a, size_t k, double *inv);

#endif
