"""Qt-free question bank: schema, loading, validation and Markdown import."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from viva.bank.loader import Bank, Problem, load_bank, load_file
from viva.bank.models import KeyPoint, Question

__all__ = [
    "Bank",
    "BankError",
    "KeyPoint",
    "Problem",
    "Question",
    "load_bank",
    "load_builtin_bank",
    "load_file",
    "open_bank",
]


class BankError(Exception):
    """A bank could not be used (e.g. an unknown question id)."""


def load_builtin_bank() -> Bank:
    """The read-only bank shipped with Viva; content rules are errors for it."""
    from viva.resources import builtin_bank_dir

    return load_bank([builtin_bank_dir()], strict=True)


def open_bank(bank_dirs: Sequence[Path] | None = None, *, include_user: bool = True) -> Bank:
    """The bank a command or the app works with.

    With ``bank_dirs`` (``--bank DIR``) only those folders are read. Otherwise the built-in bank,
    with the user's own banks layered on top (same id: the user's question wins).
    """
    if bank_dirs:
        return load_bank(bank_dirs)
    bank = load_builtin_bank()
    if include_user:
        from viva.storage.paths import user_bank_dir

        user_dir = user_bank_dir()
        if any(user_dir.rglob("*.y*ml")):
            bank = bank.merged_with(load_bank([user_dir]))
    return bank
