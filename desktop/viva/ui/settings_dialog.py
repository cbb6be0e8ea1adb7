"""Settings: devices with a microphone test, voice and rate with a preview, model, language,
fillers, theme and interview defaults. Saved to the typed settings file (viva.settings)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from viva.app.services import Services
from viva.settings import LANGUAGES, Settings
from viva.ui import dialogs
from viva.ui.widgets import AnswerRecorder, LevelMeter, heading, plain_label
from viva.ui.workers import JobRunner, RecordingResult

log = logging.getLogger(__name__)

MIC_TEST_SECONDS = 3.0
PREVIEW_TEXT = "This is how Viva will read your interview questions."


def _buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose ``&`` mnemonic focuses ``buddy`` (rows that hold a layout have no
    buddy of their own and would show the ``&`` literally)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


#: The voice box's first entry (settings.voice None): the natural voice, the system voice if
#: it cannot run. The voices themselves follow, natural first (viva.speech.speaker.voices()).
VOICE_DEFAULT = "Default (natural voice)"


def is_english_voice(voice_id: str, name: str, language: str = "") -> bool:
    """Whether a voice speaks English (``en``, ``en-us``, ``gmw/en-gb-x-rp``, "English ...")."""
    code = (language or voice_id.rsplit("/", 1)[-1]).lower()
    return code == "en" or code.startswith("en-") or name.lower().startswith("english")


class SettingsView(QWidget):
    error_occurred = Signal(str)
    text_only_requested = Signal()
    settings_saved = Signal(object)
    mic_tested = Signal(bool)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.recorder = AnswerRecorder(services, self)
        self.recorder.level_changed.connect(self._on_recorder_level_changed)
        self.recorder.recorded.connect(self._on_recorder_recorded)
        self.recorder.failed.connect(self._on_recorder_failed)
        self._peak = 0.0
        self._loading_values = False
        self.all_voices: list[tuple[str, ...]] = []
        self._build()
        self.load_values(services.settings)

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(heading("Settings", 1))

        audio = QGroupBox("Microphone and speaker")
        a_form = QFormLayout(audio)
        self.input_box = QComboBox()
        self.input_box.setAccessibleName("Microphone")
        a_form.addRow("&Microphone:", self.input_box)
        mic_row = QHBoxLayout()
        self.test_button = QPushButton("&Test microphone")
        self.test_button.setToolTip("Record 3 seconds and check the level")
        self.test_button.clicked.connect(self.test_microphone)
        mic_row.addWidget(self.test_button)
        self.level = LevelMeter()
        mic_row.addWidget(self.level, 1)
        a_form.addRow(mic_row)
        self.mic_result = plain_label(name="Microphone test result")
        a_form.addRow(self.mic_result)
        self.text_only_check = QCheckBox("Practise by &typing (no microphone)")
        self.text_only_check.setToolTip("Type or paste answers and still get coverage feedback")
        a_form.addRow(self.text_only_check)
        self.output_box = QComboBox()
        self.output_box.setAccessibleName("Speaker")
        a_form.addRow("&Speaker:", self.output_box)
        self.voice_box = QComboBox()
        self.voice_box.setAccessibleName("Voice")
        a_form.addRow("&Voice:", self.voice_box)
        self.all_voices_check = QCheckBox("Show voices in &every language")
        self.all_voices_check.setToolTip("By default only English voices are listed")
        self.all_voices_check.toggled.connect(self._on_all_voices_check_toggled)
        a_form.addRow(self.all_voices_check)
        rate_row = QHBoxLayout()
        self.rate_spin = QSpinBox()
        self.rate_spin.setRange(80, 400)
        self.rate_spin.setSuffix(" words/min")
        self.rate_spin.setAccessibleName("Speech rate")
        rate_row.addWidget(self.rate_spin)
        self.preview_button = QPushButton("&Preview voice")
        self.preview_button.clicked.connect(self.preview_voice)
        rate_row.addWidget(self.preview_button)
        rate_row.addStretch(1)
        a_form.addRow(_buddy_label("&Rate:", self.rate_spin), rate_row)
        layout.addWidget(audio)

        speech = QGroupBox("Speech recognition and feedback")
        s_form = QFormLayout(speech)
        model_row = QHBoxLayout()
        self.model_edit = QLineEdit()
        self.model_edit.setPlaceholderText("built-in model (tiny.en)")
        self.model_edit.setAccessibleName("Whisper model folder (empty: built-in)")
        model_row.addWidget(self.model_edit, 1)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._browse_model)
        model_row.addWidget(self.browse_button)
        self.builtin_button = QPushButton("B&uilt-in")
        self.builtin_button.setToolTip("Use the model shipped with Viva")
        self.builtin_button.clicked.connect(self.model_edit.clear)
        model_row.addWidget(self.builtin_button)
        s_form.addRow(_buddy_label("Whisper &model:", self.model_edit), model_row)
        # Checked as it is typed or picked (a few file lookups), so a folder that is not a
        # model is said at once, not after Save switched speech recognition off.
        self.model_note = QLabel()
        self.model_note.setWordWrap(True)
        self.model_note.setAccessibleName("Whisper model folder check")
        s_form.addRow("", self.model_note)
        self.model_edit.textChanged.connect(self._check_model_folder)
        self.language_box = QComboBox()
        self.language_box.setAccessibleName("Answer language")
        self.language_box.addItems(list(LANGUAGES))
        self.language_box.setEditable(True)
        s_form.addRow("Answer &language:", self.language_box)
        self.fillers_edit = QLineEdit()
        self.fillers_edit.setAccessibleName("Fillers to count, comma separated")
        s_form.addRow("&Fillers to count:", self.fillers_edit)
        self.refine_check = QCheckBox("&Transcribe answers again, more carefully")
        self.refine_check.setToolTip(
            "After the feedback on a spoken answer is shown, Viva transcribes the recording "
            "again with a slower, more accurate pass and updates the feedback if it heard "
            "different words (a few seconds of processor time per answer)"
        )
        s_form.addRow(self.refine_check)
        layout.addWidget(speech)

        look = QGroupBox("Appearance and interviews")
        l_form = QFormLayout(look)
        self.theme_box = QComboBox()
        self.theme_box.setAccessibleName("Theme")
        for value in ("system", "light", "dark"):
            self.theme_box.addItem(value.capitalize(), value)
        self.theme_box.setToolTip("Applies at once; Save keeps it")
        self.theme_box.currentIndexChanged.connect(self._on_theme_box_current_index_changed)
        l_form.addRow("T&heme:", self.theme_box)
        self.think_spin = QSpinBox()
        self.think_spin.setRange(0, 300)
        self.think_spin.setSuffix(" s")
        self.think_spin.setAccessibleName("Default thinking time")
        l_form.addRow("Thin&king time:", self.think_spin)
        self.limit_spin = QSpinBox()
        self.limit_spin.setRange(15, 900)
        self.limit_spin.setSuffix(" s")
        self.limit_spin.setAccessibleName("Default answer time limit")
        l_form.addRow("Answer time l&imit:", self.limit_spin)
        self.mock_spin = QSpinBox()
        self.mock_spin.setRange(1, 30)
        self.mock_spin.setAccessibleName("Questions per mock interview")
        l_form.addRow("Mock &questions:", self.mock_spin)
        self.follow_up_check = QCheckBox("&Ask a follow-up on missed points")
        self.follow_up_check.setToolTip(
            "In mock interviews, after an answer that missed or got a key point wrong, the "
            "interviewer asks one follow-up question about it"
        )
        l_form.addRow(self.follow_up_check)
        layout.addWidget(look)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Sa&ve settings")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        #: What the last Save did (there was no sign that it had worked).
        self.saved_note = QLabel()
        self.saved_note.setAccessibleName("Save result")
        buttons.addWidget(self.saved_note)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        outer.addWidget(scroll)

    def load_values(self, settings: Settings) -> None:
        self._loading_values = True
        self.text_only_check.setChecked(settings.text_only)
        self.rate_spin.setValue(settings.rate)
        self.model_edit.setText(settings.model_dir or "")
        self.language_box.setCurrentText(settings.language)
        self.fillers_edit.setText(", ".join(settings.fillers))
        self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(settings.theme)))
        self.think_spin.setValue(settings.thinking_seconds)
        self.limit_spin.setValue(settings.answer_limit_seconds)
        self.mock_spin.setValue(settings.mock_questions)
        self.follow_up_check.setChecked(settings.follow_ups)
        self.refine_check.setChecked(settings.refine_transcripts)
        for box, value in (
            (self.input_box, settings.input_device),
            (self.output_box, settings.output_device),
            (self.voice_box, settings.voice),
        ):
            box.clear()
            box.addItem(VOICE_DEFAULT if box is self.voice_box else "System default", None)
            if value:
                box.addItem(value, value)
                box.setCurrentIndex(1)
        self._loading_values = False

    def activated(self) -> None:
        sd_module = self.services.sd_module

        def devices(_p: Any, _t: Any) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
            from viva.speech.devices import list_devices
            from viva.speech.speaker import Speaker

            found = list_devices(sd_module)
            voices = [(v.id, v.name, *v.languages[:1]) for v in Speaker().voices()]
            return [d.name for d in found.inputs], [d.name for d in found.outputs], voices

        self.jobs.start(
            "settings-devices",
            devices,
            on_success=self._on_devices,
            on_error=self.error_occurred.emit,
        )

    def _on_devices(self, result: tuple[list[str], list[str], list[tuple[str, ...]]]) -> None:
        inputs, outputs, voices = result
        self.all_voices = voices
        settings = self.services.settings
        if not self.all_voices_check.isChecked():
            voices = [v for v in voices if is_english_voice(*v) or v[0] == settings.voice]
        for box, names, value in (
            (self.input_box, [(n, n) for n in inputs], settings.input_device),
            (self.output_box, [(n, n) for n in outputs], settings.output_device),
            (self.voice_box, [(v[0], v[1]) for v in voices], settings.voice),
        ):
            box.clear()
            box.addItem(VOICE_DEFAULT if box is self.voice_box else "System default", None)
            for data, label in names:
                box.addItem(label, data)
            index = box.findData(value) if value else 0
            if value and index < 0:
                box.addItem(f"{value} (not found)", value)
                index = box.count() - 1
            box.setCurrentIndex(max(0, index))
        if not inputs:
            self.mic_result.setText(
                "No microphone found. Connect one and reopen Settings, or tick “Practise by "
                "typing” to type your answers."
            )

    # --- microphone test and voice preview ---------------------------------------------------

    @Slot()
    def test_microphone(self) -> None:
        if self.recorder.recording:
            return
        self.services.settings.input_device = self.input_box.currentData()
        self._peak = 0.0
        self.mic_result.setText("Say something… (3 seconds)")
        self.test_button.setEnabled(False)
        self.recorder.start(None, live=False, limit_s=MIC_TEST_SECONDS)

    @Slot(float)
    def _on_recorder_level_changed(self, level: float) -> None:
        self._peak = max(self._peak, level)
        self.level.set_level(level)

    @Slot(object)
    def _on_recorder_recorded(self, result: RecordingResult) -> None:
        self.test_button.setEnabled(True)
        path = result.path
        self.jobs.start("mic-test-cleanup", lambda _p, _t: path.unlink(missing_ok=True))
        works = self._peak >= 0.02
        if works:
            self.mic_result.setText("Your microphone works. You are ready to practise.")
            self.services.settings.mic_checked = True
            self._save_settings(self.services.settings)
        else:
            self.mic_result.setText(
                "Nothing was heard. Check the microphone is connected and not muted, pick "
                "another one above, or practise by typing."
            )
        self.mic_tested.emit(works)

    @Slot(str)
    def _on_recorder_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.mic_result.setText(message + " Meanwhile you can practise by typing your answers.")
        self.mic_tested.emit(False)

    @Slot(bool)
    def _on_all_voices_check_toggled(self, on: bool) -> None:
        settings = self.services.settings
        current = self.voice_box.currentData()
        voices = [v for v in self.all_voices if on or is_english_voice(*v) or v[0] == current]
        self.voice_box.clear()
        self.voice_box.addItem(VOICE_DEFAULT, None)
        for voice in voices:
            self.voice_box.addItem(voice[1], voice[0])
        index = self.voice_box.findData(current or settings.voice)
        self.voice_box.setCurrentIndex(max(0, index))

    @Slot(int)
    def _on_theme_box_current_index_changed(self, _index: int) -> None:
        """Live preview: the theme applies as soon as it is picked (Save keeps it)."""
        if self._loading_values:
            return
        app = QApplication.instance()
        if isinstance(app, QApplication):
            from viva.ui.theme import apply_theme

            apply_theme(app, self.theme_box.currentData())

    @Slot()
    def preview_voice(self) -> None:
        from viva.speech.speaker import Speaker

        voice = self.voice_box.currentData()
        rate = self.rate_spin.value()
        device = self.output_box.currentData()
        self.preview_button.setEnabled(False)
        self.jobs.start(
            "voice-preview",
            lambda _p, _t: Speaker(voice=voice, rate=rate, device=device).say(PREVIEW_TEXT),
            on_success=lambda _r: self.preview_button.setEnabled(True),
            on_error=self._on_preview_failed,
        )

    def _on_preview_failed(self, message: str) -> None:
        self.preview_button.setEnabled(True)
        self.error_occurred.emit(message)

    def model_folder_problem(self) -> str | None:
        """Why the folder in the model field cannot be used, or None (empty: built-in)."""
        folder = self.model_edit.text().strip()
        if not folder:
            return None
        from viva.speech.errors import ModelNotFound
        from viva.speech.transcriber import check_model_dir

        try:
            check_model_dir(folder)
        except ModelNotFound as exc:
            return exc.user_message
        return None

    @Slot()
    def _check_model_folder(self) -> None:
        problem = self.model_folder_problem()
        if problem:
            self.model_note.setText(f"\u26a0 {problem}")
        elif self.model_edit.text().strip():
            self.model_note.setText("\u2714 A Whisper model folder: used after Save.")
        else:
            self.model_note.setText("")

    @Slot()
    def _browse_model(self) -> None:
        folder = dialogs.open_folder(self, "Choose a Whisper model folder (model.bin)")
        if folder:
            self.model_edit.setText(folder)

    # --- saving ------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "input_device": self.input_box.currentData(),
            "output_device": self.output_box.currentData(),
            "voice": self.voice_box.currentData(),
            "rate": self.rate_spin.value(),
            "model_dir": self.model_edit.text().strip() or None,
            "language": self.language_box.currentText().strip() or "en",
            "fillers": [f.strip() for f in self.fillers_edit.text().split(",") if f.strip()],
            "theme": self.theme_box.currentData(),
            "thinking_seconds": self.think_spin.value(),
            "answer_limit_seconds": self.limit_spin.value(),
            "mock_questions": self.mock_spin.value(),
            "follow_ups": self.follow_up_check.isChecked(),
            "refine_transcripts": self.refine_check.isChecked(),
            "text_only": self.text_only_check.isChecked(),
        }

    @Slot()
    def save(self) -> None:
        current = self.services.settings
        problem = self.model_folder_problem()
        if problem:
            # Saving it would switch speech recognition off; nothing is saved instead.
            self.error_occurred.emit(f"{problem} Settings were not saved.")
            return
        try:
            new = Settings.model_validate({**current.model_dump(), **self.values()})
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            self.error_occurred.emit(f"The setting “{field}” is not valid: {first['msg']}.")
            return
        model_changed = (new.model_dir, new.language) != (current.model_dir, current.language)
        for name, value in new.model_dump().items():
            setattr(current, name, value)
        self.services.reset_speech()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            from viva.ui.theme import apply_theme

            apply_theme(app, current.theme)
        self._save_settings(current)
        self.saved_note.setText(
            "\u2714 Saved. The speech model is loading again."
            if model_changed
            else "\u2714 Saved. Voice and timing apply from the next question."
        )
        if current.text_only:
            self.text_only_requested.emit()
        self.settings_saved.emit(model_changed)

    def _save_settings(self, settings: Settings) -> None:
        self.jobs.save_settings(settings, "settings-save", on_error=self.error_occurred.emit)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        """Leaving Settings without saving takes a previewed theme back."""
        self.saved_note.clear()
        saved = self.services.settings.theme
        if self.theme_box.currentData() != saved:
            self.theme_box.setCurrentIndex(max(0, self.theme_box.findData(saved)))
        super().hideEvent(event)

    def interrupt_reason(self) -> str | None:
        return None

    def shutdown(self) -> None:
        self.recorder.stop()
