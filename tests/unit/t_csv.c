/*
 * t_csv.c -- the readers: delimited text (delimiters, BOM, decimal commas,
 * thousands separators, quotes, encodings, type detection and its repair)
 * and GDAL formats; every failure path names the file, line and column.
 */
#include "aimaq.h"
#include "aq_test.h"

#include <math.h>
#include <string.h>

static aq_table *read_ok(aq_ctx *ctx, const char *path, const aq_read_opts *o)
{
    aq_table *t = NULL;
    int rc = aq_table_read(ctx, path, o, &t);
    if (rc != AQ_OK)
        fprintf(stderr, "reading %s: %s\n", path, aq_errmsg(ctx));
    AQ_EQ_INT(rc, AQ_OK);
    return t;
}

static void expect_error(aq_ctx *ctx, const char *path, const aq_read_opts *o, int code, const char *needle)
{
    aq_table *t = NULL;
    AQ_EQ_INT(aq_table_read(ctx, path, o, &t), code);
    AQ_CHECK(t == NULL);
    if (!strstr(aq_errmsg(ctx), needle))
        fprintf(stderr, "message '%s' lacks '%s'\n", aq_errmsg(ctx), needle);
    AQ_CHECK(strstr(aq_errmsg(ctx), needle) != NULL);
}

static void numbers(void)
{
    double v;
    AQ_CHECK(aq_parse_number("1 234,5", 7, ',', &v) && v == 1234.5);
    AQ_CHECK(aq_parse_number("1,234.5", 7, '.', &v) && v == 1234.5);
    AQ_CHECK(aq_parse_number("1\xC2\xA0" "234\xC2\xA0" "567", 11, '.', &v) && v == 1234567);
    AQ_CHECK(aq_parse_number("\xE2\x88\x92" "12,5", 7, ',', &v) && v == -12.5);
    AQ_CHECK(aq_parse_number(" -3.25e2 ", 9, '.', &v) && v == -325);
    AQ_CHECK(aq_parse_number("0.1", 3, '.', &v) && v == 0.1);
    AQ_CHECK(aq_parse_number("123456.789012", 13, '.', &v) && v == 123456.789012);
    AQ_CHECK(aq_parse_number("12345678901234567890123", 23, '.', &v) && v == 12345678901234567890123.0);
    AQ_CHECK(!aq_parse_number("1,5", 3, '.', &v));   /* never fifteen */
    AQ_CHECK(!aq_parse_number("12 34", 5, '.', &v)); /* groups are three digits */
    AQ_CHECK(!aq_parse_number("1.2.3", 5, '.', &v));
    AQ_CHECK(!aq_parse_number("abc", 3, '.', &v));
    AQ_CHECK(!aq_parse_number("", 0, '.', &v));
    AQ_CHECK(!aq_parse_number("1e", 2, '.', &v));
    AQ_CHECK(!aq_parse_number("1e999", 5, '.', &v));
    /* A leading zero never starts a thousands group. */
    AQ_CHECK(!aq_parse_number("0,125", 5, '.', &v));
    AQ_CHECK(!aq_parse_number("0.125", 5, ',', &v));
    AQ_CHECK(!aq_parse_number("-0.125", 6, ',', &v));
    AQ_CHECK(aq_parse_number("0,125", 5, ',', &v) && v == 0.125);
    AQ_CHECK(aq_parse_number("2.500", 5, ',', &v) && v == 2500); /* ambiguous: the reader decides */
}

/* Three decimals: decided by the column's other values, else the file's,
 * else the delimiter's custom, and never silently multiplied by 1000. */
static void three_decimals(aq_ctx *ctx)
{
    aq_table *t = read_ok(ctx, "tests/data/io/three_decimals.tsv", NULL);
    if (t) {
        const double *share = aq_table_numbers(t, 2), *price = aq_table_numbers(t, 3);
        AQ_CHECK(share && share[0] == 0.125 && share[1] == 0.5);
        AQ_CHECK(price && price[0] == 2.5 && price[1] == 1.234); /* the file's point, with a warning */
        aq_table_free(t);
    }
    aq_read_opts o;
    aq_read_opts_init(&o);
    o.decimal = ','; /* the share column's 0.125 says otherwise */
    expect_error(ctx, "tests/data/io/three_decimals.tsv", &o, AQ_EINPUT,
                 "line 2, column 'share': '0.125' uses a decimal point, but the decimal mark given is ','");
}

/* One typo in a number column is a bad cell, noted; markers are noted with
 * their reason; the column stays numbers. */
static void bad_cells_and_markers(aq_ctx *ctx)
{
    aq_table *t = read_ok(ctx, "tests/data/io/markers.csv", NULL);
    if (!t)
        return;
    AQ_EQ_INT(aq_table_coltype(t, 1), AQ_COL_NUMBER);
    const double *pop = aq_table_numbers(t, 1);
    AQ_CHECK(pop && pop[0] == 100 && isnan(pop[1]) && pop[2] == 300);
    size_t n;
    const aq_cell_note *nt = aq_table_notes(t, &n);
    AQ_EQ_INT(n, 7);
    static const int want[] = {AQ_CELL_BAD, AQ_CELL_CONFIDENTIAL, AQ_CELL_ABSENT, AQ_CELL_ABSENT,
                               AQ_CELL_UNAVAILABLE, AQ_CELL_UNAVAILABLE, AQ_CELL_CONFIDENTIAL};
    static const char *const text[] = {"78800O", "x", "-", "\xE2\x80\x93", "...", "\xD0\xBD/\xD0\xB4", "X"};
    for (size_t k = 0; nt && k < n && k < 7; k++) {
        AQ_EQ_INT(nt[k].flag, want[k]);
        AQ_EQ_STR(nt[k].text, text[k]);
        AQ_EQ_INT(nt[k].row, k == 0 ? 1 : k == 6 ? 9 : k + 2);
        AQ_EQ_INT(nt[k].col, 1);
    }
    AQ_CHECK(isnan(pop[8])); /* the empty cell: NaN without a note */
    AQ_EQ_STR(aq_cell_flag_name(AQ_CELL_CONFIDENTIAL), "confidential");
    aq_table_free(t);
}

static void delimited(aq_ctx *ctx)
{
    aq_table *t = read_ok(ctx, "tests/data/io/semicolon_bom.csv", NULL);
    if (!t)
        return;
    AQ_EQ_INT(aq_table_nrows(t), 3);
    AQ_EQ_INT(aq_table_ncols(t), 4);
    AQ_EQ_STR(aq_table_colname(t, 0), "code"); /* the BOM is not part of the name */
    AQ_EQ_INT(aq_table_coltype(t, 0), AQ_COL_TEXT);
    AQ_EQ_STR(aq_table_text(t, 1, 1), "Ақмола; \"облыс\"");
    const double *v = aq_table_numbers(t, (size_t)aq_table_find(t, "value"));
    AQ_CHECK(v != NULL);
    if (v) {
        AQ_NEAR(v[0], 1234.5, 0);
        AQ_NEAR(v[1], 2345.25, 0);
        AQ_CHECK(isnan(v[2])); /* '-' is missing */
    }
    const double *s = aq_table_numbers(t, 3);
    AQ_CHECK(s && s[0] == 12.5 && s[1] == 7 && isnan(s[2]));
    AQ_EQ_INT(aq_table_source_line(t, 2), 4);
    aq_table_free(t);

    t = read_ok(ctx, "tests/data/io/tab_thousands.tsv", NULL);
    if (t) {
        AQ_EQ_STR(aq_table_text(t, 0, 0), "010"); /* a code keeps its zero */
        const double *val = aq_table_numbers(t, 2);
        AQ_CHECK(val && val[0] == 1234.5 && val[1] == 2000);
        aq_table_free(t);
    }
    /* A column numeric for 1,200 rows, then text for 1,800 (made by
     * python3 -c "print('code,label,v'); [print(f'U{i},{i if i<1200 else
     * \"n/a-%d\"%i},{i/2:.1f}') for i in range(3000)]"): the column is
     * mostly text, so the sample is repaired. */
    t = read_ok(ctx, "tests/data/io/late_text.csv", NULL);
    if (t) {
        AQ_EQ_INT(aq_table_coltype(t, 1), AQ_COL_TEXT);
        AQ_EQ_STR(aq_table_text(t, 1, 5), "5");
        AQ_EQ_STR(aq_table_text(t, 1, 1400), "n/a-1400");
        AQ_EQ_INT(aq_table_nrows(t), 3000);
        AQ_NEAR(aq_table_numbers(t, 2)[1499], 749.5, 0);
        aq_table_free(t);
    }
}

static void failures(aq_ctx *ctx)
{
    expect_error(ctx, "tests/data/io/empty.csv", NULL, AQ_EINPUT, "'tests/data/io/empty.csv' is empty");
    expect_error(ctx, "tests/data/io/no_such_file.csv", NULL, AQ_EIO, "no such file");
    expect_error(ctx, "tests/data/io/bad_fields.csv", NULL, AQ_EINPUT, "line 3: 3 fields, expected 2");
    expect_error(ctx, "tests/data/io/mixed_decimal.csv", NULL, AQ_EINPUT, "column 'value' mixes number styles");
    expect_error(ctx, "tests/data/io/cp1251.csv", NULL, AQ_EINPUT, "it looks like CP1251");
    expect_error(ctx, "tests/data/io/kz1048.csv", NULL, AQ_EINPUT, "it looks like KZ-1048");
    /* Old-Mac line ends (CR alone): every row is read, none lost. */
    aq_table *cr = read_ok(ctx, "tests/fuzz/regressions/csv/cr-only-line-endings.csv", NULL);
    if (cr) {
        AQ_EQ_INT(aq_table_nrows(cr), 3);
        AQ_EQ_INT(aq_table_source_line(cr, 2), 4);
        aq_table_free(cr);
    }
    aq_table *t = read_ok(ctx, "tests/data/io/header_only.csv", NULL);
    AQ_CHECK(t && aq_table_nrows(t) == 0);
    aq_table_free(t);
}

static void encodings(aq_ctx *ctx)
{
    aq_read_opts o;
    aq_read_opts_init(&o);
    o.encoding = "CP1251";
    aq_table *t = read_ok(ctx, "tests/data/io/cp1251.csv", &o);
    if (t) {
        AQ_EQ_STR(aq_table_text(t, 1, 0), "Абай");
        AQ_EQ_STR(aq_table_text(t, 1, 1), "Караганды");
        aq_table_free(t);
    }
    o.encoding = "KZ-1048";
    t = read_ok(ctx, "tests/data/io/kz1048.csv", &o);
    if (t) {
        AQ_EQ_STR(aq_table_text(t, 1, 0), "Ақмола");
        AQ_EQ_STR(aq_table_text(t, 1, 1), "Қарағанды");
        aq_table_free(t);
    }
}

/* A spreadsheet's numbers stored as text follow the CSV reader's rules: a
 * typo is a bad cell, markers are noted, a column of '2.500' takes the
 * sheet's decimal mark (here the comma of '0,5'). */
static void spreadsheet_text_numbers(aq_ctx *ctx)
{
    aq_table *t = read_ok(ctx, "tests/data/io/text_numbers.xlsx", NULL);
    if (!t)
        return;
    long pop = aq_table_find(t, "pop"), share = aq_table_find(t, "share"), amb = aq_table_find(t, "amb");
    AQ_CHECK(pop >= 0 && share >= 0 && amb >= 0);
    const double *p = pop >= 0 ? aq_table_numbers(t, (size_t)pop) : NULL;
    const double *s = share >= 0 ? aq_table_numbers(t, (size_t)share) : NULL;
    const double *a = amb >= 0 ? aq_table_numbers(t, (size_t)amb) : NULL;
    AQ_CHECK(p && p[0] == 610189 && isnan(p[1]) && isnan(p[2]) && p[4] == 300);
    AQ_CHECK(s && s[2] == 0.125);
    AQ_CHECK(a && a[0] == 2500 && a[1] == 1234);
    size_t n;
    const aq_cell_note *nt = aq_table_notes(t, &n);
    AQ_EQ_INT(n, 3);
    if (nt && n == 3) {
        AQ_EQ_INT(nt[0].flag, AQ_CELL_BAD);
        AQ_EQ_STR(nt[0].text, "78800O");
        AQ_EQ_INT(nt[1].flag, AQ_CELL_CONFIDENTIAL);
        AQ_EQ_INT(nt[2].flag, AQ_CELL_ABSENT);
        AQ_EQ_INT(nt[2].row, 3);
    }
    aq_table_free(t);
    aq_read_opts o;
    aq_read_opts_init(&o);
    o.decimal = '.'; /* the share column's '0,5' says otherwise */
    expect_error(ctx, "tests/data/io/text_numbers.xlsx", &o, AQ_EINPUT, "column 'share'");
}

static void gdal_formats(aq_ctx *ctx)
{
    /* GeoJSON with polygons: geometry and CRS ride along. */
    aq_table *t = read_ok(ctx, "examples/kz/regions.geojson", NULL);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 20);
        AQ_EQ_STR(aq_table_crs(t), "EPSG:4326");
        size_t len = 0;
        AQ_CHECK(aq_table_geometry(t, 0, &len) != NULL && len > 100);
        AQ_EQ_INT(aq_table_coltype(t, (size_t)aq_table_find(t, "code")), AQ_COL_TEXT);
        aq_table_free(t);
    }
    /* Shapefile (PySAL's Columbus): 49 polygons, numbers typed by the DBF. */
    t = read_ok(ctx, "tests/data/pysal/columbus/columbus.shp", NULL);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 49);
        long crime = aq_table_find(t, "CRIME");
        AQ_CHECK(crime >= 0 && aq_table_numbers(t, (size_t)crime) != NULL);
        aq_table_free(t);
    }
    aq_read_opts o;
    aq_read_opts_init(&o);
    o.layer = "no such sheet";
    expect_error(ctx, "examples/kz/regions.geojson", &o, AQ_ENOTFOUND, "has no layer or sheet 'no such sheet'");
}

/* Write every format and read it back. */
static void round_trip(aq_ctx *ctx)
{
    aq_table *t = read_ok(ctx, "tests/data/io/semicolon_bom.csv", NULL);
    if (!t)
        return;
    static const char *const exts[] = {"csv", "xlsx", "gpkg", "geojson", "ods"};
    for (int k = 0; k < 4; k++) {
        char path[512], name[64];
        snprintf(name, sizeof name, "t_csv_round.%s", exts[k]);
        aq_test_path(path, sizeof path, name);
        AQ_EQ_INT(aq_table_write(ctx, t, path, AQ_FMT_AUTO, "data"), AQ_OK);
        aq_table *back = read_ok(ctx, path, NULL);
        if (!back)
            continue;
        AQ_EQ_INT(aq_table_nrows(back), 3);
        long v = aq_table_find(back, "value");
        AQ_CHECK(v >= 0 && aq_table_numbers(back, (size_t)v) && aq_table_numbers(back, (size_t)v)[0] == 1234.5);
        long n = aq_table_find(back, "name");
        AQ_CHECK(n >= 0);
        if (n >= 0)
            AQ_EQ_STR(aq_table_text(back, (size_t)n, 1), "Ақмола; \"облыс\"");
        aq_table_free(back);
    }
    aq_table_free(t);
}

/* Only the columns asked for are kept, in the order asked for. */
static void column_selection(aq_ctx *ctx)
{
    const char *cols[] = {"value", "code", NULL};
    aq_read_opts o;
    aq_read_opts_init(&o);
    o.columns = cols;
    aq_table *t = read_ok(ctx, "tests/data/io/semicolon_bom.csv", &o);
    if (t) {
        AQ_EQ_INT(aq_table_ncols(t), 2);
        AQ_EQ_STR(aq_table_colname(t, 0), "value");
        AQ_EQ_STR(aq_table_colname(t, 1), "code");
        AQ_NEAR(aq_table_numbers(t, 0)[1], 2345.25, 0);
        AQ_EQ_STR(aq_table_text(t, 1, 2), "150000000");
        aq_table_free(t);
    }
    const char *absent[] = {"colour", NULL};
    o.columns = absent;
    expect_error(ctx, "tests/data/io/semicolon_bom.csv", &o, AQ_ENOTFOUND, "has no column 'colour'; its columns are code, name, value, share");
}

/* Every allocation failure is reported, never a crash or a leak. */
static void out_of_memory(aq_ctx *ctx)
{
    int failures = 0;
    for (long n = 1; n < 400; n++) {
        aq_table *t = NULL;
        aq_debug_fail_alloc_after(n);
        int rc = aq_table_read(ctx, "tests/data/io/semicolon_bom.csv", NULL, &t);
        aq_debug_fail_alloc_after(0);
        if (rc == AQ_OK) {
            aq_table_free(t);
            break;
        }
        failures += rc == AQ_ENOMEM;
        AQ_CHECK(rc == AQ_ENOMEM && t == NULL);
    }
    AQ_CHECK(failures > 10);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    numbers();
    delimited(ctx);
    three_decimals(ctx);
    bad_cells_and_markers(ctx);
    failures(ctx);
    encodings(ctx);
    gdal_formats(ctx);
    spreadsheet_text_numbers(ctx);
    round_trip(ctx);
    column_selection(ctx);
    out_of_memory(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
