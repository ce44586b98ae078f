"""IMDb's CSV exports: your ratings, a list, and the watchlist (which IMDb exports as a list).

Layouts met in the wild (columns are compared ignoring case and punctuation, by name, never by position):
- ratings since 2023: `Const,Your Rating,Date Rated,Title,Original Title,URL,Title Type,IMDb Rating,
  Runtime (mins),Year,Genres,Num Votes,Release Date,Directors`; before that the same without Original Title;
- the oldest: `position,const,created,modified,description,Title,Title type,Directors,You rated,IMDb Rating,
  Runtime (mins),Year,Genres,Num. Votes,Release Date (month/day/year),URL`, with dates such as
  "Sun Nov 27 00:00:00 2016";
- lists and the watchlist: `Position,Const,Created,Modified,Description,Title,[Original Title,]URL,Title Type,
  ...[,Your Rating,Date Rated]`; a rating given in a list is imported as a rating too.
IMDb's non-English sites localise Title Type ("Film", "Serie TV", "Mini serie TV", "Fernsehserie", "Película")
and genres; the type is read by what the word means in any of those languages, and genres are not needed.
Episodes, video games, podcasts and music videos are not titles StreamSync tracks: listed, skipped.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from core.history_import.records import MOVIE, SERIES, Parsed, Problem, Record, Refused
from core.history_import.source import TextFile, csv_rows, dict_rows, header_key, imdb_id, parse_when, parse_year

SOURCE = "imdb"

# Words that mark a Title Type as something other than a film or a series, in the languages IMDb localises
# to (English, German, Spanish, French, Italian, Portuguese, Hindi's site uses English).
_SKIP_WORDS = {
    "episode": "a TV episode", "episodio": "a TV episode", "episodie": "a TV episode",
    "game": "a video game", "gioco": "a video game", "videogioco": "a video game", "spiel": "a video game",
    "videospiel": "a video game", "videojuego": "a video game", "juego": "a video game", "jeu": "a video game",
    "jogo": "a video game", "videogame": "a video game",
    "podcast": "a podcast", "music": "a music video", "musical": "a music video", "musicale": "a music video",
    "musikvideo": "a music video",
}
_SERIES_WORDS = ("series", "serie", "seriado", "miniserie", "minisserie", "fernsehserie", "tvseries",
                 "tvminiseries", "mini serie", "mini series", "sitcom")


def _plain(text: str) -> str:
    # "tvMiniSeries" (IMDb's dataset codes) and "TV Mini-Series" read alike
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", unicodedata.normalize("NFKD", text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z]+", " ", text).strip()


def title_type(value: str) -> tuple[str | None, str | None]:
    """(Movie or Series, None) for a title StreamSync tracks, (None, what it is) for one it does not."""
    words = _plain(value)
    if not words:
        return None, None
    for token in words.split():
        what = _SKIP_WORDS.get(token) or _SKIP_WORDS.get(token.removesuffix("s"))
        if what:
            return None, what
    squeezed = words.replace(" ", "")
    if any(w.replace(" ", "") in squeezed for w in _SERIES_WORDS):
        return SERIES, None
    # Film, Movie, Short, TV Movie, TV Special, Video, Película, Téléfilm, Cortometraggio...: all films.
    return MOVIE, None


def role(file: TextFile, rows: list[list[str]]) -> str | None:
    keys = {header_key(c) for c in rows[0]} if rows else set()
    if "const" not in keys:
        return None
    rated = {"your rating", "you rated"} & keys
    if "position" not in keys and rated:
        return "ratings"
    if "position" in keys and rated and "rating" in file.name.lower():
        return "ratings"
    if "position" in keys:
        return "watchlist" if "watchlist" in file.name.lower() else "list"
    return None


def _rating(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,2}", text) or not 1 <= int(text) <= 10:
        raise ValueError(f"the rating {text!r} is not a whole number from 1 to 10")
    return int(text)


def _read(file: TextFile, kind: str, out: Parsed) -> None:
    keys, rows = dict_rows(file, csv_rows(file))
    missing = [name for key, name in (("const", "Const"), ("title", "Title")) if key not in keys]
    if missing:
        raise Refused(f"{file.path} has no column {', '.join(repr(m) for m in missing)} (renamed or missing?); "
                      "upload the file as IMDb exported it.")
    type_key = "title type" if "title type" in keys else None
    list_name = PurePosixPath(file.path).stem
    for number, row in enumerate(rows, start=1):
        if not row:
            continue
        try:
            tt = imdb_id(row.get("const")) or imdb_id(row.get("url"))
            if tt is None:
                raise ValueError(f"{row.get('const')!r} is not an IMDb title id (tt followed by digits)")
            media_type, other = title_type(row.get(type_key, "")) if type_key else (None, None)
            if other:
                out.problems.append(Problem(file.path, number, f"{row.get('title')!r} is {other}; StreamSync "
                                            "tracks films and series, so it is skipped"))
                continue
            rating = _rating(row.get("your rating", row.get("you rated", "")))
            rated_at = parse_when(row.get("date rated", "")) or parse_when(row.get("created", ""))
            base = {"source": SOURCE, "file": file.path, "row": number, "title": row.get("title", "").strip() or tt,
                        "year": parse_year(row.get("year", "")), "media_type": media_type, "imdb_id": tt}
            if rating is not None:
                out.records.append(Record(kind="rating", when=rated_at, rating=rating, **base))
            elif kind == "ratings":
                raise ValueError("the row has no rating")
            if kind == "watchlist":
                out.records.append(Record(kind="watchlist", when=parse_when(row.get("created", "")),
                                          status="plan_to_watch", **base))
            elif kind == "list":
                out.records.append(Record(kind="list_item", when=parse_when(row.get("created", "")),
                                          list_name=list_name, position=int(row.get("position") or number)
                                          if (row.get("position") or "").isdigit() else number, **base))
        except ValueError as exc:
            out.problems.append(Problem(file.path, number, f"{exc}; the row is skipped"))


def parse(files: list[tuple[TextFile, str]]) -> Parsed:
    kinds = [k for _, k in files]
    label = ", ".join(dict.fromkeys({"ratings": "ratings", "watchlist": "watchlist", "list": "list"}[k]
                                    for k in kinds))
    out = Parsed(SOURCE, f"IMDb export ({label})")
    for file, kind in files:
        _read(file, kind, out)
    return out
