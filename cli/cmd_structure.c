/*
 * cmd_structure.c -- `aimaq structure`: the economic structure of
 * territories from employment (or output) by territory and sector: location
 * quotients, specialisation and concentration, shift-share and the
 * competitive advantages view. The measures are in aimaq_structure.h.
 */
#include "cli.h"
#include "aimaq_structure.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_structure = {
    "structure", "economic structure: location quotients, specialisation, shift-share",
    "aimaq structure [FILE] [--measure M] [--territory COL] [--sector COL --value COL] "
    "[--period COL] [--nation CODE] [options]",
    "The table holds employment (or output) by territory and sector, in one of\n"
    "two shapes: wide (a row per territory and period, a number column per\n"
    "sector, as the store returns indicators) or long (columns territory,\n"
    "sector, value and optionally period). The nation is the sum of the\n"
    "territories unless --nation names the row that holds national totals;\n"
    "then the territories must add up to it (within --tolerance).\n\n"
    "measures (--measure):\n"
    "  summary       per territory: total, top sector and its share, HHI (and\n"
    "                normalised), Krugman (vs the rest of the country), Hoover,\n"
    "                Gini of specialisation, number of sectors with LQ > 1\n"
    "  lq            territory x sector matrix of location quotients\n"
    "  localisation  per sector: Hoover localisation, locational Gini, the\n"
    "                territory where it is most concentrated\n"
    "  shift         per territory: growth = national share + industrial mix +\n"
    "                regional shift; Esteban-Marquillas homothetic + allocation\n"
    "  shift-sectors the same per territory and sector\n"
    "  dynamic       year-by-year shift-share summed over all periods\n"
    "  advantages    sectors with LQ > 1 and a positive regional shift\n\n"
    "examples:\n"
    "  aimaq structure employment.csv --measure lq --period year\n"
    "  aimaq structure employment.csv --measure shift --base 2015 --final 2023 --nation KZ\n"
    "  aimaq structure --indicator emp_agri,emp_ind,emp_serv --level region --measure summary",
    run};

static int run(int argc, char **argv)
{
    cli_input in = {0};
    aq_structure_opts so;
    aq_structure_opts_init(&so);
    const char *measure = "summary", *format = NULL, *output = NULL, *sectors = NULL;
    double tolerance = so.tolerance;
    cli_option opts[] = {
        {"measure", CLI_STRING, &measure, "M", "summary, lq, localisation, shift, shift-sectors, dynamic, advantages"},
        {"territory", CLI_STRING, &so.territory, "COL", "territory column (default code, name or the first text column)"},
        {"sector", CLI_STRING, &so.sector, "COL", "long shape: the sector column (default 'sector' when present)"},
        {"value", CLI_STRING, &so.value, "COL", "long shape: the value column (default 'value')"},
        {"sectors", CLI_STRING, &sectors, "COLS", "wide shape: sector columns, comma-separated (default every number column)"},
        {"period-column", CLI_STRING, &so.period, "COL", "period column (default 'period' or 'year')"},
        {"nation", CLI_STRING, &so.nation, "CODE", "the territory whose row holds the national totals"},
        {"total", CLI_STRING, &so.total, "COL", "column of each row's total, checked against its sectors"},
        {"tolerance", CLI_DOUBLE, &tolerance, "X", "relative tolerance of the total checks (default 0.001)"},
        {"at", CLI_STRING, &so.at, "PERIOD", "period of summary, lq, localisation (default the last)"},
        {"base", CLI_STRING, &so.base, "PERIOD", "shift-share base period (default the first)"},
        {"final", CLI_STRING, &so.final, "PERIOD", "shift-share final period (default the last)"},
        {"format", CLI_STRING, &format, "F", "table, csv, json, xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        CLI_INPUT_OPTIONS(in),
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_structure, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("structure: give at most one FILE; see 'aimaq structure --help'");
    enum aq_structure_measure m;
    if (aq_structure_measure_parse(measure, &m) != AQ_OK)
        return cli_usage_error("structure: --measure must be summary, lq, localisation, shift, "
                               "shift-sectors, dynamic or advantages, not '%s'", measure);
    if (tolerance < 0)
        return cli_usage_error("structure: --tolerance must be >= 0, not %g", tolerance);
    so.tolerance = tolerance;
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    char *seccopy = sectors ? strdup(sectors) : NULL;
    const char **seclist = seccopy ? cli_split_list(seccopy) : NULL;
    if (sectors && !seclist) {
        free(seccopy);
        return cli_usage_error("structure: out of memory");
    }
    so.sectors = seclist;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *res = NULL;
    rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    if (rc == AQ_OK)
        rc = aq_structure(ctx, t, &so, m, &res);
    if (rc == AQ_OK)
        rc = cli_write(ctx, res, fmt, output);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_table_free(res);
    aq_table_free(t);
    aq_ctx_free(ctx);
    free(seclist);
    free(seccopy);
    return rc;
}
