"""Attempts store at scale: 10,000 attempts, the queries the app runs, medians of several runs.

    python benchmarks/store_scale.py [--attempts 10000] [--runs 7] [--write]

Builds a store in a temporary folder with realistic rows (60 questions in 6 topics over 120 days,
each attempt with a 150-word transcript with word timestamps and a 5-key-point feedback), then
times: opening the store (with its integrity check), listing the whole history, the first page,
one question's history, progress for all topics and one topic, the due list, loading one
attempt in full, adding one attempt (commit + card rebuild) and rebuilding all cards. The rows
are bulk-inserted in one transaction (the same SQL as ``add_attempt``) to keep set-up short;
``add_attempt`` itself is timed on the full store.

``--write`` saves ``benchmarks/results/store_scale.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from viva.bank import Question
from viva.bank.loader import Bank
from viva.speech.transcript import Transcript, Word
from viva.storage.schedule import due_questions, rebuild_cards
from viva.storage.store import AttemptStore, iso

RESULTS = Path(__file__).resolve().parent / "results"
TOPICS = ["deployment", "monitoring", "pipelines", "feature-stores", "testing", "behavioural"]
SENTENCE = (
    "we ship the model behind a canary and compare its metrics with the current one then "
    "roll back if latency or error rates get worse um and we log every prediction"
)
WORDS = SENTENCE.split(" ")


def make_questions(n: int = 60) -> list[Question]:
    return [
        Question(
            id=f"question-{i:03d}",
            question=f"Synthetic interview question number {i} about {TOPICS[i % len(TOPICS)]}?",
            topic=TOPICS[i % len(TOPICS)],
            difficulty=("basic", "intermediate", "advanced")[i % 3],
            reference_answer="A reference answer. " * 20,
            key_points=[f"Key point {k} of question {i}." for k in range(5)],
            target_seconds=(45, 120),
        )
        for i in range(n)
    ]


def make_transcript(rng: random.Random, n_words: int = 150) -> Transcript:
    words, t = [], rng.uniform(0.3, 2.0)
    for _ in range(n_words):
        dur = rng.uniform(0.15, 0.45)
        words.append(Word(rng.choice(WORDS), round(t, 2), round(t + dur, 2), 0.9))
        t += dur + rng.uniform(0.02, 0.3)
    return Transcript(" ".join(w.word for w in words), tuple(words), (), "en", round(t + 0.5, 2))


def make_feedback(q: Question, tr: Transcript, rng: random.Random) -> dict[str, Any]:
    statuses = [rng.choice(("covered", "partial", "missed")) for _ in q.key_points]
    score = {"covered": 1.0, "partial": 0.5, "missed": 0.0}
    coverage = sum(score[s] for s in statuses) / len(statuses)
    duration = tr.duration_s or 60.0
    verdict = "too short" if duration < 45 else "too long" if duration > 120 else "on target"
    return {
        "question_id": q.id,
        "transcript": tr.text,
        "coverage": coverage,
        "key_points": [
            {
                "text": kp.text,
                "status": s,
                "score": score[s],
                "evidence": " ".join(tr.text.split()[:12]) if s != "missed" else None,
                "start_s": 1.0 if s != "missed" else None,
                "end_s": 4.0 if s != "missed" else None,
            }
            for kp, s in zip(q.key_points, statuses, strict=True)
        ],
        "timing": {
            "duration_s": duration,
            "speaking_s": duration * 0.8,
            "first_word_s": 0.8,
            "word_count": len(tr.words),
            "wpm": 140.0,
            "target_seconds": [45, 120],
            "verdict": verdict,
            "filler_count": 2,
            "fillers": [{"word": "um", "start_s": 3.0, "end_s": 3.2, "index": 7}],
            "long_pauses": [],
            "repetitions": [],
        },
        "tips": ["Say how you would roll back.", "Slow down a little."],
    }


def build(store: AttemptStore, questions: list[Question], n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, tzinfo=timezone.utc)
    rows = []
    for i in range(n):
        q = rng.choice(questions)
        tr = make_transcript(rng)
        fb = make_feedback(q, tr, rng)
        when = start + timedelta(seconds=i * (120 * 86400 / n))
        rows.append(
            (
                uuid.uuid4().hex,
                q.id,
                q.topic,
                q.question,
                json.dumps(q.model_dump(mode="json")),
                iso(when),
                None,
                tr.duration_s,
                json.dumps(tr.to_dict()),
                json.dumps(fb),
                fb["coverage"],
                fb["timing"]["verdict"],
                "tiny.en",
                "1.0",
                None,
                iso(when),
            )
        )
    conn = store.connection
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO attempts (uid, question_id, topic, question_text, question_json, "
        "started_at, audio_path, duration_s, transcript_json, feedback_json, coverage, verdict, "
        "model_name, scorer_version, session_id, scored_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    rebuild_cards(conn)
    conn.execute("COMMIT")


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    fn()  # warm-up (page cache, imports)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 2),
        "min_ms": round(min(samples), 2),
        "max_ms": round(max(samples), 2),
    }


def run(n: int, runs: int) -> dict[str, Any]:
    questions = make_questions()
    bank = Bank(questions={q.id: q for q in questions})
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "viva.sqlite3"
        t0 = time.perf_counter()
        with AttemptStore.open(db) as store:
            build(store, questions, n)
        build_s = time.perf_counter() - t0
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("viva.sqlite3*")) / 1e6

        def open_close() -> None:
            AttemptStore.open(db).close()

        store = AttemptStore.open(db)
        try:
            now = datetime(2025, 5, 1, 9, tzinfo=timezone.utc)
            some_id = store.list_attempts(limit=1)[0].id
            results = {
                "open store (quick_check + migrate check)": timed(open_close, runs),
                f"list history: all {n} attempts": timed(lambda: store.list_attempts(), runs),
                "list history: newest 50": timed(lambda: store.list_attempts(limit=50), runs),
                "list history: one question": timed(
                    lambda: store.list_attempts("question-007"), runs
                ),
                "progress: all topics": timed(lambda: store.progress(now=now), runs),
                "progress: one topic": timed(lambda: store.progress("monitoring", now=now), runs),
                "due questions (60-question bank)": timed(
                    lambda: due_questions(store, bank, now=now), runs
                ),
                "get one attempt in full": timed(lambda: store.get_attempt(some_id), runs),
                "add one attempt (commit + card rebuild)": timed(
                    lambda: store.add_attempt(
                        questions[3],
                        make_transcript(rng),
                        make_feedback(questions[3], make_transcript(rng), rng),
                    ),
                    runs,
                ),
            }

            def rebuild_all() -> None:
                conn = store.connection
                conn.execute("BEGIN IMMEDIATE")
                rebuild_cards(conn)
                conn.execute("COMMIT")

            results["rebuild all cards (migration v3)"] = timed(rebuild_all, max(3, runs // 2))
            count = store.count_attempts()
        finally:
            store.close()
    return {
        "attempts": n,
        "attempts_after_adds": count,
        "runs": runs,
        "statistic": "median of runs after one warm-up (ms)",
        "database_mb": round(size_mb, 1),
        "build_s": round(build_s, 1),
        "machine": f"{platform.machine()}, {platform.system()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "results": results,
        "target": "listing history and computing progress < 200 ms with 10,000 attempts",
    }


def to_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Attempts store at {report['attempts']:,} attempts",
        "",
        f"{report['machine']}; {report['date']}. Database {report['database_mb']} MB "
        f"(150-word transcripts with word timestamps, 5-point feedback per attempt). "
        f"{report['statistic']}, {report['runs']} runs. Target: {report['target']}.",
        "",
        "| Operation | median ms | min ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    for name, r in report["results"].items():
        lines.append(f"| {name} | {r['median_ms']} | {r['min_ms']} | {r['max_ms']} |")
    lines += ["", "Reproduce: `python benchmarks/store_scale.py --write`.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="save results under results/")
    args = parser.parse_args()
    report = run(args.attempts, args.runs)
    text = to_markdown(report)
    print(text)
    if args.write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "store_scale.json").write_text(json.dumps(report, indent=2) + "\n")
        (RESULTS / "store_scale.md").write_text(text)


if __name__ == "__main__":
    main()
