from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from viva.cli import main
from viva.speech import devices as devices_mod

from .helpers import rms_of, wer

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)


@pytest.mark.slow
def test_transcribe_json(jfk_wav: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["transcribe", str(jfk_wav), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert wer(JFK_TEXT, data["text"]) <= 0.1  # margin: int8 decodes differ between CPUs
    assert data["duration_s"] == pytest.approx(11.0, abs=0.01)
    assert {"word", "start", "end", "probability"} == set(data["words"][0])
    assert data["segments"]


@pytest.mark.slow
def test_transcribe_shows_progress_on_a_terminal_only(
    jfk_wav: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal sees the model load and the transcription progress on one line of stderr;
    a pipe (capsys) sees nothing but the transcript."""
    assert main(["transcribe", str(jfk_wav)]) == 0
    piped = capsys.readouterr()
    assert "country" in piped.out
    assert "Transcribing" not in piped.err
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert main(["transcribe", str(jfk_wav)]) == 0
    shown = capsys.readouterr().err.split("\r\033[K")
    assert "Loading the speech model…" in shown
    assert "Transcribing 11 s of audio: 100%" in shown
    assert shown[-1] == ""  # the line is cleared before the transcript is printed


def test_transcribe_stream_prints_partial_lines(
    jfk_wav: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["transcribe", str(jfk_wav), "--stream"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("✓") for line in lines)
    assert wer(JFK_TEXT, lines[-1]) <= 0.25


def test_transcribe_unreadable_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("hello")
    assert main(["transcribe", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "notes.wav" in err
    assert "viva: error:" in err


def test_say_out_writes_a_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "q.wav"
    assert main(["say", "What is model drift?", "--out", str(out), "--rate", "170"]) == 0
    assert sf.info(str(out)).duration > 0.5
    assert rms_of(out) > 0.01


def test_devices_lists_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["devices"]) == 0
    out = capsys.readouterr().out
    assert "Inputs:" in out
    assert "Outputs:" in out


def test_devices_without_any(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        devices_mod, "list_devices", lambda *a, **k: devices_mod.DeviceList(inputs=(), outputs=())
    )
    assert main(["devices"]) == 0
    assert "No microphone found." in capsys.readouterr().out


@pytest.mark.audio
def test_record_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.wav"
    assert main(["record", str(out), "--seconds", "1"]) == 0
    assert sf.info(str(out)).duration == pytest.approx(1.0, abs=0.01)
