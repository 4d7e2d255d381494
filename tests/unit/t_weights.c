/*
 * t_weights.c -- spatial weights: kNN against brute force (planar and
 * great-circle), queen/rook contiguity on built squares and on columbus.shp
 * (PySAL: 236 queen links), snap tolerance, distance bands, kernels, block
 * and higher-order weights, styles, GAL/GWT round trips and bad input.
 */
#include "aimaq_spatial.h"
#include "aq_test.h"

#include <stdint.h>

/* WKB of an axis-aligned square polygon [x0, x0+s] x [y0, y0+s]. */
static size_t square_wkb(unsigned char *b, double x0, double y0, double s)
{
    const double pts[5][2] = {{x0, y0}, {x0 + s, y0}, {x0 + s, y0 + s}, {x0, y0 + s}, {x0, y0}};
    size_t o = 0;
    uint32_t u;
    b[o++] = 1;
    u = 3;
    memcpy(b + o, &u, 4), o += 4;
    u = 1;
    memcpy(b + o, &u, 4), o += 4;
    u = 5;
    memcpy(b + o, &u, 4), o += 4;
    for (int i = 0; i < 5; i++) {
        memcpy(b + o, &pts[i][0], 8), o += 8;
        memcpy(b + o, &pts[i][1], 8), o += 8;
    }
    return o;
}

/* An r x c lattice of unit squares, row-major, with gaps of GAP between them. */
static void lattice(int r, int c, double gap, unsigned char buf[][93], const unsigned char **g,
                    size_t *len)
{
    for (int i = 0; i < r; i++)
        for (int j = 0; j < c; j++) {
            int k = i * c + j;
            len[k] = square_wkb(buf[k], j * (1 + gap), i * (1 + gap), 1);
            g[k] = buf[k];
        }
}

static size_t nb_count(const aq_weights *w, size_t i)
{
    return aq_weights_neighbors(w, i, NULL, NULL);
}

static void test_contiguity(aq_ctx *ctx)
{
    unsigned char buf[16][93];
    const unsigned char *g[16];
    size_t len[16];
    lattice(4, 4, 0, buf, g, len);
    aq_weights *q = NULL, *r = NULL;
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 16, 0, 0, &q), AQ_OK);
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 16, 1, 0, &r), AQ_OK);
    aq_weights_info s;
    /* 4x4 queen lattice: corners 3, edges 5, inner 8 -> 4*3 + 8*5 + 4*8 = 84 */
    aq_weights_summary(ctx, q, &s);
    AQ_EQ_INT(s.links, 84);
    AQ_EQ_INT(s.components, 1);
    AQ_EQ_INT(s.islands, 0);
    AQ_CHECK(s.symmetric);
    /* rook: 2 * (4*3 + 3*4) = 48 */
    aq_weights_summary(ctx, r, &s);
    AQ_EQ_INT(s.links, 48);
    AQ_EQ_INT(s.min_neighbors, 2);
    AQ_EQ_INT(s.max_neighbors, 4);
    AQ_EQ_INT(nb_count(q, 5), 8);
    double cx[16], cy[16];
    AQ_EQ_INT(aq_geometry_centroids(ctx, g, len, 16, cx, cy), AQ_OK);
    AQ_NEAR(cx[5], 1.5, 1e-14);
    AQ_NEAR(cy[5], 1.5, 1e-14);
    AQ_EQ_INT(nb_count(r, 5), 4);
    aq_weights_free(q);
    aq_weights_free(r);

    /* A 1e-6 gap breaks exact contiguity; a snap of 1e-5 bridges it. */
    lattice(4, 4, 1e-6, buf, g, len);
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 16, 0, 0, &q), AQ_OK);
    aq_weights_summary(ctx, q, &s);
    AQ_EQ_INT(s.islands, 16);
    AQ_EQ_INT(s.components, 16);
    aq_weights_free(q);
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 16, 0, 1e-5, &q), AQ_OK);
    aq_weights_summary(ctx, q, &s);
    AQ_EQ_INT(s.links, 84);
    aq_weights_free(q);
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 16, 1, 1e-5, &r), AQ_OK);
    aq_weights_summary(ctx, r, &s);
    AQ_EQ_INT(s.links, 48);
    aq_weights_free(r);

    /* Bad geometry: named by row. */
    unsigned char bad[5] = {1, 2, 0, 0, 0};
    g[3] = bad;
    len[3] = sizeof bad;
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 16, 0, 0, &q), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "row 4") != NULL);

    /* esda test_moran.py test_variance: lat2W(3, 3) (rook), y = 1..9,
     * binary: VI_rand = 0.0596875, VI_norm = 0.053125. */
    lattice(3, 3, 0, buf, g, len);
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, 9, 1, 0, &r), AQ_OK);
    aq_weights_set_style(ctx, r, AQ_WSTYLE_B);
    double y[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    aq_moran_result m;
    AQ_EQ_INT(aq_moran_global(ctx, r, y, 9, 0, 1, &m), AQ_OK);
    AQ_NEAR(m.VI_rand, 0.059687500000000004, 1e-12);
    AQ_NEAR(m.VI_norm, 0.053125000000000006, 1e-12);
    AQ_CHECK(isnan(m.p_sim));

    /* Higher order on the 3x3 rook lattice: centre has 4 second-order
     * neighbours (the corners), a corner has 3 (exactly 2 steps). */
    aq_weights *h = NULL;
    AQ_EQ_INT(aq_weights_higher_order(ctx, r, 2, 0, &h), AQ_OK);
    AQ_EQ_INT(nb_count(h, 4), 4);
    AQ_EQ_INT(nb_count(h, 0), 3);
    aq_weights_free(h);
    AQ_EQ_INT(aq_weights_higher_order(ctx, r, 2, 1, &h), AQ_OK);
    AQ_EQ_INT(nb_count(h, 4), 8);
    AQ_EQ_INT(nb_count(h, 0), 5);
    aq_weights_free(h);
    aq_weights_free(r);
}

static void test_columbus(aq_ctx *ctx)
{
    /* PySAL: Queen.from_shapefile(columbus.shp) has s0 = 236 links (binary),
     * and Moran's I of CRIME (row-standardised) = 0.5001885571828611,
     * VI_norm = 0.00856341311940498, z_norm = 5.630312787738188,
     * VI_rand = 0.008689289201332044, z_rand = 5.58938267504451
     * (values listed in issue 5 and in ../shared/data/pysal-examples/SOURCE.md,
     * from esda's test suite). */
    aq_table *t = NULL;
    int rc = aq_table_read(ctx, "tests/data/pysal/columbus/columbus.shp", NULL, &t);
    AQ_EQ_INT(rc, AQ_OK);
    if (rc) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        return;
    }
    size_t n = aq_table_nrows(t);
    AQ_EQ_INT(n, 49);
    const unsigned char *g[49];
    size_t len[49];
    for (size_t i = 0; i < n && i < 49; i++)
        g[i] = aq_table_geometry(t, i, &len[i]);
    aq_weights *q = NULL;
    AQ_EQ_INT(aq_weights_contiguity(ctx, g, len, n, 0, 0, &q), AQ_OK);
    aq_weights_info s;
    aq_weights_summary(ctx, q, &s);
    AQ_EQ_INT(s.links, 236);
    AQ_EQ_INT(s.islands, 0);
    long col = aq_table_find(t, "CRIME");
    AQ_CHECK(col >= 0);
    aq_moran_result m;
    AQ_EQ_INT(aq_moran_global(ctx, q, aq_table_numbers(t, (size_t)col), n, 99, 7, &m), AQ_OK);
    AQ_NEAR(m.I, 0.5001885571828611, 1e-12);
    AQ_NEAR(m.VI_norm, 0.00856341311940498, 1e-12);
    AQ_NEAR(m.z_norm, 5.630312787738188, 1e-10);
    AQ_NEAR(m.VI_rand, 0.008689289201332044, 1e-12);
    AQ_NEAR(m.z_rand, 5.58938267504451, 1e-10);
    AQ_NEAR(m.p_sim, 0.01, 1e-12); /* no permutation of 99 reaches I */

    /* The GAL PySAL ships for columbus is the same queen contiguity. */
    aq_weights *gal = NULL;
    AQ_EQ_INT(aq_weights_read(ctx, "tests/data/pysal/columbus/columbus.gal", &gal), AQ_OK);
    aq_weights_info s2;
    aq_weights_summary(ctx, gal, &s2);
    AQ_EQ_INT(s2.links, 236);
    int same = 1;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *a, *b;
        size_t ka = aq_weights_neighbors(q, i, &a, NULL), kb = aq_weights_neighbors(gal, i, &b, NULL);
        same &= ka == kb && memcmp(a, b, ka * sizeof *a) == 0;
    }
    AQ_CHECK(same);

    aq_weights_free(gal);
    aq_weights_free(q);
    aq_table_free(t);
}

/* Deterministic pseudo-random points. */
static double lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

static void test_knn(aq_ctx *ctx)
{
    enum { N = 2000, K = 6 };
    static double x[N], y[N];
    uint64_t s = 42;
    for (int i = 0; i < N; i++) {
        x[i] = lcg(&s) * 100;
        y[i] = lcg(&s) * 100;
    }
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_knn(ctx, x, y, N, AQ_METRIC_PLANAR, K, &w), AQ_OK);
    /* brute force: the K nearest of every point */
    int ok = 1;
    for (int i = 0; i < N; i++) {
        double best[K];
        int bi[K], have = 0;
        for (int j = 0; j < N; j++) {
            if (j == i)
                continue;
            double d = (x[i] - x[j]) * (x[i] - x[j]) + (y[i] - y[j]) * (y[i] - y[j]);
            if (have == K && d >= best[K - 1])
                continue;
            int p = have < K ? have++ : K - 1;
            while (p > 0 && best[p - 1] > d) {
                best[p] = best[p - 1];
                bi[p] = bi[p - 1];
                p--;
            }
            best[p] = d;
            bi[p] = j;
        }
        const uint32_t *nb;
        const double *wt;
        size_t k = aq_weights_neighbors(w, (size_t)i, &nb, &wt);
        ok &= k == K;
        for (int a = 0; a < K; a++) {
            int found = 0;
            for (size_t b = 0; b < k; b++)
                found |= (int)nb[b] == bi[a];
            ok &= found;
        }
        ok &= fabs(wt[0] - 1.0 / K) < 1e-15;
    }
    AQ_CHECK(ok);
    aq_weights_free(w);

    /* Great circle: Almaty, Astana, Shymkent, Karaganda, Aktobe. The nearest
     * city to Astana is Karaganda (~190 km), to Almaty Shymkent (~ 600 km),
     * though in raw degrees Aktobe-Shymkent would mislead a planar search. */
    double lon[5] = {76.95, 71.45, 69.6, 73.1, 57.2}, lat[5] = {43.25, 51.17, 42.3, 49.8, 50.3};
    AQ_EQ_INT(aq_weights_knn(ctx, lon, lat, 5, AQ_METRIC_SPHERE, 1, &w), AQ_OK);
    const uint32_t *nb;
    aq_weights_neighbors(w, 1, &nb, NULL);
    AQ_EQ_INT(nb[0], 3);
    aq_weights_neighbors(w, 0, &nb, NULL);
    AQ_EQ_INT(nb[0], 2);
    aq_weights_free(w);
    /* A 200 km band around Astana holds Karaganda only. */
    AQ_EQ_INT(aq_weights_band(ctx, lon, lat, 5, AQ_METRIC_SPHERE, 200, 0, &w), AQ_OK);
    AQ_EQ_INT(nb_count(w, 1), 1);
    AQ_EQ_INT(nb_count(w, 4), 0);
    aq_weights_free(w);

    /* Bad input */
    AQ_EQ_INT(aq_weights_knn(ctx, x, y, 5, AQ_METRIC_PLANAR, 5, &w), AQ_EUSAGE);
    double xn[4] = {0, 1, NAN, 3}, yn[4] = {0, 1, 2, 3};
    AQ_EQ_INT(aq_weights_knn(ctx, xn, yn, 4, AQ_METRIC_PLANAR, 1, &w), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "row 3") != NULL);
}

static void test_band_kernel(aq_ctx *ctx)
{
    /* esda G docstring points: DistanceBand(threshold=15) */
    double x[6] = {10, 20, 40, 15, 30, 30}, y[6] = {10, 10, 10, 20, 20, 30};
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_band(ctx, x, y, 6, AQ_METRIC_PLANAR, 15, 0, &w), AQ_OK);
    aq_weights_info s;
    aq_weights_summary(ctx, w, &s);
    /* pairs within 15: (0,1) 10, (0,3) 11.18, (1,3) 11.18, (1,4) 14.14,
     * (2,4) 14.14, (3,4) 15, (4,5) 10 -> 7 pairs, 14 links */
    AQ_EQ_INT(s.links, 14);
    aq_weights_free(w);
    /* inverse distance: w_01 = 1/10 */
    AQ_EQ_INT(aq_weights_band(ctx, x, y, 6, AQ_METRIC_PLANAR, 15, -1, &w), AQ_OK);
    aq_weights_set_style(ctx, w, AQ_WSTYLE_O);
    const uint32_t *nb;
    const double *wt;
    aq_weights_neighbors(w, 0, &nb, &wt);
    AQ_EQ_INT(nb[0], 1);
    AQ_NEAR(wt[0], 0.1, 1e-15);
    aq_weights_free(w);
    /* Kernel, adaptive k = 2, triangular (libpysal Kernel semantics): the
     * unit itself weighs K(0) = 1 and the 2nd neighbour almost 0. */
    AQ_EQ_INT(aq_weights_kernel(ctx, x, y, 6, AQ_METRIC_PLANAR, AQ_KERNEL_TRIANGULAR, 0, 2, &w),
              AQ_OK);
    size_t k = aq_weights_neighbors(w, 0, &nb, &wt);
    AQ_EQ_INT(k, 3);
    AQ_EQ_INT(nb[0], 0);
    AQ_NEAR(wt[0], 1.0, 1e-15);
    AQ_NEAR(wt[1], 1 - 10 / (sqrt(125) * 1.0000001), 1e-12); /* point 1 at 10 */
    aq_weights_free(w);
    /* Fixed gaussian kernel of bandwidth 15 */
    AQ_EQ_INT(aq_weights_kernel(ctx, x, y, 6, AQ_METRIC_PLANAR, AQ_KERNEL_GAUSSIAN, 15, 0, &w),
              AQ_OK);
    k = aq_weights_neighbors(w, 0, &nb, &wt);
    AQ_EQ_INT(k, 3); /* itself, 1 and 3 */
    AQ_NEAR(wt[1], exp(-(10.0 / 15) * (10.0 / 15) / 2) / sqrt(2 * M_PI), 1e-14);
    aq_weights_free(w);
}

static void test_block_style_io(aq_ctx *ctx)
{
    const char *grp[6] = {"a", "b", "a", "c", "b", "a"};
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_block(ctx, grp, 6, &w), AQ_OK);
    AQ_EQ_INT(nb_count(w, 0), 2);
    AQ_EQ_INT(nb_count(w, 3), 0);
    aq_weights_info s;
    aq_weights_summary(ctx, w, &s);
    AQ_EQ_INT(s.islands, 1);
    AQ_EQ_INT(s.components, 3);
    AQ_EQ_INT(aq_weights_island(w, 0), 3);
    /* styles: W rows sum to 1, C sums to n, V sums to n */
    const double *wt;
    aq_weights_set_style(ctx, w, AQ_WSTYLE_W);
    aq_weights_neighbors(w, 0, NULL, &wt);
    AQ_NEAR(wt[0] + wt[1], 1, 1e-15);
    aq_weights_set_style(ctx, w, AQ_WSTYLE_C);
    aq_weights_summary(ctx, w, &s);
    AQ_NEAR(s.s0, 6, 1e-12);
    aq_weights_set_style(ctx, w, AQ_WSTYLE_V);
    aq_weights_summary(ctx, w, &s);
    AQ_NEAR(s.s0, 6, 1e-12);
    AQ_EQ_INT(aq_weights_set_style(ctx, w, 'X'), AQ_EUSAGE);

    /* GAL and GWT round trips keyed by ids */
    const char *ids[6] = {"K1", "K2", "K3", "K4", "K5", "K6"};
    AQ_EQ_INT(aq_weights_set_ids(ctx, w, ids), AQ_OK);
    char gal[512], gwt[512];
    aq_test_path(gal, sizeof gal, "t_weights.gal");
    aq_test_path(gwt, sizeof gwt, "t_weights.gwt");
    AQ_EQ_INT(aq_weights_write(ctx, w, gal, "KATO"), AQ_OK);
    AQ_EQ_INT(aq_weights_write(ctx, w, gwt, "KATO"), AQ_OK);
    aq_weights *g2 = NULL, *g3 = NULL, *al = NULL;
    AQ_EQ_INT(aq_weights_read(ctx, gal, &g2), AQ_OK);
    AQ_EQ_INT(aq_weights_n(g2), 6);
    AQ_EQ_STR(aq_weights_id(g2, 2), "K3");
    AQ_EQ_INT(nb_count(g2, 0), 2);
    AQ_EQ_INT(aq_weights_read(ctx, gwt, &g3), AQ_OK);
    /* the island K4 has no line in a GWT file: 5 units and a warning */
    AQ_EQ_INT(aq_weights_n(g3), 5);
    /* align to another order */
    const char *order[6] = {"K6", "K5", "K4", "K3", "K2", "K1"};
    AQ_EQ_INT(aq_weights_align(ctx, g2, order, 6, &al), AQ_OK);
    const uint32_t *nb;
    aq_weights_neighbors(al, 0, &nb, NULL); /* K6's neighbours K1, K3 -> rows 5, 3 */
    AQ_EQ_INT(nb[0], 3);
    AQ_EQ_INT(nb[1], 5);
    aq_weights_free(al);
    const char *missing[6] = {"K6", "K5", "K4", "K3", "K2", "K9"};
    AQ_EQ_INT(aq_weights_align(ctx, g2, missing, 6, &al), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "K1") || strstr(aq_errmsg(ctx), "K9"));
    const char *dup[6] = {"K1", "K1", "K2", "K3", "K4", "K5"};
    AQ_EQ_INT(aq_weights_set_ids(ctx, w, dup), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "appears twice") != NULL);
    aq_weights_free(g2);
    aq_weights_free(g3);
    aq_weights_free(w);

    /* A GAL naming a neighbour that is not a unit */
    FILE *f = fopen(gal, "w");
    fputs("2\n1 1\n2\n2 1\n7\n", f);
    fclose(f);
    AQ_EQ_INT(aq_weights_read(ctx, gal, &w), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'7'") != NULL);
    AQ_EQ_INT(aq_weights_read(ctx, "no/such/file.gal", &w), AQ_EIO);

    /* stl.gal: 78 units (PySAL example) */
    AQ_EQ_INT(aq_weights_read(ctx, "tests/data/pysal/stl/stl.gal", &w), AQ_OK);
    AQ_EQ_INT(aq_weights_n(w), 78);
    aq_weights_free(w);
}

static void drop_warning(void *user, const char *msg)
{
    (void)user;
    (void)msg;
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    aq_ctx_set_warning_fn(ctx, drop_warning, NULL);
    test_contiguity(ctx);
    test_columbus(ctx);
    test_knn(ctx);
    test_band_kernel(ctx);
    test_block_style_io(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
