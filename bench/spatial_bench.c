/*
 * spatial_bench.c -- times aimaq's spatial kernels on the peer benchmark
 * inputs (../shared/bench-peers/gen.py points.csv) and prints rows shaped
 * like the peers' (task,peer,version,N,seconds,result_checksum,load_seconds,
 * prep_seconds) so bench/spatial.sh can put them side by side.
 *
 *   spatial_bench POINTS.CSV THREADS
 *
 * T1 kNN (k = 8): nnz, sumj, sumij as in bench-peers/README.md.
 * T2 global Moran of income, kNN8 row-standardised, 999 permutations:
 *    I and the one-sided p = (#{I_perm >= I} + 1) / 1000 is not what aimaq
 *    reports (esda's folded p); the folded p_sim is printed.
 * T3 local Moran, 999 conditional permutations: sumI and sumabsI in spdep's
 *    scaling (m2 = sum z^2 / n, i.e. esda's Ii times n / (n - 1)) and nsig05
 *    = units with folded p <= 0.05.
 * Peak memory: getrusage's maxrss at the end of each task (tasks run in
 * order in one process, so T3's figure includes what T1/T2 peaked at).
 */
#include "aimaq_spatial.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds of the process (all threads): the machine is shared, so the
 * CPU time says more about a kernel's cost than the wall time does. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* AQ_BENCH_TASKS (e.g. "T1,T3") picks the tasks to run; T1 always builds
 * the weights the others need. */
static int wanted(const char *task)
{
    const char *sel = getenv("AQ_BENCH_TASKS");
    return !sel || !*sel || strstr(sel, task) != NULL;
}

static long maxrss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: spatial_bench POINTS.CSV THREADS\n");
        return 1;
    }
    aq_ctx *ctx = aq_ctx_new();
    aq_ctx_set_threads(ctx, atoi(argv[2]));
    aq_table *t = NULL;
    double t0 = now();
    if (aq_table_read(ctx, argv[1], NULL, &t)) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        return 1;
    }
    double load = now() - t0;
    size_t n = aq_table_nrows(t);
    const double *x = aq_table_numbers(t, (size_t)aq_table_find(t, "x"));
    const double *y = aq_table_numbers(t, (size_t)aq_table_find(t, "y"));
    const double *inc = aq_table_numbers(t, (size_t)aq_table_find(t, "income"));
    const char *ver = "aimaq-" AQ_VERSION;
    int thr = atoi(argv[2]);

    aq_weights *w = NULL;
    t0 = now();
    double c0 = cpu();
    if (aq_weights_knn(ctx, x, y, n, AQ_METRIC_PLANAR, 8, &w)) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        return 1;
    }
    double knn = now() - t0, knn_cpu = cpu() - c0;
    unsigned long long nnz = 0, sumj = 0, sumij = 0, mod = 1000000007ull;
    for (size_t i = 0; i < n; i++) {
        const uint32_t *nb;
        size_t k = aq_weights_neighbors(w, i, &nb, NULL);
        for (size_t a = 0; a < k; a++) {
            unsigned long long j = nb[a] + 1ull, ii = i + 1ull;
            nnz++;
            sumj += j;
            sumij = (sumij + (ii * j) % mod) % mod;
        }
    }
    printf("T1,aimaq-%dt,%s,%zu,%.4f,nnz=%llu;sumj=%llu;sumij=%llu;cpu_s=%.3f;maxrss_mb=%ld,%.3f,0\n",
           thr, ver, n, knn, nnz, sumj, sumij, knn_cpu, maxrss_mb(), load);

    if (wanted("T2")) {
        aq_moran_result m;
        t0 = now();
        c0 = cpu();
        if (aq_moran_global(ctx, w, inc, n, 999, 42, &m)) {
            fprintf(stderr, "%s\n", aq_errmsg(ctx));
            return 1;
        }
        double tm = now() - t0, tm_cpu = cpu() - c0;
        printf("T2,aimaq-%dt,%s,%zu,%.4f,I=%.12f;p=%.4g;EI_sim=%.6g;seI_sim=%.6g;cpu_s=%.3f;"
               "maxrss_mb=%ld,%.3f,%.4f\n",
               thr, ver, n, tm, m.I, m.p_sim, m.EI_sim, m.seI_sim, tm_cpu, maxrss_mb(), load,
               knn);
    }
    if (!wanted("T3")) {
        aq_weights_free(w);
        aq_table_free(t);
        aq_ctx_free(ctx);
        return 0;
    }

    aq_local_opts o;
    aq_local_opts_init(&o);
    o.seed = 42;
    aq_local *r = NULL;
    t0 = now();
    c0 = cpu();
    if (aq_local_moran(ctx, w, inc, n, &o, &r)) {
        fprintf(stderr, "%s\n", aq_errmsg(ctx));
        return 1;
    }
    double tl = now() - t0, tl_cpu = cpu() - c0;
    double s = 0, sa = 0, scale = (double)n / (double)(n - 1);
    size_t sig = 0;
    for (size_t i = 0; i < n; i++) {
        s += r->stat[i] * scale;
        sa += fabs(r->stat[i] * scale);
        sig += r->p_sim[i] <= 0.05;
    }
    printf("T3,aimaq-%dt,%s,%zu,%.4f,sumI=%.9f;sumabsI=%.9f;nsig05=%zu;cpu_s=%.3f;maxrss_mb=%ld,%.3f,"
           "%.4f\n",
           thr, ver, n, tl, s, sa, sig, tl_cpu, maxrss_mb(), load, knn);
    aq_local_free(r);
    aq_weights_free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return 0;
}
