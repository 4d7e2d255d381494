/*
 * aimaq_report.h -- a printable, self-contained HTML report of one
 * indicator across the units of one level: a choropleth map drawn as SVG in
 * an equal-area conic projection, a LISA cluster map, a ranked bar chart, a
 * dot plot relative to the average, a Lorenz curve, time series of
 * disparity measures, a population table, an optional class summary and a
 * provenance box.
 * Everything is inline (CSS and SVG, no scripts, no fonts or images from
 * the network), so the file opens with no request leaving the machine.
 *
 * The conventions of aimaq.h hold: everything that can fail returns AQ_OK
 * or an AQ_E* code with the reason on the context; out-parameters are left
 * unchanged on failure; the library never prints. What the report shows
 * and how to print it: docs/report.md.
 */
#ifndef AIMAQ_REPORT_H
#define AIMAQ_REPORT_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Albers equal-area conic projection (Snyder 1987, "Map Projections: A
 * Working Manual", USGS Professional Paper 1395, pp. 98-103, equations
 * 3-12, 14-3, 14-4, 14-6, 14-12, 14-14), on an ellipsoid or a sphere.
 * ------------------------------------------------------------------- */
typedef struct aq_albers {
    double a, e;       /* semi-major axis (or sphere radius), eccentricity */
    double lon0;       /* central meridian, radians                       */
    double n, C, rho0; /* the projection constants of Snyder eq. 14-3..14-4 */
} aq_albers;

/* Sets up the projection on the ellipsoid (A, E) (E = 0 for a sphere of
 * radius A) with latitude of origin LAT0, central meridian LON0 and
 * standard parallels LAT1, LAT2, all in degrees.
 * Returns AQ_OK, or AQ_EUSAGE (with the reason on CTX, which may be NULL)
 * when the parallels are symmetric about the equator (n = 0), a latitude
 * is outside [-90, 90], A <= 0 or E not in [0, 1). */
int aq_albers_init(aq_ctx *ctx, aq_albers *p, double a, double e, double lat0,
                   double lon0, double lat1, double lat2);

/* The projection aimaq's maps of Kazakhstan use: WGS 84 ellipsoid, standard
 * parallels 45 and 51 N, latitude of origin 48 N, central meridian 68 E. */
void aq_albers_kazakhstan(aq_albers *p);

/* Projects (LON, LAT) in degrees to (X, Y) in the units of A (metres for
 * an ellipsoid in metres): X east, Y north of the origin. */
void aq_albers_forward(const aq_albers *p, double lon, double lat, double *x, double *y);

/* ---------------------------------------------------------------------
 * Numbers in the report's languages
 * ------------------------------------------------------------------- */

/* Formats V with DECIMALS digits after the separator: Kazakh and Russian
 * ("kk", "ru") with a space between thousands and a decimal comma
 * ("19 974,1"), English with commas and a point ("19,974.1"). NaN gives
 * "–". Writes at most SIZE bytes (always NUL-terminated) and returns BUF. */
const char *aq_report_number(double v, int decimals, const char *lang, char *buf, size_t size);

/* ---------------------------------------------------------------------
 * The report
 * ------------------------------------------------------------------- */
typedef struct aq_report_opts {
    const char *lang;       /* "kk" (default), "ru" or "en"                  */
    const char *value;      /* indicator mapped and ranked; default
                               "grp_pc_kzt_thousand"                         */
    const char *population; /* weights of the Lorenz curve and the population
                               table; default "population". When the store
                               has no such indicator the curve is unweighted
                               and the table is left out, with a note.       */
    const char *level;      /* unit level; default "region"                  */
    const char *method_path;/* a methodology file whose SHA-256 goes into the
                               provenance box, or NULL                       */
    const char *class_summary; /* a class summary table (CSV or any format
                               aq_table_read reads, as `aimaq potential
                               --summary --format csv` writes: columns
                               class, count, population and optionally
                               population_share) shown as its own section,
                               or NULL                                       */
    const char *class_map;  /* units and their potential classes, as `aimaq
                               potential` writes them (columns id or code,
                               class, optionally score), with point or
                               polygon geometries, or lon and lat columns,
                               or codes of the report's level: drawn over
                               the level's outlines, one colour per class
                               (best mean score green), or NULL            */
    const char *title;      /* the heading; NULL = a default in the language */
    double simplify;        /* tolerance in degrees for simplifying polygons
                               (topology preserved per unit); default 0.02,
                               0 = draw every vertex                          */
    int classes;            /* map classes (Fisher-Jenks), default 5, 2..7   */
} aq_report_opts;

/* Sets the defaults above. */
void aq_report_opts_init(aq_report_opts *opts);

/* Builds the report of the store S as one HTML document. *html gets a
 * NUL-terminated string the caller frees with aq_free; *len (may be NULL)
 * its length. Units without a geometry are left off the map (with a note;
 * with no geometry at all the map is replaced by a note); units whose
 * valid_to is set (abolished) count in the series of the periods they have
 * values in, and are left off the map and the population table. opts may
 * be NULL.
 * Returns AQ_OK, AQ_EUSAGE (unknown language, classes out of range),
 * AQ_ENOTFOUND (the value indicator or the level is absent), AQ_EINPUT (no
 * unit has a value, the class summary lacks a column), AQ_EIO (the
 * methodology or class summary file cannot be read),
 * AQ_ESTORE, AQ_ENOMEM. The error is left on the store's context. */
int aq_report_html(aq_store *s, const aq_report_opts *opts, char **html, size_t *len);

/* One section of the report as an HTML fragment (heading, SVG, legend,
 * table and notes), for the dashboard: "map", "lisa", "class_map", "bars"
 * (ranking), "dots" (relative to the average), "lorenz", "series"
 * (disparities over time), "population", "class_summary", "provenance".
 * SECTION NULL means "map". Same options, returns and ownership as
 * aq_report_html; an unknown section is AQ_EUSAGE. */
int aq_report_section_html(aq_store *s, const aq_report_opts *opts, const char *section, char **html, size_t *len);

/* The style sheet of the report's figures (maps, charts, legends, number
 * cells): what a page that shows sections from aq_report_section_html
 * needs. A static string. */
const char *aq_report_figure_css(void);

/* As aq_report_html, and writes the document to PATH (AQ_EIO when that
 * fails; the file is written whole or not at all: a temporary file next to
 * it is renamed). */
int aq_report_write(aq_store *s, const aq_report_opts *opts, const char *path);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_REPORT_H */
