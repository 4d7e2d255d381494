/*
 * t_workspace_submit.c -- coordination in the shared workspace: a regional
 * editor's files and edits wait for a central analyst, invisible to every
 * selection; approval makes them live, rejection discards them; the scope
 * keeps an editor to its territory; results reproduce at their dataset
 * horizon; and a store of schema 1 migrates to 2 keeping its data.
 */
#include "aimaq_workspace.h"
#include "aq_test.h"
#include "store.h"

#include <pthread.h>
#include "db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long long count(aq_store *s, const char *sql)
{
    aq_db_stmt *st;
    long long n = -1;
    if (aq__db_prepare(s->db, sql, false, &st) == 0 && aq__db_step(st) == AQ_DB_ROW)
        n = aq__db_column_int64(st, 0);
    aq__db_finalize(st);
    return n;
}

/* population of CODE in 2023 as a selection sees it (NaN when absent). */
static double population(aq_store *s, const char *code, long long horizon)
{
    const char *ind[] = {"population", NULL};
    aq_selection sel = {.indicators = ind, .period = "2023", .max_dataset = horizon};
    aq_table *t = NULL;
    double v = -1;
    if (aq_store_select(s, &sel, &t) != AQ_OK)
        return -1;
    for (size_t i = 0; i < aq_table_nrows(t); i++)
        if (strcmp(aq_table_text(t, 0, i), code) == 0)
            v = aq_table_numbers(t, (size_t)aq_table_find(t, "population"))[i];
    aq_table_free(t);
    return v;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    buf[fread(buf, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return buf;
}

static void coordination(aq_ctx *ctx)
{
    char target[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(target, sizeof target, "t_ws_submit.db"), AQ_STORE_CREATE, &s), AQ_OK);
    aq_import_result r;
    /* Part of KATO (examples/kz/units.csv): Almaty city 75 with two
     * districts, Astana 71 with one. */
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_wss_units.csv",
                  "code,parent,level,name_en\n000000000,,country,Kazakhstan\n750000000,000000000,region,Almaty\n"
                  "751110000,750000000,district,Almaly\n751210000,750000000,district,Alatau\n"
                  "710000000,000000000,region,Astana\n711110000,710000000,district,Almaty district\n"), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_wss_pop.csv",
                  "code,year,population,area\n751110000,2023,200000,30\n751210000,2023,300000,40\n711110000,2023,400000,50\n"),
                  NULL, &r), AQ_OK);
    aq_import_result_clear(&r);

    aq_account sys, admin, editor, central, viewer;
    aq_account_system(&sys);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "admin", "admin password", AQ_ROLE_ADMIN, NULL, &admin), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "almaty", "editor password", AQ_ROLE_REGIONAL, "750000000", &editor), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "ministry", "central password", AQ_ROLE_CENTRAL, NULL, &central), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "reader", "viewer password", AQ_ROLE_VIEWER, NULL, &viewer), AQ_OK);

    long long h1 = aq_ws_dataset_horizon(s);
    AQ_EQ_INT(h1, 2);

    /* A regional editor's file waits, unseen. */
    long long sub1 = 0;
    const char *mine = aq_test_write_file("t_wss_mine.csv", "code,year,population\n751110000,2023,210000\n751210000,2023,310000\n");
    AQ_EQ_INT(aq_ws_submit_file(s, &editor, mine, "almaty-2023.csv", NULL, &sub1), AQ_OK);
    AQ_NEAR(population(s, "751110000", 0), 200000, 0);
    AQ_NEAR(population(s, "751210000", 0), 300000, 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 2);
    AQ_EQ_INT(aq_ws_dataset_horizon(s), h1);
    aq_table *t = NULL;
    AQ_EQ_INT(aq_store_datasets(s, &t), AQ_OK); /* provenance lists live datasets only */
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 2);
        aq_table_free(t);
    }
    AQ_EQ_INT(aq_ws_submissions(s, &editor, "pending", &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "submitted_by"), 0), "almaty");
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "file"), 0), "almaty-2023.csv");
        AQ_NEAR(aq_table_numbers(t, (size_t)aq_table_find(t, "rows"))[0], 2, 0);
        aq_table_free(t);
    }

    /* Outside its scope: refused, naming the unit and the scope; nothing
     * written, the refusal audited. */
    long long datasets = count(s, "SELECT count(*) FROM datasets");
    const char *theirs = aq_test_write_file("t_wss_theirs.csv", "code,year,population\n751110000,2023,1\n711110000,2023,2\n");
    AQ_EQ_INT(aq_ws_submit_file(s, &editor, theirs, "astana.csv", NULL, NULL), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unit 711110000 is outside the scope 750000000") != NULL);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets"), datasets);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 2);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM submissions"), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'denied' AND account = 'almaty' AND object = 'file astana.csv'"
                       " AND new_value LIKE '%711110000%'"), 1);
    /* Units, new indicators: the central bodies' job. */
    AQ_EQ_INT(aq_ws_submit_file(s, &editor, aq_test_write_file("t_wss_u.csv", "code,parent,level\n751999000,750000000,district\n"),
                                "units.csv", NULL, NULL), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'units.csv' is a table of units") != NULL); /* the user's name, not the path */
    AQ_EQ_INT(aq_ws_submit_file(s, &editor, aq_test_write_file("t_wss_new.csv", "code,year,schools\n751110000,2023,12\n"),
                                "schools.csv", NULL, NULL), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "indicator 'schools' is not in the store") != NULL);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM indicators WHERE code = 'schools'"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM units WHERE code = '751999000'"), 0);
    AQ_EQ_INT(aq_ws_submit_file(s, &viewer, mine, "x.csv", NULL, NULL), AQ_EDENIED);
    /* A file with a bad row is refused whole, naming the user's file. */
    AQ_EQ_INT(aq_ws_submit_file(s, &editor, aq_test_write_file("t_wss_bad.csv", "code,year,population\n751110000,2023,1\n759999999,2023,2\n"),
                                "bad.csv", NULL, NULL), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'bad.csv': 1 row rejected, nothing imported") != NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unknown unit '759999999'") != NULL);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets"), datasets);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM submissions"), 1);

    /* Edits: pending for the editor within its scope, refused outside it. */
    long long sub2 = 0, sub3 = 0;
    AQ_EQ_INT(aq_ws_submit_edit(s, &editor, "751210000", "area", "2023", 41, "surveyed again", &sub2), AQ_OK);
    AQ_EQ_INT(aq_ws_submit_edit(s, &editor, "711110000", "area", "2023", 1, NULL, NULL), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "may not change unit '711110000'") != NULL);
    AQ_EQ_INT(aq_ws_submit_edit(s, &editor, "751210000", "nothing", "2023", 1, NULL, NULL), AQ_ENOTFOUND);
    AQ_EQ_INT(aq_ws_submit_edit(s, &editor, "751110000", "area", "2023", 33, NULL, &sub3), AQ_OK);
    AQ_EQ_INT(aq_ws_submit_edit(s, &viewer, "751110000", "area", "2023", 33, NULL, NULL), AQ_EDENIED);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM submissions WHERE status = 'pending'"), 3);

    /* Deciding: central analysts and administrators only; a rejection says why. */
    AQ_EQ_INT(aq_ws_decide(s, &editor, sub1, 1, NULL), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_decide(s, &central, sub3, 0, NULL), AQ_EINPUT);
    AQ_EQ_INT(aq_ws_decide(s, &central, 999, 1, NULL), AQ_ENOTFOUND);

    /* Approval: the file's values go live as a dataset newer than all. */
    AQ_EQ_INT(aq_ws_decide(s, &central, sub1, 1, "checked against the akimat's figures"), AQ_OK);
    AQ_NEAR(population(s, "751110000", 0), 210000, 0);
    AQ_NEAR(population(s, "751210000", 0), 310000, 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations WHERE unit_id = (SELECT id FROM units WHERE code = '751110000')"
                       " AND indicator_id = (SELECT id FROM indicators WHERE code = 'population')"), 0);
    long long h2 = aq_ws_dataset_horizon(s);
    AQ_CHECK(h2 > h1);
    AQ_EQ_INT(count(s, "SELECT dataset_id FROM submissions WHERE id = 1"), h2);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets WHERE id = (SELECT dataset_id FROM submissions WHERE id = 1)"
                       " AND source = 'almaty-2023.csv' AND name = 'almaty-2023.csv' AND imported_by = 'almaty'"), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'approve' AND object = 'submission 1: file almaty-2023.csv'"
                       " AND new_value LIKE 'approved: 2 values live%2 of them replace%'"), 1);
    AQ_EQ_INT(aq_ws_decide(s, &central, sub1, 1, NULL), AQ_EINPUT); /* decided already */
    /* The horizon reproduces the selection before the approval. */
    AQ_NEAR(population(s, "751110000", h1), 200000, 0);
    AQ_NEAR(population(s, "751210000", h1), 300000, 0);

    /* Approving an edit audits the value, old and new. */
    AQ_EQ_INT(aq_ws_decide(s, &admin, sub2, 1, NULL), AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'approve' AND object LIKE 'value 751210000 area 2023%'"
                       " AND old_value = '40' AND new_value = '41'"), 1);
    /* Rejection discards. */
    AQ_EQ_INT(aq_ws_decide(s, &central, sub3, 0, "the area did not change"), AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets WHERE status = 'rejected'"), 1);
    AQ_EQ_INT(aq_ws_submissions(s, &central, "rejected", &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "comment"), 0), "the area did not change");
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "decided_by"), 0), "ministry");
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "unit"), 0), "751110000");
        aq_table_free(t);
    }
    const char *area[] = {"area", NULL};
    aq_selection sel = {.indicators = area, .period = "2023"};
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 3); /* 711110000, 751110000, 751210000 */
        AQ_NEAR(aq_table_numbers(t, 7)[1], 30, 0); /* 751110000: the rejected 33 never shows */
        AQ_NEAR(aq_table_numbers(t, 7)[2], 41, 0);
        aq_table_free(t);
    }

    /* A central analyst's edit and file apply at once; a later import does
     * not change what the old horizon sees. */
    AQ_EQ_INT(aq_ws_submit_edit(s, &central, "711110000", "population", "2023", 401000, "census", NULL), AQ_OK);
    AQ_NEAR(population(s, "711110000", 0), 401000, 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'edit' AND account = 'ministry'"
                       " AND old_value = '400000' AND new_value = '401000'"), 1);
    AQ_EQ_INT(aq_ws_submit_file(s, &central, aq_test_write_file("t_wss_c.csv", "code,year,population,hospitals\n751110000,2023,220000,3\n"),
                                "central.csv", NULL, NULL), AQ_OK);
    AQ_NEAR(population(s, "751110000", 0), 220000, 0);
    AQ_NEAR(population(s, "751110000", h2), 210000, 0);
    AQ_NEAR(population(s, "711110000", h2), 400000, 0);
    AQ_NEAR(population(s, "711110000", h1), 400000, 0);
    /* At the old horizon the later indicator does not appear at all. */
    aq_selection all = {.period = "2023", .max_dataset = h1};
    AQ_EQ_INT(aq_store_select(s, &all, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_find(t, "hospitals"), -1);
        AQ_CHECK(aq_table_find(t, "population") >= 0);
        aq_table_free(t);
    }
    /* Removing a value (NaN) leaves it missing. */
    AQ_EQ_INT(aq_ws_submit_edit(s, &central, "711110000", "population", "2023", NAN, "wrong unit", NULL), AQ_OK);
    AQ_CHECK(isnan(population(s, "711110000", 0)));
    AQ_NEAR(population(s, "711110000", h1), 400000, 0);

    /* Approval makes the values current even over a dataset imported while
     * they waited: the approved dataset is renumbered above every other. */
    long long late = 0;
    AQ_EQ_INT(aq_ws_submit_edit(s, &editor, "751210000", "area", "2023", 45, NULL, &late), AQ_OK);
    AQ_EQ_INT(aq_ws_submit_edit(s, &central, "751210000", "area", "2023", 46, NULL, NULL), AQ_OK);
    long long h3 = aq_ws_dataset_horizon(s);
    AQ_EQ_INT(aq_ws_decide(s, &central, late, 1, NULL), AQ_OK);
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    if (t) {
        AQ_NEAR(aq_table_numbers(t, 7)[2], 45, 0);
        aq_table_free(t);
    }
    sel.max_dataset = h3; /* before the approval: the central analyst's 46 */
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    if (t) {
        AQ_NEAR(aq_table_numbers(t, 7)[2], 46, 0);
        aq_table_free(t);
    }
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'approve' AND object LIKE 'value 751210000 area 2023%'"
                       " AND old_value = '46' AND new_value = '45'"), 1);

    /* Methodologies and results. */
    char *text = slurp("methods/example-pillars.yaml"), sha[65], sha2[65];
    AQ_CHECK(text != NULL);
    AQ_EQ_INT(aq_ws_method_put(s, &central, "pillars", text, sha), AQ_OK);
    AQ_EQ_INT(strlen(sha), 64);
    AQ_EQ_INT(aq_ws_method_put(s, &central, "pillars", text, sha2), AQ_OK);
    AQ_EQ_STR(sha2, sha);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM methodologies"), 1);
    AQ_EQ_INT(aq_ws_method_put(s, &viewer, "pillars", text, sha2), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_method_put(s, &central, "broken", "name: x\nindicators: 5\n", sha2), AQ_EINPUT);
    char *back = NULL;
    AQ_EQ_INT(aq_ws_method_get(s, "pillars", &back, sha2), AQ_OK);
    AQ_CHECK(back && strcmp(back, text) == 0);
    AQ_EQ_STR(sha2, sha);
    aq_free(back);
    AQ_EQ_INT(aq_ws_method_get(s, sha, NULL, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_method_get(s, "nothing", &back, NULL), AQ_ENOTFOUND);
    free(text);

    long long rid = 0, hz = 0;
    AQ_EQ_INT(aq_ws_result_record(s, &central, "disparity", "{\"indicator\":\"population\"}", sha, h2,
                                  "{\"gini\":0.1}", &rid), AQ_OK);
    AQ_EQ_INT(aq_ws_results(s, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        const char *ds = aq_table_text(t, (size_t)aq_table_find(t, "datasets"), 0);
        AQ_CHECK(ds && strstr(ds, "\"name\":\"almaty-2023.csv\"") && strstr(ds, "\"checksum\":\""));
        AQ_CHECK(ds && !strstr(ds, "central.csv")); /* beyond the horizon */
        /* SHA-256 of the 12 bytes {"gini":0.1} (sha256sum). */
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "output_sha256"), 0),
                  "efec6c441577243505eacc9d0360ea01d72ab769b7ab313c4929965c4aa86b7a");
        aq_table_free(t);
    }
    char *params = NULL, *msha = NULL, *output = NULL;
    AQ_EQ_INT(aq_ws_result_get(s, rid, &params, &msha, &hz, &output), AQ_OK);
    AQ_EQ_STR(output, "{\"gini\":0.1}");
    AQ_EQ_STR(msha, sha);
    AQ_EQ_INT(hz, h2);
    aq_free(params), aq_free(msha), aq_free(output);
    AQ_EQ_INT(aq_ws_result_get(s, rid + 1, &params, NULL, NULL, NULL), AQ_ENOTFOUND);
    aq_store_close(s);
}

/* Schema 1, exactly as aimaq 0.1 created it (store.c, migration 1). */
static const char *const schema1 =
    "CREATE TABLE levels(name TEXT PRIMARY KEY, rank INTEGER NOT NULL, description TEXT);\n"
    "INSERT INTO levels VALUES ('country',0,'the country'),('region',1,'oblast or city of republican significance'),"
    "  ('district',2,'district or city of regional significance'),('rural_district',3,'rural or settlement okrug'),"
    "  ('settlement',4,'settlement');\n"
    "CREATE TABLE datasets(id INTEGER PRIMARY KEY, name TEXT NOT NULL, source TEXT, checksum TEXT,"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), imported_by TEXT, shape TEXT,"
    "  rows_read INTEGER NOT NULL DEFAULT 0, rows_accepted INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0);\n"
    "CREATE TABLE units(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE,"
    "  parent TEXT REFERENCES units(code) DEFERRABLE INITIALLY DEFERRED, level TEXT REFERENCES levels(name), kind TEXT,"
    "  name_kk TEXT, name_ru TEXT, name_en TEXT, valid_from TEXT, valid_to TEXT, classifier TEXT, crs TEXT, geom BLOB,"
    "  dataset_id INTEGER REFERENCES datasets(id));\n"
    "CREATE INDEX units_parent ON units(parent);\n"
    "CREATE TABLE unit_links(from_id INTEGER NOT NULL REFERENCES units(id), to_id INTEGER NOT NULL REFERENCES units(id),"
    "  date TEXT NOT NULL, share REAL NOT NULL CHECK (share >= 0 AND share <= 1), dataset_id INTEGER REFERENCES datasets(id),"
    "  PRIMARY KEY (from_id, to_id, date));\n"
    "CREATE TABLE indicators(id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name_kk TEXT, name_ru TEXT, name_en TEXT,"
    "  measure TEXT, direction INTEGER CHECK (direction IN (-1, 0, 1)), description TEXT, source TEXT);\n"
    "CREATE TABLE observations(unit_id INTEGER NOT NULL REFERENCES units(id),"
    "  indicator_id INTEGER NOT NULL REFERENCES indicators(id), period TEXT NOT NULL,"
    "  dataset_id INTEGER NOT NULL REFERENCES datasets(id), value REAL, flags TEXT,"
    "  PRIMARY KEY (indicator_id, period, unit_id, dataset_id)) WITHOUT ROWID;\n"
    "INSERT INTO datasets(id, name, checksum) VALUES (1, 'old.csv', 'abc');\n"
    "INSERT INTO units(id, code, level) VALUES (1, '750000000', 'region');\n"
    "INSERT INTO indicators(id, code) VALUES (1, 'population');\n"
    "INSERT INTO observations VALUES (1, 1, '2023', 1, 2228000, NULL);\n"
    "PRAGMA user_version = 1;\n";

/* A file of aimaq 0.1 (no PostgreSQL store was ever at schema 1): an
 * SQLite file in both runs. */
static void migration(aq_ctx *ctx)
{
    char path[512];
    aq_test_store_file(path, sizeof path, "t_ws_v1.db");
    aq_db *db = NULL;
    AQ_EQ_INT(aq__db_open(path, false, true, &db), 0);
    AQ_EQ_INT(db ? aq__db_exec(db, schema1) : -1, 0);
    aq__db_close(db);

    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, path, AQ_STORE_READONLY, &s), AQ_ESTORE); /* needs upgrading */
    AQ_EQ_INT(aq_store_open(ctx, path, 0, &s), AQ_OK);
    if (!s)
        return;
    AQ_CHECK(aq_store_schema_version(s) >= 2);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets WHERE status = 'live'"), 1);
    AQ_NEAR(population(s, "750000000", 0), 2228000, 0);
    AQ_EQ_INT(aq_ws_dataset_horizon(s), 1);
    aq_account sys, a;
    aq_account_system(&sys);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "admin", "admin password", AQ_ROLE_ADMIN, NULL, &a), AQ_OK);
    AQ_EQ_INT(aq_ws_submit_edit(s, &a, "750000000", "population", "2023", 2230000, NULL, NULL), AQ_OK);
    AQ_NEAR(population(s, "750000000", 0), 2230000, 0);
    AQ_NEAR(population(s, "750000000", 1), 2228000, 0);
    aq_store_close(s);
    /* Opened again: already at 2, nothing to do. */
    AQ_EQ_INT(aq_store_open(ctx, path, AQ_STORE_READONLY, &s), AQ_OK);
    AQ_CHECK(aq_store_schema_version(s) >= 2);
    aq_store_close(s);
}

/* Writers on their own store handles (as the server's worker threads):
 * every edit lands once, with its submission and its audit record. */
enum { WRITERS = 4, EDITS = 10 };
typedef struct writer {
    const char *path;
    aq_account who;
    int k, failures;
} writer;

static void *write_edits(void *arg)
{
    writer *w = arg;
    aq_ctx *ctx = aq_ctx_new();
    aq_store *s = NULL;
    if (aq_store_open(ctx, w->path, 0, &s) != AQ_OK) {
        w->failures = EDITS;
        aq_ctx_free(ctx);
        return NULL;
    }
    for (int i = 0; i < EDITS; i++) {
        char period[16];
        snprintf(period, sizeof period, "%d", 2000 + w->k * EDITS + i);
        if (aq_ws_submit_edit(s, &w->who, "751110000", "population", period, 1000.0 * w->k + i, NULL, NULL) != AQ_OK) {
            fprintf(stderr, "writer %d: %s\n", w->k, aq_errmsg(ctx));
            w->failures++;
        }
    }
    aq_store_close(s);
    aq_ctx_free(ctx);
    return NULL;
}

static void concurrent(aq_ctx *ctx)
{
    char path[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(path, sizeof path, "t_ws_concurrent.db"), AQ_STORE_CREATE, &s), AQ_OK);
    aq_import_result r;
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_wsc_units.csv", "code,parent,level,population,year\n"
                  "750000000,,region,2000000,1999\n751110000,750000000,district,200000,1999\n"), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    aq_account sys, central, editor;
    aq_account_system(&sys);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "ministry", "central password", AQ_ROLE_CENTRAL, NULL, &central), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "almaty", "editor password", AQ_ROLE_REGIONAL, "750000000", &editor), AQ_OK);
    writer w[WRITERS];
    pthread_t th[WRITERS];
    for (int k = 0; k < WRITERS; k++) {
        w[k] = (writer){.path = path, .who = k % 2 ? editor : central, .k = k};
        pthread_create(&th[k], NULL, write_edits, &w[k]);
    }
    int failures = 0;
    for (int k = 0; k < WRITERS; k++) {
        pthread_join(th[k], NULL);
        failures += w[k].failures;
    }
    AQ_EQ_INT(failures, 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM submissions"), WRITERS * EDITS);
    AQ_EQ_INT(count(s, "SELECT count(DISTINCT period) FROM submissions"), WRITERS * EDITS);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'edit'"), WRITERS * EDITS);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), WRITERS / 2 * EDITS);
    for (long long id = 1; id <= WRITERS * EDITS; id++)
        if (count(s, "SELECT count(*) FROM submissions WHERE status = 'pending'") > 0)
            aq_ws_decide(s, &central, id, 1, NULL); /* approved ones answer AQ_EINPUT */
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 0);
    /* Every value is live once, plus the 1999 import. */
    AQ_EQ_INT(count(s, "SELECT count(*) FROM observations o JOIN units u ON u.id = o.unit_id WHERE u.code = '751110000'"),
              WRITERS * EDITS + 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets WHERE status = 'live'"), WRITERS * EDITS + 1);
    aq_store_close(s);
}

/* A long file of N monthly values for each of CODES (NULL-terminated),
 * from 1001-01 on, with BAD as the last line when not NULL. */
static const char *long_file(const char *name, const char *const *codes, int n, const char *bad)
{
    size_t cap = 64 + (size_t)n * 48 * 4 + (bad ? strlen(bad) : 0);
    char *buf = malloc(cap), *p = buf;
    p += snprintf(p, cap, "code,indicator,period,value\n");
    for (const char *const *c = codes; *c; c++)
        for (int k = 0; k < n; k++)
            p += snprintf(p, cap - (size_t)(p - buf), "%s,population,%04d-%02d,%d\n", *c, 1001 + k / 12, 1 + k % 12, k);
    if (bad)
        snprintf(p, cap - (size_t)(p - buf), "%s\n", bad);
    const char *path = aq_test_write_file(name, buf);
    free(buf);
    return path;
}

/* The server's queue (aq_ws_job_*): uploads run as jobs, big files
 * (over 20,000 values) are approved and rejected in parts, a failed job
 * keeps nothing, and a restart's recovery fails what was left running
 * and removes unfinished datasets. */
static void staged(aq_ctx *ctx)
{
    char target[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(target, sizeof target, "t_ws_staged.db"), AQ_STORE_CREATE, &s), AQ_OK);
    aq_import_result r;
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_wss_su.csv",
                  "code,parent,level\n000000000,,country\n750000000,000000000,region\n"
                  "751110000,750000000,district\n751210000,750000000,district\n"), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_wss_sp.csv", "code,year,population\n751110000,2023,1\n"), NULL, &r),
              AQ_OK);
    aq_import_result_clear(&r);
    aq_account sys, admin, editor, central;
    aq_account_system(&sys);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "admin", "admin password", AQ_ROLE_ADMIN, NULL, &admin), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "almaty", "editor password", AQ_ROLE_REGIONAL, "750000000", &editor), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "ministry", "central password", AQ_ROLE_CENTRAL, NULL, &central), AQ_OK);
    const char *two[] = {"751110000", "751210000", NULL};

    /* The editor's file of 24,000 values, as a job: done, pending. */
    long long job = 0, sub = 0;
    AQ_EQ_INT(aq_ws_job_new(s, &editor, "big.csv", &job), AQ_OK);
    AQ_EQ_INT(aq_ws_job_run(s, &editor, job, long_file("t_wss_big.csv", two, 12000, NULL), "big.csv", NULL, NULL, &sub),
              AQ_OK);
    aq_table *t = NULL;
    AQ_EQ_INT(aq_ws_job_get(s, &editor, job, &t), AQ_OK);
    if (t) {
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "state"), 0), "done");
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "status"), 0), "pending");
        AQ_NEAR(aq_table_numbers(t, (size_t)aq_table_find(t, "percent"))[0], 100, 0);
        AQ_NEAR(aq_table_numbers(t, (size_t)aq_table_find(t, "rows_read"))[0], 24000, 0);
        AQ_NEAR(aq_table_numbers(t, (size_t)aq_table_find(t, "submission"))[0], (double)sub, 0);
        aq_table_free(t);
    }
    AQ_EQ_INT(aq_ws_job_get(s, &(aq_account){.id = 99, .role = AQ_ROLE_VIEWER}, job, &t), AQ_ENOTFOUND);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 24000);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM observations"), 1);

    /* Approved in parts: every value live under one new dataset. */
    long long before = aq_ws_dataset_horizon(s);
    AQ_EQ_INT(aq_ws_decide(s, &central, sub, 1, "checked"), AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM observations o JOIN submissions s ON s.dataset_id = o.dataset_id"
                       " JOIN datasets d ON d.id = o.dataset_id WHERE d.status = 'live' AND s.status = 'approved'"), 24000);
    AQ_CHECK(aq_ws_dataset_horizon(s) > before);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets d WHERE status = 'pending'"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'approve' AND new_value LIKE 'approved: 24000 values live%'"), 1);
    AQ_EQ_INT(aq_ws_decide(s, &central, sub, 1, NULL), AQ_EINPUT); /* decided already */

    /* Another, rejected: its pending values go after the decision. */
    AQ_EQ_INT(aq_ws_job_new(s, &editor, "big2.csv", &job), AQ_OK);
    AQ_EQ_INT(aq_ws_job_run(s, &editor, job, long_file("t_wss_big2.csv", two, 10500, NULL), "big2.csv", NULL, NULL, &sub),
              AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 21000);
    AQ_EQ_INT(aq_ws_decide(s, &central, sub, 0, "wrong months"), AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM pending_observations"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets WHERE status = 'rejected'"), 1);

    /* A central analyst's file with a bad last row: failed, nothing kept
     * (not even the indicator it would have added). */
    const char *bad_codes[] = {"751110000", NULL};
    const char *bad = long_file("t_wss_bad2.csv", bad_codes, 1000, "759999999,population,2001-01,1");
    AQ_EQ_INT(aq_ws_job_new(s, &central, "bad.csv", &job), AQ_OK);
    long long n_obs = count(s, "SELECT count(*) FROM observations"), n_ds = count(s, "SELECT count(*) FROM datasets");
    AQ_EQ_INT(aq_ws_job_run(s, &central, job, bad, "bad.csv", NULL, NULL, NULL), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'bad.csv'") && strstr(aq_errmsg(ctx), "759999999"));
    AQ_EQ_INT(aq_ws_job_get(s, &central, job, &t), AQ_OK);
    if (t) {
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "state"), 0), "failed");
        AQ_NEAR(aq_table_numbers(t, (size_t)aq_table_find(t, "code"))[0], AQ_EINPUT, 0);
        AQ_CHECK(strstr(aq_table_text(t, (size_t)aq_table_find(t, "error"), 0), "759999999") != NULL);
        aq_table_free(t);
    }
    AQ_EQ_INT(count(s, "SELECT count(*) FROM observations"), n_obs);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets"), n_ds);

    /* What a killed server leaves: a running job and an unfinished dataset
     * with values and a new indicator of its own. */
    AQ_EQ_INT(aq_ws_job_new(s, &central, "killed.csv", &job), AQ_OK);
    AQ_EQ_INT(aq__store_exec(s, "UPDATE jobs SET state = 'running' WHERE file = 'killed.csv'"), AQ_OK);
    AQ_EQ_INT(aq__store_exec(s, "INSERT INTO datasets(id, name, imported_by, shape, status) VALUES (9000, 'killed.csv', 'x', 'long', 'pending')"), AQ_OK);
    AQ_EQ_INT(aq__store_exec(s, "INSERT INTO indicators(code, staged_by) VALUES ('killed', 9000)"), AQ_OK);
    AQ_EQ_INT(aq__store_exec(s, "INSERT INTO observations(unit_id, indicator_id, period, dataset_id, value) SELECT u.id, i.id, '2024', 9000, 1"
                                " FROM units u, indicators i WHERE i.code IN ('killed', 'population')"), AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM observations WHERE dataset_id = 9000"), 8);
    const char *ind[] = {"population", NULL};
    aq_selection sel = {.indicators = ind, .period = "2024"};
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK); /* unseen before */
    AQ_EQ_INT(t ? aq_table_nrows(t) : 99, 0);
    aq_table_free(t);
    int failed = -1;
    AQ_EQ_INT(aq_ws_jobs_recover(s, &failed), AQ_OK);
    AQ_EQ_INT(failed, 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM observations WHERE dataset_id = 9000"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM datasets WHERE id = 9000"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM indicators WHERE code = 'killed'"), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM jobs WHERE file = 'killed.csv' AND state = 'failed'"), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM indicators WHERE code = 'population'"), 1);
    aq_store_close(s);
}

int main(void)
{
    AQ_TEST_BEGIN();
    setenv("AQ_PWHASH_FAST", "1", 1);
    aq_ctx *ctx = aq_ctx_new();
    coordination(ctx);
    migration(ctx);
    concurrent(ctx);
    staged(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
