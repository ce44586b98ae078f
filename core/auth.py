"""Passwords and logins: bcrypt hashing (cost 12), registration, login with throttling, password changes.

A login answers "Wrong username or password." whether or not the username exists, and spends the same
bcrypt work either way (an unknown username is checked against a dummy hash), so neither the words nor
the time tell an attacker which usernames exist. Throttling follows OWASP's authentication guidance:
failures are counted per account NAME (real or not, so a real one does not answer differently) and per
client address; past the free ones each attempt waits a delay that doubles, instead of a fixed lock a
stranger could keep a victim in. An admin's lock is only mentioned to someone who typed the right
password. Every function that depends on the time takes `now`, so tests move the clock instead of
sleeping."""
from __future__ import annotations

import ipaddress
import logging
import math
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import bcrypt

from core import accounts, validation
from core.demo_data import DEMO_PASSWORD
from db import login_throttle, users
from db.engine import set_reason, transactional
from db.engine import text_ok as db_text_ok
from db.errors import DataRuleError

log = logging.getLogger("streamsync.auth")

BCRYPT_COST = 12
ACCOUNT_FREE_FAILURES = 5  # per account name: 5 guesses, then a wait before each further one
CLIENT_FREE_FAILURES = 20  # per client address, over every name it tries
FIRST_DELAY = timedelta(seconds=30)  # the first wait; each further failure doubles it ...
MAX_DELAY = timedelta(minutes=15)  # ... up to this
FORGET_AFTER = timedelta(hours=24)  # failures this old no longer count
WRONG_CREDENTIALS = "Wrong username or password. Check both (the password is case-sensitive) and try again."
USERNAME_TAKEN = "That username is taken (names are compared ignoring case); choose another."
EMAIL_TAKEN = "An account with this email already exists; log in instead, or use another."
ADMIN_LOCKED = "This account is locked by an admin. Ask an admin to unlock it."
PUBLISHED_PASSWORD_REASON = ("still on the demo password the README publishes, while this instance is reachable "
                             "from other machines")
# A real cost-12 hash of a random secret nobody knows: unknown usernames are verified against it.
DUMMY_HASH = b"$2b$12$1ZNJPbZFW7Z/UbHZz4CW6uXCh3XGUav0ihoO/LwBWXdJacdafNHK6"


def clock() -> datetime:
    """The time logins are judged by (naive local time, like the DATETIME columns and core.sessions)."""
    return datetime.now()


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_COST)).decode("ascii")


def _matches(password: str, hashed: bytes) -> bool:
    # bcrypt refuses more than 72 bytes; no stored password is longer (validation), so such a guess is
    # wrong, but it still costs the same bcrypt work as any other guess. A lone surrogate cannot be
    # encoded: it is no one's password either.
    secret = password.encode("utf-8", "surrogatepass") if isinstance(password, str) else b""
    try:
        matched = bcrypt.checkpw(secret[:72], hashed)
    except ValueError:  # a stored value that is no bcrypt hash (an admin's mistake in the table editor): no match
        return False
    return matched and len(secret) <= 72 and isinstance(password, str)


def verify_password(password: str, hashed: str | None) -> bool:
    """True when password matches hashed; with hashed None (no such user) check the dummy hash anyway."""
    if not isinstance(hashed, str) or not hashed.isascii():
        _matches(password, DUMMY_HASH)
        return False
    return _matches(password, hashed.encode("ascii"))


def delay_after(failures: int, free: int) -> timedelta:
    """The wait owed after `failures` failures when `free` of them cost nothing: 0, then 30 s doubling
    to at most 15 minutes."""
    if failures < free:
        return timedelta(0)
    return min(MAX_DELAY, FIRST_DELAY * 2 ** min(failures - free, 16))


def _wait(key: str, failures: int) -> timedelta:
    free = CLIENT_FREE_FAILURES if key.startswith("client:") else ACCOUNT_FREE_FAILURES
    return delay_after(failures, free)


@transactional
def _claim(conn, actor: None, keys: list[str], now: datetime) -> tuple[datetime | None, dict[str, int]]:
    """Claim one login attempt against every key at once, BEFORE the password is checked and with the rows
    locked: that is what keeps 30 parallel guesses to the free ones. Returns (None, failures counted per key)
    when the attempt may go ahead, or (the time the longest wait ends, {}) when a key is still waiting; a
    refused attempt changes nothing. A claim counts as a failure until the login succeeds and gives it back."""
    counts: dict[str, int] = {}
    ready_at: datetime | None = None
    for key in sorted(set(keys)):  # one order for every login: two claims never wait on each other in a circle
        row = login_throttle.lock(conn, key, now)
        failures = 0 if now - row["last_failure_at"] >= FORGET_AFTER else row["failures"]
        owed = _wait(key, failures)
        until = row["last_failure_at"] + owed
        if owed and until > now:
            ready_at = max(ready_at or until, until)
        counts[key] = failures + 1
    if ready_at:
        return ready_at, {}
    for key, failures in counts.items():
        login_throttle.count(conn, key, failures, now)
    return None, counts


@transactional
def _forgive(conn, actor: None, key: str, claimed: int) -> None:
    # A burst of guesses racing the right password keeps the wait its failures earned.
    login_throttle.forgive(conn, key, claimed)


@transactional
def _throttled(conn, actor: None, username: str) -> None:
    # The system's act (no actor): an admin reading the log sees why the owner could not log in, and that
    # the owner did not do it.
    users.log_throttled(conn, username, throttled_reason())


@transactional
def _logged_in(conn, actor: str, now: datetime) -> None:
    users.stamp_login(conn, actor, now)


def throttled_reason() -> str:
    return (f"{ACCOUNT_FREE_FAILURES} failed logins: each further try for this account waits, "
            f"{FIRST_DELAY.seconds} s doubling up to {MAX_DELAY.seconds // 60} minutes")


def wait_message(until: datetime, now: datetime) -> str:
    """The same words for every name, real or not, so they cannot tell which exist."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    left = f"{seconds} seconds" if seconds < 120 else f"{-(-seconds // 60)} minutes"
    return (f"Too many failed logins for this username or from this device: wait {left} (until "
            f"{until:%H:%M:%S}), then try again. An admin can lift the wait.")


def login_name(typed: str) -> str:
    """The name a login is about: NFKC-normalised (fullwidth 'ＭＥＥＲＡ' is 'MEERA') and without spaces
    around it, so each spelling of one account counts against the same failures (the key also ignores case)."""
    return unicodedata.normalize("NFKC", typed).strip() if isinstance(typed, str) else ""


def client_key(address: str) -> str:
    """The key failures from `address` count under: one IPv4 address, or the /64 network of an IPv6 one (a
    single subscriber is usually given a whole /64, so per address it could try 2**64 times more), in one
    spelling whatever form the address came in ('::ffff:10.0.0.1' is 10.0.0.1). Text that is no address
    (a proxy's odd header) counts as itself."""
    address = address if isinstance(address, str) else ""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:100]
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class LoginResult:
    username: str | None  # the stored spelling, when the login succeeded
    message: str | None  # what to tell the user when it did not

    @property
    def ok(self) -> bool:
        return self.username is not None


def login(username: str, password: str, client: str | None = None, now: datetime | None = None,
          exposed: bool = False) -> LoginResult:
    """Check a login from `client` (the address, None when unknown). The attempt is claimed against the
    name's and the client's counts before the password is checked, in one locked transaction, so a burst
    of parallel guesses gets no more than the free ones; a refused attempt checks no password and counts
    nothing. A good password gives the name's claim back; the client's stays, so guessing between logins
    to one's own account does not reset it.
    exposed: the instance is reachable from other machines. Anyone there can read the demo accounts' password
    in the README, so an account still on it must choose another before anything else (the system's act,
    logged with its reason)."""
    now = now or clock()
    if not isinstance(username, str) or not isinstance(password, str):
        return LoginResult(None, WRONG_CREDENTIALS)
    username = login_name(username)
    if not username or not db_text_ok(username):  # a lone surrogate: no account can have that name
        return LoginResult(None, WRONG_CREDENTIALS)
    account = login_throttle.account_key(username)
    keys = [account] + ([login_throttle.client_key(client_key(client))] if isinstance(client, str) and client
                        else [])
    ready_at, claimed = _claim(None, keys, now)
    if ready_at:
        return LoginResult(None, wait_message(ready_at, now))
    # Only a name of an account's shape is looked up: the column's collation (utf8mb4_unicode_ci) finds
    # 'admin' for 'ádmin', 'ad\u200bmin' or 'ＡＤＭＩＮ' too, and each of those spellings would count its own
    # failures: unlimited guesses. Any other name is checked against the dummy hash, at the same cost.
    record = users.login_record(username) if validation.USERNAME_RE.fullmatch(username) else None
    if not verify_password(password, record["password_hash"] if record else None):
        if claimed[account] == ACCOUNT_FREE_FAILURES:
            log.info("%d failed logins for the name %r: its further tries wait", claimed[account], username)
            # For every name, real or not: the same work, so the time does not tell (it logs only a real one).
            _throttled(None, record["username"] if record else username)
        return LoginResult(None, WRONG_CREDENTIALS)
    _forgive(None, account, claimed[account])
    if record["locked_until"] and record["locked_until"] > now:
        return LoginResult(None, ADMIN_LOCKED)  # only the owner, who typed the right password, learns this
    _logged_in(record["username"], now)
    if exposed and password == DEMO_PASSWORD:
        _published_password(None, record["username"])
    return LoginResult(record["username"], None)


@transactional
def _published_password(conn, actor: None, username: str) -> None:
    set_reason(conn, PUBLISHED_PASSWORD_REASON)
    users.require_new_password(conn, username)


def register(fields: dict, today: date | None = None) -> tuple[dict[str, str], str | None]:
    """Create a `user` account from the registration form. Returns (errors by field, username); nothing is
    written unless every rule holds."""
    fields = validation.clean(fields)
    errors = validation.registration_errors(fields, today or clock().date())
    if "username" not in errors or "email" not in errors:
        errors = {**_taken_errors(fields), **errors}  # a malformed value keeps its own message
    if errors:
        return errors, None
    try:
        accounts.create_account(fields["username"], firstname=fields["firstname"], lastname=fields["lastname"],
                                email=fields["email"], dob=fields["dob"],
                                password_hash=hash_password(fields["password"]))
    except DataRuleError as exc:  # someone took the name or email in the moment since the check: ask again
        return _taken_errors(fields) or {"username": str(exc)}, None
    return {}, fields["username"]


def _taken_errors(fields: dict) -> dict[str, str]:
    """The registration messages for a username or email already in use (compared ignoring case)."""
    in_use = users.taken(fields["username"], fields["email"])
    return {field: message for field, message in (("username", USERNAME_TAKEN), ("email", EMAIL_TAKEN))
            if in_use[field]}


def update_profile(username: str, fields: dict, today: date | None = None) -> dict[str, str]:
    """Save names, email and date of birth. Returns errors by field (empty: saved)."""
    fields = validation.clean(fields)
    errors = validation.profile_errors(fields, today or clock().date())
    if "email" not in errors and users.taken("", fields["email"], except_username=username)["email"]:
        errors["email"] = "Another account uses this email address; use a different one."
    if errors:
        return errors
    try:
        _save_profile(username, firstname=fields["firstname"], lastname=fields["lastname"],
                      email=fields["email"], dob=fields["dob"])
    except DataRuleError as exc:
        return {"email": str(exc)}
    return {}


def change_password(username: str, current: str, new: str, confirm: str,
                    keep_token: str | None) -> tuple[dict[str, str], int]:
    """Change the password after checking the current one; every other session of the user ends.
    Returns (errors by field, sessions ended)."""
    current, new, confirm = (validation.text_or_empty(v) for v in (current, new, confirm))
    record = users.login_record(username)
    errors = validation.password_errors(new, confirm, username)
    if not verify_password(current, record["password_hash"] if record else None):
        errors["current_password"] = "The current password is wrong; type the one you log in with now."
    elif current == new and "password" not in errors:
        errors["password"] = "The new password must differ from the current one."
    if errors:
        return errors, 0
    return {}, _set_password(username, hash_password(new), keep_token)


@transactional
def _save_profile(conn, actor: str, **fields) -> None:
    users.update_profile(conn, actor, **fields)


@transactional
def _set_password(conn, actor: str, new_hash: str, keep_token: str | None) -> int:
    """Store the new hash and end every other session of the user at once (a stolen session must not outlive
    the password it was opened with). Returns sessions ended."""
    users.set_password(conn, actor, new_hash)
    return accounts.end_sessions(conn, actor, keep_token)
