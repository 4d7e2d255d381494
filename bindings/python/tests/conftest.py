"""Shared fixtures: the repository's test data, and a store on SQLite or
on the PostgreSQL database tests/cli/python.sh passes (AIMAQ_TEST_STORE)."""
import os
import pathlib
import warnings

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"


@pytest.fixture(autouse=True)
def _quiet_library_warnings():
    import aimaq
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", aimaq.AimaqWarning)
        yield


@pytest.fixture
def data():
    return DATA


@pytest.fixture
def store_uri(tmp_path):
    """A fresh empty store: the PostgreSQL URI python.sh made, or a file."""
    return os.environ.get("AIMAQ_TEST_STORE") or str(tmp_path / "t.db")


@pytest.fixture
def small_store(store_uri):
    """tests/data/small_store imported as lib.inc's small_store does."""
    import aimaq
    with aimaq.Store(store_uri, create=True) as s:
        for f in ("units.csv", "points.geojson", "population.csv"):
            s.import_file(DATA / "small_store" / f)
    return store_uri
