/*
 * cmd_moran.c -- the global spatial autocorrelation commands: `aimaq moran`
 * (univariate, bivariate, empirical Bayes rates), `aimaq geary` and
 * `aimaq getis` (General G). Each prints one JSON object. They share
 * option parsing and input through run_global().
 */
#include "spatial_common.h"

#include <string.h>

enum gkind { G_MORAN, G_GEARY, G_GETIS };

static int run_moran(int argc, char **argv);
static int run_geary(int argc, char **argv);
static int run_getis(int argc, char **argv);

#define GLOBAL_DETAILS                                                                           \
    "p values are two-sided (2 P(Z > |z|)); p_sim is esda's folded pseudo p value\n"            \
    "(min(#sim >= obs, N - #sim >= obs) + 1) / (N + 1). Permutation k draws from\n"             \
    "its own random stream (seed, k): the same seed gives the same result for any\n"            \
    "number of threads. Formulas and conventions: docs/spatial.md.\n\n"

const cli_command cmd_moran = {
    "moran", "global Moran's I (also bivariate and for rates), JSON",
    "aimaq moran INPUT --value COL --weights SPEC [--id COL] [--value2 COL | --base COL]",
    GLOBAL_DETAILS
    "JSON keys: I, EI, VI_norm, seI_norm, z_norm, p_norm, VI_rand, seI_rand, z_rand,\n"
    "p_rand, EI_sim, seI_sim, z_sim, p_sim, permutations, n.\n"
    "--value2 COL gives bivariate Moran (esda Moran_BV: the lag of COL against\n"
    "--value); --base COL gives Moran's I of the empirical Bayes standardised rates\n"
    "value/base (Assuncao-Reis, esda Moran_Rate).\n\n"
    "examples:\n"
    "  aimaq moran stl_hom.csv --value HR8893 --weights stl.gal\n"
    "  aimaq moran columbus.shp --value CRIME --weights queen --permutations 9999",
    run_moran};

const cli_command cmd_geary = {
    "geary", "global Geary's C, JSON",
    "aimaq geary INPUT --value COL --weights SPEC [--id COL]",
    GLOBAL_DETAILS
    "JSON keys: C, EC, VC_norm, seC_norm, z_norm, p_norm, VC_rand, seC_rand, z_rand,\n"
    "p_rand, EC_sim, seC_sim, z_sim, p_sim, permutations, n. z = (C - 1) / sd as\n"
    "esda reports it: negative for positive autocorrelation (spdep shows 1 - C).\n\n"
    "example:\n  aimaq geary columbus.shp --value CRIME --weights queen",
    run_geary};

const cli_command cmd_getis = {
    "getis", "Getis-Ord General G, JSON (binary weights by default)",
    "aimaq getis INPUT --value COL --weights SPEC [--id COL]",
    GLOBAL_DETAILS
    "JSON keys: G, EG, VG, z_norm, p_norm, EG_sim, seG_sim, z_sim, p_sim,\n"
    "permutations, n. Weights are binary (--style B) unless --style says otherwise,\n"
    "as esda and spdep do.\n\n"
    "example:\n  aimaq getis points.csv --x x --y y --value income --weights band:25",
    run_getis};

static int run_global(const cli_command *cmd, enum gkind kind, int argc, char **argv)
{
    sp_opts o;
    sp_opts_init(&o);
    const char *value = NULL, *value2 = NULL, *base = NULL;
    cli_option opts[32] = {
        {"value", CLI_STRING, &value, "COL", "the variable"},
        SP_PERM_OPTIONS(o),
        SP_OPTIONS(o),
    };
    size_t nopt = 0;
    while (opts[nopt].name)
        nopt++;
    if (kind == G_MORAN) {
        opts[nopt++] = (cli_option){"value2", CLI_STRING, &value2, "COL",
                                    "bivariate Moran: the variable whose lag is used"};
        opts[nopt++] = (cli_option){"base", CLI_STRING, &base, "COL",
                                    "Moran for rates: population at risk (--value = events)"};
    }
    int npos, rc = cli_parse(cmd, opts, argc, argv, &npos);
    if (rc >= 0)
        return rc;
    if (npos > 1)
        return cli_usage_error("%s: give one INPUT file (or none to read the store)", cmd->name);
    if (!value)
        return cli_usage_error("%s: give --value COL", cmd->name);
    if (value2 && base)
        return cli_usage_error("moran: --value2 and --base exclude each other");
    aq_ctx *ctx = cli_ctx();
    aq_table *t = NULL;
    aq_weights *w = NULL;
    const double *y = NULL, *y2 = NULL;
    int ex = 0;
    if ((ex = sp_load(ctx, &o, npos ? argv[0] : NULL, &t)))
        goto done;
    if (sp_column(ctx, t, value, &y) || (value2 && sp_column(ctx, t, value2, &y2)) ||
        (base && sp_column(ctx, t, base, &y2))) {
        ex = AQ_EXIT_INPUT;
        goto done;
    }
    if ((ex = sp_weights(ctx, &o, t, kind == G_GETIS ? AQ_WSTYLE_B : AQ_WSTYLE_W, &w)))
        goto done;
    size_t n = aq_table_nrows(t);
    FILE *f = sp_open_output(ctx, o.output, &ex);
    if (!f)
        goto done;
    sp_json j;
    if (kind == G_MORAN) {
        aq_moran_result m;
        rc = value2 ? aq_moran_bv(ctx, w, y, y2, n, o.permutations, (uint64_t)o.seed, &m)
             : base ? aq_moran_rate(ctx, w, y, y2, n, o.permutations, (uint64_t)o.seed, &m)
                    : aq_moran_global(ctx, w, y, n, o.permutations, (uint64_t)o.seed, &m);
        if (rc == AQ_OK) {
            sp_json_begin(&j, f);
            sp_json_str(&j, "statistic", value2 ? "moran_bv" : base ? "moran_rate" : "moran");
            const char *keys[] = {"I", "EI", "VI_norm", "seI_norm", "z_norm", "p_norm",
                                  "VI_rand", "seI_rand", "z_rand", "p_rand", "EI_sim",
                                  "seI_sim", "z_sim", "p_sim"};
            const double vals[] = {m.I, m.EI, m.VI_norm, m.seI_norm, m.z_norm, m.p_norm,
                                   m.VI_rand, m.seI_rand, m.z_rand, m.p_rand, m.EI_sim,
                                   m.seI_sim, m.z_sim, m.p_sim};
            for (size_t k = 0; k < sizeof vals / sizeof *vals; k++)
                sp_json_num(&j, keys[k], vals[k]);
        }
    } else if (kind == G_GEARY) {
        aq_geary_result g;
        rc = aq_geary(ctx, w, y, n, o.permutations, (uint64_t)o.seed, &g);
        if (rc == AQ_OK) {
            sp_json_begin(&j, f);
            sp_json_str(&j, "statistic", "geary");
            const char *keys[] = {"C", "EC", "VC_norm", "seC_norm", "z_norm", "p_norm",
                                  "VC_rand", "seC_rand", "z_rand", "p_rand", "EC_sim",
                                  "seC_sim", "z_sim", "p_sim"};
            const double vals[] = {g.C, g.EC, g.VC_norm, g.seC_norm, g.z_norm, g.p_norm,
                                   g.VC_rand, g.seC_rand, g.z_rand, g.p_rand, g.EC_sim,
                                   g.seC_sim, g.z_sim, g.p_sim};
            for (size_t k = 0; k < sizeof vals / sizeof *vals; k++)
                sp_json_num(&j, keys[k], vals[k]);
        }
    } else {
        aq_getis_result g;
        rc = aq_getis_g(ctx, w, y, n, o.permutations, (uint64_t)o.seed, &g);
        if (rc == AQ_OK) {
            sp_json_begin(&j, f);
            sp_json_str(&j, "statistic", "general_g");
            const char *keys[] = {"G", "EG", "VG", "z_norm", "p_norm", "EG_sim", "seG_sim",
                                  "z_sim", "p_sim"};
            const double vals[] = {g.G, g.EG, g.VG, g.z_norm, g.p_norm, g.EG_sim, g.seG_sim,
                                   g.z_sim, g.p_sim};
            for (size_t k = 0; k < sizeof vals / sizeof *vals; k++)
                sp_json_num(&j, keys[k], vals[k]);
        }
    }
    if (rc == AQ_OK) {
        char style[2] = {(char)aq_weights_style(w), 0};
        sp_json_num(&j, "permutations", (double)o.permutations);
        sp_json_num(&j, "n", (double)n);
        sp_json_str(&j, "weights", o.weights);
        sp_json_str(&j, "style", style);
        sp_json_end(&j);
    } else {
        ex = cli_fail(ctx, rc);
    }
    if (f != stdout)
        fclose(f);
done:
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return ex;
}

static int run_moran(int argc, char **argv) { return run_global(&cmd_moran, G_MORAN, argc, argv); }
static int run_geary(int argc, char **argv) { return run_global(&cmd_geary, G_GEARY, argc, argv); }
static int run_getis(int argc, char **argv) { return run_global(&cmd_getis, G_GETIS, argc, argv); }
