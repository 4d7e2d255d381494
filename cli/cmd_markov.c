/*
 * cmd_markov.c -- `aimaq markov`: the classic Markov chain of units moving
 * between quantile classes from period to period (transition counts and
 * probabilities, steady state, mean first passage and sojourn times, Prais
 * and Shorrocks mobility). Kernels: aq_markov_classify and
 * aq_markov_estimate (aimaq_ineq.h).
 */
#include "cmd_disparity.h"
#include "aimaq_ineq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_markov = {
    "markov", "Markov chain of quantile classes: transitions, steady state, mobility",
    "aimaq markov [FILE] --series COL,COL,... [--classes K] [--relative] [--pooled] [options]",
    "The series are one column per period, first to last. In each period the\n"
    "units are put in K quantile classes (default 5): the class bounds are the\n"
    "linear-interpolated percentiles 100j/K, and a value goes to the first class\n"
    "whose upper bound is >= it (as PySAL mapclassify's Quantiles). --relative\n"
    "divides each period by its mean first; --pooled takes one set of bounds\n"
    "from all periods together. Units missing in a period give no transition\n"
    "into or out of it. Output keys: classes, bins, transitions, p,\n"
    "steady_state, mfpt, sojourn, prais, shorrocks (docs/disparity.md).\n\n"
    "examples:\n"
    "  aimaq markov usjoin.csv --series 1929,1930,1931 --classes 5 --format json",
    run};

static json_t *matrix_json(const double *m, size_t rows, size_t cols)
{
    json_t *a = json_array();
    for (size_t i = 0; i < rows; i++) {
        json_t *r = json_array();
        for (size_t j = 0; j < cols; j++)
            json_array_append_new(r, ineq_json_num(m[i * cols + j]));
        json_array_append_new(a, r);
    }
    return a;
}

static json_t *vector_json(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, ineq_json_num(v[i]));
    return a;
}

static int write_table(aq_ctx *ctx, const aq_markov_result *m, enum aq_format fmt,
                       const char *output)
{
    size_t k = m->k;
    aq_table *t = NULL;
    int rc = aq_table_new(ctx, 3 * k * k + 3 * k + 1, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "measure", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "from", AQ_COL_NUMBER, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "to", AQ_COL_NUMBER, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "value", AQ_COL_NUMBER, NULL);
    size_t row = 0;
    const char *mats[3] = {"transitions", "p", "mfpt"};
    const double *mv[3] = {m->counts, m->p, m->mfpt};
    for (int q = 0; q < 3; q++)
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++, row++) {
                if (!rc) rc = aq_table_set_text(ctx, t, 0, row, mats[q]);
                if (!rc) rc = aq_table_set_number(ctx, t, 1, row, (double)(i + 1));
                if (!rc) rc = aq_table_set_number(ctx, t, 2, row, (double)(j + 1));
                if (!rc) rc = aq_table_set_number(ctx, t, 3, row, mv[q][i * k + j]);
            }
    const char *vecs[3] = {"steady_state", "sojourn", "prais"};
    const double *vv[3] = {m->steady, m->sojourn, m->prais};
    for (int q = 0; q < 3; q++)
        for (size_t i = 0; i < k; i++, row++) {
            if (!rc) rc = aq_table_set_text(ctx, t, 0, row, vecs[q]);
            if (!rc) rc = aq_table_set_number(ctx, t, 1, row, (double)(i + 1));
            if (!rc) rc = aq_table_set_number(ctx, t, 3, row, vv[q][i]);
        }
    if (!rc) rc = aq_table_set_text(ctx, t, 0, row, "shorrocks");
    if (!rc) rc = aq_table_set_number(ctx, t, 3, row, m->shorrocks);
    if (!rc)
        rc = cli_write(ctx, t, fmt, output);
    aq_table_free(t);
    return rc;
}

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *series = NULL, *format = NULL, *output = NULL;
    long classes = 5;
    int relative = 0, pooled = 0;
    cli_option opts[] = {
        {"series", CLI_STRING, &series, "COLS", "one column per period, first to last (required)"},
        {"classes", CLI_INT, &classes, "K", "number of quantile classes (default 5)"},
        {"relative", CLI_FLAG, &relative, NULL, "divide each period by its mean before classing"},
        {"pooled", CLI_FLAG, &pooled, NULL, "one set of class bounds from all periods"},
        {"format", CLI_STRING, &format, "F", "table (default), csv, json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        CLI_INPUT_OPTIONS(in),
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_markov, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("markov: give at most one FILE");
    if (!series)
        return cli_usage_error("markov: --series COL,COL,... is required");
    if (classes < 2 || classes > 100)
        return cli_usage_error("markov: --classes must be between 2 and 100, not %ld", classes);
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    ineq_list sl;
    if (ineq_list_split(series, &sl))
        return cli_usage_error("markov: out of memory");
    if (sl.n < 2) {
        ineq_list_free(&sl);
        return cli_usage_error("markov: --series needs at least 2 columns");
    }
    size_t T = sl.n, K = (size_t)classes;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    const double **cols = calloc(T, sizeof *cols);
    double *y = NULL, *bins = NULL;
    int *cls = NULL;
    aq_markov_result *m = NULL;
    int printed = 0;
    size_t missing = 0, n = 0;
    rc = cols ? cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t) : AQ_ENOMEM;
    for (size_t p = 0; rc == AQ_OK && p < T; p++)
        if ((rc = ineq_number_column(ctx, t, sl.item[p], &cols[p])))
            printed = 1;
    size_t nrows = t ? aq_table_nrows(t) : 0;
    if (rc == AQ_OK) {
        y = malloc((nrows * T + 1) * sizeof *y);
        cls = malloc((nrows * T + 1) * sizeof *cls);
        bins = malloc((T * K + 1) * sizeof *bins);
        if (!y || !cls || !bins)
            rc = AQ_ENOMEM;
    }
    /* Classes are computed on the units observed in every period (the
     * quantiles need the same units each period); a unit missing somewhere
     * is skipped and counted. */
    for (size_t r = 0; rc == AQ_OK && r < nrows; r++) {
        if (ineq_row_complete(cols, T, r))
            n++;
        else
            missing++;
    }
    if (rc == AQ_OK) {
        size_t k = 0;
        for (size_t r = 0; r < nrows; r++) {
            if (!ineq_row_complete(cols, T, r))
                continue;
            for (size_t p = 0; p < T; p++)
                y[p * n + k] = cols[p][r];
            k++;
        }
        int flags = (relative ? AQ_MARKOV_RELATIVE : 0) | (pooled ? AQ_MARKOV_POOLED : 0);
        rc = aq_markov_classify(ctx, y, n, T, K, flags, cls, bins);
        if (rc == AQ_OK)
            rc = aq_markov_estimate(ctx, cls, n, T, K, &m);
    }
    if (rc == AQ_OK && fmt == AQ_FMT_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "n", json_integer((json_int_t)n));
        json_object_set_new(o, "missing", json_integer((json_int_t)missing));
        json_object_set_new(o, "periods", json_integer((json_int_t)T));
        json_object_set_new(o, "classes", json_integer((json_int_t)K));
        json_object_set_new(o, "relative", json_boolean(relative));
        json_object_set_new(o, "pooled", json_boolean(pooled));
        json_object_set_new(o, "bins", pooled ? vector_json(bins, K) : matrix_json(bins, T, K));
        json_object_set_new(o, "transitions", matrix_json(m->counts, K, K));
        json_object_set_new(o, "p", matrix_json(m->p, K, K));
        json_object_set_new(o, "ergodic", json_boolean(m->ergodic));
        json_object_set_new(o, "steady_state", vector_json(m->steady, K));
        json_object_set_new(o, "mfpt", matrix_json(m->mfpt, K, K));
        json_object_set_new(o, "sojourn", vector_json(m->sojourn, K));
        json_object_set_new(o, "prais", vector_json(m->prais, K));
        json_object_set_new(o, "shorrocks", ineq_json_num(m->shorrocks));
        rc = ineq_json_write(ctx, o, output);
    } else if (rc == AQ_OK) {
        rc = write_table(ctx, m, fmt, output);
    }
    if (rc && !printed)
        rc = cli_fail(ctx, rc);
    else if (rc)
        rc = cli_exit_code(rc);
    aq_markov_free(m);
    free(y);
    free(cls);
    free(bins);
    free(cols);
    aq_table_free(t);
    aq_ctx_free(ctx);
    ineq_list_free(&sl);
    return rc;
}
