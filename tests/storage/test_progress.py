"""Progress over time per topic, for the Progress view."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from conftest import make_feedback, make_question, make_transcript
from viva.storage.store import AttemptStore

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


def test_progress_series_and_counts(store: AttemptStore) -> None:
    plan = [
        ("canary-release", "deployment", 0, 0.2, 30.0),
        ("canary-release", "deployment", 2, 0.6, 50.0),
        ("blue-green", "deployment", 2, 0.9, 60.0),
        ("drift", "monitoring", 5, 0.5, 70.0),
    ]
    for qid, topic, day, cov, dur in plan:
        store.add_attempt(
            make_question(qid, topic=topic),
            make_transcript(),
            make_feedback(qid, cov, duration_s=dur),
            started_at=T0 + timedelta(days=day),
        )
    progress = store.progress(now=T0 + timedelta(days=5, minutes=5))
    assert progress.attempts == 4
    assert progress.practised == 3
    deployment = progress.topics["deployment"]
    assert [p.coverage for p in deployment.points] == [0.2, 0.6, 0.9]
    assert [p.duration_s for p in deployment.points] == [30.0, 50.0, 60.0]
    assert deployment.practised == 2
    assert [d.attempts for d in deployment.daily()] == [1, 2]
    assert deployment.daily()[1].mean_coverage == 0.75
    assert deployment.recent_coverage == pytest.approx((0.2 + 0.6 + 0.9) / 3)
    # canary-release (Hard on day 2) is due; blue-green (Easy) and drift (Hard 5 min ago) not
    assert deployment.due == 1
    assert progress.topics["monitoring"].due == 0
    assert progress.due == deployment.due
    only = store.progress("Monitoring", now=T0)
    assert list(only.topics) == ["monitoring"]
    assert only.to_dict()["topics"]["monitoring"]["series"][0]["coverage"] == 0.5


def test_progress_of_an_empty_store(store: AttemptStore) -> None:
    progress = store.progress()
    assert (progress.attempts, progress.practised, progress.due) == (0, 0, 0)
    assert progress.topics == {}
