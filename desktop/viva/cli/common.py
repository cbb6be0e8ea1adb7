"""What every command module of the ``viva`` command shares: exit codes, the user-facing error,
the ``--bank`` option. (Its own module, so the command modules and ``viva.cli`` do not import
each other.)"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing error: printed as ``viva: error: <message>`` with exit code 2."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _existing_path(value: str) -> Path:
    """A ``--bank`` path that exists (a mistyped folder is an error, not an empty bank)."""
    path = Path(value).expanduser()
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file or folder: {value}")
    return path


def add_bank_option(parser: argparse.ArgumentParser) -> None:
    """``--bank DIR`` (repeatable): read every *.yaml under DIR instead of the default bank."""
    parser.add_argument(
        "--bank",
        type=_existing_path,
        action="append",
        metavar="DIR",
        help="read every *.yaml under DIR instead of the built-in and your own banks (repeatable)",
    )


def did_you_mean(wanted: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known id closest to a mistyped one, else ``""``."""
    from rapidfuzz import fuzz, process

    choices = list(known)
    if wanted in choices:
        return ""
    lowered = {c.lower(): c for c in choices}
    if wanted.lower() in lowered:
        return f" (did you mean {lowered[wanted.lower()]!r}?)"
    best = process.extractOne(wanted.lower(), choices, scorer=fuzz.ratio, score_cutoff=80)
    return f" (did you mean {best[0]!r}?)" if best else ""


class TerminalProgress:
    """Progress of a slow command on one rewritten line of stderr ("Loading the speech
    model…", "Transcribing 28 s of audio: 40 %"), only when stderr is a terminal: pipes,
    scripts and logs get nothing."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()

    def note(self, text: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K{text}")
            sys.stderr.flush()

    def fraction(self, label: str) -> Callable[[float], None]:
        """A ``progress(fraction)`` callback that shows ``label: NN %``."""
        return lambda done: self.note(f"{label}: {min(max(done, 0.0), 1.0):.0%}")

    def clear(self) -> None:
        self.note("")
