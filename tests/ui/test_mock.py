"""Mock interview: three questions read aloud and answered reach the summary; Esc asks first."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE

pytestmark = [pytest.mark.gui, pytest.mark.audio, pytest.mark.slow, QT_LOG_IGNORE]


def _replay(jfk_wav: Any) -> Any:
    from viva.speech.replay import ReplaySoundDevice

    return ReplaySoundDevice(jfk_wav)


def _answer_current(qtbot: Any, mock: Any) -> None:
    qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
    qtbot.waitUntil(lambda: mock.recorder.elapsed() > 2.5, timeout=10_000)
    qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)


def test_mock_interview_of_three_questions_reaches_summary(
    qtbot: Any, make_window: Any, jfk_wav: Any
) -> None:
    from viva.settings import Settings

    # Three answers, no follow-ups (tests/ui/test_mock_follow_up.py covers those).
    window = make_window(Settings(mic_checked=True, follow_ups=False), sd_module=_replay(jfk_wav))
    mock = window.show_view("mock")
    mock.count_spin.setValue(3)
    mock.think_spin.setValue(0)
    with qtbot.waitSignal(mock.summary_shown, timeout=180_000) as summary:
        qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
        for _ in range(3):
            _answer_current(qtbot, mock)
    results = summary.args[0]
    assert len(results) == 3
    assert len({r.question.id for r in results}) == 3
    assert all(r.attempt_id is not None and r.audio_path.exists() for r in results)
    assert all(r.transcript.text.strip() for r in results)
    assert all(r.follow_up is None for r in results)
    assert mock.table.rowCount() == 3
    assert "3 of 3 questions answered" in mock.overall_label.text()
    assert mock.weak_label.text()
    with qtbot.waitSignal(mock.review_requested, timeout=5_000) as review:
        qtbot.mouseClick(mock.review_button, Qt.MouseButton.LeftButton)
    assert review.args[0] == results[0].attempt_id


def test_esc_asks_and_keeps_the_answer_being_recorded(
    qtbot: Any, make_window: Any, jfk_wav: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions: list[str] = []
    monkeypatch.setattr(
        "viva.ui.dialogs.ask", lambda _parent, _title, text, **_kw: questions.append(text) or True
    )
    window = make_window(sd_module=_replay(jfk_wav))
    mock = window.show_view("mock")
    mock.count_spin.setValue(2)
    mock.think_spin.setValue(0)
    qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
    qtbot.waitUntil(lambda: mock.recorder.elapsed() > 2.0, timeout=10_000)
    with qtbot.waitSignal(mock.summary_shown, timeout=60_000) as summary:
        qtbot.keyClick(mock.advance_button, Qt.Key.Key_Escape)
    assert questions
    assert "kept" in questions[0]
    results = summary.args[0]
    assert len(results) == 1
    assert results[0].audio_path.exists()
    assert "1 of 2 questions answered" in mock.overall_label.text()
