"""The benchmarks' common ending: OUT.json and OUT.md, or OUT.md again from OUT.json."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def add_output_options(parser: argparse.ArgumentParser, name: str) -> None:
    """``--out`` (default ``benchmarks/results/NAME``) and ``--markdown-only``."""
    parser.add_argument("--out", type=Path, default=RESULTS / name)
    parser.add_argument(
        "--markdown-only", action="store_true", help="rewrite OUT.md from an existing OUT.json"
    )


def publish(
    args: argparse.Namespace,
    run: Callable[[argparse.Namespace], dict[str, Any]],
    write_markdown: Callable[[dict[str, Any], Path], None],
) -> int:
    """Run (unless ``--markdown-only``), write OUT.json and OUT.md, print OUT.md."""
    out: Path = args.out
    if args.markdown_only:
        result = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    else:
        result = run(args)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    write_markdown(result, out.with_suffix(".md"))
    sys.stdout.write(out.with_suffix(".md").read_text(encoding="utf-8"))
    return 0
