/* fuzz_number.c -- libFuzzer harness for aq_fuzz_number (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_number tests/fuzz/corpus/number. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_number(data, size);
    return 0;
}
