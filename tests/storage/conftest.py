"""Fixtures of the storage tests: a real store in the per-test data dir, questions, feedback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from viva.bank import Question
from viva.bank.loader import Bank
from viva.speech.transcript import Transcript, Word
from viva.storage.store import AttemptStore


def make_question(
    qid: str = "canary-release",
    *,
    topic: str = "deployment",
    text: str = "What is a canary release and when would you use it?",
    difficulty: str = "basic",
) -> Question:
    return Question(
        id=qid,
        question=text,
        topic=topic,
        difficulty=difficulty,  # type: ignore[arg-type]
        reference_answer=(
            "A canary release sends a small share of traffic to the new model first, compares "
            "its metrics with the current model and rolls back automatically if they get worse."
        ),
        key_points=[
            "Send a small share of traffic to the new model first.",
            "Compare its metrics with the current model.",
            "Roll back automatically if the metrics get worse.",
        ],
        target_seconds=(30, 90),
    )


def make_feedback(
    question_id: str = "canary-release",
    coverage: float = 0.67,
    verdict: str | None = "on target",
    *,
    duration_s: float | None = 42.0,
    fillers: list[dict[str, Any]] | None = None,
    evidence: str | None = "we send five percent of users to it first",
) -> dict[str, Any]:
    """A dict shaped like ``viva.scoring.Feedback.to_dict()``."""
    return {
        "question_id": question_id,
        "transcript": "",
        "coverage": coverage,
        "key_points": [
            {
                "text": "Send a small share of traffic to the new model first.",
                "status": "covered",
                "score": 1.0,
                "evidence": evidence,
                "start_s": 1.2,
                "end_s": 3.4,
            },
            {
                "text": "Compare its metrics with the current model.",
                "status": "partial",
                "score": 0.5,
                "evidence": "we watch the metrics",
                "start_s": 4.0,
                "end_s": 5.0,
            },
            {
                "text": "Roll back automatically if the metrics get worse.",
                "status": "missed",
                "score": 0.0,
                "evidence": None,
                "start_s": None,
                "end_s": None,
            },
        ],
        "timing": {
            "duration_s": duration_s,
            "speaking_s": 38.0,
            "first_word_s": 0.8,
            "word_count": 96,
            "wpm": 151.6,
            "target_seconds": [30, 90],
            "verdict": verdict,
            "filler_count": len(fillers or []),
            "fillers": fillers or [],
            "long_pauses": [],
            "repetitions": [],
        },
        "tips": ["Say how you would roll back."],
    }


def make_transcript(text: str = "um we send five percent of users to it first") -> Transcript:
    words = tuple(
        Word(w, round(0.5 * i, 2), round(0.5 * i + 0.4, 2), 0.9) for i, w in enumerate(text.split())
    )
    return Transcript(text=text, words=words, duration_s=42.0)


def make_bank(*questions: Question) -> Bank:
    return Bank(questions={q.id: q for q in questions})


def write_wav(path: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    t = np.arange(int(seconds * rate)) / rate
    soundfile.write(path, (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate)
    return path


@pytest.fixture
def store() -> Iterator[AttemptStore]:
    s = AttemptStore.open()
    yield s
    s.close()


@pytest.fixture
def question() -> Question:
    return make_question()


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "answer.wav")


@pytest.fixture(scope="session")
def transcriber(model_path: Path) -> Callable[[], Any]:
    """The real tiny Whisper model, loaded once per session on first use."""
    from viva.speech.transcriber import Transcriber

    loaded: list[Any] = []

    def get() -> Any:
        if not loaded:
            t = Transcriber(model_path)
            t.load()
            loaded.append(t)
        return loaded[0]

    return get
