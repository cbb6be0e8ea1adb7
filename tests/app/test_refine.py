"""A spoken answer's transcript made again after its feedback (Services.refine_attempt): the real
model, a real recording, a real SQLite history."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from viva.app.services import SavedAttempt, Services
from viva.bank import Question
from viva.bank.models import KeyPoint
from viva.settings import Settings
from viva.speech.transcript import Transcript, Word

pytestmark = pytest.mark.slow

QUESTION = Question(
    id="jfk-speech",
    topic="history",
    difficulty="basic",
    target_seconds=(10, 60),
    question="What did Kennedy ask of his fellow Americans?",
    reference_answer=(
        "Not to ask what their country can do for them, but what they can do for their country."
    ),
    key_points=[KeyPoint(text="Ask what you can do for your country.")],
)


def _stored(services: Services, audio: Path, text: str) -> SavedAttempt:
    """An answer as the app stores it after a live transcription that got ``text``."""
    words = tuple(Word(f" {w}", i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(text.split()))
    transcript = Transcript(text=text, words=words, duration_s=11.0, extra={"pass": "live"})
    scored = services.score_attempt(QUESTION, transcript, audio_path=audio)
    return services.save_attempt(scored)


def _services() -> Services:
    return Services(Settings(mic_checked=True), bank_loader=lambda: None)  # type: ignore[arg-type]


def test_a_garbled_live_transcript_is_replaced_and_kept_in_the_score_history(
    jfk_wav: Path, tmp_path: Path
) -> None:
    audio = tmp_path / "answer.wav"
    shutil.copy(jfk_wav, audio)
    services = _services()
    garbled = "And so my fellow Americans, ask not. Yeah."
    saved = _stored(services, audio, garbled)
    assert saved.attempt_id is not None

    refined = services.refine_attempt(saved)

    assert refined is not None
    assert refined.attempt_id == saved.attempt_id
    assert refined.refined_from is saved.feedback
    text = refined.transcript.text.lower()
    for word in ("americans", "ask", "country"):
        assert word in text, refined.transcript.text
    assert "yeah" not in text  # nothing invented
    assert refined.transcript.extra["pass"] == "refined"
    assert refined.feedback.coverage >= saved.feedback.coverage
    store = services.open_store()
    try:
        stored = store.get_attempt(saved.attempt_id)
        assert stored.transcript.text == refined.transcript.text
        history = store.score_history(saved.attempt_id)
    finally:
        store.close()
    assert [h.transcript.text for h in history] == [garbled]  # the first result is kept


def test_the_same_words_or_no_recording_change_nothing(jfk_wav: Path, tmp_path: Path) -> None:
    audio = tmp_path / "answer.wav"
    shutil.copy(jfk_wav, audio)
    services = _services()
    batch = services.transcribe_file(QUESTION, audio)
    saved = _stored(services, audio, batch.text)
    assert services.refine_attempt(saved) is None
    assert services.refine_attempt(replace(saved, audio_path=tmp_path / "gone.wav")) is None
    assert services.refine_attempt(replace(saved, attempt_id=None)) is None


def test_a_refinement_stops_between_chunks_when_asked(jfk_wav: Path, tmp_path: Path) -> None:
    audio = tmp_path / "answer.wav"
    shutil.copy(jfk_wav, audio)
    services = _services()
    saved = _stored(services, audio, "something else entirely")

    class Stop(Exception):
        pass

    def cancelled(_fraction: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        services.refine_attempt(saved, cancelled)
    store = services.open_store()
    try:
        assert store.get_attempt(saved.attempt_id or 0).transcript.text == saved.transcript.text
    finally:
        store.close()
