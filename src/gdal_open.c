/*
 * gdal_open.c -- the one door to GDAL for the files aimaq reads.
 *
 * A file is opened only by the driver its extension names (the allow-list
 * below), never by the driver GDAL would pick from the content: a GDAL VRT
 * (XML naming other data sources: the store, the audit log, a URL) saved
 * as data.json would otherwise be obeyed. No driver on the list reads other
 * files or connections named inside a file. /vsi paths and connection
 * strings are refused, and network access is off for the whole process
 * (aq__gdal_init), so a GeoJSON "crs" link or a /vsicurl/ name fetches
 * nothing either.
 */
#include "gdal_in.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_http.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <ogr_srs_api.h>
#include <pthread.h>
#include <string.h>

/* Extension -> the one GDAL driver that opens it. Delimited text (.csv,
 * .tsv, .txt, .tab) never comes here: aimaq's own parser reads it.
 * Formats whose drivers follow references (VRT, GML's schemas and xlinks,
 * KML's network links, WFS, PostgreSQL and other connections) are absent
 * on purpose: convert such a file to GeoPackage with ogr2ogr first. */
static const struct {
    const char *ext, *driver, *label;
} allowed[] = {
    {".geojson", "GeoJSON", "GeoJSON"},
    {".json", "GeoJSON", "GeoJSON"},
    {".shp", "ESRI Shapefile", "Shapefile"},
    {".dbf", "ESRI Shapefile", "dBase (Shapefile attributes)"},
    {".gpkg", "GPKG", "GeoPackage"},
    {".xlsx", "XLSX", "XLSX workbook"},
    {".ods", "ODS", "ODS spreadsheet"},
    {".xls", "XLS", "Excel 97-2003 workbook"},
    {".fgb", "FlatGeobuf", "FlatGeobuf"},
    {".osm", "OSM", "OpenStreetMap XML"},
    {".pbf", "OSM", "OpenStreetMap PBF"},
};

static int find_ext(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash))
        return -1;
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        if (aq__ieq(dot, allowed[i].ext))
            return (int)i;
    return -1;
}

const char *aq__gdal_driver_for(const char *path)
{
    int i = find_ext(path);
    return i < 0 ? NULL : allowed[i].driver;
}

/* Every HTTP fetch GDAL makes (a GeoJSON "crs" link, an SRS from a URL,
 * file:// included, since curl reads those too) ends here, unanswered. */
static CPLHTTPResult *no_fetch(const char *url, CSLConstList options, GDALProgressFunc progress, void *progress_arg,
                               CPLHTTPFetchWriteFunc write, void *write_arg, void *user)
{
    (void)url, (void)options, (void)progress, (void)progress_arg, (void)write, (void)write_arg, (void)user;
    CPLHTTPResult *r = CPLCalloc(1, sizeof *r);
    r->nStatus = 1;
    r->pszErrBuf = CPLStrdup("network access is switched off in aimaq");
    return r;
}

/* A file system that has no files: it replaces GDAL's network ones. */
static int none_stat(void *user, const char *name, VSIStatBufL *st, int flags)
{
    (void)user, (void)name, (void)st, (void)flags;
    return -1;
}

static void *none_open(void *user, const char *name, const char *access)
{
    (void)user, (void)name, (void)access;
    return NULL;
}

static char **none_readdir(void *user, const char *dir, int max)
{
    (void)user, (void)dir, (void)max;
    return NULL;
}

static vsi_l_offset none_tell(void *f)
{
    (void)f;
    return 0;
}

static int none_seek(void *f, vsi_l_offset off, int whence)
{
    (void)f, (void)off, (void)whence;
    return -1;
}

static size_t none_read(void *f, void *buf, size_t size, size_t count)
{
    (void)f, (void)buf, (void)size, (void)count;
    return 0;
}

static void init_once(void)
{
    GDALAllRegister();
    /* Belt and braces beside the replaced file systems below. */
    CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", ".aimaq-no-network");
    CPLSetConfigOption("GDAL_HTTP_MAX_RETRY", "0");
    CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
    CPLSetConfigOption("GDAL_HTTP_CONNECTTIMEOUT", "1");
    /* No directory listing on open (a spool directory holds other users'
     * uploads); drivers still find a Shapefile's .dbf by its name. */
    CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "TRUE");
    CPLSetConfigOption("OGR_SQLITE_ALLOW_EXTERNAL_ACCESS", "NO");
    CPLSetConfigOption("GDAL_PAM_ENABLED", "NO"); /* no .aux.xml beside inputs */
    CPLHTTPSetFetchCallback(no_fetch, NULL);
    OSRSetPROJEnableNetwork(0);
    static const char *const net[] = {"/vsicurl/", "/vsicurl_streaming/", "/vsis3/", "/vsis3_streaming/", "/vsigs/",
                                      "/vsigs_streaming/", "/vsiaz/", "/vsiaz_streaming/", "/vsiadls/", "/vsioss/",
                                      "/vsioss_streaming/", "/vsiswift/", "/vsiswift_streaming/", "/vsiwebhdfs/",
                                      "/vsihdfs/", NULL};
    VSIFilesystemPluginCallbacksStruct *cb = VSIAllocFilesystemPluginCallbacksStruct();
    if (cb) {
        cb->stat = none_stat;
        cb->open = none_open;
        cb->read_dir = none_readdir;
        cb->tell = none_tell;
        cb->seek = none_seek;
        cb->read = none_read;
        for (size_t i = 0; net[i]; i++)
            VSIInstallPluginHandler(net[i], cb); /* copies *cb */
        VSIFreeFilesystemPluginCallbacksStruct(cb);
    }
}

void aq__gdal_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init_once);
}

/* GDAL's messages while it opens a file: its first failure says where
 * ("At line 1, character 44: Unterminated array"); the last only that it
 * failed. */
typedef struct heard {
    char first[512];
    bool unrecognised;
} heard;

static void CPL_STDCALL listen_gdal(CPLErr level, CPLErrorNum num, const char *msg)
{
    (void)num;
    heard *h = CPLGetErrorHandlerUserData();
    if (!h || level < CE_Failure || !msg)
        return;
    if (strstr(msg, "not recognized as a supported file format"))
        h->unrecognised = true;
    else if (!h->first[0])
        snprintf(h->first, sizeof h->first, "%s", msg);
}

/* GDAL's message, with the name GDAL was given put back to the user's and
 * cut short. It is the user's own file it may quote (nothing else is
 * opened), but a line is enough. */
static void gdal_reason(char *buf, size_t size, const char *msg, const char *gdal_path, const char *path)
{
    aq_buf b = {0};
    size_t n = strlen(gdal_path);
    for (const char *at; n && msg && (at = strstr(msg, gdal_path)); msg = at + n) {
        aq__buf_append(&b, msg, (size_t)(at - msg));
        aq__buf_puts(&b, path);
    }
    aq__buf_puts(&b, msg ? msg : "");
    snprintf(buf, size, "%.300s", b.data && !b.failed ? b.data : "");
    aq__buf_free(&b);
    for (char *p = buf; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
}

int aq__gdal_open(aq_ctx *ctx, const char *path, const aq_read_opts *opts, GDALDatasetH *out)
{
    *out = NULL;
    aq__gdal_init();
    int rc = aq__input_regular(ctx, path); /* also refuses /vsi... names */
    if (rc)
        return rc;
    int k = find_ext(path);
    if (k < 0)
        return aq__err(ctx, AQ_EINPUT,
                       "cannot read '%s': aimaq reads .csv, .tsv, .txt, .tab, .xlsx, .xls, .ods, .geojson, .json, .shp, "
                       ".dbf, .gpkg, .fgb, .osm and .osm.pbf files (by their extension); convert others to "
                       "GeoPackage, e.g. with ogr2ogr",
                       path);
    /* "./" keeps a relative name from reading as a connection string
     * (GPKG:file:table, PG:..., a URL). */
    aq_buf gp = {0};
    aq__buf_printf(&gp, "%s%s", path[0] == '/' ? "" : "./", path);
    if (gp.failed) {
        aq__buf_free(&gp);
        return aq__oom(ctx);
    }
    const char *drv = allowed[k].driver;
    CPLPushErrorHandler(CPLQuietErrorHandler); /* the zip reader's complaints: the guard says what matters */
    if (!strcmp(drv, "XLSX") || !strcmp(drv, "ODS"))
        rc = aq__sheet_guard(ctx, path, gp.data, !strcmp(drv, "ODS"), opts ? opts->layer : NULL);
    else if (!strcmp(drv, "GPKG"))
        rc = aq__gpkg_check(ctx, path);
    CPLPopErrorHandler();
    if (rc) {
        aq__buf_free(&gp);
        return rc;
    }
    const char *const drivers[] = {drv, NULL};
    char **oo = NULL;
    if (opts && opts->encoding && !strcmp(drv, "ESRI Shapefile"))
        oo = CSLSetNameValue(oo, "ENCODING", opts->encoding);
    heard h = {{0}, false};
    CPLPushErrorHandlerEx(listen_gdal, &h);
    GDALDatasetH ds = GDALOpenEx(gp.data, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, (const char *const *)oo, NULL);
    CSLDestroy(oo);
    if (!ds) {
        char why[512];
        gdal_reason(why, sizeof why, h.first, gp.data, path);
        if (!*why || h.unrecognised)
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s' is not a valid %s file: its content is not what the extension %s names (aimaq reads a "
                         "file only as the format of its extension)",
                         path, allowed[k].label, allowed[k].ext);
        else
            rc = aq__err(ctx, AQ_EINPUT, "cannot read '%s' as %s: %s", path, allowed[k].label, why);
    }
    CPLPopErrorHandler();
    aq__buf_free(&gp);
    *out = ds;
    return rc;
}
