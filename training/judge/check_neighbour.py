"""Check the round-14 judge training lines in ``data/neighbour/*.jsonl`` (development time only).

On the development sets, answers to a *neighbouring* question earn credit: an answer about
validating an LLM's output ("if the output fails a check, retry with a stricter prompt") is read
as making "retry rate-limited calls with backoff", and point-in-time joins for a training set as
making "on-demand features are computed at request time" (candidate L, P(covered) 0.94 and 0.84;
those answers' relevance is 0.94-0.97, so the answer-level gate cannot help). The judge reads the
point's words, not its claim. Every written missed line so far either shares few of the point's
words or is vague talk about its subject. These lines give the judge true statements that reuse
the point's own words for a different claim, and the opposite case, the point made through a
concrete example without its terms, for every train and extra key point::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "missed",
     "kind": "neighbour", "text": "..."}

Kinds (words per line):

- ``neighbour`` (missed, 10-40): a true, on-topic statement that reuses several of the point's
  own key words or its subject for a different claim, as an answer to a neighbouring question
  would; it makes no part of the point and does not contradict it. Two per point, about
  different neighbouring claims.
- ``example`` (covered, 12-45): the whole point made through a concrete example or a short
  story from practice, without naming it in the point's technical terms; an expert hearing it
  knows every part of the point was made.

``data/neighbour_probe`` holds the same kinds for the calibration questions' points, never
trained on, read by ``length.py``. Same points and subject limit as ``check_short.py``.

Usage: python training/judge/check_neighbour.py [FILE.jsonl]; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from check_short import main

HERE = Path(__file__).resolve().parent
NEIGHBOUR = HERE / "data" / "neighbour"
PROBE = HERE / "data" / "neighbour_probe"
KINDS = {"neighbour": ("missed", 10, 40), "example": ("covered", 12, 45)}

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], NEIGHBOUR, PROBE, KINDS))
