-- Rules a CHECK cannot hold: MySQL 8 forbids CHECK on columns that foreign-key actions change, and no
-- CHECK may look at another table. Each SIGNALs SQLSTATE 45000 with a sentence a page can show as is.

DELIMITER //

CREATE TRIGGER friendships_guard_bi BEFORE INSERT ON friendships FOR EACH ROW
BEGIN
  IF NEW.username_1 = NEW.username_2 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'You cannot be friends with yourself.';
  END IF;
  IF EXISTS (SELECT 1 FROM friendships f WHERE f.username_1 = NEW.username_2 AND f.username_2 = NEW.username_1) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'These two users already have a friendship or request between them.';
  END IF;
END//

CREATE TRIGGER friendships_guard_bu BEFORE UPDATE ON friendships FOR EACH ROW
BEGIN
  IF NEW.username_1 = NEW.username_2 THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'You cannot be friends with yourself.';
  END IF;
  IF (NEW.username_1 <> OLD.username_1 OR NEW.username_2 <> OLD.username_2)
     AND EXISTS (SELECT 1 FROM friendships f WHERE f.username_1 = NEW.username_2 AND f.username_2 = NEW.username_1) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'These two users already have a friendship or request between them.';
  END IF;
END//

CREATE TRIGGER episodes_guard_bi BEFORE INSERT ON episodes FOR EACH ROW
BEGIN
  IF NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = NEW.media_id AND m.media_type = 'Series') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Episodes can only belong to a Series, not to a Movie.';
  END IF;
END//

CREATE TRIGGER episodes_guard_bu BEFORE UPDATE ON episodes FOR EACH ROW
BEGIN
  IF NEW.media_id <> OLD.media_id
     AND NOT EXISTS (SELECT 1 FROM media m WHERE m.media_id = NEW.media_id AND m.media_type = 'Series') THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'Episodes can only belong to a Series, not to a Movie.';
  END IF;
END//

CREATE TRIGGER media_guard_bu BEFORE UPDATE ON media FOR EACH ROW
BEGIN
  IF OLD.media_type = 'Series' AND NEW.media_type = 'Movie'
     AND EXISTS (SELECT 1 FROM episodes e WHERE e.media_id = OLD.media_id) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'This series still has episodes: delete them before making it a Movie.';
  END IF;
END//

CREATE TRIGGER series_progress_guard_bi BEFORE INSERT ON series_progress FOR EACH ROW
BEGIN
  IF NEW.last_watched_episode_id IS NOT NULL AND NOT EXISTS
     (SELECT 1 FROM episodes e WHERE e.episode_id = NEW.last_watched_episode_id AND e.media_id = NEW.media_id) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'That episode belongs to another title.';
  END IF;
END//

CREATE TRIGGER series_progress_guard_bu BEFORE UPDATE ON series_progress FOR EACH ROW
BEGIN
  IF NEW.last_watched_episode_id IS NOT NULL AND NOT EXISTS
     (SELECT 1 FROM episodes e WHERE e.episode_id = NEW.last_watched_episode_id AND e.media_id = NEW.media_id) THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'That episode belongs to another title.';
  END IF;
END//

DELIMITER ;

-- Foreign-key cascades do not fire triggers, so a user's reviews would vanish with the account and leave
-- media.average_rating stale. Deleting them here first runs the rating (and audit) triggers for each.
DELIMITER //

CREATE TRIGGER users_reviews_bd BEFORE DELETE ON users FOR EACH ROW
BEGIN
  DELETE FROM reviews WHERE username = OLD.username;
END//

DELIMITER ;
