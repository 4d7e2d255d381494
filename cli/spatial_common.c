/*
 * spatial_common.c -- the shared part of the spatial commands: input,
 * the --weights SPEC, value columns and JSON output.
 */
#include "spatial_common.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sp_opts_init(sp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->permutations = 999;
    o->seed = 12345;
}

int sp_input_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("aimaq: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return AQ_EXIT_INPUT;
}

/* Does the --weights SPEC read the rows' geometries? Not for GAL/GWT
 * files, block weights or points from --x/--y columns. */
static bool needs_geometry(const sp_opts *o)
{
    const char *s = o->weights;
    if (!s)
        return false;
    if (strcmp(s, "queen") == 0 || strcmp(s, "rook") == 0)
        return true;
    size_t sl = strlen(s);
    if (strncmp(s, "block:", 6) == 0 || (sl > 4 && s[sl - 4] == '.'))
        return false;
    return !o->xcol && !o->ycol;
}

/* A label of row I for messages: code and name when the table has them. */
static void row_label(const aq_table *t, size_t i, char *buf, size_t size)
{
    static const char *const names[] = {"name_kk", "name_ru", "name_en", "name", NULL};
    long cc = aq_table_find(t, "code");
    const char *code = cc >= 0 ? aq_table_text(t, (size_t)cc, i) : NULL, *name = NULL;
    for (int k = 0; names[k] && !name; k++) {
        long c = aq_table_find(t, names[k]);
        name = c >= 0 ? aq_table_text(t, (size_t)c, i) : NULL;
    }
    if (code)
        snprintf(buf, size, "%s%s%s", code, name ? " " : "", name ? name : "");
    else
        snprintf(buf, size, "row %zu", aq_table_source_line(t, i));
}

/* The rows of T that have a geometry, as a new table (same columns). */
static int with_geometry(aq_ctx *ctx, const aq_table *t, size_t keep, aq_table **out)
{
    aq_table *r = NULL;
    int rc = aq_table_new(ctx, keep, &r);
    for (size_t c = 0; c < aq_table_ncols(t) && rc == AQ_OK; c++) {
        size_t col;
        rc = aq_table_add_column(ctx, r, aq_table_colname(t, c), (enum aq_coltype)aq_table_coltype(t, c), &col);
        const double *num = aq_table_numbers(t, c);
        for (size_t i = 0, j = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
            size_t len;
            if (!aq_table_geometry(t, i, &len))
                continue;
            rc = num ? aq_table_set_number(ctx, r, col, j, num[i]) : aq_table_set_text(ctx, r, col, j, aq_table_text(t, c, i));
            j++;
        }
    }
    for (size_t i = 0, j = 0; i < aq_table_nrows(t) && rc == AQ_OK; i++) {
        size_t len;
        const unsigned char *g = aq_table_geometry(t, i, &len);
        if (g)
            rc = aq_table_set_geometry(ctx, r, j++, g, len, aq_table_crs(t));
    }
    if (rc) {
        aq_table_free(r);
        return rc;
    }
    *out = r;
    return AQ_OK;
}

int sp_load(aq_ctx *ctx, sp_opts *o, const char *file, aq_table **t)
{
    int rc = cli_input_load(ctx, &o->in, file, t);
    if (rc)
        return cli_fail(ctx, rc);
    size_t n = aq_table_nrows(*t), missing = 0;
    if (!needs_geometry(o))
        return 0;
    for (size_t i = 0; i < n; i++) {
        size_t len;
        missing += aq_table_geometry(*t, i, &len) == NULL;
    }
    if (missing == 0 || missing == n)
        return 0; /* none, or all: the weights say what they need */
    /* name the first few; the full list is one export away */
    fprintf(stderr, "aimaq: %s: %zu of %zu units have no geometry:", o->skip_missing_geometry ? "note" : "error",
            missing, n);
    for (size_t i = 0, shown = 0; i < n && shown < 10; i++) {
        size_t len;
        char label[512];
        if (aq_table_geometry(*t, i, &len))
            continue;
        row_label(*t, i, label, sizeof label);
        fprintf(stderr, "%s %s", shown ? "," : "", label);
        shown++;
    }
    if (missing > 10)
        fprintf(stderr, " and %zu more", missing - 10);
    if (!o->skip_missing_geometry) {
        fprintf(stderr, "; give --skip-missing-geometry to leave them out\n");
        return AQ_EXIT_INPUT;
    }
    fprintf(stderr, "; left out (--skip-missing-geometry): the analysis covers the other %zu\n", n - missing);
    aq_table *kept = NULL;
    if ((rc = with_geometry(ctx, *t, n - missing, &kept)))
        return cli_fail(ctx, rc);
    aq_table_free(*t);
    *t = kept;
    return 0;
}

int sp_column(aq_ctx *ctx, const aq_table *t, const char *name, const double **v)
{
    if (aq_table_number_column(ctx, t, name, v) == AQ_OK)
        return 0;
    sp_input_error("%s", aq_errmsg(ctx));
    return -1;
}

const char *sp_id(const aq_table *t, const sp_opts *o, size_t i, char *buf, size_t size)
{
    long c = o->id ? aq_table_find(t, o->id) : -1;
    if (c >= 0) {
        const char *s = aq_table_cell(t, (size_t)c, i, buf, size);
        if (*s)
            return s;
    }
    snprintf(buf, size, "%zu", i + 1);
    return buf;
}

/* ---- weights from a SPEC ---- */

static int parse_style(const char *s, int *style)
{
    if (!s || strlen(s) != 1 || !strchr("OBWCVR", s[0] & ~0x20))
        return cli_usage_error("--style must be W, B, C, V or O, not '%s'", s ? s : "");
    int c = s[0] & ~0x20;
    *style = c == 'R' ? 'W' : c;
    return 0;
}

static int parse_kernel(const char *s, size_t len, enum aq_kernel *k)
{
    static const char *const names[] = {"triangular", "uniform", "quadratic", "quartic",
                                        "gaussian"};
    for (int i = 0; i < 5; i++)
        if (strlen(names[i]) == len && strncmp(s, names[i], len) == 0) {
            *k = (enum aq_kernel)(AQ_KERNEL_TRIANGULAR + i);
            return 0;
        }
    return -1;
}

/* The ids of T's --id column as strings (the array and strings allocated). */
static char **table_ids(const aq_table *t, const sp_opts *o)
{
    size_t n = aq_table_nrows(t);
    char **ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        char buf[256];
        long c = aq_table_find(t, o->id);
        const char *s = aq_table_cell(t, (size_t)c, i, buf, sizeof buf);
        ids[i] = *s ? strdup(s) : NULL;
    }
    return ids;
}

static void free_ids(char **ids, size_t n)
{
    if (!ids)
        return;
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* Point coordinates: --x/--y columns, else geometry centroids. */
static int points(aq_ctx *ctx, const sp_opts *o, const aq_table *t, double **x, double **y,
                  enum aq_metric *metric)
{
    size_t n = aq_table_nrows(t);
    *x = malloc((n ? n : 1) * sizeof **x);
    *y = malloc((n ? n : 1) * sizeof **y);
    if (!*x || !*y)
        return cli_usage_error("out of memory");
    int geographic = -1;
    const char *xcol = o->xcol, *ycol = o->ycol;
    size_t glen;
    if (!xcol && !ycol && !(n && aq_table_geometry(t, 0, &glen)) && !aq_table_crs(t)) {
        /* A table of points without geometries: its coordinate columns, by
         * their usual names, as GDAL's CSV driver finds them. */
        static const char *const pairs[][2] = {{"x", "y"}, {"lon", "lat"}, {"lng", "lat"},
                                               {"longitude", "latitude"}, {"long", "lat"}};
        for (size_t k = 0; k < sizeof pairs / sizeof pairs[0] && !xcol; k++)
            if (aq_table_find(t, pairs[k][0]) >= 0 && aq_table_find(t, pairs[k][1]) >= 0) {
                xcol = aq_table_colname(t, (size_t)aq_table_find(t, pairs[k][0]));
                ycol = aq_table_colname(t, (size_t)aq_table_find(t, pairs[k][1]));
            }
        if (xcol)
            fprintf(stderr, "aimaq: points from the columns '%s' (x) and '%s' (y); give --x and --y to choose others\n",
                    xcol, ycol);
    }
    if (xcol || ycol) {
        const double *xv, *yv;
        if (!xcol || !ycol)
            return cli_usage_error("give both --x and --y");
        if (sp_column(ctx, t, xcol, &xv) || sp_column(ctx, t, ycol, &yv))
            return AQ_EXIT_INPUT;
        memcpy(*x, xv, n * sizeof **x);
        memcpy(*y, yv, n * sizeof **y);
        const char *xn = xcol;
        geographic = strncmp(xn, "lon", 3) == 0 || strncmp(xn, "lng", 3) == 0 ? 1 : 0;
    } else {
        const unsigned char **g = malloc((n ? n : 1) * sizeof *g);
        size_t *len = malloc((n ? n : 1) * sizeof *len);
        if (!g || !len) {
            free(g);
            free(len);
            return cli_usage_error("out of memory");
        }
        for (size_t i = 0; i < n; i++)
            g[i] = aq_table_geometry(t, i, &len[i]);
        int rc = n && !g[0] && !aq_table_crs(t) ? -2 : aq_geometry_centroids(ctx, g, len, n, *x, *y);
        free(g);
        free(len);
        if (rc == -2) {
            fprintf(stderr, "aimaq: error: the input has no geometries; give --x and --y "
                            "columns for point weights\n");
            return AQ_EXIT_INPUT;
        }
        if (rc)
            return cli_fail(ctx, rc);
        geographic = aq_crs_is_geographic(aq_table_crs(t));
    }
    if (o->metric) {
        if (strcmp(o->metric, "sphere") == 0)
            geographic = 1;
        else if (strcmp(o->metric, "planar") == 0)
            geographic = 0;
        else
            return cli_usage_error("--metric must be planar or sphere, not '%s'", o->metric);
    }
    *metric = geographic == 1 ? AQ_METRIC_SPHERE : AQ_METRIC_PLANAR;
    return 0;
}

/* Parses a positive number after a prefix. */
static int spec_number(const char *s, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return errno || end == s || (*end && *end != ':') ? -1 : 0;
}

/* Builds the weights; returns 0 or an exit code (message printed). */
static int build(aq_ctx *ctx, const sp_opts *o, const aq_table *t, aq_weights **w)
{
    const char *s = o->weights;
    size_t n = aq_table_nrows(t);
    int rc = AQ_OK;
    if (!s)
        return cli_usage_error("give --weights SPEC (%s)", SP_WEIGHTS_HELP);
    size_t sl = strlen(s);
    if (sl > 4 && (strcmp(s + sl - 4, ".gal") == 0 || strcmp(s + sl - 4, ".gwt") == 0 ||
                   strcmp(s + sl - 4, ".GAL") == 0 || strcmp(s + sl - 4, ".GWT") == 0)) {
        aq_weights *f = NULL;
        if ((rc = aq_weights_read(ctx, s, &f)))
            return cli_fail(ctx, rc);
        if (o->id) {
            char **ids = table_ids(t, o);
            if (!ids)
                return cli_usage_error("out of memory");
            rc = aq_weights_align(ctx, f, (const char *const *)ids, n, w);
            free_ids(ids, n);
            aq_weights_free(f);
            return rc ? cli_fail(ctx, rc) : 0;
        }
        if (aq_weights_n(f) != n) {
            aq_weights_free(f);
            fprintf(stderr,
                    "aimaq: error: '%s' has %zu units but the input has %zu rows; give --id COL "
                    "to match them by id\n",
                    s, aq_weights_n(f), n);
            return AQ_EXIT_INPUT;
        }
        *w = f; /* by position: the file's units in the input's row order */
        return 0;
    }
    if (strcmp(s, "queen") == 0 || strcmp(s, "rook") == 0) {
        const unsigned char **g = malloc((n ? n : 1) * sizeof *g);
        size_t *len = malloc((n ? n : 1) * sizeof *len);
        if (!g || !len) {
            free(g);
            free(len);
            return cli_usage_error("out of memory");
        }
        for (size_t i = 0; i < n; i++)
            g[i] = aq_table_geometry(t, i, &len[i]);
        rc = aq_weights_contiguity(ctx, g, len, n, s[0] == 'r', o->snap, w);
        free(g);
        free(len);
        return rc ? cli_fail(ctx, rc) : 0;
    }
    if (strncmp(s, "block:", 6) == 0) {
        long c = aq_table_find(t, s + 6);
        if (c < 0)
            return sp_input_error("no column '%s' for block weights", s + 6);
        const char **grp = malloc((n ? n : 1) * sizeof *grp);
        char (*bufs)[64] = malloc((n ? n : 1) * sizeof *bufs);
        if (!grp || !bufs) {
            free(grp);
            free(bufs);
            return cli_usage_error("out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            const char *v = aq_table_cell(t, (size_t)c, i, bufs[i], sizeof bufs[i]);
            grp[i] = *v ? v : NULL;
        }
        rc = aq_weights_block(ctx, grp, n, w);
        free(grp);
        free(bufs);
        return rc ? cli_fail(ctx, rc) : 0;
    }
    double *x = NULL, *y = NULL;
    enum aq_metric metric = AQ_METRIC_PLANAR;
    double a = 0, b = 0;
    const char *colon;
    int ex = 0;
    if (strncmp(s, "knn:", 4) == 0) {
        if (spec_number(s + 4, &a) || a < 1)
            return cli_usage_error("--weights knn:K needs a whole number K >= 1, not '%s'", s);
        if (!(ex = points(ctx, o, t, &x, &y, &metric)))
            rc = aq_weights_knn(ctx, x, y, n, metric, (size_t)a, w);
    } else if (strncmp(s, "band:", 5) == 0 || strncmp(s, "idw:", 4) == 0) {
        int idw = s[0] == 'i';
        const char *p = s + (idw ? 4 : 5);
        if (spec_number(p, &a) || !(a > 0))
            return cli_usage_error("--weights %s needs a positive distance, not '%s'",
                                   idw ? "idw:D" : "band:D", s);
        b = idw ? -1 : 0;
        if (idw && (colon = strchr(p, ':')) && (spec_number(colon + 1, &b) || b >= 0))
            return cli_usage_error("--weights idw:D:ALPHA needs a negative power, not '%s'", s);
        if (!(ex = points(ctx, o, t, &x, &y, &metric)))
            rc = aq_weights_band(ctx, x, y, n, metric, a, b, w);
    } else if (strncmp(s, "kernel:", 7) == 0) {
        const char *fn = s + 7;
        colon = strchr(fn, ':');
        enum aq_kernel k;
        if (!colon || parse_kernel(fn, (size_t)(colon - fn), &k))
            return cli_usage_error("--weights kernel:FN:BW or kernel:FN:kK, FN one of "
                                   "triangular, uniform, quadratic, quartic, gaussian; not '%s'",
                                   s);
        int adaptive = colon[1] == 'k';
        if (spec_number(colon + 1 + adaptive, &a) || !(a > 0))
            return cli_usage_error("--weights %s: the bandwidth or k must be positive", s);
        if (!(ex = points(ctx, o, t, &x, &y, &metric)))
            rc = aq_weights_kernel(ctx, x, y, n, metric, k, adaptive ? 0 : a,
                                   adaptive ? (size_t)a : 0, w);
    } else {
        return cli_usage_error("unknown --weights '%s'; use %s", s, SP_WEIGHTS_HELP);
    }
    free(x);
    free(y);
    if (ex)
        return ex;
    return rc ? cli_fail(ctx, rc) : 0;
}

int sp_weights(aq_ctx *ctx, const sp_opts *o, const aq_table *t, int default_style,
               aq_weights **w)
{
    int style = default_style, ex;
    if (o->style && (ex = parse_style(o->style, &style)))
        return ex;
    if (o->id && aq_table_find(t, o->id) < 0)
        return sp_input_error("no id column '%s' in the input", o->id);
    aq_weights *b = NULL;
    if ((ex = build(ctx, o, t, &b)))
        return ex;
    int rc = AQ_OK;
    if (o->order > 1) {
        aq_weights *h = NULL;
        rc = aq_weights_higher_order(ctx, b, (int)o->order, 0, &h);
        aq_weights_free(b);
        b = h;
    }
    if (rc == AQ_OK && o->id && !aq_weights_id(b, 0)) {
        size_t n = aq_table_nrows(t);
        char **ids = table_ids(t, o);
        rc = ids ? aq_weights_set_ids(ctx, b, (const char *const *)ids) : AQ_ENOMEM;
        free_ids(ids, n);
    }
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, b, style);
    if (rc) {
        aq_weights_free(b);
        return cli_fail(ctx, rc);
    }
    *w = b;
    return 0;
}

/* ---- JSON ---- */

void sp_json_begin(sp_json *j, FILE *f)
{
    j->f = f;
    j->count = 0;
    fputs("{", f);
}

static void key(sp_json *j, const char *k)
{
    fprintf(j->f, "%s\n  \"%s\": ", j->count++ ? "," : "", k);
}

static void num(FILE *f, double v)
{
    char buf[32];
    if (isfinite(v)) {
        aq_format_double(v, buf);
        fputs(buf, f);
    } else
        fputs("null", f);
}

void sp_json_num(sp_json *j, const char *k, double v)
{
    key(j, k);
    num(j->f, v);
}

void sp_json_str(sp_json *j, const char *k, const char *v)
{
    key(j, k);
    fputc('"', j->f);
    for (; *v; v++) {
        if (*v == '"' || *v == '\\')
            fputc('\\', j->f);
        fputc(*v, j->f);
    }
    fputc('"', j->f);
}

void sp_json_array(sp_json *j, const char *k, const double *v, size_t n, size_t cols)
{
    key(j, k);
    fputc('[', j->f);
    for (size_t i = 0; i < n; i++) {
        if (cols && i % cols == 0)
            fputs(i ? "], [" : "[", j->f);
        else if (i)
            fputs(", ", j->f);
        num(j->f, v[i]);
    }
    if (cols && n)
        fputc(']', j->f);
    fputc(']', j->f);
}

void sp_json_cube(sp_json *j, const char *k, const double *v, size_t m, size_t kk)
{
    key(j, k);
    fputc('[', j->f);
    for (size_t l = 0; l < m; l++) {
        fputs(l ? ",\n    [" : "\n    [", j->f);
        for (size_t i = 0; i < kk * kk; i++) {
            fputs(i % kk == 0 ? (i ? "], [" : "[") : ", ", j->f);
            num(j->f, v[l * kk * kk + i]);
        }
        fputs("]]", j->f);
    }
    fputc(']', j->f);
}

void sp_json_end(sp_json *j) { fputs("\n}\n", j->f); }

FILE *sp_open_output(aq_ctx *ctx, const char *output, int *rc)
{
    (void)ctx;
    *rc = 0;
    if (!output || strcmp(output, "-") == 0)
        return stdout;
    FILE *f = fopen(output, "w");
    if (!f) {
        fprintf(stderr, "aimaq: error: cannot create '%s': %s\n", output, strerror(errno));
        *rc = AQ_EXIT_INPUT;
    }
    return f;
}
