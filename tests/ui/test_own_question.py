"""A user's own question, written in the bank editor with plain key points, is scored fairly."""

from __future__ import annotations

from typing import Any

import pytest
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, pytest.mark.e2e, QT_LOG_IGNORE]

REFERENCE = " ".join(
    [
        "When a downstream service is flaky I protect every call in three ways.",
        "Each call gets a timeout so no thread waits forever on a hung connection.",
        "Failed calls are retried with exponential backoff and random jitter, so clients",
        "do not hammer the service in lockstep while it recovers.",
        "And every request carries an idempotency key, so a retry that lands twice",
        "cannot charge a customer twice or create a duplicate order.",
        "I also cap the number of attempts and put a circuit breaker in front of the call",
        "so that a dead dependency fails fast instead of piling up work.",
    ]
)
KEY_POINTS = (
    "Every call has a timeout so threads are not stuck waiting.",
    "Retries use exponential backoff with jitter.",
    "Requests are idempotent so a retry cannot apply an action twice.",
)
# The user's own words: none of the key points' sentences, few of their keywords.
ANSWER = (
    "First thing, I'd never let a request hang, every call gets a deadline of a couple of "
    "seconds and after that we just give up on it. If it fails we try again but we wait "
    "longer each time, doubling the delay, plus a bit of randomness so all the clients don't "
    "come back at the same moment. And the operation has to be safe to repeat, we send a "
    "unique key with each payment so if the retry goes through twice it's only charged once."
)


def test_own_question_answered_in_own_words_scores_at_least_80_percent(
    qtbot: Any, make_window: Any
) -> None:
    from viva.bank import open_bank

    # The real loader: the built-in bank with the user's own bank layered on top.
    window = make_window(sd_module=NoDevices(), bank_loader=lambda: open_bank())
    editor = window.show_view("bank")
    editor.new_question()
    editor.question_edit.setPlainText("How do you call a flaky downstream service safely?")
    editor.id_edit.setText("flaky-downstream-calls")
    editor.topic_edit.setText("reliability")
    editor.answer_edit.setPlainText(REFERENCE)
    editor.kp_text.setText(KEY_POINTS[0])
    for text in KEY_POINTS[1:]:
        editor.add_key_point()
        editor.kp_text.setText(text)
    with qtbot.waitSignal(editor.validated, timeout=10_000) as result:
        editor.validate_now()
    assert not [m for m in result.args[0] if not m.startswith("warning")], result.args[0]
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save()

    practice = window.show_view("practice")
    practice.set_text_only(True)
    # Saving reloads the bank in the background; the new question appears when it is done.
    qtbot.waitUntil(lambda: practice.select_question("flaky-downstream-calls"), timeout=20_000)
    assert practice.question is not None
    assert practice.question.id == "flaky-downstream-calls"
    practice.retry()
    practice.typed.setPlainText(ANSWER)
    with qtbot.waitSignal(practice.feedback_shown, timeout=60_000) as blocker:
        practice.score_typed()
    feedback = blocker.args[0].feedback
    assert feedback.coverage >= 0.8, [(p.status, p.evidence) for p in feedback.key_points]
    assert not any("does not address" in tip for tip in feedback.tips)
