"""What the live path needs of a transcriber, as a Protocol (so it does not import Whisper's)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from viva.speech.guard import VoiceMap
from viva.speech.transcript import Transcript


class Decoder(Protocol):
    """What the live path needs of a transcriber (``speech.transcriber.Transcriber`` is one)."""

    language: str | None

    def load(self) -> Any: ...

    def decode(
        self,
        samples: np.ndarray,
        *,
        offset_s: float = 0.0,
        hotwords: str | None = None,
        prompt: str | None = None,
        beam_size: int | None = None,
        word_timestamps: bool = True,
        temperature: float | tuple[float, ...] = 0.0,
        voice: VoiceMap | None = None,
    ) -> Transcript: ...
