"""Judge an answer while it is spoken, so that at Stop only its tail is left to judge.

The live transcriber commits stretches of final text with word times every few seconds. A
:class:`LiveJudge` collects them and, on a background thread, runs the coverage judge over the
answer so far. The judge caches every (key point, window) it has read, and the windows of the
final transcript are the same words, so scoring after Stop only judges the windows the last
commit changed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from viva.bank.models import Question
from viva.scoring.decision import point_evidence
from viva.scoring.text import build_answer
from viva.speech.transcript import Transcript, Word, join_words

log = logging.getLogger(__name__)


class LiveJudge:
    """Background judging of a growing answer; one pass at a time, always on the latest words."""

    def __init__(self, question: Question) -> None:
        self._question = question
        self._words: list[Word] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._judged = 0  # words judged in the last finished pass
        self._thread = threading.Thread(target=self._run, name="live-judge", daemon=True)
        self._thread.start()

    def add(self, words: Iterable[Word]) -> None:
        """Words of a new commit (called from the transcriber's thread)."""
        with self._lock:
            self._words.extend(words)
        self._wake.set()

    def close(self) -> None:
        """Stop judging; a pass under way finishes in the background."""
        self._closed = True
        self._wake.set()

    @property
    def judged_words(self) -> int:
        return self._judged

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            with self._lock:
                words = tuple(self._words)
            if len(words) <= self._judged:
                continue
            transcript = Transcript(text=join_words(words), words=words)
            try:
                point_evidence(self._question, build_answer(transcript))
            except Exception:  # noqa: BLE001 - a failed pre-pass only costs time at Stop
                log.exception("live judging failed; the answer is judged at Stop instead")
                return
            self._judged = len(words)
