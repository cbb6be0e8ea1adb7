"""Evaluate key-point coverage on labelled answers, split by question (tests/eval/README.md).

Sets, each reported on its own:

- ``plain``, ``plain2``, ...: questions that are not in the bank, key points written as plain
  sentences (no ``concepts``), labels covered / partial / missed / incorrect, each file written
  by a different writer who never saw the judge's data. Nothing was fitted on them.
- ``heldout``: answers to bank questions of the ``test`` split (``training/judge/split.json``),
  which neither the judge nor the decision layer saw. Items on other questions are dropped.
- ``tuning``: answers to the ``calibration`` questions: the decision layer was fitted on them,
  so this set says how well it fits, not how it generalises.

Methods: ``judge`` (the shipped scorer: cross-encoder + calibrated decision) and ``rules-1.3``
(the concept matcher alone with its off-topic gate, as scorer 1.3 shipped it).

Metrics: strict F1 (covered is positive; partial and incorrect are not), lenient F1 (covered or
partial), coverage MAE, mean coverage of keyword-dropping and off-topic answers, wrong
statements credited (points labelled incorrect, or missed in a ``wrong``-style answer, that get
covered), correct points called incorrect, and the time per answer.

    python benchmarks/scoring_eval.py
        [--sets plain,plain2,plain3,plain4,plain5,plain6,plain7,plain8,plain9,heldout,tuning]
        [--spoken 24 [--spoken-cache FILE]] [--write]

``--spoken-cache FILE`` keeps the spoken answers' transcripts (JSON, keyed by the model, the
answer's text and the hotwords), so that comparing two judges scores the very same transcripts
and a second run takes minutes instead of half an hour. Transcripts depend on the CPU (int8
decoding), so a cache belongs to one machine; keep it out of the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from viva.bank import Question, load_builtin_bank
from viva.scoring import SCORER_VERSION, score_answer
from viva.scoring.coverage import score_coverage
from viva.scoring.text import build_answer
from viva.speech.transcript import Transcript

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO / "tests" / "eval"
RESULTS = REPO / "benchmarks" / "results"
SPLIT: dict[str, str] = json.loads(
    (REPO / "training" / "judge" / "split.json").read_text()
)["questions"]
VALUE = {"covered": 1.0, "partial": 0.5, "missed": 0.0, "incorrect": 0.0}


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    question: Question
    style: str
    answer: str
    labels: tuple[str, ...]


def plain_question(raw: dict[str, Any]) -> Question:
    """A question of the plain set as a user's bank would hold it: key points as sentences."""
    return Question.from_key_points(
        raw["id"], raw["question"], raw["key_points"], raw.get("topic") or "general"
    )


def load_set(name: str) -> tuple[list[Item], list[str]]:
    """Items of one evaluation set, and the ids dropped (stale or on a fitted question)."""
    path = EVAL_DIR / f"{name}.yaml"
    if not path.exists():
        return [], []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    items: list[Item] = []
    dropped: list[str] = []
    if name.startswith("plain"):
        for raw in data.get("questions") or []:
            q = plain_question(raw)
            for a in raw.get("answers") or []:
                items.append(Item(a["id"], q, a["style"], a["answer"], tuple(a["labels"])))
        return items, dropped
    want = {"heldout": "test", "tuning": "calibration"}[name]
    bank = load_builtin_bank()
    for raw in data.get("items") or []:
        q = bank.get(raw["question_id"])
        if q is None or q.key_point_texts != list(raw["key_points"]) or SPLIT.get(q.id) != want:
            dropped.append(raw["id"])
        else:
            items.append(Item(raw["id"], q, raw["style"], raw["answer"], tuple(raw["labels"])))
    return items, dropped


def judge_method(q: Question, t: Transcript) -> tuple[tuple[str, ...], float]:
    fb = score_answer(q, t)
    return tuple(kp.status for kp in fb.key_points), fb.coverage


def rules_method(q: Question, t: Transcript) -> tuple[tuple[str, ...], float]:
    points, _ = score_coverage(q, build_answer(t))
    statuses = tuple("missed" if p.status == "incorrect" else p.status for p in points)
    return statuses, sum(VALUE[s] for s in statuses) / len(statuses)


METHODS: dict[str, Callable[[Question, Transcript], tuple[tuple[str, ...], float]]] = {
    "judge": judge_method,
    "rules-1.3": rules_method,
}


@dataclass(frozen=True, slots=True)
class Scored:
    item: Item
    predicted: tuple[str, ...]
    coverage: float
    seconds: float


def score_items(
    items: Sequence[Item], method: str, transcripts: dict[str, Transcript] | None = None
) -> list[Scored]:
    fn = METHODS[method]
    out: list[Scored] = []
    for it in items:
        transcript = (transcripts or {}).get(it.id) or Transcript.from_text(it.answer)
        t0 = time.perf_counter()
        predicted, coverage = fn(it.question, transcript)
        out.append(Scored(it, predicted, coverage, time.perf_counter() - t0))
    return out


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def metrics(scored: Sequence[Scored]) -> dict[str, Any]:
    strict = [0, 0, 0]
    lenient = [0, 0, 0]
    wrong_total = wrong_credited = 0
    correct_total = correct_called_incorrect = 0
    incorrect_pred = incorrect_pred_right = incorrect_pred_exact = incorrect_gold = 0
    errors: list[float] = []
    pairs = exact = 0
    for s in scored:
        gold_cov = sum(VALUE[x] for x in s.item.labels) / len(s.item.labels)
        errors.append(abs(s.coverage - gold_cov))
        for g, p in zip(s.item.labels, s.predicted, strict=True):
            pairs += 1
            exact += g == p
            for acc, pos in ((strict, ("covered",)), (lenient, ("covered", "partial"))):
                gp, pp = g in pos, p in pos
                acc[0] += gp and pp
                acc[1] += pp and not gp
                acc[2] += gp and not pp
            if g == "incorrect" or (s.item.style == "wrong" and g == "missed"):
                wrong_total += 1
                wrong_credited += p == "covered"
            if g in ("covered", "partial"):
                correct_total += 1
                correct_called_incorrect += p == "incorrect"
            incorrect_gold += g == "incorrect"
            if p == "incorrect":
                incorrect_pred += 1
                incorrect_pred_right += g in ("incorrect", "missed")
                incorrect_pred_exact += g == "incorrect"
    sp, sr, sf = _f1(*strict)
    lp, lr, lf = _f1(*lenient)
    return {
        "answers": len(scored),
        "pairs": pairs,
        "f1_strict": round(sf, 3),
        "precision_strict": round(sp, 3),
        "recall_strict": round(sr, 3),
        "f1_lenient": round(lf, 3),
        "status_accuracy": round(exact / pairs, 3) if pairs else None,
        "coverage_mae": round(statistics.fmean(errors), 3) if errors else None,
        "mean_coverage": round(statistics.fmean(s.coverage for s in scored), 3) if scored else None,
        "mean_gold_coverage": round(
            statistics.fmean(
                sum(VALUE[x] for x in s.item.labels) / len(s.item.labels) for s in scored
            ),
            3,
        )
        if scored
        else None,
        "wrong_statements": wrong_total,
        "wrong_credited": round(wrong_credited / wrong_total, 3) if wrong_total else None,
        "correct_called_incorrect": correct_called_incorrect,
        "of_correct": correct_total,
        "incorrect_predicted": incorrect_pred,
        "incorrect_predicted_not_credited_in_gold": incorrect_pred_right,
        # "incorrect" as its own call: of the points called incorrect, the share labelled
        # incorrect (the rest quote a sentence as wrong about a point it was not about), and of
        # the points labelled incorrect, the share called so (None for sets labelled without
        # an incorrect status: heldout and tuning mark wrong statements as missed).
        "incorrect_precision": (
            round(incorrect_pred_exact / incorrect_pred, 3)
            if incorrect_pred and incorrect_gold
            else None
        ),
        "incorrect_recall": (
            round(incorrect_pred_exact / incorrect_gold, 3) if incorrect_gold else None
        ),
    }


def report(scored: Sequence[Scored]) -> dict[str, Any]:
    by_style: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        by_style[s.item.style].append(s)
    times = sorted(s.seconds for s in scored)
    return {
        "overall": metrics(scored),
        "styles": {k: metrics(v) for k, v in sorted(by_style.items())},
        "ms_per_answer_median": round(1000 * statistics.median(times), 1) if times else None,
        "ms_per_answer_max": round(1000 * times[-1], 1) if times else None,
    }


#: The voice the spoken answers are read in (espeak-ng's options); part of the cache key.
ESPEAK_VOICE = ("-v", "en-us", "-s", "160")


def _spoken_key(model: str, text: str, hotwords: str | None) -> str:
    raw = json.dumps([model, "espeak-ng", *ESPEAK_VOICE, text, hotwords or ""])
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def spoken(items: Sequence[Item], count: int, cache: Path | None = None) -> dict[str, Any]:
    """Synthesise ``count`` answers with espeak-ng, transcribe, score; compare with the text."""
    if shutil.which("espeak-ng") is None:
        return {"skipped": "espeak-ng is not installed"}
    from viva.scoring.coverage import hotwords
    from viva.speech.transcriber import Transcriber

    step = max(1, len(items) // count)
    subset = list(items)[::step][:count]
    transcriber = Transcriber()
    stored: dict[str, Any] = (
        json.loads(cache.read_text()) if cache is not None and cache.exists() else {}
    )
    transcripts: dict[str, Transcript] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for it in subset:
            words = hotwords(it.question)
            key = _spoken_key(transcriber.model_name, it.answer, words)
            if key in stored:
                transcripts[it.id] = Transcript.from_dict(stored[key])
                continue
            wav = Path(tmp) / f"{it.id}.wav"
            subprocess.run(
                ["espeak-ng", *ESPEAK_VOICE, "-w", str(wav), it.answer],
                check=True,
                capture_output=True,
            )
            transcripts[it.id] = transcriber.transcribe(wav, hotwords=words)
            stored[key] = transcripts[it.id].to_dict()
            if cache is not None:  # after each answer: an interrupted run keeps its work
                cache.parent.mkdir(parents=True, exist_ok=True)
                partial = cache.with_name(cache.name + ".part")
                partial.write_text(json.dumps(stored))
                partial.replace(cache)
    text = metrics(score_items(subset, "judge"))
    speech = metrics(score_items(subset, "judge", transcripts))
    return {
        "answers": len(subset),
        "model": transcriber.model_name,
        "text_f1_strict": text["f1_strict"],
        "spoken_f1_strict": speech["f1_strict"],
        "f1_drop": round(text["f1_strict"] - speech["f1_strict"], 3),
        "text_mae": text["coverage_mae"],
        "spoken_mae": speech["coverage_mae"],
    }


ROW = (
    "| {name} | {answers} | {f1_strict} | {precision_strict} | {recall_strict} | {f1_lenient} "
    "| {coverage_mae} | {mean_coverage} | {mean_gold_coverage} | {wrong_credited} "
    "| {correct_called_incorrect} | {incorrect_precision} / {incorrect_recall} |"
)


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Scoring evaluation",
        "",
        f"Scorer {result['scorer_version']}, {result['machine']}. Generated by "
        "`benchmarks/scoring_eval.py --write`. Strict F1: covered is positive. MAE: coverage "
        "(covered 1, partial 0.5) against the labels. Wrong credited: share of wrongly stated "
        "points that were credited as covered. Called incorrect: correct or partly correct "
        "points the scorer called incorrect. Incorrect P / R: of the points called incorrect, "
        "the share labelled incorrect; of those labelled incorrect, the share called so. "
        "`plain` to `plain9` (thirteen writers) and "
        "`heldout` are on questions nothing was fitted on; `tuning` is the decision layer's "
        "calibration set.",
        "",
    ]
    for name, per_method in result["sets"].items():
        lines += [f"## {name}", ""]
        for method, rep in per_method.items():
            if not rep:
                continue
            lines += [
                f"### {method}",
                "",
                "| style | answers | strict F1 | P | R | lenient F1 | MAE | coverage | gold "
                "| wrong credited | called incorrect | incorrect P / R |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            ]
            for style, m in [("all", rep["overall"]), *rep["styles"].items()]:
                lines.append(ROW.format(name=style, **m))
            lines += [
                "",
                f"Time per answer: median {rep['ms_per_answer_median']} ms, "
                f"max {rep['ms_per_answer_max']} ms.",
                "",
            ]
            if rep.get("spoken"):
                lines += [f"Spoken variant: {json.dumps(rep['spoken'])}", ""]
    if result.get("dropped"):
        lines += [f"Dropped (stale, or on a question that was fitted on): {result['dropped']}", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sets",
        default="plain,plain2,plain3,plain4,plain5,plain6,plain7,plain8,plain9,heldout,tuning",
    )
    parser.add_argument("--methods", default="judge,rules-1.3")
    parser.add_argument("--spoken", type=int, default=0, metavar="N")
    parser.add_argument("--spoken-cache", type=Path, default=None, metavar="FILE")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {
        "scorer_version": SCORER_VERSION,
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "sets": {},
        "dropped": {},
    }
    for name in args.sets.split(","):
        items, dropped = load_set(name)
        if dropped:
            result["dropped"][name] = len(dropped)
        result["sets"][name] = {}
        for method in args.methods.split(","):
            scored = score_items(items, method)
            rep = report(scored) if scored else None
            if rep and method == "judge" and args.spoken:
                rep["spoken"] = spoken(items, args.spoken, args.spoken_cache)
            result["sets"][name][method] = rep
            if args.show_errors and method == "judge":
                for s in scored:
                    for i, (g, p) in enumerate(zip(s.item.labels, s.predicted, strict=True)):
                        if g != p:
                            print(
                                f"  {s.item.id} {s.item.style:17} kp{i} gold={g:9} got={p:9} "
                                f"{s.item.question.key_points[i].text[:70]}"
                            )
    text = markdown(result)
    print(text)
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "scoring_eval.json").write_text(json.dumps(result, indent=2) + "\n")
        (RESULTS / "scoring_eval.md").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
