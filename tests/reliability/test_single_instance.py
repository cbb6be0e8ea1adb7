"""Only one app instance writes to a data folder: a second one finds the first and asks it to
come to the front (real local sockets)."""

from __future__ import annotations

import uuid

import pytest

pytest.importorskip("PySide6.QtNetwork")

from viva.ui.app import SingleInstance  # noqa: E402

pytestmark = pytest.mark.gui


def test_second_instance_finds_the_first_and_brings_it_to_front(qtbot) -> None:  # type: ignore[no-untyped-def]
    name = f"viva-test-{uuid.uuid4().hex[:12]}"
    first = SingleInstance(name)
    second = SingleInstance(name)
    try:
        assert first.claim()
        assert not second.claim()
        with qtbot.waitSignal(first.show_requested, timeout=5000):
            assert second.ask_to_show()
    finally:
        first.release()
        second.release()
    # The first has gone (or crashed): the next one takes over.
    third = SingleInstance(name)
    try:
        assert third.claim()
    finally:
        third.release()


def test_the_name_follows_the_data_folder(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("VIVA_DATA_DIR", str(tmp_path / "a"))
    a = SingleInstance().name
    monkeypatch.setenv("VIVA_DATA_DIR", str(tmp_path / "b"))
    assert SingleInstance().name != a


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_second_window_asks_and_shows_the_first(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The dialog a second `viva` shows: it names the problem, Yes brings the first window to
    the front, and the second exits 0 without opening a window of its own."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from viva.ui.app import _another_instance_runs

    name = f"viva-test-{uuid.uuid4().hex[:12]}"
    first = SingleInstance(name)
    second = SingleInstance(name)
    seen: dict[str, str] = {}

    def answer_yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, answer_yes)
            return
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    try:
        assert first.claim()
        assert not second.claim()
        QTimer.singleShot(50, answer_yes)
        with qtbot.waitSignal(first.show_requested, timeout=10_000):
            assert _another_instance_runs(second) == 0
    finally:
        first.release()
        second.release()
    assert seen["title"] == "Viva is already open"
    assert "only one window at a time" in seen["text"]
    assert "Show that window?" in seen["text"]
