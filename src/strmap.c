/*
 * strmap.c -- string -> int64 hash map with open addressing and linear
 * probing. Keys are copied into an arena; the map only grows.
 */
#include "strmap.h"

#include <string.h>

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static size_t slot_of(const aq__strmap *m, const char *key)
{
    size_t i = (size_t)hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static int rehash(aq__strmap *m, size_t ncap)
{
    const char **keys = aq__calloc(ncap, sizeof *keys);
    int64_t *values = aq__calloc(ncap, sizeof *values);
    if (!keys || !values) {
        aq__free(keys);
        aq__free(values);
        return AQ_ENOMEM;
    }
    aq__strmap n = {keys, values, ncap, 0, {0}};
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t s = slot_of(&n, m->keys[i]);
            keys[s] = m->keys[i];
            values[s] = m->values[i];
        }
    aq__free(m->keys);
    aq__free(m->values);
    m->keys = keys;
    m->values = values;
    m->cap = ncap;
    return AQ_OK;
}

int aq__strmap_put(aq__strmap *m, const char *key, int64_t value)
{
    if ((m->count + 1) * 2 > m->cap && rehash(m, m->cap ? m->cap * 2 : 64) != AQ_OK)
        return AQ_ENOMEM;
    size_t i = slot_of(m, key);
    if (!m->keys[i]) {
        const char *k = aq__arena_strndup(&m->arena, key, strlen(key));
        if (!k)
            return AQ_ENOMEM;
        m->keys[i] = k;
        m->count++;
    }
    m->values[i] = value;
    return AQ_OK;
}

bool aq__strmap_get(const aq__strmap *m, const char *key, int64_t *value)
{
    if (!m->cap)
        return false;
    size_t i = slot_of(m, key);
    if (!m->keys[i])
        return false;
    if (value)
        *value = m->values[i];
    return true;
}

void aq__strmap_free(aq__strmap *m)
{
    aq__free(m->keys);
    aq__free(m->values);
    aq__arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}
