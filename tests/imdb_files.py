"""Small files in IMDb's exact dataset format (gzip TSV, a header, `\\N` for null) for import tests."""
from __future__ import annotations

import gzip
from pathlib import Path

HEADERS = {
    "title.basics": "tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes genres",
    "title.ratings": "tconst averageRating numVotes",
    "title.episode": "tconst parentTconst seasonNumber episodeNumber",
    "title.principals": "tconst ordering nconst category job characters",
    "title.crew": "tconst directors writers",
    "name.basics": "nconst primaryName birthYear deathYear primaryProfession knownForTitles",
}

BASICS = [
    "tt0000101 movie Sholay Sholay 0 1975 \\N 198 Action,Adventure,Comedy",
    "tt0000102 movie Deewaar Deewaar 0 1975 \\N 176 Action,Crime,Drama",
    "tt0000103 short A Short Film A Short Film 0 1990 \\N 9 Short",
    "tt0000104 tvSeries Sacred Games Sacred Games 0 2018 2019 50 Crime,Drama,Thriller",
    "tt0000105 tvEpisode Ashwathama Ashwathama 0 2018 \\N 58 Crime",
    "tt0000106 tvEpisode Halahala Halahala 0 2018 \\N 53 Crime",
    "tt0000107 tvEpisode Prayaschit Prayaschit 0 2019 \\N \\N Crime",
    "tt0000108 movie Adult Film Adult Film 1 2000 \\N 90 Drama",
    "tt0000109 tvMovie Obscure TV Film Obscure TV Film 0 2001 \\N 80 \\N",
]
RATINGS = ["tt0000101 8.1 57000", "tt0000102 8.0 31000", "tt0000104 8.5 120000", "tt0000109 6.1 12"]
EPISODES = ["tt0000105 tt0000104 1 1", "tt0000106 tt0000104 1 2", "tt0000107 tt0000104 2 1",
            "tt0000110 tt0000199 1 1"]  # the last: a series that is not in title.basics
PRINCIPALS = [
    "tt0000101 1 nm0000201 actor \\N [\"Veeru\"]",
    "tt0000101 2 nm0000202 actor \\N [\"Jai\",\"Jaidev\"]",
    "tt0000101 3 nm0000203 director \\N \\N",
    "tt0000102 1 nm0000202 actor \\N [\"Vijay\"]",
    "tt0000104 1 nm0000204 actor \\N [\"Sartaj Singh\"]",
    "tt0000104 2 nm0000205 self \\N \\N",
    "tt0000104 3 nm0000206 production_designer \\N \\N",
]
CREW = ["tt0000102 nm0000207 nm0000208,nm0000209", "tt0000104 nm0000210,nm0000211 \\N"]
NAMES = [
    "nm0000201 Dharmendra 1935 \\N actor tt0000101",
    "nm0000202 Amitabh Bachchan 1942 \\N actor tt0000101,tt0000102",
    "nm0000203 Ramesh Sippy 1947 \\N director tt0000101",
    "nm0000204 Saif Ali Khan 1970 \\N actor tt0000104",
    "nm0000205 Nawazuddin Siddiqui 1974 \\N actor tt0000104",
    "nm0000206 Production Designer \\N \\N crew \\N",
    "nm0000207 Yash Chopra 1932 2012 director tt0000102",
    "nm0000208 Salim Khan 1935 \\N writer tt0000102",
    "nm0000209 Javed Akhtar 1945 \\N writer tt0000102",
    "nm0000210 Vikramaditya Motwane 1976 \\N director tt0000104",
    "nm0000211 Anurag Kashyap 1972 \\N director tt0000104",
    "nm0000299 Uncredited Person \\N \\N actor \\N",
]


def write(directory: Path, name: str, rows: list[list[str]] | list[str], header: str | None = None,
          gz: bool = True) -> Path:
    """Write one dataset file. rows: lists of fields, or fixture strings (see _split)."""
    directory.mkdir(parents=True, exist_ok=True)
    head = (header or HEADERS[name]).split(" ")
    lines = ["\t".join(head)]
    for row in rows:
        fields = row if isinstance(row, list) else _split(name, row)
        lines.append("\t".join(fields))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path = directory / (f"{name}.tsv.gz" if gz else f"{name}.tsv")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def _split(name: str, line: str) -> list[str]:
    """Fixture rows are written with spaces; titles in title.basics are the two runs of words between the
    type and isAdult (primaryTitle == originalTitle in the fixtures), names in name.basics between the id
    and birthYear."""
    parts = line.split(" ")
    if name == "title.basics":
        tconst, kind, rest = parts[0], parts[1], parts[2:]
        tail = rest[-5:]
        words = rest[:-5]
        half = len(words) // 2
        return [tconst, kind, " ".join(words[:half]), " ".join(words[half:]), *tail]
    if name == "name.basics":
        return [parts[0], " ".join(parts[1:-4]), *parts[-4:]]
    if name == "title.principals":
        return [*parts[:5], " ".join(parts[5:])]
    return parts


def write_all(directory: Path, **overrides) -> Path:
    """Every dataset file from the lists above (an override replaces one list; None leaves the file out)."""
    sources = {"title.basics": BASICS, "title.ratings": RATINGS, "title.episode": EPISODES,
               "title.principals": PRINCIPALS, "title.crew": CREW, "name.basics": NAMES}
    for name, rows in sources.items():
        rows = overrides.get(name.replace(".", "_"), rows)
        if rows is not None:
            write(directory, name, rows)
    return directory
