/*
 * gpkg_check.c -- a GeoPackage is an SQLite database, and a database's
 * schema can hold code: views that run when a layer is read, triggers,
 * virtual tables whose module reads other files. Before GDAL opens one,
 * it is examined here on a connection of its own (never the store's: a
 * view of the file would then see the store's tables), read-only, with
 * SQLite's defensive settings and an authorizer that notes every database
 * a statement touches. Refused: a schema SQLite cannot read, a view or
 * trigger that references a database other than the file itself, a
 * virtual table other than an R-tree (the spatial index GeoPackage uses).
 */
#include "gdal_in.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

typedef struct seen {
    char other[128]; /* the first database other than main, or "" */
    bool attach;
} seen;

static int authorize(void *user, int action, const char *a, const char *b, const char *db, const char *inner)
{
    (void)a, (void)b, (void)inner;
    seen *s = user;
    if (action == SQLITE_ATTACH || action == SQLITE_DETACH) {
        s->attach = true;
        return SQLITE_DENY;
    }
    if (db && strcmp(db, "main") && !s->other[0])
        snprintf(s->other, sizeof s->other, "%s", db);
    return SQLITE_OK;
}

/* Compiles SQL (never runs it) and says whether it touched another
 * database; false with *err when it does not compile. */
static bool compile(sqlite3 *db, seen *s, const char *sql, char *err, size_t size)
{
    sqlite3_stmt *st = NULL;
    s->other[0] = '\0';
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK) {
        snprintf(err, size, "%.200s", sqlite3_errmsg(db));
        return false;
    }
    return true;
}

static bool is_sqlite(const char *path)
{
    FILE *f = fopen(path, "rb");
    char head[16] = {0};
    bool ok = f && fread(head, 1, sizeof head, f) == sizeof head && !memcmp(head, "SQLite format 3", 16);
    if (f)
        fclose(f);
    return ok;
}

static int check_schema(aq_ctx *ctx, const char *path, sqlite3 *db, seen *s)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM main.sqlite_schema", -1, &st, NULL) != SQLITE_OK)
        return aq__err(ctx, AQ_EINPUT, "'%s' is not a GeoPackage aimaq reads: its schema cannot be read (%.200s)", path,
                       sqlite3_errmsg(db));
    int rc = AQ_OK, step;
    while (rc == AQ_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(st, 0), *name = (const char *)sqlite3_column_text(st, 1);
        const char *table = (const char *)sqlite3_column_text(st, 2), *sql = (const char *)sqlite3_column_text(st, 3);
        if (!type || !name || !sql)
            continue;
        char query[512], err[256];
        if (!strcmp(type, "table") && !sqlite3_strnicmp(sql, "CREATE VIRTUAL TABLE", 20)) {
            /* This connection knows only SQLite's own modules (R-tree, FTS,
             * ...), none of which reads outside the file: a module that
             * does not compile here (GDAL's VirtualOGR, say) is refused. */
            char *q = sqlite3_mprintf("SELECT * FROM main.\"%w\"", name);
            snprintf(query, sizeof query, "%s", q ? q : "");
            sqlite3_free(q);
            if (!compile(db, s, query, err, sizeof err))
                rc = aq__err(ctx, AQ_EINPUT,
                             "'%s' holds the virtual table '%.100s' of a module aimaq does not know (%s): refused "
                             "(such a module could read other files)",
                             path, name, err);
            continue;
        }
        if (strcmp(type, "view") && strcmp(type, "trigger"))
            continue;
        bool view = !strcmp(type, "view");
        char *q = sqlite3_mprintf(view ? "SELECT * FROM main.\"%w\"" : "DELETE FROM main.\"%w\" WHERE 0", view ? name : table);
        snprintf(query, sizeof query, "%s", q ? q : "");
        sqlite3_free(q);
        bool ok = compile(db, s, query, err, sizeof err);
        if (ok && !view) /* a trigger may fire on insert or update instead */
            for (int k = 0; k < 2 && ok && !s->other[0]; k++) {
                char *q2 = sqlite3_mprintf(k ? "UPDATE main.\"%w\" SET rowid = rowid WHERE 0"
                                             : "INSERT INTO main.\"%w\" DEFAULT VALUES",
                                           table);
                snprintf(query, sizeof query, "%s", q2 ? q2 : "");
                sqlite3_free(q2);
                /* a table without a rowid or with required columns may
                 * not take these: only what compiles tells anything */
                compile(db, s, query, err, sizeof err);
            }
        if (s->attach || s->other[0])
            rc = aq__err(ctx, AQ_EINPUT,
                         "'%s': the %s '%.100s' references the database '%s', not the file itself: refused (a "
                         "GeoPackage is read on its own)",
                         path, type, name, s->attach ? "(attached)" : s->other);
        else if (!ok && view)
            rc = aq__err(ctx, AQ_EINPUT, "'%s': the view '%.100s' cannot be read (%s): refused", path, name, err);
    }
    sqlite3_finalize(st);
    if (rc == AQ_OK && step != SQLITE_DONE)
        rc = aq__err(ctx, AQ_EINPUT, "'%s' is not a GeoPackage aimaq reads: its schema cannot be read (%.200s)", path,
                     sqlite3_errmsg(db));
    return rc;
}

int aq__gpkg_check(aq_ctx *ctx, const char *path)
{
    if (!is_sqlite(path))
        return aq__err(ctx, AQ_EINPUT,
                       "'%s' is not a valid GeoPackage file: it is not an SQLite database (aimaq reads a file only as "
                       "the format of its extension)",
                       path);
    sqlite3 *db = NULL;
    /* Read-only and private: no journal, no WAL recovery writes, no
     * shared cache with any other connection of the process. */
    int orc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_PRIVATECACHE, NULL);
    if (orc != SQLITE_OK) {
        int rc = aq__err(ctx, AQ_EINPUT, "cannot read '%s' as a GeoPackage: %.200s", path,
                         db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return rc;
    }
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    seen s = {{0}, false};
    sqlite3_set_authorizer(db, authorize, &s);
    int rc = check_schema(ctx, path, db, &s);
    sqlite3_close(db);
    return rc;
}
