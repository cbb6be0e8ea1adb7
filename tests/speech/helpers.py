"""Shared helpers for the speech tests."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(ref), normalise(hyp)))


def espeak_wav(text: str, path: Path, *, voice: str = "en-us", speed: int = 150) -> Path:
    """Synthesise ``text`` to a 16 kHz mono WAV (espeak-ng, then sox)."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
    subprocess.run(
        ["sox", "-R", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True
    )
    raw.unlink()
    return path


def rms_of(path: Path) -> float:
    data, _ = sf.read(str(path), dtype="float32")
    return float(np.sqrt(np.mean(np.square(data)))) if data.size else 0.0


def insertions(ref: str, hyp: str) -> list[str]:
    """Words of ``hyp`` that align to nothing in ``ref``: words nobody said."""
    import jiwer

    out = jiwer.process_words(normalise(ref), normalise(hyp))
    hyp_words = out.hypotheses[0]
    return [
        " ".join(hyp_words[c.hyp_start_idx : c.hyp_end_idx])
        for c in out.alignments[0]
        if c.type == "insert"
    ]


def repeats(text: str) -> list[str]:
    """Words said twice in a row (a chunk border decoded twice)."""
    words = normalise(text).split()
    return [a for a, b in zip(words, words[1:], strict=False) if a == b]


def key_words_missing(text: str, keys: tuple[str, ...]) -> list[str]:
    words = set(normalise(text).split())
    return [k for k in keys if k not in words]


def invented(ref: str, hyp: str) -> list[str]:
    """Inserted phrases that are known Whisper hallucinations ("Thank you.", "Yeah.")."""
    from viva.speech.guard import is_known_hallucination

    return [i for i in insertions(ref, hyp) if is_known_hallucination(i)]
