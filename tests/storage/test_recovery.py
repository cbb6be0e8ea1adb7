"""Recordings without an attempt are found, repaired if possible, offered, and never deleted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import make_feedback, make_question, make_transcript, write_wav
from viva.app.recovery import score_recording
from viva.cli import main
from viva.storage.recovery import discard_recording, pending_recordings
from viva.storage.store import AttemptStore, StoreError


def test_orphans_are_listed_and_kept(store: AttemptStore, wav: Path) -> None:
    store.add_attempt(make_question(), make_transcript(), make_feedback(), audio_path=wav)
    orphan = write_wav(store.recordings_dir / "20250303-090000-canary-release.wav", 2.0)
    broken = store.recordings_dir / "20250303-091000-drift.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    (store.recordings_dir / ".20250303-copy.wav.partial").write_bytes(b"partial")
    pending = pending_recordings(store, known_ids=["canary-release", "drift", "canary"])
    assert [p.path for p in pending] == sorted([orphan, broken], key=lambda p: p.stat().st_mtime)
    by_name = {p.path.name: p for p in pending}
    good = by_name[orphan.name]
    assert good.readable
    assert good.duration_s == pytest.approx(2.0)
    assert good.question_id == "canary-release"  # the longest matching id wins
    bad = by_name[broken.name]
    assert not bad.readable
    assert bad.problem is not None
    assert "cannot be read" in bad.problem
    assert orphan.exists()  # listing never deletes
    assert broken.exists()


def test_default_store_and_nothing_pending() -> None:
    assert pending_recordings() == []


def test_discard_only_pending_files(store: AttemptStore, wav: Path, tmp_path: Path) -> None:
    attempt_id = store.add_attempt(
        make_question(), make_transcript(), make_feedback(), audio_path=wav
    )
    kept = store.get_attempt(attempt_id).audio_path
    assert kept is not None
    with pytest.raises(StoreError, match="belongs to a saved attempt"):
        discard_recording(store, kept)
    with pytest.raises(StoreError, match="not one of Viva's recordings"):
        discard_recording(store, wav)
    orphan = write_wav(store.recordings_dir / "orphan.wav")
    discard_recording(store, orphan)
    assert not orphan.exists()
    assert kept.exists()
    assert wav.exists()


def test_cli_lists_pending(store: AttemptStore, capsys: pytest.CaptureFixture[str]) -> None:
    write_wav(store.recordings_dir / "20250303-090000-x.wav", 1.5)
    assert main(["history", "--pending"]) == 0
    assert "20250303-090000-x.wav  1.5 s" in capsys.readouterr().out


@pytest.mark.slow
def test_score_a_recovered_recording(
    store: AttemptStore, jfk_wav: Path, transcriber: Callable[[], Any]
) -> None:
    orphan = store.recordings_dir / "20250303-090000-canary-release.wav"
    orphan.write_bytes(jfk_wav.read_bytes())
    [pending] = pending_recordings(store)
    attempt_id = score_recording(store, pending, make_question(), transcriber=transcriber())
    attempt = store.get_attempt(attempt_id)
    assert attempt.audio_path == orphan
    assert "ask not what your country" in attempt.transcript.text.lower()
    assert pending_recordings(store) == []
    assert orphan.exists()
