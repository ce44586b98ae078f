"""Failed-login counts per account name and per client address (table login_throttle); the policy (how many
failures are free, how long the delays grow) is core.auth's and comes in as `wait`.

An attempt is claimed BEFORE the password is checked, with the rows locked: that is what keeps 30 parallel
guesses to the free ones. A claim counts as a failure until the login succeeds and gives it back."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from db.core import execute, fetch_one, transactional

KEY_MAX = 200  # the column's length


def account_key(username: str) -> str:
    """The key of an account name, typed or real: names compare ignoring case, like users.username."""
    return f"account:{username.casefold()}"[:KEY_MAX]


def client_key(address: str) -> str:
    return f"client:{address}"[:KEY_MAX]


@transactional
def claim(conn, actor: str | None, keys: list[str], now: datetime, forget_after: timedelta,
          wait: Callable[[str, int], timedelta]) -> tuple[datetime | None, dict[str, int]]:
    """Claim one login attempt against every key at once. Returns (None, failures counted per key) when the
    attempt may go ahead, or (the time the longest wait ends, {}) when a key is still waiting; a refused
    attempt changes nothing. `wait(key, failures)` is the pause a key owes after that many failures;
    failures older than `forget_after` are forgotten."""
    counts: dict[str, int] = {}
    ready_at: datetime | None = None
    for key in sorted(set(keys)):  # one order for every login: two claims never wait on each other in a circle
        # Makes the row if needed and locks it exclusively either way (a plain SELECT ... FOR UPDATE after an
        # INSERT IGNORE would take a shared lock first, and two logins upgrading it deadlock).
        execute(conn, """INSERT INTO login_throttle (throttle_key, failures, last_failure_at) VALUES (:k, 0, :now)
                         ON DUPLICATE KEY UPDATE failures = failures""", k=key, now=now)
        row = fetch_one("SELECT failures, last_failure_at FROM login_throttle WHERE throttle_key = :k FOR UPDATE",
                        conn, k=key)
        failures = 0 if now - row["last_failure_at"] >= forget_after else row["failures"]
        owed = wait(key, failures)
        until = row["last_failure_at"] + owed
        if owed and until > now:
            ready_at = max(ready_at or until, until)
        counts[key] = failures + 1
    if ready_at:
        return ready_at, {}
    for key, failures in counts.items():
        execute(conn, "UPDATE login_throttle SET failures = :n, last_failure_at = :now WHERE throttle_key = :k",
                n=failures, now=now, k=key)
    return None, counts


@transactional
def forgive(conn, actor: str | None, key: str, claimed: int) -> None:
    """A good login: forget the key's failures, unless other attempts claimed more since this one (a burst of
    guesses racing the right password keeps the wait its failures earned)."""
    execute(conn, "DELETE FROM login_throttle WHERE throttle_key = :k AND failures <= :n", k=key, n=claimed)

