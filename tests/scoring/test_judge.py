"""The coverage judge: windows, the shipped model, the calibrated decision, the JSON contract."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from viva.bank import Question
from viva.scoring import score_answer
from viva.scoring.decision import DecisionParams, params
from viva.scoring.judge import (
    OTHER_WORDS,
    OTHERS_SHOWN,
    PAIR_TOKENS,
    UNIT_TOKENS,
    WITH_OTHERS,
    Judge,
    JudgeUnavailable,
    answer_windows,
    get_judge,
    model_dir,
    point_with_others,
)
from viva.scoring.text import build_answer
from viva.speech.transcript import Transcript


def _answer(text: str):  # noqa: ANN202 - test helper
    return build_answer(Transcript.from_text(text))


def test_windows_cover_every_word_and_stay_short() -> None:
    # A recogniser may give one long unpunctuated "sentence": it is read in pieces.
    text = " ".join(
        ["so basically we roll the new model out to a few percent of users first and then"] * 8
    )
    answer = _answer(text)
    windows = answer_windows(answer)
    singles = [w for w in windows if w.last - w.first + 1 <= UNIT_TOKENS]
    covered = {i for w in singles for i in range(w.first, w.last + 1)}
    assert covered == set(range(len(answer.tokens)))
    assert all(w.last - w.first + 1 <= PAIR_TOKENS for w in windows)
    assert all(w.text for w in windows)


def test_windows_of_sentences_and_their_neighbours() -> None:
    answer = _answer("First idea here. Second idea there. Third one.")
    texts = [w.text for w in answer_windows(answer)]
    assert "First idea here" in texts
    assert "Second idea there" in texts
    assert "First idea here. Second idea there" in texts
    assert "First idea here. Second idea there. Third one" not in texts


def test_empty_answer_has_no_windows() -> None:
    assert answer_windows(_answer("")) == []


def test_shipped_model_is_small_and_documented() -> None:
    folder = model_dir()
    assert (folder / "model.onnx").stat().st_size <= 30 * 1024 * 1024
    assert (folder / "tokenizer.json").is_file()
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    for needed in ("all-MiniLM-L6-v2", "Apache-2.0", "Training data", "Metrics"):
        assert needed in card
    info = json.loads((folder / "training.json").read_text(encoding="utf-8"))
    assert info["labels"] == ["covered", "partial", "incorrect", "missed"]
    # The decision layer is fitted (not the hand-set default) and validates.
    DecisionParams.model_validate_json((folder / "decision.json").read_text(encoding="utf-8"))
    assert params().fitted_on


def test_probabilities_are_distributions_and_cached() -> None:
    judge = get_judge()
    pairs = [
        (
            "Blue-green keeps two identical environments.",
            "We keep two identical production setups, blue and green, side by side.",
        ),
        ("Blue-green keeps two identical environments.", "I like pizza on Fridays."),
    ]
    first = judge.probabilities(pairs)
    assert first.shape == (2, 4)
    assert abs(float(first.sum(axis=1)[0]) - 1.0) < 1e-4
    again = judge.probabilities(list(reversed(pairs)))
    assert (again[::-1] == first).all()
    # The paraphrase is judged far more likely to make (at least part of) the point than the
    # unrelated sentence.
    credit = first[:, 0] + first[:, 1]
    assert credit[0] > credit[1] + 0.3


def _own_question() -> Question:
    """A user's own question: key points as plain sentences, no concepts or synonyms."""
    return Question.model_validate(
        {
            "id": "my-retry-question",
            "question": "How do you call a flaky downstream service safely?",
            "topic": "mine",
            "difficulty": "intermediate",
            "reference_answer": "Retry with backoff, cap attempts, use timeouts and idempotency.",
            "key_points": [
                "Retries use exponential backoff with jitter.",
                "Every call has a timeout so threads are not stuck waiting.",
                "Requests are idempotent so a retry cannot apply an action twice.",
            ],
            "target_seconds": [30, 90],
        }
    )


def test_own_question_answered_in_own_words_scores_high() -> None:
    answer = (
        "So first, I'd never let a call hang forever, every request gets a deadline of a couple "
        "of seconds and then we give up on it. When it fails we try again, but we wait longer "
        "each time, doubling the delay, and add a bit of randomness so all the clients don't "
        "retry at the same moment. And the operations have to be safe to repeat, like with an "
        "idempotency key, so if a retry goes through twice the payment is only charged once."
    )
    fb = score_answer(_own_question(), Transcript.from_text(answer))
    assert fb.coverage >= 0.8, [(k.status, k.evidence) for k in fb.key_points]
    assert fb.relevance >= 0.5
    assert not any("does not address" in t for t in fb.tips)


def test_keyword_list_and_off_topic_earn_nothing() -> None:
    q = _own_question()
    listed = score_answer(
        q, Transcript.from_text("Backoff, jitter, timeouts, idempotency, retries. All of those.")
    )
    assert listed.coverage <= 0.2
    off = score_answer(
        q,
        Transcript.from_text(
            "I would start by profiling the training job on a single GPU, then look at data "
            "loading, because most of the time the input pipeline is the bottleneck."
        ),
    )
    assert off.coverage == 0.0


def test_wrong_statement_is_not_credited_and_is_quoted() -> None:
    q = _own_question()
    fb = score_answer(
        q,
        Transcript.from_text(
            "Retries should happen immediately in a tight loop with no delay at all, "
            "waiting between attempts only slows recovery down."
        ),
    )
    first = fb.key_points[0]
    assert first.status in ("incorrect", "missed")
    if first.status == "incorrect":
        assert first.evidence
        assert "delay" in first.evidence


def test_json_contract() -> None:
    fb = score_answer(_own_question(), Transcript.from_text("We use timeouts on every call."))
    data = fb.to_dict()
    assert 0.0 <= data["relevance"] <= 1.0
    for kp in data["key_points"]:
        assert kp["status"] in ("covered", "partial", "missed", "incorrect")
        assert 0.0 <= kp["confidence"] <= 1.0
    value = {"covered": 1.0, "partial": 0.5}
    expected = sum(value.get(k["status"], 0.0) for k in data["key_points"]) / 3
    assert data["coverage"] == pytest.approx(expected, abs=0.001)


def test_an_answer_beyond_the_limit_is_refused_before_judging() -> None:
    from viva.limits import MAX_ANSWER_WORDS, AnswerTooLong

    with pytest.raises(AnswerTooLong) as refused:
        score_answer(_own_question(), Transcript.from_text("canary " * (MAX_ANSWER_WORDS + 1)))
    assert "too long to score" in refused.value.user_message


def _bank_question(question_id: str) -> Question:
    from viva.bank import load_builtin_bank

    question = load_builtin_bank().get(question_id)
    assert question is not None
    return question


def test_a_covered_point_is_quoted_from_the_words_that_make_it() -> None:
    # The canary sentence lies next to the blue-green one and touches the blue-green point
    # (partly): the quote for the blue-green point must still be the blue-green sentence.
    fb = score_answer(
        _bank_question("canary-vs-blue-green"),
        Transcript.from_text(
            "With a canary release I send a small share of live traffic, say 5%, to the new "
            "model first. If the metrics stay healthy I raise the share step by step. Blue "
            "green keeps two identical environments and switches all traffic at once, so "
            "rollback is instant, but it needs double the infrastructure."
        ),
    )
    blue_green = fb.key_points[2]
    assert blue_green.status == "covered"
    assert blue_green.evidence is not None
    assert "canary" not in blue_green.evidence.lower()
    assert "identical environments" in blue_green.evidence


def test_only_a_match_that_makes_the_point_replaces_the_judges_quote() -> None:
    """A concept match of part of the point ("back to") inside the judge's window is no quote
    for a point the judge credits: the window is. A full match quotes its own words."""
    from viva.scoring.coverage import PointResult
    from viva.scoring.decision import PointEvidence, decide, params
    from viva.scoring.judge import Window

    window = Window(0, 11, "I switched traffic back to the previous model version and it recovered")
    # Features that make the regression call the point covered.
    features = (6.0, 6.0, -6.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0)

    def judged(status: str) -> tuple[int | None, int | None]:
        lexical = PointResult("p", status, 0.5, 3, 4, 0.5, False, None, ())
        evidence = PointEvidence(features, window, window, window, 0.99, 0.99, 0.0, lexical)
        got = decide(evidence, relevance=0.99, p=params())
        assert got.status == "covered"
        return got.first, got.last

    assert judged("partial") == (0, 11)
    assert judged("covered") == (3, 4)


def test_a_denial_elsewhere_does_not_make_a_right_statement_wrong() -> None:
    # A recogniser ran two sentences together: "step by step" (said of the canary) shares a
    # sentence with "blue green", while the blue-green switch is stated right in the next
    # one. The concept matcher reads a denial of "all at once" there; the judge finds no
    # wrong statement at those words, so the point is not reported as stated wrongly.
    fb = score_answer(
        _bank_question("canary-vs-blue-green"),
        Transcript.from_text(
            "With a Canary release, I send a small share of live traffic, save 5% to the new "
            "model first. If the metrics stay healthy, I raise the share of step by step, blue "
            "green keep to identical environment. And switch an all traffic at once, so roll "
            "back in instant, but it needs double the infrastructure."
        ),
    )
    assert fb.key_points[2].status != "incorrect", fb.key_points[2]
    assert fb.key_points[0].status == "covered"
    assert fb.key_points[3].status == "covered"


def test_a_covered_margin_only_ever_withholds_credit() -> None:
    """``covered_margin`` weighs a wrong credit above a withheld one: raising it can turn a
    covered point into partial or missed, never the other way, and it leaves the judge alone."""
    from viva.scoring.decision import decide, point_evidence

    order = {"missed": 0, "incorrect": 0, "partial": 1, "covered": 2}
    answer = _answer(
        "Every request gets a two second deadline. When a call fails we try again after one "
        "second, then two, then four, with some randomness. Requests carry an idempotency key."
    )
    found, relevance = point_evidence(_own_question(), answer)
    base = params()
    levels = []
    for margin in (0.0, 0.5, 1.0, 3.0, 50.0):
        shifted = base.model_copy(update={"covered_margin": base.covered_margin + margin})
        levels.append([order[decide(e, relevance, shifted).status] for e in found])
    assert levels[0] != [0, 0, 0]  # something is credited to begin with
    for before, after in zip(levels, levels[1:], strict=False):
        assert all(a <= b for a, b in zip(after, before, strict=True)), levels
    assert 2 not in levels[-1]  # nothing wins by 50 nats


def test_a_decision_file_must_name_features_the_scorer_computes() -> None:
    """A decision fitted on another evidence layout fails when loaded, not with a silent
    mismatch of weights and features at scoring time."""
    shipped = params().model_dump()
    with pytest.raises(ValueError, match="unknown decision features"):
        DecisionParams.model_validate({**shipped, "features": [*shipped["features"][:-1], "x"]})
    with pytest.raises(ValueError, match="one weight per feature"):
        DecisionParams.model_validate({**shipped, "coef": [row[:-1] for row in shipped["coef"]]})


def test_the_other_points_shown_are_those_closest_to_the_point() -> None:
    point = "A canary release sends a small share of live traffic to the new model first."
    others = [
        "Rollback has to be a single quick step.",
        "Shadow deployment copies live traffic to the new model without serving its answers.",
        "Blue-green keeps two whole environments and moves all traffic at once.",
        "Document the release in the changelog.",
        "Compare the new model's live metrics with the old one's before widening the share.",
    ]
    text = point_with_others(point, others)
    assert text.startswith(point)
    shown = text.split(" | other points: ")[1].split("; ")
    assert len(shown) == OTHERS_SHOWN
    # The three sharing most words with the point, in bank order.
    assert shown[0].startswith("Shadow deployment")
    assert shown[1].startswith("Blue-green")
    assert shown[2].startswith("Compare the new model")
    assert all(len(s.split()) <= OTHER_WORDS for s in shown)
    assert point_with_others(point, []) == point


def _judge_copy(tmp_path: Path, info: str | None) -> Path:
    folder = tmp_path / "judge"
    folder.mkdir()
    for name in ("model.onnx", "tokenizer.json"):
        shutil.copy(model_dir() / name, folder / name)
    if info is not None:
        (folder / "training.json").write_text(info, encoding="utf-8")
    return folder


def test_a_judge_reads_the_other_points_only_when_trained_to(tmp_path: Path) -> None:
    point, others = "Track the p99 latency.", ["Alert on error rate.", "Watch drift."]
    shipped = get_judge()
    assert not shipped.reads_others  # the shipped model reads the point alone
    assert shipped.query(point, others) == point
    judge = Judge(_judge_copy(tmp_path, json.dumps({"input": WITH_OTHERS})))
    assert judge.reads_others
    assert judge.query(point, others) == point_with_others(point, others)
    probs = judge.probabilities([(judge.query(point, others), "we watch the p99 latency")])
    assert probs.shape == (1, 4)


def test_a_broken_training_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JudgeUnavailable, match="training.json"):
        Judge(_judge_copy(tmp_path, "{not json"))
