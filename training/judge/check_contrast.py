"""Check the round-11 judge training lines in ``data/contrast/*.jsonl`` (development time only).

Written for a guess that round 11 then refuted (README, round 11): that the judges read a mention
of the practice a key point replaces as a contradiction, because every wrong line of the
training data names the bad practice and no covered line does. In fact every judge calls
"Manual deployments are slow, so we automate them in a pipeline" *partial* for "Replace manual
release steps with automation" (P(incorrect) 0.09-0.31). The lines stay as data: they make a
point the way candidates often do, by naming the bad alternative and rejecting it, with a wrong
line in the same words that lands on the other side::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "contrast", "text": "..."}

Kinds: ``contrast`` (covered: the bad alternative named, rejected, then the point made; two per
point), ``contrast_wrong`` (incorrect: the same contrast, the point's practice dismissed and the
bad alternative kept, also with negators).

Same points, format and limits as ``check_mechanism.py`` (train split and ``data/extra``; no
line about retries, backoff, jitter, timeouts or idempotency).

Usage: python training/judge/check_contrast.py; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from check_mechanism import check

CONTRAST = Path(__file__).resolve().parent / "data" / "contrast"
KINDS = {"contrast": "covered", "contrast_wrong": "incorrect"}

if __name__ == "__main__":
    sys.exit(check(CONTRAST, KINDS))
