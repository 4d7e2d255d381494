/* fuzz_import.c -- libFuzzer harness for aq_fuzz_import (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_import tests/fuzz/corpus/import. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_import(data, size);
    return 0;
}
