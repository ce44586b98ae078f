"""Helpers for tests that need catalog rows: they go in through the table editor's own path (diff, then save
as the actor), as a moderator would add them."""
from __future__ import annotations

import uuid

from core import table_editor as te
from core import tables
from db.whitelist import catalog


def name(tag: str) -> str:
    """A name no other test uses."""
    return f"{tag}{uuid.uuid4().hex[:8]}"


def edit(actor: str, table: str, state: dict, original: list[dict] | None = None,
         decoder: te.Decoder | None = None) -> te.ChangeSet:
    """What the page does on Save → Apply: diff the grid state, then save it as `actor`."""
    changes = te.diff(catalog().table(table), original or [], state, decoder)
    te.save(actor, changes)
    return changes


def rows(table: str, role: str = "admin", **filters) -> list[dict]:
    """The editor's own view of a table (filtered with `equals`)."""
    column, value = next(iter(filters.items())) if filters else (None, None)
    return tables.browse(role, table, filter_column=column, filter_op="equals", filter_value=value).rows


def insert(actor: str, table: str, **values) -> None:
    edit(actor, table, {"added_rows": [values]})


def add_title(actor: str, title: str, media_type: str = "Movie") -> int:
    insert(actor, "media", title=title, media_type=media_type)
    return rows("media", title=title)[0]["media_id"]


def add_person(actor: str, person: str) -> int:
    insert(actor, "people", name=person)
    return rows("people", name=person)[0]["person_id"]


def add_genre(actor: str, genre: str) -> int:
    insert(actor, "genres", name=genre)
    return rows("genres", name=genre)[0]["genre_id"]
