/*
 * moran_perm.c -- the permutation null of global Moran's I, eight
 * permutations at a time.
 *
 * Permutation k needs sum_i zp_i (W zp)_i with zp a random permutation of
 * z. Done one permutation at a time, every permutation streams the whole
 * CSR weights (12 bytes a link: 96 MB for kNN8 on a million units) and
 * shuffles a million doubles with random swaps across 8 MB. Here:
 *
 *  - each permutation is drawn by Sanders' cache-friendly shuffle: every
 *    value goes to one of B buckets chosen uniformly at random (B a power
 *    of two, so that a bucket of about 65,536 values, 256 KB, stays in L2), then
 *    each bucket is shuffled by Fisher-Yates. Concatenated, the buckets
 *    are a uniform random permutation: a given order needs the values in
 *    the bucket sizes s_b it implies (probability B^-n) and each bucket's
 *    order (1 / s_b!), and summing B^-n prod 1/s_b! over all size vectors
 *    gives 1/n! by the multinomial theorem;
 *  - eight permutations are laid side by side (zp[8 i + lane]) so that one
 *    pass over the weights serves all eight, each neighbour read fetching
 *    its eight permuted values in one 32-byte load;
 *  - the permuted values and the weights are single precision (float),
 *    the products of each row are accumulated in double. A simulated I
 *    moves by about 1e-7 relative, which can change p_sim only when a
 *    simulated value ties the observed I to 7 digits; the observed I and
 *    the analytical moments stay in double.
 *
 * Permutation k uses the random stream (seed, k) whatever block or thread
 * computes it, so the results do not depend on the number of threads.
 */
#include "spatial_int.h"

#include <omp.h>
#include <string.h>
#ifdef __SSE2__
#include <xmmintrin.h>
#endif

enum { LANES = 8, BUCKET = 65536 };

/* Number of buckets for n values: a power of two up to 256, about BUCKET
 * values in each (1 for small n: then the shuffle is plain Fisher-Yates). */
static unsigned bucket_count(size_t n)
{
    unsigned b = 1;
    while (b < 256 && (size_t)b * BUCKET < n)
        b *= 2;
    return b;
}

/* Writes into OUT a uniform random permutation of V (n floats), drawn
 * from the stream STATE. IDS (n bytes) and CNT (B + 1) are scratch. */
static __attribute__((noinline)) void shuffle(const float *v, size_t n, unsigned nb,
                                              uint64_t *state, float *out, unsigned char *ids,
                                              size_t *cnt)
{
    memset(cnt, 0, (nb + 1) * sizeof *cnt);
    unsigned mask = nb - 1;
    if (nb > 1) {
        uint64_t r = 0;
        for (size_t i = 0; i < n; i++) {
            if ((i & 7) == 0)
                r = aq__wyrand(state);
            unsigned b = (unsigned)(r & mask);
            r >>= 8;
            ids[i] = (unsigned char)b;
            cnt[b + 1]++;
        }
        for (unsigned b = 0; b < nb; b++)
            cnt[b + 1] += cnt[b];
        for (size_t i = 0; i < n; i++)
            out[cnt[ids[i]]++] = v[i];
        /* cnt[b] is now the end of bucket b, the start of bucket b + 1 */
    } else {
        memcpy(out, v, n * sizeof *out);
        cnt[0] = n;
    }
    size_t start = 0;
    for (unsigned b = 0; b < nb; b++) {
        size_t end = cnt[b];
        float *s = out + start;
        size_t m = end - start;
        /* Fisher-Yates, two bounded draws from each 64-bit output */
        for (; m > 2; m -= 2) {
            uint64_t x = aq__wyrand(state);
            uint32_t j = aq__bounded32(state, (uint32_t)(x >> 32), (uint32_t)m);
            float t = s[m - 1];
            s[m - 1] = s[j];
            s[j] = t;
            j = aq__bounded32(state, (uint32_t)x, (uint32_t)(m - 1));
            t = s[m - 2];
            s[m - 2] = s[j];
            s[j] = t;
        }
        if (m == 2) {
            uint32_t j = aq__bounded32(state, (uint32_t)(aq__wyrand(state) >> 32), 2);
            float t = s[1];
            s[1] = s[j];
            s[j] = t;
        }
        start = end;
    }
}

/* zp[LANES i + l] = out[l n + i]: the eight permutations side by side. */
static __attribute__((noinline)) void interleave(const float *out, size_t n, float *zp)
{
    size_t i = 0;
#ifdef __SSE2__
    for (; i + 4 <= n; i += 4)
        for (int h = 0; h < LANES; h += 4) {
            __m128 r0 = _mm_loadu_ps(out + (size_t)h * n + i);
            __m128 r1 = _mm_loadu_ps(out + (size_t)(h + 1) * n + i);
            __m128 r2 = _mm_loadu_ps(out + (size_t)(h + 2) * n + i);
            __m128 r3 = _mm_loadu_ps(out + (size_t)(h + 3) * n + i);
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            _mm_storeu_ps(zp + i * LANES + h, r0);
            _mm_storeu_ps(zp + (i + 1) * LANES + h, r1);
            _mm_storeu_ps(zp + (i + 2) * LANES + h, r2);
            _mm_storeu_ps(zp + (i + 3) * LANES + h, r3);
        }
#endif
    for (; i < n; i++)
        for (int l = 0; l < LANES; l++)
            zp[i * LANES + l] = out[(size_t)l * n + i];
}

/* sum_i zp_i (W zp)_i for the LANES permutations side by side in ZP. */
static __attribute__((noinline)) void cross8(const aq_weights *w, const float *wf,
                                             const float *zp, double *num)
{
    double acc[LANES] = {0};
    const size_t *off = w->off;
    const uint32_t *nbr = w->nbr;
    for (size_t i = 0; i < w->n; i++) {
        float s[LANES] = {0};
        for (size_t e = off[i]; e < off[i + 1]; e++) {
            const float *q = zp + (size_t)nbr[e] * LANES;
            float we = wf[e];
            for (int l = 0; l < LANES; l++)
                s[l] += we * q[l];
        }
        const float *me = zp + i * LANES;
        for (int l = 0; l < LANES; l++)
            acc[l] += (double)me[l] * (double)s[l];
    }
    memcpy(num, acc, sizeof acc);
}

int aq__moran_permute(aq_ctx *ctx, const aq_weights *w, const double *z, double scale,
                      long perms, uint64_t seed, double *sims)
{
    if (perms <= 0)
        return AQ_OK;
    size_t n = w->n, nnz = w->off[n];
    float *zf = aq__malloc(n * sizeof *zf), *wf = aq__malloc((nnz ? nnz : 1) * sizeof *wf);
    if (!zf || !wf) {
        aq__free(zf);
        aq__free(wf);
        return aq__oom(ctx);
    }
    for (size_t i = 0; i < n; i++)
        zf[i] = (float)z[i];
    for (size_t e = 0; e < nnz; e++)
        wf[e] = (float)w->w[e];
    unsigned nb = bucket_count(n);
    long blocks = (perms + LANES - 1) / LANES;
    int nt = aq__spatial_threads(ctx), failed = 0;
    if (nt > blocks)
        nt = (int)blocks;
    /* each thread holds 2 * LANES * n floats (64 MB a million units): keep
     * the total under about 1 GB on many-core machines (the results do not
     * depend on the number of threads) */
    size_t per = 2 * LANES * n * sizeof(float), cap = per ? ((size_t)1 << 30) / per : 1;
    if (cap < 1)
        cap = 1;
    if ((size_t)nt > cap)
        nt = (int)cap;
#pragma omp parallel num_threads(nt)
    {
        float *out = aq__malloc(LANES * n * sizeof *out);
        float *zp = aq__malloc(LANES * n * sizeof *zp);
        unsigned char *ids = aq__malloc(n);
        size_t *cnt = aq__malloc((nb + 1) * sizeof *cnt);
        int ok = out && zp && ids && cnt;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (long blk = 0; blk < blocks; blk++) {
            if (!ok)
                continue;
            long k0 = blk * LANES;
            int lanes = perms - k0 < LANES ? (int)(perms - k0) : LANES;
            for (int l = 0; l < LANES; l++) {
                if (l < lanes) {
                    aq__draw32 d;
                    aq__draw32_seed(&d, seed, (uint64_t)(k0 + l));
                    shuffle(zf, n, nb, &d.state, out + (size_t)l * n, ids, cnt);
                } else {
                    memset(out + (size_t)l * n, 0, n * sizeof *out);
                }
            }
            interleave(out, n, zp);
            double num[LANES];
            cross8(w, wf, zp, num);
            for (int l = 0; l < lanes; l++)
                sims[k0 + l] = scale * num[l];
        }
        aq__free(out);
        aq__free(zp);
        aq__free(ids);
        aq__free(cnt);
    }
    aq__free(zf);
    aq__free(wf);
    return failed ? aq__oom(ctx) : AQ_OK;
}
