"""Choose the question a recorded answer answers: a search box over the bank, as in Practice."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viva.app.services import filter_questions
from viva.bank import Question


class QuestionPicker(QDialog):
    """A filtered list of questions (text, variants, topic, tags, close spellings) with the
    likely one selected; Enter or a double click picks, Esc cancels."""

    def __init__(
        self,
        questions: Sequence[Question],
        current_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Which question does it answer?")
        self.resize(640, 460)
        self._questions = list(questions)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search questions: words, topic or tag")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search questions")
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setAccessibleName("Questions")
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setSpacing(3)
        layout.addWidget(self.list, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Review against this question")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search.textChanged.connect(self._fill)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentItemChanged.connect(lambda *_: self._update_ok())
        # Up/Down in the search box move through the list, so typing and choosing need no Tab.
        self.search.installEventFilter(self)
        self._fill("", select_id=current_id)
        self.search.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Up,
                Qt.Key.Key_PageDown,
                Qt.Key.Key_PageUp,
            ):
                self.list.keyPressEvent(event)
                return True
        return super().eventFilter(watched, event)

    @Slot(str)
    def _fill(self, text: str, select_id: str | None = None) -> None:
        selected = self.selected()
        keep = select_id or (selected.id if selected else None)
        shown = filter_questions(self._questions, text=text.strip())
        self.list.clear()
        for q in shown:
            item = QListWidgetItem(f"{q.question}\n{q.topic} · {q.difficulty}")
            item.setData(Qt.ItemDataRole.UserRole, q.id)
            item.setToolTip(q.id)
            self.list.addItem(item)
        row = next((i for i, q in enumerate(shown) if q.id == keep), 0 if shown else -1)
        self.list.setCurrentRow(row)
        if row >= 0:
            self.list.scrollToItem(self.list.item(row), QListWidget.ScrollHint.PositionAtCenter)
        self.count.setText(f"{len(shown)} of {len(self._questions)} questions")
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.list.currentItem() is not None)

    def selected(self) -> Question | None:
        item = self.list.currentItem()
        if item is None:
            return None
        qid = item.data(Qt.ItemDataRole.UserRole)
        return next((q for q in self._questions if q.id == qid), None)
