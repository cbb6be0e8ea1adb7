"""Check the round-22 judge training lines in ``data/cue/*.jsonl`` (development time only).

Round 21 found why the judges read "Then you ramp it up step by step as long as the metrics
look good" as *incorrect* (P 0.92-0.99) and "... while the metrics look good" as covered
(0.94-0.98): in the training lines, dismissive and conditional phrases occur almost only in
wrong statements ("no need to" 0 covered / 79 incorrect, "don't bother" 1 / 82, "is enough"
2 / 97, "anyway" 8 / 138, "as long as" about 12 / 72), so the phrase itself came to mean a
wrong statement. These lines state every train and extra point correctly *with* one such
phrase, used naturally::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "cue", "cue": "no need to", "text": "..."}

``data/cue_probe/`` holds one such line per point of the *calibration* questions, which the
judge never trains on: the probe of how often a correct line with a dismissive phrase is read
as wrong (``--probe``).

Same format and limits as ``check_mechanism.py``; besides, a line must contain its ``cue``.

Usage: python training/judge/check_cue.py [--probe]; exit status 1 on any problem.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from check_mechanism import key_points, load, problems
from check_written import SPLIT

HERE = Path(__file__).resolve().parent
CUE = HERE / "data" / "cue"
PROBE = HERE / "data" / "cue_probe"
KINDS = {"cue": "covered"}

log = logging.getLogger("check_cue")


def calibration_points() -> dict[str, list[str]]:
    """Question id -> key points, for the calibration questions (the probe's)."""
    from viva.bank import load_builtin_bank

    return {
        q.id: [k.text for k in q.key_points]
        for q in load_builtin_bank().questions.values()
        if SPLIT.get(q.id) == "calibration"
    }


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    probe = "--probe" in argv
    rows = load(PROBE if probe else CUE)
    points = calibration_points() if probe else key_points()
    found = problems(rows, points, KINDS)
    for n, row in enumerate(rows):
        cue = str(row.get("cue", ""))
        if not cue or cue.lower() not in str(row.get("text", "")).lower():
            found.append(f"line {n + 1} ({row.get('question_id')}): cue {cue!r} not in the line")
    for p in found:
        log.error(p)
    done = {(r.get("question_id"), r.get("point")) for r in rows}
    total = sum(len(v) for v in points.values())
    log.info("%d lines; %d of %d key points have lines", len(rows), len(done), total)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
