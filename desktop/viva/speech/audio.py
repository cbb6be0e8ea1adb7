"""Small numpy helpers for audio blocks: resampling, level, conversions."""

from __future__ import annotations

import numpy as np


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
