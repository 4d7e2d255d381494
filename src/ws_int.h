/*
 * ws_int.h -- internals of the shared workspace (ws_*.c) and the parts of
 * the importer that need them (territorial scope of a pending import).
 */
#ifndef AQ_WS_INT_H
#define AQ_WS_INT_H

#include "aimaq_workspace.h"
#include "store.h"

#include <stdint.h>

/* Seconds a session lives, and the login backoff: failed logins are
 * remembered for WINDOW seconds; one name from one client address may fail
 * PAIR_FREE times, one address (any names) ADDR_FREE times, before each
 * further attempt of that pair or address waits 2, 4, 8 ... seconds after
 * its newest failure, at most WINDOW. Refused attempts are counted per
 * address and minute; each closed minute's counts go to the audit as one
 * record per address for the REFUSAL_TOP busiest and one for the rest. */
#define AQ_WS_SESSION_SECONDS (12 * 3600)
#define AQ_WS_LOGIN_WINDOW (15 * 60)
#define AQ_WS_LOGIN_PAIR_FREE 3
#define AQ_WS_LOGIN_ADDR_FREE 20
#define AQ_WS_REFUSAL_TOP 10

/* Transactions of the workspace: BEGIN IMMEDIATE (a writer waits for the
 * lock up front instead of failing half-way), COMMIT, ROLLBACK. */
int aq__ws_begin(aq_store *s);
int aq__ws_commit(aq_store *s);
/* Ends the transaction aq__ws_begin opened: commits when RC is AQ_OK (and
 * returns the commit's code), else rolls back and returns RC. */
int aq__ws_end(aq_store *s, int rc);
void aq__ws_rollback(aq_store *s);

/* Writes one audit record (no transaction of its own: inside the caller's,
 * or a statement by itself). */
int aq__ws_audit(aq_store *s, const aq_account *actor, const char *action, const char *object,
                 const char *old_value, const char *new_value, const char *client);
/* Runs a listing's SQL (ordered; parameters ?1..) as PAGE asks (NULL =
 * every row), filling PAGE->total. */
int aq__ws_list(aq_store *s, const char *sql, const char *const *args, aq_ws_page *page, aq_table **out);

/* Audits a refusal: keeps the context's message (which says why), writes a
 * "denied" record with it outside any transaction, returns AQ_EDENIED. */
int aq__ws_denied(aq_store *s, const aq_account *actor, const char *object);

/* The account of the name or id (disabled ones too: *DISABLED says).
 * AQ_ENOTFOUND (with a message) when there is none. */
int aq__ws_account_by_name(aq_store *s, const char *name, aq_account *out, int *disabled);
int aq__ws_account_by_id(aq_store *s, long long id, aq_account *out, int *disabled);

/* Password hashing costs: libsodium's INTERACTIVE limits, or its minimum
 * when the environment sets AQ_PWHASH_FAST=1 (the test mode: such hashes
 * are cheap to attack and quick to check, a timing oracle). Outside the
 * test mode a login treats a hash below the INTERACTIVE cost as weak:
 * it is checked in the time of a real one and replaced by one at the
 * INTERACTIVE cost when the password is right. */
bool aq__ws_pwhash_fast(void);
/* Hashes PASSWORD at the cost aq__ws_pwhash_fast says. */
int aq__ws_pwhash(aq_store *s, const char *password, char out[128]);
/* Is HASH an Argon2 hash of less memory or fewer passes than libsodium's
 * INTERACTIVE limits (as AQ_PWHASH_FAST=1 makes)? */
bool aq__ws_pwhash_weak(const char *hash);
/* Fills an account from a row (id, name, role, scope) of ST from column 0. */
void aq__ws_account_from_row(aq_db_stmt *st, aq_account *out);

/* 32 random bytes as 64 hex digits; the SHA-256 of a string in hex. */
void aq__ws_random_hex(char out[65]);
void aq__ws_sha256_hex(const void *data, size_t len, char out[65]);
/* Is TOKEN 64 hex digits? */
bool aq__ws_token_wellformed(const char *token);

/* Splits a comma-separated scope into codes (spaces trimmed, empties
 * skipped); at most MAX codes of up to 63 bytes. Returns the count, or -1
 * when there are more codes than MAX or a code is too long. */
int aq__ws_scope_split(const char *scope, char (*codes)[64], int max);

/* Refuses (AQ_EDENIED, naming up to 5 units and the scope) when a value of
 * dataset DATASET_ID in TABLE ("observations" or "pending_observations") is
 * of a unit that is neither a code of SCOPE nor under one. */
int aq__ws_scope_check_dataset(aq_store *s, const char *scope, const char *table, int64_t dataset_id);

/* Uploads (ws_submit.c, ws_job.c): may ACTOR upload (else AQ_EDENIED,
 * audited)? The import options of its upload SHOWN (the name it sent):
 * pending and scoped for a regional editor. Messages naming PATH name
 * SHOWN instead. The submission, its dataset's source and its audit
 * record, inside the import's transaction; *SUBMISSION_ID gets its id. */
int aq__ws_may_upload(aq_store *s, const aq_account *actor, const char *shown);
void aq__ws_upload_opts(const aq_account *actor, const char *shown, const aq_import_opts *opts, aq_import_opts *o);
void aq__ws_name_the_file(aq_ctx *ctx, int rc, const char *path, const char *shown);
int aq__ws_record_upload(aq_store *s, const aq_account *actor, const char *shown, const aq_import_result *r,
                         long long *submission_id);

#endif
