"""Training the recommender in tests (the recommendation tests and Home's)."""
from __future__ import annotations

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from core import recommend
from db.engine import get_engine


def train_recommender() -> recommend.TrainingOutcome:
    """Train on the current test database through the same code as `manage.py train-recommender`."""
    engine = create_engine(get_engine().url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return recommend.train(conn)
    finally:
        engine.dispose()
