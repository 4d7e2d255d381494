/*
 * ineq_sort.c -- the one sort the disparity measures need (Gini, Lorenz
 * curve, quantiles): a stable LSD radix sort of (value, weight) pairs.
 * Radix instead of a comparison sort because on 10 million units it is
 * several times faster; pairs in one array because each scatter then
 * writes one stream per bucket instead of two; stable so that ties keep
 * their input order, which makes the floating-point sums after it
 * identical whatever the number of threads.
 */
#include "ineq_int.h"

#include <omp.h>
#include <string.h>

#define DIGIT_BITS 16
#define NBUCKET (1u << DIGIT_BITS)
#define NPASS 4 /* 64 / 16 */
/* Below this many units a merge sort is cheaper than clearing the
 * histograms of 16-bit digits (bootstrap replicates of a few regions). */
#define SMALL 4096

/* A pair under sorting: the key that orders like the double, the weight. */
typedef struct kw {
    uint64_t k;
    double w;
} kw;

_Static_assert(sizeof(kw) == sizeof(aq__xw), "pairs are sorted in place of the result");

static inline uint64_t key_of(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}

static inline double double_of(uint64_t k)
{
    uint64_t u = (k >> 63) ? (k & 0x7fffffffffffffffULL) : ~k;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static inline unsigned digit(uint64_t k, int pass)
{
    return (unsigned)(k >> (pass * DIGIT_BITS)) & (NBUCKET - 1);
}

/* Stable bottom-up merge sort of N pairs (A), using B as scratch; returns
 * the buffer that holds the result. */
static aq__xw *merge_sort(aq__xw *a, aq__xw *b, size_t n)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = a[j].x < a[i].x ? a[j++] : a[i++]; /* ties: left first */
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        aq__xw *t = a;
        a = b;
        b = t;
    }
    return a;
}

static int small_sort(aq_ctx *ctx, const double *x, const double *w, size_t n, aq__xw **out)
{
    aq__xw *a = aq__xmalloc(ctx, (n ? n : 1) * sizeof *a);
    aq__xw *b = aq__xmalloc(ctx, (n ? n : 1) * sizeof *b);
    if (!a || !b) {
        aq__free(a);
        aq__free(b);
        return AQ_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        a[i] = (aq__xw){x[i], w ? w[i] : 1.0};
    aq__xw *res = merge_sort(a, b, n);
    aq__free(res == a ? b : a);
    *out = res;
    return AQ_OK;
}

int aq__ineq_sort(aq_ctx *ctx, const double *x, const double *w, size_t n, int threads,
                  aq__xw **out)
{
    if (n < SMALL)
        return small_sort(ctx, x, w, n, out);
    if (n < 65536 || threads < 1)
        threads = 1;
    size_t per = (size_t)NPASS * NBUCKET;
    kw *a = aq__xmalloc(ctx, n * sizeof *a);
    kw *b = aq__xmalloc(ctx, n * sizeof *b);
    size_t *hist = aq__xcalloc(ctx, (size_t)threads * per, sizeof *hist);
    size_t (*global)[NBUCKET] = aq__xcalloc(ctx, NPASS, sizeof *global);
    if (!a || !b || !hist || !global) {
        aq__free(a);
        aq__free(b);
        aq__free(hist);
        aq__free(global);
        return AQ_ENOMEM;
    }

    /* Encode and count every digit at once, per thread and chunk. */
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num(), tn = omp_get_num_threads();
        size_t lo = n * (size_t)t / (size_t)tn, hi = n * (size_t)(t + 1) / (size_t)tn;
        size_t *mine = hist + (size_t)t * per;
        for (size_t i = lo; i < hi; i++) {
            uint64_t k = key_of(x[i]);
            a[i].k = k;
            a[i].w = w ? w[i] : 1.0;
            for (int p = 0; p < NPASS; p++)
                mine[(size_t)p * NBUCKET + digit(k, p)]++;
        }
    }
    for (int t = 0; t < threads; t++)
        for (size_t j = 0; j < per; j++)
            global[j / NBUCKET][j % NBUCKET] += hist[(size_t)t * per + j];

    kw *in = a, *to = b;
    for (int p = 0; p < NPASS; p++) {
        /* A digit every key shares does not reorder anything: skip it. */
        int trivial = 0;
        for (unsigned d = 0; d < NBUCKET && !trivial; d++)
            trivial = global[p][d] == n;
        if (trivial)
            continue;
#pragma omp parallel num_threads(threads)
        {
            int t = omp_get_thread_num(), tn = omp_get_num_threads();
            size_t lo = n * (size_t)t / (size_t)tn, hi = n * (size_t)(t + 1) / (size_t)tn;
            size_t *mine = hist + (size_t)t * per;
            memset(mine, 0, NBUCKET * sizeof *mine);
            for (size_t i = lo; i < hi; i++)
                mine[digit(in[i].k, p)]++;
#pragma omp barrier
#pragma omp single
            {
                /* Offsets bucket by bucket, chunk by chunk, so the scatter
                 * keeps the input order within each bucket (stability). */
                size_t run = 0;
                for (unsigned d = 0; d < NBUCKET; d++)
                    for (int c = 0; c < tn; c++) {
                        size_t *slot = hist + (size_t)c * per + d;
                        size_t cnt = *slot;
                        *slot = run;
                        run += cnt;
                    }
            }
            for (size_t i = lo; i < hi; i++)
                to[mine[digit(in[i].k, p)]++] = in[i];
        }
        kw *tmp = in;
        in = to;
        to = tmp;
    }
    aq__free(hist);
    aq__free(global);
    aq__free(to);

    /* Decode in place: the pair array becomes the (value, weight) result. */
    aq__xw *res = (aq__xw *)(void *)in;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++) {
        kw e = in[i];
        aq__xw r = {double_of(e.k), e.w};
        memcpy(&res[i], &r, sizeof r);
    }
    *out = res;
    return AQ_OK;
}
