/*
 * t_ineq_data.h -- a minimal reader of the PySAL example CSV files for the
 * disparity tests (t_ineq.c, t_markov.c, t_convergence.c). It reads the
 * files independently of aimaq's own readers, so the kernels are tested on
 * their own. Quoted fields without embedded commas only, as these files are.
 */
#ifndef T_INEQ_DATA_H
#define T_INEQ_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TD_MAXROWS 64
#define TD_MAXCOLS 96

typedef struct td_table {
    size_t nrows, ncols;
    char names[TD_MAXCOLS][32];
    double v[TD_MAXROWS][TD_MAXCOLS]; /* NaN for a text cell */
} td_table;

static void td_field(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = 0;
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        memmove(s, s + 1, n - 2);
        s[n - 2] = 0;
    }
}

/* Reads PATH into *t; returns 0 on success. */
static int td_read(const char *path, td_table *t)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[8192];
    memset(t, 0, sizeof *t);
    int header = 1;
    while (fgets(line, sizeof line, f)) {
        size_t c = 0;
        char *save = NULL;
        for (char *tok = strtok_r(line, ",", &save); tok && c < TD_MAXCOLS;
             tok = strtok_r(NULL, ",", &save), c++) {
            td_field(tok);
            if (header) {
                snprintf(t->names[c], sizeof t->names[c], "%s", tok);
            } else {
                char *end;
                double d = strtod(tok, &end);
                t->v[t->nrows][c] = (end != tok && *end == 0) ? d : NAN;
            }
        }
        if (header) {
            t->ncols = c;
            header = 0;
        } else if (++t->nrows == TD_MAXROWS) {
            break;
        }
    }
    fclose(f);
    return 0;
}

/* Copies column NAME into out (nrows values); returns 0, or -1 if absent. */
static int td_col(const td_table *t, const char *name, double *out)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->names[c], name) == 0) {
            for (size_t r = 0; r < t->nrows; r++)
                out[r] = t->v[r][c];
            return 0;
        }
    return -1;
}

#endif
