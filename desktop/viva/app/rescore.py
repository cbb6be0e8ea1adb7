"""Re-scoring: run the current scorer (optionally a new transcription) over stored attempts.

The previous results of each attempt move to its score history (see
:meth:`AttemptStore.replace_score`), so nothing is lost; the spaced-repetition card is rebuilt
from the new coverage.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from viva.storage.store import AttemptStore, StoreError

if TYPE_CHECKING:
    from viva.bank import Bank, Question
    from viva.storage.store import Attempt

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RescoreResult:
    """What a re-score changed for one attempt (``error`` set when it was skipped)."""

    attempt_id: int
    question_id: str
    old_coverage: float | None
    new_coverage: float | None
    old_scorer_version: str | None
    new_scorer_version: str | None
    retranscribed: bool
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempt_id": self.attempt_id,
            "question_id": self.question_id,
            "old_coverage": self.old_coverage,
            "new_coverage": self.new_coverage,
            "old_scorer_version": self.old_scorer_version,
            "new_scorer_version": self.new_scorer_version,
            "retranscribed": self.retranscribed,
            "error": self.error,
        }


def _question_for(attempt: Attempt, bank: Bank | None, use_bank: bool) -> Question:
    current = bank.get(attempt.question_id) if bank is not None else None
    if use_bank and current is not None:
        return current
    try:
        return attempt.question_model()
    except ValidationError as exc:
        if current is not None:
            log.info("attempt %s: snapshot no longer valid, using the bank's question", attempt.id)
            return current
        raise StoreError(
            f"Attempt {attempt.id}: the stored question no longer fits the bank format, so it "
            "was not re-scored. Re-score it with --use-bank to use the bank's current version."
        ) from exc


def rescore(
    store: AttemptStore,
    attempt_ids: Sequence[int],
    *,
    bank: Bank | None = None,
    use_bank: bool = False,
    transcriber: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[RescoreResult]:
    """Re-score the given attempts with the current ``viva.scoring``.

    The question scored against is the snapshot taken when the attempt was made; with
    ``use_bank`` the current bank version of the question is used instead. With a
    ``transcriber`` (``viva.speech.transcriber.Transcriber``) the audio is transcribed again
    first; attempts without audio then keep their transcript.
    """
    from viva.scoring import SCORER_VERSION, score_answer

    results: list[RescoreResult] = []
    for done, attempt_id in enumerate(attempt_ids, start=1):
        attempt = store.get_attempt(attempt_id)
        try:
            question = _question_for(attempt, bank, use_bank)
        except StoreError as exc:
            results.append(
                RescoreResult(
                    attempt.id,
                    attempt.question_id,
                    attempt.coverage,
                    None,
                    attempt.scorer_version,
                    None,
                    False,
                    exc.user_message,
                )
            )
            continue
        transcript = attempt.transcript
        model_name = attempt.model_name
        retranscribed = False
        audio = attempt.audio_path
        if transcriber is not None and audio is not None and audio.is_file():
            transcript = transcriber.transcribe(audio)
            model_name = getattr(transcriber, "model_name", model_name)
            retranscribed = True
        elif transcriber is not None:
            log.info("attempt %s has no audio; keeping its transcript", attempt.id)
        feedback = score_answer(question, transcript)
        store.replace_score(
            attempt.id,
            feedback,
            transcript=transcript if retranscribed else None,
            model_name=model_name,
            scorer_version=str(SCORER_VERSION),
        )
        results.append(
            RescoreResult(
                attempt_id=attempt.id,
                question_id=attempt.question_id,
                old_coverage=attempt.coverage,
                new_coverage=float(feedback.coverage),
                old_scorer_version=attempt.scorer_version,
                new_scorer_version=str(SCORER_VERSION),
                retranscribed=retranscribed,
            )
        )
        if progress is not None:
            progress(done, len(attempt_ids))
    return results
