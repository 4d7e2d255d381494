/*
 * t_table_layout.c -- finding the table on a sheet as published: the rows
 * of the BNS workbook's sheet 'тыс.тенге' (tests/data/bns/, its first
 * columns), a two-row header with a merged year, a plain table, footnote
 * marks, and every allocation failure.
 */
#include "aq_test.h"
#include "table.h"

static aq_ctx *ctx;

/* A grid of text cells from rows of NCOLS strings (NULL = blank). */
static aq_table *grid(const char *const *cells, size_t nrows, size_t ncols)
{
    aq_table *g = NULL;
    if (aq_table_new(ctx, nrows, &g))
        return NULL;
    for (size_t j = 0; j < ncols; j++) {
        char nm[32]; /* "Field" and any size_t: -O1 (Asan) warns of truncation at 16 */
        snprintf(nm, sizeof nm, "Field%zu", j + 1);
        aq_table_add_column(ctx, g, nm, AQ_COL_TEXT, NULL);
    }
    for (size_t i = 0; i < nrows; i++)
        for (size_t j = 0; j < ncols; j++)
            aq_table_set_text(ctx, g, j, i, cells[i * ncols + j]);
    aq__table_set_source(ctx, g, "bns.xlsx");
    return g;
}

static const char *const bns[] = {
    "Валовой региональный продукт на душу населения1)", NULL, NULL, NULL,
    NULL, NULL, NULL, " тыс.тенге",
    NULL, "I квартал         2008 года", "I полугодие 2008 года", "9 месяцев    2019 года3)",
    "Республика Казахстан", "205.6", "460.5", "754.2",
    "Актюбинская", "246", "563.6", "885.2",
    "Туркестанская2)", NULL, NULL, "838.2",
    NULL, NULL, NULL, NULL,
    "1) расчеты ВРП по кварталам начали прозводиться только с 2008 года.", NULL, NULL, NULL,
    "2) c 1990 по 2018 годы Туркестанская область и город Шымкент были в составе Южно-Казахстанской области.", NULL, NULL, NULL,
};

static void workbook(void)
{
    aq_table *g = grid(bns, 9, 4), *t = NULL;
    bool plain = true;
    AQ_EQ_INT(aq__table_layout(ctx, g, NULL, &t, &plain), AQ_OK);
    AQ_CHECK(!plain && t);
    if (!t) {
        aq_table_free(g);
        return;
    }
    AQ_EQ_INT(aq_table_ncols(t), 4);
    AQ_EQ_INT(aq_table_nrows(t), 3);
    AQ_EQ_STR(aq_table_colname(t, 0), "column 1");
    AQ_EQ_STR(aq_table_colname(t, 1), "I квартал 2008 года");
    AQ_EQ_STR(aq_table_colname(t, 3), "9 месяцев 2019 года");
    AQ_EQ_STR(aq_table_text(t, 0, 2), "Туркестанская");
    AQ_EQ_STR(aq_table_text(t, 3, 2), "838.2");
    AQ_EQ_INT(aq_table_source_line(t, 0), 4);
    AQ_EQ_INT(aq_table_source_line(t, 2), 6);
    AQ_EQ_STR(t->title, "Валовой региональный продукт на душу населения");
    AQ_EQ_STR(t->measure, "тыс.тенге");
    AQ_EQ_STR(t->footnotes, "1) расчеты ВРП по кварталам начали прозводиться только с 2008 года.\n"
                        "2) c 1990 по 2018 годы Туркестанская область и город Шымкент были в составе Южно-Казахстанской области.");
    AQ_EQ_INT(t->header_row, 3);
    aq_table_free(t);
    /* --header-row 3 finds the same; --skip-rows past the end is refused. */
    aq__layout_opts o = {3, 0};
    t = NULL;
    AQ_EQ_INT(aq__table_layout(ctx, g, &o, &t, &plain), AQ_OK);
    AQ_CHECK(t && aq_table_nrows(t) == 3);
    aq_table_free(t);
    aq__layout_opts far = {0, 9};
    AQ_EQ_INT(aq__table_layout(ctx, g, &far, &t, &plain), AQ_EINPUT);
    AQ_CHECK(strstr(aq_errmsg(ctx), "skipping 9 leaves none") != NULL);
    /* Every allocation failure is reported, nothing leaks (valgrind). */
    int failures = 0;
    for (long n = 1; n < 300; n++) {
        aq_table *u = NULL;
        aq_debug_fail_alloc_after(n);
        int rc = aq__table_layout(ctx, g, NULL, &u, &plain);
        aq_debug_fail_alloc_after(0);
        if (rc == AQ_OK) {
            aq_table_free(u);
            break;
        }
        failures++;
        AQ_CHECK(rc == AQ_ENOMEM && u == NULL);
    }
    AQ_CHECK(failures > 10);
    aq_table_free(g);
}

static void merged_header(void)
{
    static const char *const cells[] = {
        "Численность населения", NULL, NULL, NULL, NULL,
        NULL, "2017", NULL, "2018", NULL,
        "Наименование", "I квартал", "год", "I квартал", "год",
        "Акмолинская область", NULL, NULL, NULL, NULL,
        "Аршалынский район", "11", "12", "13", "14",
    };
    aq_table *g = grid(cells, 5, 5), *t = NULL;
    bool plain = true;
    AQ_EQ_INT(aq__table_layout(ctx, g, NULL, &t, &plain), AQ_OK);
    AQ_CHECK(t && aq_table_ncols(t) == 5 && aq_table_nrows(t) == 2);
    if (t) {
        AQ_EQ_STR(aq_table_colname(t, 0), "Наименование");
        AQ_EQ_STR(aq_table_colname(t, 2), "2017 год");
        AQ_EQ_STR(aq_table_colname(t, 3), "2018 I квартал");
        AQ_EQ_STR(aq_table_text(t, 0, 0), "Акмолинская область"); /* a region's row, kept: its districts' parent */
        AQ_CHECK(t->measure == NULL && t->footnotes == NULL);
    }
    aq_table_free(t);
    aq_table_free(g);
}

static void plain_table(void)
{
    static const char *const cells[] = {"code", "name", "value", "110000000", "Акмолинская", "1.5"};
    aq_table *g = grid(cells, 2, 3), *t = NULL;
    bool plain = false;
    AQ_EQ_INT(aq__table_layout(ctx, g, NULL, &t, &plain), AQ_OK);
    AQ_CHECK(plain && t == NULL);
    aq_table_free(g);
}

static void labels(void)
{
    static const struct { const char *in, *out; } cases[] = {
        {"Туркестанская2)", "Туркестанская"}, {"9 месяцев    2019 года3)", "9 месяцев 2019 года"},
        {"I полугодие         2022 года4) ", "I полугодие 2022 года"}, {"Аккольский район*", "Аккольский район"},
        {"Всего¹", "Всего"}, {"Ауыл (1)", "Ауыл (1)"}, {" тыс.тенге", "тыс.тенге"}, {"2)", "2)"},
        {"г.Шымкент 1)2)", "г.Шымкент"}};
    aq_buf b = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        AQ_EQ_INT(aq__clean_label(ctx, cases[i].in, &b), AQ_OK);
        AQ_EQ_STR(b.data, cases[i].out);
    }
    aq__buf_free(&b);
}

int main(void)
{
    AQ_TEST_BEGIN();
    ctx = aq_ctx_new();
    workbook();
    merged_header();
    plain_table();
    labels();
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
