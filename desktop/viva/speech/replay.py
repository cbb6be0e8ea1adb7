"""A stand-in for the ``sounddevice`` module that "records" a WAV file.

The smoke test, the screenshots and the Stop-to-feedback benchmark run where no microphone
exists, so the recorder gets this module as ``sd_module``: its input stream calls the recorder's
callback with the file's blocks at ``speed`` times real time, exactly as PortAudio would, then
silence. Qt-free, so the CLI and the core's tests can use it too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


class PortAudioError(Exception):
    """Same role as sounddevice.PortAudioError."""


class CallbackStop(Exception):  # noqa: N818 - sounddevice's name
    pass


class CallbackAbort(Exception):  # noqa: N818 - sounddevice's name
    pass


class _Default:
    device = (0, 0)
    samplerate = None


class _InputStream:
    def __init__(self, owner: ReplaySoundDevice, **kwargs: Any) -> None:
        self.owner = owner
        self.samplerate = int(kwargs.get("samplerate") or 16000)
        self.blocksize = int(kwargs.get("blocksize") or self.samplerate // 10)
        self.callback: Callable[..., None] = kwargs["callback"]
        self.finished_callback: Callable[[], None] | None = kwargs.get("finished_callback")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.owner.finished_playing.clear()
        self._thread = threading.Thread(target=self._run, name="viva-replay", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        samples = self.owner.samples_at(self.samplerate)
        t0 = time.monotonic()
        pos = 0
        speed = self.owner.speed
        try:
            while not self._stop.is_set():
                block = samples[pos : pos + self.blocksize]
                if len(block) < self.blocksize:
                    block = np.concatenate(
                        [block, np.zeros(self.blocksize - len(block), dtype=np.float32)]
                    )
                pos += self.blocksize
                due = t0 + pos / self.samplerate / speed
                delay = due - time.monotonic()
                if delay > 0 and self._stop.wait(delay):
                    break
                try:
                    self.callback(block.reshape(-1, 1), self.blocksize, None, None)
                except (CallbackStop, CallbackAbort):
                    break
                if pos >= len(samples):
                    self.owner.finished_playing.set()
        finally:
            if self.finished_callback is not None and not self._stop.is_set():
                self.finished_callback()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.finished_callback is not None:
            self.finished_callback()

    abort = stop

    def close(self) -> None:
        self._stop.set()

    def __enter__(self) -> _InputStream:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        self.close()


class ReplaySoundDevice:
    """Module-like object: one input device whose sound is ``path``; no output device."""

    PortAudioError = PortAudioError
    CallbackStop = CallbackStop
    CallbackAbort = CallbackAbort

    def __init__(self, path: Path, *, speed: float = 1.0) -> None:
        import soundfile as sf

        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        self.path = path
        self.rate = int(rate)
        self.samples = np.ascontiguousarray(data.mean(axis=1), dtype=np.float32)
        self.speed = speed
        self.default = _Default()
        self.finished_playing = threading.Event()

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate

    def samples_at(self, rate: int) -> np.ndarray:
        if rate == self.rate:
            return self.samples
        from viva.speech.audio import resample

        return resample(self.samples, self.rate, rate)

    def query_devices(self, device: Any = None, kind: str | None = None) -> Any:
        info = {
            "name": f"replay of {self.path.name}",
            "index": 0,
            "hostapi": 0,
            "max_input_channels": 1,
            "max_output_channels": 0,
            "default_samplerate": float(self.rate),
        }
        if device is not None or kind is not None:
            return info
        return [info]

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [{"name": "replay"}]

    def check_input_settings(self, **_kwargs: Any) -> None:
        return None

    def check_output_settings(self, **_kwargs: Any) -> None:
        raise PortAudioError("the replay device has no output")

    def InputStream(self, **kwargs: Any) -> _InputStream:  # noqa: N802 - sounddevice's name
        return _InputStream(self, **kwargs)

    def OutputStream(self, **_kwargs: Any) -> Any:  # noqa: N802 - sounddevice's name
        raise PortAudioError("the replay device has no output")
