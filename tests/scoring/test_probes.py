"""Mis-scorings found by probing the engine (bank writer A, storage engineer): one test each."""

from __future__ import annotations

import pytest

from viva.bank import KeyPoint, Question
from viva.scoring import score_answer
from viva.scoring.coverage import score_coverage
from viva.scoring.text import build_answer
from viva.scoring.timing import measure_timing
from viva.speech.transcript import Transcript


def question(*points: KeyPoint, ask: str = "How do you release models safely?") -> Question:
    return Question(
        id="probe",
        question=ask,
        topic="testing-deployment",
        difficulty="intermediate",
        reference_answer="A reference answer.",
        key_points=list(points),
        target_seconds=(30, 90),
    )


def status(q: Question, text: str, index: int = 0) -> str:
    """The concept matcher's status (lexical evidence for the judge; scorer 1.x's rules)."""
    results, _ = score_coverage(q, build_answer(Transcript.from_text(text)))
    return results[index].status


AUTOMATE = KeyPoint(
    text="Replace manual release steps with automation.",
    concepts=[["manual", "by hand"], ["automate", "automation", "pipeline"]],
)


def test_manual_is_not_a_way_of_saying_automated() -> None:
    handoffs = question(
        KeyPoint(
            text="Manual hand-offs between teams slow releases down.",
            concepts=[["manual", "hand-offs"], ["slow", "weeks"]],
        )
    )
    # "no manual" in the lexicon's automate class must not make "manual" mean "automated".
    assert status(handoffs, "Our releases are automated and still slow, it takes weeks.") == (
        "missed"
    )
    assert status(handoffs, "Manual hand-offs made every release slow, it took weeks.") == (
        "covered"
    )


def test_hand_offs_are_not_hands_off() -> None:
    q = question(
        KeyPoint(
            text="Releases are automated end to end.",
            concepts=[["automated", "automatic"], ["release", "deploy"]],
        )
    )
    assert status(q, "Every release needed three hand-offs between teams.") == "missed"


def test_copy_does_not_mean_manual() -> None:
    q = question(
        KeyPoint(
            text="Blue-green keeps a second copy of production.",
            concepts=[["copy", "second environment"], ["production"]],
        )
    )
    text = "We keep a second copy of production and deploy automatically to it."
    assert status(q, text) == "covered"


def test_two_ideas_of_one_point_do_not_contradict_each_other() -> None:
    q = question(AUTOMATE)
    fb = score_answer(
        q, Transcript.from_text("Manual deployments are slow, so we automate them in a pipeline.")
    )
    assert fb.key_points[0].status in ("covered", "partial")
    assert not any("wrong" in tip for tip in fb.tips)


def test_a_point_said_then_denied_is_still_a_contradiction() -> None:
    q = question(
        KeyPoint(
            text="A canary gets a small share of traffic, raised gradually.",
            concepts=[["small share", "canary"], ["gradually", "step by step"]],
        )
    )
    assert status(q, "The canary gets the traffic all at once, not gradually.") == "missed"


def test_negated_wordings_keep_their_meaning() -> None:
    q = question(
        KeyPoint(
            text="The shadow model sees real requests but has no user impact.",
            concepts=[["real requests", "live traffic"], ["no user impact", "hidden", "not shown"]],
        ),
        KeyPoint(
            text="The new model is promoted only if it is not worse than the current one.",
            concepts=[["not worse", "no regression", "at least as good"], ["promote", "promoted"]],
        ),
        KeyPoint(
            text="Problems cannot hide: every failure is visible on the dashboard.",
            concepts=[["cannot hide", "visible", "surface"], ["failure", "problem", "errors"]],
        ),
    )
    good = (
        "The shadow gets live traffic, and users are not impacted at all. We promote it only "
        "when it is no worse than the current model. Failures can't hide, they show on the "
        "dashboard and every problem is visible."
    )
    bad = (
        "The shadow gets live traffic and users see its answers, so there is user impact. We "
        "promote it even though it is worse than the current model. Problems hide for weeks, "
        "failures are never visible."
    )
    assert [kp.status for kp in score_answer(q, Transcript.from_text(good)).key_points] == [
        "covered",
        "covered",
        "covered",
    ]
    # Each point said the other way round is never credited (missed, or quoted as wrong); the
    # first point's case is a known gap, below.
    bad_statuses = [kp.status for kp in score_answer(q, Transcript.from_text(bad)).key_points]
    assert all(s in ("missed", "incorrect") for s in bad_statuses[1:]), bad_statuses


@pytest.mark.xfail(
    strict=True,
    reason="known gap of scorer 2.2: its judge reads 'the shadow gets live traffic and users see "
    "its answers, so there is user impact' as making 'sees real requests but has no user "
    "impact' (scorer 2.1 called it missed); wrong statements credited on the held-out sets: "
    "plain 0.067 -> 0.053, heldout 0.057 -> 0.038, plain2 0.204 -> 0.204, plain3 0.145 -> 0.164",
)
def test_shadow_with_user_impact_is_not_credited_as_no_user_impact() -> None:
    q = question(
        KeyPoint(
            text="The shadow model sees real requests but has no user impact.",
            concepts=[["real requests", "live traffic"], ["no user impact", "hidden", "not shown"]],
        ),
    )
    bad = "The shadow gets live traffic and users see its answers, so there is user impact."
    status = score_answer(q, Transcript.from_text(bad)).key_points[0].status
    assert status in ("missed", "incorrect"), status


def test_list_after_a_heading_and_a_colon_is_credited_after_a_real_sentence() -> None:
    q = question(
        KeyPoint(
            text="Track reliability with failure rate, rollbacks and recovery time.",
            concepts=[["reliability"], ["failure rate", "rollbacks", "recovery time"]],
        ),
        ask="Which metrics tell you a release process works?",
    )
    text = (
        "We look at our release process through a few families of numbers every month. "
        "Reliability: failure rate, rollbacks, incidents, recovery."
    )
    assert status(q, text) == "covered"
    # A bare list with a heading at the start of an answer still earns nothing.
    assert status(q, "Reliability: failure rate, rollbacks, incidents, recovery.") == "missed"


def test_missing_point_tip_reads_well_for_an_imperative_point() -> None:
    q = question(
        KeyPoint(
            text="Detect drift by comparing production data to the training data.",
            concepts=[["compare", "comparing"], ["training data", "reference"]],
        ),
        ask="How do you detect drift?",
    )
    # On topic (an unrelated answer gets the "does not address the question" tip instead).
    fb = score_answer(
        q,
        Transcript.from_text(
            "Drift is when the model gets worse over time, so we retrain it every month."
        ),
    )
    assert fb.tips[0] == (
        "Missing point: Detect drift by comparing production data to the training data. "
        "Add one sentence on it."
    )


def test_like_before_an_example_is_not_a_filler() -> None:
    t = Transcript.from_text(
        "It failed because of an upstream change, like a broken join. And, like, we rolled "
        "back, like, right away."
    )
    timing = measure_timing(t, (30, 90))
    assert [f["index"] for f in timing.fillers] == [12, 16]


def _contradicted(q: Question, text: str) -> bool:
    results, _ = score_coverage(q, build_answer(Transcript.from_text(text)), gate=False)
    return results[0].contradicted


@pytest.mark.parametrize(
    ("point", "text"),
    [
        (
            "An index lets the database find matching rows without scanning the whole table.",
            "An index lets the database find the matching rows, so it does not scan the whole "
            "table.",
        ),
        (
            "Clients poll a status endpoint until the job is done.",
            "No job is ever dropped, because clients keep polling the status endpoint.",
        ),
    ],
    ids=["negated-in-the-point-too", "negator-near-a-word"],
)
def test_a_negator_near_a_plain_points_word_is_not_a_denial(point: str, text: str) -> None:
    # A key point written as a plain sentence: its groups are single words, not ideas, so a
    # negator near one of them denies nothing; whether the answer states the point wrongly is
    # the judge's call. (Scorer 2.2 read such words as denials: 10 right points on the
    # development sets were called incorrect that way.)
    q = question(KeyPoint(text=point), ask="How would you design this?")
    assert not _contradicted(q, text)
    assert score_answer(q, Transcript.from_text(text)).key_points[0].status != "incorrect"
