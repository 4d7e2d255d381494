/*
 * store_import.c -- one file becomes one dataset, in one transaction.
 *
 * Every row is checked before anything is kept: a row with an unknown unit,
 * a bad period or a duplicate is rejected with its line, column and reason.
 * Any reject rolls the whole import back (the store is unchanged) unless the
 * user asked to skip bad rows, in which case the rejects go to a CSV file and
 * the good rows are committed. The dataset row records the file's checksum,
 * who imported it and when, and how many rows were accepted and rejected,
 * so every figure in the store traces back to a file.
 *
 * The server's imports are staged (aq__store_import_staged): the values go
 * in many short transactions under a dataset no reader sees until the last
 * one, which does everything the single transaction ends with
 * (import_stage.c).
 */
#include "import.h"
#include "table.h"
#include "ws_int.h"

#include <math.h>
#include <stdio.h>
#include <utf8proc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_REJECTS_SHOWN 20

static int add_reject(aq__import *im, size_t row, const char *column, bool whole_row, const char *reason)
{
    if (aq__grow(im->ctx, (void **)&im->rejects, &im->capreject, im->nrejects + 1, sizeof *im->rejects))
        return AQ_ENOMEM;
    aq__reject *r = &im->rejects[im->nrejects];
    r->row = row;
    r->line = aq_table_source_line(im->t, row);
    r->column = column ? aq__strdup(column) : NULL;
    r->reason = aq__strdup(reason);
    if (!r->reason || (column && !r->column)) {
        aq__free(r->column);
        aq__free(r->reason);
        return aq__oom(im->ctx);
    }
    im->nrejects++;
    if (whole_row)
        im->row_rejected[row] = true;
    else
        im->res->cells_rejected++;
    return AQ_OK;
}

__attribute__((format(printf, 5, 0))) static int vreject(aq__import *im, size_t row, const char *column,
                                                         bool whole_row, const char *fmt, va_list ap)
{
    char reason[512];
    vsnprintf(reason, sizeof reason, fmt, ap);
    return add_reject(im, row, column, whole_row, reason);
}

int aq__reject_row(aq__import *im, size_t row, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreject(im, row, column, true, fmt, ap);
    va_end(ap);
    return rc;
}

int aq__reject_cell(aq__import *im, size_t row, const char *column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreject(im, row, column, false, fmt, ap);
    va_end(ap);
    return rc;
}

/* The reader's note on the cell ROW, COL (a marker or bad text), or NULL
 * for an empty cell. The notes are in row order: found by bisection. */
static const aq_cell_note *cell_note(const aq__import *im, size_t row, size_t col)
{
    size_t n;
    const aq_cell_note *nt = aq_table_notes(im->t, &n);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nt[mid].row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < n && nt[k].row == row; k++)
        if (nt[k].col == col)
            return &nt[k];
    return NULL;
}

const char *aq__role_text(const aq__import *im, enum aq__role role, size_t row, char *buf, size_t size)
{
    long j = im->roles.col[role];
    if (j < 0)
        return NULL;
    const char *s = aq_table_cell(im->t, (size_t)j, row, buf, size);
    return *s ? s : NULL;
}

int aq__import_period(aq__import *im, size_t row, char out[16], bool *ok)
{
    long j = im->roles.col[AQ_ROLE_PERIOD];
    const char *fixed = im->opts->period ? im->opts->period : im->map ? im->map->period : NULL;
    *ok = true;
    if (j >= 0) {
        const double *num = aq_table_numbers(im->t, (size_t)j);
        const char *txt = aq_table_text(im->t, (size_t)j, row);
        if ((num && !isnan(num[row]) && aq__period_from_number(num[row], out)) ||
            (txt && aq__period_from_label(txt, out)))
            return AQ_OK;
        char buf[64];
        const aq_cell_note *nt = num ? cell_note(im, row, (size_t)j) : NULL;
        const char *shown = nt ? nt->text : aq_table_cell(im->t, (size_t)j, row, buf, sizeof buf);
        *ok = false;
        const char *col = aq_table_colname(im->t, (size_t)j);
        if (!*shown)
            return aq__reject_row(im, row, col, "the period is missing");
        return aq__reject_row(im, row, col, "'%s' is not a period (expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD)", shown);
    }
    if (fixed && aq__period_normalise(fixed, out))
        return AQ_OK;
    *ok = false;
    return aq__err(im->ctx, AQ_EINPUT, fixed ? "period '%s' is not a period (expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD)"
                                             : "'%s' has no period or year column: give --period", fixed ? fixed : im->path);
}

static const aq__indicator_meta *meta_for(const aq__mapping *m, const char *column)
{
    for (size_t i = 0; m && i < m->nindicators; i++)
        if (strcmp(m->indicators[i].column, column) == 0)
            return &m->indicators[i];
    return NULL;
}

/* Where this import's values go: a pending import's wait, unseen by every
 * selection, until approval moves them into observations. */
static const char *obs_table(const aq__import *im)
{
    return im->opts->pending ? "pending_observations" : "observations";
}

int aq__indicator_id(aq__import *im, const char *code, const aq__indicator_meta *meta, int64_t *id)
{
    if (im->opts->pending || im->opts->scope) { /* values only: see values_only() */
        if (aq__strmap_get(&im->indicators, code, id))
            return AQ_OK;
        return aq__err(im->ctx, AQ_EDENIED, "'%s': indicator '%s' is not in the store; a %s import holds values of"
                       " existing indicators only (a central analyst adds indicators)", im->path, code,
                       im->opts->pending ? "pending" : "scoped");
    }
    if (aq__strmap_get(&im->indicators, code, id) && !meta)
        return AQ_OK;
    aq_db_stmt *st;
    int rc = aq__store_prepare(im->s,
        "INSERT INTO indicators(code, name_kk, name_ru, name_en, measure, direction, description, source, staged_by)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(code) DO UPDATE SET"
        " name_kk = coalesce(excluded.name_kk, indicators.name_kk), name_ru = coalesce(excluded.name_ru, indicators.name_ru),"
        " name_en = coalesce(excluded.name_en, indicators.name_en), measure = coalesce(excluded.measure, indicators.measure),"
        " direction = coalesce(excluded.direction, indicators.direction),"
        " description = coalesce(excluded.description, indicators.description), source = coalesce(excluded.source, indicators.source)"
        " RETURNING id", &st);
    if (rc)
        return rc;
    bool existed = aq__strmap_get(&im->indicators, code, NULL);
    aq__db_bind_text(st, 1, code);
    if (meta) {
        const char *vals[] = {meta->name_kk, meta->name_ru, meta->name_en, meta->measure};
        for (int i = 0; i < 4; i++)
            aq__db_bind_text(st, 2 + i, vals[i]);
        if (meta->has_direction)
            aq__db_bind_int64(st, 6, meta->direction);
        aq__db_bind_text(st, 7, meta->description);
        aq__db_bind_text(st, 8, meta->source);
    }
    if (im->staged) /* taken away again if the import does not finish */
        aq__db_bind_int64(st, 9, im->dataset_id);
    if (aq__db_step(st) != AQ_DB_ROW) {
        rc = aq__store_fail(im->s, "cannot record indicator");
        aq__db_finalize(st);
        return rc;
    }
    *id = aq__db_column_int64(st, 0);
    aq__db_finalize(st);
    if (!existed) {
        im->res->indicators_added++;
        if (aq__strmap_put(&im->indicators, code, *id))
            return aq__oom(im->ctx);
    }
    return AQ_OK;
}

static int load_map(aq__import *im, const char *sql, aq__strmap *m)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(im->s, sql, &st);
    while (rc == AQ_OK && aq__store_row(im->s, st, &rc))
        if (aq__strmap_put(m, aq__db_column_text(st, 1), aq__db_column_int64(st, 0)))
            rc = aq__oom(im->ctx);
    aq__db_finalize(st);
    return rc;
}

/* ---- observations: wide (one column per indicator) and long ---- */


/* Why an unknown CODE may only look right: an invisible space copied from a
 * spreadsheet (no-break, narrow, zero-width, BOM) or a letter O where a
 * zero was meant. Writes "; ..." to HINT, or "" when nothing is odd. */
static void code_hint(const char *code, char *hint, size_t size)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)code;
    bool digits = true;
    for (const char *c = code; *c; c++)
        digits = digits && ((*c >= '0' && *c <= '9') || *c == 'O' || *c == 'o' || (unsigned char)*c >= 0x80);
    hint[0] = '\0';
    for (size_t at = 1; *p; at++) {
        utf8proc_int32_t u;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &u);
        if (n <= 0)
            return;
        p += n;
        if (u == 0xA0 || u == 0x202F || u == 0x2007 || u == 0x200B || u == 0xFEFF || u == ' ' || u == '\t') {
            snprintf(hint, size, "; it holds an invisible space (U+%04X) at character %zu: remove it", (unsigned)u, at);
            return;
        }
        if (digits && (u == 'O' || u == 'o' || u == 0x041E || u == 0x043E)) {
            snprintf(hint, size, "; character %zu is the letter O (U+%04X), not a zero", at, (unsigned)u);
            return;
        }
    }
}

static int unit_of(aq__import *im, size_t row, int64_t *id, bool *ok)
{
    if (im->row_unit) { /* found by name; the misses are rejected already */
        *id = im->row_unit[row];
        *ok = *id != 0;
        return AQ_OK;
    }
    char buf[256];
    const char *code = aq__role_text(im, AQ_ROLE_CODE, row, buf, sizeof buf);
    const char *col = aq_table_colname(im->t, (size_t)im->roles.col[AQ_ROLE_CODE]);
    *ok = false;
    if (!code)
        return aq__reject_row(im, row, col, "the unit code is missing");
    if (!aq__strmap_get(&im->units, code, id)) {
        char hint[96];
        code_hint(code, hint, sizeof hint);
        return aq__reject_row(im, row, col, "unknown unit '%s' (not in the store: import the units first%s)", code,
                              hint);
    }
    *ok = true;
    return AQ_OK;
}

/* A number cell without a value: counted by its reason; a marker is kept
 * in missing_values with its reason, bad text is rejected (the cell, or
 * for a long table's value the row). Nothing is dropped silently. */
static int no_value(aq__import *im, size_t row, size_t col, int64_t unit, int64_t ind, const char *period,
                    bool whole_row)
{
    const aq_cell_note *nt = cell_note(im, row, col);
    int flag = nt ? nt->flag : AQ_CELL_EMPTY;
    if (col < im->res->ncolumns)
        im->res->columns[col].cells[flag]++;
    if (!nt)
        return AQ_OK;
    const char *name = aq_table_colname(im->t, col);
    if (flag == AQ_CELL_BAD) {
        static const char why[] = "'%s' is not a number (expected a number like the column's other values, or a "
                                  "marker of a missing value: x, -, ..., н/д, or nothing)";
        return whole_row ? aq__reject_row(im, row, name, why, nt->text) : aq__reject_cell(im, row, name, why, nt->text);
    }
    if (!im->missing) /* a pending import keeps values only */
        return AQ_OK;
    aq__db_bind_int64(im->missing, 1, unit);
    aq__db_bind_int64(im->missing, 2, ind);
    aq__db_bind_text(im->missing, 3, period);
    aq__db_bind_int64(im->missing, 4, im->dataset_id);
    aq__db_bind_text(im->missing, 5, aq_cell_flag_name(flag));
    aq__db_bind_text(im->missing, 6, nt->text);
    int step = aq__db_step(im->missing);
    aq__db_reset(im->missing);
    if (step != AQ_DB_DONE)
        return aq__store_fail(im->s, "cannot record a missing value");
    im->res->missing += aq__db_changes(im->s->db) > 0;
    return AQ_OK;
}

static bool is_indicator_column(const aq__import *im, size_t j)
{
    return aq_table_coltype(im->t, j) == AQ_COL_NUMBER && !aq__roles_claims(&im->roles, im->map, im->t, j);
}

/* A table whose number columns are all named as periods (2008, 2009, ...)
 * holds one indicator with a year per column. Its code comes from the
 * mapping's `indicator`, else --indicator, else the file's base name. */
static bool year_per_column(const aq__import *im)
{
    size_t n = 0;
    char p[16];
    for (size_t j = 0; j < aq_table_ncols(im->t); j++) {
        if (!is_indicator_column(im, j))
            continue;
        if (!aq__period_from_label(aq_table_colname(im->t, j), p))
            return false;
        n++;
    }
    return n > 0 && im->roles.col[AQ_ROLE_PERIOD] < 0;
}

static int year_indicator_code(const aq__import *im, char *buf, size_t size)
{
    const char *code = im->map && im->map->indicator ? im->map->indicator : im->opts->indicator;
    if (code) {
        snprintf(buf, size, "%s", code);
    } else {
        snprintf(buf, size, "%s", aq__basename(im->path));
        char *dot = strrchr(buf, '.');
        if (dot)
            *dot = '\0';
    }
    return AQ_OK;
}

static int import_wide(aq__import *im, aq__obs *obs)
{
    const aq_table *t = im->t;
    size_t nc = aq_table_ncols(t), nind = 0;
    int64_t *ind = aq__xcalloc(im->ctx, nc ? nc : 1, sizeof *ind);
    char (*colperiod)[16] = aq__xcalloc(im->ctx, nc ? nc : 1, sizeof *colperiod);
    int rc = ind && colperiod ? AQ_OK : AQ_ENOMEM;
    bool by_year = rc == AQ_OK && year_per_column(im);
    for (size_t j = 0; j < nc && rc == AQ_OK; j++) {
        if (!is_indicator_column(im, j))
            continue;
        const char *name = aq_table_colname(t, j);
        if (by_year) {
            char code[256];
            year_indicator_code(im, code, sizeof code);
            aq__period_from_label(name, colperiod[j]);
            rc = aq__indicator_id(im, code, meta_for(im->map, code), &ind[j]);
        } else {
            const aq__indicator_meta *meta = meta_for(im->map, name);
            rc = aq__indicator_id(im, meta && meta->code ? meta->code : name, meta, &ind[j]);
        }
        nind++;
        /* The unit of measure the sheet states, for an indicator without one. */
        if (rc == AQ_OK && im->res->measure && !im->opts->pending && !im->opts->scope) {
            aq_db_stmt *st;
            if ((rc = aq__store_prepare(im->s, "UPDATE indicators SET measure = ?1 WHERE id = ?2 AND measure IS NULL",
                                        &st)) == AQ_OK) {
                aq__db_bind_text(st, 1, im->res->measure);
                aq__db_bind_int64(st, 2, ind[j]);
                if (aq__db_step(st) != AQ_DB_DONE)
                    rc = aq__store_fail(im->s, "cannot record the unit of measure");
                aq__db_finalize(st);
            }
        }
    }
    if (rc == AQ_OK && nind == 0 && im->roles.shape == AQ_SHAPE_WIDE && !aq_table_crs(t))
        rc = aq__err(im->ctx, AQ_EINPUT, "'%s' has no number columns to import as indicators (columns: code = '%s')",
                     im->path, aq_table_colname(t, (size_t)im->roles.col[AQ_ROLE_CODE]));
    aq_db_stmt *geom = NULL;
    if (rc == AQ_OK && im->roles.shape == AQ_SHAPE_WIDE && aq_table_crs(t))
        rc = aq__store_prepare(im->s, "UPDATE units SET geom = ?1, crs = ?2, dataset_id = ?4 WHERE id = ?3", &geom);
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        if ((i & 0xFFFF) == 0xFFFF)
            aq__progress(im->ctx, "import", im->res->rows_read + i, 0);
        if (im->row_rejected[i])
            continue;
        int64_t unit;
        bool ok;
        char period[16], flagbuf[64];
        if ((rc = unit_of(im, i, &unit, &ok)) != AQ_OK || !ok)
            continue;
        size_t glen;
        const unsigned char *g = aq_table_geometry(t, i, &glen);
        if (geom && g) {
            aq__db_bind_blob(geom, 1, g, glen);
            aq__db_bind_text(geom, 2, aq_table_crs(t));
            aq__db_bind_int64(geom, 3, unit);
            aq__db_bind_int64(geom, 4, im->dataset_id); /* the old geometry goes to unit_history */
            if (aq__db_step(geom) != AQ_DB_DONE)
                rc = aq__store_fail(im->s, "cannot store a geometry");
            aq__db_reset(geom);
            im->res->units_updated++;
        }
        if (nind == 0 || rc)
            continue;
        if (!by_year && ((rc = aq__import_period(im, i, period, &ok)) != AQ_OK || !ok))
            continue;
        const char *flags = aq__role_text(im, AQ_ROLE_FLAGS, i, flagbuf, sizeof flagbuf);
        for (size_t j = 0; j < nc && rc == AQ_OK; j++) {
            if (!ind[j])
                continue;
            double v = aq_table_numbers(t, j)[i];
            const char *p = by_year ? colperiod[j] : period;
            int64_t u = unit;
            if (im->row_unit && (rc = aq__unit_for_period(im, unit, p, &u)) != AQ_OK) /* a name from before a reform */
                break;
            if (isnan(v))
                rc = no_value(im, i, j, u, ind[j], p, false);
            else if ((rc = aq__obs_add(obs, i, aq_table_colname(t, j), u, ind[j], p, v, flags)) == AQ_OK &&
                     j < im->res->ncolumns)
                im->res->columns[j].values++;
        }
        if (rc == AQ_OK)
            rc = aq__obs_row_end(obs);
    }
    aq__db_finalize(geom);
    aq__free(colperiod);
    aq__free(ind);
    return rc;
}

static int import_long(aq__import *im, aq__obs *obs)
{
    const aq_table *t = im->t;
    size_t vcol = (size_t)im->roles.col[AQ_ROLE_VALUE];
    const double *val = aq_table_numbers(t, vcol);
    if (!val)
        return aq__err(im->ctx, AQ_EINPUT, "'%s' column '%s' must hold numbers; line %zu has '%s'", im->path,
                       aq_table_colname(t, vcol), aq_table_source_line(t, 0),
                       aq_table_text(t, vcol, 0) ? aq_table_text(t, vcol, 0) : "");
    int rc = AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        int64_t unit, ind;
        bool ok;
        char period[16], code[256], flagbuf[64];
        if ((rc = unit_of(im, i, &unit, &ok)) != AQ_OK || !ok)
            continue;
        if ((rc = aq__import_period(im, i, period, &ok)) != AQ_OK || !ok)
            continue;
        const char *icode = aq__role_text(im, AQ_ROLE_INDICATOR, i, code, sizeof code);
        if (!icode) {
            rc = aq__reject_row(im, i, aq_table_colname(t, (size_t)im->roles.col[AQ_ROLE_INDICATOR]),
                                "the indicator code is missing");
            continue;
        }
        if (isnan(val[i]) && !cell_note(im, i, vcol)) { /* empty: counted, no indicator needed */
            rc = no_value(im, i, vcol, 0, 0, period, true);
            continue;
        }
        const aq__indicator_meta *meta = meta_for(im->map, icode);
        if ((rc = aq__indicator_id(im, meta && meta->code ? meta->code : icode, meta, &ind)) != AQ_OK)
            break;
        if (im->row_unit && (rc = aq__unit_for_period(im, unit, period, &unit)) != AQ_OK)
            break;
        if (isnan(val[i])) { /* no observation: kept with its reason, or rejected */
            rc = no_value(im, i, vcol, unit, ind, period, true);
            continue;
        }
        if (vcol < im->res->ncolumns)
            im->res->columns[vcol].values++;
        rc = aq__obs_add(obs, i, NULL, unit, ind, period, val[i], aq__role_text(im, AQ_ROLE_FLAGS, i, flagbuf, sizeof flagbuf));
        if (rc == AQ_OK)
            rc = aq__obs_row_end(obs);
    }
    return rc;
}

/* ---- reporting ---- */

static char *describe_roles(const aq__import *im)
{
    aq_buf b = {0};
    const aq_table *t = im->t;
    aq__buf_printf(&b, "shape %s", aq__shape_name(im->roles.shape));
    for (int r = 0; r < AQ_ROLE_COUNT; r++)
        if (im->roles.col[r] >= 0)
            aq__buf_printf(&b, "; %s = column '%s'", aq__role_name((enum aq__role)r),
                           aq_table_colname(t, (size_t)im->roles.col[r]));
    bool first = true, by_year = im->roles.shape == AQ_SHAPE_WIDE && year_per_column(im);
    if (by_year) {
        char code[256];
        year_indicator_code(im, code, sizeof code);
        aq__buf_printf(&b, "; indicator '%s' with a period per column", code);
    }
    if (im->roles.shape == AQ_SHAPE_WIDE || im->roles.shape == AQ_SHAPE_UNITS)
        for (size_t j = 0; j < aq_table_ncols(t); j++)
            if (is_indicator_column(im, j)) {
                aq__buf_printf(&b, "%s%s", !first ? ", " : by_year ? "; periods: " : "; indicators: ",
                               aq_table_colname(t, j));
                first = false;
            }
    first = true;
    for (size_t j = 0; j < aq_table_ncols(t); j++)
        if (aq_table_coltype(t, j) == AQ_COL_TEXT && !aq__roles_claims(&im->roles, im->map, t, j)) {
            aq__buf_printf(&b, "%s%s", first ? "; text columns not imported: " : ", ", aq_table_colname(t, j));
            first = false;
        }
    return aq__buf_take(&b);
}

/* Which columns the import uses, and why it leaves out the others. */
static int describe_columns(aq__import *im)
{
    const aq_table *t = im->t;
    size_t nc = aq_table_ncols(t);
    aq_import_result *res = im->res;
    if (!(res->columns = aq__xcalloc(im->ctx, nc ? nc : 1, sizeof *res->columns)))
        return AQ_ENOMEM;
    res->ncolumns = nc;
    enum aq__shape sh = im->roles.shape;
    bool has_period = im->roles.col[AQ_ROLE_PERIOD] >= 0 || im->opts->period || (im->map && im->map->period);
    bool indicators = sh == AQ_SHAPE_WIDE || (sh == AQ_SHAPE_UNITS && has_period);
    for (size_t j = 0; j < nc; j++) {
        aq_import_column *c = &res->columns[j];
        const char *role = NULL, *out = NULL;
        for (int r = 0; r < AQ_ROLE_COUNT && !role; r++)
            if (im->roles.col[r] == (long)j)
                role = aq__role_name((enum aq__role)r);
        if (!role && aq__roles_claims(&im->roles, im->map, t, j))
            out = "ignored";
        else if (!role && aq_table_coltype(t, j) == AQ_COL_TEXT)
            out = "text";
        else if (!role && indicators)
            role = "values"; /* of the indicator named after it (or of its period) */
        else if (!role)
            out = "unmapped";
        if (!(c->name = aq__strdup(aq_table_colname(t, j))) || (role && !(c->role = aq__strdup(role))) ||
            (out && !(c->left_out = aq__strdup(out))))
            return aq__oom(im->ctx);
    }
    return AQ_OK;
}

/* After the rows: an indicator column that gave nothing at all (no value,
 * no marker, nothing rejected) is left out as empty; text columns are
 * said out loud, since a column of numbers read as text would lose them. */
static int finish_columns(aq__import *im)
{
    aq_import_result *res = im->res;
    for (size_t j = 0; j < res->ncolumns; j++) {
        aq_import_column *c = &res->columns[j];
        size_t marked = 0;
        for (int f = AQ_CELL_CONFIDENTIAL; f <= AQ_CELL_BAD; f++)
            marked += c->cells[f];
        if (c->role && strcmp(c->role, "values") == 0 && c->values == 0 && marked == 0) {
            aq__free(c->role);
            c->role = NULL;
            if (!(c->left_out = aq__strdup("empty")))
                return aq__oom(im->ctx);
        }
        if (c->left_out && strcmp(c->left_out, "text") == 0)
            aq__warn(im->ctx, "'%s' column '%s' is not imported: most of its values are not numbers (it is text "
                     "and has no role; name it in a mapping's ignore list to silence this)", im->path, c->name);
    }
    return AQ_OK;
}

static int rejects_message(aq__import *im)
{
    aq_buf b = {0};
    size_t rows = im->res->rows_rejected, cells = im->res->cells_rejected;
    aq__buf_printf(&b, "'%s': ", im->path);
    if (rows)
        aq__buf_printf(&b, "%zu row%s%s", rows, rows == 1 ? "" : "s", cells ? " and " : "");
    if (cells)
        aq__buf_printf(&b, "%zu cell%s", cells, cells == 1 ? "" : "s");
    aq__buf_printf(&b, " rejected, nothing imported:");
    for (size_t k = 0; k < im->nrejects && k < MAX_REJECTS_SHOWN; k++) {
        aq__reject *r = &im->rejects[k];
        aq__buf_printf(&b, "\n  line %zu", r->line);
        if (r->column)
            aq__buf_printf(&b, ", column '%s'", r->column);
        aq__buf_printf(&b, ": %s", r->reason);
    }
    if (im->nrejects > MAX_REJECTS_SHOWN)
        aq__buf_printf(&b, "\n  ... and %zu more", im->nrejects - MAX_REJECTS_SHOWN);
    aq__buf_puts(&b, cells ? "\n(use --skip-bad-rows to import the good rows and cells and write the rejects to a file)"
                           : "\n(use --skip-bad-rows to import the good rows and write the rejects to a file)");
    int rc = aq__err(im->ctx, AQ_EINPUT, "%s", b.data ? b.data : "rows rejected");
    aq__buf_free(&b);
    return rc;
}

/* The rejects as a table, written by the table writer like any output. */
static int write_rejects(aq__import *im, const char *path)
{
    aq_table *t = NULL;
    int rc = aq_table_new(im->ctx, im->nrejects, &t);
    static const char *const cols[] = {"file", "line", "column", "reason"};
    for (size_t c = 0; c < 4 && rc == AQ_OK; c++)
        rc = aq_table_add_column(im->ctx, t, cols[c], c == 1 ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    for (size_t k = 0; k < im->nrejects && rc == AQ_OK; k++) {
        aq__reject *r = &im->rejects[k];
        if ((rc = aq_table_set_text(im->ctx, t, 0, k, im->path)) == AQ_OK &&
            (rc = aq_table_set_number(im->ctx, t, 1, k, (double)r->line)) == AQ_OK &&
            (rc = aq_table_set_text(im->ctx, t, 2, k, r->column)) == AQ_OK)
            rc = aq_table_set_text(im->ctx, t, 3, k, r->reason);
    }
    if (rc == AQ_OK && (rc = aq_table_write(im->ctx, t, path, AQ_FMT_CSV, NULL)) != AQ_OK) {
        char why[1024];
        snprintf(why, sizeof why, "%s", aq_errmsg(im->ctx));
        rc = aq__err(im->ctx, rc, "cannot write the rejects file '%s' (%s)", path, why);
    }
    aq_table_free(t);
    return rc;
}

/* ---- the transaction ---- */

/* The same file (by SHA-256, and the same sheet) already in the store: a
 * second dataset of it would only double every figure's provenance, so it
 * needs --again. */
static int refuse_repeat(aq__import *im, const char *checksum)
{
    if (im->opts->again || im->opts->pending)
        return AQ_OK;
    aq_db_stmt *st;
    int rc = aq__store_prepare(im->s, "SELECT id, name, imported_at FROM datasets WHERE checksum = ?1 AND status = 'live'"
                                      " AND coalesce(layer, '') = ?2 ORDER BY id LIMIT 1", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, checksum);
    aq__db_bind_text(st, 2, im->opts->read.layer ? im->opts->read.layer : "");
    if (aq__store_row(im->s, st, &rc))
        rc = aq__err(im->ctx, AQ_EINPUT, "'%s' is already in the store: dataset %lld '%s', imported %s, is this same "
                     "file (SHA-256 %.12s...); nothing imported (give --again to import it once more)", im->path,
                     (long long)aq__db_column_int64(st, 0), aq__db_column_text(st, 1), aq__db_column_text(st, 2), checksum);
    aq__db_finalize(st);
    return rc;
}

static int create_dataset(aq__import *im, const char *checksum, const char *title)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(im->s, "INSERT INTO datasets(name, source, checksum, imported_by, shape, status, title, measure, notes, layer)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id", &st);
    if (rc)
        return rc;
    const char *user = im->opts->user ? im->opts->user : getenv("USER");
    aq__db_bind_text(st, 1, im->opts->dataset ? im->opts->dataset : aq__basename(im->path));
    aq__db_bind_text(st, 2, im->path);
    aq__db_bind_text(st, 3, checksum);
    aq__db_bind_text(st, 4, user ? user : "unknown");
    aq__db_bind_text(st, 5, aq__shape_name(im->roles.shape));
    aq__db_bind_text(st, 6, im->opts->pending || im->staged ? "pending" : "live");
    aq__db_bind_text(st, 7, title);
    aq__db_bind_text(st, 8, im->res->measure);
    aq__db_bind_text(st, 9, im->res->notes);
    aq__db_bind_text(st, 10, im->opts->read.layer);
    if (aq__db_step(st) == AQ_DB_ROW)
        im->dataset_id = aq__db_column_int64(st, 0);
    else
        rc = aq__store_fail(im->s, "cannot record the dataset");
    aq__db_finalize(st);
    return rc;
}

static int finish_dataset(aq__import *im)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(im->s, "UPDATE datasets SET rows_read = ?1, rows_accepted = ?2, rows_rejected = ?3 WHERE id = ?4", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, (int64_t)im->res->rows_read);
    aq__db_bind_int64(st, 2, (int64_t)im->res->rows_accepted);
    aq__db_bind_int64(st, 3, (int64_t)im->res->rows_rejected);
    aq__db_bind_int64(st, 4, im->dataset_id);
    if (aq__db_step(st) != AQ_DB_DONE)
        rc = aq__store_fail(im->s, "cannot record the dataset");
    aq__db_finalize(st);
    return rc;
}

/* Imports the rows of one table (the whole file, or one batch of it). */
static int import_table(aq__import *im)
{
    int rc = AQ_OK;
    switch (im->roles.shape) {
    case AQ_SHAPE_UNITS:
        rc = aq__import_units(im);
        break;
    case AQ_SHAPE_LINKS:
        return aq__import_links(im);
    case AQ_SHAPE_INDICATORS:
        return aq__import_indicator_meta(im);
    default:
        break;
    }
    if (rc)
        return rc;
    /* A statistical table names its units instead of giving codes. */
    if ((im->roles.shape == AQ_SHAPE_WIDE || im->roles.shape == AQ_SHAPE_LONG) && im->roles.col[AQ_ROLE_CODE] < 0 &&
        (rc = aq__import_resolve_names(im)) != AQ_OK)
        return rc;
    aq__obs *obs;
    if (!im->opts->pending && (rc = aq__store_prepare(im->s, "INSERT INTO missing_values(unit_id, indicator_id,"
                                                      " period, dataset_id, reason, marker) VALUES (?1, ?2, ?3, ?4,"
                                                      " ?5, ?6) ON CONFLICT DO NOTHING", &im->missing)) != AQ_OK)
        return rc;
    if ((rc = aq__obs_open(im, obs_table(im), &obs)) != AQ_OK) {
        aq__db_finalize(im->missing);
        im->missing = NULL;
        return rc;
    }
    if (im->roles.shape == AQ_SHAPE_LONG) {
        rc = import_long(im, obs);
    } else {
        /* Units tables carry observations too when they have a period. */
        bool has_period = im->roles.col[AQ_ROLE_PERIOD] >= 0 || im->opts->period || (im->map && im->map->period);
        if (im->roles.shape == AQ_SHAPE_WIDE || has_period)
            rc = import_wide(im, obs);
    }
    if (rc == AQ_OK)
        rc = aq__obs_finish(obs); /* before the table is gone: rejects name its rows */
    aq__obs_close(obs);
    aq__db_finalize(im->missing);
    im->missing = NULL;
    return rc;
}

/* Files above this size are imported in batches of rows, so that memory
 * stays bounded whatever the file's size (units, links and indicator
 * tables are small and always read whole: their checks need every row). */
#define AQ_STREAM_BYTES ((long long)256 << 20)
#define AQ_BATCH_ROWS 1000000

static size_t batch_rows_for(const char *path, const aq_import_opts *opts)
{
    struct stat st;
    if (!aq__is_delimited_path(path))
        return 0;
    if (opts->batch_rows)
        return opts->batch_rows;
    return stat(path, &st) == 0 && (long long)st.st_size > AQ_STREAM_BYTES ? AQ_BATCH_ROWS : 0;
}

/* Reads the first table: the whole file, or its first batch. */
static int first_table(aq__import *im, size_t *batch, aq__csv_reader **reader, aq_table **t)
{
    int rc;
    if (*batch) {
        rc = aq__csv_open(im->ctx, im->path, &im->opts->read, reader);
        if (rc == AQ_OK)
            rc = aq__csv_next(im->ctx, *reader, *batch, t);
    } else {
        rc = aq_table_read(im->ctx, im->path, &im->opts->read, t);
    }
    if (rc == AQ_OK && (!*t || aq_table_nrows(*t) == 0))
        return aq__err(im->ctx, AQ_EINPUT,
                       "'%s' has a header but no rows: expected at least one row of data below the column names "
                       "(nothing imported)",
                       im->path);
    if (rc == AQ_OK)
        rc = aq__roles_resolve(im->ctx, *t, im->map, &im->roles);
    if (rc == AQ_OK && *batch && im->roles.shape != AQ_SHAPE_WIDE && im->roles.shape != AQ_SHAPE_LONG) {
        aq__csv_close(*reader); /* see AQ_STREAM_BYTES */
        *reader = NULL;
        *batch = 0;
        aq_table_free(*t);
        *t = NULL;
        rc = aq_table_read(im->ctx, im->path, &im->opts->read, t);
    }
    return rc;
}

/* A pending import, or one limited to a territorial scope (a regional
 * editor's), holds values only: units, links, indicator metadata and unit
 * geometries are the central bodies' to change. */
static int values_only(const aq__import *im, const aq_table *t)
{
    enum aq__shape sh = im->roles.shape;
    if ((!im->opts->pending && !im->opts->scope) || sh == AQ_SHAPE_LONG || (sh == AQ_SHAPE_WIDE && !aq_table_crs(t)))
        return AQ_OK;
    const char *what = sh == AQ_SHAPE_UNITS ? "is a table of units" : sh == AQ_SHAPE_LINKS ? "is a table of territorial links"
                     : sh == AQ_SHAPE_INDICATORS ? "is a table of indicators" : "carries geometries of units";
    return aq__err(im->ctx, AQ_EDENIED, "'%s' %s: a %s import holds values only; units, links, indicators and"
                   " geometries are changed by a central analyst or an administrator", im->path, what,
                   im->opts->pending ? "pending" : "scoped");
}

/* Imports every table of the file inside the open transaction. */
static int import_all(aq__import *im, aq_table *t, size_t batch, aq__csv_reader *reader)
{
    int rc = load_map(im, "SELECT id, code FROM units", &im->units);
    if (rc == AQ_OK)
        rc = load_map(im, "SELECT id, code FROM indicators", &im->indicators);
    while (rc == AQ_OK && t) {
        size_t n = aq_table_nrows(t);
        im->t = t;
        im->rows_total = batch ? 0 : n;
        if (!(im->row_rejected = aq__calloc(n ? n : 1, sizeof(bool))))
            rc = aq__oom(im->ctx);
        if (rc == AQ_OK)
            rc = import_table(im);
        im->res->rows_read += n;
        aq__progress(im->ctx, "import", im->res->rows_read, 0);
        for (size_t i = 0; i < n && im->row_rejected; i++)
            im->res->rows_rejected += im->row_rejected[i];
        aq__free(im->row_rejected);
        im->row_rejected = NULL;
        aq__free(im->row_unit);
        im->row_unit = NULL;
        im->t = NULL;
        aq_table_free(t);
        t = NULL;
        if (rc == AQ_OK && batch)
            rc = aq__csv_next(im->ctx, reader, batch, &t);
    }
    aq_table_free(t);
    im->res->rows_accepted = im->res->rows_read - im->res->rows_rejected;
    return rc;
}

void aq_import_opts_init(aq_import_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    aq_read_opts_init(&opts->read);
}

void aq_import_result_clear(aq_import_result *r)
{
    aq__free(r->shape);
    aq__free(r->defaults);
    aq__free(r->checksum);
    for (size_t j = 0; j < r->ncolumns; j++) {
        aq__free(r->columns[j].name);
        aq__free(r->columns[j].role);
        aq__free(r->columns[j].left_out);
    }
    aq__free(r->columns);
    aq__free(r->measure);
    aq__free(r->notes);
    memset(r, 0, sizeof *r);
}

int aq__store_import_staged(aq_store *s, const char *path, const aq_import_opts *opts, const aq__stage *stage,
                            aq_import_result *result)
{
    aq_ctx *ctx = s->ctx;
    aq_import_opts defaults;
    if (!opts) {
        aq_import_opts_init(&defaults);
        opts = &defaults;
    }
    if (s->readonly)
        return aq__err(ctx, AQ_EUSAGE, "the store '%s' is open read-only", s->path);
    aq_import_result res = {0};
    aq__mapping map;
    bool have_map = false;
    aq_table *t = NULL;
    aq__csv_reader *reader = NULL;
    size_t batch = batch_rows_for(path, opts);
    char checksum[65];
    int rc = aq__sha256_file(ctx, path, checksum);
    if (rc == AQ_OK && opts->mapping) {
        rc = aq__mapping_load(ctx, opts->mapping, &map);
        have_map = rc == AQ_OK;
    }
    aq__import im = {.s = s, .ctx = ctx, .path = path, .map = have_map ? &map : NULL, .opts = opts, .res = &res};
    if (rc == AQ_OK)
        rc = first_table(&im, &batch, &reader, &t);
    char *title = NULL;
    if (rc == AQ_OK) {
        im.t = t;
        res.defaults = describe_roles(&im);
        rc = describe_columns(&im);
        im.t = NULL;
        if (rc == AQ_OK)
            rc = values_only(&im, t);
        if ((t->measure && !(res.measure = aq__strdup(t->measure))) || (t->footnotes && !(res.notes = aq__strdup(t->footnotes))) ||
            (t->title && !(title = aq__strdup(t->title))))
            rc = aq__oom(ctx);
    }
    /* Observations reference units, indicators and the dataset that this
     * import resolved itself, in this transaction: SQLite's own foreign-key
     * lookups would repeat that work for every row (a quarter of the time).
     * Units keep them: a parent is checked by both. */
    bool fk_off = rc == AQ_OK && (im.roles.shape == AQ_SHAPE_WIDE || im.roles.shape == AQ_SHAPE_LONG) &&
                  aq__db_backend(s->db) == AQ_DB_SQLITE; /* PostgreSQL checks them, always */
    if (fk_off)
        rc = aq__store_exec(s, "PRAGMA foreign_keys=OFF");
    /* Inside a caller's transaction (a workspace submission records itself
     * with the import), the import is a savepoint of it. */
    bool in_tx = false, nested = aq__db_in_transaction(s->db);
    /* Values only, and nothing a mapping changes in place, so that every
     * part but the values can wait for the last transaction. */
    im.stage = stage;
    im.staged = stage && !nested && rc == AQ_OK &&
                (im.roles.shape == AQ_SHAPE_LONG || (im.roles.shape == AQ_SHAPE_WIDE && !aq_table_crs(t))) &&
                !(have_map && map.nindicators);
    clock_gettime(CLOCK_MONOTONIC, &im.tx_start);
    if (rc == AQ_OK && (rc = nested ? aq__store_exec(s, "SAVEPOINT aq_import")
                                    : aq__db_begin_write(s->db) ? aq__store_fail(s, "cannot start the import")
                                                                : AQ_OK) == AQ_OK)
        in_tx = true;
    if (rc == AQ_OK)
        rc = refuse_repeat(&im, checksum);
    if (rc == AQ_OK)
        rc = create_dataset(&im, checksum, title);
    if (rc == AQ_OK) {
        rc = import_all(&im, t, batch, reader);
        t = NULL; /* import_all frees the tables it is given */
    }
    if (rc == AQ_OK && opts->scope)
        rc = aq__ws_scope_check_dataset(s, opts->scope, obs_table(&im), im.dataset_id);
    if (rc == AQ_OK && res.units_by_name && !opts->pending)
        rc = aq__import_check_total(&im);
    if (rc == AQ_OK) {
        bool rejected = res.rows_rejected || res.cells_rejected;
        if (rejected && !opts->skip_bad_rows)
            rc = rejects_message(&im);
        else if (rejected && opts->rejects_path)
            rc = write_rejects(&im, opts->rejects_path);
        else if (rejected)
            rc = aq__err(ctx, AQ_EUSAGE, "skipping bad rows needs a file for the rejects");
    }
    /* Datasets made while it was loading (edits, approvals) must not win
     * over it, nor results recorded meanwhile see it. */
    if (rc == AQ_OK && im.staged && !opts->pending)
        rc = aq__stage_reorder(s, &im.dataset_id, &im.committed);
    if (rc == AQ_OK)
        rc = finish_columns(&im);
    if (rc == AQ_OK)
        rc = finish_dataset(&im);
    if (rc == AQ_OK && im.staged)
        rc = aq__store_run(s, "cannot finish the import", "UPDATE datasets SET status = ?2 WHERE id = ?1", "it",
                           (long long)im.dataset_id, opts->pending ? "pending" : "live");
    if (rc == AQ_OK && im.staged)
        rc = aq__store_run(s, "cannot finish the import", "UPDATE indicators SET staged_by = NULL WHERE staged_by = ?1",
                           "i", (long long)im.dataset_id);
    if (rc == AQ_OK) {
        res.dataset_id = im.dataset_id;
        res.shape = aq__strdup(aq__shape_name(im.roles.shape));
        res.checksum = aq__strdup(checksum);
        if (!res.shape || !res.checksum)
            rc = aq__oom(ctx);
    }
    if (rc == AQ_OK && stage && stage->progress)
        rc = stage->progress(s, stage->arg, im.dataset_id, res.rows_read, res.rows_read);
    if (rc == AQ_OK && stage && stage->finish)
        rc = stage->finish(s, stage->arg, &res);
    if (rc == AQ_OK && (rc = aq__store_exec(s, nested ? "RELEASE aq_import" : "COMMIT")) == AQ_OK)
        in_tx = false;
    if (in_tx)
        aq__db_exec(s->db, nested ? "ROLLBACK TO aq_import; RELEASE aq_import" : "ROLLBACK");
    if (fk_off)
        aq__db_exec(s->db, "PRAGMA foreign_keys=ON");
    if (rc != AQ_OK && im.committed) {
        /* Parts are committed: take them away, keeping the import's error. */
        char *why = aq__strdup(aq_errmsg(ctx));
        if (aq__stage_drop(s, im.dataset_id) == AQ_OK || !why)
            aq__err(ctx, rc, "%s", why ? why : "the import failed");
        else
            aq__err(ctx, rc, "%s (and its unfinished dataset %lld stays until the server restarts: %s)", why,
                    (long long)im.dataset_id, aq_errmsg(ctx));
        aq__free(why);
    }
    if (rc == AQ_OK)
        *result = res;
    else
        aq_import_result_clear(&res);
    for (size_t k = 0; k < im.nrejects; k++) {
        aq__free(im.rejects[k].column);
        aq__free(im.rejects[k].reason);
    }
    aq__free(im.rejects);
    aq__free(title);
    aq__strmap_free(&im.units);
    aq__strmap_free(&im.indicators);
    aq_table_free(t);
    aq__csv_close(reader);
    if (have_map)
        aq__mapping_free(&map);
    return rc;
}

int aq_store_import(aq_store *s, const char *path, const aq_import_opts *opts, aq_import_result *result)
{
    return aq__store_import_staged(s, path, opts, NULL, result);
}
