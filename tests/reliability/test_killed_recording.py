"""`viva record` killed with SIGKILL leaves a valid WAV that says which question it answered.

Real subprocess, virtual microphone (PulseAudio null devices): the WAV header is rewritten at
every fsync (about once a second), so the file is readable *while* it is being recorded and
after the kill, by Python's ``wave``, libsndfile and ``soxi``. While the recorder lives, crash
recovery and a second instance keep off the file (it is locked); after the kill, recovery lists
it with the question id from its sidecar, and the repaired name carries that id.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from viva.speech.recorder import is_being_recorded
from viva.storage import paths
from viva.storage.recovery import pending_recordings
from viva.storage.store import AttemptStore

pytestmark = [pytest.mark.slow, pytest.mark.audio, pytest.mark.e2e]

QID = "canary-vs-blue-green"


def _frames_in_header(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes()
    except (wave.Error, EOFError, OSError):
        return 0


def _wait_for_header_frames(proc: subprocess.Popen[str], path: Path, frames: int) -> None:
    """Poll the file (no sleeps in assertions): the header must grow while recording."""
    import time

    deadline = time.monotonic() + 60
    while _frames_in_header(path) < frames:
        assert proc.poll() is None, proc.communicate()[0]
        assert time.monotonic() < deadline, "the WAV header never grew while recording"
        time.sleep(0.1)


def test_killed_viva_record_leaves_a_valid_wav_with_its_question(
    speak_into_mic: Callable[..., Any], jfk_wav: Path, fresh_data_dir: Path
) -> None:
    out = paths.recordings_dir() / "answer-killed.wav"
    speaker = speak_into_mic(file=jfk_wav)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "viva",
            "record",
            str(out),
            "--seconds",
            "60",
            "--question",
            QID,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ),
    )
    try:
        _wait_for_header_frames(proc, out, 3 * 16000)
        # While it records: readable as it is, locked, and not offered for scoring.
        assert is_being_recorded(out)
        with AttemptStore.open() as store:
            assert pending_recordings(store, known_ids=[QID]) == []
        sidecar = json.loads(out.with_name(out.name + ".partial").read_text())
        assert sidecar["question_id"] == QID
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        speaker.terminate()

    # As it lies after the kill, before any repair.
    with wave.open(str(out), "rb") as w:
        assert w.getframerate() == 16000
        in_header = w.getnframes()
        audio = np.frombuffer(w.readframes(in_header), dtype="<i2")
    assert in_header >= 3 * 16000
    assert out.stat().st_size - 44 - 2 * in_header <= 2 * 16000 * 1.5  # < ~1.5 s unlisted
    assert float(np.abs(audio).max()) > 0.05 * 32768  # the speech, not silence
    info = sf.info(str(out))
    assert info.frames == in_header
    if shutil.which("soxi"):
        soxi = subprocess.run(["soxi", "-D", str(out)], capture_output=True, text=True)
        assert float(soxi.stdout) == pytest.approx(in_header / 16000, abs=0.01)
    assert not is_being_recorded(out)

    # Recovery: offered once, with its question, under a name that carries it.
    with AttemptStore.open() as store:
        pending = pending_recordings(store, known_ids=[QID, "canary-release"])
    assert len(pending) == 1
    assert pending[0].question_id == QID
    assert pending[0].readable
    assert QID in pending[0].path.name
    assert pending[0].duration_s is not None
    assert pending[0].duration_s >= in_header / 16000
    assert not list(paths.recordings_dir().glob("*.partial"))
