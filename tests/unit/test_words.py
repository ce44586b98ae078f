"""core.words.plural and the count labels built on it."""
from core.words import plural
from ui.cards import count_label, rating_text


def test_one_is_singular_everything_else_plural_with_separators():
    assert [plural(n, "title") for n in (0, 1, 2, 12345)] == ["0 titles", "1 title", "2 titles", "12,345 titles"]
    assert plural(2, "person", "people") == "2 people" and plural(1, "person", "people") == "1 person"


def test_count_labels_and_ratings_use_it():
    assert (count_label(1, "titles"), count_label(24, "titles")) == ("1 title", "24 titles")
    assert count_label(10_000, "titles", capped=True) == "more than 10,000 titles"
    assert rating_text(7.84, 1) == "★ 7.8 · 1 rating" and rating_text(None, 0) == "No ratings yet"
