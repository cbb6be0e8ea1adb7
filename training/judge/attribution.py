"""Probe judges on subjects absent from all training data (development time only).

``data/unseen_probe/probe.jsonl`` (round 23) holds 24 questions on subjects that are in no bank,
no evaluation set and no training folder (tokenisation, Raft elections, database deadlocks,
generational GC, ...), 74 key points as plain sentences, and per point: two correct lines in
plain words without the point's terms (``plain``), one in its usual terms (``named``), one
half of it (``partial``) and one wrong statement (``wrong``). No judge is trained on it.

Reported per judge, at the pair level (argmax of the judge's four probabilities):
- own point: how each kind is read, and its mean credit P(covered) + 0.5 P(partial);
- **attribution**: every plain and named line paired with the *other* points of its question
  (which it does not state): the share read as covered, or as covered or partial;
- own plain lines split by whether they hold a negator of the lexicon (``own:plain:negated``,
  ``own:plain:affirmative``): a correct line worded through "not" or "no" must not be read as
  a wrong statement more often than one without (round 29).

``--decisions`` reads the same lines at the answer level instead, through the whole decision:
each line is a one-line answer to its question (key points as plain sentences), and per
decision file the status every point gets is counted (own point by kind; the other points of
its question for plain and named lines). Rules and the fitted decision are then part of what
is measured, as the app shows it.

Usage: python training/judge/attribution.py JUDGE_DIR [JUDGE_DIR ...]
       python training/judge/attribution.py JUDGE_DIR --decisions D1.json[,D2.json ...]
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def negated(text: str) -> bool:
    """Does ``text`` hold one of the lexicon's negators ("n't" counted as "not")?"""
    from viva.scoring.lexicon import NEGATORS

    words = text.lower().replace("n't", " not").replace("'", "").split()
    return any(w.strip(".,;:!?\"()") in NEGATORS for w in words)


def pairs(
    rows: list[dict[str, object]], query: Callable[[str, list[str]], str] | None = None
) -> tuple[list[Item], list[Item]]:
    """(point, line, kind) with the line's own point, and with each sibling point; the point
    as ``query(point, the question's other points)`` writes it for the judge (``Judge.query``)."""
    own: list[Item] = []
    sibling: list[Item] = []
    for q in rows:
        points = q["points"]
        assert isinstance(points, list)
        asked = [
            query(p, points[:j] + points[j + 1 :]) if query else p for j, p in enumerate(points)
        ]
        for line in q["lines"]:  # type: ignore[attr-defined]
            own.append((asked[line["point"]], line["text"], line["kind"]))
            if line["kind"] in ("plain", "named"):
                sibling += [
                    (p, line["text"], line["kind"])
                    for j, p in enumerate(asked)
                    if j != line["point"]
                ]
    return own, sibling


def report(judge_dir: Path, rows: list[dict[str, object]]) -> dict[str, dict[str, float]]:
    from viva.scoring.judge import LABELS, Judge  # onnxruntime: only when a judge is read

    judge = Judge(judge_dir)
    own, sibling = pairs(rows, judge.query)
    out: dict[str, dict[str, float]] = {}
    for name, items in (("own", own), ("sibling", sibling)):
        probs = judge.probabilities([(p, t) for p, t, _ in items])
        read = probs.argmax(axis=1)
        groups = [(kind, [i for i, item in enumerate(items) if item[2] == kind]) for kind in KINDS]
        if name == "own":
            plain = [i for i, item in enumerate(items) if item[2] == "plain"]
            groups += [
                ("plain:negated", [i for i in plain if negated(items[i][1])]),
                ("plain:affirmative", [i for i in plain if not negated(items[i][1])]),
            ]
        for kind, idx in groups:
            if not idx:
                continue
            p = probs[idx]
            row = {f"read_{lab}": float(np.mean(read[idx] == k)) for k, lab in enumerate(LABELS)}
            row["credit"] = float(np.mean(p[:, 0] + 0.5 * p[:, 1]))
            row["n"] = len(idx)
            out[f"{name}:{kind}"] = row
    return out


def answer_level(
    judge_dir: Path, decisions: list[Path], rows: list[dict[str, object]]
) -> dict[str, dict[str, dict[str, float]]]:
    """Per decision file: per "own:KIND" / "sibling:KIND", the share of each status."""
    import os

    os.environ["VIVA_JUDGE_DIR"] = str(judge_dir)
    from viva.bank import Question
    from viva.scoring.decision import DecisionParams, decide, point_evidence
    from viva.scoring.text import build_answer
    from viva.speech.transcript import Transcript

    read: list[tuple[str, list[Any], float]] = []  # (kind, evidence per point, relevance)
    owner: list[int] = []
    for q in rows:
        question = Question.from_key_points(
            str(q["qid"]), str(q["question"]), q["points"]  # type: ignore[arg-type]
        )
        for line in q["lines"]:  # type: ignore[attr-defined]
            answer = build_answer(Transcript.from_text(line["text"]))
            evidence, relevance = point_evidence(question, answer)
            read.append((line["kind"], evidence, relevance))
            owner.append(line["point"])
    out: dict[str, dict[str, dict[str, float]]] = {}
    for path in decisions:
        params = DecisionParams.model_validate_json(path.read_text())
        counts: dict[str, list[str]] = {}
        for (kind, evidence, relevance), own in zip(read, owner, strict=True):
            for i, ev in enumerate(evidence):
                status = decide(ev, relevance, params).status
                if i == own:
                    counts.setdefault(f"own:{kind}", []).append(status)
                elif kind in ("plain", "named"):
                    counts.setdefault(f"sibling:{kind}", []).append(status)
        out[str(path)] = {
            key: {
                "n": float(len(st)),
                **{s: st.count(s) / len(st) for s in ("covered", "partial", "missed", "incorrect")},
                "credit": (st.count("covered") + 0.5 * st.count("partial")) / len(st),
            }
            for key, st in sorted(counts.items())
        }
    return out


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if "--decisions" in argv:
        k = argv.index("--decisions")
        files = [Path(f) for f in argv[k + 1].split(",")]
        for path, table in answer_level(Path(argv[0]), files, load()).items():
            for key, row in table.items():
                log.info(
                    "%-40s %-16s n=%3d credit %.3f  covered %.3f  partial %.3f  incorrect %.3f  "
                    "missed %.3f",
                    Path(path).parent.name + "/" + Path(path).name, key, row["n"], row["credit"],
                    row["covered"], row["partial"], row["incorrect"], row["missed"],
                )
        return 0
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
