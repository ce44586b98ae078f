"""Catalog providers and imports: provider ids, original title, language, airing status, refresh time;
import checkpoints and staging tables

media gains what TMDb, TVmaze and IMDb's datasets say about a title: the original title and language, the
TVmaze id beside imdb_id/tmdb_id (tmdb_id is unique per media type: TMDb numbers films and series
separately), IMDb's rating and vote count, whether a series is still running and when it was last refreshed
from its provider. people gains the TMDb and TVmaze person ids, so a person added twice from a provider is one
row. The new columns go at the end of each table, so the table editor's columns keep their places. The
column is `airing_status`, not `status`: watchlist_items has a `status`, and queries that join the
two name it unqualified.

import_runs holds one row per import of a set of files (its checkpoint: phase and position, committed with
each batch), so an interrupted `manage.py import-catalog` resumes where it stopped. The import_stage_* tables
hold IMDb episode and credit rows an import streams in and then merges into the catalog with set-based SQL
(they refer to titles and people by IMDb id, which only the catalog can resolve).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

UPGRADE = [
    """ALTER TABLE media
         ADD COLUMN original_title    VARCHAR(255) NULL,
         ADD COLUMN original_language VARCHAR(40)  NULL,
         ADD COLUMN airing_status     ENUM('running','ended') NULL,
         ADD COLUMN tvmaze_id         INT          NULL,
         ADD COLUMN imdb_rating       DECIMAL(3,1) NULL,
         ADD COLUMN imdb_votes        INT UNSIGNED NULL,
         ADD COLUMN last_refreshed_at DATETIME     NULL,
         ADD UNIQUE KEY uq_media_tmdb (media_type, tmdb_id),
         ADD UNIQUE KEY uq_media_tvmaze (tvmaze_id),
         ADD KEY ix_media_refresh (airing_status, last_refreshed_at),
         ADD CONSTRAINT ck_media_imdb_rating CHECK (imdb_rating IS NULL OR imdb_rating BETWEEN 1 AND 10)""",
    """ALTER TABLE people
         ADD COLUMN tmdb_id   INT NULL,
         ADD COLUMN tvmaze_id INT NULL,
         ADD UNIQUE KEY uq_people_tmdb (tmdb_id),
         ADD UNIQUE KEY uq_people_tvmaze (tvmaze_id)""",
    f"""CREATE TABLE import_runs (
          run_key    CHAR(64)     NOT NULL,
          format     VARCHAR(20)  NOT NULL,
          source     VARCHAR(500) NOT NULL,
          phase      VARCHAR(40)  NOT NULL,
          position   BIGINT UNSIGNED NOT NULL DEFAULT 0,
          report     JSON         NULL,
          status     ENUM('running','complete') NOT NULL DEFAULT 'running',
          started_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
          updated_at DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
          PRIMARY KEY (run_key),
          KEY ix_import_runs_status (status, updated_at)
        ) {TABLE_OPTIONS}""",
    # IMDb's title.episode rows whose series is in the catalog, and the names of tvEpisode titles.
    f"""CREATE TABLE import_stage_episodes (
          seq            INT         NOT NULL AUTO_INCREMENT,
          tconst         VARCHAR(12) NOT NULL,
          parent         VARCHAR(12) NOT NULL,
          season_number  SMALLINT    NOT NULL,
          episode_number SMALLINT    NOT NULL,
          PRIMARY KEY (seq)
        ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE import_stage_episode_titles (
          tconst          VARCHAR(12)  NOT NULL,
          title           VARCHAR(255) NOT NULL,
          runtime_minutes SMALLINT UNSIGNED NULL,
          PRIMARY KEY (tconst)
        ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE import_stage_credits (
          seq            INT          NOT NULL AUTO_INCREMENT,
          tconst         VARCHAR(12)  NOT NULL,
          nconst         VARCHAR(12)  NOT NULL,
          kind           ENUM('cast','crew') NOT NULL,
          role           VARCHAR(20)  NULL,
          character_name VARCHAR(150) NULL,
          cast_order     SMALLINT     NOT NULL DEFAULT 0,
          PRIMARY KEY (seq),
          KEY ix_stage_credits_person (nconst)
        ) {TABLE_OPTIONS}""",
]

DOWNGRADE = [
    "DROP TABLE import_stage_credits",
    "DROP TABLE import_stage_episode_titles",
    "DROP TABLE import_stage_episodes",
    "DROP TABLE import_runs",
    """ALTER TABLE people DROP KEY uq_people_tvmaze, DROP KEY uq_people_tmdb,
         DROP COLUMN tvmaze_id, DROP COLUMN tmdb_id""",
    """ALTER TABLE media DROP CONSTRAINT ck_media_imdb_rating, DROP KEY ix_media_refresh,
         DROP KEY uq_media_tvmaze, DROP KEY uq_media_tmdb,
         DROP COLUMN last_refreshed_at, DROP COLUMN imdb_votes, DROP COLUMN imdb_rating, DROP COLUMN tvmaze_id,
         DROP COLUMN airing_status, DROP COLUMN original_language, DROP COLUMN original_title""",
]


def upgrade() -> None:
    conn = op.get_bind()
    for statement in UPGRADE:
        conn.exec_driver_sql(statement)


def downgrade() -> None:
    conn = op.get_bind()
    for statement in DOWNGRADE:
        conn.exec_driver_sql(statement)
