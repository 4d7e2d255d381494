"""Shared fixtures: the repository's test data, and stores: SQLite files,
or with AQ_TEST_DB (the suite's PostgreSQL pass) a fresh database on that
server for each test, made as tests/cli/lib.inc's new_store makes them."""
import itertools
import os
import pathlib
import re
import subprocess
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


_serial = itertools.count()


def _new_pg_database(base):
    """A fresh empty database on the server of the URI BASE; its URI."""
    db = f"aq_py_{os.getpid()}_{next(_serial)}"
    subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", base,
                    "-c", "SET client_min_messages = warning",
                    "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)",
                    "-c", f"CREATE DATABASE {db} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"],
                   check=True, capture_output=True)
    # postgresql://USER@HOST/DBNAME?PARAMS with this database's name
    m = re.match(r"^([a-z]+://[^/?]*)(/[^?]*)?(\?.*)?$", base)
    return f"{m.group(1)}/{db}{m.group(3) or ''}"


@pytest.fixture
def store_uri(tmp_path):
    """A fresh empty store: a database on AQ_TEST_DB's server, or a file."""
    base = os.environ.get("AQ_TEST_DB")
    return _new_pg_database(base) if base else str(tmp_path / "t.db")


@pytest.fixture
def small_store(store_uri):
    """tests/data/small_store imported as lib.inc's small_store does."""
    import aimaq
    with aimaq.Store(store_uri, create=True) as s:
        for f in ("units.csv", "points.geojson", "population.csv"):
            s.import_file(DATA / "small_store" / f)
    return store_uri
