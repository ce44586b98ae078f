"""Where the database is. First found wins: STREAMSYNC_DB_URL, .streamlit/secrets.toml, the default.
Several servers of one cluster (MariaDB Galera): STREAMSYNC_DB_HOSTS or secrets' `hosts`, see database_hosts()."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_URL = "mysql+mysqlconnector://root@127.0.0.1:3306/streamsync"
# MySQL 8's default collation does not exist in MariaDB, so the connection always names one.
REQUIRED_QUERY = {"charset": "utf8mb4", "collation": "utf8mb4_unicode_ci"}


@dataclass(frozen=True)
class PoolSettings:
    size: int
    max_overflow: int
    timeout: float
    recycle: int


def _secrets_section() -> dict:
    if not SECRETS_FILE.exists():
        return {}
    with SECRETS_FILE.open("rb") as fh:
        return tomllib.load(fh).get("connections", {}).get("streamsync", {})


def _from_secrets() -> str | None:
    section = _secrets_section()
    if "url" in section:
        return section["url"]
    if "host" in section:
        return URL.create(
            section.get("dialect", "mysql") + "+" + section.get("driver", "mysqlconnector"),
            username=section.get("username", "root"),
            password=section.get("password") or None,
            host=section["host"],
            port=int(section.get("port", 3306)),
            database=section.get("database", "streamsync"),
        ).render_as_string(hide_password=False)
    return None


def database_url_source() -> str:
    """Where database_url() finds its value, in words (for `manage.py check`)."""
    if os.environ.get("STREAMSYNC_DB_URL"):
        return "the environment variable STREAMSYNC_DB_URL"
    if _from_secrets():
        return str(SECRETS_FILE.relative_to(PROJECT_ROOT))
    return "the built-in default"


def database_url() -> URL:
    """The configured URL with charset and collation always set."""
    raw = os.environ.get("STREAMSYNC_DB_URL") or _from_secrets() or DEFAULT_URL
    url = make_url(raw)
    return url.update_query_dict({**REQUIRED_QUERY, **dict(url.query)})


def database_hosts() -> list[tuple[str, int]]:
    """The servers of a multi-primary cluster (MariaDB Galera), in order of preference: a new connection goes
    to the first one that answers and is in the cluster's primary component. STREAMSYNC_DB_HOSTS
    ("db1:3306,db2:3306,db3:3306") or secrets' `hosts = ["db1:3306", ...]`; the URL's user, password and
    database apply to each. Empty (the default): only the URL's own host."""
    raw = os.environ.get("STREAMSYNC_DB_HOSTS")
    entries = raw.split(",") if raw else _secrets_section().get("hosts", [])
    hosts = []
    for entry in (e.strip() for e in entries):
        if entry:
            host, _, port = entry.rpartition(":") if ":" in entry else (entry, "", "3306")
            hosts.append((host, int(port)))
    return hosts


def pool_settings() -> PoolSettings:
    env = os.environ.get
    return PoolSettings(
        size=int(env("STREAMSYNC_POOL_SIZE", "5")),
        max_overflow=int(env("STREAMSYNC_POOL_OVERFLOW", "10")),
        timeout=float(env("STREAMSYNC_POOL_TIMEOUT", "10")),
        recycle=int(env("STREAMSYNC_POOL_RECYCLE", "1800")),
    )
