"""Typed errors pages can show as they are: one for an unreachable server, and DataRuleError for a write the
rules refuse, with its kinds NotFound, Conflict, Invalid (naming the field) and Busy. Pages branch on the kind.
Also the one place that decides whether a server error means "the database is unavailable"."""
from __future__ import annotations

import re

from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

# MySQL / MariaDB error numbers that mean "the server is not there or will not let us in"; 1047 is a Galera
# node outside the cluster's primary component ("WSREP has not yet prepared node for application use").
UNAVAILABLE_ERRNOS = {1044, 1045, 1047, 1049, 2002, 2003, 2005, 2006, 2013, 2055}
# Of those, the ones that mean this connection died (its server was killed, restarted or left its cluster):
# another connection, to another server of a cluster, may well work.
LOST_ERRNOS = {1047, 2006, 2013, 2055}

try:
    # The connector's C extension raises its own error, not a DB-API one, when COMMIT or ROLLBACK fails
    # (connection_cext.commit() does not wrap it), so SQLAlchemy passes it through unwrapped. The only way
    # those two statements fail is the connection dying under them.
    from _mysql_connector import MySQLInterfaceError as RawDriverError
except ImportError:  # the pure-Python connector wraps every error
    class RawDriverError(Exception):  # type: ignore[no-redef]
        """Never raised: stands in for the C extension's error where that is not loaded."""


def errno_of(exc: DBAPIError) -> int | None:
    """The server's (or the connector's) error number behind a SQLAlchemy error."""
    return getattr(exc.orig, "errno", None)


def server_message(exc: DBAPIError) -> str:
    orig = exc.orig
    return getattr(orig, "msg", None) or str(orig)


def is_unavailable(exc: DBAPIError) -> bool:
    """Whether the error says the server is down, unreachable, or refuses us (rather than refusing a statement)."""
    return errno_of(exc) in UNAVAILABLE_ERRNOS or bool(getattr(exc, "connection_invalidated", False))


class DatabaseUnavailable(Exception):
    """The database server cannot be reached or refuses us. Says which host, port, user and database."""

    def __init__(self, url: URL, reason: str):
        self.host = url.host or "localhost"
        self.port = url.port or 3306
        self.user = url.username or ""
        self.database = url.database or ""
        self.reason = reason
        super().__init__(
            f"Cannot use the database {self.database!r} at {self.host}:{self.port} as user {self.user!r}: {reason}"
        )

    @property
    def advice(self) -> str:
        return (
            "Check that the MySQL/MariaDB server is running and reachable, that the user and password are right "
            "and the database exists (run `python reset_database.py --yes`), or set STREAMSYNC_DB_URL / "
            ".streamlit/secrets.toml to the right server."
        )


class ConnectionLost(DatabaseUnavailable):
    """The connection died under a read, or under a transaction before its COMMIT was sent (so nothing of
    it was committed): db.engine runs the work again once on a new connection before giving up."""


class DataRuleError(Exception):
    """A write broke a rule of the schema (constraint, key, trigger). The message is for the user."""

    def __init__(self, message: str, errno: int | None = None):
        self.errno = errno
        super().__init__(message)


class NotFound(DataRuleError):
    """What the write is about does not exist (any more): a title, a user, a review, a playlist entry."""


class Conflict(DataRuleError):
    """The write clashes with what is there now: a name already taken, a friendship already there, a change
    someone else made meanwhile, a rule that keeps an admin."""


class Invalid(DataRuleError):
    """A value breaks a rule; `field` names the field (or column) when one is to blame."""

    def __init__(self, message: str, field: str | None = None, errno: int | None = None):
        super().__init__(message, errno)
        self.field = field


class Busy(DataRuleError):
    """The database stayed busy (deadlocks, lock waits) through every retry: try again."""


class PermissionDenied(Exception):
    """The actor may not do this. Raised by core.permissions and by privileged writes in db/."""


def _constraint_name(msg: str) -> str:
    found = re.search(r"(?:CONSTRAINT|constraint) [`']?(\w+)", msg)
    return found.group(1) if found else ""


CHECK_MESSAGES = {
    "ck_users_username": "A username has 3-50 letters, digits, dots, underscores or hyphens.",
    "ck_users_email": "That is not a valid email address.",
    "ck_users_names": "First and last name may not be empty.",
    "ck_users_dob": "The date of birth is not plausible.",
    "ck_media_title": "A title may not be empty.",
    "ck_media_year": "The release year must be between 1888 and 2100.",
    "ck_media_avg": "The average rating must be between 1 and 10.",
    "ck_media_runtime": "The runtime must be between 1 and 1000 minutes.",
    "ck_media_imdb": "An IMDb title id looks like tt1234567.",
    "ck_genres_name": "A genre name may not be empty.",
    "ck_people_name": "A name may not be empty.",
    "ck_people_birthdate": "The birth date is not plausible.",
    "ck_people_imdb": "An IMDb person id looks like nm1234567.",
    "ck_episodes_season": "The season number must be between 0 and 100.",
    "ck_episodes_number": "The episode number must be between 1 and 2000.",
    "ck_episodes_title": "An episode title may not be empty.",
    "ck_episodes_runtime": "The runtime must be between 1 and 1000 minutes.",
    "ck_playlists_name": "A playlist name may not be empty.",
    "ck_reviews_rating": "A rating is a whole number from 1 to 10.",
    "ck_reviews_text": "A review may be at most 5000 characters.",
    "ck_reviews_rated_or_written": "A review needs a rating or some text.",
    "ck_media_cast_order": "The cast order must be between 0 and 1000.",
}


# The field each CHECK constraint guards, for Invalid.field.
CHECK_FIELDS = {
    "ck_users_username": "username", "ck_users_email": "email", "ck_users_names": "firstname",
    "ck_users_dob": "dob", "ck_media_title": "title", "ck_media_year": "release_year",
    "ck_media_avg": "average_rating", "ck_media_runtime": "runtime_minutes", "ck_media_imdb": "imdb_id",
    "ck_genres_name": "name", "ck_people_name": "name", "ck_people_birthdate": "birthdate",
    "ck_people_imdb": "imdb_id", "ck_episodes_season": "season_number", "ck_episodes_number": "episode_number",
    "ck_episodes_title": "title", "ck_episodes_runtime": "runtime_minutes", "ck_playlists_name": "name",
    "ck_reviews_rating": "rating", "ck_reviews_text": "review_text",
    "ck_reviews_rated_or_written": "rating", "ck_media_cast_order": "cast_order",
}


def readable_error(errno: int | None, msg: str) -> DataRuleError:
    """A server's refusal as the DataRuleError of its kind, with readable() as its message."""
    text = readable(errno, msg)
    if errno == 1062 or errno == 1451:
        return Conflict(text, errno)
    if errno == 1452:
        return NotFound(text, errno)
    if errno in (4025, 3819):
        return Invalid(text, CHECK_FIELDS.get(_constraint_name(msg)), errno)
    if errno in (1406, 1265, 1366, 1292, 1048):
        col = re.search(r"[Cc]olumn [`']?(\w+)", msg)
        return Invalid(text, col.group(1) if col else None, errno)
    return DataRuleError(text, errno)


def readable(errno: int | None, msg: str) -> str:
    """Turn a server error into one sentence naming the cause."""
    if errno == 1644:  # SIGNAL from a guard trigger: its text is written for users already
        return msg
    if errno == 1062:
        dup = re.search(r"Duplicate entry '(.*)' for key '?([\w.]+)'?", msg)
        value, key = (dup.group(1), dup.group(2).split(".")[-1]) if dup else ("", "")
        if key == "PRIMARY":
            return f"A row with the key '{value}' already exists."
        return f"'{value}' is already taken ({key.removeprefix('uq_').replace('_', ' ')})."
    if errno == 1452:
        return "That refers to a row that does not exist (a title, person, user or genre was not found)."
    if errno == 1451:
        return "Other rows still point to this one, so it cannot be deleted or changed."
    if errno in (4025, 3819):
        return CHECK_MESSAGES.get(_constraint_name(msg), f"A value breaks the rule {_constraint_name(msg)}.")
    if errno == 1406:
        col = re.search(r"column '(\w+)'", msg)
        return f"The value for {col.group(1) if col else 'a field'} is too long."
    if errno in (1265, 1366, 1292):
        col = re.search(r"column [`']?(\w+)", msg)
        return f"The value for {col.group(1) if col else 'a field'} is not of the right kind."
    if errno == 1048:
        col = re.search(r"Column '(\w+)'", msg)
        return f"{col.group(1) if col else 'A field'} may not be empty."
    return f"The database refused the change: {msg}"
