"""The app's palettes: light, dark or the system's (Fusion style, so both look alike)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def apply_theme(app: QApplication, theme: str) -> None:
    """Light, dark or the system's palette (Fusion style, so both look alike everywhere)."""
    app.setStyle("Fusion")
    if theme == "system":
        hints = QGuiApplication.styleHints()
        scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else None
        dark = scheme is not None and scheme.name == "Dark"
        theme = "dark" if dark else "light"
    if theme == "dark":
        palette = QPalette()
        colours = {
            QPalette.ColorRole.Window: "#202124",
            QPalette.ColorRole.WindowText: "#e8eaed",
            QPalette.ColorRole.Base: "#17181a",
            QPalette.ColorRole.AlternateBase: "#26282b",
            QPalette.ColorRole.Text: "#e8eaed",
            QPalette.ColorRole.Button: "#2b2d31",
            QPalette.ColorRole.ButtonText: "#e8eaed",
            QPalette.ColorRole.Highlight: "#3b82f6",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2b2d31",
            QPalette.ColorRole.ToolTipText: "#e8eaed",
            QPalette.ColorRole.Link: "#93c5fd",
            QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        }
        for role, colour in colours.items():
            palette.setColor(role, QColor(colour))
        app.setPalette(palette)
    else:
        app.setPalette(app.style().standardPalette())
