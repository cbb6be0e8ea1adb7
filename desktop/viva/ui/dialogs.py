"""Confirmation and file dialogs behind small functions (tests replace them, nothing else does)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from viva.bank import Question

T = TypeVar("T")


@contextmanager
def keep_focus() -> Iterator[None]:
    """Give the keyboard focus back to the widget that had it once the dialog closes."""
    before = QApplication.focusWidget()
    try:
        yield
    finally:
        if before is not None and before.isVisible():
            before.setFocus()


def _modal(run: Callable[[], T]) -> T:
    with keep_focus():
        return run()


def ask(parent: QWidget | None, title: str, text: str, yes: str = "Yes", no: str = "No") -> bool:
    """A yes/no question; True for yes."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    _modal(box.exec)
    return box.clickedButton() is yes_button


def open_file(parent: QWidget | None, title: str, filters: str) -> str | None:
    path, _ = _modal(lambda: QFileDialog.getOpenFileName(parent, title, "", filters))
    return path or None


def open_folder(parent: QWidget | None, title: str) -> str | None:
    path = _modal(lambda: QFileDialog.getExistingDirectory(parent, title))
    return path or None


def pick_question(
    parent: QWidget | None, questions: Sequence[Question], current_id: str | None = None
) -> Question | None:
    """The question a recording answers, from a searchable list; None if cancelled."""
    from viva.ui.question_picker import QuestionPicker

    picker = QuestionPicker(questions, current_id, parent)
    accepted = _modal(picker.exec) == QDialog.DialogCode.Accepted
    return picker.selected() if accepted else None
