/* fuzz_weights.c -- libFuzzer harness for aq_fuzz_weights (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_weights tests/fuzz/corpus/weights. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_weights(data, size);
    return 0;
}
