"""Disparities, convergence, Markov chains and Kendall's tau (aimaq_ineq.h)."""
import ctypes

import numpy as np
import pandas as pd

from . import _lib
from ._core import (Owner, UsageError, as_doubles, context, dec, dptr, html_table, view)
from ._lib import lib

MEASURES = [dec(lib.aq_ineq_measure_key(m)) for m in range(_lib.M_COUNT)]
GE_ALPHAS = (-1, 0, 1, 2)
ATKINSON_E = (0.5, 1, 2)


def column(data, x):
    """X itself, or DATA[X] when X names a column of DATA."""
    if data is not None and isinstance(x, str):
        return data[x]
    return x


def _groups(groups, n):
    """Group labels (any values) as codes 0..k-1 and the labels."""
    if groups is None:
        return None, 0, None
    codes, labels = pd.factorize(pd.Series(np.asarray(groups)), sort=True)
    if len(codes) != n:
        raise UsageError(f"groups: expected {n} values, got {len(codes)}")
    if (codes < 0).any():
        raise UsageError("groups: a group label is missing")
    return np.ascontiguousarray(codes, dtype=np.uint32), len(labels), list(labels)


def _opts(lorenz_max, threads):
    o = _lib.IneqOpts()
    lib.aq_ineq_opts_init(ctypes.byref(o))
    if lorenz_max is not None:
        o.lorenz_max = lorenz_max
    if threads is not None:
        o.threads = threads
    return o


class Disparity:
    """Every disparity measure of one value column (aq_ineq_compute).

    Scalar measures are attributes (``gini``, ``theil_t``, ``williamson``,
    ``ge`` and ``atkinson`` as dicts by parameter, ...); ``measures`` is a
    Series keyed as the JSON output ("gini", "ge.-1", "atkinson.0.5",
    "decomposition.theil_t.between", ...); ``lorenz`` a DataFrame (views of
    the library's arrays); ``groups`` the decomposition by group;
    ``between`` and ``within`` the GE decomposition by parameter."""

    _SCALARS = ("n", "weighted", "total_weight", "mean", "median", "min", "max", "range",
                "p10", "p90", "ratio_max_min", "ratio_p90_p10", "ratio_top_bottom_quintile",
                "cv", "cv_sample", "williamson", "gini", "theil_t", "theil_l", "hoover",
                "palma")

    def __init__(self, ptr, labels):
        self._owner = Owner(ptr, lib.aq_ineq_result_free)
        r = ptr.contents
        for k in self._SCALARS:
            setattr(self, k, getattr(r, k))
        self.weighted = bool(self.weighted)
        self.ge = dict(zip(GE_ALPHAS, r.ge))
        self.atkinson = dict(zip(ATKINSON_E, r.atkinson))
        self.measures = pd.Series({MEASURES[m]: lib.aq_ineq_measure_value(ptr, m)
                                   for m in range(_lib.M_COUNT)}, name="value")
        self.lorenz = pd.DataFrame({
            "population_share": view(r.lorenz_pop, r.nlorenz, self._owner),
            "value_share": view(r.lorenz_income, r.nlorenz, self._owner)})
        self.between = dict(zip(GE_ALPHAS, r.between)) if r.ngroups else None
        self.within = dict(zip(GE_ALPHAS, r.within)) if r.ngroups else None
        if r.ngroups:
            rows = []
            for i in range(r.ngroups):
                g = r.groups[i]
                rows.append({"group": labels[i] if labels else i, "n": g.n,
                             "weight": g.weight, "mean": g.mean, "pop_share": g.pop_share,
                             "income_share": g.income_share, "theil_t": g.ge[2],
                             "theil_l": g.ge[1], "ge_m1": g.ge[0], "ge_2": g.ge[3]})
            self.groups = pd.DataFrame(rows)
        else:
            self.groups = None

    def __repr__(self):
        return (f"<aimaq.Disparity n={self.n} gini={self.gini:.6g} theil_t={self.theil_t:.6g}"
                f" cv={self.cv:.6g}>")

    def _repr_html_(self):
        rows = [(k, v) for k, v in self.measures.items() if not np.isnan(v)]
        html = html_table(f"Disparity of {self.n} units" +
                          (" (weighted)" if self.weighted else ""), rows)
        if self.groups is not None:
            html += self.groups.to_html(index=False)
        return html


def disparity(x, weights=None, groups=None, data=None, lorenz_max=None, threads=None):
    """Every disparity measure of X (values > 0), weighted by WEIGHTS
    (population; None = every unit counts once), decomposed by GROUPS
    (any labels). X, WEIGHTS and GROUPS may name columns of DATA. Missing
    values are an error: drop them first (``df.dropna(subset=[...])``)."""
    xa = as_doubles(column(data, x), name="x")
    n = xa.size
    wa = None if weights is None else as_doubles(column(data, weights), n, "weights")
    g, ng, labels = _groups(column(data, groups), n)
    ctx = context()
    out = ctypes.POINTER(_lib.IneqResult)()
    ctx.check(lib.aq_ineq_compute(ctx.ptr, dptr(xa), dptr(wa), n,
                                  None if g is None else g.ctypes.data_as(
                                      ctypes.POINTER(ctypes.c_uint32)),
                                  ng, ctypes.byref(_opts(lorenz_max, threads)),
                                  ctypes.byref(out)))
    return Disparity(out, labels)


def bootstrap(x, weights=None, groups=None, data=None, replicates=999, seed=12345,
              level=0.95, threads=None):
    """Percentile bootstrap confidence intervals of every measure
    (aq_ineq_bootstrap): a DataFrame indexed by measure with columns lo, hi
    (NaN where a measure does not apply); attrs hold replicates, failed,
    level and seed."""
    xa = as_doubles(column(data, x), name="x")
    n = xa.size
    wa = None if weights is None else as_doubles(column(data, weights), n, "weights")
    g, ng, _ = _groups(column(data, groups), n)
    ctx = context()
    ci = _lib.IneqCI()
    ctx.check(lib.aq_ineq_bootstrap(ctx.ptr, dptr(xa), dptr(wa), n,
                                    None if g is None else g.ctypes.data_as(
                                        ctypes.POINTER(ctypes.c_uint32)),
                                    ng, int(replicates), int(seed), float(level),
                                    ctypes.byref(_opts(None, threads)), ctypes.byref(ci)))
    df = pd.DataFrame({"lo": list(ci.lo), "hi": list(ci.hi)}, index=pd.Index(MEASURES,
                                                                             name="measure"))
    df.attrs.update(replicates=ci.replicates, failed=ci.failed, level=ci.level, seed=ci.seed)
    return df


def kendall_tau(x, y):
    """Kendall's tau-b with the classic and the tie-corrected two-sided p:
    (tau, p, p_ties)."""
    xa = as_doubles(x, name="x")
    ya = as_doubles(y, xa.size, "y")
    tau, p, pt = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    ctx = context()
    ctx.check(lib.aq_kendall_tau(ctx.ptr, dptr(xa), dptr(ya), xa.size, ctypes.byref(tau),
                                 ctypes.byref(p), ctypes.byref(pt)))
    return tau.value, p.value, pt.value


def _panel(y, data=None):
    """Units x periods (a DataFrame's columns or a 2-D array) as the
    period-major block the library takes, with the period labels."""
    if data is not None and isinstance(y, (list, tuple)) and all(isinstance(c, str) for c in y):
        y = data[list(y)]
    labels = list(y.columns) if isinstance(y, pd.DataFrame) else None
    a = np.asarray(y, dtype=np.float64)
    if a.ndim != 2:
        raise UsageError("expected a 2-D table: one row per unit, one column per period")
    # Period-major: a units x periods array in Fortran order is already it.
    return np.ascontiguousarray(a.T), a.shape[0], a.shape[1], labels


class Convergence:
    """Sigma and beta convergence and rank mobility (aq_convergence)."""

    _SCALARS = ("n", "nperiods", "F", "df1", "df2", "F_p", "T", "alpha", "beta", "se_alpha",
                "se_beta", "t", "p", "r2", "speed", "half_life", "tau", "tau_p", "tau_p_ties")

    def __init__(self, ptr, controls):
        try:
            r = ptr.contents
            for k in self._SCALARS:
                setattr(self, k, getattr(r, k))
            self.sigma = pd.DataFrame([{"time": r.sigma[i].time, "mean": r.sigma[i].mean,
                                        "sd_log": r.sigma[i].sd_log, "cv": r.sigma[i].cv}
                                       for i in range(r.nperiods)])
            self.controls = pd.DataFrame({
                "coef": [r.control_coef[i] for i in range(r.ncontrols)],
                "se": [r.control_se[i] for i in range(r.ncontrols)],
                "t": [r.control_t[i] for i in range(r.ncontrols)],
                "p": [r.control_p[i] for i in range(r.ncontrols)]},
                index=controls[:r.ncontrols] if controls else None)
        finally:
            lib.aq_convergence_free(ptr)

    def __repr__(self):
        return (f"<aimaq.Convergence n={self.n} beta={self.beta:.6g} p={self.p:.3g} "
                f"half_life={self.half_life:.4g}>")

    def _repr_html_(self):
        return html_table("Convergence", [(k, getattr(self, k)) for k in self._SCALARS]) + \
            self.sigma.to_html(index=False)


def convergence(y, times=None, weights=None, controls=None, data=None):
    """Sigma and beta convergence of Y (one row per unit, one column per
    period: a DataFrame whose column names are years, or a 2-D array with
    TIMES), weighted by WEIGHTS, with CONTROLS (a DataFrame or 2-D array of
    one column per control) in the beta regression."""
    ya, n, nt, labels = _panel(y, data)
    if times is None:
        if labels is None:
            raise UsageError("times: needed when y is not a DataFrame with years as columns")
        times = [float(c) for c in labels]
    ta = as_doubles(times, nt, "times")
    wa = None if weights is None else as_doubles(column(data, weights), n, "weights")
    ca, nc, cnames = None, 0, None
    if controls is not None:
        if data is not None and isinstance(controls, (list, tuple)):
            controls = data[list(controls)]
        if isinstance(controls, pd.Series):
            controls = controls.to_frame()
        cnames = list(controls.columns) if isinstance(controls, pd.DataFrame) else None
        c = np.asarray(controls, dtype=np.float64).reshape(n, -1)
        ca, nc = np.ascontiguousarray(c.T), c.shape[1]
    ctx = context()
    out = ctypes.POINTER(_lib.ConvergenceResult)()
    ctx.check(lib.aq_convergence(ctx.ptr, dptr(ya), dptr(wa), n, nt, dptr(ta), dptr(ca), nc,
                                 ctypes.byref(out)))
    return Convergence(out, cnames)


def markov_classes(y, k=5, relative=False, pooled=False, data=None):
    """Quantile classes of Y (units x periods) as aq_markov_classify gives
    them: (classes as an int array units x periods, upper bounds)."""
    ya, n, nt, labels = _panel(y, data)
    cls = np.empty(n * nt, dtype=np.intc)
    bins = np.empty(k * (1 if pooled else nt), dtype=np.float64)
    flags = (1 if relative else 0) | (2 if pooled else 0)
    ctx = context()
    ctx.check(lib.aq_markov_classify(ctx.ptr, dptr(ya), n, nt, k, flags,
                                     cls.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
                                     dptr(bins)))
    classes = cls.reshape(nt, n).T
    if isinstance(y, pd.DataFrame):
        classes = pd.DataFrame(classes, index=y.index, columns=y.columns)
    return classes, bins.reshape(-1, k)


class Markov:
    """A fitted classic Markov chain (aq_markov_estimate). Matrices are
    numpy views of the library's result (k x k)."""

    def __init__(self, ptr):
        self._owner = Owner(ptr, lib.aq_markov_free)
        r = ptr.contents
        k = self.k = r.k
        self.counts = view(r.counts, (k, k), self._owner)
        self.p = view(r.p, (k, k), self._owner)
        self.ergodic = bool(r.ergodic)
        self.steady_state = view(r.steady, k, self._owner)
        self.mfpt = view(r.mfpt, (k, k), self._owner)
        self.sojourn = view(r.sojourn, k, self._owner)
        self.prais = view(r.prais, k, self._owner)
        self.shorrocks = r.shorrocks

    def __repr__(self):
        return f"<aimaq.Markov k={self.k} shorrocks={self.shorrocks:.4g}>"

    def _repr_html_(self):
        idx = [f"class {i + 1}" for i in range(self.k)]
        p = pd.DataFrame(self.p, index=idx, columns=idx)
        p["steady"] = self.steady_state
        return f"<b>Markov chain, Shorrocks {self.shorrocks:.4f}</b>" + p.to_html()


def markov(y=None, k=5, relative=False, pooled=False, classes=None, data=None):
    """A classic Markov chain over K quantile classes of Y (units x
    periods), or over given CLASSES (units x periods, 0..k-1, negative =
    missing)."""
    if classes is None:
        classes, _ = markov_classes(y, k, relative, pooled, data)
    c = np.asarray(classes)
    n, nt = c.shape
    ca = np.ascontiguousarray(c.T, dtype=np.intc)
    ctx = context()
    out = ctypes.POINTER(_lib.MarkovResult)()
    ctx.check(lib.aq_markov_estimate(ctx.ptr, ca.ctypes.data_as(ctypes.POINTER(ctypes.c_int)),
                                     n, nt, k, ctypes.byref(out)))
    return Markov(out)
