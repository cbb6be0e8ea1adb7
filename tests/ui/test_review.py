"""Review: an attempt plays, the current word follows playback, clicking a word seeks."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


@pytest.fixture
def stored_attempt(jfk_wav: Any, test_bank: Any, model_path: Any) -> int:
    """The JFK recording transcribed by the real model, scored and stored (real SQLite)."""
    from viva.scoring import score_answer
    from viva.speech.transcriber import Transcriber
    from viva.storage.store import AttemptStore

    question = test_bank.get("feature-store-purpose")
    transcript = Transcriber(model_path).transcribe(jfk_wav)
    assert transcript.words
    with AttemptStore.open() as store:
        return store.add_attempt(
            question, transcript, score_answer(question, transcript), audio_path=jfk_wav
        )


@pytest.mark.audio
def test_review_plays_and_seeks_by_word(qtbot: Any, make_window: Any, stored_attempt: int) -> None:
    window = make_window()
    review = window.view("review")
    with qtbot.waitSignal(review.attempt_shown, timeout=30_000) as shown:
        window.show_view("review")
    assert shown.args[0] == stored_attempt
    assert review.table.rowCount() == 1
    pane = review.pane_a
    qtbot.waitUntil(pane.play_button.isEnabled, timeout=10_000)
    transcript = pane.feedback.transcript
    qtbot.mouseClick(pane.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.player.position_s > 1.0, timeout=10_000)
    qtbot.waitUntil(lambda: transcript.current is not None, timeout=5_000)
    assert pane.player.playing
    # Click the word "country" (its anchor): playback jumps there and it is highlighted.
    index = next(i for i, t in enumerate(transcript.tokens) if "countr" in t.text.lower())
    transcript.anchorClicked.emit(QUrl(f"w:{index}"))
    start = transcript.tokens[index].start
    assert pane.player.position_s == pytest.approx(start, abs=0.2)
    qtbot.waitUntil(lambda: transcript.current == index, timeout=5_000)
    qtbot.mouseClick(pane.play_button, Qt.MouseButton.LeftButton)
    assert not pane.player.playing


def test_review_a_recorded_file_gives_feedback(
    qtbot: Any, make_window: Any, jfk_wav: Any, test_bank: Any, monkeypatch: Any
) -> None:
    window = make_window(sd_module=NoDevices())
    review = window.show_view("review")
    question = test_bank.get("model-drift-monitoring")
    opened = []
    monkeypatch.setattr(
        "viva.ui.review.dialogs.open_file", lambda *a, **k: opened.append(a) or None
    )
    with qtbot.waitSignal(review.file_reviewed, timeout=60_000) as done:
        review.review_file(jfk_wav, question)
        # Ctrl+O while it runs opens no second file dialog (the button is disabled).
        assert review.reviewing()
        qtbot.keyClick(review, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
        review.review_file_dialog()
        assert opened == []
    saved = done.args[0]
    assert not review.reviewing()
    assert "ask not what your country" in saved.transcript.text.lower()
    assert saved.feedback.coverage < 0.3  # JFK does not answer a drift question
    qtbot.waitUntil(lambda: review.table.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: review.pane_a.attempt is not None, timeout=10_000)
    assert review.pane_a.attempt.id == saved.attempt_id


def test_typed_attempts_compare_from_the_score_card(qtbot: Any, make_window: Any) -> None:
    """Two typed answers: the card's Compare link opens both side by side; a typed attempt
    has no Play button and no stale time."""
    window = make_window(sd_module=NoDevices())
    practice = window.practice
    practice.set_text_only(True)
    practice.select_question("canary-vs-blue-green")
    shown = []
    for text in (
        "A canary sends five percent of traffic to the new model first.",
        "A canary sends five percent of traffic first; rolling back blue-green means switching "
        "the router back to the old environment.",
    ):
        practice.retry()
        practice.typed.setPlainText(text)
        # The first answer builds the scorer's corpus: slow on a loaded machine.
        with qtbot.waitSignal(practice.attempt_saved, timeout=180_000) as blocker:
            practice.score_typed()
        shown.append(blocker.args[0])
    first, second = shown
    assert second.previous_id == first.attempt_id
    assert "since your last attempt" in practice.feedback.card.change.text()
    review = window.view("review")
    practice.feedback.card.change.linkActivated.emit("compare")
    qtbot.waitUntil(
        lambda: (
            review.pane_b.isVisible()
            and review.pane_b.attempt is not None
            and review.pane_b.attempt.id == first.attempt_id
        ),
        timeout=30_000,
    )
    assert review.pane_a.attempt.id == second.attempt_id
    assert review.compare_combo.currentData() == first.attempt_id
    # The list loading after the Compare link does not undo the comparison.
    qtbot.wait(300)
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=30_000)
    assert review.pane_b.isVisible()
    assert review.compare_combo.currentData() == first.attempt_id
    for pane in (review.pane_a, review.pane_b):
        assert not pane.controls.isVisible()
        assert "no recording" in pane.no_audio.text()
    # A long question wraps in a narrow list instead of ending in "..." on every row.
    window.resize(1000, 700)
    table = review.table
    line = table.fontMetrics().height()
    qtbot.waitUntil(lambda: table.columnWidth(1) < table.fontMetrics().horizontalAdvance(
        table.item(0, 1).text()), timeout=5_000)
    # The question needs three or more lines at this width (the default row holds two).
    qtbot.waitUntil(lambda: table.rowHeight(0) >= 3 * line, timeout=5_000)
    # Side by side, neither card offers "Compare the two"; the change line stays.
    for pane in (review.pane_a, review.pane_b):
        assert "href" not in pane.feedback.card.change.text()
    assert "since your last attempt" in review.pane_a.feedback.card.change.text()
    # At 800x600 each compared pane keeps a readable width and height (the list folds away
    # rather than leave ~100 px each), and the reference answer needs no scroll bar of its
    # own in the pane.
    window.resize(800, 600)

    def readable() -> bool:
        return all(
            pane.width() >= 280 and pane.height() >= 300 for pane in (review.pane_a, review.pane_b)
        )

    qtbot.waitUntil(readable, timeout=5_000)
    for pane in (review.pane_a, review.pane_b):
        reference = pane.feedback.reference
        qtbot.waitUntil(lambda r=reference: r.verticalScrollBar().maximum() == 0, timeout=5_000)
    # Ending the comparison gives the card its link back, the list its width back and the
    # pane the rest.
    review.compare_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not review.pane_b.isVisible(), timeout=5_000)
    assert review.splitter.sizes()[0] > 200
    assert "href" in review.pane_a.feedback.card.change.text()
    assert review.panes.orientation() == Qt.Orientation.Horizontal


def test_an_error_banner_goes_when_its_cause_is_resolved(
    qtbot: Any, make_window: Any, jfk_wav: Any, test_bank: Any, tmp_path: Any
) -> None:
    """A failed review's message goes when the next review starts, and a model folder's
    failure goes when a model loads after all (both stayed up beside "Speech model ready")."""
    from viva.settings import Settings

    bad = tmp_path / "notamodel"
    bad.mkdir()
    window = make_window(Settings(mic_checked=True, model_dir=str(bad)), sd_module=NoDevices())
    qtbot.waitUntil(lambda: window.model_error is not None, timeout=30_000)
    window.show_error(window.model_error, topic="model")  # as shown then (or since replaced)
    window.services.settings.model_dir = None
    window.load_model()
    qtbot.waitUntil(lambda: "Speech model ready" in window.status_label.text(), timeout=30_000)
    assert window.banner.text() == ""

    review = window.show_view("review")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    question = test_bank.get("model-drift-monitoring")
    review.review_file(empty, question)
    qtbot.waitUntil(lambda: "empty.wav" in window.banner.text(), timeout=30_000)
    with qtbot.waitSignal(review.file_reviewed, timeout=60_000):
        review.review_file(jfk_wav, question)
        assert window.banner.text() == ""
    # Another view's message is not taken back by a review.
    window.show_error("Something else went wrong.")
    with qtbot.waitSignal(review.file_reviewed, timeout=60_000):
        review.review_file(jfk_wav, question)
    assert window.banner.text() == "Something else went wrong."


def test_the_question_picker_searches_and_starts_on_the_practised_question(qtbot: Any) -> None:
    """Review's "which question?" is searchable like Practice (it was a bare drop-down of
    every question, starting at the first) and starts on the question given."""
    from PySide6.QtWidgets import QDialog

    from viva.bank import load_builtin_bank
    from viva.ui.question_picker import QuestionPicker

    questions = list(load_builtin_bank())
    picker = QuestionPicker(questions, "canary-vs-blue-green")
    qtbot.addWidget(picker)
    picker.show()
    assert picker.selected() is not None
    assert picker.selected().id == "canary-vs-blue-green"
    assert picker.list.count() == len(questions)
    qtbot.keyClicks(picker.search, "model")
    assert 1 < picker.list.count() < len(questions)
    shown = [picker.list.item(i).text().lower() for i in range(picker.list.count())]
    assert "model" in shown[0]
    # Down in the search box moves through the list; Enter picks.
    first = picker.selected()
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.selected() is not first
    chosen = picker.selected()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.result() == QDialog.DialogCode.Accepted
    assert picker.selected() is chosen
    # Nothing matches: nothing to pick.
    picker.search.setText("zzzz qqqq")
    assert picker.list.count() == 0
    assert not picker.ok_button.isEnabled()


def test_an_unreadable_file_is_refused_before_asking_for_its_question(
    qtbot: Any, make_window: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    asked: list[Any] = []
    monkeypatch.setattr("viva.ui.review.dialogs.open_file", lambda *a: str(empty))
    monkeypatch.setattr("viva.ui.review.dialogs.pick_question", lambda *a: asked.append(a))
    window = make_window(sd_module=NoDevices())
    review = window.show_view("review")
    review.review_file_dialog()
    assert asked == []
    assert "empty.wav is empty (0 bytes)" in window.banner.text()
    assert not review.reviewing()


def test_a_file_review_can_be_cancelled(
    qtbot: Any, make_window: Any, jfk_wav: Any, test_bank: Any
) -> None:
    """Cancel review stops it (at the next chunk, here the only one): nothing is stored."""
    from viva.storage.store import AttemptStore

    window = make_window(sd_module=NoDevices())
    review = window.show_view("review")
    reviewed: list[Any] = []
    review.file_reviewed.connect(reviewed.append)
    review.review_file(jfk_wav, test_bank.get("model-drift-monitoring"))
    assert review.cancel_button.isVisible()
    qtbot.mouseClick(review.cancel_button, Qt.MouseButton.LeftButton)
    assert review.open_button.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not review.reviewing(), timeout=60_000)
    assert not review.cancel_button.isVisible()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=60_000)
    assert reviewed == []
    with AttemptStore.open() as store:
        assert store.count_attempts() == 0
