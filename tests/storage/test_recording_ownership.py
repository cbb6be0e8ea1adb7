"""A recording in progress is nobody else's, and two attempts never share one file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import make_feedback, make_question, make_transcript, write_wav
from viva.app.recovery import score_recording
from viva.speech.recorder import is_being_recorded
from viva.storage.recovery import discard_recording, pending_recordings
from viva.storage.store import AttemptStore, StoreError

LOCKER = textwrap.dedent(
    """
    import fcntl, os, sys
    fd = os.open(sys.argv[1], os.O_WRONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.readline()
    """
)


def test_a_file_locked_by_another_process_is_not_pending(store: AttemptStore) -> None:
    wav = write_wav(store.recordings_dir / "answer-live.wav")
    proc = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(wav)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdin is not None
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert is_being_recorded(wav)
        assert pending_recordings(store) == []
        with pytest.raises(StoreError, match="still being recorded"):
            score_recording(store, wav, make_question(), transcriber=object())
        with pytest.raises(StoreError, match="still being recorded"):
            discard_recording(store, wav)
    finally:
        proc.stdin.write("done\n")
        proc.stdin.flush()
        proc.wait(timeout=10)
    assert not is_being_recorded(wav)
    assert [p.path for p in pending_recordings(store)] == [wav]


def test_two_attempts_never_own_one_file(store: AttemptStore) -> None:
    wav = write_wav(store.recordings_dir / "answer-shared.wav")
    first = store.add_attempt(make_question(), make_transcript(), make_feedback(), audio_path=wav)
    second = store.add_attempt(make_question(), make_transcript(), make_feedback(), audio_path=wav)
    a, b = store.get_attempt(first), store.get_attempt(second)
    assert a.audio_path is not None
    assert b.audio_path is not None
    assert a.audio_path != b.audio_path
    assert b.audio_path.read_bytes() == wav.read_bytes()
    store.delete_attempt(first)
    assert b.audio_path.is_file()


def test_legacy_shared_file_survives_deleting_one_attempt(store: AttemptStore) -> None:
    wav = write_wav(store.recordings_dir / "answer-legacy.wav")
    first = store.add_attempt(make_question(), make_transcript(), make_feedback(), audio_path=wav)
    second = store.add_attempt(make_question(), make_transcript(), make_feedback())
    # As an older Viva could leave it: both rows point at the same file.
    stored = store.connection.execute(
        "SELECT audio_path FROM attempts WHERE id = ?", (first,)
    ).fetchone()[0]
    store.connection.execute("UPDATE attempts SET audio_path = ? WHERE id = ?", (stored, second))
    store.delete_attempt(first)
    assert Path(wav).is_file()
    store.delete_attempt(second)
    assert not Path(wav).exists()
