/*
 * weights_io.c -- GAL and GWT weights files as GeoDa and PySAL read and
 * write them.
 *
 * GAL: a header line, either "n" (PySAL) or "0 n shapefile idvar" (GeoDa),
 * then for each unit a line "id k" followed by a line with its k neighbour
 * ids. GWT: the same header, then one line "id neighbour weight" per link.
 * Ids are strings (GeoDa writes the values of the id variable), so files are
 * matched to data by id (aq_weights_align), or by position when the file's
 * units come in the data's row order.
 */
#include "spatial_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a token reader over the whole file ---- */

typedef struct toks {
    char *buf;
    size_t len, pos;
    size_t line; /* line of the last token returned */
    int eol;     /* a newline was passed but not yet counted */
    const char *path;
} toks;

static int load_file(aq_ctx *ctx, const char *path, toks *t)
{
    int rc0 = aq__input_regular(ctx, path);
    if (rc0)
        return rc0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot open '%s': %s", path, strerror(errno));
    aq_buf b = {0};
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        aq__buf_append(&b, chunk, got);
    int err = ferror(f);
    fclose(f);
    if (err) {
        aq__buf_free(&b);
        return aq__err(ctx, AQ_EIO, "cannot read '%s'", path);
    }
    if (b.failed) {
        aq__buf_free(&b);
        return aq__oom(ctx);
    }
    memset(t, 0, sizeof *t);
    t->len = b.len;
    t->buf = b.data ? aq__buf_take(&b) : aq__strdup("");
    if (!t->buf)
        return aq__oom(ctx);
    t->line = 1;
    t->path = path;
    return AQ_OK;
}

/* Next token (separated by blanks or commas; NUL-terminated in place), or
 * NULL at the end. With STOP_AT_EOL, returns NULL at the end of the current
 * line instead of moving on to the next. */
static char *next_tok(toks *t, int stop_at_eol, size_t *line)
{
    for (;;) {
        if (t->eol) {
            if (stop_at_eol)
                return NULL;
            t->eol = 0;
            t->line++;
        }
        if (t->pos >= t->len)
            return NULL;
        char c = t->buf[t->pos];
        if (c == '\n') {
            t->eol = 1;
            t->pos++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '\0') {
            t->pos++;
            continue;
        }
        break;
    }
    char *s = t->buf + t->pos;
    while (t->pos < t->len && !strchr(" \t\r\n,", t->buf[t->pos]))
        t->pos++;
    *line = t->line;
    if (t->pos < t->len) {
        if (t->buf[t->pos] == '\n')
            t->eol = 1;
        t->buf[t->pos++] = '\0';
    }
    return s;
}

static int parse_count(const char *s, size_t *v)
{
    char *end;
    errno = 0;
    long long x = strtoll(s, &end, 10);
    if (errno || *end || x < 0)
        return -1;
    *v = (size_t)x;
    return 0;
}

/* ---- id table while reading ---- */

typedef struct idtab {
    char **ids; /* in order of first appearance */
    size_t n, cap;
    /* open-addressing hash: slot -> index + 1 */
    size_t *slot;
    size_t nslot;
} idtab;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int idtab_grow(idtab *t)
{
    size_t ns = t->nslot ? 2 * t->nslot : 1024;
    size_t *slot = aq__calloc(ns, sizeof *slot);
    if (!slot)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t h = hash_str(t->ids[i]) & (ns - 1);
        while (slot[h])
            h = (h + 1) & (ns - 1);
        slot[h] = i + 1;
    }
    aq__free(t->slot);
    t->slot = slot;
    t->nslot = ns;
    return 0;
}

/* Index of ID, adding it when ADD is set; -1 if absent, -2 on no memory. */
static long idtab_get(idtab *t, const char *id, int add)
{
    if (t->nslot == 0 && idtab_grow(t))
        return -2;
    size_t h = hash_str(id) & (t->nslot - 1);
    while (t->slot[h]) {
        if (strcmp(t->ids[t->slot[h] - 1], id) == 0)
            return (long)t->slot[h] - 1;
        h = (h + 1) & (t->nslot - 1);
    }
    if (!add)
        return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 256;
        char **ids = aq__realloc(t->ids, cap * sizeof *ids);
        if (!ids)
            return -2;
        t->ids = ids;
        t->cap = cap;
    }
    if (!(t->ids[t->n] = aq__strdup(id)))
        return -2;
    t->slot[h] = ++t->n;
    if (2 * t->n > t->nslot && idtab_grow(t))
        return -2;
    return (long)t->n - 1;
}

static void idtab_free(idtab *t)
{
    for (size_t i = 0; i < t->n; i++)
        aq__free(t->ids[i]);
    aq__free(t->ids);
    aq__free(t->slot);
}

/* Reads the header line: "n" or "0 n name idvar". */
static int read_header(aq_ctx *ctx, toks *t, size_t *n)
{
    size_t line;
    char *a = next_tok(t, 0, &line);
    if (!a)
        return aq__err(ctx, AQ_EINPUT, "'%s' is empty: expected a header line with the number "
                                       "of units", t->path);
    char *b = next_tok(t, 1, &line);
    const char *cnt = b ? b : a;
    while (b && next_tok(t, 1, &line))
        ;
    if (parse_count(cnt, n) || *n == 0)
        return aq__err(ctx, AQ_EINPUT,
                       "'%s', line 1: '%s' is not a number of units (expected 'n' or "
                       "'0 n shapefile idvar')",
                       t->path, cnt);
    return AQ_OK;
}

/* Builds weights from (origin, neighbour, weight) triples over table ids. */
typedef struct link {
    uint32_t i, j;
    double w;
} link;

static int cmp_link(const void *a, const void *b)
{
    const link *x = a, *y = b;
    if (x->i != y->i)
        return x->i < y->i ? -1 : 1;
    return x->j < y->j ? -1 : x->j > y->j;
}

static int from_links(aq_ctx *ctx, const char *path, idtab *ids, link *l, size_t nl,
                      aq_weights **out)
{
    size_t n = ids->n;
    if (nl)
        qsort(l, nl, sizeof *l, cmp_link);
    for (size_t e = 1; e < nl; e++)
        if (l[e].i == l[e - 1].i && l[e].j == l[e - 1].j)
            return aq__err(ctx, AQ_EINPUT, "'%s': unit '%s' lists neighbour '%s' twice", path,
                           ids->ids[l[e].i], ids->ids[l[e].j]);
    size_t *off = aq__calloc(n + 1, sizeof *off);
    uint32_t *nbr = aq__malloc((nl ? nl : 1) * sizeof *nbr);
    double *w0 = aq__malloc((nl ? nl : 1) * sizeof *w0);
    if (!off || !nbr || !w0) {
        aq__free(off);
        aq__free(nbr);
        aq__free(w0);
        return aq__oom(ctx);
    }
    for (size_t e = 0; e < nl; e++) {
        off[l[e].i + 1]++;
        nbr[e] = l[e].j;
        w0[e] = l[e].w;
    }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    aq_weights *w = NULL;
    int rc = aq__weights_take(ctx, n, off, nbr, w0, &w);
    if (rc == AQ_OK)
        rc = aq_weights_set_ids(ctx, w, (const char *const *)ids->ids);
    if (rc == AQ_OK)
        rc = aq_weights_set_style(ctx, w, AQ_WSTYLE_W);
    if (rc) {
        aq_weights_free(w);
        return rc;
    }
    *out = w;
    return AQ_OK;
}

static int push_link(link **l, size_t *nl, size_t *cap, link x)
{
    if (*nl == *cap) {
        size_t c = *cap ? 2 * *cap : 1024;
        link *v = aq__realloc(*l, c * sizeof *v);
        if (!v)
            return -1;
        *l = v;
        *cap = c;
    }
    (*l)[(*nl)++] = x;
    return 0;
}

static int read_gal(aq_ctx *ctx, toks *t, aq_weights **out)
{
    size_t n, line;
    int rc = read_header(ctx, t, &n);
    if (rc)
        return rc;
    idtab ids = {0};
    link *l = NULL;
    size_t nl = 0, cap = 0;
    /* Two sweeps: the unit ids first (so a neighbour may be listed before
     * its own entry), then the links. */
    size_t start = t->pos, start_line = t->line;
    int start_eol = t->eol;
    for (int sweep = 0; sweep < 2 && rc == AQ_OK; sweep++) {
        t->pos = start;
        t->line = start_line;
        t->eol = start_eol;
        for (size_t u = 0; u < n && rc == AQ_OK; u++) {
            char *id = next_tok(t, 0, &line), *ks = id ? next_tok(t, 1, &line) : NULL;
            size_t k;
            if (!id || !ks || parse_count(ks, &k)) {
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s', line %zu: expected 'id count' for unit %zu of %zu", t->path,
                             line, u + 1, n);
                break;
            }
            long i = idtab_get(&ids, id, sweep == 0);
            if (i == -2) {
                rc = aq__oom(ctx);
                break;
            }
            if (sweep == 0 && (size_t)i != u) {
                rc = aq__err(ctx, AQ_EINPUT, "'%s', line %zu: unit '%s' appears twice", t->path,
                             line, id);
                break;
            }
            for (size_t a = 0; a < k; a++) {
                char *nb = next_tok(t, 0, &line);
                if (!nb) {
                    rc = aq__err(ctx, AQ_EINPUT,
                                 "'%s': unit '%s' should have %zu neighbours, the file ends "
                                 "after %zu",
                                 t->path, id, k, a);
                    break;
                }
                if (sweep == 0)
                    continue;
                long j = idtab_get(&ids, nb, 0);
                if (j < 0) {
                    rc = aq__err(ctx, AQ_EINPUT,
                                 "'%s', line %zu: neighbour '%s' of unit '%s' is not one of the "
                                 "file's units",
                                 t->path, line, nb, id);
                    break;
                }
                if (push_link(&l, &nl, &cap, (link){(uint32_t)i, (uint32_t)j, 1.0})) {
                    rc = aq__oom(ctx);
                    break;
                }
            }
        }
    }
    if (rc == AQ_OK)
        rc = from_links(ctx, t->path, &ids, l, nl, out);
    idtab_free(&ids);
    aq__free(l);
    return rc;
}

static int read_gwt(aq_ctx *ctx, toks *t, aq_weights **out)
{
    size_t n, line;
    int rc = read_header(ctx, t, &n);
    if (rc)
        return rc;
    idtab ids = {0};
    link *l = NULL;
    size_t nl = 0, cap = 0;
    char *a;
    while (rc == AQ_OK && (a = next_tok(t, 0, &line))) {
        char *b = next_tok(t, 1, &line), *c = b ? next_tok(t, 1, &line) : NULL, *end;
        double w = c ? strtod(c, &end) : NAN;
        if (!b || !c || *end || !isfinite(w)) {
            rc = aq__err(ctx, AQ_EINPUT, "'%s', line %zu: expected 'id neighbour weight'",
                         t->path, line);
            break;
        }
        long i = idtab_get(&ids, a, 1), j = i >= 0 ? idtab_get(&ids, b, 1) : i;
        if (i < 0 || j < 0 || push_link(&l, &nl, &cap, (link){(uint32_t)i, (uint32_t)j, w}))
            rc = aq__oom(ctx);
    }
    if (rc == AQ_OK && ids.n > n)
        rc = aq__err(ctx, AQ_EINPUT, "'%s': the header says %zu units but the links name %zu",
                     t->path, n, ids.n);
    if (rc == AQ_OK && ids.n < n)
        aq__warn(ctx,
                 "'%s': the header says %zu units but the links name only %zu; the other %zu "
                 "have no neighbours and no id in the file, so they are left out",
                 t->path, n, ids.n, n - ids.n);
    if (rc == AQ_OK)
        rc = from_links(ctx, t->path, &ids, l, nl, out);
    idtab_free(&ids);
    aq__free(l);
    return rc;
}

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.');
    return dot ? dot + 1 : "";
}

int aq_weights_read(aq_ctx *ctx, const char *path, aq_weights **out)
{
    const char *ext = extension(path);
    int gal = aq__ieq(ext, "gal"), gwt = aq__ieq(ext, "gwt");
    if (!gal && !gwt)
        return aq__err(ctx, AQ_EUSAGE, "'%s': weights files must end in .gal or .gwt", path);
    toks t;
    int rc = load_file(ctx, path, &t);
    if (rc)
        return rc;
    rc = gal ? read_gal(ctx, &t, out) : read_gwt(ctx, &t, out);
    aq__free(t.buf);
    return rc;
}

int aq_weights_write(aq_ctx *ctx, const aq_weights *w, const char *path, const char *idvar)
{
    const char *ext = extension(path);
    int gal = aq__ieq(ext, "gal"), gwt = aq__ieq(ext, "gwt");
    if (!gal && !gwt)
        return aq__err(ctx, AQ_EUSAGE, "'%s': weights files must end in .gal or .gwt", path);
    FILE *f = fopen(path, "w");
    if (!f)
        return aq__err(ctx, AQ_EIO, "cannot create '%s': %s", path, strerror(errno));
    char a[32], b[32];
    fprintf(f, "0 %zu %s %s\n", w->n, "aimaq", idvar && *idvar ? idvar : "id");
    for (size_t i = 0; i < w->n; i++) {
        const char *ii = w->ids ? w->ids[i] : (snprintf(a, sizeof a, "%zu", i + 1), a);
        size_t k = w->off[i + 1] - w->off[i];
        if (gal)
            fprintf(f, "%s %zu\n", ii, k);
        for (size_t e = w->off[i]; e < w->off[i + 1]; e++) {
            uint32_t j = w->nbr[e];
            const char *jj = w->ids ? w->ids[j] : (snprintf(b, sizeof b, "%u", j + 1), b);
            if (gal)
                fprintf(f, "%s%s", e > w->off[i] ? " " : "", jj);
            else
                fprintf(f, "%s %s %.17g\n", ii, jj, w->w0[e]);
        }
        if (gal)
            fputc('\n', f);
    }
    if (fclose(f) != 0)
        return aq__err(ctx, AQ_EIO, "cannot write '%s': %s", path, strerror(errno));
    return AQ_OK;
}
