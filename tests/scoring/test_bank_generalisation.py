"""The engine on the whole built-in bank: every reference answer and key point makes its points,
no ``wrong`` statement is credited, and an answer to another question earns about nothing.

Scores use the coverage core (no timing, no tips) so the whole bank runs in a few seconds.
Known misses are bank wordings the scorer cannot bridge; each is listed with the bank fix it
needs (and reported to the bank writers), and fails as an xfail until the bank is fixed.
"""

from __future__ import annotations

import statistics
from functools import cache

import pytest

from viva.bank import Question, load_builtin_bank
from viva.scoring.coverage import (
    bare_list_items,
    prepared,
    question_vocabulary,
    score_coverage,
    score_point,
)
from viva.scoring.matching import Matcher
from viva.scoring.text import build_answer
from viva.speech.transcript import Transcript

#: (question id, key point index) -> the bank fix it needs. Scorer 1.2 on the enriched bank.
REFERENCE_MISSES: dict[tuple[str, int], str] = {}
KEY_POINT_MISSES: dict[tuple[str, int], str] = {}
WRONG_CREDITED: dict[tuple[str, int], str] = {}


@cache
def bank_questions() -> tuple[Question, ...]:
    return tuple(load_builtin_bank())


def statuses(question: Question, text: str) -> list[str]:
    results, _ = score_coverage(question, build_answer(Transcript.from_text(text)))
    return [r.status for r in results]


def point_status(question: Question, index: int, text: str) -> str:
    """Status of key point ``index`` alone (the others are not scored)."""
    _, specs = prepared(question)
    answer = build_answer(Transcript.from_text(text))
    return score_point(specs[index], Matcher(answer), bare_list_items(answer)).status


def test_bank_is_there() -> None:
    assert len(bank_questions()) >= 20


def _check(
    question: Question, known: dict[tuple[str, int], str], bad: list[tuple[int, str]]
) -> None:
    unexpected = [(i, s) for i, s in bad if (question.id, i) not in known]
    assert not unexpected, f"{question.id}: {unexpected}"
    if bad:
        pytest.xfail(f"known bank wording gaps: {[known[(question.id, i)] for i, _ in bad]}")


def _ids() -> list[str]:
    return [q.id for q in bank_questions()]


@pytest.mark.parametrize("question_id", _ids())
def test_reference_answer_covers_every_point(question_id: str) -> None:
    q = next(q for q in bank_questions() if q.id == question_id)
    got = statuses(q, q.reference_answer)
    bad = [(i, s) for i, s in enumerate(got) if s != "covered"]
    _check(q, REFERENCE_MISSES, bad)


@pytest.mark.parametrize("question_id", _ids())
def test_each_key_point_alone_is_covered(question_id: str) -> None:
    q = next(q for q in bank_questions() if q.id == question_id)
    bad = []
    for i, kp in enumerate(q.key_points):
        s = point_status(q, i, kp.text)
        if s != "covered":
            bad.append((i, s))
    _check(q, KEY_POINT_MISSES, bad)


@pytest.mark.parametrize("question_id", _ids())
def test_wrong_statements_are_not_credited(question_id: str) -> None:
    q = next(q for q in bank_questions() if q.id == question_id)
    bad = []
    for i, kp in enumerate(q.key_points):
        for wrong in kp.wrong:
            s = point_status(q, i, wrong)
            if s != "missed":
                bad.append((i, s))
    _check(q, WRONG_CREDITED, bad)


def test_answer_to_an_unrelated_question_earns_about_nothing() -> None:
    """Reference answer of A against B's key points, for pairs sharing little vocabulary."""
    qs = bank_questions()
    vocab = {q.id: question_vocabulary(q) for q in qs}
    coverages: list[float] = []
    for i, a in enumerate(qs):
        for b in (qs[(i * 7 + 13) % len(qs)], qs[(i * 11 + 29) % len(qs)]):
            overlap = len(vocab[a.id] & vocab[b.id]) / len(vocab[a.id] | vocab[b.id])
            if b.topic == a.topic or overlap > 0.08:
                continue
            results, _ = score_coverage(b, build_answer(Transcript.from_text(a.reference_answer)))
            coverages.append(sum(r.score for r in results) / len(results))
    assert len(coverages) >= 100
    # Scorer 1.1 gave a mean of 0.087 and a maximum of 0.75 (shared MLOps wordings); 1.2
    # weighs wordings by how common they are in the bank and compares the answer's vocabulary
    # with every question's, and gives 0.0 for both.
    assert statistics.fmean(coverages) <= 0.02
    assert max(coverages) <= 0.25
