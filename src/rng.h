/*
 * rng.h -- a small, documented, reproducible random number generator for
 * the library's Monte Carlo work (bootstrap, permutations).
 *
 * The generator is xoshiro256** 1.0 (Blackman and Vigna, 2018,
 * https://prng.di.unimi.it/xoshiro256starstar.c), seeded by expanding a
 * 64-bit seed with splitmix64 as its authors recommend. The same seed gives
 * the same stream on every platform and build, which is what makes seeded
 * results reproducible. Independent streams for parallel work come from
 * aq__rng_seed_stream(seed, k): stream k is seeded with splitmix64 applied
 * to seed and k, so results do not depend on how the work is split between
 * threads.
 */
#ifndef AQ_RNG_H
#define AQ_RNG_H

#include <stdint.h>

typedef struct aq__rng {
    uint64_t s[4];
} aq__rng;

/* Seeds R from SEED (any value, 0 included). */
void aq__rng_seed(aq__rng *r, uint64_t seed);
/* Seeds R as the K-th independent stream derived from SEED. */
void aq__rng_seed_stream(aq__rng *r, uint64_t seed, uint64_t k);
/* The next 64 random bits. */
uint64_t aq__rng_next(aq__rng *r);
/* A uniform double in [0, 1) with 53 random bits. */
double aq__rng_uniform(aq__rng *r);
/* A uniform integer in [0, n) without modulo bias (Lemire's method);
 * n must be >= 1. */
uint64_t aq__rng_below(aq__rng *r, uint64_t n);
/* One step of splitmix64: advances *state and returns the next output. */
uint64_t aq__splitmix64(uint64_t *state);

#endif
