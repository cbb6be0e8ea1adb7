"""Scorer 1.2: bank-wide distinctiveness, the relative off-topic gate, distinguishing partials,
denials, shortest evidence with word times, and tips that never pad a fine answer with advice."""

from __future__ import annotations

import pytest

from viva.bank import KeyPoint, Question, load_builtin_bank
from viva.scoring import score_answer
from viva.scoring.corpus import corpus
from viva.scoring.coverage import score_coverage
from viva.scoring.matching import opposite_forms
from viva.scoring.text import build_answer, stem
from viva.speech.transcript import Transcript, Word


def question(*points: KeyPoint, ask: str = "How do you release models safely?") -> Question:
    return Question(
        id="probe-1-2",
        question=ask,
        topic="testing-deployment",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=list(points),
        target_seconds=(30, 90),
    )


def statuses(q: Question, text: str) -> list[str]:
    """The concept matcher's statuses (lexical evidence for the judge; scorer 1.x's rules)."""
    results, _ = score_coverage(q, build_answer(Transcript.from_text(text)))
    return [r.status for r in results]


def test_common_bank_words_are_common_and_rare_ones_are_not() -> None:
    stats = corpus()
    assert stats.common((stem("monitoring"),))
    assert stats.common((stem("pipeline"),))
    assert not stats.common((stem("canary"),))
    assert not stats.common((stem("kolmogorov"),))


def test_point_made_only_in_common_words_earns_nothing() -> None:
    q = question(
        KeyPoint(
            text="Alert on the pipeline's drift metrics.",
            concepts=[["alerting", "alert"], ["drift metrics", "drift"]],
        )
    )
    # "monitoring" and "drift" are everyday MLOps words: nothing particular has been said.
    assert statuses(q, "We have monitoring for drift.") == ["missed"]


@pytest.mark.xfail(
    reason="known gap of scorers 2.1 and 2.2: the judge reads 'we revoke and rotate a leaked "
    "secret immediately' as blue-green's instant rollback (P(covered) 0.94; 0.71 with scorer 2.0's "
    "judge too) and the relevance, the best window's, does not gate it",
    strict=True,
)
def test_answer_to_another_bank_question_is_off_topic() -> None:
    bank = load_builtin_bank()
    target = bank.get("canary-vs-blue-green")
    other = bank.get("secrets-management")
    assert target is not None
    assert other is not None
    fb = score_answer(target, Transcript.from_text(other.reference_answer))
    assert fb.coverage == 0.0
    assert all(kp.status == "missed" for kp in fb.key_points)
    # Its own reference answer is on topic and covered.
    own = score_answer(target, Transcript.from_text(target.reference_answer))
    assert own.coverage == 1.0
    assert fb.relevance < own.relevance


def test_partial_needs_the_distinguishing_idea() -> None:
    q = question(
        KeyPoint(
            text="A canary sends a small share of live traffic to the new model.",
            concepts=[["small share", "few users"], ["live traffic", "real requests"]],
        ),
        KeyPoint(
            text="Blue-green switches all live traffic at once.",
            concepts=[["switch", "flip"], ["live traffic", "real requests"], ["at once"]],
        ),
    )
    # "live traffic" is shared by both points: saying it alone is no part of either.
    assert statuses(q, "The model gets live traffic in production.") == ["missed", "missed"]
    # The canary's own idea, the small share, makes half of it.
    assert statuses(q, "First only a small share gets the new version.")[0] == "partial"


def test_idea_denied_in_the_same_sentence_voids_the_point() -> None:
    q = question(
        KeyPoint(
            text="Mitigate first by rolling back, then diagnose.",
            concepts=[["rolling back", "roll back"], ["mitigate", "first"]],
        )
    )
    text = "I don't roll back until I understand the problem, because rolling back hides it."
    fb = score_answer(q, Transcript.from_text(text))
    assert fb.key_points[0].status in ("missed", "incorrect")
    assert any("wrong" in tip for tip in fb.tips)


def test_negative_prefix_is_not_an_asr_slip() -> None:
    assert opposite_forms("synchronously", "asynchronous")
    assert opposite_forms("symmetric", "asymmetric")
    assert not opposite_forms("features", "feature")
    q = question(
        KeyPoint(
            text="Mirroring is asynchronous.",
            concepts=[["asynchronous", "async"], ["mirroring", "mirrored"]],
        )
    )
    assert statuses(q, "The mirroring runs synchronously in the request.") != ["covered"]


def test_evidence_is_the_clause_that_made_the_point_with_word_times() -> None:
    q = question(
        KeyPoint(
            text="A canary sends a small share of traffic first.",
            concepts=[["small share", "five percent"], ["traffic", "requests"]],
        )
    )
    said = "Well I like the office. We send five percent of the traffic first. That is it."
    words = [
        Word(w if i == 0 else " " + w, 0.5 * i, 0.5 * i + 0.4) for i, w in enumerate(said.split())
    ]
    transcript = Transcript(text=said, words=tuple(words), duration_s=0.5 * len(words))
    kp = score_answer(q, transcript).key_points[0]
    assert kp.status in ("covered", "partial")
    # The matched words widened to their clause (a few matched words, "healthy you widen",
    # were no quote), and nothing of the sentences around it.
    assert kp.evidence == "We send five percent of the traffic first"
    # "We" is word 5, "first." word 12.
    assert (kp.start_s, kp.end_s) == (2.5, 6.4)


def test_fine_answer_gets_facts_not_generic_advice() -> None:
    bank = load_builtin_bank()
    q = bank.get("canary-vs-blue-green")
    assert q is not None
    fb = score_answer(q, Transcript.from_text(q.reference_answer))
    assert fb.coverage == 1.0
    assert 2 <= len(fb.tips) <= 4
    assert fb.tips[0].startswith(f"All {len(q.key_points)} key points covered")
    generic = ("example from your own work", "short sentence", "easy to follow")
    assert not any(g in tip for tip in fb.tips for g in generic)


def test_tips_are_two_to_four_and_ranked_by_impact() -> None:
    bank = load_builtin_bank()
    q = bank.get("canary-vs-blue-green")
    assert q is not None
    answers = [
        "We send five percent of the traffic to the new model first.",
        "Canary is where you switch everyone over at once.",
        "On weekends I go hiking with my dog and in the evening I cook pasta for friends.",
        q.reference_answer,
    ]
    for text in answers:
        fb = score_answer(q, Transcript.from_text(text))
        assert 2 <= len(fb.tips) <= 4, fb.tips
    wrong = score_answer(
        q,
        Transcript.from_text(
            "With blue-green you shift the traffic little by little. Canary is when you switch "
            "everyone over at once."
        ),
    )
    # Getting a point wrong outranks a point that is merely missing.
    assert "wrong" in wrong.tips[0]
