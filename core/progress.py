"""Series progress as the viewer pages read it: per user and series, the viewing they are on and "watched up
to this episode". Writes are watch events and go through core.watching."""
from __future__ import annotations

from db import progress as sql

for_user = sql.for_user
