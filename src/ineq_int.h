/*
 * ineq_int.h -- internals shared by the disparity sources (ineq.c,
 * ineq_sort.c, ineq_boot.c). Not part of the public API (aimaq_ineq.h).
 */
#ifndef AQ_INEQ_INT_H
#define AQ_INEQ_INT_H

#include "aimaq_ineq.h"
#include "aq_int.h"

/* Sorts X ascending, stably, carrying W alongside when W is not NULL.
 * XS and TMPX (n doubles each) receive the sorted values and serve as
 * scratch; WS and TMPW likewise for weights (ignored when W is NULL).
 * An LSD radix sort on the IEEE bits, 11-bit digits, parallel over THREADS
 * (>= 1); stability makes the output independent of the thread count.
 * Returns AQ_OK or AQ_ENOMEM (histograms). */
int aq__ineq_sort(aq_ctx *ctx, const double *x, const double *w, size_t n, int threads,
                  double *xs, double *ws, double *tmpx, double *tmpw);

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
