"""Failed-login counts per account name and per client address (table login_throttle); the policy (how many
failures are free, how long the delays grow, claiming an attempt) is core.auth's."""
from __future__ import annotations

from datetime import datetime

from db.engine import execute, fetch_one

KEY_MAX = 200  # the column's length


def account_key(username: str) -> str:
    """The key of an account name, typed or real: names compare ignoring case, like users.username."""
    return f"account:{username.casefold()}"[:KEY_MAX]


def client_key(address: str) -> str:
    return f"client:{address}"[:KEY_MAX]


def lock(conn, key: str, now: datetime) -> dict:
    """The key's row (failures, last_failure_at), made if needed and locked exclusively for this transaction."""
    # INSERT ... ON DUPLICATE KEY takes the exclusive lock either way (a plain SELECT ... FOR UPDATE after an
    # INSERT IGNORE would take a shared lock first, and two logins upgrading it deadlock).
    execute(conn, """INSERT INTO login_throttle (throttle_key, failures, last_failure_at) VALUES (:k, 0, :now)
                     ON DUPLICATE KEY UPDATE failures = failures""", k=key, now=now)
    return fetch_one("SELECT failures, last_failure_at FROM login_throttle WHERE throttle_key = :k FOR UPDATE",
                     conn, k=key)


def count(conn, key: str, failures: int, now: datetime) -> None:
    execute(conn, "UPDATE login_throttle SET failures = :n, last_failure_at = :now WHERE throttle_key = :k",
            n=failures, now=now, k=key)


def forgive(conn, key: str, claimed: int) -> None:
    """Forget the key's failures, unless other attempts claimed more than `claimed` since."""
    execute(conn, "DELETE FROM login_throttle WHERE throttle_key = :k AND failures <= :n", k=key, n=claimed)


def clear(conn, key: str) -> None:
    """Forget the failed logins counted against `key` (an admin unlocking the account lifts its wait)."""
    execute(conn, "DELETE FROM login_throttle WHERE throttle_key = :k", k=key)
