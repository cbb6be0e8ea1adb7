"""Check the round-13 judge training lines in ``data/extended/*.jsonl`` (development time only).

Round 12's candidate L read short full statements right but learnt a new shape: the point in its
own words followed by a further clause reads as a contradiction. "Blue green keeps two identical
environments and switches all traffic at once" is covered (P 0.98), and the same with ", so
rollback is instant" is incorrect (P 0.89; README, round 12). The written contradictions are
mostly that shape, and the covered lines that use the point's words are now short. These lines
give the shape both labels, for every train and extra key point::

    {"question_id": "canary-vs-blue-green", "point": 2, "label": "covered",
     "kind": "extended", "text": "..."}

Kinds (words per line):

- ``extended`` (covered, 12-40): the whole point in its own key terms, then a further TRUE
  clause: a consequence, a benefit, a cost or limitation, a reason or a concrete detail. Two per
  point, with different clauses.
- ``extended_wrong`` (incorrect, 12-40): the same shape, in the point's terms, but the point's
  own claim is stated wrongly, and the added clause follows from the wrong claim.

``data/extended_probe`` holds the same kinds for the calibration questions' points, never
trained on. Same points and subject limit as ``check_short.py``.

Usage: python training/judge/check_extended.py [FILE.jsonl]; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from check_short import main

HERE = Path(__file__).resolve().parent
EXTENDED = HERE / "data" / "extended"
PROBE = HERE / "data" / "extended_probe"
KINDS = {"extended": ("covered", 12, 40), "extended_wrong": ("incorrect", 12, 40)}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], EXTENDED, PROBE, KINDS))
