/*
 * classify_depressed.c -- depressed territories: criteria (conditions over
 * indicators and their change over time) and the flag rule, with each
 * flag listing the criteria that triggered it and the values they tested.
 *
 * A criterion whose inputs are missing is "unknown": it neither counts
 * towards the flag nor is silently taken as false; the output lists it.
 */
#include "index_int.h"

#include <math.h>
#include <string.h>

typedef struct dscope {
    const aq_method *m;
    const aq__bound *b;
    double **crit;   /* ncrit arrays: 1 holds, 0 does not, NaN unknown */
    double *met;     /* number of criteria that hold */
} dscope;

static int dresolve(void *user, const char *name, aq__xvar *out)
{
    const dscope *s = user;
    if (s->crit) {
        for (size_t c = 0; c < s->m->ncrit; c++)
            if (strcmp(s->m->crit[c].code, name) == 0) {
                out->num = s->crit[c];
                return 1;
            }
        if (strcmp(name, "criteria_met") == 0) {
            out->num = s->met;
            return 1;
        }
    }
    aq__scope sc = {s->m, s->b, NULL, NULL, NULL, NULL};
    if (strcmp(name, "score") == 0 || strcmp(name, "rank") == 0 || !strncmp(name, "pillar.", 7) ||
        !strncmp(name, "norm.", 5))
        return 0;
    return aq__scope_resolve(&sc, name, out);
}

static int eval_all(aq_ctx *ctx, const char *text, dscope *s, size_t n, double *out,
                    aq__expr **keep)
{
    aq__expr *e = NULL;
    int rc = aq__expr_parse(ctx, text, &e);
    if (!rc)
        rc = aq__expr_bind(ctx, e, dresolve, s, n);
    for (size_t i = 0; !rc && i < n; i++) {
        double v = aq__expr_eval(e, i);
        out[i] = isnan(v) ? NAN : (v != 0);
    }
    if (rc || !keep)
        aq__expr_free(e);
    else
        *keep = e;
    return rc;
}

int aq_depressed_run(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq_table **out)
{
    if (m->kind != AQ_METHOD_DEPRESSED)
        return aq__err(ctx, AQ_EUSAGE, "%s is a '%s' methodology; use 'aimaq potential' for it",
                       m->path, aq_method_kind(m));
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc)
        return rc;
    size_t n = b.n, nc = m->ncrit;
    double **crit = aq__xcalloc(ctx, nc, sizeof *crit);
    aq__expr **ex = aq__xcalloc(ctx, nc, sizeof *ex);
    double *met = aq__xcalloc(ctx, n, sizeof *met);
    double *flag = aq__xcalloc(ctx, n, sizeof *flag);
    rc = crit && ex && met && flag ? AQ_OK : AQ_ENOMEM;
    dscope s = {m, &b, NULL, NULL};
    for (size_t c = 0; !rc && c < nc; c++) {
        crit[c] = aq__xmalloc(ctx, n * sizeof(double));
        rc = crit[c] ? eval_all(ctx, aq__expr_text(m->crit[c].when), &s, n, crit[c], &ex[c])
                     : AQ_ENOMEM;
        if (rc && rc != AQ_ENOMEM)
            aq__err_prefix(ctx, "%s:%zu: criterion '%s'", m->path, m->crit[c].line,
                           m->crit[c].code);
    }
    for (size_t i = 0; !rc && i < n; i++)
        for (size_t c = 0; c < nc; c++)
            met[i] += crit[c][i] == 1;
    if (!rc) {
        s.crit = crit;
        s.met = met;
        if (m->flag_when) {
            rc = eval_all(ctx, aq__expr_text(m->flag_when), &s, n, flag, NULL);
            if (rc && rc != AQ_ENOMEM)
                aq__err_prefix(ctx, "%s:%zu: flag", m->path, m->flag_line);
        } else
            for (size_t i = 0; i < n; i++)
                flag[i] = met[i] >= (double)m->flag_min;
    }
    aq_table *r = NULL;
    size_t cid, cf, cm, ccr, cun, crs;
    if (!rc) rc = aq_table_new(ctx, n, &r);
    if (!rc) rc = aq_table_add_column(ctx, r, "id", AQ_COL_TEXT, &cid);
    if (!rc) rc = aq_table_add_column(ctx, r, "flagged", AQ_COL_TEXT, &cf);
    if (!rc) rc = aq_table_add_column(ctx, r, "criteria_met", AQ_COL_NUMBER, &cm);
    if (!rc) rc = aq_table_add_column(ctx, r, "criteria", AQ_COL_TEXT, &ccr);
    if (!rc) rc = aq_table_add_column(ctx, r, "unknown", AQ_COL_TEXT, &cun);
    if (!rc) rc = aq_table_add_column(ctx, r, "reason", AQ_COL_TEXT, &crs);
    size_t nflag = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        char buf[256];
        aq_buf held = {0}, unk = {0}, why = {0};
        size_t nh = 0, nu = 0;
        for (size_t c = 0; c < nc; c++) {
            if (crit[c][i] == 1) {
                aq__buf_printf(&held, "%s%s (", nh++ ? "; " : "", m->crit[c].code);
                aq__expr_explain(ex[c], i, &held);
                aq__buf_puts(&held, ")");
            } else if (isnan(crit[c][i])) {
                aq__buf_printf(&unk, "%s%s (", nu++ ? "; " : "", m->crit[c].code);
                aq__expr_explain(ex[c], i, &unk);
                aq__buf_puts(&unk, ")");
            }
        }
        int f = flag[i] == 1;
        nflag += f;
        if (m->flag_when)
            aq__buf_printf(&why, "%s: flag rule %s (line %zu)", f ? "flagged" : "not flagged",
                           aq__expr_text(m->flag_when), m->flag_line);
        else
            aq__buf_printf(&why, "%s: %zu of %zu criteria hold (at least %ld required)",
                           f ? "flagged" : "not flagged", nh, nc, m->flag_min);
        if (nu)
            aq__buf_printf(&why, "; %zu unknown for missing data", nu);
        if (held.failed || unk.failed || why.failed)
            rc = aq__oom(ctx);
        if (!rc) rc = aq_table_set_text(ctx, r, cid, i, aq_table_cell(t, (size_t)b.id_col, i, buf, sizeof buf));
        if (!rc) rc = aq_table_set_text(ctx, r, cf, i, f ? "yes" : "no");
        if (!rc) rc = aq_table_set_number(ctx, r, cm, i, met[i]);
        if (!rc) rc = aq_table_set_text(ctx, r, ccr, i, held.data ? held.data : "");
        if (!rc) rc = aq_table_set_text(ctx, r, cun, i, unk.data ? unk.data : "");
        if (!rc) rc = aq_table_set_text(ctx, r, crs, i, why.data);
        aq__buf_free(&held);
        aq__buf_free(&unk);
        aq__buf_free(&why);
    }
    for (size_t c = 0; crit && c < nc; c++) {
        aq__free(crit[c]);
        aq__expr_free(ex ? ex[c] : NULL);
    }
    aq__free(crit);
    aq__free(ex);
    aq__free(met);
    aq__free(flag);
    aq__bound_clear(&b);
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}
