/*
 * ineq.c -- disparity measures of one distribution: spread and ratios,
 * Gini and the Lorenz curve, generalised entropy (Theil T and L), Atkinson,
 * Hoover and Palma, weighted by population when weights are given, with the
 * exact between/within decomposition of every GE(a) by groups.
 *
 * Work plan (O(n log n), memory about 4 doubles per unit beyond the input):
 *  1. a blocked pass: validation, totals and group totals (means);
 *  2. a blocked pass: one logarithm per unit, accumulating for each group
 *     the sums its own indices need, centred on the group mean (accurate
 *     when inequality is small), and for the whole the sums centred on the
 *     overall mean; the total and the within part are each computed from
 *     their own sums, never one as the difference of the others;
 *  3. one stable radix sort for the Gini, the Lorenz curve and quantiles.
 * The blocks are fixed by n and the number of groups only and are summed
 * in order, so results are identical for any thread count.
 * Formulas: docs/disparity.md.
 */
#include "ineq_int.h"

#include <math.h>
#include <omp.h>
#include <string.h>

static const double GE_ALPHA[AQ_GE_N] = {-1, 0, 1, 2};
static const double ATK_E[AQ_ATK_N] = {0.5, 1, 2};

double aq_ineq_ge_alpha(int i) { return i >= 0 && i < AQ_GE_N ? GE_ALPHA[i] : NAN; }
double aq_ineq_atkinson_e(int i) { return i >= 0 && i < AQ_ATK_N ? ATK_E[i] : NAN; }

void aq_ineq_opts_init(aq_ineq_opts *opts)
{
    opts->lorenz_max = 1000;
    opts->threads = 0;
}

int aq__ineq_threads(const aq_ctx *ctx, int opts_threads)
{
    int t = opts_threads > 0 ? opts_threads : (ctx ? aq_ctx_threads(ctx) : 0);
    return t > 0 ? t : omp_get_max_threads();
}

void aq_ineq_result_free(aq_ineq_result *r)
{
    if (!r)
        return;
    aq__free(r->lorenz_pop);
    aq__free(r->lorenz_income);
    aq__free(r->groups);
    aq__free(r);
}

/* ---- the blocked passes ---- */

/* Sums of pass 1, per group. */
enum { S1_W, S1_X, S1_N, S1_COUNT };
/* Sums of pass 2, per group (centred on the group mean, r = x / mu_g). */
enum { S2_RL, S2_L, S2_SQ, S2_INV, S2_SQRT, S2_COUNT };
/* Sums of pass 2 for the whole (r0 = x / mu), plus Hoover's |r0 - 1|. */
enum { S0_RL, S0_L, S0_SQ, S0_INV, S0_SQRT, S0_ABS, S0_COUNT };

typedef struct blocks {
    size_t nb;   /* number of blocks */
    size_t n;
} blocks;

static size_t block_lo(const blocks *b, size_t k) { return b->n * k / b->nb; }

/* Fixed by n and the group count only, never by the thread count: about
 * 64K units per block, at most 256 blocks, and per-block group sums that
 * take no more memory than one input column. */
static blocks make_blocks(size_t n, size_t ngroups)
{
    size_t nb = (n + 65535) / 65536;
    size_t cap = n / (ngroups * S2_COUNT + 1);
    if (nb > cap)
        nb = cap;
    if (nb > 256)
        nb = 256;
    if (nb < 1)
        nb = 1;
    return (blocks){nb, n};
}

typedef struct pass_in {
    const double *x, *w;
    const uint32_t *g;
    size_t n, ngroups;
} pass_in;

/* Pass 1: validation (first bad unit per block) and group totals. */
static void pass1(const pass_in *in, const blocks *b, int threads, double *acc,
                  size_t *bad, double *minmax)
{
    const size_t G = in->ngroups;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t k = 0; k < b->nb; k++) {
        double *a = acc + k * G * S1_COUNT;
        size_t lo = block_lo(b, k), hi = block_lo(b, k + 1);
        double mn = INFINITY, mx = -INFINITY;
        bad[k] = SIZE_MAX;
        for (size_t i = lo; i < hi; i++) {
            double xi = in->x[i], wi = in->w ? in->w[i] : 1.0;
            uint32_t gi = in->g ? in->g[i] : 0;
            if (!(xi > 0) || !isfinite(xi) || !(wi >= 0) || !isfinite(wi) || gi >= G) {
                bad[k] = i;
                break;
            }
            double *ag = a + (size_t)gi * S1_COUNT;
            ag[S1_W] += wi;
            ag[S1_X] += wi * xi;
            ag[S1_N] += 1;
            mn = xi < mn ? xi : mn;
            mx = xi > mx ? xi : mx;
        }
        minmax[2 * k] = mn;
        minmax[2 * k + 1] = mx;
    }
}

/* Pass 2: the centred sums. MU_G are the group means, Q_G = mu_g / mu,
 * SQ_G = sqrt(q_g), LQ_G = ln(q_g). */
static void pass2(const pass_in *in, const blocks *b, int threads, const double *mu_g,
                  const double *q_g, const double *sq_g, const double *lq_g, double *acc,
                  double *acc0)
{
    const size_t G = in->ngroups;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t k = 0; k < b->nb; k++) {
        double *a = acc + k * G * S2_COUNT;
        double s0[S0_COUNT] = {0};
        size_t lo = block_lo(b, k), hi = block_lo(b, k + 1);
        for (size_t i = lo; i < hi; i++) {
            double wi = in->w ? in->w[i] : 1.0;
            uint32_t gi = in->g ? in->g[i] : 0;
            double r = in->x[i] / mu_g[gi];
            double l = log(r), sr = sqrt(r), ir = 1.0 / r;
            double *ag = a + (size_t)gi * S2_COUNT;
            ag[S2_RL] += wi * r * l;
            ag[S2_L] += wi * l;
            ag[S2_SQ] += wi * (r - 1) * (r - 1);
            ag[S2_INV] += wi * (ir - 1);
            ag[S2_SQRT] += wi * (sr - 1);
            /* the same for the whole, from the group-centred quantities */
            double r0 = r * q_g[gi], l0 = l + lq_g[gi];
            s0[S0_RL] += wi * r0 * l0;
            s0[S0_L] += wi * l0;
            s0[S0_SQ] += wi * (r0 - 1) * (r0 - 1);
            s0[S0_INV] += wi * (ir / q_g[gi] - 1);
            s0[S0_SQRT] += wi * (sr * sq_g[gi] - 1);
            s0[S0_ABS] += wi * fabs(r0 - 1);
        }
        memcpy(acc0 + k * S0_COUNT, s0, sizeof s0);
    }
}

/* Sums per-block arrays of LEN doubles into OUT, block by block in order. */
static void sum_blocks(const double *acc, size_t nb, size_t len, double *out)
{
    memset(out, 0, len * sizeof *out);
    for (size_t k = 0; k < nb; k++)
        for (size_t j = 0; j < len; j++)
            out[j] += acc[k * len + j];
}

/* ---- GE(a) from its sums ---- */

/* GE(a) of a distribution with the centred sums S (per unit of weight). */
static void ge_from_sums(const double *s2, double wsum, double ge[AQ_GE_N])
{
    ge[AQ_GE_M1] = 0.5 * s2[S2_INV] / wsum;
    ge[AQ_GE_0] = -s2[S2_L] / wsum;
    ge[AQ_GE_1] = s2[S2_RL] / wsum;
    ge[AQ_GE_2] = 0.5 * s2[S2_SQ] / wsum;
}

/* Between-group GE(a): the index of the distribution where everyone has
 * their group's mean; V = population shares, Q = mu_g / mu. */
static double ge_between(int a, const double *v, const double *q, size_t G)
{
    double s = 0;
    for (size_t j = 0; j < G; j++) {
        if (!(v[j] > 0))
            continue;
        switch (a) {
        case AQ_GE_M1: s += v[j] * (1 / q[j] - 1); break;
        case AQ_GE_0: s -= v[j] * log(q[j]); break;
        case AQ_GE_1: s += v[j] * q[j] * log(q[j]); break;
        default: s += v[j] * (q[j] - 1) * (q[j] - 1); break;
        }
    }
    return (a == AQ_GE_M1 || a == AQ_GE_2) ? 0.5 * s : s;
}

/* ---- sorted-data measures ---- */

/* Quantile Q of N sorted values at XS[i*stride] with weights at
 * WS[i*stride] (WS NULL = unweighted) whose total is W; the rules of
 * aq_quantile_sorted. Strided so both plain arrays and sorted pairs use it. */
static double quantile_strided(const double *xs, const double *ws, size_t stride, size_t n,
                               double W, double q)
{
    if (n == 1)
        return xs[0];
    if (!ws) {
        double h = (double)(n - 1) * q;
        size_t lo = (size_t)floor(h);
        if (lo >= n - 1)
            return xs[(n - 1) * stride];
        return xs[lo * stride] + (h - (double)lo) * (xs[(lo + 1) * stride] - xs[lo * stride]);
    }
    double target = q * W, c = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = ws[i * stride];
        c += wi;
        if (wi > 0 && c >= target) {
            /* exactly on a step: average with the next unit with people */
            if (c == target && q > 0 && q < 1)
                for (size_t j = i + 1; j < n; j++)
                    if (ws[j * stride] > 0)
                        return 0.5 * (xs[i * stride] + xs[j * stride]);
            return xs[i * stride];
        }
    }
    return xs[(n - 1) * stride];
}

double aq_quantile_sorted(const double *xs, const double *ws, size_t n, double q)
{
    double W = 0;
    for (size_t i = 0; ws && i < n; i++)
        W += ws[i];
    return quantile_strided(xs, ws, 1, n, W, q);
}

/* Evaluates the Lorenz curve L(p) of the sorted units at the increasing
 * shares P[0..np-1] (linear within a unit: its people share its value), in
 * one scan. */
static void lorenz_at(const aq__xw *s, size_t n, double W, double X, const double *p,
                      size_t np, double *out)
{
    size_t j = 0;
    double c = 0, xc = 0;
    for (size_t i = 0; i < n && j < np; i++) {
        double wi = s[i].w;
        while (j < np && p[j] * W <= c + wi) {
            double part = p[j] * W - c;
            out[j] = (xc + (part > 0 ? part : 0) * s[i].x) / X;
            j++;
        }
        c += wi;
        xc += wi * s[i].x;
    }
    for (; j < np; j++)
        out[j] = 1.0;
}

/* Gini from the sorted units: sum_i w_i x_i (2 C_i - w_i - W) / (W X), the
 * mean absolute difference over all pairs of people / (2 mean); exact for
 * tied values. Also fills the Lorenz points when every unit is kept. */
static double gini_sorted(const aq__xw *s, size_t n, double W, double X, double *lp,
                          double *li)
{
    double c = 0, xc = 0, g = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = s[i].w, xi = s[i].x;
        c += wi;
        g += wi * xi * (2 * c - wi - W);
        xc += wi * xi;
        if (lp) {
            lp[i + 1] = c / W;
            li[i + 1] = xc / X;
        }
    }
    return g / (W * X);
}

static int sorted_measures(aq_ctx *ctx, const pass_in *in, int threads,
                           const aq_ineq_opts *opts, aq_ineq_result *r)
{
    size_t n = in->n;
    aq__xw *s = NULL;
    int rc = aq__ineq_sort(ctx, in->x, in->w, n, threads, &s);
    if (rc)
        return rc;
    double W = r->total_weight, X = r->mean * W;
    size_t keep = (opts->lorenz_max == 0 || n <= opts->lorenz_max) ? n : opts->lorenz_max;
    r->lorenz_pop = aq__xmalloc(ctx, (keep + 1) * sizeof(double));
    r->lorenz_income = aq__xmalloc(ctx, (keep + 1) * sizeof(double));
    if (!r->lorenz_pop || !r->lorenz_income) {
        aq__free(s);
        return AQ_ENOMEM;
    }
    r->nlorenz = keep + 1;
    r->lorenz_pop[0] = r->lorenz_income[0] = 0;
    r->gini = gini_sorted(s, n, W, X, keep == n ? r->lorenz_pop : NULL,
                          keep == n ? r->lorenz_income : NULL);
    if (keep < n) {
        for (size_t j = 1; j <= keep; j++)
            r->lorenz_pop[j] = (double)j / (double)keep;
        lorenz_at(s, n, W, X, r->lorenz_pop + 1, keep, r->lorenz_income + 1);
    }
    static const double shares[4] = {0.2, 0.4, 0.8, 0.9};
    double L[4];
    lorenz_at(s, n, W, X, shares, 4, L);
    r->ratio_top_bottom_quintile = (1 - L[2]) / L[0];
    r->palma = (1 - L[3]) / L[1];
    const double *ws = in->w ? &s[0].w : NULL;
    r->median = quantile_strided(&s[0].x, ws, 2, n, W, 0.5);
    r->p10 = quantile_strided(&s[0].x, ws, 2, n, W, 0.1);
    r->p90 = quantile_strided(&s[0].x, ws, 2, n, W, 0.9);
    r->ratio_p90_p10 = r->p90 / r->p10;
    aq__free(s);
    return AQ_OK;
}

/* ---- the whole computation ---- */

static int bad_unit(aq_ctx *ctx, const pass_in *in, size_t i)
{
    double xi = in->x[i];
    if (in->g && in->g[i] >= in->ngroups)
        return aq__err(ctx, AQ_EUSAGE, "unit %zu: group code %u is not below the %zu groups", i,
                       (unsigned)in->g[i], in->ngroups);
    if (in->w && !(in->w[i] >= 0 && isfinite(in->w[i])))
        return aq__err(ctx, AQ_EINPUT, "unit %zu: weight %g is not a finite number >= 0", i,
                       in->w[i]);
    if (!isfinite(xi))
        return aq__err(ctx, AQ_EINPUT, "unit %zu: value %g is not a finite number", i, xi);
    return aq__err(ctx, AQ_EINPUT,
                   "unit %zu: value %g is not positive; theil_l, ge(-1), ge(0) and atkinson "
                   "need logarithms or reciprocals of positive values",
                   i, xi);
}

static int group_stats(aq_ctx *ctx, const pass_in *in, const double *t1, double W, double mu,
                       int skip_empty, aq_ineq_result *r, double *mu_g, double *q_g,
                       double *sq_g, double *lq_g)
{
    for (size_t j = 0; j < in->ngroups; j++) {
        const double *s = t1 + j * S1_COUNT;
        if (!(s[S1_W] > 0)) {
            if (!skip_empty)
                return aq__err(ctx, AQ_EINPUT,
                               s[S1_N] > 0 ? "group %zu has no population (its weights sum to 0)"
                                           : "group %zu has no units",
                               j);
            mu_g[j] = mu; /* absent: never used by a unit, neutral in sums */
        } else {
            mu_g[j] = s[S1_X] / s[S1_W];
        }
        q_g[j] = mu_g[j] / mu;
        sq_g[j] = sqrt(q_g[j]);
        lq_g[j] = log(q_g[j]);
        if (r->groups) {
            aq_ineq_group *gr = &r->groups[j];
            gr->n = (size_t)s[S1_N];
            gr->weight = s[S1_W];
            gr->mean = s[S1_W] > 0 ? mu_g[j] : NAN;
            gr->pop_share = s[S1_W] / W;
            gr->income_share = s[S1_X] / (mu * W);
        }
    }
    return AQ_OK;
}

int aq__ineq_compute(aq_ctx *ctx, const double *x, const double *w, size_t n,
                     const uint32_t *g, size_t ngroups, const aq_ineq_opts *opts,
                     int skip_empty_groups, aq_ineq_result **out)
{
    aq_ineq_opts defaults;
    if (!opts) {
        aq_ineq_opts_init(&defaults);
        opts = &defaults;
    }
    if (n < 2)
        return aq__err(ctx, AQ_EINPUT, "disparity needs at least 2 units, got %zu", n);
    if (g && ngroups == 0)
        return aq__err(ctx, AQ_EUSAGE, "group codes given but the number of groups is 0");
    pass_in in = {x, w, g, n, g ? ngroups : 1};
    const size_t G = in.ngroups;
    int threads = aq__ineq_threads(ctx, opts->threads);
    blocks b = make_blocks(n, G);

    int rc = AQ_ENOMEM;
    aq_ineq_result *r = aq__xcalloc(ctx, 1, sizeof *r);
    /* acc holds the pass-1 sums, then the larger pass-2 sums; acc0 the
     * min/max pairs of pass 1, then the overall sums of pass 2 */
    _Static_assert((int)S2_COUNT >= (int)S1_COUNT && (int)S0_COUNT >= 2, "buffer reuse");
    double *acc = aq__xcalloc(ctx, b.nb * G * S2_COUNT, sizeof *acc);
    double *acc0 = aq__xcalloc(ctx, b.nb * S0_COUNT, sizeof *acc0);
    size_t *bad = aq__xcalloc(ctx, b.nb, sizeof *bad);
    double *gs = aq__xcalloc(ctx, G * (S2_COUNT + 4), sizeof *gs);
    if (!r || !acc || !acc0 || !bad || !gs)
        goto fail;
    if (g && !(r->groups = aq__xcalloc(ctx, G, sizeof *r->groups)))
        goto fail;
    r->ngroups = g ? G : 0;
    r->n = n;
    r->weighted = w != NULL;

    /* pass 1 */
    double *t1 = gs; /* G * S1_COUNT, reused for pass 2 sums afterwards */
    pass1(&in, &b, threads, acc, bad, acc0);
    for (size_t k = 0; k < b.nb; k++)
        if (bad[k] != SIZE_MAX) {
            rc = bad_unit(ctx, &in, bad[k]);
            goto fail;
        }
    r->min = INFINITY;
    r->max = -INFINITY;
    for (size_t k = 0; k < b.nb; k++) {
        r->min = acc0[2 * k] < r->min ? acc0[2 * k] : r->min;
        r->max = acc0[2 * k + 1] > r->max ? acc0[2 * k + 1] : r->max;
    }
    sum_blocks(acc, b.nb, G * S1_COUNT, t1);
    double W = 0, X = 0;
    for (size_t j = 0; j < G; j++) {
        W += t1[j * S1_COUNT + S1_W];
        X += t1[j * S1_COUNT + S1_X];
    }
    if (!(W > 0)) {
        rc = aq__err(ctx, AQ_EINPUT, "the weights of all %zu units sum to 0", n);
        goto fail;
    }
    double mu = X / W;
    r->total_weight = W;
    r->mean = mu;
    r->range = r->max - r->min;
    r->ratio_max_min = r->max / r->min;

    double *mu_g = gs + G * S2_COUNT, *q_g = mu_g + G, *sq_g = q_g + G, *lq_g = sq_g + G;
    /* group_stats reads t1 (inside gs[0 .. G*S1_COUNT)), writes after it */
    if ((rc = group_stats(ctx, &in, t1, W, mu, skip_empty_groups, r, mu_g, q_g, sq_g, lq_g)))
        goto fail;
    double *wg = aq__xmalloc(ctx, G * sizeof *wg);
    if (!wg) {
        rc = AQ_ENOMEM;
        goto fail;
    }
    for (size_t j = 0; j < G; j++)
        wg[j] = t1[j * S1_COUNT + S1_W];

    /* pass 2 */
    memset(acc, 0, b.nb * G * S2_COUNT * sizeof *acc);
    pass2(&in, &b, threads, mu_g, q_g, sq_g, lq_g, acc, acc0);
    double *t2 = gs; /* G * S2_COUNT */
    sum_blocks(acc, b.nb, G * S2_COUNT, t2);
    double s0[S0_COUNT];
    sum_blocks(acc0, b.nb, S0_COUNT, s0);

    /* totals, from the sums centred on the overall mean */
    r->ge[AQ_GE_M1] = 0.5 * s0[S0_INV] / W;
    r->ge[AQ_GE_0] = -s0[S0_L] / W;
    r->ge[AQ_GE_1] = s0[S0_RL] / W;
    r->ge[AQ_GE_2] = 0.5 * s0[S0_SQ] / W;
    r->theil_t = r->ge[AQ_GE_1];
    r->theil_l = r->ge[AQ_GE_0];
    double msqrt = 1 + s0[S0_SQRT] / W;
    r->atkinson[AQ_ATK_05] = 1 - msqrt * msqrt;
    r->atkinson[AQ_ATK_1] = 1 - exp(-r->theil_l);
    r->atkinson[AQ_ATK_2] = 1 - 1 / (1 + s0[S0_INV] / W);
    r->hoover = 0.5 * s0[S0_ABS] / W;
    r->cv = sqrt(s0[S0_SQ] / W);
    r->cv_sample = r->cv * sqrt((double)n / (double)(n - 1));
    r->williamson = w ? r->cv : NAN;

    /* decomposition: within from each group's own index, between from the
     * group means */
    for (int a = 0; a < AQ_GE_N; a++)
        r->between[a] = r->within[a] = NAN;
    if (g) {
        double *v = aq__xmalloc(ctx, G * sizeof *v);
        if (!v) {
            aq__free(wg);
            rc = AQ_ENOMEM;
            goto fail;
        }
        for (size_t j = 0; j < G; j++)
            v[j] = wg[j] / W;
        for (int a = 0; a < AQ_GE_N; a++)
            r->within[a] = 0;
        for (size_t j = 0; j < G; j++) {
            aq_ineq_group *gr = &r->groups[j];
            if (!(wg[j] > 0)) {
                for (int a = 0; a < AQ_GE_N; a++)
                    gr->ge[a] = NAN;
                continue;
            }
            ge_from_sums(t2 + j * S2_COUNT, wg[j], gr->ge);
            for (int a = 0; a < AQ_GE_N; a++)
                r->within[a] += v[j] * pow(q_g[j], GE_ALPHA[a]) * gr->ge[a];
        }
        for (int a = 0; a < AQ_GE_N; a++)
            r->between[a] = ge_between(a, v, q_g, G);
        aq__free(v);
    }
    aq__free(wg);

    if ((rc = sorted_measures(ctx, &in, threads, opts, r)))
        goto fail;

    aq__free(acc);
    aq__free(acc0);
    aq__free(bad);
    aq__free(gs);
    *out = r;
    return AQ_OK;
fail:
    aq__free(acc);
    aq__free(acc0);
    aq__free(bad);
    aq__free(gs);
    aq_ineq_result_free(r);
    return rc;
}

int aq_ineq_compute(aq_ctx *ctx, const double *x, const double *w, size_t n,
                    const uint32_t *g, size_t ngroups, const aq_ineq_opts *opts,
                    aq_ineq_result **out)
{
    return aq__ineq_compute(ctx, x, w, n, g, ngroups, opts, 0, out);
}

/* ---- measures by name ---- */

static const char *const KEYS[AQ_M_COUNT] = {
    "mean", "median", "min", "max", "range", "ratio_max_min", "ratio_p90_p10",
    "ratio_top_bottom_quintile", "cv", "cv_sample", "williamson", "gini", "theil_t", "theil_l",
    "ge.-1", "ge.0", "ge.1", "ge.2", "atkinson.0.5", "atkinson.1", "atkinson.2", "hoover",
    "palma", "decomposition.theil_t.between", "decomposition.theil_t.within",
    "decomposition.theil_l.between", "decomposition.theil_l.within"};

const char *aq_ineq_measure_key(int m) { return m >= 0 && m < AQ_M_COUNT ? KEYS[m] : NULL; }

double aq_ineq_measure_value(const aq_ineq_result *r, int m)
{
    switch (m) {
    case AQ_M_MEAN: return r->mean;
    case AQ_M_MEDIAN: return r->median;
    case AQ_M_MIN: return r->min;
    case AQ_M_MAX: return r->max;
    case AQ_M_RANGE: return r->range;
    case AQ_M_RATIO_MAX_MIN: return r->ratio_max_min;
    case AQ_M_RATIO_P90_P10: return r->ratio_p90_p10;
    case AQ_M_RATIO_TOP_BOTTOM_QUINTILE: return r->ratio_top_bottom_quintile;
    case AQ_M_CV: return r->cv;
    case AQ_M_CV_SAMPLE: return r->cv_sample;
    case AQ_M_WILLIAMSON: return r->williamson;
    case AQ_M_GINI: return r->gini;
    case AQ_M_THEIL_T: return r->theil_t;
    case AQ_M_THEIL_L: return r->theil_l;
    case AQ_M_GE_M1: case AQ_M_GE_0: case AQ_M_GE_1: case AQ_M_GE_2:
        return r->ge[m - AQ_M_GE_M1];
    case AQ_M_ATKINSON_05: case AQ_M_ATKINSON_1: case AQ_M_ATKINSON_2:
        return r->atkinson[m - AQ_M_ATKINSON_05];
    case AQ_M_HOOVER: return r->hoover;
    case AQ_M_PALMA: return r->palma;
    case AQ_M_THEIL_T_BETWEEN: return r->between[AQ_GE_1];
    case AQ_M_THEIL_T_WITHIN: return r->within[AQ_GE_1];
    case AQ_M_THEIL_L_BETWEEN: return r->between[AQ_GE_0];
    case AQ_M_THEIL_L_WITHIN: return r->within[AQ_GE_0];
    default: return NAN;
    }
}
