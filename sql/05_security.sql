-- Login throttling (issue 14). Failed logins are counted per account NAME (whether or not the account
-- exists, so the answers never tell which names are real) and per client address; core.auth turns a
-- count into a growing delay. The row is locked while an attempt is claimed, so parallel guesses cannot
-- get past the count. Rows are forgotten (reset) after a successful login or a quiet day.
CREATE TABLE login_throttle (
  throttle_key    VARCHAR(200) NOT NULL,
  failures        INT UNSIGNED NOT NULL DEFAULT 0,
  last_failure_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (throttle_key),
  KEY ix_throttle_last_failure (last_failure_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
