"""The score card and the reference answer marked by the scorer's own evidence."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from tests.ui.conftest import QT_LOG_IGNORE

from viva.scoring.feedback import Feedback, KeyPointResult
from viva.scoring.timing import Timing
from viva.ui import render

pytestmark = [QT_LOG_IGNORE]


def _feedback(coverage: float, statuses: list[str], fillers: int, **timing: Any) -> Feedback:
    points = tuple(
        KeyPointResult(
            text=f"Point {n} about canaries.",
            status=status,  # type: ignore[arg-type]
            score={"covered": 1.0, "partial": 0.5}.get(status, 0.0),
            evidence="blue-green is slower to roll back" if status == "incorrect" else None,
            start_s=None,
            end_s=None,
        )
        for n, status in enumerate(statuses, 1)
    )
    data = {
        "duration_s": 75.0,
        "word_count": 180,
        "wpm": 150.0,
        "target_seconds": [60, 120],
        "verdict": "on target",
        "filler_count": fillers,
        "fillers": [{"word": "um", "index": i} for i in range(fillers)],
        **timing,
    }
    return Feedback(
        question_id="q",
        transcript="",
        coverage=coverage,
        key_points=points,
        timing=Timing.from_dict(data),
        tips=("Name the rollback path.",),
    )


def test_summary_counts_statuses_and_names_what_to_fix() -> None:
    now = _feedback(0.63, ["covered", "covered", "partial", "incorrect"], 1)
    before = _feedback(0.25, ["covered", "missed", "missed", "missed"], 5)
    card = render.summarize(now, before)
    assert card.status_counts == {"covered": 2, "partial": 1, "missed": 0, "incorrect": 1}
    assert card.coverage_verdict == "fair"
    # A point stated wrongly is what to fix first, before missed or partial ones.
    assert card.fix_next.startswith("Correct this point: Point 4")
    assert "made 2 of 4 key points" in card.went_well
    assert card.change == "+38% coverage, \u22124 fillers since your last attempt"
    tiles = {t.label: t for t in card.tiles}
    assert tiles["Time"].verdict == "good"
    assert tiles["Pace"].verdict == "good"
    assert tiles["Fillers"].value == "1"
    typed = render.summarize(_feedback(1.0, ["covered"], 0, duration_s=None, wpm=None))
    assert {t.label: t.value for t in typed.tiles}["Time"] == "typed answer"
    assert "Pace" not in {t.label for t in typed.tiles}
    assert typed.change is None
    # A typed answer has no fillers to praise or count.
    assert "Fillers" not in {t.label for t in typed.tiles}
    assert "fillers" not in typed.went_well
    # Every item is a clause: "You kept a steady pace", never "You a steady pace".
    pace_only = _feedback(0.0, ["missed"], 9, verdict="too short")
    assert render.summarize(pace_only).went_well == "You kept a steady pace."


def test_an_off_topic_answer_shows_no_change_since_the_last_attempt() -> None:
    # An off-topic answer read "+10% coverage since your last attempt" in a walkthrough: true,
    # but it reads as progress. Its coverage is no measure of it, so the line is left out.
    before = _feedback(0.0, ["missed", "missed"], 2)
    off = replace(_feedback(0.1, ["partial", "missed"], 0), relevance=0.01)
    assert off.off_topic
    assert render.summarize(off, before).change is None
    # An on-topic answer after an off-topic one does show its change.
    on = _feedback(0.5, ["covered", "missed"], 0)
    assert not on.off_topic
    assert render.summarize(on, off).change == "+40% coverage since your last attempt"
    # "Add: <the first point>" beside "does not address the question" asked for one point.
    assert render.summarize(off).fix_next.startswith("Answer the question asked")


def test_no_change_in_coverage_is_said_as_such() -> None:
    # 0 % after 0 % read "+0% coverage since your last attempt".
    before = _feedback(0.25, ["covered", "missed", "missed", "missed"], 3)
    same = _feedback(0.25, ["covered", "missed", "missed", "missed"], 3)
    assert render.summarize(same, before).change == "Same coverage as your last attempt"
    fewer = _feedback(0.25, ["covered", "missed", "missed", "missed"], 1)
    assert render.summarize(fewer, before).change == (
        "Same coverage as your last attempt, \u22122 fillers"
    )


def test_nothing_is_praised_when_nothing_went_well(qtbot: Any) -> None:
    from viva.ui.scorecard import ScoreCard

    # No point made, too short, too fast, many fillers: the card has no "Went well" line (it
    # said "You made a start: keep going." next to "Your answer does not address the question").
    nothing = _feedback(0.0, ["missed", "missed"], 20, verdict="too short", wpm=230.0)
    assert render.summarize(nothing).went_well is None
    card = ScoreCard()
    qtbot.addWidget(card)
    card.show()
    card.show_summary(render.summarize(nothing))
    assert not card.went_well.isVisible()
    card.show_summary(render.summarize(_feedback(0.5, ["covered", "missed"], 0)))
    assert card.went_well.isVisible()
    assert "made 1 of 2 key points" in card.went_well.text()
    # Screen readers hear "1 key point covered", not "1 key points covered".
    assert {c.accessibleName() for c in card.chips} >= {
        "1 key point covered", "1 key point missed"
    }
    one = render.timing_lines(_feedback(0.0, ["missed"], 0, word_count=1).timing)
    assert any(line.startswith("1 word, ") for line in one), one


def test_fix_next_names_a_long_key_point_in_full() -> None:
    # "Fix next" cut every key point at 70 characters, more than half of the bank's, so the
    # thing to add ended mid-sentence in "…".
    long_point = (
        "Log the features as served, compare their distributions with the training data's and "
        "alert on drift."
    )
    fb = _feedback(0.0, ["missed"], 0)
    fb = replace(fb, key_points=(replace(fb.key_points[0], text=long_point),))
    assert render.summarize(fb).fix_next == f"Add: {long_point}"


def test_fix_next_is_advice_not_the_summary_of_a_complete_answer() -> None:
    complete = _feedback(1.0, ["covered", "covered"], 0)
    summary_only = replace(
        complete, tips=("All 2 key points covered in 1:15.", "Delivery: 150 words per minute.")
    )
    assert render.summarize(summary_only).fix_next.startswith("Nothing pressing")
    advice = replace(complete, tips=("All 2 key points covered.", "Name the rollback path."))
    assert render.summarize(advice).fix_next == "Name the rollback path."


@pytest.mark.gui
def test_card_shows_incorrect_apart_from_missed(qtbot: Any, test_bank: Any) -> None:
    from viva.speech.transcript import Transcript
    from viva.ui.widgets import FeedbackPanel

    question = test_bank.get("canary-vs-blue-green")
    statuses = ["covered", "missed", "incorrect"][: len(question.key_points)]
    feedback = _feedback(0.33, statuses, 2)
    panel = FeedbackPanel()
    qtbot.addWidget(panel)
    compare: list[bool] = []
    panel.compare_requested.connect(lambda: compare.append(True))
    panel.show_feedback(
        question,
        Transcript.from_text("blue-green is slower to roll back"),
        feedback,
        previous=_feedback(0.0, ["missed"] * len(statuses), 2),
    )
    chips = panel.card.chip_texts()
    assert "\u2714 1 covered" in chips
    assert "\u2718 1 missed" in chips
    assert "\u26a0 1 stated wrongly" in chips
    marks = {c.text(): c.styleSheet() for c in panel.card.chips}
    assert marks["\u2718 1 missed"] != marks["\u26a0 1 stated wrongly"]
    wrong = panel.points.item(2).text()
    assert wrong.startswith("\u26a0  STATED WRONGLY")
    assert "you said: \u201cblue-green is slower to roll back\u201d" in wrong
    assert "+33% coverage" in panel.card.change.text()
    panel.card.change.linkActivated.emit("compare")
    assert compare == [True]
    # Shown again on a panel already on screen (Review re-opens attempts): the chips are
    # laid out and visible, not left hidden by the flow layout.
    panel.show()
    panel.show_feedback(question, Transcript.from_text("A canary goes first."), feedback)
    qtbot.waitUntil(
        lambda: all(c.isVisible() and c.width() > 20 for c in panel.card.chips), timeout=5_000
    )
    qtbot.waitUntil(
        lambda: panel.card.chip_row.geometry().height() >= panel.card.chips[0].height(),
        timeout=5_000,
    )
    # Details fold away under the card.
    panel.details_button.setChecked(False)
    assert panel.details.isHidden()


def test_reference_marks_the_scorers_evidence_not_a_look_alike_sentence() -> None:
    reference = (
        "A canary sends a small share of traffic first. "
        "Blue-green keeps two environments and switches the router. "
        "Rolling back blue-green means switching the router back."
    )
    points = [
        KeyPointResult(
            "Blue-green rollback switches the router back.", "partial", 0.5, None, None, None
        ),
        KeyPointResult("A canary goes first.", "covered", 1.0, None, None, None),
    ]
    # The scorer, run on the reference, found the partial point in the third sentence (the
    # second looks as much alike: "blue-green", "switches", "router").
    evidence = ["back blue-green means switching the router back", "canary sends"]
    out = render.reference_html(reference, points, evidence)
    marked = out.split("<span")[1]
    assert "back blue-green means switching the router back" in marked
    assert "two environments" not in marked
    assert out.count("<span") == 1  # covered points are not marked
    # Without evidence nothing is guessed.
    assert "<span" not in render.reference_html(reference, points, None)
    assert render.evidence_chars(reference, "not in the text at all") is None


def test_every_bank_point_is_found_in_its_own_reference(test_bank: Any) -> None:
    from viva.app.services import reference_evidence

    total = located = 0
    for question in test_bank:
        found = reference_evidence(question)
        assert len(found) == len(question.key_points)
        for said in found:
            total += 1
            if said is not None:
                # Whatever the scorer quotes from the reference is found in it, word for word,
                # and is whole sentences (a clause cut at "...so anyone can rerun" read as a
                # slip of the highlighter).
                text = question.reference_answer
                span = render.evidence_chars(text, said)
                assert span is not None
                start, end = span
                assert start == 0 or text[:start].rstrip()[-1] in ".?!", (question.id, said)
                assert text[end:].lstrip()[:1] in ("", ".", "?", "!"), (question.id, said)
                located += 1
    assert located >= 0.8 * total


def test_story_answers_get_four_star_chips(qtbot: Any) -> None:
    from dataclasses import replace

    from viva.scoring.star import StarPart, Structure
    from viva.ui.scorecard import ScoreCard

    said = StarPart(True, "so last year our pipeline kept failing", 1.5, 0.9)
    missing = StarPart(False, None, None, 0.1)
    story = Structure(said, said, said, missing, result_has_number=False)
    fb = replace(_feedback(0.5, ["covered", "missed"], 0), structure=story)
    tiles = {t.label: t for t in render.summarize(fb).tiles}
    assert [tiles[n].verdict for n in ("Situation", "Task", "Action", "Result")] == [
        "good",
        "good",
        "good",
        "poor",
    ]
    assert "last year" in tiles["Situation"].tooltip
    assert "outcome" in tiles["Result"].tooltip
    card = ScoreCard()
    qtbot.addWidget(card)
    card.show_summary(render.summarize(fb))
    texts = card.chip_texts()
    assert "Situation: \u2714" in texts
    assert "Result: missing" in texts
    # Answers to other questions have no STAR chips.
    plain = render.summarize(_feedback(1.0, ["covered"], 0))
    assert "Situation" not in {t.label for t in plain.tiles}


@pytest.mark.gui
def test_a_doubtful_miss_shows_the_closest_words(qtbot: Any, test_bank: Any) -> None:
    """A missed point the judge was unsure of names the answer's closest words, so a point made
    in other words is not just declared missing."""
    from dataclasses import replace

    from viva.speech.transcript import Transcript
    from viva.ui.widgets import FeedbackPanel

    question = test_bank.get("canary-vs-blue-green")
    statuses = ["covered", "missed", "missed"][: len(question.key_points)]
    feedback = _feedback(0.33, statuses, 0)
    near = "we keep a spare copy of everything and flip over to it"
    points = list(feedback.key_points)
    points[1] = replace(points[1], closest=near)
    feedback = replace(feedback, key_points=tuple(points))
    panel = FeedbackPanel()
    qtbot.addWidget(panel)
    panel.show_feedback(question, Transcript.from_text(near), feedback)
    doubtful, plain = panel.points.item(1), panel.points.item(2)
    assert doubtful.text().startswith("\u2718  MISSED")
    assert f"closest: \u201c{near}.\u201d" in doubtful.text()
    assert near in doubtful.toolTip()
    assert "not sure" in doubtful.toolTip()
    # A miss the judge was sure of says nothing more.
    assert "closest" not in plain.text()
    assert plain.toolTip() == "not found in your answer"


def test_spoken_transcript_is_shown_spaced_as_written() -> None:
    """Whisper's word pieces ("blue", "-green", "5", "%") are drawn together; every word keeps
    its own anchor for seeking, and a long pause mark still stands apart."""
    from PySide6.QtGui import QTextDocument

    from viva.speech.transcript import Transcript, Word

    said = ["We", " send", " 5", "%", " first,", " then", " blue", "-green."]
    words = tuple(Word(w, i * 0.5, i * 0.5 + 0.4) for i, w in enumerate(said))
    tokens = render.tokens_of(Transcript(text="", words=words))
    html_text = render.transcript_html(tokens, links=True, pauses={4: 2.5})
    doc = QTextDocument()
    doc.setHtml(html_text)
    plain = doc.toPlainText()
    assert "We send 5% first," in plain
    assert "then blue-green." in plain
    assert "blue -green" not in plain
    assert "2.5" in plain
    assert all(f'href="w:{i}"' in html_text for i in range(len(said)))
