"""A missed point the judge was unsure of carries the answer's closest words (``closest``)."""

from __future__ import annotations

from types import ModuleType

from viva.scoring import score_answer
from viva.scoring.decision import CLOSEST_MIN, PointEvidence, decide, params
from viva.scoring.feedback import KeyPointResult
from viva.scoring.judge import Window
from viva.speech.transcript import Transcript


def test_closest_is_only_for_missed_points_and_quotes_the_answer(
    scoring_eval: ModuleType,
) -> None:
    """Over a writer's whole plain set (every answer style): ``closest`` appears only on
    missed points, is words of the transcript, and turns up on some but not most misses."""
    items, _ = scoring_eval.load_set("plain")
    questions = list(dict.fromkeys(it.question.id for it in items))[:6]
    missed = with_closest = 0
    for item in (it for it in items if it.question.id in questions):
        fb = score_answer(item.question, Transcript.from_text(item.answer))
        for kp in fb.key_points:
            if kp.status != "missed":
                assert kp.closest is None, (item.id, kp)
                continue
            missed += 1
            if kp.closest is not None:
                with_closest += 1
                assert kp.closest in fb.transcript
    assert missed > 20
    assert 0 < with_closest < missed / 2


def _evidence(p_partial: float) -> PointEvidence:
    from viva.scoring.coverage import PointResult

    window = Window(3, 9, "a spare copy we flip over to")
    lexical = PointResult("p", "missed", 0.0, None, None, 0.0, False, None, ())
    # Features that make the regression call the point missed.
    features = (-6.0, -6.0, -6.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0)
    return PointEvidence(features, window, window, window, 0.01, p_partial, 0.0, lexical)


def test_decide_names_the_closest_window_only_when_the_judge_leaned_to_the_point() -> None:
    sure = decide(_evidence(CLOSEST_MIN - 0.2), relevance=0.99, p=params())
    unsure = decide(_evidence(CLOSEST_MIN + 0.2), relevance=0.99, p=params())
    assert sure.status == unsure.status == "missed"
    assert sure.closest is None
    assert unsure.closest == (3, 9)
    # An answer below the relevance gate is off topic: nothing in it is "closest".
    assert decide(_evidence(0.9), relevance=0.0, p=params()).closest is None


def test_closest_round_trips_and_old_records_load() -> None:
    kp = KeyPointResult("p", "missed", 0.0, None, None, None, 0.6, "a spare copy")
    assert KeyPointResult.from_dict(kp.to_dict()) == kp
    old = {k: v for k, v in kp.to_dict().items() if k != "closest"}
    assert KeyPointResult.from_dict(old).closest is None
