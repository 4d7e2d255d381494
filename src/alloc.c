/*
 * alloc.c -- the one path every allocation of the library takes.
 *
 * Keeping allocation in one place lets the tests make the n-th allocation
 * fail on purpose (aq_debug_fail_alloc_after) and check that every caller
 * reports AQ_ENOMEM and leaves its objects unchanged, as SQLite's malloc.c
 * and curl's torture tests do.
 */
#include "aq_int.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Countdown to an injected failure; 0 = no injection. Test-only state,
 * atomic so that parallel kernels can allocate while it is armed. */
static atomic_long fail_countdown;

void aq_debug_fail_alloc_after(long n) { atomic_store(&fail_countdown, n); }

static bool injected_failure(void)
{
    long n = atomic_load(&fail_countdown);
    while (n > 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &n, n - 1))
            return n == 1;
    }
    return false;
}

void *aq__malloc(size_t n)
{
    if (injected_failure())
        return NULL;
    return malloc(n ? n : 1);
}

void *aq__calloc(size_t count, size_t size)
{
    if (injected_failure())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *aq__realloc(void *p, size_t n)
{
    if (injected_failure())
        return NULL;
    return realloc(p, n ? n : 1);
}

char *aq__strndup(const char *s, size_t n)
{
    char *d = aq__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *aq__strdup(const char *s) { return s ? aq__strndup(s, strlen(s)) : NULL; }

void aq__free(void *p) { free(p); }

void aq_free(void *p) { free(p); }

void *aq__xmalloc(aq_ctx *ctx, size_t n)
{
    void *p = aq__malloc(n);
    if (!p)
        aq__oom(ctx);
    return p;
}

void *aq__xcalloc(aq_ctx *ctx, size_t count, size_t size)
{
    void *p = aq__calloc(count, size);
    if (!p)
        aq__oom(ctx);
    return p;
}

int aq__grow(aq_ctx *ctx, void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return AQ_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap = ncap + ncap / 2 + 16;
    if (ncap > SIZE_MAX / size)
        return aq__oom(ctx);
    void *np = aq__realloc(*p, ncap * size);
    if (!np)
        return aq__oom(ctx);
    *p = np;
    *cap = ncap;
    return AQ_OK;
}
