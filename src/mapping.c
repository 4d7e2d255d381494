/*
 * mapping.c -- column roles by default names or from a YAML mapping file.
 *
 * A mapping file looks like this (every key optional):
 *
 *   shape: wide                 # wide | long | units | links | indicators
 *   columns: {code: KATO, period: year, name_ru: region_ru}
 *   period: "2023"              # for tables without a period column
 *   level: region               # level of every unit of a units table
 *   classifier: NK RK 11-2025   # classifier edition of the unit codes
 *   indicator: grp_pc           # the indicator of a table with a year per column
 *   ignore: [region_ru_old]
 *   indicators:
 *     grp_pc_kzt_thousand: {code: grp_pc, name_ru: ВРП на душу населения,
 *                           measure: thousand tenge, direction: 1, source: BNS}
 */
#include "mapping.h"
#include "names.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static const char *const role_names[AQ_ROLE_COUNT] = {
    "code", "parent", "level", "kind", "name_kk", "name_ru", "name_en", "valid_from", "valid_to",
    "classifier", "period", "indicator", "value", "flags", "from", "to", "date", "share",
    "measure", "direction", "description", "source"};

/* Default column names per role, tried in order: English names ASCII
 * case-insensitive, Russian and Kazakh ones (as statistics offices head
 * their tables) by the name key, so 'КОД КАТО' and 'Код като' are one. */
#define MAX_DEFAULTS 12
static const char *const defaults[AQ_ROLE_COUNT][MAX_DEFAULTS] = {
    [AQ_ROLE_CODE] = {"code", "kato", "id", "unit", "unit_code", "kato_code", "Код КАТО", "КАТО", "КАТО коды",
                      "Код"},
    [AQ_ROLE_PARENT] = {"parent", "parent_code"},
    [AQ_ROLE_LEVEL] = {"level"},
    [AQ_ROLE_KIND] = {"kind"},
    [AQ_ROLE_NAME_KK] = {"name_kk", "name", "name_kz", "Атауы", "Атау", "Аймақ", "Өңір", "Облыс", "Аудан"},
    [AQ_ROLE_NAME_RU] = {"name_ru", "Наименование", "Название", "Регион", "Область", "Район", "Территория",
                         "Наименование региона"},
    [AQ_ROLE_NAME_EN] = {"name_en"},
    [AQ_ROLE_VALID_FROM] = {"valid_from"},
    [AQ_ROLE_VALID_TO] = {"valid_to"},
    [AQ_ROLE_CLASSIFIER] = {"classifier", "kato_version"},
    [AQ_ROLE_PERIOD] = {"period", "year", "Год", "Жыл", "Период", "Кезең"},
    [AQ_ROLE_INDICATOR] = {"indicator", "Показатель", "Көрсеткіш", "Индикатор"},
    [AQ_ROLE_VALUE] = {"value", "Значение", "Мәні", "Мән"},
    [AQ_ROLE_FLAGS] = {"flags", "flag"},
    [AQ_ROLE_FROM] = {"from", "from_code"},
    [AQ_ROLE_TO] = {"to", "to_code"},
    [AQ_ROLE_DATE] = {"date"},
    [AQ_ROLE_SHARE] = {"share"},
    [AQ_ROLE_MEASURE] = {"measure", "unit_of_measure", "Единица измерения", "Өлшем бірлігі"},
    [AQ_ROLE_DIRECTION] = {"direction"},
    [AQ_ROLE_DESCRIPTION] = {"description"},
    [AQ_ROLE_SOURCE] = {"source"},
};

static const char *const shape_names[] = {"auto", "wide", "long", "units", "links", "indicators"};

const char *aq__role_name(enum aq__role r) { return role_names[r]; }
const char *aq__shape_name(enum aq__shape s) { return shape_names[s]; }

void aq__mapping_free(aq__mapping *m)
{
    for (int r = 0; r < AQ_ROLE_COUNT; r++)
        aq__free(m->columns[r]);
    aq__free(m->period);
    aq__free(m->level);
    aq__free(m->classifier);
    aq__free(m->indicator);
    for (size_t i = 0; i < m->nignore; i++)
        aq__free(m->ignore[i]);
    aq__free(m->ignore);
    for (size_t i = 0; i < m->nindicators; i++) {
        aq__indicator_meta *im = &m->indicators[i];
        aq__free(im->column), aq__free(im->code), aq__free(im->name_kk), aq__free(im->name_ru);
        aq__free(im->name_en), aq__free(im->measure), aq__free(im->description), aq__free(im->source);
    }
    aq__free(m->indicators);
    aq__free(m->path);
    memset(m, 0, sizeof *m);
}

/* ---- YAML: parsed into a document, then walked ---- */

typedef struct yctx {
    aq_ctx *ctx;
    const char *path;
    yaml_document_t *doc;
} yctx;

static int yerr(yctx *y, yaml_node_t *n, const char *fmt, const char *what)
{
    return aq__err(y->ctx, AQ_EINPUT, "mapping '%s' line %zu: %s%s", y->path,
                   n ? (size_t)n->start_mark.line + 1 : 0, fmt, what ? what : "");
}

static const char *scalar(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int take_string(yctx *y, yaml_node_t *n, const char *key, char **dst)
{
    const char *s = scalar(n);
    if (!s)
        return yerr(y, n, "expected a text value for ", key);
    aq__free(*dst);
    if (!(*dst = aq__strdup(s)))
        return aq__oom(y->ctx);
    return AQ_OK;
}

static int read_columns(yctx *y, yaml_node_t *map, aq__mapping *m)
{
    if (map->type != YAML_MAPPING_NODE)
        return yerr(y, map, "'columns' must map roles to column names", NULL);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(y->doc, p->key), *v = yaml_document_get_node(y->doc, p->value);
        const char *role = scalar(k);
        int r = 0;
        while (r < AQ_ROLE_COUNT && (!role || strcmp(role_names[r], role) != 0))
            r++;
        if (r == AQ_ROLE_COUNT) {
            aq_buf b = {0};
            for (int i = 0; i < AQ_ROLE_COUNT; i++)
                aq__buf_printf(&b, "%s%s", i ? ", " : "", role_names[i]);
            int rc = aq__err(y->ctx, AQ_EINPUT, "mapping '%s' line %zu: unknown role '%s'; roles are %s", y->path,
                             (size_t)k->start_mark.line + 1, role ? role : "?", b.data ? b.data : "");
            aq__buf_free(&b);
            return rc;
        }
        int rc = take_string(y, v, role, &m->columns[r]);
        if (rc)
            return rc;
    }
    return AQ_OK;
}

static int read_indicator(yctx *y, const char *column, yaml_node_t *v, aq__indicator_meta *im)
{
    if (!(im->column = aq__strdup(column)))
        return aq__oom(y->ctx);
    if (v->type == YAML_SCALAR_NODE && !*scalar(v))
        return AQ_OK;
    if (v->type != YAML_MAPPING_NODE)
        return yerr(y, v, "an indicator's entry must be a mapping like {name_ru: ..., direction: 1}", NULL);
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(y->doc, p->key), *val = yaml_document_get_node(y->doc, p->value);
        const char *key = scalar(k);
        struct { const char *name; char **dst; } fields[] = {
            {"code", &im->code},       {"name_kk", &im->name_kk}, {"name_ru", &im->name_ru},
            {"name_en", &im->name_en}, {"measure", &im->measure}, {"unit", &im->measure},
            {"description", &im->description}, {"source", &im->source}};
        bool done = false;
        for (size_t i = 0; i < sizeof fields / sizeof fields[0] && key; i++)
            if (strcmp(key, fields[i].name) == 0) {
                int rc = take_string(y, val, key, fields[i].dst);
                if (rc)
                    return rc;
                done = true;
            }
        if (done)
            continue;
        if (key && strcmp(key, "direction") == 0) {
            const char *s = scalar(val);
            if (!s || (strcmp(s, "1") && strcmp(s, "-1") && strcmp(s, "0") && strcmp(s, "+1")))
                return yerr(y, val, "direction must be 1 (higher is better), -1 (higher is worse) or 0", NULL);
            im->direction = (int)strtol(s, NULL, 10);
            im->has_direction = true;
            continue;
        }
        return yerr(y, k, "unknown indicator field ", key ? key : "?");
    }
    return AQ_OK;
}

static int read_top(yctx *y, yaml_node_t *root, aq__mapping *m)
{
    if (!root || root->type != YAML_MAPPING_NODE)
        return yerr(y, root, "a mapping file is a YAML mapping (key: value lines)", NULL);
    int rc = AQ_OK;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && !rc; p++) {
        yaml_node_t *k = yaml_document_get_node(y->doc, p->key), *v = yaml_document_get_node(y->doc, p->value);
        const char *key = scalar(k);
        if (!key)
            rc = yerr(y, k, "keys must be plain text", NULL);
        else if (strcmp(key, "columns") == 0)
            rc = read_columns(y, v, m);
        else if (strcmp(key, "period") == 0)
            rc = take_string(y, v, key, &m->period);
        else if (strcmp(key, "level") == 0)
            rc = take_string(y, v, key, &m->level);
        else if (strcmp(key, "classifier") == 0)
            rc = take_string(y, v, key, &m->classifier);
        else if (strcmp(key, "indicator") == 0)
            rc = take_string(y, v, key, &m->indicator);
        else if (strcmp(key, "shape") == 0) {
            const char *s = scalar(v);
            m->shape = AQ_SHAPE_COUNT_SENTINEL;
            for (int i = 1; i < (int)(sizeof shape_names / sizeof shape_names[0]); i++)
                if (s && strcmp(s, shape_names[i]) == 0)
                    m->shape = (enum aq__shape)i;
            if (m->shape == AQ_SHAPE_COUNT_SENTINEL)
                rc = yerr(y, v, "shape must be wide, long, units, links or indicators", NULL);
        } else if (strcmp(key, "ignore") == 0) {
            if (m->ignore)
                rc = yerr(y, k, "duplicate key ", key);
            else if (v->type != YAML_SEQUENCE_NODE)
                rc = yerr(y, v, "'ignore' must be a list of column names", NULL);
            size_t n = rc ? 0 : (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
            if (n && !(m->ignore = aq__calloc(n, sizeof *m->ignore)))
                rc = aq__oom(y->ctx);
            for (size_t i = 0; i < n && !rc; i++, m->nignore++)
                rc = take_string(y, yaml_document_get_node(y->doc, v->data.sequence.items.start[i]), "ignore", &m->ignore[i]);
        } else if (strcmp(key, "indicators") == 0) {
            if (m->indicators)
                rc = yerr(y, k, "duplicate key ", key);
            else if (v->type != YAML_MAPPING_NODE)
                rc = yerr(y, v, "'indicators' must map column names to their metadata", NULL);
            size_t n = rc ? 0 : (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
            if (n && !(m->indicators = aq__calloc(n, sizeof *m->indicators)))
                rc = aq__oom(y->ctx);
            for (size_t i = 0; i < n && !rc; i++, m->nindicators++) {
                yaml_node_pair_t *ip = &v->data.mapping.pairs.start[i];
                const char *col = scalar(yaml_document_get_node(y->doc, ip->key));
                rc = col ? read_indicator(y, col, yaml_document_get_node(y->doc, ip->value), &m->indicators[i])
                         : yerr(y, v, "indicator names must be plain text", NULL);
            }
        } else {
            rc = yerr(y, k, "unknown key ", key);
        }
    }
    return rc;
}

int aq__mapping_load(aq_ctx *ctx, const char *path, aq__mapping *m)
{
    memset(m, 0, sizeof *m);
    if (aq__input_regular(ctx, path))
        return AQ_EIO;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot open the mapping '%s'", path);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = AQ_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = aq__err(ctx, AQ_EINPUT, "mapping '%s' line %zu: %s", path, (size_t)parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "not valid YAML");
    } else {
        yctx y = {ctx, path, &doc};
        rc = read_top(&y, yaml_document_get_root_node(&doc), m);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc == AQ_OK && !(m->path = aq__strdup(path)))
        rc = aq__oom(ctx);
    if (rc)
        aq__mapping_free(m);
    return rc;
}

/* ---- resolving roles against a table ---- */

static bool ignored(const aq__mapping *m, const char *name)
{
    for (size_t i = 0; m && i < m->nignore; i++)
        if (strcmp(m->ignore[i], name) == 0)
            return true;
    return false;
}

static bool ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* The column named NAME: aq_table_find, else (for a Russian or Kazakh
 * name) the column whose name has the same key. */
static long find_column(aq_ctx *ctx, const aq_table *t, const char *name, aq_buf *kb)
{
    long j = aq_table_find(t, name);
    if (j >= 0 || ascii(name))
        return j;
    kb->len = 0;
    if (aq__name_key_append(ctx, name, strlen(name), kb, NULL) != AQ_OK || !kb->data) {
        aq_clear_error(ctx);
        return -1;
    }
    char *want = aq__strdup(kb->data);
    for (size_t c = 0; want && c < aq_table_ncols(t) && j < 0; c++) {
        const char *cn = aq_table_colname(t, c);
        kb->len = 0;
        if (!ascii(cn) && aq__name_key_append(ctx, cn, strlen(cn), kb, NULL) == AQ_OK && kb->data &&
            strcmp(kb->data, want) == 0)
            j = (long)c;
        aq_clear_error(ctx);
    }
    aq__free(want);
    return j;
}

/* Does a text column hold Kazakh names: do most of its values have a
 * letter Russian has not? (A Russian table names Жетісу and Ұлытау too.) */
static bool kazakh_text(const aq_table *t, size_t j)
{
    static const char *const letters[] = {"ә", "ғ", "қ", "ң", "ө", "ұ", "ү", "һ", "і", "Ә", "Ғ", "Қ", "Ң", "Ө",
                                          "Ұ", "Ү", "І", NULL};
    size_t kk = 0, n = 0;
    for (size_t i = 0; i < aq_table_nrows(t); i++) {
        const char *s = aq_table_text(t, j, i);
        bool has = false;
        for (int k = 0; s && letters[k] && !has; k++)
            has = strstr(s, letters[k]) != NULL;
        kk += has;
        n += s != NULL;
    }
    return kk * 2 > n;
}

int aq__roles_resolve(aq_ctx *ctx, const aq_table *t, const aq__mapping *m, aq__roles *r)
{
    aq_buf kb = {0};
    for (int k = 0; k < AQ_ROLE_COUNT; k++) {
        r->col[k] = -1;
        if (m && m->columns[k]) {
            char who[600];
            snprintf(who, sizeof who, "mapping '%s' (role %s)", m->path, role_names[k]);
            int rc = aq__table_check_unambiguous(ctx, t, m->columns[k], who);
            if (rc) {
                aq__buf_free(&kb);
                return rc;
            }
            r->col[k] = aq_table_find(t, m->columns[k]);
            if (r->col[k] < 0) {
                aq__buf_free(&kb);
                return aq__err(ctx, AQ_EINPUT, "mapping '%s': column '%s' (role %s) is not in '%s'", m->path,
                               m->columns[k], role_names[k], aq_table_source(t) ? aq_table_source(t) : "the table");
            }
            continue;
        }
        for (int d = 0; d < MAX_DEFAULTS && defaults[k][d] && r->col[k] < 0; d++) {
            long j = find_column(ctx, t, defaults[k][d], &kb);
            if (j >= 0 && !ignored(m, aq_table_colname(t, (size_t)j)))
                r->col[k] = j;
        }
    }
    /* A column can hold one role: the first role that found it keeps it. */
    for (int k = 0; k < AQ_ROLE_COUNT; k++)
        for (int l = k + 1; l < AQ_ROLE_COUNT; l++)
            if (r->col[k] >= 0 && r->col[l] == r->col[k] && !(m && m->columns[l]))
                r->col[l] = -1;
    aq__buf_free(&kb);
    /* A table with neither codes nor a named name column (a BNS sheet's
     * blank corner over the regions): its first text column names the
     * units, in Kazakh when it has Kazakh letters. */
    bool named = r->col[AQ_ROLE_NAME_KK] >= 0 || r->col[AQ_ROLE_NAME_RU] >= 0 || r->col[AQ_ROLE_NAME_EN] >= 0;
    if (r->col[AQ_ROLE_CODE] < 0 && !named && r->col[AQ_ROLE_FROM] < 0 && r->col[AQ_ROLE_INDICATOR] < 0 &&
        (!m || m->shape == AQ_SHAPE_AUTO || m->shape == AQ_SHAPE_WIDE))
        for (size_t j = 0; j < aq_table_ncols(t) && !named; j++) {
            bool claimed = false;
            for (int k = 0; k < AQ_ROLE_COUNT; k++)
                claimed = claimed || r->col[k] == (long)j;
            if (aq_table_coltype(t, j) == AQ_COL_TEXT && !claimed && !ignored(m, aq_table_colname(t, j))) {
                r->col[kazakh_text(t, j) ? AQ_ROLE_NAME_KK : AQ_ROLE_NAME_RU] = (long)j;
                named = true;
            }
        }
    r->shape = m ? m->shape : AQ_SHAPE_AUTO;
    if (r->shape == AQ_SHAPE_AUTO) {
        if (r->col[AQ_ROLE_FROM] >= 0 && r->col[AQ_ROLE_TO] >= 0)
            r->shape = AQ_SHAPE_LINKS;
        else if (r->col[AQ_ROLE_INDICATOR] >= 0 && r->col[AQ_ROLE_VALUE] >= 0)
            r->shape = AQ_SHAPE_LONG;
        else if (r->col[AQ_ROLE_INDICATOR] >= 0 && r->col[AQ_ROLE_CODE] < 0)
            r->shape = AQ_SHAPE_INDICATORS;
        else if (r->col[AQ_ROLE_LEVEL] >= 0 || r->col[AQ_ROLE_PARENT] >= 0 || (m && m->level))
            r->shape = AQ_SHAPE_UNITS;
        else
            r->shape = AQ_SHAPE_WIDE;
    }
    static const enum aq__role needed[][3] = {
        [AQ_SHAPE_WIDE] = {AQ_ROLE_CODE, AQ_ROLE_COUNT},
        [AQ_SHAPE_LONG] = {AQ_ROLE_CODE, AQ_ROLE_INDICATOR, AQ_ROLE_VALUE},
        [AQ_SHAPE_UNITS] = {AQ_ROLE_CODE, AQ_ROLE_COUNT},
        [AQ_SHAPE_LINKS] = {AQ_ROLE_FROM, AQ_ROLE_TO, AQ_ROLE_SHARE},
        [AQ_SHAPE_INDICATORS] = {AQ_ROLE_INDICATOR, AQ_ROLE_COUNT},
    };
    for (int i = 0; i < 3 && needed[r->shape][i] != AQ_ROLE_COUNT; i++) {
        enum aq__role need = needed[r->shape][i];
        if (need == AQ_ROLE_CODE && named && (r->shape == AQ_SHAPE_WIDE || r->shape == AQ_SHAPE_LONG))
            continue; /* units found by their names (import_names.c) */
        if (r->col[need] < 0)
            return aq__err(ctx, AQ_EINPUT,
                           "'%s' has no %s column: a %s table needs one (named %s%s%s, or mapped with --map)",
                           aq_table_source(t) ? aq_table_source(t) : "the table", role_names[need], shape_names[r->shape],
                           defaults[need][0], defaults[need][1] ? " or " : "", defaults[need][1] ? defaults[need][1] : "");
    }
    return AQ_OK;
}

bool aq__roles_claims(const aq__roles *r, const aq__mapping *m, const aq_table *t, size_t j)
{
    for (int k = 0; k < AQ_ROLE_COUNT; k++)
        if (r->col[k] == (long)j)
            return true;
    return ignored(m, aq_table_colname(t, j));
}
