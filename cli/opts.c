/*
 * opts.c -- one option parser for every command, driven by a table, so
 * that each command declares its options once and its --help is generated
 * from the same table.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const cli_option *find_option(const cli_option *opts, const char *name, size_t len)
{
    for (const cli_option *o = opts; o && o->name; o++)
        if (strlen(o->name) == len && memcmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static int set_value(const cli_command *cmd, const cli_option *o, const char *value)
{
    char *end;
    switch (o->kind) {
    case CLI_STRING:
        *(const char **)o->target = value;
        return 0;
    case CLI_INT: {
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end)
            return cli_usage_error("%s: --%s expects a whole number, got '%s'", cmd->name, o->name, value);
        *(long *)o->target = v;
        return 0;
    }
    case CLI_DOUBLE: {
        errno = 0;
        double v = strtod(value, &end);
        if (errno || end == value || *end)
            return cli_usage_error("%s: --%s expects a number, got '%s'", cmd->name, o->name, value);
        *(double *)o->target = v;
        return 0;
    }
    case CLI_FLAG:
        break;
    }
    return cli_usage_error("%s: --%s takes no value", cmd->name, o->name);
}

int cli_parse(const cli_command *cmd, const cli_option *opts, int argc, char **argv, int *npos)
{
    int pos = 0;
    bool only_positional = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            argv[pos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_positional = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_print_help(cmd, opts, stdout);
            return AQ_EXIT_OK;
        }
        /* One short option, the universal one: -o FILE is --output FILE. */
        const char *name = strcmp(a, "-o") == 0 ? "output" : a + 2;
        if (a[1] != '-' && strcmp(a, "-o") != 0)
            return cli_usage_error("%s: unknown option '%s' (options are long: --name)", cmd->name, a);
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_option *o = find_option(opts, name, len);
        if (!o)
            return cli_usage_error("%s: unknown option '--%.*s'; see 'aimaq %s --help'", cmd->name,
                                   (int)len, name, cmd->name);
        if (o->kind == CLI_FLAG) {
            if (eq)
                return cli_usage_error("%s: --%s takes no value", cmd->name, o->name);
            *(int *)o->target = 1;
            continue;
        }
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value)
            return cli_usage_error("%s: --%s needs a value (%s)", cmd->name, o->name, o->arg ? o->arg : "VALUE");
        int rc = set_value(cmd, o, value);
        if (rc)
            return rc;
    }
    *npos = pos;
    return -1;
}

void cli_print_help(const cli_command *cmd, const cli_option *opts, FILE *out)
{
    fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
    if (opts && opts->name) {
        fprintf(out, "\noptions:\n");
        for (const cli_option *o = opts; o->name; o++) {
            char left[64];
            snprintf(left, sizeof left, "--%s%s%s", o->name, o->kind == CLI_FLAG ? "" : " ",
                     o->kind == CLI_FLAG ? "" : (o->arg ? o->arg : "VALUE"));
            fprintf(out, "  %-24s %s\n", left, o->help);
        }
    }
    fprintf(out, "  %-24s %s\n", "--help", "show this help");
    if (cmd->details)
        fprintf(out, "\n%s\n", cmd->details);
}
