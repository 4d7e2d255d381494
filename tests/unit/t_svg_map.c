/*
 * t_svg_map.c -- the report's Albers equal-area conic projection against
 * the published worked examples, its Kazakhstan parameters against PROJ,
 * the number formats of the three languages, HTML escaping and one map.
 */
#include "aq_test.h"
#include "report_int.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void snyder_examples(void)
{
    aq_albers p;
    /* Snyder (1987), "Map Projections: A Working Manual", USGS PP 1395,
     * Appendix A, Albers numerical examples: phi1 = 29.5, phi2 = 45.5,
     * phi0 = 23, lambda0 = -96; the point (35 N, 75 W).
     * Sphere of radius 1: x = 0.2952720, y = 0.2416774 (p. 291). */
    AQ_EQ_INT(aq_albers_init(NULL, &p, 1.0, 0.0, 23, -96, 29.5, 45.5), AQ_OK);
    double x, y;
    aq_albers_forward(&p, -75, 35, &x, &y);
    AQ_NEAR(x, 0.2952720, 1e-7);
    AQ_NEAR(y, 0.2416774, 1e-7);
    AQ_NEAR(p.n, 0.6028370, 1e-7); /* Snyder's n for the sphere */
    /* Clarke 1866 ellipsoid, a = 6378206.4 m, e^2 = 0.00676866:
     * x = 1,885,472.7 m, y = 1,535,925.0 m (p. 292); PROJ 9
     * (+proj=aea, +rf=294.9786982) gives 1885472.726, 1535925.005. */
    AQ_EQ_INT(aq_albers_init(NULL, &p, 6378206.4, sqrt(0.00676866), 23, -96, 29.5, 45.5), AQ_OK);
    aq_albers_forward(&p, -75, 35, &x, &y);
    AQ_CHECK(fabs(x - 1885472.7) < 0.1);
    AQ_CHECK(fabs(y - 1535925.0) < 0.1);
    AQ_NEAR(p.n, 0.6029035, 1e-7);
    AQ_NEAR(p.C, 1.3491594, 1e-7);
    /* The latitude of origin: with phi0 = 0 the point (23 N, 96 W) lies
     * 2358954.1249627 m north of it (PROJ 9, same parameters). */
    AQ_EQ_INT(aq_albers_init(NULL, &p, 6378206.4, sqrt(0.00676866), 0, -96, 29.5, 45.5), AQ_OK);
    aq_albers_forward(&p, -96, 23, &x, &y);
    AQ_CHECK(fabs(x) < 1e-6);
    AQ_CHECK(fabs(y - 2358954.1249627) < 0.01);
}

static void kazakhstan(void)
{
    aq_albers p;
    aq_albers_kazakhstan(&p);
    double x, y;
    aq_albers_forward(&p, 68, 48, &x, &y); /* the origin */
    AQ_NEAR(x, 0, 1e-9);
    AQ_NEAR(y, 0, 1e-9);
    /* PROJ 9.1 (gdaltransform -s_srs EPSG:4326 -t_srs "+proj=aea +lat_1=45
     * +lat_2=51 +lat_0=48 +lon_0=68 +ellps=WGS84"): Almaty (80 E, 43.2 N)
     * -> 973290.970956323, -457811.097817949; Oral (51.4 E, 51.2 N) ->
     * -1151576.59776895, 480499.034890751. Agreement to a millimetre. */
    aq_albers_forward(&p, 80, 43.2, &x, &y);
    AQ_CHECK(fabs(x - 973290.970956323) < 1e-3);
    AQ_CHECK(fabs(y - -457811.097817949) < 1e-3);
    aq_albers_forward(&p, 51.4, 51.2, &x, &y);
    AQ_CHECK(fabs(x - -1151576.59776895) < 1e-3);
    AQ_CHECK(fabs(y - 480499.034890751) < 1e-3);
    /* Bad parameters are refused with a message. */
    aq_ctx *ctx = aq_ctx_new();
    AQ_EQ_INT(aq_albers_init(ctx, &p, 6378137, 0.08, 0, 68, 30, -30), AQ_EUSAGE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "symmetric") != NULL);
    AQ_EQ_INT(aq_albers_init(ctx, &p, 6378137, 0.08, 0, 68, 95, 50), AQ_EUSAGE);
    AQ_EQ_INT(aq_albers_init(ctx, &p, -1, 0, 0, 68, 45, 50), AQ_EUSAGE);
    /* One standard parallel (tangent cone): n = sin(phi1). */
    AQ_EQ_INT(aq_albers_init(ctx, &p, 1, 0.08, 48, 68, 48, 48), AQ_OK);
    AQ_NEAR(p.n, sin(48 * 3.14159265358979323846 / 180), 1e-12);
    aq_ctx_free(ctx);
}

static void numbers(void)
{
    char b[64];
    AQ_CHECK(strcmp(aq_report_number(19974.1, 1, "kk", b, sizeof b), "19 974,1") == 0);
    AQ_CHECK(strcmp(aq_report_number(19974.1, 1, "ru", b, sizeof b), "19 974,1") == 0);
    AQ_CHECK(strcmp(aq_report_number(19974.1, 1, "en", b, sizeof b), "19,974.1") == 0);
    AQ_CHECK(strcmp(aq_report_number(19765004, 0, "kk", b, sizeof b), "19 765 004") == 0);
    AQ_CHECK(strcmp(aq_report_number(1234567.891, 2, "en", b, sizeof b), "1,234,567.89") == 0);
    AQ_CHECK(strcmp(aq_report_number(999.95, 1, "en", b, sizeof b), "1,000.0") == 0);
    AQ_CHECK(strcmp(aq_report_number(-0.3355, 3, "kk", b, sizeof b), "-0,336") == 0 ||
             strcmp(b, "-0,335") == 0); /* binary rounding of the half */
    AQ_CHECK(strcmp(aq_report_number(-0.0001, 1, "en", b, sizeof b), "0.0") == 0);
    AQ_CHECK(strcmp(aq_report_number(NAN, 1, "en", b, sizeof b), "\u2013") == 0);
    AQ_CHECK(strcmp(aq_report_number(12345, 0, "en", b, 4), "12,") == 0); /* truncated, terminated */
}

static void escaping(void)
{
    aq_buf b = {0};
    aq__html_escape(&b, "<b>\"A&B\" 'c'</b>");
    AQ_CHECK(strcmp(b.data, "&lt;b&gt;&quot;A&amp;B&quot; &#39;c&#39;&lt;/b&gt;") == 0);
    aq__buf_free(&b);
    AQ_CHECK(strcmp(aq__report_str("kk", "population"), "Халық саны") == 0);
    AQ_CHECK(strcmp(aq__report_str("xx", "population"), "Population") == 0);
    AQ_CHECK(strcmp(aq__report_str("ru", "no-such-key"), "no-such-key") == 0);
}

/* Little-endian WKB of one square polygon. */
static size_t square_wkb(unsigned char *w, double x0, double y0, double d)
{
    size_t o = 0;
    w[o++] = 1;
    uint32_t type = 3, rings = 1, pts = 5;
    memcpy(w + o, &type, 4), o += 4;
    memcpy(w + o, &rings, 4), o += 4;
    memcpy(w + o, &pts, 4), o += 4;
    const double xy[10] = {x0, y0, x0 + d, y0, x0 + d, y0 + d, x0, y0 + d, x0, y0};
    memcpy(w + o, xy, sizeof xy), o += sizeof xy;
    return o;
}

static void map(void)
{
    aq_ctx *ctx = aq_ctx_new();
    unsigned char w1[128], w2[128];
    size_t n1 = square_wkb(w1, 60, 45, 2), n2 = square_wkb(w2, 62, 45, 2);
    unsigned char bad[3] = {1, 3, 0};
    aq__map_feature f[3] = {{w1, n1, "A1", "West <1>", "#ffffcc", "1"},
                            {w2, n2, "B2", "East", "#253494", NULL},
                            {bad, sizeof bad, "C3", "Broken", "#000", "3"}};
    aq__legend_item leg[2] = {{"#ffffcc", "1 – 2 (1)"}, {"#253494", "2 – 3 (1)"}};
    aq_albers p;
    aq_albers_kazakhstan(&p);
    aq_buf b = {0};
    size_t drawn = 0;
    AQ_EQ_INT(aq__svg_map(ctx, &b, f, 3, &p, 0.02, 400, leg, 2, "Legend & title", &drawn), AQ_OK);
    AQ_EQ_INT(drawn, 2); /* the broken WKB is skipped with a warning */
    AQ_CHECK(strstr(b.data, "id=\"uA1\" fill=\"#ffffcc\" d=\"M") != NULL);
    AQ_CHECK(strstr(b.data, "<title>West &lt;1&gt;</title>") != NULL);
    AQ_CHECK(strstr(b.data, "Legend &amp; title") != NULL);
    AQ_CHECK(strstr(b.data, "2 – 3 (1)") != NULL);
    AQ_CHECK(strstr(b.data, "http") == NULL);
    /* One label, inside the western square (x between its two edges). */
    const char *ml = strstr(b.data, "<text class=\"ml\" x=\"");
    AQ_CHECK(ml && strstr(ml + 20, "class=\"ml\"") == NULL);
    AQ_CHECK(ml && strstr(ml, ">1</text>") != NULL);
    double lx = ml ? strtod(ml + strlen("<text class=\"ml\" x=\""), NULL) : -1;
    AQ_CHECK(lx > 10 && lx < 200); /* the squares span 10..390 */
    /* The two squares share the edge at 62 E: it is drawn at the same x. */
    AQ_CHECK(strstr(b.data, "Z\"><title>East") != NULL);
    aq__buf_free(&b);
    aq_ctx_free(ctx);
}

static const char *write_file(const char *name, const char *text, char *path, size_t size)
{
    aq_test_path(path, size, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* A toy store: three regions, two with boundaries, values for 2021-2022,
 * population in both years. */
static aq_store *toy_store(aq_ctx *ctx)
{
    char db[1024], p1[512], p2[512], p3[512];
    aq_test_store(db, sizeof db, "t_svg_map_report.db");
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, db, AQ_STORE_CREATE, &s), AQ_OK);
    if (!s)
        return NULL;
    write_file("t_svg_map_units.csv",
               "code,parent,level,name_kk,name_ru,name_en\n000000000,,country,Ел,Страна,Country\n"
               "100000000,000000000,region,Бір <&>,Один,One\n200000000,000000000,region,Екі,Два,Two\n"
               "300000000,000000000,region,Үш,Три,Three\n",
               p1, sizeof p1);
    write_file("t_svg_map_geom.geojson",
               "{\"type\":\"FeatureCollection\",\"features\":[\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"100000000\"},\"geometry\":{\"type\":\"Polygon\","
               "\"coordinates\":[[[60,45],[62,45],[62,47],[60,47],[60,45]]]}},\n"
               "{\"type\":\"Feature\",\"properties\":{\"code\":\"200000000\"},\"geometry\":{\"type\":\"Polygon\","
               "\"coordinates\":[[[62,45],[64,45],[64,47],[62,47],[62,45]]]}}]}\n",
               p2, sizeof p2);
    write_file("t_svg_map_values.csv",
               "code,year,grp,population\n100000000,2021,100,1000\n200000000,2021,300,2000\n"
               "300000000,2021,200,500\n100000000,2022,120,1000\n200000000,2022,360,2100\n"
               "300000000,2022,150,600\n",
               p3, sizeof p3);
    aq_import_result r;
    const char *files[3] = {p1, p2, p3};
    for (int i = 0; i < 3; i++) {
        memset(&r, 0, sizeof r);
        AQ_EQ_INT(aq_store_import(s, files[i], NULL, &r), AQ_OK);
        aq_import_result_clear(&r);
    }
    return s;
}

static void report(void)
{
    aq_ctx *ctx = aq_ctx_new();
    aq_store *s = toy_store(ctx);
    if (!s) {
        aq_ctx_free(ctx);
        return;
    }
    aq_report_opts o;
    aq_report_opts_init(&o);
    o.value = "grp";
    o.classes = 2;
    char *html = NULL;
    size_t len = 0;
    AQ_EQ_INT(aq_report_html(s, &o, &html, &len), AQ_OK);
    AQ_CHECK(html && strlen(html) == len);
    if (html) {
        AQ_CHECK(strstr(html, "<html lang=\"kk\">") != NULL);
        /* two boundaries, the third region named in the note */
        size_t paths = 0;
        for (const char *q = html; (q = strstr(q, "<path class=\"unit\"")) != NULL; q++)
            paths++;
        AQ_EQ_INT(paths, 2);
        AQ_CHECK(strstr(html, "картада жоқ: Үш") != NULL);
        /* two units on the map are too few for clusters: a note, no map */
        AQ_CHECK(strstr(html, "кемінде 5 өңір") != NULL);
        /* names are escaped everywhere */
        AQ_CHECK(strstr(html, "Бір &lt;&amp;&gt;") != NULL);
        AQ_CHECK(strstr(html, "Бір <&>") == NULL);
        /* Weighted Gini of 2022, x = 120, 150, 360 with w = 1000, 600, 2100:
         * sum w_i w_j |x_i - x_j| / (2 W^2 mean) = 0.2200772 (by hand). */
        AQ_CHECK(strstr(html, "<b>0,220</b>") != NULL);
        /* Unweighted series: 2021 Gini of 100, 200, 300 = 2/9 = 0.222;
         * 2022: 960 / 3780 = 0.254; max/min 3 in both years. */
        AQ_CHECK(strstr(html, "<td>2021</td><td class=\"n\">3</td><td class=\"n\">3,00</td><td class=\"n\">0,222</td>") != NULL);
        AQ_CHECK(strstr(html, "<td>2022</td><td class=\"n\">3</td><td class=\"n\">3,00</td><td class=\"n\">0,254</td>") != NULL);
        /* population of the latest period: 2100 + 1000 + 600 = 3 700 */
        AQ_CHECK(strstr(html, "<td class=\"n\">3 700</td>") != NULL);
    }
    aq_free(html);

    /* Bad options are refused and leave *html alone. */
    html = NULL;
    o.lang = "de";
    AQ_EQ_INT(aq_report_html(s, &o, &html, NULL), AQ_EUSAGE);
    AQ_CHECK(html == NULL);
    o.lang = "en";
    o.value = "nothing";
    AQ_EQ_INT(aq_report_html(s, &o, &html, NULL), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'nothing'") != NULL);
    o.value = "grp";
    o.level = "district";
    AQ_CHECK(aq_report_html(s, &o, &html, NULL) != AQ_OK);
    AQ_CHECK(html == NULL);
    o.level = "region";

    /* Every allocation failure is an error code, never a crash or a leak
     * (the sanitizer build checks the leaks), until the report succeeds. */
    int ok = 0, failures = 0;
    for (long n = 1; n < 5000 && !ok; n++) {
        aq_debug_fail_alloc_after(n);
        html = NULL;
        int rc = aq_report_html(s, &o, &html, NULL);
        aq_debug_fail_alloc_after(0);
        if (rc == AQ_OK) {
            ok = 1;
        } else {
            failures++;
            if (html != NULL)
                failures = -100000;
        }
        aq_free(html);
    }
    AQ_CHECK(ok);
    AQ_CHECK(failures > 10);
    aq_store_close(s);
    aq_ctx_free(ctx);
}

int main(void)
{
    AQ_TEST_BEGIN();
    snyder_examples();
    kazakhstan();
    numbers();
    escaping();
    map();
    report();
    AQ_TEST_END();
}
