"""Listen to the model answer: L reads the reference answer aloud in the interviewer's voice,
sentence by sentence, underlining the sentence being read; L again stops it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from tests.ui.conftest import QT_LOG_IGNORE

pytestmark = [pytest.mark.gui, pytest.mark.audio, QT_LOG_IGNORE]

TYPED = "A canary sends a small share of traffic to the new model first."


def test_l_reads_the_reference_aloud_and_follows_each_sentence(
    qtbot: Any, make_window: Any, capture_speaker: Any, model_path: Any
) -> None:
    from viva.speech.speaker import sentence_spans
    from viva.speech.transcriber import Transcriber

    window = make_window()
    practice = window.practice
    practice.select_question("canary-vs-blue-green")
    reference = practice.question.reference_answer
    spans = sentence_spans(reference)
    assert len(spans) >= 3
    practice.set_text_only(True)
    practice.typed.setPlainText(TYPED)
    with qtbot.waitSignal(practice.feedback_shown, timeout=60_000):
        practice.score_typed()
    practice.set_text_only(False)
    panel = practice.feedback
    assert panel.listen_button.isVisible()
    assert "(L)" in panel.listen_button.text()

    read: list[int] = []
    panel.reading_changed.connect(read.append)
    with capture_speaker() as wav:
        practice.question_list.setFocus()
        with qtbot.waitSignal(panel.reading_changed, timeout=60_000) as first:
            qtbot.keyClick(practice.question_list, Qt.Key.Key_L)
        assert first.args[0] == 0
        assert panel.listening
        assert "Stop" in panel.listen_button.text()
        # The sentence being read is underlined in the reference answer; the others are not.
        html = panel.reference.toHtml()
        assert "underline" in html
        assert panel.reading == spans[0]
        qtbot.waitUntil(lambda: 1 in read, timeout=60_000)
        assert panel.reading == spans[1]
        # L again stops the voice at once and clears the highlight.
        with qtbot.waitSignal(panel.reading_changed, timeout=10_000) as done:
            qtbot.keyClick(practice.question_list, Qt.Key.Key_L)
        assert done.args[0] == -1
    assert read[:2] == [0, 1]
    assert read[-1] == -1
    assert len(read) < len(spans) + 1  # stopped before the end
    assert not panel.listening
    assert panel.reading is None
    assert "underline" not in panel.reference.toHtml()
    # What reached the speaker is the reference answer's opening, in words Whisper recognises.
    audio, rate = sf.read(str(wav), dtype="float32")
    assert len(audio) / rate > 2.0
    assert float(np.sqrt(np.mean(audio**2))) > 0.005
    heard = Transcriber(model_path).transcribe(wav).text.lower()
    assert any(w in heard for w in ("downtime", "traffic", "running model", "canary")), heard
