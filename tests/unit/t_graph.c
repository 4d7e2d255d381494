/*
 * t_graph.c -- graph building, multi-source and bounded Dijkstra, 2SFCA and
 * Hansen on small graphs whose answers are worked out by hand below.
 * (The million-node agreement with scipy's csgraph.dijkstra is checked by
 * bench/access.sh, on the inputs of ../shared/bench-peers.)
 */
#include "aq_test.h"
#include "aimaq_network.h"

#include <math.h>

/* 0 -10- 1 -10- 2 -10- 3, and 0 -50- 3; 4 -5- 5 is another component. */
static aq_graph *square(aq_ctx *ctx, int directed)
{
    uint32_t from[] = {0, 1, 2, 0, 4}, to[] = {1, 2, 3, 3, 5};
    double min[] = {10, 10, 10, 50, 5};
    aq_graph *g = NULL;
    AQ_EQ_INT(aq_graph_new(ctx, 6, from, to, min, 5, directed, &g), AQ_OK);
    return g;
}

static void test_nearest(void)
{
    aq_ctx *ctx = aq_ctx_new();
    aq_graph *g = square(ctx, 0);
    size_t src[] = {0, 3};
    double d[6];
    long w[6];
    AQ_EQ_INT(aq_graph_nearest(ctx, g, src, 2, INFINITY, 1, d, w), AQ_OK);
    AQ_NEAR(d[0], 0, 0);
    AQ_NEAR(d[1], 10, 0);
    AQ_NEAR(d[2], 10, 0);
    AQ_NEAR(d[3], 0, 0);
    AQ_CHECK(isinf(d[4]) && isinf(d[5]));
    AQ_EQ_INT(w[1], 0);
    AQ_EQ_INT(w[2], 1);
    AQ_EQ_INT(w[4], -1);
    /* A limit leaves farther nodes unreached. */
    size_t one[] = {0};
    AQ_EQ_INT(aq_graph_nearest(ctx, g, one, 1, 15, 1, d, w), AQ_OK);
    AQ_NEAR(d[1], 10, 0);
    AQ_CHECK(isinf(d[2]));
    size_t bad[] = {9};
    AQ_EQ_INT(aq_graph_nearest(ctx, g, bad, 1, INFINITY, 1, d, w), AQ_EUSAGE);

    uint32_t comp[6];
    size_t nc;
    AQ_EQ_INT(aq_graph_components(ctx, g, comp, &nc), AQ_OK);
    AQ_EQ_INT(nc, 2);
    AQ_EQ_INT(comp[0], 0);
    AQ_EQ_INT(comp[3], 0);
    AQ_EQ_INT(comp[5], 1);
    aq_graph_free(g);

    /* Directed: toward the source follows the arcs backwards. */
    g = square(ctx, 1);
    AQ_EQ_INT(aq_graph_nearest(ctx, g, one, 1, INFINITY, 0, d, w), AQ_OK);
    AQ_NEAR(d[3], 30, 0); /* 0 -> 1 -> 2 -> 3 beats 0 -> 3 (50) */
    AQ_EQ_INT(aq_graph_nearest(ctx, g, one, 1, INFINITY, 1, d, w), AQ_OK);
    AQ_CHECK(isinf(d[3])); /* no arc leaves 3 */
    AQ_CHECK(isinf(d[1]));
    aq_graph_free(g);

    /* Bad edges are refused, naming the edge. */
    uint32_t f[] = {0}, t[] = {1};
    double neg[] = {-1}, nan_[] = {NAN};
    AQ_EQ_INT(aq_graph_new(ctx, 2, f, t, neg, 1, 0, &g), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "negative") != NULL);
    AQ_EQ_INT(aq_graph_new(ctx, 2, f, t, nan_, 1, 0, &g), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "missing") != NULL);
    aq_ctx_free(ctx);
}

static void test_search(void)
{
    aq_ctx *ctx = aq_ctx_new();
    aq_graph *g = square(ctx, 0);
    aq_search *s = NULL;
    AQ_EQ_INT(aq_search_new(ctx, g, &s), AQ_OK);
    AQ_EQ_INT(aq_search_run(s, 0, INFINITY, 0, NULL, 0), 4);
    AQ_NEAR(aq_search_minutes(s, 3), 30, 0);
    AQ_EQ_INT(aq_search_reached(s)[0], 0);
    /* Reuse with a limit: only what is within 12 minutes. */
    AQ_EQ_INT(aq_search_run(s, 0, 12, 0, NULL, 0), 2);
    AQ_CHECK(isinf(aq_search_minutes(s, 2)));
    /* Early stop at a target: 1 is settled before 2 and 3 are. */
    size_t target[] = {1};
    size_t nr = aq_search_run(s, 0, INFINITY, 0, target, 1);
    AQ_CHECK(nr >= 2 && nr < 4);
    AQ_NEAR(aq_search_minutes(s, 1), 10, 0);
    /* And the next run starts clean. */
    AQ_EQ_INT(aq_search_run(s, 4, INFINITY, 0, NULL, 0), 2);
    AQ_NEAR(aq_search_minutes(s, 5), 5, 0);
    AQ_CHECK(isinf(aq_search_minutes(s, 0)));
    aq_search_free(s);
    aq_graph_free(g);
    aq_ctx_free(ctx);
}

/* Path 0 -10- 1 -10- 2 -40- 3. Settlements A at 0 (100 people) and B at 2
 * (300); facilities F at 1 (capacity 10) and G at 3 (capacity 20). */
static void test_fca(void)
{
    aq_ctx *ctx = aq_ctx_new();
    uint32_t from[] = {0, 1, 2}, to[] = {1, 2, 3};
    double min[] = {10, 10, 40};
    aq_graph *g = NULL;
    AQ_EQ_INT(aq_graph_new(ctx, 4, from, to, min, 3, 0, &g), AQ_OK);
    size_t dem[] = {0, 2}, sup[] = {1, 3};
    double pop[] = {100, 300}, cap[] = {10, 20}, ratio[2], R[2];

    /* Cutoff 30: F serves A and B (R_F = 10/400), G nobody (40 > 30). */
    double u30[] = {30}, w1[] = {1};
    aq_bands b = {u30, w1, 1};
    AQ_EQ_INT(aq_2sfca(ctx, g, dem, pop, 2, sup, cap, 2, &b, ratio, R), AQ_OK);
    AQ_NEAR(R[0], 0.025, 1e-15);
    AQ_CHECK(isnan(R[1]));
    AQ_NEAR(ratio[0], 0.025, 1e-15);
    AQ_NEAR(ratio[1], 0.025, 1e-15);

    /* Cutoff 45: G serves B (R_G = 20/300); B gets 0.025 + 1/15. Every
     * place of capacity is handed out: sum pop * ratio = 10 + 20. */
    double u45[] = {45};
    b.upto = u45;
    AQ_EQ_INT(aq_2sfca(ctx, g, dem, pop, 2, sup, cap, 2, &b, ratio, R), AQ_OK);
    AQ_NEAR(R[1], 20.0 / 300, 1e-15);
    AQ_NEAR(ratio[1], 0.025 + 20.0 / 300, 1e-15);
    AQ_NEAR(pop[0] * ratio[0] + pop[1] * ratio[1], 30, 1e-12);

    /* Enhanced 2SFCA, bands 0-15 weight 1, 15-45 weight 0.5 (Luo & Qi):
     * R_G = 20 / (300 * 0.5); B gets 0.025 + 0.5 R_G. */
    double ub[] = {15, 45}, wb[] = {1, 0.5};
    aq_bands e = {ub, wb, 2};
    AQ_EQ_INT(aq_2sfca(ctx, g, dem, pop, 2, sup, cap, 2, &e, ratio, R), AQ_OK);
    AQ_NEAR(R[1], 20.0 / 150, 1e-15);
    AQ_NEAR(ratio[1], 0.025 + 0.5 * 20.0 / 150, 1e-15);

    /* Hansen: A's potential of F (10) and G (20) with beta 0.1:
     * 10 e^-1 + 20 e^-6. */
    size_t orig[] = {0};
    double h;
    AQ_EQ_INT(aq_hansen(ctx, g, orig, 1, sup, cap, 2, 0.1, INFINITY, &h), AQ_OK);
    AQ_NEAR(h, 10 * exp(-1.0) + 20 * exp(-6.0), 1e-14);

    /* Out of memory anywhere is reported, not crashed. */
    for (long k = 1; k < 30; k++) {
        aq_debug_fail_alloc_after(k);
        int rc = aq_2sfca(ctx, g, dem, pop, 2, sup, cap, 2, &e, ratio, R);
        aq_debug_fail_alloc_after(0);
        AQ_CHECK(rc == AQ_OK || rc == AQ_ENOMEM);
    }
    aq_graph_free(g);
    aq_ctx_free(ctx);
}

int main(void)
{
    AQ_TEST_BEGIN();
    test_nearest();
    test_search();
    test_fca();
    AQ_TEST_END();
}
