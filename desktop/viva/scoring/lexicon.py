"""A small lexicon of MLOps wordings: ideas said in other words, and ideas that contradict them.

The data lives in ``viva/data/lexicon.yaml``; this module loads it once, validates it and keeps
the names the scorer reads.

Each class lists phrasings of one idea. A key point's concept wording (or a word of its text)
that is a phrasing of a class is widened to the whole class, so "canary" in a key point also
accepts "we roll it out to 5% of users first". ``OPPOSITES`` pairs classes whose statement
contradicts the other ("gradually" against "all at once"): saying the opposite of a point is not
making it. Phrasings are matched on stems, with small gaps, so "rolled it out slowly" matches
"roll out slowly".

The file also holds the one list of fillers (the default of Settings > Fillers, counted in
delivery feedback) and the one list of negators the scorer uses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from viva.scoring.text import STOPWORDS, stem, tokenize_text

log = logging.getLogger(__name__)

#: libyaml's safe loader when available (5x faster), else the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: The lexicon shipped with Viva (package data).
LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.yaml"


class LexiconError(ValueError):
    """The lexicon file is missing, is not YAML, or breaks one of its rules."""


def _wording(value: str) -> str:
    if value != " ".join(value.lower().split()):
        raise ValueError(f"{value!r} must be lower case with single spaces")
    if not tokenize_text(value):
        raise ValueError(f"{value!r} has no word in it")
    return value


def _word(value: str) -> str:
    value = _wording(value)
    if " " in value:
        raise ValueError(f"{value!r} must be a single word")
    return value


Wording = Annotated[str, AfterValidator(_wording)]
Word = Annotated[str, AfterValidator(_word)]


class Overlap(BaseModel):
    """A wording deliberately listed in several classes, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wording: Wording
    classes: list[str] = Field(min_length=2)
    why: str = Field(min_length=1)


class Lexicon(BaseModel):
    """The contents of ``lexicon.yaml`` (see the comments there)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    classes: dict[str, list[Wording]]
    overlaps: list[Overlap] = Field(default_factory=list)
    opposites: dict[str, list[str]]
    evaluative: list[str]
    generic_words: list[Word]
    fillers: list[Wording] = Field(min_length=1)
    negators: list[Word] = Field(min_length=1)
    negator_pairs: list[list[Word]]
    list_padding: list[Word] = Field(default_factory=list)
    word_synonyms: list[list[Word]]

    @model_validator(mode="after")
    def _rules(self) -> Lexicon:
        problems = lexicon_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self


def wording_key(text: str, negators: Iterable[str]) -> tuple[tuple[str, ...], bool]:
    """(stems, negated): what the matcher compares a wording by (as ``matching.Phrase``)."""
    neg = frozenset(negators)
    words = [w for w, _, _ in tokenize_text(text)]
    content = [w for w in words if w not in STOPWORDS and w not in neg]
    if len(content) == 1 and len(words) > 1 or not content:
        content = [w for w in words if w not in neg]
    return tuple(stem(w) for w in content), any(w in neg for w in words)


def _duplicates(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for item in items:
        if item in seen and item not in dup:
            dup.append(item)
        seen.add(item)
    return dup


def lexicon_problems(lex: Lexicon) -> list[str]:
    """Every broken rule of ``lex``, each naming the entry (empty when the lexicon is sound)."""
    problems: list[str] = []
    for name, wordings in lex.classes.items():
        if not wordings:
            problems.append(f"classes.{name} is empty; give it at least one wording")
        for dup in _duplicates(wordings):
            problems.append(f"classes.{name} lists {dup!r} twice")
    for name, others in lex.opposites.items():
        if name not in lex.classes:
            problems.append(f"opposites.{name} is not a class")
        for other in others:
            if other not in lex.classes:
                problems.append(f"opposites.{name} lists {other!r}, which is not a class")
            elif other == name:
                problems.append(f"opposites.{name} lists itself")
            elif name not in lex.opposites.get(other, []):
                problems.append(
                    f"opposites.{name} lists {other!r} but opposites.{other} does not list "
                    f"{name!r}; opposites are symmetric, add it"
                )
    for name in lex.evaluative:
        if name not in lex.classes:
            problems.append(f"evaluative lists {name!r}, which is not a class")
    problems += _overlap_problems(lex)
    for pair in lex.negator_pairs:
        if not 1 <= len(pair) <= 2:
            problems.append(f"negator_pairs: {pair!r} must be one or two words")
    for label, items in (
        ("fillers", lex.fillers),
        ("negators", lex.negators),
        ("generic_words", lex.generic_words),
    ):
        for dup in _duplicates(items):
            problems.append(f"{label} lists {dup!r} twice")
    lines: dict[str, int] = {}
    for i, line in enumerate(lex.word_synonyms):
        if len(set(line)) < 2:
            problems.append(f"word_synonyms line {i + 1} {line!r} needs two different words")
        for word in dict.fromkeys(line):
            if word in lines:
                problems.append(
                    f"word_synonyms: {word!r} is on line {lines[word] + 1} "
                    f"{lex.word_synonyms[lines[word]]!r} and line {i + 1} {line!r}; "
                    "keep it on one line"
                )
            else:
                lines[word] = i
    return problems


def _overlap_problems(lex: Lexicon) -> list[str]:
    """A wording (by its stems) in two classes must be a listed overlap, and overlaps real."""
    problems: list[str] = []
    owners: dict[tuple[tuple[str, ...], bool], dict[str, str]] = {}
    for name, wordings in lex.classes.items():
        for text in wordings:
            owners.setdefault(wording_key(text, lex.negators), {}).setdefault(name, text)
    allowed: dict[tuple[tuple[str, ...], bool], set[str]] = {}
    for overlap in lex.overlaps:
        key = wording_key(overlap.wording, lex.negators)
        have = owners.get(key, {})
        for name in overlap.classes:
            if name not in lex.classes:
                problems.append(f"overlaps: {overlap.wording!r} names {name!r}, not a class")
            elif name not in have:
                problems.append(
                    f"overlaps: {overlap.wording!r} is not in classes.{name}; remove the overlap"
                )
        allowed.setdefault(key, set()).update(overlap.classes)
    for key, classes in owners.items():
        if len(classes) > 1 and not set(classes) <= allowed.get(key, set()):
            said = ", ".join(f"{text!r} in classes.{name}" for name, text in classes.items())
            problems.append(
                f"the same wording is in two classes ({said}); keep it in one class, or list it "
                "under overlaps if both are meant"
            )
    return problems


def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and validate the lexicon; :class:`LexiconError` names the file and every problem."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise LexiconError(f"Cannot read the scoring lexicon {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise LexiconError(f"The scoring lexicon {path} is not valid YAML: {exc}") from exc
    try:
        return Lexicon.model_validate(data)
    except ValidationError as exc:
        details = "\n".join(
            f"  {'.'.join(str(p) for p in err['loc']) + ': ' if err['loc'] else ''}{line}"
            for err in exc.errors()
            for line in str(err.get("ctx", {}).get("error", err["msg"])).splitlines()
        )
        raise LexiconError(f"The scoring lexicon {path} is invalid:\n{details}") from exc


LEXICON = load_lexicon()

#: Class name -> its wordings.
CLASSES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in LEXICON.classes.items()}
#: Classes whose statement contradicts the other's (symmetric).
OPPOSITES: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in LEXICON.opposites.items()}
#: Positive evaluations: their words inside a longer wording ("instant rollback") make it an
#: evaluation: the idea is denied where its clause says the opposite class ("rollback is hard").
EVALUATIVE: tuple[str, ...] = tuple(LEXICON.evaluative)
#: Single words that carry little on their own in an MLOps key point.
GENERIC_WORDS: frozenset[str] = frozenset(LEXICON.generic_words)
#: The fillers counted by default (Settings > Fillers starts with these).
FILLER_WORDS: tuple[str, ...] = tuple(LEXICON.fillers)
#: Words that negate what follows them.
NEGATORS: frozenset[str] = frozenset(LEXICON.negators)
#: Negators that need a partner word: "instead of", "rather than", "as opposed to".
NEGATOR_PAIRS: frozenset[tuple[str, ...]] = frozenset(tuple(p) for p in LEXICON.negator_pairs)
#: Words that say nothing as a keyword-list item ("drift, skew, etc"), besides fillers.
LIST_PADDING: frozenset[str] = frozenset(LEXICON.list_padding)
#: Single words used interchangeably, one space-separated line per set.
WORD_SYNONYMS: tuple[str, ...] = tuple(" ".join(line) for line in LEXICON.word_synonyms)
