/*
 * aq_int.h -- internals shared between the library's source files.
 *
 * Names here start with aq__ and are not part of the public API. The public
 * manual is include/aimaq.h.
 */
#ifndef AQ_INT_H
#define AQ_INT_H

#include "aimaq.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- allocation: the one path every allocation takes (alloc.c) ---- */
void *aq__malloc(size_t n);
void *aq__calloc(size_t count, size_t size);
void *aq__realloc(void *p, size_t n);
char *aq__strdup(const char *s);
char *aq__strndup(const char *s, size_t n);
void aq__free(void *p);
/* Allocation that reports AQ_ENOMEM on the context when it fails. */
void *aq__xmalloc(aq_ctx *ctx, size_t n);
void *aq__xcalloc(aq_ctx *ctx, size_t count, size_t size);
/* Grows *p (of *cap elements of SIZE bytes) to hold at least NEED. */
int aq__grow(aq_ctx *ctx, void **p, size_t *cap, size_t need, size_t size);

/* ---- errors and warnings (context.c) ---- */
/* Sets the context's error and returns CODE, so `return aq__err(...)`. */
int aq__err(aq_ctx *ctx, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the current message with a formatted context, keeping the code. */
int aq__err_prefix(aq_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void aq__warn(aq_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int aq__oom(aq_ctx *ctx);
/* Reports progress to the context's callback, if any. */
void aq__progress(aq_ctx *ctx, const char *what, size_t done, size_t total);
/* The spreadsheet bounds in force (aq_ctx_set_sheet_limits or defaults). */
uint64_t aq__sheet_max_bytes(const aq_ctx *ctx);
uint64_t aq__sheet_max_cells(const aq_ctx *ctx);

/* ---- growable string (strbuf.c) ---- */
typedef struct aq_buf {
    char *data; /* always NUL-terminated once anything was appended */
    size_t len, cap;
    bool failed; /* an append ran out of memory; data is incomplete */
} aq_buf;

void aq__buf_append(aq_buf *b, const char *s, size_t n);
void aq__buf_puts(aq_buf *b, const char *s);
void aq__buf_printf(aq_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void aq__buf_free(aq_buf *b);
/* Hands the string to the caller (who frees it with aq__free). */
char *aq__buf_take(aq_buf *b);

/* ---- tables (table.c) ---- */
/* Sets the provenance of a table read from a file. */
int aq__table_set_source(aq_ctx *ctx, aq_table *t, const char *path);
/* Records the source line of every row: lines[i] for row i (copied). */
int aq__table_set_lines(aq_ctx *ctx, aq_table *t, const size_t *lines);
/* Base name of a path (borrowed from PATH). */
const char *aq__basename(const char *path);
/* ASCII case-insensitive equality. */
bool aq__ieq(const char *a, const char *b);
/* Is NAME one of the default code columns (code, id, kato, *_code)? */
bool aq__is_code_column(const char *name);
/* Is the token one of the missing-value spellings? */
bool aq__is_missing_token(const char *s, size_t len);
/* Which missing-value marker the token is: 0 for none (a value or bad
 * text), else an enum aq_cell_flag (AQ_CELL_EMPTY for ""). */
int aq__missing_kind(const char *s, size_t len);
/* Does the token read as two different numbers with the two decimal marks
 * ('2.500': 2.5 or 2500)? The two values go to *with_point and *with_comma
 * (either may be NULL). */
bool aq__number_ambiguous(const char *s, size_t len, double *with_point, double *with_comma);

/* ---- file input (csv.c, ogr_read.c, encoding.c) ---- */
/* Refuses (AQ_EIO, naming what it is) a PATH that exists but is not a
 * regular file -- a FIFO or a device would block or never end -- and
 * (AQ_EINPUT) a GDAL /vsi... name, so call it before opening any input
 * file. A PATH that cannot be examined is left to the caller's open to
 * report. (read.c) */
int aq__input_regular(aq_ctx *ctx, const char *path);
bool aq__is_delimited_path(const char *path);
int aq__csv_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts,
                 aq_table **out);
/* Reading delimited text in batches of rows (bounded memory): open reads
 * the header and decides the column types from the first rows; each next
 * call returns the following rows as a table (*out NULL at the end). A value
 * that contradicts its column's type is an AQ_EINPUT error naming the line. */
typedef struct aq__csv_reader aq__csv_reader;
int aq__csv_open(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq__csv_reader **out);
int aq__csv_next(aq_ctx *ctx, aq__csv_reader *r, size_t max_rows, aq_table **out);
void aq__csv_close(aq__csv_reader *r);
int aq__ogr_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts,
                 aq_table **out);
/* Checks that BUF is valid UTF-8. On failure returns false and sets
 * *bad_offset to the first invalid byte. */
bool aq__utf8_valid(const char *buf, size_t len, size_t *bad_offset);
/* Guesses the single-byte Cyrillic encoding of BUF: "CP1251", "KZ-1048"
 * (which differs from CP1251 in its Kazakh letters), or NULL. */
const char *aq__guess_cyrillic(const char *buf, size_t len);
/* Converts LEN bytes from ENCODING to newly allocated UTF-8. */
int aq__to_utf8(aq_ctx *ctx, const char *path, const char *encoding,
                const char *buf, size_t len, char **out, size_t *outlen);

/* ---- hashing (sha256.c) ---- */
/* SHA-256 of a file as 64 hex digits + NUL into hex[65]. */
int aq__sha256_file(aq_ctx *ctx, const char *path, char hex[65]);

/* ---- periods (period.c) ---- */
/* Normalises a period to YYYY, YYYY-Qn, YYYY-Hn, YYYY-nM, YYYY-MM or YYYY-MM-DD in out[16];
 * false when S is none of those. */
bool aq__period_normalise(const char *s, char out[16]);
/* A whole year given as a number (2022 or 2022.0). */
bool aq__period_from_number(double v, char out[16]);
/* The first MONTHS months of YEAR as a period: YYYY-nM, or YYYY-Q1, YYYY-H1,
 * YYYY for 3, 6, 12 months. False outside 1..12. */
bool aq__period_months(int year, int months, char out[16]);
/* A period label of a Russian or Kazakh table ('2008 год', 'I квартал 2008
 * года', 'I полугодие 2008 года', '9 месяцев 2008 года', '2008 жыл',
 * 'январь-сентябрь 2008', 'на 1 января 2023 года'), or any form
 * aq__period_normalise reads, normalised into out[16]; false when LABEL
 * holds a word that is no part of a period. */
bool aq__period_from_label(const char *label, char out[16]);
/* The last day (YYYY-MM-DD) of a normalised period: which units were valid
 * for it. False when PERIOD is not a period. */
bool aq__period_end(const char *period, char out[11]);

#endif /* AQ_INT_H */
