/*
 * regress_int.h -- what regress.c shares with regress_sparse.c: the sparse
 * log-determinant ln|I - r W| by CHOLMOD's Cholesky factorisation.
 */
#ifndef AQ_REGRESS_INT_H
#define AQ_REGRESS_INT_H

#include "aimaq_spatial.h"

typedef struct aq__ldet aq__ldet;

/* Prepares ln|I - r W| for row-standardised weights made from symmetric
 * ones (then I - rW is similar to I - rS with S = D^-1/2 C D^-1/2
 * symmetric, and the determinants are equal), r in (-1, 1). The
 * symbolic analysis (fill-reducing ordering) is done once here.
 * AQ_EUSAGE when W has neither form (say so to the user: kNN weights are
 * asymmetric), AQ_ENOMEM. */
int aq__ldet_new(aq_ctx *ctx, const aq_weights *w, aq__ldet **out);

/* ln|I - r W|, or NaN when I - rS is not positive definite (r outside the
 * interval between 1/ev_min and 1/ev_max). */
double aq__ldet_eval(aq__ldet *l, double r);

/* tr A, tr A^2 and tr A'A for A = W (I - rW)^-1, exactly (n solves with
 * the factor: O(n nnz(L)) time), and AV = A V when V is not NULL. */
int aq__ldet_traces(aq_ctx *ctx, aq__ldet *l, double r, const double *v, double *av,
                    double *tr1, double *tr2, double *tr3);

void aq__ldet_free(aq__ldet *l);

#endif
