"""`manage.py migrate`: bring the configured database's schema to the code's head revision, and say where it is."""
from __future__ import annotations

import argparse
import sys
from datetime import date

from sqlalchemy.exc import ArgumentError, DBAPIError

from db import migrations, schema
from db.config import database_url
from db.errors import UNAVAILABLE_ERRNOS, DatabaseUnavailable


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "migrate", help="apply pending schema migrations (upgrade), or show current/history",
        description="Schema migrations (alembic revisions in migrations/versions/). Data is never dropped: a "
                    "database made before migrations is stamped, one at a revision this code does not know is "
                    "refused.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="apply every pending revision (the default)")
    upgrade.add_argument("--quiet", action="store_true", help="print only the one-line outcome")
    actions.add_parser("current", help="the database's revision and the code's head")
    actions.add_parser("history", help="every revision, oldest first")
    downgrade = actions.add_parser("downgrade", help="step back to a revision (where its downgrade exists)")
    downgrade.add_argument("revision", help="the revision to go back to, e.g. 0002, or -1 for one step")
    audit = actions.add_parser("audit-revision",
                               help="write a new revision with the audit triggers sql/audit_spec.toml generates")
    audit.add_argument("-m", "--message", required=True, help="why the audit changes (the revision's title)")
    parser.set_defaults(handler=run, action="upgrade", quiet=False)


def _history() -> int:
    for revision, down, title in migrations.history():
        print(f"{revision}  {'(first)' if down is None else f'after {down}'}  {title}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "history":
        return _history()
    if args.action == "audit-revision":
        path = migrations.write_audit_revision(args.message, date.today().isoformat())
        print(f"Wrote {path.relative_to(migrations.MIGRATIONS_DIR.parent)}; apply it with `python manage.py migrate`.")
        return 0
    try:
        url = database_url()
    except (ArgumentError, ValueError) as exc:
        print(f"The configured database URL is not valid: {exc}", file=sys.stderr)
        return 1
    where = f"{url.database!r} at {url.host or 'localhost'}:{url.port or 3306}"
    try:
        if args.action == "upgrade":
            schema.create_database_if_missing(url)
            before = migrations.upgrade_url(url)
            if before.pending:
                start = "an empty database" if before.current is None and not before.legacy else (
                    f"{before.current or migrations.FIRST_REVISION}")
                stamped = " (made before migrations: stamped 0001)" if before.legacy else ""
                print(f"Schema of {where}: applied {len(before.pending)} migration(s) "
                      f"{', '.join(before.pending)} from {start}{stamped}; now at {before.head}.")
            elif before.legacy:
                print(f"Schema of {where}: made before migrations; stamped {before.head}.")
            else:
                print(f"Schema of {where}: up to date at {before.head}.")
            return 0
        if args.action == "downgrade":
            with migrations.connect(url) as conn:
                migrations.downgrade(conn, args.revision)
                print(f"Schema of {where}: now at {migrations.status(conn).current}.")
            return 0
        status = migrations.status_url(url)
        print(f"database {where}: {status.current or 'no revision (empty, or made before migrations)'}")
        print(f"code head: {status.head}" + (f"; pending: {', '.join(status.pending)}" if status.pending else
                                             "; nothing pending"))
        return 0
    except migrations.MigrationRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except NotImplementedError as exc:  # a revision without a downgrade says why
        print(f"Cannot downgrade: {exc}", file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except DBAPIError as exc:
        if getattr(exc.orig, "errno", None) in UNAVAILABLE_ERRNOS:
            print(str(DatabaseUnavailable(url, getattr(exc.orig, "msg", str(exc.orig)))), file=sys.stderr)
            return 1
        raise
