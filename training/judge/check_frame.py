"""Check the round-32 judge training lines in ``data/frame/*.jsonl`` (development time only).

Every judge reads a correct restatement that keeps the key point's frame ("<subject> is /
means / does ...") but words the rest differently as a *wrong statement*: for "Model drift is
the decay of a model's performance over time after deployment", "Model drift is the broad term
for a model's performance decaying after it goes live" gets P(incorrect) 0.98, while "A
model's performance decaying after it goes live is called model drift" gets P(covered) 0.95
(README, round 32). The training data's wrong statements keep the point's frame and change its
predicate; its paraphrases mostly leave the frame. These lines keep the frame both ways::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "frame", "text": "..."}

Kinds: ``frame`` (covered: the point's subject and verb kept, the rest of the point said in
other words; two per point), ``frame_wrong`` (incorrect: the same frame with a false
predicate; one per point).

Same points, format and limits as ``check_mechanism.py`` (train split and ``data/extra``; no
line about retries, backoff, jitter, timeouts or idempotency).

Usage: python training/judge/check_frame.py [FOLDER]; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from check_mechanism import check

FRAME = Path(__file__).resolve().parent / "data" / "frame"
KINDS = {"frame": "covered", "frame_wrong": "incorrect"}

if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else FRAME, KINDS))
