/*
 * ogr_read.c -- every format that is not delimited text, through GDAL/OGR:
 * XLSX, ODS, GeoJSON, Shapefile (its .cpg encoding honoured by GDAL),
 * GeoPackage and the few other formats of gdal_open.c's allow-list, each
 * opened through that one door (gdal_in.h).
 *
 * Spreadsheets often hold numbers as text ('1 234,5'); such columns are
 * turned into number columns with the same rules as the CSV reader, so a
 * table means the same whichever format it came in.
 */
#include "gdal_in.h"
#include "table.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <string.h>
#include <sys/stat.h>

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

static int fill(aq_ctx *ctx, const char *path, OGRLayerH layer, bool sheet, aq_table *t)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int nf = OGR_FD_GetFieldCount(defn);
    int rc = AQ_OK;
    for (int j = 0; j < nf && rc == AQ_OK; j++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, j);
        OGRFieldType ft = OGR_Fld_GetType(fd);
        const char *name = OGR_Fld_GetNameRef(fd);
        bool number = (ft == OFTInteger || ft == OFTInteger64 || ft == OFTReal) && !aq__is_code_column(name);
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
        t->lines[row] = sheet ? row + 2 : row + 1;
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
    for (int j = 0; j < nf && rc == AQ_OK; j++)
        if (t->cols[j].type == AQ_COL_TEXT)
            maybe_numeric(&t->cols[j], t->nrows);
    return rc;
}

/* A Shapefile's attributes are in the .dbf beside it; without it GDAL
 * reads geometries only and the table seems to lack every column. */
static int shapefile_has_dbf(aq_ctx *ctx, const char *path)
{
    size_t n = strlen(path);
    if (n < 4 || !aq__ieq(path + n - 4, ".shp"))
        return AQ_OK;
    aq_buf b = {0};
    struct stat st;
    bool found = false;
    for (int upper = 0; upper < 2 && !found; upper++) {
        b.len = 0;
        aq__buf_printf(&b, "%.*s%s", (int)(n - 4), path, upper ? ".DBF" : ".dbf");
        found = !b.failed && stat(b.data, &st) == 0;
    }
    int rc = found ? AQ_OK
                   : aq__err(ctx, AQ_EINPUT,
                             "'%s' has no .dbf beside it ('%.*s.dbf'): a Shapefile keeps its codes, names and values "
                             "there; copy the .dbf (and .shx, .prj, .cpg) next to the .shp",
                             path, (int)(strlen(aq__basename(path)) - 4), aq__basename(path));
    aq__buf_free(&b);
    return rc;
}

int aq__ogr_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq_table **out)
{
    int rc = shapefile_has_dbf(ctx, path);
    GDALDatasetH ds = NULL;
    if (rc == AQ_OK)
        rc = aq__gdal_open(ctx, path, opts, &ds);
    if (rc)
        return rc;
    CPLPushErrorHandler(CPLQuietErrorHandler);
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
    if (rc == AQ_OK) {
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
        rc = aq_table_new(ctx, (size_t)n, &t);
    }
    if (rc == AQ_OK)
        rc = fill(ctx, path, layer, is_spreadsheet(ds), t);
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
