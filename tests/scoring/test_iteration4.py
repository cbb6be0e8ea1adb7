"""Scorer 1.3: subject binding, negative evaluations, off-topic gate, spoken spellings."""

from __future__ import annotations

from viva.bank import KeyPoint, Question
from viva.scoring.coverage import point_subjects, score_coverage
from viva.scoring.text import build_answer
from viva.speech.transcript import Transcript

CANARY = KeyPoint(
    text="A canary release sends a small share of live traffic to the new model first.",
    concepts=[["small share", "five percent", "ten percent"], ["traffic", "users"]],
)
BLUE_GREEN = KeyPoint(
    text="Blue-green keeps two identical environments and switches all traffic at once.",
    concepts=[["two environments", "two identical"], ["switch", "at once", "all traffic"]],
)


def contrast() -> Question:
    return Question(
        id="probe-contrast",
        question="What is the difference between canary and blue-green deployment?",
        topic="testing-deployment",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=[CANARY, BLUE_GREEN],
        target_seconds=(30, 90),
    )


def statuses(q: Question, text: str) -> list[str]:
    """The concept matcher's statuses (lexical evidence for the judge; scorer 1.x's rules)."""
    results, _ = score_coverage(q, build_answer(Transcript.from_text(text)))
    return [r.status for r in results]


def test_point_subjects_name_the_contrasted_things() -> None:
    subjects = point_subjects(contrast())
    assert subjects[0] == frozenset({"canari"})
    assert subjects[1] == frozenset({"blue", "green"})


def test_a_claim_about_the_other_subject_does_not_make_the_point() -> None:
    q = contrast()
    swapped = (
        "With blue-green you send ten percent of the users first, and canary is where you "
        "keep two identical environments and switch at once."
    )
    assert statuses(q, swapped) == ["missed", "missed"]
    right = (
        "With canary you send ten percent of the users first, and blue-green is where you "
        "keep two identical environments and switch at once."
    )
    assert statuses(q, right) == ["covered", "covered"]


def test_the_other_subjects_opposite_does_not_deny_the_point() -> None:
    """"All traffic at once" is said of blue-green, in the sentence after it names blue-green
    (a semicolon splits it); it does not deny canary's small share."""
    q = contrast()
    text = (
        "With a canary I send five percent of the traffic to the new model and widen it step by "
        "step. Blue-green keeps two identical environments; the router then switches all "
        "traffic at once."
    )
    results, _ = score_coverage(q, build_answer(Transcript.from_text(text)))
    assert [r.status for r in results] == ["covered", "covered"]
    assert not results[0].contradicted
    # Said of canary itself, the same words still deny it.
    swapped = "With a canary the router switches all traffic at once to the new model."
    results, _ = score_coverage(q, build_answer(Transcript.from_text(swapped)))
    assert results[0].status == "missed"
    assert results[0].contradicted


def test_subject_left_unsaid_is_still_credited() -> None:
    q = contrast()
    got = statuses(q, "You send five percent of the traffic to the new model first.")
    assert got[0] == "covered"


def test_no_binding_without_a_contrast_question() -> None:
    q = Question(
        id="probe-release",
        question="How do you release models safely?",
        topic="testing-deployment",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=[CANARY, BLUE_GREEN],
        target_seconds=(30, 90),
    )
    assert point_subjects(q) == [frozenset(), frozenset()]


ROLLBACK = KeyPoint(
    text="Blue-green allows instant rollback but needs double the infrastructure.",
    concepts=[["instant rollback", "switch back", "rollback"], ["double", "expensive"]],
)


def release_question(*points: KeyPoint) -> Question:
    return Question(
        id="probe-rollback",
        question="How does blue-green deployment work?",
        topic="testing-deployment",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=list(points),
        target_seconds=(30, 90),
    )


def test_hard_rollback_is_not_instant_rollback() -> None:
    q = release_question(ROLLBACK)
    assert statuses(q, "Rollback is hard with blue-green, and it needs double the servers.") == [
        "missed"
    ]
    assert statuses(q, "Rollback is instant with blue-green, but it needs double the servers.") == [
        "covered"
    ]


def test_not_hard_is_not_a_negative_evaluation() -> None:
    q = release_question(ROLLBACK)
    got = statuses(q, "Rollback is not hard at all with blue-green, but it's expensive.")
    assert got == ["covered"]


def test_a_word_naming_the_subject_does_not_make_the_rest_of_the_point() -> None:
    beat = KeyPoint(
        text="The new model must beat the production champion before promotion.",
        concepts=[["champion", "production model", "old model"], ["beat", "outperform"]],
    )
    q = Question(
        id="probe-champion",
        question="How do you handle model retraining in production?",
        topic="testing-deployment",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=[beat],
        target_seconds=(30, 90),
    )
    assert statuses(q, "The new model always replaces the old one right away.") == ["missed"]
    assert statuses(q, "The new model has to outperform the old one before we promote it.") == [
        "covered"
    ]


def test_a_split_recogniser_spelling_of_long_jargon_matches() -> None:
    from viva.scoring.matching import Matcher, Phrase
    from viva.scoring.text import build_answer

    answer = build_answer(Transcript.from_text("We deployed on Cooper Netties last year."))
    phrase = Phrase.parse("kubernetes")
    assert phrase is not None
    assert Matcher(answer).find(phrase)
    other = build_answer(Transcript.from_text("We deployed on a couple of nodes last year."))
    assert not Matcher(other).find(phrase)


def test_subject_unsaid_and_only_widened_words_is_missed() -> None:
    log_inputs = KeyPoint(
        text="Log each request's inputs, prediction and model version.",
        concepts=[["log", "record"], ["inputs", "prediction", "model version"]],
    )
    q = Question(
        id="probe-log",
        question="How would you log and monitor a model in production?",
        topic="monitoring",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=[log_inputs],
        target_seconds=(30, 90),
    )
    assert statuses(q, "We page the on-call person when the dashboard turns red.") == ["missed"]
    assert statuses(q, "We store every prediction with the model version that made it.") == [
        "covered"
    ]
