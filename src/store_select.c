/*
 * store_select.c -- reading the store back as tables: a selection of
 * observations (one row per unit and period, one column per indicator),
 * the units, the datasets and the indicators.
 */
#include "store.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int aq_store_units(aq_store *s, const char *level, aq_table **out)
{
    const char *args[] = {level, NULL};
    return aq__store_query_table(s,
        "SELECT code, parent, level, kind, name_kk, name_ru, name_en, valid_from, valid_to, classifier, crs, geom"
        " FROM units WHERE CAST(?1 AS TEXT) IS NULL OR level = ?1 ORDER BY code", level ? args : NULL, out);
}

int aq_store_datasets(aq_store *s, aq_table **out)
{
    return aq__store_query_table(s,
        "SELECT id, name, source, checksum, imported_at, imported_by, shape, rows_read, rows_accepted, rows_rejected,"
        " measure, notes FROM datasets WHERE status = 'live' ORDER BY id", NULL, out);
}

int aq_store_indicators(aq_store *s, aq_table **out)
{
    return aq__store_query_table(s,
        "SELECT i.code, i.name_kk, i.name_ru, i.name_en, i.measure, i.direction, i.description, i.source,"
        " (SELECT count(*) FROM observations o WHERE o.indicator_id = i.id" AQ__LIVE_VALUES("o") ") AS observations"
        " FROM indicators i WHERE i.staged_by IS NULL ORDER BY i.code", NULL, out);
}

int aq_store_missing(aq_store *s, aq_table **out)
{
    return aq__store_query_table(s,
        "SELECT u.code AS unit, i.code AS indicator, m.period, m.reason, m.marker, m.dataset_id AS dataset"
        " FROM missing_values m JOIN units u ON u.id = m.unit_id JOIN indicators i ON i.id = m.indicator_id"
        " JOIN datasets d ON d.id = m.dataset_id WHERE d.status = 'live' ORDER BY i.code, m.period, u.code, m.dataset_id",
        NULL, out);
}

static int check_exists(aq_store *s, const char *sql, const char *value, const char *what)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, sql, &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, value);
    bool found = aq__store_row(s, st, &rc);
    aq__db_finalize(st);
    return found || rc ? rc : aq__err(s->ctx, AQ_ENOTFOUND, "no %s '%s' in the store '%s'", what, value, s->path);
}

int aq_store_select(aq_store *s, const aq_selection *sel, aq_table **out)
{
    aq_ctx *ctx = s->ctx;
    aq_selection none = {0};
    if (!sel)
        sel = &none;
    int rc = AQ_OK;
    if (sel->level)
        rc = check_exists(s, "SELECT 1 FROM levels WHERE name = ?1", sel->level, "level");
    if (rc == AQ_OK && sel->under)
        rc = check_exists(s, "SELECT 1 FROM units WHERE code = ?1", sel->under, "unit");
    /* The indicators, in the order asked for (or by code). */
    size_t nind = 0, cap = 0;
    int64_t *ids = NULL;
    char **codes = NULL;
    aq_db_stmt *st = NULL;
    /* At a horizon (max_dataset), "every indicator" means those that had
     * values then, so a later indicator adds no empty column. */
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, "SELECT id, code FROM indicators i WHERE staged_by IS NULL AND (CAST(?1 AS TEXT) IS NULL OR code = ?1) AND (?2 <= 0 OR ?1 IS NOT NULL"
                                  " OR EXISTS (SELECT 1 FROM observations o WHERE o.indicator_id = i.id AND o.dataset_id <= ?2" AQ__LIVE_VALUES("o") "))"
                                  " ORDER BY code", &st);
    for (size_t k = 0; rc == AQ_OK && (k == 0 || (sel->indicators && sel->indicators[k])); k++) {
        const char *want = sel->indicators ? sel->indicators[k] : NULL;
        if (sel->indicators && !want)
            break;
        aq__db_reset(st);
        aq__db_bind_text(st, 1, want);
        aq__db_bind_int64(st, 2, sel->max_dataset);
        bool found = false;
        while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
            found = true;
            /* An indicator named twice (the map's value is also its
             * population) is one column, not a table that refuses to be
             * built ("column 'population' appears twice"). */
            int64_t id = aq__db_column_int64(st, 0);
            bool seen = false;
            for (size_t j = 0; j < nind && !seen; j++)
                seen = ids[j] == id;
            if (seen)
                continue;
            size_t cap2 = cap;
            if (aq__grow(ctx, (void **)&ids, &cap, nind + 1, sizeof *ids) ||
                aq__grow(ctx, (void **)&codes, &cap2, nind + 1, sizeof *codes)) {
                rc = AQ_ENOMEM;
                break;
            }
            ids[nind] = id;
            if (!(codes[nind++] = aq__strdup(aq__db_column_text(st, 1))))
                rc = aq__oom(ctx);
        }
        if (rc == AQ_OK && want && !found)
            rc = aq__err(ctx, AQ_ENOTFOUND, "no indicator '%s' in the store '%s'", want, s->path);
    }
    aq__db_finalize(st);
    st = NULL;
    if (rc == AQ_OK && nind == 0)
        rc = aq__err(ctx, AQ_ENOTFOUND, "the store '%s' has no indicators yet: import data first", s->path);

    /* At a horizon after which units changed (a district moved to another
     * region, a renaming), the hierarchy, names and geometries are those
     * of then (store_history.c), so a recorded result recomputes as it
     * was; otherwise the table itself, as for a selection of now. */
    bool historic = false;
    if (rc == AQ_OK && sel->max_dataset > 0)
        rc = aq__units_changed_after(s, sel->max_dataset, &historic);
    aq_buf units = {0};
    if (historic)
        aq__units_at(&units, "?4");
    else
        aq__buf_puts(&units, "units");
    const char *usrc = units.data ? units.data : "units"; /* (out of memory: failed below) */
    aq_buf sql = {0};
    if (historic) {
        aq__buf_puts(&sql, "WITH RECURSIVE tree(code, parent) AS MATERIALIZED ");
        aq__unit_tree_at(&sql, "?4");
        aq__buf_puts(&sql, ", sub(code) AS (SELECT code FROM units WHERE code = ?2 UNION ALL"
                           " SELECT u.code FROM tree u JOIN sub ON u.parent = sub.code),");
    } else {
        aq__buf_puts(&sql, "WITH RECURSIVE sub(code) AS (SELECT code FROM units WHERE code = ?2 UNION ALL"
                           " SELECT u.code FROM units u JOIN sub ON u.parent = sub.code),");
    }
    /* Rows: every (unit, period) that has a value of one of the indicators.
     * The newest dataset wins where several hold the same observation (a
     * NOT EXISTS on the primary key's prefix: three times faster than a
     * window over all of them). A horizon (?4 > 0) hides later datasets. */
    aq__buf_puts(&sql,
        " obs AS (SELECT o.unit_id, o.indicator_id, o.period, o.value"
        "   FROM observations o WHERE NOT EXISTS (SELECT 1 FROM observations n WHERE n.indicator_id = o.indicator_id"
        "     AND n.period = o.period AND n.unit_id = o.unit_id AND n.dataset_id > o.dataset_id"
        "     AND (?4 <= 0 OR n.dataset_id <= ?4)" AQ__LIVE_VALUES("n") ")"
        "   AND (?4 <= 0 OR o.dataset_id <= ?4)" AQ__LIVE_VALUES("o")
        "   AND o.indicator_id IN (");
    for (size_t k = 0; k < nind; k++)
        aq__buf_printf(&sql, "%s%lld", k ? "," : "", (long long)ids[k]);
    aq__buf_puts(&sql, ")");
    aq__buf_printf(&sql, " AND (CAST(?3 AS TEXT) IS NULL OR o.period = ?3))"
        " SELECT u.code, u.name_kk, u.name_ru, u.name_en, u.parent, u.level, obs.period, obs.indicator_id, obs.value,"
        "   u.crs, u.geom"
        " FROM obs JOIN %s u ON u.id = obs.unit_id", usrc);
    aq__buf_puts(&sql,
        " WHERE (CAST(?1 AS TEXT) IS NULL OR u.level = ?1) AND (CAST(?2 AS TEXT) IS NULL OR u.code IN (SELECT code FROM sub))"
        " ORDER BY u.code, obs.period");
    if (rc == AQ_OK && (sql.failed || units.failed))
        rc = aq__oom(ctx);
    aq__buf_free(&units);
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, sql.data, &st);
    aq_table *t = NULL;
    bool snapshot = false;
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, sel->level);
        aq__db_bind_text(st, 2, sel->under);
        aq__db_bind_text(st, 3, sel->period);
        aq__db_bind_int64(st, 4, sel->max_dataset);
        /* Count the distinct (unit, period) rows: results are ordered by them.
         * Both passes read one snapshot (a commit between them would add
         * rows the table has no room for); the fill stops at the count all
         * the same. */
        snapshot = aq__store_snapshot_begin(s);
        size_t n = 0;
        char last[320] = "";
        while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
            char key[320];
            snprintf(key, sizeof key, "%s\x1f%s", aq__db_column_text(st, 0), aq__db_column_text(st, 6));
            if (strcmp(key, last) != 0) {
                n++;
                memcpy(last, key, sizeof last);
            }
        }
        aq__db_rewind(st);
        if (rc == AQ_OK)
            rc = aq_table_new(ctx, n, &t);
        static const char *const fixed[] = {"code", "name_kk", "name_ru", "name_en", "parent", "level", "period"};
        for (size_t j = 0; j < 7 && rc == AQ_OK; j++)
            rc = aq__table_add(ctx, t, fixed[j], AQ_COL_TEXT, NULL);
        for (size_t k = 0; k < nind && rc == AQ_OK; k++)
            rc = aq__table_add(ctx, t, codes[k], AQ_COL_NUMBER, NULL);
        long row = -1;
        last[0] = '\0';
        while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
            char key[320];
            snprintf(key, sizeof key, "%s\x1f%s", aq__db_column_text(st, 0), aq__db_column_text(st, 6));
            if (strcmp(key, last) != 0) {
                if ((size_t)(row + 1) >= n)
                    break;
                row++;
                memcpy(last, key, sizeof last);
                for (size_t j = 0; j < 7 && rc == AQ_OK; j++)
                    rc = aq_table_set_text(ctx, t, j, (size_t)row, aq__db_column_text(st, (int)j));
                const void *g = aq__db_column_blob(st, 10);
                if (g && rc == AQ_OK)
                    rc = aq_table_set_geometry(ctx, t, (size_t)row, g, (size_t)aq__db_column_bytes(st, 10),
                                               aq__db_column_text(st, 9));
            }
            int64_t ind = aq__db_column_int64(st, 7);
            for (size_t k = 0; k < nind; k++)
                if (ids[k] == ind && aq__db_column_type(st, 8) != AQ_DB_NULL)
                    t->cols[7 + k].num[row] = aq__db_column_double(st, 8);
        }
    }
    aq__db_finalize(st);
    aq__store_snapshot_end(s, snapshot);
    aq__buf_free(&sql);
    for (size_t k = 0; k < nind; k++)
        aq__free(codes[k]);
    aq__free(codes);
    aq__free(ids);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
