/*
 * cmd_disparity.h -- helpers the disparity, convergence and markov
 * commands share (defined in cmd_disparity.c): column lists, unit labels
 * for messages, JSON numbers and output.
 */
#ifndef AQ_CMD_DISPARITY_H
#define AQ_CMD_DISPARITY_H

#include "cli.h"

#include <stdbool.h>

#include <jansson.h>

/* A comma-separated list split into names (pointers into one copy). */
typedef struct ineq_list {
    char *copy;
    const char **item;
    size_t n;
} ineq_list;

/* Splits LIST; returns 0, or -1 when memory is exhausted. */
int ineq_list_split(const char *list, ineq_list *out);
void ineq_list_free(ineq_list *l);

/* The number column NAME of T in *out; AQ_ENOTFOUND or AQ_EINPUT (a text
 * column) with a message naming the file and the column. */
int ineq_number_column(aq_ctx *ctx, const aq_table *t, const char *name, const double **out);

/* Does row R have a value (not NaN) in every one of the NCOLS columns? The
 * panel commands (convergence, markov) use complete rows only. */
bool ineq_row_complete(const double *const *cols, size_t ncols, size_t r);

/* Describes ROW of T for messages: "line 12 (code 'KZ-71')" or similar. */
const char *ineq_unit_label(const aq_table *t, size_t row, char *buf, size_t size);

/* A JSON number, or null for NaN and infinities. */
json_t *ineq_json_num(double v);

/* Writes J (stolen) to OUTPUT (NULL or "-" = stdout), indented. */
int ineq_json_write(aq_ctx *ctx, json_t *j, const char *output);

#endif
