"""Check the round-29 judge training lines in ``data/polarity/*.jsonl`` (development time only).

Found in a new-user walkthrough (README, round 28): every judge so far reads a correct sentence
worded through a negation or a difference as a *wrong statement* of its point. "Skew is a
mismatch between the training data and the serving data" and "... are not the same" got
P(incorrect) 0.97-0.99 for "Skew is a difference between training-time and serving-time
features or data"; "Users are unaffected because the shadow's answers are only logged",
0.94 for "Shadow deployment has no user impact". In the training data, a negator is mostly a
sign of a wrong line. These lines make every point through negation, absence, difference or
contrast words, beside a wrong line worded the same way, so that the words stop deciding::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "polarity", "text": "..."}

Kinds: ``polarity`` (covered: the whole point, true, said through "not", "no", "never",
"without", "doesn't", "un-" words, "differs", "mismatch", "instead of"; two per point),
``polarity_wrong`` (incorrect: the point's subject stated wrongly in the same kind of words;
one per point).

Same points, format and limits as ``check_mechanism.py`` (train split and ``data/extra``; no
line about retries, backoff, jitter, timeouts or idempotency). The test-split questions the
walkthrough found it on have no lines, so the strict xfail
``test_a_definition_worded_as_a_mismatch_is_credited`` stays a test of generalisation.

Usage: python training/judge/check_polarity.py [FOLDER]; exit status 1 on any problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from check_mechanism import check

POLARITY = Path(__file__).resolve().parent / "data" / "polarity"
KINDS = {"polarity": "covered", "polarity_wrong": "incorrect"}

if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else POLARITY, KINDS))
