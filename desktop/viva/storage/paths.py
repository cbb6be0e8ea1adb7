"""Every place Viva writes to, in one module, over platformdirs.

platformdirs honours the XDG base directories on Linux, so ``XDG_DATA_HOME`` /
``XDG_CONFIG_HOME`` / ``XDG_CACHE_HOME`` move the store. ``VIVA_DATA_DIR`` (or
:func:`set_base_dir`, used by ``--data-dir``) redirects all of them below one folder, for tests and
portable use.
"""

from __future__ import annotations

import errno
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


class DataFolderError(OSError):
    """A folder Viva needs cannot be created or used; ``user_message`` says what to do."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror, str(path))
        blocker = next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            self.user_message = (
                f"Viva cannot use the folder {path}: {blocker} is a file, not a folder. Move "
                "that file away, or choose another data folder with --data-dir or VIVA_DATA_DIR."
            )
        elif cause.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            self.user_message = (
                f"Viva cannot create the folder {path}: its parent is read-only or not yours "
                f"({cause.strerror or cause}). Make it writable, or choose another data folder "
                "with --data-dir or VIVA_DATA_DIR."
            )
        else:
            self.user_message = (
                f"Viva cannot create the folder {path} ({cause.strerror or cause}). Check the "
                "permissions and free space of its parent folder, or choose another data "
                "folder with --data-dir or VIVA_DATA_DIR."
            )


def _ensure(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFolderError(path, exc) from exc
    if not path.is_dir():
        raise DataFolderError(path, FileExistsError(17, "not a folder", str(path)))
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
