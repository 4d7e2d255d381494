/*
 * cmd_datasets.c -- `aimaq datasets`: where every figure in the store came
 * from (file, checksum, time, who, rows accepted and rejected), and the
 * indicators with their metadata.
 */
#include "cli.h"

static int run(int argc, char **argv);

const cli_command cmd_datasets = {
    "datasets", "list the imported datasets (provenance) or, with --indicators, the indicators",
    "aimaq datasets [--db STORE] [--indicators] [--format F] [--output FILE]",
    "examples:\n  aimaq datasets --db kz.db\n  aimaq datasets --db kz.db --indicators --format csv",
    run};

static int run(int argc, char **argv)
{
    const char *db = NULL, *format = NULL, *output = NULL;
    int indicators = 0;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db)"},
        {"indicators", CLI_FLAG, &indicators, NULL, "list the indicators instead"},
        {"format", CLI_STRING, &format, "F", "table, csv, json or xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_datasets, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_store *store = NULL;
    aq_table *t = NULL;
    rc = aq_store_open(ctx, cli_db_path(db), AQ_STORE_READONLY, &store);
    if (rc == AQ_OK)
        rc = indicators ? aq_store_indicators(store, &t) : aq_store_datasets(store, &t);
    if (rc == AQ_OK)
        rc = cli_write(ctx, t, fmt, output);
    aq_table_free(t);
    aq_store_close(store);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
