/* fuzz_mapping.c -- libFuzzer harness for aq_fuzz_mapping (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_mapping tests/fuzz/corpus/mapping. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_mapping(data, size);
    return 0;
}
