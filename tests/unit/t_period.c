/*
 * t_period.c -- periods and the period labels of Russian and Kazakh
 * tables. The labels are those of the BNS workbook tests/data/bns/ (its
 * header row, spaces and footnote marks as published) and the Kazakh forms
 * of the same bureau's tables; the codes are the ones docs/import.md
 * defines (YYYY-Hn half-years, YYYY-nM cumulative months).
 */
#include "aq_test.h"
#include "aq_int.h"

static const struct { const char *label, *want; } labels[] = {
    {"2008 год", "2008"},
    {"I квартал         2008 года", "2008-Q1"},
    {"I полугодие 2008 года", "2008-H1"},
    {"I полугодие         2016 года", "2016-H1"},
    {"9 месяцев 2008 года", "2008-9M"},
    {"9 месяцев    2019 года3)", "2019-9M"},
    {"I полугодие         2022 года4) ", "2022-H1"},
    {"2008 жыл", "2008"},
    {"2008 жылғы I тоқсан", "2008-Q1"},
    {"2008 жылғы 9 айы", "2008-9M"},
    {"I жартыжылдық 2010", "2010-H1"},
    {"IV квартал 2021 г.", "2021-Q4"},
    {"II полугодие 2020 года", "2020-H2"},
    {"2015г.", "2015"},
    {"январь-сентябрь 2008", "2008-9M"},
    {"январь–июнь 2008 года", "2008-H1"},
    {"март 2023 года", "2023-03"},
    {"на 1 января 2023 года", "2023-01-01"},
    {"6 месяцев 2009 года", "2009-H1"},
    {"12 месяцев 2009 года", "2009"},
    {"2008-H2", "2008-H2"},
    {"2008-9m", "2008-9M"},
    {"2008-3M", "2008-Q1"},
    {"2022-Q3", "2022-Q3"},
};

static const char *const not_labels[] = {
    "Республика Казахстан", "Акмолинская", "V квартал 2008 года", "III полугодие 2008", "2008-13M",
    "13 месяцев 2008 года", "2008 2009", "квартал", "2008-H3", "на 31 февраля 2023 года", "",
};

int main(void)
{
    AQ_TEST_BEGIN();
    char out[16];
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        bool ok = aq__period_from_label(labels[i].label, out);
        AQ_CHECK(ok);
        if (ok && strcmp(out, labels[i].want) != 0)
            fprintf(stderr, "'%s' -> '%s', expected '%s'\n", labels[i].label, out, labels[i].want);
        AQ_CHECK(ok && strcmp(out, labels[i].want) == 0);
    }
    for (size_t i = 0; i < sizeof not_labels / sizeof not_labels[0]; i++) {
        bool ok = aq__period_from_label(not_labels[i], out);
        if (ok)
            fprintf(stderr, "'%s' read as the period '%s'\n", not_labels[i], out);
        AQ_CHECK(!ok);
    }
    /* The last day of each kind of period: a unit is valid for a period
     * when it exists at its end (the reform of 2018-06-19). */
    static const struct { const char *p, *end; } ends[] = {
        {"2018", "2018-12-31"}, {"2018-Q1", "2018-03-31"}, {"2018-H1", "2018-06-30"},
        {"2018-9M", "2018-09-30"}, {"2020-02", "2020-02-29"}, {"2018-05-17", "2018-05-17"}};
    char end[11];
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        AQ_CHECK(aq__period_end(ends[i].p, end) && strcmp(end, ends[i].end) == 0);
    AQ_CHECK(!aq__period_end("later", end));
    AQ_TEST_END();
}
