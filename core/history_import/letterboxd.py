"""Letterboxd's "Export your data" ZIP, or any of its CSVs alone, and Letterboxd's own import CSV format.

What each file becomes:
- diary.csv: a dated watch per row (Watched Date, else the logged Date), with Rewatch and the rating given;
- ratings.csv: the current rating per film (0.5-5 stars in half steps, times two on StreamSync's 1-10);
- reviews.csv: review text (multi-line, quoted) with its rating; the watch itself is already in diary.csv;
- watched.csv: a watch with an unknown date, for films the diary does not hold (its Date is when the film
  was marked, not when it was seen);
- watchlist.csv: plan to watch;
- lists/*.csv: a metadata block (`Date,Name,Tags,URL,Description` and one row; older exports add a
  "Letterboxd list export v7" line first), a blank line, then `Position,Name,Year,URL,Description`: a
  playlist in that order with the list's description.
- A CSV in Letterboxd's import format (`Title,Year,imdbID,tmdbID,WatchedDate,Rating10,Review,...`, which
  StreamSync's export writes too): a watch when WatchedDate is given, its rating and review.
profile.csv, comments.csv, likes/, deleted/ and orphaned/ hold nothing StreamSync keeps: skipped, said in a note.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from core.history_import.records import MOVIE, Parsed, Problem, Record, Refused
from core.history_import.source import (
    TextFile,
    cell,
    csv_rows,
    dict_rows,
    header_key,
    imdb_id,
    parse_int,
    parse_when,
    parse_year,
    require_columns,
)
from core.history_import.titles import title_key

SOURCE = "letterboxd"
LIST_HEADER = ["position", "name", "year", "url", "description"]
_SKIPPED_FOLDERS = ("likes", "deleted", "orphaned")
_SKIPPED_FILES = {"profile.csv": "your profile", "comments.csv": "comments on others' reviews and lists"}
_IMPORT_FORMAT_KEYS = {"imdbid", "tmdbid", "rating10", "watcheddate", "letterboxduri"}


def role(file: TextFile, rows: list[list[str]]) -> str | None:
    """What this CSV is in a Letterboxd export (diary, ratings, ...), or None when it is not Letterboxd's."""
    keys = {header_key(c) for c in rows[0]} if rows else set()
    if any([header_key(c) for c in r[:5]] == LIST_HEADER for r in rows[:40]) or \
            (rows and rows[0] and rows[0][0].startswith("Letterboxd list export")):
        return "list"
    if "letterboxd uri" in keys and "name" in keys:
        if "review" in keys:
            return "reviews"
        if "watched date" in keys or "rewatch" in keys:
            return "diary"
        if "rating" in keys:
            return "ratings"
        return "watchlist" if "watchlist" in file.name.lower() else "watched"
    if "title" in keys and keys & _IMPORT_FORMAT_KEYS:
        return "import_format"
    return None


def _stars(text: str) -> int | None:
    """Letterboxd's 0.5-5 stars as 1-10 (every half step is a whole number there)."""
    text = text.strip()
    if not text:
        return None
    if set(text) <= {"★", "½"}:  # the stars as Letterboxd shows them, pasted into a spreadsheet
        return text.count("★") * 2 + text.count("½")
    try:
        stars = float(text)
    except ValueError:
        raise ValueError(f"the rating {text!r} is not a number of stars (0.5 to 5)") from None
    if not 0.5 <= stars <= 5 or stars * 2 != int(stars * 2):
        raise ValueError(f"the rating {text!r} is not 0.5 to 5 stars in half steps")
    return int(stars * 2)


def _ten(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"the rating {value!r} is not a number from 1 to 10") from None
    if not 1 <= number <= 10 or number != int(number):
        raise ValueError(f"the rating {value!r} is not a whole number from 1 to 10")
    return int(number)


def _film(row: dict, file: TextFile, number: int, kind: str, **extra) -> Record:
    title = row.get("name") or row.get("title") or ""
    if not title.strip():
        raise ValueError("the film has no name")
    return Record(kind=kind, source=SOURCE, file=file.path, row=number, title=title.strip(),
                  year=parse_year(row.get("year", "")), media_type=MOVIE,
                  imdb_id=imdb_id(row.get("imdbid")), tmdb_id=parse_int(row.get("tmdbid", "")), **extra)


def _rows(file: TextFile, needed: dict[str, str]):
    keys, rows = dict_rows(file)
    require_columns(file, keys, needed)
    for number, row in enumerate(rows, start=1):
        if row:
            yield number, row


_NAMED = {"name": "Name", "year": "Year"}


def _diary(file: TextFile, out: Parsed) -> None:
    for number, row in _rows(file, {**_NAMED, "date": "Date"}):
        try:
            when = parse_when(row.get("watched date", "")) or parse_when(row.get("date", ""))
            out.records.append(_film(row, file, number, "watch", when=when,
                                     rewatch=row.get("rewatch", "").lower() in ("yes", "true", "1"),
                                     rating=_stars(row.get("rating", ""))))
        except ValueError as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the row is skipped"))


def _ratings(file: TextFile, out: Parsed) -> None:
    for number, row in _rows(file, {**_NAMED, "rating": "Rating"}):
        try:
            rating = _stars(row.get("rating", ""))
            if rating is not None:
                out.records.append(_film(row, file, number, "rating", when=parse_when(row.get("date", "")),
                                         rating=rating))
        except ValueError as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the row is skipped"))


def _reviews(file: TextFile, out: Parsed) -> None:
    for number, row in _rows(file, {**_NAMED, "review": "Review"}):
        try:
            when = parse_when(row.get("watched date", "")) or parse_when(row.get("date", ""))
            text = row.get("review", "")
            if text:
                out.records.append(_film(row, file, number, "review", when=when, review=text,
                                         rating=_stars(row.get("rating", ""))))
        except ValueError as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the row is skipped"))


def _plain(file: TextFile, out: Parsed, kind: str) -> None:
    for number, row in _rows(file, _NAMED):
        try:
            when = parse_when(row.get("date", ""))
            if kind == "watch":
                # watched.csv's Date is when the film was marked as seen, not when it was seen.
                out.records.append(_film(row, file, number, "watch", when=None))
            else:
                out.records.append(_film(row, file, number, "watchlist", when=when, status="plan_to_watch"))
        except ValueError as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the row is skipped"))


def _import_format(file: TextFile, out: Parsed) -> None:
    watchlist = "watchlist" in file.name.lower()
    for number, row in _rows(file, {"title": "Title"}):
        try:
            rating = _ten(row.get("rating10", "")) if row.get("rating10") else _stars(row.get("rating", ""))
            when = parse_when(row.get("watcheddate", ""))
            common = {"rating": rating}
            if watchlist:
                out.records.append(_film(row, file, number, "watchlist", status="plan_to_watch"))
                continue
            if when is not None:
                out.records.append(_film(row, file, number, "watch", when=when, **common,
                                         rewatch=row.get("rewatch", "").lower() in ("yes", "true", "1")))
            elif rating is not None:
                out.records.append(_film(row, file, number, "rating", **common))
            if row.get("review"):
                out.records.append(_film(row, file, number, "review", when=when, review=row["review"], **common))
        except ValueError as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the row is skipped"))


def _list(file: TextFile, out: Parsed) -> None:
    rows = csv_rows(file)
    start = next((i for i, r in enumerate(rows) if [header_key(c) for c in r[:5]] == LIST_HEADER), None)
    if start is None:
        raise Refused(f"{file.path} looks like a Letterboxd list but has no 'Position,Name,Year,URL,Description' "
                      "header; upload the list as Letterboxd exported it.")
    meta: dict[str, str] = {}
    head = [r for r in rows[:start] if any(c.strip() for c in r) and not r[0].startswith("Letterboxd list export")]
    if len(head) >= 2:
        meta = {header_key(k): cell(v) for k, v in zip(head[0], head[1], strict=False)}
    name = meta.get("name") or PurePosixPath(file.path).stem.replace("-", " ").strip().capitalize()
    description = meta.get("description") or None
    keys = [header_key(c) for c in rows[start]]
    if not any(any(c.strip() for c in cells) for cells in rows[start + 1:]):
        out.empty_lists.append((name, description, parse_when(meta.get("date", "")), file.path))
    for offset, cells in enumerate(rows[start + 1:], start=1):
        if not any(c.strip() for c in cells):
            continue
        row = {k: (cell(cells[i]) if i < len(cells) else "") for i, k in enumerate(keys)}
        try:
            out.records.append(_film(row, file, offset, "list_item", when=parse_when(meta.get("date", "")),
                                     list_name=name, list_description=description,
                                     position=parse_int(row.get("position", "")) or offset))
        except ValueError as exc:
            out.problems.append(Problem(file.path, offset, f"{exc}; the row is skipped"))


_READERS = {"diary": _diary, "ratings": _ratings, "reviews": _reviews, "import_format": _import_format,
            "list": _list}
_ORDER = ("diary", "reviews", "ratings", "watched", "watchlist", "import_format", "list")
_LABELS = {"diary": "diary", "reviews": "reviews", "ratings": "ratings", "watched": "watched films",
           "watchlist": "watchlist", "import_format": "films in Letterboxd's import format", "list": "lists"}


def skipped(path: str) -> str | None:
    """Why this member of a Letterboxd ZIP is left out, or None when it is read."""
    parts = PurePosixPath(path).parts
    # Some unpackers and re-zips put the whole export in a folder of its own: look at every level.
    folder = next((p for p in parts[:-1] if p.lower() in _SKIPPED_FOLDERS), None)
    if folder:
        return f"{folder}/ is not imported (likes, deleted and orphaned entries)"
    why = _SKIPPED_FILES.get(parts[-1].lower())
    return why and f"{parts[-1]} ({why}) is not imported"


def parse(files: list[tuple[TextFile, str]]) -> Parsed:
    """Read (file, role) pairs of one Letterboxd export into records."""
    roles = sorted(files, key=lambda fr: _ORDER.index(fr[1]))
    found = [r for _, r in roles]
    parts = [f"{found.count(r)} {_LABELS[r]}" if r == "list" else _LABELS[r] for r in dict.fromkeys(found)]
    out = Parsed(SOURCE, f"Letterboxd export ({', '.join(parts)})")
    for file, kind in roles:
        if kind in ("watched", "watchlist"):
            _plain(file, out, "watch" if kind == "watched" else "watchlist")
        else:
            _READERS[kind](file, out)
        if kind == "watched" and not file.name.lower().startswith("watched"):
            out.notes.append(f"{file.path} has the columns of both watched.csv and watchlist.csv; it is read as "
                             "watched films because its name does not say watchlist.")
    _drop_watched_in_diary(out)
    return out


def _drop_watched_in_diary(out: Parsed) -> None:
    """watched.csv lists every film seen, the diary's too: keep its undated watch only for films without a
    dated one, so a film is not counted as seen twice."""
    dated = {(title_key(r.title), r.year) for r in out.records if r.kind == "watch" and r.when is not None}
    if not dated:
        return
    before = len(out.records)
    out.records = [r for r in out.records
                   if not (r.kind == "watch" and r.when is None and (title_key(r.title), r.year) in dated)]
    if before != len(out.records):
        out.notes.append(f"{before - len(out.records):,} films of watched.csv are already in the diary with a date; "
                         "they are not counted again.")
