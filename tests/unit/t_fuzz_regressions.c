/*
 * t_fuzz_regressions.c -- replays every seed (tests/fuzz/corpus/<target>/)
 * and every saved crasher (tests/fuzz/regressions/<target>/) through the
 * same entry points the libFuzzer harnesses use (tests/fuzz/fuzz_entries.h),
 * without libFuzzer, so the ordinary and the ASan builds run them on each
 * submission. A crasher that comes back crashes or trips a sanitizer here;
 * the entries themselves abort on a broken invariant (a failed read without
 * a message, a normalised period that does not normalise to itself).
 * Run from the repository root (ctest does).
 */
#include "../fuzz/fuzz_entries.h"
#include "aq_test.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

typedef void (*entry_fn)(const uint8_t *data, size_t size);

static const struct {
    const char *name;
    entry_fn fn;
} targets[] = {
    {"csv", aq_fuzz_csv},         {"number", aq_fuzz_number}, {"names", aq_fuzz_names},
    {"mapping", aq_fuzz_mapping}, {"method", aq_fuzz_method}, {"weights", aq_fuzz_weights},
    {"period", aq_fuzz_period},   {"expr", aq_fuzz_expr},     {"speeds", aq_fuzz_speeds},
    {"import", aq_fuzz_import},   {"wkb", aq_fuzz_wkb},
    {"plan", aq_fuzz_plan},
};

/* Reads PATH whole into a malloc'd block (*size bytes); NULL on failure. */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *size = n;
    return buf;
}

/* Feeds every regular file of DIR to FN; returns how many, or -1 when DIR
 * cannot be read for another reason than being absent. */
static long replay_dir(const char *dir, entry_fn fn)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    long count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        size_t size = 0;
        uint8_t *data = slurp(path, &size);
        if (!data) {
            fprintf(stderr, "cannot read %s\n", path);
            closedir(d);
            return -1;
        }
        fn(data, size);
        free(data);
        count++;
    }
    closedir(d);
    return count;
}

int main(void)
{
    AQ_TEST_BEGIN();
    for (size_t k = 0; k < sizeof targets / sizeof *targets; k++) {
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", targets[k].name);
        long seeds = replay_dir(dir, targets[k].fn);
        /* Every target has a seed corpus; an empty one means a wrong cwd. */
        if (seeds <= 0)
            fprintf(stderr, "no seeds in %s\n", dir);
        AQ_CHECK(seeds > 0);
        snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", targets[k].name);
        long crashers = replay_dir(dir, targets[k].fn);
        AQ_CHECK(crashers >= 0);
    }

    /* Spot checks that the entries reach real parsing: a seed that must
     * read, and the period rules the fuzzer's invariant relies on. */
    char out[16];
    AQ_CHECK(aq__period_normalise("2022-Q3", out) && strcmp(out, "2022-Q3") == 0);
    AQ_CHECK(!aq__period_normalise("", out));
    double v = 0;
    AQ_CHECK(aq_parse_number("1 234,5", 7, ',', &v) == 1);
    AQ_NEAR(v, 1234.5, 0);
    AQ_TEST_END();
}
