"""HTML for the transcript and reference-answer views. Every piece of user or bank text is escaped.

Qt-free: pure functions from values to strings, so they are easy to test.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from viva.speech.transcript import Transcript

#: Background colours chosen to keep black text readable in light and dark themes.
FILLER_BG = "#ffe3a3"
EVIDENCE_BG = "#b9e6c3"
CURRENT_BG = "#9cc9ff"
MISSED_BG = "#ffc9c9"
PARTIAL_BG = "#ffe3a3"
PAUSE_MARK = "\u23f8"

_TOKEN_RE = re.compile(r"\S+")
_SENTENCE_RE = re.compile(r"[^.!?]+[.!?]*")


def get(obj: Any, name: str, default: Any = None) -> Any:
    """Read ``name`` from a dataclass/pydantic object or a dict (feedback crosses both forms)."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the transcript as shown: text and, when known, its time span."""

    text: str
    start: float | None = None
    end: float | None = None


def tokens_of(transcript: Transcript) -> list[Token]:
    """Words with timestamps when Whisper gave them, else the typed text split on spaces."""
    if transcript.words:
        return [Token(w.word, w.start, w.end) for w in transcript.words]
    return [Token(m.group(0)) for m in _TOKEN_RE.finditer(transcript.text)]


def _norm(word: str) -> str:
    return re.sub(r"[^\w']+", "", word.lower())


def find_span(tokens: Sequence[Token], evidence: str | None, start_s: Any, end_s: Any) -> set[int]:
    """Indices of the tokens a key point's evidence covers (by time, else by its words)."""
    if start_s is not None and end_s is not None and tokens and tokens[0].start is not None:
        hits = {
            i
            for i, t in enumerate(tokens)
            if t.start is not None
            and t.end is not None
            and t.start >= float(start_s) - 0.05
            and t.end <= float(end_s) + 0.05
        }
        if hits:
            return hits
    if not evidence:
        return set()
    wanted = [_norm(w) for w in evidence.split() if _norm(w)]
    words = [_norm(t.text) for t in tokens]
    if not wanted:
        return set()
    n = len(wanted)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == wanted:
            return set(range(i, i + n))
    # Fall back to the best fuzzy window of the same length.
    best, best_i = 0.0, -1
    target = " ".join(wanted)
    for i in range(max(1, len(words) - n + 1)):
        score = fuzz.ratio(" ".join(words[i : i + n]), target)
        if score > best:
            best, best_i = score, i
    return set(range(best_i, best_i + n)) if best >= 70 and best_i >= 0 else set()


def filler_indices(tokens: Sequence[Token], fillers: Iterable[Any]) -> set[int]:
    """Token indices of the fillers the scorer found (by index, checked against the word)."""
    out: set[int] = set()
    norms = [_norm(t.text) for t in tokens]
    for item in fillers or ():
        index = get(item, "index")
        word = str(get(item, "word", "") or "")
        first = _norm(word.split()[0]) if word.split() else ""
        n_words = max(1, len(word.split()))
        if (
            isinstance(index, int)
            and 0 <= index < len(tokens)
            and (not first or norms[index] == first)
        ):
            out.update(range(index, min(len(tokens), index + n_words)))
            continue
        start = get(item, "start_s")
        if start is not None:
            for i, t in enumerate(tokens):
                if t.start is not None and abs(t.start - float(start)) < 0.05:
                    out.update(range(i, min(len(tokens), i + n_words)))
                    break
    return out


def pause_after(tokens: Sequence[Token], pauses: Iterable[Any]) -> dict[int, float]:
    """Word index → length of the long pause that follows it."""
    out: dict[int, float] = {}
    for pause in pauses or ():
        index = get(pause, "after_word_index")
        duration = get(pause, "duration_s")
        if isinstance(index, int) and duration is not None and 0 <= index < len(tokens):
            out[index] = float(duration)
    return out


def transcript_html(
    tokens: Sequence[Token],
    *,
    fillers: set[int] | None = None,
    highlight: set[int] | None = None,
    current: int | None = None,
    pauses: dict[int, float] | None = None,
    links: bool = False,
) -> str:
    """The transcript as rich text: fillers marked, evidence highlighted, current word shown.

    With ``links`` every word is an anchor ``w:<index>`` (click to seek).
    """
    if not tokens:
        return "<p><i>(nothing was recognised)</i></p>"
    fillers = fillers or set()
    highlight = highlight or set()
    pauses = pauses or {}
    parts: list[str] = []
    for i, token in enumerate(tokens):
        text = html.escape(token.text)
        style = ""
        title = ""
        if i == current:
            style = f"background-color:{CURRENT_BG}; color:#000000;"
        elif i in highlight:
            style = f"background-color:{EVIDENCE_BG}; color:#000000;"
        elif i in fillers:
            style = f"background-color:{FILLER_BG}; color:#000000; text-decoration: underline;"
            title = "filler"
        if links:
            word = (
                f'<a href="w:{i}" style="text-decoration:none; color:inherit; {style}">{text}</a>'
            )
        elif style:
            word = f'<span style="{style}" title="{title}">{text}</span>'
        else:
            word = text
        parts.append(word)
        if i in pauses:
            parts.append(
                f'<span style="color:#b35c00;" title="long pause">'
                f" {PAUSE_MARK}&nbsp;{pauses[i]:.1f}&nbsp;s</span>"
            )
    return "<p style='line-height:140%'>" + " ".join(parts) + "</p>"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def reference_html(reference: str, key_points: Sequence[Any]) -> str:
    """The reference answer with the sentences of missed (red) and partial (amber) points marked."""
    parts = sentences(reference)
    marks: dict[int, str] = {}
    for point in key_points:
        status = get(point, "status")
        if status not in ("missed", "partial") or not parts:
            continue
        text = str(get(point, "text", ""))
        scores = [fuzz.token_set_ratio(text.lower(), s.lower()) for s in parts]
        best = max(range(len(parts)), key=scores.__getitem__)
        if status == "missed" or marks.get(best) != "missed":
            marks[best] = status
    out: list[str] = []
    for i, sentence in enumerate(parts):
        text = html.escape(sentence)
        if marks.get(i) == "missed":
            out.append(f'<span style="background-color:{MISSED_BG}; color:#000000;">{text}</span>')
        elif marks.get(i) == "partial":
            out.append(f'<span style="background-color:{PARTIAL_BG}; color:#000000;">{text}</span>')
        else:
            out.append(text)
    return "<p style='line-height:140%'>" + " ".join(out) + "</p>"


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0.0, float(seconds))
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


STATUS_MARK = {"covered": "\u2714", "partial": "\u25d0", "missed": "\u2718"}


def timing_lines(timing: Any) -> list[str]:
    """Readable timing and delivery figures (plain text)."""
    if timing is None:
        return []
    lines: list[str] = []
    duration = get(timing, "duration_s")
    target = get(timing, "target_seconds")
    verdict = get(timing, "verdict")
    if duration is not None:
        target_text = ""
        if target:
            low, high = target
            target_text = f" against a {format_seconds(low)}–{format_seconds(high)} target"
        verdict_text = f" ({verdict})" if verdict else ""
        lines.append(f"Duration {format_seconds(duration)}{target_text}{verdict_text}")
    wpm = get(timing, "wpm")
    words = get(timing, "word_count")
    if words is not None:
        lines.append(f"{words} words" + (f", {wpm:.0f} words per minute" if wpm else ""))
    first = get(timing, "first_word_s")
    if first is not None:
        lines.append(f"First word after {first:.1f} s")
    filler_count = get(timing, "filler_count")
    if filler_count is not None:
        lines.append(f"{filler_count} filler{'s' if filler_count != 1 else ''} (marked in amber)")
    pauses = get(timing, "long_pauses") or []
    if pauses:
        lines.append(f"{len(pauses)} long pause{'s' if len(pauses) != 1 else ''} ({PAUSE_MARK})")
    repetitions = get(timing, "repetitions") or []
    if repetitions:
        lines.append(f"{len(repetitions)} repetition{'s' if len(repetitions) != 1 else ''}")
    return lines
