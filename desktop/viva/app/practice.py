"""Practice, Qt-free: one question at a time, answered aloud or typed, scored, then stored.

:class:`PracticeSession` holds the flow's state and decisions: which question is shown, the
attempts made at each question this session, which attempt is shown, whether an answer is being
scored (``busy``: nothing new may start) or stored (``saving``: only what needs the stored
attempt waits), and the follow-up being asked. The widget (``viva.ui.practice.PracticeView``)
renders it and forwards what the user and the workers do; effects that take time go out through
a :class:`PracticeHost`, whose results come back as events. ``tests/app`` drives it without a
window.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from viva.app.services import SavedAttempt, SavedFollowUp, narrow_to_point, refinable
from viva.bank import Question
from viva.scoring.feedback import FollowUp
from viva.speech.transcript import Transcript

log = logging.getLogger(__name__)

NOTHING_HEARD = (
    "Nothing was heard in your answer. Check that the right microphone is chosen in Settings "
    "and speak closer to it, or type your answer (Ctrl+T)."
)


class PracticeHost(Protocol):
    """The work the session starts; each call returns at once and reports back by an event."""

    def score(self, question: Question, transcript: Transcript, audio_path: Path | None) -> None:
        """Score an answer (not stored yet), then call ``scored`` or ``failed``."""

    def score_follow_up(
        self, parent: SavedAttempt, transcript: Transcript, audio_path: Path | None
    ) -> None:
        """Score (and store) a follow-up answer, then ``follow_up_scored`` or ``failed``."""

    def save(self, scored: SavedAttempt) -> None:
        """Store a scored answer, then call ``saved`` or ``save_failed``."""

    def show_feedback(self, saved: SavedAttempt) -> None:
        """A new answer's feedback, to show now (the answer is stored after it)."""

    def show_follow_up_result(self, parent: SavedAttempt) -> None:
        """``parent.follow_up`` was answered and scored."""

    def stored(self, saved: SavedAttempt) -> None:
        """The answer whose feedback is shown was stored (or queued: ``saved.save_note``)."""

    def refine(self, saved: SavedAttempt) -> None:
        """Transcribe a stored answer's recording again, more accurately than live, in the
        background; then call ``refined`` (also when nothing changed: with None)."""

    def cancel_refine(self) -> None:
        """Stop a refinement under way (a new answer is being recorded)."""

    def show_refined(self, saved: SavedAttempt) -> None:
        """The shown answer's feedback changed after its transcript was refined."""

    def report(self, message: str) -> None: ...


class PracticeSession:
    """The practice flow (see the module docstring)."""

    def __init__(self, host: PracticeHost) -> None:
        self.host = host
        self.question: Question | None = None
        #: Attempts at each question this session, oldest first (question id -> attempts).
        self.attempts: dict[str, list[SavedAttempt]] = {}
        #: The attempt whose feedback is shown.
        self.shown: SavedAttempt | None = None
        #: The answer whose follow-up is being asked and answered (None otherwise).
        self.follow_up_parent: SavedAttempt | None = None
        #: An answer is being transcribed or scored: nothing new starts until it is shown.
        self.busy = False
        #: An answer is being stored: the follow-up and the next answer's scoring (which reads
        #: the history for its change line) wait for it.
        self.saving = False
        self._pending: tuple[Question, Transcript, Path | None] | None = None

    # --- what may happen now ---------------------------------------------------------------

    def can_answer(self, recording: bool = False) -> bool:
        return self.question is not None and not self.busy and not recording

    def answered(self) -> bool:
        """The shown question has an answer's feedback on screen."""
        shown = self.shown
        return (
            shown is not None
            and self.question is not None
            and shown.question.id == self.question.id
        )

    def can_follow_up(self, recording: bool = False) -> bool:
        shown = self.shown
        return (
            self.answered()
            and shown is not None
            and shown.feedback.follow_up is not None
            and shown.follow_up is None
            and self.follow_up_parent is None
            and not self.busy
            and not self.saving
            and not recording
        )

    def answer_question(self) -> Question | None:
        """The question the next answer is judged against while it is spoken: the shown one,
        or only the probed key point while a follow-up is answered."""
        parent = self.follow_up_parent
        if parent is not None and parent.feedback.follow_up is not None:
            return narrow_to_point(parent.question, parent.feedback.follow_up.point)
        return self.question

    def attempts_at_question(self) -> list[SavedAttempt]:
        return self.attempts.get(self.question.id, []) if self.question else []

    # --- events ----------------------------------------------------------------------------

    def select(self, question: Question) -> None:
        """Another question is shown: its attempts, no feedback, no follow-up."""
        self.question = question
        self.follow_up_parent = None
        self.shown = None

    def retry(self) -> bool:
        """Answer the question again (a follow-up being asked is dropped)."""
        if not self.can_answer():
            return False
        self.follow_up_parent = None
        return True

    def answer_ended(self) -> None:
        """Stop was pressed, or a typed answer was sent: it is scored next."""
        self.busy = True

    def recording_failed(self, message: str) -> None:
        """The recording could not go on (a follow-up being answered stays asked)."""
        self.busy = False
        self.host.report(message)

    def answer_failed(self, message: str) -> None:
        """The answer's transcription or scoring failed (a follow-up being asked is dropped)."""
        self.busy = False
        self.follow_up_parent = None
        self.host.report(message)

    def transcribed(self, transcript: Transcript, audio_path: Path | None) -> None:
        """The answer's final transcript: score it (a follow-up against its point only)."""
        question = self.question
        if question is None:
            self.busy = False
            return
        if not transcript.text.strip():
            self.busy = False
            self.host.report(NOTHING_HEARD)
            return
        parent = self.follow_up_parent
        if parent is not None:
            self.host.score_follow_up(parent, transcript, audio_path)
        elif self.saving:
            # Its change line compares with the answer being stored: score it after that.
            self._pending = (question, transcript, audio_path)
        else:
            self.host.score(question, transcript, audio_path)

    def scored(self, scored: SavedAttempt) -> None:
        """Feedback first; then the answer is stored while the user reads it."""
        self.busy = False
        self.saving = True
        self.attempts.setdefault(scored.question.id, []).append(scored)
        if self.question is not None and scored.question.id == self.question.id:
            self.shown = scored
            self.host.show_feedback(scored)
        self.host.save(scored)

    def saved(self, scored: SavedAttempt, saved: SavedAttempt) -> None:
        """``scored`` is stored as ``saved``: it takes its place everywhere."""
        self.saving = False
        self._replace(scored, saved)
        if self.shown is scored:
            self.shown = saved  # the view already shows it: no redraw
        self.host.stored(saved)
        if saved.save_note:
            self.host.report(saved.save_note)
        if refinable(saved):
            self.host.refine(saved)
        self._score_pending()

    def recording_started(self) -> None:
        """A new answer is being recorded: it gets the machine, not an earlier one's
        refinement (that answer keeps its live transcript)."""
        self.host.cancel_refine()

    def refined(self, old: SavedAttempt, new: SavedAttempt | None) -> SavedAttempt | None:
        """``old``'s recording was transcribed again; ``new`` (None: the same words) takes its
        place wherever the answer is now, with what happened to it since: the follow-up asked or
        answered stays the one that was asked, even if the refined feedback would ask another.
        Returns the answer as it now stands (None if nothing changed)."""
        if new is None or old.attempt_id is None:
            return None
        current = next(
            (a for a in self.attempts.get(old.question.id, []) if a.attempt_id == old.attempt_id),
            None,
        )
        if current is None:
            return None
        keep_follow_up = current.follow_up is not None or self.follow_up_parent is current
        new = replace(
            new,
            follow_up=current.follow_up,
            previous_id=current.previous_id,
            previous_feedback=current.previous_feedback,
            feedback=replace(new.feedback, follow_up=current.feedback.follow_up)
            if keep_follow_up
            else new.feedback,
        )
        self._replace(current, new)
        if self.follow_up_parent is current:
            self.follow_up_parent = new
        if self.shown is current:
            self.shown = new
            self.host.show_refined(new)
        return new

    def save_failed(self, message: str) -> None:
        self.saving = False
        self.host.report(message)
        self._score_pending()

    def follow_up_requested(self) -> FollowUp | None:
        """F: the follow-up to ask about the shown answer (None when there is none to ask)."""
        shown = self.shown
        if not self.can_follow_up() or shown is None or shown.feedback.follow_up is None:
            return None
        self.follow_up_parent = shown
        return shown.feedback.follow_up

    def follow_up_ready(self, parent: SavedAttempt, recording: bool) -> bool:
        """The follow-up was read aloud: whether its answer may be recorded now."""
        return self.follow_up_parent is parent and not recording and not self.busy

    def follow_up_scored(self, parent: SavedAttempt, answered: SavedFollowUp) -> None:
        self.busy = False
        self.follow_up_parent = None
        updated = replace(parent, follow_up=answered)
        self._replace(parent, updated)
        if self.shown is parent:
            self.shown = updated
            self.host.show_follow_up_result(updated)

    def _replace(self, old: SavedAttempt, new: SavedAttempt) -> None:
        """``new`` takes ``old``'s place in its question's attempts."""
        items = self.attempts.get(old.question.id, [])
        for i, item in enumerate(items):
            if item is old:
                items[i] = new

    def _score_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.host.score(*pending)
