/*
 * cmd_serve.c -- `aimaq serve`: the shared workspace over HTTP (JSON API
 * and dashboard). The server itself is in server/; this file reads the
 * options.
 */
#include "cli.h"
#include "serve.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_serve = {
    "serve", "run the shared workspace: JSON API and dashboard over HTTP",
    "aimaq serve [--db STORE] [--listen 127.0.0.1:8080] [--trusted-proxy ADDR[,ADDR]]",
    "Serves the store to a team: the dashboard (map, tables, submissions,\n"
    "language switch) at /, and the JSON API at /api/ (docs/server.md). Every\n"
    "request except the login needs an account: create the first one with\n"
    "`aimaq account add`. Regional editors' uploads and edits wait for a central\n"
    "analyst's approval; every change is in the audit log. Uploads in progress\n"
    "are spooled in DB.uploads/ (a killed server leaves the store untouched;\n"
    "for a PostgreSQL store, NAME.uploads/ in the working directory, NAME\n"
    "being the database's).\n"
    "Behind a TLS proxy, name it with --trusted-proxy: only then is its\n"
    "X-Forwarded-For believed, and logins back off per real client address.\n"
    "Stops cleanly on Ctrl-C or SIGTERM.\n\n"
    "examples:\n"
    "  AIMAQ_PASSWORD=... aimaq account add admin --role admin --db kz.db\n"
    "  aimaq serve --db kz.db --listen 127.0.0.1:8080\n"
    "  aimaq serve --db 'postgresql://aimaq@db.example.kz/kz' --spool /var/spool/aimaq\n"
    "  curl -s -H 'Authorization: Bearer TOKEN' 'http://127.0.0.1:8080/api/units?level=region'",
    run};

/* The default spool of a PostgreSQL store: NAME.uploads in the working
 * directory, NAME the database's name in the URI (its characters other
 * than letters, digits, - and _ as _), or "aimaq" when the URI names none. */
static void pg_spool(const char *uri, char *buf, size_t size)
{
    const char *rest = strstr(uri, "://") + 3, *slash = strchr(rest, '/');
    size_t n = slash ? strcspn(slash + 1, "?#") : 0;
    if (n == 0 || n > 200) {
        snprintf(buf, size, "aimaq.uploads");
        return;
    }
    snprintf(buf, size, "%.*s.uploads", (int)n, slash + 1);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)buf[i]) && buf[i] != '-' && buf[i] != '_')
            buf[i] = '_';
}

static int run(int argc, char **argv)
{
    const char *db = NULL, *listen = "127.0.0.1:8080", *spool = NULL, *log = NULL;
    long threads = 4, per_address = 64, header_timeout = 20, max_results = 1000, sheet_mb = 0, sheet_cells = 0;
    const char *proxy = NULL;
    int secure = 0;
    cli_option opts[] = {
        {"db", CLI_STRING, &db, "STORE", "the store: a file or a postgresql:// URI (default $AIMAQ_DB or aimaq.db)"},
        {"listen", CLI_STRING, &listen, "HOST:PORT", "address to listen on (default 127.0.0.1:8080)"},
        {"threads", CLI_INT, &threads, "N", "worker threads (default 4)"},
        {"spool", CLI_STRING, &spool, "DIR", "directory for uploads in progress (default DB.uploads, or NAME.uploads)"},
        {"log", CLI_STRING, &log, "FILE", "append the access log to FILE (default standard error)"},
        {"max-results", CLI_INT, &max_results, "N",
         "analysis results kept per account: recording more expires its oldest (default 1000; 0 = no cap)"},
        {"secure-cookies", CLI_FLAG, &secure, NULL, "mark cookies Secure (when a TLS proxy is in front)"},
        {"trusted-proxy", CLI_STRING, &proxy, "ADDR[,ADDR]",
         "proxies (IPv4) whose X-Forwarded-For is believed (default none)"},
        {"connections-per-address", CLI_INT, &per_address, "N",
         "connections one address may hold (default 64; 0 = no limit)"},
        {"header-timeout", CLI_INT, &header_timeout, "SECONDS",
         "seconds a request's headers may take in all (default 20)"},
        {"sheet-max-mb", CLI_INT, &sheet_mb, "MB", "most an uploaded XLSX/ODS may unpack to (default 256 = the upload limit)"},
        {"sheet-max-cells", CLI_INT, &sheet_cells, "N", "most cells an uploaded XLSX/ODS may span (default 4194304; docs/server.md)"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_serve, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 0)
        return cli_usage_error("serve: unexpected argument '%s' (the store is --db STORE)", argv[0]);
    if (threads < 1 || threads > 256)
        return cli_usage_error("serve: --threads must be 1 to 256, not %ld", threads);
    if (sheet_mb < 0 || sheet_mb > (1L << 20) || sheet_cells < 0) /* 0 (not given): the default */
        return cli_usage_error("serve: --sheet-max-mb must be 1 to 1048576 and --sheet-max-cells at least 1");
    if (per_address < 0 || per_address > 4096)
        return cli_usage_error("serve: --connections-per-address must be 0 (no limit) to 4096, not %ld", per_address);
    if (header_timeout < 1 || header_timeout > 3600)
        return cli_usage_error("serve: --header-timeout must be 1 to 3600 seconds, not %ld", header_timeout);
    if (max_results < 0)
        return cli_usage_error("serve: --max-results must be 0 (no cap) or more, not %ld", max_results);
    srv_config cfg = {.db = cli_db_path(db), .listen = listen, .threads = (int)threads, .secure_cookies = secure,
                      .log_path = log, .trusted_proxy = proxy, .per_address = (int)per_address,
                      .header_timeout = (int)header_timeout, .max_results = max_results ? max_results : -1,
                      .sheet_max_bytes = (unsigned long long)sheet_mb << 20,
                      .sheet_max_cells = (unsigned long long)sheet_cells};
    char spool_default[4096];
    if (!spool) {
        if (strstr(cfg.db, "://"))
            pg_spool(cfg.db, spool_default, sizeof spool_default);
        else
            snprintf(spool_default, sizeof spool_default, "%s.uploads", cfg.db);
        spool = spool_default;
    }
    cfg.spool = spool;
    return srv_run(&cfg);
}
