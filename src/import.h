/*
 * import.h -- the state of one import, shared by store_import.c (the
 * transaction, rejects, observations) and import_units.c (units, links and
 * indicator metadata).
 */
#ifndef AQ_IMPORT_H
#define AQ_IMPORT_H

#include "mapping.h"
#include "store.h"
#include "strmap.h"

typedef struct aq__reject {
    size_t row, line;
    char *column; /* may be NULL */
    char *reason;
} aq__reject;

typedef struct aq__import {
    aq_store *s;
    aq_ctx *ctx;
    const char *path;
    const aq_table *t;
    const aq__mapping *map; /* NULL without --map */
    const aq_import_opts *opts;
    aq__roles roles;
    int64_t dataset_id;
    aq__strmap units;      /* code -> unit id, the store's and the new ones */
    aq__strmap indicators; /* code -> indicator id */
    aq__reject *rejects;
    size_t nrejects, capreject;
    bool *row_rejected;
    int64_t *row_unit;      /* per row, the unit found by name (0: none); NULL when codes are given */
    aq_import_result *res;
    aq_db_stmt *missing;   /* INSERT INTO missing_values, or NULL (pending imports) */
} aq__import;

/* Records that ROW is rejected because of COLUMN (may be NULL). */
int aq__reject_row(aq__import *im, size_t row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records that the cell of ROW and COLUMN is rejected (its row's other
 * values stand). */
int aq__reject_cell(aq__import *im, size_t row, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The text of a cell of a role column, or NULL when missing / no column. */
const char *aq__role_text(const aq__import *im, enum aq__role role, size_t row, char *buf, size_t size);
/* The fixed period (mapping or --period), normalised, or NULL. */
int aq__import_period(aq__import *im, size_t row, char out[16], bool *ok);
/* Finds or creates indicator CODE (with metadata from the mapping if any). */
int aq__indicator_id(aq__import *im, const char *code, const aq__indicator_meta *meta, int64_t *id);

/* The observations of an import (import_obs.c): values are added row by
 * row of the table and written with every repeat of a unit, indicator and
 * period rejected by its row. TABLE is observations or
 * pending_observations. _row_end after each row's values (it may write
 * them); _finish before the table changes (it writes what is held). */
typedef struct aq__obs aq__obs;
int aq__obs_open(aq__import *im, const char *table, aq__obs **out);
int aq__obs_add(aq__obs *b, size_t row, const char *column, int64_t unit, int64_t ind, const char *period,
                double value, const char *flags);
int aq__obs_row_end(aq__obs *b);
int aq__obs_finish(aq__obs *b);
void aq__obs_close(aq__obs *b);

/* Finds each row's unit by its name (import_names.c) into im->row_unit,
 * rejecting rows whose name matches no unit or several. */
int aq__import_resolve_names(aq__import *im);
/* The unit a name resolved to stands for in PERIOD: itself, or its one
 * predecessor when it was formed after the period's end. */
int aq__unit_for_period(aq__import *im, int64_t unit, const char *period, int64_t *out);
/* Warns where the units under the country do not add up to its row, for
 * indicators that are counts (import_names.c). */
int aq__import_check_total(aq__import *im);

int aq__import_units(aq__import *im);
int aq__import_links(aq__import *im);
int aq__import_indicator_meta(aq__import *im);

#endif
