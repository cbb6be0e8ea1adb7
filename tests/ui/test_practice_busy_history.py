"""Practice: an answer scored while another process holds the history's write lock is shown,
kept on disk with a message, and lands in the history the next time it is opened."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE IF NOT EXISTS holder_marker (x)")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("COMMIT")
    """
)

ANSWER = (
    "A canary sends a small share of live traffic to the new model first and watches its "
    "errors before widening the share step by step."
)
FOLLOW_UP_ANSWER = (
    "With blue-green, rolling back means switching the router back to the old environment."
)


def test_answer_scored_while_the_history_is_locked_is_kept(
    qtbot: Any, make_window: Any, monkeypatch: Any
) -> None:
    from viva.speech.transcript import Transcript
    from viva.storage.paths import database_path
    from viva.storage.savequeue import queued_files
    from viva.storage.store import AttemptStore

    monkeypatch.setenv("VIVA_DB_LOCK_WAIT_S", "0.5")
    with AttemptStore.open():
        pass  # the database exists before another process locks it
    window = make_window(sd_module=NoDevices())
    practice = window.practice
    practice.set_text_only(True)
    practice.select_question("canary-vs-blue-green")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database_path())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        practice.typed.setPlainText(ANSWER)
        with (
            qtbot.waitSignal(practice.error_occurred, timeout=60_000) as note,
            qtbot.waitSignal(practice.attempt_saved, timeout=60_000) as shown,
        ):
            practice.score_typed()
        saved = shown.args[0]
        assert saved.attempt_id is None
        assert saved.feedback.coverage > 0.2  # the feedback is shown all the same
        assert "kept on disk" in note.args[0]
        assert "nothing is lost" in note.args[0]
        assert len(queued_files()) == 1
        # Its follow-up, answered while the history is still locked, waits behind it.
        assert saved.feedback.follow_up is not None
        follow = window.services.finish_follow_up(saved, Transcript.from_text(FOLLOW_UP_ANSWER))
        assert follow.attempt_id is None
        assert len(queued_files()) == 2
    finally:
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with AttemptStore.open() as store:  # the next open saves both, the follow-up linked
        attempts = store.list_attempts()
        follow_ups = store.follow_ups_of([a.id for a in attempts])
    assert [a.question_id for a in attempts] == ["canary-vs-blue-green"]
    assert len(follow_ups[attempts[0].id]) == 1
    assert queued_files() == []
