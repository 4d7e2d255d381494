/*
 * cli.h -- what the commands of the `aimaq` tool share: option parsing,
 * input selection (a file or the store), output, exit codes and messages.
 * The tool uses only the public API of aimaq.h.
 */
#ifndef AQ_CLI_H
#define AQ_CLI_H

#include "aimaq.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit codes, documented in `aimaq help` and docs/cli.md. */
enum { AQ_EXIT_OK = 0, AQ_EXIT_USAGE = 1, AQ_EXIT_INPUT = 2, AQ_EXIT_INTERNAL = 3 };

/* ---- options ---- */
enum cli_optkind {
    CLI_FLAG,   /* --name: sets *(int *)target = 1         */
    CLI_STRING, /* --name VALUE: sets *(const char **)target */
    CLI_INT,    /* --name N: sets *(long *)target           */
    CLI_DOUBLE  /* --name X: sets *(double *)target         */
};

typedef struct cli_option {
    const char *name; /* without the dashes; NULL ends the table */
    enum cli_optkind kind;
    void *target;
    const char *arg;  /* how the value is shown in help, e.g. "FILE" */
    const char *help;
} cli_option;

typedef struct cli_command {
    const char *name;
    const char *summary;  /* one line for `aimaq help`              */
    const char *usage;    /* "aimaq import FILE [options]"          */
    const char *details;  /* paragraphs and examples for --help     */
    int (*run)(int argc, char **argv);
} cli_command;

/* Parses argv against OPTS (plus --help). Positional arguments are moved to
 * the front of argv and counted in *npos. Returns -1 to go on, or an exit
 * code to return at once (0 after --help, AQ_EXIT_USAGE on a bad option). */
int cli_parse(const cli_command *cmd, const cli_option *opts, int argc, char **argv,
              int *npos);
void cli_print_help(const cli_command *cmd, const cli_option *opts, FILE *out);

/* ---- input ---- */
/* The options every analysis command has for choosing its input. */
typedef struct cli_input {
    const char *db, *indicator, *level, *period, *under;
    const char *layer, *encoding;
    const char *decimal;                 /* --decimal: "." or ",", or NULL to decide per column */
    const char *const *columns;          /* keep only these columns of a file (NULL = all) */
    const char *const *optional_columns; /* and these when present (labels) */
    long header_row, skip_rows;          /* spreadsheets: where the header is (0 = found) */
    int from_store; /* set by cli_input_load when the store was read */
} cli_input;

/* Appends the input options to an option table (table must have room). */
#define CLI_INPUT_OPTIONS(in)                                                                  \
    {"db", CLI_STRING, &(in).db, "FILE", "read from the store FILE (default $AIMAQ_DB or aimaq.db)"}, \
    {"indicator", CLI_STRING, &(in).indicator, "CODES", "store selection: indicator codes, comma-separated"}, \
    {"level", CLI_STRING, &(in).level, "LEVEL", "store selection: unit level (region, district, ...)"}, \
    {"period", CLI_STRING, &(in).period, "PERIOD", "store selection: one period (2022, 2022-Q1, ...)"}, \
    {"under", CLI_STRING, &(in).under, "CODE", "store selection: only units under CODE"},     \
    {"layer", CLI_STRING, &(in).layer, "NAME", "layer or sheet of the input file"},            \
    {"encoding", CLI_STRING, &(in).encoding, "ENC", "encoding of a non-UTF-8 text file (CP1251, KZ-1048)"}, \
    CLI_DECIMAL_OPTION(in)
/* --decimal, for every command that reads a file. */
#define CLI_DECIMAL_OPTION(in)                                                                 \
    {"decimal", CLI_STRING, &(in).decimal, "C", "decimal mark of a text file: '.' or ',' (default: decided per column)"}

/* The read options of IN's --layer, --encoding and --decimal. */
/* Splits "a,b,c" in place into a NULL-terminated array pointing into COPY
 * (free the array; COPY stays the caller's), NULL when out of memory. */
const char **cli_split_list(char *copy);
void cli_read_opts(const cli_input *in, aq_read_opts *ro);
/* Loads FILE, or (FILE NULL) the selection from the store. */
int cli_input_load(aq_ctx *ctx, cli_input *in, const char *file, aq_table **out);
/* The store path: --db, else $AIMAQ_DB, else "aimaq.db". */
const char *cli_db_path(const char *db);

/* ---- output ---- */
/* Parses --format (default "table"), reporting a usage error. */
int cli_format(const char *name, enum aq_format *out);
/* Writes T to OUTPUT (NULL or "-" = stdout) in FMT. */
int cli_write(aq_ctx *ctx, const aq_table *t, enum aq_format fmt, const char *output);

/* ---- messages ---- */
/* Prints "aimaq: error: <message>" and returns the exit code for rc. */
int cli_fail(aq_ctx *ctx, int rc);
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Creates a context whose warnings go to stderr. */
aq_ctx *cli_ctx(void);
int cli_exit_code(int rc);

/* ---- languages ---- */
/* Looks up a label by key in LANG ("kk", "ru", "en"); falls back to English,
 * then to the key itself. */
const char *cli_label(const char *lang, const char *key);
/* Validates --lang; NULL means the default "en". */
int cli_lang(const char *name, const char **out);

/* ---- progress ---- */
/* A progress bar on stderr, only when stderr is a terminal. */
typedef struct cli_progress cli_progress;
cli_progress *cli_progress_start(const char *what, size_t total);
void cli_progress_update(cli_progress *p, size_t done);
void cli_progress_end(cli_progress *p);
/* An aq_progress_fn whose user pointer is a cli_progress (or NULL). */
void cli_progress_fn(void *user, const char *what, size_t done, size_t total);

/* The command table (main.c). */
extern const cli_command *const cli_commands[];

#endif
