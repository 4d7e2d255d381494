/*
 * read.c -- aq_table_read: picks the reader for a file.
 */
#include "aq_int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void aq_read_opts_init(aq_read_opts *opts) { memset(opts, 0, sizeof *opts); }

int aq_table_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq_table **out)
{
    if (!path || !*path)
        return aq__err(ctx, AQ_EUSAGE, "no input file given");
    struct stat st;
    if (stat(path, &st) != 0)
        return aq__err(ctx, AQ_EIO, "cannot open '%s': %s", path, errno == ENOENT ? "no such file" : strerror(errno));
    if (opts && opts->delimiter && opts->delimiter != ',' && opts->delimiter != ';' &&
        opts->delimiter != '\t' && opts->delimiter != '|')
        return aq__err(ctx, AQ_EUSAGE, "delimiter must be ',', ';', tab or '|'");
    if (opts && opts->decimal && opts->decimal != '.' && opts->decimal != ',')
        return aq__err(ctx, AQ_EUSAGE, "decimal mark must be '.' or ','");
    if (aq__is_delimited_path(path))
        return aq__csv_read(ctx, path, opts, out);
    return aq__ogr_read(ctx, path, opts, out);
}
