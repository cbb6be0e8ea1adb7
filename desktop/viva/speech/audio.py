"""Audio as the speech code uses it: loading files as 16 kHz mono float32, resampling, levels."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from viva.speech.errors import AudioUnreadable

log = logging.getLogger(__name__)

#: Whisper's (and the VAD's) sample rate: every path works in 16 kHz mono float32.
SAMPLE_RATE = 16000

AudioInput = str | os.PathLike[str] | np.ndarray


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Resample mono float samples by linear interpolation (fine for speech into Whisper).

    Block-wise use introduces no gaps: callers keep their own phase via :class:`StreamResampler`.
    """
    if rate_in == rate_out or len(samples) == 0:
        return np.asarray(samples, dtype=np.float32)
    n_out = int(round(len(samples) * rate_out / rate_in))
    x_out = np.arange(n_out, dtype=np.float64) * (rate_in / rate_out)
    out: np.ndarray = np.interp(x_out, np.arange(len(samples)), samples).astype(np.float32)
    return out


class StreamResampler:
    """Linear-interpolation resampler for a stream of blocks (keeps phase across blocks)."""

    def __init__(self, rate_in: int, rate_out: int) -> None:
        self.rate_in = rate_in
        self.rate_out = rate_out
        self._step = rate_in / rate_out
        self._pos = 0.0  # position of the next output sample, in input samples from _prev start
        self._prev = np.zeros(0, dtype=np.float32)

    def process(self, block: np.ndarray) -> np.ndarray:
        if self.rate_in == self.rate_out:
            return np.asarray(block, dtype=np.float32)
        buf = np.concatenate([self._prev, np.asarray(block, dtype=np.float32)])
        if len(buf) < 2:
            self._prev = buf
            return np.zeros(0, dtype=np.float32)
        last = len(buf) - 1  # interpolation needs x <= last
        n_out = int(np.floor((last - self._pos) / self._step)) + 1 if self._pos <= last else 0
        x = self._pos + np.arange(n_out) * self._step
        out: np.ndarray = np.interp(x, np.arange(len(buf)), buf).astype(np.float32)
        self._pos += n_out * self._step
        keep_from = min(int(np.floor(self._pos)), len(buf))
        self._prev = buf[keep_from:]
        self._pos -= keep_from
        return out


def rms(block: np.ndarray) -> float:
    """Root mean square of a block (0..1 for float audio)."""
    if block.size == 0:
        return 0.0
    b = np.asarray(block, dtype=np.float32)
    return float(np.sqrt(np.mean(np.square(b))))


def to_mono(block: np.ndarray) -> np.ndarray:
    """(frames, channels) or (frames,) → (frames,) float32."""
    b = np.asarray(block, dtype=np.float32)
    if b.ndim == 2:
        b = b[:, 0] if b.shape[1] == 1 else b.mean(axis=1)
    return b


def _check_path(path: Path) -> None:
    """What can be told of an audio file without decoding it: a folder, missing or empty."""
    if path.is_dir():
        raise AudioUnreadable(f"{path} is a folder, not an audio file.", detail=str(path))
    if not path.is_file():
        raise AudioUnreadable(f"The audio file {path} does not exist.", detail=str(path))
    if path.stat().st_size == 0:
        raise AudioUnreadable(
            f"{path.name} is empty (0 bytes): it holds no recording. Choose another file.",
            detail=str(path),
        )


def _unreadable(path: Path, problem: str, detail: str) -> AudioUnreadable:
    """The one message for a file neither soundfile nor PyAV can use."""
    return AudioUnreadable(
        f"Could not read {path.name}: {problem}. Use a WAV, FLAC, MP3 or OGG file.",
        detail=detail,
    )


_NOT_UNDERSTOOD = "it is not an audio file Viva understands"


def check_audio_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`AudioUnreadable` for a file that is clearly no audio, without decoding it
    (a few milliseconds: the header, or PyAV's probe of the container), so that a dialog can
    say so before asking anything else about the file."""
    path = Path(path)
    _check_path(path)
    try:
        import soundfile as sf

        sf.info(str(path))
        return
    except (RuntimeError, ValueError, TypeError):  # not a format libsndfile knows
        pass
    try:
        import av

        with av.open(str(path)) as container:
            if container.streams.audio:
                return
        problem = "it has no audio track"
    except Exception as exc:  # noqa: BLE001 - PyAV raises many unrelated types; all mean "unreadable"
        problem = f"{_NOT_UNDERSTOOD} ({type(exc).__name__})"
    raise _unreadable(path, problem, str(path))


def load_audio(audio: AudioInput) -> np.ndarray:
    """Decode a file (anything soundfile or PyAV reads) or check an array: float32 16 kHz mono."""
    if isinstance(audio, np.ndarray):
        arr = np.asarray(audio, dtype=np.float32)
        if arr.ndim == 2:
            arr = arr.mean(axis=1) if arr.shape[1] <= 8 else arr.mean(axis=0)
        if arr.ndim != 1:
            raise AudioUnreadable("The audio must be mono samples.", detail=f"shape {audio.shape}")
        if not np.all(np.isfinite(arr)):
            raise AudioUnreadable("The audio contains invalid samples.", detail="NaN or inf")
        return np.ascontiguousarray(arr)
    path = Path(audio)
    _check_path(path)
    try:
        import soundfile as sf

        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        mono = data.mean(axis=1)
        if rate != SAMPLE_RATE:
            mono = resample(mono, rate, SAMPLE_RATE)
        return np.ascontiguousarray(mono, dtype=np.float32)
    except (RuntimeError, ValueError, TypeError) as exc:  # soundfile.LibsndfileError: RuntimeError
        log.debug("soundfile could not read %s (%s); trying PyAV", path, exc)
    try:
        from faster_whisper.audio import decode_audio

        return np.ascontiguousarray(decode_audio(str(path), sampling_rate=SAMPLE_RATE))
    except Exception as exc:  # noqa: BLE001 - PyAV raises many unrelated types; all mean "unreadable"
        raise _unreadable(path, _NOT_UNDERSTOOD, f"{type(exc).__name__}: {exc}") from exc
