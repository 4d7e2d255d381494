/*
 * aimaq.h -- the public API of the aimaq territorial-analysis library.
 *
 * This header is the manual. Every function documents its parameters,
 * return codes and who owns what it hands back.
 *
 * Conventions (they hold for every function below unless it says otherwise):
 *  - Everything that can fail takes an aq_ctx and returns an int: AQ_OK (0)
 *    on success or one of the AQ_E* codes. The human-readable reason is left
 *    on the context (aq_errmsg) and names the file, row, column or field and
 *    what was expected.
 *  - Results come back through out-parameters. A failed call leaves its
 *    out-parameters and the objects it was given unchanged.
 *  - Functions named _new/_open create objects the caller owns and releases
 *    with the matching _free/_close; _free and _close accept NULL. Functions
 *    named _get or returning `const` pointers lend memory owned by the object
 *    they were called on, valid until that object is changed or freed.
 *  - The library never prints and never exits. Warnings go to the context's
 *    warning callback (by default they are dropped).
 *  - Strings are UTF-8.
 *
 * Linking: `cmake --install` puts libaimaq.so (SONAME libaimaq.so.0, the
 * public aq_ names only), libaimaq.a, these headers and aimaq.pc in place;
 * build with `cc prog.c $(pkg-config --cflags --libs aimaq)`. examples/c/
 * has two small programs. The headers compile as C11 and as C++.
 */
#ifndef AIMAQ_H
#define AIMAQ_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AQ_VERSION "0.1.0"

/* ---------------------------------------------------------------------
 * Return codes. Only ever appended to.
 * ------------------------------------------------------------------- */
enum {
    AQ_OK = 0,
    AQ_EINPUT = 1,    /* bad input data: the message says where and why    */
    AQ_EIO = 2,       /* a file could not be opened, read or written        */
    AQ_ENOMEM = 3,    /* an allocation failed                               */
    AQ_ESTORE = 4,    /* the store refused an operation (locked, corrupt)   */
    AQ_ENOTFOUND = 5, /* a named unit, indicator, column or layer is absent */
    AQ_EUSAGE = 6,    /* the caller passed invalid arguments                */
    AQ_EINTERNAL = 7, /* a bug in aimaq                                     */
    AQ_EDENIED = 8,   /* refused: the account's role or territorial scope
                         does not allow it, or a login was refused        */
    AQ_ELIMIT = 9     /* the input is larger than a bound set on the
                         context (a spreadsheet's unpacked size or cells) */
};

/* ---------------------------------------------------------------------
 * Context: error state, warning sink, thread count. One per thread of use.
 * ------------------------------------------------------------------- */
typedef struct aq_ctx aq_ctx;

/* Creates a context. Returns NULL only when memory is exhausted. */
aq_ctx *aq_ctx_new(void);
/* Releases a context. NULL is accepted. */
void aq_ctx_free(aq_ctx *ctx);

/* The message of the last failed call on this context, or "" if none.
 * Borrowed: valid until the next call that fails on this context. */
const char *aq_errmsg(const aq_ctx *ctx);
/* The code of the last failed call, or AQ_OK. */
int aq_errcode(const aq_ctx *ctx);
/* Forgets the last error. */
void aq_clear_error(aq_ctx *ctx);

/* Receives one warning (a complete sentence, without a newline). */
typedef void (*aq_warning_fn)(void *user, const char *message);
/* Installs a warning callback; NULL restores the default (drop). */
void aq_ctx_set_warning_fn(aq_ctx *ctx, aq_warning_fn fn, void *user);

/* Receives progress of long work: DONE of TOTAL units of WHAT (TOTAL 0 when
 * unknown). Called from the calling thread only, at most every few thousand
 * rows, so it may print. */
typedef void (*aq_progress_fn)(void *user, const char *what, size_t done, size_t total);
/* Installs a progress callback; NULL removes it. */
void aq_ctx_set_progress_fn(aq_ctx *ctx, aq_progress_fn fn, void *user);

/* Number of threads parallel kernels may use; 0 means all cores. */
void aq_ctx_set_threads(aq_ctx *ctx, int nthreads);
/* The thread count set on the context (0 = all cores). */
int aq_ctx_threads(const aq_ctx *ctx);

/* Bounds on a spreadsheet (XLSX, ODS) read from a file, checked before
 * GDAL unpacks it, since a small workbook can unpack to gigabytes ("zip
 * bomb") and GDAL holds a whole sheet in memory: MAX_BYTES is the most its
 * archive may unpack to, MAX_CELLS the most cells its sheets may span
 * (rows x columns of each sheet's used range, up to its last filled cell,
 * plus the shared strings). 0 keeps the default (AQ_SHEET_MAX_BYTES,
 * AQ_SHEET_MAX_CELLS). A file past a bound is refused with AQ_ELIMIT. */
#define AQ_SHEET_MAX_BYTES ((uint64_t)1 << 30)  /* 1 GiB unpacked          */
#define AQ_SHEET_MAX_CELLS ((uint64_t)1 << 24)  /* 16,777,216 cells        */
void aq_ctx_set_sheet_limits(aq_ctx *ctx, uint64_t max_bytes, uint64_t max_cells);

/* Test hook: makes the n-th allocation from now fail (n >= 1), or disables
 * failure injection with n = 0. Process-wide; for tests only. */
void aq_debug_fail_alloc_after(long n);

/* ---------------------------------------------------------------------
 * Tables: columns of numbers or text, read from any supported file.
 * ------------------------------------------------------------------- */
typedef struct aq_table aq_table;

enum aq_coltype { AQ_COL_NUMBER = 1, AQ_COL_TEXT = 2 };

/* How a file is read. Initialise with aq_read_opts_init and set fields. */
typedef struct aq_read_opts {
    const char *layer;       /* layer or sheet name; NULL = the first       */
    const char *encoding;    /* source encoding of a non-UTF-8 text file,
                                e.g. "CP1251", "KZ-1048"; NULL = UTF-8 only,
                                anything else is refused with a message     */
    char delimiter;          /* ',', ';', '\t'; 0 = detect                  */
    char decimal;            /* '.' or ','; 0 = detect per column           */
    const char *const *text_columns; /* NULL-terminated names always read
                                as text (codes); NULL = the defaults: code,
                                id, kato, and every column named *_code     */
    const char *const *columns; /* NULL-terminated names of the only columns
                                to keep, in this order (others are skipped,
                                saving memory); NULL = all. A name absent
                                from the file is AQ_ENOTFOUND. Delimited
                                text only for now; other formats keep all. */
    const char *const *optional_columns; /* with columns: NULL-terminated
                                names also kept, after them, when the file
                                has them (labels such as code or name)     */
    size_t header_row;       /* the 1-based row (line) holding the column
                                names; 0 = found in a spreadsheet (below
                                title and blank rows, docs/import.md), the
                                first line of delimited text               */
    size_t skip_rows;        /* rows (lines) at the top to ignore before
                                looking for the header; 0 = none           */
} aq_read_opts;

/* Sets every field of OPTS to its default (all NULL / 0). */
void aq_read_opts_init(aq_read_opts *opts);

/* Reads a whole table from PATH. Delimited text (.csv, .tsv, .txt) is read
 * by aimaq's own parser (fast, decimal commas, thousands separators);
 * XLSX, XLS, ODS, GeoJSON, Shapefile, GeoPackage, FlatGeobuf and OSM are
 * read through GDAL, each only by the driver its extension names (a GDAL
 * VRT or any file naming other sources is refused; no network access).
 * XLSX and ODS are first checked against the context's spreadsheet bounds
 * (aq_ctx_set_sheet_limits). PATH must be a regular file (a FIFO or a
 * device is refused). Columns whose every non-missing value
 * is a number become AQ_COL_NUMBER, others AQ_COL_TEXT. Missing numbers are
 * NaN; the tokens "", "NA", "N/A", "n/a", "-", "..", "...", "…", "x" and
 * "null" are missing. opts may be NULL for defaults.
 * Returns AQ_OK, AQ_EIO (cannot open, not a regular file), AQ_EINPUT
 * (malformed: the message names file, line and column; an extension aimaq
 * does not read; content that is not the extension's format), AQ_ELIMIT (a
 * spreadsheet past the bounds), AQ_ENOTFOUND (layer), AQ_ENOMEM. */
int aq_table_read(aq_ctx *ctx, const char *path, const aq_read_opts *opts,
                  aq_table **out);

/* Creates an empty table with no columns and NROWS rows. */
int aq_table_new(aq_ctx *ctx, size_t nrows, aq_table **out);
/* Releases a table and everything it owns. NULL is accepted. */
void aq_table_free(aq_table *t);

/* Appends a column of the given type, all values missing. Its index is
 * stored in *col (may be NULL). Fails with AQ_EUSAGE on a duplicate name. */
int aq_table_add_column(aq_ctx *ctx, aq_table *t, const char *name,
                        enum aq_coltype type, size_t *col);
/* Sets one value. Setting a number on a text column, or the reverse, is
 * AQ_EUSAGE. A NULL string is a missing value. The string is copied. */
int aq_table_set_number(aq_ctx *ctx, aq_table *t, size_t col, size_t row,
                        double value);
/* Sets a text cell (copied); NULL makes it missing. */
int aq_table_set_text(aq_ctx *ctx, aq_table *t, size_t col, size_t row,
                      const char *value);

/* Number of rows and of columns. */
size_t aq_table_nrows(const aq_table *t);
size_t aq_table_ncols(const aq_table *t);
/* Name of column COL; NULL if out of range. Borrowed. */
const char *aq_table_colname(const aq_table *t, size_t col);
/* Type of column COL; 0 if out of range. */
int aq_table_coltype(const aq_table *t, size_t col);
/* Index of the column named NAME (exact match, then ASCII case-insensitive),
 * or -1. */
long aq_table_find(const aq_table *t, const char *name);
/* Finds the number column NAME for an analysis: *values (borrowed) gets its
 * nrows values. Returns AQ_OK; AQ_ENOTFOUND with a message listing the
 * table's columns; AQ_EINPUT when the column holds text (the message quotes
 * the first value and its line). */
int aq_table_number_column(aq_ctx *ctx, const aq_table *t, const char *name, const double **values);
/* The values of a number column (NaN = missing), nrows long; NULL for a
 * text column. Borrowed. */
const double *aq_table_numbers(const aq_table *t, size_t col);
/* The value of a text cell, or NULL when missing or when COL is a number
 * column. Borrowed. */
const char *aq_table_text(const aq_table *t, size_t col, size_t row);
/* Writes a cell as text whatever its column type (numbers with up to 15
 * significant digits) into buf; returns buf, or "" for a missing value. */
const char *aq_table_cell(const aq_table *t, size_t col, size_t row,
                          char *buf, size_t bufsize);
/* The file the table was read from, or NULL. Borrowed. */
const char *aq_table_source(const aq_table *t);
/* The line (1-based, header = 1) or feature number of ROW in its source
 * file, for messages; row + 2 for tables not read from a file. */
size_t aq_table_source_line(const aq_table *t, size_t row);
/* Geometry of ROW as ISO WKB, or NULL (and *len = 0) if none. Borrowed. */
const unsigned char *aq_table_geometry(const aq_table *t, size_t row,
                                       size_t *len);
/* The coordinate reference system of the geometries ("EPSG:4326" when it
 * has an authority code, else WKT), or NULL. Borrowed. */
const char *aq_table_crs(const aq_table *t);
/* Attaches a geometry (copied) to ROW and the CRS (copied) to the table. */
int aq_table_set_geometry(aq_ctx *ctx, aq_table *t, size_t row,
                          const unsigned char *wkb, size_t len,
                          const char *crs);

/* Gives each row whose number columns LON and LAT hold a longitude and a
 * latitude in degrees (finite, within +-180 and +-90) a point geometry in
 * EPSG:4326, replacing any it had; other rows keep theirs. *MADE (may be
 * NULL) gets the number of points made. Returns AQ_OK, AQ_ENOTFOUND (no
 * such column), AQ_EINPUT (a text column), AQ_ENOMEM. */
int aq_table_points_from_lonlat(aq_ctx *ctx, aq_table *t, const char *lon, const char *lat, size_t *made);

/* Why a cell of a number column holds no value. Statistics offices mark
 * the cells they leave blank: the Bureau of National Statistics writes x
 * for a figure withheld as confidential, - (or a dash) where there is no
 * such value, ... or н/д where the figure is not available. A cell whose
 * text is neither a number nor a marker, in a column of numbers, is bad:
 * a typo ('78800O') that an import rejects, never a reason to read the
 * whole column as text. */
enum aq_cell_flag {
    AQ_CELL_EMPTY = 1,      /* nothing in the cell                         */
    AQ_CELL_CONFIDENTIAL,   /* x, X, х: withheld                            */
    AQ_CELL_ABSENT,         /* -, --, en or em dash, minus sign: no value   */
    AQ_CELL_UNAVAILABLE,    /* ..., .., н/д, NA, N/A, null, NaN, #N/A       */
    AQ_CELL_BAD             /* text that is not a number                    */
};
/* One cell of a number column that holds a marker or bad text (its value
 * is NaN). Empty cells are not listed: they are the NaNs without a note. */
typedef struct aq_cell_note {
    size_t row, col;
    int flag;               /* enum aq_cell_flag, never AQ_CELL_EMPTY      */
    const char *text;       /* the cell's text as found; borrowed          */
} aq_cell_note;
/* The notes of the table's number columns in row, then column order;
 * *n gets their count (NULL when none). Set by the readers; borrowed. */
const aq_cell_note *aq_table_notes(const aq_table *t, size_t *n);
/* "empty", "confidential", "absent", "unavailable", "bad", or NULL. */
const char *aq_cell_flag_name(int flag);

/* Formats for aq_table_write. */
enum aq_format {
    AQ_FMT_AUTO = 0, /* from the file name's extension */
    AQ_FMT_CSV,
    AQ_FMT_JSON,     /* an array of objects, one per row */
    AQ_FMT_GEOJSON,
    AQ_FMT_GPKG,
    AQ_FMT_XLSX,
    AQ_FMT_TEXT      /* aligned columns for people */
};

/* Writes the table to PATH ("-" = standard output for CSV, JSON and text).
 * GeoJSON and GeoPackage carry the geometries. LAYER names the layer or
 * sheet (NULL = "data"). Returns AQ_OK, AQ_EIO, AQ_EUSAGE. */
int aq_table_write(aq_ctx *ctx, const aq_table *t, const char *path,
                   enum aq_format fmt, const char *layer);
/* The table as compact JSON text, an array of objects as AQ_FMT_JSON
 * writes (missing values are null). *TEXT is the caller's (aq_free).
 * Returns AQ_OK or AQ_ENOMEM. */
int aq_table_json(aq_ctx *ctx, const aq_table *t, char **text);

/* Writes into BUF the shortest text that strtod reads back as V (24.9524,
 * not 24.952399999999997), laid out as printf's %.15g (or %.16g, %.17g when
 * that many digits are needed) would: "-0", "1e+16", "6.5e-05", "inf",
 * "nan". Returns its length (at most 24). Every CSV and JSON number aimaq
 * writes goes through it. */
int aq_format_double(double v, char buf[32]);
struct json_t;
/* A jansson value as text, laid out as json_dumps(J, FLAGS) would
 * (JSON_INDENT(n), JSON_COMPACT, JSON_SORT_KEYS) but with reals written by
 * aq_format_double. The caller frees the text (aq_free); NULL when out of
 * memory. Every JSON document the tool and the server build goes through
 * it. */
char *aq_json_text(const struct json_t *j, size_t flags);
/* Parses "csv", "json", "geojson", "gpkg", "xlsx", "table"/"text". */
int aq_format_parse(const char *name, enum aq_format *out);

/* ---------------------------------------------------------------------
 * Numbers in the formats statistics offices publish.
 * ------------------------------------------------------------------- */

/* Parses a number such as "1 234,5", "1,234.5", "-3.2e4", "12%"-free
 * plain text. DECIMAL is '.' or ','; the other of the two, spaces, U+00A0,
 * U+202F and apostrophes are thousands separators only between groups of
 * three digits. Returns 1 and sets *out on success, 0 if S is not a number. */
int aq_parse_number(const char *s, size_t len, char decimal, double *out);

/* Parses one number typed by a person, whose decimal mark is not known
 * ("2 917,9", "2917.9", "1 234 567"): S is read with either mark. Where
 * both readings succeed and differ ("1,234" is 1.234 or 1234), DECIMAL
 * ('.' or ',', the convention of the person's language) decides; with
 * DECIMAL 0 such text is ambiguous. Returns 1 and sets *out, 0 if S is not
 * a number, -1 if it is ambiguous (*out unchanged). */
int aq_parse_number_typed(const char *s, size_t len, char decimal, double *out);

/* ---------------------------------------------------------------------
 * Names: normalisation and transliteration for matching Kazakh, Russian
 * and English names.
 * ------------------------------------------------------------------- */

/* Normalises NAME into a matching key: Unicode NFC, case folding that knows
 * the Kazakh letters, Latin look-alikes inside Cyrillic words folded to
 * Cyrillic (and the reverse), quotes, dashes and spaces unified and
 * collapsed, leading/trailing space trimmed. The key is for comparison,
 * not display. *out is allocated; free it with aq_free.
 * If changes is non-NULL it receives the number of look-alike letters that
 * were folded into the other script (0 if none). */
int aq_name_key(aq_ctx *ctx, const char *name, char **out, int *changes);

/* Transliterates Kazakh (or Russian) Cyrillic to the 2021 Kazakh Latin
 * alphabet, keeping case. *out is allocated; free it with aq_free. */
int aq_translit_latin(aq_ctx *ctx, const char *name, char **out);

/* Frees memory the library allocated for the caller. NULL is accepted. */
void aq_free(void *p);

/* ---------------------------------------------------------------------
 * The store: territorial units, indicators, observations, datasets.
 * SQLite (a file) is the embedded default.
 * ------------------------------------------------------------------- */
typedef struct aq_store aq_store;

enum {
    AQ_STORE_READONLY = 1, /* open an existing store for reading only   */
    AQ_STORE_CREATE = 2    /* create the file and schema if absent      */
};

/* Opens (and, with AQ_STORE_CREATE, creates or migrates) the store at PATH:
 * a SQLite file, or a PostgreSQL database given as a connection URI
 * (postgresql://user@host/dbname or postgres://...; the first writing
 * call creates the schema in an empty database; docs/postgresql.md).
 * The store reports every later failure on CTX, the context it was opened
 * with: CTX must outlive the store, and the store and CTX belong to one
 * thread at a time (open one store per thread, as the server does per
 * worker). Returns AQ_OK, AQ_EIO (cannot open, or the server cannot be
 * reached), AQ_ESTORE (not an aimaq store, or a newer schema than this
 * library knows). */
int aq_store_open(aq_ctx *ctx, const char *path, int flags, aq_store **out);
/* Closes the store (an import in progress was already committed or rolled
 * back by its call). NULL is accepted. */
void aq_store_close(aq_store *s);
/* The schema version the open store has. */
int aq_store_schema_version(const aq_store *s);

/* How a table becomes units and observations. */
typedef struct aq_import_opts {
    aq_read_opts read;       /* how to read the file                      */
    const char *mapping;     /* YAML mapping file, or NULL for defaults   */
    const char *dataset;     /* dataset name; NULL = the file's base name */
    const char *period;      /* period for tables without one, or NULL    */
    const char *indicator;   /* indicator of a table with a year per column
                                (columns 2008, 2009, ...); NULL = the
                                mapping's, else the file's base name      */
    const char *user;        /* who imports; NULL = $USER                 */
    const char *classifier;  /* classifier edition of new unit codes
                                (e.g. "NK RK 11-2025"), or NULL           */
    int skip_bad_rows;       /* 1: import good rows, write rejects        */
    const char *rejects_path;/* where rejected rows go (CSV) when skipping */
    size_t batch_rows;       /* read a delimited file in batches of this many
                                rows (bounded memory); 0 = automatic: files
                                over 256 MB in batches of 1,000,000 rows.
                                The import stays one transaction.          */
    int pending;             /* 1: a submission awaiting approval: the values
                                are checked and kept in pending_observations,
                                and no selection sees them until aq_ws_decide
                                approves them. Values only: files that add or
                                change units, links, indicators or geometries
                                are refused. Set by aq_ws_submit_file, which
                                also records the submission; set directly,
                                nothing could ever approve the dataset.     */
    const char *scope;       /* comma-separated unit codes: every unit the
                                file touches must be one of them or under
                                one (AQ_EDENIED otherwise, naming the
                                units); NULL = no restriction. Also set by
                                aq_ws_submit_file (a regional editor's).   */
    int again;               /* 1: import a file whose SHA-256 the store
                                already has (a dataset of it); 0 = refuse
                                it with AQ_EINPUT naming that dataset       */
} aq_import_opts;

/* Sets every field of OPTS to its default: read options as
 * aq_read_opts_init, everything else NULL / 0. */
void aq_import_opts_init(aq_import_opts *opts);

/* What an import did with one column of the file. */
typedef struct aq_import_column {
    char *name;
    char *role;              /* "values" (a wide table's indicator, or
                                period, column), or the role ("code",
                                "period", "value", "name_ru", ...); NULL
                                when left out                             */
    char *left_out;          /* why it is not imported: "text" (most of its
                                values are not numbers), "empty" (no value
                                at all), "ignored" (the mapping says so) or
                                "unmapped" (a number column this shape of
                                table has no use for); NULL when imported */
    size_t values;           /* values it gave                            */
    size_t cells[AQ_CELL_BAD + 1]; /* its cells without a value, by enum
                                aq_cell_flag: [AQ_CELL_EMPTY] empty, ...,
                                [AQ_CELL_BAD] rejected (not a number)      */
} aq_import_column;

/* What an import did. Strings are owned by the result; release it with
 * aq_import_result_clear. */
typedef struct aq_import_result {
    long long dataset_id;
    size_t rows_read, rows_accepted, rows_rejected;
    size_t units_added, units_updated, indicators_added, observations;
    char *shape;             /* "units", "wide" or "long"                 */
    char *defaults;          /* the column roles chosen, for the report   */
    char *checksum;          /* SHA-256 of the file, hex                  */
    size_t cells_rejected;   /* bad cells (text in a number column): each
                                one fails the import unless skip_bad_rows,
                                which keeps the row's other values         */
    size_t missing;          /* marked cells (x, -, ..., н/д) stored in
                                missing_values with their reason           */
    aq_import_column *columns; /* every column of the file, in its order  */
    size_t ncolumns;
    size_t units_by_name;    /* rows whose unit was found by its name     */
    char *measure;           /* unit of measure the sheet gives, or NULL  */
    char *notes;             /* footnotes below the table, or NULL        */
} aq_import_result;

/* Frees the strings of R and zeroes it. */
void aq_import_result_clear(aq_import_result *r);

/* Imports PATH as one dataset in one transaction: all of it or nothing.
 * Every rejected row is described in the error message (file, row, column,
 * reason, up to 20 of them, then a count) and the store is left unchanged,
 * unless opts->skip_bad_rows is set. Returns AQ_OK, AQ_EINPUT, AQ_EIO,
 * AQ_ESTORE, AQ_ENOMEM. */
int aq_store_import(aq_store *s, const char *path, const aq_import_opts *opts,
                    aq_import_result *result);

/* A selection of observations from the store. */
typedef struct aq_selection {
    const char *const *indicators; /* NULL-terminated codes; NULL = all   */
    const char *level;             /* unit level, or NULL = every level   */
    const char *period;            /* one period, or NULL = every period  */
    const char *under;             /* only units under this code, or NULL */
    long long max_dataset;         /* only datasets with id <= this (a
                                      result's horizon, to reproduce it),
                                      and the units as they were then;
                                      0 = all, the units as they are     */
} aq_selection;

/* Reads a selection as a table with columns code, name_kk, name_ru,
 * name_en, parent, level, period and one number column per indicator; one
 * row per unit and period, values from the newest dataset that has them.
 * With max_dataset, "under", the levels, names, parents and geometries are
 * those the units had when that dataset was the newest (the store keeps
 * each unit's history), so a recorded result recomputes exactly.
 * Returns AQ_OK, AQ_ENOTFOUND (an unknown indicator or level). */
int aq_store_select(aq_store *s, const aq_selection *sel, aq_table **out);

/* Reads the units as a table: code, parent, level, kind, name_kk, name_ru,
 * name_en, valid_from, valid_to, classifier, with geometries. LEVEL may be
 * NULL for all. */
int aq_store_units(aq_store *s, const char *level, aq_table **out);

/* Lists the datasets: id, name, source, checksum, imported_at, imported_by,
 * rows_accepted, rows_rejected. */
int aq_store_datasets(aq_store *s, aq_table **out);

/* Lists the indicators: code, name_kk, name_ru, name_en, unit, direction,
 * description, source. */
int aq_store_indicators(aq_store *s, aq_table **out);
/* The cells the imported files marked as having no value, one row each:
 * unit, indicator, period, reason ("confidential", "absent",
 * "unavailable"), the marker as written (x, -, ..., н/д) and the dataset,
 * of live datasets, in indicator, period and unit order. */
int aq_store_missing(aq_store *s, aq_table **out);

/* Records that FROM_CODE passed SHARE (0..1) of its population to TO_CODE
 * on DATE (YYYY or YYYY-MM-DD), e.g. a split or a merge. One transaction. */
int aq_store_link_units(aq_store *s, const char *from_code,
                        const char *to_code, const char *date, double share);

/* Converts the values of INDICATOR for PERIOD onto the territorial basis of
 * the units valid at DATE: a unit that was split sends SHARE of its value
 * to each successor (for counts; pass additive = 0 for rates, which then
 * carry over unchanged to each successor). The result has columns code,
 * value. */
int aq_store_rebase(aq_store *s, const char *indicator, const char *period,
                    const char *date, int additive, aq_table **out);

/* ---------------------------------------------------------------------
 * Data checks.
 * ------------------------------------------------------------------- */

enum aq_severity { AQ_SEV_WARNING = 1, AQ_SEV_ERROR = 2 };

/* One finding: which unit, indicator and value, and why. */
typedef struct aq_finding {
    enum aq_severity severity;
    const char *check;     /* short id: "duplicate-code", "orphan", ... */
    const char *unit;      /* unit code, or NULL                        */
    const char *indicator; /* indicator code or column, or NULL         */
    const char *period;    /* period, or NULL                           */
    double value;          /* the value concerned, or NaN               */
    size_t line;           /* source line, or 0                         */
    const char *message;   /* why, as a sentence                        */
} aq_finding;

typedef struct aq_findings aq_findings;

/* Checks a table read from a file. Column roles are found as import does
 * (code, parent, level, period, numeric indicators). */
int aq_check_table(aq_ctx *ctx, const aq_table *t, aq_findings **out);
/* Checks the whole store. */
int aq_check_store(aq_store *s, aq_findings **out);

/* Number of findings, and finding I (borrowed; NULL when out of range). */
size_t aq_findings_count(const aq_findings *f);
const aq_finding *aq_findings_get(const aq_findings *f, size_t i);
/* Number of findings of severity AQ_SEV_ERROR. */
size_t aq_findings_errors(const aq_findings *f);
/* Releases the findings and their strings. NULL is accepted. */
void aq_findings_free(aq_findings *f);

/* ---------------------------------------------------------------------
 * Matching rows of a table to the store's units.
 * ------------------------------------------------------------------- */

/* How rows are matched to units. Initialise with aq_match_opts_init. */
typedef struct aq_match_opts {
    const char *level;        /* level of the units to match to (required)  */
    const char *within;       /* level whose polygons contain each row's
                                 point: the match is sought among that
                                 unit's descendants (e.g. "region"), or NULL */
    const char *parent_column;/* column holding the parent unit's code, or
                                 NULL for the default (parent, parent_code)  */
    const char *name_column;  /* the one column of names, or NULL for the
                                 defaults (name, name_kk, name:kk, ...)      */
    const char *code_column;  /* the column of unit codes, or NULL for the
                                 defaults (code, kato)                       */
    const aq_table *renames;  /* a rename list (columns code and old_name):
                                 each old name matches the unit of that code
                                 (method "renamed"), or NULL                 */
} aq_match_opts;

/* Sets every field of OPTS to NULL. */
void aq_match_opts_init(aq_match_opts *opts);

/* Matches each row of T to a unit of opts->level: by code when the table
 * has a code column and the code is a unit of that level; else by name
 * (opts->name_column, or the columns name, name_kk, name:kk, name_ru,
 * name:ru, name_en, name:en), restricted to the descendants of the row's
 * parent (a parent code column, or the unit of opts->within whose polygon
 * contains the row's point, or for a polygon a point inside it).
 * Names are compared by their strict key (aq_name_key) first, then by the
 * loose key (keyboard fallbacks and administrative words such as "с." and
 * "ауданы" ignored) and by transliteration, then by the romanisation key
 * (every common romanisation of Russian and Kazakh folded with Cyrillic to
 * one skeleton), then by its stem (Russian adjectival endings such as
 * "-ский"/"-skiy" cut), then, within a parent, by edit distance on the
 * romanisation key (a unique nearest unit, one letter off from 8 letters,
 * two from 12). A name marked as a city ("г.", "қ.", "Қ.Ә.", "қаласы")
 * never matches a unit of kind district. The result has one row per input
 * row, with its geometry: every column of T (one named like a column below
 * becomes input_NAME), then row, input_name, parent, code, matched_name,
 * method ("code", "name", "loose", "roman", "stem", "fuzzy", "renamed"),
 * status ("matched", "unmatched", "ambiguous") and candidates (codes of the
 * ambiguous units; for fuzzy and unmatched rows the nearest units within a
 * parent as code~distance).
 * Returns AQ_OK, AQ_ENOTFOUND (unknown level), AQ_EINPUT (no name column,
 * a named column missing, a rename list's code not in the store). */
int aq_match(aq_store *s, const aq_table *t, const aq_match_opts *opts, aq_table **out);

#ifdef __cplusplus
}
#endif
#endif /* AIMAQ_H */
