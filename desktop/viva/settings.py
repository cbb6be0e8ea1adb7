"""The user's settings: one typed pydantic object, saved as JSON at ``paths.settings_path()``.

Qt-free, so the CLI and the app read the same file. A file that cannot be read or fails
validation is copied to ``settings.json.bak`` and replaced by defaults; the reason is kept in
:attr:`Settings.load_notice` so the app can tell the user.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from viva.scoring.lexicon import FILLER_WORDS

log = logging.getLogger(__name__)

Theme = Literal["light", "dark", "system"]

#: Fillers counted by default (lower case; multi-word fillers allowed): the one filler list,
#: kept in the scoring lexicon (viva/data/lexicon.yaml).
DEFAULT_FILLERS: tuple[str, ...] = FILLER_WORDS

#: Answer languages Whisper's multilingual models handle well; ``en`` suits the tiny.en default.
LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "nl", "pt", "pl")


class Settings(BaseModel):
    """Everything the user can change in Settings. Unknown keys are rejected (typos surface)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    input_device: str | None = None
    output_device: str | None = None
    voice: str | None = None
    rate: int = Field(default=170, ge=80, le=400, description="speech rate, words per minute")
    model_dir: str | None = Field(default=None, description="None: the built-in Whisper model")
    language: str = "en"
    fillers: list[str] = Field(default_factory=lambda: list(DEFAULT_FILLERS))
    theme: Theme = "system"
    mic_checked: bool = False
    text_only: bool = False
    thinking_seconds: int = Field(default=10, ge=0, le=300)
    answer_limit_seconds: int = Field(default=120, ge=15, le=900)
    mock_questions: int = Field(default=5, ge=1, le=30)
    follow_ups: bool = Field(
        default=True, description="mock interviews ask a follow-up on missed points"
    )
    refine_transcripts: bool = Field(
        default=True,
        description="transcribe each spoken answer again, more carefully, after its feedback",
    )

    _notice: str | None = PrivateAttr(default=None)

    @field_validator("fillers")
    @classmethod
    def _clean_fillers(cls, value: list[str]) -> list[str]:
        seen: list[str] = []
        for item in value:
            word = " ".join(item.lower().split())
            if word and word not in seen:
                seen.append(word)
        return seen

    @field_validator("language")
    @classmethod
    def _language_code(cls, value: str) -> str:
        code = value.strip().lower()
        if not (2 <= len(code) <= 3 and code.isalpha()):
            raise ValueError(f"language must be a code such as 'en', got {value!r}")
        return code

    @property
    def load_notice(self) -> str | None:
        """Why the settings file was reset on load, or None."""
        return self._notice

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings file; missing → defaults; broken → ``.bak`` copy and defaults."""
        target = path or _default_path()
        if not target.exists():
            return cls()
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
            return cls.model_validate(data)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
            backup = target.with_name(target.name + ".bak")
            try:
                shutil.copy2(target, backup)
            except OSError as copy_exc:
                log.warning("could not back up %s: %s", target, copy_exc)
            log.warning("settings file %s is invalid (%s); using defaults", target, exc)
            settings = cls()
            settings._notice = (
                f"Your settings file could not be read, so defaults are used. "
                f"The old file was kept as {backup.name}; check your choices in Settings."
            )
            return settings

    def save(self, path: Path | None = None) -> Path:
        """Write atomically (temporary file, then rename). Returns the path written."""
        target = path or _default_path()
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            os.replace(tmp, target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target


def _default_path() -> Path:
    from viva.storage.paths import settings_path

    return settings_path()
