#!/usr/bin/env python3
"""StreamSync's admin tasks, one entry point (as Django's manage.py): `python manage.py --help`.

Each subcommand lives in a module of cli/ that defines register(subparsers); the module adds its
parser(s) and sets `handler`, a function of the parsed arguments that returns the exit status.
"""
from __future__ import annotations

import argparse
import importlib
import sys

# The cli/ modules, in the order --help lists their commands.
COMMAND_MODULES = ("migrate", "reset", "check", "import_catalog", "refresh_catalog", "train_recommender",
                   "serve", "cluster", "import_history", "export")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="StreamSync admin tasks.")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return 2
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
