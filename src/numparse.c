/*
 * numparse.c -- numbers as statistics offices write them.
 *
 * '1 234,5', '1,234.5', '1234.5', '-3e4', '−12' (U+2212). The decimal mark is
 * given by the caller (decided per column by the reader); the other mark,
 * spaces, U+00A0, U+202F and apostrophes are thousands separators, accepted
 * only between groups of exactly three digits so that '1,5' is never read as
 * fifteen, and never after a leading zero, so that '0.125' is never 125.
 * '2.500' still reads both ways (2.5 or 2500): the reader decides such a
 * column from its other values (aq__number_ambiguous) and says so when
 * nothing decides it.
 *
 * Most numbers in real tables have at most 19 significant digits and a
 * small decimal exponent; for those the value m / 10^k is computed exactly
 * with one correctly rounded IEEE division (Clinger's fast path), which is
 * what makes reading a million-row table take a fraction of a second.
 * Everything else goes through strtod on a cleaned copy. aimaq never calls
 * setlocale, so strtod always uses '.'.
 */
#include "aq_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Length of a thousands separator at s (0 if none): space, apostrophe, the
 * non-decimal mark, U+00A0, U+202F, U+2009 (thin space), U+2019. */
static size_t group_sep(const char *s, const char *end, char decimal)
{
    unsigned char c = (unsigned char)*s;
    if (c == ' ' || c == '\'' || (c == ',' && decimal == '.') || (c == '.' && decimal == ','))
        return 1;
    if (c == 0xC2 && s + 1 < end && (unsigned char)s[1] == 0xA0)
        return 2;
    if (c == 0xE2 && s + 2 < end && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0xAF || (unsigned char)s[2] == 0x89 || (unsigned char)s[2] == 0x99))
        return 3;
    return 0;
}


/* The common case, '-123.456' with no separators, signs or exponents
 * beyond a leading minus: parsed without copying. Returns 0 to hand the
 * token to the general parser. */
static int plain_number(const char *p, const char *end, char decimal, double *out)
{
    bool negative = p < end && *p == '-';
    p += negative;
    uint64_t mant = 0;
    int ndigits = 0, exp10 = 0;
    const char *start = p;
    while (p < end && is_digit(*p) && ndigits < 19) {
        mant = mant * 10 + (uint64_t)(*p++ - '0');
        ndigits += mant != 0;
    }
    if (p < end && *p == decimal) {
        p++;
        while (p < end && is_digit(*p) && ndigits < 19) {
            mant = mant * 10 + (uint64_t)(*p++ - '0');
            ndigits += mant != 0;
            exp10--;
        }
    }
    if (p != end || p == start || (p == start + 1 && *start == decimal) || mant >= (UINT64_C(1) << 53) ||
        exp10 < -22)
        return 0;
    double v = exp10 < 0 ? (double)mant / pow10_exact[-exp10] : (double)mant;
    *out = negative ? -v : v;
    return 1;
}

int aq_parse_number(const char *s, size_t len, char decimal, double *out)
{
    if (plain_number(s, s + len, decimal, out))
        return 1;
    const char *p = s, *end = s + len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    if (p == end)
        return 0;

    bool negative = false;
    if (*p == '-' || *p == '+') {
        negative = *p == '-';
        p++;
    } else if (end - p >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x88 &&
               (unsigned char)p[2] == 0x92) { /* U+2212 MINUS SIGN */
        negative = true;
        p += 3;
    }

    /* Collect the digits into `clean` (for the slow path) and the mantissa. */
    char clean[128];
    size_t nclean = 0;
    uint64_t mant = 0;
    int ndigits = 0, exp10 = 0; /* significant digits kept; decimal exponent */
    bool any_digit = false, fast = true;
    int group_len = -1;         /* digits since the last separator; -1 = none seen */
    int lead_len = 0;           /* digits before the first separator */
    bool lead_zero = false;     /* the number's first digit is a zero */

    if (negative)
        clean[nclean++] = '-';
    while (p < end) {
        if (is_digit(*p)) {
            if (nclean >= sizeof clean - 8)
                return 0;
            clean[nclean++] = *p;
            if (mant || *p != '0') {
                if (ndigits < 19) {
                    mant = mant * 10 + (uint64_t)(*p - '0');
                    ndigits++;
                } else {
                    exp10++;
                    fast = false;
                }
            }
            if (!any_digit)
                lead_zero = *p == '0';
            any_digit = true;
            if (group_len >= 0)
                group_len++;
            else
                lead_len++;
            p++;
            continue;
        }
        size_t sep = group_sep(p, end, decimal);
        if (sep && *p != decimal) {
            /* A separator needs 1-3 digits before the first one and exactly
             * three between separators, and a digit right after it. A
             * leading zero never starts a group: '0,125' and '0.125' are
             * a fraction whatever the decimal mark, never 125. */
            if (group_len < 0 ? (lead_len < 1 || lead_len > 3 || lead_zero) : group_len != 3)
                return 0;
            if (p + sep >= end || !is_digit(p[sep]))
                return 0;
            group_len = 0;
            p += sep;
            continue;
        }
        break;
    }
    if (group_len >= 0 && group_len != 3)
        return 0;
    if (p < end && *p == decimal) {
        p++;
        clean[nclean++] = '.';
        while (p < end && is_digit(*p)) {
            if (nclean >= sizeof clean - 8)
                return 0;
            clean[nclean++] = *p;
            if (mant || *p != '0') {
                if (ndigits < 19) {
                    mant = mant * 10 + (uint64_t)(*p - '0');
                    ndigits++;
                    exp10--;
                } else {
                    fast = false;
                }
            } else {
                exp10--;
            }
            any_digit = true;
            p++;
        }
    }
    if (!any_digit)
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        int esign = 1, e = 0;
        if (q < end && (*q == '+' || *q == '-')) {
            esign = *q == '-' ? -1 : 1;
            q++;
        }
        if (q == end || !is_digit(*q))
            return 0;
        clean[nclean++] = 'e';
        if (esign < 0)
            clean[nclean++] = '-';
        while (q < end && is_digit(*q)) {
            if (e < 100000)
                e = e * 10 + (*q - '0');
            if (nclean < sizeof clean - 2)
                clean[nclean++] = *q;
            q++;
        }
        exp10 += esign * e;
        p = q;
    }
    if (p != end)
        return 0;
    clean[nclean] = '\0';

    if (fast && mant < (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double v = (double)mant;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
        *out = negative ? -v : v;
        return 1;
    }
    char *stop;
    double v = strtod(clean, &stop);
    if (*stop != '\0' || isinf(v))
        return 0;
    *out = v;
    return 1;
}

bool aq__number_ambiguous(const char *s, size_t len, double *with_point, double *with_comma)
{
    /* Only a token holding a mark can differ; most cells hold none. */
    if (!memchr(s, '.', len) && !memchr(s, ',', len))
        return false;
    double a, b;
    if (!aq_parse_number(s, len, '.', &a) || !aq_parse_number(s, len, ',', &b) || a == b)
        return false;
    if (with_point)
        *with_point = a;
    if (with_comma)
        *with_comma = b;
    return true;
}

int aq_parse_number_typed(const char *s, size_t len, char decimal, double *out)
{
    /* A person typing one value gives no column to learn the decimal mark
     * from, so both readings are tried: '2 917,9' and '2 917.9' each read
     * only one way, and only text such as '1,234' that reads both ways
     * (1.234 or 1234) needs the page's convention. */
    double point, comma;
    if (aq__number_ambiguous(s, len, &point, &comma)) {
        if (decimal != ',' && decimal != '.')
            return -1;
        *out = decimal == ',' ? comma : point;
        return 1;
    }
    return aq_parse_number(s, len, '.', out) || aq_parse_number(s, len, ',', out);
}
