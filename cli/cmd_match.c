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
    "aimaq match FILE --to-level LEVEL [--within LEVEL] [--name-column C] [--code-column C]\n"
    "       [--parent-column C] [--renames FILE] [--db STORE] [--output FILE]",
    "Names are compared after normalisation (Unicode, Kazakh case folding, Latin\n"
    "look-alikes, quotes, dashes, spaces), then loosely (keyboard fallbacks such as\n"
    "к for қ, administrative words such as с., ауданы), then by transliteration,\n"
    "then by romanisation (Aksuskiy = Аксуский район, Qyzylorda = Кызылорда), by\n"
    "stem (Zhambylskiy = Жамбыл ауданы), and by edit distance (a unique nearest\n"
    "unit; the near ones are listed as code~distance): these three only within a\n"
    "parent of at most 60 units of the level (the districts of a region), where a\n"
    "guess is safe; among a region's villages they would pair different places.\n"
    "A name marked as a city (г.Костанай, Арқалық қ.ә.) never matches a district.\n"
    "--within LEVEL restricts each row to the unit of that level whose polygon\n"
    "contains the row's point, or a point inside the row's polygon (e.g.\n"
    "OpenStreetMap places or district boundaries within their region).\n"
    "--renames FILE lists old names (columns code, old_name) of the units of\n"
    "those codes. The output keeps every input column (one named like the\n"
    "matcher's becomes input_NAME) beside code, status and candidates.\n"
    "A summary of matched, ambiguous and unmatched rows goes to standard error.\n\n"
    "examples:\n"
    "  aimaq match examples/kz/osm_places.geojson --to-level settlement --within region \\\n"
    "      --db kz.db --output matched.geojson\n"
    "  aimaq match geoBoundaries-KAZ-ADM2.geojson --to-level district --within region \\\n"
    "      --name-column shapeName --renames examples/kz/district_renames.csv --db kz.db",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *format = NULL, *output = NULL, *renames_file = NULL;
    aq_match_opts mo;
    aq_match_opts_init(&mo);
    cli_option opts[] = {
        {"to-level", CLI_STRING, &mo.level, "LEVEL", "level of the units to match to (required)"},
        {"within", CLI_STRING, &mo.within, "LEVEL", "find each row's parent as the unit of LEVEL containing its point"},
        {"name-column", CLI_STRING, &mo.name_column, "C", "the column of names (default name, name_kk, name:kk, name_ru, ...)"},
        {"code-column", CLI_STRING, &mo.code_column, "C", "the column of unit codes (default code, kato)"},
        {"parent-column", CLI_STRING, &mo.parent_column, "C", "column with the parent unit's code (default parent)"},
        {"renames", CLI_STRING, &renames_file, "FILE", "old names of units: columns code, old_name (and date, source)"},
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
    aq_table *t = NULL, *r = NULL, *ren = NULL;
    aq_store *s = NULL;
    rc = cli_input_load(ctx, &in, argv[0], &t);
    if (rc == AQ_OK && renames_file) {
        aq_read_opts ro;
        aq_read_opts_init(&ro);
        static const char *const text[] = {"code", NULL};
        ro.text_columns = text;
        rc = aq_table_read(ctx, renames_file, &ro, &ren);
        mo.renames = ren;
    }
    if (rc == AQ_OK)
        rc = aq_store_open(ctx, cli_db_path(in.db), AQ_STORE_READONLY, &s);
    if (rc == AQ_OK)
        rc = aq_match(s, t, &mo, &r);
    if (rc == AQ_OK) {
        size_t n = aq_table_nrows(r), by[4] = {0, 0, 0, 0}, ambiguous = 0, unmatched = 0;
        long status = aq_table_find(r, "status"), method = aq_table_find(r, "method");
        for (size_t i = 0; i < n; i++) {
            const char *st = aq_table_text(r, (size_t)status, i), *me = aq_table_text(r, (size_t)method, i);
            if (strcmp(st, "matched") == 0)
                by[strcmp(me, "code") == 0 ? 0 : strcmp(me, "name") == 0 ? 1 : strcmp(me, "loose") == 0 ? 2 : 3]++;
            else if (strcmp(st, "ambiguous") == 0)
                ambiguous++;
            else
                unmatched++;
        }
        fprintf(stderr, "aimaq match: %zu rows: %zu matched (%zu by code, %zu by name, %zu by loose name%s", n,
                by[0] + by[1] + by[2] + by[3], by[0], by[1], by[2], by[3] ? "" : "), ");
        if (by[3]) /* the line the loose-key-only matcher printed stays as it was */
            fprintf(stderr, ", %zu by romanisation, stem, edit distance or old name), ", by[3]);
        fprintf(stderr, "%zu ambiguous, %zu unmatched\n", ambiguous, unmatched);
        rc = cli_write(ctx, r, fmt, output);
    }
    aq_store_close(s);
    aq_table_free(r);
    aq_table_free(ren);
    aq_table_free(t);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
