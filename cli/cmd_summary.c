/*
 * cmd_summary.c -- `aimaq summary`: the first look at regional data: per
 * period, how far apart the highest and lowest units are (the founding
 * text's "GRP per capita differs up to 10 times"), and the population of
 * each unit with its share.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_summary = {
    "summary", "per period max/min ratio of an indicator, and population by unit",
    "aimaq summary [FILE] [--db STORE] --value CODE [--population CODE] [--level L] [--lang kk|ru|en]",
    "Reads FILE, or (without FILE) the store selection of --value and --population\n"
    "at --level (default region). Units whose code is in --exclude (default: none)\n"
    "are left out, e.g. the country total.\n\n"
    "examples:\n"
    "  aimaq summary --db kz.db --value grp_pc_kzt_thousand --population population --lang ru\n"
    "  aimaq summary grp.csv --value grp_pc_kzt_thousand --format csv",
    run};

typedef struct summary_opts {
    const char *value, *population, *lang, *exclude;
} summary_opts;

/* The display name of row I in the chosen language, else any name, else the code. */
static const char *unit_name(const aq_table *t, size_t i, const char *lang)
{
    const char *order[4] = {"name_en", "name_ru", "name_kk", "name"};
    if (strcmp(lang, "kk") == 0)
        order[0] = "name_kk", order[2] = "name_en";
    else if (strcmp(lang, "ru") == 0)
        order[0] = "name_ru", order[1] = "name_kk", order[2] = "name_en";
    for (int k = 0; k < 4; k++) {
        long j = aq_table_find(t, order[k]);
        const char *s = j >= 0 ? aq_table_text(t, (size_t)j, i) : NULL;
        if (s)
            return s;
    }
    long j = aq_table_find(t, "code");
    const char *s = j >= 0 ? aq_table_text(t, (size_t)j, i) : NULL;
    return s ? s : "?";
}

static bool excluded(const aq_table *t, size_t i, const char *exclude)
{
    long j = aq_table_find(t, "code");
    const char *code = j >= 0 ? aq_table_text(t, (size_t)j, i) : NULL;
    if (!exclude || !code)
        return false;
    size_t n = strlen(code);
    for (const char *p = exclude; (p = strstr(p, code)) != NULL; p += n)
        if ((p == exclude || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

/* Period of row i ("" when the table has none). */
static const char *period_of(const aq_table *t, size_t i, char *buf, size_t size)
{
    long j = aq_table_find(t, "period");
    if (j < 0)
        j = aq_table_find(t, "year");
    return j >= 0 ? aq_table_cell(t, (size_t)j, i, buf, size) : "";
}

/* Does row I count for PERIOD: a value, not excluded, of that period? */
static bool counts_for(const aq_table *t, size_t i, const double *v, const summary_opts *o, const char *period)
{
    char buf[32];
    return !isnan(v[i]) && !excluded(t, i, o->exclude) && strcmp(period_of(t, i, buf, sizeof buf), period) == 0;
}

static int cmp_period(const void *a, const void *b) { return strcmp(a, b); }

static int ratios(aq_ctx *ctx, const aq_table *t, const summary_opts *o, aq_table **out)
{
    const double *v = NULL;
    int vrc = aq_table_number_column(ctx, t, o->value, &v);
    if (vrc)
        return vrc;
    size_t n = aq_table_nrows(t);
    /* Periods in order of first appearance (the store sorts them). */
    char (*periods)[32] = calloc(n ? n : 1, sizeof *periods);
    size_t np = 0;
    for (size_t i = 0; periods && i < n; i++) {
        char buf[32];
        const char *p = period_of(t, i, buf, sizeof buf);
        size_t k = 0;
        while (k < np && strcmp(periods[k], p) != 0)
            k++;
        if (k == np)
            snprintf(periods[np++], sizeof periods[0], "%s", p);
    }
    if (periods)
        qsort(periods, np, sizeof *periods, cmp_period);
    /* Only periods that have values of this indicator. */
    size_t kept = 0;
    for (size_t k = 0; k < np; k++) {
        bool any = false;
        for (size_t i = 0; i < n && !any; i++) {
            any = counts_for(t, i, v, o, periods[k]);
        }
        if (any)
            memmove(periods[kept++], periods[k], sizeof periods[0]);
    }
    np = kept;
    aq_table *r = NULL;
    int rc = periods ? aq_table_new(ctx, np, &r) : AQ_ENOMEM;
    static const char *const cols[] = {"period", "n", "max", "max_unit", "min", "min_unit", "ratio_max_min"};
    for (size_t c = 0; c < 7 && rc == AQ_OK; c++)
        rc = aq_table_add_column(ctx, r, cols[c], c == 0 || c == 3 || c == 5 ? AQ_COL_TEXT : AQ_COL_NUMBER, NULL);
    for (size_t k = 0; k < np && rc == AQ_OK; k++) {
        size_t count = 0, imax = 0, imin = 0;
        for (size_t i = 0; i < n; i++) {
            if (!counts_for(t, i, v, o, periods[k]))
                continue;
            if (count == 0 || v[i] > v[imax])
                imax = i;
            if (count == 0 || v[i] < v[imin])
                imin = i;
            count++;
        }
        aq_table_set_text(ctx, r, 0, k, periods[k]);
        aq_table_set_number(ctx, r, 1, k, (double)count);
        if (count) {
            aq_table_set_number(ctx, r, 2, k, v[imax]);
            aq_table_set_text(ctx, r, 3, k, unit_name(t, imax, o->lang));
            aq_table_set_number(ctx, r, 4, k, v[imin]);
            aq_table_set_text(ctx, r, 5, k, unit_name(t, imin, o->lang));
            if (v[imin] > 0)
                aq_table_set_number(ctx, r, 6, k, round(v[imax] / v[imin] * 100) / 100);
        }
    }
    free(periods);
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

static int population(aq_ctx *ctx, const aq_table *t, const summary_opts *o, aq_table **out)
{
    const double *p = NULL;
    int prc = aq_table_number_column(ctx, t, o->population, &p);
    if (prc)
        return prc;
    size_t n = aq_table_nrows(t);
    /* The latest period that has population figures. */
    char latest[32] = "";
    for (size_t i = 0; i < n; i++) {
        char buf[32];
        const char *per = period_of(t, i, buf, sizeof buf);
        if (!isnan(p[i]) && strcmp(per, latest) > 0)
            snprintf(latest, sizeof latest, "%s", per);
    }
    size_t m = 0;
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        if (counts_for(t, i, p, o, latest)) {
            m++;
            total += p[i];
        }
    }
    aq_table *r = NULL;
    int rc = aq_table_new(ctx, m, &r);
    static const char *const cols[] = {"code", "name", "period", "population", "share"};
    for (size_t c = 0; c < 5 && rc == AQ_OK; c++)
        rc = aq_table_add_column(ctx, r, cols[c], c < 3 ? AQ_COL_TEXT : AQ_COL_NUMBER, NULL);
    long cj = aq_table_find(t, "code");
    for (size_t i = 0, k = 0; i < n && rc == AQ_OK; i++) {
        if (!counts_for(t, i, p, o, latest))
            continue;
        aq_table_set_text(ctx, r, 0, k, cj >= 0 ? aq_table_text(t, (size_t)cj, i) : NULL);
        aq_table_set_text(ctx, r, 1, k, unit_name(t, i, o->lang));
        aq_table_set_text(ctx, r, 2, k, latest);
        aq_table_set_number(ctx, r, 3, k, p[i]);
        aq_table_set_number(ctx, r, 4, k, round(p[i] / total * 10000) / 100);
        k++;
    }
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

/* In text mode the columns get labels in the chosen language. */
static int show(aq_ctx *ctx, aq_table *r, const char *title, const char *lang, enum aq_format fmt, const char *output)
{
    if (fmt != AQ_FMT_TEXT && fmt != AQ_FMT_AUTO)
        return cli_write(ctx, r, fmt, output);
    size_t n = aq_table_nrows(r), nc = aq_table_ncols(r);
    aq_table *lab = NULL;
    int rc = aq_table_new(ctx, n, &lab);
    for (size_t j = 0; j < nc && rc == AQ_OK; j++) {
        const char *name = aq_table_colname(r, j);
        rc = aq_table_add_column(ctx, lab, cli_label(lang, name), aq_table_coltype(r, j), NULL);
        for (size_t i = 0; i < n && rc == AQ_OK; i++)
            rc = aq_table_coltype(r, j) == AQ_COL_NUMBER ? aq_table_set_number(ctx, lab, j, i, aq_table_numbers(r, j)[i])
                                                         : aq_table_set_text(ctx, lab, j, i, aq_table_text(r, j, i));
    }
    if (rc == AQ_OK) {
        printf("\n%s\n", title);
        fflush(stdout);
        rc = cli_write(ctx, lab, AQ_FMT_TEXT, output);
    }
    aq_table_free(lab);
    return rc;
}

static int run(int argc, char **argv)
{
    cli_input in = {0};
    summary_opts o = {0};
    const char *format = NULL, *output = NULL, *lang_opt = NULL;
    cli_option opts[] = {
        {"value", CLI_STRING, &o.value, "CODE", "the indicator compared across units (e.g. GRP per capita)"},
        {"population", CLI_STRING, &o.population, "CODE", "the population indicator, for the population table"},
        {"exclude", CLI_STRING, &o.exclude, "CODES", "unit codes to leave out, comma-separated (e.g. the country)"},
        CLI_INPUT_OPTIONS(in),
        {"lang", CLI_STRING, &lang_opt, "L", "labels and names in kk, ru or en"},
        {"format", CLI_STRING, &format, "F", "table, csv or json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_summary, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (!o.value)
        return cli_usage_error("summary: --value CODE is required");
    if (o.population && output)
        return cli_usage_error("summary: --output holds one table: write the ratios (--value) and the population "
                               "(--population) in two runs");
    if (cli_lang(lang_opt, &o.lang))
        return AQ_EXIT_USAGE;
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    char codes[512];
    if (npos == 0) {
        snprintf(codes, sizeof codes, "%s%s%s", o.value, o.population ? "," : "", o.population ? o.population : "");
        in.indicator = codes;
        if (!in.level)
            in.level = "region";
    }
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *r1 = NULL, *r2 = NULL;
    rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    if (rc) {
        rc = cli_fail(ctx, rc);
        aq_ctx_free(ctx);
        return rc;
    }
    int r = ratios(ctx, t, &o, &r1);
    if (r == AQ_OK) {
        char title[256];
        snprintf(title, sizeof title, "%s: %s", cli_label(o.lang, "ratio_max_min"), o.value);
        r = show(ctx, r1, title, o.lang, fmt, output);
    }
    if (r == AQ_OK && o.population && (r = population(ctx, t, &o, &r2)) == AQ_OK)
        r = show(ctx, r2, cli_label(o.lang, "population"), o.lang, fmt, output);
    rc = r ? cli_fail(ctx, r) : AQ_EXIT_OK;
    aq_table_free(r1);
    aq_table_free(r2);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return rc;
}
