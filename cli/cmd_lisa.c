/*
 * cmd_lisa.c -- the local statistics: `aimaq lisa` (local Moran, or local
 * Geary with --stat geary) and `aimaq local-g` (Getis-Ord Gi, Gi* with
 * --star). One row per unit as a table, CSV, JSON, or GeoJSON/GeoPackage
 * carrying the input's geometries for a map.
 */
#include "spatial_common.h"

#include <math.h>
#include <string.h>

static int run_lisa(int argc, char **argv);
static int run_local_g(int argc, char **argv);

#define LOCAL_DETAILS                                                                            \
    "Inference by conditional permutation, drawn independently for every unit from\n"          \
    "its own random stream (seed, unit): the same seed gives the same result for any\n"        \
    "number of threads. p_sim is the folded pseudo p value (esda); cluster is the\n"           \
    "label when p_sim <= the cut-off (--alpha, or alpha/n with --adjust bonferroni,\n"          \
    "or the Benjamini-Hochberg cut-off with --adjust fdr), else 'ns'; units without\n"         \
    "neighbours are 'island' with no p value. --format geojson or gpkg (or an\n"              \
    "--output ending so) writes the input's geometries with the results.\n\n"

const cli_command cmd_lisa = {
    "lisa", "local Moran's I (LISA) or local Geary per unit, with clusters",
    "aimaq lisa INPUT --value COL --weights SPEC [--id COL] [--stat moran|geary]",
    LOCAL_DETAILS
    "Columns (moran): id, value, lag, Ii, EIi, VIi, z, z_sim, p_sim, quadrant, cluster;\n"
    "Ii = (n-1) z_i lag(z)_i / sum z^2 (esda; spdep divides by n, not n-1); EIi and\n"
    "VIi are esda's EIc and VIc; quadrant 1 High-High, 2 Low-High, 3 Low-Low,\n"
    "4 High-Low. Columns (geary): id, value, lag, ci, z_sim, p_sim, cluster\n"
    "(positive = similar to neighbours, negative = dissimilar).\n\n"
    "examples:\n"
    "  aimaq lisa columbus.shp --value CRIME --weights queen --output lisa.geojson\n"
    "  aimaq lisa points.csv --x x --y y --value income --weights knn:8 --format csv",
    run_lisa};

const cli_command cmd_local_g = {
    "local-g", "local Getis-Ord Gi or Gi* per unit (hot and cold spots)",
    "aimaq local-g INPUT --value COL --weights SPEC [--id COL] [--star]",
    LOCAL_DETAILS
    "Columns: id, value, lag, Gi, EGi, VGi, z (Ord and Getis 1995, esda Zs), z_sim,\n"
    "p_sim, cluster (hot, cold, ns). Binary weights unless --style says otherwise.\n\n"
    "example:\n  aimaq local-g settlements.gpkg --value pop --weights band:30 --star",
    run_local_g};

enum lkind { L_MORAN, L_GEARY, L_G };

/* Adds a number column filled from V (NaN = missing). */
static int add_numbers(aq_ctx *ctx, aq_table *out, const char *name, const double *v, size_t n)
{
    size_t c;
    int rc = aq_table_add_column(ctx, out, name, AQ_COL_NUMBER, &c);
    for (size_t i = 0; rc == AQ_OK && i < n; i++)
        rc = aq_table_set_number(ctx, out, c, i, v[i]);
    return rc;
}

static int result_table(aq_ctx *ctx, const aq_table *t, const sp_opts *o, const aq_local *r,
                        enum lkind kind, aq_table **out)
{
    size_t n = r->n, cid, cq = 0, ccl;
    aq_table *res = NULL;
    int rc = aq_table_new(ctx, n, &res);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, res, "id", AQ_COL_TEXT, &cid);
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        char buf[256];
        rc = aq_table_set_text(ctx, res, cid, i, sp_id(t, o, i, buf, sizeof buf));
    }
    if (rc == AQ_OK)
        rc = add_numbers(ctx, res, "value", r->value, n);
    if (rc == AQ_OK)
        rc = add_numbers(ctx, res, "lag", r->lag, n);
    const char *names[3][3] = {{"Ii", "EIi", "VIi"}, {"ci", NULL, NULL}, {"Gi", "EGi", "VGi"}};
    const char *const *nm = names[kind];
    if (kind == L_G && r->kind == AQ_LOCAL_GSTAR) {
        static const char *const star[3] = {"Gi_star", "EGi_star", "VGi_star"};
        nm = star;
    }
    if (rc == AQ_OK)
        rc = add_numbers(ctx, res, nm[0], r->stat, n);
    if (rc == AQ_OK && nm[1])
        rc = add_numbers(ctx, res, nm[1], r->expect, n);
    if (rc == AQ_OK && nm[2])
        rc = add_numbers(ctx, res, nm[2], r->var, n);
    if (rc == AQ_OK && kind != L_GEARY)
        rc = add_numbers(ctx, res, "z", r->z, n);
    if (rc == AQ_OK)
        rc = add_numbers(ctx, res, "z_sim", r->z_sim, n);
    if (rc == AQ_OK)
        rc = add_numbers(ctx, res, "p_sim", r->p_sim, n);
    if (rc == AQ_OK && kind == L_MORAN)
        rc = aq_table_add_column(ctx, res, "quadrant", AQ_COL_NUMBER, &cq);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, res, "cluster", AQ_COL_TEXT, &ccl);
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        if (kind == L_MORAN)
            rc = aq_table_set_number(ctx, res, cq, i, r->quadrant[i] ? r->quadrant[i] : NAN);
        if (rc == AQ_OK)
            rc = aq_table_set_text(ctx, res, ccl, i, aq_local_cluster(r, i));
    }
    /* geometries ride along for GeoJSON and GeoPackage */
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        size_t len;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        if (g)
            rc = aq_table_set_geometry(ctx, res, i, g, len, aq_table_crs(t));
    }
    if (rc) {
        aq_table_free(res);
        return rc;
    }
    *out = res;
    return AQ_OK;
}

static int run_local(const cli_command *cmd, int is_g, int argc, char **argv)
{
    sp_opts o;
    sp_opts_init(&o);
    const char *value = NULL, *stat = NULL, *adjust = NULL;
    double alpha = 0.05;
    int star = 0;
    cli_option opts[40] = {
        {"value", CLI_STRING, &value, "COL", "the variable"},
        {"alpha", CLI_DOUBLE, &alpha, "A", "significance level of the clusters (default 0.05)"},
        {"adjust", CLI_STRING, &adjust, "M", "none, bonferroni or fdr (multiple testing)"},
        SP_PERM_OPTIONS(o),
        SP_OPTIONS(o),
    };
    size_t nopt = 0;
    while (opts[nopt].name)
        nopt++;
    if (is_g)
        opts[nopt++] = (cli_option){"star", CLI_FLAG, &star, NULL,
                                    "Gi*: include each unit in its own sum"};
    else
        opts[nopt++] = (cli_option){"stat", CLI_STRING, &stat, "S", "moran (default) or geary"};
    int npos, rc = cli_parse(cmd, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("%s: give one INPUT file (or none to read the store)", cmd->name);
    if (!value)
        return cli_usage_error("%s: give --value COL", cmd->name);
    enum lkind kind = is_g ? L_G : L_MORAN;
    if (stat && strcmp(stat, "geary") == 0)
        kind = L_GEARY;
    else if (stat && strcmp(stat, "moran") != 0)
        return cli_usage_error("lisa: --stat must be moran or geary, not '%s'", stat);
    aq_local_opts lo;
    aq_local_opts_init(&lo);
    lo.permutations = o.permutations;
    lo.seed = (uint64_t)o.seed;
    lo.alpha = alpha;
    if (adjust && strcmp(adjust, "bonferroni") == 0)
        lo.adjust = AQ_ADJUST_BONFERRONI;
    else if (adjust && strcmp(adjust, "fdr") == 0)
        lo.adjust = AQ_ADJUST_FDR;
    else if (adjust && strcmp(adjust, "none") != 0)
        return cli_usage_error("--adjust must be none, bonferroni or fdr, not '%s'", adjust);
    enum aq_format fmt = AQ_FMT_AUTO;
    if (o.format && cli_format(o.format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *res = NULL;
    aq_weights *w = NULL;
    aq_local *r = NULL;
    const double *y = NULL;
    int ex = 0;
    if ((ex = sp_load(ctx, &o, npos ? argv[0] : NULL, &t)))
        goto done;
    if (sp_column(ctx, t, value, &y)) {
        ex = AQ_EXIT_INPUT;
        goto done;
    }
    if ((ex = sp_weights(ctx, &o, t, is_g ? AQ_WSTYLE_B : AQ_WSTYLE_W, &w)))
        goto done;
    size_t n = aq_table_nrows(t);
    rc = kind == L_G       ? aq_local_g(ctx, w, y, n, star, &lo, &r)
         : kind == L_GEARY ? aq_local_geary(ctx, w, y, n, &lo, &r)
                           : aq_local_moran(ctx, w, y, n, &lo, &r);
    if (rc == AQ_OK)
        rc = result_table(ctx, t, &o, r, kind, &res);
    if (rc == AQ_OK)
        rc = cli_write(ctx, res, fmt, o.output);
    if (rc)
        ex = cli_fail(ctx, rc);
done:
    aq_local_free(r);
    aq_table_free(res);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return ex;
}

static int run_lisa(int argc, char **argv) { return run_local(&cmd_lisa, 0, argc, argv); }
static int run_local_g(int argc, char **argv) { return run_local(&cmd_local_g, 1, argc, argv); }
