"""Tokens of an answer: normalised words with stems, phonetic keys, sentences, clauses and times.

A transcript with word timestamps is tokenised word by word, so every token knows the Whisper
word it came from (and so its time span); typed text is tokenised from its characters.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
import snowballstemmer

from viva.speech.transcript import Transcript, attaches

_STEMMER = snowballstemmer.stemmer("english")
#: snowballstemmer's stemmer keeps per-call state: two threads stemming at once (the live judge
#: and the scorer at Stop) corrupt each other's word (IndexError).
_STEMMER_LOCK = threading.Lock()


def wordset(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``, as a set (for word lists written as prose)."""
    return frozenset(text.split())


TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|%")
SENTENCE_END_RE = re.compile(r"[.?!;]")
CLAUSE_END_RE = re.compile(r"[,:()\u2014]|\s-\s")

#: Words that start a new clause: what follows is contrasted with, not joined to, what precedes.
CLAUSE_WORDS = wordset(
    "but however whereas while whilst unlike although though instead rather versus vs "
    "meanwhile otherwise compared"
)

NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
}
_TENS = frozenset(["20", "30", "40", "50", "60", "70", "80", "90"])
_UNITS = frozenset("123456789")

#: Function words: never a concept on their own, skipped inside phrases.
STOPWORDS = wordset("""
    a an the and or of to in on at for with by from into onto about as is are was were be been
    being am it its it's this that these those there here their they them we us our you your i me
    my he she his her him which who whom whose what when where how why so then than just really
    very also too can could would should will shall may might must do does did doing done have has
    had having get gets got getting i'm we're you're they're that's there's what's let's i've
    we've you've i'd we'd you'd i'll we'll you'll he's she's if because like um uh er erm hmm
    ah oh okay ok yeah yes well basically actually kind sort mean know thing things stuff
    something anything everything lot lots bit quite pretty
    """)

#: "not just X but Y", "not only", "not necessarily": no denial of X.
NEGATION_BLOCKERS = wordset("just only necessarily merely always all")


def normalise_word(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    return NUMBER_WORDS.get(word, word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of a normalised word (numbers and short words unchanged)."""
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    with _STEMMER_LOCK:
        stem: str = _STEMMER.stemWord(word)
        return stem


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """Metaphone key: "cube flow" and "kubeflow" share one (after joining)."""
    return jellyfish.metaphone(word) if word.isalpha() else word


@dataclass(frozen=True, slots=True)
class Token:
    """One normalised word of the answer."""

    norm: str
    stem: str
    start: int  # character offsets in Answer.text
    end: int
    word_index: int | None  # index into Transcript.words, when known
    sentence: int
    clause: int

    @property
    def is_stop(self) -> bool:
        return self.norm in STOPWORDS


@dataclass(frozen=True, slots=True)
class Answer:
    """A tokenised answer, its text and (when known) the word timestamps."""

    text: str
    tokens: tuple[Token, ...]
    word_times: tuple[tuple[float, float], ...]  # per Transcript word, empty for typed text

    def span_text(self, first: int, last: int) -> str:
        """The original text from token ``first`` to token ``last`` (inclusive)."""
        return self.text[self.tokens[first].start : self.tokens[last].end].strip()

    def clause_span(self, first: int, last: int, limit: int = 40) -> tuple[int, int]:
        """``first``..``last`` widened to whole clauses, at most ``limit`` tokens."""
        lo, hi = first, last
        while lo > 0 and self.tokens[lo - 1].clause == self.tokens[first].clause:
            if hi - lo + 1 >= limit:
                break
            lo -= 1
        while hi + 1 < len(self.tokens) and self.tokens[hi + 1].clause == self.tokens[last].clause:
            if hi - lo + 1 >= limit:
                break
            hi += 1
        return lo, hi

    def span_times(self, first: int, last: int) -> tuple[float | None, float | None]:
        a = self.tokens[first].word_index
        b = self.tokens[last].word_index
        if a is None or b is None or not self.word_times:
            return None, None
        return self.word_times[a][0], self.word_times[b][1]

    def sentence_span(self, first: int, last: int) -> tuple[int, int]:
        """Token range of the sentences holding tokens ``first``..``last``."""
        s0 = self.tokens[first].sentence
        s1 = self.tokens[last].sentence
        lo = first
        while lo > 0 and self.tokens[lo - 1].sentence >= s0:
            lo -= 1
        hi = last
        while hi + 1 < len(self.tokens) and self.tokens[hi + 1].sentence <= s1:
            hi += 1
        return lo, hi


def tokenize_text(text: str) -> list[tuple[str, int, int]]:
    """(normalised word, start, end) for every word of ``text``; "5%" gives "5", "percent"."""
    out: list[tuple[str, int, int]] = []
    lowered = text.lower().replace("\u2019", "'")
    for m in TOKEN_RE.finditer(lowered):
        word = m.group()
        if word == "%":
            out.append(("percent", m.start(), m.end()))
            continue
        norm = normalise_word(word)
        if out and norm in _UNITS and out[-1][0] in _TENS and m.start() - out[-1][2] <= 1:
            # "twenty-five" / "twenty five" -> "25", as Whisper or a typist would write it.
            out[-1] = (str(int(out[-1][0]) + int(norm)), out[-1][1], m.end())
            continue
        if norm == "cent" and out and out[-1][0] == "per":
            out[-1] = ("percent", out[-1][1], m.end())
            continue
        out.append((norm, m.start(), m.end()))
    return out


#: A gap between two timed words longer than this ends a sentence, whatever the punctuation.
SENTENCE_PAUSE_S = 1.5


def build_answer(transcript: Transcript) -> Answer:
    """Tokenise a transcript, using its words (and their times) when it has them."""
    if transcript.words:
        pieces: list[str] = []
        offsets: list[tuple[int, int]] = []
        pos = 0
        for w in transcript.words:
            # Spaced as the transcript's text is (join_words): "blue", "-green" -> "blue-green".
            if not pieces or attaches(pieces[-1], w.word.strip()):
                piece = w.word.strip()
            else:
                piece = w.word if w.word.startswith(" ") else " " + w.word
            pieces.append(piece)
            offsets.append((pos, pos + len(piece)))
            pos += len(piece)
        text = "".join(pieces)
        word_times = tuple((w.start, w.end) for w in transcript.words)
    else:
        text = transcript.text
        offsets = []
        word_times = ()
    raw = tokenize_text(text)
    tokens: list[Token] = []
    sentence = 0
    clause = 0
    prev_end = 0
    wi = 0
    prev_word: int | None = None
    for norm, start, end in raw:
        between = text[prev_end:start]
        word_index: int | None = None
        if offsets:
            while wi + 1 < len(offsets) and offsets[wi][1] <= start:
                wi += 1
            word_index = wi
        if tokens:
            long_gap = (
                word_index is not None
                and prev_word is not None
                and word_index != prev_word
                and word_times[word_index][0] - word_times[prev_word][1] > SENTENCE_PAUSE_S
            )
            if SENTENCE_END_RE.search(between) or long_gap:
                sentence += 1
                clause += 1
            elif CLAUSE_END_RE.search(between) or norm in CLAUSE_WORDS:
                clause += 1
        tokens.append(Token(norm, stem(norm), start, end, word_index, sentence, clause))
        prev_end = end
        prev_word = word_index
    return Answer(text=text, tokens=tuple(tokens), word_times=word_times)


def content_words(text: str) -> list[str]:
    """Normalised non-stopwords of ``text``."""
    return [w for w, _, _ in tokenize_text(text) if w not in STOPWORDS]
