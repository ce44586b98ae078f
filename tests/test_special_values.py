"""Issue 14, part 5: special numbers and values that are not text. The table editor's filter and every
validation refuse non-finite, huge or malformed numbers with a message; validation and write functions given
a value of the wrong kind or a lone surrogate answer with their typed error, never a traceback."""
from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

import pytest

from core import auth, friends, moderation, playlists, reviews, watching
from core import table_editor as te
from db import execute, transaction
from db.errors import DataRuleError, PermissionDenied
from db.whitelist import catalog
from tests.accounts_helpers import PASSWORD, make_user
from tests.apptest import open_app
from tests.viewer_helpers import plain

SPECIAL_NUMBERS = ["inf", "-inf", "Infinity", "-Infinity", "NaN", "nan", "sNaN", "-sNaN", "1e400", "1e400000",
                   "1e1000000", "9" * 5000, "0x10", "1_000", "١٢", " ", "+", "1e", "--1"]
ODD_VALUES = [None, 0, -1, 2**70, 1.5, math.nan, math.inf, -math.inf, True, Decimal("NaN"), Decimal("Infinity"),
              b"bytes", [], {}, object(), "\ud800", "x\udfffy", "NaN", "1e400000", "", " "]
TYPED = (DataRuleError, PermissionDenied, te.InvalidValue)


@pytest.mark.parametrize("text", SPECIAL_NUMBERS)
@pytest.mark.parametrize("table, column", [("media", "release_year"), ("media", "media_id"),
                                           ("media", "average_rating"), ("episodes", "season_number")])
def test_the_editor_refuses_special_numbers_with_a_message(empty_db, table, column, text):
    with pytest.raises(te.InvalidValue, match=column):
        te.coerce(catalog().table(table).column(column), text)


@pytest.mark.parametrize("text, expected", [("7", Decimal(7)), ("7.5", Decimal("7.5")), (" -3 ", Decimal(-3)),
                                            ("1e2", Decimal(100)), (8.5, Decimal("8.5"))])
def test_ordinary_numbers_still_pass(empty_db, text, expected):
    assert te.coerce(catalog().table("media").column("average_rating"), text) == expected


def test_the_editor_page_says_why_a_special_number_cannot_filter(empty_db):
    admin = make_user("boss", role="admin")
    for text in ("inf", "NaN", "1e400000"):
        at = open_app(admin, "app_pages/moderation_editor.py")
        at.selectbox(key="ed_fcol_media").set_value("average_rating" if text != "inf" else "release_year")
        at.selectbox(key="ed_fop_media").set_value("equals")
        at.text_input(key="ed_fval_media").set_value(text)
        at.run()
        assert not at.exception
        assert at.error and plain(at.error[0].value).startswith("Cannot filter:"), text  # escaped, as typed


@pytest.fixture
def world(empty_db):
    me, other = make_user("fuzzer"), make_user("other")
    media_id = a_series()
    return {"me": me, "other": other, "media": media_id}


def a_series() -> int:
    with transaction("admin") as conn:
        return execute(conn, "INSERT INTO media (title, media_type) VALUES ('Fuzzed', 'Series')").lastrowid


CALLS = {
    "login username": lambda w, v: auth.login(v, PASSWORD),
    "login password": lambda w, v: auth.login(w["me"], v),
    "register": lambda w, v: auth.register({"username": v, "firstname": v, "lastname": v, "email": v, "dob": v,
                                            "password": v, "password_confirm": v}, today=date(2026, 1, 1)),
    "profile": lambda w, v: auth.update_profile(w["me"], {"firstname": v, "lastname": v, "email": v, "dob": v}),
    "password": lambda w, v: auth.change_password(w["me"], PASSWORD, v, v, None),
    "rating": lambda w, v: reviews.save_review(w["me"], w["media"], v, "text"),
    "review text": lambda w, v: reviews.save_review(w["me"], w["media"], 7, v),
    "progress": lambda w, v: watching.mark_up_to(w["me"], w["media"], v),
    "playlist name": lambda w, v: playlists.create_playlist(w["me"], v),
    "playlist description": lambda w, v: playlists.create_playlist(w["me"], f"List {id(v)}", v),
    "friend request": lambda w, v: friends.send_request(w["me"], v),
    "report reason": lambda w, v: moderation.report_review(w["me"], 1, v),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_odd_values_get_the_typed_error_never_a_traceback(world, call):
    for value in ODD_VALUES:
        try:
            CALLS[call](world, value)
        except TYPED:
            pass
        except Exception as exc:
            pytest.fail(f"{call} with {value!r}: {type(exc).__name__}: {exc}")
