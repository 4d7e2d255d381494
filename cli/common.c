/*
 * common.c -- input, output and messages shared by the commands.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_exit_code(int rc)
{
    switch (rc) {
    case AQ_OK:
        return AQ_EXIT_OK;
    case AQ_EUSAGE:
        return AQ_EXIT_USAGE;
    case AQ_EINPUT:
    case AQ_EIO:
    case AQ_ENOTFOUND:
    case AQ_ESTORE:
    case AQ_EDENIED:
    case AQ_ELIMIT:
        return AQ_EXIT_INPUT;
    default:
        return AQ_EXIT_INTERNAL;
    }
}

int cli_fail(aq_ctx *ctx, int rc)
{
    fprintf(stderr, "aimaq: error: %s\n", aq_errmsg(ctx));
    return cli_exit_code(rc);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("aimaq: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return AQ_EXIT_USAGE;
}

static void warn_to_stderr(void *user, const char *message)
{
    (void)user;
    fprintf(stderr, "aimaq: warning: %s\n", message);
}

aq_ctx *cli_ctx(void)
{
    aq_ctx *ctx = aq_ctx_new();
    if (!ctx) {
        fputs("aimaq: error: out of memory\n", stderr);
        exit(AQ_EXIT_INTERNAL);
    }
    aq_ctx_set_warning_fn(ctx, warn_to_stderr, NULL);
    /* The spreadsheet bounds (docs/import.md), for a workbook larger than
     * the defaults allow. */
    const char *mb = getenv("AIMAQ_SHEET_MAX_MB"), *cells = getenv("AIMAQ_SHEET_MAX_CELLS");
    unsigned long long m = mb && *mb ? strtoull(mb, NULL, 10) : 0, c = cells && *cells ? strtoull(cells, NULL, 10) : 0;
    aq_ctx_set_sheet_limits(ctx, m > 0 && m < (1ULL << 40) ? m << 20 : 0, c);
    return ctx;
}

const char *cli_db_path(const char *db)
{
    if (db && *db)
        return db;
    const char *env = getenv("AIMAQ_DB");
    return env && *env ? env : "aimaq.db";
}

/* Splits "a,b,c" into a NULL-terminated array of pointers into a copy. */
static char **split_codes(const char *list)
{
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    char **v = calloc(n + 1, sizeof *v);
    char *copy = strdup(list);
    if (!v || !copy) {
        free(v);
        free(copy);
        return NULL;
    }
    size_t k = 0;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
        v[k++] = tok;
    v[k] = NULL;
    if (k == 0)
        free(copy);
    return v;
}

const char **cli_split_list(char *copy)
{
    size_t n = 2;
    for (const char *p = copy; *p; p++)
        n += *p == ',';
    const char **v = calloc(n, sizeof *v);
    if (!v)
        return NULL;
    size_t k = 0;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ","))
        v[k++] = tok;
    return v;
}

void cli_read_opts(const cli_input *in, aq_read_opts *ro)
{
    aq_read_opts_init(ro);
    ro->layer = in->layer;
    ro->encoding = in->encoding;
    /* anything but '.' or ',' is refused by the reader, naming both */
    if (in->decimal)
        ro->decimal = strlen(in->decimal) == 1 ? in->decimal[0] : '?';
}

int cli_input_load(aq_ctx *ctx, cli_input *in, const char *file, aq_table **out)
{
    if (file) {
        aq_read_opts ro;
        cli_read_opts(in, &ro);
        ro.columns = in->columns;
        ro.optional_columns = in->columns ? in->optional_columns : NULL;
        ro.header_row = in->header_row > 0 ? (size_t)in->header_row : 0;
        ro.skip_rows = in->skip_rows > 0 ? (size_t)in->skip_rows : 0;
        return aq_table_read(ctx, file, &ro, out);
    }
    aq_store *store = NULL;
    int rc = aq_store_open(ctx, cli_db_path(in->db), AQ_STORE_READONLY, &store);
    if (rc)
        return rc;
    char **codes = in->indicator ? split_codes(in->indicator) : NULL;
    aq_selection sel = {.indicators = (const char *const *)codes, .level = in->level, .period = in->period, .under = in->under};
    rc = aq_store_select(store, &sel, out);
    if (codes) {
        free(codes[0]);
        free(codes);
    }
    aq_store_close(store);
    in->from_store = 1;
    return rc;
}

int cli_format(const char *name, enum aq_format *out)
{
    if (!name) {
        *out = AQ_FMT_TEXT;
        return 0;
    }
    if (aq_format_parse(name, out) != AQ_OK)
        return cli_usage_error("--format must be table, csv, json, geojson, gpkg or xlsx, not '%s'", name);
    return 0;
}

int cli_write(aq_ctx *ctx, const aq_table *t, enum aq_format fmt, const char *output)
{
    const char *path = output && *output ? output : "-";
    if (fmt == AQ_FMT_AUTO && strcmp(path, "-") == 0)
        fmt = AQ_FMT_TEXT;
    return aq_table_write(ctx, t, path, fmt, NULL);
}
