/*
 * write.c -- aq_table_write: CSV, JSON and aligned text by aimaq itself,
 * GeoJSON, GeoPackage and XLSX through GDAL so that ogrinfo and every GIS
 * open them.
 */
#include "gdal_in.h"
#include "table.h"

#include <errno.h>
#include <gdal.h>
#include <jansson.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int aq_format_parse(const char *name, enum aq_format *out)
{
    static const struct { const char *name; enum aq_format fmt; } names[] = {
        {"csv", AQ_FMT_CSV},   {"json", AQ_FMT_JSON}, {"geojson", AQ_FMT_GEOJSON}, {"gpkg", AQ_FMT_GPKG},
        {"xlsx", AQ_FMT_XLSX}, {"table", AQ_FMT_TEXT}, {"text", AQ_FMT_TEXT}, {"auto", AQ_FMT_AUTO}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (aq__ieq(name, names[i].name)) {
            *out = names[i].fmt;
            return AQ_OK;
        }
    return AQ_EUSAGE;
}

static enum aq_format from_extension(const char *path)
{
    const char *dot = strrchr(aq__basename(path), '.');
    enum aq_format f;
    if (!dot)
        return AQ_FMT_CSV;
    if (aq__ieq(dot, ".tsv") || aq__ieq(dot, ".txt"))
        return AQ_FMT_TEXT;
    return aq_format_parse(dot + 1, &f) == AQ_OK && f != AQ_FMT_AUTO ? f : AQ_FMT_CSV;
}


static const char *cell(const aq_table *t, size_t j, size_t i, char *buf, size_t size)
{
    const aq__column *c = &t->cols[j];
    if (c->type == AQ_COL_TEXT)
        return c->txt[i] ? c->txt[i] : "";
    if (isnan(c->num[i]))
        return "";
    (void)size; /* the caller's buffer holds 32 bytes or more */
    aq_format_double(c->num[i], buf);
    return buf;
}

/* A number for people: integers as they are (counts, populations, years),
 * others rounded to 4 significant digits (24.9524 -> 24.95, 0.000123456 ->
 * 0.0001235) with the trailing zeros dropped; the files keep every digit.
 * Tables carry no declared decimals, so 4 significant digits it is. */
static const char *people_cell(const aq_table *t, size_t j, size_t i, char *buf, size_t size)
{
    const aq__column *c = &t->cols[j];
    if (c->type == AQ_COL_TEXT || isnan(c->num[i]))
        return cell(t, j, i, buf, size);
    double v = c->num[i], a = fabs(v);
    if (!isfinite(v) || v == floor(v) || a >= 1e15 || a < 1e-9)
        return cell(t, j, i, buf, size);
    int e10 = (int)floor(log10(a));
    int decimals = e10 >= 3 ? 0 : 3 - e10;
    snprintf(buf, size, "%.*f", decimals, v);
    if (decimals > 0) {
        char *end = buf + strlen(buf);
        while (end[-1] == '0')
            *--end = '\0';
        if (end[-1] == '.')
            *--end = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

static void csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void write_csv(const aq_table *t, FILE *f)
{
    char buf[64];
    for (size_t j = 0; j < t->ncols; j++) {
        if (j)
            fputc(',', f);
        csv_field(f, t->cols[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            if (j)
                fputc(',', f);
            csv_field(f, cell(t, j, i, buf, sizeof buf));
        }
        fputc('\n', f);
    }
}

/* Appends S as a JSON string: quotes, backslashes and control characters
 * escaped, UTF-8 as it is (what jansson writes without ENSURE_ASCII). */
static void json_string_put(aq_buf *b, const char *s)
{
    aq__buf_append(b, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        aq__buf_append(b, run, (size_t)(s - run));
        run = s + 1;
        char esc[8];
        switch (c) {
        case '"': aq__buf_puts(b, "\\\""); break;
        case '\\': aq__buf_puts(b, "\\\\"); break;
        case '\b': aq__buf_puts(b, "\\b"); break;
        case '\f': aq__buf_puts(b, "\\f"); break;
        case '\n': aq__buf_puts(b, "\\n"); break;
        case '\r': aq__buf_puts(b, "\\r"); break;
        case '\t': aq__buf_puts(b, "\\t"); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", c);
            aq__buf_puts(b, esc);
        }
    }
    aq__buf_append(b, run, (size_t)(s - run));
    aq__buf_append(b, "\"", 1);
}

/* Appends the shortest text that reads back as V. Files keep the
 * ".0" jansson's JSON_REAL_PRECISION(15) adds to integral values (REAL);
 * compact JSON for programs (the server's) writes ids and counts as the
 * integers they are. */
static void json_number_put(aq_buf *b, double v, bool real)
{
    char num[32];
    int n = aq_format_double(v, num);
    aq__buf_append(b, num, (size_t)n);
    if (real && !strpbrk(num, ".eE"))
        aq__buf_append(b, ".0", 2);
}

/* The table as a JSON array of objects, one per row (NaN and missing text
 * become null): compact, or with jansson's JSON_INDENT(1) layout. Written
 * straight into a buffer: the server sends such pages thousands of times a
 * second, and a tree of JSON objects per cell costs more than the query. */
static void table_json(aq_buf *b, const aq_table *t, bool indent)
{
    const char *row_sep = indent ? ",\n {\n  " : ",{", *open = indent ? "[\n {\n  " : "[{";
    aq__buf_puts(b, t->nrows ? "" : "[]");
    for (size_t i = 0; i < t->nrows; i++) {
        aq__buf_puts(b, i ? row_sep : open);
        for (size_t j = 0; j < t->ncols; j++) {
            const aq__column *c = &t->cols[j];
            if (j)
                aq__buf_puts(b, indent ? ",\n  " : ",");
            json_string_put(b, c->name);
            aq__buf_puts(b, indent ? ": " : ":");
            if (c->type == AQ_COL_TEXT ? !c->txt[i] : isnan(c->num[i]))
                aq__buf_puts(b, "null");
            else if (c->type == AQ_COL_TEXT)
                json_string_put(b, c->txt[i]);
            else
                json_number_put(b, c->num[i], indent);
        }
        aq__buf_puts(b, indent ? "\n }" : "}");
    }
    if (t->nrows)
        aq__buf_puts(b, indent ? "\n]" : "]");
}

static int write_json(aq_ctx *ctx, const aq_table *t, FILE *f, const char *path)
{
    aq_buf b = {0};
    table_json(&b, t, true);
    aq__buf_puts(&b, "\n");
    if (b.failed) {
        aq__buf_free(&b);
        return aq__oom(ctx);
    }
    bool ok = fwrite(b.data, 1, b.len, f) == b.len;
    aq__buf_free(&b);
    return ok ? AQ_OK : aq__err(ctx, AQ_EIO, "cannot write '%s': %s", path, strerror(errno));
}

int aq_table_json(aq_ctx *ctx, const aq_table *t, char **text)
{
    aq_buf b = {0};
    table_json(&b, t, false);
    if (b.failed || !b.data) {
        aq__buf_free(&b);
        return aq__oom(ctx);
    }
    *text = aq__buf_take(&b);
    return AQ_OK;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends J as jansson's json_dumps(J, FLAGS) lays it out (JSON_INDENT,
 * JSON_COMPACT, JSON_SORT_KEYS; key order as inserted otherwise), except
 * that reals are the shortest text that reads back, where jansson can only
 * print a fixed %.Ng (lossy at 15, noisy at 17). */
static bool json_value_put(aq_buf *b, const json_t *j, size_t flags, int depth)
{
    int indent = (int)(flags & 0x1F);
    bool compact = flags & JSON_COMPACT;
    char num[40];
    switch (json_typeof(j)) {
    case JSON_NULL: aq__buf_puts(b, "null"); return true;
    case JSON_TRUE: aq__buf_puts(b, "true"); return true;
    case JSON_FALSE: aq__buf_puts(b, "false"); return true;
    case JSON_STRING: json_string_put(b, json_string_value(j)); return true;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        aq__buf_puts(b, num);
        return true;
    case JSON_REAL: json_number_put(b, json_real_value(j), true); return true;
    case JSON_ARRAY:
    case JSON_OBJECT: break;
    }
    bool obj = json_is_object(j);
    size_t n = obj ? json_object_size(j) : json_array_size(j);
    if (!n) {
        aq__buf_puts(b, obj ? "{}" : "[]");
        return true;
    }
    const char **keys = NULL;
    if (obj) {
        keys = malloc(n * sizeof *keys);
        if (!keys)
            return false;
        size_t i = 0;
        for (void *it = json_object_iter((json_t *)j); it && i < n; it = json_object_iter_next((json_t *)j, it))
            keys[i++] = json_object_iter_key(it);
        n = i;
        if (flags & JSON_SORT_KEYS)
            qsort(keys, n, sizeof *keys, key_cmp);
    }
    aq__buf_puts(b, obj ? "{" : "[");
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        if (i)
            aq__buf_puts(b, indent || compact ? "," : ", ");
        if (indent)
            aq__buf_printf(b, "\n%*s", indent * (depth + 1), "");
        if (obj) {
            json_string_put(b, keys[i]);
            aq__buf_puts(b, compact ? ":" : ": ");
        }
        ok = json_value_put(b, obj ? json_object_get(j, keys[i]) : json_array_get(j, i), flags, depth + 1);
    }
    if (indent)
        aq__buf_printf(b, "\n%*s", indent * depth, "");
    aq__buf_puts(b, obj ? "}" : "]");
    free(keys);
    return ok;
}

char *aq_json_text(const struct json_t *j, size_t flags)
{
    aq_buf b = {0};
    if (!j || !json_value_put(&b, j, flags, 0) || b.failed || !b.data) {
        aq__buf_free(&b);
        return NULL;
    }
    return aq__buf_take(&b);
}

/* Display width of a UTF-8 string: code points, not bytes, so Cyrillic
 * columns line up. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += *s == '\n' ? 3 : ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* A cell on one line: a line break inside it (a dataset's footnotes)
 * shows as " | ", so every row of the table stays one line. */
static void put_oneline(const char *s, FILE *f)
{
    for (const char *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
        fwrite(s, 1, (size_t)(nl - s), f);
        fputs(" | ", f);
    }
    fputs(s, f);
}

static int write_text(aq_ctx *ctx, const aq_table *t, FILE *f)
{
    size_t *width = aq__xcalloc(ctx, t->ncols ? t->ncols : 1, sizeof *width);
    if (!width)
        return AQ_ENOMEM;
    char buf[64];
    for (size_t j = 0; j < t->ncols; j++) {
        width[j] = display_width(t->cols[j].name);
        for (size_t i = 0; i < t->nrows; i++) {
            size_t w = display_width(people_cell(t, j, i, buf, sizeof buf));
            if (w > width[j])
                width[j] = w;
        }
        if (width[j] > 60)
            width[j] = 60;
    }
    for (size_t i = 0; i <= t->nrows; i++) {
        for (size_t j = 0; j < t->ncols; j++) {
            const char *s = i == 0 ? t->cols[j].name : people_cell(t, j, i - 1, buf, sizeof buf);
            size_t w = display_width(s);
            bool right = i > 0 && t->cols[j].type == AQ_COL_NUMBER;
            if (right)
                fprintf(f, "%*s", (int)(width[j] > w ? width[j] - w : 0), "");
            put_oneline(s, f);
            if (!right && j + 1 < t->ncols)
                fprintf(f, "%*s", (int)(width[j] > w ? width[j] - w : 0), "");
            if (j + 1 < t->ncols)
                fputs("  ", f);
        }
        fputc('\n', f);
    }
    aq__free(width);
    return AQ_OK;
}

static int write_ogr(aq_ctx *ctx, const aq_table *t, const char *path, enum aq_format fmt, const char *layer_name)
{
    const char *driver = fmt == AQ_FMT_GEOJSON ? "GeoJSON" : fmt == AQ_FMT_GPKG ? "GPKG" : "XLSX";
    if (strcmp(path, "-") == 0)
        return aq__err(ctx, AQ_EUSAGE, "%s output needs a file name (--output FILE)", driver);
    aq__gdal_init();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int rc = AQ_OK;
    GDALDriverH drv = GDALGetDriverByName(driver);
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;
    if (!drv) {
        rc = aq__err(ctx, AQ_EIO, "this GDAL has no %s driver", driver);
        goto out;
    }
    unlink(path); /* drivers refuse to overwrite */
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        rc = aq__err(ctx, AQ_EIO, "cannot create '%s': %s", path, CPLGetLastErrorMsg());
        goto out;
    }
    bool geo = fmt != AQ_FMT_XLSX && t->geom;
    if (geo && t->crs) {
        srs = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(srs, t->crs) != OGRERR_NONE) {
            OSRDestroySpatialReference(srs);
            srs = NULL;
        } else {
            OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        }
    }
    OGRLayerH layer = GDALDatasetCreateLayer(ds, layer_name ? layer_name : "data", srs,
                                             geo ? wkbUnknown : wkbNone, NULL);
    if (!layer) {
        rc = aq__err(ctx, AQ_EIO, "cannot create a layer in '%s': %s", path, CPLGetLastErrorMsg());
        goto out;
    }
    for (size_t j = 0; j < t->ncols && rc == AQ_OK; j++) {
        OGRFieldDefnH fd = OGR_Fld_Create(t->cols[j].name, t->cols[j].type == AQ_COL_NUMBER ? OFTReal : OFTString);
        if (OGR_L_CreateField(layer, fd, 1) != OGRERR_NONE)
            rc = aq__err(ctx, AQ_EIO, "cannot create column '%s' in '%s'", t->cols[j].name, path);
        OGR_Fld_Destroy(fd);
    }
    GDALDatasetStartTransaction(ds, 0);
    for (size_t i = 0; i < t->nrows && rc == AQ_OK; i++) {
        OGRFeatureH feat = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        for (size_t j = 0; j < t->ncols; j++) {
            const aq__column *c = &t->cols[j];
            if (c->type == AQ_COL_NUMBER && !isnan(c->num[i]))
                OGR_F_SetFieldDouble(feat, (int)j, c->num[i]);
            else if (c->type == AQ_COL_TEXT && c->txt[i])
                OGR_F_SetFieldString(feat, (int)j, c->txt[i]);
        }
        if (geo && t->geom[i]) {
            OGRGeometryH g = NULL;
            if (OGR_G_CreateFromWkb(t->geom[i], srs, &g, (int)t->geomlen[i]) == OGRERR_NONE)
                OGR_F_SetGeometryDirectly(feat, g);
        }
        if (OGR_L_CreateFeature(layer, feat) != OGRERR_NONE)
            rc = aq__err(ctx, AQ_EIO, "cannot write row %zu to '%s': %s", i + 1, path, CPLGetLastErrorMsg());
        OGR_F_Destroy(feat);
    }
    GDALDatasetCommitTransaction(ds);
out:
    if (ds) {
        CPLErrorReset();
        GDALClose(ds);
        if (CPLGetLastErrorType() >= CE_Failure && rc == AQ_OK)
            rc = aq__err(ctx, AQ_EIO, "cannot finish writing '%s': %s", path, CPLGetLastErrorMsg());
    }
    if (srs)
        OSRDestroySpatialReference(srs);
    CPLPopErrorHandler();
    return rc;
}

int aq_table_write(aq_ctx *ctx, const aq_table *t, const char *path, enum aq_format fmt, const char *layer)
{
    if (!path)
        path = "-";
    if (fmt == AQ_FMT_AUTO)
        fmt = strcmp(path, "-") == 0 ? AQ_FMT_TEXT : from_extension(path);
    if (fmt == AQ_FMT_GEOJSON || fmt == AQ_FMT_GPKG || fmt == AQ_FMT_XLSX)
        return write_ogr(ctx, t, path, fmt, layer);
    bool to_stdout = strcmp(path, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(path, "w");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot write '%s': %s", path, strerror(errno));
    int rc = AQ_OK;
    if (fmt == AQ_FMT_CSV)
        write_csv(t, f);
    else if (fmt == AQ_FMT_JSON)
        rc = write_json(ctx, t, f, path);
    else
        rc = write_text(ctx, t, f);
    if (fflush(f) != 0 || ferror(f))
        rc = rc ? rc : aq__err(ctx, AQ_EIO, "cannot write '%s': %s", path, strerror(errno));
    if (!to_stdout && fclose(f) != 0 && rc == AQ_OK)
        rc = aq__err(ctx, AQ_EIO, "cannot write '%s': %s", path, strerror(errno));
    return rc;
}
