"""The feedback on one answer and the function that produces it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from viva.bank.models import KeyPoint, Question
from viva.limits import check_answer_text
from viva.scoring.coverage import PointResult
from viva.scoring.decision import Status, judge_answer, params
from viva.scoring.star import Structure, analyse_structure
from viva.scoring.text import build_answer
from viva.scoring.timing import Timing, measure_timing
from viva.scoring.tips import make_tips
from viva.speech.transcript import Transcript

log = logging.getLogger(__name__)

STATUS_SCORES: dict[str, float] = {"covered": 1.0, "partial": 0.5, "missed": 0.0, "incorrect": 0.0}


@dataclass(frozen=True, slots=True)
class KeyPointResult:
    """How one key point was covered, with the span of the answer that made it."""

    text: str
    status: Status
    score: float
    evidence: str | None
    start_s: float | None
    end_s: float | None
    #: How sure the judge is of ``status`` (0-1).
    confidence: float = 1.0
    #: For a missed point: the answer's words that came closest to making it, when the judge
    #: thought them more likely than not to make at least part of it (the call may be wrong).
    closest: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "status": self.status,
            "score": self.score,
            "confidence": self.confidence,
            "evidence": self.evidence,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "closest": self.closest,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KeyPointResult:
        return cls(
            text=str(data["text"]),
            status=data["status"],
            score=float(data["score"]),
            evidence=data.get("evidence"),
            start_s=data.get("start_s"),
            end_s=data.get("end_s"),
            confidence=float(data.get("confidence", 1.0)),
            closest=data.get("closest"),
        )


@dataclass(frozen=True, slots=True)
class FollowUp:
    """The one follow-up question an interviewer asks about a point the answer missed."""

    point: int  # 1-based, as ``viva score --point N`` takes it
    question: str

    def to_dict(self) -> dict[str, Any]:
        return {"point": self.point, "question": self.question}


def probe_for(point: KeyPoint) -> str:
    """The key point's own ``probe``, else a well-formed question built from its text."""
    if point.probe:
        return point.probe
    text = point.text.strip().rstrip(".!?")
    return f"Can you go into one point in more detail: {text[:1].lower()}{text[1:]}?"


def choose_follow_up(
    question: Question, statuses: Sequence[str]
) -> FollowUp | None:
    """Probe the first point stated wrongly, else the first missed, else the first partial."""
    for wanted in ("incorrect", "missed", "partial"):
        for i, status in enumerate(statuses):
            if status == wanted:
                return FollowUp(i + 1, probe_for(question.key_points[i]))
    return None


@dataclass(frozen=True, slots=True)
class Feedback:
    """Coverage, timing and tips for one answer: the object of ``viva score --json``."""

    question_id: str
    transcript: str
    coverage: float
    key_points: tuple[KeyPointResult, ...]
    timing: Timing
    tips: tuple[str, ...]
    #: How much the answer is about this question at all (0-1); absolute, not relative to
    #: other questions.
    relevance: float = 1.0
    #: What the interviewer asks next (None when every point is covered).
    follow_up: FollowUp | None = None
    #: STAR parts of a story answer (questions that want a story; None otherwise).
    structure: Structure | None = None

    @property
    def off_topic(self) -> bool:
        """Is the answer not about this question at all (relevance under the decision's
        threshold)? Its coverage is then no measure of progress."""
        return is_off_topic(len(self.key_points), self.relevance)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "transcript": self.transcript,
            "coverage": self.coverage,
            "key_points": [kp.to_dict() for kp in self.key_points],
            "timing": self.timing.to_dict(),
            "tips": list(self.tips),
            "relevance": self.relevance,
            "follow_up": self.follow_up.to_dict() if self.follow_up else None,
            "structure": self.structure.to_dict() if self.structure else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feedback:
        return cls(
            question_id=str(data["question_id"]),
            transcript=str(data.get("transcript") or ""),
            coverage=float(data["coverage"]),
            key_points=tuple(KeyPointResult.from_dict(kp) for kp in data.get("key_points") or ()),
            timing=Timing.from_dict(data.get("timing") or {}),
            tips=tuple(str(t) for t in data.get("tips") or ()),
            relevance=float(data.get("relevance", 1.0)),
            follow_up=FollowUp(int(f["point"]), str(f["question"]))
            if (f := data.get("follow_up"))
            else None,
            structure=Structure.from_dict(st) if (st := data.get("structure")) else None,
        )


def is_off_topic(points: int, relevance: float) -> bool:
    """Is an answer with this ``relevance`` to a question of ``points`` key points not about
    the question at all (under the decision's threshold)?"""
    return points > 0 and relevance < params().relevance_threshold


#: A quote of fewer tokens is widened to the clauses it stands in, up to QUOTE_LIMIT_TOKENS.
SHORT_QUOTE_TOKENS = 6
QUOTE_LIMIT_TOKENS = 30


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def score_answer(
    question: Question, transcript: Transcript, *, fillers: Sequence[str] | None = None
) -> Feedback:
    """Score ``transcript`` against ``question``: key-point coverage, timing, tips.

    ``fillers`` replaces the default filler words ("um", "uh", "you know", ...). Raises
    :class:`viva.limits.AnswerTooLong` (with a ``user_message``) beyond
    ``viva.limits.MAX_ANSWER_WORDS``: scoring time grows with the answer.
    """
    check_answer_text(transcript.text)
    answer = build_answer(transcript)
    judged, relevance = judge_answer(question, answer)
    timing = measure_timing(transcript, question.target_seconds, fillers)
    results: list[KeyPointResult] = []
    points: list[PointResult] = []
    contradictions: list[str | None] = []
    evidence: list[str | None] = []
    for kp, j in zip(question.key_points, judged, strict=True):
        said: str | None = None
        start_s: float | None = None
        end_s: float | None = None
        if j.first is not None and j.last is not None:
            # The stretch that made (or got wrong) the point, with a number that quantifies
            # its first word ("five percent"), timed by its words.
            first, last = j.first, j.last
            if first > 0 and answer.tokens[first - 1].norm.isdigit():
                first -= 1
            if last - first + 1 < SHORT_QUOTE_TOKENS:
                # A few matched words ("healthy you widen") are no quote: the clause they
                # stand in is what the user said.
                first, last = answer.clause_span(first, last, QUOTE_LIMIT_TOKENS)
            said = answer.span_text(first, last)
            start_s, end_s = answer.span_times(first, last)
        incorrect = j.status == "incorrect"
        evidence.append(None if incorrect else said)
        contradictions.append(said if incorrect else None)
        score = STATUS_SCORES[j.status]
        lex = j.lexical
        points.append(
            PointResult(
                kp.text, j.status, score, j.first, j.last, lex.fraction, incorrect, None,
                lex.missing,
            )
        )
        closest = answer.span_text(*j.closest) if j.closest is not None else None
        results.append(
            KeyPointResult(
                kp.text, j.status, score, said, _round(start_s), _round(end_s),
                round(j.confidence, 3), closest,
            )
        )
    coverage = round(sum(r.score for r in results) / len(results), 3) if results else 0.0
    off_topic = is_off_topic(len(results), relevance)
    tips = make_tips(points, evidence, contradictions, timing, off_topic=off_topic)
    structure = None
    if question.wants_story and not off_topic and answer.tokens:
        structure = analyse_structure(question, answer)
        if structure.tip:
            tips.append(structure.tip)
    log.debug("scored %s: coverage %.2f, relevance %.2f", question.id, coverage, relevance)
    return Feedback(
        question_id=question.id,
        transcript=transcript.text,
        coverage=coverage,
        key_points=tuple(results),
        timing=timing,
        tips=tuple(tips),
        relevance=round(relevance, 3),
        follow_up=choose_follow_up(question, [r.status for r in results]),
        structure=structure,
    )
