"""Written lines passed through the real speech channel, for training and a probe (round 20).

The hand-written recogniser-slip lines (``kind: asr`` in ``data/written``) are all labelled
covered, so nothing shows the judge garbled text that does *not* make the point. On a TTS ->
Whisper transcript the shipped judge credits "Landing a column in Actually Marisking 1,
because every reader has to be updated before you add it, or they're queer in fail" (a wrong
statement, "Adding a column is actually the risky one ...", garbled) with P(covered)
0.74-0.97 for four different key points of its question (README, round 20).

This script reads written lines that do not make their point, samples up to ``--per-point``
per key point (seeded), speaks each with espeak-ng (en-us, 160 wpm), transcribes it with Viva's
own batch path and the question's hotwords (as the app does) and writes the transcript:

- ``--source missed`` (related, keywords, vague, relabel lines): label missed; garbling a line
  that makes no point cannot make it.
- ``--source incorrect`` (contradiction, loose lines): label incorrect while the transcript
  keeps at least KEPT_INCORRECT of the line's content words, else missed.

    {"question_id": ..., "point": 0, "label": "missed", "kind": "asr_channel",
     "source_kind": "related", "text": "<transcript>", "written": "<the written line>",
     "kept": 0.9}

The train split's lines go to ``data/asr_channel/`` (training data), the calibration split's
to ``data/asr_channel_probe/`` (a probe the judge never trains on).

    python training/judge/asr_channel.py --split train --source missed
    python training/judge/asr_channel.py --split calibration --source incorrect
    python training/judge/asr_channel.py --split calibration --source incorrect --read [JUDGE]

``--read`` makes nothing: it reports how the judge (the shipped one unless given) reads the
transcripts, and their written lines: the share of each most likely label, and the mean
P(covered).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "data" / "written"
#: Where each split's transcripts go: training data, and a probe never trained on.
OUT = {"train": HERE / "data" / "asr_channel", "calibration": HERE / "data" / "asr_channel_probe"}
#: The written kinds read per ``--source``, and the label their transcripts carry. A wrong
#: statement garbled may no longer say it: its transcript keeps the label incorrect only while
#: it keeps at least KEPT_INCORRECT of the line's content words, and is missed otherwise
#: (either way it does not make the point).
KEPT_INCORRECT = 0.8
SOURCES = {
    "missed": (("related", "keywords", "vague", "relabel"), "missed"),
    "incorrect": (("contradiction", "loose"), "incorrect"),
}

log = logging.getLogger("asr_channel")


def lines_for(
    split: str, per_point: int, seed: int, kinds: tuple[str, ...] = SOURCES["missed"][0]
) -> list[dict[str, object]]:
    """Up to ``per_point`` written lines of ``kinds`` per key point of the split's questions."""
    questions = json.loads((HERE / "split.json").read_text())["questions"]
    by_point: dict[tuple[str, int], list[dict[str, object]]] = defaultdict(list)
    for path in sorted(WRITTEN.glob("*.jsonl")):
        for raw in path.read_text().splitlines():
            if not raw.strip():
                continue
            row = json.loads(raw)
            if questions.get(row["question_id"]) == split and row["kind"] in kinds:
                by_point[(row["question_id"], int(row["point"]))].append(row)
    rng = random.Random(seed)
    out: list[dict[str, object]] = []
    for key in sorted(by_point):
        rows = by_point[key]
        out += rng.sample(rows, min(per_point, len(rows)))
    return out


def read(path: Path, judge_dir: Path | None) -> int:
    """How the judge reads the channel's transcripts against their written lines."""
    from viva.bank import load_builtin_bank
    from viva.scoring.judge import COVERED, LABELS, Judge

    points = {q.id: [k.text for k in q.key_points] for q in load_builtin_bank().questions.values()}
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    judge = Judge(judge_dir) if judge_dir else Judge()
    for field in ("written", "text"):
        pairs = [(points[str(r["question_id"])][int(r["point"])], str(r[field])) for r in rows]
        probs = judge.probabilities(pairs)
        made = probs.argmax(axis=1)
        shares = ", ".join(
            f"{label} {float((made == k).mean()):.3f}" for k, label in enumerate(LABELS)
        )
        log.info(
            "%s (%d lines): read as %s; mean P(covered) %.3f",
            "written line" if field == "written" else "transcript",
            len(rows),
            shares,
            float(probs[:, COVERED].mean()),
        )
    changed = sum(1 for r in rows if _norm(str(r["text"])) != _norm(str(r["written"])))
    log.info("transcripts that differ from their line in words: %d of %d", changed, len(rows))
    return 0


def _norm(text: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() else " " for c in text).split()


def _kept(written: str, heard: str) -> float:
    """Share of the written line's content words that the transcript still has."""
    from viva.scoring.text import STOPWORDS

    words = [w for w in _norm(written) if w not in STOPWORDS]
    if not words:
        return 1.0
    said = set(_norm(heard))
    return sum(1 for w in words if w in said) / len(words)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--split", choices=("train", "calibration"), required=True)
    p.add_argument("--per-point", type=int, default=2)
    p.add_argument("--seed", type=int, default=20)
    p.add_argument("--limit", type=int, default=0, help="at most this many lines (0: all)")
    p.add_argument("--source", choices=sorted(SOURCES), default="missed")
    p.add_argument("--read", nargs="?", const="shipped", metavar="JUDGE_DIR")
    a = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    kinds, label = SOURCES[a.source]
    name = f"{a.split}.jsonl" if a.source == "missed" else f"{a.split}_{a.source}.jsonl"
    if a.read:
        judge = None if a.read == "shipped" else Path(a.read)
        return read(OUT[a.split] / name, judge)

    from viva.bank import load_builtin_bank
    from viva.scoring.coverage import hotwords
    from viva.speech.transcriber import Transcriber

    bank = load_builtin_bank()
    rows = lines_for(a.split, a.per_point, a.seed, kinds)
    if a.limit:
        rows = rows[: a.limit]
    OUT[a.split].mkdir(parents=True, exist_ok=True)
    target = OUT[a.split] / name
    done = set()
    if target.exists():  # resumable: lines already transcribed are kept
        done = {json.loads(x)["written"] for x in target.read_text().splitlines() if x.strip()}
    transcriber = Transcriber()
    transcriber.load()
    with tempfile.TemporaryDirectory() as tmp, target.open("a") as f:
        wav = Path(tmp) / "line.wav"
        for n, row in enumerate(rows):
            if row["text"] in done:
                continue
            text = str(row["text"])
            subprocess.run(
                ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), text],
                check=True,
                capture_output=True,
            )
            question = bank.questions[str(row["question_id"])]
            heard = transcriber.transcribe(wav, hotwords=hotwords(question)).text.strip()
            kept = _kept(text, heard)
            out = {
                "question_id": row["question_id"],
                "point": row["point"],
                "label": label if label == "missed" or kept >= KEPT_INCORRECT else "missed",
                "kind": "asr_channel",
                "source_kind": row["kind"],
                "text": heard,
                "written": text,
                "kept": round(kept, 3),
            }
            f.write(json.dumps(out) + "\n")
            f.flush()
            if n % 50 == 0:
                log.info("%d / %d", n, len(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
