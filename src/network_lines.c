/*
 * network_lines.c -- a road graph from line geometries (a line file, or the
 * "lines" layer GDAL's OSM driver reads from an .osm.pbf), and the graph
 * back as tables (edges, nodes, a summary).
 *
 * Lines become edges between nodes: a node is every line end and every
 * vertex that two or more lines share (OSM ways meet at shared nodes, not
 * only at their ends). Vertices are matched exactly, or on a grid of
 * `merge` coordinate units to join digitising gaps.
 */
#include "network_int.h"
#include "table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aq_network_opts_init(aq_network_opts *opts)
{
    memset(opts, 0, sizeof *opts);
}

/* ---- WKB lines ---- */

typedef struct wkb {
    const unsigned char *p, *end;
    int swap;
} wkb;

static int rd_u32(wkb *w, uint32_t *v)
{
    if (w->end - w->p < 4)
        return 0;
    unsigned char b[4];
    memcpy(b, w->p, 4);
    if (w->swap)
        for (int i = 0; i < 2; i++) {
            unsigned char t = b[i];
            b[i] = b[3 - i];
            b[3 - i] = t;
        }
    memcpy(v, b, 4);
    w->p += 4;
    return 1;
}

static int rd_f64(wkb *w, double *v)
{
    if (w->end - w->p < 8)
        return 0;
    unsigned char b[8];
    memcpy(b, w->p, 8);
    if (w->swap)
        for (int i = 0; i < 4; i++) {
            unsigned char t = b[i];
            b[i] = b[7 - i];
            b[7 - i] = t;
        }
    memcpy(v, b, 8);
    w->p += 8;
    return 1;
}

/* Calls FN for each part (a LineString) of a LineString/MultiLineString:
 * xy holds 2n coordinates. Returns 0 on a malformed or other geometry. */
typedef int (*part_fn)(void *user, const double *xy, size_t n);

static int header(wkb *w, uint32_t *type, int *dims)
{
    if (w->p >= w->end)
        return 0;
    w->swap = (*w->p++ == 0) == (1 == *(const unsigned char *)&(uint16_t){1});
    if (!rd_u32(w, type))
        return 0;
    uint32_t t = *type;
    int z = 0, m = 0;
    if (t & 0x80000000u)
        z = 1; /* EWKB flags */
    if (t & 0x40000000u)
        m = 1;
    t &= 0x0fffffffu;
    if (t >= 3000)
        z = m = 1, t -= 3000;
    else if (t >= 2000)
        m = 1, t -= 2000;
    else if (t >= 1000)
        z = 1, t -= 1000;
    *type = t;
    *dims = 2 + z + m;
    return 1;
}

static int read_line(wkb *w, int dims, double **buf, size_t *cap, size_t *n)
{
    uint32_t np;
    if (!rd_u32(w, &np) || (size_t)(w->end - w->p) < (size_t)np * 8 * (size_t)dims)
        return 0;
    if (*cap < np) {
        double *nb = aq__realloc(*buf, sizeof *nb * 2 * np);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = np;
    }
    for (uint32_t i = 0; i < np; i++) {
        double skip;
        rd_f64(w, &(*buf)[2 * i]);
        rd_f64(w, &(*buf)[2 * i + 1]);
        for (int d = 2; d < dims; d++)
            rd_f64(w, &skip);
    }
    *n = np;
    return 1;
}

static int each_part(const unsigned char *g, size_t len, part_fn fn, void *user, double **buf,
                     size_t *cap)
{
    wkb w = {g, g + len, 0};
    uint32_t type, nparts = 1;
    int dims;
    if (!header(&w, &type, &dims))
        return 0;
    if (type == 5 && !rd_u32(&w, &nparts))
        return 0;
    if (type != 2 && type != 5)
        return 0;
    for (uint32_t k = 0; k < nparts; k++) {
        if (type == 5) {
            uint32_t pt;
            if (!header(&w, &pt, &dims) || pt != 2)
                return 0;
        }
        size_t n;
        int r = read_line(&w, dims, buf, cap, &n);
        if (r <= 0)
            return r;
        if (n >= 2 && fn(user, *buf, n) < 0)
            return -1;
    }
    return 1;
}

/* ---- vertex map: coordinate -> vertex with a use count ---- */

typedef struct vmap {
    double *x, *y;
    uint32_t *uses, *node; /* node: graph node + 1, 0 = not a node */
    size_t n, cap;
    uint32_t *slots;       /* vertex + 1 */
    size_t nslots;
    double merge;
} vmap;

static uint64_t vhash(double x, double y)
{
    uint64_t a, b;
    memcpy(&a, &x, 8);
    memcpy(&b, &y, 8);
    uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ (b + 0x632BE59BD9B4E019ULL + (a << 6) + (a >> 2));
    return h ^ (h >> 31);
}

static void vkey(const vmap *m, double *x, double *y)
{
    if (m->merge > 0) {
        *x = floor(*x / m->merge + 0.5);
        *y = floor(*y / m->merge + 0.5);
    }
    if (*x == 0)
        *x = 0; /* -0.0 and 0.0 are one place */
    if (*y == 0)
        *y = 0;
}

static int vmap_rehash(vmap *m, size_t nslots)
{
    uint32_t *slots = aq__calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < m->n; i++) {
        double kx = m->x[i], ky = m->y[i];
        vkey(m, &kx, &ky);
        size_t s = vhash(kx, ky) & (nslots - 1);
        while (slots[s])
            s = (s + 1) & (nslots - 1);
        slots[s] = (uint32_t)i + 1;
    }
    aq__free(m->slots);
    m->slots = slots;
    m->nslots = nslots;
    return 0;
}

/* The vertex at (x, y), added when new; -1 when memory ran out. */
static long vmap_get(vmap *m, double x, double y)
{
    if ((m->n + 1) * 2 > m->nslots && vmap_rehash(m, m->nslots ? m->nslots * 2 : 1024))
        return -1;
    double kx = x, ky = y;
    vkey(m, &kx, &ky);
    size_t s = vhash(kx, ky) & (m->nslots - 1);
    for (; m->slots[s]; s = (s + 1) & (m->nslots - 1)) {
        uint32_t i = m->slots[s] - 1;
        double ox = m->x[i], oy = m->y[i];
        vkey(m, &ox, &oy);
        if (ox == kx && oy == ky)
            return (long)i;
    }
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 1024;
        double *nx = aq__realloc(m->x, sizeof *nx * nc);
        if (nx)
            m->x = nx;
        double *ny = nx ? aq__realloc(m->y, sizeof *ny * nc) : NULL;
        if (ny)
            m->y = ny;
        uint32_t *nu = ny ? aq__realloc(m->uses, sizeof *nu * nc) : NULL;
        if (nu)
            m->uses = nu;
        uint32_t *nn = nu ? aq__realloc(m->node, sizeof *nn * nc) : NULL;
        if (!nn)
            return -1;
        m->node = nn;
        m->cap = nc;
    }
    m->x[m->n] = x;
    m->y[m->n] = y;
    m->uses[m->n] = 0;
    m->node[m->n] = 0;
    m->slots[s] = (uint32_t)m->n + 1;
    return (long)m->n++;
}

static void vmap_free(vmap *m)
{
    aq__free(m->x);
    aq__free(m->y);
    aq__free(m->uses);
    aq__free(m->node);
    aq__free(m->slots);
}

/* ---- the two passes ---- */

typedef struct build {
    vmap vm;
    aq_graph *g;
    int geographic;
    double unit_km;
    size_t ecap, ncap;
    /* current line */
    double kmh, minutes, linelen; /* minutes < 0: from speed */
    uint16_t cls;
    int pass;
} build;

static double seglen(const build *b, double x1, double y1, double x2, double y2)
{
    if (b->geographic) {
        aq_graph tmp;
        memset(&tmp, 0, sizeof tmp);
        tmp.geographic = 1;
        return aq__graph_dist(&tmp, x1, y1, x2, y2);
    }
    return hypot(x2 - x1, y2 - y1) * b->unit_km;
}

static int node_of_vertex(build *b, uint32_t vi, uint32_t *node)
{
    if (!b->vm.node[vi]) {
        if (b->g->n == b->ncap) {
            size_t nc = b->ncap ? b->ncap * 2 : 1024;
            double *x = aq__realloc(b->g->x, sizeof *x * nc);
            if (x)
                b->g->x = x;
            double *y = x ? aq__realloc(b->g->y, sizeof *y * nc) : NULL;
            if (!y)
                return -1;
            b->g->y = y;
            b->ncap = nc;
        }
        b->g->x[b->g->n] = b->vm.x[vi];
        b->g->y[b->g->n] = b->vm.y[vi];
        b->vm.node[vi] = (uint32_t)++b->g->n;
    }
    *node = b->vm.node[vi] - 1;
    return 0;
}

static int add_edge(build *b, uint32_t from, uint32_t to, double km)
{
    aq_graph *g = b->g;
    if (g->nedges == b->ecap) {
        size_t nc = b->ecap ? b->ecap * 2 : 4096;
        uint32_t *f = aq__realloc(g->efrom, sizeof *f * nc);
        if (f)
            g->efrom = f;
        uint32_t *t = f ? aq__realloc(g->eto, sizeof *t * nc) : NULL;
        if (t)
            g->eto = t;
        double *m = t ? aq__realloc(g->emin, sizeof *m * nc) : NULL;
        if (m)
            g->emin = m;
        double *l = m ? aq__realloc(g->elen, sizeof *l * nc) : NULL;
        if (l)
            g->elen = l;
        uint16_t *c = l ? aq__realloc(g->eclass, sizeof *c * nc) : NULL;
        if (!c)
            return -1;
        g->eclass = c;
        b->ecap = nc;
    }
    size_t k = g->nedges++;
    g->efrom[k] = from;
    g->eto[k] = to;
    g->elen[k] = km;
    g->eclass[k] = b->cls;
    g->emin[k] = b->minutes >= 0 ? (b->linelen > 0 ? b->minutes * km / b->linelen : b->minutes)
                                 : km / b->kmh * 60.0;
    return 0;
}

static int on_part(void *user, const double *xy, size_t n)
{
    build *b = user;
    if (b->pass == 0) { /* count uses; ends count twice so they are nodes */
        for (size_t i = 0; i < n; i++) {
            long v = vmap_get(&b->vm, xy[2 * i], xy[2 * i + 1]);
            if (v < 0)
                return -1;
            b->vm.uses[v] += (i == 0 || i == n - 1) ? 2 : 1;
        }
        return 0;
    }
    /* pass 1: split at nodes */
    double km = 0;
    uint32_t from = 0;
    for (size_t i = 0; i < n; i++) {
        long v = vmap_get(&b->vm, xy[2 * i], xy[2 * i + 1]);
        if (v < 0)
            return -1;
        if (i > 0)
            km += seglen(b, xy[2 * i - 2], xy[2 * i - 1], xy[2 * i], xy[2 * i + 1]);
        if (b->vm.uses[v] < 2)
            continue;
        uint32_t node;
        if (node_of_vertex(b, (uint32_t)v, &node))
            return -1;
        if (i > 0 && add_edge(b, from, node, km))
            return -1;
        from = node;
        km = 0;
    }
    return 0;
}

static double line_length(const build *b, const double *xy, size_t n)
{
    double km = 0;
    for (size_t i = 1; i < n; i++)
        km += seglen(b, xy[2 * i - 2], xy[2 * i - 1], xy[2 * i], xy[2 * i + 1]);
    return km;
}

static int sum_part(void *user, const double *xy, size_t n)
{
    build *b = user;
    b->linelen += line_length(b, xy, n);
    return 0;
}

/* Guesses degrees for lines without a CRS when every vertex is a lon/lat. */
static int all_lonlat(const aq_table *t, double **buf, size_t *cap)
{
    for (size_t r = 0; r < aq_table_nrows(t); r++) {
        size_t len;
        const unsigned char *g = aq_table_geometry(t, r, &len);
        if (!g)
            continue;
        wkb w = {g, g + len, 0};
        uint32_t type, nparts = 1;
        int dims;
        if (!header(&w, &type, &dims) || (type == 5 && !rd_u32(&w, &nparts)))
            continue;
        for (uint32_t k = 0; k < nparts; k++) {
            uint32_t pt = 2;
            if (type == 5 && !header(&w, &pt, &dims))
                break;
            size_t n;
            if (read_line(&w, dims, buf, cap, &n) <= 0)
                break;
            for (size_t i = 0; i < n; i++)
                if (fabs((*buf)[2 * i]) > 180 || fabs((*buf)[2 * i + 1]) > 90)
                    return 0;
        }
    }
    return 1;
}

int aq_network_from_lines(aq_ctx *ctx, const aq_table *t, const aq_network_opts *opts,
                          aq_graph **out)
{
    aq_network_opts dflt;
    if (!opts) {
        aq_network_opts_init(&dflt);
        opts = &dflt;
    }
    const char *src = aq_table_source(t) ? aq_table_source(t) : "lines";
    long cc = -1, cm = -1;
    if (opts->road_class && (cc = aq_table_find(t, opts->road_class)) < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no road class column '%s'", src, opts->road_class);
    if (!opts->road_class && (cc = aq_table_find(t, "highway")) < 0)
        cc = aq_table_find(t, "class");
    if (opts->minutes && (cm = aq_table_find(t, opts->minutes)) < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: no minutes column '%s'", src, opts->minutes);
    if (cm >= 0 && aq_table_coltype(t, (size_t)cm) != AQ_COL_NUMBER)
        return aq__err(ctx, AQ_EINPUT, "%s: minutes column '%s' holds text", src, opts->minutes);
    build b;
    memset(&b, 0, sizeof b);
    b.vm.merge = opts->merge;
    b.g = aq__graph_alloc(ctx);
    if (!b.g)
        return AQ_ENOMEM;
    b.g->directed = opts->directed != 0;
    double *buf = NULL;
    size_t cap = 0;
    if (aq_table_crs(t)) {
        aq__coord_kind(t, NULL, -1, &b.geographic, &b.unit_km);
    } else {
        b.geographic = all_lonlat(t, &buf, &cap);
        b.unit_km = 0.001; /* a projected file without its .prj: metres */
    }
    b.g->geographic = b.geographic;
    b.g->unit_km = b.unit_km;
    aq__strmap classes = {0};
    size_t ccap = 0, nogeom = 0, badgeom = 0, unclassed = 0;
    double *speed = NULL;
    size_t scap = 0;
    aq_buf unknown = {0};
    int rc = AQ_OK;
    char cbuf[128];
    /* Per row: its class index and speed, or skipped. */
    size_t nrows = aq_table_nrows(t);
    int32_t *rowcls = aq__xmalloc(ctx, sizeof *rowcls * (nrows ? nrows : 1));
    if (!rowcls)
        rc = AQ_ENOMEM;
    for (size_t r = 0; r < nrows && !rc; r++) {
        const char *cls = cc >= 0 ? aq_table_cell(t, (size_t)cc, r, cbuf, sizeof cbuf) : "";
        int64_t ci;
        if (!aq__strmap_get(&classes, cls, &ci)) {
            ci = (int64_t)b.g->nclasses;
            if (ci >= 65535 ||
                aq__grow(ctx, (void **)&b.g->classes, &ccap, b.g->nclasses + 1,
                         sizeof *b.g->classes) ||
                aq__grow(ctx, (void **)&speed, &scap, b.g->nclasses + 1, sizeof *speed) ||
                !(b.g->classes[b.g->nclasses] = aq__strdup(cls)) ||
                aq__strmap_put(&classes, cls, ci)) {
                rc = ci >= 65535 ? aq__err(ctx, AQ_EINPUT, "%s: more than 65535 road classes",
                                           src) : aq__oom(ctx);
                break;
            }
            speed[ci] = aq__speed_of(opts->speeds, *cls ? cls : NULL);
            b.g->nclasses++;
            if (!(speed[ci] > 0) && cm < 0)
                aq__buf_printf(&unknown, "%s'%s'", unknown.len ? ", " : "", cls);
        }
        rowcls[r] = (int32_t)ci;
        if (!(speed[ci] > 0) && (cm < 0 || isnan(aq_table_numbers(t, (size_t)cm)[r]))) {
            rowcls[r] = -1;
            unclassed++;
        }
    }
    for (int pass = 0; pass < 2 && !rc; pass++) {
        b.pass = pass;
        for (size_t r = 0; r < nrows && !rc; r++) {
            size_t len;
            const unsigned char *geom = aq_table_geometry(t, r, &len);
            if (!geom) {
                nogeom += pass == 0;
                continue;
            }
            if (rowcls[r] < 0)
                continue;
            b.cls = (uint16_t)rowcls[r];
            b.kmh = speed[rowcls[r]];
            b.minutes = cm >= 0 && !isnan(aq_table_numbers(t, (size_t)cm)[r])
                            ? aq_table_numbers(t, (size_t)cm)[r] : -1;
            b.linelen = 0;
            if (pass == 1 && b.minutes >= 0)
                each_part(geom, len, sum_part, &b, &buf, &cap);
            int ok = each_part(geom, len, on_part, &b, &buf, &cap);
            if (ok < 0)
                rc = aq__oom(ctx);
            else if (ok == 0 && pass == 0)
                badgeom++;
        }
    }
    if (!rc && nogeom + badgeom == nrows)
        rc = aq__err(ctx, AQ_EINPUT, "%s: no line geometries (%zu rows without geometry, %zu not "
                     "lines); give a line file (GeoJSON, GeoPackage, Shapefile, .osm.pbf)", src,
                     nogeom, badgeom);
    if (!rc && b.g->nedges == 0)
        rc = aq__err(ctx, AQ_EINPUT, "%s: no line has a travel speed, so the network is empty; "
                     "classes without a speed: %s; give them with --speeds", src,
                     unknown.data ? unknown.data : "(none)");
    if (!rc && (unclassed || nogeom || badgeom))
        aq__warn(ctx, "%s: left out %zu line(s) of classes without a speed (%s; set them with "
                 "--speeds), %zu row(s) without geometry, %zu geometrie(s) that are not lines", src,
                 unclassed, unknown.data ? unknown.data : "none", nogeom, badgeom);
    if (!rc)
        rc = aq__graph_build(ctx, b.g, src, NULL);
    aq__buf_free(&unknown);
    aq__strmap_free(&classes);
    aq__free(speed);
    aq__free(rowcls);
    aq__free(buf);
    vmap_free(&b.vm);
    if (rc) {
        aq_graph_free(b.g);
        return rc;
    }
    *out = b.g;
    return AQ_OK;
}

/* ---- the graph as tables ---- */

int aq_graph_edges_table(aq_ctx *ctx, const aq_graph *g, aq_table **out)
{
    aq_table *t = NULL;
    size_t c[5];
    int rc = aq_table_new(ctx, g->nedges, &t);
    int idtype = g->textids ? AQ_COL_TEXT : AQ_COL_NUMBER;
    if (!rc)
        rc = aq_table_add_column(ctx, t, "from", (enum aq_coltype)idtype, &c[0]);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "to", (enum aq_coltype)idtype, &c[1]);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "minutes", AQ_COL_NUMBER, &c[2]);
    if (!rc && g->elen)
        rc = aq_table_add_column(ctx, t, "length_km", AQ_COL_NUMBER, &c[3]);
    if (!rc && g->eclass)
        rc = aq_table_add_column(ctx, t, "class", AQ_COL_TEXT, &c[4]);
    for (size_t k = 0; k < g->nedges && !rc; k++) {
        if (g->textids) {
            rc = aq_table_set_text(ctx, t, c[0], k, g->idtxt[g->efrom[k]]);
            if (!rc)
                rc = aq_table_set_text(ctx, t, c[1], k, g->idtxt[g->eto[k]]);
        } else {
            t->cols[c[0]].num[k] = aq_graph_node_num(g, g->efrom[k]);
            t->cols[c[1]].num[k] = aq_graph_node_num(g, g->eto[k]);
        }
        t->cols[c[2]].num[k] = g->emin[k];
        if (g->elen)
            t->cols[c[3]].num[k] = g->elen[k];
        if (!rc && g->eclass)
            rc = aq_table_set_text(ctx, t, c[4], k, g->classes[g->eclass[k]]);
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq_graph_nodes_table(aq_ctx *ctx, const aq_graph *g, aq_table **out)
{
    uint32_t *comp = aq__xmalloc(ctx, sizeof *comp * (g->n ? g->n : 1));
    if (!comp)
        return AQ_ENOMEM;
    size_t ncomp;
    aq_table *t = NULL;
    size_t c[5];
    int rc = aq_graph_components(ctx, g, comp, &ncomp);
    if (!rc)
        rc = aq_table_new(ctx, g->n, &t);
    if (!rc)
        rc = aq_table_add_column(ctx, t, "node", g->textids ? AQ_COL_TEXT : AQ_COL_NUMBER, &c[0]);
    /* lon/lat for degrees, so that reading the table back knows them */
    const char *names[] = {g->geographic ? "lon" : "x", g->geographic ? "lat" : "y", "degree",
                           "component"};
    for (size_t k = 0; k < 4 && !rc; k++)
        rc = aq_table_add_column(ctx, t, names[k], AQ_COL_NUMBER, &c[k + 1]);
    for (size_t v = 0; v < g->n && !rc; v++) {
        if (g->textids)
            rc = aq_table_set_text(ctx, t, c[0], v, g->idtxt[v]);
        else
            t->cols[c[0]].num[v] = aq_graph_node_num(g, v);
        double x = NAN, y = NAN;
        aq_graph_coords(g, v, &x, &y);
        t->cols[c[1]].num[v] = x;
        t->cols[c[2]].num[v] = y;
        double deg = g->off[v + 1] - g->off[v];
        if (g->directed)
            deg += g->roff[v + 1] - g->roff[v];
        t->cols[c[3]].num[v] = deg;
        t->cols[c[4]].num[v] = comp[v];
    }
    aq__free(comp);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq_graph_summary(aq_ctx *ctx, const aq_graph *g, aq_table **out)
{
    uint32_t *comp = aq__xmalloc(ctx, sizeof *comp * (g->n ? g->n : 1));
    if (!comp)
        return AQ_ENOMEM;
    size_t ncomp = 0, largest = 0;
    int rc = aq_graph_components(ctx, g, comp, &ncomp);
    for (size_t v = 0; v < g->n && !rc; v++)
        largest += comp[v] == 0;
    double km = 0, minutes = 0, zero = 0;
    for (size_t k = 0; k < g->nedges; k++) {
        km += g->elen ? g->elen[k] : 0;
        minutes += g->emin[k];
        zero += g->emin[k] == 0;
    }
    aq__free(comp);
    static const char *const names[] = {"nodes", "edges", "directed", "components",
                                        "largest_component_share", "length_km", "minutes_total",
                                        "zero_minute_edges"};
    double v[] = {(double)g->n, (double)g->nedges, g->directed, (double)ncomp,
                  g->n ? (double)largest / (double)g->n : NAN, g->elen ? km : NAN, minutes, zero};
    aq_table *t = NULL;
    if (!rc)
        rc = aq_table_new(ctx, 1, &t);
    for (size_t k = 0; k < 8 && !rc; k++) {
        rc = aq_table_add_column(ctx, t, names[k], AQ_COL_NUMBER, NULL);
        if (!rc)
            rc = aq_table_set_number(ctx, t, k, 0, v[k]);
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
