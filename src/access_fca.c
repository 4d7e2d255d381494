/*
 * access_fca.c -- floating catchments and gravity accessibility: 2SFCA and
 * enhanced 2SFCA (Luo & Wang 2003; Luo & Qi 2009) and Hansen (1959)
 * potential.
 *
 * Both run one bounded search per facility (destination), because the
 * catchment of a facility is what both steps need: step 1 sums the
 * weighted population within it, step 2 hands the facility's ratio back to
 * the same settlements. The searches are independent, so they run in
 * parallel, one reusable aq_search per thread; the (facility, settlement,
 * weight) triples of step 1 are kept so step 2 needs no second search.
 */
#include "network_int.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* Demand points grouped by node (CSR): start[v]..start[v+1] index item[]. */
typedef struct bynode {
    uint32_t *start, *item;
} bynode;

static int bynode_build(aq_ctx *ctx, size_t nnodes, const size_t *node, size_t n, bynode *b)
{
    b->start = aq__xcalloc(ctx, nnodes + 2, sizeof *b->start);
    b->item = aq__xmalloc(ctx, sizeof *b->item * (n ? n : 1));
    if (!b->start || !b->item) {
        aq__free(b->start);
        aq__free(b->item);
        return AQ_ENOMEM;
    }
    for (size_t k = 0; k < n; k++)
        if (node[k] < nnodes)
            b->start[node[k] + 2]++;
    for (size_t v = 2; v < nnodes + 2; v++)
        b->start[v] += b->start[v - 1];
    for (size_t k = 0; k < n; k++)
        if (node[k] < nnodes)
            b->item[b->start[node[k] + 1]++] = (uint32_t)k;
    return AQ_OK;
}

static void bynode_free(bynode *b)
{
    aq__free(b->start);
    aq__free(b->item);
}

static double band_weight(const aq_bands *b, double t)
{
    for (size_t k = 0; k < b->n; k++)
        if (t <= b->upto[k])
            return b->weight[k];
    return 0;
}

typedef struct triple {
    uint32_t fac, dem;
    double w;
} triple;

static int cmp_triple(const void *a, const void *b)
{
    const triple *x = a, *y = b;
    if (x->fac != y->fac)
        return (x->fac > y->fac) - (x->fac < y->fac);
    return (x->dem > y->dem) - (x->dem < y->dem);
}

static int threads_of(aq_ctx *ctx)
{
    int nt = aq_ctx_threads(ctx);
#ifdef _OPENMP
    if (nt <= 0)
        nt = omp_get_max_threads();
#else
    nt = 1;
#endif
    return nt < 1 ? 1 : nt;
}

/* One reusable search per thread, made before the parallel region so that
 * only this thread reports to the context. */
static int searches_new(aq_ctx *ctx, const aq_graph *g, int nt, aq_search ***out)
{
    aq_search **ws = aq__xcalloc(ctx, (size_t)nt, sizeof *ws);
    if (!ws)
        return AQ_ENOMEM;
    for (int i = 0; i < nt; i++)
        if (aq_search_new(ctx, g, &ws[i]) != AQ_OK) {
            while (i--)
                aq_search_free(ws[i]);
            aq__free(ws);
            return AQ_ENOMEM;
        }
    *out = ws;
    return AQ_OK;
}

static void searches_free(aq_search **ws, int nt)
{
    for (int i = 0; ws && i < nt; i++)
        aq_search_free(ws[i]);
    aq__free(ws);
}

/* 2SFCA core; count[k] (may be NULL) gets the facilities within reach. */
static int fca(aq_ctx *ctx, const aq_graph *g, const size_t *dem, const double *pop, size_t ndem,
               const size_t *sup, const double *cap, size_t nsup, const aq_bands *bands,
               double *ratio, double *supply_ratio, uint32_t *count)
{
    if (!bands || bands->n == 0)
        return aq__err(ctx, AQ_EUSAGE, "2SFCA needs at least one distance band");
    double limit = bands->upto[bands->n - 1];
    bynode bn;
    int rc = bynode_build(ctx, g->n, dem, ndem, &bn);
    if (rc)
        return rc;
    int nt = threads_of(ctx);
    triple **tr = aq__xcalloc(ctx, (size_t)nt, sizeof *tr);
    size_t *ntr = aq__xcalloc(ctx, (size_t)nt, sizeof *ntr);
    double *R = aq__xmalloc(ctx, sizeof *R * (nsup ? nsup : 1));
    aq_search **ws = NULL;
    if (!tr || !ntr || !R || searches_new(ctx, g, nt, &ws)) {
        aq__free(tr);
        aq__free(ntr);
        aq__free(R);
        bynode_free(&bn);
        return AQ_ENOMEM;
    }
    int failed = 0; /* shared: set by any thread that runs out of memory */
#pragma omp parallel num_threads(nt) if (nt > 1 && nsup > 1)
    {
        int me = 0;
#ifdef _OPENMP
        me = omp_get_thread_num();
#endif
        aq_search *s = ws[me];
        size_t cap_tr = 0;
#pragma omp for schedule(dynamic, 8)
        for (size_t j = 0; j < nsup; j++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            R[j] = NAN;
            if (stop || sup[j] >= g->n)
                continue;
            /* toward = 1: times from each settlement to the facility */
            size_t nr = aq_search_run(s, sup[j], limit, 1, NULL, 0);
            if (nr == SIZE_MAX) {
#pragma omp atomic write
                failed = 1;
                continue;
            }
            const uint32_t *reached = aq_search_reached(s);
            double den = 0;
            for (size_t q = 0; q < nr; q++) {
                uint32_t v = reached[q];
                for (uint32_t a = bn.start[v]; a < bn.start[v + 1]; a++) {
                    uint32_t k = bn.item[a];
                    double w = band_weight(bands, aq_search_minutes(s, v));
                    if (w <= 0)
                        continue;
                    den += pop[k] * w;
                    if (ntr[me] == cap_tr) {
                        size_t nc = cap_tr ? cap_tr * 2 : 1024;
                        triple *grown = aq__realloc(tr[me], sizeof *grown * nc);
                        if (!grown) {
#pragma omp atomic write
                            failed = 1;
                            break;
                        }
                        tr[me] = grown;
                        cap_tr = nc;
                    }
                    tr[me][ntr[me]++] = (triple){(uint32_t)j, k, w};
                }
            }
            R[j] = den > 0 ? cap[j] / den : NAN;
        }
    }
    if (failed) {
        rc = aq__oom(ctx);
    } else {
        for (size_t k = 0; k < ndem; k++) {
            ratio[k] = dem[k] < g->n ? 0 : NAN;
            if (count)
                count[k] = 0;
        }
        /* Step 2 in a fixed order (facility, then settlement), so that the
         * sums do not depend on how the facilities fell to the threads. */
        size_t total = 0;
        for (int th = 0; th < nt; th++)
            total += ntr[th];
        triple *all = aq__xmalloc(ctx, sizeof *all * (total ? total : 1));
        if (!all) {
            rc = AQ_ENOMEM;
            total = 0;
        }
        size_t at = 0;
        for (int th = 0; all && th < nt; th++) {
            if (ntr[th]) /* tr[th] is NULL for a thread that found nothing */
                memcpy(all + at, tr[th], sizeof *all * ntr[th]);
            at += ntr[th];
        }
        if (all)
            qsort(all, total, sizeof *all, cmp_triple);
        for (size_t q = 0; q < total; q++) {
            const triple *x = &all[q];
            if (!isnan(R[x->fac]))
                ratio[x->dem] += R[x->fac] * x->w;
            if (count)
                count[x->dem]++;
        }
        aq__free(all);
        if (supply_ratio)
            memcpy(supply_ratio, R, sizeof *R * nsup);
    }
    for (int th = 0; tr && th < nt; th++)
        aq__free(tr[th]);
    aq__free(tr);
    aq__free(ntr);
    aq__free(R);
    searches_free(ws, nt);
    bynode_free(&bn);
    return rc;
}

int aq_2sfca(aq_ctx *ctx, const aq_graph *g, const size_t *dem, const double *pop, size_t ndem,
             const size_t *sup, const double *cap, size_t nsup, const aq_bands *bands,
             double *ratio, double *supply_ratio)
{
    return fca(ctx, g, dem, pop, ndem, sup, cap, nsup, bands, ratio, supply_ratio, NULL);
}

int aq_hansen(aq_ctx *ctx, const aq_graph *g, const size_t *orig, size_t norig,
              const size_t *dest, const double *w, size_t ndest, double beta, double limit,
              double *out)
{
    bynode bn;
    int rc = bynode_build(ctx, g->n, orig, norig, &bn);
    if (rc)
        return rc;
    int nt = threads_of(ctx);
    double *acc = aq__xcalloc(ctx, (size_t)nt * (norig ? norig : 1), sizeof *acc);
    aq_search **ws = NULL;
    if (!acc || searches_new(ctx, g, nt, &ws)) {
        aq__free(acc);
        bynode_free(&bn);
        return AQ_ENOMEM;
    }
    int failed = 0; /* shared: set by any thread that runs out of memory */
#pragma omp parallel num_threads(nt) if (nt > 1 && ndest > 1)
    {
        int me = 0;
#ifdef _OPENMP
        me = omp_get_thread_num();
#endif
        aq_search *s = ws[me];
        double *mine = acc + (size_t)me * norig;
#pragma omp for schedule(dynamic, 8)
        for (size_t j = 0; j < ndest; j++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop || dest[j] >= g->n)
                continue;
            size_t nr = aq_search_run(s, dest[j], limit, 1, NULL, 0);
            if (nr == SIZE_MAX) {
#pragma omp atomic write
                failed = 1;
                continue;
            }
            const uint32_t *reached = aq_search_reached(s);
            for (size_t q = 0; q < nr; q++) {
                uint32_t v = reached[q];
                double f = w[j] * exp(-beta * aq_search_minutes(s, v));
                for (uint32_t a = bn.start[v]; a < bn.start[v + 1]; a++)
                    mine[bn.item[a]] += f;
            }
        }
    }
    if (failed) {
        rc = aq__oom(ctx);
    } else {
        for (size_t k = 0; k < norig; k++) {
            double sum = 0;
            for (int th = 0; th < nt; th++)
                sum += acc[(size_t)th * norig + k];
            out[k] = orig[k] < g->n ? sum : NAN;
        }
    }
    searches_free(ws, nt);
    aq__free(acc);
    bynode_free(&bn);
    return rc;
}

int aq_access_2sfca(aq_ctx *ctx, const aq_graph *g, const aq_table *centres,
                    const aq_table *settlements, const aq_access_opts *opts,
                    const aq_bands *bands, aq_table **out)
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
    size_t n = p.n;
    aq_table *t = NULL;
    uint32_t *count = aq__xmalloc(ctx, sizeof *count * (n ? n : 1));
    size_t cols[6];
    static const char *const names[] = {"settlement", "node", "population", "ratio", "per_1000",
                                        "facilities_within"};
    rc = count ? aq_table_new(ctx, n, &t) : AQ_ENOMEM;
    for (size_t k = 0; k < 6 && !rc; k++)
        rc = aq_table_add_column(ctx, t, names[k],
                                 k == 0 || (k == 1 && g->textids) ? AQ_COL_TEXT : AQ_COL_NUMBER,
                                 &cols[k]);
    if (!rc)
        rc = fca(ctx, g, p.node, p.pop, n, c.node, c.cap, c.n, bands, t->cols[cols[3]].num, NULL,
                 count);
    char buf[256];
    size_t none = 0;
    double nonepop = 0;
    aq_buf list = {0};
    for (size_t i = 0; i < n && !rc; i++) {
        if (p.idcol >= 0)
            rc = aq_table_set_text(ctx, t, cols[0], i,
                                   aq_table_cell(settlements, (size_t)p.idcol, i, buf, sizeof buf));
        if (!rc && p.node[i] != SIZE_MAX) {
            if (g->textids)
                rc = aq_table_set_text(ctx, t, cols[1], i, g->idtxt[p.node[i]]);
            else
                t->cols[cols[1]].num[i] = aq_graph_node_num(g, p.node[i]);
        }
        t->cols[cols[2]].num[i] = p.pop[i];
        t->cols[cols[4]].num[i] = t->cols[cols[3]].num[i] * 1000;
        t->cols[cols[5]].num[i] = count[i];
        if (count[i] == 0) {
            nonepop += p.pop[i];
            if (none++ < 20)
                aq__buf_printf(&list, "%s%s (%.15g)", none > 1 ? ", " : "",
                               p.idcol >= 0 ? aq_table_cell(settlements, (size_t)p.idcol, i, buf,
                                                            sizeof buf) : "?", p.pop[i]);
        }
    }
    if (!rc && none)
        aq__warn(ctx, "%s: %zu settlement(s) with %.15g people have no facility within %g minutes "
                 "(ratio 0): %s%s", aq_table_source(settlements) ? aq_table_source(settlements)
                 : "settlements", none, nonepop, bands->upto[bands->n - 1],
                 list.data ? list.data : "", none > 20 ? ", ..." : "");
    aq__buf_free(&list);
    aq__free(count);
    aq__centres_free(&c);
    aq__places_free(&p);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
