"""Turn a Markdown (or plain-text) Q&A document into a bank file for the user to edit.

Questions are recognised as headings or numbered/bold lines that ask something, or plain lines
ending with a question mark; the text up to the next question is the answer. Key points are
suggested from the answer's bullets and bold terms; everything is meant to be reviewed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from viva.bank.loader import ANSWER_WORDS, KEY_POINTS

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(?:\*\*)?\s*(?:Q(?:uestion)?\s*)?\d{1,3}\s*[.):]\s+(.*)$", re.I)
_QPREFIX = re.compile(r"^\s*Q\d{0,3}\s*[:.)-]\s*", re.I)
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(.*)$")
_BOLD = re.compile(r"\*\*([^*]{2,80}?)\*\*")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG_SUFFIX = re.compile(r"\s*\((?:big tech|senior|advanced|basic|bonus)[^)]*\)\s*$", re.I)
_ANSWER_PREFIX = re.compile(r"^\s*(?:\*\*)?\s*(?:answer|a)\s*:\s*(?:\*\*)?\s*", re.I)
_ASKING = re.compile(
    r"^(?:what|why|how|when|where|which|who|can|could|would|should|do|does|did|is|are|have|"
    r"has|tell|describe|explain|walk|give|share|discuss|compare|define|name|list)\b",
    re.I,
)
_SKIP_HEADINGS = re.compile(
    r"^(?:who is this for|how to use|table of contents|introduction|conclusion|faqs?|"
    r"related|references|further reading)\b",
    re.I,
)


@dataclass(slots=True)
class ImportedQuestion:
    """A question found in a document, with its raw answer lines and section heading."""

    question: str
    line: int
    section: str | None
    answer_lines: list[str] = field(default_factory=list)


def _clean(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)", r"\1", text)
    return " ".join(text.split()).strip()


def _question_text(raw: str) -> str:
    text = _clean(raw)
    text = _QPREFIX.sub("", text)
    text = re.sub(r"^\d{1,3}\s*[.):]\s+", "", text)
    text = _TAG_SUFFIX.sub("", text)
    return text.strip().strip("*").strip()


def _looks_like_question(text: str) -> bool:
    if not text or len(text) > 240 or _SKIP_HEADINGS.match(text):
        return False
    return text.endswith("?") or bool(_ASKING.match(text))


def _is_plain_question(line: str) -> bool:
    """A numbered or plain line (not a heading) that asks something."""
    if _NUMBERED.match(line) and line.rstrip("*").rstrip().endswith("?"):
        return True
    return (
        line.endswith("?")
        and not _BULLET.match(line)
        and not line.lower().startswith(("description:", "answer:"))
        and _looks_like_question(_question_text(line))
    )


def extract_questions(text: str) -> list[ImportedQuestion]:
    """Find the questions of a Q&A document, in order, with their answer lines."""
    found: list[ImportedQuestion] = []
    section: str | None = None
    in_code = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            if found:
                found[-1].answer_lines.append(raw)
            continue
        if in_code:
            if found:
                found[-1].answer_lines.append(raw)
            continue
        heading = _HEADING.match(stripped)
        candidate: str | None = None
        if heading:
            body = _question_text(heading.group(2))
            numbered = bool(re.match(r"^(?:\*\*)?\s*(?:Q\s*)?\d{1,3}\s*[.):]", heading.group(2)))
            if _looks_like_question(body) and (numbered or body.endswith("?") or len(found) > 0):
                candidate = body
            else:
                section = _clean(heading.group(2)).strip("#").strip() or section
                if found and len(heading.group(1)) <= 2:
                    found[-1].answer_lines.append("")
                continue
        elif _is_plain_question(stripped):
            candidate = _question_text(stripped)
        if candidate:
            found.append(ImportedQuestion(candidate, number, section))
        elif found:
            found[-1].answer_lines.append(raw)
    return found


def slugify(text: str, *, max_words: int = 8) -> str:
    """A stable id from a question: ascii, lower case, hyphens, at most ``max_words`` words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    stop = {"a", "an", "the", "you", "your", "do", "does", "can", "of", "in", "to", "and", "for"}
    kept = [w for w in words if w not in stop] or words or ["question"]
    return "-".join(kept[:max_words])


def _answer_text(lines: Iterable[str]) -> str:
    out: list[str] = []
    in_code = False
    for raw in lines:
        stripped = raw.strip()
        if stripped.startswith("```"):
            in_code = not in_code
            continue
        if in_code or not stripped or stripped in {"---", "***"} or stripped.startswith("|"):
            continue
        if stripped.startswith(("<", "![", "Description:")) or _HEADING.match(stripped):
            continue
        bullet = _BULLET.match(stripped)
        text = _clean(_ANSWER_PREFIX.sub("", bullet.group(1) if bullet else stripped))
        if text:
            out.append(text if text.endswith((".", "!", "?", ":")) else text + ".")
    return " ".join(out).strip().strip('"').strip()


def _trim_words(text: str, limit: int) -> str:
    words = text.split()
    if len(words) <= limit:
        return text
    cut = " ".join(words[:limit])
    end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > len(cut) // 2 else cut.rstrip(",;:") + "."


def suggest_key_points(lines: Iterable[str], answer: str) -> list[str]:
    """Key point suggestions: bullet lines first, then bold terms, then leading sentences."""
    lines = list(lines)
    points: list[str] = []
    for raw in lines:
        bullet = _BULLET.match(raw.strip())
        if bullet:
            text = _clean(_ANSWER_PREFIX.sub("", bullet.group(1)))
            sentence = re.split(r"(?<=[.!?])\s", text)[0]
            if 2 <= len(sentence.split()) <= 30:
                points.append(sentence.rstrip(".:") + ".")
    if len(points) < KEY_POINTS[0]:
        for raw in lines:
            for term in _BOLD.findall(raw):
                term = _clean(term).rstrip(":")
                if term and not term.lower().startswith("answer"):
                    points.append(f"Mentions {term}.")
    if len(points) < KEY_POINTS[0]:
        for sentence in re.split(r"(?<=[.!?])\s+", answer):
            if 4 <= len(sentence.split()) <= 25:
                points.append(sentence.strip())
    unique: list[str] = []
    for point in points:
        if point.lower() not in {p.lower() for p in unique}:
            unique.append(point)
    return unique[: KEY_POINTS[1]]


def _target_seconds(answer: str) -> list[int]:
    # ~140 spoken words per minute; a window around the reference answer's length.
    seconds = max(30, round(len(answer.split()) / 140 * 60 / 15) * 15)
    return [max(20, seconds - 15), seconds + 30]


def import_markdown(path: Path, *, topic: str | None = None) -> dict[str, Any]:
    """Build a bank file (as a mapping ready for YAML) from a Q&A document."""
    text = path.read_text(encoding="utf-8")
    found = extract_questions(text)
    questions: list[dict[str, Any]] = []
    used: set[str] = set()
    for item in found:
        answer = _trim_words(_answer_text(item.answer_lines), ANSWER_WORDS[1])
        base = slugify(item.question)
        qid, n = base, 2
        while qid in used:
            qid, n = f"{base}-{n}", n + 1
        used.add(qid)
        points = suggest_key_points(item.answer_lines, answer) if answer else []
        questions.append(
            {
                "id": qid,
                "question": item.question,
                "topic": topic or slugify(item.section or path.stem, max_words=4),
                "difficulty": "intermediate",
                "tags": [],
                "reference_answer": answer
                or "TODO: write a model answer to speak in about a minute.",
                "key_points": points or ["TODO: name one idea a good answer must contain."],
                "target_seconds": _target_seconds(answer),
                "source": [path.name],
            }
        )
    return {
        "description": f"Imported from {path.name}; review answers and key points before use.",
        "questions": questions,
    }


def dump_bank_file(data: dict[str, Any]) -> str:
    """YAML text of a bank file, fields in schema order, long lines kept readable."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
