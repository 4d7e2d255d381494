/*
 * t_store.c -- the store through the library API: schema and migrations,
 * imports that are all or nothing (also when memory runs out half-way),
 * selections, and series rebased across territorial reforms.
 */
#include "aimaq.h"
#include "aq_test.h"
#include "aimaq_workspace.h"
#include "db.h"
#include "store.h" /* aq__store_query_table: the history table */

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A new store on this run's engine (aq_test_store). */
static aq_store *fresh(aq_ctx *ctx, const char *name)
{
    char target[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(target, sizeof target, name), AQ_STORE_CREATE, &s), AQ_OK);
    return s;
}

static size_t count_rows(aq_ctx *ctx, aq_store *s, const char *indicator)
{
    const char *codes[] = {indicator, NULL};
    aq_selection sel = {.indicators = codes};
    aq_table *t = NULL;
    if (aq_store_select(s, &sel, &t) != AQ_OK)
        return 0;
    size_t n = aq_table_nrows(t);
    aq_table_free(t);
    (void)ctx;
    return n;
}

/* A toy country: region R split in 2018 into R (70 %) and S (30 %), then in
 * 2022 S split into S (50 %) and T (50 %). */
static void reforms(aq_ctx *ctx)
{
    aq_store *s = fresh(ctx, "t_store_reform.db");
    AQ_EQ_INT(aq_store_schema_version(s), 9); /* 1 model, 2 workspace, 3 level index, 4 login refusals, 5 audit chain, 6 missing values, 7 dataset notes, 8 unit history, 9 import queue */
    aq_import_result r;
    const char *units = aq_test_write_file("t_store_units.csv",
                                   "code,parent,level,name_en,valid_from\nC,,country,Country,\nR,C,region,R,\n"
                                   "S,C,region,S,2018-01-01\nT,C,region,T,2022-01-01\n");
    AQ_EQ_INT(aq_store_import(s, units, NULL, &r), AQ_OK);
    AQ_EQ_INT(r.units_added, 4);
    AQ_EQ_STR(r.shape, "units");
    aq_import_result_clear(&r);
    const char *links = aq_test_write_file("t_store_links.csv", "from,to,date,share\nR,R,2018-01-01,0.7\nR,S,2018-01-01,0.3\n"
                                                         "S,S,2022-01-01,0.5\nS,T,2022-01-01,0.5\n");
    AQ_EQ_INT(aq_store_import(s, links, NULL, &r), AQ_OK);
    AQ_EQ_STR(r.shape, "links");
    aq_import_result_clear(&r);
    const char *obs = aq_test_write_file("t_store_obs.csv", "code,year,people,rate\nR,2017,1000,8\nC,2017,1000,8\n");
    AQ_EQ_INT(aq_store_import(s, obs, NULL, &r), AQ_OK);
    AQ_EQ_INT(r.observations, 4);
    aq_import_result_clear(&r);

    aq_table *t = NULL;
    AQ_EQ_INT(aq_store_rebase(s, "people", "2017", "2023", 1, &t), AQ_OK);
    if (t) {
        /* R keeps 700; S got 300 and passed half on: S 150, T 150. */
        double want[] = {1000, 700, 150, 150};
        const char *codes[] = {"C", "R", "S", "T"};
        AQ_EQ_INT(aq_table_nrows(t), 4);
        for (size_t i = 0; i < aq_table_nrows(t) && i < 4; i++) {
            AQ_EQ_STR(aq_table_text(t, 0, i), codes[i]);
            AQ_NEAR(aq_table_numbers(t, 1)[i], want[i], 1e-12);
        }
        aq_table_free(t);
    }
    /* On the 2019 basis the second split has not happened yet. */
    AQ_EQ_INT(aq_store_rebase(s, "people", "2017", "2019", 1, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 3);
        AQ_NEAR(aq_table_numbers(t, 1)[2], 300, 1e-12);
        aq_table_free(t);
    }
    /* A rate is carried to every successor unchanged. */
    AQ_EQ_INT(aq_store_rebase(s, "rate", "2017", "2023", 0, &t), AQ_OK);
    if (t) {
        for (size_t i = 0; i < aq_table_nrows(t); i++)
            AQ_NEAR(aq_table_numbers(t, 1)[i], 8, 0);
        aq_table_free(t);
    }
    AQ_EQ_INT(aq_store_rebase(s, "people", "2016", "2023", 1, &t), AQ_ENOTFOUND);
    AQ_EQ_INT(aq_store_link_units(s, "R", "S", "2018-01-01", 1.5), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "share 1.5 of the link R -> S is not between 0 and 1") != NULL);

    /* Selection under a unit, at a level. */
    aq_selection sel = {.level = "region", .under = "C"};
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_EQ_STR(aq_table_text(t, 0, 0), "R");
        aq_table_free(t);
    }
    /* A later dataset with the same observation wins; the earlier stays. */
    const char *again = aq_test_write_file("t_store_obs2.csv", "code,year,people\nR,2017,1100\n");
    AQ_EQ_INT(aq_store_import(s, again, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    const char *people[] = {"people", NULL};
    aq_selection newest = {.indicators = people, .level = "region", .period = "2017"};
    AQ_EQ_INT(aq_store_select(s, &newest, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_NEAR(aq_table_numbers(t, (size_t)aq_table_find(t, "people"))[0], 1100, 0);
        aq_table_free(t);
    }
    sel.level = "galaxy";
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "no level 'galaxy'") != NULL);
    aq_store_close(s);
}

/* An import that runs out of memory at any point leaves the store as it was. */
static void all_or_nothing(aq_ctx *ctx)
{
    aq_store *s = fresh(ctx, "t_store_oom.db");
    aq_import_result r;
    const char *units = aq_test_write_file("t_store_oom_units.csv", "code,level\nA,region\nB,region\nC,region\n");
    AQ_EQ_INT(aq_store_import(s, units, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    const char *obs = aq_test_write_file("t_store_oom_obs.csv", "code,year,x,y\nA,2020,1,2\nB,2020,3,4\nC,2020,5,6\n");
    int failures = 0, succeeded = 0;
    for (long n = 1; n < 2000 && !succeeded; n++) {
        aq_debug_fail_alloc_after(n);
        int rc = aq_store_import(s, obs, NULL, &r);
        aq_debug_fail_alloc_after(0);
        if (rc == AQ_OK) {
            succeeded = 1;
            AQ_EQ_INT(r.observations, 6);
            aq_import_result_clear(&r);
            break;
        }
        failures++;
        AQ_EQ_INT(rc, AQ_ENOMEM);
        /* nothing of the failed import is visible */
        AQ_EQ_INT(count_rows(ctx, s, "x"), 0);
    }
    AQ_CHECK(succeeded && failures > 20);
    AQ_EQ_INT(count_rows(ctx, s, "x"), 3);
    aq_table *d = NULL;
    AQ_EQ_INT(aq_store_datasets(s, &d), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(d), 2); /* the units and the one import that worked */
    aq_table_free(d);
    aq_store_close(s);
}

/* Files that are not stores: SQLite's by nature, so files on both runs. */
static void refusals(aq_ctx *ctx)
{
    char path[512];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_path(path, sizeof path, "t_store_absent.db"), AQ_STORE_READONLY, &s), AQ_EIO);
    AQ_CHECK(strstr(aq_errmsg(ctx), "no store at") != NULL);
    const char *junk = aq_test_write_file("t_store_junk.db", "this is not a database at all, not even close................................................");
    AQ_EQ_INT(aq_store_open(ctx, junk, AQ_STORE_CREATE, &s), AQ_ESTORE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "is not an aimaq store") != NULL);
}

/* A store opened read-only: a write the library does not refuse itself is
 * refused by the engine (SQLite: a read-only connection; PostgreSQL:
 * read-only transactions), with the store named. On PostgreSQL also a
 * connection the server ends: the next call fails as a lost connection,
 * not as an empty answer. */
static void readonly_and_lost(aq_ctx *ctx)
{
    char target[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(target, sizeof target, "t_store_ro.db"), AQ_STORE_CREATE, &s), AQ_OK);
    aq_import_result r;
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_store_ro_units.csv", "code,level\nR,region\nS,region\n"), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    aq_store_close(s);
    s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, target, AQ_STORE_READONLY, &s), AQ_OK);
    if (!s)
        return;
    AQ_EQ_INT(aq_store_link_units(s, "R", "S", "2018-01-01", 0.5), AQ_EIO);
    AQ_CHECK(strstr(aq_errmsg(ctx), "is read-only") != NULL);
    aq_store_close(s);
    if (!aq_test_on_pg())
        return;

    AQ_EQ_INT(aq_store_open(ctx, target, 0, &s), AQ_OK);
    if (!s)
        return;
    /* The server ends every other connection to this database (as an
     * administrator's pg_terminate_backend or a restart would). */
    PGconn *c = PQconnectdb(target);
    PGresult *kill = PQexec(c, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                               " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    AQ_EQ_STR(PQresultStatus(kill) == PGRES_TUPLES_OK ? PQgetvalue(kill, 0, 0) : PQerrorMessage(c), "1");
    PQclear(kill);
    PQfinish(c);
    aq_table *t = NULL;
    aq_selection sel = {.level = "region"};
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_EIO);
    AQ_CHECK(strstr(aq_errmsg(ctx), "lost the connection") != NULL);
    aq_table_free(t);
    aq_store_close(s);
}

/* PostgreSQL's counterparts (run when AQ_TEST_DB is set): a database that
 * is not there, and one that holds somebody else's tables. */
static void pg_refusals(aq_ctx *ctx)
{
    char uri[1024], target[1100];
    aq_store *s = NULL;
    /* The server's reason, with the password in the URI masked. */
    aq_test_pg_uri(uri, sizeof uri, "aq_no_such_database");
    snprintf(target, sizeof target, "%s%spassword=hunter2secret", uri, strchr(uri, '?') ? "&" : "?");
    AQ_EQ_INT(aq_store_open(ctx, target, 0, &s), AQ_EIO);
    AQ_CHECK(strstr(aq_errmsg(ctx), "cannot open the store") != NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), "\"aq_no_such_database\" does not exist") != NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), "password=***") != NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), "hunter2secret") == NULL);

    aq_test_store(target, sizeof target, "t_store_foreign");
    aq_db *db = NULL;
    AQ_EQ_INT(aq__db_open(target, false, true, &db), 0);
    AQ_EQ_INT(db ? aq__db_exec(db, "CREATE TABLE t(x INTEGER)") : -1, 0);
    aq__db_close(db);
    AQ_EQ_INT(aq_store_open(ctx, target, AQ_STORE_CREATE, &s), AQ_ESTORE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "holds tables but is not an aimaq store") != NULL);
}

static size_t count_pass(aq_db_stmt *st)
{
    size_t n = 0;
    while (aq__db_step(st) == AQ_DB_ROW)
        n++;
    return n;
}

/* The two passes of a query read into a table (count, then fill) see one
 * snapshot even while another connection commits between them: once, on
 * SQLite, an approval committed while the server drew a map made the fill
 * pass of aq_store_select write past the table the count had sized. */
static void one_snapshot(aq_ctx *ctx)
{
    char target[1024];
    aq_store *writer = NULL, *reader = NULL;
    aq_test_store(target, sizeof target, "t_store_snapshot.db");
    AQ_EQ_INT(aq_store_open(ctx, target, AQ_STORE_CREATE, &writer), AQ_OK);
    aq_ctx *rctx = aq_ctx_new();
    AQ_EQ_INT(aq_store_open(rctx, target, 0, &reader), AQ_OK);
    if (!writer || !reader)
        goto done;
    AQ_EQ_INT(aq__db_exec(writer->db, "CREATE TABLE scratch(x INTEGER); INSERT INTO scratch VALUES (1), (2), (3)"), 0);
    aq_db_stmt *st = NULL;
    AQ_EQ_INT(aq__db_prepare(reader->db, "SELECT x FROM scratch", false, &st), 0);
    bool began = aq__store_snapshot_begin(reader);
    AQ_CHECK(began == (aq__db_backend(reader->db) == AQ_DB_SQLITE));
    AQ_EQ_INT((int)count_pass(st), 3);
    AQ_EQ_INT(aq__db_exec(writer->db, "INSERT INTO scratch VALUES (4)"), 0); /* committed meanwhile */
    aq__db_rewind(st);
    AQ_EQ_INT((int)count_pass(st), 3); /* the second pass: the same rows */
    aq__store_snapshot_end(reader, began);
    AQ_CHECK(!aq__db_in_transaction(reader->db));
    aq__db_reset(st);
    AQ_EQ_INT((int)count_pass(st), 4); /* a new read sees the commit */
    aq__db_finalize(st);
done:
    aq_store_close(reader);
    aq_store_close(writer);
    aq_ctx_free(rctx);
}

/* The WKB of CODE's row in T (its size in *LEN), NULL if none. */
static const unsigned char *geom_of(const aq_table *t, const char *code, size_t *len)
{
    for (size_t i = 0; t && i < aq_table_nrows(t); i++)
        if (!strcmp(aq_table_text(t, 0, i), code))
            return aq_table_geometry(t, i, len);
    *len = 0;
    return NULL;
}

static const char *text_of(const aq_table *t, const char *code, const char *col)
{
    long j = aq_table_find(t, col);
    for (size_t i = 0; t && j >= 0 && i < aq_table_nrows(t); i++)
        if (!strcmp(aq_table_text(t, 0, i), code))
            return aq_table_text(t, (size_t)j, i);
    return "(no row)";
}

static const char *square(double x)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"D1\"},"
             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[%g,0],[%g,1],[%g,1],[%g,0],[%g,0]]]}}]}",
             x, x, x + 1, x + 1, x);
    return buf;
}

/* Units keep their history (schema 4): at the horizon of a result, a
 * selection sees each unit's parent, name and geometry as they were, and
 * no unit added since; now it sees the changes. Every way a unit changes:
 * a units import (parent, name), a geometry import (the wide shape's
 * UPDATE), a new unit. */
static void history(aq_ctx *ctx)
{
    aq_store *s = fresh(ctx, "t_store_history.db");
    aq_import_result r;
    const char *units = aq_test_write_file("t_store_h_units.csv", "code,parent,level,name_en\nC,,country,Country\n"
                                           "R1,C,region,One\nR2,C,region,Two\nD1,R1,district,Dee one\nD2,R1,district,Dee two\n");
    AQ_EQ_INT(aq_store_import(s, units, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_store_h_geom1.geojson", square(0)), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_store_h_pop.csv", "code,year,people\nD1,2020,100\nD2,2020,300\n"),
                              NULL, &r), AQ_OK);
    long long h = r.dataset_id;
    aq_import_result_clear(&r);
    const char *inds[] = {"people", NULL};
    aq_selection sel = {.indicators = inds, .level = "district", .under = "R1", .max_dataset = h};
    aq_table *then = NULL, *t = NULL;
    AQ_EQ_INT(aq_store_select(s, &sel, &then), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(then), 2);

    /* D2 moves to R2, D1 is renamed, D3 is new, D1 gets a new boundary;
     * importing the same units again changes nothing. */
    units = aq_test_write_file("t_store_h_units2.csv", "code,parent,level,name_en\nD1,R1,district,Dee one (new)\n"
                               "D2,R2,district,Dee two\nD3,R1,district,Dee three\n");
    AQ_EQ_INT(aq_store_import(s, units, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    aq_import_opts again;
    aq_import_opts_init(&again);
    again.again = 1; /* the same file once more, on purpose */
    AQ_EQ_INT(aq_store_import(s, units, &again, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_store_h_geom2.geojson", square(5)), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_store_h_pop2.csv", "code,year,people\nD3,2020,50\n"), NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    aq_table *hist = NULL;
    AQ_EQ_INT(aq__store_query_table(s, "SELECT count(*) AS n FROM unit_history", NULL, &hist), AQ_OK);
    /* D1 without a boundary (replaced by the first geometry import), D1's
     * name, D2's parent, D1's first boundary; none for the repeat */
    AQ_NEAR(hist ? aq_table_numbers(hist, 0)[0] : -1, 4, 0);
    aq_table_free(hist);

    /* At the horizon: the same rows, names and boundary as before. */
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(t), 2);
    AQ_EQ_STR(text_of(t, "D1", "name_en"), "Dee one");
    AQ_EQ_STR(text_of(t, "D2", "parent"), "R1");
    size_t l1 = 0, l2 = 0;
    const unsigned char *g1 = geom_of(then, "D1", &l1), *g2 = geom_of(t, "D1", &l2);
    AQ_CHECK(g1 && g2 && l1 == l2 && !memcmp(g1, g2, l1));
    aq_table_free(t);
    /* ... and the listing of units then has no D3. */
    aq_page_query q = {.what = "units", .under = "R1", .max_dataset = h};
    long long total = 0;
    AQ_EQ_INT(aq_store_page(s, &q, &t, &total), AQ_OK);
    AQ_EQ_INT(total, 3); /* R1, D1, D2 */
    AQ_EQ_STR(text_of(t, "D1", "name_en"), "Dee one");
    aq_table_free(t);
    q.max_dataset = 0;
    AQ_EQ_INT(aq_store_page(s, &q, &t, &total), AQ_OK);
    AQ_EQ_INT(total, 3); /* R1, D1, D3 */
    AQ_EQ_STR(text_of(t, "D3", "name_en"), "Dee three");
    aq_table_free(t);

    /* Now: D2 is gone from R1, D3 is there, D1 has its new name and boundary. */
    sel.max_dataset = 0;
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    AQ_EQ_INT(aq_table_nrows(t), 2);
    AQ_EQ_STR(text_of(t, "D1", "name_en"), "Dee one (new)");
    AQ_EQ_STR(text_of(t, "D3", "parent"), "R1");
    g2 = geom_of(t, "D1", &l2);
    AQ_CHECK(g1 && g2 && (l1 != l2 || memcmp(g1, g2, l1)));
    aq_table_free(t);
    aq_table_free(then);
    /* A writer that changes a unit without naming the dataset would leave
     * a change no horizon can place: the schema refuses it. */
    AQ_EQ_INT(aq__store_exec(s, "UPDATE units SET name_en = 'x', dataset_id = NULL WHERE code = 'D1'"), AQ_ESTORE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "a change to a unit must name its dataset") != NULL);
    /* ... and a unit's code is what the history is kept under. */
    AQ_EQ_INT(aq__store_exec(s, "UPDATE units SET code = 'D9', dataset_id = 1 WHERE code = 'D3'"), AQ_ESTORE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "a unit's code never changes") != NULL);
    aq_store_close(s);
}

/* A store made before units had a history (schema 3) is migrated: its
 * units as they were become the first version, valid from the beginning,
 * so a horizon before any later change (here dataset 1, the old import)
 * sees them; a change after the migration is kept as usual. */
static void history_migrated(aq_ctx *ctx)
{
    char target[1024];
    aq_test_store(target, sizeof target, "t_store_v3.db");
    aq_db *db = NULL;
    AQ_EQ_INT(aq__db_open(target, false, true, &db), 0);
    if (!db)
        return;
    size_t n = 0;
    const char *const *m = aq__store_migrations(aq__db_backend(db), &n);
    AQ_CHECK(n >= 4);
    for (size_t k = 0; k < 3; k++)
        AQ_EQ_INT(aq__db_exec(db, m[k]), 0);
    AQ_EQ_INT(aq__db_exec(db, aq__db_backend(db) == AQ_DB_POSTGRESQL ? "UPDATE aimaq_schema SET version = 3"
                                                                     : "PRAGMA user_version = 3"), 0);
    AQ_EQ_INT(aq__db_exec(db, "INSERT INTO datasets(id, name) VALUES (1, 'old');"
                              "INSERT INTO units(id, code, parent, level, name_en, dataset_id) VALUES"
                              " (1, 'R', NULL, 'region', 'Ar', 1), (2, 'D', 'R', 'district', 'Dee', 1);"
                              "INSERT INTO indicators(id, code) VALUES (1, 'people');"
                              "INSERT INTO observations(unit_id, indicator_id, period, dataset_id, value) VALUES"
                              " (2, 1, '2020', 1, 10)"), 0);
    aq__db_close(db);
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, target, 0, &s), AQ_OK);
    if (!s)
        return;
    AQ_EQ_INT(aq_store_schema_version(s), 9);
    aq_import_result r;
    /* (a datasets row made by hand leaves PostgreSQL's identity at 1) */
    if (aq_test_on_pg())
        AQ_EQ_INT(aq__store_exec(s, "SELECT setval(pg_get_serial_sequence('datasets', 'id'), 1)"), AQ_OK);
    AQ_EQ_INT(aq_store_import(s, aq_test_write_file("t_store_v3_units.csv", "code,parent,level,name_en\nD,R,district,Dee (new)\n"),
                              NULL, &r), AQ_OK);
    AQ_EQ_INT(r.dataset_id, 2);
    aq_import_result_clear(&r);
    const char *inds[] = {"people", NULL};
    aq_selection sel = {.indicators = inds, .under = "R", .max_dataset = 1};
    aq_table *t = NULL;
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    AQ_EQ_STR(text_of(t, "D", "name_en"), "Dee");
    aq_table_free(t);
    sel.max_dataset = 0;
    AQ_EQ_INT(aq_store_select(s, &sel, &t), AQ_OK);
    AQ_EQ_STR(text_of(t, "D", "name_en"), "Dee (new)");
    aq_table_free(t);
    aq_store_close(s);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    reforms(ctx);
    history(ctx);
    history_migrated(ctx);
    all_or_nothing(ctx);
    refusals(ctx);
    readonly_and_lost(ctx);
    one_snapshot(ctx);
    if (aq_test_on_pg())
        pg_refusals(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
