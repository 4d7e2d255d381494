/*
 * serve.h -- what the `aimaq serve` command needs of the server: its
 * configuration and the call that runs it. The rest is server/srv.h.
 */
#ifndef AQ_SERVE_H
#define AQ_SERVE_H

#include <stdbool.h>

/* What `aimaq serve` was asked to do. */
typedef struct srv_config {
    const char *db;       /* store path                                    */
    const char *listen;   /* "127.0.0.1:8080"                              */
    const char *spool;    /* directory for uploads in progress             */
    int threads;          /* worker threads                                */
    bool secure_cookies;  /* add the Secure attribute (behind TLS)         */
    const char *log_path; /* access log, or NULL = stderr                  */
    const char *trusted_proxy; /* "ADDR[,ADDR]": peers whose X-Forwarded-For
                                  names the client, or NULL               */
    int per_address;      /* connections one address may hold (0 = any)   */
    int header_timeout;   /* seconds a request's headers may take in all   */
    long max_results;     /* results kept per account: 0 = the default
                             (AQ_WS_RESULTS_CAP), -1 = no cap             */
    unsigned long long sheet_max_bytes, sheet_max_cells; /* bounds on an
                             uploaded spreadsheet; 0 = srv.h's defaults   */
} srv_config;

/* Runs the server until SIGINT or SIGTERM. Returns 0, or an exit code
 * (cli.h) after printing why it could not start. */
int srv_run(const srv_config *cfg);

#endif
