"""`manage.py refresh-catalog`: re-fetch running series from their provider (cron or a systemd timer)."""
from __future__ import annotations

import argparse
import sys

from core.catalog_refresh import refresh
from db.errors import DatabaseUnavailable


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "refresh-catalog", help="re-fetch running series from TVmaze or TMDb: new episodes, air dates, ended shows",
        description="Re-fetch series that are still running from the provider they came from, least recently "
                    "refreshed first: new episodes are added, changed titles and air dates updated, and a show "
                    "that has finished is marked ended. Exits 1 when a series could not be refreshed.")
    parser.add_argument("--limit", type=int, default=100, help="series per run (default %(default)s)")
    parser.add_argument("--older-than", type=float, default=12, metavar="HOURS",
                        help="only series not refreshed for this many hours (default %(default)s)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1 or args.older_than < 0:
        print("refresh-catalog: --limit must be at least 1 and --older-than at least 0.", file=sys.stderr)
        return 2
    try:
        outcome = refresh(args.limit, args.older_than)
    except DatabaseUnavailable as exc:
        print(f"refresh-catalog: {exc}", file=sys.stderr)
        return 1
    for s in outcome.series:
        if s.error:
            print(f"{s.title} (#{s.media_id}): not refreshed: {s.error}")
        else:
            ended = ", now ended" if s.ended else ""
            print(f"{s.title} (#{s.media_id}): {s.added} new episodes, {s.changed} changed{ended}")
    print(f"Refreshed {len(outcome.series) - outcome.failed} of {len(outcome.series)} running series.")
    return 1 if outcome.failed else 0
