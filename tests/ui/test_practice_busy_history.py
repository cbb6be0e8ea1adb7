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
    "errors, while blue-green keeps two full environments and switches the router back to roll "
    "back."
)


def test_answer_scored_while_the_history_is_locked_is_kept(
    qtbot: Any, make_window: Any, monkeypatch: Any
) -> None:
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
            qtbot.waitSignal(practice.feedback_shown, timeout=60_000) as shown,
        ):
            practice.score_typed()
        saved = shown.args[0]
        assert saved.attempt_id is None
        assert saved.feedback.coverage > 0.5  # the feedback is shown all the same
        assert "kept on disk" in note.args[0]
        assert "nothing is lost" in note.args[0]
        assert len(queued_files()) == 1
    finally:
        assert holder.stdin is not None
        holder.stdin.write("go\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    with AttemptStore.open() as store:  # the next open saves it
        attempts = store.list_attempts()
    assert [a.question_id for a in attempts] == ["canary-vs-blue-green"]
    assert queued_files() == []
