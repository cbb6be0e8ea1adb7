"""``viva --smoke-test``: the real app, offscreen, one scripted practice round.

A WAV shipped with the package is fed through the real recording path (Recorder → live
transcriber → scorer → store) by a replayed input device; Space is pressed twice on the real
window. Prints the timings and where the Whisper model was loaded from, exits 0 when feedback
appears (1 otherwise). Data goes to a temporary folder, so the user's history is untouched.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SMOKE_WAV = Path(__file__).resolve().parent / "resources" / "smoke_answer.wav"
SMOKE_QUESTION_ID = "canary-vs-blue-green"
REPLAY_SPEED = 1.0
TIMEOUT_S = 180.0


class _SilentSpeaker:
    """The smoke test does not read questions aloud (no sound card in CI)."""

    def say(self, text: str) -> None:
        log.info("smoke test: not speaking %r", text[:40])

    def read_aloud(self, text: str, on_sentence: Callable[[int], None] | None = None) -> int:
        log.info("smoke test: not reading %r", text[:40])
        return 0

    def stop(self) -> None:
        return None


def _out(line: str) -> None:
    print(line, flush=True)  # noqa: T201 - CLI output


def run_smoke_test(
    wav: Path | None = None, *, question_id: str | None = None, speed: float = REPLAY_SPEED
) -> int:
    started = time.perf_counter()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from viva.storage import paths

    tmp = tempfile.TemporaryDirectory(prefix="viva-smoke-")
    paths.set_base_dir(tmp.name)
    try:
        return _run(started, wav or SMOKE_WAV, question_id or SMOKE_QUESTION_ID, speed)
    finally:
        paths.set_base_dir(None)
        tmp.cleanup()


def _wait(app: Any, condition: Callable[[], bool], timeout: float) -> bool:
    from PySide6.QtTest import QTest

    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        QTest.qWait(20)  # sleeps in the event loop; a busy loop starves the workers
    return True


def _run(started: float, wav: Path, question_id: str, speed: float) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from viva.app.services import Services
    from viva.settings import Settings
    from viva.speech.replay import ReplaySoundDevice
    from viva.ui.app import apply_theme, create_application
    from viva.ui.main_window import MainWindow

    if not wav.is_file():
        _out(f"smoke test: FAILED: the answer recording {wav} is missing (broken install?)")
        return 1
    replay = ReplaySoundDevice(wav, speed=speed)
    app = create_application([sys.argv[0] if sys.argv else "viva"])
    settings = Settings()
    settings.mic_checked = True
    apply_theme(app, "light")
    services = Services(settings, sd_module=replay, speaker_factory=lambda _s: _SilentSpeaker())
    window = MainWindow(services)
    window.show()
    app.processEvents()
    shown_s = time.perf_counter() - started
    _out(f"window shown: {shown_s:.2f} s after start")

    state: dict[str, Any] = {}
    window.bank_loaded.connect(lambda bank: state.setdefault("bank", bank))
    window.practice.feedback_shown.connect(lambda saved: state.setdefault("saved", saved))
    window.practice.attempt_saved.connect(lambda saved: state.setdefault("stored", saved))
    window.practice.error_occurred.connect(lambda msg: state.setdefault("error", msg))

    def finish(code: int) -> int:
        window.close()
        _wait(app, lambda: not window.isVisible(), 60)
        _out(f"total: {time.perf_counter() - started:.2f} s")
        _out("smoke test: " + ("OK" if code == 0 else "FAILED"))
        return code

    if not _wait(app, lambda: "bank" in state or "error" in state, 60):
        _out("smoke test: the question bank did not load within 60 s")
        return finish(1)
    bank = state.get("bank")
    if bank is None or not len(bank):
        _out(f"smoke test: no questions in the bank ({state.get('error', 'empty bank')})")
        return finish(1)
    _out(f"bank loaded: {len(bank)} questions, {time.perf_counter() - started:.2f} s after start")
    if not _wait(app, lambda: window.model_where is not None or bool(window.model_error), 120):
        _out("smoke test: the speech model did not load within 120 s")
        return finish(1)
    if window.model_error:
        _out(f"smoke test: model failed to load: {window.model_error}")
        return finish(1)
    _out(f"model loaded from: {window.model_where}")
    _out(f"model load: {window.model_load_s:.2f} s")

    question = bank.get(question_id) or next(iter(bank))
    window.practice.select_question(question.id)
    _out(f"question: {question.id}")
    practice = window.practice
    practice.setFocus()
    QTest.keyClick(practice, Qt.Key.Key_Space)
    if not _wait(app, lambda: practice.recorder.recording or "error" in state, 10):
        _out("smoke test: recording did not start")
        return finish(1)
    _out(f"recording: replaying {wav.name} ({replay.duration_s:.1f} s at {speed:g}x)")
    if not _wait(app, lambda: replay.finished_playing.is_set() or "error" in state, TIMEOUT_S):
        _out("smoke test: the recording did not finish")
        return finish(1)
    _wait(app, lambda: False, 0.3)  # let the last blocks reach the recorder
    QTest.keyClick(practice, Qt.Key.Key_Space)
    if not _wait(app, lambda: "saved" in state or "error" in state, 60):
        _out("smoke test: no feedback within 60 s of Stop")
        return finish(1)
    if "saved" not in state:
        _out(f"smoke test: error: {state['error']}")
        return finish(1)
    saved = state["saved"]
    feedback = saved.feedback
    _out(f"stop to feedback: {practice.last_stop_to_feedback_s:.2f} s")
    if not _wait(app, lambda: "stored" in state or "error" in state, 60):
        _out("smoke test: the answer was not stored within 60 s of its feedback")
        return finish(1)
    stored = state.get("stored")
    if stored is None or (stored.attempt_id is None and stored.queued_uid is None):
        _out(f"smoke test: the answer was not stored: {state.get('error', 'no attempt id')}")
        return finish(1)
    _out(f"stored as attempt {stored.attempt_id} (after the feedback was shown)")
    for name, value in sorted(practice.last_timings.items()):
        _out(f"  {name}: {value:.3f} s")
    _out(f"transcript: {saved.transcript.text}")
    _out(f"coverage: {feedback.coverage:.0%}")
    for point in feedback.key_points:
        _out(f"  {point.status:8} {point.text}")
    shown_in_window = practice.feedback.isVisible() and practice.feedback.points.count() > 0
    if not shown_in_window:
        _out("smoke test: feedback was computed but not shown in the window")
        return finish(1)
    return finish(0)
