/*
 * t_regions.c -- regionalisation (aimaq_regions.h) on lattices whose answer
 * is known: two blocks of different values must come apart along their
 * border; every region of every method is contiguous; results do not change
 * between runs; the floor, islands and bad input are reported, not hidden.
 * The published values (rgeoda, pygeoda on Guerry) are in tests/cli/regions.sh.
 */
#include "aq_test.h"
#include "aimaq_regions.h"

#include <math.h>
#include <string.h>

/* Rook contiguity of an R x C lattice: points 1 apart, distance band 1. */
static aq_weights *lattice(aq_ctx *ctx, size_t rows, size_t cols)
{
    size_t n = rows * cols;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)(i % cols);
        y[i] = (double)(i / cols);
    }
    aq_weights *w = NULL;
    int rc = aq_weights_band(ctx, x, y, n, AQ_METRIC_PLANAR, 1.0, 0, &w);
    free(x);
    free(y);
    return rc == AQ_OK ? w : NULL;
}

/* Each region is one connected piece of the weights graph. */
static int contiguous(const aq_weights *w, const aq_regions_result *r)
{
    size_t n = r->n;
    uint32_t *seen = calloc(n, sizeof *seen), *queue = malloc(n * sizeof *queue);
    size_t *pieces = calloc(r->k, sizeof *pieces);
    int ok = 1;
    for (size_t s = 0; s < n; s++) {
        if (seen[s])
            continue;
        pieces[r->region[s]]++;
        size_t head = 0, tail = 0;
        queue[tail++] = (uint32_t)s;
        seen[s] = 1;
        while (head < tail) {
            uint32_t u = queue[head++];
            const uint32_t *nb;
            const double *wt;
            size_t m = aq_weights_neighbors(w, u, &nb, &wt);
            for (size_t e = 0; e < m; e++)
                if (!seen[nb[e]] && r->region[nb[e]] == r->region[u]) {
                    seen[nb[e]] = 1;
                    queue[tail++] = nb[e];
                }
        }
    }
    for (size_t c = 0; c < r->k; c++)
        if (pieces[c] != 1)
            ok = 0;
    free(seen);
    free(queue);
    free(pieces);
    return ok;
}

/* Two blocks on a 10 x 10 lattice: columns 0-3 near 0, 4-9 near 10. */
static void two_blocks(double *x, size_t p)
{
    for (size_t i = 0; i < 100; i++)
        for (size_t v = 0; v < p; v++)
            x[i * p + v] = (i % 10 < 4 ? 0.0 : 10.0) + 0.01 * (double)((i * 7 + v * 3) % 11);
}

static void test_blocks(aq_ctx *ctx, aq_weights *w)
{
    double x[200];
    two_blocks(x, 2);
    struct {
        int method, linkage;
    } cases[] = {{AQ_REGIONS_SKATER, 0},
                 {AQ_REGIONS_SCHC, AQ_LINKAGE_WARD},
                 {AQ_REGIONS_SCHC, AQ_LINKAGE_AVERAGE},
                 {AQ_REGIONS_SCHC, AQ_LINKAGE_COMPLETE},
                 {AQ_REGIONS_SCHC, AQ_LINKAGE_SINGLE},
                 {AQ_REGIONS_REDCAP, AQ_LINKAGE_WARD},
                 {AQ_REGIONS_REDCAP, AQ_LINKAGE_AVERAGE},
                 {AQ_REGIONS_REDCAP, AQ_LINKAGE_COMPLETE},
                 {AQ_REGIONS_REDCAP, AQ_LINKAGE_SINGLE}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        aq_regions_opts o = {.method = cases[c].method, .linkage = cases[c].linkage, .k = 2, .floor = NULL, .floor_min = 0};
        aq_regions_result *r = NULL;
        AQ_EQ_INT(aq_regions(ctx, x, 100, 2, w, &o, &r), AQ_OK);
        if (!r)
            continue;
        /* the blocks come apart exactly: 60 units right, 40 left */
        AQ_EQ_INT(r->k, 2);
        AQ_EQ_INT(r->size[0], 60);
        AQ_EQ_INT(r->size[1], 40);
        int split = 1;
        for (size_t i = 0; i < 100; i++)
            if (r->region[i] != (i % 10 < 4 ? 1u : 0u))
                split = 0;
        AQ_CHECK(split);
        AQ_NEAR(r->within_ss + r->between_ss, r->total_ss, 1e-12);
        AQ_CHECK(r->ratio > 0.99);
        /* 40 left units: 4 x 10 rook links inside, 10 cut links */
        AQ_NEAR(r->join_ratio[1], (2.0 * (3 * 10 + 4 * 9)) / (2.0 * (3 * 10 + 4 * 9) + 10), 1e-12);
        AQ_EQ_INT(r->diameter[1], 3 + 9);
        AQ_EQ_INT(r->components, 1);
        AQ_EQ_INT(r->islands, 0);
        aq_regions_free(r);
    }
}

static void test_contiguous_and_stable(aq_ctx *ctx)
{
    aq_weights *w = lattice(ctx, 30, 30);
    AQ_CHECK(w != NULL);
    size_t n = 900, p = 3;
    double *x = malloc(n * p * sizeof *x);
    /* smooth waves plus a deterministic jitter: many near-equal choices */
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < p; v++)
            x[i * p + v] = sin((double)(i % 30) / (3.0 + (double)v)) +
                           cos((double)(i / 30) / (4.0 + (double)v)) +
                           0.05 * (double)((i * 2654435761u + v) % 97) / 97.0;
    AQ_EQ_INT(aq_regions_standardize(ctx, x, n, p), AQ_OK);
    for (int method = AQ_REGIONS_SKATER; method <= AQ_REGIONS_REDCAP; method++)
        for (int l = AQ_LINKAGE_SINGLE; l <= AQ_LINKAGE_WARD; l++) {
            if (method == AQ_REGIONS_SKATER && l > AQ_LINKAGE_SINGLE)
                break;
            aq_regions_opts o = {.method = method, .linkage = l, .k = 12, .floor = NULL, .floor_min = 0};
            aq_regions_result *a = NULL, *b = NULL, *e = NULL;
            AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &a), AQ_OK);
            AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &b), AQ_OK);
            if (!a || !b)
                continue;
            AQ_EQ_INT(a->k, 12);
            AQ_CHECK(contiguous(w, a));
            AQ_CHECK(memcmp(a->region, b->region, n * sizeof *a->region) == 0);
            /* sizes are ordered, largest first */
            for (size_t c = 1; c < a->k; c++)
                AQ_CHECK(a->size[c - 1] >= a->size[c]);
            /* evaluating the partition gives the same objective */
            AQ_EQ_INT(aq_regions_evaluate(ctx, x, n, p, w, a->region, NULL, &e), AQ_OK);
            if (e) {
                AQ_NEAR(e->within_ss, a->within_ss, 1e-12);
                AQ_NEAR(e->ratio, a->ratio, 1e-12);
            }
            /* standardised: every variable has n - 1 squares */
            AQ_NEAR(a->total_ss, (double)(p * (n - 1)), 1e-9);
            aq_regions_free(a);
            aq_regions_free(b);
            aq_regions_free(e);
        }
    free(x);
    aq_weights_free(w);
}

static void test_floor(aq_ctx *ctx, aq_weights *w)
{
    double x[200], pop[100];
    two_blocks(x, 2);
    for (size_t i = 0; i < 100; i++)
        pop[i] = 1;
    /* 100 people, floor 30: at most 3 regions, and the cut stops there */
    aq_regions_opts o = {.method = AQ_REGIONS_SKATER, .linkage = 0, .k = 6, .floor = pop, .floor_min = 30};
    aq_regions_result *r = NULL;
    AQ_EQ_INT(aq_regions(ctx, x, 100, 2, w, &o, &r), AQ_OK);
    if (r) {
        AQ_CHECK(r->k <= 3 && r->k >= 2);
        AQ_EQ_INT(r->floor_limited, 1);
        AQ_EQ_INT(r->k_requested, 6);
        for (size_t c = 0; c < r->k; c++)
            AQ_CHECK(r->floor_total[c] >= 30);
        aq_regions_free(r);
    }
    o.method = AQ_REGIONS_REDCAP;
    o.linkage = AQ_LINKAGE_WARD;
    AQ_EQ_INT(aq_regions(ctx, x, 100, 2, w, &o, &r), AQ_OK);
    if (r) {
        for (size_t c = 0; c < r->k; c++)
            AQ_CHECK(r->floor_total[c] >= 30);
        aq_regions_free(r);
    }
    /* a floor above the whole total */
    o.floor_min = 101;
    AQ_EQ_INT(aq_regions(ctx, x, 100, 2, w, &o, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "below the floor 101") != NULL);
    /* SCHC has no floor */
    o.method = AQ_REGIONS_SCHC;
    o.floor_min = 10;
    AQ_EQ_INT(aq_regions(ctx, x, 100, 2, w, &o, &r), AQ_EUSAGE);
}

static void test_islands_and_errors(aq_ctx *ctx)
{
    /* 5 points on a line 1 apart and one far away: band 1 leaves it alone */
    double px[6] = {0, 1, 2, 3, 4, 100}, py[6] = {0};
    double x[6] = {1, 1.1, 5, 5.2, 5.1, 3};
    aq_weights *w = NULL;
    AQ_EQ_INT(aq_weights_band(ctx, px, py, 6, AQ_METRIC_PLANAR, 1.0, 0, &w), AQ_OK);
    aq_regions_opts o = {.method = AQ_REGIONS_SKATER, .linkage = 0, .k = 1, .floor = NULL, .floor_min = 0};
    aq_regions_result *r = NULL;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "2 separate parts (1 of them island") != NULL);
    o.k = 3;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_OK);
    if (r) {
        AQ_EQ_INT(r->islands, 1);
        AQ_EQ_INT(r->island[0], 5);
        AQ_EQ_INT(r->components, 2);
        /* the island is a region alone; the line splits between 1.1 and 5 */
        AQ_EQ_INT(r->size[r->region[5]], 1);
        AQ_CHECK(r->region[0] == r->region[1] && r->region[2] == r->region[4]);
        AQ_CHECK(r->region[1] != r->region[2]);
        aq_regions_free(r);
    }
    o.method = AQ_REGIONS_SCHC;
    o.linkage = AQ_LINKAGE_AVERAGE;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_OK);
    if (r) {
        AQ_EQ_INT(r->k, 3);
        AQ_CHECK(r->region[0] == r->region[1] && r->region[1] != r->region[2]);
        aq_regions_free(r);
    }
    /* usage and input errors leave *out alone */
    r = NULL;
    o.k = 0;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_EUSAGE);
    o.k = 7;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_EUSAGE);
    o.k = 3;
    o.linkage = 99;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_EUSAGE);
    o.linkage = AQ_LINKAGE_WARD;
    AQ_EQ_INT(aq_regions(ctx, x, 5, 1, w, &o, &r), AQ_EUSAGE);
    x[2] = NAN;
    AQ_EQ_INT(aq_regions(ctx, x, 6, 1, w, &o, &r), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unit 3, variable 1") != NULL);
    AQ_CHECK(r == NULL);
    double c[4] = {2, 2, 2, 2};
    AQ_EQ_INT(aq_regions_standardize(ctx, c, 4, 1), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "variable 1 is constant") != NULL);
    double z[4] = {1, 2, 3, 4};
    AQ_EQ_INT(aq_regions_standardize(ctx, z, 4, 1), AQ_OK);
    AQ_NEAR(z[0], -1.5 / sqrt(5.0 / 3.0), 1e-15); /* n - 1 standard deviation */
    AQ_EQ_INT(aq_regions_method_parse("redcap"), AQ_REGIONS_REDCAP);
    AQ_EQ_INT(aq_regions_method_parse("maxp"), AQ_REGIONS_MAXP);
    AQ_EQ_INT(aq_regions_method_parse("azp"), AQ_REGIONS_AZP);
    AQ_EQ_INT(aq_regions_method_parse("kmeans"), 0);
    AQ_EQ_INT(aq_linkage_parse("ward"), AQ_LINKAGE_WARD);
    aq_weights_free(w);
}

/* Max-p and AZP: seeded, so the same seed gives the same partition; every
 * region contiguous; max-p's regions all reach the floor, and the local
 * search never leaves a unit that would lower the within SS by moving. */
static void test_heuristics(aq_ctx *ctx)
{
    aq_weights *w = lattice(ctx, 20, 20);
    size_t n = 400, p = 2;
    double *x = malloc(n * p * sizeof *x), pop[400];
    for (size_t i = 0; i < n; i++) {
        x[i * p] = sin((double)(i % 20) / 3.0) + 0.1 * (double)((i * 37) % 13) / 13.0;
        x[i * p + 1] = cos((double)(i / 20) / 4.0);
        pop[i] = 1 + (double)(i % 7);
    }
    aq_regions_opts o = {.method = AQ_REGIONS_MAXP, .floor = pop, .floor_min = 60, .seed = 7,
                         .iterations = 20};
    aq_regions_result *a = NULL, *b = NULL, *c = NULL;
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &a), AQ_OK);
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &b), AQ_OK);
    o.seed = 8;
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &c), AQ_OK);
    if (a && b && c) {
        AQ_CHECK(a->k >= 10); /* 1600 people, floor 60: at most 26 */
        AQ_CHECK(a->k <= 26);
        AQ_EQ_INT(a->k_requested, 0);
        AQ_CHECK(contiguous(w, a) && contiguous(w, c));
        AQ_CHECK(memcmp(a->region, b->region, n * sizeof *a->region) == 0);
        for (size_t r = 0; r < a->k; r++)
            AQ_CHECK(a->floor_total[r] >= 60);
        for (size_t r = 0; r < c->k; r++)
            AQ_CHECK(c->floor_total[r] >= 60);
    }
    aq_regions_free(a);
    aq_regions_free(b);
    aq_regions_free(c);
    o.floor = NULL;
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &a), AQ_EUSAGE);
    o = (aq_regions_opts){.method = AQ_REGIONS_AZP, .k = 8, .seed = 3};
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &a), AQ_OK);
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &b), AQ_OK);
    if (a && b) {
        AQ_EQ_INT(a->k, 8);
        AQ_CHECK(contiguous(w, a));
        AQ_CHECK(memcmp(a->region, b->region, n * sizeof *a->region) == 0);
        AQ_NEAR(a->within_ss + a->between_ss, a->total_ss, 1e-12);
    }
    aq_regions_free(a);
    aq_regions_free(b);
    o.floor = pop;
    AQ_EQ_INT(aq_regions(ctx, x, n, p, w, &o, &a), AQ_EUSAGE);
    free(x);
    aq_weights_free(w);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    aq_weights *w = lattice(ctx, 10, 10);
    AQ_CHECK(w != NULL);
    if (w) {
        test_blocks(ctx, w);
        test_floor(ctx, w);
    }
    test_contiguous_and_stable(ctx);
    test_islands_and_errors(ctx);
    test_heuristics(ctx);
    aq_weights_free(w);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
