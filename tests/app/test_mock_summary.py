"""The mock interview's summary figures, computed without a window (viva.app.mock)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.app.followups import answered_follow_up
from viva.app.mock import MockPlan, pick_questions, summarise
from viva.app.services import SavedAttempt
from viva.bank import Question, load_builtin_bank
from viva.scoring import score_answer
from viva.speech.transcript import Transcript

BANK = load_builtin_bank()


def _scored(question_id: str, text: str, seconds: float) -> SavedAttempt:
    question = BANK.get(question_id)
    assert question is not None
    feedback = score_answer(question, Transcript.from_text(text, duration_s=seconds))
    return SavedAttempt(question, Transcript.from_text(text), feedback, 1, None)


def test_summary_counts_answers_time_and_orders_weak_points() -> None:
    full = BANK.get("canary-vs-blue-green")
    assert full is not None
    strong = _scored("canary-vs-blue-green", full.reference_answer, 70.0)
    weak = _scored(
        "canary-vs-blue-green", "A canary sends a small share of traffic to the new model.", 6.0
    )
    summary = summarise(3, {0: strong, 2: weak})
    assert (summary.asked, summary.answered, summary.not_reached) == (3, 2, 1)
    assert summary.answers == (strong, weak)
    expected = (strong.feedback.coverage + weak.feedback.coverage) / 2
    assert summary.mean_coverage == pytest.approx(expected)
    assert summary.speaking_s == pytest.approx(
        sum(s.feedback.timing.duration_s or 0 for s in (strong, weak))
    )
    assert 0 <= summary.on_target <= 2
    # Every point the short answer did not make is listed, stated wrongly before missed before
    # partly made, and none of them is a covered one.
    assert summary.weak
    assert all(w.status != "covered" for w in summary.weak)
    ranks = [{"incorrect": 0, "missed": 1, "partial": 2}[w.status] for w in summary.weak]
    assert ranks == sorted(ranks)
    assert {w.question for w in summary.weak} <= {full.question}
    assert summary.follow_ups == summary.follow_ups_made == 0


def test_summary_shows_what_the_follow_up_found() -> None:
    weak = _scored(
        "canary-vs-blue-green", "A canary sends a small share of traffic to the new model.", 6.0
    )
    follow_up = weak.feedback.follow_up
    assert follow_up is not None
    answered = answered_follow_up(weak.question, follow_up, 2)
    summary = summarise(1, {0: replace(weak, follow_up=answered)})
    assert (summary.follow_ups, summary.follow_ups_made) == (1, 1)
    probed = [w for w in summary.weak if w.follow_up_status is not None]
    assert len(probed) == 1
    assert probed[0].text == weak.question.key_points[follow_up.point - 1].text
    assert probed[0].follow_up_status == "covered"


def test_nothing_scored_has_no_mean() -> None:
    summary = summarise(2, {})
    assert (summary.answered, summary.not_reached) == (0, 2)
    assert summary.mean_coverage is None
    assert summary.speaking_s is None
    assert summary.weak == ()


def test_pick_questions_by_topic_and_due_first() -> None:
    topic = next(iter(BANK)).topic
    picked = pick_questions(BANK, 3, "topic", topic=topic)
    assert 1 <= len(picked) <= 3
    assert all(q.topic == topic for q in picked)
    due = [q.id for q in list(BANK)[:2]]
    chosen = pick_questions(BANK, 4, "due", due=due)
    assert [q.id for q in chosen[:2]] == due
    assert len({q.id for q in chosen}) == len(chosen) == 4
    plan = MockPlan(tuple(chosen), thinking_s=5, limit_s=120)
    assert plan.follow_ups
    assert all(isinstance(q, Question) for q in plan.questions)
