"""Judge an answer while it is spoken, so that at Stop only its tail is left to judge.

The live transcriber commits stretches of final text with word times every few seconds. A
:class:`LiveJudge` collects them and, on a background thread, runs the coverage judge over the
answer so far. The judge caches every (key point, window) it has read, and the windows of the
final transcript are the same words, so scoring after Stop only judges the windows the last
commit changed.

A pass runs inside onnxruntime and tokenizers with the GIL released. A daemon thread still in
there when the interpreter shuts down is killed as it takes the GIL back, and the unwinding
through their C++ frames aborts the process ("terminate called without an active exception",
exit status 134, after the app had closed normally). So every judge is closed, and its pass
waited for, at interpreter exit: :func:`close_all`.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Iterable

from viva.bank.models import Question
from viva.scoring.decision import point_evidence
from viva.scoring.text import build_answer
from viva.speech.transcript import Transcript, Word, join_words

log = logging.getLogger(__name__)

#: Judges whose thread may still run (the thread holds its judge until it returns).
_OPEN: weakref.WeakSet[LiveJudge] = weakref.WeakSet()
#: How long the interpreter's exit waits for passes under way (one pass takes 0.1-3 s).
EXIT_WAIT_S = 30.0


class LiveJudge:
    """Background judging of a growing answer; one pass at a time, always on the latest words."""

    def __init__(self, question: Question) -> None:
        self._question = question
        self._words: list[Word] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._judged: tuple[Word, ...] = ()  # the words of the last finished pass
        self._thread = threading.Thread(target=self._run, name="live-judge", daemon=True)
        _OPEN.add(self)
        self._thread.start()

    def add(self, words: Iterable[Word]) -> None:
        """Words of a new commit (called from the transcriber's thread)."""
        with self._lock:
            self._words.extend(words)
        self._wake.set()

    def update(self, words: Iterable[Word]) -> None:
        """All committed words so far, replacing what it had (a live transcriber that revises
        an earlier commit; called from the transcriber's thread)."""
        with self._lock:
            self._words = list(words)
        self._wake.set()

    def close(self) -> None:
        """Stop judging; a pass under way finishes in the background."""
        self._closed = True
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to return (after :meth:`close`); True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def judged_words(self) -> int:
        return len(self._judged)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._closed:
                return
            with self._lock:
                words = tuple(self._words)
            if words == self._judged:
                continue
            transcript = Transcript(text=join_words(words), words=words)
            try:
                point_evidence(self._question, build_answer(transcript))
            except Exception:  # noqa: BLE001 - a failed pre-pass only costs time at Stop
                log.exception("live judging failed; the answer is judged at Stop instead")
                return
            self._judged = words


def close_all(timeout: float = EXIT_WAIT_S) -> bool:
    """Close every live judge and wait up to ``timeout`` s for their passes to end.

    Registered with :mod:`atexit`; True when no judging thread is left.
    """
    judges = list(_OPEN)
    for judge in judges:
        judge.close()
    deadline = time.monotonic() + timeout
    done = True
    for judge in judges:
        if not judge.join(max(0.0, deadline - time.monotonic())):
            log.warning("a live judging pass was still running %.0f s after exit began", timeout)
            done = False
    return done


atexit.register(close_all)
