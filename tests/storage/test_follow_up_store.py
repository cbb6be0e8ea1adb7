"""Follow-ups in the store: linked to their answer, migrated, exported, deleted, graded (FSRS)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from conftest import make_feedback, make_question, make_transcript, write_wav
from viva.storage import paths
from viva.storage.backup import export_zip, import_zip
from viva.storage.migrations import SCHEMA_VERSION, migrate, user_version
from viva.storage.report import render_report
from viva.storage.schedule import graded_coverage, rating_for
from viva.storage.store import AttemptNotFound, AttemptStore, StoreError

PROBE = "How would you undo a release whose metrics get worse?"


def _narrowed(point: int) -> Any:
    question = make_question()
    return question.model_copy(update={"key_points": [question.key_points[point - 1]]})


def _follow_up_feedback(status: str = "covered") -> dict[str, Any]:
    score = {"covered": 1.0, "partial": 0.5}.get(status, 0.0)
    return {
        "question_id": "canary-release",
        "transcript": "",
        "coverage": score,
        "key_points": [
            {
                "text": "Roll back automatically if the metrics get worse.",
                "status": status,
                "score": score,
                "evidence": "we roll back when the error rate rises" if score else None,
                "start_s": 0.5 if score else None,
                "end_s": 2.0 if score else None,
            }
        ],
        "timing": {"duration_s": 12.0, "verdict": "too short"},
        "tips": [],
    }


def _answer_with_follow_up(
    store: AttemptStore, tmp_path: Path, status: str = "covered"
) -> tuple[int, int]:
    """An answer (point 3 missed, coverage 0.5) and its follow-up on point 3, both with audio."""
    parent = store.add_attempt(
        make_question(),
        make_transcript(),
        make_feedback(coverage=0.5),
        audio_path=write_wav(tmp_path / "answer.wav"),
    )
    child = store.add_attempt(
        _narrowed(3),
        make_transcript("we roll back when the error rate rises"),
        _follow_up_feedback(status),
        audio_path=write_wav(tmp_path / "follow-up.wav", 0.5),
        parent_id=parent,
        follow_up_point=3,
        asked=PROBE,
    )
    return parent, child


def test_follow_up_is_linked_and_kept_out_of_the_answer_lists(
    store: AttemptStore, tmp_path: Path
) -> None:
    parent, child = _answer_with_follow_up(store, tmp_path)
    got = store.get_attempt(child)
    assert (got.parent_id, got.follow_up_point, got.is_follow_up) == (parent, 3, True)
    assert got.question_text == PROBE  # what was asked
    assert len(got.question["key_points"]) == 1  # scored against that point only
    assert got.to_dict()["parent_id"] == parent
    assert store.get_attempt(parent).parent_id is None
    # Lists, counts and progress are about answers; follow-ups hang under their answer.
    assert [a.id for a in store.list_attempts()] == [parent]
    assert {a.id for a in store.list_attempts(follow_ups=True)} == {parent, child}
    assert store.count_attempts() == 1
    assert [f.id for f in store.follow_ups_of([parent])[parent]] == [child]
    assert store.follow_ups_of([child]) == {}
    assert [p.attempt_id for p in store.progress().topics["deployment"].points] == [parent]
    assert store.cards()["canary-release"].reviews == 1


def test_follow_up_needs_a_parent_answer_of_the_same_question(
    store: AttemptStore, tmp_path: Path
) -> None:
    parent, child = _answer_with_follow_up(store, tmp_path)
    with pytest.raises(AttemptNotFound):
        store.add_attempt(
            _narrowed(1),
            make_transcript(),
            _follow_up_feedback(),
            parent_id=999,
            follow_up_point=1,
        )
    other = store.add_attempt(
        make_question("drift", topic="monitoring"), make_transcript(), make_feedback("drift")
    )
    for wrong_parent in (other, child):  # another question; a follow-up of a follow-up
        with pytest.raises(StoreError):
            store.add_attempt(
                _narrowed(1),
                make_transcript(),
                _follow_up_feedback(),
                parent_id=wrong_parent,
                follow_up_point=1,
            )
    with pytest.raises(StoreError):
        store.add_attempt(_narrowed(1), make_transcript(), _follow_up_feedback(), parent_id=parent)


def test_deleting_the_answer_deletes_its_follow_ups_and_their_audio(
    store: AttemptStore, tmp_path: Path
) -> None:
    parent, child = _answer_with_follow_up(store, tmp_path)
    audio = [store.get_attempt(i).audio_path for i in (parent, child)]
    assert all(a is not None and a.is_file() for a in audio)
    store.delete_attempt(parent)
    with pytest.raises(AttemptNotFound):
        store.get_attempt(child)
    assert store.list_attempts(follow_ups=True) == []
    assert not any(a.exists() for a in audio if a is not None)
    assert "canary-release" not in store.cards()


def test_deleting_a_follow_up_keeps_its_answer(store: AttemptStore, tmp_path: Path) -> None:
    parent, child = _answer_with_follow_up(store, tmp_path)
    store.delete_attempt(child)
    assert store.get_attempt(parent).audio_path.is_file()  # type: ignore[union-attr]
    assert store.follow_ups_of([parent]) == {}


def test_a_recovered_point_raises_the_grade_at_half_weight() -> None:
    # 3 points scored 1, 0.5, 0 (coverage 0.5); the follow-up makes point 3: + 0.5 * 1 / 3.
    assert graded_coverage(0.5, [1.0, 0.5, 0.0], [(3, 1.0)]) == pytest.approx(0.5 + 0.5 / 3)
    assert graded_coverage(0.5, [1.0, 0.5, 0.0], [(2, 1.0)]) == pytest.approx(0.5 + 0.25 / 3)
    assert graded_coverage(0.5, [1.0, 0.5, 0.0], [(3, 0.0)]) == 0.5  # nothing recovered
    assert graded_coverage(0.5, [1.0, 0.5, 0.0], [(2, 0.0)]) == 0.5  # never lowers
    assert graded_coverage(0.9, [1.0], [(1, 1.0), (9, 1.0)]) == 0.9  # bad point ignored
    assert graded_coverage(0.95, [1.0, 0.9], [(2, 1.0)]) <= 1.0
    assert graded_coverage(None, [0.0], [(1, 1.0)]) is None


def test_the_card_uses_the_graded_coverage(store: AttemptStore, tmp_path: Path) -> None:
    # 0.35 alone is Again; the follow-up recovers point 3 (0.35 + 0.5/3 = 0.52): Hard.
    parent = store.add_attempt(
        make_question(), make_transcript(), make_feedback(coverage=0.35, verdict="on target")
    )
    assert store.cards()["canary-release"].last_rating == rating_for(0.35, "on target")
    child = store.add_attempt(
        _narrowed(3),
        make_transcript(),
        _follow_up_feedback("covered"),
        parent_id=parent,
        follow_up_point=3,
        asked=PROBE,
    )
    card = store.cards()["canary-release"]
    assert card.last_rating == rating_for(0.35 + 0.5 / 3, "on target")
    assert card.last_rating != rating_for(0.35, "on target")
    assert card.reviews == 1  # the follow-up is no review of its own
    assert card.last_coverage == 0.35
    store.delete_attempt(child)
    assert store.cards()["canary-release"].last_rating == rating_for(0.35, "on target")


def test_a_v4_database_file_migrates_and_takes_follow_ups(tmp_path: Path) -> None:
    db = paths.database_path()
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=4)
    conn.execute(
        "INSERT INTO attempts (uid, question_id, topic, question_text, question_json, "
        "started_at, transcript_json, feedback_json, coverage, verdict, scored_at) "
        "VALUES ('u1', 'canary-release', 'deployment', 'q', ?, '2025-03-01T09:00:00+00:00', "
        "?, ?, 0.5, 'on target', '2025-03-01T09:00:00+00:00')",
        (
            make_question().model_dump_json(),
            json.dumps(make_transcript().to_dict()),
            json.dumps(make_feedback(coverage=0.5)),
        ),
    )
    conn.close()
    with AttemptStore.open() as store:
        assert (store.migrated_from, store.schema_version) == (4, SCHEMA_VERSION)
        columns = {r[1] for r in store.connection.execute("PRAGMA table_info(attempts)")}
        assert {"parent_id", "follow_up_point"} <= columns
        [old] = store.list_attempts()
        assert (old.parent_id, old.follow_up_point) == (None, None)
        child = store.add_attempt(
            _narrowed(3),
            make_transcript(),
            _follow_up_feedback(),
            parent_id=old.id,
            follow_up_point=3,
            asked=PROBE,
        )
        assert store.get_attempt(child).parent_id == old.id
        plan = " ".join(
            str(r)
            for r in store.connection.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM attempts WHERE parent_id IS NULL "
                "ORDER BY started_at"
            )
        )
        assert "COVERING INDEX attempts_listing" in plan
        backup = store.migration_backup
    assert backup is not None
    old_conn = sqlite3.connect(backup)
    try:
        assert user_version(old_conn) == 4
    finally:
        old_conn.close()


def test_export_import_keeps_the_link(
    store: AttemptStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, child = _answer_with_follow_up(store, tmp_path)
    exported = export_zip(tmp_path / "backup.zip", store=store)
    assert exported.attempts == 2
    uids = {store.get_attempt(i).uid: i for i in (parent, child)}
    monkeypatch.setenv("VIVA_DATA_DIR", str(tmp_path / "other-machine"))
    with AttemptStore.open() as other:
        other.add_attempt(
            make_question("drift", topic="monitoring"), make_transcript(), make_feedback("drift")
        )  # so the ids differ from the source's
        result = import_zip(tmp_path / "backup.zip", store=other)
        assert result.attempts_added == 2
        by_uid = {other.get_attempt(a.id).uid: a.id for a in other.list_attempts(follow_ups=True)}
        new_parent, new_child = by_uid[_uid(uids, parent)], by_uid[_uid(uids, child)]
        got = other.get_attempt(new_child)
        assert (got.parent_id, got.follow_up_point, got.question_text) == (new_parent, 3, PROBE)
        assert got.audio_path is not None
        assert got.audio_path.is_file()
        assert [a.id for a in other.list_attempts("canary-release")] == [new_parent]
        # Importing again changes nothing; with overwrite the follow-up stays attached.
        again = import_zip(tmp_path / "backup.zip", store=other)
        assert again.attempts_unchanged == 2
        store.replace_score(parent, make_feedback(coverage=0.6))
        export_zip(tmp_path / "backup2.zip", store=store)
        replaced = import_zip(tmp_path / "backup2.zip", store=other, overwrite=True)
        assert replaced.attempts_replaced == 1
        parent_now = {other.get_attempt(a.id).uid: a.id for a in other.list_attempts()}[
            _uid(uids, parent)
        ]
        assert other.get_attempt(new_child).parent_id == parent_now
        other.delete_attempt(parent_now)
        assert other.follow_ups_of([parent_now]) == {}
        assert other.list_attempts("canary-release", follow_ups=True) == []


def _uid(uids: dict[str, int], attempt_id: int) -> str:
    return next(u for u, i in uids.items() if i == attempt_id)


def test_report_shows_the_follow_up_under_its_answer(store: AttemptStore, tmp_path: Path) -> None:
    parent, _child = _answer_with_follow_up(store, tmp_path)
    html = render_report(store, question_id="canary-release")
    assert "Follow-up on point 3" in html
    assert PROBE in html
    assert "we roll back when the error rate rises" in html
    assert html.index("Follow-up on point 3") > html.index(f"Attempt {parent}")
    assert html.count('<article class="attempt">') == 1  # not an attempt of its own
    md = render_report(store, question_id="canary-release", fmt="md")
    assert "Follow-up on point 3" in md
