"""Reviews without a rating: reviews.rating may be NULL, and a title counts its reviews apart from its ratings

Letterboxd (and people) write reviews without stars; until now such a review could not be kept.
- reviews.rating becomes NULL-able; a review still holds something: a rating, or text
  (ck_reviews_rated_or_written).
- The rating triggers ignore unrated reviews: media.average_rating and rating_count are over rated reviews
  only, so a review without stars moves neither. The update trigger compared ratings with <>, which is
  never true against NULL: it now compares NULL-safely, so rating or un-rating a review recomputes.
- media.review_count: every review of the title, rated or not, kept by the same procedure. The community
  review list pages by it (it used rating_count while every review had a rating).
Existing reviews all have a rating: review_count starts equal to rating_count and nothing else changes.

The downgrade restores NOT NULL, so it refuses while unrated reviews exist (dropping them would lose what
users wrote): rate or delete those first.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-02
"""
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

# One pass over the title's reviews (ix_reviews_media_rating): an aggregate without GROUP BY is one row
# even for a title without reviews (NULL average, counts 0).
REFRESH = """CREATE PROCEDURE refresh_media_rating(IN p_media_id INT)
BEGIN
  UPDATE media m
    JOIN (SELECT ROUND(AVG(r.rating), 1) AS average, COUNT(r.rating) AS rated, COUNT(*) AS reviewed
            FROM reviews r WHERE r.media_id = p_media_id) x
     SET m.average_rating = x.average,
         m.rating_count   = x.rated,
         m.review_count   = x.reviewed,
         m.updated_at     = m.updated_at
   WHERE m.media_id = p_media_id;
END"""

ON_UPDATE = """CREATE TRIGGER reviews_rating_au AFTER UPDATE ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL AND NOT (OLD.rating <=> NEW.rating AND OLD.media_id <=> NEW.media_id) THEN
    CALL refresh_media_rating(NEW.media_id);
    IF OLD.media_id <> NEW.media_id THEN
      CALL refresh_media_rating(OLD.media_id);
    END IF;
  END IF;
END"""

# As sql/02_rating_triggers.sql made them (revision 0001).
PREVIOUS_REFRESH = """CREATE PROCEDURE refresh_media_rating(IN p_media_id INT)
BEGIN
  UPDATE media m
     SET m.average_rating = (SELECT ROUND(AVG(r.rating), 1) FROM reviews r WHERE r.media_id = p_media_id),
         m.rating_count   = (SELECT COUNT(*) FROM reviews r WHERE r.media_id = p_media_id),
         m.updated_at     = m.updated_at
   WHERE m.media_id = p_media_id;
END"""

PREVIOUS_ON_UPDATE = """CREATE TRIGGER reviews_rating_au AFTER UPDATE ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL AND (OLD.rating <> NEW.rating OR OLD.media_id <> NEW.media_id) THEN
    CALL refresh_media_rating(NEW.media_id);
    IF OLD.media_id <> NEW.media_id THEN
      CALL refresh_media_rating(OLD.media_id);
    END IF;
  END IF;
END"""


def _replace_rating_code(refresh: str, on_update: str) -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS reviews_rating_au")
    conn.exec_driver_sql("DROP PROCEDURE IF EXISTS refresh_media_rating")
    conn.exec_driver_sql(refresh)
    conn.exec_driver_sql(on_update)


def upgrade() -> None:
    conn = op.get_bind()
    conn.exec_driver_sql("""ALTER TABLE reviews MODIFY rating TINYINT NULL,
        ADD CONSTRAINT ck_reviews_rated_or_written CHECK (rating IS NOT NULL OR review_text <> '')""")
    conn.exec_driver_sql("ALTER TABLE media ADD COLUMN review_count INT UNSIGNED NOT NULL DEFAULT 0 AFTER rating_count")
    # Every review so far has a rating. review_count is not audited, so this writes no activity_log rows.
    conn.exec_driver_sql("UPDATE media SET review_count = rating_count, updated_at = updated_at "
                         "WHERE rating_count > 0")
    _replace_rating_code(REFRESH, ON_UPDATE)


def downgrade() -> None:
    conn = op.get_bind()
    unrated = conn.exec_driver_sql("SELECT COUNT(*) FROM reviews WHERE rating IS NULL").scalar()
    if unrated:
        raise NotImplementedError(
            f"Reviews without a rating ({unrated:,}) cannot be kept by the schema before 0010; nothing was "
            "changed. Rate or delete them first (SELECT username, media_id FROM reviews WHERE rating IS NULL).")
    _replace_rating_code(PREVIOUS_REFRESH, PREVIOUS_ON_UPDATE)
    conn.exec_driver_sql("ALTER TABLE media DROP COLUMN review_count")
    conn.exec_driver_sql("ALTER TABLE reviews DROP CONSTRAINT ck_reviews_rated_or_written, "
                         "MODIFY rating TINYINT NOT NULL")
