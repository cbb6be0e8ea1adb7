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

from viva.scoring.star import LABELS as STAR_LABELS
from viva.scoring.star import TIPS as STAR_TIPS
from viva.scoring.timing import Timing
from viva.scoring.tips import POINT_LIMIT, is_summary
from viva.speech.transcript import Transcript, glued

PAUSE_MARK = "\u23f8"

#: Accent hues of the marks; blended into the theme's background (see :class:`Colours`).
ACCENTS = {
    "evidence": "#16a34a",
    "filler": "#f59e0b",
    "current": "#3b82f6",
    "missed": "#dc2626",
    "partial": "#f59e0b",
    "incorrect": "#9333ea",
}


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def mix(base: str, accent: str, share: float) -> str:
    """``accent`` blended into ``base`` (``share`` 0-1 of the accent), as ``#rrggbb``."""
    b, a = _rgb(base), _rgb(accent)
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(b, a, strict=True))


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    """WCAG contrast ratio of two colours (1-21; body text needs at least 4.5)."""
    a, b = sorted((luminance(one), luminance(other)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True, slots=True)
class Colours:
    """The colours rich text is drawn with, derived from the theme's text and background.

    Marks tint the background with an accent hue (more strongly in a light theme), so the
    theme's own text colour stays readable on them in light and dark themes alike.
    """

    text: str = "#000000"
    base: str = "#ffffff"

    @property
    def dark(self) -> bool:
        return luminance(self.base) < luminance(self.text)

    def mark(self, kind: str) -> str:
        """Background of a mark (``evidence``, ``filler``, ``current``, ``missed``, ...)."""
        share = 0.38 if self.dark else 0.3
        if kind == "current":
            share += 0.12
        return mix(self.base, ACCENTS.get(kind, ACCENTS["current"]), share)

    def accent(self, kind: str) -> str:
        """Text in an accent hue readable on ``base`` (verdict colours, the pause mark)."""
        colour = ACCENTS.get(kind, kind)
        for step in range(11):
            candidate = mix(colour, self.text, step / 10)
            if contrast_ratio(candidate, self.base) >= 4.5:
                return candidate
        return self.text


LIGHT = Colours()

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
    colours: Colours = LIGHT,
) -> str:
    """The transcript as rich text: fillers marked, evidence highlighted, current word shown.

    With ``links`` every word is an anchor ``w:<index>`` (click to seek). Every word carries
    the theme's text colour explicitly: Qt's rich text knows no ``color: inherit`` and would
    draw anchors in a fixed colour.
    """
    text_colour = colours.text
    if not tokens:
        return f"<p style='color:{text_colour}'><i>(nothing was recognised)</i></p>"
    fillers = fillers or set()
    highlight = highlight or set()
    pauses = pauses or {}
    parts: list[str] = []
    texts = [token.text for token in tokens]
    for i, token in enumerate(tokens):
        # Whisper's "blue", "-green" and "5", "%" are written together, as in the text.
        if glued(texts, i, pauses):
            parts.append("")
        elif i:
            parts.append(" ")
        text = html.escape(token.text.strip())
        style = f"color:{text_colour};"
        title = ""
        if i == current:
            style += f" background-color:{colours.mark('current')};"
        elif i in highlight:
            style += f" background-color:{colours.mark('evidence')};"
        elif i in fillers:
            style += f" background-color:{colours.mark('filler')}; text-decoration: underline;"
            title = "filler"
        if links:
            word = f'<a href="w:{i}" style="text-decoration:none; {style}">{text}</a>'
        else:
            word = f'<span style="{style}" title="{title}">{text}</span>'
        parts.append(word)
        if i in pauses:
            parts.append(
                f' <span style="color:{colours.accent("filler")};" title="long pause">'
                f"{PAUSE_MARK}&nbsp;{pauses[i]:.1f}&nbsp;s</span>"
            )
    return f"<p style='line-height:140%; color:{text_colour}'>" + "".join(parts) + "</p>"


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


_WORD_RE = re.compile(r"[\w']+")


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the words of ``text`` (hyphens and punctuation split
    words, as the scorer's tokens do: "Kolmogorov-Smirnov" is two)."""
    return [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def evidence_chars(text: str, evidence: str | None) -> tuple[int, int] | None:
    """Where ``evidence`` (words the scorer quoted from ``text``) stands in ``text``.

    Matched word by word, ignoring case and punctuation; no fuzzy guessing: a quote that is not
    in the text marks nothing.
    """
    if not evidence:
        return None
    wanted = [m.group(0).lower() for m in _WORD_RE.finditer(evidence)]
    if not wanted:
        return None
    spans = word_spans(text)
    words = [text[a:b].lower() for a, b in spans]
    n = len(wanted)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == wanted:
            return spans[i][0], spans[i + n - 1][1]
    return None


#: Status of a key point -> the mark its words get in the reference answer (covered: none).
REFERENCE_MARKS = {"missed": "missed", "partial": "partial", "incorrect": "incorrect"}


def reference_html(
    reference: str,
    key_points: Sequence[Any],
    reference_evidence: Sequence[str | None] | None = None,
    *,
    colours: Colours = LIGHT,
    reading: tuple[int, int] | None = None,
) -> str:
    """The reference answer with the words that make each missed, partial or wrong point marked.

    ``reading`` is the character span of the sentence being read aloud: it is underlined and
    bold (on top of any mark), so the eye can follow the voice.

    ``reference_evidence[i]`` is the stretch of the reference answer that makes key point
    ``i``, as the scorer found it when scoring the reference answer itself
    (:func:`viva.app.services.reference_evidence`).
    Without it nothing is marked.
    """
    marks: list[tuple[int, int, str]] = []
    for point, said in zip(key_points, reference_evidence or (), strict=False):
        mark = REFERENCE_MARKS.get(str(get(point, "status")))
        span = evidence_chars(reference, said) if mark else None
        if span is not None and mark is not None:
            marks.append((span[0], span[1], mark))
    # Overlaps: the worse status wins (wrong, then missed, then partial).
    order = {"incorrect": 0, "missed": 1, "partial": 2}
    kind_at: list[str | None] = [None] * len(reference)
    for a, b, mark in sorted(marks, key=lambda m: order[m[2]], reverse=True):
        for i in range(a, b):
            kind_at[i] = mark
    a_read, b_read = reading if reading is not None else (-1, -1)

    def style_at(k: int) -> tuple[str | None, bool]:
        return kind_at[k], a_read <= k < b_read

    out: list[str] = []
    i = 0
    while i < len(reference):
        kind, read = style_at(i)
        j = i
        while j < len(reference) and style_at(j) == (kind, read):
            j += 1
        text = html.escape(reference[i:j])
        styles = []
        if kind:
            styles.append(f"background-color:{colours.mark(kind)}; color:{colours.text};")
        if read:
            styles.append("font-weight:bold; text-decoration:underline;")
        out.append(f'<span style="{" ".join(styles)}">{text}</span>' if styles else text)
        i = j
    return f"<p style='line-height:140%; color:{colours.text}'>" + "".join(out) + "</p>"


def format_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0.0, float(seconds))
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def format_target(target_seconds: Sequence[float]) -> str:
    """A target time range, ``0:45–1:30``."""
    low, high = target_seconds
    return f"{format_seconds(low)}–{format_seconds(high)}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 attempt``, ``3 attempts``."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


STATUS_MARK = {
    "covered": "\u2714",
    "partial": "\u25d0",
    "missed": "\u2718",
    "incorrect": "\u26a0",
}
STATUS_LABEL = {
    "covered": "covered",
    "partial": "partial",
    "missed": "missed",
    "incorrect": "stated wrongly",
}


def timing_lines(timing: Timing | None) -> list[str]:
    """Readable timing and delivery figures (plain text)."""
    if timing is None:
        return []
    lines: list[str] = []
    if timing.duration_s is not None:
        high = timing.target_seconds[1]
        target_text = f" against a {format_target(timing.target_seconds)} target" if high else ""
        verdict_text = f" ({timing.verdict})" if timing.verdict else ""
        lines.append(
            f"Answer length {format_seconds(timing.duration_s)}{target_text}{verdict_text}"
        )
    wpm = timing.wpm
    pace = f", {wpm:.0f} words per minute" if wpm else ""
    lines.append(plural(timing.word_count, "word") + pace)
    if timing.first_word_s is not None:
        lines.append(f"First word after {timing.first_word_s:.1f} s")
    n = timing.filler_count
    lines.append(plural(n, "filler") + (" (marked in amber)" if n else ""))
    pauses = timing.long_pauses
    if pauses:
        lines.append(f"{plural(len(pauses), 'long pause')} ({PAUSE_MARK})")
    repetitions = timing.repetitions
    if repetitions:
        lines.append(plural(len(repetitions), "repetition"))
    return lines


# --- the score card (Qt-free figures; ui/scorecard.py draws them) -----------------------------

#: Verdict -> accent hue of its chip or tile.
VERDICT_ACCENT = {"good": "evidence", "fair": "partial", "poor": "missed", "wrong": "incorrect"}
STATUS_VERDICT = {"covered": "good", "partial": "fair", "missed": "poor", "incorrect": "wrong"}
GOOD_WPM = (120.0, 170.0)
FAIR_WPM = (100.0, 190.0)


@dataclass(frozen=True, slots=True)
class Tile:
    """One figure of the score card: what it shows, its verdict and an explanation."""

    label: str
    value: str
    verdict: str  # good | fair | poor | none
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class CardSummary:
    coverage: float
    coverage_verdict: str
    status_counts: dict[str, int]
    status_points: dict[str, list[str]]
    tiles: tuple[Tile, ...]
    went_well: str | None  # None when nothing went well
    fix_next: str
    change: str | None


def coverage_verdict(coverage: float) -> str:
    return "good" if coverage >= 0.75 else "fair" if coverage >= 0.4 else "poor"


def shorten(text: str, limit: int = 70) -> str:
    """``text`` cut to ``limit`` characters, ending in a full stop or an ellipsis."""
    text = " ".join(text.split()).rstrip(".")
    return text + "." if len(text) <= limit else text[: limit - 1].rstrip(" ,;") + "…"


def summarize(feedback: Any, previous: Any = None) -> CardSummary:
    """The score card's figures for ``feedback`` (a ``viva.scoring.Feedback``).

    ``previous`` is the feedback of the last attempt at the same question, for the change line.
    """
    points = list(feedback.key_points)
    counts = {s: 0 for s in ("covered", "partial", "missed", "incorrect")}
    texts: dict[str, list[str]] = {s: [] for s in counts}
    for p in points:
        counts[p.status] = counts.get(p.status, 0) + 1
        texts.setdefault(p.status, []).append(p.text)
    timing = feedback.timing
    tiles: list[Tile] = []
    if timing.duration_s is not None:
        verdict = timing.verdict or ""
        tiles.append(
            Tile(
                "Time",
                f"{format_seconds(timing.duration_s)} · {verdict}",
                "good" if verdict == "on target" else "fair",
                f"Target {format_target(timing.target_seconds)}",
            )
        )
    else:
        tiles.append(Tile("Time", "typed answer", "none", "Typed answers have no timing"))
    if timing.wpm is not None:
        wpm = timing.wpm
        pace = (
            "good"
            if GOOD_WPM[0] <= wpm <= GOOD_WPM[1]
            else "fair"
            if FAIR_WPM[0] <= wpm <= FAIR_WPM[1]
            else "poor"
        )
        tiles.append(
            Tile("Pace", f"{wpm:.0f} wpm", pace, "About 120–170 words per minute reads well")
        )
    rate = timing.fillers_per_100
    n = timing.filler_count
    filler_verdict = "good" if rate <= 2 else "fair" if rate <= 5 else "poor"
    spoken = timing.duration_s is not None
    if spoken:  # a typed answer has no fillers to count
        tiles.append(
            Tile(
                "Fillers",
                "none" if n == 0 else f"{n}",
                filler_verdict,
                f"{rate:.1f} per 100 words (at most 2 reads well)",
            )
        )
    structure = getattr(feedback, "structure", None)
    if structure is not None:
        for name, part in structure.parts().items():
            if part.present:
                tip = f"You said: \u201c{shorten(part.evidence or '')}\u201d"
                if name == "result" and not structure.result_has_number:
                    tip += "\nPut a number on it if you can."
                tiles.append(Tile(STAR_LABELS[name], "\u2714", "good", tip))
            else:
                tiles.append(Tile(STAR_LABELS[name], "missing", "poor", STAR_TIPS[name]))
    # Each a clause of its own ("You kept a steady pace"; it read "You a steady pace").
    well: list[str] = []
    if counts["covered"]:
        well.append(f"made {counts['covered']} of {len(points)} key points")
    if timing.verdict == "on target":
        well.append("kept the length on target")
    if timing.wpm is not None and GOOD_WPM[0] <= timing.wpm <= GOOD_WPM[1]:
        well.append("kept a steady pace")
    if spoken and timing.word_count and filler_verdict == "good":
        well.append("used few fillers")
    # Nothing is praised that did not happen: with no point made, no length on target and no
    # steady pace, the card leaves the line out.
    went_well = None
    if well:
        listed = well[0] if len(well) == 1 else ", ".join(well[:-1]) + " and " + well[-1]
        went_well = f"You {listed}."
    off_topic = bool(getattr(feedback, "off_topic", False))
    if off_topic:
        # "Add: <the first point>" next to "does not address the question" asked for one
        # point when the whole answer missed the question.
        fix = "Answer the question asked: listen to it again and start with its main point."
    elif texts["incorrect"]:
        fix = f"Correct this point: {shorten(texts['incorrect'][0], POINT_LIMIT)}"
    elif texts["missed"]:
        fix = f"Add: {shorten(texts['missed'][0], POINT_LIMIT)}"
    elif texts["partial"]:
        fix = f"Complete: {shorten(texts['partial'][0], POINT_LIMIT)}"
    elif advice := [str(t) for t in feedback.tips if not is_summary(str(t))]:
        fix = advice[0]
    else:
        fix = "Nothing pressing: try it again with a different example."
    change = None
    # An off-topic answer's coverage is no step forward or back: no change line for it.
    if previous is not None and not off_topic:
        delta = round((feedback.coverage - previous.coverage) * 100)
        filler_change = n - previous.timing.filler_count
        fillers = f"{filler_change:+d} filler{'s' if abs(filler_change) != 1 else ''}"
        if delta:
            parts = [f"{delta:+d}% coverage", *([fillers] if filler_change else [])]
            change = ", ".join(parts) + " since your last attempt"
        else:  # "+0% coverage" read as a change
            change = "Same coverage as your last attempt" + (
                f", {fillers}" if filler_change else ""
            )
        change = change.replace("-", "\u2212")
    return CardSummary(
        coverage=float(feedback.coverage),
        coverage_verdict=coverage_verdict(float(feedback.coverage)),
        status_counts=counts,
        status_points=texts,
        tiles=tuple(tiles),
        went_well=went_well,
        fix_next=fix,
        change=change,
    )
