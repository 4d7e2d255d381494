/*
 * index_result.c -- aq_index: one computation of a methodology on a table,
 * with per-unit scores, ranks, classes and the reason for each class, and
 * the class summary in the form of the founding text (count, population,
 * share).
 *
 * The reason names the rule that matched with the values it tested, then
 * the indicators that pulled the score up and down most: contribution_j =
 * effective weight_j x (normalised_j - mean normalised_j over units). For
 * an arithmetic mean these contributions add up exactly to the unit's
 * score minus the mean score; for other means they are a first-order
 * approximation.
 */
#include "index_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct aq_index {
    size_t n, nind, npil, nrules;
    char **ids;
    double *pop;
    double *score;
    double **pillar, **norm;
    unsigned *rank;
    long *cls;          /* rule index, -1 none, -2 excluded */
    char **reason;
    char **rule_names, **pillar_codes;
};

void aq_index_free(aq_index *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        if (r->ids)
            aq__free(r->ids[i]);
        if (r->reason)
            aq__free(r->reason[i]);
    }
    for (size_t p = 0; r->pillar && p < r->npil; p++)
        aq__free(r->pillar[p]);
    for (size_t j = 0; r->norm && j < r->nind; j++)
        aq__free(r->norm[j]);
    for (size_t q = 0; r->rule_names && q < r->nrules; q++)
        aq__free(r->rule_names[q]);
    for (size_t p = 0; r->pillar_codes && p < r->npil; p++)
        aq__free(r->pillar_codes[p]);
    aq__free(r->ids);
    aq__free(r->reason);
    aq__free(r->pop);
    aq__free(r->score);
    aq__free(r->pillar);
    aq__free(r->norm);
    aq__free(r->rank);
    aq__free(r->cls);
    aq__free(r->rule_names);
    aq__free(r->pillar_codes);
    aq__free(r);
}

static int alloc_result(aq_ctx *ctx, const aq_method *m, size_t n, aq_index **out)
{
    aq_index *r = aq__xcalloc(ctx, 1, sizeof *r);
    if (!r)
        return AQ_ENOMEM;
    r->n = n;
    r->nind = m->nind;
    r->npil = m->npil;
    r->nrules = m->nrules;
    int ok = (r->ids = aq__calloc(n, sizeof *r->ids)) && (r->reason = aq__calloc(n, sizeof *r->reason)) &&
             (r->pop = aq__malloc(n * sizeof *r->pop)) && (r->score = aq__malloc(n * sizeof *r->score)) &&
             (r->rank = aq__calloc(n, sizeof *r->rank)) && (r->cls = aq__calloc(n, sizeof *r->cls)) &&
             (r->pillar = aq__calloc(m->npil + 1, sizeof *r->pillar)) &&
             (r->norm = aq__calloc(m->nind + 1, sizeof *r->norm)) &&
             (r->rule_names = aq__calloc(m->nrules + 1, sizeof *r->rule_names)) &&
             (r->pillar_codes = aq__calloc(m->npil + 1, sizeof *r->pillar_codes));
    for (size_t p = 0; ok && p < m->npil; p++)
        ok = (r->pillar[p] = aq__malloc(n * sizeof(double))) &&
             (r->pillar_codes[p] = aq__strdup(m->pil[p].code));
    for (size_t j = 0; ok && j < m->nind; j++)
        ok = (r->norm[j] = aq__malloc(n * sizeof(double))) != NULL;
    for (size_t q = 0; ok && q < m->nrules; q++)
        ok = (r->rule_names[q] = aq__strdup(m->rules[q].name)) != NULL;
    if (!ok) {
        aq_index_free(r);
        return aq__oom(ctx);
    }
    *out = r;
    return AQ_OK;
}

/* "up i01 +12.3, i02 +4.1; down i16 -7.2" */
static void explain_contributions(const aq_method *m, const aq_index *r, const double *eff,
                                  const double *mean, size_t i, aq_buf *b)
{
    int up[2] = {-1, -1}, down[2] = {-1, -1};
    double upv[2] = {0, 0}, downv[2] = {0, 0};
    for (size_t j = 0; j < m->nind; j++) {
        double v = r->norm[j][i];
        if (isnan(v) || isnan(mean[j]))
            continue;
        double c = eff[j] * (v - mean[j]);
        if (c > upv[1]) {
            int k = c > upv[0] ? 0 : 1;
            if (!k) {
                up[1] = up[0];
                upv[1] = upv[0];
            }
            up[k] = (int)j;
            upv[k] = c;
        } else if (c < downv[1]) {
            int k = c < downv[0] ? 0 : 1;
            if (!k) {
                down[1] = down[0];
                downv[1] = downv[0];
            }
            down[k] = (int)j;
            downv[k] = c;
        }
    }
    if (up[0] >= 0) {
        aq__buf_puts(b, "; up ");
        for (int k = 0; k < 2 && up[k] >= 0; k++)
            aq__buf_printf(b, "%s%s %+.3g", k ? ", " : "", m->ind[up[k]].code, upv[k]);
    }
    if (down[0] >= 0) {
        aq__buf_puts(b, "; down ");
        for (int k = 0; k < 2 && down[k] >= 0; k++)
            aq__buf_printf(b, "%s%s %+.3g", k ? ", " : "", m->ind[down[k]].code, downv[k]);
    }
}

static void explain_excluded(const aq_method *m, const aq__bound *b, size_t i, aq_buf *buf)
{
    size_t miss = 0;
    for (size_t j = 0; j < m->nind; j++)
        miss += isnan(b->raw[j][i]);
    aq__buf_printf(buf, "excluded: %zu of %zu indicators%s missing (", miss, m->nind,
                   m->nmissing ? " in the data" : "");
    size_t k = 0;
    for (size_t j = 0; j < m->nind; j++)
        if (isnan(b->raw[j][i]))
            aq__buf_printf(buf, "%s%s", k++ ? ", " : "", m->ind[j].code);
    aq__buf_printf(buf, "); the methodology allows a share of %g (missing max_share)",
                   m->max_missing);
}

static int finish(aq_ctx *ctx, const aq_method *m, const aq__bound *b, aq_index *r)
{
    const size_t n = r->n;
    uint64_t *keys = aq__xmalloc(ctx, 2 * n * sizeof *keys);
    uint32_t *idx = aq__xmalloc(ctx, 2 * n * sizeof *idx);
    uint32_t *rk = aq__xmalloc(ctx, n * sizeof *rk);
    double *rankd = aq__xmalloc(ctx, n * sizeof *rankd);
    double *eff = aq__xmalloc(ctx, (m->nind + 1) * sizeof *eff);
    double *mean = aq__xcalloc(ctx, m->nind + 1, sizeof *mean);
    aq__rules *rules = NULL;
    int rc = keys && idx && rk && rankd && eff && mean ? AQ_OK : AQ_ENOMEM;
    if (!rc) {
        aq__rank_desc(r->score, n, rk, keys, idx);
        for (size_t i = 0; i < n; i++) {
            r->rank[i] = b->excluded[i] ? 0 : rk[i];
            rankd[i] = b->excluded[i] ? NAN : (double)rk[i];
        }
        aq__choice c;
        aq__choice_nominal(m, &c);
        aq__effective_weights(m, &c, eff);
        for (size_t j = 0; j < m->nind; j++) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (!isnan(r->norm[j][i])) {
                    mean[j] += r->norm[j][i];
                    k++;
                }
            mean[j] = k ? mean[j] / (double)k : NAN;
        }
        aq__scope scope = {m, b, r->score, rankd, r->pillar, r->norm};
        if (m->nrules)
            rc = aq__rules_prepare(ctx, m, &scope, &c, &rules);
    }
    size_t nomatch = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        aq_buf buf = {0};
        if (b->excluded[i]) {
            r->cls[i] = -2;
            explain_excluded(m, b, i, &buf);
        } else {
            r->cls[i] = rules ? aq__rules_match(rules, i) : -1;
            if (r->cls[i] >= 0)
                aq__rules_explain(rules, (size_t)r->cls[i], i, &buf);
            else if (m->nrules) {
                nomatch++;
                aq__buf_puts(&buf, "no class rule matched");
            }
            aq__buf_printf(&buf, "%sscore %.4g, rank %u", buf.len ? "; " : "", r->score[i],
                           r->rank[i]);
            explain_contributions(m, r, eff, mean, i, &buf);
            if (m->nmissing) /* the class stands on part of the methodology: say so */
                aq__buf_printf(&buf, "; scored on %zu of the %zu indicators (%zu not in the data)",
                               m->nind, m->nind_declared, m->nmissing);
        }
        r->reason[i] = aq__buf_take(&buf);
        if (!r->reason[i])
            rc = aq__oom(ctx);
    }
    if (!rc && nomatch)
        aq__warn(ctx, "%zu units matched no class rule (add a last rule without conditions "
                 "to catch them)", nomatch);
    aq__rules_free(rules);
    aq__free(keys);
    aq__free(idx);
    aq__free(rk);
    aq__free(rankd);
    aq__free(eff);
    aq__free(mean);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A unit id on several rows usually means several periods from the store. */
static void warn_duplicates(aq_ctx *ctx, const aq_method *m, const aq_index *r)
{
    char **v = aq__malloc(r->n * sizeof *v);
    if (!v)
        return;
    memcpy(v, r->ids, r->n * sizeof *v);
    qsort(v, r->n, sizeof *v, cmp_str);
    size_t dup = 0;
    const char *first = NULL;
    for (size_t i = 1; i < r->n; i++)
        if (strcmp(v[i], v[i - 1]) == 0) {
            dup++;
            if (!first)
                first = v[i];
        }
    if (dup)
        aq__warn(ctx, "%zu rows repeat a unit id of column '%s' (first: '%s'): each row is "
                 "scored as a unit; several periods? choose one with --period", dup, m->id_col,
                 first);
    aq__free(v);
}

static void warn_excluded(aq_ctx *ctx, const aq_method *m, const aq__bound *b,
                          const aq_index *r)
{
    if (!b->nexcluded)
        return;
    aq_buf w = {0};
    size_t k = 0;
    for (size_t i = 0; i < r->n && k < 10; i++)
        if (b->excluded[i])
            aq__buf_printf(&w, "%s%s", k++ ? ", " : "", r->ids[i]);
    aq__warn(ctx, "%zu units excluded for missing more than a share %g of the indicators "
             "(missing max_share in %s): %s%s", b->nexcluded, m->max_missing, m->path,
             w.data ? w.data : "", b->nexcluded > k ? ", ..." : "");
    aq__buf_free(&w);
}

int aq_index_compute(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq_index **out)
{
    if (m->kind != AQ_METHOD_POTENTIAL)
        return aq__err(ctx, AQ_EUSAGE, "%s is a '%s' methodology; use 'aimaq depressed' for it",
                       m->path, aq_method_kind(m));
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc)
        return rc;
    aq_index *r = NULL;
    rc = alloc_result(ctx, m, b.n, &r);
    char buf[256];
    for (size_t i = 0; !rc && i < b.n; i++) {
        r->ids[i] = aq__strdup(aq_table_cell(t, (size_t)b.id_col, i, buf, sizeof buf));
        r->pop[i] = b.pop_col >= 0 ? aq_table_numbers(t, (size_t)b.pop_col)[i] : NAN;
        if (!r->ids[i])
            rc = aq__oom(ctx);
    }
    if (!rc) {
        aq__choice c;
        aq__choice_nominal(m, &c);
        rc = aq__index_run(ctx, m, &b, &c, r->norm, r->pillar, r->score);
    }
    if (!rc)
        rc = finish(ctx, m, &b, r);
    if (!rc) {
        warn_excluded(ctx, m, &b, r);
        warn_duplicates(ctx, m, r);
    }
    aq__bound_clear(&b);
    if (rc) {
        aq_index_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

size_t aq_index_nunits(const aq_index *r) { return r->n; }
const double *aq_index_scores(const aq_index *r) { return r->score; }
const double *aq_index_pillar(const aq_index *r, size_t p) { return p < r->npil ? r->pillar[p] : NULL; }
const double *aq_index_normalised(const aq_index *r, size_t j) { return j < r->nind ? r->norm[j] : NULL; }
const unsigned *aq_index_ranks(const aq_index *r) { return r->rank; }

const char *aq_index_class(const aq_index *r, size_t row)
{
    if (row >= r->n)
        return NULL;
    long c = r->cls[row];
    return c == -2 ? "excluded" : c < 0 ? "" : r->rule_names[c];
}

const char *aq_index_reason(const aq_index *r, size_t row)
{
    return row < r->n ? r->reason[row] : NULL;
}

int aq_index_units_table(aq_ctx *ctx, const aq_index *r, aq_table **out)
{
    aq_table *t = NULL;
    size_t cid, cs, crk, ccl, crs, cp0 = 0;
    int rc = aq_table_new(ctx, r->n, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "id", AQ_COL_TEXT, &cid);
    if (!rc) rc = aq_table_add_column(ctx, t, "score", AQ_COL_NUMBER, &cs);
    if (!rc) rc = aq_table_add_column(ctx, t, "rank", AQ_COL_NUMBER, &crk);
    if (!rc) rc = aq_table_add_column(ctx, t, "class", AQ_COL_TEXT, &ccl);
    for (size_t p = 0; !rc && p < r->npil; p++)
        rc = aq_table_add_column(ctx, t, r->pillar_codes[p], AQ_COL_NUMBER, p ? NULL : &cp0);
    if (!rc) rc = aq_table_add_column(ctx, t, "reason", AQ_COL_TEXT, &crs);
    for (size_t i = 0; !rc && i < r->n; i++) {
        rc = aq_table_set_text(ctx, t, cid, i, r->ids[i]);
        if (!rc) rc = aq_table_set_number(ctx, t, cs, i, r->score[i]);
        if (!rc) rc = aq_table_set_number(ctx, t, crk, i, r->rank[i] ? (double)r->rank[i] : NAN);
        if (!rc) rc = aq_table_set_text(ctx, t, ccl, i, aq_index_class(r, i));
        for (size_t p = 0; !rc && p < r->npil; p++)
            rc = aq_table_set_number(ctx, t, cp0 + p, i, r->pillar[p][i]);
        if (!rc) rc = aq_table_set_text(ctx, t, crs, i, r->reason[i]);
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq_index_classes_table(aq_ctx *ctx, const aq_index *r, aq_table **out)
{
    /* rows: each rule in order, then "" (no match) and "excluded" if any */
    size_t nrow = r->nrules + 2;
    size_t *cnt = aq__xcalloc(ctx, nrow, sizeof *cnt);
    double *pop = aq__xcalloc(ctx, nrow, sizeof *pop);
    int rc = cnt && pop ? AQ_OK : AQ_ENOMEM;
    double total = 0;
    int has_pop = 0;
    for (size_t i = 0; !rc && i < r->n; i++) {
        size_t k = r->cls[i] >= 0 ? (size_t)r->cls[i] : r->cls[i] == -1 ? r->nrules : r->nrules + 1;
        cnt[k]++;
        if (!isnan(r->pop[i])) {
            has_pop = 1;
            pop[k] += r->pop[i];
            if (r->cls[i] != -2)
                total += r->pop[i];
        }
    }
    aq_table *t = NULL;
    size_t used = 0;
    for (size_t k = 0; k < nrow; k++)
        used += k < r->nrules || cnt[k];
    size_t cc, cn, cpp, csh;
    if (!rc) rc = aq_table_new(ctx, used, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "class", AQ_COL_TEXT, &cc);
    if (!rc) rc = aq_table_add_column(ctx, t, "count", AQ_COL_NUMBER, &cn);
    if (!rc) rc = aq_table_add_column(ctx, t, "population", AQ_COL_NUMBER, &cpp);
    if (!rc) rc = aq_table_add_column(ctx, t, "population_share", AQ_COL_NUMBER, &csh);
    size_t row = 0;
    for (size_t k = 0; !rc && k < nrow; k++) {
        if (k >= r->nrules && !cnt[k])
            continue;
        const char *name = k < r->nrules ? r->rule_names[k] : k == r->nrules ? "" : "excluded";
        rc = aq_table_set_text(ctx, t, cc, row, name);
        if (!rc) rc = aq_table_set_number(ctx, t, cn, row, (double)cnt[k]);
        if (!rc && has_pop) rc = aq_table_set_number(ctx, t, cpp, row, pop[k]);
        if (!rc && has_pop && k != r->nrules + 1 && total > 0)
            rc = aq_table_set_number(ctx, t, csh, row, pop[k] / total);
        row++;
    }
    aq__free(cnt);
    aq__free(pop);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
