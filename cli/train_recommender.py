"""`manage.py train-recommender`: learn title neighbours from everyone's ratings, lists and watches, and swap
them in whole (core.recommend.train). Meant for cron; prints one line per step and exits 1 when it could not
train (the live neighbours stay as they were)."""
from __future__ import annotations

import argparse
import resource
import sys

from sqlalchemy.exc import ArgumentError, DBAPIError

from core import recommend, recommend_model
from db import migrations
from db.config import database_url
from db.errors import UNAVAILABLE_ERRNOS, DatabaseUnavailable


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "train-recommender", help="learn title neighbours for recommendations and similar titles",
        description="Read every user's ratings, watchlist, playlists, progress (and watch events where they "
                    "exist), learn which titles go together (EASE), and replace the neighbours table in one "
                    "atomic swap. Safe to run from cron while the app serves.")
    parser.add_argument("--max-titles", type=int, default=recommend_model.MAX_TITLES,
                        help=f"learn the N most interacted titles (default {recommend_model.MAX_TITLES:,}; "
                             "memory grows with N²: 8 bytes × N² × 2)")
    parser.add_argument("--neighbours", type=int, default=recommend_model.NEIGHBOURS,
                        help=f"neighbours kept per title (default {recommend_model.NEIGHBOURS})")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.max_titles < 2 or args.neighbours < 1:
        print("--max-titles must be at least 2 and --neighbours at least 1.", file=sys.stderr)
        return 2
    try:
        url = database_url()
    except (ArgumentError, ValueError) as exc:
        print(f"The configured database URL is not valid: {exc}", file=sys.stderr)
        return 1
    try:
        with migrations.connect(url) as conn:
            status = migrations.status(conn)
            if not status.at_head:
                print(f"The schema is at {status.current or 'no revision'}, the code's head is {status.head}: "
                      "run `python manage.py migrate` first.", file=sys.stderr)
                return 1
            outcome = recommend.train(conn, say=lambda line: print(line, flush=True),
                                      max_titles=args.max_titles, neighbours=args.neighbours)
    except recommend.TrainingRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except DBAPIError as exc:
        if getattr(exc.orig, "errno", None) in UNAVAILABLE_ERRNOS:
            print(str(DatabaseUnavailable(url, getattr(exc.orig, "msg", str(exc.orig)))), file=sys.stderr)
            return 1
        raise
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vanished = (f" ({outcome.vanished_rows:,} rows of titles deleted meanwhile left out)"
                if outcome.vanished_rows else "")
    print(f"Trained on {outcome.signals:,} signals of {outcome.users:,} users: {outcome.titles_learned:,} titles "
          f"learned, {outcome.neighbour_rows:,} neighbours swapped in{vanished}; {outcome.seconds:.1f} s, "
          f"peak memory {peak_mb:,.0f} MB.")
    return 0
