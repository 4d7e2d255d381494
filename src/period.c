/*
 * period.c -- periods of observations, normalised so that '2022', 2022.0
 * and ' 2022 ' are one period: YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD.
 */
#include "aq_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
