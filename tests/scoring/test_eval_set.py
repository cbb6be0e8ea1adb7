"""The evaluation set stays in step with the bank, and the engine keeps its tuning figures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from viva.bank import load_builtin_bank

EVAL = Path(__file__).resolve().parent.parent / "eval"
STATUSES = {"covered", "partial", "missed"}


def items(name: str) -> list[dict]:  # type: ignore[type-arg]
    path = EVAL / name
    if not path.exists():
        pytest.skip(f"{path} does not exist yet")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize("name", ["tuning.yaml", "heldout.yaml"])
def test_labels_match_the_bank(name: str) -> None:
    bank = load_builtin_bank()
    data = items(name)
    ids = [it["id"] for it in data]
    assert len(ids) == len(set(ids))
    for it in data:
        q = bank.get(it["question_id"])
        assert q is not None, f"{it['id']}: unknown question {it['question_id']}"
        assert it["key_points"] == q.key_point_texts, (
            f"{it['id']}: the bank's key points of {q.id} changed; relabel this answer"
        )
        assert len(it["labels"]) == len(q.key_points)
        assert set(it["labels"]) <= STATUSES
        assert it["answer"].strip()


def test_tuning_set_size() -> None:
    data = items("tuning.yaml")
    assert len(data) >= 70
    assert len({it["question_id"] for it in data}) >= 20
    assert {
        "strong",
        "partial",
        "keyword_dropping",
        "off_topic",
        "wrong",
        "paraphrase",
        "asr_slips",
        "rambling",
    } <= {it["style"] for it in data}
