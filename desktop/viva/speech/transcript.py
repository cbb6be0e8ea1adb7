"""Transcript values shared by the speech engine, the feedback engine and the store."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its time span in seconds from the start of the audio."""

    word: str
    start: float
    end: float
    probability: float = 1.0


_ATTACHED_PREFIXES = ("-", "'", "\u2019", ",", ".", "!", "?", ":", ";", "%", ")")


def attaches(previous: str, token: str) -> bool:
    """Whether recognised word ``token`` is written against ``previous`` with no space."""
    return token.startswith(_ATTACHED_PREFIXES) or previous.endswith("-")


def glued(words: Sequence[str], i: int, pauses: Container[int] = ()) -> bool:
    """Whether ``words[i]`` is written against the word before it: it attaches (see
    :func:`attaches`) and no long pause (``pauses``: indices of words a pause follows) sits
    between. The transcript view and the reports space words this way."""
    return i > 0 and (i - 1) not in pauses and attaches(words[i - 1].strip(), words[i].strip())


def join_words(words: Iterable[Word | str]) -> str:
    """Readable text from recognised words.

    Whisper splits "step-by-step" into "step", "-by", "-step" and "don't" into "don", "'t";
    those pieces are glued back to the word before them instead of being spaced out.
    """
    out: list[str] = []
    for item in words:
        token = (item.word if isinstance(item, Word) else item).strip()
        if not token:
            continue
        if out and attaches(out[-1], token):
            out[-1] += token
        else:
            out.append(token)
    return " ".join(out)


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of recognised speech (Whisper's segment)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was said. ``words`` is empty (and ``duration_s`` may be None) for typed text."""

    text: str
    words: tuple[Word, ...] = ()
    segments: tuple[Segment, ...] = ()
    language: str = "en"
    duration_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_timestamps(self) -> bool:
        return bool(self.words)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``viva transcribe --json``."""
        out: dict[str, Any] = {
            "text": self.text,
            "language": self.language,
            "duration_s": self.duration_s,
            "words": [asdict(w) for w in self.words],
            "segments": [asdict(s) for s in self.segments],
        }
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        known = {"text", "language", "duration_s", "words", "segments"}
        return cls(
            text=str(data.get("text", "")),
            words=tuple(Word(**w) for w in data.get("words") or ()),
            segments=tuple(Segment(**s) for s in data.get("segments") or ()),
            language=str(data.get("language") or "en"),
            duration_s=data.get("duration_s"),
            extra={k: v for k, v in data.items() if k not in known},
        )

    @classmethod
    def from_user_json(cls, data: object) -> Transcript:
        """A transcript from JSON the user gives (``viva transcribe --json`` output, possibly
        edited by hand): checked field by field, unlike :meth:`from_dict` for stored data.

        Raises ValueError naming the first bad field (a string for a number, a negative or
        non-finite time, no ``text``).
        """
        try:
            checked = _TranscriptJson.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(part) for part in err["loc"]) or "the top level"
            raise ValueError(f"{where}: {err['msg']}") from None
        return cls.from_dict(checked.model_dump())

    @classmethod
    def from_text(cls, text: str, duration_s: float | None = None) -> Transcript:
        return cls(text=text.strip(), duration_s=duration_s)


class _WordJson(BaseModel):
    model_config = ConfigDict(extra="ignore")

    word: StrictStr
    start: float = Field(ge=0, allow_inf_nan=False)
    end: float = Field(ge=0, allow_inf_nan=False)
    probability: float = Field(1.0, ge=0, le=1)


class _SegmentJson(BaseModel):
    model_config = ConfigDict(extra="ignore")

    start: float = Field(ge=0, allow_inf_nan=False)
    end: float = Field(ge=0, allow_inf_nan=False)
    text: StrictStr


class _TranscriptJson(BaseModel):
    """The shape of ``viva transcribe --json`` (other keys are kept as extras)."""

    model_config = ConfigDict(extra="allow")

    text: StrictStr
    language: StrictStr = "en"
    duration_s: float | None = Field(None, gt=0, allow_inf_nan=False)
    words: list[_WordJson] = []
    segments: list[_SegmentJson] = []
