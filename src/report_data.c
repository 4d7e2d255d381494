/*
 * report_data.c -- what the report shows, gathered from the store: the
 * indicator's names, the units of the level with their boundaries, each
 * unit's latest value and population, the disparity measures of every
 * period, and the latest period's Lorenz curve, map classes and ranks.
 * No HTML here: report.c and report_maps.c write it.
 */
#include "report_int.h"

#include "aimaq_index.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ColorBrewer YlGnBu sequential schemes for 2..7 classes (Brewer, Harrower
 * et al., colorbrewer2.org): light for low values, print-safe. */
static const char *const palette[6][7] = {
    {"#a1dab4", "#225ea8"},
    {"#edf8b1", "#7fcdbb", "#2c7fb8"},
    {"#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"},
    {"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"},
    {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"},
    {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"}};

const char *aq__report_class_fill(const aq__rep *R, int cls)
{
    if (cls < 0 || R->nclasses < 2 || R->nclasses > 7)
        return "#dddddd";
    return palette[R->nclasses - 2][cls];
}

const char *aq__report_cell(const aq_table *t, const char *col, size_t row)
{
    long j = aq_table_find(t, col);
    return j >= 0 ? aq_table_text(t, (size_t)j, row) : NULL;
}

/* The name of ROW of T in the report's language, else another, else CODE. */
static const char *pick_name(const aq_table *t, size_t row, const char *lang, const char *code)
{
    const char *order[3] = {"name_kk", "name_ru", "name_en"};
    if (strcmp(lang, "ru") == 0)
        order[0] = "name_ru", order[1] = "name_kk";
    else if (strcmp(lang, "en") == 0)
        order[0] = "name_en", order[1] = "name_ru", order[2] = "name_kk";
    for (int k = 0; k < 3; k++) {
        const char *s = aq__report_cell(t, order[k], row);
        if (s && *s)
            return s;
    }
    return code;
}

static int cmp_unit_code(const void *a, const void *b)
{
    return strcmp(((const aq__runit *)a)->code, ((const aq__runit *)b)->code);
}

static aq__runit *find_unit(const aq__rep *R, const char *code)
{
    aq__runit key = {.code = code};
    return code ? bsearch(&key, R->u, R->nu, sizeof *R->u, cmp_unit_code) : NULL;
}

/* The indicator's display name and measure; AQ_ENOTFOUND when absent.
 * Also notes whether the population indicator exists. */
static int load_indicators(aq__rep *R)
{
    int rc = aq_store_indicators(R->s, &R->indicators);
    if (rc)
        return rc;
    const aq_table *t = R->indicators;
    int found = 0;
    for (size_t i = 0; i < aq_table_nrows(t); i++) {
        const char *code = aq__report_cell(t, "code", i);
        if (!code)
            continue;
        if (strcmp(code, R->o->value) == 0) {
            found = 1;
            R->value_name = pick_name(t, i, R->lang, code);
            R->value_measure = aq__report_cell(t, "unit", i);
        }
        if (R->o->population && strcmp(code, R->o->population) == 0)
            R->has_pop = 1;
    }
    if (!found)
        return aq__err(R->ctx, AQ_ENOTFOUND, "report: the store has no indicator '%s' (see 'aimaq export --what indicators')",
                       R->o->value);
    return AQ_OK;
}

/* The units of the level, sorted by code for lookups. Abolished units
 * (valid_to set) stay: they belong to the series of their years, and the
 * latest period, which they have no value in, leaves them out of the rest. */
static int load_units(aq__rep *R)
{
    int rc = aq_store_units(R->s, R->o->level, &R->units);
    if (rc)
        return rc;
    size_t n = aq_table_nrows(R->units);
    R->u = aq__xcalloc(R->ctx, n ? n : 1, sizeof *R->u);
    if (!R->u)
        return AQ_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *code = aq__report_cell(R->units, "code", i), *to = aq__report_cell(R->units, "valid_to", i);
        if (!code)
            continue;
        aq__runit *u = &R->u[R->nu++];
        u->abolished = to && *to;
        u->code = code;
        u->name = pick_name(R->units, i, R->lang, code);
        u->wkb = aq_table_geometry(R->units, i, &u->wkblen);
        u->value = u->pop = NAN;
        u->cls = -1;
        u->first = NAN;
    }
    if (!R->nu)
        return aq__err(R->ctx, AQ_ENOTFOUND, "report: the store has no units of level '%s'", R->o->level);
    qsort(R->u, R->nu, sizeof *R->u, cmp_unit_code);
    return AQ_OK;
}

const aq__rperiod *aq__report_period(const aq__rep *R, const char *per)
{
    for (size_t k = 0; k < R->nper; k++)
        if (strcmp(R->per[k].period, per) == 0)
            return &R->per[k];
    return NULL;
}

static int cmp_period(const void *a, const void *b)
{
    return strcmp(((const aq__rperiod *)a)->period, ((const aq__rperiod *)b)->period);
}

/* The observations: each unit's value in the latest period that has any,
 * its latest population, and the list of periods with values. */
static int load_values(aq__rep *R)
{
    const char *ind[3] = {R->o->value, R->has_pop ? R->o->population : NULL, NULL};
    aq_selection sel = {.indicators = ind, .level = R->o->level};
    int rc = aq_store_select(R->s, &sel, &R->obs);
    if (rc)
        return rc;
    const aq_table *t = R->obs;
    long vj = aq_table_find(t, R->o->value), pj = R->has_pop ? aq_table_find(t, R->o->population) : -1;
    long cj = aq_table_find(t, "code"), tj = aq_table_find(t, "period");
    const double *v = vj >= 0 ? aq_table_numbers(t, (size_t)vj) : NULL;
    const double *p = pj >= 0 ? aq_table_numbers(t, (size_t)pj) : NULL;
    if (!v || cj < 0 || tj < 0)
        return aq__err(R->ctx, AQ_EINTERNAL, "report: the selection lacks the columns code, period or '%s'", R->o->value);
    size_t n = aq_table_nrows(t), cap = 0;
    char (*ppop)[16] = aq__xcalloc(R->ctx, R->nu, sizeof *ppop); /* period of each unit's population */
    if (!ppop)
        return AQ_ENOMEM;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        aq__runit *u = find_unit(R, aq_table_text(t, (size_t)cj, i));
        const char *per = aq_table_cell(t, (size_t)tj, i, buf, sizeof buf);
        if (!u || !*per || strlen(per) >= 16)
            continue;
        if (p && isfinite(p[i]) && strcmp(per, ppop[u - R->u]) >= 0) {
            u->pop = p[i];
            memcpy(ppop[u - R->u], per, strlen(per) + 1);
            if (strcmp(per, R->pop_period) > 0)
                memcpy(R->pop_period, per, strlen(per) + 1);
        }
        if (!isfinite(v[i]))
            continue;
        if (strcmp(per, R->latest) > 0)
            memcpy(R->latest, per, strlen(per) + 1);
        size_t k = 0;
        while (k < R->nper && strcmp(R->per[k].period, per) != 0)
            k++;
        if (k == R->nper) {
            if (aq__grow(R->ctx, (void **)&R->per, &cap, R->nper + 1, sizeof *R->per)) {
                aq__free(ppop);
                return AQ_ENOMEM;
            }
            memset(&R->per[k], 0, sizeof R->per[k]);
            memcpy(R->per[k].period, per, strlen(per) + 1);
            R->nper++;
        }
    }
    aq__free(ppop);
    if (!R->nper)
        return aq__err(R->ctx, AQ_EINPUT, "report: no unit of level '%s' has a value of '%s'", R->o->level, R->o->value);
    qsort(R->per, R->nper, sizeof *R->per, cmp_period);
    for (size_t i = 0; i < n; i++) {
        aq__runit *u = find_unit(R, aq_table_text(t, (size_t)cj, i));
        if (!u || !isfinite(v[i]))
            continue;
        const char *per = aq_table_cell(t, (size_t)tj, i, buf, sizeof buf);
        if (strcmp(per, R->latest) == 0)
            u->value = v[i];
        if (strlen(per) < sizeof u->first_period && (!*u->first_period || strcmp(per, u->first_period) < 0)) {
            memcpy(u->first_period, per, strlen(per) + 1);
            u->first = v[i];
        }
    }
    return AQ_OK;
}

/* Ratio, Gini and Theil of every period (unweighted: the population is
 * known for one period only, and weighting other years by it would mix
 * periods). Periods with fewer than two positive values stay NaN. */
static int series(aq__rep *R)
{
    const aq_table *t = R->obs;
    long vj = aq_table_find(t, R->o->value), cj = aq_table_find(t, "code"), tj = aq_table_find(t, "period");
    const double *v = aq_table_numbers(t, (size_t)vj);
    size_t n = aq_table_nrows(t);
    double *x = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *x);
    if (!x)
        return AQ_ENOMEM;
    aq_ineq_opts io;
    aq_ineq_opts_init(&io);
    io.threads = 1;
    char buf[64];
    for (size_t k = 0; k < R->nper; k++) {
        aq__rperiod *P = &R->per[k];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(v[i]) && v[i] > 0 && find_unit(R, aq_table_text(t, (size_t)cj, i)) &&
                strcmp(aq_table_cell(t, (size_t)tj, i, buf, sizeof buf), P->period) == 0)
                x[m++] = v[i];
        P->n = m;
        P->ratio = P->gini = P->theil = P->mean = NAN;
        aq_ineq_result *r = NULL;
        if (m >= 2 && aq_ineq_compute(R->ctx, x, NULL, m, NULL, 0, &io, &r) == AQ_OK) {
            P->ratio = r->ratio_max_min;
            P->gini = r->gini;
            P->theil = r->theil_t;
            P->mean = r->mean;
        }
        aq_ineq_result_free(r);
        aq_clear_error(R->ctx);
    }
    aq__free(x);
    return AQ_OK;
}

static int cmp_ranked_desc(const void *a, const void *b)
{
    const aq__ranked *x = a, *y = b;
    return x->v < y->v ? 1 : x->v > y->v ? -1 : (x->i > y->i) - (x->i < y->i);
}

/* Units with a finite KEY (value or population), largest first. */
aq__ranked *aq__report_rank(aq__rep *R, int by_pop, size_t *n)
{
    aq__ranked *r = aq__xmalloc(R->ctx, R->nu * sizeof *r);
    *n = 0;
    for (size_t i = 0; r && i < R->nu; i++) {
        double v = by_pop ? R->u[i].pop : R->u[i].value;
        if (isfinite(v) && !(by_pop && R->u[i].abolished))
            r[(*n)++] = (aq__ranked){v, i};
    }
    if (r)
        qsort(r, *n, sizeof *r, cmp_ranked_desc);
    return r;
}

/* The latest period's measures (population-weighted when every unit with
 * a value has a population) and the map classes. */
static int latest(aq__rep *R)
{
    double *x = aq__xmalloc(R->ctx, R->nu * sizeof *x), *w = aq__xmalloc(R->ctx, R->nu * sizeof *w);
    int rc = (x && w) ? AQ_OK : AQ_ENOMEM;
    size_t m = 0;
    int weighted = R->has_pop;
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        if (!isfinite(R->u[i].value))
            continue;
        x[m] = R->u[i].value;
        w[m++] = R->u[i].pop;
        if (weighted && !(isfinite(R->u[i].pop) && R->u[i].pop >= 0)) {
            weighted = 0;
            R->pop_missing = R->u[i].name;
            aq__warn(R->ctx, "report: unit %s has a value of '%s' in %s but no population; the Lorenz curve is unweighted",
                     R->u[i].code, R->o->value, R->latest);
        }
    }
    if (rc == AQ_OK) {
        aq_ineq_opts io;
        aq_ineq_opts_init(&io);
        io.lorenz_max = 0;
        io.threads = 1;
        rc = aq_ineq_compute(R->ctx, x, weighted ? w : NULL, m, NULL, 0, &io, &R->ineq);
        if (rc)
            aq__err_prefix(R->ctx, "report: disparities of '%s' in %s", R->o->value, R->latest);
    }
    if (rc == AQ_OK)
        rc = aq_breaks(R->ctx, x, m, AQ_BREAKS_FISHER_JENKS, R->o->classes, &R->breaks, &R->counts,
                       &R->nclasses);
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        if (!isfinite(R->u[i].value))
            continue;
        size_t k = 0;
        while (k + 1 < R->nclasses && R->u[i].value > R->breaks[k])
            k++;
        R->u[i].cls = (int)k;
    }
    size_t nr = 0;
    aq__ranked *r = rc == AQ_OK ? aq__report_rank(R, 0, &nr) : NULL;
    if (rc == AQ_OK && !r)
        rc = AQ_ENOMEM;
    for (size_t k = 0; k < nr; k++) {
        aq__runit *u = &R->u[r[k].i];
        u->rank = k + 1;
        snprintf(u->label, sizeof u->label, "%zu", k + 1);
    }
    aq__free(r);
    aq__free(x);
    aq__free(w);
    return rc;
}

int aq__report_load(aq__rep *R)
{
    int rc;
    if ((rc = load_indicators(R)) || (rc = load_units(R)) || (rc = load_values(R)) || (rc = series(R)))
        return rc;
    return latest(R);
}
