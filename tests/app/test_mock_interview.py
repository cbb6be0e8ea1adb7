"""The mock interview as a state machine (viva.app.mock.MockInterview), with a fake front end.

Each test drives the interview by its events (read aloud, a countdown tick, Space, a recording
that ends, a score that arrives) and checks what it asks the front end to do. No window, no
audio: milliseconds per test.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from tests.app.followups import answered_follow_up
from viva.app.mock import ADVANCE_GUARD_S, MockInterview, MockPlan, MockSummary, Phase
from viva.app.services import SavedAttempt, narrow_to_point
from viva.bank import Question, load_builtin_bank
from viva.scoring import score_answer
from viva.speech.transcript import Transcript

BANK = load_builtin_bank()


def _question(question_id: str) -> Question:
    question = BANK.get(question_id)
    assert question is not None
    return question


CANARY = _question("canary-vs-blue-green")
WEAKNESSES = _question("weaknesses")
SHORT_CANARY = "A canary sends a small share of traffic to the new model first."


@dataclass
class Clock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Rec:
    """A finished recording as the recorder hands it over."""

    duration_s: float
    path: Path = Path("/nonexistent/answer.wav")
    transcript: Transcript | None = None


@dataclass
class FakeHost:
    """Records what the interview asks for; answers its questions as told."""

    keep_short: bool = True
    calls: list[tuple[str, Any]] = field(default_factory=list)
    phases: list[tuple[Phase, str]] = field(default_factory=list)
    said: list[tuple[int, str]] = field(default_factory=list)
    recordings: list[tuple[Question, int]] = field(default_factory=list)
    scores: list[tuple[int, Question, Any, SavedAttempt | None]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    summaries: list[MockSummary] = field(default_factory=list)
    #: update_summary calls: (summary, note).
    updates: list[tuple[MockSummary, str]] = field(default_factory=list)
    #: refine calls: (index, attempt id), and how many were cancelled.
    refining: list[tuple[int, int | None]] = field(default_factory=list)
    cancelled_refines: int = 0
    is_recording: bool = False
    countdown: bool = False
    advance_enabled: bool = True
    advance_label: str = ""

    def show_phase(self, phase: Phase, text: str) -> None:
        self.phases.append((phase, text))

    def show_question(self, progress: str, text: str, target_s: tuple[int, int] | None) -> None:
        self.calls.append(("question", (progress, text, target_s)))

    def set_advance_label(self, text: str) -> None:
        self.advance_label = text

    def set_advance_enabled(self, enabled: bool) -> None:
        self.advance_enabled = enabled

    def say(self, index: int, text: str) -> None:
        self.said.append((index, text))

    def stop_speaking(self) -> None:
        self.calls.append(("stop_speaking", None))

    def start_countdown(self) -> None:
        self.countdown = True

    def stop_countdown(self) -> None:
        self.countdown = False

    def start_recording(self, question: Question, limit_s: int) -> None:
        self.is_recording = True
        self.recordings.append((question, limit_s))

    def stop_recording(self) -> None:
        self.calls.append(("stop_recording", None))

    def recording(self) -> bool:
        return self.is_recording

    def keep_short_answer(self, result: Any) -> bool:
        self.calls.append(("keep_short?", result.duration_s))
        return self.keep_short

    def score(
        self, index: int, question: Question, result: Any, parent: SavedAttempt | None
    ) -> None:
        self.scores.append((index, question, result, parent))

    def finish_session(self) -> None:
        self.calls.append(("finish_session", None))

    def show_summary(self, summary: MockSummary) -> None:
        self.summaries.append(summary)

    def refine(self, index: int, saved: SavedAttempt) -> None:
        self.refining.append((index, saved.attempt_id))

    def cancel_refine(self) -> None:
        self.cancelled_refines += 1

    def update_summary(self, summary: MockSummary, note: str) -> None:
        self.updates.append((summary, note))

    def report(self, message: str) -> None:
        self.reports.append(message)


def _saved(question: Question, text: str) -> SavedAttempt:
    feedback = score_answer(question, Transcript.from_text(text, duration_s=40.0))
    return SavedAttempt(question, Transcript.from_text(text), feedback, 1, None)


def _interview(
    questions: tuple[Question, ...], *, thinking_s: int = 2, follow_ups: bool = False
) -> tuple[MockInterview, FakeHost, Clock]:
    host, clock = FakeHost(), Clock()
    interview = MockInterview(host, clock=clock)
    interview.begin(MockPlan(questions, thinking_s, 120, follow_ups=follow_ups), session_id=7)
    return interview, host, clock


def _answer(interview: MockInterview, host: FakeHost, clock: Clock, seconds: float = 30) -> None:
    """Read, think, answer for ``seconds`` and press Space; the recording then ends."""
    interview.reading_done(interview.index)
    for _ in range(interview.plan.thinking_s if interview.plan else 0):
        interview.tick()
    assert interview.phase == Phase.ANSWERING
    clock.wait(seconds)
    assert interview.advance()
    assert interview.phase == Phase.SAVING
    host.is_recording = False
    interview.recorded(Rec(duration_s=seconds))
    interview.recorder_stopped()


def test_two_questions_from_reading_to_summary() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES))
    assert interview.phase == Phase.READING
    assert host.said == [(0, CANARY.question)]
    first = ("Question 1 of 2", CANARY.question, CANARY.target_seconds)
    assert host.calls[0] == ("question", first)
    assert interview.interrupt_reason() == "A mock interview is in progress (question 1 of 2)."

    interview.reading_done(0)
    assert interview.phase == Phase.THINKING
    assert host.countdown
    interview.tick()
    assert host.phases[-1] == (Phase.THINKING, "Think about your answer: 1 s")
    interview.tick()
    assert interview.phase == Phase.ANSWERING
    assert not host.countdown
    assert host.recordings == [(CANARY, 120)]
    assert host.phases[-1][1] == "Answer now (limit 2:00)"

    clock.wait(40)
    interview.advance()
    assert interview.phase == Phase.SAVING
    assert ("stop_recording", None) in host.calls
    host.is_recording = False
    interview.recorded(Rec(duration_s=40))
    assert [(i, q.id) for i, q, _r, p in host.scores] == [(0, CANARY.id)]
    assert interview.pending_scores == 1
    interview.recorder_stopped()
    # The next question is asked while the first answer is still being scored.
    assert (interview.index, interview.phase) == (1, Phase.READING)
    assert host.said[-1] == (1, WEAKNESSES.question)
    interview.scored(0, _saved(CANARY, CANARY.reference_answer))

    _answer(interview, host, clock)
    # The last answer is still being scored: the interview waits, Space does nothing.
    assert interview.phase == Phase.FINISHING
    assert not host.advance_enabled
    assert not host.summaries
    interview.scored(1, _saved(WEAKNESSES, WEAKNESSES.reference_answer))
    assert interview.phase == Phase.SUMMARY
    assert host.advance_enabled
    assert ("finish_session", None) in host.calls
    (summary,) = host.summaries
    assert (summary.asked, summary.answered) == (2, 2)
    assert interview.interrupt_reason() is None


def test_space_right_after_a_phase_change_is_ignored() -> None:
    interview, host, clock = _interview((CANARY,), thinking_s=1)
    interview.reading_done(0)
    interview.tick()  # the countdown ends: the answer starts now
    assert interview.phase == Phase.ANSWERING
    clock.wait(ADVANCE_GUARD_S / 2)
    assert not interview.advance()  # the press meant for the countdown
    assert interview.phase == Phase.ANSWERING
    assert host.scores == []
    clock.wait(ADVANCE_GUARD_S)
    assert interview.advance()
    assert interview.phase == Phase.SAVING


def test_space_while_reading_goes_straight_to_the_answer() -> None:
    interview, host, clock = _interview((CANARY,), thinking_s=30)
    clock.wait(ADVANCE_GUARD_S + 0.1)
    assert interview.advance()
    assert ("stop_speaking", None) in host.calls
    assert interview.phase == Phase.ANSWERING
    assert not host.countdown
    # The reading job finishing afterwards changes nothing.
    interview.reading_done(0)
    assert interview.phase == Phase.ANSWERING


@pytest.mark.parametrize("keep", [True, False])
def test_a_very_short_answer_is_kept_only_when_the_user_says_so(keep: bool) -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES))
    host.keep_short = keep
    interview.reading_done(0)
    interview.tick()
    interview.tick()
    clock.wait(ADVANCE_GUARD_S + 0.2)  # under MIN_ANSWER_S
    interview.advance()
    host.is_recording = False
    interview.recorded(Rec(duration_s=0.9))
    assert host.scores == []  # asked only once the recorder has stopped
    interview.recorder_stopped()
    assert ("keep_short?", 0.9) in host.calls
    if keep:
        assert len(host.scores) == 1
        assert interview.index == 1
    else:
        assert host.scores == []
        assert (interview.index, interview.phase) == (0, Phase.ANSWERING)
        assert [q.id for q, _l in host.recordings] == [CANARY.id, CANARY.id]


def test_follow_up_waits_for_the_score_then_probes_the_missed_point() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES), follow_ups=True)
    _answer(interview, host, clock)
    assert interview.phase == Phase.FOLLOW_UP  # the score names the point: wait for it
    assert host.advance_label == "Skip the follow-up"
    weak = _saved(CANARY, SHORT_CANARY)
    follow_up = weak.feedback.follow_up
    assert follow_up is not None
    clock.wait(0.3)
    interview.scored(0, weak)
    assert interview.phase == Phase.READING
    assert interview.asking_follow_up
    assert host.said[-1] == (0, follow_up.question)
    assert host.calls[-1][1][0].endswith(f"follow-up on key point {follow_up.point}")
    assert interview.follow_up_delay_s == pytest.approx(0.3)  # from Stop to the follow-up

    # The follow-up's answer is scored against its point, with its parent answer.
    _answer(interview, host, clock)
    index, question, _result, parent = host.scores[-1]
    assert (index, question.id, parent) == (0, CANARY.id, weak)
    narrowed = narrow_to_point(CANARY, follow_up.point)
    assert host.recordings[-1][0].key_points == narrowed.key_points
    # One follow-up per question: the next question comes.
    assert (interview.index, interview.phase) == (1, Phase.READING)
    assert not interview.asking_follow_up
    answered = answered_follow_up(CANARY, follow_up, 2)
    interview.follow_up_scored(0, answered)
    assert interview.results[0].follow_up is answered


def test_speech_ahead_holds_what_the_interviewer_may_say_next() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES), follow_ups=True)
    ahead = interview.speech_ahead()
    # The current question, then every follow-up it could lead to, then the next question.
    assert ahead[0] == CANARY.question
    assert ahead[-1] == WEAKNESSES.question
    assert len(ahead) == 2 + len(CANARY.key_points)
    _answer(interview, host, clock)
    follow_up = _saved(CANARY, SHORT_CANARY).feedback.follow_up
    assert follow_up is not None
    assert follow_up.question in ahead  # the probe asked was ready
    quiet, _host, _clock = _interview((CANARY, WEAKNESSES), follow_ups=False)
    assert quiet.speech_ahead() == [CANARY.question, WEAKNESSES.question]


def test_no_follow_up_when_every_point_was_made_or_the_score_failed() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES, CANARY), follow_ups=True)
    _answer(interview, host, clock)
    interview.scored(0, _saved(CANARY, CANARY.reference_answer))
    assert (interview.index, interview.phase) == (1, Phase.READING)
    _answer(interview, host, clock)
    assert interview.phase == Phase.FOLLOW_UP
    interview.score_failed(1, "The answer could not be scored.")
    assert host.reports == ["The answer could not be scored."]
    assert (interview.index, interview.phase) == (2, Phase.READING)


def test_space_skips_a_follow_up_that_is_still_being_chosen() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES), follow_ups=True)
    _answer(interview, host, clock)
    assert interview.phase == Phase.FOLLOW_UP
    clock.wait(ADVANCE_GUARD_S + 0.1)
    interview.advance()
    assert (interview.index, interview.phase) == (1, Phase.READING)
    # Its score arriving later is kept, and asks nothing.
    interview.scored(0, _saved(CANARY, SHORT_CANARY))
    assert 0 in interview.results
    assert interview.index == 1


def test_ending_early_keeps_and_scores_the_answer_being_recorded() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES, CANARY))
    interview.reading_done(0)
    interview.tick()
    interview.tick()
    clock.wait(20)
    interview.abort()
    assert interview.phase == Phase.SAVING
    assert ("stop_recording", None) in host.calls
    host.is_recording = False
    interview.recorded(Rec(duration_s=20))
    interview.recorder_stopped()
    assert len(host.scores) == 1
    assert interview.phase == Phase.FINISHING
    interview.scored(0, _saved(CANARY, SHORT_CANARY))
    (summary,) = host.summaries
    assert (summary.answered, summary.not_reached) == (1, 2)


def test_a_failed_microphone_ends_the_interview_with_a_message() -> None:
    interview, host, _clock = _interview((CANARY, CANARY))
    interview.reading_done(0)
    interview.tick()
    interview.tick()
    host.is_recording = False
    interview.recorder_failed("The microphone was unplugged.")
    assert host.reports == ["The microphone was unplugged."]
    assert interview.phase == Phase.SUMMARY
    assert host.summaries[0].answered == 0


def test_a_voice_that_fails_is_reported_once_and_the_interview_goes_on() -> None:
    interview, host, clock = _interview((CANARY, WEAKNESSES), thinking_s=0)
    interview.reading_failed(0, "No voice is available.")
    assert interview.phase == Phase.ANSWERING  # no thinking time: straight to the answer
    clock.wait(10)
    interview.advance()
    host.is_recording = False
    interview.recorded(Rec(duration_s=10))
    interview.recorder_stopped()
    interview.reading_failed(1, "No voice is available.")
    assert host.reports == ["No voice is available."]
    assert interview.phase == Phase.ANSWERING


def test_time_limit_stops_the_answer() -> None:
    interview, host, clock = _interview((CANARY,), thinking_s=0)
    interview.reading_done(0)
    clock.wait(120)
    interview.time_up(clock())
    assert interview.phase == Phase.SAVING
    assert host.phases[-1][1] == "Time is up: saving your answer…"


def test_summary_rows_are_the_answers_in_asked_order_with_their_own_attempts() -> None:
    # "Review the selected answer" opens the attempt of the row: each row must carry its own
    # answer, in the order asked, even when the scores come back in another order.
    interview, host, clock = _interview((CANARY, WEAKNESSES, CANARY))
    for _ in range(3):
        _answer(interview, host, clock)
    assert interview.phase == Phase.FINISHING
    answers = {
        2: replace(_saved(CANARY, CANARY.reference_answer), attempt_id=30),
        0: replace(_saved(CANARY, SHORT_CANARY), attempt_id=10),
        1: replace(_saved(WEAKNESSES, WEAKNESSES.reference_answer), attempt_id=20),
    }
    for index, saved in answers.items():  # the last answer is scored first
        interview.scored(index, saved)
    (summary,) = host.summaries
    assert [a.attempt_id for a in summary.answers] == [10, 20, 30]
    assert [a.question.id for a in summary.answers] == [CANARY.id, WEAKNESSES.id, CANARY.id]


def _live(saved: SavedAttempt, attempt_id: int) -> SavedAttempt:
    """``saved`` as stored from a live transcript (the ones refined after the interview)."""
    transcript = replace(saved.transcript, extra={**saved.transcript.extra, "pass": "live"})
    return replace(saved, transcript=transcript, attempt_id=attempt_id)


def _two_answers_to_summary(
    first: SavedAttempt, second: SavedAttempt
) -> tuple[MockInterview, FakeHost]:
    interview, host, clock = _interview((CANARY, WEAKNESSES))
    _answer(interview, host, clock)
    interview.scored(0, first)
    _answer(interview, host, clock)
    interview.scored(1, second)
    assert interview.phase == Phase.SUMMARY
    return interview, host


def test_live_answers_are_refined_one_at_a_time_after_the_summary() -> None:
    weak = _live(_saved(CANARY, SHORT_CANARY), 11)
    other = _live(_saved(WEAKNESSES, WEAKNESSES.reference_answer), 12)
    interview, host = _two_answers_to_summary(weak, other)
    # The summary comes first, then one refinement at a time, with a note on the page.
    assert len(host.summaries) == 1
    assert host.refining == [(0, 11)]
    assert "more careful pass (2 left)" in host.updates[-1][1]

    better = replace(_saved(CANARY, CANARY.reference_answer), attempt_id=11)
    better = replace(better, refined_from=weak.feedback)
    assert better.feedback.coverage > weak.feedback.coverage
    interview.refined(0, weak, better)
    assert interview.results[0].feedback.coverage == better.feedback.coverage
    assert host.refining == [(0, 11), (1, 12)]
    summary, note = host.updates[-1]
    assert summary.mean_coverage is not None
    assert summary.mean_coverage > host.summaries[0].mean_coverage  # type: ignore[operator]
    before, after = round(weak.feedback.coverage * 100), round(better.feedback.coverage * 100)
    assert f"answer 1: coverage {before}% → {after}%" in note
    assert "(1 left)" in note

    interview.refined(1, other, None)  # the same words: nothing to change
    summary, note = host.updates[-1]
    assert note.startswith("Transcripts refined by a second, more careful pass: answer 1:")
    assert "left" not in note
    assert "answer 2" not in note
    assert len(host.summaries) == 1  # redrawn in place, never shown anew


def test_nothing_is_refined_when_nothing_was_live_or_refinement_is_off() -> None:
    typed = replace(_saved(CANARY, SHORT_CANARY), attempt_id=11)  # no "pass": not live
    queued = _live(_saved(WEAKNESSES, WEAKNESSES.reference_answer), 12)
    queued = replace(queued, attempt_id=None)  # waiting in the save queue
    _interview_, host = _two_answers_to_summary(typed, queued)
    assert host.refining == []
    assert host.updates == []

    host, clock = FakeHost(), Clock()
    interview = MockInterview(host, clock=clock)
    interview.begin(MockPlan((CANARY,), 2, 120, follow_ups=False, refine=False), session_id=7)
    _answer(interview, host, clock)
    interview.scored(0, _live(_saved(CANARY, SHORT_CANARY), 11))
    assert interview.phase == Phase.SUMMARY
    assert host.refining == []


def test_a_new_interview_cancels_the_refinement_and_ignores_its_result() -> None:
    weak = _live(_saved(CANARY, SHORT_CANARY), 11)
    other = _live(_saved(WEAKNESSES, WEAKNESSES.reference_answer), 12)
    interview, host = _two_answers_to_summary(weak, other)
    assert host.refining == [(0, 11)]
    interview.reset()
    assert host.cancelled_refines == 1
    interview.begin(MockPlan((WEAKNESSES,), 2, 120, follow_ups=False), session_id=8)
    updates = len(host.updates)
    better = replace(_saved(CANARY, CANARY.reference_answer), attempt_id=11)
    interview.refined(0, weak, better)  # the cancelled job's result, arriving late
    assert 0 not in interview.results
    assert host.refining == [(0, 11)]  # the second answer was never started
    assert len(host.updates) == updates


def test_a_refined_answer_keeps_the_follow_up_that_was_asked() -> None:
    interview, host, clock = _interview((CANARY,), follow_ups=True)
    _answer(interview, host, clock)
    weak = _live(_saved(CANARY, SHORT_CANARY), 11)
    follow_up = weak.feedback.follow_up
    assert follow_up is not None
    interview.scored(0, weak)
    assert interview.asking_follow_up
    _answer(interview, host, clock)  # the follow-up's answer
    assert interview.phase == Phase.FINISHING
    answered = answered_follow_up(CANARY, follow_up, 12)
    interview.follow_up_scored(0, answered)
    assert interview.phase == Phase.SUMMARY
    assert host.refining == [(0, 11)]
    better = replace(_saved(CANARY, CANARY.reference_answer), attempt_id=11)
    assert better.feedback.follow_up != follow_up
    interview.refined(0, weak, better)
    assert interview.results[0].follow_up == answered
    assert interview.results[0].feedback == better.feedback


def test_a_recording_elsewhere_stops_the_refinement_and_says_so() -> None:
    weak = _live(_saved(CANARY, SHORT_CANARY), 11)
    other = _live(_saved(WEAKNESSES, WEAKNESSES.reference_answer), 12)
    interview, host = _two_answers_to_summary(weak, other)
    better = replace(_saved(CANARY, CANARY.reference_answer), attempt_id=11)
    interview.refined(0, weak, better)
    assert host.refining == [(0, 11), (1, 12)]
    interview.stop_refining()  # Record pressed in Practice
    assert host.cancelled_refines == 1
    note = host.updates[-1][1]
    assert note.startswith("Transcripts refined by a second, more careful pass: answer 1:")
    assert "Stopped for a new recording" in note
    interview.refined(1, other, better)  # the cancelled job's late result changes nothing
    assert interview.results[1] is other
    interview.stop_refining()  # nothing under way: nothing to say
    assert host.cancelled_refines == 1


def test_setup_that_finishes_after_the_window_closed_starts_nothing() -> None:
    """Closing while the questions are being picked: when the pick comes back, the interview
    neither reads a question aloud nor starts recording (the window is going away)."""
    host, clock = FakeHost(), Clock()
    interview = MockInterview(host, clock=clock)
    interview.shutdown()
    interview.begin(MockPlan((CANARY,), 2, 120), session_id=7)
    assert interview.phase == Phase.SETUP
    assert host.said == []
    assert host.recordings == []
    assert interview.interrupt_reason() is None
