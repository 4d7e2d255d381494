/*
 * t_format_double.c -- aq_format_double against its definition: the
 * "%.15g, else %.16g, else %.17g" printf loop (shortest text that strtod
 * reads back, in printf's layout), byte for byte, on the hard cases and on
 * a million doubles from every part of the range (random bit patterns,
 * short decimals, integers, powers of two, neighbours of powers of ten).
 */
#include "aq_test.h"
#include "aimaq.h"

#include <float.h>
#include <jansson.h>
#include <stdint.h>

static int reference(double v, char buf[32])
{
    int n = 0;
    for (int p = 15; p <= 17; p++) {
        n = snprintf(buf, 32, "%.*g", p, v);
        if (strtod(buf, NULL) == v || isnan(v))
            break;
    }
    return n;
}

static uint64_t state = 88172645463325252u;
static uint64_t xorshift(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static int mismatches;
static void check(double v)
{
    char got[32], want[32];
    int n = aq_format_double(v, got), wn = reference(v, want);
    if (strcmp(got, want) || n != wn || n > 24) {
        if (mismatches++ < 20)
            fprintf(stderr, "%.17g: aq_format_double wrote '%s' (%d), printf loop '%s'\n", v, got, n, want);
    }
    if (!isnan(v) && strtod(got, NULL) != v && mismatches++ < 20)
        fprintf(stderr, "%.17g: '%s' does not read back\n", v, got);
}

int main(void)
{
    AQ_TEST_BEGIN();
    static const struct { double v; const char *want; } fixed[] = {
        {24.9524, "24.9524"},
        {9.0875740704265962e-05, "9.087574070426596e-05"},
        {0.1 + 0.2, "0.30000000000000004"},
        {99.99999999999999, "99.99999999999999"},
        {0.0, "0"},
        {-0.0, "-0"},
        {1.0, "1"},
        {100, "100"},
        {1e15, "1e+15"},
        {123456789012345.0, "123456789012345"},
        {1e16, "1e+16"},
        {9007199254740993.0, "9007199254740992"},
        {0.0001, "0.0001"},
        {1e-5, "1e-05"},
        {6.103515625e-05, "6.103515625e-05"},
        {5e-324, "4.94065645841247e-324"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {1e100, "1e+100"},
        {-7.1, "-7.1"},
        {2.0 / 3, "0.6666666666666666"},
        {INFINITY, "inf"},
        {-INFINITY, "-inf"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        char buf[32];
        aq_format_double(fixed[i].v, buf);
        if (strcmp(buf, fixed[i].want))
            fprintf(stderr, "%.17g: got '%s', want '%s'\n", fixed[i].v, buf, fixed[i].want);
        AQ_CHECK(strcmp(buf, fixed[i].want) == 0);
        check(fixed[i].v);
    }
    char nan_text[32];
    aq_format_double(NAN, nan_text);
    AQ_CHECK(strstr(nan_text, "nan") != NULL);

    /* every power of two and its neighbours (the uneven gap below), every
     * power of ten and its neighbours (the exponent estimate) */
    for (int e = -1074; e <= 1023; e++) {
        double p = ldexp(1, e);
        check(p);
        check(nextafter(p, 0));
        check(nextafter(p, INFINITY));
    }
    for (int e = -320; e <= 308; e++) {
        char t[16];
        snprintf(t, sizeof t, "1e%d", e);
        double p = strtod(t, NULL);
        check(p);
        check(nextafter(p, 0));
        check(nextafter(p, INFINITY));
    }
    for (long i = 0; i < 1000000; i++) {
        uint64_t r = xorshift();
        double v;
        switch (i % 5) {
        case 0: memcpy(&v, &r, sizeof v); break;                                  /* any bits */
        case 1: v = (double)(r % 10000000) / pow(10, (int)(xorshift() % 10)); break; /* short decimals */
        case 2: v = (double)(int64_t)(r % 2000000001) - 1e9; break;                /* integers */
        case 3: v = ldexp((double)(r >> 11), -(int)(xorshift() % 140)); break;     /* fractions */
        default: v = (double)(r % 100000000) / 7.0 * (r & 1 ? 1 : -1); break;      /* 17 digits */
        }
        check(v);
    }
    AQ_CHECK(mismatches == 0);

    /* aq_json_text lays documents out as jansson does (reals whose %.17g is
     * already short print alike), and writes reals jansson cannot */
    json_t *doc = json_pack("{s:s, s:I, s:f, s:f, s:[i, f, {}, []], s:{s:n, s:b, s:s}, s:{}}", "name",
                            "Ақмола \"q\"\n\t\x01/", "int", (json_int_t)-42, "half", 2.5, "seven", 7.0, "list", 1, 0.25,
                            "nested", "z", "a", 1, "s", "x", "empty");
    AQ_CHECK(doc != NULL);
    size_t layouts[] = {0, JSON_COMPACT, JSON_INDENT(1), JSON_INDENT(2), JSON_COMPACT | JSON_SORT_KEYS,
                        JSON_INDENT(2) | JSON_SORT_KEYS};
    for (size_t i = 0; doc && i < sizeof layouts / sizeof layouts[0]; i++) {
        char *got = aq_json_text(doc, layouts[i]), *want = json_dumps(doc, layouts[i] | JSON_REAL_PRECISION(17));
        AQ_CHECK(got && want && strcmp(got, want) == 0);
        if (got && want && strcmp(got, want))
            fprintf(stderr, "flags %zx:\n%s\njansson:\n%s\n", layouts[i], got, want);
        aq_free(got);
        free(want);
    }
    json_t *r = json_pack("[f, f]", 24.9524, 0.1 + 0.2);
    char *text = aq_json_text(r, JSON_COMPACT);
    AQ_CHECK(text && strcmp(text, "[24.9524,0.30000000000000004]") == 0);
    aq_free(text);
    json_decref(r);
    json_decref(doc);
    AQ_TEST_END();
}
