/* strmap.h -- a string -> int64 hash map (open addressing), for code
 * lookups during imports and matching (see strmap.c). */
#ifndef AQ_STRMAP_H
#define AQ_STRMAP_H

#include "arena.h"

typedef struct aq__strmap {
    const char **keys; /* NULL = empty slot; keys live in the arena */
    int64_t *values;
    size_t cap, count;
    aq__arena arena;
} aq__strmap;

/* Sets KEY to VALUE (adding or replacing). Returns AQ_OK or AQ_ENOMEM. */
int aq__strmap_put(aq__strmap *m, const char *key, int64_t value);
/* Looks KEY up: true and *value set if present. */
bool aq__strmap_get(const aq__strmap *m, const char *key, int64_t *value);
void aq__strmap_free(aq__strmap *m);

#endif
