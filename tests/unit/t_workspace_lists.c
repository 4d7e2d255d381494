/*
 * t_workspace_lists.c -- what the workspace's listings show and keep
 * (issue 13): pages of every listing with their totals, pending
 * submissions hidden from readers, the cap on results per account, and
 * the audit log's hash chain (a replacing INSERT refused, rewrites past
 * the triggers found at the first record that does not follow, records of
 * a store made before the chain covered by its first hash).
 */
#include "aimaq_workspace.h"
#include "aq_test.h"
#include "store.h"
#include "ws_int.h"

#include "db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long long count(aq_store *s, const char *sql)
{
    int64_t n = -1;
    if (aq__store_int(s, &n, "count", sql, "") != AQ_OK)
        return -1;
    return (long long)n;
}

static aq_store *fresh(aq_ctx *ctx, const char *name)
{
    char target[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(target, sizeof target, name), AQ_STORE_CREATE, &s), AQ_OK);
    const char *units = aq_test_write_file("t_wl_units.csv",
                                           "code,parent,level,name_en\n000000000,,country,Kazakhstan\n"
                                           "750000000,000000000,region,Almaty\n751110000,750000000,district,Almaly\n"
                                           "710000000,000000000,region,Astana\n");
    const char *grp = aq_test_write_file("t_wl_grp.csv", "code,period,grp\n751110000,2022,100\n710000000,2022,200\n");
    aq_import_result r;
    AQ_EQ_INT(aq_store_import(s, units, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    AQ_EQ_INT(aq_store_import(s, grp, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    return s;
}

typedef struct people {
    aq_account admin, central, editor, editor2, viewer;
} people;

static void accounts(aq_store *s, people *p)
{
    aq_account sys;
    aq_account_system(&sys);
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "admin", "admin-password-1", AQ_ROLE_ADMIN, NULL, &p->admin), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &p->admin, "ministry", "central-password-1", AQ_ROLE_CENTRAL, NULL, &p->central),
              AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &p->admin, "almaty", "almaty-password-1", AQ_ROLE_REGIONAL, "750000000", &p->editor),
              AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &p->admin, "almaty2", "almaty-password-2", AQ_ROLE_REGIONAL, "750000000",
                                &p->editor2), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &p->admin, "reader", "reader-password-1", AQ_ROLE_VIEWER, NULL, &p->viewer), AQ_OK);
}

/* The number of submissions ACTOR sees (with STATUS, or all). */
static long long seen(aq_store *s, const aq_account *actor, const char *status)
{
    aq_table *t = NULL;
    long long n = aq_ws_submissions(s, actor, status, &t) == AQ_OK ? (long long)aq_table_nrows(t) : -1;
    aq_table_free(t);
    return n;
}

/* Pending values are invisible to every reader until approved: only the
 * submitter and the approvers see a pending submission. */
static void visibility(aq_store *s, const people *p)
{
    long long id = 0;
    AQ_EQ_INT(aq_ws_submit_edit(s, &p->editor, "751110000", "grp", "2022", 123, "from the akimat", &id), AQ_OK);
    AQ_EQ_INT(seen(s, &p->editor, NULL), 1);
    AQ_EQ_INT(seen(s, &p->central, NULL), 1);
    AQ_EQ_INT(seen(s, &p->admin, "pending"), 1);
    AQ_EQ_INT(seen(s, &p->viewer, NULL), 0);
    AQ_EQ_INT(seen(s, &p->viewer, "pending"), 0);
    AQ_EQ_INT(seen(s, &p->editor2, NULL), 0); /* same scope, not its submission */
    AQ_EQ_INT(seen(s, NULL, NULL), 0);
    /* Approved, it is data: everybody sees the submission. */
    AQ_EQ_INT(aq_ws_decide(s, &p->central, id, 1, NULL), AQ_OK);
    AQ_EQ_INT(seen(s, &p->viewer, NULL), 1);
    AQ_EQ_INT(seen(s, &p->viewer, "approved"), 1);
    AQ_EQ_INT(seen(s, &p->editor2, NULL), 0);
    /* A rejected one never became data: the submitter and approvers only. */
    AQ_EQ_INT(aq_ws_submit_edit(s, &p->editor, "751110000", "grp", "2022", 999, NULL, &id), AQ_OK);
    AQ_EQ_INT(aq_ws_decide(s, &p->central, id, 0, "wrong by a factor of ten"), AQ_OK);
    AQ_EQ_INT(seen(s, &p->viewer, NULL), 1);
    AQ_EQ_INT(seen(s, &p->viewer, "rejected"), 0);
    AQ_EQ_INT(seen(s, &p->editor, "rejected"), 1);
    AQ_EQ_INT(seen(s, &p->central, NULL), 2);
    /* Pages: newest first, with the total of the whole listing. */
    aq_ws_page page = {.offset = 1, .limit = 1};
    aq_table *t = NULL;
    AQ_EQ_INT(aq_ws_submissions_page(s, &p->central, NULL, &page, &t), AQ_OK);
    AQ_EQ_INT(page.total, 2);
    AQ_EQ_INT(aq_table_nrows(t), 1);
    if (aq_table_nrows(t) == 1)
        AQ_EQ_STR(aq_table_text(t, (size_t)aq_table_find(t, "status"), 0), "approved");
    aq_table_free(t);
    page = (aq_ws_page){.limit = 10};
    AQ_EQ_INT(aq_ws_submissions_page(s, &p->viewer, NULL, &page, &t), AQ_OK);
    AQ_EQ_INT(page.total, 1);
    aq_table_free(t);
}

/* The number of results of ACCOUNT in the store. */
static long long results_of(aq_store *s, const char *account)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM results WHERE created_by = '%s'", account);
    return count(s, sql);
}

/* Each account keeps its CAP newest results; nobody else's expire. */
static void results_cap(aq_store *s, const people *p)
{
    long long ids[6] = {0}, other = 0;
    aq_ws_set_results_cap(s, 3);
    AQ_EQ_INT(aq_ws_result_record(s, &p->central, "disparity", "{}", NULL, 1, "{\"n\":0}", &other), AQ_OK);
    for (int i = 0; i < 6; i++)
        AQ_EQ_INT(aq_ws_result_record(s, &p->viewer, "disparity", "{}", NULL, 1, "{\"n\":1}", &ids[i]), AQ_OK);
    AQ_EQ_INT(results_of(s, "reader"), 3);
    AQ_EQ_INT(results_of(s, "ministry"), 1);
    AQ_EQ_INT(aq_ws_result_get(s, ids[2], NULL, NULL, NULL, NULL), AQ_ENOTFOUND);
    AQ_EQ_INT(aq_ws_result_get(s, ids[3], NULL, NULL, NULL, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_result_get(s, other, NULL, NULL, NULL, NULL), AQ_OK);
    /* The audit record of the result that pushed one out says so. */
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'result' AND new_value LIKE"
                       " '%; 1 older result of this account expired (cap 3)'"), 3);
    /* The listing pages them, newest first. */
    aq_ws_page page = {.offset = 1, .limit = 2};
    aq_table *t = NULL;
    AQ_EQ_INT(aq_ws_results_page(s, &page, &t), AQ_OK);
    AQ_EQ_INT(page.total, 4);
    AQ_EQ_INT(aq_table_nrows(t), 2);
    if (aq_table_nrows(t) == 2) {
        AQ_NEAR(aq_table_numbers(t, 0)[0], (double)ids[4], 0);
        AQ_NEAR(aq_table_numbers(t, 0)[1], (double)ids[3], 0);
    }
    aq_table_free(t);
    /* No cap: nothing expires. */
    aq_ws_set_results_cap(s, 0);
    for (int i = 0; i < 2; i++)
        AQ_EQ_INT(aq_ws_result_record(s, &p->viewer, "disparity", "{}", NULL, 1, "{}", NULL), AQ_OK);
    AQ_EQ_INT(results_of(s, "reader"), 5);
    aq_ws_set_results_cap(s, AQ_WS_RESULTS_CAP);
}

/* Runs SQL the schema refuses; true when it was refused as append-only. */
static bool refused(aq_store *s, const char *sql)
{
    return aq__db_exec(s->db, sql) != 0 && strstr(aq__db_errmsg(s->db), "append-only") != NULL;
}

static void chain(aq_store *s, const people *p)
{
    (void)p;
    long long bad = -1, n = 0;
    char head[65] = "x";
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, head), AQ_OK);
    AQ_EQ_INT(bad, 0);
    AQ_EQ_INT(n, count(s, "SELECT count(*) FROM audit"));
    AQ_CHECK(n > 10);
    AQ_EQ_INT(strlen(head), 64);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE sha256 IS NULL"), 0);
    /* The public function chains too, in a transaction of its own. */
    AQ_EQ_INT(aq_ws_audit(s, NULL, "note", "chain", NULL, NULL, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, head), AQ_OK);
    /* The schema: no replacing insert (SQLite's REPLACE would delete the
     * old record without the DELETE trigger), no record without a hash. */
    if (!aq_test_on_pg())
        AQ_CHECK(refused(s, "INSERT OR REPLACE INTO audit(id, at, account, action, sha256)"
                            " SELECT id, at, 'mallory', action, sha256 FROM audit WHERE id = 3"));
    else
        AQ_CHECK(refused(s, "INSERT INTO audit(id, at, account, action, sha256) SELECT id, at, 'mallory', action,"
                            " sha256 FROM audit WHERE id = 3 ON CONFLICT (id) DO UPDATE SET account = 'mallory'"));
    AQ_CHECK(refused(s, "INSERT INTO audit(id, at, action) VALUES (100000, 'x', 'forged')"));
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE account = 'mallory' OR id = 100000"), 0);
    /* Past the triggers (the file's or the database's owner can drop
     * them): each kind of tampering, found at the first record after it. */
    AQ_EQ_INT(aq__db_exec(s->db, aq_test_on_pg() ? "ALTER TABLE audit DISABLE TRIGGER USER"
                                                 : "DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;"
                                                   " DROP TRIGGER audit_no_replace"), 0);
    AQ_EQ_INT(aq__db_exec(s->db, "UPDATE audit SET new_value = 'rewritten' WHERE id = 5"), 0);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, head), AQ_EINPUT);
    AQ_EQ_INT(bad, 5);
    AQ_EQ_STR(head, "");
    AQ_CHECK(strstr(aq_errmsg(s->ctx), "is broken at record 5") != NULL);
    AQ_EQ_INT(aq__db_exec(s->db, "DELETE FROM audit WHERE id = 5"), 0);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, NULL), AQ_EINPUT);
    AQ_EQ_INT(bad, 6);
    /* Removing the whole tail is what only the kept last hash shows. */
    AQ_EQ_INT(aq__db_exec(s->db, "DELETE FROM audit WHERE id >= 5"), 0);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, head), AQ_OK);
    AQ_EQ_INT(n, 4);
    /* The next record written follows the new tail. */
    AQ_EQ_INT(aq_ws_audit(s, NULL, "note", "after", NULL, NULL, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, NULL), AQ_OK);
    AQ_EQ_INT(n, 5);
    AQ_EQ_INT(aq__db_exec(s->db, "INSERT INTO audit(id, at, action) VALUES (6, 'x', 'forged')"), 0);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &n, NULL), AQ_EINPUT);
    AQ_EQ_INT(bad, 6);
    AQ_CHECK(strstr(aq_errmsg(s->ctx), "has no hash") != NULL);
    /* And aimaq check reports it as an error. */
    aq_findings *f = NULL;
    AQ_EQ_INT(aq_check_store(s, &f), AQ_OK);
    bool found = false;
    for (size_t i = 0; i < aq_findings_count(f); i++) {
        const aq_finding *x = aq_findings_get(f, i);
        found = found || (!strcmp(x->check, "audit-chain") && x->severity == AQ_SEV_ERROR && x->value == 6);
    }
    AQ_CHECK(found);
    aq_findings_free(f);
}

/* A store of schema 3, made before the chain, with audit records: after
 * the upgrade the first new record's hash covers the old ones. An SQLite
 * file in both runs (the migration text is the same list on both). */
static void legacy(aq_ctx *ctx)
{
    char path[512];
    aq_test_store_file(path, sizeof path, "t_wl_v3.db");
    aq_db *db = NULL;
    size_t n = 0;
    const char *const *steps = aq__store_migrations(AQ_DB_SQLITE, &n);
    AQ_EQ_INT(aq__db_open(path, false, true, &db), 0);
    for (size_t v = 0; db && v < 3; v++)
        AQ_EQ_INT(aq__db_exec(db, steps[v]), 0);
    AQ_EQ_INT(db ? aq__db_exec(db, "INSERT INTO audit(account, action, object) VALUES ('system', 'account-add', 'a'),"
                                   " ('system', 'login', 'b'), ('x', 'note', NULL); PRAGMA user_version = 3") : -1, 0);
    aq__db_close(db);
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, path, 0, &s), AQ_OK);
    if (!s)
        return;
    long long bad = -1, count_ = 0;
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &count_, NULL), AQ_OK); /* nothing stored to check against yet */
    AQ_EQ_INT(count_, 3);
    AQ_EQ_INT(aq_ws_audit(s, NULL, "note", "first chained", NULL, NULL, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_audit(s, NULL, "note", "second chained", NULL, NULL, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &count_, NULL), AQ_OK);
    AQ_EQ_INT(count_, 5);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE sha256 IS NULL"), 3);
    /* An old record rewritten is found at the first chained one. */
    AQ_EQ_INT(aq__db_exec(s->db, "DROP TRIGGER audit_no_update; UPDATE audit SET object = 'z' WHERE id = 2"), 0);
    AQ_EQ_INT(aq_ws_audit_verify(s, &bad, &count_, NULL), AQ_EINPUT);
    AQ_EQ_INT(bad, 4);
    aq_store_close(s);
}

int main(void)
{
    AQ_TEST_BEGIN();
    setenv("AQ_PWHASH_FAST", "1", 1);
    aq_ctx *ctx = aq_ctx_new();
    aq_store *s = fresh(ctx, "t_wl.db");
    people p;
    if (s) {
        accounts(s, &p);
        visibility(s, &p);
        results_cap(s, &p);
        chain(s, &p);
        aq_store_close(s);
    }
    legacy(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
