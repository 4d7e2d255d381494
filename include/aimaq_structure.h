/*
 * aimaq_structure.h -- economic structure of territories: location
 * quotients, specialisation and concentration indices, shift-share.
 *
 * Conventions are those of aimaq.h (context, return codes, ownership).
 * Formulas, sources and the names other tools use are in docs/structure.md.
 *
 * Notation: e_ij is employment (or output) of sector i in territory j,
 * e_j the territory's total, e_i the nation's total in sector i and e the
 * nation's total. The kernels take plain arrays of one territory's sectors
 * (x, n values) and of the reference (ref, the nation's sectors).
 */
#ifndef AIMAQ_STRUCTURE_H
#define AIMAQ_STRUCTURE_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Kernels on plain arrays. They do not allocate unless they say so.
 * ------------------------------------------------------------------- */

/* Location quotient (e_ij / e_j) / (e_i / e), as REAT's locq(). NaN when a
 * denominator is zero. */
double aq_locq(double e_ij, double e_j, double e_i, double e);

/* Location quotients of one territory: lq[i] = (x[i]/sum x)/(ref[i]/sum ref)
 * for i < n (NaN where ref[i] is 0 or a total is 0). */
void aq_locq_vector(const double *x, const double *ref, size_t n, double *lq);

/* Krugman dissimilarity sum_i |x_i/sum x - ref_i/sum ref|, in [0, 2];
 * REAT's krugman.spec(). NaN when a total is 0. */
double aq_krugman(const double *x, const double *ref, size_t n);

/* Hoover coefficient 0.5 sum_i |x_i/sum x - ref_i/sum ref|, in [0, 1];
 * REAT's hoover(x, ref). With x = a territory's sectors and ref = the
 * nation's, it measures specialisation; with x = one sector's employment
 * by territory and ref = total employment by territory, localisation. */
double aq_hoover(const double *x, const double *ref, size_t n);

/* Herfindahl-Hirschman index sum_i (x_i/sum x)^2, in [1/n, 1]: a
 * territory's dependence on few sectors (a mono-town is near 1). If norm is
 * non-NULL it receives the normalised index (H - 1/n)/(1 - 1/n), in [0, 1]
 * (REAT's herf(coefnorm = TRUE)); NaN when n < 2. */
double aq_hhi(const double *x, size_t n, double *norm);

/* Gini coefficient of specialisation, REAT's gini.spec(): with R_i the
 * location quotients sorted ascending and R their mean,
 *   G = 2 / (n^2 R) * sum_k k (R_(k) - R).
 * Applied to one sector's employment by territory against total employment
 * by territory it is the locational Gini (REAT's gini.conc). Sectors with
 * ref_i = 0 are left out. Sorting needs n doubles: work must hold n values.
 * Returns NaN when a total is 0. */
double aq_gini_spec(const double *x, const double *ref, size_t n, double *work);

/* ---------------------------------------------------------------------
 * Shift-share of one territory between two periods.
 * ------------------------------------------------------------------- */

/* Components of a territory's change (classic shift-share after Dunn 1960,
 * split as REAT's shift() does, and Esteban-Marquillas 1972):
 *   growth      = e_j1 - e_j0
 *   national    = e_j0 (e1/e0 - 1)                national share
 *   mix         = sum_i e_ij0 (e_i1/e_i0) - e_j0 e1/e0   industrial mix
 *   regional    = growth - national - mix        regional (competitive) shift
 *   homothetic  = sum_i e*_ij0 (r_ij - r_i), e*_ij0 = e_j0 e_i0/e0
 *   allocation  = sum_i (e_ij0 - e*_ij0)(r_ij - r_i)
 * with r_ij = e_ij1/e_ij0 - 1 and r_i = e_i1/e_i0 - 1; homothetic +
 * allocation = regional. A sector the territory did not have in the base
 * period (e_ij0 = 0) has no growth rate r_ij; its regional shift e_ij1 is
 * then counted wholly as allocation effect, so the identity still holds. */
typedef struct aq_shift {
    double base, final;       /* e_j0, e_j1                                */
    double growth, national, mix, regional;
    double homothetic, allocation;
} aq_shift;

/* Computes the components for one territory: r0/r1 its sectors in the base
 * and final period, n0/n1 the nation's, nsec sectors. If sector_regional is
 * non-NULL it receives each sector's regional shift
 * e_ij1 - e_ij0 e_i1/e_i0 (the 'competitive shift' per sector); if
 * sector_mix is non-NULL, each sector's industrial-mix part
 * e_ij0 (e_i1/e_i0 - e1/e0). Returns AQ_OK, or AQ_EINPUT when a national
 * base value is 0 (the message names the sector index). */
int aq_shift_share(aq_ctx *ctx, const double *r0, const double *r1, const double *n0,
                   const double *n1, size_t nsec, aq_shift *out, double *sector_regional,
                   double *sector_mix);

/* Dynamic shift-share (Barff & Knight 1988): the classic components for
 * each pair of consecutive periods, summed. r and n hold nper periods of
 * nsec values each (r[p * nsec + i]). out->base is the first period's
 * total, out->final the last one's. Returns what aq_shift_share returns. */
int aq_shift_share_dynamic(aq_ctx *ctx, const double *r, const double *n, size_t nsec,
                           size_t nper, aq_shift *out);

/* ---------------------------------------------------------------------
 * The same measures on a table of territory x sector values.
 * ------------------------------------------------------------------- */

/* What aq_structure computes. */
enum aq_structure_measure {
    AQ_STRUCT_SUMMARY = 1, /* per territory: total, top sector and share, HHI,
                              Krugman, Hoover, Gini specialisation          */
    AQ_STRUCT_LQ,          /* territory x sector matrix of location quotients */
    AQ_STRUCT_LOCALISATION,/* per sector: total, share, Hoover localisation,
                              locational Gini, most specialised territory   */
    AQ_STRUCT_SHIFT,       /* per territory: classic + Esteban-Marquillas    */
    AQ_STRUCT_SHIFT_SECTORS,/* per territory and sector: national share,
                              industrial mix, regional shift                */
    AQ_STRUCT_DYNAMIC,     /* per territory: year-by-year components, summed */
    AQ_STRUCT_ADVANTAGES   /* per territory: sectors with LQ > 1 and a
                              positive regional shift                       */
};

/* Parses "summary", "lq", "localisation" (or "localization"), "shift",
 * "shift-sectors", "dynamic", "advantages". Returns AQ_OK or AQ_EUSAGE. */
int aq_structure_measure_parse(const char *name, enum aq_structure_measure *out);

/* How the table is read. Initialise with aq_structure_opts_init. Two shapes
 * are understood:
 *  - wide: one row per territory (and period), one number column per sector
 *    (the shape aq_store_select returns, indicators as sectors);
 *  - long: one row per territory, sector (and period) with a value column;
 *    chosen when `sector` is set or a column named "sector" exists. */
typedef struct aq_structure_opts {
    const char *territory;  /* territory column; NULL = "code", else "name",
                               else the first text column                   */
    const char *sector;     /* long shape: the sector column                 */
    const char *value;      /* long shape: the value column; NULL = "value"  */
    const char *period;     /* period column; NULL = "period" when present   */
    const char *const *sectors; /* wide shape: NULL-terminated sector
                               columns; NULL = every number column except
                               the period, total and territory columns       */
    const char *nation;     /* territory whose row holds the national totals;
                               NULL = the nation is the sum of territories  */
    const char *total;      /* column of each row's total, checked against
                               the sum of its sectors                        */
    double tolerance;       /* relative tolerance of those checks (0.001)    */
    const char *at;         /* period of the one-period measures; NULL = last */
    const char *base;       /* shift-share base period; NULL = the first      */
    const char *final;      /* shift-share final period; NULL = the last      */
} aq_structure_opts;

void aq_structure_opts_init(aq_structure_opts *opts);

/* Computes MEASURE on T. Values must be non-negative; a missing value is
 * read as 0 with a warning that names the cells. Totals that do not add up
 * (a `total` column, or a `nation` row whose sectors differ from the sum of
 * the territories by more than the tolerance) are AQ_EINPUT naming the
 * territory, period and both numbers. The result table (owned by the
 * caller) has a first column "territory". Returns AQ_OK, AQ_EINPUT,
 * AQ_ENOTFOUND (a named column or period is absent), AQ_EUSAGE, AQ_ENOMEM. */
int aq_structure(aq_ctx *ctx, const aq_table *t, const aq_structure_opts *opts,
                 enum aq_structure_measure measure, aq_table **out);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_STRUCTURE_H */
