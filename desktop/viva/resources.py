"""Where Viva's read-only resources live: source tree, installed wheel or a frozen bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundle_dir() -> Path | None:
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) if base else None


def _first_existing(candidates: list[Path]) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def builtin_bank_dir() -> Path:
    """The read-only question bank shipped with Viva.

    ``VIVA_BUILTIN_BANK`` overrides it; a PyInstaller bundle carries it as ``questions/``; a
    source checkout (editable install) has it at the repository root; a wheel has a copy in
    ``viva/data/questions``.
    """
    override = os.environ.get("VIVA_BUILTIN_BANK")
    if override:
        return Path(override)
    candidates: list[Path] = []
    bundle = _bundle_dir()
    if bundle:
        candidates.append(bundle / "questions")
    candidates += [_PACKAGE_DIR.parent.parent / "questions", _PACKAGE_DIR / "data" / "questions"]
    return _first_existing(candidates)


def assets_dir() -> Path:
    """Icons and other static assets."""
    candidates: list[Path] = []
    bundle = _bundle_dir()
    if bundle:
        candidates.append(bundle / "assets")
    candidates += [_PACKAGE_DIR.parent.parent / "assets", _PACKAGE_DIR / "data" / "assets"]
    return _first_existing(candidates)
