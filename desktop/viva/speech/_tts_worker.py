"""Subprocess entry point that runs pyttsx3 once: ``python -m viva.speech._tts_worker``.

pyttsx3 keeps global, sticky state (one espeak instance per process, ``save_to_file`` never
cleared, not thread-safe; see shared/virtual-audio/README.md). Running each synthesis in a fresh
process with exactly one engine avoids all of it. Output: one JSON line on stdout.

    _tts_worker synth --out /abs/file.wav [--voice ID] [--rate WPM] TEXT
    _tts_worker voices
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import threading
from typing import Any


def _engine() -> Any:
    import pyttsx3

    return pyttsx3.init()


def _voices() -> dict[str, Any]:
    engine = _engine()
    voices = []
    for v in engine.getProperty("voices") or ():
        langs = [
            lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)
            for lang in (getattr(v, "languages", None) or ())
        ]
        voices.append({"id": str(v.id), "name": str(v.name), "languages": langs})
    return {"ok": True, "voices": voices}


def _synth(
    text: str, out: str, voice: str | None, rate: int | None, timeout: float
) -> dict[str, Any]:
    out = os.path.abspath(os.path.expanduser(out))
    os.makedirs(os.path.dirname(out), exist_ok=True)
    engine = _engine()
    if voice:
        engine.setProperty("voice", voice)
    if rate:
        engine.setProperty("rate", int(rate))
    done = threading.Event()
    engine.connect("finished-utterance", lambda name, completed: done.set())
    engine.save_to_file(text, out)
    # pyttsx3 prints "Audio saved to ..." on stdout: keep stdout for our JSON line.
    with contextlib.redirect_stdout(io.StringIO()):
        engine.runAndWait()
    if not done.wait(timeout):
        return {"ok": False, "error": f"no finished-utterance within {timeout:.0f} s"}
    if not os.path.exists(out) or os.path.getsize(out) <= 44:
        return {"ok": False, "error": "pyttsx3 wrote no audio"}
    return {"ok": True, "path": out}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="viva-tts-worker")
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("synth")
    s.add_argument("--out", required=True)
    s.add_argument("--voice")
    s.add_argument("--rate", type=int)
    s.add_argument("--timeout", type=float, default=60.0)
    s.add_argument("text")
    sub.add_parser("voices")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "voices":
            result = _voices()
        else:
            result = _synth(args.text, args.out, args.voice, args.rate, args.timeout)
    except (ImportError, RuntimeError, OSError, ValueError, KeyError) as exc:
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(result) + "\n")
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
