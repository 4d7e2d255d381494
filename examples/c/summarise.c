/*
 * summarise.c -- read a table and summarise how unequal one column is,
 * through the installed aimaq library:
 *
 *   cc summarise.c $(pkg-config --cflags --libs aimaq) -o summarise
 *   ./summarise grp.csv grp_pc [population]
 *
 * Any file aimaq reads will do (CSV with decimal commas, XLSX, GeoJSON...).
 * Units with a missing value (or weight) are left out and counted, as
 * `aimaq disparity` does. Prints n, mean, Gini, Theil T and the max/min ratio
 * with the shortest text that reads back as the same number.
 */
#include <aimaq.h>
#include <aimaq_ineq.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s FILE VALUE-COLUMN [WEIGHT-COLUMN]\n", argv[0]);
        return 1;
    }
    aq_ctx *ctx = aq_ctx_new();
    if (!ctx)
        return 3;
    aq_table *t = NULL;
    aq_ineq_result *r = NULL;
    double *x = NULL, *w = NULL;
    const double *values = NULL, *weights = NULL;
    int rc = aq_table_read(ctx, argv[1], NULL, &t);
    if (rc == AQ_OK)
        rc = aq_table_number_column(ctx, t, argv[2], &values);
    if (rc == AQ_OK && argc == 4)
        rc = aq_table_number_column(ctx, t, argv[3], &weights);
    size_t n = 0, left_out = 0, rows = rc == AQ_OK ? aq_table_nrows(t) : 0;
    if (rc == AQ_OK) {
        x = malloc((rows + 1) * sizeof *x);
        w = malloc((rows + 1) * sizeof *w);
        if (!x || !w)
            rc = AQ_ENOMEM;
    }
    for (size_t i = 0; rc == AQ_OK && i < rows; i++) {
        if (isnan(values[i]) || (weights && isnan(weights[i]))) {
            left_out++;
            continue;
        }
        x[n] = values[i];
        w[n] = weights ? weights[i] : 1;
        n++;
    }
    if (rc == AQ_OK)
        rc = aq_ineq_compute(ctx, x, weights ? w : NULL, n, NULL, 0, NULL, &r);
    if (rc == AQ_OK) {
        printf("n\t%zu\nleft out\t%zu\nweighted\t%s\n", r->n, left_out, r->weighted ? "yes" : "no");
        printf("mean\t%.17g\ngini\t%.17g\ntheil_t\t%.17g\nmax/min\t%.17g\n", r->mean, r->gini, r->theil_t,
               r->ratio_max_min);
    } else {
        fprintf(stderr, "summarise: %s\n", aq_errmsg(ctx));
    }
    aq_ineq_result_free(r);
    free(x);
    free(w);
    aq_table_free(t);
    aq_ctx_free(ctx);
    return rc == AQ_OK ? 0 : rc == AQ_EUSAGE ? 1 : rc == AQ_EINTERNAL || rc == AQ_ENOMEM ? 3 : 2;
}
