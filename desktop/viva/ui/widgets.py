"""Widgets shared by the views: meters, the transcript, the feedback panel, the answer recorder."""

from __future__ import annotations

import html
import logging
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from viva.app import services as session
from viva.bank import Question
from viva.scoring.feedback import Feedback
from viva.speech.transcript import Transcript
from viva.ui import render
from viva.ui.scorecard import ScoreCard, theme_colours
from viva.ui.shortcuts import Shortcut
from viva.ui.workers import RecordingResult, RecordingThread, RecordingWorker

log = logging.getLogger(__name__)


def heading(text: str, level: int = 2) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * {1: 1.6, 2: 1.25, 3: 1.05}.get(level, 1.0))
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def plain_label(text: str = "", *, name: str | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setAccessibleName(name)
    return label


class LevelMeter(QWidget):
    """Microphone level, 0-100: a bar painted on ``update()`` (coalesced by Qt).

    A QProgressBar repaints synchronously on every ``setValue``; at ten levels a second that
    kept the GUI thread (and the GIL) busy enough to starve the live transcriber.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0
        self.setMinimumHeight(10)
        self.setMaximumHeight(12)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Microphone level")
        self.setToolTip("Microphone level")

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return 100

    @Slot(float)
    def set_level(self, level: float) -> None:
        value = int(max(0.0, min(1.0, level)) * 100)
        if abs(value - self._value) >= 2 or (value == 0) != (self._value == 0):
            self._value = value
            self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        rect = self.rect().adjusted(0, 0, -1, -1)
        painter.setPen(self.palette().color(QPalette.ColorRole.Mid))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRect(rect)
        width = int((rect.width() - 1) * self._value / 100)
        if width > 0:
            colour = "#16a34a" if self._value < 85 else "#dc2626"
            painter.fillRect(rect.x() + 1, rect.y() + 1, width, rect.height() - 1, QColor(colour))
        painter.end()


#: What Qt passes item delegates.
ModelIndex = QModelIndex | QPersistentModelIndex


def muted_colour(palette: QPalette) -> QColor:
    """Secondary text: the text colour 70 % of the way from the background (above 4.5:1
    contrast in both themes, unlike the palette's placeholder grey)."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor(
        round(0.7 * text.red() + 0.3 * base.red()),
        round(0.7 * text.green() + 0.3 * base.green()),
        round(0.7 * text.blue() + 0.3 * base.blue()),
    )


class TitledRowDelegate(QStyledItemDelegate):
    """List rows drawn as a title and a smaller, muted detail line (the text after the first
    line break), with a gap between rows, so a list of long questions can be scanned. The
    item's text stays whole for screen readers and keyboard search."""

    PAD = 4

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        detail = QFont(option.font)
        if title.pointSizeF() > 0:
            detail.setPointSizeF(max(6.0, title.pointSizeF() * 0.88))
        return title, detail

    def _blocks(
        self, option: QStyleOptionViewItem, index: ModelIndex, width: int
    ) -> tuple[tuple[str, QFont, int], tuple[str, QFont, int]]:
        """(text, font, wrapped height) of the title and of the detail line."""
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        title, _, detail = text.partition("\n")
        title_font, detail_font = self._fonts(option)
        box = QRect(0, 0, width, 10_000)
        flags = int(Qt.TextFlag.TextWordWrap)

        def height(words: str, font: QFont) -> int:
            return QFontMetrics(font).boundingRect(box, flags, words).height() if words else 0

        return (
            (title, title_font, height(title, title_font)),
            (detail, detail_font, height(detail, detail_font)),
        )

    def _text_width(self, option: QStyleOptionViewItem) -> int:
        width = option.rect.width()
        view = option.widget
        if width <= 0 and isinstance(view, QListWidget):
            width = view.viewport().width()
        return max(40, width - 2 * self.PAD)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        width = self._text_width(option)
        (_, _, top), (_, _, bottom) = self._blocks(option, index, width)
        return QSize(width + 2 * self.PAD, top + bottom + 3 * self.PAD)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        view = opt.widget
        style = view.style() if view is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, view)
        width = self._text_width(opt)
        (title, title_font, top), (detail, detail_font, bottom) = self._blocks(opt, index, width)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        flags = int(Qt.TextFlag.TextWordWrap)
        x = opt.rect.x() + self.PAD
        y = opt.rect.y() + self.PAD
        painter.save()
        painter.setFont(title_font)
        painter.setPen(palette.color(role))
        painter.drawText(QRect(x, y, width, top), flags, title)
        if detail:
            painter.setFont(detail_font)
            painter.setPen(palette.color(role) if selected else muted_colour(palette))
            painter.drawText(QRect(x, y + top, width, bottom), flags, detail)
        painter.restore()


class TimeBar(QProgressBar):
    """Elapsed time against the target: green, amber near the upper bound, red past it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Answer time against the target")
        self.target: tuple[int, int] = (60, 120)
        self.state = "ok"
        self._shown_second: int | None = None
        self.setRange(0, 1000)
        self.set_elapsed(0.0)

    def set_target(self, target: tuple[int, int]) -> None:
        self.target = (int(target[0]), int(target[1]))
        self.set_elapsed(0.0)

    def set_elapsed(self, seconds: float) -> None:
        # Redraw once per shown second only: QProgressBar repaints synchronously.
        whole = int(seconds)
        if whole == self._shown_second and seconds > 0:
            return
        self._shown_second = whole
        high = self.target[1]
        span = high * 1.25
        self.setValue(int(min(1.0, seconds / span) * 1000))
        if seconds > high:
            state, colour = "over", "#dc2626"
        elif seconds >= high - max(10.0, 0.15 * high):
            state, colour = "near", "#f59e0b"
        else:
            state, colour = "ok", "#16a34a"
        if state != self.state or not self.styleSheet():
            self.state = state
            self.setStyleSheet(f"QProgressBar::chunk {{ background-color: {colour}; }}")
        self.setFormat(
            f"{render.format_seconds(seconds)}  (target {render.format_target(self.target)})"
        )


class TranscriptView(QTextBrowser):
    """A transcript whose words can be highlighted and clicked (``word_clicked(index)``).

    Drawn in the palette's text colour on its base colour, re-drawn when the theme changes.
    """

    word_clicked = Signal(int)

    def __init__(self, name: str = "Transcript", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName(name)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.tokens: list[render.Token] = []
        self.fillers: set[int] = set()
        self.pauses: dict[int, float] = {}
        self.highlight: set[int] = set()
        self.current: int | None = None
        self.links = False
        self.setMinimumHeight(70)

    def set_transcript(
        self,
        transcript: Transcript | None,
        feedback: Feedback | None = None,
        *,
        links: bool = False,
    ) -> None:
        self.tokens = render.tokens_of(transcript) if transcript else []
        timing = feedback.timing if feedback is not None else None
        self.fillers = render.filler_indices(self.tokens, timing.fillers if timing else ())
        self.pauses = render.pause_after(self.tokens, timing.long_pauses if timing else ())
        self.highlight = set()
        self.current = None
        self.links = links
        self._render()

    def set_highlight(self, indices: set[int]) -> None:
        self.highlight = indices
        self._render()
        if indices:
            self.scrollToAnchor(f"w:{min(indices)}")

    def set_current(self, index: int | None) -> None:
        if index != self.current:
            self.current = index
            self._render()

    def word_at_time(self, seconds: float) -> int | None:
        last = None
        for i, token in enumerate(self.tokens):
            if token.start is None:
                return None
            if token.start <= seconds:
                last = i
            else:
                break
        if last is not None:
            token = self.tokens[last]
            if token.end is not None and seconds > token.end + 0.6:
                return None
        return last

    def _render(self) -> None:
        bar = self.verticalScrollBar().value()
        self.setHtml(
            render.transcript_html(
                self.tokens,
                fillers=self.fillers,
                highlight=self.highlight,
                current=self.current,
                pauses=self.pauses,
                links=self.links,
                colours=theme_colours(self),
            )
        )
        self.verticalScrollBar().setValue(bar)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._render()
        super().changeEvent(event)

    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("w:"):
            self.word_clicked.emit(int(text[2:]))


class ThemedBrowser(QTextBrowser):
    """Rich text drawn by ``render`` again whenever this widget's palette changes (a parent's
    palette event comes before its children's palettes are updated)."""

    def __init__(self, render: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._render = render

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._render()
        super().changeEvent(event)


DETAILS_TEXT = "Details: key points, your answer, timing, tips, reference"
#: The caption when the full one does not fit (a narrow Compare pane): a whole word rather
#: than a caption cut off mid-list.
DETAILS_SHORT = "Details"
#: The key-point list's greatest height where the panel is not in a scroll area (Practice).
POINTS_CAP = 260


class FeedbackPanel(QFrame):
    """The score card, then the details (collapsible): key points, transcript, timing, tips
    and the reference answer. ``compare_requested`` comes from the card's Compare link."""

    compare_requested = Signal()
    #: The sentence of the reference answer being read aloud (its index), -1 when done.
    reading_changed = Signal(int)
    #: A problem with reading the reference aloud, for the window's banner.
    error_occurred = Signal(str)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        links: bool = False,
        jobs: Any = None,
        scrolled: bool = False,
    ) -> None:
        super().__init__(parent)
        self.links = links
        #: The panel sits in a scroll area (Review): the key points and the reference answer
        #: take their full height, since capped they would be scroll boxes inside a scroll box.
        self.scrolled = scrolled
        #: A JobRunner for the reference's evidence; without one it is computed in place.
        self.jobs = jobs
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.card = ScoreCard()
        self.card.compare_requested.connect(self.compare_requested)
        layout.addWidget(self.card)
        # Kept for callers and tests that read the headline.
        self.coverage_label = self.card.headline
        self.details_button = QToolButton()
        self.details_button.setText(DETAILS_TEXT)
        self.details_button.setToolTip(DETAILS_TEXT)
        # Elided to the panel's width (resizeEvent): at its full length it set the panel's
        # minimum width, and Review's narrow pane scrolled sideways at 800x600.
        self.details_button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setCheckable(True)
        self.details_button.setChecked(True)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow)
        self.details_button.setAutoRaise(True)
        self.details_button.setAccessibleName("Show or hide the details")
        self.details_button.toggled.connect(self._on_details_button_toggled)
        layout.addWidget(self.details_button)
        self.details = QWidget()
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.details)
        details.addWidget(heading("Key points (click one to see where you made it)", 3))
        self.points = QListWidget()
        self.points.setAccessibleName("Key points")
        self.points.setWordWrap(True)
        self.points.currentRowChanged.connect(self._on_points_current_row_changed)
        details.addWidget(self.points)
        details.addWidget(heading("Your answer", 3))
        self.transcript = TranscriptView("Your answer")
        self.transcript.setMaximumHeight(160)
        details.addWidget(self.transcript)
        details.addWidget(heading("Timing and delivery", 3))
        self.timing = plain_label(name="Timing and delivery")
        details.addWidget(self.timing)
        details.addWidget(heading("Tips", 3))
        self.tips = plain_label(name="Tips")
        details.addWidget(self.tips)
        reference_row = QHBoxLayout()
        legend = "Reference answer (missed points in red, partial in amber, wrong in violet)"
        reference_row.addWidget(heading(legend, 3), 1)
        self.listen_button = QPushButton(Shortcut.LISTEN.label("Listen"))
        self.listen_button.setToolTip(
            "Hear the model answer in the interviewer's voice; the sentence being read is "
            "underlined"
        )
        self.listen_button.setAccessibleName("Listen to the model answer")
        self.listen_button.clicked.connect(self.toggle_listening)
        self.listen_button.hide()  # until a voice is set
        reference_row.addWidget(self.listen_button)
        details.addLayout(reference_row)
        self.reference = ThemedBrowser(self._render_reference)
        self.reference.setAccessibleName("Reference answer")
        self.reference.setMinimumHeight(70)
        if scrolled:
            self.reference.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            # As tall as its text at the pane's width, whenever the text or the width changes.
            self.reference.document().documentLayout().documentSizeChanged.connect(
                self._fit_reference
            )
        else:
            self.reference.setMaximumHeight(200)
        details.addWidget(self.reference)
        self.feedback: Feedback | None = None
        self.question: Question | None = None
        self.reference_evidence: tuple[str | None, ...] = ()
        self._spans: list[set[int]] = []
        self._voice: Any = None  # Services: speaker() and stop_speaking()
        #: Character span of the reference sentence being read aloud, if any.
        self.reading: tuple[int, int] | None = None
        self._reading_spans: list[tuple[int, int]] = []
        self.listening = False

    def set_voice(self, services: Any) -> None:
        """Offer "Listen" (the reference answer read aloud by ``services.speaker()``)."""
        self._voice = services
        self.listen_button.setVisible(services is not None and self.jobs is not None)

    @Slot()
    def toggle_listening(self) -> None:
        """Read the reference answer aloud, highlighting each sentence; again to stop."""
        if self.listening:
            self.stop_listening()
            return
        if self.question is None or self._voice is None or self.jobs is None:
            return
        from viva.speech.speaker import sentence_spans

        text = self.question.reference_answer
        self._reading_spans = sentence_spans(text)
        if not self._reading_spans:
            return
        services = self._voice
        self.listening = True
        self.listen_button.setText("Stop listening (L)")
        question = self.question

        def read(progress: Callable[[float], None], _token: Any) -> int:
            # Progress carries the index of the sentence that starts playing.
            return int(services.speaker().read_aloud(text, lambda i: progress(float(i))))

        self.jobs.start(
            "read-aloud",
            read,
            on_success=lambda _n: self._on_listening_done(),
            on_error=lambda message: self._on_listening_failed(message),
            on_progress=lambda i, q=question: self._on_sentence(q, int(i)),
        )

    def stop_listening(self) -> None:
        if self.listening and self._voice is not None:
            self._voice.stop_speaking()

    def _on_sentence(self, question: Question, index: int) -> None:
        if self.question is not question or not 0 <= index < len(self._reading_spans):
            return
        self.reading = self._reading_spans[index]
        self._render_reference()
        self.reading_changed.emit(index)

    def _on_listening_done(self) -> None:
        self.listening = False
        self.listen_button.setText(Shortcut.LISTEN.label("Listen"))
        self.reading = None
        self._render_reference()
        self.reading_changed.emit(-1)

    def _on_listening_failed(self, message: str) -> None:
        self._on_listening_done()
        self.error_occurred.emit(message)

    def clear(self) -> None:
        self.stop_listening()
        self.feedback = None
        self.question = None
        self.coverage_label.setText("")
        self.points.clear()
        self.transcript.set_transcript(None)
        self.timing.setText("")
        self.tips.setText("")
        self.reference.clear()

    def show_feedback(
        self,
        question: Question,
        transcript: Transcript,
        feedback: Feedback,
        *,
        previous: Feedback | None = None,
        reference_evidence: Sequence[str | None] | None = None,
    ) -> None:
        """Show ``feedback``; ``previous`` is the last attempt's at this question (for the card's
        change line), ``reference_evidence`` where the reference makes each point (computed and
        cached by :func:`viva.app.services.reference_evidence` when not given)."""
        if self.question is not question:
            self.stop_listening()
        self.feedback = feedback
        self.question = question
        self.card.show_summary(render.summarize(feedback, previous))
        self.transcript.set_transcript(transcript, feedback, links=self.links)
        self.points.clear()
        self._spans = []
        for point in feedback.key_points:
            mark = render.STATUS_MARK.get(point.status, "?")
            label = render.STATUS_LABEL.get(point.status, point.status).upper()
            text = f"{mark}  {label}: {point.text}"
            closest = point.closest
            if point.status == "incorrect" and point.evidence:
                text += f"\n      you said: \u201c{point.evidence}\u201d"
            elif point.status == "missed" and closest:
                near = render.shorten(closest, 90)
                text += f"\n      not clearly made; closest: \u201c{near}\u201d"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, point.status)
            if point.status == "incorrect":
                tip = f"Stated wrongly: \u201c{point.evidence or ''}\u201d"
            elif point.status == "missed" and closest:
                tip = (
                    f"Closest you came: \u201c{closest}\u201d. If you meant this point there, "
                    "say it more directly: the judge was not sure."
                )
            else:
                tip = point.evidence or "not found in your answer"
            item.setToolTip(tip)
            self.points.addItem(item)
            self._spans.append(
                render.find_span(self.transcript.tokens, point.evidence, point.start_s, point.end_s)
            )
        self._fit_points()
        self.timing.setText("\n".join(render.timing_lines(feedback.timing)))
        tips = list(feedback.tips)
        self.tips.setText("\n".join(f"• {tip}" for tip in tips) if tips else "No tips: well done.")
        if reference_evidence is None:
            reference_evidence = session.cached_reference_evidence(question)
        if reference_evidence is None and self.jobs is not None:
            # Off the GUI thread and after the feedback: the marks appear a moment later.
            self.reference_evidence = ()
            self.jobs.start(
                "reference-evidence",
                lambda _p, _t, q=question: session.reference_evidence(q),
                on_success=lambda found, q=question: self._on_reference_found(q, found),
            )
        else:
            if reference_evidence is None:
                reference_evidence = session.reference_evidence(question)
            self.reference_evidence = tuple(reference_evidence)
        self._render_reference()

    def _on_reference_found(self, question: Question, found: tuple[str | None, ...]) -> None:
        if self.question is question:
            self.reference_evidence = tuple(found)
            self._render_reference()

    def _fit_points(self) -> None:
        points = self.points
        rows = points.count()
        # Rows as laid out at the list's width (wrapped rows are taller); sizeHintForRow
        # alone gives one line per row however narrow the pane.
        height = sum(points.sizeHintForRow(i) for i in range(rows))
        if rows and points.isVisible():
            points.doItemsLayout()
            last = points.visualRect(points.model().index(rows - 1, 0))
            height = max(height, last.bottom() + 1 + points.verticalOffset())
        height += 2 * points.frameWidth() + 6
        if not self.scrolled:
            height = min(POINTS_CAP, height)
        self.points.setFixedHeight(max(40, height))

    def _render_reference(self) -> None:
        if self.question is None or self.feedback is None:
            return
        self.reference.setHtml(
            render.reference_html(
                self.question.reference_answer,
                self.feedback.key_points,
                self.reference_evidence,
                colours=theme_colours(self.reference),
                reading=self.reading,
            )
        )

    @Slot()
    def _fit_reference(self) -> None:
        view = self.reference
        height = math.ceil(view.document().size().height()) + 2 * view.frameWidth() + 2
        view.setFixedHeight(max(70, height))

    def select_point(self, row: int) -> None:
        self.points.setCurrentRow(row)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        room = max(80, self.width() - 48)  # the arrow and the margins
        metrics = self.details_button.fontMetrics()
        fits = metrics.horizontalAdvance(DETAILS_TEXT) <= room
        self.details_button.setText(DETAILS_TEXT if fits else DETAILS_SHORT)
        if event.size().width() != event.oldSize().width():
            self._fit_points()  # wrapped rows change height with the width

    @Slot(bool)
    def _on_details_button_toggled(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )

    @Slot(int)
    def _on_points_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._spans):
            self.transcript.set_highlight(self._spans[row])


def summary_html(rows: list[tuple[str, str]]) -> str:
    return "".join(f"<b>{html.escape(k)}</b> {html.escape(v)}<br>" for k, v in rows)


class AnswerRecorder(QObject):
    """Records one answer on a QThread; elapsed time ticks on the GUI thread."""

    level_changed = Signal(float)
    partial_changed = Signal(str)
    elapsed_changed = Signal(float)
    recorded = Signal(object)
    failed = Signal(str)
    stopped = Signal()
    #: A recording has begun (other views stop their background transcription for it).
    started = Signal()

    def __init__(self, services: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._thread: RecordingThread | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._started_at = 0.0
        self.stop_pressed_at: float | None = None
        self.limit_s: float | None = None
        self.question: Question | None = None

    @property
    def recording(self) -> bool:
        return self._thread is not None

    def elapsed(self) -> float:
        return time.perf_counter() - self._started_at if self.recording else 0.0

    def start(
        self, question: Question | None, *, live: bool = True, limit_s: float | None = None
    ) -> None:
        if self._thread is not None:
            return
        self.question = question
        self.limit_s = limit_s
        self.stop_pressed_at = None

        def make_live(on_partial: Any, on_commit: Any) -> Any:
            return self.services.make_live(question, on_partial, on_commit)

        def make_recorder(on_chunk: Any) -> Any:
            return self.services.make_recorder(on_chunk, question.id if question else None)

        worker = RecordingWorker(make_recorder, make_live if live else None)
        worker.level_changed.connect(self.level_changed)
        worker.partial_changed.connect(self.partial_changed)
        worker.recorded.connect(self._on_worker_recorded)
        worker.failed.connect(self._on_worker_failed)
        thread = RecordingThread(worker, self)
        thread.finished.connect(self._on_thread_finished)
        self._thread = thread
        self._started_at = time.perf_counter()
        self._timer.start()
        thread.start()
        self.started.emit()

    def stop(self) -> None:
        if self._thread is not None and self.stop_pressed_at is None:
            self.stop_pressed_at = time.perf_counter()
            self._timer.stop()
            self._thread.stop()

    @Slot()
    def _on_timer_timeout(self) -> None:
        elapsed = self.elapsed()
        self.elapsed_changed.emit(elapsed)
        if self.limit_s is not None and elapsed >= self.limit_s:
            self.stop()

    @Slot(object)
    def _on_worker_recorded(self, result: RecordingResult) -> None:
        self.recorded.emit(result)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        self._timer.stop()
        self.failed.emit(message)

    @Slot()
    def _on_thread_finished(self) -> None:
        self._timer.stop()
        self._thread = None
        self.stopped.emit()


def expanding(widget: QWidget) -> QWidget:
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return widget


def audio_exists(path: str | Path | None) -> bool:
    return bool(path) and Path(str(path)).is_file()
