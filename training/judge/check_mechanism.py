"""Check the round-9 judge training lines in ``data/mechanism/*.jsonl`` (development time only).

Every earlier judge missed a point said *without its terms*: "we wait longer each time,
doubling the delay, and add a bit of randomness" for "Retries use exponential backoff with
jitter" (P(covered) 0.06-0.26). These lines describe what happens instead of naming it, for
every key point of the train split and of ``data/extra``, with two kinds of wrong statement in
the same plain voice, so that plain words are not learnt as a sign of credit::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "mechanism", "text": "..."}

Kinds: ``mechanism`` (covered: the point said without its terms; the second line of a point
carries on with a true consequence or cost), ``mechanism_wrong`` (incorrect: the mechanism
described wrongly, in plain words), ``reasoned_wrong`` (incorrect: a wrong practice for the
point's subject recommended with a plausible reason, in the point's vocabulary).

No line is about retries, backoff, jitter, timeouts or idempotency, and the points about them
have no lines: the product's own-question test (``tests/scoring/test_judge.py``) is about those,
and it must stay a test of what the judge generalises to.

Usage: python training/judge/check_mechanism.py; exit status 1 on any problem.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from check_extra import load as load_extra
from check_written import SPLIT

HERE = Path(__file__).resolve().parent
MECHANISM = HERE / "data" / "mechanism"
KINDS = {"mechanism": "covered", "mechanism_wrong": "incorrect", "reasoned_wrong": "incorrect"}
#: The own-question test's subject: no line may touch it.
FORBIDDEN = re.compile(
    r"\bretr(y|ies|ied|ying)\b|back-?off|jitter|time-?outs?\b|idempoten", re.IGNORECASE
)
MIN_WORDS, MAX_WORDS = 6, 60

log = logging.getLogger("check_mechanism")


def key_points() -> dict[str, list[str]]:
    """Question id -> key points, for the train split and the extra questions."""
    from viva.bank import load_builtin_bank

    out = {
        q.id: [k.text for k in q.key_points]
        for q in load_builtin_bank().questions.values()
        if SPLIT.get(q.id) == "train"
    }
    for q in load_extra():
        out[q["id"]] = list(q["key_points"])
    return out


def load(folder: Path = MECHANISM) -> list[dict[str, object]]:
    """Every line of ``folder`` (``data/mechanism`` unless told), as written."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return rows


def problems(
    rows: list[dict[str, object]],
    points: dict[str, list[str]],
    kinds: Mapping[str, str | tuple[str, int, int]] = KINDS,
) -> list[str]:
    """What is wrong with ``rows``: each must name one of ``points`` (question id -> key
    points), have a kind of ``kinds`` (kind -> label, or label and the fewest and most words;
    MIN_WORDS-MAX_WORDS unless given), stay off the own-question test's subject and be new."""
    found = []
    seen: set[str] = set()
    for n, row in enumerate(rows):
        qid, kind, text = row.get("question_id"), row.get("kind"), str(row.get("text", ""))
        where = f"line {n + 1} ({qid}, point {row.get('point')})"
        if qid not in points:
            found.append(f"{where}: not a train or extra question")
            continue
        point = row.get("point")
        if not isinstance(point, int) or not 0 <= point < len(points[str(qid)]):
            found.append(f"{where}: no such point")
            continue
        spec = kinds.get(str(kind), "")
        label, low, high = spec if isinstance(spec, tuple) else (spec, MIN_WORDS, MAX_WORDS)
        if kind not in kinds or row.get("label") != label:
            found.append(f"{where}: kind {kind!r} with label {row.get('label')!r}")
        if FORBIDDEN.search(text) or FORBIDDEN.search(points[str(qid)][point]):
            found.append(f"{where}: about the own-question test's subject")
        if not low <= len(text.split()) <= high:
            found.append(f"{where}: {len(text.split())} words, not {low}-{high}")
        if text.lower() in seen:
            found.append(f"{where}: duplicate")
        seen.add(text.lower())
    return found


def check(folder: Path, kinds: dict[str, str]) -> int:
    """Log every problem of ``folder``'s lines and a summary; 1 if there was a problem."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows, points = load(folder), key_points()
    found = problems(rows, points, kinds)
    for p in found:
        log.error(p)
    counts = Counter(str(r.get("kind")) for r in rows)
    done = {(r.get("question_id"), r.get("point")) for r in rows}
    total = sum(len(v) for v in points.values())
    log.info(
        "%d lines %s; %d of %d key points have lines", len(rows), dict(counts), len(done), total
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(check(MECHANISM, KINDS))
