"""docs/python.md's walkthrough on the Kazakhstan example, imported here
from examples/kz as examples/kz/run.sh imports it: the numbers the page
prints, and the same digits from the CLI when $AIMAQ names it."""
import json
import os
import subprocess

import pytest

import aimaq
from conftest import REPO

E = REPO / "examples" / "kz"


@pytest.fixture(scope="module")
def kz(tmp_path_factory):
    path = tmp_path_factory.mktemp("kz") / "kz.db"
    with aimaq.Store(path, create=True) as s:
        s.import_file(E / "units.csv", dataset="KATO NK RK 11-2025")
        s.import_file(E / "reforms.csv", dataset="Territorial reforms 2018 and 2022")
        s.import_file(E / "regions.geojson", dataset="Region boundaries (OpenStreetMap)")
        s.import_file(E / "population_region_2023.csv", mapping=E / "population.map.yaml")
        s.import_file(E / "grp_per_capita.csv", mapping=E / "grp_per_capita.map.yaml")
    store = aimaq.Store(path, readonly=True)
    yield store
    store.close()


@pytest.fixture(scope="module")
def df(kz):
    grp = kz.select("grp_pc_kzt_thousand", level="region", period="2022")
    pop = kz.select("population", level="region", period="2023")
    return grp.merge(pop[["code", "population"]], on="code")


def test_disparity(df, tmp_path):
    assert len(df) == 20
    d = aimaq.disparity("grp_pc_kzt_thousand", weights="population", data=df)
    assert d.gini == pytest.approx(0.335232, abs=5e-7)
    assert d.theil_t == pytest.approx(0.193575, abs=5e-7)
    assert d.williamson == pytest.approx(0.689793, abs=5e-7)
    assert d.ratio_max_min == pytest.approx(11.947661, abs=5e-7)
    ci = aimaq.bootstrap("grp_pc_kzt_thousand", weights="population", data=df,
                         replicates=999, seed=1)
    assert ci.loc["gini"].tolist() == pytest.approx([0.199582, 0.422936], abs=5e-7)
    cli = os.environ.get("AIMAQ")
    if cli and os.access(cli, os.X_OK):
        aimaq.write(df, tmp_path / "kz.csv")
        out = subprocess.run([cli, "disparity", str(tmp_path / "kz.csv"), "--value",
                              "grp_pc_kzt_thousand", "--weight", "population", "--format",
                              "json"], capture_output=True, text=True, check=True).stdout
        found = []

        def walk(o):
            if isinstance(o, dict):
                if "gini" in o and "theil_t" in o:
                    found.append(o)
                for v in o.values():
                    walk(v)
            elif isinstance(o, list):
                for v in o:
                    walk(v)
        walk(json.loads(out))
        assert found[0]["gini"] == d.gini and found[0]["theil_t"] == d.theil_t


def test_convergence_markov(kz):
    panel = (kz.select("grp_pc_kzt_thousand", level="region")
             .pivot(index="code", columns="period", values="grp_pc_kzt_thousand").dropna())
    panel.columns = panel.columns.astype(int)
    assert panel.shape == (15, 15)
    c = aimaq.convergence(panel[[2008, 2022]])
    assert c.beta == pytest.approx(-0.0254351, abs=5e-8)
    assert c.half_life == pytest.approx(22.04, abs=0.005)
    assert c.sigma["sd_log"].tolist() == pytest.approx([0.690435, 0.528752], abs=5e-7)
    m = aimaq.markov(panel, k=4)
    assert m.steady_state.round(3).tolist() == [0.267, 0.267, 0.2, 0.267]
    assert round(m.shorrocks, 3) == 0.107


def test_moran_lisa_classes(kz, df):
    regions = kz.units(level="region")
    current = regions[regions.valid_to.isna()].merge(df[["code", "grp_pc_kzt_thousand"]],
                                                     on="code")
    w = aimaq.Weights.queen(current, ids=current["code"])
    assert w.summary()["links"] == 70
    m = aimaq.moran("grp_pc_kzt_thousand", w, data=current, seed=1)
    assert m.I == pytest.approx(0.0771847, abs=5e-8)
    lisa = aimaq.lisa("grp_pc_kzt_thousand", w, data=current, seed=1).to_frame()
    lisa["code"] = current["code"].to_numpy()
    shymkent = lisa.set_index("code").loc["790000000"]
    assert shymkent["cluster"] == "Low-Low" and shymkent["p_sim"] == pytest.approx(0.001)
    fj = aimaq.classify("grp_pc_kzt_thousand", "fisher-jenks", 5, data=df)
    assert fj.bins.tolist() == pytest.approx([2917.9, 5014.7, 6467.8, 8985.6, 19974.1])
    assert "<svg" in kz.map("lisa", lang="en").text


def test_potential(kz):
    method = aimaq.Method(REPO / "methods" / "kz-snp-potential-2025.yaml")
    settlements = aimaq.read(E / "potential" / "settlements.csv")
    assert len(settlements) == 4512
    method.restrict(settlements, allow_missing=True)
    p = aimaq.potential(method, settlements)
    c = p.classes.set_index("class")["count"]
    assert c[["uninhabited", "high", "medium", "low", "excluded"]].tolist() == \
        [1, 765, 764, 765, 2217]
    _, summary = aimaq.uncertainty(method, settlements, runs=200, seed=1)
    assert summary.set_index("measure").loc["unstable_share", "value"] == \
        pytest.approx(0.638780, abs=5e-7)
