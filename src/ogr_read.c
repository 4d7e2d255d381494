/*
 * ogr_read.c -- every format that is not delimited text, through GDAL/OGR:
 * XLSX, ODS, GeoJSON, Shapefile (its .cpg encoding honoured by GDAL),
 * GeoPackage and the rest of GDAL's vector drivers.
 *
 * Spreadsheets often hold numbers as text ('1 234,5'); such columns are
 * turned into number columns with the same rules as the CSV reader, so a
 * table means the same whichever format it came in.
 */
#include "table.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <string.h>

static bool is_spreadsheet(GDALDatasetH ds)
{
    const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    return strcmp(drv, "XLSX") == 0 || strcmp(drv, "ODS") == 0 || strcmp(drv, "XLS") == 0;
}

static char *crs_string(OGRSpatialReferenceH srs)
{
    if (!srs)
        return NULL;
    const char *auth = OSRGetAuthorityName(srs, NULL), *code = OSRGetAuthorityCode(srs, NULL);
    if (auth && code) {
        size_t n = strlen(auth) + strlen(code) + 2;
        char *s = aq__malloc(n);
        if (s)
            snprintf(s, n, "%s:%s", auth, code);
        return s;
    }
    char *wkt = NULL;
    if (OSRExportToWkt(srs, &wkt) != OGRERR_NONE) {
        CPLFree(wkt);
        return NULL;
    }
    char *s = aq__strdup(wkt);
    CPLFree(wkt);
    return s;
}

/* Turns a text column into a number column when every value is a number
 * written one consistent way. */
static void maybe_numeric(aq__column *c, size_t nrows)
{
    if (aq__is_code_column(c->name))
        return;
    char decimal = 0;
    size_t nvalues = 0;
    for (int pass = 0; pass < 2 && !decimal; pass++) {
        char mark = pass == 0 ? '.' : ',';
        bool ok = true;
        nvalues = 0;
        for (size_t i = 0; i < nrows && ok; i++) {
            const char *s = c->txt[i];
            double v;
            if (!s || aq__is_missing_token(s, strlen(s)))
                continue;
            nvalues++;
            size_t n = strlen(s);
            ok = !(n > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') && aq_parse_number(s, n, mark, &v);
        }
        if (ok)
            decimal = mark;
    }
    if (!decimal || nvalues == 0)
        return;
    double *num = aq__malloc(sizeof *num * (nrows ? nrows : 1));
    if (!num)
        return; /* stays text: correct, only less convenient */
    for (size_t i = 0; i < nrows; i++) {
        const char *s = c->txt[i];
        if (!s || aq__is_missing_token(s, strlen(s)) || !aq_parse_number(s, strlen(s), decimal, &num[i]))
            num[i] = NAN;
    }
    aq__free(c->txt);
    c->txt = NULL;
    c->num = num;
    c->type = AQ_COL_NUMBER;
}

static int list_layers(aq_ctx *ctx, GDALDatasetH ds, const char *path, const char *want)
{
    aq_buf b = {0};
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++)
        aq__buf_printf(&b, "%s'%s'", i ? ", " : "", OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
    int rc = aq__err(ctx, AQ_ENOTFOUND, "'%s' has no layer or sheet '%s'; it has %s", path, want,
                     b.data ? b.data : "none");
    aq__buf_free(&b);
    return rc;
}

/* Fills T from LAYER; the first feature is on line LINE0 (0: each on the
 * sheet row its feature id gives, for a grid read without a header). CONVERT turns
 * text columns of numbers into number columns. */
static int fill(aq_ctx *ctx, const char *path, OGRLayerH layer, size_t line0, bool convert, aq_table *t)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int nf = OGR_FD_GetFieldCount(defn);
    int rc = AQ_OK;
    for (int j = 0; j < nf && rc == AQ_OK; j++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, j);
        OGRFieldType ft = OGR_Fld_GetType(fd);
        const char *name = OGR_Fld_GetNameRef(fd);
        bool number = (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) && !aq__is_code_column(name) &&
                      line0 != 0; /* a grid is all text: table_layout.c reads it */
        rc = aq__table_add(ctx, t, name, number ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    }
    if (rc)
        return rc;
    if (!(t->lines = aq__malloc(sizeof *t->lines * (t->nrows ? t->nrows : 1))))
        return aq__oom(ctx);
    OGR_L_ResetReading(layer);
    OGRFeatureH feat;
    size_t row = 0;
    char *crs = crs_string(OGR_L_GetSpatialRef(layer));
    while (rc == AQ_OK && (feat = OGR_L_GetNextFeature(layer)) != NULL) {
        if (row >= t->nrows) { /* the driver's count was short: stop safely */
            OGR_F_Destroy(feat);
            break;
        }
        GIntBig fid = OGR_F_GetFID(feat);
        t->lines[row] = line0 ? row + line0 : fid > 0 ? (size_t)fid : row + 1; /* 0: a grid, the sheet's row */
        for (int j = 0; j < nf; j++) {
            aq__column *c = &t->cols[j];
            if (!OGR_F_IsFieldSetAndNotNull(feat, j))
                continue;
            if (c->type == AQ_COL_NUMBER) {
                c->num[row] = OGR_F_GetFieldAsDouble(feat, j);
                continue;
            }
            const char *s = OGR_F_GetFieldAsString(feat, j);
            size_t n = strlen(s), bad;
            while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                n--;
            while (n && (*s == ' ' || *s == '\t'))
                s++, n--;
            if (!aq__utf8_valid(s, n, &bad)) {
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s' row %zu, column '%s': text is not UTF-8; name the file's encoding with --encoding (e.g. CP1251)",
                             path, t->lines[row], c->name);
                break;
            }
            if (n && !(c->txt[row] = aq__arena_strndup(&t->arena, s, n)))
                rc = aq__oom(ctx);
        }
        OGRGeometryH g = OGR_F_GetGeometryRef(feat);
        if (rc == AQ_OK && g && !OGR_G_IsEmpty(g)) {
            int size = OGR_G_WkbSize(g);
            unsigned char *wkb = aq__malloc((size_t)size);
            if (!wkb)
                rc = aq__oom(ctx);
            else {
                OGR_G_ExportToIsoWkb(g, wkbNDR, wkb);
                rc = aq_table_set_geometry(ctx, t, row, wkb, (size_t)size, crs);
                aq__free(wkb);
            }
        }
        OGR_F_Destroy(feat);
        row++;
    }
    aq__free(crs);
    t->nrows = row < t->nrows ? row : t->nrows;
    for (int j = 0; j < nf && rc == AQ_OK && convert; j++)
        if (t->cols[j].type == AQ_COL_TEXT)
            maybe_numeric(&t->cols[j], t->nrows);
    return rc;
}

static GIntBig count_features(OGRLayerH layer)
{
    GIntBig n = OGR_L_GetFeatureCount(layer, 1);
    if (n < 0) { /* some drivers (OSM) cannot say: count by reading */
        n = 0;
        OGRFeatureH f;
        OGR_L_ResetReading(layer);
        while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
            OGR_F_Destroy(f);
            n++;
        }
    }
    return n;
}

/* A sheet as published (title rows, a header further down, footnotes):
 * read it again as a grid of text cells without a header, and let
 * table_layout.c find the table. *OUT stays NULL when the sheet is a plain
 * table, which the ordinary reading serves. */
static int read_laid_out(aq_ctx *ctx, const char *path, const aq_read_opts *opts, const char *layer_name,
                         aq_table **out)
{
    char **oo = CSLSetNameValue(NULL, "HEADERS", "DISABLE");
    oo = CSLSetNameValue(oo, "FIELD_TYPES", "STRING");
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)oo, NULL);
    CSLDestroy(oo);
    if (!ds)
        return AQ_OK; /* read as before */
    OGRLayerH layer = GDALDatasetGetLayerByName(ds, layer_name);
    /* A file GDAL wrote itself names its fields whatever HEADERS says: its
     * first row is the header, a plain table. */
    if (layer && OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(layer)) > 0 &&
        strcmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer), 0)), "Field1") != 0)
        layer = NULL;
    aq_table *grid = NULL, *t = NULL;
    int rc = layer ? aq_table_new(ctx, (size_t)count_features(layer), &grid) : AQ_OK;
    if (layer && rc == AQ_OK)
        rc = fill(ctx, path, layer, 0, false, grid);
    GDALClose(ds);
    if (layer && rc == AQ_OK)
        rc = aq__table_set_source(ctx, grid, path);
    bool plain = true;
    aq__layout_opts lo = {opts ? opts->header_row : 0, opts ? opts->skip_rows : 0};
    if (layer && rc == AQ_OK)
        rc = aq__table_layout(ctx, grid, &lo, &t, &plain);
    aq_table_free(grid);
    for (size_t j = 0; rc == AQ_OK && !plain && j < t->ncols; j++)
        maybe_numeric(&t->cols[j], t->nrows);
    if (rc == AQ_OK && !plain)
        *out = t;
    return rc;
}

int aq__ogr_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq_table **out)
{
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    char **oo = NULL;
    if (opts && opts->encoding)
        oo = CSLSetNameValue(oo, "ENCODING", opts->encoding);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, (const char *const *)oo, NULL);
    if (!ds && oo) /* the driver may not know ENCODING */
        ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CSLDestroy(oo);
    int rc = AQ_OK;
    if (!ds) {
        const char *why = CPLGetLastErrorMsg();
        rc = aq__err(ctx, AQ_EIO, "cannot read '%s': %s", path,
                     why && *why ? why : "not a file in a format aimaq reads (CSV, XLSX, ODS, GeoJSON, Shapefile, GeoPackage, ...)");
        CPLPopErrorHandler();
        return rc;
    }
    OGRLayerH layer = NULL;
    if (opts && opts->layer) {
        layer = GDALDatasetGetLayerByName(ds, opts->layer);
        if (!layer)
            rc = list_layers(ctx, ds, path, opts->layer);
    } else if (GDALDatasetGetLayerCount(ds) > 0) {
        layer = GDALDatasetGetLayer(ds, 0);
    } else {
        rc = aq__err(ctx, AQ_EINPUT, "'%s' has no layers or sheets", path);
    }
    aq_table *t = NULL;
    const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(ds));
    if (rc == AQ_OK && (strcmp(drv, "XLSX") == 0 || strcmp(drv, "ODS") == 0)) {
        rc = read_laid_out(ctx, path, opts, OGR_L_GetName(layer), &t);
        if (rc || t) {
            GDALClose(ds);
            CPLPopErrorHandler();
            if (rc == AQ_OK)
                *out = t;
            return rc;
        }
    }
    if (rc == AQ_OK)
        rc = aq_table_new(ctx, (size_t)count_features(layer), &t);
    if (rc == AQ_OK)
        rc = fill(ctx, path, layer, is_spreadsheet(ds) ? 2 : 1, true, t);
    if (rc == AQ_OK && OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(layer)) == 0 && !t->geom)
        rc = aq__err(ctx, AQ_EINPUT, "'%s' is empty: no columns found", path);
    if (rc == AQ_OK)
        rc = aq__table_set_source(ctx, t, path);
    GDALClose(ds);
    CPLPopErrorHandler();
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
