"""Practice: pick a question, hear it, answer aloud (or type), get feedback within a second."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from viva.app.practice import PracticeSession
from viva.app.services import (
    SavedAttempt,
    SavedFollowUp,
    Services,
    coverage_change,
    filter_questions,
    mark_live,
)
from viva.bank import Bank, Question
from viva.bank.models import DIFFICULTIES, STAR_PARTS
from viva.limits import AnswerTooLong, check_answer_text
from viva.scoring.star import LABELS as STAR_LABELS
from viva.scoring.star import TIPS as STAR_TIPS
from viva.speech.transcript import Transcript
from viva.ui import render
from viva.ui.flow import FlowLayout
from viva.ui.shortcuts import Shortcut, bind
from viva.ui.widgets import (
    AnswerRecorder,
    FeedbackPanel,
    LevelMeter,
    TimeBar,
    TitledRowDelegate,
    heading,
    plain_label,
)
from viva.ui.workers import (
    Job,
    JobRunner,
    RecordingResult,
    discard_result,
    stop_when_cancelled,
)

log = logging.getLogger(__name__)

SAVING = "Saving your answer…"


class PracticeView(QWidget):
    """The default view. Signals let the window and the tests follow what happens."""

    feedback_shown = Signal(object)  # SavedAttempt, scored; saving follows (attempt_id None)
    attempt_saved = Signal(object)  # SavedAttempt, stored (attempt_id) or queued (save_note)
    #: The attempt whose transcript was made again after its feedback (``refined_from`` set), or
    #: None when the second pass heard the same words, failed or was cancelled.
    answer_refined = Signal(object)
    follow_up_shown = Signal(object)  # SavedFollowUp
    error_occurred = Signal(str)
    #: A new answer (recorded or typed) started: it supersedes the view's last error message.
    action_started = Signal()
    recording_changed = Signal(bool)
    question_changed = Signal(str)
    compare_requested = Signal(int, int)  # attempt id, earlier attempt id

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        #: The flow itself (Qt-free); this view renders it and forwards what happens.
        self.session = PracticeSession(self)
        self.due_ids: set[str] | None = None
        self.last_stop_to_feedback_s: float | None = None
        self.last_timings: dict[str, float] = {}
        self._refine_job: Job | None = None
        self.recorder = AnswerRecorder(services, self)
        self.recorder.level_changed.connect(self._on_recorder_level_changed)
        self.recorder.partial_changed.connect(self._on_recorder_partial_changed)
        self.recorder.elapsed_changed.connect(self._on_recorder_elapsed_changed)
        self.recorder.recorded.connect(self._on_recorder_recorded)
        self.recorder.failed.connect(self._on_recorder_failed)
        self.recorder.stopped.connect(self._update_buttons)
        self._build()
        self._bind_shortcuts()
        self.set_text_only(services.settings.text_only)
        self._update_buttons()

    @property
    def question(self) -> Question | None:
        return self.session.question

    @property
    def attempts(self) -> dict[str, list[SavedAttempt]]:
        return self.session.attempts

    @property
    def shown_attempt(self) -> SavedAttempt | None:
        return self.session.shown

    @property
    def follow_up_parent(self) -> SavedAttempt | None:
        return self.session.follow_up_parent

    # --- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        outer.addWidget(splitter)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search questions (Ctrl+F)")
        self.search.setAccessibleName("Search questions")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_list)
        left_layout.addWidget(self.search)
        filters = QHBoxLayout()
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName("Topic filter")
        self.topic_box.addItem("All topics", None)
        self.topic_box.currentIndexChanged.connect(self.refresh_list)
        filters.addWidget(self.topic_box, 1)
        self.difficulty_box = QComboBox()
        self.difficulty_box.setAccessibleName("Difficulty filter")
        self.difficulty_box.addItem("Any level", None)
        for level in DIFFICULTIES:
            self.difficulty_box.addItem(level.capitalize(), level)
        self.difficulty_box.currentIndexChanged.connect(self.refresh_list)
        filters.addWidget(self.difficulty_box)
        left_layout.addLayout(filters)
        self.due_check = QCheckBox("&Due today only")
        self.due_check.setAccessibleName("Show only questions due today")
        self.due_check.toggled.connect(self._on_due_check_toggled)
        left_layout.addWidget(self.due_check)
        self.question_list = QListWidget()
        self.question_list.setAccessibleName("Questions")
        self.question_list.setWordWrap(True)
        self.question_list.setItemDelegate(TitledRowDelegate(self.question_list))
        self.question_list.currentItemChanged.connect(self._on_question_list_current_changed)
        left_layout.addWidget(self.question_list, 1)
        self.count_label = plain_label(name="Number of questions shown")
        left_layout.addWidget(self.count_label)
        splitter.addWidget(left)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.title = heading("Loading the question bank…", 1)
        self.title.setAccessibleName("Question")
        right_layout.addWidget(self.title)
        self.meta = plain_label(name="Question details")
        right_layout.addWidget(self.meta)
        # Story questions: what a good Situation, Task, Action and Result say (collapsed).
        self.star_button = QToolButton()
        self.star_button.setText("Tell it as a story: STAR hints")
        self.star_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.star_button.setArrowType(Qt.ArrowType.RightArrow)
        self.star_button.setCheckable(True)
        self.star_button.setAutoRaise(True)
        self.star_button.setAccessibleName("Show or hide the STAR hints")
        self.star_button.toggled.connect(self._on_star_button_toggled)
        right_layout.addWidget(self.star_button)
        self.star_hints = plain_label(name="STAR hints")
        right_layout.addWidget(self.star_hints)
        self.star_button.hide()
        self.star_hints.hide()

        buttons = FlowLayout()
        self.play_button = QPushButton(Shortcut.PLAY_QUESTION.label("&Play question"))
        self.play_button.setToolTip("Read the question aloud (R repeats it)")
        self.play_button.clicked.connect(self.play_question)
        self.record_button = QPushButton(Shortcut.RECORD.label("Record"))
        self.record_button.setToolTip("Start or stop recording your answer")
        self.record_button.clicked.connect(self.toggle_recording)
        self.type_button = QPushButton(Shortcut.TYPE_ANSWER.label("Type answer"))
        self.type_button.setCheckable(True)
        self.type_button.setToolTip("Type or paste an answer instead of speaking")
        self.type_button.toggled.connect(self.set_text_only)
        self.retry_button = QPushButton(Shortcut.RETRY.label("Retry"))
        self.retry_button.setToolTip("Answer again; earlier attempts stay listed for comparison")
        self.retry_button.clicked.connect(self.retry)
        self.next_button = QPushButton(Shortcut.NEXT_QUESTION.label("Next"))
        self.next_button.setToolTip("Go to the next question")
        self.next_button.clicked.connect(self.next_question)
        self.follow_up_button = QPushButton(Shortcut.FOLLOW_UP.label("Follow-up"))
        self.follow_up_button.setToolTip(
            f"Hear a follow-up question on a point your answer missed, then answer it "
            f"({Shortcut.FOLLOW_UP.keys})"
        )
        self.follow_up_button.clicked.connect(self.ask_follow_up)
        for button in (
            self.play_button,
            self.record_button,
            self.type_button,
            self.retry_button,
            self.next_button,
            self.follow_up_button,
        ):
            buttons.addWidget(button)
        right_layout.addLayout(buttons)

        self.record_box = QGroupBox("Recording")
        record_layout = QVBoxLayout(self.record_box)
        self.level = LevelMeter()
        record_layout.addWidget(self.level)
        self.time_bar = TimeBar()
        record_layout.addWidget(self.time_bar)
        self.live_label = plain_label(name="Live transcript")
        self.live_label.setMinimumHeight(40)
        record_layout.addWidget(self.live_label)
        self.record_box.hide()
        right_layout.addWidget(self.record_box)

        self.typed_box = QGroupBox("Type or paste your answer")
        typed_layout = QVBoxLayout(self.typed_box)
        self.typed = QPlainTextEdit()
        self.typed.setAccessibleName("Typed answer")
        self.typed.setPlaceholderText("Write your answer as you would say it…")
        self.typed.setMaximumHeight(140)
        typed_layout.addWidget(self.typed)
        self.score_typed_button = QPushButton(Shortcut.SCORE_TYPED.label("Score typed answer"))
        self.score_typed_button.clicked.connect(self.score_typed)
        typed_layout.addWidget(self.score_typed_button, 0, Qt.AlignmentFlag.AlignLeft)
        right_layout.addWidget(self.typed_box)

        self.status = plain_label(name="Status")
        right_layout.addWidget(self.status)

        self.hint = plain_label(name="How to start")
        self.hint.setText(
            "Press P to hear the question, then Space to record your answer and Space again to "
            "stop. No microphone? Press Ctrl+T to type it. Press ? for all shortcuts."
        )
        right_layout.addWidget(self.hint)

        self.feedback = FeedbackPanel(jobs=self.jobs)
        self.feedback.compare_requested.connect(self._on_feedback_compare_requested)
        self.feedback.set_voice(self.services)
        self.feedback.error_occurred.connect(self._report)
        self.feedback.hide()
        right_layout.addWidget(self.feedback)

        self.follow_up_box = QGroupBox("Follow-up")
        follow_up_layout = QVBoxLayout(self.follow_up_box)
        self.follow_up_question = plain_label(name="Follow-up question")
        follow_up_layout.addWidget(self.follow_up_question)
        self.follow_up_result = plain_label(name="Follow-up result")
        follow_up_layout.addWidget(self.follow_up_result)
        self.follow_up_box.hide()
        right_layout.addWidget(self.follow_up_box)

        # The list holds this session's attempts; after a restart it read as if the stored
        # ones were lost, and its "Attempt 1" disagreed with Review's attempt numbers.
        self.attempts_box = QGroupBox("Your attempts this session")
        attempts_layout = QVBoxLayout(self.attempts_box)
        self.attempt_list = QListWidget()
        self.attempt_list.setAccessibleName("This session's attempts")
        self.attempt_list.setMaximumHeight(110)
        self.attempt_list.currentRowChanged.connect(self._on_attempt_list_current_row_changed)
        attempts_layout.addWidget(self.attempt_list)
        attempts_layout.addWidget(
            plain_label(
                f"Earlier sessions' attempts are in Review ({Shortcut.VIEW_REVIEW.keys}).",
                name="Where earlier attempts are",
            )
        )
        self.attempts_box.hide()
        right_layout.addWidget(self.attempts_box)
        right_layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll_area = scroll
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 900])

    def _bind_shortcuts(self) -> None:
        # Window-wide while the page is shown (Qt skips shortcuts of hidden widgets), so the keys
        # work right after launch, after a click in the side list and after a dialog closes.
        # Text fields still receive the letters and Space they type.
        ctx = Qt.ShortcutContext.WindowShortcut
        bind(Shortcut.RECORD, self, self.toggle_recording, ctx)
        bind(Shortcut.PLAY_QUESTION, self, self.play_question, ctx)
        bind(Shortcut.REPEAT_QUESTION, self, self.play_question, ctx)
        bind(Shortcut.NEXT_QUESTION, self, self.next_question, ctx)
        bind(Shortcut.RETRY, self, self.retry, ctx)
        bind(Shortcut.FOLLOW_UP, self, self.ask_follow_up, ctx)
        bind(Shortcut.LISTEN, self, self.listen_to_reference, ctx)
        bind(Shortcut.TYPE_ANSWER, self, self.type_button.toggle, ctx)
        bind(Shortcut.SCORE_TYPED, self, self.score_typed, ctx)
        bind(Shortcut.SEARCH, self, self.search.setFocus, ctx)

    # --- the bank ----------------------------------------------------------------------------

    def set_bank(self, bank: Bank) -> None:
        current_topic = self.topic_box.currentData()
        self.topic_box.blockSignals(True)
        self.topic_box.clear()
        self.topic_box.addItem("All topics", None)
        for topic in bank.topics():
            self.topic_box.addItem(topic, topic)
        index = self.topic_box.findData(current_topic)
        self.topic_box.setCurrentIndex(max(0, index))
        self.topic_box.blockSignals(False)
        self.refresh_list()
        if not len(bank):
            self.title.setText("The question bank is empty")
            self.meta.setText("Add questions in the Bank editor (Ctrl+5).")

    def set_due(self, due_ids: set[str] | None) -> None:
        self.due_ids = due_ids
        if self.due_check.isChecked():
            self.refresh_list()

    @Slot()
    def refresh_list(self) -> None:
        bank = self.services.cached_bank
        if bank is None:
            return
        only = self.due_ids if self.due_check.isChecked() and self.due_ids is not None else None
        questions = filter_questions(
            list(bank),
            text=self.search.text(),
            topic=self.topic_box.currentData(),
            difficulty=self.difficulty_box.currentData(),
            only=only,
        )
        keep = self.question.id if self.question else None
        self.question_list.blockSignals(True)
        self.question_list.clear()
        for q in questions:
            due = " · due" if self.due_ids and q.id in self.due_ids else ""
            item = QListWidgetItem(f"{q.question}\n{q.topic} · {q.difficulty}{due}")
            item.setData(Qt.ItemDataRole.UserRole, q.id)
            item.setToolTip(q.question)
            self.question_list.addItem(item)
        self.question_list.blockSignals(False)
        self.count_label.setText(f"{len(questions)} of {len(bank)} questions")
        row = next(
            (
                i
                for i in range(self.question_list.count())
                if self.question_list.item(i).data(Qt.ItemDataRole.UserRole) == keep
            ),
            0 if self.question is None else -1,
        )
        if row >= 0 and self.question_list.count():
            self.question_list.setCurrentRow(row)

    @Slot(bool)
    def _on_due_check_toggled(self, _on: bool) -> None:
        self.refresh_list()

    def select_question(self, question_id: str) -> bool:
        for i in range(self.question_list.count()):
            if self.question_list.item(i).data(Qt.ItemDataRole.UserRole) == question_id:
                self.question_list.setCurrentRow(i)
                return True
        bank = self.services.cached_bank
        if bank is not None and (q := bank.get(question_id)) is not None:
            self.search.clear()
            self.due_check.setChecked(False)
            self.topic_box.setCurrentIndex(0)
            self.difficulty_box.setCurrentIndex(0)
            self._show_question(q)
            return True
        return False

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_question_list_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is None or self.recorder.recording:
            return
        bank = self.services.cached_bank
        question = bank.get(current.data(Qt.ItemDataRole.UserRole)) if bank else None
        if question is not None and question is not self.question:
            self._show_question(question)

    def _show_question(self, question: Question) -> None:
        self.session.select(question)
        self.follow_up_box.hide()
        self.title.setText(question.question)
        self.meta.setText(
            f"{question.topic} · {question.difficulty} · aim for "
            f"{render.format_target(question.target_seconds)} · "
            f"{len(question.key_points)} key points"
        )
        self._show_star_hints(question)
        self.time_bar.set_target(question.target_seconds)
        self.feedback.clear()
        self.feedback.hide()
        self.record_box.hide()
        self.typed.clear()
        self.status.setText("")
        self.hint.show()
        self._refresh_attempts()
        self._update_buttons()
        self.question_changed.emit(question.id)

    def _show_star_hints(self, question: Question) -> None:
        story = question.wants_story
        self.star_button.setVisible(story)
        if not story:
            self.star_hints.hide()
            return
        if question.star is not None:
            hints = {name: getattr(question.star, name) for name in STAR_PARTS}
        else:
            hints = dict(STAR_TIPS)
        self.star_hints.setText(
            "\n".join(f"{STAR_LABELS[name]}: {hints[name]}" for name in STAR_PARTS)
        )
        self.star_hints.setVisible(self.star_button.isChecked())

    @Slot(bool)
    def _on_star_button_toggled(self, shown: bool) -> None:
        self.star_button.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.star_hints.setVisible(shown and self.star_button.isVisible())

    # --- actions -----------------------------------------------------------------------------

    @Slot()
    def play_question(self) -> None:
        if self.question is None or self.recorder.recording:
            return
        text = self.question.question
        services = self.services

        def speak(progress: Any, token: Any) -> None:
            services.speaker().say(text)

        self.status.setText("Reading the question aloud…")
        self.jobs.start(
            "tts",
            speak,
            on_success=lambda _r: self.status.setText(""),
            on_error=self._report,
        )

    @Slot()
    def listen_to_reference(self) -> None:
        """Read the model answer aloud (once feedback is shown); again to stop."""
        if self.feedback.isVisible() and not self.recorder.recording:
            self.feedback.toggle_listening()

    @Slot()
    def toggle_recording(self) -> None:
        if self.recorder.recording:
            self.stop_recording()
        else:
            self.start_recording()

    def start_recording(self) -> None:
        question = self.session.answer_question()
        if question is None or not self.session.can_answer() or self.type_button.isChecked():
            return
        self._stop_speaking()
        if self.follow_up_parent is None:
            self.feedback.hide()
            self.follow_up_box.hide()
        self.hint.hide()
        self.record_box.show()
        self.live_label.setText("Listening… (press Space to stop)")
        self.level.set_level(0.0)
        self.time_bar.set_elapsed(0.0)
        self.status.setText("")
        self.session.recording_started()
        self.recorder.start(question)
        self.action_started.emit()
        self.recording_changed.emit(True)
        self._update_buttons()

    def stop_recording(self) -> None:
        if not self.recorder.recording:
            return
        self.session.answer_ended()
        self.recorder.stop()
        self.status.setText("Scoring your answer…")
        self.recording_changed.emit(False)
        self._update_buttons()

    @Slot()
    def score_typed(self) -> None:
        if not self.session.can_answer() or not self.typed_box.isVisible():
            return
        text = self.typed.toPlainText().strip()
        if not text:
            self._report("The answer is empty. Type or paste your answer first, then score it.")
            return
        try:
            check_answer_text(text)
        except AnswerTooLong as exc:
            self._report(exc.user_message)
            return
        self.action_started.emit()
        self.session.answer_ended()
        self.recorder.stop_pressed_at = time.perf_counter()
        self.status.setText("Scoring your answer…")
        self._update_buttons()
        self._transcribed(Transcript.from_text(text), None)

    @Slot()
    def ask_follow_up(self) -> None:
        """F: read the follow-up on the shown answer's missed point aloud, then record (or, when
        typing, wait for the typed answer); it is scored against that point only."""
        saved = self.shown_attempt
        follow_up = self.session.follow_up_requested() if not self.recorder.recording else None
        if follow_up is None or saved is None:
            return
        self.follow_up_box.setTitle(f"Follow-up on key point {follow_up.point}")
        self.follow_up_question.setText(follow_up.question)
        self.follow_up_result.setText("")
        self.follow_up_box.show()
        self._update_buttons()
        if self.type_button.isChecked():
            self.typed.clear()
            self.typed.setFocus()
            self.status.setText("Type your answer to the follow-up, then press Ctrl+Return.")
            return
        text = follow_up.question
        services = self.services
        self.status.setText("Follow-up: listen to the question…")
        self.jobs.start(
            "tts",
            lambda _p, _t: services.speaker().say(text),
            on_success=discard_result(partial(self._after_follow_up_read, saved)),
            on_error=partial(self._on_follow_up_read_failed, saved),
        )

    def _on_follow_up_read_failed(self, saved: SavedAttempt, message: str) -> None:
        self._report(message)
        self._after_follow_up_read(saved)

    def _after_follow_up_read(self, saved: SavedAttempt) -> None:
        if not self.session.follow_up_ready(saved, self.recorder.recording):
            return
        self.start_recording()
        self.status.setText("Follow-up: answer now, then press Space.")

    def _can_follow_up(self) -> bool:
        return self.session.can_follow_up(self.recorder.recording)

    @Slot()
    def retry(self) -> None:
        if self.recorder.recording or not self.session.retry():
            return
        self.follow_up_box.hide()
        self.feedback.hide()
        self.record_box.hide()
        self.typed.clear()
        self.hint.show()
        self.status.setText("Try again: earlier attempts stay listed below.")
        self._update_buttons()

    @Slot()
    def next_question(self) -> None:
        if self.recorder.recording or self.session.busy:
            return
        count = self.question_list.count()
        if not count:
            return
        row = (self.question_list.currentRow() + 1) % count
        self.question_list.setCurrentRow(row)

    @Slot(bool)
    def set_text_only(self, on: bool) -> None:
        if self.type_button.isChecked() != on:
            self.type_button.setChecked(on)
            return
        self.typed_box.setVisible(on)
        if on:
            self.typed.setFocus()
        elif self.isVisible():
            self.focus_default()
        self._update_buttons()

    def focus_default(self) -> None:
        """Put the keyboard focus where the user expects it: the typing box when typing,
        else the question list (P, Space, N and the arrows then work at once)."""
        if self.type_button.isChecked():
            self.typed.setFocus()
        else:
            self.question_list.setFocus()

    # --- recording results -------------------------------------------------------------------

    @Slot(float)
    def _on_recorder_level_changed(self, level: float) -> None:
        self.level.set_level(level)

    @Slot(str)
    def _on_recorder_partial_changed(self, text: str) -> None:
        self.live_label.setText(text or "Listening…")

    @Slot(float)
    def _on_recorder_elapsed_changed(self, seconds: float) -> None:
        self.time_bar.set_elapsed(seconds)

    @Slot(object)
    def _on_recorder_recorded(self, result: RecordingResult) -> None:
        self.last_timings = {"stop_to_transcript_s": result.stop_to_transcript_s}
        question = self.question
        if result.transcript is None and question is not None:
            services = self.services
            self.status.setText("Transcribing your answer…")

            def transcribe(progress: Any, token: Any) -> Transcript:
                return services.transcribe_file(question, result.path, progress)

            self.jobs.start(
                "transcribe",
                transcribe,
                on_success=partial(self._transcribed, audio_path=result.path),
                on_error=self._on_finish_failed,
            )
            return
        transcript = result.transcript or Transcript(text="")
        if result.transcript is not None:
            transcript = mark_live(transcript)
        if transcript.duration_s is None:
            transcript = replace(transcript, duration_s=result.duration_s)
        self._transcribed(transcript, result.path)

    def _transcribed(self, transcript: Transcript, audio_path: Path | None) -> None:
        self.session.transcribed(transcript, audio_path)
        if not self.session.busy:  # nothing was heard: the session said so
            self.status.setText("")
        self._update_buttons()

    @Slot(str)
    def _on_recorder_failed(self, message: str) -> None:
        self.record_box.hide()
        self.status.setText("")
        self.recording_changed.emit(False)
        self.session.recording_failed(message)
        self._update_buttons()

    @Slot(str)
    def _on_finish_failed(self, message: str) -> None:
        if self.follow_up_parent is not None:
            self.follow_up_box.hide()
        self.status.setText("")
        self.record_box.hide()
        self.session.answer_failed(message)
        self._update_buttons()

    # --- PracticeHost: the work the session starts ---------------------------------------------

    def score(self, question: Question, transcript: Transcript, audio_path: Path | None) -> None:
        services = self.services

        def score(progress: Any, token: Any) -> SavedAttempt:
            return services.score_attempt(question, transcript, audio_path=audio_path)

        self.jobs.start("score", score, on_success=self._on_scored, on_error=self._on_finish_failed)

    def score_follow_up(
        self, parent: SavedAttempt, transcript: Transcript, audio_path: Path | None
    ) -> None:
        services = self.services

        def score_follow_up(progress: Any, token: Any) -> SavedFollowUp:
            return services.finish_follow_up(parent, transcript, audio_path=audio_path)

        self.jobs.start(
            "score-follow-up",
            score_follow_up,
            on_success=partial(self._on_follow_up_scored, parent),
            on_error=self._on_finish_failed,
        )

    def save(self, scored: SavedAttempt) -> None:
        services = self.services

        def save(progress: Any, token: Any) -> SavedAttempt:
            return services.save_attempt(scored)

        self.jobs.start(
            "save",
            save,
            on_success=partial(self._on_saved, scored),
            on_error=self._on_save_failed,
        )

    def show_feedback(self, saved: SavedAttempt) -> None:
        self._show_saved(saved)
        self.feedback.show()
        self.hint.hide()
        self._refresh_attempts(select_last=True)
        # In a short window the card lands below the fold: bring it up once laid out.
        QTimer.singleShot(0, self._scroll_to_card)
        self.feedback_shown.emit(saved)

    @Slot()
    def _scroll_to_card(self) -> None:
        card = self.feedback.card
        content = self.scroll_area.widget()
        if not card.isVisible() or content is None:
            return
        top = card.mapTo(content, QPoint(0, 0)).y()
        viewport = self.scroll_area.viewport().height()
        bar = self.scroll_area.verticalScrollBar()
        if not bar.value() <= top <= bar.value() + viewport - min(card.height(), viewport):
            bar.setValue(max(0, top - 8))

    def show_follow_up_result(self, parent: SavedAttempt) -> None:
        self._show_follow_up(parent)

    def stored(self, saved: SavedAttempt) -> None:
        self.attempt_saved.emit(saved)

    def report(self, message: str) -> None:
        self._report(message)

    def refine(self, saved: SavedAttempt) -> None:
        if not self.services.refine:
            return
        services = self.services

        def refine(_progress: Any, token: Any) -> SavedAttempt | None:
            return services.refine_attempt(saved, stop_when_cancelled(token))

        job = self.jobs.start(
            "refine",
            refine,
            on_success=partial(self._on_refined, saved),
            on_error=self._on_refine_failed,
        )
        job.signals.cancelled.connect(lambda: self.answer_refined.emit(None))
        self._refine_job = job

    def cancel_refine(self) -> None:
        job, self._refine_job = self._refine_job, None
        if job is not None:
            job.token.cancel()

    def show_refined(self, saved: SavedAttempt) -> None:
        """Redraw the shown answer's feedback where the user is: no scroll jumps."""
        bars = [
            (area.verticalScrollBar(), area.verticalScrollBar().value())
            for area in self.findChildren(QAbstractScrollArea)
        ]
        row = self.feedback.points.currentRow()
        self._show_saved(saved)
        self._refresh_attempts(keep=saved)
        if 0 <= row < self.feedback.points.count():
            self.feedback.points.setCurrentRow(row)
        for bar, value in bars:
            bar.setValue(value)
        before = saved.refined_from
        if before is not None and not self.recorder.recording:
            change = coverage_change(before.coverage, saved.feedback.coverage)
            self.status.setText(f"Transcript refined by a second, more careful pass: {change}.")

    def shutdown(self) -> None:
        """The window closes: a refinement under way is not waited for (the answer keeps its
        first transcript, already stored)."""
        self.cancel_refine()

    # --- job results ---------------------------------------------------------------------------

    @Slot(object)
    def _on_scored(self, scored: SavedAttempt) -> None:
        """Feedback first; then the answer is stored on a worker while the user reads it."""
        self.record_box.hide()
        self.status.setText(SAVING)
        if self.recorder.stop_pressed_at is not None:
            self.last_stop_to_feedback_s = time.perf_counter() - self.recorder.stop_pressed_at
        self.last_timings.update(scored.timings)
        self.session.scored(scored)
        self._update_buttons()

    def _on_saved(self, scored: SavedAttempt, saved: SavedAttempt) -> None:
        if self.status.text() == SAVING:
            self.status.setText("")
        self.last_timings.update(saved.timings)
        self.session.saved(scored, saved)
        self._update_buttons()

    def _on_refined(self, saved: SavedAttempt, refined: SavedAttempt | None) -> None:
        now = self.session.refined(saved, refined)
        if now is not None and now is not self.session.shown:
            self._refresh_attempts(keep=self.session.shown)  # its coverage in the list
        self.answer_refined.emit(now)

    @Slot(str)
    def _on_refine_failed(self, message: str) -> None:
        # The first transcript and feedback stand (stored already); nothing for the user to do.
        log.warning("refining the transcript failed: %s", message)
        self.answer_refined.emit(None)

    @Slot(str)
    def _on_save_failed(self, message: str) -> None:
        if self.status.text() == SAVING:
            self.status.setText("")
        self.session.save_failed(message)
        self._update_buttons()

    def _on_follow_up_scored(self, parent: SavedAttempt, answered: SavedFollowUp) -> None:
        self.record_box.hide()
        self.status.setText("")
        self.session.follow_up_scored(parent, answered)
        self._update_buttons()
        self.follow_up_shown.emit(answered)

    def _show_follow_up(self, saved: SavedAttempt) -> None:
        answered = saved.follow_up
        if answered is None:
            self.follow_up_box.hide()
            return
        result = answered.result
        status = render.STATUS_LABEL.get(result.status, result.status)
        lines = [f"{result.text} — {status}"]
        if result.evidence:
            lines.append(f"You said: “{result.evidence}”")
        elif not answered.transcript.text.strip():
            lines.append("Nothing was heard.")
        self.follow_up_box.setTitle(f"Follow-up on key point {answered.point}")
        self.follow_up_question.setText(answered.asked)
        self.follow_up_result.setText("\n".join(lines))
        self.follow_up_box.show()

    def _refresh_attempts(
        self, *, select_last: bool = False, keep: SavedAttempt | None = None
    ) -> None:
        """Rewrite the attempt list; select the last attempt, or ``keep``'s row."""
        items = self.session.attempts_at_question()
        self.attempt_list.blockSignals(True)
        self.attempt_list.clear()
        for n, saved in enumerate(items, 1):
            duration = saved.feedback.timing.duration_s
            self.attempt_list.addItem(
                f"Attempt {n}: coverage {saved.feedback.coverage:.0%}, "
                f"{render.format_seconds(duration) if duration is not None else 'typed'}"
            )
        if select_last and items:
            self.attempt_list.setCurrentRow(len(items) - 1)
        elif keep is not None:
            index = next((i for i, item in enumerate(items) if item is keep), -1)
            if index >= 0:
                self.attempt_list.setCurrentRow(index)
        self.attempt_list.blockSignals(False)
        self.attempts_box.setVisible(bool(items))

    @Slot(int)
    def _on_attempt_list_current_row_changed(self, row: int) -> None:
        items = self.session.attempts_at_question()
        if 0 <= row < len(items):
            self._show_saved(items[row])
            self.feedback.show()
            self.hint.hide()

    def _show_saved(self, saved: SavedAttempt) -> None:
        self.session.shown = saved
        self.feedback.show_feedback(
            saved.question, saved.transcript, saved.feedback, previous=saved.previous_feedback
        )
        if self.follow_up_parent is None:
            self._show_follow_up(saved)
        self._update_buttons()

    @Slot()
    def _on_feedback_compare_requested(self) -> None:
        saved = self.shown_attempt
        if saved is not None and saved.attempt_id is not None and saved.previous_id is not None:
            self.compare_requested.emit(saved.attempt_id, saved.previous_id)

    # --- helpers -----------------------------------------------------------------------------

    def _stop_speaking(self) -> None:
        services = self.services

        self.jobs.start("tts-stop", lambda _p, _t: services.stop_speaking())

    def _report(self, message: str) -> None:
        self.error_occurred.emit(message)

    @Slot()
    def _update_buttons(self) -> None:
        has_q = self.question is not None
        recording = self.recorder.recording
        typing = self.type_button.isChecked()
        self.record_button.setText(Shortcut.RECORD.label("Stop" if recording else "Record"))
        busy = self.session.busy
        self.record_button.setEnabled(has_q and not typing and not busy)
        self.play_button.setEnabled(has_q and not recording)
        self.type_button.setEnabled(not recording)
        # Nothing to try again before this question has an answer on screen.
        self.retry_button.setEnabled(self.session.answered() and not recording and not busy)
        self.next_button.setEnabled(has_q and not recording and not busy)
        self.score_typed_button.setEnabled(has_q and not busy)
        self.follow_up_button.setEnabled(self._can_follow_up())

    @property
    def busy(self) -> bool:
        return self.session.busy or self.recorder.recording
