"""The score card at the top of feedback: coverage ring, point chips, delivery tiles, the two
lines "went well / fix next" and the change since the last attempt (with a link to Compare)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from viva.ui import render
from viva.ui.flow import FlowLayout


def theme_colours(widget: QWidget) -> render.Colours:
    """The widget's palette text and background as :class:`render.Colours`."""
    palette = widget.palette()
    return render.Colours(
        text=palette.color(QPalette.ColorRole.Text).name(),
        base=palette.color(QPalette.ColorRole.Base).name(),
    )


class CoverageRing(QWidget):
    """Coverage as a ring filled to its share, coloured by verdict, the percentage inside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coverage = 0.0
        self.verdict = "none"
        self.setFixedSize(QSize(76, 76))
        self.setAccessibleName("Coverage")

    def set_coverage(self, coverage: float, verdict: str) -> None:
        self.coverage = max(0.0, min(1.0, coverage))
        self.verdict = verdict
        self.setToolTip(f"Coverage {self.coverage:.0%} of the key points")
        self.setAccessibleDescription(f"{self.coverage:.0%}")
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        colours = theme_colours(self)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 8.0
        rect = QRectF(self.rect()).adjusted(width, width, -width, -width)
        track = QPen(QColor(render.mix(colours.base, colours.text, 0.15)), width)
        painter.setPen(track)
        painter.drawEllipse(rect)
        accent = render.VERDICT_ACCENT.get(self.verdict, "current")
        pen = QPen(QColor(colours.accent(accent)), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawArc(rect, 90 * 16, -int(self.coverage * 360 * 16))
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        painter.setFont(font)
        painter.setPen(QColor(self.palette().color(QPalette.ColorRole.WindowText)))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, f"{self.coverage:.0%}")
        painter.end()


class Chip(QLabel):
    """A rounded label tinted by its verdict (plain text). The card re-styles its chips when the
    theme changes: a chip's own palette reflects its style sheet, so it cannot read the theme."""

    def __init__(self, text: str, verdict: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.verdict = verdict
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.restyle()

    def restyle(self, colours: render.Colours | None = None) -> None:
        colours = colours or theme_colours(self)
        accent = render.VERDICT_ACCENT.get(self.verdict)
        background = colours.mark(accent) if accent else render.mix(colours.base, colours.text, 0.1)
        self.setStyleSheet(
            f"QLabel {{ background-color: {background}; color: {colours.text}; "
            "border-radius: 9px; padding: 2px 8px; }"
        )


class ScoreCard(QFrame):
    """Feedback at a glance. ``compare_requested`` asks to open Compare with the last attempt."""

    compare_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("score-card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.summary: render.CardSummary | None = None
        #: Whether the change line offers "Compare the two" (not while they are side by side).
        self.compare_link = True
        row = QHBoxLayout(self)
        self.ring = CoverageRing()
        row.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout()
        row.addLayout(column, 1)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setAccessibleName("Coverage")
        column.addWidget(self.headline)
        self.chip_row = FlowLayout()
        column.addLayout(self.chip_row)
        self.went_well = self._line("Went well")
        column.addWidget(self.went_well)
        self.fix_next = self._line("Fix next")
        column.addWidget(self.fix_next)
        self.change = QLabel()
        self.change.setTextFormat(Qt.TextFormat.RichText)
        self.change.setWordWrap(True)
        self.change.setAccessibleName("Change since your last attempt")
        self.change.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.change.linkActivated.connect(self._on_change_link_activated)
        column.addWidget(self.change)
        self.chips: list[Chip] = []

    @staticmethod
    def _line(name: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setAccessibleName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def show_summary(self, summary: render.CardSummary) -> None:
        self.summary = summary
        self.ring.set_coverage(summary.coverage, summary.coverage_verdict)
        total = sum(summary.status_counts.values())
        covered = summary.status_counts.get("covered", 0)
        self.headline.setText(f"Coverage {summary.coverage:.0%}: {covered} of {total} key points")
        self.chip_row.clear()
        self.chips = []
        for status in ("covered", "partial", "missed", "incorrect"):
            count = summary.status_counts.get(status, 0)
            if not count:
                continue
            chip = Chip(
                f"{render.STATUS_MARK[status]} {count} {render.STATUS_LABEL[status]}",
                render.STATUS_VERDICT[status],
            )
            chip.setToolTip("\n".join(f"• {t}" for t in summary.status_points.get(status, [])))
            chip.setAccessibleName(
                f"{render.plural(count, 'key point')} {render.STATUS_LABEL[status]}"
            )
            self._add_chip(chip)
        for tile in summary.tiles:
            chip = Chip(f"{tile.label}: {tile.value}", tile.verdict)
            chip.setToolTip(tile.tooltip)
            chip.setAccessibleName(tile.label)
            self._add_chip(chip)
        self.went_well.setText(f"\u2714 Went well: {summary.went_well}")
        self.went_well.setVisible(summary.went_well is not None)
        self.fix_next.setText(f"\u279c Fix next: {summary.fix_next}")
        self._set_change_text()

    def _set_change_text(self) -> None:
        change = self.summary.change if self.summary is not None else None
        if change:
            text = html.escape(change)
            if self.compare_link:
                link = self.palette().color(QPalette.ColorRole.Link).name()
                text += f" · <a href='compare' style='color:{link}'>Compare the two</a>"
            self.change.setText(text)
            self.change.show()
        else:
            self.change.hide()

    def set_compare_link(self, shown: bool) -> None:
        self.compare_link = shown
        self._set_change_text()

    def _add_chip(self, chip: Chip) -> None:
        self.chips.append(chip)
        self.chip_row.addWidget(chip)
        # Shown now, not by Qt's queued show: the flow layout places visible chips only, and a
        # chip added to a card already on screen would otherwise be laid out as hidden.
        chip.show()
        self.chip_row.invalidate()

    @Slot(str)
    def _on_change_link_activated(self, _link: str) -> None:
        self.compare_requested.emit()

    def chip_texts(self) -> list[str]:
        return [c.text() for c in self.chips]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            # Children get their new palette after this event: draw them from the card's.
            colours = theme_colours(self)
            for chip in self.chips:
                chip.restyle(colours)
            self._set_change_text()
            self.ring.update()
        super().changeEvent(event)
