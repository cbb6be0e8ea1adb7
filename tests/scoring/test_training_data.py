"""The judge's hand-made training data stays consistent with the bank it was written for.

A bank edit (a key point reworded, removed or moved) makes the lines written for it wrong
labels; these checks catch that before anyone retrains (training/judge/README.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

JUDGE_TRAINING = Path(__file__).resolve().parents[2] / "training" / "judge"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, JUDGE_TRAINING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_written_sentences_are_well_formed() -> None:
    assert _load("check_written").main([]) == 0


def test_every_train_key_point_is_restated_in_each_form() -> None:
    checker = _load("check_restated")
    assert checker.problems() == []
    rows = checker.load()
    assert len(rows) >= 400  # the train split's key points
    assert all(set(forms) == set(checker.FORMS) for forms in rows.values())


def _evaluated_questions() -> list[str]:
    """Question texts the judge is measured on: the bank, the plain sets and the unseen probe."""
    import yaml

    from viva.bank import load_builtin_bank

    evaluated = [q.question for q in load_builtin_bank().questions.values()]
    for path in sorted((JUDGE_TRAINING.parents[1] / "tests" / "eval").glob("plain*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        evaluated += [q["question"] for q in data["questions"]]
    evaluated += [str(q["question"]) for q in _load("attribution").load()]
    return evaluated


@pytest.mark.parametrize("name", ["check_extra", "check_breadth"])
def test_extra_training_questions_are_well_formed_and_in_no_bank_or_evaluation_set(
    name: str,
) -> None:
    """``data/extra`` and ``data/breadth`` hold questions written for training only: none may
    be (close to) a question the judge is evaluated or probed on, or the figures on unseen
    questions would not be."""
    from rapidfuzz import fuzz

    _load("check_written")  # check_extra reads its KINDS
    _load("check_extra")  # check_breadth reuses its checks
    checker = _load(name)
    questions = checker.load()
    assert len(questions) >= {"check_extra": 40, "check_breadth": 150}[name]
    assert checker.problems(questions) == []
    evaluated = _evaluated_questions()
    assert len(evaluated) > 200
    for q in questions:
        closest = max(evaluated, key=lambda e: fuzz.token_set_ratio(q["question"], e))
        assert fuzz.token_set_ratio(q["question"], closest) < 80, (q["question"], closest)


def test_unseen_probe_is_well_formed() -> None:
    """``data/unseen_probe``: per key point two plain, one named, one partial and one wrong
    line, on subjects nothing is trained on (the distance check above covers the training
    folders' side)."""
    from collections import Counter

    probe = _load("attribution")
    rows = probe.load()
    assert len(rows) >= 20
    assert len({q["qid"] for q in rows}) == len(rows)
    for q in rows:
        assert 3 <= len(q["points"]) <= 4, q["qid"]
        kinds = Counter((line["point"], line["kind"]) for line in q["lines"])
        for i in range(len(q["points"])):
            assert [kinds[(i, k)] for k in probe.KINDS] == [2, 1, 1, 1], (q["qid"], i)
        for line in q["lines"]:
            assert line["label"] == probe.KINDS[line["kind"]], (q["qid"], line)
            assert 8 <= len(line["text"].split()) <= 45, (q["qid"], line["text"])


def test_mechanism_lines_name_real_points_and_stay_off_the_own_question_subject() -> None:
    """``data/mechanism`` (round 9): every line names a train or extra key point, has its
    kind's label, and none is about retries, backoff, jitter, timeouts or idempotency, the
    subject of the own-question test the judge must pass without having seen it."""
    _load("check_written")  # check_mechanism reads the split and the extra questions
    _load("check_extra")
    checker = _load("check_mechanism")
    rows = checker.load()
    assert len(rows) >= 2000
    assert checker.problems(rows, checker.key_points()) == []


def test_contrast_lines_name_real_points_and_stay_off_the_own_question_subject() -> None:
    """``data/contrast`` (round 11): the same checks, with the contrast kinds."""
    _load("check_written")
    _load("check_extra")
    mechanism = _load("check_mechanism")
    contrast = _load("check_contrast")
    rows = mechanism.load(contrast.CONTRAST)
    assert len(rows) >= 1800
    assert {r["kind"] for r in rows} == set(contrast.KINDS)
    assert mechanism.problems(rows, mechanism.key_points(), contrast.KINDS) == []


@pytest.mark.parametrize(
    ("checker", "folder", "least", "least_probe"),
    [
        ("check_short", "SHORT", 3500, 500),
        ("check_extended", "EXTENDED", 1800, 250),
        ("check_neighbour", "NEIGHBOUR", 1800, 250),
        ("check_tone", "TONE", 1800, 250),
    ],
)
def test_probe_and_training_lines_name_real_points_and_keep_their_lengths(
    checker: str, folder: str, least: int, least_probe: int
) -> None:
    """``data/short`` (round 12), ``data/extended`` (round 13), ``data/neighbour`` (round 14) and
    ``data/tone`` (round 15),
    train and extra points, and their ``*_probe`` folders (calibration points, never trained
    on): each line names a point of its folder's split, has its kind's label and length, and
    none is about the own-question test's subject."""
    _load("check_written")
    _load("check_extra")
    mechanism = _load("check_mechanism")
    short = _load("check_short")
    _load("pairs")  # check_tone reads its negative_tone()
    module = _load(checker)
    train, probe = mechanism.load(getattr(module, folder)), mechanism.load(module.PROBE)
    assert len(train) >= least
    assert len(probe) >= least_probe
    assert {r["kind"] for r in train} == {r["kind"] for r in probe} == set(module.KINDS)
    find = getattr(module, "problems", short.problems)  # a checker's own, if it has one
    assert find(train, mechanism.key_points(), module.KINDS) == []
    assert find(probe, short.calibration_points(), module.KINDS) == []
    # No calibration point is a training point: the probe stays unseen.
    assert not {r["question_id"] for r in probe} & set(mechanism.key_points())


@pytest.mark.parametrize(
    ("checker", "folder"), [("check_polarity", "POLARITY"), ("check_frame", "FRAME")]
)
def test_polarity_and_frame_lines_name_real_points(checker: str, folder: str) -> None:
    """``data/polarity`` (round 29) and ``data/frame`` (round 32): every train and extra point
    but the retry/timeout ones has two correct lines and one wrong line, of its kinds and
    lengths, off the own-question test's subject."""
    _load("check_written")
    _load("check_extra")
    mechanism = _load("check_mechanism")
    module = _load(checker)
    rows = mechanism.load(getattr(module, folder))
    points = mechanism.key_points()
    assert {r["kind"] for r in rows} == set(module.KINDS)
    assert mechanism.problems(rows, points, module.KINDS) == []
    made = {(r["question_id"], r["point"]) for r in rows}
    assert len(made) >= 0.98 * sum(len(v) for v in points.values())
    assert len(rows) == 3 * len(made)


def test_frame_probe_is_off_the_training_questions() -> None:
    """``data/frame_probe`` (round 32) measures frame-kept restatements on points no judge
    trains on: none of its points is a train or extra point."""
    import json

    _load("check_written")
    _load("check_extra")
    mechanism = _load("check_mechanism")
    path = Path(__file__).resolve().parents[2] / "training/judge/data/frame_probe/probe.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line]
    trained = {p for points in mechanism.key_points().values() for p in points}
    assert len(rows) == 32
    assert {r["label"] for r in rows} == {"covered", "incorrect"}
    assert not {r["point"] for r in rows} & trained
