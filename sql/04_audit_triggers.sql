-- Audit: every INSERT, UPDATE and DELETE on the catalog tables, users and reviews writes activity_log.
-- The actor is @app_user, which db.transaction() sets at the start of each transaction and clears at its end.
-- A bulk load sets @streamsync_bulk_load = 1 to switch auditing off.
-- users: the password hash is never logged; a changed hash shows as "password_changed": true, and an
-- update that touches only login bookkeeping (failed_logins, last_login_at) is not logged.
-- reviews: text is cut to 1000 characters in the log. media: a change of average_rating/rating_count alone
-- (the rating triggers) is not logged.

DELIMITER //

CREATE TRIGGER media_audit_ai AFTER INSERT ON media FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media', 'INSERT', NEW.media_id,
            JSON_OBJECT('new', JSON_OBJECT('media_id', NEW.media_id, 'title', NEW.title, 'description', NEW.description, 'release_year', NEW.release_year, 'media_type', NEW.media_type, 'age_rating', NEW.age_rating, 'poster_image_url', NEW.poster_image_url, 'runtime_minutes', NEW.runtime_minutes, 'imdb_id', NEW.imdb_id, 'tmdb_id', NEW.tmdb_id)));
  END IF;
END//

CREATE TRIGGER media_audit_au AFTER UPDATE ON media FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.media_id <=> NEW.media_id AND OLD.title <=> NEW.title AND OLD.description <=> NEW.description AND OLD.release_year <=> NEW.release_year AND OLD.media_type <=> NEW.media_type AND OLD.age_rating <=> NEW.age_rating AND OLD.poster_image_url <=> NEW.poster_image_url AND OLD.runtime_minutes <=> NEW.runtime_minutes AND OLD.imdb_id <=> NEW.imdb_id AND OLD.tmdb_id <=> NEW.tmdb_id) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media', 'UPDATE', NEW.media_id,
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'title', OLD.title, 'description', OLD.description, 'release_year', OLD.release_year, 'media_type', OLD.media_type, 'age_rating', OLD.age_rating, 'poster_image_url', OLD.poster_image_url, 'runtime_minutes', OLD.runtime_minutes, 'imdb_id', OLD.imdb_id, 'tmdb_id', OLD.tmdb_id), 'new', JSON_OBJECT('media_id', NEW.media_id, 'title', NEW.title, 'description', NEW.description, 'release_year', NEW.release_year, 'media_type', NEW.media_type, 'age_rating', NEW.age_rating, 'poster_image_url', NEW.poster_image_url, 'runtime_minutes', NEW.runtime_minutes, 'imdb_id', NEW.imdb_id, 'tmdb_id', NEW.tmdb_id)));
  END IF;
END//

CREATE TRIGGER media_audit_ad AFTER DELETE ON media FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media', 'DELETE', OLD.media_id,
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'title', OLD.title, 'description', OLD.description, 'release_year', OLD.release_year, 'media_type', OLD.media_type, 'age_rating', OLD.age_rating, 'poster_image_url', OLD.poster_image_url, 'runtime_minutes', OLD.runtime_minutes, 'imdb_id', OLD.imdb_id, 'tmdb_id', OLD.tmdb_id)));
  END IF;
END//

CREATE TRIGGER episodes_audit_ai AFTER INSERT ON episodes FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'episodes', 'INSERT', NEW.episode_id,
            JSON_OBJECT('new', JSON_OBJECT('episode_id', NEW.episode_id, 'media_id', NEW.media_id, 'season_number', NEW.season_number, 'episode_number', NEW.episode_number, 'title', NEW.title, 'air_date', NEW.air_date, 'runtime_minutes', NEW.runtime_minutes)));
  END IF;
END//

CREATE TRIGGER episodes_audit_au AFTER UPDATE ON episodes FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.episode_id <=> NEW.episode_id AND OLD.media_id <=> NEW.media_id AND OLD.season_number <=> NEW.season_number AND OLD.episode_number <=> NEW.episode_number AND OLD.title <=> NEW.title AND OLD.air_date <=> NEW.air_date AND OLD.runtime_minutes <=> NEW.runtime_minutes) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'episodes', 'UPDATE', NEW.episode_id,
            JSON_OBJECT('old', JSON_OBJECT('episode_id', OLD.episode_id, 'media_id', OLD.media_id, 'season_number', OLD.season_number, 'episode_number', OLD.episode_number, 'title', OLD.title, 'air_date', OLD.air_date, 'runtime_minutes', OLD.runtime_minutes), 'new', JSON_OBJECT('episode_id', NEW.episode_id, 'media_id', NEW.media_id, 'season_number', NEW.season_number, 'episode_number', NEW.episode_number, 'title', NEW.title, 'air_date', NEW.air_date, 'runtime_minutes', NEW.runtime_minutes)));
  END IF;
END//

CREATE TRIGGER episodes_audit_ad AFTER DELETE ON episodes FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'episodes', 'DELETE', OLD.episode_id,
            JSON_OBJECT('old', JSON_OBJECT('episode_id', OLD.episode_id, 'media_id', OLD.media_id, 'season_number', OLD.season_number, 'episode_number', OLD.episode_number, 'title', OLD.title, 'air_date', OLD.air_date, 'runtime_minutes', OLD.runtime_minutes)));
  END IF;
END//

CREATE TRIGGER people_audit_ai AFTER INSERT ON people FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'people', 'INSERT', NEW.person_id,
            JSON_OBJECT('new', JSON_OBJECT('person_id', NEW.person_id, 'name', NEW.name, 'birthdate', NEW.birthdate, 'photo_url', NEW.photo_url, 'imdb_id', NEW.imdb_id)));
  END IF;
END//

CREATE TRIGGER people_audit_au AFTER UPDATE ON people FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.person_id <=> NEW.person_id AND OLD.name <=> NEW.name AND OLD.birthdate <=> NEW.birthdate AND OLD.photo_url <=> NEW.photo_url AND OLD.imdb_id <=> NEW.imdb_id) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'people', 'UPDATE', NEW.person_id,
            JSON_OBJECT('old', JSON_OBJECT('person_id', OLD.person_id, 'name', OLD.name, 'birthdate', OLD.birthdate, 'photo_url', OLD.photo_url, 'imdb_id', OLD.imdb_id), 'new', JSON_OBJECT('person_id', NEW.person_id, 'name', NEW.name, 'birthdate', NEW.birthdate, 'photo_url', NEW.photo_url, 'imdb_id', NEW.imdb_id)));
  END IF;
END//

CREATE TRIGGER people_audit_ad AFTER DELETE ON people FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'people', 'DELETE', OLD.person_id,
            JSON_OBJECT('old', JSON_OBJECT('person_id', OLD.person_id, 'name', OLD.name, 'birthdate', OLD.birthdate, 'photo_url', OLD.photo_url, 'imdb_id', OLD.imdb_id)));
  END IF;
END//

CREATE TRIGGER genres_audit_ai AFTER INSERT ON genres FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'genres', 'INSERT', NEW.genre_id,
            JSON_OBJECT('new', JSON_OBJECT('genre_id', NEW.genre_id, 'name', NEW.name)));
  END IF;
END//

CREATE TRIGGER genres_audit_au AFTER UPDATE ON genres FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.genre_id <=> NEW.genre_id AND OLD.name <=> NEW.name) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'genres', 'UPDATE', NEW.genre_id,
            JSON_OBJECT('old', JSON_OBJECT('genre_id', OLD.genre_id, 'name', OLD.name), 'new', JSON_OBJECT('genre_id', NEW.genre_id, 'name', NEW.name)));
  END IF;
END//

CREATE TRIGGER genres_audit_ad AFTER DELETE ON genres FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'genres', 'DELETE', OLD.genre_id,
            JSON_OBJECT('old', JSON_OBJECT('genre_id', OLD.genre_id, 'name', OLD.name)));
  END IF;
END//

CREATE TRIGGER media_genres_audit_ai AFTER INSERT ON media_genres FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_genres', 'INSERT', CONCAT_WS(':', NEW.media_id, NEW.genre_id),
            JSON_OBJECT('new', JSON_OBJECT('media_id', NEW.media_id, 'genre_id', NEW.genre_id)));
  END IF;
END//

CREATE TRIGGER media_genres_audit_au AFTER UPDATE ON media_genres FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.media_id <=> NEW.media_id AND OLD.genre_id <=> NEW.genre_id) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_genres', 'UPDATE', CONCAT_WS(':', NEW.media_id, NEW.genre_id),
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'genre_id', OLD.genre_id), 'new', JSON_OBJECT('media_id', NEW.media_id, 'genre_id', NEW.genre_id)));
  END IF;
END//

CREATE TRIGGER media_genres_audit_ad AFTER DELETE ON media_genres FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_genres', 'DELETE', CONCAT_WS(':', OLD.media_id, OLD.genre_id),
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'genre_id', OLD.genre_id)));
  END IF;
END//

CREATE TRIGGER media_cast_audit_ai AFTER INSERT ON media_cast FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_cast', 'INSERT', CONCAT_WS(':', NEW.media_id, NEW.person_id),
            JSON_OBJECT('new', JSON_OBJECT('media_id', NEW.media_id, 'person_id', NEW.person_id, 'character_name', NEW.character_name, 'cast_order', NEW.cast_order)));
  END IF;
END//

CREATE TRIGGER media_cast_audit_au AFTER UPDATE ON media_cast FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.media_id <=> NEW.media_id AND OLD.person_id <=> NEW.person_id AND OLD.character_name <=> NEW.character_name AND OLD.cast_order <=> NEW.cast_order) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_cast', 'UPDATE', CONCAT_WS(':', NEW.media_id, NEW.person_id),
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'person_id', OLD.person_id, 'character_name', OLD.character_name, 'cast_order', OLD.cast_order), 'new', JSON_OBJECT('media_id', NEW.media_id, 'person_id', NEW.person_id, 'character_name', NEW.character_name, 'cast_order', NEW.cast_order)));
  END IF;
END//

CREATE TRIGGER media_cast_audit_ad AFTER DELETE ON media_cast FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_cast', 'DELETE', CONCAT_WS(':', OLD.media_id, OLD.person_id),
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'person_id', OLD.person_id, 'character_name', OLD.character_name, 'cast_order', OLD.cast_order)));
  END IF;
END//

CREATE TRIGGER media_crew_audit_ai AFTER INSERT ON media_crew FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_crew', 'INSERT', CONCAT_WS(':', NEW.media_id, NEW.person_id, NEW.role),
            JSON_OBJECT('new', JSON_OBJECT('media_id', NEW.media_id, 'person_id', NEW.person_id, 'role', NEW.role)));
  END IF;
END//

CREATE TRIGGER media_crew_audit_au AFTER UPDATE ON media_crew FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.media_id <=> NEW.media_id AND OLD.person_id <=> NEW.person_id AND OLD.role <=> NEW.role) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_crew', 'UPDATE', CONCAT_WS(':', NEW.media_id, NEW.person_id, NEW.role),
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'person_id', OLD.person_id, 'role', OLD.role), 'new', JSON_OBJECT('media_id', NEW.media_id, 'person_id', NEW.person_id, 'role', NEW.role)));
  END IF;
END//

CREATE TRIGGER media_crew_audit_ad AFTER DELETE ON media_crew FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'media_crew', 'DELETE', CONCAT_WS(':', OLD.media_id, OLD.person_id, OLD.role),
            JSON_OBJECT('old', JSON_OBJECT('media_id', OLD.media_id, 'person_id', OLD.person_id, 'role', OLD.role)));
  END IF;
END//

CREATE TRIGGER users_audit_ai AFTER INSERT ON users FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'users', 'INSERT', NEW.username,
            JSON_OBJECT('new', JSON_OBJECT('username', NEW.username, 'firstname', NEW.firstname, 'lastname', NEW.lastname, 'email', NEW.email, 'dob', NEW.dob, 'role', NEW.role, 'locked_until', NEW.locked_until, 'must_change_password', NEW.must_change_password)));
  END IF;
END//

CREATE TRIGGER users_audit_au AFTER UPDATE ON users FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.username <=> NEW.username AND OLD.firstname <=> NEW.firstname AND OLD.lastname <=> NEW.lastname AND OLD.email <=> NEW.email AND OLD.dob <=> NEW.dob AND OLD.role <=> NEW.role AND OLD.locked_until <=> NEW.locked_until AND OLD.must_change_password <=> NEW.must_change_password AND OLD.password_hash <=> NEW.password_hash) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'users', 'UPDATE', NEW.username,
            JSON_OBJECT('old', JSON_OBJECT('username', OLD.username, 'firstname', OLD.firstname, 'lastname', OLD.lastname, 'email', OLD.email, 'dob', OLD.dob, 'role', OLD.role, 'locked_until', OLD.locked_until, 'must_change_password', OLD.must_change_password), 'new', JSON_OBJECT('username', NEW.username, 'firstname', NEW.firstname, 'lastname', NEW.lastname, 'email', NEW.email, 'dob', NEW.dob, 'role', NEW.role, 'locked_until', NEW.locked_until, 'must_change_password', NEW.must_change_password, 'password_changed', IF(OLD.password_hash <> NEW.password_hash, TRUE, FALSE))));
  END IF;
END//

CREATE TRIGGER users_audit_ad AFTER DELETE ON users FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'users', 'DELETE', OLD.username,
            JSON_OBJECT('old', JSON_OBJECT('username', OLD.username, 'firstname', OLD.firstname, 'lastname', OLD.lastname, 'email', OLD.email, 'dob', OLD.dob, 'role', OLD.role, 'locked_until', OLD.locked_until, 'must_change_password', OLD.must_change_password)));
  END IF;
END//

CREATE TRIGGER reviews_audit_ai AFTER INSERT ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'reviews', 'INSERT', NEW.review_id,
            JSON_OBJECT('new', JSON_OBJECT('review_id', NEW.review_id, 'username', NEW.username, 'media_id', NEW.media_id, 'rating', NEW.rating, 'contains_spoilers', NEW.contains_spoilers, 'hidden_by', NEW.hidden_by, 'hidden_reason', NEW.hidden_reason, 'review_text', LEFT(NEW.review_text, 1000))));
  END IF;
END//

CREATE TRIGGER reviews_audit_au AFTER UPDATE ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL
     AND NOT (OLD.review_id <=> NEW.review_id AND OLD.username <=> NEW.username AND OLD.media_id <=> NEW.media_id AND OLD.rating <=> NEW.rating AND OLD.contains_spoilers <=> NEW.contains_spoilers AND OLD.hidden_by <=> NEW.hidden_by AND OLD.hidden_reason <=> NEW.hidden_reason AND OLD.review_text <=> NEW.review_text) THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'reviews', 'UPDATE', NEW.review_id,
            JSON_OBJECT('old', JSON_OBJECT('review_id', OLD.review_id, 'username', OLD.username, 'media_id', OLD.media_id, 'rating', OLD.rating, 'contains_spoilers', OLD.contains_spoilers, 'hidden_by', OLD.hidden_by, 'hidden_reason', OLD.hidden_reason, 'review_text', LEFT(OLD.review_text, 1000)), 'new', JSON_OBJECT('review_id', NEW.review_id, 'username', NEW.username, 'media_id', NEW.media_id, 'rating', NEW.rating, 'contains_spoilers', NEW.contains_spoilers, 'hidden_by', NEW.hidden_by, 'hidden_reason', NEW.hidden_reason, 'review_text', LEFT(NEW.review_text, 1000))));
  END IF;
END//

CREATE TRIGGER reviews_audit_ad AFTER DELETE ON reviews FOR EACH ROW
BEGIN
  IF @streamsync_bulk_load IS NULL THEN
    INSERT INTO activity_log (username, table_name, operation, record_id, change_details)
    VALUES (@app_user, 'reviews', 'DELETE', OLD.review_id,
            JSON_OBJECT('old', JSON_OBJECT('review_id', OLD.review_id, 'username', OLD.username, 'media_id', OLD.media_id, 'rating', OLD.rating, 'contains_spoilers', OLD.contains_spoilers, 'hidden_by', OLD.hidden_by, 'hidden_reason', OLD.hidden_reason, 'review_text', LEFT(OLD.review_text, 1000))));
  END IF;
END//

DELIMITER ;
