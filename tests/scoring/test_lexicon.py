"""The scoring lexicon (viva/data/lexicon.yaml) keeps its rules; a broken rule names the entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from viva import settings
from viva.scoring import coverage, lexicon, matching, text, timing
from viva.scoring.lexicon import (
    CLASSES,
    FILLER_WORDS,
    LEXICON,
    LEXICON_PATH,
    NEGATORS,
    OPPOSITES,
    LexiconError,
    lexicon_problems,
    load_lexicon,
    wording_key,
)
from viva.scoring.matching import Phrase


def test_shipped_lexicon_is_sound() -> None:
    assert lexicon_problems(LEXICON) == []
    assert CLASSES
    assert all(CLASSES.values()), "no class is empty"


def test_opposites_are_symmetric_and_name_classes() -> None:
    for name, others in OPPOSITES.items():
        assert name in CLASSES
        for other in others:
            assert other in CLASSES, f"opposites.{name}: {other} is not a class"
            assert name in OPPOSITES.get(other, ()), f"{name} -> {other} but not back"


def test_a_wording_is_in_one_class_unless_a_listed_overlap() -> None:
    """Compared as the matcher compares them (stems, negation): "contain" is "container"."""
    owners: dict[tuple[tuple[str, ...], bool], set[str]] = {}
    for name, wordings in CLASSES.items():
        for wording in wordings:
            phrase = Phrase.parse(wording)
            assert phrase is not None, f"{name}: {wording!r} has no word"
            key = (phrase.key, phrase.negated)
            assert wording_key(wording, NEGATORS) == key
            owners.setdefault(key, set()).add(name)
    allowed = {}
    for overlap in LEXICON.overlaps:
        allowed.setdefault(wording_key(overlap.wording, NEGATORS), set()).update(overlap.classes)
    shared = {k: v for k, v in owners.items() if len(v) > 1}
    assert shared, "the lexicon has deliberate overlaps"
    for key, names in shared.items():
        assert names <= allowed.get(key, set()), f"{key} in {sorted(names)}"


def test_one_synonym_line_per_word() -> None:
    words = [w for line in LEXICON.word_synonyms for w in line]
    assert len(words) == len(set(words))


def test_one_filler_list() -> None:
    assert settings.DEFAULT_FILLERS is FILLER_WORDS
    assert settings.Settings().fillers == list(FILLER_WORDS)
    assert timing.find_fillers.__defaults__ == (FILLER_WORDS,)
    # Keyword lists skip the one-word fillers and the padding words ("drift, skew, etc").
    assert {f for f in FILLER_WORDS if " " not in f} | lexicon.LIST_PADDING == coverage._FILL
    # The GUI's default words (Settings > Fillers) before the list moved to the lexicon.
    assert FILLER_WORDS == (
        "um",
        "uh",
        "er",
        "like",
        "you know",
        "basically",
        "sort of",
        "kind of",
        "i mean",
    )


def test_one_negator_list() -> None:
    assert matching.NEGATORS is NEGATORS
    assert coverage.NEGATORS is NEGATORS
    assert not hasattr(coverage, "_NEG")
    assert not hasattr(text, "NEGATORS")
    assert {"not", "no", "never", "without", "don't", "cannot"} <= NEGATORS
    assert ("instead", "of") in lexicon.NEGATOR_PAIRS


def _broken(tmp_path: Path, change: dict[str, object]) -> str:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    for dotted, value in change.items():
        *parents, last = dotted.split(".")
        node = data
        for part in parents:
            node = node[part]
        node[last] = value
    path = tmp_path / "lexicon.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_asymmetric_opposite_is_named(tmp_path: Path) -> None:
    message = _broken(tmp_path, {"opposites.manual": []})
    assert "opposites.automate lists 'manual' but opposites.manual does not list" in message


def test_unknown_opposite_and_empty_class_are_named(tmp_path: Path) -> None:
    message = _broken(tmp_path, {"opposites.gradual": ["all_at_once", "sideways"]})
    assert "opposites.gradual lists 'sideways', which is not a class" in message
    message = _broken(tmp_path, {"classes.canary": []})
    assert "classes.canary is empty" in message


def test_wording_in_two_classes_is_named(tmp_path: Path) -> None:
    wordings = [*CLASSES["manual"], "canary release"]
    message = _broken(tmp_path, {"classes.manual": wordings})
    assert "'canary release' in classes.canary" in message
    assert "'canary release' in classes.manual" in message


def test_word_on_two_synonym_lines_is_named(tmp_path: Path) -> None:
    lines = [*LEXICON.word_synonyms, ["users", "punters"]]
    message = _broken(tmp_path, {"word_synonyms": lines})
    assert "word_synonyms: 'users' is on line 1" in message


def test_bad_wording_and_bad_yaml(tmp_path: Path) -> None:
    message = _broken(tmp_path, {"fillers": ["um", "You Know"]})
    assert "fillers.1" in message
    assert "lower case" in message
    path = tmp_path / "bad.yaml"
    path.write_text("classes: [unclosed\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid YAML"):
        load_lexicon(path)
