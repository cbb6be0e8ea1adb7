"""Every place Viva writes to, in one module, over platformdirs.

platformdirs honours the XDG base directories on Linux, so ``XDG_DATA_HOME`` /
``XDG_CONFIG_HOME`` / ``XDG_CACHE_HOME`` move the store. ``VIVA_DATA_DIR`` (or
:func:`set_base_dir`, used by ``--data-dir``) redirects all of them below one folder, for tests and
portable use.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "viva"

_base_override: Path | None = None


def set_base_dir(path: str | os.PathLike[str] | None) -> None:
    """Put data, config, cache and logs below ``path`` (``None`` restores the defaults)."""
    global _base_override
    _base_override = Path(path).expanduser().resolve() if path else None


def _base() -> Path | None:
    if _base_override is not None:
        return _base_override
    env = os.environ.get("VIVA_DATA_DIR")
    return Path(env).expanduser().resolve() if env else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """User data: the attempts database, recordings, user banks."""
    base = _base()
    return _ensure(base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME)))


def config_dir() -> Path:
    """Settings."""
    base = _base()
    return _ensure(base / "config" if base else Path(platformdirs.user_config_dir(APP_NAME)))


def cache_dir() -> Path:
    """Disposable files: synthesised speech, model caches."""
    base = _base()
    return _ensure(base / "cache" if base else Path(platformdirs.user_cache_dir(APP_NAME)))


def log_dir() -> Path:
    """Log files."""
    base = _base()
    return _ensure(base / "log" if base else Path(platformdirs.user_log_dir(APP_NAME)))


def recordings_dir() -> Path:
    """Audio of answers, streamed here while it is captured."""
    return _ensure(data_dir() / "recordings")


def user_bank_dir() -> Path:
    """The user's own question banks (layered over the built-in one)."""
    return _ensure(data_dir() / "banks")


def database_path() -> Path:
    """The SQLite attempts store."""
    return data_dir() / "viva.sqlite3"


def settings_path() -> Path:
    """The typed settings file (JSON)."""
    return config_dir() / "settings.json"
