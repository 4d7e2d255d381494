/*
 * t_markov.c -- the classic Markov chain (src/markov.c) on PySAL's usjoin
 * example against giddy's published transition counts and steady state.
 */
#include "aimaq_ineq.h"
#include "aq_test.h"
#include "t_ineq_data.h"

static void test_usjoin(aq_ctx *ctx)
{
    td_table t;
    AQ_CHECK(td_read("tests/data/pysal/us_income/usjoin.csv", &t) == 0);
    AQ_EQ_INT(t.nrows, 48);
    enum { N = 48, T = 81, K = 5 };
    static double y[T * N];
    static int cls[T * N];
    double bins[T * K];
    for (int yr = 1929; yr <= 2009; yr++) {
        char name[16];
        snprintf(name, sizeof name, "%d", yr);
        AQ_CHECK(td_col(&t, name, y + (size_t)(yr - 1929) * N) == 0);
    }
    AQ_EQ_INT(aq_markov_classify(ctx, y, N, T, K, 0, cls, bins), AQ_OK);
    aq_markov_result *m = NULL;
    AQ_EQ_INT(aq_markov_estimate(ctx, cls, N, T, K, &m), AQ_OK);
    if (!m)
        return;
    /* pysal/giddy: Markov(quintile classes of usjoin 1929-2009), also in
     * ../shared/data/pysal-examples/SOURCE.md */
    static const double counts[K][K] = {{729, 71, 1, 0, 0},
                                        {72, 567, 80, 3, 0},
                                        {0, 81, 631, 86, 2},
                                        {0, 3, 86, 573, 56},
                                        {0, 0, 1, 57, 741}};
    int same = 1;
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++)
            same &= m->counts[i * K + j] == counts[i][j];
    AQ_CHECK(same);
    static const double steady[K] = {0.20774716, 0.18725774, 0.20740537, 0.18821787,
                                     0.20937187};
    for (int i = 0; i < K; i++)
        AQ_NEAR(m->steady[i], steady[i], 6e-9);
    AQ_CHECK(m->ergodic);
    /* giddy's m.p[0] and sojourn_time follow from the counts: 801 transitions
     * start in class 1, 729 stay */
    AQ_NEAR(m->p[0], 729.0 / 801.0, 1e-15);
    AQ_NEAR(m->sojourn[0], 11.125, 1e-12);
    AQ_NEAR(m->prais[0], 72.0 / 801.0, 1e-15);
    double trace = 0;
    for (int i = 0; i < K; i++)
        trace += m->p[i * K + i];
    AQ_NEAR(m->shorrocks, (K - trace) / (K - 1), 1e-15);
    /* mean first passage times: M_jj = 1/pi_j and M_ij = 1 + sum_{k != j}
     * P_ik M_kj (Kemeny and Snell 1976, theorem 4.4.7) */
    for (int i = 0; i < K; i++)
        for (int j = 0; j < K; j++) {
            double s = 1;
            for (int k = 0; k < K; k++)
                if (k != j)
                    s += m->p[i * K + k] * m->mfpt[k * K + j];
            AQ_NEAR(m->mfpt[i * K + j], s, 1e-9);
        }
    for (int j = 0; j < K; j++)
        AQ_NEAR(m->mfpt[j * K + j], 1 / m->steady[j], 1e-9);
    aq_markov_free(m);

    /* relative to the mean: per-period quantiles do not change */
    static int cls2[T * N];
    AQ_EQ_INT(aq_markov_classify(ctx, y, N, T, K, AQ_MARKOV_RELATIVE, cls2, bins), AQ_OK);
    AQ_CHECK(memcmp(cls, cls2, sizeof cls) == 0);
    /* pooled bounds: K in total; rich late years land in the top classes */
    AQ_EQ_INT(aq_markov_classify(ctx, y, N, T, K, AQ_MARKOV_POOLED, cls2, bins), AQ_OK);
    AQ_EQ_INT(cls2[0], 0);
    AQ_EQ_INT(cls2[(T - 1) * N], 4);
}

static void test_small(aq_ctx *ctx)
{
    /* an absorbing chain: not irreducible, no steady state but no crash */
    int cls[6] = {0, 1, 1, 1, 1, 1}; /* 2 units x 3 periods, period-major */
    aq_markov_result *m = NULL;
    AQ_EQ_INT(aq_markov_estimate(ctx, cls, 2, 3, 2, &m), AQ_OK);
    if (m) {
        AQ_CHECK(!m->ergodic);
        AQ_CHECK(isnan(m->steady[0]));
        AQ_CHECK(isinf(m->sojourn[1]));
        AQ_NEAR(m->p[1], 1.0, 0);
    }
    aq_markov_free(m);
    int bad[4] = {0, 3, 1, 1};
    AQ_EQ_INT(aq_markov_estimate(ctx, bad, 2, 2, 2, &m), AQ_EINPUT);
    AQ_EQ_INT(aq_markov_estimate(ctx, bad, 2, 2, 1, &m), AQ_EUSAGE);
    double y[4] = {1, 2, 3, 4};
    int c[4];
    double b[4];
    AQ_EQ_INT(aq_markov_classify(ctx, y, 2, 2, 3, 0, c, b), AQ_EINPUT); /* n < k */
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_usjoin(ctx);
    test_small(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
