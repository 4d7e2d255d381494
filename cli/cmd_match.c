/*
 * cmd_match.c -- `aimaq match FILE --to-level L`: which unit each row of a
 * file means, by code, then by name within its parent; unmatched and
 * ambiguous rows are listed, never guessed.
 */
#include "cli.h"

#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_match = {
    "match", "match the rows of a file to the store's units by code, then by name within the parent",
    "aimaq match FILE --to-level LEVEL [--within LEVEL] [--parent-column C] [--db STORE] [--output FILE]",
    "Names are compared after normalisation (Unicode, Kazakh case folding, Latin\n"
    "look-alikes, quotes, dashes, spaces), then loosely (keyboard fallbacks such as\n"
    "к for қ, administrative words such as с., ауданы), then by transliteration.\n"
    "--within LEVEL restricts each row to the unit of that level whose polygon\n"
    "contains the row's point (e.g. OpenStreetMap places within their region).\n"
    "A summary of matched, ambiguous and unmatched rows goes to standard error.\n\n"
    "examples:\n"
    "  aimaq match examples/kz/osm_places.geojson --to-level settlement --within region \\\n"
    "      --db kz.db --output matched.geojson",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *format = NULL, *output = NULL;
    aq_match_opts mo;
    aq_match_opts_init(&mo);
    cli_option opts[] = {
        {"to-level", CLI_STRING, &mo.level, "LEVEL", "level of the units to match to (required)"},
        {"within", CLI_STRING, &mo.within, "LEVEL", "find each row's parent as the unit of LEVEL containing its point"},
        {"parent-column", CLI_STRING, &mo.parent_column, "C", "column with the parent unit's code (default parent)"},
        {"db", CLI_STRING, &in.db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db)"},
        {"layer", CLI_STRING, &in.layer, "NAME", "layer or sheet of FILE"},
        {"encoding", CLI_STRING, &in.encoding, "ENC", "encoding of a non-UTF-8 text file"},
        CLI_DECIMAL_OPTION(in),
        {"format", CLI_STRING, &format, "F", "table, csv, json, geojson, gpkg or xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_match, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1 || !mo.level)
        return cli_usage_error("match: give FILE and --to-level LEVEL; see 'aimaq match --help'");
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *r = NULL;
    aq_store *s = NULL;
    rc = cli_input_load(ctx, &in, argv[0], &t);
    if (rc == AQ_OK)
        rc = aq_store_open(ctx, cli_db_path(in.db), AQ_STORE_READONLY, &s);
    if (rc == AQ_OK)
        rc = aq_match(s, t, &mo, &r);
    if (rc == AQ_OK) {
        size_t n = aq_table_nrows(r), by[3] = {0, 0, 0}, ambiguous = 0, unmatched = 0;
        long status = aq_table_find(r, "status"), method = aq_table_find(r, "method");
        for (size_t i = 0; i < n; i++) {
            const char *st = aq_table_text(r, (size_t)status, i), *me = aq_table_text(r, (size_t)method, i);
            if (strcmp(st, "matched") == 0)
                by[strcmp(me, "code") == 0 ? 0 : strcmp(me, "name") == 0 ? 1 : 2]++;
            else if (strcmp(st, "ambiguous") == 0)
                ambiguous++;
            else
                unmatched++;
        }
        fprintf(stderr, "aimaq match: %zu rows: %zu matched (%zu by code, %zu by name, %zu by loose name), "
                        "%zu ambiguous, %zu unmatched\n", n, by[0] + by[1] + by[2], by[0], by[1], by[2], ambiguous, unmatched);
        rc = cli_write(ctx, r, fmt, output);
    }
    aq_store_close(s);
    aq_table_free(r);
    aq_table_free(t);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
