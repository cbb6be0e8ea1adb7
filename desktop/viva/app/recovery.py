"""Recover-and-score: a recording left without an attempt (a crash, a killed app) is transcribed,
scored and stored as the attempt it should have been. Finding and repairing such recordings is
storage's job (``viva.storage.recovery``); this use case composes it with speech and scoring."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from viva.bank import Question
from viva.scoring import score_answer
from viva.speech.transcriber import Transcriber
from viva.storage.recovery import PendingRecording, being_recorded
from viva.storage.store import AttemptStore, StoreError


def score_recording(
    store: AttemptStore,
    recording: PendingRecording | Path,
    question: Question,
    *,
    transcriber: Any = None,
    session_id: int | None = None,
) -> int:
    """Transcribe and score a pending recording and store it as an attempt; returns its id.

    ``transcriber`` defaults to ``viva.speech.transcriber.Transcriber()``. The file stays where
    it is (it is already in the store's folder) and is referenced by the attempt.
    """
    path = recording.path if isinstance(recording, PendingRecording) else Path(recording)
    if being_recorded(path):
        raise StoreError(
            f"{path.name} is still being recorded (by another Viva window?); score it after "
            "that recording stops."
        )
    if transcriber is None:
        transcriber = Transcriber()
    transcript = transcriber.transcribe(path)
    feedback = score_answer(question, transcript)
    # The file was last written when the answer ended.
    ended = path.stat().st_mtime
    started = datetime.fromtimestamp(ended - float(transcript.duration_s or 0.0), timezone.utc)
    return store.add_attempt(
        question,
        transcript,
        feedback,
        audio_path=path,
        model_name=getattr(transcriber, "model_name", None),
        session_id=session_id,
        started_at=started,
    )
