"""Qt-free feedback engine: key-point coverage with evidence, timing and delivery, tips."""

from __future__ import annotations

from viva.scoring.feedback import Feedback, KeyPointResult, score_answer
from viva.scoring.timing import Timing

#: Bumped whenever the same answer may score differently; stored with every attempt.
SCORER_VERSION = "2.4"

__all__ = ["SCORER_VERSION", "Feedback", "KeyPointResult", "Timing", "score_answer"]
