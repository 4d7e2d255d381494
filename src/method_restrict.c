/*
 * method_restrict.c -- a methodology meets data that lacks some of its
 * indicators: say which, and (when the caller allows it) compute on the
 * rest with the weights renormalised, instead of stopping or, worse,
 * silently scoring on fewer indicators.
 *
 * Leaving an indicator out renormalises the weights of its pillar over the
 * indicators left (weights are normalised within each pillar anyway); a
 * pillar left without indicators is dropped and the pillar weights are
 * renormalised over the pillars left, which hands its weight to the others
 * in proportion to theirs. The declared and the effective weight of every
 * indicator and pillar are kept (m->wrep) so every result can show both.
 */
#include "index_int.h"

#include <math.h>
#include <string.h>

static const char ST_USED[] = "used";
static const char ST_NOCOL[] = "missing: not a column of the data";
static const char ST_EMPTY[] = "missing: no value in any unit";
static const char ST_NOIND[] = "dropped: no indicator left";

static int is_derived(const aq_method *m, const char *code)
{
    for (size_t d = 0; d < m->nderive; d++)
        if (strcmp(m->derive[d].code, code) == 0)
            return 1;
    return 0;
}

/* Why indicator J is unavailable in T, or NULL when it is there. A column
 * of text is "there": binding reports its type with the offending row. */
static const char *unavailable(const aq_method *m, const aq_table *t, size_t j)
{
    const char *code = m->ind[j].code;
    if (is_derived(m, code))
        return NULL;
    long c = aq_table_find(t, code);
    if (c < 0)
        return ST_NOCOL;
    const double *v = aq_table_numbers(t, (size_t)c);
    if (!v) {
        for (size_t i = 0; i < aq_table_nrows(t); i++)
            if (aq_table_text(t, (size_t)c, i))
                return NULL;
        return ST_EMPTY;
    }
    for (size_t i = 0; i < aq_table_nrows(t); i++)
        if (!isnan(v[i]))
            return NULL;
    return ST_EMPTY;
}

/* Effective weight of each indicator under the declared choices. */
static int declared_weights(aq_ctx *ctx, const aq_method *m, double **out)
{
    double *eff = aq__xmalloc(ctx, (m->nind + 1) * sizeof *eff);
    if (!eff)
        return AQ_ENOMEM;
    aq__choice c;
    aq__choice_nominal(m, &c);
    aq__effective_weights(m, &c, eff);
    *out = eff;
    return AQ_OK;
}

/* A class rule naming norm.<code> or pillar.<code> of something left out
 * cannot be evaluated: say so with the rule's line. */
static int check_rules(aq_ctx *ctx, const aq_method *m, const char *const *why,
                       const unsigned char *pil_gone)
{
    for (size_t r = 0; r < m->nrules; r++) {
        const aq__expr *e = m->rules[r].when;
        for (size_t v = 0; e && v < aq__expr_nvars(e); v++) {
            const char *name = aq__expr_var(e, v);
            for (size_t j = 0; j < m->nind; j++)
                if (why[j] && strncmp(name, "norm.", 5) == 0 && strcmp(name + 5, m->ind[j].code) == 0)
                    return aq__err(ctx, AQ_ENOTFOUND, "%s:%zu: class rule '%s' uses '%s', but "
                                   "indicator '%s' (line %zu) is %s", m->path, m->rules[r].line,
                                   m->rules[r].name, name, m->ind[j].code, m->ind[j].line, why[j]);
            for (size_t p = 0; p < m->npil; p++)
                if (pil_gone[p] && strncmp(name, "pillar.", 7) == 0 &&
                    strcmp(name + 7, m->pil[p].code) == 0)
                    return aq__err(ctx, AQ_ENOTFOUND, "%s:%zu: class rule '%s' uses '%s', but "
                                   "pillar '%s' has no indicator in the data", m->path,
                                   m->rules[r].line, m->rules[r].name, name, m->pil[p].code);
        }
    }
    return AQ_OK;
}

static void free_indicator(aq__mind *ind)
{
    aq__free(ind->code);
    aq__free(ind->pillar);
    for (size_t k = 0; ind->bands && k < ind->nbands; k++)
        aq__free(ind->bands[k].category);
    aq__free(ind->bands);
}

/* Removes the indicators with why[j] set and the pillars with pil_gone[p],
 * renumbering pillar_idx. */
static void compact(aq_method *m, const char *const *why, const unsigned char *pil_gone)
{
    size_t newidx[256], np = 0;
    for (size_t p = 0; p < m->npil; p++) {
        newidx[p] = np;
        if (pil_gone[p]) {
            aq__free(m->pil[p].code);
            continue;
        }
        m->pil[np++] = m->pil[p];
    }
    m->npil = np;
    size_t nj = 0;
    for (size_t j = 0; j < m->nind; j++) {
        if (why[j]) {
            free_indicator(&m->ind[j]);
            continue;
        }
        m->ind[nj] = m->ind[j];
        if (np)
            m->ind[nj].pillar_idx = newidx[m->ind[nj].pillar_idx];
        nj++;
    }
    m->nind = nj;
}

/* One line per missing indicator, "file:line: indicator 'x' is ...", so
 * that an editor jumps to each declaration. */
static int missing_error(aq_ctx *ctx, const aq_method *m, const char *const *why, size_t nmiss)
{
    aq_buf b = {0};
    if (nmiss == m->nind)
        aq__buf_printf(&b, "none of the %zu indicators of %s is in the data:", m->nind, m->path);
    else
        aq__buf_printf(&b, "%zu of the %zu indicators of %s are not in the data. Add them, or "
                       "allow missing indicators (aimaq potential --allow-missing) to compute on "
                       "the %zu present: weights are then renormalised within each pillar and a "
                       "pillar left without indicators is dropped. Missing:",
                       nmiss, m->nind, m->path, m->nind - nmiss);
    for (size_t j = 0; j < m->nind; j++)
        if (why[j])
            aq__buf_printf(&b, "\n  %s:%zu: indicator '%s' %s", m->path, m->ind[j].line,
                           m->ind[j].code, why[j] == ST_EMPTY ? "has no value in any unit"
                                                              : "is not a column of the data");
    int rc = aq__err(ctx, AQ_ENOTFOUND, "%s", b.data ? b.data : "indicators missing");
    aq__buf_free(&b);
    return rc;
}

int aq__method_columns_present(aq_ctx *ctx, const aq_method *m, const aq_table *t)
{
    const char **why = aq__xcalloc(ctx, m->nind + 1, sizeof *why);
    if (!why)
        return AQ_ENOMEM;
    size_t nmiss = 0;
    for (size_t j = 0; j < m->nind; j++) {
        const char *w = unavailable(m, t, j);
        if (w == ST_NOCOL) /* an empty column is reported by the computation itself */
            why[j] = w, nmiss++;
    }
    int rc = nmiss ? missing_error(ctx, m, why, nmiss) : AQ_OK;
    aq__free(why);
    return rc;
}

int aq_method_restrict(aq_ctx *ctx, aq_method *m, const aq_table *t, int allow_missing)
{
    if (m->kind != AQ_METHOD_POTENTIAL || !m->nind)
        return AQ_OK;
    if (m->wrep)
        return aq__err(ctx, AQ_EUSAGE, "%s: the methodology was already restricted to a table; "
                       "load it again for another", m->path);
    if (aq_table_find(t, m->id_col) < 0) /* first: with no ids, nothing else matters */
        return aq__err(ctx, AQ_ENOTFOUND, "%s: id column '%s' is not in the data", m->path,
                       m->id_col);
    if (m->npil > 256)
        return aq__err(ctx, AQ_EUSAGE, "%s: more than 256 pillars", m->path);
    const char **why = aq__xcalloc(ctx, m->nind, sizeof *why);
    unsigned char pil_gone[256] = {0};
    double *before = NULL, *after = NULL;
    if (!why)
        return AQ_ENOMEM;
    size_t nmiss = 0;
    for (size_t j = 0; j < m->nind; j++)
        nmiss += (why[j] = unavailable(m, t, j)) != NULL;
    int rc = AQ_OK;
    if (nmiss && (!allow_missing || nmiss == m->nind))
        rc = missing_error(ctx, m, why, nmiss);
    for (size_t p = 0; !rc && p < m->npil; p++) {
        size_t left = 0;
        for (size_t j = 0; j < m->nind; j++)
            left += m->ind[j].pillar_idx == p && !why[j];
        pil_gone[p] = left == 0;
    }
    if (!rc) rc = check_rules(ctx, m, why, pil_gone);
    if (!rc) rc = declared_weights(ctx, m, &before);
    size_t nrep = m->nind + m->npil;
    aq__mweight *rep = rc ? NULL : aq__xcalloc(ctx, nrep, sizeof *rep);
    if (!rc && !rep)
        rc = AQ_ENOMEM;
    /* the report: every declared indicator, then every pillar */
    for (size_t j = 0; !rc && j < m->nind; j++) {
        aq__mweight *w = &rep[j];
        w->code = aq__strdup(m->ind[j].code);
        w->pillar = m->ind[j].pillar ? aq__strdup(m->ind[j].pillar) : NULL;
        w->line = m->ind[j].line;
        w->status = why[j] ? why[j] : ST_USED;
        w->declared = before[j];
        if (!w->code || (m->ind[j].pillar && !w->pillar))
            rc = aq__oom(ctx);
    }
    for (size_t p = 0; !rc && p < m->npil; p++) {
        aq__mweight *w = &rep[m->nind + p];
        w->is_pillar = 1;
        w->code = aq__strdup(m->pil[p].code);
        w->line = m->pil[p].line;
        w->status = pil_gone[p] ? ST_NOIND : ST_USED;
        for (size_t j = 0; j < m->nind; j++)
            if (m->ind[j].pillar_idx == p)
                w->declared += before[j];
        if (!w->code)
            rc = aq__oom(ctx);
    }
    size_t nind0 = m->nind, npil0 = m->npil;
    if (!rc) {
        compact(m, why, pil_gone);
        rc = declared_weights(ctx, m, &after); /* the weights of what is left */
    }
    if (!rc) {
        size_t k = 0;
        for (size_t j = 0; j < nind0; j++)
            if (rep[j].status == ST_USED)
                rep[j].effective = after[k++];
        for (size_t p = 0; p < npil0; p++) /* a pillar weighs what its indicators weigh */
            for (size_t j = 0; j < nind0; j++)
                if (rep[j].status == ST_USED && rep[j].pillar &&
                    strcmp(rep[j].pillar, rep[nind0 + p].code) == 0)
                    rep[nind0 + p].effective += rep[j].effective;
        m->wrep = rep;
        m->nwrep = nrep;
        m->nmissing = nmiss;
        m->nind_declared = nind0;
        m->ndropped_pil = 0;
        for (size_t p = 0; p < npil0; p++)
            m->ndropped_pil += pil_gone[p];
        rep = NULL;
    }
    if (!rc && nmiss) {
        aq_buf b = {0};
        size_t k = 0;
        for (size_t j = 0; j < nind0; j++)
            if (m->wrep[j].status != ST_USED)
                aq__buf_printf(&b, "%s%s", k++ ? ", " : "", m->wrep[j].code);
        if (m->ndropped_pil) {
            aq__buf_puts(&b, "; pillars left without indicators, dropped and their weight "
                             "shared among the others: ");
            k = 0;
            for (size_t p = 0; p < npil0; p++)
                if (m->wrep[nind0 + p].status == ST_NOIND)
                    aq__buf_printf(&b, "%s%s", k++ ? ", " : "", m->wrep[nind0 + p].code);
        }
        aq__warn(ctx, "%s: %zu of the %zu indicators are not in the data and were left out "
                 "(weights renormalised within each pillar); scores and classes use only the "
                 "%zu present. Missing: %s", m->path, nmiss, nind0, nind0 - nmiss,
                 b.data ? b.data : "");
        aq__buf_free(&b);
    }
    if (rep)
        for (size_t i = 0; i < nrep; i++) {
            aq__free(rep[i].code);
            aq__free(rep[i].pillar);
        }
    aq__free(rep);
    aq__free(before);
    aq__free(after);
    aq__free(why);
    return rc;
}

size_t aq_method_nmissing(const aq_method *m) { return m->nmissing; }
size_t aq_method_ndeclared(const aq_method *m) { return m->wrep ? m->nind_declared : m->nind; }

const char *aq_method_missing(const aq_method *m, size_t i)
{
    for (size_t k = 0; m->wrep && k < m->nwrep; k++)
        if (!m->wrep[k].is_pillar && m->wrep[k].status != ST_USED && i-- == 0)
            return m->wrep[k].code;
    return NULL;
}

size_t aq_method_ndropped_pillars(const aq_method *m) { return m->ndropped_pil; }

const char *aq_method_dropped_pillar(const aq_method *m, size_t i)
{
    for (size_t k = 0; m->wrep && k < m->nwrep; k++)
        if (m->wrep[k].is_pillar && m->wrep[k].status == ST_NOIND && i-- == 0)
            return m->wrep[k].code;
    return NULL;
}

void aq__method_wrep_free(aq_method *m)
{
    for (size_t k = 0; m->wrep && k < m->nwrep; k++) {
        aq__free(m->wrep[k].code);
        aq__free(m->wrep[k].pillar);
    }
    aq__free(m->wrep);
    m->wrep = NULL;
    m->nwrep = 0;
}

/* Weights are sums of quotients: 0.24999999999999997 is a quarter. */
static double round12(double x) { return round(x * 1e12) / 1e12; }

int aq_method_weights_table(aq_ctx *ctx, const aq_method *m, aq_table **out)
{
    if (!m->wrep)
        return aq__err(ctx, AQ_EUSAGE, "%s: the weights report needs aq_method_restrict first",
                       m->path);
    aq_table *t = NULL;
    size_t cl, cc, cp, cline, cs, cd, ce;
    int rc = aq_table_new(ctx, m->nwrep, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "level", AQ_COL_TEXT, &cl);
    if (!rc) rc = aq_table_add_column(ctx, t, "code", AQ_COL_TEXT, &cc);
    if (!rc) rc = aq_table_add_column(ctx, t, "pillar", AQ_COL_TEXT, &cp);
    if (!rc) rc = aq_table_add_column(ctx, t, "line", AQ_COL_NUMBER, &cline);
    if (!rc) rc = aq_table_add_column(ctx, t, "status", AQ_COL_TEXT, &cs);
    if (!rc) rc = aq_table_add_column(ctx, t, "declared_weight", AQ_COL_NUMBER, &cd);
    if (!rc) rc = aq_table_add_column(ctx, t, "effective_weight", AQ_COL_NUMBER, &ce);
    for (size_t i = 0; !rc && i < m->nwrep; i++) {
        const aq__mweight *w = &m->wrep[i];
        rc = aq_table_set_text(ctx, t, cl, i, w->is_pillar ? "pillar" : "indicator");
        if (!rc) rc = aq_table_set_text(ctx, t, cc, i, w->code);
        if (!rc && w->pillar) rc = aq_table_set_text(ctx, t, cp, i, w->pillar);
        if (!rc) rc = aq_table_set_number(ctx, t, cline, i, (double)w->line);
        if (!rc) rc = aq_table_set_text(ctx, t, cs, i, w->status);
        if (!rc) rc = aq_table_set_number(ctx, t, cd, i, round12(w->declared));
        if (!rc) rc = aq_table_set_number(ctx, t, ce, i, round12(w->effective));
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
