"""`viva say TEXT --voice natural|system --out WAV` and `viva say --list-voices`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from viva.cli import main
from viva.speech import speaker as speaker_mod

TEXT = "What is the difference between data drift and concept drift?"


@pytest.fixture(autouse=True)
def _fresh_engine_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(speaker_mod, "_BROKEN", {})
    monkeypatch.setattr(speaker_mod, "_VOICES_CACHE", None)
    monkeypatch.setattr(speaker_mod, "_WORKER", None)
    yield
    speaker_mod.close_natural_voice()


def _check_speech(path: Path, rate: int) -> float:
    data, found_rate = sf.read(str(path), dtype="float32")
    assert found_rate == rate
    assert data.ndim == 1
    assert float(np.sqrt(np.mean(data**2))) > 0.02  # not silent
    return len(data) / found_rate


@pytest.mark.slow
def test_say_natural_writes_a_22khz_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "natural.wav"
    assert main(["say", TEXT, "--voice", "natural", "--out", str(out)]) == 0
    assert "(natural)" in capsys.readouterr().out
    # 10 words, several long ones: 2.5-7 s is a plausible reading.
    assert 2.5 < _check_speech(out, 22050) < 7.0


def test_say_system_writes_an_espeak_wav(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "system.wav"
    assert main(["say", TEXT, "--voice", "system", "--out", str(out), "--rate", "170"]) == 0
    said = capsys.readouterr().out
    assert "(pyttsx3)" in said or "(espeak-ng)" in said
    assert 2.0 < _check_speech(out, sf.info(str(out)).samplerate) < 8.0


def test_say_natural_fails_clearly_without_piper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(speaker_mod.DISABLE_ENV, "1")
    out = tmp_path / "none.wav"
    assert main(["say", TEXT, "--voice", "natural", "--out", str(out)]) == 1
    assert "viva: error:" in capsys.readouterr().err
    assert not out.exists()


def test_list_voices_natural_first_then_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "--list-voices"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows[0][0] == "natural"
    assert len(rows) > 2
    assert all(r[2].startswith("en") for r in rows)
    assert main(["say", "--list-voices", "--all-languages"]) == 0
    assert len(capsys.readouterr().out.splitlines()) > len(rows)


def test_say_needs_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say"]) == 2
    assert "TEXT" in capsys.readouterr().err
