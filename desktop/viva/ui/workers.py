"""Background work for the GUI: one-shot jobs on a QThreadPool, long loops in a QThread.

Core code reports progress through plain callbacks; these classes turn them into Qt signals, so
only GUI-thread slots touch widgets. Nothing here blocks the GUI thread: the window defers
closing until :class:`JobRunner` reports that every job has finished.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from viva.settings import Settings
from viva.ui.errors import user_message

log = logging.getLogger(__name__)


class CancelToken:
    """Set by the GUI to ask a job to stop; jobs check it between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class JobCancelled(Exception):
    """Raised inside a job's function when its token was cancelled."""


JobFn = Callable[[Callable[[float], None], CancelToken], Any]


def stop_when_cancelled(token: CancelToken) -> Callable[[float], None]:
    """A progress callback for core work that reports between steps (chunks): it raises
    JobCancelled there once ``token`` is cancelled, so the job stops at the next step."""

    def check(_fraction: float) -> None:
        if token.cancelled:
            raise JobCancelled

    return check


def discard_result(fn: Callable[[], None]) -> Callable[[Any], None]:
    """An ``on_success`` handler for a job whose result does not matter."""
    return lambda _result: fn()


class _Result:
    """Wraps a job's result: PySide6 mis-counts references when ``None`` goes through a
    ``Signal(object)`` (a crash on Python < 3.12), so results never travel bare."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class JobSignals(QObject):
    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()


class Job(QRunnable):
    """Run ``fn(progress, token)`` on the pool; its result or error comes back as a signal."""

    def __init__(self, name: str, fn: JobFn) -> None:
        super().__init__()
        self.name = name
        self.fn = fn
        self.token = CancelToken()
        self.signals = JobSignals()
        self.setAutoDelete(False)  # the runner keeps it until ``done``

    def run(self) -> None:
        started = time.perf_counter()
        try:
            result = self.fn(self.signals.progressed.emit, self.token)
        except JobCancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - any worker error must reach the user
            log.error("job %s failed:\n%s", self.name, traceback.format_exc())
            self.signals.failed.emit(user_message(exc))
        else:
            log.debug("job %s finished in %.3f s", self.name, time.perf_counter() - started)
            self.signals.succeeded.emit(_Result(result))
        finally:
            self.signals.done.emit()


class JobRunner(QObject):
    """Starts jobs and knows which are still running (for closeEvent and the tests).

    Warm-ups (``background=True``) run on a pool of their own, so work the user waits for
    (loading the bank after an edit, scoring, saving) never queues behind them: on two cores
    the shared pool has two threads, and the voice and scorer warm-ups take seconds.
    """

    idle = Signal()

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self.background_pool = QThreadPool(self)
        self.background_pool.setMaxThreadCount(2)
        self._active: list[Job] = []

    def start(
        self,
        name: str,
        fn: JobFn,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        on_progress: Callable[[float], None] | None = None,
        background: bool = False,
    ) -> Job:
        job = Job(name, fn)
        if on_success is not None:
            job.signals.succeeded.connect(lambda box, fn=on_success: fn(box.value))
        if on_error is not None:
            job.signals.failed.connect(on_error)
        if on_progress is not None:
            job.signals.progressed.connect(on_progress)
        job.signals.done.connect(lambda job=job: self._on_job_done(job))
        self._active.append(job)
        (self.background_pool if background else self.pool).start(job)
        return job

    def save_settings(
        self, settings: Settings, name: str, on_error: Callable[[str], None] | None = None
    ) -> Job:
        """Write a copy of ``settings`` as they are now, off the GUI thread (a later change
        to the live object does not race the write)."""
        snapshot = settings.model_copy()
        return self.start(name, lambda _p, _t: snapshot.save(), on_error=on_error)

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def active_names(self) -> list[str]:
        return [job.name for job in self._active]

    def cancel_all(self) -> None:
        for job in self._active:
            job.token.cancel()

    def _on_job_done(self, job: Job) -> None:
        if job in self._active:
            self._active.remove(job)
        if not self._active:
            self.idle.emit()


# --- the recording loop --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecordingResult:
    """What a finished recording produced: the audio file and the final transcript."""

    path: Path
    duration_s: float
    transcript: Any  # viva.speech.transcript.Transcript
    stop_to_transcript_s: float


class RecordingWorker(QObject):
    """Drives a recorder and a live transcriber on its own QThread.

    The recorder's ``on_chunk`` hook only queues the block; this loop feeds the live
    transcriber, measures the level and emits the partial text. ``stop()`` may be called from
    the GUI thread; the loop then stops the recorder, finishes the transcript and emits
    ``recorded`` (or ``failed``).
    """

    level_changed = Signal(float)
    partial_changed = Signal(str)
    started_recording = Signal(str)
    recorded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        make_recorder: Callable[[Callable[[np.ndarray], None]], Any],
        make_live: Callable[[Callable[[Any], None], Callable[[Any], None]], Any] | None,
        path: Path | None = None,
    ) -> None:
        super().__init__()
        self._make_recorder = make_recorder
        self._make_live = make_live
        self._path = path
        self._chunks: queue.Queue[np.ndarray] = queue.Queue()
        self._stop = threading.Event()
        self._stop_time: float | None = None
        self._committed = ""
        self._live: Any = None

    @Slot()
    def stop(self) -> None:
        if not self._stop.is_set():
            self._stop_time = time.perf_counter()
            self._stop.set()
            live = self._live
            if live is not None:
                # No display decode may start while the device drains and the file is
                # finished (0.06-0.16 s): finish() would have to wait for it.
                live.announce_finish()

    def _on_partial(self, partial: Any) -> None:
        # viva.speech.live.Partial: committed text plus the tentative tail (worker thread).
        text = getattr(partial, "text", None)
        self.partial_changed.emit(text if isinstance(text, str) else str(partial))

    def _on_commit(self, commit: Any) -> None:
        committed = getattr(self._live, "committed_text", None)
        if isinstance(committed, str):
            self._committed = committed  # a revising transcriber may have changed earlier text
        else:
            text = str(getattr(commit, "text", commit)).strip()
            self._committed = " ".join(t for t in (self._committed, text) if t)
        self.partial_changed.emit(self._committed)

    @Slot()
    def run(self) -> None:
        recorder = None
        try:
            live = self._make_live(self._on_partial, self._on_commit) if self._make_live else None
            self._live = live
            if live is not None and self._stop.is_set():
                live.announce_finish()  # Stop came while the transcriber was being made
            recorder = self._make_recorder(self._chunks.put)
            path = recorder.start(self._path)
            self.started_recording.emit(str(path))
            while not self._stop.is_set():
                self._drain(live, timeout=0.05)
            closing = time.perf_counter()
            recording = recorder.stop()
            recorder = None
            log.info("recorder closed in %.2f s", time.perf_counter() - closing)
            self._drain(live, timeout=0.0)
            transcript = live.finish() if live is not None else None
            stop_s = time.perf_counter() - (self._stop_time or time.perf_counter())
            self.recorded.emit(
                RecordingResult(
                    path=Path(recording.path),
                    duration_s=float(recording.duration_s),
                    transcript=transcript,
                    stop_to_transcript_s=stop_s,
                )
            )
        except Exception as exc:  # noqa: BLE001 - every recording error must reach the user
            log.error("recording failed:\n%s", traceback.format_exc())
            if recorder is not None:
                self._stop_quietly(recorder)
            self.failed.emit(user_message(exc))
        finally:
            self.finished.emit()

    def _drain(self, live: Any, timeout: float) -> None:
        try:
            chunk = self._chunks.get(timeout=timeout) if timeout else self._chunks.get_nowait()
        except queue.Empty:
            return
        blocks = [chunk]
        while True:
            try:
                blocks.append(self._chunks.get_nowait())
            except queue.Empty:
                break
        data = np.concatenate([np.asarray(b, dtype=np.float32).reshape(-1) for b in blocks])
        if data.size:
            self.level_changed.emit(float(min(1.0, np.sqrt(np.mean(data * data)) * 4.0)))
        if live is not None:
            live.feed(data)

    @staticmethod
    def _stop_quietly(recorder: Any) -> None:
        try:
            recorder.stop()
        except Exception as exc:  # noqa: BLE001 - already reporting the first error
            log.warning("stopping the recorder after an error also failed: %s", exc)


class RecordingThread(QObject):
    """Owns a QThread running a RecordingWorker, wired the documented way."""

    finished = Signal()

    def __init__(self, worker: RecordingWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self._thread = QThread()
        self._thread.setObjectName("viva-recording")
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        worker.finished.connect(self._thread.quit)
        worker.finished.connect(worker.deleteLater)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.worker.stop()

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    @Slot()
    def _on_thread_finished(self) -> None:
        # QThread.finished is emitted from the thread before it has exited: it still deletes
        # the worker (worker.deleteLater), which takes the GIL. Deleting the QThread now would
        # make ~QThread wait for that exit on this thread while it holds the GIL, and the two
        # threads would wait for each other for ever (seen once in CI, the smoke test under
        # strace). wait() releases the GIL, lets the thread finish, and returns at once after.
        self._thread.wait()
        self._thread.deleteLater()
        self.finished.emit()
