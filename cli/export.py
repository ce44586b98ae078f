"""`manage.py export --user NAME`: write one account's export ZIP (what the Export page gives) to a file."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import export
from db.errors import DatabaseUnavailable, DataRuleError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export", help="write a user's data (ratings, reviews, watchlist, playlists, progress, friends) to a ZIP",
        description="Write everything one account holds to a ZIP: CSV and JSON of each part (never the password "
                    "hash) and a Letterboxd-style CSV set. StreamSync's import reads the ZIP back.")
    parser.add_argument("--user", required=True, help="the account's username")
    parser.add_argument("--output", "-o", type=Path,
                        help="the file to write (default: streamsync-USER-DATE.zip in the current folder)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        made = export.build(args.user)
    except (DataRuleError, DatabaseUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    path = args.output or Path(made.filename)
    path.write_bytes(made.data)
    parts = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in made.counts.items())
    print(f"Wrote {path} ({len(made.data) / 1024:,.0f} KB): {parts}.")
    return 0
