/*
 * cmd_disparity.c -- `aimaq disparity`: every disparity measure of one or
 * more value columns, weighted by population when asked, decomposed by a
 * group column, with bootstrap intervals. The measures are computed by
 * aq_ineq_compute (aimaq_ineq.h); this file chooses the rows (missing values
 * skipped and counted, non-positive values refused or dropped), maps group
 * labels to codes and writes the result as a table, CSV or JSON.
 * Also home of the helpers the convergence and markov commands share
 * (cmd_disparity.h).
 */
#include "cmd_disparity.h"
#include "aimaq_ineq.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int run(int argc, char **argv);

const cli_command cmd_disparity = {
    "disparity", "regional disparities: Gini, Theil, Atkinson, CV, ratios, decomposition",
    "aimaq disparity [FILE] --value COL[,COL...] [--weight COL] [--group COL] "
    "[--bootstrap N --seed S] [options]",
    "For each value column: n, mean, median, min, max, range, max/min, p90/p10 and\n"
    "top/bottom quintile ratios, CV (population and n-1 sd), Williamson's index\n"
    "(with --weight), Gini with the Lorenz curve, generalised entropy GE(-1),\n"
    "GE(0) = Theil L (mean log deviation), GE(1) = Theil T, GE(2), Atkinson\n"
    "(e = 0.5, 1, 2), Hoover and Palma. With --weight (population) a unit\n"
    "stands for its weight in people. With --group, the exact between/within\n"
    "decomposition of Theil T, Theil L and every GE(a), with each group's share\n"
    "and own index. With --bootstrap, percentile confidence intervals.\n"
    "Missing values are skipped and counted; values <= 0 are an error (the\n"
    "logarithmic measures need positive values) unless --drop-nonpositive.\n"
    "Formulas and the names in PySAL, REAT and R ineq: docs/disparity.md.\n\n"
    "examples:\n"
    "  aimaq disparity grp.csv --value grp_per_capita --weight population --group zone\n"
    "  aimaq disparity mexico.csv --value pcgdp1940,pcgdp2000 --group hanson98 --format json\n"
    "  aimaq disparity --indicator grp_pc --level region --period 2023 --value grp_pc\n"
    "  aimaq disparity grp.csv --value grp_pc --bootstrap 2000 --seed 7",
    run};

/* ---- helpers shared with cmd_convergence.c and cmd_markov.c ---- */

int ineq_list_split(const char *list, ineq_list *out)
{
    memset(out, 0, sizeof *out);
    size_t n = 1;
    for (const char *p = list; *p; p++)
        n += *p == ',';
    out->copy = strdup(list);
    out->item = calloc(n + 1, sizeof *out->item);
    if (!out->copy || !out->item) {
        ineq_list_free(out);
        return -1;
    }
    char *save = NULL;
    for (char *tok = strtok_r(out->copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        out->item[out->n++] = tok;
    }
    return 0;
}

void ineq_list_free(ineq_list *l)
{
    free(l->copy);
    free(l->item);
    memset(l, 0, sizeof *l);
}

static const char *source_name(const aq_table *t)
{
    const char *s = aq_table_source(t);
    return s ? s : "the store selection";
}

bool ineq_row_complete(const double *const *cols, size_t ncols, size_t r)
{
    for (size_t p = 0; p < ncols; p++)
        if (isnan(cols[p][r]))
            return false;
    return true;
}

int ineq_number_column(aq_ctx *ctx, const aq_table *t, const char *name, const double **out)
{
    int rc = aq_table_number_column(ctx, t, name, out);
    if (rc)
        fprintf(stderr, "aimaq: error: %s\n", aq_errmsg(ctx));
    return rc;
}

/* Columns that label a unit in messages, in order of preference. */
static const char *const label_keys[] = {"code", "kato", "id", "name", "name_en", "name_ru",
                                         "name_kk", "State", "Name", NULL};

const char *ineq_unit_label(const aq_table *t, size_t row, char *buf, size_t size)
{
    const char *const *keys = label_keys;
    long c = -1;
    for (int k = 0; keys[k] && c < 0; k++) {
        c = aq_table_find(t, keys[k]);
        if (c >= 0 && aq_table_coltype(t, (size_t)c) != AQ_COL_TEXT)
            c = -1;
    }
    for (size_t i = 0; c < 0 && i < aq_table_ncols(t); i++)
        if (aq_table_coltype(t, i) == AQ_COL_TEXT)
            c = (long)i;
    char cell[128] = "";
    if (c >= 0)
        aq_table_cell(t, (size_t)c, row, cell, sizeof cell);
    if (*cell)
        snprintf(buf, size, "line %zu (%s '%s')", aq_table_source_line(t, row),
                 aq_table_colname(t, (size_t)c), cell);
    else
        snprintf(buf, size, "line %zu", aq_table_source_line(t, row));
    return buf;
}

json_t *ineq_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

int ineq_json_write(aq_ctx *ctx, json_t *j, const char *output)
{
    int rc = AQ_OK;
    if (!j)
        return AQ_ENOMEM;
    char *text = aq_json_text(j, JSON_INDENT(2));
    if (!text) {
        rc = AQ_ENOMEM;
    } else if (!output || strcmp(output, "-") == 0) {
        if (fputs(text, stdout) == EOF)
            rc = AQ_EIO;
        fputc('\n', stdout);
    } else {
        FILE *f = fopen(output, "w");
        /* json_dump_file wrote no newline at the end; neither do we */
        if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
            fprintf(stderr, "aimaq: error: cannot write '%s'\n", output);
            rc = AQ_EIO;
        }
    }
    aq_free(text);
    json_decref(j);
    (void)ctx;
    return rc;
}

/* ---- group labels -> codes ---- */

typedef struct grouping {
    uint32_t *code; /* per row; UINT32_MAX = missing label */
    char **label;   /* per code */
    size_t ngroups;
} grouping;

static void grouping_free(grouping *g)
{
    for (size_t i = 0; g->label && i < g->ngroups; i++)
        free(g->label[i]);
    free(g->label);
    free(g->code);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Orders labels: numerically when both are numbers, else bytewise. */
static int cmp_label(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    char *ex, *ey;
    double dx = strtod(x, &ex), dy = strtod(y, &ey);
    if (ex != x && !*ex && ey != y && !*ey && dx != dy)
        return dx < dy ? -1 : 1;
    return strcmp(x, y);
}

/* Renumbers the codes so that groups come in label order. */
static int sort_groups(grouping *g, size_t nrows)
{
    char **sorted = malloc((g->ngroups + 1) * sizeof *sorted);
    uint32_t *newcode = malloc((g->ngroups + 1) * sizeof *newcode);
    if (!sorted || !newcode) {
        free(sorted);
        free(newcode);
        return -1;
    }
    memcpy(sorted, g->label, g->ngroups * sizeof *sorted);
    qsort(sorted, g->ngroups, sizeof *sorted, cmp_label);
    /* labels are unique, so a label's rank is found by binary search */
    for (size_t j = 0; j < g->ngroups; j++) {
        char **hit = bsearch(&g->label[j], sorted, g->ngroups, sizeof *sorted, cmp_label);
        newcode[j] = (uint32_t)(hit - sorted);
    }
    for (size_t r = 0; r < nrows; r++)
        if (g->code[r] != UINT32_MAX)
            g->code[r] = newcode[g->code[r]];
    free(g->label);
    g->label = sorted;
    free(newcode);
    return 0;
}

/* Codes by a hash of the label (numbers as written with 15 digits), then
 * renumbered in label order. */
static int build_grouping(const aq_table *t, const char *col, grouping *g)
{
    memset(g, 0, sizeof *g);
    long c = aq_table_find(t, col);
    if (c < 0) {
        fprintf(stderr, "aimaq: error: %s has no group column '%s'\n", source_name(t), col);
        return AQ_ENOTFOUND;
    }
    size_t n = aq_table_nrows(t);
    g->code = malloc((n ? n : 1) * sizeof *g->code);
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    uint32_t *slot = malloc(cap * sizeof *slot); /* code + 1, 0 = empty */
    size_t labcap = 64;
    g->label = malloc(labcap * sizeof *g->label);
    if (!g->code || !slot || !g->label)
        goto oom;
    memset(slot, 0, cap * sizeof *slot);
    const double *num = aq_table_numbers(t, (size_t)c);
    char buf[64];
    double last_v = NAN;
    uint32_t last_code = UINT32_MAX;
    for (size_t r = 0; r < n; r++) {
        if (num && isnan(num[r])) {
            g->code[r] = UINT32_MAX;
            continue;
        }
        if (num && num[r] == last_v) { /* runs of one group are common */
            g->code[r] = last_code;
            continue;
        }
        const char *s = num ? aq_table_cell(t, (size_t)c, r, buf, sizeof buf)
                            : aq_table_text(t, (size_t)c, r);
        if (!s || !*s) {
            g->code[r] = UINT32_MAX;
            continue;
        }
        size_t h = (size_t)fnv1a(s) & (cap - 1);
        while (slot[h] && strcmp(g->label[slot[h] - 1], s) != 0)
            h = (h + 1) & (cap - 1);
        if (!slot[h]) {
            if (g->ngroups == labcap) {
                labcap *= 2;
                char **nl = realloc(g->label, labcap * sizeof *nl);
                if (!nl)
                    goto oom;
                g->label = nl;
            }
            if (!(g->label[g->ngroups] = strdup(s)))
                goto oom;
            slot[h] = (uint32_t)++g->ngroups;
        }
        g->code[r] = slot[h] - 1;
        if (num) {
            last_v = num[r];
            last_code = g->code[r];
        }
    }
    free(slot);
    slot = NULL;
    if (sort_groups(g, n))
        goto oom;
    return AQ_OK;
oom:
    free(slot);
    grouping_free(g);
    fputs("aimaq: error: out of memory while reading the groups\n", stderr);
    return AQ_ENOMEM;
}

/* ---- rows of one value column ---- */

typedef struct selection {
    const double *x, *w; /* the table's columns, or the compacted copies */
    double *xbuf, *wbuf;
    uint32_t *g;         /* dense codes of the kept rows, or NULL */
    size_t *gmap;        /* dense code -> grouping code */
    size_t n, ngroups, missing, dropped;
    size_t no_value, no_weight; /* of the missing: no value; a value but no weight */
} selection;

static void selection_free(selection *s)
{
    free(s->xbuf);
    free(s->wbuf);
    free(s->g);
    free(s->gmap);
}

static int select_rows(const aq_table *t, const char *vname, const double *x, const double *w,
                       const char *wname, const grouping *gr, int drop_nonpositive,
                       selection *s)
{
    memset(s, 0, sizeof *s);
    size_t nrows = aq_table_nrows(t);
    char lab[256];
    /* first pass: count and check */
    for (size_t r = 0; r < nrows; r++) {
        if (isnan(x[r]) || (w && isnan(w[r])) || (gr && gr->code[r] == UINT32_MAX)) {
            s->missing++;
            s->no_value += isnan(x[r]);
            s->no_weight += !isnan(x[r]) && w && isnan(w[r]);
            continue;
        }
        if (w && (w[r] < 0 || !isfinite(w[r]))) {
            fprintf(stderr, "aimaq: error: %s, %s: weight '%s' is %g; weights must be finite "
                            "and >= 0\n", source_name(t), ineq_unit_label(t, r, lab, sizeof lab),
                    wname, w[r]);
            return AQ_EINPUT;
        }
        if (!(x[r] > 0) || !isfinite(x[r])) {
            if (drop_nonpositive && x[r] <= 0) {
                s->dropped++;
                continue;
            }
            fprintf(stderr,
                    "aimaq: error: %s, %s: '%s' is %g, but theil_l, ge(-1), ge(0) and the "
                    "atkinson indices need positive values (logarithms); fix the value or pass "
                    "--drop-nonpositive to leave such units out\n",
                    source_name(t), ineq_unit_label(t, r, lab, sizeof lab), vname, x[r]);
            return AQ_EINPUT;
        }
    }
    s->n = nrows - s->missing - s->dropped;
    if (s->n < 2 && s->no_weight) {
        /* Say why, rather than the kernel's "needs at least 2 units, got 0":
         * the usual cause is a weight of another period (population of
         * 2023 beside GRP of 2022), which a store selection reads as absent. */
        fprintf(stderr,
                "aimaq: error: %s: %zu of the %zu unit(s) with a value of '%s' have no weight '%s', which leaves"
                " %zu to compare (2 are needed). A weight is read for the same unit and period as its value: give"
                " weights of that period (from the store, a --period the population data has), or leave out --weight\n",
                source_name(t), s->no_weight, nrows - s->no_value, vname, wname, s->n);
        return AQ_EINPUT;
    }
    s->x = x;
    s->w = w;
    if (s->missing || s->dropped) {
        s->xbuf = malloc((s->n ? s->n : 1) * sizeof *s->xbuf);
        s->wbuf = w ? malloc((s->n ? s->n : 1) * sizeof *s->wbuf) : NULL;
        if (!s->xbuf || (w && !s->wbuf))
            return AQ_ENOMEM;
    }
    if (gr) {
        s->g = malloc((s->n ? s->n : 1) * sizeof *s->g);
        s->gmap = malloc((gr->ngroups ? gr->ngroups : 1) * sizeof *s->gmap);
        if (!s->g || !s->gmap)
            return AQ_ENOMEM;
    }
    /* second pass: compact, and renumber the groups that kept units */
    uint32_t *dense = gr ? malloc((gr->ngroups ? gr->ngroups : 1) * sizeof *dense) : NULL;
    if (gr && !dense)
        return AQ_ENOMEM;
    for (size_t j = 0; gr && j < gr->ngroups; j++)
        dense[j] = UINT32_MAX;
    /* groups that keep units, numbered in label order */
    for (size_t r = 0; gr && r < nrows; r++)
        if (!isnan(x[r]) && !(w && isnan(w[r])) && gr->code[r] != UINT32_MAX && x[r] > 0)
            dense[gr->code[r]] = 0;
    for (size_t j = 0; gr && j < gr->ngroups; j++)
        if (dense[j] == 0) {
            dense[j] = (uint32_t)s->ngroups;
            s->gmap[s->ngroups++] = j;
        }
    size_t k = 0;
    for (size_t r = 0; r < nrows; r++) {
        if (isnan(x[r]) || (w && isnan(w[r])) || (gr && gr->code[r] == UINT32_MAX) ||
            !(x[r] > 0))
            continue;
        if (s->xbuf) {
            s->xbuf[k] = x[r];
            if (w)
                s->wbuf[k] = w[r];
        }
        if (gr) {
            s->g[k] = dense[gr->code[r]];
        }
        k++;
    }
    free(dense);
    if (s->xbuf) {
        s->x = s->xbuf;
        s->w = s->wbuf;
    }
    return AQ_OK;
}

/* ---- output ---- */

/* Sets KEY (a measure key path such as "ge.-1" or
 * "decomposition.theil_t.between") to V inside OBJ, creating the nesting. */
static void set_path(json_t *obj, const char *key, json_t *v)
{
    char buf[96];
    snprintf(buf, sizeof buf, "%s", key);
    char *dot = strchr(buf, '.');
    if (!dot) {
        json_object_set_new(obj, buf, v);
        return;
    }
    *dot = 0;
    json_t *sub = json_object_get(obj, buf);
    if (!json_is_object(sub)) {
        sub = json_object();
        json_object_set_new(obj, buf, sub);
    }
    /* "ge" and "atkinson" keys are numbers that contain dots ("0.5") */
    if (strcmp(buf, "decomposition") == 0)
        set_path(sub, dot + 1, v);
    else
        json_object_set_new(sub, dot + 1, v);
}

static json_t *decomposition_json(const aq_ineq_result *r, const char *gcol,
                                  const grouping *gr, const selection *s, int a)
{
    json_t *o = json_object();
    json_object_set_new(o, "between", ineq_json_num(r->between[a]));
    json_object_set_new(o, "within", ineq_json_num(r->within[a]));
    json_t *arr = json_array();
    for (size_t j = 0; j < r->ngroups; j++) {
        const aq_ineq_group *g = &r->groups[j];
        double share = a == AQ_GE_1 ? g->income_share : g->pop_share;
        json_t *e = json_object();
        json_object_set_new(e, "group", json_string(gr->label[s->gmap[j]]));
        json_object_set_new(e, "n", json_integer((json_int_t)g->n));
        json_object_set_new(e, "population", ineq_json_num(g->weight));
        json_object_set_new(e, "mean", ineq_json_num(g->mean));
        json_object_set_new(e, "share", ineq_json_num(share));
        json_object_set_new(e, "index", ineq_json_num(g->ge[a]));
        json_object_set_new(e, "contribution", ineq_json_num(share * g->ge[a]));
        json_object_set_new(e, "population_share", ineq_json_num(g->pop_share));
        json_object_set_new(e, "income_share", ineq_json_num(g->income_share));
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "groups", arr);
    (void)gcol;
    return o;
}

static json_t *result_json(const char *vname, const char *wname, const char *gcol,
                           const aq_ineq_result *r, const selection *s, const grouping *gr,
                           const aq_ineq_ci *ci)
{
    json_t *o = json_object();
    json_object_set_new(o, "value", json_string(vname));
    json_object_set_new(o, "weight", wname ? json_string(wname) : json_null());
    json_object_set_new(o, "n", json_integer((json_int_t)r->n));
    json_object_set_new(o, "missing", json_integer((json_int_t)s->missing));
    json_object_set_new(o, "dropped_nonpositive", json_integer((json_int_t)s->dropped));
    json_object_set_new(o, "total_weight", ineq_json_num(r->total_weight));
    for (int m = 0; m < AQ_M_COUNT; m++) {
        const char *key = aq_ineq_measure_key(m);
        if (strncmp(key, "decomposition.", 14) != 0)
            set_path(o, key, ineq_json_num(aq_ineq_measure_value(r, m)));
        if (m == AQ_M_MAX) {
            json_object_set_new(o, "p10", ineq_json_num(r->p10));
            json_object_set_new(o, "p90", ineq_json_num(r->p90));
        }
    }
    json_t *lz = json_array();
    for (size_t i = 0; i < r->nlorenz; i++) {
        json_t *pt = json_array();
        json_array_append_new(pt, json_real(r->lorenz_pop[i]));
        json_array_append_new(pt, json_real(r->lorenz_income[i]));
        json_array_append_new(lz, pt);
    }
    json_object_set_new(o, "lorenz", lz);
    if (gr) {
        json_t *d = json_object();
        json_object_set_new(d, "group", json_string(gcol));
        json_object_set_new(d, "theil_t", decomposition_json(r, gcol, gr, s, AQ_GE_1));
        json_object_set_new(d, "theil_l", decomposition_json(r, gcol, gr, s, AQ_GE_0));
        json_t *ge = json_object();
        for (int a = 0; a < AQ_GE_N; a++) {
            char k[16];
            snprintf(k, sizeof k, "%g", aq_ineq_ge_alpha(a));
            json_t *e = json_object();
            json_object_set_new(e, "between", ineq_json_num(r->between[a]));
            json_object_set_new(e, "within", ineq_json_num(r->within[a]));
            json_object_set_new(ge, k, e);
        }
        json_object_set_new(d, "ge", ge);
        json_object_set_new(o, "decomposition", d);
    } else {
        json_object_set_new(o, "decomposition", json_null());
    }
    if (ci) {
        json_t *c = json_object();
        json_object_set_new(c, "level", json_real(ci->level));
        json_object_set_new(c, "replicates", json_integer((json_int_t)ci->replicates));
        json_object_set_new(c, "failed", json_integer((json_int_t)ci->failed));
        json_object_set_new(c, "seed", json_integer((json_int_t)ci->seed));
        json_object_set_new(c, "method", json_string("percentile"));
        for (int m = 0; m < AQ_M_COUNT; m++) {
            if (isnan(ci->lo[m]) && isnan(ci->hi[m]))
                continue;
            json_t *pair = json_array();
            json_array_append_new(pair, ineq_json_num(ci->lo[m]));
            json_array_append_new(pair, ineq_json_num(ci->hi[m]));
            set_path(c, aq_ineq_measure_key(m), pair);
        }
        json_object_set_new(o, "ci", c);
    }
    return o;
}

/* Rows value, measure, estimate[, ci_low, ci_high] appended to T. */
static int table_rows(aq_ctx *ctx, aq_table *t, size_t *row, const char *vname,
                      const aq_ineq_result *r, const selection *s, const grouping *gr,
                      const aq_ineq_ci *ci)
{
    char key[160];
    int rc = AQ_OK;
#define PUT(name, est, lo, hi)                                                              \
    do {                                                                                    \
        if (!rc) rc = aq_table_set_text(ctx, t, 0, *row, vname);                            \
        if (!rc) rc = aq_table_set_text(ctx, t, 1, *row, name);                             \
        if (!rc) rc = aq_table_set_number(ctx, t, 2, *row, est);                            \
        if (!rc && ci) rc = aq_table_set_number(ctx, t, 3, *row, lo);                       \
        if (!rc && ci) rc = aq_table_set_number(ctx, t, 4, *row, hi);                       \
        (*row)++;                                                                           \
    } while (0)
    PUT("n", (double)r->n, NAN, NAN);
    PUT("missing", (double)s->missing, NAN, NAN);
    PUT("dropped_nonpositive", (double)s->dropped, NAN, NAN);
    for (int m = 0; m < AQ_M_COUNT; m++) {
        double v = aq_ineq_measure_value(r, m);
        if (isnan(v) && (m == AQ_M_WILLIAMSON || m >= AQ_M_THEIL_T_BETWEEN))
            continue;
        PUT(aq_ineq_measure_key(m), v, ci ? ci->lo[m] : NAN, ci ? ci->hi[m] : NAN);
    }
    for (size_t j = 0; gr && j < r->ngroups; j++) {
        const aq_ineq_group *g = &r->groups[j];
        const char *lab = gr->label[s->gmap[j]];
        snprintf(key, sizeof key, "group.%s.population_share", lab);
        PUT(key, g->pop_share, NAN, NAN);
        snprintf(key, sizeof key, "group.%s.income_share", lab);
        PUT(key, g->income_share, NAN, NAN);
        snprintf(key, sizeof key, "group.%s.theil_t", lab);
        PUT(key, g->ge[AQ_GE_1], NAN, NAN);
        snprintf(key, sizeof key, "group.%s.theil_l", lab);
        PUT(key, g->ge[AQ_GE_0], NAN, NAN);
    }
#undef PUT
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What one value column produced. */
typedef struct column_result {
    selection s;
    aq_ineq_result *r;
    aq_ineq_ci ci;
} column_result;

static int write_results(aq_ctx *ctx, const ineq_list *vl, const column_result *res,
                         const char *weight, const char *group, const grouping *gr, int boot,
                         enum aq_format fmt, const char *output)
{
    if (fmt == AQ_FMT_JSON) {
        json_t *arr = json_array();
        for (size_t v = 0; v < vl->n; v++)
            json_array_append_new(arr, result_json(vl->item[v], weight, group, res[v].r,
                                                   &res[v].s, group ? gr : NULL,
                                                   boot ? &res[v].ci : NULL));
        return ineq_json_write(ctx, arr, output);
    }
    size_t rows = 0;
    for (size_t v = 0; v < vl->n; v++)
        rows += 3 + AQ_M_COUNT + 4 * res[v].r->ngroups;
    aq_table *out = NULL;
    int rc = aq_table_new(ctx, rows, &out);
    if (!rc) rc = aq_table_add_column(ctx, out, "value", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, out, "measure", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, out, "estimate", AQ_COL_NUMBER, NULL);
    if (!rc && boot) rc = aq_table_add_column(ctx, out, "ci_low", AQ_COL_NUMBER, NULL);
    if (!rc && boot) rc = aq_table_add_column(ctx, out, "ci_high", AQ_COL_NUMBER, NULL);
    size_t row = 0;
    for (size_t v = 0; !rc && v < vl->n; v++)
        rc = table_rows(ctx, out, &row, vl->item[v], res[v].r, &res[v].s, group ? gr : NULL,
                        boot ? &res[v].ci : NULL);
    /* rows left over (measures that do not apply) are dropped by a copy */
    aq_table *used = NULL;
    if (!rc)
        rc = aq_table_new(ctx, row, &used);
    for (size_t c = 0; !rc && c < aq_table_ncols(out); c++) {
        int ty = aq_table_coltype(out, c);
        rc = aq_table_add_column(ctx, used, aq_table_colname(out, c), (enum aq_coltype)ty, NULL);
        for (size_t r = 0; !rc && r < row; r++)
            rc = ty == AQ_COL_TEXT
                     ? aq_table_set_text(ctx, used, c, r, aq_table_text(out, c, r))
                     : aq_table_set_number(ctx, used, c, r, aq_table_numbers(out, c)[r]);
    }
    if (!rc)
        rc = cli_write(ctx, used, fmt, output);
    aq_table_free(used);
    aq_table_free(out);
    return rc;
}

static int run(int argc, char **argv)
{
    cli_input in = {0};
    const char *values = NULL, *weight = NULL, *group = NULL, *format = NULL, *output = NULL;
    long boot = 0, seed = 1, lorenz = 1000, threads = 0;
    double level = 0.95;
    int drop = 0, timing = 0;
    cli_option opts[] = {
        {"value", CLI_STRING, &values, "COLS", "value columns, comma-separated (required)"},
        {"weight", CLI_STRING, &weight, "COL", "population weights: a unit stands for its weight in people"},
        {"group", CLI_STRING, &group, "COL", "decompose Theil T, Theil L and GE(a) by this column"},
        {"bootstrap", CLI_INT, &boot, "N", "percentile bootstrap intervals from N replicates"},
        {"seed", CLI_INT, &seed, "S", "seed of the bootstrap (default 1); same seed, same intervals"},
        {"ci-level", CLI_DOUBLE, &level, "X", "confidence level of the intervals (default 0.95)"},
        {"drop-nonpositive", CLI_FLAG, &drop, NULL, "leave out units whose value is <= 0 (counted)"},
        {"lorenz-points", CLI_INT, &lorenz, "N", "Lorenz points kept (default 1000; 0 = every unit)"},
        {"threads", CLI_INT, &threads, "N", "threads (default all cores); results do not depend on it"},
        {"timing", CLI_FLAG, &timing, NULL, "print load and compute seconds on standard error"},
        {"format", CLI_STRING, &format, "F", "table (default), csv, json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        CLI_INPUT_OPTIONS(in),
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_disparity, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("disparity: give at most one FILE; see 'aimaq disparity --help'");
    if (!values || !*values)
        return cli_usage_error("disparity: --value COL is required");
    if (boot < 0 || boot == 1)
        return cli_usage_error("disparity: --bootstrap needs at least 2 replicates, not %ld", boot);
    if (!(level > 0 && level < 1))
        return cli_usage_error("disparity: --ci-level must be between 0 and 1, not %g", level);
    if (lorenz < 0 || threads < 0)
        return cli_usage_error("disparity: --lorenz-points and --threads must be >= 0");
    enum aq_format fmt = AQ_FMT_TEXT;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    ineq_list vl;
    if (ineq_list_split(values, &vl) || vl.n == 0) {
        ineq_list_free(&vl);
        return cli_usage_error("disparity: --value names no column");
    }
    column_result *res = calloc(vl.n, sizeof *res);
    if (!res) {
        ineq_list_free(&vl);
        return cli_usage_error("disparity: out of memory");
    }

    /* Only the columns used are kept in memory (and the labels for
     * messages): a 27-column table read for one measure needs three. */
    const char **need = calloc(vl.n + 3, sizeof *need);
    size_t nneed = 0;
    if (!need) {
        ineq_list_free(&vl);
        free(res);
        return cli_usage_error("disparity: out of memory");
    }
    for (size_t k = 0; k < vl.n; k++)
        need[nneed++] = vl.item[k];
    if (weight)
        need[nneed++] = weight;
    if (group)
        need[nneed++] = group;
    need[nneed] = NULL;
    in.columns = need;
    in.optional_columns = label_keys;

    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    grouping gr = {0};
    double t0 = now(), tcompute = 0;
    rc = cli_input_load(ctx, &in, npos ? argv[0] : NULL, &t);
    double tload = now() - t0;
    const double *w = NULL;
    int printed = 0; /* the column helpers print their own messages */
    if (rc == AQ_OK && weight && (rc = ineq_number_column(ctx, t, weight, &w)))
        printed = 1;
    if (rc == AQ_OK && group && (rc = build_grouping(t, group, &gr)))
        printed = 1;
    aq_ineq_opts io;
    aq_ineq_opts_init(&io);
    io.lorenz_max = (size_t)lorenz;
    io.threads = (int)threads;
    for (size_t v = 0; rc == AQ_OK && v < vl.n; v++) {
        const double *x = NULL;
        column_result *cr = &res[v];
        if ((rc = ineq_number_column(ctx, t, vl.item[v], &x)) ||
            (rc = select_rows(t, vl.item[v], x, w, weight, group ? &gr : NULL, drop, &cr->s))) {
            printed = rc != AQ_ENOMEM;
            break;
        }
        double tc = now();
        rc = aq_ineq_compute(ctx, cr->s.x, cr->s.w, cr->s.n, cr->s.g, cr->s.ngroups, &io, &cr->r);
        if (rc == AQ_OK && boot)
            rc = aq_ineq_bootstrap(ctx, cr->s.x, cr->s.w, cr->s.n, cr->s.g, cr->s.ngroups,
                                   (size_t)boot, (uint64_t)seed, level, &io, &cr->ci);
        tcompute += now() - tc;
        if (rc && rc != AQ_ENOMEM) {
            fprintf(stderr, "aimaq: error: %s, value column '%s': %s\n",
                    source_name(t), vl.item[v], aq_errmsg(ctx));
            printed = 1;
        }
    }
    if (timing)
        fprintf(stderr, "timing: load_seconds=%.6f compute_seconds=%.6f rows=%zu\n", tload,
                tcompute, t ? aq_table_nrows(t) : (size_t)0);
    if (rc == AQ_OK)
        rc = write_results(ctx, &vl, res, weight, group, &gr, boot > 0, fmt, output);
    if (rc && !printed)
        rc = cli_fail(ctx, rc);
    else if (rc)
        rc = cli_exit_code(rc);
    for (size_t v = 0; v < vl.n; v++) {
        aq_ineq_result_free(res[v].r);
        selection_free(&res[v].s);
    }
    free(res);
    free(need);
    grouping_free(&gr);
    aq_table_free(t);
    aq_ctx_free(ctx);
    ineq_list_free(&vl);
    return rc;
}
