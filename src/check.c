/*
 * check.c -- finding what is wrong with a table or the store before it
 * misleads anyone: duplicate codes, units without a parent, missing and
 * impossible values, robust outliers, children that do not add up to their
 * parent, magnitude errors and invalid geometries (check_geom.c).
 *
 * The founding text's own table is the model of a magnitude error: it puts
 * "189.9 million" people in 595 low-potential settlements of a country of
 * about 15 million. Such a value stands out twice: its parent's total cannot
 * hold it, and dividing it by a thousand makes the children add up. Both
 * tests are made here, and the finding says which factor fixes it.
 */
#include "check.h"
#include "mapping.h"
#include "strmap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the findings list ---- */

struct aq_findings {
    aq_finding *items;
    size_t n, cap, errors;
    aq__arena arena;
};

static const char *keep(aq_findings *f, const char *s)
{
    return s ? aq__arena_strndup(&f->arena, s, strlen(s)) : NULL;
}

int aq__finding_add(aq_ctx *ctx, aq_findings *f, enum aq_severity sev, const char *check, const char *unit,
                    const char *indicator, const char *period, double value, size_t line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (aq__grow(ctx, (void **)&f->items, &f->cap, f->n + 1, sizeof *f->items))
        return AQ_ENOMEM;
    aq_finding *x = &f->items[f->n];
    x->severity = sev;
    x->check = check;
    x->unit = keep(f, unit);
    x->indicator = keep(f, indicator);
    x->period = keep(f, period);
    x->value = value;
    x->line = line;
    x->message = keep(f, msg);
    if (!x->message || (unit && !x->unit) || (indicator && !x->indicator) || (period && !x->period))
        return aq__oom(ctx);
    f->n++;
    f->errors += sev == AQ_SEV_ERROR;
    return AQ_OK;
}

int aq__findings_new(aq_ctx *ctx, aq_findings **out)
{
    *out = aq__xcalloc(ctx, 1, sizeof **out);
    return *out ? AQ_OK : AQ_ENOMEM;
}

size_t aq_findings_count(const aq_findings *f) { return f ? f->n : 0; }
const aq_finding *aq_findings_get(const aq_findings *f, size_t i) { return f && i < f->n ? &f->items[i] : NULL; }
size_t aq_findings_errors(const aq_findings *f) { return f ? f->errors : 0; }

void aq_findings_free(aq_findings *f)
{
    if (!f)
        return;
    aq__free(f->items);
    aq__arena_free(&f->arena);
    aq__free(f);
}

/* ---- what a column means, from its name ---- */

static bool name_has(const char *name, const char *const *words)
{
    char low[256];
    size_t n = strlen(name);
    if (n >= sizeof low)
        n = sizeof low - 1;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    low[n] = '\0';
    for (int i = 0; words[i]; i++)
        if (strstr(low, words[i]))
            return true;
    return false;
}

/* Counts of people or things: never negative, and children add up. */
bool aq__is_count_column(const char *name)
{
    static const char *const words[] = {"pop", "total", "male", "female", "urban", "rural", "count",
                                        "number", "persons", "people", "settlements", "employ", NULL};
    static const char *const not_words[] = {"per_", "pc", "rate", "share", "pct", "percent", "density", "ratio", NULL};
    return name_has(name, words) && !name_has(name, not_words);
}

/* Shares in per cent: between 0 and 100. */
static bool is_percent_column(const char *name)
{
    static const char *const words[] = {"share", "pct", "percent", "_rate", NULL};
    return name_has(name, words);
}

/* ---- checks on one table ---- */

typedef struct tcheck {
    aq_ctx *ctx;
    const aq_table *t;
    aq_findings *f;
    long code, parent, period;
    const char *source;
    size_t *group, ngroups; /* each row's (level or parent, period) group */
    const char *peers;      /* who the group is, for messages */
} tcheck;

static const char *code_of(const tcheck *c, size_t i)
{
    return c->code >= 0 ? aq_table_text(c->t, (size_t)c->code, i) : NULL;
}

static const char *period_of(const tcheck *c, size_t i, char *buf, size_t size)
{
    if (c->period < 0)
        return NULL;
    const char *p = aq_table_cell(c->t, (size_t)c->period, i, buf, size);
    return *p ? p : NULL;
}

static size_t line_of(const tcheck *c, size_t i) { return aq_table_source(c->t) ? aq_table_source_line(c->t, i) : 0; }

/* What the reader noted: a bad cell (text in a number column) is an error,
 * as an import rejects it; a marked missing value is shown with its reason. */
static int check_notes(tcheck *c)
{
    size_t n;
    const aq_cell_note *nt = aq_table_notes(c->t, &n);
    int rc = AQ_OK;
    for (size_t k = 0; k < n && rc == AQ_OK; k++) {
        char pbuf[32];
        const char *code = code_of(c, nt[k].row), *col = aq_table_colname(c->t, nt[k].col);
        const char *per = period_of(c, nt[k].row, pbuf, sizeof pbuf);
        if (nt[k].flag == AQ_CELL_BAD)
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "bad-cell", code, col, per, NAN, line_of(c, nt[k].row),
                                 "'%s' is not a number (expected a number like the column's other values, or a marker "
                                 "of a missing value: x, -, ..., н/д, or nothing)", nt[k].text);
        else
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_WARNING, "missing", code, col, per, NAN, line_of(c, nt[k].row),
                                 "'%s' of '%s' is missing (%s: '%s')", col, code ? code : "?",
                                 aq_cell_flag_name(nt[k].flag), nt[k].text);
    }
    return rc;
}

static int check_codes(tcheck *c, aq__strmap *index, bool parents_in_table)
{
    int rc = AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(c->t) && rc == AQ_OK; i++) {
        const char *code = code_of(c, i);
        char pbuf[32], key[320];
        if (!code) {
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "missing-code", NULL, NULL, NULL, NAN, line_of(c, i),
                                 "row has no unit code");
            continue;
        }
        const char *per = period_of(c, i, pbuf, sizeof pbuf);
        snprintf(key, sizeof key, "%s\x1f%s", code, per ? per : "");
        int64_t first;
        if (aq__strmap_get(index, key, &first))
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "duplicate-code", code, NULL, per, NAN, line_of(c, i),
                                 "code '%s'%s%s appears twice (first on line %zu)", code, per ? " for period " : "",
                                 per ? per : "", line_of(c, (size_t)first));
        else if (aq__strmap_put(index, key, (int64_t)i))
            rc = aq__oom(c->ctx);
    }
    /* A selection from the store holds only units with values; the store
     * itself guarantees that every parent exists. */
    if (c->parent < 0 || !parents_in_table)
        return rc;
    aq__strmap codes = {0};
    for (size_t i = 0; i < aq_table_nrows(c->t) && rc == AQ_OK; i++)
        if (code_of(c, i) && aq__strmap_put(&codes, code_of(c, i), (int64_t)i))
            rc = aq__oom(c->ctx);
    for (size_t i = 0; i < aq_table_nrows(c->t) && rc == AQ_OK; i++) {
        const char *p = aq_table_text(c->t, (size_t)c->parent, i);
        if (p && !aq__strmap_get(&codes, p, NULL))
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "orphan", code_of(c, i), NULL, NULL, NAN, line_of(c, i),
                                 "unit '%s' names parent '%s', which is not in the table", code_of(c, i) ? code_of(c, i) : "?", p);
    }
    aq__strmap_free(&codes);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median and scaled MAD of the finite values of x (log10 of them if LOG). */
static size_t robust_stats(const double *x, size_t n, bool log_scale, double *tmp, double *med, double *mad)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]) && (!log_scale || x[i] > 0))
            tmp[m++] = log_scale ? log10(x[i]) : x[i];
    if (m == 0)
        return 0;
    qsort(tmp, m, sizeof *tmp, cmp_double);
    *med = m % 2 ? tmp[m / 2] : (tmp[m / 2 - 1] + tmp[m / 2]) / 2;
    for (size_t i = 0; i < m; i++)
        tmp[i] = fabs(tmp[i] - *med);
    qsort(tmp, m, sizeof *tmp, cmp_double);
    *mad = 1.4826 * (m % 2 ? tmp[m / 2] : (tmp[m / 2 - 1] + tmp[m / 2]) / 2);
    return m;
}

static int outliers_in_group(tcheck *c, size_t j, size_t g, double *tmp)
{
    const aq_table *t = c->t;
    const char *name = aq_table_colname(t, j);
    const double *x = aq_table_numbers(t, j);
    size_t n = aq_table_nrows(t), m = 0;
    bool positive = true;
    for (size_t i = 0; i < n; i++)
        if (c->group[i] == g && !isnan(x[i])) {
            positive = positive && x[i] > 0;
            tmp[m++] = x[i];
        }
    double med, mad;
    if (m < 5 || robust_stats(tmp, m, positive, tmp + m, &med, &mad) < 5 || mad <= 0)
        return AQ_OK;
    int rc = AQ_OK;
    char pbuf[32];
    double typical = positive ? pow(10, med) : med;
    for (size_t i = 0; i < n && rc == AQ_OK; i++) {
        if (c->group[i] != g || !isfinite(x[i]))
            continue;
        double v = positive ? log10(x[i]) : x[i];
        double z = (v - med) / mad;
        if (fabs(z) <= 5)
            continue;
        const char *per = period_of(c, i, pbuf, sizeof pbuf);
        double fix = 0;
        for (int k = 3; positive && k <= 6 && !fix; k += 3)
            if (fabs(v - k * (z > 0 ? 1 : -1) - med) / mad <= 1)
                fix = z > 0 ? pow(10, k) : pow(10, -k);
        char hint[96] = "";
        if (fix)
            snprintf(hint, sizeof hint, "; divided by %g it would be typical: a unit of measure mix-up?", fix);
        rc = aq__finding_add(c->ctx, c->f, AQ_SEV_WARNING, "outlier", code_of(c, i), name, per, x[i], line_of(c, i),
                             "%g is far from the typical '%s' of %s (median %g, %+.1f robust deviations)%s",
                             x[i], name, c->peers, typical, z, hint);
    }
    return rc;
}

static int check_values(tcheck *c, size_t j, double *tmp)
{
    const aq_table *t = c->t;
    const char *name = aq_table_colname(t, j);
    const double *x = aq_table_numbers(t, j);
    size_t n = aq_table_nrows(t), missing = 0;
    int rc = AQ_OK;
    bool count = aq__is_count_column(name), pct = is_percent_column(name);
    char pbuf[32];
    for (size_t i = 0; i < n && rc == AQ_OK; i++) {
        const char *per = period_of(c, i, pbuf, sizeof pbuf);
        if (isnan(x[i])) {
            missing++;
            continue;
        }
        if (count && x[i] < 0)
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "impossible", code_of(c, i), name, per, x[i], line_of(c, i),
                                 "'%s' is a count and cannot be negative (%g)", name, x[i]);
        else if (pct && (x[i] < 0 || x[i] > 100))
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "impossible", code_of(c, i), name, per, x[i], line_of(c, i),
                                 "'%s' is a share in per cent and must be between 0 and 100 (%g)", name, x[i]);
    }
    if (rc == AQ_OK && missing)
        rc = aq__finding_add(c->ctx, c->f, AQ_SEV_WARNING, "missing", NULL, name, NULL, NAN, 0,
                             "%zu of %zu values of '%s' are missing", missing, n, name);
    /* Robust outliers, compared within a level and a period (a region is
     * no outlier among districts): on a log scale for positive data, since
     * incomes and counts are skewed; more than 5 scaled MADs from the median.
     * A value a thousand or a million times off gets that hint, but only the
     * hierarchy (check_sums) can prove a magnitude error. */
    for (size_t g = 0; g < c->ngroups && rc == AQ_OK; g++)
        rc = outliers_in_group(c, j, g, tmp);
    return rc;
}

/* Children of a parent (same period) should add up to it, for counts. */
static int check_sums(tcheck *c, size_t j)
{
    const aq_table *t = c->t;
    const char *name = aq_table_colname(t, j);
    const double *x = aq_table_numbers(t, j);
    size_t n = aq_table_nrows(t);
    int rc = AQ_OK;
    aq__strmap rows = {0};
    char key[320], pbuf[32];
    for (size_t i = 0; i < n && rc == AQ_OK; i++) {
        const char *code = code_of(c, i), *per = period_of(c, i, pbuf, sizeof pbuf);
        if (!code)
            continue;
        snprintf(key, sizeof key, "%s\x1f%s", code, per ? per : "");
        if (aq__strmap_put(&rows, key, (int64_t)i))
            rc = aq__oom(c->ctx);
    }
    double *sum = aq__xcalloc(c->ctx, n ? n : 1, sizeof *sum);
    size_t *nchild = aq__xcalloc(c->ctx, n ? n : 1, sizeof *nchild);
    if (!sum || !nchild)
        rc = AQ_ENOMEM;
    for (size_t i = 0; i < n && rc == AQ_OK; i++) {
        const char *p = aq_table_text(t, (size_t)c->parent, i), *per = period_of(c, i, pbuf, sizeof pbuf);
        int64_t pi;
        if (!p || isnan(x[i]))
            continue;
        snprintf(key, sizeof key, "%s\x1f%s", p, per ? per : "");
        if (aq__strmap_get(&rows, key, &pi)) {
            sum[pi] += x[i];
            nchild[pi]++;
        }
    }
    for (size_t pi = 0; pi < n && rc == AQ_OK; pi++) {
        if (!nchild[pi] || isnan(x[pi]))
            continue;
        double diff = sum[pi] - x[pi];
        if (fabs(diff) <= 0.01 * fabs(x[pi]) + 1e-9)
            continue;
        const char *per = period_of(c, pi, pbuf, sizeof pbuf);
        /* One child a thousand times too big (or small) explains it? */
        size_t culprit = n;
        double factor = 0;
        for (size_t i = 0; i < n && culprit == n; i++) {
            const char *p = aq_table_text(t, (size_t)c->parent, i);
            char pb2[32];
            const char *per2 = period_of(c, i, pb2, sizeof pb2);
            if (!p || isnan(x[i]) || strcmp(p, code_of(c, pi) ? code_of(c, pi) : "") != 0 ||
                (per && (!per2 || strcmp(per, per2) != 0)))
                continue;
            for (int k = 3; k <= 6; k += 3) {
                double f = pow(10, k);
                if (fabs(sum[pi] - x[i] + x[i] / f - x[pi]) <= 0.01 * fabs(x[pi])) {
                    culprit = i, factor = f;
                    break;
                }
                if (fabs(sum[pi] - x[i] + x[i] * f - x[pi]) <= 0.01 * fabs(x[pi])) {
                    culprit = i, factor = 1 / f;
                    break;
                }
            }
        }
        if (culprit < n)
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_ERROR, "magnitude", code_of(c, culprit), name, per, x[culprit],
                                 line_of(c, culprit),
                                 "'%s' of '%s' is %g, but its parent '%s' has %g in all; %s by %g the children add up "
                                 "exactly: a unit of measure mix-up (e.g. %s in a column of thousands)?",
                                 name, code_of(c, culprit), x[culprit], code_of(c, pi), x[pi],
                                 factor > 1 ? "divided" : "multiplied", factor > 1 ? factor : 1 / factor,
                                 factor > 1 ? "persons" : "millions");
        else
            rc = aq__finding_add(c->ctx, c->f, AQ_SEV_WARNING, "sum", code_of(c, pi), name, per, x[pi], line_of(c, pi),
                                 "the %zu children of '%s' add up to %g in '%s', not %g (%+.1f%%)", nchild[pi],
                                 code_of(c, pi), sum[pi], name, x[pi], 100 * diff / x[pi]);
    }
    aq__free(sum);
    aq__free(nchild);
    aq__strmap_free(&rows);
    return rc;
}

int aq__check_table_into(aq_ctx *ctx, const aq_table *t, bool from_store, aq_findings *f)
{
    aq__roles roles;
    int rc = aq__roles_resolve(ctx, t, NULL, &roles);
    if (rc)
        return rc;
    tcheck c = {ctx, t, f, roles.col[AQ_ROLE_CODE], roles.col[AQ_ROLE_PARENT], roles.col[AQ_ROLE_PERIOD],
                aq_table_source(t), NULL, 0, NULL};
    aq__strmap index = {0};
    if (c.code >= 0)
        rc = check_codes(&c, &index, !from_store);
    aq__strmap_free(&index);
    /* A selection from the store carries the units' geometries, which
     * aq_check_store checks once per unit instead. */
    if (rc == AQ_OK && !from_store)
        rc = aq__check_geometries(ctx, t, c.code, f);
    size_t n = aq_table_nrows(t);
    double *tmp = aq__xmalloc(ctx, sizeof(double) * 3 * (n ? n : 1));
    c.group = aq__xcalloc(ctx, n ? n : 1, sizeof *c.group);
    aq__strmap groups = {0};
    /* Peers are the units of one level; without a level column, the
     * children of one parent (a country is no outlier among its regions). */
    long level = roles.col[AQ_ROLE_LEVEL] >= 0 ? roles.col[AQ_ROLE_LEVEL] : c.parent;
    c.peers = roles.col[AQ_ROLE_LEVEL] >= 0 ? "its level and period"
              : c.parent >= 0                ? "its parent's children in its period"
                                             : "its period";
    for (size_t i = 0; rc == AQ_OK && tmp && c.group && i < n; i++) {
        char key[128], pbuf[32];
        const char *l = level >= 0 ? aq_table_text(t, (size_t)level, i) : NULL;
        const char *p = period_of(&c, i, pbuf, sizeof pbuf);
        snprintf(key, sizeof key, "%s\x1f%s", l ? l : "", p ? p : "");
        int64_t g;
        if (!aq__strmap_get(&groups, key, &g)) {
            g = (int64_t)c.ngroups++;
            if (aq__strmap_put(&groups, key, g))
                rc = aq__oom(ctx);
        }
        c.group[i] = (size_t)g;
    }
    aq__strmap_free(&groups);
    if (!tmp || !c.group) {
        aq__free(tmp);
        aq__free(c.group);
        return aq__oom(ctx);
    }
    for (size_t j = 0; j < aq_table_ncols(t) && rc == AQ_OK; j++) {
        if (aq_table_coltype(t, j) != AQ_COL_NUMBER || aq__roles_claims(&roles, NULL, t, j))
            continue;
        rc = check_values(&c, j, tmp);
        if (rc == AQ_OK && c.parent >= 0 && c.code >= 0 && aq__is_count_column(aq_table_colname(t, j)))
            rc = check_sums(&c, j);
    }
    aq__free(tmp);
    aq__free(c.group);
    if (rc == AQ_OK)
        rc = check_notes(&c);
    return rc;
}

int aq_check_table(aq_ctx *ctx, const aq_table *t, aq_findings **out)
{
    aq_findings *f;
    int rc = aq__findings_new(ctx, &f);
    if (rc == AQ_OK)
        rc = aq__check_table_into(ctx, t, false, f);
    if (rc) {
        aq_findings_free(f);
        return rc;
    }
    *out = f;
    return AQ_OK;
}
