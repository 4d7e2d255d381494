/*
 * report_int.h -- internals shared by the report's files: the language
 * strings (report_i18n.c), the SVG map (svg_map.c), the charts
 * (svg_chart.c) and HTML escaping (report.c).
 */
#ifndef AQ_REPORT_INT_H
#define AQ_REPORT_INT_H

#include "aimaq_report.h"
#include "aq_int.h"
#include "aimaq_ineq.h"

/* ---- strings (report_i18n.c) ---- */
/* Is LANG one of kk, ru, en? */
bool aq__report_lang_ok(const char *lang);
/* The report string KEY in LANG, falling back to English, then to KEY. */
const char *aq__report_str(const char *lang, const char *key);

/* ---- HTML (report.c) ---- */
/* Appends S with &, <, >, " and ' escaped (text and attribute values). */
void aq__html_escape(aq_buf *b, const char *s);

/* ---- map (svg_map.c) ---- */
typedef struct aq__map_feature {
    const unsigned char *wkb; /* polygon or multipolygon (a path) or point (a
                                 dot over every outline), lon/lat degrees   */
    size_t wkblen;
    const char *id;           /* unit code (escaped into the id attribute) */
    const char *title;        /* tooltip: name and value                   */
    const char *fill;         /* CSS colour                                */
    const char *label;        /* short text printed inside the unit (its
                                 rank), or NULL                            */
} aq__map_feature;

typedef struct aq__legend_item {
    const char *fill;
    const char *label; /* e.g. "1 671,8 – 2 960,4 (5)" */
} aq__legend_item;

/* Appends an <svg> of width W drawing each feature as one <path> (its rings
 * simplified with TOL degrees, topology kept per feature, projected with P
 * and fitted into the picture), each label at a point inside its unit
 * (GEOS's point on surface), and the legend below the map. *drawn gets
 * the number of paths written; features whose WKB GDAL cannot read are
 * skipped with a warning. Returns AQ_OK or AQ_ENOMEM. */
int aq__svg_map(aq_ctx *ctx, aq_buf *b, const aq__map_feature *f, size_t n,
                const aq_albers *p, double tol, double w,
                const aq__legend_item *legend, size_t nlegend, const char *legend_title,
                size_t *drawn);

/* ---- clusters (report_lisa.c) ---- */
/* Queen contiguity of the N polygons WKB/LEN, global Moran's I of Y with
 * its permutation pseudo p (*MORAN_I, *MORAN_P), and local Moran clusters:
 * CLUSTER[i] = 1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (PySAL's
 * numbering) when significant at ALPHA (PERMUTATIONS permutations from
 * SEED), 0 not significant, -1 without neighbours. Returns the spatial
 * library's codes (AQ_EINPUT for a geometry that is not a polygon). */
int aq__report_lisa(aq_ctx *ctx, const unsigned char *const *wkb, const size_t *len,
                    const double *y, size_t n, long permutations, uint64_t seed,
                    double alpha, int *cluster, double *moran_i, double *moran_p);

/* ---- charts (svg_chart.c) ---- */
enum { AQ__AXIS_YEAR = 1, AQ__AXIS_PERCENT = 2, AQ__AXIS_NONE = 3 };

/* A chart frame: picture size, margins, the data ranges and axis labels. */
typedef struct aq__chart {
    double w, h;                      /* picture size                      */
    double ml, mr, mt, mb;            /* margins left, right, top, bottom  */
    double x0, x1, y0, y1;            /* data ranges                       */
    int xfmt, yfmt;                   /* 0 (numbers) or AQ__AXIS_*         */
    const char *lang;
    const char *xlabel, *ylabel;      /* axis titles, or NULL              */
    const char *aria;                 /* the picture's accessible name     */
} aq__chart;

/* Opens the <svg>, draws the grid, the numeric axes with ticks and their
 * titles. Call aq__chart_end when the marks are drawn. */
void aq__chart_begin(aq_buf *b, const aq__chart *c);
/* Draws the polyline through N points (X[i], Y[i]) with CSS class CLS
 * ("line", "line2", "diag"); DOTS adds a marker at each point. */
void aq__chart_line(aq_buf *b, const aq__chart *c, const double *x, const double *y,
                    size_t n, const char *cls, int dots);
void aq__chart_end(aq_buf *b);

/* A ranked horizontal bar chart: N bars, LABELS[i] and VALUES[i] already
 * in the order to draw (top first), FILLS[i] their colours, the value
 * printed at the end of each bar; NUMBERED puts "1. " before the labels. */
void aq__chart_bars(aq_buf *b, const char *lang, const char *const *labels,
                    const double *values, const char *const *fills, size_t n, double w,
                    int decimals, int numbered, const char *xlabel, const char *aria);
/* A dot plot with the same rows: per row a hollow dot at FROM[i], a filled
 * dot at TO[i] joined by a line (NaN: that dot is left out), and a dashed
 * reference line at REF (NaN: none). */
void aq__chart_dots(aq_buf *b, const char *lang, const char *const *labels, const double *from,
                    const double *to, size_t n, double w, double ref, int numbered,
                    const char *xlabel, const char *aria);

/* ---- the report's data (report_data.c) ---- */
/* One unit of the report. Strings are borrowed from the units table. */
typedef struct aq__runit {
    const char *code, *name;
    const unsigned char *wkb;
    size_t wkblen;
    double value;        /* in the latest period, NaN when missing  */
    double pop;          /* in its latest period, NaN when missing  */
    int cls;             /* map class, -1 without a value           */
    int abolished;       /* valid_to is set: only in the past series */
    size_t rank;         /* 1 = highest value, 0 without a value     */
    char label[24];      /* the rank as printed on the map           */
    double first;        /* the value in its first period with one   */
    char first_period[16];
} aq__runit;

/* Values of one period, for the disparity series. */
typedef struct aq__rperiod {
    char period[16];
    double ratio, gini, theil;
    double mean;         /* unweighted mean of the units' values     */
    size_t n;
} aq__rperiod;

/* Everything one report is built from; report.c frees it. */
typedef struct aq__rep {
    aq_ctx *ctx;
    aq_store *s;
    const aq_report_opts *o;
    const char *lang;
    aq_table *units, *obs, *datasets, *indicators;
    aq__runit *u;
    size_t nu;
    const char *value_name, *value_measure;
    int has_pop;
    const char *pop_missing; /* a unit with a value but no population: the
                                Lorenz curve is then unweighted           */
    char latest[16], pop_period[16];
    aq__rperiod *per;
    size_t nper;
    aq_ineq_result *ineq;  /* latest period, weighted when population is there */
    double *breaks;
    size_t *counts, nclasses;
    aq_buf b;
} aq__rep;

typedef struct aq__ranked {
    double v;
    size_t i;
} aq__ranked;

/* Reads the indicator's names, the units, the observations, and computes
 * the series, the latest period's measures, map classes and ranks. */
int aq__report_load(aq__rep *R);
/* The text of column COL in ROW of T, or NULL. */
const char *aq__report_cell(const aq_table *t, const char *col, size_t row);
/* The period PER of the series, or NULL. */
const aq__rperiod *aq__report_period(const aq__rep *R, const char *per);
/* The map colour of class CLS (grey for -1). */
const char *aq__report_class_fill(const aq__rep *R, int cls);
/* Units with a finite value (BY_POP: population; abolished units left
 * out), largest first; *n their number. NULL when memory runs out. */
aq__ranked *aq__report_rank(aq__rep *R, int by_pop, size_t *n);

/* ---- the two maps (report_maps.c) ---- */
/* The choropleth of the latest period with its legend and notes. */
int aq__report_map_section(aq__rep *R);
/* The LISA cluster map as its own section (a note when it cannot be made). */
int aq__report_lisa_section(aq__rep *R);
/* The map of potential classes from opts->class_map (nothing without it):
 * the level's outlines in grey, each classed unit in its class colour. */
int aq__report_class_map_section(aq__rep *R);

/* ---- writing helpers ---- */
static inline const char *rep_str(const aq__rep *R, const char *key) { return aq__report_str(R->lang, key); }
static inline const char *rep_num(const aq__rep *R, double v, int dec, char *buf, size_t size)
{
    return aq_report_number(v, dec, R->lang, buf, size);
}
static inline void rep_esc(aq__rep *R, const char *s) { aq__html_escape(&R->b, s ? s : ""); }
static inline void rep_put(aq__rep *R, const char *s) { aq__buf_puts(&R->b, s); }
static inline void rep_note(aq__rep *R, const char *key)
{
    rep_put(R, "<p class=\"note\">");
    rep_esc(R, rep_str(R, key));
    rep_put(R, "</p>\n");
}

#endif
