"""Bank editor: browse, add and edit questions with the validator's own messages, import Markdown.

Validation writes the form as a one-question bank file to a temporary folder and runs the same
loader as ``viva bank validate`` on it, so the messages are exactly the validator's. The built-in
bank is read-only; saving a built-in question stores an edited copy in the user's bank folder,
which is layered on top (same id wins).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import yaml
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
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

from viva.bank import Bank, Question
from viva.bank.models import DIFFICULTIES
from viva.storage import paths
from viva.ui import dialogs
from viva.ui.session import Services
from viva.ui.shortcuts import Shortcut, bind
from viva.ui.widgets import heading, plain_label
from viva.ui.workers import JobRunner

log = logging.getLogger(__name__)

USER_FILE = "my-questions.yaml"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


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
    saved = Signal(str)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.bank: Bank | None = None
        self.key_points: list[dict[str, Any]] = []
        self.current_id: str | None = None
        self.read_only = False
        self.problems: list[Any] = []
        self._validation_seq = 0
        self._loading = False
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

        form_widget = QWidget()
        f_layout = QVBoxLayout(form_widget)
        self.origin_label = plain_label(name="Where this question is stored")
        f_layout.addWidget(self.origin_label)
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
        form.addRow("Ta&rget:", target)
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
        self.kp_concepts.setPlaceholderText("one idea per line; wordings separated by |")
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
        kp_layout.addLayout(kp_form, 2)
        f_layout.addWidget(kp_box)

        self.problems_label = plain_label(name="Problems")
        self.problems_label.setStyleSheet("color: #b91c1c;")
        f_layout.addWidget(self.problems_label)
        actions = QHBoxLayout()
        self.save_button = QPushButton(Shortcut.SAVE_QUESTION.label("Save to my bank"))
        self.save_button.clicked.connect(self.save)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        f_layout.addLayout(actions)
        f_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([330, 900])

        for edit in (self.id_edit, self.topic_edit, self.tags_edit):
            edit.textChanged.connect(self._on_form_changed)
        for plain in (self.question_edit, self.answer_edit):
            plain.textChanged.connect(self._on_form_changed)
        self.difficulty_box.currentIndexChanged.connect(self._on_form_changed)
        self.min_spin.valueChanged.connect(self._on_form_changed)
        self.max_spin.valueChanged.connect(self._on_form_changed)
        self.kp_text.textChanged.connect(self._on_key_point_changed)
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

    def load_question(self, question: Question | None) -> None:
        self._loading = True
        q = question
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
        self.validate_now()

    @Slot()
    def new_question(self) -> None:
        self.list.clearSelection()
        self.load_question(None)
        self.add_key_point()
        self.id_edit.setFocus()

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
        for widget in (self.kp_text, self.kp_concepts, self.kp_synonyms, self.kp_wrong):
            widget.setEnabled(bool(self.key_points))
        self._loading = loading

    @Slot(int)
    def _on_kp_list_current_row_changed(self, row: int) -> None:
        self._show_key_point(self.key_points[row] if 0 <= row < len(self.key_points) else None)

    @Slot()
    def add_key_point(self) -> None:
        self.key_points.append({"text": ""})
        self._fill_key_points(len(self.key_points) - 1)
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
        self._debounce.stop()
        self._validation_seq += 1
        seq = self._validation_seq
        data = self.form_data()
        self.jobs.start(
            "bank-validate",
            lambda _p, _t: validate_question_data(data),
            on_success=lambda problems, seq=seq: self._on_validated(seq, problems),
            on_error=self.error_occurred.emit,
        )

    def _on_validated(self, seq: int, problems: list[Any]) -> None:
        if seq != self._validation_seq:
            return  # an older result; a newer validation is on its way
        self.problems = problems
        messages = [("warning: " if p.severity == "warning" else "") + p.message for p in problems]
        self.problems_label.setText(
            "\n".join(messages) if messages else "No problems: this question can be saved."
        )
        self.problems_label.setStyleSheet(
            "color: #b91c1c;"
            if any(p.severity == "error" for p in problems)
            else "color: #15803d;"
            if not problems
            else "color: #92400e;"
        )
        self.save_button.setEnabled(not any(p.severity == "error" for p in problems))
        self.validated.emit(messages)

    @Slot()
    def save(self) -> None:
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
            on_success=lambda path, qid=data["id"]: self._on_saved(qid, path),
            on_error=self.error_occurred.emit,
        )

    def _on_saved(self, question_id: str, path: Path) -> None:
        self.current_id = question_id
        self.origin_label.setText(f"Saved to {path}")
        self.saved.emit(str(path))
        self.bank_changed.emit()

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
