"""How the judge's training data uses definitions, by label (development time only).

A walkthrough found every judge reading correct definitions of training-serving skew ("Skew is
a mismatch between the training data and the serving data", even "Skew is a difference
between the training data and the serving data") as wrong statements (P(incorrect) 0.8-0.99)
on a question no judge trained on. A guess was that the data defines subjects ("<subject> is
/ means / is when / happens when / refers to ...") mostly in wrong statements. This script
counts the lines of that shape in a recipe's data, by label, and lists the subjects whose
definitions are mostly wrong (``--json`` writes them with their question, point and lines).
Round 31 in the README has what it found.

    python training/judge/definitions.py [--with extra,mechanism,...] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path

import pairs
from check_written import SPLIT

log = logging.getLogger("definitions")

#: "<subject> <verb>" at the start of a line, after an optional spoken lead-in.
_DEFINITION = re.compile(
    r"^(?:(?:so|well|um|uh|and|then|i mean|basically|honestly|okay|ok|right),?\s+)*"
    r"(?P<subject>[a-z][\w\-/' ]{1,48}?)\s+"
    r"(?:is(?: just| basically| simply| really| only| actually)? (?:when|where|about|a |an |the |"
    r"that |what |how )|means|refers to|happens when|occurs when|describes|is defined as)",
    re.IGNORECASE,
)
#: Pronouns and generic heads that start a line of that shape without defining anything.
_PRONOUNS = frozenset(["it", "that", "this", "there", "which", "what", "one", "they", "he",
                       "she", "we", "you", "i", "its", "thats", "here"])
_GENERIC = frozenset(["answer", "idea", "point", "problem", "issue", "goal", "key", "trick",
                      "main thing", "thing", "reason", "result", "rule", "catch", "risk",
                      "difference"])
#: Flag a subject with at least this many wrong definitions and at most this share correct.
MIN_WRONG, MAX_COVERED_SHARE = 2, 0.25


def subject(text: str) -> str | None:
    """The normalised subject of a definition-shaped line, or None."""
    m = _DEFINITION.match(text.strip())
    if not m:
        return None
    words = re.sub(r"[\-/]", " ", m.group("subject").lower()).split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    if not 1 <= len(words) <= 5 or words[0] in _PRONOUNS or " ".join(words) in _GENERIC:
        return None
    return " ".join(words)


def recipe_lines(folders: list[str]) -> list[tuple[str, int, dict[str, str]]]:
    """(question id, point, row) for the train split's written lines, the extra questions'
    lines and ``folders``' lines."""
    out = []
    for (qid, point), rows in pairs.written().items():
        if SPLIT.get(qid) == "train":
            out += [(qid, point, r) for r in rows]
    if "extra" in folders:
        for (qid, point), rows in pairs.extra("extra")[1].items():
            out += [(qid, point, r) for r in rows]
    for folder in folders:
        if folder != "extra":
            for (qid, point), rows in pairs.folder_lines(folder).items():
                out += [(qid, point, r) for r in rows]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--with", dest="folders", default="extra,mechanism,contrast,short,"
                        "neighbour,tone", help="the recipe's data folders (2.4's by default)")
    parser.add_argument("--json", type=Path, help="write the flagged subjects here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    by_subject: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    lines = recipe_lines([f for f in args.folders.split(",") if f])
    for qid, point, row in lines:
        s = subject(row["text"])
        if s is None:
            continue
        by_subject[s][row["label"]] += 1
        if row["label"] == "incorrect":
            wrong[s].append((qid, point, row["text"]))
    flagged = {
        s: c for s, c in by_subject.items()
        if c["incorrect"] >= MIN_WRONG and c["covered"] <= MAX_COVERED_SHARE * sum(c.values())
    }
    total = Counter(row["label"] for _, _, row in lines)
    defined = sum((c for c in by_subject.values()), Counter())
    log.info("%d lines, %d definition-shaped: %s (all lines %s)", len(lines),
             sum(defined.values()), dict(defined), dict(total))
    log.info("%d subjects defined, %d flagged (>= %d wrong, <= %.0f %% correct):",
             len(by_subject), len(flagged), MIN_WRONG, 100 * MAX_COVERED_SHARE)
    for s, c in sorted(flagged.items(), key=lambda kv: -kv[1]["incorrect"]):
        log.info("  %-40s %s", s, dict(c))
    if args.json:
        args.json.write_text(json.dumps(
            {s: {"counts": dict(flagged[s]), "wrong": sorted(set(wrong[s]))} for s in flagged},
            indent=1,
        ))


if __name__ == "__main__":
    main()
