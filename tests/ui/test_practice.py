"""Practice view: a spoken answer through the virtual microphone, and typed answers without one."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

TYPED_ANSWER = (
    "So basically with a canary we send a small share of the traffic, like five percent of "
    "users, to the new model first and watch the metrics. With blue green, if it goes wrong, "
    "rolling back just means switching back to the old environment."
)

SPOKEN_ANSWER = (
    "With a canary release we send a small share of the traffic, about five percent of users, "
    "to the new model first. With blue green, rolling back means switching back to the old "
    "environment."
)


def _statuses(saved: Any) -> dict[str, str]:
    return {p.text: p.status for p in saved.feedback.key_points}


def test_no_microphone_offers_typing_and_scores_a_typed_answer(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window(sd_module=NoDevices())
    qtbot.waitUntil(lambda: "No microphone found" in window.banner.text(), timeout=10_000)
    qtbot.mouseClick(window.banner.action_button, Qt.MouseButton.LeftButton)
    practice = window.practice
    assert practice.typed_box.isVisible()
    assert not practice.record_button.isEnabled()
    practice.select_question("canary-vs-blue-green")
    practice.typed.setPlainText(TYPED_ANSWER)
    with (
        qtbot.waitSignal(practice.attempt_saved, timeout=30_000) as stored,
        qtbot.waitSignal(practice.feedback_shown, timeout=30_000) as blocker,
    ):
        qtbot.keyClick(practice.typed, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = blocker.args[0]
    statuses = _statuses(saved)
    assert statuses["A canary sends a small share of traffic to the new model first."] == "covered"
    assert saved.feedback.coverage > 0.5
    # The feedback is shown first; the answer is stored after it, and the view then holds the
    # stored attempt.
    assert saved.attempt_id is None
    assert stored.args[0].attempt_id is not None
    assert stored.args[0].feedback is saved.feedback
    assert practice.shown_attempt is stored.args[0]
    assert practice.attempts["canary-vs-blue-green"] == [stored.args[0]]
    assert practice.feedback.isVisible()
    assert practice.feedback.points.count() == 3
    assert "Coverage" in practice.feedback.coverage_label.text()
    # In a short window the view scrolls to the new score card instead of leaving it half
    # below the fold (800x600 at 125 % scaling leaves about this much).
    window.resize(800, 500)
    practice.retry()
    practice.typed.setPlainText(TYPED_ANSWER)
    practice.scroll_area.verticalScrollBar().setValue(0)
    with qtbot.waitSignal(practice.feedback_shown, timeout=30_000):
        practice.score_typed()
    card = practice.feedback.card
    viewport = practice.scroll_area.viewport()

    def card_in_view() -> bool:
        top = card.mapTo(viewport, card.rect().topLeft()).y()
        return top >= 0 and top + min(card.height(), viewport.height()) <= viewport.height()

    qtbot.waitUntil(card_in_view, timeout=5_000)
    qtbot.waitUntil(practice.retry_button.isEnabled, timeout=30_000)
    # The reference answer marks what was missed; an empty answer is refused with a message.
    practice.retry()
    practice.typed.setPlainText("   ")
    with qtbot.waitSignal(practice.error_occurred, timeout=5_000) as error:
        practice.score_typed()
    assert "empty" in error.args[0]
    assert "empty" in window.banner.text()
    # The next answer supersedes that message: it does not stay up over the new feedback.
    practice.typed.setPlainText(TYPED_ANSWER)
    with qtbot.waitSignal(practice.feedback_shown, timeout=30_000):
        practice.score_typed()
    assert "empty" not in window.banner.text()
    qtbot.waitUntil(practice.retry_button.isEnabled, timeout=30_000)
    practice.retry()
    # A paste far beyond any spoken answer is refused with a message, before any scoring.
    from viva.limits import MAX_ANSWER_WORDS

    practice.typed.setPlainText("model " * (MAX_ANSWER_WORDS + 1))
    with qtbot.waitSignal(practice.error_occurred, timeout=5_000) as error:
        practice.score_typed()
    assert "too long to score" in error.args[0]
    assert not practice.session.busy


def test_typed_answers_are_kept_for_comparison(qtbot: Any, make_window: Any) -> None:
    window = make_window(sd_module=NoDevices())
    practice = window.practice
    practice.set_text_only(True)
    practice.select_question("canary-vs-blue-green")
    assert not practice.retry_button.isEnabled()  # nothing answered yet: nothing to retry
    for text in ("A canary sends five percent of traffic to the new model first.", TYPED_ANSWER):
        practice.retry()
        practice.typed.setPlainText(text)
        with qtbot.waitSignal(practice.feedback_shown, timeout=30_000):
            practice.score_typed()
        qtbot.waitUntil(practice.retry_button.isEnabled, timeout=30_000)
    assert practice.attempt_list.count() == 2
    # The list is this session's: after a restart it looked as if stored attempts were lost.
    assert practice.attempts_box.title() == "Your attempts this session"
    assert "Review (Ctrl+3)" in " ".join(
        label.text() for label in practice.attempts_box.findChildren(QLabel)
    )
    first, second = practice.attempts["canary-vs-blue-green"]
    assert first.feedback.coverage < second.feedback.coverage
    practice.attempt_list.setCurrentRow(0)
    assert practice.feedback.feedback is first.feedback
    # N moves on to the next question.
    qtbot.keyClick(practice.question_list, Qt.Key.Key_N)
    assert practice.question is not None
    assert practice.question.id != "canary-vs-blue-green"


@pytest.mark.audio
@pytest.mark.e2e
@pytest.mark.slow
def test_spoken_answer_space_twice_gives_feedback(
    qtbot: Any, make_window: Any, speak_into_mic: Any
) -> None:
    from viva.settings import Settings

    # A first start: the banner asks for a microphone test until an answer has been heard.
    window = make_window(Settings(mic_checked=False))
    qtbot.waitUntil(lambda: "First time here" in window.banner.text(), timeout=10_000)
    qtbot.waitUntil(lambda: window.model_where is not None, timeout=60_000)
    practice = window.practice
    practice.select_question("canary-vs-blue-green")
    practice.question_list.setFocus()
    qtbot.keyClick(practice.question_list, Qt.Key.Key_Space)
    assert practice.recorder.recording
    qtbot.waitUntil(lambda: practice.recorder.elapsed() > 0.3, timeout=5_000)
    # From the first second the recording says which question it answers (name and sidecar),
    # so a crash now would still leave a recording that knows its question.
    from viva.storage.paths import recordings_dir

    sidecars = list(recordings_dir().glob("*.wav.partial"))
    assert len(sidecars) == 1
    assert "canary-vs-blue-green" in sidecars[0].name
    assert "canary-vs-blue-green" in sidecars[0].read_text(encoding="utf-8")
    speech = speak_into_mic(SPOKEN_ANSWER, speed=150)
    qtbot.waitUntil(lambda: speech.poll() is not None, timeout=60_000)
    assert speech.returncode == 0
    # The live transcript shows the answer while recording.
    qtbot.waitUntil(lambda: "canary" in practice.live_label.text().lower(), timeout=30_000)
    spoken_until = practice.recorder.elapsed()
    qtbot.waitUntil(lambda: practice.recorder.elapsed() > spoken_until + 0.8, timeout=5_000)
    assert practice.level.maximum() == 100
    with qtbot.waitSignal(practice.feedback_shown, timeout=60_000) as blocker:
        qtbot.keyClick(practice.question_list, Qt.Key.Key_Space)
    saved = blocker.args[0]
    statuses = _statuses(saved)
    assert statuses["A canary sends a small share of traffic to the new model first."] == "covered"
    assert statuses["Rolling back blue-green means switching the router back."] == "covered"
    assert saved.audio_path is not None
    assert saved.audio_path.exists()
    assert saved.transcript.words, "a spoken answer has word timestamps"
    # An answer that was heard shows the microphone works: the first-start hint is done.
    assert window.services.settings.mic_checked
    assert "First time here" not in window.banner.text()
    # Clicking a covered key point highlights its evidence in the transcript.
    practice.feedback.select_point(0)
    assert practice.feedback.transcript.highlight
    assert "canary" in practice.feedback.transcript.toPlainText().lower()
    assert practice.feedback.timing.text().startswith("Answer length")


def test_window_geometry_is_restored(qtbot: Any, make_window: Any) -> None:
    window = make_window(sd_module=NoDevices())
    window.resize(701, 555)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30_000)
    again = make_window(sd_module=NoDevices())
    assert again.size().width() == 701
    assert again.size().height() == 555


def test_story_questions_offer_star_hints(qtbot: Any, make_window: Any, test_bank: Any) -> None:
    from viva.bank import Bank, Question

    story = Question.model_validate(
        {
            "id": "pipeline-failure-story",
            "question": "Tell me about a time a pipeline you owned kept failing.",
            "topic": "behavioural",
            "difficulty": "intermediate",
            "reference_answer": "Last year our nightly pipeline failed; I fixed it.",
            "key_points": ["A pipeline failed and the speaker fixed it."],
            "target_seconds": [60, 150],
            "star": {
                "situation": "Which pipeline failed, when, and who depended on it.",
                "task": "What you personally had to get working again, and by when.",
                "action": "The steps you took yourself to find and fix the cause.",
                "result": "How reliable it was afterwards, with a number, and what you learned.",
            },
        }
    )
    bank = Bank(questions={**{q.id: q for q in test_bank}, story.id: story})
    window = make_window(sd_module=NoDevices(), bank_loader=lambda: bank)
    practice = window.practice
    practice.select_question("canary-vs-blue-green")
    assert not practice.star_button.isVisible()
    practice.select_question("pipeline-failure-story")
    assert practice.star_button.isVisible()
    assert not practice.star_hints.isVisible()  # collapsed until asked for
    qtbot.mouseClick(practice.star_button, Qt.MouseButton.LeftButton)
    assert practice.star_hints.isVisible()
    text = practice.star_hints.text()
    assert "Situation: Which pipeline failed" in text
    assert "Result: How reliable it was afterwards" in text
    practice.select_question("canary-vs-blue-green")
    assert not practice.star_hints.isVisible()
