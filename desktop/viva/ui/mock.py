"""Mock interview: N questions read aloud, thinking time, timed answers, a summary at the end."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, replace
from functools import partial
from statistics import fmean
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viva.bank import Bank, Question
from viva.ui import dialogs, render
from viva.ui.session import SavedAttempt, SavedFollowUp, Services, narrow_to_point
from viva.ui.shortcuts import Shortcut, bind
from viva.ui.widgets import AnswerRecorder, LevelMeter, TimeBar, heading, plain_label
from viva.ui.workers import JobRunner, RecordingResult, discard_result

log = logging.getLogger(__name__)

MODES = (("random", "Random questions"), ("topic", "One topic"), ("due", "Due for review"))

#: Space (or the advance button) is ignored this long after a phase change: a press meant for
#: the countdown that ends just before must not end the answer that has just started.
ADVANCE_GUARD_S = 1.0
#: An answer shorter than this is kept only if the user says so (else recorded again).
MIN_ANSWER_S = 2.0


@dataclass(frozen=True, slots=True)
class MockPlan:
    """What the user chose on the setup page."""

    questions: tuple[Question, ...]
    thinking_s: int
    limit_s: int
    #: Ask one follow-up after an answer that missed (or got wrong, or half made) a key point.
    follow_ups: bool = True


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


def follow_up_cells(follow_up: SavedFollowUp) -> list[str]:
    """The summary row of a follow-up, under its question's row."""
    result = follow_up.result
    status = render.STATUS_LABEL.get(result.status, result.status)
    said = f': "{result.evidence}"' if result.evidence else ""
    return [
        f"    ↳ Follow-up on point {follow_up.point}: {follow_up.asked}\n"
        f"    {result.text} [{status}]{said}",
        f"{follow_up.feedback.coverage:.0%}",
        render.format_seconds(follow_up.feedback.timing.duration_s),
        "",
        status,
    ]


class MockView(QWidget):
    """Runs one interview at a time; ``summary_shown`` fires with the results at the end."""

    error_occurred = Signal(str)
    review_requested = Signal(int)
    phase_changed = Signal(str)
    summary_shown = Signal(object)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.plan: MockPlan | None = None
        self.index = -1
        self.phase = "setup"
        self.session_id: int | None = None
        self.results: dict[int, SavedAttempt] = {}
        self._pending_scores = 0
        self._aborted = False
        self._countdown = 0
        self._tts_warned = False
        #: The answer whose follow-up is being asked (None while on a question itself).
        self._follow_up_parent: SavedAttempt | None = None
        self._stop_pressed_at: float | None = None
        #: When the phase last changed (monotonic clock), for the advance guard.
        self._phase_changed_at = 0.0
        #: When the current answer's recording was started (perf_counter).
        self._answer_started_at: float | None = None
        #: A recording under MIN_ANSWER_S, held until the recorder has stopped and the user
        #: has said whether to keep it.
        self._short_result: RecordingResult | None = None
        #: Seconds from Stop on an answer to its follow-up being read aloud (last one).
        self.follow_up_delay_s: float | None = None
        self.recorder = AnswerRecorder(services, self)
        self.recorder.level_changed.connect(self._on_recorder_level_changed)
        self.recorder.elapsed_changed.connect(self._on_recorder_elapsed_changed)
        self.recorder.recorded.connect(self._on_recorder_recorded)
        self.recorder.failed.connect(self._on_recorder_failed)
        self.recorder.stopped.connect(self._on_recorder_stopped)
        self._advance_when_stopped = False
        self.think_timer = QTimer(self)
        self.think_timer.setInterval(1000)
        self.think_timer.timeout.connect(self._on_think_timer_timeout)
        self._build()
        bind(Shortcut.RECORD, self, self.advance)
        bind(Shortcut.ABORT, self, self.abort)

    # --- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)

        setup = QWidget()
        s_layout = QVBoxLayout(setup)
        s_layout.addWidget(heading("Mock interview", 1))
        s_layout.addWidget(
            plain_label(
                "Viva reads each question aloud, gives you time to think, records your answer "
                "and moves on without feedback, like a real interview. You get a summary at "
                "the end."
            )
        )
        form = QFormLayout()
        settings = self.services.settings
        self.count_spin = QSpinBox()
        self.count_spin.setRange(1, 30)
        self.count_spin.setValue(settings.mock_questions)
        self.count_spin.setAccessibleName("Number of questions")
        form.addRow("&Questions:", self.count_spin)
        self.mode_box = QComboBox()
        self.mode_box.setAccessibleName("How to choose questions")
        for key, text in MODES:
            self.mode_box.addItem(text, key)
        self.mode_box.currentIndexChanged.connect(self._on_mode_box_current_index_changed)
        form.addRow("&Choose:", self.mode_box)
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName("Topic")
        self.topic_box.setEnabled(False)
        form.addRow("&Topic:", self.topic_box)
        self.think_spin = QSpinBox()
        self.think_spin.setRange(0, 300)
        self.think_spin.setSuffix(" s")
        self.think_spin.setValue(settings.thinking_seconds)
        self.think_spin.setAccessibleName("Thinking time")
        form.addRow("T&hinking time:", self.think_spin)
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(15, 900)
        self.limit_spin.setSuffix(" s")
        self.limit_spin.setValue(settings.answer_limit_seconds)
        self.limit_spin.setAccessibleName("Answer time limit")
        form.addRow("&Answer limit:", self.limit_spin)
        s_layout.addLayout(form)
        self.start_button = QPushButton("&Start the interview")
        self.start_button.clicked.connect(self.start)
        s_layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        s_layout.addStretch(1)
        self.pages.addWidget(setup)

        running = QWidget()
        r_layout = QVBoxLayout(running)
        self.progress_label = plain_label(name="Interview progress")
        r_layout.addWidget(self.progress_label)
        self.question_label = heading("", 1)
        self.question_label.setAccessibleName("Question")
        r_layout.addWidget(self.question_label)
        self.phase_label = heading("", 2)
        self.phase_label.setAccessibleName("What happens now")
        r_layout.addWidget(self.phase_label)
        self.level = LevelMeter()
        r_layout.addWidget(self.level)
        self.time_bar = TimeBar()
        r_layout.addWidget(self.time_bar)
        buttons = QHBoxLayout()
        self.advance_button = QPushButton(Shortcut.RECORD.label("Answer now"))
        self.advance_button.clicked.connect(self.advance)
        buttons.addWidget(self.advance_button)
        self.abort_button = QPushButton(Shortcut.ABORT.label("End interview"))
        self.abort_button.clicked.connect(self.abort)
        buttons.addWidget(self.abort_button)
        buttons.addStretch(1)
        r_layout.addLayout(buttons)
        r_layout.addStretch(1)
        self.pages.addWidget(running)

        summary = QWidget()
        m_layout = QVBoxLayout(summary)
        m_layout.addWidget(heading("Interview summary", 1))
        self.overall_label = plain_label(name="Overall figures")
        m_layout.addWidget(self.overall_label)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Answers")
        self.table.setHorizontalHeaderLabels(
            ["Question", "Coverage", "Duration", "Target", "Verdict"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.review_selected())
        m_layout.addWidget(self.table, 2)
        weak_box = QGroupBox("Weakest points (stated wrongly, missed, partial)")
        weak_layout = QVBoxLayout(weak_box)
        self.weak_label = plain_label(name="Weakest points")
        self.weak_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        weak_layout.addWidget(self.weak_label)
        m_layout.addWidget(weak_box, 1)
        row = QHBoxLayout()
        self.review_button = QPushButton("&Review the selected answer")
        self.review_button.clicked.connect(self.review_selected)
        row.addWidget(self.review_button)
        self.again_button = QPushButton("&New interview")
        self.again_button.clicked.connect(self.reset)
        row.addWidget(self.again_button)
        row.addStretch(1)
        m_layout.addLayout(row)
        self.pages.addWidget(summary)

    def set_bank(self, bank: Bank) -> None:
        current = self.topic_box.currentData()
        self.topic_box.clear()
        for topic in bank.topics():
            self.topic_box.addItem(topic, topic)
        self.topic_box.setCurrentIndex(max(0, self.topic_box.findData(current)))

    def activated(self) -> None:
        bank = self.services.cached_bank
        if bank is not None and self.topic_box.count() == 0:
            self.set_bank(bank)

    @Slot(int)
    def _on_mode_box_current_index_changed(self, _index: int) -> None:
        self.topic_box.setEnabled(self.mode_box.currentData() == "topic")

    # --- running -----------------------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        bank = self.services.cached_bank
        if bank is None or not len(bank):
            self.error_occurred.emit(
                "The question bank is not loaded yet or is empty. Wait a moment, or add "
                "questions in the Bank editor."
            )
            return
        self.start_button.setEnabled(False)
        mode = self.mode_box.currentData()
        count = self.count_spin.value()
        topic = self.topic_box.currentData()
        services = self.services

        def prepare(_p: Any, _t: Any) -> tuple[list[Question], int]:
            due: list[str] | None = None
            store = services.open_store()
            try:
                if mode == "due":
                    from viva.storage.schedule import due_questions

                    due = [d.question_id for d in due_questions(store, bank)]
                chosen = pick_questions(bank, count, mode, topic=topic, due=due)
                session_id = store.start_session("mock", [q.id for q in chosen])
            finally:
                store.close()
            return chosen, session_id

        self.jobs.start(
            "mock-prepare", prepare, on_success=self._on_prepared, on_error=self._on_prepare_failed
        )

    @Slot(object)
    def _on_prepared(self, result: tuple[list[Question], int]) -> None:
        questions, session_id = result
        self.start_button.setEnabled(True)
        if not questions:
            self.error_occurred.emit("No questions match these choices. Pick another topic.")
            return
        self.plan = MockPlan(
            tuple(questions),
            self.think_spin.value(),
            self.limit_spin.value(),
            follow_ups=self.services.settings.follow_ups,
        )
        self.session_id = session_id
        self.results = {}
        self.index = -1
        self._aborted = False
        self.pages.setCurrentIndex(1)
        self.advance_button.setFocus()
        self._next_question()

    @Slot(str)
    def _on_prepare_failed(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self.error_occurred.emit(message)

    def _set_phase(self, phase: str, text: str) -> None:
        self.phase = phase
        self._phase_changed_at = time.monotonic()
        self.phase_label.setText(text)
        self.phase_changed.emit(phase)

    @property
    def asking_follow_up(self) -> bool:
        """True from the follow-up's "checking your answer" step until it is answered."""
        return self._follow_up_parent is not None or self.phase == "follow-up"

    def _label(self, text: str) -> str:
        return f"Follow-up: {text[:1].lower()}{text[1:]}" if self._follow_up_parent else text

    def _next_question(self) -> None:
        assert self.plan is not None
        self._follow_up_parent = None
        self.index += 1
        if self._aborted or self.index >= len(self.plan.questions):
            self._finish()
            return
        question = self.plan.questions[self.index]
        self.progress_label.setText(f"Question {self.index + 1} of {len(self.plan.questions)}")
        self.question_label.setText(question.question)
        self.time_bar.set_target(question.target_seconds)
        self.level.set_level(0.0)
        self.advance_button.setText(Shortcut.RECORD.label("Skip to answering"))
        self._set_phase("reading", "Listen to the question…")
        services = self.services
        text = question.question
        self.jobs.start(
            "mock-tts",
            lambda _p, _t: services.speaker().say(text),
            on_success=discard_result(partial(self._after_reading, self.index)),
            on_error=partial(self._on_tts_failed, index=self.index),
        )

    def _on_tts_failed(self, message: str, index: int) -> None:
        if not self._tts_warned:
            self._tts_warned = True
            self.error_occurred.emit(message)
        self._after_reading(index)

    def _after_reading(self, index: int) -> None:
        if index != self.index or self.phase != "reading" or self.plan is None:
            return
        self._countdown = self.plan.thinking_s
        if self._countdown <= 0:
            self._start_answer()
            return
        self._set_phase("thinking", self._label(f"Think about your answer: {self._countdown} s"))
        self.think_timer.start()

    @Slot()
    def _on_think_timer_timeout(self) -> None:
        self._countdown -= 1
        if self._countdown <= 0:
            self.think_timer.stop()
            self._start_answer()
        else:
            self.phase_label.setText(self._label(f"Think about your answer: {self._countdown} s"))

    def _start_answer(self) -> None:
        assert self.plan is not None
        self.think_timer.stop()
        question = self.plan.questions[self.index]
        parent = self._follow_up_parent
        if parent is not None and parent.feedback.follow_up is not None:
            # The live judge reads the answer against the probed point only.
            question = narrow_to_point(question, parent.feedback.follow_up.point)
        self._set_phase(
            "answering",
            self._label(f"Answer now (limit {render.format_seconds(self.plan.limit_s)})"),
        )
        self.advance_button.setText(Shortcut.RECORD.label("Done, next question"))
        self._answer_started_at = time.perf_counter()
        self.recorder.start(question, limit_s=self.plan.limit_s)

    @Slot()
    def advance(self) -> None:
        """Space: skip reading/thinking, end the current answer, or skip a follow-up.

        Ignored for ADVANCE_GUARD_S after a phase change: one press at the end of the thinking
        countdown would otherwise end the answer that has just started."""
        since = time.monotonic() - self._phase_changed_at
        if since < ADVANCE_GUARD_S:
            log.info("advance ignored %.2f s after the phase changed to %s", since, self.phase)
            return
        if self.phase == "follow-up":
            self._next_question()
        elif self.phase == "reading":
            self._stop_speaker()
            self._after_reading(self.index)
            if self.phase == "thinking":
                self._start_answer()
        elif self.phase == "thinking":
            self._start_answer()
        elif self.phase == "answering":
            self._stop_pressed_at = time.perf_counter()
            self._set_phase("saving", self._label("Saving your answer…"))
            self.recorder.stop()

    @Slot(float)
    def _on_recorder_level_changed(self, level: float) -> None:
        self.level.set_level(level)

    @Slot(float)
    def _on_recorder_elapsed_changed(self, seconds: float) -> None:
        self.time_bar.set_elapsed(seconds)
        if self.phase == "answering" and self.recorder.stop_pressed_at is not None:
            self._stop_pressed_at = self.recorder.stop_pressed_at
            self._set_phase("saving", self._label("Time is up: saving your answer…"))

    @Slot(object)
    def _on_recorder_recorded(self, result: RecordingResult) -> None:
        # The time the user saw pass (a loaded machine can start the stream late).
        answered_s = result.duration_s
        if self._stop_pressed_at is not None and self._answer_started_at is not None:
            answered_s = max(answered_s, self._stop_pressed_at - self._answer_started_at)
        if answered_s < MIN_ANSWER_S and not self._aborted:
            # Asked once the recorder has stopped (it may then record this answer again).
            self._short_result = result
            return
        self._score_recording(result)

    def _score_recording(self, result: RecordingResult) -> None:
        """Score the answer just recorded on a worker, against the question being asked."""
        assert self.plan is not None
        index = self.index
        question = self.plan.questions[index]
        transcript = result.transcript
        services = self.services
        session_id = self.session_id
        parent = self._follow_up_parent
        if parent is not None:
            self._score_follow_up(index, parent, result)
            return

        def score(_p: Any, _t: Any) -> SavedAttempt:
            tr = transcript
            if tr is None:
                tr = services.transcribe_file(question, result.path)
            return services.finish_answer(
                question, tr, audio_path=result.path, session_id=session_id
            )

        self._pending_scores += 1
        self.jobs.start(
            "mock-score",
            score,
            on_success=partial(self._on_scored, index),
            on_error=partial(self._on_score_failed, index=index),
        )
        self._advance_when_stopped = True  # the recording thread ends right after this

    def _score_follow_up(self, index: int, parent: SavedAttempt, result: RecordingResult) -> None:
        """Score the follow-up's answer against its point on a worker; move on meanwhile."""
        services = self.services
        session_id = self.session_id
        follow_up = parent.feedback.follow_up
        assert follow_up is not None

        def score(_p: Any, _t: Any) -> SavedFollowUp:
            tr = result.transcript
            if tr is None:
                narrowed = narrow_to_point(parent.question, follow_up.point)
                tr = services.transcribe_file(narrowed, result.path)
            return services.finish_follow_up(
                parent, tr, audio_path=result.path, session_id=session_id
            )

        self._pending_scores += 1
        self.jobs.start(
            "mock-follow-up-score",
            score,
            on_success=partial(self._on_follow_up_scored, index),
            on_error=partial(self._on_score_failed, index=index),
        )
        self._advance_when_stopped = True

    def _keep_short_answer(self, result: RecordingResult) -> bool:
        """Ask whether an answer under MIN_ANSWER_S is kept; if not, its recording is deleted."""
        length = render.format_seconds(result.duration_s)
        if dialogs.ask(
            self,
            "Keep this short answer?",
            f"This answer is only {length} long. Keep it and move on, or answer this "
            "question again?",
            yes="Keep it",
            no="Answer again",
        ):
            return True
        try:
            result.path.unlink(missing_ok=True)
        except OSError:
            log.warning("could not delete the discarded recording %s", result.path, exc_info=True)
        log.info("short answer (%.2f s) discarded; recording the answer again", result.duration_s)
        return False

    @Slot()
    def _on_recorder_stopped(self) -> None:
        short, self._short_result = self._short_result, None
        if short is not None:
            if self._aborted or self._keep_short_answer(short):
                self._score_recording(short)  # then move on below, as for any answer
            elif self.phase == "saving" and not self._aborted:
                self._start_answer()  # the same question (or follow-up) again
                return
        if self._advance_when_stopped:
            self._advance_when_stopped = False
            if self._wants_follow_up():
                self._wait_for_follow_up()
            else:
                self._next_question()
        elif self.phase == "finishing":
            self._finish()

    def _wants_follow_up(self) -> bool:
        """After a question's own answer (not a follow-up), with follow-ups on."""
        return (
            self.plan is not None
            and self.plan.follow_ups
            and not self._aborted
            and self._follow_up_parent is None
        )

    def _wait_for_follow_up(self) -> None:
        """The follow-up needs the answer's score (it names the point): wait for it here."""
        if self.index in self.results:
            self._ask_follow_up(self.index)
            return
        self.level.set_level(0.0)
        self._set_phase("follow-up", "Follow-up: checking your answer…")
        self.advance_button.setText(Shortcut.RECORD.label("Skip the follow-up"))

    def _ask_follow_up(self, index: int) -> None:
        assert self.plan is not None
        saved = self.results.get(index)
        follow_up = saved.feedback.follow_up if saved is not None else None
        if saved is None or follow_up is None or self._aborted:
            self._next_question()  # every point covered (or the score failed): no follow-up
            return
        self._follow_up_parent = saved
        if self._stop_pressed_at is not None:
            self.follow_up_delay_s = time.perf_counter() - self._stop_pressed_at
            log.info("follow-up asked %.2f s after Stop", self.follow_up_delay_s)
        self.progress_label.setText(
            f"Question {index + 1} of {len(self.plan.questions)}: follow-up on key point "
            f"{follow_up.point}"
        )
        self.question_label.setText(follow_up.question)
        self.level.set_level(0.0)
        self.advance_button.setText(Shortcut.RECORD.label("Skip to answering"))
        self._set_phase("reading", "Follow-up: listen to the question…")
        services = self.services
        text = follow_up.question
        self.jobs.start(
            "mock-tts",
            lambda _p, _t: services.speaker().say(text),
            on_success=discard_result(partial(self._after_reading, index)),
            on_error=partial(self._on_tts_failed, index=index),
        )

    @Slot(str)
    def _on_recorder_failed(self, message: str) -> None:
        self.error_occurred.emit(message)
        self._aborted = True
        self._finish()

    def _on_scored(self, index: int, saved: SavedAttempt) -> None:
        self._pending_scores -= 1
        self.results[index] = saved
        if saved.save_note:
            self.error_occurred.emit(saved.save_note)
        if self.phase == "finishing":
            self._finish()
        elif self.phase == "follow-up" and index == self.index:
            self._ask_follow_up(index)

    def _on_follow_up_scored(self, index: int, saved: SavedFollowUp) -> None:
        self._pending_scores -= 1
        if index in self.results:
            self.results[index] = replace(self.results[index], follow_up=saved)
        if self.phase == "finishing":
            self._finish()

    def _on_score_failed(self, message: str, index: int) -> None:
        self._pending_scores -= 1
        self.error_occurred.emit(message)
        if self.phase == "finishing":
            self._finish()
        elif self.phase == "follow-up" and index == self.index:
            self._next_question()

    @Slot()
    def abort(self) -> None:
        if self.phase in ("setup", "summary", "finishing"):
            return
        if not dialogs.ask(
            self,
            "End the mock interview?",
            "End the interview now? Answers recorded so far are kept and scored.",
            yes="End interview",
            no="Continue",
        ):
            return
        self._aborted = True
        self.think_timer.stop()
        self._stop_speaker()
        if self.phase == "answering":
            self._set_phase("saving", self._label("Saving your answer…"))
            self.recorder.stop()  # the recorded answer is saved, then _next_question finishes
        elif self.phase != "saving":
            self._finish()

    def _finish(self) -> None:
        self.think_timer.stop()
        self._set_phase("finishing", "Scoring your answers…")
        self.advance_button.setEnabled(False)
        if self._pending_scores > 0 or self.recorder.recording:
            return
        self.advance_button.setEnabled(True)
        session_id = self.session_id
        services = self.services
        if session_id is not None:

            def close_session(_p: Any, _t: Any) -> None:
                store = services.open_store()
                try:
                    store.finish_session(session_id)
                finally:
                    store.close()

            self.jobs.start("mock-finish", close_session, on_error=self.error_occurred.emit)
        self._show_summary()

    def _show_summary(self) -> None:
        self.phase = "summary"
        assert self.plan is not None
        ordered = [self.results[i] for i in sorted(self.results)]
        rows: list[tuple[list[str], int | None]] = []
        for saved in ordered:
            timing = saved.feedback.timing
            low, high = saved.question.target_seconds
            cells = [
                saved.question.question,
                f"{saved.feedback.coverage:.0%}",
                render.format_seconds(timing.duration_s),
                f"{render.format_seconds(low)}–{render.format_seconds(high)}",
                timing.verdict or "–",
            ]
            rows.append((cells, saved.attempt_id))
            if saved.follow_up is not None:
                rows.append((follow_up_cells(saved.follow_up), saved.follow_up.attempt_id))
        self.table.setRowCount(len(rows))
        for row, (cells, attempt_id) in enumerate(rows):
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, attempt_id)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        if ordered:
            self.table.selectRow(0)
        coverages = [s.feedback.coverage for s in ordered]
        durations = [float(d) for s in ordered if (d := s.feedback.timing.duration_s)]
        on_target = sum(1 for s in ordered if s.feedback.timing.verdict == "on target")
        skipped = len(self.plan.questions) - len(ordered)
        lines = [
            f"{len(ordered)} of {len(self.plan.questions)} questions answered"
            + (f" ({skipped} not reached)" if skipped else ""),
            f"Mean coverage {fmean(coverages):.0%}" if coverages else "No answers were scored.",
        ]
        if durations:
            lines.append(
                f"Total speaking time {render.format_seconds(sum(durations))}; "
                f"{on_target} of {len(ordered)} answers within the target time"
            )
        follow_ups = [s.follow_up for s in ordered if s.follow_up is not None]
        if follow_ups:
            made = sum(1 for f in follow_ups if f.result.status == "covered")
            lines.append(
                f"{len(follow_ups)} follow-up question{'s' if len(follow_ups) != 1 else ''}: "
                f"{made} point{'s' if made != 1 else ''} made when asked"
            )
        self.overall_label.setText("\n".join(lines))
        weak: list[tuple[float, str, str]] = []
        for saved in ordered:
            for n, point in enumerate(saved.feedback.key_points, 1):
                if point.status != "covered":
                    # Stated wrongly first, then missed, then partial.
                    order = {"incorrect": -1.0}.get(point.status, point.score)
                    label = render.STATUS_LABEL.get(point.status, point.status)
                    fu = saved.follow_up
                    if fu is not None and fu.point == n:
                        later = render.STATUS_LABEL.get(fu.result.status, fu.result.status)
                        label += f"; {later} in the follow-up"
                    weak.append((order, f"{point.text} [{label}]", saved.question.question))
        weak.sort(key=lambda item: item[0])
        self.weak_label.setText(
            "\n".join(f"• {text}  ({question})" for _s, text, question in weak[:6])
            or "None: every key point was covered."
        )
        self.pages.setCurrentIndex(2)
        self.table.setFocus()
        self.summary_shown.emit(ordered)

    @Slot()
    def review_selected(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        attempt_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if attempt_id is not None:
            self.review_requested.emit(int(attempt_id))

    @Slot()
    def reset(self) -> None:
        self.phase = "setup"
        self.plan = None
        self.pages.setCurrentIndex(0)

    # --- helpers -----------------------------------------------------------------------------

    def _stop_speaker(self) -> None:
        self.services.stop_speaking()

    def interrupt_reason(self) -> str | None:
        if self.phase in ("reading", "thinking", "answering", "saving", "follow-up", "finishing"):
            total = len(self.plan.questions) if self.plan else 0
            return f"A mock interview is in progress (question {self.index + 1} of {total})."
        return None

    def shutdown(self) -> None:
        self._aborted = True
        self.think_timer.stop()
        self._stop_speaker()
        self.recorder.stop()
