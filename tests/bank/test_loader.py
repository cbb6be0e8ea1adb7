"""Bank loading and validation: precise FILE:LINE errors, broken files never stop the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from viva.bank import load_bank
from viva.bank.loader import load_file

GOOD_ANSWER = " ".join(["word"] * 70)


def _question(qid: str, **overrides: object) -> str:
    fields = {
        "id": qid,
        "question": f"What is {qid}?",
        "difficulty": "basic",
        "reference_answer": GOOD_ANSWER,
        "key_points": ["First idea.", "Second idea.", "Third idea."],
        "target_seconds": "[30, 60]",
    }
    fields.update(overrides)
    lines = [f"  - id: {fields.pop('id')}"]
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"    {key}:")
            lines += [f"      - {item}" for item in value]
        else:
            lines.append(f"    {key}: {value}")
    return "\n".join(lines) + "\n"


def _write(tmp_path: Path, name: str, body: str, topic: str = "fundamentals") -> Path:
    path = tmp_path / name
    path.write_text(f"topic: {topic}\nquestions:\n{body}", encoding="utf-8")
    return path


def test_valid_file_loads_with_file_level_topic(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", _question("alpha") + _question("beta"))
    bank = load_bank([tmp_path], strict=True)
    assert not bank.problems
    assert [q.id for q in bank] == ["alpha", "beta"]
    assert {q.topic for q in bank} == {"fundamentals"}
    assert bank.get("alpha").key_points[0].text == "First idea."


def test_missing_field_names_file_line_and_field(tmp_path: Path) -> None:
    body = _question("alpha") + "  - id: beta\n    question: Why?\n    difficulty: basic\n"
    path = _write(tmp_path, "a.yaml", body)
    bank = load_bank([tmp_path])
    assert [q.id for q in bank] == ["alpha"]
    messages = [str(p) for p in bank.errors]
    assert f"{path}:12: question 'beta': reference_answer: missing required field" in messages
    assert any("key_points: missing required field" in m for m in messages)


def test_wrong_type_points_at_the_field_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.yaml", _question("alpha", target_seconds="sixty"))
    problems = load_bank([tmp_path]).errors
    assert len(problems) == 1
    assert problems[0].path == path
    assert problems[0].line == 11  # the target_seconds line
    assert "target_seconds" in problems[0].message


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", _question("alpha", answr="typo"))
    (problem,) = load_bank([tmp_path]).errors
    assert "answr: unknown field" in problem.message


def test_malformed_yaml_reports_line_and_others_still_load(tmp_path: Path) -> None:
    _write(tmp_path, "good.yaml", _question("alpha"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions:\n  - id: x\n    question: [unclosed\n", encoding="utf-8")
    bank = load_bank([tmp_path])
    assert [q.id for q in bank] == ["alpha"]
    (problem,) = bank.errors
    assert problem.path == broken
    assert problem.line >= 3
    assert "YAML syntax error" in problem.message


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    first = _write(tmp_path, "a.yaml", _question("alpha"))
    second = _write(tmp_path, "b.yaml", _question("alpha"))
    bank = load_bank([tmp_path])
    (problem,) = bank.errors
    assert problem.path == second
    assert f"first defined at {first}:3" in problem.message


def test_content_rules_are_warnings_for_user_banks(tmp_path: Path) -> None:
    _write(
        tmp_path, "a.yaml", _question("alpha", reference_answer="Too short.", key_points=["One."])
    )
    user = load_bank([tmp_path])
    assert [q.id for q in user] == ["alpha"]
    assert not user.errors
    assert len(user.warnings) == 2
    strict = load_bank([tmp_path], strict=True)
    assert len(strict.errors) == 2


def test_bad_slug_and_inverted_target(tmp_path: Path) -> None:
    _write(tmp_path, "a.yaml", _question("Bad_ID", target_seconds="[90, 30]"))
    messages = " | ".join(p.message for p in load_bank([tmp_path]).errors)
    assert "must be a slug" in messages
    assert "0 < min < max" in messages


def test_key_point_mapping_with_concepts(tmp_path: Path) -> None:
    body = _question("alpha").replace(
        "      - First idea.\n",
        "      - text: First idea.\n        concepts: [[first, initial], [idea]]\n"
        "        wrong: [no idea at all]\n",
    )
    _write(tmp_path, "a.yaml", body)
    bank = load_bank([tmp_path], strict=True)
    assert not bank.problems
    point = bank.get("alpha").key_points[0]
    assert point.concepts == [["first", "initial"], ["idea"]]
    assert point.wrong == ["no idea at all"]


def test_top_level_must_be_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    questions, problems = load_file(path)
    assert questions == []
    assert "top level must be a mapping" in problems[0].message


@pytest.mark.parametrize("content", ["", "questions: 3\n"])
def test_empty_or_wrong_questions(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(content, encoding="utf-8")
    _, problems = load_file(path)
    assert problems
    assert all(p.path == path for p in problems)
