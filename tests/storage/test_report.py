"""Reports: content, self-containment and escaping of hostile text."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from conftest import make_feedback, make_question, make_transcript
from viva.cli import main
from viva.storage.report import ReportError, render_report
from viva.storage.store import AttemptStore

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
HOSTILE = "<script>alert('x')</script> {{ 7*7 }} {% raw %} <img src=x onerror=alert(1)>"


def _history(store: AttemptStore, n: int = 3) -> None:
    fillers = [
        {"word": "um", "start_s": 0.0, "end_s": 0.4, "index": 0},
        {"word": "you know", "start_s": 2.0, "end_s": 2.9, "index": 5},
    ]
    for i in range(n):
        store.add_attempt(
            make_question(),
            make_transcript("um we send the new you know model to few users"),
            make_feedback(coverage=0.3 + 0.3 * i, fillers=fillers),
            started_at=T0 + timedelta(days=2 * i),
        )


def test_html_report_of_a_question_history(store: AttemptStore) -> None:
    _history(store)
    html = render_report(store, question_id="canary-release", fmt="html")
    assert html.count('<article class="attempt">') == 3
    assert html.count("<svg") == 1
    chart = re.search(r"<polyline points=\"([^\"]+)\"", html)
    assert chart is not None
    assert len(chart.group(1).split()) == 3
    assert '<mark class="filler" title="filler">um</mark>' in html
    assert (
        '<mark class="filler" title="filler">you</mark> <mark class="filler" title="filler">know'
        in html
    )
    assert "we send five percent of users to it first" in html  # evidence
    assert "Say how you would roll back." in html  # tips
    assert "30% → 90%" in html
    # self-contained: no external resource of any kind
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert "<link" not in html


def test_hostile_text_comes_out_as_text(store: AttemptStore) -> None:
    question = make_question(text=f"Canary? {HOSTILE}")
    feedback = make_feedback(evidence=HOSTILE)
    feedback["tips"] = [HOSTILE]
    store.add_attempt(question, make_transcript(f"um {HOSTILE}"), feedback)
    html = render_report(store, question_id="canary-release", fmt="html")
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "{{ 7*7 }}" in html
    # Not evaluated: no 49 anywhere but in the report's clock times ("generated ... 14:49", the
    # attempt's time), which made a bare check fail at minute 49.
    assert "49" not in re.sub(r"\b\d{1,2}:\d{2}\b", "", html)
    assert html.count("{{ 7*7 }}") >= 3
    md = render_report(store, question_id="canary-release", fmt="md")
    assert "<script>" not in md
    assert "<img" not in md
    assert "&lt;script&gt;" in md
    assert "{{ 7\\*7 }}" in md


def test_a_doubtful_miss_shows_its_closest_words_as_text(store: AttemptStore) -> None:
    feedback = make_feedback()
    feedback["key_points"][2]["closest"] = f"if it looks bad we go back {HOSTILE}"
    store.add_attempt(make_question(), make_transcript("we go back"), feedback)
    html = render_report(store, question_id="canary-release", fmt="html")
    assert "not clearly made; closest:" in html
    assert "if it looks bad we go back &lt;script&gt;" in html
    assert "<script>" not in html
    md = render_report(store, question_id="canary-release", fmt="md")
    assert "| missed | not clearly made; closest: “if it looks bad we go back" in md
    assert "<script>" not in md


def test_markdown_report_embeds_the_chart(store: AttemptStore) -> None:
    _history(store, n=2)
    md = render_report(store, since=T0 - timedelta(days=1), fmt="md")
    match = re.search(
        r"!\[Coverage over time\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", md
    )
    assert match is not None
    assert base64.b64decode(match.group(1)).startswith(b"<svg")
    assert "~~um~~" in md
    assert "| Send a small share of traffic to the new model first. | covered |" in md


def test_session_report_and_selection_errors(store: AttemptStore) -> None:
    session = store.start_session("mock", ["canary-release"])
    store.add_attempt(make_question(), make_transcript(), make_feedback(), session_id=session)
    _history(store, n=1)
    html = render_report(store, session_id=session)
    assert "Mock session" in html
    assert html.count('<article class="attempt">') == 1
    with pytest.raises(ReportError, match="exactly one"):
        render_report(store)
    with pytest.raises(ReportError, match="No attempts"):
        render_report(store, question_id="never-asked")


def test_cli_report(
    store: AttemptStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _history(store)
    out = tmp_path / "r" / "report.html"
    assert (
        main(["report", "--question", "canary-release", "--format", "html", "--out", str(out)]) == 0
    )
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (
        main(["report", "--since", "2025-03-04", "--format", "md", "--out", str(tmp_path / "r.md")])
        == 0
    )
    assert (tmp_path / "r.md").read_text(encoding="utf-8").count("### Attempt") == 2
    assert main(["report", "--since", "yesterday", "--format", "md", "--out", "x.md"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_fillers_are_found_when_the_index_is_off(store: AttemptStore) -> None:
    fillers = [{"word": "you know", "start_s": None, "end_s": None, "index": 0}]
    store.add_attempt(
        make_question(),
        make_transcript("we ship it, you know, slowly"),
        make_feedback(fillers=fillers),
    )
    html = render_report(store, question_id="canary-release")
    mark = '<mark class="filler" title="filler">'
    assert f"{mark}you</mark> {mark}know,</mark>" in html
    assert f"{mark}we</mark>" not in html


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_whisper_word_pieces_are_written_together(store: AttemptStore, fmt: str) -> None:
    """A spoken transcript's "blue", "-green", "5", "%" read "blue-green" and "5%" in the report
    for a mentor (they read "blue -green", "5 %")."""
    from viva.speech.transcript import Transcript, Word

    said = [
        "We",
        " send",
        " 5",
        "%",
        " first,",
        " then",
        " step",
        "-by",
        "-step,",
        " blue",
        "-green.",
    ]
    words = tuple(Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(said))
    text = "We send 5% first, then step-by-step, blue-green."
    store.add_attempt(
        make_question(), Transcript(text=text, words=words, duration_s=6.0), make_feedback()
    )
    out = render_report(store, question_id="canary-release", fmt=fmt)
    assert text in out
    assert "blue -green" not in out
