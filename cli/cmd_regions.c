/*
 * cmd_regions.c -- `aimaq regions`: contiguous homogeneous regions by
 * SKATER, spatially constrained hierarchical clustering or REDCAP.
 *
 * The summary (sums of squares and their ratio, region sizes, floor totals,
 * compactness, islands) goes to standard output as a table or JSON; the
 * units with their region number go to --output as CSV, GeoJSON or
 * GeoPackage (geometries kept). Regions are numbered from 1, largest first.
 */
#include "aimaq_regions.h"
#include "spatial_common.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int run_regions(int argc, char **argv);

const cli_command cmd_regions = {
    "regions", "contiguous homogeneous regions: SKATER, SCHC, REDCAP, max-p, AZP",
    "aimaq regions INPUT --vars A,B,C --weights queen|rook|SPEC --k N\n"
    "       [--method skater|schc|redcap|maxp|azp] [--seed S] [--iterations N] [--linkage ward|average|complete|single]\n"
    "       [--floor COL:MIN] [--standardize z|none] [--id COL] [--output FILE]",
    "Groups the units into N regions, each contiguous under the weights, that are\n"
    "as alike inside as possible: the within-region sum of squared deviations of\n"
    "the (standardised) variables is what every method lowers.\n"
    "  skater  minimum spanning tree of the contiguity graph, cut N-1 times at the\n"
    "          edge that lowers the within sum of squares most (Assuncao et al. 2006)\n"
    "  schc    agglomerates contiguous clusters, closest first, until N remain\n"
    "          (--linkage, default ward)\n"
    "  redcap  the spanning tree of that agglomeration, cut as skater does (Guo\n"
    "          2008; --linkage, default average)\n"
    "  maxp    as many regions as --floor allows (Duque et al. 2012): the best of\n"
    "          --iterations seeded constructions, then AZP's local search; no --k\n"
    "  azp     N regions grown from --seed's random seeds, then units move to the\n"
    "          neighbouring region while the within SS falls (greedy AZP)\n"
    "--floor COL:MIN (skater, redcap, maxp): every region's total of COL reaches MIN,\n"
    "e.g. --floor pop:50000. --standardize z (default) uses z-scores with the n-1\n"
    "standard deviation, as GeoDa and rgeoda do. Units without neighbours\n"
    "(islands) become regions of their own and are listed; N below the number of\n"
    "separate parts of the graph is an error.\n"
    "The summary reports total, within and between sums of squares, ratio =\n"
    "between / total (rgeoda's), and per region: size, within SS, floor total,\n"
    "join ratio (links inside / links of its units) and diameter (steps).\n"
    "--output FILE.csv|.geojson|.gpkg writes the units with their region; the\n"
    "summary still goes to standard output. --format json prints the summary\n"
    "with every unit's region. Formulas and rgeoda/spdep settings: docs/regions.md.\n\n"
    "examples:\n"
    "  aimaq regions guerry.gpkg --vars Crime_pers,Crime_prop,Literacy --weights queen --k 5\n"
    "  aimaq regions districts.gpkg --vars grp,wage --weights queen --k 8 \\\n"
    "      --floor pop:500000 --output regions.geojson",
    run_regions};

/* Splits a comma-separated list into *out (malloc'd array of pointers into
 * a malloc'd copy); returns the count, 0 on an empty item. */
static size_t split_list(const char *s, char **copy, char ***out)
{
    *copy = strdup(s);
    size_t cap = 1;
    for (const char *q = s; *q; q++)
        cap += *q == ',';
    char **v = calloc(cap, sizeof *v);
    if (!*copy || !v) {
        free(*copy);
        free(v);
        *copy = NULL;
        return 0;
    }
    size_t k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(*copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
        v[k++] = tok;
    *out = v;
    return k;
}

static int is_ext(const char *path, const char *ext)
{
    size_t a = path ? strlen(path) : 0, b = strlen(ext);
    return a > b && strcasecmp(path + a - b, ext) == 0;
}

static void print_summary(FILE *f, const aq_regions_result *r, const char *method,
                          const char *linkage, const char *floor_col, double floor_min,
                          const char *const *island_ids)
{
    fprintf(f, "method: %s%s%s\n", method, linkage ? ", linkage " : "", linkage ? linkage : "");
    if (r->k_requested)
        fprintf(f, "units: %zu, variables: %zu, regions: %zu of %zu asked\n", r->n, r->p, r->k,
                r->k_requested);
    else
        fprintf(f, "units: %zu, variables: %zu, regions: %zu\n", r->n, r->p, r->k);
    fprintf(f, "total SS: %.10g, within SS: %.10g, between SS: %.10g\n", r->total_ss,
            r->within_ss, r->between_ss);
    fprintf(f, "between / total: %.10f\n", r->ratio);
    fprintf(f, "graph: %zu connected part%s, %zu island%s", r->components,
            r->components == 1 ? "" : "s", r->islands, r->islands == 1 ? "" : "s");
    if (r->islands) {
        fprintf(f, " (each a region of its own:");
        for (size_t i = 0; i < r->islands && i < 20; i++)
            fprintf(f, " %s", island_ids[i]);
        fprintf(f, r->islands > 20 ? " ...)" : ")");
    }
    fprintf(f, "\n");
    if (floor_col)
        fprintf(f, "floor: %s >= %.10g%s\n", floor_col, floor_min,
                r->floor_limited ? " (no further cut kept both sides above it)" : "");
    fprintf(f, "\n%-7s %7s %14s", "region", "units", "within_ss");
    if (floor_col)
        fprintf(f, " %14s", "floor_total");
    fprintf(f, " %10s %8s\n", "join_ratio", "diameter");
    for (size_t c = 0; c < r->k; c++) {
        fprintf(f, "%-7zu %7zu %14.6f", c + 1, r->size[c], r->within[c]);
        if (floor_col)
            fprintf(f, " %14.6g", r->floor_total[c]);
        fprintf(f, " %10.6f %8zu\n", r->join_ratio[c], r->diameter[c]);
    }
}

static void print_json(FILE *f, const aq_regions_result *r, const char *method,
                       const char *linkage, const char *vars, const char *standardize,
                       const char *floor_col, double floor_min, const aq_table *t,
                       const sp_opts *o, int seeded)
{
    sp_json j;
    char buf[256];
    sp_json_begin(&j, f);
    sp_json_str(&j, "method", method);
    if (linkage)
        sp_json_str(&j, "linkage", linkage);
    sp_json_str(&j, "variables", vars);
    sp_json_str(&j, "standardize", standardize);
    sp_json_str(&j, "weights", o->weights);
    if (seeded)
        sp_json_num(&j, "seed", (double)o->seed);
    sp_json_num(&j, "n", (double)r->n);
    sp_json_num(&j, "k_requested", (double)r->k_requested);
    sp_json_num(&j, "k", (double)r->k);
    sp_json_num(&j, "total_ss", r->total_ss);
    sp_json_num(&j, "within_ss", r->within_ss);
    sp_json_num(&j, "between_ss", r->between_ss);
    sp_json_num(&j, "ratio", r->ratio);
    sp_json_num(&j, "components", (double)r->components);
    if (floor_col) {
        sp_json_str(&j, "floor_column", floor_col);
        sp_json_num(&j, "floor_min", floor_min);
        fprintf(f, ",\n  \"floor_limited\": %s", r->floor_limited ? "true" : "false");
    }
    fprintf(f, ",\n  \"islands\": [");
    for (size_t i = 0; i < r->islands; i++) {
        fprintf(f, "%s\"", i ? ", " : "");
        for (const char *s = sp_id(t, o, r->island[i], buf, sizeof buf); *s; s++)
            fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
        fprintf(f, "\"");
    }
    fprintf(f, "],\n  \"regions\": [");
    for (size_t c = 0; c < r->k; c++) {
        fprintf(f, "%s\n    {\"region\": %zu, \"size\": %zu, \"within_ss\": %.17g", c ? "," : "",
                c + 1, r->size[c], r->within[c]);
        if (r->floor_total)
            fprintf(f, ", \"floor_total\": %.17g", r->floor_total[c]);
        if (isnan(r->join_ratio[c]))
            fprintf(f, ", \"join_ratio\": null");
        else
            fprintf(f, ", \"join_ratio\": %.17g", r->join_ratio[c]);
        fprintf(f, ", \"diameter\": %zu}", r->diameter[c]);
    }
    fprintf(f, "\n  ],\n  \"units\": [");
    for (size_t i = 0; i < r->n; i++) {
        fprintf(f, "%s{\"id\": \"", i ? ", " : "");
        for (const char *s = sp_id(t, o, i, buf, sizeof buf); *s; s++)
            fprintf(f, *s == '"' || *s == '\\' ? "\\%c" : "%c", *s);
        fprintf(f, "\", \"region\": %u}", r->region[i] + 1);
    }
    fprintf(f, "]");
    j.count++;
    sp_json_end(&j);
}

static int unit_table(aq_ctx *ctx, const aq_table *t, const sp_opts *o,
                      const aq_regions_result *r, aq_table **out)
{
    size_t n = r->n, cid, creg;
    aq_table *res = NULL;
    int rc = aq_table_new(ctx, n, &res);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, res, "id", AQ_COL_TEXT, &cid);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, res, "region", AQ_COL_NUMBER, &creg);
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        char buf[256];
        rc = aq_table_set_text(ctx, res, cid, i, sp_id(t, o, i, buf, sizeof buf));
        if (rc == AQ_OK)
            rc = aq_table_set_number(ctx, res, creg, i, r->region[i] + 1.0);
        size_t len;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        if (rc == AQ_OK && g)
            rc = aq_table_set_geometry(ctx, res, i, g, len, aq_table_crs(t));
    }
    if (rc) {
        aq_table_free(res);
        return rc;
    }
    *out = res;
    return AQ_OK;
}

static int run_regions(int argc, char **argv)
{
    sp_opts o;
    sp_opts_init(&o);
    const char *vars = NULL, *method_s = "skater", *linkage_s = NULL, *floor_s = NULL;
    const char *standardize = "z";
    long k = 0, iterations = 99;
    cli_option opts[40] = {
        {"vars", CLI_STRING, &vars, "A,B,C", "the variables regions should be alike in"},
        {"method", CLI_STRING, &method_s, "M", "skater (default), schc, redcap, maxp or azp"},
        {"k", CLI_INT, &k, "N", "number of regions"},
        {"linkage", CLI_STRING, &linkage_s, "L",
         "schc, redcap: ward, average, complete or single (defaults ward, average)"},
        {"floor", CLI_STRING, &floor_s, "COL:MIN", "every region's total of COL reaches MIN"},
        {"standardize", CLI_STRING, &standardize, "S", "z (z-scores, default) or none"},
        {"seed", CLI_INT, &o.seed, "S", "maxp, azp: seed of the random starts (default 12345)"},
        {"iterations", CLI_INT, &iterations, "N", "maxp: constructions tried (default 99)"},
        SP_OPTIONS(o),
    };
    int npos, rc = cli_parse(&cmd_regions, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("regions: give one INPUT file (or none to read the store)");
    if (!vars || !*vars)
        return cli_usage_error("regions: give --vars A,B,C (the variables)");
    int method = aq_regions_method_parse(method_s);
    if (!method)
        return cli_usage_error(
            "regions: --method must be skater, schc, redcap, maxp or azp, not '%s'", method_s);
    if (method == AQ_REGIONS_MAXP && k)
        return cli_usage_error("regions: maxp finds the number of regions itself: drop --k");
    if (method == AQ_REGIONS_MAXP && !floor_s)
        return cli_usage_error("regions: maxp needs --floor COL:MIN");
    if (method == AQ_REGIONS_AZP && floor_s)
        return cli_usage_error("regions: azp takes no --floor; use maxp, skater or redcap");
    if (method != AQ_REGIONS_MAXP && k < 1)
        return cli_usage_error("regions: give --k N, the number of regions (1 or more)");
    if (iterations < 1)
        return cli_usage_error("regions: --iterations must be 1 or more");
    if ((method == AQ_REGIONS_SKATER || method >= AQ_REGIONS_MAXP) && linkage_s)
        return cli_usage_error("regions: %s takes no --linkage; use --method schc or redcap",
                               method_s);
    if (!linkage_s)
        linkage_s = method == AQ_REGIONS_SCHC ? "ward" : "average";
    int linkage = aq_linkage_parse(linkage_s);
    if (!linkage)
        return cli_usage_error(
            "regions: --linkage must be ward, average, complete or single, not '%s'", linkage_s);
    if (strcmp(standardize, "z") && strcmp(standardize, "none"))
        return cli_usage_error("regions: --standardize must be z or none, not '%s'",
                               standardize);
    char *floor_col = NULL;
    double floor_min = 0;
    if (floor_s) {
        const char *colon = strrchr(floor_s, ':');
        char *end = NULL;
        if (colon) {
            errno = 0;
            floor_min = strtod(colon + 1, &end);
        }
        if (!colon || colon == floor_s || !end || end == colon + 1 || *end || errno ||
            !isfinite(floor_min))
            return cli_usage_error("regions: --floor must be COL:MIN (e.g. pop:50000), not '%s'",
                                   floor_s);
        if (method == AQ_REGIONS_SCHC)
            return cli_usage_error("regions: schc takes no --floor; use --method skater or "
                                   "redcap");
        floor_col = strndup(floor_s, (size_t)(colon - floor_s));
    }
    enum aq_format fmt = AQ_FMT_AUTO;
    if (o.format && cli_format(o.format, &fmt)) {
        free(floor_col);
        return AQ_EXIT_USAGE;
    }
    int units_out = fmt == AQ_FMT_CSV || fmt == AQ_FMT_GEOJSON || fmt == AQ_FMT_GPKG ||
                    fmt == AQ_FMT_XLSX ||
                    (fmt == AQ_FMT_AUTO && (is_ext(o.output, ".csv") || is_ext(o.output, ".geojson") ||
                                            is_ext(o.output, ".gpkg") || is_ext(o.output, ".xlsx")));
    int json = fmt == AQ_FMT_JSON || (fmt == AQ_FMT_AUTO && is_ext(o.output, ".json"));

    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *res = NULL;
    aq_weights *w = NULL;
    aq_regions_result *r = NULL;
    char *vcopy = NULL, **vname = NULL;
    double *x = NULL;
    const double *floor_v = NULL;
    const char **island_ids = NULL;
    char (*island_buf)[64] = NULL;
    FILE *f = NULL;
    int ex = 0;
    size_t p = split_list(vars, &vcopy, &vname);
    if (!p) {
        ex = cli_usage_error("regions: --vars '%s' names no column", vars);
        goto done;
    }
    if ((ex = sp_load(ctx, &o, npos ? argv[0] : NULL, &t)))
        goto done;
    size_t n = aq_table_nrows(t);
    if ((size_t)k > n) {
        ex = sp_input_error("--k %ld is more than the %zu units", k, n);
        goto done;
    }
    x = malloc((n ? n : 1) * p * sizeof *x);
    if (!x) {
        ex = sp_input_error("out of memory for %zu x %zu values", n, p);
        goto done;
    }
    for (size_t v = 0; v < p; v++) {
        const double *col;
        if (sp_column(ctx, t, vname[v], &col)) {
            ex = AQ_EXIT_INPUT;
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(col[i])) {
                char buf[256];
                ex = sp_input_error("unit %s (row %zu): column '%s' has no value; regions "
                                    "need every variable of every unit",
                                    sp_id(t, &o, i, buf, sizeof buf), i + 1, vname[v]);
                goto done;
            }
            x[i * p + v] = col[i];
        }
    }
    if (floor_col) {
        if (sp_column(ctx, t, floor_col, &floor_v)) {
            ex = AQ_EXIT_INPUT;
            goto done;
        }
        for (size_t i = 0; i < n; i++)
            if (!isfinite(floor_v[i])) {
                char buf[256];
                ex = sp_input_error("unit %s (row %zu): the floor column '%s' has no value",
                                    sp_id(t, &o, i, buf, sizeof buf), i + 1, floor_col);
                goto done;
            }
    }
    if (!strcmp(standardize, "z") && n >= 2 && (rc = aq_regions_standardize(ctx, x, n, p))) {
        /* name the column rather than its number */
        for (size_t v = 0; v < p; v++) {
            double lo = x[v], hi = x[v];
            for (size_t i = 1; i < n; i++) {
                lo = fmin(lo, x[i * p + v]);
                hi = fmax(hi, x[i * p + v]);
            }
            if (lo == hi) {
                ex = sp_input_error("column '%s' has the same value for every unit: it cannot "
                                    "tell regions apart (drop it)",
                                    vname[v]);
                goto done;
            }
        }
        ex = cli_fail(ctx, rc);
        goto done;
    }
    if ((ex = sp_weights(ctx, &o, t, AQ_WSTYLE_B, &w)))
        goto done;
    aq_regions_opts ro = {method, linkage, (size_t)k, floor_v, floor_min, (uint64_t)o.seed,
                          (size_t)iterations};
    if ((rc = aq_regions(ctx, x, n, p, w, &ro, &r))) {
        ex = cli_fail(ctx, rc);
        goto done;
    }
    if (r->floor_limited)
        fprintf(stderr,
                "aimaq: warning: only %zu regions of the %zu asked for: no further cut keeps "
                "both sides at %s >= %g\n",
                r->k, r->k_requested, floor_col, floor_min);
    island_ids = calloc(r->islands + 1, sizeof *island_ids);
    island_buf = calloc(r->islands + 1, sizeof *island_buf);
    if (!island_ids || !island_buf) {
        ex = sp_input_error("out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->islands; i++)
        island_ids[i] = sp_id(t, &o, r->island[i], island_buf[i], sizeof island_buf[i]);
    const char *link_name =
        method == AQ_REGIONS_SCHC || method == AQ_REGIONS_REDCAP ? linkage_s : NULL;
    if (units_out) {
        if ((rc = unit_table(ctx, t, &o, r, &res)) ||
            (rc = cli_write(ctx, res, fmt == AQ_FMT_AUTO ? AQ_FMT_AUTO : fmt, o.output))) {
            ex = cli_fail(ctx, rc);
            goto done;
        }
        if (o.output && strcmp(o.output, "-"))
            print_summary(stdout, r, method_s, link_name, floor_col, floor_min, island_ids);
        goto done;
    }
    f = sp_open_output(ctx, o.output, &ex);
    if (!f)
        goto done;
    if (json)
        print_json(f, r, method_s, link_name, vars, standardize, floor_col, floor_min, t, &o,
                   method >= AQ_REGIONS_MAXP);
    else
        print_summary(f, r, method_s, link_name, floor_col, floor_min, island_ids);
    if (f != stdout && fclose(f)) {
        ex = sp_input_error("cannot write '%s': %s", o.output, strerror(errno));
    }
done:
    free(island_ids);
    free(island_buf);
    free(floor_col);
    free(vcopy);
    free(vname);
    free(x);
    aq_regions_free(r);
    aq_table_free(res);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return ex;
}
