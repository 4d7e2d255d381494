/*
 * table_layout.c -- where the table is on a sheet as a statistics office
 * publishes it: title rows and blank rows above the header, a header of
 * one or more rows (merged cells), the body, and footnotes below it.
 *
 * A BNS workbook's sheet reads, from its first row: the title ('Валовой
 * региональный продукт на душу населения1)'), a row holding only the unit
 * of measure (' тыс.тенге', at the far right), the header (a blank corner
 * cell, then 'I квартал 2008 года', ...), the regions, a blank row and the
 * footnotes ('1) расчеты ВРП по кварталам ...'). The reader gives this
 * module the sheet as a grid of text cells with no header; it finds the
 * parts, names the columns from the header rows and returns the body as a
 * table, with the title, unit of measure and footnotes attached to it.
 *
 * The body begins at the first row with a number in it (a row whose only
 * numbers are distinct years is a header of years, not data), or at the
 * rows naming only a unit right above it and under the header. The header
 * is the rows above it that name two or more columns, up to four; a row
 * naming one cell, or a cell and a unit of measure, is a title row. In an
 * upper header row a merged cell's value stands only in its first cell:
 * it is carried right over the blank cells after it, so '2008' over four
 * quarter columns heads all four. The body ends with the last row holding
 * a value; the rows after it are the footnotes. Footnote marks ('1)',
 * '2)', '*', superscript digits) are taken off headers and names.
 */
#include "table.h"

#include <stdio.h>
#include <string.h>

#define MAX_HEADER_ROWS 4

static const char *cell(const aq_table *g, size_t j, size_t i)
{
    const char *s = g->cols[j].txt ? g->cols[j].txt[i] : NULL;
    return s && *s ? s : NULL;
}

static bool is_number(const char *s)
{
    double v;
    size_t n = strlen(s);
    return aq_parse_number(s, n, '.', &v) || aq_parse_number(s, n, ',', &v);
}

static bool is_year(const char *s)
{
    double v;
    return aq_parse_number(s, strlen(s), '.', &v) && v >= 1900 && v <= 2100 && v == (double)(long)v;
}

typedef struct row_kind {
    size_t nonempty, numbers, years, values; /* values: numbers and missing-value marks */
    long first, last;                        /* first and last non-empty column, or -1 */
} row_kind;

static row_kind classify(const aq_table *g, size_t i)
{
    row_kind k = {0, 0, 0, 0, -1, -1};
    for (size_t j = 0; j < g->ncols; j++) {
        const char *s = cell(g, j, i);
        if (!s)
            continue;
        k.nonempty++;
        if (k.first < 0)
            k.first = (long)j;
        k.last = (long)j;
        if (is_number(s)) {
            k.numbers++, k.values++;
            k.years += is_year(s);
        } else if (j > 0 && aq__is_missing_token(s, strlen(s))) {
            k.values++;
        }
    }
    return k;
}

/* Does S name a unit of measure, as a sheet's corner or title says it? */
static bool is_measure(const char *s)
{
    static const char *const words[] = {"тенге", "теңге", "тыс.", "Тыс.", "млн", "Млн", "млрд", "человек", "чел.",
                                        "адам", "процент", "%", "единиц", "бірлік", "тонн", "долл", "USD", "мың",
                                        "Мың", "гектар", "кв.м", "кв. м", NULL};
    if (strlen(s) > 60)
        return false;
    for (int k = 0; words[k]; k++)
        if (strstr(s, words[k]))
            return true;
    return false;
}

/* A title row: one named cell, or a title and a unit of measure. */
static bool is_title_row(const aq_table *g, size_t i, const row_kind *k)
{
    if (k->nonempty <= 1)
        return true;
    if (k->nonempty == 2 && k->numbers == 0) {
        const char *a = cell(g, (size_t)k->first, i), *b = cell(g, (size_t)k->last, i);
        return is_measure(a) || is_measure(b);
    }
    return false;
}

/* Is the UTF-8 character at S a superscript digit (¹ ² ³ ⁰ ⁴..⁹)? Its
 * length, or 0. */
static size_t superscript(const unsigned char *s)
{
    if (s[0] == 0xC2 && (s[1] == 0xB9 || s[1] == 0xB2 || s[1] == 0xB3))
        return 2;
    if (s[0] == 0xE2 && s[1] == 0x81 && (s[2] == 0xB0 || (s[2] >= 0xB4 && s[2] <= 0xB9)))
        return 3;
    return 0;
}

int aq__clean_label(aq_ctx *ctx, const char *s, aq_buf *out)
{
    out->len = 0;
    aq__buf_append(out, "", 0); /* a string even when S cleans to nothing */
    bool space = false;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t sup = superscript(p);
        if (sup) {
            p += sup;
            continue;
        }
        bool nbsp = p[0] == 0xC2 && p[1] == 0xA0;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || nbsp) {
            space = out->len > 0;
            p += nbsp ? 2 : 1;
            continue;
        }
        if (space)
            aq__buf_append(out, " ", 1);
        space = false;
        aq__buf_append(out, (const char *)p++, 1);
    }
    /* Footnote marks at the end: '2)', '1)2)', '*', '**' -- one or two
     * digits and a ')' that closes no '(', or stars. */
    bool open = out->data && memchr(out->data, '(', out->len);
    for (;;) {
        size_t n = out->len;
        const char *d = out->data;
        while (n && d[n - 1] == ' ')
            n--;
        if (n && d[n - 1] == '*') {
            n--;
        } else if (!open && n >= 3 && d[n - 1] == ')' && d[n - 2] >= '0' && d[n - 2] <= '9') {
            n -= 2;
            if (d[n - 1] >= '0' && d[n - 1] <= '9')
                n--;
        } else {
            out->len = n;
            break;
        }
        out->len = n;
    }
    if (out->failed)
        return aq__oom(ctx);
    out->data[out->len] = '\0';
    return AQ_OK;
}

/* The first row of the body: the first row with a number that is not a
 * row of years, at or after FROM; nrows when there is none. */
static size_t first_data_row(const aq_table *g, size_t from)
{
    for (size_t i = from; i < g->nrows; i++) {
        row_kind k = classify(g, i);
        if (k.numbers == 0)
            continue;
        if (k.numbers == k.years && k.numbers >= 2 && k.nonempty - k.numbers <= 1 && i + 1 < g->nrows)
            continue; /* 2008, 2009, ... heading the columns */
        return i;
    }
    return g->nrows;
}

static int set_string(aq_ctx *ctx, char **dst, const char *s)
{
    aq__free(*dst);
    *dst = s ? aq__strdup(s) : NULL;
    return s && !*dst ? aq__oom(ctx) : AQ_OK;
}

/* Names the columns from header rows H0..H1 into NAMES (owned). */
static int header_names(aq_ctx *ctx, const aq_table *g, size_t h0, size_t h1, char **names)
{
    aq_buf b = {0}, c = {0};
    int rc = AQ_OK;
    for (size_t i = h0; i <= h1 && rc == AQ_OK; i++) {
        const char *last = NULL;
        for (size_t j = 0; j < g->ncols; j++) {
            const char *s = cell(g, j, i);
            if (s)
                last = s;
            else if (i < h1 && last && j > 0 && cell(g, j, h1))
                s = last; /* a merged cell of an upper row spans this column */
            if (!s)
                continue;
            if ((rc = aq__clean_label(ctx, s, &c)) != AQ_OK)
                break;
            if (!c.len)
                continue;
            b.len = 0;
            if (names[j])
                aq__buf_printf(&b, "%s ", names[j]);
            aq__buf_puts(&b, c.data);
            if (b.failed || (rc = set_string(ctx, &names[j], b.data)) != AQ_OK) {
                rc = rc ? rc : aq__oom(ctx);
                break;
            }
        }
    }
    for (size_t j = 0; j < g->ncols && rc == AQ_OK; j++)
        if (!names[j]) {
            char nm[32];
            snprintf(nm, sizeof nm, "column %zu", j + 1);
            rc = set_string(ctx, &names[j], nm);
        }
    aq__buf_free(&b);
    aq__buf_free(&c);
    return rc;
}

int aq__table_layout(aq_ctx *ctx, const aq_table *g, const aq__layout_opts *o, aq_table **out, bool *plain)
{
    const char *path = g->source ? g->source : "the sheet";
    size_t nr = g->nrows, skip = o ? o->skip_rows : 0;
    *plain = false;
    if (o && o->header_row && o->header_row > nr)
        return aq__err(ctx, AQ_EINPUT, "'%s' has %zu rows: there is no row %zu to read the header from", path, nr,
                       o->header_row);
    if (skip >= nr)
        return aq__err(ctx, AQ_EINPUT, "'%s' has %zu rows: skipping %zu leaves none", path, nr, skip);
    size_t h0, h1, d0;
    if (o && o->header_row) {
        h0 = h1 = o->header_row - 1;
        d0 = h1 + 1;
    } else {
        d0 = first_data_row(g, skip);
        if (d0 == nr) { /* no numbers: the first non-blank row names the columns */
            for (d0 = skip; d0 < nr && classify(g, d0).nonempty == 0; d0++)
                ;
            if (d0 == nr)
                return aq__err(ctx, AQ_EINPUT, "'%s' is empty: no cells found", path);
            d0++;
        }
        /* Rows naming only a unit right under the header belong to the
         * body: a region's row above its districts. */
        size_t d = d0;
        for (row_kind k; d > skip && (k = classify(g, d - 1)).nonempty == 1 && k.first == 0;)
            d--;
        if (d < d0 && d > skip) {
            row_kind k = classify(g, d - 1);
            if (k.nonempty >= 2 && !is_title_row(g, d - 1, &k))
                d0 = d;
        }
        h1 = d0;
        while (h1 > skip && classify(g, h1 - 1).nonempty == 0)
            h1--; /* blank rows between the header and the body */
        if (h1 == skip)
            return aq__err(ctx, AQ_EINPUT,
                           "'%s' row %zu: the table starts without a header: expected a row naming the columns above "
                           "the first row of numbers (or give --header-row N)",
                           path, d0 + 1);
        h1--;
        row_kind hk = classify(g, h1), dk = classify(g, d0);
        if (is_title_row(g, h1, &hk) && dk.nonempty >= 2) {
            aq_buf tb = {0};
            int rc = aq__clean_label(ctx, cell(g, (size_t)hk.first, h1), &tb);
            if (rc == AQ_OK)
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s' row %zu looks like a title ('%s'), not a header: it names one column, and the "
                             "table below it (from row %zu) has %zu; expected a row naming the columns above the "
                             "first row of numbers (add one, or give --header-row N)",
                             path, g->lines ? g->lines[h1] : h1 + 1, tb.data, g->lines ? g->lines[d0] : d0 + 1,
                             dk.nonempty);
            aq__buf_free(&tb);
            return rc;
        }
        h0 = h1;
        while (h0 > skip && h1 - h0 + 1 < MAX_HEADER_ROWS) {
            row_kind k = classify(g, h0 - 1);
            if (k.nonempty == 0 || is_title_row(g, h0 - 1, &k) || k.numbers > k.years)
                break;
            h0--;
        }
    }
    /* The body ends with the last row holding a value; the rows after it,
     * and blank rows, are not data. */
    size_t d1 = d0;
    for (size_t i = d0; i < nr; i++) {
        row_kind k = classify(g, i);
        if (k.values > 0 && !(k.first == 0 && k.nonempty == 1))
            d1 = i + 1;
    }
    if (d1 == d0 && d0 < nr)
        d1 = nr;
    size_t title_rows = 0;
    for (size_t i = 0; i < h0; i++)
        title_rows += classify(g, i).nonempty > 0;
    size_t note_rows = 0;
    for (size_t i = d1; i < nr; i++)
        note_rows += classify(g, i).nonempty > 0;
    if (!(o && (o->header_row || o->skip_rows)) && h0 == 0 && title_rows == 0 && note_rows == 0) {
        *plain = true; /* a plain table: the reader's own header serves */
        return AQ_OK;
    }

    aq_table *t = NULL;
    char **names = aq__xcalloc(ctx, g->ncols ? g->ncols : 1, sizeof *names);
    aq_buf b = {0}, notes = {0};
    int rc = names ? header_names(ctx, g, h0, h1, names) : AQ_ENOMEM;
    /* Columns with neither a header nor a value in the body are dropped:
     * a sheet's used range often runs past its table. */
    bool *keep = rc == AQ_OK ? aq__xcalloc(ctx, g->ncols ? g->ncols : 1, sizeof *keep) : NULL;
    if (rc == AQ_OK && !keep)
        rc = AQ_ENOMEM;
    for (size_t j = 0; j < g->ncols && rc == AQ_OK; j++) {
        keep[j] = strncmp(names[j], "column ", 7) != 0;
        for (size_t i = d0; i < d1 && !keep[j]; i++)
            keep[j] = cell(g, j, i) != NULL;
    }
    size_t nbody = 0;
    for (size_t i = d0; i < d1; i++)
        nbody += classify(g, i).nonempty > 0;
    if (rc == AQ_OK)
        rc = aq_table_new(ctx, nbody, &t);
    if (rc == AQ_OK)
        rc = aq__table_set_source(ctx, t, path);
    if (rc == AQ_OK)
        rc = aq__table_unique_names(ctx, t, names, g->ncols, keep);
    for (size_t j = 0; j < g->ncols && rc == AQ_OK; j++)
        if (keep[j])
            rc = aq__table_add(ctx, t, names[j], AQ_COL_TEXT, NULL);
    if (rc == AQ_OK && !(t->lines = aq__xmalloc(ctx, sizeof *t->lines * (nbody ? nbody : 1))))
        rc = AQ_ENOMEM;
    size_t r = 0;
    for (size_t i = d0; i < d1 && rc == AQ_OK; i++) {
        if (classify(g, i).nonempty == 0)
            continue; /* a blank row inside the body */
        t->lines[r] = g->lines ? g->lines[i] : i + 1;
        for (size_t j = 0, c = 0; j < g->ncols && rc == AQ_OK; j++) {
            if (!keep[j])
                continue;
            const char *s = cell(g, j, i);
            if (s && !is_number(s)) {
                if ((rc = aq__clean_label(ctx, s, &b)) == AQ_OK)
                    s = b.len ? b.data : NULL;
            }
            if (rc == AQ_OK && s && !(t->cols[c].txt[r] = aq__arena_strndup(&t->arena, s, strlen(s))))
                rc = aq__oom(ctx);
            c++;
        }
        r++;
    }
    /* The title, the unit of measure and the footnotes. */
    char *title = NULL, *measure = NULL;
    for (size_t i = skip; i < h0 && rc == AQ_OK; i++)
        for (size_t j = 0; j < g->ncols && rc == AQ_OK; j++) {
            const char *s = cell(g, j, i);
            if (!s || (rc = aq__clean_label(ctx, s, &b)) != AQ_OK || !b.len)
                continue;
            if (!title && !(is_measure(b.data) && j > 0))
                rc = set_string(ctx, &title, b.data);
            else if (!measure && is_measure(b.data))
                rc = set_string(ctx, &measure, b.data);
        }
    for (size_t i = d1; i < nr && rc == AQ_OK; i++)
        for (size_t j = 0; j < g->ncols; j++) {
            const char *s = cell(g, j, i);
            if (s)
                aq__buf_printf(&notes, "%s%s", notes.len ? "\n" : "", s);
        }
    if (rc == AQ_OK && notes.failed)
        rc = aq__oom(ctx);
    if (rc == AQ_OK) {
        t->title = title, t->measure = measure, title = measure = NULL;
        t->footnotes = notes.len ? aq__buf_take(&notes) : NULL;
        t->header_row = g->lines ? g->lines[h1] : h1 + 1;
    }
    aq__free(title);
    aq__free(measure);
    for (size_t j = 0; names && j < g->ncols; j++)
        aq__free(names[j]);
    aq__free(names);
    aq__free(keep);
    aq__buf_free(&b);
    aq__buf_free(&notes);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
