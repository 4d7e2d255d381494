/* fuzz_csv.c -- libFuzzer harness for aq_fuzz_csv (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_csv tests/fuzz/corpus/csv. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_csv(data, size);
    return 0;
}
