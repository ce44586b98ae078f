"""Alembic's environment for StreamSync: always online, on the connection db.migrations hands over.

The revisions hold raw SQL (as sql/ does), so there is no SQLAlchemy metadata to compare against and no
autogenerate; offline `--sql` mode is not offered because several revisions read the live schema.
"""
from alembic import context

connection = context.config.attributes["connection"]
# One transaction per revision, so alembic_version moves with each step (MySQL commits DDL implicitly,
# so a revision that fails halfway cannot be rolled back: each revision is written to be re-runnable).
context.configure(connection=connection, target_metadata=None, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
