/*
 * classify_support.c -- support (опорные) and satellite (спутниковые)
 * settlements of the programme "Ауыл - Ел бесігі": support settlements are
 * chosen by a condition over class and columns; every other settlement is
 * attached to the nearest one within a distance limit, or reported as
 * unattached.
 *
 * Distances are straight lines (great circle on a 6371 km sphere for
 * degrees), or travel times over roads when a table of timed pairs is
 * given (the output of `aimaq access --od`: origin, destination, minutes).
 * With straight lines the nearest support is found by brute force, which
 * for the ~7,500 rural settlements of Kazakhstan and ~1,200 supports is a
 * few million distance evaluations; with times each pair is read once.
 */
#include "index_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sscope {
    aq__scope base;
    const char **cls;
} sscope;

static int sresolve(void *user, const char *name, aq__xvar *out)
{
    sscope *s = user;
    if (strcmp(name, "class") == 0) {
        out->txt = s->cls;
        return 1;
    }
    return aq__scope_resolve(&s->base, name, out);
}

static double rd(const unsigned char *p, int big)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = big ? p[7 - i] : p[i];
    double v;
    memcpy(&v, b, 8);
    return v;
}

/* x, y of a WKB point, or 0 when the geometry is not a point. */
static int wkb_point(const unsigned char *g, size_t len, double *x, double *y)
{
    if (!g || len < 21)
        return 0;
    int big = g[0] == 0;
    uint32_t type = big ? (uint32_t)g[1] << 24 | (uint32_t)g[2] << 16 | (uint32_t)g[3] << 8 | g[4]
                        : (uint32_t)g[4] << 24 | (uint32_t)g[3] << 16 | (uint32_t)g[2] << 8 | g[1];
    if ((type & 0xFFFF) % 1000 != 1)
        return 0;
    *x = rd(g + 5, big);
    *y = rd(g + 13, big);
    return !isnan(*x) && !isnan(*y);
}

static double dist_km(double x1, double y1, double x2, double y2, int planar)
{
    if (planar)
        return hypot(x1 - x2, y1 - y2);
    const double d2r = M_PI / 180;
    double dlat = (y2 - y1) * d2r, dlon = (x2 - x1) * d2r;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(y1 * d2r) * cos(y2 * d2r) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * 6371.0 * asin(sqrt(a > 1 ? 1 : a));
}

static int coordinates(aq_ctx *ctx, const aq_method *m, const aq_table *t, double *x, double *y)
{
    size_t n = aq_table_nrows(t);
    if (m->support_x) {
        long cx = aq_table_find(t, m->support_x), cy = aq_table_find(t, m->support_y);
        const double *vx = cx >= 0 ? aq_table_numbers(t, (size_t)cx) : NULL;
        const double *vy = cy >= 0 ? aq_table_numbers(t, (size_t)cy) : NULL;
        if (!vx || !vy)
            return aq__err(ctx, AQ_ENOTFOUND, "%s:%zu: support coordinates: no number columns "
                           "'%s' and '%s' in the data", m->path, m->support_line, m->support_x,
                           m->support_y);
        memcpy(x, vx, n * sizeof *x);
        memcpy(y, vy, n * sizeof *y);
        return AQ_OK;
    }
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        if (wkb_point(g, len, &x[i], &y[i]))
            found++;
        else
            x[i] = y[i] = NAN;
    }
    if (!found)
        return aq__err(ctx, AQ_ENOTFOUND, "%s:%zu: support: the data has no point geometries; "
                       "name the coordinate columns with 'x' and 'y'", m->path, m->support_line);
    return AQ_OK;
}

static int summary_table(aq_ctx *ctx, const size_t *cnt, const double *pop, int has_pop,
                         aq_table **out)
{
    static const char *const roles[3] = {"support", "satellite", "unattached"};
    aq_table *t = NULL;
    int rc = aq_table_new(ctx, 3, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "role", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "count", AQ_COL_NUMBER, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "population", AQ_COL_NUMBER, NULL);
    for (size_t k = 0; !rc && k < 3; k++) {
        rc = aq_table_set_text(ctx, t, 0, k, roles[k]);
        if (!rc) rc = aq_table_set_number(ctx, t, 1, k, (double)cnt[k]);
        if (!rc && has_pop) rc = aq_table_set_number(ctx, t, 2, k, pop[k]);
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

/* Straight lines: sup[i] = the nearest support row within max_km, val[i]
 * its distance in km. */
static int attach_straight(aq_ctx *ctx, const aq_method *m, const aq_table *t,
                           const size_t *srows, size_t ns, long *sup, double *val)
{
    size_t n = aq_table_nrows(t);
    if (isnan(m->support_max_km))
        return aq__err(ctx, AQ_EUSAGE, "%s:%zu: support has 'max_minutes' but no 'max_km': "
                       "give travel times (aimaq potential --travel-times FILE)", m->path,
                       m->support_line);
    double *x = aq__xmalloc(ctx, (n ? n : 1) * sizeof *x), *y = aq__xmalloc(ctx, (n ? n : 1) * sizeof *y);
    int rc = x && y ? coordinates(ctx, m, t, x, y) : AQ_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        double best = INFINITY;
        long bs = -1;
        for (size_t k = 0; k < ns; k++) {
            size_t s = srows[k];
            if (isnan(x[s]) || isnan(y[s]))
                continue;
            double d = s == i ? 0 : dist_km(x[i], y[i], x[s], y[s], m->support_planar);
            if (d < best) {
                best = d;
                bs = (long)s;
            }
        }
        if (bs >= 0 && best <= m->support_max_km) {
            sup[i] = bs;
            val[i] = best;
        }
    }
    aq__free(x);
    aq__free(y);
    return rc;
}

typedef struct idrow {
    char *id;
    size_t row;
} idrow;

static int cmp_idrow(const void *a, const void *b)
{
    const idrow *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static long find_row(const idrow *ix, size_t n, const char *id)
{
    size_t lo = 0, hi = n; /* first entry >= id: duplicates resolve to the first row */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix[mid].id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(ix[lo].id, id) == 0 ? (long)ix[lo].row : -1;
}

/* Travel times: sup[i] = the support row unit i reaches in the fewest
 * minutes within the limit (pairs in either direction), val[i] the
 * minutes. */
static int attach_times(aq_ctx *ctx, const aq_method *m, const aq_table *t, long id_col,
                        const aq_support_times *tt, const unsigned char *is_sup, long *sup,
                        double *val)
{
    double limit = isnan(tt->max_minutes) ? m->support_max_min : tt->max_minutes;
    if (!(limit > 0))
        return aq__err(ctx, AQ_EUSAGE, "%s:%zu: travel times need a limit: 'max_minutes' in the "
                       "support section, or --max-minutes", m->path, m->support_line);
    const aq_table *p = tt->pairs;
    const char *on = tt->origin ? tt->origin : "origin";
    const char *dn = tt->destination ? tt->destination : "destination";
    const char *mn = tt->minutes ? tt->minutes : "minutes";
    long co = aq_table_find(p, on), cd = aq_table_find(p, dn), cm = aq_table_find(p, mn);
    const char *src = aq_table_source(p) ? aq_table_source(p) : "travel times";
    if (co < 0 || cd < 0 || cm < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: needs columns '%s', '%s' and '%s' (unit ids and "
                       "minutes, as aimaq access --od writes them); missing '%s'", src, on, dn,
                       mn, co < 0 ? on : cd < 0 ? dn : mn);
    const double *mins = aq_table_numbers(p, (size_t)cm);
    if (!mins)
        return aq__err(ctx, AQ_EINPUT, "%s: column '%s' is text, not minutes", src, mn);
    size_t n = aq_table_nrows(t), np = aq_table_nrows(p);
    idrow *ix = aq__xcalloc(ctx, n ? n : 1, sizeof *ix);
    int rc = ix ? AQ_OK : AQ_ENOMEM;
    char buf[256], bo[256], bd[256];
    for (size_t i = 0; !rc && i < n; i++) {
        ix[i].row = i;
        if (!(ix[i].id = aq__strdup(aq_table_cell(t, (size_t)id_col, i, buf, sizeof buf))))
            rc = aq__oom(ctx);
    }
    if (!rc)
        qsort(ix, n, sizeof *ix, cmp_idrow);
    size_t unknown = 0;
    char first_unknown[256] = "";
    for (size_t k = 0; !rc && k < np; k++) {
        const char *os = aq_table_cell(p, (size_t)co, k, bo, sizeof bo);
        const char *ds = aq_table_cell(p, (size_t)cd, k, bd, sizeof bd);
        long o = find_row(ix, n, os), d = find_row(ix, n, ds);
        if (o < 0 || d < 0) {
            if (!unknown++)
                snprintf(first_unknown, sizeof first_unknown, "%s", o < 0 ? os : ds);
            continue;
        }
        if (isnan(mins[k]) || mins[k] < 0) {
            rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: %s minutes from '%s' to '%s'", src,
                         aq_table_source_line(p, k), isnan(mins[k]) ? "no" : "negative", os, ds);
            break;
        }
        /* the pair in either direction: one end a support, the other not */
        long unit = is_sup[d] && !is_sup[o] ? o : is_sup[o] && !is_sup[d] ? d : -1;
        long s = unit == o ? d : o;
        if (unit < 0 || mins[k] > limit)
            continue;
        if (sup[unit] < 0 || mins[k] < val[unit]) {
            sup[unit] = s;
            val[unit] = mins[k];
        }
    }
    if (!rc && unknown)
        aq__warn(ctx, "%s: %zu pairs name units that are not in the data (first: '%s'); they "
                 "were ignored", src, unknown, first_unknown);
    for (size_t i = 0; ix && i < n; i++)
        aq__free(ix[i].id);
    aq__free(ix);
    return rc;
}

int aq_index_support(aq_ctx *ctx, const aq_method *m, const aq_table *t, const aq_index *r,
                     aq_table **units, aq_table **summary)
{
    return aq_index_support_ex(ctx, m, t, r, NULL, units, summary);
}

int aq_index_support_ex(aq_ctx *ctx, const aq_method *m, const aq_table *t, const aq_index *r,
                        const aq_support_times *times, aq_table **units, aq_table **summary)
{
    if (!m->support_when)
        return aq__err(ctx, AQ_EUSAGE, "%s has no 'support' section (support: {when, max_km, "
                       "x, y})", m->path);
    size_t n = aq_table_nrows(t);
    if (aq_index_nunits(r) != n)
        return aq__err(ctx, AQ_EUSAGE, "support: the index was computed on another table");
    if (times && !times->pairs)
        return aq__err(ctx, AQ_EUSAGE, "support: travel times without a table of pairs");
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc)
        return rc;
    double *rankd = aq__xmalloc(ctx, n * sizeof *rankd), *val = aq__xmalloc(ctx, n * sizeof *val);
    const char **cls = aq__xcalloc(ctx, n, sizeof *cls);
    double **pil = aq__xcalloc(ctx, m->npil + 1, sizeof *pil);
    double **norm = aq__xcalloc(ctx, m->nind + 1, sizeof *norm);
    long *sup = aq__xmalloc(ctx, n * sizeof *sup); /* support row, -1 none; own row for supports */
    size_t *srows = aq__xmalloc(ctx, n * sizeof *srows);
    unsigned char *is_sup = aq__xcalloc(ctx, n, 1);
    aq__expr *e = NULL;
    aq_table *u = NULL;
    rc = rankd && val && cls && pil && norm && sup && srows && is_sup ? AQ_OK : AQ_ENOMEM;
    size_t ns = 0;
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            cls[i] = aq_index_class(r, i);
            rankd[i] = aq_index_ranks(r)[i] ? (double)aq_index_ranks(r)[i] : NAN;
            sup[i] = -1;
            val[i] = NAN;
        }
        for (size_t p = 0; p < m->npil; p++)
            pil[p] = (double *)aq_index_pillar(r, p); /* read only: bound, never written */
        for (size_t j = 0; j < m->nind; j++)
            norm[j] = (double *)aq_index_normalised(r, j);
        sscope sc = {{m, &b, aq_index_scores(r), rankd, pil, norm}, cls};
        rc = aq__expr_parse(ctx, aq__expr_text(m->support_when), &e);
        if (!rc)
            rc = aq__expr_bind(ctx, e, sresolve, &sc, n);
        if (rc)
            aq__err_prefix(ctx, "%s:%zu: support when", m->path, m->support_line);
        for (size_t i = 0; !rc && i < n; i++)
            if (aq__expr_true(e, i)) {
                srows[ns++] = i;
                is_sup[i] = 1;
            }
    }
    if (!rc && !ns)
        aq__warn(ctx, "%s:%zu: no unit satisfies the support condition %s: every settlement is "
                 "unattached", m->path, m->support_line, aq__expr_text(m->support_when));
    if (!rc)
        rc = times ? attach_times(ctx, m, t, b.id_col, times, is_sup, sup, val)
                   : attach_straight(ctx, m, t, srows, ns, sup, val);
    for (size_t k = 0; !rc && k < ns; k++) /* a support without coordinates is still one */
        sup[srows[k]] = (long)srows[k], val[srows[k]] = 0;
    size_t cnt[3] = {0, 0, 0};
    double pop[3] = {0, 0, 0};
    const double *pv = b.pop_col >= 0 ? aq_table_numbers(t, (size_t)b.pop_col) : NULL;
    const char *cols[] = {"id", "class", "role", "support_id", times ? "minutes" : "distance_km"};
    if (!rc) rc = aq_table_new(ctx, n, &u);
    for (size_t c = 0; !rc && c < 5; c++)
        rc = aq_table_add_column(ctx, u, cols[c], c == 4 ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    char buf[256], buf2[256];
    for (size_t i = 0; !rc && i < n; i++) {
        int role = sup[i] == (long)i ? 0 : sup[i] >= 0 ? 1 : 2;
        cnt[role]++;
        if (pv && !isnan(pv[i]))
            pop[role] += pv[i];
        rc = aq_table_set_text(ctx, u, 0, i, aq_table_cell(t, (size_t)b.id_col, i, buf, sizeof buf));
        if (!rc) rc = aq_table_set_text(ctx, u, 1, i, cls[i]);
        if (!rc) rc = aq_table_set_text(ctx, u, 2, i, role == 0 ? "support" : role == 1 ? "satellite" : "unattached");
        if (!rc && sup[i] >= 0)
            rc = aq_table_set_text(ctx, u, 3, i, aq_table_cell(t, (size_t)b.id_col, (size_t)sup[i], buf2, sizeof buf2));
        if (!rc) rc = aq_table_set_number(ctx, u, 4, i, val[i]);
    }
    if (!rc && cnt[2] && times)
        aq__warn(ctx, "%zu settlements reach no support settlement within %g minutes (no timed "
                 "pair within the limit): unattached", cnt[2],
                 isnan(times->max_minutes) ? m->support_max_min : times->max_minutes);
    else if (!rc && cnt[2])
        aq__warn(ctx, "%zu settlements are farther than %g km from every support settlement (or "
                 "have no coordinates): unattached", cnt[2], m->support_max_km);
    if (!rc) rc = summary_table(ctx, cnt, pop, pv != NULL, summary);
    if (!rc)
        *units = u;
    else
        aq_table_free(u);
    aq__expr_free(e);
    aq__free(rankd);
    aq__free(val);
    aq__free(cls);
    aq__free(pil);
    aq__free(norm);
    aq__free(sup);
    aq__free(srows);
    aq__free(is_sup);
    aq__bound_clear(&b);
    return rc;
}
