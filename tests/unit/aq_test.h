/*
 * aq_test.h -- a minimal harness for the unit tests (t_*.c).
 *
 * Each check prints a line only when it fails (file:line and the values),
 * and the program ends with "N passed, N failed" and exit status 1 on any
 * failure, so ctest and a reader both see the outcome.
 *
 *   int main(void) { AQ_TEST_BEGIN(); AQ_CHECK(1 + 1 == 2); ... AQ_TEST_END(); }
 */
#ifndef AQ_TEST_H
#define AQ_TEST_H

#include <ctype.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int aq_test_passed, aq_test_failed;

#define AQ_TEST_BEGIN() (aq_test_passed = aq_test_failed = 0)
#define AQ_TEST_END()                                                                   \
    do {                                                                                \
        printf("%d passed, %d failed\n", aq_test_passed, aq_test_failed);               \
        return aq_test_failed ? 1 : 0;                                                  \
    } while (0)

#define AQ_CHECK(cond)                                                                  \
    do {                                                                                \
        if (cond) {                                                                     \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                               \
    } while (0)

/* |got - want| <= tol * max(1, |want|): relative for large values, absolute
 * near zero (GSL's gsl_test_rel does the same). */
#define AQ_NEAR(got, want, tol)                                                         \
    do {                                                                                \
        double g_ = (got), w_ = (want), t_ = (tol);                                     \
        double s_ = fabs(w_) > 1 ? fabs(w_) : 1;                                        \
        if (fabs(g_ - w_) <= t_ * s_ || (isnan(g_) && isnan(w_))) {                     \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tolerance %g)\n",       \
                    __FILE__, __LINE__, #got, g_, w_, t_);                              \
        }                                                                               \
    } while (0)

#define AQ_EQ_INT(got, want)                                                            \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        if (g_ == w_) {                                                                 \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__,    \
                    #got, g_, w_);                                                      \
        }                                                                               \
    } while (0)

#define AQ_EQ_STR(got, want)                                                            \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                          \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s = \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                      \
        }                                                                               \
    } while (0)

/* A scratch path under $AQ_TMP (or /tmp) for this test: buf gets DIR/NAME. */
static inline const char *aq_test_path(char *buf, size_t size, const char *name)
{
    const char *dir = getenv("AQ_TMP");
    snprintf(buf, size, "%s/%s", dir && *dir ? dir : "/tmp", name);
    return buf;
}

/* Writes TEXT to the scratch file NAME (aq_test_path) and returns its
 * path, which stays valid for the next 7 calls (a ring of 8 buffers: a
 * test may hold a few paths at once). */
static inline const char *aq_test_write_file(const char *name, const char *text)
{
    static char path[8][512];
    static int k;
    char *p = path[k++ % 8];
    aq_test_path(p, 512, name);
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return p;
}

/*
 * Stores on either engine. The suite runs twice in CI (scripts/setup.sh
 * test): once on SQLite files, once with AQ_TEST_DB set to the URI of a
 * PostgreSQL database on a throwaway server (scripts/pg_test_server.sh).
 * A test asks aq_test_store for where its store lives and so runs on
 * whichever engine the run is for; a check that is about SQLite files by
 * nature (a read-only file, -wal files, a v1 file to migrate) takes
 * aq_test_store_file and runs on a file in both runs.
 */

/* True when this run's stores are PostgreSQL databases (AQ_TEST_DB set). */
static inline bool aq_test_on_pg(void)
{
    const char *server = getenv("AQ_TEST_DB");
    return server && *server;
}

/* A fresh SQLite store path under $AQ_TMP: buf gets DIR/NAME, and any old
 * file of that name, with its -wal, -shm and -journal, is removed. */
static inline const char *aq_test_store_file(char *buf, size_t size, const char *name)
{
    static const char *const aux[] = {"", "-wal", "-shm", "-journal"};
    aq_test_path(buf, size, name);
    for (size_t i = 0; i < sizeof aux / sizeof *aux; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", buf, aux[i]);
        unlink(p);
    }
    return buf;
}

/* AQ_TEST_DB's URI with the database DB in place of its own:
 * postgresql://USER@HOST/DB?PARAMS. Ends the program if AQ_TEST_DB is not
 * a URI. */
static inline const char *aq_test_pg_uri(char *buf, size_t size, const char *db)
{
    const char *server = getenv("AQ_TEST_DB");
    const char *scheme = server ? strstr(server, "://") : NULL;
    if (!scheme) {
        fprintf(stderr, "aq_test: AQ_TEST_DB must be a postgresql:// URI, not '%s'\n", server ? server : "");
        exit(1);
    }
    const char *path = scheme + 3 + strcspn(scheme + 3, "/?");
    const char *params = path + strcspn(path, "?");
    snprintf(buf, size, "%.*s/%s%s", (int)(path - server), server, db, params);
    return buf;
}

static inline void aq_test_no_notice(void *arg, const char *message) { (void)arg, (void)message; }

/* Where the test's store NAME lives, to give to aq_store_open (or to
 * `aimaq --db`): with AQ_TEST_DB unset, aq_test_store_file's fresh path;
 * with it set, a fresh empty database aq_<name>_<pid> (NAME lowercased,
 * other characters '_') made on AQ_TEST_DB's server from template0, and
 * buf gets AQ_TEST_DB's URI with that database's name in place of its own.
 * The pid keeps parallel tests (ctest -j) apart; a second call with the
 * same NAME in one process drops the first database. The databases go when
 * the throwaway server is stopped. A server that cannot be reached ends the
 * test program with a message (status 1). */
static inline const char *aq_test_store(char *buf, size_t size, const char *name)
{
    if (!aq_test_on_pg())
        return aq_test_store_file(buf, size, name);
    const char *server = getenv("AQ_TEST_DB");
    char db[64];
    int n = snprintf(db, sizeof db, "aq_");
    for (const char *c = name; *c && n < 40; c++)
        db[n++] = isalnum((unsigned char)*c) ? (char)tolower((unsigned char)*c) : '_';
    snprintf(db + n, sizeof db - (size_t)n, "_%ld", (long)getpid());

    aq_test_pg_uri(buf, size, db);
    PGconn *c = PQconnectdb(server);
    PQsetNoticeProcessor(c, aq_test_no_notice, NULL); /* "does not exist, skipping" */
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
    PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        PQclear(r);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'", db);
        r = PQexec(c, sql);
    }
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "aq_test_store: cannot make the database %s on AQ_TEST_DB %s: %s", db, server,
                PQerrorMessage(c));
        exit(1);
    }
    PQclear(r);
    PQfinish(c);
    return buf;
}

#endif
