"""manage.py's subcommands: argument parsing and printing only; the work is done by core/ and db/."""
