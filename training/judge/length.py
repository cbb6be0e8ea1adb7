"""Does the judge read length, shape or words instead of content? A pair-level probe (rounds 12-15).

On the calibration questions (the judge never trains on them), reads every line of the probe
folders against its key point and prints per kind how often the judge's most likely label is
the line's own label, how often it is covered, and the mean P(covered):

- ``data/short_probe`` (``check_short.py``): short full statements, short wrong ones, long
  partial and long related lines;
- ``data/extended_probe`` (``check_extended.py``): the point in its own terms followed by a true
  further clause, and the same shape stated wrongly;
- ``data/neighbour_probe`` (``check_neighbour.py``): true statements that reuse the point's words
  for a different claim, and the point made through a concrete example without its terms;
- ``data/tone_probe`` (``check_tone.py``): the point with a true clause that sounds negative,
  the point stated wrongly in the same tone, and small talk with nothing technical in it.

    python training/judge/length.py [JUDGE_DIR]     # default: the shipped judge
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import check_extended
import check_neighbour
import check_short
import check_tone
import numpy as np
from check_mechanism import load

from viva.scoring.judge import COVERED, LABELS, Judge

PROBES = (
    (check_short.PROBE, check_short.KINDS),
    (check_extended.PROBE, check_extended.KINDS),
    (check_neighbour.PROBE, check_neighbour.KINDS),
    (check_tone.PROBE, check_tone.KINDS),
)


def main() -> None:
    judge = Judge(Path(sys.argv[1])) if len(sys.argv) > 1 else Judge()
    points = check_short.calibration_points()
    print("| lines | label | n | read as its label | read as covered | mean P(covered) |")  # noqa: T201
    print("| --- | --- | --- | --- | --- | --- |")  # noqa: T201
    for folder, kinds in PROBES:
        rows = load(folder)
        if not rows:
            continue
        probs = judge.probabilities(
            [(points[str(r["question_id"])][int(str(r["point"]))], str(r["text"])) for r in rows]
        )
        by_kind: dict[str, list[np.ndarray]] = defaultdict(list)
        for row, p in zip(rows, probs, strict=True):
            by_kind[str(row["kind"])].append(p)
        for kind, (label, _, _) in kinds.items():
            got = np.array(by_kind[kind])
            if not len(got):
                continue
            top = got.argmax(axis=1)
            print(  # noqa: T201
                f"| {kind} | {label} | {len(got)} | {np.mean(top == LABELS.index(label)):.3f} | "
                f"{np.mean(top == COVERED):.3f} | {got[:, COVERED].mean():.3f} |"
            )


if __name__ == "__main__":
    main()
