/*
 * t_gdal_open.c -- GDAL's door (src/gdal_open.c, sheet_guard.c): the
 * network is off once aq__gdal_init has run (a loopback listener sees no
 * connection from /vsicurl/, /vsis3/ or GDAL's HTTP fetch), the extension
 * allow-list refuses a .vrt, .kml or .gml. (The spreadsheet scanner's
 * cases are in tests/cli/read_guard.sh, on workbooks python3 writes.)
 */
#define _LARGEFILE64_SOURCE 1 /* VSIStatBufL is a struct stat64 */
#include <sys/stat.h>

#include "aq_test.h"
#include "gdal_in.h"

#include <arpa/inet.h>
#include <cpl_http.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        return -1;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    *port = ntohs(a.sin_port);
    return fd;
}

static const char *tmpdir(void)
{
    const char *d = getenv("AQ_TMP");
    return d && *d ? d : "/tmp";
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq__gdal_init();
    aq__gdal_init(); /* once: a second call changes nothing */

    /* --- no network -------------------------------------------------- */
    int port = 0, fd = listener(&port);
    AQ_CHECK(fd >= 0);
    char url[128];
    VSIStatBufL st;
    snprintf(url, sizeof url, "/vsicurl/http://127.0.0.1:%d/grp.csv", port);
    AQ_CHECK(VSIStatL(url, &st) != 0);
    AQ_CHECK(VSIFOpenL(url, "rb") == NULL);
    snprintf(url, sizeof url, "/vsicurl_streaming/http://127.0.0.1:%d/grp.csv", port);
    AQ_CHECK(VSIFOpenL(url, "rb") == NULL);
    AQ_CHECK(VSIFOpenL("/vsis3/bucket/grp.csv", "rb") == NULL);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/crs.wkt", port);
    CPLHTTPResult *r = CPLHTTPFetch(url, NULL);
    AQ_CHECK(r && r->nStatus != 0 && r->pszErrBuf && strstr(r->pszErrBuf, "switched off"));
    CPLHTTPDestroyResult(r);
    r = CPLHTTPFetch("file:///etc/passwd", NULL);
    AQ_CHECK(r && r->nDataLen == 0);
    CPLHTTPDestroyResult(r);
    int c = accept(fd, NULL, NULL);
    AQ_CHECK(c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)); /* nobody called */
    if (c >= 0)
        close(c);
    close(fd);

    /* --- the allow-list ---------------------------------------------- */
    AQ_EQ_STR(aq__gdal_driver_for("a/B.XLSX"), "XLSX");
    AQ_EQ_STR(aq__gdal_driver_for("roads.osm.pbf"), "OSM");
    AQ_EQ_STR(aq__gdal_driver_for("x.json"), "GeoJSON");
    AQ_CHECK(aq__gdal_driver_for("x.vrt") == NULL);
    AQ_CHECK(aq__gdal_driver_for("x.kml") == NULL);
    AQ_CHECK(aq__gdal_driver_for("x.gml") == NULL);
    AQ_CHECK(aq__gdal_driver_for("dir.json/file") == NULL);
    aq_ctx *ctx = aq_ctx_new();
    aq_table *t = NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/t_gdal_open.vrt", tmpdir());
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("<OGRVRTDataSource/>\n", f);
        fclose(f);
    }
    AQ_EQ_INT(aq_table_read(ctx, path, NULL, &t), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "aimaq reads .csv") != NULL);
    unlink(path);

    aq_ctx_free(ctx);
    AQ_TEST_END();
}
