/*
 * access_store.c -- settlements and centres for accessibility and scenarios
 * taken from the store instead of files: the units of a level with their
 * point (or the centroid of their polygon) as lon/lat columns, and their
 * observations (population, an indicator) of one period.
 */
#include "network_int.h"
#include "aimaq_spatial.h"

#include <stdio.h>
#include <string.h>

int aq_table_add_points(aq_ctx *ctx, aq_table *t)
{
    if ((aq_table_find(t, "x") >= 0 && aq_table_find(t, "y") >= 0) ||
        (aq_table_find(t, "lon") >= 0 && aq_table_find(t, "lat") >= 0))
        return AQ_OK;
    size_t n = aq_table_nrows(t), cx, cy;
    int proj = aq_crs_is_geographic(aq_table_crs(t)) == 0;
    int rc = aq_table_add_column(ctx, t, proj ? "x" : "lon", AQ_COL_NUMBER, &cx);
    if (!rc)
        rc = aq_table_add_column(ctx, t, proj ? "y" : "lat", AQ_COL_NUMBER, &cy);
    for (size_t i = 0; i < n && !rc; i++) {
        size_t len;
        const unsigned char *wkb = aq_table_geometry(t, i, &len);
        double x, y;
        if (!wkb)
            continue; /* no geometry: no coordinates, reported when snapped */
        rc = aq_geometry_centroids(ctx, &wkb, &len, 1, &x, &y);
        if (!rc)
            rc = aq_table_set_number(ctx, t, cx, i, x);
        if (!rc)
            rc = aq_table_set_number(ctx, t, cy, i, y);
    }
    return rc;
}

int aq_access_store_places(aq_ctx *ctx, aq_store *store, const char *level, const char *period,
                           const char *under, const char *const *indicators, aq_table **out)
{
    aq_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.indicators = indicators;
    sel.level = level;
    sel.period = period;
    sel.under = under;
    aq_table *t = NULL;
    int rc = aq_store_select(store, &sel, &t);
    if (rc)
        return rc;
    size_t n = aq_table_nrows(t);
    long pc = aq_table_find(t, "period");
    char first[64] = "", buf[64];
    for (size_t i = 0; pc >= 0 && i < n && !rc; i++) {
        aq_table_cell(t, (size_t)pc, i, buf, sizeof buf);
        if (i == 0)
            snprintf(first, sizeof first, "%s", buf);
        else if (strcmp(buf, first) != 0)
            rc = aq__err(ctx, AQ_EUSAGE, "the store has %s for periods %s and %s at level '%s'; "
                         "choose one period", indicators && indicators[0] ? indicators[0]
                         : "observations", first, buf, level ? level : "(any)");
    }
    if (!rc && n == 0)
        rc = aq__err(ctx, AQ_ENOTFOUND, "the store has no %s at level '%s'%s%s%s%s",
                     indicators && indicators[0] ? indicators[0] : "observations",
                     level ? level : "(any)", period ? " for period " : "", period ? period : "",
                     under ? " under " : "", under ? under : "");
    if (!rc)
        rc = aq_table_add_points(ctx, t);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq_access_store_units(aq_ctx *ctx, aq_store *store, const char *level, aq_table **out)
{
    aq_table *u = NULL, *t = NULL;
    int rc = aq_store_units(store, level, &u);
    if (rc)
        return rc;
    long code = aq_table_find(u, "code"), vt = aq_table_find(u, "valid_to");
    long names[] = {aq_table_find(u, "name_ru"), aq_table_find(u, "name_kk"),
                    aq_table_find(u, "name_en")};
    size_t n = aq_table_nrows(u), m = 0;
    char buf[512];
    /* Current units only: a unit with valid_to has been retired. */
    for (size_t i = 0; i < n; i++)
        m += vt < 0 || !*aq_table_cell(u, (size_t)vt, i, buf, sizeof buf);
    if (code < 0)
        rc = aq__err(ctx, AQ_EINTERNAL, "the store's units have no code column");
    else if (m == 0)
        rc = aq__err(ctx, AQ_ENOTFOUND, "the store has no current unit at level '%s'", level);
    else
        rc = aq_table_new(ctx, m, &t);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "code", AQ_COL_TEXT, NULL);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "name", AQ_COL_TEXT, NULL);
    for (size_t i = 0, r = 0; i < n && !rc; i++) {
        if (vt >= 0 && *aq_table_cell(u, (size_t)vt, i, buf, sizeof buf))
            continue;
        rc = aq_table_set_text(ctx, t, 0, r, aq_table_cell(u, (size_t)code, i, buf, sizeof buf));
        const char *name = "";
        for (size_t k = 0; k < 3 && !*name; k++)
            if (names[k] >= 0)
                name = aq_table_cell(u, (size_t)names[k], i, buf, sizeof buf);
        if (!rc)
            rc = aq_table_set_text(ctx, t, 1, r, name);
        size_t len;
        const unsigned char *wkb = aq_table_geometry(u, i, &len);
        if (!rc && wkb)
            rc = aq_table_set_geometry(ctx, t, r, wkb, len, aq_table_crs(u));
        r++;
    }
    aq_table_free(u);
    if (!rc)
        rc = aq_table_add_points(ctx, t);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
