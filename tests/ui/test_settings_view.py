"""Settings view: English voices by default, live theme preview; no literal '&' in labels."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from tests.ui.conftest import QT_LOG_IGNORE, NoDevices

pytestmark = [pytest.mark.gui, QT_LOG_IGNORE]

VOICES = [
    ("natural", "Joe, natural (US English)", "en-us"),
    ("gmw/af", "Afrikaans", "af"),
    ("gmw/en-us", "English (America)", "en-us"),
    ("gmw/en", "English (Great Britain)", "en-gb"),
    ("roa/fr", "French (France)", "fr-fr"),
]


def test_voice_list_is_english_unless_asked(qtbot: Any, make_window: Any) -> None:
    from viva.ui.settings_dialog import is_english_voice

    window = make_window(sd_module=NoDevices())
    view = window.view("settings")
    view._on_devices(([], [], VOICES))
    names = [view.voice_box.itemText(i) for i in range(view.voice_box.count())]
    assert names == [
        "Default (natural voice)",
        "Joe, natural (US English)",
        "English (America)",
        "English (Great Britain)",
    ]
    view.all_voices_check.setChecked(True)
    assert view.voice_box.count() == 1 + len(VOICES)
    assert is_english_voice("gmw/en-gb-x-rp", "English (Received Pronunciation)")
    assert not is_english_voice("roa/fr", "French (France)", "fr-fr")


def test_theme_previews_live_and_reverts_unless_saved(
    qtbot: Any, qapp: Any, make_window: Any
) -> None:
    from viva.ui.app import apply_theme

    style, palette = qapp.style().name(), qapp.palette()
    apply_theme(qapp, "light")
    try:
        window = make_window(sd_module=NoDevices())
        view = window.show_view("settings")
        view.theme_box.setCurrentIndex(view.theme_box.findData("dark"))
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 128
        window.show_view("practice")  # left without saving: back to the saved theme
        assert view.theme_box.currentData() == window.services.settings.theme
    finally:
        qapp.setStyle(style)
        qapp.setPalette(palette)


def test_no_label_shows_a_literal_ampersand(qtbot: Any, make_window: Any) -> None:
    window = make_window(sd_module=NoDevices())
    for key in ("practice", "mock", "review", "progress", "bank", "settings"):
        window.view(key)
    literal = [
        label.text()
        for label in window.findChildren(QLabel)
        if "&" in label.text().replace("&&", "")
        and label.buddy() is None
        and label.textFormat().name != "RichText"
    ]
    assert not literal
    assert QApplication.applicationDisplayName() not in window.windowTitle()


def test_the_second_transcription_pass_follows_its_setting(qtbot: Any, make_window: Any) -> None:
    window = make_window(sd_module=NoDevices(), refine=True)
    view = window.show_view("settings")
    assert view.refine_check.isChecked()  # on by default
    assert window.services.refine
    view.refine_check.setChecked(False)
    with qtbot.waitSignal(view.settings_saved, timeout=5_000):
        view.save()
    assert not window.services.settings.refine_transcripts
    assert not window.services.refine  # Practice and the next mock interview skip it
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)  # the file is written
    view.load_values(window.services.settings)
    assert not view.refine_check.isChecked()


def test_refinement_stays_off_where_the_services_forbid_it(qtbot: Any, make_window: Any) -> None:
    window = make_window(sd_module=NoDevices())  # the UI tests' default: refine=False
    assert window.services.settings.refine_transcripts
    assert not window.services.refine


def test_a_folder_that_is_no_model_is_said_at_once_and_not_saved(
    qtbot: Any, make_window: Any, tmp_path: Any
) -> None:
    """Picking a folder without a model says so under the field; Save refuses it (saving
    switched speech recognition off), and a good Save says it worked."""
    window = make_window(sd_module=NoDevices())
    view = window.show_view("settings")
    folder = tmp_path / "notamodel"
    folder.mkdir()
    view.model_edit.setText(str(folder))
    assert "incomplete" in view.model_note.text()
    assert "model.bin" in view.model_note.text()
    view.save()
    assert "Settings were not saved" in window.banner.text()
    assert window.services.settings.model_dir is None
    assert view.saved_note.text() == ""
    qtbot.mouseClick(view.builtin_button, Qt.MouseButton.LeftButton)
    assert view.model_note.text() == ""
    with qtbot.waitSignal(view.settings_saved, timeout=5_000):
        view.save()
    assert view.saved_note.text().startswith("\u2714 Saved")
    qtbot.waitUntil(lambda: not window.jobs.busy, timeout=10_000)
