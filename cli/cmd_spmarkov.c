/*
 * cmd_spmarkov.c -- `aimaq spmarkov`: spatial Markov chains (and LISA Markov
 * with --lisa) over a wide table with one column per period. JSON.
 */
#include "spatial_common.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_spmarkov = {
    "spmarkov", "spatial Markov and LISA Markov chains over periods (JSON)",
    "aimaq spmarkov INPUT --columns FIRST:LAST|A,B,... --weights SPEC [--k 5] [--m 5] "
    "[--fixed] [--relative] [--lisa]",
    "Each unit's value per period is classed into K quantile classes and its spatial\n"
    "lag (row-standardised weights unless --style) into M; transitions between\n"
    "consecutive periods are counted in the chain of the lag class at the start\n"
    "(giddy Spatial_Markov). --fixed: class bounds from all periods pooled\n"
    "(otherwise per period); --relative: each period divided by its mean first.\n"
    "--lisa: transitions between Moran scatterplot quadrants (giddy LISA_Markov).\n"
    "JSON keys: k, m, cutoffs, lag_cutoffs, T, P, F (m matrices k x k: counts,\n"
    "probabilities, first mean passage times), S (m steady states), T_pooled,\n"
    "P_pooled, S_pooled, Q, Q_p, LR, LR_p, dof (homogeneity of the m chains,\n"
    "Bickenbach and Bode 2003).\n"
    "--columns FIRST:LAST takes every column from FIRST to LAST in file order.\n\n"
    "example:\n"
    "  aimaq spmarkov usjoin.csv --columns 1929:2009 --weights states48.gal --relative "
    "--fixed",
    run};

/* Column indices of --columns: "A:B" (a range in file order) or "A,B,C". */
static int pick_columns(const aq_table *t, const char *spec, size_t **cols, size_t *nc)
{
    size_t total = aq_table_ncols(t);
    *cols = malloc((total ? total : 1) * sizeof **cols);
    *nc = 0;
    if (!*cols)
        return cli_usage_error("out of memory");
    char *copy = strdup(spec);
    if (!copy)
        return cli_usage_error("out of memory");
    char *colon = strchr(copy, ':');
    int ex = 0;
    if (colon) {
        *colon = '\0';
        long a = aq_table_find(t, copy), b = aq_table_find(t, colon + 1);
        if (a < 0 || b < 0 || b < a)
            ex = sp_input_error("--columns %s: no such range of columns", spec);
        for (long c = a; !ex && c <= b; c++)
            (*cols)[(*nc)++] = (size_t)c;
    } else {
        for (char *tok = strtok(copy, ","); tok && !ex; tok = strtok(NULL, ",")) {
            long c = aq_table_find(t, tok);
            if (c < 0 || *nc >= total)
                ex = sp_input_error("no column '%s'", tok);
            else
                (*cols)[(*nc)++] = (size_t)c;
        }
    }
    free(copy);
    for (size_t k = 0; !ex && k < *nc; k++)
        if (!aq_table_numbers(t, (*cols)[k]))
            ex = sp_input_error("column '%s' holds text, not numbers",
                                aq_table_colname(t, (*cols)[k]));
    return ex;
}

static int run(int argc, char **argv)
{
    sp_opts o;
    sp_opts_init(&o);
    const char *columns = NULL;
    long k = 5, m = 5;
    int fixed = 0, relative = 0, lisa = 0;
    cli_option opts[40] = {
        {"columns", CLI_STRING, &columns, "SPEC", "the period columns: FIRST:LAST or A,B,C"},
        {"k", CLI_INT, &k, "K", "classes of the values (default 5)"},
        {"m", CLI_INT, &m, "M", "classes of the spatial lags (default 5)"},
        {"fixed", CLI_FLAG, &fixed, NULL, "class bounds from all periods pooled"},
        {"relative", CLI_FLAG, &relative, NULL, "divide each period by its mean"},
        {"lisa", CLI_FLAG, &lisa, NULL, "LISA Markov: transitions between quadrants"},
        SP_OPTIONS(o),
    };
    int npos, rc = cli_parse(&cmd_spmarkov, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("spmarkov: give one INPUT file (or none to read the store)");
    if (!columns)
        return cli_usage_error("spmarkov: give --columns FIRST:LAST or A,B,C");
    if (k < 2 || m < 2)
        return cli_usage_error("spmarkov: --k and --m must be 2 or more");
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    aq_weights *w = NULL;
    aq_spmarkov_result *r = NULL;
    size_t *cols = NULL, nc = 0;
    double *y = NULL;
    int ex = 0;
    if ((ex = sp_load(ctx, &o, npos ? argv[0] : NULL, &t)))
        goto done;
    if ((ex = pick_columns(t, columns, &cols, &nc)))
        goto done;
    if ((ex = sp_weights(ctx, &o, t, AQ_WSTYLE_W, &w)))
        goto done;
    size_t n = aq_table_nrows(t);
    y = malloc((n && nc ? n * nc : 1) * sizeof *y);
    if (!y) {
        ex = cli_usage_error("out of memory");
        goto done;
    }
    for (size_t j = 0; j < nc; j++) {
        const double *v = aq_table_numbers(t, cols[j]);
        double mean = 0;
        for (size_t i = 0; i < n; i++)
            mean += v[i];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++)
            y[j * n + i] = relative ? v[i] / mean : v[i];
    }
    rc = lisa ? aq_lisa_markov(ctx, w, y, n, nc, &r)
              : aq_spmarkov(ctx, w, y, n, nc, (size_t)k, (size_t)m, fixed, &r);
    if (rc) {
        ex = cli_fail(ctx, rc);
        goto done;
    }
    FILE *f = sp_open_output(ctx, o.output, &ex);
    if (!f)
        goto done;
    sp_json j;
    sp_json_begin(&j, f);
    sp_json_str(&j, "statistic", lisa ? "lisa_markov" : "spatial_markov");
    sp_json_num(&j, "n", (double)n);
    sp_json_num(&j, "periods", (double)nc);
    sp_json_num(&j, "k", (double)r->k);
    sp_json_num(&j, "m", (double)r->m);
    if (r->cutoffs) {
        sp_json_array(&j, "cutoffs", r->cutoffs, r->k, 0);
        sp_json_array(&j, "lag_cutoffs", r->lag_cutoffs, r->m, 0);
    }
    sp_json_cube(&j, "T", r->T, r->m, r->k);
    sp_json_cube(&j, "P", r->P, r->m, r->k);
    sp_json_array(&j, "S", r->S, r->m * r->k, r->k);
    sp_json_cube(&j, "F", r->F, r->m, r->k);
    sp_json_array(&j, "T_pooled", r->T_pooled, r->k * r->k, r->k);
    sp_json_array(&j, "P_pooled", r->P_pooled, r->k * r->k, r->k);
    sp_json_array(&j, "S_pooled", r->S_pooled, r->k, 0);
    if (!lisa) {
        sp_json_num(&j, "Q", r->Q);
        sp_json_num(&j, "Q_p", r->Q_p);
        sp_json_num(&j, "LR", r->LR);
        sp_json_num(&j, "LR_p", r->LR_p);
        sp_json_num(&j, "dof", r->dof);
    }
    sp_json_end(&j);
    if (f != stdout)
        fclose(f);
done:
    aq_spmarkov_free(r);
    free(y);
    free(cols);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return ex;
}
