"""Take the README screenshots from the real app (run under Xvfb, not collected by pytest).

    xvfb-run -s "-screen 0 1400x900x24" python tests/ui/make_screenshots.py docs/screenshots

Builds a sample history in a temporary data folder: an earlier typed answer, then a spoken answer
replayed through the real recording path (practice with the score card, in the light and the dark
theme), a three-question mock interview, and typed answers over two weeks (progress). Saves
practice.png, practice-dark.png, review-dark.png, mock-summary.png, practice-story.png and
progress.png.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any


def wait(app: Any, cond: Callable[[], bool], timeout: float) -> None:
    from PySide6.QtTest import QTest

    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            raise TimeoutError("screenshot step timed out")
        QTest.qWait(20)  # sleeps in the event loop; a busy loop starves the workers


def settle(app: Any, seconds: float = 0.6) -> None:
    end = time.perf_counter() + seconds
    wait(app, lambda: time.perf_counter() > end, seconds + 5)


def seed_history(bank: Any) -> None:
    """Typed answers over two weeks to one question per topic, covering more each time."""
    from viva.scoring import score_answer
    from viva.speech.transcript import Transcript
    from viva.storage.store import AttemptStore
    from viva.ui.render import sentences

    now = datetime.now(timezone.utc)
    chosen = [
        bank.by_topic(topic)[0]
        for topic in ("testing-deployment", "monitoring", "data-management")
        if bank.by_topic(topic)
    ]
    with AttemptStore.open() as store:
        # An earlier, thinner answer to the practice question: the score card shows the change.
        canary = bank.get("canary-vs-blue-green")
        if canary is not None:
            transcript = Transcript.from_text(
                "A canary sends a small part of the traffic to the new model first.",
                duration_s=21.0,
            )
            store.add_attempt(
                canary,
                transcript,
                score_answer(canary, transcript),
                started_at=now - timedelta(days=3),
            )
        for n, question in enumerate(chosen):
            parts = sentences(question.reference_answer)
            for step, days in enumerate((13 - n, 9 - n, 5 - n, 2 - n / 2)):
                keep = max(1, round(len(parts) * (step + 1) / 4))
                text = " ".join(parts[:keep])
                duration = round(len(text.split()) / 2.3, 1)
                transcript = Transcript.from_text(text, duration_s=duration)
                store.add_attempt(
                    question,
                    transcript,
                    score_answer(question, transcript),
                    started_at=now - timedelta(days=days, hours=3),
                )


STORY_ANSWER = (
    "Last spring our fraud model started flagging three times more payments than usual, and "
    "the payments team was losing sales every hour. I was on call, so it was my job to stop "
    "the damage first and then find the cause. I switched traffic back to the previous model "
    "version, then I compared the input distributions and found a currency field that an "
    "upstream change had started sending in cents. I fixed the conversion and added a schema "
    "check at ingestion."
)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    from viva.storage import paths

    tmp = tempfile.TemporaryDirectory(prefix="viva-shots-")
    paths.set_base_dir(tmp.name)
    from viva.app.services import Services
    from viva.bank import open_bank
    from viva.settings import Settings
    from viva.speech.replay import ReplaySoundDevice
    from viva.ui.app import apply_theme, create_application
    from viva.ui.main_window import MainWindow
    from viva.ui.smoke import SMOKE_WAV, _SilentSpeaker

    bank = open_bank()
    seed_history(bank)
    app = create_application(["viva"])
    apply_theme(app, "light")
    replay = ReplaySoundDevice(SMOKE_WAV, speed=1.0)
    # Answers are transcribed from the recorded file after Stop (live=False): on a loaded
    # machine the live transcriber cannot keep up and times out; the feedback is the same.
    services = Services(
        Settings(mic_checked=True),
        sd_module=replay,
        speaker_factory=lambda _s: _SilentSpeaker(),
        live=False,
    )
    window = MainWindow(services)
    window.resize(1380, 860)
    window.show()
    wait(app, lambda: window.model_where is not None and services.cached_bank is not None, 120)
    window.banner.dismiss()

    # 1. Practice with feedback: a spoken answer through the recording path.
    practice = window.practice
    shown: list[Any] = []
    practice.attempt_saved.connect(shown.append)
    practice.select_question("canary-vs-blue-green")
    practice.start_recording()
    wait(app, lambda: replay.finished_playing.is_set(), 120)
    practice.stop_recording()
    wait(app, lambda: bool(shown), 300)  # the first answer builds the scorer: slow when loaded
    practice.feedback.select_point(0)
    settle(app)
    window.grab().save(str(out / "practice.png"))
    apply_theme(app, "dark")
    settle(app)
    window.grab().save(str(out / "practice-dark.png"))

    # 2. Review in the dark theme: the practice attempt, mid-playback, compared with the earlier
    #    attempt (the score card's Compare link).
    attempt = shown[0]
    window.compare_attempts(attempt.attempt_id, attempt.previous_id)
    review = window.view("review")
    # The review list loads meanwhile and re-opens the pair: wait until all of it is done.
    wait(
        app,
        lambda: (
            not window.jobs.busy
            and review.pane_a.attempt is not None
            and review.pane_a.attempt.id == attempt.attempt_id
            and review.pane_b.isVisible()
            and review.pane_b.attempt is not None
            and review.pane_b.attempt.id == attempt.previous_id
        ),
        120,
    )
    wait(app, lambda: review.pane_a.play_button.isEnabled(), 120)
    review.pane_a.player.seek(4.2)
    settle(app)
    window.grab().save(str(out / "review-dark.png"))
    apply_theme(app, "light")

    # 3. Mock interview summary: three questions, answers cut short.
    mock = window.show_view("mock")
    mock.count_spin.setValue(3)
    mock.think_spin.setValue(0)
    mock.mode_box.setCurrentIndex(mock.mode_box.findData("topic"))
    mock.topic_box.setCurrentIndex(mock.topic_box.findData("testing-deployment"))
    summaries: list[Any] = []
    mock.summary_shown.connect(summaries.append)
    # The same three questions every time, so the caption in the README stays true.
    random.seed(20261206)
    mock.start()
    # Three questions; a short answer misses points, so the interviewer asks a follow-up after
    # each (answered the same way): the summary lists them under their question.
    for _ in range(12):
        wait(app, lambda: mock.phase == "answering" or bool(summaries), 300)
        if summaries:
            break
        wait(app, lambda: mock.recorder.elapsed() > 9.0, 120)
        mock.advance()
    wait(app, lambda: bool(summaries), 300)
    settle(app)
    window.grab().save(str(out / "mock-summary.png"))

    # 4. A story question: STAR hints open, a typed story scored with its STAR chips.
    window.show_view("practice")
    practice.select_question("challenge-at-work")
    practice.set_text_only(True)
    practice.typed.setPlainText(STORY_ANSWER)
    shown.clear()
    practice.score_typed()
    wait(app, lambda: bool(shown), 300)
    practice.star_button.setChecked(True)
    settle(app)
    window.grab().save(str(out / "practice-story.png"))
    practice.set_text_only(False)

    # 5. Progress over two weeks.
    progress = window.show_view("progress")
    wait(app, lambda: progress.progress is not None, 120)
    settle(app, 1.0)
    window.grab().save(str(out / "progress.png"))

    window.close()
    wait(app, lambda: not window.isVisible(), 60)
    paths.set_base_dir(None)
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
