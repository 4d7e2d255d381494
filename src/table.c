/*
 * table.c -- the in-memory table: named columns of numbers or text.
 *
 * Columns are stored column-wise (a double array, or an array of string
 * pointers into the table's arena) because every analysis reads a few
 * columns over all rows.
 */
#include "table.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int aq_table_new(aq_ctx *ctx, size_t nrows, aq_table **out)
{
    aq_table *t = aq__xcalloc(ctx, 1, sizeof *t);
    if (!t)
        return AQ_ENOMEM;
    t->nrows = nrows;
    t->line0 = 2; /* a header line, then one line per row */
    *out = t;
    return AQ_OK;
}

void aq_table_free(aq_table *t)
{
    if (!t)
        return;
    for (size_t j = 0; j < t->ncols; j++) {
        aq__free(t->cols[j].name);
        aq__free(t->cols[j].num);
        aq__free(t->cols[j].txt);
    }
    aq__free(t->cols);
    aq__arena_free(&t->arena);
    aq__free(t->lines);
    aq__free(t->geom);
    aq__free(t->geomlen);
    aq__free(t->crs);
    aq__free(t->source);
    aq__free(t->title);
    aq__free(t->measure);
    aq__free(t->footnotes);
    aq__free(t->notes);
    for (size_t k = 0; k < t->ndups; k++)
        aq__free(t->dups[k]);
    aq__free(t->dups);
    aq__free(t);
}

int aq__table_add(aq_ctx *ctx, aq_table *t, const char *name,
                  enum aq_coltype type, size_t *col)
{
    if (type != AQ_COL_NUMBER && type != AQ_COL_TEXT)
        return aq__err(ctx, AQ_EUSAGE, "column '%s': unknown type %d", name, (int)type);
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0)
            return aq__err(ctx, AQ_EUSAGE, "column '%s' appears twice", name);
    if (aq__grow(ctx, (void **)&t->cols, &t->colcap, t->ncols + 1, sizeof *t->cols))
        return AQ_ENOMEM;
    aq__column c = {0};
    c.type = type;
    c.name = aq__strdup(name);
    if (type == AQ_COL_NUMBER) {
        c.num = aq__malloc(sizeof(double) * (t->nrows ? t->nrows : 1));
        if (c.num)
            for (size_t i = 0; i < t->nrows; i++)
                c.num[i] = NAN;
    } else {
        c.txt = aq__calloc(t->nrows ? t->nrows : 1, sizeof(char *));
    }
    if (!c.name || (!c.num && !c.txt)) {
        aq__free(c.name);
        aq__free(c.num);
        aq__free(c.txt);
        return aq__oom(ctx);
    }
    t->cols[t->ncols] = c;
    if (col)
        *col = t->ncols;
    t->ncols++;
    return AQ_OK;
}

int aq_table_add_column(aq_ctx *ctx, aq_table *t, const char *name,
                        enum aq_coltype type, size_t *col)
{
    if (!name || !*name)
        return aq__err(ctx, AQ_EUSAGE, "a column needs a name");
    return aq__table_add(ctx, t, name, type, col);
}

static int check_cell(aq_ctx *ctx, const aq_table *t, size_t col, size_t row,
                      enum aq_coltype want)
{
    if (col >= t->ncols || row >= t->nrows)
        return aq__err(ctx, AQ_EUSAGE, "cell (%zu, %zu) is outside the table (%zu rows, %zu columns)",
                       row, col, t->nrows, t->ncols);
    if (t->cols[col].type != want)
        return aq__err(ctx, AQ_EUSAGE, "column '%s' is a %s column", t->cols[col].name,
                       t->cols[col].type == AQ_COL_NUMBER ? "number" : "text");
    return AQ_OK;
}

int aq_table_set_number(aq_ctx *ctx, aq_table *t, size_t col, size_t row, double value)
{
    int rc = check_cell(ctx, t, col, row, AQ_COL_NUMBER);
    if (rc == AQ_OK)
        t->cols[col].num[row] = value;
    return rc;
}

int aq_table_set_text(aq_ctx *ctx, aq_table *t, size_t col, size_t row, const char *value)
{
    int rc = check_cell(ctx, t, col, row, AQ_COL_TEXT);
    if (rc != AQ_OK)
        return rc;
    const char *copy = NULL;
    if (value && !(copy = aq__arena_strndup(&t->arena, value, strlen(value))))
        return aq__oom(ctx);
    t->cols[col].txt[row] = copy;
    return AQ_OK;
}

size_t aq_table_nrows(const aq_table *t) { return t->nrows; }
size_t aq_table_ncols(const aq_table *t) { return t->ncols; }

const char *aq_table_colname(const aq_table *t, size_t col)
{
    return col < t->ncols ? t->cols[col].name : NULL;
}

int aq_table_coltype(const aq_table *t, size_t col)
{
    return col < t->ncols ? (int)t->cols[col].type : 0;
}

bool aq__ieq(const char *a, const char *b)
{
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++, b++;
    }
    return *a == *b;
}

long aq_table_find(const aq_table *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0)
            return (long)j;
    for (size_t j = 0; j < t->ncols; j++)
        if (aq__ieq(t->cols[j].name, name))
            return (long)j;
    return -1;
}

int aq_table_number_column(aq_ctx *ctx, const aq_table *t, const char *name, const double **values)
{
    const char *src = t->source ? t->source : "the store selection";
    int arc = aq__table_check_unambiguous(ctx, t, name, "the command");
    if (arc)
        return arc;
    long c = aq_table_find(t, name);
    if (c < 0) {
        aq_buf b = {0};
        for (size_t j = 0; j < t->ncols; j++)
            aq__buf_printf(&b, "%s%s", j ? ", " : "", t->cols[j].name);
        int rc = aq__err(ctx, AQ_ENOTFOUND, "'%s' has no column '%s'; its columns are %s", src, name,
                         b.data ? b.data : "none");
        aq__buf_free(&b);
        return rc;
    }
    const aq__column *col = &t->cols[c];
    if (col->type != AQ_COL_NUMBER) {
        size_t i = 0;
        while (i < t->nrows && !col->txt[i])
            i++;
        if (i == t->nrows)
            return aq__err(ctx, AQ_EINPUT, "'%s' column '%s' has no values", src, col->name);
        return aq__err(ctx, AQ_EINPUT, "'%s' column '%s' holds text, not numbers (line %zu: '%s')", src,
                       col->name, aq_table_source_line(t, i), col->txt[i]);
    }
    *values = col->num;
    return AQ_OK;
}

const double *aq_table_numbers(const aq_table *t, size_t col)
{
    return col < t->ncols ? t->cols[col].num : NULL;
}

const char *aq_table_text(const aq_table *t, size_t col, size_t row)
{
    if (col >= t->ncols || row >= t->nrows || !t->cols[col].txt)
        return NULL;
    return t->cols[col].txt[row];
}

const char *aq_table_cell(const aq_table *t, size_t col, size_t row, char *buf,
                          size_t bufsize)
{
    if (!bufsize)
        return "";
    buf[0] = '\0';
    if (col >= t->ncols || row >= t->nrows)
        return buf;
    const aq__column *c = &t->cols[col];
    if (c->type == AQ_COL_TEXT) {
        if (c->txt[row])
            snprintf(buf, bufsize, "%s", c->txt[row]);
    } else if (!isnan(c->num[row])) {
        snprintf(buf, bufsize, "%.15g", c->num[row]);
    }
    return buf;
}

const char *aq_table_source(const aq_table *t) { return t->source; }

size_t aq_table_source_line(const aq_table *t, size_t row)
{
    return t->lines && row < t->nrows ? t->lines[row] : t->line0 + row;
}

const unsigned char *aq_table_geometry(const aq_table *t, size_t row, size_t *len)
{
    if (!t->geom || row >= t->nrows || !t->geom[row]) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = t->geomlen[row];
    return t->geom[row];
}

const char *aq_table_crs(const aq_table *t) { return t->crs; }

int aq_table_set_geometry(aq_ctx *ctx, aq_table *t, size_t row,
                          const unsigned char *wkb, size_t len, const char *crs)
{
    if (row >= t->nrows)
        return aq__err(ctx, AQ_EUSAGE, "row %zu is outside the table (%zu rows)", row, t->nrows);
    if (!t->geom) {
        t->geom = aq__calloc(t->nrows, sizeof *t->geom);
        t->geomlen = aq__calloc(t->nrows, sizeof *t->geomlen);
        if (!t->geom || !t->geomlen) {
            aq__free(t->geom);
            aq__free(t->geomlen);
            t->geom = NULL;
            t->geomlen = NULL;
            return aq__oom(ctx);
        }
    }
    unsigned char *copy = NULL;
    if (wkb && len) {
        copy = aq__arena_alloc(&t->arena, len);
        if (!copy)
            return aq__oom(ctx);
        memcpy(copy, wkb, len);
    }
    if (crs && (!t->crs || strcmp(t->crs, crs) != 0)) {
        char *c = aq__strdup(crs);
        if (!c)
            return aq__oom(ctx);
        aq__free(t->crs);
        t->crs = c;
    }
    t->geom[row] = copy;
    t->geomlen[row] = copy ? len : 0;
    return AQ_OK;
}

int aq__table_set_source(aq_ctx *ctx, aq_table *t, const char *path)
{
    char *s = aq__strdup(path);
    if (!s)
        return aq__oom(ctx);
    aq__free(t->source);
    t->source = s;
    return AQ_OK;
}

int aq__table_set_lines(aq_ctx *ctx, aq_table *t, const size_t *lines)
{
    size_t *l = aq__xmalloc(ctx, sizeof *l * (t->nrows ? t->nrows : 1));
    if (!l)
        return AQ_ENOMEM;
    memcpy(l, lines, sizeof *l * t->nrows);
    aq__free(t->lines);
    t->lines = l;
    return AQ_OK;
}

const char *aq__basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool aq__is_code_column(const char *name)
{
    static const char *const names[] = {"code", "id", "kato", "kato_code", "unit", "unit_code",
                                        "parent", "parent_code", NULL};
    for (int i = 0; names[i]; i++)
        if (aq__ieq(name, names[i]))
            return true;
    size_t n = strlen(name);
    if (n > 5 && aq__ieq(name + n - 5, "_code"))
        return true;
    /* The Russian and Kazakh headers of a code column (mapping.c's
     * defaults): 'Код КАТО', 'КАТО', 'КАТО коды', 'Код'. */
    static const char *const cyrillic[] = {"КАТО", "Като", "като", "Код", "код", "КОД", NULL};
    for (int i = 0; cyrillic[i]; i++)
        if (strncmp(name, cyrillic[i], strlen(cyrillic[i])) == 0)
            return true;
    return false;
}

int aq__missing_kind(const char *s, size_t len)
{
    /* Called for every cell: a number never starts like a missing token
     * except '-', so most cells are decided by their first byte. The
     * markers are those of the Bureau of National Statistics' tables: x
     * (confidential), - and its dashes (no such value), ... and н/д (no
     * data), and the usual spellings of "not available". */
    static const struct { const char *s; size_t n; int kind; } tokens[] = {
        {"x", 1, AQ_CELL_CONFIDENTIAL}, {"X", 1, AQ_CELL_CONFIDENTIAL},
        {"\xD1\x85", 2, AQ_CELL_CONFIDENTIAL}, {"\xD0\xA5", 2, AQ_CELL_CONFIDENTIAL}, /* Cyrillic х, Х */
        {"-", 1, AQ_CELL_ABSENT}, {"--", 2, AQ_CELL_ABSENT}, {"\xE2\x80\x93", 3, AQ_CELL_ABSENT},
        {"\xE2\x80\x94", 3, AQ_CELL_ABSENT}, {"\xE2\x88\x92", 3, AQ_CELL_ABSENT}, /* – — − */
        {"..", 2, AQ_CELL_UNAVAILABLE}, {"...", 3, AQ_CELL_UNAVAILABLE}, {"\xE2\x80\xA6", 3, AQ_CELL_UNAVAILABLE},
        {"\xD0\xBD/\xD0\xB4", 5, AQ_CELL_UNAVAILABLE}, {"\xD0\x9D/\xD0\x94", 5, AQ_CELL_UNAVAILABLE}, /* н/д Н/Д */
        {"NA", 2, AQ_CELL_UNAVAILABLE}, {"N/A", 3, AQ_CELL_UNAVAILABLE}, {"n/a", 3, AQ_CELL_UNAVAILABLE},
        {"na", 2, AQ_CELL_UNAVAILABLE}, {"null", 4, AQ_CELL_UNAVAILABLE}, {"NULL", 4, AQ_CELL_UNAVAILABLE},
        {"NaN", 3, AQ_CELL_UNAVAILABLE}, {"nan", 3, AQ_CELL_UNAVAILABLE}, {"#N/A", 4, AQ_CELL_UNAVAILABLE}};
    if (len == 0)
        return AQ_CELL_EMPTY;
    if (len > 5 || (s[0] >= '0' && s[0] <= '9'))
        return 0;
    for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
        if (tokens[i].n == len && memcmp(tokens[i].s, s, len) == 0)
            return tokens[i].kind;
    return 0;
}

bool aq__is_missing_token(const char *s, size_t len) { return aq__missing_kind(s, len) != 0; }

const char *aq_cell_flag_name(int flag)
{
    switch (flag) {
    case AQ_CELL_EMPTY:
        return "empty";
    case AQ_CELL_CONFIDENTIAL:
        return "confidential";
    case AQ_CELL_ABSENT:
        return "absent";
    case AQ_CELL_UNAVAILABLE:
        return "unavailable";
    case AQ_CELL_BAD:
        return "bad";
    default:
        return NULL;
    }
}

const aq_cell_note *aq_table_notes(const aq_table *t, size_t *n)
{
    *n = t ? t->nnotes : 0;
    return t && t->nnotes ? t->notes : NULL;
}

int aq_table_points_from_lonlat(aq_ctx *ctx, aq_table *t, const char *lon, const char *lat, size_t *made)
{
    const double *x, *y;
    int rc = aq_table_number_column(ctx, t, lon, &x);
    if (rc == AQ_OK)
        rc = aq_table_number_column(ctx, t, lat, &y);
    size_t n = 0;
    for (size_t i = 0; rc == AQ_OK && i < t->nrows; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || fabs(x[i]) > 180 || fabs(y[i]) > 90)
            continue;
        /* ISO WKB point in the host's byte order: order flag, type 1, x, y. */
        const uint16_t one = 1;
        const bool little = *(const unsigned char *)&one == 1;
        unsigned char wkb[21] = {little, little, 0, 0, !little};
        memcpy(wkb + 5, &x[i], 8);
        memcpy(wkb + 13, &y[i], 8);
        rc = aq_table_set_geometry(ctx, t, i, wkb, sizeof wkb, "EPSG:4326");
        n++;
    }
    if (made)
        *made = n;
    return rc;
}

int aq__table_unique_names(aq_ctx *ctx, aq_table *t, char **names, size_t n, const bool *keep)
{
    aq_buf b = {0};
    int rc = AQ_OK;
    for (size_t j = 0; j < n && rc == AQ_OK; j++) {
        if (keep && !keep[j])
            continue;
        size_t copies = 0;
        for (size_t i = 0; i < j; i++)
            copies += (!keep || keep[i]) && strcmp(names[i], names[j]) == 0;
        if (!copies)
            continue;
        bool known = false;
        for (size_t k = 0; k < t->ndups; k++)
            known = known || strcmp(t->dups[k], names[j]) == 0;
        if (!known) {
            size_t cap = t->ndups;
            char *d = aq__strdup(names[j]);
            if (!d || aq__grow(ctx, (void **)&t->dups, &cap, t->ndups + 1, sizeof *t->dups)) {
                aq__free(d);
                rc = aq__oom(ctx);
                break;
            }
            t->dups[t->ndups++] = d;
        }
        /* 'X.1', or the next free suffix when the file has 'X.1' itself. */
        for (size_t k = copies;; k++) {
            b.len = 0;
            aq__buf_printf(&b, "%s.%zu", names[j], k);
            bool taken = false;
            for (size_t i = 0; i < n && !taken; i++)
                taken = i != j && (!keep || keep[i]) && strcmp(names[i], b.data) == 0;
            if (!taken || b.failed)
                break;
        }
        if (b.failed) {
            rc = aq__oom(ctx);
            break;
        }
        aq__warn(ctx, "'%s': column '%s' appears more than once; column %zu is read as '%s'",
                 t->source ? t->source : "the table", names[j], j + 1, b.data);
        char *nm = aq__strdup(b.data);
        if (!nm) {
            rc = aq__oom(ctx);
            break;
        }
        aq__free(names[j]);
        names[j] = nm;
    }
    aq__buf_free(&b);
    return rc;
}

int aq__table_check_unambiguous(aq_ctx *ctx, const aq_table *t, const char *name, const char *what)
{
    for (size_t k = 0; k < t->ndups; k++) {
        if (strcmp(t->dups[k], name) != 0)
            continue;
        aq_buf b = {0};
        size_t len = strlen(name);
        for (size_t j = 0; j < t->ncols; j++) {
            const char *c = t->cols[j].name;
            if (strcmp(c, name) == 0 || (strncmp(c, name, len) == 0 && c[len] == '.' && c[len + 1] >= '0' &&
                                         c[len + 1] <= '9'))
                aq__buf_printf(&b, "%s'%s'", b.len ? ", " : "", c);
        }
        int rc = aq__err(ctx, AQ_EINPUT, "%s names the column '%s', which appears more than once in '%s' (read as %s): "
                         "name one of these", what, name, t->source ? t->source : "the table", b.data ? b.data : "");
        aq__buf_free(&b);
        return rc;
    }
    return AQ_OK;
}
