"""Structure and shift-share, access and 2SFCA, scenarios, composite
indices (potential, uncertainty, depressed) and map classes."""
import ctypes
import math
import os

import numpy as np
import pandas as pd

from . import _lib
from ._core import (NotFoundError, StrArray, UsageError, as_doubles, call_table, context, dec,
                    dptr, enc, from_frame, take_table)
from ._lib import lib
from .ineq import column

# ------------------------------------------------------------------ structure
STRUCTURE_MEASURES = ("summary", "lq", "localisation", "shift", "shift-sectors", "dynamic",
                      "advantages")


def structure(df, measure="summary", territory=None, sector=None, value=None, period=None,
              sectors=None, nation=None, total=None, tolerance=None, at=None, base=None,
              final=None):
    """Economic structure of territories (aq_structure) on a wide table (one
    row per territory and period, one column per sector) or a long one
    (territory, sector, value): MEASURE is one of STRUCTURE_MEASURES.
    Returns a DataFrame whose first column is "territory"."""
    code = ctypes.c_int()
    ctx = context()
    ctx.check(lib.aq_structure_measure_parse(enc(measure), ctypes.byref(code)))
    o = _lib.StructureOpts()
    lib.aq_structure_opts_init(ctypes.byref(o))
    for k, v in (("territory", territory), ("sector", sector), ("value", value),
                 ("period", period), ("nation", nation), ("total", total), ("at", at),
                 ("base", base), ("final", final)):
        if v is not None:
            setattr(o, k, enc(v))
    secs = StrArray(sectors) if sectors is not None else None
    if secs:
        o.sectors = secs.ptr
    if tolerance is not None:
        o.tolerance = tolerance
    t = from_frame(df, ctx)
    return call_table(lib.aq_structure, t.ptr, ctypes.byref(o), code.value, ctx=ctx)


def location_quotients(x, ref):
    """(x_i / sum x) / (ref_i / sum ref) per sector."""
    xa = as_doubles(x, name="x")
    ra = as_doubles(ref, xa.size, "ref")
    out = np.empty(xa.size)
    lib.aq_locq_vector(dptr(xa), dptr(ra), xa.size, dptr(out))
    return out


def specialisation(x, ref):
    """Krugman, Hoover, HHI (and normalised) and Gini of specialisation of
    one territory's sectors X against the reference REF, as a dict."""
    xa = as_doubles(x, name="x")
    ra = as_doubles(ref, xa.size, "ref")
    n = xa.size
    norm = ctypes.c_double()
    work = np.empty(n)
    return {"krugman": lib.aq_krugman(dptr(xa), dptr(ra), n),
            "hoover": lib.aq_hoover(dptr(xa), dptr(ra), n),
            "hhi": lib.aq_hhi(dptr(xa), n, ctypes.byref(norm)), "hhi_norm": norm.value,
            "gini": lib.aq_gini_spec(dptr(xa), dptr(ra), n, dptr(work))}


def shift_share(region0, region1, nation0, nation1):
    """Classic and Esteban-Marquillas shift-share of one territory
    (aq_shift_share): a dict of the components, with per-sector regional
    shift and industrial mix arrays."""
    r0 = as_doubles(region0, name="region0")
    n = r0.size
    r1, n0, n1 = (as_doubles(v, n, k) for v, k in ((region1, "region1"), (nation0, "nation0"),
                                                   (nation1, "nation1")))
    s = _lib.Shift()
    reg, mix = np.empty(n), np.empty(n)
    ctx = context()
    ctx.check(lib.aq_shift_share(ctx.ptr, dptr(r0), dptr(r1), dptr(n0), dptr(n1), n,
                                 ctypes.byref(s), dptr(reg), dptr(mix)))
    d = {k: getattr(s, k) for k, _ in _lib.Shift._fields_}
    d.update(sector_regional=reg, sector_mix=mix)
    return d


# ------------------------------------------------------------------ access
class Graph:
    """A road graph (aq_graph): from an edge table (``from_edges``), a line
    layer (``from_lines``), an OpenStreetMap extract (``from_osm``) or
    straight lines between points (``straight``)."""

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self):
        if getattr(self, "ptr", None):
            lib.aq_graph_free(self.ptr)
            self.ptr = None

    @classmethod
    def from_edges(cls, edges, from_="from", to="to", cost=None, length=None, road_class=None,
                   speeds=None, directed=False, nodes=None):
        """A graph from an edge table (columns from, to, minutes, or length_km
        and class with SPEEDS); NODES (node, x, y) attaches coordinates."""
        o = _lib.EdgeOpts()
        lib.aq_edge_opts_init(ctypes.byref(o))
        o.from_, o.to = enc(from_), enc(to)
        for k, v in (("cost", cost), ("length", length), ("road_class", road_class),
                     ("speeds", speeds)):
            if v is not None:
                setattr(o, k, enc(v))
        o.directed = int(bool(directed))
        ctx = context()
        t = from_frame(edges, ctx)
        out = ctypes.c_void_p()
        ctx.check(lib.aq_graph_from_edges(ctx.ptr, t.ptr, ctypes.byref(o), ctypes.byref(out)))
        g = cls(out.value)
        if nodes is not None:
            g.set_coords(nodes)
        return g

    @classmethod
    def from_lines(cls, lines, road_class=None, speeds=None, minutes=None, merge=0.0,
                   directed=False, keep_unclassed=False):
        o = _lib.NetworkOpts()
        lib.aq_network_opts_init(ctypes.byref(o))
        for k, v in (("road_class", road_class), ("speeds", speeds), ("minutes", minutes)):
            if v is not None:
                setattr(o, k, enc(v))
        o.merge, o.directed, o.keep_unclassed = merge, int(directed), int(keep_unclassed)
        ctx = context()
        t = from_frame(lines, ctx)
        out = ctypes.c_void_p()
        ctx.check(lib.aq_network_from_lines(ctx.ptr, t.ptr, ctypes.byref(o), ctypes.byref(out)))
        return cls(out.value)

    @classmethod
    def from_osm(cls, path, **opts):
        """The roads of an .osm.pbf/.osm extract."""
        return cls.from_lines(call_table(lib.aq_network_read_osm, enc(os.fspath(path))),
                              **opts)

    @classmethod
    def straight(cls, x, y, geographic=True, circuity=1.3, kmh=60.0):
        """Straight-line times between points (estimates, not road times)."""
        xa = as_doubles(x, name="x")
        ya = as_doubles(y, xa.size, "y")
        ctx = context()
        out = ctypes.c_void_p()
        ctx.check(lib.aq_graph_straight_new(ctx.ptr, dptr(xa), dptr(ya), xa.size,
                                            int(geographic), float(circuity), float(kmh),
                                            ctypes.byref(out)))
        return cls(out.value)

    def set_coords(self, nodes, id=None, x=None, y=None, geographic=-1):
        ctx = context()
        t = from_frame(nodes, ctx)
        ctx.check(lib.aq_graph_set_coords(ctx.ptr, self.ptr, t.ptr, enc(id), enc(x), enc(y),
                                          int(geographic)))

    def node_ids(self):
        """The identifier of every node (as text), in node order."""
        buf = ctypes.create_string_buffer(64)
        return [dec(lib.aq_graph_node_id(self.ptr, v, buf, 64)) for v in range(self.nnodes)]

    def find(self, ids):
        """Node numbers of the identifiers IDS (numbers or text)."""
        out, v = [], ctypes.c_size_t()
        for i in ids:
            key = str(int(i)) if isinstance(i, (float, np.floating)) and float(i).is_integer() \
                else str(i)
            if not lib.aq_graph_find(self.ptr, enc(key), ctypes.byref(v)):
                raise NotFoundError(f"no node '{key}' in the network")
            out.append(v.value)
        return np.array(out, dtype=np.uintp)

    def nearest(self, sources, limit=math.inf, toward=True):
        """Multi-source Dijkstra (aq_graph_nearest) from the nodes whose
        identifiers are SOURCES: (minutes to the nearest, index into SOURCES
        of it, -1 when unreachable), one per node."""
        src = np.ascontiguousarray(self.find(sources), dtype=np.uintp)
        n = self.nnodes
        minutes, of = np.empty(n), np.empty(n, dtype=np.int_)
        ctx = context()
        ctx.check(lib.aq_graph_nearest(ctx.ptr, self.ptr,
                                       src.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t)),
                                       src.size, float(limit), int(bool(toward)), dptr(minutes),
                                       of.ctypes.data_as(ctypes.POINTER(ctypes.c_long))))
        return minutes, of

    def hansen(self, origins, destinations, weights, beta, limit=math.inf):
        """Hansen gravity accessibility sum_j w_j exp(-beta t_kj) of each
        origin (identifiers) over DESTINATIONS with WEIGHTS."""
        o = np.ascontiguousarray(self.find(origins), dtype=np.uintp)
        d = np.ascontiguousarray(self.find(destinations), dtype=np.uintp)
        w = as_doubles(weights, d.size, "weights")
        out = np.empty(o.size)
        sz = ctypes.POINTER(ctypes.c_size_t)
        ctx = context()
        ctx.check(lib.aq_hansen(ctx.ptr, self.ptr, o.ctypes.data_as(sz), o.size,
                                d.ctypes.data_as(sz), dptr(w), d.size, float(beta),
                                float(limit), dptr(out)))
        return out

    @property
    def nnodes(self):
        return lib.aq_graph_nnodes(self.ptr)

    @property
    def nedges(self):
        return lib.aq_graph_nedges(self.ptr)

    def edges(self):
        return call_table(lib.aq_graph_edges_table, self.ptr)

    def nodes(self):
        return call_table(lib.aq_graph_nodes_table, self.ptr)

    def summary(self):
        return call_table(lib.aq_graph_summary, self.ptr)

    def __repr__(self):
        return f"<aimaq.Graph nodes={self.nnodes} edges={self.nedges}>"


def _access_opts(node=None, kind=None, centre_id=None, capacity=None, id=None, pop=None,
                 x=None, y=None, max_snap_km=None, snap_kmh=None, limit=None):
    o = _lib.AccessOpts()
    lib.aq_access_opts_init(ctypes.byref(o))
    for k, v in (("node", node), ("kind", kind), ("centre_id", centre_id),
                 ("capacity", capacity), ("id", id), ("pop", pop), ("x", x), ("y", y)):
        if v is not None:
            setattr(o, k, enc(v))
    for k, v in (("max_snap_km", max_snap_km), ("snap_kmh", snap_kmh), ("limit", limit)):
        if v is not None:
            setattr(o, k, float(v))
    return o


def access(graph, centres, settlements=None, summary=False, catchments=False, **opts):
    """Travel time to the nearest centre (of each kind): per node without
    SETTLEMENTS, else per settlement. With SUMMARY and/or CATCHMENTS a
    tuple (per settlement, summary, catchments) is returned."""
    ctx = context()
    o = _access_opts(**opts)
    c = from_frame(centres, ctx)
    if settlements is None:
        return call_table(lib.aq_access_nodes, graph.ptr, c.ptr, ctypes.byref(o), ctx=ctx)
    s = from_frame(settlements, ctx)
    out, sm, ca = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    ctx.check(lib.aq_access_settlements(ctx.ptr, graph.ptr, c.ptr, s.ptr, ctypes.byref(o),
                                        ctypes.byref(out),
                                        ctypes.byref(sm) if summary else None,
                                        ctypes.byref(ca) if catchments else None))
    res = take_table(out.value)
    if not summary and not catchments:
        return res
    return (res, take_table(sm.value) if summary else None,
            take_table(ca.value) if catchments else None)


def od(graph, pairs, settlements=None, **opts):
    """Travel times of the PAIRS (origin, destination)."""
    ctx = context()
    o = _access_opts(**opts)
    p = from_frame(pairs, ctx)
    s = from_frame(settlements, ctx) if settlements is not None else None
    return call_table(lib.aq_access_od, graph.ptr, p.ptr, s.ptr if s else None,
                      ctypes.byref(o), ctx=ctx)


def two_step_fca(graph, centres, settlements, cutoff=None, bands=None, **opts):
    """2SFCA (one band up to CUTOFF minutes, weight 1) or enhanced 2SFCA
    (BANDS: [(upto_minutes, weight), ...]) of the facilities in CENTRES
    (capacity column) for the population of SETTLEMENTS."""
    if bands is None:
        if cutoff is None:
            raise UsageError("2SFCA needs a cutoff (minutes) or bands")
        bands = [(cutoff, 1.0)]
    upto = np.ascontiguousarray([b[0] for b in bands], dtype=np.float64)
    wt = np.ascontiguousarray([b[1] for b in bands], dtype=np.float64)
    b = _lib.Bands(dptr(upto), dptr(wt), len(bands))
    ctx = context()
    o = _access_opts(**opts)
    c, s = from_frame(centres, ctx), from_frame(settlements, ctx)
    return call_table(lib.aq_access_2sfca, graph.ptr, c.ptr, s.ptr, ctypes.byref(o),
                      ctypes.byref(b), ctx=ctx)


def scenario(plan, db=None):
    """Runs a scenario plan (YAML, docs/scenario.md): a DataFrame metric,
    before, after, change. DB: the store of a plan whose settlements come
    from one."""
    if db is not None:
        return call_table(lib.aq_scenario_run_db, enc(os.fspath(plan)), enc(os.fspath(db)))
    return call_table(lib.aq_scenario_run, enc(os.fspath(plan)))


# ------------------------------------------------------------------ composite indices
class Method:
    """A methodology (YAML, docs/methodology.md): ``Method(path)`` or
    ``Method.parse(text)``."""

    def __init__(self, path=None, _ptr=None):
        if _ptr is None:
            ctx = context()
            out = ctypes.c_void_p()
            ctx.check(lib.aq_method_load(ctx.ptr, enc(os.fspath(path)), ctypes.byref(out)))
            _ptr = out.value
        self.ptr = _ptr
        self.restricted = False

    @classmethod
    def parse(cls, text, name="methodology"):
        ctx = context()
        b = text.encode("utf-8")
        out = ctypes.c_void_p()
        ctx.check(lib.aq_method_parse(ctx.ptr, b, len(b), enc(name), ctypes.byref(out)))
        return cls(_ptr=out.value)

    def __del__(self):
        if getattr(self, "ptr", None):
            lib.aq_method_free(self.ptr)
            self.ptr = None

    name = property(lambda self: dec(lib.aq_method_name(self.ptr)))
    hash = property(lambda self: dec(lib.aq_method_hash(self.ptr)))
    kind = property(lambda self: dec(lib.aq_method_kind(self.ptr)))
    id_column = property(lambda self: dec(lib.aq_method_id_column(self.ptr)))

    @property
    def indicators(self):
        return [dec(lib.aq_method_indicator(self.ptr, i))
                for i in range(lib.aq_method_nindicators(self.ptr))]

    def restrict(self, df, allow_missing=False):
        """Fits the methodology to the data (aq_method_restrict) once; the
        weights table before and after is returned."""
        ctx = context()
        t = from_frame(df, ctx)
        ctx.check(lib.aq_method_restrict(ctx.ptr, self.ptr, t.ptr, int(bool(allow_missing))))
        self.restricted = True
        if self.kind != "potential":
            return None
        return call_table(lib.aq_method_weights_table, self.ptr, ctx=ctx)

    def __repr__(self):
        return f"<aimaq.Method {self.name!r} kind={self.kind} indicators={len(self.indicators)}>"


def _method(method, t, ctx, allow_missing):
    m = method if isinstance(method, Method) else Method(method)
    if not m.restricted and m.kind == "potential":
        ctx.check(lib.aq_method_restrict(ctx.ptr, m.ptr, t.ptr, int(bool(allow_missing))))
        m.restricted = True
    return m


class Potential:
    """The index of a methodology on units: ``units`` (id, score, rank,
    class, pillars, reason), ``classes`` (class, count, population, share)."""

    def __init__(self, units, classes, method):
        self.units, self.classes, self.method = units, classes, method

    def __repr__(self):
        return f"<aimaq.Potential units={len(self.units)} classes={len(self.classes)}>"

    def _repr_html_(self):
        return (f"<b>{self.method.name}</b> (sha256 {self.method.hash[:12]}…)" +
                self.classes.to_html(index=False) + self.units.head(20).to_html(index=False))


def potential(method, df, allow_missing=False):
    """Development potential: the methodology METHOD (a Method or a path) on
    the units of DF (aq_index_compute)."""
    ctx = context()
    t = from_frame(df, ctx)
    m = _method(method, t, ctx, allow_missing)
    out = ctypes.c_void_p()
    ctx.check(lib.aq_index_compute(ctx.ptr, m.ptr, t.ptr, ctypes.byref(out)))
    try:
        units = call_table(lib.aq_index_units_table, out.value, ctx=ctx)
        classes = call_table(lib.aq_index_classes_table, out.value, ctx=ctx)
    finally:
        lib.aq_index_free(out.value)
    return Potential(units, classes, m)


def support(method, df, pairs=None, origin=None, destination=None, minutes=None,
            max_minutes=None, allow_missing=False):
    """Support and satellite settlements (aq_index_support, or with PAIRS,
    a table of travel times, aq_index_support_ex): (units, summary). Units
    get role "support", "satellite" or "unattached" and their support_id."""
    ctx = context()
    t = from_frame(df, ctx)
    m = _method(method, t, ctx, allow_missing)
    idx = ctypes.c_void_p()
    ctx.check(lib.aq_index_compute(ctx.ptr, m.ptr, t.ptr, ctypes.byref(idx)))
    a, b = ctypes.c_void_p(), ctypes.c_void_p()
    try:
        if pairs is None:
            ctx.check(lib.aq_index_support(ctx.ptr, m.ptr, t.ptr, idx.value, ctypes.byref(a),
                                           ctypes.byref(b)))
        else:
            pt = from_frame(pairs, ctx)
            times = _lib.SupportTimes(pt.ptr, enc(origin), enc(destination), enc(minutes),
                                      math.nan if max_minutes is None else float(max_minutes))
            ctx.check(lib.aq_index_support_ex(ctx.ptr, m.ptr, t.ptr, idx.value,
                                              ctypes.byref(times), ctypes.byref(a),
                                              ctypes.byref(b)))
    finally:
        lib.aq_index_free(idx.value)
    return take_table(a.value), take_table(b.value)


def audit(method, df, allow_missing=False):
    """The JRC statistical audit: (indicators, pillars) DataFrames."""
    ctx = context()
    t = from_frame(df, ctx)
    m = _method(method, t, ctx, allow_missing)
    a, b = ctypes.c_void_p(), ctypes.c_void_p()
    ctx.check(lib.aq_index_audit(ctx.ptr, m.ptr, t.ptr, ctypes.byref(a), ctypes.byref(b)))
    return take_table(a.value), take_table(b.value)


def uncertainty(method, df, runs=1000, seed=12345, sobol=False, weight_draws=None,
                allow_missing=False):
    """Monte Carlo over the methodology's declared alternatives
    (aq_index_uncertainty): (per-unit table, summary table)."""
    ctx = context()
    t = from_frame(df, ctx)
    m = _method(method, t, ctx, allow_missing)
    o = _lib.UncertaintyOpts()
    lib.aq_uncertainty_opts_init(ctypes.byref(o))
    o.runs, o.seed, o.sobol = int(runs), int(seed), int(bool(sobol))
    draws = None
    if weight_draws is not None:
        draws = np.ascontiguousarray(weight_draws, dtype=np.float64)
        o.weight_draws, o.ndraws = dptr(draws), draws.shape[0]
    out = ctypes.c_void_p()
    ctx.check(lib.aq_index_uncertainty(ctx.ptr, m.ptr, t.ptr, ctypes.byref(o),
                                       ctypes.byref(out)))
    try:
        units = call_table(lib.aq_uncertainty_units_table, out.value, ctx=ctx)
        summary = call_table(lib.aq_uncertainty_summary_table, out.value, ctx=ctx)
    finally:
        lib.aq_uncertainty_free(out.value)
    return units, summary


def depressed(method, df):
    """A methodology of kind "depressed" on DF: id, flagged, criteria_met,
    criteria, reason."""
    ctx = context()
    t = from_frame(df, ctx)
    m = method if isinstance(method, Method) else Method(method)
    return call_table(lib.aq_depressed_run, m.ptr, t.ptr, ctx=ctx)


class Classes:
    """Map classes of one variable: ``bins`` (upper bounds), ``counts``,
    ``yb`` (each value's class, 0-based, -1 for NaN) as mapclassify."""

    def __init__(self, method, bins, counts, yb):
        self.method, self.bins, self.counts, self.yb = method, bins, counts, yb
        self.k = len(bins)

    def __repr__(self):
        return f"<aimaq.Classes {self.method} k={self.k} bins={np.round(self.bins, 4).tolist()}>"

    def _repr_html_(self):
        lo = np.concatenate([[-math.inf], self.bins[:-1]])
        return pd.DataFrame({"from": lo, "upto": self.bins, "count": self.counts}).to_html(
            index=False)


def classify(x, method="fisher-jenks", k=5, data=None):
    """Map classes (mapclassify definitions): fisher-jenks, quantile,
    equal, std-mean, box, head-tail, kmeans."""
    code = ctypes.c_int()
    ctx = context()
    ctx.check(lib.aq_breaks_parse(enc(method), ctypes.byref(code)))
    xa = as_doubles(column(data, x), name="x")
    b = ctypes.POINTER(ctypes.c_double)()
    c = ctypes.POINTER(ctypes.c_size_t)()
    nc = ctypes.c_size_t()
    ctx.check(lib.aq_breaks(ctx.ptr, dptr(xa), xa.size, code.value, int(k), ctypes.byref(b),
                            ctypes.byref(c), ctypes.byref(nc)))
    try:
        bins = np.ctypeslib.as_array(b, (nc.value,)).copy()
        counts = np.ctypeslib.as_array(c, (nc.value,)).astype(np.int64)
    finally:
        lib.aq_free(ctypes.cast(b, ctypes.c_void_p))
        lib.aq_free(ctypes.cast(c, ctypes.c_void_p))
    # The class of each value is the first whose upper bound holds it
    # (value <= bound), as the counts are made.
    yb = np.searchsorted(bins, xa, side="left")
    yb = np.where(np.isnan(xa), -1, np.minimum(yb, len(bins) - 1))
    return Classes(method, bins, counts, yb)
