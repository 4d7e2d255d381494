/*
 * strbuf.c -- a growable string for building messages, SQL and output.
 *
 * An append that runs out of memory sets `failed` instead of returning an
 * error, so that a sequence of appends is checked once at the end (git's
 * strbuf, Redis's sds).
 */
#include "aq_int.h"

#include <stdio.h>
#include <string.h>

void aq__buf_append(aq_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 64;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        char *p = aq__realloc(b->data, ncap);
        if (!p) {
            b->failed = true;
            return;
        }
        b->data = p;
        b->cap = ncap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void aq__buf_puts(aq_buf *b, const char *s) { aq__buf_append(b, s, strlen(s)); }

void aq__buf_printf(aq_buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n < sizeof small) {
        aq__buf_append(b, small, (size_t)n);
        return;
    }
    char *big = aq__malloc((size_t)n + 1);
    if (!big) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    aq__buf_append(b, big, (size_t)n);
    aq__free(big);
}

void aq__buf_free(aq_buf *b)
{
    aq__free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = false;
}

char *aq__buf_take(aq_buf *b)
{
    if (b->failed) {
        aq__buf_free(b);
        return NULL;
    }
    char *s = b->data ? b->data : aq__strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}
