"""Turn any exception into a sentence that says what happened and what to do."""

from __future__ import annotations

import sqlite3


def user_message(exc: BaseException) -> str:
    """The text the banner shows for ``exc`` (the traceback goes to the log)."""
    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:
        return message
    if isinstance(exc, sqlite3.Error):
        return (
            f"Your practice history could not be read or written ({exc}). "
            "Check free disk space; restart Viva if it persists."
        )
    if isinstance(exc, TimeoutError):
        return (
            f"Viva gave up waiting ({exc}): the computer is very busy. Close other heavy "
            "programs and try again; your recording is kept and can be scored from Review."
        )
    if isinstance(exc, PermissionError):
        return f"Viva is not allowed to use {exc.filename}. Check the folder's permissions."
    if isinstance(exc, FileNotFoundError):
        return f"The file {exc.filename} does not exist. Choose another one."
    if isinstance(exc, OSError):
        return f"A file operation failed ({exc}). Check free disk space and permissions."
    if isinstance(exc, MemoryError):
        return "Viva ran out of memory. Close other programs and try again."
    return (
        f"Something unexpected went wrong ({type(exc).__name__}: {exc}). "
        "Try again; the log file has the details."
    )
