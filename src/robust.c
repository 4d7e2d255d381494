/*
 * robust.c -- how much a unit's rank and class depend on the arbitrary
 * choices of a methodology: Monte Carlo over the alternatives it declares
 * (weights, normalisation, aggregation, imputation, class thresholds, one
 * indicator left out), with per-unit rank intervals and class
 * probabilities, and Sobol indices of each choice.
 *
 * Each uncertain choice is one factor whose value is a random seed; a run
 * draws every factor's realisation from its own seed. That makes Saltelli
 * sampling direct: matrix AB_f is A with factor f's seed taken from B. The
 * scalar output is the mean absolute rank shift from the nominal ranks
 * (the JRC audits' summary), and S1 / ST use Jansen's estimators:
 *   S1_f = 1 - sum (f(B) - f(AB_f))^2 / (2 N V),
 *   ST_f = sum (f(A) - f(AB_f))^2 / (2 N V),  V = variance of f(A), f(B).
 */
#include "index_int.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

enum { F_WEIGHTS, F_NORM, F_AGG, F_IMPUTE, F_THRESH, F_LOO, NFACTORS };
static const char *const factor_names[NFACTORS] = {
    "weights", "normalisation", "aggregation", "imputation", "thresholds", "leave_one_out"};

struct aq_uncertainty {
    size_t n, runs, nclass;
    char **ids;
    char **class_names;     /* distinct class names in rule order */
    long *cls_nominal;      /* class index, -1 none, -2 excluded */
    unsigned *rank_nominal; /* 0 = excluded */
    double *q05, *q50, *q95;
    double *stability;      /* NaN without class draws */
    double *pclass;         /* n x nclass */
    double unstable, mean_shift;
    int has_classes, sobol;
    int active[NFACTORS];
    double S1[NFACTORS], ST[NFACTORS];
};

void aq_uncertainty_opts_init(aq_uncertainty_opts *o)
{
    memset(o, 0, sizeof *o);
    o->runs = 1000;
    o->seed = 42;
}

void aq_uncertainty_free(aq_uncertainty *u)
{
    if (!u)
        return;
    for (size_t i = 0; u->ids && i < u->n; i++)
        aq__free(u->ids[i]);
    for (size_t k = 0; u->class_names && k < u->nclass; k++)
        aq__free(u->class_names[k]);
    aq__free(u->ids);
    aq__free(u->class_names);
    aq__free(u->cls_nominal);
    aq__free(u->rank_nominal);
    aq__free(u->q05);
    aq__free(u->stability);
    aq__free(u->pclass);
    aq__free(u);
}

static uint64_t splitmix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static uint64_t factor_seed(uint64_t seed, size_t run, int f, int matrix)
{
    return splitmix(splitmix(splitmix(seed) ^ (uint64_t)run) ^ ((uint64_t)f << 8 | (uint64_t)matrix));
}

/* Per-thread work space of one run. */
typedef struct work {
    aq_ctx *ctx;
    gsl_rng *rng;
    double **norm, **pillar, *score, *rankd;
    double *indw, *pilw, *thr;
    uint32_t *rank, *tmpi;
    uint64_t *keys;
    long *cls;
} work;

static void work_free(work *w, const aq_method *m)
{
    for (size_t j = 0; w->norm && j < m->nind; j++)
        aq__free(w->norm[j]);
    for (size_t p = 0; w->pillar && p < m->npil; p++)
        aq__free(w->pillar[p]);
    aq__free(w->norm);
    aq__free(w->pillar);
    aq__free(w->score);
    aq__free(w->rankd);
    aq__free(w->indw);
    aq__free(w->rank);
    aq__free(w->tmpi);
    aq__free(w->keys);
    aq__free(w->cls);
    if (w->rng)
        gsl_rng_free(w->rng);
    aq_ctx_free(w->ctx);
    memset(w, 0, sizeof *w);
}

static int work_alloc(work *w, const aq_method *m, size_t n)
{
    memset(w, 0, sizeof *w);
    w->ctx = aq_ctx_new();
    w->rng = gsl_rng_alloc(gsl_rng_mt19937);
    int ok = w->ctx && w->rng && (w->norm = aq__calloc(m->nind + 1, sizeof *w->norm)) &&
             (w->pillar = aq__calloc(m->npil + 1, sizeof *w->pillar)) &&
             (w->score = aq__malloc(n * sizeof *w->score)) &&
             (w->rankd = aq__malloc(n * sizeof *w->rankd)) &&
             (w->indw = aq__malloc((m->nind + m->npil + m->nrules + 1) * sizeof *w->indw)) &&
             (w->rank = aq__malloc(n * sizeof *w->rank)) &&
             (w->tmpi = aq__malloc(2 * n * sizeof *w->tmpi)) &&
             (w->keys = aq__malloc(2 * n * sizeof *w->keys)) &&
             (w->cls = aq__malloc(n * sizeof *w->cls));
    for (size_t j = 0; ok && j < m->nind; j++)
        ok = (w->norm[j] = aq__malloc(n * sizeof(double))) != NULL;
    for (size_t p = 0; ok && p < m->npil; p++)
        ok = (w->pillar[p] = aq__malloc(n * sizeof(double))) != NULL;
    if (ok) {
        w->pilw = w->indw + m->nind;
        w->thr = w->pilw + m->npil;
    }
    return ok ? AQ_OK : AQ_ENOMEM;
}

/* Which factors the methodology declares. */
static void active_factors(const aq_method *m, int *act)
{
    const aq__munc *u = &m->unc;
    memset(act, 0, NFACTORS * sizeof *act);
    act[F_WEIGHTS] = !isnan(u->dirichlet) || !isnan(u->weight_share);
    for (size_t j = 0; j < m->nind; j++)
        act[F_WEIGHTS] |= !isnan(m->ind[j].wlo);
    for (size_t p = 0; p < m->npil; p++)
        act[F_WEIGHTS] |= !isnan(m->pil[p].wlo);
    act[F_NORM] = u->nnorms > 0;
    act[F_AGG] = u->naggs > 0;
    act[F_IMPUTE] = u->nimputes > 0;
    for (size_t q = 0; q < m->nrules; q++)
        act[F_THRESH] |= !isnan(m->rules[q].min_lo);
    act[F_LOO] = u->leave_one_out && m->nind > 1;
}

static double declared_w(const aq_method *m, size_t j)
{
    return m->wmode == AQ_W_EQUAL ? 1.0 : m->ind[j].weight;
}

static double declared_pw(const aq_method *m, size_t p)
{
    return m->wmode == AQ_W_EQUAL ? 1.0 : m->pil[p].weight;
}

/* Dirichlet around the normalised weights W[k] (concentration C). */
static void dirichlet_around(gsl_rng *r, double c, const double *w, double *out, size_t k)
{
    double tot = 0, s = 0;
    for (size_t q = 0; q < k; q++)
        tot += w[q];
    for (size_t q = 0; q < k; q++) {
        out[q] = gsl_ran_gamma(r, c * w[q] / tot, 1.0);
        s += out[q];
    }
    for (size_t q = 0; q < k; q++)
        out[q] = s > 0 ? out[q] / s : w[q] / tot;
}

/* Builds the choice of one run from the factor seeds. */
static void draw_choice(const aq_method *m, const int *act, const uint64_t *seeds, work *w,
                        aq__choice *c)
{
    const aq__munc *u = &m->unc;
    aq__choice_nominal(m, c);
    for (size_t j = 0; j < m->nind; j++)
        w->indw[j] = declared_w(m, j);
    for (size_t p = 0; p < m->npil; p++)
        w->pilw[p] = declared_pw(m, p);
    for (size_t q = 0; q < m->nrules; q++)
        w->thr[q] = NAN;
    c->indw = w->indw;
    c->pilw = m->npil ? w->pilw : NULL;
    c->min_score = w->thr;
    if (act[F_WEIGHTS]) {
        gsl_rng_set(w->rng, seeds[F_WEIGHTS]);
        if (!isnan(u->dirichlet)) {
            size_t npil = m->npil ? m->npil : 1;
            double tmpw[256], tmpo[256];
            for (size_t p = 0; p < npil; p++) {
                size_t k = 0, idx[256];
                for (size_t j = 0; j < m->nind && k < 256; j++)
                    if (!m->npil || m->ind[j].pillar_idx == p) {
                        idx[k] = j;
                        tmpw[k++] = w->indw[j];
                    }
                dirichlet_around(w->rng, u->dirichlet, tmpw, tmpo, k);
                for (size_t q = 0; q < k; q++)
                    w->indw[idx[q]] = tmpo[q];
            }
            if (m->npil > 1 && m->npil <= 256) {
                dirichlet_around(w->rng, u->dirichlet, w->pilw, tmpo, m->npil);
                memcpy(w->pilw, tmpo, m->npil * sizeof *tmpo);
            }
        } else if (!isnan(u->weight_share)) {
            double s = u->weight_share;
            for (size_t j = 0; j < m->nind; j++)
                w->indw[j] *= gsl_ran_flat(w->rng, 1 - s, 1 + s);
            for (size_t p = 0; p < m->npil; p++)
                w->pilw[p] *= gsl_ran_flat(w->rng, 1 - s, 1 + s);
        }
        for (size_t j = 0; j < m->nind; j++)
            if (!isnan(m->ind[j].wlo))
                w->indw[j] = gsl_ran_flat(w->rng, m->ind[j].wlo, m->ind[j].whi);
        for (size_t p = 0; p < m->npil; p++)
            if (!isnan(m->pil[p].wlo))
                w->pilw[p] = gsl_ran_flat(w->rng, m->pil[p].wlo, m->pil[p].whi);
    }
    if (act[F_NORM]) {
        gsl_rng_set(w->rng, seeds[F_NORM]);
        c->norm = u->norms[gsl_rng_uniform_int(w->rng, u->nnorms)];
    }
    if (act[F_AGG]) {
        gsl_rng_set(w->rng, seeds[F_AGG]);
        c->agg_within = c->agg_between = u->aggs[gsl_rng_uniform_int(w->rng, u->naggs)];
    }
    if (act[F_IMPUTE]) {
        gsl_rng_set(w->rng, seeds[F_IMPUTE]);
        c->impute = u->imputes[gsl_rng_uniform_int(w->rng, u->nimputes)];
    }
    if (act[F_THRESH]) {
        gsl_rng_set(w->rng, seeds[F_THRESH]);
        for (size_t q = 0; q < m->nrules; q++)
            if (!isnan(m->rules[q].min_lo))
                w->thr[q] = gsl_ran_flat(w->rng, m->rules[q].min_lo, m->rules[q].min_hi);
    }
    if (act[F_LOO]) {
        gsl_rng_set(w->rng, seeds[F_LOO]);
        size_t k = gsl_rng_uniform_int(w->rng, m->nind + 1);
        c->drop = k == m->nind ? -1 : (long)k;
    }
}

/* One evaluation: ranks and classes into w; returns the mean absolute
 * rank shift from NOMINAL (or NaN on error, with the message on w->ctx). */
static double evaluate(const aq_method *m, const aq__bound *b, const aq__choice *c,
                       const unsigned *nominal, const long *rule_class, work *w)
{
    int rc = aq__index_run(w->ctx, m, b, c, w->norm, w->pillar, w->score);
    if (rc)
        return NAN;
    aq__rank_desc(w->score, b->n, w->rank, w->keys, w->tmpi);
    for (size_t i = 0; i < b->n; i++)
        w->rankd[i] = b->excluded[i] ? NAN : (double)w->rank[i];
    aq__rules *rules = NULL;
    if (m->nrules) {
        aq__scope scope = {m, b, w->score, w->rankd, w->pillar, w->norm};
        if (aq__rules_prepare(w->ctx, m, &scope, c, &rules))
            return NAN;
    }
    double shift = 0;
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->excluded[i]) {
            w->cls[i] = -2;
            continue;
        }
        long q = rules ? aq__rules_match(rules, i) : -1;
        w->cls[i] = q >= 0 ? rule_class[q] : -1;
        if (nominal) {
            shift += fabs((double)w->rank[i] - (double)nominal[i]);
            k++;
        }
    }
    aq__rules_free(rules);
    return k ? shift / (double)k : 0;
}

/* Distinct class names in rule order; rule_class maps rule -> class. */
static int class_names(aq_ctx *ctx, const aq_method *m, aq_uncertainty *u, long *rule_class)
{
    u->class_names = aq__xcalloc(ctx, m->nrules + 1, sizeof *u->class_names);
    if (!u->class_names)
        return AQ_ENOMEM;
    for (size_t q = 0; q < m->nrules; q++) {
        size_t k = 0;
        while (k < u->nclass && strcmp(u->class_names[k], m->rules[q].name) != 0)
            k++;
        if (k == u->nclass) {
            u->class_names[k] = aq__strdup(m->rules[q].name);
            if (!u->class_names[k])
                return aq__oom(ctx);
            u->nclass++;
        }
        rule_class[q] = (long)k;
    }
    return AQ_OK;
}

/* Fast path: externally given weight draws on the nominal normalisation. */
static int run_draws(aq_ctx *ctx, const aq_method *m, const aq__bound *b, work *w,
                     const aq_uncertainty_opts *o, aq_uncertainty *u)
{
    if (o->ndraws < 2)
        return aq__err(ctx, AQ_EUSAGE, "weight draws: need at least 2 rows, got %zu", o->ndraws);
    if (m->agg_within != AQ_AGG_ARITH || m->agg_between != AQ_AGG_ARITH)
        return aq__err(ctx, AQ_EUSAGE, "weight draws replace the effective weights of an "
                       "arithmetic mean; %s aggregates otherwise", m->path);
    size_t n = b->n, nm = m->nind, k = 0;
    size_t *rows = aq__xmalloc(ctx, n * sizeof *rows);
    double *x = aq__xmalloc(ctx, n * nm * sizeof *x);
    double *q = aq__xmalloc(ctx, 3 * n * sizeof *q);
    int rc = rows && x && q ? AQ_OK : AQ_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        if (b->excluded[i])
            continue;
        for (size_t j = 0; j < nm; j++) {
            x[k * nm + j] = w->norm[j][i];
            if (isnan(w->norm[j][i])) {
                char buf[128];
                rc = aq__err(ctx, AQ_EINPUT, "weight draws need every indicator of every "
                             "unit: unit '%s' misses '%s' (impute or exclude it)",
                             aq_table_cell(b->t, (size_t)b->id_col, i, buf, sizeof buf),
                             m->ind[j].code);
                break;
            }
        }
        rows[k++] = i;
    }
    if (!rc)
        rc = aq_index_mc_ranks(ctx, x, k, nm, o->weight_draws, o->ndraws, q, q + n, q + 2 * n);
    for (size_t r = 0; !rc && r < k; r++) {
        u->q05[rows[r]] = q[r];
        u->q50[rows[r]] = q[n + r];
        u->q95[rows[r]] = q[2 * n + r];
    }
    u->runs = o->ndraws;
    aq__free(rows);
    aq__free(x);
    aq__free(q);
    return rc;
}

static int run_mc(aq_ctx *ctx, const aq_method *m, const aq__bound *b, const long *rule_class,
                  const aq_uncertainty_opts *o, aq_uncertainty *u)
{
    size_t n = b->n, N = o->runs;
    int nf = 0, idxf[NFACTORS];
    for (int f = 0; f < NFACTORS; f++)
        if (u->active[f])
            idxf[nf++] = f;
    size_t nevals = u->sobol ? N * (size_t)(nf + 2) : N;
    uint32_t *R = aq__xmalloc(ctx, n * N * sizeof *R);
    uint32_t *cnt = aq__xcalloc(ctx, n * (u->nclass + 1), sizeof *cnt);
    double *Y = aq__xmalloc(ctx, nevals * sizeof *Y);
    if (!R || !cnt || !Y) {
        aq__free(R);
        aq__free(cnt);
        aq__free(Y);
        return AQ_ENOMEM;
    }
    int nt = aq_ctx_threads(ctx) > 0 ? aq_ctx_threads(ctx) : omp_get_max_threads();
    int failed = 0;
    char errmsg[1024] = "";
    int errcode = AQ_OK;
#pragma omp parallel num_threads(nt)
    {
        work w;
        int ok = work_alloc(&w, m, n) == AQ_OK;
        if (!ok) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp for schedule(dynamic, 4)
        for (size_t e = 0; e < nevals; e++) {
            int stop;
#pragma omp atomic read
            stop = failed;
            if (stop || !ok)
                continue;
            size_t run = e % N, block = e / N; /* block 0 = A, 1 = B, 2.. = AB_f */
            uint64_t seeds[NFACTORS];
            for (int f = 0; f < NFACTORS; f++) {
                int mat = block == 1 ? 1 : 0;
                if (block >= 2 && f == idxf[block - 2])
                    mat = 1;
                seeds[f] = factor_seed(o->seed, run, f, mat);
            }
            aq__choice c;
            draw_choice(m, u->active, seeds, &w, &c);
            double y = evaluate(m, b, &c, u->rank_nominal, rule_class, &w);
            if (isnan(y)) {
#pragma omp critical(aq_robust_err)
                if (!errcode) {
                    errcode = aq_errcode(w.ctx) ? aq_errcode(w.ctx) : AQ_EINTERNAL;
                    snprintf(errmsg, sizeof errmsg, "%s", aq_errmsg(w.ctx));
                }
#pragma omp atomic write
                failed = 1;
                continue;
            }
            Y[e] = y;
            if (block == 0)
                for (size_t i = 0; i < n; i++) {
                    R[i * N + run] = w.rank[i];
                    if (w.cls[i] != -2) {
                        size_t k = w.cls[i] >= 0 ? (size_t)w.cls[i] : u->nclass;
#pragma omp atomic
                        cnt[i * (u->nclass + 1) + k]++;
                    }
                }
        }
        work_free(&w, m);
    }
    int rc = AQ_OK;
    if (failed)
        rc = errcode ? aq__err(ctx, errcode, "in a Monte Carlo run: %s", errmsg) : aq__oom(ctx);
    size_t unstable = 0, scored = 0;
    double ysum = 0;
    for (size_t i = 0; !rc && i < n; i++) {
        if (u->cls_nominal[i] == -2)
            continue;
        double q[3];
        aq__rank_quantiles(R + i * N, N, q);
        u->q05[i] = q[0];
        u->q50[i] = q[1];
        u->q95[i] = q[2];
        for (size_t k = 0; k < u->nclass; k++)
            u->pclass[i * u->nclass + k] = cnt[i * (u->nclass + 1) + k] / (double)N;
        long nk = u->cls_nominal[i];
        size_t kk = nk >= 0 ? (size_t)nk : u->nclass;
        u->stability[i] = cnt[i * (u->nclass + 1) + kk] / (double)N;
        unstable += u->stability[i] < 0.9;
        scored++;
    }
    for (size_t r = 0; !rc && r < N; r++)
        ysum += Y[r];
    u->unstable = scored ? (double)unstable / (double)scored : NAN;
    u->mean_shift = N ? ysum / (double)N : NAN;
    if (!rc && u->sobol) {
        double mean = 0, var = 0;
        for (size_t r = 0; r < 2 * N; r++)
            mean += Y[r];
        mean /= (double)(2 * N);
        for (size_t r = 0; r < 2 * N; r++)
            var += (Y[r] - mean) * (Y[r] - mean);
        var /= (double)(2 * N - 1);
        for (int k = 0; k < nf; k++) {
            const double *A = Y, *B = Y + N, *AB = Y + (size_t)(k + 2) * N;
            double s1 = 0, st = 0;
            for (size_t r = 0; r < N; r++) {
                s1 += (B[r] - AB[r]) * (B[r] - AB[r]);
                st += (A[r] - AB[r]) * (A[r] - AB[r]);
            }
            u->S1[idxf[k]] = var > 0 ? 1 - s1 / (2 * (double)N * var) : NAN;
            u->ST[idxf[k]] = var > 0 ? st / (2 * (double)N * var) : NAN;
        }
    }
    aq__free(R);
    aq__free(cnt);
    aq__free(Y);
    return rc;
}

int aq_index_uncertainty(aq_ctx *ctx, const aq_method *m, const aq_table *t,
                         const aq_uncertainty_opts *o, aq_uncertainty **out)
{
    if (m->kind != AQ_METHOD_POTENTIAL)
        return aq__err(ctx, AQ_EUSAGE, "%s is not a potential methodology", m->path);
    aq_uncertainty *u = aq__xcalloc(ctx, 1, sizeof *u);
    if (!u)
        return AQ_ENOMEM;
    active_factors(m, u->active);
    int any = 0;
    for (int f = 0; f < NFACTORS; f++)
        any |= u->active[f];
    if (!o->weight_draws && !any) {
        aq__free(u);
        return aq__err(ctx, AQ_EUSAGE, "%s declares no 'uncertainty' (weights, normalise, "
                       "aggregate, impute, leave_one_out) and no class min_score_range: "
                       "nothing to vary", m->path);
    }
    if (!o->weight_draws && o->runs < 10) {
        aq__free(u);
        return aq__err(ctx, AQ_EUSAGE, "uncertainty needs at least 10 runs, not %zu", o->runs);
    }
    u->sobol = o->sobol && !o->weight_draws;
    u->mean_shift = u->unstable = NAN;
    u->runs = o->runs;
    aq__bound b;
    int rc = aq__bind(ctx, m, t, &b);
    if (rc) {
        aq__free(u);
        return rc;
    }
    size_t n = b.n;
    u->n = n;
    long *rule_class = aq__xcalloc(ctx, m->nrules + 1, sizeof *rule_class);
    work w = {0};
    rc = rule_class ? AQ_OK : AQ_ENOMEM;
    if (!rc) rc = class_names(ctx, m, u, rule_class);
    if (!rc) {
        int ok = (u->ids = aq__calloc(n, sizeof *u->ids)) &&
                 (u->cls_nominal = aq__malloc(n * sizeof *u->cls_nominal)) &&
                 (u->rank_nominal = aq__calloc(n, sizeof *u->rank_nominal)) &&
                 (u->q05 = aq__malloc(3 * n * sizeof *u->q05)) &&
                 (u->stability = aq__malloc(n * sizeof *u->stability)) &&
                 (u->pclass = aq__calloc(n * (u->nclass + 1), sizeof *u->pclass));
        rc = ok ? work_alloc(&w, m, n) : aq__oom(ctx);
        if (rc == AQ_ENOMEM)
            aq__oom(ctx);
    }
    if (!rc) {
        u->q50 = u->q05 + n;
        u->q95 = u->q50 + n;
        char buf[256];
        for (size_t i = 0; !rc && i < n; i++) {
            u->q05[i] = u->q50[i] = u->q95[i] = u->stability[i] = NAN;
            u->ids[i] = aq__strdup(aq_table_cell(t, (size_t)b.id_col, i, buf, sizeof buf));
            if (!u->ids[i])
                rc = aq__oom(ctx);
        }
    }
    if (!rc) /* imputation and outliers once per imputation alternative */
        rc = aq__bound_prepare(ctx, m, &b, m->impute);
    for (size_t k = 0; !rc && k < m->unc.nimputes; k++)
        rc = aq__bound_prepare(ctx, m, &b, m->unc.imputes[k]);
    if (!rc) { /* the nominal computation, with the same code the runs use */
        aq__choice c;
        aq__choice_nominal(m, &c);
        if (isnan(evaluate(m, &b, &c, NULL, rule_class, &w)))
            rc = aq__err(ctx, aq_errcode(w.ctx), "%s", aq_errmsg(w.ctx));
        for (size_t i = 0; !rc && i < n; i++) {
            u->rank_nominal[i] = b.excluded[i] ? 0 : w.rank[i];
            u->cls_nominal[i] = w.cls[i];
        }
    }
    if (!rc && o->weight_draws)
        rc = run_draws(ctx, m, &b, &w, o, u);
    else if (!rc) {
        u->has_classes = m->nrules > 0;
        rc = run_mc(ctx, m, &b, rule_class, o, u);
    }
    work_free(&w, m);
    aq__free(rule_class);
    aq__bound_clear(&b);
    if (rc) {
        aq_uncertainty_free(u);
        return rc;
    }
    *out = u;
    return AQ_OK;
}

double aq_uncertainty_unstable_share(const aq_uncertainty *u) { return u->unstable; }

int aq_uncertainty_units_table(aq_ctx *ctx, const aq_uncertainty *u, aq_table **out)
{
    aq_table *t = NULL;
    int rc = aq_table_new(ctx, u->n, &t);
    static const char *const cols[] = {"id", "rank", "rank_median", "rank_q05", "rank_q95",
                                       "class", "class_stability"};
    for (size_t c = 0; !rc && c < 7; c++)
        rc = aq_table_add_column(ctx, t, cols[c], c == 0 || c == 5 ? AQ_COL_TEXT : AQ_COL_NUMBER,
                                 NULL);
    for (size_t k = 0; !rc && u->has_classes && k < u->nclass; k++) {
        char name[160];
        snprintf(name, sizeof name, "p_%s", u->class_names[k]);
        rc = aq_table_add_column(ctx, t, name, AQ_COL_NUMBER, NULL);
    }
    for (size_t i = 0; !rc && i < u->n; i++) {
        long c = u->cls_nominal[i];
        rc = aq_table_set_text(ctx, t, 0, i, u->ids[i]);
        if (!rc) rc = aq_table_set_number(ctx, t, 1, i, u->rank_nominal[i] ? (double)u->rank_nominal[i] : NAN);
        if (!rc) rc = aq_table_set_number(ctx, t, 2, i, u->q50[i]);
        if (!rc) rc = aq_table_set_number(ctx, t, 3, i, u->q05[i]);
        if (!rc) rc = aq_table_set_number(ctx, t, 4, i, u->q95[i]);
        if (!rc) rc = aq_table_set_text(ctx, t, 5, i, c == -2 ? "excluded" : c < 0 ? "" : u->class_names[c]);
        if (!rc) rc = aq_table_set_number(ctx, t, 6, i, u->stability[i]);
        for (size_t k = 0; !rc && u->has_classes && k < u->nclass; k++)
            rc = aq_table_set_number(ctx, t, 7 + k, i,
                                     c == -2 ? NAN : u->pclass[i * u->nclass + k]);
    }
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}

int aq_uncertainty_summary_table(aq_ctx *ctx, const aq_uncertainty *u, aq_table **out)
{
    size_t rows = 3;
    for (int f = 0; u->sobol && f < NFACTORS; f++)
        rows += u->active[f] ? 2 : 0;
    aq_table *t = NULL;
    int rc = aq_table_new(ctx, rows, &t);
    if (!rc) rc = aq_table_add_column(ctx, t, "measure", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "factor", AQ_COL_TEXT, NULL);
    if (!rc) rc = aq_table_add_column(ctx, t, "value", AQ_COL_NUMBER, NULL);
    size_t r = 0;
#define ROW(meas, fac, val)                                                            \
    do {                                                                               \
        if (!rc) rc = aq_table_set_text(ctx, t, 0, r, meas);                          \
        if (!rc) rc = aq_table_set_text(ctx, t, 1, r, fac);                           \
        if (!rc) rc = aq_table_set_number(ctx, t, 2, r, val);                         \
        r++;                                                                           \
    } while (0)
    ROW("runs", "", (double)u->runs);
    ROW("unstable_share", "", u->has_classes ? u->unstable : NAN);
    ROW("mean_abs_rank_shift", "", u->mean_shift);
    for (int f = 0; u->sobol && f < NFACTORS; f++)
        if (u->active[f]) {
            ROW("S1", factor_names[f], u->S1[f]);
            ROW("ST", factor_names[f], u->ST[f]);
        }
#undef ROW
    if (rc) {
        aq_table_free(t);
        return rc;
    }
    *out = t;
    return AQ_OK;
}
