"""Audit triggers generated from sql/audit_spec.toml: the spec covers the schema, the head schema's triggers
are the generated ones, byte-exact comparisons, and every table the table editor writes is audited."""
from __future__ import annotations

import json
import shutil

import pytest

from core import permissions
from db import audit, fetch_all, fetch_one, migrations
from db.engine import execute, set_reason, transaction


def _columns() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in fetch_all("SELECT table_name AS t, column_name AS c FROM information_schema.columns "
                         "WHERE table_schema = DATABASE() AND table_name <> 'alembic_version' "
                         "ORDER BY table_name, ordinal_position"):
        found.setdefault(row["t"], []).append(row["c"])
    return found


def test_the_spec_accounts_for_every_table_and_column(empty_db):
    assert audit.uncovered(audit.load_spec(), _columns()) == []


def test_the_coverage_check_names_what_is_missing():
    spec = audit.load_spec()
    columns = _columns_of_spec(spec)
    columns["media"].append("tagline")
    columns["watch_parties"] = ["party_id"]
    problems = audit.uncovered(spec, columns)
    assert "media.tagline must be in exactly one of logged, hidden, ignored (it is in 0)" in problems
    assert "table watch_parties is neither audited nor in [not_audited]" in problems
    assert len(problems) == 2


def _columns_of_spec(spec: audit.Spec) -> dict[str, list[str]]:
    cols = {t.name: [*t.logged, *t.hidden, *t.ignored] for t in spec.audited}
    return {**cols, **{t: [] for t in spec.not_audited}}


def test_the_head_schema_has_exactly_the_generated_triggers(empty_db):
    """A spec change without a new audit revision (`manage.py migrate audit-revision`) fails here."""
    live = {r["name"]: r["body"] for r in fetch_all(
        "SELECT trigger_name AS name, action_statement AS body FROM information_schema.triggers "
        "WHERE trigger_schema = DATABASE() AND trigger_name LIKE :p", p="%\\_audit\\_a_")}
    assert live == audit.trigger_bodies(audit.load_spec())


def test_a_new_audit_revision_takes_an_unused_id_after_the_head(tmp_path, monkeypatch):
    """Revisions were merged out of number order (0007 follows 0009): the new one must neither reuse an id
    nor fork the history."""
    copy = tmp_path / "migrations"
    shutil.copytree(migrations.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "MIGRATIONS_DIR", copy)
    taken = {r.revision for r in migrations.scripts().walk_revisions()}
    head = migrations.head()

    path = migrations.write_audit_revision("Audit something new", "2026-12-01")

    revision = path.name.split("_")[0]
    assert revision not in taken and int(revision) == max(int(r) for r in taken) + 1
    assert migrations.head() == revision  # one head: the new revision follows the old head
    assert f'down_revision = "{head}"' in path.read_text()


def test_every_table_the_editor_can_write_is_audited():
    audited = {t.name for t in audit.load_spec().audited}
    assert set(permissions.editable_tables("admin")) <= audited


def _log(table: str, record: str) -> list[dict]:
    rows = fetch_all("SELECT username, operation, change_details FROM activity_log "
                     "WHERE table_name = :t AND record_id = :r ORDER BY log_id", t=table, r=record)
    return [{**r, "change_details": json.loads(r["change_details"])} for r in rows]


@pytest.mark.parametrize("before, after", [
    ("Wang", "WANG"),            # case only
    ("Tomas", "Tomás"),          # accent only
    ("Noir", "Noir  "),          # trailing spaces only
])
def test_an_edit_the_collation_calls_equal_still_writes_one_row(empty_db, before, after):
    with transaction("moderator") as conn:
        execute(conn, "INSERT INTO genres (name) VALUES (:n)", n=before)
        genre_id = str(fetch_one("SELECT LAST_INSERT_ID() AS id", conn)["id"])
    with transaction("moderator") as conn:
        execute(conn, "UPDATE genres SET name = :n WHERE genre_id = :g", n=after, g=genre_id)
    log = _log("genres", genre_id)
    assert [r["operation"] for r in log] == ["INSERT", "UPDATE"]
    assert log[1]["username"] == "moderator"
    assert log[1]["change_details"] == {"old": {"genre_id": int(genre_id), "name": before},
                                        "new": {"genre_id": int(genre_id), "name": after}}


def test_an_update_that_changes_nothing_writes_nothing(empty_db):
    with transaction("moderator") as conn:
        execute(conn, "INSERT INTO genres (name) VALUES ('Drama')")
        execute(conn, "UPDATE genres SET name = 'Drama' WHERE name = 'Drama'")
    assert [r["operation"] for r in fetch_all("SELECT operation FROM activity_log WHERE table_name = 'genres'")] \
        == ["INSERT"]


def test_a_reason_set_by_the_work_joins_the_details_and_ordinary_rows_keep_their_shape(empty_db):
    with transaction(None) as conn:
        execute(conn, "INSERT INTO genres (name) VALUES ('Western')")
        set_reason(conn, "merged duplicate genres")
        execute(conn, "UPDATE genres SET name = 'Westerns' WHERE name = 'Western'")
    with transaction("moderator") as conn:  # the reason does not leak into the next transaction
        execute(conn, "UPDATE genres SET name = 'Western' WHERE name = 'Westerns'")
    details = [json.loads(r["change_details"]) for r in fetch_all(
        "SELECT change_details FROM activity_log WHERE table_name = 'genres' ORDER BY log_id")]
    assert "reason" not in details[0]
    assert details[1]["reason"] == "merged duplicate genres"
    assert "reason" not in details[2]


def test_user_owned_tables_an_admin_edits_are_logged(demo_db):
    row = fetch_one("SELECT playlist_id, name FROM playlists ORDER BY playlist_id LIMIT 1")
    with transaction("admin") as conn:
        execute(conn, "UPDATE playlists SET name = :n WHERE playlist_id = :p", n=row["name"] + " (edited)",
                p=row["playlist_id"])
    log = _log("playlists", str(row["playlist_id"]))
    assert log[-1]["username"] == "admin" and log[-1]["operation"] == "UPDATE"
    assert log[-1]["change_details"]["new"]["name"] == row["name"] + " (edited)"


def test_a_password_change_is_logged_without_the_hash(empty_db):
    with transaction(None) as conn:
        execute(conn, "INSERT INTO users (username, firstname, lastname, email, password_hash) "
                      "VALUES ('audited', 'A', 'B', 'a@example.org', REPEAT('x', 60))")
    with transaction("audited") as conn:
        execute(conn, "UPDATE users SET password_hash = REPEAT('y', 60) WHERE username = 'audited'")
        execute(conn, "UPDATE users SET failed_logins = 3, last_login_at = NOW() WHERE username = 'audited'")
    log = _log("users", "audited")
    assert [r["operation"] for r in log] == ["INSERT", "UPDATE"]  # login bookkeeping alone writes nothing
    assert log[1]["change_details"]["new"]["password_changed"] is True
    assert "xxxxxxxx" not in json.dumps(log) and "yyyyyyyy" not in json.dumps(log)


def test_a_login_throttle_is_logged_as_the_systems_act_with_its_reason(empty_db):
    from datetime import datetime, timedelta

    from core import auth
    from tests.accounts_helpers import make_user

    make_user("victim")
    start = datetime(2026, 1, 10, 20, 0, 0)
    for second in range(auth.ACCOUNT_FREE_FAILURES + 1):  # the sixth is refused unchecked: no second row
        auth.login("victim", "wrong-guess", now=start + timedelta(seconds=second))
    auth.login("nobody-at-all", "wrong-guess", now=start)
    rows = fetch_all("SELECT username, record_id, change_details FROM activity_log WHERE table_name = 'users' "
                     "AND operation = 'UPDATE'")
    assert len(rows) == 1
    assert rows[0]["username"] is None and rows[0]["record_id"] == "victim"
    assert json.loads(rows[0]["change_details"]) == {"reason": auth.throttled_reason()}
