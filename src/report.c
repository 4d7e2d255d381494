/*
 * report.c -- `aimaq report`: one self-contained HTML file a planner can
 * open offline, print or hand on. This file assembles the document: the
 * style sheet, the brief, the ranked bars, the Lorenz curve and disparity
 * series (drawn by svg_chart.c), the population and class tables, the
 * provenance box, and HTML escaping of everything that comes from data.
 * The data come from report_data.c, the maps from report_maps.c, the words
 * from report_i18n.c. Nothing in the document refers to the network: the
 * style is inline and there is no script.
 */
#include "report_int.h"

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
        const char *ent = NULL;
        switch (*s) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default: continue;
        }
        aq__buf_append(b, run, (size_t)(s - run));
        aq__buf_puts(b, ent);
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


/* ---- writing ---- */

/* The page: A4, fonts, headings, sections and printing. */
static const char *page_style =
    "@page{size:A4;margin:14mm}\n"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
    "body{font-family:\"DejaVu Sans\",\"Noto Sans\",\"Liberation Sans\",Arial,sans-serif;color:#222;"
    "max-width:1000px;margin:0 auto;padding:16px 24px;line-height:1.4}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #2c7fb8;padding-bottom:3px}\n"
    ".sub{color:#555;margin:0 0 12px}\n"
    "section{margin:28px 0}\n"
    "table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left}\n"
    "th{background:#eef3f6}\n"
    "@media print{body{max-width:none;padding:0}section{break-before:page;margin:0}"
    "section.first{break-before:auto}svg,table,.prov{break-inside:avoid}.unit:hover{stroke:#fff}"
    ".row{flex-wrap:nowrap}.row>div,.row>svg{flex:1 1 0;min-width:0}.row svg{width:100%}}\n";

/* The figures: maps, charts, legends, keys, number cells, provenance.
 * Also what the dashboard needs to show sections (aq_report_figure_css). */
static const char *figure_style =
    ".note{color:#555;font-size:12px}\n"
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
    "line.dl{stroke:#9ab;stroke-width:2.5}circle.d0{fill:#fff;stroke:#2c7fb8;stroke-width:1.8}circle.d1{fill:#2c7fb8}\n"
    ".row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\n"
    ".kpi{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}\n"
    ".kpi div{border:1px solid #cfd8dc;border-radius:4px;padding:6px 10px;background:#f5f9fb}\n"
    ".kpi b{display:block;font-size:20px}\n"
    ".key span{display:inline-block;width:22px;height:3px;vertical-align:middle;margin:0 4px 0 12px}\n"
    "td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
    "tr.total td{font-weight:bold;border-top:2px solid #888}\n"
    ".prov{border:1px solid #999;background:#f7f7f7;padding:8px 14px;font-size:12px}\n"
    ".prov table{font-size:11px}.hash{font-family:\"DejaVu Sans Mono\",monospace;word-break:break-all}\n";

const char *aq_report_figure_css(void) { return figure_style; }

static void head(aq__rep *R)
{
    rep_put(R, "<!DOCTYPE html>\n<html lang=\"");
    rep_put(R, R->lang);
    rep_put(R, "\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    rep_esc(R, R->o->title ? R->o->title : rep_str(R, "title"));
    rep_put(R, "</title>\n<style>\n");
    rep_put(R, page_style);
    rep_put(R, figure_style);
    rep_put(R, "</style>\n</head>\n<body>\n<h1>");
    rep_esc(R, R->o->title ? R->o->title : rep_str(R, "title"));
    rep_put(R, "</h1>\n<p class=\"sub\">");
    rep_esc(R, R->value_name);
    if (R->value_measure && *R->value_measure) {
        rep_put(R, ", ");
        rep_esc(R, rep_str(R, R->value_measure));
    }
    rep_put(R, " — ");
    rep_esc(R, R->latest);
    rep_put(R, "</p>\n");
}

static void kpi(aq__rep *R, const char *label, const char *value, const char *sub)
{
    rep_put(R, "<div>");
    rep_esc(R, label);
    rep_put(R, "<b>");
    rep_esc(R, value);
    rep_put(R, "</b>");
    if (sub)
        rep_esc(R, sub);
    rep_put(R, "</div>\n");
}

static void brief(aq__rep *R)
{
    char a[64];
    const aq__runit *hi = NULL, *lo = NULL;
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
    rep_put(R, "<div class=\"kpi\">\n");
    kpi(R, rep_str(R, "latest_year"), R->latest, NULL);
    snprintf(a, sizeof a, "%zu", n);
    kpi(R, rep_str(R, "units_n"), a, NULL);
    kpi(R, rep_str(R, "ratio_max_min"), rep_num(R, R->ineq->ratio_max_min, 2, a, sizeof a), NULL);
    kpi(R, rep_str(R, "highest"), rep_num(R, hi->value, 1, a, sizeof a), hi->name);
    kpi(R, rep_str(R, "lowest"), rep_num(R, lo->value, 1, a, sizeof a), lo->name);
    kpi(R, rep_str(R, "gini"), rep_num(R, R->ineq->gini, 3, a, sizeof a), R->ineq->weighted ? rep_str(R, "weighted_by_pop") : NULL);
    rep_put(R, "</div>\n");
}

static int bars_section(aq__rep *R)
{
    size_t n;
    aq__ranked *r = aq__report_rank(R, 0, &n);
    const char **labels = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *labels);
    const char **fills = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *fills);
    double *v = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *v);
    int rc = (r && labels && fills && v) ? AQ_OK : AQ_ENOMEM;
    if (rc == AQ_OK) {
        for (size_t k = 0; k < n; k++) {
            labels[k] = R->u[r[k].i].name;
            fills[k] = aq__report_class_fill(R, R->u[r[k].i].cls);
            v[k] = r[k].v;
        }
        rep_put(R, "<section>\n<h2>");
        rep_esc(R, rep_str(R, "ranking"));
        rep_put(R, "</h2>\n");
        aq_buf xl = {0};
        aq__buf_printf(&xl, "%s, %s", R->value_name, R->latest);
        aq__chart_bars(&R->b, R->lang, labels, v, fills, n, 900, 1, 1, xl.failed ? "" : xl.data, rep_str(R, "ranking"));
        aq__buf_free(&xl);
        rep_put(R, "</section>\n");
    }
    aq__free(r);
    aq__free(labels);
    aq__free(fills);
    aq__free(v);
    return rc;
}

/* Each unit's value relative to the average of the units in the same
 * period, in its first period with a value and in the latest: who moved
 * towards the average and who away (current prices cancel out). */
static int dots_section(aq__rep *R)
{
    size_t n;
    aq__ranked *r = aq__report_rank(R, 0, &n);
    const char **labels = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *labels);
    double *a = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *a), *z = aq__xmalloc(R->ctx, (n ? n : 1) * sizeof *z);
    int rc = (r && labels && a && z) ? AQ_OK : AQ_ENOMEM;
    const aq__rperiod *last = aq__report_period(R, R->latest);
    const char *first_period = R->nper ? R->per[0].period : "";
    for (size_t k = 0; rc == AQ_OK && k < n; k++) {
        const aq__runit *u = &R->u[r[k].i];
        const aq__rperiod *f = aq__report_period(R, u->first_period);
        labels[k] = u->name;
        z[k] = last && last->mean > 0 ? u->value / last->mean : NAN;
        a[k] = f && f != last && f->mean > 0 ? u->first / f->mean : NAN;
    }
    if (rc == AQ_OK && n >= 2 && R->nper >= 2) {
        rep_put(R, "<section>\n<h2>");
        rep_esc(R, rep_str(R, "dots"));
        rep_put(R, "</h2>\n");
        aq__chart_dots(&R->b, R->lang, labels, a, z, n, 900, 1.0, 1, rep_str(R, "dots_x"), rep_str(R, "dots"));
        rep_put(R, "<p class=\"key\"><svg width=\"14\" height=\"14\"><circle class=\"d0\" cx=\"7\" cy=\"7\" r=\"5\"/></svg> ");
        rep_esc(R, rep_str(R, "dots_first"));
        rep_put(R, " (");
        rep_esc(R, first_period);
        rep_put(R, "…) <svg width=\"14\" height=\"14\"><circle class=\"d1\" cx=\"7\" cy=\"7\" r=\"5\"/></svg> ");
        rep_esc(R, R->latest);
        rep_put(R, "</p>\n");
        rep_note(R, "dots_note");
        rep_put(R, "</section>\n");
    }
    aq__free(r);
    aq__free(labels);
    aq__free(a);
    aq__free(z);
    return rc;
}

static void lorenz_section(aq__rep *R)
{
    const aq_ineq_result *q = R->ineq;
    char a[64];
    rep_put(R, "<section>\n<h2>");
    rep_esc(R, rep_str(R, "lorenz"));
    rep_put(R, " — ");
    rep_esc(R, R->latest);
    rep_put(R, "</h2>\n<div class=\"row\">\n");
    aq__chart c = {.w = 460, .h = 440, .ml = 64, .mr = 16, .mt = 12, .mb = 52, .x0 = 0, .x1 = 1,
                   .y0 = 0, .y1 = 1, .xfmt = AQ__AXIS_PERCENT, .yfmt = AQ__AXIS_PERCENT, .lang = R->lang,
                   .xlabel = rep_str(R, q->weighted ? "lorenz_x_w" : "lorenz_x_u"), .ylabel = rep_str(R, "lorenz_y"),
                   .aria = rep_str(R, "lorenz")};
    aq__chart_begin(&R->b, &c);
    const double diag[2] = {0, 1};
    aq__chart_line(&R->b, &c, diag, diag, 2, "diag", 0);
    aq__chart_line(&R->b, &c, q->lorenz_pop, q->lorenz_income, q->nlorenz, "line", 1);
    aq__chart_end(&R->b);
    rep_put(R, "<div>\n<table>\n");
    struct { const char *key; double v; int dec; } rows[] = {
        {"gini", q->gini, 3}, {"theil", q->theil_t, 3}, {"ratio_max_min", q->ratio_max_min, 2}};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        rep_put(R, "<tr><th>");
        rep_esc(R, rep_str(R, rows[k].key));
        rep_put(R, "</th><td class=\"n\">");
        rep_esc(R, rep_num(R, rows[k].v, rows[k].dec, a, sizeof a));
        rep_put(R, "</td></tr>\n");
    }
    rep_put(R, "</table>\n<p class=\"key\"><span style=\"background:#2c7fb8\"></span>");
    rep_esc(R, rep_str(R, "lorenz"));
    rep_put(R, "<span style=\"background:#888\"></span>");
    rep_esc(R, rep_str(R, "equality"));
    rep_put(R, "</p>\n<p class=\"note\">");
    if (q->weighted) {
        rep_esc(R, rep_str(R, "lorenz_weighted"));
        rep_put(R, " ");
        rep_esc(R, R->pop_period);
        rep_put(R, ".");
    } else if (R->pop_missing) {
        rep_esc(R, rep_str(R, "lorenz_pop_missing"));
        rep_put(R, " ");
        rep_esc(R, R->pop_missing);
        rep_put(R, ".");
    } else {
        rep_esc(R, rep_str(R, "lorenz_unweighted"));
    }
    rep_put(R, "</p>\n</div>\n</div>\n</section>\n");
}

static int series_section(aq__rep *R)
{
    double *t = aq__xmalloc(R->ctx, R->nper * sizeof *t), *r = aq__xmalloc(R->ctx, R->nper * sizeof *r);
    double *g = aq__xmalloc(R->ctx, R->nper * sizeof *g), *th = aq__xmalloc(R->ctx, R->nper * sizeof *th);
    int rc = (t && r && g && th) ? AQ_OK : AQ_ENOMEM;
    size_t m = 0;
    int years = 1;
    double rmax = 0, gmax = 0;
    for (size_t k = 0; rc == AQ_OK && k < R->nper; k++) {
        const aq__rperiod *P = &R->per[k];
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
        rep_put(R, "<section>\n<h2>");
        rep_esc(R, rep_str(R, "series"));
        rep_put(R, "</h2>\n<div class=\"row\">\n<div>\n");
        aq__chart c = {.w = 450, .h = 300, .ml = 64, .mr = 16, .mt = 12, .mb = 48, .x0 = t[0],
                       .x1 = t[m - 1], .y0 = 0, .y1 = rmax * 1.1, .xfmt = years ? AQ__AXIS_YEAR : 0,
                       .lang = R->lang, .xlabel = rep_str(R, "year"), .ylabel = rep_str(R, "ratio_max_min"),
                       .aria = rep_str(R, "ratio_max_min")};
        aq__chart_begin(&R->b, &c);
        aq__chart_line(&R->b, &c, t, r, m, "line", 1);
        aq__chart_end(&R->b);
        rep_put(R, "<p class=\"key\"><span style=\"background:#2c7fb8\"></span>");
        rep_esc(R, rep_str(R, "ratio_max_min"));
        rep_put(R, "</p>\n</div>\n<div>\n");
        c.y1 = gmax * 1.1;
        c.ylabel = c.aria = rep_str(R, "gini");
        aq__chart_begin(&R->b, &c);
        aq__chart_line(&R->b, &c, t, g, m, "line", 1);
        aq__chart_line(&R->b, &c, t, th, m, "line2", 1);
        aq__chart_end(&R->b);
        rep_put(R, "<p class=\"key\"><span style=\"background:#2c7fb8\"></span>");
        rep_esc(R, rep_str(R, "gini"));
        rep_put(R, "<span style=\"background:#d95f0e\"></span>");
        rep_esc(R, rep_str(R, "theil"));
        rep_put(R, "</p>\n</div>\n</div>\n<table>\n<tr><th>");
        rep_esc(R, rep_str(R, "year"));
        rep_put(R, "</th><th>");
        rep_esc(R, rep_str(R, "units_n"));
        rep_put(R, "</th><th>");
        rep_esc(R, rep_str(R, "ratio_max_min"));
        rep_put(R, "</th><th>");
        rep_esc(R, rep_str(R, "gini"));
        rep_put(R, "</th><th>");
        rep_esc(R, rep_str(R, "theil"));
        rep_put(R, "</th></tr>\n");
        for (size_t k = 0; k < R->nper; k++) {
            const aq__rperiod *P = &R->per[k];
            char a[64];
            rep_put(R, "<tr><td>");
            rep_esc(R, P->period);
            aq__buf_printf(&R->b, "</td><td class=\"n\">%zu</td><td class=\"n\">", P->n);
            rep_esc(R, rep_num(R, P->ratio, 2, a, sizeof a));
            rep_put(R, "</td><td class=\"n\">");
            rep_esc(R, rep_num(R, P->gini, 3, a, sizeof a));
            rep_put(R, "</td><td class=\"n\">");
            rep_esc(R, rep_num(R, P->theil, 3, a, sizeof a));
            rep_put(R, "</td></tr>\n");
        }
        rep_put(R, "</table>\n<p class=\"note\">");
        rep_esc(R, rep_str(R, "series_note"));
        rep_put(R, "</p>\n</section>\n");
    }
    aq__free(t);
    aq__free(r);
    aq__free(g);
    aq__free(th);
    return rc;
}

static int population_section(aq__rep *R)
{
    rep_put(R, "<section>\n<h2>");
    rep_esc(R, rep_str(R, "population_table"));
    if (*R->pop_period) {
        rep_put(R, " — ");
        rep_esc(R, R->pop_period);
    }
    rep_put(R, "</h2>\n");
    size_t n = 0;
    aq__ranked *r = R->has_pop ? aq__report_rank(R, 1, &n) : NULL;
    if (R->has_pop && !r)
        return AQ_ENOMEM;
    if (!n) {
        rep_put(R, "<p class=\"note\">");
        rep_esc(R, rep_str(R, "no_population"));
        rep_put(R, "</p>\n</section>\n");
        aq__free(r);
        return AQ_OK;
    }
    double total = 0;
    for (size_t k = 0; k < n; k++)
        total += r[k].v;
    const char *cols[] = {"rank", "code", "region", "population", "share"};
    rep_put(R, "<table>\n<tr>");
    for (size_t k = 0; k < 5; k++) {
        rep_put(R, "<th>");
        rep_esc(R, rep_str(R, cols[k]));
        rep_put(R, "</th>");
    }
    rep_put(R, "</tr>\n");
    char a[64];
    for (size_t k = 0; k < n; k++) {
        const aq__runit *u = &R->u[r[k].i];
        aq__buf_printf(&R->b, "<tr><td class=\"n\">%zu</td><td>", k + 1);
        rep_esc(R, u->code);
        rep_put(R, "</td><td>");
        rep_esc(R, u->name);
        rep_put(R, "</td><td class=\"n\">");
        rep_esc(R, rep_num(R, r[k].v, 0, a, sizeof a));
        rep_put(R, "</td><td class=\"n\">");
        rep_esc(R, rep_num(R, 100 * r[k].v / total, 2, a, sizeof a));
        rep_put(R, "</td></tr>\n");
    }
    rep_put(R, "<tr class=\"total\"><td></td><td></td><td>");
    rep_esc(R, rep_str(R, "total"));
    rep_put(R, "</td><td class=\"n\">");
    rep_esc(R, rep_num(R, total, 0, a, sizeof a));
    rep_put(R, "</td><td class=\"n\">");
    rep_esc(R, rep_num(R, 100, 2, a, sizeof a));
    rep_put(R, "</td></tr>\n</table>\n</section>\n");
    aq__free(r);
    return AQ_OK;
}

/* The class summary of a potential classification, in the founding
 * text's form: per class the number of units and their population. */
static int class_section(aq__rep *R)
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
    rep_put(R, "<section>\n<h2>");
    rep_esc(R, rep_str(R, "class_summary"));
    rep_put(R, "</h2>\n<table>\n<tr>");
    const char *cols[] = {"class", "count", "population", "share"};
    for (size_t k = 0; k < 4; k++) {
        rep_put(R, "<th>");
        rep_esc(R, rep_str(R, cols[k]));
        rep_put(R, "</th>");
    }
    rep_put(R, "</tr>\n");
    char a[64], buf[128];
    for (size_t i = 0; i <= n; i++) {
        int last = i == n;
        double share = last ? 1 : sh && isfinite(sh[i]) ? sh[i] : total > 0 ? pop[i] / total : NAN;
        rep_put(R, last ? "<tr class=\"total\"><td>" : "<tr><td>");
        rep_esc(R, last ? rep_str(R, "total") : rep_str(R, aq_table_cell(t, (size_t)cj, i, buf, sizeof buf)));
        rep_put(R, "</td><td class=\"n\">");
        rep_esc(R, rep_num(R, last ? units : cnt[i], 0, a, sizeof a));
        rep_put(R, "</td><td class=\"n\">");
        rep_esc(R, rep_num(R, last ? total : pop[i], 0, a, sizeof a));
        rep_put(R, "</td><td class=\"n\">");
        rep_esc(R, rep_num(R, 100 * share, 1, a, sizeof a));
        rep_put(R, "</td></tr>\n");
    }
    rep_put(R, "</table>\n<p class=\"note\">");
    rep_esc(R, aq__basename(R->o->class_summary));
    rep_put(R, "</p>\n</section>\n");
    aq_table_free(t);
    return AQ_OK;
}

static int provenance_section(aq__rep *R)
{
    int rc = aq_store_datasets(R->s, &R->datasets);
    if (rc)
        return rc;
    rep_put(R, "<section>\n<h2>");
    rep_esc(R, rep_str(R, "provenance"));
    rep_put(R, "</h2>\n<div class=\"prov\">\n<table>\n<tr>");
    const char *cols[] = {"dataset", "file", "imported_at", "checksum"};
    const char *keys[] = {"name", "source", "imported_at", "checksum"};
    for (size_t k = 0; k < 4; k++) {
        rep_put(R, "<th>");
        rep_esc(R, rep_str(R, cols[k]));
        rep_put(R, "</th>");
    }
    rep_put(R, "</tr>\n");
    for (size_t i = 0; i < aq_table_nrows(R->datasets); i++) {
        rep_put(R, "<tr>");
        for (size_t k = 0; k < 4; k++) {
            const char *v = aq__report_cell(R->datasets, keys[k], i);
            rep_put(R, k == 3 ? "<td class=\"hash\">" : "<td>");
            rep_esc(R, k == 1 && v ? aq__basename(v) : v);
            rep_put(R, "</td>");
        }
        rep_put(R, "</tr>\n");
    }
    rep_put(R, "</table>\n<p>");
    rep_esc(R, rep_str(R, "methodology"));
    rep_put(R, ": ");
    if (R->o->method_path) {
        char hex[65];
        rc = aq__sha256_file(R->ctx, R->o->method_path, hex);
        if (rc)
            return rc;
        rep_esc(R, aq__basename(R->o->method_path));
        rep_put(R, ", SHA-256 <span class=\"hash\">");
        rep_put(R, hex);
        rep_put(R, "</span>");
    } else {
        rep_esc(R, rep_str(R, "no_methodology"));
    }
    rep_put(R, "<br>");
    rep_esc(R, rep_str(R, "version"));
    rep_put(R, ": " AQ_VERSION "<br>");
    rep_esc(R, rep_str(R, "store"));
    rep_put(R, ": ");
    /* a file by its name; a PostgreSQL database by its URI (password masked) */
    rep_esc(R, !R->s->path ? "" : aq__db_is_url(R->s->path) ? R->s->path : aq__basename(R->s->path));
    rep_put(R, "<br>");
    rep_esc(R, rep_str(R, "generated"));
    char when[32] = "";
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    rep_put(R, ": ");
    rep_put(R, when);
    rep_put(R, "</p>\n</div>\n</section>\n");
    return AQ_OK;
}

static int lorenz(aq__rep *R)
{
    lorenz_section(R);
    return AQ_OK;
}

/* The sections after the first (brief and map), in the document's order;
 * each can also be asked for alone (aq_report_section_html). */
static const struct {
    const char *name;
    int (*write)(aq__rep *R);
} sections[] = {
    {"lisa", aq__report_lisa_section},   {"class_map", aq__report_class_map_section},
    {"bars", bars_section},              {"dots", dots_section},
    {"lorenz", lorenz},                  {"series", series_section},
    {"population", population_section},  {"class_summary", class_section},
    {"provenance", provenance_section},
};

/* The whole document (SECTION NULL), or only the section named SECTION. */
static int build(aq__rep *R, const char *section)
{
    int rc;
    if ((rc = aq__report_load(R)))
        return rc;
    if (section) {
        size_t k = 0;
        while (k < sizeof sections / sizeof sections[0] && strcmp(sections[k].name, section))
            k++;
        if (!strcmp(section, "map"))
            rc = aq__report_map_section(R);
        else if (k < sizeof sections / sizeof sections[0])
            rc = sections[k].write(R);
        else
            rc = aq__err(R->ctx, AQ_EUSAGE, "report: no section '%s' (map, lisa, class_map, bars, dots, lorenz, "
                         "series, population, class_summary, provenance)", section);
        return rc ? rc : R->b.failed ? aq__oom(R->ctx) : AQ_OK;
    }
    head(R);
    rep_put(R, "<section class=\"first\">\n");
    brief(R);
    if ((rc = aq__report_map_section(R)))
        return rc;
    rep_put(R, "</section>\n");
    for (size_t k = 0; k < sizeof sections / sizeof sections[0]; k++)
        if ((rc = sections[k].write(R)))
            return rc;
    rep_put(R, "</body>\n</html>\n");
    return R->b.failed ? aq__oom(R->ctx) : AQ_OK;
}

static int render(aq_store *s, const aq_report_opts *opts, const char *section, char **html, size_t *len)
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
    aq__rep R = {.ctx = ctx, .s = s, .o = opts, .lang = lang};
    int rc = build(&R, section);
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

int aq_report_html(aq_store *s, const aq_report_opts *opts, char **html, size_t *len)
{
    return render(s, opts, NULL, html, len);
}

int aq_report_section_html(aq_store *s, const aq_report_opts *opts, const char *section, char **html, size_t *len)
{
    return render(s, opts, section ? section : "map", html, len);
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
