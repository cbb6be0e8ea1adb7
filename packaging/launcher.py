"""Entry script of the frozen Viva build: the same as the ``viva`` console command.

Viva starts helper processes as ``sys.executable -m viva.<module> ...`` (e.g. the text-to-speech
worker ``viva.speech._tts_worker``). In a bundle ``sys.executable`` is this program, so
``-m viva.*`` is handled here the way the Python interpreter would.
"""

from __future__ import annotations

import multiprocessing
import runpy
import sys


def _run_module(argv: list[str]) -> int:
    module = argv[2] if len(argv) > 2 else ""
    if module != "viva" and not module.startswith("viva."):
        message = f"viva: error: -m {module or '(missing)'}: only viva modules run here"
        print(message, file=sys.stderr)  # noqa: T201
        return 2
    sys.argv = [module, *argv[3:]]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    multiprocessing.freeze_support()
    if len(sys.argv) > 1 and sys.argv[1] == "-m":
        raise SystemExit(_run_module(sys.argv))
    from viva.cli import main

    raise SystemExit(main())
