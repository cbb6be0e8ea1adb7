"""Intelligibility and speed of the natural voice (piper, joe) against the system voice (espeak-ng).

20 questions of the built-in bank (every n-th by id, so all topics appear) are read by both
voices at the app's default rate (170 wpm) through ``viva.speech.speaker.Speaker``, exactly as
the app reads them, and transcribed by the app's default Whisper model
(``viva.speech.transcriber.Transcriber``, tiny.en int8). WER (jiwer, lower-cased, without
punctuation) of each reading against the question text; median and mean over the questions.

Speed: synthesis time per question (median of ``--runs`` runs, each into an empty cache; the
natural voice's process is warm, as in the app, and its start-up is timed separately), and the
first-audio latency the user sees: the time from ``say()`` to the first audio block on the
output device, with the question prepared ahead (cache hit, as after ``prefetch``) and without
(warm process, cache miss). The machine's load average is recorded with every timing.

    python benchmarks/voice.py [--questions 20] [--runs 3] [--write]

Done when the natural voice's median WER <= espeak-ng's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
RATE = 170
ENGINES = (("natural", "natural (piper, en_US-joe-medium)"), ("system", "espeak-ng (pyttsx3)"))


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(ref), normalise(hyp)))


def pick_questions(count: int) -> list[Any]:
    from viva.bank import load_builtin_bank

    questions = sorted(load_builtin_bank(), key=lambda q: q.id)
    step = max(1, len(questions) // count)
    return questions[::step][:count]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def synth_times(engine: str, text: str, runs: int) -> tuple[Path, list[float], list[float]]:
    """Synthesise ``text`` ``runs`` times into an empty cache; (last WAV, seconds, loads)."""
    from viva.speech.speaker import Speaker

    times, loads = [], []
    path: Path | None = None
    for _ in range(runs):
        speaker = Speaker(rate=RATE, engine=engine)
        target = speaker.cache_path(" ".join(text.split()), speaker._engines()[0])  # noqa: SLF001
        target.unlink(missing_ok=True)
        loads.append(load())
        started = time.perf_counter()
        path = speaker.synthesize(text)
        times.append(time.perf_counter() - started)
        if speaker.last_engine not in (engine, "pyttsx3", "espeak-ng"):
            raise RuntimeError(f"{engine} was not used: {speaker.last_engine}")
        if engine == "natural" and speaker.last_engine != "natural":
            raise RuntimeError("the natural voice fell back to the system voice")
    assert path is not None
    return path, times, loads


class _Timer:
    """A sounddevice stand-in wrapper that notes when the first audio block is requested."""

    def __init__(self) -> None:
        import sounddevice

        self.sd = sounddevice
        self.first_block: float | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sd, name)

    def OutputStream(self, *args: Any, callback: Any, **kwargs: Any) -> Any:  # noqa: N802
        def timed(outdata: Any, frames: int, time_info: Any, status: Any) -> None:
            if self.first_block is None:
                self.first_block = time.perf_counter()
            callback(outdata, frames, time_info, status)

        return self.sd.OutputStream(*args, callback=timed, **kwargs)


def first_audio(texts: list[str], prepared: bool) -> list[float]:
    """Seconds from say() to the first output block (the speech is stopped right after)."""
    from viva.speech.speaker import Speaker

    out = []
    for text in texts:
        timer = _Timer()
        speaker = Speaker(rate=RATE, sd_module=timer)
        if prepared:
            speaker.prefetch([text]).join(120)
        else:
            target = speaker.cache_path(" ".join(text.split()), "natural")
            target.unlink(missing_ok=True)
        started = time.perf_counter()
        thread = threading.Thread(target=speaker.say, args=(text,))
        thread.start()
        deadline = time.monotonic() + 120
        while timer.first_block is None and time.monotonic() < deadline and thread.is_alive():
            time.sleep(0.002)
        speaker.stop()
        thread.join(30)
        if timer.first_block is not None:
            out.append(timer.first_block - started)
    return out


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-questions", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write results/voice.{json,md}")
    args = parser.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="viva-voice-bench-"))
    os.environ["VIVA_DATA_DIR"] = str(cache)  # a fresh cache; the user's is left alone
    from viva.speech import speaker as speaker_mod
    from viva.speech.transcriber import Transcriber

    load_start = load()
    started = time.perf_counter()
    speaker_mod.Speaker(rate=RATE).warm_up()
    worker = speaker_mod._natural_worker()  # noqa: SLF001
    voice_load_s = round(time.perf_counter() - started, 3)
    transcriber = Transcriber()
    transcriber.load()

    questions = pick_questions(args.questions)
    rows: list[dict[str, Any]] = []
    for q in questions:
        row: dict[str, Any] = {"id": q.id, "text": q.question}
        for engine, _label in ENGINES:
            path, times, loads = synth_times(engine, q.question, args.runs)
            import soundfile as sf

            audio_s = sf.info(str(path)).duration
            heard = transcriber.transcribe(path).text
            row[engine] = {
                "wer": round(wer(q.question, heard), 4),
                "heard": heard,
                "audio_s": round(audio_s, 3),
                "synth_s": median(times),
                "synth_runs_s": [round(t, 3) for t in times],
                "rtf": round(statistics.median(times) / audio_s, 3),
                "load": max(loads),
            }
        rows.append(row)
        print(  # noqa: T201
            f"{q.id:40s} natural {row['natural']['wer']:.2f} ({row['natural']['synth_s']:.2f} s)"
            f"  espeak {row['system']['wer']:.2f} ({row['system']['synth_s']:.2f} s)",
            flush=True,
        )

    texts = [q.question for q in questions[: args.latency_questions]]
    latency_load = load()
    try:
        hit = first_audio(texts, prepared=True)
        miss = first_audio(texts, prepared=False)
        latency_error = None
    except Exception as exc:  # noqa: BLE001 - any audio device problem: report, keep the rest
        hit, miss, latency_error = [], [], f"{type(exc).__name__}: {exc}"
    speaker_mod.close_natural_voice()

    summary: dict[str, Any] = {}
    for engine, label in ENGINES:
        wers = [r[engine]["wer"] for r in rows]
        summary[engine] = {
            "label": label,
            "wer_median": round(statistics.median(wers), 4),
            "wer_mean": round(statistics.mean(wers), 4),
            "synth_s_median": median([r[engine]["synth_s"] for r in rows]),
            "audio_s_median": median([r[engine]["audio_s"] for r in rows]),
            "rtf_median": median([r[engine]["rtf"] for r in rows]),
        }
    done = summary["natural"]["wer_median"] <= summary["system"]["wer_median"]
    result = {
        "generated": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "rate_wpm": RATE,
        "whisper_model": str(getattr(transcriber, "model_dir", transcriber.model_name)),
        "natural_voice_start_s": voice_load_s,
        "natural_voice_load_in_worker_s": round(worker.load_s or 0.0, 3),
        "load_start": load_start,
        "load_end": load(),
        "summary": summary,
        "first_audio": {
            "questions": len(texts),
            "prepared_s": [round(t, 3) for t in hit],
            "prepared_median_s": median(hit),
            "not_prepared_s": [round(t, 3) for t in miss],
            "not_prepared_median_s": median(miss),
            "load": latency_load,
            "error": latency_error,
        },
        "done": done,
        "questions": rows,
    }
    shutil.rmtree(cache, ignore_errors=True)
    print(json.dumps(summary, indent=2), flush=True)  # noqa: T201
    print(json.dumps(result["first_audio"]), flush=True)  # noqa: T201
    if args.write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "voice.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        (RESULTS / "voice.md").write_text(markdown(result), encoding="utf-8")
    return 0 if done else 1


def markdown(r: dict[str, Any]) -> str:
    s = r["summary"]
    n, e = s["natural"], s["system"]
    fa = r["first_audio"]
    lines = [
        "# Voice benchmark: natural voice vs espeak-ng",
        "",
        f"Generated by `benchmarks/voice.py` on {r['generated']}, {r['machine']['cpus']} CPUs, "
        f"Python {r['machine']['python']}. {len(r['questions'])} bank questions (every n-th by "
        f"id), read at {r['rate_wpm']} wpm through `Speaker` as the app reads them, transcribed "
        f"by the app's default Whisper model (tiny.en int8). WER: jiwer on lower-cased text "
        "without punctuation, against the question text.",
        "",
        "| voice | WER median | WER mean | synthesis s (median) | audio s (median) | RTF |",
        "|---|---|---|---|---|---|",
        f"| {n['label']} | {n['wer_median']:.3f} | {n['wer_mean']:.3f} | {n['synth_s_median']} "
        f"| {n['audio_s_median']} | {n['rtf_median']} |",
        f"| {e['label']} | {e['wer_median']:.3f} | {e['wer_mean']:.3f} | {e['synth_s_median']} "
        f"| {e['audio_s_median']} | {e['rtf_median']} |",
        "",
        f"**Done when natural WER <= espeak WER: {'yes' if r['done'] else 'NO'}** "
        f"(median {n['wer_median']:.3f} vs {e['wer_median']:.3f}; mean {n['wer_mean']:.3f} vs "
        f"{e['wer_mean']:.3f}).",
        "",
        "Synthesis time: median over questions of the median of the runs, each into an empty "
        "cache. The natural voice's process is warm (as in the app); espeak-ng starts a pyttsx3 "
        "process per question (as in the app). Natural voice start-up (process start, imports, "
        f"model load, to its ready line): {r['natural_voice_start_s']} s.",
        "",
        f"First audio (from `say()` to the first block on the output device, natural voice, "
        f"{fa['questions']} questions): prepared ahead (cache hit, as after `prefetch`) median "
        f"{fa['prepared_median_s']} s {fa['prepared_s']}; not prepared (warm process, cache "
        f"miss) median {fa['not_prepared_median_s']} s {fa['not_prepared_s']}."
        + (f" Error: {fa['error']}." if fa["error"] else ""),
        "",
        f"Load average (1 min): {r['load_start']} at start, {fa['load']} at the latency "
        f"measurement, {r['load_end']} at the end (2-core machine; above ~1.5 timings are "
        "inflated by other work).",
        "",
        "| question | natural WER | espeak WER | natural synth s | espeak synth s | load |",
        "|---|---|---|---|---|---|",
    ]
    for q in r["questions"]:
        lines.append(
            f"| {q['id']} | {q['natural']['wer']:.3f} | {q['system']['wer']:.3f} | "
            f"{q['natural']['synth_s']} | {q['system']['synth_s']} | "
            f"{max(q['natural']['load'], q['system']['load'])} |"
        )
    lines += ["", "## What Whisper heard (where either voice was misheard)", ""]
    for q in r["questions"]:
        if q["natural"]["wer"] or q["system"]["wer"]:
            lines.append(f"- **{q['id']}**: {q['text']}")
            lines.append(f"  - natural ({q['natural']['wer']:.2f}): {q['natural']['heard']}")
            lines.append(f"  - espeak ({q['system']['wer']:.2f}): {q['system']['heard']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
