"""Text-to-speech: synthesise to a cached WAV, then play it on the chosen output device.

Synthesis runs pyttsx3 in a short-lived subprocess (``viva.speech._tts_worker``): one engine per
process, no sticky ``save_to_file`` state, no thread-safety problems, and a hard timeout. If
pyttsx3 fails, the ``espeak-ng`` command line is used. Files are cached under
``cache_dir()/tts`` keyed by a hash of text, voice, rate and engine, written to a temporary name
and renamed only once complete. Playback uses a ``sounddevice`` output stream so ``stop()``
silences it at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import soundfile as sf

from viva.speech.audio import resample
from viva.speech.devices import find_output
from viva.speech.errors import OutputUnavailable, SpeechError, TtsUnavailable

log = logging.getLogger(__name__)

ENGINES = ("pyttsx3", "espeak-ng")
_BROKEN: dict[str, str] = {}  # engine -> why it failed (logged once per process)
_BROKEN_LOCK = threading.Lock()
_VOICES_CACHE: list[Voice] | None = None


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...] = ()


def _mark_broken(engine: str, why: str) -> None:
    with _BROKEN_LOCK:
        if engine not in _BROKEN:
            log.warning("text-to-speech engine %s does not work here: %s", engine, why)
        _BROKEN[engine] = why


def tts_cache_dir() -> Path:
    from viva.storage.paths import cache_dir

    path = cache_dir() / "tts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _valid_wav(path: Path) -> bool:
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError):
        return False
    return info.frames > 0


class Speaker:
    """Speaks questions. ``say()`` blocks until played or ``stop()``ped (from any thread)."""

    def __init__(
        self,
        voice: str | None = None,
        rate: int | None = None,
        device: int | str | None = None,
        *,
        engine: str = "auto",
        sd_module: ModuleType | Any | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        if engine not in ("auto", *ENGINES):
            raise ValueError(f"unknown TTS engine {engine!r}; use auto, pyttsx3 or espeak-ng")
        self.voice = voice
        self.rate = rate
        self.device = device
        self.engine = engine
        self.timeout_s = timeout_s
        self._sd_module = sd_module
        self._stop = threading.Event()
        self._done = threading.Event()
        self._done.set()
        self.started = threading.Event()  # set while a playback is running
        self._play_lock = threading.Lock()
        self.last_engine: str | None = None

    # -- synthesis ----------------------------------------------------------------------------
    def _engines(self) -> list[str]:
        order = list(ENGINES) if self.engine == "auto" else [self.engine]
        return [e for e in order if e not in _BROKEN]

    def cache_path(self, text: str, engine: str) -> Path:
        key = json.dumps([text, self.voice, self.rate, engine], ensure_ascii=False)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
        return tts_cache_dir() / f"{digest}.wav"

    def synthesize(self, text: str, out: Path | None = None) -> Path:
        """Synthesise ``text`` to a WAV (cached) and return its path; copy to ``out`` if given.

        Raises TtsUnavailable if no engine works.
        """
        text = " ".join(text.split())
        if not text:
            raise SpeechError("There is no text to speak.")
        errors: list[str] = []
        for engine in self._engines():
            target = self.cache_path(text, engine)
            if not _valid_wav(target):
                try:
                    self._run_engine(engine, text, target)
                except SpeechError as exc:
                    errors.append(f"{engine}: {exc.detail or exc.user_message}")
                    _mark_broken(engine, exc.detail or exc.user_message)
                    continue
            self.last_engine = engine
            if out is not None:
                out = Path(out).expanduser().resolve()
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(target, out)
                return out
            return target
        detail = "; ".join(errors) or "; ".join(f"{k}: {v}" for k, v in _BROKEN.items())
        raise TtsUnavailable(detail=detail or "no engine")

    def _run_engine(self, engine: str, text: str, target: Path) -> None:
        fd, tmp_name = tempfile.mkstemp(suffix=".wav.tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            if engine == "pyttsx3":
                cmd = [
                    sys.executable,
                    "-m",
                    "viva.speech._tts_worker",
                    "synth",
                    "--out",
                    str(tmp),
                    "--timeout",
                    str(self.timeout_s),
                ]
                if self.voice:
                    cmd += ["--voice", self.voice]
                if self.rate:
                    cmd += ["--rate", str(int(self.rate))]
                cmd += ["--", text]
            else:
                exe = shutil.which("espeak-ng") or shutil.which("espeak")
                if exe is None:
                    raise SpeechError(detail="espeak-ng is not installed")
                cmd = [exe, "-w", str(tmp)]
                if self.voice:
                    cmd += ["-v", self.voice]
                if self.rate:
                    cmd += ["-s", str(int(self.rate))]
                cmd += ["--", text]
            try:
                proc = subprocess.run(
                    cmd, capture_output=True, text=True, timeout=self.timeout_s + 5, check=False
                )
            except subprocess.TimeoutExpired as exc:
                raise SpeechError(detail=f"{engine} timed out") from exc
            except OSError as exc:
                raise SpeechError(detail=f"{engine}: {exc}") from exc
            if proc.returncode != 0 or not _valid_wav(tmp):
                why = (proc.stdout.strip() or proc.stderr.strip())[-500:]
                raise SpeechError(detail=f"{engine} failed (exit {proc.returncode}): {why}")
            os.replace(tmp, target)  # complete files only ever appear under the cache name
        finally:
            tmp.unlink(missing_ok=True)

    # -- voices -------------------------------------------------------------------------------
    def voices(self) -> list[Voice]:
        """Installed voices (pyttsx3's list, else espeak-ng's). Empty if no engine works."""
        global _VOICES_CACHE
        if _VOICES_CACHE is not None:
            return list(_VOICES_CACHE)
        found: list[Voice] = []
        if "pyttsx3" in self._engines():
            try:
                proc = subprocess.run(
                    [sys.executable, "-m", "viva.speech._tts_worker", "voices"],
                    capture_output=True,
                    text=True,
                    timeout=30,
                    check=False,
                )
                data = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout else {}
                found = [
                    Voice(id=v["id"], name=v["name"], languages=tuple(v.get("languages") or ()))
                    for v in data.get("voices", [])
                ]
            except (subprocess.TimeoutExpired, OSError, ValueError, KeyError, IndexError) as exc:
                log.warning("pyttsx3 could not list voices: %s", exc)
        if not found:
            found = _espeak_voices()
        _VOICES_CACHE = found
        return list(found)

    # -- playback -----------------------------------------------------------------------------
    def _sd(self) -> Any:
        if self._sd_module is None:
            import sounddevice

            self._sd_module = sounddevice
        return self._sd_module

    def say(self, text: str) -> Path:
        """Speak ``text`` on the output device; blocks until it has played or ``stop()``."""
        path = self.synthesize(text)
        self.play(path)
        return path

    def play(self, path: Path) -> None:
        """Play a WAV file on the output device; blocks until done or stopped."""
        sd = self._sd()
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        mono = data.mean(axis=1)
        with self._play_lock:
            self._stop.clear()
            dev = find_output(self.device, sd)
            try:
                sd.check_output_settings(
                    device=dev.index, samplerate=rate, channels=1, dtype="float32"
                )
            except (sd.PortAudioError, ValueError):
                new_rate = int(dev.default_samplerate)
                mono = resample(mono, rate, new_rate)
                rate = new_rate
            pos = 0
            done = threading.Event()
            self._done = done

            def callback(outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
                nonlocal pos
                if self._stop.is_set():
                    raise sd.CallbackAbort
                chunk = mono[pos : pos + frames]
                outdata[: len(chunk), 0] = chunk
                if len(chunk) < frames:
                    outdata[len(chunk) :, 0] = 0.0
                    raise sd.CallbackStop
                pos += frames

            try:
                stream = sd.OutputStream(
                    device=dev.index,
                    samplerate=rate,
                    channels=1,
                    dtype="float32",
                    callback=callback,
                    finished_callback=done.set,
                )
            except sd.PortAudioError as exc:
                raise OutputUnavailable(
                    f"The speaker {dev.name!r} could not be opened. Choose another output in "
                    "Settings.",
                    detail=str(exc),
                ) from exc
            with stream:
                self.started.set()
                # Wake up at the end of the audio, on stop(), or after a generous limit.
                limit = len(mono) / rate + 5.0
                if not done.wait(limit):
                    log.warning("playback did not finish within %.1f s; stopping it", limit)
                    self._stop.set()
            self.started.clear()

    def stop(self) -> None:
        """Stop playback now (safe from any thread)."""
        self._stop.set()
        # The callback raises CallbackAbort on its next block; finished_callback sets done.

    @property
    def is_speaking(self) -> bool:
        return not self._done.is_set()


def _espeak_voices() -> list[Voice]:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if exe is None:
        return []
    try:
        proc = subprocess.run(
            [exe, "--voices"], capture_output=True, text=True, timeout=10, check=False
        )
    except (subprocess.TimeoutExpired, OSError) as exc:
        log.warning("espeak-ng could not list voices: %s", exc)
        return []
    voices = []
    for line in proc.stdout.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            voices.append(Voice(id=parts[4], name=parts[3], languages=(parts[1],)))
    return voices


def tts_available() -> bool:
    """True if at least one engine is not known to be broken (does not synthesise)."""
    return any(e not in _BROKEN for e in ENGINES)
