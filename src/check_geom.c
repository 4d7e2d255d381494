/*
 * check_geom.c -- invalid polygons, found before they mislead an area, a
 * centroid or a contiguity test: a boundary that crosses itself (a "bow
 * tie" left by a careless digitiser), a ring that is not closed, a hole
 * outside its shell. GDAL asks GEOS (OGR_G_IsValid); GEOS explains why
 * through GDAL's error channel ("Self-intersection at or near point x y"),
 * which is captured here rather than printed, since the library never
 * prints.
 */
#include "check.h"

#include <cpl_error.h>
#include <math.h>
#include <ogr_api.h>
#include <stdint.h>
#include <stdio.h>

/* The last message GDAL or GEOS gave while the handler was installed. */
typedef struct why_buf {
    char msg[256];
} why_buf;

static void CPL_STDCALL keep_reason(CPLErr cls, CPLErrorNum num, const char *msg)
{
    (void)cls;
    (void)num;
    why_buf *w = CPLGetErrorHandlerUserData();
    if (w && msg)
        snprintf(w->msg, sizeof w->msg, "%s", msg);
}

int aq__check_geometry(aq_ctx *ctx, aq_findings *f, const char *code, const unsigned char *wkb, size_t len,
                       size_t line)
{
    if (!wkb || len == 0)
        return AQ_OK;
    const char *who = code ? code : "?";
    why_buf why = {""};
    CPLPushErrorHandlerEx(keep_reason, &why);
    OGRGeometryH g = NULL;
    int rc = AQ_OK;
    if (len > INT32_MAX || OGR_G_CreateFromWkb(wkb, NULL, &g, (int)len) != OGRERR_NONE) {
        rc = aq__finding_add(ctx, f, AQ_SEV_ERROR, "geometry", code, NULL, NULL, NAN, line,
                             "unit '%s': the geometry cannot be decoded (%zu bytes of WKB)%s%s", who, len,
                             *why.msg ? ": " : "", why.msg);
    } else if (!OGR_G_IsValid(g)) {
        char kind[32]; /* "MULTIPOLYGON" reads better in lower case */
        snprintf(kind, sizeof kind, "%s", OGR_G_GetGeometryName(g));
        for (char *p = kind; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        rc = aq__finding_add(ctx, f, AQ_SEV_ERROR, "geometry", code, NULL, NULL, NAN, line,
                             "unit '%s': the %s is not valid (%s); expected closed rings that do not cross "
                             "themselves or each other; fix it (e.g. ogr2ogr -makevalid) before areas, centroids "
                             "or contiguity use it",
                             who, kind, *why.msg ? why.msg : "GEOS gives no reason");
    }
    OGR_G_DestroyGeometry(g);
    CPLPopErrorHandler();
    return rc;
}

int aq__check_geometries(aq_ctx *ctx, const aq_table *t, long code_col, aq_findings *f)
{
    int rc = AQ_OK;
    bool lines = aq_table_source(t) != NULL;
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        size_t len = 0;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        if (g)
            rc = aq__check_geometry(ctx, f, code_col >= 0 ? aq_table_text(t, (size_t)code_col, i) : NULL, g, len,
                                    lines ? aq_table_source_line(t, i) : 0);
    }
    return rc;
}
