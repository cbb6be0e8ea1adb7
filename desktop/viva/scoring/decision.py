"""One calibrated decision per key point: judge probabilities + lexical evidence -> status.

Evidence per key point (``point_evidence``):

- the judge's best window for the point: max P(covered), max P(covered or partial), max
  P(incorrect), each over every 1-2 sentence window of the answer;
- lexical evidence from the concept matcher (``coverage.score_point``): the share of the point's
  ideas said in one stretch, whether it matched a ``wrong`` statement or a negation, and how much
  of the judge's best window is a bare keyword list;
- the answer's relevance to this question (absolute: the judge's strongest signal that the answer
  speaks to any of the question's points at all).

The features go through one multinomial logistic regression (covered / partial / missed) fitted on
the calibration split by ``training/judge/calibrate.py``; a missed point the judge reads as stated
wrongly (``incorrect_threshold``) becomes ``incorrect``. All numbers are in ``decision.json`` beside
the model (one :class:`DecisionParams`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

from viva.bank.models import Question
from viva.scoring.coverage import PointResult, bare_list_items, score_coverage
from viva.scoring.judge import (
    COVERED,
    INCORRECT,
    MISSED,
    PARTIAL,
    Window,
    answer_windows,
    get_judge,
    model_dir,
)
from viva.scoring.text import Answer

log = logging.getLogger(__name__)

#: A missed point whose best window the judge reads as at least partly making it with this
#: probability is shown with that window (``Judged.closest``). Not fitted: "more likely than
#: not". On questions nothing was fitted on, 52 % of the points wrongly called missed reach it,
#: and 21 % of the rightly missed ones (training/judge/README.md, "A doubtful miss").
CLOSEST_MIN = 0.5

FEATURES = (
    "judge_covered",  # logit of max P(covered)
    "judge_partial",  # logit of max P(covered) + P(partial)
    "judge_incorrect",  # logit of max P(incorrect)
    "lexical_fraction",  # share of the point's ideas said together (concept matcher)
    "lexical_covered",  # the concept matcher alone calls the point covered
    "lexical_denied",  # a wrong statement, a negation or an opposite matched the point
    # The same three for a key point without hand-written concepts (a user's own question):
    # the matcher then only has the point's own words, and its evidence weighs differently.
    "plain_fraction",
    "plain_covered",
    "plain_denied",
    "list_share",  # share of the judge's best window inside a bare keyword list
    "relevance",  # logit of the answer's relevance to the question
)
CLASSES = ("covered", "partial", "missed")
#: ``incorrect``: the answer states the point wrongly (quoted in ``evidence``), shown apart from
#: ``missed``. Coverage counts covered as 1, partial as 0.5, the rest as 0.
Status = Literal["covered", "partial", "missed", "incorrect"]
_CLASS_STATUS: dict[str, Status] = {"covered": "covered", "partial": "partial", "missed": "missed"}
#: An answer with fewer content words than this cannot make a point (a one-word "online").
MIN_TOKENS = 3
#: Pairs judged at most per answer; a longer answer is read in its most relevant windows.
MAX_WINDOWS = 400


class DecisionParams(BaseModel):
    """The fitted decision: logistic regression weights and the two gates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    features: tuple[str, ...] = FEATURES
    classes: tuple[str, ...] = CLASSES
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    #: A missed point whose best incorrect window has at least this P(incorrect) is incorrect.
    incorrect_threshold: float = 0.6
    #: The same where the concept matcher also found the point denied or one of its ``wrong``
    #: statements said: two kinds of evidence agree, so less certainty is needed.
    lexical_incorrect_threshold: float = 0.6
    #: Below this relevance nothing is credited: the answer is about another question.
    relevance_threshold: float = 0.2
    #: Log-odds by which *covered* must beat the other classes: a credit given wrongly is
    #: weighed as e^margin times a credit withheld. The fit weighs them alike, but its answers
    #: were written by people who had read the points (``training/judge/margin.py``).
    covered_margin: float = 0.0
    fitted_on: str = ""

    @model_validator(mode="after")
    def _features_known(self) -> DecisionParams:
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown decision features: {sorted(unknown)}")
        if any(len(row) != len(self.features) for row in self.coef):
            raise ValueError("each coefficient row needs one weight per feature")
        return self

    @classmethod
    def default(cls) -> DecisionParams:
        """Hand-set weights: the judge decides, lexical evidence nudges (before fitting)."""
        coef = np.zeros((3, len(FEATURES)))  # judge only
        coef[0, 0] = 1.0
        coef[1, 1] = 1.0
        return cls(coef=tuple(map(tuple, coef.tolist())), intercept=(0.0, -1.0, 0.0))


@cache
def params() -> DecisionParams:
    path = model_dir() / "decision.json"
    if path.is_file():
        return DecisionParams.model_validate_json(path.read_text())
    log.warning("no %s: using the default decision", path)
    return DecisionParams.default()


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class PointEvidence:
    """What was found for one key point, before the decision."""

    features: tuple[float, ...]
    covered_window: Window | None  # best window for covered-or-partial
    incorrect_window: Window | None
    #: The best window for covered alone: a point judged covered is quoted from it (the best
    #: covered-or-partial window can be a neighbour that only touches the point).
    stated_window: Window | None
    p_covered: float
    p_partial: float  # P(covered) + P(partial) of the best such window
    p_incorrect: float
    lexical: PointResult
    #: The judge's P(incorrect) on the windows holding the words the concept matcher found
    #: denying the point (0 without such words): the two kinds of evidence agree only there.
    p_incorrect_at_denial: float = 0.0


@dataclass(frozen=True, slots=True)
class Judged:
    """The decision for one key point."""

    status: Status
    confidence: float
    first: int | None  # evidence token span
    last: int | None
    lexical: PointResult
    #: For a missed point the judge thought at least partly made somewhere (P(covered or
    #: partial) >= CLOSEST_MIN in its best window): that window's token span, shown as the
    #: answer's closest approach, since the call may be wrong (a point made in words far from
    #: the key point's). None otherwise.
    closest: tuple[int, int] | None = None


def _without_lists(answer: Answer, windows: list[Window], lists: dict[int, int]) -> list[Window]:
    """Windows as the judge reads them: bare keyword lists say nothing, so their words go.

    A window that is mostly a bare list ("accuracy, drift, latency, alerts") is dropped; in
    the others, the list's words are cut out of the text (the window keeps its token span,
    so evidence still points at what was said).
    """
    if not lists:
        return windows
    out: list[Window] = []
    for w in windows:
        kept = [i for i in range(w.first, w.last + 1) if i not in lists]
        if 2 * len(kept) < w.last - w.first + 1:
            continue
        if len(kept) == w.last - w.first + 1:
            out.append(w)
            continue
        runs: list[tuple[int, int]] = []
        for i in kept:
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        text = " ".join(answer.span_text(a, b) for a, b in runs)
        out.append(Window(w.first, w.last, text))
    return out


def _windows(answer: Answer, question: Question, lists: dict[int, int]) -> list[Window]:
    windows = _without_lists(answer, answer_windows(answer), lists)
    if len(windows) * len(question.key_points) <= MAX_WINDOWS * 4:
        return windows
    # A very long answer: keep the windows that share most words with the question.
    from viva.scoring.text import wordset

    vocab = wordset(" ".join([question.question, *(k.text for k in question.key_points)]))
    ranked = sorted(windows, key=lambda w: -len(wordset(w.text) & vocab))
    keep = max(1, MAX_WINDOWS * 4 // max(1, len(question.key_points)))
    return sorted(ranked[:keep], key=lambda w: w.first)


def point_evidence(question: Question, answer: Answer) -> tuple[list[PointEvidence], float]:
    """Evidence for each key point (bank order) and the answer's relevance (0-1)."""
    lexical, _ = score_coverage(question, answer, gate=False)
    lists = bare_list_items(answer)
    windows = _windows(answer, question, lists)
    content = sum(1 for t in answer.tokens if not t.is_stop)
    if not windows or content < MIN_TOKENS:
        empty = [
            PointEvidence((0.0,) * len(FEATURES), None, None, None, 0.0, 0.0, 0.0, lex)
            for lex in lexical
        ]
        return empty, 0.0
    judge = get_judge()
    texts = [kp.text for kp in question.key_points]
    points = [judge.query(t, texts[:i] + texts[i + 1 :]) for i, t in enumerate(texts)]
    probs = judge.probabilities([(p, w.text) for p in points for w in windows])
    probs = probs.reshape(len(points), len(windows), -1)
    relevance = float((1.0 - probs[:, :, MISSED]).max())
    out: list[PointEvidence] = []
    for i, lex in enumerate(lexical):
        p = probs[i]
        covered = p[:, COVERED]
        either = p[:, COVERED] + p[:, PARTIAL]
        wrong = p[:, INCORRECT]
        best = int(either.argmax())
        bad = int(wrong.argmax())
        win = windows[best]
        span = range(win.first, win.last + 1)
        list_share = sum(1 for t in span if t in lists) / len(span)
        said = (
            lex.fraction,
            1.0 if lex.status == "covered" else 0.0,
            1.0 if lex.contradicted else 0.0,
        )
        none = (0.0, 0.0, 0.0)
        hinted = bool(question.key_points[i].concepts)
        features = (
            _logit(float(covered.max())),
            _logit(float(either.max())),
            _logit(float(wrong.max())),
            *(said if hinted else none),
            *(none if hinted else said),
            list_share,
            _logit(relevance),
        )
        at_denial = 0.0
        if lex.contradiction is not None:
            lo, hi = lex.contradiction
            overlap = [k for k, w in enumerate(windows) if w.first <= hi and lo <= w.last]
            at_denial = float(wrong[overlap].max()) if overlap else 0.0
        out.append(
            PointEvidence(
                features, win, windows[bad], windows[int(covered.argmax())],
                float(covered.max()), float(either.max()), float(wrong.max()), lex, at_denial,
            )
        )
    return out, relevance


def decide(evidence: PointEvidence, relevance: float, p: DecisionParams | None = None) -> Judged:
    """The status of one key point from its evidence."""
    p = p or params()
    lex = evidence.lexical
    if evidence.covered_window is None or relevance < p.relevance_threshold:
        return Judged("missed", 1.0 - relevance, None, None, lex)
    x = np.array([evidence.features[FEATURES.index(name)] for name in p.features])
    scores = np.array(p.coef) @ x + np.array(p.intercept)
    scores[p.classes.index("covered")] -= p.covered_margin
    scores = np.exp(scores - scores.max())
    probs = scores / scores.sum()
    k = int(probs.argmax())
    status = _CLASS_STATUS[p.classes[k]]
    confidence = float(probs[k])
    if status == "missed" and (
        evidence.p_incorrect >= p.incorrect_threshold
        or evidence.p_incorrect_at_denial >= p.lexical_incorrect_threshold
    ):
        w = evidence.incorrect_window
        assert w is not None
        first, last = w.first, w.last
        if lex.contradiction is not None:
            first, last = lex.contradiction  # the words that deny the point, quoted
        return Judged("incorrect", evidence.p_incorrect, first, last, lex)
    if status == "missed":
        near = evidence.covered_window
        closest = (near.first, near.last) if near and evidence.p_partial >= CLOSEST_MIN else None
        return Judged("missed", confidence, None, None, lex, closest)
    w = evidence.stated_window if status == "covered" else evidence.covered_window
    assert w is not None
    first, last = w.first, w.last
    if (
        lex.status == "covered"
        and lex.first is not None
        and lex.last is not None
        and first <= lex.first <= lex.last <= last
    ):
        # Where the concept matcher made the point, its shorter stretch inside the judge's
        # window quotes it better (a partial match can be two words: "back to").
        first, last = lex.first, lex.last
    return Judged(status, confidence, first, last, lex)


def judge_answer(question: Question, answer: Answer) -> tuple[list[Judged], float]:
    """Statuses for every key point, in bank order, and the answer's relevance."""
    evidence, relevance = point_evidence(question, answer)
    p = params()
    return [decide(e, relevance, p) for e in evidence], relevance
