/*
 * t_workspace.c -- accounts, roles, sessions, API tokens, the login
 * backoff, territorial scope and the append-only audit log of the shared
 * workspace (aimaq_workspace.h).
 *
 * Password hashes use libsodium's minimum cost (AQ_PWHASH_FAST=1) except
 * one, which checks the real Argon2id INTERACTIVE parameters.
 */
#include "aimaq_workspace.h"
#include "aq_test.h"
#include "store.h"
#include "ws_int.h"

#include "db.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ADMIN_PW "correct horse battery staple"
#define EDITOR_PW "Алматы-2025-пароль"

/* A store with part of KATO: Almaty city (75) with two districts, Astana
 * (71) with one (codes and names from examples/kz/units.csv). */
static aq_store *fresh(aq_ctx *ctx, const char *name)
{
    char target[1024];
    aq_store *s = NULL;
    AQ_EQ_INT(aq_store_open(ctx, aq_test_store(target, sizeof target, name), AQ_STORE_CREATE, &s), AQ_OK);
    const char *units = aq_test_write_file("t_ws_units.csv",
                                   "code,parent,level,name_en\n000000000,,country,Kazakhstan\n"
                                   "750000000,000000000,region,Almaty\n751110000,750000000,district,Almaly\n"
                                   "751210000,750000000,district,Alatau\n710000000,000000000,region,Astana\n"
                                   "711110000,710000000,district,Almaty district (Astana)\n");
    aq_import_result r;
    AQ_EQ_INT(aq_store_import(s, units, NULL, &r), AQ_OK);
    aq_import_result_clear(&r);
    return s;
}

static int count(aq_store *s, const char *sql)
{
    aq_db_stmt *st;
    int n = -1;
    if (aq__db_prepare(s->db, sql, false, &st) == 0 && aq__db_step(st) == AQ_DB_ROW)
        n = (int)aq__db_column_int64(st, 0);
    aq__db_finalize(st);
    return n;
}

/* Records N failed logins of NAME from CLIENT now, as aq_ws_login does. */
static void add_failures(aq_store *s, const char *name, const char *client, int n)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO login_failures(name, client, at) VALUES ('%s', '%s', %lld)", name, client,
             (long long)time(NULL));
    for (int i = 0; i < n; i++)
        aq__db_exec(s->db, sql);
}

/* Does the context's message say to try again in SECONDS s (or one less,
 * across a second boundary)? */
static bool wait_is(aq_ctx *ctx, int seconds)
{
    char a[48], b[48];
    snprintf(a, sizeof a, "try again in %d s", seconds);
    snprintf(b, sizeof b, "try again in %d s", seconds - 1);
    return strstr(aq_errmsg(ctx), a) || strstr(aq_errmsg(ctx), b);
}

/* Does the file PATH contain the bytes of NEEDLE? */
static int file_contains(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 1 << 20, n = 0, k = strlen(needle);
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    int found = 0;
    for (size_t i = 0; i + k <= n && !found; i++)
        found = memcmp(buf + i, needle, k) == 0;
    free(buf);
    return found;
}

/* The PostgreSQL run's file_contains: 1 when some row of some table of the
 * store has NEEDLE in its text form, 0 when none, -1 when a query fails. */
static int db_contains(aq_store *s, const char *needle)
{
    aq_db_stmt *tables, *st;
    if (aq__db_prepare(s->db, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
                       false, &tables))
        return -1;
    int found = 0;
    while (found == 0 && aq__db_step(tables) == AQ_DB_ROW) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s x WHERE strpos(CAST(x AS TEXT), ?1) > 0",
                 aq__db_column_text(tables, 0));
        if (aq__db_prepare(s->db, sql, false, &st) || aq__db_bind_text(st, 1, needle) || aq__db_step(st) != AQ_DB_ROW)
            found = -1;
        else
            found = aq__db_column_int64(st, 0) > 0;
        aq__db_finalize(st);
    }
    aq__db_finalize(tables);
    return found;
}

/* The public id of a token: the first 12 hex digits of its SHA-256. */
static void public_id(const char *token, char id[13])
{
    char sha[65];
    aq__ws_sha256_hex(token, 64, sha);
    memcpy(id, sha, 12);
    id[12] = '\0';
}

/* Listing and revoking API tokens: an administrator sees and revokes any,
 * anyone else only its own; revoked tokens stop working at once while the
 * account stays; every revocation and refusal is in the audit log, which
 * never holds the secret. ED_TOK is the editor's token, MIN_TOK the
 * ministry's (issued by the administrator). */
static void token_revocation(aq_ctx *ctx, aq_store *s, const aq_account *admin, const aq_account *editor,
                             const aq_account *central, const aq_account *viewer, const char *ed_tok,
                             const char *min_tok)
{
    char ed_id[13], min_id[13], q[512];
    public_id(ed_tok, ed_id);
    public_id(min_tok, min_id);
    aq_table *t = NULL;
    aq_account who;

    /* The administrator sees both, oldest first, without secrets. */
    AQ_EQ_INT(aq_ws_tokens(s, admin, 0, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 2);
        AQ_EQ_INT(aq_table_ncols(t), 4);
        AQ_EQ_STR(aq_table_colname(t, 0), "id");
        AQ_EQ_STR(aq_table_colname(t, 1), "account");
        AQ_EQ_STR(aq_table_colname(t, 2), "label");
        AQ_EQ_STR(aq_table_colname(t, 3), "created_at");
        int seen = 0;
        for (size_t i = 0; i < aq_table_nrows(t); i++) {
            const char *id = aq_table_text(t, 0, i), *acc = aq_table_text(t, 1, i), *label = aq_table_text(t, 2, i);
            if (id && !strcmp(id, ed_id) && !strcmp(acc, "almaty.editor") && !strcmp(label, "nightly upload"))
                seen |= 1;
            if (id && !strcmp(id, min_id) && !strcmp(acc, "ministry") && !strcmp(label, "for the ministry's script"))
                seen |= 2;
            AQ_EQ_INT(strlen(aq_table_text(t, 3, i)), 20); /* 2026-11-27T12:00:00Z */
        }
        AQ_EQ_INT(seen, 3);
        aq_table_free(t);
        t = NULL;
    }
    AQ_EQ_INT(aq_ws_tokens(s, admin, central->id, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_EQ_STR(aq_table_text(t, 0, 0), min_id);
        aq_table_free(t);
        t = NULL;
    }
    /* Anyone else: its own only, whatever it asks. */
    AQ_EQ_INT(aq_ws_tokens(s, editor, 0, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_EQ_STR(aq_table_text(t, 0, 0), ed_id);
        AQ_EQ_STR(aq_table_text(t, 1, 0), "almaty.editor");
        aq_table_free(t);
        t = NULL;
    }
    AQ_EQ_INT(aq_ws_tokens(s, editor, editor->id, &t), AQ_OK);
    AQ_EQ_INT(t ? aq_table_nrows(t) : 99, 1);
    aq_table_free(t);
    t = NULL;
    AQ_EQ_INT(aq_ws_tokens(s, editor, central->id, &t), AQ_EDENIED);
    AQ_CHECK(t == NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'almaty.editor' (regional) may list only its own API tokens") != NULL);
    AQ_EQ_INT(aq_ws_tokens(s, viewer, 0, &t), AQ_OK);
    AQ_EQ_INT(t ? aq_table_nrows(t) : 99, 0);
    aq_table_free(t);
    t = NULL;
    AQ_EQ_INT(aq_ws_tokens(s, NULL, 0, &t), AQ_EDENIED);

    /* A non-admin may not revoke another's token: refused, audited, and the
     * token still works. */
    int denied = count(s, "SELECT count(*) FROM audit WHERE action = 'denied'");
    AQ_EQ_INT(aq_ws_token_revoke(s, editor, min_id), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "only an administrator may revoke those") != NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), min_id) != NULL);
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE action = 'denied' AND account = 'almaty.editor'"
                          " AND object = 'account ministry, token %s'", min_id);
    AQ_EQ_INT(count(s, q), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'denied'"), denied + 1);
    AQ_EQ_INT(aq_ws_token_account(s, min_tok, &who), AQ_OK);
    AQ_EQ_INT(aq_ws_token_revoke(s, central, ed_id), AQ_EDENIED); /* central is not admin either */

    /* Ids that are not ids, and ids of no token. */
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, "12345"), AQ_EUSAGE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "token id '12345': expected the 12 hex digits") != NULL);
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, "0123456789ag"), AQ_EUSAGE);
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, NULL), AQ_EUSAGE);
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, ed_tok), AQ_EUSAGE); /* the secret itself is not the id ... */
    AQ_CHECK(strstr(aq_errmsg(ctx), "that is an API token itself, not its id") != NULL);
    char head[9];
    snprintf(head, sizeof head, "%s", ed_tok);
    AQ_CHECK(strstr(aq_errmsg(ctx), head) == NULL); /* ... and is not echoed */
    const char *unknown = strcmp(ed_id, "000000000000") && strcmp(min_id, "000000000000") ? "000000000000" : "ffffffffffff";
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, unknown), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "no API token with id") != NULL);
    AQ_EQ_INT(aq_ws_token_revoke(s, NULL, ed_id), AQ_EDENIED);

    /* The editor revokes its own token, named in upper case: it stops
     * working at once, the account stays; a second revocation finds none. */
    char upper[13];
    for (int i = 0; i < 13; i++)
        upper[i] = (char)(ed_id[i] >= 'a' && ed_id[i] <= 'f' ? ed_id[i] - 'a' + 'A' : ed_id[i]);
    AQ_EQ_INT(aq_ws_token_account(s, ed_tok, &who), AQ_OK);
    AQ_EQ_INT(aq_ws_token_revoke(s, editor, upper), AQ_OK);
    AQ_EQ_INT(aq_ws_token_account(s, ed_tok, &who), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_token_revoke(s, editor, ed_id), AQ_ENOTFOUND);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM accounts WHERE name = 'almaty.editor' AND disabled = 0"), 1);
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE action = 'token-revoke' AND account = 'almaty.editor'"
                          " AND object = 'account almaty.editor, token %s' AND old_value = 'nightly upload'"
                          " AND new_value = 'revoked'", ed_id);
    AQ_EQ_INT(count(s, q), 1);
    /* The administrator revokes the ministry's. */
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, min_id), AQ_OK);
    AQ_EQ_INT(aq_ws_token_account(s, min_tok, &who), AQ_EDENIED);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM api_tokens"), 0);
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE action = 'token-revoke' AND account = 'admin'"
                          " AND object = 'account ministry, token %s'", min_id);
    AQ_EQ_INT(count(s, q), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'token-revoke'"), 2);
    /* Neither secret is in the log. */
    snprintf(q, sizeof q, "SELECT count(*) FROM audit WHERE (object || coalesce(old_value, '') || coalesce(new_value, ''))"
                          " LIKE '%%%s%%' OR (object || coalesce(old_value, '') || coalesce(new_value, '')) LIKE '%%%s%%'",
             ed_tok, min_tok);
    AQ_EQ_INT(count(s, q), 0);

    /* Two tokens whose hashes share the first 12 digits (made by hand: by
     * chance it takes some 2^24 tokens): the id is refused as ambiguous and
     * neither is revoked. */
    char ins[512];
    snprintf(ins, sizeof ins, "INSERT INTO api_tokens(token_sha, account_id, label) VALUES"
                              " ('abcdefabcdef%052d', %lld, 'twin 1'), ('abcdefabcdef%051d1', %lld, 'twin 2')",
             0, editor->id, 0, central->id);
    AQ_EQ_INT(aq__db_exec(s->db, ins), 0);
    AQ_EQ_INT(aq_ws_token_revoke(s, admin, "abcdefabcdef"), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "token id 'abcdefabcdef' is ambiguous: 2 API tokens") != NULL);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM api_tokens"), 2);
    AQ_EQ_INT(aq__db_exec(s->db, "DELETE FROM api_tokens"), 0);
}

static void accounts(aq_ctx *ctx)
{
    aq_store *s = fresh(ctx, "t_ws_accounts.db");
    AQ_CHECK(aq_store_schema_version(s) >= 2);
    aq_account sys, admin, editor, viewer, central;
    aq_account_system(&sys);
    AQ_EQ_INT(sys.id, 0);
    AQ_EQ_INT(sys.role, AQ_ROLE_ADMIN);
    AQ_EQ_STR(aq_role_name(AQ_ROLE_REGIONAL), "regional");
    AQ_EQ_INT(aq_role_parse("central"), AQ_ROLE_CENTRAL);
    AQ_EQ_INT(aq_role_parse("root"), 0);

    /* The one real-cost hash: Argon2id with libsodium's INTERACTIVE limits
     * (opslimit 2, memlimit 64 MiB: "m=65536,t=2,p=1" in the string). */
    unsetenv("AQ_PWHASH_FAST");
    AQ_EQ_INT(aq_ws_account_add(s, &sys, "admin", ADMIN_PW, AQ_ROLE_ADMIN, NULL, &admin), AQ_OK);
    setenv("AQ_PWHASH_FAST", "1", 1);
    AQ_EQ_INT(admin.id, 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM accounts WHERE pw_hash LIKE '$argon2id$v=19$m=65536,t=2,p=1$%'"), 1);

    AQ_EQ_INT(aq_ws_account_add(s, &admin, "almaty.editor", EDITOR_PW, AQ_ROLE_REGIONAL, " 750000000 ", &editor), AQ_OK);
    AQ_EQ_STR(editor.scope, "750000000");
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "viewer", "just looking at it", AQ_ROLE_VIEWER, NULL, &viewer), AQ_OK);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "ministry", "central analyst pw", AQ_ROLE_CENTRAL, "", &central), AQ_OK);

    /* Refusals, each with its reason. */
    AQ_EQ_INT(aq_ws_account_add(s, &editor, "mallory", "0123456789ab", AQ_ROLE_ADMIN, NULL, NULL), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "only an administrator") != NULL);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'denied' AND account = 'almaty.editor'"
                       " AND object = 'account mallory'"), 1);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "admin", ADMIN_PW, AQ_ROLE_ADMIN, NULL, NULL), AQ_EINPUT);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "short", "123456789", AQ_ROLE_VIEWER, NULL, NULL), AQ_EUSAGE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "at least 10 characters") != NULL);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "bad name", "0123456789ab", AQ_ROLE_VIEWER, NULL, NULL), AQ_EUSAGE);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "noscope", "0123456789ab", AQ_ROLE_REGIONAL, NULL, NULL), AQ_EUSAGE);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "badscope", "0123456789ab", AQ_ROLE_REGIONAL, "990000000", NULL), AQ_EUSAGE);
    AQ_CHECK(strstr(aq_errmsg(ctx), "scope unit '990000000' is not in the store") != NULL);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "wide", "0123456789ab", AQ_ROLE_VIEWER, "750000000", NULL), AQ_EUSAGE);
    AQ_EQ_INT(aq_ws_account_add(s, &admin, "norole", "0123456789ab", 9, NULL, NULL), AQ_EUSAGE);

    aq_table *t = NULL;
    AQ_EQ_INT(aq_ws_accounts(s, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 4);
        AQ_EQ_STR(aq_table_text(t, 1, 1), "almaty.editor");
        AQ_EQ_STR(aq_table_text(t, 2, 1), "regional");
        AQ_EQ_STR(aq_table_text(t, 3, 1), "750000000");
        AQ_EQ_INT(aq_table_find(t, "pw_hash"), -1);
        aq_table_free(t);
    }

    /* Rights: the regional editor of Almaty city (KATO 75) may change
     * Almaty and its districts, not Astana's. */
    AQ_EQ_INT(aq_ws_may_change(s, &editor, "751110000"), AQ_OK);
    AQ_EQ_INT(aq_ws_may_change(s, &editor, "750000000"), AQ_OK);
    AQ_EQ_INT(aq_ws_may_change(s, &editor, "711110000"), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "'almaty.editor' (regional editor) may not change unit '711110000'") != NULL);
    AQ_CHECK(strstr(aq_errmsg(ctx), "scope 750000000") != NULL);
    AQ_EQ_INT(aq_ws_may_change(s, &editor, "000000000"), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_may_change(s, &editor, "123"), AQ_ENOTFOUND);
    AQ_EQ_INT(aq_ws_may_change(s, &viewer, "751110000"), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_may_change(s, &central, "711110000"), AQ_OK);
    AQ_EQ_INT(aq_ws_may_change(s, &admin, "000000000"), AQ_OK);

    /* Sessions. */
    char tok[65], csrf[65], csrf2[65];
    aq_account who;
    AQ_EQ_INT(aq_ws_login(s, "almaty.editor", EDITOR_PW, "10.0.0.1", tok, csrf, &who), AQ_OK);
    AQ_EQ_INT(strlen(tok), 64);
    AQ_EQ_INT(who.role, AQ_ROLE_REGIONAL);
    memset(&who, 0, sizeof who);
    AQ_EQ_INT(aq_ws_session(s, tok, &who, csrf2), AQ_OK);
    AQ_EQ_STR(who.name, "almaty.editor");
    AQ_EQ_STR(who.scope, "750000000");
    AQ_EQ_STR(csrf2, csrf);
    AQ_CHECK(strcmp(tok, csrf) != 0);
    /* Only the token's hash is stored. */
    char q[256];
    snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE token_sha = '%s'", tok);
    AQ_EQ_INT(count(s, q), 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM sessions WHERE length(token_sha) = 64"), 1);
    AQ_EQ_INT(aq_ws_session(s, "00", &who, NULL), AQ_EDENIED);
    tok[0] = tok[0] == 'a' ? 'b' : 'a';
    AQ_EQ_INT(aq_ws_session(s, tok, &who, NULL), AQ_EDENIED);
    tok[0] = tok[0] == 'a' ? 'b' : 'a';
    /* Expiry: a session whose time is up is refused. */
    snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE expires_at - %lld BETWEEN 43190 AND 43200",
             (long long)time(NULL));
    AQ_EQ_INT(count(s, q), 1);
    char expire[64];
    snprintf(expire, sizeof expire, "UPDATE sessions SET expires_at = %lld", (long long)time(NULL) - 1);
    aq__db_exec(s->db, expire);
    AQ_EQ_INT(aq_ws_session(s, tok, &who, NULL), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "expired") != NULL);
    /* Logout ends a live session. */
    AQ_EQ_INT(aq_ws_login(s, "ministry", "central analyst pw", "10.0.0.2", tok, csrf, &who), AQ_OK);
    AQ_EQ_INT(aq_ws_session(s, tok, &who, NULL), AQ_OK);
    AQ_EQ_INT(aq_ws_logout(s, tok), AQ_OK);
    AQ_EQ_INT(aq_ws_session(s, tok, &who, NULL), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_logout(s, "not a token"), AQ_OK);

    /* The backoff: one name from one address fails 3 times freely; then
     * even the right password is refused, unchecked, for 2 s after the
     * newest failure ... */
    for (int i = 0; i < 3; i++) {
        AQ_EQ_INT(aq_ws_login(s, "viewer", "wrong password!", "10.0.0.3", tok, csrf, &who), AQ_EDENIED);
        AQ_CHECK(strstr(aq_errmsg(ctx), "unknown name or wrong password") != NULL);
    }
    AQ_EQ_INT(aq_ws_login(s, "viewer", "just looking at it", "10.0.0.3", tok, csrf, &who), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "too many failed logins for 'viewer' from this address") != NULL);
    AQ_CHECK(wait_is(ctx, 2));
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'login-failed' AND object = 'account viewer'"
                       " AND client = '10.0.0.3'"), 3);
    /* ... while its owner logs in from another address: guesses aimed at
     * a name do not lock its owner out. */
    AQ_EQ_INT(aq_ws_login(s, "viewer", "just looking at it", "10.0.0.4", tok, csrf, &who), AQ_OK);
    /* The delay doubles with each failure (6 failures: 16 s), up to 15
     * minutes (12 failures: 2^10 s is over 900). */
    add_failures(s, "viewer", "10.0.0.3", 3);
    AQ_EQ_INT(aq_ws_login(s, "viewer", "just looking at it", "10.0.0.3", tok, csrf, &who), AQ_EDENIED);
    AQ_CHECK(wait_is(ctx, 16));
    add_failures(s, "viewer", "10.0.0.3", 6);
    AQ_EQ_INT(aq_ws_login(s, "viewer", "just looking at it", "10.0.0.3", tok, csrf, &who), AQ_EDENIED);
    AQ_CHECK(wait_is(ctx, 900));
    /* Per address over all names, with more room: 20 failures from one
     * address, then every name from it waits; other addresses do not. */
    for (int i = 0; i < 20; i++) {
        char name[24];
        snprintf(name, sizeof name, "guess%d", i);
        AQ_EQ_INT(aq_ws_login(s, name, "whatever12345", "10.6.6.6", tok, csrf, &who), AQ_EDENIED);
        AQ_CHECK(strstr(aq_errmsg(ctx), "unknown name or wrong password") != NULL);
    }
    AQ_EQ_INT(aq_ws_login(s, "ministry", "central analyst pw", "10.6.6.6", tok, csrf, &who), AQ_EDENIED);
    AQ_CHECK(strstr(aq_errmsg(ctx), "too many failed logins") != NULL);
    AQ_CHECK(wait_is(ctx, 2));
    AQ_EQ_INT(aq_ws_login(s, "ministry", "central analyst pw", "10.0.0.5", tok, csrf, &who), AQ_OK);
    /* Refused attempts cost nothing to send: a flood of them, each with
     * another name, is counted per address and minute, and the audit gets
     * one record with the count when the minute is over. (The test moves
     * the minutes by hand: "since" later, so that the real minute cannot
     * end in the middle, then earlier.) */
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'login-refused'"), 0); /* the minute is not over */
    aq__db_exec(s->db, "UPDATE login_refusals SET since = since - 60");
    AQ_EQ_INT(aq_ws_login(s, "flood", "whatever12345", "10.6.6.6", tok, csrf, &who), AQ_EDENIED);
    /* (the viewer's three above: one record, or two if a minute ended between them) */
    AQ_CHECK(count(s, "SELECT count(*) FROM audit WHERE action = 'login-refused' AND client = '10.0.0.3'") >= 1);
    aq__db_exec(s->db, "UPDATE login_refusals SET since = since + 600");
    int audit0 = count(s, "SELECT count(*) FROM audit");
    for (int i = 0; i < 300; i++) {
        char name[24];
        snprintf(name, sizeof name, "flood%d", i);
        AQ_EQ_INT(aq_ws_login(s, name, "whatever12345", "10.6.6.6", tok, csrf, &who), AQ_EDENIED);
        AQ_CHECK(strstr(aq_errmsg(ctx), "too many failed logins") != NULL);
    }
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit"), audit0);
    AQ_EQ_INT(count(s, "SELECT refused FROM login_refusals WHERE client = '10.6.6.6'"), 301);
    aq__db_exec(s->db, "UPDATE login_refusals SET since = since - 660"); /* the minute is over */
    AQ_EQ_INT(aq_ws_login(s, "flood", "whatever12345", "10.6.6.6", tok, csrf, &who), AQ_EDENIED);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit"), audit0 + 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'login-refused' AND client = '10.6.6.6' AND new_value"
                       " LIKE '301 refused logins (rate limited) in the minute from %, the last for account ''flood299'''"),
              1);
    AQ_EQ_INT(count(s, "SELECT refused FROM login_refusals WHERE client = '10.6.6.6'"), 1); /* a new minute */
    /* However many addresses are refused, a minute writes at most 11
     * records: the 10 busiest addresses, and one for all the others
     * (12 more addresses with 1 to 12 refusals; 10.6.6.6 has 1). */
    for (int i = 1; i <= 12; i++) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT INTO login_refusals(client, since, refused, last_name) VALUES ('10.7.0.%d', %lld, %d, 'x')",
                 i, (long long)time(NULL) - 60, i);
        aq__db_exec(s->db, sql);
    }
    aq__db_exec(s->db, "UPDATE login_refusals SET since = since - 60");
    AQ_EQ_INT(aq_ws_login(s, "x", "whatever12345", "10.6.6.6", tok, csrf, &who), AQ_EDENIED);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit"), audit0 + 1 + 11);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'login-refused' AND client = '10.7.0.12'"
                       " AND new_value LIKE '12 refused logins %'"), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'login-refused' AND client IS NULL"
                       " AND new_value LIKE '4 refused logins (rate limited) from 3 more addresses %'"), 1);
    /* Failures older than the window no longer count. */
    aq__db_exec(s->db, "UPDATE login_failures SET at = at - 901");
    AQ_EQ_INT(aq_ws_login(s, "viewer", "just looking at it", "10.0.0.3", tok, csrf, &who), AQ_OK);
    AQ_EQ_INT(aq_ws_login(s, "ministry", "central analyst pw", "10.6.6.6", tok, csrf, &who), AQ_OK);

    /* A weak hash (made in the test mode, AQ_PWHASH_FAST=1) stays as it is
     * in the test mode; outside it, a wrong password leaves it, the right
     * one replaces it by a hash at the INTERACTIVE cost. */
    const char *weak_q = "SELECT count(*) FROM accounts WHERE name = 'ministry' AND pw_hash LIKE '$argon2id$v=19$m=8,t=1,%'";
    AQ_EQ_INT(count(s, weak_q), 1);
    unsetenv("AQ_PWHASH_FAST");
    AQ_EQ_INT(aq_ws_login(s, "ministry", "not the password", "10.0.0.9", tok, csrf, &who), AQ_EDENIED);
    AQ_EQ_INT(count(s, weak_q), 1);
    AQ_EQ_INT(aq_ws_login(s, "ministry", "central analyst pw", "10.0.0.9", tok, csrf, &who), AQ_OK);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM accounts WHERE name = 'ministry'"
                       " AND pw_hash LIKE '$argon2id$v=19$m=65536,t=2,p=1$%'"), 1);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'login' AND object = 'account ministry'"
                       " AND new_value LIKE '%weak (test-mode) hash replaced by one at the INTERACTIVE cost'"), 1);
    AQ_EQ_INT(aq_ws_login(s, "ministry", "central analyst pw", "10.0.0.9", tok, csrf, &who), AQ_OK);
    setenv("AQ_PWHASH_FAST", "1", 1);
    AQ_CHECK(aq__ws_pwhash_weak("$argon2id$v=19$m=8,t=1,p=1$3BZUc5Aytp66SKnD3iNTaA$ErJ"));
    AQ_CHECK(!aq__ws_pwhash_weak("$argon2id$v=19$m=65536,t=2,p=1$iPWE9ud1XpVkZJnMd5Nw3w$0Op"));
    AQ_CHECK(!aq__ws_pwhash_weak("$argon2id$v=19$m=262144,t=4,p=1$iPWE9ud1XpVkZJnMd5Nw3w$0Op")); /* stronger */

    /* API tokens. */
    char api[65], ed_api[65];
    AQ_EQ_INT(aq_ws_token_new(s, &editor, 0, "nightly upload", ed_api), AQ_OK);
    AQ_EQ_INT(aq_ws_token_account(s, ed_api, &who), AQ_OK);
    AQ_EQ_STR(who.name, "almaty.editor");
    AQ_EQ_INT(aq_ws_token_new(s, &editor, central.id, "steal", api), AQ_EDENIED);
    AQ_EQ_INT(aq_ws_token_new(s, &admin, central.id, "for the ministry's script", api), AQ_OK);
    AQ_EQ_INT(aq_ws_token_account(s, api, &who), AQ_OK);
    AQ_EQ_STR(who.name, "ministry");
    AQ_EQ_INT(aq_ws_token_account(s, "0123456789012345678901234567890123456789012345678901234567890123", &who), AQ_EDENIED);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE action = 'token-new'"), 2);
    token_revocation(ctx, s, &admin, &editor, &central, &viewer, ed_api, api);

    /* The audit log is append-only: the schema refuses UPDATE and DELETE. */
    AQ_EQ_INT(aq_ws_audit(s, &admin, "note", "workspace", NULL, "test", "127.0.0.1"), AQ_OK);
    int before = count(s, "SELECT count(*) FROM audit");
    AQ_CHECK(aq__db_exec(s->db, "UPDATE audit SET account = 'nobody'") != 0);
    AQ_CHECK(strstr(aq__db_errmsg(s->db), "append-only") != NULL);
    AQ_CHECK(aq__db_errclass(s->db) == AQ_DBE_CONSTRAINT);
    AQ_CHECK(aq__db_exec(s->db, "DELETE FROM audit") != 0);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit"), before);
    AQ_EQ_INT(count(s, "SELECT count(*) FROM audit WHERE account = 'nobody'"), 0);
    AQ_EQ_INT(aq_ws_audit_list(s, 0, 3, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 3);
        AQ_EQ_STR(aq_table_text(t, 3, 0), "account-add");
        AQ_NEAR(aq_table_numbers(t, 0)[0], 1, 0);
        aq_table_free(t);
    }
    AQ_EQ_INT(aq_ws_audit_list(s, (long long)before - 1, 0, &t), AQ_OK);
    if (t) {
        AQ_EQ_INT(aq_table_nrows(t), 1);
        AQ_EQ_STR(aq_table_text(t, 3, 0), "note");
        AQ_EQ_STR(aq_table_text(t, 7, 0), "127.0.0.1");
        aq_table_free(t);
    }

    /* No password is anywhere in the file (nor in its WAL); on PostgreSQL,
     * in no row of any table. */
    if (aq_test_on_pg()) {
        AQ_EQ_INT(db_contains(s, "$argon2id$"), 1);
        AQ_EQ_INT(db_contains(s, ADMIN_PW), 0);
        AQ_EQ_INT(db_contains(s, EDITOR_PW), 0);
        AQ_EQ_INT(db_contains(s, "central analyst pw"), 0);
        aq_store_close(s);
        return;
    }
    char path[512], wal[600];
    snprintf(path, sizeof path, "%s", s->path);
    aq_store_close(s);
    snprintf(wal, sizeof wal, "%s-wal", path);
    AQ_CHECK(file_contains(path, "$argon2id$"));
    AQ_CHECK(!file_contains(path, ADMIN_PW) && !file_contains(wal, ADMIN_PW));
    AQ_CHECK(!file_contains(path, EDITOR_PW) && !file_contains(wal, EDITOR_PW));
    AQ_CHECK(!file_contains(path, "central analyst pw") && !file_contains(wal, "central analyst pw"));
}

int main(void)
{
    AQ_TEST_BEGIN();
    setenv("AQ_PWHASH_FAST", "1", 1);
    aq_ctx *ctx = aq_ctx_new();
    accounts(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
