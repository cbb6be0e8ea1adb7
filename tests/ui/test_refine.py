"""Practice: a live-transcribed answer is transcribed again after its feedback is shown, and the
refined feedback replaces it where the user is looking."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, pytest.mark.slow, QT_LOG_IGNORE]

SPOKEN = (
    "With a canary release we send a small share of the traffic to the new model first. "
    "With blue green, rolling back means switching the router back to the old environment."
)
# What a live pass in short chunks might have made of it: most of the canary sentence lost.
LIVE = (
    "With a can of release we sent. "
    "With blue green, rolling back means switching the router back to the old environment."
)
CANARY_POINT = "A canary sends a small share of traffic to the new model first."


def _recorded(tmp_path: Path) -> Any:
    """What the recorder hands over at Stop: the WAV on disk and the live transcript."""
    from viva.speech.transcript import Transcript, Word
    from viva.ui.workers import RecordingResult

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(wav), SPOKEN], check=True)
    words = tuple(Word(f" {w}", i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(LIVE.split()))
    live = Transcript(text=LIVE, words=words, duration_s=len(words) * 0.4)
    return RecordingResult(
        path=wav, duration_s=live.duration_s, transcript=live, stop_to_transcript_s=0.3
    )


def _answered(qtbot: Any, make_window: Any, tmp_path: Path) -> tuple[Any, Any, list[Any]]:
    """A window whose practice view just stored a live-transcribed answer; the list collects
    what ``answer_refined`` reports."""
    window = make_window(sd_module=NoDevices(), refine=True)
    qtbot.waitUntil(lambda: window.model_where is not None, timeout=60_000)
    practice = window.practice
    refinements: list[Any] = []
    practice.answer_refined.connect(refinements.append)
    practice.select_question("canary-vs-blue-green")
    practice.session.answer_ended()
    with qtbot.waitSignal(practice.attempt_saved, timeout=60_000) as stored:
        practice._on_recorder_recorded(_recorded(tmp_path))
    return window, stored.args[0], refinements


def test_the_refined_transcript_replaces_the_live_one_without_moving_the_view(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window, first, refinements = _answered(qtbot, make_window, tmp_path)
    practice = window.practice
    assert first.transcript.extra["pass"] == "live"
    statuses = {p.text: p.status for p in first.feedback.key_points}
    assert statuses[CANARY_POINT] != "covered"  # the live words missed it
    practice.feedback.select_point(1)  # the user is reading the second point

    qtbot.waitUntil(lambda: bool(refinements), timeout=120_000)
    refined = refinements[0]
    assert refined is not None
    assert practice.shown_attempt is refined
    assert refined.attempt_id == first.attempt_id
    assert refined.refined_from is first.feedback
    assert "canary" in refined.transcript.text.lower()
    statuses = {p.text: p.status for p in refined.feedback.key_points}
    assert statuses[CANARY_POINT] == "covered"
    assert practice.feedback.points.currentRow() == 1  # still where the user was
    assert "canary" in practice.feedback.transcript.toPlainText().lower()
    assert "Transcript refined" in practice.status.text()
    assert f"{refined.feedback.coverage:.0%}" in practice.attempt_list.item(0).text()
    store = window.services.open_store()
    try:
        assert store.get_attempt(first.attempt_id).transcript.text == refined.transcript.text
        assert [h.transcript.text for h in store.score_history(first.attempt_id)] == [LIVE]
    finally:
        store.close()


def test_recording_again_cancels_the_refinement(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    window, first, refinements = _answered(qtbot, make_window, tmp_path)
    window.practice.session.recording_started()  # what pressing Record does first
    qtbot.waitUntil(lambda: bool(refinements), timeout=120_000)
    assert refinements == [None]
    store = window.services.open_store()
    try:
        assert store.get_attempt(first.attempt_id).transcript.text == LIVE
    finally:
        store.close()


def _mock_answered(
    qtbot: Any, make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Any, Any, Any]:
    """A one-question mock interview whose live-transcribed answer has reached the summary:
    (window, mock view, the answer as first scored)."""
    from viva.app.mock import MockPlan

    window = make_window(sd_module=NoDevices(), refine=True)
    qtbot.waitUntil(lambda: window.model_where is not None, timeout=60_000)
    mock = window.show_view("mock")
    # No voice and no microphone here: the question is "read" at once and the recording is
    # the one _recorded() makes.
    monkeypatch.setattr(mock, "say", lambda index, _text: mock.interview.reading_done(index))
    monkeypatch.setattr(mock, "start_recording", lambda _question, _limit: None)
    monkeypatch.setattr(mock, "stop_recording", lambda: None)
    monkeypatch.setattr(mock, "recording", lambda: False)
    question = window.services.cached_bank.get("canary-vs-blue-green")
    mock.interview.begin(MockPlan((question,), 0, 120, follow_ups=False), session_id=None)
    assert mock.phase == "answering"
    with qtbot.waitSignal(mock.summary_shown, timeout=60_000) as shown:
        mock._on_recorder_recorded(_recorded(tmp_path))
        mock.interview.recorder_stopped()
    (first,) = shown.args[0]
    assert first.transcript.extra["pass"] == "live"
    assert "more careful pass" in mock.refine_label.text()
    return window, mock, first


def test_a_mock_interview_refines_its_live_answers_on_the_summary_page(
    qtbot: Any, make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the last answer the summary is shown at once; the live answers are then
    transcribed again one by one and the summary redrawn in place, with a note."""
    window, mock, first = _mock_answered(qtbot, make_window, tmp_path, monkeypatch)
    live_coverage = mock.table.item(0, 1).text()
    assert live_coverage == f"{first.feedback.coverage:.0%}"

    qtbot.waitUntil(lambda: "left" not in mock.refine_label.text(), timeout=120_000)
    refined = mock.interview.results[0]
    assert refined.attempt_id == first.attempt_id
    assert refined.feedback.coverage > first.feedback.coverage
    assert "canary" in refined.transcript.text.lower()
    note = mock.refine_label.text()
    assert note.startswith("Transcripts refined by a second, more careful pass: answer 1:")
    assert f"{live_coverage} → {refined.feedback.coverage:.0%}" in note
    assert mock.table.item(0, 1).text() == f"{refined.feedback.coverage:.0%}"
    assert mock.table.currentRow() == 0
    assert f"{refined.feedback.coverage:.0%}" in mock.overall_label.text()
    store = window.services.open_store()
    try:
        assert store.get_attempt(first.attempt_id).transcript.text == refined.transcript.text
    finally:
        store.close()


def test_recording_in_practice_stops_the_mock_refinement(
    qtbot: Any, make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, mock, first = _mock_answered(qtbot, make_window, tmp_path, monkeypatch)
    window.practice.recorder.started.emit()  # what Record in Practice does once it runs
    assert "Stopped for a new recording" in mock.refine_label.text()
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=120_000)
    assert mock.interview.results[0] is first  # the live result stands
    assert "Stopped for a new recording" in mock.refine_label.text()
    store = window.services.open_store()
    try:
        assert store.get_attempt(first.attempt_id).transcript.text == LIVE
    finally:
        store.close()
