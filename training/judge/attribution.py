"""Probe judges on subjects absent from all training data (development time only).

``data/unseen_probe/probe.jsonl`` (round 23) holds 24 questions on subjects that are in no bank,
no evaluation set and no training folder (tokenisation, Raft elections, database deadlocks,
generational GC, ...), 74 key points as plain sentences, and per point: two correct lines in
plain words without the point's terms (``plain``), one in its usual terms (``named``), one
half of it (``partial``) and one wrong statement (``wrong``). No judge is trained on it.

Reported per judge, at the pair level (argmax of the judge's four probabilities):
- own point: how each kind is read, and its mean credit P(covered) + 0.5 P(partial);
- **attribution**: every plain and named line paired with the *other* points of its question
  (which it does not state): the share read as covered, or as covered or partial.

Usage: python training/judge/attribution.py JUDGE_DIR [JUDGE_DIR ...]
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1] / "desktop") not in sys.path:
    sys.path.insert(0, str(HERE.parents[1] / "desktop"))
PROBE = HERE / "data" / "unseen_probe" / "probe.jsonl"
KINDS = {"plain": "covered", "named": "covered", "partial": "partial", "wrong": "incorrect"}

log = logging.getLogger("attribution")


def load(path: Path = PROBE) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


Item = tuple[str, str, str]  # key point, line, kind


def pairs(rows: list[dict[str, object]]) -> tuple[list[Item], list[Item]]:
    """(point, line, kind) with the line's own point, and with each sibling point."""
    own: list[Item] = []
    sibling: list[Item] = []
    for q in rows:
        points = q["points"]
        assert isinstance(points, list)
        for line in q["lines"]:  # type: ignore[attr-defined]
            own.append((points[line["point"]], line["text"], line["kind"]))
            if line["kind"] in ("plain", "named"):
                sibling += [
                    (p, line["text"], line["kind"])
                    for j, p in enumerate(points)
                    if j != line["point"]
                ]
    return own, sibling


def report(judge_dir: Path, rows: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    from viva.scoring.judge import LABELS, Judge  # onnxruntime: only when a judge is read

    judge = Judge(judge_dir)
    own, sibling = pairs(rows)
    out: dict[str, dict[str, float]] = {}
    for name, items in (("own", own), ("sibling", sibling)):
        probs = judge.probabilities([(p, t) for p, t, _ in items])
        read = probs.argmax(axis=1)
        for kind in KINDS:
            idx = [i for i, item in enumerate(items) if item[2] == kind]
            if not idx:
                continue
            p = probs[idx]
            row = {f"read_{lab}": float(np.mean(read[idx] == k)) for k, lab in enumerate(LABELS)}
            row["credit"] = float(np.mean(p[:, 0] + 0.5 * p[:, 1]))
            row["n"] = len(idx)
            out[f"{name}:{kind}"] = row
    return out


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not argv:
        log.error("usage: attribution.py JUDGE_DIR [JUDGE_DIR ...]")
        return 2
    rows = load()
    for arg in argv:
        for key, row in report(Path(arg), rows).items():
            log.info(
                "%-28s %-16s n=%3d credit %.3f  covered %.3f  partial %.3f  incorrect %.3f  "
                "missed %.3f",
                Path(arg).name,
                key,
                row["n"],
                row["credit"],
                row["read_covered"],
                row["read_partial"],
                row["read_incorrect"],
                row["read_missed"],
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
