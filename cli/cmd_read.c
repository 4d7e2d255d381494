/*
 * cmd_read.c -- `aimaq read FILE`: shows how aimaq reads a file (columns,
 * types, values) and converts it to another format. The quickest way to see
 * what an import or an analysis will get.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>

static int run(int argc, char **argv);

const cli_command cmd_read = {
    "read", "read a file and print or convert it (column types, decimal commas, encodings)",
    "aimaq read FILE [--layer L] [--encoding ENC] [--decimal C] [--header-row N] [--skip-rows N] [--format F] [--output FILE] [--schema]",
    "Delimited text is read by aimaq (delimiter, decimal mark and types detected);\n"
    "XLSX, XLS, ODS, GeoJSON, Shapefile, GeoPackage, FlatGeobuf and OSM through GDAL,\n"
    "each only as the format its extension names (docs/import.md, \"Formats\").\n"
    "Spreadsheets are bounded (AIMAQ_SHEET_MAX_MB, default 1024; AIMAQ_SHEET_MAX_CELLS,\n"
    "default 16777216) against zip bombs.\n\n"
    "examples:\n"
    "  aimaq read examples/kz/grp_per_capita.csv --schema\n"
    "  aimaq read regions.geojson --format gpkg --output regions.gpkg",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *format = NULL, *output = NULL;
    int schema = 0;
    cli_option opts[] = {
        {"layer", CLI_STRING, &in.layer, "NAME", "layer or sheet of the input file"},
        {"encoding", CLI_STRING, &in.encoding, "ENC", "encoding of a non-UTF-8 text file (CP1251, KZ-1048)"},
        CLI_DECIMAL_OPTION(in),
        {"header-row", CLI_INT, &in.header_row, "N", "the row (CSV: line) naming the columns (default: found in spreadsheets)"},
        {"skip-rows", CLI_INT, &in.skip_rows, "N", "rows (CSV: lines) at the top to ignore before the header"},
        {"format", CLI_STRING, &format, "F", "table, csv, json, geojson, gpkg or xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        {"schema", CLI_FLAG, &schema, NULL, "print the columns and their types instead of the rows"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_read, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1)
        return cli_usage_error("read: give one FILE; see 'aimaq read --help'");
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *shown = NULL;
    rc = cli_input_load(ctx, &in, argv[0], &t);
    if (rc == AQ_OK) {
        /* Bad cells read as missing: say where, as an import would reject
         * them (the first 20, then a count). */
        size_t nn, bad = 0;
        const aq_cell_note *nt = aq_table_notes(t, &nn);
        for (size_t k = 0; k < nn; k++) {
            if (nt[k].flag != AQ_CELL_BAD)
                continue;
            if (++bad <= 20)
                fprintf(stderr, "aimaq read: '%s' line %zu, column '%s': '%s' is not a number (shown as missing; "
                        "an import rejects it)\n", argv[0], aq_table_source_line(t, nt[k].row),
                        aq_table_colname(t, nt[k].col), nt[k].text);
        }
        if (bad > 20)
            fprintf(stderr, "aimaq read: ... and %zu more cells that are not numbers\n", bad - 20);
    }
    if (rc == AQ_OK && schema) {
        size_t nc = aq_table_ncols(t);
        rc = aq_table_new(ctx, nc, &shown);
        size_t cname = 0, ctype = 0, cmiss = 0;
        if (rc == AQ_OK)
            rc = aq_table_add_column(ctx, shown, "column", AQ_COL_TEXT, &cname);
        if (rc == AQ_OK)
            rc = aq_table_add_column(ctx, shown, "type", AQ_COL_TEXT, &ctype);
        if (rc == AQ_OK)
            rc = aq_table_add_column(ctx, shown, "missing", AQ_COL_NUMBER, &cmiss);
        for (size_t j = 0; rc == AQ_OK && j < nc; j++) {
            size_t missing = 0;
            const double *num = aq_table_numbers(t, j);
            for (size_t i = 0; i < aq_table_nrows(t); i++)
                missing += num ? isnan(num[i]) : aq_table_text(t, j, i) == NULL;
            aq_table_set_text(ctx, shown, cname, j, aq_table_colname(t, j));
            aq_table_set_text(ctx, shown, ctype, j, aq_table_coltype(t, j) == AQ_COL_NUMBER ? "number" : "text");
            aq_table_set_number(ctx, shown, cmiss, j, (double)missing);
        }
        if (rc == AQ_OK)
            fprintf(stderr, "%zu rows, %zu columns%s%s\n", aq_table_nrows(t), nc,
                    aq_table_crs(t) ? ", geometries in " : "", aq_table_crs(t) ? aq_table_crs(t) : "");
    }
    if (rc == AQ_OK)
        rc = cli_write(ctx, shown ? shown : t, fmt, output);
    aq_table_free(shown);
    aq_table_free(t);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
