"""Passwords and logins: bcrypt hashing (cost 12), registration, login with lockout, password changes.

A login answers "Wrong username or password." whether or not the username exists, and spends the same
bcrypt work either way (an unknown username is checked against a dummy hash), so neither the words nor
the time tell an attacker which usernames exist. Five failures within 15 minutes lock the account for
15 minutes. Every function that depends on the time takes `now`, so tests move the clock instead of
sleeping."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import bcrypt

from core import validation
from db import users
from db.errors import DataRuleError

log = logging.getLogger("streamsync.auth")

BCRYPT_COST = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
WRONG_CREDENTIALS = "Wrong username or password. Check both (the password is case-sensitive) and try again."
USERNAME_TAKEN = "That username is taken (names are compared ignoring case); choose another."
EMAIL_TAKEN = "An account with this email already exists; log in instead, or use another."
# A real cost-12 hash of a random secret nobody knows: unknown usernames are verified against it.
DUMMY_HASH = b"$2b$12$1ZNJPbZFW7Z/UbHZz4CW6uXCh3XGUav0ihoO/LwBWXdJacdafNHK6"


def clock() -> datetime:
    """The time logins are judged by (naive local time, like the DATETIME columns and db.sessions)."""
    return datetime.now()


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_COST)).decode("ascii")


def _matches(password: str, hashed: bytes) -> bool:
    # bcrypt refuses more than 72 bytes; no stored password is longer (validation), so such a guess is
    # wrong, but it still costs the same bcrypt work as any other guess.
    secret = password.encode("utf-8")
    return bcrypt.checkpw(secret[:72], hashed) and len(secret) <= 72


def verify_password(password: str, hashed: str | None) -> bool:
    """True when password matches hashed; with hashed None (no such user) check the dummy hash anyway."""
    if hashed is None:
        _matches(password, DUMMY_HASH)
        return False
    return _matches(password, hashed.encode("ascii"))


def minutes_left(until: datetime, now: datetime) -> int:
    """Whole minutes until `until`, rounded up, at least 1."""
    return max(1, -(-int((until - now).total_seconds()) // 60))


def locked_message(until: datetime, now: datetime) -> str:
    if until - now > LOCK_DURATION:  # longer than the failed-login lock: an admin locked the account
        return "This account is locked by an admin. Ask an admin to unlock it."
    minutes = minutes_left(until, now)
    return (f"Too many failed logins: this account is locked for {minutes} more minute"
            f"{'' if minutes == 1 else 's'} (until {until:%H:%M}). Wait, then try again, or ask an admin.")


@dataclass(frozen=True)
class LoginResult:
    username: str | None  # the stored spelling, when the login succeeded
    message: str | None  # what to tell the user when it did not

    @property
    def ok(self) -> bool:
        return self.username is not None


def login(username: str, password: str, now: datetime | None = None) -> LoginResult:
    """Check a login. A locked account is refused even with the right password (the lock must hold against
    a guesser who finds it), and the guesses made while locked do not count. A wrong guess for a username
    that does not exist runs the same failure-counting transaction (it finds no row), so it costs what a
    wrong guess for a real user costs."""
    now = now or clock()
    username = username.strip()
    record = users.login_record(username) if username else None
    good = verify_password(password, record["password_hash"] if record else None)
    if record and record["locked_until"] and record["locked_until"] > now:
        return LoginResult(None, locked_message(record["locked_until"], now))
    if record is None or not good:
        locked_until = users.record_login_failure(record["username"] if record else username, now,
                                                  max_failures=MAX_FAILURES, window=FAILURE_WINDOW,
                                                  lock_for=LOCK_DURATION)
        if locked_until:
            log.info("account %s locked after %d failed logins", record["username"], MAX_FAILURES)
            return LoginResult(None, locked_message(locked_until, now))
        return LoginResult(None, WRONG_CREDENTIALS)
    users.record_login_success(record["username"], now)
    return LoginResult(record["username"], None)


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
        users.create_user(fields["username"], firstname=fields["firstname"], lastname=fields["lastname"],
                          email=fields["email"], dob=fields["dob"], password_hash=hash_password(fields["password"]))
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
        users.update_profile(username, firstname=fields["firstname"], lastname=fields["lastname"],
                             email=fields["email"], dob=fields["dob"])
    except DataRuleError as exc:
        return {"email": str(exc)}
    return {}


def change_password(username: str, current: str, new: str, confirm: str,
                    keep_token: str | None) -> tuple[dict[str, str], int]:
    """Change the password after checking the current one; every other session of the user ends.
    Returns (errors by field, sessions ended)."""
    record = users.login_record(username)
    errors = validation.password_errors(new, confirm, username)
    if not verify_password(current, record["password_hash"] if record else None):
        errors["current_password"] = "The current password is wrong; type the one you log in with now."
    elif current == new and "password" not in errors:
        errors["password"] = "The new password must differ from the current one."
    if errors:
        return errors, 0
    return {}, users.change_password(username, hash_password(new), keep_token)
