/*
 * aimaq_network.h -- road networks and accessibility: graphs built from
 * edge tables, line files or OpenStreetMap extracts; settlements snapped to
 * the nearest node; travel time to the nearest centre of each kind;
 * catchments; origin-destination matrices; floating-catchment service
 * ratios (2SFCA, enhanced 2SFCA).
 *
 * Conventions are those of aimaq.h. Costs are minutes; distances of
 * snapping are kilometres. Formulas and conventions: docs/access.md.
 */
#ifndef AIMAQ_NETWORK_H
#define AIMAQ_NETWORK_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Graphs
 * ------------------------------------------------------------------- */

/* A road graph in compressed sparse row form. Nodes are numbered 0..n-1;
 * each keeps the identifier it had in its source (a number or a text). */
typedef struct aq_graph aq_graph;

/* Builds a graph of NNODES nodes from NEDGES edges from[k] -> to[k] taking
 * minutes[k] (> 0; 0 is accepted with a warning, as for connectors).
 * Undirected graphs get both directions of each edge. Node identifiers
 * are their numbers 0..n-1. Returns AQ_OK, AQ_EINPUT (a node out of range,
 * a negative or non-finite time: the message names the edge), AQ_ENOMEM. */
int aq_graph_new(aq_ctx *ctx, size_t nnodes, const uint32_t *from, const uint32_t *to,
                 const double *minutes, size_t nedges, int directed, aq_graph **out);
void aq_graph_free(aq_graph *g);

size_t aq_graph_nnodes(const aq_graph *g);
/* Number of edges as given (an undirected edge counts once). */
size_t aq_graph_nedges(const aq_graph *g);
int aq_graph_directed(const aq_graph *g);

/* The identifier of node V as text (numbers without a fraction are
 * printed as integers) into buf; returns buf. */
const char *aq_graph_node_id(const aq_graph *g, size_t v, char *buf, size_t size);
/* The identifier of node V as a number, or NaN when identifiers are text. */
double aq_graph_node_num(const aq_graph *g, size_t v);
/* Finds the node with identifier ID (text, or a number written as text).
 * Returns 1 and sets *v when found, else 0. */
int aq_graph_find(const aq_graph *g, const char *id, size_t *v);
/* Finds the node whose numeric identifier is ID. */
int aq_graph_find_num(const aq_graph *g, double id, size_t *v);

/* How an edge table becomes a graph. Initialise with aq_edge_opts_init. */
typedef struct aq_edge_opts {
    const char *from, *to;   /* node columns (default "from", "to")          */
    const char *cost;        /* minutes column (default "minutes"); when
                                absent, minutes come from length and speed   */
    const char *length;      /* length column, km (default "length_km")      */
    const char *road_class;  /* road class column for speeds ("class")       */
    const char *speeds;      /* "class=km/h,...", e.g. "motorway=110,
                                primary=90,default=50"; NULL = the defaults
                                of docs/access.md                            */
    int directed;            /* 1: edges are one-way from -> to              */
} aq_edge_opts;

void aq_edge_opts_init(aq_edge_opts *opts);

/* Builds a graph from an edge table. Node identifiers are the values of
 * the from/to columns (numbers or text); numeric identifiers are numbered
 * in increasing order, text ones in order of first appearance. Every bad
 * row (missing node, negative, missing or non-finite minutes) is AQ_EINPUT
 * with the file, line and column; zero minutes and self-loops are kept and
 * counted in one warning. */
int aq_graph_from_edges(aq_ctx *ctx, const aq_table *edges, const aq_edge_opts *opts,
                        aq_graph **out);

/* Attaches node coordinates for snapping from a table with columns ID, X, Y
 * (defaults "node", "x", "y"; "lon"/"lat" also found). GEOGRAPHIC = 1 for
 * degrees (distances by the haversine formula), 0 for planar km, -1 to
 * guess (degrees when every coordinate is within lon/lat ranges and the
 * table's CRS is geographic or absent -- see docs/access.md). Nodes absent
 * from the table cannot be snapped to. */
int aq_graph_set_coords(aq_ctx *ctx, aq_graph *g, const aq_table *nodes, const char *id,
                        const char *x, const char *y, int geographic);
/* Coordinates of node V; returns 0 when the node has none. */
int aq_graph_coords(const aq_graph *g, size_t v, double *x, double *y);

/* Snaps N points to their nearest node with coordinates. node[k] gets the
 * node, dist[k] the distance in km. Returns AQ_EUSAGE when the graph has no
 * coordinates. */
int aq_graph_snap(aq_ctx *ctx, const aq_graph *g, const double *x, const double *y, size_t n,
                  size_t *node, double *dist);

/* Connected components (weak, for directed graphs): comp[v] gets the
 * component number, 0 for the largest. *ncomp gets their count. */
int aq_graph_components(aq_ctx *ctx, const aq_graph *g, uint32_t *comp, size_t *ncomp);

/* A network without roads: the travel time between any two of the N points
 * (x[k], y[k]) is their distance (great-circle km for GEOGRAPHIC = 1
 * degrees, planar km for 0) x CIRCUITY (>= 1, the detour of roads over the
 * straight line, typically 1.2-1.4; docs/access.md) / KMH x 60. Node k is
 * point k (identifier k); every search and measure below works on it, by
 * direct computation (nearest centre: n x centres distances). Times from
 * such a graph are estimates, not road times: say so wherever they are
 * shown. Returns AQ_OK, AQ_EUSAGE (circuity < 1, speed <= 0), AQ_ENOMEM. */
int aq_graph_straight_new(aq_ctx *ctx, const double *x, const double *y, size_t n, int geographic,
                          double circuity, double kmh, aq_graph **out);

/* 1 when G is a straight-line graph, with its circuity and speed (either
 * pointer may be NULL); 0 for a road graph. */
int aq_graph_straight(const aq_graph *g, double *circuity, double *kmh);

/* ---------------------------------------------------------------------
 * Shortest paths
 * ------------------------------------------------------------------- */

/* Multi-source Dijkstra: minutes[v] gets the travel time between node v
 * and the nearest of the NSRC sources (INFINITY when none is within LIMIT
 * or reachable), source_of[v] (may be NULL) the index into SOURCES of that
 * source, or -1. TOWARD = 1 measures from each node to the sources (on
 * directed graphs this follows the arcs backwards); undirected graphs give
 * the same either way. Ties between sources go to the one settled first.
 * Returns AQ_OK, AQ_EUSAGE (a source out of range), AQ_ENOMEM. */
int aq_graph_nearest(aq_ctx *ctx, const aq_graph *g, const size_t *sources, size_t nsrc,
                     double limit, int toward, double *minutes, long *source_of);

/* A reusable single-source search: the buffers are kept between runs so
 * that many bounded searches (catchments, 2SFCA, OD rows) cost only what
 * they touch. One per thread. */
typedef struct aq_search aq_search;

int aq_search_new(aq_ctx *ctx, const aq_graph *g, aq_search **out);
void aq_search_free(aq_search *s);
/* Runs from SOURCE up to LIMIT minutes (INFINITY = no limit). With
 * TARGETS (n of them, may repeat), stops as soon as all are settled.
 * Returns the number of nodes reached, or SIZE_MAX when memory ran out. */
size_t aq_search_run(aq_search *s, size_t source, double limit, int toward,
                     const size_t *targets, size_t ntargets);
/* The nodes reached by the last run, in order of settling (borrowed). */
const uint32_t *aq_search_reached(const aq_search *s);
/* Minutes to node V in the last run; INFINITY if not reached. After a run
 * that stopped early at its targets, only settled nodes (those of
 * aq_search_reached) have final times; others may show an upper bound. */
double aq_search_minutes(const aq_search *s, size_t v);

/* ---------------------------------------------------------------------
 * Accessibility measures on plain arrays
 * ------------------------------------------------------------------- */

/* Distance-decay bands of enhanced 2SFCA (Luo & Qi 2009): a pair at t
 * minutes gets the weight of the first band with t <= upto[k]; none beyond
 * the last band. Plain 2SFCA is one band {cutoff, 1}. */
typedef struct aq_bands {
    const double *upto, *weight;
    size_t n;
} aq_bands;

/* Two-step floating catchment (Luo & Wang 2003; enhanced: Luo & Qi 2009).
 * Demand k (population pop[k] at node dem[k]), supply j (capacity cap[j]
 * at node sup[j]):
 *   R_j = cap_j / sum_k pop_k W(t_kj),   A_k = sum_j R_j W(t_kj)
 * with travel times t_kj from settlement to facility. ratio[k] gets A_k
 * (capacity per person), supply_ratio[j] (may be NULL) gets R_j (NaN when
 * no one is within reach). Runs one bounded search per facility, in
 * parallel on the context's threads. */
int aq_2sfca(aq_ctx *ctx, const aq_graph *g, const size_t *dem, const double *pop, size_t ndem,
             const size_t *sup, const double *cap, size_t nsup, const aq_bands *bands,
             double *ratio, double *supply_ratio);

/* Hansen (1959) gravity accessibility A_k = sum_j w_j exp(-beta t_kj) over
 * destinations within LIMIT minutes; with w = population it is the market
 * potential of each node. */
int aq_hansen(aq_ctx *ctx, const aq_graph *g, const size_t *orig, size_t norig,
              const size_t *dest, const double *w, size_t ndest, double beta, double limit,
              double *out);

/* ---------------------------------------------------------------------
 * Accessibility on tables: centres, settlements, pairs
 * ------------------------------------------------------------------- */

/* Column names and limits. Initialise with aq_access_opts_init. */
typedef struct aq_access_opts {
    const char *node;       /* node column of centres, settlements ("node")  */
    const char *kind;       /* centre kind column; NULL = "kind" if present  */
    const char *centre_id;  /* centre name column for output; NULL = node,
                               or name/id/code for centres placed by
                               coordinates                                  */
    const char *capacity;   /* facility capacity; NULL = "capacity" if
                               present, else 1 per facility                 */
    const char *id;         /* settlement id column; NULL = id, code, name
                               or the first text column                     */
    const char *pop;        /* population; NULL = "pop" or "population"     */
    const char *x, *y;      /* settlement (and centre) coordinates for
                               snapping when the table has no node column:
                               x/y, lon/lat                                 */
    double max_snap_km;     /* farther from the network = unreachable (inf) */
    double snap_kmh;        /* speed of the leg to the node (0: not counted) */
    double limit;           /* search limit in minutes (INFINITY)            */
} aq_access_opts;

void aq_access_opts_init(aq_access_opts *opts);

/* A straight-line graph (aq_graph_straight_new) from the coordinates of
 * every row of NTABLES tables (NULL entries skipped), in order: table 0's rows are nodes 0.., then table 1's.
 * Coordinate columns are opts->x/opts->y or x/y, lon/lat (degrees when the
 * table's CRS is geographic or the columns are called lon/lng/longitude).
 * Settlements and centres of those tables then snap to their own points
 * (snap_km 0). Returns AQ_ENOTFOUND naming a table without coordinates. */
int aq_graph_straight_from_tables(aq_ctx *ctx, const aq_table *const *tables, size_t ntables,
                                  const aq_access_opts *opts, double circuity, double kmh,
                                  aq_graph **out);

/* Travel time from every node to the nearest centre (of each kind). The
 * result has one row per node: node, minutes, centre -- or, with kinds,
 * minutes_<kind>, centre_<kind> per kind; missing when unreachable.
 * Centres are placed by their node column or, without one, snapped by their
 * coordinates (x/y, lon/lat) to the nearest node with coordinates. Centres
 * that are not nodes of the network, or more than max_snap_km from one,
 * are AQ_EINPUT (listed). */
int aq_access_nodes(aq_ctx *ctx, const aq_graph *g, const aq_table *centres,
                    const aq_access_opts *opts, aq_table **out);

/* The same per settlement: settlement, node, snap_km, population, then
 * minutes/centre per kind. Settlements that reach no centre are named with
 * their population in one warning. If SUMMARY is non-NULL it receives one
 * row per kind: kind, population, unreachable_population, share_30,
 * share_60, share_120 (of the population within 30/60/120 minutes), mean
 * and max minutes (population-weighted over those who reach one),
 * gini_minutes. If CATCHMENTS is non-NULL it receives one row per centre:
 * kind, centre, node, settlements, population, mean_minutes, max_minutes. */
int aq_access_settlements(aq_ctx *ctx, const aq_graph *g, const aq_table *centres,
                          const aq_table *settlements, const aq_access_opts *opts,
                          aq_table **out, aq_table **summary, aq_table **catchments);

/* Travel times for chosen pairs: PAIRS has columns origin, destination
 * (settlement ids when SETTLEMENTS is given, else node ids); the result
 * has origin, destination, minutes (missing when unreachable). One search
 * per distinct origin, stopped when its destinations are settled. */
int aq_access_od(aq_ctx *ctx, const aq_graph *g, const aq_table *pairs,
                 const aq_table *settlements, const aq_access_opts *opts, aq_table **out);

/* 2SFCA (or enhanced 2SFCA with several bands) of the facilities in
 * CENTRES (capacity column) for the population of SETTLEMENTS. The result
 * has settlement, node, population, ratio (capacity per person),
 * per_1000, facilities_within (count within the last band). */
int aq_access_2sfca(aq_ctx *ctx, const aq_graph *g, const aq_table *centres,
                    const aq_table *settlements, const aq_access_opts *opts,
                    const aq_bands *bands, aq_table **out);

/* ---------------------------------------------------------------------
 * Settlements and centres from the store
 * ------------------------------------------------------------------- */

/* Adds number columns lon, lat (x, y when the table's CRS is projected)
 * with each row's point, or the centroid of its polygon, unless the table
 * already has x/y or lon/lat. Rows without a geometry get missing values
 * (they cannot be placed, and are reported as such where they are used).
 * Returns AQ_OK, AQ_EINPUT (a geometry that is not a point or polygon). */
int aq_table_add_points(aq_ctx *ctx, aq_table *t);

/* The units of LEVEL (under UNDER, NULL = all) with their observations of
 * INDICATORS (NULL-terminated codes, e.g. {"population", NULL}) for PERIOD,
 * as aq_store_select gives them (code, names, parent, level, period, one
 * column per indicator) plus lon/lat from aq_table_add_points. PERIOD may
 * be NULL when the store has one period for them; several periods are
 * AQ_EUSAGE naming two. No row is AQ_ENOTFOUND. */
int aq_access_store_places(aq_ctx *ctx, aq_store *store, const char *level, const char *period,
                           const char *under, const char *const *indicators, aq_table **out);

/* The current units (no valid_to) of LEVEL as centres: code, name (Russian,
 * else Kazakh, else English) and lon/lat of their point or centroid.
 * Returns AQ_OK, AQ_ENOTFOUND (no such unit). */
int aq_access_store_units(aq_ctx *ctx, aq_store *store, const char *level, aq_table **out);

/* ---------------------------------------------------------------------
 * Networks from line files and OpenStreetMap
 * ------------------------------------------------------------------- */

typedef struct aq_network_opts {
    const char *road_class;  /* class column ("highway" for OSM, "class")   */
    const char *speeds;      /* as in aq_edge_opts                           */
    const char *minutes;     /* a column of minutes per line, if any         */
    double merge;            /* vertices closer than this (in coordinate
                                units) are the same node; 0 = exact match   */
    int directed;            /* 1: lines are one-way in digitised direction */
    int keep_unclassed;      /* 0: lines whose class has no speed are left
                                out (with a warning that counts them)       */
} aq_network_opts;

void aq_network_opts_init(aq_network_opts *opts);

/* Builds a graph from a table of lines (LineString/MultiLineString
 * geometries, as read from a line file or from the "lines" layer of an
 * .osm.pbf through GDAL). Lines are split at every vertex shared by two or
 * more lines and at their ends; lengths are geodesic (haversine) for
 * geographic coordinates, else planar in the CRS unit taken as metres.
 * Node identifiers are 0..n-1 and the graph has coordinates. */
int aq_network_from_lines(aq_ctx *ctx, const aq_table *lines, const aq_network_opts *opts,
                          aq_graph **out);

/* Reads the roads of an OpenStreetMap extract (.osm.pbf or .osm) through
 * GDAL's OSM driver: the 'lines' layer's ways that have a highway tag, as
 * a table with columns osm_id, name, highway and LineString geometries in
 * EPSG:4326, ready for aq_network_from_lines. Returns AQ_OK, AQ_EIO,
 * AQ_EINPUT, AQ_ENOMEM. */
int aq_network_read_osm(aq_ctx *ctx, const char *path, aq_table **out);

/* The edges as a table: from, to, minutes (and length_km, class when
 * known), ready for aq_graph_from_edges. */
int aq_graph_edges_table(aq_ctx *ctx, const aq_graph *g, aq_table **out);
/* The nodes as a table: node, x, y, degree, component. */
int aq_graph_nodes_table(aq_ctx *ctx, const aq_graph *g, aq_table **out);
/* One-row summary: nodes, edges, components, largest component share,
 * total length and minutes, zero-time edges. */
int aq_graph_summary(aq_ctx *ctx, const aq_graph *g, aq_table **out);

/* Parses a speed list "class=km/h,..." into a lookup used by edges and
 * lines; exposed for the CLI to validate --speeds early. Returns AQ_OK or
 * AQ_EUSAGE naming the bad item. */
int aq_speeds_check(aq_ctx *ctx, const char *speeds);

/* ---------------------------------------------------------------------
 * Scenarios
 * ------------------------------------------------------------------- */

/* Runs the plan at PATH (YAML, format in docs/scenario.md; files it names
 * are relative to it): loads the network, settlements and services, applies
 * the changes in order (relocate, road, open, close, growth) and returns a
 * table metric, before, after, change: settlements inhabited, population,
 * people moved, per service the people within 30 and 60 minutes, mean
 * minutes and people unreachable, Theil T, max/min ratio and weighted mean
 * of the indicator, and settlements and people per potential class.
 * Unknown settlements, nodes or services in the plan are AQ_ENOTFOUND
 * naming the plan line. Returns AQ_OK, AQ_EIO, AQ_EINPUT, AQ_ENOTFOUND,
 * AQ_ENOMEM. */
int aq_scenario_run(aq_ctx *ctx, const char *path, aq_table **out);

/* The same with the store DB for a plan whose settlements come from the
 * store (settlements: level: LEVEL, with period, under, population and
 * indicator codes; docs/scenario.md). DB NULL: the plan's settlements:
 * store: FILE (relative to the plan). */
int aq_scenario_run_db(aq_ctx *ctx, const char *path, const char *db, aq_table **out);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_NETWORK_H */
