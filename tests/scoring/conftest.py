"""Fixtures for the feedback engine: the built-in bank's questions, and a spoken answer."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from viva.bank import Question, load_builtin_bank


@pytest.fixture(scope="session")
def bank_question():  # type: ignore[no-untyped-def]
    bank = load_builtin_bank()

    def _get(question_id: str) -> Question:
        q = bank.get(question_id)
        if q is None:
            pytest.skip(f"bank question {question_id!r} is not in the built-in bank")
        return q

    return _get


@pytest.fixture(scope="session")
def scoring_eval() -> ModuleType:
    """``benchmarks/scoring_eval.py``: the evaluation sets as the benchmark loads and scores
    them."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        import scoring_eval
    finally:
        sys.path.pop(0)
    return scoring_eval


@pytest.fixture(scope="session")
def pause_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real synthesised speech: "... um ..." then 2.5 s of silence, then more speech."""
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("espeak-ng and sox are needed to synthesise speech")
    d = tmp_path_factory.mktemp("speech")
    first, second, out = d / "a.wav", d / "b.wav", d / "answer.wav"
    texts = [
        (
            first,
            "So, um, with a canary release we send five percent of the traffic to the new "
            "model first.",
        ),
        (second, "Then we increase the share step by step while the error rate stays healthy."),
    ]
    for path, text in texts:
        subprocess.run(
            ["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text],
            check=True,
            capture_output=True,
        )
    # Put 2.5 s of silence between the two sentences.
    silence = d / "silence.wav"
    subprocess.run(
        ["sox", "-n", "-r", "22050", "-c", "1", str(silence), "trim", "0", "2.5"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["sox", str(first), str(silence), str(second), "-r", "16000", str(out)],
        check=True,
        capture_output=True,
    )
    return out
