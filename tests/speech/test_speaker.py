from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from viva.speech import speaker as speaker_mod
from viva.speech.errors import TtsUnavailable
from viva.speech.speaker import Speaker
from viva.storage.paths import cache_dir

from .helpers import rms_of


@pytest.fixture(autouse=True)
def _fresh_engine_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(speaker_mod, "_BROKEN", {})
    monkeypatch.setattr(speaker_mod, "_VOICES_CACHE", None)
    monkeypatch.setattr(speaker_mod, "_WORKER", None)
    yield
    speaker_mod.close_natural_voice()


def test_synthesize_caches_a_complete_wav() -> None:
    s = Speaker(rate=180, voice="system")
    path = s.synthesize("How would you roll out a new model version?")
    assert path.parent == cache_dir() / "tts"
    assert s.last_engine == "pyttsx3"
    assert sf.info(str(path)).frames > 0
    assert rms_of(path) > 0.01
    assert s.synthesize("How would you roll out a new model version?") == path
    slower = Speaker(rate=120, voice="system")
    assert slower.synthesize("How would you roll out a new model version?") != path
    assert not list(path.parent.glob("*.tmp"))


def test_no_engine_is_reported_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng
    monkeypatch.setattr(speaker_mod.sys, "executable", str(tmp_path / "no-python"))
    s = Speaker()
    with pytest.raises(TtsUnavailable) as info:
        s.synthesize("hello")
    assert "espeak-ng" in info.value.user_message
    with pytest.raises(TtsUnavailable):
        s.synthesize("hello again")
    warnings = [r for r in caplog.records if "does not work here" in r.getMessage()]
    assert len(warnings) == 3  # one per engine (natural, pyttsx3, espeak-ng), not one per call


def test_voices_are_listed() -> None:
    voices = Speaker().voices()
    assert any("en" in v.id for v in voices)


@pytest.mark.audio
def test_spoken_question_reaches_the_speaker(capture_speaker) -> None:  # type: ignore[no-untyped-def]
    s = Speaker(rate=180)
    path = s.synthesize("Explain what a canary deployment is.")
    with capture_speaker() as wav:
        s.say("Explain what a canary deployment is.")
    data, rate = sf.read(str(wav), dtype="float32")
    assert rate == 16000
    spoken = sf.info(str(path)).duration
    voiced = np.abs(data) > 0.02
    assert voiced.any()
    idx = np.nonzero(voiced)[0]
    assert (idx[-1] - idx[0]) / rate == pytest.approx(spoken, abs=0.6)


@pytest.mark.audio
def test_stop_silences_at_once() -> None:
    s = Speaker(rate=150)
    text = "This is a long question that nobody will want to hear until its end, " * 3
    s.synthesize(text)
    done = threading.Event()
    thread = threading.Thread(target=lambda: (s.say(text), done.set()))
    thread.start()
    assert s.started.wait(10)
    s.stop()
    assert done.wait(2.0)
    thread.join()


def test_a_stop_between_two_sentences_plays_nothing_more(tmp_path: Path) -> None:
    """Stop can land after read_aloud looked for it and before the next sentence's playback
    began; that sentence must not play then (it used to, whole, delaying Stop by seconds)."""
    s = Speaker(rate=150)
    wav = tmp_path / "long.wav"
    sf.write(str(wav), np.full(16000 * 5, 0.2, dtype=np.float32), 16000)  # 5 s
    reading = s._generation  # the reading this sentence belongs to
    s.stop()  # ... stopped just before its playback starts
    done = threading.Event()
    thread = threading.Thread(target=lambda: (s.play(wav, generation=reading), done.set()))
    thread.start()
    assert done.wait(1.0)
    thread.join()
    assert not s.is_speaking
