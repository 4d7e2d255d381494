/*
 * svg_map.c -- choropleth maps as inline SVG: the Albers equal-area conic
 * projection (so the areas of regions compare truly, which a choropleth
 * invites the eye to do) and the output of unit polygons as SVG paths.
 *
 * The projection formulas are those of Snyder, J. P. (1987), "Map
 * Projections: A Working Manual", USGS Professional Paper 1395,
 * pp. 98-103: q (eq. 3-12), m (eq. 14-15), n (eq. 14-14; n = sin phi1
 * when the two parallels coincide, its limit), C (eq. 14-13),
 * rho (eq. 14-12), theta (eq. 14-4) and x, y (eqs. 14-1, 14-2). With e = 0
 * they reduce to the spherical forms (eqs. 14-1 to 14-6).
 */
#include "report_int.h"

#include <math.h>
#include <ogr_api.h>
#include <string.h>

static const double D2R = 3.14159265358979323846 / 180.0;

/* Snyder eq. 3-12: q of a latitude with sine SINPHI (authalic latitude
 * function); 2 sin(phi) on the sphere. */
static double albers_q(double e, double sinphi)
{
    if (e == 0)
        return 2 * sinphi;
    double es = e * sinphi;
    return (1 - e * e) * (sinphi / (1 - es * es) - log((1 - es) / (1 + es)) / (2 * e));
}

/* Snyder eq. 14-15: m = cos(phi) / sqrt(1 - e^2 sin^2(phi)). */
static double albers_m(double e, double phi)
{
    double s = sin(phi);
    return cos(phi) / sqrt(1 - e * e * s * s);
}

int aq_albers_init(aq_ctx *ctx, aq_albers *p, double a, double e, double lat0,
                   double lon0, double lat1, double lat2)
{
    if (!(a > 0) || !(e >= 0 && e < 1))
        return ctx ? aq__err(ctx, AQ_EUSAGE, "Albers projection: the ellipsoid needs a > 0 and 0 <= e < 1, not a = %g, e = %g", a, e)
                   : AQ_EUSAGE;
    if (!(fabs(lat0) <= 90 && fabs(lat1) <= 90 && fabs(lat2) <= 90) || !isfinite(lon0))
        return ctx ? aq__err(ctx, AQ_EUSAGE, "Albers projection: latitudes must lie in [-90, 90] (origin %g, parallels %g and %g)", lat0, lat1, lat2)
                   : AQ_EUSAGE;
    double phi1 = lat1 * D2R, phi2 = lat2 * D2R;
    double m1 = albers_m(e, phi1), q1 = albers_q(e, sin(phi1));
    double n;
    if (fabs(phi1 - phi2) < 1e-10)
        n = sin(phi1);
    else
        n = (m1 * m1 - albers_m(e, phi2) * albers_m(e, phi2)) / (albers_q(e, sin(phi2)) - q1);
    if (fabs(n) < 1e-10)
        return ctx ? aq__err(ctx, AQ_EUSAGE, "Albers projection: standard parallels %g and %g are symmetric about the equator (the cone is a cylinder)", lat1, lat2)
                   : AQ_EUSAGE;
    double C = m1 * m1 + n * q1;
    double r0 = C - n * albers_q(e, sin(lat0 * D2R));
    p->a = a;
    p->e = e;
    p->lon0 = lon0 * D2R;
    p->n = n;
    p->C = C;
    p->rho0 = a * sqrt(r0 > 0 ? r0 : 0) / n;
    return AQ_OK;
}

void aq_albers_kazakhstan(aq_albers *p)
{
    /* WGS 84: a = 6378137 m, 1/f = 298.257223563, e = sqrt(2f - f^2). */
    double f = 1 / 298.257223563;
    aq_albers_init(NULL, p, 6378137.0, sqrt(2 * f - f * f), 48, 68, 45, 51);
}

void aq_albers_forward(const aq_albers *p, double lon, double lat, double *x, double *y)
{
    double r = p->C - p->n * albers_q(p->e, sin(lat * D2R));
    double rho = p->a * sqrt(r > 0 ? r : 0) / p->n;
    double dl = lon * D2R - p->lon0;
    /* The longitude difference taken on (-pi, pi], so a map centred on 68 E
     * does not tear at the antimeridian of the data's own convention. */
    dl = remainder(dl, 2 * 3.14159265358979323846);
    double theta = p->n * dl;
    *x = rho * sin(theta);
    *y = p->rho0 - rho * cos(theta);
}

/* ---- walking the rings of a geometry ---- */

typedef void (*ring_fn)(void *user, OGRGeometryH ring);

/* Calls FN on every ring or line inside G, whatever the nesting
 * (polygon, multipolygon, collection); with POINTS also on single points. */
static void walk(OGRGeometryH g, ring_fn fn, void *user, bool points)
{
    int k = OGR_G_GetGeometryCount(g);
    if (k > 0) {
        for (int i = 0; i < k; i++)
            walk(OGR_G_GetGeometryRef(g, i), fn, user, points);
    } else if (OGR_G_GetPointCount(g) > (points ? 0 : 1)) {
        fn(user, g);
    }
}

static void walk_rings(OGRGeometryH g, ring_fn fn, void *user) { walk(g, fn, user, false); }

static bool is_point(OGRGeometryH g) { return wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint; }

typedef struct fit {
    const aq_albers *p;
    double xmin, xmax, ymin, ymax; /* projected bounding box  */
    double scale, pad;             /* metres -> picture units */
    aq_buf *b;
} fit;

static void bbox_ring(void *user, OGRGeometryH ring)
{
    fit *F = user;
    int np = OGR_G_GetPointCount(ring);
    for (int i = 0; i < np; i++) {
        double x, y;
        aq_albers_forward(F->p, OGR_G_GetX(ring, i), OGR_G_GetY(ring, i), &x, &y);
        F->xmin = fmin(F->xmin, x);
        F->xmax = fmax(F->xmax, x);
        F->ymin = fmin(F->ymin, y);
        F->ymax = fmax(F->ymax, y);
    }
}

/* Writes one ring as "M x y L ... Z" in picture units (y down), at 0.1
 * units, dropping points that round onto the previous one. */
static void path_ring(void *user, OGRGeometryH ring)
{
    fit *F = user;
    int np = OGR_G_GetPointCount(ring);
    long px = 0, py = 0;
    int written = 0;
    for (int i = 0; i < np; i++) {
        double x, y;
        aq_albers_forward(F->p, OGR_G_GetX(ring, i), OGR_G_GetY(ring, i), &x, &y);
        long sx = lround((F->pad + (x - F->xmin) * F->scale) * 10);
        long sy = lround((F->pad + (F->ymax - y) * F->scale) * 10);
        if (written && sx == px && sy == py)
            continue;
        aq__buf_printf(F->b, "%s%ld.%ld %ld.%ld", written ? "L" : "M", sx / 10, sx % 10, sy / 10, sy % 10);
        px = sx, py = sy;
        written++;
    }
    if (written)
        aq__buf_puts(F->b, "Z");
}

int aq__svg_map(aq_ctx *ctx, aq_buf *b, const aq__map_feature *f, size_t n,
                const aq_albers *p, double tol, double w,
                const aq__legend_item *legend, size_t nlegend, const char *legend_title,
                size_t *drawn)
{
    *drawn = 0;
    OGRGeometryH *g = aq__xcalloc(ctx, n ? n : 1, sizeof *g);
    if (!g)
        return AQ_ENOMEM;
    fit F = {p, INFINITY, -INFINITY, INFINITY, -INFINITY, 1, 10, b};
    for (size_t i = 0; i < n; i++) {
        OGRGeometryH gi = NULL;
        if (!f[i].wkb || OGR_G_CreateFromWkb(f[i].wkb, NULL, &gi, (int)f[i].wkblen) != OGRERR_NONE || !gi) {
            aq__warn(ctx, "report map: the geometry of unit %s cannot be read; it is left off the map", f[i].id);
            continue;
        }
        if (tol > 0) {
            /* Without GEOS this returns NULL: the full outline is drawn. */
            OGRGeometryH s = OGR_G_SimplifyPreserveTopology(gi, tol);
            if (s) {
                OGR_G_DestroyGeometry(gi);
                gi = s;
            }
        }
        g[i] = gi;
        walk(gi, bbox_ring, &F, true);
    }
    double mw = F.xmax - F.xmin, mh = F.ymax - F.ymin;
    double maph = 40;
    if (mw > 0 && mh > 0) {
        F.scale = (w - 2 * F.pad) / mw;
        maph = mh * F.scale + 2 * F.pad;
    }
    double lh = nlegend ? 34 + 22.0 * (double)nlegend : 0;
    aq__buf_printf(b, "<svg class=\"map\" viewBox=\"0 0 %.0f %.0f\" "
                      "width=\"%.0f\" height=\"%.0f\" role=\"img\">\n",
                   w, maph + lh, w, maph + lh);
    for (size_t i = 0; i < n; i++) {
        if (!g[i])
            continue;
        if (is_point(g[i]))
            continue; /* a settlement: a dot, drawn below over every outline */
        aq__buf_puts(b, "<path class=\"unit\" id=\"u");
        aq__html_escape(b, f[i].id);
        aq__buf_printf(b, "\" fill=\"%s\" d=\"", f[i].fill ? f[i].fill : "#dddddd");
        walk_rings(g[i], path_ring, &F);
        aq__buf_puts(b, "\"><title>");
        aq__html_escape(b, f[i].title ? f[i].title : f[i].id);
        aq__buf_puts(b, "</title></path>\n");
        (*drawn)++;
    }
    for (size_t i = 0; i < n; i++) {
        if (!g[i] || !is_point(g[i]))
            continue;
        double x, y;
        aq_albers_forward(p, OGR_G_GetX(g[i], 0), OGR_G_GetY(g[i], 0), &x, &y);
        aq__buf_printf(b, "<circle class=\"pt\" id=\"u");
        aq__html_escape(b, f[i].id);
        aq__buf_printf(b, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"%s\"><title>", F.pad + (x - F.xmin) * F.scale,
                       F.pad + (F.ymax - y) * F.scale, f[i].fill ? f[i].fill : "#dddddd");
        aq__html_escape(b, f[i].title ? f[i].title : f[i].id);
        aq__buf_puts(b, "</title></circle>\n");
        (*drawn)++;
    }
    /* Labels after every path, so no neighbour is painted over them. */
    for (size_t i = 0; i < n; i++) {
        if (!g[i])
            continue;
        OGRGeometryH pt = f[i].label ? OGR_G_PointOnSurface(g[i]) : NULL;
        if (pt && OGR_G_GetPointCount(pt) == 1) {
            double x, y;
            aq_albers_forward(p, OGR_G_GetX(pt, 0), OGR_G_GetY(pt, 0), &x, &y);
            aq__buf_printf(b, "<text class=\"ml\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                           F.pad + (x - F.xmin) * F.scale, F.pad + (F.ymax - y) * F.scale + 4);
            aq__html_escape(b, f[i].label);
            aq__buf_puts(b, "</text>\n");
        }
        if (pt)
            OGR_G_DestroyGeometry(pt);
        OGR_G_DestroyGeometry(g[i]);
    }
    aq__free(g);
    if (nlegend) {
        double y = maph + 20;
        aq__buf_printf(b, "<g class=\"legend\"><text x=\"%.0f\" y=\"%.0f\" class=\"lt\">", F.pad, y);
        aq__html_escape(b, legend_title ? legend_title : "");
        aq__buf_puts(b, "</text>\n");
        for (size_t k = 0; k < nlegend; k++) {
            double yk = y + 10 + 22.0 * (double)k;
            aq__buf_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"28\" height=\"16\" fill=\"%s\" stroke=\"#555\" stroke-width=\"0.5\"/>"
                              "<text x=\"%.0f\" y=\"%.0f\">",
                           F.pad, yk, legend[k].fill, F.pad + 36, yk + 13);
            aq__html_escape(b, legend[k].label);
            aq__buf_puts(b, "</text>\n");
        }
        aq__buf_puts(b, "</g>\n");
    }
    aq__buf_puts(b, "</svg>\n");
    return b->failed ? aq__oom(ctx) : AQ_OK;
}
