"""The question bank's public format, as pydantic models.

A bank file is YAML whose top level is a mapping with a ``questions:`` list; file-level ``topic``,
``difficulty``, ``tags`` and ``source`` act as defaults for its questions. See questions/README.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Difficulty = Literal["basic", "intermediate", "advanced"]
DIFFICULTIES: tuple[str, ...] = ("basic", "intermediate", "advanced")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class KeyPoint(_Strict):
    """One checkable idea a good answer must contain.

    ``concepts`` lists the ideas the point is made of; each entry is a list of alternative
    wordings of one idea (any one of them counts), and a point is made when every idea is
    expressed together. ``wrong`` lists statements that get the point wrong and must never be
    credited. Both are optional: a plain string key point is scored from its text alone.
    """

    text: NonEmpty
    concepts: list[list[NonEmpty]] = Field(default_factory=list)
    synonyms: list[NonEmpty] = Field(default_factory=list)
    wrong: list[NonEmpty] = Field(default_factory=list)
    #: The follow-up question an interviewer asks when this point was missed or got wrong.
    probe: NonEmpty | None = None

    @field_validator("concepts")
    @classmethod
    def _no_empty_groups(cls, value: list[list[str]]) -> list[list[str]]:
        for i, group in enumerate(value):
            if not group:
                raise ValueError(f"concept group {i + 1} is empty; give at least one wording")
        return value


STAR_PARTS: tuple[str, ...] = ("situation", "task", "action", "result")
#: How a behavioural question asks for a story (a user's own questions have no STAR hints).
STORY_RE = re.compile(
    r"\b(tell me about a|describe an? (\w+ )?(time|situation|project|challenge|experience)|"
    r"give (me )?an example|walk me through|a time (when|you)|"
    r"(share|discuss) an? (\w+ )?(example|experience|story))",
    re.IGNORECASE,
)


class StarHints(_Strict):
    """What a good Situation, Task, Action and Result look like for one behavioural question:
    shown to the candidate, and read by the structure check next to its generic descriptions."""

    situation: NonEmpty
    task: NonEmpty
    action: NonEmpty
    result: NonEmpty


class Question(_Strict):
    """One interview question with its reference answer and key points."""

    id: NonEmpty
    question: NonEmpty
    topic: NonEmpty
    difficulty: Difficulty
    tags: list[NonEmpty] = Field(default_factory=list)
    reference_answer: NonEmpty
    key_points: list[KeyPoint] = Field(min_length=1)
    target_seconds: tuple[int, int]
    source: list[NonEmpty] = Field(default_factory=list)
    variants: list[NonEmpty] = Field(default_factory=list)
    #: STAR hints (behavioural questions): an answer is then also checked for its structure.
    star: StarHints | None = None

    @classmethod
    def from_key_points(
        cls, qid: str, question: str, key_points: Sequence[str], topic: str = "general"
    ) -> Question:
        """A question as someone else's bank holds it: key points as plain sentences (no
        hints), the points themselves as its reference answer (evaluation and training sets)."""
        return cls.model_validate(
            {
                "id": qid,
                "question": question,
                "topic": topic,
                "difficulty": "intermediate",
                "reference_answer": " ".join(key_points),
                "key_points": list(key_points),
                "target_seconds": [45, 120],
            }
        )

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG_RE.match(value):
            raise ValueError(
                f"id {value!r} must be a slug: lower-case letters, digits and single hyphens"
            )
        return value

    @field_validator("key_points", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"text": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("source", "tags", "variants", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("target_seconds")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        low, high = value
        if low <= 0 or high <= low:
            raise ValueError(
                f"target_seconds must be [min, max] with 0 < min < max, got [{low}, {high}]"
            )
        return value

    @model_validator(mode="after")
    def _variants_differ(self) -> Question:
        if any(v.strip().lower() == self.question.strip().lower() for v in self.variants):
            raise ValueError("a variant repeats the question itself; remove it")
        return self

    @property
    def wants_story(self) -> bool:
        """Answered with a story, so its STAR structure is checked: the question has STAR
        hints, or it is behavioural and asks for an example ("Tell me about a time...")."""
        if self.star is not None:
            return True
        behavioural = self.topic.strip().lower() in ("behavioural", "behavioral")
        return behavioural and STORY_RE.search(self.question) is not None

    @property
    def key_point_texts(self) -> list[str]:
        return [kp.text for kp in self.key_points]

    @property
    def phrasings(self) -> list[str]:
        """The question and every variant, in order."""
        return [self.question, *self.variants]


class BankFileHeader(_Strict):
    """File-level fields of a bank file; the questions are validated one by one."""

    topic: str | None = None
    difficulty: Difficulty | None = None
    tags: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)
    description: str | None = None
    questions: list[Any]

    @field_validator("source", "tags", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value
