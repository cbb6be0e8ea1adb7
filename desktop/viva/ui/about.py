"""About Viva: version, licence and the third-party notices (viva/data/THIRD_PARTY_NOTICES.md)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTextBrowser, QVBoxLayout, QWidget

import viva

#: Shipped as package data (in the build too: collect_data_files("viva")).
NOTICES_PATH = Path(viva.__file__).resolve().parent / "data" / "THIRD_PARTY_NOTICES.md"


def notices_text() -> str:
    """The notices in Markdown; a line saying where they should be if the file is missing."""
    try:
        return NOTICES_PATH.read_text(encoding="utf-8")
    except OSError:
        return f"The third-party notices are missing: {NOTICES_PATH} could not be read."


class AboutDialog(QDialog):
    """Viva's version and MIT licence, and every third-party licence, readable in the app."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Viva")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"Viva {viva.__version__}: offline spoken interview practice. MIT licence.\n"
            "The natural voice (piper-tts, GPL-3.0-or-later) runs as a separate program. "
            "Third-party software and models:"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.notices = QTextBrowser()
        self.notices.setAccessibleName("Third-party licences")
        self.notices.setOpenExternalLinks(True)
        self.notices.setMarkdown(notices_text())
        layout.addWidget(self.notices, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 560)
