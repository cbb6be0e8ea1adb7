"""Timing and delivery from the words and their timestamps: pace, target, fillers, pauses.

Typed text has no timestamps: then every field that needs audio is None, never guessed; with a
known duration (``--duration``) the duration, verdict and pace over that duration are given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from viva.scoring.lexicon import FILLER_WORDS
from viva.scoring.text import tokenize_text, wordset
from viva.speech.transcript import Transcript

LONG_PAUSE_S = 1.5

#: "like" is a verb or a preposition after these words, not a filler.
_LIKE_NOT_FILLER_BEFORE = wordset("""
    would 'd i'd you'd we'd they'd i we you they feel feels felt look looks looked looking seem
    seems sound sounds something anything everything things stuff tools tool metrics systems
    frameworks platforms more much exactly just dislike don't didn't not really
    """)
#: "like" before these words introduces an example or a comparison ("like a broken join").
_LIKE_PREPOSITION_BEFORE = wordset(
    "to this that a an the these those when if how what in on with any some our their his her "
    "my your its"
)
#: After a comma, "like" is a filler before these (a pronoun, a hedge, the end), and names an
#: example before anything else.
_LIKE_FILLER_AFTER_COMMA = wordset(
    "i we you they he she it it's there so um uh really totally basically literally just and "
    "but then was is"
) | {""}
#: "kind of"/"sort of" name a kind after these words ("what kind of metrics").
_KIND_NOT_FILLER_BEFORE = wordset(
    "a an the this that what which any some every each one same different these those all "
    "no other certain"
)
#: "you know" is a plain verb when followed by these ("you know how the data changed").
_YOU_KNOW_NOT_FILLER_AFTER = wordset(
    "how what that which whether why when where if about it them exactly the"
)
_YOU_KNOW_NOT_FILLER_BEFORE = wordset("if do don't did didn't to what as")


@dataclass(frozen=True, slots=True)
class _W:
    text: str  # normalised word
    raw: str
    start: float | None
    end: float | None
    comma_after: bool
    comma_before: bool


@dataclass(frozen=True, slots=True)
class Timing:
    """Timing and delivery of one answer (the ``timing`` object of ``viva score --json``)."""

    duration_s: float | None
    speaking_s: float | None
    first_word_s: float | None
    word_count: int
    wpm: float | None
    target_seconds: tuple[int, int]
    verdict: str | None
    filler_count: int
    fillers: tuple[dict[str, Any], ...]
    long_pauses: tuple[dict[str, Any], ...]
    repetitions: tuple[dict[str, Any], ...]

    @property
    def fillers_per_100(self) -> float:
        return 100.0 * self.filler_count / self.word_count if self.word_count else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration_s": self.duration_s,
            "speaking_s": self.speaking_s,
            "first_word_s": self.first_word_s,
            "word_count": self.word_count,
            "wpm": self.wpm,
            "target_seconds": list(self.target_seconds),
            "verdict": self.verdict,
            "filler_count": self.filler_count,
            "fillers": [dict(f) for f in self.fillers],
            "long_pauses": [dict(p) for p in self.long_pauses],
            "repetitions": [dict(r) for r in self.repetitions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timing:
        low, high = data.get("target_seconds") or (0, 0)
        return cls(
            duration_s=data.get("duration_s"),
            speaking_s=data.get("speaking_s"),
            first_word_s=data.get("first_word_s"),
            word_count=int(data.get("word_count") or 0),
            wpm=data.get("wpm"),
            target_seconds=(int(low), int(high)),
            verdict=data.get("verdict"),
            filler_count=int(data.get("filler_count") or 0),
            fillers=tuple(dict(f) for f in data.get("fillers") or ()),
            long_pauses=tuple(dict(p) for p in data.get("long_pauses") or ()),
            repetitions=tuple(dict(r) for r in data.get("repetitions") or ()),
        )


_HESITATIONS = (
    (re.compile(r"u+h*m+"), "um"),
    (re.compile(r"u+h+|a+h+"), "uh"),
    (re.compile(r"e+r+m+"), "erm"),
    (re.compile(r"h+m+"), "hmm"),
)


def _hesitation(norm: str) -> str:
    """ "umm", "ummm", "uhm" -> "um"; "uhh" -> "uh": Whisper spells hesitations freely."""
    for pattern, canonical in _HESITATIONS:
        if pattern.fullmatch(norm):
            return canonical
    return norm


def _words(transcript: Transcript) -> list[_W]:
    """One entry per spoken word (Whisper's words, or the words of typed text)."""
    out: list[_W] = []
    if transcript.words:
        for said in transcript.words:
            raw = said.word.strip()
            toks = tokenize_text(raw)
            norm = _hesitation(" ".join(t for t, _, _ in toks))
            if not norm:
                continue
            out.append(_W(norm, raw, said.start, said.end, raw.endswith((",", "...")), False))
    else:
        text = transcript.text
        raw_words = text.split()
        for raw in raw_words:
            toks = tokenize_text(raw)
            norm = _hesitation(" ".join(t for t, _, _ in toks))
            if not norm:
                continue
            out.append(_W(norm, raw, None, None, raw.endswith((",", "...")), False))
    fixed: list[_W] = []
    for i, w in enumerate(out):
        before = i > 0 and out[i - 1].comma_after
        fixed.append(_W(w.text, w.raw, w.start, w.end, w.comma_after, before))
    return fixed


def _is_filler(words: Sequence[_W], i: int, phrase: Sequence[str]) -> bool:
    """Whether the filler ``phrase`` starting at word ``i`` is used as a filler there."""
    first = phrase[0]
    prev = words[i - 1].text if i > 0 else ""
    after_i = i + len(phrase)
    nxt = words[after_i].text if after_i < len(words) else ""
    if first == "like" and len(phrase) == 1:
        if words[i].comma_after:
            return True
        # "..., like a broken join": a preposition ("such as") before a noun phrase.
        if prev in _LIKE_NOT_FILLER_BEFORE or nxt in _LIKE_PREPOSITION_BEFORE:
            return False
        if words[i].comma_before:
            # ", like we said" is a filler; ", like fraudsters changing their tricks" gives an
            # example (a bare noun after it), as "such as" would.
            return nxt in _LIKE_FILLER_AFTER_COMMA
        # Clause-initial "like" ("and like we", "so like the") is a filler; "tools like MLflow"
        # is not, and neither is "like 5 percent" (a hedge meaning "about").
        return prev in {"", "and", "so", "but", "um", "uh", "it's", "was", "is", "just"}
    if phrase[-1] == "of" and first in {"kind", "sort"}:
        return prev not in _KIND_NOT_FILLER_BEFORE
    if tuple(phrase) == ("you", "know"):
        if words[i + 1].comma_after:
            return True
        return prev not in _YOU_KNOW_NOT_FILLER_BEFORE and nxt not in _YOU_KNOW_NOT_FILLER_AFTER
    if tuple(phrase) == ("i", "mean"):
        return nxt not in {"that", "it", "the", "this", "to"} or words[i + 1].comma_after
    return True


def find_fillers(
    words: Sequence[_W], fillers: Sequence[str] = FILLER_WORDS
) -> list[tuple[int, int, str]]:
    """(first word index, word count, filler) for every filler used as one."""
    phrases = sorted(
        (tuple(t for t, _, _ in tokenize_text(f)) for f in fillers), key=len, reverse=True
    )
    phrases = [p for p in phrases if p]
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        for phrase in phrases:
            n = len(phrase)
            if tuple(w.text for w in words[i : i + n]) == phrase and _is_filler(words, i, phrase):
                out.append((i, n, " ".join(phrase)))
                i += n
                break
        else:
            i += 1
    return out


def _fmt(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 60}:{s % 60:02d}"


def measure_timing(
    transcript: Transcript,
    target_seconds: tuple[int, int],
    fillers: Sequence[str] | None = None,
) -> Timing:
    """Timing and delivery of ``transcript`` against the question's target."""
    words = _words(transcript)
    timed = bool(transcript.words) and all(w.start is not None for w in words)
    word_count = len(words)
    duration = transcript.duration_s
    first_word_s: float | None = None
    speaking_s: float | None = None
    answer_s: float | None = None
    pauses: list[dict[str, Any]] = []
    if timed and words:
        first_word_s = round(float(words[0].start or 0.0), 2)
        for i in range(1, len(words)):
            gap = float(words[i].start or 0.0) - float(words[i - 1].end or 0.0)
            if gap > LONG_PAUSE_S:
                pauses.append(
                    {
                        "start_s": round(float(words[i - 1].end or 0.0), 2),
                        "end_s": round(float(words[i].start or 0.0), 2),
                        "duration_s": round(gap, 2),
                        "after_word_index": i - 1,
                    }
                )
        span = float(words[-1].end or 0.0) - float(words[0].start or 0.0)
        answer_s = round(max(0.0, span), 2)
        speaking_s = round(max(0.0, span - sum(p["duration_s"] for p in pauses)), 2)
    if duration is not None:
        duration = round(float(duration), 2)
    # The answer's length: first word to last when timed (the recording's silence before the
    # first word and after the last is not part of the answer), else the given duration.
    if answer_s is not None:
        duration = answer_s
    length = duration
    verdict: str | None = None
    if length is not None:
        low, high = target_seconds
        verdict = "too short" if length < low else "too long" if length > high else "on target"
    pace_over = speaking_s if speaking_s else duration
    wpm = round(60.0 * word_count / pace_over, 1) if pace_over and word_count else None

    found = find_fillers(words, fillers if fillers is not None else FILLER_WORDS)
    filler_list = [
        {
            "word": name,
            "start_s": words[i].start,
            "end_s": words[i + n - 1].end,
            "index": i,
        }
        for i, n, name in found
    ]
    repetitions: list[dict[str, Any]] = []
    filler_idx = {i for i, n, _ in found for i in range(i, i + n)}
    i = 0
    while i < len(words) - 1:
        hit = False
        for n in (3, 2, 1):
            a = [w.text for w in words[i : i + n]]
            b = [w.text for w in words[i + n : i + 2 * n]]
            if len(b) == n and a == b and not (set(range(i, i + 2 * n)) & filler_idx):
                if n == 1 and a[0].isdigit():
                    continue
                repetitions.append(
                    {"text": " ".join(a), "index": i, "start_s": words[i].start, "count": 2}
                )
                i += 2 * n
                hit = True
                break
        if not hit:
            i += 1
    return Timing(
        duration_s=duration,
        speaking_s=speaking_s,
        first_word_s=first_word_s,
        word_count=word_count,
        wpm=wpm,
        target_seconds=(int(target_seconds[0]), int(target_seconds[1])),
        verdict=verdict,
        filler_count=len(filler_list),
        fillers=tuple(filler_list),
        long_pauses=tuple(pauses),
        repetitions=tuple(repetitions),
    )


def format_seconds(seconds: float) -> str:
    """``161`` -> ``"2:41"``."""
    return _fmt(seconds)
