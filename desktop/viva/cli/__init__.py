"""The ``viva`` command line: a public contract (see the README and the issues).

Each command group lives in its own module with a ``register(subparsers)`` function; handlers
return the process exit code. Exit codes: 0 success, 1 a check failed (e.g. an invalid bank),
2 bad input (unknown id, unreadable audio, usage errors).
"""

from __future__ import annotations

import argparse
import errno
import json
import logging
import os
import sys
from collections.abc import Sequence

from viva import __version__
from viva.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CliError

log = logging.getLogger(__name__)


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
            missing = _display_missing()
            if missing:
                raise CliError(missing)
            from viva.ui.app import run_app

            return run_app()
        return int(args.func(args))
    except CliError as exc:
        return _fail(args, str(exc), exc.code)
    except KeyboardInterrupt:
        print("viva: interrupted", file=sys.stderr)  # noqa: T201
        return 130
    except BrokenPipeError:
        # `viva history | head`: the reader has gone, which is fine. Silence the final flush.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        message = _user_message(exc)
        if message is None:
            raise
        log.debug("command failed", exc_info=True)
        return _fail(args, message, EXIT_USAGE if _is_bad_input(exc) else EXIT_FAILED)


def _fail(args: argparse.Namespace, message: str, code: int) -> int:
    """Report a failed command: ``viva: error: ...`` on stderr and, for ``--json``, the same
    as ``{"error": ..., "exit_code": ...}`` on stdout so a script reading JSON gets JSON."""
    print(f"viva: error: {message}", file=sys.stderr)  # noqa: T201
    if getattr(args, "json", False):
        print(json.dumps({"error": message, "exit_code": code}))  # noqa: T201
    return code


def _display_missing() -> str | None:
    """Why the window cannot open here (Linux with neither X11 nor Wayland), else None.

    Without this Qt aborts with "no Qt platform plugin could be initialized. Reinstalling the
    application may fix this problem", which is wrong advice on a server over SSH.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display found: the app needs a desktop session (X11 or Wayland). The command "
        "line works without one: see viva --help"
    )


def _user_message(exc: BaseException) -> str | None:
    """The message for an error the user can act on (raised by the core), else None."""
    message = getattr(exc, "user_message", None)
    if isinstance(message, str) and message:
        return message
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        hint = {
            errno.ENOSPC: " The disk is full: free some space, then try again.",
            errno.EDQUOT: " The disk quota is used up: free some space, then try again.",
            errno.EROFS: " That place is read-only: choose a writable folder.",
            errno.EACCES: " Check the permissions, or choose another folder.",
            errno.EPERM: " Check the permissions, or choose another folder.",
        }.get(exc.errno or 0, "")
        return f"{exc.strerror or exc}{where}.{hint}"
    return None


def _is_bad_input(exc: BaseException) -> bool:
    paths_module = sys.modules.get("viva.storage.paths")
    return paths_module is not None and isinstance(exc, paths_module.DataFolderError)
