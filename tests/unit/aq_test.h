/*
 * aq_test.h -- a minimal harness for the unit tests (t_*.c).
 *
 * Each check prints a line only when it fails (file:line and the values),
 * and the program ends with "N passed, N failed" and exit status 1 on any
 * failure, so ctest and a reader both see the outcome.
 *
 *   int main(void) { AQ_TEST_BEGIN(); AQ_CHECK(1 + 1 == 2); ... AQ_TEST_END(); }
 */
#ifndef AQ_TEST_H
#define AQ_TEST_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int aq_test_passed, aq_test_failed;

#define AQ_TEST_BEGIN() (aq_test_passed = aq_test_failed = 0)
#define AQ_TEST_END()                                                                   \
    do {                                                                                \
        printf("%d passed, %d failed\n", aq_test_passed, aq_test_failed);               \
        return aq_test_failed ? 1 : 0;                                                  \
    } while (0)

#define AQ_CHECK(cond)                                                                  \
    do {                                                                                \
        if (cond) {                                                                     \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
        }                                                                               \
    } while (0)

/* |got - want| <= tol * max(1, |want|): relative for large values, absolute
 * near zero (GSL's gsl_test_rel does the same). */
#define AQ_NEAR(got, want, tol)                                                         \
    do {                                                                                \
        double g_ = (got), w_ = (want), t_ = (tol);                                     \
        double s_ = fabs(w_) > 1 ? fabs(w_) : 1;                                        \
        if (fabs(g_ - w_) <= t_ * s_ || (isnan(g_) && isnan(w_))) {                     \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s = %.17g, expected %.17g (tolerance %g)\n",       \
                    __FILE__, __LINE__, #got, g_, w_, t_);                              \
        }                                                                               \
    } while (0)

#define AQ_EQ_INT(got, want)                                                            \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        if (g_ == w_) {                                                                 \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__, __LINE__,    \
                    #got, g_, w_);                                                      \
        }                                                                               \
    } while (0)

#define AQ_EQ_STR(got, want)                                                            \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        if (g_ && w_ && strcmp(g_, w_) == 0) {                                          \
            aq_test_passed++;                                                           \
        } else {                                                                        \
            aq_test_failed++;                                                           \
            fprintf(stderr, "%s:%d: %s = \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                      \
        }                                                                               \
    } while (0)

/* A scratch path under $AQ_TMP (or /tmp) for this test: buf gets DIR/NAME. */
static inline const char *aq_test_path(char *buf, size_t size, const char *name)
{
    const char *dir = getenv("AQ_TMP");
    snprintf(buf, size, "%s/%s", dir && *dir ? dir : "/tmp", name);
    return buf;
}

#endif
