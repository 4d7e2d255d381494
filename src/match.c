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
} unit_rec;

/* A key -> units index: a map to the first unit, chained through next[]. */
typedef struct name_index {
    aq__strmap first;
    long *next; /* per (unit, name) entry */
    long *unit_of;
    size_t n, cap;
} name_index;

typedef struct matcher {
    aq_ctx *ctx;
    unit_rec *units;
    size_t nunits;
    aq__strmap by_code;
    name_index strict, loose;
    aq_buf kbuf;
} matcher;

static int index_add(matcher *m, name_index *ix, const char *key, long unit)
{
    size_t cap2 = ix->cap;
    if (aq__grow(m->ctx, (void **)&ix->next, &ix->cap, ix->n + 1, sizeof *ix->next) ||
        aq__grow(m->ctx, (void **)&ix->unit_of, &cap2, ix->n + 1, sizeof *ix->unit_of))
        return AQ_ENOMEM;
    int64_t head;
    ix->next[ix->n] = aq__strmap_get(&ix->first, key, &head) ? (long)head : -1;
    ix->unit_of[ix->n] = unit;
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
}

/* Adds every name of unit U (and its transliteration) under both keys. */
static int index_names(matcher *m, long u, const char *const *names, size_t nnames)
{
    int rc = AQ_OK;
    for (size_t k = 0; k < nnames && rc == AQ_OK; k++) {
        if (!names[k])
            continue;
        char *latin = NULL;
        const char *forms[2] = {names[k], NULL};
        if (aq_translit_latin(m->ctx, names[k], &latin) == AQ_OK)
            forms[1] = latin;
        for (int f = 0; f < 2 && rc == AQ_OK; f++) {
            if (!forms[f])
                continue;
            m->kbuf.len = 0;
            if (aq__name_key_append(m->ctx, forms[f], strlen(forms[f]), &m->kbuf, NULL) == AQ_OK && m->kbuf.data)
                rc = index_add(m, &m->strict, m->kbuf.data, u);
            m->kbuf.len = 0;
            if (rc == AQ_OK && aq__name_loose_append(m->ctx, forms[f], strlen(forms[f]), &m->kbuf) == AQ_OK && m->kbuf.data)
                rc = index_add(m, &m->loose, m->kbuf.data, u);
        }
        aq__free(latin);
        aq_clear_error(m->ctx); /* a name that cannot be keyed is simply not indexed */
    }
    return rc;
}

static int load_units(aq_store *s, matcher *m, const char *level)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT code, parent, level, name_kk, name_ru, name_en FROM units ORDER BY id", &st);
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

/* Distinct units under KEY in IX (descendants of PARENT when >= 0). */
static size_t lookup(const matcher *m, const name_index *ix, const char *key, long parent, long *found, size_t nfound)
{
    int64_t e;
    if (!aq__strmap_get(&ix->first, key, &e))
        return nfound;
    for (long k = (long)e; k >= 0; k = ix->next[k]) {
        long u = ix->unit_of[k];
        if (parent >= 0 && !descends_from(m, u, parent))
            continue;
        bool dup = false;
        for (size_t i = 0; i < nfound; i++)
            dup = dup || found[i] == u;
        if (!dup && nfound < MAX_CANDIDATES)
            found[nfound++] = u;
    }
    return nfound;
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

static int make_output(aq_ctx *ctx, size_t n, aq_table **out, out_cols *c)
{
    int rc = aq_table_new(ctx, n, out);
    struct { const char *name; enum aq_coltype type; size_t *col; } cols[] = {
        {"row", AQ_COL_NUMBER, &c->row},       {"input_name", AQ_COL_TEXT, &c->input},
        {"parent", AQ_COL_TEXT, &c->parent},   {"code", AQ_COL_TEXT, &c->code},
        {"matched_name", AQ_COL_TEXT, &c->matched}, {"method", AQ_COL_TEXT, &c->method},
        {"status", AQ_COL_TEXT, &c->status},   {"candidates", AQ_COL_TEXT, &c->cands}};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0] && rc == AQ_OK; k++)
        rc = aq_table_add_column(ctx, *out, cols[k].name, cols[k].type, cols[k].col);
    return rc;
}

/* Looks the row's names up in one index; returns the number of candidates. */
static size_t match_names(matcher *m, const aq_table *t, const long *ncols, size_t row, long parent, bool loose,
                          long *found, const char **input)
{
    size_t nfound = 0;
    for (size_t k = 0; name_columns[k]; k++) {
        if (ncols[k] < 0)
            continue;
        const char *nm = aq_table_text(t, (size_t)ncols[k], row);
        if (!nm)
            continue;
        if (!*input)
            *input = nm;
        m->kbuf.len = 0;
        int rc = loose ? aq__name_loose_append(m->ctx, nm, strlen(nm), &m->kbuf)
                       : aq__name_key_append(m->ctx, nm, strlen(nm), &m->kbuf, NULL);
        if (rc == AQ_OK && m->kbuf.data)
            nfound = lookup(m, loose ? &m->loose : &m->strict, m->kbuf.data, parent, found, nfound);
        aq_clear_error(m->ctx);
        if (nfound == 1)
            break; /* the first name column that identifies a unit decides */
    }
    return nfound;
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
    for (size_t k = 0; name_columns[k]; k++) {
        ncols[k] = aq_table_find(t, name_columns[k]);
        any_name = any_name || ncols[k] >= 0;
    }
    long code_col = aq_table_find(t, "code");
    if (code_col < 0)
        code_col = aq_table_find(t, "kato");
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
    if (rc == AQ_OK && opts->within)
        rc = load_areas(s, &m, opts->within, &areas, &nareas);
    if (rc == AQ_OK)
        rc = make_output(ctx, aq_table_nrows(t), &r, &oc);
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        long found[MAX_CANDIDATES];
        size_t nfound = 0;
        const char *input = NULL, *method = NULL;
        long parent = -1;
        aq_table_set_number(ctx, r, oc.row, i, (double)aq_table_source_line(t, i));
        const char *code = code_col >= 0 ? aq_table_text(t, (size_t)code_col, i) : NULL;
        int64_t u;
        if (code && aq__strmap_get(&m.by_code, code, &u) && m.units[u].at_level) {
            found[nfound++] = (long)u;
            method = "code";
        } else {
            const char *pc = parent_col >= 0 ? aq_table_text(t, (size_t)parent_col, i) : NULL;
            int64_t pu;
            if (pc && aq__strmap_get(&m.by_code, pc, &pu))
                parent = (long)pu;
            else if (nareas) {
                size_t len;
                const unsigned char *g = aq_table_geometry(t, i, &len);
                parent = containing(areas, nareas, g, len);
            }
            if ((nfound = match_names(&m, t, ncols, i, parent, false, found, &input)) > 0)
                method = "name";
            else if ((nfound = match_names(&m, t, ncols, i, parent, true, found, &input)) > 0)
                method = "loose";
        }
        size_t glen;
        const unsigned char *g = aq_table_geometry(t, i, &glen);
        if (g)
            rc = aq_table_set_geometry(ctx, r, i, g, glen, aq_table_crs(t));
        aq_table_set_text(ctx, r, oc.input, i, input ? input : code);
        aq_table_set_text(ctx, r, oc.parent, i, parent >= 0 ? m.units[parent].code : NULL);
        aq_table_set_text(ctx, r, oc.method, i, method);
        if (nfound == 1) {
            aq_table_set_text(ctx, r, oc.code, i, m.units[found[0]].code);
            aq_table_set_text(ctx, r, oc.matched, i, m.units[found[0]].name);
            aq_table_set_text(ctx, r, oc.status, i, "matched");
        } else if (nfound > 1) {
            aq_buf b = {0};
            for (size_t k = 0; k < nfound; k++)
                aq__buf_printf(&b, "%s%s", k ? ";" : "", m.units[found[k]].code);
            aq_table_set_text(ctx, r, oc.status, i, "ambiguous");
            rc = b.failed ? aq__oom(ctx) : aq_table_set_text(ctx, r, oc.cands, i, b.data);
            aq__buf_free(&b);
        } else {
            aq_table_set_text(ctx, r, oc.status, i, "unmatched");
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
    index_free(&m.strict);
    index_free(&m.loose);
    aq__buf_free(&m.kbuf);
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}
