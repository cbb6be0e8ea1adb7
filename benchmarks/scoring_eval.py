"""Evaluate the feedback engine on the labelled answers of tests/eval/ (format: its README.md).

Reports, per split (``heldout`` is the one that counts; ``tuning`` is what the thresholds were
calibrated on): precision, recall and F1 over (answer, key point) pairs, coverage MAE, mean
coverage of keyword-dropping and off-topic answers, the same per answer style, and the time to
score one answer (median over repeats, model already loaded). ``--spoken N`` also synthesises N
answers with espeak-ng, transcribes them with the default Whisper model and reports the F1 drop.

    python benchmarks/scoring_eval.py [--split heldout|tuning|all] [--spoken 24] [--write]

``--write`` saves ``benchmarks/results/scoring_eval.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from viva.bank import Bank, Question, load_builtin_bank
from viva.scoring import SCORER_VERSION, score_answer
from viva.speech.transcript import Transcript

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO / "tests" / "eval"
RESULTS = REPO / "benchmarks" / "results"
VALUE = {"covered": 1.0, "partial": 0.5, "missed": 0.0}


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    question_id: str
    style: str
    split: str
    answer: str
    key_points: tuple[str, ...]
    labels: tuple[str, ...]


def load_items(paths: Iterable[Path]) -> list[Item]:
    items: list[Item] = []
    for path in paths:
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("items") or []:
            items.append(
                Item(
                    id=str(raw["id"]),
                    question_id=str(raw["question_id"]),
                    style=str(raw["style"]),
                    split=str(raw.get("split") or path.stem),
                    answer=str(raw["answer"]),
                    key_points=tuple(raw["key_points"]),
                    labels=tuple(raw["labels"]),
                )
            )
    return items


def usable(items: Sequence[Item], bank: Bank) -> tuple[list[Item], list[str]]:
    """Items whose question exists and whose key points still read as labelled."""
    ok: list[Item] = []
    stale: list[str] = []
    for it in items:
        q = bank.get(it.question_id)
        if q is None or tuple(q.key_point_texts) != it.key_points:
            stale.append(it.id)
        else:
            ok.append(it)
    return ok, stale


@dataclass(frozen=True, slots=True)
class Scored:
    item: Item
    predicted: tuple[str, ...]
    coverage: float
    seconds: float


def score_items(
    items: Sequence[Item],
    bank: Bank,
    repeats: int = 3,
    transcripts: dict[str, Transcript] | None = None,
) -> list[Scored]:
    out: list[Scored] = []
    for it in items:
        q = bank.get(it.question_id)
        assert isinstance(q, Question)
        transcript = (transcripts or {}).get(it.id) or Transcript.from_text(it.answer)
        times = []
        fb = None
        for _ in range(repeats):
            t0 = time.perf_counter()
            fb = score_answer(q, transcript)
            times.append(time.perf_counter() - t0)
        assert fb is not None
        out.append(
            Scored(
                it, tuple(kp.status for kp in fb.key_points), fb.coverage, statistics.median(times)
            )
        )
    return out


def metrics(scored: Sequence[Scored]) -> dict[str, Any]:
    """P/R/F1 with "credited" = covered or partial; strict F1 with covered only; MAE; coverage."""
    tp = fp = fn = 0
    stp = sfp = sfn = 0
    exact = 0
    pairs = 0
    errors: list[float] = []
    for s in scored:
        gold_cov = sum(VALUE[x] for x in s.item.labels) / len(s.item.labels)
        errors.append(abs(s.coverage - gold_cov))
        for g, p in zip(s.item.labels, s.predicted, strict=True):
            pairs += 1
            exact += g == p
            gpos, ppos = g != "missed", p != "missed"
            tp += gpos and ppos
            fp += ppos and not gpos
            fn += gpos and not ppos
            sg, sp = g == "covered", p == "covered"
            stp += sg and sp
            sfp += sp and not sg
            sfn += sg and not sp

    def f1(a: int, b: int, c: int) -> tuple[float, float, float]:
        prec = a / (a + b) if a + b else 1.0
        rec = a / (a + c) if a + c else 1.0
        return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)

    p, r, f = f1(tp, fp, fn)
    _, _, sf = f1(stp, sfp, sfn)
    return {
        "answers": len(scored),
        "pairs": pairs,
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(f, 3),
        "f1_strict": round(sf, 3),
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


def spoken(items: Sequence[Item], bank: Bank, count: int) -> dict[str, Any]:
    """Synthesise ``count`` answers, transcribe them, score; compare with the typed text."""
    if shutil.which("espeak-ng") is None:
        return {"skipped": "espeak-ng is not installed"}
    from viva.scoring.coverage import hotwords
    from viva.speech.transcriber import Transcriber

    step = max(1, len(items) // count)
    subset = list(items)[::step][:count]
    transcriber = Transcriber()
    transcriber.load()
    transcripts: dict[str, Transcript] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for it in subset:
            wav = Path(tmp) / f"{it.id}.wav"
            subprocess.run(
                ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), it.answer],
                check=True,
                capture_output=True,
            )
            q = bank.get(it.question_id)
            assert q is not None
            transcripts[it.id] = transcriber.transcribe(wav, hotwords=hotwords(q))
    text = metrics(score_items(subset, bank, repeats=1))
    speech = metrics(score_items(subset, bank, repeats=1, transcripts=transcripts))
    return {
        "answers": len(subset),
        "model": transcriber.model_name,
        "text_f1": text["f1"],
        "spoken_f1": speech["f1"],
        "f1_drop": round(text["f1"] - speech["f1"], 3),
        "text_mae": text["coverage_mae"],
        "spoken_mae": speech["coverage_mae"],
    }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Scoring evaluation",
        "",
        f"Scorer {result['scorer_version']}, {result['machine']}. Generated by "
        "`benchmarks/scoring_eval.py --write`. Positive = key point credited (covered or "
        "partial); strict F1 counts covered only. Times: median of 3 runs per answer.",
        "",
    ]
    for split, rep in result["splits"].items():
        lines += [f"## {split}", ""]
        if not rep:
            lines += ["(no items)", ""]
            continue
        lines += [
            "| style | answers | precision | recall | F1 | strict F1 | MAE | mean coverage "
            "| gold |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        rows = [("all", rep["overall"]), *rep["styles"].items()]
        for name, m in rows:
            lines.append(
                f"| {name} | {m['answers']} | {m['precision']} | {m['recall']} | {m['f1']} | "
                f"{m['f1_strict']} | {m['coverage_mae']} | {m['mean_coverage']} | "
                f"{m['mean_gold_coverage']} |"
            )
        lines += [
            "",
            f"Time per answer: median {rep['ms_per_answer_median']} ms, "
            f"max {rep['ms_per_answer_max']} ms.",
            "",
        ]
        if rep.get("spoken"):
            sp = rep["spoken"]
            lines += [f"Spoken variant: {json.dumps(sp)}", ""]
    if result.get("stale"):
        lines += [f"Skipped (question missing or key points changed): {result['stale']}", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["heldout", "tuning", "all"], default="all")
    parser.add_argument("--spoken", type=int, default=0, metavar="N")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    bank = load_builtin_bank()
    files = {"tuning": EVAL_DIR / "tuning.yaml", "heldout": EVAL_DIR / "heldout.yaml"}
    splits = ["heldout", "tuning"] if args.split == "all" else [args.split]
    result: dict[str, Any] = {
        "scorer_version": SCORER_VERSION,
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "splits": {},
        "stale": [],
    }
    for split in splits:
        items, stale = usable(load_items([files[split]]), bank)
        result["stale"] += stale
        if not items:
            result["splits"][split] = None
            print(f"{split}: no items ({files[split]} missing or empty)")
            continue
        scored = score_items(items, bank)
        rep = report(scored)
        if args.spoken:
            rep["spoken"] = spoken(items, bank, args.spoken)
        result["splits"][split] = rep
        if args.show_errors:
            for s in scored:
                for i, (g, p) in enumerate(zip(s.item.labels, s.predicted, strict=True)):
                    if g != p:
                        print(
                            f"  {s.item.id} {s.item.style:17} kp{i} gold={g:8} got={p:8} "
                            f"{s.item.key_points[i][:60]}"
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
