"""Rebuild the configured database and load demo (or large generated) data: the design card's reset script.

    python reset_database.py --yes [--scale demo|large] [--seed N]
    python reset_database.py --if-empty          # the run command: load demo data only where nothing is lost

The same as `python manage.py reset ...` (cli/reset.py; the work is core/reset.py).
"""
import sys

from cli.reset import main

if __name__ == "__main__":
    sys.exit(main())
