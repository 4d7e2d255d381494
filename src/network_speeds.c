/*
 * network_speeds.c -- travel speeds per road class, for edges and lines
 * that have a length and a class but no travel time.
 *
 * The defaults are typical free-flow speeds of OpenStreetMap highway
 * classes and of Kazakhstan's road categories (republican, regional,
 * district roads; speed limits of the Rules of the Road: 110 km/h on
 * motorways, 90 outside settlements, 60 inside). A user list
 * "class=km/h,...,default=km/h" overrides them; classes without a speed
 * are left out of the network (the builders count them in a warning).
 */
#include "network_int.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *cls;
    double kmh;
} defaults[] = {
    {"motorway", 110}, {"motorway_link", 60}, {"trunk", 90},       {"trunk_link", 50},
    {"primary", 80},   {"primary_link", 40},  {"secondary", 70},   {"secondary_link", 40},
    {"tertiary", 60},  {"tertiary_link", 30}, {"unclassified", 50}, {"road", 40},
    {"residential", 30}, {"living_street", 10}, {"service", 20},   {"track", 20},
    /* Kazakhstan's categories of public roads */
    {"republican", 90}, {"regional", 70}, {"district", 50}, {"local", 40},
};

/* Looks CLS up in a "k=v,..." list; returns 1 and sets *kmh when present. */
static int lookup(const char *list, const char *cls, double *kmh)
{
    size_t n = strlen(cls);
    for (const char *p = list; p && *p;) {
        const char *eq = strchr(p, '='), *comma = strchr(p, ',');
        if (!comma)
            comma = p + strlen(p);
        if (eq && eq < comma && (size_t)(eq - p) == n && strncmp(p, cls, n) == 0) {
            *kmh = strtod(eq + 1, NULL);
            return 1;
        }
        p = *comma ? comma + 1 : comma;
    }
    return 0;
}

double aq__speed_of(const char *speeds, const char *cls)
{
    double kmh;
    if (cls && lookup(speeds, cls, &kmh))
        return kmh;
    for (size_t k = 0; cls && k < sizeof defaults / sizeof *defaults; k++)
        if (strcmp(defaults[k].cls, cls) == 0)
            return defaults[k].kmh;
    if (lookup(speeds, "default", &kmh))
        return kmh;
    return 0;
}

int aq_speeds_check(aq_ctx *ctx, const char *speeds)
{
    for (const char *p = speeds; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        char *end;
        double v = eq ? strtod(eq + 1, &end) : 0;
        if (!eq || eq == p || end == eq + 1 || end != p + len || !(v > 0))
            return aq__err(ctx, AQ_EUSAGE, "speeds: '%.*s' is not CLASS=KMH with a speed above 0 "
                           "(e.g. primary=80,default=50)", (int)len, p);
        p = comma ? comma + 1 : p + len;
    }
    return AQ_OK;
}
