"""Results show themselves in a notebook (_repr_html_ tables), and the
store's checks and matching come back as DataFrames."""
import numpy as np
import pandas as pd

import aimaq
from conftest import DATA


def test_repr_html_of_every_result():
    stl = aimaq.read(DATA / "pysal" / "stl" / "stl_hom.csv")
    w = aimaq.Weights.read(DATA / "pysal" / "stl" / "stl.gal")
    y = stl["HR8893"]
    panel = pd.DataFrame(np.random.default_rng(2).lognormal(size=(78, 4)) + 1,
                         columns=[2000, 2001, 2002, 2003])
    results = [aimaq.disparity(y + 1, groups=(y > y.median())), w, aimaq.moran(y, w),
               aimaq.geary(y, w), aimaq.getis_g(y, w.transform("B")), aimaq.lisa(y, w),
               aimaq.convergence(panel), aimaq.markov(panel, k=3),
               aimaq.spatial_markov(panel, w.transform("W"), k=3, m=3),
               aimaq.classify(y, "quantile", 4)]
    for r in results:
        html = r._repr_html_()
        assert html.startswith("<") and "<table" in html, type(r).__name__
        assert repr(r).startswith("<aimaq.")


def test_store_check_and_match(small_store):
    with aimaq.Store(small_store) as s:
        f = s.check()
        assert list(f.columns) == ["severity", "check", "unit", "indicator", "period", "value",
                                   "line", "message"]
        rows = pd.DataFrame({"name": ["A", "Nowhere"], "parent": ["D1", "D1"]})
        m = s.match(rows, level="settlement")
        assert m["status"].tolist()[1] == "unmatched"
        assert {"code", "method", "status", "candidates"} <= set(m.columns)


def test_check_table_findings():
    df = pd.DataFrame({"code": ["A", "A"], "population": [1.0, 2.0]})
    f = aimaq.check_table(df)
    assert "duplicate-code" in f["check"].tolist()
