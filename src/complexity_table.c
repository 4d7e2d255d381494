/*
 * complexity_table.c -- aq_complexity: the measures of aimaq_complexity.h
 * on a table of values by unit, activity and period (long shape) or by
 * unit and period with a column per activity (wide shape, as the store
 * returns indicators), one computation per period.
 */
#include "aq_int.h"
#include "complexity_int.h"
#include "strmap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aq_complexity_opts_init(aq_complexity_opts *o)
{
    memset(o, 0, sizeof *o);
    aq_cx_opts_init(&o->cx);
}

static const char *src_of(const aq_table *t)
{
    return aq_table_source(t) ? aq_table_source(t) : "table";
}

static int find_col(aq_ctx *ctx, const aq_table *t, const char *name, const char *role, long *col)
{
    *col = aq_table_find(t, name);
    if (*col < 0) {
        aq_buf b = {0};
        for (size_t j = 0; j < aq_table_ncols(t); j++)
            aq__buf_printf(&b, "%s%s", j ? ", " : "", aq_table_colname(t, j));
        int rc = aq__err(ctx, AQ_ENOTFOUND, "%s: no %s column '%s' (the columns are %s)",
                         src_of(t), role, name, b.data ? b.data : "none");
        aq__buf_free(&b);
        return rc;
    }
    return AQ_OK;
}

/* A list of distinct keys in first-seen order. */
typedef struct keys {
    aq__strmap map;
    char **name;
    size_t n, cap;
} keys;

static int key_index(aq_ctx *ctx, keys *k, const char *s, size_t *out)
{
    int64_t v;
    if (aq__strmap_get(&k->map, s, &v)) {
        *out = (size_t)v;
        return AQ_OK;
    }
    if (aq__grow(ctx, (void **)&k->name, &k->cap, k->n + 1, sizeof *k->name))
        return AQ_ENOMEM;
    if (!(k->name[k->n] = aq__strdup(s)) || aq__strmap_put(&k->map, s, (int64_t)k->n)) {
        aq__free(k->name[k->n]);
        return aq__oom(ctx);
    }
    *out = k->n++;
    return AQ_OK;
}

static void keys_free(keys *k)
{
    for (size_t i = 0; i < k->n; i++)
        aq__free(k->name[i]);
    aq__free(k->name);
    aq__strmap_free(&k->map);
}

/* Periods sort as numbers when both are numbers, else as text. */
static int cmp_period(const char *x, const char *y)
{
    char *ex, *ey;
    double a = strtod(x, &ex), b = strtod(y, &ey);
    if (*x && *y && !*ex && !*ey && a != b)
        return a < b ? -1 : 1;
    return strcmp(x, y);
}

typedef struct cell {
    size_t period, unit, act, row;
    double value;
} cell;

static int add_col(aq_ctx *ctx, aq_table *t, const char *name, enum aq_coltype type, size_t *col)
{
    return aq_table_add_column(ctx, t, name, type, col);
}

int aq_complexity(aq_ctx *ctx, const aq_table *t, const aq_complexity_opts *o, aq_table **rows_out,
                  aq_table **units_out, aq_table **acts_out, aq_table **next_out)
{
    aq_complexity_opts def;
    if (!o) {
        aq_complexity_opts_init(&def);
        o = &def;
    }
    *rows_out = NULL;
    if (units_out)
        *units_out = NULL;
    if (acts_out)
        *acts_out = NULL;
    if (next_out)
        *next_out = NULL;
    int rc;
    long ucol = -1, acol = -1, vcol = -1, pcol = -1;
    /* the unit column: as asked, else unit, code, or the first text column */
    if (o->unit) {
        if ((rc = find_col(ctx, t, o->unit, "unit", &ucol)))
            return rc;
    } else {
        static const char *const names[] = {"unit", "code", "territory", "region", NULL};
        for (int k = 0; names[k] && ucol < 0; k++)
            ucol = aq_table_find(t, names[k]);
        for (size_t j = 0; j < aq_table_ncols(t) && ucol < 0; j++)
            if (aq_table_coltype(t, j) == AQ_COL_TEXT)
                ucol = (long)j;
        if (ucol < 0)
            return aq__err(ctx, AQ_EINPUT, "%s: no unit column (unit, code or a text column); "
                                           "name it with --unit", src_of(t));
    }
    if (o->period) {
        if ((rc = find_col(ctx, t, o->period, "period", &pcol)))
            return rc;
    } else if ((pcol = aq_table_find(t, "period")) < 0)
        pcol = aq_table_find(t, "year");
    bool wide = !o->activity;
    size_t nwide = 0;
    long *wcols = NULL;
    if (!wide) {
        if ((rc = find_col(ctx, t, o->activity, "activity", &acol)))
            return rc;
        if ((rc = find_col(ctx, t, o->value ? o->value : "value", "value", &vcol)))
            return rc;
        if (aq_table_coltype(t, (size_t)vcol) != AQ_COL_NUMBER) {
            const double *dummy;
            return aq_table_number_column(ctx, t, aq_table_colname(t, (size_t)vcol), &dummy);
        }
    } else {
        wcols = aq__xmalloc(ctx, (aq_table_ncols(t) + 1) * sizeof *wcols);
        if (!wcols)
            return AQ_ENOMEM;
        if (o->activities) {
            for (size_t k = 0; o->activities[k]; k++) {
                long c;
                if ((rc = find_col(ctx, t, o->activities[k], "activity", &c))) {
                    aq__free(wcols);
                    return rc;
                }
                if (aq_table_coltype(t, (size_t)c) != AQ_COL_NUMBER) {
                    const double *dummy;
                    rc = aq_table_number_column(ctx, t, o->activities[k], &dummy);
                    aq__free(wcols);
                    return rc;
                }
                wcols[nwide++] = c;
            }
        } else
            for (size_t j = 0; j < aq_table_ncols(t); j++)
                if (aq_table_coltype(t, j) == AQ_COL_NUMBER && (long)j != pcol && (long)j != ucol)
                    wcols[nwide++] = (long)j;
        if (nwide < 2) {
            aq__free(wcols);
            return aq__err(ctx, AQ_EINPUT, "%s: %zu activity columns; give the long shape "
                                           "(--activity COL --value COL) or at least two number "
                                           "columns", src_of(t), nwide);
        }
    }
    keys U = {0}, A = {0}, P = {0};
    cell *cells = NULL;
    size_t ncell = 0, ccap = 0, nmissing = 0, first_missing = 0;
    size_t nrows = aq_table_nrows(t);
    char buf[256];
    rc = AQ_OK;
    if (wide)
        for (size_t k = 0; k < nwide && !rc; k++) {
            size_t dummy;
            rc = key_index(ctx, &A, aq_table_colname(t, (size_t)wcols[k]), &dummy);
        }
    for (size_t r = 0; r < nrows && !rc; r++) {
        size_t line = aq_table_source_line(t, r);
        const char *us = aq_table_cell(t, (size_t)ucol, r, buf, sizeof buf);
        if (!*us) {
            rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: column '%s': the unit is missing", src_of(t),
                         line, aq_table_colname(t, (size_t)ucol));
            break;
        }
        size_t ui, pi = 0, ai;
        if ((rc = key_index(ctx, &U, us, &ui)))
            break;
        const char *ps = pcol >= 0 ? aq_table_cell(t, (size_t)pcol, r, buf, sizeof buf) : "";
        if (pcol >= 0 && !*ps) {
            rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: column '%s': the period is missing", src_of(t),
                         line, aq_table_colname(t, (size_t)pcol));
            break;
        }
        if ((rc = key_index(ctx, &P, ps, &pi)))
            break;
        size_t nv = wide ? nwide : 1;
        for (size_t k = 0; k < nv && !rc; k++) {
            size_t vc = (size_t)(wide ? wcols[k] : vcol);
            if (wide)
                ai = k;
            else {
                const char *as = aq_table_cell(t, (size_t)acol, r, buf, sizeof buf);
                if (!*as) {
                    rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: column '%s': the activity is missing",
                                 src_of(t), line, aq_table_colname(t, (size_t)acol));
                    break;
                }
                if ((rc = key_index(ctx, &A, as, &ai)))
                    break;
            }
            double v = aq_table_numbers(t, vc)[r];
            if (v != v) {
                if (!nmissing++)
                    first_missing = line;
                v = 0;
            } else if (v < 0) {
                rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: column '%s': %g is negative; RCA needs "
                                             "values >= 0", src_of(t), line,
                             aq_table_colname(t, vc), v);
                break;
            }
            if (aq__grow(ctx, (void **)&cells, &ccap, ncell + 1, sizeof *cells)) {
                rc = AQ_ENOMEM;
                break;
            }
            cells[ncell++] = (cell){pi, ui, ai, r, v};
        }
    }
    aq__free(wcols);
    if (!rc && nmissing)
        aq__warn(ctx, "%s: %zu missing values read as 0 (the first on line %zu)", src_of(t),
                 nmissing, first_missing);
    if (!rc && !ncell)
        rc = aq__err(ctx, AQ_EINPUT, "%s: no values to compute with", src_of(t));
    size_t nu = U.n, na = A.n, np = P.n;
    size_t *porder = NULL, *prank = NULL;
    double *x = NULL;
    long *seen = NULL;
    unsigned char *upres = NULL, *apres = NULL;
    aq_table *rows = NULL, *ut = NULL, *at = NULL, *nt = NULL;
    if (rc)
        goto out;
    /* periods in order */
    porder = aq__xmalloc(ctx, np * sizeof *porder);
    prank = aq__xmalloc(ctx, np * sizeof *prank);
    x = aq__xmalloc(ctx, aq__cx_n1(nu * na) * sizeof *x);
    seen = aq__xmalloc(ctx, aq__cx_n1(nu * na) * sizeof *seen);
    upres = aq__xmalloc(ctx, nu ? nu : 1);
    apres = aq__xmalloc(ctx, na ? na : 1);
    if (!porder || !prank || !x || !seen || !upres || !apres) {
        rc = AQ_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < np; i++)
        porder[i] = i;
    for (size_t i = 1; i < np; i++) /* insertion sort: periods are few */
        for (size_t j = i; j > 0 && cmp_period(P.name[porder[j - 1]], P.name[porder[j]]) > 0; j--) {
            size_t tmp = porder[j];
            porder[j] = porder[j - 1];
            porder[j - 1] = tmp;
        }
    /* the cells by period, in one pass: count sort */
    for (size_t i = 0; i < np; i++)
        prank[porder[i]] = i;
    size_t *start = aq__xcalloc(ctx, np + 1, sizeof *start);
    cell *sorted = start ? aq__xmalloc(ctx, ncell * sizeof *sorted) : NULL;
    if (!sorted) {
        aq__free(start);
        rc = AQ_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < ncell; i++)
        start[prank[cells[i].period] + 1]++;
    for (size_t i = 0; i < np; i++)
        start[i + 1] += start[i];
    {
        size_t *fill = aq__xmalloc(ctx, (np ? np : 1) * sizeof *fill);
        if (!fill) {
            aq__free(start);
            aq__free(sorted);
            rc = AQ_ENOMEM;
            goto out;
        }
        memcpy(fill, start, np * sizeof *fill);
        for (size_t i = 0; i < ncell; i++)
            sorted[fill[prank[cells[i].period]]++] = cells[i];
        aq__free(fill);
        aq__free(cells);
        cells = sorted;
    }
    /* first pass: duplicates and sizes */
    size_t total_rows = 0, total_units = 0, total_acts = 0;
    for (size_t k = 0; k < np && !rc; k++) {
        memset(upres, 0, nu);
        memset(apres, 0, na);
        for (size_t i = 0; i < nu * na; i++)
            seen[i] = -1;
        for (size_t i = start[k]; i < start[k + 1]; i++) {
            cell *c = &cells[i];
            size_t at_ = c->unit * na + c->act;
            if (seen[at_] >= 0) {
                rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: unit '%s', activity '%s'%s%s appears "
                                             "again (first on line %zu)", src_of(t),
                             aq_table_source_line(t, c->row), U.name[c->unit], A.name[c->act],
                             pcol >= 0 ? ", period " : "", pcol >= 0 ? P.name[c->period] : "",
                             aq_table_source_line(t, (size_t)seen[at_]));
                break;
            }
            seen[at_] = (long)c->row;
            upres[c->unit] = apres[c->act] = 1;
        }
        size_t a = 0, b = 0;
        for (size_t i = 0; i < nu; i++)
            a += upres[i];
        for (size_t i = 0; i < na; i++)
            b += apres[i];
        total_rows += a * b;
        total_units += a;
        total_acts += b;
    }
    if (rc) {
        aq__free(start);
        goto out;
    }
    bool pnum = pcol >= 0 && aq_table_coltype(t, (size_t)pcol) == AQ_COL_NUMBER;
    enum aq_coltype ptype = pnum ? AQ_COL_NUMBER : AQ_COL_TEXT;
    size_t nnext = o->next;
    size_t rc_[13], uc_[5], ac_[4], nc_[9];
    static const char *const rnames[] = {"unit", "activity", "period", "value", "rca", "M",
                                         "density", "eci", "pci", "diversity", "ubiquity", "coi",
                                         "cog"};
    static const char *const nnames[] = {"unit", "period", "rank", "activity", "density", "pci",
                                         "cog", "rca", "score"};
    rc = aq_table_new(ctx, total_rows, &rows);
    for (int j = 0; j < 13 && !rc; j++)
        rc = add_col(ctx, rows, rnames[j], j == 2 ? ptype : j < 2 ? AQ_COL_TEXT : AQ_COL_NUMBER,
                     &rc_[j]);
    if (!rc && units_out) {
        rc = aq_table_new(ctx, total_units, &ut);
        static const char *const n[] = {"unit", "period", "diversity", "eci", "coi"};
        for (int j = 0; j < 5 && !rc; j++)
            rc = add_col(ctx, ut, n[j], j == 0 ? AQ_COL_TEXT : j == 1 ? ptype : AQ_COL_NUMBER,
                         &uc_[j]);
    }
    if (!rc && acts_out) {
        rc = aq_table_new(ctx, total_acts, &at);
        static const char *const n[] = {"activity", "period", "ubiquity", "pci"};
        for (int j = 0; j < 4 && !rc; j++)
            rc = add_col(ctx, at, n[j], j == 0 ? AQ_COL_TEXT : j == 1 ? ptype : AQ_COL_NUMBER,
                         &ac_[j]);
    }
    if (!rc && nnext && next_out) {
        rc = aq_table_new(ctx, total_units * nnext, &nt);
        for (int j = 0; j < 9 && !rc; j++)
            rc = add_col(ctx, nt, nnames[j],
                         j == 0 || j == 3 ? AQ_COL_TEXT : j == 1 ? ptype : AQ_COL_NUMBER, &nc_[j]);
    }
    size_t row = 0, urow = 0, arow = 0, nrow = 0;
    size_t *ul = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *ul);
    size_t *al = aq__xmalloc(ctx, (na ? na : 1) * sizeof *al);
    if (!rc && (!ul || !al))
        rc = AQ_ENOMEM;
    for (size_t k = 0; k < np && !rc; k++) {
        const char *pname = P.name[porder[k]];
        double pval = pnum ? strtod(pname, NULL) : NAN;
        memset(upres, 0, nu);
        memset(apres, 0, na);
        for (size_t i = start[k]; i < start[k + 1]; i++)
            upres[cells[i].unit] = apres[cells[i].act] = 1;
        size_t ku = 0, ka = 0;
        for (size_t i = 0; i < nu; i++)
            if (upres[i])
                ul[ku++] = i;
        for (size_t i = 0; i < na; i++)
            if (apres[i]) {
                seen[i] = (long)ka;
                al[ka++] = i;
            }
        /* the period's matrix over its own units and activities; seen maps
         * an activity to its column, upres reused for units below */
        long *urank = (long *)aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *urank);
        if (!urank) {
            rc = AQ_ENOMEM;
            break;
        }
        for (size_t i = 0; i < ku; i++)
            urank[ul[i]] = (long)i;
        for (size_t i = 0; i < ku * ka; i++)
            x[i] = 0;
        for (size_t i = start[k]; i < start[k + 1]; i++)
            x[(size_t)urank[cells[i].unit] * ka + (size_t)seen[cells[i].act]] = cells[i].value;
        aq__free(urank);
        char label[300];
        snprintf(label, sizeof label, "period %s", pcol >= 0 ? pname : "(all)");
        aq_cx_result res;
        rc = aq__cx_compute(ctx, x, ku, ka, &o->cx, 0, pcol >= 0 ? label : NULL, &res);
        if (rc)
            break;
        for (size_t i = 0; i < ku && !rc; i++)
            for (size_t j = 0; j < ka && !rc; j++) {
                size_t q = i * ka + j;
                double vals[13] = {0, 0, 0, x[q], res.rca[q], res.M[q], res.density[q],
                                   res.eci[i], res.pci[j], res.diversity[i], res.ubiquity[j],
                                   res.coi[i], res.cog[q]};
                rc = aq_table_set_text(ctx, rows, rc_[0], row, U.name[ul[i]]);
                if (!rc)
                    rc = aq_table_set_text(ctx, rows, rc_[1], row, A.name[al[j]]);
                if (!rc && pcol >= 0)
                    rc = pnum ? aq_table_set_number(ctx, rows, rc_[2], row, pval)
                              : aq_table_set_text(ctx, rows, rc_[2], row, pname);
                for (int c = 3; c < 13 && !rc; c++)
                    rc = aq_table_set_number(ctx, rows, rc_[c], row, vals[c]);
                row++;
            }
        for (size_t i = 0; i < ku && ut && !rc; i++) {
            rc = aq_table_set_text(ctx, ut, uc_[0], urow, U.name[ul[i]]);
            if (!rc && pcol >= 0)
                rc = pnum ? aq_table_set_number(ctx, ut, uc_[1], urow, pval)
                          : aq_table_set_text(ctx, ut, uc_[1], urow, pname);
            if (!rc)
                rc = aq_table_set_number(ctx, ut, uc_[2], urow, res.diversity[i]);
            if (!rc)
                rc = aq_table_set_number(ctx, ut, uc_[3], urow, res.eci[i]);
            if (!rc)
                rc = aq_table_set_number(ctx, ut, uc_[4], urow, res.coi[i]);
            urow++;
        }
        for (size_t j = 0; j < ka && at && !rc; j++) {
            rc = aq_table_set_text(ctx, at, ac_[0], arow, A.name[al[j]]);
            if (!rc && pcol >= 0)
                rc = pnum ? aq_table_set_number(ctx, at, ac_[1], arow, pval)
                          : aq_table_set_text(ctx, at, ac_[1], arow, pname);
            if (!rc)
                rc = aq_table_set_number(ctx, at, ac_[2], arow, res.ubiquity[j]);
            if (!rc)
                rc = aq_table_set_number(ctx, at, ac_[3], arow, res.pci[j]);
            arow++;
        }
        if (nt && !rc) {
            long *ord = aq__xmalloc(ctx, aq__cx_n1(ku * nnext) * sizeof *ord);
            double *sc = aq__xmalloc(ctx, aq__cx_n1(ku * nnext) * sizeof *sc);
            rc = ord && sc ? aq_cx_next(ctx, &res, nnext, ord, sc) : AQ_ENOMEM;
            for (size_t i = 0; i < ku && !rc; i++)
                for (size_t n = 0; n < nnext && !rc; n++) {
                    long p = ord[i * nnext + n];
                    if (p < 0)
                        continue;
                    size_t q = i * ka + (size_t)p;
                    rc = aq_table_set_text(ctx, nt, nc_[0], nrow, U.name[ul[i]]);
                    if (!rc && pcol >= 0)
                        rc = pnum ? aq_table_set_number(ctx, nt, nc_[1], nrow, pval)
                                  : aq_table_set_text(ctx, nt, nc_[1], nrow, pname);
                    if (!rc)
                        rc = aq_table_set_number(ctx, nt, nc_[2], nrow, (double)(n + 1));
                    if (!rc)
                        rc = aq_table_set_text(ctx, nt, nc_[3], nrow, A.name[al[p]]);
                    double v[5] = {res.density[q], res.pci[p], res.cog[q], res.rca[q],
                                   sc[i * nnext + n]};
                    for (int c = 0; c < 5 && !rc; c++)
                        rc = aq_table_set_number(ctx, nt, nc_[4 + c], nrow, v[c]);
                    nrow++;
                }
            aq__free(ord);
            aq__free(sc);
        }
        aq_cx_result_free(&res);
    }
    aq__free(ul);
    aq__free(al);
    aq__free(start);
    if (!rc && nt && nrow < total_units * nnext) {
        /* units with fewer candidates than asked: keep the filled rows */
        aq_table *cut = NULL;
        rc = aq_table_new(ctx, nrow, &cut);
        size_t cc[9];
        for (int j = 0; j < 9 && !rc; j++)
            rc = add_col(ctx, cut, nnames[j], (enum aq_coltype)aq_table_coltype(nt, nc_[j]), &cc[j]);
        for (size_t r = 0; r < nrow && !rc; r++)
            for (int j = 0; j < 9 && !rc; j++)
                rc = aq_table_coltype(nt, nc_[j]) == AQ_COL_TEXT
                         ? aq_table_set_text(ctx, cut, cc[j], r, aq_table_text(nt, nc_[j], r))
                         : aq_table_set_number(ctx, cut, cc[j], r, aq_table_numbers(nt, nc_[j])[r]);
        aq_table_free(nt);
        nt = cut;
    }
out:
    if (rc) {
        aq_table_free(rows);
        aq_table_free(ut);
        aq_table_free(at);
        aq_table_free(nt);
    } else {
        *rows_out = rows;
        if (units_out)
            *units_out = ut;
        if (acts_out)
            *acts_out = at;
        if (next_out)
            *next_out = nt;
        else
            aq_table_free(nt);
    }
    aq__free(cells);
    aq__free(porder);
    aq__free(prank);
    aq__free(x);
    aq__free(seen);
    aq__free(upres);
    aq__free(apres);
    keys_free(&U);
    keys_free(&A);
    keys_free(&P);
    return rc;
}
