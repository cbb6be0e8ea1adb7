"""STAR structure: per-part precision/recall on labelled behavioural answers, split by question.

    python benchmarks/star_eval.py            # report with the shipped viva/data/star.json
    python benchmarks/star_eval.py --fit      # fit star.json on the calibration questions,
                                              # then report; --write commits the results

``tests/eval/star.yaml`` holds behavioural questions that are not in the bank, spoken-style
answers and, per answer, whether each STAR part is present (labelled by a writer who never saw
the method). Questions are split by a hash of their id: ``calibration`` (the logistic layer of
``viva.scoring.star`` is fitted on these) and ``test`` (only reported). Baselines on the same
test questions: the judge alone and the cues alone (each refitted on calibration the same way).
Writes benchmarks/results/star_eval.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "desktop"))

from viva.bank import Question  # noqa: E402
from viva.bank.models import STAR_PARTS  # noqa: E402
from viva.scoring import star  # noqa: E402
from viva.scoring.text import build_answer  # noqa: E402
from viva.speech.transcript import Transcript  # noqa: E402

EVAL = REPO / "tests" / "eval" / "star.yaml"
RESULTS = REPO / "benchmarks" / "results"
#: Feature columns each variant may use (indices into star.FEATURES).
VARIANTS: dict[str, list[int]] = {
    "judge + cues (shipped)": [0, 1, 2, 3, 4],
    "judge alone": [0],
    "cues alone": [1, 2, 3, 4],
}


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    question: Question
    style: str
    answer: str
    labels: dict[str, bool]


def split_of(question_id: str) -> str:
    """Half of the questions calibrate, half test; fixed by the id alone."""
    return "calibration" if hashlib.sha256(question_id.encode()).digest()[0] % 2 else "test"


def load() -> list[Item]:
    data = yaml.safe_load(EVAL.read_text(encoding="utf-8")) or {}
    items: list[Item] = []
    for raw in data.get("questions") or []:
        q = Question.model_validate(
            {
                "id": raw["id"],
                "question": raw["question"],
                "topic": "behavioural",
                "difficulty": "intermediate",
                "reference_answer": raw["question"],
                "key_points": ["The answer tells one concrete story."],
                "target_seconds": [60, 150],
            }
        )
        for a in raw.get("answers") or []:
            items.append(Item(a["id"], q, a["style"], a["answer"], dict(a["labels"])))
    return items


def features(items: list[Item]) -> np.ndarray:
    """Answer-level features (items x parts x features)."""
    out = []
    for it in items:
        _, per_piece = star.piece_features(
            it.question, build_answer(Transcript.from_text(it.answer))
        )
        out.append(star.answer_features(per_piece))
    return np.array(out)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1) -> tuple[np.ndarray, float]:
    """Plain L2-regularised logistic regression by Newton's method (small data)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = np.eye(xb.shape[1]) * l2
    reg[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg @ w
        hess = xb.T @ (xb * (p * (1 - p))[:, None]) + reg + np.eye(len(w)) * 1e-6
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w[:-1], float(w[-1])


def fit(x: np.ndarray, items: list[Item], columns: list[int]) -> star.StarParams:
    weights: dict[str, list[float]] = {}
    bias: dict[str, float] = {}
    for k, name in enumerate(STAR_PARTS):
        y = np.array([1.0 if it.labels.get(name) else 0.0 for it in items])
        w, b = fit_logistic(x[:, k, columns], y)
        full = np.zeros(len(star.FEATURES))
        full[columns] = w
        weights[name] = [round(float(v), 4) for v in full]
        bias[name] = round(b, 4)
    questions = sorted({it.question.id for it in items})
    return star.StarParams(
        weights=weights,
        bias=bias,
        fitted_on=f"tests/eval/star.yaml calibration split: {len(questions)} questions, "
        f"{len(items)} answers ({time.strftime('%Y-%m-%d')})",
    )


def evaluate(x: np.ndarray, items: list[Item], p: star.StarParams) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, name in enumerate(STAR_PARTS):
        tp = fp = fn = tn = 0
        for i, it in enumerate(items):
            said = bool(star.part_probabilities(x[i], p)[k] >= p.threshold)
            truth = bool(it.labels.get(name))
            tp += said and truth
            fp += said and not truth
            fn += truth and not said
            tn += not said and not truth
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        out[name] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "accuracy": round((tp + tn) / max(1, len(items)), 3),
            "present": tp + fn,
            "absent": fp + tn,
        }
    return out


def number_accuracy(items: list[Item]) -> dict[str, Any]:
    """result_has_number through the whole scorer, on answers whose result is present."""
    right = total = 0
    for it in items:
        if not it.labels.get("result"):
            continue
        s = star.analyse_structure(it.question, build_answer(Transcript.from_text(it.answer)))
        if not s.result.present:
            continue
        total += 1
        right += s.result_has_number == bool(it.labels.get("result_has_number"))
    return {"answers": total, "accuracy": round(right / total, 3) if total else None}


def per_style(x: np.ndarray, items: list[Item], p: star.StarParams) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for style in sorted({it.style for it in items}):
        idx = [i for i, it in enumerate(items) if it.style == style]
        right = sum(
            bool(star.part_probabilities(x[i], p)[k] >= p.threshold)
            == bool(items[i].labels.get(name))
            for i in idx
            for k, name in enumerate(STAR_PARTS)
        )
        out[style] = {"answers": len(idx), "part_accuracy": round(right / (4 * len(idx)), 3)}
    return out


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# STAR structure (issue 15, part 3)",
        "",
        "`python benchmarks/star_eval.py --fit --write` on "
        f"{result['machine']}. Set: `tests/eval/star.yaml` ({result['questions']} behavioural "
        f"questions not in the bank, {result['answers']} spoken-style answers, labelled per part "
        "by a writer who never saw the method). Split by question: the logistic layer is fitted "
        f"on {result['calibration_questions']} calibration questions, everything below is on the "
        f"other {result['test_questions']} (test) unless marked.",
        "",
        "| method | part | precision | recall | accuracy | present / absent |",
        "|---|---|---|---|---|---|",
    ]
    for variant, parts in result["test"].items():
        for name, m in parts.items():
            lines.append(
                f"| {variant} | {name} | {m['precision']} | {m['recall']} | {m['accuracy']} | "
                f"{m['present']} / {m['absent']} |"
            )
    lines += [
        "",
        "Per style (test questions, shipped method): share of the four part decisions right.",
        "",
        "| style | answers | part accuracy |",
        "|---|---|---|",
        *(
            f"| {s} | {m['answers']} | {m['part_accuracy']} |"
            for s, m in result["per_style"].items()
        ),
        "",
        f"`result_has_number` (test answers whose result is present and found): "
        f"{result['number']['accuracy']} over {result['number']['answers']} answers.",
        "",
        "Calibration questions (fitted on, for reference): "
        + ", ".join(f"{n} {m['accuracy']}" for n, m in result["calibration"].items()),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", action="store_true", help="fit and write viva/data/star.json")
    parser.add_argument("--write", action="store_true", help="write benchmarks/results/")
    args = parser.parse_args()
    items = load()
    calib = [it for it in items if split_of(it.question.id) == "calibration"]
    test = [it for it in items if split_of(it.question.id) == "test"]
    x_cal, x_test = features(calib), features(test)
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "questions": len({it.question.id for it in items}),
        "answers": len(items),
        "calibration_questions": len({it.question.id for it in calib}),
        "test_questions": len({it.question.id for it in test}),
        "test": {},
    }
    shipped = star.params()
    for variant, columns in VARIANTS.items():
        p = fit(x_cal, calib, columns)
        if variant.endswith("(shipped)"):
            if args.fit:
                star.write_params(p)
            shipped = star.params()
        result["test"][variant] = evaluate(
            x_test, test, p if not variant.endswith(")") else shipped
        )
    result["calibration"] = evaluate(x_cal, calib, shipped)
    result["per_style"] = per_style(x_test, test, shipped)
    result["number"] = number_accuracy(test)
    print(markdown(result))  # noqa: T201
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "star_eval.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        (RESULTS / "star_eval.md").write_text(markdown(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
