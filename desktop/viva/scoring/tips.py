"""Two to four short, specific, actionable tips, ranked by how much they would improve the answer.

Nothing generic: a delivery tip appears only when the numbers call for it. When fewer than two
things need fixing, the remaining lines state facts about this answer (points covered against
the target, delivery figures) instead of advice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from viva.scoring.coverage import PointResult
from viva.scoring.timing import Timing, format_seconds

MAX_TIPS = 4
MIN_TIPS = 2
FILLERS_PER_100 = 3.0
MIN_FILLERS = 3
FAST_WPM = 190.0
SLOW_WPM = 100.0
LONG_PAUSE_TIP_S = 3.0


@dataclass(frozen=True, slots=True)
class _Tip:
    impact: float
    text: str


#: A key point is named whole, in the tips and the card's "Fix next" (the bank's longest has
#: 102 characters; 90 cut 60 of them, 70 more than half), and a quote up to QUOTE_LIMIT
#: characters (70 cut "it needs no extra infrastructure" to "no extra").
POINT_LIMIT = 200
QUOTE_LIMIT = 140


def _short(text: str, limit: int = POINT_LIMIT) -> str:
    text = " ".join(text.split()).rstrip(".")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def make_tips(
    points: Sequence[PointResult],
    evidence: Sequence[str | None],
    contradictions: Sequence[str | None],
    timing: Timing,
    *,
    off_topic: bool = False,
) -> list[str]:
    """The tips for one scored answer, most useful first."""
    tips: list[_Tip] = []
    if off_topic:
        tips.append(
            _Tip(
                200.0,
                "Your answer does not address the question. Listen to it again and "
                "answer it directly, starting with its main point.",
            )
        )
    missed = [p for p in points if p.status == "missed" and not p.contradicted]
    for p, said in zip(points, contradictions, strict=True):
        if p.contradicted:
            quote = f' ("{_short(said, QUOTE_LIMIT)}")' if said else ""
            tips.append(
                _Tip(
                    100.0,
                    f"What you said{quote} gets this point wrong: {_short(p.text)}. "
                    "Correct it in one sentence.",
                )
            )
    for rank, p in enumerate(missed):
        # The point's own words, quoted as a label: any key point text (a statement, an
        # imperative, a noun phrase) reads well after "Missing point:".
        tips.append(_Tip(90.0 - rank, f"Missing point: {_short(p.text)}. Add one sentence on it."))
    for p in points:
        if p.status == "partial":
            gap = ", ".join(f'"{m}"' for m in p.missing[:2])
            detail = f" Say it explicitly ({gap})." if gap else " Make it explicit."
            tips.append(_Tip(60.0, f"Only partly made: {_short(p.text)}.{detail}"))
    low, high = timing.target_seconds
    length = timing.duration_s if timing.duration_s is not None else None
    target = f"{format_seconds(low)}–{format_seconds(high)}"
    if length is not None and timing.verdict == "too long":
        over = (length - high) / high
        tips.append(
            _Tip(
                70.0 + 20 * min(over, 1.0),
                f"{format_seconds(length)} spoken against a {target} "
                "target: keep to the key points and drop background and repetition.",
            )
        )
    elif length is not None and timing.verdict == "too short":
        short = (low - length) / low
        add = " with the missing points" if missed else " with a concrete example from your work"
        tips.append(
            _Tip(
                65.0 + 20 * min(short, 1.0),
                f"{format_seconds(length)} spoken against a {target} target: expand{add}.",
            )
        )
    rate = timing.fillers_per_100
    if timing.filler_count >= MIN_FILLERS and rate >= FILLERS_PER_100:
        counts = Counter(f["word"] for f in timing.fillers).most_common()
        top, n_top = counts[0]
        # "mostly 'um'" only when 'um' really is most of them; otherwise name the words.
        which = (
            f"mostly '{top}'"
            if n_top > 1 and n_top * 2 > timing.filler_count
            else ", ".join(f"'{w}'" for w, _ in counts[:3])
        )
        tips.append(
            _Tip(
                40.0 + rate,
                f"{timing.filler_count} fillers ({which}), about "
                f"{rate:.0f} per 100 words: pause silently instead.",
            )
        )
    long_pauses = [p for p in timing.long_pauses if p["duration_s"] >= LONG_PAUSE_TIP_S]
    if len(timing.long_pauses) >= 3 or long_pauses:
        longest = max(timing.long_pauses, key=lambda p: p["duration_s"])
        tips.append(
            _Tip(
                35.0,
                f"{len(timing.long_pauses)} long pause(s), the longest "
                f"{longest['duration_s']:.1f} s at {format_seconds(longest['start_s'])}: "
                "plan the order of your points before you start.",
            )
        )
    if timing.wpm is not None and timing.speaking_s and timing.speaking_s >= 15:
        if timing.wpm > FAST_WPM:
            tips.append(
                _Tip(
                    30.0,
                    f"{timing.wpm:.0f} words per minute is fast: slow down to "
                    "about 140–160 so each point lands.",
                )
            )
        elif timing.wpm < SLOW_WPM:
            tips.append(
                _Tip(
                    30.0,
                    f"{timing.wpm:.0f} words per minute is slow: aim for about "
                    "130–160 by knowing your next point in advance.",
                )
            )
    if len(timing.repetitions) >= 3:
        example = timing.repetitions[0]["text"]
        tips.append(
            _Tip(
                20.0,
                f"{len(timing.repetitions)} repeated words (e.g. '{example} "
                f"{example}'): finish the thought before you start the sentence.",
            )
        )
    tips.sort(key=lambda t: -t.impact)
    out = [t.text for t in tips[:MAX_TIPS]]
    # At least two lines; what fills them states facts about this answer, never generic advice.
    for line in _summary(points, timing, length, target):
        if len(out) >= MIN_TIPS:
            break
        out.append(line)
    return out


#: How ``_summary``'s lines start or read: facts about the answer, not advice.
_COVERED_LINE = " key points covered"
_DELIVERY_LINE = "Delivery: "


def is_summary(tip: str) -> bool:
    """A line ``make_tips`` filled in with what the answer did ("All 4 key points covered.",
    "Delivery: ..."), as opposed to something to change next time."""
    return tip.startswith(_DELIVERY_LINE) or _COVERED_LINE in tip


def _summary(
    points: Sequence[PointResult], timing: Timing, length: float | None, target: str
) -> list[str]:
    """Specific lines on what went well: coverage against the target, then delivery figures."""
    made = [p for p in points if p.status == "covered"]
    when = f" in {format_seconds(length)}" if length is not None else ""
    within = f", within the {target} target" if timing.verdict == "on target" else ""
    if points and len(made) == len(points):
        first = f"All {len(points)}{_COVERED_LINE}{when}{within}."
    else:
        first = f"{len(made)} of {len(points)}{_COVERED_LINE}{when}{within}."
    lines = [first]
    facts: list[str] = []
    if timing.wpm is not None:
        facts.append(f"{timing.wpm:.0f} words per minute")
    facts.append(
        "no fillers"
        if timing.filler_count == 0
        else f"{timing.filler_count} filler{'s' if timing.filler_count != 1 else ''}"
    )
    pauses = len(timing.long_pauses)
    if timing.wpm is not None:
        facts.append("no long pauses" if pauses == 0 else f"{pauses} long pause(s)")
    lines.append(f"{_DELIVERY_LINE}{', '.join(facts)}.")
    return lines
