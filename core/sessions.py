"""Login sessions (db.sessions: the cookie carries a random token, only its SHA-256 is stored, with a sliding
expiry), for the pages and ui/ that log in, out and list devices."""
from __future__ import annotations

from db import sessions as sql

SESSION_DAYS = sql.SESSION_DAYS
create_session = sql.create_session
user_for_token = sql.user_for_token
revoke_session = sql.revoke_session
revoke_other_sessions = sql.revoke_other_sessions
active_sessions = sql.active_sessions
