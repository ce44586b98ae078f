"""The reviews of a title by rating now name their user in the index: (media_id, rating, username).

"People you may know" counts the people who rated a sample of my titles within a point of me: up to 500
reviews, found by (media_id, rating) and each one's row then read for its username, a random read of the
reviews table per review. At large scale (1,000,000 reviews, a 128 MB buffer pool) that was 31.7 of the
query's 37 ms; with the username in the index the rows are not read: 5.1 ms (ANALYZE), 28 -> 8.8 ms a call
for 40 viewers whose data was not yet in the buffer pool, 21 -> 5.6 ms for the same viewers again. What else
reads this index (a title's rating counts) reads it as before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30
"""
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE reviews DROP KEY ix_reviews_media_rating, ADD KEY ix_reviews_media_rating (media_id, rating, username)")


def downgrade() -> None:
    op.get_bind().exec_driver_sql(
        "ALTER TABLE reviews DROP KEY ix_reviews_media_rating, ADD KEY ix_reviews_media_rating (media_id, rating)")
