/* fuzz_plan.c -- libFuzzer harness for aq_fuzz_plan (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_plan tests/fuzz/corpus/plan. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_plan(data, size);
    return 0;
}
