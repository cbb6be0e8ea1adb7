"""Check the round-23 judge training questions in ``data/breadth/*.yaml`` (development time only).

Round 23 measured why a correct answer on an unseen subject loses credit or earns it on the
wrong point: on 24 subjects absent from all training data (``data/unseen_probe``), a correct
plain-words line of one key point is read as *covering a sibling point* of the same question
28 % of the time (2.4) and 29 % (U): on a subject it does not know, the judge matches the topic,
not the claim. The bank's train split has some 90 subjects and ``data/extra`` 40 more, too few
for "same topic, other claim" to be learned as a rule rather than per subject.

``data/breadth`` holds many more subjects, each a question in no bank and no evaluation set,
with three or four key points that are close siblings (same topic, distinct claims), and per
point only the lines that teach attribution: the point in plain words without its terms
(``paraphrase``, twice), in its usual terms as said aloud (``spoken``), half of it
(``partial``), stated wrongly (``contradiction``), and a true sentence on the same subject that
makes neither it nor a sibling point (``related``). ``pairs.py`` pairs each point's covered
lines with the sibling points as misses, as for every question. Same format as
``data/extra`` (``check_extra.py``), ids starting ``breadth-``.

Usage: python training/judge/check_breadth.py [FILE ...]; exit status 1 on any problem.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import check_extra

HERE = Path(__file__).resolve().parent
BREADTH = HERE / "data" / "breadth"
NEEDED = Counter({"paraphrase": 2, "spoken": 1, "partial": 1, "contradiction": 1, "related": 1})
_SLUG = re.compile(r"^breadth-[a-z0-9]+(-[a-z0-9]+)*$")


def load(paths: list[Path] | None = None) -> list[dict[str, Any]]:
    """Every breadth question, as written (``paths`` default to all files in the folder)."""
    return check_extra.load(paths if paths is not None else sorted(BREADTH.glob("*.yaml")))


def problems(questions: list[dict[str, Any]]) -> list[str]:
    """``check_extra``'s checks with this folder's lines per point and ids, and 3-4 points."""
    found = check_extra.problems(questions, NEEDED, _SLUG, "breadth-")
    for q in questions:
        if not 3 <= len(q.get("key_points") or []) <= 4:
            found.append(f"{q.get('_file')}:{q.get('id')}: 3 or 4 key points")
    return found


if __name__ == "__main__":
    sys.exit(check_extra.main(sys.argv[1:], load, problems))
