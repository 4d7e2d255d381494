/*
 * store_page.c -- one page of units, indicators, observations or datasets,
 * with filters and the total count, for the server's JSON API and anything
 * else that must not read a whole national table to show fifty rows.
 *
 * The SQL is assembled from fixed fragments only: every value the caller
 * gives is bound as a parameter, never pasted into the text.
 */
#include "aimaq_workspace.h"
#include "store.h"
#include "table.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* the most any listing binds is 13: observations at a horizon after which
 * units changed (the units of then in FROM and in the "under" filter) */
enum { PAGE_DEFAULT = 100, PAGE_MAX = 10000, MAX_ARGS = 24 };

typedef struct page_sql {
    aq_buf where;                /* " AND ..." fragments                 */
    const char *args[MAX_ARGS + 1];
    size_t nargs;
} page_sql;

/* Adds the condition FRAGMENT (one '?') bound to VALUE, if VALUE is set. */
static void filter(page_sql *p, const char *fragment, const char *value)
{
    if (!value || !*value || p->nargs >= MAX_ARGS)
        return;
    aq__buf_puts(&p->where, fragment);
    p->args[p->nargs++] = value;
}

/* Filters shared by units and observations (alias u for units). HORIZON,
 * when not NULL, is the dataset horizon (as text) after which units
 * changed: "under" then follows the hierarchy of then. */
static void unit_filters(page_sql *p, const aq_page_query *q, const char *horizon)
{
    filter(p, " AND u.level = ?", q->level);
    filter(p, " AND u.code = ?", q->code);
    if (!horizon) {
        filter(p, " AND u.code IN (WITH RECURSIVE sub(c) AS (SELECT code FROM units WHERE code = ? UNION ALL"
                  " SELECT x.code FROM units x JOIN sub ON x.parent = sub.c) SELECT c FROM sub)", q->under);
    } else if (q->under && *q->under && p->nargs + 1 + AQ_UNIT_TREE_AT_ARGS <= MAX_ARGS) {
        aq__buf_puts(&p->where, " AND u.code IN (WITH RECURSIVE tree(code, parent) AS MATERIALIZED ");
        aq__unit_tree_at(&p->where, "CAST(? AS BIGINT)");
        aq__buf_puts(&p->where, ", sub(c) AS (SELECT code FROM units WHERE code = ? UNION ALL"
                                " SELECT x.code FROM tree x JOIN sub ON x.parent = sub.c) SELECT c FROM sub)");
        for (int k = 0; k < AQ_UNIT_TREE_AT_ARGS; k++)
            p->args[p->nargs++] = horizon;
        p->args[p->nargs++] = q->under;
    }
}

/* FROM's units: the table, or at a horizon after which units changed the
 * units of then (binding the horizon first, as FROM comes before WHERE). */
static const char *units_from(page_sql *p, aq_buf *from, const char *head, const char *horizon, const char *tail)
{
    if (!horizon)
        return NULL;
    aq__buf_puts(from, head);
    aq__units_at(from, "CAST(? AS BIGINT)");
    aq__buf_puts(from, tail);
    for (int k = 0; k < AQ_UNITS_AT_ARGS; k++)
        p->args[p->nargs++] = horizon;
    return from->failed ? NULL : from->data;
}

static int count_rows(aq_store *s, const char *from, page_sql *p, long long *total)
{
    aq_buf sql = {0};
    aq__buf_printf(&sql, "SELECT count(*) AS n %s WHERE 1=1%s", from, p->where.failed ? "" : p->where.data ? p->where.data : "");
    if (sql.failed || p->where.failed) {
        aq__buf_free(&sql);
        return aq__oom(s->ctx);
    }
    aq_table *t = NULL;
    p->args[p->nargs] = NULL;
    int rc = aq__store_query_table(s, sql.data, p->nargs ? p->args : NULL, &t);
    aq__buf_free(&sql);
    if (rc == AQ_OK)
        *total = aq_table_nrows(t) ? (long long)aq_table_numbers(t, 0)[0] : 0;
    aq_table_free(t);
    return rc;
}

int aq_store_page(aq_store *s, const aq_page_query *q, aq_table **out, long long *total)
{
    const char *cols, *from, *order;
    page_sql p = {0};
    aq_buf hfrom = {0};
    char horizon[32];
    if (!q || !q->what)
        return aq__err(s->ctx, AQ_EUSAGE, "page: say what to list (units, indicators, observations or datasets)");
    size_t limit = q->limit ? q->limit : PAGE_DEFAULT;
    if (limit > PAGE_MAX)
        return aq__err(s->ctx, AQ_EUSAGE, "page: limit %zu is over the maximum of %d rows", limit, PAGE_MAX);
    snprintf(horizon, sizeof horizon, "%lld", q->max_dataset);
    /* At a horizon after which units changed, units and observations are
     * listed with the units of then (store_history.c). */
    bool historic = false;
    bool unit_listing = !strcmp(q->what, "units") || !strcmp(q->what, "observations");
    if (unit_listing && q->max_dataset > 0) {
        int hrc = aq__units_changed_after(s, q->max_dataset, &historic);
        if (hrc)
            return hrc;
    }
    const char *uh = historic ? horizon : NULL;
    if (!strcmp(q->what, "units")) {
        cols = "u.code, u.parent, u.level, u.kind, u.name_kk, u.name_ru, u.name_en, u.valid_from, u.valid_to";
        from = units_from(&p, &hfrom, "FROM ", uh, " u");
        if (!from)
            from = "FROM units u";
        order = "u.code";
        unit_filters(&p, q, uh);
        /* A code prefix, or a piece of a name in any language (exact case:
         * SQLite's lower() knows ASCII only, which would help English alone). */
        if (q->search && *q->search && p.nargs + 3 <= MAX_ARGS) {
            aq__buf_puts(&p.where, " AND (substr(u.code, 1, length(?)) = ? OR instr(coalesce(u.name_kk,'') || ' ' ||"
                                   " coalesce(u.name_ru,'') || ' ' || coalesce(u.name_en,''), ?) > 0)");
            p.args[p.nargs++] = q->search;
            p.args[p.nargs++] = q->search;
            p.args[p.nargs++] = q->search;
        }
    } else if (!strcmp(q->what, "indicators")) {
        cols = "i.code, i.name_kk, i.name_ru, i.name_en, i.measure, i.direction, i.description, i.source";
        from = "FROM indicators i";
        order = "i.code";
        aq__buf_puts(&p.where, " AND i.staged_by IS NULL"); /* an unfinished import's new ones */
        filter(&p, " AND i.code = ?", q->indicator);
    } else if (!strcmp(q->what, "observations")) {
        /* The newest dataset (at or below the horizon, when one is given)
         * wins, as in selections. Without a horizon the bound is left out
         * rather than set to a huge number: SQLite would convert that text
         * parameter for every row compared. */
        cols = "u.code, u.name_kk, u.name_ru, u.name_en, u.level, i.code AS indicator, o.period, o.value, o.flags,"
               " o.dataset_id";
        from = units_from(&p, &hfrom, "FROM observations o JOIN ", uh,
                          " u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id");
        if (!from)
            from = "FROM observations o JOIN units u ON u.id = o.unit_id JOIN indicators i ON i.id = o.indicator_id";
        order = "i.code, o.period, u.code";
        bool bounded = q->max_dataset > 0;
        aq__buf_printf(&p.where, "%s AND NOT EXISTS (SELECT 1 FROM observations n WHERE n.indicator_id = o.indicator_id"
                                 " AND n.period = o.period AND n.unit_id = o.unit_id AND n.dataset_id > o.dataset_id%s"
                                 AQ__LIVE_VALUES("n") ")" AQ__LIVE_VALUES("o"),
                       bounded ? " AND o.dataset_id <= CAST(? AS BIGINT)" : "",
                       bounded ? " AND n.dataset_id <= CAST(? AS BIGINT)" : "");
        if (bounded) {
            p.args[p.nargs++] = horizon;
            p.args[p.nargs++] = horizon;
        }
        unit_filters(&p, q, uh);
        filter(&p, " AND i.code = ?", q->indicator);
        filter(&p, " AND o.period = ?", q->period);
    } else if (!strcmp(q->what, "datasets")) {
        cols = s->version >= 2 ? "d.id, d.name, d.source, d.checksum, d.imported_at, d.imported_by, d.shape,"
                                 " d.rows_accepted, d.rows_rejected, d.status"
                               : "d.id, d.name, d.source, d.checksum, d.imported_at, d.imported_by, d.shape,"
                                 " d.rows_accepted, d.rows_rejected";
        from = "FROM datasets d";
        order = "d.id";
    } else {
        return aq__err(s->ctx, AQ_EUSAGE, "page: cannot list '%s' (units, indicators, observations or datasets)", q->what);
    }
    int rc = AQ_OK;
    aq_buf sql = {0};
    /* LIMIT and OFFSET are bound, not written in, so every page of one
     * listing is the same cached statement. */
    aq__buf_printf(&sql, "SELECT %s %s WHERE 1=1%s ORDER BY %s LIMIT CAST(? AS BIGINT) OFFSET CAST(? AS BIGINT)", cols,
                   from, p.where.data ? p.where.data : "", order);
    char lim[24], off[24];
    const char *args[MAX_ARGS + 3];
    snprintf(lim, sizeof lim, "%zu", limit);
    snprintf(off, sizeof off, "%zu", q->offset);
    memcpy(args, p.args, p.nargs * sizeof *args);
    args[p.nargs] = lim;
    args[p.nargs + 1] = off;
    args[p.nargs + 2] = NULL;
    if (sql.failed || hfrom.failed)
        rc = aq__oom(s->ctx);
    if (rc == AQ_OK)
        rc = aq__store_query_table(s, sql.data, args, out);
    aq__buf_free(&sql);
    /* A first page that is not full is everything: its rows are the total,
     * and the count (a second run of the whole filtered query, a third of
     * a busy server's time) is not needed. */
    if (rc == AQ_OK && q->offset == 0 && aq_table_nrows(*out) < limit)
        *total = (long long)aq_table_nrows(*out);
    else if (rc == AQ_OK)
        rc = count_rows(s, from, &p, total);
    if (rc != AQ_OK && *out) {
        aq_table_free(*out);
        *out = NULL;
    }
    aq__buf_free(&p.where);
    aq__buf_free(&hfrom);
    return rc;
}
