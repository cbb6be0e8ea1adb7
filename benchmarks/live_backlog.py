"""A busy machine in the live path: audio arriving faster than real time (issue 12).

    python benchmarks/live_backlog.py [--speeds 6,10] [--out benchmarks/results/live_backlog]

Feeding a ~2 min espeak-ng answer at N x real time is what a machine N times too slow for
the decoder sees: the worker falls behind. Per speed, the live path runs twice: without a bound
on the backlog (``BACKLOG_GREEDY_S`` effectively infinite) and as shipped (commits decoded with
beam 1 while more than ``BACKLOG_GREEDY_S`` of audio waits). Reported: wait from the end of the
audio to the final transcript (``after_stop_s``), WER against the text espeak-ng read, how many
commits were greedy, and the commit lag. One run per cell: the load is simulated, not measured.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "desktop"))
sys.path.insert(0, str(REPO / "benchmarks"))

import viva.speech.live as live_module  # noqa: E402
from transcription import bank_answers, wer  # noqa: E402
from viva.speech.live import transcribe_live  # noqa: E402
from viva.speech.transcriber import Transcriber  # noqa: E402

log = logging.getLogger("live_backlog")
WORDS = 330  # ~2 min at 165 words per minute


def answer_text() -> str:
    return " ".join(" ".join(bank_answers()[3:12]).split()[:WORDS])


def run(speeds: list[float]) -> dict[str, Any]:
    text = answer_text()
    transcriber = Transcriber()
    transcriber.load()
    rows = []
    shipped = live_module.BACKLOG_GREEDY_S
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "answer.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(wav), text], check=True)
        for speed in speeds:
            for bounded in (False, True):
                live_module.BACKLOG_GREEDY_S = shipped if bounded else float("inf")
                transcript, stats = transcribe_live(transcriber, wav, speed=speed)
                row = {
                    "speed": speed,
                    "backlog_bound": bounded,
                    "after_stop_s": round(stats.after_stop_s or 0.0, 2),
                    "wer": round(wer(text, transcript.text), 4),
                    "greedy_commits": stats.greedy,
                    "commits": stats.commits,
                    "commit_lag_median_s": round(stats.commit_lag_median_s or 0.0, 2),
                    "commit_lag_p90_s": round(stats.commit_lag_p90_s or 0.0, 2),
                    "audio_s": round(stats.audio_s, 1),
                }
                log.info("%s", row)
                rows.append(row)
    live_module.BACKLOG_GREEDY_S = shipped
    return {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_end": round(os.getloadavg()[0], 2),
        },
        "backlog_greedy_s": shipped,
        "rows": rows,
    }


def write(result: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# Live path on a busy machine (benchmarks/live_backlog.py)",
        "",
        f"{result['machine']['cpus']} CPUs, Python {result['machine']['python']}, load "
        f"{result['machine']['load_end']} at the end. A {result['rows'][0]['audio_s']} s "
        "espeak-ng answer fed at N x real time (a machine N times too slow); one run per cell. "
        f"Bound: commits with beam 1 while more than {result['backlog_greedy_s']} s of audio "
        "waits behind the chunk being decoded.",
        "",
        "| speed | backlog bound | end of audio -> final transcript | WER | greedy commits "
        "| commit lag median / p90 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in result["rows"]:
        lines.append(
            f"| {r['speed']}x | {'yes' if r['backlog_bound'] else 'no'} | {r['after_stop_s']} s "
            f"| {r['wer']} | {r['greedy_commits']} of {r['commits']} "
            f"| {r['commit_lag_median_s']} / {r['commit_lag_p90_s']} s |"
        )
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeds", default="6,10")
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / "live_backlog"
    )
    args = parser.parse_args()
    result = run([float(s) for s in args.speeds.split(",")])
    write(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
