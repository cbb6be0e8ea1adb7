"""App benchmarks: cold start to a visible window, and Stop-to-feedback for a 120 s answer.

Usage: python benchmarks/app_startup.py [--runs 5] [--answer-runs 3] [--out benchmarks/results]

1. Cold start: ``viva`` is launched as a fresh process (offscreen, empty data folder) with
   ``VIVA_EXIT_AFTER_SHOWN=1``; measured from process launch to the line it prints once the
   window is shown and the event loop runs (so the window is usable). Goal <= 1.5 s.
2. Stop-to-feedback: the real window records a 120 s spoken answer (espeak-ng, synthesised once)
   through the real recording path (a replayed input device at real-time pace, the live
   transcriber, the scorer, the SQLite store); measured from pressing Stop to the feedback shown.
   Goal <= 0.8 s (issue 12); the answer is stored after its feedback is shown.
Medians (and min/max) of the runs are written to results/app_startup.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANSWER_SENTENCES = [
    "With a canary release I send a small share of live traffic, say five percent, to the new "
    "model first.",
    "I watch error rates, latency and prediction quality on dashboards while it runs.",
    "If everything holds, I raise the share step by step, to twenty, fifty and then all users.",
    "If the metrics get worse, the router sends everything back to the old model.",
    "Blue green is different: I keep two identical production environments.",
    "Blue serves every user while I deploy and test the new model in green.",
    "Then the load balancer switches all traffic to green in one go.",
    "Rolling back is instant because blue is still running.",
    "The price is double the infrastructure while both environments exist.",
    "So a canary limits the blast radius and shows problems gradually on real traffic.",
    "Blue green gives a clean cutover and an easy way back.",
    "In practice we automate the canary analysis with thresholds in the deployment pipeline.",
]


def cold_start(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(
                os.environ,
                QT_QPA_PLATFORM="offscreen",
                VIVA_EXIT_AFTER_SHOWN="1",
                VIVA_DATA_DIR=tmp,
            )
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "viva"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("window shown"):
                    times.append(time.perf_counter() - t0)
                    break
            proc.wait(timeout=120)
    return times


def make_answer(folder: Path, seconds: float = 120.0) -> Path:
    """A spoken answer of about ``seconds``: the sentences, repeated, 0.6 s pauses between."""
    import numpy as np
    import soundfile as sf

    pieces = []
    total = 0.0
    i = 0
    while total < seconds:
        raw = folder / f"s{i}.wav"
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                "en-us",
                "-s",
                "150",
                "-w",
                str(raw),
                ANSWER_SENTENCES[i % len(ANSWER_SENTENCES)],
            ],
            check=True,
        )
        data, rate = sf.read(str(raw), dtype="float32")
        pieces += [data, np.zeros(int(rate * 0.6), dtype=np.float32)]
        total += len(data) / rate + 0.6
        i += 1
    audio = np.concatenate(pieces)[: int(rate * seconds)]
    out = folder / "answer.wav"
    sf.write(str(out), audio, rate)
    return out


def stop_to_feedback(runs: int, wav: Path, *, vocabulary: bool = True) -> list[dict[str, float]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtTest import QTest

    from viva.app.services import Services
    from viva.settings import Settings
    from viva.speech.replay import ReplaySoundDevice
    from viva.ui.app import create_application
    from viva.ui.main_window import MainWindow

    app = create_application(["viva-benchmark"])  # noqa: F841 - keeps the QApplication alive
    # Where Stop's time goes, per run, on stderr: the recorder closing, the wait for the
    # decode under way and the tail (viva.ui.workers, viva.speech.live).
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    for name in ("viva.speech.live", "viva.ui.workers"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)

    def wait(cond, timeout):  # noqa: ANN001, ANN202
        deadline = time.perf_counter() + timeout
        while not cond():
            if time.perf_counter() > deadline:
                raise TimeoutError("benchmark step timed out")
            QTest.qWait(20)  # sleeps in the event loop; a busy loop starves the workers

    replay = ReplaySoundDevice(wav)
    services = Services(Settings(mic_checked=True), sd_module=replay, live_vocabulary=vocabulary)
    window = MainWindow(services)
    window.show()
    wait(lambda: window.model_where is not None and services.cached_bank is not None, 120)
    practice = window.practice
    errors: list[str] = []
    practice.error_occurred.connect(errors.append)
    window.banner.dismissed.connect(lambda: None)
    results = []
    for _ in range(runs):
        shown: list[object] = []
        stored: list[object] = []
        practice.feedback_shown.connect(shown.append)
        practice.attempt_saved.connect(stored.append)
        practice.select_question("canary-vs-blue-green")
        replay.finished_playing.clear()  # set by the previous run
        practice.start_recording()
        wait(lambda: replay.finished_playing.is_set(), 400)
        practice.stop_recording()
        wait(lambda shown=shown: bool(shown) or bool(errors), 900)
        stop_to_feedback_s = practice.last_stop_to_feedback_s
        # The answer is stored after its feedback is shown; wait for that before the next run.
        wait(lambda stored=stored: bool(stored) or bool(errors), 120)
        if errors:
            raise RuntimeError(f"the app reported: {errors[-1]}")
        practice.feedback_shown.disconnect(shown.append)
        practice.attempt_saved.disconnect(stored.append)
        saved = stored[0]
        results.append(
            {
                "stop_to_feedback_s": stop_to_feedback_s,
                **practice.last_timings,
                "words": len(saved.transcript.words),
                "coverage": saved.feedback.coverage,
            }
        )
        practice.retry()
    window.close()
    wait(lambda: not window.isVisible(), 60)
    return results


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--answer-runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--answer-seconds", type=float, default=120.0)
    parser.add_argument(
        "--no-live-vocabulary",
        action="store_true",
        help="live transcription without the question's vocabulary (to measure its cost)",
    )
    args = parser.parse_args()
    starts = cold_start(args.runs)
    print(f"cold start: median {statistics.median(starts):.3f} s over {len(starts)} runs")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIVA_DATA_DIR"] = str(Path(tmp) / "data")
        wav = make_answer(Path(tmp), args.answer_seconds)
        answers = stop_to_feedback(args.answer_runs, wav, vocabulary=not args.no_live_vocabulary)
    stf = [a["stop_to_feedback_s"] for a in answers]
    secs = f"{args.answer_seconds:.0f} s"
    print(f"stop to feedback ({secs} answer): median {statistics.median(stf):.3f} s")
    result = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "cold_start_to_visible_window_s": summary(starts),
        "answer_seconds": args.answer_seconds,
        "live_vocabulary": not args.no_live_vocabulary,
        "stop_to_feedback_s": summary(stf),
        "load_average_1_5_15": os.getloadavg(),
        "answer_runs": answers,
        "goals": {"cold_start_s": 1.5, "stop_to_feedback_s": 0.8},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "app_startup.json").write_text(json.dumps(result, indent=2) + "\n")
    cs, sf_ = result["cold_start_to_visible_window_s"], result["stop_to_feedback_s"]
    lines = [
        "# App benchmarks (benchmarks/app_startup.py)",
        "",
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, offscreen Qt; "
        f"load average at the end {os.getloadavg()[0]:.1f}; live transcription "
        f"{'without' if args.no_live_vocabulary else 'with'} the question's vocabulary.",
        "",
        "| measure | median | min | max | runs | goal |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| cold start to a visible, usable window | {cs['median']:.3f} s | {cs['min']:.3f} s | "
        f"{cs['max']:.3f} s | {cs['runs']} | ≤ 1.5 s |",
        f"| Stop to feedback, {secs} answer | {sf_['median']:.3f} s | {sf_['min']:.3f} s | "
        f"{sf_['max']:.3f} s | {sf_['runs']} | ≤ 0.8 s |",
        "",
        "Stop-to-feedback parts per run (stop→final transcript, scoring); the answer is "
        "stored after its feedback is shown (save, not part of Stop to feedback):",
        "",
    ]
    for run in answers:
        lines.append(
            f"- {run['stop_to_feedback_s']:.3f} s = transcript {run['stop_to_transcript_s']:.3f} s"
            f" + score {run['score_s']:.3f} s; then save {run['save_s']:.3f} s "
            f"({run['words']} words, coverage {run['coverage']:.0%})"
        )
    (args.out / "app_startup.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
