/*
 * expr.c -- condition expressions of methodology files ("pop == 0",
 * "unemp > 1.2 * national_unemp and not missing(wage)").
 *
 * A recursive-descent parser turns the text into an array of nodes once;
 * binding resolves every name to a column (or a constant) once; evaluation
 * walks the nodes for one unit. Nothing in the text is ever executed, so a
 * methodology file cannot run code. NaN is "unknown": arithmetic and
 * comparisons propagate it, `and`/`or` use three-valued logic (false and
 * unknown = false, true or unknown = true), and an unknown condition does
 * not match.
 */
#include "index_int.h"

#include <ctype.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum xkind { X_NUM, X_STR, X_VAR, X_UN, X_BIN, X_CALL };

enum xop {
    OP_NEG, OP_NOT, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_AND, OP_OR
};

/* Functions: per-unit ones take their arguments row by row; column ones
 * (mean, median, sum, min/max with one argument, count) are computed over
 * all units when the expression is bound. */
enum xfn { F_ABS, F_LOG, F_LOG10, F_EXP, F_SQRT, F_MIN, F_MAX, F_MISSING, F_COALESCE,
           F_ROUND, F_MEAN, F_MEDIAN, F_SUM, F_COUNT };

static const struct { const char *name; enum xfn fn; int minargs, maxargs; } fns[] = {
    {"abs", F_ABS, 1, 1},       {"log", F_LOG, 1, 1},       {"ln", F_LOG, 1, 1},
    {"log10", F_LOG10, 1, 1},   {"exp", F_EXP, 1, 1},       {"sqrt", F_SQRT, 1, 1},
    {"min", F_MIN, 1, 8},       {"max", F_MAX, 1, 8},       {"missing", F_MISSING, 1, 1},
    {"coalesce", F_COALESCE, 2, 8}, {"round", F_ROUND, 1, 1}, {"mean", F_MEAN, 1, 1},
    {"median", F_MEDIAN, 1, 1}, {"sum", F_SUM, 1, 1},       {"count", F_COUNT, 1, 1},
};

#define MAXARGS 8

typedef struct xnode {
    enum xkind kind;
    int op;               /* enum xop or enum xfn */
    double num;           /* X_NUM; X_CALL column functions after bind */
    char *str;            /* X_STR literal, X_VAR name */
    size_t var;           /* X_VAR: index into vars */
    size_t kid[MAXARGS];
    size_t nkids;
    int column_fn;        /* X_CALL folded to a constant at bind */
    unsigned height;      /* 1 + the tallest kid: evaluation recurses this deep */
} xnode;

/* Parsing and evaluation recurse once per level of nesting; a limit keeps a
 * hostile file ("((((...", "- - - x", a+a+a+... of a million terms) from
 * overflowing the stack. Real conditions nest a handful of levels. */
enum { MAX_NESTING = 200 };

struct aq__expr {
    char *text;
    xnode *nodes;
    size_t nnodes, cap;
    size_t root;
    char **names;         /* distinct variable names */
    aq__xvar *vars;
    size_t nvars;
};

typedef struct parser {
    aq_ctx *ctx;
    aq__expr *e;
    const char *s;
    size_t pos;
    int rc;
    int depth;            /* current recursion of parse_unary/parse_not */
} parser;

static int perr(parser *p, const char *what)
{
    if (p->rc == AQ_OK) {
        /* Long expressions are quoted by their start only. */
        const char *more = strlen(p->e->text) > 80 ? "..." : "";
        if (p->s[p->pos])
            p->rc = aq__err(p->ctx, AQ_EINPUT, "expression \"%.80s%s\": at character %zu: %s",
                            p->e->text, more, p->pos + 1, what);
        else
            p->rc = aq__err(p->ctx, AQ_EINPUT, "expression \"%.80s%s\": at its end: %s", p->e->text,
                            more, what);
    }
    return p->rc;
}

static size_t add_node(parser *p, xnode n)
{
    if (p->rc) {
        aq__free(n.str);
        return 0;
    }
    n.height = 1;
    for (size_t k = 0; k < n.nkids; k++)
        if (p->e->nodes[n.kid[k]].height + 1 > n.height)
            n.height = p->e->nodes[n.kid[k]].height + 1;
    if (n.height > MAX_NESTING) {
        aq__free(n.str);
        perr(p, "the expression nests or chains more than 200 operations deep");
        return 0;
    }
    if (aq__grow(p->ctx, (void **)&p->e->nodes, &p->e->cap, p->e->nnodes + 1, sizeof n)) {
        p->rc = AQ_ENOMEM;
        aq__free(n.str);
        return 0;
    }
    p->e->nodes[p->e->nnodes] = n;
    return p->e->nnodes++;
}

static void skip_ws(parser *p)
{
    while (p->s[p->pos] && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
}

static int ident_start(unsigned char c) { return isalpha(c) || c == '_' || c >= 0x80; }
static int ident_char(unsigned char c) { return isalnum(c) || c == '_' || c == '.' || c >= 0x80; }

/* Is the next token the keyword KW (followed by a non-identifier char)? */
static int keyword(parser *p, const char *kw)
{
    skip_ws(p);
    size_t n = strlen(kw);
    if (strncmp(p->s + p->pos, kw, n) == 0 && !ident_char((unsigned char)p->s[p->pos + n])) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static int punct(parser *p, const char *tok)
{
    skip_ws(p);
    size_t n = strlen(tok);
    if (strncmp(p->s + p->pos, tok, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static size_t parse_or(parser *p);

static size_t bin(parser *p, int op, size_t a, size_t b)
{
    xnode n = {.kind = X_BIN, .op = op, .nkids = 2};
    n.kid[0] = a;
    n.kid[1] = b;
    return add_node(p, n);
}

static size_t parse_call(parser *p, char *name)
{
    size_t f = 0;
    while (f < sizeof fns / sizeof fns[0] && strcmp(fns[f].name, name) != 0)
        f++;
    if (f == sizeof fns / sizeof fns[0]) {
        aq__free(name);
        perr(p, "unknown function (known: abs, log, log10, exp, sqrt, min, max, missing, "
                "coalesce, round, mean, median, sum, count)");
        return 0;
    }
    aq__free(name);
    xnode n = {.kind = X_CALL, .op = fns[f].fn};
    if (!punct(p, ")")) {
        do {
            if (n.nkids == MAXARGS) {
                perr(p, "too many arguments");
                return 0;
            }
            n.kid[n.nkids++] = parse_or(p);
            if (p->rc)
                return 0;
        } while (punct(p, ","));
        if (!punct(p, ")")) {
            perr(p, "expected ',' or ')'");
            return 0;
        }
    }
    if ((int)n.nkids < fns[f].minargs || (int)n.nkids > fns[f].maxargs) {
        perr(p, "wrong number of arguments to the function before this point");
        return 0;
    }
    return add_node(p, n);
}

static size_t parse_primary(parser *p)
{
    skip_ws(p);
    const char *s = p->s + p->pos;
    unsigned char c = (unsigned char)*s;
    if (c == '(') {
        p->pos++;
        size_t r = parse_or(p);
        if (!p->rc && !punct(p, ")"))
            perr(p, "expected ')'");
        return r;
    }
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[1]))) {
        char *end;
        double v = strtod(s, &end);
        p->pos += (size_t)(end - s);
        return add_node(p, (xnode){.kind = X_NUM, .num = v});
    }
    if (c == '"' || c == '\'') {
        const char *q = strchr(s + 1, c);
        if (!q) {
            perr(p, "unterminated string");
            return 0;
        }
        char *str = aq__strndup(s + 1, (size_t)(q - s - 1));
        if (!str) {
            p->rc = aq__oom(p->ctx);
            return 0;
        }
        p->pos += (size_t)(q - s) + 1;
        return add_node(p, (xnode){.kind = X_STR, .str = str});
    }
    if (c == '`' || ident_start(c)) {
        size_t len;
        const char *start = s;
        if (c == '`') { /* `column name with spaces` */
            const char *q = strchr(s + 1, '`');
            if (!q) {
                perr(p, "unterminated `name`");
                return 0;
            }
            start = s + 1;
            len = (size_t)(q - start);
            p->pos += len + 2;
        } else {
            len = 0;
            while (ident_char((unsigned char)s[len]))
                len++;
            p->pos += len;
        }
        char *name = aq__strndup(start, len);
        if (!name) {
            p->rc = aq__oom(p->ctx);
            return 0;
        }
        if (c != '`' && punct(p, "("))
            return parse_call(p, name);
        return add_node(p, (xnode){.kind = X_VAR, .str = name});
    }
    perr(p, c ? "expected a number, a name, a string or '('" : "expected a value");
    return 0;
}

static size_t parse_unary(parser *p);

/* Counts one level of recursion (a parenthesis costs two: parse_not and
 * parse_unary); false (with the error) past the limit. */
static bool enter(parser *p)
{
    if (++p->depth > 2 * MAX_NESTING) {
        perr(p, "the expression nests more than 200 levels deep");
        return false;
    }
    return true;
}

static size_t unary(parser *p)
{
    if (punct(p, "-")) {
        size_t a = parse_unary(p);
        return add_node(p, (xnode){.kind = X_UN, .op = OP_NEG, .nkids = 1, .kid = {a}});
    }
    if (punct(p, "+"))
        return parse_unary(p);
    size_t a = parse_primary(p);
    if (!p->rc && punct(p, "^"))
        return bin(p, OP_POW, a, parse_unary(p));
    return a;
}

static size_t parse_unary(parser *p)
{
    size_t r = enter(p) ? unary(p) : 0;
    p->depth--;
    return r;
}

static size_t parse_mul(parser *p)
{
    size_t a = parse_unary(p);
    while (!p->rc) {
        int op = punct(p, "*") ? OP_MUL : punct(p, "/") ? OP_DIV : punct(p, "%") ? OP_MOD : -1;
        if (op < 0)
            break;
        a = bin(p, op, a, parse_unary(p));
    }
    return a;
}

static size_t parse_add(parser *p)
{
    size_t a = parse_mul(p);
    while (!p->rc) {
        int op = punct(p, "+") ? OP_ADD : punct(p, "-") ? OP_SUB : -1;
        if (op < 0)
            break;
        a = bin(p, op, a, parse_mul(p));
    }
    return a;
}

static size_t parse_cmp(parser *p)
{
    size_t a = parse_add(p);
    if (p->rc)
        return a;
    int op = punct(p, "==")   ? OP_EQ
             : punct(p, "!=") ? OP_NE
             : punct(p, "<=") ? OP_LE
             : punct(p, ">=") ? OP_GE
             : punct(p, "<")  ? OP_LT
             : punct(p, ">")  ? OP_GT
             : punct(p, "=")  ? OP_EQ
                              : -1;
    if (op < 0)
        return a;
    return bin(p, op, a, parse_add(p));
}

static size_t not_expr(parser *p);

static size_t parse_not(parser *p)
{
    size_t r = enter(p) ? not_expr(p) : 0;
    p->depth--;
    return r;
}

static size_t not_expr(parser *p)
{
    skip_ws(p);
    int bang = p->s[p->pos] == '!' && p->s[p->pos + 1] != '=';
    if (bang)
        p->pos++;
    if (bang || keyword(p, "not")) {
        size_t a = parse_not(p);
        return add_node(p, (xnode){.kind = X_UN, .op = OP_NOT, .nkids = 1, .kid = {a}});
    }
    return parse_cmp(p);
}

static size_t parse_and(parser *p)
{
    size_t a = parse_not(p);
    while (!p->rc && (keyword(p, "and") || punct(p, "&&")))
        a = bin(p, OP_AND, a, parse_not(p));
    return a;
}

static size_t parse_or(parser *p)
{
    size_t a = parse_and(p);
    while (!p->rc && (keyword(p, "or") || punct(p, "||")))
        a = bin(p, OP_OR, a, parse_and(p));
    return a;
}

void aq__expr_free(aq__expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nnodes; i++)
        aq__free(e->nodes[i].str);
    for (size_t i = 0; i < e->nvars; i++)
        aq__free(e->names[i]);
    aq__free(e->names);
    aq__free(e->vars);
    aq__free(e->nodes);
    aq__free(e->text);
    aq__free(e);
}

/* Gives every X_VAR node the index of its distinct name. */
static int collect_vars(aq_ctx *ctx, aq__expr *e)
{
    e->names = aq__xcalloc(ctx, e->nnodes, sizeof *e->names);
    e->vars = aq__xcalloc(ctx, e->nnodes, sizeof *e->vars);
    if (!e->names || !e->vars)
        return AQ_ENOMEM;
    for (size_t i = 0; i < e->nnodes; i++) {
        xnode *n = &e->nodes[i];
        if (n->kind != X_VAR)
            continue;
        size_t v = 0;
        while (v < e->nvars && strcmp(e->names[v], n->str) != 0)
            v++;
        if (v == e->nvars) {
            e->names[v] = aq__strdup(n->str);
            if (!e->names[v])
                return aq__oom(ctx);
            e->nvars++;
        }
        n->var = v;
    }
    return AQ_OK;
}

int aq__expr_parse(aq_ctx *ctx, const char *text, aq__expr **out)
{
    aq__expr *e = aq__xcalloc(ctx, 1, sizeof *e);
    if (!e)
        return AQ_ENOMEM;
    e->text = aq__strdup(text ? text : "");
    if (!e->text) {
        aq__free(e);
        return aq__oom(ctx);
    }
    parser p = {.ctx = ctx, .e = e, .s = e->text, .rc = AQ_OK};
    e->root = parse_or(&p);
    skip_ws(&p);
    if (!p.rc && p.s[p.pos])
        perr(&p, "unexpected text (an operator such as and, or, ==, < or + was expected)");
    if (!p.rc)
        p.rc = collect_vars(ctx, e);
    if (p.rc) {
        aq__expr_free(e);
        return p.rc;
    }
    *out = e;
    return AQ_OK;
}

const char *aq__expr_text(const aq__expr *e) { return e ? e->text : ""; }
size_t aq__expr_nvars(const aq__expr *e) { return e ? e->nvars : 0; }
const char *aq__expr_var(const aq__expr *e, size_t i) { return i < e->nvars ? e->names[i] : NULL; }

static int is_text(const aq__expr *e, size_t k)
{
    const xnode *n = &e->nodes[k];
    if (n->kind == X_STR)
        return 1;
    if (n->kind == X_VAR) {
        const aq__xvar *v = &e->vars[n->var];
        return v->txt || v->table;
    }
    return 0;
}

static const char *text_of(const aq__expr *e, size_t k, size_t row)
{
    const xnode *n = &e->nodes[k];
    if (n->kind == X_STR)
        return n->str;
    const aq__xvar *v = &e->vars[n->var];
    if (v->txt)
        return v->txt[row];
    return aq_table_text(v->table, v->col, row);
}

static double eval(const aq__expr *e, size_t k, size_t row);

static int cmp_num(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Folds a column function (mean(x), ...) to a constant over all units. */
static int fold_column_fn(aq_ctx *ctx, aq__expr *e, xnode *n, size_t nrows)
{
    double *vals = aq__xmalloc(ctx, (nrows ? nrows : 1) * sizeof *vals);
    if (!vals)
        return AQ_ENOMEM;
    size_t k = 0;
    double sum = 0;
    for (size_t r = 0; r < nrows; r++) {
        double v = eval(e, n->kid[0], r);
        if (!isnan(v)) {
            vals[k++] = v;
            sum += v;
        }
    }
    double res = NAN;
    switch (n->op) {
    case F_MEAN: res = k ? sum / (double)k : NAN; break;
    case F_SUM: res = sum; break;
    case F_COUNT: res = (double)k; break;
    case F_MEDIAN:
        if (k) {
            qsort(vals, k, sizeof *vals, cmp_num);
            res = k % 2 ? vals[k / 2] : (vals[k / 2 - 1] + vals[k / 2]) / 2;
        }
        break;
    case F_MIN:
    case F_MAX:
        for (size_t i = 0; i < k; i++)
            if (i == 0 || (n->op == F_MIN ? vals[i] < res : vals[i] > res))
                res = vals[i];
        break;
    default: break;
    }
    aq__free(vals);
    n->num = res;
    n->column_fn = 1;
    return AQ_OK;
}

int aq__expr_bind(aq_ctx *ctx, aq__expr *e, aq__xresolve resolve, void *user, size_t n)
{
    for (size_t v = 0; v < e->nvars; v++) {
        aq__xvar x = {0};
        if (!resolve(user, e->names[v], &x))
            return aq__err(ctx, AQ_ENOTFOUND,
                           "expression \"%s\": no column or variable named '%s'", e->text,
                           e->names[v]);
        e->vars[v] = x;
    }
    /* Type checks: text only in == and != against text. Nodes are stored
     * children-first, so one forward pass folds inner column functions
     * before the outer ones use them. */
    for (size_t i = 0; i < e->nnodes; i++) {
        xnode *nd = &e->nodes[i];
        if (nd->kind == X_BIN && (nd->op == OP_EQ || nd->op == OP_NE)) {
            if (is_text(e, nd->kid[0]) != is_text(e, nd->kid[1]))
                return aq__err(ctx, AQ_EINPUT,
                               "expression \"%s\": compares text with a number (quote the "
                               "value, or compare a number column)", e->text);
            continue;
        }
        for (size_t k = 0; k < nd->nkids; k++)
            if (is_text(e, nd->kid[k]))
                return aq__err(ctx, AQ_EINPUT,
                               "expression \"%s\": text can only be compared with == or != "
                               "to a quoted value", e->text);
        if (nd->kind == X_VAR && is_text(e, i)) {
            /* a bare text column as a condition has no meaning */
            int used = 0;
            for (size_t j = i + 1; j < e->nnodes; j++)
                for (size_t k = 0; k < e->nodes[j].nkids; k++)
                    used |= e->nodes[j].kid[k] == i;
            if (!used)
                return aq__err(ctx, AQ_EINPUT,
                               "expression \"%s\": '%s' is a text column; compare it with "
                               "== \"value\"", e->text, nd->str);
        }
        if (nd->kind == X_CALL && nd->nkids == 1 &&
            (nd->op == F_MEAN || nd->op == F_MEDIAN || nd->op == F_SUM || nd->op == F_COUNT ||
             nd->op == F_MIN || nd->op == F_MAX)) {
            int rc = fold_column_fn(ctx, e, nd, n);
            if (rc)
                return rc;
        }
    }
    return AQ_OK;
}

static double truth(double v) { return isnan(v) ? NAN : (v != 0 ? 1.0 : 0.0); }

static double call(const aq__expr *e, const xnode *n, size_t row)
{
    if (n->column_fn)
        return n->num;
    double a = eval(e, n->kid[0], row);
    switch (n->op) {
    case F_ABS: return fabs(a);
    case F_LOG: return a > 0 ? log(a) : NAN;
    case F_LOG10: return a > 0 ? log10(a) : NAN;
    case F_EXP: return exp(a);
    case F_SQRT: return a >= 0 ? sqrt(a) : NAN;
    case F_ROUND: return round(a);
    case F_MISSING: return isnan(a) ? 1.0 : 0.0;
    case F_COALESCE:
        for (size_t k = 1; isnan(a) && k < n->nkids; k++)
            a = eval(e, n->kid[k], row);
        return a;
    case F_MIN:
    case F_MAX:
        for (size_t k = 1; k < n->nkids; k++) {
            double b = eval(e, n->kid[k], row);
            if (isnan(b) || isnan(a))
                return NAN;
            if (n->op == F_MIN ? b < a : b > a)
                a = b;
        }
        return a;
    default: return NAN; /* column functions are folded at bind */
    }
}

static double eval(const aq__expr *e, size_t k, size_t row)
{
    const xnode *n = &e->nodes[k];
    switch (n->kind) {
    case X_NUM: return n->num;
    case X_STR: return NAN;
    case X_VAR: {
        const aq__xvar *v = &e->vars[n->var];
        return v->num ? v->num[row] : v->constant;
    }
    case X_UN: {
        double a = eval(e, n->kid[0], row);
        return n->op == OP_NEG ? -a : (isnan(a) ? NAN : (a == 0 ? 1.0 : 0.0));
    }
    case X_CALL: return call(e, n, row);
    case X_BIN: break;
    }
    if (n->op == OP_AND || n->op == OP_OR) {
        double a = truth(eval(e, n->kid[0], row));
        double want = n->op == OP_AND ? 0.0 : 1.0; /* the value that decides */
        if (a == want)
            return want;
        double b = truth(eval(e, n->kid[1], row));
        if (b == want)
            return want;
        return isnan(a) || isnan(b) ? NAN : 1.0 - want;
    }
    if ((n->op == OP_EQ || n->op == OP_NE) && is_text(e, n->kid[0])) {
        const char *a = text_of(e, n->kid[0], row), *b = text_of(e, n->kid[1], row);
        if (!a || !b)
            return NAN;
        int eq = strcmp(a, b) == 0;
        return (n->op == OP_EQ) == eq ? 1.0 : 0.0;
    }
    double a = eval(e, n->kid[0], row), b = eval(e, n->kid[1], row);
    if (isnan(a) || isnan(b))
        return NAN;
    switch (n->op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_DIV: return b != 0 ? a / b : NAN;
    case OP_MOD: return b != 0 ? fmod(a, b) : NAN;
    case OP_POW: return pow(a, b);
    case OP_EQ: return a == b;
    case OP_NE: return a != b;
    case OP_LT: return a < b;
    case OP_LE: return a <= b;
    case OP_GT: return a > b;
    case OP_GE: return a >= b;
    default: return NAN;
    }
}

double aq__expr_eval(const aq__expr *e, size_t row) { return eval(e, e->root, row); }

int aq__expr_true(const aq__expr *e, size_t row)
{
    double v = aq__expr_eval(e, row);
    return !isnan(v) && v != 0;
}

void aq__expr_explain(const aq__expr *e, size_t row, aq_buf *b)
{
    for (size_t v = 0; v < e->nvars; v++) {
        const aq__xvar *x = &e->vars[v];
        if (v)
            aq__buf_puts(b, ", ");
        if (x->txt || x->table) {
            const char *s = x->txt ? x->txt[row] : aq_table_text(x->table, x->col, row);
            aq__buf_printf(b, "%s = \"%s\"", e->names[v], s ? s : "(missing)");
        } else {
            double val = x->num ? x->num[row] : x->constant;
            if (isnan(val))
                aq__buf_printf(b, "%s missing", e->names[v]);
            else
                aq__buf_printf(b, "%s = %.6g", e->names[v], val);
        }
    }
}
