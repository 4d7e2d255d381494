/*
 * main.c -- the `aimaq` command-line tool: finds the command and runs it.
 * Each command lives in cmd_<name>.c and uses only the public API.
 */
#include "cli.h"

#include <string.h>

extern const cli_command cmd_import, cmd_export, cmd_read, cmd_units, cmd_datasets, cmd_summary, cmd_check, cmd_match;
extern const cli_command cmd_structure, cmd_access, cmd_network, cmd_scenario, cmd_complexity;
extern const cli_command cmd_name;
extern const cli_command cmd_disparity, cmd_convergence, cmd_markov;
extern const cli_command cmd_weights, cmd_moran, cmd_geary, cmd_getis, cmd_lisa, cmd_local_g, cmd_spmarkov, cmd_regress;
extern const cli_command cmd_method, cmd_potential, cmd_depressed, cmd_classify;
extern const cli_command cmd_report, cmd_serve, cmd_account;
extern const cli_command cmd_regions;

const cli_command *const cli_commands[] = {
    &cmd_import, &cmd_read, &cmd_export, &cmd_units, &cmd_datasets, &cmd_summary, &cmd_check, &cmd_match, &cmd_structure, &cmd_complexity, &cmd_access, &cmd_network, &cmd_scenario,
    &cmd_name, &cmd_disparity, &cmd_convergence, &cmd_markov,
    &cmd_method, &cmd_potential, &cmd_depressed, &cmd_classify,
    &cmd_weights, &cmd_moran, &cmd_geary, &cmd_getis, &cmd_lisa, &cmd_local_g, &cmd_spmarkov, &cmd_regress, &cmd_regions, &cmd_report, &cmd_serve, &cmd_account, NULL};

static void usage(FILE *out)
{
    fprintf(out, "aimaq %s -- territorial development analysis\n\n"
                 "usage: aimaq COMMAND [options]\n\ncommands:\n", AQ_VERSION);
    for (int i = 0; cli_commands[i]; i++)
        fprintf(out, "  %-12s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
    fprintf(out, "  %-12s %s\n", "help", "show this list, or 'aimaq help COMMAND'");
    fprintf(out, "  %-12s %s\n", "version", "print the version");
    fprintf(out, "\nEvery command takes --help. Results go to standard output, messages to\n"
                 "standard error. Exit codes: 0 success, 1 usage error, 2 bad input (file,\n"
                 "store or data), 3 internal error.\n"
                 "The store is --db STORE (a file, or a PostgreSQL database as\n"
                 "postgresql://USER@HOST/NAME), else $AIMAQ_DB, else ./aimaq.db.\n");
}

static const cli_command *find_command(const char *name)
{
    for (int i = 0; cli_commands[i]; i++)
        if (strcmp(cli_commands[i]->name, name) == 0)
            return cli_commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return AQ_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        if (argc > 2) {
            const cli_command *c = find_command(argv[2]);
            if (!c)
                return cli_usage_error("no command '%s'; see 'aimaq help'", argv[2]);
            char *help_argv[] = {(char *)"--help", NULL};
            return c->run(1, help_argv);
        }
        usage(stdout);
        return AQ_EXIT_OK;
    }
    if (strcmp(name, "version") == 0 || strcmp(name, "--version") == 0) {
        printf("aimaq %s\n", AQ_VERSION);
        return AQ_EXIT_OK;
    }
    const cli_command *c = find_command(name);
    if (!c)
        return cli_usage_error("no command '%s'; see 'aimaq help'", name);
    return c->run(argc - 2, argv + 2);
}
