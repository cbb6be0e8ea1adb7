"""About Viva: the third-party notices ship as package data and open from the help overlay."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform plugin says these whenever a dialog is shown; not our bug.
    pytest.mark.qt_log_ignore(
        "This plugin does not support propagateSizeHints", "This plugin does not support raise"
    ),
]


class _QuietSpeaker:
    def __init__(self) -> None:
        self.prepared: list[str] = []
        self.warmed = 0

    def say(self, text: str) -> None:
        return None

    def stop(self) -> None:
        return None

    def warm_up(self) -> float:
        self.warmed += 1
        return 0.0

    def prefetch(self, texts: list[str]) -> None:
        self.prepared.extend(texts)


def test_notices_name_every_licence_that_matters() -> None:
    from viva.ui.about import NOTICES_PATH, notices_text

    assert NOTICES_PATH.is_file()
    text = notices_text()
    for needle in (
        "piper-tts",
        "GPL-3.0-or-later",
        "separate program",
        "en_US-joe-medium",
        "lessac",
        "espeak-ng",
        "faster-whisper",
        "CTranslate2",
        "tiny.en",
        "all-MiniLM-L6-v2",
        "Apache-2.0",
        "onnxruntime",
        "PySide6",
        "LGPL-3.0",
    ):
        assert needle in text, needle


def test_about_opens_from_the_help_overlay(qtbot: Any) -> None:
    from viva.ui.main_window import ShortcutsDialog

    overlay = ShortcutsDialog()
    qtbot.addWidget(overlay)
    overlay.show()
    overlay.about_button.click()
    about = overlay.about_dialog
    assert about is not None
    assert about.isVisible()
    shown = about.notices.toPlainText()
    assert "piper-tts" in shown
    assert "GPL-3.0-or-later" in shown
    about.reject()
    overlay.reject()


class _InstantTranscriber:
    model_name = "none"

    def load(self) -> None:
        return None


def test_window_warms_the_voice_and_prepares_the_shown_question(
    qtbot: Any, make_window: Any
) -> None:
    speaker = _QuietSpeaker()
    window = make_window(
        speaker_factory=lambda _s: speaker, transcriber_factory=lambda _s: _InstantTranscriber()
    )
    qtbot.waitUntil(lambda: speaker.warmed == 1, timeout=10_000)
    # Showing a question in Practice prepares its speech ahead of P.
    question = next(iter(window.services.cached_bank))
    window.practice.question_changed.emit(question.id)
    assert question.question in speaker.prepared
