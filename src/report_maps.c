/*
 * report_maps.c -- the report's two maps: the choropleth of the latest
 * period (Fisher-Jenks classes, legend, notes on units without a
 * boundary) and the LISA cluster map (report_lisa.c computes it). Both
 * draw through one helper onto svg_map.c's projected SVG.
 */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Is unit U drawn on the maps? */
static bool on_map(const aq__runit *u) { return u->wkb && !u->abolished; }

/* Draws the units on a map, unit i in FILL[i] (NULL: left off), each with
 * its name and value as tooltip and its rank as label, and the legend. */
static int draw_map(aq__rep *R, const char *const *fill, const aq__legend_item *leg, size_t nleg,
                    const char *legend_title)
{
    size_t nf = 0;
    aq__map_feature *f = aq__xcalloc(R->ctx, R->nu, sizeof *f);
    char **titles = aq__xcalloc(R->ctx, R->nu, sizeof *titles);
    int rc = (f && titles) ? AQ_OK : AQ_ENOMEM;
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        const aq__runit *u = &R->u[i];
        if (!fill[i])
            continue;
        char v[64];
        aq_buf t = {0};
        aq__buf_printf(&t, "%s: %s", u->name,
                       isfinite(u->value) ? rep_num(R, u->value, 1, v, sizeof v) : rep_str(R, "no_data"));
        if (!(titles[nf] = aq__buf_take(&t))) {
            rc = aq__oom(R->ctx);
            break;
        }
        f[nf] = (aq__map_feature){u->wkb, u->wkblen, u->code, titles[nf], fill[i], u->rank ? u->label : NULL};
        nf++;
    }
    if (rc == AQ_OK) {
        aq_albers P;
        aq_albers_kazakhstan(&P);
        size_t drawn = 0;
        rc = aq__svg_map(R->ctx, &R->b, f, nf, &P, R->o->simplify, 900, leg, nleg, legend_title, &drawn);
    }
    for (size_t i = 0; titles && i < nf; i++)
        aq__free(titles[i]);
    aq__free(titles);
    aq__free(f);
    return rc;
}

int aq__report_map_section(aq__rep *R)
{
    rep_put(R, "<h2>");
    rep_esc(R, rep_str(R, "map"));
    rep_put(R, "</h2>\n");
    const char **fill = aq__xcalloc(R->ctx, R->nu, sizeof *fill);
    aq__legend_item *leg = aq__xcalloc(R->ctx, R->nclasses + 1, sizeof *leg);
    char (*labels)[128] = aq__xcalloc(R->ctx, R->nclasses + 1, sizeof *labels);
    int rc = (fill && leg && labels) ? AQ_OK : AQ_ENOMEM;
    size_t nf = 0, nmissing = 0;
    int any_missing_value = 0;
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        const aq__runit *u = &R->u[i];
        nmissing += !u->wkb && !u->abolished;
        if (!on_map(u))
            continue;
        fill[i] = aq__report_class_fill(R, u->cls);
        any_missing_value |= !isfinite(u->value);
        nf++;
    }
    size_t nleg = 0;
    for (size_t k = 0; rc == AQ_OK && k < R->nclasses; k++) {
        char lo[64], hi[64];
        double from = k ? R->breaks[k - 1] : R->ineq->min;
        snprintf(labels[k], sizeof labels[k], "%s – %s (%zu)", rep_num(R, from, 1, lo, sizeof lo),
                 rep_num(R, R->breaks[k], 1, hi, sizeof hi), R->counts[k]);
        leg[nleg++] = (aq__legend_item){aq__report_class_fill(R, (int)k), labels[k]};
    }
    if (rc == AQ_OK && any_missing_value) {
        snprintf(labels[R->nclasses], sizeof labels[0], "%s", rep_str(R, "no_data"));
        leg[nleg++] = (aq__legend_item){"#dddddd", labels[R->nclasses]};
    }
    if (rc == AQ_OK && nf == 0) {
        rep_note(R, "no_geometry");
    } else if (rc == AQ_OK) {
        aq_buf lt = {0};
        aq__buf_printf(&lt, "%s, %s", R->value_name,
                       R->value_measure && *R->value_measure ? rep_str(R, R->value_measure) : R->latest);
        rc = draw_map(R, fill, leg, nleg, lt.failed ? "" : lt.data);
        aq__buf_free(&lt);
        rep_put(R, "<p class=\"note\">");
        rep_esc(R, rep_str(R, "map_note"));
        rep_put(R, " ");
        rep_esc(R, rep_str(R, "map_ranks"));
        rep_put(R, "</p>\n");
        if (nmissing) {
            rep_put(R, "<p class=\"note\">");
            rep_esc(R, rep_str(R, "not_on_map"));
            for (size_t i = 0, first = 1; i < R->nu; i++)
                if (!R->u[i].wkb && !R->u[i].abolished) {
                    rep_put(R, first ? " " : ", ");
                    rep_esc(R, R->u[i].name);
                    first = 0;
                }
            rep_put(R, "</p>\n");
        }
    }
    aq__free(fill);
    aq__free(leg);
    aq__free(labels);
    return rc;
}

/* LISA colours as GeoDa draws cluster maps; index = PySAL quadrant. */
static const char *const lisa_fill[5] = {"#eeeeee", "#d7191c", "#abd9e9", "#2c7bb6", "#fdae61"};
static const char *const lisa_key[5] = {"lisa_ns", "lisa_hh", "lisa_lh", "lisa_ll", "lisa_hl"};

/* The cluster map of the latest period: local Moran on queen contiguity of
 * the units on the map with a value. Left out (with a note) when fewer
 * than 5 such units or when the weights cannot be built. */
int aq__report_lisa_section(aq__rep *R)
{
    size_t n = 0;
    for (size_t i = 0; i < R->nu; i++)
        n += on_map(&R->u[i]) && isfinite(R->u[i].value);
    if (n == 0)
        return AQ_OK; /* no map at all: the map section said so */
    rep_put(R, "<section>\n<h2>");
    rep_esc(R, rep_str(R, "lisa"));
    rep_put(R, " — ");
    rep_esc(R, R->latest);
    rep_put(R, "</h2>\n");
    if (n < 5) {
        rep_note(R, "lisa_too_few");
        rep_put(R, "</section>\n");
        return AQ_OK;
    }
    const unsigned char **wkb = aq__xcalloc(R->ctx, n, sizeof *wkb);
    size_t *len = aq__xcalloc(R->ctx, n, sizeof *len), *idx = aq__xcalloc(R->ctx, n, sizeof *idx);
    double *y = aq__xcalloc(R->ctx, n, sizeof *y);
    int *cl = aq__xcalloc(R->ctx, n, sizeof *cl);
    const char **fill = aq__xcalloc(R->ctx, R->nu, sizeof *fill);
    int rc = (wkb && len && idx && y && cl && fill) ? AQ_OK : AQ_ENOMEM;
    for (size_t i = 0, k = 0; rc == AQ_OK && i < R->nu; i++)
        if (on_map(&R->u[i]) && isfinite(R->u[i].value)) {
            wkb[k] = R->u[i].wkb;
            len[k] = R->u[i].wkblen;
            y[k] = R->u[i].value;
            idx[k++] = i;
        }
    double I = NAN, p = NAN;
    if (rc == AQ_OK) {
        rc = aq__report_lisa(R->ctx, wkb, len, y, n, 999, 12345, 0.05, cl, &I, &p);
        if (rc != AQ_OK && rc != AQ_ENOMEM) {
            /* A geometry the weights refuse: the rest of the report stands. */
            aq__warn(R->ctx, "report: no cluster map: %s", aq_errmsg(R->ctx));
            aq_clear_error(R->ctx);
            rep_note(R, "lisa_failed");
            rc = AQ_OK;
            n = 0;
        }
    }
    size_t count[6] = {0};
    for (size_t k = 0; rc == AQ_OK && k < n; k++) {
        fill[idx[k]] = cl[k] < 0 ? "#ffffff" : lisa_fill[cl[k]];
        count[cl[k] < 0 ? 5 : cl[k]]++;
    }
    if (rc == AQ_OK && n) {
        aq__legend_item leg[6];
        char labels[6][128];
        size_t nleg = 0;
        for (int q = 1; q <= 5; q++) {
            int k = q % 5; /* HH, LH, LL, HL, then not significant */
            snprintf(labels[nleg], sizeof labels[0], "%s (%zu)", rep_str(R, lisa_key[k]), count[k]);
            leg[nleg] = (aq__legend_item){lisa_fill[k], labels[nleg]};
            nleg++;
        }
        if (count[5]) {
            snprintf(labels[nleg], sizeof labels[0], "%s (%zu)", rep_str(R, "lisa_island"), count[5]);
            leg[nleg] = (aq__legend_item){"#ffffff", labels[nleg]};
            nleg++;
        }
        rc = draw_map(R, fill, leg, nleg, rep_str(R, "lisa"));
        char a[64], b[64];
        rep_put(R, "<p class=\"note\">");
        rep_esc(R, rep_str(R, "lisa_note"));
        rep_put(R, " ");
        rep_esc(R, rep_num(R, I, 3, a, sizeof a));
        rep_put(R, " (p = ");
        rep_esc(R, rep_num(R, p, 3, b, sizeof b));
        rep_put(R, ").</p>\n");
        /* Significant units by name: a city is a dot on the map. */
        for (int q = 1; q <= 4; q++) {
            if (!count[q])
                continue;
            rep_put(R, "<p class=\"note\"><span class=\"sw\" style=\"background:");
            rep_put(R, lisa_fill[q]);
            rep_put(R, "\"></span>");
            rep_esc(R, rep_str(R, lisa_key[q]));
            rep_put(R, ":");
            for (size_t k = 0, first = 1; k < n; k++)
                if (cl[k] == q) {
                    rep_put(R, first ? " " : ", ");
                    rep_esc(R, R->u[idx[k]].name);
                    first = 0;
                }
            rep_put(R, "</p>\n");
        }
    }
    if (rc == AQ_OK)
        rep_put(R, "</section>\n");
    aq__free(wkb);
    aq__free(len);
    aq__free(idx);
    aq__free(y);
    aq__free(cl);
    aq__free(fill);
    return rc;
}

/* ColorBrewer RdYlGn for 1..7 ranked classes, best (highest mean score)
 * first. Two classes are not ranks and are grey whatever their scores:
 * "uninhabited" (the founding text's fourth category, dark) and
 * "excluded" (units the engine could not score, light); so is any class
 * without scores. */
static const char *const class_fill[7][7] = {
    {"#1a9641"},
    {"#1a9641", "#d7191c"},
    {"#1a9641", "#fdae61", "#d7191c"},
    {"#1a9641", "#a6d96a", "#fdae61", "#d7191c"},
    {"#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c"},
    {"#1a9850", "#91cf60", "#d9ef8b", "#fee08b", "#fc8d59", "#d73027"},
    {"#1a9850", "#91cf60", "#d9ef8b", "#ffffbf", "#fee08b", "#fc8d59", "#d73027"}};

enum { MAX_CLASSES = 16 };

typedef struct map_class {
    const char *name;
    size_t count;
    double score_sum;
    size_t scored;
    const char *fill;
} map_class;

static int by_mean_score(const void *a, const void *b)
{
    const map_class *x = a, *y = b;
    double mx = x->scored ? x->score_sum / (double)x->scored : -INFINITY;
    double my = y->scored ? y->score_sum / (double)y->scored : -INFINITY;
    return (mx < my) - (mx > my);
}

/* The classes of table T (column CLS), ordered by their mean SCORE (best
 * first; classes without scores last) and coloured. */
static size_t collect_classes(const aq_table *t, size_t cls, const double *score, map_class *c)
{
    size_t nc = 0;
    for (size_t i = 0; i < aq_table_nrows(t); i++) {
        const char *name = aq_table_text(t, cls, i);
        if (!name)
            continue;
        size_t k = 0;
        while (k < nc && strcmp(c[k].name, name))
            k++;
        if (k == nc && nc == MAX_CLASSES)
            continue;
        if (k == nc)
            c[nc++] = (map_class){.name = name};
        c[k].count++;
        if (score && isfinite(score[i])) {
            c[k].score_sum += score[i];
            c[k].scored++;
        }
    }
    for (size_t k = 0; k < nc; k++)
        if (!strcmp(c[k].name, "uninhabited") || !strcmp(c[k].name, "excluded"))
            c[k].scored = 0; /* sorted last, grey */
    qsort(c, nc, sizeof *c, by_mean_score);
    size_t ranked = 0;
    while (ranked < nc && c[ranked].scored)
        ranked++;
    for (size_t k = 0; k < nc; k++)
        c[k].fill = k < ranked && ranked <= 7 ? class_fill[ranked - 1][k]
                    : !strcmp(c[k].name, "uninhabited") ? "#636363" : "#d9d9d9";
    return nc;
}

/* Places units of T without a geometry of their own at the boundary of the
 * report unit with the same code (classes of regions or districts). */
static int borrow_geometry(aq__rep *R, aq_table *t, size_t id)
{
    int rc = AQ_OK;
    for (size_t i = 0; rc == AQ_OK && i < aq_table_nrows(t); i++) {
        size_t len;
        const char *code = aq_table_text(t, id, i);
        if (!code || aq_table_geometry(t, i, &len))
            continue;
        for (size_t k = 0; k < R->nu && rc == AQ_OK; k++)
            if (on_map(&R->u[k]) && !strcmp(R->u[k].code, code))
                rc = aq_table_set_geometry(R->ctx, t, i, R->u[k].wkb, R->u[k].wkblen, "EPSG:4326");
    }
    return rc;
}

int aq__report_class_map_section(aq__rep *R)
{
    if (!R->o->class_map)
        return AQ_OK;
    aq_table *t = NULL;
    int rc = aq_table_read(R->ctx, R->o->class_map, NULL, &t);
    if (rc)
        return rc;
    long id = aq_table_find(t, "id") >= 0 ? aq_table_find(t, "id") : aq_table_find(t, "code");
    long cls = aq_table_find(t, "class"), sc = aq_table_find(t, "score");
    if (id < 0 || cls < 0 || aq_table_coltype(t, (size_t)cls) != AQ_COL_TEXT) {
        aq_table_free(t);
        return aq__err(R->ctx, AQ_EINPUT, "report: the class map '%s' needs the columns id (or code) and class, as "
                       "'aimaq potential' writes them", R->o->class_map);
    }
    if (aq_table_find(t, "lon") >= 0 && aq_table_find(t, "lat") >= 0)
        rc = aq_table_points_from_lonlat(R->ctx, t, "lon", "lat", NULL);
    if (rc == AQ_OK)
        rc = borrow_geometry(R, t, (size_t)id);
    size_t n = aq_table_nrows(t);
    map_class c[MAX_CLASSES];
    size_t nc = collect_classes(t, (size_t)cls, sc >= 0 ? aq_table_numbers(t, (size_t)sc) : NULL, c);
    /* Outlines of the level first, in the background; then every unit. */
    aq__map_feature *f = aq__xcalloc(R->ctx, R->nu + n + 1, sizeof *f);
    char **titles = aq__xcalloc(R->ctx, n + 1, sizeof *titles);
    if (rc == AQ_OK && (!f || !titles))
        rc = AQ_ENOMEM;
    size_t nf = 0, placed = 0;
    for (size_t k = 0; rc == AQ_OK && k < R->nu; k++)
        if (on_map(&R->u[k]))
            f[nf++] = (aq__map_feature){R->u[k].wkb, R->u[k].wkblen, R->u[k].code, R->u[k].name, "#f4f4f4", NULL};
    for (size_t i = 0; rc == AQ_OK && i < n; i++) {
        size_t len;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        const char *name = aq_table_text(t, (size_t)cls, i), *code = aq_table_text(t, (size_t)id, i);
        if (!g || !name || !code)
            continue;
        size_t k = 0;
        while (k < nc && strcmp(c[k].name, name))
            k++;
        aq_buf tt = {0};
        aq__buf_printf(&tt, "%s: %s", code, rep_str(R, name));
        if (!(titles[placed] = aq__buf_take(&tt))) {
            rc = aq__oom(R->ctx);
            break;
        }
        f[nf++] = (aq__map_feature){g, len, code, titles[placed++], k < nc ? c[k].fill : "#9e9e9e", NULL};
    }
    aq__legend_item leg[MAX_CLASSES];
    char labels[MAX_CLASSES][128];
    for (size_t k = 0; k < nc; k++) {
        char cnt[64];
        snprintf(labels[k], sizeof labels[k], "%s (%s)", rep_str(R, c[k].name), rep_num(R, (double)c[k].count, 0, cnt, sizeof cnt));
        leg[k] = (aq__legend_item){c[k].fill, labels[k]};
    }
    if (rc == AQ_OK) {
        rep_put(R, "<section>\n<h2>");
        rep_esc(R, rep_str(R, "class_map"));
        rep_put(R, "</h2>\n");
        aq_albers P;
        aq_albers_kazakhstan(&P);
        size_t drawn = 0;
        rc = aq__svg_map(R->ctx, &R->b, f, nf, &P, R->o->simplify, 900, leg, nc, rep_str(R, "class_map"), &drawn);
        char a[64], b[64];
        rep_put(R, "<p class=\"note\">");
        rep_esc(R, aq__basename(R->o->class_map));
        rep_put(R, ": ");
        rep_esc(R, rep_num(R, (double)placed, 0, a, sizeof a));
        rep_put(R, " / ");
        rep_esc(R, rep_num(R, (double)n, 0, b, sizeof b));
        rep_put(R, " ");
        rep_esc(R, rep_str(R, "class_map_placed"));
        rep_put(R, "</p>\n</section>\n");
    }
    for (size_t i = 0; titles && i < placed; i++)
        aq__free(titles[i]);
    aq__free(titles);
    aq__free(f);
    aq_table_free(t);
    return rc;
}
