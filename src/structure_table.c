/*
 * structure_table.c -- the structure measures on a table: reads a
 * territory x sector (x period) table in wide or long shape into a dense
 * panel, checks that its totals add up, and writes one result table per
 * measure using the kernels of structure.c and shiftshare.c.
 */
#include "aq_int.h"
#include "aimaq_structure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small string -> index map (territories, sectors, periods) ---- */

typedef struct namemap {
    char **names;  /* in order of first appearance */
    size_t n, cap;
    size_t *slots; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
} namemap;

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void namemap_free(namemap *m)
{
    for (size_t i = 0; i < m->n; i++)
        aq__free(m->names[i]);
    aq__free(m->names);
    aq__free(m->slots);
    memset(m, 0, sizeof *m);
}

static long namemap_find(const namemap *m, const char *s)
{
    if (!m->nslots)
        return -1;
    for (size_t k = hash_str(s) & (m->nslots - 1);; k = (k + 1) & (m->nslots - 1)) {
        if (!m->slots[k])
            return -1;
        if (strcmp(m->names[m->slots[k] - 1], s) == 0)
            return (long)(m->slots[k] - 1);
    }
}

static int namemap_rehash(aq_ctx *ctx, namemap *m, size_t nslots)
{
    size_t *slots = aq__xcalloc(ctx, nslots, sizeof *slots);
    if (!slots)
        return AQ_ENOMEM;
    for (size_t i = 0; i < m->n; i++) {
        size_t k = hash_str(m->names[i]) & (nslots - 1);
        while (slots[k])
            k = (k + 1) & (nslots - 1);
        slots[k] = i + 1;
    }
    aq__free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    return AQ_OK;
}

/* Index of S, adding it when new. */
static int namemap_add(aq_ctx *ctx, namemap *m, const char *s, size_t *idx)
{
    long f = namemap_find(m, s);
    if (f >= 0) {
        *idx = (size_t)f;
        return AQ_OK;
    }
    if ((m->n + 1) * 2 > m->nslots && namemap_rehash(ctx, m, m->nslots ? m->nslots * 2 : 64))
        return AQ_ENOMEM;
    if (aq__grow(ctx, (void **)&m->names, &m->cap, m->n + 1, sizeof *m->names))
        return AQ_ENOMEM;
    char *copy = aq__strdup(s);
    if (!copy)
        return aq__oom(ctx);
    m->names[m->n] = copy;
    size_t k = hash_str(s) & (m->nslots - 1);
    while (m->slots[k])
        k = (k + 1) & (m->nslots - 1);
    m->slots[k] = m->n + 1;
    *idx = m->n++;
    return AQ_OK;
}

/* ---- the panel: values[p][j][i] for period p, territory j, sector i ---- */

typedef struct panel {
    namemap ter, sec, per;
    size_t nter, nsec, nper;
    double *v;   /* nper * nter * nsec                       */
    double *nat; /* nper * nsec: the nation                 */
} panel;

static void panel_free(panel *p)
{
    namemap_free(&p->ter);
    namemap_free(&p->sec);
    namemap_free(&p->per);
    aq__free(p->v);
    aq__free(p->nat);
}

static double *cell(const panel *p, size_t per, size_t ter)
{
    return p->v + (per * p->nter + ter) * p->nsec;
}

void aq_structure_opts_init(aq_structure_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->tolerance = 0.001;
}

static int find_col(aq_ctx *ctx, const aq_table *t, const char *name, const char *role, long *col)
{
    *col = aq_table_find(t, name);
    if (*col < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no %s column '%s'",
                       aq_table_source(t) ? aq_table_source(t) : "table", role, name);
    return AQ_OK;
}

/* The territory column: as asked, else code, name, or the first text column. */
static int territory_col(aq_ctx *ctx, const aq_table *t, const char *want, long *col)
{
    if (want)
        return find_col(ctx, t, want, "territory", col);
    static const char *const names[] = {"territory", "code", "name", "region", NULL};
    for (int k = 0; names[k]; k++)
        if ((*col = aq_table_find(t, names[k])) >= 0)
            return AQ_OK;
    for (size_t j = 0; j < aq_table_ncols(t); j++)
        if (aq_table_coltype(t, j) == AQ_COL_TEXT) {
            *col = (long)j;
            return AQ_OK;
        }
    return aq__err(ctx, AQ_EINPUT, "%s: no territory column (code, name or a text column); "
                   "name it with --territory", aq_table_source(t) ? aq_table_source(t) : "table");
}

static const char *cell_text(const aq_table *t, long col, size_t row, char *buf, size_t size)
{
    if (col < 0)
        return "";
    return aq_table_cell(t, (size_t)col, row, buf, size);
}

static int cmp_period(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    char *ex, *ey;
    double dx = strtod(x, &ex), dy = strtod(y, &ey);
    if (*x && *y && !*ex && !*ey && dx != dy)
        return (dx > dy) - (dx < dy);
    return strcmp(x, y);
}

/* Periods sorted (numerically when they are numbers), so "first" and
 * "last" mean earliest and latest whatever the row order. */
static int sort_periods(aq_ctx *ctx, panel *p, size_t **order)
{
    size_t n = p->per.n;
    char **sorted = aq__xmalloc(ctx, sizeof *sorted * (n ? n : 1));
    size_t *ord = aq__xmalloc(ctx, sizeof *ord * (n ? n : 1));
    if (!sorted || !ord) {
        aq__free(sorted);
        aq__free(ord);
        return AQ_ENOMEM;
    }
    memcpy(sorted, p->per.names, sizeof *sorted * n);
    qsort(sorted, n, sizeof *sorted, cmp_period);
    for (size_t k = 0; k < n; k++)
        ord[(size_t)namemap_find(&p->per, sorted[k])] = k;
    memcpy(p->per.names, sorted, sizeof *sorted * n);
    aq__free(sorted);
    int rc = namemap_rehash(ctx, &p->per, p->per.nslots ? p->per.nslots : 64);
    if (rc) {
        aq__free(ord);
        return rc;
    }
    *order = ord;
    return AQ_OK;
}

typedef struct rowref {
    size_t per, ter, sec; /* sec = SIZE_MAX in wide shape */
} rowref;

static bool is_excluded(const aq_table *t, size_t j, long terc, long perc, long totc)
{
    if ((long)j == terc || (long)j == perc || (long)j == totc)
        return true;
    const char *name = aq_table_colname(t, j);
    static const char *const skip[] = {"year", "period", "population", "lat", "lon", "x", "y", NULL};
    for (int k = 0; skip[k]; k++)
        if (aq__ieq(name, skip[k]))
            return true;
    return false;
}

/* Reads T into P. */
static int load_panel(aq_ctx *ctx, const aq_table *t, const aq_structure_opts *o, panel *p)
{
    const char *src = aq_table_source(t) ? aq_table_source(t) : "table";
    size_t nrows = aq_table_nrows(t), ncols = aq_table_ncols(t);
    long terc, perc = -1, secc = -1, valc = -1, totc = -1;
    int rc = territory_col(ctx, t, o->territory, &terc);
    if (rc)
        return rc;
    if (o->period) {
        if ((rc = find_col(ctx, t, o->period, "period", &perc)))
            return rc;
    } else if ((perc = aq_table_find(t, "period")) < 0) {
        perc = aq_table_find(t, "year");
    }
    if (o->total && (rc = find_col(ctx, t, o->total, "total", &totc)))
        return rc;
    bool longshape = o->sector || aq_table_find(t, "sector") >= 0;
    size_t *seccols = NULL, nseccols = 0;
    if (longshape) {
        if ((rc = find_col(ctx, t, o->sector ? o->sector : "sector", "sector", &secc)) ||
            (rc = find_col(ctx, t, o->value ? o->value : "value", "value", &valc)))
            return rc;
        if (aq_table_coltype(t, (size_t)valc) != AQ_COL_NUMBER)
            return aq__err(ctx, AQ_EINPUT, "%s: the value column '%s' holds text, not numbers", src,
                           aq_table_colname(t, (size_t)valc));
        if (totc >= 0)
            return aq__err(ctx, AQ_EUSAGE, "a total column is only checked in the wide shape; in "
                           "the long shape give the total as a sector named by --nation");
    } else {
        seccols = aq__xmalloc(ctx, sizeof *seccols * (ncols ? ncols : 1));
        if (!seccols)
            return AQ_ENOMEM;
        if (o->sectors) {
            for (size_t k = 0; o->sectors[k]; k++) {
                long c;
                if ((rc = find_col(ctx, t, o->sectors[k], "sector", &c))) {
                    aq__free(seccols);
                    return rc;
                }
                if (aq_table_coltype(t, (size_t)c) != AQ_COL_NUMBER) {
                    aq__free(seccols);
                    return aq__err(ctx, AQ_EINPUT, "%s: sector column '%s' holds text, not numbers",
                                   src, o->sectors[k]);
                }
                seccols[nseccols++] = (size_t)c;
            }
        } else {
            for (size_t j = 0; j < ncols; j++)
                if (aq_table_coltype(t, j) == AQ_COL_NUMBER && !is_excluded(t, j, terc, perc, totc))
                    seccols[nseccols++] = j;
        }
        if (nseccols < 2) {
            aq__free(seccols);
            return aq__err(ctx, AQ_EINPUT, "%s: found %zu sector column(s); a structure needs at "
                           "least two number columns, one per sector (or a long table with "
                           "columns territory, sector, value)", src, nseccols);
        }
    }

    /* First pass: names of territories, sectors, periods; each row's place. */
    rowref *refs = aq__xmalloc(ctx, sizeof *refs * (nrows ? nrows : 1));
    if (!refs) {
        aq__free(seccols);
        return AQ_ENOMEM;
    }
    char buf[512];
    for (size_t k = 0; k < nseccols && !rc; k++) {
        size_t idx;
        rc = namemap_add(ctx, &p->sec, aq_table_colname(t, seccols[k]), &idx);
    }
    for (size_t r = 0; r < nrows && !rc; r++) {
        const char *ter = cell_text(t, terc, r, buf, sizeof buf);
        if (!*ter) {
            rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: the territory ('%s') is empty", src,
                         aq_table_source_line(t, r), aq_table_colname(t, (size_t)terc));
            break;
        }
        if ((rc = namemap_add(ctx, &p->ter, ter, &refs[r].ter)))
            break;
        rc = namemap_add(ctx, &p->per, cell_text(t, perc, r, buf, sizeof buf), &refs[r].per);
        refs[r].sec = SIZE_MAX;
        if (!rc && longshape) {
            const char *sec = cell_text(t, secc, r, buf, sizeof buf);
            if (!*sec)
                rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: the sector ('%s') is empty", src,
                             aq_table_source_line(t, r), aq_table_colname(t, (size_t)secc));
            else
                rc = namemap_add(ctx, &p->sec, sec, &refs[r].sec);
        }
    }
    size_t *perorder = NULL;
    if (!rc)
        rc = sort_periods(ctx, p, &perorder);
    if (!rc && longshape && p->sec.n < 2)
        rc = aq__err(ctx, AQ_EINPUT, "%s: found %zu sector(s); a structure needs at least two", src,
                     p->sec.n);
    p->nter = p->ter.n;
    p->nsec = p->sec.n;
    p->nper = p->per.n;
    if (!rc) {
        p->v = aq__xcalloc(ctx, p->nper * p->nter * p->nsec, sizeof *p->v);
        unsigned char *seen = aq__xcalloc(ctx, p->nper * p->nter * p->nsec, 1);
        rc = p->v && seen ? AQ_OK : AQ_ENOMEM;
        /* Second pass: values. */
        size_t nmissing = 0;
        char first_missing[256] = "";
        for (size_t r = 0; r < nrows && !rc; r++) {
            refs[r].per = perorder[refs[r].per];
            double *row = cell(p, refs[r].per, refs[r].ter);
            unsigned char *rs = seen + (row - p->v);
            size_t kmax = longshape ? 1 : nseccols;
            double rowsum = 0;
            for (size_t k = 0; k < kmax; k++) {
                size_t col = longshape ? (size_t)valc : seccols[k];
                size_t sec = longshape ? refs[r].sec : k;
                double x = aq_table_numbers(t, col)[r];
                if (rs[sec]) {
                    rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: territory '%s', sector '%s'%s%s "
                                 "appears twice", src, aq_table_source_line(t, r),
                                 p->ter.names[refs[r].ter], p->sec.names[sec],
                                 perc >= 0 ? ", period " : "",
                                 perc >= 0 ? p->per.names[refs[r].per] : "");
                    break;
                }
                rs[sec] = 1;
                if (isnan(x)) {
                    if (nmissing++ == 0)
                        snprintf(first_missing, sizeof first_missing, "line %zu, territory '%s', "
                                 "sector '%s'", aq_table_source_line(t, r),
                                 p->ter.names[refs[r].ter], p->sec.names[sec]);
                    x = 0;
                } else if (x < 0) {
                    rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu, territory '%s', sector '%s': "
                                 "%g is negative; employment and output must be >= 0", src,
                                 aq_table_source_line(t, r), p->ter.names[refs[r].ter],
                                 p->sec.names[sec], x);
                    break;
                }
                row[sec] = x;
                rowsum += x;
            }
            if (!rc && totc >= 0) {
                double tot = aq_table_numbers(t, (size_t)totc)[r];
                if (!isnan(tot) && fabs(rowsum - tot) > o->tolerance * fmax(fabs(tot), 1))
                    rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu, territory '%s': the sectors add up "
                                 "to %.15g but column '%s' says %.15g (difference %.6g, more than "
                                 "%g of the total); fix the table or raise --tolerance", src,
                                 aq_table_source_line(t, r), p->ter.names[refs[r].ter], rowsum,
                                 aq_table_colname(t, (size_t)totc), tot, rowsum - tot,
                                 o->tolerance);
            }
        }
        if (!rc && nmissing)
            aq__warn(ctx, "%s: %zu missing value(s) read as 0, the first at %s", src, nmissing,
                     first_missing);
        aq__free(seen);
    }
    aq__free(perorder);
    aq__free(refs);
    aq__free(seccols);
    return rc;
}

/* Takes the nation row out of the territories (or sums them) into p->nat
 * and checks that the territories add up to it. */
static int make_nation(aq_ctx *ctx, const aq_structure_opts *o, panel *p, const char *src)
{
    p->nat = aq__xcalloc(ctx, p->nper * p->nsec + 1, sizeof *p->nat);
    if (!p->nat)
        return AQ_ENOMEM;
    long nj = -1;
    if (o->nation && (nj = namemap_find(&p->ter, o->nation)) < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no territory '%s' to use as the nation", src,
                       o->nation);
    for (size_t per = 0; per < p->nper; per++) {
        double *nat = p->nat + per * p->nsec;
        for (size_t j = 0; j < p->nter; j++) {
            if ((long)j == nj)
                continue;
            const double *row = cell(p, per, j);
            for (size_t i = 0; i < p->nsec; i++)
                nat[i] += row[i];
        }
        if (nj < 0)
            continue;
        const double *given = cell(p, per, (size_t)nj);
        for (size_t i = 0; i < p->nsec; i++) {
            if (fabs(nat[i] - given[i]) > o->tolerance * fmax(fabs(given[i]), 1))
                return aq__err(ctx, AQ_EINPUT, "%s: sector '%s'%s%s: the territories add up to "
                               "%.15g but the nation row '%s' says %.15g (difference %.6g, more "
                               "than %g of the total); check for missing territories or raise "
                               "--tolerance", src, p->sec.names[i], p->per.names[per][0] ?
                               ", period " : "", p->per.names[per], nat[i], o->nation, given[i],
                               nat[i] - given[i], o->tolerance);
            nat[i] = given[i];
        }
    }
    if (nj < 0)
        return AQ_OK;
    /* Drop the nation's row from the territories. */
    size_t last = p->nter - 1;
    for (size_t per = 0; per < p->nper; per++) {
        double *dst = p->v + (per * (p->nter - 1)) * p->nsec;
        for (size_t j = 0; j < p->nter; j++)
            if ((long)j != nj) {
                memmove(dst, cell(p, per, j), sizeof *dst * p->nsec);
                dst += p->nsec;
            }
    }
    aq__free(p->ter.names[nj]);
    memmove(p->ter.names + nj, p->ter.names + nj + 1, sizeof(char *) * (last - (size_t)nj));
    p->ter.n--;
    p->nter--;
    return namemap_rehash(ctx, &p->ter, p->ter.nslots);
}

static int period_index(aq_ctx *ctx, const panel *p, const char *name, size_t dflt, size_t *out,
                        const char *src)
{
    if (!name) {
        *out = dflt;
        return AQ_OK;
    }
    long k = namemap_find(&p->per, name);
    if (k < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no period '%s' (the table has %zu period(s), from "
                       "'%s' to '%s')", src, name, p->nper, p->per.names[0],
                       p->per.names[p->nper - 1]);
    *out = (size_t)k;
    return AQ_OK;
}

/* ---- output tables ---- */

typedef struct out_table {
    aq_table *t;
    size_t ncols;
} out_table;

static int add_cols(aq_ctx *ctx, aq_table *t, const char *const *names, const int *types)
{
    for (size_t k = 0; names[k]; k++) {
        int rc = aq_table_add_column(ctx, t, names[k], (enum aq_coltype)types[k], NULL);
        if (rc)
            return rc;
    }
    return AQ_OK;
}

#define N AQ_COL_NUMBER
#define T AQ_COL_TEXT

static int measure_summary(aq_ctx *ctx, const panel *p, size_t per, aq_table *t)
{
    static const char *const names[] = {"territory", "total", "share", "top_sector", "top_share",
                                        "hhi", "hhi_norm", "krugman", "hoover", "gini_spec",
                                        "sectors_lq_above_1", NULL};
    static const int types[] = {T, N, N, T, N, N, N, N, N, N, N};
    int rc = add_cols(ctx, t, names, types);
    double *rest = aq__xmalloc(ctx, sizeof *rest * p->nsec * 3);
    if (!rest)
        return AQ_ENOMEM;
    double *work = rest + p->nsec, *lq = work + p->nsec;
    const double *nat = p->nat + per * p->nsec;
    double e = 0;
    for (size_t i = 0; i < p->nsec; i++)
        e += nat[i];
    for (size_t j = 0; j < p->nter && !rc; j++) {
        const double *x = cell(p, per, j);
        double tot = 0, top = -1, norm;
        size_t topi = 0, above = 0;
        for (size_t i = 0; i < p->nsec; i++) {
            rest[i] = nat[i] - x[i];
            tot += x[i];
            if (x[i] > top)
                top = x[i], topi = i;
        }
        aq_locq_vector(x, nat, p->nsec, lq);
        for (size_t i = 0; i < p->nsec; i++)
            above += lq[i] > 1;
        double hhi = aq_hhi(x, p->nsec, &norm);
        double v[] = {tot, e ? tot / e : NAN, tot ? top / tot : NAN, hhi, norm,
                      aq_krugman(x, rest, p->nsec), aq_hoover(x, nat, p->nsec),
                      aq_gini_spec(x, nat, p->nsec, work), (double)above};
        rc = aq_table_set_text(ctx, t, 0, j, p->ter.names[j]);
        if (!rc)
            rc = aq_table_set_text(ctx, t, 3, j, tot > 0 ? p->sec.names[topi] : NULL);
        static const size_t cols[] = {1, 2, 4, 5, 6, 7, 8, 9, 10}; /* 3 is top_sector */
        for (size_t k = 0; k < sizeof v / sizeof *v && !rc; k++)
            rc = aq_table_set_number(ctx, t, cols[k], j, v[k]);
    }
    aq__free(rest);
    return rc;
}

static int measure_lq(aq_ctx *ctx, const panel *p, size_t per, aq_table *t)
{
    int rc = aq_table_add_column(ctx, t, "territory", AQ_COL_TEXT, NULL);
    for (size_t i = 0; i < p->nsec && !rc; i++)
        rc = aq_table_add_column(ctx, t, p->sec.names[i], AQ_COL_NUMBER, NULL);
    double *lq = rc ? NULL : aq__xmalloc(ctx, sizeof *lq * p->nsec);
    if (!rc && !lq)
        rc = AQ_ENOMEM;
    for (size_t j = 0; j < p->nter && !rc; j++) {
        aq_locq_vector(cell(p, per, j), p->nat + per * p->nsec, p->nsec, lq);
        rc = aq_table_set_text(ctx, t, 0, j, p->ter.names[j]);
        for (size_t i = 0; i < p->nsec && !rc; i++)
            rc = aq_table_set_number(ctx, t, i + 1, j, lq[i]);
    }
    aq__free(lq);
    return rc;
}

static int measure_localisation(aq_ctx *ctx, const panel *p, size_t per, aq_table *t)
{
    static const char *const names[] = {"sector", "total", "share", "hoover_localisation",
                                        "gini_localisation", "top_territory", "top_lq", NULL};
    static const int types[] = {T, N, N, N, N, T, N};
    int rc = add_cols(ctx, t, names, types);
    double *x = aq__xmalloc(ctx, sizeof *x * p->nter * 3);
    if (!x)
        return AQ_ENOMEM;
    double *tot = x + p->nter, *work = tot + p->nter;
    const double *nat = p->nat + per * p->nsec;
    double e = 0;
    for (size_t i = 0; i < p->nsec; i++)
        e += nat[i];
    for (size_t j = 0; j < p->nter; j++) {
        tot[j] = 0;
        for (size_t i = 0; i < p->nsec; i++)
            tot[j] += cell(p, per, j)[i];
    }
    for (size_t i = 0; i < p->nsec && !rc; i++) {
        double best = -1;
        size_t bj = 0;
        for (size_t j = 0; j < p->nter; j++) {
            x[j] = cell(p, per, j)[i];
            double lq = aq_locq(x[j], tot[j], nat[i], e);
            if (lq > best)
                best = lq, bj = j;
        }
        double v[] = {nat[i], e ? nat[i] / e : NAN, aq_hoover(x, tot, p->nter),
                      aq_gini_spec(x, tot, p->nter, work)};
        rc = aq_table_set_text(ctx, t, 0, i, p->sec.names[i]);
        for (size_t k = 0; k < 4 && !rc; k++)
            rc = aq_table_set_number(ctx, t, k + 1, i, v[k]);
        if (!rc)
            rc = aq_table_set_text(ctx, t, 5, i, best >= 0 ? p->ter.names[bj] : NULL);
        if (!rc)
            rc = aq_table_set_number(ctx, t, 6, i, best >= 0 ? best : NAN);
    }
    aq__free(x);
    return rc;
}

static int measure_shift(aq_ctx *ctx, const panel *p, size_t b, size_t f, bool dynamic,
                         aq_table *t)
{
    static const char *const names[] = {"territory", "base", "final", "growth", "national_share",
                                        "industrial_mix", "regional_shift", "em_homothetic",
                                        "em_allocation", NULL};
    static const int types[] = {T, N, N, N, N, N, N, N, N};
    int rc = add_cols(ctx, t, names, types);
    size_t nper = f - b + 1;
    double *r = aq__xmalloc(ctx, sizeof *r * nper * p->nsec);
    if (!r)
        return AQ_ENOMEM;
    for (size_t j = 0; j < p->nter && !rc; j++) {
        aq_shift s;
        if (dynamic) {
            for (size_t k = 0; k < nper; k++)
                memcpy(r + k * p->nsec, cell(p, b + k, j), sizeof *r * p->nsec);
            rc = aq_shift_share_dynamic(ctx, r, p->nat + b * p->nsec, p->nsec, nper, &s);
        } else {
            rc = aq_shift_share(ctx, cell(p, b, j), cell(p, f, j), p->nat + b * p->nsec,
                                p->nat + f * p->nsec, p->nsec, &s, NULL, NULL);
        }
        if (rc) {
            aq__err_prefix(ctx, "territory '%s'", p->ter.names[j]);
            break;
        }
        double v[] = {s.base, s.final, s.growth, s.national, s.mix, s.regional, s.homothetic,
                      s.allocation};
        rc = aq_table_set_text(ctx, t, 0, j, p->ter.names[j]);
        for (size_t k = 0; k < 8 && !rc; k++)
            rc = aq_table_set_number(ctx, t, k + 1, j, v[k]);
    }
    aq__free(r);
    return rc;
}

/* Per territory and sector: the classic components; with only_advantages,
 * just the sectors with LQ > 1 (final period) and a positive regional shift. */
static int measure_sectors(aq_ctx *ctx, const panel *p, size_t b, size_t f, bool only_advantages,
                           aq_table **out)
{
    size_t nrows = 0, cap = p->nter * p->nsec;
    double *reg = aq__xmalloc(ctx, sizeof *reg * cap * 3);
    if (!reg)
        return AQ_ENOMEM;
    double *mix = reg + cap, *lq = mix + cap;
    int rc = AQ_OK;
    for (size_t j = 0; j < p->nter && !rc; j++) {
        aq_shift s;
        rc = aq_shift_share(ctx, cell(p, b, j), cell(p, f, j), p->nat + b * p->nsec,
                            p->nat + f * p->nsec, p->nsec, &s, reg + j * p->nsec,
                            mix + j * p->nsec);
        if (rc)
            aq__err_prefix(ctx, "territory '%s'", p->ter.names[j]);
        aq_locq_vector(cell(p, f, j), p->nat + f * p->nsec, p->nsec, lq + j * p->nsec);
    }
    for (size_t k = 0; k < cap && !rc; k++)
        nrows += !only_advantages || (lq[k] > 1 && reg[k] > 0);
    aq_table *t = NULL;
    if (!rc)
        rc = aq_table_new(ctx, nrows, &t);
    static const char *const names[] = {"territory", "sector", "base", "final", "lq",
                                        "national_share", "industrial_mix", "regional_shift",
                                        NULL};
    static const int types[] = {T, T, N, N, N, N, N, N};
    if (!rc)
        rc = add_cols(ctx, t, names, types);
    size_t row = 0;
    double g = 0, e0 = 0;
    for (size_t i = 0; i < p->nsec; i++) {
        e0 += p->nat[b * p->nsec + i];
        g += p->nat[f * p->nsec + i];
    }
    g = e0 ? g / e0 - 1 : NAN;
    for (size_t j = 0; j < p->nter && !rc; j++)
        for (size_t i = 0; i < p->nsec && !rc; i++) {
            size_t k = j * p->nsec + i;
            if (only_advantages && !(lq[k] > 1 && reg[k] > 0))
                continue;
            double x0 = cell(p, b, j)[i];
            double v[] = {x0, cell(p, f, j)[i], lq[k], x0 * g, mix[k], reg[k]};
            rc = aq_table_set_text(ctx, t, 0, row, p->ter.names[j]);
            if (!rc)
                rc = aq_table_set_text(ctx, t, 1, row, p->sec.names[i]);
            for (size_t c = 0; c < 6 && !rc; c++)
                rc = aq_table_set_number(ctx, t, c + 2, row, v[c]);
            row++;
        }
    aq__free(reg);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

#undef N
#undef T

int aq_structure_measure_parse(const char *name, enum aq_structure_measure *out)
{
    static const struct {
        const char *name;
        enum aq_structure_measure m;
    } names[] = {{"summary", AQ_STRUCT_SUMMARY},
                 {"lq", AQ_STRUCT_LQ},
                 {"localisation", AQ_STRUCT_LOCALISATION},
                 {"localization", AQ_STRUCT_LOCALISATION},
                 {"shift", AQ_STRUCT_SHIFT},
                 {"shift-sectors", AQ_STRUCT_SHIFT_SECTORS},
                 {"dynamic", AQ_STRUCT_DYNAMIC},
                 {"advantages", AQ_STRUCT_ADVANTAGES}};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++)
        if (name && strcmp(name, names[k].name) == 0) {
            *out = names[k].m;
            return AQ_OK;
        }
    return AQ_EUSAGE;
}

int aq_structure(aq_ctx *ctx, const aq_table *t, const aq_structure_opts *opts,
                 enum aq_structure_measure measure, aq_table **out)
{
    aq_structure_opts dflt;
    if (!opts) {
        aq_structure_opts_init(&dflt);
        opts = &dflt;
    }
    const char *src = aq_table_source(t) ? aq_table_source(t) : "table";
    panel p;
    memset(&p, 0, sizeof p);
    int rc = load_panel(ctx, t, opts, &p);
    if (!rc)
        rc = make_nation(ctx, opts, &p, src);
    if (!rc && p.nter == 0)
        rc = aq__err(ctx, AQ_EINPUT, "%s: no territories", src);
    size_t at = 0, b = 0, f = 0;
    if (!rc)
        rc = period_index(ctx, &p, opts->at, p.nper - 1, &at, src);
    if (!rc)
        rc = period_index(ctx, &p, opts->base, 0, &b, src);
    if (!rc)
        rc = period_index(ctx, &p, opts->final, p.nper - 1, &f, src);
    bool twoper = measure == AQ_STRUCT_SHIFT || measure == AQ_STRUCT_SHIFT_SECTORS ||
                  measure == AQ_STRUCT_DYNAMIC || measure == AQ_STRUCT_ADVANTAGES;
    if (!rc && twoper && b >= f)
        rc = aq__err(ctx, AQ_EINPUT, "%s: shift-share needs a base period before the final one; "
                     "the table has %zu period(s)%s (name the period column with --period)", src,
                     p.nper, p.nper >= 2 ? " and the base is not before the final" : "");
    aq_table *res = NULL;
    if (!rc && measure != AQ_STRUCT_SHIFT_SECTORS && measure != AQ_STRUCT_ADVANTAGES) {
        size_t nrows = measure == AQ_STRUCT_LOCALISATION ? p.nsec : p.nter;
        rc = aq_table_new(ctx, nrows, &res);
    }
    if (!rc) {
        switch (measure) {
        case AQ_STRUCT_SUMMARY:
            rc = measure_summary(ctx, &p, at, res);
            break;
        case AQ_STRUCT_LQ:
            rc = measure_lq(ctx, &p, at, res);
            break;
        case AQ_STRUCT_LOCALISATION:
            rc = measure_localisation(ctx, &p, at, res);
            break;
        case AQ_STRUCT_SHIFT:
            rc = measure_shift(ctx, &p, b, f, false, res);
            break;
        case AQ_STRUCT_DYNAMIC:
            rc = measure_shift(ctx, &p, b, f, true, res);
            break;
        case AQ_STRUCT_SHIFT_SECTORS:
        case AQ_STRUCT_ADVANTAGES:
            rc = measure_sectors(ctx, &p, b, f, measure == AQ_STRUCT_ADVANTAGES, &res);
            break;
        default:
            rc = aq__err(ctx, AQ_EUSAGE, "unknown structure measure %d", (int)measure);
        }
    }
    panel_free(&p);
    if (rc) {
        aq_table_free(res);
        return rc;
    }
    *out = res;
    return AQ_OK;
}
