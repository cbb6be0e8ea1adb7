"""The practice flow (viva.app.practice.PracticeSession) with a fake front end: no window, no audio.

Scoring and storing are the real scorer's results, handed back as the workers would.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.app.followups import answered_follow_up
from viva.app.practice import NOTHING_HEARD, PracticeSession
from viva.app.services import SavedAttempt, narrow_to_point
from viva.bank import Question, load_builtin_bank
from viva.scoring import score_answer
from viva.speech.transcript import Transcript

BANK = load_builtin_bank()
SHORT_CANARY = "A canary sends a small share of traffic to the new model first."


def _question(question_id: str) -> Question:
    question = BANK.get(question_id)
    assert question is not None
    return question


CANARY = _question("canary-vs-blue-green")
OTHER = _question("weaknesses")


@dataclass
class FakeHost:
    scores: list[tuple[Question, Transcript, Path | None]] = field(default_factory=list)
    follow_up_scores: list[tuple[SavedAttempt, Transcript]] = field(default_factory=list)
    saves: list[SavedAttempt] = field(default_factory=list)
    shown: list[SavedAttempt] = field(default_factory=list)
    follow_up_results: list[SavedAttempt] = field(default_factory=list)
    stored_: list[SavedAttempt] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    refines: list[SavedAttempt] = field(default_factory=list)
    refines_cancelled: int = 0
    refined_shown: list[SavedAttempt] = field(default_factory=list)

    def refine(self, saved: SavedAttempt) -> None:
        self.refines.append(saved)

    def cancel_refine(self) -> None:
        self.refines_cancelled += 1

    def show_refined(self, saved: SavedAttempt) -> None:
        self.refined_shown.append(saved)

    def score(self, question: Question, transcript: Transcript, audio_path: Path | None) -> None:
        self.scores.append((question, transcript, audio_path))

    def score_follow_up(
        self, parent: SavedAttempt, transcript: Transcript, audio_path: Path | None
    ) -> None:
        self.follow_up_scores.append((parent, transcript))

    def save(self, scored: SavedAttempt) -> None:
        self.saves.append(scored)

    def show_feedback(self, saved: SavedAttempt) -> None:
        self.shown.append(saved)

    def show_follow_up_result(self, parent: SavedAttempt) -> None:
        self.follow_up_results.append(parent)

    def stored(self, saved: SavedAttempt) -> None:
        self.stored_.append(saved)

    def report(self, message: str) -> None:
        self.reports.append(message)


def _scored(question: Question, text: str) -> SavedAttempt:
    """What the score job returns: feedback, no attempt id yet."""
    transcript = Transcript.from_text(text)
    return SavedAttempt(question, transcript, score_answer(question, transcript), None, None)


def _session() -> tuple[PracticeSession, FakeHost]:
    host = FakeHost()
    session = PracticeSession(host)
    session.select(CANARY)
    return session, host


def _answer(session: PracticeSession, host: FakeHost, text: str) -> SavedAttempt:
    """Answer, get it scored; returns the scored (unsaved) attempt."""
    assert session.can_answer()
    session.answer_ended()
    assert session.busy
    assert not session.can_answer()
    session.transcribed(Transcript.from_text(text), Path("/nonexistent/answer.wav"))
    question, transcript, _audio = host.scores[-1]
    scored = _scored(question, transcript.text)
    session.scored(scored)
    return scored


def test_feedback_is_shown_before_the_answer_is_stored() -> None:
    session, host = _session()
    scored = _answer(session, host, SHORT_CANARY)
    assert host.shown == [scored]
    assert host.saves == [scored]
    assert not session.busy  # the user may answer again at once
    assert session.saving
    assert not session.can_follow_up()  # the follow-up links to the stored attempt: wait
    saved = replace(scored, attempt_id=5)
    session.saved(scored, saved)
    assert not session.saving
    assert host.stored_ == [saved]
    assert session.shown is saved
    assert session.attempts[CANARY.id] == [saved]
    assert session.can_follow_up()


def test_an_answer_scored_while_the_last_is_stored_waits_for_it() -> None:
    session, host = _session()
    first = _answer(session, host, SHORT_CANARY)
    session.answer_ended()
    session.transcribed(Transcript.from_text(CANARY.reference_answer), None)
    assert len(host.scores) == 1  # its change line must see the first answer stored
    session.saved(first, replace(first, attempt_id=1))
    assert len(host.scores) == 2
    assert host.scores[-1][1].text == CANARY.reference_answer


def test_a_save_that_fails_is_reported_and_frees_the_next_answer() -> None:
    session, host = _session()
    _answer(session, host, SHORT_CANARY)
    session.answer_ended()
    session.transcribed(Transcript.from_text(CANARY.reference_answer), None)
    session.save_failed("The history could not be written.")
    assert host.reports == ["The history could not be written."]
    assert not session.saving
    assert len(host.scores) == 2


def test_nothing_heard_is_said_and_nothing_is_scored() -> None:
    session, host = _session()
    session.answer_ended()
    session.transcribed(Transcript.from_text("   "), Path("/nonexistent/answer.wav"))
    assert host.reports == [NOTHING_HEARD]
    assert host.scores == []
    assert not session.busy


def test_follow_up_is_answered_against_its_point_and_shown_under_its_answer() -> None:
    session, host = _session()
    scored = _answer(session, host, SHORT_CANARY)
    saved = replace(scored, attempt_id=3)
    session.saved(scored, saved)
    follow_up = session.follow_up_requested()
    assert follow_up is not None
    assert session.follow_up_parent is saved
    assert session.follow_up_requested() is None  # one follow-up at a time
    narrowed = session.answer_question()
    assert narrowed is not None
    assert narrowed.key_points == narrow_to_point(CANARY, follow_up.point).key_points
    assert session.follow_up_ready(saved, recording=False)
    assert not session.follow_up_ready(saved, recording=True)

    session.answer_ended()
    session.transcribed(Transcript.from_text("We switch the router back."), None)
    assert [p for p, _t in host.follow_up_scores] == [saved]
    assert host.scores == [host.scores[0]]  # not scored as a new answer
    answered = answered_follow_up(CANARY, follow_up, 4)
    session.follow_up_scored(saved, answered)
    assert session.follow_up_parent is None
    assert session.shown is not None
    assert session.shown.follow_up is answered
    assert session.attempts[CANARY.id] == [session.shown]
    assert host.follow_up_results == [session.shown]
    assert not session.can_follow_up()  # this answer was followed up
    assert session.answer_question() is CANARY


def test_retry_drops_a_follow_up_and_failures_free_the_view() -> None:
    session, host = _session()
    scored = _answer(session, host, SHORT_CANARY)
    session.saved(scored, replace(scored, attempt_id=1))
    assert session.follow_up_requested() is not None
    assert session.retry()
    assert session.follow_up_parent is None
    # A recording that fails keeps a follow-up asked; a failed scoring drops it.
    assert session.follow_up_requested() is not None
    session.answer_ended()
    session.recording_failed("The microphone was unplugged.")
    assert not session.busy
    assert session.follow_up_parent is not None
    session.answer_ended()
    session.answer_failed("The answer could not be scored.")
    assert session.follow_up_parent is None
    assert host.reports == ["The microphone was unplugged.", "The answer could not be scored."]


def test_another_question_starts_afresh_and_keeps_each_questions_attempts() -> None:
    session, host = _session()
    scored = _answer(session, host, SHORT_CANARY)
    session.select(OTHER)
    assert session.shown is None
    assert session.attempts_at_question() == []
    # The first answer's save arriving now updates its question's list, not the view.
    saved = replace(scored, attempt_id=2)
    session.saved(scored, saved)
    assert session.attempts[CANARY.id] == [saved]
    assert session.shown is None
    # A score for a question no longer shown is kept but not shown.
    late = _scored(CANARY, CANARY.reference_answer)
    shown_before = list(host.shown)
    session.scored(late)
    assert host.shown == shown_before
    assert session.attempts[CANARY.id][-1] is late
    session.select(CANARY)
    assert [a.attempt_id for a in session.attempts_at_question()] == [2, None]


def _live(text: str) -> Transcript:
    return replace(Transcript.from_text(text), extra={"pass": "live"})


def _spoken(session: PracticeSession, host: FakeHost, text: str, attempt_id: int) -> SavedAttempt:
    """A spoken answer with a live transcript, scored and stored."""
    session.answer_ended()
    session.transcribed(_live(text), Path("/recordings/answer.wav"))
    question, transcript, audio = host.scores[-1]
    scored = SavedAttempt(question, transcript, score_answer(question, transcript), None, audio)
    session.scored(scored)
    saved = replace(scored, attempt_id=attempt_id)
    session.saved(scored, saved)
    return saved


def _refined(saved: SavedAttempt, text: str) -> SavedAttempt:
    transcript = replace(Transcript.from_text(text), extra={"pass": "refined"})
    return replace(
        saved,
        transcript=transcript,
        feedback=score_answer(saved.question, transcript),
        refined_from=saved.feedback,
    )


def test_a_live_answer_is_refined_once_stored_and_the_refined_feedback_takes_its_place() -> None:
    session, host = _session()
    saved = _spoken(session, host, "A canary sends a small share of trafic to the new mod.", 7)
    assert host.refines == [saved]  # only once it is stored: the refinement replaces its score
    refined = _refined(saved, SHORT_CANARY)
    session.refined(saved, refined)
    assert session.shown is not None
    assert session.shown.transcript.text == SHORT_CANARY
    assert session.shown.refined_from is saved.feedback
    assert session.attempts[CANARY.id] == [session.shown]
    assert host.refined_shown == [session.shown]


def test_typed_answers_and_batch_transcripts_are_not_refined() -> None:
    session, host = _session()
    scored = _answer(session, host, SHORT_CANARY)  # typed: no "live" pass
    session.saved(scored, replace(scored, attempt_id=1))
    assert host.refines == []


def test_the_same_words_or_another_shown_answer_change_nothing_on_screen() -> None:
    session, host = _session()
    first = _spoken(session, host, SHORT_CANARY, 1)
    session.refined(first, None)  # the same words
    assert session.shown is first
    second = _spoken(session, host, CANARY.reference_answer, 2)
    session.refined(first, _refined(first, CANARY.reference_answer))
    assert session.shown is second  # the view stays on what the user looks at
    assert host.refined_shown == []
    assert session.attempts[CANARY.id][0].transcript.text == CANARY.reference_answer


def test_a_new_recording_cancels_a_refinement_under_way() -> None:
    session, host = _session()
    _spoken(session, host, SHORT_CANARY, 1)
    session.recording_started()
    assert host.refines_cancelled == 1


def test_a_refinement_keeps_the_follow_up_that_was_asked() -> None:
    session, host = _session()
    saved = _spoken(session, host, SHORT_CANARY, 3)
    asked = session.follow_up_requested()
    assert asked is not None
    refined = _refined(saved, CANARY.reference_answer)  # would ask nothing: all covered
    session.refined(saved, refined)
    parent = session.follow_up_parent
    assert parent is not None
    assert parent is session.shown
    assert parent.transcript.text == CANARY.reference_answer
    assert parent.feedback.follow_up == asked  # the question being answered stays the same
    narrowed = session.answer_question()
    assert narrowed is not None
    assert narrowed.key_points == narrow_to_point(CANARY, asked.point).key_points
