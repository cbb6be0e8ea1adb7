"""kill -9 in the middle of writes leaves a readable, consistent database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from viva.storage.store import AttemptStore

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_during_writes_leaves_a_consistent_store(tmp_path: Path, wav: Path) -> None:
    db = tmp_path / "store" / "viva.sqlite3"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    acknowledged: list[int] = []
    for wait_for in (3, 17, 41):  # kill at three different points of a write loop
        proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_writer.py"), str(db), str(wav)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        for seen, line in enumerate(proc.stdout, start=1):
            acknowledged.append(int(line))
            if seen >= wait_for:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL

    with AttemptStore.open(db) as store:
        assert store.recovered is None
        assert store.integrity_check() == "ok"
        conn = store.connection
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        ids = [a.id for a in store.list_attempts()]
        assert set(acknowledged) <= set(ids)  # every acknowledged write survived
        for attempt_id in ids:  # and every row is complete
            attempt = store.get_attempt(attempt_id)
            assert attempt.feedback["coverage"] == 0.67
            assert attempt.transcript.words
            assert attempt.audio_path is not None
            assert attempt.audio_path.is_file()
            assert attempt.audio_path.read_bytes() == wav.read_bytes()
        assert store.cards()["canary-release"].reviews == len(ids)
        row = conn.execute("SELECT feedback_json FROM attempts ORDER BY id DESC").fetchone()
        assert json.loads(row[0])["question_id"] == "canary-release"
        # copies whose row never landed are offered, not lost or deleted
        from viva.storage.recovery import pending_recordings

        pending = pending_recordings(store, repair=False)
        assert len(pending) + len(ids) == len(
            [p for p in store.recordings_dir.iterdir() if not p.name.startswith(".")]
        )
