/*
 * regions.c -- the regionalisation entry points: checking the input,
 * building the symmetric contiguity graph, choosing the method, and the
 * report every method shares (sums of squares, sizes, floor totals,
 * compactness, islands).
 *
 * Regions are numbered by size, largest first (ties: the region holding the
 * lowest unit first), as rgeoda orders its clusters, so that label numbers
 * do not depend on the order in which an algorithm found the regions.
 */
#include "regions_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int aq__rgraph_build(aq_ctx *ctx, const aq_weights *w, aq__rgraph *g)
{
    size_t n = aq_weights_n(w);
    memset(g, 0, sizeof *g);
    size_t *deg = aq__xcalloc(ctx, n + 1, sizeof *deg);
    if (!deg)
        return AQ_ENOMEM;
    /* Both directions of every listed pair, then sort and drop repeats:
     * kNN weights list i -> j without j -> i, and contiguity is symmetric. */
    for (size_t i = 0; i < n; i++) {
        const uint32_t *nb;
        const double *wt;
        size_t m = aq_weights_neighbors(w, i, &nb, &wt);
        for (size_t e = 0; e < m; e++)
            if (nb[e] != i) {
                deg[i]++;
                deg[nb[e]]++;
            }
    }
    size_t *off = aq__xmalloc(ctx, (n + 1) * sizeof *off);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += deg[i];
    uint32_t *adj = aq__xmalloc(ctx, (total ? total : 1) * sizeof *adj);
    if (!off || !adj) {
        aq__free(deg);
        aq__free(off);
        aq__free(adj);
        return AQ_ENOMEM;
    }
    off[0] = 0;
    for (size_t i = 0; i < n; i++)
        off[i + 1] = off[i] + deg[i];
    memset(deg, 0, (n + 1) * sizeof *deg);
    for (size_t i = 0; i < n; i++) {
        const uint32_t *nb;
        const double *wt;
        size_t m = aq_weights_neighbors(w, i, &nb, &wt);
        for (size_t e = 0; e < m; e++) {
            uint32_t j = nb[e];
            if (j == i)
                continue;
            adj[off[i] + deg[i]++] = j;
            adj[off[j] + deg[j]++] = (uint32_t)i;
        }
    }
    /* Each row: insertion-sort (rows are short) and compact. */
    size_t out = 0;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = start, b = off[i + 1];
        start = b;
        for (size_t s = a + 1; s < b; s++) {
            uint32_t v = adj[s];
            size_t t = s;
            while (t > a && adj[t - 1] > v) {
                adj[t] = adj[t - 1];
                t--;
            }
            adj[t] = v;
        }
        off[i] = out;
        for (size_t s = a; s < b; s++)
            if (s == a || adj[s] != adj[s - 1])
                adj[out++] = adj[s];
    }
    off[n] = out;
    aq__free(deg);
    g->n = n;
    g->off = off;
    g->adj = adj;
    return AQ_OK;
}

void aq__rgraph_free(aq__rgraph *g)
{
    aq__free(g->off);
    aq__free(g->adj);
    memset(g, 0, sizeof *g);
}

int aq_regions_standardize(aq_ctx *ctx, double *x, size_t n, size_t p)
{
    if (!x || n < 2 || p < 1)
        return aq__err(ctx, AQ_EUSAGE, "standardising needs at least 2 units and 1 variable");
    for (size_t v = 0; v < p; v++) {
        double mean = 0;
        for (size_t i = 0; i < n; i++) {
            double a = x[i * p + v];
            if (!isfinite(a))
                return aq__err(ctx, AQ_EINPUT, "unit %zu, variable %zu: the value is missing",
                               i + 1, v + 1);
            mean += a;
        }
        mean /= (double)n;
        double ss = 0;
        for (size_t i = 0; i < n; i++)
            ss += (x[i * p + v] - mean) * (x[i * p + v] - mean);
        double sd = sqrt(ss / (double)(n - 1));
        if (!(sd > 0))
            return aq__err(ctx, AQ_EINPUT,
                           "variable %zu is constant: it cannot be standardised (drop it)", v + 1);
        for (size_t i = 0; i < n; i++)
            x[i * p + v] = (x[i * p + v] - mean) / sd;
    }
    return AQ_OK;
}

int aq_regions_method_parse(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "skater"))
        return AQ_REGIONS_SKATER;
    if (!strcmp(s, "schc"))
        return AQ_REGIONS_SCHC;
    if (!strcmp(s, "redcap"))
        return AQ_REGIONS_REDCAP;
    if (!strcmp(s, "maxp"))
        return AQ_REGIONS_MAXP;
    if (!strcmp(s, "azp"))
        return AQ_REGIONS_AZP;
    return 0;
}

int aq_linkage_parse(const char *s)
{
    if (!s)
        return 0;
    if (!strcmp(s, "single"))
        return AQ_LINKAGE_SINGLE;
    if (!strcmp(s, "complete"))
        return AQ_LINKAGE_COMPLETE;
    if (!strcmp(s, "average"))
        return AQ_LINKAGE_AVERAGE;
    if (!strcmp(s, "ward"))
        return AQ_LINKAGE_WARD;
    return 0;
}

void aq_regions_free(aq_regions_result *r)
{
    if (!r)
        return;
    aq__free(r->region);
    aq__free(r->size);
    aq__free(r->within);
    aq__free(r->floor_total);
    aq__free(r->join_ratio);
    aq__free(r->diameter);
    aq__free(r->island);
    aq__free(r);
}

/* Connected components: COMP gets a number per unit (in order of the
 * lowest unit), the count is returned. */
static size_t components(const aq__rgraph *g, uint32_t *comp, uint32_t *stack)
{
    size_t n = g->n, c = 0;
    for (size_t i = 0; i < n; i++)
        comp[i] = UINT32_MAX;
    for (size_t s = 0; s < n; s++) {
        if (comp[s] != UINT32_MAX)
            continue;
        size_t top = 0;
        stack[top++] = (uint32_t)s;
        comp[s] = (uint32_t)c;
        while (top) {
            uint32_t u = stack[--top];
            for (size_t e = g->off[u]; e < g->off[u + 1]; e++)
                if (comp[g->adj[e]] == UINT32_MAX) {
                    comp[g->adj[e]] = (uint32_t)c;
                    stack[top++] = g->adj[e];
                }
        }
        c++;
    }
    return c;
}

typedef struct relab {
    size_t size, first;
    uint32_t old;
} relab;

static int relab_cmp(const void *a, const void *b)
{
    const relab *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Longest shortest path (in steps) inside region R, from unit S by BFS;
 * *FAR gets the farthest unit. DIST holds UINT32_MAX for every unit on
 * entry and on return. */
static size_t bfs_ecc(const aq__rgraph *g, const uint32_t *region, uint32_t r, uint32_t s,
                      uint32_t *dist, uint32_t *queue, uint32_t *far)
{
    size_t head = 0, tail = 0, ecc = 0;
    dist[s] = 0;
    queue[tail++] = s;
    *far = s;
    while (head < tail) {
        uint32_t u = queue[head++];
        if (dist[u] > ecc) {
            ecc = dist[u];
            *far = u;
        }
        for (size_t e = g->off[u]; e < g->off[u + 1]; e++) {
            uint32_t v = g->adj[e];
            if (region[v] == r && dist[v] == UINT32_MAX) {
                dist[v] = dist[u] + 1;
                queue[tail++] = v;
            }
        }
    }
    for (size_t i = 0; i < tail; i++)
        dist[queue[i]] = UINT32_MAX;
    return ecc;
}

/* Regions larger than this get the double-sweep estimate of their diameter
 * (exact on trees, a lower bound otherwise) rather than one BFS per unit,
 * which is quadratic in the region's size. */
#define AQ_REGIONS_EXACT_DIAMETER 1024

static int report(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                  uint32_t *label, size_t nk, const double *floor, aq_regions_result *r)
{
    r->region = label; /* owned by R from here, freed with it */
    /* Renumber by size, largest first. */
    relab *rl = aq__xcalloc(ctx, nk, sizeof *rl);
    uint32_t *map = aq__xmalloc(ctx, (nk ? nk : 1) * sizeof *map);
    if (!rl || !map) {
        aq__free(rl);
        aq__free(map);
        return AQ_ENOMEM;
    }
    for (size_t c = 0; c < nk; c++) {
        rl[c].old = (uint32_t)c;
        rl[c].first = SIZE_MAX;
    }
    for (size_t i = 0; i < n; i++) {
        rl[label[i]].size++;
        if (rl[label[i]].first == SIZE_MAX)
            rl[label[i]].first = i;
    }
    qsort(rl, nk, sizeof *rl, relab_cmp);
    for (size_t c = 0; c < nk; c++)
        map[rl[c].old] = (uint32_t)c;
    aq__free(rl);
    for (size_t i = 0; i < n; i++)
        label[i] = map[label[i]];
    aq__free(map);

    r->n = n;
    r->p = p;
    r->k = nk;
    r->size = aq__xcalloc(ctx, nk, sizeof *r->size);
    r->within = aq__xcalloc(ctx, nk, sizeof *r->within);
    r->join_ratio = aq__xcalloc(ctx, nk, sizeof *r->join_ratio);
    r->diameter = aq__xcalloc(ctx, nk, sizeof *r->diameter);
    if (floor)
        r->floor_total = aq__xcalloc(ctx, nk, sizeof *r->floor_total);
    double *mean = aq__xcalloc(ctx, nk * p + p, sizeof *mean);
    size_t *links = aq__xcalloc(ctx, 2 * nk, sizeof *links);
    uint32_t *dist = aq__xmalloc(ctx, n * sizeof *dist);
    uint32_t *queue = aq__xmalloc(ctx, n * sizeof *queue);
    if (!r->size || !r->within || !r->join_ratio || !r->diameter || (floor && !r->floor_total) ||
        !mean || !links || !dist || !queue) {
        aq__free(mean);
        aq__free(links);
        aq__free(dist);
        aq__free(queue);
        return AQ_ENOMEM;
    }
    double *gmean = mean + nk * p;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = label[i];
        r->size[c]++;
        if (floor)
            r->floor_total[c] += floor[i];
        for (size_t v = 0; v < p; v++) {
            mean[c * p + v] += x[i * p + v];
            gmean[v] += x[i * p + v];
        }
    }
    for (size_t v = 0; v < p; v++)
        gmean[v] /= (double)n;
    for (size_t c = 0; c < nk; c++)
        for (size_t v = 0; v < p; v++)
            mean[c * p + v] /= (double)r->size[c];
    /* Two passes (deviations from the means), so large raw values do not
     * lose the sums of squares to cancellation. */
    r->total_ss = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = label[i];
        for (size_t v = 0; v < p; v++) {
            double d = x[i * p + v] - mean[c * p + v], t = x[i * p + v] - gmean[v];
            r->within[c] += d * d;
            r->total_ss += t * t;
        }
        for (size_t e = g->off[i]; e < g->off[i + 1]; e++) {
            links[2 * c]++;
            if (label[g->adj[e]] == c)
                links[2 * c + 1]++;
        }
    }
    r->within_ss = 0;
    for (size_t c = 0; c < nk; c++) {
        r->within_ss += r->within[c];
        r->join_ratio[c] = links[2 * c] ? (double)links[2 * c + 1] / (double)links[2 * c]
                                        : (r->size[c] == 1 ? 1.0 : NAN);
    }
    r->between_ss = r->total_ss - r->within_ss;
    r->ratio = r->total_ss > 0 ? r->between_ss / r->total_ss : NAN;

    /* Diameters: one BFS per unit for small regions, double sweep above. */
    for (size_t i = 0; i < n; i++)
        dist[i] = UINT32_MAX;
    uint8_t *swept = aq__xcalloc(ctx, nk, 1);
    if (!swept) {
        aq__free(mean);
        aq__free(links);
        aq__free(dist);
        aq__free(queue);
        return AQ_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t c = label[i], far;
        if (r->size[c] <= AQ_REGIONS_EXACT_DIAMETER) {
            size_t e = bfs_ecc(g, label, c, (uint32_t)i, dist, queue, &far);
            if (e > r->diameter[c])
                r->diameter[c] = e;
        } else if (!swept[c]) {
            swept[c] = 1;
            bfs_ecc(g, label, c, (uint32_t)i, dist, queue, &far);
            r->diameter[c] = bfs_ecc(g, label, c, far, dist, queue, &far);
        }
    }
    aq__free(swept);
    aq__free(mean);
    aq__free(links);
    aq__free(dist);
    aq__free(queue);

    r->islands = 0;
    for (size_t i = 0; i < n; i++)
        if (g->off[i] == g->off[i + 1])
            r->islands++;
    if (r->islands) {
        r->island = aq__xmalloc(ctx, r->islands * sizeof *r->island);
        if (!r->island)
            return AQ_ENOMEM;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (g->off[i] == g->off[i + 1])
                r->island[m++] = i;
    }
    return AQ_OK;
}

/* "unit 'ID' (row I)" when the weights carry ids, else "unit I" (from 1). */
static const char *unit_name(const aq_weights *w, size_t i, char *buf, size_t size)
{
    const char *id = aq_weights_id(w, i);
    if (id)
        snprintf(buf, size, "unit '%s' (row %zu)", id, i + 1);
    else
        snprintf(buf, size, "unit %zu", i + 1);
    return buf;
}

static int check_input(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq_weights *w,
                       const double *floor)
{
    if (!x || !w || n < 1 || p < 1)
        return aq__err(ctx, AQ_EUSAGE, "regions: give at least one unit and one variable");
    if (aq_weights_n(w) != n)
        return aq__err(ctx, AQ_EUSAGE, "regions: the weights have %zu units, the data %zu",
                       aq_weights_n(w), n);
    if (n >= UINT32_MAX)
        return aq__err(ctx, AQ_EUSAGE, "regions: at most %u units", UINT32_MAX - 1);
    char buf[160];
    for (size_t i = 0; i < n; i++) {
        for (size_t v = 0; v < p; v++)
            if (!isfinite(x[i * p + v]))
                return aq__err(ctx, AQ_EINPUT, "%s, variable %zu: the value is missing",
                               unit_name(w, i, buf, sizeof buf), v + 1);
        if (floor && !isfinite(floor[i]))
            return aq__err(ctx, AQ_EINPUT, "%s: the floor variable is missing",
                           unit_name(w, i, buf, sizeof buf));
    }
    return AQ_OK;
}

int aq_regions_evaluate(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq_weights *w,
                        const uint32_t *region, const double *floor, aq_regions_result **out)
{
    int rc = check_input(ctx, x, n, p, w, floor);
    if (rc)
        return rc;
    size_t nk = 0;
    for (size_t i = 0; i < n; i++)
        if (region[i] + (size_t)1 > nk)
            nk = region[i] + (size_t)1;
    uint32_t *label = aq__xmalloc(ctx, n * sizeof *label);
    uint8_t *seen = aq__xcalloc(ctx, nk, 1);
    aq_regions_result *r = aq__xcalloc(ctx, 1, sizeof *r);
    aq__rgraph g = {0};
    if (!label || !seen || !r || (rc = aq__rgraph_build(ctx, w, &g))) {
        aq__free(label);
        aq__free(seen);
        aq__free(r);
        return rc ? rc : AQ_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        seen[region[i]] = 1;
    for (size_t c = 0; c < nk; c++)
        if (!seen[c]) {
            aq__free(label);
            aq__free(seen);
            aq__free(r);
            aq__rgraph_free(&g);
            return aq__err(ctx, AQ_EINPUT, "region labels must run 0 .. %zu: %zu has no unit",
                           nk - 1, c);
        }
    aq__free(seen);
    memcpy(label, region, n * sizeof *label);
    uint32_t *comp = aq__xmalloc(ctx, 2 * n * sizeof *comp);
    if (!comp) {
        aq__free(label);
        aq__free(r);
        aq__rgraph_free(&g);
        return AQ_ENOMEM;
    }
    r->components = components(&g, comp, comp + n);
    aq__free(comp);
    r->k_requested = nk;
    rc = report(ctx, x, n, p, &g, label, nk, floor, r);
    aq__rgraph_free(&g);
    if (rc) {
        r->region = label;
        aq_regions_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

int aq_regions(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq_weights *w,
               const aq_regions_opts *o, aq_regions_result **out)
{
    int rc = check_input(ctx, x, n, p, w, o ? o->floor : NULL);
    if (rc)
        return rc;
    if (!o || o->method < AQ_REGIONS_SKATER || o->method > AQ_REGIONS_AZP)
        return aq__err(ctx, AQ_EUSAGE, "regions: unknown method %d", o ? o->method : 0);
    if (o->method != AQ_REGIONS_MAXP && (o->k < 1 || o->k > n))
        return aq__err(ctx, AQ_EUSAGE, "regions: the number of regions must be 1 .. %zu (the units)",
                       n);
    if (o->method == AQ_REGIONS_MAXP && !o->floor)
        return aq__err(ctx, AQ_EUSAGE, "regions: max-p needs a floor (it finds as many regions "
                                       "as the floor allows)");
    if (o->floor && o->method == AQ_REGIONS_AZP)
        return aq__err(ctx, AQ_EUSAGE, "regions: azp takes no floor (use maxp, skater or redcap)");
    if ((o->method == AQ_REGIONS_SCHC || o->method == AQ_REGIONS_REDCAP) &&
        (o->linkage < AQ_LINKAGE_SINGLE || o->linkage > AQ_LINKAGE_WARD))
        return aq__err(ctx, AQ_EUSAGE, "regions: unknown linkage %d", o->linkage);
    if (o->floor && o->method == AQ_REGIONS_SCHC)
        return aq__err(ctx, AQ_EUSAGE,
                       "regions: schc takes no floor (use skater or redcap with a floor)");

    aq__rgraph g;
    if ((rc = aq__rgraph_build(ctx, w, &g)))
        return rc;
    uint32_t *comp = aq__xmalloc(ctx, 2 * n * sizeof *comp);
    uint32_t *label = aq__xmalloc(ctx, n * sizeof *label);
    aq_regions_result *r = aq__xcalloc(ctx, 1, sizeof *r);
    uint32_t *eu = NULL, *ev = NULL;
    if (!comp || !label || !r) {
        rc = AQ_ENOMEM;
        goto fail;
    }
    size_t nc = components(&g, comp, comp + n);
    r->components = nc;
    r->k_requested = o->method == AQ_REGIONS_MAXP ? 0 : o->k;
    if (o->method != AQ_REGIONS_MAXP && o->k < nc) {
        size_t isl = 0;
        for (size_t i = 0; i < n; i++)
            isl += g.off[i] == g.off[i + 1];
        rc = aq__err(ctx, AQ_EINPUT,
                     "the contiguity graph has %zu separate parts (%zu of them island units "
                     "without neighbours), so no contiguous partition has fewer than %zu "
                     "regions: ask for --k %zu or more, or link the islands (e.g. --weights "
                     "knn:K)",
                     nc, isl, nc, nc);
        goto fail;
    }
    if (o->floor) {
        /* A part of the graph that does not reach the floor as a whole can
         * never form a region that does. */
        double *tot = aq__xcalloc(ctx, nc, sizeof *tot);
        if (!tot) {
            rc = AQ_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < n; i++)
            tot[comp[i]] += o->floor[i];
        for (size_t c = 0; c < nc; c++)
            if (tot[c] < o->floor_min) {
                size_t first = 0;
                char buf[160];
                while (comp[first] != c)
                    first++;
                rc = aq__err(ctx, AQ_EINPUT,
                             "the part of the contiguity graph holding %s totals %.17g of the "
                             "floor variable, below the floor %.17g: no region there can "
                             "reach it",
                             unit_name(w, first, buf, sizeof buf), tot[c], o->floor_min);
                aq__free(tot);
                goto fail;
            }
        aq__free(tot);
    }

    size_t nk = 0, ne = 0;
    int limited = 0;
    if (o->method == AQ_REGIONS_SCHC) {
        rc = aq__regions_agglomerate(ctx, x, n, p, &g, o->linkage, o->k, label, NULL, NULL, &ne);
        if (rc)
            goto fail;
        nk = n - ne;
    } else if (o->method == AQ_REGIONS_MAXP) {
        rc = aq__regions_maxp(ctx, x, n, p, &g, o->floor, o->floor_min,
                              o->iterations ? o->iterations : 99, o->seed, label, &nk);
        if (rc)
            goto fail;
    } else if (o->method == AQ_REGIONS_AZP) {
        rc = aq__regions_azp(ctx, x, n, p, &g, comp, nc, o->k, o->seed, label, &nk);
        if (rc)
            goto fail;
    } else {
        if (o->method == AQ_REGIONS_SKATER) {
            rc = aq__regions_mst(ctx, x, n, p, &g, &eu, &ev, &ne);
        } else {
            eu = aq__xmalloc(ctx, (n ? n : 1) * sizeof *eu);
            ev = aq__xmalloc(ctx, (n ? n : 1) * sizeof *ev);
            rc = eu && ev ? aq__regions_agglomerate(ctx, x, n, p, &g, o->linkage, 1, NULL, eu,
                                                    ev, &ne)
                          : AQ_ENOMEM;
        }
        if (rc)
            goto fail;
        rc = aq__regions_cut(ctx, x, n, p, eu, ev, ne, o->floor, o->floor_min, o->k, label, &nk,
                             &limited);
        if (rc)
            goto fail;
    }
    r->floor_limited = limited;
    aq__free(eu);
    aq__free(ev);
    eu = ev = NULL;
    rc = report(ctx, x, n, p, &g, label, nk, o->floor, r);
    label = NULL; /* owned by r now */
    if (rc)
        goto fail;
    aq__free(comp);
    aq__rgraph_free(&g);
    *out = r;
    return AQ_OK;
fail:
    aq__free(eu);
    aq__free(ev);
    aq__free(comp);
    aq__free(label);
    aq_regions_free(r);
    aq__rgraph_free(&g);
    return rc;
}
