"""Load bank files with precise, per-file error reports.

Every problem names its file and line (``FILE:LINE: message``). A broken file never stops the
others from loading: its valid questions still load, its broken ones are reported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from viva.bank.models import BankFileHeader, Question

log = logging.getLogger(__name__)
#: libyaml when PyYAML was built with it (13x faster than the pure-Python parser on the bank).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Severity = Literal["error", "warning"]

ANSWER_WORDS = (60, 180)
KEY_POINTS = (3, 6)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of the validator."""

    path: Path
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


@dataclass(slots=True)
class Bank:
    """Questions by id, in load order, with the problems met while loading."""

    questions: dict[str, Question] = field(default_factory=dict)
    origins: dict[str, tuple[Path, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def __len__(self) -> int:
        return len(self.questions)

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions.values())

    def __contains__(self, question_id: object) -> bool:
        return question_id in self.questions

    def get(self, question_id: str) -> Question | None:
        return self.questions.get(question_id)

    def topics(self) -> list[str]:
        return sorted({q.topic for q in self.questions.values()})

    def by_topic(self, topic: str) -> list[Question]:
        wanted = topic.strip().lower()
        return [q for q in self.questions.values() if q.topic.lower() == wanted]

    def merged_with(self, other: Bank) -> Bank:
        """A new bank: this one with ``other``'s questions layered on top (same id replaces)."""
        merged = Bank(dict(self.questions), dict(self.origins), [*self.problems, *other.problems])
        merged.questions.update(other.questions)
        merged.origins.update(other.origins)
        return merged


def bank_files(directory: Path) -> list[Path]:
    """Every ``*.yaml`` / ``*.yml`` under ``directory``, sorted, README-like files excluded."""
    if directory.is_file():
        return [directory]
    files = [*directory.rglob("*.yaml"), *directory.rglob("*.yml")]
    return sorted(p for p in files if not p.name.startswith((".", "_")))


def _line_of(node: yaml.Node | None, loc: Sequence[int | str]) -> int:
    """1-based line of the YAML node reached by following ``loc`` from ``node``."""
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line = key.start_mark.line + 1
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _describe(error: ErrorDetails) -> str:
    loc = [str(p) for p in error["loc"] if not str(p).startswith("function-")]
    # pydantic tags union branches (e.g. "str", "KeyPoint"); they mean nothing to a user.
    loc = [p for p in loc if p not in {"str", "KeyPoint", "tagged-union"}]
    where = ".".join(loc) if loc else "question"
    message = error["msg"]
    if error["type"] == "missing":
        message = "missing required field"
    elif error["type"] == "extra_forbidden":
        message = "unknown field (check its spelling; see questions/README.md)"
    return f"{where}: {message}"


def _content_problems(
    question: Question, path: Path, node: yaml.Node | None, severity: Severity
) -> list[Problem]:
    problems: list[Problem] = []
    words = len(question.reference_answer.split())
    low, high = ANSWER_WORDS
    if not low <= words <= high:
        problems.append(
            Problem(
                path,
                _line_of(node, ["reference_answer"]),
                f"question {question.id!r}: reference_answer has {words} words; "
                f"aim for {low}-{high} so it can be spoken in about a minute",
                severity,
            )
        )
    count = len(question.key_points)
    low, high = KEY_POINTS
    if not low <= count <= high:
        problems.append(
            Problem(
                path,
                _line_of(node, ["key_points"]),
                f"question {question.id!r}: has {count} key points; give {low}-{high}",
                severity,
            )
        )
    seen: set[str] = set()
    for i, kp in enumerate(question.key_points):
        norm = kp.text.lower()
        if norm in seen:
            problems.append(
                Problem(
                    path,
                    _line_of(node, ["key_points", i]),
                    f"question {question.id!r}: key point {i + 1} repeats an earlier one",
                    severity,
                )
            )
        seen.add(norm)
    return problems


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its data, from one parse."""
    loader = _LOADER(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def load_file(
    path: Path, *, strict: bool = False
) -> tuple[list[tuple[Question, int]], list[Problem]]:
    """Parse one bank file. Returns the valid questions (with their line) and the problems.

    ``strict`` turns content rules (answer length, number of key points) into errors, as for
    the built-in bank; for users' banks they are warnings.
    """
    problems: list[Problem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(path, 1, f"cannot read the file: {exc}")]
    try:
        root, data = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc)
        # Where the construct the parser was reading began (an unclosed quote is reported
        # where the file ends, or where the text stops making sense, not where it opened).
        context, start = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and start is not None and start.line + 1 != line:
            reason += f" ({context}, which starts on line {start.line + 1})"
        return [], [Problem(path, line, f"YAML syntax error: {reason}")]
    if not isinstance(data, dict):
        return [], [Problem(path, 1, "the top level must be a mapping with a 'questions:' list")]
    try:
        header = BankFileHeader.model_validate(data)
    except ValidationError as exc:
        return [], [
            Problem(path, _line_of(root, err["loc"]), _describe(err)) for err in exc.errors()
        ]

    severity: Severity = "error" if strict else "warning"
    questions_node = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "questions":
                questions_node = value
    valid: list[tuple[Question, int]] = []
    for index, raw in enumerate(header.questions):
        node = (
            questions_node.value[index]
            if isinstance(questions_node, yaml.SequenceNode)
            else questions_node
        )
        line = _line_of(node, [])
        if not isinstance(raw, dict):
            problems.append(Problem(path, line, f"questions[{index}] must be a mapping"))
            continue
        merged = dict(raw)
        for key in ("topic", "difficulty"):
            if getattr(header, key) is not None:
                merged.setdefault(key, getattr(header, key))
        for key in ("tags", "source"):
            if getattr(header, key) and key not in merged:
                merged[key] = list(getattr(header, key))
        label = raw.get("id", f"#{index + 1}")
        try:
            question = Question.model_validate(merged)
        except ValidationError as exc:
            for err in exc.errors():
                problems.append(
                    Problem(
                        path, _line_of(node, err["loc"]), f"question {label!r}: {_describe(err)}"
                    )
                )
            continue
        problems.extend(_content_problems(question, path, node, severity))
        valid.append((question, line))
    return valid, problems


def load_bank(paths: Iterable[Path], *, strict: bool = False) -> Bank:
    """Load every bank file under ``paths`` (files or folders). Never raises on bad content."""
    bank = Bank()
    for root in paths:
        root = Path(root)
        if not root.exists():
            bank.problems.append(Problem(root, 1, "no such file or folder"))
            continue
        files = bank_files(root)
        if not files:
            bank.problems.append(Problem(root, 1, "no *.yaml bank files here"))
        for path in files:
            questions, problems = load_file(path, strict=strict)
            bank.problems.extend(problems)
            for question, line in questions:
                if question.id in bank.questions:
                    first_path, first_line = bank.origins[question.id]
                    bank.problems.append(
                        Problem(
                            path,
                            line,
                            f"duplicate id {question.id!r} (first defined at "
                            f"{first_path}:{first_line})",
                        )
                    )
                    continue
                bank.questions[question.id] = question
                bank.origins[question.id] = (path, line)
    for problem in bank.problems:
        log.debug("bank: %s", problem)
    return bank
