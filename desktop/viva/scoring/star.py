"""STAR structure of a behavioural answer: Situation, Task, Action, Result.

Evidence per piece of the answer (a sentence, or a clause of a long one, as the coverage judge
reads them), for each part:

- the coverage judge (``viva.scoring.judge``, the cross-encoder that reads key points): how far
  the piece states a description of the part ("The speaker sets the scene: ...");
- discourse cues: how the part is usually told ("last year at my previous job", "my job was",
  "so I ...", "in the end", "as a result"), where it is (the scene is set early, the outcome comes
  late), first-person agency ("I", not only "we"), and a number in the outcome.

Each part is one logistic regression over the strongest evidence of each kind in the answer
(``StarParams``, ``viva/data/star.json``), fitted on the calibration questions of
``tests/eval/star.yaml`` by ``benchmarks/star_eval.py --fit`` and reported on the others. The
evidence quoted is the piece that scores highest for the part.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from viva.bank.models import STAR_PARTS, Question
from viva.scoring.judge import COVERED, PARTIAL, Window, answer_windows, get_judge
from viva.scoring.text import Answer

log = logging.getLogger(__name__)

#: What each part says, in the form the judge reads key points. (Chosen over first-person
#: wordings and over both together by leave-one-question-out accuracy on the calibration
#: questions of tests/eval/star.yaml: 0.792 against 0.761 and 0.761.)
DESCRIPTIONS: dict[str, tuple[str, ...]] = {
    "situation": (
        "The speaker sets the scene: where they worked, which team or system, and what "
        "problem or circumstances they faced at the time.",
    ),
    "task": (
        "The speaker states what they personally were responsible for or the goal they had "
        "to reach.",
    ),
    "action": ("The speaker describes the concrete steps they themselves took to handle it.",),
    "result": (
        "The speaker states the outcome: what changed in the end, how it was measured, or "
        "what they learned.",
    ),
}
LABELS: dict[str, str] = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
}
TIPS: dict[str, str] = {
    "situation": "Set the scene first: where you were, which team or system, what went wrong.",
    "task": "Say what you personally had to achieve or were responsible for.",
    "action": "Say what you did yourself, step by step (\u201cI \u2026\u201d, not only "
    "\u201cwe \u2026\u201d).",
    "result": "End with the outcome, with a number if you can, and what you learned.",
}
_NUMBER_WORDS = frozenset(
    {
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "half",
        "halved",
        "double",
        "doubled",
        "twice",
        "triple",
        "tripled",
        "quarter",
        "percent",
        "percentage",
    }
)


FEATURES: tuple[str, ...] = ("judge", "cue", "cue_in_place", "first_person", "number")

#: How each part is usually told (lower-cased text of one piece).
CUES: dict[str, re.Pattern[str]] = {
    "situation": re.compile(
        r"\b(last (year|month|quarter|summer|spring|winter|autumn)|(a|two|three|few|couple of) "
        r"(years|months|weeks) ago|at (my|our) (last|previous|current|old|first) "
        r"(job|company|team|role|employer)|when i (was|worked|joined|started)|we (had|were|ran|"
        r"used|noticed)|there (was|were)|our (team|company|model|pipeline|system|service|"
        r"platform)|back (then|in)|i was working (at|on|as)|in my (last|previous|current|first) "
        r"(job|role|team|company)|at the time|it was (a|an|the|during))\b"
    ),
    "task": re.compile(
        r"\b(i was (responsible|in charge|asked|tasked|supposed|expected|the (one|owner|lead|"
        r"engineer|only))|my (job|task|role|responsibility|goal|part) was|i had to|i needed to|"
        r"it was (my|up to me)|the goal was|i owned|i was on call|i had been asked|"
        r"i had (a|the) (deadline|goal|target)|my manager asked me)\b"
    ),
    "action": re.compile(
        r"\b(i ([a-z]+ed|built|wrote|set|ran|made|took|went|sat|spoke|met|brought|led|found|"
        r"dug|put|got|began|chose|drove|kept|sent|told|gave|did|rewrote|split|shut|broke|"
        r"thought|sought|taught|held|showed|drew|pulled|pushed|wrote)|so i|first i|then i|"
        r"what i did|i decided|i suggested|i proposed)\b"
    ),
    "result": re.compile(
        r"\b(as a result|in the end|after that|afterwards|the result|the outcome|ended up|"
        r"which (cut|reduced|saved|improved|meant)|dropped|fell|went (down|up|from)|improved|"
        r"reduced|cut (the|our|it)|saved|increased|decreased|halved|doubled|since then|"
        r"from then on|now (we|the|it|our)|i learned|lessons?|we learned|takeaway|paid off|"
        r"it worked|no (more|longer)|never happened again)\b"
    ),
}
_FIRST_PERSON_RE = re.compile(r"\b(i|i'm|i've|i'd|my|me|myself)\b")


class StarParams(BaseModel):
    """Per part: logistic regression weights over ``FEATURES`` (and a bias)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: dict[str, list[float]]
    bias: dict[str, float]
    threshold: float = 0.5
    fitted_on: str = ""

    @classmethod
    def default(cls) -> StarParams:
        # Judge and cues count equally until fitted.
        w = [1.0, 1.5, 1.0, 0.5, 0.5]
        return cls(weights=dict.fromkeys(STAR_PARTS, w), bias=dict.fromkeys(STAR_PARTS, -1.5))


def params_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "star.json"


@cache
def params() -> StarParams:
    path = params_path()
    try:
        return StarParams.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("STAR thresholds not read from %s (%s); using 0.5", path, exc)
        return StarParams.default()


@dataclass(frozen=True, slots=True)
class StarPart:
    """One part of the structure: present or not, with the words that made it."""

    present: bool
    evidence: str | None
    start_s: float | None
    #: P(present) from the fitted layer (``confidence`` in JSON).
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "evidence": self.evidence,
            "start_s": None if self.start_s is None else round(self.start_s, 2),
            "confidence": round(self.score, 3),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StarPart:
        start = data.get("start_s")
        return cls(
            present=bool(data.get("present")),
            evidence=data.get("evidence"),
            start_s=None if start is None else float(start),
            score=float(data.get("confidence", 1.0 if data.get("present") else 0.0)),
        )


@dataclass(frozen=True, slots=True)
class Structure:
    """The STAR parts of one answer (``viva score --json``: ``structure``)."""

    situation: StarPart
    task: StarPart
    action: StarPart
    result: StarPart
    result_has_number: bool

    def parts(self) -> dict[str, StarPart]:
        return {name: getattr(self, name) for name in STAR_PARTS}

    @property
    def weakest(self) -> str | None:
        """The missing part that matters most (result, then action, situation, task)."""
        for name in ("result", "action", "situation", "task"):
            if not getattr(self, name).present:
                return name
        return None

    @property
    def tip(self) -> str | None:
        weakest = self.weakest
        if weakest is not None:
            return f"Story structure: {TIPS[weakest]}"
        if not self.result_has_number:
            return "Story structure: put a number on the result (how much faster, cheaper, fewer)."
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            **{name: part.to_dict() for name, part in self.parts().items()},
            "result_has_number": self.result_has_number,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Structure:
        return cls(
            **{name: StarPart.from_dict(data.get(name) or {}) for name in STAR_PARTS},
            result_has_number=bool(data.get("result_has_number")),
        )


def statements(question: Question) -> dict[str, list[str]]:
    """What the judge compares each part with. The question's STAR hints are shown to the
    candidate but not read here: the layer is fitted on questions without hints, and a hint
    would shift the judge's evidence away from what it was fitted on."""
    del question  # the same descriptions for every question
    return {name: list(DESCRIPTIONS[name]) for name in STAR_PARTS}


def _logit(p: float) -> float:
    p = min(max(p, 1e-3), 1 - 1e-3)
    return math.log(p / (1 - p))


def _has_number(answer: Answer, window: Window) -> bool:
    for i in range(window.first, window.last + 1):
        norm = answer.tokens[i].norm
        if any(c.isdigit() for c in norm) or norm in _NUMBER_WORDS:
            return True
    return "%" in window.text


def piece_features(question: Question, answer: Answer) -> tuple[list[Window], np.ndarray]:
    """The answer's pieces and, per part and piece, the ``FEATURES`` (shape parts x pieces x
    features)."""
    pieces = [w for w in answer_windows(answer) if w.last - w.first < 40]
    pieces = _single_pieces(pieces)
    if not pieces:
        return [], np.zeros((len(STAR_PARTS), 0, len(FEATURES)))
    said = statements(question)
    pairs = [(s, w.text) for n in STAR_PARTS for s in said[n] for w in pieces]
    probs = get_judge().probabilities(pairs)
    scores = probs[:, COVERED] + 0.5 * probs[:, PARTIAL]
    judged = np.zeros((len(STAR_PARTS), len(pieces)))
    k = 0
    for i, name in enumerate(STAR_PARTS):
        n = len(said[name]) * len(pieces)
        judged[i] = scores[k : k + n].reshape(len(said[name]), len(pieces)).max(axis=0)
        k += n
    n_tokens = max(1, len(answer.tokens))
    out = np.zeros((len(STAR_PARTS), len(pieces), len(FEATURES)))
    for j, w in enumerate(pieces):
        text = w.text.lower()
        middle = (w.first + w.last) / 2 / n_tokens  # 0 at the start, 1 at the end
        first_person = 1.0 if _FIRST_PERSON_RE.search(text) else 0.0
        number = 1.0 if _has_number(answer, w) else 0.0
        for k, name in enumerate(STAR_PARTS):
            cue = 1.0 if CUES[name].search(text) else 0.0
            place = {"situation": 1.0 - middle, "result": middle}.get(name, 0.5)
            out[k, j] = (_logit(float(judged[k, j])), cue, cue * place, first_person, number)
    return pieces, out


def _single_pieces(windows: list[Window]) -> list[Window]:
    """The single pieces of ``answer_windows`` (it lists pieces first, then adjacent pairs)."""
    out: list[Window] = []
    for w in windows:
        if out and w.first <= out[-1].last:
            break
        out.append(w)
    return out


def answer_features(per_piece: np.ndarray) -> np.ndarray:
    """Answer-level features per part: the strongest evidence of each kind (parts x features)."""
    out: np.ndarray
    if per_piece.shape[1] == 0:
        out = np.full((len(STAR_PARTS), len(FEATURES)), 0.0) + np.array([_logit(0.0), 0, 0, 0, 0])
    else:
        out = per_piece.max(axis=1)
    return out


def piece_logits(per_piece: np.ndarray, p: StarParams | None = None) -> np.ndarray:
    """Per part and piece, the logit of the part from that piece's evidence alone (parts x
    pieces x features -> parts x pieces): the layer of ``part_probabilities`` applied to each
    piece."""
    p = p or params()
    weights = np.array([p.weights[name] for name in STAR_PARTS])
    bias = np.array([p.bias[name] for name in STAR_PARTS])
    out: np.ndarray = np.einsum("kjf,kf->kj", per_piece, weights) + bias[:, None]
    return out


def part_probabilities(features: np.ndarray, p: StarParams | None = None) -> np.ndarray:
    """P(part present) per part from answer-level ``features`` (parts x features)."""
    z = piece_logits(features[:, None, :], p)[:, 0]
    out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return out


def analyse_structure(question: Question, answer: Answer) -> Structure:
    """The STAR structure of ``answer`` (for questions that want a story)."""
    p = params()
    pieces, per_piece = piece_features(question, answer)
    probs = part_probabilities(answer_features(per_piece), p)
    logits = piece_logits(per_piece, p)
    role = logits.argmax(axis=0)  # each piece's likeliest part
    parts: dict[str, StarPart] = {}
    result_piece: Window | None = None
    for k, name in enumerate(STAR_PARTS):
        present = bool(pieces) and bool(probs[k] >= p.threshold)
        evidence = start = None
        if present:
            # The piece whose own evidence scores highest for this part, among the pieces that
            # tell this part more than any other: one sentence is quoted for one part, so an
            # outcome ("as a result the run time dropped ...") is not also quoted as the scene.
            # With no such piece, the best piece overall.
            own = np.flatnonzero(role == k)
            candidates = own if len(own) else np.arange(len(pieces))
            best = pieces[int(candidates[np.argmax(logits[k, candidates])])]
            evidence = answer.span_text(best.first, best.last)
            start = answer.span_times(best.first, best.last)[0]
            if name == "result":
                result_piece = best
        parts[name] = StarPart(present, evidence, start, round(float(probs[k]), 3))
    has_number = result_piece is not None and _has_number(answer, result_piece)
    return Structure(**parts, result_has_number=has_number)


def write_params(value: StarParams, path: Path | None = None) -> None:
    target = path or params_path()
    target.write_text(json.dumps(value.model_dump(), indent=1) + "\n", encoding="utf-8")
    params.cache_clear()
