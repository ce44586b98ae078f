"""An activity entry names what it is about and the title it concerns, from the values the log kept."""
from core.activity import subject


def entry(table: str, record: str, old=None, new=None) -> dict:
    return {"table_name": table, "record_id": record, "change_details": {"old": old, "new": new}}


def test_a_title_is_named_and_linked_even_after_it_was_deleted():
    assert subject(entry("media", "28", old={"title": "Sholay", "release_year": 1975})) == ("Sholay", 28)
    assert subject(entry("media", "28", new={"title": "Sholay"}, old={"title": "Shole"})) == ("Sholay", 28)


def test_a_row_that_names_a_title_links_to_it_and_a_person_is_named():
    assert subject(entry("reviews", "901", new={"media_id": 5, "rating": 8})) == ("reviews 901", 5)
    assert subject(entry("people", "77", new={"name": "Amitabh Bachchan"})) == ("Amitabh Bachchan", None)


def test_an_entry_without_values_or_with_a_strange_record_id_is_named_by_its_table():
    assert subject({"table_name": "media", "record_id": "=cmd|' /C calc'!A0", "change_details": {}}) == (
        "media =cmd|' /C calc'!A0", None)
    assert subject(entry("genres", "3")) == ("genres 3", None)
