"""A non-modal message strip at the top of the window: what happened and what to do."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

log = logging.getLogger(__name__)

#: (background, text, border) per level. The text colour is set on the label itself: a style
#: sheet colour on the frame does not reach its children, which then drew the dark theme's
#: light text on these light backgrounds (unreadable).
_STYLES = {
    "info": ("#dbeafe", "#0b2545", "#93c5fd"),
    "warning": ("#fef3c7", "#3b2a00", "#f59e0b"),
    "error": ("#fee2e2", "#450a0a", "#f87171"),
}


class Banner(QFrame):
    """Shows one message at a time; a newer message replaces the old one. Never blocks."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAccessibleName("Message")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Message text")
        layout.addWidget(self.label, 1)
        self.action_button = QPushButton()
        self.action_button.hide()
        layout.addWidget(self.action_button)
        self.close_button = QPushButton("Dismiss")
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button)
        self._action: Callable[[], None] | None = None
        self.action_button.clicked.connect(self._on_action_clicked)
        self.level = "info"
        self.topic: str | None = None
        self.hide()

    def show_message(
        self,
        text: str,
        level: str = "error",
        *,
        action: tuple[str, Callable[[], None]] | None = None,
        topic: str | None = None,
    ) -> None:
        """Show ``text``; ``topic`` names what it is about, so that :meth:`clear` can take it
        back when that is resolved (the model loaded after all, a new review started)."""
        log.info("banner (%s): %s", level, text)
        self.level = level
        self.topic = topic
        background, text_colour, border = _STYLES.get(level, _STYLES["info"])
        self.setStyleSheet(
            f"QFrame#banner {{ background-color: {background}; border: 1px solid {border}; }}"
            f" QFrame#banner QLabel {{ background: transparent; color: {text_colour}; }}"
        )
        self.label.setText(text)
        if action is not None:
            self.action_button.setText(action[0])
            self._action = action[1]
            self.action_button.show()
        else:
            self._action = None
            self.action_button.hide()
        self.show()

    def clear(self, topic: str) -> None:
        """Hide the message if it is about ``topic`` (a newer message on another stays)."""
        if self.isVisible() and self.topic == topic:
            self.hide()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    @Slot()
    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()

    @Slot()
    def _on_action_clicked(self) -> None:
        action = self._action
        self.dismiss()
        if action is not None:
            action()
