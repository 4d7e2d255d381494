/*
 * robust_rank.c -- ranking many score vectors fast, and the Monte Carlo
 * rank kernel behind weight-draw uncertainty (aq_index_mc_ranks).
 *
 * Ranks come from a stable LSD radix sort on 32-bit keys linear in the
 * score, with the rare runs sharing a key ordered by the exact
 * order-preserving 64-bit key; every step is stable, so ties keep row
 * order (numpy's argsort(kind="stable") and R's rank(ties.method =
 * "first")) and the order is exact. Rank quantiles per unit use a bucket
 * histogram of its ranks: three type-7 quantiles need six order
 * statistics, and only their buckets are sorted.
 */
#include "index_int.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Key whose ascending order is descending score, NaN last. */
static inline uint64_t desc_key(double d)
{
    if (isnan(d))
        return UINT64_MAX;
    d += 0.0; /* -0.0 -> +0.0: equal scores get equal keys */
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    u = (u >> 63) ? ~u : (u | 0x8000000000000000ULL); /* ascending */
    return ~u;
}

typedef struct kv {
    uint64_t k;
    uint32_t i;
} kv;

static int cmp_kv(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->k != y->k)
        return x->k < y->k ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static void insertion(uint64_t *k, uint32_t *ix, size_t m)
{
    for (size_t q = 1; q < m; q++) {
        uint64_t kv_ = k[q];
        uint32_t iv = ix[q];
        size_t z = q;
        while (z > 0 && k[z - 1] > kv_) { /* strict: equal keys keep their order */
            k[z] = k[z - 1];
            ix[z] = ix[z - 1];
            z--;
        }
        k[z] = kv_;
        ix[z] = iv;
    }
}

/* Stable sort of the run k[m] (with ix) by key; tk, ti are m scratch. */
static void sort_run(uint64_t *k, uint32_t *ix, size_t m, uint64_t *tk, uint32_t *ti)
{
    if (m <= 24) {
        insertion(k, ix, m);
        return;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t q = 0; q < m; q++) {
        lo = k[q] < lo ? k[q] : lo;
        hi = k[q] > hi ? k[q] : hi;
    }
    if (lo == hi)
        return; /* all equal: row order already */
    size_t S = 16;
    while (S < m / 4 && S < 4096)
        S *= 2;
    int shift = 0;
    while (((hi - lo) >> shift) >= S)
        shift++;
    uint32_t c[4097];
    memset(c, 0, (S + 1) * sizeof *c);
    for (size_t q = 0; q < m; q++)
        c[((k[q] - lo) >> shift) + 1]++;
    for (size_t q = 1; q <= S; q++)
        c[q] += c[q - 1];
    for (size_t q = 0; q < m; q++) {
        uint32_t pos = c[(k[q] - lo) >> shift]++;
        tk[pos] = k[q];
        ti[pos] = ix[q];
    }
    size_t st = 0;
    for (size_t q = 0; q < S; q++) {
        size_t e = c[q];
        if (e - st > 1) {
            if (e - st <= 64 || e - st == m)
                insertion(tk + st, ti + st, e - st);
            else
                sort_run(tk + st, ti + st, e - st, k + st, ix + st);
        }
        st = e;
    }
    memcpy(k, tk, m * sizeof *k);
    memcpy(ix, ti, m * sizeof *ix);
}

static void rank_radix(const double *score, size_t n, double mn, double mx, uint32_t *rank,
                       uint64_t *keys, uint32_t *idx);

void aq__rank_desc(const double *score, size_t n, uint32_t *rank, uint64_t *keys, uint32_t *idx)
{
    if (n < 4096) { /* small: a comparison sort beats clearing histograms */
        kv *v = (kv *)keys; /* keys holds 2n uint64: room for n kv pairs */
        for (size_t i = 0; i < n; i++) {
            v[i].k = desc_key(score[i]);
            v[i].i = (uint32_t)i;
        }
        qsort(v, n, sizeof *v, cmp_kv);
        for (size_t r = 0; r < n; r++)
            rank[v[r].i] = (uint32_t)(r + 1);
        return;
    }
    /* LSD radix sort on a 32-bit key linear in the score, then the rare
     * runs sharing a 32-bit key in exact order (see rank_radix). */
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double v = score[i];
        if (v < mn)
            mn = v;
        if (v > mx)
            mx = v;
    }
    rank_radix(score, n, mn, mx, rank, keys, idx);
}

/* 32-bit key of a score: ascending in descending score, linear over the
 * range [mn, mx] of the non-NaN scores, NaN last. Subtraction and scaling
 * by a positive constant are monotone in IEEE arithmetic, so a higher score
 * never gets a larger key; only equal keys need the exact comparison. */
static inline uint32_t coarse_key(double v, double mx, double scale)
{
    if (isnan(v))
        return UINT32_MAX;
    double f = (mx - v) * scale;
    return f >= 0 && f < 4294967040.0 ? (uint32_t)f : f >= 0 ? UINT32_MAX - 1 : 0;
}

/* Stable exact ranking for n >= 4096 when the range [mn, mx] of the non-NaN
 * scores is known (the Monte Carlo kernel tracks it while scoring, saving a
 * pass). Each unit is packed as (32-bit coarse key << 32 | row) and sorted
 * by three stable LSD passes of 11, 11 and 10 bits on the coarse key: 8
 * bytes an element and 2048 buckets a pass keep the scatter in cache where
 * a 64-bit key sort is memory-bound. Rows sharing a coarse key (exact ties,
 * or scores closer than (mx - mn) / 2^32) come out in row order and are
 * then ordered by the exact 64-bit key with the stable sort_run, so the
 * order is the exact stable order (ties by row). keys: 2n, idx: 2n. */
static void rank_radix(const double *score, size_t n, double mn, double mx, uint32_t *rank,
                       uint64_t *keys, uint32_t *idx)
{
    uint64_t *a = keys, *b = keys + n;
    static const int shift[3] = {0, 11, 22};
    uint32_t h[3][2048];
    memset(h, 0, sizeof h);
    double range = mx - mn;
    double scale = isfinite(range) && range > 0 ? 4294967040.0 / range : 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = scale > 0 || isnan(score[i]) ? coarse_key(score[i], mx, scale) : 0;
        a[i] = (uint64_t)c << 32 | (uint64_t)i;
        h[0][c & 2047]++;
        h[1][(c >> 11) & 2047]++;
        h[2][c >> 22]++;
    }
    for (int p = 0; p < 3; p++) {
        uint32_t first = (uint32_t)(a[0] >> 32 >> shift[p]) & 2047;
        if (h[p][first] == n)
            continue; /* one digit value: the pass would copy */
        uint32_t sum = 0;
        for (size_t q = 0; q < 2048; q++) {
            uint32_t t = h[p][q];
            h[p][q] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++)
            b[h[p][(uint32_t)(a[i] >> 32 >> shift[p]) & 2047]++] = a[i];
        uint64_t *t = a;
        a = b;
        b = t;
    }
    /* a holds the order; b (n) and idx (2n) are free scratch for ties. */
    size_t r = 0;
    while (r < n) {
        uint32_t c = (uint32_t)(a[r] >> 32);
        size_t e = r + 1;
        while (e < n && (uint32_t)(a[e] >> 32) == c)
            e++;
        if (e - r == 1) {
            rank[(uint32_t)a[r]] = (uint32_t)(r + 1);
        } else {
            size_t m = e - r;
            uint32_t *ix = idx, *ti = idx + n;
            for (size_t q = 0; q < m; q++) {
                ix[q] = (uint32_t)a[r + q];
                b[q] = desc_key(score[ix[q]]);
            }
            sort_run(b, ix, m, a + r, ti); /* a[r..e) is consumed: scratch */
            for (size_t q = 0; q < m; q++)
                rank[ix[q]] = (uint32_t)(r + q + 1);
        }
        r = e;
    }
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

#define QBUCKETS 512

/* Bucket holding the POS-th smallest value, from the cumulative counts. */
static size_t bucket_at(const uint32_t *cum, size_t pos)
{
    size_t b = 0;
    while (cum[b + 1] <= pos)
        b++;
    return b;
}

/* Type-7 quantiles 5, 50 and 95 % of v[0..d): a bucket histogram over
 * [min, max] locates the six order statistics they need; one more pass
 * gathers the values of those (at most six) buckets into their places of a
 * bucket-sorted scratch, and only those buckets are sorted. Ranks are
 * integers, so this is exact, and it is branch-light where a quickselect
 * mispredicts on every comparison. */
static void rank_quantiles(const uint32_t *v, size_t d, double *q)
{
    static const double ps[3] = {0.05, 0.5, 0.95};
    uint32_t lo = UINT32_MAX, hi = 0;
    for (size_t i = 0; i < d; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    if (lo == hi) {
        q[0] = q[1] = q[2] = lo;
        return;
    }
    int shift = 0;
    while (((uint64_t)(hi - lo) >> shift) >= QBUCKETS)
        shift++;
    uint32_t cum[QBUCKETS + 1] = {0}, fill[QBUCKETS];
    for (size_t i = 0; i < d; i++)
        cum[((v[i] - lo) >> shift) + 1]++;
    for (size_t b = 1; b <= QBUCKETS; b++)
        cum[b] += cum[b - 1];
    size_t pos[6];
    unsigned char need[QBUCKETS] = {0};
    for (int t = 0; t < 3; t++) {
        size_t k = (size_t)floor((double)(d - 1) * ps[t]);
        pos[2 * t] = k;
        pos[2 * t + 1] = k + 1 < d ? k + 1 : k;
        need[bucket_at(cum, pos[2 * t])] = need[bucket_at(cum, pos[2 * t + 1])] = 1;
    }
    uint32_t small[1024], *scratch = d <= 1024 ? small : malloc(d * sizeof *scratch);
    if (!scratch) {
        q[0] = q[1] = q[2] = NAN;
        return;
    }
    memcpy(fill, cum, sizeof fill);
    for (size_t i = 0; i < d; i++) {
        size_t b = (v[i] - lo) >> shift;
        if (need[b])
            scratch[fill[b]++] = v[i];
    }
    for (size_t b = 0; b < QBUCKETS; b++)
        if (need[b] && cum[b + 1] - cum[b] > 1)
            qsort(scratch + cum[b], cum[b + 1] - cum[b], sizeof *scratch, cmp_u32);
    for (int t = 0; t < 3; t++) {
        double h = (double)(d - 1) * ps[t];
        double a = scratch[pos[2 * t]], bb = scratch[pos[2 * t + 1]];
        q[t] = a + (h - floor(h)) * (bb - a);
    }
    if (scratch != small)
        free(scratch);
}

#define BLOCK 16 /* draws scored together: one 64-byte row of ranks per unit; score_block
                  * holds them in four 4-wide vectors */

/* s_i = sum_j x_ij w_j in j order without fused multiply-add, as reference
 * BLAS computes it, so ranks tie and break exactly as numpy's and R's. The
 * 16 draws of a block are independent lanes of four 4-wide vectors (one
 * multiply and one add per lane, whatever the vector width), so the AVX2
 * clone chosen at load time gives the same bits as the baseline SSE2 code. */
typedef double v4d __attribute__((vector_size(32)));

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_ADDRESS__)
__attribute__((optimize("fp-contract=off"), target_clones("avx2", "default")))
#elif defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("fp-contract=off")))
#endif
static void score_block(const double *x, size_t n, size_t m, const double *wt, size_t nb,
                        double *s, double *mn, double *mx)
{
    double lo[BLOCK], hi[BLOCK];
    for (size_t d = 0; d < BLOCK; d++) {
        lo[d] = INFINITY;
        hi[d] = -INFINITY;
    }
    for (size_t i = 0; i < n; i++) {
        v4d a0 = {0}, a1 = {0}, a2 = {0}, a3 = {0}; /* BLOCK = 16: in registers */
        const double *xi = x + i * m;
        for (size_t j = 0; j < m; j++) {
            const v4d xv = {xi[j], xi[j], xi[j], xi[j]};
            const double *wj = wt + j * BLOCK;
            v4d w0, w1, w2, w3;
            memcpy(&w0, wj, sizeof w0);
            memcpy(&w1, wj + 4, sizeof w1);
            memcpy(&w2, wj + 8, sizeof w2);
            memcpy(&w3, wj + 12, sizeof w3);
            a0 = a0 + xv * w0;
            a1 = a1 + xv * w1;
            a2 = a2 + xv * w2;
            a3 = a3 + xv * w3;
        }
        double a[BLOCK];
        memcpy(a, &a0, sizeof a0);
        memcpy(a + 4, &a1, sizeof a1);
        memcpy(a + 8, &a2, sizeof a2);
        memcpy(a + 12, &a3, sizeof a3);
        for (size_t d = 0; d < BLOCK; d++) {
            lo[d] = a[d] < lo[d] ? a[d] : lo[d];
            hi[d] = a[d] > hi[d] ? a[d] : hi[d];
        }
        for (size_t d = 0; d < nb; d++)
            s[d * n + i] = a[d];
    }
    memcpy(mn, lo, sizeof lo);
    memcpy(mx, hi, sizeof hi);
}

int aq_index_mc_ranks(aq_ctx *ctx, const double *x, size_t n, size_t m, const double *w,
                      size_t ndraws, double *q05, double *q50, double *q95)
{
    if (!n || !m || !ndraws || n >= UINT32_MAX)
        return aq__err(ctx, AQ_EUSAGE, "Monte Carlo ranks need units, indicators and draws "
                       "(got %zu, %zu, %zu)", n, m, ndraws);
    uint32_t *R = aq__malloc(n * ndraws * sizeof *R);
    if (!R)
        return aq__err(ctx, AQ_ENOMEM, "out of memory for %zu x %zu ranks (%.1f GB)", n, ndraws,
                       (double)n * (double)ndraws * 4 / 1e9);
    int nt = aq_ctx_threads(ctx) > 0 ? aq_ctx_threads(ctx) : omp_get_max_threads();
    size_t nblocks = (ndraws + BLOCK - 1) / BLOCK;
    int failed = 0;
#pragma omp parallel num_threads(nt) reduction(| : failed)
    {
        double *s = aq__malloc(BLOCK * n * sizeof *s);
        double *wt = aq__malloc(BLOCK * m * sizeof *wt);
        uint64_t *keys = aq__malloc(2 * n * sizeof *keys);
        uint32_t *idx = aq__malloc(2 * n * sizeof *idx);
        uint32_t *rk = aq__malloc(BLOCK * n * sizeof *rk);
        if (!s || !wt || !keys || !idx || !rk)
            failed = 1;
#pragma omp for schedule(dynamic, 1)
        for (size_t blk = 0; blk < nblocks; blk++) {
            if (failed)
                continue;
            size_t d0 = blk * BLOCK, nb = ndraws - d0 < BLOCK ? ndraws - d0 : BLOCK;
            memset(wt, 0, BLOCK * m * sizeof *wt);
            for (size_t d = 0; d < nb; d++)
                for (size_t j = 0; j < m; j++)
                    wt[j * BLOCK + d] = w[(d0 + d) * m + j];
            double mn[BLOCK], mx[BLOCK];
            score_block(x, n, m, wt, nb, s, mn, mx);
            for (size_t d = 0; d < nb; d++) {
                if (n < 4096)
                    aq__rank_desc(s + d * n, n, rk + d * n, keys, idx);
                else
                    rank_radix(s + d * n, n, mn[d], mx[d], rk + d * n, keys, idx);
            }
            for (size_t i = 0; i < n; i++) /* transpose: unit-major rows of ranks */
                for (size_t d = 0; d < nb; d++)
                    R[i * ndraws + d0 + d] = rk[d * n + i];
        }
        aq__free(s);
        aq__free(wt);
        aq__free(keys);
        aq__free(idx);
        aq__free(rk);
    }
    if (failed) {
        aq__free(R);
        return aq__oom(ctx);
    }
#pragma omp parallel for num_threads(nt) schedule(static)
    for (size_t i = 0; i < n; i++) {
        double q[3];
#if defined(__GNUC__)
        /* A unit's row of ranks is about a page, where hardware prefetch
         * stops: fetch the row after next while this one is summarised. */
        for (size_t o = 0; i + 2 < n && o < ndraws; o += 16)
            __builtin_prefetch(R + (i + 2) * ndraws + o);
#endif
        rank_quantiles(R + i * ndraws, ndraws, q);
        q05[i] = q[0];
        q50[i] = q[1];
        q95[i] = q[2];
    }
    aq__free(R);
    return AQ_OK;
}

/* Exposed for robust.c: the same quantiles of one unit's ranks. */
void aq__rank_quantiles(uint32_t *v, size_t d, double *q) { rank_quantiles(v, d, q); }
