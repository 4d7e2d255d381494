/*
 * match.c -- which unit does each row of a table mean?
 *
 * By code where there is one; else by name, within the row's parent: the
 * same village name occurs in many districts (KATO has hundreds of
 * "Жаңаауыл"), so a name alone is not an identity. The parent comes from a
 * parent code column, or from geometry: the unit of a higher level whose
 * polygon contains the row's point. Names are compared by the strict key,
 * then by the loose key (keyboard fallbacks, administrative words), then by
 * transliteration; each match says which way it was made, and ambiguous
 * rows list their candidates instead of guessing.
 */
#include "gdal_in.h"
#include "names.h"
#include "store.h"
#include "strmap.h"
#include "table.h"

#include <gdal.h>
#include <ogr_api.h>
#include <cpl_error.h>
#include <string.h>

#define MAX_CANDIDATES 8

typedef struct unit_rec {
    char *code, *name;   /* name: the first of kk, ru, en */
    long parent;         /* index of the parent in units[], or -1 */
    bool at_level;
    int kind;            /* AQ__KIND_*: from the store's kind, else the names */
} unit_rec;

/* A key -> units index: a map to the first unit, chained through next[]. */
typedef struct name_index {
    aq__strmap first;
    long *next; /* per (unit, name) entry */
    long *unit_of;
    unsigned char *renamed; /* the entry is an old name from the rename list */
    size_t n, cap;
} name_index;

/* The romanisation keys of every name, for the edit-distance pass. */
typedef struct fuzzy_entry {
    long unit;
    char *roman;
    bool renamed;
} fuzzy_entry;

/* The entries under one parent, gathered the first time a row needs them:
 * the parents are few (regions, districts), the rows many. */
typedef struct fuzzy_group {
    long parent;
    size_t *entry, n;
    size_t nunits; /* distinct units among the entries */
} fuzzy_group;

/* The romanisation, stem and edit-distance passes guess, so they run only
 * where a guess is safe: under a parent with few units of the level (a
 * region has at most 25 districts). Among a region's hundreds of villages,
 * names a letter or an ending apart are different villages (Ақсу and
 * Ақсан, Раң and Раннее, Сарысу and Сарысай: all seen in the OSM example),
 * and the romanisation key, which merges і ы и and ш щ, would pair
 * Кенащы with Кеңашы on a guess. */
#define GUESS_MAX_UNITS 60

enum { IX_STRICT, IX_LOOSE, IX_ROMAN, IX_STEM, NIX };
static const char *const stage_name[NIX] = {"name", "loose", "roman", "stem"};

typedef struct matcher {
    aq_ctx *ctx;
    unit_rec *units;
    size_t nunits;
    aq__strmap by_code;
    name_index ix[NIX];
    fuzzy_entry *fz;
    size_t nfz, capfz;
    fuzzy_group *groups;
    size_t ngroups, capgroups;
    aq_buf kbuf;
} matcher;

static int index_add(matcher *m, name_index *ix, const char *key, long unit, bool renamed)
{
    size_t cap2 = ix->cap, cap3 = ix->cap;
    if (!*key)
        return AQ_OK; /* a name made only of affixes or punctuation */
    if (aq__grow(m->ctx, (void **)&ix->next, &ix->cap, ix->n + 1, sizeof *ix->next) ||
        aq__grow(m->ctx, (void **)&ix->unit_of, &cap2, ix->n + 1, sizeof *ix->unit_of) ||
        aq__grow(m->ctx, (void **)&ix->renamed, &cap3, ix->n + 1, sizeof *ix->renamed))
        return AQ_ENOMEM;
    int64_t head;
    ix->next[ix->n] = aq__strmap_get(&ix->first, key, &head) ? (long)head : -1;
    ix->unit_of[ix->n] = unit;
    ix->renamed[ix->n] = renamed;
    if (aq__strmap_put(&ix->first, key, (int64_t)ix->n))
        return aq__oom(m->ctx);
    ix->n++;
    return AQ_OK;
}

static void index_free(name_index *ix)
{
    aq__strmap_free(&ix->first);
    aq__free(ix->next);
    aq__free(ix->unit_of);
    aq__free(ix->renamed);
}

/* The key of stage IX for NAME into m->kbuf; false when it has none. */
static bool stage_key(matcher *m, int ix, const char *name, int *kind)
{
    m->kbuf.len = 0;
    size_t n = strlen(name);
    int rc;
    switch (ix) {
    case IX_STRICT: rc = aq__name_key_append(m->ctx, name, n, &m->kbuf, NULL); break;
    case IX_LOOSE: rc = aq__name_loose_append(m->ctx, name, n, &m->kbuf); break;
    default:
        rc = aq__name_roman_append(m->ctx, name, n, &m->kbuf, kind);
        if (rc == AQ_OK && ix == IX_STEM && m->kbuf.data)
            m->kbuf.len = aq__name_stem(m->kbuf.data, m->kbuf.len);
        break;
    }
    if (rc) {
        aq_clear_error(m->ctx); /* a name that cannot be keyed is simply not found */
        return false;
    }
    return m->kbuf.data && m->kbuf.len > 0;
}

/* Adds NAME of unit U under every key (and its transliteration under the
 * strict and loose keys), and keeps its romanisation key for the fuzzy
 * pass. */
static int index_name(matcher *m, long u, const char *name, bool renamed)
{
    int rc = AQ_OK;
    char *latin = NULL;
    const char *forms[2] = {name, NULL};
    if (aq_translit_latin(m->ctx, name, &latin) == AQ_OK)
        forms[1] = latin;
    aq_clear_error(m->ctx);
    for (int f = 0; f < 2 && rc == AQ_OK; f++)
        for (int ix = IX_STRICT; ix <= IX_LOOSE && rc == AQ_OK; ix++)
            if (forms[f] && stage_key(m, ix, forms[f], NULL))
                rc = index_add(m, &m->ix[ix], m->kbuf.data, u, renamed);
    aq__free(latin);
    /* romanisation folds both scripts itself: the name alone suffices */
    if (rc == AQ_OK && stage_key(m, IX_ROMAN, name, NULL)) {
        rc = index_add(m, &m->ix[IX_ROMAN], m->kbuf.data, u, renamed);
        if (rc == AQ_OK && aq__grow(m->ctx, (void **)&m->fz, &m->capfz, m->nfz + 1, sizeof *m->fz))
            rc = AQ_ENOMEM;
        if (rc == AQ_OK) {
            fuzzy_entry *e = &m->fz[m->nfz];
            e->unit = u;
            e->renamed = renamed;
            e->roman = aq__strdup(m->kbuf.data);
            if (!e->roman)
                rc = aq__oom(m->ctx);
            else
                m->nfz++;
        }
    }
    if (rc == AQ_OK && stage_key(m, IX_STEM, name, NULL))
        rc = index_add(m, &m->ix[IX_STEM], m->kbuf.data, u, renamed);
    return rc;
}

static int index_names(matcher *m, long u, const char *const *names, size_t nnames)
{
    int rc = AQ_OK;
    for (size_t k = 0; k < nnames && rc == AQ_OK; k++)
        if (names[k])
            rc = index_name(m, u, names[k], false);
    return rc;
}

static int kind_of_unit(matcher *m, const char *kind, const char *const *names, size_t nnames)
{
    if (kind && (strcmp(kind, "city_administration") == 0 || strcmp(kind, "city") == 0))
        return AQ__KIND_CITY;
    if (kind && strcmp(kind, "district") == 0)
        return AQ__KIND_DISTRICT;
    for (size_t k = 0; k < nnames; k++) {
        if (!names[k] || !stage_key(m, IX_STRICT, names[k], NULL))
            continue;
        int kd = aq__name_kind(m->kbuf.data, m->kbuf.len);
        if (kd)
            return kd;
    }
    return AQ__KIND_ANY;
}

static int load_units(aq_store *s, matcher *m, const char *level)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT code, parent, level, name_kk, name_ru, name_en, kind FROM units ORDER BY id", &st);
    size_t cap = 0;
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        if (aq__grow(m->ctx, (void **)&m->units, &cap, m->nunits + 1, sizeof *m->units)) {
            rc = AQ_ENOMEM;
            break;
        }
        unit_rec *u = &m->units[m->nunits];
        memset(u, 0, sizeof *u);
        const char *lv = aq__db_column_text(st, 2);
        u->at_level = lv && strcmp(lv, level) == 0;
        u->code = aq__strdup(aq__db_column_text(st, 0));
        const char *nm = NULL;
        for (int k = 3; k <= 5 && !nm; k++)
            nm = aq__db_column_text(st, k);
        u->name = nm ? aq__strdup(nm) : NULL;
        u->parent = -1; /* resolved below, once every code has an index */
        if (!u->code || (nm && !u->name) || aq__strmap_put(&m->by_code, u->code, (int64_t)m->nunits)) {
            rc = aq__oom(m->ctx);
            break;
        }
        m->nunits++;
        if (u->at_level) {
            const char *names[3] = {aq__db_column_text(st, 3), aq__db_column_text(st, 4),
                                    aq__db_column_text(st, 5)};
            u->kind = kind_of_unit(m, aq__db_column_text(st, 6), names, 3);
            rc = index_names(m, (long)m->nunits - 1, names, 3);
        }
    }
    aq__db_finalize(st);
    if (rc)
        return rc;
    /* Second pass for the parents, now that every code has an index. */
    rc = aq__store_prepare(s, "SELECT parent FROM units ORDER BY id", &st);
    for (size_t i = 0; rc == AQ_OK && i < m->nunits && aq__store_row(s, st, &rc); i++) {
        const char *p = aq__db_column_text(st, 0);
        int64_t pi;
        m->units[i].parent = p && aq__strmap_get(&m->by_code, p, &pi) ? (long)pi : -1;
    }
    aq__db_finalize(st);
    return rc;
}

static bool descends_from(const matcher *m, long u, long ancestor)
{
    for (int depth = 0; u >= 0 && depth < 64; depth++, u = m->units[u].parent)
        if (u == ancestor)
            return true;
    return false;
}

/* Candidates of one row: distinct units, whether any came through an old
 * name, and (fuzzy pass) their distances. */
typedef struct cands {
    long u[MAX_CANDIDATES];
    size_t dist[MAX_CANDIDATES];
    size_t n;
    bool renamed;
} cands;

static void cands_add(cands *c, long u, size_t dist, bool renamed)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->u[i] == u) {
            if (dist < c->dist[i])
                c->dist[i] = dist;
            return;
        }
    if (c->n < MAX_CANDIDATES) {
        c->u[c->n] = u;
        c->dist[c->n++] = dist;
        c->renamed = c->renamed || renamed;
    }
}

/* Adds the distinct units under KEY in IX (descendants of PARENT when >= 0). */
static void lookup(const matcher *m, const name_index *ix, const char *key, long parent, cands *c)
{
    int64_t e;
    if (!aq__strmap_get(&ix->first, key, &e))
        return;
    for (long k = (long)e; k >= 0; k = ix->next[k]) {
        long u = ix->unit_of[k];
        if (parent >= 0 && !descends_from(m, u, parent))
            continue;
        cands_add(c, u, 0, ix->renamed[k]);
    }
}

/* Keeps the candidates whose kind agrees with a row's: a name marked as a
 * city ("г.Костанай", "Арқалық қ.ә.") only matches a city, never the
 * district of the same name; a district name prefers districts but may be
 * a city administration (KATO's "Ақсу Қ.Ә." took in the old Aksu district),
 * so that is only a preference. Candidates of the wrong kind go to OFF. */
static void by_kind(const matcher *m, int kind, cands *c, cands *off)
{
    if (kind == AQ__KIND_ANY || c->n == 0)
        return;
    cands keep = {.n = 0, .renamed = false};
    for (size_t i = 0; i < c->n; i++) {
        int uk = m->units[c->u[i]].kind;
        if (uk == kind || uk == AQ__KIND_ANY)
            cands_add(&keep, c->u[i], c->dist[i], c->renamed);
    }
    if (kind == AQ__KIND_DISTRICT && keep.n == 0)
        return; /* only a preference */
    if (keep.n < c->n)
        for (size_t i = 0; i < c->n; i++)
            if (m->units[c->u[i]].kind != kind && m->units[c->u[i]].kind != AQ__KIND_ANY)
                cands_add(off, c->u[i], c->dist[i], false);
    *c = keep;
}

/* The fuzzy-pass entries under PARENT (gathered once per parent). */
static const fuzzy_group *group_of(matcher *m, long parent)
{
    for (size_t g = 0; g < m->ngroups; g++)
        if (m->groups[g].parent == parent)
            return &m->groups[g];
    if (aq__grow(m->ctx, (void **)&m->groups, &m->capgroups, m->ngroups + 1, sizeof *m->groups))
        return NULL;
    fuzzy_group *g = &m->groups[m->ngroups];
    size_t cap = 0;
    g->parent = parent;
    g->entry = NULL;
    g->n = 0;
    g->nunits = 0;
    for (size_t k = 0; k < m->nfz; k++) {
        if (!descends_from(m, m->fz[k].unit, parent))
            continue;
        /* a unit's own entries are consecutive; one with old names counts twice,
         * an upper bound */
        g->nunits += g->n == 0 || m->fz[g->entry[g->n - 1]].unit != m->fz[k].unit;
        if (aq__grow(m->ctx, (void **)&g->entry, &cap, g->n + 1, sizeof *g->entry)) {
            aq__free(g->entry);
            return NULL;
        }
        g->entry[g->n++] = k;
    }
    m->ngroups++;
    return g;
}

/* How far a romanisation key of N letters may be from a unit's to count
 * as a typo of it: one letter from 8 letters on, two from 12 ("Astrakhansiy"
 * for Астраханский is one); shorter names are too alike to guess. */
static size_t fuzzy_max(size_t n) { return n >= 12 ? 2 : n >= 8 ? 1 : 0; }

/* The units under PARENT whose romanisation key is within MAX of KEY. */
static int fuzzy(matcher *m, const char *key, long parent, size_t max, cands *c)
{
    const fuzzy_group *g = group_of(m, parent);
    if (!g)
        return AQ_ENOMEM;
    for (size_t i = 0; i < g->n; i++) {
        const fuzzy_entry *e = &m->fz[g->entry[i]];
        size_t d = aq__name_distance(key, e->roman, max);
        if (d <= max)
            cands_add(c, e->unit, d, e->renamed);
    }
    return AQ_OK;
}

/* ---- the containing polygon (opts->within) ---- */

/* Prepared geometries make the thousands of point-in-polygon tests against
 * the same few detailed boundaries cheap (GEOS indexes their edges once). */
typedef struct area {
    long unit;
    OGRGeometryH g;
    OGRPreparedGeometryH prep;
    OGREnvelope env;
} area;

static int load_areas(aq_store *s, matcher *m, const char *within, area **out, size_t *nout)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT code, geom FROM units WHERE level = ?1 AND geom IS NOT NULL", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, within);
    size_t cap = 0, n = 0;
    area *a = NULL;
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        int64_t u;
        OGRGeometryH g = NULL;
        if (!aq__strmap_get(&m->by_code, aq__db_column_text(st, 0), &u) ||
            OGR_G_CreateFromWkb(aq__db_column_blob(st, 1), NULL, &g, aq__db_column_bytes(st, 1)) != OGRERR_NONE)
            continue;
        if (aq__grow(m->ctx, (void **)&a, &cap, n + 1, sizeof *a)) {
            OGR_G_DestroyGeometry(g);
            rc = AQ_ENOMEM;
            break;
        }
        a[n].unit = (long)u;
        a[n].g = g;
        a[n].prep = OGRCreatePreparedGeometry(g);
        OGR_G_GetEnvelope(g, &a[n].env);
        n++;
    }
    aq__db_finalize(st);
    if (rc == AQ_OK && n == 0)
        rc = aq__err(m->ctx, AQ_ENOTFOUND, "no unit of level '%s' has a polygon in the store: import boundaries first", within);
    *out = a;
    *nout = n;
    return rc;
}

static long containing(const area *a, size_t n, const unsigned char *wkb, size_t len)
{
    OGRGeometryH pt = NULL;
    if (!wkb || OGR_G_CreateFromWkb(wkb, NULL, &pt, (int)len) != OGRERR_NONE)
        return -1;
    if (wkbFlatten(OGR_G_GetGeometryType(pt)) != wkbPoint) {
        /* a boundary rather than a place: a point inside it stands for it,
         * since two boundary files never share their edges exactly */
        OGRGeometryH in = OGR_G_PointOnSurface(pt);
        OGR_G_DestroyGeometry(pt);
        if (!in)
            return -1;
        pt = in;
    }
    OGREnvelope e;
    OGR_G_GetEnvelope(pt, &e);
    long found = -1;
    for (size_t i = 0; i < n && found < 0; i++)
        if (e.MinX >= a[i].env.MinX && e.MaxX <= a[i].env.MaxX && e.MinY >= a[i].env.MinY && e.MaxY <= a[i].env.MaxY &&
            (a[i].prep ? OGRPreparedGeometryContains(a[i].prep, pt) : OGR_G_Contains(a[i].g, pt)))
            found = a[i].unit;
    OGR_G_DestroyGeometry(pt);
    return found;
}

/* ---- matching ---- */

void aq_match_opts_init(aq_match_opts *opts) { memset(opts, 0, sizeof *opts); }

static const char *const name_columns[] = {"name", "name_kk", "name:kk", "name_ru", "name:ru", "name_en", "name:en", NULL};

typedef struct out_cols {
    size_t row, input, parent, code, matched, method, status, cands;
} out_cols;

static int make_output(aq_ctx *ctx, aq_table *out, out_cols *c)
{
    int rc = AQ_OK;
    struct { const char *name; enum aq_coltype type; size_t *col; } cols[] = {
        {"row", AQ_COL_NUMBER, &c->row},       {"input_name", AQ_COL_TEXT, &c->input},
        {"parent", AQ_COL_TEXT, &c->parent},   {"code", AQ_COL_TEXT, &c->code},
        {"matched_name", AQ_COL_TEXT, &c->matched}, {"method", AQ_COL_TEXT, &c->method},
        {"status", AQ_COL_TEXT, &c->status},   {"candidates", AQ_COL_TEXT, &c->cands}};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0] && rc == AQ_OK; k++)
        rc = aq_table_add_column(ctx, out, cols[k].name, cols[k].type, cols[k].col);
    return rc;
}

/* Looks the row's names up in index IX; the first name column that
 * identifies a unit decides. */
static void match_names(matcher *m, const aq_table *t, const long *ncols, size_t row, long parent, int ix, cands *c,
                        const char **input)
{
    for (size_t k = 0; ncols[k] != -2; k++) {
        if (ncols[k] < 0)
            continue;
        const char *nm = aq_table_text(t, (size_t)ncols[k], row);
        if (!nm)
            continue;
        if (!*input)
            *input = nm;
        if (!stage_key(m, ix, nm, NULL))
            continue;
        lookup(m, &m->ix[ix], m->kbuf.data, parent, c);
        if (c->n == 0 && ix == IX_STEM && stage_key(m, IX_ROMAN, nm, NULL) && m->kbuf.len > 3 &&
            memcmp(m->kbuf.data + m->kbuf.len - 3, "ski", 3) == 0) {
            /* doubled letters collapsed before the ending was cut: "Арысский"
             * is "ariski", its stem "ari"; the town is "Арыс" */
            m->kbuf.len = aq__name_stem(m->kbuf.data, m->kbuf.len);
            aq__buf_append(&m->kbuf, "s", 1);
            if (!m->kbuf.failed)
                lookup(m, &m->ix[ix], m->kbuf.data, parent, c);
        }
        if (c->n == 1)
            break;
    }
}

/* The kind a row's first name announces (aq__name_kind). */
static int row_kind(matcher *m, const aq_table *t, const long *ncols, size_t row)
{
    for (size_t k = 0; ncols[k] != -2; k++) {
        const char *nm = ncols[k] >= 0 ? aq_table_text(t, (size_t)ncols[k], row) : NULL;
        if (nm && stage_key(m, IX_STRICT, nm, NULL))
            return aq__name_kind(m->kbuf.data, m->kbuf.len);
    }
    return AQ__KIND_ANY;
}

/* Indexes the old names of a rename list (columns code and name or
 * old_name) under the units they belong to now. */
static int load_renames(matcher *m, const aq_table *r)
{
    long cc = aq_table_find(r, "code"), nc = aq_table_find(r, "old_name");
    if (nc < 0)
        nc = aq_table_find(r, "name");
    if (cc < 0 || nc < 0)
        return aq__err(m->ctx, AQ_EINPUT, "the rename list%s%s needs the columns code and old_name",
                       aq_table_source(r) ? " " : "", aq_table_source(r) ? aq_table_source(r) : "");
    int rc = AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(r) && rc == AQ_OK; i++) {
        const char *code = aq_table_text(r, (size_t)cc, i), *nm = aq_table_text(r, (size_t)nc, i);
        int64_t u;
        if (!code || !nm)
            continue;
        if (!aq__strmap_get(&m->by_code, code, &u))
            return aq__err(m->ctx, AQ_EINPUT, "the rename list %s, line %zu: no unit '%s' in the store",
                           aq_table_source(r) ? aq_table_source(r) : "", aq_table_source_line(r, i), code);
        if (m->units[u].at_level)
            rc = index_name(m, (long)u, nm, true);
    }
    return rc;
}

/* Copies the input's columns into the result, before the matcher's own;
 * an input column named like one of those is kept as input_<name>. */
static int copy_input(aq_ctx *ctx, const aq_table *t, aq_table *r)
{
    static const char *const own[] = {"row", "input_name", "parent", "code", "matched_name", "method",
                                      "status", "candidates", NULL};
    int rc = AQ_OK;
    for (size_t c = 0; c < aq_table_ncols(t) && rc == AQ_OK; c++) {
        const char *name = aq_table_colname(t, c);
        aq_buf nb = {0};
        bool clash = false;
        for (size_t k = 0; own[k]; k++)
            clash = clash || strcmp(own[k], name) == 0;
        aq__buf_printf(&nb, "%s%s", clash ? "input_" : "", name);
        size_t col;
        int type = aq_table_coltype(t, c);
        rc = nb.failed ? aq__oom(ctx) : aq_table_add_column(ctx, r, nb.data, (enum aq_coltype)type, &col);
        aq__buf_free(&nb);
        if (rc)
            break;
        const double *num = aq_table_numbers(t, c);
        for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++)
            rc = num ? aq_table_set_number(ctx, r, col, i, num[i])
                     : aq_table_set_text(ctx, r, col, i, aq_table_text(t, c, i));
    }
    return rc;
}

/* Writes the candidates as "code;code", with "~distance" after each when
 * they come from the fuzzy pass. */
static int set_cands(aq_ctx *ctx, aq_table *r, size_t col, size_t row, const matcher *m, const cands *c, bool dist)
{
    if (c->n == 0)
        return AQ_OK;
    aq_buf b = {0};
    for (size_t k = 0; k < c->n; k++) {
        aq__buf_printf(&b, "%s%s", k ? ";" : "", m->units[c->u[k]].code);
        if (dist)
            aq__buf_printf(&b, "~%zu", c->dist[k]);
    }
    int rc = b.failed ? aq__oom(ctx) : aq_table_set_text(ctx, r, col, row, b.data);
    aq__buf_free(&b);
    return rc;
}

/* Orders fuzzy candidates by distance (few: insertion sort). */
static void sort_cands(cands *c)
{
    for (size_t i = 1; i < c->n; i++)
        for (size_t j = i; j > 0 && c->dist[j] < c->dist[j - 1]; j--) {
            long u = c->u[j];
            size_t d = c->dist[j];
            c->u[j] = c->u[j - 1], c->dist[j] = c->dist[j - 1];
            c->u[j - 1] = u, c->dist[j - 1] = d;
        }
}

int aq_match(aq_store *s, const aq_table *t, const aq_match_opts *opts, aq_table **out)
{
    aq_ctx *ctx = s->ctx;
    if (!opts || !opts->level)
        return aq__err(ctx, AQ_EUSAGE, "matching needs the level of the units to match to");
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT 1 FROM levels WHERE name = ?1", &st);
    if (rc)
        return rc;
    for (int k = 0; k < 2 && rc == AQ_OK; k++) {
        const char *lv = k == 0 ? opts->level : opts->within;
        if (!lv)
            continue;
        aq__db_reset(st);
        aq__db_bind_text(st, 1, lv);
        if (aq__db_step(st) != AQ_DB_ROW)
            rc = aq__err(ctx, AQ_ENOTFOUND, "no level '%s' in the store '%s'", lv, s->path);
    }
    aq__db_finalize(st);
    if (rc)
        return rc;
    long ncols[8];
    bool any_name = false;
    if (opts->name_column) {
        ncols[0] = aq_table_find(t, opts->name_column);
        ncols[1] = -2;
        if (ncols[0] < 0)
            return aq__err(ctx, AQ_EINPUT, "the table has no column '%s' (--name-column)", opts->name_column);
        any_name = true;
    } else {
        size_t k = 0;
        for (; name_columns[k]; k++) {
            ncols[k] = aq_table_find(t, name_columns[k]);
            any_name = any_name || ncols[k] >= 0;
        }
        ncols[k] = -2;
    }
    long code_col;
    if (opts->code_column) {
        if ((code_col = aq_table_find(t, opts->code_column)) < 0)
            return aq__err(ctx, AQ_EINPUT, "the table has no column '%s' (--code-column)", opts->code_column);
    } else if ((code_col = aq_table_find(t, "code")) < 0) {
        code_col = aq_table_find(t, "kato");
    }
    long parent_col = aq_table_find(t, opts->parent_column ? opts->parent_column : "parent");
    if (parent_col < 0 && !opts->parent_column)
        parent_col = aq_table_find(t, "parent_code");
    if (opts->parent_column && parent_col < 0)
        return aq__err(ctx, AQ_EINPUT, "the table has no column '%s'", opts->parent_column);
    if (!any_name && code_col < 0)
        return aq__err(ctx, AQ_EINPUT, "the table has neither a code nor a name column (name, name_kk, name_ru, name_en)");

    matcher m = {.ctx = ctx};
    area *areas = NULL;
    size_t nareas = 0;
    aq_table *r = NULL;
    out_cols oc;
    aq__gdal_init();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    rc = load_units(s, &m, opts->level);
    if (rc == AQ_OK && opts->renames)
        rc = load_renames(&m, opts->renames);
    if (rc == AQ_OK && opts->within)
        rc = load_areas(s, &m, opts->within, &areas, &nareas);
    if (rc == AQ_OK)
        rc = aq_table_new(ctx, aq_table_nrows(t), &r);
    if (rc == AQ_OK)
        rc = copy_input(ctx, t, r);
    if (rc == AQ_OK)
        rc = make_output(ctx, r, &oc);
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        cands c = {.n = 0, .renamed = false}, off = {.n = 0, .renamed = false};
        const char *input = NULL, *method = NULL;
        long parent = -1;
        bool fuzzy_found = false;
        aq_table_set_number(ctx, r, oc.row, i, (double)aq_table_source_line(t, i));
        /* codes read as numbers (a column the reader did not know for a
         * code column) are compared as the text they were */
        char codebuf[64], parentbuf[64];
        const char *code = code_col >= 0 ? aq_table_cell(t, (size_t)code_col, i, codebuf, sizeof codebuf) : NULL;
        if (code && !*code)
            code = NULL;
        int64_t u;
        if (code && aq__strmap_get(&m.by_code, code, &u) && m.units[u].at_level) {
            cands_add(&c, (long)u, 0, false);
            method = "code";
        } else {
            const char *pc = parent_col >= 0 ? aq_table_cell(t, (size_t)parent_col, i, parentbuf, sizeof parentbuf) : NULL;
            int64_t pu;
            if (pc && aq__strmap_get(&m.by_code, pc, &pu))
                parent = (long)pu;
            else if (nareas) {
                size_t len;
                const unsigned char *g = aq_table_geometry(t, i, &len);
                parent = containing(areas, nareas, g, len);
            }
            int kind = row_kind(&m, t, ncols, i);
            const fuzzy_group *grp = parent >= 0 ? group_of(&m, parent) : NULL;
            if (parent >= 0 && !grp) {
                rc = AQ_ENOMEM;
                break;
            }
            bool guess = grp && grp->nunits <= GUESS_MAX_UNITS;
            for (int ix = 0; ix < (guess ? NIX : IX_ROMAN) && c.n == 0; ix++) {
                match_names(&m, t, ncols, i, parent, ix, &c, &input);
                by_kind(&m, kind, &c, &off);
                if (c.n)
                    method = stage_name[ix];
            }
            /* the edit-distance pass, and the candidates of a row left
             * unmatched: only within a parent, where the units are few, and
             * not for a name whose only namesakes are of the wrong kind */
            const char *nm = input;
            if (c.n == 0 && off.n == 0 && guess && nm && stage_key(&m, IX_ROMAN, nm, NULL)) {
                char *key = aq__strdup(m.kbuf.data);
                size_t max = fuzzy_max(strlen(m.kbuf.data));
                cands near = {.n = 0, .renamed = false};
                if (!key)
                    rc = aq__oom(ctx);
                else
                    rc = fuzzy(&m, key, parent, max > 0 ? max + 1 : 2, &near);
                aq__free(key);
                sort_cands(&near);
                if (rc == AQ_OK && max > 0 && near.n && near.dist[0] <= max) {
                    cands best = {.n = 0, .renamed = false};
                    for (size_t k = 0; k < near.n; k++)
                        if (near.dist[k] <= max)
                            cands_add(&best, near.u[k], near.dist[k], near.renamed);
                    by_kind(&m, kind, &best, &off);
                    if (best.n == 1 || (best.n > 1 && best.dist[0] < best.dist[1])) {
                        c.u[0] = best.u[0], c.dist[0] = best.dist[0], c.n = 1;
                        c.renamed = near.renamed;
                        method = "fuzzy";
                    } else if (best.n > 1) {
                        c = best;
                        method = "fuzzy";
                    }
                }
                if (near.n) {
                    fuzzy_found = true;
                    off = near; /* listed beside a fuzzy or missing match */
                }
            }
        }
        if (rc)
            break;
        size_t glen;
        const unsigned char *g = aq_table_geometry(t, i, &glen);
        if (g)
            rc = aq_table_set_geometry(ctx, r, i, g, glen, aq_table_crs(t));
        aq_table_set_text(ctx, r, oc.input, i, input ? input : code);
        aq_table_set_text(ctx, r, oc.parent, i, parent >= 0 ? m.units[parent].code : NULL);
        aq_table_set_text(ctx, r, oc.method, i, c.n && c.renamed ? "renamed" : method);
        if (c.n == 1) {
            aq_table_set_text(ctx, r, oc.code, i, m.units[c.u[0]].code);
            aq_table_set_text(ctx, r, oc.matched, i, m.units[c.u[0]].name);
            aq_table_set_text(ctx, r, oc.status, i, "matched");
            if (rc == AQ_OK && method && strcmp(method, "fuzzy") == 0)
                rc = set_cands(ctx, r, oc.cands, i, &m, &off, true);
        } else if (c.n > 1) {
            aq_table_set_text(ctx, r, oc.status, i, "ambiguous");
            if (rc == AQ_OK)
                rc = set_cands(ctx, r, oc.cands, i, &m, &c, method && strcmp(method, "fuzzy") == 0);
        } else {
            aq_table_set_text(ctx, r, oc.status, i, "unmatched");
            if (rc == AQ_OK)
                rc = set_cands(ctx, r, oc.cands, i, &m, &off, fuzzy_found);
        }
    }
    CPLPopErrorHandler();
    for (size_t k = 0; k < nareas; k++) {
        OGRDestroyPreparedGeometry(areas[k].prep);
        OGR_G_DestroyGeometry(areas[k].g);
    }
    aq__free(areas);
    for (size_t k = 0; k < m.nunits; k++) {
        aq__free(m.units[k].code);
        aq__free(m.units[k].name);
    }
    aq__free(m.units);
    aq__strmap_free(&m.by_code);
    for (int k = 0; k < NIX; k++)
        index_free(&m.ix[k]);
    for (size_t k = 0; k < m.nfz; k++)
        aq__free(m.fz[k].roman);
    aq__free(m.fz);
    for (size_t k = 0; k < m.ngroups; k++)
        aq__free(m.groups[k].entry);
    aq__free(m.groups);
    aq__buf_free(&m.kbuf);
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}
