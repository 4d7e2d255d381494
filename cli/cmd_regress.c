/*
 * cmd_regress.c -- `aimaq regress`: OLS with spatial diagnostics, ML spatial
 * lag and error models, spatial 2SLS (GM lag), as a table, JSON or CSV.
 * The estimation is in src/regress.c (include/aimaq_regress.h); this file
 * reads the columns and weights the way the spatial commands do.
 */
#include "aimaq_regress.h"
#include "spatial_common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int run_regress(int argc, char **argv);

const cli_command cmd_regress = {
    "regress", "regression with spatial diagnostics; spatial lag and error models",
    "aimaq regress INPUT --y COL --x COL,COL,... --weights SPEC [--model ols|lag|error]\n"
    "       [--method ml|gm] [--id COL] [--format table|json|csv]",
    "--model ols (default) fits least squares and reports, with --weights, Moran's I\n"
    "of the residuals and the LM tests (LM-error, LM-lag, their robust forms and\n"
    "LM-SARMA) with a reading of which spatial model they point to. --model lag\n"
    "(y = rho Wy + Xb + e) and --model error (y = Xb + u, u = lambda Wu + e) are\n"
    "fitted by maximum likelihood with the exact log-determinant from the\n"
    "sparse Cholesky factor of I - rho W (CHOLMOD; the default, for row-standardised\n"
    "symmetric weights such as contiguity) or from the eigenvalues of W (--logdet\n"
    "eigen, and for kNN weights; at most 6000 units); --model lag --method gm is spatial\n"
    "two-stage least squares with instruments X, WX, W^2X. The lag model also\n"
    "reports direct, indirect and total impacts (LeSage and Pace 2009).\n"
    "Weights are row-standardised unless --style says otherwise. Point weights\n"
    "(knn, band, kernel) take coordinates from the geometry or --coord-x/--coord-y.\n"
    "Numbers match PySAL spreg (OLS, ML_Lag, ML_Error, GM_Lag); docs/regression.md.\n\n"
    "JSON keys: model, method, n, k, coefficients, std_errors, t (OLS) or z, p,\n"
    "rho, lambda (with _se, _z, _p), logdet, sigma2, log_likelihood, aic, schwarz, r2,\n"
    "adj_r2, f, lr, condition_number, jarque_bera, breusch_pagan, koenker,\n"
    "diagnostics {moran_residuals, lm_error, lm_lag, rlm_error, rlm_lag, lm_sarma},\n"
    "reading, impacts {direct, indirect, total}; tests are {statistic, p}.\n\n"
    "examples:\n"
    "  aimaq regress columbus.shp --y HOVAL --x INC,CRIME --weights queen\n"
    "  aimaq regress baltim.dbf --y PRICE --x NROOM,AGE,SQFT --weights baltim_q.gal \\\n"
    "      --model lag --format json",
    run_regress};

static void jstr(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void jnum(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.17g", v);
    else
        fputs("null", f);
}

/* "key": {"name": v, ...} over the coefficients FROM .. ncoef-1 */
static void jcoefs(FILE *f, const char *key, const char *const *names, const double *v,
                   size_t from, size_t m, int last)
{
    fprintf(f, "  \"%s\": {", key);
    for (size_t i = from; i < m; i++) {
        fputs(i > from ? ", " : "", f);
        jstr(f, names[i]);
        fputs(": ", f);
        jnum(f, v[i]);
    }
    fprintf(f, "}%s\n", last ? "" : ",");
}

static void jtest(FILE *f, const char *key, aq_reg_stat s, int last)
{
    fprintf(f, "    \"%s\": {\"statistic\": ", key);
    jnum(f, s.statistic);
    fputs(", \"p\": ", f);
    jnum(f, s.p);
    fprintf(f, "}%s\n", last ? "" : ",");
}

static void jkv(FILE *f, const char *key, double v)
{
    fprintf(f, "  \"%s\": ", key);
    jnum(f, v);
    fputs(",\n", f);
}

static void print_json(FILE *f, const aq_reg_result *r, const char *const *names,
                       const char *model, const char *method, const char *weights)
{
    fputs("{\n", f);
    fprintf(f, "  \"model\": \"%s\",\n  \"method\": \"%s\",\n", model, method);
    fprintf(f, "  \"n\": %zu,\n  \"k\": %zu,\n", r->n, r->k);
    jcoefs(f, "coefficients", names, r->coef, 0, r->ncoef, 0);
    jcoefs(f, "std_errors", names, r->se, 0, r->ncoef, 0);
    jcoefs(f, r->model == AQ_REG_OLS ? "t" : "z", names, r->stat, 0, r->ncoef, 0);
    jcoefs(f, "p", names, r->p, 0, r->ncoef, 0);
    if (r->model == AQ_REG_LAG) {
        jkv(f, "rho", r->rho);
        jkv(f, "rho_se", r->rho_se);
        jkv(f, "rho_z", r->rho_z);
        jkv(f, "rho_p", r->rho_p);
    }
    if (r->model == AQ_REG_ERROR) {
        jkv(f, "lambda", r->lambda);
        jkv(f, "lambda_se", r->lambda_se);
        jkv(f, "lambda_z", r->lambda_z);
        jkv(f, "lambda_p", r->lambda_p);
    }
    if (r->model != AQ_REG_OLS && r->method == AQ_REG_ML)
        fprintf(f, "  \"logdet\": \"%s\",\n",
                r->logdet == AQ_LOGDET_SPARSE ? "sparse" : "eigen");
    jkv(f, "sigma2", r->sigma2);
    jkv(f, "log_likelihood", r->log_likelihood);
    jkv(f, "aic", r->aic);
    jkv(f, "schwarz", r->schwarz);
    jkv(f, "r2", r->r2);
    if (r->model == AQ_REG_OLS) {
        jkv(f, "adj_r2", r->adj_r2);
        jkv(f, "condition_number", r->condition_number);
        fputs("  \"f\": {\"statistic\": ", f);
        jnum(f, r->f.statistic);
        fputs(", \"p\": ", f);
        jnum(f, r->f.p);
        fputs("},\n", f);
        const char *k3[] = {"jarque_bera", "breusch_pagan", "koenker"};
        aq_reg_stat s3[] = {r->jarque_bera, r->breusch_pagan, r->koenker};
        for (int i = 0; i < 3; i++) {
            fprintf(f, "  \"%s\": {\"statistic\": ", k3[i]);
            jnum(f, s3[i].statistic);
            fputs(", \"p\": ", f);
            jnum(f, s3[i].p);
            fputs("},\n", f);
        }
        if (weights) {
            fputs("  \"diagnostics\": {\n", f);
            fputs("    \"moran_residuals\": {\"statistic\": ", f);
            jnum(f, r->moran_I);
            fputs(", \"p\": ", f);
            jnum(f, r->moran.p);
            fputs(", \"expected\": ", f);
            jnum(f, r->moran_EI);
            fputs(", \"variance\": ", f);
            jnum(f, r->moran_VI);
            fputs(", \"z\": ", f);
            jnum(f, r->moran.statistic);
            fputs("},\n", f);
            jtest(f, "lm_error", r->lm_error, 0);
            jtest(f, "lm_lag", r->lm_lag, 0);
            jtest(f, "rlm_error", r->rlm_error, 0);
            jtest(f, "rlm_lag", r->rlm_lag, 0);
            jtest(f, "lm_sarma", r->lm_sarma, 1);
            fputs("  },\n  \"reading\": ", f);
            jstr(f, aq_regress_reading(r, 0.05));
            fputs(",\n", f);
        }
    } else if (!isnan(r->lr.statistic)) {
        fputs("  \"lr\": {\"statistic\": ", f);
        jnum(f, r->lr.statistic);
        fputs(", \"p\": ", f);
        jnum(f, r->lr.p);
        fputs("},\n", f);
    }
    if (r->direct) {
        fputs("  \"impacts\": {\n  ", f);
        jcoefs(f, "direct", names, r->direct, 1, r->ncoef, 0);
        fputs("  ", f);
        jcoefs(f, "indirect", names, r->indirect, 1, r->ncoef, 0);
        fputs("  ", f);
        jcoefs(f, "total", names, r->total, 1, r->ncoef, 1);
        fputs("  },\n", f);
    }
    fputs("  \"weights\": ", f);
    if (weights)
        jstr(f, weights);
    else
        fputs("null", f);
    fputs("\n}\n", f);
}

static void print_csv(FILE *f, const aq_reg_result *r, const char *const *names)
{
    fputs("term,estimate,std_error,statistic,p\n", f);
    for (size_t i = 0; i < r->ncoef; i++)
        fprintf(f, "%s,%.17g,%.17g,%.17g,%.17g\n", names[i], r->coef[i], r->se[i], r->stat[i],
                r->p[i]);
    if (r->model == AQ_REG_LAG)
        fprintf(f, "rho,%.17g,%.17g,%.17g,%.17g\n", r->rho, r->rho_se, r->rho_z, r->rho_p);
    if (r->model == AQ_REG_ERROR)
        fprintf(f, "lambda,%.17g,%.17g,%.17g,%.17g\n", r->lambda, r->lambda_se, r->lambda_z,
                r->lambda_p);
}

static void test_line(FILE *f, const char *name, aq_reg_stat s)
{
    fprintf(f, "  %-22s %12.4f  p = %.4g\n", name, s.statistic, s.p);
}

static void print_table(FILE *f, const aq_reg_result *r, const char *const *names,
                        const char *yname, const char *model, const char *method,
                        const char *weights)
{
    fprintf(f, "%s (%s) of %s: n = %zu, k = %zu%s%s\n\n", model, method, yname, r->n, r->k,
            weights ? ", weights " : "", weights ? weights : "");
    fprintf(f, "  %-16s %14s %12s %10s %10s\n", "term", "estimate", "std.error",
            r->model == AQ_REG_OLS ? "t" : "z", "p");
    for (size_t i = 0; i < r->ncoef; i++)
        fprintf(f, "  %-16s %14.6g %12.6g %10.4f %10.4g\n", names[i], r->coef[i], r->se[i],
                r->stat[i], r->p[i]);
    if (r->model == AQ_REG_LAG)
        fprintf(f, "  %-16s %14.6g %12.6g %10.4f %10.4g\n", "rho", r->rho, r->rho_se, r->rho_z,
                r->rho_p);
    if (r->model == AQ_REG_ERROR)
        fprintf(f, "  %-16s %14.6g %12.6g %10.4f %10.4g\n", "lambda", r->lambda, r->lambda_se,
                r->lambda_z, r->lambda_p);
    fputc('\n', f);
    if (r->model == AQ_REG_OLS)
        fprintf(f, "  R2 %.4f, adjusted R2 %.4f, F %.4f (p = %.4g)\n", r->r2, r->adj_r2,
                r->f.statistic, r->f.p);
    else
        fprintf(f, "  pseudo R2 %.4f\n", r->r2);
    fprintf(f, "  sigma2 %.6g", r->sigma2);
    if (!isnan(r->log_likelihood))
        fprintf(f, ", log-likelihood %.4f, AIC %.4f, Schwarz %.4f", r->log_likelihood, r->aic,
                r->schwarz);
    fputc('\n', f);
    if (!isnan(r->lr.statistic))
        fprintf(f, "  LR test against OLS %.4f (p = %.4g)\n", r->lr.statistic, r->lr.p);
    if (r->model == AQ_REG_OLS) {
        fprintf(f, "\n  condition number %.4f\n", r->condition_number);
        test_line(f, "Jarque-Bera", r->jarque_bera);
        test_line(f, "Breusch-Pagan", r->breusch_pagan);
        test_line(f, "Koenker-Bassett", r->koenker);
        if (weights) {
            fprintf(f, "  %-22s %12.4f  z = %.4f, p = %.4g\n", "Moran's I (residuals)",
                    r->moran_I, r->moran.statistic, r->moran.p);
            test_line(f, "LM-error", r->lm_error);
            test_line(f, "LM-lag", r->lm_lag);
            test_line(f, "robust LM-error", r->rlm_error);
            test_line(f, "robust LM-lag", r->rlm_lag);
            test_line(f, "LM-SARMA", r->lm_sarma);
            fprintf(f, "\n  %s\n", aq_regress_reading(r, 0.05));
        }
    }
    if (r->direct) {
        fprintf(f, "\n  impacts %14s %12s %12s\n", "direct", "indirect", "total");
        for (size_t i = 1; i < r->ncoef; i++)
            fprintf(f, "  %-7s %14.6g %12.6g %12.6g\n", names[i], r->direct[i], r->indirect[i],
                    r->total[i]);
    }
}

static int run_regress(int argc, char **argv)
{
    sp_opts o;
    sp_opts_init(&o);
    const char *ycol = NULL, *xcols = NULL, *model = "ols", *method = "ml", *logdet = "auto";
    cli_option opts[] = {
        {"y", CLI_STRING, &ycol, "COL", "the dependent variable"},
        {"x", CLI_STRING, &xcols, "COLS", "explanatory variables, comma-separated"},
        {"model", CLI_STRING, &model, "M", "ols (default), lag or error"},
        {"method", CLI_STRING, &method, "M", "ml (default) or gm (lag: spatial 2SLS)"},
        {"logdet", CLI_STRING, &logdet, "L", "ML log-determinant: auto (default), eigen or sparse"},
        {"id", CLI_STRING, &o.id, "COL", "column of unit ids (matches GAL/GWT ids)"},
        {"weights", CLI_STRING, &o.weights, "SPEC", SP_WEIGHTS_HELP},
        {"style", CLI_STRING, &o.style, "S", "weights style (default W, row-standardised)"},
        {"order", CLI_INT, &o.order, "K", "use neighbours of order K"},
        {"snap", CLI_DOUBLE, &o.snap, "D", "contiguity: vertices closer than D are shared"},
        {"coord-x", CLI_STRING, &o.xcol, "COL", "x or longitude column for point weights"},
        {"coord-y", CLI_STRING, &o.ycol, "COL", "y or latitude column for point weights"},
        {"metric", CLI_STRING, &o.metric, "M", "planar or sphere; default from the CRS"},
        {"output", CLI_STRING, &o.output, "FILE", "write to FILE instead of standard output"},
        {"format", CLI_STRING, &o.format, "F", "table (default), json or csv"},
        {"skip-missing-geometry", CLI_FLAG, &o.skip_missing_geometry, NULL,
         "leave out the units without a boundary or point"},
        CLI_INPUT_OPTIONS(o.in),
        {0},
    };
    int npos, rc = cli_parse(&cmd_regress, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("regress: give one INPUT file (or none to read the store)");
    if (!ycol || !xcols)
        return cli_usage_error("regress: give --y COL and --x COL,COL,...");
    int m = strcmp(model, "ols") == 0 ? AQ_REG_OLS
            : strcmp(model, "lag") == 0 ? AQ_REG_LAG
            : strcmp(model, "error") == 0 ? AQ_REG_ERROR
                                          : -1;
    if (m < 0)
        return cli_usage_error("regress: --model '%s': expected ols, lag or error (sarar, "
                               "slx and durbin are not implemented yet)",
                               model);
    int me = strcmp(method, "ml") == 0 ? AQ_REG_ML : strcmp(method, "gm") == 0 ? AQ_REG_GM : -1;
    if (me < 0)
        return cli_usage_error("regress: --method '%s': expected ml or gm", method);
    if (me == AQ_REG_GM && m != AQ_REG_LAG)
        return cli_usage_error("regress: --method gm is implemented for --model lag only");
    if (m != AQ_REG_OLS && !o.weights)
        return cli_usage_error("regress: --model %s needs --weights SPEC", model);
    aq_reg_opts ro = {AQ_LOGDET_AUTO};
    if (strcmp(logdet, "eigen") == 0)
        ro.logdet = AQ_LOGDET_EIGEN;
    else if (strcmp(logdet, "sparse") == 0)
        ro.logdet = AQ_LOGDET_SPARSE;
    else if (strcmp(logdet, "auto") != 0)
        return cli_usage_error("regress: --logdet '%s': expected auto, eigen or sparse", logdet);
    const char *fmt = o.format ? o.format : "table";
    if (strcmp(fmt, "table") && strcmp(fmt, "json") && strcmp(fmt, "csv"))
        return cli_usage_error("regress: --format '%s': expected table, json or csv", fmt);

    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    aq_weights *w = NULL;
    aq_reg_result *r = NULL;
    char *xbuf = NULL;
    const char **names = NULL;
    double *x = NULL;
    int ex = 0;
    if ((ex = sp_load(ctx, &o, npos ? argv[0] : NULL, &t)))
        goto done;
    size_t n = aq_table_nrows(t);
    /* the X columns, split on commas */
    xbuf = strdup(xcols);
    size_t p = 1;
    for (const char *c = xcols; *c; c++)
        p += *c == ',';
    names = calloc(p + 1, sizeof *names);
    x = malloc((n ? n : 1) * p * sizeof *x);
    if (!xbuf || !names || !x) {
        ex = cli_fail(ctx, AQ_ENOMEM);
        goto done;
    }
    names[0] = "intercept";
    size_t j = 0;
    for (char *s = xbuf, *tok; (tok = strsep(&s, ","));) {
        if (!*tok) {
            ex = sp_input_error("regress: --x '%s' has an empty column name", xcols);
            goto done;
        }
        for (size_t q = 0; q < j; q++)
            if (strcmp(names[q + 1], tok) == 0) {
                ex = sp_input_error("regress: --x names column '%s' twice", tok);
                goto done;
            }
        const double *v;
        if (sp_column(ctx, t, tok, &v)) {
            ex = AQ_EXIT_INPUT;
            goto done;
        }
        memcpy(x + j * n, v, n * sizeof *x);
        names[++j] = tok;
    }
    const double *y;
    if (sp_column(ctx, t, ycol, &y)) {
        ex = AQ_EXIT_INPUT;
        goto done;
    }
    /* a missing value is named here, with its column and line, rather than
     * by the library's variable number */
    for (size_t q = 0; q <= p; q++) {
        const double *v = q ? x + (q - 1) * n : y;
        for (size_t i = 0; i < n; i++)
            if (!isfinite(v[i])) {
                const char *src = aq_table_source(t);
                ex = sp_input_error("%s%s%zu: column '%s' has no number; regression needs a "
                                    "value for every unit",
                                    src ? src : "", src ? " line " : "row ",
                                    src ? aq_table_source_line(t, i) : i + 1,
                                    q ? names[q] : ycol);
                goto done;
            }
    }
    if (o.weights && (ex = sp_weights(ctx, &o, t, AQ_WSTYLE_W, &w)))
        goto done;
    if ((rc = aq_regress(ctx, m, me, y, x, n, p, w, &ro, &r))) {
        ex = cli_fail(ctx, rc);
        goto done;
    }
    FILE *f = sp_open_output(ctx, o.output, &ex);
    if (!f)
        goto done;
    const char *mname = m == AQ_REG_OLS ? "ols" : m == AQ_REG_LAG ? "lag" : "error";
    const char *meth = m == AQ_REG_OLS ? "ols" : me == AQ_REG_GM ? "gm" : "ml";
    if (strcmp(fmt, "json") == 0)
        print_json(f, r, names, mname, meth, o.weights);
    else if (strcmp(fmt, "csv") == 0)
        print_csv(f, r, names);
    else
        print_table(f, r, names, ycol, mname, meth, o.weights);
    if (f != stdout && fclose(f) != 0) {
        ex = sp_input_error("cannot write '%s'", o.output);
    }
done:
    aq_reg_result_free(r);
    free(x);
    free(names);
    free(xbuf);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return ex;
}
