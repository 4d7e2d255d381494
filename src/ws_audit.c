/*
 * ws_audit.c -- the append-only audit log and the workspace's transactions.
 *
 * Every change of the workspace writes its audit record inside the same
 * transaction as the change, so the log and the data never disagree. The
 * schema's triggers refuse UPDATE, DELETE and a replacing INSERT on it: not
 * even aimaq can rewrite history through SQL. And since whoever holds the
 * file can drop triggers, the records form a hash chain: each stores the
 * SHA-256 of the previous record's hash and its own content, which
 * aq_ws_audit_verify (`aimaq check --db`) recomputes, so a record rewritten,
 * removed or slipped in is found at the first record after it.
 */
#include "ws_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The content of one record, as the chain hashes it. */
typedef struct audit_row {
    long long id;
    const char *f[7]; /* at, account, action, object, old_value, new_value, client; NULL = SQL NULL */
} audit_row;

/* SHA-256 of PREV (the previous record's hash, "" before the first) and
 * ROW, in hex. Every field is length-prefixed and NULL is told from "", so
 * no two different records hash alike by moving bytes between fields. */
static void chain_hash(const char *prev, const audit_row *row, char out[65])
{
    crypto_hash_sha256_state h;
    char num[48];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)"aimaq-audit-1\n", 14);
    crypto_hash_sha256_update(&h, (const unsigned char *)prev, strlen(prev));
    int n = snprintf(num, sizeof num, "\n%lld\n", row->id);
    crypto_hash_sha256_update(&h, (const unsigned char *)num, (size_t)n);
    for (int k = 0; k < 7; k++) {
        size_t len = row->f[k] ? strlen(row->f[k]) : 0;
        n = row->f[k] ? snprintf(num, sizeof num, "%zu:", len) : snprintf(num, sizeof num, "-");
        crypto_hash_sha256_update(&h, (const unsigned char *)num, (size_t)n);
        if (len)
            crypto_hash_sha256_update(&h, (const unsigned char *)row->f[k], len);
        crypto_hash_sha256_update(&h, (const unsigned char *)"\n", 1);
    }
    unsigned char bin[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&h, bin);
    sodium_bin2hex(out, 65, bin, sizeof bin);
}

/* Walks the log in id order, recomputing the chain. Stops at the first
 * record whose stored hash differs from the recomputed one, or that has
 * none after one that had (*BAD gets its id, WHY what is wrong; 0 when all
 * follow). *COUNT the records read, HEAD the hash after the last one read
 * ("" if none). */
static int chain_walk(aq_store *s, long long *bad, long long *count, char head[65], char why[160])
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT id, at, account, action, object, old_value, new_value, client, sha256"
                                  " FROM audit ORDER BY id", &st);
    if (rc)
        return rc;
    char prev[65] = "";
    bool chained = false;
    *bad = 0;
    *count = 0;
    why[0] = '\0';
    while (!*bad && aq__store_row(s, st, &rc)) {
        audit_row row = {.id = aq__db_column_int64(st, 0)};
        for (int k = 0; k < 7; k++)
            row.f[k] = aq__db_column_type(st, k + 1) == AQ_DB_NULL ? NULL : aq__db_column_text(st, k + 1);
        const char *stored = aq__db_column_type(st, 8) == AQ_DB_NULL ? NULL : aq__db_column_text(st, 8);
        char h[65];
        chain_hash(prev, &row, h);
        ++*count;
        if (stored && strcmp(stored, h)) {
            *bad = row.id;
            snprintf(why, 160, "its hash does not follow from its content and the record before it (this record "
                     "was changed, or one before it removed or inserted)");
        } else if (!stored && chained) {
            *bad = row.id;
            snprintf(why, 160, "it has no hash although records before it have (it was written past aimaq)");
        }
        chained = chained || stored;
        memcpy(prev, h, sizeof h);
    }
    aq__db_finalize(st);
    if (head)
        memcpy(head, prev, sizeof prev);
    return rc;
}

/* The id and chain hash the next record follows: the last record's, or
 * (the first record written since the log had hashes) recomputed over the
 * records before the chain began, which the first hash then covers. */
static int chain_tail(aq_store *s, long long *last_id, char prev[65])
{
    /* Cached, as the insert below: every audited request runs both. */
    aq_db_stmt *st;
    int rc = aq__store_cached(s, "SELECT id, sha256 FROM audit ORDER BY id DESC LIMIT 1", &st);
    if (rc)
        return rc;
    bool walk = false;
    *last_id = 0;
    prev[0] = '\0';
    if (aq__store_row(s, st, &rc)) {
        *last_id = aq__db_column_int64(st, 0);
        if (aq__db_column_type(st, 1) == AQ_DB_NULL)
            walk = true;
        else
            snprintf(prev, 65, "%s", aq__db_column_text(st, 1));
    }
    aq__store_release(st);
    if (rc == AQ_OK && walk) {
        long long bad = 0, n = 0;
        char why[160];
        rc = chain_walk(s, &bad, &n, prev, why);
    }
    return rc;
}

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
    /* The chain needs the last record read and the new one written with
     * no other writer between: inside a write transaction (the caller's,
     * or one of its own), which both engines give one writer at a time. */
    bool own = !aq__db_in_transaction(s->db);
    if (own && aq__db_begin_write(s->db))
        return aq__store_fail(s, "cannot write the audit log");
    char at[32], prev[65], sha[65];
    aq__store_now(at, sizeof at, 0, true);
    /* Without an address of its own, the record takes the handle's. */
    audit_row row = {.f = {at, actor ? actor->name : "system", action, object, old_value, new_value,
                           client ? client : s->client[0] ? s->client : NULL}};
    long long last = 0;
    int rc = chain_tail(s, &last, prev);
    aq_db_stmt *st = NULL;
    if (rc == AQ_OK) {
        row.id = last + 1;
        chain_hash(prev, &row, sha);
        rc = aq__store_cached(s, "INSERT INTO audit(id, at, account, action, object, old_value, new_value, client,"
                                 " sha256) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &st);
    }
    if (rc == AQ_OK) {
        aq__db_bind_int64(st, 1, row.id);
        for (int k = 0; k < 7; k++)
            aq__db_bind_text(st, k + 2, row.f[k]);
        aq__db_bind_text(st, 9, sha);
        if (aq__db_step(st) != AQ_DB_DONE)
            rc = aq__store_fail(s, "cannot write the audit log");
    }
    if (st)
        aq__store_release(st);
    if (own)
        rc = aq__ws_end(s, rc);
    return rc;
}

int aq_ws_audit_verify(aq_store *s, long long *bad_id, long long *count, char head[65])
{
    long long bad = 0, n = 0;
    char why[160], h[65] = "";
    int rc = chain_walk(s, &bad, &n, h, why);
    if (bad_id)
        *bad_id = rc ? 0 : bad;
    if (count)
        *count = n;
    if (head)
        snprintf(head, 65, "%s", rc || bad ? "" : h);
    if (rc == AQ_OK && bad)
        rc = aq__err(s->ctx, AQ_EINPUT, "the audit log of '%s' is broken at record %lld: %s", s->path, bad, why);
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

int aq__ws_list(aq_store *s, const char *sql, const char *const *args, aq_ws_page *page, aq_table **out)
{
    if (!page)
        return aq__store_query_table(s, sql, args, out);
    return aq__store_query_page(s, sql, args, page->offset, page->limit, out, &page->total);
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

int aq_ws_audit_page(aq_store *s, long long after_id, aq_ws_page *page, aq_table **out)
{
    char after[32];
    snprintf(after, sizeof after, "%lld", after_id);
    const char *args[] = {after, NULL};
    return aq__ws_list(s,
        "SELECT id, at, account, action, object, old_value, new_value, client, sha256 FROM audit"
        " WHERE id > CAST(?1 AS BIGINT) ORDER BY id", args, page, out);
}

int aq_ws_audit_list(aq_store *s, long long after_id, size_t limit, aq_table **out)
{
    aq_ws_page page = {.limit = limit ? limit : 1000};
    return aq_ws_audit_page(s, after_id, &page, out);
}
