/*
 * cmd_depressed.c -- `aimaq depressed INPUT --method FILE`: flags depressed
 * territories by the criteria of a methodology, each flag with the
 * criteria that triggered it and the values they tested.
 */
#include "aimaq_index.h"
#include "cli.h"

#include <stdio.h>

static int run(int argc, char **argv);

const cli_command cmd_depressed = {
    "depressed", "flag depressed territories (e.g. small towns) by declared criteria",
    "aimaq depressed [INPUT] --method FILE [--format F]",
    "Evaluates each criterion of the methodology FILE (kind: depressed; conditions\n"
    "over indicators and their change, see docs/methodology.md) on every unit of\n"
    "INPUT (or the store selection) and flags the units the flag rule selects.\n"
    "Per unit: flagged, how many criteria hold, which ones with the values they\n"
    "tested, which could not be decided for missing data, and the reason.\n\n"
    "example:\n"
    "  aimaq depressed towns.csv --method methods/kz-depressed-small-towns.yaml",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *method = NULL, *format = NULL, *output = NULL;
    int only = 0;
    cli_option opts[] = {
        {"method", CLI_STRING, &method, "FILE", "the methodology (YAML, kind: depressed)"},
        {"flagged", CLI_FLAG, &only, NULL, "only the flagged units"},
        CLI_INPUT_OPTIONS(in),
        {"format", CLI_STRING, &format, "F", "table, csv or json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_depressed, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (!method)
        return cli_usage_error("depressed: --method FILE is required");
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_method *m = NULL;
    aq_table *t = NULL, *r = NULL, *sel = NULL;
    char codes[4096];
    rc = aq_method_load(ctx, method, &m);
    if (!rc && !npos && !in.indicator) { /* the store: select what the criteria read */
        aq_method_data_columns(m, codes, sizeof codes);
        in.indicator = codes;
    }
    if (!rc) rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    if (!rc) rc = aq_depressed_run(ctx, m, t, &r);
    if (!rc && only) { /* keep the rows flagged "yes" */
        size_t n = 0, nr = aq_table_nrows(r), nc = aq_table_ncols(r);
        for (size_t i = 0; i < nr; i++)
            n += aq_table_text(r, 1, i)[0] == 'y';
        rc = aq_table_new(ctx, n, &sel);
        for (size_t c = 0; !rc && c < nc; c++)
            rc = aq_table_add_column(ctx, sel, aq_table_colname(r, c), aq_table_coltype(r, c), NULL);
        for (size_t i = 0, k = 0; !rc && i < nr; i++) {
            if (aq_table_text(r, 1, i)[0] != 'y')
                continue;
            for (size_t c = 0; !rc && c < nc; c++)
                rc = aq_table_coltype(r, c) == AQ_COL_NUMBER
                         ? aq_table_set_number(ctx, sel, c, k, aq_table_numbers(r, c)[i])
                         : aq_table_set_text(ctx, sel, c, k, aq_table_text(r, c, i));
            k++;
        }
    }
    if (!rc) {
        if (fmt == AQ_FMT_TEXT) {
            printf("methodology: %s (sha256 %.16s...)\n", aq_method_name(m), aq_method_hash(m));
            fflush(stdout);
        }
        rc = cli_write(ctx, sel ? sel : r, fmt, output);
    }
    int code = rc ? cli_fail(ctx, rc) : AQ_EXIT_OK;
    aq_table_free(sel);
    aq_table_free(r);
    aq_table_free(t);
    aq_method_free(m);
    aq_ctx_free(ctx);
    return code;
}
