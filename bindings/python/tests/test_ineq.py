"""Disparity, bootstrap, convergence, Markov: the published values the C
tests assert (tests/unit/t_ineq.c, t_convergence.c, t_markov.c)."""
import numpy as np
import pandas as pd
import pytest

import aimaq


@pytest.fixture(scope="module")
def mexico():
    from conftest import DATA
    return aimaq.read(DATA / "pysal" / "mexico" / "mexico.csv")


@pytest.fixture(scope="module")
def usjoin():
    from conftest import DATA
    return aimaq.read(DATA / "pysal" / "us_income" / "usjoin.csv")


YEARS = [1940, 1950, 1960, 1970, 1980, 1990, 2000]
# pysal/inequality test_theil.py
THEIL = [0.20894344, 0.15222451, 0.10472941, 0.10194725, 0.09560113, 0.10511256, 0.10660832]
BETWEEN = [0.0345889, 0.02816853, 0.05260921, 0.05931219, 0.03205257, 0.02963731, 0.03635872]
WITHIN = [0.17435454, 0.12405598, 0.0521202, 0.04263506, 0.06354856, 0.07547525, 0.0702496]


def test_mexico_theil_decomposition(mexico):
    for y, t, b, w in zip(YEARS, THEIL, BETWEEN, WITHIN):
        d = aimaq.disparity(f"pcgdp{y}", groups="hanson98", data=mexico)
        assert d.theil_t == pytest.approx(t, abs=6e-9)
        assert d.between[1] == pytest.approx(b, abs=6e-9)
        assert d.within[1] == pytest.approx(w, abs=6e-9)
        for a in (-1, 0, 1, 2):
            assert d.between[a] + d.within[a] == pytest.approx(d.ge[a], abs=1e-13)
        assert len(d.groups) == 5
    # pysal/inequality test_gini.py
    assert aimaq.disparity(mexico["pcgdp1940"]).gini == pytest.approx(0.35372371173452849,
                                                                      abs=1e-14)


def test_small_published():
    d = aimaq.disparity(np.array([10.0, 20, 30, 40, 50]))
    assert d.atkinson[0.5] == pytest.approx(0.06315339222708616, abs=1e-14)
    assert d.atkinson[1] == pytest.approx(0.13160963843421658, abs=1e-14)
    assert d.cv == pytest.approx(0.4714045207910317, abs=1e-14)
    assert d.gini == pytest.approx(0.26666666666666666, abs=1e-14)
    assert d.palma == pytest.approx(0.8333333333333337, abs=1e-13)
    assert d.measures["gini"] == d.gini
    assert d.measures["ge.-1"] == pytest.approx(0.185, abs=1e-14)
    assert d.lorenz["value_share"].iloc[2] == pytest.approx(30 / 150, abs=1e-15)
    assert np.isnan(d.williamson)
    assert "<table>" in d._repr_html_()


def test_weighted_and_errors():
    d = aimaq.disparity([1.0, 2.0], weights=[1.0, 3.0])
    assert d.weighted and d.total_weight == 4
    with pytest.raises(aimaq.InputError) as e:
        aimaq.disparity([1.0, -2.0, 3.0])
    assert "1" in e.value.message  # names the unit index
    with pytest.raises(aimaq.UsageError):
        aimaq.disparity([1.0, 2.0], weights=[1.0])


def test_bootstrap(mexico):
    x = mexico["pcgdp1940"]
    ci = aimaq.bootstrap(x, groups=mexico["hanson98"], replicates=200, seed=7)
    ci2 = aimaq.bootstrap(x, groups=mexico["hanson98"], replicates=200, seed=7)
    pd.testing.assert_frame_equal(ci, ci2)
    g = aimaq.disparity(x).gini
    assert ci.loc["gini", "lo"] < g < ci.loc["gini", "hi"]
    assert ci.attrs["replicates"] == 200
    with pytest.raises(aimaq.UsageError):
        aimaq.bootstrap(x, replicates=1)


def test_convergence_mexico(mexico):
    # scipy.stats.linregress / numpy, as t_convergence.c
    r = aimaq.convergence(mexico[["pcgdp1940", "pcgdp2000"]].set_axis([1940, 2000], axis=1))
    assert r.alpha == pytest.approx(0.08228927473596928, abs=1e-13)
    assert r.beta == pytest.approx(-0.007254802677838517, abs=1e-13)
    assert r.se_beta == pytest.approx(0.0013963930068126697, abs=1e-13)
    assert r.r2 == pytest.approx(0.4736107983434906, abs=1e-12)
    assert r.half_life == pytest.approx(72.77903699141807, abs=1e-9)
    assert r.sigma["sd_log"].iloc[0] == pytest.approx(0.6300039877338818, abs=1e-13)
    assert r.F == pytest.approx(1.8886093953342176, abs=1e-12)
    assert r.tau == pytest.approx(0.5846774193548389, abs=1e-14)
    c = aimaq.convergence(mexico[["pcgdp1940", "pcgdp2000"]].to_numpy(), times=[1940, 2000],
                          controls=mexico[["hanson98"]])
    assert c.beta == pytest.approx(-0.00715846397261986, abs=1e-13)
    assert c.controls.loc["hanson98", "coef"] == pytest.approx(0.00010980609646807794,
                                                               abs=1e-13)
    tau, p, pt = aimaq.kendall_tau(mexico["pcgdp1940"], mexico["pcgdp2000"])
    assert tau == pytest.approx(0.5846774193548389, abs=1e-14)


def test_markov_usjoin(usjoin):
    y = usjoin[[str(y) for y in range(1929, 2010)]]
    m = aimaq.markov(y, k=5)
    # pysal/giddy Markov on quintiles of usjoin 1929-2009
    assert m.counts.tolist() == [[729, 71, 1, 0, 0], [72, 567, 80, 3, 0], [0, 81, 631, 86, 2],
                                 [0, 3, 86, 573, 56], [0, 0, 1, 57, 741]]
    assert m.steady_state == pytest.approx([0.20774716, 0.18725774, 0.20740537, 0.18821787,
                                            0.20937187], abs=6e-9)
    assert m.ergodic
    assert m.p[0, 0] == pytest.approx(729 / 801, abs=1e-15)
    assert m.sojourn[0] == pytest.approx(11.125, abs=1e-12)
    cls, bins = aimaq.markov_classes(y, k=5)
    assert cls.shape == (48, 81) and bins.shape == (81, 5)
    assert "steady" in m._repr_html_()
