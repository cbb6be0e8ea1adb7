"""Key-point coverage: was each point made, in one stretch of the answer, and not contradicted?

A key point is a set of concept groups (from the bank's ``concepts``, else derived from its
text); each group lists wordings of one idea, widened by the lexicon. The point is made where
every group is said, positively, within one window of the answer (one sentence or two adjacent
ones, at most ``MAX_SPAN`` tokens). Matches inside a bare keyword list ("monitoring, drift,
retraining, alerts") count as one idea at most. A group said under a negator, or said as its
opposite ("little by little" for "all at once"), denies the point; so does a ``wrong`` statement.
An answer that shares too little vocabulary with the question is off topic and gets nothing.
In a question that contrasts subjects (canary vs blue-green), what is said about one point's
subject does not make another point's (``foreign_tokens``); "rollback is hard" denies "instant
rollback" (``Group.against``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from viva.bank.models import KeyPoint, Question
from viva.scoring.corpus import corpus, question_stems
from viva.scoring.lexicon import (
    CLASSES,
    EVALUATIVE,
    FILLER_WORDS,
    GENERIC_WORDS,
    LIST_PADDING,
    NEGATORS,
    OPPOSITES,
)
from viva.scoring.matching import Matcher, Occurrence, Phrase
from viva.scoring.text import (
    CLAUSE_WORDS,
    STOPWORDS,
    Answer,
    Token,
    build_answer,
    stem,
    tokenize_text,
    wordset,
)

log = logging.getLogger(__name__)

MAX_SPAN = 60
#: A point may be made across up to three adjacent sentences (rambling answers).
MAX_SENTENCES = 3
WRONG_MAX_SPAN = 16
#: A negated one-word wording this short ("say no") is too vague to deny its plain word.
SHORT_WORD = 4
#: Fraction of (weighted) concept groups: at or above COVERED -> covered. At least PARTIAL,
#: with the point's distinguishing idea among them, -> partial.
COVERED_CONCEPTS = 0.99
PARTIAL_CONCEPTS = 0.5
COVERED_DERIVED = 0.75
PARTIAL_DERIVED = 0.45
#: Share of the answer's content words found in the question's vocabulary below which the
#: answer is off topic.
MIN_RELEVANCE = 0.2
#: Off topic too when the answer's weighted share here is below this fraction of its share
#: in the bank question it fits best.
RELATIVE_RELEVANCE = 0.38
#: A short answer has too few words to tell which question it fits best.
RELATIVE_MIN_WORDS = 12
MIN_RELEVANT_WORDS = 3
LIST_MIN_ITEMS = 4
LIST_MAX_ITEM_WORDS = 3
SCORES = {"covered": 1.0, "partial": 0.5, "missed": 0.0}


@dataclass(frozen=True, slots=True)
class Group:
    """Alternative wordings of one idea; ``opposites`` are wordings that contradict it."""

    label: str
    phrases: tuple[Phrase, ...]
    opposites: tuple[Phrase, ...]
    weight: float = 1.0
    negated: bool = False  # the key point itself says it negated ("without monitoring")
    subject: bool = False  # a wording is in the question: the answer may leave it implied
    own: int = 0  # how many of ``phrases`` are the point's own wordings (before widening)
    #: The point's own idea: not a wording of the question's other points, not common words.
    distinct: bool = True
    #: Evaluations opposite to one its wordings makes ("hard" against "instant rollback"):
    #: said in the same clause, they deny the idea there.
    against: tuple[Phrase, ...] = ()


@dataclass(frozen=True, slots=True)
class PointSpec:
    """What the scorer looks for to credit one key point."""

    text: str
    groups: tuple[Group, ...]
    derived: bool  # groups derived from the text (no bank concepts)
    synonyms: tuple[tuple[Group, ...], ...]
    wrong: tuple[tuple[tuple[Group, ...], bool], ...]  # (groups, statement is negated)


@dataclass(frozen=True, slots=True)
class PointResult:
    """Coverage of one key point."""

    text: str
    status: str
    score: float
    first: int | None
    last: int | None
    fraction: float
    contradicted: bool
    contradiction: tuple[int, int] | None
    missing: tuple[str, ...]


# --- building specs -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _class_index() -> tuple[dict[tuple[tuple[str, ...], bool], tuple[str, ...]], int]:
    """(phrase stems, negated) -> the classes that list it; and the longest phrase length.

    Negation is part of the key: "no manual" in the automate class must not make "manual"
    a way of saying "automated".
    """
    index: dict[tuple[tuple[str, ...], bool], list[str]] = {}
    longest = 1
    for name, phrases in CLASSES.items():
        for text in phrases:
            phrase = Phrase.parse(text)
            if phrase is None:
                continue
            index.setdefault((phrase.key, phrase.negated), []).append(name)
            longest = max(longest, len(phrase.key))
    return {k: tuple(v) for k, v in index.items()}, longest


@lru_cache(maxsize=256)
def _class_phrases(name: str) -> tuple[Phrase, ...]:
    return tuple(p for p in (Phrase.parse(t) for t in CLASSES[name]) if p is not None)


def _classes_of(phrase: Phrase) -> tuple[str, ...]:
    index, _ = _class_index()
    return index.get((phrase.key, phrase.negated), ())


def _dedupe(phrases: Iterable[Phrase]) -> tuple[Phrase, ...]:
    seen: set[tuple[tuple[str, ...], bool]] = set()
    out: list[Phrase] = []
    for p in phrases:
        k = (p.key, p.negated)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return tuple(out)


def _widen(phrases: Sequence[Phrase], classes: Iterable[str] = ()) -> Group:
    """A group of ``phrases`` widened with every lexicon class one of them belongs to."""
    names = list(dict.fromkeys([*classes, *(c for p in phrases for c in _classes_of(p))]))
    widened = [*phrases, *(p for n in names for p in _class_phrases(n))]
    opposite_names = {o for n in names for o in OPPOSITES.get(n, ())} - set(names)
    # A wording the group itself uses ("slow" for latency) is never its opposite.
    keys = {p.key for p in widened}
    opposites = [p for n in sorted(opposite_names) for p in _class_phrases(n) if p.key not in keys]
    label = phrases[0].text if phrases else names[0]
    own = len(_dedupe(phrases))
    return Group(
        label=label,
        phrases=_dedupe(widened),
        opposites=_dedupe(opposites),
        own=own,
        against=_against(phrases),
    )


def _against(phrases: Sequence[Phrase]) -> tuple[Phrase, ...]:
    """Opposite evaluations of the evaluative words inside longer wordings ("instant rollback")."""
    index, _ = _class_index()
    names: set[str] = set()
    for p in phrases:
        if len(p.key) < 2 or p.negated:
            continue
        for k in p.key:
            names.update(c for c in index.get(((k,), False), ()) if c in EVALUATIVE)
    opposite = {o for n in names for o in OPPOSITES.get(n, ())} - names
    return _dedupe(p for n in sorted(opposite) for p in _class_phrases(n))


def derive_groups(
    text: str, question_stems: frozenset[str] = frozenset(), *, widen: bool = True
) -> tuple[Group, ...]:
    """Concept groups from a sentence: lexicon phrases first, then its other content words.

    ``widen=False`` keeps each group to the sentence's own wording (for ``wrong`` statements:
    "data drift means ..." must not also be read as "concept drift means ...").
    """
    words = [w for w, _, _ in tokenize_text(text)]
    stems = [stem(w) for w in words]
    index, longest = _class_index()
    groups: list[Group] = []
    used = [False] * len(words)
    # Lexicon phrases, longest first, over content words (stopwords skipped inside phrases).
    content_idx = [i for i, w in enumerate(words) if w not in STOPWORDS]
    for n in range(min(longest, len(content_idx)), 1, -1):
        for k in range(len(content_idx) - n + 1):
            idx = content_idx[k : k + n]
            if any(used[i] for i in idx) or idx[-1] - idx[0] > n + 2:
                continue
            key = tuple(stems[i] for i in idx)
            names = index.get((key, False))
            if names:
                for i in idx:
                    used[i] = True
                phrase = Phrase.parse(" ".join(words[i] for i in idx))
                if phrase is not None:
                    groups.append(
                        _widen([phrase], names)
                        if widen
                        else Group(phrase.text, (phrase,), (), own=1)
                    )
    for i in content_idx:
        if used[i] or words[i] in GENERIC_WORDS or words[i].isdigit() and len(words[i]) < 2:
            continue
        used[i] = True
        phrase = Phrase.parse(words[i])
        if phrase is None:
            continue
        group = _widen([phrase]) if widen else Group(phrase.text, (phrase,), (), own=1)
        weight = 0.6 if stems[i] in question_stems else 1.0
        groups.append(replace(group, weight=weight))
    return tuple(groups)


def _polarised(group: Group, point: Matcher) -> Group:
    """``group``, marked negated if the key point's own text (``point``) says it under a
    negator."""
    for phrase in group.phrases[: group.own]:
        occs = point.find(phrase)
        if occs:
            negated = occs[0].negated != phrase.negated
            return replace(group, negated=negated)
    return group


def _subject(group: Group, question_stems: frozenset[str]) -> Group:
    """Mark ``group`` as the question's subject if one of its wordings is in the question."""
    if any(p.key and set(p.key) <= question_stems for p in group.phrases[:8]):
        return replace(group, subject=True)
    return group


def build_spec(point: KeyPoint, question_stems: frozenset[str] = frozenset()) -> PointSpec:
    """The concept groups, synonyms and wrong statements the scorer uses for ``point``."""
    from viva.speech.transcript import Transcript

    # The point's own text, read once: each group is polarised against it.
    own = Matcher(build_answer(Transcript.from_text(point.text)))
    if point.concepts:
        groups = tuple(
            _subject(
                _polarised(
                    _widen([p for p in (Phrase.parse(w) for w in wordings) if p is not None]),
                    own,
                ),
                question_stems,
            )
            for wordings in point.concepts
        )
        if all(g.subject for g in groups):
            groups = tuple(replace(g, subject=False) for g in groups)
        derived = False
    else:
        # Polarised like hinted groups: for "... without scanning the whole table", an answer
        # that says the table is not scanned agrees with the point rather than denying it.
        groups = tuple(_polarised(g, own) for g in derive_groups(point.text, question_stems))
        derived = True
    groups = _without_inner_opposites(groups)
    # The point's own text is one more whole-point wording: saying it nearly verbatim makes it.
    texts = [*point.synonyms, point.text]
    synonyms = tuple(g for g in (derive_groups(t, question_stems) for t in texts) if g)
    # Wrong statements are matched in their own words only: widened, "data drift means X"
    # would also catch a correct "concept drift means X".
    wrong = tuple(
        (derive_groups(w, widen=False), any(t in NEGATORS for t, _, _ in tokenize_text(w)))
        for w in point.wrong
    )
    return PointSpec(point.text, groups, derived, synonyms, wrong)


def _without_inner_opposites(groups: tuple[Group, ...]) -> tuple[Group, ...]:
    """Drop opposites that another group of the same point asserts.

    "Replace manual steps with automation" has a "manual" group and an "automate" group, each
    the other's opposite: saying one must not deny the other.
    """
    said = {p.key for g in groups for p in g.phrases if not p.negated}
    out = []
    for g in groups:
        kept = tuple(p for p in g.opposites if p.key not in said)
        out.append(replace(g, opposites=kept))
    return tuple(out)


# --- lists and windows ----------------------------------------------------------------------


def bare_list_items(answer: Answer) -> dict[int, int]:
    """Token index -> list id, for tokens inside bare keyword lists.

    A list is four or more consecutive short items (at most three content words each)
    separated by commas within one sentence. It is bare unless something is said about it:
    the item before it, or the start of its first item, has two or more non-generic content
    words ("The rollout goes in predefined steps, five, twenty-five, fifty, a hundred percent").
    """
    toks = answer.tokens
    text = answer.text
    items: list[list[int]] = []
    current: list[int] = []
    for i, t in enumerate(toks):
        if current:
            prev = toks[i - 1]
            between = text[prev.end : t.start]
            if t.sentence != prev.sentence or "," in between or ";" in between or ":" in between:
                items.append(current)
                current = []
        current.append(i)
    if current:
        items.append(current)

    def content(item: list[int]) -> list[int]:
        words = [i for i in item if toks[i].norm not in STOPWORDS and toks[i].norm not in _FILL]
        if all(toks[i].norm.isdigit() or toks[i].norm in _UNITS for i in words):
            # "ten, 25, 50%" is a progression, not a list of keywords (the recogniser writes
            # commas where a speaker pauses).
            return []
        return words

    out: dict[int, int] = {}
    list_id = 0
    k = 0

    def colon_after(item: list[int]) -> bool:
        nxt = item[-1] + 1
        return nxt < len(toks) and ":" in text[toks[item[-1]].end : toks[nxt].start]

    while k < len(items):
        if not 0 < len(content(items[k])) <= LIST_MAX_ITEM_WORDS or (
            colon_after(items[k])
            and k + 1 < len(items)
            and toks[items[k + 1][0]].sentence == toks[items[k][0]].sentence
        ):
            # A heading before a colon is not an item of the list that follows it.
            k += 1
            continue
        run = [k]
        j = k + 1
        while (
            j < len(items)
            and toks[items[j][0]].sentence == toks[items[k][0]].sentence
            and 0 < len(content(items[j])) <= LIST_MAX_ITEM_WORDS
        ):
            run.append(j)
            j += 1
        before = items[k - 1] if k > 0 else None
        anchored = (
            before is not None
            and toks[before[0]].sentence == toks[items[k][0]].sentence
            and ":" not in text[toks[before[-1]].end : toks[items[k][0]].start]
            and len([i for i in content(before) if toks[i].norm not in GENERIC_WORDS]) >= 2
        )
        if not anchored and before is not None:
            anchored = _colon_heading(answer, before, items[k], content)
        if len(run) >= LIST_MIN_ITEMS and not anchored:
            tail_sizes = [len(content(items[r])) for r in run[1:]]
            first = content(items[run[0]])
            core = max(tail_sizes) if tail_sizes else 1
            lead = first[:-core] if len(first) > core else []
            lead_words = [toks[i].norm for i in lead if toks[i].norm not in GENERIC_WORDS]
            if len(lead_words) < 2:
                list_id += 1
                heading = [before] if before is not None and colon_after(before) else []
                if heading and toks[heading[0][0]].sentence != toks[items[k][0]].sentence:
                    heading = []
                for i in (i for item in heading for i in item):
                    out[i] = list_id
                for r in run:
                    for i in items[r]:
                        out[i] = list_id
            k = j
        else:
            k += 1
    return out


def _colon_heading(
    answer: Answer, before: list[int], first: list[int], content: Callable[[list[int]], list[int]]
) -> bool:
    """A list introduced by a heading and a colon, after a real sentence, says something.

    "... we track three families of metrics. Reliability: failure rate, rollbacks, incidents,
    recovery" names what the items measure; "Common issues: drift, skew, ..." at the start of
    an answer is still a bare list.
    """
    toks = answer.tokens
    if ":" not in answer.text[toks[before[-1]].end : toks[first[0]].start]:
        return False
    heading = [toks[i].norm for i in content(before) if toks[i].norm not in GENERIC_WORDS]
    if not heading:
        return False
    sentence = toks[first[0]].sentence
    earlier = [
        t for t in toks if t.sentence < sentence and t.norm not in STOPWORDS and t.norm not in _FILL
    ]
    return len(earlier) >= 5


_UNITS = wordset("percent percentage pct x times")
#: Words that are not list items: one-word fillers and padding ("drift, skew, etc").
_FILL = frozenset(f for f in FILLER_WORDS if " " not in f) | LIST_PADDING


@dataclass(frozen=True, slots=True)
class _Hit:
    group: int
    first: int
    last: int
    sentence: int
    in_list: int | None
    polarity: bool  # True: asserts the idea; False: denies it
    own: bool = False  # said in one of the point's own wordings (not a lexicon widening)
    common: bool = False  # the wording is everyday vocabulary of the bank (corpus.COMMON_SHARE)
    opposite: bool = False  # said as the idea's lexicon opposite ("manually" for "automated")
    negated_wording: bool = False  # matched a wording that itself says no ("no regression")


def _hits(groups: Sequence[Group], matcher: Matcher, lists: dict[int, int]) -> list[_Hit]:
    toks = matcher.answer.tokens
    stats = corpus()
    hits: list[_Hit] = []
    for g, group in enumerate(groups):
        for k, phrase in enumerate(group.phrases):
            occs = matcher.find(phrase)
            common = bool(occs) and stats.common(phrase.key)
            for occ in occs:
                pol = (occ.negated != phrase.negated) == group.negated
                if (
                    not pol
                    and phrase.negated
                    and len(phrase.tokens) == 1
                    and len(phrase.tokens[0].norm) <= SHORT_WORD
                ):
                    # "say no" in a group: a plain "say" elsewhere denies nothing.
                    continue
                hit = _make_hit(g, occ, pol, toks, lists)
                if k < group.own and len(phrase.tokens) > 1 or len(phrase.tokens[0].norm) > 5:
                    hit = replace(hit, own=k < group.own)
                # Judged on the words said too: "metrics" said for "KPIs" is everyday vocabulary.
                said_common = common or (
                    occ.first == occ.last and stats.common((toks[occ.first].stem,))
                )
                hits.append(replace(hit, common=said_common, negated_wording=phrase.negated))
        for phrase in group.opposites:
            for occ in matcher.find(phrase):
                pol = (occ.negated != phrase.negated) != group.negated
                hits.append(replace(_make_hit(g, occ, pol, toks, lists), opposite=True))
        if group.against and not group.negated:
            clauses = {
                toks[occ.first].clause
                for phrase in group.against
                for occ in matcher.find(phrase)
                if occ.negated == phrase.negated
            }
            for k, h in enumerate(hits):
                if h.group == g and h.polarity and toks[h.first].clause in clauses:
                    hits[k] = replace(h, polarity=False, opposite=True)
    hits.sort(key=lambda h: (h.first, h.last))
    return hits


def _make_hit(
    g: int, occ: Occurrence, polarity: bool, toks: Sequence[Token], lists: dict[int, int]
) -> _Hit:
    sentence = toks[occ.first].sentence
    in_list = lists.get(occ.first)
    if in_list is not None and lists.get(occ.last) != in_list:
        in_list = None
    return _Hit(g, occ.first, occ.last, sentence, in_list, polarity)


@dataclass(frozen=True, slots=True)
class _Window:
    fraction: float
    first: int
    last: int
    groups: frozenset[int]
    denied: frozenset[int]
    distinct: bool = False  # the point's distinguishing idea said in specific (uncommon) words
    #: Some idea said in words that are not everyday bank vocabulary, or every idea said in
    #: the point's own wordings.
    specific: bool = False


def _best_window(groups: Sequence[Group], hits: Sequence[_Hit]) -> _Window | None:
    """The window saying the most of the point (weighted), then the shortest."""
    best: _Window | None = None
    base = sum(g.weight for g in groups if not g.subject)
    n = len(hits)
    for i in range(n):
        left = hits[i]
        chosen: dict[int, _Hit] = {}
        denied: dict[int, _Hit] = {}
        for j in range(i, n):
            h = hits[j]
            if h.sentence - left.sentence > MAX_SENTENCES - 1 or h.last - left.first > MAX_SPAN:
                break
            if h.polarity and h.in_list is not None and h.group in chosen:
                continue
            if h.polarity and h.group not in chosen and _overlaps(h, chosen, groups):
                # One stretch of words says one idea: "errors" is not both "accuracy" and
                # "model quality".
                continue
            if h.polarity:
                prev = chosen.get(h.group)
                others = {g: x for g, x in chosen.items() if g != h.group}
                if prev is None or (
                    prev.common
                    and not h.common
                    and h.in_list is None
                    and not _overlaps(h, others, groups)
                ):
                    chosen[h.group] = h
            else:
                denied.setdefault(h.group, h)
            got = _count(groups, chosen)
            total = base + sum(groups[g].weight for g in chosen if groups[g].subject)
            frac = got / total if total else 0.0
            last = max(x.last for x in (chosen or denied).values())
            denied_only = frozenset(denied) - frozenset(chosen)
            said = [(g, x) for g, x in chosen.items() if x.in_list is None and not x.common]
            # The subject named in another sentence than the rest of the point ("Canary and
            # blue-green? ... scale the numeric ones") does not make it specific.
            near = {x.sentence for g, x in chosen.items() if not groups[g].subject}
            said = [(g, x) for g, x in said if not groups[g].subject or x.sentence in near]
            own_all = all(
                g in chosen and chosen[g].own and chosen[g].in_list is None
                for g, gr in enumerate(groups)
                if not gr.subject
            )
            has_distinct = any(gr.distinct and not gr.subject for gr in groups)
            distinct = any(
                not groups[g].subject and (groups[g].distinct or not has_distinct) for g, _ in said
            )
            cand = _Window(
                frac,
                min(x.first for x in chosen.values()) if chosen else left.first,
                last,
                frozenset(chosen),
                denied_only,
                distinct,
                bool(said) or own_all,
            )
            if best is None or _better(cand, best, groups):
                best = cand
    return best


def _overlaps(h: _Hit, chosen: dict[int, _Hit], groups: Sequence[Group]) -> bool:
    """Whether ``h`` reuses words of a chosen hit, unless both are the groups' own wordings."""
    return any(
        x.first <= h.last and h.first <= x.last and not (x.own and h.own) for x in chosen.values()
    )


def _count(groups: Sequence[Group], chosen: dict[int, _Hit]) -> float:
    """Weighted groups said; ideas found only inside a bare keyword list count for nothing."""
    return sum(groups[g].weight for g, h in chosen.items() if h.in_list is None)


def _better(a: _Window, b: _Window, groups: Sequence[Group]) -> bool:
    if abs(a.fraction - b.fraction) > 1e-9:
        return a.fraction > b.fraction
    ka = (a.specific, a.distinct, not a.denied, len(a.groups))
    kb = (b.specific, b.distinct, not b.denied, len(b.groups))
    if ka != kb:
        return ka > kb
    return (a.last - a.first) < (b.last - b.first)


def _contradiction(groups: Sequence[Group], hits: Sequence[_Hit]) -> tuple[int, int] | None:
    """A sentence where every idea of the point is present and one is only ever denied.

    An idea denied in one clause and asserted in another of the same sentence ("manual
    deployments are slow, so we automate them") is not a contradiction.
    """
    k = len(groups)
    by_sentence: dict[int, list[_Hit]] = {}
    for h in hits:
        if h.in_list is None:
            by_sentence.setdefault(h.sentence, []).append(h)
    for sentence_hits in by_sentence.values():
        pos = {h.group for h in sentence_hits if h.polarity}
        neg = {h.group for h in sentence_hits if not h.polarity}
        if pos and neg - pos and len(pos | neg) >= k:
            denied = [h for h in sentence_hits if not h.polarity and h.group not in pos]
            first = min(h.first for h in denied)
            last = max(h.last for h in denied)
            return first, last
    return None


def _wrong_match(
    spec: tuple[tuple[Group, ...], bool], matcher: Matcher, lists: dict[int, int]
) -> tuple[int, int] | None:
    """Where the answer makes a ``wrong`` statement (its polarity included)."""
    groups, negated = spec
    if not groups:
        return None
    toks = matcher.answer.tokens
    hits = [h for h in _hits(groups, matcher, lists) if h.in_list is None]
    total = sum(g.weight for g in groups)
    n = len(hits)
    for i in range(n):
        left = hits[i]
        pos: set[int] = set()
        neg: set[int] = set()
        for j in range(i, n):
            h = hits[j]
            if h.sentence != left.sentence or h.last - left.first > WRONG_MAX_SPAN:
                break
            if any(toks[x].norm in CLAUSE_WORDS for x in range(left.first + 1, h.first)):
                break
            (pos if h.polarity else neg).add(h.group)
            got = sum(groups[g].weight for g in pos | neg)
            # A negated wrong statement ("we never retrain") is made where one of its ideas
            # is denied; a plain one where every idea is asserted and none denied.
            if got / total >= 0.99 and ((negated and neg) or (not negated and not neg - pos)):
                return left.first, h.last
    return None


# --- scoring --------------------------------------------------------------------------------


def question_vocabulary(question: Question) -> frozenset[str]:
    """Stems of the content words the question, its reference answer and key points use."""
    texts: list[str] = [*question.phrasings, question.reference_answer]
    for kp in question.key_points:
        texts.append(kp.text)
        texts.extend(w for group in kp.concepts for w in group)
        texts.extend(kp.synonyms)
    out: set[str] = set()
    for t in texts:
        for w, _, _ in tokenize_text(t):
            if w not in STOPWORDS and w not in GENERIC_WORDS:
                out.add(stem(w))
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Relevance:
    """How much of the answer is about this question, and about the closest other one."""

    share: float  # weighted share of the answer's content words in this question's vocabulary
    best_other: float  # the same for the bank question it matches best (not this one)
    off_topic: bool


def relevance(answer: Answer, vocabulary: frozenset[str], specs: Sequence[PointSpec]) -> float:
    """Share of the answer's content words that belong to the question's vocabulary."""
    vocab = set(vocabulary)
    for spec in specs:
        for group in spec.groups:
            for phrase in group.phrases:
                vocab.update(phrase.key)
    content = [t for t in answer.tokens if t.norm not in STOPWORDS and t.norm not in GENERIC_WORDS]
    if not content:
        return 0.0
    return sum(1 for t in content if t.stem in vocab) / len(content)


def weighted_relevance(answer: Answer, question: Question) -> Relevance:
    """Relevance to this question against the bank's other questions.

    Each content word weighs its inverse question frequency, so "model" or "pipeline" count
    for little and "canary" or "chi-square" for much. The answer is off topic when its share
    here is well below (``RELATIVE_RELEVANCE``) its share in another question of the bank.
    """
    stats = corpus()
    content = [
        t.stem for t in answer.tokens if t.norm not in STOPWORDS and t.norm not in GENERIC_WORDS
    ]
    weights = {s: stats.weight(s) for s in set(content)}
    total = sum(weights[s] for s in content)
    if not total:
        return Relevance(0.0, 0.0, True)

    def share(vocab: frozenset[str]) -> float:
        return sum(weights[s] for s in content if s in vocab) / total

    here = share(question_stems(question))
    best_other = max((share(v) for qid, v in stats.questions if qid != question.id), default=0.0)
    off = len(content) >= RELATIVE_MIN_WORDS and here < RELATIVE_RELEVANCE * best_other
    return Relevance(here, best_other, off)


_CONTRAST = re.compile(
    r"\b(?:differen\w*|vs|versus|compare\w*|comparison|contrast\w*)\b", re.IGNORECASE
)


def point_subjects(question: Question) -> list[frozenset[str]]:
    """Per key point, the stems of the subject it is about, when the question contrasts subjects.

    A point's subject is the run of leading content words of its text that the question names
    ("Blue-green keeps ..." -> blue, green; "Data drift is ..." -> data, drift). Stems every
    such subject shares ("drift") do not tell the points apart and are dropped.
    """
    if not any(_CONTRAST.search(text) for text in [*question.phrasings, question.id]):
        return [frozenset() for _ in question.key_points]
    qstems = {
        stem(w)
        for text in [*question.phrasings, *question.tags]
        for w, _, _ in tokenize_text(text)
        if w not in STOPWORDS and w not in GENERIC_WORDS
    }
    leads: list[set[str]] = []
    for kp in question.key_points:
        lead: set[str] = set()
        for w, _, _ in tokenize_text(kp.text):
            if w in STOPWORDS and not lead:
                continue
            s = stem(w)
            if w in STOPWORDS or s not in qstems:
                break
            lead.add(s)
        leads.append(lead)
    named = [lead for lead in leads if lead]
    shared = set.intersection(*named) if named else set()
    return [frozenset(lead - shared) for lead in leads]


@dataclass(frozen=True, slots=True)
class Foreign:
    """Tokens the answer says about another point's subject (``foreign_tokens``)."""

    #: In a sentence that names the other subject last before them: their assertions do not
    #: make this point.
    sentence: frozenset[int] = frozenset()
    #: The same, carried on into the following sentences until a subject is named again: their
    #: denials do not deny this point.
    stretch: frozenset[int] = frozenset()


def foreign_tokens(answer: Answer, subjects: Sequence[frozenset[str]], i: int) -> Foreign:
    """Tokens the answer says about another point's subject, not point ``i``'s.

    A token is bound to the subject named last before it in its sentence (or in it): in
    "canary is where you swap everything over at once", "at once" is said of canary and does
    not make blue-green's switch-at-once point. A sentence that names no subject is unbound
    for assertions ("you send five percent first" still makes the canary point), but a
    denial there stays with the subject named before it: in "Blue-green keeps two
    environments. The router then switches all traffic at once", "all traffic at once" is
    blue-green's and does not deny canary's small share.
    """
    if not subjects[i]:
        return Foreign()
    # Subjects sharing a word with this one ("batch inference", "batch") are the same subject.
    own = frozenset().union(*(s for s in subjects if s & subjects[i]))
    every = frozenset().union(*subjects)
    others = every - own
    if not others:
        return Foreign()
    in_sentence: set[int] = set()
    stretch: set[int] = set()
    current: str | None = None
    carried: str | None = None
    sentence = -1
    for k, t in enumerate(answer.tokens):
        if t.sentence != sentence:
            sentence, current = t.sentence, None
        if t.stem in every:
            current = carried = t.stem
        if current is not None and current in others:
            in_sentence.add(k)
        if carried is not None and carried in others:
            stretch.add(k)
    return Foreign(frozenset(in_sentence), frozenset(stretch))


def score_point(
    spec: PointSpec,
    matcher: Matcher,
    lists: dict[int, int],
    foreign: Foreign = Foreign(),
) -> PointResult:
    """Coverage of one key point in the answer; ``foreign`` tokens are about another subject."""
    for wrong in spec.wrong:
        span = _wrong_match(wrong, matcher, lists)
        if span is not None:
            return PointResult(spec.text, "missed", 0.0, None, None, 0.0, True, span, ())
    hits = _bound(_hits(spec.groups, matcher, lists), foreign)
    # A subject wording widened into another idea of the point does not say that idea.
    hits = _without_subject_words(spec.groups, hits)
    # A derived group is one word of a plain key point, not an idea: a negator near it ("I
    # haven't had a project fail") does not deny the point, so denial there is the judge's call
    # (none of the three denials below).
    deniable = not spec.derived
    contradiction = _contradiction(spec.groups, hits) if deniable else None
    if contradiction is not None:
        return PointResult(spec.text, "missed", 0.0, None, None, 0.0, True, contradiction, ())
    window = _best_window(spec.groups, hits) if spec.groups else None
    fraction = window.fraction if window else 0.0
    status = "missed"
    if window is not None and window.specific:
        if spec.derived:
            status = (
                "covered"
                if fraction >= COVERED_DERIVED
                else "partial"
                if fraction >= PARTIAL_DERIVED
                else "missed"
            )
        elif fraction >= COVERED_CONCEPTS:
            status = "covered"
        elif fraction >= PARTIAL_CONCEPTS and window.distinct:
            status = "partial"
    if status != "missed" and window is not None:
        # With the subject unsaid, the rest said only in widened wordings does not make it.
        if _implied_and_widened(spec.groups, hits, window):
            status = "missed"
        denial = (
            _denied_in_same_sentence(spec.groups, hits, window, matcher.answer)
            if deniable
            else None
        )
        if denial is not None:
            return PointResult(spec.text, "missed", 0.0, None, None, 0.0, True, denial, ())
    if deniable and window is not None and window.denied and status != "covered":
        # Part of the point said, another part denied in the same stretch: the point is wrong.
        denied = [
            h
            for h in hits
            if h.group in window.denied
            and not h.polarity
            and window.first <= h.first
            and h.last <= window.last
        ]
        if denied:
            span = (denied[0].first, denied[0].last)
            return PointResult(spec.text, "missed", 0.0, None, None, 0.0, True, span, ())
    # A whole-point paraphrase from the bank's ``synonyms`` can make the point on its own.
    if status != "covered":
        for syn in spec.synonyms:
            syn_hits = _bound(_hits(syn, matcher, lists), foreign)
            w = _best_window(syn, syn_hits)
            if w is not None and w.fraction >= COVERED_DERIVED and w.specific and not w.denied:
                window, fraction, status = w, w.fraction, "covered"
                break
    missing = tuple(
        g.label for i, g in enumerate(spec.groups) if window is None or i not in window.groups
    )
    if status == "missed" or window is None:
        return PointResult(spec.text, "missed", 0.0, None, None, fraction, False, None, missing)
    return PointResult(
        spec.text, status, SCORES[status], window.first, window.last, fraction, False, None, missing
    )


def _bound(hits: list[_Hit], foreign: Foreign) -> list[_Hit]:
    """``hits`` without what is said about another point's subject (``foreign_tokens``)."""
    if not foreign.stretch:
        return hits
    return [
        h
        for h in hits
        if not (
            h.first in (tokens := foreign.sentence if h.polarity else foreign.stretch)
            and h.last in tokens
        )
    ]


def _said(answer: Answer, h: _Hit) -> tuple[str, ...]:
    """Content stems of the words a hit covers."""
    return tuple(t.stem for t in answer.tokens[h.first : h.last + 1] if t.norm not in STOPWORDS)


def _window_hits(hits: Sequence[_Hit], window: _Window) -> list[_Hit]:
    return [
        h
        for h in hits
        if h.polarity and h.group in window.groups and window.first <= h.first <= window.last
    ]


def _without_subject_words(groups: Sequence[Group], hits: list[_Hit]) -> list[_Hit]:
    """Drop widened hits of an idea made by words that name the question's subject.

    "The new model replaces the old one": "old" names the champion (the subject) and, widened,
    also reads as "beat the champion"; nothing there says the new model has to beat it.
    """
    subjects = {g for g, gr in enumerate(groups) if gr.subject}
    if not subjects:
        return hits
    spans = [(h.first, h.last) for h in hits if h.group in subjects and h.polarity]
    return [
        h
        for h in hits
        if h.group in subjects
        or h.own
        or not h.polarity
        or not any(a <= h.last and h.first <= b for a, b in spans)
    ]


def _implied_and_widened(groups: Sequence[Group], hits: Sequence[_Hit], window: _Window) -> bool:
    """The subject left unsaid and the rest said only in lexicon widenings, none the point's own.

    "Page the on-call person": "call", widened from "requests", is not "log each request's
    inputs" when nothing says log either.
    """
    subjects = {g for g, gr in enumerate(groups) if gr.subject}
    if not subjects or subjects & window.groups:
        return False
    said = _window_hits(hits, window)
    return bool(said) and not any(h.own for h in said)


def _denied_in_same_sentence(
    groups: Sequence[Group], hits: Sequence[_Hit], window: _Window, answer: Answer
) -> tuple[int, int] | None:
    """An idea of the window that the same sentence first denies in the same words.

    "I don't roll back until I understand it, because rolling back hides it" does not
    recommend rolling back first. A lexicon opposite in the sentence ("manual deployments
    are slow, so we automate them") is a contrast, not a denial.
    """
    said = _window_hits(hits, window)
    for h in hits:
        if (
            h.polarity
            or h.opposite
            or h.negated_wording
            or not h.own
            or h.in_list is not None
            or groups[h.group].negated
        ):
            continue
        for x in said:
            if (
                x.group == h.group
                and x.sentence == h.sentence
                and h.first < x.first
                and _said(answer, h) == _said(answer, x)
            ):
                return h.first, h.last
    return None


def _fingerprint(question: Question) -> tuple[object, ...]:
    """Everything of ``question`` the specs depend on, hashable (the cache key)."""
    return (
        tuple(question.phrasings),
        question.reference_answer,
        tuple(
            (
                kp.text,
                tuple(tuple(g) for g in kp.concepts),
                tuple(kp.synonyms),
                tuple(kp.wrong),
            )
            for kp in question.key_points
        ),
    )


_PREPARED: dict[tuple[object, ...], tuple[frozenset[str], tuple[PointSpec, ...]]] = {}


def _prepared(
    key: tuple[object, ...], question: Question
) -> tuple[frozenset[str], tuple[PointSpec, ...]]:
    """The question's vocabulary and point specs, built once per question content."""
    got = _PREPARED.get(key)
    if got is None:
        vocabulary = question_vocabulary(question)
        qstems = frozenset(
            stem(w) for text in question.phrasings for w, _, _ in tokenize_text(text)
        )
        specs = tuple(build_spec(kp, qstems) for kp in question.key_points)
        got = (vocabulary, _distinguished(specs))
        if len(_PREPARED) > 1024:
            _PREPARED.clear()
        _PREPARED[key] = got
    return got


def prepared(question: Question) -> tuple[frozenset[str], tuple[PointSpec, ...]]:
    """The question's vocabulary and key point specs (cached by the question's content)."""
    return _prepared((id(corpus()), *_fingerprint(question)), question)


#: A group most of whose own wordings are common bank vocabulary is not distinguishing.
COMMON_GROUP_SHARE = 0.5


def _distinguished(specs: tuple[PointSpec, ...]) -> tuple[PointSpec, ...]:
    """Specs whose groups know what sets their point apart from the question's other points.

    A lexicon widening that is another point's own wording is dropped ("KS test" widened
    from "chi-square" must not make the categorical-features point when the numerical one
    names the KS test). A group is distinct unless all its own wordings are other points'
    wordings too, or most of them are common bank vocabulary.
    """
    stats = corpus()
    own_keys = [{p.key for g in spec.groups for p in g.phrases[: g.own]} for spec in specs]
    out: list[PointSpec] = []
    for i, spec in enumerate(specs):
        others = set().union(*(k for j, k in enumerate(own_keys) if j != i))
        groups: list[Group] = []
        for g in spec.groups:
            own = g.phrases[: g.own]
            widened = tuple(p for p in g.phrases[g.own :] if p.key not in others)
            shared = all(p.key in others for p in own)
            common = sum(stats.common(p.key) for p in own) > COMMON_GROUP_SHARE * max(1, len(own))
            groups.append(replace(g, phrases=own + widened, distinct=not shared and not common))
        out.append(replace(spec, groups=tuple(groups)))
    return tuple(out)


def score_coverage(
    question: Question, answer: Answer, *, gate: bool = True
) -> tuple[list[PointResult], Relevance]:
    """Per-point results in bank order, and the answer's relevance to the question.

    With ``gate`` off, points are scored even when the answer looks off topic (the judge
    decides relevance on its own; these results are then lexical evidence only).
    """
    vocabulary, specs = prepared(question)
    matcher = Matcher(answer)
    lists = bare_list_items(answer)
    plain = relevance(answer, vocabulary, specs)
    rel = weighted_relevance(answer, question)
    content_count = sum(1 for t in answer.tokens if t.norm not in STOPWORDS)
    if plain < MIN_RELEVANCE or content_count < MIN_RELEVANT_WORDS:
        rel = replace(rel, off_topic=True)
    # What is said about another point's subject neither makes nor denies this point
    # (foreign_tokens).
    subjects = point_subjects(question)
    results = [
        score_point(spec, matcher, lists, foreign_tokens(answer, subjects, i))
        for i, spec in enumerate(specs)
    ]
    if rel.off_topic and gate:
        log.debug(
            "answer off topic (relevance %.2f, best other %.2f); no point credited",
            rel.share,
            rel.best_other,
        )
        results = [
            PointResult(r.text, "missed", 0.0, None, None, 0.0, False, None, r.missing)
            for r in results
        ]
    return results, rel


_JARGON = re.compile(r"\b(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Za-z]+\d[A-Za-z0-9]*)\b")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")


def hotwords(question: Question, limit: int = 40) -> str:
    """The question's jargon as a Whisper hotword prompt (the one builder, for the CLI and the
    app): tags, then short concept wordings, then names and acronyms written in the question
    and its key points (all a user's own question has)."""
    terms: list[str] = list(question.tags)
    for kp in question.key_points:
        for group in kp.concepts:
            terms.extend(w for w in group if len(w.split()) <= 3)
    for text in (question.question, *(kp.text for kp in question.key_points)):
        terms.extend(m.group(0) for m in _JARGON.finditer(text))
        terms.extend(m.group(0) for m in _NAME.finditer(text))
    seen: set[str] = set()
    out: list[str] = []
    for term in terms:
        key = term.lower()
        if key not in seen:
            seen.add(key)
            out.append(term)
    return ", ".join(out[:limit])
