/*
 * api_map.c -- the dashboard's maps and charts (sections of the report,
 * drawn by the library as SVG) and the stored methodologies.
 *
 * Drawing a national map takes tens of milliseconds, so sections are cached,
 * keyed by the request and the store's dataset horizon: every change that
 * makes data live creates a newer dataset, so a cached map is never stale.
 */
#include "srv.h"
#include "aimaq_report.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAP_CACHE_SLOTS = 32 };

typedef struct srv_map_cache {
    struct {
        char key[512];
        char *html;
        size_t len;
    } slot[MAP_CACHE_SLOTS];
    size_t next; /* the slot to overwrite next (round robin) */
} srv_map_cache;

void srv_map_cache_free(srv *server)
{
    if (!server->maps)
        return;
    for (size_t i = 0; i < MAP_CACHE_SLOTS; i++)
        aq_free(server->maps->slot[i].html);
    free(server->maps);
    server->maps = NULL;
}

/* Copies the cached map of KEY into RS; false when there is none. */
static bool cached(srv *server, const char *key, srv_response *rs)
{
    bool hit = false;
    pthread_mutex_lock(&server->lock);
    for (size_t i = 0; server->maps && i < MAP_CACHE_SLOTS && !hit; i++)
        if (server->maps->slot[i].html && !strcmp(server->maps->slot[i].key, key)) {
            srv_reply_text(rs, 200, "text/html; charset=utf-8", server->maps->slot[i].html, server->maps->slot[i].len);
            hit = true;
        }
    pthread_mutex_unlock(&server->lock);
    return hit;
}

static void remember(srv *server, const char *key, char *html, size_t len)
{
    pthread_mutex_lock(&server->lock);
    if (!server->maps)
        server->maps = calloc(1, sizeof *server->maps);
    if (server->maps) {
        size_t i = server->maps->next++ % MAP_CACHE_SLOTS;
        aq_free(server->maps->slot[i].html);
        snprintf(server->maps->slot[i].key, sizeof server->maps->slot[i].key, "%s", key);
        server->maps->slot[i].html = html;
        server->maps->slot[i].len = len;
        html = NULL;
    }
    pthread_mutex_unlock(&server->lock);
    aq_free(html);
}

/* The sections a dashboard may ask for: the ones drawn from the store
 * alone (class maps and summaries come from files given to the report). */
static const char *const store_sections[] = {"map", "lisa", "bars", "dots", "lorenz", "series", "population",
                                             "provenance", NULL};

/* Is CODE, a population indicator the request named, in the store? Else
 * 404 naming it: the report would draw unweighted without a word of why
 * (it notes only a known indicator without values). The default
 * "population" is not checked: a store without one is drawn unweighted,
 * as the report says. */
static bool population_known(srv_worker *w, srv_response *rs, const char *code)
{
    aq_page_query q = {.what = "indicators", .indicator = code, .limit = 1};
    aq_table *t = NULL;
    long long total = 0;
    int rc = aq_store_page(w->store, &q, &t, &total);
    aq_table_free(t);
    if (rc)
        srv_reply_rc(w, rs, rc);
    else if (total == 0)
        srv_reply_error(rs, 404, "no population indicator '%s' in the store: name one of GET /api/indicators, or leave "
                        "\"population\" out to use the indicator 'population' when there is one", code);
    return rc == AQ_OK && total > 0;
}

/* GET /api/map (the choropleth) and GET /api/chart?section=NAME. */
static void section(srv_worker *w, const srv_request *rq, srv_response *rs, const char *name)
{
    size_t classes = 5, k = 0;
    if (!srv_query_size(rq, rs, "classes", 7, 5, &classes))
        return;
    while (store_sections[k] && strcmp(store_sections[k], name))
        k++;
    if (!store_sections[k]) {
        srv_reply_error(rs, 400, "\"section\" must be map, lisa, bars, dots, lorenz, series, population or provenance");
        return;
    }
    if (classes < 2) {
        srv_reply_error(rs, 400, "\"classes\" must be 2 to 7");
        return;
    }
    aq_report_opts o;
    aq_report_opts_init(&o);
    o.lang = srv_lang(rq);
    o.classes = (int)classes;
    if (srv_query(rq, "indicator"))
        o.value = srv_query(rq, "indicator");
    if (srv_query(rq, "level"))
        o.level = srv_query(rq, "level");
    if (srv_query(rq, "population"))
        o.population = srv_query(rq, "population");
    if (!srv_check_value(rs, "indicator", o.value) || !srv_check_value(rs, "level", o.level) ||
        !srv_check_value(rs, "population", o.population))
        return;
    char key[512];
    snprintf(key, sizeof key, "%lld|%s|%s|%s|%s|%s|%d", aq_ws_dataset_horizon(w->store), store_sections[k], o.value,
             o.level, o.lang, o.population ? o.population : "", o.classes);
    if (cached(w->server, key, rs))
        return;
    if (srv_query(rq, "population") && !population_known(w, rs, o.population))
        return;
    char *html = NULL;
    size_t len = 0;
    int rc = aq_report_section_html(w->store, &o, store_sections[k], &html, &len);
    if (rc) {
        srv_reply_rc(w, rs, rc);
        return;
    }
    srv_reply_text(rs, 200, "text/html; charset=utf-8", html, len);
    remember(w->server, key, html, len);
}

void srv_api_map(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    if (srv_query(rq, "section"))
        srv_reply_error(rs, 400, "/api/map draws the map only: other sections are /api/chart?section=");
    else
        section(w, rq, rs, "map");
}

void srv_api_chart(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    const char *name = srv_query(rq, "section");
    if (!name) {
        srv_reply_error(rs, 400, "/api/chart needs ?section= (lisa, bars, dots, lorenz, series, population, provenance)");
        return;
    }
    section(w, rq, rs, name);
}

void srv_api_methods(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)who, (void)arg;
    aq_ws_page page;
    aq_table *t = NULL;
    if (!srv_query_page(rq, rs, &page))
        return;
    int rc = aq_ws_methods_page(w->store, &page, &t);
    srv_reply_ws_page(w, rs, rc, t, &page);
}

void srv_api_method_put(srv_worker *w, const srv_request *rq, const srv_caller *who, srv_response *rs, const char *arg)
{
    (void)arg;
    json_t *body = srv_body_object(rq, rs);
    const char *name, *text;
    if (!body)
        return;
    if (srv_body_string(body, rs, "name", true, &name) && srv_body_string(body, rs, "text", true, &text) &&
        srv_check_value(rs, "name", name)) {
        char sha[65], json[160];
        int rc = aq_ws_method_put(w->store, &who->account, name, text, sha);
        if (rc) {
            srv_reply_rc(w, rs, rc);
        } else {
            snprintf(json, sizeof json, "{\"sha256\":\"%s\"}", sha);
            srv_reply_json(rs, 201, json);
        }
    }
    json_decref(body);
}
