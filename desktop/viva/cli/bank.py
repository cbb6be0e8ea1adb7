"""``viva bank validate | list | import``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from viva.cli.common import EXIT_FAILED, EXIT_OK, CliError, add_bank_option


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``viva bank ...`` to the parser."""
    bank = sub.add_parser("bank", help="validate, list and import question banks")
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="ACTION", required=True)

    validate = bank_sub.add_parser(
        "validate",
        help="check bank files; prints FILE:LINE: message per problem, exit 1 on errors",
    )
    add_bank_option(validate)
    validate.add_argument(
        "--strict",
        action="store_true",
        help="treat content rules (answer length, 3-6 key points) as errors, as for the "
        "built-in bank",
    )
    validate.set_defaults(func=_validate)

    listing = bank_sub.add_parser("list", help="list the questions")
    add_bank_option(listing)
    listing.add_argument("--topic", metavar="T", help="only this topic")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    imp = bank_sub.add_parser(
        "import", help="turn a Markdown Q&A document into a bank file to edit"
    )
    imp.add_argument("file", type=Path, metavar="FILE.md")
    imp.add_argument("--out", type=Path, metavar="FILE.yaml", help="write here (default: stdout)")
    imp.add_argument("--topic", help="topic for every imported question")
    imp.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    imp.set_defaults(func=_import)


def _validate(args: argparse.Namespace) -> int:
    from viva.bank import load_bank, load_builtin_bank
    from viva.storage.paths import user_bank_dir

    if args.bank:
        bank = load_bank(args.bank, strict=args.strict)
    else:
        # The built-in bank and the user's own banks: what the app and the other commands read.
        bank = load_builtin_bank()
        if any(user_bank_dir().rglob("*.y*ml")):
            bank = bank.merged_with(load_bank([user_bank_dir()], strict=args.strict))
    for problem in bank.problems:
        stream = sys.stdout if problem.severity == "error" else sys.stderr
        print(problem, file=stream)  # noqa: T201
    errors, warnings = len(bank.errors), len(bank.warnings)
    summary = f"{len(bank)} questions, {errors} errors, {warnings} warnings"
    print(summary, file=sys.stderr)  # noqa: T201
    return EXIT_FAILED if errors else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from viva.bank import open_bank

    bank = open_bank(args.bank)
    for problem in bank.errors:
        print(problem, file=sys.stderr)  # noqa: T201
    questions = bank.by_topic(args.topic) if args.topic else list(bank)
    if args.topic and not questions:
        raise CliError(
            f"no questions in topic {args.topic!r}; topics are: {', '.join(bank.topics())}"
        )
    if args.json:
        payload = [q.model_dump(mode="json") for q in questions]
        print(json.dumps(payload, indent=2, ensure_ascii=False))  # noqa: T201
        return EXIT_OK
    width = max((len(q.id) for q in questions), default=10)
    for q in questions:
        print(f"{q.id:<{width}}  {q.topic:<20} {q.difficulty:<12} {q.question}")  # noqa: T201
    print(f"{len(questions)} questions", file=sys.stderr)  # noqa: T201
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from viva.bank.importer import dump_bank_file, import_markdown
    from viva.bank.loader import load_file

    source: Path = args.file
    if not source.is_file():
        what = "is a folder" if source.is_dir() else "no such file"
        raise CliError(f"{source}: {what}; give a Markdown Q&A document")
    try:
        data = import_markdown(source, topic=args.topic)
    except UnicodeDecodeError as exc:
        raise CliError(f"{source}: not UTF-8 text; give a Markdown Q&A document") from exc
    except OSError as exc:
        raise CliError(f"{source}: cannot read it ({exc.strerror or exc})") from exc
    if not data["questions"]:
        raise CliError(
            f"{source}: found no questions. Use headings or numbered lines ending with '?', "
            "each followed by its answer."
        )
    text = dump_bank_file(data)
    if args.out is None:
        sys.stdout.write(text)
        return EXIT_OK
    if args.out.exists() and not args.force:
        raise CliError(f"{args.out} exists; pass --force to overwrite it")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    _, problems = load_file(args.out)
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201
    print(  # noqa: T201
        f"wrote {len(data['questions'])} questions to {args.out}; review the answers and "
        "key points, then run: viva bank validate --bank " + str(args.out.parent),
        file=sys.stderr,
    )
    return EXIT_OK
