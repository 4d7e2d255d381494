/*
 * weights_graph.c -- weights derived from groups or from other weights:
 * block weights (same group = neighbours) and higher-order neighbours
 * (shortest-path distance on the contiguity graph).
 */
#include "spatial_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct grow {
    const char *g;
    uint32_t row;
} grow;

static int cmp_grow(const void *a, const void *b)
{
    const grow *x = a, *y = b;
    int c = strcmp(x->g, y->g);
    return c ? c : (x->row < y->row ? -1 : x->row > y->row);
}

int aq_weights_block(aq_ctx *ctx, const char *const *group, size_t n, aq_weights **out)
{
    grow *v = aq__malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return aq__oom(ctx);
    for (size_t i = 0; i < n; i++) {
        if (!group[i]) {
            aq__free(v);
            return aq__err(ctx, AQ_EINPUT, "block weights: the group of row %zu is missing", i + 1);
        }
        v[i] = (grow){group[i], (uint32_t)i};
    }
    qsort(v, n, sizeof *v, cmp_grow);
    /* Every unit's neighbours are the other members of its group. */
    size_t *off = aq__calloc(n + 1, sizeof *off), nnz = 0;
    for (size_t a = 0, b; off && a < n; a = b) {
        for (b = a + 1; b < n && strcmp(v[b].g, v[a].g) == 0; b++)
            ;
        for (size_t k = a; k < b; k++)
            off[v[k].row + 1] = b - a - 1;
        nnz += (b - a) * (b - a - 1);
    }
    uint32_t *nbr = off ? aq__malloc((nnz ? nnz : 1) * sizeof *nbr) : NULL;
    if (!nbr) {
        aq__free(v);
        aq__free(off);
        return aq__oom(ctx);
    }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && strcmp(v[b].g, v[a].g) == 0; b++)
            ;
        for (size_t k = a; k < b; k++) {
            size_t o = off[v[k].row];
            for (size_t m = a; m < b; m++)
                if (m != k)
                    nbr[o++] = v[m].row;
        }
    }
    aq__free(v);
    int rc = aq__weights_take(ctx, n, off, nbr, NULL, out);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, *out, AQ_WSTYLE_W);
    return rc;
}

/* Breadth-first search from S up to depth K; writes the units found at
 * depth K (or 1..K when inclusive) into list (if non-NULL) and returns their
 * count. depth[] is scratch, all -1 on entry and on return. */
static size_t bfs(const aq_weights *w, uint32_t s, int k, int inclusive, int *depth,
                  uint32_t *queue, uint32_t *list)
{
    size_t head = 0, tail = 0, found = 0;
    depth[s] = 0;
    queue[tail++] = s;
    while (head < tail) {
        uint32_t u = queue[head++];
        if (depth[u] == k)
            continue;
        for (size_t e = w->off[u]; e < w->off[u + 1]; e++) {
            uint32_t v = w->nbr[e];
            if (depth[v] >= 0)
                continue;
            depth[v] = depth[u] + 1;
            queue[tail++] = v;
        }
    }
    for (size_t q = 1; q < tail; q++) {
        uint32_t v = queue[q];
        if (inclusive || depth[v] == k) {
            if (list)
                list[found] = v;
            found++;
        }
    }
    for (size_t q = 0; q < tail; q++)
        depth[queue[q]] = -1;
    return found;
}

int aq_weights_higher_order(aq_ctx *ctx, const aq_weights *w, int k, int inclusive,
                            aq_weights **out)
{
    if (k < 1)
        return aq__err(ctx, AQ_EUSAGE, "higher-order weights: the order must be 1 or more, not %d",
                       k);
    size_t n = w->n;
    size_t *off = aq__calloc(n + 1, sizeof *off);
    if (!off)
        return aq__oom(ctx);
    int nt = aq__spatial_threads(ctx), failed = 0;
    uint32_t *nbr = NULL;
    /* Two passes (count, then fill) keep each row's BFS independent, so the
     * loop runs in parallel without per-thread lists. */
    for (int pass = 0; pass < 2 && !failed; pass++) {
#pragma omp parallel num_threads(nt)
        {
            int *depth = aq__malloc((n ? n : 1) * sizeof *depth);
            uint32_t *queue = aq__malloc((n ? n : 1) * sizeof *queue);
            if (!depth || !queue) {
#pragma omp atomic write
                failed = 1;
            } else {
                for (size_t i = 0; i < n; i++)
                    depth[i] = -1;
#pragma omp for schedule(dynamic, 256)
                for (long i = 0; i < (long)n; i++) {
                    if (pass == 0)
                        off[i + 1] = bfs(w, (uint32_t)i, k, inclusive, depth, queue, NULL);
                    else
                        bfs(w, (uint32_t)i, k, inclusive, depth, queue, nbr + off[i]);
                }
            }
            aq__free(depth);
            aq__free(queue);
        }
        if (pass == 0 && !failed) {
            for (size_t i = 0; i < n; i++)
                off[i + 1] += off[i];
            nbr = aq__malloc((off[n] ? off[n] : 1) * sizeof *nbr);
            failed = !nbr;
        }
    }
    if (failed) {
        aq__free(off);
        aq__free(nbr);
        return aq__oom(ctx);
    }
    aq_weights *res = NULL;
    int rc = aq__weights_take(ctx, n, off, nbr, NULL, &res);
    if (rc == AQ_OK && w->ids)
        rc = aq_weights_set_ids(ctx, res, (const char *const *)w->ids);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, res, AQ_WSTYLE_W);
    if (rc) {
        aq_weights_free(res);
        return rc;
    }
    *out = res;
    return AQ_OK;
}
