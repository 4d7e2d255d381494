/*
 * cmd_account.c -- `aimaq account add|list|token|tokens|revoke|disable|enable`:
 * the accounts of the shared workspace and their API tokens, managed from
 * the shell.
 *
 * The CLI acts as the system account (an administrator): whoever can write
 * the store file owns the workspace anyway. That is how the first
 * administrator of an empty workspace is made. A password never comes from
 * the command line (where `ps` and the shell history would show it): it is
 * read from $AIMAQ_PASSWORD or from the first line of standard input.
 */
#include "aimaq_workspace.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int run(int argc, char **argv);

const cli_command cmd_account = {
    "account", "manage the accounts of the shared workspace (aimaq serve)",
    "aimaq account add NAME --role ROLE [--scope CODES] | list | token NAME [--label TEXT] |\n"
    "       tokens [NAME] | revoke ID | disable NAME | enable NAME  [--db STORE]",
    "Roles: admin (manages accounts), central (edits and approves for every\n"
    "territory), regional (submits edits for the units under --scope, for\n"
    "example one oblast's KATO code), viewer (reads).\n\n"
    "The password is read from $AIMAQ_PASSWORD, else from the first line of\n"
    "standard input (without echo on a terminal); never from the arguments.\n"
    "It must have at least 10 characters and is stored as an Argon2id hash.\n"
    "`token` prints a new API token for NAME on standard output, once: the\n"
    "store keeps only its SHA-256. `tokens` lists the API tokens (of NAME, or\n"
    "all): id (the first 12 hex digits of the token's SHA-256), account, label,\n"
    "created_at. `revoke ID` ends that one token at once, audited; the account\n"
    "and its other tokens stay. `disable` stops an account at once: it can\n"
    "no longer log in and its sessions and API tokens end; `enable` lets it log\n"
    "in again. The CLI acts as the system account.\n\n"
    "examples:\n"
    "  AIMAQ_PASSWORD='a long passphrase' aimaq account add admin --role admin --db kz.db\n"
    "  aimaq account add almaty --role regional --scope 750000000 --db kz.db < pw.txt\n"
    "  aimaq account list --db kz.db\n"
    "  aimaq account token almaty --label nightly-upload --db kz.db\n"
    "  aimaq account tokens almaty --db kz.db\n"
    "  aimaq account revoke 3f9a0c12b7e4 --db kz.db\n"
    "  aimaq account disable almaty --db kz.db",
    run};

/* The password: $AIMAQ_PASSWORD, else one line of stdin (no echo on a tty). */
static int read_password(const char *name, char *buf, size_t size)
{
    const char *env = getenv("AIMAQ_PASSWORD");
    if (env && *env) {
        if (strlen(env) >= size)
            return -1;
        memcpy(buf, env, strlen(env) + 1);
        return 0;
    }
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "password for '%s': ", name);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)size, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!got)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static long long account_id(aq_store *store, const char *name)
{
    aq_table *t = NULL;
    long long id = -1;
    if (aq_ws_accounts(store, &t) != AQ_OK)
        return -1;
    for (size_t i = 0; i < aq_table_nrows(t); i++)
        if (strcmp(aq_table_text(t, 1, i), name) == 0)
            id = (long long)aq_table_numbers(t, 0)[i];
    aq_table_free(t);
    return id;
}

static int run(int argc, char **argv)
{
    const char *db = NULL, *role = NULL, *scope = NULL, *label = NULL, *format = NULL, *output = NULL;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db)"},
        {"role", CLI_STRING, &role, "ROLE", "add: admin, central, regional or viewer"},
        {"scope", CLI_STRING, &scope, "CODES", "add: a regional editor's unit codes, comma-separated"},
        {"label", CLI_STRING, &label, "TEXT", "token: what the token is for"},
        {"format", CLI_STRING, &format, "F", "list, tokens: table, csv, json or xlsx"},
        {"output", CLI_STRING, &output, "FILE", "list, tokens: write to FILE"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_account, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    const char *sub = npos > 0 ? argv[0] : "";
    bool add = strcmp(sub, "add") == 0, list = strcmp(sub, "list") == 0, token = strcmp(sub, "token") == 0;
    bool disable = strcmp(sub, "disable") == 0, enable = strcmp(sub, "enable") == 0;
    bool tokens = strcmp(sub, "tokens") == 0, revoke = strcmp(sub, "revoke") == 0;
    if (!(add || list || token || tokens || revoke || disable || enable) ||
        ((add || token || revoke || disable || enable) && npos != 2) || (list && npos != 1) || (tokens && npos > 2))
        return cli_usage_error("usage: %s", cmd_account.usage);
    int r = 0;
    if (add && !(r = aq_role_parse(role)))
        return cli_usage_error("account add: --role must be admin, central, regional or viewer%s%s%s",
                               role ? " (not '" : "", role ? role : "", role ? "')" : "");
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    char password[1100] = "";
    if (add && read_password(argv[1], password, sizeof password) != 0)
        return cli_usage_error("account add: no password: set AIMAQ_PASSWORD or give it on standard input");
    aq_ctx *ctx = cli_ctx();
    aq_store *store = NULL;
    aq_account sys, made;
    aq_account_system(&sys);
    aq_table *t = NULL;
    rc = aq_store_open(ctx, cli_db_path(db), add ? AQ_STORE_CREATE : list || tokens ? AQ_STORE_READONLY : 0, &store);
    if (rc == AQ_OK && add) {
        rc = aq_ws_account_add(store, &sys, argv[1], password, r, scope, &made);
        if (rc == AQ_OK)
            fprintf(stderr, "account '%s' created: role %s%s%s (id %lld)\n", made.name, aq_role_name(made.role),
                    *made.scope ? ", scope " : "", made.scope, made.id);
    } else if (rc == AQ_OK && (disable || enable)) {
        if ((rc = aq_ws_account_disable(store, &sys, argv[1], disable)) == AQ_OK)
            fprintf(stderr, "account '%s' %s\n", argv[1],
                    disable ? "disabled: its sessions and API tokens have ended" : "enabled");
    } else if (rc == AQ_OK && list) {
        if ((rc = aq_ws_accounts(store, &t)) == AQ_OK)
            rc = cli_write(ctx, t, fmt, output);
    } else if (rc == AQ_OK && revoke) {
        if ((rc = aq_ws_token_revoke(store, &sys, argv[1])) == AQ_OK)
            fprintf(stderr, "API token %s revoked: a request sending it is refused from now on\n", argv[1]);
    } else if (rc == AQ_OK) {
        long long id = npos == 2 ? account_id(store, argv[1]) : 0;
        char tok[65];
        if (id < 0) {
            fprintf(stderr, "aimaq: error: no account '%s' in the store '%s'\n", argv[1], cli_db_path(db));
            aq_store_close(store);
            aq_ctx_free(ctx);
            return AQ_EXIT_INPUT;
        }
        if (tokens) {
            if ((rc = aq_ws_tokens(store, &sys, id, &t)) == AQ_OK)
                rc = cli_write(ctx, t, fmt, output);
        } else if ((rc = aq_ws_token_new(store, &sys, id, label, tok)) == AQ_OK) {
            printf("%s\n", tok);
            fprintf(stderr, "API token for '%s' (shown once; send it as 'Authorization: Bearer TOKEN')\n", argv[1]);
        }
    }
    memset(password, 0, sizeof password);
    aq_table_free(t);
    aq_store_close(store);
    if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
