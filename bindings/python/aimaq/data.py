"""Files and the store as DataFrames."""
import ctypes
import os

from . import _lib
from ._core import (Context, StrArray, UsageError, call_table, context, dec, enc, from_frame,
                    read_opts, take_table, to_frame)
from ._lib import lib

_FORMATS = {"auto": 0, "csv": 1, "json": 2, "geojson": 3, "gpkg": 4, "xlsx": 5, "text": 6,
            "table": 6}


def read(path, layer=None, encoding=None, delimiter=None, decimal=None, text_columns=None,
         columns=None, optional_columns=None, geometry=True):
    """Reads a table file (CSV/TSV by aimaq's parser; XLSX, ODS, GeoJSON,
    Shapefile, GeoPackage and other GDAL formats) as aq_table_read does,
    returned as a DataFrame (a GeoDataFrame when the file has geometries and
    GeoPandas is installed). Missing numbers are NaN."""
    o, keep = read_opts(layer, encoding, delimiter, decimal, text_columns, columns,
                        optional_columns)
    return call_table(lib.aq_table_read, enc(os.fspath(path)), ctypes.byref(o),
                      geometry=geometry)


def write(df, path, format="auto", layer=None):
    """Writes DF through the library's writers (CSV, JSON, GeoJSON, GPKG,
    XLSX, text), chosen by FORMAT or the extension."""
    if format not in _FORMATS:
        raise UsageError(f"unknown format '{format}'; expected one of {', '.join(_FORMATS)}")
    ctx = context()
    t = from_frame(df, ctx)
    ctx.check(lib.aq_table_write(ctx.ptr, t.ptr, enc(os.fspath(path)), _FORMATS[format],
                                 enc(layer)))


def check_table(df):
    """Data checks of a table (aq_check_table) as a DataFrame of findings."""
    ctx = context()
    t = from_frame(df, ctx)
    out = ctypes.c_void_p()
    ctx.check(lib.aq_check_table(ctx.ptr, t.ptr, ctypes.byref(out)))
    return _findings(out.value)


def _findings(fp):
    import pandas as pd
    rows = []
    try:
        for i in range(lib.aq_findings_count(fp)):
            f = lib.aq_findings_get(fp, i).contents
            rows.append({"severity": "error" if f.severity == 2 else "warning",
                         "check": dec(f.check), "unit": dec(f.unit),
                         "indicator": dec(f.indicator), "period": dec(f.period),
                         "value": f.value, "line": f.line, "message": dec(f.message)})
    finally:
        lib.aq_findings_free(fp)
    return pd.DataFrame(rows, columns=["severity", "check", "unit", "indicator", "period",
                                       "value", "line", "message"])


def name_key(name):
    """The matching key of a Kazakh/Russian/English name (aq_name_key)."""
    ctx = context()
    out = ctypes.c_void_p()
    ctx.check(lib.aq_name_key(ctx.ptr, enc(name), ctypes.byref(out), None))
    try:
        return ctypes.string_at(out.value).decode()
    finally:
        lib.aq_free(out.value)


def _string_call(fn, *args):
    ctx = context()
    out = ctypes.c_void_p()
    ctx.check(fn(ctx.ptr, *args, ctypes.byref(out)))
    try:
        return ctypes.string_at(out.value).decode()
    finally:
        lib.aq_free(out.value)


def name_loose_key(name):
    """The loose matching key: keyboard fallbacks and administrative words
    ("с.", "ауданы") ignored (aq_name_loose_key)."""
    return _string_call(lib.aq_name_loose_key, enc(name))


def name_roman_key(name, stem=False):
    """The romanisation key: every common romanisation of Russian and
    Kazakh folded with Cyrillic to one skeleton; STEM cuts adjectival
    endings (aq_name_roman_key)."""
    return _string_call(lib.aq_name_roman_key, enc(name), int(bool(stem)))


def with_points(df, lon="lon", lat="lat"):
    """DF with a point geometry (EPSG:4326) for each row whose LON and LAT
    columns hold degrees (aq_table_points_from_lonlat): a GeoDataFrame when
    GeoPandas is installed."""
    ctx = context()
    t = from_frame(df, ctx)
    made = ctypes.c_size_t()
    ctx.check(lib.aq_table_points_from_lonlat(ctx.ptr, t.ptr, enc(lon), enc(lat),
                                              ctypes.byref(made)))
    return to_frame(t.ptr)


def translit_latin(name):
    """Kazakh or Russian Cyrillic in the 2021 Kazakh Latin alphabet."""
    ctx = context()
    out = ctypes.c_void_p()
    ctx.check(lib.aq_translit_latin(ctx.ptr, enc(name), ctypes.byref(out)))
    try:
        return ctypes.string_at(out.value).decode()
    finally:
        lib.aq_free(out.value)


class HTML:
    """HTML text that shows itself in a notebook."""

    def __init__(self, text):
        self.text = text

    def _repr_html_(self):
        return self.text

    def __str__(self):
        return self.text

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text)


class Store:
    """An aimaq store: a SQLite file or a PostgreSQL URI (postgresql://...).

    ``Store(path, create=True)`` creates the file and schema when absent;
    ``readonly=True`` opens for reading only. Use as a context manager or
    call ``close()``."""

    def __init__(self, path, create=False, readonly=False):
        # The store reports on the context it was opened with, which must
        # outlive it: the store keeps its own.
        self._ctx = Context()
        flags = (_lib.AQ_STORE_CREATE if create else 0) | (
            _lib.AQ_STORE_READONLY if readonly else 0)
        out = ctypes.c_void_p()
        self._ctx.check(lib.aq_store_open(self._ctx.ptr, enc(os.fspath(path)), flags,
                                          ctypes.byref(out)))
        self.ptr = out.value
        self.path = os.fspath(path)

    def close(self):
        if getattr(self, "ptr", None):
            lib.aq_store_close(self.ptr)
            self.ptr = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _live(self):
        if not self.ptr:
            raise UsageError("the store is closed")
        return self.ptr

    def _table(self, fn, *args, geometry=True):
        out = ctypes.c_void_p()
        self._ctx.check(fn(self._live(), *args, ctypes.byref(out)))
        return take_table(out.value, geometry)

    @property
    def schema_version(self):
        return lib.aq_store_schema_version(self._live())

    def import_file(self, path, mapping=None, dataset=None, period=None, indicator=None,
                    user=None, classifier=None, skip_bad_rows=False, rejects_path=None,
                    **read):
        """Imports PATH as one dataset, all of it or nothing (aq_store_import).
        Returns a dict of what the import did."""
        o = _lib.ImportOpts()
        lib.aq_import_opts_init(ctypes.byref(o))
        ro, keep = read_opts(**read)
        o.read = ro
        o.mapping, o.dataset, o.period = enc(mapping), enc(dataset), enc(period)
        o.indicator, o.user, o.classifier = enc(indicator), enc(user), enc(classifier)
        o.skip_bad_rows, o.rejects_path = int(bool(skip_bad_rows)), enc(rejects_path)
        r = _lib.ImportResult()
        self._ctx.check(lib.aq_store_import(self._live(), enc(os.fspath(path)),
                                            ctypes.byref(o), ctypes.byref(r)))
        try:
            return {"dataset_id": r.dataset_id, "rows_read": r.rows_read,
                    "rows_accepted": r.rows_accepted, "rows_rejected": r.rows_rejected,
                    "units_added": r.units_added, "units_updated": r.units_updated,
                    "indicators_added": r.indicators_added, "observations": r.observations,
                    "shape": dec(r.shape), "checksum": dec(r.checksum),
                    "cells_rejected": r.cells_rejected, "missing": r.missing,
                    "columns": [{"name": dec(c.name), "role": dec(c.role),
                                 "left_out": dec(c.left_out), "values": c.values}
                                for c in (r.columns[i] for i in range(r.ncolumns))]}
        finally:
            lib.aq_import_result_clear(ctypes.byref(r))

    def import_frame(self, df, dataset, format=None, **opts):
        """Imports a DataFrame as the dataset DATASET: the library writes it
        to a temporary file (GeoJSON when it has geometries, else CSV) and
        imports that (import_file's options apply), so a frame goes through
        the same checks, mapping and all-or-nothing transaction as a file."""
        import tempfile
        from ._core import geometries_wkb
        wkb, _ = geometries_wkb(df)
        ext = format or ("geojson" if wkb is not None else "csv")
        with tempfile.TemporaryDirectory(prefix="aimaq-") as d:
            path = os.path.join(d, f"{dataset}.{ext}".replace(os.sep, "_"))
            write(df, path)
            return self.import_file(path, dataset=dataset, **opts)

    def select(self, indicators=None, level=None, period=None, under=None, max_dataset=0,
               geometry=False):
        """Observations as a DataFrame: code, name_kk, name_ru, name_en,
        parent, level, period and one column per indicator."""
        if isinstance(indicators, str):
            indicators = [indicators]
        ind = StrArray(indicators) if indicators is not None else None
        sel = _lib.Selection(ind.ptr if ind else None, enc(level), enc(period), enc(under),
                             int(max_dataset))
        return self._table(lib.aq_store_select, ctypes.byref(sel), geometry=geometry)

    def units(self, level=None):
        """The units (with geometries: a GeoDataFrame when GeoPandas is there)."""
        return self._table(lib.aq_store_units, enc(level))

    def datasets(self):
        return self._table(lib.aq_store_datasets)

    def indicators(self):
        return self._table(lib.aq_store_indicators)

    def missing(self):
        """Cells the imported files marked as having no value, with the reason."""
        return self._table(lib.aq_store_missing)

    def link_units(self, from_code, to_code, date, share):
        """Records that FROM_CODE passed SHARE (0..1) of its population to
        TO_CODE on DATE (a split or a merge)."""
        self._ctx.check(lib.aq_store_link_units(self._live(), enc(from_code), enc(to_code),
                                                enc(date), float(share)))

    def rebase(self, indicator, period, date, additive=True):
        """INDICATOR of PERIOD on the units valid at DATE: counts split by
        the recorded shares (additive), rates carried over (additive=False)."""
        return self._table(lib.aq_store_rebase, enc(indicator), enc(period), enc(date),
                           int(bool(additive)))

    def check(self):
        """Data checks of the whole store as a DataFrame of findings."""
        out = ctypes.c_void_p()
        self._ctx.check(lib.aq_check_store(self._live(), ctypes.byref(out)))
        return _findings(out.value)

    def match(self, df, level, within=None, parent_column=None, name_column=None,
              code_column=None):
        """Matches rows of DF to the store's units of LEVEL (aq_match)."""
        o = _lib.MatchOpts()
        lib.aq_match_opts_init(ctypes.byref(o))
        o.level, o.within, o.parent_column = enc(level), enc(within), enc(parent_column)
        o.name_column, o.code_column = enc(name_column), enc(code_column)
        t = from_frame(df, self._ctx)
        return self._table(lib.aq_match, t.ptr, ctypes.byref(o))

    # ---- report
    @staticmethod
    def _report_opts(lang, value, population, level, method_path, class_summary, class_map,
                     title, simplify, classes):
        o = _lib.ReportOpts()
        lib.aq_report_opts_init(ctypes.byref(o))
        for k, v in (("lang", lang), ("value", value), ("population", population),
                     ("level", level), ("method_path", method_path),
                     ("class_summary", class_summary), ("class_map", class_map),
                     ("title", title)):
            if v is not None:
                setattr(o, k, enc(os.fspath(v) if k in ("method_path", "class_summary",
                                                        "class_map") else v))
        if simplify is not None:
            o.simplify = simplify
        if classes is not None:
            o.classes = classes
        return o

    def report(self, path=None, lang=None, value=None, population=None, level=None,
               method_path=None, class_summary=None, class_map=None, title=None,
               simplify=None, classes=None):
        """The self-contained HTML report of one indicator (aq_report_html):
        written to PATH when given, and returned as an HTML object."""
        o = self._report_opts(lang, value, population, level, method_path, class_summary,
                              class_map, title, simplify, classes)
        out, ln = ctypes.c_void_p(), ctypes.c_size_t()
        self._ctx.check(lib.aq_report_html(self._live(), ctypes.byref(o), ctypes.byref(out),
                                           ctypes.byref(ln)))
        try:
            text = ctypes.string_at(out.value, ln.value).decode("utf-8")
        finally:
            lib.aq_free(out.value)
        if path is not None:
            self._ctx.check(lib.aq_report_write(self._live(), ctypes.byref(o),
                                                enc(os.fspath(path))))
        return HTML(text)

    def map(self, section="map", lang=None, value=None, population=None, level=None,
            class_map=None, title=None, simplify=None, classes=None):
        """One figure of the report as HTML with its style sheet, for a
        notebook: "map" (choropleth), "lisa" (LISA clusters), "class_map",
        "bars", "dots", "lorenz", "series", "population", ..."""
        o = self._report_opts(lang, value, population, level, None, None, class_map, title,
                              simplify, classes)
        out, ln = ctypes.c_void_p(), ctypes.c_size_t()
        self._ctx.check(lib.aq_report_section_html(self._live(), ctypes.byref(o), enc(section),
                                                   ctypes.byref(out), ctypes.byref(ln)))
        try:
            text = ctypes.string_at(out.value, ln.value).decode("utf-8")
        finally:
            lib.aq_free(out.value)
        css = dec(lib.aq_report_figure_css())
        return HTML(f"<div class='aimaq'><style>{css}</style>{text}</div>")


def open_store(path, create=False, readonly=False):
    """Store(path, create, readonly)."""
    return Store(path, create=create, readonly=readonly)
