/*
 * fmt_double.c -- aq_format_double: the shortest text that reads back as
 * the same double, in the style of the "%.15g, else %.16g, else %.17g"
 * printf loop (which it reproduces byte for byte), without printf.
 *
 * Why not printf: glibc prints every digit through multi-precision
 * arithmetic (__printf_fp_l, __mpn_divrem) and the loop needs strtod to
 * check each try; that was about a third of `aimaq access` writing a
 * million travel times. Why not a library: Debian's double-conversion is
 * C++ and the build is C only; Ryu's tables are more code than the values
 * aimaq writes need.
 *
 * How: a double v = m * 2^-s (53-bit m) in [2^-14, 2^53) is an exact
 * rational, so for each precision p the correctly rounded p-digit decimal
 * D * 10^-k and the test "D * 10^-k rounds back to v" (|x - v| below half
 * the gap to each neighbour, ties to even as strtod does) are exact
 * integer arithmetic in 128 bits. The smallest p in 1..17 that passes is
 * the shortest; it is printed with the precision printf would have used
 * (15, 16 or 17) so exponents appear where they did. Values outside that
 * range (tiny, huge, subnormal, infinite, NaN) are rare in tables and take
 * the printf loop, which is correct, only slower.
 */
#include "aq_int.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

static u128 pow10_u128(int k)
{
    static const u128 table[24] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
    (u128)100000000ULL * 1000000000000ULL + 0ULL,
    (u128)1000000000ULL * 1000000000000ULL + 0ULL,
    (u128)10000000000ULL * 1000000000000ULL + 0ULL,
    (u128)100000000000ULL * 1000000000000ULL + 0ULL};
    return table[k];
}

/* v = m * 2^-s rounded to P significant digits, E10 the exponent of v's
 * leading digit: sets *D and reports whether D * 10^-(P-1-E10) reads back
 * as v. */
static bool try_digits(uint64_t m, int s, int e10, int p, uint64_t *d)
{
    int k = p - 1 - e10;
    u128 a = pow10_u128(k > 0 ? k : 0), b = pow10_u128(k < 0 ? -k : 0);
    u128 num = (u128)m * a, den = b << s;
    u128 q = num / den, r = num - q * den;
    if (2 * r > den || (2 * r == den && (q & 1)))
        q++; /* round half to even, as printf does */
    *d = (uint64_t)q;
    /* in quarters of v's gap to its neighbours, times 10^k */
    u128 x = (q * b) << (s + 2), vv = num << 2, quarter = a;
    bool even = (m & 1) == 0;
    if (x >= vv)
        return x - vv < 2 * quarter || (even && x - vv == 2 * quarter);
    if (m == UINT64_C(1) << 52) /* a power of two: the gap below is half */
        return vv - x <= quarter;
    return vv - x < 2 * quarter || (even && vv - x == 2 * quarter);
}

/* The printf loop: correct for every double, the reference for the fast
 * path (tests compare the two). */
static int format_printf(double v, char buf[32])
{
    int n = 0;
    for (int p = 15; p <= 17; p++) {
        n = snprintf(buf, 32, "%.*g", p, v);
        if (p == 17 || strtod(buf, NULL) == v || isnan(v))
            break;
    }
    return n;
}

/* Digits DIG (N of them, no trailing zeros) times 10^E10 of the leading
 * digit, laid out as "%.Pg" lays them out. */
static int layout(char *out, bool neg, const char *dig, int n, int e10, int prec)
{
    char *o = out;
    if (neg)
        *o++ = '-';
    if (e10 < -4 || e10 >= prec) {
        *o++ = dig[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, dig + 1, (size_t)(n - 1));
            o += n - 1;
        }
        *o++ = 'e';
        *o++ = e10 < 0 ? '-' : '+';
        int a = e10 < 0 ? -e10 : e10;
        if (a >= 100)
            *o++ = (char)('0' + a / 100);
        *o++ = (char)('0' + a / 10 % 10);
        *o++ = (char)('0' + a % 10);
    } else if (e10 < 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = -1; i > e10; i--)
            *o++ = '0';
        memcpy(o, dig, (size_t)n);
        o += n;
    } else {
        for (int i = 0; i <= e10; i++)
            *o++ = i < n ? dig[i] : '0';
        if (n > e10 + 1) {
            *o++ = '.';
            memcpy(o, dig + e10 + 1, (size_t)(n - e10 - 1));
            o += n - e10 - 1;
        }
    }
    *o = '\0';
    return (int)(o - out);
}

int aq_format_double(double v, char buf[32])
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    bool neg = bits >> 63;
    int be = (int)(bits >> 52 & 0x7ff);
    uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
    if (be == 0 && m == 0)
        return layout(buf, neg, "0", 1, 0, 15);
    /* [2^-14, 2^53): s = 1075 - be in [1, 66] keeps every product below
     * 2^126 (m * 4 * 10^21 and D * 2^68 with D < 10^17). */
    if (be == 0 || be - 1075 >= 0 || 1075 - be > 66)
        return format_printf(v, buf);
    int s = 1075 - be;
    m |= UINT64_C(1) << 52;
    double av = neg ? -v : v;
    int e10 = (int)floor(log10(av)); /* right or off by one: fixed here */
    for (;;) {
        int k = 16 - e10;
        if (k > 21 || -k > 21)
            return format_printf(v, buf);
        u128 a = pow10_u128(k > 0 ? k : 0), b = pow10_u128(k < 0 ? -k : 0);
        u128 q = (u128)m * a / (b << s);
        if (q >= pow10_u128(17))
            e10++;
        else if (q < pow10_u128(16))
            e10--;
        else
            break;
    }
    if (16 - e10 > 21 || e10 - 16 > 21)
        return format_printf(v, buf);
    /* The nearest p-digit decimal is never farther from v than the nearest
     * (p-1)-digit one, so "reads back" is monotone in p and a binary search
     * finds the smallest p; 17 always reads back. A power of two has a
     * narrower gap below, where that argument fails: search it linearly. */
    uint64_t best = 0, d;
    int bestp = 17;
    if (m == UINT64_C(1) << 52) {
        for (int p = 1; p <= 17; p++)
            if (try_digits(m, s, e10, p, &d)) {
                best = d;
                bestp = p;
                break;
            }
    } else {
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (try_digits(m, s, e10, mid, &d))
                hi = mid;
            else
                lo = mid + 1;
        }
        bestp = lo;
        try_digits(m, s, e10, bestp, &best);
    }
    int lead = e10;
    if (best == (uint64_t)pow10_u128(bestp)) { /* 9.96 to one digit is 10 */
        best /= 10;
        lead++;
    }
    char dig[24];
    int n = 0;
    char tmp[24];
    int t = 0;
    for (uint64_t r = best; r; r /= 10)
        tmp[t++] = (char)('0' + r % 10);
    while (t)
        dig[n++] = tmp[--t];
    while (n > 1 && dig[n - 1] == '0')
        n--;
    return layout(buf, neg, dig, n, lead, bestp <= 15 ? 15 : bestp);
}
