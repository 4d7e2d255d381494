/*
 * ws_submit.c -- submissions: a regional editor's file or edit waits for a
 * central analyst's approval; a central analyst's is applied at once.
 *
 * Every submission is a dataset. A pending one keeps its values in
 * pending_observations, which no reader of the store looks at, so nothing
 * unapproved ever reaches a selection, a report or a check. Approval moves
 * the values into observations under a NEW dataset id (the next after every
 * existing one): the approved values then win over everything imported
 * before the approval, as the analyst who approved them saw it, and a
 * result recorded at an earlier horizon (aq_ws_dataset_horizon) still
 * reproduces, since its selection never sees a dataset above the horizon.
 * A big file's values are moved in short transactions, as a staged import
 * writes them (approve_staged, import_stage.c).
 */
#include "import.h"
#include "ws_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static bool may_decide(const aq_account *a)
{
    return a && (a->role == AQ_ROLE_ADMIN || a->role == AQ_ROLE_CENTRAL);
}

static int step_done(aq_store *s, aq_db_stmt *st, const char *what)
{
    int rc = aq__db_step(st) == AQ_DB_DONE ? AQ_OK : aq__store_fail(s, what);
    aq__db_finalize(st);
    return rc;
}

/* Runs an INSERT ... RETURNING id and finalizes it; *ID gets the new row's
 * id (0 on failure). */
static int step_id(aq_store *s, aq_db_stmt *st, const char *what, long long *id)
{
    int step = aq__db_step(st);
    *id = step == AQ_DB_ROW ? aq__db_column_int64(st, 0) : 0;
    int rc = step == AQ_DB_ROW ? AQ_OK : aq__store_fail(s, what);
    aq__db_finalize(st);
    return rc;
}

static void fmt_value(char *buf, size_t size, bool has, double v)
{
    if (!has || isnan(v))
        snprintf(buf, size, "(none)");
    else
        snprintf(buf, size, "%.15g", v);
}

/* Messages about the upload name the user's file, not the server's copy. */
void aq__ws_name_the_file(aq_ctx *ctx, int rc, const char *path, const char *shown)
{
    const char *msg = aq_errmsg(ctx);
    size_t n = strlen(path);
    if (!n || !strstr(msg, path) || strcmp(path, shown) == 0)
        return;
    aq_buf b = {0};
    for (const char *at; (at = strstr(msg, path)); msg = at + n) {
        aq__buf_append(&b, msg, (size_t)(at - msg));
        aq__buf_puts(&b, shown);
    }
    aq__buf_puts(&b, msg);
    if (!b.failed)
        aq__err(ctx, rc, "%s", b.data);
    aq__buf_free(&b);
}

int aq__ws_may_upload(aq_store *s, const aq_account *actor, const char *shown)
{
    if (actor && aq_role_name(actor->role) && actor->role != AQ_ROLE_VIEWER)
        return AQ_OK;
    char object[320];
    snprintf(object, sizeof object, "file %s", shown);
    aq__err(s->ctx, AQ_EDENIED, "'%s' is a viewer: it may not upload data", actor ? actor->name : "nobody");
    return actor ? aq__ws_denied(s, actor, object) : AQ_EDENIED;
}

void aq__ws_upload_opts(const aq_account *actor, const char *shown, const aq_import_opts *opts, aq_import_opts *o)
{
    if (opts)
        *o = *opts;
    else
        aq_import_opts_init(o);
    bool pending = actor->role == AQ_ROLE_REGIONAL;
    o->user = actor->name;
    if (!o->dataset)
        o->dataset = shown;
    o->pending = pending;
    o->scope = pending ? actor->scope : NULL;
}

int aq__ws_record_upload(aq_store *s, const aq_account *actor, const char *shown, const aq_import_result *r,
                         long long *submission_id)
{
    bool pending = actor->role == AQ_ROLE_REGIONAL;
    aq_db_stmt *st = NULL;
    /* The dataset's source is what the user uploaded, not the spool copy. */
    int rc = aq__store_prepare(s, "UPDATE datasets SET source = ?1 WHERE id = ?2", &st);
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, shown);
        aq__db_bind_int64(st, 2, r->dataset_id);
        rc = step_done(s, st, "cannot record the submission");
    }
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, "INSERT INTO submissions(kind, status, account_id, file, dataset_id, rows, decided_by, decided_at)"
                                  " VALUES ('file', ?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id", &st);
    long long id = 0;
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, pending ? "pending" : "approved");
        aq__db_bind_int64(st, 2, actor->id);
        aq__db_bind_text(st, 3, shown);
        aq__db_bind_int64(st, 4, r->dataset_id);
        aq__db_bind_int64(st, 5, (int64_t)r->observations);
        if (!pending) {
            aq__db_bind_int64(st, 6, actor->id);
            char now[32];
            aq__store_now(now, sizeof now, 0, false);
            aq__db_bind_text_copy(st, 7, now);
        }
        rc = step_id(s, st, "cannot record the submission", &id);
    }
    char desc[256], object[320];
    snprintf(object, sizeof object, "submission %lld: file %s", id, shown);
    snprintf(desc, sizeof desc, "dataset %lld: %zu values, %zu units added, %s", (long long)r->dataset_id,
             r->observations, r->units_added, pending ? "pending approval" : "live");
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, "upload", object, NULL, desc, NULL);
    if (rc == AQ_OK)
        *submission_id = id;
    return rc;
}

int aq_ws_submit_file(aq_store *s, const aq_account *actor, const char *path, const char *original_name,
                      const aq_import_opts *opts, long long *submission_id)
{
    const char *shown = original_name && *original_name ? original_name : aq__basename(path);
    char object[320];
    snprintf(object, sizeof object, "file %s", shown);
    int rc = aq__ws_may_upload(s, actor, shown);
    if (rc)
        return rc;
    aq_import_opts o;
    aq__ws_upload_opts(actor, shown, opts, &o);
    aq_import_result r = {0};
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    rc = aq_store_import(s, path, &o, &r);
    if (rc)
        aq__ws_name_the_file(s->ctx, rc, path, shown);
    if (rc == AQ_EDENIED)
        return aq__ws_denied(s, actor, object);
    long long id = 0;
    if (rc == AQ_OK)
        rc = aq__ws_record_upload(s, actor, shown, &r, &id);
    rc = aq__ws_end(s, rc);
    aq_import_result_clear(&r);
    if (rc == AQ_OK && submission_id)
        *submission_id = id;
    return rc;
}

/* The id of CODE in TABLE (units or indicators), AQ_ENOTFOUND if none. */
static int id_of(aq_store *s, const char *table, const char *code, long long *id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT id FROM %s WHERE code = ?1", table);
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, sql, &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, code);
    if (aq__store_row(s, st, &rc))
        *id = aq__db_column_int64(st, 0);
    else if (rc == AQ_OK)
        rc = aq__err(s->ctx, AQ_ENOTFOUND, "no %s '%s' in the store '%s'", strcmp(table, "units") == 0 ? "unit" : "indicator",
                     code ? code : "", s->path);
    aq__db_finalize(st);
    return rc;
}

/* The live value of a cell: the newest dataset's (which may be "removed"). */
static int live_value(aq_store *s, long long unit, long long ind, const char *period, bool *has, double *v)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT value FROM observations o WHERE indicator_id = ?1 AND period = ?2 AND unit_id = ?3"
                                  AQ__LIVE_VALUES("o") " ORDER BY dataset_id DESC LIMIT 1", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, ind);
    aq__db_bind_text(st, 2, period);
    aq__db_bind_int64(st, 3, unit);
    int step = aq__db_step(st);
    *has = step == AQ_DB_ROW && aq__db_column_type(st, 0) != AQ_DB_NULL;
    *v = *has ? aq__db_column_double(st, 0) : NAN;
    if (step != AQ_DB_ROW && step != AQ_DB_DONE)
        rc = aq__store_fail(s, "cannot read a value");
    aq__db_finalize(st);
    return rc;
}

static void bind_value(aq_db_stmt *st, int i, double v)
{
    if (isnan(v))
        aq__db_bind_null(st, i);
    else
        aq__db_bind_double(st, i, v);
}

/* The dataset of one edit, then its value. */
static int write_edit(aq_store *s, const aq_account *actor, bool pending, const char *what, long long unit,
                      long long ind, const char *period, double value, long long *dataset)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "INSERT INTO datasets(name, source, imported_by, shape, rows_read, rows_accepted, status)"
                                  " VALUES (?1, 'edit', ?2, 'edit', 1, 1, ?3) RETURNING id", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, what);
    aq__db_bind_text(st, 2, actor->name);
    aq__db_bind_text(st, 3, pending ? "pending" : "live");
    long long id;
    if ((rc = step_id(s, st, "cannot record the edit", &id)) != AQ_OK)
        return rc;
    *dataset = id;
    char sql[160];
    snprintf(sql, sizeof sql, "INSERT INTO %s(unit_id, indicator_id, period, dataset_id, value) VALUES (?1, ?2, ?3, ?4, ?5)",
             pending ? "pending_observations" : "observations");
    if ((rc = aq__store_prepare(s, sql, &st)) != AQ_OK)
        return rc;
    aq__db_bind_int64(st, 1, unit);
    aq__db_bind_int64(st, 2, ind);
    aq__db_bind_text(st, 3, period);
    aq__db_bind_int64(st, 4, *dataset);
    bind_value(st, 5, value);
    return step_done(s, st, "cannot store the edited value");
}

int aq_ws_submit_edit(aq_store *s, const aq_account *actor, const char *unit_code, const char *indicator,
                      const char *period, double value, const char *comment, long long *submission_id)
{
    char object[320], per[16];
    snprintf(object, sizeof object, "value %s %s %s", unit_code ? unit_code : "", indicator ? indicator : "",
             period ? period : "");
    int rc = aq_ws_may_change(s, actor, unit_code);
    if (rc == AQ_EDENIED)
        return actor ? aq__ws_denied(s, actor, object) : rc;
    if (rc)
        return rc;
    if (!period || !aq__period_normalise(period, per))
        return aq__err(s->ctx, AQ_EUSAGE, "'%s' is not a period (expected YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD)",
                       period ? period : "");
    if (isinf(value))
        return aq__err(s->ctx, AQ_EUSAGE, "the new value of %s %s %s is infinite", unit_code, indicator, per);
    long long unit, ind;
    if ((rc = id_of(s, "units", unit_code, &unit)) != AQ_OK || (rc = id_of(s, "indicators", indicator, &ind)) != AQ_OK)
        return rc;
    snprintf(object, sizeof object, "value %s %s %s", unit_code, indicator, per);
    bool pending = actor->role == AQ_ROLE_REGIONAL, has_old;
    double old;
    long long dataset = 0;
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    rc = live_value(s, unit, ind, per, &has_old, &old);
    if (rc == AQ_OK)
        rc = write_edit(s, actor, pending, object, unit, ind, per, value, &dataset);
    aq_db_stmt *st = NULL;
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, "INSERT INTO submissions(kind, status, account_id, dataset_id, unit_id, indicator_id, period,"
                                  " value, old_value, rows, comment, decided_by, decided_at)"
                                  " VALUES ('edit', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?10, ?11) RETURNING id", &st);
    long long id = 0;
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, pending ? "pending" : "approved");
        aq__db_bind_int64(st, 2, actor->id);
        aq__db_bind_int64(st, 3, dataset);
        aq__db_bind_int64(st, 4, unit);
        aq__db_bind_int64(st, 5, ind);
        aq__db_bind_text(st, 6, per);
        bind_value(st, 7, value);
        bind_value(st, 8, old);
        aq__db_bind_text(st, 9, comment);
        if (!pending) {
            aq__db_bind_int64(st, 10, actor->id);
            char now[32];
            aq__store_now(now, sizeof now, 0, false);
            aq__db_bind_text_copy(st, 11, now);
        }
        rc = step_id(s, st, "cannot record the submission", &id);
    }
    char oldtxt[64], newtxt[96], obj[400];
    fmt_value(oldtxt, sizeof oldtxt, has_old, old);
    fmt_value(newtxt, sizeof newtxt, !isnan(value), value);
    if (pending)
        snprintf(newtxt + strlen(newtxt), sizeof newtxt - strlen(newtxt), " (pending approval)");
    snprintf(obj, sizeof obj, "%s (submission %lld)", object, id);
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, "edit", obj, oldtxt, newtxt, NULL);
    rc = aq__ws_end(s, rc);
    if (rc == AQ_OK && submission_id)
        *submission_id = id;
    return rc;
}

typedef struct pending_sub {
    char kind[8], status[16], period[16], file[256];
    long long dataset, unit, ind, rows;
    double value;
} pending_sub;

static int load_submission(aq_store *s, long long id, pending_sub *p)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT kind, status, dataset_id, unit_id, indicator_id, period, value, file, rows"
                                  " FROM submissions WHERE id = ?1", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, id);
    int step = aq__db_step(st);
    if (step == AQ_DB_ROW) {
        const char *c;
        snprintf(p->kind, sizeof p->kind, "%s", aq__db_column_text(st, 0));
        snprintf(p->status, sizeof p->status, "%s", aq__db_column_text(st, 1));
        p->dataset = aq__db_column_int64(st, 2);
        p->unit = aq__db_column_int64(st, 3);
        p->ind = aq__db_column_int64(st, 4);
        snprintf(p->period, sizeof p->period, "%s", (c = aq__db_column_text(st, 5)) ? c : "");
        p->value = aq__db_column_type(st, 6) == AQ_DB_NULL ? NAN : aq__db_column_double(st, 6);
        snprintf(p->file, sizeof p->file, "%s", (c = aq__db_column_text(st, 7)) ? c : "");
        p->rows = aq__db_column_int64(st, 8);
    } else if (step == AQ_DB_DONE) {
        rc = aq__err(s->ctx, AQ_ENOTFOUND, "no submission %lld in the store '%s'", id, s->path);
    } else {
        rc = aq__store_fail(s, "cannot read the submission");
    }
    aq__db_finalize(st);
    return rc;
}

/* Makes the pending dataset live as a new dataset; audits what changed. */
static int approve(aq_store *s, const aq_account *actor, long long id, const pending_sub *p, long long *new_id)
{
    long long replaced = 0, moved = 0;
    aq_db_stmt *ins;
    int rc = aq__store_prepare(s, "INSERT INTO datasets(name, source, checksum, imported_at, imported_by, shape, rows_read,"
                                  " rows_accepted, rows_rejected, status) SELECT name, source, checksum, imported_at, imported_by,"
                                  " shape, rows_read, rows_accepted, rows_rejected, 'live' FROM datasets WHERE id = ?1 RETURNING id",
                               &ins);
    if (rc == AQ_OK) {
        aq__db_bind_int64(ins, 1, p->dataset);
        rc = step_id(s, ins, "cannot approve the submission", new_id);
    }
    char object[400], oldtxt[64], newtxt[64];
    if (rc == AQ_OK && strcmp(p->kind, "edit") == 0) {
        bool has;
        double old;
        char unit[64] = "", ind[64] = "";
        aq_db_stmt *st;
        if ((rc = live_value(s, p->unit, p->ind, p->period, &has, &old)) == AQ_OK &&
            (rc = aq__store_prepare(s, "SELECT (SELECT code FROM units WHERE id = ?1), (SELECT code FROM indicators WHERE id = ?2)",
                                    &st)) == AQ_OK) {
            aq__db_bind_int64(st, 1, p->unit);
            aq__db_bind_int64(st, 2, p->ind);
            if (aq__db_step(st) == AQ_DB_ROW) {
                snprintf(unit, sizeof unit, "%s", aq__db_column_text(st, 0) ? aq__db_column_text(st, 0) : "");
                snprintf(ind, sizeof ind, "%s", aq__db_column_text(st, 1) ? aq__db_column_text(st, 1) : "");
            }
            aq__db_finalize(st);
        }
        fmt_value(oldtxt, sizeof oldtxt, has, old);
        fmt_value(newtxt, sizeof newtxt, !isnan(p->value), p->value);
        snprintf(object, sizeof object, "value %s %s %s (submission %lld)", unit, ind, p->period, id);
        if (rc == AQ_OK)
            rc = aq__ws_audit(s, actor, "approve", object, oldtxt, newtxt, NULL);
    } else if (rc == AQ_OK) {
        int64_t n = 0;
        rc = aq__store_int(s, &n, "cannot apply the decision", "SELECT count(*) FROM pending_observations p"
                           " WHERE p.dataset_id = ?1 AND EXISTS (SELECT 1 FROM observations o WHERE"
                           " o.indicator_id = p.indicator_id AND o.period = p.period AND o.unit_id = p.unit_id" AQ__LIVE_VALUES("o") ")",
                           "i", p->dataset);
        replaced = n;
    }
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot apply the decision", "INSERT INTO observations(unit_id, indicator_id, period,"
                           " dataset_id, value, flags) SELECT unit_id, indicator_id, period, ?2, value, flags"
                           " FROM pending_observations WHERE dataset_id = ?1", "ii", p->dataset, *new_id);
    if (rc == AQ_OK)
        moved = aq__db_changes(s->db);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot apply the decision", "DELETE FROM pending_observations WHERE dataset_id = ?1", "i",
                           p->dataset);
    /* The pending dataset's row goes after the commit (aq_ws_decide). */
    if (rc == AQ_OK && strcmp(p->kind, "file") == 0) {
        char desc[256];
        snprintf(object, sizeof object, "submission %lld: file %s", id, p->file);
        snprintf(desc, sizeof desc, "approved: %lld values live as dataset %lld (%lld of them replace earlier values)",
                 moved, *new_id, replaced);
        rc = aq__ws_audit(s, actor, "approve", object, "pending", desc, NULL);
    }
    return rc;
}

/* The submission's decision, inside the decision's transaction. */
static int record_decision(aq_store *s, const aq_account *actor, long long id, int approve_it, const char *comment,
                           long long dataset)
{
    aq_db_stmt *st = NULL;
    int rc = aq__store_prepare(s, "UPDATE submissions SET status = ?1, decided_by = ?2, comment = coalesce(?3, comment),"
                                  " dataset_id = ?4, decided_at = ?6 WHERE id = ?5", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, approve_it ? "approved" : "rejected");
    aq__db_bind_int64(st, 2, actor->id);
    aq__db_bind_text(st, 3, comment && *comment ? comment : NULL);
    aq__db_bind_int64(st, 4, dataset);
    aq__db_bind_int64(st, 5, id);
    char now[32];
    aq__store_now(now, sizeof now, 0, false);
    aq__db_bind_text_copy(st, 6, now);
    return step_done(s, st, "cannot record the decision");
}

static int load_pending(aq_store *s, long long id, pending_sub *p)
{
    int rc = load_submission(s, id, p);
    if (rc == AQ_OK && strcmp(p->status, "pending") != 0)
        rc = aq__err(s->ctx, AQ_EINPUT, "submission %lld is %s already: only a pending submission can be decided", id, p->status);
    return rc;
}

/* Is the submission a file of so many values that moving them in one
 * transaction would hold the writers' lock long (see AQ_STAGE_VALUES)? */
static bool big_file(const pending_sub *p) { return strcmp(p->kind, "file") == 0 && p->rows > AQ_STAGE_VALUES; }

/* Approves a big file as a staged import is made (import_stage.c): its
 * values are copied into observations under a new dataset, unseen (pending
 * and without a submission), in short transactions; the last one makes it
 * live, decides the submission and audits. The pending copy is then
 * without a submission, and is removed in short transactions (or, after a
 * kill, by the server's next start, as is a copy an interrupted approval
 * left). */
static int approve_staged(aq_store *s, const aq_account *actor, long long id, const char *comment)
{
    pending_sub p;
    int64_t to = 0, moved = 0, replaced = 0;
    int rc = aq__ws_begin(s);
    if (rc)
        return rc;
    if ((rc = load_pending(s, id, &p)) == AQ_OK)
        rc = aq__store_int(s, &to, "cannot approve the submission",
                           "INSERT INTO datasets(name, source, checksum, imported_at, imported_by, shape, rows_read,"
                           " rows_accepted, rows_rejected, status) SELECT name, source, checksum, imported_at, imported_by,"
                           " shape, rows_read, rows_accepted, rows_rejected, 'pending' FROM datasets WHERE id = ?1 RETURNING id",
                           "i", p.dataset);
    if ((rc = aq__ws_end(s, rc)) != AQ_OK)
        return rc;
    rc = aq__stage_copy(s, p.dataset, to);
    if (rc == AQ_OK)
        rc = aq__store_int(s, &moved, "cannot approve the submission",
                           "SELECT count(*) FROM pending_observations WHERE dataset_id = ?1", "i", p.dataset);
    if (rc == AQ_OK)
        rc = aq__store_int(s, &replaced, "cannot approve the submission", "SELECT count(*) FROM pending_observations p"
                           " WHERE p.dataset_id = ?1 AND EXISTS (SELECT 1 FROM observations o WHERE"
                           " o.indicator_id = p.indicator_id AND o.period = p.period AND o.unit_id = p.unit_id"
                           AQ__LIVE_VALUES("o") ")", "i", p.dataset);
    bool committed = false;
    if (rc == AQ_OK && (rc = aq__ws_begin(s)) == AQ_OK) {
        rc = aq__stage_reorder(s, &to, &committed);
        pending_sub now;
        if (rc == AQ_OK) /* decided meanwhile by someone else? */
            rc = load_pending(s, id, &now);
        if (rc == AQ_OK)
            rc = aq__store_run(s, "cannot approve the submission", "UPDATE datasets SET status = 'live' WHERE id = ?1", "i",
                               (long long)to);
        char object[400], desc[256];
        snprintf(object, sizeof object, "submission %lld: file %s", id, p.file);
        snprintf(desc, sizeof desc, "approved: %lld values live as dataset %lld (%lld of them replace earlier values)",
                 (long long)moved, (long long)to, (long long)replaced);
        if (rc == AQ_OK)
            rc = aq__ws_audit(s, actor, "approve", object, "pending", desc, NULL);
        if (rc == AQ_OK)
            rc = record_decision(s, actor, id, 1, comment, to);
        rc = aq__ws_end(s, rc);
    }
    if (rc) {
        char *why = aq__strdup(aq_errmsg(s->ctx));
        aq__stage_drop(s, to);
        aq__err(s->ctx, rc, "%s", why ? why : "the approval failed");
        aq__free(why);
        return rc;
    }
    aq__stage_drop(s, p.dataset); /* best effort: else the next start removes it */
    return AQ_OK;
}

int aq_ws_decide(aq_store *s, const aq_account *actor, long long id, int approve_it, const char *comment)
{
    char object[96];
    snprintf(object, sizeof object, "submission %lld", id);
    if (!may_decide(actor)) {
        aq__err(s->ctx, AQ_EDENIED, "'%s' (%s) may not %s submissions: only a central analyst or an administrator may",
                actor ? actor->name : "nobody", actor && aq_role_name(actor->role) ? aq_role_name(actor->role) : "no role",
                approve_it ? "approve" : "reject");
        return actor ? aq__ws_denied(s, actor, object) : AQ_EDENIED;
    }
    if (!approve_it && (!comment || !*comment))
        return aq__err(s->ctx, AQ_EINPUT, "rejecting submission %lld needs a comment saying why", id);
    pending_sub p;
    int rc = aq__ws_begin(s);
    if (rc)
        return rc;
    rc = load_pending(s, id, &p);
    bool big = rc == AQ_OK && big_file(&p);
    if (big && approve_it) {
        aq__ws_rollback(s); /* nothing written yet */
        return approve_staged(s, actor, id, comment);
    }
    long long dataset = p.dataset;
    if (rc == AQ_OK && approve_it) {
        rc = approve(s, actor, id, &p, &dataset);
    } else if (rc == AQ_OK) {
        /* A big file's pending values go after the decision, in parts. */
        if (!big)
            rc = aq__store_run(s, "cannot apply the decision", "DELETE FROM pending_observations WHERE dataset_id = ?1", "i",
                               p.dataset);
        if (rc == AQ_OK)
            rc = aq__store_run(s, "cannot apply the decision", "UPDATE datasets SET status = 'rejected' WHERE id = ?1", "i",
                               p.dataset);
        char desc[320];
        snprintf(desc, sizeof desc, "rejected: %s", comment);
        if (strcmp(p.kind, "file") == 0)
            snprintf(object, sizeof object, "submission %lld: file %.64s", id, p.file);
        if (rc == AQ_OK)
            rc = aq__ws_audit(s, actor, "reject", object, "pending", desc, NULL);
    }
    if (rc == AQ_OK)
        rc = record_decision(s, actor, id, approve_it, comment, dataset);
    rc = aq__ws_end(s, rc);
    /* Best effort, after the decision: else the next start does it. The
     * row's delete scans every observation for its foreign key, which
     * would hold the writers' lock seconds in a big store. */
    if (rc == AQ_OK && big && !approve_it)
        aq__stage_discard_pending(s, p.dataset);
    if (rc == AQ_OK && approve_it)
        aq__stage_delete_dataset(s, p.dataset);
    return rc;
}

int aq_ws_submissions(aq_store *s, const aq_account *actor, const char *status, aq_table **out)
{
    return aq_ws_submissions_page(s, actor, status, NULL, out);
}

int aq_ws_submissions_page(aq_store *s, const aq_account *actor, const char *status, aq_ws_page *page,
                           aq_table **out)
{
    /* ?2: the only submitter whose submissions show (a regional editor
     * sees its own); ?3: 'approved' when only those show (a viewer, or no
     * account: pending values are invisible to readers until approved). */
    char who[32] = "";
    bool approver = actor && (actor->role == AQ_ROLE_ADMIN || actor->role == AQ_ROLE_CENTRAL);
    if (actor && actor->role == AQ_ROLE_REGIONAL)
        snprintf(who, sizeof who, "%lld", actor->id);
    bool editor = who[0] != '\0';
    const char *args[] = {status ? status : "", who, approver || editor ? "" : "approved", NULL};
    return aq__ws_list(s,
        "SELECT s.id, s.kind, s.status,"
        " coalesce(a.name, CASE WHEN s.account_id = 0 THEN 'system' END) AS submitted_by, s.submitted_at, s.file,"
        " s.dataset_id, u.code AS unit, i.code AS indicator, s.period, s.value, s.old_value, s.rows,"
        " coalesce(d.name, CASE WHEN s.decided_by = 0 THEN 'system' END) AS decided_by, s.decided_at, s.comment"
        " FROM submissions s LEFT JOIN accounts a ON a.id = s.account_id LEFT JOIN units u ON u.id = s.unit_id"
        " LEFT JOIN indicators i ON i.id = s.indicator_id LEFT JOIN accounts d ON d.id = s.decided_by"
        " WHERE (?1 = '' OR s.status = ?1) AND (?2 = '' OR s.account_id = CAST(?2 AS BIGINT))"
        " AND (?3 = '' OR s.status = ?3) ORDER BY s.id DESC",
        args, page, out);
}
