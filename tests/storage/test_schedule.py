"""FSRS scheduling: ratings from coverage and timing, due dates after good and bad attempts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from conftest import make_bank, make_feedback, make_question, make_transcript
from viva.storage.schedule import due_questions, rating_for
from viva.storage.store import AttemptStore

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("coverage", "verdict", "rating"),
    [
        (None, None, Rating.Again),
        (0.0, "on target", Rating.Again),
        (0.39, "on target", Rating.Again),
        (0.4, "on target", Rating.Hard),
        (0.69, "on target", Rating.Hard),
        (0.8, "too short", Rating.Hard),
        (0.95, "too long", Rating.Hard),
        (0.7, "on target", Rating.Good),
        (0.89, "on target", Rating.Good),
        (0.95, None, Rating.Good),
        (0.9, "on target", Rating.Easy),
        (1.0, "on target", Rating.Easy),
    ],
)
def test_rating_mapping(coverage: float | None, verdict: str | None, rating: Rating) -> None:
    assert rating_for(coverage, verdict) == rating


def _attempt(
    store: AttemptStore,
    when: datetime,
    coverage: float,
    verdict: str = "on target",
    qid: str = "canary-release",
) -> None:
    store.add_attempt(
        make_question(qid),
        make_transcript(),
        make_feedback(qid, coverage, verdict),
        started_at=when,
    )


def _due(store: AttemptStore, qid: str = "canary-release") -> datetime:
    return store.cards()[qid].due


def test_good_answers_push_the_question_further_out(store: AttemptStore) -> None:
    _attempt(store, T0, 0.8)
    first = _due(store) - T0
    assert timedelta(days=1) <= first <= timedelta(days=4)
    second_at = T0 + first
    _attempt(store, second_at, 0.8)
    second = _due(store) - second_at
    assert second > first * 2  # the interval grows with every good answer
    assert store.cards()["canary-release"].state == "review"


def test_easy_goes_further_than_good_and_bad_comes_back_today(tmp_path) -> None:
    results = {}
    for name, coverage in (("easy", 0.95), ("good", 0.75), ("hard", 0.5), ("again", 0.1)):
        with AttemptStore.open(tmp_path / name / "viva.sqlite3") as store:
            _attempt(store, T0, coverage)
            results[name] = _due(store) - T0
    assert results["easy"] > results["good"] > results["hard"] >= results["again"]
    assert results["again"] <= timedelta(minutes=10)
    assert results["hard"] < timedelta(hours=1)


def test_a_bad_answer_brings_a_learnt_question_back(store: AttemptStore) -> None:
    _attempt(store, T0, 0.8)
    _attempt(store, _due(store), 0.85)
    learnt_until = _due(store)
    lapse_at = learnt_until + timedelta(days=1)
    _attempt(store, lapse_at, 0.2)
    card = store.cards()["canary-release"]
    assert card.state == "relearning"
    assert card.due - lapse_at <= timedelta(minutes=10)
    assert card.last_rating == Rating.Again


def test_off_target_timing_shortens_the_interval(tmp_path) -> None:
    intervals = {}
    for verdict in ("on target", "too long"):
        with AttemptStore.open(tmp_path / verdict.replace(" ", "-") / "db.sqlite3") as store:
            _attempt(store, T0, 0.8, verdict)
            intervals[verdict] = _due(store) - T0
    assert intervals["too long"] < intervals["on target"]


def test_due_lists_reviews_first_then_new_at_a_steady_pace(store: AttemptStore) -> None:
    bank = make_bank(
        make_question("canary-release"),
        make_question("blue-green", difficulty="advanced"),
        make_question("shadow-deploy", difficulty="intermediate"),
        make_question("drift", topic="monitoring"),
        make_question("alerts", topic="monitoring", difficulty="basic"),
    )
    _attempt(store, T0, 0.1)  # failed: due again within minutes
    due = due_questions(store, bank, now=T0 + timedelta(hours=1), new_per_day=2)
    assert [(d.question_id, d.kind) for d in due] == [
        ("canary-release", "review"),
        # canary-release was new today, so only one more new question; easiest first
        ("drift", "new"),
    ]
    next_day = due_questions(store, bank, now=T0 + timedelta(days=1), new_per_day=2)
    assert [d.kind for d in next_day] == ["review", "new", "new"]
    monitoring = due_questions(store, bank, topic="Monitoring", now=T0 + timedelta(days=1))
    assert {d.question_id for d in monitoring} == {"drift", "alerts"}


def test_an_answer_failed_just_before_midnight_is_due_tonight(store: AttemptStore) -> None:
    """Failed at 23:55 local: due again 00:05, which is tomorrow, yet it belongs in the list
    the user sees at 23:56 (this made a CI run at 23:58 fail)."""
    bank = make_bank(make_question("canary-release"))
    late = datetime(2026, 3, 3, 23, 55).astimezone().astimezone(timezone.utc)
    _attempt(store, late, 0.1)
    due = due_questions(store, bank, now=late + timedelta(minutes=1), new_per_day=0)
    assert [(d.question_id, d.kind) for d in due] == [("canary-release", "review")]
    assert due[0].due > late + timedelta(minutes=5)  # really after local midnight


def test_not_yet_due_questions_are_not_listed(store: AttemptStore) -> None:
    bank = make_bank(make_question("canary-release"))
    _attempt(store, T0, 0.95)
    assert due_questions(store, bank, now=T0 + timedelta(days=1), new_per_day=0) == []
    later = due_questions(store, bank, now=T0 + timedelta(days=30), new_per_day=0)
    assert [d.question_id for d in later] == ["canary-release"]
    assert later[0].last_coverage == 0.95


def test_attempts_added_out_of_order_give_the_same_card(tmp_path) -> None:
    times = [(T0, 0.8), (T0 + timedelta(days=3), 0.3), (T0 + timedelta(days=4), 0.9)]
    cards = []
    for order in (times, list(reversed(times))):
        with AttemptStore.open(tmp_path / str(len(cards)) / "db.sqlite3") as store:
            for when, cov in order:
                _attempt(store, when, cov)
            cards.append(store.cards()["canary-release"])
    assert cards[0].due == cards[1].due
    assert cards[0].card.stability == cards[1].card.stability
