/*
 * cmd_convergence.c -- `aimaq convergence`: sigma and beta convergence and
 * rank mobility of a panel of regions (one column per period). The
 * statistics are computed by aq_convergence (aimaq_ineq.h); this file picks
 * the complete rows, works out the period times and writes the result.
 */
#include "cmd_disparity.h"
#include "aimaq_ineq.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_convergence = {
    "convergence", "sigma and beta convergence, rank mobility (Kendall's tau)",
    "aimaq convergence [FILE] --series COL,COL,... [--times T1,T2,...] [--weight COL] "
    "[--controls COL,...] [options]",
    "The series are the levels (e.g. GRP per capita) of each unit in successive\n"
    "periods, one column per period, first to last. Their times (years) come\n"
    "from --times or from the digits that end each column name (pcgdp1940 ->\n"
    "1940).\n"
    "  sigma:  per period the sd of ln(level) (n-1 denominator) and the CV,\n"
    "          and an F test of the first against the last period's variance\n"
    "  beta:   OLS (WLS with --weight) of ln(y_last/y_first)/T on ln(y_first)\n"
    "          (and the --controls: conditional convergence), with speed\n"
    "          -ln(1+T*beta)/T and half-life ln2/speed\n"
    "  kendall: Kendall's tau of first vs last period levels and its p-value\n"
    "Rows with a missing value in any used column are skipped and counted.\n"
    "Formulas: docs/disparity.md.\n\n"
    "examples:\n"
    "  aimaq convergence mexico.csv --series pcgdp1940,pcgdp1970,pcgdp2000\n"
    "  aimaq convergence grp.csv --series y2010,y2023 --weight pop2010 --format json",
    run};

/* The year a column name ends with, e.g. "pcgdp1940" -> 1940. */
static int trailing_number(const char *name, double *out)
{
    size_t n = strlen(name), i = n;
    while (i > 0 && isdigit((unsigned char)name[i - 1]))
        i--;
    if (i == n)
        return -1;
    *out = strtod(name + i, NULL);
    return 0;
}

static void put(aq_ctx *ctx, aq_table *t, size_t *row, const char *part, const char *item,
                const char *measure, double v, int *rc)
{
    if (*rc)
        return;
    *rc = aq_table_set_text(ctx, t, 0, *row, part);
    if (!*rc) *rc = aq_table_set_text(ctx, t, 1, *row, item);
    if (!*rc) *rc = aq_table_set_text(ctx, t, 2, *row, measure);
    if (!*rc) *rc = aq_table_set_number(ctx, t, 3, *row, v);
    (*row)++;
}

static int write_table(aq_ctx *ctx, const aq_convergence_result *r, const ineq_list *controls,
                       size_t missing, enum aq_format fmt, const char *output)
{
    aq_table *t = NULL;
    size_t nrows = 2 + 3 * r->nperiods + 4 + 11 + 4 * r->ncontrols + 3;
    int rc = aq_table_new(ctx, nrows, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "part", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "item", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "measure", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "value", AQ_COL_NUMBER, NULL);
    size_t row = 0;
    char item[32];
    put(ctx, t, &row, "data", "", "n", (double)r->n, &rc);
    put(ctx, t, &row, "data", "", "missing", (double)missing, &rc);
    for (size_t p = 0; p < r->nperiods; p++) {
        snprintf(item, sizeof item, "%g", r->sigma[p].time);
        put(ctx, t, &row, "sigma", item, "sd_log", r->sigma[p].sd_log, &rc);
        put(ctx, t, &row, "sigma", item, "cv", r->sigma[p].cv, &rc);
        put(ctx, t, &row, "sigma", item, "mean", r->sigma[p].mean, &rc);
    }
    put(ctx, t, &row, "sigma_test", "", "F", r->F, &rc);
    put(ctx, t, &row, "sigma_test", "", "df1", r->df1, &rc);
    put(ctx, t, &row, "sigma_test", "", "df2", r->df2, &rc);
    put(ctx, t, &row, "sigma_test", "", "p", r->F_p, &rc);
    const char *names[11] = {"n", "T", "alpha", "beta", "se_alpha", "se_beta", "t", "p", "r2",
                             "speed", "half_life"};
    double vals[11] = {(double)r->n, r->T, r->alpha, r->beta, r->se_alpha, r->se_beta,
                       r->t, r->p, r->r2, r->speed, r->half_life};
    for (int i = 0; i < 11; i++)
        put(ctx, t, &row, "beta", "", names[i], vals[i], &rc);
    for (size_t k = 0; k < r->ncontrols; k++) {
        put(ctx, t, &row, "beta", controls->item[k], "coef", r->control_coef[k], &rc);
        put(ctx, t, &row, "beta", controls->item[k], "se", r->control_se[k], &rc);
        put(ctx, t, &row, "beta", controls->item[k], "t", r->control_t[k], &rc);
        put(ctx, t, &row, "beta", controls->item[k], "p", r->control_p[k], &rc);
    }
    put(ctx, t, &row, "kendall", "", "tau", r->tau, &rc);
    put(ctx, t, &row, "kendall", "", "p", r->tau_p, &rc);
    put(ctx, t, &row, "kendall", "", "p_ties", r->tau_p_ties, &rc);
    if (!rc)
        rc = cli_write(ctx, t, fmt, output);
    aq_table_free(t);
    return rc;
}

static json_t *result_json(const aq_convergence_result *r, const ineq_list *series,
                           const ineq_list *controls, const char *weight, size_t missing)
{
    json_t *o = json_object(), *sig = json_array(), *ser = json_array();
    for (size_t p = 0; p < series->n; p++)
        json_array_append_new(ser, json_string(series->item[p]));
    json_object_set_new(o, "series", ser);
    json_object_set_new(o, "weight", weight ? json_string(weight) : json_null());
    json_object_set_new(o, "n", json_integer((json_int_t)r->n));
    json_object_set_new(o, "missing", json_integer((json_int_t)missing));
    for (size_t p = 0; p < r->nperiods; p++) {
        json_t *e = json_object();
        json_object_set_new(e, "time", json_real(r->sigma[p].time));
        json_object_set_new(e, "sd_log", ineq_json_num(r->sigma[p].sd_log));
        json_object_set_new(e, "cv", ineq_json_num(r->sigma[p].cv));
        json_object_set_new(e, "mean", ineq_json_num(r->sigma[p].mean));
        json_array_append_new(sig, e);
    }
    json_object_set_new(o, "sigma", sig);
    json_t *st = json_object();
    json_object_set_new(st, "F", ineq_json_num(r->F));
    json_object_set_new(st, "df1", json_real(r->df1));
    json_object_set_new(st, "df2", json_real(r->df2));
    json_object_set_new(st, "p", ineq_json_num(r->F_p));
    json_object_set_new(o, "sigma_test", st);
    json_t *b = json_object();
    json_object_set_new(b, "n", json_integer((json_int_t)r->n));
    json_object_set_new(b, "T", json_real(r->T));
    json_object_set_new(b, "alpha", ineq_json_num(r->alpha));
    json_object_set_new(b, "beta", ineq_json_num(r->beta));
    json_object_set_new(b, "se_alpha", ineq_json_num(r->se_alpha));
    json_object_set_new(b, "se_beta", ineq_json_num(r->se_beta));
    json_object_set_new(b, "t", ineq_json_num(r->t));
    json_object_set_new(b, "p", ineq_json_num(r->p));
    json_object_set_new(b, "r2", ineq_json_num(r->r2));
    json_object_set_new(b, "speed", ineq_json_num(r->speed));
    json_object_set_new(b, "half_life", ineq_json_num(r->half_life));
    json_object_set_new(b, "conditional", json_boolean(r->ncontrols > 0));
    json_t *ca = json_array();
    for (size_t k = 0; k < r->ncontrols; k++) {
        json_t *e = json_object();
        json_object_set_new(e, "name", json_string(controls->item[k]));
        json_object_set_new(e, "coef", ineq_json_num(r->control_coef[k]));
        json_object_set_new(e, "se", ineq_json_num(r->control_se[k]));
        json_object_set_new(e, "t", ineq_json_num(r->control_t[k]));
        json_object_set_new(e, "p", ineq_json_num(r->control_p[k]));
        json_array_append_new(ca, e);
    }
    json_object_set_new(b, "controls", ca);
    json_object_set_new(o, "beta", b);
    json_t *k = json_object();
    json_object_set_new(k, "tau", ineq_json_num(r->tau));
    json_object_set_new(k, "p", ineq_json_num(r->tau_p));
    json_object_set_new(k, "p_ties", ineq_json_num(r->tau_p_ties));
    json_object_set_new(k, "from", json_string(series->item[0]));
    json_object_set_new(k, "to", json_string(series->item[series->n - 1]));
    json_object_set_new(o, "kendall", k);
    return o;
}

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *series = NULL, *times = NULL, *weight = NULL, *controls = NULL;
    const char *format = NULL, *output = NULL;
    int drop = 0;
    cli_option opts[] = {
        {"series", CLI_STRING, &series, "COLS", "level columns, first period to last (required)"},
        {"times", CLI_STRING, &times, "T1,T2,...", "time (year) of each series column"},
        {"weight", CLI_STRING, &weight, "COL", "population weights (weighted sd, CV and WLS)"},
        {"controls", CLI_STRING, &controls, "COLS", "control columns: conditional beta convergence"},
        {"drop-nonpositive", CLI_FLAG, &drop, NULL, "leave out units with a level <= 0 (counted)"},
        {"format", CLI_STRING, &format, "F", "table (default), csv, json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        CLI_INPUT_OPTIONS(in),
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_convergence, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("convergence: give at most one FILE");
    if (!series)
        return cli_usage_error("convergence: --series COL,COL,... is required");
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    ineq_list sl = {0}, tl = {0}, cl = {0};
    if (ineq_list_split(series, &sl) || (times && ineq_list_split(times, &tl)) ||
        (controls && ineq_list_split(controls, &cl))) {
        ineq_list_free(&sl);
        ineq_list_free(&tl);
        ineq_list_free(&cl);
        return cli_usage_error("convergence: out of memory");
    }
    size_t T = sl.n, K = cl.n;
    double *tv = calloc(T ? T : 1, sizeof *tv);
    rc = AQ_OK;
    if (T < 2)
        rc = cli_usage_error("convergence: --series needs at least 2 columns, got %zu", T);
    else if (times && tl.n != T)
        rc = cli_usage_error("convergence: %zu series but %zu times; give one time per series",
                             T, tl.n);
    for (size_t p = 0; !rc && p < T; p++) {
        char *end = NULL;
        if (times) {
            tv[p] = strtod(tl.item[p], &end);
            if (end == tl.item[p] || *end)
                rc = cli_usage_error("convergence: --times: '%s' is not a number", tl.item[p]);
        } else if (trailing_number(sl.item[p], &tv[p])) {
            rc = cli_usage_error("convergence: cannot tell the time of series '%s' from its "
                                 "name; give --times", sl.item[p]);
        }
    }
    if (rc) {
        free(tv);
        ineq_list_free(&sl);
        ineq_list_free(&tl);
        ineq_list_free(&cl);
        return rc;
    }

    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    const double **cols = calloc(T + K + 1, sizeof *cols);
    double *y = NULL, *w = NULL, *c = NULL;
    aq_convergence_result *res = NULL;
    int printed = 0;
    size_t missing = 0, dropped = 0, n = 0;
    rc = cols ? cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t) : AQ_ENOMEM;
    for (size_t p = 0; rc == AQ_OK && p < T + K + (weight ? 1 : 0); p++) {
        const char *name = p < T ? sl.item[p] : p < T + K ? cl.item[p - T] : weight;
        if ((rc = ineq_number_column(ctx, t, name, &cols[p])))
            printed = 1;
    }
    size_t nrows = t ? aq_table_nrows(t) : 0;
    if (rc == AQ_OK) {
        y = malloc((nrows * T + 1) * sizeof *y);
        c = malloc((nrows * K + 1) * sizeof *c);
        w = weight ? malloc((nrows + 1) * sizeof *w) : NULL;
        if (!y || !c || (weight && !w))
            rc = AQ_ENOMEM;
    }
    /* complete rows only; levels must be positive */
    for (size_t r = 0; rc == AQ_OK && r < nrows; r++) {
        int nonpos = 0;
        if (!ineq_row_complete(cols, T + K + (weight ? 1 : 0), r)) {
            missing++;
            continue;
        }
        for (size_t p = 0; p < T && !nonpos; p++)
            if (!(cols[p][r] > 0)) {
                nonpos = 1;
                if (!drop) {
                    char lab[256];
                    fprintf(stderr, "aimaq: error: %s: '%s' is %g, but convergence uses "
                                    "logarithms of levels, which must be positive; fix it or "
                                    "pass --drop-nonpositive\n",
                            ineq_unit_label(t, r, lab, sizeof lab), sl.item[p], cols[p][r]);
                    rc = AQ_EINPUT;
                    printed = 1;
                }
            }
        if (nonpos) {
            dropped++;
            continue;
        }
        n++;
    }
    if (rc == AQ_OK) {
        size_t k = 0;
        for (size_t r = 0; r < nrows; r++) {
            int skip = !ineq_row_complete(cols, T + K + (weight ? 1 : 0), r);
            for (size_t p = 0; p < T; p++)
                skip |= !(cols[p][r] > 0);
            if (skip)
                continue;
            for (size_t p = 0; p < T; p++)
                y[p * n + k] = cols[p][r];
            for (size_t q = 0; q < K; q++)
                c[q * n + k] = cols[T + q][r];
            if (weight)
                w[k] = cols[T + K][r];
            k++;
        }
        rc = aq_convergence(ctx, y, w, n, T, tv, K ? c : NULL, K, &res);
    }
    if (rc == AQ_OK && fmt == AQ_FMT_JSON) {
        json_t *o = result_json(res, &sl, &cl, weight, missing);
        json_object_set_new(o, "dropped_nonpositive", json_integer((json_int_t)dropped));
        rc = ineq_json_write(ctx, o, output);
    } else if (rc == AQ_OK) {
        rc = write_table(ctx, res, &cl, missing, fmt, output);
    }
    if (rc && !printed)
        rc = cli_fail(ctx, rc);
    else if (rc)
        rc = cli_exit_code(rc);
    aq_convergence_free(res);
    free(y);
    free(w);
    free(c);
    free(cols);
    free(tv);
    aq_table_free(t);
    aq_ctx_free(ctx);
    ineq_list_free(&sl);
    ineq_list_free(&tl);
    ineq_list_free(&cl);
    return rc;
}
