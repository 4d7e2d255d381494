/* fuzz_wkb.c -- libFuzzer harness for aq_fuzz_wkb (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_wkb tests/fuzz/corpus/wkb. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_wkb(data, size);
    return 0;
}
