"""The job runner: work the user waits for never queues behind the start-up warm-ups."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QThreadPool

from viva.ui.workers import JobRunner


def test_foreground_job_runs_while_warm_ups_hold_their_threads(qtbot: Any) -> None:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)  # as tight as it gets: one thread for the user's work
    runner = JobRunner(pool=pool)
    release = threading.Event()
    results: list[str] = []

    for name in ("voice-warm-up", "scorer-warm-up"):
        runner.start(name, lambda _p, _t: release.wait(30), background=True)
    runner.start("bank", lambda _p, _t: "loaded", on_success=results.append)
    try:
        qtbot.waitUntil(lambda: results == ["loaded"], timeout=5_000)
        assert set(runner.active_names()) == {"voice-warm-up", "scorer-warm-up"}
    finally:
        release.set()
    with qtbot.waitSignal(runner.idle, timeout=10_000):
        pass
    assert not runner.busy


def test_background_job_errors_still_reach_the_user(qtbot: Any) -> None:
    runner = JobRunner(pool=QThreadPool())
    errors: list[str] = []

    def fail(_p: Any, _t: Any) -> None:
        raise OSError("disk full")

    with qtbot.waitSignal(runner.idle, timeout=10_000):
        runner.start("scorer-warm-up", fail, on_error=errors.append, background=True)
    assert len(errors) == 1
    assert errors[0]
