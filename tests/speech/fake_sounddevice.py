"""A stand-in for the ``sounddevice`` module: replays a file through the InputStream callback.

Used for what cannot happen on the test machine (a device that vanishes mid-answer, a device that
only captures at 48 kHz, no devices at all). Real capture is tested through the virtual mic.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf


class PortAudioError(Exception):
    pass


class CallbackStop(Exception):  # noqa: N818 - same name as sounddevice's
    pass


class CallbackAbort(Exception):  # noqa: N818
    pass


class _Default:
    def __init__(self, device: list[int]) -> None:
        self.device = device


class FakeSoundDevice:
    """Module-like object. ``audio`` is replayed (as fast as the consumer takes it)."""

    PortAudioError = PortAudioError
    CallbackStop = CallbackStop
    CallbackAbort = CallbackAbort

    def __init__(
        self,
        audio: Path | np.ndarray | None = None,
        *,
        rates: tuple[int, ...] = (16000, 44100, 48000),
        device_rate: int = 48000,
        devices: bool = True,
        vanish_after_s: float | None = None,
        open_error: str | None = None,
        realtime: bool = False,
    ) -> None:
        if isinstance(audio, Path):
            data, rate = sf.read(str(audio), dtype="float32", always_2d=True)
            self.audio, self.audio_rate = data[:, 0], rate
        else:
            self.audio = audio if audio is not None else np.zeros(16000, dtype=np.float32)
            self.audio_rate = 16000
        self.rates = rates
        self.device_rate = device_rate
        self.has_devices = devices
        self.vanish_after_s = vanish_after_s
        self.open_error = open_error
        self.realtime = realtime
        self.default = _Default([0, 1] if devices else [-1, -1])
        self.streams: list[FakeInputStream] = []
        self.rescans = 0

    def query_devices(self) -> list[dict[str, Any]]:
        if not self.has_devices:
            return []
        return [
            {
                "index": 0,
                "name": "Fake USB Mic",
                "hostapi": 0,
                "max_input_channels": 1,
                "max_output_channels": 0,
                "default_samplerate": float(self.device_rate),
            },
            {
                "index": 1,
                "name": "Fake Speaker",
                "hostapi": 0,
                "max_input_channels": 0,
                "max_output_channels": 2,
                "default_samplerate": float(self.device_rate),
            },
        ]

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [{"name": "Fake"}]

    def _terminate(self) -> None:
        self.rescans += 1

    def _initialize(self) -> None:
        pass

    def check_input_settings(
        self, device: int | None = None, samplerate: float | None = None, **_: Any
    ) -> None:
        if samplerate not in self.rates:
            raise PortAudioError(f"Invalid sample rate {samplerate}")

    def InputStream(self, **kwargs: Any) -> FakeInputStream:  # noqa: N802 - module API name
        if self.open_error:
            raise PortAudioError(self.open_error)
        stream = FakeInputStream(self, **kwargs)
        self.streams.append(stream)
        return stream


class FakeInputStream:
    def __init__(
        self,
        sd: FakeSoundDevice,
        *,
        samplerate: float,
        blocksize: int,
        callback: Callable[..., None],
        finished_callback: Callable[[], None] | None = None,
        **_: Any,
    ) -> None:
        self.sd = sd
        self.samplerate = int(samplerate)
        self.blocksize = blocksize
        self.callback = callback
        self.finished_callback = finished_callback
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.vanished = threading.Event()
        self.drained = threading.Event()  # the whole file has gone through the callback
        src = sd.audio
        if sd.audio_rate != self.samplerate:
            n = int(len(src) * self.samplerate / sd.audio_rate)
            src = np.interp(
                np.arange(n) * sd.audio_rate / self.samplerate, np.arange(len(src)), src
            ).astype(np.float32)
        self.data = src

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        pos = 0
        limit = len(self.data)
        if self.sd.vanish_after_s is not None:
            limit = min(limit, int(self.sd.vanish_after_s * self.samplerate))
        while not self._stop.is_set():
            if pos >= limit:
                if self.sd.vanish_after_s is not None:
                    self.vanished.set()
                    if self.finished_callback:
                        self.finished_callback()
                    return
                self.drained.set()
                # silence after the file, at real-time pace
                block = np.zeros((self.blocksize, 1), dtype=np.float32)
                if self._stop.wait(self.blocksize / self.samplerate):
                    return
            else:
                block = self.data[pos : pos + self.blocksize].reshape(-1, 1)
                pos += self.blocksize
            try:
                self.callback(block, len(block), None, None)
            except CallbackStop:
                return
            if self.sd.realtime:
                self._stop.wait(len(block) / self.samplerate)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.vanished.is_set():
            raise PortAudioError("Device unavailable")

    def close(self) -> None:
        self._stop.set()
