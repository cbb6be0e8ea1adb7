"""Check the key-point restatements in ``data/restated/*.jsonl`` (development time only).

Every key point of a ``train`` question is restated in each of ``FORMS`` (the same meaning,
written as another rubric writer would): the judge is then trained on key points phrased in
several ways, so that a user's own points ("The candidate explains...", "Keep X...", "They...")
read like the bank's. Exit status 1 and one line per problem when something is wrong.

    python training/judge/check_restated.py
"""

from __future__ import annotations

import json
import logging
import sys
from collections import defaultdict
from pathlib import Path

from viva.bank import load_builtin_bank

HERE = Path(__file__).resolve().parent
RESTATED = HERE / "data" / "restated"
SPLIT: dict[str, str] = json.loads((HERE / "split.json").read_text())["questions"]
#: third: a rubric line about the candidate ("The candidate explains that...", "They...");
#: imperative: an instruction or recommendation ("Promote a model only after..."); plain: a
#: declarative sentence in other words; terse: a short noun-phrase rubric item.
FORMS = ("third", "imperative", "plain", "terse")

log = logging.getLogger("check_restated")


def load() -> dict[tuple[str, int], dict[str, str]]:
    """(question id, point) -> form -> text, from every file in ``data/restated``."""
    out: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    for path in sorted(RESTATED.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            key = (row["question_id"], int(row["point"]))
            if row["form"] in out[key]:
                raise ValueError(f"{path.name}:{n}: a second {row['form']!r} line for {key}")
            out[key][row["form"]] = row["text"].strip()
    return out


def problems() -> list[str]:
    bank = load_builtin_bank().questions
    rows = load()
    found: list[str] = []
    for (qid, point), forms in rows.items():
        q = bank.get(qid)
        if q is None or not 0 <= point < len(q.key_points):
            found.append(f"{qid} point {point}: no such key point in the bank")
            continue
        if SPLIT.get(qid) != "train":
            found.append(f"{qid}: not a train question (only train points may be restated)")
        original = q.key_points[point].text.strip().lower()
        seen: set[str] = set()
        for form, text in forms.items():
            if form not in FORMS:
                found.append(f"{qid} point {point}: unknown form {form!r}")
            words = len(text.split())
            if not 2 <= words <= 45:
                found.append(f"{qid} point {point} {form}: {words} words")
            if text.lower() == original or text.lower() in seen:
                found.append(f"{qid} point {point} {form}: repeats another wording")
            seen.add(text.lower())
    for q in bank.values():
        if SPLIT.get(q.id) != "train":
            continue
        for i in range(len(q.key_points)):
            missing = [f for f in FORMS if f not in rows.get((q.id, i), {})]
            if missing:
                found.append(f"{q.id} point {i}: missing {', '.join(missing)}")
    return found


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    found = problems()
    for line in found:
        log.error("%s", line)
    total = sum(len(forms) for forms in load().values())
    log.info("%d restatements, %d problems", total, len(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
