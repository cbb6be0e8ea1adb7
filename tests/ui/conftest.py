"""UI fixtures: a window over real services, and checks that nothing is left running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

UI_DATA = Path(__file__).resolve().parent / "data"

#: The offscreen platform plugin says this whenever a window is shown; it is not our bug.
QT_LOG_IGNORE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


class NoDevices:
    """A sounddevice stand-in for a machine without any audio device (cannot be set up here:
    the virtual devices are global to the test session)."""

    class PortAudioError(Exception):
        pass

    class _Default:
        device = (-1, -1)

    default = _Default()

    def query_devices(self, *args: Any, **kwargs: Any) -> list[Any]:
        if args or kwargs:
            raise self.PortAudioError("Error querying device -1")
        return []

    def query_hostapis(self) -> list[Any]:
        return []


@pytest.fixture
def test_bank() -> Any:
    from viva.bank import load_bank

    bank = load_bank([UI_DATA])
    assert len(bank) == 3
    assert not bank.errors
    return bank


@pytest.fixture
def make_window(qtbot: Any, test_bank: Any) -> Iterator[Callable[..., Any]]:
    """make_window(**services_kwargs) -> MainWindow with the test bank loaded."""
    from PySide6.QtCore import QThreadPool

    from viva.app.services import Services
    from viva.settings import Settings
    from viva.ui.main_window import MainWindow

    windows: list[Any] = []

    def _make(settings: Settings | None = None, **kwargs: Any) -> Any:
        settings = settings or Settings(mic_checked=True)
        kwargs.setdefault("bank_loader", lambda: test_bank)
        # The second transcription pass after each spoken answer (tests/ui/test_refine.py)
        # would change the shown attempt under other tests' feet a few seconds later.
        kwargs.setdefault("refine", False)
        services = Services(settings, **kwargs)
        window = MainWindow(services)
        with qtbot.waitSignal(window.bank_loaded, timeout=20_000):
            window.show()
        windows.append(window)
        return window

    yield _make
    for window in windows:
        # Nothing may be left running: recordings stopped, jobs done, timers idle.
        window.close()
        qtbot.waitUntil(lambda w=window: not w.jobs.busy, timeout=60_000)
        for key in ("practice", "mock", "settings"):
            view = window._views.get(key)
            if view is not None and hasattr(view, "recorder"):
                qtbot.waitUntil(lambda v=view: not v.recorder.recording, timeout=30_000)
        from PySide6.QtCore import QTimer

        active = [t.objectName() or repr(t) for t in window.findChildren(QTimer) if t.isActive()]
        assert not active, f"dangling timers: {active}"
        window.deleteLater()
    qtbot.waitUntil(lambda: QThreadPool.globalInstance().activeThreadCount() == 0, timeout=60_000)
