"""Every keyboard shortcut of the app, in one registry (shown in Help → Keyboard shortcuts)."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


class Shortcut(Enum):
    """Key sequence and description of each action."""

    VIEW_PRACTICE = ("Ctrl+1", "Show Practice")
    VIEW_MOCK = ("Ctrl+2", "Show Mock interview")
    VIEW_REVIEW = ("Ctrl+3", "Show Review")
    VIEW_PROGRESS = ("Ctrl+4", "Show Progress")
    VIEW_BANK = ("Ctrl+5", "Show Bank editor")
    VIEW_SETTINGS = ("Ctrl+6", "Show Settings")
    RECORD = ("Space", "Record / stop the answer")
    PLAY_QUESTION = ("P", "Read the question aloud")
    REPEAT_QUESTION = ("R", "Repeat the question")
    NEXT_QUESTION = ("N", "Next question")
    RETRY = ("Ctrl+R", "Retry the question (keeps earlier attempts)")
    FOLLOW_UP = ("F", "Answer a follow-up question on a point the answer missed")
    LISTEN = ("L", "Listen to the model answer (again to stop)")
    TYPE_ANSWER = ("Ctrl+T", "Type or paste an answer instead of speaking")
    SCORE_TYPED = ("Ctrl+Return", "Score the typed answer")
    SEARCH = ("Ctrl+F", "Search questions")
    ABORT = ("Esc", "Stop the mock interview (asks first)")
    PLAY_PAUSE = ("Ctrl+Space", "Play / pause the recording in Review")
    OPEN_AUDIO = ("Ctrl+O", "Review a recorded answer from a file")
    SAVE_QUESTION = ("Ctrl+S", "Save the question in the bank editor")
    HELP = ("?", "Keyboard shortcuts (also F1)")
    HELP_F1 = ("F1", "Keyboard shortcuts")
    QUIT = ("Ctrl+Q", "Quit")

    @property
    def keys(self) -> str:
        return self.value[0]

    @property
    def description(self) -> str:
        return self.value[1]

    def label(self, text: str) -> str:
        """A button caption with its shortcut, e.g. ``Record (Space)``."""
        return f"{text} ({self.keys})"


def bind(
    shortcut: Shortcut,
    parent: QWidget,
    slot: object,
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut,
) -> QShortcut:
    """Attach ``shortcut`` to ``parent``: by default active in the whole window while ``parent``
    is shown (Qt skips the shortcuts of hidden widgets, so each view's keys work only on its
    page, wherever the focus is; text fields still get the letters they type)."""
    sc = QShortcut(QKeySequence(shortcut.keys), parent)
    sc.setContext(context)
    sc.activated.connect(slot)
    return sc


def help_rows() -> list[tuple[str, str]]:
    """(keys, description) of every shortcut, for the help overlay."""
    return [(s.keys, s.description) for s in Shortcut if s is not Shortcut.HELP_F1]


def help_text() -> str:
    return "\n".join(f"{keys:<14} {description}" for keys, description in help_rows())
