"""Review moderation: viewers report, moderators see the queue, hide and unhide with a reason, dismiss
reports, delete; every step is audited in the moderator's name, and viewers cannot do any of it."""
from __future__ import annotations

import uuid

import pytest

from core import moderation, reviews
from db import statement_counter
from db.engine import execute, fetch_one, scalar, transaction
from db.errors import DataRuleError, PermissionDenied
from tests.accounts_helpers import make_user
from tests.apptest import open_app, texts
from tests.catalog_helpers import add_title
from ui.cards import WORD_JOINER, md


def name(tag: str) -> str:
    return f"{tag}{uuid.uuid4().hex[:8]}"


@pytest.fixture
def cast(empty_db):
    """A moderator, an author with a review of a new title, and a reader."""
    moderator = make_user(name("mod"), role="moderator")
    author, reader = make_user(name("usr")), make_user(name("usr"))
    media = add_title(moderator, "Gangs of Wasseypur")
    reviews.save_review(author, media, 8, "A sprawling saga", False)
    review_id = scalar("SELECT review_id FROM reviews WHERE username = :u", u=author)
    return {"moderator": moderator, "author": author, "reader": reader, "media": media, "review": review_id}


def review_row(review_id: int) -> dict | None:
    return fetch_one("SELECT hidden_by, hidden_reason, rating FROM reviews WHERE review_id = :r", r=review_id)


def test_a_report_puts_the_review_in_the_queue_with_its_reason(cast):
    moderation.report_review(cast["reader"], cast["review"], "Spoils the ending")
    _found = moderation.queue("moderator", "reported")
    queue, total = _found.rows, _found.total
    assert total == 1
    assert queue[0]["review_id"] == cast["review"] and queue[0]["open_reports"] == 1
    assert queue[0]["reasons"] == f"{cast['reader']}: Spoils the ending"
    moderation.report_review(cast["reader"], cast["review"], "Spoils the ending, really")
    assert moderation.queue("moderator", "reported").rows[0]["open_reports"] == 1  # reporting twice is one report


@pytest.mark.parametrize("reason, message", [("", "Please give a reason"), ("   ", "Please give a reason"),
                                             ("x" * 256, "at most 255 characters")])
def test_a_report_needs_a_reason(cast, reason, message):
    with pytest.raises(DataRuleError, match=message):
        moderation.report_review(cast["reader"], cast["review"], reason)
    assert moderation.queue("moderator", "reported").total == 0


def test_nobody_reports_their_own_review_or_a_missing_one(cast):
    with pytest.raises(DataRuleError, match="your own review"):
        moderation.report_review(cast["author"], cast["review"], "Oops")
    with pytest.raises(DataRuleError, match="no longer exists"):
        moderation.report_review(cast["reader"], 987654, "Gone")


def test_hide_with_a_reason_closes_reports_and_is_audited(cast):
    moderation.report_review(cast["reader"], cast["review"], "<script>alert(1)</script>")
    with pytest.raises(DataRuleError, match="reason"):
        moderation.hide_review(cast["moderator"], cast["review"], " ")
    moderation.hide_review(cast["moderator"], cast["review"], "Spoilers without a warning")
    assert review_row(cast["review"]) == {"hidden_by": cast["moderator"], "hidden_reason": "Spoilers without a warning",
                                          "rating": 8}
    assert moderation.queue("moderator", "reported").total == 0
    _found = moderation.queue("moderator", "hidden")
    hidden, total = _found.rows, _found.total
    assert total == 1 and hidden[0]["hidden_reason"] == "Spoilers without a warning"
    logged = fetch_one("SELECT username, operation FROM activity_log WHERE table_name = 'reviews' "
                       "AND record_id = :r ORDER BY log_id DESC LIMIT 1", r=str(cast["review"]))
    assert logged == {"username": cast["moderator"], "operation": "UPDATE"}

    moderation.unhide_review(cast["moderator"], cast["review"])
    assert review_row(cast["review"])["hidden_by"] is None
    with pytest.raises(DataRuleError, match="not hidden"):
        moderation.unhide_review(cast["moderator"], cast["review"])


def test_dismissing_reports_keeps_the_review_visible(cast):
    moderation.report_review(cast["reader"], cast["review"], "I disagree")
    assert moderation.dismiss_reports(cast["moderator"], cast["review"]) == 1
    assert moderation.queue("moderator", "reported").total == 0
    assert review_row(cast["review"])["hidden_by"] is None


def test_delete_removes_the_review_and_its_rating(cast):
    moderation.report_review(cast["reader"], cast["review"], "Abusive")
    moderation.delete_review(cast["moderator"], cast["review"])
    assert review_row(cast["review"]) is None
    assert scalar("SELECT rating_count FROM media WHERE media_id = :m", m=cast["media"]) == 0
    assert scalar("SELECT username FROM activity_log WHERE table_name = 'reviews' AND operation = 'DELETE'") \
        == cast["moderator"]


@pytest.mark.parametrize("write", [
    lambda c: moderation.hide_review(c["reader"], c["review"], "I do not like it"),
    lambda c: moderation.unhide_review(c["reader"], c["review"]),
    lambda c: moderation.dismiss_reports(c["reader"], c["review"]),
    lambda c: moderation.delete_review(c["reader"], c["review"]),
    lambda c: moderation.queue("user", "reported"),
])
def test_viewers_cannot_moderate(cast, write):
    with pytest.raises(PermissionDenied):
        write(cast)
    assert review_row(cast["review"]) == {"hidden_by": None, "hidden_reason": None, "rating": 8}


def test_the_queue_page_hides_a_reported_review_with_a_reason(cast):
    moderation.report_review(cast["reader"], cast["review"], "Spoils the ending")
    at = open_app(cast["moderator"], "app_pages/moderation_reviews.py")
    assert not at.exception
    shown = texts(at)
    assert "A sprawling saga" in shown and "Spoils the ending" in shown
    with statement_counter.measure() as m:
        at.run()
    assert m.statements <= 4  # session check, queue count, queue page (+ nothing per review)
    at.text_input(key=f"mr_reason_{cast['review']}").set_value("Spoilers")
    next(b for b in at.button if b.key == f"mr_hide_{cast['review']}").click()
    at.run()
    assert not at.exception
    assert review_row(cast["review"])["hidden_reason"] == "Spoilers"
    assert "No open reports" in texts(at)


# --- hostile input and stale state (moderation QA pass) --------------------
INJECTION = "**x** <img src=x onerror=alert(1)> [a](javascript:alert(1))"

@pytest.fixture
def moderator(empty_db):
    return make_user(name("mod"), role="moderator")


def test_the_review_queue_shows_reasons_titles_and_names_as_typed(moderator):
    author, reader, other = make_user(name("usr")), make_user(name("usr")), make_user(name("usr"))
    media = add_title(moderator, f"Title {INJECTION}")
    reviews.save_review(author, media, 3, "Meh", False)
    review = scalar("SELECT review_id FROM reviews")
    moderation.report_review(reader, review, INJECTION)
    moderation.report_review(other, review, "Second reason")
    at = open_app(moderator, "app_pages/moderation_reviews.py")
    assert not at.exception
    escaped = md(INJECTION)
    # The title is named as typed and links to its page.
    assert [(link.proto.label, link.proto.query_string) for link in at.page_link
            if "Title" in link.proto.label] == [(f"**Title {escaped}**", f"id={media}")]
    warning = at.warning[0].value
    assert escaped in warning
    assert sorted(warning.split("\n\n", 1)[1].replace("\\", "").replace(WORD_JOINER, "").split("  \n")) == sorted(
        [f"{reader}: {INJECTION}", f"{other}: Second reason"])  # one reason per line


def test_hiding_a_review_another_moderator_hid_meanwhile_keeps_their_reason(moderator):
    other, author = make_user(name("mod"), role="moderator"), make_user(name("usr"))
    reviews.save_review(author, add_title(moderator, "Andaz Apna Apna"), 10, "Cult classic", False)
    review = scalar("SELECT review_id FROM reviews")
    moderation.hide_review(other, review, "Off topic")
    with pytest.raises(DataRuleError, match=f"{other} hid this review meanwhile"):
        moderation.hide_review(moderator, review, "Spoilers")
    assert scalar("SELECT hidden_reason FROM reviews WHERE review_id = :r", r=review) == "Off topic"


@pytest.mark.parametrize("change", ["locked_until = '9999-12-31 23:59:59'", "role = 'user'"])
def test_a_moderator_locked_or_demoted_mid_session_moderates_nothing(cast, change):
    """The queue's writes run from a page drawn before the lock or the demotion (its delete dialog reruns
    without the page's checks): the role is the database's at the moment of the write, and a locked account
    has none."""
    moderation.report_review(cast["reader"], cast["review"], "Spoils the ending")
    with transaction(None) as conn:
        execute(conn, f"UPDATE users SET {change} WHERE username = :u", u=cast["moderator"])
    for write in (lambda: moderation.hide_review(cast["moderator"], cast["review"], "Spoilers"),
                  lambda: moderation.dismiss_reports(cast["moderator"], cast["review"]),
                  lambda: moderation.delete_review(cast["moderator"], cast["review"])):
        with pytest.raises(PermissionDenied):
            write()
    assert review_row(cast["review"]) == {"hidden_by": None, "hidden_reason": None, "rating": 8}
    assert scalar("SELECT COUNT(*) FROM review_reports WHERE resolved_at IS NULL") == 1
