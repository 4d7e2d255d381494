/*
 * csv.c -- aimaq's own reader of delimited text (CSV, semicolon, tab).
 *
 * Why not GDAL's CSV driver: planners' files use decimal commas and
 * thousands separators ('1 234,5'), arrive in legacy encodings, and are
 * large; GDAL reads them as text, one feature at a time. This reader maps the
 * file, detects the delimiter and each column's type and decimal mark from
 * the first rows, then parses all rows straight into column arrays, split
 * across threads when the file has no quoted fields (a quoted field may hold
 * a newline, so only then can a chunk boundary be found without a scan).
 *
 * Types are decided from a sample and confirmed by the full pass. Text in a
 * number column is a bad cell, noted with its text (aq_table_notes) as the
 * missing-value markers are, so that one typo never turns a column of
 * numbers into text; only a column that turns out to be mostly text is
 * read again as text. A number in the other decimal style makes the pass
 * run again with that column's mark changed when nothing had decided it,
 * or stops with a message naming both styles. A column whose values all
 * read both ways ('2.500') takes the file's mark (file_decimal) and the
 * reader says so: a number is never multiplied by 1000 without a word.
 */
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define SNIFF_ROWS 1000
#define MAX_COLS 4096

typedef struct field {
    const char *s;
    size_t n;
    bool quoted;
} field;

typedef struct csv_src {
    const char *path;
    const char *data; /* UTF-8 text after the BOM */
    size_t len;
    void *map;
    size_t maplen;
    char *converted;  /* owned copy when the file was converted from another encoding */
    char delim;
    bool has_quotes;
    bool lone_cr;     /* some line ends are a CR alone (Excel for Mac's "CSV (Macintosh)") */
    const char *nul;  /* the first NUL byte, found by the UTF-8 check, or NULL */
    char user_decimal; /* the decimal mark the caller gave (--decimal), or 0 */
    char file_decimal; /* for columns no value decides (file_decimal), or 0 */
    const char *decimal_why; /* ... and why, for the warning */
    bool *warned;     /* per column: its ambiguity was reported (batches) */
    size_t ncols;
    char **names;
    enum aq_coltype *types;
    long *slot;       /* per column: its index in the table, or -1 when not kept */
    char *decimal;    /* per column */
    bool *decimal_fixed; /* the user or the data settled the decimal mark */
    size_t body;      /* offset of the first data line */
    size_t body_line; /* its line number (1-based) */
} csv_src;

/* Where a full pass found a value that contradicts a column's type. */
typedef struct conflict {
    size_t col, line;
    bool other_decimal; /* the value is a number with the other decimal mark */
    char token[64];
} conflict;

/* What a chunk saw of one column. */
typedef struct colstat {
    size_t good, bad;    /* numbers read; bad cells (text) */
    size_t amb_line;     /* the first value that reads both ways, or 0 */
    char amb_tok[24];
} colstat;

typedef struct chunk {
    const char *start, *end;
    size_t row0, nrows, line0;
    aq__arena arena;
    /* results */
    colstat *stat;       /* per file column */
    aq_cell_note *notes; /* marked and bad cells, in order */
    size_t nnotes, capnotes;
    int rc;
    size_t bad_line, bad_fields;
    size_t bad_open; /* 1-based field whose opening quote is never closed, or 0 */
    bool has_conflict;
    conflict first; /* the first conflict of this chunk */
} chunk;

/* ---- scanning ---- */

/* Parses one record starting at p. Fields go to f[0..max-1] (quoted fields
 * are unescaped into *scratch, which the caller provides and frees). Returns
 * the position after the record's line end and adds the newlines consumed to
 * *lines. *nf receives the field count (may exceed max: extra fields are
 * counted, not stored). When OPEN is not NULL, *open receives the 1-based
 * number of a quoted field whose closing quote never comes (it then holds
 * the rest of the file), or 0. */
static const char *parse_record(const csv_src *src, const char *p, const char *end, field *f,
                                size_t max, size_t *nf, aq_buf *scratch, size_t *lines, size_t *open)
{
    size_t k = 0;
    if (open)
        *open = 0;
    char d = src->delim;
    scratch->len = 0;
    for (;;) {
        const char *s = p;
        field cur = {0};
        if (src->has_quotes && p < end && *p == '"') {
            /* Quoted: copy with "" unescaped; positions are kept as offsets
             * because the scratch buffer may move while it grows. */
            size_t off = scratch->len;
            p++;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (!q) { /* unterminated: take the rest, and say so */
                    if (open && !*open)
                        *open = k + 1;
                    aq__buf_append(scratch, p, (size_t)(end - p));
                    for (const char *t = p; t < end; t++)
                        *lines += *t == '\n';
                    p = end;
                    break;
                }
                for (const char *t = p; t < q; t++)
                    *lines += *t == '\n';
                aq__buf_append(scratch, p, (size_t)(q - p));
                if (q + 1 < end && q[1] == '"') {
                    aq__buf_append(scratch, "\"", 1);
                    p = q + 2;
                    continue;
                }
                p = q + 1;
                break;
            }
            /* Text after the closing quote up to the delimiter is kept. */
            const char *t = p;
            while (t < end && *t != d && *t != '\n' && *t != '\r')
                t++;
            aq__buf_append(scratch, p, (size_t)(t - p));
            p = t;
            cur.s = (const char *)(uintptr_t)off; /* resolved below */
            cur.n = scratch->len - off;
            cur.quoted = true;
        } else {
            while (p < end && *p != d && *p != '\n' && *p != '\r')
                p++;
            cur.s = s;
            cur.n = (size_t)(p - s);
        }
        if (k < max)
            f[k] = cur;
        k++;
        if (p < end && *p == d) {
            p++;
            continue;
        }
        break;
    }
    /* Resolve quoted fields' offsets now that the scratch buffer is final. */
    for (size_t i = 0; i < k && i < max; i++)
        if (f[i].quoted)
            f[i].s = scratch->data + (uintptr_t)f[i].s;
    if (p < end && *p == '\r')
        p++;
    if (p < end && *p == '\n') {
        p++;
        (*lines)++;
    }
    *nf = k;
    return p;
}

/* Skips blank lines (only \r or nothing) at p, counting them. */
static const char *skip_blank(const char *p, const char *end, size_t *lines)
{
    while (p < end) {
        const char *q = p;
        while (q < end && (*q == '\r' || *q == ' ' || *q == '\t'))
            q++;
        if (q < end && *q != '\n')
            break;
        p = q < end ? q + 1 : q;
        (*lines)++;
    }
    return p;
}

/* Copies at most SIZE-1 bytes of S (N bytes) to DST for a message, cut at
 * a character boundary so the message stays UTF-8. */
static void quote_token(char *dst, size_t size, const char *s, size_t n)
{
    if (n >= size) {
        n = size - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* '0123' is an identifier, not one hundred and twenty-three. */
static bool leading_zero_code(const char *s, size_t n)
{
    return n > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9';
}

/* ---- detection ---- */

static char detect_delimiter(const char *p, const char *end)
{
    static const char cands[] = {';', '\t', ',', '|'};
    size_t counts[4][5] = {{0}};
    int nlines = 0;
    bool inq = false;
    while (p < end && nlines < 5) {
        char c = *p++;
        if (c == '"')
            inq = !inq;
        else if (!inq && c == '\n')
            nlines++;
        else if (!inq)
            for (int i = 0; i < 4; i++)
                counts[i][nlines] += c == cands[i];
    }
    if (p >= end && nlines < 5)
        nlines++;
    /* The delimiter occurs the same number of times on every line; among
     * those, prefer the one that splits the header most. */
    int best = -1;
    for (int i = 0; i < 4; i++) {
        if (!counts[i][0])
            continue;
        bool consistent = true;
        for (int l = 1; l < nlines; l++)
            if (counts[i][l] != counts[i][0])
                consistent = false;
        if (consistent && (best < 0 || counts[i][0] > counts[best][0]))
            best = i;
    }
    if (best < 0)
        for (int i = 0; i < 4; i++)
            if (counts[i][0] && (best < 0 || counts[i][0] > counts[best][0]))
                best = i;
    return best < 0 ? ',' : cands[best];
}

static bool forced_text(const aq_read_opts *opts, const char *name)
{
    if (opts && opts->text_columns) {
        for (const char *const *t = opts->text_columns; *t; t++)
            if (aq__ieq(*t, name))
                return true;
        return false;
    }
    return aq__is_code_column(name);
}

/* Keeps only the columns the caller asked for: a million-row table of 27
 * columns read for one measure needs two of them in memory. */
static int choose_columns(aq_ctx *ctx, csv_src *src, const aq_read_opts *opts)
{
    long next = 0;
    for (size_t j = 0; j < src->ncols; j++)
        src->slot[j] = -1;
    if (!opts || !opts->columns) {
        for (size_t j = 0; j < src->ncols; j++)
            src->slot[j] = next++;
        return AQ_OK;
    }
    for (const char *const *c = opts->columns; *c; c++) {
        size_t j = 0;
        while (j < src->ncols && strcmp(src->names[j], *c) != 0)
            j++;
        if (j == src->ncols) {
            j = 0;
            while (j < src->ncols && !aq__ieq(src->names[j], *c))
                j++;
        }
        if (j == src->ncols) {
            aq_buf b = {0};
            for (size_t k = 0; k < src->ncols; k++)
                aq__buf_printf(&b, "%s%s", k ? ", " : "", src->names[k]);
            int rc = aq__err(ctx, AQ_ENOTFOUND, "'%s' has no column '%s'; its columns are %s", src->path, *c,
                             b.data ? b.data : "");
            aq__buf_free(&b);
            return rc;
        }
        if (src->slot[j] < 0)
            src->slot[j] = next++;
    }
    for (const char *const *c = opts->optional_columns; c && *c; c++)
        for (size_t j = 0; j < src->ncols; j++)
            if (src->slot[j] < 0 && aq__ieq(src->names[j], *c))
                src->slot[j] = next++;
    return AQ_OK;
}

static int read_header(aq_ctx *ctx, csv_src *src, const aq_read_opts *opts)
{
    const char *p = src->data, *end = src->data + src->len;
    size_t lines = 0;
    /* --header-row N / --skip-rows N: the lines above the header (a
     * bulletin's title) are passed over whole. */
    size_t skip = opts && opts->header_row ? opts->header_row - 1 : opts ? opts->skip_rows : 0;
    for (; skip && p < end; skip--, lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    p = skip_blank(p, end, &lines);
    if (p >= end)
        return aq__err(ctx, AQ_EINPUT, "'%s' is empty: expected a header line naming the columns", src->path);
    field f[MAX_COLS];
    aq_buf scratch = {0};
    size_t nf, header_line = lines + 1, open;
    p = parse_record(src, p, end, f, MAX_COLS, &nf, &scratch, &lines, &open);
    if (open) {
        aq__buf_free(&scratch);
        return aq__err(ctx, AQ_EINPUT,
                       "'%s' line %zu: header field %zu opens a quote (\") that is never closed; expected a closing "
                       "quote before the end of the file",
                       src->path, header_line, open);
    }
    if (nf > MAX_COLS) {
        aq__buf_free(&scratch);
        return aq__err(ctx, AQ_EINPUT, "'%s' line %zu: %zu columns, more than the %d aimaq reads",
                       src->path, header_line, nf, MAX_COLS);
    }
    src->ncols = nf;
    src->names = aq__calloc(nf, sizeof *src->names);
    src->types = aq__calloc(nf, sizeof *src->types);
    src->decimal = aq__calloc(nf, 1);
    src->decimal_fixed = aq__calloc(nf, sizeof(bool));
    src->slot = aq__calloc(nf, sizeof(long));
    src->warned = aq__calloc(nf, sizeof(bool));
    if (!src->names || !src->types || !src->decimal || !src->decimal_fixed || !src->slot || !src->warned ||
        scratch.failed) {
        aq__buf_free(&scratch);
        return aq__oom(ctx);
    }
    int rc = AQ_OK;
    for (size_t j = 0; j < nf && rc == AQ_OK; j++) {
        const char *s = f[j].s;
        size_t n = f[j].n;
        trim(&s, &n);
        if (n == 0) {
            /* A report's title above the table ("Численность населения на
             * 1 января", then empty cells) is the usual cause: say so. */
            size_t named = 0;
            for (size_t k = 0; k < nf; k++) {
                const char *ks = f[k].s;
                size_t kn = f[k].n;
                trim(&ks, &kn);
                named += kn > 0;
            }
            const char *t0 = f[0].s;
            size_t n0 = f[0].n;
            trim(&t0, &n0);
            char title[128];
            quote_token(title, sizeof title - 3, t0, n0);
            if (strlen(title) < n0) /* cut: say so */
                memcpy(title + strlen(title), "...", 4);
            if (named == 1 && n0 > 0 && nf > 1)
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s' line %zu looks like a title ('%s'), not a header: only its first column is named; "
                             "expected the column names on the first line (delete the title rows above them); "
                             "or give --header-row N, the line that names the columns",
                             src->path, header_line, title);
            else
                rc = aq__err(ctx, AQ_EINPUT, "'%s' line %zu: column %zu has no name in the header", src->path,
                             header_line, j + 1);
            break;
        }
        if (!(src->names[j] = aq__strndup(s, n))) {
            rc = aq__oom(ctx);
            break;
        }
        /* A name given twice is made unique when the table is made
         * (aq__table_unique_names: 'X', 'X.1', as pandas reads it). */
        src->types[j] = forced_text(opts, src->names[j]) ? AQ_COL_TEXT : AQ_COL_NUMBER;
        src->decimal[j] = opts && opts->decimal ? opts->decimal : (src->delim == ',' ? '.' : ',');
        src->decimal_fixed[j] = opts && opts->decimal;
        src->user_decimal = opts ? opts->decimal : 0;
    }
    aq__buf_free(&scratch);
    src->body = (size_t)(p - src->data);
    src->body_line = lines + 1;
    if (rc == AQ_OK)
        rc = choose_columns(ctx, src, opts);
    return rc;
}

/* The decimal mark of a column that no value decides (every value reads
 * both ways, '2.500', or none has a mark): the one the user gave, else the
 * one the file's other columns settled on, else the custom of the
 * delimiter: a point in comma-separated files, a comma in semicolon-
 * separated ones (Excel in a decimal-comma locale), and for tabs and bars,
 * which both locales write, the mark the value itself uses (text exported
 * from a spreadsheet has no thousands separators). Sets src->file_decimal
 * and src->decimal_why for the warning full_pass gives. */
static void file_decimal(csv_src *src, size_t ndot, size_t ncomma)
{
    if (src->user_decimal) {
        src->file_decimal = src->user_decimal;
        src->decimal_why = "as --decimal says";
    } else if (ndot && !ncomma) {
        src->file_decimal = '.';
        src->decimal_why = "as in the file's other number columns";
    } else if (ncomma && !ndot) {
        src->file_decimal = ',';
        src->decimal_why = "as in the file's other number columns";
    } else if (src->delim == ',') {
        src->file_decimal = '.';
        src->decimal_why = "the decimal mark of comma-separated files";
    } else if (src->delim == ';') {
        src->file_decimal = ',';
        src->decimal_why = "the decimal mark of semicolon-separated files";
    } else {
        src->file_decimal = 0; /* per column: the mark its values use */
        src->decimal_why = "the mark the values use: spreadsheets export no thousands separators";
    }
}

/* Decides each column's type and decimal mark from the first rows. A value
 * that reads with only one mark decides its column; one that reads with
 * neither is text, and the column is text only when most of its values are
 * (a few are typos, reported cell by cell by the full pass); a column whose
 * values all read both ways is left to file_decimal. */
static int sniff_types(aq_ctx *ctx, csv_src *src)
{
    size_t nc = src->ncols;
    /* Per column: seen a value that fails with '.', with ',', seen a mark. */
    bool *fail_dot = aq__calloc(nc, 1), *fail_comma = aq__calloc(nc, 1);
    size_t *dot_line = aq__calloc(nc, sizeof(size_t)), *comma_line = aq__calloc(nc, sizeof(size_t));
    /* ... numbers and text seen, the mark of the first ambiguous value ... */
    size_t *nnum = aq__calloc(nc, sizeof(size_t)), *ntext = aq__calloc(nc, sizeof(size_t));
    char *amb_mark = aq__calloc(nc, 1);
    /* ... and the first such value of each kind, quoted in the message. */
    typedef char token[2][24];
    token *tok = aq__calloc(nc, sizeof *tok);
    field *f = aq__calloc(nc + 1, sizeof *f);
    int rc = AQ_OK;
    if (!fail_dot || !fail_comma || !f || !dot_line || !comma_line || !tok || !nnum || !ntext || !amb_mark) {
        rc = aq__oom(ctx);
        goto out;
    }
    aq_buf scratch = {0};
    const char *p = src->data + src->body, *end = src->data + src->len;
    size_t lines = src->body_line - 1;
    for (int r = 0; r < SNIFF_ROWS; r++) {
        p = skip_blank(p, end, &lines);
        if (p >= end)
            break;
        size_t nf, line = lines + 1;
        p = parse_record(src, p, end, f, nc, &nf, &scratch, &lines, NULL);
        for (size_t j = 0; j < nc && j < nf; j++) {
            if (src->types[j] != AQ_COL_NUMBER || src->slot[j] < 0)
                continue;
            const char *s = f[j].s;
            size_t n = f[j].n;
            trim(&s, &n);
            if (aq__is_missing_token(s, n))
                continue;
            double v;
            if (leading_zero_code(s, n)) { /* '0123': an identifier, the column is codes */
                src->types[j] = AQ_COL_TEXT;
                continue;
            }
            bool dot = aq_parse_number(s, n, '.', &v), comma = aq_parse_number(s, n, ',', &v);
            if (!dot && !comma) {
                ntext[j]++;
                continue;
            }
            nnum[j]++;
            if (!dot && !fail_dot[j]) {
                fail_dot[j] = true;
                dot_line[j] = line;
                quote_token(tok[j][0], sizeof tok[j][0], s, n);
            }
            if (!comma && !fail_comma[j]) {
                fail_comma[j] = true;
                comma_line[j] = line;
                quote_token(tok[j][1], sizeof tok[j][1], s, n);
            }
            if (!amb_mark[j] && aq__number_ambiguous(s, n, NULL, NULL))
                amb_mark[j] = memchr(s, '.', n) ? '.' : ',';
        }
    }
    aq__buf_free(&scratch);
    size_t ndot = 0, ncomma = 0;
    for (size_t j = 0; j < nc; j++) {
        if (src->types[j] == AQ_COL_NUMBER && ntext[j] > nnum[j])
            src->types[j] = AQ_COL_TEXT;
        if (src->types[j] != AQ_COL_NUMBER || src->decimal_fixed[j])
            continue;
        ndot += fail_comma[j] && !fail_dot[j];
        ncomma += fail_dot[j] && !fail_comma[j];
    }
    file_decimal(src, ndot, ncomma);
    for (size_t j = 0; j < nc && rc == AQ_OK; j++) {
        if (src->types[j] != AQ_COL_NUMBER || src->decimal_fixed[j])
            continue;
        if (fail_dot[j] && fail_comma[j])
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s' column '%s' mixes number styles: line %zu needs a decimal point ('%s'), line %zu a "
                         "decimal comma ('%s'); make them agree or give --decimal",
                         src->path, src->names[j], comma_line[j], tok[j][1], dot_line[j], tok[j][0]);
        else if (fail_comma[j]) {
            src->decimal[j] = '.';
            src->decimal_fixed[j] = true;
        } else if (fail_dot[j]) {
            src->decimal[j] = ',';
            src->decimal_fixed[j] = true;
        } else {
            src->decimal[j] = src->file_decimal ? src->file_decimal : amb_mark[j] ? amb_mark[j] : '.';
        }
    }
out:
    aq__free(fail_dot), aq__free(fail_comma), aq__free(f), aq__free(dot_line), aq__free(comma_line);
    aq__free(tok), aq__free(nnum), aq__free(ntext), aq__free(amb_mark);
    return rc;
}

/* ---- the full pass ---- */

/* Parsed text is not needed again: every RELEASE_BYTES the pages behind
 * the parser are given back, so reading a file larger than memory keeps
 * only the columns resident. Safe with several threads: a page shared with
 * a neighbouring chunk is simply read again from the page cache. */
#define RELEASE_BYTES (8 << 20)

static const char *release_pages(const csv_src *src, const char *from, const char *to)
{
    if (!src->map || src->converted)
        return to;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)from + page - 1) / page * page, b = (uintptr_t)to / page * page;
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
    return to;
}

static size_t count_records(const csv_src *src, const char *p, const char *end)
{
    size_t n = 0;
    const char *released = p;
    if (!src->has_quotes) {
        while (p < end) {
            if (p - released > RELEASE_BYTES)
                released = release_pages(src, released, p);
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *stop = nl ? nl : end;
            const char *q = p;
            while (q < stop && (*q == '\r' || *q == ' ' || *q == '\t'))
                q++;
            n += q < stop;
            p = nl ? nl + 1 : end;
        }
        return n;
    }
    aq_buf scratch = {0};
    field dummy[1];
    size_t lines = 0, nf;
    for (;;) {
        p = skip_blank(p, end, &lines);
        if (p >= end)
            break;
        p = parse_record(src, p, end, dummy, 0, &nf, &scratch, &lines, NULL);
        n++;
    }
    aq__buf_free(&scratch);
    return n;
}

/* Notes a marked or bad cell of a number column (TEXT, N bytes, is copied
 * for bad cells only: a marker's spelling is one of a few constants). */
static bool add_note(chunk *c, size_t row, size_t col, int flag, const char *text, size_t n)
{
    if (c->nnotes == c->capnotes) {
        size_t cap = c->capnotes ? 2 * c->capnotes : 64;
        aq_cell_note *nn = aq__realloc(c->notes, cap * sizeof *nn);
        if (!nn)
            return false;
        c->notes = nn;
        c->capnotes = cap;
    }
    const char *t = aq__arena_strndup(&c->arena, text, n);
    if (!t)
        return false;
    c->notes[c->nnotes++] = (aq_cell_note){.row = row, .col = col, .flag = flag, .text = t};
    return true;
}

static void fill_chunk(const csv_src *src, aq_table *t, chunk *c)
{
    size_t nc = src->ncols;
    field *f = aq__calloc(nc + 1, sizeof *f);
    aq_buf scratch = {0};
    if (!f || !(c->stat = aq__calloc(nc ? nc : 1, sizeof *c->stat))) {
        aq__free(f);
        c->rc = AQ_ENOMEM;
        return;
    }
    const char *p = c->start, *released = c->start;
    size_t lines = c->line0 - 1, row = c->row0;
    while (row < c->row0 + c->nrows) {
        p = skip_blank(p, c->end, &lines);
        if (p >= c->end)
            break;
        if (p - released > RELEASE_BYTES)
            released = release_pages(src, released, p);
        size_t nf, line = lines + 1, open;
        p = parse_record(src, p, c->end, f, nc, &nf, &scratch, &lines, &open);
        if (scratch.failed) {
            c->rc = AQ_ENOMEM;
            break;
        }
        if (nf != nc || open) {
            c->rc = AQ_EINPUT;
            c->bad_line = line;
            c->bad_fields = nf;
            c->bad_open = open;
            break;
        }
        t->lines[row] = line;
        for (size_t j = 0; j < nc; j++) {
            if (src->slot[j] < 0)
                continue;
            const char *s = f[j].s;
            size_t n = f[j].n;
            trim(&s, &n);
            aq__column *col = &t->cols[src->slot[j]];
            if (col->type == AQ_COL_TEXT) {
                if (n == 0) {
                    col->txt[row] = NULL;
                } else if (!(col->txt[row] = aq__arena_strndup(&c->arena, s, n))) {
                    c->rc = AQ_ENOMEM;
                    goto out;
                }
                continue;
            }
            double v;
            int kind;
            colstat *st = &c->stat[j];
            if (!leading_zero_code(s, n) && aq_parse_number(s, n, src->decimal[j], &v)) {
                col->num[row] = v;
                st->good++;
                /* A column no value has decided yet: is this one read
                 * the other way too? (full_pass warns) */
                if (!src->decimal_fixed[j] && !st->amb_line && aq__number_ambiguous(s, n, NULL, NULL)) {
                    st->amb_line = line;
                    quote_token(st->amb_tok, sizeof st->amb_tok, s, n);
                }
            } else if ((kind = aq__missing_kind(s, n)) != 0) {
                col->num[row] = NAN;
                if (kind != AQ_CELL_EMPTY && !add_note(c, row, (size_t)src->slot[j], kind, s, n)) {
                    c->rc = AQ_ENOMEM;
                    goto out;
                }
            } else {
                col->num[row] = NAN;
                bool other = !leading_zero_code(s, n) && aq_parse_number(s, n, src->decimal[j] == '.' ? ',' : '.', &v);
                if (other && !c->has_conflict) {
                    c->has_conflict = true;
                    c->first.col = j;
                    c->first.line = line;
                    c->first.other_decimal = true;
                    quote_token(c->first.token, sizeof c->first.token, s, n);
                } else if (!other) {
                    /* text among numbers: a bad cell, not a text column */
                    st->bad++;
                    if (!add_note(c, row, (size_t)src->slot[j], AQ_CELL_BAD, s, n)) {
                        c->rc = AQ_ENOMEM;
                        goto out;
                    }
                }
            }
        }
        row++;
    }
out:
    aq__buf_free(&scratch);
    aq__free(f);
}

static size_t count_newlines(const char *p, const char *end)
{
    size_t n = 0;
    const char *nl;
    while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
        n++;
        p = nl + 1;
    }
    return n;
}

static int nthreads_for(aq_ctx *ctx, const csv_src *src)
{
    if (src->has_quotes || src->len < (1u << 20))
        return 1;
    int n = aq_ctx_threads(ctx);
#ifdef _OPENMP
    if (n <= 0)
        n = omp_get_max_threads();
#else
    n = 1;
#endif
    return n < 1 ? 1 : (n > 64 ? 64 : n);
}

/* Most files have one row per line and no blank lines: then a row's line is
 * arithmetic, and the 8 bytes a row of line numbers (80 MB for ten million
 * rows) are given back. */
static void drop_plain_lines(aq_table *t, size_t body_line)
{
    for (size_t i = 0; i < t->nrows; i++)
        if (t->lines[i] != body_line + i)
            return;
    aq__free(t->lines);
    t->lines = NULL;
    t->line0 = body_line;
}

/* One full pass into a new table. Returns AQ_OK, an error, or -1 when a
 * column's type changed and the pass must run again. */
static int full_pass(aq_ctx *ctx, csv_src *src, const char *body, const char *end, size_t body_line,
                     bool repair, aq_table **out)
{
    int nth = nthreads_for(ctx, src);
    if ((size_t)(end - body) < (1u << 20))
        nth = 1;
    chunk chunks[64];
    memset(chunks, 0, sizeof chunks);
    size_t total = (size_t)(end - body);
    /* Chunk boundaries at line starts; the line number of each start. */
    const char *s = body;
    size_t line = body_line;
    for (int k = 0; k < nth; k++) {
        const char *e = k == nth - 1 ? end : body + total / (size_t)nth * (size_t)(k + 1);
        if (e < s)
            e = s;
        if (e < end) {
            const char *nl = memchr(e, '\n', (size_t)(end - e));
            e = nl ? nl + 1 : end;
        }
        chunks[k].start = s;
        chunks[k].end = e;
        chunks[k].line0 = line;
        if (k + 1 < nth)
            line += count_newlines(s, e);
        s = e;
    }
    size_t nrows = 0;
#pragma omp parallel for num_threads(nth) schedule(static, 1) if (nth > 1)
    for (int k = 0; k < nth; k++)
        chunks[k].nrows = count_records(src, chunks[k].start, chunks[k].end);
    for (int k = 0; k < nth; k++) {
        chunks[k].row0 = nrows;
        nrows += chunks[k].nrows;
    }

    aq_table *t;
    int rc = aq_table_new(ctx, nrows, &t);
    if (rc)
        return rc;
    bool *kept = aq__xcalloc(ctx, src->ncols ? src->ncols : 1, sizeof *kept);
    for (size_t j = 0; kept && j < src->ncols; j++)
        kept[j] = src->slot[j] >= 0;
    if (!kept || (rc = aq__table_set_source(ctx, t, src->path)) != AQ_OK ||
        (rc = aq__table_unique_names(ctx, t, src->names, src->ncols, kept)) != AQ_OK) {
        aq__free(kept);
        aq_table_free(t);
        return rc ? rc : AQ_ENOMEM;
    }
    aq__free(kept);
    for (long k = 0; rc == AQ_OK; k++) { /* in the order the caller asked for */
        size_t j = 0;
        while (j < src->ncols && src->slot[j] != k)
            j++;
        if (j == src->ncols)
            break;
        rc = aq__table_add(ctx, t, src->names[j], src->types[j], NULL);
    }
    if (rc == AQ_OK && !(t->lines = aq__malloc(sizeof *t->lines * (nrows ? nrows : 1))))
        rc = aq__oom(ctx);
    if (rc) {
        aq_table_free(t);
        return rc;
    }
#pragma omp parallel for num_threads(nth) schedule(static, 1) if (nth > 1)
    for (int k = 0; k < nth; k++)
        fill_chunk(src, t, &chunks[k]);

    /* Errors and conflicts are reported in file order: the first chunk's. */
    for (int k = 0; k < nth && rc == AQ_OK; k++) {
        chunk *c = &chunks[k];
        if (c->rc == AQ_ENOMEM)
            rc = aq__oom(ctx);
        else if (c->rc == AQ_EINPUT && c->bad_open)
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s' line %zu, column '%s': a quoted field opens here (\") but is never closed; expected "
                         "a closing quote before the end of the file (a stray quote in a name?)",
                         src->path, c->bad_line, c->bad_open <= src->ncols ? src->names[c->bad_open - 1] : "?");
        else if (c->rc == AQ_EINPUT)
            rc = aq__err(ctx, AQ_EINPUT, "'%s' line %zu: %zu fields, expected %zu as in the header",
                         src->path, c->bad_line, c->bad_fields, src->ncols);
        else if (c->has_conflict && !repair) {
            /* Batches already handed on cannot be read again. */
            conflict *cf = &c->first;
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s' line %zu, column '%s': '%s' is not a number written like this column's first values "
                         "(a file this large is read in batches, its types fixed from the first %d rows)",
                         src->path, cf->line, src->names[cf->col], cf->token, SNIFF_ROWS);
        } else if (c->has_conflict) {
            conflict *cf = &c->first;
            if (!src->decimal_fixed[cf->col]) {
                /* Nothing had decided the mark; this value does. */
                src->decimal[cf->col] = src->decimal[cf->col] == '.' ? ',' : '.';
                src->decimal_fixed[cf->col] = true;
                rc = -1;
            } else if (src->user_decimal) {
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s' line %zu, column '%s': '%s' uses a decimal %s, but the decimal mark given is '%c'; "
                             "expected every value of the column written with '%c'",
                             src->path, cf->line, src->names[cf->col], cf->token,
                             src->user_decimal == '.' ? "comma" : "point", src->user_decimal, src->user_decimal);
            } else {
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s' line %zu, column '%s': '%s' uses a decimal %s, but earlier values of this column use a decimal %s",
                             src->path, cf->line, src->names[cf->col], cf->token,
                             src->decimal[cf->col] == '.' ? "comma" : "point",
                             src->decimal[cf->col] == '.' ? "point" : "comma");
            }
        }
    }
    /* A column whose cells are mostly text is text (the sample saw too
     * few of them); a few text cells in a number column stay bad cells. */
    size_t nnotes = 0;
    for (int k = 0; k < nth; k++)
        nnotes += chunks[k].nnotes;
    for (size_t j = 0; j < src->ncols && rc == AQ_OK; j++) {
        if (src->slot[j] < 0 || src->types[j] != AQ_COL_NUMBER)
            continue;
        size_t good = 0, bad = 0, amb_line = 0;
        const char *amb_tok = NULL;
        for (int k = 0; k < nth; k++) {
            good += chunks[k].stat[j].good;
            bad += chunks[k].stat[j].bad;
            if (!amb_line && chunks[k].stat[j].amb_line) {
                amb_line = chunks[k].stat[j].amb_line;
                amb_tok = chunks[k].stat[j].amb_tok;
            }
        }
        if (bad > good && repair) {
            src->types[j] = AQ_COL_TEXT;
            rc = -1;
        } else if (amb_line && !src->decimal_fixed[j] && !src->warned[j]) {
            /* Said once, after the pass that stands (a repeat may yet
             * settle the mark). */
            src->warned[j] = true;
            double a = 0, b = 0;
            aq__number_ambiguous(amb_tok, strlen(amb_tok), &a, &b);
            bool point = src->decimal[j] == '.';
            aq__warn(ctx,
                     "'%s' column '%s': the decimal mark is ambiguous: no value decides it, and line %zu has '%s' "
                     "(%.15g with a decimal point, %.15g with a decimal comma); read with a decimal %s (%s), so it "
                     "is %.15g: give --decimal %c if it is %.15g",
                     src->path, src->names[j], amb_line, amb_tok, a, b, point ? "point" : "comma", src->decimal_why,
                     point ? a : b, point ? ',' : '.', point ? b : a);
        }
    }
    if (rc == AQ_OK && nnotes && !(t->notes = aq__malloc(nnotes * sizeof *t->notes)))
        rc = aq__oom(ctx);
    for (int k = 0; k < nth && rc == AQ_OK; k++) {
        if (!chunks[k].nnotes) /* t->notes is NULL when no chunk has any: memcpy(NULL, ..., 0) is undefined */
            continue;
        memcpy(t->notes + t->nnotes, chunks[k].notes, chunks[k].nnotes * sizeof *t->notes);
        t->nnotes += chunks[k].nnotes;
    }
    for (int k = 0; k < nth; k++)
        aq__arena_merge(&t->arena, &chunks[k].arena);
    for (int k = 0; k < nth; k++) {
        aq__arena_free(&chunks[k].arena);
        aq__free(chunks[k].stat);
        aq__free(chunks[k].notes);
    }
    if (rc != AQ_OK) {
        aq_table_free(t);
        return rc;
    }
    drop_plain_lines(t, body_line);
    *out = t;
    return AQ_OK;
}

/* ---- opening ---- */

/* Checks the whole file is UTF-8 and notes whether it has quotes, in pieces
 * whose pages are released once checked (release_pages), so a large file
 * never becomes resident at once. */
static bool utf8_valid_releasing(csv_src *src, size_t *bad)
{
    size_t off = 0;
    src->has_quotes = false;
    src->lone_cr = false;
    while (off < src->len) {
        size_t n = src->len - off < RELEASE_BYTES ? src->len - off : RELEASE_BYTES;
        /* end the piece on a character boundary */
        while (off + n < src->len && n > 0 && ((unsigned char)src->data[off + n] & 0xC0) == 0x80)
            n--;
        size_t at;
        if (!aq__utf8_valid(src->data + off, n, &at)) {
            *bad = off + at;
            return false;
        }
        /* the same pass looks for quotes (without any, chunks can split
         * anywhere) and for lone CRs (old Mac line ends) */
        src->has_quotes = src->has_quotes || memchr(src->data + off, '"', n) != NULL;
        const char *nul = src->nul ? NULL : memchr(src->data + off, '\0', n);
        if (nul)
            src->nul = nul;
        for (const char *cr = src->data + off, *stop = src->data + off + n;
             !src->lone_cr && (cr = memchr(cr, '\r', (size_t)(stop - cr))) != NULL; cr++)
            src->lone_cr = cr + 1 >= src->data + src->len || cr[1] != '\n';
        release_pages(src, src->data + off, src->data + off + n);
        off += n;
    }
    return true;
}

/* The iconv name of a UTF-16 file's encoding, or NULL: a byte order mark,
 * or (without one) a zero in most odd (LE) or even (BE) bytes of the first
 * 64, which no UTF-8 or single-byte text has. */
static const char *utf16_kind(const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        return "UTF-16LE";
    if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        return "UTF-16BE";
    size_t n = len < 64 ? len & ~(size_t)1 : 64, even = 0, odd = 0;
    for (size_t i = 0; i < n; i += 2) {
        even += u[i] == 0 && u[i + 1] != 0;
        odd += u[i + 1] == 0 && u[i] != 0;
    }
    /* ASCII header names are half zeros; Cyrillic ones have none */
    if (n >= 4 && even == 0 && 4 * odd >= 3 * (n / 2))
        return "UTF-16LE";
    if (n >= 4 && odd == 0 && 4 * even >= 3 * (n / 2))
        return "UTF-16BE";
    return NULL;
}

static void src_close(csv_src *src)
{
    if (src->map)
        munmap(src->map, src->maplen);
    aq__free(src->converted);
    for (size_t j = 0; src->names && j < src->ncols; j++)
        aq__free(src->names[j]);
    aq__free(src->names);
    aq__free(src->types);
    aq__free(src->decimal);
    aq__free(src->decimal_fixed);
    aq__free(src->slot);
    aq__free(src->warned);
}

static int src_open(aq_ctx *ctx, csv_src *src, const char *path, const aq_read_opts *opts)
{
    memset(src, 0, sizeof *src);
    src->path = path;
    int fd = open(path, O_RDONLY | O_NONBLOCK); /* a FIFO must not block the open */
    if (fd < 0)
        return aq__err(ctx, AQ_EIO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return aq__err(ctx, AQ_EIO, "cannot read '%s': not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return aq__err(ctx, AQ_EINPUT, "'%s' is empty: expected a header line naming the columns", path);
    }
    src->maplen = (size_t)st.st_size;
    src->map = mmap(NULL, src->maplen, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (src->map == MAP_FAILED) {
        src->map = NULL;
        return aq__err(ctx, AQ_EIO, "cannot read '%s': %s", path, strerror(errno));
    }
    madvise(src->map, src->maplen, MADV_SEQUENTIAL);
    src->data = src->map;
    src->len = src->maplen;
    const char *utf16 = utf16_kind(src->data, src->len);
    if (utf16) {
        /* Excel's "Unicode text": UTF-16 with tabs. Converted whole; the
         * BOM goes with the conversion's first character. */
        size_t skip = src->len >= 2 && ((unsigned char)src->data[0] == 0xFF || (unsigned char)src->data[0] == 0xFE)
                          ? 2 : 0, n;
        int rc = aq__to_utf8(ctx, path, utf16, src->data + skip, src->len - skip, &src->converted, &n);
        if (rc)
            return rc;
        src->data = src->converted;
        src->len = n;
    }
    if (src->len >= 3 && memcmp(src->data, "\xEF\xBB\xBF", 3) == 0) {
        src->data += 3;
        src->len -= 3;
    }
    size_t bad;
    if (!utf16 && !utf8_valid_releasing(src, &bad)) {
        if (!opts || !opts->encoding) {
            size_t line = 1;
            for (size_t i = 0; i < bad; i++)
                line += src->data[i] == '\n';
            const char *guess = aq__guess_cyrillic(src->data, src->len);
            if (guess)
                return aq__err(ctx, AQ_EINPUT,
                               "'%s' is not UTF-8 (line %zu, byte 0x%02X); it looks like %s: "
                               "read it with --encoding %s, or save it as UTF-8",
                               path, line, (unsigned char)src->data[bad], guess, guess);
            return aq__err(ctx, AQ_EINPUT,
                           "'%s' is not UTF-8 (line %zu, byte 0x%02X): name its encoding with --encoding, or save it as UTF-8",
                           path, line, (unsigned char)src->data[bad]);
        }
        size_t n;
        int rc = aq__to_utf8(ctx, path, opts->encoding, src->data, src->len, &src->converted, &n);
        if (rc)
            return rc;
        src->data = src->converted;
        src->len = n;
    } else if (!utf16 && opts && opts->encoding && strcasecmp(opts->encoding, "UTF-8") != 0 &&
               strcasecmp(opts->encoding, "UTF8") != 0) {
        aq__warn(ctx, "'%s' is valid UTF-8; --encoding %s was not applied", path, opts->encoding);
    }
    /* (the UTF-8 check noted the first NUL of a file read as it is) */
    const char *nul = src->converted ? memchr(src->data, '\0', src->len) : src->nul;
    if (nul) {
        /* A NUL ends a C string: a cell 'R\0001' would be stored as 'R'. */
        size_t line = 1;
        const char *bol = src->data;
        for (const char *q = src->data; q < nul; q++)
            if (*q == '\n') {
                line++;
                bol = q + 1;
            }
        return aq__err(ctx, AQ_EINPUT,
                       "'%s' line %zu, byte %zu: a NUL byte (0x00); expected text (a damaged file, or binary data "
                       "saved as .csv?)",
                       path, line, (size_t)(nul - bol) + 1);
    }
    if (src->converted) /* the check above may have stopped at the first non-UTF-8 byte */
        for (const char *cr = src->data, *stop = src->data + src->len;
             !src->lone_cr && (cr = memchr(cr, '\r', (size_t)(stop - cr))) != NULL; cr++)
            src->lone_cr = cr + 1 >= stop || cr[1] != '\n';
    if (src->lone_cr) {
        /* Lines ending in a CR alone become LF lines in a private copy: the
         * parser splits on LF, and would otherwise lose every row after
         * the first. CR LF pairs stay as they are. */
        char *copy = src->converted ? src->converted : aq__malloc(src->len + 1);
        if (!copy)
            return aq__oom(ctx);
        for (size_t i = 0; i < src->len; i++)
            copy[i] = src->data[i] == '\r' && (i + 1 == src->len || src->data[i + 1] != '\n') ? '\n' : src->data[i];
        src->converted = copy;
        src->data = copy;
    }
    if (src->converted)
        src->has_quotes = memchr(src->data, '"', src->len) != NULL;
    src->delim = opts && opts->delimiter ? opts->delimiter : detect_delimiter(src->data, src->data + src->len);
    return AQ_OK;
}

int aq__csv_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq_table **out)
{
    csv_src src;
    int rc = src_open(ctx, &src, path, opts);
    if (rc == AQ_OK)
        rc = read_header(ctx, &src, opts);
    if (rc == AQ_OK)
        rc = sniff_types(ctx, &src);
    aq_table *t = NULL;
    /* Each repeat settles at least one column for good, so this ends. */
    for (size_t tries = 0; rc == AQ_OK; tries++) {
        rc = full_pass(ctx, &src, src.data + src.body, src.data + src.len, src.body_line, true, &t);
        if (rc != -1)
            break;
        rc = tries <= 2 * src.ncols ? AQ_OK : aq__err(ctx, AQ_EINTERNAL, "'%s': column types did not settle", path);
    }
    if (rc == AQ_OK && (rc = aq__table_set_source(ctx, t, path)) != AQ_OK)
        aq_table_free(t);
    src_close(&src);
    if (rc == AQ_OK)
        *out = t;
    return rc;
}

/* ---- reading in batches, for files larger than memory ---- */

struct aq__csv_reader {
    csv_src src;
    const char *pos; /* the next record */
    size_t line;     /* its line number */
};

int aq__csv_open(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq__csv_reader **out)
{
    aq__csv_reader *r = aq__xcalloc(ctx, 1, sizeof *r);
    if (!r)
        return AQ_ENOMEM;
    int rc = src_open(ctx, &r->src, path, opts);
    if (rc == AQ_OK)
        rc = read_header(ctx, &r->src, opts);
    if (rc == AQ_OK)
        rc = sniff_types(ctx, &r->src);
    if (rc) {
        aq__csv_close(r);
        return rc;
    }
    r->pos = r->src.data + r->src.body;
    r->line = r->src.body_line;
    *out = r;
    return AQ_OK;
}

int aq__csv_next(aq_ctx *ctx, aq__csv_reader *r, size_t max_rows, aq_table **out)
{
    csv_src *src = &r->src;
    const char *end = src->data + src->len, *e = r->pos;
    *out = NULL;
    if (r->pos >= end)
        return AQ_OK;
    /* The batch ends after max_rows lines (records, when fields are quoted). */
    if (!src->has_quotes) {
        for (size_t n = 0; n < max_rows && e < end; n++) {
            const char *nl = memchr(e, '\n', (size_t)(end - e));
            e = nl ? nl + 1 : end;
        }
    } else {
        aq_buf scratch = {0};
        field dummy[1];
        size_t lines = 0, nf;
        for (size_t n = 0; n < max_rows && e < end; n++)
            e = parse_record(src, skip_blank(e, end, &lines), end, dummy, 0, &nf, &scratch, &lines, NULL);
        aq__buf_free(&scratch);
    }
    aq_table *t = NULL;
    int rc = full_pass(ctx, src, r->pos, e, r->line, false, &t);
    if (rc == AQ_OK && (rc = aq__table_set_source(ctx, t, src->path)) != AQ_OK)
        aq_table_free(t);
    if (rc)
        return rc;
    r->line += count_newlines(r->pos, e);
    /* Pages already parsed are not needed again: let the kernel drop them
     * so memory stays bounded whatever the file's size. */
    if (src->map && !src->converted) {
        uintptr_t base = (uintptr_t)src->map, upto = (uintptr_t)e;
        size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (size_t)(upto - base) / page * page;
        if (len)
            madvise(src->map, len, MADV_DONTNEED);
    }
    r->pos = e;
    *out = t;
    return AQ_OK;
}

void aq__csv_close(aq__csv_reader *r)
{
    if (!r)
        return;
    src_close(&r->src);
    aq__free(r);
}

bool aq__is_delimited_path(const char *path)
{
    const char *dot = strrchr(aq__basename(path), '.');
    return dot && (aq__ieq(dot, ".csv") || aq__ieq(dot, ".tsv") || aq__ieq(dot, ".txt") || aq__ieq(dot, ".tab"));
}
