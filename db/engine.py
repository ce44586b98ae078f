"""The engine: a Database object (URL, SQLAlchemy engine and pool, the statement counter's hooks), the process's
default Database, reads, and the one way to write: transaction(actor).

The app uses the process default, built lazily from configuration (db.config) on first use. Tests and tools
that work on another database create `Database(url)` and install it with `use(database)`; nothing switches
databases through os.environ.
"""
from __future__ import annotations

import functools
import inspect
import logging
import math
import numbers
import random
import re
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from datetime import time as time_of_day
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

# The connector before anything imports pandas: pandas loads the system's libcrypto, after which the connector's C
# extension (its vendored libssl) cannot load and every connection silently falls back to pure Python.
import mysql.connector  # noqa: F401
from mysql.connector.connection_cext import CMySQLConnection
from sqlalchemy import bindparam, create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import NullPool

from db import cluster, statement_counter
from db.config import REQUIRED_QUERY, PoolSettings, database_hosts, database_url, pool_settings
from db.errors import (
    LOST_ERRNOS,
    Busy,
    ConnectionLost,
    DatabaseUnavailable,
    DataRuleError,
    Invalid,
    RawDriverError,
    errno_of,
    is_unavailable,
    readable_error,
    server_message,
)

log = logging.getLogger("streamsync.db")
T = TypeVar("T")

# Lock wait timeout, deadlock: the whole transaction is safe to run again. On MariaDB Galera a transaction
# that loses certification to a conflicting one committed on another node also fails with 1213.
RETRY_ERRNOS = {1205, 1213}
# What every pooled connection sets for itself, whatever the server's configuration says. MariaDB cuts a
# JSON_ARRAYAGG at group_concat_max_len (a server may set it as low as 4 bytes) with only a warning, so a search's
# credits (db.titles.credited) would silently lose titles; 64 MB is more credits than anyone has.
SESSION_SETTINGS = "SET SESSION group_concat_max_len = 67108864"

RETRIES = 5
BACKOFF = 0.02  # seconds before the 2nd attempt; doubled each time, with jitter (see run_in_transaction)


class Database:
    """One database: its URL and a pooled engine made on first use. Every statement it runs is counted
    (db.statement_counter). With `hosts` (a Galera cluster's nodes), each new connection goes to the first of
    them that accepts it and is in its cluster's primary component."""

    def __init__(self, url: URL | str, pool: PoolSettings | None = None,
                 hosts: list[tuple[str, int]] | None = None):
        url = make_url(url)
        self.hosts = list(hosts or [])
        # MySQL 8's default collation does not exist in MariaDB, so the connection always names one.
        self.url: URL = url.update_query_dict({**REQUIRED_QUERY, **dict(url.query)})
        self.pool = pool or pool_settings()
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = create_engine(
                    self.url,
                    pool_size=self.pool.size,
                    max_overflow=self.pool.max_overflow,
                    pool_timeout=self.pool.timeout,
                    pool_recycle=self.pool.recycle,
                    pool_pre_ping=True,
                    # SQL logging and error messages never show bound values (password hashes, session hashes).
                    hide_parameters=True,
                    connect_args={"connection_timeout": 5, "init_command": SESSION_SETTINGS},
                )
                self._connect_as_ours(self._engine)
                event.listen(self._engine, "before_cursor_execute", statement_counter.before_execute)
                event.listen(self._engine, "after_cursor_execute", statement_counter.after_execute)
            return self._engine

    def _connect_as_ours(self, engine: Engine) -> None:
        """How every engine of this Database opens its connections: on the first ready host of a cluster, and
        with no ping per statement."""
        if self.hosts:
            event.listen(engine, "do_connect", _first_ready_host(self.hosts))
        event.listen(engine, "connect", _no_ping_per_cursor)

    def dispose(self) -> None:
        """Close the pool's connections (the next use opens new ones)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
            self._engine = None

    @contextmanager
    def local_files_connection(self, folder: Path) -> Iterator[Connection]:
        """A connection of its own (outside the pool) that may LOAD DATA LOCAL INFILE from `folder` and from
        nowhere else: the connector reads local files only for connections opened with that permission, and
        the pool's connections never get it. For bulk loads (the catalog import)."""
        engine = create_engine(self.url, poolclass=NullPool, hide_parameters=True,
                               connect_args={"connection_timeout": 10, "allow_local_infile_in_path": str(folder)})
        self._connect_as_ours(engine)
        try:
            try:
                conn = engine.connect()
            except DBAPIError as exc:
                raise self.unavailable(exc) from exc
            with conn:
                yield conn
        finally:
            engine.dispose()

    def unavailable(self, exc: Exception, kind: type[DatabaseUnavailable] = DatabaseUnavailable
                    ) -> DatabaseUnavailable:
        if isinstance(exc, DBAPIError):
            reason = server_message(exc)
        elif isinstance(exc, PoolTimeout):
            reason = "every pooled connection is busy"
        else:
            reason = str(exc)
        return kind(self.url, reason)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A pooled connection; a server that is down or refuses us becomes DatabaseUnavailable."""
        try:
            conn = self.engine.connect()
        except DBAPIError as exc:
            # A connection that died at checkout (its node was killed between the pool's ping and the
            # first use) is lost like one that dies under a read: nothing ran, so it may be tried again.
            raise self.unavailable(exc, ConnectionLost if _lost(exc) else DatabaseUnavailable) from exc
        except PoolTimeout as exc:
            raise self.unavailable(exc) from exc
        try:
            yield conn
        except DBAPIError as exc:
            if _lost(exc):
                if not conn.invalidated:
                    conn.invalidate()  # a Galera node that left its primary component still answers pings
                raise self.unavailable(exc, ConnectionLost) from exc
            if is_unavailable(exc):
                raise self.unavailable(exc) from exc
            raise
        finally:
            try:
                conn.close()
            except Exception:
                # The server went away just after the work was done (its result stands): the rollback that
                # hands the connection back to the pool failed (the connector's C extension raises its own
                # MySQLInterfaceError there, not a DBAPI error). Unless that already closed it, invalidating
                # it gives its pool slot back.
                if not conn.closed:
                    conn.invalidate()


def _connected_by_its_own_flag(self: CMySQLConnection) -> bool:
    """is_connected() without a round trip: the C client's own flag (False once the connection was closed)."""
    if not self._cmysql:
        return False
    self.handle_unread_result()
    return self._cmysql.connected()


def _no_ping_per_cursor(dbapi_connection, connection_record) -> None:
    """A connect hook. The connector's C connection asks is_connected() each time it opens a cursor, and that
    pings the server; SQLAlchemy opens a cursor for every statement. So each statement cost a round trip more,
    on top of the pool's ping when the connection is taken: 4 round trips for a page's one-statement read
    where 3 do (ping, query, rollback). Here is_connected() reads the client's own flag. A connection that dies
    after the pool's ping now fails on its statement with the server's lost-connection error instead of on
    the cursor's ping, and is handled as before: a read is read again, a transaction runs again on a new
    connection (tests/test_failover.py)."""
    if isinstance(dbapi_connection, CMySQLConnection):
        dbapi_connection.is_connected = types.MethodType(_connected_by_its_own_flag, dbapi_connection)


# What the connector itself says, with no error number, when the socket under a connection is gone: some of
# its paths end the message with a period, which SQLAlchemy looks for, and some do not.
_GONE = ("MySQL Connection not available", "Connection to MySQL is not available")


def _lost(exc: DBAPIError) -> bool:
    return (bool(exc.connection_invalidated) or errno_of(exc) in LOST_ERRNOS
            or any(words in server_message(exc) for words in _GONE))


def _first_ready_host(hosts: list[tuple[str, int]]):
    """A do_connect hook that opens each new pooled connection on the first of `hosts` that accepts it and
    is in its cluster's primary component. With pool_pre_ping, connections to a server that died are
    replaced through it on their next checkout, so the app moves to the next node by itself. One preferred
    node for every process also keeps certification conflicts between nodes rare."""

    def connect(dialect, connection_record, cargs, cparams):
        refused = []
        for host, port in hosts:
            try:
                dbapi_connection = dialect.connect(*cargs, **{**cparams, "host": host, "port": port})
            except dialect.loaded_dbapi.Error as exc:
                refused.append(f"{host}:{port} ({getattr(exc, 'msg', exc)})")
                continue
            if cluster.ready(dbapi_connection):
                return dbapi_connection
            dbapi_connection.close()
            refused.append(f"{host}:{port} (not in the cluster's primary component)")
        raise dialect.loaded_dbapi.InterfaceError(msg="no database server answered: " + ", ".join(refused),
                                                  errno=2003)

    return connect


_default: Database | None = None
_from_config = False  # the default was built from configuration (so forgetting it re-reads configuration)
_default_lock = threading.Lock()


def default() -> Database:
    """The process's Database: the one installed with use(), else one built from configuration on first use."""
    global _default, _from_config
    with _default_lock:
        if _default is None:
            _default, _from_config = Database(database_url(), hosts=database_hosts()), True
        return _default


def use(database: Database | None) -> Database | None:
    """Make `database` the process default (None: the configured one again, built on next use). Returns the
    one it replaces, whose pool the caller may keep or dispose."""
    global _default, _from_config
    with _default_lock:
        previous, _default, _from_config = _default, database, False
    return previous


def get_engine() -> Engine:
    """The process default's SQLAlchemy engine."""
    return default().engine


def dispose_engine() -> None:
    """Close the default's pooled connections (after its database was dropped and made again). A default built
    from configuration is forgotten too, so the next use reads configuration again."""
    global _default
    with _default_lock:
        current = _default
        if _from_config:
            _default = None
    if current is not None:
        current.dispose()


@contextmanager
def read() -> Iterator[Connection]:
    """A pooled connection for reads. Several queries in one block share one checkout."""
    with default().connect() as conn:
        yield conn


@functools.lru_cache(maxsize=1024)
def _text(sql: str):
    """text(sql), made once per SQL string: parsing the binds and the cache key of a page's few statements was
    3% of a loaded worker's time (issue 15's profile). A TextClause is never changed by executing it, and
    bindparams() makes a new one."""
    return text(sql)


def statement(sql: str, params: dict[str, Any]):
    """The text() statement for sql. A parameter given a list or tuple is an expanding bind, so `IN :ids` with
    ids=[1, 2, 3] becomes `IN (%s, %s, %s)` with three bound values (an empty list matches nothing)."""
    stmt = _text(sql)
    lists = [bindparam(k, expanding=True) for k, v in params.items() if isinstance(v, (list, tuple))]
    for bind in lists:
        # A list where the statement wants one value (a username, an id) comes from a broken or hostile
        # client: the driver would fail on it with a traceback (or, inside a transaction, as if the
        # connection had died).
        if not re.search(rf"\bIN\s+:{bind.key}\b", sql, re.IGNORECASE):
            raise DataRuleError(f"A list was sent where one value belongs ({bind.key}); try again.")
    return stmt.bindparams(*lists) if lists else stmt


def text_ok(value: str) -> bool:
    """Whether the text can be sent to the server (a lone surrogate, from a broken client or a fuzzer,
    cannot be encoded as UTF-8)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# What a parameter may be: anything else (bytes from a broken client, a list where one value belongs, a dict,
# an object) would reach the driver and fail there with a traceback, or be rendered as a bare word.
_SCALARS = (type(None), bool, int, float, Decimal, str, date, time_of_day, timedelta)
_DECIMAL_EXPONENT_MAX = 300  # within a double's range, far beyond every numeric column


def _checked(params: dict) -> dict:
    """The parameters, or DataRuleError for values the driver would fail on with a traceback: text that is
    not UTF-8, numbers that are not finite (which it renders as bare words: NaN, inf; Decimal('sNaN') even
    fails math.isfinite itself), and values of no SQL kind."""
    for value in params.values():
        values = value if isinstance(value, (list, tuple)) else (value,)
        for one in values:
            if not isinstance(one, _SCALARS):
                raise DataRuleError(f"A value of the wrong kind ({type(one).__name__}) was sent; try again.")
            if isinstance(one, str) and not text_ok(one):
                raise DataRuleError("The text holds an invalid character (a lone surrogate); type it again.")
            if isinstance(one, Decimal) and not one.is_finite() or isinstance(one, float) and not math.isfinite(one):
                raise DataRuleError("A number must be finite: not NaN or infinity.")
            if isinstance(one, Decimal) and one and abs(one.adjusted()) > _DECIMAL_EXPONENT_MAX:
                # The server parses such a literal as a double and fails ("Illegal double"), a traceback.
                raise DataRuleError("That number is too large (or too small) to store.")
    return params


def _rows(conn: Connection, sql: str, params: dict) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(statement(sql, params), _checked(params)).mappings()]


def _read_once_more(work: Callable[[Connection], T]) -> T:
    """work(conn) on a pooled connection; once more on a new one when the first died under it (its server
    was killed or restarted: with several hosts the new connection goes to another node)."""
    try:
        with read() as conn:
            return work(conn)
    except ConnectionLost:
        log.warning("connection lost during a read; reading again on a new connection")
        with read() as conn:
            return work(conn)


def fetch_all(sql: str, conn: Connection | None = None, **params: Any) -> list[dict[str, Any]]:
    if conn is not None:
        return _rows(conn, sql, params)
    return _read_once_more(lambda own: _rows(own, sql, params))


def fetch_one(sql: str, conn: Connection | None = None, **params: Any) -> dict[str, Any] | None:
    found = fetch_all(sql, conn, **params)
    return found[0] if found else None


def scalar(sql: str, conn: Connection | None = None, **params: Any) -> Any:
    if conn is not None:
        return conn.execute(statement(sql, params), _checked(params)).scalar()
    return _read_once_more(lambda own: own.execute(statement(sql, params), _checked(params)).scalar())


def execute(conn: Connection, sql: str, **params: Any):
    """Run one write inside a transaction's connection; a broken rule becomes a DataRuleError (of its kind:
    Conflict, NotFound, Invalid naming the field)."""
    try:
        return conn.execute(statement(sql, params), _checked(params))
    except DBAPIError as exc:
        errno = errno_of(exc)
        if is_unavailable(exc) or errno in RETRY_ERRNOS:
            raise
        raise readable_error(errno, server_message(exc)) from exc


def execute_many(conn: Connection, sql: str, rows: list[tuple]):
    """One driver-level statement with %s marks over many rows (the connector sends an INSERT's rows as one
    multi-row statement); a broken rule becomes a DataRuleError, as in execute()."""
    try:
        return conn.exec_driver_sql(sql, rows)
    except DBAPIError as exc:
        errno = errno_of(exc)
        if is_unavailable(exc) or errno in RETRY_ERRNOS:
            raise
        raise readable_error(errno, server_message(exc)) from exc


# The commits of this process in order: each committed transaction takes the next number, and each actor's
# last number is kept. core.recent_reads keeps costly reads only until the reader writes again: a read made
# at number n is old for whoever has committed after n.
_commit_sequence = 0
_last_commit: dict[str | None, int] = {}
_commits_lock = threading.Lock()  # two commits on two threads must take two numbers


def commit_sequence() -> int:
    """The number of the last transaction committed in this process (0 before the first)."""
    return _commit_sequence


def last_commit(actor: str) -> int:
    """The number of the last transaction `actor` committed in this process (0 when none)."""
    return _last_commit.get(actor, 0)


@contextmanager
def transaction(actor: str | None) -> Iterator[Connection]:
    """One unit of work as `actor`: sets @app_user for the audit triggers, commits or rolls back as a whole,
    and always clears @app_user so a pooled connection never carries one user's name into another's work.
    Use run_in_transaction()/@transactional to also retry deadlocks.
    A connection lost while the work ran raises ConnectionLost (nothing was committed: safe to run again);
    lost during the COMMIT itself, the outcome is unknown, so it raises plain DatabaseUnavailable."""
    global _commit_sequence
    if actor is not None and not (isinstance(actor, str) and text_ok(actor)):
        raise DataRuleError("You are not signed in as a valid user; log in again.")
    database = default()
    with database.connect() as conn:
        committing = False
        try:
            with conn.begin():
                conn.execute(text("SET @app_user = :actor, @app_reason = NULL, @streamsync_title_merge = NULL"),
                             {"actor": actor})
                yield conn
                committing = True
            with _commits_lock:  # after the COMMIT: a read made before it is then seen to be old
                _commit_sequence += 1
                _last_commit[actor] = _commit_sequence
        except DBAPIError as exc:
            if committing and _lost(exc):
                raise database.unavailable(exc) from exc
            raise
        except RawDriverError as exc:
            # COMMIT (or the ROLLBACK after a failed statement) died with its connection: after COMMIT was
            # sent the outcome is unknown; before it, nothing was committed and the work may run again.
            if committing:
                raise database.unavailable(exc) from exc
            raise database.unavailable(exc, ConnectionLost) from exc
        finally:
            try:
                conn.execute(text("SET @app_user = NULL, @app_reason = NULL, @streamsync_title_merge = NULL"))
                conn.commit()
            except Exception:
                # The connection is broken (it says so as a DB-API error, the C extension's own error, or
                # SQLAlchemy's refusal to use it); invalidate it so the pool never hands it out with a name set.
                conn.invalidate()


def run_in_transaction(actor: str | None, work: Callable[[Connection], T]) -> T:
    """Run work(conn) in a transaction, again from the start after a deadlock, a lock-wait timeout, a Galera
    certification conflict or a connection lost before COMMIT. The pause before each retry after a conflict
    doubles and is drawn at random up to that bound ("full jitter"): transactions that deadlocked together
    would otherwise retry together and meet again."""
    for attempt in range(1, RETRIES + 1):
        try:
            with transaction(actor) as conn:
                return work(conn)
        except ConnectionLost:
            if attempt == RETRIES:
                raise
            log.warning("connection lost before commit; running the transaction again (attempt %d)", attempt)
            continue
        except DBAPIError as exc:
            if errno_of(exc) in RETRY_ERRNOS and attempt < RETRIES:
                log.warning("retrying transaction after error %s (attempt %d)", errno_of(exc), attempt)
                time.sleep(random.uniform(0, BACKOFF * 2 ** attempt))
                continue
            if errno_of(exc) in RETRY_ERRNOS:
                raise Busy("The database was busy; please try again.", errno_of(exc)) from exc
            raise
    raise AssertionError("unreachable")


# The annotations of a write's arguments that transactional() enforces: a page sends these kinds, and anything
# else (a list for an id, a NaN for a name, None for a required text) comes from a broken or hostile client.
# (numbers.Integral: an id read from a data frame is a numpy integer.)
_CHECKED_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,), "str | None": (str, type(None)), "int": (numbers.Integral,),
    "int | None": (numbers.Integral, type(None)),
    "bool": (bool,),
}
_ID_LIMIT = 2**63  # beyond every integer column: a larger one reaches the server as a decimal and matches nothing
_KIND_WORDS = {"str": "text", "int": "a whole number", "bool": "yes or no"}


def _argument_kinds(fn: Callable) -> dict[str, tuple[str, tuple[type, ...]]]:
    kinds = {}
    for name, param in list(inspect.signature(fn).parameters.items())[2:]:  # after conn and actor
        annotation = param.annotation if isinstance(param.annotation, str) else getattr(
            param.annotation, "__name__", str(param.annotation))
        if annotation in _CHECKED_KINDS:
            kinds[name] = (annotation, _CHECKED_KINDS[annotation])
    return kinds


def _check_arguments(kinds: dict, bound: dict[str, Any]) -> None:
    """Invalid (naming the argument) for an argument of another kind than its annotation says."""
    for name, (annotation, allowed) in kinds.items():
        if name not in bound:
            continue
        value = bound[name]
        ok = isinstance(value, allowed) and (bool in allowed or not isinstance(value, bool))
        if ok and isinstance(value, numbers.Integral) and not isinstance(value, bool):
            ok = -_ID_LIMIT < int(value) < _ID_LIMIT
        if ok and isinstance(value, str):
            ok = text_ok(value)
        if not ok:
            wanted = _KIND_WORDS.get(annotation.split(" |")[0], annotation)
            raise Invalid(f"The {name.replace('_', ' ')} sent is not valid (it must be {wanted}); reload the page "
                          "and try again.", field=name)


def transactional(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorate `def f(conn, actor, ...)`; callers call `f(actor, ...)` and get a retried transaction. Arguments
    annotated str, int, bool (or str | None, int | None) are checked to be of that kind first (bool is no
    int, an int fits a BIGINT, text is valid UTF-8): a wrong one is Invalid, never a traceback further in."""
    signature = inspect.signature(fn)
    kinds = _argument_kinds(fn)

    @functools.wraps(fn)
    def wrapper(actor: str | None, *args: Any, **kwargs: Any) -> T:
        if kinds:
            try:
                bound = signature.bind(None, actor, *args, **kwargs).arguments
            except TypeError:
                bound = {}  # a wrong call is a programming error: let the call itself say so
            _check_arguments(kinds, bound)
        return run_in_transaction(actor, lambda conn: fn(conn, actor, *args, **kwargs))

    return wrapper


def set_reason(conn: Connection, reason: str) -> None:
    """Say why the rest of this transaction changes rows: the audit triggers log it beside the change (a
    lockout is the system's act, with no actor). transaction() clears it at its end."""
    conn.execute(text("SET @app_reason = :reason"), {"reason": reason})


def lock_title_ratings(conn: Connection, media_id: int) -> bool:
    """Take the title's row lock before touching its reviews; False when there is no such title. The rating
    triggers read every review of the title and update the media row; two raters that first locked their own
    review rows and then waited for each other's there deadlocked. Locking the title first puts every rating
    write of one title in line."""
    return conn.execute(text("SELECT media_id FROM media WHERE media_id = :m FOR UPDATE"),
                        _checked({"m": media_id})).first() is not None


def lock_titles_ratings(conn: Connection, media_ids: Iterable[int]) -> None:
    """lock_title_ratings for several titles at once, in id order (a history import, an account's deletion):
    two such writers, or one and a rater, then never hold a title the other waits for while waiting
    themselves. Take them before any other write that touches these titles: even inserting a watch event
    takes a shared lock on its title (the foreign key), and two shared holders that both ask for the title's
    exclusive lock deadlock."""
    ids = sorted({int(m) for m in media_ids})
    if ids:
        conn.execute(text("SELECT media_id FROM media WHERE media_id IN :ids ORDER BY media_id FOR UPDATE")
                     .bindparams(bindparam("ids", expanding=True)), {"ids": ids})


def allow_title_merge(conn: Connection) -> None:
    """For the rest of this transaction, episodes that people watched may move to another title: a merge
    moves their watch events with them in the same transaction. transaction() clears it at its end."""
    conn.execute(text("SET @streamsync_title_merge = 1"))


def actor_role(conn: Connection, actor: str | None) -> str | None:
    """The actor's role as the database has it now (privileged writes check this, not what a page believed);
    None for a deleted or a locked account, which may do nothing: a tab left open, a dialog (its reruns skip
    the page's session check) or any other path a page forgot is refused here, after a lock by the Users page,
    the table editor or SQL, and after a demotion."""
    if actor is None:
        return None
    return conn.execute(text("SELECT role FROM users WHERE username = :u "
                             "AND (locked_until IS NULL OR locked_until <= NOW())"), {"u": actor}).scalar()
