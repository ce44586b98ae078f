"""`manage.py import-catalog`: bulk import of IMDb's datasets, TIMDB or MovieLens into the catalog."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from core.catalog_import import imdb
from core.catalog_import.files import ImportFailed
from core.catalog_import.runner import FORMATS, run_import
from db.errors import DatabaseUnavailable, DataRuleError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-catalog", help="bulk-import titles, episodes and people from IMDb's datasets, TIMDB or MovieLens",
        description="Stream a catalog source into the configured database in batches. Run it again at any time: it "
                    "adds what is new, updates what changed and never duplicates; an interrupted run resumes "
                    "where it stopped. Ends with a table of what was added, updated, unchanged and skipped.")
    parser.add_argument("source", type=Path,
                        help="imdb: the folder holding title.basics.tsv.gz and the other dataset files; timdb: "
                             "TIMDB's top folder; movielens: the folder with movies.csv and links.csv")
    parser.add_argument("--format", choices=FORMATS, default="imdb", help="what the source is (default imdb)")
    parser.add_argument("--types", default=",".join(imdb.DEFAULT_TYPES),
                        help="imdb: title types to import, comma-separated (default %(default)s)")
    parser.add_argument("--min-votes", type=int, default=0,
                        help="imdb: only titles with at least this many votes in title.ratings (default 0: all)")
    parser.add_argument("--include-adult", action="store_true", help="imdb: also titles IMDb marks adult")
    parser.add_argument("--batch", type=int, default=20_000, help="rows per batch, each one transaction")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    types = tuple(t.strip() for t in args.types.split(",") if t.strip())
    try:
        outcome = run_import(args.format, args.source, title_types=types, min_votes=args.min_votes,
                             include_adult=args.include_adult, batch_rows=args.batch,
                             progress_stream=None if args.quiet else sys.stderr)
    except ImportFailed as exc:
        print(f"import-catalog: {exc}", file=sys.stderr)
        return 1
    except (DatabaseUnavailable, DataRuleError) as exc:
        print(f"import-catalog: {exc} Every batch before this one is saved; run the same command again to "
              f"resume.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("import-catalog: interrupted. Every finished batch is saved; run the same command again to resume.",
              file=sys.stderr)
        return 130
    if outcome.resumed_from:
        print(f"Resumed an interrupted import at {outcome.resumed_from}.")
    print(outcome.report.table())
    seconds = time.monotonic() - started
    rate = outcome.report.rows_read / seconds if seconds else 0
    print(f"Read {outcome.report.rows_read:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s).")
    return 0
