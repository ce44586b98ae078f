"""Title reads for Explore, Media details, Progress and the landing page (db.titles: each one or two statements
whatever it returns). Reads that need no rule, here so pages read and write through core/ alike."""
from __future__ import annotations

from db import titles as sql

PAGE_SIZE = sql.PAGE_SIZE
MAX_ID = sql.MAX_ID
SearchPage = sql.SearchPage
search_titles = sql.search_titles
matching_people = sql.matching_people
genres = sql.genres
person = sql.person
title_for_viewer = sql.title_for_viewer
credits = sql.credits
episodes = sql.episodes
playlists_with_title = sql.playlists_with_title
landing_counts = sql.landing_counts
