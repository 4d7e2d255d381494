/*
 * t_method.c -- methodology files: every error names the file and line.
 */
#include "aq_test.h"
#include "aimaq_index.h"

/* Parses TEXT and expects code RC with WANT inside the message. */
static void expect(aq_ctx *ctx, const char *text, int rc, const char *want)
{
    aq_method *m = NULL;
    int got = aq_method_parse(ctx, text, strlen(text), "m.yaml", &m);
    AQ_EQ_INT(got, rc);
    if (want && !strstr(aq_errmsg(ctx), want)) {
        aq_test_failed++;
        fprintf(stderr, "message \"%s\" lacks \"%s\"\n", aq_errmsg(ctx), want);
    }
    aq_method_free(m);
}

#define HEAD "name: t\nid: code\n"

int main(void)
{
    AQ_TEST_BEGIN();
    aq_ctx *ctx = aq_ctx_new();
    expect(ctx, HEAD "indicators:\n  - {code: a}\n", AQ_OK, NULL);
    expect(ctx, HEAD "indicators:\n  - {code: a, weight: -1}\n", AQ_EINPUT,
           "m.yaml:4: indicator 'a': weight must be greater than 0, not -1");
    expect(ctx, HEAD "indicators:\n  - {code: a}\n  - {code: b, weight: 0}\n", AQ_EINPUT,
           "m.yaml:5: indicator 'b': weight must be greater than 0, not 0");
    expect(ctx, HEAD "indicators:\n  - {code: a, weigth: 2}\n", AQ_EINPUT,
           "m.yaml:4: indicator: unknown key 'weigth'");
    expect(ctx, HEAD "indicators:\n  - {code: a, direction: 2}\n", AQ_EINPUT,
           "m.yaml:4: indicator 'a': direction must be 1");
    expect(ctx, HEAD "indicators:\n  - {code: a}\n  - {code: a}\n", AQ_EINPUT,
           "m.yaml:5: indicator 'a' is listed twice (first on line 4)");
    expect(ctx, HEAD "indicators:\n  - {code: a, pillar: x}\npillars:\n  - {code: y}\n",
           AQ_EINPUT, "m.yaml:4: indicator 'a': unknown pillar 'x'");
    expect(ctx, HEAD "indicators:\n  - {code: a, weight: abc}\n", AQ_EINPUT,
           "m.yaml:4: weight must be a number, not 'abc'");
    expect(ctx, HEAD "indicators:\n  - {code: a\n", AQ_EINPUT, "m.yaml:5: invalid YAML");
    expect(ctx, HEAD "indicators:\n  - {code: a}\nnormalise: {method: cubic}\n", AQ_EINPUT,
           "m.yaml:5: normalise method: unknown value 'cubic'");
    expect(ctx, HEAD "indicators:\n  - {code: a}\nclasses:\n  - {name: x, when: \"pop ==\"}\n",
           AQ_EINPUT, "m.yaml:6: when: expression \"pop ==\": at its end: expected a value");
    expect(ctx, HEAD "indicators:\n  - {code: a}\naggregate: {method: geometric}\n", AQ_EINPUT,
           "m.yaml:5: geometric, harmonic and generalised means need positive values");
    expect(ctx, "id: code\nindicators:\n  - {code: a}\n", AQ_EINPUT,
           "m.yaml:1: missing required key 'name'");
    expect(ctx, HEAD "kind: depressed\ncriteria:\n  - {code: c1}\n", AQ_EINPUT,
           "m.yaml:5: criterion 'c1' needs 'when'");
    expect(ctx, HEAD "indicators:\n  - {code: a}\nuncertainty: {weights: {range: 2}}\n",
           AQ_EINPUT, "m.yaml:5: uncertainty weights range is a share between 0 and 1");
    expect(ctx, HEAD "indicators:\n  - {code: a}\nmissing: {impute: group-mean}\n", AQ_EINPUT,
           "group imputation needs 'group: COLUMN'");
    aq_method *m = NULL;
    AQ_EQ_INT(aq_method_load(ctx, "no/such/file.yaml", &m), AQ_EIO);
    AQ_CHECK(strstr(aq_errmsg(ctx), "no/such/file.yaml") != NULL);
    /* the hash is the SHA-256 of the bytes: sha256("name: t\nid: code\n...") */
    const char *txt = HEAD "indicators:\n  - {code: a}\n";
    AQ_EQ_INT(aq_method_parse(ctx, txt, strlen(txt), "m.yaml", &m), AQ_OK);
    AQ_EQ_INT(strlen(aq_method_hash(m)), 64);
    AQ_EQ_STR(aq_method_kind(m), "potential");
    aq_method_free(m);
    /* out of memory at every allocation: a clean AQ_ENOMEM, no leak */
    for (long k = 1; k < 200; k++) {
        aq_debug_fail_alloc_after(k);
        m = NULL;
        int rc = aq_method_load(ctx, "tests/data/methods/minimal.yaml", &m);
        aq_debug_fail_alloc_after(0);
        if (rc == AQ_OK) {
            aq_method_free(m);
            break;
        }
        AQ_EQ_INT(rc, AQ_ENOMEM);
    }
    aq_ctx_free(ctx);
    AQ_TEST_END();
}
