"""``viva score``: score a spoken (audio) or typed (transcript) answer against a bank question.

``viva score --question ID [--bank DIR] (AUDIO | --transcript FILE [--duration S]) [--json]
[--save]``. With ``--json`` one object is printed: ``Feedback.to_dict()``. A transcript file is
plain text or the JSON of ``viva transcribe --json`` (its word timestamps are then used);
``--transcript -`` reads it from standard input.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import textwrap
from pathlib import Path
from typing import Any

from viva.cli.common import EXIT_FAILED, EXIT_OK, CliError, TerminalProgress, did_you_mean

log = logging.getLogger(__name__)

_MARK = {"covered": "[x]", "partial": "[~]", "missed": "[ ]", "incorrect": "[!]"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this group's commands to the `viva` parser."""
    p = sub.add_parser(
        "score",
        help="score an answer (audio or transcript) against a question",
        usage="%(prog)s -q ID (AUDIO | --transcript FILE) [options]",
        description=(
            "Score a spoken or typed answer: key-point coverage with evidence, timing and "
            "delivery, and tips. Give an audio file, or --transcript with a text or "
            "`viva transcribe --json` file."
        ),
    )
    # Checked in run_score rather than by argparse, so that a question id given where AUDIO
    # goes gets a message that shows the right form.
    p.add_argument("--question", "-q", metavar="ID", help="question id (required)")
    p.add_argument(
        "--bank", action="append", type=Path, metavar="DIR", help="read questions from DIR only"
    )
    p.add_argument("audio", nargs="?", type=Path, metavar="AUDIO", help="recorded answer")
    p.add_argument(
        "--transcript",
        type=Path,
        metavar="FILE",
        help="plain text or transcript JSON file (- reads standard input)",
    )
    p.add_argument(
        "--duration",
        type=float,
        metavar="S",
        help="length of the spoken answer in seconds (with --transcript)",
    )
    p.add_argument("--model", metavar="DIR", help="Whisper model folder (default: bundled)")
    p.add_argument(
        "--point",
        type=int,
        metavar="N",
        help="score a follow-up answer against key point N (1-based) only",
    )
    p.add_argument("--json", action="store_true", help="print the feedback as one JSON object")
    p.add_argument("--save", action="store_true", help="store the scored attempt in the history")
    p.set_defaults(func=run_score)


def _question(args: argparse.Namespace) -> Any:
    from viva.bank import open_bank

    bank = open_bank(args.bank)
    question = bank.get(args.question)
    if question is None:
        hint = "; try `viva bank list`" if len(bank) else ""
        where = f" in {', '.join(map(str, args.bank))}" if args.bank else ""
        guess = did_you_mean(args.question, (q.id for q in bank))
        raise CliError(f"unknown question id {args.question!r}{where}{guess}{hint}")
    return question


def _read_transcript(path: Path, duration: float | None) -> Any:
    from viva.limits import MAX_TRANSCRIPT_FILE_BYTES

    if str(path) == "-":
        raw = sys.stdin.read(MAX_TRANSCRIPT_FILE_BYTES + 1)
        if len(raw.encode("utf-8")) > MAX_TRANSCRIPT_FILE_BYTES:
            raise CliError(
                f"the transcript on standard input is over {MAX_TRANSCRIPT_FILE_BYTES >> 20} MB; "
                "Viva scores answers up to 20,000 words. Give a shorter answer."
            )
        return _parse_transcript(raw, "standard input", duration)
    try:
        size = path.stat().st_size
        if size > MAX_TRANSCRIPT_FILE_BYTES:
            raise CliError(
                f"the transcript {path} is {size / (1 << 20):.0f} MB; Viva scores answers up "
                f"to {MAX_TRANSCRIPT_FILE_BYTES >> 20} MB of transcript (20,000 words). Give a "
                "shorter answer."
            )
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise CliError(f"the transcript {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise CliError(f"the transcript {path} is a folder; give a text or JSON file") from exc
    except UnicodeDecodeError as exc:
        audio = (
            " (to score a recording, give it without --transcript)"
            if path.suffix.lower() in (".wav", ".flac", ".mp3", ".ogg", ".m4a")
            else ""
        )
        raise CliError(
            f"the transcript {path} is not UTF-8 text{audio}; give plain text or the JSON of "
            "`viva transcribe --json`"
        ) from exc
    except OSError as exc:
        raise CliError(f"cannot read the transcript {path}: {exc.strerror or exc}") from exc
    return _parse_transcript(raw, str(path), duration)


def _parse_transcript(raw: str, source: str, duration: float | None) -> Any:
    """A typed transcript (plain text or ``viva transcribe --json``) read from ``source``."""
    from viva.limits import AnswerTooLong, check_answer_text
    from viva.speech.transcript import Transcript

    stripped = raw.strip()
    transcript: Transcript
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
            transcript = Transcript.from_user_json(data)
        except ValueError as exc:
            raise CliError(
                f"{source} looks like JSON but is not a `viva transcribe --json` transcript "
                f"({exc}); give plain text or that JSON"
            ) from exc
    else:
        transcript = Transcript.from_text(stripped)
    try:
        check_answer_text(transcript.text)
    except AnswerTooLong as exc:
        raise CliError(exc.user_message) from exc
    if duration is not None:
        transcript = Transcript(
            text=transcript.text,
            words=transcript.words,
            segments=transcript.segments,
            language=transcript.language,
            duration_s=duration,
            extra=transcript.extra,
        )
    return transcript


def _hotwords(question: Any) -> str:
    from viva.scoring.coverage import hotwords

    return hotwords(question)


def _transcribe(path: Path, question: Any, model: str | None) -> tuple[Any, str]:
    if not path.is_file():
        raise CliError(f"no such audio file: {path}")
    from viva.speech.errors import SpeechError
    from viva.speech.transcriber import Transcriber

    progress = TerminalProgress()
    try:
        transcriber = Transcriber(model)
        progress.note("Loading the speech model…")
        transcriber.load()
        progress.note("Transcribing…")
        transcript = transcriber.transcribe(
            path, hotwords=_hotwords(question), progress=progress.fraction("Transcribing")
        )
    except SpeechError as exc:
        raise CliError(exc.user_message) from exc
    finally:
        progress.clear()
    return transcript, transcriber.model_name


def _report(feedback: Any) -> str:
    from viva.scoring.timing import format_seconds

    lines = [f"Question: {feedback.question_id}", f"Coverage: {feedback.coverage:.0%}", ""]
    for kp in feedback.key_points:
        lines.append(f"{_MARK[kp.status]} {kp.text}")
        if kp.evidence:
            when = f" at {format_seconds(kp.start_s)}" if kp.start_s is not None else ""
            quote = textwrap.shorten(kp.evidence, 90, placeholder="…")
            said = "got it wrong" if kp.status == "incorrect" else "said"
            lines.append(f'      {said}{when}: "{quote}"')
        elif kp.closest:
            quote = textwrap.shorten(kp.closest, 90, placeholder="…")
            lines.append(f'      not clearly made; closest: "{quote}"')
    t = feedback.timing
    low, high = t.target_seconds
    lines.append("")
    target = f"{format_seconds(low)}–{format_seconds(high)}"
    if t.duration_s is None:
        lines.append(f"Length: not timed (a typed answer; give --duration S); target {target}")
    else:
        verdict = f" ({t.verdict})" if t.verdict else ""
        lines.append(f"Length: {format_seconds(t.duration_s)} against {target}{verdict}")
    if t.wpm is not None:
        n = t.word_count
        lines.append(f"Pace: {t.wpm:.0f} words per minute, {n} word{'s' if n != 1 else ''}")
    else:
        lines.append(f"Words: {t.word_count}")
    lines.append(f"Fillers: {t.filler_count} ({t.fillers_per_100:.1f} per 100 words)")
    if t.long_pauses:
        lines.append(f"Long pauses: {len(t.long_pauses)}")
    structure = getattr(feedback, "structure", None)
    if structure is not None:
        from viva.scoring.star import LABELS

        parts = "  ".join(
            f"{_MARK['covered' if part.present else 'missed']} {LABELS[name]}"
            for name, part in structure.parts().items()
        )
        number = "with a number" if structure.result_has_number else "no number in the result"
        lines.append(f"Story (STAR): {parts}  ({number})")
    lines.append("")
    lines.append("Tips:")
    lines.extend(f"- {tip}" for tip in feedback.tips)
    return "\n".join(lines)


def run_score(args: argparse.Namespace) -> int:
    """Score one answer; print the report or JSON; optionally store the attempt."""
    if args.question is None:
        from viva.bank.models import SLUG_RE

        given = args.audio
        if given is not None and not given.exists() and SLUG_RE.fullmatch(str(given)):
            rest = " --transcript FILE" if args.transcript is None else ""
            raise CliError(
                f"{given} looks like a question id, not an audio file: give it with -q, e.g. "
                f"`viva score -q {given}{rest} ...` (AUDIO is the recorded answer)"
            )
        raise CliError(
            "which question? give its id with --question/-q ID (`viva bank list` shows them)"
        )
    if args.audio is None and args.transcript is None:
        raise CliError(
            "nothing to score: give the recorded answer as AUDIO, or the typed answer with "
            "--transcript FILE (- reads it from standard input)"
        )
    if args.audio is not None and args.transcript is not None:
        raise CliError("give an AUDIO file or --transcript FILE, not both")
    if args.duration is not None and (not math.isfinite(args.duration) or args.duration <= 0):
        raise CliError("--duration must be a positive number of seconds, e.g. 95")
    question = _question(args)
    if args.point is not None:
        from viva.app.services import narrow_to_point

        try:
            question = narrow_to_point(question, args.point)
        except ValueError as exc:
            count = len(question.key_points)
            raise CliError(f"--point must be between 1 and {count} for {question.id}") from exc
    model_name: str | None = None
    if args.transcript is not None:
        transcript = _read_transcript(args.transcript, args.duration)
    else:
        transcript, model_name = _transcribe(args.audio, question, args.model)
    if not transcript.text.strip():
        source = args.transcript or args.audio
        raise CliError(
            f"the answer in {source} is empty: nothing was said (or recognised); "
            "record or type the answer again"
        )
    from viva.scoring import score_answer

    feedback = score_answer(question, transcript)
    if args.json:
        print(json.dumps(feedback.to_dict(), ensure_ascii=False, indent=2))  # noqa: T201
    else:
        print(_report(feedback))  # noqa: T201
    if args.save:
        from viva.storage.store import StoreError, save_or_queue

        try:
            saved = save_or_queue(
                question, transcript, feedback, audio_path=args.audio, model_name=model_name
            )
        except StoreError as exc:
            raise CliError(
                f"the attempt was scored but not saved: {exc.user_message}", code=EXIT_FAILED
            ) from exc
        where = sys.stderr if args.json else sys.stdout
        if saved.attempt_id is not None:
            print(f"saved attempt {saved.attempt_id}", file=where)  # noqa: T201
        else:
            print(  # noqa: T201
                f"viva: {saved.reason} The attempt was kept in {saved.queued} and will be "
                "saved the next time Viva opens the history (e.g. `viva history`).",
                file=sys.stderr,
            )
    return EXIT_OK
