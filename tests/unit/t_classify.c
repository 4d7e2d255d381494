/*
 * t_classify.c -- map classes against the published values of PySAL
 * mapclassify (tests/test_mapclassify.py and its docstrings) on calemp, the
 * employment density of 58 California counties
 * (../shared/data/pysal-examples/calemp, column "emp/sq km", copied to
 * tests/data/methods/calemp_density.csv), and Fisher-Jenks against a plain
 * O(k n^2) dynamic programme.
 */
#include "aq_test.h"
#include "index_int.h"

static void check(aq_ctx *ctx, const double *x, size_t n, enum aq_breaks_method m, int k,
                  const double *want, const size_t *wantc, size_t nwant)
{
    double *b = NULL;
    size_t *c = NULL, nc = 0;
    AQ_EQ_INT(aq_breaks(ctx, x, n, m, k, &b, &c, &nc), AQ_OK);
    AQ_EQ_INT(nc, nwant);
    for (size_t i = 0; i < nc && i < nwant; i++) {
        AQ_NEAR(b[i], want[i], 1e-8);
        AQ_EQ_INT(c[i], wantc[i]);
    }
    aq_free(b);
    aq_free(c);
}

/* Minimal within-class SSD of sorted x[0..n) in k classes, O(k n^2). */
static double brute_ssd(const double *x, size_t n, int k)
{
    double best[210][8];
    for (size_t i = 0; i < n; i++) {
        double s = 0, s2 = 0;
        for (size_t j = 0; j <= i; j++) {
            s += x[j];
            s2 += x[j] * x[j];
        }
        best[i][1] = s2 - s * s / (double)(i + 1);
    }
    for (int c = 2; c <= k; c++)
        for (size_t i = 0; i < n; i++) {
            best[i][c] = INFINITY;
            double s = 0, s2 = 0;
            for (size_t j = i + 1; j-- > 0;) { /* last class x[j..i] */
                s += x[j];
                s2 += x[j] * x[j];
                if (j == 0)
                    break;
                double v = best[j - 1][c - 1] + s2 - s * s / (double)(i - j + 1);
                if (v < best[i][c])
                    best[i][c] = v;
            }
        }
    return best[n - 1][k];
}

static double ssd_of_bounds(const double *x, size_t n, const double *b, int k)
{
    double tot = 0;
    size_t i = 0;
    for (int c = 0; c < k; c++) {
        double s = 0, s2 = 0;
        size_t cnt = 0;
        while (i < n && x[i] <= b[c]) {
            s += x[i];
            s2 += x[i] * x[i];
            cnt++;
            i++;
        }
        if (cnt)
            tot += s2 - s * s / (double)cnt;
    }
    return tot;
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    aq_table *t = NULL;
    AQ_EQ_INT(aq_table_read(ctx, "tests/data/methods/calemp_density.csv", NULL, &t), AQ_OK);
    if (!t) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        AQ_TEST_END();
    }
    const double *x = aq_table_numbers(t, (size_t)aq_table_find(t, "emp_density"));
    size_t n = aq_table_nrows(t);
    AQ_EQ_INT(n, 58);
    /* issue 4 and mapclassify test_Fisher_Jenks */
    check(ctx, x, n, AQ_BREAKS_FISHER_JENKS, 5, (double[]){75.29, 192.05, 370.5, 722.85, 4111.45},
          (size_t[]){49, 3, 4, 1, 1}, 5);
    /* mapclassify test_Quantiles */
    check(ctx, x, n, AQ_BREAKS_QUANTILE, 5, (double[]){1.464, 5.798, 13.278, 54.616, 4111.45},
          (size_t[]){12, 11, 12, 11, 12}, 5);
    /* mapclassify test_StdMean (sample sd, ddof = 1) */
    check(ctx, x, n, AQ_BREAKS_STD_MEAN, 5,
          (double[]){-967.36235382, -420.71712519, 672.57333208, 1219.21856072, 4111.45},
          (size_t[]){0, 0, 56, 1, 1}, 5);
    /* mapclassify test_Box_Plot / docstring (counts 0, 15, 14, 14, 6, 9) */
    check(ctx, x, n, AQ_BREAKS_BOX, 5,
          (double[]){-52.87625, 2.5675, 9.365, 39.53, 94.97375, 4111.45},
          (size_t[]){0, 15, 14, 14, 6, 9}, 6);
    /* mapclassify test_Equal_Interval */
    check(ctx, x, n, AQ_BREAKS_EQUAL, 5, (double[]){822.394, 1644.658, 2466.922, 3289.186, 4111.45},
          (size_t[]){57, 0, 0, 0, 1}, 5);
    aq_table_free(t);

    /* Fisher-Jenks is the exact optimum: same SSD as the plain programme */
    double y[200];
    unsigned long s = 12345;
    for (int trial = 0; trial < 5; trial++) {
        for (size_t i = 0; i < 200; i++) {
            s = s * 6364136223846793005UL + 1442695040888963407UL;
            double u = (double)(s >> 11) / 9007199254740992.0;
            y[i] = trial % 2 ? floor(u * 20) : exp(3 * u); /* ties, and skew */
        }
        qsort(y, 200, sizeof *y, aq__cmp_double);
        int k = 3 + trial;
        double b[8];
        AQ_EQ_INT(aq__jenks_sorted(ctx, y, 200, k, b), AQ_OK);
        AQ_NEAR(ssd_of_bounds(y, 200, b, k), brute_ssd(y, 200, k), 1e-9);
    }
    double *b = NULL;
    size_t *c = NULL, nc;
    AQ_EQ_INT(aq_breaks(ctx, (double[]){NAN, NAN}, 2, AQ_BREAKS_QUANTILE, 3, &b, &c, &nc), AQ_EINPUT);
    AQ_EQ_INT(aq_breaks(ctx, y, 10, AQ_BREAKS_QUANTILE, 0, &b, &c, &nc), AQ_EUSAGE);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
