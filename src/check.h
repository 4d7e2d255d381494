/* check.h -- internals of the data checks shared by check.c and check_store.c. */
#ifndef AQ_CHECK_H
#define AQ_CHECK_H

#include "aq_int.h"

int aq__findings_new(aq_ctx *ctx, aq_findings **out);
int aq__finding_add(aq_ctx *ctx, aq_findings *f, enum aq_severity sev, const char *check, const char *unit,
                    const char *indicator, const char *period, double value, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));
/* Runs the table checks, appending to F. FROM_STORE: T is a selection from
 * the store, whose hierarchy is checked separately. */
int aq__check_table_into(aq_ctx *ctx, const aq_table *t, bool from_store, aq_findings *f);
bool aq__is_count_column(const char *name);
/* Appends an error finding when WKB (LEN bytes; NULL or empty: nothing to
 * check) does not decode or is not a valid geometry (GEOS via OGR_G_IsValid),
 * naming the unit CODE (may be NULL), the source LINE (0: unknown) and
 * GEOS's reason. Returns AQ_OK or AQ_ENOMEM. (check_geom.c) */
int aq__check_geometry(aq_ctx *ctx, aq_findings *f, const char *code, const unsigned char *wkb, size_t len,
                       size_t line);
/* The same for every row of T with a geometry; CODE_COL is the code column
 * or -1. */
int aq__check_geometries(aq_ctx *ctx, const aq_table *t, long code_col, aq_findings *f);

#endif
