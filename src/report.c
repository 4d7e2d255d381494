/*
 * report.c -- `aimaq report`: one self-contained HTML file a planner can
 * open offline, print or hand on. It gathers one indicator across the
 * units of one level from the store and assembles the sections: in brief,
 * the choropleth map (svg_map.c), the ranked bars, the Lorenz curve and the
 * disparity series (svg_chart.c), the population table and the provenance
 * box. Everything that comes from data is HTML-escaped here; the words are
 * in report_i18n.c. Nothing in the document refers to the network: the
 * style is inline and there is no script.
 */
#include "report_int.h"

#include "aimaq_index.h"
#include "aimaq_ineq.h"
#include "store.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void aq__html_escape(aq_buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        aq__buf_append(b, run, (size_t)(s - run));
        aq__buf_puts(b, rep);
        run = s + 1;
    }
    aq__buf_append(b, run, (size_t)(s - run));
}

void aq_report_opts_init(aq_report_opts *o)
{
    memset(o, 0, sizeof *o);
    o->lang = "kk";
    o->value = "grp_pc_kzt_thousand";
    o->population = "population";
    o->level = "region";
    o->simplify = 0.02;
    o->classes = 5;
}

/* One unit of the report. Strings are borrowed from the units table. */
typedef struct runit {
    const char *code, *name;
    const unsigned char *wkb;
    size_t wkblen;
    double value;        /* in the latest period, NaN when missing  */
    double pop;          /* in its latest period, NaN when missing  */
    int cls;             /* map class, -1 without a value           */
    int abolished;       /* valid_to is set: only in the past series */
    size_t rank;         /* 1 = highest value, 0 without a value     */
    char label[24];      /* the rank as printed on the map           */
} runit;

/* Values of one period, for the disparity series. */
typedef struct rperiod {
    char period[16];
    double ratio, gini, theil;
    size_t n;
} rperiod;

typedef struct rep {
    aq_ctx *ctx;
    aq_store *s;
    const aq_report_opts *o;
    const char *lang;
    aq_table *units, *obs, *datasets, *indicators;
    runit *u;
    size_t nu;
    const char *value_name, *value_measure;
    int has_pop;
    const char *pop_missing; /* a unit with a value but no population: the
                                Lorenz curve is then unweighted           */
    char latest[16], pop_period[16];
    rperiod *per;
    size_t nper;
    aq_ineq_result *ineq;  /* latest period, weighted when population is there */
    double *breaks;
    size_t *counts, nclasses;
    aq_buf b;
} rep;

/* ColorBrewer YlGnBu sequential schemes for 2..7 classes (Brewer, Harrower
 * et al., colorbrewer2.org): light for low values, print-safe. */
static const char *const palette[6][7] = {
    {"#a1dab4", "#225ea8"},
    {"#edf8b1", "#7fcdbb", "#2c7fb8"},
    {"#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"},
    {"#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"},
    {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"},
    {"#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"}};

static const char *class_fill(const rep *R, int cls)
{
    if (cls < 0 || R->nclasses < 2 || R->nclasses > 7)
        return "#dddddd";
    return palette[R->nclasses - 2][cls];
}

static const char *cell(const aq_table *t, const char *col, size_t row)
{
    long j = aq_table_find(t, col);
    return j >= 0 ? aq_table_text(t, (size_t)j, row) : NULL;
}

/* The name of ROW of T in the report's language, else another, else CODE. */
static const char *pick_name(const aq_table *t, size_t row, const char *lang, const char *code)
{
    const char *order[3] = {"name_kk", "name_ru", "name_en"};
    if (strcmp(lang, "ru") == 0)
        order[0] = "name_ru", order[1] = "name_kk";
    else if (strcmp(lang, "en") == 0)
        order[0] = "name_en", order[1] = "name_ru", order[2] = "name_kk";
    for (int k = 0; k < 3; k++) {
        const char *s = cell(t, order[k], row);
        if (s && *s)
            return s;
    }
    return code;
}

static int cmp_unit_code(const void *a, const void *b)
{
    return strcmp(((const runit *)a)->code, ((const runit *)b)->code);
}

static runit *find_unit(const rep *R, const char *code)
{
    runit key = {.code = code};
    return code ? bsearch(&key, R->u, R->nu, sizeof *R->u, cmp_unit_code) : NULL;
}

/* The indicator's display name and measure; AQ_ENOTFOUND when absent.
 * Also notes whether the population indicator exists. */
static int load_indicators(rep *R)
{
    int rc = aq_store_indicators(R->s, &R->indicators);
    if (rc)
        return rc;
    const aq_table *t = R->indicators;
    int found = 0;
    for (size_t i = 0; i < aq_table_nrows(t); i++) {
        const char *code = cell(t, "code", i);
        if (!code)
            continue;
        if (strcmp(code, R->o->value) == 0) {
            found = 1;
            R->value_name = pick_name(t, i, R->lang, code);
            R->value_measure = cell(t, "unit", i);
        }
        if (R->o->population && strcmp(code, R->o->population) == 0)
            R->has_pop = 1;
    }
    if (!found)
        return aq__err(R->ctx, AQ_ENOTFOUND, "report: the store has no indicator '%s' (see 'aimaq export --what indicators')",
                       R->o->value);
    return AQ_OK;
}

/* The units of the level, sorted by code for lookups. Abolished units
 * (valid_to set) stay: they belong to the series of their years, and the
 * latest period, which they have no value in, leaves them out of the rest. */
static int load_units(rep *R)
{
    int rc = aq_store_units(R->s, R->o->level, &R->units);
    if (rc)
        return rc;
    size_t n = aq_table_nrows(R->units);
    R->u = aq__xcalloc(R->ctx, n ? n : 1, sizeof *R->u);
    if (!R->u)
        return AQ_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *code = cell(R->units, "code", i), *to = cell(R->units, "valid_to", i);
        if (!code)
            continue;
        runit *u = &R->u[R->nu++];
        u->abolished = to && *to;
        u->code = code;
        u->name = pick_name(R->units, i, R->lang, code);
        u->wkb = aq_table_geometry(R->units, i, &u->wkblen);
        u->value = u->pop = NAN;
        u->cls = -1;
    }
    if (!R->nu)
        return aq__err(R->ctx, AQ_ENOTFOUND, "report: the store has no units of level '%s'", R->o->level);
    qsort(R->u, R->nu, sizeof *R->u, cmp_unit_code);
    return AQ_OK;
}

static int cmp_period(const void *a, const void *b)
{
    return strcmp(((const rperiod *)a)->period, ((const rperiod *)b)->period);
}

/* The observations: each unit's value in the latest period that has any,
 * its latest population, and the list of periods with values. */
static int load_values(rep *R)
{
    const char *ind[3] = {R->o->value, R->has_pop ? R->o->population : NULL, NULL};
    aq_selection sel = {ind, R->o->level, NULL, NULL};
    int rc = aq_store_select(R->s, &sel, &R->obs);
    if (rc)
        return rc;
    const aq_table *t = R->obs;
    long vj = aq_table_find(t, R->o->value), pj = R->has_pop ? aq_table_find(t, R->o->population) : -1;
    long cj = aq_table_find(t, "code"), tj = aq_table_find(t, "period");
    const double *v = vj >= 0 ? aq_table_numbers(t, (size_t)vj) : NULL;
    const double *p = pj >= 0 ? aq_table_numbers(t, (size_t)pj) : NULL;
    if (!v || cj < 0 || tj < 0)
        return aq__err(R->ctx, AQ_EINTERNAL, "report: the selection lacks the columns code, period or '%s'", R->o->value);
    size_t n = aq_table_nrows(t), cap = 0;
    char (*ppop)[16] = aq__xcalloc(R->ctx, R->nu, sizeof *ppop); /* period of each unit's population */
    if (!ppop)
        return AQ_ENOMEM;
    char buf[64];
    for (size_t i = 0; i < n; i++) {
        runit *u = find_unit(R, aq_table_text(t, (size_t)cj, i));
        const char *per = aq_table_cell(t, (size_t)tj, i, buf, sizeof buf);
        if (!u || !*per || strlen(per) >= 16)
            continue;
        if (p && isfinite(p[i]) && strcmp(per, ppop[u - R->u]) >= 0) {
            u->pop = p[i];
            memcpy(ppop[u - R->u], per, strlen(per) + 1);
            if (strcmp(per, R->pop_period) > 0)
                memcpy(R->pop_period, per, strlen(per) + 1);
        }
        if (!isfinite(v[i]))
            continue;
        if (strcmp(per, R->latest) > 0)
            memcpy(R->latest, per, strlen(per) + 1);
        size_t k = 0;
        while (k < R->nper && strcmp(R->per[k].period, per) != 0)
            k++;
        if (k == R->nper) {
            if (aq__grow(R->ctx, (void **)&R->per, &cap, R->nper + 1, sizeof *R->per)) {
                aq__free(ppop);
                return AQ_ENOMEM;
            }
            memset(&R->per[k], 0, sizeof R->per[k]);
            memcpy(R->per[k].period, per, strlen(per) + 1);
            R->nper++;
        }
    }
    aq__free(ppop);
    if (!R->nper)
        return aq__err(R->ctx, AQ_EINPUT, "report: no unit of level '%s' has a value of '%s'", R->o->level, R->o->value);
    qsort(R->per, R->nper, sizeof *R->per, cmp_period);
    for (size_t i = 0; i < n; i++) {
        runit *u = find_unit(R, aq_table_text(t, (size_t)cj, i));
        if (u && isfinite(v[i]) && strcmp(aq_table_cell(t, (size_t)tj, i, buf, sizeof buf), R->latest) == 0)
            u->value = v[i];
    }
    return AQ_OK;
}

/* Ratio, Gini and Theil of every period (unweighted: the population is
 * known for one period only, and weighting other years by it would mix
 * periods). Periods with fewer than two positive values stay NaN. */
static int series(rep *R)
{
    const aq_table *t = R->obs;
    long vj = aq_table_find(t, R->o->value), cj = aq_table_find(t, "code"), tj = aq_table_find(t, "period");
    const double *v = aq_table_numbers(t, (size_t)vj);
    size_t n = aq_table_nrows(t);
    double *x = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *x);
    if (!x)
        return AQ_ENOMEM;
    aq_ineq_opts io;
    aq_ineq_opts_init(&io);
    io.threads = 1;
    char buf[64];
    for (size_t k = 0; k < R->nper; k++) {
        rperiod *P = &R->per[k];
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(v[i]) && v[i] > 0 && find_unit(R, aq_table_text(t, (size_t)cj, i)) &&
                strcmp(aq_table_cell(t, (size_t)tj, i, buf, sizeof buf), P->period) == 0)
                x[m++] = v[i];
        P->n = m;
        P->ratio = P->gini = P->theil = NAN;
        aq_ineq_result *r = NULL;
        if (m >= 2 && aq_ineq_compute(R->ctx, x, NULL, m, NULL, 0, &io, &r) == AQ_OK) {
            P->ratio = r->ratio_max_min;
            P->gini = r->gini;
            P->theil = r->theil_t;
        }
        aq_ineq_result_free(r);
        aq_clear_error(R->ctx);
    }
    aq__free(x);
    return AQ_OK;
}

typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int cmp_ranked_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->v < y->v ? 1 : x->v > y->v ? -1 : (x->i > y->i) - (x->i < y->i);
}

/* Units with a finite KEY (value or population), largest first. */
static ranked *rank_units(rep *R, int by_pop, size_t *n)
{
    ranked *r = aq__xmalloc(R->ctx, R->nu * sizeof *r);
    *n = 0;
    for (size_t i = 0; r && i < R->nu; i++) {
        double v = by_pop ? R->u[i].pop : R->u[i].value;
        if (isfinite(v) && !(by_pop && R->u[i].abolished))
            r[(*n)++] = (ranked){v, i};
    }
    if (r)
        qsort(r, *n, sizeof *r, cmp_ranked_desc);
    return r;
}

/* The latest period's measures (population-weighted when every unit with
 * a value has a population) and the map classes. */
static int latest(rep *R)
{
    double *x = aq__xmalloc(R->ctx, R->nu * sizeof *x), *w = aq__xmalloc(R->ctx, R->nu * sizeof *w);
    int rc = (x && w) ? AQ_OK : AQ_ENOMEM;
    size_t m = 0;
    int weighted = R->has_pop;
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        if (!isfinite(R->u[i].value))
            continue;
        x[m] = R->u[i].value;
        w[m++] = R->u[i].pop;
        if (weighted && !(isfinite(R->u[i].pop) && R->u[i].pop >= 0)) {
            weighted = 0;
            R->pop_missing = R->u[i].name;
            aq__warn(R->ctx, "report: unit %s has a value of '%s' in %s but no population; the Lorenz curve is unweighted",
                     R->u[i].code, R->o->value, R->latest);
        }
    }
    if (rc == AQ_OK) {
        aq_ineq_opts io;
        aq_ineq_opts_init(&io);
        io.lorenz_max = 0;
        io.threads = 1;
        rc = aq_ineq_compute(R->ctx, x, weighted ? w : NULL, m, NULL, 0, &io, &R->ineq);
        if (rc)
            aq__err_prefix(R->ctx, "report: disparities of '%s' in %s", R->o->value, R->latest);
    }
    if (rc == AQ_OK)
        rc = aq_breaks(R->ctx, x, m, AQ_BREAKS_FISHER_JENKS, R->o->classes, &R->breaks, &R->counts,
                       &R->nclasses);
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        if (!isfinite(R->u[i].value))
            continue;
        size_t k = 0;
        while (k + 1 < R->nclasses && R->u[i].value > R->breaks[k])
            k++;
        R->u[i].cls = (int)k;
    }
    size_t nr = 0;
    ranked *r = rc == AQ_OK ? rank_units(R, 0, &nr) : NULL;
    if (rc == AQ_OK && !r)
        rc = AQ_ENOMEM;
    for (size_t k = 0; k < nr; k++) {
        runit *u = &R->u[r[k].i];
        u->rank = k + 1;
        snprintf(u->label, sizeof u->label, "%zu", k + 1);
    }
    aq__free(r);
    aq__free(x);
    aq__free(w);
    return rc;
}

/* ---- writing ---- */

static const char *S(const rep *R, const char *key) { return aq__report_str(R->lang, key); }

static const char *num(const rep *R, double v, int dec, char *buf, size_t size)
{
    return aq_report_number(v, dec, R->lang, buf, size);
}

static void esc(rep *R, const char *s) { aq__html_escape(&R->b, s ? s : ""); }
static void put(rep *R, const char *s) { aq__buf_puts(&R->b, s); }

static const char *style =
    "@page{size:A4;margin:14mm}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{font-family:\"DejaVu Sans\",\"Noto Sans\",\"Liberation Sans\",Arial,sans-serif;color:#222;"
    "max-width:1000px;margin:0 auto;padding:16px 24px;line-height:1.4}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #2c7fb8;padding-bottom:3px}\n"
    ".sub{color:#555;margin:0 0 12px}.note{color:#555;font-size:12px}\n"
    "section{margin:28px 0}\n"
    "svg{max-width:100%;height:auto;font-family:inherit;font-size:12px}\n"
    ".unit{stroke:#fff;stroke-width:0.8}.unit:hover{stroke:#000;stroke-width:1.5}\n"
    ".sw{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;border:1px solid #777}\n"
    ".lt{font-weight:bold}.legend text{font-size:14px}\n"
    ".ml{font-size:12px;font-weight:bold;fill:#111;stroke:#fff;stroke-width:3px;paint-order:stroke;"
    "stroke-linejoin:round;pointer-events:none}\n"
    ".grid{stroke:#e4e4e4}.axis{fill:none;stroke:#444}\n"
    ".tick{font-size:11px;fill:#444}.atitle{font-size:12px;fill:#222}\n"
    ".blabel{font-size:12px;fill:#222}.bvalue{font-size:11px;fill:#333}\n"
    "polyline.line{fill:none;stroke:#2c7fb8;stroke-width:2.2}circle.line{fill:#2c7fb8}\n"
    "polyline.line2{fill:none;stroke:#d95f0e;stroke-width:2.2}circle.line2{fill:#d95f0e}\n"
    "polyline.diag{fill:none;stroke:#888;stroke-dasharray:5 4}\n"
    ".row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\n"
    ".kpi{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}\n"
    ".kpi div{border:1px solid #cfd8dc;border-radius:4px;padding:6px 10px;background:#f5f9fb}\n"
    ".kpi b{display:block;font-size:20px}\n"
    ".key span{display:inline-block;width:22px;height:3px;vertical-align:middle;margin:0 4px 0 12px}\n"
    "table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}\n"
    "th{background:#eef3f6}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "tr.total td{font-weight:bold;border-top:2px solid #888}\n"
    ".prov{border:1px solid #999;background:#f7f7f7;padding:8px 14px;font-size:12px}\n"
    ".prov table{font-size:11px}.hash{font-family:\"DejaVu Sans Mono\",monospace;word-break:break-all}\n"
    "@media print{body{max-width:none;padding:0}section{break-before:page;margin:0}"
    "section.first{break-before:auto}svg,table,.prov{break-inside:avoid}.unit:hover{stroke:#fff}"
    ".row{flex-wrap:nowrap}.row>div,.row>svg{flex:1 1 0;min-width:0}.row svg{width:100%}}\n";

static void head(rep *R)
{
    put(R, "<!DOCTYPE html>\n<html lang=\"");
    put(R, R->lang);
    put(R, "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    esc(R, R->o->title ? R->o->title : S(R, "title"));
    put(R, "</title>\n<style>\n");
    put(R, style);
    put(R, "</style>\n</head>\n<body>\n<h1>");
    esc(R, R->o->title ? R->o->title : S(R, "title"));
    put(R, "</h1>\n<p class=\"sub\">");
    esc(R, R->value_name);
    if (R->value_measure && *R->value_measure) {
        put(R, ", ");
        esc(R, S(R, R->value_measure));
    }
    put(R, " — ");
    esc(R, R->latest);
    put(R, "</p>\n");
}

static void kpi(rep *R, const char *label, const char *value, const char *sub)
{
    put(R, "<div>");
    esc(R, label);
    put(R, "<b>");
    esc(R, value);
    put(R, "</b>");
    if (sub)
        esc(R, sub);
    put(R, "</div>\n");
}

static void brief(rep *R)
{
    char a[64];
    const runit *hi = NULL, *lo = NULL;
    size_t n = 0;
    for (size_t i = 0; i < R->nu; i++) {
        if (!isfinite(R->u[i].value))
            continue;
        n++;
        if (!hi || R->u[i].value > hi->value)
            hi = &R->u[i];
        if (!lo || R->u[i].value < lo->value)
            lo = &R->u[i];
    }
    put(R, "<div class=\"kpi\">\n");
    kpi(R, S(R, "latest_year"), R->latest, NULL);
    snprintf(a, sizeof a, "%zu", n);
    kpi(R, S(R, "units_n"), a, NULL);
    kpi(R, S(R, "ratio_max_min"), num(R, R->ineq->ratio_max_min, 2, a, sizeof a), NULL);
    kpi(R, S(R, "highest"), num(R, hi->value, 1, a, sizeof a), hi->name);
    kpi(R, S(R, "lowest"), num(R, lo->value, 1, a, sizeof a), lo->name);
    kpi(R, S(R, "gini"), num(R, R->ineq->gini, 3, a, sizeof a), R->ineq->weighted ? S(R, "weighted_by_pop") : NULL);
    put(R, "</div>\n");
}

/* Is unit U drawn on the maps? */
static bool on_map(const runit *u) { return u->wkb && !u->abolished; }

/* Draws the units on a map, unit i in FILL[i] (NULL: left off), each with
 * its name and value as tooltip and its rank as label, and the legend. */
static int draw_map(rep *R, const char *const *fill, const aq__legend_item *leg, size_t nleg,
                    const char *legend_title)
{
    size_t nf = 0;
    aq__map_feature *f = aq__xcalloc(R->ctx, R->nu, sizeof *f);
    char **titles = aq__xcalloc(R->ctx, R->nu, sizeof *titles);
    int rc = (f && titles) ? AQ_OK : AQ_ENOMEM;
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        const runit *u = &R->u[i];
        if (!fill[i])
            continue;
        char v[64];
        aq_buf t = {0};
        aq__buf_printf(&t, "%s: %s", u->name,
                       isfinite(u->value) ? num(R, u->value, 1, v, sizeof v) : S(R, "no_data"));
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

static void note(rep *R, const char *key)
{
    put(R, "<p class=\"note\">");
    esc(R, S(R, key));
    put(R, "</p>\n");
}

static int map_section(rep *R)
{
    put(R, "<h2>");
    esc(R, S(R, "map"));
    put(R, "</h2>\n");
    const char **fill = aq__xcalloc(R->ctx, R->nu, sizeof *fill);
    aq__legend_item *leg = aq__xcalloc(R->ctx, R->nclasses + 1, sizeof *leg);
    char (*labels)[128] = aq__xcalloc(R->ctx, R->nclasses + 1, sizeof *labels);
    int rc = (fill && leg && labels) ? AQ_OK : AQ_ENOMEM;
    size_t nf = 0, nmissing = 0;
    int any_missing_value = 0;
    for (size_t i = 0; rc == AQ_OK && i < R->nu; i++) {
        const runit *u = &R->u[i];
        nmissing += !u->wkb && !u->abolished;
        if (!on_map(u))
            continue;
        fill[i] = class_fill(R, u->cls);
        any_missing_value |= !isfinite(u->value);
        nf++;
    }
    size_t nleg = 0;
    for (size_t k = 0; rc == AQ_OK && k < R->nclasses; k++) {
        char lo[64], hi[64];
        double from = k ? R->breaks[k - 1] : R->ineq->min;
        snprintf(labels[k], sizeof labels[k], "%s – %s (%zu)", num(R, from, 1, lo, sizeof lo),
                 num(R, R->breaks[k], 1, hi, sizeof hi), R->counts[k]);
        leg[nleg++] = (aq__legend_item){class_fill(R, (int)k), labels[k]};
    }
    if (rc == AQ_OK && any_missing_value) {
        snprintf(labels[R->nclasses], sizeof labels[0], "%s", S(R, "no_data"));
        leg[nleg++] = (aq__legend_item){"#dddddd", labels[R->nclasses]};
    }
    if (rc == AQ_OK && nf == 0) {
        note(R, "no_geometry");
    } else if (rc == AQ_OK) {
        aq_buf lt = {0};
        aq__buf_printf(&lt, "%s, %s", R->value_name,
                       R->value_measure && *R->value_measure ? S(R, R->value_measure) : R->latest);
        rc = draw_map(R, fill, leg, nleg, lt.failed ? "" : lt.data);
        aq__buf_free(&lt);
        put(R, "<p class=\"note\">");
        esc(R, S(R, "map_note"));
        put(R, " ");
        esc(R, S(R, "map_ranks"));
        put(R, "</p>\n");
        if (nmissing) {
            put(R, "<p class=\"note\">");
            esc(R, S(R, "not_on_map"));
            for (size_t i = 0, first = 1; i < R->nu; i++)
                if (!R->u[i].wkb && !R->u[i].abolished) {
                    put(R, first ? " " : ", ");
                    esc(R, R->u[i].name);
                    first = 0;
                }
            put(R, "</p>\n");
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
static int lisa_section(rep *R)
{
    size_t n = 0;
    for (size_t i = 0; i < R->nu; i++)
        n += on_map(&R->u[i]) && isfinite(R->u[i].value);
    if (n == 0)
        return AQ_OK; /* no map at all: the map section said so */
    put(R, "<section>\n<h2>");
    esc(R, S(R, "lisa"));
    put(R, " — ");
    esc(R, R->latest);
    put(R, "</h2>\n");
    if (n < 5) {
        note(R, "lisa_too_few");
        put(R, "</section>\n");
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
            note(R, "lisa_failed");
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
            snprintf(labels[nleg], sizeof labels[0], "%s (%zu)", S(R, lisa_key[k]), count[k]);
            leg[nleg] = (aq__legend_item){lisa_fill[k], labels[nleg]};
            nleg++;
        }
        if (count[5]) {
            snprintf(labels[nleg], sizeof labels[0], "%s (%zu)", S(R, "lisa_island"), count[5]);
            leg[nleg] = (aq__legend_item){"#ffffff", labels[nleg]};
            nleg++;
        }
        rc = draw_map(R, fill, leg, nleg, S(R, "lisa"));
        char a[64], b[64];
        put(R, "<p class=\"note\">");
        esc(R, S(R, "lisa_note"));
        put(R, " ");
        esc(R, num(R, I, 3, a, sizeof a));
        put(R, " (p = ");
        esc(R, num(R, p, 3, b, sizeof b));
        put(R, ").</p>\n");
        /* Significant units by name: a city is a dot on the map. */
        for (int q = 1; q <= 4; q++) {
            if (!count[q])
                continue;
            put(R, "<p class=\"note\"><span class=\"sw\" style=\"background:");
            put(R, lisa_fill[q]);
            put(R, "\"></span>");
            esc(R, S(R, lisa_key[q]));
            put(R, ":");
            for (size_t k = 0, first = 1; k < n; k++)
                if (cl[k] == q) {
                    put(R, first ? " " : ", ");
                    esc(R, R->u[idx[k]].name);
                    first = 0;
                }
            put(R, "</p>\n");
        }
    }
    if (rc == AQ_OK)
        put(R, "</section>\n");
    aq__free(wkb);
    aq__free(len);
    aq__free(idx);
    aq__free(y);
    aq__free(cl);
    aq__free(fill);
    return rc;
}

static int bars_section(rep *R)
{
    size_t n;
    ranked *r = rank_units(R, 0, &n);
    const char **labels = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *labels);
    const char **fills = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *fills);
    double *v = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *v);
    int rc = (r && labels && fills && v) ? AQ_OK : AQ_ENOMEM;
    if (rc == AQ_OK) {
        for (size_t k = 0; k < n; k++) {
            labels[k] = R->u[r[k].i].name;
            fills[k] = class_fill(R, R->u[r[k].i].cls);
            v[k] = r[k].v;
        }
        put(R, "<section>\n<h2>");
        esc(R, S(R, "ranking"));
        put(R, "</h2>\n");
        aq_buf xl = {0};
        aq__buf_printf(&xl, "%s, %s", R->value_name, R->latest);
        aq__chart_bars(&R->b, R->lang, labels, v, fills, n, 900, 1, 1, xl.failed ? "" : xl.data, S(R, "ranking"));
        aq__buf_free(&xl);
        put(R, "</section>\n");
    }
    aq__free(r);
    aq__free(labels);
    aq__free(fills);
    aq__free(v);
    return rc;
}

static void lorenz_section(rep *R)
{
    const aq_ineq_result *q = R->ineq;
    char a[64];
    put(R, "<section>\n<h2>");
    esc(R, S(R, "lorenz"));
    put(R, " — ");
    esc(R, R->latest);
    put(R, "</h2>\n<div class=\"row\">\n");
    aq__chart c = {.w = 460, .h = 440, .ml = 64, .mr = 16, .mt = 12, .mb = 52, .x0 = 0, .x1 = 1,
                   .y0 = 0, .y1 = 1, .xfmt = AQ__AXIS_PERCENT, .yfmt = AQ__AXIS_PERCENT, .lang = R->lang,
                   .xlabel = S(R, q->weighted ? "lorenz_x_w" : "lorenz_x_u"), .ylabel = S(R, "lorenz_y"),
                   .aria = S(R, "lorenz")};
    aq__chart_begin(&R->b, &c);
    const double diag[2] = {0, 1};
    aq__chart_line(&R->b, &c, diag, diag, 2, "diag", 0);
    aq__chart_line(&R->b, &c, q->lorenz_pop, q->lorenz_income, q->nlorenz, "line", 1);
    aq__chart_end(&R->b);
    put(R, "<div>\n<table>\n");
    struct { const char *key; double v; int dec; } rows[] = {
        {"gini", q->gini, 3}, {"theil", q->theil_t, 3}, {"ratio_max_min", q->ratio_max_min, 2}};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        put(R, "<tr><th>");
        esc(R, S(R, rows[k].key));
        put(R, "</th><td class=\"n\">");
        esc(R, num(R, rows[k].v, rows[k].dec, a, sizeof a));
        put(R, "</td></tr>\n");
    }
    put(R, "</table>\n<p class=\"key\"><span style=\"background:#2c7fb8\"></span>");
    esc(R, S(R, "lorenz"));
    put(R, "<span style=\"background:#888\"></span>");
    esc(R, S(R, "equality"));
    put(R, "</p>\n<p class=\"note\">");
    if (q->weighted) {
        esc(R, S(R, "lorenz_weighted"));
        put(R, " ");
        esc(R, R->pop_period);
        put(R, ".");
    } else if (R->pop_missing) {
        esc(R, S(R, "lorenz_pop_missing"));
        put(R, " ");
        esc(R, R->pop_missing);
        put(R, ".");
    } else {
        esc(R, S(R, "lorenz_unweighted"));
    }
    put(R, "</p>\n</div>\n</div>\n</section>\n");
}

static int series_section(rep *R)
{
    double *t = aq__xmalloc(R->ctx, R->nper * sizeof *t), *r = aq__xmalloc(R->ctx, R->nper * sizeof *r);
    double *g = aq__xmalloc(R->ctx, R->nper * sizeof *g), *th = aq__xmalloc(R->ctx, R->nper * sizeof *th);
    int rc = (t && r && g && th) ? AQ_OK : AQ_ENOMEM;
    size_t m = 0;
    int years = 1;
    double rmax = 0, gmax = 0;
    for (size_t k = 0; rc == AQ_OK && k < R->nper; k++) {
        const rperiod *P = &R->per[k];
        if (!isfinite(P->ratio))
            continue;
        char *end;
        double y = strtod(P->period, &end);
        if (*end || strlen(P->period) != 4)
            years = 0;
        t[m] = y;
        r[m] = P->ratio;
        g[m] = P->gini;
        th[m] = P->theil;
        rmax = fmax(rmax, P->ratio);
        gmax = fmax(gmax, fmax(P->gini, P->theil));
        m++;
    }
    if (rc == AQ_OK && m >= 2) {
        if (!years)
            for (size_t k = 0; k < m; k++)
                t[k] = (double)k;
        put(R, "<section>\n<h2>");
        esc(R, S(R, "series"));
        put(R, "</h2>\n<div class=\"row\">\n<div>\n");
        aq__chart c = {.w = 450, .h = 300, .ml = 64, .mr = 16, .mt = 12, .mb = 48, .x0 = t[0],
                       .x1 = t[m - 1], .y0 = 0, .y1 = rmax * 1.1, .xfmt = years ? AQ__AXIS_YEAR : 0,
                       .lang = R->lang, .xlabel = S(R, "year"), .ylabel = S(R, "ratio_max_min"),
                       .aria = S(R, "ratio_max_min")};
        aq__chart_begin(&R->b, &c);
        aq__chart_line(&R->b, &c, t, r, m, "line", 1);
        aq__chart_end(&R->b);
        put(R, "<p class=\"key\"><span style=\"background:#2c7fb8\"></span>");
        esc(R, S(R, "ratio_max_min"));
        put(R, "</p>\n</div>\n<div>\n");
        c.y1 = gmax * 1.1;
        c.ylabel = c.aria = S(R, "gini");
        aq__chart_begin(&R->b, &c);
        aq__chart_line(&R->b, &c, t, g, m, "line", 1);
        aq__chart_line(&R->b, &c, t, th, m, "line2", 1);
        aq__chart_end(&R->b);
        put(R, "<p class=\"key\"><span style=\"background:#2c7fb8\"></span>");
        esc(R, S(R, "gini"));
        put(R, "<span style=\"background:#d95f0e\"></span>");
        esc(R, S(R, "theil"));
        put(R, "</p>\n</div>\n</div>\n<table>\n<tr><th>");
        esc(R, S(R, "year"));
        put(R, "</th><th>");
        esc(R, S(R, "units_n"));
        put(R, "</th><th>");
        esc(R, S(R, "ratio_max_min"));
        put(R, "</th><th>");
        esc(R, S(R, "gini"));
        put(R, "</th><th>");
        esc(R, S(R, "theil"));
        put(R, "</th></tr>\n");
        for (size_t k = 0; k < R->nper; k++) {
            const rperiod *P = &R->per[k];
            char a[64];
            put(R, "<tr><td>");
            esc(R, P->period);
            aq__buf_printf(&R->b, "</td><td class=\"n\">%zu</td><td class=\"n\">", P->n);
            esc(R, num(R, P->ratio, 2, a, sizeof a));
            put(R, "</td><td class=\"n\">");
            esc(R, num(R, P->gini, 3, a, sizeof a));
            put(R, "</td><td class=\"n\">");
            esc(R, num(R, P->theil, 3, a, sizeof a));
            put(R, "</td></tr>\n");
        }
        put(R, "</table>\n<p class=\"note\">");
        esc(R, S(R, "series_note"));
        put(R, "</p>\n</section>\n");
    }
    aq__free(t);
    aq__free(r);
    aq__free(g);
    aq__free(th);
    return rc;
}

static int population_section(rep *R)
{
    put(R, "<section>\n<h2>");
    esc(R, S(R, "population_table"));
    if (*R->pop_period) {
        put(R, " — ");
        esc(R, R->pop_period);
    }
    put(R, "</h2>\n");
    size_t n = 0;
    ranked *r = R->has_pop ? rank_units(R, 1, &n) : NULL;
    if (R->has_pop && !r)
        return AQ_ENOMEM;
    if (!n) {
        put(R, "<p class=\"note\">");
        esc(R, S(R, "no_population"));
        put(R, "</p>\n</section>\n");
        aq__free(r);
        return AQ_OK;
    }
    double total = 0;
    for (size_t k = 0; k < n; k++)
        total += r[k].v;
    const char *cols[] = {"rank", "code", "region", "population", "share"};
    put(R, "<table>\n<tr>");
    for (size_t k = 0; k < 5; k++) {
        put(R, "<th>");
        esc(R, S(R, cols[k]));
        put(R, "</th>");
    }
    put(R, "</tr>\n");
    char a[64];
    for (size_t k = 0; k < n; k++) {
        const runit *u = &R->u[r[k].i];
        aq__buf_printf(&R->b, "<tr><td class=\"n\">%zu</td><td>", k + 1);
        esc(R, u->code);
        put(R, "</td><td>");
        esc(R, u->name);
        put(R, "</td><td class=\"n\">");
        esc(R, num(R, r[k].v, 0, a, sizeof a));
        put(R, "</td><td class=\"n\">");
        esc(R, num(R, 100 * r[k].v / total, 2, a, sizeof a));
        put(R, "</td></tr>\n");
    }
    put(R, "<tr class=\"total\"><td></td><td></td><td>");
    esc(R, S(R, "total"));
    put(R, "</td><td class=\"n\">");
    esc(R, num(R, total, 0, a, sizeof a));
    put(R, "</td><td class=\"n\">");
    esc(R, num(R, 100, 2, a, sizeof a));
    put(R, "</td></tr>\n</table>\n</section>\n");
    aq__free(r);
    return AQ_OK;
}

/* The class summary of a potential classification, in the founding
 * text's form: per class the number of units and their population. */
static int class_section(rep *R)
{
    if (!R->o->class_summary)
        return AQ_OK;
    aq_table *t = NULL;
    int rc = aq_table_read(R->ctx, R->o->class_summary, NULL, &t);
    if (rc)
        return rc;
    long cj = aq_table_find(t, "class"), nj = aq_table_find(t, "count"), pj = aq_table_find(t, "population");
    long sj = aq_table_find(t, "population_share");
    const double *cnt = nj >= 0 ? aq_table_numbers(t, (size_t)nj) : NULL;
    const double *pop = pj >= 0 ? aq_table_numbers(t, (size_t)pj) : NULL;
    const double *sh = sj >= 0 ? aq_table_numbers(t, (size_t)sj) : NULL;
    if (cj < 0 || !cnt || !pop) {
        aq_table_free(t);
        return aq__err(R->ctx, AQ_EINPUT, "report: the class summary '%s' needs the columns class, count and population "
                       "(as 'aimaq potential --summary --format csv' writes)", R->o->class_summary);
    }
    size_t n = aq_table_nrows(t);
    double total = 0, units = 0;
    for (size_t i = 0; i < n; i++) {
        total += isfinite(pop[i]) ? pop[i] : 0;
        units += isfinite(cnt[i]) ? cnt[i] : 0;
    }
    put(R, "<section>\n<h2>");
    esc(R, S(R, "class_summary"));
    put(R, "</h2>\n<table>\n<tr>");
    const char *cols[] = {"class", "count", "population", "share"};
    for (size_t k = 0; k < 4; k++) {
        put(R, "<th>");
        esc(R, S(R, cols[k]));
        put(R, "</th>");
    }
    put(R, "</tr>\n");
    char a[64], buf[128];
    for (size_t i = 0; i <= n; i++) {
        int last = i == n;
        double share = last ? 1 : sh && isfinite(sh[i]) ? sh[i] : total > 0 ? pop[i] / total : NAN;
        put(R, last ? "<tr class=\"total\"><td>" : "<tr><td>");
        esc(R, last ? S(R, "total") : S(R, aq_table_cell(t, (size_t)cj, i, buf, sizeof buf)));
        put(R, "</td><td class=\"n\">");
        esc(R, num(R, last ? units : cnt[i], 0, a, sizeof a));
        put(R, "</td><td class=\"n\">");
        esc(R, num(R, last ? total : pop[i], 0, a, sizeof a));
        put(R, "</td><td class=\"n\">");
        esc(R, num(R, 100 * share, 1, a, sizeof a));
        put(R, "</td></tr>\n");
    }
    put(R, "</table>\n<p class=\"note\">");
    esc(R, aq__basename(R->o->class_summary));
    put(R, "</p>\n</section>\n");
    aq_table_free(t);
    return AQ_OK;
}

static int provenance_section(rep *R)
{
    int rc = aq_store_datasets(R->s, &R->datasets);
    if (rc)
        return rc;
    put(R, "<section>\n<h2>");
    esc(R, S(R, "provenance"));
    put(R, "</h2>\n<div class=\"prov\">\n<table>\n<tr>");
    const char *cols[] = {"dataset", "file", "imported_at", "checksum"};
    const char *keys[] = {"name", "source", "imported_at", "checksum"};
    for (size_t k = 0; k < 4; k++) {
        put(R, "<th>");
        esc(R, S(R, cols[k]));
        put(R, "</th>");
    }
    put(R, "</tr>\n");
    for (size_t i = 0; i < aq_table_nrows(R->datasets); i++) {
        put(R, "<tr>");
        for (size_t k = 0; k < 4; k++) {
            const char *v = cell(R->datasets, keys[k], i);
            put(R, k == 3 ? "<td class=\"hash\">" : "<td>");
            esc(R, k == 1 && v ? aq__basename(v) : v);
            put(R, "</td>");
        }
        put(R, "</tr>\n");
    }
    put(R, "</table>\n<p>");
    esc(R, S(R, "methodology"));
    put(R, ": ");
    if (R->o->method_path) {
        char hex[65];
        rc = aq__sha256_file(R->ctx, R->o->method_path, hex);
        if (rc)
            return rc;
        esc(R, aq__basename(R->o->method_path));
        put(R, ", SHA-256 <span class=\"hash\">");
        put(R, hex);
        put(R, "</span>");
    } else {
        esc(R, S(R, "no_methodology"));
    }
    put(R, "<br>");
    esc(R, S(R, "version"));
    put(R, ": " AQ_VERSION "<br>");
    esc(R, S(R, "store"));
    put(R, ": ");
    esc(R, R->s->path ? aq__basename(R->s->path) : "");
    put(R, "<br>");
    esc(R, S(R, "generated"));
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    put(R, ": ");
    put(R, when);
    put(R, "</p>\n</div>\n</section>\n");
    return AQ_OK;
}

static int build(rep *R)
{
    int rc;
    if ((rc = load_indicators(R)) || (rc = load_units(R)) || (rc = load_values(R)) || (rc = series(R)) ||
        (rc = latest(R)))
        return rc;
    head(R);
    put(R, "<section class=\"first\">\n");
    brief(R);
    if ((rc = map_section(R)))
        return rc;
    put(R, "</section>\n");
    if ((rc = lisa_section(R)) || (rc = bars_section(R)))
        return rc;
    lorenz_section(R);
    if ((rc = series_section(R)) || (rc = population_section(R)) || (rc = class_section(R)) ||
        (rc = provenance_section(R)))
        return rc;
    put(R, "</body>\n</html>\n");
    return R->b.failed ? aq__oom(R->ctx) : AQ_OK;
}

int aq_report_html(aq_store *s, const aq_report_opts *opts, char **html, size_t *len)
{
    aq_report_opts defaults;
    if (!opts) {
        aq_report_opts_init(&defaults);
        opts = &defaults;
    }
    aq_ctx *ctx = s->ctx;
    const char *lang = opts->lang ? opts->lang : "kk";
    if (!aq__report_lang_ok(lang))
        return aq__err(ctx, AQ_EUSAGE, "report: the language must be kk, ru or en, not '%s'", lang);
    if (opts->classes < 2 || opts->classes > 7)
        return aq__err(ctx, AQ_EUSAGE, "report: the map needs 2 to 7 classes, not %d", opts->classes);
    if (!opts->value || !opts->level)
        return aq__err(ctx, AQ_EUSAGE, "report: the indicator and the level must be given");
    rep R = {.ctx = ctx, .s = s, .o = opts, .lang = lang};
    int rc = build(&R);
    aq_table_free(R.units);
    aq_table_free(R.obs);
    aq_table_free(R.datasets);
    aq_table_free(R.indicators);
    aq__free(R.u);
    aq__free(R.per);
    aq_ineq_result_free(R.ineq);
    aq_free(R.breaks);
    aq_free(R.counts);
    if (rc) {
        aq__buf_free(&R.b);
        return rc;
    }
    if (len)
        *len = R.b.len;
    *html = aq__buf_take(&R.b);
    return AQ_OK;
}

int aq_report_write(aq_store *s, const aq_report_opts *opts, const char *path)
{
    char *html = NULL;
    size_t len = 0;
    int rc = aq_report_html(s, opts, &html, &len);
    if (rc)
        return rc;
    aq_buf tmp = {0};
    aq__buf_printf(&tmp, "%s.tmp", path);
    if (tmp.failed) {
        aq__free(html);
        return aq__oom(s->ctx);
    }
    errno = 0;
    FILE *f = fopen(tmp.data, "wb");
    int ok = f && fwrite(html, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (ok && rename(tmp.data, path) != 0)
        ok = 0;
    if (!ok) {
        const char *why = errno ? strerror(errno) : "write failed";
        remove(tmp.data);
        rc = aq__err(s->ctx, AQ_EIO, "report: cannot write '%s': %s", path, why);
    }
    aq__buf_free(&tmp);
    aq__free(html);
    return rc;
}
