/*
 * ws_session.c -- logging in, sessions and API tokens.
 *
 * Tokens are 32 random bytes shown once as hex; the store keeps only their
 * SHA-256, so a stolen store file opens no session. An API token is named
 * in listings and revocations by the first 12 hex digits of that hash.
 * Failed logins slow down further attempts exponentially per name and
 * client address, and (with more room) per address over all names: online
 * guessing is slow whichever an attacker varies, and guesses from one
 * place never lock a name's owner out of another. Refused attempts are
 * counted, not audited one by one (flush_refusals).
 */
#include "ws_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Hashes of random passwords nobody knows: an unknown name costs the same
 * verification as a known one, so timing does not tell names apart. */
#define DUMMY_HASH "$argon2id$v=19$m=65536,t=2,p=1$iPWE9ud1XpVkZJnMd5Nw3w$0Opwu2WX3flYHKqOoGZ591fsuGHDWEvBivJLvvkusSA"
#define DUMMY_HASH_FAST "$argon2id$v=19$m=8,t=1,p=1$3BZUc5Aytp66SKnD3iNTaA$ErJ/hEunYNZ+9ulb2xiL0qrhvpPxOqD8GqvMGcq3XLQ"

void aq__ws_random_hex(char out[65])
{
    unsigned char r[32];
    if (sodium_init() < 0) /* cannot happen on Linux; never hand out a predictable token */
        memset(r, 0, sizeof r);
    randombytes_buf(r, sizeof r);
    sodium_bin2hex(out, 65, r, sizeof r);
    sodium_memzero(r, sizeof r);
}

void aq__ws_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

bool aq__ws_token_wellformed(const char *token)
{
    if (!token || strlen(token) != 64)
        return false;
    for (int i = 0; i < 64; i++) {
        char c = token[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

/* The SHA-256 of a token, from its lower-case spelling. */
static void token_sha(const char *token, char out[65])
{
    char low[65];
    for (int i = 0; i < 64; i++)
        low[i] = (char)(token[i] >= 'A' && token[i] <= 'F' ? token[i] - 'A' + 'a' : token[i]);
    low[64] = '\0';
    aq__ws_sha256_hex(low, 64, out);
    sodium_memzero(low, sizeof low);
}

/* Is column COL of the row the hash SHA? Compared in constant time, though
 * the row was found by it: a lookup by hash reveals nothing of the token. */
static bool same_hash(aq_db_stmt *st, int col, const char sha[65])
{
    const char *h = aq__db_column_text(st, col);
    return h && aq__db_column_bytes(st, col) == 64 && sodium_memcmp(h, sha, 64) == 0;
}

/* Seconds to wait after the newest of N remembered failures when the
 * first ALLOWANCE of them cost nothing: 0 below it, then 2, 4, 8 ...
 * seconds, at most the window. */
static long long backoff(long long n, long long allowance)
{
    long long k = n - allowance + 1;
    if (k <= 0)
        return 0;
    return k >= 10 ? AQ_WS_LOGIN_WINDOW : (1LL << k) < AQ_WS_LOGIN_WINDOW ? 1LL << k : AQ_WS_LOGIN_WINDOW;
}

/* Raises *WAIT to the seconds still to wait for the failures SQL counts
 * (count and newest time of those after ?1, the window's start; NAME is
 * bound next when not NULL, then CLIENT) when ALLOWANCE cost nothing. */
static int wait_seconds(aq_store *s, const char *sql, const char *name, const char *client, long long allowance,
                        long long now, long long *wait)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, sql, &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, now - AQ_WS_LOGIN_WINDOW);
    int k = 2;
    if (name)
        aq__db_bind_text(st, k++, name);
    aq__db_bind_text(st, k, client);
    int step = aq__db_step(st);
    if (step == AQ_DB_ROW) {
        long long n = aq__db_column_int64(st, 0), last = aq__db_column_int64(st, 1);
        long long w = n > 0 ? last + backoff(n, allowance) - now : 0;
        if (w > *wait)
            *wait = w;
    } else {
        rc = aq__store_fail(s, "cannot read the login failures");
    }
    aq__db_finalize(st);
    return rc;
}

/* The UTC time T as the store writes times. */
static void utc(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Audits the refused logins of the minutes before NOW's, and forgets them:
 * one "login-refused" record for each of the AQ_WS_REFUSAL_TOP addresses
 * refused most, with the count, and one for all the others together.
 * Inside the caller's transaction. */
static int flush_refusals(aq_store *s, long long now)
{
    struct { char client[64], name[64]; long long since, n; } top[AQ_WS_REFUSAL_TOP];
    int ntop = 0;
    long long rest = 0, rest_addresses = 0, rest_since = 0, cur = now - now % 60;
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT client, since, refused, last_name FROM login_refusals WHERE since < ?1"
                                  " ORDER BY refused DESC, client", &st);
    if (rc)
        return rc;
    aq__db_bind_int64(st, 1, cur);
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        long long since = aq__db_column_int64(st, 1), n = aq__db_column_int64(st, 2);
        if (ntop < AQ_WS_REFUSAL_TOP) {
            const char *c = aq__db_column_text(st, 0), *nm = aq__db_column_text(st, 3);
            snprintf(top[ntop].client, sizeof top[ntop].client, "%s", c ? c : "");
            snprintf(top[ntop].name, sizeof top[ntop].name, "%s", nm ? nm : "");
            top[ntop].since = since;
            top[ntop++].n = n;
        } else {
            rest += n;
            rest_since = rest_addresses++ == 0 || since < rest_since ? since : rest_since;
        }
    }
    aq__db_finalize(st);
    char when[32], why[256];
    for (int i = 0; i < ntop && rc == AQ_OK; i++) {
        utc(top[i].since, when);
        snprintf(why, sizeof why, "%lld refused logins (rate limited) in the minute from %s, the last for account '%s'",
                 top[i].n, when, top[i].name);
        rc = aq__ws_audit(s, NULL, "login-refused", "logins", NULL, why, top[i].client[0] ? top[i].client : NULL);
    }
    if (rc == AQ_OK && rest_addresses > 0) {
        utc(rest_since, when);
        snprintf(why, sizeof why, "%lld refused logins (rate limited) from %lld more addresses in the minutes from %s",
                 rest, rest_addresses, when);
        rc = aq__ws_audit(s, NULL, "login-refused", "logins", NULL, why, NULL);
    }
    if (rc == AQ_OK && ntop > 0)
        rc = aq__store_run(s, "cannot forget the audited refusals", "DELETE FROM login_refusals WHERE since < ?1", "i",
                           cur);
    return rc;
}

/* Counts a refused login of NAME from CLIENT in this minute's count of
 * CLIENT (auditing the minutes before): a flood of refusals, which cost
 * nothing to send, writes one audit record per address and minute. */
static int login_refused(aq_store *s, const char *name, const char *client, long long now)
{
    int rc = aq__ws_begin(s);
    if (rc == AQ_OK)
        rc = flush_refusals(s, now);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot count a refused login",
                           "INSERT INTO login_refusals(client, since, refused, last_name) VALUES (?1, ?2, 1, ?3)"
                           " ON CONFLICT (client) DO UPDATE SET refused = login_refusals.refused + 1,"
                           " last_name = excluded.last_name", "tit", client, now - now % 60, name);
    return aq__ws_end(s, rc);
}

static int login_failed(aq_store *s, const char *name, const char *client, long long now, const char *why)
{
    char object[96];
    snprintf(object, sizeof object, "account %.63s", name);
    int rc = aq__ws_begin(s);
    if (rc == AQ_OK)
        rc = flush_refusals(s, now);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot forget old failed logins", "DELETE FROM login_failures WHERE at <= ?1", "i",
                           now - AQ_WS_LOGIN_WINDOW);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot record a failed login",
                           "INSERT INTO login_failures(name, client, at) VALUES (?1, ?2, ?3)", "tti", name, client, now);
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, NULL, "login-failed", object, NULL, why, *client ? client : NULL);
    rc = aq__ws_end(s, rc);
    if (rc)
        return rc;
    return aq__err(s->ctx, AQ_EDENIED, "login refused: unknown name or wrong password");
}

/* The account of NAME and its password hash, if it exists and is enabled. */
static int find_login(aq_store *s, const char *name, aq_account *acc, char hash[crypto_pwhash_STRBYTES], bool *found)
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT id, name, role, scope, pw_hash FROM accounts WHERE name = ?1 AND disabled = 0", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, name);
    int step = aq__db_step(st);
    *found = step == AQ_DB_ROW;
    if (*found) {
        aq__ws_account_from_row(st, acc);
        snprintf(hash, crypto_pwhash_STRBYTES, "%s", aq__db_column_text(st, 4));
    } else if (step != AQ_DB_DONE) {
        rc = aq__store_fail(s, "cannot read the accounts");
    }
    aq__db_finalize(st);
    return rc;
}

int aq_ws_login(aq_store *s, const char *name, const char *password, const char *client, char session[65],
                char csrf[65], aq_account *out)
{
    if (sodium_init() < 0)
        return aq__err(s->ctx, AQ_EINTERNAL, "libsodium could not be initialised");
    if (!name || !*name || strlen(name) > 63 || !password)
        return aq__err(s->ctx, AQ_EDENIED, "login refused: unknown name or wrong password");
    if (!client)
        client = ""; /* every caller without an address shares one */
    /* The backoff is per name and address, so guesses at a name from one
     * place never lock its owner out of another; and per address over all
     * names, with more room (many people behind one proxy), so one place
     * cannot try every name quickly either. */
    long long now = (long long)time(NULL), wait = 0;
    int rc = wait_seconds(s, "SELECT count(*), coalesce(max(at), 0) FROM login_failures WHERE at > ?1 AND name = ?2"
                             " AND client = ?3", name, client, AQ_WS_LOGIN_PAIR_FREE, now, &wait);
    if (rc == AQ_OK)
        rc = wait_seconds(s, "SELECT count(*), coalesce(max(at), 0) FROM login_failures WHERE at > ?1 AND client = ?2",
                          NULL, client, AQ_WS_LOGIN_ADDR_FREE, now, &wait);
    if (rc)
        return rc;
    if (wait > 0) {
        if (login_refused(s, name, client, now))
            aq_clear_error(s->ctx); /* the refusal stands even if the count is busy */
        return aq__err(s->ctx, AQ_EDENIED, "too many failed logins for '%s' from this address: try again in %lld s",
                       name, wait);
    }
    aq_account acc;
    char hash[crypto_pwhash_STRBYTES];
    bool found = false;
    if ((rc = find_login(s, name, &acc, hash, &found)) != AQ_OK)
        return rc;
    bool test_mode = aq__ws_pwhash_fast(), weak = found && !test_mode && aq__ws_pwhash_weak(hash);
    if (!found)
        snprintf(hash, sizeof hash, "%s", test_mode ? DUMMY_HASH_FAST : DUMMY_HASH);
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 && found;
    /* A weak hash (made in the test mode) checks in microseconds: spend a
     * real check's time too, so timing does not single its account out. */
    if (weak) {
        char dummy[crypto_pwhash_STRBYTES];
        snprintf(dummy, sizeof dummy, "%s", DUMMY_HASH);
        if (crypto_pwhash_str_verify(dummy, password, strlen(password)) == 0)
            ok = false; /* cannot happen: nobody knows the dummy's password */
    }
    if (!ok)
        return login_failed(s, name, client, now, found ? "wrong password" : "unknown name");
    char rehash[crypto_pwhash_STRBYTES] = "";
    if (weak && (rc = aq__ws_pwhash(s, password, rehash)) != AQ_OK)
        return rc;
    char token[65], sha[65], check[65];
    aq__ws_random_hex(token);
    aq__ws_random_hex(check);
    token_sha(token, sha);
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    /* Old sessions and failures go when someone logs in: the tables stay
     * small. This pair's failures go too; others' stay. */
    rc = flush_refusals(s, now);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot end old sessions", "DELETE FROM sessions WHERE expires_at <= ?1", "i", now);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot clear failed logins",
                           "DELETE FROM login_failures WHERE (name = ?1 AND client = ?2) OR at <= ?3", "tti", name,
                           client, now - AQ_WS_LOGIN_WINDOW);
    if (rc == AQ_OK && weak)
        rc = aq__store_run(s, "cannot store the new password hash", "UPDATE accounts SET pw_hash = ?1 WHERE id = ?2",
                           "ti", rehash, (long long)acc.id);
    aq_db_stmt *st = NULL;
    if (rc == AQ_OK)
        rc = aq__store_prepare(s, "INSERT INTO sessions(token_sha, account_id, csrf, expires_at) VALUES (?1, ?2, ?3, ?4)", &st);
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, sha);
        aq__db_bind_int64(st, 2, acc.id);
        aq__db_bind_text(st, 3, check);
        aq__db_bind_int64(st, 4, now + AQ_WS_SESSION_SECONDS);
        if (aq__db_step(st) != AQ_DB_DONE)
            rc = aq__store_fail(s, "cannot open a session");
    }
    aq__db_finalize(st);
    char object[96];
    snprintf(object, sizeof object, "account %s", acc.name);
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, &acc, "login", object, NULL,
                          weak ? "the password's weak (test-mode) hash replaced by one at the INTERACTIVE cost" : NULL,
                          *client ? client : NULL);
    rc = aq__ws_end(s, rc);
    sodium_memzero(rehash, sizeof rehash);
    if (rc == AQ_OK) {
        memcpy(session, token, 65);
        memcpy(csrf, check, 65);
        if (out)
            *out = acc;
    }
    sodium_memzero(token, sizeof token);
    return rc;
}

/* Finds the account a secret TOKEN (a session or an API token) belongs to
 * with SQL, whose first five columns are the account's (id, name, role,
 * scope) and the stored token hash, with the token's hash as ?1 and (if
 * it has one) the time now as ?2; a sixth column, if asked for (CSRF not NULL), is the
 * session's CSRF token. UNKNOWN is the refusal's message, WHAT names the
 * table in a store failure. */
static int account_of_secret(aq_store *s, const char *sql, const char *token, aq_account *out, char csrf[65],
                             const char *unknown, const char *what)
{
    if (!aq__ws_token_wellformed(token))
        return aq__err(s->ctx, AQ_EDENIED, "%s", unknown);
    char sha[65];
    token_sha(token, sha);
    aq_db_stmt *st;
    int rc = aq__store_cached(s, sql, &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, sha);
    if (aq__db_param_count(st) >= 2)
        aq__db_bind_int64(st, 2, (long long)time(NULL));
    int step = aq__db_step(st);
    if (step == AQ_DB_ROW && same_hash(st, 4, sha)) {
        aq_account acc;
        aq__ws_account_from_row(st, &acc);
        if (csrf)
            snprintf(csrf, 65, "%s", aq__db_column_text(st, 5));
        if (out)
            *out = acc;
    } else if (step == AQ_DB_ROW || step == AQ_DB_DONE) {
        rc = aq__err(s->ctx, AQ_EDENIED, "%s", unknown);
    } else {
        rc = aq__store_fail(s, what);
    }
    aq__store_release(st);
    return rc;
}

int aq_ws_session(aq_store *s, const char *token, aq_account *out, char csrf[65])
{
    return account_of_secret(s,
        "SELECT a.id, a.name, a.role, a.scope, s.token_sha, s.csrf FROM sessions s JOIN accounts a ON a.id = s.account_id"
        " WHERE s.token_sha = ?1 AND s.expires_at > ?2 AND a.disabled = 0", token, out, csrf,
        "the session has expired or does not exist: log in again", "cannot read the sessions");
}

int aq_ws_logout(aq_store *s, const char *token)
{
    if (!aq__ws_token_wellformed(token))
        return AQ_OK;
    char sha[65];
    token_sha(token, sha);
    aq_account acc;
    bool known = aq_ws_session(s, token, &acc, NULL) == AQ_OK;
    int rc = aq__ws_begin(s);
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot end the session", "DELETE FROM sessions WHERE token_sha = ?1", "t", sha);
    if (rc == AQ_OK && known && aq__db_changes(s->db) > 0) {
        char object[96];
        snprintf(object, sizeof object, "account %s", acc.name);
        rc = aq__ws_audit(s, &acc, "logout", object, NULL, NULL, NULL);
    }
    rc = aq__ws_end(s, rc);
    return rc;
}

int aq_ws_token_new(aq_store *s, const aq_account *actor, long long account_id, const char *label, char token[65])
{
    if (!actor)
        return aq__err(s->ctx, AQ_EDENIED, "an API token needs an account");
    long long target = account_id ? account_id : actor->id;
    aq_account acc;
    char object[96];
    snprintf(object, sizeof object, "token of account id %lld", target);
    if (target != actor->id && actor->role != AQ_ROLE_ADMIN) {
        aq__err(s->ctx, AQ_EDENIED, "'%s' (%s) may not issue tokens for other accounts: only an administrator may",
                actor->name, aq_role_name(actor->role) ? aq_role_name(actor->role) : "no role");
        return aq__ws_denied(s, actor, object);
    }
    if (target == 0)
        return aq__err(s->ctx, AQ_EUSAGE, "the system account has no tokens: name the account (ACCOUNT_ID)");
    int disabled = 0;
    int rc = aq__ws_account_by_id(s, target, &acc, &disabled);
    if (rc)
        return rc;
    if (disabled) {
        aq__err(s->ctx, AQ_EDENIED, "account '%s' is disabled", acc.name);
        return aq__ws_denied(s, actor, object);
    }
    snprintf(object, sizeof object, "account %s", acc.name);
    char tok[65], sha[65];
    aq__ws_random_hex(tok);
    token_sha(tok, sha);
    aq_db_stmt *st = NULL;
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    rc = aq__store_prepare(s, "INSERT INTO api_tokens(token_sha, account_id, label) VALUES (?1, ?2, ?3)", &st);
    if (rc == AQ_OK) {
        aq__db_bind_text(st, 1, sha);
        aq__db_bind_int64(st, 2, acc.id);
        aq__db_bind_text(st, 3, label);
        if (aq__db_step(st) != AQ_DB_DONE)
            rc = aq__store_fail(s, "cannot record the token");
    }
    aq__db_finalize(st);
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, "token-new", object, NULL, label, NULL);
    rc = aq__ws_end(s, rc);
    if (rc == AQ_OK)
        memcpy(token, tok, 65);
    sodium_memzero(tok, sizeof tok);
    return rc;
}

int aq_ws_token_account(aq_store *s, const char *token, aq_account *out)
{
    return account_of_secret(s, /* API tokens do not expire */
        "SELECT a.id, a.name, a.role, a.scope, t.token_sha FROM api_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE t.token_sha = ?1 AND a.disabled = 0", token, out, NULL,
        "unknown API token (or its account is disabled)", "cannot read the API tokens");
}

/* The SQL below cuts ids with substr(token_sha, 1, 12). */
_Static_assert(AQ_TOKEN_ID_LEN == 12, "token ids are 12 hex digits in the SQL of this file");

/* Checks and lower-cases a token id: the first 12 hex digits of the
 * token's SHA-256, as aq_ws_tokens shows them. */
static int token_id(aq_store *s, const char *id, char out[AQ_TOKEN_ID_LEN + 1])
{
    size_t n = id ? strlen(id) : 0;
    bool hex = n == AQ_TOKEN_ID_LEN;
    for (size_t i = 0; hex && i < n; i++) {
        char c = id[i];
        hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        out[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    /* A pasted secret is not echoed: messages reach logs and screens. */
    if (!hex && aq__ws_token_wellformed(id))
        return aq__err(s->ctx, AQ_EUSAGE, "that is an API token itself, not its id: give the %d hex digits the "
                       "token listing shows (and revoke it: it has been pasted)", AQ_TOKEN_ID_LEN);
    if (!hex)
        return aq__err(s->ctx, AQ_EUSAGE, "token id '%.24s': expected the %d hex digits the token listing shows",
                       id ? id : "", AQ_TOKEN_ID_LEN);
    out[n] = '\0';
    return AQ_OK;
}

int aq_ws_tokens(aq_store *s, const aq_account *actor, long long account_id, aq_table **out)
{
    return aq_ws_tokens_page(s, actor, account_id, NULL, out);
}

int aq_ws_tokens_page(aq_store *s, const aq_account *actor, long long account_id, aq_ws_page *page, aq_table **out)
{
    if (!actor)
        return aq__err(s->ctx, AQ_EDENIED, "listing API tokens needs an account");
    const char *role = aq_role_name(actor->role) ? aq_role_name(actor->role) : "no role";
    if (actor->role != AQ_ROLE_ADMIN && account_id && account_id != actor->id)
        return aq__err(s->ctx, AQ_EDENIED, "'%s' (%s) may list only its own API tokens: only an administrator "
                       "sees other accounts' tokens", actor->name, role);
    long long who = actor->role == AQ_ROLE_ADMIN ? account_id : actor->id;
    char filter[32] = "";
    if (who)
        snprintf(filter, sizeof filter, "%lld", who);
    const char *args[] = {filter, NULL};
    return aq__ws_list(s,
        "SELECT substr(t.token_sha, 1, 12) AS id, a.name AS account, t.label, t.created_at"
        " FROM api_tokens t JOIN accounts a ON a.id = t.account_id"
        " WHERE (?1 = '' OR t.account_id = CAST(?1 AS BIGINT)) ORDER BY t.created_at, a.name, t.token_sha",
        args, page, out);
}

/* The one token whose hash starts with ID: its full hash, account and
 * label. AQ_ENOTFOUND when none, AQ_EINPUT when several share the id. */
static int find_token(aq_store *s, const char *id, char sha[65], aq_account *owner, char label[256])
{
    aq_db_stmt *st;
    int rc = aq__store_prepare(s, "SELECT a.id, a.name, a.role, a.scope, t.token_sha, t.label FROM api_tokens t"
                                  " JOIN accounts a ON a.id = t.account_id WHERE substr(t.token_sha, 1, 12) = ?1", &st);
    if (rc)
        return rc;
    aq__db_bind_text(st, 1, id);
    int n = 0;
    while (rc == AQ_OK && aq__store_row(s, st, &rc)) {
        if (n++ > 0)
            continue;
        aq__ws_account_from_row(st, owner);
        snprintf(sha, 65, "%s", aq__db_column_text(st, 4));
        const char *l = aq__db_column_text(st, 5);
        snprintf(label, 256, "%s", l ? l : "");
    }
    aq__db_finalize(st);
    if (rc == AQ_OK && n == 0)
        rc = aq__err(s->ctx, AQ_ENOTFOUND, "no API token with id '%s' in the store '%s' (revoked already, or never "
                     "issued: list them with `aimaq account tokens`)", id, s->path);
    else if (rc == AQ_OK && n > 1)
        rc = aq__err(s->ctx, AQ_EINPUT, "token id '%s' is ambiguous: %d API tokens' hashes start with it; nothing "
                     "revoked (disabling the account ends all of its tokens)", id, n);
    return rc;
}

int aq_ws_token_revoke(aq_store *s, const aq_account *actor, const char *id)
{
    if (!actor)
        return aq__err(s->ctx, AQ_EDENIED, "revoking an API token needs an account");
    char low[AQ_TOKEN_ID_LEN + 1], sha[65], label[256];
    int rc = token_id(s, id, low);
    if (rc)
        return rc;
    aq_account owner;
    /* Found and deleted in one write transaction: of two revocations at
     * once, the second says not found. */
    if ((rc = aq__ws_begin(s)) != AQ_OK)
        return rc;
    rc = find_token(s, low, sha, &owner, label);
    char object[128];
    snprintf(object, sizeof object, "account %s, token %s", rc == AQ_OK ? owner.name : "?", low);
    if (rc == AQ_OK && owner.id != actor->id && actor->role != AQ_ROLE_ADMIN) {
        const char *role = aq_role_name(actor->role) ? aq_role_name(actor->role) : "no role";
        aq__err(s->ctx, AQ_EDENIED, "'%s' (%s) may not revoke token %s: it is another account's, and only an "
                "administrator may revoke those", actor->name, role, low);
        return aq__ws_denied(s, actor, object); /* rolls back */
    }
    if (rc == AQ_OK)
        rc = aq__store_run(s, "cannot revoke the token", "DELETE FROM api_tokens WHERE token_sha = ?1", "t", sha);
    if (rc == AQ_OK && aq__db_changes(s->db) != 1)
        rc = aq__err(s->ctx, AQ_EINTERNAL, "revoking token %s deleted %lld rows instead of 1", low,
                     (long long)aq__db_changes(s->db));
    if (rc == AQ_OK)
        rc = aq__ws_audit(s, actor, "token-revoke", object, *label ? label : NULL, "revoked", NULL);
    return aq__ws_end(s, rc);
}
