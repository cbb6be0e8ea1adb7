"""Progress: coverage and duration over time (pyqtgraph), one line per question with the
topic's daily average on top, and a per-topic table."""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viva.app.services import Services
from viva.bank import Bank
from viva.ui.flow import FlowLayout
from viva.ui.render import plural
from viva.ui.widgets import heading, plain_label
from viva.ui.workers import JobRunner

log = logging.getLogger(__name__)

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777")
DAY_S = 86_400
#: Days between date labels, the first whose labels do not touch at the chart's width.
DAY_STEPS = (1, 2, 3, 7, 14, 28, 56, 91, 182, 365)


class DayAxis(pg.DateAxisItem):
    """A time axis whose ticks always name the day ("3 Dec"), with the time only when zoomed
    in to less than a day."""

    def tickValues(  # noqa: N802 - pyqtgraph API
        self, minVal: float, maxVal: float, size: float  # noqa: N803
    ) -> list[tuple[float, list[float]]]:
        """Day ticks at noon, under the middle of their day (where its daily average is
        drawn): at midnight, "8 Dec" stood beside attempts made late on 7 Dec. Over more than
        a day and a half, one tick every N days, N chosen so that "28 Nov" labels never touch
        (pyqtgraph spaced them for its narrower "Mon 28" and printed "1 Dec3 Dec")."""
        if size > 0 and maxVal - minVal >= 1.5 * DAY_S:
            return [self._day_ticks(minVal, maxVal, size)]
        levels = []
        for spacing, values in super().tickValues(minVal, maxVal, size):
            if spacing >= DAY_S and spacing % DAY_S == 0:
                values = [v + DAY_S / 2 for v in values if minVal <= v + DAY_S / 2 <= maxVal]
            levels.append((spacing, values))
        return self._spread(levels, minVal, maxVal, size)

    def _label_px(self, spacing: float) -> int:
        """The room a tick label at ``spacing`` takes, with a gap, in pixels."""
        sample = "28 Sep" if spacing >= DAY_S / 2 else "28 Sep 00:00"
        return QFontMetrics(self.font()).horizontalAdvance(sample) + 16

    def _day_ticks(self, low: float, high: float, size: float) -> tuple[float, list[float]]:
        label = self._label_px(DAY_S)
        day_px = size * DAY_S / (high - low)
        step = next((k for k in DAY_STEPS if k * day_px >= label), DAY_STEPS[-1])
        day = datetime.fromtimestamp(low).date()
        day = date.fromordinal(day.toordinal() - day.toordinal() % step)  # stable when panned
        values = []
        while (noon := datetime.combine(day, time(12)).timestamp()) <= high:
            if noon >= low:
                values.append(noon)
            day += timedelta(days=step)
        return float(step * DAY_S), values

    def _spread(
        self, levels: list[tuple[float, list[float]]], low: float, high: float, size: float
    ) -> list[tuple[float, list[float]]]:
        """Drop ticks whose labels would touch a kept one: in a narrow chart the week and day
        levels together printed "1 Dec3 Dec". Coarser levels are kept first."""
        if high <= low or size <= 0:
            return levels
        kept: list[float] = []
        out = []
        for spacing, values in levels:
            gap = self._label_px(spacing) * (high - low) / size  # in axis units
            level = []
            for value in values:
                if all(abs(value - k) >= gap for k in kept):
                    kept.append(value)
                    level.append(value)
            out.append((spacing, level))
        return out

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        fmt = "%d %b" if spacing >= DAY_S / 2 else "%d %b %H:%M"
        out = []
        for value in values:
            try:
                out.append(datetime.fromtimestamp(value).strftime(fmt).lstrip("0"))
            except (OverflowError, OSError, ValueError):
                out.append("")
        return out


class ProgressView(QWidget):
    error_occurred = Signal(str)
    progress_loaded = Signal(object)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.progress: Any = None
        #: The question ids drawn as lines, per chart (tests read it).
        self.series: dict[str, list[str]] = {"coverage": [], "duration": []}
        pg.setConfigOptions(antialias=True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        content = QWidget()
        layout = QVBoxLayout(content)
        top = FlowLayout()
        top.addWidget(heading("Progress", 1))
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName("Topic shown in the charts")
        self.topic_box.setToolTip("Topic shown in the charts and counted above them")
        self.topic_box.addItem("All topics", None)
        self.topic_box.currentIndexChanged.connect(self._on_topic_box_current_index_changed)
        top.addWidget(self.topic_box)
        layout.addLayout(top)
        self.counts = plain_label(name="Practised and due questions")
        layout.addWidget(self.counts)
        # One legend for both charts, above them: drawn inside each chart it covered the
        # lines and was cut off in a narrow window.
        self.legend = plain_label(name="Topics in the charts")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.hide()
        layout.addWidget(self.legend)
        charts = QHBoxLayout()
        self.coverage_plot = self._plot("Coverage per attempt", "Coverage (%)")
        self.coverage_plot.setYRange(0, 100)
        charts.addWidget(self.coverage_plot, 1)
        self.duration_plot = self._plot("Answer length per attempt", "Length (s)")
        charts.addWidget(self.duration_plot, 1)
        # Typed answers have no length: with none spoken, say so instead of an empty chart.
        self.duration_empty = plain_label(
            "Answer lengths appear here once you record a spoken answer "
            "(typed answers have no length).",
            name="No answer lengths yet",
        )
        self.duration_empty.setWordWrap(True)
        self.duration_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.duration_empty.hide()
        charts.addWidget(self.duration_empty, 1)
        layout.addLayout(charts, 3)
        self.legend_note = plain_label(
            "Thin lines and dots: each question's attempts. Thick lines and squares: the "
            "topic's daily average.",
            name="How to read the charts",
        )
        layout.addWidget(self.legend_note)
        self.table = QTableWidget(0, 5)
        self.table.setAccessibleName("Per-topic figures")
        self.table.setHorizontalHeaderLabels(
            ["Topic", "Questions practised", "Attempts", "Recent coverage", "Due for review"]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(110)
        layout.addWidget(self.table, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer.addWidget(scroll)
        self._apply_palette()

    def _plot(self, title: str, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(axisItems={"bottom": DayAxis()})
        plot.setTitle(title)
        plot.setLabel("left", left)
        plot.setLabel("bottom", "Date")
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setAccessibleName(title)
        plot.setMinimumHeight(170)
        plot.setMinimumWidth(220)
        return plot

    def _apply_palette(self) -> None:
        """Chart background and ink from the theme (pyqtgraph defaults to black)."""
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        for plot in (self.coverage_plot, self.duration_plot):
            plot.setBackground(base)
            item = plot.getPlotItem()
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setPen(pg.mkPen(text))
                axis.setTextPen(pg.mkPen(text))
            item.titleLabel.setAttr("color", text.name())
            item.titleLabel.setText(item.titleLabel.text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def set_bank(self, bank: Bank) -> None:
        current = self.topic_box.currentData()
        self.topic_box.blockSignals(True)
        self.topic_box.clear()
        self.topic_box.addItem("All topics", None)
        for topic in bank.topics():
            self.topic_box.addItem(topic, topic)
        self.topic_box.setCurrentIndex(max(0, self.topic_box.findData(current)))
        self.topic_box.blockSignals(False)

    def activated(self) -> None:
        bank = self.services.cached_bank
        if bank is not None and self.topic_box.count() <= 1:
            self.set_bank(bank)
        self.refresh()

    @Slot(int)
    def _on_topic_box_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def refresh(self) -> None:
        services = self.services
        topic = self.topic_box.currentData()

        def load(_p: Any, _t: Any) -> tuple[Any, int]:
            from viva.storage.schedule import due_questions

            store = services.open_store()
            try:
                progress = store.progress(topic)
                bank = services.bank()
                due = len(due_questions(store, bank, topic=topic))
            finally:
                store.close()
            return progress, due

        self.jobs.start(
            "progress", load, on_success=self._on_loaded, on_error=self.error_occurred.emit
        )

    def _on_loaded(self, result: tuple[Any, int]) -> None:
        progress, due_today = result
        self.progress = progress
        bank = self.services.cached_bank
        total = len(bank) if bank is not None else 0
        self.counts.setText(
            f"{progress.practised} of {plural(total, 'question')} practised · "
            f"{plural(due_today, 'question')} to practise today "
            f"({plural(progress.due, 'review')} due, {max(0, due_today - progress.due)} new) · "
            f"{plural(progress.attempts, 'attempt')}"
        )
        self.coverage_plot.clear()
        self.duration_plot.clear()
        self.series = {"coverage": [], "duration": []}
        keys = []
        for n, (name, topic) in enumerate(sorted(progress.topics.items())):
            colour = PALETTE[n % len(PALETTE)]
            self._plot_topic(name, topic, colour)
            keys.append(
                f"<span style='color:{colour}'>\u25a0</span>&nbsp;{html.escape(name)}"
            )
        self.legend.setText("&nbsp;&nbsp;&nbsp; ".join(keys))
        self.legend.setVisible(bool(keys))
        self.coverage_plot.setYRange(0, 100)
        spoken = bool(self.series["duration"])
        self.duration_plot.setVisible(spoken)
        self.duration_empty.setVisible(not spoken)
        for plot in (self.coverage_plot, self.duration_plot):
            self._at_least_two_days(plot)
        self._lengths_from_zero()
        self._fill_table(progress)
        self.progress_loaded.emit(progress)

    def _plot_topic(self, name: str, topic: Any, colour: str) -> None:
        """One thin line per question, the topic's daily average as a thick line, both in the
        topic's colour (named in the legend above the charts)."""
        by_question: dict[str, list[Any]] = defaultdict(list)
        for point in topic.points:
            by_question[point.question_id].append(point)
        thin = pg.mkPen(colour, width=1)
        brush = pg.mkBrush(colour)
        for question_id, points in by_question.items():
            for plot, key, value in (
                (self.coverage_plot, "coverage", lambda p: p.coverage * 100),
                (self.duration_plot, "duration", lambda p: p.duration_s),
            ):
                attr = "coverage" if key == "coverage" else "duration_s"
                kept = [p for p in points if getattr(p, attr) is not None]
                if not kept:
                    continue
                plot.plot(
                    [p.started_at.timestamp() for p in kept],
                    [value(p) for p in kept],
                    pen=thin,
                    symbol="o",
                    symbolSize=6,
                    symbolBrush=brush,
                )
                self.series[key].append(question_id)
        daily = topic.daily()
        thick = pg.mkPen(colour, width=3)
        for plot, attr, scale in (
            (self.coverage_plot, "mean_coverage", 100.0),
            (self.duration_plot, "mean_duration_s", 1.0),
        ):
            days = [d for d in daily if getattr(d, attr) is not None]
            if not days:
                continue
            xs = [datetime.combine(d.day, time(12)).timestamp() for d in days]
            ys = [getattr(d, attr) * scale for d in days]
            # A square on each day, so that a single day's average shows (a line of one
            # point draws nothing).
            plot.plot(
                xs, ys, pen=thick, symbol="s", symbolSize=7, symbolBrush=brush, symbolPen=thin
            )

    def _lengths_from_zero(self) -> None:
        """Answer lengths on an axis from 0 (auto-range drew 10.5-10.85 s for two attempts
        0.3 s apart, which looked like a big change)."""
        ys: list[float] = []
        for item in self.duration_plot.getPlotItem().listDataItems():
            data_y = item.getData()[1]
            if data_y is not None:
                ys.extend(float(y) for y in data_y)
        if ys:
            self.duration_plot.setYRange(0, max(ys) * 1.15, padding=0)

    @staticmethod
    def _at_least_two_days(plot: pg.PlotWidget) -> None:
        """Attempts all made on one day would sit on one vertical line with no date under them:
        widen the date axis to a day either side of them."""
        plot.enableAutoRange(axis=pg.ViewBox.XAxis)  # an earlier load may have fixed it
        xs: list[float] = []
        for item in plot.getPlotItem().listDataItems():
            data_x = item.getData()[0]
            if data_x is not None:
                xs.extend(data_x)
        if xs and max(xs) - min(xs) < DAY_S:
            # Centred on the noon of the attempts' day, where its label and average stand.
            day = datetime.fromtimestamp((max(xs) + min(xs)) / 2).date()
            noon = datetime.combine(day, time(12)).timestamp()
            plot.setXRange(noon - DAY_S, noon + DAY_S, padding=0)

    def _fill_table(self, progress: Any) -> None:
        topics = sorted(progress.topics.items())
        self.table.setRowCount(len(topics))
        for row, (name, topic) in enumerate(topics):
            recent = topic.recent_coverage
            cells = [
                name,
                str(topic.practised),
                str(topic.attempts),
                f"{recent:.0%}" if recent is not None else "–",
                str(topic.due),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        if not topics:
            self.table.setRowCount(1)
            self.table.setItem(
                0, 0, QTableWidgetItem("No attempts yet: practise a question and come back here.")
            )
            self.table.setSpan(0, 0, 1, 5)
        else:
            self.table.clearSpans()
