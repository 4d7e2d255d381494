/*
 * t_expr.c -- condition expressions: parse once, bind to columns, evaluate
 * per unit, three-valued logic for missing values, no code execution.
 */
#include "aq_test.h"
#include "index_int.h"

static const double pop[4] = {0, 150, NAN, 900};
static const double wage[4] = {100, 80, 120, 60};
static const char *kind[4] = {"village", "town", NULL, "town"};

static int resolve(void *user, const char *name, aq__xvar *out)
{
    (void)user;
    if (strcmp(name, "pop") == 0) { out->num = pop; return 1; }
    if (strcmp(name, "wage") == 0) { out->num = wage; return 1; }
    if (strcmp(name, "kind") == 0) { out->txt = kind; return 1; }
    if (strcmp(name, "national") == 0) { out->constant = 90; return 1; }
    return 0;
}

/* Evaluates TEXT for every unit into got[4]. */
static int ev(aq_ctx *ctx, const char *text, double *got)
{
    aq__expr *e = NULL;
    int rc = aq__expr_parse(ctx, text, &e);
    if (!rc)
        rc = aq__expr_bind(ctx, e, resolve, NULL, 4);
    for (size_t i = 0; !rc && i < 4; i++)
        got[i] = aq__expr_eval(e, i);
    aq__expr_free(e);
    return rc;
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    double g[4];
    AQ_EQ_INT(ev(ctx, "pop == 0", g), AQ_OK);
    AQ_NEAR(g[0], 1, 0); AQ_NEAR(g[1], 0, 0); AQ_CHECK(isnan(g[2]));
    AQ_EQ_INT(ev(ctx, "1 + 2 * 3 - 4 / 2 ^ 2", g), AQ_OK);
    AQ_NEAR(g[0], 6, 0);
    AQ_EQ_INT(ev(ctx, "-(2 + 3) % 3", g), AQ_OK);
    AQ_NEAR(g[0], -2, 0);
    /* false and unknown = false; true or unknown = true */
    AQ_EQ_INT(ev(ctx, "wage > 1000 and pop > 0", g), AQ_OK);
    AQ_NEAR(g[2], 0, 0);
    AQ_EQ_INT(ev(ctx, "wage > 100 or pop > 0", g), AQ_OK);
    AQ_NEAR(g[2], 1, 0);
    AQ_EQ_INT(ev(ctx, "not (pop > 100)", g), AQ_OK);
    AQ_NEAR(g[0], 1, 0); AQ_NEAR(g[1], 0, 0); AQ_CHECK(isnan(g[2]));
    AQ_EQ_INT(ev(ctx, "!(pop > 100) && wage != 60", g), AQ_OK);
    AQ_NEAR(g[0], 1, 0);
    AQ_EQ_INT(ev(ctx, "missing(pop) || kind == \"town\"", g), AQ_OK);
    AQ_NEAR(g[0], 0, 0); AQ_NEAR(g[1], 1, 0); AQ_NEAR(g[2], 1, 0);
    /* column functions: mean(wage) = 90, median(pop) over 3 values = 150 */
    AQ_EQ_INT(ev(ctx, "wage < 0.8 * mean(wage)", g), AQ_OK);
    AQ_NEAR(g[3], 1, 0); AQ_NEAR(g[1], 0, 0);
    AQ_EQ_INT(ev(ctx, "median(pop) + count(pop) + max(wage, 110) + national", g), AQ_OK);
    AQ_NEAR(g[0], 150 + 3 + 110 + 90, 0);
    AQ_EQ_INT(ev(ctx, "coalesce(pop, -1)", g), AQ_OK);
    AQ_NEAR(g[2], -1, 0);
    AQ_EQ_INT(ev(ctx, "wage / (pop - pop)", g), AQ_OK); /* division by zero: unknown */
    AQ_CHECK(isnan(g[1]));
    AQ_EQ_INT(ev(ctx, "`pop` >= 150", g), AQ_OK);
    AQ_NEAR(g[3], 1, 0);
    /* errors */
    AQ_EQ_INT(ev(ctx, "pop ==", g), AQ_EINPUT);
    AQ_EQ_INT(ev(ctx, "pop == 0 0", g), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "at character 10") != NULL);
    AQ_EQ_INT(ev(ctx, "system(\"rm -rf /\")", g), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "unknown function") != NULL);
    AQ_EQ_INT(ev(ctx, "popp > 1", g), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "no column or variable named 'popp'") != NULL);
    AQ_EQ_INT(ev(ctx, "kind == 3", g), AQ_EINPUT);
    AQ_EQ_INT(ev(ctx, "kind > \"a\"", g), AQ_EINPUT);
    AQ_EQ_INT(ev(ctx, "(pop > 1", g), AQ_EINPUT);
    AQ_EQ_INT(ev(ctx, "'open", g), AQ_EINPUT);
    AQ_EQ_INT(ev(ctx, "", g), AQ_EINPUT);
    /* Hostile depth: nesting, unary chains and long operator chains are
     * refused past 200 levels (found by fuzz_method: 3,000 parentheses
     * overflowed the stack), with a short quote of the expression. */
    {
        static char deep[40000];
        size_t k = 0;
        for (int i = 0; i < 5000; i++)
            deep[k++] = '(';
        memcpy(deep + k, "pop", 4);
        AQ_EQ_INT(ev(ctx, deep, g), AQ_EINPUT);
        AQ_CHECK(strstr(aq_errmsg(ctx), "nests more than 200 levels deep") != NULL);
        AQ_CHECK(strlen(aq_errmsg(ctx)) < 300);
        k = 0;
        for (int i = 0; i < 5000; i++)
            deep[k++] = '-';
        memcpy(deep + k, "pop", 4);
        AQ_EQ_INT(ev(ctx, deep, g), AQ_EINPUT);
        k = 0;
        for (int i = 0; i < 5000; i++)
            k += (size_t)snprintf(deep + k, sizeof deep - k, "%spop", i ? "+" : "");
        AQ_EQ_INT(ev(ctx, deep, g), AQ_EINPUT);
        AQ_CHECK(strstr(aq_errmsg(ctx), "more than 200 operations deep") != NULL);
        /* 150 levels are fine. */
        k = 0;
        for (int i = 0; i < 150; i++)
            deep[k++] = '(';
        k += (size_t)snprintf(deep + k, sizeof deep - k, "pop == 0");
        for (int i = 0; i < 150; i++)
            deep[k++] = ')';
        deep[k] = '\0';
        AQ_EQ_INT(ev(ctx, deep, g), AQ_OK);
    }
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
