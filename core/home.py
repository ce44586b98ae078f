"""Reads for the Home page that belong to no other domain: my counts, top rated, my friends' ratings."""
from __future__ import annotations

from db import home as sql

counts = sql.counts
top_rated = sql.top_rated
friends_recent_ratings = sql.friends_recent_ratings
