"""Issue 14, part 1: user and catalog text reaches the page as text. Every field another person controls
holds a bare URL, a `www.` name, an email, a Markdown image after a blank line and an HTML image; a second
user (and the admin) open the pages that show those fields in Chromium, and the page must hold no `<a>` or
`<img>` made from them while the text itself is there to read."""
import re
import uuid

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from db import engine
from tests.browser.helpers import PAGE_TIMEOUT, login, open_page, wait_for_app
from tests.viewer_helpers import make_user
from ui.cards import WORD_JOINER

pytestmark = pytest.mark.usefixtures("removed_after_test")

DEMO_PASSWORD = "StreamSync!2024"
EVIL = "evil.example"


def payload(tag: str, size: int) -> str:
    """As many of the attacks as fit in `size` characters, the tag first (so each field is found)."""
    text = tag
    for part in (f" https://{EVIL}/{tag}", f" www.{EVIL}", f" m@{EVIL}", f"\n\n![p](https://{EVIL}/{tag}.png)",
                 f" <img src=https://{EVIL}/{tag}-h.png>"):
        if len(text + part) <= size:
            text += part
    return text


@pytest.fixture
def attack(demo_db):
    """An attacker (a friend of the victim) whose names, playlist, review and report carry the payloads, and a
    series whose title, description, genre, cast, crew and episode carry them too."""
    run = uuid.uuid4().hex[:6]
    victim = make_user("victim")
    attacker = make_user("attacker")
    with engine.transaction(None) as conn:
        def run_sql(sql, **params):
            return engine.execute(conn, sql, **params)

        run_sql("UPDATE users SET firstname = :f, lastname = :l, email = :e WHERE username = :u",
                f=payload("fn", 100), l=payload("ln", 100), e=f"{attacker}@{EVIL}", u=attacker)
        run_sql("INSERT INTO friendships (username_1, username_2, status) VALUES (:a, :b, 'accepted')",
                a=attacker, b=victim)
        media_id = run_sql("""INSERT INTO media (title, description, release_year, media_type)
                              VALUES (:t, :d, 2020, 'Series')""",
                           t=f"zq{run} " + payload("ti", 200), d=payload("de", 1000)).lastrowid
        genre = f"g{run[:3]}"  # genre names are unique
        genre_id = run_sql("INSERT INTO genres (name) VALUES (:n)", n=payload(genre, 50)).lastrowid
        run_sql("INSERT INTO media_genres (media_id, genre_id) VALUES (:m, :g)", m=media_id, g=genre_id)
        actor = run_sql("INSERT INTO people (name) VALUES (:n)", n=payload("pa", 150)).lastrowid
        director = run_sql("INSERT INTO people (name) VALUES (:n)", n=payload("pd", 150)).lastrowid
        run_sql("INSERT INTO media_cast (media_id, person_id, character_name) VALUES (:m, :p, :c)",
                m=media_id, p=actor, c=payload("ch", 150))
        run_sql("INSERT INTO media_crew (media_id, person_id, role) VALUES (:m, :p, 'Director')",
                m=media_id, p=director)
        episode = run_sql("""INSERT INTO episodes (media_id, season_number, episode_number, title)
                             VALUES (:m, 1, 1, :t)""", m=media_id, t=payload("ep", 255)).lastrowid
        run_sql("""INSERT INTO series_progress (username, media_id, last_watched_episode_id) VALUES (:u, :m, :e)""",
                u=victim, m=media_id, e=episode)
        run_sql("INSERT INTO playlists (username, name, description) VALUES (:u, :n, :d)",
                u=attacker, n=payload("pl", 100), d=payload("pdesc", 500))
        review = run_sql("""INSERT INTO reviews (username, media_id, review_text, rating)
                            VALUES (:u, :m, :t, 9)""", u=attacker, m=media_id, t=payload("rv", 1000)).lastrowid
        run_sql("INSERT INTO review_reports (review_id, reported_by, reason) VALUES (:r, :u, :why)",
                r=review, u=victim, why=payload("rr", 200))
        run_sql("""INSERT INTO reviews (username, media_id, review_text, rating, hidden_by, hidden_reason)
                   VALUES (:u, :m, 'my own words', 7, 'moderator', :why)""",
                u=victim, m=media_id, why=payload("hr", 255))
    yield {"victim": victim, "attacker": attacker, "media_id": media_id, "run": run, "genre": genre}
    with engine.transaction(None) as conn:
        engine.execute(conn, "DELETE FROM media WHERE media_id = :m", m=media_id)
        engine.execute(conn, "DELETE FROM genres WHERE genre_id = :g", g=genre_id)
        engine.execute(conn, "DELETE FROM people WHERE person_id IN (:a, :d)", a=actor, d=director)


def assert_only_text(page, tags: list[str]) -> None:
    """No link or image on the page comes from the payloads, and each tagged field is shown, as text."""
    wanted = [f"https://{EVIL}/{tag}" for tag in tags]
    try:  # a rerun after a click may still be drawing: give the fields until the page timeout to appear
        page.wait_for_function(
            "wanted => { const t = document.body.innerText.replaceAll('\\u2060', '');"
            " return wanted.every(w => t.includes(w)); }", arg=wanted, timeout=PAGE_TIMEOUT)
    except PlaywrightTimeout:
        pass  # the assertion below names what is missing
    made = page.evaluate(f"""() => [
        ...[...document.querySelectorAll('a')].filter(a => a.href.includes('{EVIL}'))
            .map(a => 'a ' + a.href),
        ...[...document.querySelectorAll('img')].filter(i => i.src.includes('{EVIL}')).map(i => 'img ' + i.src),
    ]""")
    assert made == [], f"links or images made from user text on {page.url}: {made}"
    text = page.locator("body").inner_text().replace(WORD_JOINER, "")
    missing = [tag for tag in tags if f"https://{EVIL}/{tag}" not in text]
    assert not missing, f"fields not shown as text on {page.url}: {missing}"


def test_a_friend_and_the_catalog_cannot_put_links_or_images_in_the_victims_pages(attack, live_app, page):
    login(page, live_app, attack["victim"], DEMO_PASSWORD)

    open_page(page, live_app, f"friends?user={attack['attacker']}")
    assert_only_text(page, ["fn", "ln", "pl"])

    open_page(page, live_app, f"media?id={attack['media_id']}")
    assert_only_text(page, ["ti", "de", attack["genre"], "hr"])
    page.get_by_role("tab", name="Episodes & progress").click()
    assert_only_text(page, ["ep"])
    page.get_by_role("tab", name="Cast & crew").click()
    assert_only_text(page, ["pa", "pd", "ch"])
    page.get_by_role("tab", name="Reviews").click()
    assert_only_text(page, ["rv"])

    open_page(page, live_app, "explore")
    page.get_by_label("Search").fill(f"zq{attack['run']}")
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_test_id("stMain")).to_contain_text(re.compile(r"(?<![\d,])1 title(?!s)"))  # search done
    assert_only_text(page, ["ti"])

    open_page(page, live_app, "progress")
    assert_only_text(page, ["ti", "ep"])

    open_page(page, live_app, "")  # Home: what my friends rated and did (closed tabs are drawn when clicked)
    for tab in ("Your friends rated", "Friends' activity"):
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab, selected=True)).to_be_visible()
        wait_for_app(page)
        assert_only_text(page, ["ti"])


def test_the_admin_pages_show_hostile_names_emails_and_reasons_as_text(attack, live_app, page):
    login(page, live_app, "admin", DEMO_PASSWORD)

    open_page(page, live_app, "users")
    page.get_by_role("textbox", name="Search").fill(attack["attacker"])
    page.get_by_role("textbox", name="Search").press("Enter")
    wait_for_app(page)
    assert_only_text(page, ["fn", "ln"])
    assert f"{attack['attacker']}@{EVIL}" in page.locator("body").inner_text().replace(WORD_JOINER, "")

    open_page(page, live_app, "review-queue")
    assert_only_text(page, ["ti", "rr"])
