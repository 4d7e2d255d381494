/* fuzz_speeds.c -- libFuzzer harness for aq_fuzz_speeds (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_speeds tests/fuzz/corpus/speeds. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_speeds(data, size);
    return 0;
}
