"""Work-arounds for known bugs of the Qt binding in use.

PySide6/shiboken6 6.12.0 on Python < 3.12 drops one reference to ``None`` on every call of a
C++ method returning ``void`` (``setText``, ``processEvents``...). Python 3.12 made ``None``
immortal, so it only bites older Pythons, where the app aborts after some thousand calls with
"none_dealloc: deallocating None". Measured here: 6.12.0 loses 1 reference per call, 6.11.3 none.
The fix is to avoid that release (``pyside6-essentials != 6.12.0``); until then a daemon thread
keeps a reserve of references to ``None`` topped up so the count never reaches zero.
"""

from __future__ import annotations

import logging
import sys
import threading

log = logging.getLogger(__name__)

_LOW_WATER = 2_000_000
_TOP_UP = 4_000_000
_reserve: list[None] = []
_started = False


def _affected() -> bool:
    if sys.version_info >= (3, 12):
        return False
    try:
        import shiboken6
    except ImportError:
        return False
    return str(getattr(shiboken6, "__version__", "")).startswith("6.12.0")


def _top_up() -> None:
    if sys.getrefcount(None) < _LOW_WATER:
        _reserve.extend([None] * _TOP_UP)


def _guard_loop(stop: threading.Event) -> None:
    while not stop.wait(0.2):
        _top_up()


def install_none_refcount_guard() -> bool:
    """Start the guard if this binding has the bug. Returns True if it was needed."""
    global _started
    if _started or not _affected():
        return _started
    _started = True
    _top_up()
    thread = threading.Thread(
        target=_guard_loop, args=(threading.Event(),), name="viva-none-guard", daemon=True
    )
    thread.start()
    log.warning(
        "PySide6 6.12.0 on Python %d.%d leaks references to None; a guard keeps the app alive. "
        "Install another PySide6 release (pyside6-essentials != 6.12.0).",
        *sys.version_info[:2],
    )
    return True
