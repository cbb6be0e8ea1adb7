"""Entry script of the frozen Viva build: the same as the ``viva`` console command."""

from __future__ import annotations

import multiprocessing

from viva.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
