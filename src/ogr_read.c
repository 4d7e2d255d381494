/*
 * ogr_read.c -- every format that is not delimited text, through GDAL/OGR:
 * XLSX, ODS, GeoJSON, Shapefile (its .cpg encoding honoured by GDAL),
 * GeoPackage and the few other formats of gdal_open.c's allow-list, each
 * opened through that one door (gdal_in.h).
 *
 * Spreadsheets often hold numbers as text ('1 234,5'); such columns are
 * turned into number columns with the same rules as the CSV reader
 * (text_numbers: bad cells, markers, the decimal mark), so a table means
 * the same whichever format it came in.
 */
#include "gdal_in.h"
#include "table.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <stdlib.h>
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

/* What the values of a spreadsheet's text column say about it. */
typedef struct evidence {
    size_t num, text;         /* values that are numbers (with some mark), text */
    bool codes;               /* a value with a leading zero: identifiers */
    size_t need_point, need_comma; /* rows (1-based lines) of the first value only one mark reads, or 0 */
    const char *point_tok, *comma_tok;
    size_t amb_row;           /* the first value that reads both ways, +1, or 0 */
} evidence;

static void gather(const aq_table *t, const aq__column *c, evidence *ev)
{
    memset(ev, 0, sizeof *ev);
    for (size_t i = 0; i < t->nrows && !ev->codes; i++) {
        const char *s = c->txt[i];
        size_t n = s ? strlen(s) : 0;
        double v;
        if (!s || aq__is_missing_token(s, n))
            continue;
        if (n > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
            ev->codes = true;
            break;
        }
        bool dot = aq_parse_number(s, n, '.', &v), comma = aq_parse_number(s, n, ',', &v);
        if (!dot && !comma) {
            ev->text++;
            continue;
        }
        ev->num++;
        if (!comma && !ev->need_point) {
            ev->need_point = t->lines[i];
            ev->point_tok = s;
        }
        if (!dot && !ev->need_comma) {
            ev->need_comma = t->lines[i];
            ev->comma_tok = s;
        }
        if (!ev->amb_row && aq__number_ambiguous(s, n, NULL, NULL))
            ev->amb_row = i + 1;
    }
}

static int note(aq_ctx *ctx, aq_table *t, size_t *cap, size_t row, size_t col, int flag, const char *text)
{
    if (t->nnotes == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        aq_cell_note *nn = aq__realloc(t->notes, nc * sizeof *nn);
        if (!nn)
            return aq__oom(ctx);
        t->notes = nn;
        *cap = nc;
    }
    t->notes[t->nnotes++] = (aq_cell_note){.row = row, .col = col, .flag = flag, .text = text};
    return AQ_OK;
}

static int by_row_then_col(const void *a, const void *b)
{
    const aq_cell_note *x = a, *y = b;
    return x->row != y->row ? (x->row < y->row ? -1 : 1) : x->col != y->col ? (x->col < y->col ? -1 : 1) : 0;
}

/* Turns the spreadsheet's text columns that hold numbers ('1 234,5') into
 * number columns, with the CSV reader's rules: a column is numbers unless
 * most of its values are text (the others are bad cells, noted, never a
 * reason to lose the column); markers (x, -, ..., н/д) are noted missing;
 * the decimal mark is the one values decide, else the sheet's other
 * columns', else the mark the values use, and a column no value decides is
 * named in a warning; one column written in both styles is an error. */
static int text_numbers(aq_ctx *ctx, const char *path, aq_table *t, char user_decimal)
{
    size_t nc = t->ncols;
    evidence *ev = aq__xcalloc(ctx, nc ? nc : 1, sizeof *ev);
    if (!ev)
        return AQ_ENOMEM;
    size_t points = 0, commas = 0;
    for (size_t j = 0; j < nc; j++) {
        if (t->cols[j].type != AQ_COL_TEXT || aq__is_code_column(t->cols[j].name))
            continue;
        gather(t, &t->cols[j], &ev[j]);
        points += ev[j].need_point && !ev[j].need_comma;
        commas += ev[j].need_comma && !ev[j].need_point;
    }
    char sheet = user_decimal ? user_decimal : points && !commas ? '.' : commas && !points ? ',' : 0;
    int rc = AQ_OK;
    size_t cap = t->nnotes;
    for (size_t j = 0; j < nc && rc == AQ_OK; j++) {
        aq__column *c = &t->cols[j];
        evidence *e = &ev[j];
        if (c->type != AQ_COL_TEXT || aq__is_code_column(c->name) || e->codes || e->num == 0 || e->text > e->num)
            continue;
        char decimal;
        size_t other = user_decimal == '.' ? e->need_comma : user_decimal == ',' ? e->need_point : 0;
        if (other) {
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s' row %zu, column '%s': '%s' uses a decimal %s, but the decimal mark given is '%c'; "
                         "expected every value of the column written with '%c'",
                         path, other, c->name, user_decimal == '.' ? e->comma_tok : e->point_tok,
                         user_decimal == '.' ? "comma" : "point", user_decimal, user_decimal);
            break;
        } else if (user_decimal) {
            decimal = user_decimal;
        } else if (e->need_point && e->need_comma) {
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s' column '%s' mixes number styles: row %zu needs a decimal point ('%s'), row %zu a "
                         "decimal comma ('%s'); make them agree or give --decimal",
                         path, c->name, e->need_point, e->point_tok, e->need_comma, e->comma_tok);
            break;
        } else if (e->need_point || e->need_comma) {
            decimal = e->need_point ? '.' : ',';
        } else {
            const char *s = e->amb_row ? c->txt[e->amb_row - 1] : NULL;
            decimal = sheet ? sheet : s && strchr(s, ',') && !strchr(s, '.') ? ',' : '.';
            if (s) {
                double a = 0, b = 0;
                aq__number_ambiguous(s, strlen(s), &a, &b);
                bool point = decimal == '.';
                aq__warn(ctx,
                         "'%s' column '%s': the decimal mark is ambiguous: no value decides it, and row %zu has '%s' "
                         "(%.15g with a decimal point, %.15g with a decimal comma); read with a decimal %s (%s), so it "
                         "is %.15g: give --decimal %c if it is %.15g",
                         path, c->name, t->lines[e->amb_row - 1], s, a, b, point ? "point" : "comma",
                         sheet ? "as in the sheet's other number columns" : "the mark the value uses",
                         point ? a : b, point ? ',' : '.', point ? b : a);
            }
        }
        double *num = aq__xmalloc(ctx, sizeof *num * (t->nrows ? t->nrows : 1));
        if (!num) {
            rc = AQ_ENOMEM;
            break;
        }
        for (size_t i = 0; i < t->nrows && rc == AQ_OK; i++) {
            const char *s = c->txt[i];
            size_t n = s ? strlen(s) : 0;
            int kind;
            num[i] = NAN;
            if (!s)
                continue;
            if ((kind = aq__missing_kind(s, n)) != 0)
                rc = note(ctx, t, &cap, i, j, kind, s);
            else if (!aq_parse_number(s, n, decimal, &num[i])) {
                num[i] = NAN;
                rc = note(ctx, t, &cap, i, j, AQ_CELL_BAD, s);
            }
        }
        if (rc) {
            aq__free(num);
            break;
        }
        /* the texts stay in the arena: the notes point at them */
        aq__free(c->txt);
        c->txt = NULL;
        c->num = num;
        c->type = AQ_COL_NUMBER;
    }
    if (rc == AQ_OK && t->nnotes > 1)
        qsort(t->notes, t->nnotes, sizeof *t->notes, by_row_then_col);
    aq__free(ev);
    return rc;
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
 * text columns of numbers into number columns (text_numbers, with the
 * user's decimal mark USER_DECIMAL or 0). */
static int fill(aq_ctx *ctx, const char *path, OGRLayerH layer, size_t line0, bool convert, char user_decimal,
                aq_table *t)
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
    if (rc == AQ_OK && convert)
        rc = text_numbers(ctx, path, t, user_decimal);
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
        rc = fill(ctx, path, layer, 0, false, 0, grid);
    GDALClose(ds);
    if (layer && rc == AQ_OK)
        rc = aq__table_set_source(ctx, grid, path);
    bool plain = true;
    aq__layout_opts lo = {opts ? opts->header_row : 0, opts ? opts->skip_rows : 0};
    if (layer && rc == AQ_OK)
        rc = aq__table_layout(ctx, grid, &lo, &t, &plain);
    aq_table_free(grid);
    if (rc == AQ_OK && !plain)
        rc = text_numbers(ctx, path, t, opts ? opts->decimal : 0);
    if (rc == AQ_OK && !plain)
        *out = t;
    else
        aq_table_free(t);
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
        rc = fill(ctx, path, layer, is_spreadsheet(ds) ? 2 : 1, true, opts ? opts->decimal : 0, t);
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
