"""A viewer's own rating and review of a title (one per user and title, text optional) and the community's
reviews of a title, paged (db.reviews; the rating triggers keep media.average_rating exact)."""
from __future__ import annotations

from db import reviews as sql

MAX_TEXT = sql.MAX_TEXT
REVIEWS_PER_PAGE = sql.REVIEWS_PER_PAGE
validate = sql.validate
save_review = sql.save_review
delete_review = sql.delete_review
community_reviews = sql.community_reviews
