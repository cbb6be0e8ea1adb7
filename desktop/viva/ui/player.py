"""Playback of a recorded answer with a position that drives the transcript's word highlight.

The file is decoded on a worker; PortAudio's callback copies the next block from the decoded
samples (nothing else); a GUI timer publishes the position while playing.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from viva.ui.errors import user_message
from viva.ui.workers import JobRunner

log = logging.getLogger(__name__)


def _decode(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return np.ascontiguousarray(data.mean(axis=1), dtype=np.float32), int(rate)


class AudioPlayer(QObject):
    """Load, play, pause and seek one file. ``position_changed(seconds)`` while playing."""

    loaded = Signal(float)  # duration in seconds
    position_changed = Signal(float)
    playing_changed = Signal(bool)
    failed = Signal(str)

    def __init__(
        self,
        jobs: JobRunner,
        *,
        sd_module: Any = None,
        device: Any = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.jobs = jobs
        self._sd_module = sd_module
        self.device = device
        self._samples = np.zeros(0, dtype=np.float32)
        self._rate = 16000
        self._pos = 0
        self._stream: Any = None
        self._ended = False
        self._path: Path | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(40)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def duration_s(self) -> float:
        return len(self._samples) / self._rate if self._rate else 0.0

    @property
    def position_s(self) -> float:
        return self._pos / self._rate if self._rate else 0.0

    @property
    def playing(self) -> bool:
        return self._stream is not None

    @property
    def path(self) -> Path | None:
        return self._path

    def load(self, path: Path | None) -> None:
        self.stop()
        self._samples = np.zeros(0, dtype=np.float32)
        self._pos = 0
        self._path = path
        if path is None:
            return
        self.jobs.start(
            "decode-audio",
            lambda _p, _t: _decode(path),
            on_success=partial(self._on_decoded, path),
            on_error=self.failed.emit,
        )

    def _on_decoded(self, path: Path, result: tuple[np.ndarray, int]) -> None:
        if path != self._path:
            return
        self._samples, self._rate = result
        self._pos = 0
        self.loaded.emit(self.duration_s)

    def _sd(self) -> Any:
        if self._sd_module is None:
            import sounddevice

            self._sd_module = sounddevice
        return self._sd_module

    @Slot()
    def toggle(self) -> None:
        if self.playing:
            self.pause()
        else:
            self.play()

    @Slot()
    def play(self) -> None:
        if self.playing or not len(self._samples):
            return
        if self._pos >= len(self._samples):
            self._pos = 0
        sd = self._sd()
        self._ended = False

        def callback(outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
            chunk = self._samples[self._pos : self._pos + frames]
            outdata[: len(chunk), 0] = chunk
            self._pos += len(chunk)
            if len(chunk) < frames:
                outdata[len(chunk) :, 0] = 0.0
                raise sd.CallbackStop

        try:
            from viva.speech.devices import find_output

            dev = find_output(self.device, sd)
            stream = sd.OutputStream(
                device=dev.index,
                samplerate=self._rate,
                channels=1,
                dtype="float32",
                callback=callback,
                finished_callback=self._on_stream_finished,
            )
            stream.start()
        except Exception as exc:  # noqa: BLE001 - PortAudioError and speech errors alike
            log.warning("playback failed: %s", exc)
            self.failed.emit(user_message(exc))
            return
        self._stream = stream
        self._timer.start()
        self.playing_changed.emit(True)

    def _on_stream_finished(self) -> None:
        # PortAudio's thread: only set a flag; the GUI timer notices it.
        self._ended = True

    @Slot()
    def pause(self) -> None:
        stream, self._stream = self._stream, None
        self._timer.stop()
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception as exc:  # noqa: BLE001 - closing a dead device must not crash
                log.warning("closing the output stream failed: %s", exc)
            self.playing_changed.emit(False)
        self.position_changed.emit(self.position_s)

    def stop(self) -> None:
        if self.playing:
            self.pause()

    def seek(self, seconds: float) -> None:
        self._pos = int(max(0.0, min(seconds, self.duration_s)) * self._rate)
        self.position_changed.emit(self.position_s)

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.position_changed.emit(self.position_s)
        if self._ended:
            self.pause()
