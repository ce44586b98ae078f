-- StreamSync schema: the 15 tables of DESIGN.md plus three the app needs
-- (user_sessions for logins, review_reports for moderation, schema_info for the reset marker).
-- Written in the subset MySQL 8.0 and MariaDB 10.6+ both accept. Always name the collation:
-- MySQL 8's default utf8mb4_0900_ai_ci does not exist in MariaDB.

-- Extra, created first: the reset's marker. reset_database.py writes its one row right after the schema
-- (status 'loading') and marks it 'complete' as its very last step. A database holding this table was made
-- by the reset (an interrupted one can simply be reset again); one with other tables but without it was
-- not, and the reset leaves it alone.
CREATE TABLE schema_info (
  id          TINYINT     NOT NULL DEFAULT 1,
  version     INT         NOT NULL,
  scale       VARCHAR(10) NOT NULL,
  seed        INT         NOT NULL,
  status      ENUM('loading','complete') NOT NULL DEFAULT 'loading',
  started_at  DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  loaded_at   DATETIME    NULL,
  PRIMARY KEY (id),
  CONSTRAINT ck_schema_info_one CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  username        VARCHAR(50)  NOT NULL,
  firstname       VARCHAR(100) NOT NULL,
  lastname        VARCHAR(100) NOT NULL,
  email           VARCHAR(254) NOT NULL,
  password_hash   CHAR(60)     NOT NULL,
  dob             DATE         NULL,
  role            ENUM('user','moderator','admin') NOT NULL DEFAULT 'user',
  created_at      DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  failed_logins   SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  first_failed_at DATETIME     NULL,
  locked_until    DATETIME     NULL,
  last_login_at   DATETIME     NULL,
  must_change_password TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (username),
  UNIQUE KEY uq_users_email (email),
  KEY ix_users_role (role),
  KEY ix_users_created (created_at),
  CONSTRAINT ck_users_username CHECK (username REGEXP '^[A-Za-z0-9._-]{3,50}$'),
  CONSTRAINT ck_users_email CHECK (email REGEXP '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'),
  CONSTRAINT ck_users_names CHECK (CHAR_LENGTH(TRIM(firstname)) > 0 AND CHAR_LENGTH(TRIM(lastname)) > 0),
  CONSTRAINT ck_users_dob CHECK (dob IS NULL OR dob >= '1900-01-01')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE media (
  media_id         INT          NOT NULL AUTO_INCREMENT,
  title            VARCHAR(255) NOT NULL,
  description      TEXT         NULL,
  release_year     SMALLINT     NULL,
  media_type       ENUM('Movie','Series') NOT NULL,
  age_rating       ENUM('G','PG','PG-13','R','NC-17','U','U/A 7+','U/A 13+','U/A 16+','A') NOT NULL DEFAULT 'U',
  poster_image_url VARCHAR(500) NULL,
  average_rating   DECIMAL(3,1) NULL,
  rating_count     INT UNSIGNED NOT NULL DEFAULT 0,
  runtime_minutes  SMALLINT UNSIGNED NULL,
  imdb_id          VARCHAR(12)  NULL,
  tmdb_id          INT          NULL,
  created_at       DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at       DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (media_id),
  UNIQUE KEY uq_media_imdb (imdb_id),
  KEY ix_media_title (title),
  KEY ix_media_type_year (media_type, release_year),
  KEY ix_media_year (release_year),
  KEY ix_media_rating (average_rating, rating_count),
  KEY ix_media_type_rating (media_type, average_rating, rating_count),
  KEY ix_media_count (rating_count),
  FULLTEXT KEY ft_media_title_description (title, description),
  CONSTRAINT ck_media_title CHECK (CHAR_LENGTH(TRIM(title)) > 0),
  CONSTRAINT ck_media_year CHECK (release_year IS NULL OR release_year BETWEEN 1888 AND 2100),
  CONSTRAINT ck_media_avg CHECK (average_rating IS NULL OR average_rating BETWEEN 1 AND 10),
  CONSTRAINT ck_media_runtime CHECK (runtime_minutes IS NULL OR runtime_minutes BETWEEN 1 AND 1000),
  CONSTRAINT ck_media_imdb CHECK (imdb_id IS NULL OR imdb_id REGEXP '^tt[0-9]{5,10}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE genres (
  genre_id INT         NOT NULL AUTO_INCREMENT,
  name     VARCHAR(50) NOT NULL,
  PRIMARY KEY (genre_id),
  UNIQUE KEY uq_genres_name (name),
  CONSTRAINT ck_genres_name CHECK (CHAR_LENGTH(TRIM(name)) > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE people (
  person_id INT          NOT NULL AUTO_INCREMENT,
  name      VARCHAR(150) NOT NULL,
  birthdate DATE         NULL,
  photo_url VARCHAR(500) NULL,
  imdb_id   VARCHAR(12)  NULL,
  PRIMARY KEY (person_id),
  UNIQUE KEY uq_people_imdb (imdb_id),
  KEY ix_people_name (name),
  FULLTEXT KEY ft_people_name (name),
  CONSTRAINT ck_people_name CHECK (CHAR_LENGTH(TRIM(name)) > 0),
  CONSTRAINT ck_people_birthdate CHECK (birthdate IS NULL OR birthdate >= '1850-01-01'),
  CONSTRAINT ck_people_imdb CHECK (imdb_id IS NULL OR imdb_id REGEXP '^nm[0-9]{5,10}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE episodes (
  episode_id      INT          NOT NULL AUTO_INCREMENT,
  media_id        INT          NOT NULL,
  season_number   SMALLINT     NOT NULL,
  episode_number  SMALLINT     NOT NULL,
  title           VARCHAR(255) NOT NULL,
  air_date        DATE         NULL,
  runtime_minutes SMALLINT UNSIGNED NULL,
  PRIMARY KEY (episode_id),
  UNIQUE KEY uq_episodes_number (media_id, season_number, episode_number),
  CONSTRAINT fk_episodes_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT ck_episodes_season CHECK (season_number BETWEEN 0 AND 100),
  CONSTRAINT ck_episodes_number CHECK (episode_number BETWEEN 1 AND 2000),
  CONSTRAINT ck_episodes_title CHECK (CHAR_LENGTH(TRIM(title)) > 0),
  CONSTRAINT ck_episodes_runtime CHECK (runtime_minutes IS NULL OR runtime_minutes BETWEEN 1 AND 1000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE playlists (
  playlist_id INT          NOT NULL AUTO_INCREMENT,
  username    VARCHAR(50)  NOT NULL,
  name        VARCHAR(100) NOT NULL,
  description VARCHAR(500) NULL,
  created_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (playlist_id),
  UNIQUE KEY uq_playlists_user_name (username, name),
  CONSTRAINT fk_playlists_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT ck_playlists_name CHECK (CHAR_LENGTH(TRIM(name)) > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE playlist_items (
  playlist_id INT      NOT NULL,
  media_id    INT      NOT NULL,
  added_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  position    INT      NOT NULL DEFAULT 0,
  PRIMARY KEY (playlist_id, media_id),
  KEY ix_playlist_items_media (media_id),
  KEY ix_playlist_items_order (playlist_id, position),
  CONSTRAINT fk_playlist_items_playlist FOREIGN KEY (playlist_id) REFERENCES playlists (playlist_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_playlist_items_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE watchlist_items (
  username   VARCHAR(50) NOT NULL,
  media_id   INT         NOT NULL,
  status     ENUM('plan_to_watch','watching','completed','on_hold','dropped') NOT NULL DEFAULT 'plan_to_watch',
  added_at   DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (username, media_id),
  KEY ix_watchlist_user_status (username, status),
  KEY ix_watchlist_media (media_id),
  CONSTRAINT fk_watchlist_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_watchlist_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- "Watched up to this episode". The pointer may be NULL (started, nothing watched yet, or the
-- episode was deleted); a trigger keeps it pointing at an episode of the same title.
CREATE TABLE series_progress (
  username                VARCHAR(50) NOT NULL,
  media_id                INT         NOT NULL,
  last_watched_episode_id INT         NULL,
  last_watched_at         DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (username, media_id),
  KEY ix_progress_media (media_id),
  KEY ix_progress_episode (last_watched_episode_id),
  KEY ix_progress_user_time (username, last_watched_at),
  CONSTRAINT fk_progress_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_progress_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_progress_episode FOREIGN KEY (last_watched_episode_id) REFERENCES episodes (episode_id) ON DELETE SET NULL ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reviews (
  review_id         INT          NOT NULL AUTO_INCREMENT,
  username          VARCHAR(50)  NOT NULL,
  media_id          INT          NOT NULL,
  review_text       TEXT         NOT NULL,
  rating            TINYINT      NOT NULL,
  contains_spoilers TINYINT(1)   NOT NULL DEFAULT 0,
  hidden_by         VARCHAR(50)  NULL,
  hidden_reason     VARCHAR(255) NULL,
  created_at        DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at        DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (review_id),
  UNIQUE KEY uq_reviews_user_media (username, media_id),
  KEY ix_reviews_media_rating (media_id, rating),
  KEY ix_reviews_media_created (media_id, created_at),
  KEY ix_reviews_created (created_at),
  KEY ix_reviews_user_created (username, created_at),
  KEY ix_reviews_hidden_by (hidden_by),
  CONSTRAINT fk_reviews_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_reviews_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_reviews_hidden_by FOREIGN KEY (hidden_by) REFERENCES users (username) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT ck_reviews_rating CHECK (rating BETWEEN 1 AND 10),
  CONSTRAINT ck_reviews_text CHECK (CHAR_LENGTH(review_text) <= 5000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per pair. username_1 asked; for a 'blocked' row username_1 is the one who blocked.
CREATE TABLE friendships (
  username_1 VARCHAR(50) NOT NULL,
  username_2 VARCHAR(50) NOT NULL,
  status     ENUM('pending','accepted','blocked') NOT NULL DEFAULT 'pending',
  created_at DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (username_1, username_2),
  KEY ix_friendships_reverse (username_2, username_1),
  KEY ix_friendships_status (status),
  CONSTRAINT fk_friendships_user1 FOREIGN KEY (username_1) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_friendships_user2 FOREIGN KEY (username_2) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE media_genres (
  media_id INT NOT NULL,
  genre_id INT NOT NULL,
  PRIMARY KEY (media_id, genre_id),
  KEY ix_media_genres_genre (genre_id, media_id),
  CONSTRAINT fk_media_genres_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_media_genres_genre FOREIGN KEY (genre_id) REFERENCES genres (genre_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE media_cast (
  media_id       INT          NOT NULL,
  person_id      INT          NOT NULL,
  character_name VARCHAR(150) NULL,
  cast_order     SMALLINT     NOT NULL DEFAULT 0,
  PRIMARY KEY (media_id, person_id),
  KEY ix_media_cast_person (person_id, media_id),
  KEY ix_media_cast_order (media_id, cast_order),
  CONSTRAINT fk_media_cast_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_media_cast_person FOREIGN KEY (person_id) REFERENCES people (person_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT ck_media_cast_order CHECK (cast_order BETWEEN 0 AND 1000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE media_crew (
  media_id  INT         NOT NULL,
  person_id INT         NOT NULL,
  role      ENUM('Director','Writer','Producer','Music','Cinematography','Editor','Creator') NOT NULL,
  PRIMARY KEY (media_id, person_id, role),
  KEY ix_media_crew_person (person_id, role),
  CONSTRAINT fk_media_crew_media FOREIGN KEY (media_id) REFERENCES media (media_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_media_crew_person FOREIGN KEY (person_id) REFERENCES people (person_id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- No foreign key on username: the log outlives the users it names.
CREATE TABLE activity_log (
  log_id         BIGINT      NOT NULL AUTO_INCREMENT,
  username       VARCHAR(50) NULL,
  table_name     VARCHAR(64) NOT NULL,
  operation      ENUM('INSERT','UPDATE','DELETE') NOT NULL,
  record_id      VARCHAR(255) NOT NULL,
  change_details JSON        NULL,
  changed_at     DATETIME    NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (log_id),
  KEY ix_activity_changed (changed_at),
  KEY ix_activity_table_changed (table_name, changed_at),
  KEY ix_activity_user_changed (username, changed_at),
  KEY ix_activity_operation (operation, changed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Extra: login sessions. Only a SHA-256 of the cookie's random token is stored.
CREATE TABLE user_sessions (
  token_hash   CHAR(64)     NOT NULL,
  username     VARCHAR(50)  NOT NULL,
  created_at   DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_seen_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at   DATETIME     NOT NULL,
  user_agent   VARCHAR(255) NULL,
  PRIMARY KEY (token_hash),
  KEY ix_sessions_user (username, last_seen_at),
  KEY ix_sessions_expires (expires_at),
  CONSTRAINT fk_sessions_user FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Extra: viewers report reviews; moderators work the queue.
CREATE TABLE review_reports (
  review_id   INT          NOT NULL,
  reported_by VARCHAR(50)  NOT NULL,
  reason      VARCHAR(255) NOT NULL,
  created_at  DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  resolved_at DATETIME     NULL,
  PRIMARY KEY (review_id, reported_by),
  KEY ix_reports_open (resolved_at, created_at),
  KEY ix_reports_user (reported_by),
  CONSTRAINT fk_reports_review FOREIGN KEY (review_id) REFERENCES reviews (review_id) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT fk_reports_user FOREIGN KEY (reported_by) REFERENCES users (username) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
