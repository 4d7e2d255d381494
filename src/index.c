/*
 * index.c -- the composite-index pipeline: bind a methodology to a table,
 * then impute, treat outliers, normalise, weight and aggregate.
 *
 * Binding (aq__bind) happens once per computation: it finds the columns,
 * computes derived columns and decides which units are excluded for
 * missing data. A run (aq__index_run) applies one set of choices (the
 * declared ones, or one Monte Carlo draw) and is the unit of work the
 * robustness analysis repeats.
 *
 * Arithmetic sums run in indicator order with weights normalised first
 * (w_j / sum w), as a BLAS dot product does, so that scores match numpy
 * and R bit for bit and ties rank the same way.
 */
#include "index_int.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int aq__cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Type-7 quantile (R's default, numpy's "linear") of sorted[n]. */
double aq__quantile7(double *sorted, size_t n, double p)
{
    if (!n)
        return NAN;
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n)
        return sorted[n - 1];
    return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

void aq__choice_nominal(const aq_method *m, aq__choice *c)
{
    memset(c, 0, sizeof *c);
    c->norm = m->norm;
    c->agg_within = m->agg_within;
    c->agg_between = m->agg_between;
    c->impute = m->impute;
    c->drop = -1;
}

/* ---- binding ---- */

typedef struct derive_scope {
    const aq_method *m;
    const aq__bound *b;
    size_t nready; /* derived columns computed so far */
} derive_scope;

static int resolve_column(const aq_table *t, const char *name, aq__xvar *out)
{
    long c = aq_table_find(t, name);
    if (c < 0)
        return 0;
    if (aq_table_coltype(t, (size_t)c) == AQ_COL_NUMBER)
        out->num = aq_table_numbers(t, (size_t)c);
    else {
        out->table = t;
        out->col = (size_t)c;
    }
    return 1;
}

static int derive_resolve(void *user, const char *name, aq__xvar *out)
{
    derive_scope *s = user;
    for (size_t d = 0; d < s->nready; d++)
        if (strcmp(s->m->derive[d].code, name) == 0) {
            out->num = s->b->derived[d];
            return 1;
        }
    return resolve_column(s->b->t, name, out);
}

void aq__bound_clear(aq__bound *b)
{
    for (size_t j = 0; b->raw && j < b->m; j++)
        aq__free(b->raw[j]);
    for (size_t d = 0; b->derived && d < b->nderived; d++)
        aq__free(b->derived[d]);
    aq__free(b->raw);
    aq__free(b->derived);
    aq__free(b->excluded);
    aq__free(b->group);
    for (size_t h = 0; h <= AQ_IMP_GROUP_MEDIAN; h++) {
        for (size_t j = 0; b->prep[h] && j < b->m; j++)
            aq__free(b->prep[h][j]);
        aq__free(b->prep[h]);
    }
    memset(b, 0, sizeof *b);
}

static int compute_derived(aq_ctx *ctx, const aq_method *m, aq__bound *b)
{
    b->nderived = m->nderive;
    if (!m->nderive)
        return AQ_OK;
    b->derived = aq__xcalloc(ctx, m->nderive, sizeof *b->derived);
    if (!b->derived)
        return AQ_ENOMEM;
    for (size_t d = 0; d < m->nderive; d++) {
        b->derived[d] = aq__xmalloc(ctx, (b->n ? b->n : 1) * sizeof(double));
        if (!b->derived[d])
            return AQ_ENOMEM;
        aq__expr *e = NULL;
        derive_scope s = {m, b, d};
        int rc = aq__expr_parse(ctx, aq__expr_text(m->derive[d].expr), &e);
        if (!rc)
            rc = aq__expr_bind(ctx, e, derive_resolve, &s, b->n);
        if (rc) {
            aq__expr_free(e);
            return aq__err_prefix(ctx, "%s:%zu: derive '%s'", m->path, m->derive[d].line,
                                  m->derive[d].code);
        }
        for (size_t i = 0; i < b->n; i++)
            b->derived[d][i] = aq__expr_eval(e, i);
        aq__expr_free(e);
    }
    return AQ_OK;
}

static double band_points(const aq__mind *ind, double x, const char *txt)
{
    for (size_t k = 0; k < ind->nbands; k++) {
        const aq__band *bd = &ind->bands[k];
        if (bd->category ? (txt && strcmp(txt, bd->category) == 0)
                         : (!isnan(x) && x >= bd->lo && x < bd->hi))
            return bd->points;
    }
    return NAN;
}

/* Fills raw[j] with the indicator's values (points for scoring tables). */
static int bind_indicator(aq_ctx *ctx, const aq_method *m, aq__bound *b, size_t j)
{
    const aq__mind *ind = &m->ind[j];
    const double *src = NULL;
    for (size_t d = 0; d < m->nderive; d++)
        if (strcmp(m->derive[d].code, ind->code) == 0)
            src = b->derived[d];
    long col = -1;
    if (!src) {
        col = aq_table_find(b->t, ind->code);
        if (col < 0)
            return aq__err(ctx, AQ_ENOTFOUND, "%s:%zu: indicator '%s' is not a column of the "
                           "data%s%s", m->path, ind->line, ind->code,
                           aq_table_source(b->t) ? " " : "",
                           aq_table_source(b->t) ? aq_table_source(b->t) : "");
        src = aq_table_numbers(b->t, (size_t)col);
        if (!src && !ind->bands) {
            for (size_t i = 0; i < b->n; i++) {
                const char *s = aq_table_text(b->t, (size_t)col, i);
                if (s)
                    return aq__err(ctx, AQ_EINPUT, "%s:%zu: indicator '%s': column is text, "
                                   "not numbers (line %zu: '%s')", m->path, ind->line,
                                   ind->code, aq_table_source_line(b->t, i), s);
            }
        }
    }
    double *r = aq__xmalloc(ctx, (b->n ? b->n : 1) * sizeof *r);
    if (!r)
        return AQ_ENOMEM;
    b->raw[j] = r;
    for (size_t i = 0; i < b->n; i++) {
        double x = src ? src[i] : NAN;
        if (ind->bands) {
            const char *txt = src ? NULL : aq_table_text(b->t, (size_t)col, i);
            double pts = band_points(ind, x, txt);
            if (isnan(pts) && (txt || !isnan(x)))
                aq__warn(ctx, "%s:%zu: indicator '%s': no scoring band for the value of unit "
                         "on line %zu; counted as missing", m->path, ind->line, ind->code,
                         aq_table_source_line(b->t, i));
            x = pts;
        }
        r[i] = x;
    }
    return AQ_OK;
}

/* Numbers units by group value (text or number) into b->group. */
static int bind_groups(aq_ctx *ctx, const aq_method *m, aq__bound *b)
{
    if (!m->group_col)
        return AQ_OK;
    long c = aq_table_find(b->t, m->group_col);
    if (c < 0)
        return aq__err(ctx, AQ_ENOTFOUND, "%s: group column '%s' is not in the data", m->path,
                       m->group_col);
    b->group = aq__xmalloc(ctx, (b->n ? b->n : 1) * sizeof *b->group);
    if (!b->group)
        return AQ_ENOMEM;
    char buf[64];
    /* Quadratic in the number of groups only: districts are few. */
    const char **keys = aq__xcalloc(ctx, b->n ? b->n : 1, sizeof *keys);
    char **owned = aq__xcalloc(ctx, b->n ? b->n : 1, sizeof *owned);
    int rc = keys && owned ? AQ_OK : AQ_ENOMEM;
    b->ngroups = 0;
    for (size_t i = 0; !rc && i < b->n; i++) {
        const char *k = aq_table_cell(b->t, (size_t)c, i, buf, sizeof buf);
        size_t g = 0;
        while (g < b->ngroups && strcmp(keys[g], k) != 0)
            g++;
        if (g == b->ngroups) {
            owned[g] = aq__strdup(k);
            if (!owned[g]) {
                rc = aq__oom(ctx);
                break;
            }
            keys[g] = owned[g];
            b->ngroups++;
        }
        b->group[i] = g;
    }
    for (size_t g = 0; owned && g < b->ngroups; g++)
        aq__free(owned[g]);
    aq__free(owned);
    aq__free(keys);
    return rc;
}

int aq__bind(aq_ctx *ctx, const aq_method *m, const aq_table *t, aq__bound *b)
{
    memset(b, 0, sizeof *b);
    b->t = t;
    b->n = aq_table_nrows(t);
    b->m = m->nind;
    b->ref_row = SIZE_MAX;
    b->id_col = aq_table_find(t, m->id_col);
    int rc = AQ_OK;
    if (b->id_col < 0)
        rc = aq__err(ctx, AQ_ENOTFOUND, "%s: id column '%s' is not in the data", m->path,
                     m->id_col);
    b->pop_col = -1;
    if (!rc && m->pop_col) {
        b->pop_col = aq_table_find(t, m->pop_col);
        if (b->pop_col < 0)
            rc = aq__err(ctx, AQ_ENOTFOUND, "%s: population column '%s' is not in the data",
                         m->path, m->pop_col);
        else if (!aq_table_numbers(t, (size_t)b->pop_col))
            rc = aq__err(ctx, AQ_EINPUT, "%s: population column '%s' is text, not numbers",
                         m->path, m->pop_col);
    }
    if (!rc && b->n == 0)
        rc = aq__err(ctx, AQ_EINPUT, "the data has no units (rows)");
    if (!rc)
        rc = compute_derived(ctx, m, b);
    if (!rc)
        rc = bind_groups(ctx, m, b);
    if (!rc && m->nind) {
        b->raw = aq__xcalloc(ctx, m->nind, sizeof *b->raw);
        rc = b->raw ? AQ_OK : AQ_ENOMEM;
    }
    if (!rc) /* every absent indicator at once, not the first one only */
        rc = aq__method_columns_present(ctx, m, t);
    for (size_t j = 0; !rc && j < m->nind; j++)
        rc = bind_indicator(ctx, m, b, j);
    if (!rc && m->reference) {
        char buf[128];
        for (size_t i = 0; i < b->n && b->ref_row == SIZE_MAX; i++)
            if (strcmp(aq_table_cell(t, (size_t)b->id_col, i, buf, sizeof buf), m->reference) == 0)
                b->ref_row = i;
        if (b->ref_row == SIZE_MAX)
            rc = aq__err(ctx, AQ_ENOTFOUND, "%s: reference unit '%s' is not in the data",
                         m->path, m->reference);
    }
    if (!rc) {
        b->excluded = aq__xcalloc(ctx, b->n, 1);
        rc = b->excluded ? AQ_OK : AQ_ENOMEM;
    }
    for (size_t i = 0; !rc && i < b->n; i++) {
        size_t miss = 0;
        for (size_t j = 0; j < m->nind; j++)
            miss += isnan(b->raw[j][i]);
        if (m->nind && (double)miss / (double)m->nind > m->max_missing + 1e-12) {
            b->excluded[i] = 1;
            b->nexcluded++;
        }
    }
    if (!rc && m->kind == AQ_METHOD_POTENTIAL && b->nexcluded == b->n)
        rc = aq__err(ctx, AQ_EINPUT, "every unit misses more than %g%% of the indicators "
                     "(missing max_share %g): nothing to compute", m->max_missing * 100,
                     m->max_missing);
    if (rc)
        aq__bound_clear(b);
    return rc;
}

/* ---- imputation ---- */

static double median_of(double *v, size_t k)
{
    if (!k)
        return NAN;
    qsort(v, k, sizeof *v, aq__cmp_double);
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

/* Fills the missing values of x (included units) by the mean or median of
 * the unit's group, or of all units when the group has none. */
static int impute(aq_ctx *ctx, const aq__bound *b, enum aq__impute how, double *x, double *tmp)
{
    if (how == AQ_IMP_NONE)
        return AQ_OK;
    size_t nmiss = 0;
    for (size_t i = 0; i < b->n; i++)
        nmiss += !b->excluded[i] && isnan(x[i]);
    if (!nmiss) /* the common case: nothing to fill, no median to sort for */
        return AQ_OK;
    int use_median = how == AQ_IMP_MEDIAN || how == AQ_IMP_GROUP_MEDIAN;
    int by_group = (how == AQ_IMP_GROUP_MEAN || how == AQ_IMP_GROUP_MEDIAN) && b->group;
    size_t k = 0;
    double sum = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!b->excluded[i] && !isnan(x[i])) {
            tmp[k++] = x[i];
            sum += x[i];
        }
    double all = use_median ? median_of(tmp, k) : (k ? sum / (double)k : NAN);
    if (!by_group) {
        for (size_t i = 0; i < b->n; i++)
            if (!b->excluded[i] && isnan(x[i]))
                x[i] = all;
        return AQ_OK;
    }
    double *gval = aq__xmalloc(ctx, b->ngroups * sizeof *gval);
    if (!gval)
        return AQ_ENOMEM;
    for (size_t g = 0; g < b->ngroups; g++) {
        k = 0;
        sum = 0;
        for (size_t i = 0; i < b->n; i++)
            if (b->group[i] == g && !b->excluded[i] && !isnan(x[i])) {
                tmp[k++] = x[i];
                sum += x[i];
            }
        gval[g] = !k ? all : use_median ? median_of(tmp, k) : sum / (double)k;
    }
    for (size_t i = 0; i < b->n; i++)
        if (!b->excluded[i] && isnan(x[i]))
            x[i] = gval[b->group[i]];
    aq__free(gval);
    return AQ_OK;
}

/* ---- outliers: the JRC rule (COINr's Treat) ---- */

void aq__moments(const double *v, size_t k, double *skew, double *kurt)
{
    double mean = 0, m2 = 0, m3 = 0, m4 = 0;
    for (size_t i = 0; i < k; i++)
        mean += v[i];
    mean /= (double)k;
    for (size_t i = 0; i < k; i++) {
        double d = v[i] - mean, d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    m2 /= (double)k;
    m3 /= (double)k;
    m4 /= (double)k;
    *skew = m2 > 0 ? m3 / pow(m2, 1.5) : 0;
    *kurt = m2 > 0 ? m4 / (m2 * m2) - 3 : 0; /* excess kurtosis */
}

static int rule_fails(const aq_method *m, const double *v, size_t k)
{
    double s, ku;
    aq__moments(v, k, &s, &ku);
    return fabs(s) > m->skew_max && ku > m->kurt_max;
}

/* Box-Cox lambda maximising the profile log-likelihood on a 0.1 grid. */
static double boxcox_lambda(const double *v, size_t k)
{
    double best = 1, bestll = -INFINITY, slog = 0;
    for (size_t i = 0; i < k; i++)
        slog += log(v[i]);
    for (int g = -20; g <= 20; g++) {
        double lam = g / 10.0, mean = 0, ss = 0;
        for (size_t i = 0; i < k; i++)
            mean += lam == 0 ? log(v[i]) : (pow(v[i], lam) - 1) / lam;
        mean /= (double)k;
        for (size_t i = 0; i < k; i++) {
            double y = lam == 0 ? log(v[i]) : (pow(v[i], lam) - 1) / lam;
            ss += (y - mean) * (y - mean);
        }
        double ll = -(double)k / 2 * log(ss / (double)k) + (lam - 1) * slog;
        if (ll > bestll) {
            bestll = ll;
            best = lam;
        }
    }
    return best;
}

/* Treats one indicator when |skewness| and kurtosis exceed the limits:
 * winsorise up to winsor_max of the most extreme points on the skewed
 * side; when that does not pass the rule (JRC), or for log/Box-Cox,
 * transform x - min + 1 instead. tmp holds n doubles. */
static void treat(const aq_method *m, enum aq__outlier how, const aq__bound *b, double *x,
                  double *tmp)
{
    if (how == AQ_OUT_NONE)
        return;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!b->excluded[i] && !isnan(x[i]))
            tmp[k++] = x[i];
    if (k < 3 || !rule_fails(m, tmp, k))
        return;
    if (how == AQ_OUT_WINSOR || how == AQ_OUT_JRC) {
        qsort(tmp, k, sizeof *tmp, aq__cmp_double);
        double s, ku;
        aq__moments(tmp, k, &s, &ku);
        int high = s > 0;
        size_t w = 0;
        double *v = aq__malloc(k * sizeof *v);
        if (!v)
            return; /* leave untreated rather than fail the whole index */
        memcpy(v, tmp, k * sizeof *v);
        while ((int)w < m->winsor_max && w + 2 < k && rule_fails(m, v, k)) {
            w++;
            if (high)
                for (size_t i = 0; i < w; i++)
                    v[k - 1 - i] = tmp[k - 1 - w];
            else
                for (size_t i = 0; i < w; i++)
                    v[i] = tmp[w];
        }
        int ok = !rule_fails(m, v, k);
        aq__free(v);
        if (ok || how == AQ_OUT_WINSOR) {
            double cap = high ? tmp[k - 1 - w] : tmp[w];
            for (size_t i = 0; i < b->n; i++)
                if (!isnan(x[i]) && (high ? x[i] > cap : x[i] < cap))
                    x[i] = cap;
            return;
        }
    }
    double mn = INFINITY;
    for (size_t i = 0; i < b->n; i++)
        if (!isnan(x[i]) && x[i] < mn)
            mn = x[i];
    if (how == AQ_OUT_BOXCOX) {
        k = 0;
        for (size_t i = 0; i < b->n; i++)
            if (!b->excluded[i] && !isnan(x[i]))
                tmp[k++] = x[i] - mn + 1;
        double lam = boxcox_lambda(tmp, k);
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i])) {
                double y = x[i] - mn + 1;
                x[i] = lam == 0 ? log(y) : (pow(y, lam) - 1) / lam;
            }
        return;
    }
    for (size_t i = 0; i < b->n; i++)
        if (!isnan(x[i]))
            x[i] = log(x[i] - mn + 1);
}

/* ---- normalisation ---- */

/* Average ranks (1-based, ascending) of the included non-missing values. */
static int avg_ranks(aq_ctx *ctx, const aq__bound *b, const double *x, double *out, size_t *kout)
{
    size_t *idx = aq__xmalloc(ctx, b->n * sizeof *idx);
    if (!idx)
        return AQ_ENOMEM;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!b->excluded[i] && !isnan(x[i]))
            idx[k++] = i;
    /* insertion into sorted order by value would be quadratic; sort pairs */
    double *vals = aq__xmalloc(ctx, (k ? k : 1) * 2 * sizeof *vals);
    if (!vals) {
        aq__free(idx);
        return AQ_ENOMEM;
    }
    for (size_t r = 0; r < k; r++) {
        vals[2 * r] = x[idx[r]];
        vals[2 * r + 1] = (double)idx[r];
    }
    qsort(vals, k, 2 * sizeof *vals, aq__cmp_double); /* compares the value only */
    for (size_t r = 0; r < k;) {
        size_t e = r;
        while (e + 1 < k && vals[2 * (e + 1)] == vals[2 * r])
            e++;
        double avg = (double)(r + e) / 2 + 1;
        for (size_t q = r; q <= e; q++)
            out[(size_t)vals[2 * q + 1]] = avg;
        r = e + 1;
    }
    aq__free(vals);
    aq__free(idx);
    *kout = k;
    return AQ_OK;
}

static int normalise(aq_ctx *ctx, const aq_method *m, const aq__bound *b, enum aq__norm how,
                     size_t j, double *x)
{
    const aq__mind *ind = &m->ind[j];
    const double lo = m->range_lo, hi = m->range_hi, span = hi - lo;
    const int rev = ind->direction < 0;
    if (ind->bands)
        return AQ_OK; /* scoring tables give points directly */
    double mn = INFINITY, mx = -INFINITY, sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->excluded[i]) {
            x[i] = NAN;
            continue;
        }
        if (isnan(x[i]))
            continue;
        mn = x[i] < mn ? x[i] : mn;
        mx = x[i] > mx ? x[i] : mx;
        sum += x[i];
        k++;
    }
    if (!k)
        return aq__err(ctx, AQ_EINPUT, "%s:%zu: indicator '%s' has no value in any unit",
                       m->path, ind->line, ind->code);
    if ((how == AQ_NORM_MINMAX || how == AQ_NORM_ZSCORE) && mn == mx)
        return aq__err(ctx, AQ_EINPUT, "%s:%zu: indicator '%s' is constant (%g in every unit): "
                       "%s is undefined; remove the indicator or give it goalposts",
                       m->path, ind->line, ind->code, mn,
                       how == AQ_NORM_MINMAX ? "min-max normalisation" : "the z-score");
    switch (how) {
    case AQ_NORM_MINMAX:
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i])) {
                double v = (x[i] - mn) / (mx - mn);
                if (rev)
                    v = 1.0 - v; /* = (max - x)/(max - min), as the peers compute it */
                x[i] = lo + span * v;
            }
        break;
    case AQ_NORM_ZSCORE: {
        double mean = sum / (double)k, ss = 0;
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i]))
                ss += (x[i] - mean) * (x[i] - mean);
        double sd = k > 1 ? sqrt(ss / (double)(k - 1)) : 0;
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i]))
                x[i] = (rev ? -1 : 1) * (x[i] - mean) / sd;
        break;
    }
    case AQ_NORM_RANK:
    case AQ_NORM_PCTRANK: {
        double *r = aq__xmalloc(ctx, b->n * sizeof *r);
        size_t kk;
        if (!r || avg_ranks(ctx, b, x, r, &kk)) {
            aq__free(r);
            return AQ_ENOMEM;
        }
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i])) {
                double rk = rev ? (double)kk + 1 - r[i] : r[i];
                double v = how == AQ_NORM_RANK ? (kk > 1 ? (rk - 1) / (double)(kk - 1) : 1)
                                               : rk / (double)kk;
                x[i] = lo + span * v;
            }
        aq__free(r);
        break;
    }
    case AQ_NORM_GOALPOSTS: {
        double glo = isnan(ind->goal_lo) ? mn : ind->goal_lo;
        double ghi = isnan(ind->goal_hi) ? mx : ind->goal_hi;
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i])) {
                double v = (x[i] - glo) / (ghi - glo);
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                x[i] = lo + span * (rev ? 1.0 - v : v);
            }
        break;
    }
    case AQ_NORM_TARGET: {
        /* COINr's n_dist2targ: progress from the worst unit to the target. */
        double t = isnan(ind->target) ? (rev ? mn : mx) : ind->target;
        double worst = rev ? mx : mn;
        if (t == worst)
            return aq__err(ctx, AQ_EINPUT, "%s:%zu: indicator '%s': the target %g equals the "
                           "worst value", m->path, ind->line, ind->code, t);
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i])) {
                double v = (x[i] - worst) / (t - worst);
                x[i] = lo + span * (v > 1 ? 1 : v < 0 ? 0 : v);
            }
        break;
    }
    case AQ_NORM_REFERENCE: {
        double ref = b->raw[j][b->ref_row];
        if (isnan(ref) || ref == 0)
            return aq__err(ctx, AQ_EINPUT, "%s:%zu: indicator '%s': the reference unit '%s' "
                           "has %s", m->path, ind->line, ind->code, m->reference,
                           isnan(ref) ? "no value" : "the value 0");
        for (size_t i = 0; i < b->n; i++)
            if (!isnan(x[i]))
                x[i] = hi * (rev ? (x[i] != 0 ? ref / x[i] : NAN) : x[i] / ref);
        break;
    }
    case AQ_NORM_NONE:
        if (rev)
            for (size_t i = 0; i < b->n; i++)
                x[i] = -x[i];
        break;
    case AQ_NORM_SCORING:
        return aq__err(ctx, AQ_EINPUT, "%s:%zu: indicator '%s' has no 'scoring' table "
                       "(normalise method scoring)", m->path, ind->line, ind->code);
    }
    return AQ_OK;
}

/* ---- weights ---- */

/* First-principal-component weights within each pillar (OECD/JRC
 * handbook: squared loadings scaled to sum 1), from the correlations of
 * the normalised indicators over units with every value. */
static int pca_weights(aq_ctx *ctx, const aq_method *m, const aq__bound *b, double *const *norm,
                       double *w)
{
    size_t npil = m->npil ? m->npil : 1;
    for (size_t p = 0; p < npil; p++) {
        size_t cols[64], k = 0;
        for (size_t j = 0; j < m->nind && k < 64; j++)
            if (!m->npil || m->ind[j].pillar_idx == p)
                cols[k++] = j;
        if (k < 2) {
            for (size_t q = 0; q < k; q++)
                w[cols[q]] = 1;
            continue;
        }
        gsl_matrix *c = gsl_matrix_calloc(k, k);
        gsl_matrix *evec = gsl_matrix_alloc(k, k);
        gsl_vector *eval = gsl_vector_alloc(k);
        gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(k);
        if (!c || !evec || !eval || !ws) {
            gsl_matrix_free(c);
            gsl_matrix_free(evec);
            gsl_vector_free(eval);
            gsl_eigen_symmv_free(ws);
            return aq__oom(ctx);
        }
        double mean[64] = {0}, sd[64] = {0};
        size_t cnt = 0;
        for (size_t i = 0; i < b->n; i++) {
            int ok = !b->excluded[i];
            for (size_t q = 0; ok && q < k; q++)
                ok = !isnan(norm[cols[q]][i]);
            if (!ok)
                continue;
            cnt++;
            for (size_t q = 0; q < k; q++)
                mean[q] += norm[cols[q]][i];
        }
        for (size_t q = 0; q < k; q++)
            mean[q] /= cnt ? (double)cnt : 1;
        for (size_t i = 0; i < b->n; i++) {
            int ok = !b->excluded[i];
            for (size_t q = 0; ok && q < k; q++)
                ok = !isnan(norm[cols[q]][i]);
            if (!ok)
                continue;
            for (size_t q = 0; q < k; q++)
                for (size_t r = 0; r <= q; r++) {
                    double v = (norm[cols[q]][i] - mean[q]) * (norm[cols[r]][i] - mean[r]);
                    *gsl_matrix_ptr(c, q, r) += v;
                }
        }
        for (size_t q = 0; q < k; q++)
            sd[q] = sqrt(gsl_matrix_get(c, q, q));
        for (size_t q = 0; q < k; q++)
            for (size_t r = 0; r <= q; r++) {
                double v = sd[q] > 0 && sd[r] > 0 ? gsl_matrix_get(c, q, r) / (sd[q] * sd[r]) : 0;
                gsl_matrix_set(c, q, r, v);
                gsl_matrix_set(c, r, q, v);
            }
        gsl_eigen_symmv(c, eval, evec, ws);
        gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
        double tot = 0;
        for (size_t q = 0; q < k; q++)
            tot += gsl_matrix_get(evec, q, 0) * gsl_matrix_get(evec, q, 0);
        for (size_t q = 0; q < k; q++) {
            double l = gsl_matrix_get(evec, q, 0);
            w[cols[q]] = tot > 0 ? l * l / tot : 1.0 / (double)k;
            if (!(w[cols[q]] > 1e-6))
                w[cols[q]] = 1e-6; /* keep every indicator in the index */
        }
        gsl_matrix_free(c);
        gsl_matrix_free(evec);
        gsl_vector_free(eval);
        gsl_eigen_symmv_free(ws);
    }
    return AQ_OK;
}

static double ind_weight(const aq_method *m, const aq__choice *c, size_t j)
{
    if ((long)j == c->drop)
        return 0;
    if (c->indw)
        return c->indw[j];
    return m->wmode == AQ_W_EQUAL ? 1.0 : m->ind[j].weight;
}

static double pil_weight(const aq_method *m, const aq__choice *c, size_t p)
{
    if (c->pilw)
        return c->pilw[p];
    return m->wmode == AQ_W_EQUAL ? 1.0 : m->pil[p].weight;
}

void aq__effective_weights(const aq_method *m, const aq__choice *c, double *eff)
{
    size_t npil = m->npil ? m->npil : 1;
    double ptot = 0;
    for (size_t p = 0; p < npil; p++) {
        double s = 0;
        for (size_t j = 0; j < m->nind; j++)
            if (!m->npil || m->ind[j].pillar_idx == p)
                s += ind_weight(m, c, j);
        if (s > 0)
            ptot += m->npil ? pil_weight(m, c, p) : 1;
    }
    for (size_t j = 0; j < m->nind; j++) {
        size_t p = m->npil ? m->ind[j].pillar_idx : 0;
        double s = 0;
        for (size_t q = 0; q < m->nind; q++)
            if (!m->npil || m->ind[q].pillar_idx == p)
                s += ind_weight(m, c, q);
        double pw = m->npil ? pil_weight(m, c, p) : 1;
        eff[j] = s > 0 && ptot > 0 ? (ind_weight(m, c, j) / s) * (pw / ptot) : 0;
    }
}

/* ---- aggregation ---- */

/* Weighted mean of v[k] (NaN skipped, weights renormalised over the rest)
 * of kind AGG; *bad is set when a non-positive value meets a mean that
 * needs positive values. */
static double wmean(enum aq__agg agg, double p, const double *v, const double *w, size_t k,
                    int *bad)
{
    double tot = 0;
    for (size_t q = 0; q < k; q++)
        if (!isnan(v[q]) && w[q] > 0)
            tot += w[q];
    if (!(tot > 0))
        return NAN;
    double s = 0;
    for (size_t q = 0; q < k; q++) {
        if (isnan(v[q]) || !(w[q] > 0))
            continue;
        double wn = w[q] / tot;
        if (agg != AQ_AGG_ARITH && !(v[q] > 0)) {
            *bad = 1;
            return NAN;
        }
        switch (agg) {
        case AQ_AGG_ARITH: s += wn * v[q]; break;
        case AQ_AGG_GEOM: s += wn * log(v[q]); break;
        case AQ_AGG_HARM: s += wn / v[q]; break;
        case AQ_AGG_GENMEAN: s += wn * pow(v[q], p); break;
        }
    }
    switch (agg) {
    case AQ_AGG_GEOM: return exp(s);
    case AQ_AGG_HARM: return 1 / s;
    case AQ_AGG_GENMEAN: return pow(s, 1 / p);
    default: return s;
    }
}

int aq__bound_prepare(aq_ctx *ctx, const aq_method *m, aq__bound *b, enum aq__impute how)
{
    if (b->prep[how] || !b->m)
        return AQ_OK;
    double **cols = aq__xcalloc(ctx, b->m, sizeof *cols);
    double *tmp = aq__xmalloc(ctx, b->n * sizeof *tmp);
    int rc = cols && tmp ? AQ_OK : AQ_ENOMEM;
    for (size_t j = 0; !rc && j < b->m; j++) {
        cols[j] = aq__xmalloc(ctx, b->n * sizeof(double));
        if (!cols[j]) {
            rc = AQ_ENOMEM;
            break;
        }
        memcpy(cols[j], b->raw[j], b->n * sizeof(double));
        if (!m->ind[j].bands) {
            rc = impute(ctx, b, how, cols[j], tmp);
            if (!rc)
                treat(m, m->outliers, b, cols[j], tmp);
        }
    }
    aq__free(tmp);
    if (rc) {
        for (size_t j = 0; cols && j < b->m; j++)
            aq__free(cols[j]);
        aq__free(cols);
        return rc;
    }
    b->prep[how] = cols;
    return AQ_OK;
}

int aq__index_run(aq_ctx *ctx, const aq_method *m, const aq__bound *b, const aq__choice *c,
                  double **norm, double **pillar, double *score)
{
    const size_t n = b->n, nind = m->nind;
    double *tmp = aq__xmalloc(ctx, n * sizeof *tmp);
    double *w = aq__xmalloc(ctx, (2 * nind + m->npil + 2) * sizeof *w);
    double *v = aq__xmalloc(ctx, (2 * nind + m->npil + 2) * sizeof *v);
    double *pw = w + nind, *wk = pw + m->npil; /* wk, vk: one pillar's values */
    int rc = tmp && w && v ? AQ_OK : AQ_ENOMEM;
    for (size_t j = 0; !rc && j < nind; j++) {
        if (b->prep[c->impute]) { /* prepared once for the Monte Carlo */
            memcpy(norm[j], b->prep[c->impute][j], n * sizeof(double));
            rc = normalise(ctx, m, b, c->norm, j, norm[j]);
            continue;
        }
        memcpy(norm[j], b->raw[j], n * sizeof(double));
        if (!m->ind[j].bands) {
            rc = impute(ctx, b, c->impute, norm[j], tmp);
            if (!rc)
                treat(m, m->outliers, b, norm[j], tmp);
        }
        if (!rc)
            rc = normalise(ctx, m, b, c->norm, j, norm[j]);
    }
    if (!rc) {
        for (size_t j = 0; j < nind; j++)
            w[j] = ind_weight(m, c, j);
        if (m->wmode == AQ_W_PCA && !c->indw) {
            rc = pca_weights(ctx, m, b, norm, w);
            if (c->drop >= 0)
                w[c->drop] = 0;
        }
        for (size_t p = 0; p < m->npil; p++)
            pw[p] = pil_weight(m, c, p);
    }
    for (size_t i = 0; !rc && i < n; i++) {
        if (b->excluded[i]) {
            score[i] = NAN;
            for (size_t p = 0; p < m->npil; p++)
                pillar[p][i] = NAN;
            continue;
        }
        int bad = 0;
        if (!m->npil) {
            for (size_t j = 0; j < nind; j++)
                v[j] = norm[j][i];
            score[i] = wmean(c->agg_within, m->p_within, v, w, nind, &bad);
        } else {
            double *pv = v, *vk = v + m->npil;
            for (size_t p = 0; p < m->npil; p++) {
                size_t k = 0;
                for (size_t j = 0; j < nind; j++)
                    if (m->ind[j].pillar_idx == p) {
                        wk[k] = w[j];
                        vk[k++] = norm[j][i];
                    }
                pv[p] = pillar[p][i] = wmean(c->agg_within, m->p_within, vk, wk, k, &bad);
            }
            score[i] = wmean(c->agg_between, m->p_between, pv, pw, m->npil, &bad);
        }
        if (bad) {
            char buf[128];
            rc = aq__err(ctx, AQ_EINPUT, "unit '%s' (line %zu): a normalised value is zero or "
                         "negative, which a geometric, harmonic or generalised mean cannot "
                         "take; normalise to a positive range such as [1, 100]",
                         aq_table_cell(b->t, (size_t)b->id_col, i, buf, sizeof buf),
                         aq_table_source_line(b->t, i));
        }
    }
    aq__free(tmp);
    aq__free(w);
    aq__free(v);
    return rc;
}
