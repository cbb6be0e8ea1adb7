"""Bounds on what Viva accepts from outside, so hostile sizes get a message, not a hang.

Scoring time grows with the answer (a 1 MB transcript took 41 s and 200 MB, 10 MB over 10 min
and 1.4 GB, issue 13). A spoken answer is 1-5 minutes, i.e. at most ~1,000 words; 20,000 words is
about two hours of speech. Callers (CLI, GUI paste box, scorer) check with
:func:`check_answer_text` before scoring. Plain Python: no Qt, importable everywhere.
"""

from __future__ import annotations

MAX_ANSWER_WORDS = 20_000
#: Characters checked before splitting into words (a word rarely exceeds 20 characters).
MAX_ANSWER_CHARS = 20 * MAX_ANSWER_WORDS
#: A transcript file (plain text, or `viva transcribe --json` with word timestamps).
MAX_TRANSCRIPT_FILE_BYTES = 16 << 20


class AnswerTooLong(ValueError):
    """The answer is beyond what Viva scores; ``user_message`` says so and what to do."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


def check_answer_text(text: str) -> None:
    """Raise :class:`AnswerTooLong` if ``text`` has more than ``MAX_ANSWER_WORDS`` words."""
    if len(text) > MAX_ANSWER_CHARS:
        words = len(text[: MAX_ANSWER_CHARS * 2].split())
        if words > MAX_ANSWER_WORDS or len(text) > MAX_ANSWER_CHARS * 2:
            raise AnswerTooLong(_message(f"{len(text):,} characters"))
    words = len(text.split())
    if words > MAX_ANSWER_WORDS:
        raise AnswerTooLong(_message(f"{words:,} words"))


def _message(size: str) -> str:
    return (
        f"The answer is too long to score ({size}; Viva scores up to {MAX_ANSWER_WORDS:,} "
        "words, about two hours of speech). Score a shorter answer, e.g. one question's part."
    )
