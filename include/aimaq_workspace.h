/*
 * aimaq_workspace.h -- the shared workspace: accounts and roles, sessions
 * and API tokens, submissions and their approval, the append-only audit
 * log, stored methodologies and recorded analysis results.
 *
 * Everything lives in the store (schema version 2 and later), so central
 * and local bodies working on one store see the same accounts, the same
 * pending submissions and the same history. `aimaq serve` is a thin HTTP
 * layer over these functions; the CLI (`aimaq account ...`) uses them too.
 *
 * Conventions are those of aimaq.h. In addition:
 *  - Every function that changes something takes the acting account and
 *    writes one audit record in the same transaction as the change, so the
 *    log never disagrees with the data.
 *  - A refusal for lack of rights returns AQ_EDENIED, says why (role,
 *    scope, the unit concerned) and is itself written to the audit log.
 *    The rule: every aq_ws_* function that CHANGES something and refuses
 *    audits its own refusal (action "denied", the message as new_value);
 *    the look-ups (aq_ws_may_change, aq_ws_session, aq_ws_token_account)
 *    do not: the caller audits the request it refuses. Failed logins are
 *    audited by aq_ws_login ("login-failed"; "login-refused" counts).
 *  - Secrets (passwords, session and API tokens) are never stored: only
 *    Argon2id hashes of passwords (libsodium crypto_pwhash_str) and
 *    SHA-256 hashes of tokens. Tokens are 32 random bytes, hex.
 */
#ifndef AIMAQ_WORKSPACE_H
#define AIMAQ_WORKSPACE_H

#include "aimaq.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Roles, from most to least powerful. */
enum aq_role {
    AQ_ROLE_ADMIN = 1,    /* manages accounts; everything a central analyst may */
    AQ_ROLE_CENTRAL = 2,  /* edits and approves for all territories             */
    AQ_ROLE_REGIONAL = 3, /* submits edits for the units under its scope only  */
    AQ_ROLE_VIEWER = 4    /* reads                                               */
};

/* "admin", "central", "regional", "viewer"; NULL for an unknown role. */
const char *aq_role_name(int role);
/* The role named NAME, or 0 when there is none. */
int aq_role_parse(const char *name);

/* An account as the workspace sees it. Plain values, no ownership. */
typedef struct aq_account {
    long long id;
    char name[64];
    int role;              /* enum aq_role                                    */
    char scope[256];       /* regional: comma-separated unit codes; the
                              account may change these units and everything
                              under them. "" for the other roles.           */
} aq_account;

/* The system account used for actions nobody logged in made (the CLI
 * bootstrap of the first administrator). Role admin, id 0: it may do what
 * an administrator may. The CLI acts as it (whoever can write the store
 * file owns it); the server must never act as it for a request. */
void aq_account_system(aq_account *out);

/* One page of a workspace listing (the *_page functions): OFFSET rows
 * skipped, at most LIMIT rows returned (0 = every row); TOTAL receives the
 * number of rows of the whole listing. A NULL page is every row. */
typedef struct aq_ws_page {
    size_t offset, limit;
    long long total;
} aq_ws_page;

/* --- Accounts ---------------------------------------------------------- */

/* Creates an account. ACTOR must be an administrator (the system account
 * is one, so the CLI can create the first account of an empty workspace).
 * NAME: 1-63 characters of letters, digits, '.', '_', '-', '@'.
 * PASSWORD: at least 10 characters. SCOPE: required for the regional role
 * (each code must be a unit of the store), NULL/"" otherwise.
 * Returns AQ_OK, AQ_EUSAGE (bad name, weak password, unknown role or
 * scope unit), AQ_EINPUT (the name exists), AQ_EDENIED, AQ_ESTORE. */
int aq_ws_account_add(aq_store *s, const aq_account *actor, const char *name,
                      const char *password, int role, const char *scope,
                      aq_account *out);

/* Disables (DISABLED = 1) or enables again (0) the account NAME. A
 * disabled account cannot log in, and its sessions and API tokens end at
 * once (re-enabled, it logs in anew and needs new tokens). ACTOR must be
 * an administrator, and may not disable itself. Audited with the old and
 * new state. Returns AQ_OK, AQ_EDENIED, AQ_ENOTFOUND, AQ_EUSAGE (itself),
 * AQ_ESTORE. */
int aq_ws_account_disable(aq_store *s, const aq_account *actor, const char *name, int disabled);

/* Lists the accounts: id, name, role, scope, created_at, disabled. */
int aq_ws_accounts(aq_store *s, aq_table **out);
int aq_ws_accounts_page(aq_store *s, aq_ws_page *page, aq_table **out);

/* --- Sessions and tokens ----------------------------------------------- */

/* Checks NAME and PASSWORD and opens a session of 12 hours. CLIENT is the
 * client's address (NULL: one shared by every caller without one), used
 * for the backoff: failures are remembered for 15 minutes; after 3 for
 * one name from one address, or 20 from one address for any names, each
 * further attempt of that pair or address waits 2, 4, 8 ... s (at most
 * 15 minutes) after its newest failure and is refused meanwhile
 * (AQ_EDENIED, "too many failed logins for 'NAME' from this address: try
 * again in N s") without the password being checked. Other addresses are
 * not slowed, so nobody can lock a name out. SESSION receives the session
 * token (the cookie value), CSRF the token the client must echo in
 * X-CSRF-Token on every state-changing request. Failures are audited;
 * the message does not say whether the name or the password was wrong
 * (an unknown name costs the same Argon2id verification as a known one).
 * A success clears the failures of its name and address. Refused attempts
 * are counted per address and minute; a minute's counts are audited when
 * it is over (at the next attempt), as one "login-refused" record for
 * each of the 10 addresses refused most and one for the rest, so a flood
 * of them cannot fill the append-only audit. Outside the test mode
 * (AQ_PWHASH_FAST=1) a hash weaker than the INTERACTIVE cost is checked
 * in a real hash's time and, the password being right, replaced by one at
 * that cost. The backoff check and the recording of a failure are
 * separate transactions, so concurrent guesses may exceed it by a few.
 * Returns AQ_OK, AQ_EDENIED, AQ_ESTORE. */
int aq_ws_login(aq_store *s, const char *name, const char *password,
                const char *client, char session[65], char csrf[65],
                aq_account *out);

/* Finds the live session of TOKEN. CSRF (may be NULL) receives its CSRF
 * token. Returns AQ_OK, AQ_EDENIED (unknown or expired). */
int aq_ws_session(aq_store *s, const char *token, aq_account *out, char csrf[65]);

/* Ends the session of TOKEN. Unknown tokens are not an error. */
int aq_ws_logout(aq_store *s, const char *token);

/* Issues an API token for scripts, for the account ACTOR (or, for an
 * administrator, for the account ACCOUNT_ID; 0 = ACTOR itself). TOKEN
 * receives the token, shown once. Returns AQ_OK, AQ_EDENIED, AQ_ESTORE. */
int aq_ws_token_new(aq_store *s, const aq_account *actor, long long account_id,
                    const char *label, char token[65]);

/* Finds the account of an API token. Returns AQ_OK, AQ_EDENIED. */
int aq_ws_token_account(aq_store *s, const char *token, aq_account *out);

/* The length of a token's public id: the first 12 hex digits of the
 * token's SHA-256. It reveals nothing of the token (the store keeps only
 * that hash) and tells tokens apart (2^48 values). */
enum { AQ_TOKEN_ID_LEN = 12 };

/* Lists API tokens, oldest first: id (AQ_TOKEN_ID_LEN hex digits),
 * account (its name), label, created_at. Never the token nor its hash.
 * An administrator sees every account's tokens, or ACCOUNT_ID's only when
 * it is not 0; any other account sees its own only (ACCOUNT_ID 0 or its
 * own id). *OUT is the caller's (aq_table_free). A look-up: refusals are
 * not audited here. Returns AQ_OK, AQ_EDENIED (no ACTOR, or a non-admin
 * asking for another account's tokens), AQ_ESTORE. */
int aq_ws_tokens(aq_store *s, const aq_account *actor, long long account_id,
                 aq_table **out);
int aq_ws_tokens_page(aq_store *s, const aq_account *actor, long long account_id,
                      aq_ws_page *page, aq_table **out);

/* Revokes the API token whose id (as aq_ws_tokens lists it; upper-case
 * hex is accepted) is ID: it is deleted, and a request sending it is
 * refused from then on. ACTOR may revoke its own tokens; an administrator
 * anyone's. Audited ("token-revoke", object "account NAME, token ID", the
 * label as the old value) in the same transaction; a refusal is audited
 * as "denied". Revoking the same id again is AQ_ENOTFOUND.
 * Returns AQ_OK, AQ_EUSAGE (ID is not AQ_TOKEN_ID_LEN hex digits),
 * AQ_ENOTFOUND (no such token), AQ_EINPUT (several tokens share the id:
 * nothing is revoked), AQ_EDENIED (another account's token, for a
 * non-admin), AQ_ESTORE. */
int aq_ws_token_revoke(aq_store *s, const aq_account *actor, const char *id);

/* --- Rights ------------------------------------------------------------ */

/* May ACTOR change the data of the unit UNIT_CODE? Administrators and
 * central analysts may change every unit; a regional editor the units of
 * its scope and their descendants (following units.parent); viewers none.
 * Returns AQ_OK, AQ_EDENIED (the message names the account, the unit and
 * the scope), AQ_ENOTFOUND (no such unit). Refusals are not audited here:
 * the caller audits the request it refuses. */
int aq_ws_may_change(aq_store *s, const aq_account *actor, const char *unit_code);

/* --- Submissions -------------------------------------------------------- */

/* Submits the file PATH (ORIGINAL_NAME is what the user called it) as a
 * dataset. A regional editor's file is imported as pending: it is checked
 * entirely (as aq_store_import, and every unit it touches must be within
 * the editor's scope, else AQ_EDENIED naming the first units outside it),
 * kept out of every selection, and waits for a central analyst. A central
 * analyst's or administrator's file is imported live and its submission
 * recorded as approved. Files that add or change units are accepted from
 * central analysts and administrators only; so are values of indicators
 * the store does not have yet (a regional file may not create indicators).
 * The whole submission (import, submission record, audit) is one
 * transaction. OPTS may be NULL; its user, pending and scope fields are
 * set from ACTOR, and its dataset name defaults to ORIGINAL_NAME.
 * SUBMISSION_ID receives the submission's id.
 * Returns as aq_store_import, and AQ_EDENIED. */
int aq_ws_submit_file(aq_store *s, const aq_account *actor, const char *path,
                      const char *original_name, const aq_import_opts *opts,
                      long long *submission_id);

/* --- The server's import queue ----------------------------------------- */

/* Records an upload of ORIGINAL_NAME by ACTOR waiting in the queue (state
 * "queued"); *JOB receives its id. Viewers are refused (AQ_EDENIED,
 * audited) as by aq_ws_submit_file. */
int aq_ws_job_new(aq_store *s, const aq_account *actor, const char *original_name, long long *job);

/* Runs the queued upload JOB: what aq_ws_submit_file does, except that a
 * file of values (long, or wide without geometries) is written in many
 * short transactions, so that other writers (logins, edits) wait for the
 * lock a fraction of a second at most, and its dataset stays invisible to
 * every reader until the last one; a failure or a kill leaves nothing
 * visible (aq_ws_jobs_recover removes what a kill left). The job's row
 * follows it: "running" with rows read (of the file's rows), then "done"
 * with the submission, or "failed" with the error's code and message.
 * STOP, when not NULL, is looked at between transactions: nonzero ends the
 * import (AQ_ESTORE). Returns as aq_ws_submit_file. */
int aq_ws_job_run(aq_store *s, const aq_account *actor, long long job, const char *path,
                  const char *original_name, const aq_import_opts *opts, const volatile int *stop,
                  long long *submission_id);

/* Marks JOB failed with CODE and MESSAGE (a job that could not be queued).
 * Returns CODE, with MESSAGE on the context. */
int aq_ws_job_fail(aq_store *s, long long job, int code, const char *message);

/* The job JOB as a one-row table: id, kind, state, file, account,
 * created_at, updated_at, rows_read, rows_total, percent, submission,
 * status (the submission's), code (an AQ_E* code when failed), error.
 * Central analysts and administrators see every job, others their own
 * (AQ_ENOTFOUND for another's). */
int aq_ws_job_get(aq_store *s, const aq_account *actor, long long job, aq_table **out);

/* For a server starting: the jobs it left queued or running become
 * "failed" (their files are gone with the spool), and the unfinished
 * datasets of staged imports (pending, without a submission) are removed.
 * Only while no import runs on the store. *FAILED receives the count of
 * jobs failed (may be NULL). */
int aq_ws_jobs_recover(aq_store *s, int *failed);

/* Submits a change of one value: UNIT_CODE's INDICATOR in PERIOD becomes
 * VALUE (NaN = remove). Pending for a regional editor (within its scope),
 * applied at once for central analysts and administrators. The audit
 * record holds the old and the new value. COMMENT may be NULL.
 * Each edit is a small dataset (shape "edit"), so history is kept and a
 * horizon hides later edits; a removal is stored as a missing value.
 * Returns AQ_OK, AQ_EDENIED, AQ_ENOTFOUND (unit or indicator), AQ_EUSAGE
 * (PERIOD is not a period, VALUE infinite), AQ_ESTORE. */
int aq_ws_submit_edit(aq_store *s, const aq_account *actor, const char *unit_code,
                      const char *indicator, const char *period, double value,
                      const char *comment, long long *submission_id);

/* Approves (APPROVE = 1) or rejects (0) the pending submission ID with
 * COMMENT (required when rejecting). Approval makes its values live in
 * one transaction and audits each changed value (old and new): an edit's
 * value in one record, a file in one record with its counts (values made
 * live, of which replace earlier ones); rejection discards them and marks
 * the dataset rejected. An approved dataset gets a NEW id, the next after
 * every dataset: its values win over everything imported before the
 * approval, and results recorded at an earlier horizon still reproduce.
 * The submission's dataset_id follows. COMMENT is kept when given.
 * A file of more than 20,000 values is approved in short transactions
 * (its values copied under a dataset no reader sees, which the last one
 * makes live with the decision), so that other writers never wait long;
 * a big file's rejected values are deleted after the decision, in parts.
 * ACTOR must be a central analyst or an administrator.
 * Returns AQ_OK, AQ_EDENIED, AQ_ENOTFOUND, AQ_EINPUT (not pending, or a
 * rejection without a comment), AQ_ESTORE. */
int aq_ws_decide(aq_store *s, const aq_account *actor, long long id, int approve,
                 const char *comment);

/* Lists submissions, newest first: id, kind ("file" or "edit"), status
 * ("pending", "approved", "rejected"), submitted_by, submitted_at, file,
 * dataset_id, unit, indicator, period, value, old_value, rows, decided_by,
 * decided_at, comment. STATUS filters when not NULL. Who sees what:
 * central analysts and administrators (the approvers) every submission; a
 * regional editor its own only, whatever their status (not those of other
 * editors, even of the same scope: a pending value is the submitter's
 * until an approver decides); a viewer, or no ACTOR, the approved ones
 * only, as pending values are invisible to every reader until approved and
 * rejected ones never became data. */
int aq_ws_submissions(aq_store *s, const aq_account *actor, const char *status,
                      aq_table **out);
int aq_ws_submissions_page(aq_store *s, const aq_account *actor, const char *status,
                           aq_ws_page *page, aq_table **out);

/* --- Audit log ---------------------------------------------------------- */

/* Appends one record: ACTOR (NULL = system) did ACTION ("login",
 * "login-failed", "upload", "edit", "approve", "reject", "denied",
 * "account-add", "token-new", "token-revoke", "result", ...) to OBJECT,
 * with the OLD and NEW values (any may be NULL) from the client address
 * CLIENT. The log is
 * append-only: the schema refuses UPDATE, DELETE and a replacing or
 * hashless INSERT on it; each record also carries its link of the hash
 * chain (aq_ws_audit_verify), which is why every record must be written
 * through this function (or aq__ws_audit inside the library). Runs in the
 * caller's write transaction, or in one of its own. */
int aq_ws_audit(aq_store *s, const aq_account *actor, const char *action,
                const char *object, const char *old_value, const char *new_value,
                const char *client);

/* Sets the client address that audit records written through this store
 * handle carry when their call gives none (every aq_ws_* change and
 * refusal): the server sets its caller's before each request. NULL or ""
 * clears it. */
void aq_ws_set_client(aq_store *s, const char *client);

/* Lists audit records with id > AFTER_ID, oldest first, at most LIMIT
 * (0 = 1000): id, at, account, action, object, old_value, new_value, client,
 * sha256 (the record's link of the hash chain, aq_ws_audit_verify). */
int aq_ws_audit_list(aq_store *s, long long after_id, size_t limit, aq_table **out);
/* The same as a page of the records with id > AFTER_ID. */
int aq_ws_audit_page(aq_store *s, long long after_id, aq_ws_page *page, aq_table **out);

/* Verifies the audit log's hash chain: every record stores the SHA-256 of
 * the previous record's hash and its own content (id, time, account,
 * action, object, old and new value, client), so a record rewritten,
 * deleted or inserted anywhere but at the end breaks the chain at the
 * first record after the change (docs/guarantees.md). *BAD_ID receives
 * the id of the first record whose hash does not follow (0 when the chain
 * holds), *COUNT the number of records, HEAD (may be NULL) the last
 * record's hash ("" for an empty log): kept elsewhere, it also shows the
 * end of the log was not cut off. Records written before the chain
 * existed (schema 3 and earlier) have no stored hash of their own and
 * are covered by the first stored one. The message says what is wrong.
 * Returns AQ_OK (chain holds), AQ_EINPUT (broken: *BAD_ID), AQ_ESTORE. */
int aq_ws_audit_verify(aq_store *s, long long *bad_id, long long *count, char head[65]);

/* --- Listing with paging ------------------------------------------------- */

/* One page of a listing. Unset fields do not filter. */
typedef struct aq_page_query {
    const char *what;       /* "units", "indicators", "observations", "datasets" */
    const char *level;      /* units, observations: unit level               */
    const char *under;      /* units, observations: this unit and those under it */
    const char *code;       /* units, observations: one unit code             */
    const char *indicator;  /* indicators, observations: one indicator code   */
    const char *period;     /* observations: one period                       */
    const char *search;     /* units: a code prefix or part of a name          */
    long long max_dataset;  /* units, observations: horizon (0 = now), as in
                               aq_selection: values and units as they were   */
    size_t offset, limit;   /* rows to skip; rows to return (0 = 100, at most
                               10000)                                         */
} aq_page_query;

/* Lists one page, ordered by code (observations by indicator, period,
 * unit code; datasets by id). Columns: units -- code, parent, level, kind,
 * name_kk, name_ru, name_en, valid_from, valid_to; indicators -- code,
 * name_kk, name_ru, name_en, measure, direction, description, source;
 * observations -- code, name_kk, name_ru, name_en, level, indicator,
 * period, value, flags, dataset_id (the newest live value of each);
 * datasets -- id, name, source, checksum, imported_at, imported_by, shape,
 * rows_accepted, rows_rejected, status. TOTAL receives the number of rows
 * of the whole listing. Returns AQ_OK, AQ_EUSAGE (unknown listing, limit
 * over 10000), AQ_ESTORE. */
int aq_store_page(aq_store *s, const aq_page_query *q, aq_table **out, long long *total);

/* --- Methodologies and results ------------------------------------------ */

/* Stores the methodology YAML text TEXT (checked with the same parser as
 * `aimaq method check`) under its SHA-256 (SHA receives it, hex). Storing
 * the same text again is not an error. Returns AQ_OK, AQ_EINPUT (invalid
 * methodology: the message gives the line), AQ_EDENIED (viewers), AQ_ESTORE. */
int aq_ws_method_put(aq_store *s, const aq_account *actor, const char *name,
                     const char *text, char sha[65]);

/* The text of the methodology whose SHA-256 or name is KEY (the newest of
 * that name). *TEXT is owned by the caller (aq_free). AQ_ENOTFOUND if none. */
int aq_ws_method_get(aq_store *s, const char *key, char **text, char sha[65]);

/* Lists methodologies: name, sha256, stored_at, stored_by. */
int aq_ws_methods(aq_store *s, aq_table **out);
int aq_ws_methods_page(aq_store *s, aq_ws_page *page, aq_table **out);

/* The newest live dataset id: a selection made with max_dataset set to it
 * sees exactly what the store holds now, values and units, even after
 * later imports, approvals and changes to the units. 0 for a store without datasets (where max_dataset 0 means
 * "all": record such a result knowing there was nothing to see). */
long long aq_ws_dataset_horizon(aq_store *s);

/* Records an analysis result: KIND ("disparity", "potential", ...), the
 * request PARAMS (JSON text), the methodology hash (NULL if none), the
 * dataset horizon it used and the OUTPUT (JSON text). The record also lists
 * the live datasets up to the horizon (id, name, checksum) as JSON, and the
 * SHA-256 of OUTPUT, so a later run at the same horizon can be compared.
 * Any account may record (a record changes no data); ACTOR NULL = system.
 * ID receives the result id. Returns AQ_OK, AQ_EUSAGE (no kind, negative
 * horizon), AQ_ESTORE. */
int aq_ws_result_record(aq_store *s, const aq_account *actor, const char *kind,
                        const char *params, const char *method_sha,
                        long long horizon, const char *output, long long *id);

/* Lists results, newest first: id, kind, created_at, created_by, params,
 * method_sha256, horizon, datasets, output_sha256 (not the output). */
int aq_ws_results(aq_store *s, aq_table **out);
int aq_ws_results_page(aq_store *s, aq_ws_page *page, aq_table **out);

/* The default number of results kept per account (aq_ws_set_results_cap). */
enum { AQ_WS_RESULTS_CAP = 1000 };

/* Sets how many results each account keeps through this store handle
 * (AQ_WS_RESULTS_CAP unless set; 0 = no cap). Recording a result beyond
 * the cap deletes that account's oldest results, in the same transaction,
 * so the account keeps its CAP newest ones; the "result" audit record says
 * how many expired (the audit log keeps every result's output hash). Only
 * the recording account's results expire: nobody can push out another's. */
void aq_ws_set_results_cap(aq_store *s, size_t cap);

/* One result's params, method hash, horizon and output (caller frees the
 * strings with aq_free). AQ_ENOTFOUND if none. */
int aq_ws_result_get(aq_store *s, long long id, char **params, char **method_sha,
                     long long *horizon, char **output);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_WORKSPACE_H */
