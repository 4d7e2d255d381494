/*
 * graph_edges.c -- a graph from an edge table (from, to, minutes; or
 * length and road class with speeds), keeping the identifiers the table
 * gives its nodes.
 *
 * Numeric identifiers that are small non-negative integers (the common
 * case: 0..n-1 or 1..n) are numbered through a presence array in one pass;
 * any other numbers (OSM ids up to 2^53) are sorted and found by binary
 * search; text identifiers go through a hash map in order of appearance.
 */
#include "network_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void aq_edge_opts_init(aq_edge_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->from = "from";
    opts->to = "to";
    opts->cost = "minutes";
    opts->length = "length_km";
    opts->road_class = "class";
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static size_t lower_bound(const double *v, size_t n, double x)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Numbers the numeric identifiers of columns a and b (m rows each). */
static int number_ids(aq_ctx *ctx, aq_graph *g, const double *a, const double *b, size_t m,
                      const aq_table *t, const char *src)
{
    double maxid = -1;
    bool small = true;
    for (size_t k = 0; k < 2 * m; k++) {
        double id = k < m ? a[k] : b[k - m];
        if (isnan(id))
            return aq__err(ctx, AQ_EINPUT, "%s: line %zu: the %s node is missing", src,
                           aq_table_source_line(t, k % m), k < m ? "from" : "to");
        if (!(id >= 0 && id == floor(id) && id < 4294967295.0))
            small = false;
        else if (id > maxid)
            maxid = id;
    }
    small = small && maxid < 4.0 * (double)m + 1024;
    if (small) {
        size_t range = (size_t)maxid + 1;
        uint32_t *idx = aq__xcalloc(ctx, range ? range : 1, sizeof *idx);
        if (!idx)
            return AQ_ENOMEM;
        for (size_t k = 0; k < m; k++)
            idx[(size_t)a[k]] = idx[(size_t)b[k]] = 1;
        size_t n = 0;
        for (size_t v = 0; v < range; v++)
            idx[v] = idx[v] ? (uint32_t)(n++) + 1 : 0;
        g->n = n;
        if (n != range) { /* gaps: keep the identifiers */
            g->idnum = aq__xmalloc(ctx, sizeof *g->idnum * (n ? n : 1));
            if (!g->idnum) {
                aq__free(idx);
                return AQ_ENOMEM;
            }
            for (size_t v = 0; v < range; v++)
                if (idx[v])
                    g->idnum[idx[v] - 1] = (double)v;
        }
        for (size_t k = 0; k < m; k++) {
            g->efrom[k] = idx[(size_t)a[k]] - 1;
            g->eto[k] = idx[(size_t)b[k]] - 1;
        }
        aq__free(idx);
        return AQ_OK;
    }
    double *ids = aq__xmalloc(ctx, sizeof *ids * (m ? 2 * m : 1));
    if (!ids)
        return AQ_ENOMEM;
    memcpy(ids, a, sizeof *ids * m);
    memcpy(ids + m, b, sizeof *ids * m);
    qsort(ids, 2 * m, sizeof *ids, cmp_double);
    size_t n = 0;
    for (size_t k = 0; k < 2 * m; k++)
        if (n == 0 || ids[k] != ids[n - 1])
            ids[n++] = ids[k];
    g->n = n;
    g->idnum = ids;
    for (size_t k = 0; k < m; k++) {
        g->efrom[k] = (uint32_t)lower_bound(ids, n, a[k]);
        g->eto[k] = (uint32_t)lower_bound(ids, n, b[k]);
    }
    return AQ_OK;
}

/* Numbers text identifiers (or a mix: numbers are written as text). */
static int text_ids(aq_ctx *ctx, aq_graph *g, const aq_table *t, size_t ca, size_t cb, size_t m,
                    const char *src)
{
    g->textids = 1;
    size_t cap = 0;
    char buf[64];
    for (size_t k = 0; k < 2 * m; k++) {
        size_t col = k < m ? ca : cb, row = k % m;
        const char *id = aq_table_cell(t, col, row, buf, sizeof buf);
        if (!*id)
            return aq__err(ctx, AQ_EINPUT, "%s: line %zu: the %s node is missing", src,
                           aq_table_source_line(t, row), k < m ? "from" : "to");
        int64_t v;
        if (!aq__strmap_get(&g->idmap, id, &v)) {
            v = (int64_t)g->n;
            char *copy = aq__strdup(id);
            if (!copy || aq__grow(ctx, (void **)&g->idtxt, &cap, g->n + 1, sizeof *g->idtxt) ||
                aq__strmap_put(&g->idmap, id, v)) {
                aq__free(copy);
                return aq__oom(ctx);
            }
            g->idtxt[g->n++] = copy;
        }
        (k < m ? g->efrom : g->eto)[row] = (uint32_t)v;
    }
    return AQ_OK;
}

/* Minutes from length and class when the table has no minutes column. */
static int minutes_from_speed(aq_ctx *ctx, aq_graph *g, const aq_table *t,
                              const aq_edge_opts *o, const char *src)
{
    long cl = aq_table_find(t, o->length ? o->length : "length_km");
    long cc = aq_table_find(t, o->road_class ? o->road_class : "class");
    if (cl < 0 || aq_table_coltype(t, (size_t)cl) != AQ_COL_NUMBER)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no minutes column '%s' and no numeric length "
                       "column '%s' to compute minutes from; name them with --cost or --length",
                       src, o->cost ? o->cost : "minutes", o->length ? o->length : "length_km");
    const double *len = aq_table_numbers(t, (size_t)cl);
    size_t m = g->nedges;
    g->elen = aq__xmalloc(ctx, sizeof *g->elen * (m ? m : 1));
    if (!g->elen)
        return AQ_ENOMEM;
    memcpy(g->elen, len, sizeof *len * m);
    aq__strmap classes = {0};
    double *speed = NULL;
    size_t ncls = 0, capc = 0, caps = 0, unknown = 0, unknown_first = 0;
    char buf[128];
    int rc = AQ_OK;
    for (size_t k = 0; k < m && !rc; k++) {
        const char *cls = cc >= 0 ? aq_table_cell(t, (size_t)cc, k, buf, sizeof buf) : "";
        int64_t ci;
        if (!aq__strmap_get(&classes, cls, &ci)) {
            ci = (int64_t)ncls;
            if (aq__grow(ctx, (void **)&speed, &caps, ncls + 1, sizeof *speed) ||
                aq__grow(ctx, (void **)&g->classes, &capc, ncls + 1, sizeof *g->classes) ||
                !(g->classes[ncls] = aq__strdup(cls)) || aq__strmap_put(&classes, cls, ci)) {
                rc = aq__oom(ctx);
                break;
            }
            speed[ncls] = aq__speed_of(o->speeds, *cls ? cls : NULL);
            g->nclasses = ++ncls;
        }
        double kmh = speed[ci];
        if (!(kmh > 0)) {
            if (unknown++ == 0)
                unknown_first = k;
            g->emin[k] = NAN;
        } else {
            g->emin[k] = len[k] / kmh * 60.0;
        }
    }
    if (!rc && unknown) {
        char cls[128];
        aq_table_cell(t, cc >= 0 ? (size_t)cc : 0, unknown_first, cls, sizeof cls);
        rc = aq__err(ctx, AQ_EINPUT, "%s: %zu edge(s) have a road class with no speed, the first "
                     "at line %zu (class '%s'); give it with --speeds '%s=KMH' or a default with "
                     "--speeds default=KMH", src, unknown, aq_table_source_line(t, unknown_first),
                     cc >= 0 ? cls : "", cc >= 0 && *cls ? cls : "default");
    }
    aq__strmap_free(&classes);
    aq__free(speed);
    return rc;
}

int aq_graph_from_edges(aq_ctx *ctx, const aq_table *t, const aq_edge_opts *opts,
                        aq_graph **out)
{
    aq_edge_opts dflt;
    if (!opts) {
        aq_edge_opts_init(&dflt);
        opts = &dflt;
    }
    const char *src = aq_table_source(t) ? aq_table_source(t) : "edges";
    const char *fn = opts->from ? opts->from : "from", *tn = opts->to ? opts->to : "to";
    long ca = aq_table_find(t, fn), cb = aq_table_find(t, tn);
    if (ca < 0 || cb < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no '%s' column of edge %s nodes (name it with "
                       "--%s)", src, ca < 0 ? fn : tn, ca < 0 ? "start" : "end",
                       ca < 0 ? "from" : "to");
    size_t m = aq_table_nrows(t);
    if (m == 0)
        return aq__err(ctx, AQ_EINPUT, "%s: the edge table is empty", src);
    aq_graph *g = aq__graph_alloc(ctx);
    if (!g)
        return AQ_ENOMEM;
    g->nedges = m;
    g->directed = opts->directed != 0;
    g->efrom = aq__xmalloc(ctx, sizeof *g->efrom * m);
    g->eto = aq__xmalloc(ctx, sizeof *g->eto * m);
    g->emin = aq__xmalloc(ctx, sizeof *g->emin * m);
    int rc = g->efrom && g->eto && g->emin ? AQ_OK : AQ_ENOMEM;
    if (!rc) {
        if (aq_table_coltype(t, (size_t)ca) == AQ_COL_NUMBER &&
            aq_table_coltype(t, (size_t)cb) == AQ_COL_NUMBER)
            rc = number_ids(ctx, g, aq_table_numbers(t, (size_t)ca),
                            aq_table_numbers(t, (size_t)cb), m, t, src);
        else
            rc = text_ids(ctx, g, t, (size_t)ca, (size_t)cb, m, src);
    }
    if (!rc) {
        long cm = aq_table_find(t, opts->cost ? opts->cost : "minutes");
        if (cm >= 0 && aq_table_coltype(t, (size_t)cm) != AQ_COL_NUMBER)
            rc = aq__err(ctx, AQ_EINPUT, "%s: the minutes column '%s' holds text, not numbers",
                         src, aq_table_colname(t, (size_t)cm));
        else if (cm >= 0)
            memcpy(g->emin, aq_table_numbers(t, (size_t)cm), sizeof *g->emin * m);
        else
            rc = minutes_from_speed(ctx, g, t, opts, src);
    }
    if (!rc)
        rc = aq__graph_build(ctx, g, src, t);
    if (rc) {
        aq_graph_free(g);
        return rc;
    }
    *out = g;
    return AQ_OK;
}
