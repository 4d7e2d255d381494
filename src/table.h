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
};

/* Appends a column whose values the caller fills (num or txt arrays are
 * allocated, all missing). */
int aq__table_add(aq_ctx *ctx, aq_table *t, const char *name,
                  enum aq_coltype type, size_t *col);

#endif
