/*
 * weights_wkb.c -- just enough of WKB for spatial weights: the rings of
 * polygons (for contiguity) and centroids (for distance weights on
 * polygons). Reading WKB directly rather than through OGR keeps contiguity
 * for 100,000 polygons well under a second and needs no GDAL objects.
 */
#include "spatial_int.h"

#include <math.h>
#include <ogr_srs_api.h>
#include <string.h>

typedef struct wkbin {
    const unsigned char *p, *end;
} wkbin;

static int get_u32(wkbin *in, int le, uint32_t *v)
{
    if (in->end - in->p < 4)
        return -1;
    const unsigned char *b = in->p;
    *v = le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
            : (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24;
    in->p += 4;
    return 0;
}

static int get_f64(wkbin *in, int le, double *v)
{
    if (in->end - in->p < 8)
        return -1;
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = le ? in->p[i] : in->p[7 - i];
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | b[i];
    memcpy(v, &u, sizeof *v);
    in->p += 8;
    return 0;
}

static int push_point(aq__rings *r, double x, double y)
{
    if (r->npts == r->ptcap) {
        size_t cap = r->ptcap ? 2 * r->ptcap : 256;
        double *xy = aq__realloc(r->xy, 2 * cap * sizeof *xy);
        if (!xy)
            return -3;
        r->xy = xy;
        r->ptcap = cap;
    }
    r->xy[2 * r->npts] = x;
    r->xy[2 * r->npts + 1] = y;
    r->npts++;
    return 0;
}

static int open_ring(aq__rings *r, int hole)
{
    if (r->nrings + 1 >= r->rcap) {
        size_t cap = r->rcap ? 2 * r->rcap : 16;
        size_t *st = aq__realloc(r->start, cap * sizeof *st);
        if (!st)
            return -3;
        r->start = st;
        unsigned char *h = aq__realloc(r->hole, cap);
        if (!h)
            return -3;
        r->hole = h;
        r->rcap = cap;
    }
    r->start[r->nrings] = r->npts;
    r->hole[r->nrings] = (unsigned char)hole;
    r->nrings++;
    r->start[r->nrings] = r->npts;
    return 0;
}

static int close_ring(aq__rings *r)
{
    r->start[r->nrings] = r->npts;
    return 0;
}

/* Reads one geometry; -1 malformed, -2 unsupported type, -3 no memory. */
static int read_geom(wkbin *in, aq__rings *r, int depth, uint32_t *badtype)
{
    if (depth > 8 || in->p >= in->end)
        return -1;
    int le = *in->p++ == 1;
    uint32_t t;
    if (get_u32(in, le, &t))
        return -1;
    int dims = 2;
    if (t & 0x80000000u)
        dims++;
    if (t & 0x40000000u)
        dims++;
    if (t & 0x20000000u) {
        uint32_t srid;
        if (get_u32(in, le, &srid))
            return -1;
    }
    t &= 0x0FFFFFFFu;
    if (t >= 1000) {
        uint32_t iso = t / 1000;
        dims = 2 + (iso == 1 || iso == 3) + (iso == 2 || iso == 3);
        t %= 1000;
    }
    int rc;
    switch (t) {
    case 1: { /* Point */
        double c[4];
        for (int d = 0; d < dims; d++)
            if (get_f64(in, le, &c[d]))
                return -1;
        r->points = 1;
        if (isnan(c[0])) /* an empty point */
            return 0;
        if ((rc = open_ring(r, 0)) || (rc = push_point(r, c[0], c[1])))
            return rc;
        return close_ring(r);
    }
    case 3: { /* Polygon */
        uint32_t nr;
        if (get_u32(in, le, &nr))
            return -1;
        for (uint32_t k = 0; k < nr; k++) {
            uint32_t np;
            if (get_u32(in, le, &np) || (size_t)(in->end - in->p) / (8 * dims) < np)
                return -1;
            if ((rc = open_ring(r, k > 0)))
                return rc;
            for (uint32_t q = 0; q < np; q++) {
                double c[4];
                for (int d = 0; d < dims; d++)
                    get_f64(in, le, &c[d]);
                if ((rc = push_point(r, c[0], c[1])))
                    return rc;
            }
            close_ring(r);
        }
        return 0;
    }
    case 4: /* MultiPoint */
    case 6: /* MultiPolygon */
    case 7: { /* GeometryCollection */
        uint32_t ng;
        if (get_u32(in, le, &ng))
            return -1;
        for (uint32_t k = 0; k < ng; k++)
            if ((rc = read_geom(in, r, depth + 1, badtype)))
                return rc;
        return 0;
    }
    default:
        *badtype = t;
        return -2;
    }
}

int aq__wkb_rings(const unsigned char *wkb, size_t len, aq__rings *r, const char **why)
{
    static const char *const names[] = {"", "point", "line string", "polygon", "multipoint",
                                        "multi line string"};
    r->npts = 0;
    r->nrings = 0;
    r->points = 0;
    if (r->start)
        r->start[0] = 0;
    wkbin in = {wkb, wkb + len};
    uint32_t bad = 0;
    int rc = wkb ? read_geom(&in, r, 0, &bad) : -1;
    if (rc == -3)
        return AQ_ENOMEM;
    if (rc == -2) {
        *why = bad < 6 ? names[bad] : "an unsupported geometry type";
        return AQ_EINPUT;
    }
    if (rc == -1) {
        *why = wkb ? "malformed WKB" : "no geometry";
        return AQ_EINPUT;
    }
    if (r->npts == 0) {
        *why = "an empty geometry";
        return AQ_EINPUT;
    }
    for (size_t i = 0; i < 2 * r->npts; i++)
        if (!isfinite(r->xy[i])) {
            *why = "a coordinate that is not a finite number";
            return AQ_EINPUT;
        }
    return AQ_OK;
}

void aq__rings_free(aq__rings *r)
{
    aq__free(r->xy);
    aq__free(r->start);
    aq__free(r->hole);
    memset(r, 0, sizeof *r);
}

/* Centroid of the rings: area-weighted over polygons (exterior rings add,
 * holes subtract, whatever their orientation), the mean of the points for
 * (multi)points, or the mean of the vertices for degenerate polygons of
 * zero area. Coordinates are shifted by the first vertex for accuracy. */
static void ring_centroid(const aq__rings *r, double *cx, double *cy)
{
    double x0 = r->xy[0], y0 = r->xy[1];
    double A = 0, X = 0, Y = 0;
    if (!r->points)
        for (size_t k = 0; k < r->nrings; k++) {
            double a = 0, sx = 0, sy = 0;
            for (size_t p = r->start[k]; p + 1 < r->start[k + 1]; p++) {
                double xa = r->xy[2 * p] - x0, ya = r->xy[2 * p + 1] - y0;
                double xb = r->xy[2 * p + 2] - x0, yb = r->xy[2 * p + 3] - y0;
                double c = xa * yb - xb * ya;
                a += c;
                sx += (xa + xb) * c;
                sy += (ya + yb) * c;
            }
            double sgn = (a < 0) != (r->hole[k] != 0) ? -1 : 1;
            A += sgn * a;
            X += sgn * sx;
            Y += sgn * sy;
        }
    if (r->points || fabs(A) < 1e-300) {
        double mx = 0, my = 0;
        for (size_t p = 0; p < r->npts; p++) {
            mx += r->xy[2 * p] - x0;
            my += r->xy[2 * p + 1] - y0;
        }
        *cx = x0 + mx / (double)r->npts;
        *cy = y0 + my / (double)r->npts;
        return;
    }
    *cx = x0 + X / (3 * A);
    *cy = y0 + Y / (3 * A);
}

int aq_geometry_centroids(aq_ctx *ctx, const unsigned char *const *wkb, const size_t *len,
                          size_t n, double *x, double *y)
{
    aq__rings r = {0};
    for (size_t i = 0; i < n; i++) {
        const char *why = "";
        int rc = aq__wkb_rings(wkb[i], len[i], &r, &why);
        if (rc == AQ_ENOMEM) {
            aq__rings_free(&r);
            return aq__oom(ctx);
        }
        if (rc) {
            aq__rings_free(&r);
            return aq__err(ctx, AQ_EINPUT, "the geometry of row %zu is %s", i + 1, why);
        }
        ring_centroid(&r, &x[i], &y[i]);
    }
    aq__rings_free(&r);
    return AQ_OK;
}

int aq_crs_is_geographic(const char *crs)
{
    if (!crs || !*crs)
        return -1;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs)
        return -1;
    int res = -1;
    if (OSRSetFromUserInput(srs, crs) == OGRERR_NONE)
        res = OSRIsGeographic(srs) ? 1 : 0;
    OSRDestroySpatialReference(srs);
    return res;
}
