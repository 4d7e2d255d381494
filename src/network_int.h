/*
 * network_int.h -- the layout of aq_graph, shared by the files that build
 * graphs (graph.c, graph_edges.c, network_lines.c) and search them
 * (dijkstra.c). Everything else uses aimaq_network.h.
 */
#ifndef AQ_NETWORK_INT_H
#define AQ_NETWORK_INT_H

#include "aq_int.h"
#include "aimaq_network.h"
#include "strmap.h"

#include <stdint.h>

/* One arc of the CSR: 16 bytes, so that a node's arcs are one stream. */
typedef struct aq__arc {
    double w;      /* minutes */
    uint32_t to;
    uint32_t edge; /* index of the edge it came from */
} aq__arc;

struct aq_graph {
    size_t n, nedges;
    int directed;
    uint32_t *off;  /* n + 1 offsets into arc (arcs leaving each node)      */
    aq__arc *arc;
    uint32_t *roff; /* directed graphs: arcs entering each node, reversed   */
    aq__arc *rarc;
    /* the edges as given */
    uint32_t *efrom, *eto;
    double *emin;
    double *elen;     /* km, or NULL                                         */
    uint16_t *eclass; /* index into classes, or NULL                         */
    char **classes;
    size_t nclasses;
    /* node identifiers: numbers (sorted ascending) or texts */
    double *idnum;    /* NULL when identifiers are the numbers 0..n-1 or text */
    char **idtxt;
    aq__strmap idmap; /* text identifiers -> node                            */
    int textids;
    /* coordinates, for snapping and tables */
    double *x, *y;    /* NaN where unknown                                    */
    int geographic;   /* 1: x, y are lon/lat degrees                       */
    double unit_km;   /* planar: km per coordinate unit (1, or 0.001 for m) */
    /* a straight-line graph (network_straight.c): no arcs; minutes between
     * any two nodes = km x circuity / kmh x 60. 0 for road graphs. */
    double straight_mpk;         /* minutes per straight-line km */
    double circuity, kmh;
    double *pt3;                 /* 3 per node: the point on the unit sphere
                                    (degrees) or (x, y, 0); NaN without
                                    coordinates. Nearer in 3-D = nearer.  */
};

/* Builds the CSR of G from its edge lists (efrom, eto, emin, n, nedges,
 * directed set). Checks the minutes; edge k is row k of table T when T is
 * given (messages then name its source line). */
int aq__graph_build(aq_ctx *ctx, aq_graph *g, const char *what, const aq_table *t);
/* A copy of G with K more edges (node indices of G): a new or upgraded
 * road (a faster parallel edge). */
int aq__graph_with_edges(aq_ctx *ctx, const aq_graph *g, const uint32_t *from, const uint32_t *to,
                         const double *minutes, size_t k, aq_graph **out);
/* Allocates an empty graph. */
aq_graph *aq__graph_alloc(aq_ctx *ctx);
/* Distance in km between two points in G's coordinates (haversine for
 * degrees, else planar times unit_km). */
double aq__graph_dist(const aq_graph *g, double x1, double y1, double x2, double y2);
/* Decides how coordinates of table T are measured: sets *geographic and
 * *unit_km from GEOGRAPHIC (1, 0 or -1 = guess), the CRS and the names of
 * the coordinate columns. */
void aq__coord_kind(const aq_table *t, const char *xname, int geographic, int *geo_out,
                    double *unit_km);
/* The speed in km/h of road class CLS under SPEEDS ("a=1,b=2,default=3" or
 * NULL for the defaults); 0 when the class has none. */
double aq__speed_of(const char *speeds, const char *cls);

/* ---- straight-line graphs (network_straight.c) ---- */

/* Nearest of NSRC sources for every node of a straight-line graph, as
 * aq_graph_nearest (ties: the first source in SOURCES). AQ_OK or
 * AQ_ENOMEM. */
int aq__straight_nearest(aq_ctx *ctx, const aq_graph *g, const size_t *sources, size_t nsrc,
                         double limit, double *minutes, long *source_of);

/* A static k-d tree over M points of 3 coordinates each (network_kd.c). */
typedef struct aq__kd {
    size_t n;
    uint32_t *idx;   /* the implicit tree: a permutation of 0..n-1 */
    const double *p; /* borrowed: 3 per point                      */
} aq__kd;

int aq__kd_build(aq_ctx *ctx, const double *pts, size_t m, aq__kd *kd);
void aq__kd_free(aq__kd *kd);
/* The point nearest to Q (squared distance in *best_d2; ties: the lowest
 * index); SIZE_MAX when the tree is empty. */
void aq__kd_nearest(const aq__kd *kd, const double *q, size_t *best, double *best_d2);
/* Every node within LIMIT minutes of SOURCE: DIST[v] set for those, their
 * list in SETTLED in increasing order of minutes (also the nodes whose
 * DIST must be reset). Returns the count, or SIZE_MAX when out of memory. */
size_t aq__straight_search(const aq_graph *g, size_t source, double limit, double *dist,
                           uint32_t *settled);

/* ---- accessibility inputs (access.c) ---- */

/* Centres (facilities) resolved to nodes, grouped by kind. */
typedef struct aq__centres {
    size_t n;
    size_t *node;
    double *cap;    /* capacity, 1 when the table has none              */
    char **label;   /* what the output calls each centre                */
    int numeric;    /* labels are numbers (node ids)                     */
    uint32_t *kind; /* index into kinds                                  */
    char **kinds;   /* kind names; one "" kind when there is no kind column */
    size_t nkinds;
} aq__centres;

int aq__centres_load(aq_ctx *ctx, const aq_graph *g, const aq_table *t,
                     const aq_access_opts *o, aq__centres *c);
void aq__centres_free(aq__centres *c);

/* Settlements resolved to nodes (by a node column or by snapping). */
typedef struct aq__places {
    size_t n;
    size_t *node;    /* SIZE_MAX when off the network (beyond max_snap_km) */
    double *snap_km; /* NaN when resolved by a node column              */
    double *pop;
    long idcol;      /* the id column of the table                      */
} aq__places;

int aq__places_load(aq_ctx *ctx, const aq_graph *g, const aq_table *t,
                    const aq_access_opts *o, aq__places *p);
void aq__places_free(aq__places *p);
/* Both of the above, for the analyses that need centres and settlements:
 * on failure neither is left loaded. */
int aq__centres_places_load(aq_ctx *ctx, const aq_graph *g, const aq_table *centres, const aq_table *settlements,
                            const aq_access_opts *o, aq__centres *c, aq__places *p);

/* ---- a plan's potential classes, recomputed (scenario_potential.c) ---- */
typedef struct aq__scen_potential aq__scen_potential;
/* Loads the potential methodology PATH over the columns it reads from the
 * settlements ST (one row per place); ALLOW_MISSING as `aimaq potential
 * --allow-missing`. Errors name the methodology's file and line. */
int aq__scen_potential_open(aq_ctx *ctx, const char *path, const aq_table *st, int allow_missing,
                            aq__scen_potential **out);
/* Computes the classes with POP (one per place) as the population and IND
 * as the column INDNAME (when the methodology reads it; IND may be NULL),
 * and reports, through PUT, settlements and population per class: the rows
 * of the first call (every class rule, and "excluded") each time. */
int aq__scen_potential_measure(aq_ctx *ctx, aq__scen_potential *sp, const double *pop, const char *indname,
                               const double *ind, int (*put)(void *user, const char *name, double v), void *user);
void aq__scen_potential_free(aq__scen_potential *sp);

#endif
