"""Tests run on the real MySQL-compatible server, in throwaway databases whose names end in `_test`.

- `empty_db`: the schema with no rows (truncated before each test that asks for it).
- `demo_db`: the demo data set (seed 42), loaded once per run; tests may add rows but must not rely on
  other tests' writes.
Both install a db.engine.Database for that database as the process default (db.engine.use); nothing is
switched through the environment, and the configured main database is never touched. Set
STREAMSYNC_TEST_SERVER_URL to test against another server, and STREAMSYNC_TEST_PREFIX to keep parallel runs
apart.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

from core import recent_reads
from db import engine, migrations, schema
from db.config import REQUIRED_QUERY
from db.engine import Database
from tests import viewer_helpers

SERVER_URL = make_url(os.environ.get("STREAMSYNC_TEST_SERVER_URL",
                                     "mysql+mysqlconnector://root@127.0.0.1:3306/")).update_query_dict(REQUIRED_QUERY)
PREFIX = os.environ.get("STREAMSYNC_TEST_PREFIX", "streamsync")
DEMO_SEED = 42


def test_url(kind: str):
    return SERVER_URL.set(database=f"{PREFIX}_{kind}_test")


_databases: dict[str, Database] = {}


def use_database(url) -> Database:
    """Make the Database of url (one per URL for the whole run, with its own pool) the process default."""
    key = url.render_as_string(hide_password=False)
    database = _databases.setdefault(key, Database(url))
    engine.use(database)
    return database


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
    with use_database(_empty_database).engine.begin() as conn:
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


@pytest.fixture(autouse=True)
def _nothing_kept():
    """Each test starts as a new app process would: no answer kept from another test's reads (a search page
    kept for everyone would otherwise outlive the test that wrote what it shows)."""
    recent_reads.forget_all()


@pytest.fixture
def swap_database():
    """swap_database(url, pool=None, hosts=None) installs a Database of its own for one test (an unreachable
    server, a pool of one, a cluster's hosts) and returns it; the previous default comes back afterwards."""
    previous = engine.default()
    made: list[Database] = []

    def swap(url, pool=None, hosts=None) -> Database:
        made.append(Database(url, pool, hosts=hosts))
        engine.use(made[-1])
        return made[-1]

    yield swap
    engine.use(previous)
    for database in made:
        database.dispose()


@pytest.fixture
def removed_after_test():
    """Delete the users tests.viewer_helpers.make_user made during the test, with everything of theirs (reviews
    by trigger, so ratings are exact again; the rest by cascade), so the shared demo data keeps its volumes. Use
    it with `pytestmark = pytest.mark.usefixtures("removed_after_test")`."""
    yield
    viewer_helpers.remove_made_users()


@pytest.fixture(scope="session")
def server_url():
    """The test server's URL, no database chosen (STREAMSYNC_TEST_SERVER_URL, or root on 127.0.0.1:3306)."""
    return SERVER_URL


@pytest.fixture(scope="session")
def test_database_url():
    """test_database_url(kind): the URL of the throwaway database <prefix>_<kind>_test on the test server."""
    return test_url


@pytest.fixture(scope="session")
def install_database():
    """install_database(url): make the Database of url the process default, as empty_db and demo_db do."""
    return use_database


@pytest.fixture(scope="session")
def demo_seed():
    return DEMO_SEED


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
