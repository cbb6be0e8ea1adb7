"""The natural voice (piper, in its own process) and the fallback to the system voice."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from viva.speech import speaker as speaker_mod
from viva.speech.speaker import NATURAL, Speaker

from .helpers import rms_of

QUESTION = "How would you roll out a new model version without risking your users?"


@pytest.fixture(autouse=True)
def _fresh_engine_state(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speaker_mod, "_BROKEN", {})
    monkeypatch.setattr(speaker_mod, "_VOICES_CACHE", None)


@pytest.fixture
def fresh_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A natural-voice process of this test's own (the environment it starts with matters)."""
    monkeypatch.setattr(speaker_mod, "_WORKER", None)
    yield
    speaker_mod.close_natural_voice()


def _speech_span_s(path: Path) -> float:
    data, rate = sf.read(str(path), dtype="float32")
    voiced = np.nonzero(np.abs(data) > 0.02)[0]
    return float(voiced[-1] - voiced[0]) / rate


@pytest.mark.slow
def test_worker_process_speaks_with_the_joe_voice(tmp_path: Path) -> None:
    out = tmp_path / "q.wav"
    proc = subprocess.run(
        [sys.executable, "-m", "viva.speech._piper_worker"],
        input=json.dumps({"id": 7, "text": QUESTION, "out": str(out)}) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    hello, reply = (json.loads(line) for line in proc.stdout.splitlines())
    assert hello["ok"]
    assert hello["model"] == "en_US-joe-medium.onnx"
    assert reply["ok"]
    assert reply["id"] == 7
    info = sf.info(str(out))
    assert info.samplerate == 22050
    assert info.channels == 1
    # 13 words at a conversational pace: about 2.5 to 6 s.
    assert 2.5 < info.duration < 6.0
    assert reply["audio_s"] == pytest.approx(info.duration, abs=0.01)
    assert rms_of(out) > 0.02
    assert _speech_span_s(out) > 0.8 * info.duration - 0.5


@pytest.mark.slow
def test_worker_reports_a_bad_request_and_carries_on(tmp_path: Path) -> None:
    out = tmp_path / "ok.wav"
    lines = [
        "not json",
        json.dumps({"id": 2}),
        json.dumps({"id": 3, "text": "What is drift?", "out": str(out)}),
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "viva.speech._piper_worker"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    replies = [json.loads(line) for line in proc.stdout.splitlines()][1:]
    assert [r["ok"] for r in replies] == [False, False, True]
    assert replies[1]["id"] == 2
    assert "text" in replies[1]["error"]
    assert sf.info(str(out)).duration > 0.5


@pytest.mark.slow
def test_natural_voice_is_the_default_and_never_imported_here(fresh_worker: None) -> None:
    s = Speaker(rate=170)
    assert s.voices()[0].id == NATURAL
    path = s.synthesize(QUESTION)
    assert s.last_engine == NATURAL
    assert sf.info(str(path)).samplerate == 22050
    assert rms_of(path) > 0.02
    # Cached: the same text comes back at once, from the same file.
    started = time.perf_counter()
    assert s.synthesize(QUESTION) == path
    assert time.perf_counter() - started < 0.2
    # piper is GPL: it lives in the worker process only.
    assert not any(name == "piper" or name.startswith("piper.") for name in sys.modules)


@pytest.mark.slow
def test_rate_setting_changes_the_natural_pace(fresh_worker: None) -> None:
    normal = sf.info(str(Speaker(rate=170).synthesize(QUESTION))).duration
    slow = sf.info(str(Speaker(rate=110).synthesize(QUESTION))).duration
    fast = sf.info(str(Speaker(rate=260).synthesize(QUESTION))).duration
    assert fast < 0.85 * normal
    assert slow > 1.25 * normal


@pytest.mark.slow
def test_prefetch_makes_the_first_audio_immediate(fresh_worker: None) -> None:
    s = Speaker()
    s.prefetch([QUESTION, "What does a feature store give you?"]).join(120)
    started = time.perf_counter()
    path = s.synthesize("What does a feature store give you?")
    assert time.perf_counter() - started < 0.5
    assert s.last_engine == NATURAL
    assert sf.info(str(path)).duration > 1.0


def test_falls_back_to_the_system_voice_when_piper_fails(
    fresh_worker: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    monkeypatch.setenv("VIVA_PIPER_MODEL", str(broken))
    s = Speaker(rate=170)
    path = s.synthesize(QUESTION)
    assert s.last_engine in ("pyttsx3", "espeak-ng")
    assert rms_of(path) > 0.01
    messages = [r.getMessage() for r in caplog.records]
    assert any("engine natural does not work here" in m for m in messages)
    assert any("system voice reads questions" in m for m in messages)
    assert NATURAL not in [v.id for v in s.voices()]


def test_falls_back_when_piper_is_not_installed(
    fresh_worker: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_find_spec = speaker_mod.importlib.util.find_spec
    monkeypatch.setattr(
        speaker_mod.importlib.util,
        "find_spec",
        lambda name, *a: None if name == "piper" else real_find_spec(name, *a),
    )
    s = Speaker()
    assert s.synthesize("What is a model registry?").exists()
    assert s.last_engine == "pyttsx3"
    assert any("piper-tts" in r.getMessage() for r in caplog.records)


def test_system_voice_is_used_when_chosen(fresh_worker: None) -> None:
    s = Speaker(voice="gmw/en-us")
    s.synthesize("What is a model registry?")
    assert s.last_engine == "pyttsx3"
    assert speaker_mod._WORKER is None  # no natural-voice process was started for it


def test_english_system_voices_by_default() -> None:
    voices = Speaker().voices(all_languages=False)
    assert voices[0].id == NATURAL
    assert all(speaker_mod.is_english_voice(v) for v in voices)
    assert len(Speaker().voices()) > len(voices)


@pytest.mark.slow
def test_stop_during_synthesis_cancels_playback(
    fresh_worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    synthesising = threading.Event()
    real = speaker_mod._NaturalWorker.synthesize

    def spy(self: speaker_mod._NaturalWorker, *args: object, **kwargs: object) -> None:
        synthesising.set()
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(speaker_mod._NaturalWorker, "synthesize", spy)
    s = Speaker(sd_module=object())  # playback would fail loudly if it were reached
    result: list[Path] = []
    thread = threading.Thread(
        target=lambda: result.append(s.say("Describe a shadow deployment in detail."))
    )
    thread.start()
    assert synthesising.wait(60)
    s.stop()
    thread.join(120)
    assert not thread.is_alive()
    assert result  # say() returned normally, without playing
    assert s.last_engine == NATURAL
    assert not s.started.is_set()


@pytest.mark.slow
def test_a_killed_voice_process_is_restarted(fresh_worker: None) -> None:
    s = Speaker()
    s.synthesize("What is a model registry?")
    worker = speaker_mod._natural_worker()
    first = worker._proc
    assert first is not None
    first.kill()
    first.wait(10)
    s.synthesize("What is a feature store?")
    assert s.last_engine == NATURAL
    assert worker._proc is not None
    assert worker._proc.pid != first.pid
