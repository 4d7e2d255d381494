/*
 * cmd_report.c -- `aimaq report`: writes the printable, self-contained HTML
 * report of one indicator (map, ranking, Lorenz curve, disparity series,
 * population, provenance) from the store. The work is aq_report_write
 * (include/aimaq_report.h); this file only reads the options.
 */
#include "cli.h"

#include "aimaq_report.h"

#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_report = {
    "report", "write a self-contained HTML report (map, charts, tables, provenance)",
    "aimaq report [--db STORE] [--lang kk|ru|en] -o report.html",
    "Reads the store and writes one HTML file with everything inline (no script,\n"
    "no request leaves the machine when it is opened): a choropleth map in the\n"
    "Albers equal-area conic projection (45 and 51 N, 68 E), the regions ranked,\n"
    "the Lorenz curve (population-weighted when --population is in the store),\n"
    "the max/min ratio, Gini and Theil per year, the population table and the\n"
    "provenance of every dataset. Print it to PDF from a browser (one section\n"
    "per page). Words and numbers follow --lang (default kk: 19 974,1).\n\n"
    "examples:\n"
    "  aimaq report --db out/kz/kz.db -o report.html\n"
    "  aimaq report --db out/kz/kz.db --lang en --value grp_pc_usd -o report_en.html\n"
    "  aimaq potential snp.csv --method m.yaml --summary --format csv > classes.csv\n"
    "  aimaq report --db kz.db --method m.yaml --class-summary classes.csv -o report.html",
    run};

static int run(int argc, char **argv)
{
    aq_report_opts ro;
    aq_report_opts_init(&ro);
    const char *db = NULL, *output = NULL, *lang = NULL;
    double simplify = ro.simplify;
    long classes = ro.classes;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db)"},
        {"output", CLI_STRING, &output, "FILE", "the HTML file to write (also -o FILE)"},
        {"lang", CLI_STRING, &lang, "kk|ru|en", "language of words and numbers (default kk)"},
        {"value", CLI_STRING, &ro.value, "CODE", "indicator to map and rank (default grp_pc_kzt_thousand)"},
        {"population", CLI_STRING, &ro.population, "CODE", "population indicator (default population)"},
        {"level", CLI_STRING, &ro.level, "LEVEL", "unit level (default region)"},
        {"method", CLI_STRING, &ro.method_path, "FILE", "methodology file whose SHA-256 is shown"},
        {"class-summary", CLI_STRING, &ro.class_summary, "FILE",
         "class summary to show (aimaq potential --summary --format csv)"},
        {"class-map", CLI_STRING, &ro.class_map, "FILE",
         "potential classes to map (aimaq potential output with lon/lat, geometry, or codes)"},
        {"title", CLI_STRING, &ro.title, "TEXT", "heading of the report"},
        {"simplify", CLI_DOUBLE, &simplify, "DEG", "polygon simplification tolerance, degrees (default 0.02)"},
        {"classes", CLI_INT, &classes, "K", "map classes, 2..7 (default 5)"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_report, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 0)
        return cli_usage_error("report: unexpected argument '%s' (the store is --db STORE)", argv[0]);
    if (!output)
        return cli_usage_error("report: say where to write the report: -o FILE");
    if (lang && strcmp(lang, "kk") && strcmp(lang, "ru") && strcmp(lang, "en"))
        return cli_usage_error("report: --lang must be kk, ru or en, not '%s'", lang);
    if (classes < 2 || classes > 7)
        return cli_usage_error("report: --classes must be 2..7, not %ld", classes);
    if (!(simplify >= 0))
        return cli_usage_error("report: --simplify must be a tolerance >= 0 in degrees");
    if (lang)
        ro.lang = lang;
    ro.simplify = simplify;
    ro.classes = (int)classes;
    aq_ctx *ctx = cli_ctx();
    aq_store *store = NULL;
    rc = aq_store_open(ctx, cli_db_path(db), AQ_STORE_READONLY, &store);
    if (rc == AQ_OK)
        rc = aq_report_write(store, &ro, output);
    aq_store_close(store);
    if (rc)
        rc = cli_fail(ctx, rc);
    else
        fprintf(stderr, "aimaq report: wrote %s\n", output);
    aq_ctx_free(ctx);
    return rc;
}
