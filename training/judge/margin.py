"""How much credit should the decision give? Strict F1 against wrong statements credited.

    python training/judge/margin.py --judge desktop/viva/data/judge [--margins 0,0.25,0.5,1]

The decision layer (``viva.scoring.decision``) is fitted on the calibration split, whose
answers were written by people who had read the bank's key points. This tool asks what the
same judge and decision would do on other writers' questions if *covered* had to win by a
log-odds margin ``d`` over the other classes: a credit given wrongly is then treated as costing
e^d times a credit withheld. The judge runs once per answer; every margin is decided from
the same evidence with the product's own ``decide()`` (``DecisionParams.covered_margin``, the
shipped decision's own margin replaced by ``d``).

For each margin it prints, per evaluation set and as a mean over the sets nothing was fitted
on: strict F1, coverage MAE, wrong statements credited, off-topic coverage and right points
called incorrect (the metrics of ``benchmarks/scoring_eval.py``).

Keep at least one set out of ``--sets`` (the newest, e.g. ``plain8``) when choosing a margin
with this tool, so that the choice can be confirmed on questions it was not made on.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
log = logging.getLogger("margin")
DEFAULT_SETS = "heldout,plain,plain2,plain3,plain4,plain5,plain6,plain7,tuning"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--judge", type=Path, required=True)
    parser.add_argument("--sets", default=DEFAULT_SETS)
    parser.add_argument("--margins", default="0,0.25,0.5,0.75,1.0")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ["VIVA_JUDGE_DIR"] = str(args.judge)
    sys.path.insert(0, str(REPO / "benchmarks"))

    import scoring_eval  # noqa: PLC0415 (benchmarks/ is not a package)
    from viva.scoring.decision import decide, params, point_evidence
    from viva.scoring.text import build_answer
    from viva.speech.transcript import Transcript

    base = params()
    evidence: dict[str, list[tuple[Any, list[Any], float]]] = {}
    for name in args.sets.split(","):
        items, _ = scoring_eval.load_set(name)
        evidence[name] = []
        for item in items:
            found, relevance = point_evidence(
                item.question, build_answer(Transcript.from_text(item.answer))
            )
            evidence[name].append((item, found, relevance))
        log.info("%s: %d answers judged", name, len(items))

    unseen = [n for n in evidence if n != "tuning"]
    out = [
        "| margin | set | strict F1 | MAE | wrong credited | off-topic | called incorrect |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for margin in (float(m) for m in args.margins.split(",")):
        shifted = base.model_copy(update={"covered_margin": margin})
        rows: dict[str, dict[str, Any]] = {}
        for name, judged in evidence.items():
            scored = []
            for item, found, relevance in judged:
                statuses = tuple(decide(e, relevance, shifted).status for e in found)
                coverage = sum(scoring_eval.VALUE[s] for s in statuses) / len(statuses)
                scored.append(scoring_eval.Scored(item, statuses, coverage, 0.0))
            rep = scoring_eval.report(scored)
            m = dict(rep["overall"])
            m["off_topic"] = rep["styles"].get("off_topic", {}).get("mean_coverage")
            rows[name] = m
            out.append(
                f"| {margin} | {name} | {m['f1_strict']} | {m['coverage_mae']} "
                f"| {m['wrong_credited']} | {m['off_topic']} | {m['correct_called_incorrect']} |"
            )
        if unseen:
            called = sum(rows[n]["correct_called_incorrect"] for n in unseen)
            means = [_mean(rows, unseen, k) for k in MEANS]
            out.append(
                f"| {margin} | **mean of {len(unseen)} unseen** | "
                + " | ".join(str(v) for v in means)
                + f" | {called} (sum) |"
            )
    sys.stdout.write("\n".join(out) + "\n")


MEANS = ("f1_strict", "coverage_mae", "wrong_credited", "off_topic")


def _mean(rows: dict[str, dict[str, Any]], names: list[str], key: str) -> float:
    values = [rows[n][key] for n in names if rows[n][key] is not None]
    return round(statistics.fmean(values), 4) if values else float("nan")


if __name__ == "__main__":
    main()
