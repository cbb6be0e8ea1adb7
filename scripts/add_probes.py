"""Insert follow-up questions (``probe``) into the bank's YAML files, keeping their layout.

    python scripts/add_probes.py PROBES.jsonl [...]

Each line: ``{"question_id": "...", "point": <0-based>, "probe": "..."}``. The probe goes on
the line after the key point's ``- text:`` line; an existing ``probe:`` there is replaced.
The bank is validated afterwards.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("add_probes")
_ID = re.compile(r"^\s*- id:\s*(\S+)\s*$")
_TEXT = re.compile(r"^(\s*)- text:")


def insert(lines: list[str], probes: dict[tuple[str, int], str]) -> tuple[list[str], int]:
    out: list[str] = []
    qid: str | None = None
    point = -1
    done = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _ID.match(line)
        if m:
            qid, point = m.group(1), -1
        out.append(line)
        t = _TEXT.match(line)
        if t and qid is not None:
            point += 1
            # A text that continues on following lines (folded) ends before the next key.
            j = i + 1
            indent = " " * (len(t.group(1)) + 2)
            while j < len(lines) and lines[j].startswith(indent + " "):
                out.append(lines[j])
                j += 1
            if j < len(lines) and lines[j].startswith(indent + "probe:"):
                j += 1  # replaced below
            probe = probes.get((qid, point))
            if probe is not None:
                out.append(f"{indent}probe: {json.dumps(probe, ensure_ascii=False)}")
                done += 1
            elif j > i + 1 and lines[j - 1].startswith(indent + "probe:"):
                out.append(lines[j - 1])
            i = j
            continue
        i += 1
    return out, done


def main(paths: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    probes: dict[tuple[str, int], str] = {}
    for p in paths:
        for line in Path(p).read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                probes[(row["question_id"], int(row["point"]))] = row["probe"].strip()
    total = 0
    for path in sorted((ROOT / "questions").glob("*.yaml")):
        lines = path.read_text().splitlines()
        new, done = insert(lines, probes)
        if done:
            path.write_text("\n".join(new) + "\n")
            total += done
            log.info("%s: %d probes", path.name, done)
    log.info("%d of %d probes inserted", total, len(probes))
    from viva.bank import load_builtin_bank

    bank = load_builtin_bank()
    if bank.errors:
        for e in bank.errors:
            log.error("%s", e)
        return 1
    return 0 if total == len(probes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
