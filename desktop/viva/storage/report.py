"""Reports a user can take to a mentor: HTML or Markdown, self-contained, offline.

``render_report`` selects attempts (a session, one question's history, or everything since a
date) and renders, per attempt, the question, the transcript with fillers marked, the key points
with their evidence, timing and tips; questions with several attempts get a coverage-over-time
chart, an inline SVG (a ``data:`` image in Markdown). Rendered with jinja2: autoescape is on for
HTML, and Markdown output escapes every value too, so a transcript or bank text containing
``<script>`` or ``{{ }}`` comes out as text.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from markupsafe import Markup

from viva import __version__
from viva.speech.transcript import glued

if TYPE_CHECKING:
    from viva.storage.store import Attempt, AttemptStore

Format = Literal["html", "md"]
TEMPLATES = Path(__file__).resolve().parent / "templates"

CHART_W, CHART_H = 560, 200
PAD_L, PAD_R, PAD_T, PAD_B = 44, 30, 14, 34

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_WORD_CHARS = re.compile(r"[^\w']+")


class ReportError(Exception):
    """Nothing to report, or the selection was wrong; ``user_message`` says what to do."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def md_escape(value: object) -> str:
    """Text for Markdown: HTML-escaped and with Markdown syntax characters backslashed."""
    text = html.escape(str(value), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("\n", " ")


def _md_finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return md_escape(value)


def _environment(fmt: Format) -> jinja2.Environment:
    if fmt == "html":
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    else:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=False,
            finalize=_md_finalize,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    env.filters["pct"] = lambda v: "–" if v is None else f"{round(float(v) * 100)}%"
    env.filters["secs"] = lambda v: "–" if v is None else f"{float(v):.1f} s"
    return env


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the transcript as shown in the report."""

    text: str
    filler: bool = False
    pause_after_s: float | None = None
    #: Written against the word before, with no space ("-green" after "blue", "%" after "5").
    joined: bool = False


def _norm(word: str) -> str:
    return _WORD_CHARS.sub("", word.lower())


def transcript_tokens(attempt: Attempt) -> list[Token]:
    """The transcript as words, with fillers and long pauses from the feedback marked."""
    words = [w.word.strip() for w in attempt.transcript.words] or attempt.transcript.text.split()
    timing = attempt.feedback.get("timing") or {}
    fillers: set[int] = set()
    for item in timing.get("fillers") or []:
        raw = str(item.get("word", ""))
        index, word, span = item.get("index"), _norm(raw), max(1, len(raw.split()))
        if isinstance(index, int) and 0 <= index < len(words):
            token = _norm(words[index])
            if not word or (token and (word.startswith(token) or token.startswith(word))):
                fillers.update(range(index, min(index + span, len(words))))
                continue
        for i in range(len(words) - span + 1):  # index missing or pointing elsewhere
            run = range(i, i + span)
            if word and not fillers & set(run) and "".join(_norm(words[j]) for j in run) == word:
                fillers.update(run)
                break
    pauses: dict[int, float] = {}
    for pause in timing.get("long_pauses") or []:
        after = pause.get("after_word_index")
        if isinstance(after, int) and 0 <= after < len(words):
            pauses[after] = float(pause.get("duration_s") or 0.0)
    return [
        Token(
            w,
            i in fillers,
            pauses.get(i),
            joined=glued(words, i, pauses),
        )
        for i, w in enumerate(words)
    ]


def coverage_chart(points: Sequence[tuple[datetime, float | None]], *, title: str) -> str:
    """An SVG line chart of coverage (0-100 %) over the attempts, oldest left."""
    env = _environment("html")
    values = [(t, c) for t, c in points if c is not None]
    n = len(values)
    inner_w, inner_h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B
    coords = []
    for i, (when, cov) in enumerate(values):
        x = PAD_L + (inner_w * i / (n - 1) if n > 1 else inner_w / 2)
        y = PAD_T + inner_h * (1 - max(0.0, min(1.0, cov)))
        coords.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "cov": cov,
                "label": when.astimezone().strftime("%d %b"),
            }
        )
    step = max(1, (n + 5) // 6)
    labels = [c for i, c in enumerate(coords) if i % step == 0 or i == n - 1]
    grid = [
        {"y": round(PAD_T + inner_h * (1 - v), 1), "label": f"{round(v * 100)}%"}
        for v in (0.0, 0.25, 0.5, 0.75, 1.0)
    ]
    return env.get_template("chart.svg.j2").render(
        title=title,
        width=CHART_W,
        height=CHART_H,
        coords=coords,
        labels=labels,
        grid=grid,
        left=PAD_L,
        right=CHART_W - PAD_R,
        bottom=CHART_H - PAD_B,
        polyline=" ".join(f"{c['x']},{c['y']}" for c in coords),
    )


def _attempt_view(attempt: Attempt) -> dict[str, Any]:
    fb = attempt.feedback
    timing: Mapping[str, Any] = fb.get("timing") or {}
    target = timing.get("target_seconds") or attempt.question.get("target_seconds")
    return {
        "id": attempt.id,
        "when": attempt.started_at.astimezone().strftime("%a %d %b %Y, %H:%M"),
        "question": attempt.question_text or attempt.question.get("question", ""),
        "question_id": attempt.question_id,
        "topic": attempt.topic,
        "coverage": attempt.coverage,
        "verdict": attempt.verdict,
        "model_name": attempt.model_name,
        "scorer_version": attempt.scorer_version,
        "rescored": len(attempt.history),
        "tokens": transcript_tokens(attempt),
        "has_text": bool(attempt.transcript.text.strip()),
        "key_points": [
            {
                "text": kp.get("text", ""),
                "status": kp.get("status", "missed"),
                "score": kp.get("score"),
                "evidence": kp.get("evidence"),
                "start_s": kp.get("start_s"),
                "end_s": kp.get("end_s"),
                "closest": kp.get("closest"),
            }
            for kp in fb.get("key_points") or []
        ],
        "timing": {
            "duration_s": timing.get("duration_s", attempt.duration_s),
            "speaking_s": timing.get("speaking_s"),
            "first_word_s": timing.get("first_word_s"),
            "word_count": timing.get("word_count"),
            "wpm": timing.get("wpm"),
            "target": f"{target[0]}–{target[1]} s" if target else None,
            "verdict": timing.get("verdict"),
            "filler_count": timing.get("filler_count"),
            "long_pauses": len(timing.get("long_pauses") or []),
        },
        "tips": [str(t) for t in fb.get("tips") or []],
        "follow_ups": [],
    }


def _follow_up_view(attempt: Attempt) -> dict[str, Any]:
    """A follow-up under its answer: the question asked, the probed point and how it went."""
    points = attempt.feedback.get("key_points") or [{}]
    kp = points[0]
    return {
        "id": attempt.id,
        "question": attempt.question_text,
        "point": attempt.follow_up_point,
        "text": kp.get("text", ""),
        "status": kp.get("status", "missed"),
        "coverage": attempt.coverage,
        "evidence": kp.get("evidence"),
        "transcript": attempt.transcript.text.strip(),
    }


def _select(
    store: AttemptStore,
    session_id: int | None,
    question_id: str | None,
    since: datetime | None,
) -> tuple[str, list[int]]:
    chosen = [x is not None for x in (session_id, question_id, since)]
    if sum(chosen) != 1:
        raise ReportError("Choose exactly one of --session ID, --question ID or --since DATE.")
    if session_id is not None:
        session = store.get_session(session_id)
        rows = store.list_attempts(session_id=session_id, oldest_first=True)
        kind = session.kind.replace("_", " ")
        day = f"{session.started_at.astimezone():%d %b %Y}"
        title = f"{kind.capitalize()} session {session_id}, {day}"
    elif question_id is not None:
        rows = store.list_attempts(question_id=question_id, oldest_first=True)
        title = f"History of “{rows[0].question_text}”" if rows else question_id
    else:
        assert since is not None
        rows = store.list_attempts(since=since, oldest_first=True)
        title = f"Practice since {since.astimezone():%d %b %Y}"
    if not rows:
        raise ReportError(
            "No attempts match that selection, so there is nothing to report. "
            "See `viva history` for what is stored."
        )
    return title, [r.id for r in rows]


def render_report(
    store: AttemptStore,
    *,
    fmt: Format = "html",
    session_id: int | None = None,
    question_id: str | None = None,
    since: datetime | None = None,
    now: datetime | None = None,
) -> str:
    """The report as text (HTML or Markdown); choose one of ``session_id``, ``question_id``,
    ``since``."""
    if fmt not in ("html", "md"):
        raise ReportError(f"Unknown report format {fmt!r}; use html or md.")
    title, ids = _select(store, session_id, question_id, since)
    attempts = [store.get_attempt(i) for i in ids]
    follow_ups = store.follow_ups_of(ids)
    groups: dict[str, dict[str, Any]] = {}
    for attempt in attempts:
        group = groups.setdefault(
            attempt.question_id,
            {
                "question_id": attempt.question_id,
                "question": attempt.question_text,
                "topic": attempt.topic,
                "attempts": [],
                "points": [],
            },
        )
        view = _attempt_view(attempt)
        view["follow_ups"] = [
            _follow_up_view(store.get_attempt(f.id)) for f in follow_ups.get(attempt.id, [])
        ]
        group["attempts"].append(view)
        group["points"].append((attempt.started_at, attempt.coverage))
    show_chart_from = 1 if question_id is not None else 2
    for group in groups.values():
        svg = None
        if len(group["points"]) >= show_chart_from:
            svg = coverage_chart(group["points"], title=f"Coverage over time: {group['question']}")
        group["chart_svg"] = Markup(svg) if svg else None
        group["chart_data_uri"] = (
            Markup("data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())
            if svg
            else None
        )
        covs = [c for _, c in group["points"] if c is not None]
        group["first_coverage"] = covs[0] if covs else None
        group["last_coverage"] = covs[-1] if covs else None
    generated = (now or datetime.now(timezone.utc)).astimezone()
    covs = [a.coverage for a in attempts if a.coverage is not None]
    template = _environment(fmt).get_template(f"report.{fmt}.j2")
    return template.render(
        title=title,
        generated=generated.strftime("%d %b %Y, %H:%M"),
        version=__version__,
        groups=list(groups.values()),
        total=len(attempts),
        mean_coverage=sum(covs) / len(covs) if covs else None,
    )


def write_report(
    store: AttemptStore,
    out: str | Path,
    *,
    fmt: Format = "html",
    session_id: int | None = None,
    question_id: str | None = None,
    since: datetime | None = None,
    now: datetime | None = None,
) -> Path:
    """Render the report and write it to ``out`` (UTF-8); returns the path."""
    text = render_report(
        store, fmt=fmt, session_id=session_id, question_id=question_id, since=since, now=now
    )
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
