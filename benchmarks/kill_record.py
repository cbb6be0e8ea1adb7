"""Kill `viva record` with SIGKILL N times at random moments; count readable recordings.

Needs the virtual microphone (shared/virtual-audio/setup_virtual_audio.sh). For each trial:
start `viva record OUT --question ID`, wait for its "recording to" line, sleep a random 1.5-6 s,
SIGKILL it, then read the file as it lies with Python's `wave` (header frames) and libsndfile,
and after `repair_unfinished`. Writes benchmarks/results/kill_record.{json,md}.

    nice -n 10 .venv/bin/python benchmarks/kill_record.py --trials 50
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

import soundfile as sf

from viva.speech.recorder import repair_unfinished

RESULTS = Path(__file__).resolve().parent / "results"


def trial(folder: Path, i: int, rng: random.Random) -> dict[str, object]:
    out = folder / f"answer-{i:03d}.wav"
    proc = subprocess.Popen(
        [sys.executable, "-m", "viva", "record", str(out), "--seconds", "60", "--question", "q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    started = time.monotonic()
    wait = rng.uniform(1.5, 6.0)
    time.sleep(wait)
    proc.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    proc.wait()
    row: dict[str, object] = {"trial": i, "ran_s": round(killed - started, 2), "line": line.strip()}
    try:
        with wave.open(str(out), "rb") as w:
            row["wave_s"] = w.getnframes() / w.getframerate()
    except (wave.Error, EOFError, OSError) as exc:
        row["wave_s"] = None
        row["wave_error"] = str(exc)
    try:
        row["sndfile_s"] = sf.info(str(out)).duration
    except (RuntimeError, OSError) as exc:
        row["sndfile_s"] = None
        row["sndfile_error"] = str(exc)
    row["sidecar"] = out.with_name(out.name + ".partial").exists()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="viva-kill-") as tmp:
        folder = Path(tmp)
        rows = [trial(folder, i, rng) for i in range(args.trials)]
        # Repair renames each file to carry its question id: answer-000.wav -> answer-000-q.wav
        repaired = {r.path.name[: len("answer-000")]: r for r in repair_unfinished(folder)}
        for row in rows:
            rep = repaired.get(f"answer-{row['trial']:03d}")
            row["repaired_s"] = rep.duration_s if rep and rep.repaired else None
    readable = [r for r in rows if r["wave_s"]]
    gaps = [float(r["ran_s"]) - float(r["wave_s"]) for r in readable]  # type: ignore[arg-type]
    summary = {
        "trials": len(rows),
        "readable_as_is_wave": len(readable),
        "readable_as_is_libsndfile": sum(1 for r in rows if r["sndfile_s"]),
        "repaired": sum(1 for r in rows if r["repaired_s"]),
        "audio_recorded_s": round(sum(float(r["ran_s"]) for r in rows), 1),  # type: ignore[arg-type]
        "audio_in_header_s": round(sum(float(r["wave_s"] or 0) for r in rows), 1),  # type: ignore[arg-type]
        "audio_after_repair_s": round(sum(float(r["repaired_s"] or 0) for r in rows), 1),  # type: ignore[arg-type]
        "header_behind_kill_s_median": round(statistics.median(gaps), 2) if gaps else None,
        "header_behind_kill_s_max": round(max(gaps), 2) if gaps else None,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "kill_record.json").write_text(
        json.dumps({"summary": summary, "trials": rows}, indent=1), encoding="utf-8"
    )
    lines = [
        "# `viva record` killed with SIGKILL",
        "",
        f"`nice -n 10 .venv/bin/python benchmarks/kill_record.py --trials {args.trials}` "
        "(virtual microphone; 2 loaded cores). Time recorded counts from the process's "
        "'recording to' line to the kill, so it includes the stream start-up.",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in summary.items()),
        "",
    ]
    (RESULTS / "kill_record.md").write_text("\n".join(lines), encoding="utf-8")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
