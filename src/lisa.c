/*
 * lisa.c -- local indicators of spatial association with conditional
 * permutation inference: local Moran (Anselin 1995), local Getis-Ord Gi and
 * Gi* (Ord and Getis 1995) and local Geary (Anselin 2019), following esda's
 * Moran_Local, G_Local and Geary_Local.
 *
 * Conditional permutation: for unit i, its value stays and the values of k_i
 * others, drawn at random without replacement from the n - 1 other units,
 * take its neighbours' places. Unlike esda, which shares one set of draws
 * among all units, every unit draws independently from its own random
 * stream, derived from the seed and the unit's index; so a unit's p value
 * never depends on another's draws, and the result does not depend on the
 * number of threads. Only the count of simulated values >= the observed one
 * and their sum and sum of squares are kept: memory is O(n) whatever the
 * number of permutations.
 */
#include "spatial_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

void aq_local_opts_init(aq_local_opts *o)
{
    o->permutations = 999;
    o->seed = 12345;
    o->alpha = 0.05;
    o->adjust = AQ_ADJUST_NONE;
}

void aq_local_free(aq_local *r)
{
    if (!r)
        return;
    aq__free(r->value);
    aq__free(r->lag);
    aq__free(r->stat);
    aq__free(r->expect);
    aq__free(r->var);
    aq__free(r->z);
    aq__free(r->z_sim);
    aq__free(r->p_sim);
    aq__free(r->quadrant);
    aq__free(r->significant);
    aq__free(r);
}

static aq_local *local_new(size_t n, enum aq_local_kind kind)
{
    aq_local *r = aq__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->n = n;
    r->kind = kind;
    size_t m = n ? n : 1;
    double **arrs[] = {&r->value, &r->lag, &r->stat, &r->expect, &r->var, &r->z, &r->z_sim,
                       &r->p_sim};
    for (size_t a = 0; a < sizeof arrs / sizeof *arrs; a++)
        if (!(*arrs[a] = aq__malloc(m * sizeof(double)))) {
            aq_local_free(r);
            return NULL;
        }
    r->quadrant = aq__calloc(m, sizeof *r->quadrant);
    r->significant = aq__calloc(m, 1);
    if (!r->quadrant || !r->significant) {
        aq_local_free(r);
        return NULL;
    }
    return r;
}

/* ---- the conditional permutation kernel ---- */

/* How a unit's simulated statistic is formed from the drawn values v_d:
 * linear: a_i * sum_a w_a v_d + b_i; geary: sum_a w_a (c_i - v_d)^2. */
typedef struct cperm {
    const aq_weights *w;
    const double *v;   /* the values drawn from                          */
    const float *vf;   /* the same in single precision, for the draws    */
    const double *a, *b; /* per unit (linear)                            */
    const double *obs; /* observed statistics                           */
    int geary;         /* 1: geary form with c_i = v[i]                  */
    long perms;
    uint64_t seed;
} cperm;

/* Draws k distinct indices of [0, n) other than i into pick[]. Rejection is
 * fast while k is small against n; otherwise a partial Fisher-Yates on the
 * per-thread POOL (the identity 0..n-2, restored before returning, using
 * jdx[] to remember the swaps) keeps it O(k). */
static void draw_distinct(aq__draw32 *d, uint32_t n, uint32_t i, size_t k, uint32_t *pick,
                          uint32_t *pool, uint32_t *jdx)
{
    uint32_t m = n - 1;
    if (!pool) {
        /* Branch-free duplicate test: a draw is always stored and kept only
         * if it is new, so the only unpredictable branch is gone (this loop
         * runs k * permutations * n times). */
        for (size_t a = 0; a < k;) {
            uint32_t r = aq__draw32_below(d, m);
            r += r >= i;
            int dup = 0;
            for (size_t b = 0; b < a; b++)
                dup |= pick[b] == r;
            pick[a] = r;
            a += !dup;
        }
        return;
    }
    for (size_t a = 0; a < k; a++) {
        uint32_t j = (uint32_t)a + aq__draw32_below(d, m - (uint32_t)a);
        uint32_t t = pool[a];
        pool[a] = pool[j];
        pool[j] = t;
        jdx[a] = j;
        pick[a] = pool[a] + (pool[a] >= i);
    }
    for (size_t a = k; a-- > 0;) {
        uint32_t t = pool[a];
        pool[a] = pool[jdx[a]];
        pool[jdx[a]] = t;
    }
}

/* The common case, few neighbours among many units (kNN, contiguity): the
 * k indices are drawn independently from all n units, two from each 64-bit
 * output, and the whole set is drawn again in the rare case that one is the
 * unit itself or two coincide (probability about (k^2 / 2 + k) / n). That
 * keeps the set uniform over the sets of k distinct other units (a tuple of
 * independent uniform draws, conditioned on having no repeat and not
 * containing i, is uniform over such tuples) with a single, almost never
 * taken branch per permutation. PICK has room for KFAST + 1 values. */
#define KFAST 16

/* Nonzero when two of P[0..k) coincide or one equals I. */
static inline __attribute__((always_inline)) int any_repeat(const uint32_t *p, size_t k,
                                                            uint32_t i)
{
    unsigned dup = 0;
    for (size_t a = 0; a < k; a++) {
        dup |= p[a] == i;
        for (size_t b = 0; b < a; b++)
            dup |= p[a] == p[b];
    }
    return (int)dup;
}

#ifdef __SSE2__
/* Lemire's multiply-shift on four 32-bit draws R at once: the high halves
 * of R * n, with *LO the low halves (a lane whose low half is below n may
 * be biased and is settled by the caller). */
static inline __attribute__((always_inline)) __m128i bounded4(__m128i r, __m128i nv,
                                                              __m128i *lo)
{
    const __m128i hi_mask = _mm_set1_epi64x((long long)0xffffffff00000000ull);
    __m128i pe = _mm_mul_epu32(r, nv);                    /* lanes 0, 2 */
    __m128i po = _mm_mul_epu32(_mm_srli_epi64(r, 32), nv); /* lanes 1, 3 */
    *lo = _mm_or_si128(_mm_andnot_si128(hi_mask, pe), _mm_slli_epi64(po, 32));
    return _mm_or_si128(_mm_srli_epi64(pe, 32), _mm_and_si128(po, hi_mask));
}

/* k = 8 (kNN8): the eight draws stay in two vector registers from the
 * multiply to the repeat test (storing them one by one and loading them as
 * vectors would stall on store forwarding). Candidates whose low half
 * falls in the biased sliver (probability 8n / 2^32) are redrawn, in lane
 * order, from the outputs after the four used, as Lemire's method does. */
static inline __attribute__((always_inline)) void draw8(uint64_t *st, uint32_t n, uint32_t i,
                                                        uint32_t *pick)
{
    const __m128i flip = _mm_set1_epi32((int)0x80000000u);
    __m128i nv = _mm_set1_epi32((int)n), nf = _mm_xor_si128(nv, flip);
    __m128i me = _mm_set1_epi32((int)i);
    for (;;) {
        uint64_t x0 = aq__wyrand(st), x1 = aq__wyrand(st);
        uint64_t x2 = aq__wyrand(st), x3 = aq__wyrand(st);
        __m128i la, lb;
        __m128i a = bounded4(_mm_set_epi64x((long long)x1, (long long)x0), nv, &la);
        __m128i b = bounded4(_mm_set_epi64x((long long)x3, (long long)x2), nv, &lb);
        __m128i biased = _mm_or_si128(_mm_cmplt_epi32(_mm_xor_si128(la, flip), nf),
                                      _mm_cmplt_epi32(_mm_xor_si128(lb, flip), nf));
        if (__builtin_expect(_mm_movemask_epi8(biased) != 0, 0)) {
            uint32_t v[8], l[8], t = (uint32_t)(-n) % n;
            _mm_storeu_si128((__m128i *)v, a);
            _mm_storeu_si128((__m128i *)(v + 4), b);
            _mm_storeu_si128((__m128i *)l, la);
            _mm_storeu_si128((__m128i *)(l + 4), lb);
            for (int c = 0; c < 8; c++)
                while (l[c] < t) {
                    uint64_t q = (uint64_t)(uint32_t)(aq__wyrand(st) >> 32) * n;
                    v[c] = (uint32_t)(q >> 32);
                    l[c] = (uint32_t)q;
                }
            a = _mm_loadu_si128((const __m128i *)v);
            b = _mm_loadu_si128((const __m128i *)(v + 4));
        }
        /* a vs its rotations by 1 and 2 covers the 6 pairs within a (and
         * b's within b); a vs the 4 rotations of b the 16 pairs across */
        __m128i a1 = _mm_shuffle_epi32(a, _MM_SHUFFLE(0, 3, 2, 1));
        __m128i a2 = _mm_shuffle_epi32(a, _MM_SHUFFLE(1, 0, 3, 2));
        __m128i b1 = _mm_shuffle_epi32(b, _MM_SHUFFLE(0, 3, 2, 1));
        __m128i b2 = _mm_shuffle_epi32(b, _MM_SHUFFLE(1, 0, 3, 2));
        __m128i b3 = _mm_shuffle_epi32(b, _MM_SHUFFLE(2, 1, 0, 3));
        __m128i e = _mm_or_si128(_mm_cmpeq_epi32(a, a1), _mm_cmpeq_epi32(a, a2));
        e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi32(b, b1), _mm_cmpeq_epi32(b, b2)));
        e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi32(a, b), _mm_cmpeq_epi32(a, b1)));
        e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi32(a, b2), _mm_cmpeq_epi32(a, b3)));
        e = _mm_or_si128(e, _mm_or_si128(_mm_cmpeq_epi32(a, me), _mm_cmpeq_epi32(b, me)));
        if (__builtin_expect(_mm_movemask_epi8(e) == 0, 1)) {
            _mm_storeu_si128((__m128i *)pick, a);
            _mm_storeu_si128((__m128i *)(pick + 4), b);
            return;
        }
    }
}
#endif

static inline __attribute__((always_inline)) void draw_fast(uint64_t *st, uint32_t n,
                                                            uint32_t i, size_t k, uint32_t *pick)
{
#ifdef __SSE2__
    if (k == 8) {
        draw8(st, n, i, pick);
        return;
    }
#endif
    do {
        for (size_t a = 0; a < k; a += 2) {
            uint64_t x = aq__wyrand(st);
            pick[a] = aq__bounded32(st, (uint32_t)(x >> 32), n);
            pick[a + 1] = aq__bounded32(st, (uint32_t)x, n);
        }
    } while (__builtin_expect(any_repeat(pick, k, i), 0));
}

/* Scratch of one thread: picks, swap record, the pool, self-free weights. */
typedef struct scratch {
    uint32_t *pick, *jdx, *pool;
    double *wt;
} scratch;

/* The simulated statistic of unit i when the values at PICK take its k
 * neighbours' places (weights WT). */
static inline double sim_of(const cperm *c, size_t i, const double *wt, size_t k,
                            const uint32_t *pick)
{
    const float *vf = c->vf;
    double s = 0;
    if (c->geary) {
        double ci = c->v[i];
        for (size_t a = 0; a < k; a++) {
            double e = ci - vf[pick[a]];
            s += wt[a] * e * e;
        }
        return s;
    }
    for (size_t a = 0; a < k; a++)
        s += wt[a] * vf[pick[a]];
    return c->a[i] * s + c->b[i];
}

/* The permutations of unit i on the fast path (see draw_fast). */
static inline __attribute__((always_inline)) long run_fast(const cperm *c, size_t i,
                                                           const double *wt, size_t k,
                                                           uint64_t *st, double *sum,
                                                           double *sumsq)
{
    /* Software pipeline: the draws of permutation p + AHEAD are made and
     * their values prefetched while permutation p is summed, so the random
     * reads (the values do not fit in L2 beyond about 400,000 units) overlap
     * instead of stalling one permutation at a time. The stream is consumed
     * in the same order as without it. */
    enum { AHEAD = 3 };
    uint32_t pick[AHEAD + 1][KFAST + 1], n = (uint32_t)c->w->n;
    const float *vf = c->vf;
    double obs = c->obs[i], s1 = 0, s2 = 0;
    long larger = 0, perms = c->perms;
    /* sim_of's terms, read once (the picks' stores could alias them) */
    const int geary = c->geary;
    const double ai = geary ? 0 : c->a[i], bi = geary ? 0 : c->b[i], ci = c->v[i];
    for (long p = 0; p < AHEAD && p < perms; p++) {
        draw_fast(st, n, (uint32_t)i, k, pick[p]);
        for (size_t a = 0; a < k; a++)
            __builtin_prefetch(vf + pick[p][a]);
    }
    for (long p = 0; p < perms; p++) {
        if (p + AHEAD < perms) {
            uint32_t *q = pick[(p + AHEAD) % (AHEAD + 1)];
            draw_fast(st, n, (uint32_t)i, k, q);
            for (size_t a = 0; a < k; a++)
                __builtin_prefetch(vf + q[a]);
        }
        const uint32_t *q = pick[p % (AHEAD + 1)];
        double sm = 0, sim;
        if (geary) {
#pragma GCC unroll 16
            for (size_t a = 0; a < k; a++) {
                double e = ci - vf[q[a]];
                sm += wt[a] * e * e;
            }
            sim = sm;
        } else {
#pragma GCC unroll 16
            for (size_t a = 0; a < k; a++)
                sm += wt[a] * vf[q[a]];
            sim = ai * sm + bi;
        }
        larger += sim >= obs;
        s1 += sim;
        s2 += sim * sim;
    }
    *sum = s1;
    *sumsq = s2;
    return larger;
}

/* Runs the permutations of unit i: returns the count of sims >= obs and
 * sets their sum and sum of squares. */
static long run_unit(const cperm *c, size_t i, scratch *sc, double *sum, double *sumsq)
{
    const aq_weights *w = c->w;
    size_t base = w->off[i], len = w->off[i + 1] - base, k = 0;
    const double *wt = w->w + base;
    int has_self = 0;
    for (size_t e = 0; e < len; e++)
        has_self |= w->nbr[base + e] == i;
    if (has_self) { /* Gi*: the unit's own weight is in b, not drawn */
        for (size_t e = 0; e < len; e++)
            if (w->nbr[base + e] != i)
                sc->wt[k++] = wt[e];
        wt = sc->wt;
    } else {
        k = len;
    }
    aq__draw32 d;
    aq__draw32_seed(&d, c->seed, (uint64_t)i);
    double obs = c->obs[i], s1 = 0, s2 = 0;
    long larger = 0;
    uint32_t n = (uint32_t)w->n;
    uint32_t *pool = k * 4 > (size_t)(n - 1) ? sc->pool : NULL;
    if (!pool && k <= KFAST && 2 * k * k <= (size_t)(n - 1)) {
        /* constant k for the usual neighbour counts, so that the draws, the
         * repeat test and the sum unroll */
        switch (k) {
        case 4: larger = run_fast(c, i, wt, 4, &d.state, &s1, &s2); break;
        case 5: larger = run_fast(c, i, wt, 5, &d.state, &s1, &s2); break;
        case 6: larger = run_fast(c, i, wt, 6, &d.state, &s1, &s2); break;
        case 8: larger = run_fast(c, i, wt, 8, &d.state, &s1, &s2); break;
        default: larger = run_fast(c, i, wt, k, &d.state, &s1, &s2); break;
        }
    } else {
        for (long p = 0; p < c->perms; p++) {
            draw_distinct(&d, n, (uint32_t)i, k, sc->pick, pool, sc->jdx);
            double sim = sim_of(c, i, wt, k, sc->pick);
            larger += sim >= obs;
            s1 += sim;
            s2 += sim * sim;
        }
    }
    *sum = s1;
    *sumsq = s2;
    return larger;
}

static int is_island(const aq_weights *w, size_t i);

/* Fills p_sim and z_sim of R for every unit with neighbours. */
static int conditional_permutations(aq_ctx *ctx, const cperm *c, aq_local *r)
{
    const aq_weights *w = c->w;
    size_t n = w->n, maxk = 1;
    for (size_t i = 0; i < n; i++)
        if (w->off[i + 1] - w->off[i] > maxk)
            maxk = w->off[i + 1] - w->off[i];
    if (maxk >= n)
        maxk = n - 1 ? n - 1 : 1;
    int nt = aq__spatial_threads(ctx), failed = 0;
    long perms = c->perms;
    /* Draws read the values at random: half the bytes in single precision
     * keep twice as many of them in cache. A simulated statistic moves by
     * about 1e-7 relative, which can change a p value only when a
     * simulated value ties the observed one to 7 digits. */
    float *vf = aq__malloc(n * sizeof *vf);
    if (!vf)
        return aq__oom(ctx);
    for (size_t i = 0; i < n; i++)
        vf[i] = (float)c->v[i];
    cperm cc = *c;
    cc.vf = vf;
    c = &cc;
#pragma omp parallel num_threads(nt)
    {
        scratch sc;
        sc.pick = aq__malloc((maxk + 1) * sizeof *sc.pick);
        sc.jdx = aq__malloc((maxk + 1) * sizeof *sc.jdx);
        sc.wt = aq__malloc((maxk + 1) * sizeof *sc.wt);
        sc.pool = NULL;
        /* the pool is needed only by units with many neighbours */
        if (4 * maxk > n - 1 && (sc.pool = aq__malloc(n * sizeof *sc.pool)))
            for (size_t j = 0; j + 1 < n; j++)
                sc.pool[j] = (uint32_t)j;
        int ok = sc.pick && sc.jdx && sc.wt && (4 * maxk <= n - 1 || sc.pool);
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 256)
        for (long i = 0; i < (long)n; i++) {
            if (!ok)
                continue;
            if (is_island(w, (size_t)i) || perms == 0) {
                r->p_sim[i] = r->z_sim[i] = NAN;
                continue;
            }
            double s1, s2;
            long larger = run_unit(c, (size_t)i, &sc, &s1, &s2);
            double mean = s1 / (double)perms;
            double var = s2 / (double)perms - mean * mean;
            double sd = sqrt(var > 0 ? var : 0);
            r->p_sim[i] = aq__pseudo_p(larger, perms);
            r->z_sim[i] = (c->obs[i] - mean) / sd;
        }
        aq__free(sc.pick);
        aq__free(sc.jdx);
        aq__free(sc.wt);
        aq__free(sc.pool);
    }
    aq__free(vf);
    return failed ? aq__oom(ctx) : AQ_OK;
}

/* ---- significance ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The p cut-off: alpha, alpha / m (Bonferroni), or the Benjamini-Hochberg
 * cut-off k alpha / m for the largest k with p_(k) < k alpha / m, as esda's
 * fdr(); m counts units with a p value. */
static int significance(aq_ctx *ctx, aq_local *r, double alpha, enum aq_adjust adj)
{
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++)
        m += !isnan(r->p_sim[i]);
    double thr = alpha;
    if (adj == AQ_ADJUST_BONFERRONI && m) {
        thr = alpha / (double)m;
    } else if (adj == AQ_ADJUST_FDR && m) {
        double *p = aq__malloc(m * sizeof *p);
        if (!p)
            return aq__oom(ctx);
        size_t c = 0;
        for (size_t i = 0; i < r->n; i++)
            if (!isnan(r->p_sim[i]))
                p[c++] = r->p_sim[i];
        qsort(p, m, sizeof *p, cmp_double);
        thr = alpha / (double)m;
        for (size_t k = m; k >= 1; k--)
            if (p[k - 1] < (double)k * alpha / (double)m) {
                thr = (double)k * alpha / (double)m;
                break;
            }
        aq__free(p);
    }
    r->threshold = thr;
    for (size_t i = 0; i < r->n; i++)
        r->significant[i] = !isnan(r->p_sim[i]) && r->p_sim[i] <= thr;
    return AQ_OK;
}

const char *aq_local_cluster(const aq_local *r, size_t i)
{
    static const char *const moran[] = {"island", "High-High", "Low-High", "Low-Low",
                                        "High-Low"};
    if (r->quadrant[i] == 0)
        return "island";
    if (!r->significant[i])
        return "ns";
    switch (r->kind) {
    case AQ_LOCAL_MORAN:
        return moran[r->quadrant[i]];
    case AQ_LOCAL_G:
    case AQ_LOCAL_GSTAR:
        return r->quadrant[i] == 1 ? "hot" : "cold";
    case AQ_LOCAL_GEARY:
        return r->quadrant[i] == 1 ? "positive" : "negative";
    }
    return "ns";
}

/* ---- the statistics ---- */

static int count_islands(aq_ctx *ctx, const aq_weights *w, aq_local *r, const char *what)
{
    size_t first = (size_t)-1;
    for (size_t i = 0; i < w->n; i++) {
        size_t len = w->off[i + 1] - w->off[i];
        int only_self = len == 1 && w->nbr[w->off[i]] == i;
        if (len == 0 || only_self) {
            r->islands++;
            if (first == (size_t)-1)
                first = i;
        }
    }
    if (r->islands == w->n)
        return aq__err(ctx, AQ_EINPUT, "%s: no unit has a neighbour", what);
    if (r->islands) {
        char name[160];
        aq__warn(ctx,
                 "%s: %zu unit%s without neighbours (the first is the %s): no statistic or p "
                 "value, labelled 'island'",
                 what, r->islands, r->islands == 1 ? "" : "s",
                 aq__weights_unit_name(w, first, name, sizeof name));
    }
    return AQ_OK;
}

static int is_island(const aq_weights *w, size_t i)
{
    size_t len = w->off[i + 1] - w->off[i];
    return len == 0 || (len == 1 && w->nbr[w->off[i]] == i);
}

static int check_opts(aq_ctx *ctx, const aq_local_opts *o)
{
    if (o->permutations < 0)
        return aq__err(ctx, AQ_EUSAGE, "the number of permutations must be 0 or more, not %ld",
                       o->permutations);
    if (!(o->alpha > 0 && o->alpha < 1))
        return aq__err(ctx, AQ_EUSAGE, "alpha must be between 0 and 1, not %g", o->alpha);
    return AQ_OK;
}

/* Runs the permutations and the significance step common to all three. */
static int finish(aq_ctx *ctx, cperm *c, const aq_local_opts *o, aq_local *r, aq_local **out)
{
    int rc = conditional_permutations(ctx, c, r);
    if (rc == AQ_OK)
        rc = significance(ctx, r, o->alpha, o->adjust);
    if (rc) {
        aq_local_free(r);
        return rc;
    }
    r->permutations = o->permutations;
    *out = r;
    return AQ_OK;
}

int aq_local_moran(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                   const aq_local_opts *opts, aq_local **out)
{
    aq_local_opts def;
    if (!opts) {
        aq_local_opts_init(&def);
        opts = &def;
    }
    int rc = aq__spatial_check_values(ctx, w, y, n, "local Moran: the variable");
    if (rc == AQ_OK)
        rc = check_opts(ctx, opts);
    if (rc)
        return rc;
    aq_local *r = local_new(n, AQ_LOCAL_MORAN);
    double *z = aq__malloc(n * sizeof *z), *a = aq__malloc(n * sizeof *a);
    double *b = aq__calloc(n, sizeof *b);
    if (!r || !z || !a || !b) {
        aq_local_free(r);
        aq__free(z);
        aq__free(a);
        aq__free(b);
        return aq__oom(ctx);
    }
    if ((rc = count_islands(ctx, w, r, "local Moran"))) {
        aq_local_free(r);
        aq__free(z);
        aq__free(a);
        aq__free(b);
        return rc;
    }
    /* z standardised with the population sd, as esda: then sum z^2 = n */
    double mean = 0, ss = 0, nn = (double)n;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= nn;
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    double sd = sqrt(ss / nn), den = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        z[i] = (y[i] - mean) / sd;
        den += z[i] * z[i];
    }
    m2 = den / nn;
    aq_weights_lag(w, z, r->lag);
    for (size_t i = 0; i < n; i++) {
        double wi = 0, wi2 = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            wi += w->w[e];
            wi2 += w->w[e] * w->w[e];
        }
        r->value[i] = y[i];
        a[i] = (nn - 1) * z[i] / den;
        r->stat[i] = a[i] * r->lag[i];
        /* Conditional randomisation moments, Sokal et al. (1998) A7, A8 */
        r->expect[i] = -(z[i] * z[i] * wi) / ((nn - 1) * m2);
        r->var[i] = (z[i] / m2) * (z[i] / m2) * (nn / (nn - 2)) * (wi2 - wi * wi / (nn - 1)) *
                    (m2 - z[i] * z[i] / (nn - 1));
        r->z[i] = (r->stat[i] - r->expect[i]) / sqrt(r->var[i]);
        int zp = z[i] > 0, lp = r->lag[i] > 0;
        r->quadrant[i] = is_island(w, i) ? 0 : zp ? (lp ? 1 : 4) : (lp ? 2 : 3);
        /* the lag column reports the lag of the variable, not of z */
        r->lag[i] = r->lag[i] * sd + wi * mean;
    }
    cperm c = {w, z, NULL, a, b, r->stat, 0, opts->permutations, opts->seed};
    rc = finish(ctx, &c, opts, r, out);
    aq__free(z);
    aq__free(a);
    aq__free(b);
    return rc;
}

int aq_local_g(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n, int star,
               const aq_local_opts *opts, aq_local **out)
{
    aq_local_opts def;
    if (!opts) {
        aq_local_opts_init(&def);
        opts = &def;
    }
    const char *what = star ? "local Gi*" : "local Gi";
    int rc = aq__spatial_check_values(ctx, w, y, n, star ? "local Gi*: the variable"
                                                         : "local Gi: the variable");
    if (rc == AQ_OK)
        rc = check_opts(ctx, opts);
    if (rc)
        return rc;
    char name[160];
    for (size_t i = 0; i < n; i++)
        if (y[i] < 0)
            return aq__err(ctx, AQ_EINPUT, "%s needs non-negative values, but the %s has %g",
                           what, aq__weights_unit_name(w, i, name, sizeof name), y[i]);
    aq_weights *ws = NULL; /* the weights with or without the diagonal */
    if (star) {
        if ((rc = aq_weights_add_self(ctx, w, &ws)))
            return rc;
    }
    const aq_weights *W = star ? ws : w;
    aq_local *r = local_new(n, star ? AQ_LOCAL_GSTAR : AQ_LOCAL_G);
    double *a = aq__malloc(n * sizeof *a), *b = aq__malloc(n * sizeof *b);
    if (!r || !a || !b) {
        rc = aq__oom(ctx);
        goto fail;
    }
    if ((rc = count_islands(ctx, w, r, what)))
        goto fail;
    double sy = 0, sy2 = 0, nn = (double)n;
    for (size_t i = 0; i < n; i++) {
        sy += y[i];
        sy2 += y[i] * y[i];
    }
    aq_weights_lag(w, y, r->lag);
    double N = star ? nn : nn - 1;
    for (size_t i = 0; i < n; i++) {
        double wsum = 0, wself = 0, num = 0;
        for (size_t e = W->off[i]; e < W->off[i + 1]; e++) {
            uint32_t j = W->nbr[e];
            wsum += W->w[e];
            num += W->w[e] * y[j];
            if (j == i)
                wself = W->w[e];
        }
        double ysum = star ? sy : sy - y[i];
        if (!(ysum > 0)) {
            rc = aq__err(ctx, AQ_EINPUT, "%s: the values other than the %s sum to 0", what,
                         aq__weights_unit_name(w, i, name, sizeof name));
            goto fail;
        }
        r->value[i] = y[i];
        r->stat[i] = num / ysum;
        /* esda G_Local.calc: moments of Ord and Getis (1995) */
        double emean = ysum / N;
        double msq = (star ? sy2 : sy2 - y[i] * y[i]) / N;
        double evar = msq - emean * emean;
        r->expect[i] = wsum / N;
        r->var[i] = wsum * (N - wsum) / (N - 1) / (N * N) * evar / (emean * emean);
        r->z[i] = (r->stat[i] - r->expect[i]) / sqrt(r->var[i]);
        r->quadrant[i] = is_island(w, i) ? 0 : r->stat[i] > r->expect[i] ? 1 : 3;
        a[i] = 1 / ysum;
        b[i] = wself * y[i] / ysum;
    }
    cperm c = {W, y, NULL, a, b, r->stat, 0, opts->permutations, opts->seed};
    rc = finish(ctx, &c, opts, r, out);
    r = NULL;
fail:
    aq_local_free(r);
    aq_weights_free(ws);
    aq__free(a);
    aq__free(b);
    return rc;
}

int aq_local_geary(aq_ctx *ctx, const aq_weights *w, const double *y, size_t n,
                   const aq_local_opts *opts, aq_local **out)
{
    aq_local_opts def;
    if (!opts) {
        aq_local_opts_init(&def);
        opts = &def;
    }
    int rc = aq__spatial_check_values(ctx, w, y, n, "local Geary: the variable");
    if (rc == AQ_OK)
        rc = check_opts(ctx, opts);
    if (rc)
        return rc;
    aq_local *r = local_new(n, AQ_LOCAL_GEARY);
    double *z = aq__malloc(n * sizeof *z);
    if (!r || !z) {
        aq_local_free(r);
        aq__free(z);
        return aq__oom(ctx);
    }
    if ((rc = count_islands(ctx, w, r, "local Geary"))) {
        aq_local_free(r);
        aq__free(z);
        return rc;
    }
    double mean = 0, ss = 0, nn = (double)n, total = 0;
    for (size_t i = 0; i < n; i++)
        mean += y[i];
    mean /= nn;
    for (size_t i = 0; i < n; i++)
        ss += (y[i] - mean) * (y[i] - mean);
    double sd = sqrt(ss / nn);
    for (size_t i = 0; i < n; i++)
        z[i] = (y[i] - mean) / sd;
    aq_weights_lag(w, y, r->lag);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            double d = z[i] - z[w->nbr[e]];
            s += w->w[e] * d * d;
        }
        r->value[i] = y[i];
        r->stat[i] = s;
        r->expect[i] = r->var[i] = r->z[i] = NAN; /* no analytical moments (esda has none) */
        total += s;
    }
    /* positive association: ci below the mean of all ci (esda's labels) */
    double cmean = total / (nn - (double)r->islands);
    for (size_t i = 0; i < n; i++)
        r->quadrant[i] = is_island(w, i) ? 0 : r->stat[i] < cmean ? 1 : 3;
    cperm c = {w, z, NULL, NULL, NULL, r->stat, 1, opts->permutations, opts->seed};
    rc = finish(ctx, &c, opts, r, out);
    aq__free(z);
    return rc;
}
