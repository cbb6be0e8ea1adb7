"""Kill a recording Viva with SIGKILL N times at random moments; count readable recordings.

`--gui`: the same with the desktop app (offscreen), recording from Practice: each trial starts
the real window in its own data folder, selects a bank question, presses record (the same path
as Space), waits for the recording's sidecar, kills the process, then checks the file as it lies
and that Review would offer it with the question it answered (``pending_recordings``).

Needs the virtual microphone (shared/virtual-audio/setup_virtual_audio.sh). For each trial:
start `viva record OUT --question ID`, wait for its "recording to" line, sleep a random 1.5-6 s,
SIGKILL it, then read the file as it lies with Python's `wave` (header frames) and libsndfile,
and after `repair_unfinished`. Writes benchmarks/results/kill_record.{json,md}.

    nice -n 10 .venv/bin/python benchmarks/kill_record.py --trials 50
    nice -n 10 .venv/bin/python benchmarks/kill_record.py --gui --trials 50
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


def gui_child(question_id: str) -> int:
    """Run the app offscreen, record an answer to ``question_id`` from Practice and print
    "recording to PATH" once its sidecar exists; then keep recording until killed."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer

    from viva.settings import Settings
    from viva.storage.paths import recordings_dir
    from viva.ui.app import build_window, create_application

    app = create_application([])
    window = build_window(Settings(mic_checked=True))

    def record() -> None:
        window.practice.select_question(question_id)
        window.practice.start_recording()
        poll.start()

    def announce() -> None:
        sidecars = list(recordings_dir().glob("*.wav.partial"))
        if sidecars:
            poll.stop()
            print("recording to", sidecars[0].name.removesuffix(".partial"), flush=True)  # noqa: T201

    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(announce)
    window.bank_loaded.connect(record)
    window.show()
    return app.exec()


def kill_after_line(
    cmd: list[str], rng: random.Random, env: dict[str, str] | None = None
) -> tuple[str, float, str]:
    """Start ``cmd``, wait for its first output line, SIGKILL it 1.5-6 s later. Returns the
    line, the seconds between it and the kill, and the end of stderr if it never printed."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:  # it ended before recording: say why instead of counting a lost file
            proc.wait()
            err.seek(0)
            return "", 0.0, err.read()[-600:]
    started = time.monotonic()
    time.sleep(rng.uniform(1.5, 6.0))
    proc.send_signal(signal.SIGKILL)
    killed = time.monotonic()
    proc.wait()
    return line.strip(), round(killed - started, 2), ""


def read_as_it_lies(out: Path, row: dict[str, object]) -> None:
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


def trial(folder: Path, i: int, rng: random.Random) -> dict[str, object]:
    out = folder / f"answer-{i:03d}.wav"
    line, ran, error = kill_after_line(
        [sys.executable, "-m", "viva", "record", str(out), "--seconds", "60", "--question", "q"],
        rng,
    )
    row: dict[str, object] = {"trial": i, "ran_s": ran, "line": line, "never_started": error}
    read_as_it_lies(out, row)
    return row


def gui_trial(folder: Path, i: int, rng: random.Random, ids: list[str]) -> dict[str, object]:
    import os

    from viva.storage.recovery import pending_recordings

    data = folder / f"trial-{i:03d}"
    qid = rng.choice(ids)
    env = {**os.environ, "VIVA_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    line, ran, error = kill_after_line([sys.executable, __file__, "--gui-child", qid], rng, env)
    row: dict[str, object] = {
        "trial": i,
        "ran_s": ran,
        "line": line,
        "question_id": qid,
        "never_started": error,
    }
    wavs = sorted((data / "data" / "recordings").glob("*.wav"))
    row["files"] = len(wavs)
    if wavs:
        read_as_it_lies(wavs[0], row)
    else:
        row.update(wave_s=None, sndfile_s=None, sidecar=False)
    # What Review offers after the crash (it repairs the header and renames first).
    os.environ["VIVA_DATA_DIR"] = str(data)
    try:
        pending = pending_recordings(known_ids=ids)
    finally:
        del os.environ["VIVA_DATA_DIR"]
    row["offered"] = len(pending)
    row["offered_question_ok"] = bool(pending) and pending[0].question_id == qid
    row["repaired_s"] = pending[0].duration_s if pending else None
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--gui", action="store_true", help="kill the desktop app instead")
    parser.add_argument("--gui-child", metavar="QUESTION_ID", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.gui_child:
        return gui_child(args.gui_child)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="viva-kill-") as tmp:
        folder = Path(tmp)
        if args.gui:
            from viva.bank import load_builtin_bank

            ids = sorted(q.id for q in load_builtin_bank())
            rows = [gui_trial(folder, i, rng, ids) for i in range(args.trials)]
        else:
            rows = [trial(folder, i, rng) for i in range(args.trials)]
            # Repair renames each file to carry its question id: answer-000.wav -> answer-000-q.wav
            repaired = {r.path.name[: len("answer-000")]: r for r in repair_unfinished(folder)}
            for row in rows:
                rep = repaired.get(f"answer-{row['trial']:03d}")
                row["repaired_s"] = rep.duration_s if rep and rep.repaired else None
    summary = summarise(rows)
    if args.gui:
        summary["offered_by_review"] = sum(1 for r in rows if r["offered"])
        summary["offered_with_its_question"] = sum(1 for r in rows if r["offered_question_ok"])
        summary["more_than_one_file"] = sum(1 for r in rows if int(r["files"]) > 1)  # type: ignore[call-overload]
    name = "kill_gui" if args.gui else "kill_record"
    title = "The desktop app" if args.gui else "`viva record`"
    command = f"benchmarks/kill_record.py{' --gui' if args.gui else ''} --trials {args.trials}"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"summary": summary, "trials": rows}, indent=1), encoding="utf-8"
    )
    lines = [
        f"# {title} killed with SIGKILL while recording",
        "",
        f"`nice -n 10 .venv/bin/python {command}` "
        "(virtual microphone; 2 loaded cores). Time recorded counts from the process's "
        "'recording to' line to the kill, so it includes the stream start-up.",
        "",
        "| measure | value |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in summary.items()),
        "",
    ]
    (RESULTS / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")
    print(json.dumps(summary, indent=1))  # noqa: T201
    return 0


def summarise(rows: list[dict[str, object]]) -> dict[str, object]:
    readable = [r for r in rows if r["wave_s"]]
    gaps = [float(r["ran_s"]) - float(r["wave_s"]) for r in readable]  # type: ignore[arg-type]
    return {
        "trials": len(rows),
        "recordings_started": sum(1 for r in rows if r["line"]),
        "readable_as_is_wave": len(readable),
        "readable_as_is_libsndfile": sum(1 for r in rows if r["sndfile_s"]),
        "repaired": sum(1 for r in rows if r["repaired_s"]),
        "audio_recorded_s": round(sum(float(r["ran_s"]) for r in rows), 1),  # type: ignore[arg-type]
        "audio_in_header_s": round(sum(float(r["wave_s"] or 0) for r in rows), 1),  # type: ignore[arg-type]
        "audio_after_repair_s": round(sum(float(r["repaired_s"] or 0) for r in rows), 1),  # type: ignore[arg-type]
        "header_behind_kill_s_median": round(statistics.median(gaps), 2) if gaps else None,
        "header_behind_kill_s_max": round(max(gaps), 2) if gaps else None,
    }


if __name__ == "__main__":
    raise SystemExit(main())
