"""Issue 14, part 5, by introspection: every public write and validation function of core/ is called with
odd values in each of its arguments in turn (the others ordinary), and must answer with its typed error or
a plain result, never another exception. A new function in core/ is fuzzed without anyone listing it: the
ordinary value of an argument is chosen by its name, and a function whose argument has no ordinary value
here fails the test until one is added (so nothing is skipped silently)."""
from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import time
from datetime import date, datetime
from decimal import Decimal

import pytest

import core
from core import table_editor as te
from db import execute, fetch_one, transaction
from db.errors import DataRuleError, PermissionDenied
from tests.accounts_helpers import make_user

TYPED = (DataRuleError, PermissionDenied, te.InvalidValue)
ODD_VALUES = [None, 0, -1, -(2**70), 2**70, 10**20, 1.5, -0.0, math.nan, math.inf, -math.inf, True,
              Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1e400000"), b"bytes", bytearray(b"x"),
              [], [1], {}, {"a": 1}, object(), "\ud800", "x\udfffy", "NaN", "inf", "1e400000", "1e1000000",
              "9" * 5000, "0x10", "1_000", "\u0661\u0662\u0663", " 5 ", "5.0", "-0", "", " ", "\x00", "a" * 100_000]
# Modules whose public functions write, or check what a user, a URL or a form sends.
MODULES = ["accounts", "admin_users", "auth", "friends", "ical", "merge", "moderation", "playlists", "reviews",
           "sessions", "validation", "watching", "watchlist", "activity"]
# The others take values the code itself made (a parsed file's cells are text; a table editor Column and
# ChangeSet; settings, the demo data, model training, command-line imports of files the operator chose):
# tests/test_special_values.py and tests/test_history_import.py feed those their odd values.
ELSEWHERE = {"catalog_import", "catalog_refresh", "catalog_rules", "dashboard", "demo_data", "errors", "export",
             "history_import", "home", "my_stats", "paging", "permissions", "provider_titles", "providers",
             "rec_evaluation", "recommend", "recommend_model", "reset", "sample_library", "search",
             "search_index", "table_editor", "tables", "words", "progress", "titles",
             "recent_reads"}  # recent_reads takes a read function and the signed-in user
SKIP = {
    # take no user value, or only objects the code itself builds
    "core.auth.clock", "core.auth.throttled_reason", "core.auth.wait_message", "core.auth.delay_after",
    "core.auth.hash_password", "core.activity.page", "core.activity.export_csv", "core.activity.subject",
    "core.activity.side_by_side", "core.activity.tables_for", "core.accounts.refuse_last_admin",
    "core.accounts.keep_hidden_reviews", "core.accounts.end_sessions", "core.ical.calendar", "core.ical.summary",
    "core.sessions.describe_agent",
    "core.friends.kept_suggestions",  # the signed-in user and overview()'s rows; suggestions() is fuzzed
}
TIME_LIMIT = 2.0  # seconds for one call: nothing a user types may hold a worker longer


def public_functions() -> list:
    found = []
    for name in MODULES:
        module = importlib.import_module(f"core.{name}")
        for attr, fn in sorted(vars(module).items()):
            qualified = f"{module.__name__}.{attr}"
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if next(iter(inspect.signature(fn).parameters), None) == "conn" and not hasattr(fn, "__wrapped__"):
                continue  # a step inside a caller's transaction: fuzzed through the @transactional callers
            if qualified not in SKIP:
                found.append(pytest.param(fn, id=qualified))
    return found


def test_every_core_module_is_fuzzed_or_named_as_not_taking_user_values():
    """A module added to core/ must be added here or to the list of those that take no user value."""
    modules = {m.name for m in pkgutil.iter_modules(core.__path__)}
    assert modules - set(MODULES) - ELSEWHERE == set()


@pytest.fixture(scope="module")
def world(_empty_database, install_database):
    """Users and rows the ordinary arguments point at; made once for the module (fuzzed calls that succeed
    may change them, which is all right: the next call only needs them to exist or not)."""
    install_database(_empty_database)
    with transaction("admin") as conn:
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        for table in ("users", "media", "episodes", "reviews", "playlists"):
            conn.exec_driver_sql(f"DELETE FROM `{table}`")
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
    make_user("fuzzadmin", role="admin")
    make_user("fuzzer")
    make_user("other")
    with transaction("fuzzadmin") as conn:
        series = execute(conn, "INSERT INTO media (title, media_type) VALUES ('Fuzzed', 'Series')").lastrowid
        film = execute(conn, "INSERT INTO media (title, media_type) VALUES ('Fuzz film', 'Movie')").lastrowid
        execute(conn, """INSERT INTO episodes (media_id, season_number, episode_number, title)
                         VALUES (:m, 1, 1, 'One')""", m=series)
    episode = fetch_one("SELECT episode_id FROM episodes WHERE media_id = :m", m=series)["episode_id"]
    return {"series": series, "film": film, "episode": episode}


def ordinary(name: str, world: dict):
    """A sensible value for an argument called `name`."""
    values = {
        "actor": "fuzzer", "username": "other", "viewer": "fuzzer", "leaving": "fuzzer", "friend": "other",
        "requester": "other", "addressee": "other", "media_id": world["film"], "survivor": world["film"],
        "duplicate": world["series"], "episode_id": world["episode"], "season": 1, "review_id": 1,
        "playlist_id": 1, "event_id": 1, "rating": 7, "text": "some text", "review": "a review",
        "spoilers": False, "watched": True,
        "on": None, "reason": "a reason", "name": "A list", "description": "about it", "first_title": None,
        "offset": 1, "status": "Plan to Watch", "role": "user", "role_filter": None, "page": 1, "page_no": 1,
        "page_size": 20, "kind": "reported", "password": "Monsoon-Reels-2024", "current": "Monsoon-Reels-2024",
        "new": "Another-Secret-77", "confirm": "Another-Secret-77", "keep_token": None, "token": "abc",
        "current_token": None, "user_agent": "Mozilla/5.0", "client": None, "exposed": False, "now": None,
        "today": None, "fields": {"username": "newbie", "firstname": "N", "lastname": "B",
                                  "email": "n@example.com", "dob": date(1990, 1, 1), "password": "Another-Secret-77",
                                  "password_confirm": "Another-Secret-77"},
        "value": "7", "label": "first name", "email": "a@example.com", "dob": date(1990, 1, 1),
        "title": "A title", "limit": 5, "bounds": (1, 10), "url": "https://example.com", "secret": "abc",
        "base_url_path": "", "year": None, "review_year": None, "days": 30, "until": datetime(2999, 1, 1),
        "new_hash": "x", "message": "m", "count": 2, "noun": "title", "nouns": None, "total": 3,
        "per_page": 2, "month_first": False, "cell": "x", "details": {}, "because_1": None, "because_2": None,
        "totals": {}, "firstname": "F", "lastname": "L", "password_hash": "x", "hashed": None,
        "typed": "Meera ", "address": "203.0.113.5",
    }
    if name not in values:
        raise KeyError(f"no ordinary value for an argument named {name!r}: add one to tests/test_fuzz_core.py")
    return values[name]


@pytest.mark.parametrize("fn", public_functions())
def test_odd_values_in_every_argument_get_the_typed_error(world, fn):
    signature = inspect.signature(fn)
    params = [p for p in signature.parameters.values() if p.name != "conn"
              and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    base = {p.name: ordinary(p.name, world) for p in params}
    for param in params:
        if param.name in ("actor", "now", "today"):
            continue  # the signed-in user and the clock come from the app, never from what a user sends
        for value in ODD_VALUES:
            args = {**base, param.name: value}
            positional = [args[p.name] for p in params if p.kind != p.KEYWORD_ONLY]
            keywords = {p.name: args[p.name] for p in params if p.kind == p.KEYWORD_ONLY}
            started = time.perf_counter()
            try:
                fn(*positional, **keywords)
            except TYPED:
                pass
            except Exception as exc:
                pytest.fail(f"{param.name}={value!r:.60}: {type(exc).__name__}: {exc!s:.300}")
            took = time.perf_counter() - started
            assert took < TIME_LIMIT, f"{param.name}={value!r:.60} took {took:.1f} s"
