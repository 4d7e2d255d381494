/*
 * cmd_potential.c -- `aimaq potential INPUT --method FILE`: composite index,
 * rank, class and the reason per unit, the class summary (count,
 * population, share), and with --uncertainty the Monte Carlo robustness of
 * ranks and classes.
 */
#include "aimaq_index.h"
#include "cli.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

static void json_put(const json_t *j, FILE *f, size_t flags)
{
    char *text = aq_json_text(j, flags);
    if (text)
        fputs(text, f);
    aq_free(text);
}

const cli_command cmd_potential = {
    "potential", "development potential: composite index, classes and their robustness",
    "aimaq potential [INPUT] --method FILE [--uncertainty N] [--format F]",
    "Computes the methodology FILE (YAML, see docs/methodology.md) on the units of\n"
    "INPUT (or the store selection): per unit its score, pillar scores, rank, class\n"
    "and the reason (the rule that matched with the values it tested, and the\n"
    "indicators that pulled the score up and down most); then per class the number\n"
    "of units, their population and its share.\n\n"
    "--uncertainty N runs the methodology N times over the alternatives its\n"
    "'uncertainty' section declares: per unit the median rank, the 5-95 % rank\n"
    "interval and the probability of each class; --sobol adds first-order and total\n"
    "Sobol indices of each choice. --weight-draws FILE uses the rows of FILE (one\n"
    "column per indicator) as the weights of each run instead.\n\n"
    "Indicators of the methodology that the data lacks are an error listing all of\n"
    "them; --allow-missing computes on the ones present instead (weights\n"
    "renormalised within each pillar, pillars left empty dropped) and reports what\n"
    "was left out: a header block (table), missing_indicators and weights (json),\n"
    "a warning on standard error, and a note in every reason.\n\n"
    "--support-satellite picks support settlements by the methodology's 'support'\n"
    "condition and attaches every other one to the nearest support within max_km\n"
    "(straight line) or, with --travel-times FILE (origin, destination, minutes: the\n"
    "output of aimaq access --od), within max_minutes or --max-minutes.\n\n"
    "Output: table (default) prints both tables; csv prints the units (or with\n"
    "--summary the classes); json prints {\"method\", \"units\", \"classes\"}.\n\n"
    "examples:\n"
    "  aimaq potential units.csv --method methods/example-pillars.yaml\n"
    "  aimaq potential units.csv --method m.yaml --uncertainty 1000 --seed 1 --sobol\n"
    "  aimaq potential examples/kz/potential/settlements.csv \\\n"
    "      --method methods/kz-snp-potential-2025.yaml --allow-missing --summary",
    run};

/* One row of T as a JSON object; the columns named in NEST go into a
 * sub-object called NESTNAME. */
static json_t *row_json(const aq_table *t, size_t i, size_t nest_from, size_t nest_to,
                        const char *nestname)
{
    json_t *o = json_object(), *sub = nestname ? json_object() : NULL;
    for (size_t c = 0; c < aq_table_ncols(t); c++) {
        json_t *v;
        if (aq_table_coltype(t, c) == AQ_COL_NUMBER) {
            double x = aq_table_numbers(t, c)[i];
            v = isnan(x)                               ? json_null()
                : x == (double)(json_int_t)x && fabs(x) < 9e15 ? json_integer((json_int_t)x)
                                                          : json_real(x);
        } else {
            const char *s = aq_table_text(t, c, i);
            v = s ? json_string(s) : json_null();
        }
        if (sub && c >= nest_from && c < nest_to)
            json_object_set_new(sub, aq_table_colname(t, c), v);
        else
            json_object_set_new(o, aq_table_colname(t, c), v);
        if (sub && c + 1 == nest_to)
            json_object_set_new(o, nestname, sub);
    }
    return o;
}

static json_t *table_json(const aq_table *t, size_t nest_from, size_t nest_to, const char *nest)
{
    json_t *a = json_array();
    for (size_t i = 0; i < aq_table_nrows(t); i++)
        json_array_append_new(a, row_json(t, i, nest_from, nest_to, nest));
    return a;
}

/* Reads the weight draws: every number column, in order, one per indicator. */
static int read_draws(aq_ctx *ctx, const char *path, size_t m, double **w, size_t *nd)
{
    aq_table *t = NULL;
    int rc = aq_table_read(ctx, path, NULL, &t);
    if (rc)
        return rc;
    size_t n = aq_table_nrows(t), nc = aq_table_ncols(t);
    if (nc != m) {
        fprintf(stderr, "aimaq: error: %s has %zu columns; the methodology has %zu indicators\n",
                path, nc, m);
        aq_table_free(t);
        return AQ_EINPUT;
    }
    *w = malloc((n ? n : 1) * m * sizeof **w);
    for (size_t j = 0; *w && j < m; j++) {
        const double *col = aq_table_numbers(t, j);
        if (!col) {
            fprintf(stderr, "aimaq: error: %s: column '%s' is not numeric\n", path,
                    aq_table_colname(t, j));
            free(*w);
            *w = NULL;
            aq_table_free(t);
            return AQ_EINPUT;
        }
        for (size_t i = 0; i < n; i++)
            (*w)[i * m + j] = col[i];
    }
    *nd = n;
    aq_table_free(t);
    return *w ? AQ_OK : AQ_ENOMEM;
}

/* Copies the input's geometries onto the result rows (same order). A
 * table of settlements without geometries but with lon and lat columns
 * (a CSV) gives points, so the GeoJSON can be mapped. */
static int copy_geometries(aq_ctx *ctx, aq_table *from, aq_table *to)
{
    size_t len0 = 0;
    bool any = false;
    for (size_t i = 0; i < aq_table_nrows(from) && !any; i++)
        any = aq_table_geometry(from, i, &len0) != NULL;
    if (!any && aq_table_find(from, "lon") >= 0 && aq_table_find(from, "lat") >= 0) {
        int rc = aq_table_points_from_lonlat(ctx, from, "lon", "lat", NULL);
        if (rc)
            return rc;
    }
    for (size_t i = 0; i < aq_table_nrows(from); i++) {
        size_t len = 0;
        const unsigned char *g = aq_table_geometry(from, i, &len);
        if (g) {
            int rc = aq_table_set_geometry(ctx, to, i, g, len, aq_table_crs(from));
            if (rc)
                return rc;
        }
    }
    return AQ_OK;
}

typedef struct popts {
    const char *method, *format, *output, *draws, *times;
    double max_minutes;
    long runs, seed, threads;
    int sobol, summary, audit, support, allow_missing;
} popts;

/* JSON array of the codes GET(m, i) gives until NULL. */
static json_t *codes_json(const aq_method *m, const char *(*get)(const aq_method *, size_t))
{
    json_t *a = json_array();
    const char *c;
    for (size_t i = 0; (c = get(m, i)) != NULL; i++)
        json_array_append_new(a, json_string(c));
    return a;
}

/* The header block of a run on part of the methodology: what is missing,
 * what happened to the weights, and that the classes rest on the rest. */
static int print_missing(aq_ctx *ctx, const aq_method *m, const aq_table *weights)
{
    size_t nm = aq_method_nmissing(m), nd = aq_method_ndeclared(m);
    if (!nm)
        return AQ_OK;
    printf("MISSING INDICATORS: %zu of the %zu indicators of the methodology are not in the "
           "data and were left out (--allow-missing):\n ", nm, nd);
    const char *c;
    for (size_t i = 0; (c = aq_method_missing(m, i)) != NULL; i++)
        printf("%s %s", i ? "," : "", c);
    printf("\n");
    if (aq_method_ndropped_pillars(m)) {
        printf("pillars dropped (no indicator left; their weight went to the pillars left, in "
               "proportion to their weights):");
        for (size_t i = 0; (c = aq_method_dropped_pillar(m, i)) != NULL; i++)
            printf("%s %s", i ? "," : "", c);
        printf("\n");
    }
    printf("weights: renormalised within each pillar over the indicators left, and over the "
           "pillars left. Scores, ranks and classes below use ONLY the %zu indicators present; "
           "they are not the methodology's classes.\n\nweights (declared = in the whole "
           "methodology, effective = in this run)\n", nd - nm);
    fflush(stdout);
    int rc = cli_write(ctx, weights, AQ_FMT_TEXT, NULL);
    printf("\n");
    fflush(stdout);
    return rc;
}

static int emit(aq_ctx *ctx, const popts *o, enum aq_format fmt, const aq_method *m,
                aq_table *units, aq_table *classes, aq_table *uunits, aq_table *usum,
                const aq_table *weights)
{
    if (fmt == AQ_FMT_JSON) {
        json_t *root = json_object(), *meth = json_object();
        json_object_set_new(meth, "name", json_string(aq_method_name(m)));
        json_object_set_new(meth, "sha256", json_string(aq_method_hash(m)));
        json_object_set_new(meth, "act", aq_method_act(m) ? json_string(aq_method_act(m)) : json_null());
        json_object_set_new(root, "method", meth);
        json_object_set_new(root, "indicators_declared", json_integer((json_int_t)aq_method_ndeclared(m)));
        json_object_set_new(root, "indicators_used", json_integer((json_int_t)aq_method_nindicators(m)));
        json_object_set_new(root, "missing_indicators", codes_json(m, aq_method_missing));
        json_object_set_new(root, "dropped_pillars", codes_json(m, aq_method_dropped_pillar));
        if (aq_method_nmissing(m)) {
            char note[256];
            snprintf(note, sizeof note, "scores, ranks and classes use only %zu of the %zu "
                     "indicators of the methodology (see missing_indicators and weights)",
                     aq_method_nindicators(m), aq_method_ndeclared(m));
            json_object_set_new(root, "caveat", json_string(note));
        }
        if (weights)
            json_object_set_new(root, "weights", table_json(weights, 0, 0, NULL));
        /* units: id, score, rank, class, pillars..., reason */
        if (o->support) /* id, class, role, support_id, distance_km */
            json_object_set_new(root, "units", table_json(units, 0, 0, NULL));
        else
            json_object_set_new(root, "units", table_json(units, 4, aq_table_ncols(units) - 1, "pillars"));
        json_object_set_new(root, o->support ? "roles" : "classes", table_json(classes, 0, 0, NULL));
        if (uunits) {
            json_t *u = json_object();
            json_object_set_new(u, "units", table_json(uunits, 0, 0, NULL));
            json_object_set_new(u, "summary", table_json(usum, 0, 0, NULL));
            json_object_set_new(root, "uncertainty", u);
        }
        FILE *f = o->output && strcmp(o->output, "-") ? fopen(o->output, "w") : stdout;
        if (!f) {
            json_decref(root);
            fprintf(stderr, "aimaq: error: cannot write '%s'\n", o->output);
            return AQ_EIO;
        }
        json_put(root, f, JSON_INDENT(1));
        fputc('\n', f);
        if (f != stdout)
            fclose(f);
        json_decref(root);
        return AQ_OK;
    }
    if (fmt == AQ_FMT_TEXT) {
        printf("methodology: %s (sha256 %.16s...)\n", aq_method_name(m), aq_method_hash(m));
        fflush(stdout);
        int rc = weights ? print_missing(ctx, m, weights) : AQ_OK;
        if (!rc && !o->summary)
            rc = cli_write(ctx, uunits ? uunits : units, fmt, o->output);
        if (!rc) {
            if (!uunits && aq_method_nmissing(m))
                printf("%sclasses (on %zu of the %zu indicators: see MISSING INDICATORS above)\n",
                       o->summary ? "" : "\n", aq_method_nindicators(m), aq_method_ndeclared(m));
            else
                printf("%s%s\n", o->summary ? "" : "\n", uunits ? "robustness" : "classes");
            fflush(stdout);
            rc = cli_write(ctx, uunits ? usum : classes, fmt, o->output);
        }
        if (!rc && uunits) {
            printf("\nclasses\n");
            fflush(stdout);
            rc = cli_write(ctx, classes, fmt, o->output);
        }
        return rc;
    }
    aq_table *out = o->summary ? (uunits ? usum : classes) : (uunits ? uunits : units);
    return cli_write(ctx, out, fmt, o->output);
}

/* --audit: per indicator and per pillar statistics. */
static int audit(aq_ctx *ctx, const popts *o, enum aq_format fmt, const aq_method *m,
                 const aq_table *t)
{
    aq_table *ti = NULL, *tp = NULL;
    int rc = aq_index_audit(ctx, m, t, &ti, &tp);
    if (!rc && fmt == AQ_FMT_JSON) {
        json_t *root = json_object(), *a = json_object();
        json_object_set_new(root, "method", json_string(aq_method_name(m)));
        json_object_set_new(a, "indicators", table_json(ti, 0, 0, NULL));
        json_object_set_new(a, "pillars", table_json(tp, 0, 0, NULL));
        json_object_set_new(root, "audit", a);
        json_put(root, stdout, JSON_INDENT(1));
        fputc('\n', stdout);
        json_decref(root);
    } else if (!rc && fmt == AQ_FMT_TEXT) {
        printf("audit of %s\nindicators\n", aq_method_name(m));
        fflush(stdout);
        rc = cli_write(ctx, ti, fmt, o->output);
        if (!rc) {
            printf("\npillars\n");
            fflush(stdout);
            rc = cli_write(ctx, tp, fmt, o->output);
        }
    } else if (!rc)
        rc = cli_write(ctx, o->summary ? tp : ti, fmt, o->output);
    aq_table_free(ti);
    aq_table_free(tp);
    return rc;
}

/* The store: select only the methodology's columns the store holds (the
 * selection refuses unknown indicators, one at a time); the rest are then
 * reported all at once, or left out with --allow-missing, like absent file
 * columns. CODES is rewritten. */
static int store_present(aq_ctx *ctx, cli_input *in, char *codes)
{
    aq_store *s = NULL;
    aq_table *have = NULL;
    int rc = aq_store_open(ctx, cli_db_path(in->db), AQ_STORE_READONLY, &s);
    if (!rc) rc = aq_store_indicators(s, &have);
    aq_store_close(s);
    if (rc)
        return rc;
    long cc = aq_table_find(have, "code");
    size_t out = 0, len = strlen(codes);
    char *copy = malloc(len + 1);
    if (!copy || cc < 0) {
        free(copy);
        aq_table_free(have);
        return copy ? AQ_OK : AQ_ENOMEM;
    }
    memcpy(copy, codes, len + 1);
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        int found = 0;
        for (size_t i = 0; i < aq_table_nrows(have) && !found; i++) {
            const char *c = aq_table_text(have, (size_t)cc, i);
            found = c && strcmp(c, tok) == 0;
        }
        if (found) {
            size_t k = strlen(tok);
            if (out)
                codes[out++] = ',';
            memcpy(codes + out, tok, k);
            out += k;
        }
    }
    codes[out] = '\0';
    free(copy);
    aq_table_free(have);
    return AQ_OK;
}

static int run(int argc, char **argv)
{
    cli_input in = {0};
    popts o = {0};
    o.seed = 42;
    cli_option opts[] = {
        {"method", CLI_STRING, &o.method, "FILE", "the methodology (YAML)"},
        {"uncertainty", CLI_INT, &o.runs, "N", "Monte Carlo runs over the declared alternatives"},
        {"seed", CLI_INT, &o.seed, "S", "random seed of the Monte Carlo (default 42)"},
        {"sobol", CLI_FLAG, &o.sobol, NULL, "also Sobol indices of each uncertain choice"},
        {"weight-draws", CLI_STRING, &o.draws, "FILE", "weights of each run, one column per indicator"},
        {"threads", CLI_INT, &o.threads, "N", "threads for the Monte Carlo (default: all cores)"},
        {"summary", CLI_FLAG, &o.summary, NULL, "csv/json: the class (or robustness, or audit pillar) summary"},
        {"audit", CLI_FLAG, &o.audit, NULL, "statistical audit: indicator and pillar statistics"},
        {"support-satellite", CLI_FLAG, &o.support, NULL, "support settlements and the satellites attached to them"},
        {"travel-times", CLI_STRING, &o.times, "FILE", "--support-satellite by travel times: origin, destination, minutes (aimaq access --od)"},
        {"max-minutes", CLI_DOUBLE, &o.max_minutes, "M", "travel-time limit of a satellite (default: the methodology's max_minutes)"},
        {"allow-missing", CLI_FLAG, &o.allow_missing, NULL, "compute on the indicators present when the data lacks some (reported)"},
        CLI_INPUT_OPTIONS(in),
        {"format", CLI_STRING, &o.format, "F", "table, csv, json or geojson"},
        {"output", CLI_STRING, &o.output, "FILE", "write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_potential, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (!o.method)
        return cli_usage_error("potential: --method FILE is required");
    enum aq_format fmt = AQ_FMT_TEXT;
    if (o.format && cli_format(o.format, &fmt))
        return AQ_EXIT_USAGE;
    if ((o.times || o.max_minutes) && !o.support)
        return cli_usage_error("potential: --travel-times and --max-minutes go with --support-satellite");
    if (o.max_minutes < 0)
        return cli_usage_error("potential: --max-minutes must be > 0");
    if (o.runs < 0 || (o.runs > 0 && o.runs < 10))
        return cli_usage_error("potential: --uncertainty needs at least 10 runs");
    aq_ctx *ctx = cli_ctx();
    if (o.threads > 0)
        aq_ctx_set_threads(ctx, (int)o.threads);
    aq_method *m = NULL;
    aq_table *t = NULL, *units = NULL, *classes = NULL, *uunits = NULL, *usum = NULL;
    aq_table *weights = NULL;
    aq_index *r = NULL;
    aq_uncertainty *u = NULL;
    double *draws = NULL;
    char codes[4096];
    rc = aq_method_load(ctx, o.method, &m);
    if (!rc && npos == 0 && !in.indicator) { /* the store: select what the method needs */
        if (aq_method_data_columns(m, codes, sizeof codes) >= sizeof codes)
            fprintf(stderr, "aimaq: warning: the methodology names too many columns for one "
                            "store selection; use --indicator\n");
        in.indicator = codes;
    }
    if (!rc && npos == 0 && in.indicator == codes) /* absent ones: listed by restrict */
        rc = store_present(ctx, &in, codes);
    if (!rc) rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    if (!rc) rc = aq_method_restrict(ctx, m, t, o.allow_missing);
    if (!rc && strcmp(aq_method_kind(m), "potential") == 0)
        rc = aq_method_weights_table(ctx, m, &weights);
    if (!rc && o.audit) {
        rc = audit(ctx, &o, fmt, m, t);
        goto done;
    }
    /* csv/geojson robustness output needs no per-unit reasons: at a million
     * units building them would cost more than some of the Monte Carlo */
    int need_index = !(o.runs || o.draws) || fmt == AQ_FMT_TEXT || fmt == AQ_FMT_JSON || o.support;
    if (!rc && need_index) rc = aq_index_compute(ctx, m, t, &r);
    if (!rc && need_index) rc = aq_index_units_table(ctx, r, &units);
    if (!rc && need_index) rc = aq_index_classes_table(ctx, r, &classes);
    if (!rc && o.support) {
        aq_table *su = NULL, *ss = NULL;
        aq_table *pairs = NULL;
        aq_support_times st = {NULL, NULL, NULL, NULL, o.max_minutes > 0 ? o.max_minutes : NAN};
        if (o.times) {
            rc = aq_table_read(ctx, o.times, NULL, &pairs);
            st.pairs = pairs;
        }
        if (!rc)
            rc = aq_index_support_ex(ctx, m, t, r, o.times ? &st : NULL, &su, &ss);
        aq_table_free(pairs);
        if (!rc) { /* the assignment replaces the units, its summary the classes */
            aq_table_free(units);
            units = su;
            if (fmt == AQ_FMT_TEXT) {
                printf("support and satellite settlements\n");
                fflush(stdout);
                rc = cli_write(ctx, ss, fmt, o.output);
                printf("\n");
                fflush(stdout);
                aq_table_free(ss);
            } else {
                aq_table_free(classes);
                classes = ss;
            }
        }
    }
    if (!rc && fmt == AQ_FMT_GEOJSON && units) rc = copy_geometries(ctx, t, units);
    if (!rc && (o.runs || o.draws)) {
        aq_uncertainty_opts uo;
        aq_uncertainty_opts_init(&uo);
        uo.runs = (size_t)o.runs;
        uo.seed = (unsigned long long)o.seed;
        uo.sobol = o.sobol;
        if (o.draws) {
            rc = read_draws(ctx, o.draws, aq_method_nindicators(m), &draws, &uo.ndraws);
            uo.weight_draws = draws;
        }
        if (!rc) rc = aq_index_uncertainty(ctx, m, t, &uo, &u);
        if (!rc) rc = aq_uncertainty_units_table(ctx, u, &uunits);
        if (!rc) rc = aq_uncertainty_summary_table(ctx, u, &usum);
        if (!rc && fmt == AQ_FMT_GEOJSON) rc = copy_geometries(ctx, t, uunits);
    }
    if (!rc)
        rc = emit(ctx, &o, fmt, m, units, classes, uunits, usum, weights);
done:;
    int code = rc ? (aq_errmsg(ctx)[0] ? cli_fail(ctx, rc) : cli_exit_code(rc)) : AQ_EXIT_OK;
    free(draws);
    aq_uncertainty_free(u);
    aq_table_free(uunits);
    aq_table_free(usum);
    aq_table_free(units);
    aq_table_free(classes);
    aq_table_free(weights);
    aq_index_free(r);
    aq_table_free(t);
    aq_method_free(m);
    aq_ctx_free(ctx);
    return code;
}
