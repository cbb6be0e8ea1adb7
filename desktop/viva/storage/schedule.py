"""Spaced repetition with FSRS: every question is a card, every scored attempt a review.

Rating of an attempt (coverage = share of key points made, 0..1; verdict = the timing verdict
against the question's target length):

======  ============================================================
Again   coverage < 0.4 (or the attempt could not be scored)
Hard    coverage < 0.7, or coverage >= 0.7 but "too short"/"too long"
Good    coverage >= 0.7 and on target (or no timing, e.g. typed text)
Easy    coverage >= 0.9 and "on target"
======  ============================================================

Scheduling uses ``fsrs.Scheduler`` with one 10-minute (re)learning step and no fuzzing, so the
dates are reproducible: a first Good answer comes back in about 2 days, Easy in about 8, and the
intervals grow with every further good answer; Again brings a question back after 10 minutes (the
same practice day) and sends a learnt question back to relearning.

Follow-ups: a follow-up is not a review of its own (it is asked a minute after its question,
about one key point). It raises the grade of its question's answer by what it recovered, at half
weight: the answer's coverage counts as ``coverage + 0.5 * gain / n``, where ``gain`` is how much
the follow-up's score on the probed point exceeds that point's score in the answer (0 to 1) and
``n`` is the number of key points; capped at 1. A point recalled only when prompted is weaker
recall than a point made unprompted, so it earns half of what saying it the first time would
have. The stored ``last_coverage`` stays the answer's own coverage.

The card of a question is always rebuilt by replaying all of its attempts in order (cheap: a few
microseconds per review), so imports, deletions and re-scores keep it consistent. The cards live
in the ``cards`` table, updated in the same transaction as the attempt.

Questions never practised are introduced at a steady pace: at most ``new_per_day`` (default 3)
new questions per local calendar day, easiest first, in bank order.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal, Protocol

from fsrs import Card, Rating, Scheduler, State

if TYPE_CHECKING:
    from viva.bank import Bank, Question

log = logging.getLogger(__name__)


class CardStore(Protocol):
    """Where the cards are kept (``AttemptStore`` is one)."""

    def cards(self) -> dict[str, CardState]: ...

NEW_PER_DAY = 3
LEARNING_STEP = timedelta(minutes=10)
AGAIN_BELOW = 0.4
GOOD_FROM = 0.7
EASY_FROM = 0.9
ON_TARGET = "on target"
DIFFICULTY_ORDER = {"basic": 0, "intermediate": 1, "advanced": 2}

SCHEDULER = Scheduler(
    learning_steps=(LEARNING_STEP,),
    relearning_steps=(LEARNING_STEP,),
    enable_fuzzing=False,
)

#: Weight of a point recovered in a follow-up, relative to making it in the answer itself.
FOLLOW_UP_WEIGHT = 0.5

RATING_HELP = (
    "Ratings: Again if coverage < 0.4; Hard if coverage < 0.7 or the answer was too short/long; "
    "Good if coverage >= 0.7; Easy if coverage >= 0.9 and on target."
)


def rating_for(coverage: float | None, verdict: str | None) -> Rating:
    """The FSRS rating of one attempt (see the module docstring)."""
    if coverage is None or coverage < AGAIN_BELOW:
        return Rating.Again
    off_target = verdict is not None and verdict != ON_TARGET
    if coverage < GOOD_FROM or off_target:
        return Rating.Hard
    if coverage >= EASY_FROM and verdict == ON_TARGET:
        return Rating.Easy
    return Rating.Good


def graded_coverage(
    coverage: float | None,
    point_scores: Sequence[float],
    recovered: Iterable[tuple[int, float]],
) -> float | None:
    """The coverage an answer is graded by after its follow-ups (see the module docstring).

    ``point_scores``: the answer's score per key point; ``recovered``: (point, 1-based, the
    follow-up's score on it) for each follow-up of the answer.
    """
    if coverage is None or not point_scores:
        return coverage
    best: dict[int, float] = {}
    for point, score in recovered:
        if 1 <= point <= len(point_scores):
            best[point] = max(best.get(point, 0.0), float(score))
    gain = sum(max(0.0, s - float(point_scores[p - 1])) for p, s in best.items())
    if gain <= 0:
        return coverage
    return min(1.0, coverage + FOLLOW_UP_WEIGHT * gain / len(point_scores))


def _has_follow_ups(conn: sqlite3.Connection) -> bool:
    # rebuild_cards also runs inside the v3 migration, before the follow-up columns exist.
    return any(r[1] == "parent_id" for r in conn.execute("PRAGMA table_info(attempts)"))


def _follow_up_gains(
    conn: sqlite3.Connection, question_ids: Sequence[str] | None
) -> dict[int, tuple[list[float], list[tuple[int, float]]]]:
    """For each answer with follow-ups: its point scores and the follow-ups' (point, score)."""
    sql = (
        "SELECT f.parent_id, f.follow_up_point, f.coverage, p.feedback_json FROM attempts f "
        "JOIN attempts p ON p.id = f.parent_id WHERE f.parent_id IS NOT NULL"
    )
    args: list[str] = []
    if question_ids is not None:
        sql += f" AND f.question_id IN ({','.join('?' * len(question_ids))})"
        args = list(question_ids)
    found: dict[int, tuple[list[float], list[tuple[int, float]]]] = {}
    for parent_id, point, coverage, feedback_json in conn.execute(sql, args):
        if point is None or coverage is None:
            continue
        if parent_id not in found:
            try:
                points = json.loads(feedback_json).get("key_points") or []
                scores = [float(kp.get("score") or 0.0) for kp in points]
            except (ValueError, TypeError, AttributeError) as exc:
                log.warning(
                    "attempt %s: unreadable feedback (%s); follow-ups ignored", parent_id, exc
                )
                continue
            found[parent_id] = (scores, [])
        found[parent_id][1].append((int(point), float(coverage)))
    return found


def utc(dt: datetime) -> datetime:
    """``dt`` as an aware UTC datetime (naive values are taken as local time)."""
    return dt.astimezone(timezone.utc)


def _card_id(question_id: str) -> int:
    # fsrs.Card() without an id sleeps 1 ms to make a time-based one; a stable id is better.
    return zlib.crc32(question_id.encode("utf-8"))


def replay(question_id: str, reviews: Iterable[tuple[datetime, Rating]]) -> Card:
    """The card after the given reviews, applied in time order."""
    card = Card(card_id=_card_id(question_id))
    for when, rating in sorted(reviews, key=lambda item: item[0]):
        card, _ = SCHEDULER.review_card(card, rating, utc(when))
    return card


@dataclass(frozen=True, slots=True)
class CardState:
    """A question's spaced-repetition state, as kept in the store."""

    question_id: str
    topic: str
    card: Card
    due: datetime
    first_seen: datetime
    reviews: int
    last_rating: Rating | None
    last_coverage: float | None

    @property
    def state(self) -> str:
        return {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}[
            self.card.state
        ]


def rebuild_cards(conn: sqlite3.Connection, question_ids: Sequence[str] | None = None) -> None:
    """Recompute the ``cards`` rows of ``question_ids`` (all when None) from the attempts.

    Runs inside the caller's transaction. Follow-ups are not reviews: they raise their
    answer's grade (:func:`graded_coverage`).
    """
    follow_ups = _has_follow_ups(conn)
    answers_only = "parent_id IS NULL" if follow_ups else "1"
    ids: list[str] | None = None
    if question_ids is None:
        conn.execute("DELETE FROM cards")
        rows = conn.execute(
            "SELECT id, question_id, topic, started_at, coverage, verdict FROM attempts "
            f"WHERE {answers_only} ORDER BY question_id, started_at, id"
        ).fetchall()
    else:
        ids = list(dict.fromkeys(question_ids))
        if not ids:
            return
        marks = ",".join("?" * len(ids))
        conn.execute(f"DELETE FROM cards WHERE question_id IN ({marks})", ids)
        rows = conn.execute(
            "SELECT id, question_id, topic, started_at, coverage, verdict FROM attempts "
            f"WHERE question_id IN ({marks}) AND {answers_only} "
            "ORDER BY question_id, started_at, id",
            ids,
        ).fetchall()
    gains = _follow_up_gains(conn, ids) if follow_ups else {}
    grouped: dict[str, list[tuple[str, str, float | None, str | None, int]]] = {}
    for attempt_id, qid, topic, started, coverage, verdict in rows:
        grouped.setdefault(qid, []).append((topic, started, coverage, verdict, attempt_id))
    for qid, attempts in grouped.items():
        card = Card(card_id=_card_id(qid))
        rating = Rating.Again
        for _topic, started, coverage, verdict, attempt_id in attempts:
            graded = coverage
            if attempt_id in gains:
                graded = graded_coverage(coverage, *gains[attempt_id])
            rating = rating_for(graded, verdict)
            card, _ = SCHEDULER.review_card(card, rating, utc(datetime.fromisoformat(started)))
        topic, first, last_cov = attempts[-1][0], attempts[0][1], attempts[-1][2]
        conn.execute(
            "INSERT INTO cards (question_id, topic, card_json, due, first_seen, reviews, "
            "last_rating, last_coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                qid,
                topic,
                json.dumps(card.to_dict()),
                utc(card.due).isoformat(timespec="microseconds"),
                first,
                len(attempts),
                int(rating),
                last_cov,
            ),
        )


def card_from_row(row: Sequence[Any]) -> CardState:
    """A :class:`CardState` from a ``cards`` row (question_id, topic, card_json, due, first_seen,
    reviews, last_rating, last_coverage)."""
    qid, topic, card_json, due, first_seen, reviews, last_rating, last_cov = row
    return CardState(
        question_id=str(qid),
        topic=str(topic),
        card=Card.from_dict(json.loads(str(card_json))),
        due=datetime.fromisoformat(str(due)),
        first_seen=datetime.fromisoformat(str(first_seen)),
        reviews=int(reviews),
        last_rating=Rating(int(last_rating)) if last_rating is not None else None,
        last_coverage=float(last_cov) if last_cov is not None else None,
    )


@dataclass(frozen=True, slots=True)
class DueQuestion:
    """One question to practise now: a review that is due, or a new question."""

    question_id: str
    question: Question
    kind: Literal["review", "new"]
    due: datetime | None
    state: str
    reviews: int
    last_coverage: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "question_id": self.question_id,
            "question": self.question.question,
            "topic": self.question.topic,
            "difficulty": self.question.difficulty,
            "kind": self.kind,
            "due": self.due.isoformat() if self.due else None,
            "state": self.state,
            "reviews": self.reviews,
            "last_coverage": self.last_coverage,
        }


def end_of_local_day(now: datetime) -> datetime:
    """Midnight after ``now`` in the local time zone, as UTC."""
    local = now.astimezone()
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(), tzinfo=local.tzinfo)
    return utc(tomorrow)


def start_of_local_day(now: datetime) -> datetime:
    local = now.astimezone()
    return utc(datetime.combine(local.date(), time(), tzinfo=local.tzinfo))


def due_questions(
    store: CardStore,
    bank: Bank,
    *,
    topic: str | None = None,
    now: datetime | None = None,
    new_per_day: int = NEW_PER_DAY,
    include_later_today: bool = True,
) -> list[DueQuestion]:
    """What to practise: due reviews (most overdue first), then up to ``new_per_day`` new ones.

    A review counts as due when its card is due before the end of the local day, or within one
    learning step of ``now`` (an answer failed at 23:55 is due again at 00:05 and still belongs
    in tonight's list); with ``include_later_today=False``, before ``now``. New questions
    already introduced today count against ``new_per_day``. Questions no longer in ``bank``
    are left out.
    """
    now = utc(now) if now else datetime.now(timezone.utc)
    day_end = end_of_local_day(now)
    limit = max(day_end, now + LEARNING_STEP) if include_later_today else now
    wanted_topic = topic.strip().lower() if topic else None
    cards = store.cards()

    def in_topic(question: Question) -> bool:
        return wanted_topic is None or question.topic.lower() == wanted_topic

    due: list[DueQuestion] = []
    for state in sorted(cards.values(), key=lambda c: c.due):
        question = bank.get(state.question_id)
        if question is None or not in_topic(question) or state.due > limit:
            continue
        due.append(
            DueQuestion(
                question_id=state.question_id,
                question=question,
                kind="review",
                due=state.due,
                state=state.state,
                reviews=state.reviews,
                last_coverage=state.last_coverage,
            )
        )
    day_start = start_of_local_day(now)
    introduced_today = sum(
        1 for c in cards.values() if day_start <= c.first_seen < min(limit, day_end)
    )
    slots = max(0, new_per_day - introduced_today)
    fresh = [q for q in bank if q.id not in cards and in_topic(q)]
    fresh.sort(key=lambda q: DIFFICULTY_ORDER.get(q.difficulty, 1))
    for question in fresh[:slots]:
        due.append(
            DueQuestion(
                question_id=question.id,
                question=question,
                kind="new",
                due=None,
                state="new",
                reviews=0,
                last_coverage=None,
            )
        )
    return due
