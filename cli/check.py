"""`manage.py check`: is this instance configured and healthy? Configuration, server, schema, rows, pool."""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import ArgumentError, DBAPIError

from db import bulk, migrations
from db.config import database_url, database_url_source, pool_settings
from db.errors import DatabaseUnavailable


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="configuration, server, schema revision, row counts, pool and connector",
        description="Say where the configuration comes from, whether the server answers, whether the schema is "
                    "at the code's head revision, how many rows each table holds, the pool settings and the "
                    "connector class in use. Exits 1 when something needs attention.")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        url = database_url()
    except (ArgumentError, ValueError) as exc:
        print(f"configuration  the database URL is not valid: {exc}")
        return 1
    print(f"configuration  {database_url_source()}: "
          f"{url.render_as_string(hide_password=True)}")
    pool = pool_settings()
    print(f"pool           size {pool.size}, overflow {pool.max_overflow}, timeout {pool.timeout:g} s, "
          f"recycle {pool.recycle} s")
    try:
        with migrations.connect(url) as conn:
            raw = conn.connection.dbapi_connection
            print(f"server         {conn.exec_driver_sql('SELECT VERSION()').scalar()} at "
                  f"{url.host or 'localhost'}:{url.port or 3306}; connector {type(raw).__module__}."
                  f"{type(raw).__name__}")
            status = migrations.status(conn)
            if status.at_head:
                print(f"schema         at head {status.head}")
            else:
                print(f"schema         at {status.current or 'no revision'}, head is {status.head}: "
                      f"run `python manage.py migrate` (pending {', '.join(status.pending) or 'stamp'})")
                return 1
            counts = bulk.table_counts(conn)
    except (migrations.MigrationRefused, DatabaseUnavailable) as exc:
        print(f"problem        {exc}")
        return 1
    except DBAPIError as exc:
        print(f"problem        {DatabaseUnavailable(url, getattr(exc.orig, 'msg', None) or str(exc.orig))}")
        return 1
    print("rows")
    for table, rows in counts.items():
        print(f"  {table:<18} {rows:>12,}")
    sys.stdout.flush()
    return 0
