"""`manage.py reset` (and reset_database.py): rebuild the configured database and load demo or large data."""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError

from core import recommend
from core.reset import SCALES, ForeignDatabase, Outcome, rebuild, where
from db.config import database_url
from db.errors import DatabaseUnavailable


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true", help="do not ask before deleting the database")
    parser.add_argument("--scale", choices=SCALES, default="demo",
                        help="demo: the 91-title demo set (default); large: 100,000 titles and ~3.6M rows in all")
    parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same data")
    parser.add_argument("--if-empty", action="store_true",
                        help="load only when the database is missing, empty or half-reset (nothing to lose), "
                             "so it never asks; says so and does nothing when it holds data")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reset", help="drop and rebuild the configured database with demo or large data",
        description="Drop and rebuild the configured database through the migrations, then load demo (or "
                    "large generated) data. Asks first unless --yes.")
    add_arguments(parser)
    parser.set_defaults(handler=run)


def _confirm(url: URL, scale: str) -> bool:
    answer = input(f"This deletes everything in the database {where(url)} and loads {scale} data. "
                   f"Type 'yes' to continue: ")
    return answer.strip().lower() == "yes"


def _print_counts(outcome: Outcome) -> None:
    width = max(len(t) for t in outcome.counts)
    print(f"{'table':<{width}}  {'rows':>12}")
    for table, rows in outcome.counts.items():
        print(f"{table:<{width}}  {rows:>12,}")
    print(f"{'total':<{width}}  {outcome.rows:>12,}")
    rate = outcome.rows / outcome.seconds if outcome.seconds else 0
    print(f"Rebuilt and loaded in {outcome.seconds:.1f} s ({rate:,.0f} rows/s).")


def run(args: argparse.Namespace) -> int:
    try:
        url = database_url()
    except (ArgumentError, ValueError) as exc:
        print(f"The configured database URL is not valid: {exc}", file=sys.stderr)
        return 1
    if not args.yes and not args.if_empty:
        if not sys.stdin.isatty():
            print(f"Refusing to reset the database {where(url)}: no terminal to ask for confirmation; "
                  f"run again with --yes.", file=sys.stderr)
            return 2
        if not _confirm(url, args.scale):
            print("Cancelled; nothing was changed.", file=sys.stderr)
            return 1
    try:
        outcome = rebuild(url, scale=args.scale, seed=args.seed, quiet=False, if_empty=args.if_empty)
    except (DatabaseUnavailable, ForeignDatabase) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:  # no or an unsafe database name in the URL
        print(f"Cannot reset the database: {exc}", file=sys.stderr)
        return 1
    if outcome.skipped:
        print(f"The database {where(url)} already holds StreamSync data; nothing to do.")
        return 0
    _print_counts(outcome)
    _print_training(outcome)
    return 0


def _print_training(outcome: Outcome) -> None:
    trained = outcome.training
    if isinstance(trained, recommend.TrainingRefused):
        print(f"Recommender not trained: {trained}")
    elif trained is not None:
        print(f"Recommender trained in {trained.seconds:.1f} s: {trained.titles_learned:,} titles learned, "
              f"{trained.neighbour_rows:,} neighbours (`manage.py train-recommender` retrains it).")


def main(argv: list[str] | None = None) -> int:
    """reset_database.py's entry: the same options without the subcommand name."""
    parser = argparse.ArgumentParser(description="Rebuild the configured StreamSync database and load data.")
    add_arguments(parser)
    return run(parser.parse_args(argv))
