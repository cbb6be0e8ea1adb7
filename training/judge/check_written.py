"""Check the hand-written judge training sentences in ``data/written/*.jsonl``.

Usage: python training/judge/check_written.py [TOPIC ...]

Each line is one JSON object::

    {"question_id": "canary-vs-blue-green", "point": 0, "label": "covered",
     "kind": "spoken", "text": "so we'd let maybe two percent of users hit the new model first"}

``point`` is the 0-based index of the key point in the bank; ``label`` is what the sentence
does to that point (covered | partial | incorrect | missed); ``kind`` says how it was written.
Prints problems and a per-topic count of key points with a complete set, exits 1 on errors.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter, defaultdict
from pathlib import Path

from viva.bank import load_builtin_bank

log = logging.getLogger("check_written")

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "data" / "written"
SPLIT = json.loads((HERE / "split.json").read_text())["questions"]

KINDS = {
    "paraphrase": "covered",  # the point in other words, few shared keywords
    "spoken": "covered",  # the point as said in an interview, hedges and fillers included
    "asr": "covered",  # the point as a recogniser mishears it ("ML flow", "cube flow")
    "partial": "partial",  # a real part of the point, its distinguishing piece left out
    "contradiction": "incorrect",  # the point's own words, stated wrongly
    "keywords": "missed",  # a bare list of the point's terms, nothing said about them
    "related": "missed",  # same subject, plausible, but does not make this point
    # Second round (``<topic>.v3.jsonl``), aimed at the judge's measured failures:
    "specific": "partial",  # one concrete part of the point stated exactly, another part left out
    "vague": "missed",  # on-topic talk about the point's subject that commits to nothing it says
    "loose": "incorrect",  # a wrong claim or practice in the speaker's own words, few shared words
    "concrete": "covered",  # the whole point made through a concrete example, no abstract terms
    "relabel": "missed",  # an existing ``partial`` line (same text) that is vague: it is missed
}
#: What a complete set holds for one key point (at least).
NEEDED = Counter(
    {"paraphrase": 1, "spoken": 1, "asr": 1, "partial": 1, "contradiction": 2, "keywords": 1,
     "related": 1}
)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    bank = load_builtin_bank().questions
    files = (
        [f for t in argv for f in (WRITTEN / f"{t}.jsonl", WRITTEN / f"{t}.v3.jsonl") if f.exists()]
        if argv else sorted(WRITTEN.glob("*.jsonl"))
    )
    partial_lines: set[tuple[str, int, str]] = set()
    relabels: list[tuple[str, tuple[str, int, str]]] = []
    errors = 0
    have: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    seen_text: set[tuple[str, int, str]] = set()
    for path in files:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                log.error("%s: not JSON: %s", where, e)
                errors += 1
                continue
            qid, point, label, kind, text = (
                row.get("question_id"), row.get("point"), row.get("label"), row.get("kind"),
                row.get("text"),
            )
            if qid not in bank:
                log.error("%s: unknown question_id %r", where, qid)
                errors += 1
                continue
            if SPLIT.get(qid) == "test":
                log.error("%s: %s is a held-out test question: write nothing for it", where, qid)
                errors += 1
                continue
            if not isinstance(point, int) or not 0 <= point < len(bank[qid].key_points):
                log.error("%s: point %r out of range for %s", where, point, qid)
                errors += 1
                continue
            if kind not in KINDS or KINDS[kind] != label:
                log.error("%s: kind %r must have label %r, got %r", where, kind,
                          KINDS.get(kind), label)
                errors += 1
                continue
            if not isinstance(text, str) or len(text.split()) < 2:
                log.error("%s: text too short", where)
                errors += 1
                continue
            key = (qid, point, text.strip().lower())
            if kind == "relabel":
                relabels.append((where, key))
                continue
            if kind == "partial":
                partial_lines.add(key)
            if key in seen_text:
                log.error("%s: duplicate text", where)
                errors += 1
            seen_text.add(key)
            have[(qid, point)][kind] += 1
    for where, key in relabels:
        if key not in partial_lines:
            log.error("%s: relabel text is not an existing partial line of that point", where)
            errors += 1
    by_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    second: dict[str, int] = defaultdict(int)
    for q in bank.values():
        if SPLIT.get(q.id) == "test":
            continue
        for i in range(len(q.key_points)):
            complete = not (NEEDED - have[(q.id, i)])
            by_topic[q.topic][0] += complete
            by_topic[q.topic][1] += 1
            second[q.topic] += all(have[(q.id, i)][k] for k in ("specific", "vague", "loose"))
    for topic, (done, total) in sorted(by_topic.items()):
        log.info("%-22s %4d / %4d key points complete, %4d with a second-round set", topic, done,
                 total, second[topic])
    log.info("%d error(s)", errors)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
