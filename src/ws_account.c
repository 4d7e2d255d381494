/*
 * ws_account.c -- accounts and roles of the shared workspace.
 *
 * A password is kept only as its Argon2id hash (libsodium crypto_pwhash_str,
 * which embeds the salt and the cost parameters in the string), so the
 * store file never holds anything a password can be read back from.
 */
#include "ws_int.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {NULL, "admin", "central", "regional", "viewer"};

const char *aq_role_name(int role)
{
    return role >= AQ_ROLE_ADMIN && role <= AQ_ROLE_VIEWER ? role_names[role] : NULL;
}

int aq_role_parse(const char *name)
{
    for (int r = AQ_ROLE_ADMIN; name && r <= AQ_ROLE_VIEWER; r++)
        if (strcmp(name, role_names[r]) == 0)
            return r;
    return 0;
}

void aq_account_system(aq_account *out)
{
    memset(out, 0, sizeof *out);
    out->id = 0;
    snprintf(out->name, sizeof out->name, "system");
    out->role = AQ_ROLE_ADMIN;
}

bool aq__ws_pwhash_fast(void)
{
    const char *e = getenv("AQ_PWHASH_FAST");
    return e && strcmp(e, "1") == 0;
}

void aq__ws_account_from_row(aq_db_stmt *st, aq_account *out)
{
    memset(out, 0, sizeof *out);
    out->id = aq__db_column_int64(st, 0);
    snprintf(out->name, sizeof out->name, "%s", aq__db_column_text(st, 1));
    out->role = aq_role_parse(aq__db_column_text(st, 2));
    const char *scope = aq__db_column_text(st, 3);
    snprintf(out->scope, sizeof out->scope, "%s", scope ? scope : "");
}

static int account_where(aq_store *s, const char *where, const char *name, long long id, aq_account *out,
                         int *disabled)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id, name, role, scope, disabled FROM accounts WHERE %s", where);
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, sql, &st);
    if (rc)
        return rc;
    if (name)
        aq__db_bind_text(st, 1, name);
    else
        aq__db_bind_int64(st, 1, id);
    int step = aq__db_step(st);
    if (step == AQ_DB_ROW) {
        aq__ws_account_from_row(st, out);
        if (disabled)
            *disabled = (int)aq__db_column_int64(st, 4);
    } else if (step == AQ_DB_DONE) {
        rc = name ? aq__err(s->ctx, AQ_ENOTFOUND, "no account '%s' in the store '%s'", name, s->path)
                  : aq__err(s->ctx, AQ_ENOTFOUND, "no account with id %lld in the store '%s'", id, s->path);
    } else {
        rc = aq__store_fail(s, "cannot read the accounts");
    }
    aq__db_finalize(st);
    return rc;
}

int aq__ws_account_by_name(aq_store *s, const char *name, aq_account *out, int *disabled)
{
    return account_where(s, "name = ?1", name, 0, out, disabled);
}

int aq__ws_account_by_id(aq_store *s, long long id, aq_account *out, int *disabled)
{
    return account_where(s, "id = ?1", NULL, id, out, disabled);
}

static bool name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-' || c == '@';
        if (!ok)
            return false;
    }
    return true;
}

/* Characters, not bytes: a Kazakh passphrase counts its letters. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Checks every scope code is a unit and writes the codes, comma-joined. */
static int check_scope(aq_store *s, const char *scope, char out[256])
{
    char codes[32][64];
    int n = aq__ws_scope_split(scope, codes, 32);
    if (n < 0)
        return aq__err(s->ctx, AQ_EUSAGE, "scope '%s': at most 32 unit codes of up to 63 characters", scope);
    if (n == 0)
        return aq__err(s->ctx, AQ_EUSAGE, "a regional editor needs a scope: the codes of the units it may change "
                                          "(for example 750000000 for Almaty and everything under it)");
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT 1 FROM units WHERE code = ?1", &st);
    aq_buf b = {0};
    for (int i = 0; i < n && rc == AQ_OK; i++) {
        aq__db_reset(st);
        aq__db_bind_text(st, 1, codes[i]);
        if (aq__db_step(st) != AQ_DB_ROW)
            rc = aq__err(s->ctx, AQ_EUSAGE, "scope unit '%s' is not in the store '%s' (import the units first)",
                         codes[i], s->path);
        aq__buf_printf(&b, "%s%s", i ? "," : "", codes[i]);
    }
    aq__db_finalize(st);
    if (rc == AQ_OK && (b.failed || b.len >= 256))
        rc = b.failed ? aq__oom(s->ctx) : aq__err(s->ctx, AQ_EUSAGE, "scope '%s' is longer than 255 characters", scope);
    if (rc == AQ_OK)
        memcpy(out, b.data, b.len + 1);
    aq__buf_free(&b);
    return rc;
}

bool aq__ws_pwhash_weak(const char *hash)
{
    const char *p = hash ? strstr(hash, "$m=") : NULL;
    unsigned long m = 0, t = 0;
    if (!p || sscanf(p, "$m=%lu,t=%lu,", &m, &t) != 2)
        return false; /* not Argon2: crypto_pwhash_str_verify refuses it anyway */
    return m < crypto_pwhash_MEMLIMIT_INTERACTIVE / 1024 || t < crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

_Static_assert(crypto_pwhash_STRBYTES == 128, "aq__ws_pwhash's buffer is crypto_pwhash_STRBYTES");

int aq__ws_pwhash(aq_store *s, const char *password, char out[crypto_pwhash_STRBYTES])
{
    if (sodium_init() < 0)
        return aq__err(s->ctx, AQ_EINTERNAL, "libsodium could not be initialised");
    bool fast = aq__ws_pwhash_fast();
    if (crypto_pwhash_str(out, password, strlen(password),
                          fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return aq__err(s->ctx, AQ_ENOMEM, "cannot hash the password (Argon2id needs %zu MB of memory)",
                       (size_t)(crypto_pwhash_MEMLIMIT_INTERACTIVE >> 20));
    return AQ_OK;
}

int aq_ws_account_add(aq_store *s, const aq_account *actor, const char *name, const char *password, int role,
                      const char *scope, aq_account *out)
{
    char object[96];
    snprintf(object, sizeof object, "account %.63s", name ? name : "");
    if (!actor || actor->role != AQ_ROLE_ADMIN) {
        aq__err(s->ctx, AQ_EDENIED, "'%s' (%s) may not create accounts: only an administrator may",
                actor ? actor->name : "nobody", actor ? aq_role_name(actor->role) : "no role");
        return actor ? aq__ws_denied(s, actor, object) : AQ_EDENIED;
    }
    if (!name_ok(name))
        return aq__err(s->ctx, AQ_EUSAGE, "account name '%s': 1 to 63 letters, digits, '.', '_', '-' or '@'",
                       name ? name : "");
    if (!aq_role_name(role))
        return aq__err(s->ctx, AQ_EUSAGE, "unknown role %d (admin, central, regional or viewer)", role);
    if (!password || utf8_chars(password) < 10)
        return aq__err(s->ctx, AQ_EUSAGE, "the password of '%s' must have at least 10 characters", name);
    if (strlen(password) > 1024)
        return aq__err(s->ctx, AQ_EUSAGE, "the password of '%s' is longer than 1024 bytes", name);
    char codes[256] = "";
    int rc = AQ_OK;
    if (role == AQ_ROLE_REGIONAL)
        rc = check_scope(s, scope ? scope : "", codes);
    else if (scope && *scope)
        rc = aq__err(s->ctx, AQ_EUSAGE, "only a regional editor has a scope; a %s account sees every territory",
                     aq_role_name(role));
    aq_account existing;
    if (rc == AQ_OK && aq__ws_account_by_name(s, name, &existing, NULL) == AQ_OK)
        rc = aq__err(s->ctx, AQ_EINPUT, "an account '%s' exists already", name);
    char hash[crypto_pwhash_STRBYTES];
    if (rc == AQ_OK)
        rc = aq__ws_pwhash(s, password, hash); /* before the transaction: it takes a while */
    if (rc)
        return rc;
    aq_db_stmt *st = NULL;
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    long long id = 0;
    rc = aq__store_prepare(s, "INSERT INTO accounts(name, role, scope, pw_hash) VALUES (?1, ?2, ?3, ?4) RETURNING id", &st);
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, name);
        aq__db_bind_text(st, 2, aq_role_name(role));
        aq__db_bind_text(st, 3, codes);
        aq__db_bind_text(st, 4, hash);
        int step = aq__db_step(st);
        if (step == AQ_DB_ROW)
            id = aq__db_column_int64(st, 0);
        else if (aq__db_errclass(s->db) == AQ_DBE_CONSTRAINT)
            rc = aq__err(s->ctx, AQ_EINPUT, "an account '%s' exists already", name);
        else
            rc = aq__store_fail(s, "cannot create the account");
    }
    aq__db_finalize(st);
    sodium_memzero(hash, sizeof hash);
    char desc[320];
    snprintf(desc, sizeof desc, "role %s%s%s", aq_role_name(role), *codes ? ", scope " : "", codes);
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, "account-add", object, NULL, desc, NULL);
    rc = aq__ws_end(s, rc);
    if (rc == AQ_OK && out) {
        memset(out, 0, sizeof *out);
        out->id = id;
        snprintf(out->name, sizeof out->name, "%s", name);
        out->role = role;
        memcpy(out->scope, codes, sizeof out->scope);
    }
    return rc;
}

int aq_ws_accounts_page(aq_store *s, aq_ws_page *page, aq_table **out)
{
    return aq__ws_list(s, "SELECT id, name, role, scope, created_at, disabled FROM accounts ORDER BY id", NULL, page,
                       out);
}

int aq_ws_accounts(aq_store *s, aq_table **out) { return aq_ws_accounts_page(s, NULL, out); }

/* Runs SQL with the account id as ?1; WHAT names it in a failure. */
static int run_for_account(aq_store *s, const char *sql, long long id, const char *what)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, sql, &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, id);
    if (aq__db_step(st) != AQ_DB_DONE)
        rc = aq__store_fail(s, what);
    aq__db_finalize(st);
    return rc;
}

int aq_ws_account_disable(aq_store *s, const aq_account *actor, const char *name, int disabled)
{
    char object[96];
    snprintf(object, sizeof object, "account %.63s", name ? name : "");
    if (!actor || actor->role != AQ_ROLE_ADMIN) {
        aq__err(s->ctx, AQ_EDENIED, "'%s' may not %s accounts: only an administrator may",
                actor ? actor->name : "nobody", disabled ? "disable" : "enable");
        return actor ? aq__ws_denied(s, actor, object) : AQ_EDENIED;
    }
    aq_account a;
    int was = 0;
    if (!name || aq__ws_account_by_name(s, name, &a, &was) != AQ_OK)
        return aq__err(s->ctx, AQ_ENOTFOUND, "no account '%s'", name ? name : "");
    if (disabled && a.id == actor->id)
        return aq__err(s->ctx, AQ_EUSAGE, "'%s' cannot disable its own account", name);
    int rc = aq__ws_begin(s);
    if (rc)
        return rc;
    rc = run_for_account(s, disabled ? "UPDATE accounts SET disabled = 1 WHERE id = ?1"
                                     : "UPDATE accounts SET disabled = 0 WHERE id = ?1", a.id, "cannot change the account");
    /* A disabled account's sessions and tokens end with it, at once. */
    if (rc == AQ_OK && disabled)
        rc = run_for_account(s, "DELETE FROM sessions WHERE account_id = ?1", a.id, "cannot end the sessions");
    if (rc == AQ_OK && disabled)
        rc = run_for_account(s, "DELETE FROM api_tokens WHERE account_id = ?1", a.id, "cannot revoke the tokens");
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, disabled ? "account-disable" : "account-enable", object,
                          was ? "disabled" : "enabled", disabled ? "disabled" : "enabled", NULL);
    rc = aq__ws_end(s, rc);
    return rc;
}
