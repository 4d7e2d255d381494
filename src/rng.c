/*
 * rng.c -- xoshiro256** seeded with splitmix64 (see rng.h for why).
 * Reference outputs for a fixed seed are asserted in tests/unit/t_ineq.c so
 * a change of generator cannot pass unnoticed.
 */
#include "rng.h"

uint64_t aq__splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void aq__rng_seed(aq__rng *r, uint64_t seed)
{
    uint64_t st = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = aq__splitmix64(&st);
}

void aq__rng_seed_stream(aq__rng *r, uint64_t seed, uint64_t k)
{
    /* Mix the stream number through splitmix64 before combining, so nearby
     * (seed, k) pairs do not give overlapping state expansions. */
    uint64_t st = k;
    uint64_t mixed = seed ^ aq__splitmix64(&st);
    aq__rng_seed(r, mixed);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t aq__rng_next(aq__rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double aq__rng_uniform(aq__rng *r)
{
    return (double)(aq__rng_next(r) >> 11) * 0x1.0p-53;
}

uint64_t aq__rng_below(aq__rng *r, uint64_t n)
{
    /* Lemire, "Fast random integer generation in an interval" (2019). */
    unsigned __int128 m = (unsigned __int128)aq__rng_next(r) * n;
    uint64_t lo = (uint64_t)m;
    if (lo < n) {
        uint64_t threshold = -n % n;
        while (lo < threshold) {
            m = (unsigned __int128)aq__rng_next(r) * n;
            lo = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}
