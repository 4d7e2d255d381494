/*
 * cmd_network.c -- `aimaq network`: builds a road network from a line file
 * or an OpenStreetMap extract (or checks an edge table), summarises it
 * (nodes, edges, connected parts), writes its edges and nodes for
 * `aimaq access`, and snaps settlements to their nearest node.
 */
#include "cli.h"
#include "aimaq_network.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_network = {
    "network", "build a road network from lines or OpenStreetMap, summarise it, snap settlements",
    "aimaq network FILE [--layer L] [--class COL] [--speeds LIST] [--edges-out FILE] "
    "[--nodes-out FILE] [--settlements FILE]",
    "FILE is a line file (GeoJSON, GeoPackage, Shapefile, ...), an OpenStreetMap\n"
    "extract (.osm.pbf or .osm, read through GDAL's OSM driver, layer 'lines',\n"
    "road class from 'highway'), or an edge table (from, to, minutes).\n"
    "Lines are split where they share a vertex; minutes come from the length\n"
    "and the speed of the road class (--speeds class=km/h,...; defaults in\n"
    "docs/access.md). The result is a one-row summary (nodes, edges, connected\n"
    "components, share of nodes in the largest one); --edges-out and\n"
    "--nodes-out write the network for `aimaq access --edges ... --nodes ...`.\n"
    "With --settlements (x/y or lon/lat) the result is each settlement's\n"
    "nearest node and the snap distance in km.\n\n"
    "examples:\n"
    "  aimaq network kazakhstan-latest.osm.pbf --edges-out roads.csv --nodes-out nodes.csv\n"
    "  aimaq network roads.gpkg --class category --speeds republican=90,regional=70,default=50\n"
    "  aimaq network roads.gpkg --settlements villages.csv --format csv",
    run};

static int is_osm(const char *path)
{
    size_t n = strlen(path);
    return (n > 8 && strcmp(path + n - 8, ".osm.pbf") == 0) || (n > 4 && strcmp(path + n - 4, ".osm") == 0);
}

static int run(int argc, char **argv)
{
    aq_network_opts no;
    aq_network_opts_init(&no);
    aq_edge_opts eo;
    aq_edge_opts_init(&eo);
    const char *layer = NULL, *encoding = NULL, *edges_out = NULL, *nodes_out = NULL;
    const char *settlements = NULL, *format = NULL, *output = NULL, *xcol = NULL, *ycol = NULL;
    int directed = 0;
    double max_snap = 0;
    cli_option opts[] = {
        {"layer", CLI_STRING, &layer, "NAME", "layer of the input (default: 'lines' for OSM files)"},
        {"encoding", CLI_STRING, &encoding, "ENC", "encoding of a non-UTF-8 text file"},
        {"class", CLI_STRING, &no.road_class, "COL", "road class column (default highway or class)"},
        {"speeds", CLI_STRING, &no.speeds, "LIST", "km/h per class: primary=80,secondary=60,default=40"},
        {"minutes", CLI_STRING, &no.minutes, "COL", "a column of minutes per line, used when present"},
        {"merge", CLI_DOUBLE, &no.merge, "D", "vertices within D coordinate units are one node"},
        {"directed", CLI_FLAG, &directed, NULL, "lines are one-way in their digitised direction"},
        {"edges-out", CLI_STRING, &edges_out, "FILE", "write the edges (from, to, minutes, length_km, class)"},
        {"nodes-out", CLI_STRING, &nodes_out, "FILE", "write the nodes (node, x, y, degree, component)"},
        {"settlements", CLI_STRING, &settlements, "FILE", "snap these settlements to the nearest node"},
        {"x", CLI_STRING, &xcol, "COL", "settlement x (or lon) column"},
        {"y", CLI_STRING, &ycol, "COL", "settlement y (or lat) column"},
        {"max-snap", CLI_DOUBLE, &max_snap, "KM", "warn about settlements farther than KM from a node"},
        {"format", CLI_STRING, &format, "F", "table, csv, json, xlsx"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_network, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos != 1)
        return cli_usage_error("network: give one FILE; see 'aimaq network --help'");
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    no.directed = eo.directed = directed;
    eo.speeds = no.speeds;
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL, *res = NULL, *ts = NULL, *tmp = NULL;
    aq_graph *g = NULL;
    cli_input in = {0};
    in.layer = layer ? layer : is_osm(argv[0]) ? "lines" : NULL;
    in.encoding = encoding;
    rc = no.speeds ? aq_speeds_check(ctx, no.speeds) : AQ_OK;
    if (!rc && is_osm(argv[0]) && !layer)
        rc = aq_network_read_osm(ctx, argv[0], &t);
    else if (!rc)
        rc = cli_input_load(ctx, &in, argv[0], &t);
    if (!rc) {
        int has_lines = 0;
        for (size_t r = 0; r < aq_table_nrows(t) && !has_lines; r++)
            has_lines = aq_table_geometry(t, r, NULL) != NULL;
        if (has_lines) {
            rc = aq_network_from_lines(ctx, t, &no, &g);
        } else {
            if (no.road_class)
                eo.road_class = no.road_class;
            rc = aq_graph_from_edges(ctx, t, &eo, &g);
        }
    }
    if (!rc && edges_out && !(rc = aq_graph_edges_table(ctx, g, &tmp))) {
        rc = aq_table_write(ctx, tmp, edges_out, AQ_FMT_AUTO, NULL);
        aq_table_free(tmp);
        tmp = NULL;
    }
    if (!rc && nodes_out && !(rc = aq_graph_nodes_table(ctx, g, &tmp))) {
        rc = aq_table_write(ctx, tmp, nodes_out, AQ_FMT_AUTO, NULL);
        aq_table_free(tmp);
        tmp = NULL;
    }
    if (!rc && settlements) {
        cli_input sin = {0};
        rc = cli_input_load(ctx, &sin, settlements, &ts);
        long cx = -1, cy = -1, cid = -1;
        if (!rc) {
            cx = aq_table_find(ts, xcol ? xcol : "x");
            cy = aq_table_find(ts, ycol ? ycol : "y");
            if (cx < 0 && !xcol)
                cx = aq_table_find(ts, "lon");
            if (cy < 0 && !ycol)
                cy = aq_table_find(ts, "lat");
            static const char *const ids[] = {"id", "code", "name", NULL};
            for (int k = 0; ids[k] && cid < 0; k++)
                cid = aq_table_find(ts, ids[k]);
        }
        if (!rc && (cx < 0 || cy < 0 || aq_table_coltype(ts, (size_t)cx) != AQ_COL_NUMBER ||
                    aq_table_coltype(ts, (size_t)cy) != AQ_COL_NUMBER)) {
            fprintf(stderr, "aimaq: error: %s: settlements need numeric x/y or lon/lat columns\n",
                    settlements);
            rc = AQ_EXIT_INPUT;
            goto done;
        }
        size_t n = rc ? 0 : aq_table_nrows(ts);
        size_t *node = malloc(sizeof *node * (n ? n : 1));
        double *dist = malloc(sizeof *dist * (n ? n : 1));
        if (!rc)
            rc = node && dist ? aq_graph_snap(ctx, g, aq_table_numbers(ts, (size_t)cx),
                                              aq_table_numbers(ts, (size_t)cy), n, node, dist)
                              : AQ_ENOMEM;
        if (!rc)
            rc = aq_table_new(ctx, n, &res);
        static const char *const names[] = {"settlement", "node", "snap_km"};
        for (int k = 0; k < 3 && !rc; k++)
            rc = aq_table_add_column(ctx, res, names[k], k < 2 ? AQ_COL_TEXT : AQ_COL_NUMBER, NULL);
        size_t far = 0;
        char buf[256];
        for (size_t i = 0; i < n && !rc; i++) {
            if (cid >= 0)
                rc = aq_table_set_text(ctx, res, 0, i, aq_table_cell(ts, (size_t)cid, i, buf, sizeof buf));
            else
                rc = aq_table_set_text(ctx, res, 0, i, (snprintf(buf, sizeof buf, "%zu", i + 1), buf));
            if (!rc && node[i] != (size_t)-1)
                rc = aq_table_set_text(ctx, res, 1, i, aq_graph_node_id(g, node[i], buf, sizeof buf));
            if (!rc)
                rc = aq_table_set_number(ctx, res, 2, i, dist[i]);
            far += max_snap > 0 && dist[i] > max_snap;
        }
        if (!rc && far)
            fprintf(stderr, "aimaq: warning: %s: %zu settlement(s) are more than %g km from the "
                    "nearest node\n", settlements, far, max_snap);
        free(node);
        free(dist);
    } else if (!rc) {
        rc = aq_graph_summary(ctx, g, &res);
    }
    if (!rc)
        rc = cli_write(ctx, res, fmt, output);
    if (rc)
        rc = cli_fail(ctx, rc);
done:
    aq_graph_free(g);
    aq_table_free(t);
    aq_table_free(ts);
    aq_table_free(res);
    aq_ctx_free(ctx);
    return rc;
}
