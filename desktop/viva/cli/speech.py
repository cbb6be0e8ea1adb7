"""CLI commands of the speech group: transcribe, say, devices, record."""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path

from viva.cli.common import EXIT_FAILED, EXIT_OK, CliError, TerminalProgress

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this group's commands to the `viva` parser."""
    p = sub.add_parser("transcribe", help="transcribe an audio file with the local Whisper model")
    p.add_argument("audio", metavar="AUDIO", help="audio file (wav, flac, mp3, ogg, ...)")
    p.add_argument("--model", metavar="DIR", help="CTranslate2 Whisper model folder")
    p.add_argument("--json", action="store_true", help="print the transcript as JSON")
    p.add_argument(
        "--hotwords",
        metavar="TEXT",
        help="jargon to bias towards, comma-separated, e.g. 'MLflow, Kubeflow'",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="transcribe through the live path, printing partial lines",
    )
    p.add_argument(
        "--realtime",
        action="store_true",
        help="with --stream: feed the file at 1x speed, as a live answer would",
    )
    p.set_defaults(func=cmd_transcribe)

    p = sub.add_parser("say", help="speak text with the text-to-speech engine")
    p.add_argument("text", metavar="TEXT", nargs="?")
    p.add_argument("--out", metavar="WAV", type=Path, help="write a WAV instead of playing")
    p.add_argument(
        "--voice",
        metavar="V",
        help="natural (the default, falls back to system), system, or a system voice id "
        "(see --list-voices)",
    )
    p.add_argument("--rate", metavar="R", type=int, help="words per minute")
    p.add_argument("--device", metavar="D", help="output device name or index")
    p.add_argument(
        "--list-voices",
        action="store_true",
        help="list voices (natural first) and exit; with --all-languages every system voice",
    )
    p.add_argument(
        "--all-languages",
        action="store_true",
        help="with --list-voices: every system voice, not only English ones",
    )
    p.set_defaults(func=cmd_say)

    p = sub.add_parser("devices", help="list audio inputs and outputs")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_devices)

    p = sub.add_parser("record", help="record from the microphone into a WAV file")
    p.add_argument("out", metavar="OUT.wav", type=Path)
    p.add_argument(
        "--seconds",
        metavar="N",
        type=float,
        default=10.0,
        help="length (default 10; Ctrl+C stops early)",
    )
    p.add_argument("--device", metavar="D", help="input device name or index")
    p.add_argument(
        "--question",
        metavar="ID",
        help="the question being answered (kept with the audio, for crash recovery)",
    )
    p.set_defaults(func=cmd_record)


def _out(line: str = "") -> None:
    print(line, flush=True)  # noqa: T201


def cmd_transcribe(args: argparse.Namespace) -> int:
    from viva.speech.audio import SAMPLE_RATE, load_audio
    from viva.speech.errors import AudioUnreadable, SpeechError
    from viva.speech.transcriber import Transcriber

    if args.realtime and not args.stream:
        raise CliError("--realtime needs --stream")
    try:
        samples = load_audio(args.audio)
        if samples.size == 0:
            raise AudioUnreadable(f"{args.audio} contains no audio.")
        transcriber = Transcriber(args.model)
        progress = TerminalProgress()
        progress.note("Loading the speech model…")
        try:
            transcriber.load()
        finally:
            progress.clear()
        if not args.stream:
            label = f"Transcribing {samples.size / SAMPLE_RATE:.0f} s of audio"
            progress.note(f"{label}…")
            try:
                transcript = transcriber.transcribe(
                    samples, hotwords=args.hotwords, progress=progress.fraction(label)
                )
            finally:
                progress.clear()
            extra: dict[str, object] = {}
        else:
            from viva.speech.live import Commit, Partial, transcribe_live

            def on_partial(p: Partial) -> None:
                if not args.json and p.tentative:
                    _out(f"… [{p.audio_s:6.1f}s] {p.tentative}")

            def on_commit(c: Commit) -> None:
                if not args.json:
                    _out(f"✓ [{c.start_s:6.1f}-{c.end_s:6.1f}s] {c.text}")

            transcript, stats = transcribe_live(
                transcriber,
                samples,
                hotwords=args.hotwords,
                speed=1.0 if args.realtime else 0.0,
                on_partial=on_partial,
                on_commit=on_commit,
            )
            extra = {k: stats.to_dict()[k] for k in ("after_stop_s", "tail_s")}
            if args.realtime:
                extra.update(
                    {
                        k: stats.to_dict()[k]
                        for k in (
                            "lag_median_s",
                            "lag_p90_s",
                            "commit_lag_median_s",
                            "commit_lag_p90_s",
                        )
                    }
                )
    except SpeechError as exc:
        raise CliError(exc.user_message) from exc
    if not transcript.text.strip():
        seconds = samples.size / 16000
        raise CliError(
            f"nothing was heard in {args.audio} ({seconds:.0f} s of audio): it is silent or "
            "holds no speech Whisper recognises. Check the file (or the microphone it was "
            "recorded with) and try again."
        )
    if args.json:
        data = transcript.to_dict()
        data.update(extra)
        _out(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _out(transcript.text)
    return EXIT_OK


def cmd_say(args: argparse.Namespace) -> int:
    from viva.speech.errors import SpeechError
    from viva.speech.speaker import NATURAL, SYSTEM, Speaker

    # An explicit --voice natural means that voice or an error; no --voice falls back.
    engine = args.voice if args.voice in (NATURAL, SYSTEM) else "auto"
    speaker = Speaker(voice=args.voice, rate=args.rate, device=args.device, engine=engine)
    if args.list_voices:
        for v in speaker.voices(all_languages=args.all_languages):
            _out(f"{v.id}\t{v.name}\t{','.join(v.languages)}")
        return EXIT_OK
    if not args.text:
        raise CliError("say needs TEXT (or --list-voices)")
    try:
        if args.out:
            path = speaker.synthesize(args.text, out=args.out)
            _out(f"wrote {path} ({speaker.last_engine})")
        else:
            speaker.say(args.text)
    except SpeechError as exc:
        print(f"viva: error: {exc.user_message}", file=sys.stderr)  # noqa: T201
        return EXIT_FAILED
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from viva.speech.devices import list_devices

    devices = list_devices()
    if args.json:
        from dataclasses import asdict

        _out(
            json.dumps(
                {
                    "inputs": [asdict(d) for d in devices.inputs],
                    "outputs": [asdict(d) for d in devices.outputs],
                },
                indent=2,
            )
        )
        return EXIT_OK
    for title, items, none_msg in (
        (
            "Inputs",
            devices.inputs,
            "No microphone found. Plug one in or choose an input in Settings.",
        ),
        ("Outputs", devices.outputs, "No speaker or headphones found."),
    ):
        _out(f"{title}:")
        if not items:
            _out(f"  (none) {none_msg}")
        for d in items:
            mark = "*" if d.is_default else " "
            ch = d.max_input_channels if title == "Inputs" else d.max_output_channels
            _out(
                f" {mark} {d.index:>3}  {d.name}  ({d.hostapi}, {ch} ch, "
                f"{d.default_samplerate:.0f} Hz)"
            )
    _out("(* = default)")
    return EXIT_OK


def cmd_record(args: argparse.Namespace) -> int:
    from viva.speech.errors import DeviceLost, SpeechError
    from viva.speech.recorder import Recorder

    if not math.isfinite(args.seconds) or args.seconds <= 0:
        raise CliError("--seconds must be a positive number of seconds, e.g. 60")
    if args.out.exists():
        raise CliError(f"{args.out} already exists; choose another file name")
    device: int | str | None = args.device
    if isinstance(device, str) and device.isdigit():
        device = int(device)
    recorder = Recorder(device, max_seconds=args.seconds, question_id=args.question)
    try:
        path = recorder.start(args.out)
        _out(f"recording to {path} for {args.seconds:g} s (Ctrl+C to stop)…")
        try:
            # Ends at the cap (recorder.finished) or on device loss; Ctrl+C stops early.
            deadline = time.monotonic() + args.seconds + 2.0
            while not recorder.wait(0.2) and time.monotonic() < deadline:
                pass
        except KeyboardInterrupt:
            log.info("recording stopped by the user")
        recording = recorder.stop()
    except DeviceLost as exc:
        kept = exc.recording.path if exc.recording else None
        print(f"viva: error: {exc.user_message} Kept: {kept}", file=sys.stderr)  # noqa: T201
        return EXIT_FAILED
    except SpeechError as exc:
        print(f"viva: error: {exc.user_message}", file=sys.stderr)  # noqa: T201
        return EXIT_FAILED
    _out(f"wrote {recording.path} ({recording.duration_s:.1f} s)")
    return EXIT_OK
