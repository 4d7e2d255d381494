/*
 * cmd_scenario.c -- `aimaq scenario PLAN.yaml`: what a plan changes, as a
 * before/after table (aq_scenario_run in aimaq_network.h).
 */
#include "cli.h"
#include "aimaq_network.h"

static int run(int argc, char **argv);

const cli_command cmd_scenario = {
    "scenario", "apply a plan (relocation, roads, facilities, growth) and compare before/after",
    "aimaq scenario PLAN.yaml [--db STORE] [--format F] [--output FILE]",
    "The plan names the network, the settlements (id, population, potential\n"
    "class, region, an indicator) and the services (files of facility nodes),\n"
    "then lists changes applied in order:\n"
    "  relocate  residents of settlements of a class (or listed by id) move to\n"
    "            the nearest settlement of to_class (or matching to_where:\n"
    "            {COLUMN: VALUE}) within N minutes\n"
    "  road      a new or upgraded road between two nodes, in minutes\n"
    "  open / close  a facility of a service at a node\n"
    "  growth    an indicator (or the population) grows by a rate a year\n"
    "The result lists each measure before and after: people moved, people\n"
    "within 30/60 minutes of each service, Theil and max/min ratio of the\n"
    "indicator, settlements and people per class. Format: docs/scenario.md.\n\n"
    "Without road data, network: straight_line times pairs by great-circle km x a\n"
    "circuity at a speed (estimates, and the table says so). Settlements may come\n"
    "from the store: settlements: {level: settlement, period: 2023} with --db.\n\n"
    "example:\n"
    "  aimaq scenario examples/kz/scenario/plan.yaml\n"
    "  aimaq scenario examples/kz/scenario/plan_potential.yaml   # by potential class",
    run};

static int run(int argc, char **argv)
{
    const char *format = NULL, *output = NULL, *db = NULL;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store, for a plan whose settlements are a level of it"},
        {"format", CLI_STRING, &format, "F", "table, csv, json, xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_scenario, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1)
        return cli_usage_error("scenario: give one PLAN.yaml; see 'aimaq scenario --help'");
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    rc = aq_scenario_run_db(ctx, argv[0], db, &t);
    if (!rc)
        rc = cli_write(ctx, t, fmt, output);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return rc;
}
