"""Weights, Moran/Geary/Getis, LISA and local G, spatial Markov: the
published esda/libpysal/giddy values of docs/spatial.md (t_weights.c,
t_moran.c, t_lisa.c, t_spmarkov.c)."""
import numpy as np
import pandas as pd
import pytest

import aimaq
from conftest import DATA

COLUMBUS = DATA / "pysal" / "columbus"
STL = DATA / "pysal" / "stl"


@pytest.fixture(scope="module")
def columbus():
    return aimaq.read(COLUMBUS / "columbus.shp")


@pytest.fixture(scope="module")
def stl():
    return aimaq.read(STL / "stl_hom.csv")


def test_columbus_queen_and_moran(columbus):
    w = aimaq.Weights.queen(columbus)
    w.style = "B"
    assert w.summary()["s0"] == 236  # PySAL Queen.from_shapefile: 236 links
    w.style = "W"
    m = aimaq.moran(columbus["CRIME"], w, permutations=99)
    # esda Moran(CRIME, queen): docs/spatial.md
    assert m.I == pytest.approx(0.5001885571828611, abs=1e-12)
    assert m.VI_norm == pytest.approx(0.00856341311940498, abs=1e-12)
    assert m.z_norm == pytest.approx(5.630312787738188, abs=1e-10)
    assert m.VI_rand == pytest.approx(0.008689289201332044, abs=1e-12)
    assert m.z_rand == pytest.approx(5.58938267504451, abs=1e-10)
    assert m.p_sim == pytest.approx(0.01, abs=1e-12)
    # The GAL PySAL ships is the same contiguity.
    gal = aimaq.Weights.read(COLUMBUS / "columbus.gal")
    assert gal.summary()["links"] == w.summary()["links"]
    assert "Moran" in m._repr_html_()


def test_stl_moran_geary(stl):
    w = aimaq.Weights.read(STL / "stl.gal")
    y = stl["HR8893"]
    m = aimaq.moran(y, w)
    assert m.I == pytest.approx(0.24365582621771659, abs=1e-13)
    assert m.EI == pytest.approx(-1 / 77, abs=1e-15)
    assert m.p_norm == pytest.approx(2 * 0.00013573931385468807, abs=1e-12)
    assert aimaq.moran_bv(y, y, w).I == pytest.approx(m.I, abs=1e-13)
    g = aimaq.geary(y, w, permutations=0)
    assert g.EC == 1 and np.isnan(g.p_sim)


def test_lisa_stl(stl):
    w = aimaq.Weights.read(STL / "stl.gal")
    y = stl["HR8893"].to_numpy()
    a = aimaq.lisa(y, w)
    # esda scaling: with row-standardised weights sum Ii = (n-1) I
    assert a.stat.sum() == pytest.approx(77 * 0.24365582621771659, abs=1e-11)
    z0 = (y[0] - y.mean()) / y.std()
    assert a.expect[0] == pytest.approx(-z0 * z0 / 77, abs=1e-14)
    assert a.lag == pytest.approx(w.lag(y), abs=1e-12)
    df = a.to_frame()
    assert set(df["cluster"]) <= {"High-High", "Low-High", "Low-Low", "High-Low", "ns"}
    assert ((df["cluster"] == "High-High") == (df["significant"] & (df["quadrant"] == 1))).all()
    b = aimaq.lisa(y, w, adjust="bonferroni")
    assert b.threshold == pytest.approx(0.05 / 78, abs=1e-15)
    # the same seed gives the same pseudo p values
    assert np.array_equal(aimaq.lisa(y, w).p_sim, a.p_sim)
    lg = aimaq.local_geary(y, w)
    assert lg.stat.sum() == pytest.approx(2 * 78 * 78 * aimaq.geary(y, w, 0).C / 77, abs=1e-10)


def test_local_g_esda_docstring():
    # esda G_Local docstring: DistanceBand(threshold=15), binary
    x, y = [10, 20, 40, 15, 30, 30], [10, 10, 10, 20, 20, 30]
    v = [2, 3, 3.2, 5, 8, 7]
    w = aimaq.Weights.distance_band(15, x, y)
    w.style = "B"
    g = aimaq.local_g(v, w, permutations=99)
    gs = aimaq.local_g(v, w, star=True, permutations=99)
    assert g.z == pytest.approx([-1.0136729, -0.04361589, 1.31558703, -0.31412676,
                                 1.15373986, 1.77833941], abs=1e-7)
    assert gs.z == pytest.approx([-1.39727626, -0.28917762, 0.65064964, -0.28917762,
                                  1.23452088, 2.02424331], abs=1e-7)
    assert g.quadrant[5] == 1 and g.quadrant[0] == 3
    G = aimaq.getis_g(v, w, permutations=0)
    assert G.G == pytest.approx(0.557, abs=5e-4)
    assert G.p_norm / 2 == pytest.approx(0.173, abs=5e-4)
    assert G.EG == pytest.approx(14 / 30, abs=1e-15)


def test_knn_kernel_block():
    x, y = np.arange(10.0), np.zeros(10)
    w = aimaq.Weights.knn(2, x, y)
    nb, wt = w.neighbors(0)
    assert nb.tolist() == [1, 2] and wt == pytest.approx([0.5, 0.5])
    with pytest.raises(aimaq.UsageError):
        aimaq.Weights.knn(10, x, y)
    b = aimaq.Weights.block(["a", "a", "b", "b", "c"])
    assert b.summary()["islands"] == 1
    k = aimaq.Weights.kernel(x, y, bandwidth=3.0, function="gaussian")
    assert k.style == "O"


def test_scipy_round_trip(columbus):
    sp = pytest.importorskip("scipy.sparse")
    w = aimaq.Weights.queen(columbus, ids=columbus["POLYID"].astype(int).astype(str))
    m = w.to_scipy()
    assert sp.issparse(m) and m.shape == (49, 49)
    assert m.sum(axis=1) == pytest.approx(np.ones((49, 1)))
    back = aimaq.Weights.from_scipy(m, ids=w.ids)
    assert back.ids == w.ids
    assert abs(back.to_scipy() - m).max() < 1e-15
    assert (back.to_scipy() != 0).sum() == 236
    i1 = aimaq.moran(columbus["CRIME"], back, permutations=0).I
    assert i1 == pytest.approx(0.5001885571828611, abs=1e-12)


def test_geodataframe_round_trip_lisa(columbus):
    """A GeoDataFrame through weights and LISA (esda-compatible numbers)."""
    gpd = pytest.importorskip("geopandas")
    assert isinstance(columbus, gpd.GeoDataFrame)
    w = aimaq.Weights.queen(columbus)
    a = aimaq.lisa("CRIME", w, data=columbus)
    assert a.stat.sum() == pytest.approx(48 * 0.5001885571828611, abs=1e-10)
    out = columbus.join(a.to_frame())
    assert isinstance(out, gpd.GeoDataFrame)
    back = aimaq.Weights.queen(out)
    assert back.summary()["links"] == w.summary()["links"]


def test_wkb_geometry_lisa(monkeypatch):
    """Without GeoPandas the geometry is a column of WKB bytes (and the CRS
    in attrs), which weights accept as they are."""
    import aimaq._core
    monkeypatch.setattr(aimaq._core, "_gpd", None)
    df = aimaq.read(COLUMBUS / "columbus.shp")
    assert type(df) is pd.DataFrame and isinstance(df["geometry"].iloc[0], bytes)
    w = aimaq.Weights.queen(df)
    a = aimaq.lisa("CRIME", w, data=df)
    # sum Ii = (n-1) I with row-standardised weights
    assert a.stat.sum() == pytest.approx(48 * 0.5001885571828611, abs=1e-10)
    x, y = aimaq.centroids(df)
    assert x.shape == (49,)
    # and back through the library's writer with the geometries
    k = aimaq.Weights.knn(4, data=df)
    assert k.n == 49


def test_errors_carry_message(stl):
    w = aimaq.Weights.read(STL / "stl.gal")
    y = stl["HR8893"].to_numpy().copy()
    y[3] = np.nan
    with pytest.raises(aimaq.InputError) as e:
        aimaq.moran(y, w)
    assert e.value.message
    with pytest.raises(aimaq.UsageError):
        aimaq.moran(y[:5], w)
    with pytest.raises(aimaq.FileError):
        aimaq.Weights.read(STL / "none.gal")


def test_spatial_markov_usjoin():
    t = aimaq.read(DATA / "pysal" / "us_income" / "usjoin.csv")
    w = aimaq.Weights.read(DATA / "pysal" / "us_income" / "states48.gal")
    y = t[[str(v) for v in range(1929, 2010)]]
    y = y / y.mean(axis=0)
    w.style = "W"
    r = aimaq.spatial_markov(y, w, k=5, m=5, fixed=True)
    # giddy Spatial_Markov(usjoin relative incomes, states48, fixed)
    assert r.S[0] == pytest.approx([0.43509425, 0.2635327, 0.20363044, 0.06841983, 0.02932278],
                                   abs=1e-7)
    assert r.F[0, 0] == pytest.approx([2.29835259, 28.95614035, 46.14285714, 80.80952381,
                                       279.42857143], abs=1e-7)
    assert r.T.sum() == 48 * 80
    r2 = aimaq.spatial_markov(y, w, k=5, m=5, fixed=False)
    assert r2.T_pooled.tolist()[0] == [729, 71, 1, 0, 0]
    lm = aimaq.lisa_markov(y, w)
    assert lm.k == 4 and lm.T.sum() == 48 * 80


def test_scipy_matrix_as_weights(stl):
    pytest.importorskip("scipy.sparse")
    w = aimaq.Weights.read(STL / "stl.gal")
    m = aimaq.moran("HR8893", w.to_scipy(), data=stl, permutations=0)
    assert m.I == pytest.approx(0.24365582621771659, abs=1e-13)
    with pytest.raises(aimaq.UsageError):
        aimaq.moran("HR8893", [[0, 1], [1, 0]], data=stl)


def test_geodataframe_written_and_read(columbus, tmp_path):
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.GeoDataFrame(columbus[["POLYID", "CRIME"]], geometry=columbus.geometry,
                           crs="EPSG:4326")
    aimaq.write(gdf, tmp_path / "c.geojson")
    back = aimaq.read(tmp_path / "c.geojson")
    assert isinstance(back, gpd.GeoDataFrame) and len(back) == 49
    assert back.crs.to_string() == "EPSG:4326"
    assert aimaq.Weights.queen(back).summary()["links"] == 236


def test_gil_released_during_permutations(stl):
    """Another Python thread runs while the library computes (ctypes drops
    the GIL for the call): the main thread keeps counting meanwhile."""
    import threading
    w = aimaq.Weights.read(STL / "stl.gal")
    y = stl["HR8893"].to_numpy()
    res = {}
    th = threading.Thread(target=lambda: res.update(m=aimaq.moran(y, w, permutations=100000)))
    count = 0
    th.start()
    while th.is_alive():
        count += 1
    th.join()
    assert res["m"].I == pytest.approx(0.24365582621771659, abs=1e-13)
    assert count > 1000
