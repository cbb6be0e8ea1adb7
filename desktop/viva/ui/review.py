"""Review: every attempt with playback, a word-synchronised transcript, side-by-side comparison."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viva.app.services import SavedAttempt, Services
from viva.bank import Bank, Question
from viva.scoring.feedback import Feedback
from viva.storage.recovery import PendingRecording, pending_recordings
from viva.ui import dialogs, render
from viva.ui.flow import FlowLayout
from viva.ui.player import AudioPlayer
from viva.ui.shortcuts import Shortcut, bind
from viva.ui.widgets import FeedbackPanel, heading, plain_label
from viva.ui.workers import CancelToken, Job, JobRunner, stop_when_cancelled

log = logging.getLogger(__name__)

#: The attempt list's width while two attempts are compared, and the narrowest a compared
#: pane may be side by side before the list folds away and then the two stack.
LIST_WIDTH_COMPARING = 240
PANE_MIN_WIDTH = 290

AUDIO_FILTERS = "Audio (*.wav *.flac *.mp3 *.ogg *.m4a *.opus);;All files (*)"


class AttemptPane(QGroupBox):
    """One attempt: feedback, transcript whose current word follows playback, and controls."""

    compare_requested = Signal()

    def __init__(
        self, title: str, services: Services, jobs: JobRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, parent)
        self.services = services
        self.attempt: Any = None
        layout = QVBoxLayout(self)
        self.header = plain_label(name=f"{title}: attempt")
        layout.addWidget(self.header)
        self.controls = QWidget()
        controls = QHBoxLayout(self.controls)
        controls.setContentsMargins(0, 0, 0, 0)
        self.play_button = QPushButton(Shortcut.PLAY_PAUSE.label("Play"))
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle_play)
        controls.addWidget(self.play_button)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(f"{title}: playback position")
        self.slider.setRange(0, 0)
        self.slider.sliderMoved.connect(self._on_slider_moved)
        controls.addWidget(self.slider, 1)
        self.time_label = plain_label("0:00 / 0:00", name=f"{title}: time")
        controls.addWidget(self.time_label)
        layout.addWidget(self.controls)
        self.no_audio = plain_label(name=f"{title}: recording")
        self.no_audio.hide()
        layout.addWidget(self.no_audio)
        self.feedback = FeedbackPanel(links=True, jobs=jobs, scrolled=True)
        self.feedback.compare_requested.connect(self.compare_requested)
        self.feedback.set_voice(services)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.feedback)
        layout.addWidget(scroll, 1)
        self.player = AudioPlayer(
            jobs,
            sd_module=services.sd_module,
            device=services.settings.output_device,
            parent=self,
        )
        self.player.loaded.connect(self._on_player_loaded)
        self.player.position_changed.connect(self._on_player_position_changed)
        self.player.playing_changed.connect(self._on_player_playing_changed)
        self.feedback.transcript.word_clicked.connect(self.seek_word)
        self.feedback.hide()

    def show_attempt(self, attempt: Any, previous: Feedback | None = None) -> None:
        self.attempt = attempt
        question = _question_of(attempt)
        when = attempt.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        asked = attempt.question_text
        if getattr(attempt, "parent_id", None) is not None:
            asked = (
                f"Follow-up on key point {attempt.follow_up_point} of attempt "
                f"#{attempt.parent_id}: {asked}"
            )
        self.header.setText(f"{asked}\n{when} · attempt #{attempt.id}")
        self.feedback.show_feedback(
            question, attempt.transcript, attempt.feedback_object(), previous=previous
        )
        self.feedback.show()
        audio = attempt.audio_path if attempt.audio_path and attempt.audio_path.is_file() else None
        self.play_button.setEnabled(False)
        self.slider.setRange(0, 0)
        self.time_label.setText("0:00 / 0:00")
        self.controls.setVisible(audio is not None)
        self.no_audio.setVisible(audio is None)
        if audio is None:
            self.no_audio.setText(
                "Typed answer: there is no recording to play."
                if attempt.duration_s is None
                else "The recording of this answer was not kept, so it cannot be played."
            )
        self.player.load(audio)

    @Slot()
    def toggle_play(self) -> None:
        self.player.toggle()

    @Slot(int)
    def seek_word(self, index: int) -> None:
        tokens = self.feedback.transcript.tokens
        if 0 <= index < len(tokens) and tokens[index].start is not None:
            self.player.seek(float(tokens[index].start or 0.0) + 0.01)

    @Slot(float)
    def _on_player_loaded(self, duration: float) -> None:
        self.play_button.setEnabled(True)
        self.slider.setRange(0, int(duration * 1000))
        self._on_player_position_changed(0.0)

    @Slot(float)
    def _on_player_position_changed(self, seconds: float) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(int(seconds * 1000))
        self.time_label.setText(
            f"{render.format_seconds(seconds)} / {render.format_seconds(self.player.duration_s)}"
        )
        self.feedback.transcript.set_current(self.feedback.transcript.word_at_time(seconds))

    @Slot(bool)
    def _on_player_playing_changed(self, playing: bool) -> None:
        self.play_button.setText(Shortcut.PLAY_PAUSE.label("Pause" if playing else "Play"))

    @Slot(int)
    def _on_slider_moved(self, value: int) -> None:
        self.player.seek(value / 1000)


def _question_of(attempt: Any) -> Question:
    try:
        return attempt.question_model()
    except ValueError:  # pydantic's ValidationError: the snapshot no longer fits the schema
        return Question.model_construct(**attempt.question)


class ReviewView(QWidget):
    """Attempts list on the left, one or two attempts on the right."""

    error_occurred = Signal(str)
    #: A new review of a file began: the last one's error message is out of date.
    action_started = Signal()
    attempts_loaded = Signal(int)
    attempt_shown = Signal(int)
    file_reviewed = Signal(object)  # SavedAttempt

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: The id of the question open in Practice (set by the main window), offered first
        #: when a recording's question is asked for.
        self.current_question_id: Callable[[], str | None] | None = None
        self.services = services
        self.jobs = jobs
        self.summaries: list[Any] = []
        self.pending: list[PendingRecording] = []
        self._previous_id: int | None = None
        self._pending_compare: tuple[int, int] | None = None
        #: An attempt the next list load selects (Review opened on it from elsewhere).
        self._select_on_load: int | None = None
        self._wanted_a: int | None = None
        self._build()
        bind(Shortcut.PLAY_PAUSE, self, self.pane_a.toggle_play)
        bind(Shortcut.OPEN_AUDIO, self, self.review_file_dialog)

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)
        self.splitter = splitter
        #: The attempt list's width before a comparison narrowed it (restored after).
        self._list_width: int | None = None

        left = QWidget()
        l_layout = QVBoxLayout(left)
        l_layout.addWidget(heading("Your attempts", 2))
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Attempts")
        self.table.setHorizontalHeaderLabels(["Date", "Question", "Coverage", "Duration"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # Long questions wrap onto a second line: elided, attempts at "What is the difference
        # between ..." questions could not be told apart below full-HD widths.
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.currentCellChanged.connect(self._on_table_current_cell_changed)
        l_layout.addWidget(self.table, 1)
        # Wraps, so the list can narrow to one button's width while attempts are compared.
        buttons = FlowLayout()
        self.open_button = QPushButton(Shortcut.OPEN_AUDIO.label("Review a recorded answer…"))
        self.open_button.setToolTip("Score an audio file recorded elsewhere against a question")
        self.open_button.clicked.connect(self.review_file_dialog)
        # As wide as its longest label, so "Transcribing… 40%" does not shift the pane.
        metrics = self.open_button.fontMetrics()
        self.open_button.setMinimumWidth(
            max(
                metrics.horizontalAdvance(t)
                for t in (self.open_button.text(), "Transcribing… 100%")
            )
            + 32
        )
        buttons.addWidget(self.open_button)
        self.cancel_button = QPushButton("&Cancel review")
        self.cancel_button.setToolTip("Stop transcribing the file; nothing is stored")
        self.cancel_button.clicked.connect(self.cancel_review)
        self.cancel_button.hide()
        buttons.addWidget(self.cancel_button)
        self._review_job: Job | None = None
        self.refresh_button = QPushButton("Re&fresh")
        self.refresh_button.clicked.connect(self.refresh)
        buttons.addWidget(self.refresh_button)
        l_layout.addLayout(buttons)
        self.pending_box = QGroupBox("Recordings not scored yet")
        p_layout = QHBoxLayout(self.pending_box)
        self.pending_combo = QComboBox()
        self.pending_combo.setAccessibleName("Recordings not scored yet")
        p_layout.addWidget(self.pending_combo, 1)
        self.score_pending_button = QPushButton("&Score…")
        self.score_pending_button.clicked.connect(self.score_pending_dialog)
        p_layout.addWidget(self.score_pending_button)
        self.pending_box.hide()
        l_layout.addWidget(self.pending_box)
        splitter.addWidget(left)

        right = QWidget()
        r_layout = QVBoxLayout(right)
        compare_row = QHBoxLayout()
        compare_row.addWidget(plain_label("Compare with:"))
        self.compare_combo = QComboBox()
        self.compare_combo.setAccessibleName("Compare with another attempt of this question")
        self.compare_combo.currentIndexChanged.connect(self._on_compare_combo_current_changed)
        compare_row.addWidget(self.compare_combo, 1)
        r_layout.addLayout(compare_row)
        panes = QSplitter(Qt.Orientation.Horizontal)
        self.panes = panes
        self.pane_a = AttemptPane("This attempt", self.services, self.jobs)
        self.pane_b = AttemptPane("Compared attempt", self.services, self.jobs)
        self.pane_b.hide()
        # The compared attempt is the one compared with: its card offers no comparison.
        self.pane_b.feedback.card.set_compare_link(False)
        self.pane_a.compare_requested.connect(self._on_pane_a_compare_requested)
        for pane in (self.pane_a, self.pane_b):
            pane.player.failed.connect(self.error_occurred)
            pane.feedback.error_occurred.connect(self.error_occurred)
            panes.addWidget(pane)
        r_layout.addWidget(panes, 1)
        self.empty_label = plain_label(
            "No attempts yet. Answer a question in Practice, or review a recorded answer "
            "from a file (Ctrl+O)."
        )
        r_layout.addWidget(self.empty_label)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([380, 900])
        splitter.splitterMoved.connect(lambda *_: self._arrange_panes(narrow_list=False))

    # --- data --------------------------------------------------------------------------------

    def activated(self) -> None:
        self.refresh()

    def set_bank(self, _bank: Bank) -> None:
        """The bank changed; attempts keep their own question snapshot, nothing to do."""

    def select_on_load(self, attempt_id: int) -> None:
        """The next list load selects (and opens) ``attempt_id`` instead of the latest."""
        self._select_on_load = attempt_id

    @property
    def wants_selection(self) -> bool:
        return self._select_on_load is not None

    @Slot()
    def refresh(self, select_id: int | None = None) -> None:
        if select_id is None:
            select_id, self._select_on_load = self._select_on_load, None
        services = self.services

        def load(_p: Any, _t: Any) -> tuple[list[Any], list[PendingRecording]]:
            store = services.open_store()
            try:
                answers = store.list_attempts(limit=2000)
                follow_ups = store.follow_ups_of([a.id for a in answers])
            finally:
                store.close()
            # Each answer's follow-ups are listed right under it.
            summaries = [s for a in answers for s in (a, *follow_ups.get(a.id, []))]
            bank = self.services.cached_bank
            known = [q.id for q in bank] if bank is not None else []
            return summaries, pending_recordings(known_ids=known)

        self.jobs.start(
            "review-list",
            load,
            on_success=partial(self._on_loaded, select_id=select_id),
            on_error=self.error_occurred.emit,
        )

    def _on_loaded(
        self, result: tuple[list[Any], list[PendingRecording]], select_id: int | None
    ) -> None:
        self.summaries, self.pending = result
        if select_id is None and self._pending_compare is not None:
            select_id = self._pending_compare[0]
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.summaries))
        select_row = 0
        this_year = datetime.now().astimezone().year
        for row, summary in enumerate(self.summaries):
            asked = summary.question_text
            if summary.parent_id is not None:
                asked = f"    ↳ Follow-up: {asked}"
            when = summary.started_at.astimezone()
            # A short date leaves the Question column room to tell the attempts apart (with
            # "2026-12-07 18:14" they all read "What is a model …").
            cells = [
                when.strftime("%d %b %H:%M" if when.year == this_year else "%d %b %Y"),
                asked,
                f"{summary.coverage:.0%}" if summary.coverage is not None else "–",
                render.format_seconds(summary.duration_s),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, summary.id)
                item.setToolTip(summary.question_text)
                self.table.setItem(row, col, item)
            if summary.id == select_id:
                select_row = row
        self.table.blockSignals(False)
        self.empty_label.setVisible(not self.summaries)
        self.pending_combo.clear()
        bank = self.services.cached_bank
        for rec in self.pending:
            label = rec.path.name
            question = bank.get(rec.question_id) if bank is not None and rec.question_id else None
            if question is not None:
                label = f"{rec.path.name} - {question.question}"
            self.pending_combo.addItem(label, rec)
        self.pending_box.setVisible(bool(self.pending))
        self.attempts_loaded.emit(len(self.summaries))
        if self.summaries:
            self.table.setCurrentCell(select_row, 1)
            self._on_table_current_cell_changed(select_row, 1, -1, -1)

    @Slot(int, int, int, int)
    def _on_table_current_cell_changed(self, row: int, _c: int, _pr: int, _pc: int) -> None:
        if 0 <= row < len(self.summaries):
            attempt_id = self.summaries[row].id
            pending = self._pending_compare
            if pending is not None and pending[0] != attempt_id:
                self._pending_compare = pending = None
            self.open_attempt(attempt_id, compare_with=pending[1] if pending else None)

    def open_attempt(
        self, attempt_id: int, *, pane: str = "a", compare_with: int | None = None
    ) -> None:
        """Show attempt ``attempt_id`` (in pane ``a`` or ``b``); ``compare_with`` also opens that
        attempt beside it."""
        services = self.services
        if pane == "a":
            self._wanted_a = attempt_id  # a slower, older load must not replace this one

        def load(_p: Any, _t: Any) -> tuple[Any, list[Any], Feedback | None]:
            store = services.open_store()
            try:
                attempt = store.get_attempt(attempt_id)
                others: list[Any] = []
                previous = None
                if attempt.parent_id is None:  # a follow-up is not compared with answers
                    others = store.list_attempts(question_id=attempt.question_id)
                    earlier = [
                        o for o in others if (o.started_at, o.id) < (attempt.started_at, attempt.id)
                    ]
                    if earlier:
                        previous = store.get_attempt(earlier[0].id).feedback_object()
            finally:
                store.close()
            return attempt, others, previous

        self.jobs.start(
            "review-attempt",
            load,
            on_success=partial(self._on_attempt_loaded, pane=pane, compare_with=compare_with),
            on_error=self.error_occurred.emit,
        )

    def compare(self, attempt_id: int, other_id: int) -> None:
        """Open ``attempt_id`` with ``other_id`` beside it (Compare). Kept until the user picks
        another attempt, so the list loading meanwhile does not undo it."""
        self._pending_compare = (attempt_id, other_id)
        self.open_attempt(attempt_id, compare_with=other_id)

    def _on_attempt_loaded(
        self, result: tuple[Any, list[Any], Feedback | None], pane: str, compare_with: int | None
    ) -> None:
        attempt, others, previous = result
        if pane == "b":
            if self.compare_combo.currentData() != attempt.id:
                return  # the comparison changed while this attempt was loading
            self.pane_b.show_attempt(attempt, previous)
            self._set_comparing(True)
            return
        if attempt.id != self._wanted_a:
            return  # another attempt was asked for while this one was loading
        self.pane_a.show_attempt(attempt, previous)
        self._set_comparing(False)
        self.compare_combo.blockSignals(True)
        self.compare_combo.clear()
        self.compare_combo.addItem("(no comparison)", None)
        for other in others:
            if other.id == attempt.id:
                continue
            when = other.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
            coverage = f"{other.coverage:.0%}" if other.coverage is not None else "–"
            self.compare_combo.addItem(f"{when} · coverage {coverage}", other.id)
        self.compare_combo.setEnabled(self.compare_combo.count() > 1)
        self.compare_combo.blockSignals(False)
        earlier = [o for o in others if (o.started_at, o.id) < (attempt.started_at, attempt.id)]
        self._previous_id = earlier[0].id if earlier else None
        self.attempt_shown.emit(attempt.id)
        if compare_with is not None:
            index = self.compare_combo.findData(compare_with)
            if index > 0:
                self.compare_combo.setCurrentIndex(index)

    @Slot()
    def _on_pane_a_compare_requested(self) -> None:
        if self._previous_id is not None:
            index = self.compare_combo.findData(self._previous_id)
            if index > 0:
                self.compare_combo.setCurrentIndex(index)

    @Slot(int)
    def _on_compare_combo_current_changed(self, _index: int) -> None:
        other = self.compare_combo.currentData()
        if other is None:
            self._set_comparing(False)
        else:
            self.open_attempt(int(other), pane="b")

    def _set_comparing(self, on: bool) -> None:
        """Show or hide the compared attempt. While comparing, the attempt list narrows or
        folds away so that each pane keeps a readable width, and the panes stack when even
        that is not enough (a window of 800x600 left about 100 px a pane side by side)."""
        if not on:
            self.pane_b.player.stop()
        self.pane_b.setVisible(on)
        self.pane_a.feedback.card.set_compare_link(not on)
        if not on and self._list_width is not None:
            sizes = self.splitter.sizes()
            self.splitter.setSizes([self._list_width, max(0, sum(sizes) - self._list_width)])
            self._list_width = None
        self._arrange_panes()

    def _arrange_panes(self, *, narrow_list: bool = True) -> None:
        """Lay the panes out for the width there is (``narrow_list``: the attempt list may
        give up width to a comparison; not when the user has just dragged it)."""
        comparing = self.pane_b.isVisibleTo(self)
        left, right = self.splitter.sizes()
        total = left + right
        if comparing and narrow_list and left > 0 and right < 2 * PANE_MIN_WIDTH:
            if self._list_width is None:
                self._list_width = left
            # Narrow the list; fold it away (its handle stays) when even that leaves the panes
            # too narrow, as in 800x600, where a narrowed list was one unreadable column.
            fits = total - LIST_WIDTH_COMPARING >= 2 * PANE_MIN_WIDTH
            width = LIST_WIDTH_COMPARING if fits else 0
            self.splitter.setSizes([width, total - width])
        side_by_side = not comparing or self.panes.width() >= 2 * PANE_MIN_WIDTH
        wanted = Qt.Orientation.Horizontal if side_by_side else Qt.Orientation.Vertical
        if self.panes.orientation() != wanted:
            self.panes.setOrientation(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange_panes()

    # --- reviewing a file --------------------------------------------------------------------

    def _pick_question(self, default_id: str | None = None) -> Question | None:
        """Ask which question a recording answers; ``default_id`` (else the question open in
        Practice) is selected to start with."""
        bank = self.services.cached_bank
        if bank is None or not len(bank):
            self.error_occurred.emit("The question bank is not loaded yet; try again shortly.")
            return None
        current = default_id or (self.current_question_id() if self.current_question_id else None)
        return dialogs.pick_question(self, list(bank), current)

    def reviewing(self) -> bool:
        """A file is being transcribed and scored (its button is disabled meanwhile)."""
        return not self.open_button.isEnabled()

    @Slot()
    def review_file_dialog(self) -> None:
        if self.reviewing():
            # Ctrl+O while a review runs: the button it stands for is disabled. A second
            # review replaced the first one's job, whose attempt then showed up only later.
            return
        path = dialogs.open_file(self, "Review a recorded answer", AUDIO_FILTERS)
        if not path:
            return
        from viva.speech.audio import check_audio_file
        from viva.speech.errors import AudioUnreadable

        try:
            check_audio_file(path)  # before asking which question an unreadable file answers
        except AudioUnreadable as exc:
            self.action_started.emit()
            self.error_occurred.emit(exc.user_message)
            return
        question = self._pick_question()
        if question is not None:
            self.review_file(Path(path), question)

    @Slot()
    def score_pending_dialog(self) -> None:
        rec = self.pending_combo.currentData()
        if not isinstance(rec, PendingRecording) or self.reviewing():
            return
        # A recording made by Viva carries the question it answered (sidecar or name).
        question = self._pick_question(default_id=rec.question_id)
        if question is not None:
            self.review_file(rec.path, question)

    def review_file(self, path: Path, question: Question) -> None:
        """Transcribe and score an audio file for ``question``; the attempt is stored."""
        services = self.services
        self.open_button.setEnabled(False)
        self.open_button.setText("Transcribing…")
        self.action_started.emit()

        def work(progress: Any, token: CancelToken) -> SavedAttempt:
            check = stop_when_cancelled(token)

            def step(fraction: float) -> None:
                check(fraction)  # Cancel review: stop at the next chunk
                progress(fraction)

            transcript = services.transcribe_file(question, path, step)
            check(1.0)  # cancelled during the last chunk: nothing is stored
            if not transcript.text.strip():
                raise ValueError("empty")
            return services.finish_answer(question, transcript, audio_path=path)

        def failed(message: str) -> None:
            self._reset_open_button()
            if "ValueError: empty" in message:
                message = (
                    f"No speech was recognised in {path.name}. Check it is the right file and "
                    "that it is not silent."
                )
            self.error_occurred.emit(message)

        job = self.jobs.start(
            "review-file",
            work,
            on_success=self._on_file_reviewed,
            on_error=failed,
            on_progress=lambda f: self.open_button.setText(f"Transcribing… {f:.0%}"),
        )
        job.signals.cancelled.connect(self._reset_open_button)
        self._review_job = job
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()

    @Slot()
    def cancel_review(self) -> None:
        """Stop the file review under way at its next chunk (nothing is stored)."""
        if self._review_job is not None:
            self._review_job.token.cancel()
            self.cancel_button.setEnabled(False)
            self.open_button.setText("Cancelling…")

    def _on_file_reviewed(self, saved: SavedAttempt) -> None:
        self._reset_open_button()
        self.file_reviewed.emit(saved)
        if saved.save_note:
            self.error_occurred.emit(saved.save_note)
        self.refresh(select_id=saved.attempt_id)

    def _reset_open_button(self) -> None:
        self._review_job = None
        self.cancel_button.hide()
        self.open_button.setEnabled(True)
        self.open_button.setText(Shortcut.OPEN_AUDIO.label("Review a recorded answer…"))

    def shutdown(self) -> None:
        self.pane_a.player.stop()
        self.pane_b.player.stop()
