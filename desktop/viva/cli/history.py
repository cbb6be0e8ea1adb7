"""``viva history | rescore | due | report | export | import | delete``: the practice history.

All of them work on the store in the data folder (``--data-dir``, ``VIVA_DATA_DIR`` or the
platform's user data dir, which honours ``XDG_DATA_HOME``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from viva.cli.common import EXIT_FAILED, EXIT_OK, CliError, add_bank_option, did_you_mean

if TYPE_CHECKING:
    from viva.bank import Bank
    from viva.storage.store import AttemptStore

RATING_EPILOG = (
    "Spaced repetition (FSRS): each question is a card and each attempt a review, rated "
    "Again if coverage < 40%, Hard if coverage < 70% or the answer was too short/too long, "
    "Good if coverage >= 70%, Easy if coverage >= 90% and on target. Questions never "
    "practised are introduced at a steady pace (--new per day)."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this group's commands to the `viva` parser."""
    history = sub.add_parser(
        "history",
        help="list stored attempts (newest first)",
        description="List stored attempts, newest first, or recordings that were never scored.",
    )
    history.add_argument("--question", metavar="ID", help="only attempts at this question")
    history.add_argument("--topic", metavar="T", help="only this topic")
    history.add_argument("--session", type=int, metavar="ID", help="only this session")
    history.add_argument("--limit", type=int, metavar="N", help="at most N attempts")
    history.add_argument(
        "--pending",
        action="store_true",
        help="list recordings without an attempt (left by a crash) instead",
    )
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.set_defaults(func=_history)

    rescore = sub.add_parser(
        "rescore",
        help="re-run the current scorer on stored attempts, keeping the old results",
        description="Re-score stored transcripts with the current scorer. The previous results "
        "of each attempt are kept in its history. With --retranscribe the audio is transcribed "
        "again first (with --model DIR, or the default model).",
    )
    which = rescore.add_mutually_exclusive_group(required=True)
    which.add_argument("--question", metavar="ID", help="every attempt at this question")
    which.add_argument("--attempt", type=int, metavar="ID", help="one attempt")
    which.add_argument("--all", action="store_true", help="every attempt")
    rescore.add_argument(
        "--use-bank",
        action="store_true",
        help="score against the question as it is in the bank now, not as it was asked "
        "(also the fallback for snapshots that no longer fit the bank format)",
    )
    rescore.add_argument("--retranscribe", action="store_true", help="transcribe the audio again")
    rescore.add_argument("--model", type=Path, metavar="DIR", help="Whisper model folder")
    add_bank_option(rescore)
    rescore.add_argument("--json", action="store_true", help="machine-readable output")
    rescore.set_defaults(func=_rescore)

    due = sub.add_parser(
        "due",
        help="what to practise today (spaced repetition)",
        description="List the questions to practise today: due reviews first, then new ones.",
        epilog=RATING_EPILOG,
    )
    due.add_argument("--topic", metavar="T", help="only this topic")
    due.add_argument(
        "--new", type=int, metavar="N", help="new questions per day (default: 3, or Settings)"
    )
    add_bank_option(due)
    due.add_argument("--json", action="store_true", help="machine-readable output")
    due.set_defaults(func=_due)

    report = sub.add_parser(
        "report",
        help="write a self-contained HTML or Markdown report",
        description="Write a report to take to a mentor: per attempt the question, the "
        "transcript with fillers marked, key points with evidence, timing and tips; a "
        "coverage-over-time chart for a question's history.",
    )
    select = report.add_mutually_exclusive_group(required=True)
    select.add_argument("--session", type=int, metavar="ID", help="one session's attempts")
    select.add_argument("--question", metavar="ID", help="one question's history")
    select.add_argument("--since", metavar="DATE", help="everything since DATE (YYYY-MM-DD)")
    report.add_argument("--format", choices=("html", "md"), default="html")
    report.add_argument("--out", type=Path, metavar="FILE", required=True)
    report.set_defaults(func=_report)

    export = sub.add_parser(
        "export", help="write attempts, audio, your banks and settings to one zip"
    )
    export.add_argument("--out", type=Path, metavar="FILE.zip", required=True)
    export.set_defaults(func=_export)

    imp = sub.add_parser(
        "import",
        help="merge an export zip into this installation",
        description="Merge a zip made by `viva export`. Identical attempts and files are "
        "skipped; anything that would be overwritten is refused unless --overwrite is given "
        "(asked interactively when run in a terminal).",
    )
    imp.add_argument("file", type=Path, metavar="FILE.zip")
    imp.add_argument("--overwrite", action="store_true", help="replace conflicting items")
    imp.set_defaults(func=_import)

    delete = sub.add_parser(
        "delete",
        help="delete an attempt, or all attempts and recordings",
        description="Delete one attempt (and its audio), or with --all every attempt, session "
        "and recording, and the database backups. Your own banks and settings are kept.",
    )
    target = delete.add_mutually_exclusive_group(required=True)
    target.add_argument("--attempt", type=int, metavar="ID")
    target.add_argument("--all", action="store_true")
    delete.add_argument("--yes", action="store_true", help="do not ask (needed with --all)")
    delete.set_defaults(func=_delete)


def _out(text: str = "") -> None:
    print(text)  # noqa: T201


def _err(text: str) -> None:
    print(text, file=sys.stderr)  # noqa: T201


@contextmanager
def _store() -> Iterator[AttemptStore]:
    from viva.storage.store import AttemptStore, StoreError

    try:
        store = AttemptStore.open()
    except StoreError as exc:
        raise CliError(exc.user_message) from exc
    if store.recovered is not None:
        _err(f"viva: warning: {store.recovered.message}")
    try:
        yield store
    except StoreError as exc:
        raise CliError(exc.user_message) from exc
    finally:
        store.close()


def _bank(dirs: list[Path] | None) -> Bank:
    from viva.bank import open_bank

    return open_bank(dirs)


def _pct(value: float | None) -> str:
    return "   –" if value is None else f"{round(value * 100):3d}%"


def _history(args: argparse.Namespace) -> int:
    with _store() as store:
        if args.pending:
            from viva.storage.recovery import pending_recordings

            ids: list[str] = []
            try:
                ids = [q.id for q in _bank(None)]
            except (OSError, ValueError) as exc:
                _err(f"viva: warning: the question bank could not be read ({exc})")
            pending = pending_recordings(store, known_ids=ids)
            if args.json:
                _out(json.dumps([p.to_dict() for p in pending], indent=2))
                return EXIT_OK
            if not pending:
                _out("No unscored recordings.")
            for p in pending:
                state = f"{p.duration_s:.1f} s" if p.duration_s is not None else p.problem
                guess = f"  (question {p.question_id})" if p.question_id else ""
                _out(f"{p.path}  {state}{guess}")
            return EXIT_OK
        attempts = store.list_attempts(
            args.question, args.limit, topic=args.topic, session_id=args.session
        )
        if args.json:
            _out(json.dumps([a.to_dict() for a in attempts], indent=2, ensure_ascii=False))
            return EXIT_OK
        if not attempts:
            if store.count_attempts() == 0:
                _out("No attempts stored yet.")
            elif args.question:
                from viva.bank import open_bank

                guess = did_you_mean(args.question, (q.id for q in open_bank()))
                _out(f"No attempts of question {args.question!r}{guess}.")
            else:
                _out("No match.")
            return EXIT_OK
        for a in attempts:
            when = a.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
            dur = f"{a.duration_s:5.0f}s" if a.duration_s is not None else "     –"
            verdict = a.verdict or ""
            _out(
                f"{a.id:5d}  {when}  {_pct(a.coverage)}  {dur}  {verdict:<10}  "
                f"{a.question_id}: {a.question_text}"
            )
    return EXIT_OK


def _rescore(args: argparse.Namespace) -> int:
    from viva.app.rescore import rescore

    transcriber = None
    if args.retranscribe or args.model:
        from viva.speech.errors import SpeechError
        from viva.speech.transcriber import Transcriber

        transcriber = Transcriber(args.model)
        try:
            transcriber.load()
        except SpeechError as exc:
            raise CliError(exc.user_message) from exc
    bank = _bank(args.bank) if args.use_bank or args.bank else None
    with _store() as store:
        if args.attempt is not None:
            ids = [store.get_attempt(args.attempt).id]
        else:
            rows = store.list_attempts(None if args.all else args.question, oldest_first=True)
            ids = [r.id for r in rows]
            if not ids:
                raise CliError(
                    f"no attempts at {args.question!r}; see `viva history`"
                    if args.question
                    else "no attempts stored yet"
                )
        results = rescore(store, ids, bank=bank, use_bank=args.use_bank, transcriber=transcriber)
    if args.json:
        _out(json.dumps([r.to_dict() for r in results], indent=2))
    else:
        for r in results:
            if r.error:
                _out(f"{r.attempt_id:5d}  skipped: {r.error}")
                continue
            again = " (re-transcribed)" if r.retranscribed else ""
            _out(
                f"{r.attempt_id:5d}  {r.question_id}: {_pct(r.old_coverage)} -> "
                f"{_pct(r.new_coverage)}  scorer {r.old_scorer_version} -> "
                f"{r.new_scorer_version}{again}"
            )
        _out(
            f"Re-scored {sum(1 for r in results if not r.error)} attempt(s); "
            "earlier results are kept in each attempt's history."
        )
    return EXIT_FAILED if any(r.error for r in results) else EXIT_OK


def _new_per_day(value: int | None) -> int:
    from viva.storage.schedule import NEW_PER_DAY

    if value is not None:
        if value < 0:
            raise CliError("--new must be 0 or more")
        return value
    return NEW_PER_DAY


def _due(args: argparse.Namespace) -> int:
    from viva.storage.schedule import due_questions

    bank = _bank(args.bank)
    if args.topic and not bank.by_topic(args.topic):
        raise CliError(
            f"no questions in topic {args.topic!r}; topics are: {', '.join(bank.topics())}"
        )
    with _store() as store:
        due = due_questions(store, bank, topic=args.topic, new_per_day=_new_per_day(args.new))
    if args.json:
        _out(json.dumps([d.to_dict() for d in due], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not due:
        _out("Nothing due today. Come back tomorrow, or practise any question you like.")
    for d in due:
        when = f"{d.due.astimezone():%m-%d %H:%M}" if d.due else ""
        label = "new" if d.kind == "new" else f"due {when}"
        last = f"last {_pct(d.last_coverage).strip()}" if d.last_coverage is not None else ""
        _out(f"{label:<16} {d.question_id:<36} {d.question.topic:<24} {last}")
    return EXIT_OK


def _parse_since(text: str) -> datetime:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        try:
            return datetime.fromisoformat(text).astimezone()
        except ValueError as exc:
            raise CliError(f"--since {text!r} is not a date; use YYYY-MM-DD") from exc
    return datetime.combine(day, time()).astimezone()


def _report(args: argparse.Namespace) -> int:
    from viva.storage.report import ReportError, write_report

    since = _parse_since(args.since) if args.since else None
    with _store() as store:
        try:
            path = write_report(
                store,
                args.out,
                fmt=args.format,
                session_id=args.session,
                question_id=args.question,
                since=since,
            )
        except ReportError as exc:
            raise CliError(exc.user_message) from exc
        except OSError as exc:
            raise CliError(f"could not write {args.out}: {exc.strerror or exc}") from exc
    _out(f"Report written to {path}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from viva.storage.backup import export_zip

    with _store() as store:
        try:
            summary = export_zip(args.out, store=store)
        except OSError as exc:
            raise CliError(f"could not write {args.out}: {exc.strerror or exc}") from exc
    _out(
        f"Exported {summary.attempts} attempts, {summary.recordings} recordings, "
        f"{summary.banks} bank files{', settings' if summary.settings else ''} to {summary.path}"
    )
    return EXIT_OK


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"{question} [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def _import(args: argparse.Namespace) -> int:
    from viva.storage.backup import ImportConflict, import_zip

    if not args.file.is_file():
        what = "is a folder" if args.file.is_dir() else "does not exist"
        raise CliError(f"{args.file} {what}; give a zip written by `viva export`")
    with _store() as store:
        try:
            summary = import_zip(args.file, overwrite=args.overwrite, store=store)
        except ImportConflict as exc:
            if not sys.stdin.isatty():
                raise CliError(exc.user_message) from exc
            for item in exc.conflicts:
                _err(f"  would overwrite {item}")
            if not _ask(f"Replace these {len(exc.conflicts)} item(s) with the export's version?"):
                raise CliError("import cancelled; nothing was changed") from exc
            summary = import_zip(args.file, overwrite=True, store=store)
    _out(
        f"Imported {summary.attempts_added} new attempt(s), replaced "
        f"{summary.attempts_replaced}, {summary.attempts_unchanged} already present; "
        f"{summary.files_written} file(s) written, {summary.files_unchanged} unchanged."
    )
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    with _store() as store:
        if args.attempt is not None:
            attempt = store.get_attempt(args.attempt)
            if (
                not args.yes
                and sys.stdin.isatty()
                and not _ask(
                    f"Delete attempt {attempt.id} ({attempt.question_id}) and its recording?"
                )
            ):
                raise CliError("nothing was deleted")
            store.delete_attempt(attempt.id)
            _out(f"Deleted attempt {attempt.id} and its recording.")
            return EXIT_OK
        if not args.yes:
            count = store.count_attempts()
            if not _ask(f"Delete all {count} attempts and every recording? This cannot be undone."):
                raise CliError("deleting everything needs --yes (nothing was deleted)")
        count = store.delete_all()
    _out(f"Deleted {count} attempt(s), every session and recording.")
    return EXIT_OK
