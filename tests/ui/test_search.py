"""Practice search: questions whose own text matches come first (rapidfuzz for close spellings)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def questions() -> list[Any]:
    from viva.bank import open_bank

    return list(open_bank())


def _titles(questions: list[Any], text: str) -> list[str]:
    from viva.app.services import filter_questions

    return [q.question.lower() for q in filter_questions(questions, text=text)]


@pytest.mark.parametrize("needle", ["canary", "feature store", "drift", "rollback"])
def test_title_matches_come_first(questions: list[Any], needle: str) -> None:
    titles = _titles(questions, needle)
    hits = [needle in t for t in titles]
    assert hits[0], f"{needle!r}: first result {titles[0]!r}"
    # Every question whose text holds the needle ranks above every one that does not.
    assert hits == sorted(hits, reverse=True)
    assert sum(hits) == sum(needle in q.question.lower() for q in questions)


def test_tags_and_close_spellings_still_find_questions(questions: list[Any]) -> None:
    # "feature store" is a tag of questions that do not say it: they follow the title hits.
    titles = _titles(questions, "feature store")
    assert len(titles) > sum("feature store" in t for t in titles)
    # A typo finds the question that names it before the ones merely tagged with it.
    assert "canary" in _titles(questions, "canry")[0]
    assert _titles(questions, "zzzz-not-a-word") == []


def test_no_text_keeps_the_bank_order(questions: list[Any]) -> None:
    from viva.app.services import filter_questions

    assert filter_questions(questions) == questions
    topic = questions[0].topic
    assert all(q.topic == topic for q in filter_questions(questions, topic=topic))
