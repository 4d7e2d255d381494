/*
 * access.c -- travel time to the nearest centre of each kind, per node and
 * per settlement, with the population summary (shares within 30/60/120
 * minutes, Gini of travel time) and the catchment of each centre.
 *
 * Inputs are tables: centres (node, optional kind, name, capacity) and
 * settlements (id, population, and a node column or coordinates to snap).
 * Anything that cannot be placed on the network is reported, never dropped:
 * centres off the network stop the run with their list; settlements
 * without a centre within reach are named with their population.
 */
#include "network_int.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aq_access_opts_init(aq_access_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->max_snap_km = INFINITY;
    opts->limit = INFINITY;
}

static const char *srcname(const aq_table *t, const char *dflt)
{
    return aq_table_source(t) ? aq_table_source(t) : dflt;
}

void aq__centres_free(aq__centres *c)
{
    for (size_t k = 0; c->label && k < c->n; k++)
        aq__free(c->label[k]);
    for (size_t k = 0; k < c->nkinds; k++)
        aq__free(c->kinds[k]);
    aq__free(c->label);
    aq__free(c->kinds);
    aq__free(c->node);
    aq__free(c->cap);
    aq__free(c->kind);
    memset(c, 0, sizeof *c);
}

static long first_of(const aq_table *t, const char *const *names)
{
    for (size_t k = 0; names[k]; k++) {
        long c = aq_table_find(t, names[k]);
        if (c >= 0)
            return c;
    }
    return -1;
}

static const char *const xnames[] = {"x", "lon", "lng", "longitude", NULL};
static const char *const ynames[] = {"y", "lat", "latitude", NULL};

/* Node of row R of column COL, or 0 when not in the network. */
static int node_of(const aq_graph *g, const aq_table *t, size_t col, size_t r, size_t *v)
{
    if (aq_table_coltype(t, col) == AQ_COL_NUMBER)
        return aq_graph_find_num(g, aq_table_numbers(t, col)[r], v);
    const char *s = aq_table_text(t, col, r);
    return s && aq_graph_find(g, s, v);
}

int aq__centres_load(aq_ctx *ctx, const aq_graph *g, const aq_table *t,
                     const aq_access_opts *o, aq__centres *c)
{
    const char *src = srcname(t, "centres");
    memset(c, 0, sizeof *c);
    const char *nodename = o->node ? o->node : "node";
    long cn = aq_table_find(t, nodename);
    /* Without a node column, centres are snapped by their coordinates. */
    long cx = cn < 0 ? (o->x ? aq_table_find(t, o->x) : first_of(t, xnames)) : -1;
    long cy = cn < 0 ? (o->y ? aq_table_find(t, o->y) : first_of(t, ynames)) : -1;
    if (cn < 0 && (cx < 0 || cy < 0 || !g->x))
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no '%s' column naming each centre's node (name it "
                       "with --node)%s", src, nodename, g->x ? ", nor coordinates (x/y, lon/lat)"
                       : "");
    if (cn < 0 && (aq_table_coltype(t, (size_t)cx) != AQ_COL_NUMBER ||
                   aq_table_coltype(t, (size_t)cy) != AQ_COL_NUMBER))
        return aq__err(ctx, AQ_EINPUT, "%s: centre coordinates '%s', '%s' must be numbers", src,
                       aq_table_colname(t, (size_t)cx), aq_table_colname(t, (size_t)cy));
    long ck = o->kind ? aq_table_find(t, o->kind) : aq_table_find(t, "kind");
    if (o->kind && ck < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no kind column '%s'", src, o->kind);
    static const char *const labels[] = {"name", "id", "code", NULL};
    long cl = o->centre_id ? aq_table_find(t, o->centre_id) : cn < 0 ? first_of(t, labels) : -1;
    if (o->centre_id && cl < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no centre name column '%s'", src, o->centre_id);
    long cc = o->capacity ? aq_table_find(t, o->capacity) : aq_table_find(t, "capacity");
    if (o->capacity && cc < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no capacity column '%s'", src, o->capacity);
    if (cc >= 0 && aq_table_coltype(t, (size_t)cc) != AQ_COL_NUMBER)
        return aq__err(ctx, AQ_EINPUT, "%s: capacity column '%s' holds text, not numbers", src,
                       aq_table_colname(t, (size_t)cc));
    size_t n = aq_table_nrows(t);
    if (n == 0)
        return aq__err(ctx, AQ_EINPUT, "%s: no centres", src);
    c->n = n;
    c->node = aq__xmalloc(ctx, sizeof *c->node * n);
    c->cap = aq__xmalloc(ctx, sizeof *c->cap * n);
    c->label = aq__xcalloc(ctx, n, sizeof *c->label);
    c->kind = aq__xcalloc(ctx, n, sizeof *c->kind);
    if (!c->node || !c->cap || !c->label || !c->kind) {
        aq__centres_free(c);
        return AQ_ENOMEM;
    }
    c->numeric = cl < 0 && !g->textids;
    aq__strmap kinds = {0};
    size_t capk = 0, off = 0;
    aq_buf offlist = {0};
    char buf[256];
    double *snap = cn < 0 ? aq__xmalloc(ctx, sizeof *snap * n) : NULL;
    int rc = cn < 0 && !snap ? AQ_ENOMEM : AQ_OK;
    if (!rc && cn < 0)
        rc = aq_graph_snap(ctx, g, aq_table_numbers(t, (size_t)cx), aq_table_numbers(t, (size_t)cy),
                           n, c->node, snap);
    for (size_t r = 0; r < n && !rc; r++) {
        int placed = cn >= 0 ? node_of(g, t, (size_t)cn, r, &c->node[r])
                             : c->node[r] != SIZE_MAX && snap[r] <= o->max_snap_km;
        if (!placed) {
            if (off++ < 10 && cn >= 0)
                aq__buf_printf(&offlist, "%s'%s' (line %zu)", off > 1 ? ", " : "",
                               aq_table_cell(t, (size_t)cn, r, buf, sizeof buf),
                               aq_table_source_line(t, r));
            else if (off <= 10 && c->node[r] == SIZE_MAX)
                aq__buf_printf(&offlist, "%sline %zu (no coordinates)", off > 1 ? ", " : "",
                               aq_table_source_line(t, r));
            else if (off <= 10)
                aq__buf_printf(&offlist, "%sline %zu (%.3g km from the nearest node)",
                               off > 1 ? ", " : "", aq_table_source_line(t, r), snap[r]);
            continue;
        }
        double cap = cc >= 0 ? aq_table_numbers(t, (size_t)cc)[r] : 1;
        if (!(cap >= 0))
            rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: capacity %s; every facility needs a "
                         "capacity >= 0", src, aq_table_source_line(t, r),
                         isnan(cap) ? "is missing" : "is negative");
        c->cap[r] = cap;
        if (!rc) {
            const char *lab = cl >= 0 ? aq_table_cell(t, (size_t)cl, r, buf, sizeof buf)
                                      : aq_graph_node_id(g, c->node[r], buf, sizeof buf);
            if (!(c->label[r] = aq__strdup(lab)))
                rc = aq__oom(ctx);
        }
        const char *kind = ck >= 0 ? aq_table_cell(t, (size_t)ck, r, buf, sizeof buf) : "";
        int64_t ki;
        if (!rc && !aq__strmap_get(&kinds, kind, &ki)) {
            ki = (int64_t)c->nkinds;
            char *copy = aq__strdup(kind);
            if (!copy || aq__grow(ctx, (void **)&c->kinds, &capk, c->nkinds + 1, sizeof *c->kinds) ||
                aq__strmap_put(&kinds, kind, ki)) {
                aq__free(copy);
                rc = aq__oom(ctx);
            } else {
                c->kinds[c->nkinds++] = copy;
            }
        }
        if (!rc)
            c->kind[r] = (uint32_t)ki;
    }
    if (!rc && off && cn >= 0)
        rc = aq__err(ctx, AQ_EINPUT, "%s: %zu centre(s) are not nodes of the network: %s%s; check "
                     "that centres and edges use the same node identifiers", src, off,
                     offlist.data ? offlist.data : "", off > 10 ? ", ..." : "");
    else if (!rc && off)
        rc = aq__err(ctx, AQ_EINPUT, "%s: %zu centre(s) are off the network (more than %g km from "
                     "a node): %s%s", src, off, o->max_snap_km, offlist.data ? offlist.data : "",
                     off > 10 ? ", ..." : "");
    aq__free(snap);
    aq__buf_free(&offlist);
    aq__strmap_free(&kinds);
    if (rc)
        aq__centres_free(c);
    return rc;
}

void aq__places_free(aq__places *p)
{
    aq__free(p->node);
    aq__free(p->snap_km);
    aq__free(p->pop);
    memset(p, 0, sizeof *p);
}

/* A straight-line graph built from this very table has its rows as nodes
 * 0..n-1: then each row is its own node (snap 0) without a search. Returns
 * 0, filling nothing, when any coordinate differs. */
static int own_points(const aq_graph *g, const double *x, const double *y, size_t n, size_t *node,
                      double *snap_km)
{
    if (!aq_graph_straight(g, NULL, NULL) || g->n < n)
        return 0;
    for (size_t r = 0; r < n; r++)
        if (!(x[r] == g->x[r] && y[r] == g->y[r]))
            return 0;
    for (size_t r = 0; r < n; r++) {
        node[r] = r;
        snap_km[r] = 0;
    }
    return 1;
}

int aq__places_load(aq_ctx *ctx, const aq_graph *g, const aq_table *t,
                    const aq_access_opts *o, aq__places *p)
{
    const char *src = srcname(t, "settlements");
    memset(p, 0, sizeof *p);
    static const char *const ids[] = {"id", "code", "name", NULL};
    static const char *const pops[] = {"pop", "population", NULL};
    p->idcol = o->id ? aq_table_find(t, o->id) : first_of(t, ids);
    if (o->id && p->idcol < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no settlement id column '%s'", src, o->id);
    if (p->idcol < 0)
        for (size_t j = 0; j < aq_table_ncols(t) && p->idcol < 0; j++)
            if (aq_table_coltype(t, j) == AQ_COL_TEXT)
                p->idcol = (long)j;
    long cp = o->pop ? aq_table_find(t, o->pop) : first_of(t, pops);
    if (o->pop && cp < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no population column '%s'", src, o->pop);
    if (cp >= 0 && aq_table_coltype(t, (size_t)cp) != AQ_COL_NUMBER)
        return aq__err(ctx, AQ_EINPUT, "%s: population column '%s' holds text", src,
                       aq_table_colname(t, (size_t)cp));
    long cn = aq_table_find(t, o->node ? o->node : "node");
    long cx = o->x ? aq_table_find(t, o->x) : first_of(t, xnames);
    long cy = o->y ? aq_table_find(t, o->y) : first_of(t, ynames);
    if (cn < 0 && (cx < 0 || cy < 0))
        return aq__err(ctx, AQ_ENOTFOUND, "%s: settlements need a '%s' column or coordinates "
                       "(x, y or lon, lat) to be snapped to the network", src,
                       o->node ? o->node : "node");
    size_t n = aq_table_nrows(t);
    p->n = n;
    p->node = aq__xmalloc(ctx, sizeof *p->node * (n ? n : 1));
    p->snap_km = aq__xmalloc(ctx, sizeof *p->snap_km * (n ? n : 1));
    p->pop = aq__xmalloc(ctx, sizeof *p->pop * (n ? n : 1));
    if (!p->node || !p->snap_km || !p->pop) {
        aq__places_free(p);
        return AQ_ENOMEM;
    }
    int rc = AQ_OK;
    for (size_t r = 0; r < n && !rc; r++) {
        p->pop[r] = cp >= 0 ? aq_table_numbers(t, (size_t)cp)[r] : 1;
        if (!(p->pop[r] >= 0))
            rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: population %s", src,
                         aq_table_source_line(t, r), isnan(p->pop[r]) ? "is missing" : "is negative");
    }
    if (!rc && cn >= 0) {
        char buf[128];
        for (size_t r = 0; r < n && !rc; r++) {
            p->snap_km[r] = NAN;
            if (!node_of(g, t, (size_t)cn, r, &p->node[r]))
                rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: node '%s' is not in the network", src,
                             aq_table_source_line(t, r),
                             aq_table_cell(t, (size_t)cn, r, buf, sizeof buf));
        }
    } else if (!rc) {
        if (aq_table_coltype(t, (size_t)cx) != AQ_COL_NUMBER ||
            aq_table_coltype(t, (size_t)cy) != AQ_COL_NUMBER)
            rc = aq__err(ctx, AQ_EINPUT, "%s: coordinates must be numbers", src);
        if (!rc && !own_points(g, aq_table_numbers(t, (size_t)cx), aq_table_numbers(t, (size_t)cy),
                               n, p->node, p->snap_km))
            rc = aq_graph_snap(ctx, g, aq_table_numbers(t, (size_t)cx),
                               aq_table_numbers(t, (size_t)cy), n, p->node, p->snap_km);
        size_t far = 0, first = 0;
        for (size_t r = 0; r < n && !rc; r++)
            if (p->node[r] == SIZE_MAX || p->snap_km[r] > o->max_snap_km) {
                if (far++ == 0)
                    first = r;
                p->node[r] = SIZE_MAX;
            }
        if (far) {
            char buf[128];
            aq__warn(ctx, "%s: %zu settlement(s) are more than %g km from the network or have no "
                     "coordinates (the first: '%s', line %zu); they count as unreachable", src, far,
                     o->max_snap_km, p->idcol >= 0 ? aq_table_cell(t, (size_t)p->idcol, first, buf,
                     sizeof buf) : "", aq_table_source_line(t, first));
        }
    }
    if (rc)
        aq__places_free(p);
    return rc;
}

/* ---- result tables ---- */

/* Adds a number column and returns its array to fill. */
static double *num_col(aq_ctx *ctx, aq_table *t, const char *name, int *rc)
{
    size_t c;
    if (*rc || (*rc = aq_table_add_column(ctx, t, name, AQ_COL_NUMBER, &c)))
        return NULL;
    return t->cols[c].num;
}

static void kind_name(char *buf, size_t size, const char *base, const aq__centres *c, size_t k)
{
    if (c->nkinds == 1 && !*c->kinds[0])
        snprintf(buf, size, "%s", base);
    else
        snprintf(buf, size, "%s_%s", base, c->kinds[k]);
}

/* The centre column of kind K: numbers (node ids) or text labels. */
static int centre_col(aq_ctx *ctx, aq_table *t, const aq__centres *c, size_t k, size_t *col)
{
    char name[160];
    kind_name(name, sizeof name, "centre", c, k);
    return aq_table_add_column(ctx, t, name, c->numeric ? AQ_COL_NUMBER : AQ_COL_TEXT, col);
}

static int set_centre(aq_ctx *ctx, aq_table *t, const aq_graph *g, const aq__centres *c,
                      size_t col, size_t row, long which)
{
    if (which < 0)
        return AQ_OK;
    if (c->numeric) {
        t->cols[col].num[row] = aq_graph_node_num(g, c->node[which]);
        return AQ_OK;
    }
    return aq_table_set_text(ctx, t, col, row, c->label[which]);
}

/* Runs the nearest-centre search of kind K into minutes/which (n nodes). */
static int nearest_of_kind(aq_ctx *ctx, const aq_graph *g, const aq__centres *c, size_t k,
                           double limit, double *minutes, long *which, size_t *srcbuf,
                           long *srcidx)
{
    size_t ns = 0;
    for (size_t j = 0; j < c->n; j++)
        if (c->kind[j] == k) {
            srcbuf[ns] = c->node[j];
            srcidx[ns++] = (long)j;
        }
    int rc = aq_graph_nearest(ctx, g, srcbuf, ns, limit, 1, minutes, which);
    if (rc)
        return rc;
    for (size_t v = 0; v < g->n; v++) /* source index -> centre index */
        if (which[v] >= 0)
            which[v] = srcidx[which[v]];
    return AQ_OK;
}

int aq_access_nodes(aq_ctx *ctx, const aq_graph *g, const aq_table *centres,
                    const aq_access_opts *opts, aq_table **out)
{
    aq_access_opts dflt;
    if (!opts) {
        aq_access_opts_init(&dflt);
        opts = &dflt;
    }
    aq__centres c;
    int rc = aq__centres_load(ctx, g, centres, opts, &c);
    if (rc)
        return rc;
    aq_table *t = NULL;
    long *which = aq__xmalloc(ctx, sizeof *which * (g->n ? g->n : 1));
    size_t *srcbuf = aq__xmalloc(ctx, sizeof *srcbuf * c.n);
    long *srcidx = aq__xmalloc(ctx, sizeof *srcidx * c.n);
    rc = which && srcbuf && srcidx ? aq_table_new(ctx, g->n, &t) : AQ_ENOMEM;
    size_t nodecol = 0;
    if (!rc)
        rc = aq_table_add_column(ctx, t, "node", g->textids ? AQ_COL_TEXT : AQ_COL_NUMBER, &nodecol);
    for (size_t v = 0; v < g->n && !rc; v++) {
        if (g->textids)
            rc = aq_table_set_text(ctx, t, nodecol, v, g->idtxt[v]);
        else
            t->cols[nodecol].num[v] = aq_graph_node_num(g, v);
    }
    for (size_t k = 0; k < c.nkinds && !rc; k++) {
        char name[160];
        kind_name(name, sizeof name, "minutes", &c, k);
        double *minutes = num_col(ctx, t, name, &rc);
        size_t ccol = 0;
        if (!rc)
            rc = centre_col(ctx, t, &c, k, &ccol);
        if (!rc)
            rc = nearest_of_kind(ctx, g, &c, k, opts->limit, minutes, which, srcbuf, srcidx);
        for (size_t v = 0; v < g->n && !rc; v++) {
            if (isinf(minutes[v]))
                minutes[v] = NAN; /* missing = unreachable */
            rc = set_centre(ctx, t, g, &c, ccol, v, which[v]);
        }
    }
    aq__free(which);
    aq__free(srcbuf);
    aq__free(srcidx);
    aq__centres_free(&c);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

/* Population-weighted Gini of X (trapezoid Lorenz curve over sorted X). */
typedef struct xw {
    double x, w;
} xw;

static int cmp_xw(const void *a, const void *b)
{
    double x = ((const xw *)a)->x, y = ((const xw *)b)->x;
    return (x > y) - (x < y);
}

static double weighted_gini(xw *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_xw);
    double W = 0, S = 0;
    for (size_t i = 0; i < n; i++)
        W += v[i].w, S += v[i].w * v[i].x;
    if (!(W > 0) || !(S > 0))
        return n ? 0 : NAN;
    double area = 0, cum = 0; /* area under the Lorenz curve */
    for (size_t i = 0; i < n; i++) {
        double prev = cum;
        cum += v[i].w * v[i].x / S;
        area += v[i].w / W * (prev + cum) / 2;
    }
    return 1 - 2 * area;
}

static const double thresholds[] = {30, 60, 120};

static int summary_row(aq_ctx *ctx, aq_table *s, size_t row, const char *kind, const double *mins,
                       const aq__places *p, xw *work)
{
    double pop = 0, unreach = 0, within[3] = {0, 0, 0}, sum = 0, max = 0;
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++) {
        pop += p->pop[i];
        if (isnan(mins[i])) {
            unreach += p->pop[i];
            continue;
        }
        for (int k = 0; k < 3; k++)
            within[k] += mins[i] <= thresholds[k] ? p->pop[i] : 0;
        sum += p->pop[i] * mins[i];
        max = fmax(max, mins[i]);
        work[m++] = (xw){mins[i], p->pop[i]};
    }
    double reach = pop - unreach;
    double v[] = {pop, unreach, within[0] / pop, within[1] / pop, within[2] / pop,
                  reach > 0 ? sum / reach : NAN, m ? max : NAN, weighted_gini(work, m)};
    int rc = aq_table_set_text(ctx, s, 0, row, *kind ? kind : "all");
    for (size_t k = 0; k < sizeof v / sizeof *v && !rc; k++)
        rc = aq_table_set_number(ctx, s, k + 1, row, pop > 0 || k < 2 ? v[k] : NAN);
    return rc;
}

static int add_named(aq_ctx *ctx, aq_table *t, const char *const *names, size_t ntext)
{
    int rc = AQ_OK;
    for (size_t k = 0; names[k] && !rc; k++)
        rc = aq_table_add_column(ctx, t, names[k], k < ntext ? AQ_COL_TEXT : AQ_COL_NUMBER, NULL);
    return rc;
}

/* Catchments: per centre, the settlements whose nearest centre it is. */
static int catchment_rows(aq_ctx *ctx, aq_table *ct, const aq__centres *c, size_t k,
                          const double *mins, const long *cen, const aq__places *p)
{
    static const size_t fields = 4; /* settlements, population, sum minutes*pop, max */
    double *acc = aq__xcalloc(ctx, c->n * fields, sizeof *acc);
    if (!acc)
        return AQ_ENOMEM;
    for (size_t i = 0; i < p->n; i++) {
        if (cen[i] < 0)
            continue;
        double *a = acc + (size_t)cen[i] * fields;
        a[0] += 1;
        a[1] += p->pop[i];
        a[2] += p->pop[i] * mins[i];
        a[3] = fmax(a[3], mins[i]);
    }
    int rc = AQ_OK;
    for (size_t j = 0; j < c->n && !rc; j++) {
        if (c->kind[j] != k)
            continue;
        size_t row = j; /* one row per centre, in table order */
        const double *a = acc + j * fields;
        rc = aq_table_set_text(ctx, ct, 0, row, *c->kinds[k] ? c->kinds[k] : "all");
        if (!rc)
            rc = aq_table_set_text(ctx, ct, 1, row, c->label[j]);
        double v[] = {a[0], a[1], a[1] > 0 ? a[2] / a[1] : NAN, a[0] > 0 ? a[3] : NAN};
        for (size_t f = 0; f < 4 && !rc; f++)
            rc = aq_table_set_number(ctx, ct, f + 3, row, v[f]);
    }
    aq__free(acc);
    return rc;
}

int aq__centres_places_load(aq_ctx *ctx, const aq_graph *g, const aq_table *centres, const aq_table *settlements,
                            const aq_access_opts *o, aq__centres *c, aq__places *p)
{
    int rc = aq__centres_load(ctx, g, centres, o, c);
    if (rc)
        return rc;
    if ((rc = aq__places_load(ctx, g, settlements, o, p)))
        aq__centres_free(c);
    return rc;
}

int aq_access_settlements(aq_ctx *ctx, const aq_graph *g, const aq_table *centres,
                          const aq_table *settlements, const aq_access_opts *opts,
                          aq_table **out, aq_table **summary, aq_table **catchments)
{
    aq_access_opts dflt;
    if (!opts) {
        aq_access_opts_init(&dflt);
        opts = &dflt;
    }
    aq__centres c;
    aq__places p;
    int rc = aq__centres_places_load(ctx, g, centres, settlements, opts, &c, &p);
    if (rc)
        return rc;
    const char *src = srcname(settlements, "settlements");
    size_t n = p.n;
    aq_table *t = NULL, *s = NULL, *ct = NULL;
    double *dist = aq__xmalloc(ctx, sizeof *dist * (g->n ? g->n : 1));
    long *which = aq__xmalloc(ctx, sizeof *which * (g->n ? g->n : 1));
    long *cen = aq__xmalloc(ctx, sizeof *cen * (n ? n : 1));
    size_t *srcbuf = aq__xmalloc(ctx, sizeof *srcbuf * c.n);
    long *srcidx = aq__xmalloc(ctx, sizeof *srcidx * c.n);
    xw *work = aq__xmalloc(ctx, sizeof *work * (n ? n : 1));
    rc = dist && which && cen && srcbuf && srcidx && work ? aq_table_new(ctx, n, &t) : AQ_ENOMEM;
    if (!rc && summary)
        rc = aq_table_new(ctx, c.nkinds, &s);
    static const char *const snames[] = {"kind", "population", "unreachable_population",
                                         "share_30", "share_60", "share_120", "mean_minutes",
                                         "max_minutes", "gini_minutes", NULL};
    if (!rc && s)
        rc = add_named(ctx, s, snames, 1);
    if (!rc && catchments)
        rc = aq_table_new(ctx, c.n, &ct);
    static const char *const cnames[] = {"kind", "centre", "node", "settlements", "population",
                                         "mean_minutes", "max_minutes", NULL};
    if (!rc && ct)
        rc = add_named(ctx, ct, cnames, 3);
    size_t idc = 0;
    char buf[256];
    if (!rc)
        rc = aq_table_add_column(ctx, t, "settlement", AQ_COL_TEXT, &idc);
    size_t nodec = 0;
    if (!rc)
        rc = aq_table_add_column(ctx, t, "node", g->textids ? AQ_COL_TEXT : AQ_COL_NUMBER, &nodec);
    double *snap = num_col(ctx, t, "snap_km", &rc);
    double *popcol = num_col(ctx, t, "population", &rc);
    for (size_t i = 0; i < n && !rc; i++) {
        if (p.idcol >= 0)
            rc = aq_table_set_text(ctx, t, idc, i,
                                   aq_table_cell(settlements, (size_t)p.idcol, i, buf, sizeof buf));
        if (!rc && p.node[i] != SIZE_MAX && g->textids)
            rc = aq_table_set_text(ctx, t, nodec, i, g->idtxt[p.node[i]]);
        else if (p.node[i] != SIZE_MAX)
            t->cols[nodec].num[i] = aq_graph_node_num(g, p.node[i]);
        snap[i] = p.snap_km[i];
        popcol[i] = p.pop[i];
    }
    for (size_t k = 0; k < c.nkinds && !rc; k++) {
        char name[160];
        kind_name(name, sizeof name, "minutes", &c, k);
        double *mins = num_col(ctx, t, name, &rc);
        size_t ccol = 0;
        if (!rc)
            rc = centre_col(ctx, t, &c, k, &ccol);
        if (!rc)
            rc = nearest_of_kind(ctx, g, &c, k, opts->limit, dist, which, srcbuf, srcidx);
        aq_buf list = {0};
        size_t nun = 0;
        double unpop = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            size_t v = p.node[i];
            double m = v == SIZE_MAX ? INFINITY : dist[v];
            if (!isinf(m) && opts->snap_kmh > 0 && !isnan(p.snap_km[i]))
                m += p.snap_km[i] / opts->snap_kmh * 60;
            cen[i] = isinf(m) ? -1 : which[v];
            mins[i] = isinf(m) ? NAN : m;
            rc = set_centre(ctx, t, g, &c, ccol, i, cen[i]);
            if (isinf(m)) {
                unpop += p.pop[i];
                if (nun++ < 20)
                    aq__buf_printf(&list, "%s%s (%.15g)", nun > 1 ? ", " : "",
                                   p.idcol >= 0 ? aq_table_cell(settlements, (size_t)p.idcol, i,
                                                                buf, sizeof buf) : "?",
                                   p.pop[i]);
            }
        }
        if (!rc && nun)
            aq__warn(ctx, "%s: %zu settlement(s) with %.15g people reach no %s%scentre%s%s: %s%s",
                     src, nun, unpop, *c.kinds[k] ? c.kinds[k] : "", *c.kinds[k] ? " " : "",
                     isinf(opts->limit) ? "" : " within the limit",
                     isinf(opts->limit) ? " (another part of the network)" : "",
                     list.data ? list.data : "", nun > 20 ? ", ..." : "");
        aq__buf_free(&list);
        if (!rc && s)
            rc = summary_row(ctx, s, k, c.kinds[k], mins, &p, work);
        if (!rc && ct)
            rc = catchment_rows(ctx, ct, &c, k, mins, cen, &p);
    }
    if (!rc && ct) /* node ids of the centres */
        for (size_t j = 0; j < c.n && !rc; j++)
            rc = aq_table_set_text(ctx, ct, 2, j, aq_graph_node_id(g, c.node[j], buf, sizeof buf));
    aq__free(dist);
    aq__free(which);
    aq__free(cen);
    aq__free(srcbuf);
    aq__free(srcidx);
    aq__free(work);
    aq__centres_free(&c);
    aq__places_free(&p);
    if (rc) {
        aq_table_free(t);
        aq_table_free(s);
        aq_table_free(ct);
        return rc;
    }
    *out = t;
    if (summary)
        *summary = s;
    if (catchments)
        *catchments = ct;
    return AQ_OK;
}
