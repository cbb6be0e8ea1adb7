"""Schema migrations from every earlier version, on real SQLite files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from viva.storage import paths
from viva.storage.migrations import (
    MIGRATIONS,
    SCHEMA_VERSION,
    Migration,
    migrate,
    user_version,
)
from viva.storage.schedule import rebuild_cards
from viva.storage.store import AttemptStore

QUESTION = {
    "id": "canary-release",
    "question": "What is a canary release?",
    "topic": "deployment",
    "difficulty": "basic",
    "reference_answer": "x",
    "key_points": [{"text": "a"}],
    "target_seconds": [30, 90],
}
FEEDBACK = {
    "question_id": "canary-release",
    "coverage": 0.8,
    "key_points": [],
    "timing": {"duration_s": 40.0, "verdict": "on target"},
    "tips": [],
}
TRANSCRIPT = {
    "text": "we send a few users first",
    "language": "en",
    "duration_s": 40.0,
    "words": [{"word": "we", "start": 0.1, "end": 0.3, "probability": 0.9}],
    "segments": [],
}


def _old_store(version: int) -> Path:
    """A database at schema ``version`` holding one attempt, written as that version did."""
    db = paths.database_path()
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=version)
    assert user_version(conn) == version
    columns = {r[1] for r in conn.execute("PRAGMA table_info(attempts)")}
    row = {
        "uid": "u1",
        "question_id": "canary-release",
        "topic": "deployment",
        "question_text": QUESTION["question"],
        "question_json": json.dumps(QUESTION),
        "started_at": "2025-03-01T09:00:00.000000+00:00",
        "audio_path": None,
        "duration_s": 40.0,
        "transcript_json": json.dumps(TRANSCRIPT),
        "feedback_json": json.dumps(FEEDBACK),
        "coverage": 0.8,
        "verdict": "on target",
        "model_name": "tiny.en",
        "scorer_version": "0.9",
    }
    if "session_id" in columns:
        conn.execute(
            "INSERT INTO sessions (id, uid, kind, question_ids_json, started_at) "
            "VALUES (1, 's1', 'mock', '[\"canary-release\"]', '2025-03-01T08:59:00+00:00')"
        )
        row["session_id"] = 1
    names = ", ".join(row)
    conn.execute(
        f"INSERT INTO attempts ({names}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "cards" in tables:  # from v3 on, the app keeps cards in step with the attempts
        rebuild_cards(conn)
    conn.close()
    return db


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_every_earlier_schema_migrates_with_data_kept(version: int) -> None:
    db = _old_store(version)
    with AttemptStore.open() as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.migrated_from == version
        assert store.migration_backup is not None
        attempt = store.get_attempt(store.list_attempts()[0].id)
        assert attempt.question == QUESTION
        assert attempt.feedback == FEEDBACK
        assert attempt.transcript.words[0].word == "we"
        assert attempt.session_id == (1 if version >= 2 else None)
        assert attempt.history == ()
        card = store.cards()["canary-release"]  # built from the old attempts
        assert card.reviews == 1
        assert card.last_coverage == 0.8
        store.add_attempt(QUESTION, TRANSCRIPT, FEEDBACK)  # and the store is writable
        assert store.count_attempts() == 2
    backup = sqlite3.connect(store.migration_backup)
    try:
        assert user_version(backup) == version
        assert backup.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1
    finally:
        backup.close()
    assert db.exists()


def test_fresh_store_is_current_without_backup() -> None:
    with AttemptStore.open() as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.migrated_from is None
        assert store.migration_backup is None
    assert [p.name for p in paths.data_dir().glob("*backup*")] == []


def test_versions_are_numbered_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_failed_migration_rolls_back_completely(tmp_path: Path) -> None:
    def explode(conn: sqlite3.Connection) -> None:
        raise RuntimeError("power cut")

    broken = (*MIGRATIONS[:1], Migration(2, "broken", ("CREATE TABLE half (x)", explode)))
    conn = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None)
    with pytest.raises(RuntimeError, match="power cut"):
        migrate(conn, target=2, migrations=broken)
    assert user_version(conn) == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables
    assert "attempts" in tables
    conn.close()
