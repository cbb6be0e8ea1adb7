"""Mock interview: N questions read aloud, thinking time, timed answers, a summary at the end."""

from __future__ import annotations

import logging
from functools import partial
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

from viva.app.mock import (
    MODES,
    WEAK_SHOWN,
    MockInterview,
    MockPlan,
    MockSummary,
    Phase,
    Recording,
    pick_questions,
)
from viva.app.services import (
    SavedAttempt,
    SavedFollowUp,
    Services,
    mark_live,
    narrow_to_point,
)
from viva.bank import Bank, Question
from viva.ui import dialogs, render
from viva.ui.shortcuts import Shortcut, bind
from viva.ui.widgets import AnswerRecorder, LevelMeter, TimeBar, heading, plain_label
from viva.ui.workers import (
    Job,
    JobRunner,
    RecordingResult,
    discard_result,
    stop_when_cancelled,
)

log = logging.getLogger(__name__)


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
        render.format_target(follow_up.question.target_seconds),
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
        #: The interview itself (Qt-free); this view renders it and forwards what happens.
        self.interview = MockInterview(self)
        self._refine_job: Job | None = None
        self.recorder = AnswerRecorder(services, self)
        self.recorder.level_changed.connect(self._on_recorder_level_changed)
        self.recorder.elapsed_changed.connect(self._on_recorder_elapsed_changed)
        self.recorder.recorded.connect(self._on_recorder_recorded)
        self.recorder.failed.connect(self._on_recorder_failed)
        self.recorder.stopped.connect(self.interview.recorder_stopped)
        self.think_timer = QTimer(self)
        self.think_timer.setInterval(1000)
        self.think_timer.timeout.connect(self.interview.tick)
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
        #: What the second transcription pass is doing or changed (hidden when nothing).
        self.refine_label = plain_label(name="Transcript refinement")
        self.refine_label.hide()
        m_layout.addWidget(self.refine_label)
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
        plan = MockPlan(
            tuple(questions),
            self.think_spin.value(),
            self.limit_spin.value(),
            follow_ups=self.services.settings.follow_ups,
            refine=self.services.refine,
        )
        self.pages.setCurrentIndex(1)
        self.advance_button.setFocus()
        self.interview.begin(plan, session_id)

    @Slot(str)
    def _on_prepare_failed(self, message: str) -> None:
        self.start_button.setEnabled(True)
        self.error_occurred.emit(message)

    # What the interview reads and does (viva.app.mock.MockInterview).

    @property
    def phase(self) -> str:
        return str(self.interview.phase)

    @property
    def plan(self) -> MockPlan | None:
        return self.interview.plan

    @property
    def index(self) -> int:
        return self.interview.index

    @property
    def session_id(self) -> int | None:
        return self.interview.session_id

    @property
    def results(self) -> dict[int, SavedAttempt]:
        return self.interview.results

    @property
    def asking_follow_up(self) -> bool:
        return self.interview.asking_follow_up

    @property
    def follow_up_delay_s(self) -> float | None:
        return self.interview.follow_up_delay_s

    @Slot()
    def advance(self) -> None:
        """Space: skip reading/thinking, end the current answer, or skip a follow-up."""
        self.interview.advance()

    @Slot()
    def abort(self) -> None:
        if not self.interview.can_abort:
            return
        if dialogs.ask(
            self,
            "End the mock interview?",
            "End the interview now? Answers recorded so far are kept and scored.",
            yes="End interview",
            no="Continue",
        ):
            self.interview.abort()

    # --- MockHost: the effects the interview asks for -----------------------------------------

    def show_phase(self, phase: Phase, text: str) -> None:
        if phase != Phase.ANSWERING:
            self.level.set_level(0.0)
        self.phase_label.setText(text)
        self.phase_changed.emit(str(phase))

    def show_question(self, progress: str, text: str, target_s: tuple[int, int] | None) -> None:
        self.progress_label.setText(progress)
        self.question_label.setText(text)
        if target_s is not None:
            self.time_bar.set_target(target_s)

    def set_advance_label(self, text: str) -> None:
        self.advance_button.setText(Shortcut.RECORD.label(text))

    def set_advance_enabled(self, enabled: bool) -> None:
        self.advance_button.setEnabled(enabled)

    def say(self, index: int, text: str) -> None:
        services = self.services
        self.jobs.start(
            "mock-tts",
            lambda _p, _t: services.speaker().say(text),
            on_success=discard_result(partial(self.interview.reading_done, index)),
            on_error=partial(self.interview.reading_failed, index),
        )

    def stop_speaking(self) -> None:
        self.services.stop_speaking()

    def start_countdown(self) -> None:
        self.think_timer.start()

    def stop_countdown(self) -> None:
        self.think_timer.stop()

    def start_recording(self, question: Question, limit_s: int) -> None:
        self.recorder.start(question, limit_s=limit_s)

    def stop_recording(self) -> None:
        self.recorder.stop()

    def recording(self) -> bool:
        return self.recorder.recording

    def keep_short_answer(self, result: Recording) -> bool:
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

    def score(
        self, index: int, question: Question, result: Recording, parent: SavedAttempt | None
    ) -> None:
        services = self.services
        session_id = self.interview.session_id
        on_error = partial(self.interview.score_failed, index)
        if parent is not None:
            follow_up = parent.feedback.follow_up
            assert follow_up is not None

            def score_follow_up(_p: Any, _t: Any) -> SavedFollowUp:
                tr = result.transcript
                if tr is None:
                    narrowed = narrow_to_point(parent.question, follow_up.point)
                    tr = services.transcribe_file(narrowed, result.path)
                return services.finish_follow_up(
                    parent, tr, audio_path=result.path, session_id=session_id
                )

            self.jobs.start(
                "mock-follow-up-score",
                score_follow_up,
                on_success=partial(self.interview.follow_up_scored, index),
                on_error=on_error,
            )
            return

        def score(_p: Any, _t: Any) -> SavedAttempt:
            live = result.transcript  # refined once the summary is shown
            if live is None:
                tr = services.transcribe_file(question, result.path)
            else:
                tr = mark_live(live)
            return services.finish_answer(
                question, tr, audio_path=result.path, session_id=session_id
            )

        self.jobs.start(
            "mock-score", score, on_success=partial(self.interview.scored, index), on_error=on_error
        )

    def finish_session(self) -> None:
        session_id = self.interview.session_id
        if session_id is None:
            return
        services = self.services

        def close_session(_p: Any, _t: Any) -> None:
            store = services.open_store()
            try:
                store.finish_session(session_id)
            finally:
                store.close()

        self.jobs.start("mock-finish", close_session, on_error=self.error_occurred.emit)

    def report(self, message: str) -> None:
        self.error_occurred.emit(message)

    # --- recorder signals ----------------------------------------------------------------------

    @Slot(float)
    def _on_recorder_level_changed(self, level: float) -> None:
        self.level.set_level(level)

    @Slot(float)
    def _on_recorder_elapsed_changed(self, seconds: float) -> None:
        self.time_bar.set_elapsed(seconds)
        if self.recorder.stop_pressed_at is not None:
            self.interview.time_up(self.recorder.stop_pressed_at)

    @Slot(object)
    def _on_recorder_recorded(self, result: RecordingResult) -> None:
        self.interview.recorded(result)

    @Slot(str)
    def _on_recorder_failed(self, message: str) -> None:
        self.interview.recorder_failed(message)

    def show_summary(self, summary: MockSummary) -> None:
        self._render_summary(summary)
        self.refine_label.setText("")
        self.refine_label.hide()
        if summary.answers:
            self.table.selectRow(0)
        self.pages.setCurrentIndex(2)
        self.table.setFocus()
        self.summary_shown.emit(list(summary.answers))

    def update_summary(self, summary: MockSummary, note: str) -> None:
        """Redraw the summary where the user is: the same row selected, no scroll jump."""
        row = self.table.currentRow()
        bars = [self.table.verticalScrollBar(), self.table.horizontalScrollBar()]
        values = [bar.value() for bar in bars]
        self._render_summary(summary)
        if 0 <= row < self.table.rowCount():
            self.table.selectRow(row)
        for bar, value in zip(bars, values, strict=True):
            bar.setValue(value)
        self.refine_label.setText(note)
        self.refine_label.setVisible(bool(note))

    def _render_summary(self, summary: MockSummary) -> None:
        rows: list[tuple[list[str], int | None]] = []
        for saved in summary.answers:
            timing = saved.feedback.timing
            cells = [
                saved.question.question,
                f"{saved.feedback.coverage:.0%}",
                render.format_seconds(timing.duration_s),
                render.format_target(saved.question.target_seconds),
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
        lines = [
            f"{summary.answered} of {summary.asked} questions answered"
            + (f" ({summary.not_reached} not reached)" if summary.not_reached else ""),
            f"Mean coverage {summary.mean_coverage:.0%}"
            if summary.mean_coverage is not None
            else "No answers were scored.",
        ]
        if summary.speaking_s is not None:
            lines.append(
                f"Total speaking time {render.format_seconds(summary.speaking_s)}; "
                f"{summary.on_target} of {summary.answered} answers within the target time"
            )
        if summary.follow_ups:
            n, made = summary.follow_ups, summary.follow_ups_made
            lines.append(
                f"{n} follow-up question{'s' if n != 1 else ''}: "
                f"{made} point{'s' if made != 1 else ''} made when asked"
            )
        self.overall_label.setText("\n".join(lines))
        weak_lines = []
        for weak in summary.weak[:WEAK_SHOWN]:
            label = render.STATUS_LABEL.get(weak.status, weak.status)
            if weak.follow_up_status is not None:
                later = render.STATUS_LABEL.get(weak.follow_up_status, weak.follow_up_status)
                label += f"; {later} in the follow-up"
            weak_lines.append(f"• {weak.text} [{label}]  ({weak.question})")
        self.weak_label.setText("\n".join(weak_lines) or "None: every key point was covered.")

    def refine(self, index: int, saved: SavedAttempt) -> None:
        services = self.services

        def refine(_progress: Any, token: Any) -> SavedAttempt | None:
            return services.refine_attempt(saved, stop_when_cancelled(token))

        def failed(message: str) -> None:
            # The first transcript and feedback stand (stored already).
            log.warning("refining answer %d failed: %s", index + 1, message)
            self.interview.refined(index, saved, None)

        job = self.jobs.start(
            "mock-refine",
            refine,
            on_success=partial(self.interview.refined, index, saved),
            on_error=failed,
        )
        self._refine_job = job

    def cancel_refine(self) -> None:
        job, self._refine_job = self._refine_job, None
        if job is not None:
            job.token.cancel()

    @Slot()
    def review_selected(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        attempt_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if attempt_id is not None:
            self.review_requested.emit(int(attempt_id))

    @Slot()
    def reset(self) -> None:
        self.interview.reset()
        self.pages.setCurrentIndex(0)

    def interrupt_reason(self) -> str | None:
        return self.interview.interrupt_reason()

    def shutdown(self) -> None:
        self.interview.shutdown()
