/*
 * fuzz_entries.h -- one entry point per parser aimaq owns, shared by the
 * libFuzzer harnesses (tests/fuzz/fuzz_<name>.c) and by the plain unit
 * test that replays every saved input (tests/unit/t_fuzz_regressions.c),
 * so a crasher found by the fuzzer stays a test under ctest and ASan.
 *
 * Each entry takes arbitrary bytes and must return without crashing,
 * leaking or tripping a sanitizer, whatever the bytes are. Inputs are
 * copied into heap blocks of exactly their size (not NUL-terminated where
 * the API takes a length) so that AddressSanitizer sees any overread.
 * Parsers that read files get a temporary file under $AQ_TMP (or /tmp)
 * named after the process id, so parallel runs do not collide. (The CSV
 * reader maps its file, where ASan sees an overread only when it crosses
 * the end of the last page; when the bytes are not UTF-8, the CP1251 and
 * KZ-1048 passes parse a converted heap copy instead.)
 *
 * Header-only (static functions) so that both the harness and the unit
 * test compile it without a library of their own.
 */
#ifndef AQ_FUZZ_ENTRIES_H
#define AQ_FUZZ_ENTRIES_H

#include "aimaq.h"
#include "aimaq_index.h"
#include "aimaq_network.h"
#include "aimaq_names.h"
#include "aimaq_spatial.h"
#include "aq_int.h"
#include "index_int.h"
#include "mapping.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes DATA to a per-process temporary file ending in EXT; the path goes
 * to PATH. Returns 0 on success. */
static inline int aq_fuzz_tmpfile(const uint8_t *data, size_t size, const char *ext, char *path, size_t pathsize)
{
    const char *dir = getenv("AQ_TMP");
    snprintf(path, pathsize, "%s/aq-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(), ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = size ? fwrite(data, 1, size, f) : 0;
    int bad = fclose(f) != 0 || put != size;
    return bad ? -1 : 0;
}

/* A NUL-terminated heap copy (bytes after an embedded NUL are unseen by
 * C-string APIs, which is what callers of those APIs get too). */
static inline char *aq_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Touches every cell so a table left inconsistent by a parser shows. */
static inline void aq_fuzz_walk_table(const aq_table *t)
{
    char buf[64];
    size_t nr = aq_table_nrows(t), nc = aq_table_ncols(t);
    for (size_t j = 0; j < nc; j++) {
        if (!aq_table_colname(t, j))
            abort();
        for (size_t i = 0; i < nr; i++) {
            aq_table_cell(t, j, i, buf, sizeof buf);
            (void)aq_table_source_line(t, i);
        }
    }
}

/* Does row I of table A hold the same cells, from the same source line,
 * as row J of table B? */
static inline int aq_fuzz_same_row(const aq_table *a, size_t i, const aq_table *b, size_t j)
{
    char b1[64], b2[64];
    if (aq_table_ncols(a) != aq_table_ncols(b) || aq_table_source_line(a, i) != aq_table_source_line(b, j))
        return 0;
    for (size_t c = 0; c < aq_table_ncols(a); c++)
        if (strcmp(aq_table_cell(a, c, i, b1, sizeof b1), aq_table_cell(b, c, j, b2, sizeof b2)) != 0)
            return 0;
    return 1;
}

/* A carriage return not followed by a line feed (old Mac line endings):
 * the whole-file and batch readers split such lines differently today
 * (tests/fuzz/pending/csv/), so the comparison below skips them. */
static inline int aq_fuzz_has_lone_cr(const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'))
            return 1;
    return 0;
}

/* One reading of the file with OPTS, whole and in batches of 3 rows. With
 * COMPARE, when both succeed, the batches must hold the same rows as the
 * whole read (for files under 1,000 rows, where both see every row before
 * deciding the column types). */
static inline void aq_fuzz_csv_once(aq_ctx *ctx, const char *path, const aq_read_opts *opts, int compare)
{
    aq_table *t = NULL;
    int rc = aq_table_read(ctx, path, opts, &t);
    if (rc == AQ_OK) {
        aq_fuzz_walk_table(t);
    } else if (t || !*aq_errmsg(ctx)) {
        abort(); /* a failure must leave *out alone and say why */
    }
    compare = compare && t && aq_table_nrows(t) < 1000;
    aq__csv_reader *r = NULL;
    if (aq__csv_open(ctx, path, opts, &r) == AQ_OK) {
        size_t row = 0;
        int complete = 0;
        for (int batches = 0; batches < 1000; batches++) {
            aq_table *b = NULL;
            if (aq__csv_next(ctx, r, 3, &b) != AQ_OK)
                break;
            if (!b) {
                complete = 1;
                break;
            }
            aq_fuzz_walk_table(b);
            for (size_t i = 0; compare && i < aq_table_nrows(b); i++, row++)
                if (row >= aq_table_nrows(t) || !aq_fuzz_same_row(t, row, b, i))
                    abort();
            aq_table_free(b);
        }
        if (compare && complete && row != aq_table_nrows(t))
            abort();
        aq__csv_close(r);
    }
    aq_table_free(t);
}

/* Delimited text: detected options, CP1251 source, decimal comma, and a
 * semicolon delimiter with a column subset. */
static inline void aq_fuzz_csv(const uint8_t *data, size_t size)
{
    char path[512];
    if (aq_fuzz_tmpfile(data, size, ".csv", path, sizeof path))
        return;
    aq_ctx *ctx = aq_ctx_new();
    aq_read_opts o;
    aq_read_opts_init(&o);
    aq_fuzz_csv_once(ctx, path, &o, !aq_fuzz_has_lone_cr(data, size));
    o.encoding = "CP1251";
    aq_fuzz_csv_once(ctx, path, &o, 0);
    o.encoding = "KZ-1048";
    o.decimal = ',';
    aq_fuzz_csv_once(ctx, path, &o, 0);
    static const char *const cols[] = {"code", "value", NULL};
    static const char *const opt[] = {"name", NULL};
    aq_read_opts_init(&o);
    o.delimiter = ';';
    o.columns = cols;
    o.optional_columns = opt;
    aq_fuzz_csv_once(ctx, path, &o, 0);
    aq_ctx_free(ctx);
    unlink(path);
}

/* Numbers: both decimal marks, over an exact-size copy (no NUL). A finite
 * number read back from its own shortest exact form ("%.17g", with the
 * same decimal mark) is the same number. */
static inline void aq_fuzz_number(const uint8_t *data, size_t size)
{
    char *s = malloc(size ? size : 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    for (int k = 0; k < 2; k++) {
        char dec = k ? ',' : '.', buf[64];
        double v, w;
        if (aq_parse_number(s, size, dec, &v) != 1 || !isfinite(v))
            continue;
        int m = snprintf(buf, sizeof buf, "%.17g", v);
        for (char *p = buf; dec == ',' && *p; p++)
            if (*p == '.')
                *p = ',';
        if (aq_parse_number(buf, (size_t)m, dec, &w) != 1 || w != v)
            abort();
    }
    free(s);
}

/* Names: strict key, loose key, transliteration, romanisation key. The strict key of a key
 * must be the key itself (matching compares keys of keys when a stored key
 * is looked up again). */
static inline void aq_fuzz_names(const uint8_t *data, size_t size)
{
    char *s = aq_fuzz_cstr(data, size);
    aq_ctx *ctx = aq_ctx_new();
    char *key = NULL, *again = NULL, *loose = NULL, *lat = NULL;
    int changes = 0;
    if (aq_name_key(ctx, s, &key, &changes) == AQ_OK) {
        if (!key || changes < 0)
            abort();
        (void)aq_name_key(ctx, key, &again, NULL);
    }
    (void)aq_name_loose_key(ctx, s, &loose);
    (void)aq_translit_latin(ctx, s, &lat);
    /* the romanisation key and its stem: plain ASCII whatever the input */
    for (int stem = 0; stem < 2; stem++) {
        char *rom = NULL;
        if (aq_name_roman_key(ctx, s, stem, &rom) == AQ_OK)
            for (const char *p = rom; *p; p++)
                if ((unsigned char)*p >= 0x80)
                    abort();
        aq_free(rom);
    }
    aq_free(key);
    aq_free(again);
    aq_free(loose);
    aq_free(lat);
    aq_ctx_free(ctx);
    free(s);
}

/* Import mapping YAML. */
static inline void aq_fuzz_mapping(const uint8_t *data, size_t size)
{
    char path[512];
    if (aq_fuzz_tmpfile(data, size, ".yaml", path, sizeof path))
        return;
    aq_ctx *ctx = aq_ctx_new();
    aq__mapping m;
    memset(&m, 0, sizeof m);
    if (aq__mapping_load(ctx, path, &m) == AQ_OK) {
        for (int r = 0; r < AQ_ROLE_COUNT; r++)
            (void)aq__role_name((enum aq__role)r);
        (void)aq__shape_name(m.shape);
        aq__mapping_free(&m);
    }
    aq_ctx_free(ctx);
    unlink(path);
}

/* Methodology YAML; when it is valid, also run it on a small table that
 * has every column it names, to reach the code its fields steer. */
static inline void aq_fuzz_method(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    if (!text)
        abort();
    if (size)
        memcpy(text, data, size);
    aq_ctx *ctx = aq_ctx_new();
    aq_method *m = NULL;
    if (aq_method_parse(ctx, text, size, "fuzz.yaml", &m) == AQ_OK) {
        (void)aq_method_name(m);
        (void)aq_method_hash(m);
        (void)aq_method_act(m);
        const char *kind = aq_method_kind(m);
        char cols[4096];
        size_t need = aq_method_data_columns(m, cols, sizeof cols);
        aq_table *t = NULL;
        enum { ROWS = 7 };
        if (need < sizeof cols && aq_table_new(ctx, ROWS, &t) == AQ_OK) {
            size_t c;
            /* id columns are usually "code" or "id": give both as text. */
            static const char *const ids[] = {"code", "id", "kato", "name"};
            for (size_t k = 0; k < sizeof ids / sizeof *ids; k++)
                if (aq_table_add_column(ctx, t, ids[k], AQ_COL_TEXT, &c) == AQ_OK)
                    for (size_t i = 0; i < ROWS; i++) {
                        char v[16];
                        snprintf(v, sizeof v, "u%zu", i);
                        aq_table_set_text(ctx, t, c, i, v);
                    }
            for (char *p = cols, *e; *p; p = *e ? e + 1 : e) {
                e = strchr(p, ',');
                if (!e)
                    e = p + strlen(p);
                char save = *e;
                *e = '\0';
                if (aq_table_add_column(ctx, t, p, AQ_COL_NUMBER, &c) == AQ_OK)
                    for (size_t i = 0; i < ROWS; i++)
                        aq_table_set_number(ctx, t, c, i, i == 3 ? NAN : (double)((i * 37 + c * 11) % 13));
                *e = save;
            }
            if (aq_method_check_table(ctx, m, t) == AQ_OK) {
                if (kind && strcmp(kind, "depressed") == 0) {
                    aq_table *flags = NULL;
                    if (aq_depressed_run(ctx, m, t, &flags) == AQ_OK)
                        aq_table_free(flags);
                } else {
                    aq_index *r = NULL;
                    if (aq_index_compute(ctx, m, t, &r) == AQ_OK) {
                        aq_table *u = NULL;
                        if (aq_index_units_table(ctx, r, &u) == AQ_OK)
                            aq_table_free(u);
                        aq_index_free(r);
                    }
                }
            }
            aq_table_free(t);
        }
        aq_method_free(m);
    }
    aq_ctx_free(ctx);
    free(text);
}

/* GAL and GWT weights files (the same bytes read as each). */
static inline void aq_fuzz_weights(const uint8_t *data, size_t size)
{
    static const char *const exts[] = {".gal", ".gwt"};
    aq_ctx *ctx = aq_ctx_new();
    for (size_t k = 0; k < 2; k++) {
        char path[512];
        if (aq_fuzz_tmpfile(data, size, exts[k], path, sizeof path))
            continue;
        aq_weights *w = NULL;
        if (aq_weights_read(ctx, path, &w) == AQ_OK) {
            aq_weights_info info;
            (void)aq_weights_summary(ctx, w, &info);
            size_t n = aq_weights_n(w);
            double *x = malloc((n ? n : 1) * sizeof *x), *lag = malloc((n ? n : 1) * sizeof *lag);
            if (!x || !lag)
                abort();
            for (size_t i = 0; i < n; i++)
                x[i] = (double)(i % 5);
            aq_weights_lag(w, x, lag);
            for (size_t i = 0; i < n; i++)
                (void)aq_weights_id(w, i);
            (void)aq_weights_set_style(ctx, w, AQ_WSTYLE_V);
            (void)aq_weights_set_style(ctx, w, AQ_WSTYLE_C);
            aq_weights_lag(w, x, lag);
            free(x);
            free(lag);
            aq_weights_free(w);
        }
        unlink(path);
    }
    aq_ctx_free(ctx);
}

/* Periods: what is accepted normalises to itself; so does what a label
 * ('I квартал 2008 года') is read as, and every period has a last day. */
static inline void aq_fuzz_period(const uint8_t *data, size_t size)
{
    char *s = aq_fuzz_cstr(data, size);
    char out[16], again[16], end[11];
    if (aq__period_normalise(s, out)) {
        if (!memchr(out, '\0', sizeof out))
            abort();
        if (!aq__period_normalise(out, again) || strcmp(out, again) != 0)
            abort();
    }
    if (aq__period_from_label(s, out)) {
        if (!memchr(out, '\0', sizeof out) || !aq__period_normalise(out, again) || strcmp(out, again) != 0)
            abort();
        if (!aq__period_end(out, end) || strlen(end) != 10)
            abort();
    }
    free(s);
}

/* Variables of the expression fuzzer: names starting with 't' are text
 * columns, "k" a constant, the rest number columns; "zz" is unknown. */
enum { AQ_FUZZ_XROWS = 5 };
static inline int aq_fuzz_xresolve(void *user, const char *name, aq__xvar *out)
{
    static const double num[AQ_FUZZ_XROWS] = {1, -2.5, NAN, 0, 1e300};
    static const char *const txt[AQ_FUZZ_XROWS] = {"a", NULL, "Алматы", "", "b"};
    (void)user;
    memset(out, 0, sizeof *out);
    if (strcmp(name, "zz") == 0)
        return 0;
    if (name[0] == 't')
        out->txt = txt;
    else if (strcmp(name, "k") == 0)
        out->constant = 3;
    else
        out->num = num;
    return 1;
}

/* Conditions and derived columns of methodology files ("pop == 0 and
 * region != 'x'"): parse, bind, evaluate and explain every row. */
static inline void aq_fuzz_expr(const uint8_t *data, size_t size)
{
    char *s = aq_fuzz_cstr(data, size);
    aq_ctx *ctx = aq_ctx_new();
    aq__expr *e = NULL;
    if (aq__expr_parse(ctx, s, &e) == AQ_OK) {
        (void)aq__expr_text(e);
        for (size_t i = 0; i < aq__expr_nvars(e); i++)
            if (!aq__expr_var(e, i))
                abort();
        if (aq__expr_bind(ctx, e, aq_fuzz_xresolve, NULL, AQ_FUZZ_XROWS) == AQ_OK)
            for (size_t r = 0; r < AQ_FUZZ_XROWS; r++) {
                aq_buf b = {0};
                (void)aq__expr_eval(e, r);
                (void)aq__expr_true(e, r);
                aq__expr_explain(e, r, &b);
                aq__buf_free(&b);
            }
        aq__expr_free(e);
    }
    aq_ctx_free(ctx);
    free(s);
}

/* Road speed lists "primary=90,track=20". */
static inline void aq_fuzz_speeds(const uint8_t *data, size_t size)
{
    char *s = aq_fuzz_cstr(data, size);
    aq_ctx *ctx = aq_ctx_new();
    (void)aq_speeds_check(ctx, s);
    aq_ctx_free(ctx);
    free(s);
}

/* Rows in the store's tables, to check that a failed import left none. */
static inline long aq_fuzz_store_rows(aq_store *s)
{
    aq_table *t = NULL;
    long n = 0;
    if (aq_store_datasets(s, &t) == AQ_OK) {
        n += (long)aq_table_nrows(t);
        aq_table_free(t);
    }
    if (aq_store_indicators(s, &t) == AQ_OK) {
        n += (long)aq_table_nrows(t) * 1000;
        aq_table_free(t);
    }
    if (aq_store_units(s, NULL, &t) == AQ_OK) {
        n += (long)aq_table_nrows(t) * 1000000;
        aq_table_free(t);
    }
    return n;
}

/* The extension under which an input that looks like another format is
 * imported too (through GDAL's door, src/gdal_open.c): XML or JSON as
 * .geojson, a zip as .xlsx, an SQLite file as .gpkg; NULL for the rest. */
static inline const char *aq_fuzz_gdal_ext(const uint8_t *data, size_t size)
{
    if (size && (data[0] == '<' || data[0] == '{'))
        return ".geojson";
    if (size >= 2 && data[0] == 'P' && data[1] == 'K')
        return ".xlsx";
    if (size >= 16 && !memcmp(data, "SQLite format 3", 16))
        return ".gpkg";
    return NULL;
}

/* A whole import into a fresh in-memory store holding a few units: the
 * input as a CSV, all or nothing, then with --skip-bad-rows; and, when it
 * looks like another format, once more under that format's extension. A
 * failed import must leave the store exactly as it was. XML is never a
 * GeoJSON file: a GDAL VRT (which names other files to read) imported as
 * .geojson must fail, or GDAL chose the driver from the content. */
static inline void aq_fuzz_import(const uint8_t *data, size_t size)
{
    static const char units[] = "code,parent,level,name_ru\n000000000,,country,Казахстан\n"
                                "100000000,000000000,region,Абай\n110000000,000000000,region,Акмола\n"
                                "111000000,110000000,district,Аккольский\n";
    char upath[512], path[512], rej[600];
    if (aq_fuzz_tmpfile((const uint8_t *)units, sizeof units - 1, "-units.csv", upath, sizeof upath) ||
        aq_fuzz_tmpfile(data, size, ".csv", path, sizeof path))
        return;
    snprintf(rej, sizeof rej, "%s.rejects.csv", path);
    aq_ctx *ctx = aq_ctx_new();
    aq_store *s = NULL;
    if (aq_store_open(ctx, ":memory:", AQ_STORE_CREATE, &s) != AQ_OK)
        abort();
    aq_import_opts o;
    aq_import_result r;
    aq_import_opts_init(&o);
    memset(&r, 0, sizeof r);
    if (aq_store_import(s, upath, &o, &r) != AQ_OK)
        abort();
    aq_import_result_clear(&r);
    for (int skip = 0; skip <= 1; skip++) {
        aq_import_opts_init(&o);
        o.period = skip ? NULL : "2023";
        o.skip_bad_rows = skip;
        o.rejects_path = skip ? rej : NULL;
        long before = aq_fuzz_store_rows(s);
        memset(&r, 0, sizeof r);
        int rc = aq_store_import(s, path, &o, &r);
        if (rc != AQ_OK && (aq_fuzz_store_rows(s) != before || !*aq_errmsg(ctx)))
            abort(); /* half an import, or a failure without a word */
        aq_import_result_clear(&r);
    }
    const char *ext = aq_fuzz_gdal_ext(data, size);
    char gpath[512];
    if (ext && !aq_fuzz_tmpfile(data, size, ext, gpath, sizeof gpath)) {
        aq_import_opts_init(&o);
        o.period = "2023";
        long before = aq_fuzz_store_rows(s);
        memset(&r, 0, sizeof r);
        int rc = aq_store_import(s, gpath, &o, &r);
        if (rc != AQ_OK && (aq_fuzz_store_rows(s) != before || !*aq_errmsg(ctx)))
            abort();
        if (rc == AQ_OK && data[0] == '<')
            abort(); /* XML obeyed as .geojson: a VRT got through */
        aq_import_result_clear(&r);
        unlink(gpath);
    }
    aq_store_close(s);
    aq_ctx_free(ctx);
    unlink(path);
    unlink(upath);
    unlink(rej);
}

/* Geometries as WKB, the one binary format aimaq decodes itself (for
 * contiguity and centroids). The input is a list of blobs, each a 2-byte
 * little-endian length and that many bytes; each blob is copied into a
 * heap block of exactly its size. */
static inline void aq_fuzz_wkb(const uint8_t *data, size_t size)
{
    enum { MAXG = 16 };
    unsigned char *blob[MAXG];
    size_t len[MAXG], n = 0, pos = 0;
    while (n < MAXG && pos + 2 <= size) {
        size_t l = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
        pos += 2;
        if (l > size - pos)
            l = size - pos;
        blob[n] = malloc(l ? l : 1);
        if (!blob[n])
            abort();
        if (l)
            memcpy(blob[n], data + pos, l);
        len[n++] = l;
        pos += l;
    }
    aq_ctx *ctx = aq_ctx_new();
    double x[MAXG], y[MAXG];
    (void)aq_geometry_centroids(ctx, (const unsigned char *const *)blob, len, n, x, y);
    for (int rook = 0; rook <= 1; rook++) {
        aq_weights *w = NULL;
        if (aq_weights_contiguity(ctx, (const unsigned char *const *)blob, len, n, rook, rook ? 0 : 1e-6, &w) == AQ_OK) {
            aq_weights_info info;
            (void)aq_weights_summary(ctx, w, &info);
            aq_weights_free(w);
        }
    }
    aq_ctx_free(ctx);
    for (size_t i = 0; i < n; i++)
        free(blob[i]);
}

/* Scenario plans (YAML naming a network, settlements and services, then
 * changes). The plan is written next to copies of the small network of
 * tests/data/network (copied once per process; the harness runs from the
 * repository root), so the files it names resolve. */
static inline void aq_fuzz_plan(const uint8_t *data, size_t size)
{
    const char *tmp = getenv("AQ_TMP");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/aq-fuzz-plan-%ld", tmp && *tmp ? tmp : "/tmp", (long)getpid());
    snprintf(path, sizeof path, "%s/edges.csv", dir);
    if (access(path, R_OK) != 0) {
        char cmd[1400];
        snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp tests/data/network/*.csv '%s'", dir, dir);
        if (system(cmd) != 0)
            return;
    }
    snprintf(path, sizeof path, "%s/plan.yaml", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    if (size)
        fwrite(data, 1, size, f);
    if (fclose(f) != 0)
        return;
    aq_ctx *ctx = aq_ctx_new();
    aq_table *t = NULL;
    if (aq_scenario_run(ctx, path, &t) == AQ_OK) {
        aq_fuzz_walk_table(t);
        aq_table_free(t);
    } else if (t || !*aq_errmsg(ctx)) {
        abort();
    }
    aq_ctx_free(ctx);
}

#endif
