"""Two processes, one real SQLite file: a held write lock never loses a scored attempt.

A helper process takes the write lock (``BEGIN IMMEDIATE``) and holds it until told to let go.
Meanwhile another process saves: it waits for the lock and saves, or, when the lock outlives
its wait, queues the attempt on disk and the next open of the store saves it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import make_feedback, make_question, make_transcript
from viva.cli import main
from viva.storage import paths
from viva.storage.savequeue import queued_files
from viva.storage.store import AttemptStore, StoreBusy, save_or_queue

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE IF NOT EXISTS holder_marker (x)")
    print("locked", flush=True)
    if sys.argv[2] == "stdin":
        sys.stdin.readline()
    else:
        time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
    print("released", flush=True)
    """
)

SAVER = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from conftest import make_feedback, make_question, make_transcript
    from viva.storage.store import save_or_queue
    result = save_or_queue(make_question(), make_transcript(), make_feedback())
    print(json.dumps({"id": result.attempt_id, "queued": str(result.queued or "")}))
    """
)

HERE = Path(__file__).resolve().parent


@contextmanager
def _lock_held(db: Path, hold: str = "stdin") -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), hold],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    try:
        yield proc
    finally:
        if proc.poll() is None and hold == "stdin":
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        proc.wait(timeout=60)


def _saver_env(wait_s: float) -> dict[str, str]:
    env = dict(os.environ)
    env["VIVA_DB_LOCK_WAIT_S"] = str(wait_s)
    return env


def test_a_write_waits_for_another_process_and_then_saves(store: AttemptStore) -> None:
    # The holder lets go after 2 s; the saver may wait up to 60 s.
    with _lock_held(store.path, hold="2"):
        done = subprocess.run(
            [sys.executable, "-c", SAVER, str(HERE)],
            env=_saver_env(60),
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["id"] is not None
    assert not result["queued"]
    assert store.count_attempts() == 1


def test_a_lock_held_too_long_queues_the_attempt_and_the_next_open_saves_it(
    store: AttemptStore,
) -> None:
    with _lock_held(store.path):
        done = subprocess.run(
            [sys.executable, "-c", SAVER, str(HERE)],
            env=_saver_env(0.5),
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["id"] is None
        queued = Path(result["queued"])
        assert queued.is_file()
        assert json.loads(queued.read_text())["feedback"]["coverage"] == 0.67
    assert store.count_attempts() == 0  # not yet: the queue is flushed on open
    with AttemptStore.open() as again:
        assert again.count_attempts() == 1
        attempt = again.get_attempt(again.list_attempts()[0].id)
        assert attempt.uid == queued.stem
        assert attempt.feedback["coverage"] == 0.67
    assert queued_files() == []
    with AttemptStore.open() as third:  # flushed once, never twice
        assert third.count_attempts() == 1


def test_busy_store_raises_a_clear_error(
    store: AttemptStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.lock_wait_s = 0.2
    with _lock_held(store.path), pytest.raises(StoreBusy, match="busy"):
        store.add_attempt(make_question(), make_transcript(), make_feedback())
    assert store.count_attempts() == 0
    # In the same process, save_or_queue keeps it.
    with _lock_held(store.path):
        result = save_or_queue(make_question(), make_transcript(), make_feedback(), store=store)
    assert result.attempt_id is None
    assert result.queued is not None
    assert "busy" in (result.reason or "")


def test_queue_survives_an_unreadable_entry(store: AttemptStore) -> None:
    folder = paths.data_dir() / "queued"
    folder.mkdir()
    (folder / "garbage.json").write_text("{not json", encoding="utf-8")
    with AttemptStore.open() as again:
        assert again.count_attempts() == 0
    assert (folder / "garbage.json").exists()  # kept, never deleted silently


def test_cli_history_flushes_the_queue(
    store: AttemptStore, capsys: pytest.CaptureFixture[str]
) -> None:
    with _lock_held(store.path):
        store.lock_wait_s = 0.2
        result = save_or_queue(make_question(), make_transcript(), make_feedback(), store=store)
    assert result.queued is not None
    assert main(["history", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["uid"] for r in rows] == [result.queued.stem]


def test_cli_score_save_during_a_long_write_keeps_the_attempt(
    store: AttemptStore, tmp_path: Path
) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(
        "A canary release sends a small share of traffic to the new version first, while "
        "blue-green switches all traffic between two environments and rolls back instantly.",
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "viva", "score", "--question", "canary-vs-blue-green"]
    with _lock_held(store.path):
        done = subprocess.run(
            [*cmd, "--transcript", str(answer), "--save"],
            env=_saver_env(0.5),
            capture_output=True,
            text=True,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert "busy" in done.stderr
    assert "will be saved" in done.stderr
    assert "Traceback" not in done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "viva", "history", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(listed.stdout)
    assert [r["question_id"] for r in rows] == ["canary-vs-blue-green"]
    assert queued_files() == []


def test_an_import_releases_the_write_lock_between_attempts(
    store: AttemptStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another connection can write between any two imported attempts (no lock is held
    across the import), so a long import never starves `viva score --save`."""
    from viva.storage.backup import export_zip, import_zip

    for i in range(5):
        store.add_attempt(make_question(f"q{i}"), make_transcript(), make_feedback(f"q{i}"))
    export_zip(tmp_path / "five.zip", store=store)
    monkeypatch.setenv("VIVA_DATA_DIR", str(tmp_path / "elsewhere"))
    target = AttemptStore.open()
    other = AttemptStore.open()
    other.lock_wait_s = 0.0  # must not need to wait at all
    real = AttemptStore.import_attempt
    between: list[int] = []

    def import_then_let_another_write(self: AttemptStore, *args: object, **kw: object) -> int:
        new_id = real(self, *args, **kw)  # type: ignore[arg-type]
        between.append(other.add_attempt(make_question(), make_transcript(), make_feedback()))
        return new_id

    monkeypatch.setattr(AttemptStore, "import_attempt", import_then_let_another_write)
    try:
        result = import_zip(tmp_path / "five.zip", store=target)
    finally:
        other.close()
    assert result.attempts_added == 5
    assert len(between) == 5
    assert target.count_attempts() == 10
    target.close()


def test_follow_up_of_a_queued_answer_is_stored_linked_to_it(store: AttemptStore) -> None:
    """The answer waits in the queue; its follow-up names it by uid, waits behind it, and the
    next open stores both, the follow-up linked to the answer (never as a loose answer)."""
    with _lock_held(store.path):
        store.lock_wait_s = 0.2
        answer = save_or_queue(make_question(), make_transcript(), make_feedback(), store=store)
        assert answer.attempt_id is None
        assert answer.uid is not None
        follow_up = save_or_queue(
            make_question(),
            make_transcript(),
            make_feedback(),
            store=store,
            parent_uid=answer.uid,
            follow_up_point=1,
            asked="How would you roll back?",
        )
        assert follow_up.attempt_id is None
        assert follow_up.queued is not None
    assert len(queued_files()) == 2
    with AttemptStore.open() as again:
        answers = again.list_attempts()
        assert len(answers) == 1  # the follow-up is not listed as an answer of its own
        linked = again.follow_ups_of([answers[0].id])[answers[0].id]
        assert len(linked) == 1
        assert again.get_attempt(linked[0].id).uid == follow_up.uid
    assert queued_files() == []


def test_follow_up_after_its_queued_answer_was_saved_links_at_once(store: AttemptStore) -> None:
    with _lock_held(store.path):
        store.lock_wait_s = 0.2
        answer = save_or_queue(make_question(), make_transcript(), make_feedback(), store=store)
    assert answer.uid is not None
    store.lock_wait_s = 5.0
    follow_up = save_or_queue(
        make_question(),
        make_transcript(),
        make_feedback(),
        store=store,
        parent_uid=answer.uid,
        follow_up_point=2,
        asked="What would you watch?",
    )
    assert follow_up.attempt_id is not None
    parent_id = store.attempt_ids_by_uid()[answer.uid]
    assert [a.id for a in store.follow_ups_of([parent_id])[parent_id]] == [follow_up.attempt_id]
    assert queued_files() == []
