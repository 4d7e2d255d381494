/* fuzz_names.c -- libFuzzer harness for aq_fuzz_names (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_names tests/fuzz/corpus/names. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_names(data, size);
    return 0;
}
