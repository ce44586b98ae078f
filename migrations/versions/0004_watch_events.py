"""Every watch is an event: watch_events, the viewing a series is on, and calendar-feed secrets

- watch_events: one row per watch of a film or of an episode (who, which title, which episode or none for a
  film, when or unknown, which viewing: 1 = first watch, 2 = rewatch 1, ...; by hand, an import with its
  batch, or this migration), with created/updated times.
- series_progress gains current_viewing and is kept in step with the events by triggers (a procedure
  recomputes a user's row for a series after every event written, edited or deleted, unless a bulk load
  is running: the loader then calls the set-based recompute). Its pointer is the furthest episode, in
  season and episode order, watched in the current viewing.
- Every existing pointer becomes events for the episodes up to it (in the order the pointer meant: season
  0 first), so no one loses progress: the pointer's own episode keeps last_watched_at as its date, the
  earlier ones have an unknown date ("watched long ago").
- Guards: an event of a series names one of its episodes, an event of a film names none; an episode with
  events cannot move to another title, except in a merge of two titles (@streamsync_title_merge, set by
  db.core.allow_title_merge), which moves the events with it. Deleting an episode deletes its events first (a foreign-key cascade
  would not fire the triggers that keep progress exact).
- calendar_feeds: a user's iCal feed secret, stored as its SHA-256 only.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The furthest episode watched in the row's current viewing (season 0 specials sort first), for an
# UPDATE of series_progress aliased p.
POINTER = """(SELECT w.episode_id FROM watch_events w JOIN episodes e ON e.episode_id = w.episode_id
               WHERE w.username = p.username AND w.media_id = p.media_id AND w.viewing = p.current_viewing
               ORDER BY e.season_number DESC, e.episode_number DESC LIMIT 1)"""

TABLES = [
    "ALTER TABLE series_progress ADD COLUMN current_viewing SMALLINT UNSIGNED NOT NULL DEFAULT 1",
    """CREATE TABLE watch_events (
  event_id     BIGINT      NOT NULL AUTO_INCREMENT,
  username     VARCHAR(50) NOT NULL,
  media_id     INT         NOT NULL,
  episode_id   INT         NULL,
  watched_at   DATETIME    NULL,
  viewing      SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  source       ENUM('manual','import','migration') NOT NULL DEFAULT 'manual',
  import_batch INT         NULL,
  created_at   DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at   DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (event_id),
  UNIQUE KEY uq_watch_events_viewing (username, media_id, episode_id, viewing),
  KEY ix_watch_events_diary (username, watched_at),
  KEY ix_watch_events_media (media_id, username),
  KEY ix_watch_events_episode (episode_id),
  KEY ix_watch_events_batch (import_batch),
  CONSTRAINT fk_watch_events_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_watch_events_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_watch_events_episode FOREIGN KEY (episode_id) REFERENCES episodes (episode_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT ck_watch_events_date CHECK (watched_at IS NULL OR watched_at >= '1888-01-01'),
  CONSTRAINT ck_watch_events_viewing CHECK (viewing BETWEEN 1 AND 1000),
  CONSTRAINT ck_watch_events_batch CHECK (import_batch IS NULL OR source = 'import')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""",
    """CREATE TABLE calendar_feeds (
  username    VARCHAR(50) NOT NULL,
  secret_hash CHAR(64)    NOT NULL,
  created_at  DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (username),
  UNIQUE KEY uq_calendar_feeds_secret (secret_hash),
  CONSTRAINT fk_calendar_feeds_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci""",
]

# Pointers become events: every episode up to the pointer in (season, episode) order.
POINTERS_TO_EVENTS = """
INSERT INTO watch_events (username, media_id, episode_id, watched_at, viewing, source)
SELECT p.username, p.media_id, e.episode_id,
       CASE WHEN e.episode_id = cur.episode_id THEN p.last_watched_at END, 1, 'migration'
  FROM series_progress p
  JOIN episodes cur ON cur.episode_id = p.last_watched_episode_id AND cur.media_id = p.media_id
  JOIN episodes e ON e.media_id = p.media_id
                 AND (e.season_number < cur.season_number
                      OR (e.season_number = cur.season_number AND e.episode_number <= cur.episode_number))"""

ROUTINES = [
    f"""CREATE PROCEDURE refresh_series_progress(IN p_user VARCHAR(50), IN p_media INT)
BEGIN
  DECLARE v_latest SMALLINT UNSIGNED;
  SELECT MAX(viewing) INTO v_latest FROM watch_events
   WHERE username = p_user AND media_id = p_media AND episode_id IS NOT NULL;
  IF v_latest IS NULL THEN
    DELETE FROM series_progress WHERE username = p_user AND media_id = p_media;
  ELSE
    INSERT INTO series_progress (username, media_id, last_watched_episode_id, last_watched_at, current_viewing)
    VALUES (p_user, p_media, NULL, NOW(), v_latest)
    ON DUPLICATE KEY UPDATE current_viewing = GREATEST(current_viewing, v_latest);
    UPDATE series_progress p
       SET p.last_watched_episode_id = {POINTER},
           p.last_watched_at = COALESCE(
             (SELECT MAX(COALESCE(w.watched_at, w.created_at)) FROM watch_events w
               WHERE w.username = p.username AND w.media_id = p.media_id AND w.viewing = p.current_viewing),
             p.last_watched_at)
     WHERE p.username = p_user AND p.media_id = p_media;
  END IF;
END""",
    """CREATE TRIGGER watch_events_guard_bi BEFORE INSERT ON watch_events FOR EACH ROW
BEGIN
  IF NEW.episode_id IS NULL THEN
    IF (SELECT media_type FROM media WHERE media_id = NEW.media_id) = 'Series' THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'A series is logged episode by episode: choose an episode.';
    END IF;
  ELSEIF NOT EXISTS (SELECT 1 FROM episodes e WHERE e.episode_id = NEW.episode_id AND e.media_id = NEW.media_id) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'That episode belongs to another title.';
  END IF;
END""",
    """CREATE TRIGGER watch_events_guard_bu BEFORE UPDATE ON watch_events FOR EACH ROW
BEGIN
  IF NOT (NEW.media_id <=> OLD.media_id AND NEW.episode_id <=> OLD.episode_id) THEN
    IF NEW.episode_id IS NULL THEN
      IF (SELECT media_type FROM media WHERE media_id = NEW.media_id) = 'Series' THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'A series is logged episode by episode: choose an episode.';
      END IF;
    ELSEIF NOT EXISTS (SELECT 1 FROM episodes e WHERE e.episode_id = NEW.episode_id AND e.media_id = NEW.media_id) THEN
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'That episode belongs to another title.';
    END IF;
  END IF;
END""",
    """CREATE TRIGGER watch_events_progress_ai AFTER INSERT ON watch_events FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL AND NEW.episode_id IS NOT NULL THEN
    CALL refresh_series_progress(NEW.username, NEW.media_id);
  END IF;
END""",
    """CREATE TRIGGER watch_events_progress_au AFTER UPDATE ON watch_events FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    IF OLD.episode_id IS NOT NULL THEN
      CALL refresh_series_progress(OLD.username, OLD.media_id);
    END IF;
    IF NEW.episode_id IS NOT NULL AND NOT (NEW.username <=> OLD.username AND NEW.media_id <=> OLD.media_id) THEN
      CALL refresh_series_progress(NEW.username, NEW.media_id);
    END IF;
  END IF;
END""",
    """CREATE TRIGGER watch_events_progress_ad AFTER DELETE ON watch_events FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL AND OLD.episode_id IS NOT NULL THEN
    CALL refresh_series_progress(OLD.username, OLD.media_id);
  END IF;
END""",
    """CREATE TRIGGER episodes_watch_events_bd BEFORE DELETE ON episodes FOR EACH ROW
BEGIN
  DELETE FROM watch_events WHERE episode_id = OLD.episode_id;
END""",
    """CREATE TRIGGER episodes_watch_events_bu BEFORE UPDATE ON episodes FOR EACH ROW
BEGIN
  IF NEW.media_id <> OLD.media_id AND @streamsync_title_merge IS NULL
     AND EXISTS (SELECT 1 FROM watch_events w WHERE w.episode_id = OLD.episode_id) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'People have watched this episode: it cannot move to another title.';
  END IF;
END""",
    f"""CREATE TRIGGER episodes_watch_events_au AFTER UPDATE ON episodes FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND (NEW.season_number <> OLD.season_number OR NEW.episode_number <> OLD.episode_number) THEN
    UPDATE series_progress p SET p.last_watched_episode_id = {POINTER} WHERE p.media_id = NEW.media_id;
  END IF;
END""",
]

ROUTINE_NAMES = [("TRIGGER", "episodes_watch_events_au"), ("TRIGGER", "episodes_watch_events_bu"),
                 ("TRIGGER", "episodes_watch_events_bd"), ("TRIGGER", "watch_events_progress_ad"),
                 ("TRIGGER", "watch_events_progress_au"), ("TRIGGER", "watch_events_progress_ai"),
                 ("TRIGGER", "watch_events_guard_bu"), ("TRIGGER", "watch_events_guard_bi"),
                 ("PROCEDURE", "refresh_series_progress")]


def upgrade() -> None:
    conn = op.get_bind()
    for statement in TABLES:
        conn.exec_driver_sql(statement)
    # Before the triggers exist: the pointers already say where each viewer is, so nothing to recompute.
    conn.exec_driver_sql(POINTERS_TO_EVENTS)
    for statement in ROUTINES:
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    # The pointers are kept in step with the events, so series_progress alone still says where everyone is;
    # the dated diary, rewatches and film watches go with the table.
    conn = op.get_bind()
    for kind, name in ROUTINE_NAMES:
        conn.exec_driver_sql(f"DROP {kind} IF EXISTS `{name}`")
    conn.exec_driver_sql("DROP TABLE IF EXISTS calendar_feeds")
    conn.exec_driver_sql("DROP TABLE IF EXISTS watch_events")
    conn.exec_driver_sql("ALTER TABLE series_progress DROP COLUMN current_viewing")
