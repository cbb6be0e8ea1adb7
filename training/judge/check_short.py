"""Check the round-12 judge training lines in ``data/short/*.jsonl`` (development time only).

Every judge so far read a *short* full statement of a key point as partial: "A canary gets a
few percent of traffic first" for "Canary releases send a small share of traffic to the new
model first" is P(partial) 0.94 with scorer 2.2's judge, and a 33-word answer saying the same
is P(covered) 0.97. The hand-written data taught length: its covered lines have a median of 25
words (3 % of 14 words or fewer), its partial and missed lines 12-13 (62-69 % of 14 or fewer).
These lines break that link both ways, for every train and extra key point::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "short", "text": "..."}

Kinds (words per line):

- ``short`` (covered, 4-14): the whole point, tersely, in other words than the point's where
  it can be done; every part of a multi-part point is in it.
- ``short_spoken`` (covered, 4-16): the whole point as said briefly in an interview, a hedge or
  filler allowed.
- ``short_wrong`` (incorrect, 4-14): the point stated wrongly, as tersely.
- ``long_partial`` (partial, 22-50): a real part of the point with on-topic detail, its
  distinguishing part left out.
- ``long_related`` (missed, 22-50): fluent, plausible talk about the point's subject that does
  not make it.

``data/short_probe`` holds the same kinds for the calibration questions' points, which the judge
never trains on: ``specificity.py``-style pair-level figures, never training data.

Same points and subject limit as ``check_mechanism.py`` (no line about retries, backoff,
jitter, timeouts or idempotency).

Usage: python training/judge/check_short.py [FILE.jsonl]; exit status 1 on any problem (one
file only when given).
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from check_mechanism import key_points, load
from check_mechanism import problems as mechanism_problems
from check_written import SPLIT

HERE = Path(__file__).resolve().parent
SHORT = HERE / "data" / "short"
PROBE = HERE / "data" / "short_probe"
#: kind -> (label, fewest words, most words)
KINDS = {
    "short": ("covered", 4, 14),
    "short_spoken": ("covered", 4, 16),
    "short_wrong": ("incorrect", 4, 14),
    "long_partial": ("partial", 22, 50),
    "long_related": ("missed", 22, 50),
}

log = logging.getLogger("check_short")

#: ``problems(rows, points, kinds)`` of a checker: what is wrong with its lines.
Problems = Callable[
    [list[dict[str, object]], dict[str, list[str]], dict[str, tuple[str, int, int]]], list[str]
]


def calibration_points() -> dict[str, list[str]]:
    """Question id -> key points, for the calibration split (the probe's questions)."""
    from viva.bank import load_builtin_bank

    return {
        q.id: [k.text for k in q.key_points]
        for q in load_builtin_bank().questions.values()
        if SPLIT.get(q.id) == "calibration"
    }


def problems(
    rows: list[dict[str, object]],
    points: dict[str, list[str]],
    kinds: dict[str, tuple[str, int, int]] = KINDS,
) -> list[str]:
    """``check_mechanism.problems`` with each kind's own length range."""
    return mechanism_problems(rows, points, kinds)


def check(
    train: Path = SHORT,
    probe: Path = PROBE,
    kinds: dict[str, tuple[str, int, int]] = KINDS,
    find: Problems = problems,
) -> int:
    """Log every problem of both folders and a summary; 1 if there was a problem."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    failed = 0
    for folder, points in ((train, key_points()), (probe, calibration_points())):
        rows = load(folder)
        found = find(rows, points, kinds)
        for p in found:
            log.error("%s: %s", folder.name, p)
        failed |= bool(found)
        done = {(r.get("question_id"), r.get("point")) for r in rows}
        total = sum(len(v) for v in points.values())
        counts = Counter(str(r.get("kind")) for r in rows)
        log.info(
            "%s: %d lines %s; %d of %d key points have lines",
            folder.name,
            len(rows),
            dict(counts),
            len(done),
            total,
        )
    return 1 if failed else 0


def check_file(
    path: Path,
    probe: Path = PROBE,
    kinds: dict[str, tuple[str, int, int]] = KINDS,
    find: Problems = problems,
) -> int:
    """Log the problems of one file of either folder; 1 if there was a problem."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    points = calibration_points() if path.resolve().parent == probe else key_points()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    found = find(rows, points, kinds)
    for p in found:
        log.error(p)
    counts = Counter(str(r.get("kind")) for r in rows)
    log.info("%s: %d lines %s", path.name, len(rows), dict(counts))
    return 1 if found else 0


def main(
    argv: list[str],
    train: Path = SHORT,
    probe: Path = PROBE,
    kinds: dict[str, tuple[str, int, int]] = KINDS,
    find: Problems = problems,
) -> int:
    """The command line of this checker and those built on it: ``[FILE.jsonl]`` checks one
    file of ``train`` or ``probe``, no argument both folders; ``find`` lists a line's
    problems (``problems`` unless the checker adds its own)."""
    if argv:
        return check_file(Path(argv[0]), probe, kinds, find)
    return check(train, probe, kinds, find)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
