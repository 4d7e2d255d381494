/*
 * complexity_run.c -- every measure of one period (aq_cx_compute) and the
 * ranked next activities (aq_cx_next). The kernels are in complexity.c.
 */
#include "aq_int.h"
#include "complexity_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void aq_cx_result_free(aq_cx_result *r)
{
    if (!r)
        return;
    aq__free(r->rca);
    aq__free(r->M);
    aq__free(r->density);
    aq__free(r->cog);
    aq__free(r->eci);
    aq__free(r->diversity);
    aq__free(r->coi);
    aq__free(r->pci);
    aq__free(r->ubiquity);
    aq__free(r->proximity);
    memset(r, 0, sizeof *r);
}

/* Proximities from few units, or from activities found in one unit only,
 * are conditional probabilities of 0 or 1 and not stable (py-ecomplexity
 * #16): say so rather than print them as if they were. */
static void sparsity_warnings(aq_ctx *ctx, const char *label, size_t nuk, size_t nak,
                              const double *Mk, const double *u)
{
    const char *sep = label ? ": " : "";
    label = label ? label : "";
    if (nuk < 20)
        aq__warn(ctx, "complexity: %s%sproximities from %zu units are unstable (each pair of "
                      "activities is judged by at most %zu co-occurrences); see "
                      "docs/complexity.md", label, sep, nuk, nuk);
    size_t single = 0;
    double ones = 0;
    for (size_t p = 0; p < nak; p++)
        single += u[p] <= 1;
    for (size_t i = 0; i < nuk * nak; i++)
        ones += Mk[i];
    if (nak && single * 4 > nak)
        aq__warn(ctx, "complexity: %s%s%zu of %zu activities are present in at most one unit; "
                      "their proximities are 0 or 1 by construction", label, sep, single, nak);
    if (nuk * nak > 0 && ones < 0.01 * (double)(nuk * nak))
        aq__warn(ctx, "complexity: %s%sthe presence matrix is %.2f%% full; proximities and "
                      "density rest on very few co-occurrences", label, sep,
                 100.0 * ones / (double)(nuk * nak));
}

int aq__cx_compute(aq_ctx *ctx, const double *x, size_t nu, size_t na, const aq_cx_opts *o,
                   int keep_proximity, const char *label, aq_cx_result *r)
{
    aq_cx_opts def;
    if (!o) {
        aq_cx_opts_init(&def);
        o = &def;
    }
    memset(r, 0, sizeof *r);
    r->nu = nu;
    r->na = na;
    for (size_t i = 0; i < nu * na; i++)
        if (x[i] < 0)
            return aq__err(ctx, AQ_EINPUT, "complexity: the value of unit %zu and activity %zu "
                                           "is negative (%g); RCA needs values >= 0",
                           i / (na ? na : 1), i % (na ? na : 1), x[i]);
    if (!(o->rca_threshold > 0) && o->presence == AQ_CX_BINARY)
        return aq__err(ctx, AQ_EUSAGE, "complexity: the RCA threshold must be > 0, not %g",
                       o->rca_threshold);
    size_t nuk = 0, nak = 0;
    size_t *uc = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *uc);
    size_t *ap = aq__xmalloc(ctx, (na ? na : 1) * sizeof *ap);
    double *tot_c = aq__xcalloc(ctx, nu ? nu : 1, sizeof *tot_c);
    double *tot_p = aq__xcalloc(ctx, na ? na : 1, sizeof *tot_p);
    double *xk = NULL, *rk = NULL, *Mk = NULL, *dk = NULL, *phi = NULL, *den = NULL, *cog = NULL;
    double *eci = NULL, *pci = NULL, *coi = NULL, *div = NULL, *ubi = NULL;
    int rc = AQ_ENOMEM;
    if (!uc || !ap || !tot_c || !tot_p)
        goto out;
    for (size_t c = 0; c < nu; c++)
        for (size_t p = 0; p < na; p++) {
            double v = x[c * na + p];
            if (v > 0) {
                tot_c[c] += v;
                tot_p[p] += v;
            }
        }
    for (size_t c = 0; c < nu; c++)
        if (tot_c[c] > 0)
            uc[nuk++] = c;
    for (size_t p = 0; p < na; p++)
        if (tot_p[p] > 0)
            ap[nak++] = p;
    size_t nk = aq__cx_n1(nuk * nak);
    xk = aq__xmalloc(ctx, nk * sizeof *xk);
    rk = aq__xmalloc(ctx, nk * sizeof *rk);
    Mk = aq__xmalloc(ctx, nk * sizeof *Mk);
    den = aq__xmalloc(ctx, nk * sizeof *den);
    cog = aq__xmalloc(ctx, nk * sizeof *cog);
    phi = aq__xmalloc(ctx, aq__cx_n1(nak * nak) * sizeof *phi);
    eci = aq__xmalloc(ctx, (nuk ? nuk : 1) * sizeof *eci);
    coi = aq__xmalloc(ctx, (nuk ? nuk : 1) * sizeof *coi);
    div = aq__xmalloc(ctx, (nuk ? nuk : 1) * sizeof *div);
    pci = aq__xmalloc(ctx, (nak ? nak : 1) * sizeof *pci);
    ubi = aq__xmalloc(ctx, (nak ? nak : 1) * sizeof *ubi);
    if (!xk || !rk || !Mk || !den || !cog || !phi || !eci || !coi || !div || !pci || !ubi)
        goto out;
    for (size_t i = 0; i < nuk; i++)
        for (size_t j = 0; j < nak; j++) {
            double v = x[uc[i] * na + ap[j]];
            xk[i * nak + j] = v > 0 ? v : 0;
        }
    aq_cx_rca(xk, nuk, nak, rk);
    for (size_t i = 0; i < nuk * nak; i++)
        Mk[i] = o->presence == AQ_CX_BOUNDED ? rk[i] / (1 + rk[i])
                                             : (rk[i] >= o->rca_threshold ? 1.0 : 0.0);
    aq_cx_degrees(Mk, nuk, nak, div, ubi);
    sparsity_warnings(ctx, label, nuk, nak, Mk, ubi);
    double norm[2];
    rc = aq_cx_complexity(ctx, Mk, nuk, nak, o->method, o->iterations, eci, pci, norm);
    if (rc) {
        if (label)
            aq__err_prefix(ctx, "%s: ", label);
        goto out;
    }
    dk = o->proximity == AQ_CX_CONTINUOUS ? rk : Mk;
    if ((rc = aq_cx_proximity_matrix(ctx, dk, nuk, nak, o->proximity, phi)))
        goto out;
    bool fused = dk == Mk && o->proximity == AQ_CX_SYMMETRIC;
    if (!fused && (rc = aq_cx_density(ctx, dk, nuk, nak, phi, den)))
        goto out;
    /* COI and COG from the raw k_p = s PCI + m, normalised as the Stata
     * package does: COI z-scored over the unit-activity rows (sample sd),
     * COG divided by the s of ECI. */
    {
        double *kp = aq__xmalloc(ctx, aq__cx_n1(nak) * sizeof *kp);
        if (!kp) {
            rc = AQ_ENOMEM;
            goto out;
        }
        for (size_t j = 0; j < nak; j++)
            kp[j] = pci[j] == pci[j] ? norm[1] * pci[j] + norm[0] : NAN;
        rc = fused ? aq__cx_density_outlook(ctx, Mk, nuk, nak, phi, kp, den, coi, cog)
                   : aq_cx_outlook(ctx, Mk, nuk, nak, phi, den, kp, coi, cog);
        aq__free(kp);
        if (rc)
            goto out;
        double s = 0, ss = 0, k = 0;
        for (size_t i = 0; i < nuk; i++)
            if (eci[i] == eci[i]) {
                s += coi[i];
                k++;
            }
        double m = k ? s / k : 0;
        for (size_t i = 0; i < nuk; i++)
            if (eci[i] == eci[i])
                ss += (coi[i] - m) * (coi[i] - m);
        double sd = k * (double)nak > 1 ? sqrt(ss * (double)nak / (k * (double)nak - 1)) : 0;
        for (size_t i = 0; i < nuk; i++)
            coi[i] = eci[i] == eci[i] && sd > 0 ? (coi[i] - m) / sd : NAN;
        for (size_t i = 0; i < nuk * nak; i++)
            cog[i] /= norm[1];
    }
    /* Back to the full shape: left-out units and activities are NaN. */
    size_t n = aq__cx_n1(nu * na);
    r->rca = aq__xmalloc(ctx, n * sizeof *r->rca);
    r->M = aq__xmalloc(ctx, n * sizeof *r->M);
    r->density = aq__xmalloc(ctx, n * sizeof *r->density);
    r->cog = aq__xmalloc(ctx, n * sizeof *r->cog);
    r->eci = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *r->eci);
    r->coi = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *r->coi);
    r->diversity = aq__xmalloc(ctx, (nu ? nu : 1) * sizeof *r->diversity);
    r->pci = aq__xmalloc(ctx, (na ? na : 1) * sizeof *r->pci);
    r->ubiquity = aq__xmalloc(ctx, (na ? na : 1) * sizeof *r->ubiquity);
    if (keep_proximity)
        r->proximity = aq__xmalloc(ctx, aq__cx_n1(na * na) * sizeof *r->proximity);
    rc = AQ_ENOMEM;
    if (!r->rca || !r->M || !r->density || !r->cog || !r->eci || !r->coi || !r->diversity ||
        !r->pci || !r->ubiquity || (keep_proximity && !r->proximity))
        goto out;
    for (size_t i = 0; i < nu * na; i++)
        r->rca[i] = r->M[i] = r->density[i] = r->cog[i] = NAN;
    for (size_t c = 0; c < nu; c++)
        r->eci[c] = r->coi[c] = r->diversity[c] = NAN;
    for (size_t p = 0; p < na; p++)
        r->pci[p] = r->ubiquity[p] = NAN;
    for (size_t i = 0; i < nuk; i++) {
        size_t c = uc[i];
        r->eci[c] = eci[i];
        r->coi[c] = coi[i];
        r->diversity[c] = div[i];
        for (size_t j = 0; j < nak; j++) {
            size_t at = c * na + ap[j], k = i * nak + j;
            r->rca[at] = rk[k];
            r->M[at] = Mk[k];
            r->density[at] = den[k];
            r->cog[at] = cog[k];
        }
    }
    for (size_t j = 0; j < nak; j++) {
        r->pci[ap[j]] = pci[j];
        r->ubiquity[ap[j]] = ubi[j];
    }
    if (keep_proximity) {
        for (size_t i = 0; i < na * na; i++)
            r->proximity[i] = NAN;
        for (size_t a = 0; a < nak; a++)
            for (size_t b = 0; b < nak; b++)
                r->proximity[ap[a] * na + ap[b]] = phi[a * nak + b];
    }
    rc = AQ_OK;
out:
    if (rc)
        aq_cx_result_free(r);
    aq__free(uc);
    aq__free(ap);
    aq__free(tot_c);
    aq__free(tot_p);
    aq__free(xk);
    aq__free(rk);
    aq__free(Mk);
    aq__free(den);
    aq__free(cog);
    aq__free(phi);
    aq__free(eci);
    aq__free(coi);
    aq__free(div);
    aq__free(pci);
    aq__free(ubi);
    return rc;
}

int aq_cx_compute(aq_ctx *ctx, const double *x, size_t nu, size_t na, const aq_cx_opts *o,
                  int keep_proximity, aq_cx_result *r)
{
    return aq__cx_compute(ctx, x, nu, na, o, keep_proximity, NULL, r);
}

typedef struct cand {
    double score;
    long p;
} cand;

static int by_score(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p); /* ties: the earlier activity first */
}

int aq_cx_next(aq_ctx *ctx, const aq_cx_result *r, size_t n, long *order, double *score)
{
    size_t na = r->na;
    cand *cs = aq__xmalloc(ctx, (na ? na : 1) * sizeof *cs);
    if (!cs)
        return AQ_ENOMEM;
    double s = 0, ss = 0, k = 0;
    for (size_t p = 0; p < na; p++)
        if (r->pci[p] == r->pci[p]) {
            s += r->pci[p];
            k++;
        }
    double pm = k ? s / k : 0;
    for (size_t p = 0; p < na; p++)
        if (r->pci[p] == r->pci[p])
            ss += (r->pci[p] - pm) * (r->pci[p] - pm);
    double psd = k ? sqrt(ss / k) : 0;
    for (size_t c = 0; c < r->nu; c++) {
        size_t m = 0;
        double ds = 0, dss = 0;
        for (size_t p = 0; p < na; p++) {
            double d = r->density[c * na + p], mm = r->M[c * na + p];
            if (d == d && r->pci[p] == r->pci[p] && mm < 0.5) {
                cs[m].p = (long)p;
                cs[m++].score = d;
                ds += d;
            }
        }
        double dm = m ? ds / (double)m : 0;
        for (size_t i = 0; i < m; i++)
            dss += (cs[i].score - dm) * (cs[i].score - dm);
        double dsd = m ? sqrt(dss / (double)m) : 0;
        for (size_t i = 0; i < m; i++)
            cs[i].score = (dsd > 0 ? (cs[i].score - dm) / dsd : 0) +
                          (psd > 0 ? (r->pci[cs[i].p] - pm) / psd : 0);
        qsort(cs, m, sizeof *cs, by_score);
        for (size_t i = 0; i < n; i++) {
            order[c * n + i] = i < m ? cs[i].p : -1;
            score[c * n + i] = i < m ? cs[i].score : NAN;
        }
    }
    aq__free(cs);
    return AQ_OK;
}
