/*
 * ws_audit.c -- the append-only audit log and the workspace's transactions.
 *
 * Every change of the workspace writes its audit record inside the same
 * transaction as the change, so the log and the data never disagree. The
 * schema's triggers refuse UPDATE and DELETE on the log: not even aimaq can
 * rewrite history through SQL.
 */
#include "ws_int.h"

#include <stdio.h>
#include <string.h>

int aq__ws_begin(aq_store *s)
{
    if (s->readonly)
        return aq__err(s->ctx, AQ_EUSAGE, "the store '%s' is open read-only", s->path);
    return aq__db_begin_write(s->db) ? aq__store_fail(s, "cannot start a change") : AQ_OK;
}

int aq__ws_commit(aq_store *s)
{
    int rc = aq__store_exec(s, "COMMIT");
    if (rc)
        aq__ws_rollback(s);
    return rc;
}

void aq__ws_rollback(aq_store *s)
{
    if (aq__db_in_transaction(s->db))
        aq__db_exec(s->db, "ROLLBACK");
}

int aq__ws_end(aq_store *s, int rc)
{
    if (rc == AQ_OK)
        return aq__ws_commit(s);
    aq__ws_rollback(s);
    return rc;
}

int aq__ws_audit(aq_store *s, const aq_account *actor, const char *action, const char *object,
                 const char *old_value, const char *new_value, const char *client)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "INSERT INTO audit(account, action, object, old_value, new_value, client)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, actor ? actor->name : "system");
    aq__db_bind_text(st, 2, action);
    aq__db_bind_text(st, 3, object);
    aq__db_bind_text(st, 4, old_value);
    aq__db_bind_text(st, 5, new_value);
    /* Without an address of its own, the record takes the handle's. */
    aq__db_bind_text(st, 6, client ? client : s->client[0] ? s->client : NULL);
    if (aq__db_step(st) != AQ_DB_DONE)
        rc = aq__store_fail(s, "cannot write the audit log");
    aq__db_finalize(st);
    return rc;
}

int aq__ws_denied(aq_store *s, const aq_account *actor, const char *object)
{
    char why[1024];
    snprintf(why, sizeof why, "%s", aq_errmsg(s->ctx));
    aq__ws_rollback(s);
    int rc = s->readonly ? AQ_OK : aq__ws_audit(s, actor, "denied", object, NULL, why, NULL);
    if (rc)
        return aq__err(s->ctx, AQ_EDENIED, "%s (and the refusal could not be audited)", why);
    return aq__err(s->ctx, AQ_EDENIED, "%s", why);
}

void aq_ws_set_client(aq_store *s, const char *client)
{
    snprintf(s->client, sizeof s->client, "%s", client ? client : "");
}

int aq_ws_audit(aq_store *s, const aq_account *actor, const char *action, const char *object,
                const char *old_value, const char *new_value, const char *client)
{
    if (!action || !*action)
        return aq__err(s->ctx, AQ_EUSAGE, "an audit record needs an action");
    if (s->readonly)
        return aq__err(s->ctx, AQ_EUSAGE, "the store '%s' is open read-only", s->path);
    return aq__ws_audit(s, actor, action, object, old_value, new_value, client);
}

int aq_ws_audit_list(aq_store *s, long long after_id, size_t limit, aq_table **out)
{
    char after[32], lim[32];
    snprintf(after, sizeof after, "%lld", after_id);
    snprintf(lim, sizeof lim, "%zu", limit ? limit : 1000);
    const char *args[] = {after, lim, NULL};
    return aq__store_query_table(s,
        "SELECT id, at, account, action, object, old_value, new_value, client FROM audit"
        " WHERE id > CAST(?1 AS BIGINT) ORDER BY id LIMIT CAST(?2 AS BIGINT)", args, out);
}
