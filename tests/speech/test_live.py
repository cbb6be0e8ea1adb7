from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from viva.speech.live import Commit, LiveTranscriber, Partial, transcribe_live
from viva.speech.recorder import Recorder
from viva.speech.transcriber import Transcriber

from .helpers import normalise, wer

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


@pytest.mark.slow
def test_live_path_on_a_file(jfk_wav: Path, transcriber: Transcriber) -> None:
    partials: list[Partial] = []
    commits: list[Commit] = []
    transcript, stats = transcribe_live(
        transcriber, jfk_wav, speed=4.0, on_partial=partials.append, on_commit=commits.append
    )
    assert wer(JFK_TEXT, transcript.text) <= 0.2, transcript.text
    assert commits
    assert partials
    assert transcript.text == " ".join(c.text for c in commits)
    ends = [w.end for w in transcript.words]
    assert ends == sorted(ends)
    assert ends[-1] <= 11.0 + 0.01
    assert stats.after_stop_s is not None
    assert stats.after_stop_s < 5
    assert stats.lag_median_s is not None


@pytest.mark.slow
def test_silence_only_gives_empty_transcript(transcriber: Transcriber) -> None:
    import numpy as np

    live = LiveTranscriber(transcriber)
    for _ in range(20):
        live.feed(np.zeros(1600, dtype=np.float32))
    assert live.finish().text == ""


@pytest.mark.slow
@pytest.mark.audio
@pytest.mark.e2e
def test_spoken_answer_recorded_and_transcribed_live(
    speak_into_mic: Callable[..., Any], transcriber: Transcriber
) -> None:
    committed = threading.Event()
    live = LiveTranscriber(
        transcriber,
        hotwords="canary drift MLflow",
        on_commit=lambda c: committed.set(),
    )
    live.start()
    recorder = Recorder(on_chunk=live.feed)
    path = recorder.start()
    speaker = speak_into_mic(
        "In production I monitor the model closely, and I release every new version "
        "as a canary first.",
        speed=140,
        delay=0.3,
    )
    assert speaker.wait(timeout=30) == 0
    # The pause after the answer lets the live path commit before Stop.
    assert committed.wait(timeout=15)
    recording = recorder.stop()
    transcript = live.finish()
    text = normalise(transcript.text)
    for term in ("production", "model", "version", "canary"):
        assert term in text, text
    assert recording.path == path
    assert recording.duration_s > 3
    assert transcript.words
