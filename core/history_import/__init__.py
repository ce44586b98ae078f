"""Reading a user's history from another service: Letterboxd, IMDb, Trakt (and StreamSync's own export).

`read_upload(name, data)` takes the uploaded bytes (a ZIP or one file), recognises the format from what the
files hold (their columns or JSON shape; a name only breaks a tie the content cannot), and returns a
`Parsed` with normalised `Record`s, the rows it skipped and notes. A file it cannot read raises `Refused`
with the one line to show. Nothing here touches the database.
"""
from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from core.history_import import imdb, letterboxd, streamsync, trakt
from core.history_import.records import Parsed, Problem, Record, Refused
from core.history_import.source import TextFile, csv_rows, header_key, unpack

__all__ = ["SUPPORTED", "Parsed", "Problem", "Record", "Refused", "read_upload"]

SUPPORTED = ("Letterboxd (the export ZIP or any of its CSVs), IMDb (ratings, a list or the watchlist as CSV), "
             "Trakt (the export's JSON files or their ZIP) and StreamSync's own export")

# Exports of services StreamSync does not read, so the refusal can say what the file is.
_OTHER_FORMATS = (
    ({"profile name", "start time", "duration"}, "a Netflix account-data viewing file"),
    ({"book id", "author"}, "a Goodreads export"),
    ({"userid", "movieid"}, "a MovieLens data file"),
    ({"simkl id"}, "a Simkl export"),
    ({"episode id", "tvdb id"}, "a TV Time export"),
)


def _describe(file: TextFile, rows: list[list[str]]) -> str:
    keys = {header_key(c) for c in rows[0]}
    if keys == {"title", "date"}:
        return f"{file.path} is a Netflix viewing-activity file"
    for needed, what in _OTHER_FORMATS:
        if needed <= keys:
            return f"{file.path} is {what}"
    if len(rows[0]) < 2:
        return f"{file.path} is not a CSV export (its first line has no columns)"
    shown = ", ".join(c.strip() for c in rows[0][:6] if c.strip())
    return f"{file.path} has columns ({shown}) that none of these exports has"


def _streamsync(files: list[TextFile]) -> Parsed | None:
    """StreamSync's own export, when the upload holds its manifest."""
    loaded = {f.path: (f, trakt.load(f)) for f in files
              if f.path.endswith(".json") and f.text.lstrip().startswith(("{", "["))}
    manifest = next(((f, d) for f, d in loaded.values() if streamsync.is_manifest(f, d)), None)
    if manifest is None:
        return None
    return streamsync.parse(manifest, {PurePosixPath(p).name: v for p, v in loaded.items()})


def read_upload(name: str, data: bytes, limit: int | None = None) -> Parsed:
    files = unpack(name, data, limit)
    own = _streamsync(files)
    if own is not None:
        return own
    found: dict[str, list] = {"letterboxd": [], "imdb": [], "trakt": []}
    notes, unknown = [], []
    for file in files:
        reason = letterboxd.skipped(file.path)
        if reason:
            notes.append(reason)
            continue
        if file.text.lstrip().startswith(("[", "{")):
            loaded = trakt.load(file)
            kind = trakt.role(file, loaded)
            if kind == "skip":
                notes.append(f"{file.path} holds nothing StreamSync imports (a collection, or empty).")
            elif kind is not None:
                found["trakt"].append((file, kind, loaded))
            else:
                unknown.append(f"{file.path} is JSON but not a Trakt export")
            continue
        rows = csv_rows(file)
        if not rows:
            continue
        if (kind := letterboxd.role(file, rows)) is not None:
            found["letterboxd"].append((file, kind))
        elif (kind := imdb.role(file, rows)) is not None:
            found["imdb"].append((file, kind))
        else:
            unknown.append(_describe(file, rows))
    counts = Counter({source: len(items) for source, items in found.items() if items})
    if not counts:
        detail = unknown[0] if len(unknown) == 1 else f"None of the {len(unknown)} files is an export StreamSync reads"
        raise Refused(f"{detail}: StreamSync imports {SUPPORTED}.")
    source = counts.most_common(1)[0][0]
    parsed = {"letterboxd": letterboxd.parse, "imdb": imdb.parse, "trakt": trakt.parse}[source](found[source])
    ignored = [item[0].path for other, items in found.items() if other != source for item in items]
    if ignored or unknown:
        parsed.notes.append(f"Not read, not part of this {source.capitalize()} export: "
                            f"{'; '.join(ignored + unknown)}.")
    parsed.notes = notes + parsed.notes
    return parsed
