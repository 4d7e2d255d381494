/*
 * regions_tree.c -- SKATER (Assuncao, Neves, Camara and Freitas 2006): the
 * minimum spanning tree of the contiguity graph with attribute
 * dissimilarities as edge lengths, then cuts. The cutter serves REDCAP
 * too, on the tree its agglomeration leaves.
 *
 * A cut removes one tree edge and splits its tree in two; the best cut of a
 * tree is the edge whose removal lowers the within sum of squares most (and
 * leaves both sides at or above the floor). Rooting each tree and summing
 * the attributes over every subtree gives the sums of squares of both sides
 * of every edge at once, ssd(S) = sum x^2 - |sum x|^2 / |S|, so a tree of m
 * units is scanned in O(m p) rather than the O(m^2 p) of evaluating each
 * cut afresh (libgeoda and spdep do the latter).
 */
#include "regions_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct wedge {
    double d;
    uint32_t i, j;
} wedge;

static int wedge_cmp(const void *a, const void *b)
{
    const wedge *x = a, *y = b;
    if (x->d != y->d)
        return x->d < y->d ? -1 : 1;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

static uint32_t uf_find(uint32_t *par, uint32_t a)
{
    while (par[a] != a) {
        par[a] = par[par[a]];
        a = par[a];
    }
    return a;
}

int aq__regions_mst(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                    uint32_t **eu, uint32_t **ev, size_t *ne)
{
    size_t m = g->off[n] / 2;
    wedge *e = aq__xmalloc(ctx, (m ? m : 1) * sizeof *e);
    uint32_t *par = aq__xmalloc(ctx, (n ? n : 1) * sizeof *par);
    uint32_t *rank = aq__xcalloc(ctx, n ? n : 1, sizeof *rank);
    uint32_t *u = aq__xmalloc(ctx, (n ? n : 1) * sizeof *u);
    uint32_t *v = aq__xmalloc(ctx, (n ? n : 1) * sizeof *v);
    if (!e || !par || !rank || !u || !v) {
        aq__free(e);
        aq__free(par);
        aq__free(rank);
        aq__free(u);
        aq__free(v);
        return AQ_ENOMEM;
    }
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = g->off[i]; k < g->off[i + 1]; k++)
            if (g->adj[k] > i)
                e[c++] = (wedge){aq__rdist(x, p, i, g->adj[k]), (uint32_t)i, g->adj[k]};
    qsort(e, c, sizeof *e, wedge_cmp);
    for (size_t i = 0; i < n; i++)
        par[i] = (uint32_t)i;
    size_t t = 0;
    for (size_t k = 0; k < c && t + 1 < n; k++) {
        uint32_t a = uf_find(par, e[k].i), b = uf_find(par, e[k].j);
        if (a == b)
            continue;
        if (rank[a] < rank[b]) {
            uint32_t s = a;
            a = b;
            b = s;
        }
        par[b] = a;
        if (rank[a] == rank[b])
            rank[a]++;
        u[t] = e[k].i;
        v[t] = e[k].j;
        t++;
    }
    aq__free(e);
    aq__free(par);
    aq__free(rank);
    *eu = u;
    *ev = v;
    *ne = t;
    return AQ_OK;
}

typedef struct rtree {
    uint32_t root, size;
    double ssd, red; /* within SS of the tree; reduction of its best cut */
    uint32_t cut;    /* the unit whose edge to its parent is the best cut */
    int ok;          /* a cut satisfying the floor exists                */
} rtree;

typedef struct cutter {
    size_t n, p;
    const double *x, *gmean, *floor;
    double fmin;
    size_t *off;      /* forest adjacency */
    uint32_t *adj, *eid;
    uint8_t *active;  /* per edge */
    uint32_t *par;    /* parent unit in the rooted tree */
    uint32_t *order, *stack, *cnt, *label;
    double *S, *Q, *F;
} cutter;

/* Roots tree T at its root, labels its units, and finds its best cut. */
static void eval_tree(cutter *c, rtree *t, uint32_t id)
{
    size_t p = c->p, m = 0, top = 0;
    c->stack[top++] = t->root;
    c->par[t->root] = UINT32_MAX;
    c->label[t->root] = id;
    while (top) {
        uint32_t u = c->stack[--top];
        c->order[m++] = u;
        for (size_t k = c->off[u]; k < c->off[u + 1]; k++) {
            uint32_t v = c->adj[k];
            if (!c->active[c->eid[k]] || v == c->par[u])
                continue;
            c->par[v] = u;
            c->label[v] = id;
            c->stack[top++] = v;
        }
    }
    for (size_t a = 0; a < m; a++) {
        uint32_t u = c->order[a];
        double q = 0;
        for (size_t v = 0; v < p; v++) {
            double z = c->x[u * p + v] - c->gmean[v];
            c->S[u * p + v] = z;
            q += z * z;
        }
        c->Q[u] = q;
        c->cnt[u] = 1;
        if (c->floor)
            c->F[u] = c->floor[u];
    }
    for (size_t a = m; a-- > 1;) {
        uint32_t u = c->order[a], w = c->par[u];
        for (size_t v = 0; v < p; v++)
            c->S[w * p + v] += c->S[u * p + v];
        c->Q[w] += c->Q[u];
        c->cnt[w] += c->cnt[u];
        if (c->floor)
            c->F[w] += c->F[u];
    }
    uint32_t r = t->root;
    const double *Sr = c->S + (size_t)r * p;
    double s2 = 0;
    for (size_t v = 0; v < p; v++)
        s2 += Sr[v] * Sr[v];
    t->size = (uint32_t)m;
    t->ssd = c->Q[r] - s2 / (double)m;
    t->ok = 0;
    t->red = -INFINITY;
    for (size_t a = 1; a < m; a++) {
        uint32_t u = c->order[a];
        if (c->floor && (c->F[u] < c->fmin || c->F[r] - c->F[u] < c->fmin))
            continue;
        const double *Su = c->S + (size_t)u * p;
        double a2 = 0, b2 = 0;
        for (size_t v = 0; v < p; v++) {
            a2 += Su[v] * Su[v];
            b2 += (Sr[v] - Su[v]) * (Sr[v] - Su[v]);
        }
        double n1 = c->cnt[u], n2 = (double)m - n1;
        double ssd1 = c->Q[u] - a2 / n1, ssd2 = (c->Q[r] - c->Q[u]) - b2 / n2;
        double red = t->ssd - ssd1 - ssd2;
        if (red > t->red) {
            t->red = red;
            t->cut = u;
            t->ok = 1;
        }
    }
}

int aq__regions_cut(aq_ctx *ctx, const double *x, size_t n, size_t p, const uint32_t *eu,
                    const uint32_t *ev, size_t ne, const double *floor, double fmin, size_t k,
                    uint32_t *label, size_t *nk, int *limited)
{
    cutter c = {.n = n, .p = p, .x = x, .floor = floor, .fmin = fmin, .label = label};
    double *gmean = aq__xcalloc(ctx, p, sizeof *gmean);
    c.off = aq__xcalloc(ctx, n + 1, sizeof *c.off);
    c.adj = aq__xmalloc(ctx, (2 * ne + 1) * sizeof *c.adj);
    c.eid = aq__xmalloc(ctx, (2 * ne + 1) * sizeof *c.eid);
    c.active = aq__xmalloc(ctx, ne + 1);
    c.par = aq__xmalloc(ctx, n * sizeof *c.par);
    c.order = aq__xmalloc(ctx, n * sizeof *c.order);
    c.stack = aq__xmalloc(ctx, n * sizeof *c.stack);
    c.cnt = aq__xmalloc(ctx, n * sizeof *c.cnt);
    c.S = aq__xmalloc(ctx, n * p * sizeof *c.S);
    c.Q = aq__xmalloc(ctx, n * sizeof *c.Q);
    c.F = floor ? aq__xmalloc(ctx, n * sizeof *c.F) : NULL;
    size_t cap = k < 64 ? 64 : k;
    rtree *trees = aq__xmalloc(ctx, cap * sizeof *trees);
    int rc = AQ_OK;
    if (!gmean || !c.off || !c.adj || !c.eid || !c.active || !c.par || !c.order || !c.stack ||
        !c.cnt || !c.S || !c.Q || (floor && !c.F) || !trees) {
        rc = AQ_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < p; v++)
            gmean[v] += x[i * p + v];
    for (size_t v = 0; v < p; v++)
        gmean[v] /= (double)n;
    c.gmean = gmean;
    for (size_t e = 0; e < ne; e++) {
        c.off[eu[e] + 1]++;
        c.off[ev[e] + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        c.off[i + 1] += c.off[i];
    /* Fill the adjacency in edge order (a second cursor per row). */
    uint32_t *cur = c.cnt;
    for (size_t i = 0; i < n; i++)
        cur[i] = 0;
    for (size_t e = 0; e < ne; e++) {
        uint32_t a = eu[e], b = ev[e];
        c.adj[c.off[a] + cur[a]] = b;
        c.eid[c.off[a] + cur[a]++] = (uint32_t)e;
        c.adj[c.off[b] + cur[b]] = a;
        c.eid[c.off[b] + cur[b]++] = (uint32_t)e;
        c.active[e] = 1;
    }
    for (size_t i = 0; i < n; i++)
        label[i] = UINT32_MAX;
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        if (label[i] != UINT32_MAX)
            continue;
        if (nt == cap) {
            cap *= 2;
            rtree *t2 = aq__realloc(trees, cap * sizeof *trees);
            if (!t2) {
                rc = aq__oom(ctx);
                goto done;
            }
            trees = t2;
        }
        trees[nt].root = (uint32_t)i;
        eval_tree(&c, &trees[nt], (uint32_t)nt);
        nt++;
    }
    *limited = 0;
    while (nt < k) {
        size_t best = SIZE_MAX;
        for (size_t t = 0; t < nt; t++)
            if (trees[t].ok && (best == SIZE_MAX || trees[t].red > trees[best].red))
                best = t;
        if (best == SIZE_MAX) {
            /* k <= n, so only the floor can leave every tree uncuttable. */
            *limited = 1;
            break;
        }
        if (nt == cap) {
            cap *= 2;
            rtree *t2 = aq__realloc(trees, cap * sizeof *trees);
            if (!t2) {
                rc = aq__oom(ctx);
                goto done;
            }
            trees = t2;
        }
        uint32_t u = trees[best].cut, w = c.par[u];
        /* c.par is valid for every unit: each eval roots its whole tree. */
        for (size_t e = c.off[u]; e < c.off[u + 1]; e++)
            if (c.adj[e] == w)
                c.active[c.eid[e]] = 0;
        trees[nt].root = u;
        eval_tree(&c, &trees[best], (uint32_t)best);
        eval_tree(&c, &trees[nt], (uint32_t)nt);
        nt++;
    }
    *nk = nt;
done:
    aq__free(gmean);
    aq__free(c.off);
    aq__free(c.adj);
    aq__free(c.eid);
    aq__free(c.active);
    aq__free(c.par);
    aq__free(c.order);
    aq__free(c.stack);
    aq__free(c.cnt);
    aq__free(c.S);
    aq__free(c.Q);
    aq__free(c.F);
    aq__free(trees);
    return rc;
}
