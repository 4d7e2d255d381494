/*
 * scenario.c -- `aimaq scenario PLAN.yaml`: applies a plan's changes
 * (relocating residents, new or upgraded roads, opened or closed
 * facilities, growth of an indicator) to a settlement system and reports
 * the indicators before and after side by side.
 *
 * The plan format is documented in docs/scenario.md. Potential classes are
 * read from a column of the settlement table (the classes of `aimaq index`
 * once written there), so a plan can say "move the residents of every
 * low-potential settlement to the nearest high-potential one within an hour".
 */
#include "network_int.h"
#include "aimaq_ineq.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ---- YAML helpers ---- */

typedef struct plan {
    yaml_document_t doc;
    const char *path;
    const char *db; /* the store given by the caller, or NULL */
    char dir[4096];
} plan;

static yaml_node_t *root(plan *p) { return yaml_document_get_root_node(&p->doc); }

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static yaml_node_t *get(plan *p, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        const char *k = scalar(yaml_document_get_node(&p->doc, q->key));
        if (k && strcmp(k, key) == 0)
            return yaml_document_get_node(&p->doc, q->value);
    }
    return NULL;
}

static const char *gets(plan *p, yaml_node_t *map, const char *key, const char *dflt)
{
    const char *s = scalar(get(p, map, key));
    return s ? s : dflt;
}

static int getd(aq_ctx *ctx, plan *p, yaml_node_t *map, const char *key, double dflt, double *out)
{
    const char *s = scalar(get(p, map, key));
    if (!s) {
        *out = dflt;
        return AQ_OK;
    }
    char *end;
    *out = strtod(s, &end);
    if (end == s || *end)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: '%s' should be a number, not '%s'", p->path,
                       (size_t)get(p, map, key)->start_mark.line + 1, key, s);
    return AQ_OK;
}

static int read_rel(aq_ctx *ctx, plan *p, const char *file, aq_table **out)
{
    char path[8192];
    if (file[0] == '/')
        snprintf(path, sizeof path, "%s", file);
    else
        snprintf(path, sizeof path, "%s%s", p->dir, file);
    return aq_table_read(ctx, path, NULL, out);
}

/* The settlements: a file, or the units of a level from the store with
 * their population (and indicator) of one period and their points. */
static int read_settlements(aq_ctx *ctx, plan *p, yaml_node_t *set, aq_table **out)
{
    const char *file = gets(p, set, "file", NULL), *level = gets(p, set, "level", NULL);
    if (file)
        return read_rel(ctx, p, file, out);
    const char *db = p->db ? p->db : gets(p, set, "store", NULL);
    if (!level || !db)
        return aq__err(ctx, AQ_EINPUT, "%s: settlements need file: FILE, or level: LEVEL with a "
                       "store (settlements: store: FILE, or --db)", p->path);
    char path[8192];
    if (p->db || db[0] == '/')
        snprintf(path, sizeof path, "%s", db);
    else
        snprintf(path, sizeof path, "%s%s", p->dir, db);
    const char *codes[] = {gets(p, set, "population", "population"),
                           gets(p, set, "indicator", NULL), NULL};
    aq_store *store = NULL;
    int rc = aq_store_open(ctx, path, AQ_STORE_READONLY, &store);
    if (!rc)
        rc = aq_access_store_places(ctx, store, level, gets(p, set, "period", NULL),
                                    gets(p, set, "under", NULL), codes, out);
    aq_store_close(store);
    return rc;
}

/* ---- the state a plan changes ---- */

typedef struct service {
    const char *name;
    size_t *node;
    size_t n, cap;
} service;

typedef struct state {
    aq_graph *g;
    aq__places pl;
    const aq_table *st;  /* settlements table */
    long classcol, regioncol;
    double *pop, *ind;   /* current population and indicator             */
    service *sv;
    size_t nsv;
    double moved;
    double assumed;      /* people whose number the plan assumed      */
    size_t nassumed;     /* settlements with an assumed population    */
    aq__scen_potential *potential; /* classes recomputed, or NULL    */
} state;

static const char *text_of(const state *s, long col, size_t i, char *buf, size_t size)
{
    return col < 0 ? "" : aq_table_cell(s->st, (size_t)col, i, buf, size);
}

/* Whether VALUE is the scalar N or one of the scalars of the sequence N. */
static int in_list(plan *p, yaml_node_t *n, const char *value)
{
    if (n && n->type == YAML_SCALAR_NODE)
        return strcmp(scalar(n), value) == 0;
    if (n && n->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            const char *v = scalar(yaml_document_get_node(&p->doc, *it));
            if (v && strcmp(v, value) == 0)
                return 1;
        }
    return 0;
}

/* N as text for messages: "a" or "a/b/c". */
static void list_text(plan *p, yaml_node_t *n, char *buf, size_t size)
{
    buf[0] = 0;
    if (n && n->type == YAML_SCALAR_NODE) {
        snprintf(buf, size, "%s", scalar(n));
        return;
    }
    size_t len = 0;
    for (yaml_node_item_t *it = n && n->type == YAML_SEQUENCE_NODE ? n->data.sequence.items.start
                                                                    : NULL;
         it && it < n->data.sequence.items.top && len < size; it++) {
        const char *v = scalar(yaml_document_get_node(&p->doc, *it));
        int w = snprintf(buf + len, size - len, "%s%s", len ? "/" : "", v ? v : "");
        len += w > 0 ? (size_t)w : 0;
    }
}

/* ---- metrics ---- */

typedef struct metrics {
    aq_buf names;      /* NUL-separated metric names */
    double *v;
    size_t n, cap;
} metrics;

static int put(aq_ctx *ctx, metrics *m, const char *name, double v)
{
    if (aq__grow(ctx, (void **)&m->v, &m->cap, m->n + 1, sizeof *m->v))
        return AQ_ENOMEM;
    aq__buf_append(&m->names, name, strlen(name) + 1);
    if (m->names.failed)
        return aq__oom(ctx);
    m->v[m->n++] = v;
    return AQ_OK;
}

/* put() for callers that report rows through a callback. */
typedef struct putter {
    aq_ctx *ctx;
    metrics *m;
} putter;

static int put_row(void *user, const char *name, double v)
{
    putter *pt = user;
    return put(pt->ctx, pt->m, name, v);
}

/* The plan's declared notes, each a row "note: NAME" with its number in
 * both columns, so that what the plan rests on travels with its table:
 *   notes: {"potential classes: indicators used (of 23)": 2} */
static int put_notes(aq_ctx *ctx, plan *p, metrics *m)
{
    yaml_node_t *notes = get(p, root(p), "notes");
    if (!notes)
        return AQ_OK;
    if (notes->type != YAML_MAPPING_NODE)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: notes: is a mapping NAME: NUMBER", p->path,
                       (size_t)notes->start_mark.line + 1);
    int rc = AQ_OK;
    for (yaml_node_pair_t *q = notes->data.mapping.pairs.start;
         q < notes->data.mapping.pairs.top && !rc; q++) {
        const char *k = scalar(yaml_document_get_node(&p->doc, q->key));
        double v;
        char name[256];
        if (!k)
            return aq__err(ctx, AQ_EINPUT, "%s: line %zu: a note's name is text", p->path,
                           (size_t)notes->start_mark.line + 1);
        if ((rc = getd(ctx, p, notes, k, NAN, &v)))
            return rc;
        snprintf(name, sizeof name, "note: %s", k);
        rc = put(ctx, m, name, v);
    }
    return rc;
}

static int measure(aq_ctx *ctx, plan *p, state *s, metrics *m, const char *indname)
{
    size_t n = s->pl.n;
    double pop = 0, inhabited = 0;
    for (size_t i = 0; i < n; i++) {
        pop += s->pop[i];
        inhabited += s->pop[i] > 0;
    }
    int rc = AQ_OK;
    double circuity, kmh;
    if (aq_graph_straight(s->g, &circuity, &kmh)) {
        /* The times below are estimates: the table itself says how made. */
        rc = put(ctx, m, "note: straight-line times (not road times): circuity", circuity);
        if (!rc)
            rc = put(ctx, m, "note: straight-line times (not road times): km/h", kmh);
    }
    if (!rc && s->nassumed) {
        rc = put(ctx, m, "note: settlements with assumed population", (double)s->nassumed);
        if (!rc)
            rc = put(ctx, m, "note: people assumed (declared in the plan)", s->assumed);
    }
    if (!rc)
        rc = put_notes(ctx, p, m);
    if (!rc)
        rc = put(ctx, m, "settlements inhabited", inhabited);
    if (!rc)
        rc = put(ctx, m, "population", pop);
    if (!rc)
        rc = put(ctx, m, "people moved", s->moved);
    double *dist = aq__xmalloc(ctx, sizeof *dist * (s->g->n ? s->g->n : 1));
    if (!dist)
        return AQ_ENOMEM;
    for (size_t k = 0; k < s->nsv && !rc; k++) {
        rc = aq_graph_nearest(ctx, s->g, s->sv[k].node, s->sv[k].n, INFINITY, 1, dist, NULL);
        double w30 = 0, w60 = 0, sum = 0, reach = 0, un = 0;
        for (size_t i = 0; i < n && !rc; i++) {
            double t = s->pl.node[i] == SIZE_MAX ? INFINITY : dist[s->pl.node[i]];
            if (isinf(t)) {
                un += s->pop[i];
                continue;
            }
            w30 += t <= 30 ? s->pop[i] : 0;
            w60 += t <= 60 ? s->pop[i] : 0;
            sum += t * s->pop[i];
            reach += s->pop[i];
        }
        char name[256];
        struct {
            const char *what;
            double v;
        } row[] = {{"people within 30 min", w30}, {"people within 60 min", w60},
                   {"mean minutes", reach > 0 ? sum / reach : NAN}, {"people unreachable", un}};
        for (size_t r = 0; r < 4 && !rc; r++) {
            snprintf(name, sizeof name, "%s: %s", s->sv[k].name, row[r].what);
            rc = put(ctx, m, name, row[r].v);
        }
    }
    aq__free(dist);
    if (!rc && s->ind) {
        /* Disparity of the indicator over inhabited settlements, each
         * weighted by its people (aimaq_ineq.h). */
        double *x = aq__xmalloc(ctx, sizeof *x * (n ? n : 1));
        double *w = aq__xmalloc(ctx, sizeof *w * (n ? n : 1));
        size_t k = 0;
        for (size_t i = 0; x && w && i < n; i++)
            if (s->pop[i] > 0 && s->ind[i] > 0) {
                x[k] = s->ind[i];
                w[k++] = s->pop[i];
            }
        aq_ineq_result *r = NULL;
        char name[256];
        if (!x || !w)
            rc = AQ_ENOMEM;
        else if (k >= 2 && aq_ineq_compute(ctx, x, w, k, NULL, 0, NULL, &r) == AQ_OK) {
            snprintf(name, sizeof name, "%s: Theil T", indname);
            rc = put(ctx, m, name, r->theil_t);
            snprintf(name, sizeof name, "%s: max/min ratio", indname);
            if (!rc)
                rc = put(ctx, m, name, r->ratio_max_min);
            snprintf(name, sizeof name, "%s: population-weighted mean", indname);
            if (!rc)
                rc = put(ctx, m, name, r->mean);
        }
        aq_ineq_result_free(r);
        aq__free(x);
        aq__free(w);
    }
    if (!rc && s->classcol >= 0) {
        /* Settlements and people per class, in order of first appearance. */
        aq__strmap seen = {0};
        char buf[128], name[256];
        for (size_t i = 0; i < n && !rc; i++) {
            const char *c = text_of(s, s->classcol, i, buf, sizeof buf);
            if (aq__strmap_get(&seen, c, NULL))
                continue;
            if (aq__strmap_put(&seen, c, 1)) {
                rc = aq__oom(ctx);
                break;
            }
            double cnt = 0, cp = 0;
            char b2[128];
            for (size_t j = i; j < n; j++)
                if (strcmp(text_of(s, s->classcol, j, b2, sizeof b2), c) == 0 && s->pop[j] > 0)
                    cnt++, cp += s->pop[j];
            snprintf(name, sizeof name, "class %s: settlements inhabited", c);
            rc = put(ctx, m, name, cnt);
            snprintf(name, sizeof name, "class %s: population", c);
            if (!rc)
                rc = put(ctx, m, name, cp);
        }
        aq__strmap_free(&seen);
    }
    if (!rc && s->potential) {
        putter pt = {ctx, m};
        rc = aq__scen_potential_measure(ctx, s->potential, s->pop, indname, s->ind, put_row, &pt);
    }
    return rc;
}

/* ---- changes ---- */

static int find_settlement(aq_ctx *ctx, plan *p, state *s, const char *id, yaml_node_t *at,
                           size_t *out)
{
    char buf[256];
    for (size_t i = 0; i < s->pl.n; i++)
        if (s->pl.idcol >= 0 && strcmp(text_of(s, s->pl.idcol, i, buf, sizeof buf), id) == 0) {
            *out = i;
            return AQ_OK;
        }
    return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: the plan names settlement '%s', which is not "
                   "in the settlement table", p->path, (size_t)at->start_mark.line + 1, id);
}

static service *service_called(aq_ctx *ctx, plan *p, state *s, const char *name, yaml_node_t *at)
{
    for (size_t k = 0; name && k < s->nsv; k++)
        if (strcmp(s->sv[k].name, name) == 0)
            return &s->sv[k];
    aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: no service '%s' in the plan's services", p->path,
            (size_t)at->start_mark.line + 1, name ? name : "(missing)");
    return NULL;
}

/* Whether settlement I matches every COLUMN: VALUE(S) pair of the mapping
 * WHERE (a service's where:, a relocation's to_where:); WHAT names the
 * plan entry in messages. */
static int matches_where(aq_ctx *ctx, plan *p, state *s, yaml_node_t *where, const char *what,
                         size_t i, int *match)
{
    char buf[256];
    if (where->type != YAML_MAPPING_NODE)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: where: is a mapping COLUMN: VALUE(S)",
                       p->path, (size_t)where->start_mark.line + 1);
    *match = 1;
    for (yaml_node_pair_t *q = where->data.mapping.pairs.start;
         q < where->data.mapping.pairs.top && *match; q++) {
        const char *col = scalar(yaml_document_get_node(&p->doc, q->key));
        long c = col ? aq_table_find(s->st, col) : -1;
        if (c < 0)
            return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: %s: the settlement table has no "
                           "column '%s'", p->path, (size_t)where->start_mark.line + 1, what,
                           col ? col : "");
        *match = in_list(p, yaml_document_get_node(&p->doc, q->value),
                         aq_table_cell(s->st, (size_t)c, i, buf, sizeof buf));
    }
    return AQ_OK;
}

/* Unselects the settlements within MINUTES of service SV (those farther, or
 * with no such service in reach, stay selected). */
static int keep_farther(aq_ctx *ctx, state *s, const service *sv, double minutes,
                        unsigned char *sel)
{
    double *dist = aq__xmalloc(ctx, sizeof *dist * (s->g->n ? s->g->n : 1));
    if (!dist)
        return AQ_ENOMEM;
    int rc = aq_graph_nearest(ctx, s->g, sv->node, sv->n, INFINITY, 1, dist, NULL);
    for (size_t i = 0; i < s->pl.n && !rc; i++)
        if (s->pl.node[i] != SIZE_MAX && dist[s->pl.node[i]] <= minutes)
            sel[i] = 0;
    aq__free(dist);
    return rc;
}

/* Which settlements move: those of CLASS (a name or a list) and those
 * listed by id -- every settlement when neither is given -- narrowed by
 * max_population and farther_than {service, minutes}. */
static int select_movers(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch, unsigned char *sel)
{
    yaml_node_t *cls = get(p, ch, "class"), *list = get(p, ch, "settlements");
    yaml_node_t *far = get(p, ch, "farther_than");
    double maxpop, farmin;
    int rc = getd(ctx, p, ch, "max_population", INFINITY, &maxpop);
    if (!rc && far)
        rc = getd(ctx, p, far, "minutes", NAN, &farmin);
    if (rc)
        return rc;
    char buf[256];
    for (size_t i = 0; i < s->pl.n; i++)
        sel[i] = (!cls && !list) || (cls && in_list(p, cls, text_of(s, s->classcol, i, buf,
                                                                     sizeof buf)));
    if (list && list->type == YAML_SEQUENCE_NODE)
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             it < list->data.sequence.items.top && !rc; it++) {
            yaml_node_t *item = yaml_document_get_node(&p->doc, *it);
            size_t k = 0;
            const char *id = scalar(item);
            if (!(rc = find_settlement(ctx, p, s, id ? id : "", item, &k)))
                sel[k] = 1;
        }
    for (size_t i = 0; i < s->pl.n; i++)
        if (!(s->pop[i] <= maxpop))
            sel[i] = 0;
    if (!rc && far) {
        service *sv = service_called(ctx, p, s, gets(p, far, "service", NULL), far);
        if (!sv)
            return aq_errcode(ctx);
        if (isnan(farmin))
            return aq__err(ctx, AQ_EINPUT, "%s: line %zu: farther_than needs minutes", p->path,
                           (size_t)far->start_mark.line + 1);
        rc = keep_farther(ctx, s, sv, farmin, sel);
    }
    return rc;
}

/* The receivers of a relocation as text for messages: "high" or
 * "high or class=district_centre/regional_centre". */
static void receivers_text(plan *p, yaml_node_t *to, yaml_node_t *towhere, char *buf, size_t size)
{
    list_text(p, to, buf, size);
    for (yaml_node_pair_t *q = towhere && towhere->type == YAML_MAPPING_NODE
                                   ? towhere->data.mapping.pairs.start : NULL;
         q && q < towhere->data.mapping.pairs.top; q++) {
        char vals[256];
        size_t len = strlen(buf);
        const char *col = scalar(yaml_document_get_node(&p->doc, q->key));
        list_text(p, yaml_document_get_node(&p->doc, q->value), vals, sizeof vals);
        if (snprintf(buf + len, size - len, "%s%s=%s", !len ? ""
                     : q == towhere->data.mapping.pairs.start ? " or " : " and ",
                     col ? col : "", vals) < 0)
            break;
    }
}

static int relocate(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch)
{
    size_t n = s->pl.n;
    yaml_node_t *to = get(p, ch, "to_class"), *towhere = get(p, ch, "to_where");
    double within;
    int rc = getd(ctx, p, ch, "within", INFINITY, &within);
    if (rc)
        return rc;
    if (!to && !towhere)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: relocate needs to_class (the class of the "
                       "settlements that receive the residents) or to_where: {COLUMN: VALUE(S)}",
                       p->path, (size_t)ch->start_mark.line + 1);
    if (s->classcol < 0 && (to || get(p, ch, "class")))
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: relocate by class needs a class column in "
                       "the settlements (settlements: class: COLUMN)", p->path,
                       (size_t)ch->start_mark.line + 1);
    char tonames[256];
    receivers_text(p, to, towhere, tonames, sizeof tonames);
    unsigned char *sel = aq__xcalloc(ctx, n ? n : 1, 1);
    if (!sel)
        return AQ_ENOMEM;
    char buf[256];
    rc = select_movers(ctx, p, s, ch, sel);
    /* Receivers: inhabited settlements of the target class not moving. */
    size_t *src = aq__xmalloc(ctx, sizeof *src * (n ? n : 1));
    long *srcidx = aq__xmalloc(ctx, sizeof *srcidx * (n ? n : 1));
    double *dist = aq__xmalloc(ctx, sizeof *dist * (s->g->n ? s->g->n : 1));
    long *which = aq__xmalloc(ctx, sizeof *which * (s->g->n ? s->g->n : 1));
    if (!rc && (!src || !srcidx || !dist || !which))
        rc = AQ_ENOMEM;
    size_t ns = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (sel[i] || !(s->pop[i] > 0) || s->pl.node[i] == SIZE_MAX)
            continue;
        /* of to_class, or matching every pair of to_where */
        int in = to && in_list(p, to, text_of(s, s->classcol, i, buf, sizeof buf));
        if (!in && towhere)
            rc = matches_where(ctx, p, s, towhere, "relocate to_where", i, &in);
        if (in) {
            src[ns] = s->pl.node[i];
            srcidx[ns++] = (long)i;
        }
    }
    if (!rc && ns == 0)
        rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: no inhabited settlement of class '%s' to move "
                     "residents to", p->path, (size_t)ch->start_mark.line + 1, tonames);
    if (!rc)
        rc = aq_graph_nearest(ctx, s->g, src, ns, within, 1, dist, which);
    size_t stay = 0;
    double staypop = 0;
    aq_buf names = {0};
    for (size_t i = 0; i < n && !rc; i++) {
        if (!sel[i] || s->pop[i] <= 0)
            continue;
        size_t v = s->pl.node[i];
        if (v == SIZE_MAX || which[v] < 0) {
            staypop += s->pop[i];
            if (stay++ < 20)
                aq__buf_printf(&names, "%s%s (%.15g)", stay > 1 ? ", " : "",
                               text_of(s, s->pl.idcol, i, buf, sizeof buf), s->pop[i]);
            continue;
        }
        size_t dest = (size_t)srcidx[which[v]];
        s->pop[dest] += s->pop[i];
        s->moved += s->pop[i];
        s->pop[i] = 0;
    }
    if (!rc && stay) {
        char lim[64] = "in reach"; /* no limit: another part of the network */
        if (!isinf(within))
            snprintf(lim, sizeof lim, "within %g minutes", within);
        aq__warn(ctx, "%s: line %zu: %zu settlement(s) with %.15g people have no '%s' settlement "
                 "%s and stay: %s%s", p->path, (size_t)ch->start_mark.line + 1, stay, staypop,
                 tonames, lim, names.data ? names.data : "", stay > 20 ? ", ..." : "");
    }
    aq__buf_free(&names);
    aq__free(sel);
    aq__free(src);
    aq__free(srcidx);
    aq__free(dist);
    aq__free(which);
    return rc;
}

static int node_arg(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch, const char *key, uint32_t *v)
{
    const char *id = gets(p, ch, key, NULL);
    size_t k;
    if (!id)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: '%s' is missing", p->path,
                       (size_t)ch->start_mark.line + 1, key);
    if (!aq_graph_find(s->g, id, &k))
        return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: node '%s' is not in the network", p->path,
                       (size_t)ch->start_mark.line + 1, id);
    *v = (uint32_t)k;
    return AQ_OK;
}

static int road(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch)
{
    if (aq_graph_straight(s->g, NULL, NULL))
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: a road change needs a road network; with "
                       "network: straight_line every pair is already joined", p->path,
                       (size_t)ch->start_mark.line + 1);
    uint32_t a, b;
    double minutes;
    int rc = node_arg(ctx, p, s, ch, "from", &a);
    if (!rc)
        rc = node_arg(ctx, p, s, ch, "to", &b);
    if (!rc)
        rc = getd(ctx, p, ch, "minutes", NAN, &minutes);
    if (!rc && !(minutes > 0))
        rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: a road needs minutes > 0", p->path,
                     (size_t)ch->start_mark.line + 1);
    aq_graph *h = NULL;
    if (!rc)
        rc = aq__graph_with_edges(ctx, s->g, &a, &b, &minutes, 1, &h);
    if (!rc) {
        aq_graph_free(s->g);
        s->g = h;
    }
    return rc;
}

static service *service_named(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch)
{
    return service_called(ctx, p, s, gets(p, ch, "service", NULL), ch);
}

static int facility(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch, int open)
{
    service *sv = service_named(ctx, p, s, ch);
    if (!sv)
        return aq_errcode(ctx);
    uint32_t v;
    int rc = node_arg(ctx, p, s, ch, "node", &v);
    if (rc)
        return rc;
    if (open) {
        if (aq__grow(ctx, (void **)&sv->node, &sv->cap, sv->n + 1, sizeof *sv->node))
            return AQ_ENOMEM;
        sv->node[sv->n++] = v;
        return AQ_OK;
    }
    for (size_t k = 0; k < sv->n; k++)
        if (sv->node[k] == v) {
            sv->node[k] = sv->node[--sv->n];
            if (sv->n == 0)
                aq__warn(ctx, "%s: line %zu: the last '%s' closes; nobody reaches one", p->path,
                         (size_t)ch->start_mark.line + 1, sv->name);
            return AQ_OK;
        }
    return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: no '%s' at node '%s' to close", p->path,
                   (size_t)ch->start_mark.line + 1, sv->name, gets(p, ch, "node", ""));
}

static int growth(aq_ctx *ctx, plan *p, state *s, yaml_node_t *ch)
{
    double rate, years;
    int rc = getd(ctx, p, ch, "rate", NAN, &rate);
    if (!rc)
        rc = getd(ctx, p, ch, "years", 1, &years);
    if (rc)
        return rc;
    if (isnan(rate))
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: growth needs a rate (0.02 = 2 %% a year)",
                       p->path, (size_t)ch->start_mark.line + 1);
    const char *of = gets(p, ch, "of", "indicator");
    yaml_node_t *region = get(p, ch, "region");
    double *x = strcmp(of, "population") == 0 ? s->pop : s->ind;
    if (!x)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: growth of the indicator needs "
                       "settlements: indicator: COLUMN", p->path, (size_t)ch->start_mark.line + 1);
    if (region && s->regioncol < 0)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: growth by region needs settlements: region: "
                       "COLUMN", p->path, (size_t)ch->start_mark.line + 1);
    double f = pow(1 + rate, years);
    size_t hit = 0;
    char buf[128];
    for (size_t i = 0; i < s->pl.n; i++)
        if (!region || in_list(p, region, text_of(s, s->regioncol, i, buf, sizeof buf))) {
            x[i] *= f;
            hit++;
        }
    if (region && !hit) {
        list_text(p, region, buf, sizeof buf);
        return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: no settlement is in region '%s'", p->path,
                       (size_t)ch->start_mark.line + 1, buf);
    }
    return AQ_OK;
}

/* ---- the whole run ---- */

/* Fills missing populations from the plan's declared assumption:
 *   assume_population: {column: place, values: {village: 250, hamlet: 40}}
 * so that settlements nobody counted still take part, and the result says
 * how many people are assumed. Rows whose class has no value stay missing
 * (aq__places_load then names them). */
static int assume_population(aq_ctx *ctx, plan *p, state *s, aq_table *t, yaml_node_t *set)
{
    yaml_node_t *ap = get(p, set, "assume_population");
    if (!ap)
        return AQ_OK;
    const char *colname = gets(p, ap, "column", NULL);
    yaml_node_t *values = get(p, ap, "values");
    const char *popname = gets(p, set, "population", NULL);
    long pc = popname ? aq_table_find(t, popname) : aq_table_find(t, "pop");
    if (!popname && pc < 0)
        pc = aq_table_find(t, "population");
    long cc = colname ? aq_table_find(t, colname) : -1;
    if (!colname || !values || values->type != YAML_MAPPING_NODE)
        return aq__err(ctx, AQ_EINPUT, "%s: line %zu: assume_population needs column: COLUMN and "
                       "values: {CLASS: PEOPLE, ...}", p->path, (size_t)ap->start_mark.line + 1);
    if (cc < 0 || pc < 0 || aq_table_coltype(t, (size_t)pc) != AQ_COL_NUMBER)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: assume_population needs the settlement "
                       "columns '%s' and a numeric population column", p->path,
                       (size_t)ap->start_mark.line + 1, colname);
    const double *pop = aq_table_numbers(t, (size_t)pc);
    char buf[256];
    int rc = AQ_OK;
    for (size_t i = 0; i < aq_table_nrows(t) && !rc; i++) {
        if (!isnan(pop[i]))
            continue;
        double v;
        const char *cls = aq_table_cell(t, (size_t)cc, i, buf, sizeof buf);
        if (!get(p, values, cls))
            continue;
        if (!(rc = getd(ctx, p, values, cls, NAN, &v)) && !(v >= 0))
            rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: assumed population of '%s' must be >= 0",
                         p->path, (size_t)values->start_mark.line + 1, cls);
        if (!rc)
            rc = aq_table_set_number(ctx, t, (size_t)pc, i, v);
        s->assumed += v;
        s->nassumed++;
    }
    if (!rc && s->nassumed)
        aq__warn(ctx, "%s: %zu settlement(s) have no population in %s; the plan assumes %.15g "
                 "people for them (assume_population)", p->path, s->nassumed,
                 aq_table_source(t) ? aq_table_source(t) : "the settlement table", s->assumed);
    return rc;
}

/* The nodes of a service given by a selection of settlements:
 *   where: {class: [regional_centre, district_centre]}  (column: values) */
static int service_where(aq_ctx *ctx, plan *p, state *s, service *sv, yaml_node_t *where)
{
    char what[300];
    snprintf(what, sizeof what, "service '%s'", sv->name);
    for (size_t i = 0; i < s->pl.n; i++) {
        int all = 0;
        int rc = s->pl.node[i] == SIZE_MAX ? AQ_OK : matches_where(ctx, p, s, where, what, i, &all);
        if (rc)
            return rc;
        if (!all)
            continue;
        if (aq__grow(ctx, (void **)&sv->node, &sv->cap, sv->n + 1, sizeof *sv->node))
            return AQ_ENOMEM;
        sv->node[sv->n++] = s->pl.node[i];
    }
    if (sv->n == 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: line %zu: service '%s': no settlement matches "
                       "where:", p->path, (size_t)where->start_mark.line + 1, sv->name);
    return AQ_OK;
}

/* Builds the network: an edge table (with optional node coordinates), or
 * straight-line times between the points of the settlements and of the
 * service files (network: straight_line: {circuity: 1.3, kmh: 60}). */
static int load_network(aq_ctx *ctx, plan *p, state *s, yaml_node_t *net, aq_table *const *pts,
                        size_t npts, const aq_access_opts *ao)
{
    yaml_node_t *straight = get(p, net, "straight_line");
    if (straight) {
        double circuity, kmh;
        int rc = getd(ctx, p, straight, "circuity", 1.3, &circuity);
        if (!rc)
            rc = getd(ctx, p, straight, "kmh", 60, &kmh);
        if (!rc)
            rc = aq_graph_straight_from_tables(ctx, (const aq_table *const *)pts, npts, ao,
                                               circuity, kmh, &s->g);
        if (!rc)
            aq__warn(ctx, "%s: travel times are straight-line estimates (great-circle km x %g at "
                     "%g km/h), not road times", p->path, circuity, kmh);
        return rc;
    }
    aq_table *te = NULL, *tn = NULL;
    int rc = read_rel(ctx, p, gets(p, net, "edges", ""), &te);
    aq_edge_opts eo;
    aq_edge_opts_init(&eo);
    eo.directed = strcmp(gets(p, net, "directed", "false"), "true") == 0;
    if (!rc)
        rc = aq_graph_from_edges(ctx, te, &eo, &s->g);
    aq_table_free(te);
    const char *nodes = gets(p, net, "nodes", NULL);
    if (!rc && nodes && !(rc = read_rel(ctx, p, nodes, &tn)))
        rc = aq_graph_set_coords(ctx, s->g, tn, NULL, NULL, NULL, -1);
    aq_table_free(tn);
    return rc;
}

static int load_state(aq_ctx *ctx, plan *p, state *s, aq_table **tables, size_t *ntables,
                      const char **indname)
{
    yaml_node_t *r = root(p), *net = get(p, r, "network"), *set = get(p, r, "settlements");
    const char *edges = gets(p, net, "edges", NULL);
    if (!edges && !get(p, net, "straight_line"))
        return aq__err(ctx, AQ_EINPUT, "%s: a plan needs network: edges: FILE (or network: "
                       "straight_line: {circuity: C, kmh: V} without roads) and settlements "
                       "(see docs/scenario.md)", p->path);
    int rc = read_settlements(ctx, p, set, &tables[(*ntables)++]);
    if (rc)
        return rc;
    aq_table *st = tables[*ntables - 1];
    s->st = st;
    if ((rc = assume_population(ctx, p, s, st, set)))
        return rc;
    /* The services' files, read before the network: without roads their
     * points are nodes too. */
    yaml_node_t *svs = get(p, r, "services");
    size_t nsvs = svs && svs->type == YAML_MAPPING_NODE
                      ? (size_t)(svs->data.mapping.pairs.top - svs->data.mapping.pairs.start) : 0;
    if (!(s->sv = aq__xcalloc(ctx, nsvs ? nsvs : 1, sizeof *s->sv)))
        return AQ_ENOMEM;
    aq_table *svtab[64] = {0};
    for (size_t k = 0; k < nsvs && !rc; k++) {
        yaml_node_pair_t *q = svs->data.mapping.pairs.start + k;
        yaml_node_t *val = yaml_document_get_node(&p->doc, q->value);
        const char *file = gets(p, val, "file", NULL);
        s->sv[k].name = scalar(yaml_document_get_node(&p->doc, q->key));
        if (!s->sv[k].name || (!file && !get(p, val, "where")))
            rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: each service needs a name and file: FILE "
                         "or where: {COLUMN: VALUE}", p->path, (size_t)val->start_mark.line + 1);
        else if (file && !(rc = read_rel(ctx, p, file, &tables[(*ntables)++])))
            svtab[k] = tables[*ntables - 1];
    }
    s->nsv = nsvs;
    if (rc)
        return rc;
    aq_access_opts ao;
    aq_access_opts_init(&ao);
    ao.id = gets(p, set, "id", NULL);
    ao.pop = gets(p, set, "population", NULL);
    ao.x = gets(p, set, "x", NULL);
    ao.y = gets(p, set, "y", NULL);
    if ((rc = load_network(ctx, p, s, net, tables, *ntables, &ao)))
        return rc;
    if ((rc = aq__places_load(ctx, s->g, st, &ao, &s->pl)))
        return rc;
    const char *cls = gets(p, set, "class", NULL), *reg = gets(p, set, "region", NULL);
    *indname = gets(p, set, "indicator", NULL);
    s->classcol = cls ? aq_table_find(st, cls) : -1;
    s->regioncol = reg ? aq_table_find(st, reg) : -1;
    long ic = *indname ? aq_table_find(st, *indname) : -1;
    if ((cls && s->classcol < 0) || (reg && s->regioncol < 0) || (*indname && ic < 0))
        return aq__err(ctx, AQ_ENOTFOUND, "%s: the settlement table has no column '%s'", p->path,
                       cls && s->classcol < 0 ? cls : reg && s->regioncol < 0 ? reg : *indname);
    size_t n = s->pl.n;
    s->pop = aq__xmalloc(ctx, sizeof *s->pop * (n ? n : 1));
    if (!s->pop)
        return AQ_ENOMEM;
    memcpy(s->pop, s->pl.pop, sizeof *s->pop * n);
    if (ic >= 0) {
        if (aq_table_coltype(st, (size_t)ic) != AQ_COL_NUMBER)
            return aq__err(ctx, AQ_EINPUT, "%s: indicator column '%s' holds text", p->path, *indname);
        if (!(s->ind = aq__xmalloc(ctx, sizeof *s->ind * (n ? n : 1))))
            return AQ_ENOMEM;
        memcpy(s->ind, aq_table_numbers(st, (size_t)ic), sizeof *s->ind * n);
    }
    /* potential: {method: FILE, allow_missing: true}: classes recomputed
     * with the plan's populations before and after. */
    yaml_node_t *pot = get(p, r, "potential");
    if (pot) {
        const char *method = gets(p, pot, "method", NULL), *allow = gets(p, pot, "allow_missing", "false");
        char path[8192];
        if (!method)
            return aq__err(ctx, AQ_EINPUT, "%s: line %zu: potential: needs method: FILE (a potential methodology)",
                           p->path, (size_t)pot->start_mark.line + 1);
        snprintf(path, sizeof path, "%s%s", method[0] == '/' ? "" : p->dir, method);
        if ((rc = aq__scen_potential_open(ctx, path, st, !strcmp(allow, "true"), &s->potential)))
            return rc;
    }
    for (size_t k = 0; k < nsvs && !rc; k++) {
        yaml_node_t *val = yaml_document_get_node(&p->doc, svs->data.mapping.pairs.start[k].value);
        service *sv = &s->sv[k];
        if (!svtab[k]) {
            rc = service_where(ctx, p, s, sv, get(p, val, "where"));
            continue;
        }
        aq__centres c;
        aq_access_opts co;
        aq_access_opts_init(&co);
        co.node = gets(p, val, "node", NULL);
        if (!(rc = aq__centres_load(ctx, s->g, svtab[k], &co, &c))) {
            sv->node = c.node; /* take the node array */
            sv->n = sv->cap = c.n;
            c.node = NULL;
            aq__centres_free(&c);
        }
    }
    return rc;
}

int aq_scenario_run(aq_ctx *ctx, const char *path, aq_table **out)
{
    return aq_scenario_run_db(ctx, path, NULL, out);
}

int aq_scenario_run_db(aq_ctx *ctx, const char *path, const char *db, aq_table **out)
{
    plan p;
    memset(&p, 0, sizeof p);
    p.path = path;
    p.db = db;
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(p.dir, sizeof p.dir, "%.*s/", (int)(slash - path), path);
    if (aq__input_regular(ctx, path))
        return AQ_EIO;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot open plan '%s'", path);
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &p.doc);
    if (!ok) {
        int rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: %s", path,
                         (size_t)parser.problem_mark.line + 1,
                         parser.problem ? parser.problem : "not YAML");
        yaml_parser_delete(&parser);
        fclose(f);
        return rc;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (!root(&p) || root(&p)->type != YAML_MAPPING_NODE) {
        yaml_document_delete(&p.doc);
        return aq__err(ctx, AQ_EINPUT, "%s: a plan is a YAML mapping (network, settlements, "
                       "services, changes)", path);
    }
    state s;
    memset(&s, 0, sizeof s);
    s.classcol = s.regioncol = -1;
    aq_table *tables[64] = {0};
    size_t ntables = 0;
    const char *indname = NULL;
    metrics before, after;
    memset(&before, 0, sizeof before);
    memset(&after, 0, sizeof after);
    yaml_node_t *svs = get(&p, root(&p), "services");
    int rc = svs && svs->type == YAML_MAPPING_NODE &&
                     svs->data.mapping.pairs.top - svs->data.mapping.pairs.start > 60
                 ? aq__err(ctx, AQ_EINPUT, "%s: at most 60 services", path)
                 : load_state(ctx, &p, &s, tables, &ntables, &indname);
    if (!rc)
        rc = measure(ctx, &p, &s, &before, indname);
    yaml_node_t *changes = get(&p, root(&p), "changes");
    if (!rc && changes && changes->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = changes->data.sequence.items.start;
             it < changes->data.sequence.items.top && !rc; it++) {
            yaml_node_t *ch = yaml_document_get_node(&p.doc, *it);
            yaml_node_t *body;
            if ((body = get(&p, ch, "relocate")))
                rc = relocate(ctx, &p, &s, body);
            else if ((body = get(&p, ch, "road")))
                rc = road(ctx, &p, &s, body);
            else if ((body = get(&p, ch, "open")))
                rc = facility(ctx, &p, &s, body, 1);
            else if ((body = get(&p, ch, "close")))
                rc = facility(ctx, &p, &s, body, 0);
            else if ((body = get(&p, ch, "growth")))
                rc = growth(ctx, &p, &s, body);
            else
                rc = aq__err(ctx, AQ_EINPUT, "%s: line %zu: a change is one of relocate, road, "
                             "open, close, growth", path, (size_t)ch->start_mark.line + 1);
        }
    }
    if (!rc)
        rc = measure(ctx, &p, &s, &after, indname);
    aq_table *t = NULL;
    if (!rc && before.n != after.n)
        rc = aq__err(ctx, AQ_EINTERNAL, "scenario: %zu metrics before, %zu after", before.n,
                     after.n);
    if (!rc)
        rc = aq_table_new(ctx, before.n, &t);
    static const char *const names[] = {"metric", "before", "after", "change"};
    for (int k = 0; k < 4 && !rc; k++)
        rc = aq_table_add_column(ctx, t, names[k], k ? AQ_COL_NUMBER : AQ_COL_TEXT, NULL);
    const char *name = before.names.data;
    for (size_t i = 0; i < before.n && !rc; i++, name += strlen(name) + 1) {
        rc = aq_table_set_text(ctx, t, 0, i, name);
        if (!rc)
            rc = aq_table_set_number(ctx, t, 1, i, before.v[i]);
        if (!rc)
            rc = aq_table_set_number(ctx, t, 2, i, after.v[i]);
        if (!rc)
            rc = aq_table_set_number(ctx, t, 3, i, after.v[i] - before.v[i]);
    }
    aq__buf_free(&before.names);
    aq__buf_free(&after.names);
    aq__free(before.v);
    aq__free(after.v);
    for (size_t k = 0; k < s.nsv; k++)
        aq__free(s.sv[k].node);
    aq__free(s.sv);
    aq__free(s.pop);
    aq__free(s.ind);
    aq__scen_potential_free(s.potential);
    aq__places_free(&s.pl);
    aq_graph_free(s.g);
    for (size_t k = 0; k < ntables; k++)
        aq_table_free(tables[k]);
    yaml_document_delete(&p.doc);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
