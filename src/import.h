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

#include <time.h>

/* A staged import (aq__store_import_staged) writes its values in many
 * short transactions instead of one, so that other writers (logins, edits)
 * never wait long for the lock: a transaction ends once it holds at least
 * this many values and is this old. Its dataset stays 'pending' without a
 * submission, which no reader sees, until the last transaction makes it
 * whole. */
enum { AQ_STAGE_VALUES = 20000, AQ_STAGE_MS = 100, AQ_STAGE_PAUSE_MS = 10 };

/* What the caller of a staged import adds to its transactions. */
typedef struct aq__stage {
    /* In every transaction that ends a part of the import (and the last
     * one): ROWS of the file's TOTAL rows are in (TOTAL 0: not known), as
     * dataset DATASET. A failure (or a stop asked for) ends the import. */
    int (*progress)(aq_store *s, void *arg, int64_t dataset, size_t rows, size_t total);
    /* In the last transaction, before its commit: the import's result. */
    int (*finish)(aq_store *s, void *arg, const aq_import_result *r);
    void *arg;
} aq__stage;

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
    const aq__stage *stage; /* a staged import's caller, else NULL        */
    bool staged;            /* this import commits in parts               */
    bool committed;         /* ... and some part of it is committed       */
    size_t rows_total;      /* rows of the file when known, else 0        */
    size_t obs_at_commit;   /* res->observations at the last commit       */
    struct timespec tx_start;
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
/* A staged import ends its transaction here, after ROW of the current
 * table is written, when the transaction is big and old enough (see
 * AQ_STAGE_VALUES): the caller's progress, a commit, a pause that lets
 * waiting writers in, and a new transaction. Does nothing otherwise. */
int aq__import_checkpoint(aq__import *im, size_t row);

/* Like aq_store_import, in parts when the file holds values only (long,
 * or wide without geometries, and no mapping's indicator metadata);
 * other files in one transaction as aq_store_import. STAGE's calls are
 * made inside the transactions. Not inside a caller's transaction. */
int aq__store_import_staged(aq_store *s, const char *path, const aq_import_opts *opts, const aq__stage *stage,
                            aq_import_result *result);

/* Removes dataset DATASET, which no reader sees (a staged import that
 * failed or was interrupted), in short transactions: its values, the
 * indicators it created that hold no other values, and its row. */
int aq__stage_drop(aq_store *s, int64_t dataset);
/* Gives the values of the unseen dataset *DATASET a new dataset id above
 * every existing one, in short transactions when CHUNKS (else inside the
 * caller's), and sets *DATASET to it. */
int aq__stage_renumber(aq_store *s, int64_t *dataset, bool chunks);
/* Inside an open write transaction, before the unseen dataset *DATASET
 * goes live: gives it an id above every other dataset if it needs one,
 * renumbering in short transactions (*COMMITTED set: the caller's
 * transaction was committed and a new one begun) and, should writers keep
 * making datasets, at last inside the transaction. Returns inside an open
 * transaction, or with an error. */
int aq__stage_reorder(aq_store *s, int64_t *dataset, bool *committed);
/* Deletes the row of dataset DATASET, whose values are gone already, in a
 * transaction of its own that neither waits for nor holds up other
 * writers for the check of its foreign key (a scan of every observation). */
int aq__stage_delete_dataset(aq_store *s, int64_t dataset);
/* Deletes the pending values of dataset DATASET (rejected), in short
 * transactions. */
int aq__stage_discard_pending(aq_store *s, int64_t dataset);
/* Copies the pending values of dataset FROM into observations under the
 * unseen dataset TO, in short transactions. */
int aq__stage_copy(aq_store *s, int64_t from, int64_t to);

int aq__import_units(aq__import *im);
int aq__import_links(aq__import *im);
int aq__import_indicator_meta(aq__import *im);

#endif
