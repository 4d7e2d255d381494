/* arena.h -- bump allocation for the strings of a table (see arena.c). */
#ifndef AQ_ARENA_H
#define AQ_ARENA_H

#include "aq_int.h"

typedef struct aq__arena {
    struct aq__block *head;
} aq__arena;

/* Returns N bytes aligned to 8, or NULL when memory is exhausted. */
void *aq__arena_alloc(aq__arena *a, size_t n);
char *aq__arena_strndup(aq__arena *a, const char *s, size_t n);
/* Moves every block of SRC into DST; SRC is left empty. */
void aq__arena_merge(aq__arena *dst, aq__arena *src);
void aq__arena_free(aq__arena *a);

#endif
