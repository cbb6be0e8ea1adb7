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
