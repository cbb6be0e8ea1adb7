"""Probe: does a clause appended to a correct point make the judge read it as wrong?

A walkthrough found "Blue-green keeps two identical environments and switches all traffic at
once, so rollback is instant" read as a wrong statement of that point (the point word for word
plus a correct consequence). This probe joins each pair of adjacent key points of the
calibration and test questions (which no judge trains on) into one sentence, "P_i, JOIN p_j",
and reports, at the pair level, how the first point, the second point and the first point
alone are read. A joined sibling is not always a correct reason, so the "because" figures are
an upper bound on the error. Round 33 in the README has what it found.

    python training/judge/joined.py JUDGE_DIR [JUDGE_DIR ...] [--join and,so,because]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1] / "desktop") not in sys.path:
    sys.path.insert(0, str(HERE.parents[1] / "desktop"))

log = logging.getLogger("joined")

KINDS = ("alone", "first", "second")


def sentences(join: str) -> list[tuple[str, str, str]]:
    """(point, text, kind) for every adjacent pair of points of the held-out questions."""
    from viva.bank import load_builtin_bank

    split = json.loads((HERE / "split.json").read_text())["questions"]
    rows = []
    for qid, question in load_builtin_bank().questions.items():
        if split.get(qid) not in ("calibration", "test"):
            continue
        points = [p.rstrip(". ") for p in question.key_point_texts]
        for a, b in zip(points, points[1:], strict=False):
            joined = f"{a}, {join} {b[0].lower()}{b[1:]}."
            rows += [(f"{a}.", joined, "first"), (f"{b}.", joined, "second")]
            rows.append((f"{a}.", f"{a}.", "alone"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("judges", nargs="+", type=Path)
    parser.add_argument("--join", default="and,so,because")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from viva.scoring.judge import LABELS, Judge

    for join in args.join.split(","):
        rows = sentences(join)
        for folder in args.judges:
            judge = Judge(folder)
            probs = judge.probabilities([(judge.query(p, []), t) for p, t, _ in rows])
            read = [LABELS[k] for k in probs.argmax(1)]
            for kind in KINDS:
                got = [r for r, row in zip(read, rows, strict=True) if row[2] == kind]
                shares = " ".join(f"{lab} {got.count(lab) / len(got):.3f}" for lab in LABELS)
                log.info("%-8s %-8s %-7s n=%d %s", join, folder.name, kind, len(got), shares)


if __name__ == "__main__":
    main()
