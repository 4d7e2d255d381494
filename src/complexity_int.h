/* complexity_int.h -- what the complexity sources share (complexity.c,
 * complexity_run.c, complexity_table.c). */
#ifndef AQ_COMPLEXITY_INT_H
#define AQ_COMPLEXITY_INT_H

#include "aimaq_complexity.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The nonzero cells of an nr x nc matrix, by rows (rp/ri/rv, column
 * indices sorted) and by columns (cp/ci/cv, row indices sorted). */
typedef struct aq__cx_sparse {
    size_t nr, nc, nnz;
    size_t *rp, *cp;
    uint32_t *ri, *ci;
    double *rv, *cv;
} aq__cx_sparse;

int aq__cx_sparse_make(aq_ctx *ctx, const double *A, size_t nr, size_t nc, aq__cx_sparse *s);
void aq__cx_sparse_free(aq__cx_sparse *s);
/* The context's thread count, all cores when it is 0. */
int aq__cx_threads(aq_ctx *ctx);
/* N, or 1 when N is 0: the size to allocate for N elements. */
static inline size_t aq__cx_n1(size_t n) { return n > 0 ? n : 1; }
/* aq_cx_density and aq_cx_outlook in one pass, for a symmetric phi. */
int aq__cx_density_outlook(aq_ctx *ctx, const double *M, size_t nu, size_t na, const double *phi,
                           const double *kp, double *density, double *coi, double *cog);
bool aq__cx_is_symmetric(const double *phi, size_t na);
/* aq_cx_compute with LABEL ("period 1995") before its warnings. */
int aq__cx_compute(aq_ctx *ctx, const double *x, size_t nu, size_t na, const aq_cx_opts *o,
                   int keep_proximity, const char *label, aq_cx_result *r);

#endif
