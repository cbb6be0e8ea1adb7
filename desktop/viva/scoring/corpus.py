"""What the whole bank says: how common a wording is across key points, and what each question
is about.

Two statistics come from the built-in bank (loaded once per process, lazily) or from questions
given with :func:`use_questions`:

- the share of all key points whose wordings contain a phrase: "monitoring", "drift" or
  "pipeline" appear in many key points of many questions, so an answer saying only them has
  made no particular point (a low-distinctiveness match earns nothing on its own);
- each question's vocabulary, so an answer can be compared with this question and with all the
  others: an answer whose words belong far more to another question is off topic here.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from viva.bank.models import KeyPoint, Question
from viva.scoring.lexicon import GENERIC_WORDS
from viva.scoring.text import STOPWORDS, stem, tokenize_text

log = logging.getLogger(__name__)

#: A phrase found in at least this share of all key points of the bank is common MLOps
#: vocabulary: matching it alone is no evidence of a particular point.
COMMON_SHARE = 0.035
#: Below this many key points, the corpus is too small to tell common words apart.
MIN_DOCS = 100


def _stems(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(
        stem(w)
        for t in texts
        for w, _, _ in tokenize_text(t)
        if w not in STOPWORDS and w not in GENERIC_WORDS
    )


def point_stems(point: KeyPoint) -> frozenset[str]:
    """Stems of a key point's text, concept wordings and synonyms."""
    return _stems([point.text, *(w for g in point.concepts for w in g), *point.synonyms])


def question_stems(question: Question) -> frozenset[str]:
    """Stems of the question's phrasings and key points (reference answers tell stories)."""
    texts: list[str] = [*question.phrasings]
    return _stems(texts) | frozenset(s for kp in question.key_points for s in point_stems(kp))


@dataclass(frozen=True, slots=True)
class Corpus:
    """Key point and question statistics over a bank."""

    docs: int
    postings: dict[str, frozenset[int]]  # stem -> key point numbers whose wordings use it
    questions: tuple[tuple[str, frozenset[str]], ...]  # (question id, vocabulary stems)
    question_df: dict[str, int]  # stem -> number of questions whose vocabulary has it
    _df_cache: dict[tuple[str, ...], int] = field(default_factory=dict)

    @classmethod
    def build(cls, questions: Sequence[Question]) -> Corpus:
        postings: dict[str, set[int]] = {}
        n = 0
        vocab: list[tuple[str, frozenset[str]]] = []
        qdf: dict[str, int] = {}
        for q in questions:
            for kp in q.key_points:
                for s in point_stems(kp):
                    postings.setdefault(s, set()).add(n)
                n += 1
            v = question_stems(q)
            vocab.append((q.id, v))
            for s in v:
                qdf[s] = qdf.get(s, 0) + 1
        return cls(n, {k: frozenset(v) for k, v in postings.items()}, tuple(vocab), qdf)

    def df(self, key: tuple[str, ...]) -> int:
        """How many key points use every stem of ``key``."""
        got = self._df_cache.get(key)
        if got is None:
            sets = [self.postings.get(s, frozenset()) for s in key]
            got = len(frozenset.intersection(*sets)) if sets else 0
            self._df_cache[key] = got
        return got

    def common(self, key: tuple[str, ...]) -> bool:
        """Whether the phrase with stems ``key`` is everyday vocabulary of the bank."""
        if self.docs < MIN_DOCS:
            return False
        return self.df(key) >= COMMON_SHARE * self.docs

    def weight(self, word_stem: str) -> float:
        """Inverse question frequency of a stem: rare words say more about the topic."""
        n = len(self.questions)
        return math.log((n + 1) / (self.question_df.get(word_stem, 0) + 0.5))


_OVERRIDE: list[Corpus] = []


def use_questions(questions: Sequence[Question] | None) -> None:
    """Compute the statistics over ``questions`` from now on (``None``: the built-in bank)."""
    _OVERRIDE.clear()
    if questions is not None:
        _OVERRIDE.append(Corpus.build(questions))


@cache
def _builtin() -> Corpus:
    from viva.bank import load_builtin_bank

    bank = load_builtin_bank()
    corpus = Corpus.build(list(bank))
    log.debug("scoring corpus: %d key points of %d questions", corpus.docs, len(bank))
    return corpus


def corpus() -> Corpus:
    """The statistics in use: those given to :func:`use_questions`, else the built-in bank's."""
    return _OVERRIDE[0] if _OVERRIDE else _builtin()
