"""Deterministic demo and large data sets, as plain rows (no SQL here: db/bulk.py loads them).

demo_dataset(): the shipped catalog (data/demo_catalog.json: real Bollywood films and Indian series)
plus generated users, lists, watchlists, progress, reviews and friendships at the volumes DESIGN.md names.
large_dataset(): the same catalog inside a synthetic one of 100,000 titles and millions of rows, with a
Zipf-like skew, produced lazily so memory stays small. Both are pure functions of (catalog, seed[, factor]):
every id, date and text comes from one random.Random(seed) stream per table and a fixed anchor date.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import json
import random
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import bcrypt

CATALOG_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_catalog.json"
DEMO_PASSWORD = "StreamSync!2024"
# Activity dates (sign-ups, reviews, lists) lead up to the start of the day the data is made, so the
# dashboard's "last 90 days" charts have something to show. The same seed gives the same rows on the same
# day; on another day, the same rows with their activity dates moved by whole days.
ANCHOR = datetime.combine(date.today(), datetime.min.time())
# Viewers sign up from 900 days before ANCHOR; the admin and the moderator came first.
INSTANCE_STARTED = ANCHOR - timedelta(days=960, hours=-10)
CATALOG_BUILT = INSTANCE_STARTED + timedelta(days=2)
STATUSES = ("plan_to_watch", "watching", "completed", "on_hold", "dropped")


# The columns each generator fills, in row-tuple order (the rest take their defaults).
COLUMNS = {
    "genres": ("genre_id", "name"),
    "people": ("person_id", "name", "birthdate", "photo_url", "imdb_id"),
    "media": ("media_id", "title", "description", "release_year", "media_type", "age_rating", "poster_image_url",
              "runtime_minutes", "imdb_id", "created_at", "updated_at"),
    "episodes": ("episode_id", "media_id", "season_number", "episode_number", "title", "air_date", "runtime_minutes"),
    "media_genres": ("media_id", "genre_id"),
    "media_cast": ("media_id", "person_id", "character_name", "cast_order"),
    "media_crew": ("media_id", "person_id", "role"),
    "users": ("username", "firstname", "lastname", "email", "password_hash", "dob", "role", "created_at"),
    "playlists": ("playlist_id", "username", "name", "description", "created_at"),
    "playlist_items": ("playlist_id", "media_id", "added_at", "position"),
    "watchlist_items": ("username", "media_id", "status", "added_at", "updated_at"),
    "series_progress": ("username", "media_id", "last_watched_episode_id", "last_watched_at", "current_viewing"),
    "watch_events": ("event_id", "username", "media_id", "episode_id", "watched_at", "viewing", "created_at"),
    "reviews": ("review_id", "username", "media_id", "review_text", "rating", "contains_spoilers", "created_at",
                "updated_at"),
    "friendships": ("username_1", "username_2", "status", "created_at"),
}


@dataclass
class Table:
    """Rows for one table in load order. rows() gives a fresh iterable; count is how many rows to expect
    (exact for every table except a few junctions of the large set, where it drives the progress bar only)."""
    name: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterable[tuple]]
    count: int


def _table(name: str, rows: Callable[[], Iterable[tuple]], count: int) -> Table:
    return Table(name, COLUMNS[name], rows, count)


def load_catalog(path: Path = CATALOG_FILE) -> dict:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


# --- shared helpers -----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def password_hash(seed: int) -> str:
    """bcrypt (cost 12) of the demo password, computed once and shared by every demo account.
    The salt is derived from the seed so the same seed gives byte-identical rows."""
    alphabet = "./" + string.ascii_uppercase + string.ascii_lowercase + string.digits
    rng = random.Random(f"salt-{seed}")
    # the 22nd character of a bcrypt salt carries only 2 bits; '.', 'O', 'e', 'u' keep it canonical
    salt = "".join(rng.choice(alphabet) for _ in range(21)) + rng.choice(".Oeu")
    return bcrypt.hashpw(DEMO_PASSWORD.encode(), f"$2b$12${salt}".encode()).decode()


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random second between start and end (end if the range is empty)."""
    span = int((end - start).total_seconds())
    return end if span <= 0 else start + timedelta(seconds=rng.randrange(span))


def _released(title: dict) -> datetime:
    """The earliest moment anyone could have watched the title."""
    dates = [s["air_date"] for s in title.get("seasons", []) if s.get("air_date")]
    if dates:
        return datetime.fromisoformat(min(dates))
    return datetime(title["release_year"], 1, 1)


class Zipf:
    """Draw ranks 0..n-1 with P(rank r) ~ 1 / (r + offset) ** exponent (a few get most of the draws)."""

    def __init__(self, n: int, exponent: float, offset: float):
        self.cum = list(itertools.accumulate(1.0 / (r + offset) ** exponent for r in range(n)))

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect(self.cum, rng.random() * self.cum[-1])

    def distinct(self, rng: random.Random, k: int, limit: int = 50) -> list[int]:
        """k distinct ranks (fewer if the skew makes more too unlikely)."""
        picked: dict[int, None] = {}
        tries = 0
        while len(picked) < k and tries < k * limit:
            picked[self.draw(rng)] = None
            tries += 1
        return list(picked)


# --- people we invent: names of users ----------------------------------------------------------------------

INDIAN_FIRST = ("Aarav", "Aditi", "Akash", "Ananya", "Anjali", "Arjun", "Bhavna", "Deepak", "Divya", "Farhan",
                "Gaurav", "Harini", "Ishaan", "Jaya", "Kabir", "Kavya", "Lakshmi", "Manish", "Meera", "Naveen",
                "Neha", "Nikhil", "Pooja", "Pranav", "Priya", "Rahul", "Riya", "Rohan", "Sana", "Sanjay",
                "Shreya", "Siddharth", "Sneha", "Tanvi", "Tarun", "Uma", "Varun", "Vidya", "Vikram", "Zoya",
                "Ayesha", "Imran", "Harpreet", "Gurpreet", "Joseph", "Mary", "Suresh", "Lalitha", "Arnav", "Ira")
INDIAN_LAST = ("Sharma", "Verma", "Iyer", "Nair", "Reddy", "Patel", "Shah", "Mehta", "Gupta", "Singh",
               "Kaur", "Das", "Banerjee", "Chatterjee", "Mukherjee", "Khan", "Qureshi", "Fernandes", "D'Souza",
               "Pillai", "Menon", "Rao", "Joshi", "Kulkarni", "Desai", "Bhat", "Chauhan", "Malhotra", "Kapoor",
               "Agarwal", "Bose", "Ghosh", "Naidu", "Hegde", "Sethi", "Ahmed", "Thomas", "Varghese")
WORLD_FIRST = ("Emma", "Liam", "Olivia", "Noah", "Sofia", "Lucas", "Mia", "Mateo", "Hannah", "Jonas",
               "Chloe", "Yuki", "Hiro", "Amara", "Kwame", "Fatima", "Omar", "Elena", "Marco", "Ingrid",
               "Lars", "Chen", "Mei", "Diego", "Camila", "Tomas", "Aisha", "Daniel", "Grace", "Samuel")
WORLD_LAST = ("Smith", "Johnson", "Müller", "Schmidt", "Rossi", "García", "Martin", "Dubois", "Nakamura",
              "Tanaka", "Kim", "Park", "Li", "Wang", "Okafor", "Mensah", "Haddad", "Silva", "Santos",
              "Jensen", "Nilsson", "O'Brien", "Kowalski", "Novak", "Brown", "Taylor", "Wilson", "Cohen")


def _email_part(name: str) -> str:
    ascii_only = name.replace("ü", "u").replace("í", "i").replace("'", "").replace(" ", "")
    return "".join(ch for ch in ascii_only.lower() if ch.isalnum())


def _person(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.7:
        return rng.choice(INDIAN_FIRST), rng.choice(INDIAN_LAST)
    return rng.choice(WORLD_FIRST), rng.choice(WORLD_LAST)




def _user_row(rng: random.Random, username: str, role: str, pw: str, first_last=None, domain="example.com"):
    first, last = first_last or _person(rng)
    email = f"{_email_part(first)}.{_email_part(last)}.{username}@{domain}"
    dob = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    created = _moment(rng, ANCHOR - timedelta(days=900), ANCHOR - timedelta(days=45))
    return (username, first, last, email, pw, dob, role, created)


def demo_usernames() -> list[str]:
    return ["admin", "moderator"] + [f"user{n:03d}" for n in range(1, 151)]


def _demo_users(rng: random.Random, pw: str) -> list[tuple]:
    rows = [_user_row(rng, "admin", "admin", pw, ("Asha", "Rao")),
            _user_row(rng, "moderator", "moderator", pw, ("Dev", "Malhotra"))]
    # The instance's story in order: the admin set it up, the moderator joined the next day and built the
    # catalog (catalog_rows), and only then did viewers sign up (the activity log tells it so: core.reset).
    rows[0] = (*rows[0][:-1], INSTANCE_STARTED)
    rows[1] = (*rows[1][:-1], INSTANCE_STARTED + timedelta(days=1))
    rows += [_user_row(rng, name, "user", pw) for name in demo_usernames()[2:]]
    return rows


# --- the catalog as rows ------------------------------------------------------------------------------------

@dataclass
class CatalogRows:
    """The shipped catalog turned into rows with fixed ids (1..n in file order)."""
    titles: list[dict]
    media: list[tuple]
    genres: list[tuple]
    people: list[tuple]
    episodes: list[tuple]
    media_genres: list[tuple]
    media_cast: list[tuple]
    media_crew: list[tuple]
    episode_ids: dict[int, list[int]]   # media_id -> its aired episode ids in viewing order




def catalog_rows(catalog: dict, seed: int) -> CatalogRows:
    rng = random.Random(f"catalog-{seed}")
    genre_id = {name: i for i, name in enumerate(catalog["genres"], start=1)}
    person_id = {p["name"]: i for i, p in enumerate(catalog["people"], start=1)}
    people = [(i, p["name"], p["birthdate"], None, p["imdb_id"]) for i, p in enumerate(catalog["people"], start=1)]
    media, episodes, mg, mc, crew, episode_ids = [], [], [], [], [], {}
    for media_id, t in enumerate(catalog["titles"], start=1):
        added = CATALOG_BUILT + timedelta(minutes=media_id * 7)
        media.append((media_id, t["title"], t["description"], t["release_year"], t["media_type"], t["age_rating"],
                      t["poster_image_url"], t["runtime_minutes"], t["imdb_id"], added, added))
        mg += [(media_id, genre_id[g]) for g in t["genres"]]
        mc += [(media_id, person_id[c["name"]], c["character"], c["order"]) for c in t["cast"]]
        crew += [(media_id, person_id[c["name"]], c["role"]) for c in t["crew"]]
        ids = episode_ids.setdefault(media_id, [])
        for season in t["seasons"]:
            for ep in season["episodes"]:
                episode_id = len(episodes) + 1
                runtime = max(15, t["runtime_minutes"] + rng.randint(-6, 6))
                episodes.append((episode_id, media_id, season["season_number"], ep["episode_number"], ep["title"],
                                 season["air_date"], runtime))
                ids.append(episode_id)
    episodes += _announced_episodes(catalog["titles"], len(episodes))
    genres = [(i, name) for name, i in genre_id.items()]
    return CatalogRows(catalog["titles"], media, genres, people, episodes, mg, mc, crew, episode_ids)


# Seasons announced after the catalog was made: (series, days from the load day to its first episode). They
# air weekly from then on, so the Calendar and the iCal feed have this week, this month and later to show.
ANNOUNCED = (("Panchayat", 2), ("Mirzapur", 5), ("Paatal Lok", 18), ("The Family Man", 45))
ANNOUNCED_EPISODES = 8


def _announced_episodes(titles: list[dict], first_id: int) -> list[tuple]:
    """The next season of each ANNOUNCED series, with air dates after the load day (ids after the catalog's:
    no existing episode id moves)."""
    rows = []
    by_name = {t["title"]: (media_id, t) for media_id, t in enumerate(titles, start=1)}
    for name, days in ANNOUNCED:
        media_id, title = by_name[name]
        season = max(s["season_number"] for s in title["seasons"]) + 1
        for number in range(1, ANNOUNCED_EPISODES + 1):
            aired = ANCHOR.date() + timedelta(days=days + 7 * (number - 1))
            rows.append((first_id + len(rows) + 1, media_id, season, number, f"Episode {number}", aired,
                         title["runtime_minutes"]))
    return rows


# --- review text ---------------------------------------------------------------------------------------------

OPENERS = {
    "high": ("An absolute gem.", "Loved every minute of it.", "This one deserves every bit of its reputation.",
             "Still holds up after all these years.", "Easily one of my favourites.", "What a ride.",
             "I went in with low expectations and came out a fan."),
    "mid": ("Good, not great.", "Worth a watch, with a few flat stretches.", "Enjoyable, but it drags in the middle.",
            "Solid entertainment for a lazy Sunday.", "Better than I expected, weaker than the hype.",
            "Has its moments."),
    "low": ("Did not work for me.", "Overhyped, honestly.", "I wanted to like it, I really did.",
            "Struggled to finish this.", "A few good scenes cannot save it.", "Not my kind of thing."),
}
DETAILS = (
    "{actor} is terrific as {character}.", "{actor} carries the whole thing on their shoulders.",
    "{actor} as {character} is the reason to watch.", "{director}'s direction keeps it moving.",
    "You can feel {director}'s hand in every frame.", "The music stays with you long after.",
    "The {genre} parts land better than the rest.", "As {genre} goes, this is a cut above.",
    "The dialogues are quoted in my family to this day.", "The supporting cast is just as strong as the leads.",
    "The writing is sharp and the pacing mostly tight.", "Beautifully shot, every location feels lived in.",
)
MOVIE_DETAILS = ("At {runtime} minutes it could lose twenty.", "Watched it again in {year_seen} and it still works.",
                 "The climax had the whole hall clapping.", "The songs could have been trimmed.")
SERIES_DETAILS = ("Binged all {episodes} episodes in a weekend.", "Season {season} is the strongest.",
                  "Some episodes drag, but the finale pays off.", "Perfect to watch one episode a night.")
SPOILERS = ("Spoiler: the final twist reveals who was behind it all, and it reframes everything before it.",
            "Spoiler: I did not expect the main character to die before the end.",
            "Spoiler: the last scene undoes the hero's whole plan, and I loved it.",
            "Spoiler: the person helping all along turns out to be the villain.")
CLOSERS = {"high": ("Highly recommended.", "Would watch again with the family.", "A must-watch.", "Pure paisa vasool."),
           "mid": ("Watch it once.", "Fine for a rainy evening.", "Decent, not essential.", ""),
           "low": ("Skip it.", "Only if you are a die-hard fan.", "Not for me, maybe for you.", "")}


def _band(rating: int) -> str:
    return "high" if rating >= 8 else "mid" if rating >= 5 else "low"


def review_text(rng: random.Random, title: dict, rating: int, spoiler: bool) -> str:
    """A few sentences that read like a viewer's review, built from the title's real details."""
    band = _band(rating)
    lead = title["cast"][0] if title.get("cast") else None
    director = next((c["name"] for c in title.get("crew", []) if c["role"] in ("Director", "Creator")), None)
    details = [d for d in DETAILS
               if ("{actor}" not in d or lead) and ("{character}" not in d or (lead and lead.get("character")))
               and ("{director}" not in d or director)]
    details += SERIES_DETAILS if title["media_type"] == "Series" else MOVIE_DETAILS
    seasons = title.get("seasons") or []
    values = {
        "actor": lead["name"] if lead else "", "character": (lead or {}).get("character") or "",
        "director": director or "", "genre": (title["genres"][0] if title["genres"] else "drama").lower(),
        "runtime": title.get("runtime_minutes") or 120, "year_seen": rng.randint(2019, 2025),
        "episodes": sum(len(s["episodes"]) for s in seasons),
        "season": rng.choice(seasons)["season_number"] if seasons else 1,
    }
    parts = [rng.choice(OPENERS[band])]
    parts += [d.format(**values) for d in rng.sample(details, k=rng.randint(1, 2))]
    if spoiler:
        parts.append(rng.choice(SPOILERS))
    parts.append(rng.choice(CLOSERS[band]))
    return " ".join(p for p in parts if p)


def _rating(rng: random.Random, base: float) -> int:
    return max(1, min(10, round(rng.gauss(base - 0.4, 1.5))))


# --- the demo data set ---------------------------------------------------------------------------------------

# Playlist name (with a slot for a genre, person or year) -> its description (None: no description).
PLAYLIST_THEMES = {
    "Weekend binge": "Clear the weekend, order biryani, press play.",
    "Comfort rewatches": "The ones I go back to when the week was long.",
    "Watch with family": "Everyone from Nani to the kids can sit through these.",
    "Date night": None,
    "Rainy day picks": "Chai, pakoras and one of these.",
    "{genre} favourites": "My favourite {genre} titles, best first.",
    "{genre} marathon": None,
    "{person} essentials": "Where to start with {person}.",
    "Must-watch classics": "Before 2000 and still unbeaten.",
    "To show my friends": "Friends who say they don't like Hindi films start here.",
    "Road trip downloads": "Saved for long drives and flights.",
    "Hidden gems": "Less talked about than they deserve.",
    "Cry-it-out list": "Keep tissues nearby.",
    "Festival holidays": "For Diwali and Eid evenings with the whole family.",
    "Top picks {year}": "What I watched and loved in {year}.",
}


def _themed_titles(rng: random.Random, cat: CatalogRows, theme: str) -> tuple[str, str | None, list[int]]:
    """A playlist name and description for the theme, and the media ids that fit it."""
    titles = cat.titles
    everything = list(range(1, len(titles) + 1))
    slot, pool = {}, everything
    if "{genre}" in theme:
        slot["genre"] = rng.choice([g for _, g in cat.genres])
        pool = [i for i, t in enumerate(titles, start=1) if slot["genre"] in t["genres"]]
    elif "{person}" in theme:
        slot["person"] = rng.choice([t["cast"][0]["name"] for t in titles if t["cast"]])
        pool = [i for i, t in enumerate(titles, start=1) if any(c["name"] == slot["person"] for c in t["cast"])]
    elif "{year}" in theme:
        slot["year"] = rng.randint(2019, 2025)
    elif theme == "Must-watch classics":
        pool = [i for i, t in enumerate(titles, start=1) if t["release_year"] < 2000]
    description = PLAYLIST_THEMES[theme]
    return theme.format(**slot), description.format(**slot) if description else None, pool


def _popularity(title: dict) -> float:
    """How often viewers pick a title: IMDb votes for films, a fixed figure for series."""
    if title.get("imdb_votes"):
        return title["imdb_votes"] ** 0.9
    return (60000 if title["release_year"] >= 2010 else 25000) ** 0.9


def _base_scores(titles: list[dict], seed: int) -> list[float]:
    """The centre of each title's generated ratings: its IMDb rating for films, a plausible figure for series."""
    rng = random.Random(f"scores-{seed}")
    return [t.get("imdb_rating") or 7.6 + rng.random() * 1.4 for t in titles]


def demo_dataset(catalog: dict, seed: int) -> list[Table]:
    """Every table of the demo data set, in load order."""
    cat = catalog_rows(catalog, seed)
    users = _demo_users(random.Random(f"users-{seed}"), password_hash(seed))
    joined = {u[0]: u[7] for u in users}
    names = [u[0] for u in users]
    weights = list(itertools.accumulate(_popularity(t) for t in cat.titles))
    base = _base_scores(cat.titles, seed)

    def pick_titles(rng: random.Random, k: int) -> list[int]:
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            chosen[bisect.bisect(weights, rng.random() * weights[-1]) + 1] = None
        return list(chosen)

    watch = _demo_watchlist(random.Random(f"watch-{seed}"), names, joined, cat, pick_titles)
    tables = [
        _table("genres", lambda: cat.genres, len(cat.genres)),
        _table("people", lambda: cat.people, len(cat.people)),
        _table("media", lambda: cat.media, len(cat.media)),
        _table("episodes", lambda: cat.episodes, len(cat.episodes)),
        _table("media_genres", lambda: cat.media_genres, len(cat.media_genres)),
        _table("media_cast", lambda: cat.media_cast, len(cat.media_cast)),
        _table("media_crew", lambda: cat.media_crew, len(cat.media_crew)),
        _table("users", lambda: users, len(users)),
    ]
    playlists, items = _demo_playlists(random.Random(f"playlists-{seed}"), names, joined, cat)
    progress = _demo_progress(random.Random(f"progress-{seed}"), watch, cat)
    reviews = _demo_reviews(random.Random(f"reviews-{seed}"), names, joined, cat, base, pick_titles)
    events, progress = _demo_events(random.Random(f"events-{seed}"), names, watch, progress, reviews, cat,
                                    pick_titles)
    friends = _demo_friendships(random.Random(f"friends-{seed}"), names, joined)
    tables += [
        _table("playlists", lambda: playlists, len(playlists)),
        _table("playlist_items", lambda: items, len(items)),
        _table("watchlist_items", lambda: watch, len(watch)),
        _table("series_progress", lambda: progress, len(progress)),
        _table("watch_events", lambda: events, len(events)),
        _table("reviews", lambda: reviews, len(reviews)),
        _table("friendships", lambda: friends, len(friends)),
    ]
    return tables




def _demo_watchlist(rng, names, joined, cat: CatalogRows, pick_titles) -> list[tuple]:
    rows = []
    for name in names:
        for k, media_id in enumerate(pick_titles(rng, rng.randint(5, 14))):
            # every status appears for sure: user001's first five titles have one each
            if name == "user001" and k < 5:
                status = STATUSES[k]
            else:
                status = rng.choices(STATUSES, weights=(35, 20, 30, 8, 7))[0]
            start = max(joined[name], _released(cat.titles[media_id - 1]))
            added = _moment(rng, start, ANCHOR - timedelta(days=2))
            rows.append((name, media_id, status, added, _moment(rng, added, ANCHOR)))
    # user001, the account the README suggests, follows three series with a season announced, so the
    # Calendar, the iCal feed and Upcoming have something to show (added last: other rows stay the same)
    titles = {t["title"]: media_id for media_id, t in enumerate(cat.titles, start=1)}
    taken = {row[1] for row in rows if row[0] == "user001"}
    for k, (name, _) in enumerate(ANNOUNCED[:3]):
        if titles[name] not in taken:
            rows.append(("user001", titles[name], "watching", ANCHOR - timedelta(days=90 - k),
                         ANCHOR - timedelta(days=2 + k, hours=3)))
    return rows


def _demo_progress(rng, watch: list[tuple], cat: CatalogRows) -> list[tuple]:
    """Where viewers are in the series on their watchlist: the last episode when completed, part-way else."""
    rows = []
    for name, media_id, status, _added, updated in watch:
        episodes = cat.episode_ids.get(media_id)
        if not episodes or status == "plan_to_watch":
            continue
        if status == "completed":
            episode = episodes[-1]
        else:
            episode = episodes[rng.randrange(max(1, len(episodes) - 1))]
        rows.append((name, media_id, episode, updated, 1))
    return rows


DIARY_DAYS = 730       # the demo diary covers the two years before the load day
UNKNOWN_DATE = 0.07    # share of watches logged as "watched long ago" (no date)


def _binge(rng: random.Random, count: int, last: datetime, floor: datetime) -> list[datetime | None]:
    """Dates for `count` episodes watched in order and ending at `last`: evenings of one to four episodes,
    one to six days apart. Those that would fall before `floor` (or a few at random) have no date."""
    dates: list[datetime | None] = []
    moment = last
    while len(dates) < count:
        for _ in range(min(rng.randint(1, 4), count - len(dates))):
            dates.append(None if moment < floor or rng.random() < UNKNOWN_DATE / 3 else moment)
            moment -= timedelta(minutes=rng.randint(25, 60))
        moment -= timedelta(days=rng.randint(1, 6), minutes=rng.randint(-90, 90))
    return dates[::-1]


def _demo_events(rng, names, watch, progress, reviews, cat: CatalogRows, pick_titles) -> tuple[list, list]:
    """Two years of diary per viewer: the episodes up to each progress pointer watched in evenings ending at
    the pointer's time, some finished series rewatched (the current viewing part-way, the first kept), the
    films they completed or reviewed plus a few more, some seen twice, some with no date. Returns the
    events and the progress rows brought in line with them (the pointer of a rewatch is in viewing 2)."""
    floor = ANCHOR - timedelta(days=DIARY_DAYS)
    now = ANCHOR - timedelta(minutes=5)
    films = {media_id for media_id, t in enumerate(cat.titles, start=1) if t["media_type"] == "Movie"}
    rows: list[tuple] = []

    def add(name, media_id, episode_id, when, viewing):
        created = when + timedelta(minutes=rng.randint(2, 240)) if when else _moment(rng, floor, now)
        rows.append((len(rows) + 1, name, media_id, episode_id, when, viewing, min(created, now)))

    new_progress = []
    for name, media_id, pointer, updated, _ in progress:
        episodes = cat.episode_ids[media_id]
        seen = episodes[:episodes.index(pointer) + 1]
        if pointer == episodes[-1] and rng.random() < 0.15:  # finished, and now watching it again
            first_end = _moment(rng, floor, updated - timedelta(days=120))
            for episode_id, when in zip(seen, _binge(rng, len(seen), first_end, floor), strict=False):
                add(name, media_id, episode_id, when, 1)
            again = episodes[:rng.randint(1, max(1, len(episodes) - 1))]
            for episode_id, when in zip(again, _binge(rng, len(again), updated, first_end), strict=False):
                add(name, media_id, episode_id, when, 2)
            new_progress.append((name, media_id, again[-1], updated, 2))
            continue
        for episode_id, when in zip(seen, _binge(rng, len(seen), updated, floor), strict=False):
            add(name, media_id, episode_id, when, 1)
        new_progress.append((name, media_id, pointer, updated, 1))

    seen_films: dict[str, list[int]] = {}
    for name, media_id, status, _, _ in watch:
        if media_id in films and status == "completed":
            seen_films.setdefault(name, []).append(media_id)
    for review in reviews:
        if review[2] in films and review[2] not in seen_films.get(review[1], []):
            seen_films.setdefault(review[1], []).append(review[2])
    for name in names[2:]:
        mine = seen_films.setdefault(name, [])
        mine += [m for m in pick_titles(rng, rng.randint(3, 12)) if m in films and m not in mine]
        # user001's friends watched something this week, so Home's friends' activity has news
        recent = name in ("user002", "user003", "user004", "user005")
        for k, media_id in enumerate(mine):
            times = rng.choices((1, 2, 3), weights=(86, 11, 3))[0]
            if recent and k == 0:
                dates = [now - timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600))]
            else:
                dates = sorted(_moment(rng, floor, now) for _ in range(times))
            for viewing, when in enumerate(dates, start=1):
                add(name, media_id, None, None if rng.random() < UNKNOWN_DATE else when, viewing)
    return rows, new_progress


def _demo_playlists(rng, names, joined, cat: CatalogRows) -> tuple[list[tuple], list[tuple]]:
    playlists, items = [], []
    owners = rng.sample(names, 80)
    for owner in owners:
        taken = set()
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            name, description, pool = _themed_titles(rng, cat, rng.choice(list(PLAYLIST_THEMES)))
            if name in taken or len(pool) < 3:
                continue
            taken.add(name)
            playlist_id = len(playlists) + 1
            created = _moment(rng, joined[owner], ANCHOR - timedelta(days=10))
            playlists.append((playlist_id, owner, name, description, created))
            for position, media_id in enumerate(rng.sample(pool, min(len(pool), rng.randint(5, 12))), start=1):
                items.append((playlist_id, media_id, _moment(rng, created, ANCHOR), position))
    return playlists, items


def _demo_reviews(rng, names, joined, cat: CatalogRows, base, pick_titles) -> list[tuple]:
    rows = []
    for name in names:
        count = rng.choices((0, 1, 2, 3, 4, 6, 8), weights=(10, 20, 20, 18, 14, 10, 8))[0]
        for media_id in pick_titles(rng, count):
            title = cat.titles[media_id - 1]
            start = max(joined[name], _released(title))
            rating = _rating(rng, base[media_id - 1])
            bare = rng.random() < 0.25
            spoiler = not bare and rng.random() < 0.1
            text = "" if bare else review_text(rng, title, rating, spoiler)
            created = _moment(rng, start, ANCHOR - timedelta(days=1))
            updated = created if rng.random() < 0.85 else _moment(rng, created, ANCHOR)
            rows.append((len(rows) + 1, name, media_id, text, rating, int(spoiler), created, updated))
    return rows


def _demo_friendships(rng, names, joined) -> list[tuple]:
    """One row per pair, never a self-pair; every status. user001 and user002 share friends on purpose, so
    'mutual friends' has something to show."""
    pairs: dict[frozenset, tuple] = {}

    def add(a, b, status):
        key = frozenset((a, b))
        if a != b and key not in pairs:
            created = _moment(rng, max(joined[a], joined[b]), ANCHOR - timedelta(days=1))
            pairs[key] = (a, b, status, created)

    for a, b in (("user001", "user003"), ("user002", "user003"), ("user001", "user004"), ("user002", "user004"),
                 ("user001", "user002"), ("user005", "user001"), ("admin", "moderator")):
        add(a, b, "accepted")
    add("user006", "user001", "pending")
    add("user001", "user007", "blocked")
    viewers = names[2:]
    for a in viewers:
        for _ in range(rng.choice((0, 1, 1, 2, 2))):
            status = rng.choices(("accepted", "pending", "blocked"), weights=(70, 22, 8))[0]
            add(a, rng.choice(viewers), status)
    return list(pairs.values())


# --- the large data set ----------------------------------------------------------------------------------------

WORDS_A = ("Silent", "Lost", "Golden", "Broken", "Hidden", "Last", "Burning", "Midnight", "Secret", "Wild",
           "Crimson", "Endless", "Little", "Dark", "Paper", "Electric", "Monsoon", "Desert", "Neon", "Iron",
           "Pyaasa", "Pehli", "Aakhri", "Kaala", "Sunehra", "Toofani", "Anjaan", "Meetha", "Bada", "Chhota")
WORDS_B = ("River", "City", "Promise", "Empire", "Garden", "Train", "Summer", "Kingdom", "Letter", "Island",
           "Shadow", "Dream", "Road", "Mirror", "Song", "Storm", "Festival", "Hostel", "Market", "Bridge",
           "Safar", "Dil", "Raaz", "Kahani", "Dosti", "Ishq", "Zindagi", "Khel", "Raasta", "Sapna")
WORDS_C = ("of Bombay", "in Delhi", "Returns", "Chronicles", "Diaries", "Reloaded", "Express", "Files",
           "of the Hills", "at Dawn", "Story", "Club", "", "", "", "", "", "")
PLOTS = ("A {who} in {where} must {goal} before {deadline}.", "When {who} arrives in {where}, {twist}.",
         "Two friends from {where} chase a dream, and {twist}.", "A family in {where} is torn apart when {twist}.")
WHO = ("young cop", "retired teacher", "cricket-mad teenager", "struggling musician", "small-town lawyer",
       "runaway bride", "con artist", "army officer", "software engineer", "village headman")
WHERE = ("Mumbai", "Kolkata", "a Himalayan village", "old Delhi", "Goa", "Chennai", "Jaipur", "a hill station",
         "Lucknow", "Kochi")
GOALS = ("clear their name", "win back their family", "pay off a dangerous debt", "find a missing sister",
         "stop a wedding", "win the championship")
DEADLINES = ("the monsoon ends", "the elections", "Diwali", "the final match", "the money runs out")
TWISTS = ("an old secret resurfaces", "a stranger changes everything", "a theft goes wrong",
          "a letter from the past arrives", "the truth comes out at the worst moment")


@dataclass
class LargeSizes:
    titles: int
    series: int
    episodes: int
    people: int
    users: int
    reviews: int
    watchlist: int
    playlist_items: int
    friendships: int
    film_watches: int

    @classmethod
    def at(cls, factor: float) -> LargeSizes:
        full = dict(titles=100_000, series=10_000, episodes=500_000, people=50_000, users=10_000,
                    reviews=1_000_000, watchlist=1_000_000, playlist_items=200_000, friendships=50_000,
                    film_watches=1_700_000)
        return cls(**{k: max(1, round(v * factor)) for k, v in full.items()})


def large_dataset(catalog: dict, seed: int, factor: float = 1.0) -> list[Table]:
    """The demo catalog and users inside a synthetic catalog of 100,000 titles (times factor), with the
    volumes of issue 2. Rows are generated while loading; only ids and a few figures stay in memory."""
    cat = catalog_rows(catalog, seed)
    size = LargeSizes.at(factor)
    demo_titles, demo_series = len(cat.media), sum(1 for t in cat.titles if t["media_type"] == "Series")
    n_titles = max(size.titles, demo_titles)
    n_series = max(size.series, demo_series)
    n_people = max(size.people, len(cat.people) + 10)  # a few synthetic people even at tiny sizes
    pw = password_hash(seed)
    rng = random.Random(f"large-{seed}")
    # which synthetic ids are series: the first (n_series - demo_series) after the demo titles
    first_synthetic = demo_titles + 1
    series_ids = [m for m, eps in cat.episode_ids.items() if eps]
    synthetic_series = range(first_synthetic, first_synthetic + n_series - demo_series)
    series_ids += list(synthetic_series)
    episode_counts = _episode_counts(rng, len(synthetic_series), max(0, size.episodes - len(cat.episodes)))
    # episode ids of each series: demo ones as in the catalog, synthetic ones in consecutive blocks
    episode_range: dict[int, tuple[int, int]] = {m: (eps[0], eps[-1]) for m, eps in cat.episode_ids.items() if eps}
    next_episode = len(cat.episodes) + 1
    for media_id, count in zip(synthetic_series, episode_counts, strict=False):
        episode_range[media_id] = (next_episode, next_episode + count - 1)
        next_episode += count
    n_episodes = next_episode - 1
    # a synthetic series premiered early enough for all its seasons (about one a year) to have aired
    season_length = {m: rng.randint(6, 13) for m in synthetic_series}
    premiered = {m: rng.randint(1995, max(1995, ANCHOR.year - 1 - (count - 1) // season_length[m]))
                 for m, count in zip(synthetic_series, episode_counts, strict=False)}
    users = _large_usernames(size.users)
    # popularity: demo titles are the most popular ranks, the rest in a fixed shuffled order
    order = list(range(1, n_titles + 1))
    tail = order[demo_titles:]
    random.Random(f"order-{seed}").shuffle(tail)
    order = order[:demo_titles] + tail

    def media_rows():
        r = random.Random(f"large-media-{seed}")
        yield from cat.media
        for media_id in range(first_synthetic, n_titles + 1):
            kind = "Series" if media_id in synthetic_series else "Movie"
            title = " ".join(w for w in (r.choice(WORDS_A), r.choice(WORDS_B), r.choice(WORDS_C)) if w)
            plot = r.choice(PLOTS).format(who=r.choice(WHO), where=r.choice(WHERE), goal=r.choice(GOALS),
                                          deadline=r.choice(DEADLINES), twist=r.choice(TWISTS))
            added = ANCHOR - timedelta(days=r.randrange(1, 1500))
            year = premiered[media_id] if kind == "Series" else r.randint(1960, ANCHOR.year)
            yield (media_id, title, plot, year, kind,
                   r.choice(("U", "U/A 7+", "U/A 13+", "U/A 16+", "A")), None,
                   r.randint(20, 60) if kind == "Series" else r.randint(85, 190), None, added, added)

    def episode_rows():
        r = random.Random(f"large-episodes-{seed}")
        yield from cat.episodes
        for media_id, count in zip(synthetic_series, episode_counts, strict=False):
            first, _ = episode_range[media_id]
            per_season = season_length[media_id]
            runtime = r.randint(20, 60)
            premiere = date(premiered[media_id], r.randint(1, 12), 1)
            for k in range(count):
                season, number = k // per_season + 1, k % per_season + 1
                aired = premiere + timedelta(days=365 * (season - 1) + 7 * (number - 1))
                title = f"{r.choice(WORDS_A)} {r.choice(WORDS_B)}"
                yield (first + k, media_id, season, number, title, aired, runtime)

    def people_rows():
        r = random.Random(f"large-people-{seed}")
        yield from cat.people
        for person_id in range(len(cat.people) + 1, n_people + 1):
            first, last = _person(r)
            born = date(1930, 1, 1) + timedelta(days=r.randrange(365 * 75)) if r.random() < 0.6 else None
            yield (person_id, f"{first} {last}", born, None, None)

    def media_genre_rows():
        r = random.Random(f"large-genres-{seed}")
        yield from cat.media_genres
        for media_id in range(first_synthetic, n_titles + 1):
            for genre in r.sample(range(1, len(cat.genres) + 1), r.randint(1, 3)):
                yield (media_id, genre)

    # synthetic titles credit synthetic people only (the real stars keep their real filmographies),
    # some of them far more often than others
    first_person, synthetic_people = len(cat.people) + 1, n_people - len(cat.people)
    cast_zipf = Zipf(synthetic_people, 0.9, 20)

    def cast_rows():
        r = random.Random(f"large-cast-{seed}")
        yield from cat.media_cast
        for media_id in range(first_synthetic, n_titles + 1):
            for k, rank in enumerate(cast_zipf.distinct(r, 3)):
                yield (media_id, first_person + rank, _person(r)[0], k)

    def crew_rows():
        r = random.Random(f"large-crew-{seed}")
        yield from cat.media_crew
        for media_id in range(first_synthetic, n_titles + 1):
            kind = "Creator" if media_id in synthetic_series else "Director"
            yield (media_id, first_person + r.randrange(synthetic_people), kind)
            if r.random() < 0.5:
                yield (media_id, first_person + r.randrange(synthetic_people), "Music")

    def user_rows():
        r = random.Random(f"large-users-{seed}")
        yield from _demo_users(random.Random(f"users-{seed}"), pw)
        for name in users[152:]:
            yield _user_row(r, name, "user", pw, domain="example.org")

    # P(rank r) ~ 1/(r + n/1600): at 100,000 titles the top 1% get ~40% of the rows and the top 10% ~70%
    title_zipf = Zipf(n_titles, 1.0, max(1.0, n_titles / 1600))

    def per_user_counts(total: int) -> list[int]:
        """How many rows each user gets: skewed (a few very active users, in a fixed shuffled order so the
        demo accounts are ordinary ones), summing to total exactly."""
        counts = _skewed_counts(len(users), min(total, len(users) * n_titles), n_titles)
        random.Random(f"large-busy-{seed}").shuffle(counts)
        return counts

    def user_title_rows(label: str, total: int, make_row):
        r = random.Random(f"large-{label}-{seed}")
        for name, count in zip(users, per_user_counts(total), strict=False):
            for rank in _distinct_ranks(r, title_zipf, count, n_titles):
                yield make_row(r, name, order[rank])

    review_id = itertools.count(1)

    demo_base = _base_scores(cat.titles, seed)

    def review_row(r, name, media_id):
        # demo titles keep their real standing; a synthetic title's quality is a fixed 5.0-9.0 from its id
        base = demo_base[media_id - 1] if media_id <= demo_titles else 5.0 + (media_id * 7919 % 1000) / 250
        rating = _rating(r, base)
        created = ANCHOR - timedelta(seconds=r.randrange(86400 * 900))
        text = "" if r.random() < 0.6 else r.choice(OPENERS[_band(rating)])
        return (next(review_id), name, media_id, text, rating, 0, created, created)

    def watch_row(r, name, media_id):
        added = ANCHOR - timedelta(seconds=r.randrange(86400 * 900))
        return (name, media_id, r.choices(STATUSES, weights=(35, 20, 30, 8, 7))[0], added, added)

    def progress_rows() -> list[tuple]:
        """Viewers part-way through series: up to a dozen (user, series) pairs per user. Small: kept in memory."""
        r = random.Random(f"large-progress-{seed}")
        rows = []
        for name in users:
            for media_id in sorted({r.choice(series_ids) for _ in range(r.randint(0, 12))}):
                first, last = episode_range[media_id]
                rows.append((name, media_id, r.randint(first, last),
                             ANCHOR - timedelta(seconds=r.randrange(86400 * 400)), 1))
        return rows

    progress = progress_rows()
    film_zipf = Zipf(n_titles, 1.0, max(1.0, n_titles / 1600))
    series_set = set(series_ids)

    def event_rows():
        """The episodes up to each progress pointer (binge evenings ending at the pointer's time), then each
        user's films, skewed like the other per-user rows, a few seen twice, some without a date."""
        r = random.Random(f"large-events-{seed}")
        event_id = itertools.count(1)
        floor = ANCHOR - timedelta(days=DIARY_DAYS)
        for name, media_id, pointer, updated, _ in progress:
            first, _ = episode_range[media_id]
            for episode_id, when in zip(range(first, pointer + 1), _binge(r, pointer - first + 1, updated, floor),
                                        strict=False):
                yield (next(event_id), name, media_id, episode_id, when, 1, when or floor)
        for name, count in zip(users, per_user_counts(size.film_watches), strict=False):
            picked: set[int] = set()
            while len(picked) < count:
                media_id = order[film_zipf.draw(r) if r.random() < 0.9 else r.randrange(n_titles)]
                if media_id in series_set or media_id in picked:
                    continue
                picked.add(media_id)
                for viewing in range(1, 2 if r.random() < 0.93 else 3):
                    when = None if r.random() < UNKNOWN_DATE else ANCHOR - timedelta(seconds=r.randrange(86400 * 730))
                    yield (next(event_id), name, media_id, None, when, viewing, when or floor)

    episode_events = sum(pointer - episode_range[m][0] + 1 for _, m, pointer, _, _ in progress)
    synthetic = n_titles - demo_titles
    playlists, playlist_items = _large_playlists(seed, users, size.playlist_items, n_titles, title_zipf, order)
    friendships = _large_friendships(seed, users, size.friendships)

    return [
        _table("genres", lambda: cat.genres, len(cat.genres)),
        _table("people", people_rows, n_people),
        _table("media", media_rows, n_titles),
        _table("episodes", episode_rows, n_episodes),
        _table("media_genres", media_genre_rows, len(cat.media_genres) + 2 * synthetic),
        _table("media_cast", cast_rows, len(cat.media_cast) + 3 * synthetic),
        _table("media_crew", crew_rows, len(cat.media_crew) + 3 * synthetic // 2),
        _table("users", user_rows, len(users)),
        _table("playlists", lambda: playlists, len(playlists)),
        _table("playlist_items", lambda: playlist_items, len(playlist_items)),
        _table("watchlist_items", lambda: user_title_rows("watch", size.watchlist, watch_row),
               min(size.watchlist, len(users) * n_titles)),
        _table("series_progress", lambda: progress, len(progress)),
        _table("watch_events", event_rows, episode_events + size.film_watches),
        _table("reviews", lambda: user_title_rows("reviews", size.reviews, review_row),
               min(size.reviews, len(users) * n_titles)),
        _table("friendships", lambda: friendships, len(friendships)),
    ]


def _skewed_counts(users: int, total: int, cap: int) -> list[int]:
    """Rows per user, Zipf-like (user 0 is the busiest), each at most cap, adding up to total
    (total <= users * cap). Rounding down leaves a remainder, spread one by one from the busiest user on."""
    weights = [1.0 / (k + 30) ** 0.8 for k in range(users)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing, k = total - sum(counts), 0
    while missing > 0:
        if counts[k % users] < cap:
            counts[k % users] += 1
            missing -= 1
        k += 1
    return counts


def _distinct_ranks(r: random.Random, zipf: Zipf, count: int, n: int) -> list[int]:
    """count distinct popularity ranks; heavy users who exhaust the head fall back to uniform ranks."""
    ranks = zipf.distinct(r, count, limit=3)
    if len(ranks) < count:
        seen = set(ranks)
        while len(ranks) < count:
            rank = r.randrange(n)
            if rank not in seen:
                seen.add(rank)
                ranks.append(rank)
    return ranks


def _episode_counts(rng: random.Random, series: int, total: int) -> list[int]:
    """Episodes per synthetic series (about 6 to 100), adding up to total (at least one each)."""
    if series == 0:
        return []
    total = max(total, series)
    mean = total / series
    counts = [max(1, min(100, round(rng.triangular(6, 2 * mean - 6, mean)))) for _ in range(series)]
    diff = total - sum(counts)
    k = 0
    while diff != 0:
        step = 1 if diff > 0 else -1
        i = k % series
        if 1 <= counts[i] + step <= 1000:
            counts[i] += step
            diff -= step
        k += 1
    return counts


def _large_usernames(n: int) -> list[str]:
    names = demo_usernames()
    return names + [f"member{k:05d}" for k in range(1, max(0, n - len(names)) + 1)]


def _large_playlists(seed, users, total_items, n_titles, zipf: Zipf, order) -> tuple[list[tuple], list[tuple]]:
    r = random.Random(f"large-playlists-{seed}")
    playlists, items = [], []
    while len(items) < total_items:
        owner = users[r.randrange(len(users))]
        playlist_id = len(playlists) + 1
        created = ANCHOR - timedelta(seconds=r.randrange(86400 * 800))
        playlists.append((playlist_id, owner, f"{r.choice(WORDS_A)} {r.choice(WORDS_B)} #{playlist_id}", None, created))
        count = min(total_items - len(items), r.randint(3, 17))
        for position, rank in enumerate(_distinct_ranks(r, zipf, count, n_titles), start=1):
            items.append((playlist_id, order[rank], created, position))
    return playlists, items


def _large_friendships(seed, users, total) -> list[tuple]:
    r = random.Random(f"large-friends-{seed}")
    total = min(total, len(users) * (len(users) - 1) // 2)
    pairs: dict[tuple[str, str], tuple] = {}
    while len(pairs) < total:
        a, b = r.sample(users, 2)
        key = (a, b) if a < b else (b, a)
        if key not in pairs:
            status = r.choices(("accepted", "pending", "blocked"), weights=(70, 22, 8))[0]
            pairs[key] = (a, b, status, ANCHOR - timedelta(seconds=r.randrange(86400 * 700)))
    return list(pairs.values())
