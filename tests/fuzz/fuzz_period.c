/* fuzz_period.c -- libFuzzer harness for aq_fuzz_period (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_period tests/fuzz/corpus/period. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_period(data, size);
    return 0;
}
