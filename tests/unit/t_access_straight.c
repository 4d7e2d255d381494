/*
 * t_access_straight.c -- straight-line graphs (no roads): minutes =
 * distance x circuity / speed x 60 between every pair of points; the
 * nearest-source search, bounded single-source searches (reused, so their
 * reset is tested), 2SFCA on top of them, and refused parameters.
 * Planar points in km keep the expected values exact by hand; the
 * geographic case is checked against a haversine worked out in Python
 * (R = 6371.0088 km).
 */
#include "aq_test.h"
#include "aimaq_network.h"

#include <math.h>

/* Haversine minutes at x 1.3 and 60 km/h, written out independently. */
static double minutes_hav(double lon1, double lat1, double lon2, double lat2)
{
    const double r = 3.14159265358979323846 / 180;
    double a = sin((lat2 - lat1) * r / 2), b = sin((lon2 - lon1) * r / 2);
    double h = a * a + cos(lat1 * r) * cos(lat2 * r) * b * b;
    return 2 * 6371.0088 * asin(sqrt(h)) * 1.3;
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    /* Planar km; 1.5 x / 30 km/h x 60 = 3 minutes per straight-line km. */
    const double x[] = {0, 3, 6, 0}, y[] = {0, 4, 8, 10};
    aq_graph *g = NULL;
    AQ_CHECK(aq_graph_straight_new(ctx, x, y, 4, 0, 1.5, 30, &g) == AQ_OK);
    double c = 0, v = 0;
    AQ_CHECK(aq_graph_straight(g, &c, &v) == 1 && c == 1.5 && v == 30);
    AQ_CHECK(aq_graph_nnodes(g) == 4 && aq_graph_nedges(g) == 0);

    /* Nearest of sources 0 and 3: node 1 is 5 km from 0 (15 min) and
     * sqrt(45) km from 3; node 2 is 10 km from 0 and sqrt(40) km from 3. */
    size_t src[] = {0, 3};
    double m[4];
    long which[4];
    AQ_CHECK(aq_graph_nearest(ctx, g, src, 2, INFINITY, 1, m, which) == AQ_OK);
    AQ_NEAR(m[0], 0, 1e-12);
    AQ_NEAR(m[1], 15, 1e-12);
    AQ_NEAR(m[2], 3 * sqrt(40.0), 1e-12);
    AQ_NEAR(m[3], 0, 1e-12);
    AQ_CHECK(which[0] == 0 && which[1] == 0 && which[2] == 1 && which[3] == 1);
    /* Within 18 minutes node 2 (18.97) reaches none. */
    AQ_CHECK(aq_graph_nearest(ctx, g, src, 2, 18, 1, m, which) == AQ_OK);
    AQ_CHECK(isinf(m[2]) && which[2] == -1 && which[1] == 0);

    /* Bounded searches, one object reused. */
    aq_search *s = NULL;
    AQ_CHECK(aq_search_new(ctx, g, &s) == AQ_OK);
    AQ_CHECK(aq_search_run(s, 0, 20, 0, NULL, 0) == 2);
    AQ_CHECK(aq_search_reached(s)[0] == 0 && aq_search_reached(s)[1] == 1);
    AQ_NEAR(aq_search_minutes(s, 1), 15, 1e-12);
    AQ_CHECK(isinf(aq_search_minutes(s, 2)) && isinf(aq_search_minutes(s, 3)));
    AQ_CHECK(aq_search_run(s, 3, INFINITY, 0, NULL, 0) == 4);
    const uint32_t *r = aq_search_reached(s);
    AQ_CHECK(r[0] == 3 && r[1] == 2 && r[2] == 1 && r[3] == 0); /* 0, 18.97, 20.12, 30 */
    AQ_NEAR(aq_search_minutes(s, 0), 30, 1e-12);
    AQ_CHECK(aq_search_run(s, 0, 1, 0, NULL, 0) == 1);
    AQ_CHECK(isinf(aq_search_minutes(s, 2))); /* the previous run forgotten */
    aq_search_free(s);

    /* 2SFCA, 20-minute catchment: facility at 0 (capacity 60) serves nodes 0
     * and 1 (300 people): R = 0.2; node 2 (30 min) gets nothing. */
    size_t dem[] = {0, 1, 2}, sup[] = {0};
    double pop[] = {100, 200, 300}, cap[] = {60}, ratio[3], rj[1];
    double upto[] = {20}, wt[] = {1};
    aq_bands b = {upto, wt, 1};
    AQ_CHECK(aq_2sfca(ctx, g, dem, pop, 3, sup, cap, 1, &b, ratio, rj) == AQ_OK);
    AQ_NEAR(rj[0], 0.2, 1e-12);
    AQ_NEAR(ratio[0], 0.2, 1e-12);
    AQ_NEAR(ratio[1], 0.2, 1e-12);
    AQ_NEAR(ratio[2], 0, 1e-12);
    aq_graph_free(g);

    /* Degrees: (76, 43) -> (76.5, 43) is 40.6614... km by haversine; x 1.3
     * at 60 km/h = 52.85982877990917 minutes (Python). */
    const double lon[] = {76, 76.5}, lat[] = {43, 43};
    AQ_CHECK(aq_graph_straight_new(ctx, lon, lat, 2, 1, 1.3, 60, &g) == AQ_OK);
    size_t one = 0;
    AQ_CHECK(aq_graph_nearest(ctx, g, &one, 1, INFINITY, 1, m, NULL) == AQ_OK);
    AQ_NEAR(m[1], 52.85982877990917, 1e-12);
    aq_graph_free(g);

    /* The k-d tree against brute force: 3,000 points on a lattice-free
     * pseudo-random cloud (degrees over Kazakhstan's extent, so the sphere
     * path is used), every 37th a source, plus a duplicate source at the
     * same point as an earlier one (the first must keep the tie). */
    enum { NP = 3000 };
    static double px[NP], py[NP], mm[NP];
    static long ww[NP];
    static size_t ss[NP];
    unsigned long long st = 12345;
    for (size_t i = 0; i < NP; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        px[i] = 46.5 + (double)(st >> 11) / 9007199254740992.0 * 40.8;
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        py[i] = 40.6 + (double)(st >> 11) / 9007199254740992.0 * 14.8;
    }
    px[NP - 1] = px[37];
    py[NP - 1] = py[37];
    size_t ns = 0;
    for (size_t i = 0; i < NP; i += 37)
        ss[ns++] = i;
    ss[ns++] = NP - 1; /* same place as source 1 (node 37) */
    AQ_CHECK(aq_graph_straight_new(ctx, px, py, NP, 1, 1.3, 60, &g) == AQ_OK);
    AQ_CHECK(aq_graph_nearest(ctx, g, ss, ns, INFINITY, 1, mm, ww) == AQ_OK);
    size_t wrong = 0;
    for (size_t u = 0; u < 400; u++) { /* quadratic: 400 points suffice */
        double best = INFINITY;
        long bk = -1;
        for (size_t k = 0; k < ns; k++) {
            double d = minutes_hav(px[ss[k]], py[ss[k]], px[u], py[u]);
            if (d < best)
                best = d, bk = (long)k;
        }
        wrong += !(fabs(mm[u] - best) <= 1e-9 * best) || ww[u] != bk;
    }
    AQ_CHECK(wrong == 0);
    AQ_CHECK(ww[37] == 1 && ww[NP - 1] == 1 && mm[NP - 1] == 0);
    aq_graph_free(g);

    /* Refused: circuity below 1, speed 0; a road graph is not straight. */
    g = NULL;
    AQ_CHECK(aq_graph_straight_new(ctx, x, y, 4, 0, 0.9, 60, &g) == AQ_EUSAGE && !g);
    AQ_CHECK(strstr(aq_errmsg(ctx), "circuity factor must be a number >= 1") != NULL);
    AQ_CHECK(aq_graph_straight_new(ctx, x, y, 4, 0, 1.3, 0, &g) == AQ_EUSAGE && !g);
    uint32_t f[] = {0}, t[] = {1};
    double w[] = {5};
    AQ_CHECK(aq_graph_new(ctx, 2, f, t, w, 1, 0, &g) == AQ_OK);
    AQ_CHECK(aq_graph_straight(g, NULL, NULL) == 0);
    aq_graph_free(g);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
