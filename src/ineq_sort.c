/*
 * ineq_sort.c -- the one sort the disparity measures need (Gini, Lorenz
 * curve, quantiles): a stable LSD radix sort of doubles carrying their
 * weights. Radix instead of a comparison sort because on 10 million units
 * it is several times faster, and stable so that ties keep their input
 * order, which makes the floating-point sums after it identical whatever
 * the number of threads.
 */
#include "ineq_int.h"

#include <omp.h>
#include <string.h>

#define DIGIT_BITS 11
#define NBUCKET (1u << DIGIT_BITS)
#define NPASS 6 /* ceil(64 / 11) */

/* Maps a double to an unsigned key that orders like the double. */
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

int aq__ineq_sort(aq_ctx *ctx, const double *x, const double *w, size_t n, int threads,
                  double *xs, double *ws, double *tmpx, double *tmpw)
{
    /* The key arrays live in the caller's double buffers; keys are written
     * and read through memcpy so no pointer aliasing rules are bent. */
    unsigned char *kin = (unsigned char *)xs, *kout = (unsigned char *)tmpx;
    double *win = ws, *wout = tmpw;
    if (n < 65536 || threads < 1)
        threads = 1;
    /* Per thread: the counts of every digit of its chunk (first pass), then
     * reused as the bucket offsets of one digit per pass. */
    size_t per = (size_t)NPASS * NBUCKET;
    size_t *hist = aq__xcalloc(ctx, (size_t)threads * per, sizeof *hist);
    if (!hist)
        return AQ_ENOMEM;
    size_t global[NPASS][NBUCKET];

    /* Encode and count every digit at once. */
#pragma omp parallel num_threads(threads)
    {
        int t = omp_get_thread_num(), tn = omp_get_num_threads();
        size_t lo = n * (size_t)t / (size_t)tn, hi = n * (size_t)(t + 1) / (size_t)tn;
        size_t *mine = hist + (size_t)t * per;
        for (size_t i = lo; i < hi; i++) {
            uint64_t k = key_of(x[i]);
            memcpy(kin + i * 8, &k, 8);
            if (w)
                win[i] = w[i];
            for (int p = 0; p < NPASS; p++)
                mine[(size_t)p * NBUCKET + digit(k, p)]++;
        }
    }
    memset(global, 0, sizeof global);
    for (int t = 0; t < threads; t++)
        for (size_t j = 0; j < per; j++)
            global[j / NBUCKET][j % NBUCKET] += hist[(size_t)t * per + j];

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
            for (size_t i = lo; i < hi; i++) {
                uint64_t k;
                memcpy(&k, kin + i * 8, 8);
                mine[digit(k, p)]++;
            }
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
            for (size_t i = lo; i < hi; i++) {
                uint64_t k;
                memcpy(&k, kin + i * 8, 8);
                size_t pos = mine[digit(k, p)]++;
                memcpy(kout + pos * 8, &k, 8);
                if (w)
                    wout[pos] = win[i];
            }
        }
        unsigned char *tk = kin;
        kin = kout;
        kout = tk;
        double *tw = win;
        win = wout;
        wout = tw;
    }
    aq__free(hist);

    /* Decode; the result must end in xs/ws whichever buffer holds it. */
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; i++) {
        uint64_t k;
        memcpy(&k, kin + i * 8, 8);
        xs[i] = double_of(k);
    }
    if (w && win != ws)
        memcpy(ws, win, n * sizeof *ws);
    return AQ_OK;
}
