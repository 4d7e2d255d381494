/* fuzz_expr.c -- libFuzzer harness for aq_fuzz_expr (see fuzz_entries.h).
 * Build with tests/fuzz/build.sh; run as build-fuzz/fuzz_expr tests/fuzz/corpus/expr. */
#include "fuzz_entries.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    aq_fuzz_expr(data, size);
    return 0;
}
