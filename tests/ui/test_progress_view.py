"""Progress: one line per question, dated axes, counts that read naturally."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]


def _seed(test_bank: Any) -> None:
    """Two questions with attempts on different days, one attempt of a third."""
    from viva.scoring import score_answer
    from viva.speech.transcript import Transcript
    from viva.storage.store import AttemptStore

    now = datetime.now(timezone.utc)
    plan = [
        ("canary-vs-blue-green", 6, "A canary sends a small share of traffic to the new model."),
        (
            "canary-vs-blue-green",
            2,
            "A canary sends five percent of traffic first; blue-green "
            "switches the router back to roll back.",
        ),
        ("model-drift-monitoring", 4, "Drift means the data changes."),
    ]
    with AttemptStore.open() as store:
        for question_id, days, text in plan:
            question = test_bank.get(question_id)
            transcript = Transcript.from_text(text, duration_s=30.0)
            store.add_attempt(
                question,
                transcript,
                score_answer(question, transcript),
                started_at=now - timedelta(days=days),
            )


def test_progress_draws_one_line_per_question_on_dated_axes(
    qtbot: Any, make_window: Any, test_bank: Any
) -> None:
    from viva.ui.progress import DAY_S, plural

    _seed(test_bank)
    window = make_window(sd_module=NoDevices())
    with qtbot.waitSignal(window.view("progress").progress_loaded, timeout=20_000):
        view = window.show_view("progress")
    # One thin line per question (not one per topic joining different questions).
    assert sorted(view.series["coverage"]) == ["canary-vs-blue-green", "model-drift-monitoring"]
    for plot in (view.coverage_plot, view.duration_plot):
        axis = plot.getPlotItem().getAxis("bottom")
        assert axis.labelText == "Date"
        assert plot.getPlotItem().titleLabel.text
        stamp = datetime(2026, 3, 14, 9, 30).timestamp()
        assert axis.tickStrings([stamp], 1.0, DAY_S) == ["14 Mar"]
        assert axis.tickStrings([stamp], 1.0, 3600) == ["14 Mar 09:30"]
    counts = view.counts.text()
    assert "3 attempts" in counts
    assert "1 attempts" not in counts
    assert "1 questions" not in counts
    assert plural(1, "attempt") == "1 attempt"
    assert "new)" in counts  # "N to practise today (M reviews due, K new)"
    # Lengths from 0 (all three are 30 s: auto-range made a flat line look like a change).
    low, high = view.duration_plot.getPlotItem().getViewBox().viewRange()[1]
    assert low == 0
    assert 30 < high < 40
    # One legend above both charts names each topic in its colour; none inside a chart,
    # where it covered the lines and was cut off in a narrow window.
    assert not view.legend.isHidden()
    assert "deployment" in view.legend.text()
    assert "monitoring" in view.legend.text()
    for plot in (view.coverage_plot, view.duration_plot):
        assert plot.getPlotItem().legend is None
    # Date labels never touch: at 200 px for five weeks the week and day ticks printed
    # "1 Dec3 Dec".
    from PySide6.QtGui import QFontMetrics

    axis = view.coverage_plot.getPlotItem().getAxis("bottom")
    low = datetime(2026, 11, 1).timestamp()
    high = low + 35 * DAY_S
    ticks = sorted(v for _spacing, values in axis.tickValues(low, high, 200) for v in values)
    assert ticks
    label = QFontMetrics(axis.font()).horizontalAdvance("28 Sep")
    pixels = [(b - a) * 200 / (high - low) for a, b in zip(ticks, ticks[1:], strict=False)]
    assert all(p > label for p in pixels), pixels
    # The per-topic table: a row per topic with its attempts.
    rows = {view.table.item(r, 0).text(): view.table.item(r, 2).text() for r in range(2)}
    assert rows == {"deployment": "2", "monitoring": "1"}


def test_typed_answers_of_one_day_get_dates_and_no_empty_length_chart(
    qtbot: Any, make_window: Any, test_bank: Any
) -> None:
    """Only typed answers, all today: the length chart gives way to a note (typed answers
    have no length), and the coverage chart spans two days so its dots carry a date."""
    from viva.scoring import score_answer
    from viva.speech.transcript import Transcript
    from viva.storage.store import AttemptStore
    from viva.ui.progress import DAY_S

    question = test_bank.get("canary-vs-blue-green")
    with AttemptStore.open() as store:
        for text in ("A canary sends a small share of traffic first.", "Blue-green switches."):
            transcript = Transcript.from_text(text)  # typed: no duration
            store.add_attempt(question, transcript, score_answer(question, transcript))
    window = make_window(sd_module=NoDevices())
    with qtbot.waitSignal(window.view("progress").progress_loaded, timeout=20_000):
        view = window.show_view("progress")
    assert view.series["coverage"] == ["canary-vs-blue-green"]
    assert view.series["duration"] == []
    assert view.duration_plot.isHidden()
    assert not view.duration_empty.isHidden()
    assert "spoken answer" in view.duration_empty.text()
    low, high = view.coverage_plot.getPlotItem().getViewBox().viewRange()[0]
    assert high - low >= 2 * DAY_S * 0.99
    # Centred on today's noon, where today's label stands ("8 Dec" stood at midnight, beside
    # attempts made late on 7 Dec) and where the daily average is drawn, as a square: a
    # one-point line drew nothing.
    noon = datetime.combine(date.today(), time(12)).timestamp()
    assert abs((low + high) / 2 - noon) < 60
    axis = view.coverage_plot.getPlotItem().getAxis("bottom")
    for spacing, values in axis.tickValues(low, high, 600):
        if spacing >= DAY_S:
            assert values
            assert all(datetime.fromtimestamp(v).hour == 12 for v in values), values
    average = [
        item for item in view.coverage_plot.getPlotItem().listDataItems()
        if item.opts["pen"].width() == 3  # the thick line of the daily average
    ]
    assert average
    assert average[0].opts["symbol"] == "s"
