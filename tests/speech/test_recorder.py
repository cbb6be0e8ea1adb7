from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from viva.speech.errors import DeviceBusy, DeviceLost, MicrophoneUnavailable, SpeechError
from viva.speech.recorder import Recorder, repair_unfinished
from viva.storage.paths import recordings_dir

from .fake_sounddevice import FakeSoundDevice


def test_replays_a_file_through_the_callback_and_resamples(jfk_wav: Path) -> None:
    fake = FakeSoundDevice(jfk_wav, rates=(48000,), device_rate=48000)
    chunks: list[np.ndarray] = []
    levels: list[float] = []
    rec = Recorder(sd_module=fake, on_chunk=chunks.append, on_level=levels.append)
    path = rec.start()
    assert rec.stream_samplerate == 48000  # 16 kHz refused: device default + resampling
    assert path.parent == recordings_dir()
    assert path.with_name(path.name + ".partial").exists()  # unfinished until stop
    assert fake.streams[0].drained.wait(10)
    recording = rec.stop()
    assert not path.with_name(path.name + ".partial").exists()
    data, rate = sf.read(str(path), dtype="float32")
    assert rate == 16000
    assert recording.duration_s >= 11.0
    assert sum(len(c) for c in chunks) == len(data)
    ref, _ = sf.read(str(jfk_wav), dtype="float32")
    corr = np.corrcoef(ref[16000:160000], data[16000:160000])[0, 1]
    assert corr > 0.95
    assert max(levels) > 0.01
    assert rec.levels.qsize() == 1


def test_no_device_is_a_clear_error() -> None:
    fake = FakeSoundDevice(devices=False)
    with pytest.raises(MicrophoneUnavailable) as info:
        Recorder(sd_module=fake).start()
    assert info.value.user_message.startswith("No microphone found.")
    assert fake.rescans == 1  # PortAudio was asked to look again
    assert list(recordings_dir().iterdir()) == []


def test_unknown_device_name_lists_the_choices() -> None:
    with pytest.raises(MicrophoneUnavailable) as info:
        Recorder("Blue Yeti", sd_module=FakeSoundDevice()).start()
    assert "Fake USB Mic" in info.value.user_message


def test_busy_device() -> None:
    fake = FakeSoundDevice(open_error="Device unavailable [PaErrorCode -9985]")
    with pytest.raises(DeviceBusy) as info:
        Recorder("fake usb", sd_module=fake).start()
    assert "another program" in info.value.user_message
    assert list(recordings_dir().iterdir()) == []


def test_device_vanishing_keeps_the_audio(jfk_wav: Path) -> None:
    fake = FakeSoundDevice(jfk_wav, vanish_after_s=2.0)
    errors: list[SpeechError] = []
    rec = Recorder(sd_module=fake, on_error=errors.append)
    path = rec.start()
    assert rec.wait(10)  # ends by itself
    with pytest.raises(DeviceLost) as info:
        rec.stop()
    assert isinstance(errors[0], DeviceLost)
    kept = info.value.recording
    assert kept is not None
    assert kept.path == path
    assert kept.interrupted
    assert kept.duration_s == pytest.approx(2.0, abs=0.11)
    assert "kept" in info.value.user_message
    assert sf.info(str(path)).duration == pytest.approx(kept.duration_s, abs=0.01)
    assert repair_unfinished(path.parent) == []  # the header is already final


def test_length_cap(jfk_wav: Path) -> None:
    rec = Recorder(sd_module=FakeSoundDevice(jfk_wav), max_seconds=1.5)
    rec.start()
    assert rec.wait(10)
    recording = rec.stop()
    assert recording.capped
    assert recording.duration_s == pytest.approx(1.5, abs=0.001)


def test_repair_fixes_a_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "answer.wav"
    sf.write(str(path), np.full(32000, 0.1, dtype=np.float32), 16000, subtype="PCM_16")
    raw = bytearray(path.read_bytes())
    raw[4:8] = (36).to_bytes(4, "little")
    raw[40:44] = (0).to_bytes(4, "little")  # as left by a crash before the header update
    path.write_bytes(bytes(raw))
    path.with_name(path.name + ".partial").write_text(json.dumps({"pid": 999999999}))
    repaired = repair_unfinished(tmp_path)
    assert [r.path.name for r in repaired] == ["answer.wav"]
    assert repaired[0].duration_s == pytest.approx(2.0)
    assert repaired[0].interrupted
    assert sf.info(str(path)).frames == 32000
    assert repair_unfinished(tmp_path) == []


CHILD = r"""
import sys, time
from pathlib import Path
from viva.speech.recorder import Recorder
rec = Recorder(on_chunk=None)
rec.on_level = lambda level: print(f"{time.monotonic():.3f} {rec.duration_s:.3f}", flush=True)
rec.start(Path(sys.argv[1]))
time.sleep(60)
"""


@pytest.mark.slow
@pytest.mark.audio
def test_kill_9_loses_at_most_about_a_second(
    tmp_path: Path, jfk_wav: Path, speak_into_mic: Callable[..., Any]
) -> None:
    out = tmp_path / "rec" / "answer.wav"
    speaker = speak_into_mic(file=jfk_wav)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out)],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert child.stdout is not None
    last_wall, last_dur = 0.0, 0.0
    for line in child.stdout:  # one line per 0.1 s block written
        last_wall, last_dur = map(float, line.split())
        if last_dur >= 3.5:
            break
    child.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    child.wait(timeout=10)
    speaker.terminate()
    recorded_at_kill = last_dur + (killed_at - last_wall)
    assert out.with_name(out.name + ".partial").exists()
    repaired = repair_unfinished(out.parent)
    assert [r.path for r in repaired] == [out.resolve()]
    assert repaired[0].duration_s >= recorded_at_kill - 1.2, (repaired, recorded_at_kill)
    data, rate = sf.read(str(out), dtype="float32")
    assert rate == 16000
    assert len(data) / rate == pytest.approx(repaired[0].duration_s, abs=0.01)
    assert float(np.abs(data).max()) > 0.05  # it holds the speech, not only silence


@pytest.mark.audio
def test_record_from_the_virtual_microphone(speak_into_mic: Callable[..., Any]) -> None:
    rec = Recorder(max_seconds=2.5)
    rec.start()
    speaker = speak_into_mic("testing the microphone", delay=0.2)
    assert rec.wait(10)
    recording = rec.stop()
    speaker.wait(timeout=10)
    assert recording.duration_s == pytest.approx(2.5, abs=0.01)
    data, _ = sf.read(str(recording.path), dtype="float32")
    assert float(np.abs(data).max()) > 0.05


def _wav_bytes(seconds: float = 1.0) -> bytes:
    import io

    buf = io.BytesIO()
    sf.write(
        buf,
        np.full(int(16000 * seconds), 0.1, dtype=np.float32),
        16000,
        format="WAV",
        subtype="PCM_16",
    )
    return buf.getvalue()


def test_repair_reports_a_cut_header_and_repairs_the_rest(tmp_path: Path) -> None:
    good = bytearray(_wav_bytes(1.0))
    good[40:44] = (0).to_bytes(4, "little")  # data size never written: a crash
    (tmp_path / "a-good.wav").write_bytes(bytes(good))
    (tmp_path / "a-good.wav.partial").write_text(json.dumps({"pid": 999999999}))
    cut = _wav_bytes(1.0)[:28]  # the fmt chunk is cut short (struct.error before the fix)
    (tmp_path / "b-cut.wav").write_bytes(cut)
    (tmp_path / "b-cut.wav.partial").write_text(json.dumps({"pid": 999999999}))
    (tmp_path / "c-noise.wav").write_bytes(b"not audio at all" * 400)  # no sidecar, not a WAV
    later = bytearray(_wav_bytes(0.5))
    later[40:44] = (0).to_bytes(4, "little")
    (tmp_path / "d-later.wav").write_bytes(bytes(later))

    results = {r.path.name: r for r in repair_unfinished(tmp_path)}

    assert set(results) == {"a-good.wav", "b-cut.wav", "c-noise.wav", "d-later.wav"}
    assert results["a-good.wav"].repaired
    assert results["a-good.wav"].duration_s == pytest.approx(1.0)
    assert results["d-later.wav"].duration_s == pytest.approx(0.5)
    assert sf.info(str(tmp_path / "d-later.wav")).frames == 8000
    for name in ("b-cut.wav", "c-noise.wav"):
        bad = results[name]
        assert not bad.repaired
        assert bad.problem is not None
        assert name in bad.problem
        assert "kept" in bad.problem
    assert "cut short" in (results["b-cut.wav"].problem or "")
    # Never deleted or changed; the sidecar stays, so the next start reports it again.
    assert (tmp_path / "b-cut.wav").read_bytes() == cut
    assert (tmp_path / "b-cut.wav.partial").exists()
    assert (tmp_path / "c-noise.wav").stat().st_size == 16 * 400
    again = repair_unfinished(tmp_path)
    assert sorted(r.path.name for r in again) == ["b-cut.wav", "c-noise.wav"]
