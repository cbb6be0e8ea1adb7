"""Check the judge's extra training questions in ``data/extra/*.yaml`` (development time only).

The bank's questions all have key points written by us. A user's own questions, and the held-out
sets, have points written by someone else: other lengths, other forms ("The candidate explains
...", "Use ...", a long sentence with an example in it). ``data/extra`` holds questions that are
in no bank and no evaluation set, written by other writers, with the same kinds of hand-written
lines per key point as ``data/written`` (``check_written.KINDS``), so the judge is trained on
points in many voices, not only ours. Format, one file per writer::

    questions:
      - id: extra-grpc-or-rest          # a slug starting "extra-"
        question: When would you choose gRPC over REST for serving a model?
        topic: serving
        key_points:
          - gRPC sends compact binary messages over HTTP/2, which cuts latency ...
        lines:                          # per key point (same order), kind -> sentences
          - paraphrase: ["...", "..."]
            spoken: ["..."]
            ...

Usage: python training/judge/check_extra.py [FILE ...]; exit status 1 on any problem.
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from check_written import KINDS

HERE = Path(__file__).resolve().parent
EXTRA = HERE / "data" / "extra"
#: Lines per key point and kind, at least (the second-round kinds included).
NEEDED = Counter(
    {
        "paraphrase": 2,
        "spoken": 1,
        "concrete": 1,
        "asr": 1,
        "partial": 1,
        "specific": 1,
        "contradiction": 2,
        "loose": 1,
        "keywords": 1,
        "vague": 1,
        "related": 1,
    }
)
_SLUG = re.compile(r"^extra-[a-z0-9]+(-[a-z0-9]+)*$")

log = logging.getLogger("check_extra")


def load(paths: list[Path] | None = None) -> list[dict[str, Any]]:
    """Every extra question, as written (``paths`` default to all files in ``data/extra``)."""
    out: list[dict[str, Any]] = []
    for path in paths if paths is not None else sorted(EXTRA.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for q in data.get("questions") or []:
            out.append({**q, "_file": path.name})
    return out


def problems(
    questions: list[dict[str, Any]],
    needed: Counter[str] = NEEDED,
    slug: re.Pattern[str] = _SLUG,
    prefix: str = "extra-",
) -> list[str]:
    """What is wrong with ``questions`` (empty when all is well); ``needed`` lines per point,
    ids matching ``slug`` (``check_breadth`` checks its folder with its own)."""
    out: list[str] = []
    ids: set[str] = set()
    texts: set[str] = set()
    for q in questions:
        where = f"{q.get('_file')}:{q.get('id')}"
        if not isinstance(q.get("id"), str) or not slug.match(q["id"]):
            out.append(f"{where}: id must be a slug starting with {prefix!r}")
        if q.get("id") in ids:
            out.append(f"{where}: duplicate id")
        ids.add(q.get("id"))
        for field in ("question", "topic"):
            if not isinstance(q.get(field), str) or not q[field].strip():
                out.append(f"{where}: {field} missing")
        points = q.get("key_points") or []
        lines = q.get("lines") or []
        if not 3 <= len(points) <= 7 or not all(isinstance(p, str) for p in points):
            out.append(f"{where}: 3-7 key points as plain sentences")
        if len(lines) != len(points):
            out.append(f"{where}: {len(lines)} line groups for {len(points)} key points")
        for i, group in enumerate(lines):
            if not isinstance(group, dict):
                out.append(f"{where} point {i}: lines must map kind -> list of sentences")
                continue
            have: Counter[str] = Counter()
            for kind, sentences in group.items():
                if kind not in KINDS or kind == "relabel":
                    out.append(f"{where} point {i}: unknown kind {kind!r}")
                    continue
                if not isinstance(sentences, list):
                    out.append(f"{where} point {i} {kind}: a list of sentences")
                    continue
                for s in sentences:
                    if not isinstance(s, str) or len(s.split()) < 2:
                        out.append(f"{where} point {i} {kind}: too short: {s!r}")
                        continue
                    key = s.strip().lower()
                    if key in texts:
                        out.append(f"{where} point {i} {kind}: duplicate text: {s[:60]!r}")
                    texts.add(key)
                    have[kind] += 1
            for kind, n in (needed - have).items():
                out.append(f"{where} point {i}: {n} more {kind!r} line(s) needed")
    return out


def main(
    argv: list[str],
    loader: Callable[[list[Path] | None], list[dict[str, Any]]] | None = None,
    checker: Callable[[list[dict[str, Any]]], list[str]] | None = None,
) -> int:
    """Check the files in ``argv`` (all of the folder when none) with ``loader`` and
    ``checker`` (this module's ``load`` and ``problems`` unless given, as by check_breadth)."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    questions = (loader or load)([Path(a) for a in argv] if argv else None)
    found = (checker or problems)(questions)
    for p in found:
        log.error("%s", p)
    points = sum(len(q.get("key_points") or []) for q in questions)
    log.info("%d question(s), %d key point(s), %d problem(s)", len(questions), points, len(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
