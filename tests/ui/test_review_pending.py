"""Review: a recording left unscored (a crash, a kill) is offered with the question it answered."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def test_unscored_recording_is_scored_for_the_question_it_answered(
    qtbot: Any, make_window: Any, jfk_wav: Any, test_bank: Any, monkeypatch: Any
) -> None:

    from viva.storage.paths import recordings_dir
    from viva.storage.store import AttemptStore

    # What a killed recorder leaves: the WAV and its sidecar naming the question. The first
    # question of the bank is *not* the one answered, so a default of 0 would be wrong.
    question = test_bank.get("model-drift-monitoring")
    assert list(test_bank)[0].id != question.id
    wav = recordings_dir() / "answer-20261204-101010.wav"
    shutil.copyfile(jfk_wav, wav)
    (recordings_dir() / (wav.name + ".partial")).write_text(
        json.dumps({"samplerate": 16000, "channels": 1, "question_id": question.id}),
        encoding="utf-8",
    )

    offered: dict[str, Any] = {}

    def pick(_parent: Any, questions: list[Any], current_id: str | None) -> Any:
        offered["current"] = current_id
        return next(q for q in questions if q.id == current_id)

    monkeypatch.setattr("viva.ui.review.dialogs.pick_question", pick)
    window = make_window(sd_module=NoDevices())
    review = window.show_view("review")
    qtbot.waitUntil(review.pending_box.isVisible, timeout=20_000)
    assert review.pending_combo.count() == 1
    assert question.question in review.pending_combo.itemText(0)

    with qtbot.waitSignal(review.file_reviewed, timeout=90_000) as done:
        review.score_pending_dialog()
    assert offered["current"] == question.id
    saved = done.args[0]
    assert "your country" in saved.transcript.text.lower()
    with AttemptStore.open() as store:
        attempt = store.get_attempt(saved.attempt_id)
    assert attempt.question_id == question.id
    # Scored: it is no longer offered.
    qtbot.waitUntil(lambda: not review.pending_box.isVisible(), timeout=20_000)
