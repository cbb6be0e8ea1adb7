"""The recording worker: Stop hands the tail to the transcriber before the device has drained."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from viva.speech.live import LiveTranscriber
from viva.speech.recorder import Recorder
from viva.speech.replay import ReplaySoundDevice
from viva.speech.transcriber import Transcriber
from viva.ui.workers import RecordingResult, RecordingWorker


class _Spy(LiveTranscriber):
    """The real live transcriber; notes when Stop was announced and when finish() began."""

    announced_at: float | None = None
    finish_at: float | None = None

    def announce_finish(self) -> None:
        if self.announced_at is None:
            self.announced_at = time.monotonic()
        super().announce_finish()

    def finish(self, timeout: float | None = 120.0) -> Any:
        self.finish_at = time.monotonic()
        return super().finish(timeout)


@pytest.mark.slow
def test_stop_announces_the_tail_before_the_recorder_has_finished(
    qtbot: Any, jfk_wav: Path, tmp_path: Path, model_path: Path
) -> None:
    transcriber = Transcriber(str(model_path))
    replay = ReplaySoundDevice(jfk_wav, speed=4.0)
    lives: list[_Spy] = []
    stopped_at: list[float] = []

    class _Recorder(Recorder):
        def stop(self) -> Any:
            stopped_at.append(time.monotonic())
            return super().stop()

    def make_live(on_partial: Any, on_commit: Any) -> _Spy:
        live = _Spy(transcriber, on_partial=on_partial, on_commit=on_commit)
        lives.append(live)
        return live

    worker = RecordingWorker(
        lambda on_chunk: _Recorder(sd_module=replay, on_chunk=on_chunk),
        make_live,
        tmp_path / "answer.wav",
    )
    results: list[RecordingResult] = []
    failures: list[str] = []
    worker.recorded.connect(results.append)
    worker.failed.connect(failures.append)
    thread = threading.Thread(target=worker.run)
    thread.start()
    assert replay.finished_playing.wait(60)
    worker.stop()
    qtbot.waitUntil(lambda: bool(results or failures), timeout=120_000)  # queued signals
    thread.join(10)
    assert not thread.is_alive()
    assert failures == []
    (live,) = lives
    assert live.announced_at is not None
    assert live.finish_at is not None
    assert live.announced_at <= stopped_at[0] <= live.finish_at
    (result,) = results
    assert result.path.exists()
    assert result.duration_s > 0
    assert result.transcript is not None
    words = set(result.transcript.text.lower().replace(",", " ").replace(".", " ").split())
    assert {"americans", "country"} <= words, result.transcript.text
    assert np.isfinite(result.stop_to_transcript_s)


def test_the_recording_thread_has_exited_when_it_says_finished(qtbot: Any, tmp_path: Path) -> None:
    """``RecordingThread.finished`` comes after the QThread has exited, so deleting it never
    waits for a thread that needs the GIL (the smoke test once hung there: ~QThread waiting on
    the GUI thread, which held the GIL, for the worker's deletion, which needed it)."""
    from PySide6.QtCore import Qt

    from viva.ui.workers import RecordingThread

    class _Failing:
        """A recorder that cannot start: the worker fails at once and finishes."""

        def __init__(self, on_chunk: Any) -> None:
            raise RuntimeError("no device")

    for _ in range(3):
        worker = RecordingWorker(_Failing, None, tmp_path / "answer.wav")
        thread = RecordingThread(worker)
        # After QThread.finished the thread still has work to do (deleting its objects, some
        # with Python wrappers); make that take a while, with Python code in it, as on a busy
        # machine.
        thread._thread.finished.connect(lambda: time.sleep(0.3), Qt.ConnectionType.DirectConnection)
        exited: list[bool] = []
        thread.finished.connect(lambda t=thread, e=exited: e.append(t._thread.wait(0)))
        with qtbot.waitSignal(thread.finished, timeout=10_000):
            thread.start()
        assert exited == [True]
