/*
 * method_check.c -- checks a methodology against a table without computing
 * it: every column it names exists with the right type, and every
 * condition binds. `aimaq method check FILE --data DATA` uses it so a
 * planner learns about a misspelt column before a long run.
 */
#include "index_int.h"

#include <math.h>
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
