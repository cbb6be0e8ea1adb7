"""Mock summary, issue 14: "Review the selected answer" opens the selected row's attempt.

It used to open the latest attempt: Review reloaded its list on being shown and selected its
first row. A follow-up row opens the follow-up itself, the same way. Asserted on what Review
finally shows (pane and selected list row) once every job has finished.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE

pytestmark = [pytest.mark.gui, pytest.mark.audio, pytest.mark.slow, QT_LOG_IGNORE]


def _review_row(qtbot: Any, window: Any, mock: Any, row: int) -> tuple[int, list[int]]:
    """Select summary row ``row``, press Review; the requested id and every attempt shown."""
    window.show_view("mock")
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    mock.table.selectRow(row)
    review = window.view("review")
    shown: list[int] = []
    review.attempt_shown.connect(shown.append)
    try:
        with qtbot.waitSignal(mock.review_requested, timeout=5_000) as requested:
            qtbot.mouseClick(mock.review_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
        qtbot.wait(200)
        qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    finally:
        review.attempt_shown.disconnect(shown.append)
    return int(requested.args[0]), shown


def _selected_in_review(window: Any) -> int | None:
    review = window.view("review")
    item = review.table.item(review.table.currentRow(), 0)
    return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))


def test_review_opens_the_selected_answer_and_follow_up(
    qtbot: Any, make_window: Any, jfk_wav: Any
) -> None:
    from viva.settings import Settings
    from viva.speech.replay import ReplaySoundDevice

    window = make_window(
        Settings(mic_checked=True, follow_ups=False), sd_module=ReplaySoundDevice(jfk_wav)
    )
    mock = window.show_view("mock")
    mock.count_spin.setValue(2)
    mock.think_spin.setValue(0)
    with qtbot.waitSignal(mock.summary_shown, timeout=180_000) as summary:
        qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
        for _ in range(2):
            qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
            qtbot.waitUntil(lambda: mock.recorder.elapsed() > 2.5, timeout=10_000)
            qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)
    first, latest = summary.args[0]
    assert first.attempt_id < latest.attempt_id

    # The first answer (not the latest attempt) is selected and reviewed.
    requested, shown = _review_row(qtbot, window, mock, 0)
    assert requested == first.attempt_id
    assert shown[-1] == first.attempt_id
    assert _selected_in_review(window) == first.attempt_id
    assert window.stack.currentWidget() is window.view("review")

    # A follow-up row under the first answer opens that follow-up (scored and stored here as
    # the mock interview would, from the first answer's own recording).
    assert first.feedback.follow_up is not None  # the JFK answer misses every point
    follow_up = window.services.finish_follow_up(
        first, first.transcript, audio_path=first.audio_path, session_id=mock.session_id
    )
    assert follow_up.attempt_id is not None
    mock.results[0] = replace(mock.results[0], follow_up=follow_up)
    mock.show_summary(mock.interview.summary())
    assert mock.table.rowCount() == 3
    requested, shown = _review_row(qtbot, window, mock, 1)
    assert requested == follow_up.attempt_id
    assert shown[-1] == follow_up.attempt_id
    assert _selected_in_review(window) == follow_up.attempt_id

    # And the last row, the latest answer, still opens itself.
    requested, shown = _review_row(qtbot, window, mock, 2)
    assert requested == latest.attempt_id
    assert shown[-1] == latest.attempt_id
    assert _selected_in_review(window) == latest.attempt_id
