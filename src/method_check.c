/*
 * method_check.c -- checks a methodology against a table without computing
 * it: every column it names exists with the right type, and every
 * condition binds. `aimaq method check FILE --data DATA` uses it so a
 * planner learns about a misspelt column before a long run.
 */
#include "index_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int aq_method_check_table(aq_ctx *ctx, const aq_method *m, const aq_table *t)
{
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc)
        return rc;
    /* Conditions bind against zero-filled stand-ins for the computed
     * variables; only names and types are checked here. */
    size_t n = b.n;
    double *zero = aq__xcalloc(ctx, n, sizeof *zero);
    double **cols = aq__xcalloc(ctx, m->nind + m->npil + 1, sizeof *cols);
    if (!zero || !cols)
        rc = AQ_ENOMEM;
    for (size_t k = 0; !rc && k < m->nind + m->npil; k++)
        cols[k] = zero;
    aq__scope scope = {m, &b, zero, zero, cols, cols};
    for (size_t q = 0; !rc && q < m->nrules; q++) {
        if (!m->rules[q].when)
            continue;
        aq__expr *e = NULL;
        rc = aq__expr_parse(ctx, aq__expr_text(m->rules[q].when), &e);
        if (!rc)
            rc = aq__expr_bind(ctx, e, aq__scope_resolve, &scope, n);
        if (rc)
            aq__err_prefix(ctx, "%s:%zu: class '%s'", m->path, m->rules[q].line,
                           m->rules[q].name);
        aq__expr_free(e);
    }
    for (size_t q = 0; !rc && q < m->ncrit; q++) {
        aq__expr *e = NULL;
        rc = aq__expr_parse(ctx, aq__expr_text(m->crit[q].when), &e);
        if (!rc)
            rc = aq__expr_bind(ctx, e, aq__scope_resolve, &scope, n);
        if (rc)
            aq__err_prefix(ctx, "%s:%zu: criterion '%s'", m->path, m->crit[q].line,
                           m->crit[q].code);
        aq__expr_free(e);
    }
    aq__free(zero);
    aq__free(cols);
    aq__bound_clear(&b);
    return rc;
}

/* Is NAME computed by the methodology rather than read from the data? */
static int computed(const aq_method *m, const char *name)
{
    static const char *const fixed[] = {"score", "rank", "class", "criteria_met", NULL};
    for (size_t i = 0; fixed[i]; i++)
        if (strcmp(fixed[i], name) == 0)
            return 1;
    if (strncmp(name, "pillar.", 7) == 0 || strncmp(name, "norm.", 5) == 0)
        return 1;
    for (size_t d = 0; d < m->nderive; d++)
        if (strcmp(m->derive[d].code, name) == 0)
            return 1;
    for (size_t c = 0; c < m->ncrit; c++)
        if (strcmp(m->crit[c].code, name) == 0)
            return 1;
    for (size_t p = 0; p < m->npil; p++)
        if (strcmp(m->pil[p].code, name) == 0)
            return 1;
    return strcmp(name, m->id_col) == 0;
}

typedef struct colist {
    char *buf;
    size_t size, len;
    const char *seen[512];
    size_t nseen;
} colist;

static void add_col(const aq_method *m, colist *l, const char *name)
{
    if (!name || computed(m, name))
        return;
    for (size_t i = 0; i < l->nseen; i++)
        if (strcmp(l->seen[i], name) == 0)
            return;
    if (l->nseen < 512)
        l->seen[l->nseen++] = name;
    size_t room = l->len < l->size ? l->size - l->len : 0;
    int k = snprintf(room ? l->buf + l->len : NULL, room, "%s%s", l->len ? "," : "", name);
    l->len += k > 0 ? (size_t)k : 0;
}

static void add_expr(const aq_method *m, colist *l, const aq__expr *e)
{
    for (size_t i = 0; e && i < aq__expr_nvars(e); i++)
        add_col(m, l, aq__expr_var(e, i));
}

size_t aq_method_data_columns(const aq_method *m, char *buf, size_t size)
{
    colist l = {buf, size, 0, {0}, 0};
    if (size)
        buf[0] = '\0';
    for (size_t j = 0; j < m->nind; j++)
        add_col(m, &l, m->ind[j].code);
    add_col(m, &l, m->pop_col);
    add_col(m, &l, m->group_col);
    for (size_t d = 0; d < m->nderive; d++)
        add_expr(m, &l, m->derive[d].expr);
    for (size_t q = 0; q < m->nrules; q++)
        add_expr(m, &l, m->rules[q].when);
    for (size_t c = 0; c < m->ncrit; c++)
        add_expr(m, &l, m->crit[c].when);
    add_expr(m, &l, m->flag_when);
    add_expr(m, &l, m->support_when);
    add_col(m, &l, m->support_x);
    add_col(m, &l, m->support_y);
    return l.len;
}
