/*
 * graph.c -- the road graph: compressed sparse row arcs built from edge
 * lists, node identifiers, coordinates and connected components.
 *
 * CSR because every search reads all arcs of a node at once: one offset
 * lookup, then a contiguous run of 16-byte arcs (minutes + head), which is
 * what keeps a million-node Dijkstra within cache-friendly reads.
 */
#include "network_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

aq_graph *aq__graph_alloc(aq_ctx *ctx)
{
    return aq__xcalloc(ctx, 1, sizeof(aq_graph));
}

void aq_graph_free(aq_graph *g)
{
    if (!g)
        return;
    aq__free(g->off);
    aq__free(g->arc);
    aq__free(g->roff);
    aq__free(g->rarc);
    aq__free(g->efrom);
    aq__free(g->eto);
    aq__free(g->emin);
    aq__free(g->elen);
    aq__free(g->eclass);
    for (size_t k = 0; k < g->nclasses; k++)
        aq__free(g->classes[k]);
    aq__free(g->classes);
    aq__free(g->idnum);
    if (g->idtxt)
        for (size_t v = 0; v < g->n; v++)
            aq__free(g->idtxt[v]);
    aq__free(g->idtxt);
    aq__strmap_free(&g->idmap);
    aq__free(g->x);
    aq__free(g->y);
    aq__free(g->pt3);
    aq__free(g);
}

/* Fills one CSR (forward, or reverse when REV) from the edge lists. */
static int fill_csr(aq_ctx *ctx, aq_graph *g, int rev, uint32_t **offp, aq__arc **arcp)
{
    size_t n = g->n, m = g->nedges;
    int both = !g->directed;
    size_t narcs = both ? 2 * m : m;
    uint32_t *off = aq__xcalloc(ctx, n + 2, sizeof *off);
    aq__arc *arc = aq__xmalloc(ctx, sizeof *arc * (narcs ? narcs : 1));
    if (!off || !arc) {
        aq__free(off);
        aq__free(arc);
        return AQ_ENOMEM;
    }
    const uint32_t *tail = rev ? g->eto : g->efrom, *head = rev ? g->efrom : g->eto;
    for (size_t k = 0; k < m; k++) {
        off[tail[k] + 2]++;
        if (both)
            off[head[k] + 2]++;
    }
    for (size_t v = 2; v < n + 2; v++)
        off[v] += off[v - 1];
    /* off[v + 1] is now the start of v; it becomes v's end as arcs land. */
    for (size_t k = 0; k < m; k++) {
        arc[off[tail[k] + 1]++] = (aq__arc){g->emin[k], head[k], (uint32_t)k};
        if (both)
            arc[off[head[k] + 1]++] = (aq__arc){g->emin[k], tail[k], (uint32_t)k};
    }
    *offp = off;
    *arcp = arc;
    return AQ_OK;
}

int aq__graph_build(aq_ctx *ctx, aq_graph *g, const char *what, const aq_table *t)
{
    size_t zero = 0, loops = 0, zero_first = 0, loop_first = 0;
    if (g->nedges > (g->directed ? UINT32_MAX : UINT32_MAX / 2) || g->n >= UINT32_MAX)
        return aq__err(ctx, AQ_EINPUT, "%s: %zu edges and %zu nodes are more than aimaq's graphs "
                       "hold (4 billion arcs)", what, g->nedges, g->n);
    for (size_t k = 0; k < g->nedges; k++) {
        double w = g->emin[k];
        size_t line = t ? aq_table_source_line(t, k) : k + 1;
        if (g->efrom[k] >= g->n || g->eto[k] >= g->n)
            return aq__err(ctx, AQ_EINPUT, "%s: edge %zu: node %u is outside 0..%zu", what, line,
                           g->efrom[k] >= g->n ? g->efrom[k] : g->eto[k], g->n - 1);
        if (isnan(w) || isinf(w))
            return aq__err(ctx, AQ_EINPUT, "%s: %s %zu: the travel time is %s; every edge needs "
                           "a finite number of minutes", what, t ? "line" : "edge", line,
                           isnan(w) ? "missing" : "infinite");
        if (w < 0)
            return aq__err(ctx, AQ_EINPUT, "%s: %s %zu: the travel time %g minutes is negative",
                           what, t ? "line" : "edge", line, w);
        if (w == 0 && zero++ == 0)
            zero_first = line;
        if (g->efrom[k] == g->eto[k] && loops++ == 0)
            loop_first = line;
    }
    if (zero)
        aq__warn(ctx, "%s: %zu edge(s) take 0 minutes (the first at %s %zu); they join their "
                 "nodes into one place", what, zero, t ? "line" : "edge", zero_first);
    if (loops)
        aq__warn(ctx, "%s: %zu edge(s) lead from a node to itself (the first at %s %zu); they "
                 "change no travel time", what, loops, t ? "line" : "edge", loop_first);
    int rc = fill_csr(ctx, g, 0, &g->off, &g->arc);
    if (!rc && g->directed)
        rc = fill_csr(ctx, g, 1, &g->roff, &g->rarc);
    return rc;
}

int aq_graph_new(aq_ctx *ctx, size_t nnodes, const uint32_t *from, const uint32_t *to,
                 const double *minutes, size_t nedges, int directed, aq_graph **out)
{
    aq_graph *g = aq__graph_alloc(ctx);
    if (!g)
        return AQ_ENOMEM;
    g->n = nnodes;
    g->nedges = nedges;
    g->directed = directed != 0;
    size_t m = nedges ? nedges : 1;
    g->efrom = aq__xmalloc(ctx, sizeof *g->efrom * m);
    g->eto = aq__xmalloc(ctx, sizeof *g->eto * m);
    g->emin = aq__xmalloc(ctx, sizeof *g->emin * m);
    int rc = g->efrom && g->eto && g->emin ? AQ_OK : AQ_ENOMEM;
    if (!rc) {
        memcpy(g->efrom, from, sizeof *from * nedges);
        memcpy(g->eto, to, sizeof *to * nedges);
        memcpy(g->emin, minutes, sizeof *minutes * nedges);
        rc = aq__graph_build(ctx, g, "graph", NULL);
    }
    if (rc) {
        aq_graph_free(g);
        return rc;
    }
    *out = g;
    return AQ_OK;
}

size_t aq_graph_nnodes(const aq_graph *g) { return g->n; }
size_t aq_graph_nedges(const aq_graph *g) { return g->nedges; }
int aq_graph_directed(const aq_graph *g) { return g->directed; }

const char *aq_graph_node_id(const aq_graph *g, size_t v, char *buf, size_t size)
{
    if (g->textids)
        snprintf(buf, size, "%s", v < g->n ? g->idtxt[v] : "");
    else
        snprintf(buf, size, "%.15g", aq_graph_node_num(g, v));
    return buf;
}

double aq_graph_node_num(const aq_graph *g, size_t v)
{
    if (g->textids || v >= g->n)
        return NAN;
    return g->idnum ? g->idnum[v] : (double)v;
}

int aq_graph_find_num(const aq_graph *g, double id, size_t *v)
{
    if (g->textids) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.15g", id);
        return aq_graph_find(g, buf, v);
    }
    if (!g->idnum) {
        if (!(id >= 0 && id < (double)g->n && id == floor(id)))
            return 0;
        *v = (size_t)id;
        return 1;
    }
    size_t lo = 0, hi = g->n; /* identifiers are sorted: binary search */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->idnum[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < g->n && g->idnum[lo] == id) {
        *v = lo;
        return 1;
    }
    return 0;
}

int aq_graph_find(const aq_graph *g, const char *id, size_t *v)
{
    if (g->textids) {
        int64_t k;
        if (!aq__strmap_get(&g->idmap, id, &k))
            return 0;
        *v = (size_t)k;
        return 1;
    }
    char *end;
    double d = strtod(id, &end);
    if (end == id || *end)
        return 0;
    return aq_graph_find_num(g, d, v);
}

int aq_graph_coords(const aq_graph *g, size_t v, double *x, double *y)
{
    if (!g->x || v >= g->n || isnan(g->x[v]))
        return 0;
    *x = g->x[v];
    *y = g->y[v];
    return 1;
}

static uint32_t uf_find(uint32_t *parent, uint32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]]; /* path halving */
        v = parent[v];
    }
    return v;
}

int aq_graph_components(aq_ctx *ctx, const aq_graph *g, uint32_t *comp, size_t *ncomp)
{
    size_t n = g->n;
    uint32_t *parent = aq__xmalloc(ctx, sizeof *parent * (n ? n : 1));
    size_t *size = aq__xcalloc(ctx, n ? n : 1, sizeof *size);
    if (!parent || !size) {
        aq__free(parent);
        aq__free(size);
        return AQ_ENOMEM;
    }
    for (size_t v = 0; v < n; v++)
        parent[v] = (uint32_t)v;
    for (size_t k = 0; k < g->nedges; k++) {
        uint32_t a = uf_find(parent, g->efrom[k]), b = uf_find(parent, g->eto[k]);
        if (a != b)
            parent[a < b ? b : a] = a < b ? a : b;
    }
    size_t count = 0, largest = 0;
    for (size_t v = 0; v < n; v++) {
        uint32_t r = uf_find(parent, (uint32_t)v);
        if (size[r]++ == 0)
            count++;
        if (size[r] > size[largest])
            largest = r;
    }
    /* Number the roots: the largest is 0, the others 1.. in node order. */
    uint32_t next = 1;
    for (size_t v = 0; v < n; v++)
        if (parent[v] == v)
            size[v] = v == largest ? 0 : next++;
    for (size_t v = 0; v < n; v++)
        comp[v] = (uint32_t)size[uf_find(parent, (uint32_t)v)];
    *ncomp = count;
    aq__free(parent);
    aq__free(size);
    return AQ_OK;
}

int aq__graph_with_edges(aq_ctx *ctx, const aq_graph *g, const uint32_t *from, const uint32_t *to,
                         const double *minutes, size_t k, aq_graph **out)
{
    aq_graph *h = aq__graph_alloc(ctx);
    if (!h)
        return AQ_ENOMEM;
    size_t m = g->nedges + k, n = g->n;
    h->n = n;
    h->nedges = m;
    h->directed = g->directed;
    h->textids = g->textids;
    h->geographic = g->geographic;
    h->unit_km = g->unit_km;
    h->efrom = aq__malloc(sizeof *h->efrom * (m ? m : 1));
    h->eto = aq__malloc(sizeof *h->eto * (m ? m : 1));
    h->emin = aq__malloc(sizeof *h->emin * (m ? m : 1));
    int rc = h->efrom && h->eto && h->emin ? AQ_OK : aq__oom(ctx);
    if (!rc) {
        memcpy(h->efrom, g->efrom, sizeof *h->efrom * g->nedges);
        memcpy(h->eto, g->eto, sizeof *h->eto * g->nedges);
        memcpy(h->emin, g->emin, sizeof *h->emin * g->nedges);
        memcpy(h->efrom + g->nedges, from, sizeof *from * k);
        memcpy(h->eto + g->nedges, to, sizeof *to * k);
        memcpy(h->emin + g->nedges, minutes, sizeof *minutes * k);
    }
    /* identifiers and coordinates are copied so that h stands alone */
    if (!rc && g->idnum && !(h->idnum = aq__malloc(sizeof *h->idnum * n)))
        rc = aq__oom(ctx);
    if (!rc && g->idnum)
        memcpy(h->idnum, g->idnum, sizeof *h->idnum * n);
    if (!rc && g->textids) {
        h->idtxt = aq__calloc(n ? n : 1, sizeof *h->idtxt);
        rc = h->idtxt ? AQ_OK : aq__oom(ctx);
        for (size_t v = 0; v < n && !rc; v++)
            if (!(h->idtxt[v] = aq__strdup(g->idtxt[v])) ||
                aq__strmap_put(&h->idmap, g->idtxt[v], (int64_t)v))
                rc = aq__oom(ctx);
    }
    if (!rc && g->x) {
        h->x = aq__malloc(sizeof *h->x * (n ? n : 1));
        h->y = aq__malloc(sizeof *h->y * (n ? n : 1));
        if (!h->x || !h->y)
            rc = aq__oom(ctx);
        else {
            memcpy(h->x, g->x, sizeof *h->x * n);
            memcpy(h->y, g->y, sizeof *h->y * n);
        }
    }
    if (!rc)
        rc = aq__graph_build(ctx, h, "network", NULL);
    if (rc) {
        aq_graph_free(h);
        return rc;
    }
    *out = h;
    return AQ_OK;
}
