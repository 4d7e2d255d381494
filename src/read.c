/*
 * read.c -- aq_table_read: picks the reader for a file; and the check every
 * reader of an input file makes first (a regular file, nothing else).
 */
#include "aq_int.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

void aq_read_opts_init(aq_read_opts *opts) { memset(opts, 0, sizeof *opts); }

/* What a non-regular file is, for the message. */
static const char *file_kind(mode_t m)
{
    return S_ISFIFO(m) ? "a FIFO (named pipe)" : S_ISCHR(m) ? "a character device" : S_ISBLK(m) ? "a block device"
         : S_ISDIR(m)  ? "a directory" : S_ISSOCK(m) ? "a socket" : "not a plain file";
}

int aq__input_regular(aq_ctx *ctx, const char *path)
{
    if (strncmp(path, "/vsi", 4) == 0) /* GDAL would read it as a URL or an archive member */
        return aq__err(ctx, AQ_EINPUT,
                       "cannot read '%s': GDAL virtual file systems (/vsi...) are not read; give a local file", path);
    struct stat st;
    /* stat, not open: opening a FIFO blocks until someone writes to it. */
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode))
        return AQ_OK;
    return aq__err(ctx, AQ_EIO, "cannot read '%s': it is %s, not a regular file (aimaq reads files only)", path,
                   file_kind(st.st_mode));
}

int aq_table_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts, aq_table **out)
{
    if (!path || !*path)
        return aq__err(ctx, AQ_EUSAGE, "no input file given");
    int rc = aq__input_regular(ctx, path);
    if (rc)
        return rc;
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
