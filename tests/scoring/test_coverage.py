"""Key-point coverage on the built-in bank: paraphrases, keyword lists, wrong statements, slips."""

from __future__ import annotations

import pytest

from viva.scoring import score_answer
from viva.speech.transcript import Transcript


def statuses(question, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [kp.status for kp in score_answer(question, Transcript.from_text(text)).key_points]


def test_strong_answer_covers_every_point(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("canary-vs-blue-green")
    text = (
        "With a canary you send a small slice of the traffic, like two percent, to the new "
        "model. You watch the error rate and if it holds up you ramp it up gradually. "
        "Blue-green is two identical production environments and you flip the load balancer "
        "so all the traffic moves in one go. Rollback is instant, you just flip back, but you "
        "pay for double the infrastructure."
    )
    assert statuses(q, text) == ["covered"] * 4


def test_paraphrase_without_the_keywords_is_credited(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("canary-vs-blue-green")
    text = "We roll it out to 5% of users first and only then to everybody else."
    assert statuses(q, text)[0] in ("covered", "partial")


@pytest.mark.xfail(
    reason="known gap of scorers 2.1 and 2.2: after the bare list is cut out, the judge still "
    "reads 'You need to track all of these metrics' as partly making each "
    "'Track ... metrics' point",
    strict=True,
)
def test_keyword_list_is_not_credited(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("monitoring-importance-metrics")
    fb = score_answer(
        q,
        Transcript.from_text(
            "Monitoring is key. Accuracy, drift, latency, throughput, KPIs, alerts. You need "
            "to track all of these metrics, basically."
        ),
    )
    assert fb.coverage == 0.0
    assert all(kp.evidence is None for kp in fb.key_points)


def test_wrong_statement_is_not_credited(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("canary-vs-blue-green")
    text = (
        "With blue-green you shift the traffic little by little. Canary is when you switch "
        "everyone over at once."
    )
    result = statuses(q, text)
    # Stated wrongly: never credited; the canary point is quoted as wrong.
    assert result[0] == "incorrect"
    assert result[2] in ("missed", "incorrect")
    fb = score_answer(q, Transcript.from_text(text))
    assert "wrong" in fb.tips[0]
    assert "at once" in (fb.key_points[0].evidence or "")


def test_denied_point_is_not_credited(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("automated-retraining")
    text = "We retrain by hand whenever someone remembers, there is no trigger and no schedule."
    assert statuses(q, text)[0] in ("missed", "incorrect")


def test_asr_slips_are_credited(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("automated-retraining")
    text = (
        # All three steps of point 1 (the judge is strict: "training and evaluation" alone
        # leaves validation out and is partial).
        "The pipeline runs in cube flow pipelines, the data validation, training and "
        "evaluation steps. "
        "Everything is tracked in ML flow with the data version and code commit so it is "
        "reproducible."
    )
    result = statuses(q, text)
    assert result[1] == "covered"
    assert result[4] == "covered"


def test_off_topic_answer_gets_nothing(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("canary-vs-blue-green")
    fb = score_answer(
        q,
        Transcript.from_text(
            "On weekends I go hiking with my dog and in the evening I cook pasta for friends."
        ),
    )
    assert fb.coverage == 0.0
    assert "does not address the question" in fb.tips[0]


def test_evidence_points_at_the_span_that_made_the_point(bank_question) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("canary-vs-blue-green")
    text = "I like the office. We send five percent of the traffic to the new model first."
    kp = score_answer(q, Transcript.from_text(text)).key_points[0]
    assert kp.status in ("covered", "partial")
    assert kp.evidence is not None
    assert "five percent" in kp.evidence
    assert "office" not in kp.evidence
    assert kp.start_s is None  # typed text has no timestamps


def test_spoken_answer_text_is_spaced_as_its_transcript() -> None:
    """Whisper's "blue", "-green", "5", "%" are quoted as "blue-green" and "5%" in evidence
    (stored answers and reports showed "blue -green", "5 %")."""
    from viva.scoring.text import build_answer
    from viva.speech.transcript import Word, join_words

    said = ["We", " send", " 5", "%", " first,", " then", " step", "-by", "-step.", " Blue"]
    said.append("-green")
    words = tuple(Word(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(said))
    answer = build_answer(Transcript(text=join_words(words), words=words))
    assert answer.text == join_words(words)
    assert answer.span_text(0, len(answer.tokens) - 1) == (
        "We send 5% first, then step-by-step. Blue-green"
    )
    # Times still follow the words: "green" is the last word.
    assert answer.span_times(len(answer.tokens) - 1, len(answer.tokens) - 1)[1] == 10 * 0.4 + 0.3


def _plain_question():  # type: ignore[no-untyped-def]
    """A question as a user writes it: one key point as a plain sentence, no hints."""
    from viva.bank import Question

    return Question.model_validate(
        {
            "id": "plain",
            "question": "How do you roll out a new model?",
            "topic": "deployment",
            "difficulty": "basic",
            "reference_answer": "Gradually, with a canary.",
            "key_points": ["A canary sends a small percentage of traffic to the new model first."],
            "target_seconds": [30, 60],
        }
    )


def test_key_point_text_alone_is_scored() -> None:
    q = _plain_question()
    covered = score_answer(q, Transcript.from_text("We roll it out to 5% of users first."))
    assert covered.key_points[0].status in ("covered", "partial")


@pytest.mark.xfail(
    reason="known gap of scorers 2.1 and 2.2: the judge gives partial credit to short, vague "
    "on-topic sentences that share no idea with the point (still so after the second round of "
    "training lines, which added vague on-topic negatives and specific partials)",
    strict=True,
)
def test_unrelated_sentence_on_the_same_topic_earns_nothing() -> None:
    q = _plain_question()
    missed = score_answer(q, Transcript.from_text("We deploy it on Kubernetes with Helm."))
    assert missed.key_points[0].status == "missed"


@pytest.mark.xfail(
    reason="known gap of scorer 2.4 (found in a new-user walkthrough, 2026-12-07): on this "
    "question, which no judge trained on, it reads a definition of skew worded as a mismatch "
    "('not the same', 'is different from') as a wrong statement of 'Skew is a difference "
    "between training-time and serving-time features or data' (P(incorrect) 0.97-0.99), so "
    "the point is missed; 'training data and serving data differ' is credited",
    strict=True,
)
@pytest.mark.parametrize(
    "definition",
    [
        "Skew is a mismatch between the training data and the serving data.",
        "Training-serving skew means the data at serving time is different from the data at "
        "training time.",
        "Skew is when the training data and the serving data are not the same.",
    ],
)
def test_a_definition_worded_as_a_mismatch_is_credited(bank_question, definition: str) -> None:  # type: ignore[no-untyped-def]
    q = bank_question("training-serving-skew")
    assert statuses(q, definition)[0] in ("covered", "partial")


def test_feedback_round_trips_through_dict(bank_question) -> None:  # type: ignore[no-untyped-def]
    from viva.scoring import Feedback

    q = bank_question("canary-vs-blue-green")
    fb = score_answer(q, Transcript.from_text("We send 5% of traffic to the new model first."))
    data = fb.to_dict()
    assert set(data) == {
        "question_id", "transcript", "coverage", "key_points", "timing", "tips", "relevance",
        "follow_up", "structure",
    }
    assert [kp["text"] for kp in data["key_points"]] == q.key_point_texts
    assert Feedback.from_dict(data) == fb


def test_hotwords_of_a_users_own_question_hold_its_jargon() -> None:
    """A question without concept groups still primes Whisper with its names and acronyms."""
    from viva.bank import Question
    from viva.scoring.coverage import hotwords

    q = Question.model_validate(
        {
            "id": "own",
            "question": "How would you autoscale a model on Kubernetes with the HPA?",
            "topic": "mine",
            "difficulty": "basic",
            "reference_answer": "Scale on load.",
            "key_points": [
                "Use the HPA on GPU utilisation or p99 latency.",
                "Keep a warm minimum so Knative or KServe pods do not cold start.",
            ],
            "target_seconds": [30, 60],
        }
    )
    words = hotwords(q).split(", ")
    for term in ("HPA", "Kubernetes", "GPU", "p99", "KServe", "Knative"):
        assert term in words
    # Sentence openings are not jargon.
    assert "Use" not in words
    assert "Keep" not in words
