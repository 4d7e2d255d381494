/*
 * classify_support.c -- support (опорные) and satellite (спутниковые)
 * settlements of the programme "Ауыл - Ел бесігі": support settlements are
 * chosen by a condition over class and columns; every other settlement is
 * attached to the nearest one within a distance limit, or reported as
 * unattached.
 *
 * Distances are straight lines (great circle on a 6371 km sphere for
 * degrees) until the road network of the structure-and-access work can be
 * used; the nearest support is found by brute force, which for the ~7,500
 * rural settlements of Kazakhstan and ~1,200 supports is a few million
 * distance evaluations.
 */
#include "index_int.h"

#include <math.h>
#include <stdint.h>
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

int aq_index_support(aq_ctx *ctx, const aq_method *m, const aq_table *t, const aq_index *r,
                     aq_table **units, aq_table **summary)
{
    if (!m->support_when)
        return aq__err(ctx, AQ_EUSAGE, "%s has no 'support' section (support: {when, max_km, "
                       "x, y})", m->path);
    size_t n = aq_table_nrows(t);
    if (aq_index_nunits(r) != n)
        return aq__err(ctx, AQ_EUSAGE, "support: the index was computed on another table");
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc)
        return rc;
    double *x = aq__xmalloc(ctx, n * sizeof *x), *y = aq__xmalloc(ctx, n * sizeof *y);
    double *rankd = aq__xmalloc(ctx, n * sizeof *rankd), *dist = aq__xmalloc(ctx, n * sizeof *dist);
    const char **cls = aq__xcalloc(ctx, n, sizeof *cls);
    double **pil = aq__xcalloc(ctx, m->npil + 1, sizeof *pil);
    double **norm = aq__xcalloc(ctx, m->nind + 1, sizeof *norm);
    long *sup = aq__xmalloc(ctx, n * sizeof *sup); /* support row, -1 none; own row for supports */
    size_t *srows = aq__xmalloc(ctx, n * sizeof *srows);
    aq__expr *e = NULL;
    aq_table *u = NULL;
    rc = x && y && rankd && dist && cls && pil && norm && sup && srows ? AQ_OK : AQ_ENOMEM;
    if (!rc) rc = coordinates(ctx, m, t, x, y);
    size_t ns = 0;
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            cls[i] = aq_index_class(r, i);
            rankd[i] = aq_index_ranks(r)[i] ? (double)aq_index_ranks(r)[i] : NAN;
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
            if (aq__expr_true(e, i))
                srows[ns++] = i;
    }
    if (!rc && !ns)
        aq__warn(ctx, "%s:%zu: no unit satisfies the support condition %s: every settlement is "
                 "unattached", m->path, m->support_line, aq__expr_text(m->support_when));
    size_t cnt[3] = {0, 0, 0};
    double pop[3] = {0, 0, 0};
    const double *pv = b.pop_col >= 0 ? aq_table_numbers(t, (size_t)b.pop_col) : NULL;
    for (size_t i = 0; !rc && i < n; i++) {
        sup[i] = -1;
        dist[i] = NAN;
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        double best = INFINITY;
        for (size_t k = 0; k < ns; k++) {
            size_t s = srows[k];
            if (isnan(x[s]) || isnan(y[s]))
                continue;
            double d = s == i ? 0 : dist_km(x[i], y[i], x[s], y[s], m->support_planar);
            if (d < best) {
                best = d;
                sup[i] = (long)s;
            }
        }
        if (sup[i] >= 0 && best > m->support_max_km && sup[i] != (long)i)
            sup[i] = -1;
        else
            dist[i] = best;
    }
    for (size_t k = 0; !rc && k < ns; k++) /* a support without coordinates is still one */
        sup[srows[k]] = (long)srows[k], dist[srows[k]] = 0;
    static const char *const cols[] = {"id", "class", "role", "support_id", "distance_km"};
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
        if (!rc) rc = aq_table_set_number(ctx, u, 4, i, dist[i]);
    }
    if (!rc && cnt[2])
        aq__warn(ctx, "%zu settlements are farther than %g km from every support settlement (or "
                 "have no coordinates): unattached", cnt[2], m->support_max_km);
    if (!rc) rc = summary_table(ctx, cnt, pop, pv != NULL, summary);
    if (!rc)
        *units = u;
    else
        aq_table_free(u);
    aq__expr_free(e);
    aq__free(x);
    aq__free(y);
    aq__free(rankd);
    aq__free(dist);
    aq__free(cls);
    aq__free(pil);
    aq__free(norm);
    aq__free(sup);
    aq__free(srows);
    aq__bound_clear(&b);
    return rc;
}
