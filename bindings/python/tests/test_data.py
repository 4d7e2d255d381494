"""Files and the store into DataFrames; errors carry the library's message."""
import numpy as np
import pandas as pd
import pytest

import aimaq


def test_read_csv(data):
    df = aimaq.read(data / "pysal" / "mexico" / "mexico.csv")
    assert len(df) == 32
    assert df["State"].iloc[0] == "Aguascalientes"
    assert df["pcgdp1940"].dtype == np.float64
    assert df["pcgdp1940"].iloc[1] == 22361


def test_read_columns(data):
    df = aimaq.read(data / "pysal" / "mexico" / "mexico.csv", columns=["pcgdp2000", "State"])
    assert list(df.columns) == ["pcgdp2000", "State"]


def test_read_shapefile_geometry(data):
    df = aimaq.read(data / "pysal" / "columbus" / "columbus.shp")
    assert len(df) == 49
    assert "CRIME" in df.columns
    geom = df.geometry if hasattr(df, "geometry") and not isinstance(df["geometry"].iloc[0],
                                                                    bytes) else df["geometry"]
    assert geom.notna().all()


def test_missing_file_is_file_error(tmp_path):
    with pytest.raises(aimaq.FileError) as e:
        aimaq.read(tmp_path / "nope.csv")
    assert "nope.csv" in str(e.value)
    assert e.value.code == 2


def test_missing_column_names_it(data):
    with pytest.raises(aimaq.NotFoundError) as e:
        aimaq.read(data / "pysal" / "mexico" / "mexico.csv", columns=["no_such"])
    assert "no_such" in e.value.message


def test_write_round_trip(tmp_path):
    df = pd.DataFrame({"code": ["a", "b", None], "x": [1.5, np.nan, 3.0]})
    aimaq.write(df, tmp_path / "t.csv")
    back = aimaq.read(tmp_path / "t.csv")
    assert back["code"].tolist() == ["a", "b", None]
    assert back["x"].iloc[0] == 1.5 and np.isnan(back["x"].iloc[1])


def test_store_select(small_store):
    # lib.inc's small_store: population 2023 of the settlements, as
    # tests/cli/install.sh's store_select example prints them.
    with aimaq.Store(small_store, readonly=True) as s:
        df = s.select(["population"], level="settlement", period="2023")
        got = dict(zip(df["code"], df["population"]))
        assert got == {"A": 100, "B": 200, "C": 300, "E": 50}
        assert {"code", "name_ru", "parent", "level", "period"} <= set(df.columns)
        assert len(s.datasets()) == 3
        assert "population" in s.indicators()["code"].tolist()
        units = s.units()
        assert "A" in units["code"].tolist()


def test_store_errors(tmp_path, small_store):
    with pytest.raises(aimaq.FileError) as e:
        aimaq.Store(tmp_path / "absent.db", readonly=True)
    assert "absent.db" in e.value.message
    with aimaq.Store(small_store) as s:
        with pytest.raises(aimaq.NotFoundError) as e:
            s.select(["no_such_indicator"])
        assert "no_such_indicator" in e.value.message


def test_store_import_rejects_bad_file(tmp_path, store_uri):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,period,population\nA,2023,12x\n")
    with aimaq.Store(store_uri, create=True) as s:
        with pytest.raises(aimaq.Error) as e:
            s.import_file(bad)
        assert "bad.csv" in e.value.message
        assert len(s.datasets()) == 0


def test_names():
    assert aimaq.name_key("  Алматы ") == aimaq.name_key("алматы")
    assert aimaq.translit_latin("Қазақстан") == "Qazaqstan"


def test_numeric_codes_become_text():
    # pandas reads codes as numbers; the library keeps codes as text.
    df = pd.DataFrame({"code": [1.0, 2.0, np.nan], "x": [1, 2, 3]})
    import aimaq._core as core
    t = core.from_frame(df)
    assert core.to_frame(t.ptr)["code"].tolist() == ["1", "2", None]


def test_store_rebase_across_reforms(tmp_path, store_uri):
    # t_store.c's toy country: R split in 2018 into R (70 %) and S (30 %),
    # then S in 2022 into S and T (50 % each).
    units = tmp_path / "units.csv"
    units.write_text("code,parent,level,name_en,valid_from\nC,,country,Country,\nR,C,region,R,\n"
                     "S,C,region,S,2018-01-01\nT,C,region,T,2022-01-01\n")
    obs = tmp_path / "obs.csv"
    obs.write_text("code,year,people,rate\nR,2017,1000,8\nC,2017,1000,8\n")
    with aimaq.Store(store_uri, create=True) as s:
        assert s.import_file(units)["units_added"] == 4
        for a, b, d, sh in (("R", "R", "2018-01-01", 0.7), ("R", "S", "2018-01-01", 0.3),
                            ("S", "S", "2022-01-01", 0.5), ("S", "T", "2022-01-01", 0.5)):
            s.link_units(a, b, d, sh)
        assert s.import_file(obs)["observations"] == 4
        t = s.rebase("people", "2017", "2023")
        assert t["code"].tolist() == ["C", "R", "S", "T"]
        assert t["value"].tolist() == pytest.approx([1000, 700, 150, 150], abs=1e-12)
        assert s.rebase("rate", "2017", "2023", additive=False)["value"].tolist() == [8] * 4
        with pytest.raises(aimaq.InputError) as e:
            s.link_units("R", "S", "2018-01-01", 1.5)
        assert "share 1.5 of the link R -> S is not between 0 and 1" in e.value.message


def test_library_warnings(data):
    mexico = data / "pysal" / "mexico" / "mexico.csv"
    with pytest.warns(aimaq.AimaqWarning, match="decimal mark is ambiguous"):
        aimaq.read(mexico)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error", aimaq.AimaqWarning)
        with pytest.raises(aimaq.AimaqWarning, match="hanson03"):
            aimaq.read(mexico)
    assert len(aimaq.read(mexico)) == 32  # nothing left pending on the context


def test_import_frame_and_points(store_uri):
    units = pd.DataFrame({"code": ["R1", "S1", "S2"], "parent": [None, "R1", "R1"],
                          "level": ["region", "settlement", "settlement"],
                          "name_ru": ["Регион", "Акколь", "Жанакала"]})
    obs = pd.DataFrame({"code": ["S1", "S2"], "period": ["2023", "2023"],
                        "population": [1000.0, 500.0]})
    with aimaq.Store(store_uri, create=True) as s:
        assert s.import_frame(units, "units from pandas")["units_added"] == 3
        r = s.import_frame(obs, "population from pandas")
        assert r["observations"] == 2
        assert "population from pandas" in s.datasets()["name"].tolist()
        got = s.select("population", level="settlement")
        assert dict(zip(got["code"], got["population"])) == {"S1": 1000, "S2": 500}
        bad = pd.DataFrame({"code": ["S9"], "period": ["2023"], "population": ["12x"]})
        with pytest.raises(aimaq.Error):
            s.import_frame(bad, "bad")
        assert len(s.datasets()) == 2
    pts = aimaq.with_points(pd.DataFrame({"code": ["a", "b"], "lon": [71.4, 500.0],
                                          "lat": [51.1, 0.0]}))
    geom = pts["geometry"]
    assert geom.iloc[0] is not None and (geom.iloc[1] is None or pd.isna(geom.iloc[1]))


def test_name_keys():
    assert aimaq.name_loose_key("с. Акколь") == aimaq.name_loose_key("Акколь")
    assert aimaq.name_roman_key("Akkol") == aimaq.name_roman_key("Акколь")
