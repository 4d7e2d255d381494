"""Spatial weights, global and local autocorrelation, spatial Markov
(aimaq_spatial.h)."""
import ctypes
import os
import tempfile

import numpy as np
import pandas as pd

from . import _lib
from ._core import (Owner, StrArray, UsageError, as_doubles, context, dec, dptr,
                    geometries_wkb, html_table, view)
from ._lib import lib
from .ineq import _panel, column

_METRIC = {"planar": 0, "euclidean": 0, "sphere": 1, "arc": 1, "haversine": 1}
_KERNEL = {"triangular": 1, "uniform": 2, "quadratic": 3, "epanechnikov": 3, "quartic": 4,
           "gaussian": 5}
_ADJUST = {None: 0, "none": 0, "bonferroni": 1, "fdr": 2}


def _metric(m):
    if m not in _METRIC:
        raise UsageError(f"metric '{m}': expected planar or sphere")
    return _METRIC[m]


def _coords(x, y, data):
    """Point coordinates: arrays X and Y, columns of DATA, or the points
    (or polygon centroids) of a GeoDataFrame / WKB 'geometry' column."""
    if x is None and data is not None:
        wkb, crs = geometries_wkb(data)
        if wkb is None:
            raise UsageError("no coordinates: pass x and y, or a table with geometries")
        xa, ya = centroids(wkb)
        return xa, ya, crs
    xa = as_doubles(column(data, x), name="x")
    return xa, as_doubles(column(data, y), xa.size, "y"), None


def _wkb_arrays(wkb):
    bufs = [b if b is not None else b"" for b in wkb]
    n = len(bufs)
    keep = [ctypes.create_string_buffer(b, len(b)) for b in bufs]
    ptrs = (ctypes.c_void_p * n)(*[ctypes.cast(k, ctypes.c_void_p) if len(b) else None
                                   for k, b in zip(keep, bufs)])
    lens = (ctypes.c_size_t * n)(*[len(b) for b in bufs])
    return ptrs, lens, keep


def centroids(geometry):
    """Points, or area-weighted polygon centroids, of WKB geometries (a list
    of bytes, or a GeoDataFrame): (x, y) arrays."""
    if isinstance(geometry, pd.DataFrame):
        geometry, _ = geometries_wkb(geometry)
    n = len(geometry)
    ptrs, lens, keep = _wkb_arrays(geometry)
    x, y = np.empty(n), np.empty(n)
    ctx = context()
    ctx.check(lib.aq_geometry_centroids(ctx.ptr, ptrs, lens, n, dptr(x), dptr(y)))
    return x, y


def _ids_of(data, ids):
    if ids is None:
        return None
    if isinstance(ids, str) and data is not None:
        ids = data[ids]
    return [str(v) for v in ids]


class Weights:
    """Spatial weights (aq_weights). Build them with the class methods
    (queen, rook, knn, distance_band, kernel, block, read, from_scipy);
    ``style`` is one of O, B, W (row-standardised), C, V."""

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self):
        if getattr(self, "ptr", None):
            lib.aq_weights_free(self.ptr)
            self.ptr = None

    @staticmethod
    def _make(fn, *args, ids=None):
        ctx = context()
        out = ctypes.c_void_p()
        rc = fn(ctx.ptr, *args, ctypes.byref(out))
        w = Weights(out.value) if rc == 0 else None  # freed also when a warning raises
        ctx.check(rc)
        if ids is not None:
            w.ids = ids
        return w

    # ---- constructors
    @classmethod
    def queen(cls, data, snap=0.0, ids=None):
        """Queen contiguity of the polygons of DATA (a GeoDataFrame, a
        DataFrame with a WKB 'geometry' column, or a list of WKB bytes)."""
        return cls._contiguity(data, 0, snap, ids)

    @classmethod
    def rook(cls, data, snap=0.0, ids=None):
        """Rook contiguity (a shared edge)."""
        return cls._contiguity(data, 1, snap, ids)

    @classmethod
    def _contiguity(cls, data, rook, snap, ids):
        if isinstance(data, pd.DataFrame):
            wkb, _ = geometries_wkb(data)
            if wkb is None:
                raise UsageError("the table has no geometries")
        else:
            wkb = list(data)
        ptrs, lens, keep = _wkb_arrays(wkb)
        return cls._make(lib.aq_weights_contiguity, ptrs, lens, len(wkb), int(rook),
                         float(snap), ids=_ids_of(data, ids))

    @classmethod
    def knn(cls, k, x=None, y=None, data=None, metric="planar", ids=None):
        """K nearest neighbours of points (x, y arrays or columns of DATA, or
        DATA's point geometries / polygon centroids)."""
        xa, ya, _ = _coords(x, y, data)
        return cls._make(lib.aq_weights_knn, dptr(xa), dptr(ya), xa.size, _metric(metric),
                         int(k), ids=_ids_of(data, ids))

    @classmethod
    def distance_band(cls, threshold, x=None, y=None, data=None, metric="planar", alpha=0.0,
                      ids=None):
        """Every pair within THRESHOLD (km on the sphere); ALPHA < 0 gives
        inverse-distance weights d^alpha."""
        xa, ya, _ = _coords(x, y, data)
        return cls._make(lib.aq_weights_band, dptr(xa), dptr(ya), xa.size, _metric(metric),
                         float(threshold), float(alpha), ids=_ids_of(data, ids))

    @classmethod
    def kernel(cls, x=None, y=None, data=None, function="triangular", bandwidth=0.0, k=2,
               metric="planar", ids=None):
        """Kernel weights: a fixed BANDWIDTH, or adaptive (bandwidth <= 0)
        at the distance of the K-th nearest neighbour."""
        xa, ya, _ = _coords(x, y, data)
        if function not in _KERNEL:
            raise UsageError(f"kernel '{function}': expected one of {', '.join(_KERNEL)}")
        return cls._make(lib.aq_weights_kernel, dptr(xa), dptr(ya), xa.size, _metric(metric),
                         _KERNEL[function], float(bandwidth), int(k), ids=_ids_of(data, ids))

    @classmethod
    def block(cls, groups, data=None, ids=None):
        """Units with the same group value are neighbours."""
        g = StrArray([str(v) for v in column(data, groups)], terminate=False)
        return cls._make(lib.aq_weights_block, g.ptr, len(g.items), ids=_ids_of(data, ids))

    @classmethod
    def read(cls, path):
        """A GAL or GWT file (ids kept; align them with ``align``)."""
        return cls._make(lib.aq_weights_read, os.fspath(path).encode())

    @classmethod
    def from_scipy(cls, matrix, ids=None, style="W"):
        """Weights from a scipy.sparse matrix (w_ij = matrix[i, j]), through
        a GWT file the library reads; the original weights are kept as style
        O and the STYLE asked for is set. IDS default to 0..n-1."""
        import scipy.sparse as sp
        m = sp.coo_matrix(matrix)
        n = m.shape[0]
        if m.shape[0] != m.shape[1]:
            raise UsageError(f"weights must be square, not {m.shape[0]} x {m.shape[1]}")
        ids = [str(i) for i in (range(n) if ids is None else ids)]
        if len(ids) != n:
            raise UsageError(f"ids: expected {n}, got {len(ids)}")
        fd, path = tempfile.mkstemp(suffix=".gwt")
        try:
            with os.fdopen(fd, "w") as f:
                f.write(f"0 {n} scipy id\n")
                for i, j, v in zip(m.row, m.col, m.data):
                    if v != 0 and i != j:
                        f.write(f"{ids[i]} {ids[j]} {v!r}\n")
            w = cls.read(path)
        finally:
            os.unlink(path)
        # Units without any link are not in the file: align restores them
        # only when every id appears, so check the count first.
        if w.n != n:
            raise UsageError(f"{n - w.n} unit(s) have no neighbours; the library's GWT "
                             "reader cannot keep islands")
        w = w.align(ids)
        w.style = "O"
        w.style = style
        return w

    # ---- properties
    @property
    def n(self):
        return lib.aq_weights_n(self.ptr)

    def __len__(self):
        return self.n

    @property
    def style(self):
        return chr(lib.aq_weights_style(self.ptr))

    @style.setter
    def style(self, s):
        s = {"R": "W", "r": "W"}.get(s, s)
        if not isinstance(s, str) or len(s) != 1:
            raise UsageError(f"style '{s}': expected O, B, W, C or V")
        ctx = context()
        ctx.check(lib.aq_weights_set_style(ctx.ptr, self.ptr, ord(s.upper())))

    def transform(self, style):
        """Sets the style (PySAL's name; 'R' is 'W') and returns self."""
        self.style = style
        return self

    @property
    def ids(self):
        first = lib.aq_weights_id(self.ptr, 0) if self.n else None
        if first is None:
            return None
        return [dec(lib.aq_weights_id(self.ptr, i)) for i in range(self.n)]

    @ids.setter
    def ids(self, ids):
        ids = [str(v) for v in ids]
        if len(ids) != self.n:
            raise UsageError(f"ids: expected {self.n}, got {len(ids)}")
        a = StrArray(ids, terminate=False)
        ctx = context()
        ctx.check(lib.aq_weights_set_ids(ctx.ptr, self.ptr, a.ptr))

    def neighbors(self, i):
        """(indices, weights) of unit I's neighbours, in the current style."""
        nb = ctypes.POINTER(ctypes.c_uint32)()
        wt = ctypes.POINTER(ctypes.c_double)()
        k = lib.aq_weights_neighbors(self.ptr, int(i), ctypes.byref(nb), ctypes.byref(wt))
        if not k:
            return np.empty(0, dtype=np.uint32), np.empty(0)
        return (np.ctypeslib.as_array(nb, (k,)).copy(), np.ctypeslib.as_array(wt, (k,)).copy())

    def to_scipy(self):
        """The styled weights as a scipy.sparse CSR matrix."""
        import scipy.sparse as sp
        rows, cols, vals = [], [], []
        for i in range(self.n):
            nb, wt = self.neighbors(i)
            rows.append(np.full(nb.size, i))
            cols.append(nb)
            vals.append(wt)
        cat = (lambda parts, dt: np.concatenate(parts).astype(dt) if parts else
               np.empty(0, dt))
        return sp.csr_matrix((cat(vals, np.float64), (cat(rows, np.int64),
                                                      cat(cols, np.int64))),
                             shape=(self.n, self.n))

    def summary(self):
        """Units, links, islands, neighbour counts, components, symmetry and
        S0, S1, S2 (aq_weights_summary) as a dict."""
        info = _lib.WeightsInfo()
        ctx = context()
        ctx.check(lib.aq_weights_summary(ctx.ptr, self.ptr, ctypes.byref(info)))
        d = {k: getattr(info, k) for k, _ in _lib.WeightsInfo._fields_}
        d["symmetric"] = bool(d["symmetric"])
        return d

    def lag(self, y):
        """The spatial lag sum_j w_ij y_j."""
        ya = as_doubles(y, self.n, "y")
        out = np.empty(self.n)
        lib.aq_weights_lag(self.ptr, dptr(ya), dptr(out))
        return out

    def align(self, ids):
        """These weights reordered to IDS (weights read from a file)."""
        a = StrArray([str(v) for v in ids], terminate=False)
        return self._make(lib.aq_weights_align, self.ptr, a.ptr, len(a.items))

    def higher_order(self, k, inclusive=False):
        return self._make(lib.aq_weights_higher_order, self.ptr, int(k), int(inclusive))

    def add_self(self):
        return self._make(lib.aq_weights_add_self, self.ptr)

    def write(self, path, idvar=None):
        """Writes GAL or GWT (by extension)."""
        ctx = context()
        ctx.check(lib.aq_weights_write(ctx.ptr, self.ptr, os.fspath(path).encode(),
                                       None if idvar is None else idvar.encode()))

    def __repr__(self):
        s = self.summary()
        return (f"<aimaq.Weights n={s['n']} links={s['links']} islands={s['islands']} "
                f"style={self.style}>")

    def _repr_html_(self):
        return html_table(f"Spatial weights, style {self.style}", self.summary().items())


# ------------------------------------------------------------------ global statistics
class _Global:
    _title = ""

    def __init__(self, res):
        for k, _ in res._fields_:
            setattr(self, k, getattr(res, k))

    def as_dict(self):
        return {k: getattr(self, k) for k in self._keys}

    def __repr__(self):
        main = self._keys[0]
        return (f"<aimaq.{type(self).__name__} {main}={getattr(self, main):.6g} "
                f"p_norm={self.p_norm:.4g} p_sim={self.p_sim:.4g}>")

    def _repr_html_(self):
        return html_table(self._title, self.as_dict().items())


class Moran(_Global):
    _title = "Moran's I"
    _keys = [k for k, _ in _lib.MoranResult._fields_]


class Geary(_Global):
    _title = "Geary's C"
    _keys = [k for k, _ in _lib.GearyResult._fields_]


class GetisOrd(_Global):
    _title = "Getis-Ord General G"
    _keys = [k for k, _ in _lib.GetisResult._fields_]


def _w(w):
    """Weights, or a scipy.sparse matrix taken as original weights and
    row-standardised (style W)."""
    if isinstance(w, Weights):
        return w
    if hasattr(w, "tocoo"):
        return Weights.from_scipy(w)
    raise UsageError(f"expected aimaq.Weights or a scipy.sparse matrix, not {type(w).__name__}")


def _y(w, y, data):
    return as_doubles(column(data, y), w.n, "y")


def moran(y, w, permutations=999, seed=12345, data=None):
    """Global Moran's I with its normal, randomisation and permutation
    inference (aq_moran_global); p values are two-sided."""
    w = _w(w)
    ya = _y(w, y, data)
    r = _lib.MoranResult()
    ctx = context()
    ctx.check(lib.aq_moran_global(ctx.ptr, w.ptr, dptr(ya), ya.size, int(permutations),
                                  int(seed), ctypes.byref(r)))
    return Moran(r)


def moran_bv(x, y, w, permutations=999, seed=12345, data=None):
    """Bivariate Moran (esda Moran_BV)."""
    w = _w(w)
    xa, ya = _y(w, x, data), _y(w, y, data)
    r = _lib.MoranResult()
    ctx = context()
    ctx.check(lib.aq_moran_bv(ctx.ptr, w.ptr, dptr(xa), dptr(ya), xa.size, int(permutations),
                              int(seed), ctypes.byref(r)))
    return Moran(r)


def moran_rate(events, base, w, permutations=999, seed=12345, data=None):
    """Moran's I of EB-standardised rates events/base (esda Moran_Rate)."""
    w = _w(w)
    ea, ba = _y(w, events, data), _y(w, base, data)
    r = _lib.MoranResult()
    ctx = context()
    ctx.check(lib.aq_moran_rate(ctx.ptr, w.ptr, dptr(ea), dptr(ba), ea.size,
                                int(permutations), int(seed), ctypes.byref(r)))
    return Moran(r)


def eb_rates(events, base, data=None):
    """Assuncao-Reis empirical Bayes standardised rates."""
    ea = as_doubles(column(data, events), name="events")
    ba = as_doubles(column(data, base), ea.size, "base")
    out = np.empty(ea.size)
    ctx = context()
    ctx.check(lib.aq_eb_rates(ctx.ptr, dptr(ea), dptr(ba), ea.size, dptr(out)))
    return out


def geary(y, w, permutations=999, seed=12345, data=None):
    """Geary's C (aq_geary); z = (C - 1) / sd as esda reports it."""
    w = _w(w)
    ya = _y(w, y, data)
    r = _lib.GearyResult()
    ctx = context()
    ctx.check(lib.aq_geary(ctx.ptr, w.ptr, dptr(ya), ya.size, int(permutations), int(seed),
                           ctypes.byref(r)))
    return Geary(r)


def getis_g(y, w, permutations=999, seed=12345, data=None):
    """Getis-Ord General G (use binary weights, style B)."""
    w = _w(w)
    ya = _y(w, y, data)
    r = _lib.GetisResult()
    ctx = context()
    ctx.check(lib.aq_getis_g(ctx.ptr, w.ptr, dptr(ya), ya.size, int(permutations), int(seed),
                             ctypes.byref(r)))
    return GetisOrd(r)


# ------------------------------------------------------------------ local statistics
class Local:
    """Per-unit local statistics (aq_local). The arrays are numpy views of
    the library's result: value, lag, stat (Ii, Gi, Gi* or ci), expect,
    var, z, z_sim, p_sim, quadrant, significant; ``cluster`` the labels
    ("High-High", ..., "hot", "cold", "ns", "island"); ``to_frame()`` all
    of it as a DataFrame (index = the input's)."""

    _KIND = {1: "Local Moran", 2: "Local G", 3: "Local G*", 4: "Local Geary"}

    def __init__(self, ptr, index=None):
        self._owner = Owner(ptr, lib.aq_local_free)
        r = ptr.contents
        n = self.n = r.n
        self.kind = self._KIND.get(r.kind, str(r.kind))
        for k in ("value", "lag", "stat", "expect", "var", "z", "z_sim", "p_sim"):
            setattr(self, k, view(getattr(r, k), n, self._owner))
        self.quadrant = view(r.quadrant, n, self._owner, np.intc)
        self.significant = view(r.significant, n, self._owner, np.uint8).astype(bool)
        self.threshold, self.permutations, self.islands = r.threshold, r.permutations, r.islands
        self.cluster = np.array([dec(lib.aq_local_cluster(ptr, i)) for i in range(n)],
                                dtype=object)
        self.index = index

    def to_frame(self):
        df = pd.DataFrame({"value": self.value, "lag": self.lag, "stat": self.stat,
                           "expect": self.expect, "var": self.var, "z": self.z,
                           "z_sim": self.z_sim, "p_sim": self.p_sim,
                           "quadrant": self.quadrant, "significant": self.significant,
                           "cluster": self.cluster})
        if self.index is not None and len(self.index) == self.n:
            df.index = self.index
        return df

    def counts(self):
        """Units per cluster label."""
        return pd.Series(self.cluster).value_counts()

    def __repr__(self):
        return (f"<aimaq.Local {self.kind} n={self.n} significant={int(self.significant.sum())}"
                f" threshold={self.threshold:.4g}>")

    def _repr_html_(self):
        head = html_table(self.kind, [("units", self.n), ("permutations", self.permutations),
                                      ("p threshold", self.threshold),
                                      ("islands", self.islands)] +
                          list(self.counts().items()))
        return head + self.to_frame().head(20).to_html()


def _local_opts(permutations, seed, alpha, adjust):
    o = _lib.LocalOpts()
    lib.aq_local_opts_init(ctypes.byref(o))
    if permutations is not None:
        o.permutations = int(permutations)
    if seed is not None:
        o.seed = int(seed)
    if alpha is not None:
        o.alpha = float(alpha)
    if adjust not in _ADJUST:
        raise UsageError(f"adjust '{adjust}': expected none, bonferroni or fdr")
    o.adjust = _ADJUST[adjust]
    return o


def _index_of(y, data):
    if data is not None:
        return data.index
    return y.index if isinstance(y, pd.Series) else None


def lisa(y, w, permutations=999, seed=12345, alpha=0.05, adjust=None, data=None):
    """Local Moran (esda Moran_Local, conditional permutations)."""
    w = _w(w)
    ya = _y(w, y, data)
    out = ctypes.POINTER(_lib.Local)()
    ctx = context()
    ctx.check(lib.aq_local_moran(ctx.ptr, w.ptr, dptr(ya), ya.size,
                                 ctypes.byref(_local_opts(permutations, seed, alpha, adjust)),
                                 ctypes.byref(out)))
    return Local(out, _index_of(column(data, y), data))


def local_g(y, w, star=False, permutations=999, seed=12345, alpha=0.05, adjust=None,
            data=None):
    """Local Getis-Ord Gi (or Gi* with STAR); use binary weights."""
    w = _w(w)
    ya = _y(w, y, data)
    out = ctypes.POINTER(_lib.Local)()
    ctx = context()
    ctx.check(lib.aq_local_g(ctx.ptr, w.ptr, dptr(ya), ya.size, int(bool(star)),
                             ctypes.byref(_local_opts(permutations, seed, alpha, adjust)),
                             ctypes.byref(out)))
    return Local(out, _index_of(column(data, y), data))


def local_geary(y, w, permutations=999, seed=12345, alpha=0.05, adjust=None, data=None):
    """Local Geary (esda Geary_Local)."""
    w = _w(w)
    ya = _y(w, y, data)
    out = ctypes.POINTER(_lib.Local)()
    ctx = context()
    ctx.check(lib.aq_local_geary(ctx.ptr, w.ptr, dptr(ya), ya.size,
                                 ctypes.byref(_local_opts(permutations, seed, alpha, adjust)),
                                 ctypes.byref(out)))
    return Local(out, _index_of(column(data, y), data))


# ------------------------------------------------------------------ spatial Markov
class SpatialMarkov:
    """Spatial (or LISA) Markov chains: T, P (m x k x k), S (m x k), F, and
    the pooled chain; Q and LR homogeneity tests."""

    def __init__(self, ptr):
        self._owner = Owner(ptr, lib.aq_spmarkov_free)
        r = ptr.contents
        k, m = self.k, self.m = r.k, r.m
        o = self._owner
        self.cutoffs = view(r.cutoffs, k, o) if r.cutoffs else None
        self.lag_cutoffs = view(r.lag_cutoffs, m, o) if r.lag_cutoffs else None
        self.T, self.P = view(r.T, (m, k, k), o), view(r.P, (m, k, k), o)
        self.S, self.F = view(r.S, (m, k), o), view(r.F, (m, k, k), o)
        self.T_pooled, self.P_pooled = view(r.T_pooled, (k, k), o), view(r.P_pooled, (k, k), o)
        self.S_pooled = view(r.S_pooled, k, o)
        self.Q, self.Q_p, self.LR, self.LR_p, self.dof = r.Q, r.Q_p, r.LR, r.LR_p, r.dof

    def __repr__(self):
        return f"<aimaq.SpatialMarkov k={self.k} m={self.m} Q={self.Q:.4g} p={self.Q_p:.3g}>"

    def _repr_html_(self):
        return html_table("Spatial Markov", [("k", self.k), ("m", self.m), ("Q", self.Q),
                                             ("Q p", self.Q_p), ("LR", self.LR),
                                             ("LR p", self.LR_p), ("dof", self.dof)]) + \
            pd.DataFrame(self.S, columns=[f"class {i + 1}" for i in range(self.k)],
                         index=[f"lag {j + 1}" for j in range(self.m)]).to_html()


def spatial_markov(y, w, k=5, m=5, fixed=True, data=None):
    """Spatial Markov of Y (units x periods) with weights W (giddy
    Spatial_Markov): K classes of the value, M of its lag."""
    w = _w(w)
    ya, n, nt, _ = _panel(y, data)
    out = ctypes.POINTER(_lib.SpMarkovResult)()
    ctx = context()
    ctx.check(lib.aq_spmarkov(ctx.ptr, w.ptr, dptr(ya), n, nt, int(k), int(m), int(bool(fixed)),
                              ctypes.byref(out)))
    return SpatialMarkov(out)


def lisa_markov(y, w, data=None):
    """Transitions between Moran scatterplot quadrants (giddy LISA_Markov)."""
    w = _w(w)
    ya, n, nt, _ = _panel(y, data)
    out = ctypes.POINTER(_lib.SpMarkovResult)()
    ctx = context()
    ctx.check(lib.aq_lisa_markov(ctx.ptr, w.ptr, dptr(ya), n, nt, ctypes.byref(out)))
    return SpatialMarkov(out)
