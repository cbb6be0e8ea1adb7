"""Numbered schema migrations of the attempts database, tracked with ``PRAGMA user_version``.

Each migration runs in one transaction together with the ``user_version`` bump, so a crash in the
middle leaves the previous version intact. :func:`migrate` copies the database file aside (SQLite
backup API) before touching an existing store.

History:

* v1: ``attempts``: one row per answer, the question snapshot, transcript and feedback as JSON,
  plus the indexed columns listing needs (question id, topic, start time, coverage, verdict).
* v2: ``sessions`` (mock interviews, practice rounds) and ``attempts.session_id``.
* v3: ``score_history`` (results replaced by a re-score are kept), ``attempts.scored_at``, and
  ``cards``: the spaced-repetition state per question, rebuilt from the attempts.
* v4: covering indexes, so listing history and computing progress read no JSON.
* v5: follow-ups: ``attempts.parent_id`` (the attempt whose answer the follow-up probed;
  deleting it deletes its follow-ups) and ``attempts.follow_up_point`` (the probed key point,
  1-based); the covering indexes carry them.

Never edit a released migration: add a new one.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)

Step = str | Callable[[sqlite3.Connection], None]


@dataclass(frozen=True, slots=True)
class Migration:
    """Statements (or Python steps) that take the schema from ``version - 1`` to ``version``."""

    version: int
    description: str
    steps: tuple[Step, ...]
    #: The derived tables (spaced-repetition cards) must be rebuilt from the attempts after it.
    #: Migrations never call the app's code themselves: :func:`migrate` runs the caller's
    #: ``rebuild`` once, inside the last migration's transaction.
    derived: bool = False


V1: tuple[Step, ...] = (
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        question_id TEXT NOT NULL,
        topic TEXT NOT NULL DEFAULT '',
        question_text TEXT NOT NULL DEFAULT '',
        question_json TEXT NOT NULL,
        started_at TEXT NOT NULL,
        audio_path TEXT,
        duration_s REAL,
        transcript_json TEXT NOT NULL,
        feedback_json TEXT NOT NULL,
        coverage REAL,
        verdict TEXT,
        model_name TEXT,
        scorer_version TEXT
    )
    """,
    "CREATE INDEX attempts_question ON attempts(question_id, started_at)",
    "CREATE INDEX attempts_started ON attempts(started_at)",
)

V2: tuple[Step, ...] = (
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        question_ids_json TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT
    )
    """,
    "ALTER TABLE attempts ADD COLUMN session_id INTEGER REFERENCES sessions(id) ON DELETE SET NULL",
    "CREATE INDEX attempts_session ON attempts(session_id)",
)


V3: tuple[Step, ...] = (
    """
    CREATE TABLE score_history (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        replaced_at TEXT NOT NULL,
        scored_at TEXT,
        transcript_json TEXT NOT NULL,
        feedback_json TEXT NOT NULL,
        coverage REAL,
        verdict TEXT,
        model_name TEXT,
        scorer_version TEXT
    )
    """,
    "CREATE INDEX score_history_attempt ON score_history(attempt_id)",
    "ALTER TABLE attempts ADD COLUMN scored_at TEXT",
    "UPDATE attempts SET scored_at = started_at",
    "CREATE INDEX attempts_topic ON attempts(topic, started_at)",
    """
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        topic TEXT NOT NULL DEFAULT '',
        card_json TEXT NOT NULL,
        due TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        reviews INTEGER NOT NULL,
        last_rating INTEGER,
        last_coverage REAL
    )
    """,
    "CREATE INDEX cards_due ON cards(due)",
)

V4: tuple[Step, ...] = (
    # Covering indexes: listing and progress never touch the rows' JSON (overflow pages).
    "DROP INDEX attempts_started",
    """
    CREATE INDEX attempts_listing ON attempts(
        started_at, id, uid, question_id, topic, question_text, duration_s, coverage, verdict,
        model_name, scorer_version, session_id, audio_path
    )
    """,
    "DROP INDEX attempts_topic",
    """
    CREATE INDEX attempts_topic_progress ON attempts(
        topic COLLATE NOCASE, started_at, id, question_id, coverage, duration_s
    )
    """,
)

V5: tuple[Step, ...] = (
    "ALTER TABLE attempts ADD COLUMN parent_id INTEGER REFERENCES attempts(id) ON DELETE CASCADE",
    "ALTER TABLE attempts ADD COLUMN follow_up_point INTEGER",
    # Partial: listing answers (parent_id IS NULL) keeps using the covering index below.
    "CREATE INDEX attempts_parent ON attempts(parent_id) WHERE parent_id IS NOT NULL",
    "DROP INDEX attempts_listing",
    """
    CREATE INDEX attempts_listing ON attempts(
        started_at, id, uid, question_id, topic, question_text, duration_s, coverage, verdict,
        model_name, scorer_version, session_id, audio_path, parent_id, follow_up_point
    )
    """,
    "DROP INDEX attempts_topic_progress",
    """
    CREATE INDEX attempts_topic_progress ON attempts(
        topic COLLATE NOCASE, started_at, id, question_id, coverage, duration_s, parent_id
    )
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "attempts", V1),
    Migration(2, "sessions", V2),
    Migration(3, "score history and spaced-repetition cards", V3, derived=True),
    Migration(4, "covering indexes for listing and progress", V4),
    Migration(5, "follow-up attempts linked to their parent attempt", V5),
)

SCHEMA_VERSION = MIGRATIONS[-1].version


class SchemaTooNew(Exception):
    """The database was written by a newer Viva."""


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def backup_database(conn: sqlite3.Connection, db_path: Path, version: int) -> Path:
    """Copy the open database to ``<name>.v<version>-backup-<timestamp>`` beside it."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = db_path.with_name(f"{db_path.name}.v{version}-backup-{stamp}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    log.info("backed up %s (schema v%s) to %s before migrating", db_path, version, target)
    return target


def migrate(
    conn: sqlite3.Connection,
    *,
    target: int = SCHEMA_VERSION,
    db_path: Path | None = None,
    migrations: Sequence[Migration] = MIGRATIONS,
    rebuild: Callable[[sqlite3.Connection], None] | None = None,
) -> tuple[int, Path | None]:
    """Bring ``conn`` to schema ``target``; returns (version found, backup path or None).

    The connection must be in autocommit mode (``isolation_level=None``): every migration runs
    inside its own ``BEGIN IMMEDIATE ... COMMIT``. When a pending migration changed what the
    derived tables are built from, ``rebuild`` runs at the end of the last one's transaction, on
    the final schema (so a crash never leaves a current schema with stale cards).
    """
    found = user_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"The history database was written by a newer Viva (schema v{found}; this one "
            f"knows up to v{SCHEMA_VERSION}). Update Viva, or use another data folder with "
            "--data-dir."
        )
    backup: Path | None = None
    pending = [m for m in migrations if found < m.version <= target]
    if pending and found > 0 and db_path is not None:
        backup = backup_database(conn, db_path, found)
    stale = rebuild is not None and any(m.derived for m in pending)
    for migration in pending:
        log.info(
            "migrating the history database to v%s (%s)", migration.version, migration.description
        )
        conn.execute("BEGIN IMMEDIATE")
        try:
            for step in migration.steps:
                if isinstance(step, str):
                    conn.execute(step)
                else:
                    step(conn)
            if stale and rebuild is not None and migration is pending[-1]:
                rebuild(conn)
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return found, backup
