"""Contexts, errors, progress and warnings, and tables in and out."""
import ctypes
import threading
import warnings as _warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd

from . import _lib
from ._lib import lib

try:  # optional: GeoDataFrames in and out (geometry through WKB)
    import geopandas as _gpd
except ImportError:  # pragma: no cover - depends on the machine
    _gpd = None


# ------------------------------------------------------------------ errors
class Error(Exception):
    """An error of the aimaq library: ``code`` is the AQ_E* code, ``message``
    the library's own message (aq_errmsg), which names the file, line,
    column or field and what was expected."""

    code = 0

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InputError(Error, ValueError):
    """AQ_EINPUT: bad input data."""
    code = 1


class FileError(Error):
    """AQ_EIO: a file could not be opened, read or written."""
    code = 2


class OutOfMemoryError(Error, MemoryError):
    """AQ_ENOMEM."""
    code = 3


class StoreError(Error):
    """AQ_ESTORE: the store refused an operation."""
    code = 4


class NotFoundError(Error, LookupError):
    """AQ_ENOTFOUND: a named unit, indicator, column or layer is absent."""
    code = 5


class UsageError(Error, ValueError):
    """AQ_EUSAGE: invalid arguments."""
    code = 6


class InternalError(Error):
    """AQ_EINTERNAL: a bug in aimaq."""
    code = 7


class DeniedError(Error, PermissionError):
    """AQ_EDENIED: refused by role or territorial scope."""
    code = 8


class LimitError(Error):
    """AQ_ELIMIT: the input is past a bound set on the context (a
    spreadsheet's unpacked size or cells)."""
    code = 9


_BY_CODE = {c.code: c for c in (InputError, FileError, OutOfMemoryError, StoreError,
                                NotFoundError, UsageError, InternalError, DeniedError, LimitError)}
for _c in (Error, *_BY_CODE.values()):
    _c.__module__ = "aimaq"  # tracebacks say aimaq.InputError, the name users catch


class AimaqWarning(UserWarning):
    """A warning the library reported (aq_ctx_set_warning_fn)."""


AimaqWarning.__module__ = "aimaq"


# ------------------------------------------------------------------ contexts
class Context:
    """One aq_ctx: error state, warnings (as Python warnings), progress and
    the thread count. Each Python thread gets its own (``context()``); a
    Store keeps the one it was opened with."""

    def __init__(self):
        self.ptr = lib.aq_ctx_new()
        if not self.ptr:
            raise OutOfMemoryError("aimaq: cannot create a context")
        self.progress = None
        self._pending = None
        self._warn_cb = _lib.WARNING_FN(self._on_warning)
        self._prog_cb = _lib.PROGRESS_FN(self._on_progress)
        lib.aq_ctx_set_warning_fn(self.ptr, self._warn_cb, None)
        lib.aq_ctx_set_progress_fn(self.ptr, self._prog_cb, None)

    def _on_warning(self, user, message):
        try:
            _warnings.warn(message.decode("utf-8", "replace"), AimaqWarning, stacklevel=3)
        except Exception as e:  # warnings made errors: raised when the call returns
            if self._pending is None:
                self._pending = e

    def _on_progress(self, user, what, done, total):
        fn = self.progress or _global_progress
        if fn is not None:
            try:
                fn(what.decode("utf-8", "replace") if what else "", done, total)
            except Exception:  # a failing callback must not unwind through C
                pass

    def check(self, rc):
        pending, self._pending = self._pending, None
        if rc != 0:
            msg = (lib.aq_errmsg(self.ptr) or b"").decode("utf-8", "replace")
            lib.aq_clear_error(self.ptr)
            raise _BY_CODE.get(rc, Error)(msg or f"aimaq error {rc}", rc)
        if pending is not None:
            raise pending

    def __del__(self):
        if getattr(self, "ptr", None):
            lib.aq_ctx_free(self.ptr)
            self.ptr = None


_local = threading.local()
_global_progress = None


def context():
    """The calling thread's context."""
    ctx = getattr(_local, "ctx", None)
    if ctx is None:
        ctx = _local.ctx = Context()
    return ctx


def set_threads(n):
    """Threads the parallel kernels may use in this Python thread (0 = all)."""
    lib.aq_ctx_set_threads(context().ptr, int(n))


def set_progress(fn):
    """Installs FN(what, done, total) as the progress callback of every
    context (None removes it). ``tqdm`` can drive it: see ``progress``."""
    global _global_progress
    _global_progress = fn


@contextmanager
def progress(fn=None, tqdm=None):
    """Within the block, long computations report progress to FN(what, done,
    total), or to a tqdm bar (``progress(tqdm=tqdm.tqdm)``)."""
    global _global_progress
    old = _global_progress
    bar = None
    if fn is None and tqdm is not None:
        def fn(what, done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total or None, desc=what)
            bar.total = total or bar.total
            bar.n = done
            bar.refresh()
    _global_progress = fn
    try:
        yield
    finally:
        _global_progress = old
        if bar is not None:
            bar.close()


# ------------------------------------------------------------------ helpers
def enc(s):
    return None if s is None else str(s).encode("utf-8")


def dec(b):
    return None if b is None else b.decode("utf-8", "replace")


class StrArray:
    """A NULL-terminated char*[] kept alive with its strings."""

    def __init__(self, items, terminate=True):
        self.items = [enc(s) for s in items]
        n = len(self.items) + (1 if terminate else 0)
        self.arr = (ctypes.c_char_p * n)(*self.items)

    @property
    def ptr(self):
        return ctypes.cast(self.arr, _lib.c_char_pp)


def strarray(items):
    return None if items is None else StrArray(list(items))


def as_doubles(x, n=None, name="values"):
    """A float64 C-contiguous view of X (no copy when it already is one)."""
    if isinstance(x, (pd.Series, pd.Index)):
        x = x.to_numpy(dtype=np.float64, na_value=np.nan)
    a = np.ascontiguousarray(x, dtype=np.float64)
    if n is not None and a.size != n:
        raise UsageError(f"{name}: expected {n} values, got {a.size}")
    return a


def dptr(a):
    return None if a is None else a.ctypes.data_as(_lib.c_double_p)


class _Owned:
    """Lends numpy a C array that belongs to OWNER (kept alive by the view)."""

    def __init__(self, addr, shape, typestr, owner):
        self.__array_interface__ = {"data": (addr, True), "shape": tuple(shape),
                                    "typestr": typestr, "version": 3}
        self._owner = owner


def view(ptr, shape, owner, dtype=np.float64):
    """A numpy view of the C array PTR (shape SHAPE) without a copy; the
    view keeps OWNER (which frees the C result) alive."""
    shape = tuple(int(s) for s in (shape if isinstance(shape, tuple) else (shape,)))
    if not ptr or 0 in shape:
        return np.empty(shape, dtype=dtype)
    addr = ctypes.cast(ptr, ctypes.c_void_p).value
    return np.asarray(_Owned(addr, shape, np.dtype(dtype).str, owner))


class Owner:
    """Frees a C result with FREE when the last view of it goes."""

    def __init__(self, ptr, free):
        self.ptr, self._free = ptr, free

    def __del__(self):
        if self.ptr:
            self._free(self.ptr)
            self.ptr = None


def html_table(title, rows):
    """A small HTML table of (name, value) rows for notebooks."""
    import html as _h
    body = "".join(f"<tr><th style='text-align:left'>{_h.escape(str(k))}</th>"
                   f"<td>{_h.escape(_fmt(v))}</td></tr>" for k, v in rows)
    return f"<table><caption>{_h.escape(title)}</caption>{body}</table>"


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


# ------------------------------------------------------------------ tables
class Table:
    """An owned aq_table (freed with the object)."""

    def __init__(self, ptr):
        self.ptr = ptr

    def __del__(self):
        if getattr(self, "ptr", None):
            lib.aq_table_free(self.ptr)
            self.ptr = None


def read_opts(layer=None, encoding=None, delimiter=None, decimal=None, text_columns=None,
              columns=None, optional_columns=None):
    o = _lib.ReadOpts()
    lib.aq_read_opts_init(ctypes.byref(o))
    keep = []
    o.layer, o.encoding = enc(layer), enc(encoding)
    if delimiter:
        o.delimiter = delimiter.encode()
    if decimal:
        o.decimal = decimal.encode()
    for field, items in (("text_columns", text_columns), ("columns", columns),
                         ("optional_columns", optional_columns)):
        if items is not None:
            a = StrArray(items)
            keep.append(a)
            setattr(o, field, a.ptr)
    return o, keep


def to_frame(tp, geometry=True):
    """The aq_table TP as a pandas DataFrame (a GeoDataFrame when it has
    geometries and GeoPandas is installed; else a 'geometry' column of WKB
    bytes). Text columns become object columns (None = missing), number
    columns float64 (NaN = missing). TP is not freed."""
    n, nc = lib.aq_table_nrows(tp), lib.aq_table_ncols(tp)
    data = {}
    for c in range(nc):
        name = dec(lib.aq_table_colname(tp, c))
        if lib.aq_table_coltype(tp, c) == _lib.AQ_COL_NUMBER:
            p = lib.aq_table_numbers(tp, c)
            data[name] = np.ctypeslib.as_array(p, shape=(n,)).copy() if n else np.empty(0)
        else:
            data[name] = pd.Series([dec(lib.aq_table_text(tp, c, r)) for r in range(n)],
                                   dtype=object)
    df = pd.DataFrame(data, index=pd.RangeIndex(n))
    if not geometry:
        return df
    wkb, ln, any_geom = [], ctypes.c_size_t(), False
    for r in range(n):
        p = lib.aq_table_geometry(tp, r, ctypes.byref(ln))
        if p and ln.value:
            wkb.append(ctypes.string_at(p, ln.value))
            any_geom = True
        else:
            wkb.append(None)
    if not any_geom:
        return df
    crs = dec(lib.aq_table_crs(tp))
    if _gpd is not None:
        # GeoSeries.from_wkb works with Shapely 1.8 (Debian 12) and 2.
        geom = _gpd.GeoSeries.from_wkb(wkb, index=df.index, crs=crs or None)
        return _gpd.GeoDataFrame(df, geometry=geom, crs=crs or None)
    df = df.copy()
    df["geometry"] = pd.Series(wkb, dtype=object)
    df.attrs["crs"] = crs
    return df


def geometries_wkb(df):
    """WKB bytes (or None) of each row of DF: a GeoDataFrame's geometry, or
    a 'geometry' column of WKB bytes; None when DF has neither."""
    if _gpd is not None and isinstance(df, _gpd.GeoDataFrame):
        geo = df.geometry
        wkb = geo.to_wkb()
        return ([None if g is None or g.is_empty else bytes(b) for g, b in zip(geo, wkb)],
                df.crs.to_string() if df.crs is not None else None)
    if isinstance(df, pd.DataFrame) and "geometry" in df.columns:
        col = df["geometry"]
        if len(col) and all(v is None or isinstance(v, (bytes, bytearray, memoryview))
                            for v in col):
            return [None if v is None else bytes(v) for v in col], df.attrs.get("crs")
    return None, None


def _is_code_column(name):
    n = name.lower()
    return n in ("code", "id", "kato") or n.endswith("_code")


def _code_text(v):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def from_frame(df, ctx=None):
    """A DataFrame (or GeoDataFrame, or a dict of columns) as an owned Table.
    Numeric and boolean columns become number columns (copied once, straight
    into the table's buffer), everything else text (str(), None/NaN
    missing); number columns named code, id, kato or *_code become text, as
    the readers make them. The geometry becomes the rows' geometries."""
    ctx = ctx or context()
    if isinstance(df, Table):
        return df
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    wkb, crs = geometries_wkb(df)
    n = len(df)
    out = ctypes.c_void_p()
    ctx.check(lib.aq_table_new(ctx.ptr, n, ctypes.byref(out)))
    t = Table(out.value)
    col = ctypes.c_size_t()
    geom_col = None
    if wkb is not None:
        geom_col = (df.geometry.name if _gpd is not None and isinstance(df, _gpd.GeoDataFrame)
                    else "geometry")
    for name in df.columns:
        if name == geom_col:
            continue
        s = df[name]
        numeric = pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)
        if numeric and _is_code_column(str(name)):
            # Codes are text to the library (aq_read_opts' default
            # text_columns): 190000000 read by pandas as a number must
            # still match the store's '190000000'.
            s = s.map(_code_text)
            numeric = False
        ctx.check(lib.aq_table_add_column(ctx.ptr, t.ptr, enc(name),
                                          _lib.AQ_COL_NUMBER if numeric else _lib.AQ_COL_TEXT,
                                          ctypes.byref(col)))
        if numeric:
            a = np.ascontiguousarray(s.to_numpy(dtype=np.float64, na_value=np.nan))
            if n:
                # The new column's values live in one array of n doubles
                # (aq_table_numbers); filling it at once avoids n calls.
                ctypes.memmove(lib.aq_table_numbers(t.ptr, col.value), a.ctypes.data, 8 * n)
        else:
            for r, v in enumerate(s.tolist()):
                if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                    continue
                ctx.check(lib.aq_table_set_text(ctx.ptr, t.ptr, col.value, r, enc(v)))
    if wkb is not None:
        for r, g in enumerate(wkb):
            if g is not None:
                buf = (ctypes.c_ubyte * len(g)).from_buffer_copy(g)
                ctx.check(lib.aq_table_set_geometry(ctx.ptr, t.ptr, r, buf, len(g), enc(crs)))
    return t


def take_table(ptr, geometry=True):
    """Converts an aq_table the caller owns to a DataFrame and frees it."""
    try:
        return to_frame(ptr, geometry)
    finally:
        lib.aq_table_free(ptr)


def call_table(fn, *args, ctx=None, geometry=True):
    """Calls FN(ctx, *args, &out) and returns the table *out as a DataFrame."""
    ctx = ctx or context()
    out = ctypes.c_void_p()
    rc = fn(ctx.ptr, *args, ctypes.byref(out))
    try:
        ctx.check(rc)
    except BaseException:
        if rc == 0 and out.value:  # a warning made an error: the table is not wanted
            lib.aq_table_free(out.value)
        raise
    return take_table(out.value, geometry)
