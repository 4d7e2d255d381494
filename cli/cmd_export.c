/*
 * cmd_export.c -- `aimaq export`: the store's observations, units, datasets
 * or indicators as CSV, JSON, GeoJSON, GeoPackage or XLSX.
 */
#include "cli.h"

#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_export = {
    "export", "write observations, units, datasets or indicators to CSV, JSON, GeoJSON, GPKG or XLSX",
    "aimaq export [--what observations|units|datasets|indicators|missing] [selection] --output FILE [--format F]",
    "The format follows the output file's extension unless --format says.\n"
    "GeoJSON and GeoPackage carry the units' geometries.\n\n"
    "examples:\n"
    "  aimaq export --db kz.db --indicator grp_pc_kzt_thousand --level region --output grp.xlsx\n"
    "  aimaq export --db kz.db --what units --level region --output regions.gpkg",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *what = "observations", *format = NULL, *output = NULL;
    cli_option opts[] = {
        {"what", CLI_STRING, &what, "WHAT", "observations (default), units, datasets, indicators or missing (the cells files marked x, -, ..., н/д, with the reason)"},
        CLI_INPUT_OPTIONS(in),
        {"format", CLI_STRING, &format, "F", "csv, json, geojson, gpkg, xlsx or table"},
        {"output", CLI_STRING, &output, "FILE", "the file to write (default: standard output, as a table)"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_export, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 0)
        return cli_usage_error("export: unexpected argument '%s'", argv[0]);
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    if (strcmp(what, "observations") == 0) {
        rc = cli_input_load(ctx, &in, NULL, &t);
    } else {
        aq_store *store = NULL;
        rc = aq_store_open(ctx, cli_db_path(in.db), AQ_STORE_READONLY, &store);
        if (rc == AQ_OK && strcmp(what, "units") == 0)
            rc = aq_store_units(store, in.level, &t);
        else if (rc == AQ_OK && strcmp(what, "datasets") == 0)
            rc = aq_store_datasets(store, &t);
        else if (rc == AQ_OK && strcmp(what, "indicators") == 0)
            rc = aq_store_indicators(store, &t);
        else if (rc == AQ_OK && strcmp(what, "missing") == 0)
            rc = aq_store_missing(store, &t);
        else if (rc == AQ_OK) {
            aq_store_close(store);
            aq_ctx_free(ctx);
            return cli_usage_error("export: --what is observations, units, datasets, indicators or missing, not '%s'", what);
        }
        aq_store_close(store);
    }
    if (rc == AQ_OK)
        rc = cli_write(ctx, t, fmt, output);
    aq_table_free(t);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
