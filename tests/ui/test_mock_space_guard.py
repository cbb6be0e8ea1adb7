"""Mock interview, issue 14: a stray Space never saves an empty answer or shifts the answers.

One Space press at the end of the thinking countdown used to end the answer that had just
started (a 0:00, 0 % answer was saved and the interview moved on, so the next answer landed in
the next question). Space is now ignored for about a second after any phase change, and an
answer under 2 s is kept only if the user says so (else that question is recorded again).
What was stored is read back from the real SQLite store.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE

pytestmark = [pytest.mark.gui, pytest.mark.audio, pytest.mark.slow, QT_LOG_IGNORE]


def _replay(jfk_wav: Any) -> Any:
    from viva.speech.replay import ReplaySoundDevice

    return ReplaySoundDevice(jfk_wav)


def _stored(window: Any, session_id: int) -> list[Any]:
    """The attempts of the interview's session, in the order they were recorded."""
    store = window.services.open_store()
    try:
        attempts = store.list_attempts(limit=100)
    finally:
        store.close()
    mine = [a for a in attempts if a.session_id == session_id]
    return sorted(mine, key=lambda a: (a.started_at, a.id))


def _answer_current(qtbot: Any, mock: Any) -> None:
    qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
    qtbot.waitUntil(lambda: mock.recorder.elapsed() > 2.5, timeout=10_000)
    qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)


def test_space_at_the_end_of_the_countdown_does_not_end_the_answer(
    qtbot: Any, make_window: Any, jfk_wav: Any
) -> None:
    from viva.settings import Settings

    window = make_window(Settings(mic_checked=True, follow_ups=False), sd_module=_replay(jfk_wav))
    mock = window.show_view("mock")
    mock.count_spin.setValue(2)
    mock.think_spin.setValue(1)
    with qtbot.waitSignal(mock.summary_shown, timeout=180_000) as summary:
        qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: mock.phase == "thinking", timeout=60_000)
        # The countdown ends; the Space meant to skip it arrives just after.
        qtbot.waitUntil(lambda: mock.phase == "answering", timeout=10_000)
        qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)
        qtbot.wait(300)
        assert mock.phase == "answering"  # still answering question 1
        assert mock.index == 0
        for _ in range(2):
            _answer_current(qtbot, mock)
    asked = [q.id for q in mock.plan.questions]
    results = summary.args[0]
    assert [r.question.id for r in results] == asked
    stored = _stored(window, mock.session_id)
    assert [a.question_id for a in stored] == asked
    assert [a.id for a in stored] == [r.attempt_id for r in results]
    assert all((a.duration_s or 0.0) >= 2.0 for a in stored)


def test_a_short_answer_asks_and_is_recorded_again(
    qtbot: Any, make_window: Any, jfk_wav: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from viva.settings import Settings

    asked_texts: list[str] = []

    def answer_again(_parent: Any, _title: str, text: str, **_kw: Any) -> bool:
        asked_texts.append(text)
        return False  # "Answer again"

    monkeypatch.setattr("viva.ui.dialogs.ask", answer_again)
    window = make_window(Settings(mic_checked=True, follow_ups=False), sd_module=_replay(jfk_wav))
    mock = window.show_view("mock")
    mock.count_spin.setValue(2)
    mock.think_spin.setValue(0)
    with qtbot.waitSignal(mock.summary_shown, timeout=180_000) as summary:
        qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
        # Past the Space guard but well under 2 s of answer.
        qtbot.waitUntil(lambda: mock.recorder.elapsed() > 1.2, timeout=10_000)
        qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: bool(asked_texts), timeout=30_000)
        assert "again" in asked_texts[0]
        # The same question is recorded again, then answered properly; then question 2.
        qtbot.waitUntil(lambda: mock.phase == "answering", timeout=10_000)
        assert mock.index == 0
        for _ in range(2):
            _answer_current(qtbot, mock)
    assert len(asked_texts) == 1
    asked = [q.id for q in mock.plan.questions]
    results = summary.args[0]
    assert [r.question.id for r in results] == asked
    stored = _stored(window, mock.session_id)
    assert [a.question_id for a in stored] == asked
    assert all((a.duration_s or 0.0) >= 2.0 for a in stored)


def test_a_short_answer_kept_is_stored_against_its_question(
    qtbot: Any, make_window: Any, jfk_wav: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from viva.settings import Settings

    asked_texts: list[str] = []
    monkeypatch.setattr(
        "viva.ui.dialogs.ask", lambda _p, _t, text, **_kw: asked_texts.append(text) or True
    )
    window = make_window(Settings(mic_checked=True, follow_ups=False), sd_module=_replay(jfk_wav))
    mock = window.show_view("mock")
    mock.count_spin.setValue(2)
    mock.think_spin.setValue(0)
    with qtbot.waitSignal(mock.summary_shown, timeout=180_000) as summary:
        qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
        qtbot.waitUntil(lambda: mock.recorder.elapsed() > 1.2, timeout=10_000)
        qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: mock.phase == "answering" and mock.index == 1, timeout=60_000)
        _answer_current(qtbot, mock)
    assert len(asked_texts) == 1
    asked = [q.id for q in mock.plan.questions]
    assert [r.question.id for r in summary.args[0]] == asked
    stored = _stored(window, mock.session_id)
    assert [a.question_id for a in stored] == asked
    assert (stored[0].duration_s or 0.0) < 2.0 <= (stored[1].duration_s or 0.0)
