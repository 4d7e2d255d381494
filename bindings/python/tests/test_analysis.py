"""Structure and shift-share, access and 2SFCA, potential with a
methodology file and its uncertainty, depressed towns, map classes,
scenarios and the report: the values the C and CLI tests assert
(t_structure.c, t_classify.c, t_index.c, tests/cli/access.sh, index.sh,
scenario.sh)."""
import numpy as np
import pandas as pd
import pytest

import aimaq
from conftest import DATA, REPO

NET = DATA / "network"
METHODS = DATA / "methods"


def reat(with_nation=False):
    # Territories A (the REAT shift-share region) and B (the rest of the
    # REAT nation), periods 2010 and 2011, sectors s1..s4 (t_structure.c).
    rows = [("A", "2010", 90, 20, 10, 60), ("B", "2010", 310, 130, 140, 340),
            ("A", "2011", 100, 40, 10, 55), ("B", "2011", 340, 170, 125, 425),
            ("KZ", "2010", 400, 150, 150, 400), ("KZ", "2011", 440, 210, 135, 480)]
    return pd.DataFrame(rows[:6 if with_nation else 4],
                        columns=["code", "period", "s1", "s2", "s3", "s4"])


def test_structure_shift_share():
    res = aimaq.structure(reat(), "shift")
    a = res.set_index("territory").loc["A"]
    assert a["growth"] == pytest.approx(25, abs=1e-12)
    assert a["national_share"] == pytest.approx(27, abs=1e-12)
    assert a["industrial_mix"] == pytest.approx(1, abs=1e-12)
    assert a["regional_shift"] == pytest.approx(-3, abs=1e-12)
    assert a["em_homothetic"] == pytest.approx(-0.636363636363636, abs=1e-12)
    assert a["em_allocation"] == pytest.approx(-2.363636363636363, abs=1e-12)
    sec = aimaq.structure(reat(), "shift-sectors")
    assert len(sec) == 8
    assert sec["regional_shift"].iloc[1] == pytest.approx(12, abs=1e-12)
    assert sec["regional_shift"].iloc[3] == pytest.approx(-17, abs=1e-12)
    # The nation's row is accepted when it adds up, refused when it does not.
    aimaq.structure(reat(True), "shift", nation="KZ")
    bad = reat(True)
    bad.loc[5, "s1"] += 50
    with pytest.raises(aimaq.InputError) as e:
        aimaq.structure(bad, "shift", nation="KZ")
    assert "KZ" in e.value.message
    with pytest.raises(aimaq.UsageError):
        aimaq.structure(reat(), "no-such-measure")


def test_structure_kernels():
    # REAT locq() example
    assert aimaq.location_quotients([1714, 79006 - 1714], [879213, 15593224 - 879213])[0] == \
        pytest.approx(0.384762342301328, abs=1e-14)
    s = aimaq.specialisation([1, 0, 0, 0, 0], [0, 1, 1, 1, 1])  # REAT krugman.spec()
    assert s["krugman"] == pytest.approx(2.0) and s["hoover"] == pytest.approx(1.0)
    d = aimaq.shift_share([90, 20, 10, 60], [100, 40, 10, 55], [400, 150, 150, 400],
                          [440, 210, 135, 480])
    assert d["growth"] == pytest.approx(25) and d["regional"] == pytest.approx(-3)
    assert d["sector_regional"][1] == pytest.approx(12)


def test_classify_calemp():
    df = aimaq.read(METHODS / "calemp_density.csv")
    # mapclassify test_Fisher_Jenks, test_Quantiles, test_Equal_Interval
    fj = aimaq.classify("emp_density", "fisher-jenks", 5, data=df)
    assert fj.bins == pytest.approx([75.29, 192.05, 370.5, 722.85, 4111.45], abs=1e-8)
    assert fj.counts.tolist() == [49, 3, 4, 1, 1]
    assert np.bincount(fj.yb).tolist() == [49, 3, 4, 1, 1]
    q = aimaq.classify(df["emp_density"], "quantile", 5)
    assert q.bins == pytest.approx([1.464, 5.798, 13.278, 54.616, 4111.45], abs=1e-8)
    assert q.counts.tolist() == [12, 11, 12, 11, 12]
    box = aimaq.classify(df["emp_density"], "box")
    assert box.counts.tolist() == [0, 15, 14, 14, 6, 9]
    with pytest.raises(aimaq.UsageError):
        aimaq.classify(df["emp_density"], "nope")
    with pytest.raises(aimaq.InputError):
        aimaq.classify([np.nan, np.nan], "quantile", 3)


def test_access_and_2sfca():
    g = aimaq.Graph.from_edges(aimaq.read(NET / "edges.csv"))
    centres = aimaq.read(NET / "centres.csv")
    settlements = aimaq.read(NET / "settlements.csv")
    per, summary, catch = aimaq.access(g, centres, settlements, centre_id="name",
                                       summary=True, catchments=True)
    s2 = per.set_index("settlement").loc["S2"]
    assert s2["minutes_hospital"] == 20 and s2["centre_hospital"] == "Central hospital"
    assert s2["minutes_school"] == 10
    assert per.set_index("settlement").loc["S3", "minutes_hospital"] == 7
    assert {"share_30", "mean_minutes", "gini_minutes"} <= set(summary.columns)
    # tests/cli/access.sh: 2SFCA within 25 minutes
    r = aimaq.two_step_fca(g, centres, settlements, cutoff=25).set_index("settlement")
    assert r.loc["S1", "ratio"] == pytest.approx(100 / 1500 + 300 / 1500, abs=1e-15)
    assert r.loc["S3", "ratio"] == pytest.approx(0.08, abs=1e-15)
    assert r.loc["S3", "per_1000"] == pytest.approx(80)
    pairs = pd.DataFrame({"origin": ["S1", "S1"], "destination": ["S2", "S3"]})
    t = aimaq.od(g, pairs, settlements)
    assert t["minutes"].iloc[0] == 10 and np.isnan(t["minutes"].iloc[1])
    off = pd.DataFrame({"node": [10, 99]})
    with pytest.raises(aimaq.InputError) as e:
        aimaq.access(g, off)
    assert "'99' (line 3)" in e.value.message


def test_graph_nearest_and_hansen():
    g = aimaq.Graph.from_edges(aimaq.read(NET / "edges.csv"))
    ids = g.node_ids()
    assert ids == ["10", "20", "30", "40", "50", "60"]
    minutes, of = g.nearest([10])
    # tests/cli/access.sh: node 30 is 20 minutes from the centre at 10,
    # node 40 30 minutes, node 50 in another part of the network
    got = dict(zip(ids, minutes))
    assert got["30"] == 20 and got["40"] == 30 and np.isinf(got["50"])
    assert of.tolist() == [0, 0, 0, 0, -1, -1]
    h = g.hansen([20], [10, 30], [100, 50], beta=0.1)
    assert h[0] == pytest.approx(150 * np.exp(-1.0), abs=1e-12)
    with pytest.raises(aimaq.NotFoundError):
        g.nearest([99])


def test_potential_minimal():
    df = aimaq.read(METHODS / "minimal.csv")
    p = aimaq.potential(METHODS / "minimal.yaml", df)
    u = p.units.set_index("id")
    # hand-computed in t_index.c
    assert u["score"].tolist() == pytest.approx([25 / 3, 50, 325 / 6, 125 / 3, 575 / 6],
                                                abs=1e-12)
    assert u.loc["E", "class"] == "high" and u.loc["E", "rank"] == 1
    assert u.loc["B", "class"] == "uninhabited"
    assert "pop == 0 (pop = 0)" in u.loc["B", "reason"]
    c = p.classes.set_index("class")
    assert c.loc["medium", "count"] == 2 and c.loc["medium", "population"] == 250
    assert c.loc["medium", "population_share"] == pytest.approx(0.581395348837209, abs=1e-12)
    assert "sha256" in p._repr_html_()
    ind, pil = aimaq.audit(METHODS / "minimal.yaml", df)
    assert ind.set_index("indicator").loc["i02", "kurtosis"] == pytest.approx(-1.3)
    m = aimaq.Method(METHODS / "minimal.yaml")
    assert m.kind == "potential" and len(m.hash) == 64


def test_potential_errors(tmp_path):
    df = aimaq.read(METHODS / "minimal.csv")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nid: code\nindicators:\n  - {code: i01, weight: -2}\n")
    with pytest.raises(aimaq.InputError) as e:
        aimaq.potential(bad, df)
    assert "bad.yaml:4: indicator 'i01': weight must be greater than 0, not -2" in str(e.value)
    miss = aimaq.Method.parse("name: x\nid: code\nindicators:\n  - {code: i99}\n", "miss.yaml")
    with pytest.raises(aimaq.NotFoundError) as e:
        aimaq.potential(miss, df)
    assert "i99" in e.value.message


def test_uncertainty(tmp_path):
    u = tmp_path / "u.yaml"
    u.write_text("""name: u
id: code
population: pop
indicators:
  - {code: i01, weight: 2, pillar: economy}
  - {code: i16, direction: -1, pillar: economy}
  - {code: i02, pillar: services}
pillars: [{code: economy}, {code: services}]
classes:
  - {name: uninhabited, when: "pop == 0"}
  - {name: high, min_score: 66.7, min_score_range: [50, 99]}
  - {name: low}
uncertainty: {weights: {range: 0.5}, leave_one_out: true}
""")
    df = aimaq.read(METHODS / "minimal.csv")
    units, summary = aimaq.uncertainty(u, df, runs=200, seed=3, sobol=True)
    assert list(units.columns)[:7] == ["id", "rank", "rank_median", "rank_q05", "rank_q95",
                                       "class", "class_stability"]
    assert units.set_index("id").loc["B", "rank"] == 3
    assert summary.set_index("measure").loc["runs", "value"] == 200
    assert {"weights", "leave_one_out"} <= set(summary["factor"].dropna())
    with pytest.raises(aimaq.UsageError):
        aimaq.uncertainty(METHODS / "minimal.yaml", df, runs=100)


def test_depressed():
    df = aimaq.read(REPO / "methods" / "examples" / "small-towns-synthetic.csv")
    r = aimaq.depressed(REPO / "methods" / "kz-depressed-small-towns.yaml", df)
    assert list(r.columns)[:5] == ["id", "flagged", "criteria_met", "criteria", "unknown"]
    assert set(r["flagged"]) <= {"yes", "no"}
    assert r["unknown"].fillna("").str.contains("population_decline (pop_change_10y missing)",
                                               regex=False).any()
    with pytest.raises(aimaq.UsageError):
        aimaq.depressed(METHODS / "minimal.yaml", aimaq.read(METHODS / "minimal.csv"))


def test_scenario():
    r = aimaq.scenario(NET / "plan.yaml").set_index("metric")
    # tests/cli/scenario.sh, worked out by hand
    assert r.loc["settlements inhabited"].tolist() == [4, 3, -1]
    assert r.loc["people moved"].tolist() == [0, 500, 500]
    assert r.loc["hospital: people within 30 min"].tolist() == [1800, 2050, 250]


def test_scenario_from_the_store(small_store, tmp_path):
    # tests/cli/scenario.sh: settlements from the store, straight-line
    # times; B (200 people) moves to A; mean minutes worked out by hand.
    plan = tmp_path / "sp.yaml"
    plan.write_text("""network:
  straight_line: {circuity: 1.3, kmh: 60}
settlements: {level: settlement, period: 2023, population: population, indicator: income, class: parent}
services:
  centre: {where: {code: A}}
changes:
  - relocate: {settlements: [B], to_class: D1, within: 60}
""")
    r = aimaq.scenario(plan, db=small_store).set_index("metric")
    assert r.loc["people moved"].tolist() == [0, 200, 200]
    assert r.loc["centre: people within 30 min"].tolist() == [100, 300, 200]
    assert r.loc["centre: mean minutes", "before"] == pytest.approx(182.2942074994644, abs=1e-9)
    assert r.loc["centre: mean minutes", "after"] == pytest.approx(166.0296447979539, abs=1e-9)
    with pytest.raises(aimaq.Error) as e:
        aimaq.scenario(plan)
    assert "settlements need file: FILE, or level: LEVEL with a store" in e.value.message


def test_report_and_maps(small_store, tmp_path):
    with aimaq.Store(small_store, readonly=True) as s:
        html = s.report(tmp_path / "r.html", value="population", level="settlement",
                        lang="en")
        assert html.text.startswith("<!DOCTYPE html>") or "<html" in html.text[:200]
        assert (tmp_path / "r.html").read_text(encoding="utf-8") == html.text
        m = s.map("map", value="population", level="settlement", lang="en")
        assert "<svg" in m._repr_html_() or "map" in m.text
        with pytest.raises(aimaq.UsageError):
            s.map("no-such-section", value="population", level="settlement")
        with pytest.raises(aimaq.NotFoundError):
            s.report(value="no_such_indicator", level="settlement")


def test_progress_and_threads(tmp_path, store_uri):
    # The library reports progress of imports every 65,536 rows.
    f = tmp_path / "units.csv"
    f.write_text("code,name_ru,level,parent\n" +
                 "".join(f"U{i},Unit {i},settlement,\n" for i in range(66000)))
    seen = []

    class Bar:  # the part of tqdm's interface aimaq.progress uses
        def __init__(self, total=None, desc=None):
            self.total, self.desc, self.n = total, desc, 0
            seen.append(self)

        def refresh(self):
            pass

        def close(self):
            self.closed = True

    with aimaq.progress(tqdm=Bar):
        with aimaq.Store(store_uri, create=True) as s:
            assert s.import_file(f)["units_added"] == 66000
    assert len(seen) == 1 and seen[0].desc == "import" and seen[0].n >= 65535
    assert seen[0].closed
    x = np.random.default_rng(1).lognormal(size=100000)
    aimaq.set_threads(1)
    d1 = aimaq.disparity(x)
    aimaq.set_threads(0)
    assert aimaq.disparity(x).gini == d1.gini  # results do not depend on threads


def test_support_satellite():
    # tests/cli/index.sh: S2 is 5 km from S1 (3-4-5), S3 10 km from S4,
    # S6 1 km from S1, S5 farther than 30 km from any support settlement.
    df = aimaq.read(METHODS / "support.csv")
    units, summary = aimaq.support(METHODS / "support.yaml", df)
    u = units.set_index("id")
    assert u.loc["S1", ["class", "role", "support_id", "distance_km"]].tolist() == \
        ["high", "support", "S1", 0]
    assert u.loc["S2", ["role", "support_id", "distance_km"]].tolist() == ["satellite", "S1", 5]
    assert u.loc["S3", ["role", "support_id", "distance_km"]].tolist() == ["satellite", "S4", 10]
    assert u.loc["S5", "role"] == "unattached"
    sm = summary.set_index("role")
    assert sm.loc["support", ["count", "population"]].tolist() == [2, 1800]
    assert sm.loc["satellite", ["count", "population"]].tolist() == [3, 300]
    with pytest.raises(aimaq.UsageError) as e:
        aimaq.support(METHODS / "minimal.yaml", aimaq.read(METHODS / "minimal.csv"))
    assert "has no 'support' section" in e.value.message
