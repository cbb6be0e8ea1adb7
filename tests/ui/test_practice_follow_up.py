"""Practice: the Follow-up button (F) asks about a missed point and shows how the answer went."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

# Long waits: at start-up the model load and the scorer warm-up hold both pool threads for
# tens of seconds on a loaded 2-core machine, and scoring queues behind them.

QUESTION_ID = "canary-vs-blue-green"
#: Makes the canary point only.
CANARY_ONLY = (
    "With a canary we send a small share of the traffic, about five percent of the users, to "
    "the new model first and watch the error rate before sending more."
)
BLUE_GREEN = (
    "Blue green keeps two identical environments; we deploy to the idle one and the router "
    "switches all the traffic at once."
)


def _typed_answer(qtbot: Any, practice: Any, text: str, signal: Any) -> Any:
    practice.typed.setPlainText(text)
    with qtbot.waitSignal(signal, timeout=240_000) as blocker:
        practice.score_typed()
    return blocker.args[0]


def test_follow_up_button_asks_scores_the_point_and_shows_the_result(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window(sd_module=NoDevices())
    practice = window.practice
    practice.set_text_only(True)
    practice.select_question(QUESTION_ID)
    assert not practice.follow_up_button.isEnabled()  # no answer yet
    assert "(F)" in practice.follow_up_button.toolTip()
    assert "(F)" in practice.follow_up_button.text()

    saved = _typed_answer(qtbot, practice, CANARY_ONLY, practice.attempt_saved)
    follow_up = saved.feedback.follow_up
    assert follow_up is not None
    assert saved.feedback.key_points[follow_up.point - 1].status != "covered"
    assert practice.follow_up_button.isEnabled()

    qtbot.keyClick(practice.question_list, Qt.Key.Key_F)
    assert practice.follow_up_parent is saved
    assert practice.follow_up_box.isVisible()
    assert practice.follow_up_question.text() == follow_up.question
    assert not practice.follow_up_button.isEnabled()  # one follow-up at a time

    answered = _typed_answer(qtbot, practice, BLUE_GREEN, practice.follow_up_shown)
    assert answered.point == follow_up.point
    assert [kp.text for kp in answered.feedback.key_points] == [
        saved.question.key_points[follow_up.point - 1].text
    ]
    assert answered.result.status in ("covered", "partial")
    # Shown under the main feedback, which stays as it was.
    assert practice.feedback.isVisible()
    assert practice.shown_attempt.follow_up is answered
    assert practice.follow_up_box.isVisible()
    shown = practice.follow_up_result.text()
    assert answered.result.text in shown
    assert ("covered" in shown) or ("partial" in shown)
    assert answered.result.evidence
    assert answered.result.evidence in shown
    assert not practice.follow_up_button.isEnabled()  # this answer was followed up

    store = window.services.open_store()
    try:
        stored = store.get_attempt(answered.attempt_id)
        assert (stored.parent_id, stored.follow_up_point) == (saved.attempt_id, follow_up.point)
        assert [a.id for a in store.list_attempts(QUESTION_ID)] == [saved.attempt_id]
    finally:
        store.close()

    # A complete answer leaves nothing to follow up; another question starts afresh.
    practice.retry()
    # (The button waits for the save: a follow-up answer is stored under its parent.)
    full = _typed_answer(qtbot, practice, saved.question.reference_answer, practice.attempt_saved)
    assert full.feedback.follow_up is None, full.feedback.key_points
    assert not practice.follow_up_button.isEnabled()
    assert not practice.follow_up_box.isVisible()
    qtbot.keyClick(practice.question_list, Qt.Key.Key_N)
    assert practice.question.id != QUESTION_ID
    assert not practice.follow_up_button.isEnabled()
    assert not practice.follow_up_box.isVisible()
