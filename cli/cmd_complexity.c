/*
 * cmd_complexity.c -- `aimaq complexity`: relatedness and economic
 * complexity of units (regions, towns, countries) from values by unit,
 * activity and period. The measures are in aimaq_complexity.h; formulas
 * and conventions in docs/complexity.md.
 */
#include "cli.h"
#include "aimaq_complexity.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_complexity = {
    "complexity", "relatedness and economic complexity: RCA, proximity, density, ECI/PCI",
    "aimaq complexity [FILE] --unit COL --activity COL --value COL [--period COL] [options]",
    "An activity is an industry, an occupation or an export product; the value\n"
    "is employment, output or exports. The table is long (a row per unit,\n"
    "activity and period) or, without --activity, wide (a row per unit and\n"
    "period, a number column per activity, as the store returns indicators).\n"
    "Each period is computed on its own.\n\n"
    "Per unit and activity: Balassa's RCA, presence M (RCA >= --rca-threshold,\n"
    "or --presence bounded: RCA/(1+RCA)), relatedness density, outlook gain\n"
    "(cog); per unit: diversity, ECI, complexity outlook (coi); per activity:\n"
    "ubiquity, PCI. ECI and PCI by the eigenvector method (sign: ECI rises with\n"
    "diversity; z-scored by the mean and sd of ECI over the unit-activity rows,\n"
    "as the Growth Lab's Stata package does), by the method of reflections or by\n"
    "fitness-complexity (--method). --next N lists each unit's N best absent\n"
    "activities (high density and high PCI) instead of the rows.\n\n"
    "--format csv writes the columns unit, activity, period, value, rca, M,\n"
    "density, eci, pci, diversity, ubiquity, coi, cog; --format json writes\n"
    "{\"rows\": [...], \"units\": [...], \"activities\": [...]} (and \"next\").\n"
    "A warning says when the matrix is too sparse for stable proximities.\n\n"
    "examples:\n"
    "  aimaq complexity exports.csv --unit origin --activity hs92 --value export_val --period year --format csv\n"
    "  aimaq complexity employment.csv --unit region --activity okved --value employed --next 5\n"
    "  aimaq complexity --indicator emp_a,emp_b,emp_c --level district --method fitness",
    run};

/* {"rows": ..., "units": ..., "activities": ...[, "next": ...]} */
static int write_json(aq_ctx *ctx, aq_table *const *parts, const char *const *names, int n,
                      const char *output)
{
    FILE *f = output && strcmp(output, "-") ? fopen(output, "w") : stdout;
    if (!f) {
        fprintf(stderr, "aimaq: error: cannot write %s\n", output);
        return AQ_EXIT_INPUT;
    }
    int rc = AQ_OK;
    fputc('{', f);
    for (int i = 0; i < n && !rc; i++) {
        if (!parts[i])
            continue;
        char *text = NULL;
        rc = aq_table_json(ctx, parts[i], &text);
        if (!rc)
            fprintf(f, "%s\"%s\": %s", i ? ", " : "", names[i], text);
        aq_free(text);
    }
    fputs("}\n", f);
    if (f != stdout && fclose(f) != 0) {
        fprintf(stderr, "aimaq: error: cannot write %s\n", output);
        return AQ_EXIT_INPUT;
    }
    return rc ? cli_fail(ctx, rc) : 0;
}

static int run(int argc, char **argv)
{
    cli_input in = {0};
    aq_complexity_opts co;
    aq_complexity_opts_init(&co);
    const char *format = NULL, *output = NULL, *activities = NULL;
    const char *method = "eigen", *proximity = "symmetric", *presence = "binary";
    double threshold = 1;
    long next = 0, iterations = 0, threads = 0;
    cli_option opts[] = {
        {"unit", CLI_STRING, &co.unit, "COL", "unit column (default unit, code or the first text column)"},
        {"activity", CLI_STRING, &co.activity, "COL", "long shape: the activity column"},
        {"value", CLI_STRING, &co.value, "COL", "long shape: the value column (default 'value')"},
        {"activities", CLI_STRING, &activities, "COLS", "wide shape: activity columns, comma-separated (default every number column)"},
        {"period", CLI_STRING, &co.period, "COL", "period column (default 'period' or 'year' when present)"},
        {"rca-threshold", CLI_DOUBLE, &threshold, "X", "presence where RCA >= X (default 1)"},
        {"presence", CLI_STRING, &presence, "P", "binary (RCA >= threshold) or bounded (RCA/(1+RCA))"},
        {"method", CLI_STRING, &method, "M", "eigen (default), reflections or fitness"},
        {"proximity", CLI_STRING, &proximity, "P", "symmetric (default), asymmetric or continuous"},
        {"iterations", CLI_INT, &iterations, "N", "reflections: N steps (default 18); fitness: at most N (default 200)"},
        {"next", CLI_INT, &next, "N", "list each unit's N best next activities"},
        {"threads", CLI_INT, &threads, "N", "threads (default all cores); results do not depend on it"},
        {"format", CLI_STRING, &format, "F", "table, csv, json, xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        {"db", CLI_STRING, &in.db, "FILE", "read from the store FILE (default $AIMAQ_DB or aimaq.db)"},
        {"indicator", CLI_STRING, &in.indicator, "CODES", "store selection: indicator codes (the activities), comma-separated"},
        {"level", CLI_STRING, &in.level, "LEVEL", "store selection: unit level (region, district, ...)"},
        {"under", CLI_STRING, &in.under, "CODE", "store selection: only units under CODE"},
        {"layer", CLI_STRING, &in.layer, "NAME", "layer or sheet of the input file"},
        {"encoding", CLI_STRING, &in.encoding, "ENC", "encoding of a non-UTF-8 text file (CP1251, KZ-1048)"},
        CLI_DECIMAL_OPTION(in),
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_complexity, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("complexity: give at most one FILE; see 'aimaq complexity --help'");
    if (!strcmp(method, "eigen") || !strcmp(method, "eigenvector"))
        co.cx.method = AQ_CX_EIGEN;
    else if (!strcmp(method, "reflections"))
        co.cx.method = AQ_CX_REFLECTIONS;
    else if (!strcmp(method, "fitness"))
        co.cx.method = AQ_CX_FITNESS;
    else
        return cli_usage_error("complexity: --method must be eigen, reflections or fitness, not '%s'", method);
    if (!strcmp(proximity, "symmetric"))
        co.cx.proximity = AQ_CX_SYMMETRIC;
    else if (!strcmp(proximity, "asymmetric"))
        co.cx.proximity = AQ_CX_ASYMMETRIC;
    else if (!strcmp(proximity, "continuous"))
        co.cx.proximity = AQ_CX_CONTINUOUS;
    else
        return cli_usage_error("complexity: --proximity must be symmetric, asymmetric or continuous, not '%s'", proximity);
    if (!strcmp(presence, "binary"))
        co.cx.presence = AQ_CX_BINARY;
    else if (!strcmp(presence, "bounded") || !strcmp(presence, "continuous"))
        co.cx.presence = AQ_CX_BOUNDED;
    else
        return cli_usage_error("complexity: --presence must be binary or bounded, not '%s'", presence);
    if (!(threshold > 0))
        return cli_usage_error("complexity: --rca-threshold must be > 0, not %g", threshold);
    if (next < 0 || iterations < 0 || threads < 0 || iterations > 100000)
        return cli_usage_error("complexity: --next, --iterations and --threads must be >= 0 "
                               "(--iterations at most 100000)");
    co.cx.rca_threshold = threshold;
    co.cx.iterations = (int)iterations;
    co.next = (size_t)next;
    if ((co.value || activities) && !co.activity && co.value)
        return cli_usage_error("complexity: --value goes with --activity (the long shape)");
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    char *acopy = activities ? strdup(activities) : NULL;
    const char **alist = acopy ? cli_split_list(acopy) : NULL;
    if (activities && !alist) {
        free(acopy);
        return cli_usage_error("complexity: out of memory");
    }
    co.activities = alist;
    aq_ctx *ctx = cli_ctx();
    if (threads > 0)
        aq_ctx_set_threads(ctx, (int)threads);
    aq_table *t = NULL, *rows = NULL, *units = NULL, *acts = NULL, *nt = NULL;
    rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    if (rc == AQ_OK)
        rc = aq_complexity(ctx, t, &co, &rows, &units, &acts, &nt);
    if (rc == AQ_OK && fmt == AQ_FMT_JSON) {
        aq_table *parts[] = {rows, units, acts, nt};
        static const char *const names[] = {"rows", "units", "activities", "next"};
        rc = write_json(ctx, parts, names, 4, output);
    } else {
        if (rc == AQ_OK)
            rc = cli_write(ctx, nt ? nt : rows, fmt, output);
        if (rc)
            rc = cli_fail(ctx, rc);
    }
    aq_table_free(rows);
    aq_table_free(units);
    aq_table_free(acts);
    aq_table_free(nt);
    aq_table_free(t);
    aq_ctx_free(ctx);
    free(alist);
    free(acopy);
    return rc;
}
