"""Does the judge's "incorrect" mean "states *this* point wrongly"? A pair-level probe.

On the calibration questions (the judge never trains on them), builds five kinds of pairs with
``pairs.build``: the point's own written contradictions, its looser wrong practices, the bank's
``wrong`` statements (all should read as incorrect), and the question's *other* points stated
wrongly (``sibling-wrong``: a wrong statement about something else, which should read as missed
for this point) or stated correctly in a negative tone (``sibling-negative``: also missed).
Prints, per kind, how often the judge's most likely label is incorrect or covered, and how often
P(incorrect) >= 0.6.

    python training/judge/specificity.py [JUDGE_DIR]     # default: the shipped judge
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pairs

from viva.scoring.judge import COVERED, INCORRECT, Judge

KINDS = ("written-contradiction", "written-loose", "wrong", "sibling-wrong", "sibling-negative")


def main() -> None:
    judge = Judge(Path(sys.argv[1])) if len(sys.argv) > 1 else Judge()
    built = pairs.build("calibration", seed=99, sibling_wrong=3, sibling_negative=2)
    probe = [p for p in built if p.source in KINDS]
    probs = judge.probabilities([(p.key_point, p.window) for p in probe])
    by_kind: dict[str, list[np.ndarray]] = defaultdict(list)
    for pair, row in zip(probe, probs, strict=True):
        by_kind[pair.source].append(row)
    print("| pairs | n | read as incorrect | read as covered | P(incorrect) >= 0.6 |")  # noqa: T201
    print("| --- | --- | --- | --- | --- |")  # noqa: T201
    for kind in KINDS:
        rows = np.array(by_kind[kind])
        top = rows.argmax(axis=1)
        print(  # noqa: T201
            f"| {kind} | {len(rows)} | {np.mean(top == INCORRECT):.3f} | "
            f"{np.mean(top == COVERED):.3f} | {np.mean(rows[:, INCORRECT] >= 0.6):.3f} |"
        )


if __name__ == "__main__":
    main()
