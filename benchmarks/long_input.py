"""Hostile sizes (issue 13 item 7): memory and time of long answers, in separate processes.

    python benchmarks/long_input.py [--minutes 5,10,20] [--words 1000,2000,4000]

* Long speech: ``viva transcribe`` of espeak-ng answers (bank reference answers read one after
  another) of the given lengths; the child's peak RSS and wall time. Bounded memory means
  peak RSS grows far slower than the audio.
* Long text: ``viva score --transcript`` of answers of the given word counts (reference answers
  repeated); wall time per 1,000 words shows whether scoring stays linear.

Each run is its own process, so one measurement does not inherit another's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "desktop"))

from viva.bank import load_builtin_bank  # noqa: E402

VIVA = [sys.executable, "-m", "viva"]


def _texts() -> list[str]:
    bank = load_builtin_bank()
    return [q.reference_answer for q in bank.questions.values() if q.reference_answer]


def _child(cmd: list[str]) -> tuple[float, float, int]:
    """Run ``cmd``; wall seconds, that child's own peak RSS in MB (``os.wait4``), exit code."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, proc.returncode


def speech(minutes: int, tmp: Path) -> dict[str, Any]:
    texts = _texts()
    words_needed = minutes * 160
    chosen, i = [], 0
    while sum(len(t.split()) for t in chosen) < words_needed:
        chosen.append(texts[i % len(texts)])
        i += 1
    raw, wav = tmp / "raw.wav", tmp / f"speech_{minutes}min.wav"
    subprocess.run(
        ["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(raw), " ".join(chosen)], check=True
    )
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav)], check=True)
    info = subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True)
    wall, peak, code = _child([*VIVA, "transcribe", str(wav)])
    wav.unlink()
    return {
        "audio_s": round(float(info.stdout), 1),
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak),
        "exit": code,
    }


def text(words: int, tmp: Path) -> dict[str, Any]:
    bank = load_builtin_bank()
    question = bank.questions["canary-vs-blue-green"]
    base = " ".join(_texts())
    reps = base.split()
    answer = " ".join(reps[i % len(reps)] for i in range(words))
    path = tmp / f"answer_{words}.txt"
    path.write_text(answer, encoding="utf-8")
    wall, peak, code = _child(
        [*VIVA, "score", "--question", question.id, "--transcript", str(path), "--json"]
    )
    return {"words": words, "wall_s": round(wall, 1), "peak_rss_mb": round(peak), "exit": code}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", default="5,10,20")
    parser.add_argument("--words", default="1000,2000,4000")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/results/long_input")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "speech": [],
        "text": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.words.split(",") if x):
            result["text"].append(text(n, Path(tmp)))
            sys.stderr.write(f"{result['text'][-1]}\n")
        for m in (int(x) for x in args.minutes.split(",") if x):
            result["speech"].append(speech(m, Path(tmp)))
            sys.stderr.write(f"{result['speech'][-1]}\n")
    result["load_1min_end"] = os.getloadavg()[0]
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    lines = [
        "# Long answers: memory and time (issue 13 item 7)",
        "",
        f"`python benchmarks/long_input.py` on {result['date']}, {result['cpus']} CPUs, load "
        f"{result['load_1min_end']:.2f} at the end. Each row is one process (peak RSS of that "
        "child). Speech: espeak-ng en-us 160 wpm reading bank reference answers one after "
        "another, `viva transcribe`. Text: reference-answer words repeated to the length, "
        "`viva score --transcript --json` against canary-vs-blue-green.",
        "",
        "| text answer, words | wall s | s per 1,000 words | peak RSS MB | exit |",
        "|---|---|---|---|---|",
    ]
    for r in result["text"]:
        lines.append(
            f"| {r['words']} | {r['wall_s']} | {r['wall_s'] / r['words'] * 1000:.1f} "
            f"| {r['peak_rss_mb']} | {r['exit']} |"
        )
    lines += ["", "| speech, s | wall s | peak RSS MB | exit |", "|---|---|---|---|"]
    for r in result["speech"]:
        lines.append(f"| {r['audio_s']} | {r['wall_s']} | {r['peak_rss_mb']} | {r['exit']} |")
    args.out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
