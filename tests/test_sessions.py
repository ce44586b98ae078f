"""Sessions: a random token, stored only as its SHA-256, that survives a reload (a new AppTest run with the
token, as a new page load would present the cookie), slides its expiry, and dies at logout and at a
password change; the HttpOnly cookie route that carries it across reloads."""
import asyncio
import hashlib
import json
import re
from datetime import datetime, timedelta
from types import SimpleNamespace

from starlette.applications import Starlette
from streamlit.runtime import context as st_context

from core import auth, sessions
from db import execute, fetch_all, fetch_one, transaction
from tests.accounts_helpers import PASSWORD, fill_login, make_user
from tests.apptest import open_app, scripts, texts
from ui import session_cookie
from ui.cards import md
from ui.session import SESSION_ENDED, presented_token


def reload_with(token: str):
    """A fresh page load presenting `token` (what the cookie gives a new websocket session)."""
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, TIMEOUT

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["session_token"] = token
    return at.run()


def code_in(script: str) -> str:
    """The one-time code inside the cookie script (the JSON body its fetch sends)."""
    return json.loads(json.loads(re.search(r"body: (\".*?\")\}\);", script).group(1)))["code"]


def logged_in_as(at) -> str | None:
    captions = [c.value for c in at.sidebar.caption if c.value.startswith("Logged in as")]
    # The name is Markdown-escaped inside the bold (md): drop the escapes to get it as typed.
    return re.sub(r"\\(.)", r"\1", re.search(r"\*\*(.+?)\*\*", captions[0]).group(1)) if captions else None


def test_only_the_sha256_of_a_random_token_is_stored(empty_db):
    make_user("ravi")
    first, second = sessions.create_session("ravi", "Firefox"), sessions.create_session("ravi", "Chrome")
    assert first != second and len(first) >= 43  # 32 random bytes, URL-safe base64
    stored = {r["token_hash"] for r in fetch_all("SELECT token_hash FROM user_sessions")}
    assert stored == {hashlib.sha256(t.encode()).hexdigest() for t in (first, second)}
    assert first not in " ".join(str(v) for r in fetch_all("SELECT * FROM user_sessions") for v in r.values())


def test_a_token_opens_a_new_run_after_a_reload(empty_db):
    make_user("ravi")
    at = fill_login(open_app(page="app_pages/login.py"), "ravi", PASSWORD)
    token = at.session_state["session_token"]
    again = reload_with(token)
    assert logged_in_as(again) == "ravi"
    assert again.session_state["user"]["username"] == "ravi"


def test_logout_ends_the_token_for_every_later_reload(empty_db):
    make_user("ravi")
    at = fill_login(open_app(page="app_pages/login.py"), "ravi", PASSWORD)
    token = at.session_state["session_token"]
    next(b for b in at.sidebar.button if b.label == "Log out").click()
    at.run()
    after = reload_with(token)
    assert logged_in_as(after) is None
    assert "Log in" in [b.label for b in after.button]
    assert sessions.user_for_token(token) is None


def test_a_password_change_ends_the_other_sessions_but_not_this_one(empty_db):
    make_user("ravi")
    laptop = sessions.create_session("ravi", "laptop")
    phone = sessions.create_session("ravi", "phone")
    errors, ended = auth.change_password("ravi", PASSWORD, "Fresh-Monsoon-77", "Fresh-Monsoon-77", laptop)
    assert (errors, ended) == ({}, 1)
    assert logged_in_as(reload_with(laptop)) == "ravi"
    assert logged_in_as(reload_with(phone)) is None
    assert not auth.login("ravi", PASSWORD).ok and auth.login("ravi", "Fresh-Monsoon-77").ok


def test_expiry_slides_while_the_session_is_used_and_ends_when_idle(empty_db):
    make_user("ravi")
    t0 = datetime(2026, 3, 1, 12, 0)
    token = sessions.create_session("ravi", now=t0)
    assert sessions.user_for_token(token, now=t0 + timedelta(days=13))["username"] == "ravi"
    # Used on day 13, so it lives until day 27; idle from then on, it is gone after day 27.
    assert sessions.user_for_token(token, now=t0 + timedelta(days=26))["username"] == "ravi"
    assert sessions.user_for_token(token, now=t0 + timedelta(days=26 + 15)) is None
    idle = sessions.create_session("ravi", now=t0)
    assert sessions.user_for_token(idle, now=t0 + timedelta(days=14, minutes=1)) is None


def test_the_tab_token_wins_over_the_cookie_and_junk_is_ignored():
    assert presented_token({"session_token": "tab"}, {"streamsync_session": "cookie"}) == "tab"
    assert presented_token({}, {"streamsync_session": "cookie"}) == "cookie"
    assert presented_token({}, {"other": "x"}) is None
    assert presented_token({"session_token": ""}, {"streamsync_session": ""}) is None
    assert presented_token({"session_token": 12}, {}) is None


def browser_presenting(monkeypatch, cookies: dict):
    """What Streamlit reads from a new page load's websocket handshake (AppTest cannot send cookies)."""
    client = SimpleNamespace(cookies=cookies, headers=[("User-Agent", "pytest-browser")], remote_ip=None)
    monkeypatch.setattr(st_context, "_get_client_context", lambda: client)


def test_the_cookie_alone_logs_in_a_new_page_load_and_is_renewed(empty_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, TIMEOUT

    make_user("ravi")
    token = sessions.create_session("ravi", "pytest-browser")
    browser_presenting(monkeypatch, {"streamsync_session": token, "_streamlit_xsrf": "x"})
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert logged_in_as(at) == "ravi"
    # The page renews the cookie's two weeks through a one-time code, once per page load.
    [script] = scripts(at)
    assert token not in script and session_cookie.redeem_code(code_in(script)) == token
    assert not scripts(at.run())

    sessions.revoke_session("ravi", token)
    assert logged_in_as(AppTest.from_file(APP, default_timeout=TIMEOUT).run()) is None


def test_a_forged_or_unknown_token_shows_the_logged_out_app(empty_db):
    at = reload_with("not-a-real-token")
    assert logged_in_as(at) is None and "session_token" not in at.session_state


# --- the cookie route (ui/session_cookie.py), called as the browser calls it ---------------------------

def call(method: str, body: dict | None = None, origin: str | None = "http://app.test",
         headers: dict | None = None, base: str = "") -> tuple[int, list[str]]:
    """Send one request to the cookie route; returns (status, Set-Cookie headers)."""
    app = Starlette(routes=session_cookie.routes(base))
    raw = [(b"host", b"app.test")] + ([(b"origin", origin.encode())] if origin else [])
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": method, "path": f"{'/' + base if base else ''}/streamsync/session",
             "headers": raw, "query_string": b"", "scheme": "http", "server": ("app.test", 80),
             "http_version": "1.1", "root_path": "", "client": ("127.0.0.1", 1)}
    messages = [{"type": "http.request", "body": json.dumps(body or {}).encode(), "more_body": False}]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    cookies = [v.decode() for k, v in start["headers"] if k == b"set-cookie"]
    return start["status"], cookies


def test_a_login_code_sets_an_httponly_strict_cookie_once():
    code = session_cookie.issue_code("the-token")
    status, cookies = call("POST", {"code": code})
    assert status == 204
    assert cookies == ["streamsync_session=the-token; Max-Age=1209600; Path=/; HttpOnly; SameSite=Strict"]
    assert call("POST", {"code": code}) == (400, [])  # used once only


def test_the_cookie_is_secure_behind_https_and_scoped_to_the_base_path():
    code = session_cookie.issue_code("t2")
    status, cookies = call("POST", {"code": code}, origin="https://app.test", base="films",
                           headers={"x-forwarded-proto": "https"})
    assert status == 204 and cookies[0].endswith("Path=/films/; HttpOnly; SameSite=Strict; Secure")


def test_cross_site_or_stale_requests_get_no_cookie(monkeypatch):
    code = session_cookie.issue_code("t3")
    assert call("POST", {"code": code}, origin="https://evil.example") == (403, [])
    assert call("POST", {"code": code}, origin="https://app.test") == (403, [])  # same host, other scheme
    assert call("POST", {"code": code}, origin=None) == (403, [])
    assert call("DELETE", origin="https://evil.example") == (403, [])
    assert call("POST", {"nothing": 1})[0] == 400
    monkeypatch.setattr(session_cookie, "CODE_SECONDS", -1)
    assert call("POST", {"code": session_cookie.issue_code("t4")}) == (400, [])


def test_logout_clears_the_cookie():
    assert call("DELETE") == (204, ["streamsync_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict"])


def test_the_page_carries_a_one_time_code_never_the_token(empty_db):
    make_user("ravi")
    at = fill_login(open_app(page="app_pages/login.py"), "ravi", PASSWORD)
    token = at.session_state["session_token"]
    sent = scripts(at)
    assert len(sent) == 1 and token not in sent[0] and token not in texts(at)
    assert session_cookie.redeem_code(code_in(sent[0])) == token
    # The next run does not send the script again; logging out sends the one that clears the cookie.
    assert not scripts(at.run())
    next(b for b in at.sidebar.button if b.label == "Log out").click()
    assert "method: 'DELETE'" in scripts(at.run())[0]


def test_profile_lists_my_sessions_and_logs_out_the_others(empty_db):
    make_user("ravi")
    other = sessions.create_session("ravi", "Other browser/1.0")
    at = open_app("ravi", page="app_pages/profile.py")
    table = at.dataframe[0].value
    assert sorted(table["Sent as"].tolist()) == ["", "Other browser/1.0"]
    assert table.loc[table["Sent as"] == "", ""].tolist() == ["This device"]
    assert fetch_one("SELECT COUNT(*) AS n FROM user_sessions")["n"] == 2
    next(b for b in at.button if b.label == "Log out all other sessions").click()
    at.run()
    assert any("Logged out 1 other session" in str(t.value) for t in at.toast)
    assert sessions.user_for_token(other) is None
    assert logged_in_as(at) == "ravi"


# --- hostile input and stale state (accounts QA pass) --------------------
def test_a_tab_whose_session_ended_elsewhere_says_so(empty_db):
    make_user("qa_tabs")
    at = open_app("qa_tabs", "app_pages/lists.py")
    sessions.revoke_other_sessions("qa_tabs", None)  # logged out in another tab, or locked by an admin
    at.run()
    assert not at.exception and "Log in" in [b.label for b in at.button]
    assert [t.value for t in at.toast] == [md(SESSION_ENDED)]
    at.run()  # said once
    assert not at.toast


def test_origins_that_only_look_like_the_apps_get_no_cookie():
    code = session_cookie.issue_code("t5")
    for origin in ("null", "http://app.test.evil.example", "http://app.test@evil.example", "http://evil.example#app.test",
                   "http://app.test:80", "app.test", "http:app.test", "HTTPS://APP.TEST", " http://app.test"):
        assert call("POST", {"code": code}, origin=origin) == (403, []), origin
    assert call("POST", {"code": code}, origin="HTTP://app.test")[0] == 204  # the scheme's case does not matter


def test_a_tab_left_open_cannot_write_after_its_account_is_locked_or_deleted(demo_db):
    """A widget's callback runs before the page checks the session, with the user of the page's last run: it
    must ask again, whichever way the account was locked (here plain SQL, as the table editor writes)."""
    film = fetch_one("SELECT media_id FROM media WHERE media_type = 'Movie' ORDER BY media_id LIMIT 1")
    for how in ("locked", "deleted"):
        viewer = make_user(f"leftopen_{how}")
        try:
            at = open_app(viewer, "app_pages/media.py", {"id": film["media_id"]})
            status = next(s for s in at.selectbox if s.label == "Watchlist status")
            with transaction(None) as conn:
                if how == "locked":
                    execute(conn, "UPDATE users SET locked_until = '9999-12-31 23:59:59' WHERE username = :u",
                            u=viewer)
                else:
                    execute(conn, "DELETE FROM users WHERE username = :u", u=viewer)
            status.set_value("watching").run()
            assert not at.exception
            assert fetch_all("SELECT * FROM watchlist_items WHERE username = :u", u=viewer) == [], how
            assert "Log in" in [b.label for b in at.button], how
        finally:
            with transaction(None) as conn:
                execute(conn, "DELETE FROM users WHERE username = :u", u=viewer)


def test_a_locked_accounts_calendar_feed_stops_answering(empty_db):
    from core import ical
    make_user("meera")
    secret = ical.regenerate("meera")
    assert ical.feed_for_secret(secret) is not None
    with transaction(None) as conn:
        execute(conn, "UPDATE users SET locked_until = '9999-12-31 23:59:59' WHERE username = 'meera'")
    assert ical.feed_for_secret(secret) is None


def _log_watch_dialog_alone():
    """What a click in the open "Log a watch" dialog runs in a browser: the dialog is a fragment, so its rerun
    runs the dialog function alone, not streamlit_app's session check."""
    import streamlit as st

    from ui.watching import log_watch_dialog
    log_watch_dialog(st.session_state["me"], st.session_state["film"], "Left Open")


def test_a_dialog_left_open_cannot_write_after_its_account_is_locked(empty_db):
    from streamlit.testing.v1 import AppTest
    viewer = make_user("dialog_open")
    with transaction("admin") as conn:
        film = execute(conn, "INSERT INTO media (title, media_type) VALUES ('Left Open', 'Movie')").lastrowid
    at = AppTest.from_function(_log_watch_dialog_alone, default_timeout=30)
    at.session_state["session_token"] = sessions.create_session(viewer)
    at.session_state["me"], at.session_state["film"] = viewer, film
    at.run()
    with transaction(None) as conn:
        execute(conn, "UPDATE users SET locked_until = '9999-12-31 23:59:59' WHERE username = :u", u=viewer)
    at.number_input(key=f"log_rating_{film}").set_value(9)
    next(b for b in at.button if b.label == "Log it").click().run()
    assert not at.exception
    assert fetch_all("SELECT * FROM watch_events WHERE username = :u", u=viewer) == []
    assert fetch_all("SELECT * FROM reviews WHERE username = :u", u=viewer) == []
    assert any("session has ended" in e.value for e in at.error)
