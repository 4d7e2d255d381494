/*
 * period.c -- periods of observations, normalised so that '2022', 2022.0
 * and ' 2022 ' are one period: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD, and
 * the two periods statistics offices publish that are none of those: the
 * half-year YYYY-Hn (H1 = January-June) and the cumulative first n months
 * of a year, YYYY-nM (2008-9M = January-September 2008). The first three
 * and six months are Q1 and H1, and twelve months the year, so each span
 * has one spelling. The labels of Russian and Kazakh tables ('I квартал
 * 2008 года', '9 месяцев 2008 года', '2008 жыл') are read into these.
 */
#include "aq_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool aq__period_from_number(double v, char out[16])
{
    if (!(v >= 1000 && v <= 9999) || floor(v) != v)
        return false;
    snprintf(out, 16, "%04d", (int)v);
    return true;
}

bool aq__period_normalise(const char *s, char out[16])
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        n--;
    if (n < 4 || !digits(s, 4))
        return false;
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    if (year < 1000)
        return false;
    if (n == 4 || (n == 6 && s[4] == '.' && s[5] == '0')) { /* 2022, 2022.0 from a spreadsheet */
        snprintf(out, 16, "%04d", year);
        return true;
    }
    const char *r = s + 4;
    size_t m = n - 4;
    /* Quarters: 2022-Q1, 2022Q1, 2022 Q1, 2022-q1 */
    if ((m == 3 && (r[0] == '-' || r[0] == ' ') && (r[1] == 'Q' || r[1] == 'q')) ||
        (m == 2 && (r[0] == 'Q' || r[0] == 'q'))) {
        char q = r[m - 1];
        if (q < '1' || q > '4')
            return false;
        snprintf(out, 16, "%04d-Q%c", year, q);
        return true;
    }
    /* Half-years 2022-H1, cumulative months 2022-9M (see the top). */
    if (m == 3 && r[0] == '-' && (r[1] == 'H' || r[1] == 'h') && (r[2] == '1' || r[2] == '2')) {
        snprintf(out, 16, "%04d-H%c", year, r[2]);
        return true;
    }
    if ((m == 3 || m == 4) && r[0] == '-' && (r[m - 1] == 'M' || r[m - 1] == 'm') && digits(r + 1, (int)m - 2)) {
        int months = m == 3 ? r[1] - '0' : (r[1] - '0') * 10 + (r[2] - '0');
        return aq__period_months(year, months, out);
    }
    if (m == 3 && r[0] == '-' && digits(r + 1, 2)) { /* 2022-03 */
        int month = (r[1] - '0') * 10 + (r[2] - '0');
        if (month < 1 || month > 12)
            return false;
        snprintf(out, 16, "%04d-%02d", year, month);
        return true;
    }
    if (m == 6 && r[0] == '-' && digits(r + 1, 2) && r[3] == '-' && digits(r + 4, 2)) {
        int month = (r[1] - '0') * 10 + (r[2] - '0'), day = (r[4] - '0') * 10 + (r[5] - '0');
        static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1])
            return false;
        if (month == 2 && day == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
            return false;
        snprintf(out, 16, "%04d-%02d-%02d", year, month, day);
        return true;
    }
    return false;
}

bool aq__period_months(int year, int months, char out[16])
{
    if (months < 1 || months > 12 || year < 1000 || year > 9999)
        return false;
    if (months == 12)
        snprintf(out, 16, "%04d", year);
    else if (months == 3)
        snprintf(out, 16, "%04d-Q1", year);
    else if (months == 6)
        snprintf(out, 16, "%04d-H1", year);
    else
        snprintf(out, 16, "%04d-%dM", year, months);
    return true;
}

bool aq__period_end(const char *period, char out[11])
{
    char p[16];
    if (!aq__period_normalise(period, p))
        return false;
    int year = (int)strtol(p, NULL, 10), month = 12;
    size_t n = strlen(p);
    if (n == 10) {
        memcpy(out, p, 11);
        return true;
    }
    if (n == 7 && p[5] == 'Q')
        month = (p[6] - '0') * 3;
    else if (n == 7 && p[5] == 'H')
        month = (p[6] - '0') * 6;
    else if (n > 5 && p[n - 1] == 'M')
        month = (int)strtol(p + 5, NULL, 10);
    else if (n == 7)
        month = (int)strtol(p + 5, NULL, 10);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int day = mdays[month - 1] + (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0));
    char date[32];
    snprintf(date, sizeof date, "%04d-%02d-%02d", year % 10000, month, day);
    memcpy(out, date, 11);
    return true;
}

/* ---- labels of Russian and Kazakh tables ---- */

/* Month names, nominative and genitive (ru), and Kazakh; index + 1 is the
 * month. */
static const char *const month_words[12][5] = {
    {"январь", "января", "қаңтар", "қаңтардың"},     {"февраль", "февраля", "ақпан", "ақпанның"},
    {"март", "марта", "наурыз", "наурыздың"},         {"апрель", "апреля", "сәуір", "сәуірдің"},
    {"май", "мая", "мамыр", "мамырдың"},             {"июнь", "июня", "маусым", "маусымның"},
    {"июль", "июля", "шілде", "шілденің"},           {"август", "августа", "тамыз", "тамыздың"},
    {"сентябрь", "сентября", "қыркүйек", "қыркүйектің"}, {"октябрь", "октября", "қазан", "қазанның"},
    {"ноябрь", "ноября", "қараша", "қарашаның"},     {"декабрь", "декабря", "желтоқсан", "желтоқсанның"}};

static bool word_in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(w, *list) == 0)
            return true;
    return false;
}

static const char *const year_words[] = {"год", "года", "году", "г", "годы", "жыл", "жылы", "жылғы", "жылдың",
                                         "жылға", "ж", NULL};
static const char *const quarter_words[] = {"квартал", "квартала", "квартале", "кв", "тоқсан", "тоқсаны",
                                            "тоқсанда", "тоқсандағы", "токсан", NULL};
static const char *const half_words[] = {"полугодие", "полугодия", "полугодии", "жартыжылдық", "жартыжылдығы",
                                         "жартыжылдықта", NULL};
static const char *const month_count_words[] = {"месяц", "месяца", "месяцев", "мес", "ай", "айы", "айда",
                                                "айдағы", "айында", NULL};
/* Words that carry no period: prepositions, ordinal endings (1-й, 1-ші),
 * the "half" of "жарты жылдық" and "period" itself. */
static const char *const filler_words[] = {"за", "на", "в", "по", "й", "ый", "ші", "шы", "інші", "ыншы", "жарты",
                                           "жылдық", "период", "кезең", NULL};

/* An ordinal: roman I..IV (Latin letters, or the Kazakh/Ukrainian і), or a
 * number 1..31. */
static int ordinal(const char *w)
{
    static const char *const roman[] = {"i", "ii", "iii", "iv", "і", "іі", "ііі", "іv", NULL};
    for (int k = 0; roman[k]; k++)
        if (strcmp(w, roman[k]) == 0)
            return k % 4 + 1;
    size_t n = strlen(w);
    if (n >= 1 && n <= 2 && digits(w, (int)n))
        return (int)strtol(w, NULL, 10);
    return 0;
}

bool aq__period_from_label(const char *label, char out[16])
{
    if (!label)
        return false;
    if (aq__period_normalise(label, out))
        return true;
    utf8proc_uint8_t *fold = NULL;
    if (utf8proc_map((const utf8proc_uint8_t *)label, 0, &fold,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
        return false;
    for (char *c = (char *)fold; *c; c++)
        if ((unsigned char)c[0] == 0xC2 && (unsigned char)c[1] == 0xA0) /* no-break space */
            c[0] = ' ', c[1] = ' ';
        else if ((unsigned char)c[0] == 0xE2 && (unsigned char)c[1] == 0x80 &&
                 ((unsigned char)c[2] == 0x93 || (unsigned char)c[2] == 0x94)) /* en and em dashes */
            c[0] = c[1] = c[2] = ' ';
    int year = 0, nth = 0, first_month = 0, last_month = 0, day = 0, what = 0; /* 'q', 'h', 'm' */
    bool ok = true;
    char *save = NULL;
    /* Words are split at spaces, dashes and punctuation; '2008г' and a
     * footnote mark stuck to a word ('года3)') are taken apart below. */
    for (char *w = strtok_r((char *)fold, " \t-,.;:()", &save); w && ok;
         w = strtok_r(NULL, " \t-,.;:()", &save)) {
        size_t n = strlen(w);
        if (n >= 6 && digits(w, 4) && !isdigit((unsigned char)w[4])) { /* 2008г, 2008ж */
            char y[5] = {w[0], w[1], w[2], w[3], 0};
            if (year || !word_in(w + 4, year_words))
                ok = false;
            year = (int)strtol(y, NULL, 10);
            continue;
        }
        while (n > 1 && isdigit((unsigned char)w[n - 1]) && !isdigit((unsigned char)w[0]))
            w[--n] = '\0'; /* 'года3' of 'года3)': the footnote's number */
        if (n == 4 && digits(w, 4)) {
            ok = !year;
            year = (int)strtol(w, NULL, 10);
        } else if (ordinal(w)) {
            ok = !nth;
            nth = ordinal(w);
        } else if (word_in(w, year_words) || word_in(w, filler_words)) {
            continue;
        } else if (word_in(w, quarter_words) || word_in(w, half_words) || word_in(w, month_count_words)) {
            ok = !what;
            what = word_in(w, quarter_words) ? 'q' : word_in(w, half_words) ? 'h' : 'm';
        } else {
            int month = 0;
            for (int k = 0; k < 12 && !month; k++)
                if (word_in(w, month_words[k]))
                    month = k + 1;
            if (!month)
                ok = false; /* a word that is no part of a period: not a label */
            else if (!first_month)
                first_month = month;
            else if (!last_month)
                last_month = month;
            else
                ok = false;
        }
    }
    free(fold);
    if (!ok || year < 1000)
        return false;
    if (first_month && nth && !what) { /* "на 1 января 2023 года": a date */
        day = nth;
        static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (last_month || day > mdays[first_month - 1])
            return false;
        char date[32];
        snprintf(date, sizeof date, "%04d-%02d-%02d", year % 10000, first_month, day);
        return aq__period_normalise(date, out);
    }
    if (first_month) { /* январь 2008; январь-сентябрь 2008 (cumulative) */
        if (what || nth)
            return false;
        if (!last_month) {
            char month[32];
            snprintf(month, sizeof month, "%04d-%02d", year % 10000, first_month);
            return aq__period_normalise(month, out);
        }
        return first_month == 1 && aq__period_months(year, last_month, out);
    }
    switch (what) {
    case 'q':
        if (nth < 1 || nth > 4)
            return false;
        snprintf(out, 16, "%04d-Q%d", year, nth);
        return true;
    case 'h':
        if (nth < 1 || nth > 2)
            return false;
        snprintf(out, 16, "%04d-H%d", year, nth);
        return true;
    case 'm':
        return aq__period_months(year, nth, out);
    default:
        if (nth)
            return false;
        snprintf(out, 16, "%04d", year);
        return true;
    }
}
