/*
 * import_names.c -- the units of a table that names them instead of
 * giving codes, as statistical tables do ('Акмолинская', 'г.Астана',
 * 'Республика Казахстан', a region's row above its districts).
 *
 * Names are matched by aq_match (match.c: the strict key, then the loose
 * key), one level at a time from the top of the store's hierarchy: first
 * the country, then regions, then districts and below, each within the
 * parent the table's structure gives it -- the nearest row above that
 * resolved to a unit of a higher level. A name that matches nothing, or
 * several units, rejects its row with the candidates. A unit found by name
 * that did not yet exist in a period (Turkestan region, formed 2018-06-19)
 * stands for its one predecessor in that period (South Kazakhstan, the
 * row's name before the reform), by the store's reform links.
 */
#include "check.h"
#include "import.h"
#include "table.h"

#include <stdio.h>
#include <string.h>

typedef struct level_rec {
    char *name;
    int rank;
} level_rec;

static int load_levels(aq__import *im, level_rec **out, size_t *n)
{
    aq_db_stmt *st;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = aq__store_prepare(im->s, "SELECT name, rank FROM levels ORDER BY rank, name", &st);
    while (rc == AQ_OK && aq__store_row(im->s, st, &rc)) {
        if (aq__grow(im->ctx, (void **)out, &cap, *n + 1, sizeof **out)) {
            rc = AQ_ENOMEM;
            break;
        }
        (*out)[*n].rank = (int)aq__db_column_int64(st, 1);
        if (!((*out)[*n].name = aq__strdup(aq__db_column_text(st, 0)))) {
            rc = aq__oom(im->ctx);
            break;
        }
        (*n)++;
    }
    aq__db_finalize(st);
    return rc;
}

/* The row's name: the first of its name columns that is not empty. */
static const char *row_name(const aq__import *im, size_t row)
{
    static const enum aq__role roles[] = {AQ_ROLE_NAME_RU, AQ_ROLE_NAME_KK, AQ_ROLE_NAME_EN};
    for (size_t k = 0; k < 3; k++) {
        long j = im->roles.col[roles[k]];
        const char *s = j >= 0 ? aq_table_text(im->t, (size_t)j, row) : NULL;
        if (s && *s)
            return s;
    }
    return NULL;
}

static const char *name_column(const aq__import *im)
{
    static const enum aq__role roles[] = {AQ_ROLE_NAME_RU, AQ_ROLE_NAME_KK, AQ_ROLE_NAME_EN};
    for (size_t k = 0; k < 3; k++)
        if (im->roles.col[roles[k]] >= 0)
            return aq_table_colname(im->t, (size_t)im->roles.col[roles[k]]);
    return NULL;
}

/* "190000000 (Алматинская область), 750000000 (г.Алматы)" */
static void describe_candidates(aq__import *im, const char *codes, aq_buf *b)
{
    aq_db_stmt *st = NULL;
    if (aq__store_prepare(im->s, "SELECT coalesce(name_ru, name_kk, name_en, '') FROM units WHERE code = ?1", &st))
        return;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", codes);
    char *save = NULL;
    for (char *c = strtok_r(buf, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
        aq__db_reset(st);
        aq__db_bind_text(st, 1, c);
        const char *nm = aq__db_step(st) == AQ_DB_ROW ? aq__db_column_text(st, 0) : NULL;
        aq__buf_printf(b, "%s%s%s%s%s", b->len ? ", " : "", c, nm && *nm ? " (" : "", nm && *nm ? nm : "",
                       nm && *nm ? ")" : "");
    }
    aq__db_finalize(st);
}

int aq__import_resolve_names(aq__import *im)
{
    const aq_table *t = im->t;
    size_t n = aq_table_nrows(t);
    level_rec *levels = NULL;
    size_t nlevels = 0;
    int rc = load_levels(im, &levels, &nlevels);
    int *rank = aq__xcalloc(im->ctx, n ? n : 1, sizeof *rank);
    char **codes = aq__xcalloc(im->ctx, n ? n : 1, sizeof *codes), **ambiguous = aq__xcalloc(im->ctx, n ? n : 1, sizeof *ambiguous);
    im->row_unit = aq__xcalloc(im->ctx, n ? n : 1, sizeof *im->row_unit);
    if (rc == AQ_OK && (!rank || !codes || !ambiguous || !im->row_unit))
        rc = AQ_ENOMEM;
    for (size_t l = 0; l < nlevels && rc == AQ_OK; l++) {
        /* The rows still without a unit, with the parent their position
         * gives them. */
        size_t *rows = aq__xcalloc(im->ctx, n ? n : 1, sizeof *rows), m = 0;
        if (!rows) {
            rc = AQ_ENOMEM;
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (!codes[i] && row_name(im, i) && !im->row_rejected[i])
                rows[m++] = i;
        aq_table *q = NULL, *res = NULL;
        size_t cname = 0, cparent = 0;
        if (m && (rc = aq_table_new(im->ctx, m, &q)) == AQ_OK &&
            (rc = aq_table_add_column(im->ctx, q, "name", AQ_COL_TEXT, &cname)) == AQ_OK)
            rc = aq_table_add_column(im->ctx, q, "parent", AQ_COL_TEXT, &cparent);
        for (size_t k = 0; k < m && rc == AQ_OK; k++) {
            rc = aq_table_set_text(im->ctx, q, cname, k, row_name(im, rows[k]));
            for (size_t a = rows[k]; a-- > 0 && rc == AQ_OK && levels[l].rank >= 2;)
                if (codes[a] && rank[a] < levels[l].rank) {
                    rc = aq_table_set_text(im->ctx, q, cparent, k, codes[a]);
                    break;
                }
        }
        aq_match_opts mo;
        aq_match_opts_init(&mo);
        mo.level = levels[l].name;
        if (m && rc == AQ_OK)
            rc = aq_match(im->s, q, &mo, &res);
        long ccode = res ? aq_table_find(res, "code") : -1, cstatus = res ? aq_table_find(res, "status") : -1,
             ccands = res ? aq_table_find(res, "candidates") : -1;
        for (size_t k = 0; res && k < m && rc == AQ_OK; k++) {
            const char *status = aq_table_text(res, (size_t)cstatus, k);
            size_t i = rows[k];
            if (status && strcmp(status, "matched") == 0) {
                if (!(codes[i] = aq__strdup(aq_table_text(res, (size_t)ccode, k))))
                    rc = aq__oom(im->ctx);
                rank[i] = levels[l].rank;
                aq__free(ambiguous[i]);
                ambiguous[i] = NULL;
            } else if (status && strcmp(status, "ambiguous") == 0 && !ambiguous[i]) {
                if (!(ambiguous[i] = aq__strdup(aq_table_text(res, (size_t)ccands, k))))
                    rc = aq__oom(im->ctx);
            }
        }
        aq_table_free(q);
        aq_table_free(res);
        aq__free(rows);
    }
    const char *col = name_column(im);
    for (size_t i = 0; i < n && rc == AQ_OK; i++) {
        const char *nm = row_name(im, i);
        if (im->row_rejected[i])
            continue;
        if (!nm) {
            rc = aq__reject_row(im, i, col, "the unit's name is missing");
        } else if (codes[i]) {
            if (!aq__strmap_get(&im->units, codes[i], &im->row_unit[i]))
                rc = aq__reject_row(im, i, col, "unit '%s' (matched by the name '%s') is not in the store", codes[i], nm);
        } else if (ambiguous[i]) {
            aq_buf b = {0};
            describe_candidates(im, ambiguous[i], &b);
            rc = aq__reject_row(im, i, col, "the name '%s' is ambiguous: it matches %s; give a code column (or the "
                                "parent's row above it)", nm, b.data ? b.data : ambiguous[i]);
            aq__buf_free(&b);
        } else {
            rc = aq__reject_row(im, i, col, "the name '%s' matches no unit of the store at any level ('%s' has no code "
                                "column, so its units are found by name): check the spelling, import the units "
                                "first, or give a code column", nm, im->path);
        }
        if (rc == AQ_OK && im->row_unit[i])
            im->res->units_by_name++;
    }
    for (size_t i = 0; codes && i < n; i++)
        aq__free(codes[i]);
    for (size_t i = 0; ambiguous && i < n; i++)
        aq__free(ambiguous[i]);
    for (size_t l = 0; l < nlevels; l++)
        aq__free(levels[l].name);
    aq__free(levels);
    aq__free(codes);
    aq__free(ambiguous);
    aq__free(rank);
    return rc;
}

int aq__unit_for_period(aq__import *im, int64_t unit, const char *period, int64_t *out)
{
    char end[11];
    *out = unit;
    if (!aq__period_end(period, end))
        return AQ_OK;
    aq_db_stmt *st;
    /* The one predecessor of a unit not yet formed at the period's end. */
    int rc = aq__store_prepare(im->s,
        "SELECT l.from_id FROM units u JOIN unit_links l ON l.to_id = u.id AND l.from_id <> u.id"
        " WHERE u.id = ?1 AND u.valid_from IS NOT NULL AND u.valid_from > ?2 AND l.date >= ?2", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, unit);
    aq__db_bind_text(st, 2, end);
    int64_t from = 0;
    size_t k = 0;
    while (rc == AQ_OK && aq__store_row(im->s, st, &rc))
        from = aq__db_column_int64(st, 0), k++;
    aq__db_finalize(st);
    if (rc == AQ_OK && k == 1)
        *out = from;
    return rc;
}

/* Does the country row agree with its regions? Only for an indicator that
 * is a count (aq__is_count_column: population, number, total ...; never per
 * capita, rates or shares, which do not add up), and only for a period in
 * which the table has every child of the country valid at its end, or
 * whose children already exceed the total. A disagreement is a warning:
 * the office may publish a total with units it does not list. */
int aq__import_check_total(aq__import *im)
{
    aq_db_stmt *st, *kids;
    int rc = aq__store_prepare(im->s,
        "SELECT i.code, o.period, p.code, c.value, sum(o.value), count(*) FROM observations o"
        " JOIN units u ON u.id = o.unit_id JOIN units p ON p.code = u.parent AND p.level = 'country'"
        " JOIN observations c ON c.unit_id = p.id AND c.indicator_id = o.indicator_id AND c.period = o.period"
        " AND c.dataset_id = o.dataset_id JOIN indicators i ON i.id = o.indicator_id"
        " WHERE o.dataset_id = ?1 GROUP BY i.code, o.period, p.code, c.value ORDER BY i.code, o.period", &st);
    if (rc)
        return rc;
    if ((rc = aq__store_prepare(im->s, "SELECT count(*) FROM units WHERE parent = ?1 AND (valid_from IS NULL OR"
                                       " valid_from <= ?2) AND (valid_to IS NULL OR valid_to > ?2)", &kids)) != AQ_OK) {
        aq__db_finalize(st);
        return rc;
    }
    aq__db_bind_int64(st, 1, im->dataset_id);
    size_t warned = 0;
    while (rc == AQ_OK && aq__store_row(im->s, st, &rc)) {
        const char *ind = aq__db_column_text(st, 0), *period = aq__db_column_text(st, 1);
        double total = aq__db_column_double(st, 3), sum = aq__db_column_double(st, 4);
        int64_t n = aq__db_column_int64(st, 5), valid = -1;
        char end[11];
        if (!aq__is_count_column(ind) || !aq__period_end(period, end))
            continue;
        aq__db_reset(kids);
        aq__db_bind_text(kids, 1, aq__db_column_text(st, 2));
        aq__db_bind_text(kids, 2, end);
        if (aq__db_step(kids) == AQ_DB_ROW)
            valid = aq__db_column_int64(kids, 0);
        double tol = 0.001 * (total < 0 ? -total : total);
        bool off = (n == valid && (sum - total > tol || total - sum > tol)) || sum - total > tol;
        if (off && warned++ < 5)
            aq__warn(im->ctx, "'%s': indicator '%s', period %s: the %lld units under the country add up to %g, but "
                     "its row says %g (%+.1f%%); a count should add up", im->path, ind, period, (long long)n, sum,
                     total, total ? 100 * (sum - total) / total : 0.0);
    }
    if (warned > 5)
        aq__warn(im->ctx, "'%s': ... and %zu more periods whose units do not add up to the country", im->path,
                 warned - 5);
    aq__db_finalize(kids);
    aq__db_finalize(st);
    return rc;
}
