/*
 * access_od.c -- travel times for chosen origin-destination pairs: one
 * search per distinct origin, stopped as soon as that origin's
 * destinations are settled, so a few pairs on a large network cost a few
 * partial searches rather than a full matrix.
 */
#include "network_int.h"
#include "table.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Resolves the id in column COL of row R to a node: through the settlement
 * table when there is one, else as a node id. */
static int resolve(aq_ctx *ctx, const aq_graph *g, const aq_table *pairs, size_t col, size_t r,
                   const aq__strmap *byid, const aq__places *p, size_t *v)
{
    char buf[256];
    const char *id = aq_table_cell(pairs, col, r, buf, sizeof buf);
    const char *src = aq_table_source(pairs) ? aq_table_source(pairs) : "pairs";
    if (byid) {
        int64_t k;
        if (!aq__strmap_get(byid, id, &k))
            return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: no settlement '%s'", src,
                           aq_table_source_line(pairs, r), id);
        *v = p->node[k];
        return AQ_OK;
    }
    if (!aq_graph_find(g, id, v))
        return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: node '%s' is not in the network", src,
                       aq_table_source_line(pairs, r), id);
    return AQ_OK;
}

typedef struct pair {
    size_t o, d, row;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    return (x->o > y->o) - (x->o < y->o);
}

int aq_access_od(aq_ctx *ctx, const aq_graph *g, const aq_table *pairs,
                 const aq_table *settlements, const aq_access_opts *opts, aq_table **out)
{
    aq_access_opts dflt;
    if (!opts) {
        aq_access_opts_init(&dflt);
        opts = &dflt;
    }
    const char *src = aq_table_source(pairs) ? aq_table_source(pairs) : "pairs";
    long co = aq_table_find(pairs, "origin"), cd = aq_table_find(pairs, "destination");
    if (co < 0 || cd < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: the pairs need columns origin and destination",
                       src);
    size_t n = aq_table_nrows(pairs);
    aq__places p;
    memset(&p, 0, sizeof p);
    aq__strmap byid = {0};
    int rc = AQ_OK;
    if (settlements) {
        rc = aq__places_load(ctx, g, settlements, opts, &p);
        char buf[256];
        for (size_t i = 0; i < p.n && !rc && p.idcol >= 0; i++)
            if (aq__strmap_put(&byid, aq_table_cell(settlements, (size_t)p.idcol, i, buf,
                                                    sizeof buf), (int64_t)i))
                rc = aq__oom(ctx);
    }
    pair *pr = rc ? NULL : aq__xmalloc(ctx, sizeof *pr * (n ? n : 1));
    size_t *targets = rc ? NULL : aq__xmalloc(ctx, sizeof *targets * (n ? n : 1));
    aq_search *s = NULL;
    aq_table *t = NULL;
    if (!rc && (!pr || !targets))
        rc = AQ_ENOMEM;
    for (size_t r = 0; r < n && !rc; r++) {
        pr[r].row = r;
        rc = resolve(ctx, g, pairs, (size_t)co, r, settlements ? &byid : NULL, &p, &pr[r].o);
        if (!rc)
            rc = resolve(ctx, g, pairs, (size_t)cd, r, settlements ? &byid : NULL, &p, &pr[r].d);
    }
    if (!rc)
        rc = aq_search_new(ctx, g, &s);
    if (!rc)
        rc = aq_table_new(ctx, n, &t);
    size_t c[3];
    if (!rc)
        rc = aq_table_add_column(ctx, t, "origin", AQ_COL_TEXT, &c[0]);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "destination", AQ_COL_TEXT, &c[1]);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "minutes", AQ_COL_NUMBER, &c[2]);
    if (!rc)
        qsort(pr, n, sizeof *pr, cmp_pair); /* group pairs by origin */
    size_t unreachable = 0;
    for (size_t a = 0; a < n && !rc;) {
        size_t b = a, nt = 0;
        while (b < n && pr[b].o == pr[a].o)
            targets[nt++] = pr[b++].d;
        if (pr[a].o != SIZE_MAX && aq_search_run(s, pr[a].o, opts->limit, 0, targets, nt) ==
                                       SIZE_MAX) {
            rc = aq__oom(ctx);
            break;
        }
        for (size_t k = a; k < b && !rc; k++) {
            double m = pr[k].o == SIZE_MAX || pr[k].d == SIZE_MAX ? INFINITY
                                                                   : aq_search_minutes(s, pr[k].d);
            char buf[256];
            size_t r = pr[k].row;
            rc = aq_table_set_text(ctx, t, c[0], r,
                                   aq_table_cell(pairs, (size_t)co, r, buf, sizeof buf));
            if (!rc)
                rc = aq_table_set_text(ctx, t, c[1], r,
                                       aq_table_cell(pairs, (size_t)cd, r, buf, sizeof buf));
            t->cols[c[2]].num[r] = isinf(m) ? NAN : m;
            unreachable += isinf(m);
        }
        a = b;
    }
    if (!rc && unreachable)
        aq__warn(ctx, "%s: %zu pair(s) are not connected by the network%s; their minutes are empty",
                 src, unreachable, isinf(opts->limit) ? "" : " within the limit");
    aq_search_free(s);
    aq__free(pr);
    aq__free(targets);
    aq__strmap_free(&byid);
    aq__places_free(&p);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
