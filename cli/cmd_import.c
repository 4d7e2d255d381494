/*
 * cmd_import.c -- `aimaq import FILE`: one file becomes one dataset in the
 * store, all of it or nothing.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

/* The cells of a column without a value, "3 (2 confidential, 1 absent)". */
static void missing_text(const aq_import_column *c, char *buf, size_t size)
{
    size_t total = 0, len = 0;
    for (int f = AQ_CELL_EMPTY; f < AQ_CELL_BAD; f++)
        total += c->cells[f];
    len += (size_t)snprintf(buf, size, "%zu (", total);
    bool first = true;
    for (int f = AQ_CELL_EMPTY; f < AQ_CELL_BAD && len < size; f++)
        if (c->cells[f]) {
            len += (size_t)snprintf(buf + len, size - len, "%s%zu %s", first ? "" : ", ", c->cells[f], aq_cell_flag_name(f));
            first = false;
        }
    if (len < size)
        snprintf(buf + len, size - len, ")");
}

/* With --format json the warnings (an ambiguous decimal mark, a column
 * left out as text, ...) go to standard error as always and into the
 * report's "warnings", so that a script reading the JSON sees them too. */
static void collect_warning(void *user, const char *message)
{
    fprintf(stderr, "aimaq: warning: %s\n", message);
    json_array_append_new((json_t *)user, json_string(message));
}

static void print_human(const char *file, const char *db, const aq_import_result *res, const char *rejects)
{
    printf("imported '%s' into '%s' as dataset %lld\n", file, db, res->dataset_id);
    printf("  rows: %zu read, %zu accepted, %zu rejected", res->rows_read, res->rows_accepted, res->rows_rejected);
    if (res->cells_rejected)
        printf("; cells: %zu rejected", res->cells_rejected);
    if (res->rows_rejected || res->cells_rejected)
        printf(" (written to %s)", rejects);
    printf("\n");
    printf("  units: %zu added, %zu updated; indicators: %zu added; observations: %zu\n", res->units_added,
           res->units_updated, res->indicators_added, res->observations);
    if (res->units_by_name)
        printf("  units found by name: %zu row%s\n", res->units_by_name, res->units_by_name == 1 ? "" : "s");
    /* Every cell without a value is accounted for, column by column. */
    bool first = true;
    for (size_t j = 0; j < res->ncolumns; j++) {
        const aq_import_column *c = &res->columns[j];
        size_t n = 0;
        for (int f = AQ_CELL_EMPTY; f < AQ_CELL_BAD; f++)
            n += c->cells[f];
        if (!n)
            continue;
        char buf[160];
        missing_text(c, buf, sizeof buf);
        printf("%s%s %s", first ? "  missing values (stored with their reason, empty cells counted): " : "; ", c->name, buf);
        first = false;
    }
    if (!first)
        printf("\n");
    first = true;
    for (size_t j = 0; j < res->ncolumns; j++)
        if (res->columns[j].left_out) {
            printf("%s%s (%s)", first ? "  columns left out: " : ", ", res->columns[j].name, res->columns[j].left_out);
            first = false;
        }
    if (!first)
        printf("\n");
    printf("  columns: %s\n", res->defaults);
    if (res->measure)
        printf("  unit of measure: %s\n", res->measure);
    if (res->notes) {
        printf("  notes (kept with the dataset):\n    ");
        for (const char *c = res->notes; *c; c++)
            fputs(*c == '\n' ? "\n    " : (char[]){*c, 0}, stdout);
        putchar('\n');
    }
    printf("  sha256: %s\n", res->checksum);
}

static int print_json(const char *file, const char *db, const aq_import_result *res, const char *rejects,
                      json_t *warnings)
{
    json_t *o = json_object(), *cols = json_array();
    if (!o || !cols)
        return -1;
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "store", json_string(db));
    json_object_set_new(o, "dataset", json_integer(res->dataset_id));
    json_object_set_new(o, "shape", json_string(res->shape));
    json_object_set_new(o, "rows_read", json_integer((json_int_t)res->rows_read));
    json_object_set_new(o, "rows_accepted", json_integer((json_int_t)res->rows_accepted));
    json_object_set_new(o, "rows_rejected", json_integer((json_int_t)res->rows_rejected));
    json_object_set_new(o, "cells_rejected", json_integer((json_int_t)res->cells_rejected));
    json_object_set_new(o, "rejects_file", res->rows_rejected || res->cells_rejected ? json_string(rejects) : json_null());
    json_object_set_new(o, "units_added", json_integer((json_int_t)res->units_added));
    json_object_set_new(o, "units_updated", json_integer((json_int_t)res->units_updated));
    json_object_set_new(o, "indicators_added", json_integer((json_int_t)res->indicators_added));
    json_object_set_new(o, "observations", json_integer((json_int_t)res->observations));
    json_object_set_new(o, "missing_stored", json_integer((json_int_t)res->missing));
    json_object_set_new(o, "units_by_name", json_integer((json_int_t)res->units_by_name));
    json_object_set_new(o, "measure", res->measure ? json_string(res->measure) : json_null());
    json_object_set_new(o, "notes", res->notes ? json_string(res->notes) : json_null());
    for (size_t j = 0; j < res->ncolumns; j++) {
        const aq_import_column *c = &res->columns[j];
        json_t *cj = json_object(), *miss = json_object();
        json_object_set_new(cj, "name", json_string(c->name));
        json_object_set_new(cj, "role", c->role ? json_string(c->role) : json_null());
        json_object_set_new(cj, "left_out", c->left_out ? json_string(c->left_out) : json_null());
        json_object_set_new(cj, "values", json_integer((json_int_t)c->values));
        for (int f = AQ_CELL_EMPTY; f < AQ_CELL_BAD; f++)
            json_object_set_new(miss, aq_cell_flag_name(f), json_integer((json_int_t)c->cells[f]));
        json_object_set_new(cj, "missing", miss);
        json_object_set_new(cj, "rejected", json_integer((json_int_t)c->cells[AQ_CELL_BAD]));
        json_array_append_new(cols, cj);
    }
    json_object_set_new(o, "columns", cols);
    json_object_set(o, "warnings", warnings);
    json_object_set_new(o, "sha256", json_string(res->checksum));
    char *text = aq_json_text(o, JSON_INDENT(2));
    json_decref(o);
    if (!text)
        return -1;
    puts(text);
    free(text);
    return 0;
}

const cli_command cmd_import = {
    "import", "import a file into the store as one dataset (all or nothing)",
    "aimaq import FILE [--db STORE] [--map MAPPING.yaml] [--dataset NAME] [--period P] [options]",
    "Reads CSV (comma, semicolon or tab; decimal commas and thousands separators),\n"
    "XLSX, ODS, GeoJSON, Shapefile or GeoPackage. Without --map, column roles come\n"
    "from their names and are reported: code/kato/id = unit code, parent, level,\n"
    "kind, name/name_kk, name_ru, name_en, period/year, indicator + value (a long\n"
    "table), from + to + share (territorial links); every other number column is\n"
    "an indicator. A table with a level or parent column defines units. A table\n"
    "whose number columns are periods (2008, 2009, ...) holds one indicator, named\n"
    "by --indicator (default: the file's base name); column labels such as\n"
    "'2008 год', 'I квартал 2008 года', '9 месяцев 2008 года', '2008 жыл' are periods.\n"
    "A spreadsheet as a statistics office publishes it is read as it is: the header\n"
    "is found below title and blank rows (--header-row N, --skip-rows N override),\n"
    "footnotes below the table become the dataset's notes, and a table without\n"
    "codes has its units found by name, as 'aimaq match' finds them.\n"
    "The same file (SHA-256) is imported once; --again imports it once more.\n"
    "Any bad row fails the whole import and leaves the store unchanged, unless\n"
    "--skip-bad-rows is given: then the good rows are imported and the rejects\n"
    "written to --rejects FILE (default FILE.rejects.csv).\n"
    "A cell of a number column that is not a number (a typo: 78800O) is a bad\n"
    "cell: it fails the import; with --skip-bad-rows only that cell is rejected\n"
    "and the row's other values are kept. Cells marked x (confidential), - or a\n"
    "dash (absent), ... or н/д (unavailable) are stored as missing values with\n"
    "their reason; the report counts them, and every column left out, per column.\n\n"
    "examples:\n"
    "  aimaq import examples/kz/units.csv --db kz.db --classifier 'NK RK 11-2025'\n"
    "  aimaq import examples/kz/grp_per_capita.csv --db kz.db --map examples/kz/grp_per_capita.map.yaml\n"
    "  aimaq import population.xlsx --layer 2023 --period 2023 --db kz.db\n"
    "  aimaq import '6. ВРП на душу населения.xlsx' --layer 'тыс.тенге' --indicator grp_pc --db kz.db",
    run};

static int run(int argc, char **argv)
{
    const char *db = NULL, *delimiter = NULL, *decimal = NULL, *rejects = NULL, *format = NULL;
    int skip = 0, again = 0;
    long batch = 0, header_row = 0, skip_rows = 0;
    aq_import_opts o;
    aq_import_opts_init(&o);
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db; created if absent)"},
        {"map", CLI_STRING, &o.mapping, "FILE", "YAML mapping of columns to roles and indicator metadata"},
        {"dataset", CLI_STRING, &o.dataset, "NAME", "dataset name (default: the file name)"},
        {"period", CLI_STRING, &o.period, "P", "period of every row when the table has none (2023, 2023-Q1, ...)"},
        {"indicator", CLI_STRING, &o.indicator, "CODE", "the indicator of a table with a year per column (2008, 2009, ...)"},
        {"layer", CLI_STRING, &o.read.layer, "NAME", "layer or sheet to read"},
        {"encoding", CLI_STRING, &o.read.encoding, "ENC", "encoding of a non-UTF-8 text file (CP1251, KZ-1048)"},
        {"delimiter", CLI_STRING, &delimiter, "C", "field delimiter: ',', ';', 'tab' or '|' (default: detected)"},
        {"decimal", CLI_STRING, &decimal, "C", "decimal mark: '.' or ',' (default: detected per column)"},
        {"classifier", CLI_STRING, &o.classifier, "ED", "classifier edition of the unit codes, e.g. 'NK RK 11-2025'"},
        {"user", CLI_STRING, &o.user, "NAME", "who imports (default $USER)"},
        {"skip-bad-rows", CLI_FLAG, &skip, NULL, "import the good rows and write the rejects to a file"},
        {"rejects", CLI_STRING, &rejects, "FILE", "where rejected rows go with --skip-bad-rows"},
        {"batch-rows", CLI_INT, &batch, "N", "read CSV in batches of N rows (default: files over 256 MB, 1,000,000)"},
        {"format", CLI_STRING, &format, "F", "the report: table (default) or json"},
        {"header-row", CLI_INT, &header_row, "N", "the row (CSV: line) naming the columns (default: found in spreadsheets)"},
        {"skip-rows", CLI_INT, &skip_rows, "N", "rows (CSV: lines) at the top to ignore before the header"},
        {"again", CLI_FLAG, &again, NULL, "import a file the store already has (same SHA-256) once more"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_import, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1)
        return cli_usage_error("import: give one FILE; see 'aimaq import --help'");
    if (delimiter) {
        o.read.delimiter = strcmp(delimiter, "tab") == 0 ? '\t' : delimiter[0];
        if (strlen(delimiter) != 1 && strcmp(delimiter, "tab") != 0)
            return cli_usage_error("import: --delimiter is one character or 'tab'");
    }
    if (decimal) {
        if (strcmp(decimal, ".") && strcmp(decimal, ","))
            return cli_usage_error("import: --decimal is '.' or ','");
        o.read.decimal = decimal[0];
    }
    if (batch < 0)
        return cli_usage_error("import: --batch-rows must be positive");
    if (format && strcmp(format, "table") && strcmp(format, "json"))
        return cli_usage_error("import: --format is table or json, not '%s'", format);
    bool json = format && strcmp(format, "json") == 0, oom = false;
    o.batch_rows = (size_t)batch;
    if (header_row < 0 || skip_rows < 0)
        return cli_usage_error("import: --header-row and --skip-rows must be positive");
    o.read.header_row = (size_t)header_row;
    o.read.skip_rows = (size_t)skip_rows;
    o.again = again;
    char rejects_default[4096];
    o.skip_bad_rows = skip;
    if (skip) {
        if (!rejects) {
            snprintf(rejects_default, sizeof rejects_default, "%s.rejects.csv", argv[0]);
            rejects = rejects_default;
        }
        o.rejects_path = rejects;
    }
    aq_ctx *ctx = cli_ctx();
    json_t *warnings = json ? json_array() : NULL;
    if (warnings)
        aq_ctx_set_warning_fn(ctx, collect_warning, warnings);
    aq_store *store = NULL;
    aq_import_result res;
    cli_progress *bar = cli_progress_start("importing", 0);
    aq_ctx_set_progress_fn(ctx, cli_progress_fn, bar);
    rc = aq_store_open(ctx, cli_db_path(db), AQ_STORE_CREATE, &store);
    if (rc == AQ_OK)
        rc = aq_store_import(store, argv[0], &o, &res);
    cli_progress_end(bar);
    if (rc == AQ_OK) {
        if (json) {
            if (print_json(argv[0], cli_db_path(db), &res, rejects, warnings)) {
                fputs("aimaq: error: out of memory writing the report (the import is done)\n", stderr);
                oom = true;
            }
        } else {
            print_human(argv[0], cli_db_path(db), &res, rejects);
        }
        aq_import_result_clear(&res);
    }
    aq_store_close(store);
    if (rc)
        rc = cli_fail(ctx, rc);
    else if (oom)
        rc = AQ_EXIT_INTERNAL;
    aq_ctx_free(ctx);
    json_decref(warnings);
    return rc;
}
