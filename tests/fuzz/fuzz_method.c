/* fuzz_method.c -- libFuzzer harness for aq_fuzz_method (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_method tests/fuzz/corpus/method. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_method(data, size);
    return 0;
}
