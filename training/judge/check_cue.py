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
as wrong.

Same format and limits as ``check_short.py`` (both folders, or one file); besides, a line must
contain its ``cue``.

Usage: python training/judge/check_cue.py [FILE.jsonl]; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

import check_short

HERE = Path(__file__).resolve().parent
CUE = HERE / "data" / "cue"
PROBE = HERE / "data" / "cue_probe"
#: kind -> (label, fewest words, most words)
KINDS = {"cue": ("covered", 6, 60)}


def problems(
    rows: list[dict[str, object]],
    points: dict[str, list[str]],
    kinds: dict[str, tuple[str, int, int]] = KINDS,
) -> list[str]:
    """``check_short.problems`` plus this round's own: each line contains its ``cue``."""
    found = check_short.problems(rows, points, kinds)
    for n, row in enumerate(rows):
        cue = str(row.get("cue", ""))
        if not cue or cue.lower() not in str(row.get("text", "")).lower():
            where = f"line {n + 1} ({row.get('question_id')}, point {row.get('point')})"
            found.append(f"{where}: cue {cue!r} not in the line")
    return found


if __name__ == "__main__":
    sys.exit(check_short.main(sys.argv[1:], CUE, PROBE, KINDS, problems))
