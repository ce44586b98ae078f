"""The one record type every importer produces, and the two ways input can be wrong.

A source file is read into `Record`s (one per thing the user did: a watch, a rating, a review, a watchlist
entry, a list item). A row that cannot be read becomes a `Problem` (one line, the row is skipped); a file
that cannot be read at all raises `Refused` (one line, nothing is read)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

KINDS = ("watch", "rating", "review", "watchlist", "list_item")
KIND_LABELS = {"watch": "watches", "rating": "ratings", "review": "reviews", "watchlist": "watchlist entries",
               "list_item": "list entries"}
MOVIE, SERIES = "Movie", "Series"


class Refused(Exception):
    """The whole upload is refused; str(exc) is the one line the preview shows."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One row that was skipped, and why. row is the data row's number in its file (1 = first under the
    header), or None for a note about the file as a whole."""
    file: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" if self.row is not None else self.file
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Record:
    """Something the user did with one title (or one episode of a series), as a source file says it.

    `when` is the watch's date (None: the date is unknown) for a watch, and when the rating, review,
    watchlist or list entry was made for the others (None: not said). rating is on StreamSync's 1-10 scale.
    """
    kind: str
    source: str                      # letterboxd, imdb, trakt, streamsync
    file: str
    row: int
    title: str
    year: int | None = None
    media_type: str | None = None    # Movie, Series or None when the source does not say
    imdb_id: str | None = None
    tmdb_id: int | None = None
    tvdb_id: int | None = None
    trakt_id: int | None = None
    when: date | datetime | None = None
    rewatch: bool = False
    rating: int | None = None
    review: str | None = None
    spoilers: bool = False
    status: str | None = None        # watchlist status (plan_to_watch unless the source says otherwise)
    list_name: str | None = None
    list_description: str | None = None
    position: int | None = None
    season: int | None = None        # an episode's season and number (Trakt episodes)
    episode: int | None = None
    viewing: int | None = None       # the viewing number, when the source keeps it (StreamSync's own export)


@dataclass(slots=True)
class Parsed:
    """What a file held: its format, the records, the rows skipped, and notes about how it was read."""
    source: str
    label: str                       # e.g. "Letterboxd export (ZIP: diary, ratings, 25 lists)"
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Lists without a single item have no record to carry them: (name, description, when, file).
    empty_lists: list[tuple[str, str | None, date | datetime | None, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(KINDS, 0)
        for record in self.records:
            found[record.kind] += 1
        return found
