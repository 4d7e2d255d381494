/*
 * sheet_guard.c -- an XLSX or ODS file is measured before GDAL parses it.
 *
 * A workbook is a zip of XML; 1 MB of it can unpack to gigabytes, and
 * GDAL's XLSX and ODS drivers build a whole sheet in memory (a feature per
 * row, a field per column of the used range), so a small upload could take
 * the server's memory. Here every part of the archive is inflated once,
 * through GDAL's own zip reader (what is counted is what GDAL would see,
 * whatever the archive declares), with a scanner that only looks at tags:
 * the bytes and the cells (each sheet's used range, rows x columns up to
 * its last filled cell, and the shared strings) stop at the context's
 * bounds. The same pass refuses a DOCTYPE (XML entities have no place in a
 * workbook), worksheets that point outside the archive, and notes the
 * XLSX cells whose formula has no saved value (GDAL reads them as missing).
 */
#define _LARGEFILE64_SOURCE 1 /* VSIStatBufL is a struct stat64 */
#include <sys/stat.h>

#include "gdal_in.h"

#include <cpl_string.h>
#include <cpl_vsi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_MAX = 65536, MAX_SHEETS = 1024, SHOW_CELLS = 10 };

enum part_kind { PART_OTHER, PART_XLSX_SHEET, PART_XLSX_STRINGS, PART_XLSX_BOOK, PART_XLSX_RELS, PART_ODS_CONTENT };

typedef struct sheet {
    char *name, *rid, *target; /* workbook order; target = zip entry    */
} sheet;

typedef struct guard {
    aq_ctx *ctx;
    const char *path;     /* the user's name of the file, for messages */
    bool ods;
    uint64_t max_bytes, max_cells, bytes, cells;
    int rc;
    /* the tag scanner */
    enum { S_TEXT, S_TAG, S_COMMENT, S_CDATA, S_PI } state;
    char quote;
    char *tag;
    size_t taglen;
    const char *part; /* the entry being scanned */
    enum part_kind kind;
    /* workbook (XLSX) */
    sheet sheets[MAX_SHEETS];
    size_t nsheets;
    char **rel_id, **rel_target;
    size_t nrels, caprels;
    /* the sheet being scanned: used range and formulas */
    uint64_t row, col, max_row, max_col, rowrep, width;
    bool in_cell, cell_f, cell_v;
    char cell_ref[24];
    bool want_formulas; /* this sheet is the one read */
    size_t nformula;
    char formula_cells[SHOW_CELLS][24];
} guard;

static uint64_t sat_add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t sat_mul(uint64_t a, uint64_t b) { return a && b > UINT64_MAX / a ? UINT64_MAX : a * b; }

static int fail(guard *g, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(guard *g, int code, const char *fmt, ...)
{
    if (g->rc)
        return g->rc;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return g->rc = aq__err(g->ctx, code, "%s", msg);
}

static int too_many_bytes(guard *g)
{
    return fail(g, AQ_ELIMIT,
                "'%s' unpacks to more than %llu MB (the bound on a spreadsheet's unpacked size here); it may be a zip "
                "bomb, or a workbook too large to read whole: split it, or save it as CSV",
                g->path, (unsigned long long)(g->max_bytes >> 20));
}

static int too_many_cells(guard *g)
{
    return fail(g, AQ_ELIMIT,
                "'%s' spans more than %llu cells (rows x columns up to each sheet's last filled cell: the bound on a "
                "spreadsheet here); delete the rows and columns it does not need, or save it as CSV",
                g->path, (unsigned long long)g->max_cells);
}

static void add_cells(guard *g, uint64_t n)
{
    g->cells = sat_add(g->cells, n);
    if (g->cells > g->max_cells)
        too_many_cells(g);
}

/* The value of attribute NAME in the tag text (NAME="..." or NAME='...'),
 * copied into OUT; false when absent. */
static bool attr(const char *tag, size_t len, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    for (size_t i = 1; i + n + 2 < len; i++) {
        if ((tag[i - 1] != ' ' && tag[i - 1] != '\t' && tag[i - 1] != '\n' && tag[i - 1] != '\r') ||
            memcmp(tag + i, name, n) != 0)
            continue;
        size_t j = i + n;
        while (j < len && (tag[j] == ' ' || tag[j] == '\t' || tag[j] == '\n' || tag[j] == '\r'))
            j++;
        if (j >= len || tag[j] != '=')
            continue;
        j++;
        while (j < len && (tag[j] == ' ' || tag[j] == '\t' || tag[j] == '\n' || tag[j] == '\r'))
            j++;
        if (j >= len || (tag[j] != '"' && tag[j] != '\''))
            continue;
        char q = tag[j++];
        size_t k = j;
        while (k < len && tag[k] != q)
            k++;
        size_t m = k - j < size - 1 ? k - j : size - 1;
        memcpy(out, tag + j, m);
        out[m] = '\0';
        return true;
    }
    return false;
}

/* Does the element name of the tag (namespace prefix dropped, as GDAL's
 * XLSX reader does) equal NAME? */
static bool named(const char *tag, size_t len, const char *name, bool strip_prefix)
{
    size_t e = 0;
    while (e < len && tag[e] != ' ' && tag[e] != '\t' && tag[e] != '\n' && tag[e] != '\r' && tag[e] != '/')
        e++;
    size_t s = 0;
    if (strip_prefix)
        for (size_t i = 0; i < e; i++)
            if (tag[i] == ':')
                s = i + 1;
    return e - s == strlen(name) && memcmp(tag + s, name, e - s) == 0;
}

static uint64_t parse_count(const char *s)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    return end == s || v == 0 ? 1 : (uint64_t)v;
}

/* "AB12" -> column 28, row 12 (1-based); false when not a reference. */
static bool cell_ref(const char *r, uint64_t *col, uint64_t *row)
{
    uint64_t c = 0, w = 0;
    const char *p = r;
    for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++)
        c = sat_add(sat_mul(c, 26), (uint64_t)((*p | 0x20) - 'a' + 1));
    for (; *p >= '0' && *p <= '9'; p++)
        w = sat_add(sat_mul(w, 10), (uint64_t)(*p - '0'));
    if (*p || c == 0)
        return false;
    *col = c;
    *row = w;
    return true;
}

static void end_sheet(guard *g)
{
    add_cells(g, sat_mul(g->max_row, g->max_col));
    g->row = g->col = g->max_row = g->max_col = 0;
}

static void xlsx_sheet_tag(guard *g, const char *t, size_t n, bool closing, bool empty)
{
    char v[64];
    if (named(t, n, "row", true) && !closing) {
        uint64_t r;
        g->row = attr(t, n, "r", v, sizeof v) && (r = strtoull(v, NULL, 10)) > 0 ? r : g->row + 1;
        g->col = 0;
    } else if (named(t, n, "c", true) && !closing) {
        uint64_t c = g->col + 1, r = g->row ? g->row : 1;
        g->cell_ref[0] = '\0';
        if (attr(t, n, "r", v, sizeof v)) {
            uint64_t cc, rr;
            if (cell_ref(v, &cc, &rr)) {
                c = cc;
                if (rr)
                    r = g->row = rr;
            }
            snprintf(g->cell_ref, sizeof g->cell_ref, "%.20s", v);
        }
        g->col = c;
        if (c > g->max_col)
            g->max_col = c;
        if (r > g->max_row)
            g->max_row = r;
        if (sat_add(g->cells, sat_mul(g->max_row, g->max_col)) > g->max_cells) /* stop early */
            too_many_cells(g);
        g->in_cell = !empty;
        g->cell_f = g->cell_v = false;
    } else if (g->in_cell && !closing && named(t, n, "f", true)) {
        g->cell_f = true;
    } else if (g->in_cell && !closing && (named(t, n, "v", true) || named(t, n, "is", true))) {
        g->cell_v = true;
    } else if (g->in_cell && closing && named(t, n, "c", true)) {
        g->in_cell = false;
        if (g->cell_f && !g->cell_v && g->want_formulas) {
            if (g->nformula < SHOW_CELLS)
                snprintf(g->formula_cells[g->nformula], sizeof g->formula_cells[0], "%s",
                         g->cell_ref[0] ? g->cell_ref : "?");
            g->nformula++;
        }
    }
}

static void ods_tag(guard *g, const char *t, size_t n, bool closing, bool empty)
{
    char v[64];
    if (named(t, n, "table:table", false)) {
        if (closing)
            end_sheet(g);
        else
            g->row = g->max_row = g->max_col = 0;
    } else if (named(t, n, "table:table-row", false)) {
        if (!closing) {
            g->rowrep = attr(t, n, "table:number-rows-repeated", v, sizeof v) ? parse_count(v) : 1;
            g->col = g->width = 0;
        }
        if (closing || empty) {
            /* A row with a filled cell spans the sheet down to its last
             * repetition; blank repeated rows count only when a filled row
             * follows (GDAL then makes them, as empty features). */
            g->row = sat_add(g->row, g->rowrep);
            if (g->width) {
                g->max_row = g->row;
                if (g->width > g->max_col)
                    g->max_col = g->width;
            }
            if (sat_mul(g->max_row, g->max_col) > g->max_cells)
                too_many_cells(g);
        }
    } else if (!closing && (named(t, n, "table:table-cell", false) || named(t, n, "table:covered-table-cell", false))) {
        uint64_t rep = attr(t, n, "table:number-columns-repeated", v, sizeof v) ? parse_count(v) : 1;
        bool filled = !empty || attr(t, n, "office:value-type", v, sizeof v);
        g->col = sat_add(g->col, rep);
        if (filled)
            g->width = g->col;
    }
}

static void book_tag(guard *g, const char *t, size_t n, bool closing)
{
    char name[512], rid[256];
    if (closing || !named(t, n, "sheet", true) || !attr(t, n, "r:id", rid, sizeof rid))
        return;
    if (g->nsheets == MAX_SHEETS) {
        fail(g, AQ_ELIMIT, "'%s' has more than %d sheets", g->path, MAX_SHEETS);
        return;
    }
    if (!attr(t, n, "name", name, sizeof name))
        snprintf(name, sizeof name, "sheet %zu", g->nsheets + 1);
    sheet *s = &g->sheets[g->nsheets];
    s->name = aq__strdup(name);
    s->rid = aq__strdup(rid);
    if (!s->name || !s->rid) {
        aq__free(s->name);
        aq__free(s->rid);
        s->name = s->rid = NULL;
        g->rc = aq__oom(g->ctx);
        return;
    }
    g->nsheets++;
}

static void rels_tag(guard *g, const char *t, size_t n, bool closing)
{
    char id[256], target[1024];
    if (closing || !named(t, n, "Relationship", true) || !attr(t, n, "Id", id, sizeof id) ||
        !attr(t, n, "Target", target, sizeof target))
        return;
    if (g->nrels == g->caprels) {
        size_t cap = g->caprels;
        if (aq__grow(g->ctx, (void **)&g->rel_id, &cap, g->nrels + 1, sizeof *g->rel_id) ||
            aq__grow(g->ctx, (void **)&g->rel_target, &g->caprels, g->nrels + 1, sizeof *g->rel_target)) {
            g->rc = AQ_ENOMEM;
            return;
        }
    }
    g->rel_id[g->nrels] = aq__strdup(id);
    g->rel_target[g->nrels] = aq__strdup(target);
    if (!g->rel_id[g->nrels] || !g->rel_target[g->nrels]) {
        aq__free(g->rel_id[g->nrels]);
        aq__free(g->rel_target[g->nrels]);
        g->rc = aq__oom(g->ctx);
        return;
    }
    g->nrels++;
}

/* One complete tag, without its angle brackets. */
static void on_tag(guard *g, const char *t, size_t n)
{
    if (n >= 8 && !memcmp(t, "!DOCTYPE", 8)) {
        fail(g, AQ_EINPUT, "'%s' declares a DOCTYPE in '%s': refused (a workbook has no use for XML entities)",
             g->path, g->part);
        return;
    }
    bool closing = n && t[0] == '/', empty = n && t[n - 1] == '/';
    if (closing)
        t++, n--;
    switch (g->kind) {
    case PART_XLSX_SHEET: xlsx_sheet_tag(g, t, n, closing, empty); break;
    case PART_XLSX_STRINGS:
        if (!closing && named(t, n, "si", true))
            add_cells(g, 1);
        break;
    case PART_XLSX_BOOK: book_tag(g, t, n, closing); break;
    case PART_XLSX_RELS: rels_tag(g, t, n, closing); break;
    case PART_ODS_CONTENT: ods_tag(g, t, n, closing, empty); break;
    case PART_OTHER: break;
    }
}

/* Feeds N bytes of XML to the tag scanner. */
static void scan(guard *g, const char *p, size_t n)
{
    for (size_t i = 0; i < n && !g->rc; i++) {
        char c = p[i];
        switch (g->state) {
        case S_TEXT:
            if (c == '<') {
                g->state = S_TAG;
                g->taglen = 0;
                g->quote = 0;
            }
            break;
        case S_TAG:
            if (!g->quote && c == '>') {
                g->state = S_TEXT;
                on_tag(g, g->tag, g->taglen);
                break;
            }
            if (g->taglen == TAG_MAX) {
                fail(g, AQ_EINPUT, "'%s' has a tag longer than %d bytes in '%s': not a spreadsheet aimaq reads",
                     g->path, TAG_MAX, g->part);
                break;
            }
            g->tag[g->taglen++] = c;
            if (g->quote && c == g->quote)
                g->quote = 0;
            else if (!g->quote && (c == '"' || c == '\'') && g->tag[0] != '!' && g->tag[0] != '?')
                g->quote = c;
            if (g->taglen == 3 && !memcmp(g->tag, "!--", 3))
                g->state = S_COMMENT, g->taglen = 0;
            else if (g->taglen == 8 && !memcmp(g->tag, "![CDATA[", 8))
                g->state = S_CDATA, g->taglen = 0;
            else if (g->taglen == 1 && c == '?')
                g->state = S_PI, g->taglen = 0;
            break;
        case S_COMMENT: /* ends at "-->"; taglen counts the dashes seen */
        case S_CDATA:   /* ends at "]]>" */
        case S_PI:      /* ends at "?>" */ {
            char mark = g->state == S_COMMENT ? '-' : g->state == S_CDATA ? ']' : '?';
            size_t need = g->state == S_PI ? 1 : 2;
            if (c == '>' && g->taglen >= need)
                g->state = S_TEXT;
            g->taglen = c == mark ? g->taglen + 1 : 0;
            break;
        }
        }
    }
}

/* Inflates entry NAME of the archive through GDAL's zip reader, scanning
 * it as KIND and counting its bytes against the bound. */
static void scan_part(guard *g, const char *gdal_path, const char *name, enum part_kind kind)
{
    aq_buf p = {0};
    aq__buf_printf(&p, "/vsizip/%s/%s", gdal_path, name);
    VSILFILE *f = p.failed ? NULL : VSIFOpenL(p.data, "rb");
    aq__buf_free(&p);
    if (!f) {
        fail(g, AQ_EINPUT, "'%s' is damaged: its part '%s' cannot be unpacked", g->path, name);
        return;
    }
    g->part = name;
    g->kind = kind;
    g->state = S_TEXT;
    g->in_cell = false;
    char buf[1 << 16];
    size_t got;
    while (!g->rc && (got = VSIFReadL(buf, 1, sizeof buf, f)) > 0) {
        g->bytes = sat_add(g->bytes, got);
        if (g->bytes > g->max_bytes)
            too_many_bytes(g);
        else
            scan(g, buf, got);
    }
    VSIFCloseL(f);
}

static bool is_xml(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && aq__ieq(name + n - 4, ".xml")) || (n > 5 && aq__ieq(name + n - 5, ".rels"));
}

/* The zip entry of a worksheet's relationship target, as GDAL forms it
 * ("/xl/x" and "/x" are both xl/x, anything else is under xl/); NULL (with
 * the error) for a target that could name something outside. */
static char *sheet_entry(guard *g, const sheet *s)
{
    const char *target = NULL;
    for (size_t i = 0; i < g->nrels && !target; i++)
        if (!strcmp(g->rel_id[i], s->rid))
            target = g->rel_target[i];
    if (!target) {
        fail(g, AQ_EINPUT, "'%s' is damaged: sheet '%s' has no part in the workbook", g->path, s->name);
        return NULL;
    }
    if (strstr(target, "..") || strchr(target, '\\') || strchr(target, ':') || strchr(target, '{')) {
        fail(g, AQ_EINPUT, "'%s': sheet '%s' points outside the workbook ('%.100s'): refused", g->path, s->name,
             target);
        return NULL;
    }
    const char *rel = !strncmp(target, "/xl/", 4) ? target + 4 : target[0] == '/' ? target + 1 : target;
    aq_buf b = {0};
    aq__buf_printf(&b, "xl/%s", rel);
    if (b.failed) {
        aq__buf_free(&b);
        g->rc = aq__oom(g->ctx);
        return NULL;
    }
    return aq__buf_take(&b);
}

static void guard_free(guard *g)
{
    for (size_t i = 0; i < g->nsheets; i++) {
        aq__free(g->sheets[i].name);
        aq__free(g->sheets[i].rid);
        aq__free(g->sheets[i].target);
    }
    for (size_t i = 0; i < g->nrels; i++) {
        aq__free(g->rel_id[i]);
        aq__free(g->rel_target[i]);
    }
    aq__free(g->rel_id);
    aq__free(g->rel_target);
    aq__free(g->tag);
}

static bool listed(char **list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (!strcmp(list[i], name))
            return true;
    return false;
}

static void warn_formulas(guard *g, const char *sheet_name)
{
    if (!g->nformula)
        return;
    aq_buf b = {0};
    for (size_t i = 0; i < g->nformula && i < SHOW_CELLS; i++)
        aq__buf_printf(&b, "%s%s", i ? ", " : "", g->formula_cells[i]);
    if (g->nformula > SHOW_CELLS)
        aq__buf_printf(&b, " and %zu more", g->nformula - SHOW_CELLS);
    aq__warn(g->ctx,
             "'%s' sheet '%s': %zu cell%s hold%s a formula without a saved value and %s read as missing: %s; open "
             "the file in Excel or LibreOffice and save it, so that the values are stored",
             g->path, sheet_name, g->nformula, g->nformula == 1 ? "" : "s", g->nformula == 1 ? "s" : "",
             g->nformula == 1 ? "is" : "are", b.data ? b.data : "");
    aq__buf_free(&b);
}

int aq__sheet_guard(aq_ctx *ctx, const char *path, const char *gdal_path, bool ods, const char *layer)
{
    guard g = {.ctx = ctx, .path = path, .ods = ods, .max_bytes = aq__sheet_max_bytes(ctx),
               .max_cells = aq__sheet_max_cells(ctx)};
    if (!(g.tag = aq__malloc(TAG_MAX)))
        return aq__oom(ctx);
    aq_buf root = {0};
    aq__buf_printf(&root, "/vsizip/%s", gdal_path);
    char **list = root.failed ? NULL : VSIReadDirRecursive(root.data);
    /* What the archive declares comes first: an honest bomb is refused
     * before anything is inflated. */
    for (size_t i = 0; list && list[i] && !g.rc; i++) {
        VSIStatBufL st;
        aq_buf e = {0};
        aq__buf_printf(&e, "%s/%s", root.data, list[i]);
        if (!e.failed && VSIStatL(e.data, &st) == 0 && !VSI_ISDIR(st.st_mode)) {
            g.bytes = sat_add(g.bytes, (uint64_t)st.st_size);
            if (g.bytes > g.max_bytes)
                too_many_bytes(&g);
        }
        aq__buf_free(&e);
    }
    aq__buf_free(&root);
    g.bytes = 0;
    const char *label = ods ? "ODS spreadsheet" : "XLSX workbook";
    const char *main_part = ods ? "content.xml" : "xl/workbook.xml";
    if (!g.rc && !listed(list, main_part))
        fail(&g, AQ_EINPUT, "'%s' is not a valid %s file: %s (aimaq reads a file only as the format of its extension)",
             path, label, list ? "its archive has no workbook part" : "it is not a zip archive");
    if (ods) {
        if (!g.rc)
            scan_part(&g, gdal_path, "content.xml", PART_ODS_CONTENT);
    } else {
        if (!g.rc && listed(list, "xl/_rels/workbook.xml.rels"))
            scan_part(&g, gdal_path, "xl/_rels/workbook.xml.rels", PART_XLSX_RELS);
        if (!g.rc)
            scan_part(&g, gdal_path, "xl/workbook.xml", PART_XLSX_BOOK);
        for (size_t i = 0; i < g.nsheets && !g.rc; i++) {
            sheet *s = &g.sheets[i];
            if (!(s->target = sheet_entry(&g, s)))
                break;
            if (!listed(list, s->target)) {
                fail(&g, AQ_EINPUT, "'%s' is damaged: sheet '%s' ('%s') is missing from the archive", path, s->name,
                     s->target);
                break;
            }
            g.want_formulas = layer ? !strcmp(layer, s->name) : i == 0;
            scan_part(&g, gdal_path, s->target, PART_XLSX_SHEET);
            end_sheet(&g);
            if (g.want_formulas && !g.rc)
                warn_formulas(&g, s->name);
            g.want_formulas = false;
        }
        if (!g.rc && listed(list, "xl/sharedStrings.xml"))
            scan_part(&g, gdal_path, "xl/sharedStrings.xml", PART_XLSX_STRINGS);
    }
    /* Every other XML part GDAL may parse (styles, content types): bytes
     * and DOCTYPE only. */
    for (size_t i = 0; list && list[i] && !g.rc; i++) {
        bool done = !strcmp(list[i], "content.xml") || !strcmp(list[i], "xl/workbook.xml") ||
                    !strcmp(list[i], "xl/_rels/workbook.xml.rels") || !strcmp(list[i], "xl/sharedStrings.xml");
        for (size_t k = 0; k < g.nsheets && !done; k++)
            done = g.sheets[k].target && !strcmp(g.sheets[k].target, list[i]);
        if (!done && is_xml(list[i]))
            scan_part(&g, gdal_path, list[i], PART_OTHER);
    }
    CSLDestroy(list);
    int rc = g.rc;
    guard_free(&g);
    return rc;
}
