/*
 * regions_local.c -- the seeded heuristics: max-p (Duque, Anselin and Rey
 * 2012) and AZP (Openshaw 1977; Openshaw and Rao 1995), greedy variant.
 *
 * Max-p builds, ITERATIONS times from its own random stream (seed, i),
 * regions grown breadth-first from random seeds until each reaches the
 * floor; units left over (enclaves) join the neighbouring region whose
 * within sum of squares rises least. The construction with the most
 * regions (ties: the lowest within SS, then the earliest) is improved by
 * the AZP local search. AZP starts from K regions grown breadth-first from
 * K random seeds (one in every connected part first).
 *
 * The local search visits the units in order; a unit on a region's border
 * moves to the neighbouring region that lowers the within SS most, if its
 * own region stays connected without it and (with a floor) above the
 * floor; passes repeat until none moves. Moving u from A to B changes the
 * within SS by n_B/(n_B+1) |x_u - c_B|^2 - n_A/(n_A-1) |x_u - c_A|^2.
 *
 * Everything runs on one thread from seeded streams, so a seed gives the
 * same partition for any number of threads.
 */
#include "regions_int.h"
#include "rng.h"

#include <math.h>
#include <string.h>

typedef struct lstate {
    size_t n, p, nk;
    const double *x, *floor;
    double fmin;
    const aq__rgraph *g;
    uint32_t *label, *cnt;
    double *S, *F; /* nk * p sums; nk floor totals */
    uint32_t *queue, *mark, stamp;
} lstate;

static double sq_to_mean(const lstate *s, size_t u, uint32_t r)
{
    double d = 0;
    for (size_t v = 0; v < s->p; v++) {
        double c = s->S[(size_t)r * s->p + v] / s->cnt[r];
        d += (s->x[u * s->p + v] - c) * (s->x[u * s->p + v] - c);
    }
    return d;
}

static void put(lstate *s, size_t u, uint32_t r, int sign)
{
    for (size_t v = 0; v < s->p; v++)
        s->S[(size_t)r * s->p + v] += sign * s->x[u * s->p + v];
    s->cnt[r] = (uint32_t)((int64_t)s->cnt[r] + sign);
    if (s->floor)
        s->F[r] += sign * s->floor[u];
}

/* Whether region R stays connected without unit U. */
static int connected_without(lstate *s, uint32_t u, uint32_t r)
{
    uint32_t start = UINT32_MAX;
    const aq__rgraph *g = s->g;
    for (size_t e = g->off[u]; e < g->off[u + 1]; e++)
        if (s->label[g->adj[e]] == r) {
            start = g->adj[e];
            break;
        }
    if (start == UINT32_MAX)
        return 0;
    s->stamp++;
    s->mark[u] = s->stamp;
    s->mark[start] = s->stamp;
    size_t head = 0, tail = 0;
    s->queue[tail++] = start;
    while (head < tail) {
        uint32_t a = s->queue[head++];
        for (size_t e = g->off[a]; e < g->off[a + 1]; e++) {
            uint32_t b = g->adj[e];
            if (s->label[b] == r && s->mark[b] != s->stamp) {
                s->mark[b] = s->stamp;
                s->queue[tail++] = b;
            }
        }
    }
    return tail == s->cnt[r] - 1;
}

static void local_search(lstate *s)
{
    const aq__rgraph *g = s->g;
    for (int pass = 0, moved = 1; moved && pass < 10000; pass++) {
        moved = 0;
        for (size_t u = 0; u < s->n; u++) {
            uint32_t a = s->label[u];
            if (s->cnt[a] < 2 || (s->floor && s->F[a] - s->floor[u] < s->fmin))
                continue;
            double na = s->cnt[a];
            double lose = na / (na - 1) * sq_to_mean(s, u, a);
            double best = 0;
            uint32_t to = UINT32_MAX;
            for (size_t e = g->off[u]; e < g->off[u + 1]; e++) {
                uint32_t b = s->label[g->adj[e]];
                if (b == a)
                    continue;
                double nb = s->cnt[b];
                double gain = nb / (nb + 1) * sq_to_mean(s, u, b) - lose;
                /* strictly better by more than rounding, else cycles */
                if (gain < best - 1e-12 * (lose + 1) || (to != UINT32_MAX && gain == best && b < to)) {
                    best = gain;
                    to = b;
                }
            }
            if (to == UINT32_MAX || !connected_without(s, (uint32_t)u, a))
                continue;
            put(s, u, a, -1);
            put(s, u, to, 1);
            s->label[u] = to;
            moved = 1;
        }
    }
}

static double within(const lstate *s)
{
    double w = 0;
    for (size_t u = 0; u < s->n; u++)
        w += sq_to_mean(s, u, s->label[u]);
    return w;
}

static void sums(lstate *s)
{
    memset(s->S, 0, s->nk * s->p * sizeof *s->S);
    memset(s->cnt, 0, s->nk * sizeof *s->cnt);
    if (s->floor)
        memset(s->F, 0, s->nk * sizeof *s->F);
    for (size_t u = 0; u < s->n; u++)
        put(s, u, s->label[u], 1);
}

static int lstate_init(aq_ctx *ctx, lstate *s, const double *x, size_t n, size_t p,
                       const aq__rgraph *g, const double *floor, double fmin)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->p = p;
    s->x = x;
    s->g = g;
    s->floor = floor;
    s->fmin = fmin;
    s->label = aq__xmalloc(ctx, n * sizeof *s->label);
    s->cnt = aq__xmalloc(ctx, n * sizeof *s->cnt);
    s->S = aq__xmalloc(ctx, n * p * sizeof *s->S);
    s->F = aq__xmalloc(ctx, n * sizeof *s->F);
    s->queue = aq__xmalloc(ctx, n * sizeof *s->queue);
    s->mark = aq__xcalloc(ctx, n, sizeof *s->mark);
    return s->label && s->cnt && s->S && s->F && s->queue && s->mark ? AQ_OK : AQ_ENOMEM;
}

static void lstate_free(lstate *s)
{
    aq__free(s->label);
    aq__free(s->cnt);
    aq__free(s->S);
    aq__free(s->F);
    aq__free(s->queue);
    aq__free(s->mark);
}

static void shuffle(uint32_t *a, size_t n, aq__rng *r)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)aq__rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

/* One max-p construction into s->label; returns the number of regions. */
static size_t maxp_build(lstate *s, uint32_t *order, uint32_t *q, aq__rng *rng)
{
    size_t n = s->n;
    const aq__rgraph *g = s->g;
    const uint32_t FREE = UINT32_MAX, ENCLAVE = UINT32_MAX - 1;
    for (size_t i = 0; i < n; i++) {
        order[i] = (uint32_t)i;
        s->label[i] = FREE;
    }
    shuffle(order, n, rng);
    uint32_t r = 0;
    for (size_t o = 0; o < n; o++) {
        uint32_t u = order[o];
        if (s->label[u] != FREE)
            continue;
        size_t head = 0, tail = 0, grown = 0;
        double tot = s->floor[u];
        s->label[u] = r;
        s->queue[grown++] = u;
        q[tail++] = u;
        while (tot < s->fmin && head < tail) {
            uint32_t a = q[head++];
            for (size_t e = g->off[a]; e < g->off[a + 1] && tot < s->fmin; e++) {
                uint32_t b = g->adj[e];
                if (s->label[b] != FREE && s->label[b] != ENCLAVE)
                    continue;
                s->label[b] = r;
                tot += s->floor[b];
                s->queue[grown++] = b;
                q[tail++] = b;
            }
        }
        if (tot >= s->fmin)
            r++;
        else
            for (size_t i = 0; i < grown; i++)
                s->label[s->queue[i]] = ENCLAVE;
    }
    s->nk = r;
    /* Enclaves join the neighbouring region whose within SS rises least. */
    memset(s->S, 0, (size_t)r * s->p * sizeof *s->S);
    memset(s->cnt, 0, (size_t)r * sizeof *s->cnt);
    memset(s->F, 0, (size_t)r * sizeof *s->F);
    for (size_t u = 0; u < n; u++)
        if (s->label[u] < r)
            put(s, u, s->label[u], 1);
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t u = 0; u < n; u++) {
            if (s->label[u] < r)
                continue;
            uint32_t to = UINT32_MAX;
            double best = INFINITY;
            for (size_t e = g->off[u]; e < g->off[u + 1]; e++) {
                uint32_t b = s->label[g->adj[e]];
                if (b >= r)
                    continue;
                double nb = s->cnt[b], c = nb / (nb + 1) * sq_to_mean(s, u, b);
                if (c < best || (c == best && b < to)) {
                    best = c;
                    to = b;
                }
            }
            if (to != UINT32_MAX) {
                s->label[u] = to;
                put(s, u, to, 1);
                changed = 1;
            }
        }
    }
    return r;
}

int aq__regions_maxp(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                     const double *floor, double fmin, size_t iterations, uint64_t seed,
                     uint32_t *label, size_t *nk)
{
    lstate s;
    int rc = lstate_init(ctx, &s, x, n, p, g, floor, fmin);
    uint32_t *order = aq__xmalloc(ctx, n * sizeof *order), *q = aq__xmalloc(ctx, n * sizeof *q);
    if (rc || !order || !q) {
        lstate_free(&s);
        aq__free(order);
        aq__free(q);
        return AQ_ENOMEM;
    }
    size_t best_p = 0;
    double best_w = INFINITY;
    for (size_t it = 0; it < (iterations ? iterations : 1); it++) {
        aq__rng rng;
        aq__rng_seed_stream(&rng, seed, it);
        size_t r = maxp_build(&s, order, q, &rng);
        double w = within(&s);
        if (r > best_p || (r == best_p && w < best_w)) {
            best_p = r;
            best_w = w;
            memcpy(label, s.label, n * sizeof *label);
        }
    }
    memcpy(s.label, label, n * sizeof *label);
    s.nk = best_p;
    sums(&s);
    local_search(&s);
    memcpy(label, s.label, n * sizeof *label);
    *nk = best_p;
    lstate_free(&s);
    aq__free(order);
    aq__free(q);
    return AQ_OK;
}

int aq__regions_azp(aq_ctx *ctx, const double *x, size_t n, size_t p, const aq__rgraph *g,
                    const uint32_t *comp, size_t ncomp, size_t k, uint64_t seed, uint32_t *label,
                    size_t *nk)
{
    lstate s;
    int rc = lstate_init(ctx, &s, x, n, p, g, NULL, 0);
    uint32_t *order = aq__xmalloc(ctx, n * sizeof *order);
    uint8_t *have = aq__xcalloc(ctx, ncomp ? ncomp : 1, 1);
    if (rc || !order || !have) {
        lstate_free(&s);
        aq__free(order);
        aq__free(have);
        return AQ_ENOMEM;
    }
    aq__rng rng;
    aq__rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        order[i] = (uint32_t)i;
        s.label[i] = UINT32_MAX;
    }
    shuffle(order, n, &rng);
    /* Seeds: the first unit of every part in the shuffled order, then the
     * next units of that order until K. */
    size_t head = 0, tail = 0;
    uint32_t r = 0;
    for (size_t o = 0; o < n; o++)
        if (!have[comp[order[o]]]) {
            have[comp[order[o]]] = 1;
            s.label[order[o]] = r++;
            s.queue[tail++] = order[o];
        }
    for (size_t o = 0; o < n && r < k; o++)
        if (s.label[order[o]] == UINT32_MAX) {
            s.label[order[o]] = r++;
            s.queue[tail++] = order[o];
        }
    while (head < tail) {
        uint32_t a = s.queue[head++];
        for (size_t e = g->off[a]; e < g->off[a + 1]; e++)
            if (s.label[g->adj[e]] == UINT32_MAX) {
                s.label[g->adj[e]] = s.label[a];
                s.queue[tail++] = g->adj[e];
            }
    }
    s.nk = r;
    sums(&s);
    local_search(&s);
    memcpy(label, s.label, n * sizeof *label);
    *nk = r;
    lstate_free(&s);
    aq__free(order);
    aq__free(have);
    return AQ_OK;
}
