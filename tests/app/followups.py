"""A follow-up answered by saying its point word for word, as the app would save it."""

from __future__ import annotations

from viva.app.services import SavedFollowUp, narrow_to_point
from viva.bank import Question
from viva.scoring import score_answer
from viva.scoring.feedback import FollowUp
from viva.speech.transcript import Transcript


def answered_follow_up(question: Question, follow_up: FollowUp, attempt_id: int) -> SavedFollowUp:
    """``follow_up`` of an answer to ``question``, answered with its point's own text."""
    narrowed = narrow_to_point(question, follow_up.point)
    transcript = Transcript.from_text(narrowed.key_points[0].text)
    return SavedFollowUp(
        point=follow_up.point,
        asked=follow_up.question,
        question=narrowed,
        transcript=transcript,
        feedback=score_answer(narrowed, transcript),
        attempt_id=attempt_id,
        audio_path=None,
    )
