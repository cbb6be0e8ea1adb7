"""The judge's hand-made training data stays consistent with the bank it was written for.

A bank edit (a key point reworded, removed or moved) makes the lines written for it wrong
labels; these checks catch that before anyone retrains (training/judge/README.md).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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
