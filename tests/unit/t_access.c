/*
 * t_access.c -- accessibility on tables: edge tables with their own node
 * identifiers, centres of several kinds, settlements placed by a node
 * column or snapped by coordinates, the population summary, catchments,
 * OD pairs, and the messages for bad input (centres off the network,
 * negative times, unreachable settlements). Expected values are worked
 * out by hand in the comments.
 */
#include "aq_test.h"
#include "aimaq_network.h"

#include <math.h>

static char warned[4096];

static void on_warning(void *user, const char *msg)
{
    (void)user;
    snprintf(warned, sizeof warned, "%s", msg);
}

static aq_table *make(aq_ctx *ctx, size_t nrows, const char *const *names, const int *types)
{
    aq_table *t = NULL;
    aq_table_new(ctx, nrows, &t);
    for (size_t k = 0; names[k]; k++)
        aq_table_add_column(ctx, t, names[k], (enum aq_coltype)types[k], NULL);
    return t;
}

/* Nodes 10, 20, 30, 40 on a line (10 minutes apart), 50-60 apart (7). */
static aq_table *edges(aq_ctx *ctx, double bad)
{
    static const char *const names[] = {"from", "to", "minutes", NULL};
    static const int types[] = {AQ_COL_NUMBER, AQ_COL_NUMBER, AQ_COL_NUMBER};
    aq_table *t = make(ctx, 4, names, types);
    double v[4][3] = {{10, 20, 10}, {20, 30, 10}, {30, 40, bad}, {50, 60, 7}};
    for (size_t r = 0; r < 4; r++)
        for (size_t c = 0; c < 3; c++)
            aq_table_set_number(ctx, t, c, r, v[r][c]);
    return t;
}

static double num(const aq_table *t, const char *col, size_t row)
{
    long c = aq_table_find(t, col);
    return c < 0 ? -999 : aq_table_numbers(t, (size_t)c)[row];
}

static void test_tables(void)
{
    aq_ctx *ctx = aq_ctx_new();
    aq_ctx_set_warning_fn(ctx, on_warning, NULL);
    aq_table *te = edges(ctx, 10), *res = NULL;
    aq_graph *g = NULL;
    AQ_EQ_INT(aq_graph_from_edges(ctx, te, NULL, &g), AQ_OK);
    AQ_EQ_INT(aq_graph_nnodes(g), 6);
    size_t v;
    AQ_CHECK(aq_graph_find(g, "30", &v) && v == 2);
    AQ_CHECK(!aq_graph_find(g, "35", &v));

    /* Centres: a hospital at 10 and at 60, a school at 40. */
    static const char *const cn[] = {"node", "kind", NULL};
    static const int ct[] = {AQ_COL_NUMBER, AQ_COL_TEXT};
    aq_table *tc = make(ctx, 3, cn, ct);
    double cnode[] = {10, 60, 40};
    const char *ckind[] = {"hospital", "hospital", "school"};
    for (size_t r = 0; r < 3; r++) {
        aq_table_set_number(ctx, tc, 0, r, cnode[r]);
        aq_table_set_text(ctx, tc, 1, r, ckind[r]);
    }
    AQ_EQ_INT(aq_access_nodes(ctx, g, tc, NULL, &res), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(res), 6);
    /* node 30: hospital 10 at 20 min, school 40 at 10 min */
    AQ_NEAR(num(res, "node", 2), 30, 0);
    AQ_NEAR(num(res, "minutes_hospital", 2), 20, 0);
    AQ_NEAR(num(res, "centre_hospital", 2), 10, 0);
    AQ_NEAR(num(res, "minutes_school", 2), 10, 0);
    /* node 50: hospital 60 at 7; no school in its component (missing) */
    AQ_NEAR(num(res, "minutes_hospital", 4), 7, 0);
    AQ_CHECK(isnan(num(res, "minutes_school", 4)));
    AQ_CHECK(isnan(num(res, "centre_school", 4)));
    aq_table_free(res);

    /* Settlements: A at node 20 (100 people), B at 50 (40 people). */
    static const char *const sn[] = {"id", "node", "pop", NULL};
    static const int st[] = {AQ_COL_TEXT, AQ_COL_NUMBER, AQ_COL_NUMBER};
    aq_table *ts = make(ctx, 2, sn, st);
    aq_table_set_text(ctx, ts, 0, 0, "A");
    aq_table_set_number(ctx, ts, 1, 0, 20);
    aq_table_set_number(ctx, ts, 2, 0, 100);
    aq_table_set_text(ctx, ts, 0, 1, "B");
    aq_table_set_number(ctx, ts, 1, 1, 50);
    aq_table_set_number(ctx, ts, 2, 1, 40);
    aq_table *sum = NULL, *cat = NULL;
    warned[0] = 0;
    AQ_EQ_INT(aq_access_settlements(ctx, g, tc, ts, NULL, &res, &sum, &cat), AQ_OK);
    AQ_NEAR(num(res, "minutes_hospital", 0), 10, 0);
    AQ_NEAR(num(res, "minutes_school", 0), 20, 0);
    AQ_CHECK(isnan(num(res, "minutes_school", 1)));
    /* The unreachable settlement is named with its population. */
    AQ_CHECK(strstr(warned, "B (40)") && strstr(warned, "school"));
    /* Summary, hospitals: everyone within 30 minutes; mean (100*10 + 40*7)/140. */
    AQ_EQ_STR(aq_table_text(sum, 0, 0), "hospital");
    AQ_NEAR(num(sum, "share_30", 0), 1, 0);
    AQ_NEAR(num(sum, "mean_minutes", 0), (100.0 * 10 + 40 * 7) / 140, 1e-14);
    /* Schools: 40 people unreachable, the rest within 30 minutes. */
    AQ_NEAR(num(sum, "unreachable_population", 1), 40, 0);
    AQ_NEAR(num(sum, "share_30", 1), 100.0 / 140, 1e-14);
    /* Gini of hospital minutes: two groups, 100 at 10 and 40 at 7:
     * Lorenz over sorted (7 x 40, 10 x 100), S = 1280:
     * area = 40/140 * (280/1280)/2 + 100/140 * (280/1280 + 1)/2. */
    double area = 40.0 / 140 * (280.0 / 1280) / 2 + 100.0 / 140 * (280.0 / 1280 + 1) / 2;
    AQ_NEAR(num(sum, "gini_minutes", 0), 1 - 2 * area, 1e-14);
    /* Catchments: hospital 10 serves A (100), hospital 60 serves B (40). */
    AQ_NEAR(num(cat, "population", 0), 100, 0);
    AQ_NEAR(num(cat, "population", 1), 40, 0);
    AQ_NEAR(num(cat, "population", 2), 100, 0); /* the school serves A */
    aq_table_free(res);
    aq_table_free(sum);
    aq_table_free(cat);

    /* OD pairs by settlement: A -> B is unconnected, A -> A is 0. */
    static const char *const on[] = {"origin", "destination", NULL};
    static const int ot[] = {AQ_COL_TEXT, AQ_COL_TEXT};
    aq_table *tp = make(ctx, 2, on, ot);
    aq_table_set_text(ctx, tp, 0, 0, "A");
    aq_table_set_text(ctx, tp, 1, 0, "B");
    aq_table_set_text(ctx, tp, 0, 1, "A");
    aq_table_set_text(ctx, tp, 1, 1, "A");
    AQ_EQ_INT(aq_access_od(ctx, g, tp, ts, NULL, &res), AQ_OK);
    AQ_CHECK(isnan(num(res, "minutes", 0)));
    AQ_NEAR(num(res, "minutes", 1), 0, 0);
    aq_table_free(res);
    /* By node ids without settlements: 10 -> 40 is 30 minutes. */
    aq_table_set_text(ctx, tp, 0, 0, "10");
    aq_table_set_text(ctx, tp, 1, 0, "40");
    aq_table_set_text(ctx, tp, 0, 1, "40");
    aq_table_set_text(ctx, tp, 1, 1, "20");
    AQ_EQ_INT(aq_access_od(ctx, g, tp, NULL, NULL, &res), AQ_OK);
    AQ_NEAR(num(res, "minutes", 0), 30, 0);
    AQ_NEAR(num(res, "minutes", 1), 20, 0);
    aq_table_free(res);
    aq_table_set_text(ctx, tp, 0, 0, "Z");
    AQ_EQ_INT(aq_access_od(ctx, g, tp, ts, NULL, &res), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'Z'") != NULL);
    aq_table_free(tp);

    /* A centre that is not a node of the network is refused, named. */
    aq_table_set_number(ctx, tc, 0, 2, 99);
    AQ_EQ_INT(aq_access_nodes(ctx, g, tc, NULL, &res), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'99'") != NULL);
    aq_table_free(tc);
    aq_table_free(ts);
    aq_graph_free(g);
    aq_table_free(te);

    /* Negative minutes: refused naming the row; zero: a warning. */
    te = edges(ctx, -3);
    AQ_EQ_INT(aq_graph_from_edges(ctx, te, NULL, &g), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "negative") && strstr(aq_errmsg(ctx), "4"));
    aq_table_free(te);
    te = edges(ctx, 0);
    warned[0] = 0;
    AQ_EQ_INT(aq_graph_from_edges(ctx, te, NULL, &g), AQ_OK);
    AQ_CHECK(strstr(warned, "0 minutes") != NULL);
    aq_graph_free(g);
    aq_table_free(te);
    aq_ctx_free(ctx);
}

/* Text node ids, minutes from length and class, snapping by coordinates. */
static void test_speeds_snap(void)
{
    aq_ctx *ctx = aq_ctx_new();
    static const char *const en[] = {"from", "to", "length_km", "class", NULL};
    static const int et[] = {AQ_COL_TEXT, AQ_COL_TEXT, AQ_COL_NUMBER, AQ_COL_TEXT};
    aq_table *te = make(ctx, 2, en, et);
    aq_table_set_text(ctx, te, 0, 0, "a");
    aq_table_set_text(ctx, te, 1, 0, "b");
    aq_table_set_number(ctx, te, 2, 0, 90);
    aq_table_set_text(ctx, te, 3, 0, "trunk");
    aq_table_set_text(ctx, te, 0, 1, "b");
    aq_table_set_text(ctx, te, 1, 1, "c");
    aq_table_set_number(ctx, te, 2, 1, 30);
    aq_table_set_text(ctx, te, 3, 1, "gravel");
    aq_graph *g = NULL;
    aq_edge_opts eo;
    aq_edge_opts_init(&eo);
    /* 'gravel' has no speed: refused, with the fix in the message. */
    AQ_EQ_INT(aq_graph_from_edges(ctx, te, &eo, &g), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "gravel") && strstr(aq_errmsg(ctx), "--speeds"));
    eo.speeds = "gravel=30";
    AQ_EQ_INT(aq_speeds_check(ctx, "gravel=30,default=40"), AQ_OK);
    AQ_EQ_INT(aq_speeds_check(ctx, "gravel=fast"), AQ_EUSAGE);
    AQ_EQ_INT(aq_graph_from_edges(ctx, te, &eo, &g), AQ_OK);
    /* a -> c: 90 km at 90 km/h (trunk default) + 30 km at 30 = 120 min */
    aq_search *s = NULL;
    size_t a, c;
    AQ_CHECK(aq_graph_find(g, "a", &a) && aq_graph_find(g, "c", &c));
    AQ_EQ_INT(aq_search_new(ctx, g, &s), AQ_OK);
    aq_search_run(s, a, INFINITY, 0, NULL, 0);
    AQ_NEAR(aq_search_minutes(s, c), 120, 1e-12);
    aq_search_free(s);

    /* Coordinates in km (no CRS, columns x/y): a (0,0), b (90,0), c (120,0). */
    static const char *const nn[] = {"node", "x", "y", NULL};
    static const int nt[] = {AQ_COL_TEXT, AQ_COL_NUMBER, AQ_COL_NUMBER};
    aq_table *tn = make(ctx, 3, nn, nt);
    const char *ids[] = {"a", "b", "c"};
    double xs[] = {0, 90, 120};
    for (size_t r = 0; r < 3; r++) {
        aq_table_set_text(ctx, tn, 0, r, ids[r]);
        aq_table_set_number(ctx, tn, 1, r, xs[r]);
        aq_table_set_number(ctx, tn, 2, r, 0);
    }
    AQ_EQ_INT(aq_graph_set_coords(ctx, g, tn, NULL, NULL, NULL, -1), AQ_OK);
    double px[] = {100, -3}, py[] = {4, 4}, dist[2];
    size_t node[2];
    AQ_EQ_INT(aq_graph_snap(ctx, g, px, py, 2, node, dist), AQ_OK);
    AQ_CHECK(aq_graph_find(g, "b", &a) && node[0] == a);
    AQ_NEAR(dist[0], hypot(10, 4), 1e-12);
    AQ_NEAR(dist[1], 5, 1e-12);
    aq_table_free(tn);
    aq_table_free(te);
    aq_graph_free(g);
    aq_ctx_free(ctx);
}

int main(void)
{
    AQ_TEST_BEGIN();
    test_tables();
    test_speeds_snap();
    AQ_TEST_END();
}
