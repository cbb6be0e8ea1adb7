"""Helper process for test_crash.py: writes attempts with audio as fast as it can, forever.

Prints each stored attempt id (flushed) so the test knows writes are under way before it
sends SIGKILL. Not a test module.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import make_feedback, make_question, make_transcript
from viva.storage.store import AttemptStore


def main() -> None:
    db, wav = Path(sys.argv[1]), Path(sys.argv[2])
    store = AttemptStore.open(db)
    question = make_question()
    session = store.start_session("mock", [question.id])
    text = "we send a small share of traffic to the new model first " * 20
    while True:
        attempt_id = store.add_attempt(
            question, make_transcript(text), make_feedback(), audio_path=wav, session_id=session
        )
        print(attempt_id, flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
