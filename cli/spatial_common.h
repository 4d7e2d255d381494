/*
 * spatial_common.h -- what the spatial commands (weights, moran, geary,
 * getis, lisa, local-g, spmarkov) share: their options, loading the input,
 * building weights from a --weights SPEC, reading a value column, and
 * writing JSON objects.
 */
#ifndef AQ_CLI_SPATIAL_COMMON_H
#define AQ_CLI_SPATIAL_COMMON_H

#include "aimaq_spatial.h"
#include "cli.h"

typedef struct sp_opts {
    cli_input in;
    const char *id;      /* id column                                   */
    const char *weights; /* SPEC                                        */
    const char *style;   /* O B W C V                                   */
    const char *xcol, *ycol, *metric;
    double snap;
    long order;          /* higher order, 0 = none                      */
    long permutations, seed;
    const char *output, *format;
    int skip_missing_geometry; /* leave out rows without a geometry     */
} sp_opts;

/* Fills defaults: 999 permutations, seed 12345. */
void sp_opts_init(sp_opts *o);

#define SP_WEIGHTS_HELP                                                                          \
    "queen, rook (polygons), knn:K, band:D, idw:D[:ALPHA], kernel:FN:BW or kernel:FN:kK "       \
    "(FN triangular, uniform, quadratic, quartic, gaussian), block:COL, FILE.gal, FILE.gwt"

/* The options shared by every spatial command (the table needs room). */
#define SP_OPTIONS(o)                                                                            \
    {"id", CLI_STRING, &(o).id, "COL", "column of unit ids (matches GAL/GWT ids; shown in output)"}, \
    {"weights", CLI_STRING, &(o).weights, "SPEC", SP_WEIGHTS_HELP},                              \
    {"style", CLI_STRING, &(o).style, "S", "weights style: W row-standardised, B binary, C global, V variance-stabilising, O original"}, \
    {"order", CLI_INT, &(o).order, "K", "use neighbours of order K (higher-order contiguity)"},   \
    {"snap", CLI_DOUBLE, &(o).snap, "D", "contiguity: vertices closer than D (CRS units) are shared"}, \
    {"x", CLI_STRING, &(o).xcol, "COL", "x or longitude column for point weights (default: geometry)"}, \
    {"y", CLI_STRING, &(o).ycol, "COL", "y or latitude column for point weights"},               \
    {"metric", CLI_STRING, &(o).metric, "M", "planar or sphere (great-circle km); default from the CRS"}, \
    {"output", CLI_STRING, &(o).output, "FILE", "write to FILE instead of standard output"},      \
    {"format", CLI_STRING, &(o).format, "F", "table, csv, json, geojson or gpkg (default from --output)"}, \
    {"skip-missing-geometry", CLI_FLAG, &(o).skip_missing_geometry, NULL, "leave out, with a note, the units without a boundary or point (else they stop the command)"}, \
    CLI_INPUT_OPTIONS((o).in)

#define SP_PERM_OPTIONS(o)                                                                       \
    {"permutations", CLI_INT, &(o).permutations, "N", "random permutations for p_sim (default 999)"}, \
    {"seed", CLI_INT, &(o).seed, "S", "seed of the permutations (default 12345)"}

/* Prints "aimaq: error: ..." and returns AQ_EXIT_INPUT. */
int sp_input_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads FILE (or the store selection). When the weights are made from
 * geometries and some rows have none (districts without a boundary in the
 * store), those rows are named and stop the command, or with
 * --skip-missing-geometry are left out with a note on standard error.
 * Returns 0 or an exit code (the message printed). */
int sp_load(aq_ctx *ctx, sp_opts *o, const char *file, aq_table **t);

/* Builds the weights of --weights for table T, in style DEFAULT_STYLE
 * unless --style says otherwise; ids from --id are attached. */
int sp_weights(aq_ctx *ctx, const sp_opts *o, const aq_table *t, int default_style,
               aq_weights **w);

/* The number column NAME of T (borrowed); AQ_ENOTFOUND or AQ_EINPUT. */
int sp_column(aq_ctx *ctx, const aq_table *t, const char *name, const double **v);

/* The id of row I as text: the --id column's value or the row number. */
const char *sp_id(const aq_table *t, const sp_opts *o, size_t i, char *buf, size_t size);

/* A JSON object printed key by key to F: sp_json_num prints "key": value
 * with 17 significant digits (NaN as null). */
typedef struct sp_json {
    FILE *f;
    int count;
} sp_json;

void sp_json_begin(sp_json *j, FILE *f);
void sp_json_num(sp_json *j, const char *key, double v);
void sp_json_str(sp_json *j, const char *key, const char *v);
/* An array of N numbers, or (cols > 0) an array of n/cols rows. */
void sp_json_array(sp_json *j, const char *key, const double *v, size_t n, size_t cols);
/* M matrices of K x K (m*k*k numbers) as nested arrays. */
void sp_json_cube(sp_json *j, const char *key, const double *v, size_t m, size_t k);
void sp_json_end(sp_json *j);

/* Opens --output for a JSON result (stdout for NULL or "-"). */
FILE *sp_open_output(aq_ctx *ctx, const char *output, int *rc);

#endif
