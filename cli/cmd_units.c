/*
 * cmd_units.c -- `aimaq units`: list the territorial units, record a reform
 * (link a unit to a successor with the share that moved), and put a series
 * on one territorial basis across reforms.
 */
#include "cli.h"

#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_units = {
    "units", "list units, link reformed units, rebase a series across reforms",
    "aimaq units [list] [--level L] | units link FROM TO --date D --share S | "
    "units rebase --indicator I --period P --date D [--rate]",
    "list    the units (code, parent, level, names, validity, classifier edition)\n"
    "link    FROM passed SHARE (0..1) of its population to TO on DATE\n"
    "rebase  the values of INDICATOR for PERIOD on the units valid at DATE: counts\n"
    "        are divided by the shares, rates (--rate) carried over unchanged\n\n"
    "examples:\n"
    "  aimaq units --db kz.db --level region\n"
    "  aimaq units link 510000000 790000000 --date 2018-06-19 --share 0.33 --db kz.db\n"
    "  aimaq units rebase --indicator population --period 2017 --date 2022 --db kz.db",
    run};

static int run(int argc, char **argv)
{
    const char *db = NULL, *level = NULL, *date = NULL, *indicator = NULL, *period = NULL;
    const char *format = NULL, *output = NULL;
    double share = -1;
    int rate = 0;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db)"},
        {"level", CLI_STRING, &level, "L", "list: only units of this level"},
        {"date", CLI_STRING, &date, "D", "link: date of the reform; rebase: the basis date"},
        {"share", CLI_DOUBLE, &share, "S", "link: share (0..1) of the population that moved"},
        {"indicator", CLI_STRING, &indicator, "I", "rebase: the indicator"},
        {"period", CLI_STRING, &period, "P", "rebase: the period of the values"},
        {"rate", CLI_FLAG, &rate, NULL, "rebase: the indicator is a rate, not a count"},
        {"format", CLI_STRING, &format, "F", "table, csv, json, geojson, gpkg or xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_units, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    const char *sub = npos > 0 ? argv[0] : "list";
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    bool link = strcmp(sub, "link") == 0, rebase = strcmp(sub, "rebase") == 0;
    if (!link && !rebase && strcmp(sub, "list") != 0)
        return cli_usage_error("units: no subcommand '%s' (list, link, rebase)", sub);
    if (link && (npos != 3 || !date || share < 0))
        return cli_usage_error("units link: give FROM TO --date D --share S");
    if (rebase && (!indicator || !period || !date))
        return cli_usage_error("units rebase: give --indicator, --period and --date");
    aq_ctx *ctx = cli_ctx();
    aq_store *store = NULL;
    aq_table *t = NULL;
    rc = aq_store_open(ctx, cli_db_path(db), link ? 0 : AQ_STORE_READONLY, &store);
    if (rc == AQ_OK && link) {
        rc = aq_store_link_units(store, argv[1], argv[2], date, share);
        if (rc == AQ_OK)
            printf("linked %s -> %s on %s with share %g\n", argv[1], argv[2], date, share);
    } else if (rc == AQ_OK) {
        rc = rebase ? aq_store_rebase(store, indicator, period, date, !rate, &t) : aq_store_units(store, level, &t);
        if (rc == AQ_OK)
            rc = cli_write(ctx, t, fmt, output);
    }
    aq_table_free(t);
    aq_store_close(store);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
