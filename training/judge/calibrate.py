"""Fit the decision layer (``viva.scoring.decision``) on the calibration split.

    python training/judge/calibrate.py --judge desktop/viva/data/judge

Calibration data, all on questions the judge never saw in training (``split.json``):

- the labelled answers of ``tests/eval/tuning.yaml`` on calibration questions (answer level:
  covered / partial / missed per key point);
- the hand-written sentences of ``data/written`` for calibration questions, each read as a
  short answer and labelled for its own key point (covered / partial / incorrect / missed).

Fits a multinomial logistic regression (covered / partial / missed; incorrect counts as missed
there, its rows optionally weighted by ``--incorrect-weight``), then the incorrect thresholds
(the lowest P(incorrect) at which at most 3 % of the points the regression calls missed and
flags are in fact right) and the relevance gate (below every on-topic calibration answer, with
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
    parser.add_argument(
        "--incorrect-weight",
        type=float,
        default=1.0,
        help="weight of the wrong statements (gold incorrect, fitted as missed) in the fit: a "
        "credit given to a wrong statement then costs this many credits withheld, and the fit "
        "decides from the evidence which credit to withhold (round 10; 1 = unweighted)",
    )
    parser.add_argument(
        "--plain-overlap",
        choices=("use", "drop"),
        default="use",
        help="drop: for key points without concepts, fit without the share of the point's own "
        "words found (plain_fraction, plain_covered); only their denial is kept",
    )
    parser.add_argument(
        "--sibling-lines",
        action="store_true",
        help="also fit on each written line that makes its point (covered) paired with the "
        "question's other points, labelled missed, each line's sibling rows weighing one row "
        "in all: the decision learns that a sentence stating another point does not make "
        "this one (round 25)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    os.environ["VIVA_JUDGE_DIR"] = str(args.judge)

    from pairs import written  # noqa: PLC0415 (needs the path set up above)

    from viva.bank import Question, load_builtin_bank
    from viva.scoring.decision import CLASSES, FEATURES, DecisionParams, point_evidence
    from viva.scoring.text import build_answer
    from viva.speech.transcript import Transcript

    bank = load_builtin_bank().questions

    def plain(q: Question) -> Question:
        """The question as a user would write it: key points as sentences, no hints."""
        data = q.model_dump()
        data["key_points"] = [k.text for k in q.key_points]
        return Question.model_validate(data)

    # Every calibration item is scored twice: with the bank's hints and as a plain question,
    # so the decision learns how far to trust lexical evidence in both cases.
    # x, label, p_inc, relevance, src, weight in the fit (before the wrong statements' weight)
    rows: list[tuple[np.ndarray, str, float, float, str, float]] = []

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
        answer = build_answer(Transcript.from_text(item["answer"]))
        answers += 1
        for variant in (q, plain(q)):
            evidence, relevance = point_evidence(variant, answer)
            if any(lab != "missed" for lab in item["labels"]):
                on_topic_relevance.append(relevance)
            elif item["style"] == "off_topic":
                off_topic_relevance.append(relevance)
            for ev, label in zip(evidence, item["labels"], strict=True):
                rows.append((np.array(ev.features), label, ev.p_incorrect, relevance, "answer",
                             1.0))
    lines = 0
    for (qid, point), items in sorted(written().items()):
        q = bank.get(qid)
        if q is None or SPLIT.get(qid) != "calibration":
            continue
        for row in items:
            answer = build_answer(Transcript.from_text(row["text"]))
            for variant in (q, plain(q)):
                evidence, relevance = point_evidence(variant, answer)
                ev = evidence[point]
                rows.append((np.array(ev.features), row["label"], ev.p_incorrect, relevance,
                             "line", 1.0))
                if args.sibling_lines and row["label"] == "covered" and len(evidence) > 1:
                    for j, other in enumerate(evidence):
                        if j != point:
                            rows.append((np.array(other.features), "missed", other.p_incorrect,
                                         relevance, "sibling", 1.0 / (len(evidence) - 1)))
            lines += 1
    log.info("calibration: %d answers, %d written lines, %d labelled points", answers, lines,
             len(rows))

    x = np.stack([r[0] for r in rows])
    gold = np.array([r[1] for r in rows])
    p_inc = np.array([r[2] for r in rows])
    y = np.array([CLASSES.index(r[1]) if r[1] in CLASSES else CLASSES.index("missed")
                  for r in rows])
    (args.judge / "_work").mkdir(exist_ok=True)
    np.savez(args.judge / "_work" / "calibration-rows.npz", x=x, y=y,
             gold=gold, p_inc=p_inc,
             source=np.array([r[4] for r in rows]))
    if args.plain_overlap == "drop":
        # The calibration answers were written by people who had read the bank's points, so
        # how many of a point's own words an answer repeats predicts the label here better
        # than it will for a candidate who never saw the point. Zero columns get zero weight.
        x[:, FEATURES.index("plain_fraction")] = 0.0
        x[:, FEATURES.index("plain_covered")] = 0.0
    weight = np.where(gold == "incorrect", args.incorrect_weight, 1.0) * np.array(
        [r[5] for r in rows])
    model = LogisticRegression(C=args.C, max_iter=3000)
    model.fit(x, y, sample_weight=weight)
    pred = model.predict(x)
    log.info("regression accuracy on calibration %.3f", float((pred == y).mean()))
    for name, w in zip(FEATURES, model.coef_.T, strict=True):
        log.info("  %-18s %s", name, np.round(w, 2))

    # Incorrect thresholds: among points the regression calls missed, the lowest P(incorrect)
    # at which at most 3 % of the flagged points were in fact (partly) right; once for all
    # points, once for points the concept matcher also found denied. Calling a correct
    # sentence wrong costs the user's trust more than calling a wrong one missed.
    missed = pred == CLASSES.index("missed")
    denied = (x[:, FEATURES.index("lexical_denied")] + x[:, FEATURES.index("plain_denied")]) > 0

    # A judge trained on many wrong statements is sure of them (P(incorrect) > 0.99 for right
    # ones too): above 0.99 the grid gets finer rather than stopping there (round 9).
    grid = [*np.arange(0.3, 0.99, 0.01), 0.99, 0.992, 0.994, 0.996, 0.998, 0.999, 0.9995]

    def threshold(candidates: np.ndarray) -> float:
        for t in grid:
            flagged = candidates & (p_inc >= t)
            n = int(flagged.sum())
            right = sum(1 for g, f in zip(gold, flagged, strict=True)
                        if f and g in ("covered", "partial"))
            if n >= 10 and right <= 0.03 * n:
                return round(float(t), 4)
        return 0.9999

    incorrect_threshold = threshold(missed)
    lexical_incorrect_threshold = min(incorrect_threshold, threshold(missed & denied))
    flagged = missed & ((p_inc >= incorrect_threshold)
                        | (denied & (p_inc >= lexical_incorrect_threshold)))
    n_inc = sum(1 for g in gold if g == "incorrect")
    caught = sum(1 for g, f in zip(gold, flagged, strict=True) if f and g == "incorrect")
    wrongly = sum(1 for g, f in zip(gold, flagged, strict=True) if f and g in ("covered",
                                                                                  "partial"))
    log.info("incorrect thresholds %.3f / %.3f with lexical denial: %d flagged, %d of %d wrong "
             "statements caught, %d (partly) right points flagged", incorrect_threshold,
             lexical_incorrect_threshold, int(flagged.sum()), caught, n_inc, wrongly)
    lowest_on_topic = min(on_topic_relevance) if on_topic_relevance else 0.5
    relevance_threshold = round(min(0.3, 0.5 * lowest_on_topic), 3)
    log.info("relevance: on-topic min %.3f, off-topic %s -> gate %.3f", lowest_on_topic,
             np.round(sorted(off_topic_relevance), 3).tolist(), relevance_threshold)

    order = [list(model.classes_).index(CLASSES.index(c)) for c in CLASSES]
    params = DecisionParams(
        coef=tuple(tuple(round(float(v), 5) for v in model.coef_[k]) for k in order),
        intercept=tuple(round(float(model.intercept_[k]), 5) for k in order),
        incorrect_threshold=incorrect_threshold,
        lexical_incorrect_threshold=lexical_incorrect_threshold,
        relevance_threshold=relevance_threshold,
        fitted_on=f"calibration split: {answers} answers of tests/eval/tuning.yaml and "
        f"{lines} written lines, {len(rows)} labelled points"
        + (f"; wrong statements weighted {args.incorrect_weight:g}"
           if args.incorrect_weight != 1.0 else "")
        + ("; each covered written line also as missed for the question's other points"
           if args.sibling_lines else ""),
    )
    (args.judge / "decision.json").write_text(
        json.dumps(params.model_dump(mode="json"), indent=1) + "\n"
    )
    log.info("wrote %s", args.judge / "decision.json")


if __name__ == "__main__":
    main()
