"""Check the round-15 judge training lines in ``data/tone/*.jsonl`` (development time only).

Two faults that every round since scorer 2.3 made worse, found by the product's own tests:

- A true clause that *sounds* negative reads as a contradiction. For the user's own point
  "Every call has a timeout so threads are not stuck waiting", the answer "every call gets a
  deadline of a couple of seconds and after that we just give up on it" is P(incorrect) 0.05 /
  0.28 / 0.88 for 2.3 / L / M (README, round 13). The written contradictions carry "never",
  "no", "skip", "drop" far more often than the covered lines, so the judge learnt the tone.
- Talk with nothing technical in it reads as weakly on topic: "On weekends I go ..." is
  P(covered) 0.17 for a blue-green point under M, so it is no longer called off topic. The
  missed lines of other questions are all technical; nothing teaches that small talk makes no
  point.

For every train and extra key point::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "tone", "text": "..."}

Kinds (words per line):

- ``tone`` (covered, 10-45): the whole point, with a TRUE clause that sounds negative (a
  refusal, a stop, a drop, a "never", a "without", a failure that the practice prevents or
  handles).
- ``tone_wrong`` (incorrect, 10-45): the same subject, close in wording, but the point's claim
  is stated wrongly; it sounds as negative, so tone says nothing about the label.
- ``aside`` (missed, 6-35): what a candidate might say in an interview that has no technical
  content at all (their life, the weather, the interview itself), one per point, all different.

``data/tone_probe`` holds the same kinds for the calibration questions' points, never trained
on, read by ``length.py``. Same points and subject limit as ``check_short.py``; besides, no line
names a deadline (the own-question test's wording) and no ``aside`` touches the off-topic tests'
subject (walks in the hills with a pet, cooking).

Usage: python training/judge/check_tone.py [FILE.jsonl]; exit status 1 on any problem.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import check_short
from pairs import negative_tone

HERE = Path(__file__).resolve().parent
TONE = HERE / "data" / "tone"
PROBE = HERE / "data" / "tone_probe"
KINDS = {
    "tone": ("covered", 10, 45),
    "tone_wrong": ("incorrect", 10, 45),
    "aside": ("missed", 6, 35),
}
#: Words of refusal, stopping or discarding that ``pairs.negative_tone`` does not know.
#: (Negators such as "never", "no" or "don't" are the lexicon's, read by ``negative_tone``.)
REFUSAL = re.compile(
    r"\b(?:(?:drop|reject|refus|abort|kill|discard|throw|block|cancel|skip|avoid|stop|halt|"
    r"forbid|abandon|prevent|quit)\w*|give[sn]? up|gave up|giving up|threw|thrown|"
    r"den(?:y|ies|ied)|bann?(?:ed|ing|s)?)\b",
    re.IGNORECASE,
)
#: The own-question test's wording, and the off-topic tests' subject.
DEADLINE = re.compile(r"\bdeadlines?\b", re.IGNORECASE)
OFF_TOPIC_TEST = re.compile(r"\bhik(e|es|ed|ing)\b|\bdogs?\b|\bpasta\b|\bcook", re.IGNORECASE)


def sounds_negative(text: str) -> bool:
    """Does ``text`` carry a negator, a word of failure or a word of refusal?"""
    return negative_tone(text) or bool(REFUSAL.search(text))


def problems(
    rows: list[dict[str, object]],
    points: dict[str, list[str]],
    kinds: dict[str, tuple[str, int, int]] = KINDS,
) -> list[str]:
    """``check_short.problems`` plus this round's own: ``tone`` and ``tone_wrong`` lines sound
    negative, no line names a deadline, no ``aside`` is about the off-topic tests' subject."""
    found = check_short.problems(rows, points, kinds)
    for n, row in enumerate(rows):
        kind, text = row.get("kind"), str(row.get("text", ""))
        where = f"line {n + 1} ({row.get('question_id')}, point {row.get('point')})"
        if kind in ("tone", "tone_wrong") and not sounds_negative(text):
            found.append(f"{where}: a {kind} line with no negative-sounding word")
        if DEADLINE.search(text):
            found.append(f"{where}: names a deadline (the own-question test's wording)")
        if kind == "aside" and OFF_TOPIC_TEST.search(text):
            found.append(f"{where}: about the off-topic tests' subject")
    return found


if __name__ == "__main__":
    sys.exit(check_short.main(sys.argv[1:], TONE, PROBE, KINDS, problems))
