"""Review: a follow-up is listed under its answer and plays like any attempt."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE

pytestmark = [pytest.mark.gui, pytest.mark.audio, QT_LOG_IGNORE]


@pytest.fixture
def answer_and_follow_up(jfk_wav: Any, test_bank: Any) -> tuple[int, int, str]:
    """A stored answer with a missed point and its follow-up, both with a recording."""
    from viva.app.services import narrow_to_point
    from viva.scoring import score_answer
    from viva.speech.transcript import Transcript
    from viva.storage.store import AttemptStore

    question = test_bank.get("canary-vs-blue-green")
    answer = Transcript.from_text("A canary sends five percent of the traffic to the new model.")
    feedback = score_answer(question, answer)
    assert feedback.follow_up is not None
    point = feedback.follow_up.point
    narrowed = narrow_to_point(question, point)
    reply = Transcript.from_text("Blue green keeps two identical environments and switches.")
    with AttemptStore.open() as store:
        parent = store.add_attempt(question, answer, feedback, audio_path=jfk_wav)
        child = store.add_attempt(
            narrowed,
            reply,
            score_answer(narrowed, reply),
            audio_path=jfk_wav,
            parent_id=parent,
            follow_up_point=point,
            asked=feedback.follow_up.question,
        )
    return parent, child, feedback.follow_up.question


def test_follow_up_is_listed_under_its_answer_and_plays(
    qtbot: Any, make_window: Any, answer_and_follow_up: tuple[int, int, str]
) -> None:
    parent, child, asked = answer_and_follow_up
    window = make_window()
    review = window.view("review")
    with qtbot.waitSignal(review.attempt_shown, timeout=60_000) as shown:
        window.show_view("review")
    assert shown.args[0] == parent
    assert review.table.rowCount() == 2
    assert [s.id for s in review.summaries] == [parent, child]
    assert "Follow-up" in review.table.item(1, 1).text()
    assert asked in review.table.item(1, 1).text()
    # A list reload still in flight may show the answer again first; wait for the follow-up.
    with qtbot.waitSignal(
        review.attempt_shown, timeout=30_000, check_params_cb=lambda shown_id: shown_id == child
    ):
        review.table.setCurrentCell(1, 1)
    assert review.summaries[review.table.currentRow()].id == child
    pane = review.pane_a
    assert "Follow-up on key point" in pane.header.text()
    assert asked in pane.header.text()
    assert not review.compare_combo.isEnabled()  # a follow-up is not compared with answers
    qtbot.waitUntil(pane.play_button.isEnabled, timeout=20_000)
    qtbot.mouseClick(pane.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.player.position_s > 0.5, timeout=20_000)
    assert pane.player.playing
    qtbot.mouseClick(pane.play_button, Qt.MouseButton.LeftButton)
    assert not pane.player.playing
