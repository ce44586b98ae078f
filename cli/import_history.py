"""`manage.py import-history --user NAME FILE`: the Import page without a browser (ambiguous titles are
skipped: there is no one to ask)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.history_import import SUPPORTED, Refused, preview, read_upload
from core.history_import.adding import PROVIDER_LIMIT, add_titles
from core.history_import.commit import commit
from core.history_import.preview import POLICIES
from core.history_import.records import KIND_LABELS
from db.errors import DatabaseUnavailable, DataRuleError
from db.users import get_user

PROBLEMS_SHOWN = 20


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-history", help="import a Letterboxd, IMDb, Trakt or StreamSync export into a user's account",
        description=f"Import an export file into a user's account. Reads {SUPPORTED}. Prints the preview, then "
                    "writes in batches (each a transaction) and prints the report. Ambiguous titles are skipped.")
    parser.add_argument("--user", required=True, help="the account to import into")
    parser.add_argument("--policy", choices=list(POLICIES), default="keep_newer",
                        help="where the file and the account disagree: keep_mine, take_file or keep_newer "
                             "(the default: whichever was changed last)")
    parser.add_argument("--add-unmatched", action="store_true",
                        help="add the titles the catalog does not have: from TMDb or TVmaze when configured (at "
                             f"most {PROVIDER_LIMIT} a run), else with their title and year only, for moderators to "
                             "complete")
    parser.add_argument("--dry-run", action="store_true", help="print the preview and write nothing")
    parser.add_argument("file", type=Path, help="the export: a ZIP, CSV or JSON file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"Cannot read {args.file}: {exc.strerror}.", file=sys.stderr)
        return 1
    try:
        if get_user(args.user) is None:
            print(f"There is no user {args.user!r}.", file=sys.stderr)
            return 1
        seen = preview.build(read_upload(args.file.name, data), args.user)
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    counts = ", ".join(f"{n:,} {KIND_LABELS[kind]}" for kind, n in seen.counts().items() if n)
    print(f"{seen.parsed.label}: {counts or 'nothing to import'}.")
    print("Titles: " + ", ".join(f"{n:,} {what}" for what, n in seen.match_counts().items()) + ".")
    for note in seen.notes:
        print(f"note: {note}")
    problems = seen.problems + seen.plan_problems()
    for problem in problems[:PROBLEMS_SHOWN]:
        print(f"skipped: {problem}")
    if len(problems) > PROBLEMS_SHOWN:
        print(f"skipped: ... and {len(problems) - PROBLEMS_SHOWN:,} more rows")
    unmatched = [line for line in seen.titles if line.match.status == "unmatched"]
    if args.add_unmatched and unmatched and not args.dry_run:
        added = add_titles(args.user, unmatched, seen.parsed.label.split(" (")[0])
        for line in added.lines():
            print(line)
        seen = preview.build(seen.parsed, args.user)
        print("Titles now: " + ", ".join(f"{n:,} {what}" for what, n in seen.match_counts().items()) + ".")
    conflicts = seen.conflicts()
    if conflicts:
        print(f"{len(conflicts):,} conflicts with the account, resolved by --policy {args.policy}.")
    changes = seen.changes(policy=args.policy)
    if args.dry_run:
        print(f"Dry run: would write {changes.size():,} rows; nothing was written.")
        return 0
    try:
        report = commit(seen, args.file.name, data, policy=args.policy,
                        progress=lambda done, total: print(f"batch {done} of {total} saved", flush=True))
    except (DataRuleError, DatabaseUnavailable) as exc:
        print(f"The import could not start: {exc}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line)
    return 1 if report.stopped else 0
