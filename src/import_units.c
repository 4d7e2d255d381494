/*
 * import_units.c -- units (a classifier such as KATO, with parents, levels,
 * names, validity and geometries), territorial links (splits and merges with
 * the share of population that moved) and indicator metadata.
 */
#include "import.h"
#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Level names other classifiers use for aimaq's levels. */
static const char *level_alias(const char *level)
{
    static const char *const aliases[][2] = {
        {"oblast", "region"}, {"sub_district", "rural_district"}, {"okrug", "rural_district"},
        {"raion", "district"}, {"rayon", "district"}, {"republic", "country"}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (aq__ieq(level, aliases[i][0]))
            return aliases[i][1];
    return level;
}

static int load_levels(aq__import *im, aq__strmap *levels, aq_buf *names)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(im->s, "SELECT rank, name FROM levels ORDER BY rank", &st);
    while (rc == AQ_OK && aq__store_row(im->s, st, &rc)) {
        const char *name = aq__db_column_text(st, 1);
        aq__buf_printf(names, "%s%s", names->len ? ", " : "", name);
        if (aq__strmap_put(levels, name, aq__db_column_int64(st, 0)))
            rc = aq__oom(im->ctx);
    }
    aq__db_finalize(st);
    return rc;
}

static const char *colname(const aq__import *im, enum aq__role r)
{
    return im->roles.col[r] >= 0 ? aq_table_colname(im->t, (size_t)im->roles.col[r]) : NULL;
}

/* First pass: every row's code, level and parent are checked; duplicates
 * and unknown parents are rejected before anything is written. */
static int check_units(aq__import *im, aq__strmap *levels, const char *level_names, aq__strmap *file_codes)
{
    const aq_table *t = im->t;
    int rc = AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        char code[256], level[64];
        const char *c = aq__role_text(im, AQ_ROLE_CODE, i, code, sizeof code);
        if (!c) {
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_CODE), "the unit code is missing");
            continue;
        }
        int64_t first;
        if (aq__strmap_get(file_codes, c, &first)) {
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_CODE), "duplicate code '%s' (first on line %zu)", c,
                                aq_table_source_line(t, (size_t)first));
            continue;
        }
        if (aq__strmap_put(file_codes, c, (int64_t)i)) {
            rc = aq__oom(im->ctx);
            break;
        }
        const char *l = aq__role_text(im, AQ_ROLE_LEVEL, i, level, sizeof level);
        if (!l && im->map)
            l = im->map->level;
        if (l && !aq__strmap_get(levels, level_alias(l), NULL))
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_LEVEL), "unknown level '%s'; levels are %s", l, level_names);
    }
    /* Parents may come later in the file than their children. */
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        char parent[256], code[256];
        const char *p = aq__role_text(im, AQ_ROLE_PARENT, i, parent, sizeof parent);
        const char *c = aq__role_text(im, AQ_ROLE_CODE, i, code, sizeof code);
        if (!p || im->row_rejected[i])
            continue;
        if (c && strcmp(p, c) == 0)
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_PARENT), "unit '%s' is its own parent", c);
        else if (!aq__strmap_get(file_codes, p, NULL) && !aq__strmap_get(&im->units, p, NULL))
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_PARENT), "parent '%s' of unit '%s' is neither in the file nor in the store", p, c);
    }
    return rc;
}

/* Warns of every invalid boundary the file brings (a bow tie, an open
 * ring): stored as given, since a planner may have no better one, but not
 * silently: areas, centroids and contiguity built on it can be wrong. The
 * same check as `aimaq check` (check_geom.c, GEOS's reason). */
static int warn_invalid_geometries(aq__import *im)
{
    aq_findings *f = NULL;
    int rc = aq__findings_new(im->ctx, &f);
    if (rc == AQ_OK)
        rc = aq__check_geometries(im->ctx, im->t, im->roles.col[AQ_ROLE_CODE], f);
    size_t n = aq_findings_count(f);
    for (size_t k = 0; rc == AQ_OK && k < n && k < 10; k++)
        aq__warn(im->ctx, "%s; it is stored as given", aq_findings_get(f, k)->message);
    if (rc == AQ_OK && n > 10)
        aq__warn(im->ctx, "%zu more invalid geometries in '%s' ('aimaq check' lists them all)", n - 10,
                 aq__basename(aq_table_source(im->t) ? aq_table_source(im->t) : ""));
    aq_findings_free(f);
    return rc;
}

/* Units are upserted in batches (aq__db_run_each): one pipeline per batch
 * on PostgreSQL, in turn on SQLite; each returns the unit's id. A new unit
 * records the dataset that added it (since_dataset); a changed one has its
 * old values kept in unit_history by the schema's trigger, keyed by this
 * import's dataset (store_schema.c, version 8), so results recorded at an
 * earlier horizon still see the units as they were. */
enum { UNIT_BATCH = 2000 };

typedef struct {
    aq__import *im;
    const char *classifier; /* --classifier, else the mapping's, else NULL */
    size_t *rows;           /* the table rows of the batch */
} unit_batch;

static int bind_unit(aq_db_stmt *up, size_t k, void *arg)
{
    const unit_batch *ub = arg;
    aq__import *im = ub->im;
    const aq_table *t = im->t;
    size_t i = ub->rows[k];
    static const enum aq__role text_roles[] = {AQ_ROLE_CODE, AQ_ROLE_PARENT, AQ_ROLE_LEVEL, AQ_ROLE_KIND,
                                               AQ_ROLE_NAME_KK, AQ_ROLE_NAME_RU, AQ_ROLE_NAME_EN,
                                               AQ_ROLE_VALID_FROM, AQ_ROLE_VALID_TO, AQ_ROLE_CLASSIFIER};
    int rc = 0;
    for (int r = 0; r < 10 && rc == 0; r++) {
        char buf[256];
        const char *v = aq__role_text(im, text_roles[r], i, buf, sizeof buf);
        if (text_roles[r] == AQ_ROLE_LEVEL) {
            if (!v && im->map)
                v = im->map->level;
            if (v)
                v = level_alias(v);
        }
        if (text_roles[r] == AQ_ROLE_CLASSIFIER && !v)
            v = ub->classifier;
        rc = aq__db_bind_text_copy(up, r + 1, v);
    }
    size_t glen;
    const unsigned char *g = aq_table_geometry(t, i, &glen);
    if (rc == 0 && g)
        rc = aq__db_bind_text(up, 11, aq_table_crs(t)) || aq__db_bind_blob(up, 12, g, glen) ? AQ_DB_ERROR : 0;
    else if (rc == 0)
        rc = aq__db_bind_null(up, 11) || aq__db_bind_null(up, 12) ? AQ_DB_ERROR : 0;
    return rc || aq__db_bind_int64(up, 13, im->dataset_id) ? AQ_DB_ERROR : 0;
}

/* Whether the upsert changes column C: a value is given and differs from
 * the stored one. A unit the file repeats unchanged is not written at all:
 * no history row, no dataset_id of its own, and a re-imported classifier
 * edition writes only what it changes. */
#define CHANGED(c) "(excluded." c " IS NOT NULL AND (units." c " IS NULL OR excluded." c " <> units." c "))"

int aq__import_units(aq__import *im)
{
    const aq_table *t = im->t;
    aq__strmap levels = {0}, file_codes = {0};
    aq_buf level_names = {0};
    aq_db_stmt *up = NULL;
    int rc = load_levels(im, &levels, &level_names);
    if (rc == AQ_OK)
        rc = check_units(im, &levels, level_names.data ? level_names.data : "", &file_codes);
    if (rc == AQ_OK)
        rc = aq__store_prepare_persistent(im->s,
            "INSERT INTO units(code, parent, level, kind, name_kk, name_ru, name_en, valid_from, valid_to, classifier,"
            " crs, geom, dataset_id, since_dataset) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)"
            " ON CONFLICT(code) DO UPDATE SET parent = coalesce(excluded.parent, units.parent),"
            " level = coalesce(excluded.level, units.level), kind = coalesce(excluded.kind, units.kind),"
            " name_kk = coalesce(excluded.name_kk, units.name_kk), name_ru = coalesce(excluded.name_ru, units.name_ru),"
            " name_en = coalesce(excluded.name_en, units.name_en), valid_from = coalesce(excluded.valid_from, units.valid_from),"
            " valid_to = coalesce(excluded.valid_to, units.valid_to), classifier = coalesce(excluded.classifier, units.classifier),"
            " crs = coalesce(excluded.crs, units.crs), geom = coalesce(excluded.geom, units.geom), dataset_id = excluded.dataset_id"
            " WHERE " CHANGED("parent") " OR " CHANGED("level") " OR " CHANGED("kind") " OR " CHANGED("name_kk")
            " OR " CHANGED("name_ru") " OR " CHANGED("name_en") " OR " CHANGED("valid_from") " OR " CHANGED("valid_to")
            " OR " CHANGED("classifier") " OR " CHANGED("crs") " OR " CHANGED("geom")
            " RETURNING id", &up);
    unit_batch ub = {.im = im, .classifier = im->opts->classifier ? im->opts->classifier
                                            : im->map ? im->map->classifier : NULL};
    size_t nrows = aq_table_nrows(t);
    int64_t *changes = NULL, *ids = NULL;
    if (rc == AQ_OK && (!(ub.rows = aq__xcalloc(im->ctx, UNIT_BATCH, sizeof *ub.rows)) ||
                        !(changes = aq__xcalloc(im->ctx, UNIT_BATCH, sizeof *changes)) ||
                        !(ids = aq__xcalloc(im->ctx, UNIT_BATCH, sizeof *ids))))
        rc = AQ_ENOMEM;
    for (size_t i = 0; i < nrows && rc == AQ_OK;) {
        size_t n = 0;
        for (; i < nrows && n < UNIT_BATCH; i++)
            if (!im->row_rejected[i])
                ub.rows[n++] = i;
        if (aq__db_run_each(up, n, bind_unit, &ub, changes, ids)) {
            rc = aq__store_fail(im->s, "cannot store a unit");
            break;
        }
        for (size_t k = 0; k < n && rc == AQ_OK; k++) {
            char buf[256];
            const char *code = aq__role_text(im, AQ_ROLE_CODE, ub.rows[k], buf, sizeof buf);
            /* No id back: an existing unit the file leaves as it was. */
            if (aq__strmap_get(&im->units, code, NULL))
                im->res->units_updated++;
            else
                im->res->units_added++;
            if (ids[k] && aq__strmap_put(&im->units, code, ids[k]))
                rc = aq__oom(im->ctx);
        }
    }
    aq__free(ids);
    aq__free(changes);
    aq__free(ub.rows);
    aq__db_finalize(up);
    aq__buf_free(&level_names);
    aq__strmap_free(&levels);
    aq__strmap_free(&file_codes);
    if (rc == AQ_OK)
        rc = warn_invalid_geometries(im);
    return rc;
}

int aq__import_links(aq__import *im)
{
    const aq_table *t = im->t;
    aq_db_stmt *ins;
    int rc = aq__store_prepare(im->s, "INSERT INTO unit_links(from_id, to_id, date, share, dataset_id) VALUES (?1, ?2, ?3, ?4, ?5)"
                                      " ON CONFLICT(from_id, to_id, date) DO UPDATE SET share = excluded.share, dataset_id = excluded.dataset_id", &ins);
    const double *share = rc ? NULL : aq_table_numbers(t, (size_t)im->roles.col[AQ_ROLE_SHARE]);
    if (rc == AQ_OK && !share)
        rc = aq__err(im->ctx, AQ_EINPUT, "'%s' column '%s' must hold numbers between 0 and 1", im->path, colname(im, AQ_ROLE_SHARE));
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        char from[256], to[256], date[64], norm[16];
        const char *f = aq__role_text(im, AQ_ROLE_FROM, i, from, sizeof from);
        const char *to_code = aq__role_text(im, AQ_ROLE_TO, i, to, sizeof to);
        const char *d = aq__role_text(im, AQ_ROLE_DATE, i, date, sizeof date);
        if (!d)
            d = im->opts->period ? im->opts->period : im->map ? im->map->period : NULL;
        int64_t fid, tid;
        if (!f || !aq__strmap_get(&im->units, f, &fid))
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_FROM), "unknown unit '%s'", f ? f : "");
        else if (!to_code || !aq__strmap_get(&im->units, to_code, &tid))
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_TO), "unknown unit '%s'", to_code ? to_code : "");
        else if (!d || !aq__period_normalise(d, norm))
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_DATE), "'%s' is not a date (YYYY or YYYY-MM-DD)", d ? d : "");
        else if (!(share[i] >= 0 && share[i] <= 1))
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_SHARE), "share %g is not between 0 and 1", share[i]);
        else {
            aq__db_bind_int64(ins, 1, fid);
            aq__db_bind_int64(ins, 2, tid);
            aq__db_bind_text_copy(ins, 3, norm);
            aq__db_bind_double(ins, 4, share[i]);
            aq__db_bind_int64(ins, 5, im->dataset_id);
            if (aq__db_step(ins) != AQ_DB_DONE)
                rc = aq__store_fail(im->s, "cannot store a link");
            aq__db_reset(ins);
        }
    }
    aq__db_finalize(ins);
    return rc;
}

int aq__import_indicator_meta(aq__import *im)
{
    const aq_table *t = im->t;
    int rc = AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        char b[8][256];
        aq__indicator_meta m = {0};
        const char *code = aq__role_text(im, AQ_ROLE_INDICATOR, i, b[0], sizeof b[0]);
        if (!code) {
            rc = aq__reject_row(im, i, colname(im, AQ_ROLE_INDICATOR), "the indicator code is missing");
            continue;
        }
        m.name_kk = (char *)aq__role_text(im, AQ_ROLE_NAME_KK, i, b[1], sizeof b[1]);
        m.name_ru = (char *)aq__role_text(im, AQ_ROLE_NAME_RU, i, b[2], sizeof b[2]);
        m.name_en = (char *)aq__role_text(im, AQ_ROLE_NAME_EN, i, b[3], sizeof b[3]);
        m.measure = (char *)aq__role_text(im, AQ_ROLE_MEASURE, i, b[4], sizeof b[4]);
        m.description = (char *)aq__role_text(im, AQ_ROLE_DESCRIPTION, i, b[5], sizeof b[5]);
        m.source = (char *)aq__role_text(im, AQ_ROLE_SOURCE, i, b[6], sizeof b[6]);
        const char *dir = aq__role_text(im, AQ_ROLE_DIRECTION, i, b[7], sizeof b[7]);
        if (dir) {
            char *end;
            long d = strtol(dir, &end, 10);
            if (*end || d < -1 || d > 1) {
                rc = aq__reject_row(im, i, colname(im, AQ_ROLE_DIRECTION),
                                    "direction '%s' must be 1 (higher is better), -1 (higher is worse) or 0", dir);
                continue;
            }
            m.direction = (int)d;
            m.has_direction = true;
        }
        int64_t id;
        rc = aq__indicator_id(im, code, &m, &id);
    }
    return rc;
}
