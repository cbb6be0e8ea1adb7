"""Progress over time, per topic: what the Progress view plots.

One indexed query over the attempts (no JSON is parsed) plus one over the cards, so it stays fast
with tens of thousands of attempts (see ``benchmarks/store_scale.py``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from statistics import fmean
from typing import Any, Protocol


class HistoryConnection(Protocol):
    """The history database progress is read from (``AttemptStore`` is one)."""

    @property
    def connection(self) -> sqlite3.Connection: ...


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    """One attempt on the time axis."""

    attempt_id: int
    question_id: str
    started_at: datetime
    coverage: float | None
    duration_s: float | None


@dataclass(frozen=True, slots=True)
class DailyPoint:
    """Attempts of one local calendar day, averaged."""

    day: date
    attempts: int
    mean_coverage: float | None
    mean_duration_s: float | None


@dataclass(frozen=True, slots=True)
class TopicProgress:
    """A topic's series (oldest first) and counts."""

    topic: str
    points: tuple[ProgressPoint, ...]
    practised: int
    due: int

    @property
    def attempts(self) -> int:
        return len(self.points)

    @property
    def recent_coverage(self) -> float | None:
        """Mean coverage of the last 10 attempts."""
        values = [p.coverage for p in self.points[-10:] if p.coverage is not None]
        return fmean(values) if values else None

    def daily(self) -> list[DailyPoint]:
        """The series averaged per local day (for charts over weeks)."""
        days: dict[date, list[ProgressPoint]] = {}
        for point in self.points:
            days.setdefault(point.started_at.astimezone().date(), []).append(point)
        out = []
        for day, points in sorted(days.items()):
            cov = [p.coverage for p in points if p.coverage is not None]
            dur = [p.duration_s for p in points if p.duration_s is not None]
            out.append(
                DailyPoint(
                    day=day,
                    attempts=len(points),
                    mean_coverage=fmean(cov) if cov else None,
                    mean_duration_s=fmean(dur) if dur else None,
                )
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "attempts": self.attempts,
            "practised": self.practised,
            "due": self.due,
            "recent_coverage": self.recent_coverage,
            "series": [
                {
                    "attempt_id": p.attempt_id,
                    "question_id": p.question_id,
                    "started_at": p.started_at.isoformat(),
                    "coverage": p.coverage,
                    "duration_s": p.duration_s,
                }
                for p in self.points
            ],
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """Per-topic progress plus totals; ``due`` counts practised questions whose review is due."""

    topics: dict[str, TopicProgress]
    practised: int
    due: int
    attempts: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "practised": self.practised,
            "due": self.due,
            "attempts": self.attempts,
            "topics": {name: t.to_dict() for name, t in self.topics.items()},
        }


def compute_progress(
    store: HistoryConnection, *, topic: str | None = None, now: datetime | None = None
) -> Progress:
    """Progress of every topic (or just ``topic``), attempts oldest first."""
    now_iso = (
        (now or datetime.now(timezone.utc))
        .astimezone(timezone.utc)
        .isoformat(timespec="microseconds")
    )
    conn = store.connection
    where, args = ("WHERE topic = ? COLLATE NOCASE", (topic,)) if topic else ("", ())
    series: dict[str, list[ProgressPoint]] = {}
    parse = datetime.fromisoformat
    # Answers only: a follow-up is scored on one key point, not the question's coverage.
    answers = f"{where} AND parent_id IS NULL" if where else "WHERE parent_id IS NULL"
    for attempt_id, qid, topic_name, started, coverage, duration in conn.execute(
        "SELECT id, question_id, topic, started_at, coverage, duration_s FROM attempts "
        f"{answers} ORDER BY started_at, id",
        args,
    ):
        series.setdefault(topic_name, []).append(
            ProgressPoint(attempt_id, qid, parse(started), coverage, duration)
        )
    counts: dict[str, tuple[int, int]] = {}
    for topic_name, practised, due in conn.execute(
        f"SELECT topic, count(*), sum(due <= ?) FROM cards {where} GROUP BY topic",
        (now_iso, *args),
    ):
        counts[topic_name] = (int(practised), int(due or 0))
    topics = {
        name: TopicProgress(
            topic=name,
            points=tuple(points),
            practised=counts.get(name, (0, 0))[0],
            due=counts.get(name, (0, 0))[1],
        )
        for name, points in sorted(series.items())
    }
    return Progress(
        topics=topics,
        practised=sum(c[0] for c in counts.values()),
        due=sum(c[1] for c in counts.values()),
        attempts=sum(len(p) for p in series.values()),
    )
