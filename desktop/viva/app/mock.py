"""Mock interview, Qt-free: the plan, the question picker, the interview as a state machine and
the summary figures.

:class:`MockInterview` holds every decision of a running interview: which phase it is in, what
Space does there, when an answer is too short to keep, when a follow-up is asked, when the
interview may finish. Events come in as method calls (from the widget's signals, or from a test);
effects go out through a :class:`MockHost` (the widget ``viva.ui.mock.MockView``, or a fake).
So the flow is tested in milliseconds without a window (``tests/app``), and the widget only
renders and forwards.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from statistics import fmean
from typing import Protocol

from viva.app.services import (
    SavedAttempt,
    SavedFollowUp,
    coverage_change,
    narrow_to_point,
    refinable,
)
from viva.bank import Bank, Question
from viva.scoring.decision import Status
from viva.scoring.feedback import probe_for
from viva.speech.transcript import Transcript

log = logging.getLogger(__name__)

MODES = (("random", "Random questions"), ("topic", "One topic"), ("due", "Due for review"))

#: Space (or the advance button) is ignored this long after a phase change: a press meant for
#: the countdown that ends just before must not end the answer that has just started.
ADVANCE_GUARD_S = 1.0
#: An answer shorter than this is kept only if the user says so (else recorded again).
MIN_ANSWER_S = 2.0
#: Key points listed under "work on these" in the summary.
WEAK_SHOWN = 6


@dataclass(frozen=True, slots=True)
class MockPlan:
    """What the user chose on the setup page."""

    questions: tuple[Question, ...]
    thinking_s: int
    limit_s: int
    #: Ask one follow-up after an answer that missed (or got wrong, or half made) a key point.
    follow_ups: bool = True
    #: Refine the live transcripts once the summary is shown (``MockHost.refine``).
    refine: bool = True


def pick_questions(
    bank: Bank, count: int, mode: str, *, topic: str | None = None, due: list[str] | None = None
) -> list[Question]:
    """Questions for a mock interview: random, from one topic, or the due ones first."""
    pool = list(bank)
    if mode == "topic" and topic:
        pool = [q for q in pool if q.topic == topic]
    if mode == "due" and due is not None:
        chosen = [q for qid in due if (q := bank.get(qid)) is not None][:count]
        if len(chosen) < count:
            rest = [q for q in pool if q not in chosen]
            chosen += random.sample(rest, min(len(rest), count - len(chosen)))
        return chosen
    return random.sample(pool, min(count, len(pool)))


@dataclass(frozen=True, slots=True)
class WeakPoint:
    """A key point not fully made, with what its follow-up (if asked about it) found."""

    text: str
    status: Status
    question: str
    follow_up_status: Status | None = None


@dataclass(frozen=True, slots=True)
class MockSummary:
    """The figures of one finished (or ended early) interview."""

    asked: int  # questions in the plan
    answers: tuple[SavedAttempt, ...]  # in the order asked
    mean_coverage: float | None  # None when nothing was scored
    speaking_s: float | None  # total answer time; None when no answer has a duration
    on_target: int  # answers whose length was within the question's target
    follow_ups: int
    follow_ups_made: int  # follow-ups whose point was covered when asked
    weak: tuple[WeakPoint, ...]  # stated wrongly first, then missed, then partly made

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def not_reached(self) -> int:
        return self.asked - len(self.answers)


def summarise(asked: int, results: Mapping[int, SavedAttempt]) -> MockSummary:
    """The summary of an interview of ``asked`` questions from its scored answers by index."""
    answers = tuple(results[i] for i in sorted(results))
    durations = [float(d) for s in answers if (d := s.feedback.timing.duration_s)]
    follow_ups = [s.follow_up for s in answers if s.follow_up is not None]
    return MockSummary(
        asked=asked,
        answers=answers,
        mean_coverage=fmean(s.feedback.coverage for s in answers) if answers else None,
        speaking_s=sum(durations) if durations else None,
        on_target=sum(1 for s in answers if s.feedback.timing.verdict == "on target"),
        follow_ups=len(follow_ups),
        follow_ups_made=sum(1 for f in follow_ups if f.result.status == "covered"),
        weak=_weak_points(answers),
    )


def _weak_points(answers: Sequence[SavedAttempt]) -> tuple[WeakPoint, ...]:
    ranked: list[tuple[float, int, WeakPoint]] = []
    for saved in answers:
        for n, point in enumerate(saved.feedback.key_points, 1):
            if point.status == "covered":
                continue
            fu = saved.follow_up
            later = fu.result.status if fu is not None and fu.point == n else None
            weak = WeakPoint(point.text, point.status, saved.question.question, later)
            # Stated wrongly first, then missed, then partial; asked order within each.
            rank = -1.0 if point.status == "incorrect" else point.score
            ranked.append((rank, len(ranked), weak))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return tuple(weak for _r, _n, weak in ranked)


class Phase(StrEnum):
    """Where an interview is; the values are what ``MockView.phase_changed`` carries."""

    SETUP = "setup"
    READING = "reading"  # the question (or follow-up) is read aloud
    THINKING = "thinking"  # the countdown before the answer
    ANSWERING = "answering"  # recording
    SAVING = "saving"  # the recorder is stopping; the answer is scored in the background
    FOLLOW_UP = "follow-up"  # waiting for the answer's score to choose the follow-up
    FINISHING = "finishing"  # waiting for the last scores
    SUMMARY = "summary"


#: Phases in which an interview is under way (closing the window would interrupt it).
RUNNING = frozenset(
    {Phase.READING, Phase.THINKING, Phase.ANSWERING, Phase.SAVING, Phase.FOLLOW_UP, Phase.FINISHING}
)


class Recording(Protocol):
    """What the recorder hands over when an answer's recording ends."""

    @property
    def path(self) -> Path: ...

    @property
    def duration_s(self) -> float: ...

    @property
    def transcript(self) -> Transcript | None: ...


class MockHost(Protocol):
    """What the interview asks of its front end. Each call returns at once; results come back
    as events (``reading_done``, ``scored``, ``recorded``…)."""

    def show_phase(self, phase: Phase, text: str) -> None: ...

    def show_question(self, progress: str, text: str, target_s: tuple[int, int] | None) -> None:
        """A new question (or follow-up) is asked; ``target_s`` is its answer length target."""

    def set_advance_label(self, text: str) -> None: ...

    def set_advance_enabled(self, enabled: bool) -> None: ...

    def say(self, index: int, text: str) -> None:
        """Read ``text`` aloud, then call ``reading_done(index)`` (or ``reading_failed``)."""

    def stop_speaking(self) -> None: ...

    def start_countdown(self) -> None:
        """Call ``tick()`` every second until ``stop_countdown``."""

    def stop_countdown(self) -> None: ...

    def start_recording(self, question: Question, limit_s: int) -> None: ...

    def stop_recording(self) -> None: ...

    def recording(self) -> bool: ...

    def keep_short_answer(self, result: Recording) -> bool:
        """Ask whether an answer under MIN_ANSWER_S is kept; if not, delete its recording."""

    def score(
        self, index: int, question: Question, result: Recording, parent: SavedAttempt | None
    ) -> None:
        """Score (and store) an answer in the background, then call ``scored`` (or, with a
        ``parent``, ``follow_up_scored``) or ``score_failed``."""

    def finish_session(self) -> None: ...

    def show_summary(self, summary: MockSummary) -> None: ...

    def refine(self, index: int, saved: SavedAttempt) -> None:
        """Transcribe a stored answer again with the careful batch pass in the background
        (``Services.refine_attempt``), then call ``refined(index, saved, new)``; ``new`` is None
        when the words came out the same, the pass failed or was cancelled."""

    def cancel_refine(self) -> None:
        """Stop a refinement under way (a new interview is starting)."""

    def update_summary(self, summary: MockSummary, note: str) -> None:
        """The summary shown changed (a refined answer): redraw it where the user is and show
        ``note``; an empty note clears it."""

    def report(self, message: str) -> None: ...


class MockInterview:
    """One interview from its first question to its summary (see the module docstring)."""

    def __init__(self, host: MockHost, clock: Callable[[], float] = time.perf_counter) -> None:
        self.host = host
        self.clock = clock
        self.phase = Phase.SETUP
        self.plan: MockPlan | None = None
        self.session_id: int | None = None
        self.index = -1
        self.results: dict[int, SavedAttempt] = {}
        #: Answers sent for scoring whose result has not come back.
        self.pending_scores = 0
        self.aborted = False
        #: The window is closing (``shutdown``): no interview starts any more.
        self.closed = False
        #: The answer whose follow-up is being asked (None while on a question itself).
        self.follow_up_parent: SavedAttempt | None = None
        #: Seconds from Stop on an answer to its follow-up being read aloud (last one).
        self.follow_up_delay_s: float | None = None
        self._countdown = 0
        self._tts_warned = False
        self._phase_changed_at = 0.0
        self._answer_started_at: float | None = None
        self._stop_pressed_at: float | None = None
        #: A recording under MIN_ANSWER_S, held until the recorder has stopped and the user
        #: has said whether to keep it.
        self._short_result: Recording | None = None
        self._advance_when_stopped = False
        #: Answers (by index) still to be refined once the summary is shown, and the one under
        #: way; refined one at a time, so the machine stays responsive while the user reads.
        self._to_refine: list[int] = []
        self._refining: int | None = None
        #: What the refinements changed so far, for the summary's note, and whether a note
        #: about them is shown.
        self._refine_notes: list[str] = []
        self._refine_shown = False

    # --- what the front end reads ----------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.phase in RUNNING

    @property
    def can_abort(self) -> bool:
        """Whether the interview can still be ended early (not once it is finishing)."""
        return self.running and self.phase != Phase.FINISHING

    @property
    def asking_follow_up(self) -> bool:
        """True from the follow-up's "checking your answer" step until it is answered."""
        return self.follow_up_parent is not None or self.phase == Phase.FOLLOW_UP

    def speech_ahead(self) -> list[str]:
        """What the interviewer may say next, in the order it would: the current question,
        its possible follow-ups (one per key point, when follow-ups are on), the next question.
        The front end synthesises these in the background, so each is read without a wait."""
        if self.plan is None:
            return []
        first = max(0, self.index)
        upcoming = self.plan.questions[first : first + 2]
        texts: list[str] = []
        for n, question in enumerate(upcoming):
            texts.append(question.question)
            if n == 0 and self.plan.follow_ups:
                texts += [probe_for(kp) for kp in question.key_points]
        return texts

    def interrupt_reason(self) -> str | None:
        if not self.running:
            return None
        total = len(self.plan.questions) if self.plan else 0
        return f"A mock interview is in progress (question {self.index + 1} of {total})."

    def summary(self) -> MockSummary:
        assert self.plan is not None
        return summarise(len(self.plan.questions), self.results)

    # --- events ----------------------------------------------------------------------------

    def begin(self, plan: MockPlan, session_id: int | None) -> None:
        """The setup is done (questions picked, session opened): ask the first question.

        Not once the window is closing: setup that finishes after the user closed it (its
        questions were being picked) must not start reading aloud and recording."""
        if self.closed:
            log.info("interview not started: the window is closing")
            return
        self._stop_refining()
        self.plan = plan
        self.session_id = session_id
        self.results = {}
        self.index = -1
        self.aborted = False
        self._next_question()

    def reading_done(self, index: int) -> None:
        """The question (or follow-up) ``index`` has been read aloud: think, then answer."""
        if index != self.index or self.phase != Phase.READING or self.plan is None:
            return
        self._countdown = self.plan.thinking_s
        if self._countdown <= 0:
            self._start_answer()
            return
        self._set_phase(
            Phase.THINKING, self._label(f"Think about your answer: {self._countdown} s")
        )
        self.host.start_countdown()

    def reading_failed(self, index: int, message: str) -> None:
        """Reading aloud failed: say so once per interview and go on as if it had been read."""
        if not self._tts_warned:
            self._tts_warned = True
            self.host.report(message)
        self.reading_done(index)

    def tick(self) -> None:
        """One second of thinking time has passed."""
        if self.phase != Phase.THINKING:
            self.host.stop_countdown()
            return
        self._countdown -= 1
        if self._countdown <= 0:
            self._start_answer()
        else:
            self.host.show_phase(
                Phase.THINKING, self._label(f"Think about your answer: {self._countdown} s")
            )

    def advance(self) -> bool:
        """Space: skip reading or thinking, end the answer, or skip a follow-up.

        Ignored for ADVANCE_GUARD_S after a phase change: one press at the end of the thinking
        countdown would otherwise end the answer that has just started. Returns whether the
        press did something."""
        since = self.clock() - self._phase_changed_at
        if since < ADVANCE_GUARD_S:
            log.info("advance ignored %.2f s after the phase changed to %s", since, self.phase)
            return False
        if self.phase == Phase.FOLLOW_UP:
            self._next_question()
        elif self.phase == Phase.READING:
            self.host.stop_speaking()  # straight to the answer: no thinking time either
            self._start_answer()
        elif self.phase == Phase.THINKING:
            self._start_answer()
        elif self.phase == Phase.ANSWERING:
            self._stop_pressed_at = self.clock()
            self._set_phase(Phase.SAVING, self._label("Saving your answer…"))
            self.host.stop_recording()
        else:
            return False
        return True

    def time_up(self, stop_pressed_at: float) -> None:
        """The answer reached its limit and the recorder is stopping itself."""
        if self.phase == Phase.ANSWERING:
            self._stop_pressed_at = stop_pressed_at
            self._set_phase(Phase.SAVING, self._label("Time is up: saving your answer…"))

    def recorded(self, result: Recording) -> None:
        """The answer's recording (and its live transcript) is complete."""
        # The time the user saw pass (a loaded machine can start the stream late).
        answered_s = result.duration_s
        if self._stop_pressed_at is not None and self._answer_started_at is not None:
            answered_s = max(answered_s, self._stop_pressed_at - self._answer_started_at)
        if answered_s < MIN_ANSWER_S and not self.aborted:
            # Asked once the recorder has stopped (it may then record this answer again).
            self._short_result = result
            return
        self._score(result)

    def recorder_stopped(self) -> None:
        """The recorder's thread has ended: move on (or record a discarded short answer again)."""
        short, self._short_result = self._short_result, None
        if short is not None:
            if self.aborted or self.host.keep_short_answer(short):
                self._score(short)  # then move on below, as for any answer
            elif self.phase == Phase.SAVING and not self.aborted:
                self._start_answer()  # the same question (or follow-up) again
                return
        if self._advance_when_stopped:
            self._advance_when_stopped = False
            if self._wants_follow_up():
                self._wait_for_follow_up()
            else:
                self._next_question()
        elif self.phase == Phase.FINISHING:
            self._finish()

    def recorder_failed(self, message: str) -> None:
        self.host.report(message)
        self.aborted = True
        self._finish()

    def scored(self, index: int, saved: SavedAttempt) -> None:
        self.pending_scores -= 1
        self.results[index] = saved
        if saved.save_note:
            self.host.report(saved.save_note)
        if self.phase == Phase.FINISHING:
            self._finish()
        elif self.phase == Phase.FOLLOW_UP and index == self.index:
            self._ask_follow_up(index)

    def refined(self, index: int, old: SavedAttempt, new: SavedAttempt | None) -> None:
        """The second pass over answer ``index`` is done: show what changed, refine the next."""
        if self._refining != index:
            return  # cancelled: a new interview began, or the page was left
        self._refining = None
        current = self.results.get(index)
        if new is not None and current is not None and current.attempt_id == old.attempt_id:
            # The follow-up asked stays the one asked, whatever the refined feedback would ask.
            self.results[index] = replace(new, follow_up=current.follow_up)
            change = coverage_change(old.feedback.coverage, new.feedback.coverage)
            self._refine_notes.append(f"answer {index + 1}: {change}")
        self._refine_next()

    def stop_refining(self) -> None:
        """A recording started elsewhere: stop refining (the answers not yet refined keep
        their live transcripts) and say so on the summary."""
        if self._refining is None and not self._to_refine:
            return
        self._stop_refining()
        self.host.update_summary(
            self.summary(),
            self._note(
                "Stopped for a new recording; the other answers keep their first transcript."
            ),
        )

    def follow_up_scored(self, index: int, answered: SavedFollowUp) -> None:
        self.pending_scores -= 1
        if index in self.results:
            self.results[index] = replace(self.results[index], follow_up=answered)
        if self.phase == Phase.FINISHING:
            self._finish()

    def score_failed(self, index: int, message: str) -> None:
        self.pending_scores -= 1
        self.host.report(message)
        if self.phase == Phase.FINISHING:
            self._finish()
        elif self.phase == Phase.FOLLOW_UP and index == self.index:
            self._next_question()

    def abort(self) -> None:
        """End the interview early (the user confirmed): what was recorded is kept and scored."""
        if not self.can_abort:
            return
        self.aborted = True
        self.host.stop_countdown()
        self.host.stop_speaking()
        if self.phase == Phase.ANSWERING:
            self._set_phase(Phase.SAVING, self._label("Saving your answer…"))
            self.host.stop_recording()  # the answer is scored, then the interview finishes
        elif self.phase != Phase.SAVING:
            self._finish()

    def shutdown(self) -> None:
        """The window closes: stop speaking and recording (the recording is kept on disk). A
        refinement under way is dropped: its answer keeps the transcript already stored."""
        self._stop_refining()
        self.aborted = True
        self.closed = True
        self.host.stop_countdown()
        self.host.stop_speaking()
        self.host.stop_recording()

    def reset(self) -> None:
        """Back to the setup page."""
        self._stop_refining()
        self.phase = Phase.SETUP
        self.plan = None

    # --- transitions -----------------------------------------------------------------------

    def _set_phase(self, phase: Phase, text: str) -> None:
        self.phase = phase
        self._phase_changed_at = self.clock()
        self.host.show_phase(phase, text)

    def _label(self, text: str) -> str:
        return f"Follow-up: {text[:1].lower()}{text[1:]}" if self.follow_up_parent else text

    def _next_question(self) -> None:
        assert self.plan is not None
        self.follow_up_parent = None
        self.index += 1
        if self.aborted or self.index >= len(self.plan.questions):
            self._finish()
            return
        question = self.plan.questions[self.index]
        self.host.show_question(
            f"Question {self.index + 1} of {len(self.plan.questions)}",
            question.question,
            question.target_seconds,
        )
        self.host.set_advance_label("Skip to answering")
        self._set_phase(Phase.READING, "Listen to the question…")
        self.host.say(self.index, question.question)

    def _start_answer(self) -> None:
        assert self.plan is not None
        self.host.stop_countdown()
        question = self.plan.questions[self.index]
        parent = self.follow_up_parent
        if parent is not None and parent.feedback.follow_up is not None:
            # The live judge reads the answer against the probed point only.
            question = narrow_to_point(question, parent.feedback.follow_up.point)
        limit = self.plan.limit_s
        minutes, seconds = divmod(int(limit), 60)
        self._set_phase(Phase.ANSWERING, self._label(f"Answer now (limit {minutes}:{seconds:02d})"))
        self.host.set_advance_label("Done, next question")
        self._answer_started_at = self.clock()
        self.host.start_recording(question, limit)

    def _score(self, result: Recording) -> None:
        """Score the answer just recorded in the background, against the question asked."""
        assert self.plan is not None
        self.pending_scores += 1
        self.host.score(self.index, self.plan.questions[self.index], result, self.follow_up_parent)
        self._advance_when_stopped = True  # the recording thread ends right after this

    def _wants_follow_up(self) -> bool:
        """After a question's own answer (not a follow-up), with follow-ups on."""
        return (
            self.plan is not None
            and self.plan.follow_ups
            and not self.aborted
            and self.follow_up_parent is None
        )

    def _wait_for_follow_up(self) -> None:
        """The follow-up needs the answer's score (it names the point): wait for it here."""
        if self.index in self.results:
            self._ask_follow_up(self.index)
            return
        self._set_phase(Phase.FOLLOW_UP, "Follow-up: checking your answer…")
        self.host.set_advance_label("Skip the follow-up")

    def _ask_follow_up(self, index: int) -> None:
        assert self.plan is not None
        saved = self.results.get(index)
        follow_up = saved.feedback.follow_up if saved is not None else None
        if saved is None or follow_up is None or self.aborted:
            self._next_question()  # every point covered (or the score failed): no follow-up
            return
        self.follow_up_parent = saved
        if self._stop_pressed_at is not None:
            self.follow_up_delay_s = self.clock() - self._stop_pressed_at
            log.info("follow-up asked %.2f s after Stop", self.follow_up_delay_s)
        self.host.show_question(
            f"Question {index + 1} of {len(self.plan.questions)}: follow-up on key point "
            f"{follow_up.point}",
            follow_up.question,
            None,
        )
        self.host.set_advance_label("Skip to answering")
        self._set_phase(Phase.READING, "Follow-up: listen to the question…")
        self.host.say(index, follow_up.question)

    def _finish(self) -> None:
        self.host.stop_countdown()
        self._set_phase(Phase.FINISHING, "Scoring your answers…")
        self.host.set_advance_enabled(False)
        if self.pending_scores > 0 or self.host.recording():
            return
        self.host.set_advance_enabled(True)
        if self.session_id is not None:
            self.host.finish_session()
        self.phase = Phase.SUMMARY
        self.host.show_summary(self.summary())
        # Answers decoded live, in short chunks, get the careful batch pass now that nothing
        # else needs the processor; the summary is redrawn as each lands.
        wanted = self.plan is not None and self.plan.refine
        self._to_refine = [i for i, s in sorted(self.results.items()) if wanted and refinable(s)]
        self._refine_notes = []
        self._refine_next()

    def _refine_next(self) -> None:
        if self.phase != Phase.SUMMARY:
            return
        while self._to_refine:
            index = self._to_refine.pop(0)
            if index in self.results:
                self._refining = index
                self._refine_shown = True
                total = len(self._to_refine) + 1
                self.host.update_summary(
                    self.summary(),
                    self._note(
                        f"Refining the transcripts with a second, more careful pass ({total} left)…"
                    ),
                )
                self.host.refine(index, self.results[index])
                return
        if self._refine_shown:
            self._refine_shown = False
            self.host.update_summary(self.summary(), self._note(""))

    def _note(self, doing: str) -> str:
        done = (
            "Transcripts refined by a second, more careful pass: "
            + "; ".join(self._refine_notes)
            + "."
            if self._refine_notes
            else ""
        )
        return " ".join(part for part in (done, doing) if part)

    def _stop_refining(self) -> None:
        """Drop the queue and cancel the refinement under way (the notes of what was refined
        stay until the next summary)."""
        self._to_refine = []
        self._refine_shown = False
        if self._refining is not None:
            self._refining = None
            self.host.cancel_refine()
