/*
 * cmd_check.c -- `aimaq check [FILE]`: duplicate codes, orphans, missing and
 * impossible values, outliers, children that do not add up, magnitude
 * errors. Errors exit 2; warnings alone exit 0.
 */
#include "cli.h"

#include "aimaq_workspace.h"

#include <math.h>

static int run(int argc, char **argv);

const cli_command cmd_check = {
    "check", "find duplicate codes, orphans, impossible values, outliers, sums and magnitude errors",
    "aimaq check [FILE | --db STORE] [--format F] [--output FILE] [--errors-only]",
    "Each finding names the unit, the indicator, the value and why. The exit code is\n"
    "2 when there is at least one error, 0 when there are only warnings. A store's\n"
    "check also recomputes the audit log's hash chain: a record rewritten, removed\n"
    "or inserted is an error naming the first record that does not follow; an\n"
    "intact chain's last hash is printed, to keep elsewhere.\n\n"
    "examples:\n"
    "  aimaq check examples/kz/population_district_2023.csv\n"
    "  aimaq check --db kz.db --format csv",
    run};

static int run(int argc, char **argv)
{
    const char *db = NULL, *format = NULL, *output = NULL, *lang_opt = NULL;
    cli_input in = {0};
    int errors_only = 0;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "check the store (the default without FILE)"},
        {"layer", CLI_STRING, &in.layer, "NAME", "layer or sheet of FILE"},
        {"encoding", CLI_STRING, &in.encoding, "ENC", "encoding of a non-UTF-8 text file"},
        CLI_DECIMAL_OPTION(in),
        {"errors-only", CLI_FLAG, &errors_only, NULL, "show only errors"},
        {"lang", CLI_STRING, &lang_opt, "L", "column labels in kk, ru or en (table format)"},
        {"format", CLI_STRING, &format, "F", "table, csv or json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_check, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    const char *lang;
    if (cli_lang(lang_opt, &lang))
        return AQ_EXIT_USAGE;
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_findings *f = NULL;
    aq_table *t = NULL, *r = NULL;
    char head[65] = "";
    long long audited = 0;
    if (npos == 1) {
        aq_read_opts ro;
        cli_read_opts(&in, &ro);
        rc = aq_table_read(ctx, argv[0], &ro, &t);
        if (rc == AQ_OK)
            rc = aq_check_table(ctx, t, &f);
    } else {
        aq_store *s = NULL;
        rc = aq_store_open(ctx, cli_db_path(db), AQ_STORE_READONLY, &s);
        if (rc == AQ_OK)
            rc = aq_check_store(s, &f);
        /* The chain's last hash, kept somewhere else, also shows later that
         * the end of the log was not cut off (docs/guarantees.md). */
        long long bad = 0, records = 0;
        if (rc == AQ_OK && aq_ws_audit_verify(s, &bad, &records, head) != AQ_OK) {
            head[0] = '\0';
            aq_clear_error(ctx);
        }
        audited = records;
        aq_store_close(s);
    }
    size_t n = aq_findings_count(f), shown = 0;
    for (size_t i = 0; i < n; i++)
        shown += !errors_only || aq_findings_get(f, i)->severity == AQ_SEV_ERROR;
    if (rc == AQ_OK)
        rc = aq_table_new(ctx, shown, &r);
    const bool text = fmt == AQ_FMT_AUTO || fmt == AQ_FMT_TEXT;
    static const char *const cols[] = {"severity", "check", "unit", "indicator", "period", "value", "line", "message"};
    for (size_t c = 0; c < 8 && rc == AQ_OK; c++)
        rc = aq_table_add_column(ctx, r, text ? cli_label(lang, cols[c]) : cols[c],
                                 c == 5 || c == 6 ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    for (size_t i = 0, k = 0; i < n && rc == AQ_OK; i++) {
        const aq_finding *x = aq_findings_get(f, i);
        if (errors_only && x->severity != AQ_SEV_ERROR)
            continue;
        aq_table_set_text(ctx, r, 0, k, cli_label(lang, x->severity == AQ_SEV_ERROR ? "error" : "warning"));
        aq_table_set_text(ctx, r, 1, k, x->check);
        aq_table_set_text(ctx, r, 2, k, x->unit);
        aq_table_set_text(ctx, r, 3, k, x->indicator);
        aq_table_set_text(ctx, r, 4, k, x->period);
        aq_table_set_number(ctx, r, 5, k, x->value);
        aq_table_set_number(ctx, r, 6, k, x->line ? (double)x->line : NAN);
        aq_table_set_text(ctx, r, 7, k, x->message);
        k++;
    }
    if (rc == AQ_OK && shown)
        rc = cli_write(ctx, r, fmt, output);
    size_t errors = aq_findings_errors(f);
    if (rc == AQ_OK && head[0])
        fprintf(stderr, "aimaq check: audit log: %lld record%s, hash chain intact, last hash %s\n", audited,
                audited == 1 ? "" : "s", head);
    if (rc == AQ_OK)
        fprintf(stderr, "aimaq check: %zu error%s, %zu warning%s\n", errors, errors == 1 ? "" : "s", n - errors,
                n - errors == 1 ? "" : "s");
    aq_table_free(r);
    aq_table_free(t);
    aq_findings_free(f);
    if (rc)
        rc = cli_fail(ctx, rc);
    else if (errors)
        rc = AQ_EXIT_INPUT;
    aq_ctx_free(ctx);
    return rc;
}
