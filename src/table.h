/*
 * table.h -- the layout of aq_table, for the readers that fill it directly.
 * Everything else uses the accessors of aimaq.h.
 */
#ifndef AQ_TABLE_H
#define AQ_TABLE_H

#include "arena.h"

typedef struct aq__column {
    char *name;
    enum aq_coltype type;
    double *num;       /* AQ_COL_NUMBER: nrows values, NaN = missing     */
    const char **txt;  /* AQ_COL_TEXT: nrows pointers into the arena     */
} aq__column;

struct aq_table {
    size_t nrows, ncols, colcap;
    aq__column *cols;
    aq__arena arena;              /* text cells, geometries            */
    size_t *lines;                /* source line of each row, or NULL
                                     when row i is on line line0 + i   */
    size_t line0;
    const unsigned char **geom;   /* WKB per row, or NULL              */
    size_t *geomlen;
    char *crs;
    char *source;
    aq_cell_note *notes;          /* marked and bad cells of number
                                     columns, in row then column order;
                                     texts in the arena                */
    size_t nnotes;
    /* What a published sheet says around its table (table_layout.c). */
    char *title, *measure, *footnotes; /* NULL when absent; footnotes one per line */
    size_t header_row;             /* the sheet row of the header, or 0 */
    char **dups;                   /* header names given more than once */
    size_t ndups;
};

/* Appends a column whose values the caller fills (num or txt arrays are
 * allocated, all missing). */
int aq__table_add(aq_ctx *ctx, aq_table *t, const char *name,
                  enum aq_coltype type, size_t *col);

/* Makes the N names unique (those with KEEP[j], or all when KEEP is NULL)
 * as pandas and GDAL do: the second 'X' becomes 'X.1', the third 'X.2',
 * with a warning naming the file; T remembers 'X' as ambiguous. */
int aq__table_unique_names(aq_ctx *ctx, aq_table *t, char **names, size_t n, const bool *keep);
/* AQ_EINPUT when NAME was a header given more than once (the message names
 * the columns it was read as); AQ_OK otherwise. WHAT says who asked. */
int aq__table_check_unambiguous(aq_ctx *ctx, const aq_table *t, const char *name, const char *what);

/* Overrides of the layout found on a sheet. */
typedef struct aq__layout_opts {
    size_t header_row; /* 1-based row of the header; 0 = find it */
    size_t skip_rows;  /* rows above the table to ignore */
} aq__layout_opts;

/* Finds title, header, body and footnotes on GRID (a sheet read as text
 * cells without a header; row i is sheet row i + 1 unless grid->lines says
 * otherwise) and returns the body as a table of text columns named by the
 * header, with title, measure, notes and header_row set. *PLAIN is set
 * (and nothing returned) when the sheet is a plain table: the header on
 * its first row, nothing above or below. */
int aq__table_layout(aq_ctx *ctx, const aq_table *grid, const aq__layout_opts *o, aq_table **out, bool *plain);
/* A header or name without its footnote marks ('Туркестанская2)',
 * 'года3)', '*', superscripts) and with runs of spaces made one, in OUT. */
int aq__clean_label(aq_ctx *ctx, const char *s, aq_buf *out);

#endif
