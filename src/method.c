/*
 * method.c -- methodology files: YAML into struct aq_method, with every
 * check reporting the file and line it concerns.
 *
 * libyaml's document API keeps each node's position, so a bad weight on
 * line 12 is reported as "m.yaml:12: ...". Unknown keys are errors (a
 * misspelt "weigth" would otherwise silently fall back to a default),
 * except the documentation keys listed in doc_keys. The schema is in
 * docs/methodology.md.
 */
#include "index_int.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct mp {
    aq_ctx *ctx;
    yaml_document_t *doc;
    const char *file;
    aq_method *m;
} mp;

/* Free-text keys allowed anywhere: they document, they do not compute. */
static const char *const doc_keys[] = {
    "description", "notes", "note", "source", "sources", "assumptions", "assumption_note",
    "status", "data", "data_need", "unit", "name_ru", "name_kk", "name_en", "label_ru",
    "label_kk", "block", "url", "missing_indicators", "license", NULL};

static size_t line_of(const yaml_node_t *n) { return n ? n->start_mark.line + 1 : 0; }

static int fail(mp *p, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(mp *p, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: %s", p->file, line_of(n), msg);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *node(mp *p, int id) { return yaml_document_get_node(p->doc, id); }

/* Value of KEY in mapping MAP, or NULL. */
static yaml_node_t *get(mp *p, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        const char *k = scalar(node(p, pr->key));
        if (k && strcmp(k, key) == 0)
            return node(p, pr->value);
    }
    return NULL;
}

/* Rejects keys of MAP that are neither in KNOWN nor documentation keys. */
static int known_keys(mp *p, yaml_node_t *map, const char *what, const char *const *known)
{
    if (!map)
        return AQ_OK;
    if (map->type != YAML_MAPPING_NODE)
        return fail(p, map, "%s must be a mapping (key: value)", what);
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *kn = node(p, pr->key);
        const char *k = scalar(kn);
        if (!k)
            return fail(p, kn, "%s: keys must be plain words", what);
        int ok = 0;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(known[i], k) == 0;
        for (size_t i = 0; doc_keys[i] && !ok; i++)
            ok = strcmp(doc_keys[i], k) == 0;
        if (!ok) {
            aq_buf b = {0};
            for (size_t i = 0; known[i]; i++)
                aq__buf_printf(&b, "%s%s", i ? ", " : "", known[i]);
            int rc = fail(p, kn, "%s: unknown key '%s' (known: %s)", what, k,
                          b.data ? b.data : "");
            aq__buf_free(&b);
            return rc;
        }
    }
    return AQ_OK;
}

static int get_string(mp *p, yaml_node_t *map, const char *key, int required, char **out)
{
    yaml_node_t *n = get(p, map, key);
    if (!n) {
        if (required)
            return fail(p, map, "missing required key '%s'", key);
        return AQ_OK;
    }
    const char *s = scalar(n);
    if (!s || !*s)
        return fail(p, n, "'%s' must be a non-empty text value", key);
    *out = aq__strdup(s);
    return *out ? AQ_OK : aq__oom(p->ctx);
}

static int to_number(mp *p, yaml_node_t *n, const char *what, double *out)
{
    const char *s = scalar(n);
    char *end = NULL;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || end == s || *end || errno || !isfinite(v))
        return fail(p, n, "%s must be a number, not '%s'", what, s ? s : "(a list or mapping)");
    *out = v;
    return AQ_OK;
}

static int get_number(mp *p, yaml_node_t *map, const char *key, double *out)
{
    yaml_node_t *n = get(p, map, key);
    return n ? to_number(p, n, key, out) : AQ_OK;
}

/* A two-number list [lo, hi] with lo < hi. */
static int get_pair(mp *p, yaml_node_t *map, const char *key, double *lo, double *hi)
{
    yaml_node_t *n = get(p, map, key);
    if (!n)
        return AQ_OK;
    if (n->type != YAML_SEQUENCE_NODE || n->data.sequence.items.top - n->data.sequence.items.start != 2)
        return fail(p, n, "'%s' must be a list of two numbers [low, high]", key);
    int rc = to_number(p, node(p, n->data.sequence.items.start[0]), key, lo);
    if (!rc)
        rc = to_number(p, node(p, n->data.sequence.items.start[1]), key, hi);
    if (!rc && !(*lo < *hi))
        rc = fail(p, n, "'%s': the low value %g must be below the high value %g", key, *lo, *hi);
    return rc;
}

static int get_bool(mp *p, yaml_node_t *map, const char *key, int *out)
{
    yaml_node_t *n = get(p, map, key);
    if (!n)
        return AQ_OK;
    const char *s = scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes")))
        *out = 1;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "no")))
        *out = 0;
    else
        return fail(p, n, "'%s' must be true or false", key);
    return AQ_OK;
}

static size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_t *seq_item(mp *p, yaml_node_t *n, size_t i)
{
    return node(p, n->data.sequence.items.start[i]);
}

/* A list under KEY (may be absent: *len = 0). */
static int get_list(mp *p, yaml_node_t *map, const char *key, yaml_node_t **list, size_t *len)
{
    *list = get(p, map, key);
    *len = 0;
    if (!*list)
        return AQ_OK;
    if ((*list)->type != YAML_SEQUENCE_NODE)
        return fail(p, *list, "'%s' must be a list (items starting with '-')", key);
    *len = seq_len(*list);
    return AQ_OK;
}

/* ---- enumerations ---- */
static const struct { const char *name; int v; } norm_names[] = {
    {"minmax", AQ_NORM_MINMAX},     {"min-max", AQ_NORM_MINMAX},   {"zscore", AQ_NORM_ZSCORE},
    {"z-score", AQ_NORM_ZSCORE},    {"rank", AQ_NORM_RANK},        {"percentile", AQ_NORM_PCTRANK},
    {"percentile-rank", AQ_NORM_PCTRANK}, {"goalposts", AQ_NORM_GOALPOSTS},
    {"target", AQ_NORM_TARGET},     {"distance-to-target", AQ_NORM_TARGET},
    {"reference", AQ_NORM_REFERENCE}, {"distance-to-reference", AQ_NORM_REFERENCE},
    {"scoring", AQ_NORM_SCORING},   {"none", AQ_NORM_NONE},        {NULL, 0}};
static const struct { const char *name; int v; } agg_names[] = {
    {"arithmetic", AQ_AGG_ARITH}, {"geometric", AQ_AGG_GEOM}, {"harmonic", AQ_AGG_HARM},
    {"generalised", AQ_AGG_GENMEAN}, {"generalized", AQ_AGG_GENMEAN}, {NULL, 0}};
static const struct { const char *name; int v; } imp_names[] = {
    {"none", AQ_IMP_NONE}, {"mean", AQ_IMP_MEAN}, {"median", AQ_IMP_MEDIAN},
    {"group-mean", AQ_IMP_GROUP_MEAN}, {"group-median", AQ_IMP_GROUP_MEDIAN}, {NULL, 0}};
static const struct { const char *name; int v; } out_names[] = {
    {"none", AQ_OUT_NONE}, {"winsorise", AQ_OUT_WINSOR}, {"winsorize", AQ_OUT_WINSOR},
    {"log", AQ_OUT_LOG}, {"boxcox", AQ_OUT_BOXCOX}, {"box-cox", AQ_OUT_BOXCOX},
    {"jrc", AQ_OUT_JRC}, {NULL, 0}};
static const struct { const char *name; int v; } w_names[] = {
    {"explicit", AQ_W_EXPLICIT}, {"equal", AQ_W_EQUAL}, {"pca", AQ_W_PCA}, {NULL, 0}};

#define LOOKUP(table, s, out)                                                             \
    do {                                                                                  \
        *(out) = 0;                                                                       \
        for (size_t i_ = 0; (table)[i_].name; i_++)                                       \
            if (strcmp((table)[i_].name, (s)) == 0)                                       \
                *(out) = (table)[i_].v;                                                   \
    } while (0)

static int enum_value(mp *p, yaml_node_t *n, const char *what, int kind, int *out)
{
    const char *s = scalar(n);
    if (!s)
        return fail(p, n, "%s must be a word", what);
    const char *known;
    switch (kind) {
    case 0: LOOKUP(norm_names, s, out); known = "minmax, zscore, rank, percentile, goalposts, target, reference, scoring, none"; break;
    case 1: LOOKUP(agg_names, s, out); known = "arithmetic, geometric, harmonic, generalised"; break;
    case 2: LOOKUP(imp_names, s, out); known = "none, mean, median, group-mean, group-median"; break;
    case 3: LOOKUP(out_names, s, out); known = "none, winsorise, log, boxcox, jrc"; break;
    default: LOOKUP(w_names, s, out); known = "explicit, equal, pca"; break;
    }
    if (!*out)
        return fail(p, n, "%s: unknown value '%s' (known: %s)", what, s, known);
    return AQ_OK;
}

/* ---- sections ---- */

static int parse_scoring(mp *p, yaml_node_t *list, aq__mind *ind)
{
    if (list->type != YAML_SEQUENCE_NODE || seq_len(list) == 0)
        return fail(p, list, "indicator '%s': 'scoring' must be a non-empty list of "
                             "{min, max, points} or {category, points}", ind->code);
    ind->nbands = seq_len(list);
    ind->bands = aq__xcalloc(p->ctx, ind->nbands, sizeof *ind->bands);
    if (!ind->bands)
        return AQ_ENOMEM;
    static const char *const keys[] = {"min", "max", "category", "points", NULL};
    for (size_t i = 0; i < ind->nbands; i++) {
        yaml_node_t *b = seq_item(p, list, i);
        aq__band *bd = &ind->bands[i];
        bd->lo = -INFINITY;
        bd->hi = INFINITY;
        bd->points = NAN;
        int rc = known_keys(p, b, "scoring band", keys);
        if (!rc) rc = get_number(p, b, "min", &bd->lo);
        if (!rc) rc = get_number(p, b, "max", &bd->hi);
        if (!rc) rc = get_string(p, b, "category", 0, &bd->category);
        if (!rc) rc = get_number(p, b, "points", &bd->points);
        if (rc)
            return rc;
        if (isnan(bd->points))
            return fail(p, b, "indicator '%s': scoring band without 'points'", ind->code);
        if (!(bd->lo < bd->hi))
            return fail(p, b, "indicator '%s': scoring band min %g must be below max %g",
                        ind->code, bd->lo, bd->hi);
    }
    return AQ_OK;
}

static int parse_indicators(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    yaml_node_t *list;
    int rc = get_list(p, root, "indicators", &list, &m->nind);
    if (rc)
        return rc;
    if (!m->nind)
        return m->kind == AQ_METHOD_POTENTIAL
                   ? fail(p, list ? list : root, "a potential methodology needs 'indicators' "
                                                 "(a list of {code, direction, weight})")
                   : AQ_OK;
    m->ind = aq__xcalloc(p->ctx, m->nind, sizeof *m->ind);
    if (!m->ind)
        return AQ_ENOMEM;
    static const char *const keys[] = {"code", "direction", "weight", "weight_range", "pillar",
                                       "goalposts", "target", "scoring", "assumption", "name",
                                       NULL};
    for (size_t i = 0; i < m->nind; i++) {
        yaml_node_t *it = seq_item(p, list, i);
        aq__mind *ind = &m->ind[i];
        ind->line = line_of(it);
        ind->direction = 1;
        ind->weight = 1;
        ind->wlo = ind->whi = ind->goal_lo = ind->goal_hi = ind->target = NAN;
        double dir = 1;
        rc = known_keys(p, it, "indicator", keys);
        if (!rc) rc = get_string(p, it, "code", 1, &ind->code);
        if (!rc) rc = get_number(p, it, "direction", &dir);
        if (!rc) rc = get_number(p, it, "weight", &ind->weight);
        if (!rc) rc = get_pair(p, it, "weight_range", &ind->wlo, &ind->whi);
        if (!rc) rc = get_string(p, it, "pillar", 0, &ind->pillar);
        if (!rc) rc = get_pair(p, it, "goalposts", &ind->goal_lo, &ind->goal_hi);
        if (!rc) rc = get_number(p, it, "target", &ind->target);
        if (!rc) rc = get_bool(p, it, "assumption", &ind->assumption);
        if (!rc && get(p, it, "scoring"))
            rc = parse_scoring(p, get(p, it, "scoring"), ind);
        if (rc)
            return rc;
        if (dir != 1 && dir != -1)
            return fail(p, get(p, it, "direction"),
                        "indicator '%s': direction must be 1 (higher is better) or -1 (higher "
                        "is worse), not %g", ind->code, dir);
        ind->direction = (int)dir;
        if (!(ind->weight > 0))
            return fail(p, get(p, it, "weight"),
                        "indicator '%s': weight must be greater than 0, not %g (leave the "
                        "indicator out instead of giving it weight 0)", ind->code, ind->weight);
        if (!isnan(ind->wlo) && !(ind->wlo > 0 && ind->wlo <= ind->weight && ind->weight <= ind->whi))
            return fail(p, get(p, it, "weight_range"),
                        "indicator '%s': weight_range [%g, %g] must be positive and contain "
                        "the weight %g", ind->code, ind->wlo, ind->whi, ind->weight);
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->ind[j].code, ind->code) == 0)
                return fail(p, it, "indicator '%s' is listed twice (first on line %zu)",
                            ind->code, m->ind[j].line);
    }
    return AQ_OK;
}

static int parse_pillars(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    yaml_node_t *list;
    int rc = get_list(p, root, "pillars", &list, &m->npil);
    if (rc)
        return rc;
    static const char *const keys[] = {"code", "weight", "weight_range", "name", NULL};
    if (m->npil) {
        m->pil = aq__xcalloc(p->ctx, m->npil, sizeof *m->pil);
        if (!m->pil)
            return AQ_ENOMEM;
    }
    for (size_t i = 0; i < m->npil; i++) {
        yaml_node_t *it = seq_item(p, list, i);
        aq__mpillar *pl = &m->pil[i];
        pl->line = line_of(it);
        pl->weight = 1;
        pl->wlo = pl->whi = NAN;
        rc = known_keys(p, it, "pillar", keys);
        if (!rc) rc = get_string(p, it, "code", 1, &pl->code);
        if (!rc) rc = get_number(p, it, "weight", &pl->weight);
        if (!rc) rc = get_pair(p, it, "weight_range", &pl->wlo, &pl->whi);
        if (rc)
            return rc;
        if (!(pl->weight > 0))
            return fail(p, get(p, it, "weight"), "pillar '%s': weight must be greater than 0, "
                        "not %g", pl->code, pl->weight);
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->pil[j].code, pl->code) == 0)
                return fail(p, it, "pillar '%s' is listed twice (first on line %zu)", pl->code,
                            m->pil[j].line);
    }
    /* Every indicator names a declared pillar; every pillar has one. */
    for (size_t i = 0; i < m->nind; i++) {
        aq__mind *ind = &m->ind[i];
        if (!m->npil) {
            if (ind->pillar)
                return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: indicator '%s' names pillar '%s' "
                               "but the methodology declares no 'pillars'", p->file, ind->line,
                               ind->code, ind->pillar);
            continue;
        }
        if (!ind->pillar)
            return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: indicator '%s' has no 'pillar' (the "
                           "methodology declares pillars, so each indicator needs one)",
                           p->file, ind->line, ind->code);
        size_t k = 0;
        while (k < m->npil && strcmp(m->pil[k].code, ind->pillar) != 0)
            k++;
        if (k == m->npil)
            return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: indicator '%s': unknown pillar '%s'",
                           p->file, ind->line, ind->code, ind->pillar);
        ind->pillar_idx = k;
    }
    for (size_t k = 0; k < m->npil; k++) {
        size_t cnt = 0;
        double wsum = 0;
        for (size_t i = 0; i < m->nind; i++)
            if (m->ind[i].pillar_idx == k) {
                cnt++;
                wsum += m->ind[i].weight;
            }
        if (!cnt)
            return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: pillar '%s' has no indicator", p->file,
                           m->pil[k].line, m->pil[k].code);
        if (cnt > 1 && wsum < 1 - 1e-9 && wsum > 0.5)
            aq__warn(p->ctx, "%s:%zu: the weights of pillar '%s' sum to %g; they are "
                     "normalised to sum 1", p->file, m->pil[k].line, m->pil[k].code, wsum);
    }
    return AQ_OK;
}

static int parse_settings(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    int rc, v;
    yaml_node_t *n = get(p, root, "normalise");
    if (!n)
        n = get(p, root, "normalize");
    static const char *const nkeys[] = {"method", "range", "reference", NULL};
    if ((rc = known_keys(p, n, "normalise", nkeys)))
        return rc;
    if (n && get(p, n, "method")) {
        if ((rc = enum_value(p, get(p, n, "method"), "normalise method", 0, &v)))
            return rc;
        m->norm = (enum aq__norm)v;
    }
    if ((rc = get_pair(p, n, "range", &m->range_lo, &m->range_hi)) ||
        (rc = get_string(p, n, "reference", 0, &m->reference)))
        return rc;
    if (m->norm == AQ_NORM_REFERENCE && !m->reference)
        return fail(p, n, "normalise method 'reference' needs 'reference: UNIT_ID'");
    for (size_t i = 0; i < m->nind; i++) {
        aq__mind *ind = &m->ind[i];
        if (m->norm == AQ_NORM_GOALPOSTS && isnan(ind->goal_lo) && !ind->bands)
            return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: indicator '%s' needs 'goalposts: [low, "
                           "high]' (normalise method goalposts)", p->file, ind->line, ind->code);
        if (m->norm == AQ_NORM_TARGET && isnan(ind->target) && !ind->bands)
            return aq__err(p->ctx, AQ_EINPUT, "%s:%zu: indicator '%s' needs 'target' "
                           "(normalise method target)", p->file, ind->line, ind->code);
    }

    n = get(p, root, "aggregate");
    static const char *const akeys[] = {"method", "within", "between", "p", NULL};
    if ((rc = known_keys(p, n, "aggregate", akeys)))
        return rc;
    if (n && get(p, n, "method")) {
        if ((rc = enum_value(p, get(p, n, "method"), "aggregate method", 1, &v)))
            return rc;
        m->agg_within = m->agg_between = (enum aq__agg)v;
    }
    if (n && get(p, n, "within")) {
        if ((rc = enum_value(p, get(p, n, "within"), "aggregate within", 1, &v)))
            return rc;
        m->agg_within = (enum aq__agg)v;
    }
    if (n && get(p, n, "between")) {
        if ((rc = enum_value(p, get(p, n, "between"), "aggregate between", 1, &v)))
            return rc;
        m->agg_between = (enum aq__agg)v;
    }
    if ((rc = get_number(p, n, "p", &m->p_within)))
        return rc;
    m->p_between = m->p_within;
    if ((m->agg_within == AQ_AGG_GENMEAN || m->agg_between == AQ_AGG_GENMEAN) && m->p_within == 0)
        return fail(p, n, "generalised mean needs a non-zero exponent 'p' (p = 0 is the "
                          "geometric mean)");
    int needs_pos = m->agg_within != AQ_AGG_ARITH || m->agg_between != AQ_AGG_ARITH;
    if (needs_pos && (m->norm == AQ_NORM_MINMAX || m->norm == AQ_NORM_RANK ||
                      m->norm == AQ_NORM_PCTRANK || m->norm == AQ_NORM_GOALPOSTS) &&
        !(m->range_lo > 0))
        return fail(p, n, "geometric, harmonic and generalised means need positive values, "
                          "but the normalised range starts at %g: use e.g. range: [1, 100]",
                    m->range_lo);
    if (needs_pos && m->norm == AQ_NORM_ZSCORE)
        return fail(p, n, "z-scores are negative for half the units: use an arithmetic mean "
                          "or another normalisation");

    n = get(p, root, "missing");
    static const char *const mkeys[] = {"impute", "max_share", NULL};
    if ((rc = known_keys(p, n, "missing", mkeys)))
        return rc;
    if (n && get(p, n, "impute")) {
        if ((rc = enum_value(p, get(p, n, "impute"), "missing impute", 2, &v)))
            return rc;
        m->impute = (enum aq__impute)v;
    }
    if ((rc = get_number(p, n, "max_share", &m->max_missing)))
        return rc;
    if (m->max_missing < 0 || m->max_missing > 1)
        return fail(p, get(p, n, "max_share"), "missing max_share must be between 0 and 1");
    if ((m->impute == AQ_IMP_GROUP_MEAN || m->impute == AQ_IMP_GROUP_MEDIAN) && !m->group_col)
        return fail(p, n, "group imputation needs 'group: COLUMN' at the top level");

    n = get(p, root, "outliers");
    static const char *const okeys[] = {"method", "skewness", "kurtosis", "max_points", NULL};
    if ((rc = known_keys(p, n, "outliers", okeys)))
        return rc;
    if (n && get(p, n, "method")) {
        if ((rc = enum_value(p, get(p, n, "method"), "outliers method", 3, &v)))
            return rc;
        m->outliers = (enum aq__outlier)v;
    }
    double mp_ = m->winsor_max;
    if ((rc = get_number(p, n, "skewness", &m->skew_max)) ||
        (rc = get_number(p, n, "kurtosis", &m->kurt_max)) ||
        (rc = get_number(p, n, "max_points", &mp_)))
        return rc;
    m->winsor_max = (int)mp_;

    n = get(p, root, "weights");
    static const char *const wkeys[] = {"method", NULL};
    if ((rc = known_keys(p, n, "weights", wkeys)))
        return rc;
    if (n && get(p, n, "method")) {
        if ((rc = enum_value(p, get(p, n, "method"), "weights method", 4, &v)))
            return rc;
        m->wmode = (enum aq__wmode)v;
    }
    for (size_t k = 0; m->wmode == AQ_W_PCA && k < (m->npil ? m->npil : 1); k++) {
        size_t cnt = 0;
        for (size_t i = 0; i < m->nind; i++)
            cnt += !m->npil || m->ind[i].pillar_idx == k;
        if (cnt > 64)
            return fail(p, n, "pca weights: at most 64 indicators per pillar, not %zu", cnt);
    }
    return AQ_OK;
}

static int parse_expr(mp *p, yaml_node_t *n, const char *what, aq__expr **out)
{
    const char *s = scalar(n);
    if (!s)
        return fail(p, n, "%s must be a condition in quotes, e.g. \"pop == 0\"", what);
    int rc = aq__expr_parse(p->ctx, s, out);
    if (rc == AQ_EINPUT)
        aq__err_prefix(p->ctx, "%s:%zu: %s", p->file, line_of(n), what);
    return rc;
}

static int parse_classes(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    yaml_node_t *list;
    int rc = get_list(p, root, "classes", &list, &m->nrules);
    if (rc || !m->nrules)
        return rc;
    m->rules = aq__xcalloc(p->ctx, m->nrules, sizeof *m->rules);
    if (!m->rules)
        return AQ_ENOMEM;
    static const char *const keys[] = {"name", "when", "min_score", "max_score",
                                       "min_score_range", "min_quantile", "max_quantile",
                                       "jenks", "assumption", NULL};
    static const char *const jkeys[] = {"k", "class", NULL};
    size_t catch_all = 0;
    for (size_t i = 0; i < m->nrules; i++) {
        yaml_node_t *it = seq_item(p, list, i);
        aq__mrule *r = &m->rules[i];
        r->line = line_of(it);
        r->min_score = r->max_score = r->min_lo = r->min_hi = NAN;
        r->min_quantile = r->max_quantile = NAN;
        int dummy = 0;
        double jk = 0, jc = 0;
        rc = known_keys(p, it, "class", keys);
        if (!rc) rc = get_string(p, it, "name", 1, &r->name);
        if (!rc && get(p, it, "when")) rc = parse_expr(p, get(p, it, "when"), "when", &r->when);
        if (!rc) rc = get_number(p, it, "min_score", &r->min_score);
        if (!rc) rc = get_number(p, it, "max_score", &r->max_score);
        if (!rc) rc = get_pair(p, it, "min_score_range", &r->min_lo, &r->min_hi);
        if (!rc) rc = get_number(p, it, "min_quantile", &r->min_quantile);
        if (!rc) rc = get_number(p, it, "max_quantile", &r->max_quantile);
        if (!rc) rc = get_bool(p, it, "assumption", &dummy);
        if (!rc) rc = known_keys(p, get(p, it, "jenks"), "jenks", jkeys);
        if (!rc) rc = get_number(p, get(p, it, "jenks"), "k", &jk);
        if (!rc) rc = get_number(p, get(p, it, "jenks"), "class", &jc);
        if (rc)
            return rc;
        if (!isnan(r->min_lo) && (isnan(r->min_score) || r->min_score < r->min_lo ||
                                  r->min_score > r->min_hi))
            return fail(p, get(p, it, "min_score_range"), "class '%s': min_score_range [%g, "
                        "%g] must contain min_score", r->name, r->min_lo, r->min_hi);
        for (int q = 0; q < 2; q++) {
            double v = q ? r->max_quantile : r->min_quantile;
            if (!isnan(v) && (v < 0 || v > 1))
                return fail(p, it, "class '%s': quantiles are between 0 and 1, not %g",
                            r->name, v);
        }
        if (get(p, it, "jenks")) {
            if (jk < 2 || jc < 1 || jc > jk || jk != floor(jk) || jc != floor(jc))
                return fail(p, get(p, it, "jenks"), "class '%s': jenks needs whole numbers "
                            "k >= 2 and 1 <= class <= k", r->name);
            r->jenks_k = (int)jk;
            r->jenks_class = (int)jc;
        }
        int unconditional = !r->when && isnan(r->min_score) && isnan(r->max_score) &&
                            isnan(r->min_quantile) && isnan(r->max_quantile) && !r->jenks_k;
        if (catch_all)
            aq__warn(p->ctx, "%s:%zu: class '%s' can never match: the class on line %zu "
                     "matches every unit", p->file, r->line, r->name, catch_all);
        if (unconditional && !catch_all)
            catch_all = r->line;
    }
    return AQ_OK;
}

static int parse_derive(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    yaml_node_t *list;
    int rc = get_list(p, root, "derive", &list, &m->nderive);
    if (rc || !m->nderive)
        return rc;
    m->derive = aq__xcalloc(p->ctx, m->nderive, sizeof *m->derive);
    if (!m->derive)
        return AQ_ENOMEM;
    static const char *const keys[] = {"code", "expr", "name", NULL};
    for (size_t i = 0; i < m->nderive; i++) {
        yaml_node_t *it = seq_item(p, list, i);
        aq__mderive *d = &m->derive[i];
        d->line = line_of(it);
        rc = known_keys(p, it, "derive", keys);
        if (!rc) rc = get_string(p, it, "code", 1, &d->code);
        if (!rc && !get(p, it, "expr")) rc = fail(p, it, "derive '%s' needs 'expr'", d->code);
        if (!rc) rc = parse_expr(p, get(p, it, "expr"), "expr", &d->expr);
        if (rc)
            return rc;
    }
    return AQ_OK;
}

static int parse_depressed(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    yaml_node_t *list;
    int rc = get_list(p, root, "criteria", &list, &m->ncrit);
    if (rc)
        return rc;
    if (m->kind == AQ_METHOD_DEPRESSED && !m->ncrit)
        return fail(p, list ? list : root, "a depressed methodology needs 'criteria' (a list of "
                                            "{code, when})");
    if (m->ncrit) {
        m->crit = aq__xcalloc(p->ctx, m->ncrit, sizeof *m->crit);
        if (!m->crit)
            return AQ_ENOMEM;
    }
    static const char *const keys[] = {"code", "label", "when", "assumption", NULL};
    for (size_t i = 0; i < m->ncrit; i++) {
        yaml_node_t *it = seq_item(p, list, i);
        aq__mcrit *c = &m->crit[i];
        int dummy = 0;
        c->line = line_of(it);
        rc = known_keys(p, it, "criterion", keys);
        if (!rc) rc = get_string(p, it, "code", 1, &c->code);
        if (!rc) rc = get_string(p, it, "label", 0, &c->label);
        if (!rc) rc = get_bool(p, it, "assumption", &dummy);
        if (!rc && !get(p, it, "when")) rc = fail(p, it, "criterion '%s' needs 'when'", c->code);
        if (!rc) rc = parse_expr(p, get(p, it, "when"), "when", &c->when);
        if (rc)
            return rc;
    }
    yaml_node_t *f = get(p, root, "flag");
    if (!m->ncrit)
        return f ? fail(p, f, "'flag' needs 'criteria'") : AQ_OK;
    static const char *const fkeys[] = {"min_criteria", "when", "assumption", NULL};
    if ((rc = known_keys(p, f, "flag", fkeys)))
        return rc;
    m->flag_line = line_of(f);
    double k = (double)m->ncrit; /* default: all criteria */
    if ((rc = get_number(p, f, "min_criteria", &k)))
        return rc;
    if (k < 1 || k > (double)m->ncrit || k != floor(k))
        return fail(p, get(p, f, "min_criteria"), "flag min_criteria must be a whole number "
                    "between 1 and the %zu criteria", m->ncrit);
    m->flag_min = (long)k;
    if (f && get(p, f, "when"))
        return parse_expr(p, get(p, f, "when"), "flag when", &m->flag_when);
    return AQ_OK;
}

static int parse_uncertainty(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    aq__munc *u = &m->unc;
    u->weight_share = u->dirichlet = NAN;
    yaml_node_t *n = get(p, root, "uncertainty");
    if (!n)
        return AQ_OK;
    u->line = line_of(n);
    static const char *const keys[] = {"weights", "normalise", "aggregate", "impute",
                                       "leave_one_out", NULL};
    static const char *const wkeys[] = {"dirichlet", "range", NULL};
    int rc = known_keys(p, n, "uncertainty", keys);
    yaml_node_t *w = get(p, n, "weights");
    if (!rc) rc = known_keys(p, w, "uncertainty weights", wkeys);
    if (!rc) rc = get_number(p, w, "dirichlet", &u->dirichlet);
    if (!rc) rc = get_number(p, w, "range", &u->weight_share);
    if (!rc) rc = get_bool(p, n, "leave_one_out", &u->leave_one_out);
    if (rc)
        return rc;
    if (!isnan(u->dirichlet) && !(u->dirichlet > 0))
        return fail(p, w, "uncertainty weights dirichlet (concentration) must be > 0");
    if (!isnan(u->weight_share) && !(u->weight_share > 0 && u->weight_share < 1))
        return fail(p, w, "uncertainty weights range is a share between 0 and 1 (0.25 = "
                          "+-25 %%), not %g", u->weight_share);
    static const char *const lists[] = {"normalise", "aggregate", "impute"};
    for (int k = 0; k < 3; k++) {
        yaml_node_t *l;
        size_t len;
        if ((rc = get_list(p, n, lists[k], &l, &len)))
            return rc;
        size_t cap = k == 0 ? 8 : k == 1 ? 4 : 5;
        if (len > cap)
            return fail(p, l, "uncertainty %s: at most %zu alternatives", lists[k], cap);
        for (size_t i = 0; i < len; i++) {
            int v;
            if ((rc = enum_value(p, seq_item(p, l, i), lists[k], k == 0 ? 0 : k == 1 ? 1 : 2, &v)))
                return rc;
            if (k == 0)
                u->norms[u->nnorms++] = (enum aq__norm)v;
            else if (k == 1)
                u->aggs[u->naggs++] = (enum aq__agg)v;
            else
                u->imputes[u->nimputes++] = (enum aq__impute)v;
        }
    }
    for (size_t i = 0; i < u->naggs; i++)
        if (u->aggs[i] != AQ_AGG_ARITH && !(m->range_lo > 0))
            return fail(p, get(p, n, "aggregate"), "uncertainty aggregate: geometric, harmonic "
                        "and generalised means need positive values; set normalise range: "
                        "[1, 100] or similar");
    return AQ_OK;
}

/* support: {when: "class == \"high\"", max_km: 30, max_minutes: 60, x: lon,
 * y: lat, coordinates: degrees | km} */
static int parse_support(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    yaml_node_t *n = get(p, root, "support");
    m->support_max_km = m->support_max_min = NAN;
    if (!n)
        return AQ_OK;
    m->support_line = line_of(n);
    static const char *const keys[] = {"when", "max_km", "max_minutes", "x", "y", "coordinates",
                                       NULL};
    char *coords = NULL;
    int rc = known_keys(p, n, "support", keys);
    if (!rc && !get(p, n, "when"))
        rc = fail(p, n, "support needs 'when' (which settlements are support settlements)");
    if (!rc) rc = parse_expr(p, get(p, n, "when"), "support when", &m->support_when);
    if (!rc) rc = get_number(p, n, "max_km", &m->support_max_km);
    if (!rc) rc = get_number(p, n, "max_minutes", &m->support_max_min);
    if (!rc) rc = get_string(p, n, "x", 0, &m->support_x);
    if (!rc) rc = get_string(p, n, "y", 0, &m->support_y);
    if (!rc) rc = get_string(p, n, "coordinates", 0, &coords);
    if (!rc && coords) {
        if (strcmp(coords, "km") == 0)
            m->support_planar = 1;
        else if (strcmp(coords, "degrees") != 0)
            rc = fail(p, get(p, n, "coordinates"), "support coordinates: degrees or km, not '%s'",
                      coords);
    }
    aq__free(coords);
    if (!rc && isnan(m->support_max_km) && isnan(m->support_max_min))
        rc = fail(p, n, "support needs 'max_km' (the straight-line limit of a satellite) or "
                        "'max_minutes' (the travel-time limit, with travel times given)");
    if (!rc && !isnan(m->support_max_km) && !(m->support_max_km > 0))
        rc = fail(p, get(p, n, "max_km"), "support: 'max_km' must be > 0, not %g",
                  m->support_max_km);
    if (!rc && !isnan(m->support_max_min) && !(m->support_max_min > 0))
        rc = fail(p, get(p, n, "max_minutes"), "support: 'max_minutes' must be > 0, not %g",
                  m->support_max_min);
    if (!rc && !m->support_x != !m->support_y)
        rc = fail(p, n, "support: give both 'x' and 'y' columns, or neither (point geometries)");
    return rc;
}

static int parse_root(mp *p, yaml_node_t *root)
{
    aq_method *m = p->m;
    if (!root || root->type != YAML_MAPPING_NODE)
        return fail(p, root, "a methodology is a mapping with keys name, id, indicators, ...");
    static const char *const keys[] = {
        "name", "kind", "version", "act", "id", "population", "group", "indicators", "pillars",
        "normalise", "normalize", "aggregate", "missing", "outliers", "weights", "classes",
        "derive", "criteria", "flag", "uncertainty", "support", NULL};
    int rc = known_keys(p, root, "methodology", keys);
    char *kind = NULL;
    if (!rc) rc = get_string(p, root, "name", 1, &m->name);
    if (!rc) rc = get_string(p, root, "kind", 0, &kind);
    if (!rc && kind) {
        if (strcmp(kind, "potential") == 0 || strcmp(kind, "index") == 0)
            m->kind = AQ_METHOD_POTENTIAL;
        else if (strcmp(kind, "depressed") == 0)
            m->kind = AQ_METHOD_DEPRESSED;
        else
            rc = fail(p, get(p, root, "kind"), "kind must be potential or depressed, not '%s'",
                      kind);
    }
    aq__free(kind);
    if (!rc) rc = get_string(p, root, "version", 0, &m->version);
    if (!rc) rc = get_string(p, root, "act", 0, &m->act);
    if (!rc) rc = get_string(p, root, "id", 1, &m->id_col);
    if (!rc) rc = get_string(p, root, "population", 0, &m->pop_col);
    if (!rc) rc = get_string(p, root, "group", 0, &m->group_col);
    if (!rc) rc = parse_derive(p, root);
    if (!rc) rc = parse_indicators(p, root);
    if (!rc) rc = parse_pillars(p, root);
    if (!rc) rc = parse_settings(p, root);
    if (!rc) rc = parse_classes(p, root);
    if (!rc) rc = parse_depressed(p, root);
    if (!rc) rc = parse_uncertainty(p, root);
    if (!rc) rc = parse_support(p, root);
    if (!rc && m->kind == AQ_METHOD_POTENTIAL && !m->nrules)
        aq__warn(p->ctx, "%s: no 'classes': units get scores and ranks only", p->file);
    return rc;
}

static void set_defaults(aq_method *m)
{
    m->kind = AQ_METHOD_POTENTIAL;
    m->norm = AQ_NORM_MINMAX;
    m->range_lo = 0;
    m->range_hi = 100;
    m->agg_within = m->agg_between = AQ_AGG_ARITH;
    m->p_within = m->p_between = 1;
    m->impute = AQ_IMP_NONE;
    m->max_missing = 0;
    m->outliers = AQ_OUT_NONE;
    m->skew_max = 2.0; /* the JRC/COINr rule: treat when |skewness| > 2 */
    m->kurt_max = 3.5; /* and kurtosis > 3.5 */
    m->winsor_max = 5;
    m->wmode = AQ_W_EXPLICIT;
}

int aq_method_parse(aq_ctx *ctx, const char *text, size_t len, const char *name,
                    aq_method **out)
{
    const char *file = name ? name : "methodology";
    aq_method *m = aq__xcalloc(ctx, 1, sizeof *m);
    if (!m)
        return AQ_ENOMEM;
    set_defaults(m);
    m->path = aq__strdup(file);
    if (!m->path) {
        aq__free(m);
        return aq__oom(ctx);
    }
    unsigned char digest[32];
    crypto_hash_sha256(digest, (const unsigned char *)text, len);
    for (int i = 0; i < 32; i++)
        snprintf(m->hash + 2 * i, 3, "%02x", digest[i]);

    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser)) {
        aq_method_free(m);
        return aq__oom(ctx);
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = AQ_OK;
    if (!yaml_parser_load(&parser, &doc)) {
        rc = aq__err(ctx, AQ_EINPUT, "%s:%zu: invalid YAML: %s%s%s", file,
                     parser.problem_mark.line + 1, parser.problem ? parser.problem : "error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        aq_method_free(m);
        return rc;
    }
    mp p = {ctx, &doc, file, m};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root)
        rc = aq__err(ctx, AQ_EINPUT, "%s: the file is empty", file);
    else
        rc = parse_root(&p, root);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc) {
        aq_method_free(m);
        return rc;
    }
    *out = m;
    return AQ_OK;
}

int aq_method_load(aq_ctx *ctx, const char *path, aq_method **out)
{
    int rc0 = aq__input_regular(ctx, path);
    if (rc0)
        return rc0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot open methodology '%s': %s", path, strerror(errno));
    aq_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        aq__buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        aq__buf_free(&b);
        return aq__err(ctx, AQ_EIO, "cannot read methodology '%s'", path);
    }
    if (b.failed) {
        aq__buf_free(&b);
        return aq__oom(ctx);
    }
    int rc = aq_method_parse(ctx, b.data ? b.data : "", b.len, path, out);
    aq__buf_free(&b);
    return rc;
}

void aq_method_free(aq_method *m)
{
    if (!m)
        return;
    for (size_t i = 0; m->ind && i < m->nind; i++) {
        aq__free(m->ind[i].code);
        aq__free(m->ind[i].pillar);
        for (size_t k = 0; m->ind[i].bands && k < m->ind[i].nbands; k++)
            aq__free(m->ind[i].bands[k].category);
        aq__free(m->ind[i].bands);
    }
    for (size_t i = 0; m->pil && i < m->npil; i++)
        aq__free(m->pil[i].code);
    for (size_t i = 0; m->rules && i < m->nrules; i++) {
        aq__free(m->rules[i].name);
        aq__expr_free(m->rules[i].when);
    }
    for (size_t i = 0; m->derive && i < m->nderive; i++) {
        aq__free(m->derive[i].code);
        aq__expr_free(m->derive[i].expr);
    }
    for (size_t i = 0; m->crit && i < m->ncrit; i++) {
        aq__free(m->crit[i].code);
        aq__free(m->crit[i].label);
        aq__expr_free(m->crit[i].when);
    }
    aq__expr_free(m->flag_when);
    aq__expr_free(m->support_when);
    aq__method_wrep_free(m);
    aq__free(m->support_x);
    aq__free(m->support_y);
    aq__free(m->ind);
    aq__free(m->pil);
    aq__free(m->rules);
    aq__free(m->derive);
    aq__free(m->crit);
    aq__free(m->name);
    aq__free(m->version);
    aq__free(m->act);
    aq__free(m->path);
    aq__free(m->group_col);
    aq__free(m->id_col);
    aq__free(m->pop_col);
    aq__free(m->reference);
    aq__free(m);
}

const char *aq_method_name(const aq_method *m) { return m->name; }
const char *aq_method_hash(const aq_method *m) { return m->hash; }
const char *aq_method_id_column(const aq_method *m) { return m->id_col; }
const char *aq_method_population_column(const aq_method *m) { return m->pop_col; }
const char *aq_method_act(const aq_method *m) { return m->act; }
const char *aq_method_kind(const aq_method *m)
{
    return m->kind == AQ_METHOD_DEPRESSED ? "depressed" : "potential";
}
size_t aq_method_nindicators(const aq_method *m) { return m->nind; }
const char *aq_method_indicator(const aq_method *m, size_t i)
{
    return i < m->nind ? m->ind[i].code : NULL;
}
