/*
 * cmd_method.c -- `aimaq method check FILE [DATA]`: validates a methodology
 * file (errors name the file and line) and, given data, checks that every
 * column it names is there.
 */
#include "aimaq_index.h"
#include "cli.h"

#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_method = {
    "method", "check a methodology file (YAML) for potential or depressed territories",
    "aimaq method check FILE [DATA] [--db STORE ...]",
    "Reads the methodology FILE and reports the first error with its line, or a\n"
    "summary: kind, indicators, pillars, classes, the act it follows and its\n"
    "SHA-256 (results record it). With DATA (a file) or --db, also checks that\n"
    "every column the methodology names exists in the data with the right type;\n"
    "indicators the data lacks are all listed with their lines (--allow-missing:\n"
    "listed as a note, as `aimaq potential --allow-missing` would leave them out).\n"
    "The format is described in docs/methodology.md.\n\n"
    "examples:\n"
    "  aimaq method check methods/example-pillars.yaml\n"
    "  aimaq method check methods/example-pillars.yaml units.csv",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    int allow_missing = 0;
    cli_option opts[] = {
        {"allow-missing", CLI_FLAG, &allow_missing, NULL, "indicators the data lacks are a note, not an error"},
        CLI_INPUT_OPTIONS(in), {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_method, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos < 2 || strcmp(argv[0], "check") != 0)
        return cli_usage_error("usage: %s", cmd_method.usage);
    aq_ctx *ctx = cli_ctx();
    aq_method *m = NULL;
    aq_table *t = NULL;
    rc = aq_method_load(ctx, argv[1], &m);
    if (!rc && (npos > 2 || in.db)) {
        rc = cli_input_load(ctx, &in, npos > 2 ? argv[2] : NULL, &t);
        if (!rc)
            rc = aq_method_restrict(ctx, m, t, allow_missing);
        if (!rc)
            rc = aq_method_check_table(ctx, m, t);
    }
    int code = AQ_EXIT_OK;
    if (rc)
        code = cli_fail(ctx, rc);
    else {
        printf("%s: ok: %s methodology '%s', %zu indicators\n", argv[1], aq_method_kind(m),
               aq_method_name(m), aq_method_ndeclared(m));
        if (aq_method_act(m))
            printf("act: %s\n", aq_method_act(m));
        printf("sha256: %s\n", aq_method_hash(m));
        if (t && aq_method_nmissing(m)) {
            printf("data: %zu of the %zu indicators present (%zu units); missing:",
                   aq_method_nindicators(m), aq_method_ndeclared(m), aq_table_nrows(t));
            const char *c;
            for (size_t i = 0; (c = aq_method_missing(m, i)) != NULL; i++)
                printf("%s %s", i ? "," : "", c);
            printf("\n");
        } else if (t)
            printf("data: every column the methodology names is present (%zu units)\n",
                   aq_table_nrows(t));
    }
    aq_table_free(t);
    aq_method_free(m);
    aq_ctx_free(ctx);
    return code;
}
