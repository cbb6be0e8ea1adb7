"""Transcription benchmark: batch vs live (real-time fed) on real and synthesised answers.

    python benchmarks/transcription.py [--runs 3] [--out benchmarks/results/transcription]

Per file: WER (jiwer; lower-case, no punctuation) of batch and streaming against the source text,
batch time and RTF, streaming post-Stop latency, median/p90 live lag (word shown; and word
final), peak RSS, model load time. Synthesised answers are made with espeak-ng from MLOps
reference-answer-like text (questions/*.yaml ``reference_answer`` fields when present) in three
voices/speeds. Real time is simulated by feeding the file at 1x through the live path
(FileSource -> LiveTranscriber.feed), the same consumer the Recorder's ``on_chunk`` feeds.
Timings are medians over ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VIVA_SHARED_DIR", REPO.parent / "shared"))
sys.path.insert(0, str(REPO / "desktop"))

from viva.speech.audio import load_audio  # noqa: E402
from viva.speech.live import Commit, LiveTranscriber, transcribe_live  # noqa: E402
from viva.speech.transcriber import Transcriber  # noqa: E402
from viva.speech.transcript import Word  # noqa: E402

JFK_TEXT = (
    "And so my fellow Americans, ask not what your country can do for you, "
    "ask what you can do for your country."
)
HOTWORDS = "MLOps Kubeflow MLflow canary drift feature store Kubernetes"

# Reference-answer-like MLOps text (used when the bank has no reference answers yet).
ANSWERS = [
    "To detect data drift in production, I would first log the inputs and predictions of the "
    "model. Then I compare the live feature distributions with the training data, using a "
    "population stability index or a Kolmogorov Smirnov test for each feature. When the drift "
    "score crosses a threshold, an alert goes to the on call engineer, and we look at whether "
    "the model quality has actually dropped before we retrain.",
    "For a safe rollout I would use a canary deployment. The new model version serves a small "
    "share of the traffic, maybe five percent, while the old version keeps serving the rest. "
    "We watch latency, error rate and the business metrics for both versions. If the canary "
    "looks healthy for a day, we shift more traffic to it, and if it does not, we roll back "
    "automatically with one command.",
    "Experiment tracking matters because we need to reproduce every model. I use MLflow to "
    "record the parameters, the metrics, the code version and the data version of each run, "
    "and the model registry stores the artifacts with a stage such as staging or production. "
    "That way anyone on the team can see which run produced the model that is serving right "
    "now, and why we chose it.",
    "In a Kubeflow pipeline every step runs in its own container on Kubernetes. The pipeline "
    "reads the raw data, validates the schema, builds the features, trains the model, and "
    "evaluates it against the current production model. Only if the new model is better on "
    "the holdout set does the pipeline push it to the registry, so the whole process is "
    "repeatable and easy to audit.",
    "A feature store solves the problem of training and serving skew. The same feature "
    "definitions are used to build the offline training tables and to serve the online "
    "features at low latency. It also keeps point in time correct joins, so that we never "
    "leak information from the future into the training data, which is a very common and "
    "very expensive mistake.",
    "Monitoring a model is more than monitoring a service. Besides latency and errors I track "
    "the prediction distribution, the share of missing values, and the delayed ground truth "
    "labels when they arrive. I put these on a dashboard, and I define service level "
    "objectives, so the team knows when a model needs attention and who is responsible for "
    "fixing it.",
    "When the model degrades I would not retrain blindly. First I check whether the data "
    "pipeline is broken, because an upstream schema change often looks like drift. If the "
    "world has really changed, I retrain on recent data, compare the new model with the old "
    "one offline, and release it through the same canary process as any other change.",
]

VARIANTS = [  # (label, espeak voice, words per minute)
    ("en-us 160wpm", "en-us", 160),
    ("en-gb 175wpm", "en-gb", 175),
    ("en-us+f3 190wpm", "en-us+f3", 190),
]
TARGETS_S = (30, 60, 120)


def normalise(text: str) -> str:
    text = text.lower().replace("-", " ")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def wer(ref: str, hyp: str) -> float:
    import jiwer

    return float(jiwer.wer(normalise(ref), normalise(hyp)))


def insertions(ref: str, hyp: str) -> list[str]:
    """Words of ``hyp`` aligned to nothing in ``ref`` (said by nobody)."""
    import jiwer

    out = jiwer.process_words(normalise(ref), normalise(hyp))
    words = out.hypotheses[0]
    return [
        " ".join(words[c.hyp_start_idx : c.hyp_end_idx])
        for c in out.alignments[0]
        if c.type == "insert"
    ]


def border_errors(
    ref: str, words: Sequence[Word], borders: Sequence[float], near_s: float = 1.0
) -> dict[str, Any]:
    """Where the errors of a transcript fall: within ``near_s`` of a chunk border or not.

    ``words`` are the transcript's timed words, ``borders`` the streamed commits' inner starts
    (audio seconds). Each hypothesis word is an error (substituted or said by nobody) or right;
    a dropped reference word counts at the time of the hypothesis word before it. Run on the
    batch transcript with the stream's borders, the same counts are the control: if the stream's
    extra errors come from cutting the audio, its error rate near the borders rises above the
    batch's there, and not elsewhere.
    """
    import jiwer

    times: list[float] = []
    tokens: list[str] = []
    for w in words:
        for tok in normalise(w.word).split():
            tokens.append(tok)
            times.append((w.start + w.end) / 2)
    counts = {"words_near": 0, "words_far": 0, "errors_near": 0, "errors_far": 0}
    if not tokens:
        return counts

    def near(i: int) -> bool:
        t = times[min(max(i, 0), len(times) - 1)]
        return any(abs(t - b) <= near_s for b in borders)

    for i in range(len(tokens)):
        counts["words_near" if near(i) else "words_far"] += 1
    out = jiwer.process_words(normalise(ref), " ".join(tokens))
    for c in out.alignments[0]:
        if c.type in ("substitute", "insert"):
            for i in range(c.hyp_start_idx, c.hyp_end_idx):
                counts["errors_near" if near(i) else "errors_far"] += 1
        elif c.type == "delete":
            n = c.ref_end_idx - c.ref_start_idx
            counts["errors_near" if near(c.hyp_start_idx - 1) else "errors_far"] += n
    for where in ("near", "far"):
        total = counts[f"words_{where}"]
        rate = counts[f"errors_{where}"] / total if total else None
        counts[f"error_rate_{where}"] = round(rate, 3) if rate is not None else None
    return counts


def faithfulness_files(out_dir: Path) -> list[dict[str, Any]]:
    """jfk with 3 s of silence before and 8 s after, and jfk twice with no pause."""
    import soundfile as sf

    jfk = load_audio(SHARED / "audio" / "jfk_16k.wav")
    out_dir.mkdir(parents=True, exist_ok=True)
    z = lambda s: np.zeros(int(s * 16000), dtype=np.float32)  # noqa: E731
    made = []
    for label, audio, text in (
        ("jfk padded 3+8 s", np.concatenate([z(3), jfk, z(8)]), JFK_TEXT),
        ("jfk twice", np.concatenate([jfk, jfk]), f"{JFK_TEXT} {JFK_TEXT}"),
    ):
        path = out_dir / f"{label.replace(' ', '_').replace('+', '_')}.wav"
        sf.write(str(path), audio, 16000)
        made.append({"file": path, "text": text, "label": label, "duration_s": len(audio) / 16000})
    return made


def bank_answers() -> list[str]:
    """reference_answer fields of the question bank, if it has any."""
    answers: list[str] = []
    try:
        import yaml
    except ImportError:
        return answers
    for path in sorted((REPO / "questions").glob("**/*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        items = data.get("questions", []) if isinstance(data, dict) else data or []
        for q in items if isinstance(items, list) else []:
            if isinstance(q, dict) and isinstance(q.get("reference_answer"), str):
                answers.append(" ".join(q["reference_answer"].split()))
    return [a for a in answers if len(a.split()) >= 20]


def synthesise(
    out_dir: Path, texts: list[str], pinned: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """One file per (target length, voice): sentences added until the target length is met.

    ``pinned`` (label -> text, e.g. from an earlier results file) reuses earlier texts, so runs
    stay comparable while the question bank changes. Files are cached by a hash of their text.
    """
    pinned = pinned or {}
    import soundfile as sf

    out_dir.mkdir(parents=True, exist_ok=True)
    sentences = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if s.strip()]
    items = []
    for k, (label_, voice, wpm) in enumerate(VARIANTS):
        for target in TARGETS_S:
            words_needed = int(target * wpm / 60)
            chosen: list[str] = []
            i = (k * 5 + target) % len(sentences)
            while sum(len(s.split()) for s in chosen) < words_needed:
                chosen.append(sentences[i % len(sentences)])
                i += 1
            text = " ".join(chosen)
            label = f"{target}s {label_}"
            text = pinned.get(label, text)
            digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
            wav = out_dir / f"answer_{target}s_{voice.replace('+', '_')}_{wpm}_{digest}.wav"
            tmp = out_dir / "tmp.wav"
            if not wav.exists():
                subprocess.run(
                    ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(tmp), text], check=True
                )
                # 16 kHz mono 16-bit, like the recorder writes
                subprocess.run(
                    ["sox", "-R", str(tmp), "-r", "16000", "-c", "1", "-b", "16", str(wav)],
                    check=True,
                )
                tmp.unlink()
            info = sf.info(str(wav))
            items.append(
                {
                    "file": wav,
                    "text": text,
                    "label": label,
                    "duration_s": info.frames / info.samplerate,
                }
            )
    return items


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    transcriber = Transcriber(args.model)
    transcriber.load()
    load_s = time.perf_counter() - t0
    from viva.storage.paths import cache_dir

    texts = bank_answers()
    source = "questions/*.yaml reference_answer" if len(texts) >= 3 else "built-in MLOps paragraphs"
    if len(texts) < 3:
        texts = ANSWERS
    files = [
        {
            "file": SHARED / "audio" / "jfk.flac",
            "text": JFK_TEXT,
            "label": "jfk (real)",
            "duration_s": 11.0,
        }
    ]
    pinned: dict[str, str] = {}
    if args.texts_from:
        old = json.loads(args.texts_from.read_text(encoding="utf-8"))
        pinned = {r["file"]: r["reference_text"] for r in old["results"] if "reference_text" in r}
        source += f" (texts pinned from {args.texts_from.name})"
    files += faithfulness_files(cache_dir() / "benchmarks" / "transcription")
    files += synthesise(cache_dir() / "benchmarks" / "transcription", texts, pinned)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",")]
        files = [f for f in files if any(w in f["label"] for w in wanted)]
    options = {
        "pause_s": args.pause,
        "max_chunk_s": args.max_chunk,
        "min_chunk_s": args.min_chunk,
        "tentative_every_s": args.tentative_every,
        "tail_beam_size": args.tail_beam,
        "prepare_beam_size": args.prepare_beam,
        "revise": args.revise,
    }
    rows = []
    for item in files:
        batch_times, post, lag50, lag90, clag50, clag90, tails = [], [], [], [], [], [], []
        waits: list[float] = []
        post_late: list[float] = []
        reused = filler_passes = greedy = 0
        batch_text = live_text = ""
        live_runs = args.long_runs if item["duration_s"] >= 100 else args.live_runs
        for _ in range(args.runs):
            t = time.perf_counter()
            passes = transcriber.filler_passes
            batch = transcriber.transcribe(item["file"], hotwords=HOTWORDS)
            batch_times.append(time.perf_counter() - t)
            filler_passes = transcriber.filler_passes - passes
            batch_text = batch.text
        audio = load_audio(item["file"])
        borders: list[float] = []
        for _ in range(live_runs):
            commits: list[Commit] = []
            live, stats = transcribe_live(
                transcriber,
                audio,
                hotwords=HOTWORDS,
                speed=args.speed,
                on_commit=commits.append,
                **options,
            )
            live_text = live.text
            borders = [c.start_s for c in commits[1:]]
            post.append(stats.after_stop_s or 0.0)
            waits.append(stats.stop_wait_s or 0.0)
            tails.append(stats.tail_s or 0.0)
            reused += stats.reused
            greedy += stats.greedy
            for lst, v in (
                (lag50, stats.lag_median_s),
                (lag90, stats.lag_p90_s),
                (clag50, stats.commit_lag_median_s),
                (clag90, stats.commit_lag_p90_s),
            ):
                if v is not None:
                    lst.append(v)
        if args.stop_after > 0:
            # The user presses Stop a moment after the last word (silence appended).
            pad = np.zeros(int(args.stop_after * 16000), dtype=np.float32)
            for _ in range(args.late_runs):
                _, late = transcribe_live(
                    transcriber,
                    np.concatenate([audio, pad]),
                    hotwords=HOTWORDS,
                    speed=args.speed,
                    **options,
                )
                post_late.append(late.after_stop_s or 0.0)
        med = statistics.median
        row = {
            "file": item["label"],
            "duration_s": round(item["duration_s"], 1),
            "words": len(normalise(item["text"]).split()),
            "batch_wer_pct": round(100 * wer(item["text"], batch_text), 1),
            "stream_wer_pct": round(100 * wer(item["text"], live_text), 1),
            "batch_s": round(med(batch_times), 2),
            "batch_rtf": round(med(batch_times) / item["duration_s"], 3),
            "after_stop_s": round(med(post), 2),
            "after_stop_max_s": round(max(post), 2),
            "after_stop_runs_s": [round(x, 2) for x in post],
            "stop_wait_s": round(med(waits), 2),
            "tail_s": round(med(tails), 2),
            "stop_reused_tail": f"{reused}/{live_runs}",
            # Commits decoded greedily because the worker fell behind (a loaded machine).
            "stream_greedy_commits": greedy,
            "after_stop_late_s": round(med(post_late), 2) if post_late else None,
            "after_stop_late_runs_s": [round(x, 2) for x in post_late],
            "batch_filler_passes": filler_passes,
            "batch_insertions": insertions(item["text"], batch_text),
            "stream_insertions": insertions(item["text"], live_text),
            "lag_median_s": round(med(lag50), 2) if lag50 else None,
            "lag_p90_s": round(med(lag90), 2) if lag90 else None,
            "commit_lag_median_s": round(med(clag50), 2) if clag50 else None,
            "commit_lag_p90_s": round(med(clag90), 2) if clag90 else None,
            # The last live run's chunk borders, and where its errors and the batch's fall.
            "stream_borders_s": [round(b, 2) for b in borders],
            "stream_border_errors": border_errors(item["text"], live.words, borders),
            "batch_border_errors": border_errors(item["text"], batch.words, borders),
            "peak_rss_mb": round(peak_rss_mb(), 0),
            "loadavg_1min": round(os.getloadavg()[0], 2),
            "reference_text": item["text"],
            "batch_text": batch_text,
            "stream_text": live_text,
        }
        rows.append(row)
        print(
            f"{row['file']:>22}  WER batch {row['batch_wer_pct']:5.1f}  stream "
            f"{row['stream_wer_pct']:5.1f}  batch {row['batch_s']:5.2f}s  post-stop "
            f"{row['after_stop_s']:4.2f}s  lag {row['lag_median_s']}/{row['lag_p90_s']}  "
            f"commit lag {row['commit_lag_median_s']}/{row['commit_lag_p90_s']}",
            flush=True,
        )
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg": [round(load_start, 2), round(os.getloadavg()[0], 2)],
        },
        "model": {
            "dir": str(transcriber.model_dir),
            "name": transcriber.model_name,
            "compute_type": transcriber.compute_type,
            "cpu_threads": transcriber.cpu_threads,
            "load_s": round(load_s, 2),
        },
        "text_source": source,
        "hotwords": HOTWORDS,
        "live_policy": options,
        "runs": {
            "batch": args.runs,
            "live": args.live_runs,
            "live_120s": args.long_runs,
            "speed": args.speed,
        },
        "results": rows,
    }


def write_markdown(
    result: dict[str, Any], path: Path, before: dict[str, Any] | None = None
) -> None:
    rows = result["results"]
    m = result["model"]
    runs = result["runs"]
    lines = [
        "# Transcription benchmark",
        "",
        f"Generated by `benchmarks/transcription.py` on {result['machine']['cpus']} CPUs "
        f"(Python {result['machine']['python']}). Model `{m['dir']}` ({m['compute_type']}, "
        f"cpu_threads={m['cpu_threads']}), load time {m['load_s']} s. Text source: "
        f"{result['text_source']}; hotwords `{result['hotwords']}`. Live policy "
        f"{result['live_policy']}, audio fed at {runs['speed']}x through "
        "FileSource -> LiveTranscriber.feed. Timings: median of "
        f"{runs['batch']} batch runs and {runs.get('live_120s', runs['live'])} real-time live "
        f"runs for the 120 s files ({runs['live']} for the others).",
        "",
        "WER: jiwer on lower-cased text without punctuation, vs the text espeak-ng was given "
        "(jfk: the known transcript). Lag: wall time a word is first *shown* (tentative or "
        "committed) minus the time its end was fed; commit lag: until it is final. Post-stop: "
        "end of audio to final transcript, of which *waiting*: for the decode under way at Stop "
        "and any commit behind it, before the tail's own decode; tail: audio still undecoded at "
        "Stop.",
        "",
        "| file | dur s | WER batch % | WER stream % | invented words batch / stream "
        "| batch s | RTF | post-stop s (max) | of which waiting s | post-stop, Stop 1 s late "
        "| tail reused "
        "| tail s | lag med / p90 s | commit lag med / p90 s | peak RSS MB | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ins = (
            f"{len(r.get('batch_insertions', []))} / {len(r.get('stream_insertions', []))}"
            if "batch_insertions" in r
            else "-"
        )
        lines.append(
            f"| {r['file']} | {r['duration_s']} | {r['batch_wer_pct']} | {r['stream_wer_pct']} "
            f"| {ins} | {r['batch_s']} | {r['batch_rtf']} "
            f"| {r['after_stop_s']} ({r['after_stop_max_s']}) | {r.get('stop_wait_s', '-')} "
            f"| {r.get('after_stop_late_s')} "
            f"| {r.get('stop_reused_tail', '-')} "
            f"| {r.get('tail_s')} | {r['lag_median_s']} / {r['lag_p90_s']} "
            f"| {r['commit_lag_median_s']} / {r['commit_lag_p90_s']} | {r['peak_rss_mb']:.0f} "
            f"| {r.get('loadavg_1min')} |"
        )
    load = result["machine"].get("loadavg")
    if load:
        lines += [
            "",
            f"Load average (1 min) at start / end of the run: {load[0]} / {load[1]}; the last "
            "column is the load when each file finished (other jobs share this 2-core machine; "
            "above ~1.5 the timings are inflated).",
        ]
    bordered = [r for r in rows if r.get("stream_borders_s")]
    if bordered:
        lines += [
            "",
            "## Errors near the stream's chunk borders",
            "",
            "Per file, the last live run's inner commit borders, and the errors (substituted, "
            "added or dropped words) of each transcript within 1 s of one of them against "
            "elsewhere, as errors / words there. The batch transcript, cut nowhere, is the "
            "control: stream errors that come from cutting the audio raise the stream's rate "
            "near the borders above the batch's rate there.",
            "",
            "| file | borders | stream near | stream elsewhere | batch near | batch elsewhere |",
            "|---|---|---|---|---|---|",
        ]
        for r in bordered:
            cells = []
            for key in ("stream_border_errors", "batch_border_errors"):
                e = r[key]
                for where in ("near", "far"):
                    cells.append(
                        f"{e[f'errors_{where}']} / {e[f'words_{where}']} "
                        f"({e.get(f'error_rate_{where}')})"
                    )
            lines.append(
                f"| {r['file']} | {len(r['stream_borders_s'])} | " + " | ".join(cells) + " |"
            )
    if before:
        old = {r["file"]: r for r in before["results"]}
        lines += [
            "",
            "## Before / after (previous results file vs this run)",
            "",
            f"Before: live policy {before.get('live_policy')}.",
            "",
            "| file | post-stop s before / after | lag med / p90 s before / after "
            "| WER stream - batch (points) before / after |",
            "|---|---|---|---|",
        ]
        for r in rows:
            b = old.get(r["file"])
            if b is None:
                continue
            lines.append(
                f"| {r['file']} | {b['after_stop_s']} / {r['after_stop_s']} "
                f"| {b['lag_median_s']} / {b['lag_p90_s']} -> {r['lag_median_s']} / "
                f"{r['lag_p90_s']} | {b['stream_wer_pct'] - b['batch_wer_pct']:+.1f} / "
                f"{r['stream_wer_pct'] - r['batch_wer_pct']:+.1f} |"
            )
    lines += ["", "## Live policy and findings", "", NOTES, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


BEFORE_KEYS = (
    "file",
    "after_stop_s",
    "lag_median_s",
    "lag_p90_s",
    "batch_wer_pct",
    "stream_wer_pct",
)

NOTES = """\
Issue 12 (2026-12-07, eleventh run; not adopted): each commit decoded together with the
previous chunk, whose words it replaces (``LiveTranscriber(revise=True)``, ``--revise``), so
that Whisper reads every chunk but the last with the audio after it too. Without timing
(``border_context.md``, the live chunking decoded by ``transcribe_all``) it lowers WER on two
voices of three: 13.5 / 24.9 / 31.5 -> 14.3 / 16.6 / 27.4 % (en-us / en-gb / f3; batch 12.6 /
20.2 / 20.2 %) for 21 / 15 / 51 % more decode time. In real time (``--only 120s --runs 1
--live-runs 2 --long-runs 2 --stop-after 0 --revise``, machine otherwise idle,
``transcription_revise.md``) the streamed WER is 14.3 / 18.6 / 27.4 %, but the worker has no
time for it: after Stop 0.36 / 0.29 / 0.50 -> 1.36 / 1.02 / 1.20 s (goal 0.5), lag median
0.94 / 0.94 / 1.06 -> 1.36 / 1.48 / 2.05 s, p90 2.25 / 2.49 / 3.25 -> 3.95 / 3.93 / 5.87 s
(the "before" figures are the committed run of the day before). On 2 cores the live decodes
already take most of real time; a revision fits only where the worker would otherwise idle,
which this policy does not check. Kept as a knob, off.

Issue 12 (2026-12-06, tenth run; not adopted): live chunks capped at 5 s (``--max-chunk 5``,
same command as the ninth run, two live runs per 120 s file, machine otherwise idle). Against
the committed 6 s cap (en-us / en-gb / f3): lag p90 2.25 / 2.49 / 3.25 -> 2.03 / 2.27 / 2.91 s,
lag median 0.94 / 0.94 / 1.06 -> 0.86 / 0.91 / 1.02 s, after Stop 0.36 / 0.29 / 0.50 -> 0.33 /
0.30 / 0.35 s, but streamed WER 14.9 / 20.8 / 28.6 -> 17.5 / 26.0 / 30.9 % (+2.6 / +5.2 / +2.3
points; batch 11.7 / 18.6 / 21.0). A shorter chunk gives Whisper less context, and 0.2-0.3 s of
p90 does not pay for it: the p90 goal (2.0 s) is still not met on any voice, and the WER gap
to batch (goal: 2 points) widens from +3.2 / +2.2 / +7.6 to +5.8 / +7.4 / +9.9 points. The
6 s cap stays, and the table above stays the 6 s run.

Issue 12 (2026-12-06, ninth run; adopted): live chunks capped at 6 s instead of 8 s
(``LiveTranscriber(max_chunk_s=6.0)``). Same command as the eighth run with ``--max-chunk 6``,
two live runs per 120 s file (load 1.6 at the start, while other work ran, 0.8 at the end).
After Stop 0.31 / 0.71 / 0.28 -> 0.36 / 0.29 / 0.50 s (en-us / en-gb / f3): en-gb, whose voice
leaves no 0.5 s pause, had a 7.9 s open chunk to decode at Stop and now has none left; f3's
tail grew (0.28 -> 0.50 s, max 0.52). Lag p90 2.36 / 3.18 / 3.69 -> 2.25 / 2.49 / 3.25 s, lag
median 0.82 / 0.92 / 1.04 -> 0.94 / 0.94 / 1.06 s. Streamed WER 16.1 / 18.3 / 30.2 -> 14.9 /
20.8 / 28.6 % (mean 21.5 -> 21.4; en-gb +2.5 points, the other two better); the stored
transcript is refined by the batch pass after the feedback anyway. One-run sweeps the day before
had shown the same direction. A 7 s cap was not measured.

Issue 12 (2026-12-05, eighth run; adopted): the live display. Words held back at a cap cut
stay on screen as the new chunk's tentative text (they vanished until the next re-decode), and a
cut at a quiet point lets the next tentative run at once. Lag p90 2.66 / 3.23 / 3.82 -> 2.36 /
3.18 / 3.69 s on the three 120 s files (one run each before/after; a one-run sweep the same day
gave 2.64 / 3.34 / 3.66 -> 2.50 / 3.16 / 3.79, so this is within run-to-run noise). A tentative
every 0.5 s instead of 1 s halved the lag median (0.82 -> 0.51 s on en-us) and left p90 where it
was (2.56 / 3.16 / 3.34 s); not adopted. Per word (en-gb, one run): the p90 words are the first
words of 6-7 s chunks that tentatives (beam 1, no vocabulary) read as other words until the
commit at the 8 s cap ("only means" shown as "load remains" in six tentatives, right 7.3 s
after it was said). Stop in the app now announces itself (``LiveTranscriber.announce_finish``):
no display decode starts while the recorder closes, and app Stop -> feedback went 1.05 -> 0.69 s
(``app_startup.md``); this benchmark calls ``finish()`` at the end of the file, so its post-stop
figures do not include that.

Issue 12 (2026-12-05, seventh run; adopted): no second Whisper window over silence
(``transcriber.NEXT_WINDOW_VOICE_S``). With word timestamps faster-whisper decoded the audio
after each window's last word as a new 30 s window, a whole encoder pass, and a live chunk cut
at a pause (with the previous text as prompt) always had such a remainder: every commit, every
decode made ahead and the tail at Stop ran the encoder twice. Profiled on the last 8 s of the
en-gb answer, the encoder was 71 % of a decode. That remainder is no longer decoded when VAD
finds no voice from 0.4 s after the last word on. Over the 12 files in live-sized chunks:
encoder passes 322 -> 186, decode time -41 %, mean WER 15.86 -> 15.71 %, inserted words 54 ->
54. The table above is that change against the committed policy's run (``--only 120s,jfk --runs
1 --live-runs 2 --long-runs 2 --late-runs 1 --stop-after 1 --texts-from``, load 0.3-1.1):
after Stop jfk 0.48 -> 0.27 s, jfk twice 0.34 -> 0.02 s, en-us 0.67 -> 0.37 s, en-gb 1.06 ->
0.80 s, f3 0.43 -> 0.30 s; batch decode time 10.7 / 7.7 / 10.6 -> 9.0 / 6.6 / 9.6 s; streamed
WER within a point (16.7 -> 16.7, 18.3 -> 19.4, 30.2 -> 30.7 %). en-gb is now not waiting
(0.16 s) but decoding a 7.9 s tail: its file ends 0.31 s after the last sound, too soon for
the decode made ahead at a 0.25 s pause, so at Stop the whole open chunk (cut at the 8 s cap,
the voice leaves no 0.5 s pause) is still to decode. Since a decode now costs less, shorter
chunks (a lower cap or pause) are worth measuring again.

Issue 12 (2026-12-05, sixth run; not adopted): the decode made ahead at a short pause at beam 1
(``--prepare-beam 1``; ``LiveTranscriber(prepare_beam_size=...)``, default None = the commits' beam
5), so that a Stop that comes while it runs waits less. Same session, two runs each, beam 1 first,
then the committed policy (``--only 120s,jfk --runs 1 --live-runs 2 --long-runs 2 --late-runs 1
--stop-after 1 --texts-from``), load 0.3-1.7: after Stop en-us 0.71 -> 0.54 s, en-gb 0.93 -> 0.80 s
(still all of it waiting, which suggests that the decode under way at Stop is mostly a beam-5
commit rather than the prepared one), f3 0.45 -> 0.47 s, jfk twice 0.15 -> 0.45 s; streamed WER
en-us 16.7 -> 15.5 %, en-gb 18.3 -> 20.8 %, f3 30.2 -> 32.2 %; lag p90 2.65 / 3.36 / 4.08 -> 2.63 /
3.23 / 3.57 s. A 0.1-0.2 s gain at Stop for 2 points of WER on two of three voices: kept as a knob,
not the policy.

Issue 12 (2026-12-05, fifth run; adopted): the reuse below is now the policy. Over the nine
synthesised files and jfk it changed streamed WER by a few words either way (sum over the nine:
-3.5 points, en-gb 30 s -5.6, en-us and en-gb 120 s +1.2 / +1.1) and it never adds a decode, so
it is taken for the Stop-late case users hit most, a Stop pressed a moment after the last word
(en-gb 120 s 0.79 -> 0.14 s), and for jfk (0.63 -> 0.48 s). The table above is the three-run
measurement of the change (load 0.8-1.6; the "before" columns are the committed policy's run).
``test_a_decode_made_at_a_pause_stands_for_the_chunk_when_only_silence_follows`` pins the rule.

Issue 12 (2026-12-05, fourth run; at first not adopted): reusing a decode made ahead at a pause
when the cap's quiet cut falls inside the 0.2 s of silence it keeps after the speech
(``_take_prepared`` accepted it only if its audio ended before the cut, so the same chunk was
decoded twice). Three runs each with the change, against the committed policy (``--only 120s,jfk
--live-runs 3 --long-runs 3 --late-runs 1 --stop-after 1``, load 0.8-1.6): ahead-of-time decodes
reused per run 0 -> 11 (en-us), 1 -> 10 (en-gb), 0 -> 5 (f3); after Stop jfk 0.63 -> 0.48 s, en-us
0.68 -> 0.67 s, en-gb 0.92 -> 1.06 s, f3 0.48 -> 0.43 s; Stop 1 s after the last word, en-gb 0.79
-> 0.14 s; but streamed WER 15.5 -> 16.7 % (en-us) and 17.2 -> 18.3 % (en-gb), f3 30.4 -> 30.2 %,
the same in every run (a decode with 0.1 s more trailing silence reads a few words differently:
"model release stopped" -> "model released up to"). Stop right at the end of en-gb still waits for
the decode of the last phrase started at the pause before it (0.9 s at beam 5), which the change
does not shorten. Kept as it was for now. Then one run each on the 30 s and 60 s files (``--only
30s,60s --live-runs 1``): streamed WER equal on five of six, en-gb 30 s 20.0 -> 14.4 % with the
change; after Stop mixed (0.44-0.99 s before, 0.51-1.02 s after). So the WER change looks like a
few words either way, not a loss: worth adopting after a wider check.

Issue 12 (2026-12-05, third run): where the time after Stop goes. ``finish()`` now records how
long it waited for the decode under way at Stop (and any commit behind it) before the tail's own
decode ("of which waiting"). With the tail at beam 5 (120 s files, 2 runs each, load 0.8-0.9):
en-us 0.95 / 0.67 s after Stop, 0.19 s of it waiting, 4.0 s of tail decoded; en-gb 0.91 / 0.90 s,
all of it waiting (the tail had been decoded ahead at the last pause, and Stop came while that
decode ran; 1 s later it still waited 0.8 s); f3 0.58 / 0.64 s, no waiting, 4.6 s of tail. The
tail is now decoded greedily (``live.TAIL_BEAM_SIZE``; batch keeps beam 5 for its last chunk):
en-us 0.73 / 0.63 s, en-gb 0.97 / 0.88 s, f3 0.45 / 0.50 s, with the same streamed WER on all
three (15.5 / 17.2 / 30.4 %) and the same batch WER. The en-gb case, a decode already running
when Stop comes, is what is left: the next step is to make that ahead-of-time decode cheaper or
interruptible. Commands: ``--only 120s --runs 1 --live-runs 2 --long-runs 2 --late-runs 1
--stop-after 1 --texts-from <previous json>`` with ``--tail-beam 5`` and with the new default,
and ``--only jfk`` with the new default; the 30 s and 60 s files were not re-run.

Issue 12 (2026-12-05 run): every decode now runs at temperature 0. faster-whisper's fallback
re-decoded a window by *sampling* (temperatures 0.2-1.0) whenever its log-probability was under
-1.0, which espeak and accented speech often is: at Stop that meant up to six decodes of the tail,
and the samples wrote words nobody said after an answer ("up 2 3", "5 5 10 6 6 5") that came and
went between runs of the same audio. Only a decode that loops (compression ratio above 2.4: the
vocabulary read back, "canary drift feature store Kubernetes canary drift ...", in place of the
first 25 s of the f3 voice) is decoded again with the sampling schedule. At Stop, Whisper is no
longer shown the silence after the last voiced window (the tail is cut 0.2 s after it, as pause
commits are). Against the previous run: post-Stop 1.32 / 1.46 / 1.14 s -> 0.66 / 0.92 / 0.61 s on
the three 120 s files (jfk 0.89 -> 0.46 s), lag p90 3.36 / 3.81 / 4.30 -> 2.67 / 3.57 / 4.05 s;
batch WER 11.7 / 18.0 / 20.7 -> 12.6 / 18.6 / 20.7 % (en-us: one looping chunk re-decoded by
sampling); streamed WER 14.3 / 16.3 / 28.4 -> 15.5 / 17.2 / 30.4 % (one run per file, and the
live path's greedy catch-up depends on timing). Without the loop re-decode the f3 file's batch
WER was 33.5 %. On the 36 labelled answers of vocabulary_bias.py (file decode) temperature 0
alone gave WER 0.1242 against 0.1239 / 0.1245 with the fallback (two seeds), 49 inserted words
against 52 / 51, and 4 % less decode time.

Issue 12 (04 Dec run): a faithfulness guard (viva.speech.guard) checks every decoded segment against
Silero VAD of the same audio and drops segments with no voice behind any word, doubtful segments
(no-speech probability >= 0.5) over mostly non-speech, and known hallucinations ("Thank you.",
"Yeah.", "Thanks for watching") unless VAD backs them; unvoiced edge words are trimmed. Batch
transcription (viva transcribe, viva score AUDIO, review of a file) now cuts the audio with the
live path's segmenter into 15-28 s chunks at pauses (prompt-linked, guarded) instead of Whisper's
30 s windows; measured at speed 0 on the nine synthesised answers, mean batch WER 14.9 % with 15/28
s chunks, 15.6 % with 10/20, 16.3 % with 6/15, against 27.9 % for the old 30 s windows in the
previous results file (120 s en-us+f3, same day: old path 72.6 %, 15/28 chunks 23.8 %; these
comparisons still used the filler prompt). The main decode runs without the filler prompt; fillers
come from a cheap second pass (beam 1, no timestamps, filler prompt) run only where a word
swallowed voiced time, merged in where the main decode has no word (espeak sentences with 6
fillers: 6/6 kept; jfk and fluent answers: no second pass). Without the prompt the synthesised set
was on par (sum of 7 batch WERs 95.0 vs 95.6 points with it); the issue's real-speech figure (0.043
vs 0.058) is why it goes. At a 0.25 s pause the live path decodes the open chunk with final
settings ahead of time; the pause commit or the tail at Stop reuses it if VAD shows only silence
after it (``tail reused`` column: runs where Stop needed no decode at all). ``post-stop, Stop 1 s
late``: the same file with 1 s of silence before Stop, as when a user presses Stop after the last
word. "invented words": jiwer insertions against the reference text.

Chosen policy (viva.speech.live.LiveTranscriber): **VAD-bounded commits + a tentative tail**,
pause 0.5 s, minimum chunk 3 s, cap 8 s, beam 5 for commits, greedy for the tail at Stop.
Silero VAD runs window by window (32 ms); its recurrent state is carried across pushes, so the
probabilities equal faster-whisper's one-pass VAD and the chunk borders no longer depend on how
the audio arrives (before, the same file cut at 4.49 s or 4.55 s depending on the feeding pace).
The segmenter walks the windows one by one, so a lagging worker no longer misses pauses either.
The open chunk is committed (beam 5, word timestamps, previous committed text as prompt,
hotwords) at a pause >= 0.5 s once it holds >= 3 s, or at the 8 s cap, where it is cut at the
longest quiet run of its second half (or, with no gap, decoded whole keeping the words ending
>= 1.5 s before the end; the rest is decoded again with the next chunk and a word repeated
across the border is dropped). About once a second the open chunk is re-decoded with beam 1, no
timestamps and no temperature fallback (one decode, bounded cost) and shown as tentative text.

Stop path (iteration 2): finish() flags Stop before queueing the end marker, so no tentative
decode starts after Stop, and the result of one still running is dropped; tentative decodes are
skipped when the chunk already ends in a pause that is about to commit it; the worker has no
job queue (it decodes only the newest audio when idle), so it is never behind stale tentative
jobs. What is left at Stop is the open chunk only (``tail s``, <= 8 s). A tentative decode that
is already running cannot be cancelled: CTranslate2 4.8.5's Whisper.generate has no callback or
cancel, so Stop may wait for at most one beam-1 decode (~0.2-0.4 s when idle).

Eager commits, measured (stream WER minus batch WER, points; speed-0 runs of the same files,
made just before the VAD state fix above, with the quiet-run cap cut; the 120 s en-us+f3 run of
the eager policy was not finished):

| file | pause 0.5 / min 3 / cap 8 | pause 0.35 / min 2.5 / cap 6 |
|---|---|---|
| jfk (real) | +4.5 | +4.5 |
| 30s en-us 160wpm | -1.1 | -4.5 |
| 60s en-us 160wpm | +4.8 | +3.6 |
| 120s en-us 160wpm | +0.5 | +2.3 |
| 30s en-gb 175wpm | -3.3 | +3.3 |
| 60s en-gb 175wpm | +3.5 | +2.5 |
| 120s en-gb 175wpm | +1.7 | +6.6 |
| 30s en-us+f3 190wpm | -38.8 | -27.5 |
| 60s en-us+f3 190wpm | -12.9 | -8.3 |
| commits on the 120 s files | 21-23 | 30-32 |

The eager policy makes ~45 % more chunk borders and was worse on 5 of 9 files (120 s en-gb
+6.6 points); a shorter cap saves little at Stop, because each decode pays for Whisper's fixed
30 s encoder window whatever the tail length. So the pause/min/cap stay at 0.5 / 3 / 8 and the
Stop path is made cheap by not doing tentative work around Stop instead. Cutting at the cap by
Whisper's word times alone (decode the whole chunk, keep words ending 1-1.5 s before the end)
lost words on jfk ("ask what you can do for" -> "ask your country"): tiny.en squeezes the times
of the last words of a cut chunk; the VAD quiet-run cut is kept first.

Caveats of the committed run: the machine was shared (load column; 4-12 during most of the
run, the first three rows also overlapped a second copy of this benchmark by mistake), so the
timing columns are inflated: the 120 s en-us batch took 22 s instead of ~5 s. Only the last
file ran at low load (post-stop 0.78 s). Batch WER can move by a point or two between runs
(faster-whisper's temperature fallback samples), e.g. 60 s en-us+f3 28.9 % before, 18.0 % now.

Filler prompt: the brief's example prompt ("Umm, let me think like, hmm... Okay, here's what I'm,
like, thinking.") made tiny.en drop the whole first 30 s window of a 60 s answer (no-speech
filter; batch WER 58.8 %). "Um, uh, so I think, uh, the model, um, drifts." keeps every window
and still transcribes espeak "Um, ... uh, ..." with both fillers (tests/speech/
test_transcriber.py::test_fillers_survive).

TTS: pyttsx3 2.99 run in a fresh subprocess per utterance (save_to_file + finished-utterance
wait, then the WAV is validated and renamed into the cache) took ~0.09 s for a one-sentence
question here, the espeak-ng CLI ~0.01 s; pyttsx3 worked every time, so it is the primary engine
and espeak-ng the fallback.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="CTranslate2 Whisper model folder (default: packaged)")
    parser.add_argument("--runs", type=int, default=3, help="batch runs per file")
    parser.add_argument("--live-runs", type=int, default=1, help="real-time live runs per file")
    parser.add_argument("--speed", type=float, default=1.0, help="feed speed (1 = real time)")
    live = {
        k: v.default
        for k, v in inspect.signature(LiveTranscriber.__init__).parameters.items()
        if v.default is not inspect.Parameter.empty
    }
    parser.add_argument("--pause", type=float, default=live["pause_s"])
    parser.add_argument("--max-chunk", type=float, default=live["max_chunk_s"])
    parser.add_argument("--min-chunk", type=float, default=live["min_chunk_s"])
    parser.add_argument(
        "--tentative-every",
        type=float,
        default=live["tentative_every_s"],
        help="seconds between the open chunk's cheap re-decodes shown while speaking",
    )
    parser.add_argument(
        "--tail-beam", type=int, default=live["tail_beam_size"], help="beam size at Stop"
    )
    parser.add_argument(
        "--prepare-beam",
        type=int,
        default=live["prepare_beam_size"],
        help="beam size of the decode made ahead at a short pause (default: the commits')",
    )
    parser.add_argument(
        "--revise",
        action=argparse.BooleanOptionalAction,
        default=live["revise"],
        help="decode each commit together with the previous chunk and replace its words",
    )
    parser.add_argument(
        "--long-runs", type=int, default=3, help="real-time live runs per file of >= 100 s"
    )
    parser.add_argument(
        "--texts-from", type=Path, help="reuse the reference texts of an earlier results JSON"
    )
    parser.add_argument(
        "--before", type=Path, help="an earlier results JSON to compare with in the Markdown"
    )
    parser.add_argument(
        "--only", help="only files whose label contains one of these (comma-separated)"
    )
    parser.add_argument(
        "--stop-after",
        type=float,
        default=1.0,
        help="also measure Stop this many seconds after the last word (0: skip)",
    )
    parser.add_argument("--late-runs", type=int, default=1, help="runs with --stop-after")
    parser.add_argument("--out", type=Path, help="write OUT.json and OUT.md")
    parser.add_argument(
        "--markdown-only", action="store_true", help="rewrite OUT.md from an existing OUT.json"
    )
    args = parser.parse_args()
    before = json.loads(args.before.read_text(encoding="utf-8")) if args.before else None
    if args.markdown_only and args.out:
        result = json.loads(args.out.with_suffix(".json").read_text(encoding="utf-8"))
        write_markdown(result, args.out.with_suffix(".md"), result.get("before") or before)
        return 0
    result = run(args)
    if before:
        result["before"] = {
            "live_policy": before.get("live_policy"),
            "machine": before.get("machine"),
            "results": [{k: r.get(k) for k in BEFORE_KEYS} for r in before.get("results", [])],
        }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        write_markdown(result, args.out.with_suffix(".md"), result.get("before"))
        print(f"wrote {args.out.with_suffix('.md')} and .json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
