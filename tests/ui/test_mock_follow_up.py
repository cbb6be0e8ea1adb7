"""Mock interview follow-ups: an answer that misses a point is followed by one question on it.

End to end, twice: espeak-ng speaks both answers into the PulseAudio virtual microphone while
the app records and transcribes live (the app as shipped); and the same answers as espeak-ng
WAVs replayed as the microphone, scored from the recorded file (at load ~12 on this 2-core
machine the virtual microphone lost audio for 2 s and the live path gave up waiting, so this
variant keeps the follow-up flow tested when the machine is that busy). The app's own speaker
reads the questions aloud, the real tiny Whisper model transcribes and the judge scores.
Whisper's exact words differ across CPUs, so only statuses, keywords and bounds are asserted.
"""

from __future__ import annotations

import logging
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.exceptions import TimeoutError
from tests.ui.conftest import QT_LOG_IGNORE

pytestmark = [pytest.mark.gui, pytest.mark.audio, pytest.mark.slow, QT_LOG_IGNORE]

log = logging.getLogger(__name__)

QUESTION_ID = "canary-vs-blue-green"
#: Makes the canary point only: both blue-green points are missed.
MAIN_ANSWER = (
    "With a canary release we send a small share of the traffic, about five percent of the "
    "users, to the new model first, and we watch the error rate before we send more."
)
#: Makes the blue-green point.
FOLLOW_UP_ANSWER = (
    "Blue green keeps two identical environments. We deploy to the idle one, and then the "
    "router switches all the traffic at once to the new environment."
)


class RecordingSpeaker:
    """The app's own speaker, noting every text it is asked to read aloud."""

    def __init__(self, inner: Any, said: list[str]) -> None:
        self.inner = inner
        self.said = said

    def say(self, text: str) -> Any:
        self.said.append(text)
        return self.inner.say(text)

    def stop(self) -> Any:
        return self.inner.stop()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class AnswersReplay:
    """A sounddevice stand-in that replays one WAV per recording, in order."""

    def __init__(self, paths: list[Path]) -> None:
        from viva.speech.replay import ReplaySoundDevice

        self.devices = [ReplaySoundDevice(p) for p in paths]
        self.streams = 0
        self.current = self.devices[0]

    def InputStream(self, **kwargs: Any) -> Any:  # noqa: N802 - sounddevice's name
        self.current = self.devices[min(self.streams, len(self.devices) - 1)]
        self.streams += 1
        return self.current.InputStream(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.devices[0], name)


def _espeak_wav(path: Path, text: str) -> Path:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    return path


def _speaker_factory(said: list[str]) -> Any:
    from viva.app.services import _default_speaker

    return lambda settings: RecordingSpeaker(_default_speaker(settings), said)


def _state(window: Any, mock: Any, phases: list[tuple[str, str]], said: list[str]) -> str:
    """What the interview was doing, for a failure message."""
    return (
        f"phase {mock.phase!r}, phases {phases}, said {said}, results "
        f"{ {i: (r.feedback.coverage, r.feedback.follow_up) for i, r in mock.results.items()} }, "
        f"pending scores {mock.interview.pending_scores}, jobs {window.jobs.active_names()}"
    )


def _one_question_on(mock: Any, topic: str) -> None:
    mock.activated()
    mock.count_spin.setValue(1)
    mock.think_spin.setValue(0)
    mock.mode_box.setCurrentIndex(mock.mode_box.findData("topic"))
    mock.topic_box.setCurrentIndex(mock.topic_box.findData(topic))


def _answer(qtbot: Any, mock: Any, play: Callable[[str], None], text: str) -> float:
    """``play`` the answer into the recording, then press Space; returns when (clock)."""
    qtbot.waitUntil(lambda: mock.recorder.elapsed() > 0.3, timeout=10_000)
    play(text)
    spoken_until = mock.recorder.elapsed()
    qtbot.waitUntil(lambda: mock.recorder.elapsed() > spoken_until + 0.8, timeout=10_000)
    qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)
    return time.perf_counter()


@pytest.fixture(autouse=True)
def _close_without_asking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed test leaves the interview running: closing the window must not wait for an
    answer to "End the interview?"."""
    monkeypatch.setattr("viva.ui.dialogs.ask", lambda *_args, **_kwargs: True)


@pytest.mark.e2e
def test_a_missed_point_is_followed_up_through_the_virtual_microphone(
    qtbot: Any, make_window: Any, speak_into_mic: Any
) -> None:
    def play(text: str) -> None:
        speech = speak_into_mic(text, speed=150)
        qtbot.waitUntil(lambda: speech.poll() is not None, timeout=60_000)
        assert speech.returncode == 0

    said: list[str] = []
    window = make_window(speaker_factory=_speaker_factory(said))
    _interview_with_follow_up(qtbot, window, said, play)


@pytest.mark.e2e
def test_a_missed_point_is_followed_up_with_replayed_answers(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    mic = AnswersReplay(
        [
            _espeak_wav(tmp_path / "main.wav", MAIN_ANSWER),
            _espeak_wav(tmp_path / "follow-up.wav", FOLLOW_UP_ANSWER),
        ]
    )

    def play(_text: str) -> None:
        qtbot.waitUntil(lambda: mic.current.finished_playing.is_set(), timeout=60_000)

    said: list[str] = []
    window = make_window(sd_module=mic, speaker_factory=_speaker_factory(said), live=False)
    _interview_with_follow_up(qtbot, window, said, play)
    assert mic.streams == 2


def _interview_with_follow_up(
    qtbot: Any, window: Any, said: list[str], play: Callable[[str], None]
) -> None:
    """One question answered with MAIN_ANSWER, its follow-up with FOLLOW_UP_ANSWER."""
    qtbot.waitUntil(lambda: window.model_where is not None, timeout=300_000)
    mock = window.show_view("mock")
    _one_question_on(mock, "deployment")
    phases: list[tuple[str, str]] = []
    mock.phase_changed.connect(lambda phase: phases.append((phase, mock.phase_label.text())))
    qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: mock.phase == "answering", timeout=300_000)
    assert not mock.asking_follow_up
    stopped = _answer(qtbot, mock, play, MAIN_ANSWER)

    # The interviewer reads the follow-up aloud once the answer's score names the point.
    try:
        qtbot.waitUntil(lambda: len(said) >= 2, timeout=300_000)
    except TimeoutError as exc:
        raise AssertionError(_state(window, mock, phases, said)) from exc
    asked_after = time.perf_counter() - stopped
    assert mock.asking_follow_up
    log.warning(
        "follow-up read aloud %.2f s after Stop (the view's own clock: %.2f s)",
        asked_after,
        mock.follow_up_delay_s,
    )
    main = mock.results[0]
    follow_up = main.feedback.follow_up
    assert follow_up is not None
    assert said == [main.question.question, follow_up.question]
    assert main.feedback.key_points[follow_up.point - 1].status != "covered"
    assert main.feedback.key_points[0].status in ("covered", "partial")  # the canary point
    assert "blue-green" in main.feedback.key_points[follow_up.point - 1].text.lower()
    assert mock.question_label.text() == follow_up.question
    assert mock.follow_up_delay_s is not None
    assert 0 < mock.follow_up_delay_s < 60

    try:
        qtbot.waitUntil(lambda: mock.phase == "answering", timeout=120_000)
    except TimeoutError as exc:
        raise AssertionError(_state(window, mock, phases, said)) from exc
    assert mock.phase_label.text().startswith("Follow-up")
    with qtbot.waitSignal(mock.summary_shown, timeout=300_000) as summary:
        _answer(qtbot, mock, play, FOLLOW_UP_ANSWER)
    assert any(p == "follow-up" or t.startswith("Follow-up") for p, t in phases)

    [result] = summary.args[0]
    answered = result.follow_up
    assert answered is not None
    assert answered.point == follow_up.point
    assert answered.asked == follow_up.question
    # Scored against that key point only.
    assert [kp.text for kp in answered.feedback.key_points] == [
        main.question.key_points[follow_up.point - 1].text
    ]
    heard = answered.transcript.text.lower()
    assert any(w in heard for w in ("environment", "green", "switch"))
    # The score is the scorer's verdict on this transcript against that point alone.
    from viva.app.services import narrow_to_point
    from viva.scoring import score_answer

    narrowed = narrow_to_point(main.question, follow_up.point)
    rescored = score_answer(narrowed, answered.transcript).key_points[0]
    assert answered.result.status == rescored.status
    # Whisper's decode of the espeak clip varies between CPUs (int8, temperature fallback): on
    # one, the file decode with the point's vocabulary as prompt dropped "Blue green keeps two
    # identical" and invented "a little bit" (issue 12). Where the words that make the point
    # were heard, the point is credited and quoted.
    if "identical" in heard and "at once" in heard:
        assert answered.result.status in ("covered", "partial"), heard
        assert answered.result.evidence
    assert answered.audio_path is not None
    assert answered.audio_path.exists()

    # Stored linked to its question's attempt; the answer lists show the answer only.
    store = window.services.open_store()
    try:
        stored = store.get_attempt(answered.attempt_id)
        assert stored.parent_id == result.attempt_id
        assert stored.follow_up_point == follow_up.point
        assert stored.question_text == follow_up.question
        assert [a.id for a in store.list_attempts(QUESTION_ID)] == [result.attempt_id]
    finally:
        store.close()

    # The summary shows it under its question.
    assert mock.table.rowCount() == 2
    assert mock.table.item(0, 0).text() == main.question.question
    row = mock.table.item(1, 0).text()
    assert "Follow-up on point" in row
    assert follow_up.question in row
    assert mock.table.item(1, 4).text() == answered.result.status  # the summary shows its score
    # ... and its own target: one point's share of the question's (it was left empty).
    low, high = answered.question.target_seconds
    assert high < main.question.target_seconds[1]
    from viva.ui.render import format_seconds

    assert mock.table.item(1, 3).text() == f"{format_seconds(low)}–{format_seconds(high)}"
    assert "1 follow-up question" in mock.overall_label.text()
    mock.table.selectRow(1)
    with qtbot.waitSignal(mock.review_requested, timeout=5_000) as review:
        mock.review_selected()
    assert review.args[0] == answered.attempt_id


def test_no_follow_up_when_the_setting_is_off(qtbot: Any, make_window: Any, jfk_wav: Any) -> None:
    from viva.settings import Settings
    from viva.speech.replay import ReplaySoundDevice

    said: list[str] = []
    window = make_window(
        Settings(mic_checked=True, follow_ups=False),
        sd_module=ReplaySoundDevice(jfk_wav),
        speaker_factory=_speaker_factory(said),
    )
    mock = window.show_view("mock")
    _one_question_on(mock, "deployment")
    with qtbot.waitSignal(mock.summary_shown, timeout=180_000) as summary:
        qtbot.mouseClick(mock.start_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: mock.phase == "answering", timeout=60_000)
        qtbot.waitUntil(lambda: mock.recorder.elapsed() > 2.5, timeout=10_000)
        qtbot.keyClick(mock.advance_button, Qt.Key.Key_Space)
    [result] = summary.args[0]
    assert result.feedback.follow_up is not None  # JFK misses every point: one was due
    assert result.follow_up is None
    assert len(said) == 1
    assert mock.table.rowCount() == 1
    assert "follow-up" not in mock.overall_label.text()
