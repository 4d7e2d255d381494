/*
 * regions_agglo.c -- spatially constrained agglomeration: SCHC, and the
 * tree of REDCAP's full-order methods (Guo 2008).
 *
 * Every unit starts as a cluster; the two contiguous clusters at the
 * smallest linkage distance merge, until K clusters remain. Linkage is over
 * all pairs of members ("full order"): a pair of clusters is a candidate
 * only while they touch, but its distance counts members that do not.
 * Distances are libgeoda's (squared Euclidean over p), so average linkage
 * has a closed form from each cluster's sums, mean_ij |xi - xj|^2 =
 * Q_A/n_A + Q_B/n_B - 2 S_A.S_B/(n_A n_B), and Ward's is the rise in the
 * within sum of squares n_A n_B/(n_A + n_B) |c_A - c_B|^2: both cost O(p)
 * per pair, so SCHC with them runs on 10^5 units. Single and complete
 * linkage carry their distance along (Lance-Williams: min or max of the two
 * parts) and compute it afresh only for a neighbour that touched one part,
 * which costs the product of the two clusters' sizes.
 *
 * Candidate pairs sit in a binary heap, invalidated lazily: a cluster's
 * version rises when it merges, and an entry holding an old version is
 * skipped. Ties go to the lower pair of cluster numbers.
 */
#include "regions_int.h"

#include <math.h>
#include <string.h>

typedef struct nbe {
    uint32_t c, ei, ej; /* neighbour cluster; shortest unit edge to it */
    double d, elen;     /* linkage distance; that edge's length        */
} nbe;

typedef struct nlist {
    nbe *e;
    size_t len, cap;
} nlist;

typedef struct hent {
    double d;
    uint32_t a, b, va, vb, ei, ej;
} hent;

typedef struct tmpe {
    uint32_t c, ei, ej;
    double dx, dy, elen, d;
} tmpe;

typedef struct agg {
    aq_ctx *ctx;
    size_t n, p;
    const double *x;
    int linkage;
    uint32_t *size, *ver, *next, *tail;
    double *S, *Q;
    nlist *nb;
    hent *heap;
    size_t hlen, hcap;
    tmpe *tmp;
    size_t tcap;
    uint32_t *stamp, *pos, cur;
} agg;

static int hless(const hent *x, const hent *y)
{
    if (x->d != y->d)
        return x->d < y->d;
    if (x->a != y->a)
        return x->a < y->a;
    return x->b < y->b;
}

static int hpush(agg *g, hent h)
{
    if (aq__grow(g->ctx, (void **)&g->heap, &g->hcap, g->hlen + 1, sizeof *g->heap))
        return AQ_ENOMEM;
    size_t i = g->hlen++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!hless(&h, &g->heap[up]))
            break;
        g->heap[i] = g->heap[up];
        i = up;
    }
    g->heap[i] = h;
    return AQ_OK;
}

static hent hpop(agg *g)
{
    hent top = g->heap[0], last = g->heap[--g->hlen];
    size_t i = 0, n = g->hlen;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const hent *best = &last;
        if (l < n && hless(&g->heap[l], best)) {
            m = l;
            best = &g->heap[l];
        }
        if (r < n && hless(&g->heap[r], best))
            m = r;
        if (m == i)
            break;
        g->heap[i] = g->heap[m];
        i = m;
    }
    if (n)
        g->heap[i] = last;
    return top;
}

static int nl_add(agg *g, nlist *l, nbe e)
{
    if (aq__grow(g->ctx, (void **)&l->e, &l->cap, l->len + 1, sizeof *l->e))
        return AQ_ENOMEM;
    l->e[l->len++] = e;
    return AQ_OK;
}

/* min (SIGN = 1) or max (SIGN = -1) of d(i, j) over members of A and B. */
static double scratch(const agg *g, uint32_t a, uint32_t b, int sign)
{
    double best = sign > 0 ? INFINITY : -INFINITY;
    for (uint32_t i = a; i != UINT32_MAX; i = g->next[i])
        for (uint32_t j = b; j != UINT32_MAX; j = g->next[j]) {
            double d = aq__rdist(g->x, g->p, i, j);
            if (sign > 0 ? d < best : d > best)
                best = d;
        }
    return best;
}

/* Average or Ward distance of clusters A and B from their sums. */
static double stat_dist(const agg *g, uint32_t a, uint32_t b)
{
    size_t p = g->p;
    double na = g->size[a], nb = g->size[b];
    const double *sa = g->S + (size_t)a * p, *sb = g->S + (size_t)b * p;
    if (g->linkage == AQ_LINKAGE_WARD) {
        double s = 0;
        for (size_t v = 0; v < p; v++) {
            double d = sa[v] / na - sb[v] / nb;
            s += d * d;
        }
        return na * nb / (na + nb) * s / (double)p;
    }
    double dot = 0;
    for (size_t v = 0; v < p; v++)
        dot += sa[v] * sb[v];
    return (g->Q[a] / na + g->Q[b] / nb - 2 * dot / (na * nb)) / (double)p;
}

static int edge_less(double l1, uint32_t i1, uint32_t j1, double l2, uint32_t i2, uint32_t j2)
{
    if (l1 != l2)
        return l1 < l2;
    if (i1 != i2)
        return i1 < i2;
    return j1 < j2;
}

/* Merges cluster Y into X (X < Y) and queues X's new candidate pairs. */
static int merge(agg *g, uint32_t X, uint32_t Y)
{
    size_t t = 0;
    g->cur++;
    nlist *lx = &g->nb[X], *ly = &g->nb[Y];
    size_t need = lx->len + ly->len;
    if (aq__grow(g->ctx, (void **)&g->tmp, &g->tcap, need ? need : 1, sizeof *g->tmp))
        return AQ_ENOMEM;
    for (size_t k = 0; k < lx->len; k++) {
        nbe *e = &lx->e[k];
        if (e->c == Y)
            continue;
        g->stamp[e->c] = g->cur;
        g->pos[e->c] = (uint32_t)t;
        g->tmp[t++] = (tmpe){e->c, e->ei, e->ej, e->d, NAN, e->elen, 0};
    }
    for (size_t k = 0; k < ly->len; k++) {
        nbe *e = &ly->e[k];
        if (e->c == X)
            continue;
        if (g->stamp[e->c] == g->cur) {
            tmpe *m = &g->tmp[g->pos[e->c]];
            m->dy = e->d;
            if (edge_less(e->elen, e->ei, e->ej, m->elen, m->ei, m->ej)) {
                m->elen = e->elen;
                m->ei = e->ei;
                m->ej = e->ej;
            }
        } else {
            g->tmp[t++] = (tmpe){e->c, e->ei, e->ej, NAN, e->d, e->elen, 0};
        }
    }
    /* Single and complete need the two parts apart. */
    if (g->linkage == AQ_LINKAGE_SINGLE || g->linkage == AQ_LINKAGE_COMPLETE) {
        int sign = g->linkage == AQ_LINKAGE_SINGLE ? 1 : -1;
        for (size_t k = 0; k < t; k++) {
            tmpe *m = &g->tmp[k];
            double a = isnan(m->dx) ? scratch(g, m->c, X, sign) : m->dx;
            double b = isnan(m->dy) ? scratch(g, m->c, Y, sign) : m->dy;
            m->d = sign > 0 ? (a < b ? a : b) : (a > b ? a : b);
        }
    }
    size_t p = g->p;
    for (size_t v = 0; v < p; v++)
        g->S[(size_t)X * p + v] += g->S[(size_t)Y * p + v];
    g->Q[X] += g->Q[Y];
    g->size[X] += g->size[Y];
    g->size[Y] = 0;
    g->next[g->tail[X]] = Y;
    g->tail[X] = g->tail[Y];
    g->ver[X]++;
    g->ver[Y]++;
    if (g->linkage == AQ_LINKAGE_AVERAGE || g->linkage == AQ_LINKAGE_WARD)
        for (size_t k = 0; k < t; k++)
            g->tmp[k].d = stat_dist(g, g->tmp[k].c, X);
    aq__free(ly->e);
    memset(ly, 0, sizeof *ly);
    lx->len = 0;
    for (size_t k = 0; k < t; k++) {
        tmpe *m = &g->tmp[k];
        nbe e = {m->c, m->ei, m->ej, m->d, m->elen};
        if (nl_add(g, lx, e))
            return AQ_ENOMEM;
        nlist *lc = &g->nb[m->c];
        size_t w = 0;
        for (size_t r = 0; r < lc->len; r++)
            if (lc->e[r].c != X && lc->e[r].c != Y)
                lc->e[w++] = lc->e[r];
        lc->len = w;
        e.c = X;
        if (nl_add(g, lc, e))
            return AQ_ENOMEM;
        uint32_t a = X < m->c ? X : m->c, b = X < m->c ? m->c : X;
        if (hpush(g, (hent){m->d, a, b, g->ver[a], g->ver[b], m->ei, m->ej}))
            return AQ_ENOMEM;
    }
    return AQ_OK;
}

int aq__regions_agglomerate(aq_ctx *ctx, const double *x, size_t n, size_t p,
                            const aq__rgraph *gr, int linkage, size_t k, uint32_t *label,
                            uint32_t *eu, uint32_t *ev, size_t *ne)
{
    agg g = {.ctx = ctx, .n = n, .p = p, .x = x, .linkage = linkage};
    int rc = AQ_OK;
    g.size = aq__xmalloc(ctx, n * sizeof *g.size);
    g.ver = aq__xcalloc(ctx, n, sizeof *g.ver);
    g.next = aq__xmalloc(ctx, n * sizeof *g.next);
    g.tail = aq__xmalloc(ctx, n * sizeof *g.tail);
    g.S = aq__xmalloc(ctx, n * p * sizeof *g.S);
    g.Q = aq__xmalloc(ctx, n * sizeof *g.Q);
    g.nb = aq__xcalloc(ctx, n, sizeof *g.nb);
    g.stamp = aq__xcalloc(ctx, n, sizeof *g.stamp);
    g.pos = aq__xmalloc(ctx, n * sizeof *g.pos);
    double *gmean = aq__xcalloc(ctx, p, sizeof *gmean);
    if (!g.size || !g.ver || !g.next || !g.tail || !g.S || !g.Q || !g.nb || !g.stamp || !g.pos ||
        !gmean) {
        rc = AQ_ENOMEM;
        goto done;
    }
    /* Sums of centred values keep the closed forms accurate on raw data. */
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < p; v++)
            gmean[v] += x[i * p + v];
    for (size_t v = 0; v < p; v++)
        gmean[v] /= (double)n;
    for (size_t i = 0; i < n; i++) {
        g.size[i] = 1;
        g.next[i] = UINT32_MAX;
        g.tail[i] = (uint32_t)i;
        double q = 0;
        for (size_t v = 0; v < p; v++) {
            double z = x[i * p + v] - gmean[v];
            g.S[i * p + v] = z;
            q += z * z;
        }
        g.Q[i] = q;
    }
    for (size_t i = 0; i < n; i++) {
        size_t deg = gr->off[i + 1] - gr->off[i];
        if (deg && !(g.nb[i].e = aq__xmalloc(ctx, deg * sizeof *g.nb[i].e))) {
            rc = AQ_ENOMEM;
            goto done;
        }
        g.nb[i].cap = deg;
        for (size_t e = gr->off[i]; e < gr->off[i + 1]; e++) {
            uint32_t j = gr->adj[e];
            double d = aq__rdist(x, p, i, j);
            double link = linkage == AQ_LINKAGE_WARD ? d / 2 : d;
            uint32_t a = i < j ? (uint32_t)i : j, b = i < j ? j : (uint32_t)i;
            g.nb[i].e[g.nb[i].len++] = (nbe){j, a, b, link, d};
            if (j > i && (rc = hpush(&g, (hent){link, a, b, 0, 0, a, b})))
                goto done;
        }
    }
    size_t clusters = n, merges = 0;
    while (clusters > k && g.hlen) {
        hent h = hpop(&g);
        if (!g.size[h.a] || !g.size[h.b] || g.ver[h.a] != h.va || g.ver[h.b] != h.vb)
            continue;
        if (eu) {
            eu[merges] = h.ei;
            ev[merges] = h.ej;
        }
        merges++;
        if ((rc = merge(&g, h.a, h.b)))
            goto done;
        clusters--;
        if (merges % 4096 == 0)
            aq__progress(ctx, "merging regions", merges, n - k);
    }
    *ne = merges;
    if (label) {
        uint32_t c = 0;
        for (size_t i = 0; i < n; i++)
            if (g.size[i]) {
                for (uint32_t u = (uint32_t)i; u != UINT32_MAX; u = g.next[u])
                    label[u] = c;
                c++;
            }
    }
done:
    if (g.nb)
        for (size_t i = 0; i < n; i++)
            aq__free(g.nb[i].e);
    aq__free(g.nb);
    aq__free(g.size);
    aq__free(g.ver);
    aq__free(g.next);
    aq__free(g.tail);
    aq__free(g.S);
    aq__free(g.Q);
    aq__free(g.stamp);
    aq__free(g.pos);
    aq__free(g.heap);
    aq__free(g.tmp);
    aq__free(gmean);
    return rc;
}
