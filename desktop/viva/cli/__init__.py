"""The ``viva`` command line: a public contract (see the README and the issues).

Each command group lives in its own module with a ``register(subparsers)`` function; handlers
return the process exit code. Exit codes: 0 success, 1 a check failed (e.g. an invalid bank),
2 bad input (unknown id, unreadable audio, usage errors).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from viva import __version__

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A user-facing error: printed as ``viva: error: <message>`` with exit code 2."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def add_bank_option(parser: argparse.ArgumentParser) -> None:
    """``--bank DIR`` (repeatable): read every *.yaml under DIR instead of the default bank."""
    parser.add_argument(
        "--bank",
        type=Path,
        action="append",
        metavar="DIR",
        help="read every *.yaml under DIR instead of the built-in and your own banks (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    from viva.cli import bank, history, score, speech

    parser = argparse.ArgumentParser(
        prog="viva",
        description="Offline spoken interview practice. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"viva {__version__}")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="start the real app offscreen, run one scripted practice round and exit",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep all data, settings and caches below DIR (portable use, tests)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (bank, speech, score, history):
        module.register(sub)
    return parser


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    if args.data_dir:
        from viva.storage.paths import set_base_dir

        set_base_dir(args.data_dir)
    try:
        if args.smoke_test:
            from viva.ui.smoke import run_smoke_test

            return run_smoke_test()
        if args.command is None:
            from viva.ui.app import run_app

            return run_app()
        return int(args.func(args))
    except CliError as exc:
        print(f"viva: error: {exc}", file=sys.stderr)  # noqa: T201
        return exc.code
    except KeyboardInterrupt:
        print("viva: interrupted", file=sys.stderr)  # noqa: T201
        return 130
