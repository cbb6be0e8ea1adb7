"""Typed settings: defaults, round trip, a broken file is kept as .bak and reset."""

from __future__ import annotations

import json

from viva.settings import DEFAULT_FILLERS, Settings
from viva.storage import paths


def test_defaults_when_no_file() -> None:
    settings = Settings.load()
    assert settings.theme == "system"
    assert settings.fillers == list(DEFAULT_FILLERS)
    assert settings.load_notice is None


def test_round_trip() -> None:
    settings = Settings(theme="dark", rate=150, fillers=["Um", "you  know", "um"], mic_checked=True)
    path = settings.save()
    assert path == paths.settings_path()
    loaded = Settings.load()
    assert loaded.theme == "dark"
    assert loaded.rate == 150
    assert loaded.fillers == ["um", "you know"]
    assert loaded.mic_checked is True


def test_broken_file_is_backed_up_and_reset() -> None:
    path = paths.settings_path()
    path.write_text(json.dumps({"theme": "purple", "rate": 170}), encoding="utf-8")
    settings = Settings.load()
    assert settings.theme == "system"
    assert "could not be read" in (settings.load_notice or "")
    backup = path.with_name(path.name + ".bak")
    assert json.loads(backup.read_text(encoding="utf-8"))["theme"] == "purple"


def test_not_json_is_backed_up_and_reset() -> None:
    path = paths.settings_path()
    path.write_text("{not json", encoding="utf-8")
    assert Settings.load().load_notice
    assert path.with_name(path.name + ".bak").read_text(encoding="utf-8") == "{not json"
