/*
 * t_index_restrict.c -- a methodology meets data lacking some indicators
 * (aq_method_restrict). Values by hand, on the data of t_index.c:
 *   code pop i01 i16 i02        min-max [0, 100], i16 reversed:
 *   A    100  10   5   1          i01: A 25, B 50, C 75, D 0,  E 100
 *   B      0  20   3   3          i16: A 0,  B 50, C 100, D 25, E 75
 *   C     50  30   1   2          i02: A 0,  B 50, C 25, D 75, E 100
 *   D    200   0   4   4
 *   E     80  40   2   5
 * Methodology: economy {i01 w2, i16 w1} weight 1, services {i02} weight 1.
 * Declared effective weights: i01 1/3, i16 1/6, i02 1/2.
 *
 * i16 absent: economy = i01 (weight renormalised to 1 within the pillar);
 *   index = (i01 + i02)/2: A 12.5, B 50, C 50, D 37.5, E 100;
 *   effective weights i01 1/2, i16 0, i02 1/2.
 * i02 absent: the services pillar is dropped, its weight goes to economy;
 *   index = economy = (2 i01 + i16)/3: A 50/3, B 50, C 250/3, D 25/3, E 275/3;
 *   effective weights i01 2/3, i16 1/3.
 * Both must equal the methodology written without the indicator.
 */
#include "aq_test.h"
#include "aimaq_index.h"

#include <math.h>
#include <string.h>

static const char *const METHOD =
    "name: m\n"
    "id: code\n"
    "population: pop\n"
    "indicators:\n"
    "  - {code: i01, direction: 1, weight: 2, pillar: economy}\n"
    "  - {code: i16, direction: -1, weight: 1, pillar: economy}\n"
    "  - {code: i02, direction: 1, weight: 1, pillar: services}\n"
    "pillars:\n"
    "  - {code: economy, weight: 1}\n"
    "  - {code: services, weight: 1}\n"
    "classes:\n"
    "  - {name: uninhabited, when: \"pop == 0\"}\n"
    "  - {name: high, min_score: 66.7}\n"
    "  - {name: rest}\n";

/* The table of t_index.c without column SKIP (NULL: all); column EMPTY
 * present but without values. */
static aq_table *table(aq_ctx *ctx, const char *skip, const char *empty)
{
    static const char *codes[] = {"A", "B", "C", "D", "E"};
    static const double v[5][4] = {
        {100, 10, 5, 1}, {0, 20, 3, 3}, {50, 30, 1, 2}, {200, 0, 4, 4}, {80, 40, 2, 5}};
    static const char *names[] = {"pop", "i01", "i16", "i02"};
    aq_table *t = NULL;
    aq_table_new(ctx, 5, &t);
    size_t c;
    aq_table_add_column(ctx, t, "code", AQ_COL_TEXT, &c);
    for (size_t i = 0; i < 5; i++)
        aq_table_set_text(ctx, t, c, i, codes[i]);
    for (size_t k = 0; k < 4; k++) {
        if (skip && strcmp(skip, names[k]) == 0)
            continue;
        aq_table_add_column(ctx, t, names[k], AQ_COL_NUMBER, &c);
        for (size_t i = 0; i < 5; i++)
            aq_table_set_number(ctx, t, c, i,
                                empty && strcmp(empty, names[k]) == 0 ? NAN : v[i][k]);
    }
    return t;
}

static aq_method *parse(aq_ctx *ctx, const char *text)
{
    aq_method *m = NULL;
    if (aq_method_parse(ctx, text, strlen(text), "m.yaml", &m) != AQ_OK)
        fprintf(stderr, "parse: %s\n", aq_errmsg(ctx));
    return m;
}

/* Weight row (declared, effective, status) of CODE in the weights table. */
static int weight_of(aq_ctx *ctx, const aq_method *m, const char *code, double *dw, double *ew,
                     char *status, size_t ssize)
{
    aq_table *w = NULL;
    if (aq_method_weights_table(ctx, m, &w) != AQ_OK)
        return 0;
    long cc = aq_table_find(w, "code"), cd = aq_table_find(w, "declared_weight"),
         ce = aq_table_find(w, "effective_weight"), cs = aq_table_find(w, "status");
    int found = 0;
    for (size_t i = 0; i < aq_table_nrows(w) && !found; i++)
        if (strcmp(aq_table_text(w, (size_t)cc, i), code) == 0) {
            *dw = aq_table_numbers(w, (size_t)cd)[i];
            *ew = aq_table_numbers(w, (size_t)ce)[i];
            snprintf(status, ssize, "%s", aq_table_text(w, (size_t)cs, i));
            found = 1;
        }
    aq_table_free(w);
    return found;
}

static void check_scores(aq_ctx *ctx, aq_method *m, const aq_table *t, const double *want)
{
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    if (!r)
        return;
    for (size_t i = 0; i < 5; i++)
        AQ_NEAR(aq_index_scores(r)[i], want[i], 1e-12);
    AQ_CHECK(strstr(aq_index_reason(r, 0), "scored on 2 of the 3 indicators (1 not in the data)"));
    aq_index_free(r);
}

static void test_error_lists_all(aq_ctx *ctx)
{
    aq_method *m = parse(ctx, METHOD);
    aq_table *t = table(ctx, "i16", "i02");
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 0), AQ_ENOTFOUND);
    const char *e = aq_errmsg(ctx);
    AQ_CHECK(strstr(e, "2 of the 3 indicators of m.yaml are not in the data"));
    AQ_CHECK(strstr(e, "m.yaml:6: indicator 'i16' is not a column of the data"));
    AQ_CHECK(strstr(e, "m.yaml:7: indicator 'i02' has no value in any unit"));
    AQ_CHECK(!strstr(e, "'i01'"));
    aq_table_free(t);
    /* aq_index_compute without restricting lists every absent column too */
    t = table(ctx, "i16", NULL);
    aq_method *m3 = parse(ctx, "name: m\nid: code\nindicators:\n  - {code: i01}\n"
                               "  - {code: i16}\n  - {code: x9}\n");
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m3, t, &r), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "m.yaml:5: indicator 'i16' is not a column of the data"));
    AQ_CHECK(strstr(aq_errmsg(ctx), "m.yaml:6: indicator 'x9' is not a column of the data"));
    aq_index_free(r);
    aq_method_free(m3);
    aq_table_free(t);
    /* every indicator absent: an error even when missing ones are allowed */
    t = table(ctx, "i01", "i16");
    aq_method_free(m);
    m = parse(ctx, "name: m\nid: code\nindicators:\n  - {code: i01}\n  - {code: i16}\n");
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 1), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "none of the 2 indicators of m.yaml is in the data"));
    aq_table_free(t);
    aq_method_free(m);
}

static void test_within_pillar(aq_ctx *ctx)
{
    aq_method *m = parse(ctx, METHOD);
    aq_table *t = table(ctx, "i16", NULL);
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 1), AQ_OK);
    AQ_EQ_INT(aq_method_nindicators(m), 2);
    AQ_EQ_INT(aq_method_ndeclared(m), 3);
    AQ_EQ_INT(aq_method_nmissing(m), 1);
    AQ_EQ_STR(aq_method_missing(m, 0), "i16");
    AQ_CHECK(aq_method_missing(m, 1) == NULL);
    AQ_EQ_INT(aq_method_ndropped_pillars(m), 0);
    double dw = 0, ew = 0;
    char st[64];
    AQ_CHECK(weight_of(ctx, m, "i01", &dw, &ew, st, sizeof st));
    AQ_NEAR(dw, 1.0 / 3, 1e-12);
    AQ_NEAR(ew, 0.5, 1e-12);
    AQ_CHECK(weight_of(ctx, m, "i16", &dw, &ew, st, sizeof st));
    AQ_NEAR(dw, 1.0 / 6, 1e-12);
    AQ_NEAR(ew, 0, 0);
    AQ_EQ_STR(st, "missing: not a column of the data");
    AQ_CHECK(weight_of(ctx, m, "services", &dw, &ew, st, sizeof st));
    AQ_NEAR(dw, 0.5, 1e-12);
    AQ_NEAR(ew, 0.5, 1e-12);
    AQ_EQ_STR(st, "used");
    static const double want[5] = {12.5, 50, 50, 37.5, 100};
    check_scores(ctx, m, t, want);
    /* restricting twice is refused: the declared weights would be lost */
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 1), AQ_EUSAGE);
    aq_table_free(t);
    aq_method_free(m);
}

static void test_pillar_dropped(aq_ctx *ctx)
{
    aq_method *m = parse(ctx, METHOD);
    aq_table *t = table(ctx, NULL, "i02"); /* a column without any value */
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 1), AQ_OK);
    AQ_EQ_INT(aq_method_ndropped_pillars(m), 1);
    AQ_EQ_STR(aq_method_dropped_pillar(m, 0), "services");
    double dw = 0, ew = 0;
    char st[64];
    AQ_CHECK(weight_of(ctx, m, "i02", &dw, &ew, st, sizeof st));
    AQ_EQ_STR(st, "missing: no value in any unit");
    AQ_CHECK(weight_of(ctx, m, "i01", &dw, &ew, st, sizeof st));
    AQ_NEAR(ew, 2.0 / 3, 1e-12);
    AQ_CHECK(weight_of(ctx, m, "services", &dw, &ew, st, sizeof st));
    AQ_EQ_STR(st, "dropped: no indicator left");
    AQ_NEAR(dw, 0.5, 1e-12);
    AQ_NEAR(ew, 0, 0);
    AQ_CHECK(weight_of(ctx, m, "economy", &dw, &ew, st, sizeof st));
    AQ_NEAR(ew, 1, 1e-12);
    static const double want[5] = {50.0 / 3, 50, 250.0 / 3, 25.0 / 3, 275.0 / 3};
    check_scores(ctx, m, t, want);
    /* the same as the methodology written without i02 and its pillar */
    aq_method *m2 = parse(ctx, "name: m\nid: code\npopulation: pop\nindicators:\n"
                               "  - {code: i01, direction: 1, weight: 2, pillar: economy}\n"
                               "  - {code: i16, direction: -1, weight: 1, pillar: economy}\n"
                               "pillars:\n  - {code: economy, weight: 1}\n");
    aq_index *a = NULL, *b = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &a), AQ_OK);
    AQ_EQ_INT(aq_index_compute(ctx, m2, t, &b), AQ_OK);
    for (size_t i = 0; a && b && i < 5; i++)
        AQ_CHECK(aq_index_scores(a)[i] == aq_index_scores(b)[i]);
    aq_index_free(a);
    aq_index_free(b);
    aq_method_free(m2);
    aq_table_free(t);
    aq_method_free(m);
}

static void test_rule_on_missing(aq_ctx *ctx)
{
    /* a class rule on a pillar left without indicators cannot be evaluated */
    aq_method *m = parse(ctx, "name: m\nid: code\nindicators:\n"
                              "  - {code: i01, pillar: a}\n  - {code: i02, pillar: b}\n"
                              "pillars:\n  - {code: a}\n  - {code: b}\n"
                              "classes:\n  - {name: odd, when: \"pillar.b > 50\"}\n"
                              "  - {name: rest}\n");
    aq_table *t = table(ctx, "i02", NULL);
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 1), AQ_ENOTFOUND);
    AQ_CHECK(strstr(aq_errmsg(ctx), "m.yaml:10: class rule 'odd' uses 'pillar.b'"));
    aq_method_free(m);
    /* nothing missing: the report says every weight is used, as declared */
    m = parse(ctx, METHOD);
    aq_table_free(t);
    t = table(ctx, NULL, NULL);
    AQ_EQ_INT(aq_method_restrict(ctx, m, t, 0), AQ_OK);
    AQ_EQ_INT(aq_method_nmissing(m), 0);
    double dw = 0, ew = 0;
    char st[64];
    AQ_CHECK(weight_of(ctx, m, "i16", &dw, &ew, st, sizeof st));
    AQ_NEAR(dw, 1.0 / 6, 1e-12);
    AQ_NEAR(ew, 1.0 / 6, 1e-12);
    aq_index *r = NULL;
    AQ_EQ_INT(aq_index_compute(ctx, m, t, &r), AQ_OK);
    AQ_CHECK(r && !strstr(aq_index_reason(r, 0), "not in the data"));
    aq_index_free(r);
    aq_table_free(t);
    aq_method_free(m);
}

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    test_error_lists_all(ctx);
    test_within_pillar(ctx);
    test_pillar_dropped(ctx);
    test_rule_on_missing(ctx);
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
