"""What the store and its save queue share: the store's errors, times as stored, plain values.

Its own module so that the queue (``savequeue``) and the store (``store``) do not import each
other."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any


class StoreError(Exception):
    """The store cannot do what was asked; ``user_message`` says what to do."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class StoreBusy(StoreError):
    """Another process kept the history's write lock longer than we could wait."""


class AttemptNotFound(StoreError):
    """No attempt with that id."""


class SessionNotFound(StoreError):
    """No session with that id."""


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    """The stored form of a time: UTC, microseconds, sortable as text."""
    return dt.astimezone(timezone.utc).isoformat(timespec="microseconds")


def as_dict(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "to_dict"):
        return dict(value.to_dict())
    if hasattr(value, "model_dump"):
        return dict(value.model_dump(mode="json"))
    raise TypeError(f"{what} must be a mapping or have to_dict(), got {type(value).__name__}")
