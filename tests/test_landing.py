"""The landing page renders, and says clearly which server it tried when the database is down."""
from tests.apptest import open_app, texts


def test_landing_renders_for_a_visitor(empty_db):
    at = open_app()
    assert not at.exception
    shown = texts(at)
    assert "StreamSync" in shown
    assert "Films 0" in shown
    assert [b.label for b in at.button][:2] == ["Log in", "Create an account"]


def test_landing_says_which_server_it_tried_when_unreachable(swap_database):
    swap_database("mysql+mysqlconnector://ghost@127.0.0.1:1/streamsync")
    at = open_app()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "127.0.0.1:1" in message and "ghost" in message
    assert any(b.label == "Try again" for b in at.button)
