"""A recording on disk, as a plain value (shared by the recorder and its errors)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Recording:
    """A finished (or interrupted) recording on disk."""

    path: Path
    duration_s: float
    samplerate: int = 16000
    device: str | None = None
    capped: bool = False
    interrupted: bool = False
    overflows: int = 0
