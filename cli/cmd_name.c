/*
 * cmd_name.c -- `aimaq name`: shows how aimaq sees names: the strict
 * matching key, the loose key of a second matching pass and the 2021
 * Kazakh Latin transliteration. For checking why two spellings do or do
 * not match, and for transliterating lists of names.
 */
#include "cli.h"

#include "aimaq_names.h"

#include <stdlib.h>
#include <string.h>

static int run(int argc, char **argv);

const cli_command cmd_name = {
    "name", "show matching keys and the Kazakh Latin transliteration of names",
    "aimaq name [--key] [--loose] [--latin] [--roman] [--format F] [--output FILE] [TEXT...]",
    "Each TEXT, or each line of standard input when no TEXT is given, becomes one\n"
    "row: the name, its matching key (NFC, lower case that knows the Kazakh\n"
    "letters, Latin look-alikes inside Cyrillic words folded and the reverse,\n"
    "quotes dropped, dashes and spaces unified), the loose key (Kazakh letters\n"
    "as their Russian-keyboard fallbacks, 'с.', 'а.о.', 'ауданы', 'район' ...\n"
    "removed), the 2021 Kazakh Latin spelling, and how many look-alike letters\n"
    "were folded. --key, --loose and --latin choose columns (default: all).\n"
    "--roman adds the romanisation key and its stem, which the matcher tries\n"
    "within a parent of few units: Aksuskiy and Аксуский район are both aksuski.\n"
    "See docs/names.md.\n\n"
    "examples:\n"
    "  aimaq name 'Еңбекшiлдер' 'ЕҢБЕКШІЛДЕР'      # Latin i: same key\n"
    "  aimaq name --latin Қарағанды Ақтөбе        # Qarağandy, Aqtöbe\n"
    "  cut -d, -f6 kato.csv | aimaq name --loose --format csv\n"
    "  aimaq name --roman Zhambylskiy 'Жамбыл ауданы'  # stem Jambil for both",
    run};

/* The names to show: arguments, or lines of standard input (owned). */
typedef struct name_list {
    char **v;
    size_t n, cap;
    bool owned;
} name_list;

static void list_free(name_list *l)
{
    if (l->owned)
        for (size_t i = 0; i < l->n; i++)
            free(l->v[i]);
    free(l->v);
}

static int read_lines(FILE *f, name_list *l)
{
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    l->owned = true;
    while ((len = getline(&line, &size, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 64;
            char **v = realloc(l->v, cap * sizeof *v);
            if (!v)
                break;
            l->v = v;
            l->cap = cap;
        }
        if (!(l->v[l->n] = strdup(line)))
            break;
        l->n++;
    }
    bool failed = !feof(f);
    free(line);
    if (failed) {
        fputs("aimaq: error: name: cannot read standard input (out of memory or read error)\n", stderr);
        return AQ_EXIT_INTERNAL;
    }
    return AQ_EXIT_OK;
}

enum { COL_KEY, COL_LOOSE, COL_LATIN, COL_FOLDED, COL_ROMAN, COL_STEM, NCOLS };

/* Fills one row; on a bad name, says which input it was. */
static int fill_row(aq_ctx *ctx, aq_table *t, const size_t *col, const bool *want, size_t row,
                    const char *name, bool from_stdin)
{
    char *s = NULL;
    int folded = 0, rc = aq_name_key(ctx, name, &s, &folded);
    if (rc == AQ_OK && want[COL_KEY])
        rc = aq_table_set_text(ctx, t, col[COL_KEY], row, s);
    aq_free(s);
    s = NULL;
    if (rc == AQ_OK && want[COL_LOOSE] && (rc = aq_name_loose_key(ctx, name, &s)) == AQ_OK)
        rc = aq_table_set_text(ctx, t, col[COL_LOOSE], row, s);
    aq_free(s);
    s = NULL;
    if (rc == AQ_OK && want[COL_LATIN] && (rc = aq_translit_latin(ctx, name, &s)) == AQ_OK)
        rc = aq_table_set_text(ctx, t, col[COL_LATIN], row, s);
    aq_free(s);
    if (rc == AQ_OK && want[COL_FOLDED])
        rc = aq_table_set_number(ctx, t, col[COL_FOLDED], row, folded);
    for (int k = 0; k < 2 && rc == AQ_OK; k++) {
        s = NULL;
        if (want[COL_ROMAN + k] && (rc = aq_name_roman_key(ctx, name, k, &s)) == AQ_OK)
            rc = aq_table_set_text(ctx, t, col[COL_ROMAN + k], row, s);
        aq_free(s);
    }
    if (rc == AQ_EINPUT)
        fprintf(stderr, "aimaq: error: %s %zu: %s\n", from_stdin ? "input line" : "argument", row + 1,
                aq_errmsg(ctx));
    return rc;
}

static int run(int argc, char **argv)
{
    const char *format = NULL, *output = NULL;
    int key = 0, loose = 0, latin = 0, roman = 0;
    cli_option opts[] = {
        {"key", CLI_FLAG, &key, NULL, "show the matching key"},
        {"loose", CLI_FLAG, &loose, NULL, "show the loose key (second matching pass)"},
        {"latin", CLI_FLAG, &latin, NULL, "show the 2021 Kazakh Latin transliteration"},
        {"roman", CLI_FLAG, &roman, NULL, "show the romanisation key and its stem (third matching pass)"},
        {"format", CLI_STRING, &format, "F", "table (default), csv or json"},
        {"output", CLI_STRING, &output, "FILE", "write to FILE instead of standard output"},
        {NULL, 0, NULL, NULL, NULL}};
    int npos, rc = cli_parse(&cmd_name, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    enum aq_format fmt = AQ_FMT_AUTO;
    if (format && cli_format(format, &fmt))
        return AQ_EXIT_USAGE;
    bool all = !key && !loose && !latin && !roman;
    bool want[NCOLS] = {all || key, all || loose, all || latin, all, roman, roman};
    static const char *const colnames[NCOLS] = {"key", "loose_key", "latin", "folded", "roman_key", "stem"};

    name_list names = {NULL, 0, 0, false};
    if (npos > 0) {
        names.v = malloc((size_t)npos * sizeof *names.v);
        if (!names.v)
            return cli_usage_error("name: out of memory");
        for (int i = 0; i < npos; i++)
            names.v[names.n++] = argv[i];
    } else if ((rc = read_lines(stdin, &names)) != AQ_EXIT_OK) {
        list_free(&names);
        return rc;
    }

    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    size_t cname = 0, col[NCOLS] = {0};
    rc = aq_table_new(ctx, names.n, &t);
    if (rc == AQ_OK)
        rc = aq_table_add_column(ctx, t, "name", AQ_COL_TEXT, &cname);
    for (int c = 0; rc == AQ_OK && c < NCOLS; c++)
        if (want[c])
            rc = aq_table_add_column(ctx, t, colnames[c], c == COL_FOLDED ? AQ_COL_NUMBER : AQ_COL_TEXT,
                                     &col[c]);
    for (size_t i = 0; rc == AQ_OK && i < names.n; i++) {
        rc = aq_table_set_text(ctx, t, cname, i, names.v[i]);
        if (rc == AQ_OK)
            rc = fill_row(ctx, t, col, want, i, names.v[i], npos == 0);
    }
    if (rc == AQ_OK)
        rc = cli_write(ctx, t, fmt, output);
    aq_table_free(t);
    list_free(&names);
    if (rc == AQ_EINPUT)
        rc = AQ_EXIT_INPUT; /* fill_row has said which name */
    else if (rc)
        rc = cli_fail(ctx, rc);
    aq_ctx_free(ctx);
    return rc;
}
