"""The main window: a sidebar of views, a non-modal banner and background start-up work."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QRect, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QGuiApplication,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viva.app.services import SavedAttempt, Services
from viva.bank import Bank
from viva.storage import paths
from viva.ui import dialogs
from viva.ui.banner import Banner
from viva.ui.practice import PracticeView
from viva.ui.shortcuts import Shortcut, bind, help_rows
from viva.ui.workers import JobRunner

log = logging.getLogger(__name__)

#: Side-list icons: Qt's standard icons, drawn by the style at the screen's scale.
VIEW_ICONS = {
    "practice": QStyle.StandardPixmap.SP_MediaPlay,
    "mock": QStyle.StandardPixmap.SP_MessageBoxQuestion,
    "review": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "progress": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "bank": QStyle.StandardPixmap.SP_FileDialogListView,
    "settings": QStyle.StandardPixmap.SP_FileDialogInfoView,
}

#: The banner topic of the first-start hint to test the microphone.
MIC_CHECK = "mic-check"

VIEWS: tuple[tuple[str, str, Shortcut], ...] = (
    ("practice", "Practice", Shortcut.VIEW_PRACTICE),
    ("mock", "Mock interview", Shortcut.VIEW_MOCK),
    ("review", "Review", Shortcut.VIEW_REVIEW),
    ("progress", "Progress", Shortcut.VIEW_PROGRESS),
    ("bank", "Bank editor", Shortcut.VIEW_BANK),
    ("settings", "Settings", Shortcut.VIEW_SETTINGS),
)


class ShortcutsDialog(QDialog):
    """The help overlay (? or F1): every keyboard shortcut in a table; Esc closes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = help_rows()
        self.table = QTableWidget(len(rows), 2)
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (keys, description) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(keys))
            self.table.setItem(row, 1, QTableWidgetItem(description))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.about_button = buttons.addButton(
            "&About Viva and licences", QDialogButtonBox.ButtonRole.HelpRole
        )
        self.about_button.setToolTip("Version, licence and every third-party licence")
        self.about_button.clicked.connect(self.show_about)
        layout.addWidget(buttons)
        self.about_dialog: QDialog | None = None
        self.resize(460, 420)

    @Slot()
    def show_about(self) -> None:
        from viva.ui.about import AboutDialog

        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self)
        self.about_dialog.show()
        self.about_dialog.raise_()


def window_settings() -> QSettings:
    """Window geometry only (everything else lives in viva.settings), below the config dir."""
    return QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)


#: Sidebar icons drawn in one dark colour by the Fusion style (the play triangle): tinted with
#: the palette's text colour, or they all but vanish on the dark theme's sidebar.
MONOCHROME_ICONS = {"practice"}


def tinted(icon: QIcon, colour: QColor, size: QSize) -> QIcon:
    """``icon``'s shape filled with ``colour``."""
    source = icon.pixmap(size)
    out = QPixmap(source.size())
    out.setDevicePixelRatio(source.devicePixelRatio())
    out.fill(Qt.GlobalColor.transparent)
    painter = QPainter(out)
    painter.drawPixmap(0, 0, source)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    painter.fillRect(out.rect(), colour)
    painter.end()
    return QIcon(out)


class MainWindow(QMainWindow):
    """Assembles the views. ``bank_loaded``/``model_loaded`` let tests and the smoke test wait."""

    bank_loaded = Signal(object)
    model_loaded = Signal(str)
    due_loaded = Signal(object)

    def __init__(self, services: Services, *, background: bool = True) -> None:
        super().__init__()
        self.services = services
        self.jobs = JobRunner(self)
        # Qt appends the application display name: "Interview practice — Viva".
        self.setWindowTitle("Interview practice")
        self.setObjectName("viva-main-window")
        self.model_where: str | None = None
        self.model_load_s: float | None = None
        self.model_error: str | None = None
        self._close_pending = False
        self._waiting_to_close = False
        self._closing_done = False
        self._views: dict[str, QWidget] = {}
        self._focused_once = False
        self._practise_when_loaded: str | None = None
        self._warmed_for: Bank | None = None  # the bank the scorer was last warmed up on
        self._shown_once = False
        self._build()
        self._bind_shortcuts()
        self._restore_state()
        if background:
            QTimer.singleShot(0, self.start_background_work)

    # --- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(6, 6, 6, 6)
        self.banner = Banner()
        outer.addWidget(self.banner)
        row = QHBoxLayout()
        outer.addLayout(row, 1)
        self.sidebar = QListWidget()
        self.sidebar.setAccessibleName("Views")
        self.sidebar.setMaximumWidth(170)
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
        for _key, title, shortcut in VIEWS:
            item = QListWidgetItem(title)
            item.setToolTip(f"{shortcut.description} ({shortcut.keys})")
            self.sidebar.addItem(item)
        self._set_sidebar_icons()
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)
        row.addWidget(self.sidebar)
        self.stack = QStackedWidget()
        row.addWidget(self.stack, 1)
        self._placeholders: dict[str, QWidget] = {}
        for key, _title, _shortcut in VIEWS:
            placeholder = QWidget()
            self._placeholders[key] = placeholder
            self.stack.addWidget(placeholder)
        self.setCentralWidget(central)
        self.status_label = QLabel("Loading the speech model in the background…")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.status_label, 1)
        self.practice = PracticeView(self.services, self.jobs)
        self._install("practice", self.practice)
        self.practice.error_occurred.connect(partial(self.show_error, topic="practice"))
        # A new answer supersedes the view's last error ("The answer is empty…").
        self.practice.action_started.connect(partial(self.banner.clear, "practice"))
        self.practice.question_changed.connect(self._on_practice_question_changed)
        self.practice.compare_requested.connect(self.compare_attempts)
        self.practice.feedback_shown.connect(self._on_answer_heard)
        self.sidebar.setCurrentRow(0)

    def _install(self, key: str, view: QWidget) -> None:
        index = [k for k, _t, _s in VIEWS].index(key)
        old = self.stack.widget(index)
        self.stack.insertWidget(index, view)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self._views[key] = view

    def view(self, key: str) -> Any:
        """The view ``key`` (created on first use, so start-up stays fast)."""
        if key not in self._views:
            factory = self._factories()[key]
            view = factory()
            error = getattr(view, "error_occurred", None)
            if error is not None:
                error.connect(partial(self.show_error, topic=key))
            started = getattr(view, "action_started", None)
            if started is not None:
                # A new action of the view supersedes its last error message.
                started.connect(partial(self.banner.clear, key))
            self._install(key, view)
        return self._views[key]

    def _factories(self) -> dict[str, Callable[[], QWidget]]:
        def mock() -> QWidget:
            from viva.ui.mock import MockView

            view = MockView(self.services, self.jobs)
            # One recording at a time owns the processor: a second transcription pass in the
            # other view stops (its answer keeps the transcript it has).
            self.practice.recorder.started.connect(view.interview.stop_refining)
            view.recorder.started.connect(self.practice.cancel_refine)
            view.review_requested.connect(self.review_attempt)
            view.phase_changed.connect(self._on_mock_phase_changed)
            return view

        def review() -> QWidget:
            from viva.ui.review import ReviewView

            view = ReviewView(self.services, self.jobs)
            view.current_question_id = lambda: q.id if (q := self.practice.question) else None
            return view

        def progress() -> QWidget:
            from viva.ui.progress import ProgressView

            return ProgressView(self.services, self.jobs)

        def bank() -> QWidget:
            from viva.ui.bank_editor import BankEditorView

            view = BankEditorView(self.services, self.jobs)
            view.bank_changed.connect(self._on_bank_changed)
            view.question_saved.connect(self._on_question_saved)
            return view

        def settings() -> QWidget:
            from viva.ui.settings_dialog import SettingsView

            view = SettingsView(self.services, self.jobs)
            view.text_only_requested.connect(self.use_text_only)
            view.settings_saved.connect(self._on_settings_saved)
            return view

        return {
            "practice": lambda: self.practice,
            "mock": mock,
            "review": review,
            "progress": progress,
            "bank": bank,
            "settings": settings,
        }

    def show_view(self, key: str, *, focus: bool = False) -> Any:
        """Show view ``key``; ``focus`` moves the keyboard focus into it (shortcut, link)."""
        index = [k for k, _t, _s in VIEWS].index(key)
        view = self.view(key)
        self.sidebar.setCurrentRow(index)
        if focus:
            self.focus_view(view)
        return view

    def focus_view(self, view: QWidget | None = None) -> None:
        """Focus where the user expects it in ``view`` (default: the current one)."""
        view = view if view is not None else self.stack.currentWidget()
        focus_default = getattr(view, "focus_default", None)
        if callable(focus_default):
            focus_default()
        elif view is not None:
            view.setFocus(Qt.FocusReason.OtherFocusReason)
            view.focusNextChild()

    @Slot(int)
    def _on_sidebar_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = VIEWS[row][0]
        view = self.view(key)
        self.stack.setCurrentWidget(view)
        activated = getattr(view, "activated", None)
        if callable(activated):
            activated()

    def _bind_shortcuts(self) -> None:
        ctx = Qt.ShortcutContext.WindowShortcut
        for key, _title, shortcut in VIEWS:
            bind(shortcut, self, lambda key=key: self.show_view(key, focus=True), ctx)
        bind(Shortcut.HELP, self, self.show_shortcuts, ctx)
        bind(Shortcut.HELP_F1, self, self.show_shortcuts, ctx)
        bind(Shortcut.QUIT, self, self.close, ctx)
        self.help_dialog: ShortcutsDialog | None = None

    @Slot()
    def show_shortcuts(self) -> None:
        """The help overlay: every shortcut, from the one registry."""
        if self.help_dialog is None:
            self.help_dialog = ShortcutsDialog(self)
            self.help_dialog.finished.connect(lambda _r: self.focus_view())
        self.help_dialog.show()
        self.help_dialog.raise_()
        self.help_dialog.activateWindow()

    def _set_sidebar_icons(self) -> None:
        style = self.style()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for row, (key, _title, _shortcut) in enumerate(VIEWS):
            icon = style.standardIcon(VIEW_ICONS[key])
            if key in MONOCHROME_ICONS:
                icon = tinted(icon, text, self.sidebar.iconSize())
            self.sidebar.item(row).setIcon(icon)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._set_sidebar_icons()  # the theme changed
        super().changeEvent(event)

    # --- messages ----------------------------------------------------------------------------

    @Slot(str)
    def show_error(self, message: str, topic: str | None = None) -> None:
        self.banner.show_message(message, "error", topic=topic)

    def show_info(
        self,
        message: str,
        *,
        action: tuple[str, Callable[[], None]] | None = None,
        topic: str | None = None,
    ) -> None:
        self.banner.show_message(message, "info", action=action, topic=topic)

    def show_warning(
        self, message: str, *, action: tuple[str, Callable[[], None]] | None = None
    ) -> None:
        self.banner.show_message(message, "warning", action=action)

    # --- background start-up -----------------------------------------------------------------

    @Slot()
    def start_background_work(self) -> None:
        """Load the bank, the model and the schedule, and check the microphone: all on workers."""
        notice = self.services.settings.load_notice
        if notice:
            self.show_warning(notice)
        self.reload_bank()
        self.load_model()
        self.check_devices()
        self.check_store()

    def _warm_up(self) -> None:
        """Warm the voice and the scorer once the model and the bank are in.

        Started earlier, a third worker contends for the GIL with the model and bank loads and
        the first paint: the window then appeared ~1.2 s late in about one start in four
        (benchmarks/app_startup.py, cold start).
        """
        model_done = self.model_where is not None or self.model_error is not None
        bank = self.services.cached_bank
        if not model_done or bank is None or bank is self._warmed_for:
            return  # a model reloaded after Settings needs no new scorer warm-up
        if self._warmed_for is None:
            self.warm_up_voice()
        self._warmed_for = bank  # the scorer's corpus comes from the bank: again per bank
        services = self.services
        self.jobs.start("scorer-warm-up", lambda _p, _t: services.warm_up_scorer(), background=True)

    def warm_up_voice(self) -> None:
        """Start the natural voice's process now, so the first question is read at once."""
        speaker = self.services.speaker()
        warm_up = getattr(speaker, "warm_up", None)
        if callable(warm_up):
            self.jobs.start("voice-warm-up", lambda _p, _t: warm_up(), background=True)

    def prepare_speech(self, texts: list[str]) -> None:
        """Synthesise questions about to be asked, in the background (cached WAVs)."""
        prefetch = getattr(self.services.speaker(), "prefetch", None)
        if callable(prefetch) and texts:
            prefetch(texts)

    @Slot(str)
    def _on_practice_question_changed(self, question_id: str) -> None:
        bank = self.services.cached_bank
        question = bank.get(question_id) if bank is not None else None
        if question is not None:
            self.prepare_speech([question.question])

    @Slot(str)
    def _on_mock_phase_changed(self, _phase: str) -> None:
        view = self._views.get("mock")
        interview = getattr(view, "interview", None)
        if interview is not None:
            self.prepare_speech(interview.speech_ahead())

    def reload_bank(self) -> None:
        services = self.services
        self.jobs.start(
            "bank",
            lambda _p, _t: services.bank(reload=True),
            on_success=self._on_bank_ready,
            on_error=self.show_error,
        )

    @Slot(object)
    def _on_bank_ready(self, bank: Bank) -> None:
        self.practice.set_bank(bank)
        wanted, self._practise_when_loaded = self._practise_when_loaded, None
        if wanted is not None:
            self._select_saved_question(wanted)
        if self.stack.currentWidget() is self.practice and not self._focused_once:
            self._focused_once = True
            self.practice.focus_default()
        if bank.errors and not len(bank):
            self.show_error(
                f"The question bank could not be loaded ({bank.errors[0]}). Reinstall Viva or "
                "fix the file named there; run `viva bank validate` for the full list."
            )
        self.bank_loaded.emit(bank)
        self.refresh_due()
        self._warm_up()
        for key in ("mock", "review", "progress", "bank"):
            view = self._views.get(key)
            on_bank = getattr(view, "set_bank", None)
            if callable(on_bank):
                on_bank(bank)

    @Slot()
    def _on_bank_changed(self) -> None:
        self.reload_bank()

    @Slot(str, str)
    def _on_question_saved(self, question_id: str, title: str) -> None:
        """Own questions sort after the built-in ones; offer a way straight to the new one."""
        short = title if len(title) <= 60 else title[:59] + "…"
        self.show_info(
            f"Saved “{short}” to your bank.",
            action=("Practise it", lambda: self.practise_question(question_id)),
        )

    def practise_question(self, question_id: str) -> None:
        """Open Practice on ``question_id``; if the bank is still reloading, once it lands."""
        self.show_view("practice", focus=True)
        if self.practice.recorder.recording:
            self.show_info("Finish the answer being recorded first; your question is saved.")
            return
        if "bank" in self.jobs.active_names():
            self._practise_when_loaded = question_id  # selected in _on_bank_ready
        else:
            self._select_saved_question(question_id)

    def _select_saved_question(self, question_id: str) -> None:
        if not self.practice.select_question(question_id):
            self.show_warning(
                f"The question {question_id} was saved, but the bank did not load it; "
                "run `viva bank validate` to see why."
            )

    def load_model(self) -> None:
        services = self.services
        self.status_label.setText("Loading the speech model in the background…")
        self.jobs.start(
            "model",
            lambda _p, _t: services.load_model(),
            on_success=self._on_model_loaded,
            on_error=self._on_model_failed,
        )

    @Slot(object)
    def _on_model_loaded(self, result: tuple[str, float]) -> None:
        self.model_where, self.model_load_s = result
        self.model_error = None
        custom = self.services.settings.model_dir
        name = Path(custom).name if custom else "built-in tiny.en"
        self.status_label.setText(f"Speech model ready ({name})")
        self.status_label.setToolTip(str(self.model_where))
        self.banner.clear("model")  # a failure of an earlier model folder is resolved
        self.model_loaded.emit(self.model_where)
        self._warm_up()

    @Slot(str)
    def _on_model_failed(self, message: str) -> None:
        self.model_error = message
        self.status_label.setText("Speech recognition is unavailable; typed answers still work.")
        self.show_error(message, topic="model")
        self._warm_up()

    def refresh_due(self) -> None:
        services = self.services

        def due(_p: Any, _t: Any) -> set[str]:
            from viva.storage.schedule import due_questions

            bank = services.bank()
            store = services.open_store()
            try:
                return {d.question_id for d in due_questions(store, bank)}
            finally:
                store.close()

        self.jobs.start("due", due, on_success=self._on_due_ready, on_error=self.show_error)

    @Slot(object)
    def _on_due_ready(self, due: set[str]) -> None:
        self.practice.set_due(due)
        self.due_loaded.emit(due)

    def check_devices(self) -> None:
        settings = self.services.settings
        if settings.text_only:
            self.use_text_only()
            return
        sd_module = self.services.sd_module

        def inputs(_p: Any, _t: Any) -> int:
            from viva.speech.devices import list_devices

            return len(list_devices(sd_module).inputs)

        self.jobs.start("devices", inputs, on_success=self._on_devices_checked)

    @Slot(object)
    def _on_devices_checked(self, count: int) -> None:
        if count == 0:
            self.show_warning(
                "No microphone found. Connect one, then pick it in Settings. Meanwhile you can "
                "type or paste your answers and still get coverage feedback.",
                action=("Type answers", self.use_text_only),
            )
        elif not self.services.settings.mic_checked:
            self.show_info(
                "First time here? Check that your microphone works before your first answer.",
                action=("Test microphone", lambda: self.show_view("settings").test_microphone()),
                topic=MIC_CHECK,
            )

    @Slot(object)
    def _on_answer_heard(self, saved: SavedAttempt) -> None:
        """A spoken answer with words in it shows the microphone works: the first-start hint
        to test it has done its job and is not shown again."""
        settings = self.services.settings
        if settings.mic_checked or saved.audio_path is None or not saved.transcript.words:
            return
        settings.mic_checked = True
        self.jobs.save_settings(settings, "mic-checked-save", on_error=self.show_error)
        self.banner.clear(MIC_CHECK)

    @Slot(object)
    def _on_settings_saved(self, model_changed: object) -> None:
        if model_changed:
            self.load_model()

    @Slot()
    def use_text_only(self) -> None:
        self.practice.set_text_only(True)
        self.show_view("practice")

    def check_store(self) -> None:
        services = self.services

        def check(_p: Any, _t: Any) -> tuple[str | None, int]:
            store = services.open_store()
            try:
                notice = store.recovered.message if store.recovered else None
            finally:
                store.close()
            from viva.storage.recovery import pending_recordings

            return notice, len(pending_recordings())

        self.jobs.start("store", check, on_success=self._on_store_checked, on_error=self.show_error)

    @Slot(object)
    def _on_store_checked(self, result: tuple[str | None, int]) -> None:
        notice, pending = result
        if notice:
            self.show_warning(notice)
        elif pending:
            self.show_info(
                f"{pending} recorded answer{'s were' if pending != 1 else ' was'} not scored "
                "(Viva closed before saving). They are kept; score them from Review.",
                action=("Open Review", lambda: self.show_view("review")),
            )

    @Slot(int, int)
    def compare_attempts(self, attempt_id: int, other_id: int) -> None:
        """Review ``attempt_id`` side by side with ``other_id`` (the score card's link)."""
        view = self.show_view("review")
        view.compare(attempt_id, other_id)

    @Slot()
    def review_attempt(self, attempt_id: int) -> None:
        """Open Review on ``attempt_id`` (its row selected), not on the latest attempt."""
        view = self.view("review")
        view.select_on_load(attempt_id)
        self.show_view("review")  # activating Review reloads its list with that row selected
        if view.wants_selection:  # Review was already showing: nothing reloaded it
            view.refresh()

    # --- closing -----------------------------------------------------------------------------

    def busy_reason(self) -> str | None:
        for key in ("practice", "mock", "settings"):
            view = self._views.get(key)
            reason = getattr(view, "interrupt_reason", None)
            if callable(reason) and (text := reason()):
                return text
        return None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._closing_done:
            event.accept()
            return
        reason = self.busy_reason()
        if (
            reason
            and not self._close_pending
            and not dialogs.ask(
                self,
                "Quit Viva?",
                f"{reason}\n\nQuit anyway? What was recorded so far is saved first.",
                yes="Save and quit",
                no="Keep going",
            )
        ):
            event.ignore()
            return
        self._save_state()
        if not self._close_pending:
            self._close_pending = True
            for key in ("practice", "mock", "review", "settings", "bank"):
                view = self._views.get(key)
                shutdown = getattr(view, "shutdown", None)
                if callable(shutdown):
                    shutdown()
            self.practice.recorder.stop()
        if self.jobs.busy or self._recording_active():
            log.info("closing after running work finishes: %s", self.jobs.active_names())
            self.status_label.setText("Finishing background work before closing…")
            self.setEnabled(False)
            event.ignore()
            if not self._waiting_to_close:
                self._waiting_to_close = True
                self.jobs.idle.connect(self._try_close)
                self.practice.recorder.stopped.connect(self._try_close)
                from viva.ui.mock import MockView  # loaded already when the view exists

                mock = self._views.get("mock")
                if isinstance(mock, MockView):
                    mock.recorder.stopped.connect(self._try_close)
            return
        self._closing_done = True
        event.accept()

    def _recording_active(self) -> bool:
        if self.practice.recorder.recording:
            return True
        from viva.ui.mock import MockView  # loaded already when the view exists

        mock = self._views.get("mock")
        return isinstance(mock, MockView) and mock.recorder.recording

    @Slot()
    def _try_close(self) -> None:
        if self.jobs.busy or self._recording_active():
            return  # called again by the next idle/stopped signal
        self.close()

    def _save_state(self) -> None:
        qs = window_settings()
        qs.setValue("geometry", self.saveGeometry())
        qs.setValue("state", self.saveState())
        qs.setValue("view", self.sidebar.currentRow())
        qs.sync()

    def _restore_state(self) -> None:
        qs = window_settings()
        geometry = qs.value("geometry")
        restored = False
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            restored = self.restoreGeometry(geometry)
            if restored and not self._fits_screen():
                log.info("saved window geometry no longer fits the screen; reset")
                restored = False
        if not restored:
            self.fit_to_screen()
        state = qs.value("state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if not self._shown_once:
            # The frame (title bar, borders) is known only now: check the fit again.
            self._shown_once = True
            if not self._fits_screen():
                self.fit_to_screen()

    def _available(self) -> QRect | None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else None

    def _fits_screen(self) -> bool:
        available = self._available()
        if available is None:
            return True
        frame = self.frameGeometry()
        size_ok = frame.width() <= available.width() and frame.height() <= available.height()
        return size_ok and available.intersects(frame)

    def fit_to_screen(self) -> None:
        """The default size (1280×820), shrunk to the screen's free area and centred on it."""
        available = self._available()
        width, height = 1280, 820
        if available is not None:
            margin_w = self.frameGeometry().width() - self.geometry().width()
            margin_h = self.frameGeometry().height() - self.geometry().height()
            width = min(width, available.width() - max(0, margin_w))
            height = min(height, available.height() - max(0, margin_h))
        self.resize(max(width, self.minimumSizeHint().width()), height)
        if available is not None:
            frame = self.frameGeometry()
            frame.moveCenter(available.center())
            self.move(frame.topLeft())


def time_to_visible(started: float) -> float:
    return time.perf_counter() - started
