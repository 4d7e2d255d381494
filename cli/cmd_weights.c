/*
 * cmd_weights.c -- `aimaq weights`: builds spatial weights from a file or
 * the store, prints their summary (JSON), writes them as GAL or GWT, and
 * computes spatial lags.
 */
#include "spatial_common.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_weights = {
    "weights", "spatial weights: build, summarise, write GAL/GWT, spatial lag",
    "aimaq weights INPUT --weights SPEC [--id COL] [--output FILE.gal|FILE.gwt] [--lag COL]",
    "SPEC: " SP_WEIGHTS_HELP ".\n"
    "Distances are great-circle km when the CRS is geographic (or --metric sphere,\n"
    "or --x lon...), planar in CRS units otherwise. Polygons give their centroids\n"
    "to distance weights. The summary (JSON) has n, links, islands (and their ids),\n"
    "min/mean/max neighbours, pct_nonzero, components, symmetric, s0, s1, s2.\n"
    "--output FILE.gal or FILE.gwt writes the weights keyed by --id (GeoDa's\n"
    "header '0 n aimaq ID'); --lag COL prints id, value, lag instead.\n\n"
    "examples:\n"
    "  aimaq weights columbus.shp --weights queen --id POLYID --output columbus.gal\n"
    "  aimaq weights points.csv --x x --y y --weights knn:8\n"
    "  aimaq weights regions.gpkg --weights rook --order 2 --lag grp",
    run};

static int is_weights_file(const char *p)
{
    size_t l = p ? strlen(p) : 0;
    return l > 4 && (strcmp(p + l - 4, ".gal") == 0 || strcmp(p + l - 4, ".gwt") == 0);
}

static int lag_table(aq_ctx *ctx, const aq_table *t, const sp_opts *o, const aq_weights *w,
                     const double *y, aq_table **out)
{
    size_t n = aq_table_nrows(t), cid, cv, cl;
    double *lag = malloc((n ? n : 1) * sizeof *lag);
    if (!lag)
        return AQ_ENOMEM;
    aq_weights_lag(w, y, lag);
    aq_table *r = NULL;
    int rc = aq_table_new(ctx, n, &r);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, r, "id", AQ_COL_TEXT, &cid);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, r, "value", AQ_COL_NUMBER, &cv);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, r, "lag", AQ_COL_NUMBER, &cl);
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        char buf[256];
        size_t len;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        rc = aq_table_set_text(ctx, r, cid, i, sp_id(t, o, i, buf, sizeof buf));
        if (rc == AQ_OK)
            rc = aq_table_set_number(ctx, r, cv, i, y[i]);
        if (rc == AQ_OK)
            rc = aq_table_set_number(ctx, r, cl, i, aq_weights_n(w) ? lag[i] : 0);
        if (rc == AQ_OK && g)
            rc = aq_table_set_geometry(ctx, r, i, g, len, aq_table_crs(t));
    }
    free(lag);
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

static int run(int argc, char **argv)
{
    sp_opts o;
    sp_opts_init(&o);
    const char *lagcol = NULL;
    cli_option opts[32] = {
        {"lag", CLI_STRING, &lagcol, "COL", "print the spatial lag of COL instead of the summary"},
        SP_OPTIONS(o),
    };
    int npos, rc = cli_parse(&cmd_weights, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("weights: give one INPUT file (or none to read the store)");
    enum aq_format fmt = AQ_FMT_AUTO;
    if (o.format && cli_format(o.format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *res = NULL;
    aq_weights *w = NULL;
    int ex = 0;
    if ((ex = sp_load(ctx, &o, npos ? argv[0] : NULL, &t)))
        goto done;
    if ((ex = sp_weights(ctx, &o, t, AQ_WSTYLE_W, &w)))
        goto done;
    if (lagcol) {
        const double *y;
        if (sp_column(ctx, t, lagcol, &y)) {
            ex = AQ_EXIT_INPUT;
            goto done;
        }
        rc = lag_table(ctx, t, &o, w, y, &res);
        if (rc == AQ_OK)
            rc = cli_write(ctx, res, fmt, is_weights_file(o.output) ? NULL : o.output);
        if (rc) {
            ex = cli_fail(ctx, rc);
            goto done;
        }
    }
    if (is_weights_file(o.output) && (rc = aq_weights_write(ctx, w, o.output, o.id))) {
        ex = cli_fail(ctx, rc);
        goto done;
    }
    if (!lagcol) {
        aq_weights_info s;
        if ((rc = aq_weights_summary(ctx, w, &s))) {
            ex = cli_fail(ctx, rc);
            goto done;
        }
        FILE *f = is_weights_file(o.output) ? stdout : sp_open_output(ctx, o.output, &ex);
        if (!f)
            goto done;
        sp_json j;
        sp_json_begin(&j, f);
        sp_json_str(&j, "weights", o.weights ? o.weights : "");
        char style[2] = {(char)aq_weights_style(w), 0};
        sp_json_str(&j, "style", style);
        sp_json_num(&j, "n", (double)s.n);
        sp_json_num(&j, "links", (double)s.links);
        sp_json_num(&j, "islands", (double)s.islands);
        sp_json_num(&j, "min_neighbors", (double)s.min_neighbors);
        sp_json_num(&j, "mean_neighbors", s.mean_neighbors);
        sp_json_num(&j, "max_neighbors", (double)s.max_neighbors);
        sp_json_num(&j, "pct_nonzero", s.pct_nonzero);
        sp_json_num(&j, "components", (double)s.components);
        sp_json_num(&j, "symmetric", s.symmetric);
        sp_json_num(&j, "s0", s.s0);
        sp_json_num(&j, "s1", s.s1);
        sp_json_num(&j, "s2", s.s2);
        if (s.islands) {
            fputs(",\n  \"island_ids\": [", f);
            for (size_t k = 0; k < s.islands && k < 100; k++) {
                char buf[256];
                fprintf(f, "%s\"%s\"", k ? ", " : "",
                        sp_id(t, &o, aq_weights_island(w, k), buf, sizeof buf));
            }
            fputs(s.islands > 100 ? ", \"...\"]" : "]", f);
        }
        sp_json_end(&j);
        if (f != stdout)
            fclose(f);
    }
done:
    aq_table_free(res);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return ex;
}
