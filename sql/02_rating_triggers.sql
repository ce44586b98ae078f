-- media.average_rating and media.rating_count follow reviews exactly.
-- Recomputed from reviews (an index on (media_id, rating) makes that a short range scan) rather than
-- adjusted incrementally: average_rating is stored rounded, so it cannot be adjusted without drift.
-- A bulk load sets @streamsync_bulk_load = 1 to skip this row by row and recomputes once at the end.
-- "m.updated_at = m.updated_at" keeps a new rating from counting as an edit of the title.

DELIMITER //

CREATE PROCEDURE refresh_media_rating(IN p_media_id INT)
BEGIN
  UPDATE media m
     SET m.average_rating = (SELECT ROUND(AVG(r.rating), 1) FROM reviews r WHERE r.media_id = p_media_id),
         m.rating_count   = (SELECT COUNT(*) FROM reviews r WHERE r.media_id = p_media_id),
         m.updated_at     = m.updated_at
   WHERE m.media_id = p_media_id;
END//

CREATE TRIGGER reviews_rating_ai AFTER INSERT ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    CALL refresh_media_rating(NEW.media_id);
  END IF;
END//

CREATE TRIGGER reviews_rating_au AFTER UPDATE ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL AND (OLD.rating <> NEW.rating OR OLD.media_id <> NEW.media_id) THEN
    CALL refresh_media_rating(NEW.media_id);
    IF OLD.media_id <> NEW.media_id THEN
      CALL refresh_media_rating(OLD.media_id);
    END IF;
  END IF;
END//

CREATE TRIGGER reviews_rating_ad AFTER DELETE ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    CALL refresh_media_rating(OLD.media_id);
  END IF;
END//

DELIMITER ;
