"""Re-scoring with the real scorer keeps every earlier result."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import make_bank, make_feedback, make_question, make_transcript
from viva import scoring
from viva.app.rescore import rescore
from viva.cli import main
from viva.storage.store import AttemptStore

ANSWER = (
    "A canary release sends a small share of traffic to the new model first, we compare its "
    "metrics with the current model and roll back automatically if they get worse."
)


def _old_attempt(store: AttemptStore, **kwargs: Any) -> int:
    """An attempt scored by an old scorer that gave it nothing."""
    return store.add_attempt(
        make_question(),
        make_transcript(ANSWER),
        make_feedback(coverage=0.0),
        scorer_version="0.1-old",
        model_name="tiny.en",
        **kwargs,
    )


def test_rescore_uses_the_current_scorer_and_keeps_history(store: AttemptStore) -> None:
    attempt_id = _old_attempt(store)
    before = store.get_attempt(attempt_id)
    expected = scoring.score_answer(make_question(), make_transcript(ANSWER))
    [result] = rescore(store, [attempt_id])
    after = store.get_attempt(attempt_id)
    assert result.old_coverage == 0.0
    assert result.new_coverage == pytest.approx(expected.coverage)
    assert after.feedback == expected.to_dict()
    assert after.scorer_version == scoring.SCORER_VERSION
    assert after.transcript == before.transcript
    [old] = after.history
    assert old.coverage == 0.0
    assert old.scorer_version == "0.1-old"
    assert old.feedback == before.feedback
    assert old.transcript == before.transcript
    assert store.cards()["canary-release"].last_coverage == pytest.approx(expected.coverage)
    rescore(store, [attempt_id])
    assert len(store.get_attempt(attempt_id).history) == 2


def test_rescore_against_the_current_bank(store: AttemptStore) -> None:
    attempt_id = _old_attempt(store)
    changed = make_question().model_copy(
        update={"key_points": [make_question().key_points[0]]}  # one point left in the bank
    )
    rescore(store, [attempt_id], bank=make_bank(changed), use_bank=True)
    attempt = store.get_attempt(attempt_id)
    assert len(attempt.feedback["key_points"]) == 1
    assert len(attempt.question["key_points"]) == 3  # the snapshot stays as asked


def test_cli_rescore_question(store: AttemptStore, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _old_attempt(store), _old_attempt(store)
    store.add_attempt(
        make_question("drift", topic="monitoring"),
        make_transcript(),
        make_feedback("drift", coverage=0.0),
        scorer_version="0.1-old",
    )
    assert main(["rescore", "--question", "canary-release", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"attempt_id": 1' in out
    assert [len(store.get_attempt(i).history) for i in (first, second, 3)] == [1, 1, 0]
    assert main(["rescore", "--question", "nope"]) == 2
    assert "no attempts" in capsys.readouterr().err


@pytest.mark.slow
def test_rescore_retranscribes_the_audio(
    store: AttemptStore, jfk_wav: Path, transcriber: Callable[[], Any]
) -> None:
    attempt_id = store.add_attempt(
        make_question(),
        make_transcript("garbled first transcript"),
        make_feedback(),
        audio_path=jfk_wav,
        model_name="old-model",
    )
    [result] = rescore(store, [attempt_id], transcriber=transcriber())
    attempt = store.get_attempt(attempt_id)
    assert result.retranscribed
    assert "ask not what your country can do for you" in attempt.transcript.text.lower()
    assert attempt.transcript.words
    assert attempt.model_name == transcriber().model_name
    assert attempt.history[0].transcript.text == "garbled first transcript"
    assert attempt.history[0].model_name == "old-model"
