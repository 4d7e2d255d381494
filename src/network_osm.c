/*
 * network_osm.c -- the roads of an OpenStreetMap extract (.osm.pbf or .osm)
 * through GDAL's OSM driver.
 *
 * The OSM driver does not know its feature counts and, on large .pbf
 * files, must be read in "interleaved" mode: features of every layer come
 * out of one GDALDatasetGetNextFeature loop in file order. So this reader
 * keeps the features of the "lines" layer that carry a highway tag and
 * drops the rest as they pass.
 */
#include "gdal_in.h"
#include "network_int.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

typedef struct way {
    char *id, *name, *highway;
    unsigned char *wkb;
    size_t len;
} way;

static void ways_free(way *w, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        aq__free(w[k].id);
        aq__free(w[k].name);
        aq__free(w[k].highway);
        aq__free(w[k].wkb);
    }
    aq__free(w);
}

static char *field(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
        return aq__strdup("");
    return aq__strdup(OGR_F_GetFieldAsString(f, i));
}

int aq_network_read_osm(aq_ctx *ctx, const char *path, aq_table **out)
{
    int rc0 = aq__input_regular(ctx, path);
    if (rc0)
        return rc0;
    aq__gdal_init();
    const char *drivers[] = {"OSM", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, NULL, NULL);
    if (!ds)
        return aq__err(ctx, AQ_EIO, "cannot open '%s' as an OpenStreetMap file (.osm.pbf or .osm): "
                       "%s", path, CPLGetLastErrorMsg());
    OGRLayerH lines = GDALDatasetGetLayerByName(ds, "lines");
    if (!lines) {
        GDALClose(ds);
        return aq__err(ctx, AQ_EINPUT, "'%s' has no 'lines' layer", path);
    }
    way *w = NULL;
    size_t n = 0, cap = 0;
    int rc = AQ_OK;
    OGRFeatureH f;
    OGRLayerH from;
    while (!rc && (f = GDALDatasetGetNextFeature(ds, &from, NULL, NULL, NULL)) != NULL) {
        int hi = from == lines ? OGR_F_GetFieldIndex(f, "highway") : -1;
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        if (hi >= 0 && OGR_F_IsFieldSetAndNotNull(f, hi) && geom) {
            if (aq__grow(ctx, (void **)&w, &cap, n + 1, sizeof *w)) {
                rc = AQ_ENOMEM;
            } else {
                way *x = &w[n++];
                memset(x, 0, sizeof *x);
                x->len = (size_t)OGR_G_WkbSize(geom);
                x->wkb = aq__malloc(x->len ? x->len : 1);
                x->id = field(f, "osm_id");
                x->name = field(f, "name");
                x->highway = field(f, "highway");
                if (!x->wkb || !x->id || !x->name || !x->highway)
                    rc = aq__oom(ctx);
                else
                    OGR_G_ExportToIsoWkb(geom, wkbNDR, x->wkb);
            }
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    aq_table *t = NULL;
    if (!rc)
        rc = aq_table_new(ctx, n, &t);
    static const char *const names[] = {"osm_id", "name", "highway"};
    for (int k = 0; k < 3 && !rc; k++)
        rc = aq_table_add_column(ctx, t, names[k], AQ_COL_TEXT, NULL);
    for (size_t r = 0; r < n && !rc; r++) {
        rc = aq_table_set_text(ctx, t, 0, r, w[r].id);
        if (!rc)
            rc = aq_table_set_text(ctx, t, 1, r, w[r].name);
        if (!rc)
            rc = aq_table_set_text(ctx, t, 2, r, w[r].highway);
        if (!rc)
            rc = aq_table_set_geometry(ctx, t, r, w[r].wkb, w[r].len, "EPSG:4326");
    }
    ways_free(w, n);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
