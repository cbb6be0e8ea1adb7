"""Markdown Q&A import: questions, answers and suggested key points."""

from __future__ import annotations

from pathlib import Path

from viva.bank.importer import extract_questions, import_markdown, slugify
from viva.bank.models import Question

DOC = """# My MLOps notes

## Deployment

### 1. What is a canary release? (Big Tech)

**Answer:** A canary release sends a small share of traffic to the new model first.

- Route about five percent of users to the new version.
- Compare error rates and latency with the old version.
- Roll back quickly if the **guardrail metrics** degrade.

### 2. Explain blue-green deployment.

Two identical environments; traffic switches at once from blue to green.

Why does model drift happen?
Because the world changes and the data the model sees moves away from the training data.
"""


def test_extract_headings_numbered_and_plain_questions() -> None:
    found = extract_questions(DOC)
    assert [q.question for q in found] == [
        "What is a canary release?",
        "Explain blue-green deployment.",
        "Why does model drift happen?",
    ]
    assert found[0].section == "Deployment"
    assert found[0].line == 5


def test_import_builds_valid_questions_with_bullet_key_points(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(DOC, encoding="utf-8")
    data = import_markdown(path)
    first = Question.model_validate(data["questions"][0])
    assert first.id == "what-is-canary-release"
    assert first.reference_answer.startswith("A canary release sends a small share")
    assert first.key_point_texts[0] == "Route about five percent of users to the new version."
    assert len(first.key_points) == 3
    assert first.source == ["notes.md"]
    for raw in data["questions"]:
        Question.model_validate(raw)


def test_slugify_is_stable_ascii() -> None:
    assert slugify("What is MLOps, and why is it important?") == "what-is-mlops-why-is-it-important"
    assert slugify("Café ➜ déploiement?") == "cafe-deploiement"
