/*
 * cmd_access.c -- `aimaq access`: travel time on a road network to the
 * nearest centre of each kind, per node or per settlement; population
 * summaries, catchments, origin-destination pairs and 2SFCA service
 * ratios. The measures are in aimaq_network.h.
 */
#include "cli.h"
#include "aimaq_network.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int run(int argc, char **argv);

const cli_command cmd_access = {
    "access", "travel time to the nearest centres, catchments, OD pairs, 2SFCA",
    "aimaq access (--edges FILE | --straight-line) (--centres FILE | --centres-level LEVEL) "
    "[--from COL --to COL --cost COL --node COL] [--directed] [--settlements FILE | --db DB "
    "--level LEVEL] [--summary | --catchments | --od FILE | --2sfca] [--format csv|json]",
    "The network is an edge table: columns from, to, minutes (or a length in km\n"
    "and a road class with --speeds), undirected unless --directed. Centres are\n"
    "nodes (column node); a kind column (hospital, school, district_centre, ...)\n"
    "gives one nearest centre per kind.\n\n"
    "Without --settlements the result has one row per node: node, minutes,\n"
    "centre (empty when unreachable). With --settlements (id, pop, and a node\n"
    "column or x/y coordinates snapped to --nodes FILE) one row per settlement\n"
    "with its node and snap distance; settlements that reach no centre are\n"
    "listed with their population.\n\n"
    "  --summary     per kind: population within 30/60/120 minutes, mean and\n"
    "                max minutes, Gini of travel time, unreachable population\n"
    "  --catchments  per centre: settlements and population it serves\n"
    "  --od FILE     minutes for the pairs of FILE (origin, destination)\n"
    "  --2sfca       service ratio (capacity per person) within --cutoff minutes,\n"
    "                or enhanced 2SFCA with --bands 10:1,20:0.68,30:0.22\n\n"
    "Without road data, --straight-line times every pair by its great-circle\n"
    "distance x --circuity (default 1.3) at --speed km/h (default 60): an\n"
    "estimate, not a road time; every output says so (column time_basis).\n\n"
    "From the store: --db DB --level settlement [--period P --under CODE] takes\n"
    "the settlements (their points, or the centroids of their polygons) with\n"
    "their population (indicator --pop, default population); --centres-level\n"
    "LEVEL takes the current units of LEVEL as centres.\n\n"
    "examples:\n"
    "  aimaq access --edges edges.csv --centres centres.csv --format csv\n"
    "  aimaq access --edges roads.csv --nodes nodes.csv --centres hospitals.csv \\\n"
    "      --settlements villages.csv --summary\n"
    "  aimaq access --edges roads.csv --nodes nodes.csv --centres schools.csv \\\n"
    "      --capacity places --settlements villages.csv --2sfca --cutoff 60\n"
    "  aimaq access --straight-line --centres district_centres.csv \\\n"
    "      --settlements villages.csv --summary\n"
    "  aimaq access --straight-line --db kz.db --level settlement --period 2023 \\\n"
    "      --centres-level district --summary",
    run};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Parses "10:1,20:0.68,30:0.22" into arrays of up to max bands. */
static int parse_bands(const char *s, double *upto, double *weight, size_t max, size_t *n)
{
    *n = 0;
    while (s && *s) {
        char *end;
        double u = strtod(s, &end);
        if (end == s || *end != ':' || *n == max)
            return cli_usage_error("access: --bands must be MINUTES:WEIGHT,... (e.g. "
                                   "10:1,20:0.68,30:0.22), at most %zu bands", max);
        double w = strtod(end + 1, &end);
        if ((*end && *end != ',') || !(u > 0) || !(w >= 0) || (*n && u <= upto[*n - 1]))
            return cli_usage_error("access: --bands: each band needs minutes above the previous "
                                   "band's and a weight >= 0");
        upto[*n] = u;
        weight[(*n)++] = w;
        s = *end ? end + 1 : end;
    }
    return 0;
}

/* Reads a file with the --layer, --encoding and --decimal of the command line. */
static int load(aq_ctx *ctx, const cli_input *opts, const char *path, aq_table **t)
{
    cli_input in = {0};
    in.layer = opts->layer;
    in.encoding = opts->encoding;
    in.decimal = opts->decimal;
    return cli_input_load(ctx, &in, path, t);
}

/* Settlements from the store: the selection of --level/--period/--under
 * with the population indicator, one row per unit. */
static int store_settlements(aq_ctx *ctx, cli_input *in, const char *pop, aq_table **t)
{
    aq_store *store = NULL;
    const char *codes[] = {pop, NULL};
    int rc = aq_store_open(ctx, cli_db_path(in->db), AQ_STORE_READONLY, &store);
    if (!rc)
        rc = aq_access_store_places(ctx, store, in->level, in->period, in->under, codes, t);
    aq_store_close(store);
    return rc;
}

/* Centres from the store: the current units of LEVEL. */
static int store_centres(aq_ctx *ctx, const char *db, const char *level, aq_table **out)
{
    aq_store *store = NULL;
    int rc = aq_store_open(ctx, cli_db_path(db), AQ_STORE_READONLY, &store);
    if (!rc)
        rc = aq_access_store_units(ctx, store, level, out);
    aq_store_close(store);
    return rc;
}

/* Straight-line times are estimates: every table says how they were made. */
static int mark_straight(aq_ctx *ctx, aq_table *t, const aq_graph *g)
{
    double circuity, kmh;
    if (!aq_graph_straight(g, &circuity, &kmh))
        return AQ_OK;
    char note[160];
    snprintf(note, sizeof note, "straight-line estimate: great-circle km x %g at %g km/h, not "
             "road time", circuity, kmh);
    size_t col;
    int rc = aq_table_add_column(ctx, t, "time_basis", AQ_COL_TEXT, &col);
    for (size_t i = 0; i < aq_table_nrows(t) && !rc; i++)
        rc = aq_table_set_text(ctx, t, col, i, note);
    return rc;
}

static int run(int argc, char **argv)
{
    aq_edge_opts eo;
    aq_edge_opts_init(&eo);
    aq_access_opts ao;
    aq_access_opts_init(&ao);
    const char *edges = NULL, *centres = NULL, *settlements = NULL, *nodes = NULL, *od = NULL;
    const char *format = NULL, *output = NULL, *bands_s = NULL;
    const char *origin = "origin", *destination = "destination";
    const char *centres_level = NULL;
    int directed = 0, summary = 0, catchments = 0, fca = 0, timing = 0, straight = 0;
    double cutoff = 60, limit = INFINITY, max_snap = INFINITY, snap_kmh = 0;
    double circuity = 1.3, speed = 60;
    cli_input in = {0};
    cli_option opts[] = {
        {"edges", CLI_STRING, &edges, "FILE", "edge table: from, to, minutes"},
        {"straight-line", CLI_FLAG, &straight, NULL, "no roads: great-circle km x --circuity at --speed"},
        {"circuity", CLI_DOUBLE, &circuity, "F", "road km per straight-line km (default 1.3)"},
        {"speed", CLI_DOUBLE, &speed, "KMH", "straight-line mode speed in km/h (default 60)"},
        {"centres", CLI_STRING, &centres, "FILE", "centres or facilities: node or x/y [, kind, capacity, name]"},
        {"centres-level", CLI_STRING, &centres_level, "LEVEL", "centres: the store's units of LEVEL"},
        {"from", CLI_STRING, &eo.from, "COL", "edge start column (default from)"},
        {"to", CLI_STRING, &eo.to, "COL", "edge end column (default to)"},
        {"cost", CLI_STRING, &eo.cost, "COL", "edge minutes column (default minutes)"},
        {"length", CLI_STRING, &eo.length, "COL", "edge length in km, when there are no minutes"},
        {"class", CLI_STRING, &eo.road_class, "COL", "edge road class column for --speeds"},
        {"speeds", CLI_STRING, &eo.speeds, "LIST", "km/h per class: primary=80,secondary=60,default=40"},
        {"directed", CLI_FLAG, &directed, NULL, "edges are one-way from -> to"},
        {"node", CLI_STRING, &ao.node, "COL", "node column of centres and settlements (default node)"},
        {"kind", CLI_STRING, &ao.kind, "COL", "centre kind column (default kind when present)"},
        {"centre-id", CLI_STRING, &ao.centre_id, "COL", "centre name column for the output"},
        {"capacity", CLI_STRING, &ao.capacity, "COL", "facility capacity column (2SFCA)"},
        {"limit", CLI_DOUBLE, &limit, "MIN", "stop searching beyond MIN minutes"},
        {"settlements", CLI_STRING, &settlements, "FILE", "settlements: id, pop, node or x/y"},
        {"nodes", CLI_STRING, &nodes, "FILE", "node coordinates (node, x, y) for snapping"},
        {"id", CLI_STRING, &ao.id, "COL", "settlement id column"},
        {"pop", CLI_STRING, &ao.pop, "COL", "settlement population column (default pop/population); with --db the indicator code (default population)"},
        {"x", CLI_STRING, &ao.x, "COL", "settlement x (or lon) column"},
        {"y", CLI_STRING, &ao.y, "COL", "settlement y (or lat) column"},
        {"max-snap", CLI_DOUBLE, &max_snap, "KM", "settlements farther from a node are unreachable"},
        {"snap-speed", CLI_DOUBLE, &snap_kmh, "KMH", "add the leg to the node at this speed"},
        {"summary", CLI_FLAG, &summary, NULL, "population summary per kind"},
        {"catchments", CLI_FLAG, &catchments, NULL, "one row per centre: who it serves"},
        {"od", CLI_STRING, &od, "FILE", "pairs to time: columns origin, destination"},
        {"origin", CLI_STRING, &origin, "COL", "origin column of --od (default origin)"},
        {"destination", CLI_STRING, &destination, "COL", "destination column of --od"},
        {"2sfca", CLI_FLAG, &fca, NULL, "two-step floating catchment service ratios"},
        {"cutoff", CLI_DOUBLE, &cutoff, "MIN", "2SFCA catchment in minutes (default 60)"},
        {"bands", CLI_STRING, &bands_s, "LIST", "enhanced 2SFCA bands MIN:WEIGHT,..."},
        {"format", CLI_STRING, &format, "F", "table, csv, json, xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        {"timing", CLI_FLAG, &timing, NULL, "print load, build, compute and write seconds to stderr"},
        CLI_INPUT_OPTIONS(in),
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_access, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos)
        return cli_usage_error("access: unexpected argument '%s'; see 'aimaq access --help'", argv[0]);
    if (!edges && !straight)
        return cli_usage_error("access: --edges FILE (or --straight-line, without roads) is required");
    if (edges && straight)
        return cli_usage_error("access: choose --edges or --straight-line");
    if (centres && centres_level)
        return cli_usage_error("access: choose --centres FILE or --centres-level LEVEL");
    if (!centres && !centres_level && !od)
        return cli_usage_error("access: --centres FILE (or --centres-level LEVEL) is required");
    if (settlements && in.level)
        return cli_usage_error("access: choose --settlements FILE or the store's --level");
    int store_set = !settlements && in.level;
    if ((summary || catchments || fca || straight) && !settlements && !store_set)
        return cli_usage_error("access: --summary, --catchments, --2sfca and --straight-line need "
                               "--settlements FILE (or --db with --level)");
    if (in.indicator)
        return cli_usage_error("access: the store's population indicator is --pop CODE");
    if (straight && (nodes || !(circuity >= 1) || !(speed > 0)))
        return cli_usage_error("access: --straight-line takes no --nodes; --circuity >= 1, "
                               "--speed > 0");
    if (summary + catchments + fca + (od != NULL) > 1)
        return cli_usage_error("access: choose one of --summary, --catchments, --od, --2sfca");
    if (!(cutoff > 0) || !(limit > 0) || !(max_snap > 0) || snap_kmh < 0)
        return cli_usage_error("access: --cutoff, --limit and --max-snap must be above 0");
    double upto[16], weight[16];
    aq_bands bands = {upto, weight, 1};
    upto[0] = cutoff;
    weight[0] = 1;
    if (bands_s && parse_bands(bands_s, upto, weight, 16, &bands.n))
        return AQ_EXIT_USAGE;
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    eo.directed = directed;
    ao.limit = limit;
    ao.max_snap_km = max_snap;
    ao.snap_kmh = snap_kmh;

    aq_ctx *ctx = cli_ctx();
    aq_table *te = NULL, *tc = NULL, *ts = NULL, *tn = NULL, *tp = NULL, *res = NULL;
    aq_graph *g = NULL;
    double t0 = now();
    rc = eo.speeds ? aq_speeds_check(ctx, eo.speeds) : AQ_OK;
    if (!rc && edges)
        rc = load(ctx, &in, edges, &te);
    if (!rc && centres)
        rc = load(ctx, &in, centres, &tc);
    if (!rc && centres_level)
        rc = store_centres(ctx, in.db, centres_level, &tc);
    if (!rc && settlements)
        rc = load(ctx, &in, settlements, &ts);
    if (!rc && store_set) {
        if (!ao.pop)
            ao.pop = "population";
        rc = store_settlements(ctx, &in, ao.pop, &ts);
    }
    if (!rc && nodes)
        rc = load(ctx, &in, nodes, &tn);
    if (!rc && od)
        rc = load(ctx, &in, od, &tp);
    double t1 = now();
    if (!rc && straight) {
        /* Nodes are the settlements' points, then the centres'. */
        const aq_table *pts[] = {ts, tc};
        rc = aq_graph_straight_from_tables(ctx, pts, 2, &ao, circuity, speed, &g);
        if (!rc)
            fprintf(stderr, "aimaq: note: times are straight-line estimates (great-circle km x %g "
                    "at %g km/h), not road travel times\n", circuity, speed);
    } else if (!rc)
        rc = aq_graph_from_edges(ctx, te, &eo, &g);
    aq_table_free(te);
    te = NULL;
    if (!rc && tn)
        rc = aq_graph_set_coords(ctx, g, tn, ao.node, NULL, NULL, -1);
    double t2 = now();
    if (!rc && od) {
        if (strcmp(origin, "origin") || strcmp(destination, "destination")) {
            /* aq_access_od reads columns origin/destination: rename by copy */
            long co = aq_table_find(tp, origin), cd = aq_table_find(tp, destination);
            if (co < 0 || cd < 0) {
                rc = cli_usage_error("access: --od file has no column '%s'", co < 0 ? origin : destination);
                goto done;
            }
            aq_table *pairs = NULL;
            size_t n = aq_table_nrows(tp);
            rc = aq_table_new(ctx, n, &pairs);
            if (!rc)
                rc = aq_table_add_column(ctx, pairs, "origin", AQ_COL_TEXT, NULL);
            if (!rc)
                rc = aq_table_add_column(ctx, pairs, "destination", AQ_COL_TEXT, NULL);
            char buf[256];
            for (size_t r = 0; r < n && !rc; r++) {
                rc = aq_table_set_text(ctx, pairs, 0, r, aq_table_cell(tp, (size_t)co, r, buf, sizeof buf));
                if (!rc)
                    rc = aq_table_set_text(ctx, pairs, 1, r, aq_table_cell(tp, (size_t)cd, r, buf, sizeof buf));
            }
            aq_table_free(tp);
            tp = pairs;
        }
        if (!rc)
            rc = aq_access_od(ctx, g, tp, ts, &ao, &res);
    } else if (!rc && fca) {
        rc = aq_access_2sfca(ctx, g, tc, ts, &ao, &bands, &res);
    } else if (!rc && ts) {
        aq_table *s = NULL, *c = NULL;
        rc = aq_access_settlements(ctx, g, tc, ts, &ao, &res, summary ? &s : NULL,
                                   catchments ? &c : NULL);
        if (!rc && (s || c)) {
            aq_table_free(res);
            res = s ? s : c;
        }
    } else if (!rc) {
        rc = aq_access_nodes(ctx, g, tc, &ao, &res);
    }
    double t3 = now();
    if (!rc)
        rc = mark_straight(ctx, res, g);
    if (!rc)
        rc = cli_write(ctx, res, fmt, output);
    double t4 = now();
    if (!rc && timing)
        fprintf(stderr, "timing: load %.3f s, build %.3f s, compute %.3f s, write %.3f s "
                "(%zu nodes, %zu edges)\n", t1 - t0, t2 - t1, t3 - t2, t4 - t3,
                aq_graph_nnodes(g), aq_graph_nedges(g));
    if (rc)
        rc = cli_fail(ctx, rc);
done:
    aq_graph_free(g);
    aq_table_free(te);
    aq_table_free(tc);
    aq_table_free(ts);
    aq_table_free(tn);
    aq_table_free(tp);
    aq_table_free(res);
    aq_ctx_free(ctx);
    return rc;
}
