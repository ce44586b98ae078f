"""Tests run on the real MySQL-compatible server, in throwaway databases whose names end in `_test`.

- `empty_db`: the schema with no rows (truncated before each test that asks for it).
- `demo_db`: the demo data set (seed 42), loaded once per run; tests may add rows but must not rely on
  other tests' writes.
Both switch the process's engine (STREAMSYNC_DB_URL) to that database; the configured main database is
never touched. Set STREAMSYNC_TEST_SERVER_URL to test against another server, and STREAMSYNC_TEST_PREFIX
to keep parallel runs apart.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

from db import core, migrations, schema
from db.config import REQUIRED_QUERY

SERVER_URL = make_url(os.environ.get("STREAMSYNC_TEST_SERVER_URL",
                                     "mysql+mysqlconnector://root@127.0.0.1:3306/")).update_query_dict(REQUIRED_QUERY)
PREFIX = os.environ.get("STREAMSYNC_TEST_PREFIX", "streamsync")
DEMO_SEED = 42


def test_url(kind: str):
    return SERVER_URL.set(database=f"{PREFIX}_{kind}_test")


def use_database(url) -> None:
    """Point the app's engine at url (the next query reconnects)."""
    rendered = url.render_as_string(hide_password=False)
    if os.environ.get("STREAMSYNC_DB_URL") != rendered:
        os.environ["STREAMSYNC_DB_URL"] = rendered
        core.dispose_engine()


def build(url) -> None:
    """A throwaway database at the code's head revision, built through the migrations as every real one is."""
    schema.recreate_database(url)
    migrations.upgrade_url(url)
    use_database(url)


@pytest.fixture(scope="session")
def _empty_database():
    url = test_url("empty")
    build(url)
    yield url
    schema.drop_database(url)


@pytest.fixture
def empty_db(_empty_database):
    use_database(_empty_database)
    with core.get_engine().begin() as conn:
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        for table in schema.APP_TABLES + schema.EXTRA_TABLES + schema.IMPORT_TABLES + schema.LATER_TABLES:
            conn.exec_driver_sql(f"TRUNCATE TABLE `{table}`")
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
    return _empty_database


@pytest.fixture(scope="session")
def _demo_database():
    from core import reset as reset_database

    url = test_url("demo")
    use_database(url)
    reset_database.rebuild(url, scale="demo", seed=DEMO_SEED, quiet=True)
    yield url
    schema.drop_database(url)


@pytest.fixture
def demo_db(_demo_database):
    use_database(_demo_database)
    return _demo_database


@pytest.fixture
def scratch_url():
    """make(kind) -> the URL of a database of this test's own (not built; dropped after the test)."""
    made = []

    def make(kind: str):
        url = test_url(kind)
        schema.drop_database(url)
        made.append(url)
        return url

    yield make
    for url in made:
        schema.drop_database(url)
