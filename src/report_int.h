/*
 * report_int.h -- internals shared by the report's files: the language
 * strings (report_i18n.c), the SVG map (svg_map.c), the charts
 * (svg_chart.c) and HTML escaping (report.c).
 */
#ifndef AQ_REPORT_INT_H
#define AQ_REPORT_INT_H

#include "aimaq_report.h"
#include "aq_int.h"

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
    const unsigned char *wkb; /* polygon or multipolygon, lon/lat degrees */
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

#endif
