/*
 * arena.c -- bump allocation for the many small strings of a table.
 *
 * A million-row table holds millions of short strings; allocating each one
 * separately would cost more than parsing them. Blocks are never moved, so
 * pointers into them stay valid until the arena is freed. Each thread of a
 * parallel reader fills its own arena, then hands its blocks to the table's.
 */
#include "arena.h"

#include <string.h>

#define AQ_ARENA_BLOCK (1u << 20)

struct aq__block {
    struct aq__block *next;
    size_t used, size;
    char data[];
};

void *aq__arena_alloc(aq__arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    struct aq__block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > AQ_ARENA_BLOCK ? n : AQ_ARENA_BLOCK;
        b = aq__malloc(sizeof *b + size);
        if (!b)
            return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

char *aq__arena_strndup(aq__arena *a, const char *s, size_t n)
{
    char *d = aq__arena_alloc(a, n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

void aq__arena_merge(aq__arena *dst, aq__arena *src)
{
    struct aq__block *b = src->head;
    if (!b)
        return;
    while (b->next)
        b = b->next;
    /* Append after dst's head so dst keeps allocating from its own block. */
    if (dst->head) {
        b->next = dst->head->next;
        dst->head->next = src->head;
    } else {
        dst->head = src->head;
    }
    src->head = NULL;
}

void aq__arena_free(aq__arena *a)
{
    struct aq__block *b = a->head;
    while (b) {
        struct aq__block *next = b->next;
        aq__free(b);
        b = next;
    }
    a->head = NULL;
}
