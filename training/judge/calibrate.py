"""Fit the decision layer (``viva.scoring.decision``) on the calibration split.

    python training/judge/calibrate.py --judge desktop/viva/data/judge

Calibration data, all on questions the judge never saw in training (``split.json``):

- the labelled answers of ``tests/eval/tuning.yaml`` on calibration questions (answer level:
  covered / partial / missed per key point);
- the hand-written sentences of ``data/written`` for calibration questions, each read as a
  short answer and labelled for its own key point (covered / partial / incorrect / missed).

Fits a multinomial logistic regression (covered / partial / missed; incorrect counts as missed
there), then the incorrect threshold (highest recall with precision >= 0.9 among points the
regression calls missed) and the relevance gate (below every on-topic calibration answer, with
margin). Writes ``decision.json`` next to the model and prints the fit.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SPLIT: dict[str, str] = json.loads((HERE / "split.json").read_text())["questions"]
log = logging.getLogger("calibrate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--judge", type=Path, required=True)
    parser.add_argument("--C", type=float, default=1.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ["VIVA_JUDGE_DIR"] = str(args.judge)

    from pairs import written  # noqa: PLC0415 (needs the path set up above)

    from viva.bank import load_builtin_bank
    from viva.scoring.decision import CLASSES, FEATURES, DecisionParams, point_evidence
    from viva.scoring.text import build_answer
    from viva.speech.transcript import Transcript

    bank = load_builtin_bank().questions
    rows: list[tuple[np.ndarray, str, float, float, str]] = []  # x, label, p_inc, relevance, src

    tuning = yaml.safe_load((REPO / "tests" / "eval" / "tuning.yaml").read_text())["items"]
    answers = 0
    on_topic_relevance: list[float] = []
    off_topic_relevance: list[float] = []
    for item in tuning:
        q = bank.get(item["question_id"])
        if q is None or SPLIT.get(q.id) != "calibration":
            continue
        if [k.text for k in q.key_points] != item["key_points"]:
            continue
        evidence, relevance = point_evidence(q, build_answer(Transcript.from_text(item["answer"])))
        answers += 1
        if any(lab != "missed" for lab in item["labels"]):
            on_topic_relevance.append(relevance)
        elif item["style"] == "off_topic":
            off_topic_relevance.append(relevance)
        for ev, label in zip(evidence, item["labels"], strict=True):
            rows.append((np.array(ev.features), label, ev.p_incorrect, relevance, "answer"))
    lines = 0
    for (qid, point), items in sorted(written().items()):
        q = bank.get(qid)
        if q is None or SPLIT.get(qid) != "calibration":
            continue
        for row in items:
            evidence, relevance = point_evidence(q, build_answer(Transcript.from_text(row["text"])))
            ev = evidence[point]
            rows.append((np.array(ev.features), row["label"], ev.p_incorrect, relevance, "line"))
            lines += 1
    log.info("calibration: %d answers, %d written lines, %d labelled points", answers, lines,
             len(rows))

    x = np.stack([r[0] for r in rows])
    y = np.array([CLASSES.index(r[1]) if r[1] in CLASSES else CLASSES.index("missed")
                  for r in rows])
    model = LogisticRegression(C=args.C, max_iter=2000)
    model.fit(x, y)
    pred = model.predict(x)
    log.info("regression accuracy on calibration %.3f", float((pred == y).mean()))
    for name, w in zip(FEATURES, model.coef_.T, strict=True):
        log.info("  %-18s %s", name, np.round(w, 2))

    # Incorrect threshold: among points called missed, P(incorrect) separates wrong statements.
    gold_incorrect = np.array([r[1] == "incorrect" for r in rows])
    p_inc = np.array([r[2] for r in rows])
    missed = pred == CLASSES.index("missed")
    best = (0.0, 0.95)
    for t in np.arange(0.3, 0.96, 0.025):
        flagged = missed & (p_inc >= t)
        tp = int((flagged & gold_incorrect).sum())
        precision = tp / max(1, int(flagged.sum()))
        recall = tp / max(1, int((gold_incorrect & missed).sum()))
        if precision >= 0.9 and recall > best[0]:
            best = (recall, float(t))
    incorrect_threshold = round(best[1], 3)
    flagged = missed & (p_inc >= incorrect_threshold)
    log.info("incorrect threshold %.3f: recall %.3f, flagged %d (gold incorrect %d)",
             incorrect_threshold, best[0], int(flagged.sum()), int(gold_incorrect.sum()))
    lowest_on_topic = min(on_topic_relevance) if on_topic_relevance else 0.5
    relevance_threshold = round(min(0.3, 0.5 * lowest_on_topic), 3)
    log.info("relevance: on-topic min %.3f, off-topic %s -> gate %.3f", lowest_on_topic,
             np.round(sorted(off_topic_relevance), 3).tolist(), relevance_threshold)

    order = [list(model.classes_).index(CLASSES.index(c)) for c in CLASSES]
    params = DecisionParams(
        coef=tuple(tuple(round(float(v), 5) for v in model.coef_[k]) for k in order),
        intercept=tuple(round(float(model.intercept_[k]), 5) for k in order),
        incorrect_threshold=incorrect_threshold,
        relevance_threshold=relevance_threshold,
        fitted_on=f"calibration split: {answers} answers of tests/eval/tuning.yaml and "
        f"{lines} written lines, {len(rows)} labelled points",
    )
    (args.judge / "decision.json").write_text(
        json.dumps(params.model_dump(mode="json"), indent=1) + "\n"
    )
    log.info("wrote %s", args.judge / "decision.json")


if __name__ == "__main__":
    main()
