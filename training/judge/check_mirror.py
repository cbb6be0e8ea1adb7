"""Check the round-21 judge training lines in ``data/mirror/*.jsonl`` (development time only).

Round 20's candidate read "Then you ramp it up step by step as long as the metrics look good"
as *incorrect* for "The canary's share is raised step by step while its metrics stay healthy"
(README, round 20): every training line that shares a wrong statement's words is itself wrong,
so the shared words came to mean a wrong statement. These lines are the other half of those
minimal pairs: for every key point of the train split and of ``data/extra``, a wrong statement
of that point rewritten to state the point correctly and fully, keeping as many of its words
as the meaning allows, at least one of the two without naming the point's subject (as a
speaker says "then you ramp it up")::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "mirror", "text": "...", "from": "the wrong statement it mirrors"}

Same points, format and limits as ``check_mechanism.py`` (train split and ``data/extra``; no
line about retries, backoff, jitter, timeouts or idempotency).

Usage: python training/judge/check_mirror.py; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from check_mechanism import check

MIRROR = Path(__file__).resolve().parent / "data" / "mirror"
KINDS = {"mirror": "covered"}

if __name__ == "__main__":
    sys.exit(check(MIRROR, KINDS))
