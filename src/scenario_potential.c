/*
 * scenario_potential.c -- a plan's potential classes recomputed with a
 * methodology before and after its changes, so that a relocation shows what
 * it does to the classes themselves (a village emptied becomes
 * "uninhabited"; a receiver that grows may rise a class), not only to the
 * classes the settlements had before.
 *
 * The methodology reads its columns from the plan's settlement table; its
 * population column and the plan's indicator (if the methodology reads it)
 * are replaced, at each measurement, by the plan's current values (after
 * relocations and growth). Other indicators are as the table gives them (a
 * plan does not recompute, say, land or businesses).
 */
#include "network_int.h"
#include "aimaq_index.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct aq__scen_potential {
    aq_method *m;
    aq_table *t;      /* the methodology's columns, copied from the settlements */
    long popcol;      /* in t, or -1 when the methodology has no population   */
    char **names;     /* the class rows reported, fixed at the first measure  */
    size_t nnames;
};

void aq__scen_potential_free(aq__scen_potential *sp)
{
    if (!sp)
        return;
    aq_method_free(sp->m);
    aq_table_free(sp->t);
    for (size_t k = 0; k < sp->nnames; k++)
        aq__free(sp->names[k]);
    aq__free(sp->names);
    aq__free(sp);
}

/* Copies column NAME of FROM into TO (same rows). Absent: nothing (the
 * methodology's restriction names it). */
static int copy_column(aq_ctx *ctx, const aq_table *from, aq_table *to, const char *name)
{
    long j = aq_table_find(from, name);
    if (j < 0 || aq_table_find(to, name) >= 0)
        return AQ_OK;
    int type = aq_table_coltype(from, (size_t)j);
    size_t c;
    int rc = aq_table_add_column(ctx, to, name, type, &c);
    size_t n = aq_table_nrows(from);
    for (size_t i = 0; rc == AQ_OK && i < n; i++)
        rc = type == AQ_COL_NUMBER ? aq_table_set_number(ctx, to, c, i, aq_table_numbers(from, (size_t)j)[i])
                                   : aq_table_set_text(ctx, to, c, i, aq_table_text(from, (size_t)j, i));
    return rc;
}

int aq__scen_potential_open(aq_ctx *ctx, const char *path, const aq_table *st, int allow_missing,
                            aq__scen_potential **out)
{
    aq__scen_potential *sp = aq__xcalloc(ctx, 1, sizeof *sp);
    if (!sp)
        return AQ_ENOMEM;
    char cols[4096];
    int rc = aq_method_load(ctx, path, &sp->m);
    if (rc == AQ_OK && strcmp(aq_method_kind(sp->m), "potential") != 0)
        rc = aq__err(ctx, AQ_EINPUT, "%s: a plan's potential: needs a potential methodology, not a %s one", path,
                     aq_method_kind(sp->m));
    if (rc == AQ_OK && aq_method_data_columns(sp->m, cols, sizeof cols) >= sizeof cols)
        rc = aq__err(ctx, AQ_EINPUT, "%s: the methodology reads too many columns", path);
    if (rc == AQ_OK)
        rc = aq_table_new(ctx, aq_table_nrows(st), &sp->t);
    if (rc == AQ_OK)
        rc = copy_column(ctx, st, sp->t, aq_method_id_column(sp->m));
    char *save = NULL;
    for (char *c = rc ? NULL : strtok_r(cols, ",", &save); c && rc == AQ_OK; c = strtok_r(NULL, ",", &save))
        rc = copy_column(ctx, st, sp->t, c);
    /* The methodology's population is the plan's (its column may be named
     * otherwise in the settlement table): made here when absent, and set to
     * the plan's current populations at each measure. */
    const char *pop = aq_method_population_column(sp->m);
    if (rc == AQ_OK && pop && aq_table_find(sp->t, pop) < 0)
        rc = aq_table_add_column(ctx, sp->t, pop, AQ_COL_NUMBER, NULL);
    sp->popcol = pop ? aq_table_find(sp->t, pop) : -1;
    if (rc == AQ_OK && pop && (sp->popcol < 0 || aq_table_coltype(sp->t, (size_t)sp->popcol) != AQ_COL_NUMBER))
        rc = aq__err(ctx, AQ_EINPUT, "%s: the methodology's population column '%s' is not a number column of the "
                     "plan's settlements", path, pop);
    if (rc == AQ_OK)
        rc = aq_method_restrict(ctx, sp->m, sp->t, allow_missing);
    if (rc) {
        aq__err_prefix(ctx, "plan potential");
        aq__scen_potential_free(sp);
        return rc;
    }
    *out = sp;
    return AQ_OK;
}

/* Remembers the class rows of the first measurement, and "excluded", so
 * that before and after report the same rows. */
static int fix_names(aq_ctx *ctx, aq__scen_potential *sp, const aq_table *classes)
{
    size_t n = aq_table_nrows(classes);
    sp->names = aq__xcalloc(ctx, n + 1, sizeof *sp->names);
    if (!sp->names)
        return AQ_ENOMEM;
    bool excluded = false;
    for (size_t i = 0; i < n; i++) {
        const char *c = aq_table_text(classes, 0, i);
        c = c && *c ? c : "unmatched";
        excluded |= !strcmp(c, "excluded");
        if (!(sp->names[sp->nnames++] = aq__strdup(c)))
            return aq__oom(ctx);
    }
    if (!excluded && !(sp->names[sp->nnames++] = aq__strdup("excluded")))
        return aq__oom(ctx);
    return AQ_OK;
}

/* Sets number column NAME of T (if the methodology reads it) to V. */
static int set_column(aq_ctx *ctx, aq_table *t, const char *name, const double *v)
{
    long j = name && v ? aq_table_find(t, name) : -1;
    int rc = AQ_OK;
    if (j < 0 || aq_table_coltype(t, (size_t)j) != AQ_COL_NUMBER)
        return AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++)
        rc = aq_table_set_number(ctx, t, (size_t)j, i, v[i]);
    return rc;
}

int aq__scen_potential_measure(aq_ctx *ctx, aq__scen_potential *sp, const double *pop, const char *indname,
                               const double *ind, int (*put)(void *user, const char *name, double v), void *user)
{
    int rc = set_column(ctx, sp->t, indname, ind);
    if (rc == AQ_OK && sp->popcol >= 0)
        rc = set_column(ctx, sp->t, aq_table_colname(sp->t, (size_t)sp->popcol), pop);
    aq_index *ix = NULL;
    aq_table *classes = NULL;
    if (rc == AQ_OK)
        rc = aq_index_compute(ctx, sp->m, sp->t, &ix);
    if (rc == AQ_OK)
        rc = aq_index_classes_table(ctx, ix, &classes);
    if (rc == AQ_OK && !sp->names)
        rc = fix_names(ctx, sp, classes);
    for (size_t k = 0; rc == AQ_OK && k < sp->nnames; k++) {
        double cnt = 0, people = 0;
        for (size_t i = 0; i < aq_table_nrows(classes); i++) {
            const char *c = aq_table_text(classes, 0, i);
            if (strcmp(c && *c ? c : "unmatched", sp->names[k]) != 0)
                continue;
            cnt = aq_table_numbers(classes, 1)[i];
            people = aq_table_numbers(classes, 2)[i];
        }
        char name[256];
        snprintf(name, sizeof name, "potential (recomputed) %s: settlements", sp->names[k]);
        rc = put(user, name, cnt);
        snprintf(name, sizeof name, "potential (recomputed) %s: population", sp->names[k]);
        if (rc == AQ_OK)
            rc = put(user, name, isnan(people) ? 0 : people);
    }
    aq_table_free(classes);
    aq_index_free(ix);
    return rc;
}
