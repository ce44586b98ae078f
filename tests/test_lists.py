"""Lists: playlists (create, rename, delete, add, remove, reorder) and the status watchlist, through the page
and through the writes other pages call."""
import pytest

from core import playlists, watchlist
from db.errors import DataRuleError, PermissionDenied
from tests.apptest import open_app, open_tab, texts
from tests.viewer_helpers import (
    PAGE_BUDGET,
    button,
    make_busy_user,
    make_user,
    rerun_statements,
    shown,
    some_titles,
)
from ui.cards import md

pytestmark = pytest.mark.usefixtures("removed_after_test")

PAGE = "app_pages/lists.py"
SCRIPT = "<script>alert(1)</script>"
DESCRIPTION = "**not bold** [x](javascript:alert(1))"


def test_new_user_sees_what_to_do(demo_db):
    me = make_user()
    at = open_app(me, page=PAGE)
    assert not at.exception
    text = shown(at)
    assert "You have no playlists yet" in text and "Your watchlist is empty" not in text  # the closed tab
    assert rerun_statements(at) <= PAGE_BUDGET
    assert "Your watchlist is empty" in shown(open_tab(at, "Watchlist"))
    assert "You have no playlists yet" not in shown(at)


def test_create_fill_reorder_and_delete_a_playlist(demo_db):
    me = make_user()
    first, second = some_titles(me, 2)
    at = open_app(me, page=PAGE)
    at.text_input(key="new_playlist_name").input("  Weekend films ")
    button(at, "Create playlist").click().run()
    assert "Created the playlist 'Weekend films'." in shown(at)
    [created] = playlists.list_for_user(me)
    assert created["name"] == "Weekend films"
    assert at.selectbox(key="lists_playlist").value == created["playlist_id"]
    pid = created["playlist_id"]

    for row in (first, second):  # find each title by name and add it
        at.text_input(key=f"add_query_{pid}").input(row["title"]).run()
        at.selectbox(key=f"add_choice_{pid}").select(row["media_id"]).run()
        at.button(key=f"add_{pid}").click().run()
        assert not at.exception and "Added '" in shown(at)
    order = [i["media_id"] for i in playlists.items_of(me, pid)]
    assert order == [first["media_id"], second["media_id"]]

    # Read as a numbered list of links; the controls come with "Reorder or remove".
    links = [link.label for link in at.get("page_link") if link.label.startswith(("1\\.", "2\\."))]
    assert [label.split(" (")[0] for label in links] == [f"1\\. {md(first['title'])}", f"2\\. {md(second['title'])}"]
    assert not [b for b in at.button if b.key and b.key.startswith(f"up_{pid}_")]
    at.toggle(key=f"edit_{pid}").set_value(True).run()
    at.button(key=f"up_{pid}_{second['media_id']}").click().run()
    assert [i["media_id"] for i in playlists.items_of(me, pid)] == [second["media_id"], first["media_id"]]
    assert at.button(key=f"up_{pid}_{second['media_id']}").disabled  # now first: cannot go higher

    at.button(key=f"remove_{pid}_{first['media_id']}").click().run()
    assert [i["media_id"] for i in playlists.items_of(me, pid)] == [second["media_id"]]

    at.button(key=f"delete_{pid}").click().run()  # asks first
    assert "This cannot be undone" in shown(at)
    assert playlists.list_for_user(me)
    button(at, "Yes, delete it").click().run()
    assert playlists.list_for_user(me) == []
    assert "Deleted the playlist 'Weekend films'." in shown(at)
    assert "You have no playlists yet" in shown(at)


def test_rename_a_playlist(demo_db):
    me = make_user()
    pid = playlists.create_playlist(me, "Old name")
    at = open_app(me, page=PAGE)
    at.text_input(key=f"rename_name_{pid}").input("New name")
    button(at, "Save").click().run()
    assert "Saved 'New name'." in shown(at)
    assert [p["name"] for p in playlists.list_for_user(me)] == ["New name"]


def test_duplicate_name_is_refused_ignoring_case(demo_db):
    me = make_user()
    playlists.create_playlist(me, "Favourites")
    at = open_app(me, page=PAGE)
    at.text_input(key="new_playlist_name").input("FAVOURITES")
    button(at, "Create playlist").click().run()
    assert md("You already have a playlist called 'Favourites'") in " ".join(e.value for e in at.error)
    assert len(playlists.list_for_user(me)) == 1
    # Renaming another playlist onto it is refused the same way.
    other = playlists.create_playlist(me, "Other")
    with pytest.raises(DataRuleError, match="already have a playlist called"):
        playlists.rename_playlist(me, other, "favourites")


def test_a_refusal_shows_beside_its_form_and_goes_with_the_next_action(demo_db):
    me = make_user()
    playlists.create_playlist(me, "Favourites")
    at = open_app(me, page=PAGE)
    at.text_input(key="new_playlist_name").input("favourites")
    button(at, "Create playlist").click().run()
    form_box = next(e for e in at.expander if e.label == "New playlist")
    assert [e.value for e in form_box.error] == [md("You already have a playlist called 'Favourites'. "
                                                    "Pick another name.")]
    assert len(at.error) == 1  # beside the form, not also at the top of the page
    at.selectbox(key="lists_playlist").select(playlists.list_for_user(me)[0]["playlist_id"]).run()
    assert not at.error


@pytest.mark.parametrize("name, message", [("", "needs a name"), ("   ", "needs a name"),
                                           ("x" * 101, "at most 100 characters")])
def test_bad_names_are_refused(demo_db, name, message):
    me = make_user()
    with pytest.raises(DataRuleError, match=message):
        playlists.create_playlist(me, name)
    assert playlists.list_for_user(me) == []


def test_script_in_a_name_is_shown_as_text(demo_db):
    me = make_user()
    playlists.create_playlist(me, SCRIPT, description=DESCRIPTION)
    at = open_app(me, page=PAGE)
    assert not at.exception
    assert at.selectbox(key="lists_playlist").options == [f"{SCRIPT} (0 titles)"]
    # Markdown elements get the name escaped, so the browser shows the characters, not a tag or a link.
    [heading] = [h.value for h in at.subheader if "script" in h.value]
    assert heading == r"\<script\>alert\(1\)\</script\>"
    assert all(SCRIPT not in el.value for el in [*at.markdown, *at.caption])
    assert md(DESCRIPTION) in texts(at) and DESCRIPTION not in texts(at)


def test_someone_elses_playlist_is_refused(demo_db):
    owner, intruder = make_user(), make_user()
    [title] = some_titles(owner, 1)
    pid = playlists.create_playlist(owner, "Mine")
    playlists.add_item(owner, pid, title["media_id"])
    for write, args in [(playlists.add_item, (pid, title["media_id"])),
                        (playlists.remove_item, (pid, title["media_id"])),
                        (playlists.move_item, (pid, title["media_id"], 1)),
                        (playlists.rename_playlist, (pid, "Taken over")),
                        (playlists.delete_playlist, (pid,))]:
        with pytest.raises(PermissionDenied, match="not one of your playlists"):
            write(intruder, *args)
    assert playlists.list_for_user(owner)[0]["name"] == "Mine"
    assert [i["media_id"] for i in playlists.items_of(owner, pid)] == [title["media_id"]]


def test_adding_twice_or_an_unknown_title_is_refused(demo_db):
    me = make_user()
    [title] = some_titles(me, 1)
    pid = playlists.create_playlist(me, "Once")
    playlists.add_item(me, pid, title["media_id"])
    with pytest.raises(DataRuleError, match="already in 'Once'"):
        playlists.add_item(me, pid, title["media_id"])
    with pytest.raises(DataRuleError, match="does not exist"):
        playlists.add_item(me, pid, 999_999_999)
    with pytest.raises(DataRuleError, match="not in 'Once'"):
        playlists.remove_item(me, pid, 999_999_999)


def test_a_new_playlist_with_an_unknown_first_title_is_not_left_behind_empty(demo_db):
    me = make_user()
    with pytest.raises(DataRuleError):
        playlists.create_playlist(me, "Half made", first_title=987654321)
    assert playlists.list_for_user(me) == []
    made = playlists.create_playlist(me, "Whole", first_title=some_titles(me, 1)[0]["media_id"])
    assert [(p["playlist_id"], p["item_count"]) for p in playlists.list_for_user(me)] == [(made, 1)]


def test_watchlist_counts_per_status_and_moving_between_them(demo_db):
    me = make_user()
    a, b, c = some_titles(me, 3)
    watchlist.set_status(me, a["media_id"], "watching")
    watchlist.set_status(me, b["media_id"], "watching")
    watchlist.set_status(me, c["media_id"], "dropped")
    at = open_tab(open_app(me, page=PAGE), "Watchlist")
    text = shown(at)
    assert "Watching 2" in text and "Dropped 1" in text and "Completed 0" in text
    at.selectbox(key=f"watch_move_{a['media_id']}").select("completed").run()
    assert f"Moved '{a['title']}' to Completed." in shown(at)
    statuses = {w["media_id"]: w["status"] for w in watchlist.items_for_user(me)}
    assert statuses[a["media_id"]] == "completed"
    assert "Watching 1" in shown(at) and "Completed 1" in shown(at)
    at.button(key=f"watch_remove_{b['media_id']}").click().run()
    assert b["media_id"] not in {w["media_id"] for w in watchlist.items_for_user(me)}
    with pytest.raises(DataRuleError, match="Unknown watchlist status"):
        watchlist.set_status(me, a["media_id"], "binged")


def test_statement_count_does_not_grow_with_the_lists(demo_db):
    light_user = make_user()  # one of everything the page reads
    [title] = some_titles(light_user, 1)
    playlists.add_item(light_user, playlists.create_playlist(light_user, "List 0"), title["media_id"])
    watchlist.set_status(light_user, title["media_id"], "plan_to_watch")
    light = open_app(light_user, page=PAGE)
    busy = open_app(make_busy_user(), page=PAGE)
    assert not busy.exception
    assert "List 0" in busy.selectbox(key="lists_playlist").options[0]
    assert rerun_statements(busy) == rerun_statements(light) <= PAGE_BUDGET
    for at in (light, busy):
        open_tab(at, "Watchlist")
    assert [s.key for s in busy.selectbox if s.key and s.key.startswith("watch_move_")]
    assert rerun_statements(busy) == rerun_statements(light) <= PAGE_BUDGET


def test_a_long_watchlist_comes_in_pages(demo_db):
    me = make_user()
    titles = some_titles(me, 27)
    for row in titles:
        watchlist.set_status(me, row["media_id"], "plan_to_watch")
    at = open_app(me, page=PAGE, query={"tab": "Watchlist"})  # a refresh or a link keeps the open tab
    assert "Plan to watch 27" in shown(at)
    on_page = [s.key for s in at.selectbox if s.key and s.key.startswith("watch_move_")]
    assert len(on_page) == 25
    at.button(key="watch_page_plan_to_watch_next").click().run()
    on_page_two = [s.key for s in at.selectbox if s.key and s.key.startswith("watch_move_")]
    assert len(on_page_two) == 2 and not set(on_page_two) & set(on_page)
    assert "Page 2 of 2 · 27 titles" in shown(at)


# --- hostile input and stale pages (viewer QA pass) --------------------
# --- Playlists: names ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["\u200b", " \u200b\u200e ", "\u2060"])
def test_a_playlist_name_of_only_invisible_characters_is_refused(demo_db, name):
    me = make_user()
    with pytest.raises(DataRuleError, match="needs a name"):
        playlists.create_playlist(me, name)
    keep = playlists.create_playlist(me, "Keep")
    with pytest.raises(DataRuleError, match="needs a name"):
        playlists.rename_playlist(me, keep, name)
    assert [p["name"] for p in playlists.list_for_user(me)] == ["Keep"]


@pytest.mark.parametrize("first, second", [("🎬 Films", "🍿 Films"), ("Café", "cafe")])
def test_a_name_the_database_counts_as_the_same_says_so_on_the_page(demo_db, first, second):
    # The column's collation equates accents and all emoji; the message said "You already have a playlist
    # called '🎬 Films'" to someone who typed '🍿 Films'.
    me = make_user()
    playlists.create_playlist(me, first)
    at = open_app(me, page="app_pages/lists.py")
    at.text_input(key="new_playlist_name").input(second)
    button(at, "Create playlist").click().run()
    assert f"'{second}' counts as the same name as your playlist '{first}'" in shown(at)
    assert [p["name"] for p in playlists.list_for_user(me)] == [first]


def test_the_chosen_playlist_is_kept_in_the_address(demo_db):
    me, other = make_user(), make_user()
    first = playlists.create_playlist(me, "First")
    second = playlists.create_playlist(me, "Second")
    theirs = playlists.create_playlist(other, "Theirs")
    at = open_app(me, page=PAGE, query={"playlist": second})  # a refresh or a shared link
    assert [h.value for h in at.subheader][0] == "Second"
    at.selectbox(key="lists_playlist").select(first).run()
    assert at.query_params["playlist"] == str(first)
    assert [h.value for h in at.subheader][0] == "First"
    for wrong in (theirs, "abc", "9" * 30):
        at = open_app(me, page=PAGE, query={"playlist": wrong})
        assert not at.exception
        assert [h.value for h in at.subheader][0] == "First"  # my first playlist, never someone else's
        assert "playlist" not in at.query_params


def test_the_watchlist_status_shown_is_kept_across_the_other_tab(demo_db):
    me = make_user()
    a, b = some_titles(me, 2)
    watchlist.set_status(me, a["media_id"], "plan_to_watch")
    watchlist.set_status(me, b["media_id"], "dropped")
    at = open_tab(open_app(me, page=PAGE), "Watchlist")
    at.radio(key="watch_status").set_value("dropped").run()
    assert [s.key for s in at.selectbox if s.key.startswith("watch_move_")] == [f"watch_move_{b['media_id']}"]
    open_tab(at, "Playlists")
    assert not [r for r in at.radio if r.key == "watch_status"]  # the closed tab draws nothing
    open_tab(at, "Watchlist")
    assert at.radio(key="watch_status").value == "dropped"
    assert [s.key for s in at.selectbox if s.key.startswith("watch_move_")] == [f"watch_move_{b['media_id']}"]
