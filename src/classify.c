/*
 * classify.c -- ordered class rules: the first rule a unit satisfies gives
 * its class, and the rule says why.
 *
 * A rule combines, all of which must hold: a condition over columns
 * (`when:`), score thresholds (min_score inclusive, max_score exclusive),
 * score quantiles over the units, and a natural-breaks class of the
 * scores. Rules are prepared per computation (conditions parsed from the
 * methodology's text and bound to this run's arrays), so a methodology is
 * never modified and Monte Carlo runs do not share state.
 */
#include "index_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct aq__rules {
    const aq_method *m;
    const double *score;
    size_t n;
    aq__expr **when;
    double *min, *max;  /* effective score bounds per rule (NaN = none)  */
    double *jlo, *jhi;  /* natural-breaks bounds per rule (NaN = none)   */
    unsigned char *min_from_quantile, *max_from_quantile;
};

int aq__scope_resolve(void *user, const char *name, aq__xvar *out)
{
    const aq__scope *s = user;
    const aq_method *m = s->m;
    if (strcmp(name, "score") == 0) {
        out->num = s->score;
        return 1;
    }
    if (strcmp(name, "rank") == 0) {
        out->num = s->rank;
        return 1;
    }
    if (strncmp(name, "pillar.", 7) == 0) {
        for (size_t p = 0; p < m->npil; p++)
            if (strcmp(m->pil[p].code, name + 7) == 0) {
                out->num = s->pillar[p];
                return 1;
            }
        return 0;
    }
    if (strncmp(name, "norm.", 5) == 0) {
        for (size_t j = 0; j < m->nind; j++)
            if (strcmp(m->ind[j].code, name + 5) == 0) {
                out->num = s->norm[j];
                return 1;
            }
        return 0;
    }
    for (size_t d = 0; d < m->nderive; d++)
        if (strcmp(m->derive[d].code, name) == 0) {
            out->num = s->b->derived[d];
            return 1;
        }
    long c = aq_table_find(s->b->t, name);
    if (c >= 0) {
        if (aq_table_coltype(s->b->t, (size_t)c) == AQ_COL_NUMBER)
            out->num = aq_table_numbers(s->b->t, (size_t)c);
        else {
            out->table = s->b->t;
            out->col = (size_t)c;
        }
        return 1;
    }
    for (size_t p = 0; p < m->npil; p++) /* a bare pillar code, when no column has it */
        if (strcmp(m->pil[p].code, name) == 0) {
            out->num = s->pillar[p];
            return 1;
        }
    return 0;
}

void aq__rules_free(aq__rules *r)
{
    if (!r)
        return;
    for (size_t k = 0; r->when && k < r->m->nrules; k++)
        aq__expr_free(r->when[k]);
    aq__free(r->when);
    aq__free(r->min);
    aq__free(r->min_from_quantile);
    aq__free(r);
}

static double tighter(double a, double b, int lower)
{
    if (isnan(a))
        return b;
    if (isnan(b))
        return a;
    return lower ? (a > b ? a : b) : (a < b ? a : b);
}

int aq__rules_prepare(aq_ctx *ctx, const aq_method *m, const aq__scope *scope,
                      const aq__choice *c, aq__rules **out)
{
    size_t nr = m->nrules, n = scope->b->n;
    aq__rules *r = aq__xcalloc(ctx, 1, sizeof *r);
    if (!r)
        return AQ_ENOMEM;
    r->m = m;
    r->score = scope->score;
    r->n = n;
    r->when = aq__xcalloc(ctx, nr + 1, sizeof *r->when);
    r->min = aq__xmalloc(ctx, (4 * nr + 1) * sizeof *r->min);
    r->min_from_quantile = aq__xcalloc(ctx, 2 * nr + 1, 1);
    double *sorted = NULL;
    int rc = r->when && r->min && r->min_from_quantile ? AQ_OK : AQ_ENOMEM;
    if (rc) {
        aq__rules_free(r);
        return rc;
    }
    r->max = r->min + nr;
    r->jlo = r->max + nr;
    r->jhi = r->jlo + nr;
    r->max_from_quantile = r->min_from_quantile + nr;
    size_t k = 0;
    for (size_t q = 0; q < nr && !rc; q++) {
        const aq__mrule *ru = &m->rules[q];
        r->min[q] = c && c->min_score && !isnan(c->min_score[q]) ? c->min_score[q] : ru->min_score;
        r->max[q] = ru->max_score;
        r->jlo[q] = r->jhi[q] = NAN;
        if (ru->when) {
            rc = aq__expr_parse(ctx, aq__expr_text(ru->when), &r->when[q]);
            if (!rc)
                rc = aq__expr_bind(ctx, r->when[q], aq__scope_resolve, (void *)scope, n);
            if (rc)
                aq__err_prefix(ctx, "%s:%zu: class '%s'", m->path, ru->line, ru->name);
        }
        int needs_sorted = !isnan(ru->min_quantile) || !isnan(ru->max_quantile) || ru->jenks_k;
        if (rc || !needs_sorted)
            continue;
        if (!sorted) {
            sorted = aq__xmalloc(ctx, n * sizeof *sorted);
            if (!sorted) {
                rc = AQ_ENOMEM;
                break;
            }
            for (size_t i = 0; i < n; i++)
                if (!isnan(scope->score[i]))
                    sorted[k++] = scope->score[i];
            qsort(sorted, k, sizeof *sorted, aq__cmp_double);
        }
        if (!isnan(ru->min_quantile)) {
            double v = aq__quantile7(sorted, k, ru->min_quantile);
            r->min_from_quantile[q] = isnan(r->min[q]) || v > r->min[q];
            r->min[q] = tighter(r->min[q], v, 1);
        }
        if (!isnan(ru->max_quantile)) {
            double v = aq__quantile7(sorted, k, ru->max_quantile);
            r->max_from_quantile[q] = isnan(r->max[q]) || v < r->max[q];
            r->max[q] = tighter(r->max[q], v, 0);
        }
        if (ru->jenks_k) {
            double bounds[64];
            if (ru->jenks_k > 64 || (size_t)ru->jenks_k > k)
                rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: class '%s': %d natural-break classes "
                             "for %zu scored units", m->path, ru->line, ru->name, ru->jenks_k, k);
            else
                rc = aq__jenks_sorted(ctx, sorted, k, ru->jenks_k, bounds);
            if (!rc) {
                r->jlo[q] = ru->jenks_class > 1 ? bounds[ru->jenks_class - 2] : -INFINITY;
                r->jhi[q] = bounds[ru->jenks_class - 1];
            }
        }
    }
    aq__free(sorted);
    if (rc) {
        aq__rules_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

static int rule_holds(const aq__rules *r, size_t q, size_t row)
{
    double s = r->score[row];
    if (!isnan(r->min[q]) && !(s >= r->min[q]))
        return 0;
    if (!isnan(r->max[q]) && !(r->max_from_quantile[q] ? s <= r->max[q] : s < r->max[q]))
        return 0;
    if (!isnan(r->jhi[q]) && !(s > r->jlo[q] && s <= r->jhi[q]))
        return 0;
    return !r->when[q] || aq__expr_true(r->when[q], row);
}

long aq__rules_match(const aq__rules *r, size_t row)
{
    for (size_t q = 0; q < r->m->nrules; q++)
        if (rule_holds(r, q, row))
            return (long)q;
    return -1;
}

void aq__rules_explain(const aq__rules *r, size_t q, size_t row, aq_buf *b)
{
    const aq__mrule *ru = &r->m->rules[q];
    double s = r->score[row];
    int any = 0;
    aq__buf_printf(b, "rule '%s' (line %zu): ", ru->name, ru->line);
    if (r->when[q]) {
        aq__buf_printf(b, "%s (", aq__expr_text(r->when[q]));
        aq__expr_explain(r->when[q], row, b);
        aq__buf_puts(b, ")");
        any = 1;
    }
    if (!isnan(r->min[q])) {
        aq__buf_printf(b, "%sscore %.4g >= %.4g%s", any ? "; " : "", s, r->min[q],
                       r->min_from_quantile[q] ? " (quantile)" : "");
        any = 1;
    }
    if (!isnan(r->max[q])) {
        aq__buf_printf(b, "%sscore %.4g %s %.4g%s", any ? "; " : "", s,
                       r->max_from_quantile[q] ? "<=" : "<", r->max[q],
                       r->max_from_quantile[q] ? " (quantile)" : "");
        any = 1;
    }
    if (!isnan(r->jhi[q])) {
        aq__buf_printf(b, "%sscore %.4g in natural-breaks class %d of %d (%.4g, %.4g]",
                       any ? "; " : "", s, ru->jenks_class, ru->jenks_k, r->jlo[q], r->jhi[q]);
        any = 1;
    }
    if (!any)
        aq__buf_puts(b, q ? "no earlier rule matched" : "every unit");
}
