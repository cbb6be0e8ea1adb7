"""The built-in bank: every seed question is in it exactly once, and its content rules hold."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from viva.bank import Bank, load_builtin_bank
from viva.bank.importer import extract_questions

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"
SEED_LIST = REPO / "tests" / "data" / "seed_questions.tsv"


def normalise(text: str) -> str:
    """Lower case, punctuation dropped, whitespace collapsed."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_builtin_bank()


@pytest.fixture(scope="module")
def seed_questions() -> list[dict[str, str]]:
    with SEED_LIST.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_builtin_bank_is_valid_and_large(bank: Bank) -> None:
    assert [str(p) for p in bank.problems] == []
    assert len(bank) >= 150
    per_topic = Counter(q.topic for q in bank)
    assert len(per_topic) >= 8
    assert min(per_topic.values()) >= 10, per_topic


def test_every_seed_question_maps_to_exactly_one_entry(
    bank: Bank, seed_questions: list[dict[str, str]]
) -> None:
    assert len(seed_questions) >= 140
    owners: dict[str, list[str]] = {}
    for question in bank:
        for phrasing in question.phrasings:
            owners.setdefault(normalise(phrasing), []).append(question.id)
    unmapped = [s["exact_text"] for s in seed_questions if normalise(s["exact_text"]) not in owners]
    assert unmapped == []
    ambiguous = {
        s["exact_text"]: owners[normalise(s["exact_text"])]
        for s in seed_questions
        if len(set(owners[normalise(s["exact_text"])])) != 1
    }
    assert ambiguous == {}
    mapped_ids = {owners[normalise(s["exact_text"])][0] for s in seed_questions}
    assert len(mapped_ids) >= 100  # well over 100 distinct seed questions


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_seed_list_is_faithful_to_the_seed_documents(seed_questions: list[dict[str, str]]) -> None:
    """Each listed question is really on that line of its seed, and the importer finds them."""
    found_by_importer: set[str] = set()
    lines_by_file: dict[str, list[str]] = {}
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines_by_file[path.name] = text.splitlines()
        found_by_importer |= {normalise(q.question) for q in extract_questions(text)}
    for seed in seed_questions:
        line = lines_by_file[seed["seed_file"]][int(seed["line_number"]) - 1]
        assert normalise(seed["exact_text"]) in normalise(line), seed
    listed = {normalise(s["exact_text"]) for s in seed_questions}
    assert len(listed & found_by_importer) / len(listed) >= 0.9


def test_question_content_rules(bank: Bank) -> None:
    for q in bank:
        assert 3 <= len(q.key_points) <= 6, q.id
        assert 60 <= len(q.reference_answer.split()) <= 180, q.id
        assert q.target_seconds[0] < q.target_seconds[1], q.id
        assert q.tags, q.id
        for point in q.key_points:
            assert len(point.text.split()) <= 25, (q.id, point.text)
            assert point.concepts, (q.id, point.text)


def test_behavioural_answers_get_more_time(bank: Bank) -> None:
    def mean_max(topic: str) -> float:
        values = [q.target_seconds[1] for q in bank if q.topic == topic]
        return sum(values) / len(values)

    assert mean_max("behavioural") > mean_max("fundamentals")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_reference_answers_are_in_our_own_words(bank: Bank) -> None:
    """No run of 8 words from a seed document appears in a reference answer or key point."""
    n = 8
    seed_grams: set[tuple[str, ...]] = set()
    for path in SEEDS.glob("*.txt"):
        words = normalise(path.read_text(encoding="utf-8")).split()
        seed_grams |= {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}
    copied: list[str] = []
    for q in bank:
        for text in [q.reference_answer, *q.key_point_texts]:
            words = normalise(text).split()
            if any(tuple(words[i : i + n]) in seed_grams for i in range(len(words) - n + 1)):
                copied.append(q.id)
    assert copied == []


def test_the_bank_opens_on_fundamentals_and_ends_on_behavioural(bank: Bank) -> None:
    """The Practice list keeps the bank's order: an MLOps candidate starts on the fundamentals,
    not on 28 screens' worth of "Tell me about yourself"."""
    topics = [q.topic for q in bank]
    assert topics[0] == "fundamentals"
    first_behavioural = topics.index("behavioural")
    assert set(topics[first_behavioural:]) == {"behavioural"}
    # Each topic is one run: the list is grouped, not interleaved.
    runs = [t for n, t in enumerate(topics) if n == 0 or t != topics[n - 1]]
    assert len(runs) == len(set(topics))
