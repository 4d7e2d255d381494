/*
 * cmd_classify.c -- `aimaq classify INPUT --value COL --method M --k K`: map
 * classes of one variable with PySAL mapclassify's definitions (upper bound
 * and count of each class).
 */
#include "aimaq_index.h"
#include "cli.h"

#include <jansson.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_classify = {
    "classify", "map classes of one variable: fisher-jenks, quantile, equal, box, ...",
    "aimaq classify [INPUT] --value COL [--method M] [--k K] [--format F]",
    "Classes the values of COL (missing values left out) and prints each class's\n"
    "upper bound and count, as PySAL mapclassify defines them: fisher-jenks (exact\n"
    "optimum of the within-class sum of squares), quantile (linear interpolation),\n"
    "equal (intervals), std-mean (mean +- 1, 2 sd), box (hinge 1.5), head-tail,\n"
    "kmeans. Default: fisher-jenks with k = 5. JSON: {\"breaks\": [...], \"counts\": [...]}.\n\n"
    "example:\n"
    "  aimaq classify calempdensity.csv --value 'emp/sq km' --method fisher-jenks --k 5",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *value = NULL, *method = "fisher-jenks", *format = NULL, *output = NULL;
    long k = 5;
    cli_option opts[] = {
        {"value", CLI_STRING, &value, "COL", "the column to classify"},
        {"method", CLI_STRING, &method, "M", "fisher-jenks, quantile, equal, std-mean, box, head-tail, kmeans"},
        {"k", CLI_INT, &k, "K", "number of classes (default 5)"},
        CLI_INPUT_OPTIONS(in),
        {"format", CLI_STRING, &format, "F", "table, csv or json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_classify, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    enum aq_breaks_method bm;
    if (!value)
        return cli_usage_error("classify: --value COL is required");
    if (aq_breaks_parse(method, &bm))
        return cli_usage_error("classify: unknown --method '%s'", method);
    if (k < 1 || k > 64)
        return cli_usage_error("classify: --k must be between 1 and 64");
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    if (!npos && !in.indicator)
        in.indicator = value;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *r = NULL;
    double *breaks = NULL;
    size_t *counts = NULL, nc = 0;
    const double *x = NULL;
    rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    if (!rc)
        rc = aq_table_number_column(ctx, t, value, &x);
    if (!rc)
        rc = aq_breaks(ctx, x, aq_table_nrows(t), bm, (int)k, &breaks, &counts, &nc);
    if (!rc && fmt == AQ_FMT_JSON) {
        json_t *o = json_object(), *b = json_array(), *c = json_array();
        for (size_t i = 0; i < nc; i++) {
            json_array_append_new(b, json_real(breaks[i]));
            json_array_append_new(c, json_integer((json_int_t)counts[i]));
        }
        json_object_set_new(o, "method", json_string(method));
        json_object_set_new(o, "k", json_integer((json_int_t)nc));
        json_object_set_new(o, "breaks", b);
        json_object_set_new(o, "counts", c);
        char *text = aq_json_text(o, 0);
        if (text)
            fputs(text, stdout);
        aq_free(text);
        fputc('\n', stdout);
        json_decref(o);
    } else if (!rc) {
        rc = aq_table_new(ctx, nc, &r);
        if (!rc) rc = aq_table_add_column(ctx, r, "class", AQ_COL_NUMBER, NULL);
        if (!rc) rc = aq_table_add_column(ctx, r, "upper", AQ_COL_NUMBER, NULL);
        if (!rc) rc = aq_table_add_column(ctx, r, "count", AQ_COL_NUMBER, NULL);
        for (size_t i = 0; !rc && i < nc; i++) {
            aq_table_set_number(ctx, r, 0, i, (double)(i + 1));
            aq_table_set_number(ctx, r, 1, i, breaks[i]);
            rc = aq_table_set_number(ctx, r, 2, i, (double)counts[i]);
        }
        if (!rc) rc = cli_write(ctx, r, fmt, output);
    }
    int code = rc ? (aq_errmsg(ctx)[0] ? cli_fail(ctx, rc) : cli_exit_code(rc)) : AQ_EXIT_OK;
    aq_free(breaks);
    aq_free(counts);
    aq_table_free(r);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return code;
}
