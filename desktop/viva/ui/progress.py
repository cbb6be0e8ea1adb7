"""Progress: coverage and duration over time per topic (pyqtgraph), practised and due counts."""

from __future__ import annotations

import logging
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QVBoxLayout, QWidget

from viva.bank import Bank
from viva.ui.session import Services
from viva.ui.widgets import heading, plain_label
from viva.ui.workers import JobRunner

log = logging.getLogger(__name__)

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777")


class ProgressView(QWidget):
    error_occurred = Signal(str)
    progress_loaded = Signal(object)

    def __init__(self, services: Services, jobs: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.jobs = jobs
        self.progress: Any = None
        pg.setConfigOptions(antialias=True, background="w", foreground="#222222")
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Progress", 1))
        top.addStretch(1)
        top.addWidget(plain_label("Topic:"))
        self.topic_box = QComboBox()
        self.topic_box.setAccessibleName("Topic shown in the charts")
        self.topic_box.addItem("All topics", None)
        self.topic_box.currentIndexChanged.connect(self._on_topic_box_current_index_changed)
        top.addWidget(self.topic_box)
        layout.addLayout(top)
        self.counts = heading("", 2)
        self.counts.setAccessibleName("Practised and due questions")
        layout.addWidget(self.counts)
        self.coverage_plot = self._plot("Coverage per attempt (%)", "coverage (%)")
        self.coverage_plot.setYRange(0, 100)
        layout.addWidget(self.coverage_plot, 1)
        self.duration_plot = self._plot("Answer duration per attempt (s)", "duration (s)")
        layout.addWidget(self.duration_plot, 1)
        self.topics_label = plain_label(name="Per-topic figures")
        layout.addWidget(self.topics_label)

    def _plot(self, title: str, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        plot.setTitle(title)
        plot.setLabel("left", left)
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.addLegend(offset=(10, 10))
        plot.setAccessibleName(title)
        plot.setMinimumHeight(180)
        return plot

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
            f"{progress.practised} of {total} questions practised · {due_today} to practise "
            f"today ({progress.due} reviews due) · {progress.attempts} attempts"
        )
        self.coverage_plot.clear()
        self.duration_plot.clear()
        lines: list[str] = []
        for n, (name, topic) in enumerate(sorted(progress.topics.items())):
            colour = PALETTE[n % len(PALETTE)]
            xs = [p.started_at.timestamp() for p in topic.points if p.coverage is not None]
            ys = [p.coverage * 100 for p in topic.points if p.coverage is not None]
            pen = pg.mkPen(colour, width=2)
            brush = pg.mkBrush(colour)
            if xs:
                self.coverage_plot.plot(
                    xs, ys, pen=pen, symbol="o", symbolSize=7, symbolBrush=brush, name=name
                )
            dx = [p.started_at.timestamp() for p in topic.points if p.duration_s is not None]
            dy = [p.duration_s for p in topic.points if p.duration_s is not None]
            if dx:
                self.duration_plot.plot(
                    dx, dy, pen=pen, symbol="o", symbolSize=7, symbolBrush=brush, name=name
                )
            recent = topic.recent_coverage
            lines.append(
                f"{name}: {topic.attempts} attempts, {topic.practised} questions practised, "
                f"{topic.due} due"
                + (f", recent coverage {recent:.0%}" if recent is not None else "")
            )
        self.coverage_plot.setYRange(0, 100)
        self.topics_label.setText(
            "\n".join(lines) or "No attempts yet: practise a question and come back here."
        )
        self.progress_loaded.emit(progress)
