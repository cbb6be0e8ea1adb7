"""Bank editor: browse, add and edit questions with the validator's own messages, import Markdown.

Validation writes the form as a one-question bank file to a temporary folder and runs the same
loader as ``viva bank validate`` on it, so the messages are exactly the validator's. The built-in
bank is read-only; saving a built-in question stores an edited copy in the user's bank folder,
which is layered on top (same id wins).
"""

from __future__ import annotations

import logging
import re
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from viva.app.services import Services
from viva.bank import Bank, Question
from viva.bank.models import DIFFICULTIES
from viva.storage import paths
from viva.ui import dialogs
from viva.ui.flow import FlowLayout
from viva.ui.scorecard import theme_colours
from viva.ui.shortcuts import Shortcut, bind
from viva.ui.widgets import heading, plain_label
from viva.ui.workers import JobRunner

log = logging.getLogger(__name__)

USER_FILE = "my-questions.yaml"


def _buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose mnemonic (``&``) focuses ``buddy`` (a row holding a layout has no
    buddy of its own, and its ``&`` would show literally)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


#: Focus moves that mean the user left a field (not the program moving the focus).
USER_FOCUS_REASONS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.MouseFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)
_SLUG_DROP = re.compile(r"[^a-z0-9]+")
_STOP = {"a", "an", "the", "of", "to", "in", "and", "or", "you", "your", "do", "does", "is", "are"}
#: Field of a validator message -> the form's field name shown to the user.
FIELD_NAMES = {
    "id": "Id",
    "question": "Question",
    "topic": "Topic",
    "difficulty": "Difficulty",
    "tags": "Tags",
    "target_seconds": "Target",
    "reference_answer": "Reference answer",
    "key_points": "Key points",
}
_FRIENDLY = (
    ("String should have at least 1 character", "must not be empty"),
    ("List should have at least 1 item after validation, not 0", "needs at least one entry"),
)


def slug_for(text: str, taken: set[str] | None = None, words: int = 6) -> str:
    """An id from the question text: ``"What is a canary release?"`` -> ``canary-release``."""
    parts = [w for w in _SLUG_DROP.sub(" ", text.lower()).split() if w not in _STOP]
    parts = [w for w in parts if w not in {"what", "how", "why", "when", "can", "would"}] or parts
    base = "-".join(parts[:words]) or "question"
    slug, n = base, 2
    while taken and slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def problem_field(message: str) -> str | None:
    """The top-level field a validator message is about (``key_points.0.text`` -> key_points)."""
    match = re.match(r"question '[^']*': ([\w.]+):", message)
    return match.group(1).split(".")[0] if match else None


def friendly(message: str) -> str:
    """A validator message as the form shows it: the field's label, plain words."""
    field = problem_field(message)
    text = message
    if field is not None:
        text = message.split(": ", 1)[1]
        rest = text.split(": ", 1)[1] if ": " in text else text
        where = text.split(":", 1)[0]
        label = FIELD_NAMES.get(field, field)
        if where.startswith("key_points."):
            bits = where.split(".")
            label = f"Key point {int(bits[1]) + 1}" if bits[1].isdigit() else label
            if len(bits) > 2:
                label += f" ({bits[2]})"
        text = f"{label}: {rest}"
    for old, new in _FRIENDLY:
        text = text.replace(old, new)
    return text


def delete_question_data(question_id: str, directory: Path | None = None) -> dict[str, Any] | None:
    """Remove ``question_id`` from the user's bank file; returns its data (for Undo)."""
    folder = directory or paths.user_bank_dir()
    removed: dict[str, Any] | None = None
    for target in sorted(folder.glob("*.yaml")):
        loaded = yaml.safe_load(target.read_text(encoding="utf-8"))
        if not isinstance(loaded, dict) or not isinstance(loaded.get("questions"), list):
            continue
        keep = []
        for q in loaded["questions"]:
            if isinstance(q, dict) and q.get("id") == question_id and removed is None:
                removed = q
            else:
                keep.append(q)
        if removed is not None:
            from viva.bank.importer import dump_bank_file

            loaded["questions"] = keep
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(dump_bank_file(loaded), encoding="utf-8")
            tmp.replace(target)
            break
    return removed


def validate_question_data(data: dict[str, Any]) -> list[Any]:
    """Problems of one question, exactly as ``viva bank validate`` reports them (blocking)."""
    from viva.bank import load_file

    with tempfile.TemporaryDirectory(prefix="viva-edit-") as tmp:
        path = Path(tmp) / "question.yaml"
        path.write_text(
            yaml.safe_dump({"questions": [data]}, sort_keys=False, allow_unicode=True),
            encoding="utf-8",
        )
        _questions, problems = load_file(path, strict=False)
    return problems


def save_question_data(data: dict[str, Any], directory: Path | None = None) -> Path:
    """Store ``data`` in the user's bank file, replacing a question with the same id."""
    from viva.bank.importer import dump_bank_file

    folder = directory or paths.user_bank_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / USER_FILE
    existing: dict[str, Any] = {"questions": []}
    if target.exists():
        loaded = yaml.safe_load(target.read_text(encoding="utf-8"))
        if isinstance(loaded, dict) and isinstance(loaded.get("questions"), list):
            existing = loaded
    questions = [
        q for q in existing["questions"] if not (isinstance(q, dict) and q.get("id") == data["id"])
    ]
    questions.append(data)
    existing["questions"] = questions
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(dump_bank_file(existing), encoding="utf-8")
    tmp.replace(target)
    return target


def import_markdown_file(path: Path, directory: Path | None = None) -> tuple[Path, int]:
    """Turn a Markdown Q&A file into a new user bank file. Returns (file, question count)."""
    from viva.bank.importer import dump_bank_file, import_markdown

    data = import_markdown(path)
    folder = directory or paths.user_bank_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.stem}.yaml"
    n = 2
    while target.exists():
        target = folder / f"{path.stem}-{n}.yaml"
        n += 1
    target.write_text(dump_bank_file(data), encoding="utf-8")
    return target, len(data.get("questions", []))


class BankEditorView(QWidget):
    """Questions on the left, the form on the right; problems appear as you type."""

    error_occurred = Signal(str)
    bank_changed = Signal()
    validated = Signal(list)  # list of problem messages
    saved = Signal(str)  # the file written
    question_saved = Signal(str, str)  # the question's id and text
    deleted = Signal(str)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.bank: Bank | None = None
        self.key_points: list[dict[str, Any]] = []
        self.current_id: str | None = None
        self.read_only = False
        self.problems: list[Any] = []
        self._loading = False
        self.touched: set[str] = set()
        self._id_from_text = False
        self._suggesting = False
        self.deleted_data: dict[str, Any] | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.validate_now)
        self._build()
        bind(Shortcut.SAVE_QUESTION, self, self.save)

    # --- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(splitter)
        left = QWidget()
        l_layout = QVBoxLayout(left)
        l_layout.addWidget(heading("Questions", 2))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter")
        self.filter.setAccessibleName("Filter questions")
        self.filter.textChanged.connect(self._fill_list)
        l_layout.addWidget(self.filter)
        self.list = QListWidget()
        self.list.setAccessibleName("Questions in the bank")
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        l_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton("&New question")
        self.new_button.clicked.connect(self.new_question)
        row.addWidget(self.new_button)
        self.import_button = QPushButton("&Import Markdown…")
        self.import_button.setToolTip("Turn a Markdown Q&A file into a bank file you can edit")
        self.import_button.clicked.connect(self.import_dialog)
        row.addWidget(self.import_button)
        l_layout.addLayout(row)
        splitter.addWidget(left)

        right = QWidget()
        r_layout = QVBoxLayout(right)
        r_layout.setContentsMargins(0, 0, 0, 0)
        # Save and Delete stay above the fold: outside the scrolling form.
        actions = FlowLayout()
        self.save_button = QPushButton(Shortcut.SAVE_QUESTION.label("Save to my bank"))
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.save_button)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setToolTip("Delete this question from your bank (you can undo it)")
        self.delete_button.clicked.connect(self.delete_current)
        actions.addWidget(self.delete_button)
        self.undo_button = QPushButton("Undo delete")
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_button.hide()
        actions.addWidget(self.undo_button)
        r_layout.addLayout(actions)
        self.origin_label = plain_label(name="Where this question is stored")
        r_layout.addWidget(self.origin_label)
        self.problems_label = plain_label(name="Problems")
        r_layout.addWidget(self.problems_label)

        form_widget = QWidget()
        f_layout = QVBoxLayout(form_widget)
        form = QFormLayout()
        self.id_edit = QLineEdit()
        self.id_edit.setAccessibleName("Id")
        form.addRow("&Id:", self.id_edit)
        self.question_edit = QPlainTextEdit()
        self.question_edit.setAccessibleName("Question")
        self.question_edit.setMaximumHeight(60)
        form.addRow("&Question:", self.question_edit)
        self.topic_edit = QLineEdit()
        self.topic_edit.setAccessibleName("Topic")
        form.addRow("&Topic:", self.topic_edit)
        self.difficulty_box = QComboBox()
        self.difficulty_box.setAccessibleName("Difficulty")
        self.difficulty_box.addItems(list(DIFFICULTIES))
        form.addRow("&Difficulty:", self.difficulty_box)
        self.tags_edit = QLineEdit()
        self.tags_edit.setAccessibleName("Tags, comma separated")
        form.addRow("T&ags:", self.tags_edit)
        target = QHBoxLayout()
        self.min_spin = QSpinBox()
        self.min_spin.setRange(0, 900)
        self.min_spin.setAccessibleName("Target minimum seconds")
        self.max_spin = QSpinBox()
        self.max_spin.setRange(0, 900)
        self.max_spin.setAccessibleName("Target maximum seconds")
        target.addWidget(self.min_spin)
        target.addWidget(plain_label("to"))
        target.addWidget(self.max_spin)
        target.addWidget(plain_label("seconds"))
        target.addStretch(1)
        form.addRow(_buddy_label("Ta&rget:", self.min_spin), target)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setAccessibleName("Reference answer")
        self.answer_edit.setMinimumHeight(100)
        form.addRow("Reference &answer:", self.answer_edit)
        f_layout.addLayout(form)

        kp_box = QGroupBox("Key points")
        kp_layout = QHBoxLayout(kp_box)
        kp_left = QVBoxLayout()
        self.kp_list = QListWidget()
        self.kp_list.setAccessibleName("Key points")
        self.kp_list.setWordWrap(True)
        self.kp_list.currentRowChanged.connect(self._on_kp_list_current_row_changed)
        kp_left.addWidget(self.kp_list)
        kp_buttons = QHBoxLayout()
        self.add_kp_button = QPushButton("Add &key point")
        self.add_kp_button.clicked.connect(self.add_key_point)
        kp_buttons.addWidget(self.add_kp_button)
        self.remove_kp_button = QPushButton("Remo&ve")
        self.remove_kp_button.clicked.connect(self.remove_key_point)
        kp_buttons.addWidget(self.remove_kp_button)
        kp_left.addLayout(kp_buttons)
        kp_layout.addLayout(kp_left, 1)
        kp_form = QFormLayout()
        self.kp_text = QLineEdit()
        self.kp_text.setAccessibleName("Key point text")
        kp_form.addRow("Te&xt:", self.kp_text)
        self.kp_concepts = QPlainTextEdit()
        self.kp_concepts.setAccessibleName("Concepts: one idea per line, wordings separated by |")
        self.kp_concepts.setPlaceholderText(
            "One idea per line. Alternative wordings of the idea on the same line, separated "
            "by | (for example: canary | small share of traffic)"
        )
        self.kp_concepts.setToolTip(self.kp_concepts.placeholderText())
        self.kp_concepts.setMaximumHeight(80)
        kp_form.addRow("&Concepts:", self.kp_concepts)
        self.kp_synonyms = QPlainTextEdit()
        self.kp_synonyms.setAccessibleName("Synonyms: one paraphrase per line")
        self.kp_synonyms.setMaximumHeight(60)
        kp_form.addRow("S&ynonyms:", self.kp_synonyms)
        self.kp_wrong = QPlainTextEdit()
        self.kp_wrong.setAccessibleName("Wrong statements: one per line")
        self.kp_wrong.setMaximumHeight(60)
        kp_form.addRow("&Wrong:", self.kp_wrong)
        self.kp_probe = QLineEdit()
        self.kp_probe.setAccessibleName("Follow-up question (optional)")
        self.kp_probe.setPlaceholderText(
            "Optional: what an interviewer asks when an answer misses this point"
        )
        self.kp_probe.setToolTip(
            "Asked after an answer that missed or got this point wrong. Left empty, Viva "
            "builds a question from the point's text."
        )
        kp_form.addRow("F&ollow-up question:", self.kp_probe)
        kp_layout.addLayout(kp_form, 2)
        f_layout.addWidget(kp_box)

        f_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        r_layout.addWidget(scroll, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 900])

        self.field_widgets: dict[str, tuple[QWidget, ...]] = {
            "id": (self.id_edit,),
            "question": (self.question_edit,),
            "topic": (self.topic_edit,),
            "difficulty": (self.difficulty_box,),
            "tags": (self.tags_edit,),
            "target_seconds": (self.min_spin, self.max_spin),
            "reference_answer": (self.answer_edit,),
            "key_points": (
                self.kp_text,
                self.kp_concepts,
                self.kp_synonyms,
                self.kp_wrong,
                self.kp_probe,
            ),
        }
        for field, widgets in self.field_widgets.items():
            for widget in widgets:
                widget.installEventFilter(self)
                widget.setProperty("viva_field", field)
        self.id_edit.textChanged.connect(self._on_id_edit_text_changed)
        self.question_edit.textChanged.connect(self._suggest_id)
        for edit in (self.id_edit, self.topic_edit, self.tags_edit):
            edit.textChanged.connect(self._on_form_changed)
        for plain in (self.question_edit, self.answer_edit):
            plain.textChanged.connect(self._on_form_changed)
        self.difficulty_box.currentIndexChanged.connect(self._on_form_changed)
        self.min_spin.valueChanged.connect(self._on_form_changed)
        self.max_spin.valueChanged.connect(self._on_form_changed)
        self.kp_text.textChanged.connect(self._on_key_point_changed)
        self.kp_probe.textChanged.connect(self._on_key_point_changed)
        for plain in (self.kp_concepts, self.kp_synonyms, self.kp_wrong):
            plain.textChanged.connect(self._on_key_point_changed)

    # --- bank --------------------------------------------------------------------------------

    def activated(self) -> None:
        if self.bank is None and self.services.cached_bank is not None:
            self.set_bank(self.services.cached_bank)

    def set_bank(self, bank: Bank) -> None:
        self.bank = bank
        self._fill_list()

    def _is_user(self, question_id: str) -> bool:
        if self.bank is None or question_id not in self.bank.origins:
            return False
        origin = self.bank.origins[question_id][0]
        try:
            origin.resolve().relative_to(paths.user_bank_dir().resolve())
        except ValueError:
            return False
        return True

    @Slot()
    def _fill_list(self) -> None:
        if self.bank is None:
            return
        needle = self.filter.text().strip().lower()
        self.list.blockSignals(True)
        self.list.clear()
        for q in self.bank:
            if needle and needle not in q.question.lower() and needle not in q.id:
                continue
            where = "mine" if self._is_user(q.id) else "built-in"
            item = QListWidgetItem(f"{q.question}\n{q.topic} · {where}")
            item.setData(Qt.ItemDataRole.UserRole, q.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.current_id is None and self.list.count():
            self.list.setCurrentRow(0)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is None or self.bank is None:
            return
        question = self.bank.get(current.data(Qt.ItemDataRole.UserRole))
        if question is not None:
            self.load_question(question)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.FocusOut
            and isinstance(event, QFocusEvent)
            and event.reason() in USER_FOCUS_REASONS
        ):
            field = watched.property("viva_field")
            if isinstance(field, str) and field not in self.touched:
                self.touched.add(field)
                self._show_problems()
        return super().eventFilter(watched, event)

    @Slot(str)
    def _on_id_edit_text_changed(self, text: str) -> None:
        if not self._loading and not self._suggesting:
            self._id_from_text = not text.strip()  # an id of the user's own is kept

    @Slot()
    def _suggest_id(self) -> None:
        """A new question's id follows its text until the user types an id of their own."""
        if self._loading or not self._id_from_text or self.current_id is not None:
            return
        taken = {q.id for q in self.bank} if self.bank is not None else set()
        text = self.question_edit.toPlainText().strip()
        self._suggesting = True
        self.id_edit.setText(slug_for(text, taken) if text else "")
        self._suggesting = False

    def load_question(self, question: Question | None) -> None:
        self._loading = True
        q = question
        # A new question shows its problems field by field, once the user leaves each one;
        # an existing question shows them all at once.
        self.touched = set() if q is None else set(self.field_widgets)
        self._id_from_text = q is None
        self.current_id = q.id if q else None
        self.read_only = bool(q and not self._is_user(q.id))
        self.origin_label.setText(
            "New question: it will be saved in your own bank."
            if q is None
            else (
                "Built-in question (read-only): saving stores your edited copy in your own bank, "
                "which takes precedence."
                if self.read_only
                else f"Your question, stored in {paths.user_bank_dir()}"
            )
        )
        self.id_edit.setText(q.id if q else "")
        self.question_edit.setPlainText(q.question if q else "")
        self.topic_edit.setText(q.topic if q else "")
        self.difficulty_box.setCurrentText(q.difficulty if q else "intermediate")
        self.tags_edit.setText(", ".join(q.tags) if q else "")
        self.min_spin.setValue(q.target_seconds[0] if q else 45)
        self.max_spin.setValue(q.target_seconds[1] if q else 90)
        self.answer_edit.setPlainText(q.reference_answer if q else "")
        self.key_points = [kp.model_dump(exclude_defaults=True) for kp in q.key_points] if q else []
        self._fill_key_points(0 if self.key_points else -1)
        self._loading = False
        self.delete_button.setEnabled(bool(q) and not self.read_only)
        self.delete_button.setToolTip(
            "Built-in questions cannot be deleted; edit a copy instead"
            if self.read_only
            else "Delete this question from your bank (you can undo it)"
        )
        self.validate_now()

    @Slot()
    def new_question(self) -> None:
        self.list.clearSelection()
        self.load_question(None)
        self.add_key_point()
        self.question_edit.setFocus()  # the id follows the question's text

    # --- key points --------------------------------------------------------------------------

    def _fill_key_points(self, select: int) -> None:
        self.kp_list.blockSignals(True)
        self.kp_list.clear()
        for n, kp in enumerate(self.key_points, 1):
            self.kp_list.addItem(f"{n}. {kp.get('text', '') or '(empty)'}")
        self.kp_list.blockSignals(False)
        if 0 <= select < len(self.key_points):
            self.kp_list.setCurrentRow(select)
            self._on_kp_list_current_row_changed(select)
        else:
            self._show_key_point(None)

    def _show_key_point(self, kp: dict[str, Any] | None) -> None:
        loading, self._loading = self._loading, True
        kp = kp or {}
        self.kp_text.setText(kp.get("text", ""))
        self.kp_concepts.setPlainText(
            "\n".join(" | ".join(group) for group in kp.get("concepts", []))
        )
        self.kp_synonyms.setPlainText("\n".join(kp.get("synonyms", [])))
        self.kp_wrong.setPlainText("\n".join(kp.get("wrong", [])))
        self.kp_probe.setText(kp.get("probe") or "")
        for widget in (
            self.kp_text,
            self.kp_concepts,
            self.kp_synonyms,
            self.kp_wrong,
            self.kp_probe,
        ):
            widget.setEnabled(bool(self.key_points))
        self._loading = loading

    @Slot(int)
    def _on_kp_list_current_row_changed(self, row: int) -> None:
        self._show_key_point(self.key_points[row] if 0 <= row < len(self.key_points) else None)

    @Slot()
    def add_key_point(self) -> None:
        """A new, empty key point to type in; an empty one already there is used first (a new
        question starts with one), so adding points never leaves a blank one behind."""
        empty = next(
            (n for n, kp in enumerate(self.key_points) if not str(kp.get("text", "")).strip()),
            None,
        )
        if empty is None:
            self.key_points.append({"text": ""})
            empty = len(self.key_points) - 1
        self._fill_key_points(empty)
        self.kp_text.setFocus()
        self._on_form_changed()

    @Slot()
    def remove_key_point(self) -> None:
        row = self.kp_list.currentRow()
        if 0 <= row < len(self.key_points):
            del self.key_points[row]
            self._fill_key_points(min(row, len(self.key_points) - 1))
            self._on_form_changed()

    @Slot()
    def _on_key_point_changed(self) -> None:
        if self._loading:
            return
        row = self.kp_list.currentRow()
        if not 0 <= row < len(self.key_points):
            return
        kp: dict[str, Any] = {"text": self.kp_text.text().strip()}
        concepts = [
            [w.strip() for w in line.split("|") if w.strip()]
            for line in self.kp_concepts.toPlainText().splitlines()
            if line.strip()
        ]
        if concepts:
            kp["concepts"] = concepts
        if synonyms := _lines(self.kp_synonyms.toPlainText()):
            kp["synonyms"] = synonyms
        if wrong := _lines(self.kp_wrong.toPlainText()):
            kp["wrong"] = wrong
        if probe := " ".join(self.kp_probe.text().split()):
            kp["probe"] = probe
        self.key_points[row] = kp
        item = self.kp_list.item(row)
        if item is not None:
            item.setText(f"{row + 1}. {kp['text'] or '(empty)'}")
        self._on_form_changed()

    # --- validation and saving ---------------------------------------------------------------

    def form_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id_edit.text().strip(),
            "question": self.question_edit.toPlainText().strip(),
            "topic": self.topic_edit.text().strip(),
            "difficulty": self.difficulty_box.currentText(),
            "tags": [t.strip() for t in self.tags_edit.text().split(",") if t.strip()],
            "reference_answer": self.answer_edit.toPlainText().strip(),
            "key_points": [dict(kp) for kp in self.key_points],
            "target_seconds": [self.min_spin.value(), self.max_spin.value()],
        }
        if self.current_id and self.bank is not None and (q := self.bank.get(self.current_id)):
            if q.source:
                data["source"] = list(q.source)
            if q.variants:
                data["variants"] = list(q.variants)
        return data

    @Slot()
    def _on_form_changed(self) -> None:
        if not self._loading:
            self._debounce.start()

    @Slot()
    def validate_now(self) -> None:
        """Check the form now. One question validates in about 5 ms, so it runs right here:
        queued on the worker pool it waited seconds behind the start-up model load and scorer
        warm-up, and Save stayed stale meanwhile."""
        self._debounce.stop()
        try:
            problems = validate_question_data(self.form_data())
        except (OSError, ValueError) as exc:
            log.warning("validating the question failed: %s", exc)
            self.error_occurred.emit(f"Could not check the question: {exc}")
            return
        self.problems = problems
        messages = [("warning: " if p.severity == "warning" else "") + p.message for p in problems]
        self._show_problems()
        errors = any(p.severity == "error" for p in problems)
        # Save stays clickable: with problems, it lists them all under the form (save()).
        self.save_button.setToolTip(
            "This question has problems: Save lists them under the form"
            if errors
            else f"Save the question to your own bank ({Shortcut.SAVE_QUESTION.keys})"
        )
        self.validated.emit(messages)

    def shown_problems(self) -> list[str]:
        """The problems of the fields the user has left (all of them after a save attempt)."""
        out = []
        for p in self.problems:
            field = problem_field(p.message)
            if field is None or field in self.touched:
                out.append(("warning: " if p.severity == "warning" else "") + friendly(p.message))
        return out

    def _show_problems(self) -> None:
        shown = self.shown_problems()
        errors = any(p.severity == "error" for p in self.problems)
        colours = theme_colours(self)
        if shown:
            text = "\n".join(f"• {m}" for m in shown)
            colour = colours.accent("missed" if errors else "partial")
        elif errors:
            text = "Fill in the form; problems show as you leave each field."
            colour = colours.text
        else:
            text = "No problems: this question can be saved."
            colour = colours.accent("evidence")
        self.problems_label.setText(text)
        self.problems_label.setStyleSheet(f"color: {colour};")
        for field, widgets in self.field_widgets.items():
            bad = [
                friendly(p.message)
                for p in self.problems
                if problem_field(p.message) == field and field in self.touched
            ]
            for widget in widgets:
                widget.setToolTip("\n".join(bad))

    @Slot()
    def save(self) -> None:
        self.touched = set(self.field_widgets)
        self._show_problems()
        if any(p.severity == "error" for p in self.problems) or self._debounce.isActive():
            self.error_occurred.emit(
                "The question has problems (listed under the form). Fix them, then save."
            )
            return
        data = self.form_data()

        def work(_p: Any, _t: Any) -> Path:
            problems = validate_question_data(data)
            errors = [p.message for p in problems if p.severity == "error"]
            if errors:
                raise ValueError(errors[0])
            return save_question_data(data)

        self.jobs.start(
            "bank-save",
            work,
            on_success=partial(self._on_saved, data["id"], str(data.get("question", ""))),
            on_error=self.error_occurred.emit,
        )

    def _on_saved(self, question_id: str, title: str, path: Path) -> None:
        self.current_id = question_id
        self.read_only = False  # the saved copy is the user's own
        self.delete_button.setEnabled(True)
        self.origin_label.setText(f"Saved to {path}")
        self.saved.emit(str(path))
        self.question_saved.emit(question_id, title)
        self.bank_changed.emit()

    @Slot()
    def delete_current(self) -> None:
        """Delete the shown question from the user's bank; Undo puts it back."""
        question_id = self.current_id
        if question_id is None or self.read_only:
            return

        def work(_p: Any, _t: Any) -> dict[str, Any] | None:
            return delete_question_data(question_id)

        self.jobs.start(
            "bank-delete",
            work,
            on_success=partial(self._on_deleted, question_id),
            on_error=self.error_occurred.emit,
        )

    def _on_deleted(self, question_id: str, data: dict[str, Any] | None) -> None:
        if data is None:
            self.error_occurred.emit(
                f"The question {question_id} was not found in your bank; nothing was deleted."
            )
            return
        self.deleted_data = data
        self.current_id = None
        title = str(data.get("question", question_id))
        short = title if len(title) <= 40 else title[:39] + "…"
        self.origin_label.setText(f"Deleted “{title}” from your bank.")
        self.undo_button.setText(f"Undo: restore “{short}”")
        self.undo_button.show()
        self.undo_button.setFocus()
        self.deleted.emit(question_id)
        self.bank_changed.emit()

    @Slot()
    def undo_delete(self) -> None:
        data = self.deleted_data
        if data is None:
            return
        self.deleted_data = None
        self.undo_button.hide()
        question_id = str(data.get("id", ""))
        self.jobs.start(
            "bank-undo",
            lambda _p, _t: save_question_data(data),
            on_success=partial(self._on_saved, question_id, str(data.get("question", ""))),
            on_error=self.error_occurred.emit,
        )

    def shutdown(self) -> None:
        """Closing: drop a pending validation (the form is not saved on its own)."""
        self._debounce.stop()

    @Slot()
    def import_dialog(self) -> None:
        path = dialogs.open_file(self, "Import a Markdown Q&A file", "Markdown (*.md *.txt)")
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        self.jobs.start(
            "bank-import",
            lambda _p, _t: import_markdown_file(path),
            on_success=self._on_imported,
            on_error=self.error_occurred.emit,
        )

    def _on_imported(self, result: tuple[Path, int]) -> None:
        target, count = result
        self.origin_label.setText(
            f"Imported {count} question{'s' if count != 1 else ''} into {target}. Review their "
            "key points before practising."
        )
        self.bank_changed.emit()
