"""The attempts store on a real SQLite file: round trips, audio, sessions, deletion, damage."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import make_feedback, make_question, make_transcript
from viva.storage import paths
from viva.storage.migrations import SCHEMA_VERSION
from viva.storage.store import AttemptNotFound, AttemptStore, SessionNotFound, StoreError


def test_attempt_round_trip_keeps_everything(store: AttemptStore, question, wav: Path) -> None:
    transcript = make_transcript()
    attempt_id = store.add_attempt(
        question,
        transcript,
        make_feedback(),
        audio_path=wav,
        model_name="tiny.en",
        scorer_version="test-1",
    )
    attempt = store.get_attempt(attempt_id)
    assert store.path == paths.database_path()
    assert attempt.question_id == "canary-release"
    assert attempt.question == question.model_dump(mode="json")
    assert attempt.question_model() == question
    assert attempt.transcript == transcript  # word timestamps survive
    assert attempt.feedback == make_feedback()
    assert (attempt.coverage, attempt.verdict, attempt.duration_s) == (0.67, "on target", 42.0)
    assert (attempt.model_name, attempt.scorer_version) == ("tiny.en", "test-1")
    # the audio was copied into the store, the original is untouched
    assert attempt.audio_path is not None
    assert attempt.audio_path.parent == paths.recordings_dir()
    assert attempt.audio_path.read_bytes() == wav.read_bytes()
    assert wav.exists()
    assert [a.id for a in store.list_attempts()] == [attempt_id]


def test_real_feedback_object_is_stored_as_its_dict(store: AttemptStore, question) -> None:
    from viva import scoring

    transcript = make_transcript(
        "A canary release sends a small share of traffic to the new model first and we compare "
        "its metrics with the current model"
    )
    feedback = scoring.score_answer(question, transcript)
    attempt = store.get_attempt(store.add_attempt(question, transcript, feedback))
    assert attempt.feedback == feedback.to_dict()
    assert attempt.coverage == pytest.approx(feedback.coverage)
    assert attempt.scorer_version == scoring.SCORER_VERSION
    assert attempt.feedback_object() == feedback


def test_snapshot_survives_bank_changes(store: AttemptStore) -> None:
    first = make_question(text="What is a canary release?")
    store.add_attempt(first, make_transcript(), make_feedback())
    store.add_attempt(
        make_question(text="Explain canary releases."), make_transcript(), make_feedback()
    )
    texts = [a.question_text for a in store.list_attempts(oldest_first=True)]
    assert texts == ["What is a canary release?", "Explain canary releases."]


def test_audio_can_be_referenced_without_copy(store: AttemptStore, question, wav: Path) -> None:
    attempt_id = store.add_attempt(
        question, make_transcript(), make_feedback(), audio_path=wav, copy_audio=False
    )
    assert store.get_attempt(attempt_id).audio_path == wav.resolve()
    assert list(store.recordings_dir.iterdir()) == []


def test_audio_already_in_store_is_not_copied(store: AttemptStore, question, wav: Path) -> None:
    inside = store.recordings_dir / "take.wav"
    inside.write_bytes(wav.read_bytes())
    attempt_id = store.add_attempt(question, make_transcript(), make_feedback(), audio_path=inside)
    assert store.get_attempt(attempt_id).audio_path == inside
    assert [p.name for p in store.recordings_dir.iterdir()] == ["take.wav"]


def test_missing_audio_stores_nothing(store: AttemptStore, question, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        store.add_attempt(
            question, make_transcript(), make_feedback(), audio_path=tmp_path / "gone.wav"
        )
    assert store.count_attempts() == 0


def test_sessions_group_attempts(store: AttemptStore, question, wav: Path) -> None:
    session = store.start_session("mock", ["canary-release", "blue-green"])
    a = store.add_attempt(question, make_transcript(), make_feedback(), session_id=session)
    store.add_attempt(question, make_transcript(), make_feedback())
    store.finish_session(session)
    got = store.get_session(session)
    assert got.kind == "mock"
    assert got.question_ids == ("canary-release", "blue-green")
    assert got.finished_at is not None
    assert [x.id for x in store.list_attempts(session_id=session)] == [a]
    with pytest.raises(SessionNotFound):
        store.add_attempt(
            question, make_transcript(), make_feedback(), audio_path=wav, session_id=999
        )
    assert store.count_attempts() == 2
    assert list(store.recordings_dir.iterdir()) == []  # the copy was rolled back too


def test_list_filters_order_and_limit(store: AttemptStore) -> None:
    for i, (qid, topic) in enumerate(
        [
            ("canary-release", "deployment"),
            ("drift", "monitoring"),
            ("canary-release", "deployment"),
        ]
    ):
        store.add_attempt(
            make_question(qid, topic=topic), make_transcript(), make_feedback(qid, coverage=i / 10)
        )
    assert [a.coverage for a in store.list_attempts()] == [0.2, 0.1, 0.0]
    assert [a.coverage for a in store.list_attempts(oldest_first=True, limit=2)] == [0.0, 0.1]
    assert [a.coverage for a in store.list_attempts("canary-release")] == [0.2, 0.0]
    assert [a.question_id for a in store.list_attempts(topic="Monitoring")] == ["drift"]


def test_delete_attempt_removes_row_and_audio(store: AttemptStore, question, wav: Path) -> None:
    keep = store.add_attempt(question, make_transcript(), make_feedback(), audio_path=wav)
    gone = store.add_attempt(question, make_transcript(), make_feedback(), audio_path=wav)
    gone_audio = store.get_attempt(gone).audio_path
    store.delete_attempt(gone)
    assert gone_audio is not None
    assert not gone_audio.exists()
    assert [a.id for a in store.list_attempts()] == [keep]
    assert store.cards()["canary-release"].reviews == 1
    with pytest.raises(AttemptNotFound):
        store.get_attempt(gone)
    assert wav.exists()  # the user's own file is never touched


def test_delete_all_removes_attempts_audio_and_backups(
    store: AttemptStore, question, wav: Path
) -> None:
    store.add_attempt(question, make_transcript(), make_feedback(), audio_path=wav)
    store.add_attempt(question, make_transcript("secret answer"), make_feedback())
    orphan = store.recordings_dir / "crashed.wav"
    orphan.write_bytes(b"RIFF")
    backup = store.path.with_name(store.path.name + ".v1-backup-20250101")
    backup.write_bytes(b"old")
    assert store.delete_all() == 2
    assert store.count_attempts() == 0
    assert store.cards() == {}
    assert list(store.recordings_dir.iterdir()) == []
    assert not backup.exists()
    store.close()
    assert b"secret answer" not in store.path.read_bytes()


def test_garbage_database_is_kept_aside_and_replaced(caplog: pytest.LogCaptureFixture) -> None:
    db = paths.database_path()
    db.write_bytes(b"this is not a database, just bytes " * 200)
    store = AttemptStore.open()
    try:
        assert store.recovered is not None
        aside = store.recovered.backup_path
        assert aside.name.startswith("viva.sqlite3.corrupt-")
        assert aside.read_bytes().startswith(b"this is not a database")
        assert "damaged" in store.recovered.message
        assert str(aside) in store.recovered.message
        assert store.schema_version == SCHEMA_VERSION
        store.add_attempt(make_question(), make_transcript(), make_feedback())
        assert store.count_attempts() == 1
    finally:
        store.close()
    assert "damaged" in caplog.text
    with AttemptStore.open() as again:  # the fresh store opens cleanly afterwards
        assert again.recovered is None
        assert again.count_attempts() == 1


def test_damaged_pages_are_detected(question) -> None:
    with AttemptStore.open() as store:
        for _ in range(30):
            store.add_attempt(question, make_transcript("word " * 400), make_feedback())
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db = paths.database_path()
    data = bytearray(db.read_bytes())
    page = 4096
    data[2 * page : 6 * page] = b"\xa5" * (4 * page)  # scribble over b-tree pages
    db.write_bytes(bytes(data))
    with AttemptStore.open() as store:
        assert store.recovered is not None
        assert store.count_attempts() == 0


def test_newer_schema_is_refused_and_left_alone() -> None:
    db = paths.database_path()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer Viva"):
        AttemptStore.open()
    assert db.exists()


def test_store_follows_xdg_data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VIVA_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with AttemptStore.open() as store:
        assert store.path.is_relative_to(tmp_path / "xdg")
        store.add_attempt(make_question(), make_transcript(), make_feedback())
    assert (tmp_path / "xdg" / "viva" / "viva.sqlite3").exists()


def test_to_dict_is_json(store: AttemptStore, question) -> None:
    attempt_id = store.add_attempt(question, make_transcript(), make_feedback())
    data = json.loads(json.dumps(store.get_attempt(attempt_id).to_dict()))
    assert data["feedback"]["coverage"] == 0.67
    assert data["transcript"]["words"][0]["word"] == "um"
