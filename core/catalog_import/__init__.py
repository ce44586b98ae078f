"""Bulk catalog imports (`manage.py import-catalog`): IMDb's datasets, TIMDB and MovieLens.

Shared pieces, for every importer:
- session.ImportSession: batches committed with their checkpoint, upsert_titles / upsert_people by IMDb id
  with exact added / updated / unchanged counts, staged credits, IdSet for filtering streams;
- files.Table: a gzip or plain TSV/CSV stream with header checks and one-line errors (ImportFailed);
- progress.Progress: the bar with rate and time left; report.Report: the closing table;
- runner.run_import: format dispatch, resume, the import lock, bulk mode.

A new source is one module with PHASES (a list of phase names) and a function taking the session (see
runner.py for how imdb, timdb and movielens are called).
"""
