/*
 * complexity_bench.c -- times aq_cx_compute (RCA, presence, ECI/PCI by the
 * eigenvector, proximity, density, COI, COG) on a raw float64 panel of NT
 * periods x NU units x NA activities written by complexity_peer.py, and
 * prints, per period, the checks the numpy peer prints too (bench/complexity.sh).
 *
 * usage: complexity_bench FILE NU NA NT THREADS
 */
#include "aimaq.h"
#include "aimaq_complexity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: complexity_bench FILE NU NA NT THREADS\n");
        return 1;
    }
    size_t nu = strtoul(argv[2], NULL, 10), na = strtoul(argv[3], NULL, 10);
    size_t nt = strtoul(argv[4], NULL, 10);
    FILE *f = fopen(argv[1], "rb");
    double *x = malloc(nu * na * sizeof *x);
    if (!f || !x) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    aq_ctx *ctx = aq_ctx_new();
    aq_ctx_set_threads(ctx, atoi(argv[5]));
    aq_cx_opts o;
    aq_cx_opts_init(&o);
    double total = 0, ctotal = 0;
    for (size_t t = 0; t < nt; t++) {
        if (fread(x, sizeof *x, nu * na, f) != nu * na) {
            fprintf(stderr, "%s: short file\n", argv[1]);
            return 1;
        }
        aq_cx_result r;
        double t0 = now(), c0 = cpu();
        int rc = aq_cx_compute(ctx, x, nu, na, &o, 0, &r);
        total += now() - t0;
        ctotal += cpu() - c0;
        if (rc) {
            fprintf(stderr, "period %zu: %s\n", t, aq_errmsg(ctx));
            return 1;
        }
        /* checks: ECI of units 0..2, the sums of density, COG and |COI| */
        double sd = 0, sg = 0, sc = 0;
        for (size_t i = 0; i < nu * na; i++) {
            sd += isnan(r.density[i]) ? 0 : r.density[i];
            sg += isnan(r.cog[i]) ? 0 : r.cog[i];
        }
        for (size_t c = 0; c < nu; c++)
            sc += isnan(r.coi[c]) ? 0 : fabs(r.coi[c]);
        printf("check,%zu,%.12g,%.12g,%.12g,%.12g,%.12g,%.12g\n", t, r.eci[0], r.eci[1],
               r.eci[2], sd, sg, sc);
        aq_cx_result_free(&r);
    }
    printf("time,aimaq,%s,%.3f,%.3f\n", argv[5], total, ctotal);
    fclose(f);
    free(x);
    aq_ctx_free(ctx);
    return 0;
}
