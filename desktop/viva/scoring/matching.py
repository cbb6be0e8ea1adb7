"""Finding wordings in an answer: stems, small gaps, ASR slips, split or joined compounds, negation.

A wording ("small percentage of users") is a :class:`Phrase` of content tokens. It occurs in an
answer where its tokens appear in order with at most ``MAX_GAP`` other tokens between them. One
token matches another when their stems are equal, when they are close in spelling (an ASR slip
such as "feature stor"), when they sound alike (metaphone), or when two or three answer tokens
joined give it ("ML flow" for "mlflow", "cube flow" for "kubeflow").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from viva.scoring.lexicon import NEGATOR_PAIRS, NEGATORS, WORD_SYNONYMS
from viva.scoring.text import (
    NEGATION_BLOCKERS,
    STOPWORDS,
    Answer,
    phonetic,
    stem,
    tokenize_text,
)

MAX_GAP = 3
NEGATION_LOOKBACK = 5
#: "without X", "no X", "instead of X" govern only the next few words.
SHORT_SCOPE_NEGATORS = frozenset(["without", "no", "instead", "rather", "opposed", "unlike"])
SHORT_SCOPE = 3
FUZZY_MIN_LEN = 5
FUZZY_RATIO = 85.0
PHONETIC_MIN_LEN = 4
PHONETIC_RATIO = 70.0
#: Long words (letters, metaphone key length) whose keys may differ only in voicing.
LONG_WORD = 8
LONG_KEY = 5
LONG_PHONETIC_RATIO = 55.0
_VOICING = str.maketrans("BDGVZJ", "PTKFSK")


def unvoiced(key: str) -> str:
    """A metaphone key with voiced consonants folded into their voiceless pairs."""
    return key.translate(_VOICING)


#: "asynchronous" is not a slip for "synchronous", nor "unstable" for "stable".
NEGATIVE_PREFIXES = ("a", "an", "un", "in", "im", "il", "ir", "non", "dis", "de")


def opposite_forms(a: str, b: str) -> bool:
    """Whether one word is the other with a negative prefix ("asymmetric", "symmetric")."""
    for x, y in ((a, b), (stem(a), stem(b))):
        short, long_ = sorted((x, y), key=len)
        if long_ != short and long_.endswith(short):
            return long_[: len(long_) - len(short)].rstrip("-") in NEGATIVE_PREFIXES
    return False


@lru_cache(maxsize=1)
def _interchangeable() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for line in WORD_SYNONYMS:
        stems = {stem(w) for w, _, _ in tokenize_text(line)}
        for s in stems:
            out.setdefault(s, set()).update(stems - {s})
    return {k: frozenset(v) for k, v in out.items()}


def interchangeable(word_stem: str) -> frozenset[str]:
    """Stems of the words used interchangeably with ``word_stem`` (lexicon.WORD_SYNONYMS)."""
    return _interchangeable().get(word_stem, frozenset())


@dataclass(frozen=True, slots=True)
class PhraseToken:
    norm: str
    stem: str
    phon: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """A wording reduced to its content tokens; ``negated`` if it says "no"/"not"/"without".

    "no downtime" is the token "downtime" with ``negated``: an answer asserts it where
    "downtime" occurs under a negator, and denies it where "downtime" occurs plainly.
    """

    text: str
    tokens: tuple[PhraseToken, ...]
    negated: bool  # the wording itself contains a negator

    @classmethod
    def parse(cls, text: str) -> Phrase | None:
        words = [w for w, _, _ in tokenize_text(text)]
        negated = any(w in NEGATORS for w in words)
        content = [w for w in words if w not in STOPWORDS and w not in NEGATORS]
        if len(content) == 1 and len(words) > 1:
            # "at once" is not "once": keep the function words of a short phrase.
            content = [w for w in words if w not in NEGATORS]
        if not content:
            content = [w for w in words if w not in NEGATORS]
        if not content:
            return None
        toks = tuple(PhraseToken(w, stem(w), phonetic(w)) for w in content)
        return cls(text=text, tokens=toks, negated=negated)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(t.stem for t in self.tokens)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """Where a phrase occurs: token range, and whether a negator governs it."""

    first: int
    last: int
    negated: bool


@dataclass(slots=True)
class Matcher:
    """Finds phrases in one answer; caches token-level matches."""

    answer: Answer
    _cache: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _phrase_cache: dict[tuple[str, ...], list[Occurrence]] = field(default_factory=dict)
    _units: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    _by_norm: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _by_stem: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _by_phon: dict[str, set[str]] = field(default_factory=dict)
    _by_voice: dict[str, set[str]] = field(default_factory=dict)
    _long_norms: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        toks = self.answer.tokens
        for i, t in enumerate(toks):
            self._units.append((i, 1, t.norm, t.stem, phonetic(t.norm)))
            for n in (2, 3):
                if i + n > len(toks):
                    break
                parts = toks[i : i + n]
                if any(p.sentence != t.sentence for p in parts):
                    break
                if any(
                    p.norm in STOPWORDS and len(p.norm) > 1 or p.norm in NEGATORS for p in parts
                ):
                    break
                joined = "".join(p.norm for p in parts)
                self._units.append((i, n, joined, stem(joined), phonetic(joined)))

    def token_matches(self, pt: PhraseToken) -> list[tuple[int, int]]:
        """(position, tokens consumed) where the answer says this phrase token."""
        hit = self._cache.get(pt.norm)
        if hit is not None:
            return hit
        if not self._by_norm:
            self._index()
        found: set[tuple[int, int]] = set(self._by_norm.get(pt.norm, ()))
        found.update(self._by_stem.get(pt.stem, ()))
        for other in interchangeable(pt.stem):
            found.update(self._by_stem.get(other, ()))
        if len(pt.norm) >= FUZZY_MIN_LEN and not pt.norm.isdigit():
            for norm, _, _ in process.extract_iter(
                pt.norm, self._long_norms, scorer=fuzz.ratio, score_cutoff=FUZZY_RATIO
            ):
                if not opposite_forms(norm, pt.norm):
                    found.update(self._by_norm[norm])
        if len(pt.norm) >= PHONETIC_MIN_LEN and pt.phon and not pt.norm.isdigit():
            for norm in self._by_phon.get(pt.phon, ()):
                if fuzz.ratio(norm, pt.norm) >= PHONETIC_RATIO and not opposite_forms(
                    norm, pt.norm
                ):
                    found.update(self._by_norm[norm])
            long_word = len(pt.norm) >= LONG_WORD and len(pt.phon) >= LONG_KEY
            if long_word:
                # Recognisers split long jargon into words that sound alike with a voiced or
                # voiceless consonant swapped ("Cooper Netties" for "Kubernetes").
                for norm in self._by_voice.get(unvoiced(pt.phon), ()):
                    if fuzz.ratio(norm, pt.norm) >= LONG_PHONETIC_RATIO and not opposite_forms(
                        norm, pt.norm
                    ):
                        found.update(self._by_norm[norm])
        out = sorted(found)
        self._cache[pt.norm] = out
        return out

    def _index(self) -> None:
        for pos, n, norm, st, ph in self._units:
            self._by_norm.setdefault(norm, []).append((pos, n))
            self._by_stem.setdefault(st, []).append((pos, n))
            if n == 1 and norm in STOPWORDS or norm.isdigit():
                continue
            if len(norm) >= PHONETIC_MIN_LEN and ph:
                self._by_phon.setdefault(ph, set()).add(norm)
                if len(norm) >= LONG_WORD and len(ph) >= LONG_KEY:
                    self._by_voice.setdefault(unvoiced(ph), set()).add(norm)
        self._long_norms = [
            n for n in self._by_norm if len(n) >= FUZZY_MIN_LEN - 1 and n not in STOPWORDS
        ]

    def find(self, phrase: Phrase) -> list[Occurrence]:
        """Every occurrence of ``phrase`` (leftmost, shortest), with its negation."""
        cached = self._phrase_cache.get(phrase.key)
        if cached is not None:
            return cached
        firsts = self.token_matches(phrase.tokens[0])
        rest = [dict(self.token_matches(t)) for t in phrase.tokens[1:]]
        rest_sorted = [sorted(r.items()) for r in rest]
        occs: list[Occurrence] = []
        seen_first: set[int] = set()
        for pos, n in firsts:
            end = pos + n - 1
            ok = True
            for options in rest_sorted:
                nxt = next(((p, m) for p, m in options if end < p <= end + 1 + MAX_GAP), None)
                if nxt is None:
                    ok = False
                    break
                end = nxt[0] + nxt[1] - 1
            if not ok or pos in seen_first:
                continue
            seen_first.add(pos)
            occs.append(
                Occurrence(pos, end, self.negated_at(pos) or self._negated_inside(pos, end))
            )
        self._phrase_cache[phrase.key] = occs
        return occs

    def _negated_inside(self, first: int, last: int) -> bool:
        """A negator between the words of an occurrence: "users are not impacted"."""
        toks = self.answer.tokens
        for j in range(first + 1, last):
            if toks[j].norm in NEGATORS and toks[j + 1].norm not in NEGATION_BLOCKERS:
                return True
        return False

    def negated_at(self, pos: int) -> bool:
        """Whether a negator in the same clause, shortly before ``pos``, governs it."""
        toks = self.answer.tokens
        clause = toks[pos].clause
        lo = max(0, pos - NEGATION_LOOKBACK)
        for j in range(pos - 1, lo - 1, -1):
            t = toks[j]
            if t.clause != clause:
                break
            if t.norm in SHORT_SCOPE_NEGATORS and pos - j > SHORT_SCOPE:
                continue
            nxt = toks[j + 1].norm if j + 1 < len(toks) else ""
            if t.norm in NEGATORS:
                return not (nxt in NEGATION_BLOCKERS and j + 1 < pos)
            if (t.norm,) in NEGATOR_PAIRS or (t.norm, nxt) in NEGATOR_PAIRS:
                return True
        return False
