/*
 * gdal_in.h -- the one door through which a file aimaq reads reaches GDAL
 * (gdal_open.c), and the checks made before a file goes through it: the
 * spreadsheet bounds (sheet_guard.c) and the GeoPackage check
 * (gpkg_check.c).
 *
 * GDAL, left to itself, picks a driver from a file's content, and some of
 * its drivers read other files, query databases or fetch URLs named inside
 * the file (a VRT's SrcDataSource, a GeoJSON "crs" link). A file aimaq
 * reads may come from anyone (an upload to `aimaq serve`, a mailed
 * workbook), so it is opened only by the driver its extension names, with
 * network access switched off process-wide.
 */
#ifndef AQ_GDAL_IN_H
#define AQ_GDAL_IN_H

#include "aq_int.h"

#include <gdal.h>

/* Registers GDAL's drivers and switches off everything that could reach
 * the network (the HTTP fetch, the /vsicurl/-like file systems, PROJ's
 * network). Once per process, thread-safe; every GDAL user calls it
 * instead of GDALAllRegister. */
void aq__gdal_init(void);

/* Opens PATH (a regular file, checked) read-only as a vector dataset with
 * the one driver its extension names (the allow-list of gdal_open.c),
 * after the checks its format needs (spreadsheet bounds, GeoPackage
 * schema). OPTS gives the layer (for the formula warning) and the
 * encoding. Returns AQ_OK with *out set, AQ_EINPUT (an extension aimaq
 * does not read, not that format, refused content), AQ_EIO (not a regular
 * file), AQ_ELIMIT (a spreadsheet past the context's bounds). The caller closes
 * *out with GDALClose. */
int aq__gdal_open(aq_ctx *ctx, const char *path, const aq_read_opts *opts, GDALDatasetH *out);

/* The short name of the GDAL driver the extension of PATH names ("XLSX",
 * "GeoJSON", ...), or NULL when aimaq does not read that extension through
 * GDAL. */
const char *aq__gdal_driver_for(const char *path);

/* Checks an XLSX (ODS when ODS is true) before GDAL parses it: its
 * uncompressed size and its cells (the used range of every sheet, and the
 * shared strings) within the context's bounds, no DOCTYPE (XML entities),
 * worksheets inside the archive. Warns, through the context, about the
 * cells of sheet LAYER (NULL = the first) whose formula has no saved
 * value. GDAL_PATH is the path as GDAL is given it. */
int aq__sheet_guard(aq_ctx *ctx, const char *path, const char *gdal_path, bool ods, const char *layer);

/* Checks a GeoPackage on a connection of its own, read-only: an SQLite
 * file whose views and triggers reference no other database and whose
 * virtual tables are R-trees only. */
int aq__gpkg_check(aq_ctx *ctx, const char *path);

#endif
