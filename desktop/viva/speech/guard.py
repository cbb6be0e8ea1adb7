"""Faithfulness guard: keep only words that have voice behind them.

Whisper (tiny.en above all) invents text where there is no speech: "Thank you." after the last
sentence, "Yeah." in the short stretch left after a chunk's last timestamp, a prompt echoed on a
breath. Those segments come from a decoder that was shown silence (or almost). The guard checks
every decoded segment against Silero VAD probabilities of the same audio:

* a segment none of whose words has a speech window within ``PAD_S`` of it is dropped;
* a segment Whisper itself thinks is probably not speech (``no_speech_prob``) whose time span is
  mostly non-speech by VAD is dropped;
* a segment that is one of the known hallucinations ("Thank you.", "Yeah.", "Thanks for
  watching") is dropped unless VAD backs it (most of its span is speech and Whisper's no-speech
  probability is low) - so a real "thank you" stays;
* words at a segment's edges with no speech window within ``PAD_S`` are trimmed;
* words at a segment's end that Whisper itself gives a probability under ``TAIL_MIN_PROB`` are
  trimmed: a decoder that runs past the last word writes one more on the speaker's breath or the
  tail of the last word (a vocabulary term read back: "... double the infrastructure. 2%." at
  probability 0.002; "here,"), and VAD's padding counts that stretch as voice.

The checks only need word timestamps and per-window speech probabilities; they are the same for
batch decoding, live commits and file review.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from viva.speech.audio import SAMPLE_RATE
from viva.speech.transcript import Word

log = logging.getLogger(__name__)

WINDOW = 512  # Silero VAD window at 16 kHz (32 ms)
WINDOW_S = WINDOW / SAMPLE_RATE

#: Speech probability at or above which a VAD window counts as voice.
THRESHOLD = 0.5
#: A word counts as voiced when a speech window lies within this distance of its time span
#: (Whisper's word times are often off by a few windows, mostly at segment edges).
PAD_S = 0.2
#: Whisper's no-speech probability above which a segment needs VAD support to stay.
NO_SPEECH_PROB = 0.5
#: A segment's share of speech windows below which it counts as unsupported by voice.
MIN_COVERAGE = 0.5

#: Words at a segment's end with a lower probability (Whisper's own) are dropped. Real words of
#: tiny.en are rarely under 0.05 ("the" at 0.34 is common); an appended one was at 0.002.
TAIL_MIN_PROB = 0.02

#: Known Whisper hallucinations on silence and chunk borders (normalised text). Dropped only
#: where no voice backs them.
KNOWN_HALLUCINATIONS = frozenset(
    {
        "thank you",
        "thank you very much",
        "thank you so much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "thanks for listening",
        "thank you for listening",
        "please subscribe",
        "subscribe to my channel",
        "yeah",
        "you",
        "bye",
        "bye bye",
        "okay",
        "oh",
        "so",
        "hmm",
        "the end",
    }
)


def normalise(text: str) -> str:
    """Lower case, no punctuation, single spaces (for comparing short phrases)."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


def is_known_hallucination(text: str) -> bool:
    """The text is one of (or a repetition of) the known hallucination phrases."""
    norm = normalise(text)
    if not norm:
        return False
    if norm in KNOWN_HALLUCINATIONS:
        return True
    # "Thank you. Thank you." / "Bye. Bye. Bye."
    parts = [normalise(p) for p in re.split(r"[.!?,]+", text) if p.strip()]
    return bool(parts) and all(p in KNOWN_HALLUCINATIONS for p in parts)


@dataclass(frozen=True, slots=True)
class VoiceMap:
    """Silero speech probabilities, one per 512-sample window, from ``start_s`` on."""

    probs: np.ndarray
    start_s: float = 0.0
    threshold: float = THRESHOLD

    @classmethod
    def of(cls, samples: np.ndarray, start_s: float = 0.0) -> VoiceMap:
        """One VAD pass over 16 kHz float32 samples (a partial last window is padded)."""
        from faster_whisper.vad import get_vad_model

        n = (len(samples) + WINDOW - 1) // WINDOW
        if n == 0:
            return cls(np.zeros(0, dtype=np.float32), start_s)
        padded = np.zeros(n * WINDOW, dtype=np.float32)
        padded[: len(samples)] = samples
        probs = np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)
        return cls(probs, start_s)

    def _span(self, start_s: float, end_s: float) -> np.ndarray:
        a = max(0, int(np.floor((start_s - self.start_s) / WINDOW_S)))
        b = min(len(self.probs), int(np.ceil((end_s - self.start_s) / WINDOW_S)))
        if b <= a:
            return np.zeros(0, dtype=np.float32)
        return self.probs[a:b]

    def peak(self, start_s: float, end_s: float) -> float:
        """Highest speech probability between the two times (0.0 outside the map)."""
        span = self._span(start_s, end_s)
        return float(span.max()) if len(span) else 0.0

    def coverage(self, start_s: float, end_s: float) -> float:
        """Share of the windows between the two times that are speech."""
        span = self._span(start_s, end_s)
        return float(np.mean(span >= self.threshold)) if len(span) else 0.0

    def voiced(self, start_s: float, end_s: float, pad_s: float = PAD_S) -> bool:
        return self.peak(start_s - pad_s, end_s + pad_s) >= self.threshold

    def speech_s(self) -> float:
        """Seconds of speech in the map."""
        return float(np.count_nonzero(self.probs >= self.threshold)) * WINDOW_S


@dataclass(frozen=True, slots=True)
class DecodedSegment:
    """A Whisper segment with the evidence the guard looks at (times absolute, seconds)."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the guard kept of a segment (``words`` empty: dropped) and why, for the log."""

    words: tuple[Word, ...]
    reason: str = ""

    @property
    def kept(self) -> bool:
        return bool(self.words)


def check_segment(seg: DecodedSegment, voice: VoiceMap) -> Verdict:
    """The words of ``seg`` that voice backs (see the module docstring)."""
    words = seg.words
    if not words:
        # Without word timestamps only the whole span can be judged.
        if voice.coverage(seg.start, seg.end) == 0.0 and not voice.voiced(seg.start, seg.end):
            return Verdict((), "no voice in the segment")
        return Verdict((Word(seg.text, seg.start, seg.end),))
    voiced = [voice.voiced(w.start, w.end) for w in words]
    if not any(voiced):
        return Verdict((), "no voice behind any word")
    start, end = words[0].start, words[-1].end
    coverage = voice.coverage(start, end) if end > start else 0.0
    supported = coverage >= MIN_COVERAGE and seg.no_speech_prob < NO_SPEECH_PROB
    if seg.no_speech_prob >= NO_SPEECH_PROB and coverage < MIN_COVERAGE:
        return Verdict((), f"no-speech {seg.no_speech_prob:.2f}, voice {coverage:.2f}")
    if is_known_hallucination(seg.text) and not supported:
        return Verdict((), f"known hallucination, voice {coverage:.2f}")
    first = voiced.index(True)
    last = len(voiced) - 1 - voiced[::-1].index(True)
    while last >= first and words[last].probability < TAIL_MIN_PROB:
        last -= 1
    if last < first:
        return Verdict((), f"only words Whisper doubts (probability < {TAIL_MIN_PROB})")
    kept = words[first : last + 1]
    if len(kept) < len(words):
        return Verdict(kept, "trimmed unvoiced edge words")
    return Verdict(kept)


def guard_segments(
    segments: Sequence[DecodedSegment], voice: VoiceMap
) -> list[tuple[DecodedSegment, Verdict]]:
    """Check each segment; logs what was dropped."""
    out = []
    for seg in segments:
        verdict = check_segment(seg, voice)
        if verdict.reason:
            log.info(
                "guard: %s %r at %.2f-%.2f s (%s)",
                "dropped" if not verdict.kept else "kept part of",
                seg.text,
                seg.start,
                seg.end,
                verdict.reason,
            )
        out.append((seg, verdict))
    return out
